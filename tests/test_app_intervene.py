"""AppTests of the what-if panels (issue #17, part 4): a clamped gate or a set unit on the Inside-the-cell page and
α<t,·> set by hand on the Attention page. Each shows the changed run beside the normal one with the library's own
numbers, a link restores the intervention, and odd values (out of range, all-zero or negative rows) get messages."""

import pathlib
from urllib.parse import parse_qs, urlsplit

import numpy as np
import pytest
from conftest import chart, watchdog
from streamlit.testing.v1 import AppTest
from test_app import LIMIT, TIMEOUT

import seqviz
from seqviz.rnn.intervene import GateClamp, Intervention, UnitSet, run
from seqviz.translation import intervene as mt_iv
from seqviz.ui.i18n import translate

ROOT = pathlib.Path(__file__).resolve().parent.parent
CELL, ATT = "rnn_cell.py", "attention_model.py"
NAMES = "andrew ng\nmary johnson"  # the cell page's default text
DATE = "Tuesday 13 June 1989"  # the attention page's first default line
BAD = "Parts of this link could not be used"  # the share module's warning (share.head_bad)

pytestmark = pytest.mark.usefixtures("app_navigation", "one_thread")  # pages run inside app.py (conftest)


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog)."""
    with watchdog(LIMIT, request.config):
        yield


def open_page(page: str, link: dict | None = None, lang: str = "en", **state) -> AppTest:
    """Open `page` through app.py, from a link carrying `link` and/or with session `state` set first."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    for k, v in state.items():
        at.session_state[k] = v
    at.query_params.update(link or {})
    at.switch_page(f"pages/{page}")
    return at.run()


def address(at) -> dict:
    """What the page wrote into the address (but the language); the sidebar's link to copy says the same."""
    written = {k: v for k, v in at.query_params.items() if k != "lang"}
    shown = at.sidebar.code[0].value
    assert {k: v[0] for k, v in parse_qs(urlsplit(shown).query).items()} == written, shown
    return written


def metrics(at) -> dict:
    return {m.label: m.value for m in at.metric}


def cell_model(cell: str):
    return seqviz.load_pretrained(f"names-{cell}")


def check_cell_runs(at, m, text: str, iv: Intervention, unit: int) -> None:
    """The panel's numbers are the library's: both perplexities and, in its figure, both runs' P(next character) and
    the unit's a<t> (and the LSTM's c<t>)."""
    normal, changed = run(m, text), run(m, text, iv)
    shown = metrics(at)
    assert shown["Perplexity of your text, normal"] == f"{normal.perplexity:.2f}"
    assert shown["Perplexity, changed"] == f"{changed.perplexity:.2f}"
    fig = chart(at, "iv_cell_fig")
    top = [d for d in fig["data"] if d.get("yaxis", "y") == "y"]
    assert [d["name"] for d in top] == ["normal run", "changed run"]
    np.testing.assert_allclose(np.asarray(top[0]["y"], float), normal.p_next, atol=1e-4)
    np.testing.assert_allclose(np.asarray(top[1]["y"], float), changed.p_next, atol=1e-4)
    below = [np.asarray(d["y"], float) for d in fig["data"] if d.get("yaxis") == "y2"]
    want = [normal.trace.a[:, unit], changed.trace.a[:, unit]]
    if m.cell == "lstm":
        want += [normal.trace.c[:, unit], changed.trace.c[:, unit]]
    assert len(below) == len(want) and all(np.allclose(b, w, atol=1e-4) for b, w in zip(below, want))


def most_varying(m, text: str) -> int:
    return int(np.argmax(m.trace(text).a[1:].std(axis=0)))


# ---------------------------------------------------------------- inside the cell


def test_cell_panel_opens_on_a_frozen_lstm_memory():
    at = open_page(CELL)
    assert not at.exception and not at.error and not at.warning
    m = cell_model("lstm")
    assert at.radio(key="iv_what_lstm").value == "gates"
    assert at.multiselect(key="iv_gates_lstm").value == ["gamma_f", "gamma_u"]
    assert at.slider(key="iv_start").value == 3 and at.number_input(key="iv_unit").value == most_varying(m, NAMES)
    iv = Intervention((GateClamp("gamma_u", 0.0, None, 3), GateClamp("gamma_f", 1.0, None, 3)))
    check_cell_runs(at, m, NAMES, iv, most_varying(m, NAMES))
    changed = run(m, NAMES, iv)
    assert changed.perplexity > 3 * run(m, NAMES).perplexity  # a visible effect on the first screen
    said = next(x.value for x in at.markdown if x.value.startswith("**Γu = 0, Γf = 1** in every unit"))
    assert "c<t> is frozen" in said
    biggest = next(x for x in at.metric if x.label.startswith("Biggest change"))
    assert biggest.label == "Biggest change: P(“␣” after “w”, t = 6)"  # the end of "andrew": the frozen model lost it
    assert address(at) == {}  # the defaults: nothing in the address


@pytest.mark.parametrize("cell", ["gru", "rnn"])
def test_cell_panel_defaults_of_the_gru_and_the_rnn(cell):
    at = open_page(CELL, cell_kind=cell)
    assert not at.exception and not at.error and not at.warning
    m = cell_model(cell)
    unit = most_varying(m, NAMES)
    if cell == "gru":  # Γu = 0 everywhere: a<t> = c<t> carried forward unchanged
        iv = Intervention((GateClamp("gamma_u", 0.0, None, 3),))
        assert any("the GRU never updates" in x.value for x in at.markdown)
    else:  # no gates: the unit that varies most, switched off from step 3 on
        assert "iv_what_rnn" not in [r.key for r in at.radio]
        assert any("a vanilla RNN has no gates" in x.value for x in at.markdown)
        iv = Intervention(sets=(UnitSet(unit, 0.0, "a", 3, True),))
        assert any(x.value.startswith(f"**a<t> of unit {unit} = 0** at every step") for x in at.markdown)
    check_cell_runs(at, m, NAMES, iv, unit)
    normal, changed = run(m, NAMES), run(m, NAMES, iv)
    assert changed.perplexity > normal.perplexity and np.nanmax(np.abs(changed.p_next - normal.p_next)) > 0.5


def test_a_link_restores_a_unit_override_and_the_page_writes_it_back():
    link = {
        "iv_what_lstm": "unit",
        "iv_field_lstm": "c",
        "iv_unit": "5",
        "iv_value_c": "2.5",
        "iv_hold": "0",
        "iv_start": "2",
    }
    at = open_page(CELL, link)
    assert not at.exception and not at.error and not at.warning
    assert at.number_input(key="iv_unit").value == 5 and at.slider(key="iv_value_c").value == 2.5
    assert at.toggle(key="iv_hold").value is False and at.radio(key="iv_field_lstm").value == "c"
    check_cell_runs(at, cell_model("lstm"), NAMES, Intervention(sets=(UnitSet(5, 2.5, "c", 2, False),)), 5)
    assert any(x.value.startswith("**c<t> of unit 5 = 2.5** once, after step t = 2") for x in at.markdown)
    assert address(at) == link
    at.slider(key="iv_start").set_value(4).run()  # the student's change goes into the address
    assert not at.exception and address(at) == {**link, "iv_start": "4"}


def test_one_unit_clamp_through_the_widgets():
    at = open_page(CELL)
    at.radio(key="iv_scope").set_value("one").run()
    at.number_input(key="iv_unit").set_value(7).run()
    at.slider(key="iv_gamma_f").set_value(0.0).run()
    at.multiselect(key="iv_gates_lstm").set_value(["gamma_f"]).run()
    assert not at.exception and not at.error
    check_cell_runs(at, cell_model("lstm"), NAMES, Intervention((GateClamp("gamma_f", 0.0, 7, 3),)), 7)
    assert any(x.value.startswith("**Γf = 0** in unit 7") and "memory is wiped" in x.value for x in at.markdown)
    assert address(at) == {"iv_scope": "one", "iv_unit": "7", "iv_gamma_f": "0", "iv_gates_lstm": "gamma_f"}
    at.multiselect(key="iv_gates_lstm").set_value([]).run()  # nothing to clamp: a message, no figure
    assert not at.exception and any("at least one gate" in x.value for x in at.info)
    assert "iv_cell_fig" not in [c.key for c in at.get("plotly_chart")]


def test_the_unit_follows_the_sidebar_until_the_student_picks_one():
    at = open_page(CELL)
    at.sidebar.slider(key="cell_unit").set_value(10).run()
    assert not at.exception and at.number_input(key="iv_unit").value == 10
    assert address(at) == {"cell_unit": "10"}  # the panel's unit is the default again: not in the address
    at.number_input(key="iv_unit").set_value(12).run()
    at.sidebar.slider(key="cell_unit").set_value(11).run()
    assert at.number_input(key="iv_unit").value == 12 and address(at) == {"cell_unit": "11", "iv_unit": "12"}
    iv = Intervention((GateClamp("gamma_u", 0.0, None, 3), GateClamp("gamma_f", 1.0, None, 3)))
    check_cell_runs(at, cell_model("lstm"), NAMES, iv, 12)


def test_cell_values_out_of_range_get_messages():
    at = open_page(CELL, {"iv_unit": "999", "iv_start": "soon", "iv_gamma_f": "1.5"})  # n_a = 64, T = 23
    assert not at.exception and not at.error
    note = next(w.value for w in at.warning if BAD in w.value)
    assert all(f"**{k.replace('_', chr(92) + '_')}**" in note for k in ("iv_unit", "iv_start", "iv_gamma_f"))
    m = cell_model("lstm")
    assert at.number_input(key="iv_unit").value == most_varying(m, NAMES) and at.slider(key="iv_start").value == 3
    # values remembered from a longer text or a bigger model are pulled into range, with a message each
    at = open_page(CELL, iv_start=500, iv_unit=300)
    assert not at.exception and not at.error
    infos = [x.value for x in at.info]
    assert "t = 500 does not fit here (it can be 0 to 22); it was moved back into range." in infos
    assert "The unit = 300 does not fit here (it can be 0 to 63); it was moved back into range." in infos
    assert at.slider(key="iv_start").value == 22 and at.number_input(key="iv_unit").value == 63
    iv = Intervention((GateClamp("gamma_u", 0.0, None, 22), GateClamp("gamma_f", 1.0, None, 22)))
    check_cell_runs(at, m, NAMES, iv, 63)


@pytest.mark.parametrize("text", ["x", "中😀 é"])
def test_cell_panel_on_a_one_character_or_unknown_text(text):
    at = open_page(CELL, cell_text=text)
    assert not at.exception and not at.error
    T = len(text) + 1
    assert at.slider(key="iv_start").value == min(3, T - 1)  # the change starts inside the text
    m = cell_model("lstm")
    iv = Intervention((GateClamp("gamma_u", 0.0, None, min(3, T - 1)), GateClamp("gamma_f", 1.0, None, min(3, T - 1))))
    check_cell_runs(at, m, text, iv, at.number_input(key="iv_unit").value)


def test_cell_panel_in_chinese():
    at = open_page(CELL, lang="zh")
    assert not at.exception and not at.error and not at.warning
    assert translate("iv.cell.head", "zh") in [h.value for h in at.header]
    labels = [x.label for x in at.metric]
    assert translate("iv.cell.ppl_normal", "zh") in labels and translate("iv.cell.ppl_changed", "zh") in labels
    assert any("记忆细胞 c<t> 被冻结" in x.value for x in at.markdown)


# ---------------------------------------------------------------- attention by hand


@pytest.fixture(scope="module")
def dates():
    return seqviz.load_pretrained("date-attention")


def check_att_runs(at, dates, step: int, weights) -> tuple:
    """Both outputs, both P(ŷ|x) and both heatmaps on the page are the library's."""
    normal = mt_iv.translate_with_alpha(dates, DATE)
    changed = mt_iv.translate_with_alpha(dates, DATE, step, weights)
    shown = metrics(at)
    assert shown["Normal run ŷ"] == normal.output and shown["Changed run ŷ"] == changed.output
    assert shown["P(ŷ|x), normal"] == f"{normal.p:.3f}" and shown["P(ŷ|x), changed"] == f"{changed.p:.3f}"
    z0 = np.asarray(chart(at, "iv_att_heat_normal")["data"][0]["z"], float)
    z1 = np.asarray(chart(at, "iv_att_heat_changed")["data"][0]["z"], float)
    np.testing.assert_allclose(z0, normal.alpha, atol=1e-4)
    np.testing.assert_allclose(z1, changed.alpha, atol=1e-4)
    np.testing.assert_allclose(z1[step], np.asarray(weights) / np.sum(weights), atol=1e-4)
    return normal, changed


def test_attention_panel_opens_on_the_month_moved_to_the_day(dates):
    at = open_page(ATT)
    assert not at.exception and not at.error and not at.warning
    assert at.selectbox(key="iv_att_t").value == 5 and at.selectbox(key="iv_att_pos").value == 8
    normal, changed = check_att_runs(at, dates, 5, mt_iv.one_hot(20, 8))
    assert (normal.output, changed.output) == ("1989-06-13", "1989-16-13")
    said = next(x.value for x in at.markdown if x.value.startswith("All of α<6,·>"))
    assert "t' = 9 (“1”)" in said and "now writes **“1”** instead of “0”" in said
    assert address(at) == {}


def test_attention_panel_in_chinese(dates):
    at = open_page(ATT, lang="zh")
    assert not at.exception and not at.error and not at.warning
    assert translate("iv.att.head", "zh") in [h.value for h in at.header]
    shown = metrics(at)
    assert shown[translate("iv.att.out_changed", "zh")] == "1989-16-13"
    assert any("解码器现在写出 **“1”** 而不是“0”" in x.value for x in at.markdown)
    assert at.selectbox(key="iv_att_pos").value == 7  # 中文's first line is 1989年6月13日星期二: the "1" of 13日


def test_a_link_restores_a_hand_edited_row(dates):
    row = np.zeros(20)
    row[16] = 2.0  # all on the "1" of 1989, with a weight of 2: renormalised
    link = {"iv_att_mode": "hand", "iv_att_t": "5", "iv_att_row": ",".join(f"{v:g}" for v in row)}
    at = open_page(ATT, link)
    assert not at.exception and not at.error and not at.warning
    table = at.data_editor(key="iv_att_editor").value
    np.testing.assert_allclose(table["weight"].to_numpy(float), row)
    assert any("add up to 2" in c.value for c in at.caption)
    check_att_runs(at, dates, 5, row)
    assert address(at) == {k: v for k, v in link.items() if k != "iv_att_t"}  # step 5 is the default: left out


def test_editing_the_row_in_the_table(dates):
    at = open_page(ATT, iv_att_mode="hand")
    assert not at.exception and at.data_editor(key="iv_att_editor").value["weight"].sum() == pytest.approx(1, abs=0.01)
    check_att_runs(at, dates, 5, np.round(mt_iv.translate_with_alpha(dates, DATE).alpha[5], 3))  # the model's own
    at.session_state["iv_att_editor"] = {
        "edited_rows": {8: {"weight": 1.0}, 11: {"weight": 0.0}, 12: {"weight": 0.0}, 13: {"weight": 0.0}},
        "added_rows": [],
        "deleted_rows": [],
    }
    at.run()
    assert not at.exception and not at.error
    w = np.round(mt_iv.translate_with_alpha(dates, DATE).alpha[5].astype(np.float64), 3)
    w[[11, 12, 13]], w[8] = 0, 1.0
    normal, changed = check_att_runs(at, dates, 5, w)
    assert changed.output != normal.output
    assert address(at)["iv_att_row"] == ",".join(format(v, ".4g") for v in w)


@pytest.mark.parametrize(
    "row, kind, text",
    [
        ("0," * 19 + "0", "info", "All weights are 0"),
        ("1,0,-1" + ",0" * 17, "warning", "cannot be negative (t' = 3)"),
        ("1,2,3", "warning", "does not hold 20 numbers"),
        ("1,x" + ",0" * 18, "warning", "does not hold 20 numbers"),
    ],
)
def test_bad_rows_get_messages(row, kind, text):
    at = open_page(ATT, {"iv_att_mode": "hand", "iv_att_row": row})
    assert not at.exception and not at.error
    assert any(text in x.value for x in getattr(at, kind)), [x.value for x in getattr(at, kind)]
    if kind == "info" or "negative" in text:  # the row cannot be used: no changed run
        assert "iv_att_heat_changed" not in [c.key for c in at.get("plotly_chart")]
    else:  # a malformed row is dropped: the table starts again from the model's α
        assert "iv_att_heat_changed" in [c.key for c in at.get("plotly_chart")]


def test_attention_step_out_of_range_gets_a_message():
    at = open_page(ATT, {"iv_att_t": "50", "iv_att_pos": "99"})  # 11 output steps, 20 input characters
    assert not at.exception and not at.error
    note = next(w.value for w in at.warning if BAD in w.value)
    assert "**iv\\_att\\_t**" in note and "**iv\\_att\\_pos**" in note
    assert at.selectbox(key="iv_att_t").value == 5 and at.selectbox(key="iv_att_pos").value == 8
    # a step remembered from a longer output: pulled back, with a message
    at = open_page(ATT, mt_text="6/13/89", iv_att_t=40)
    assert not at.exception
    assert any("t = 41 does not fit here (it can be 1 to 11)" in x.value for x in at.info)
