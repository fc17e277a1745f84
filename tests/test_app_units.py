"""AppTests of issue 16 on the pages: the Python-code character model on the cell page (its unit finder, a
hypothesis of your own, where a unit fires in held-out code) and on the language-model page (sampling code,
scoring it)."""

import re

import numpy as np
import pytest
from conftest import watchdog
from test_app import LIMIT, run_page

from seqviz.rnn import units
from seqviz.ui.i18n import translate

CELL = "rnn_cell.py"


@pytest.fixture(autouse=True)
def _bounded(request):
    with watchdog(LIMIT, request.config):
        yield


def finder_table(at, lang: str):
    hyp = translate("cell.find.col.hyp", lang)
    found = [d.value for d in at.dataframe if hyp in d.value.columns]
    assert len(found) == 1
    return found[0]


def unit_of(cell: str) -> tuple[str, int, float]:
    """'c<t> #80  r = -0.66' -> ("c<t>", 80, -0.66)."""
    m = re.fullmatch(r"(.+) #(\d+)\s+r = ([+-]\d\.\d\d)", cell)
    assert m, cell
    return m[1], int(m[2]), float(m[3])


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_the_code_model_opens_on_a_snippet_and_its_string_unit(lang):
    at = run_page(CELL, lang, cell_kind="code")
    assert not at.exception and not at.error
    snippet = translate("cell.default_text.code", lang)
    assert at.text_area[0].value == snippet and '"""' in snippet and "(" in snippet
    table = finder_table(at, lang)
    assert list(table.iloc[:, 0]) == [translate(f"hyp.{h}", lang) for h in units.HYPOTHESES]
    # recompute the ranking from the model itself: the table lists its best units, in order, with their r
    import seqviz

    m = seqviz.load_pretrained("python-lstm")
    ranking = units.rank_units(m.trace(snippet), snippet, top=3)
    for row, (hyp, best) in zip(table.itertuples(index=False), ranking.items()):
        shown = [unit_of(c) for c in row[1:]]
        assert [(u, r) for _, u, r in shown] == [(s.unit, round(s.r, 2)) for s in best], hyp
    strings = ranking["in_string"][0]
    assert abs(strings.r) > 0.4  # a unit that follows the strings of the snippet
    # the page opens on that hypothesis, and section 4's slider on the a<t> unit that follows strings best
    assert at.selectbox(key="cell_hyp_code").value == "in_string"
    a_best = units.rank_units({"a": units.signals(m.trace(snippet))["a"]}, snippet, {"s": units.in_string(snippet)}, 1)
    assert at.sidebar.slider(key="cell_unit_code").value == a_best["s"][0].unit
    assert any(f"#{strings.unit}" in md.value for md in at.markdown)  # "Its best unit, ... #N"
    where = translate("cell.find.where.held_out", lang, n=10_000)
    assert where in [c.value for c in at.caption]  # its passages come from held-out files


def test_your_own_hypothesis_as_a_regular_expression():
    at = run_page(CELL, cell_kind="code", cell_hyp_code="__regex__", cell_regex=r"\[[^\]]*\]")
    assert not at.exception and not at.error
    best = [m.value for m in at.markdown if m.value.startswith("Units that follow your regular expression")]
    assert len(best) == 1 and best[0].count("r = ") == 3
    at.text_input(key="cell_regex").set_value("([").run()
    assert not at.exception
    assert any(w.value.startswith("That is not a valid regular expression") for w in at.warning)
    at.text_input(key="cell_regex").set_value("zzqqx").run()
    assert any("matches nothing in your text" in i.value for i in at.info)
    at.text_input(key="cell_regex").set_value("(a+)+$" + "a" * 10).run()  # slow or simply no match: no traceback
    assert not at.exception


def test_constant_hypotheses_are_dashes_not_unit_zero():
    at = run_page(CELL)  # the names model on "andrew ng / mary johnson": no strings, brackets or comments
    assert not at.exception
    table = finder_table(at, "en")
    row = table[table.iloc[:, 0] == translate("hyp.in_string", "en")].iloc[0]
    assert list(row.iloc[1:]) == ["—", "—", "—"]
    moving = table[table.iloc[:, 0] == translate("hyp.line_position", "en")].iloc[0]
    assert all(abs(unit_of(c)[2]) > 0.5 for c in moving.iloc[1:])


def test_odd_code_gets_messages_not_tracebacks():
    for text in ("\t\tif x:\n\t\t\treturn '''", "x" * 3000, "😀 = '中文'", "<b>x</b> # </div>", "a"):
        at = run_page(CELL, cell_kind="code", cell_text_code=text)
        assert not at.exception, text[:20]


def test_the_language_model_page_samples_and_scores_code():
    code = "def add(a, b):\n    return a + b\n"
    at = run_page("language_model.py", lm_corpus="python", lm_temp=0.8, lm_len=300, lm_text=code)
    assert not at.exception and not at.error
    sample = at.code[0].value
    assert sample.count("\n") >= 3 and any(ln.startswith("    ") for ln in sample.split("\n"))  # indented lines
    assert sum(ch in "()=:" for ch in sample) > 5  # it writes code
    scores = at.dataframe[0].value
    row = scores[scores.iloc[:, 0].str.contains("Python")].iloc[0]
    names = scores[scores.iloc[:, 0].str.contains("names")].iloc[0]
    assert row.iloc[3] < names.iloc[3]  # the code model finds code far less surprising than a names model does
    assert np.isfinite(row.iloc[3]) and row.iloc[1] == len(code) + 0  # every character scored, newlines included
