"""One AppTest per page: it runs, shows what it should, and handles bad input with messages."""

import json
import math
import pathlib
import re

import numpy as np
import pytest
from conftest import chart, ticks, watchdog
from streamlit.testing.v1 import AppTest

from seqviz.ui.i18n import translate

TIMEOUT = 60  # seconds one script run may take
LIMIT = 300  # seconds one test may take, whatever it waits on
ROOT = pathlib.Path(__file__).resolve().parent.parent


@pytest.fixture(autouse=True)
def _bounded(request):
    """No test here may hang the run (see conftest.watchdog); the slowest takes about 20 s."""
    with watchdog(LIMIT, request.config):
        yield


def run_page(page: str, lang: str = "en", **state) -> AppTest:
    """Open the app as a student would (entry point, sidebar, navigation), then switch to `page`.

    The home page runs first, and conftest's app_navigation (autouse) keeps the runs inside app.py: without them
    AppTest runs in Streamlit's legacy pages/ mode, the page file alone, without app.py's sidebar, language and
    address (as every page test here did before)."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    at.run()
    for k, v in state.items():
        at.session_state[k] = v
    at.switch_page(f"pages/{page}")
    return at.run()


def check_cell_figures(at, cell: str, n_a: int) -> dict:
    """The Inside-the-cell figures agree with the course's equations of `cell`; returns the a<t> figure."""
    state = chart(at, "state_fig")  # a<t>: one row per hidden unit, one column per character
    a = np.asarray(state["data"][0]["z"], float)
    T = len(state["layout"]["xaxis"]["ticktext"])
    assert a.shape == (n_a, T) and np.abs(a).max() <= 1
    unit = at.sidebar.slider(key="cell_unit").value
    curve = chart(at, "unit_curve")["data"]  # the chosen unit's curves: a<t>'s row of the heatmap
    assert np.allclose(curve[0]["y"], a[unit], atol=1e-3)
    if cell == "rnn":
        assert "gates_fig" not in [c.key for c in at.get("plotly_chart")] and len(curve) == 1
        return state
    gates = chart(at, "gates_fig")
    names = [x["text"] for x in gates["layout"]["annotations"]]
    z = {n: np.asarray(tr["z"], float) for n, tr in zip(names, gates["data"])}
    assert all(m.shape == (n_a, T) for m in z.values())
    sig = [n for n in names if n.startswith("Γ")]
    assert sig == [f"Γ<sub>{g}</sub>" for g in ("ur" if cell == "gru" else "ufo")]
    assert all(0 <= z[n].min() and z[n].max() <= 1 for n in sig)  # gates are sigmoids
    u, c_tilde = z["Γ<sub>u</sub>"], z["c̃<sup>&lt;t&gt;</sup>"]
    starts = np.array([x == "⏎" for x in state["layout"]["xaxis"]["ticktext"]])  # each line starts afresh
    before = lambda m: np.where(starts, 0.0, np.concatenate([np.zeros((n_a, 1)), m[:, :-1]], axis=1))
    if cell == "gru":  # the course's GRU: a<t> = c<t> = Γu * c̃<t> + (1 − Γu) * c<t−1>
        assert np.allclose(a, u * c_tilde + (1 - u) * before(a), atol=5e-3)
    else:  # the LSTM: c<t> = Γu * c̃<t> + Γf * c<t−1>, a<t> = Γo * tanh(c<t>)
        c = z["c<sup>&lt;t&gt;</sup>"]
        assert np.allclose(c, u * c_tilde + z["Γ<sub>f</sub>"] * before(c), atol=2e-2)
        assert np.allclose(a, z["Γ<sub>o</sub>"] * np.tanh(c), atol=5e-3)
    return state


def test_app_entry_runs_with_navigation():
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()
    assert not at.exception
    assert at.sidebar.radio(key="lang").value == "en"
    assert any("SeqViz" in m.value for m in at.title)
    assert any("Training device: **CPU" in c.value or "Training device: **CUDA" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_home_maps_topics_and_lists_models(lang):
    at = run_page("home.py", lang)
    assert not at.exception
    assert at.title[0].value == {"en": "SeqViz: see sequence models think", "zh": "SeqViz：看见序列模型如何思考"}[lang]
    table = at.dataframe[0].value
    names = list(table.iloc[:, 0])
    assert names == ["names-gru", "names-lstm", "names-rnn", "python-lstm", "wiki-lstm"]
    for name, units, ppl in zip(names, table.iloc[:, 2], table.iloc[:, 3]):  # each row is its checkpoint's
        doc = json.loads((ROOT / "pretrained" / f"{name}.json").read_text(encoding="utf-8"))
        assert units == doc["config"]["n_a"]
        assert ppl == pytest.approx(math.exp(doc["metrics"]["val_loss_nats_per_char"]), rel=1e-3) and ppl > 1
    from seqviz.ui.nav import SECTIONS

    pages = [(url, key) for _, entries in SECTIONS for _, key, _, url in entries]
    links = [(p.proto.page, p.proto.label) for p in at.get("page_link")]  # the topic map: a link to every page
    assert links == [(url, translate(key, lang)) for url, key in pages]  # st.navigation's addresses


@pytest.mark.parametrize("page", ["rnn_cell.py", "transformer.py"])
def test_pages_run_inside_app_py(page):
    """run_page opens a page through app.py (the language radio, the device line and the share box are app.py's),
    also a page whose file name is its address (transformer.py at /transformer)."""
    at = run_page(page, "zh")
    assert at.sidebar.radio(key="lang").value == "zh" and at.query_params.get("lang") == "zh"
    assert any("训练设备" in c.value for c in at.sidebar.caption)


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_cell_page_default_view(cell):
    at = run_page("rnn_cell.py", cell_kind=cell)
    assert not at.exception and not at.error
    state = check_cell_figures(at, cell, 64)
    assert ticks(state) == "⏎andrew␣ng⏎mary␣johnson"  # the default text, ⏎ (start) first
    arch = [sh.get("name") for sh in chart(at, "arch_fig")["layout"]["shapes"]]
    assert (arch.count("input"), arch.count("cell"), arch.count("output")) == (4, 4, 4)  # many to many, Tx = Ty
    assert len(at.latex) == 2 * {"rnn": 2, "gru": 6, "lstm": 7}[cell]
    assert at.slider(key="cell_t").max == len("andrew ng\nmary johnson")  # T - 1 (⏎ comes first)
    assert at.sidebar.slider(key="cell_unit").max == 63
    if cell == "rnn":
        assert any("no gates" in i.value for i in at.info)


def test_cell_page_draws_the_text_typed():
    at = run_page("rnn_cell.py")
    at.text_area(key="cell_text").set_value("Ada lovelace 😀\nalan").run()
    assert not at.exception and not at.error
    state = chart(at, "state_fig")
    assert ticks(state) == '⏎Ada␣lovelace␣<span style="color:#d62728">😀</span>⏎alan'  # 😀 unknown: in red
    assert np.asarray(state["data"][0]["z"]).shape == (64, 20)
    assert ticks(chart(at, "gates_fig"), "xaxis5") == ticks(state)  # the gates read the same characters
    assert at.slider(key="cell_t").max == 19


def test_cell_page_in_chinese():
    at = run_page("rnn_cell.py", "zh", cell_kind="lstm")
    assert not at.exception
    assert at.title[0].value == "RNN 单元内部"
    assert any("更新门" in c.value for c in at.caption)


@pytest.mark.parametrize(
    "text,kind,needle",
    [
        ("", "info", "Type some text"),
        ("   \n  ", "info", "Type some text"),
        ("x" * 1_000_000, "warning", "only the first 2,000"),
        ("王小明 😀", "warning", "never saw these characters"),
        ('<script>alert("hi")</script> [link](http://x) $x^2$', "warning", "never saw"),
    ],
    ids=["empty", "blank", "a-million-chars", "chinese-emoji", "html-markdown-latex"],
)
def test_cell_page_bad_text_gets_a_message(text, kind, needle):
    at = run_page("rnn_cell.py", cell_text=text)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_slider_values_survive_shorter_text_and_other_cell():
    at = run_page("rnn_cell.py", cell_text="a long enough name here", cell_t=20, cell_unit=63)
    assert not at.exception and at.slider(key="cell_t").value == 20
    at.text_area(key="cell_text").set_value("ab").run()
    assert not at.exception and at.slider(key="cell_t").value == 2
    at.sidebar.radio(key="cell_kind").set_value("gru").run()
    assert not at.exception and len(at.latex) == 12  # the GRU's equations now
    at.slider(key="cell_t").set_value(0).run()
    assert not at.exception and any("At step t = 0 " in m.value for m in at.markdown)


def test_single_character_text():
    at = run_page("rnn_cell.py", cell_text="a")
    assert not at.exception and not at.error


def test_hunt_field_choices_follow_the_cell():
    at = run_page("rnn_cell.py", cell_kind="lstm")
    assert at.radio(key="cell_field").options == [
        "hidden state a<t>",
        "memory cell c<t>",
        "update gate Γu",
        "forget gate Γf",
        "output gate Γo",
    ]
    at.radio(key="cell_field").set_value("gamma_f").run()
    assert not at.exception


def test_architecture_picker_shows_each_kind():
    at = run_page("rnn_cell.py")
    for kind in ["one_to_one", "brnn", "deep_rnn", "many_to_many_diff"]:
        at.session_state["cell_arch"] = kind
        at.run()
        assert not at.exception
        assert any(translate(f"arch.{kind}.use") in m.value for m in at.markdown)
        boxes = [sh.get("name") for sh in chart(at, "arch_fig")["layout"]["shapes"]]
        counts = (boxes.count("input"), boxes.count("cell") + boxes.count("cell2"), boxes.count("output"))
        assert (
            counts
            == {"one_to_one": (1, 1, 1), "brnn": (4, 8, 4), "deep_rnn": (4, 12, 4), "many_to_many_diff": (3, 7, 4)}[
                kind
            ]
        )


def test_gradients_page_default_view():
    from seqviz.ui.gradients import experiment_store

    experiment_store().clear()
    experiment_store()["status"] = "idle"  # as on a fresh server
    at = run_page("vanishing_gradients.py")
    assert not at.exception and not at.error
    norms = chart(at, "norms_fig")
    assert [norms["layout"][f"yaxis{i}"]["type"] for i in ("", "2", "3")] == ["log"] * 3  # factors of 10
    values = {m.label.split(":")[0]: m.value for m in at.metric}
    assert set(values) == {"RNN", "GRU", "LSTM"}
    exps = {k: float(v.split("^")[1]) for k, v in values.items()}
    assert exps["RNN"] < exps["GRU"] < 0 and exps["LSTM"] > -1  # the RNN's gradient vanishes most
    for trace in norms["data"]:  # the metric is the curve's drop, as drawn
        x, y = np.asarray(trace["x"]), np.asarray(trace["y"], float)
        assert sorted(x) == list(range(100))  # T = 100: every distance T − t
        assert math.log10(y[x == 99][0] / y[x == 0][0]) == pytest.approx(exps[trace["name"]], abs=0.051)
    jac = chart(at, "jac_fig")
    assert jac["layout"]["yaxis"]["type"] == "log"
    assert [t["name"] for t in jac["data"][:3]] == ["RNN", "GRU", "LSTM"]
    rnn_bound, rnn = np.asarray(jac["data"][3]["y"], float), np.asarray(jac["data"][0]["y"], float)
    assert (rnn <= rnn_bound * 1.001).all()  # (γ‖W_aa‖₂)^(T−t) bounds the RNN's product
    assert "bptt_fig" in [c.key for c in at.get("plotly_chart")]


def test_gradients_presets_explode_and_rescue():
    at = run_page("vanishing_gradients.py")
    at.button(key="preset_explode").click().run()
    assert not at.exception and any("overflowed float32" in w.value for w in at.warning)
    assert at.metric[0].value.startswith("overflow at")
    at.button(key="preset_rescue").click().run()
    assert not at.exception and not at.warning
    assert any("Clipping at 1.0 rescaled" in i.value for i in at.info)


@pytest.mark.parametrize(
    "state",
    [
        dict(grad_T=1),
        dict(grad_scale=0.0),
        dict(grad_T=300, grad_scale=6.0, grad_act="relu"),
        dict(grad_source="pretrained", grad_set_scale=False, grad_loss="sum"),
        dict(grad_act="sigmoid", grad_clip_on=True, grad_clip=0.1),
    ],
)
def test_gradients_odd_slider_combinations(state):
    at = run_page("vanishing_gradients.py", **state)
    assert not at.exception and not at.error
    T = state.get("grad_T", 100)
    norms = chart(at, "norms_fig")
    for axis in ("x", "x2", "x3"):  # each cell's panel draws every distance once, on its log axis
        traces = [t for t in norms["data"] if t.get("xaxis", "x") == axis and t["name"] != "clipped"]
        xs = [int(x) for t in traces for x in t["x"]]
        assert sorted(xs) == list(range(T)), (axis, [t["name"] for t in traces])
        ys = np.concatenate([np.asarray(t["y"], float) for t in traces])
        assert np.isfinite(ys).all() and (ys > 0).all()  # 0 and overflow are drawn at the axis's floor/roof
    if state.get("grad_clip_on"):  # clipped: no gradient longer than the threshold
        assert max(float(np.max(t["y"])) for t in norms["data"] if t["name"] == "LSTM") <= state["grad_clip"] + 1e-6


def test_gradients_page_in_chinese():
    at = run_page("vanishing_gradients.py", "zh")
    assert not at.exception and at.title[0].value == "梯度消失与梯度爆炸"


def test_gradients_experiment_runs_in_the_background_and_rnn_fails_at_long_k():
    import time

    from seqviz.ui.gradients import experiment_store

    store = experiment_store()
    store.clear()
    store["status"] = "idle"
    at = run_page("vanishing_gradients.py")
    at.button(key="grad_exp_run").click().run()
    assert not at.exception and store["status"] in ("running", "done")
    t0 = time.time()
    while store["status"] == "running" and time.time() - t0 < 120:  # a click elsewhere does not stop it
        at.sidebar.slider(key="grad_T").set_value(50).run()
        time.sleep(1)
    assert store["status"] == "done"
    at.run()
    assert not at.exception and at.button(key="grad_exp_run").disabled
    verdicts = {m.value.split("**")[1]: m.value for m in at.markdown if m.value.startswith("**")}
    assert "not k = 100" in verdicts["RNN"]
    assert "learned every k tried (10, 40, 100)" in verdicts["GRU"]
    assert "learned every k tried (10, 40, 100)" in verdicts["LSTM"]


def test_language_model_page_samples_and_scores():
    at = run_page("language_model.py")
    assert not at.exception and not at.error
    names = at.code[0].value.split("\n")
    assert len(names) >= 5 and all(set(n) <= set("abcdefghijklmnopqrstuvwxyz ") for n in names)
    fig = chart(at, "sample_fig")  # the animation writes the same names, one character a frame
    assert ticks(fig) == "⏎␣abcdefghijklmnopqrstuvwxyz"  # ŷ<t> over the model's 28 characters
    assert len(fig["frames"]) == 120  # the sidebar's length
    written = re.sub(r"<[^>]+>|▌", "", fig["layout"]["annotations"][0]["text"]).replace(" ⏎ ", "\n").strip(" ⏎")
    assert written and at.code[0].value.endswith(written)  # the end of what was sampled, as shown
    for bars in fig["data"]:  # before and after temperature / top-k
        assert float(np.sum(bars["y"])) == pytest.approx(1, abs=1e-3)
    table = at.dataframe[0].value
    assert (
        list(table.iloc[:, 0])
        == [
            "RNN · people's names",
            "GRU · people's names",
            "LSTM · people's names",
            "LSTM · Wikipedia sentences",
            "LSTM · Python source code",
        ]
        and (table.iloc[:, 3] > 1).all()
    )
    n, ll, ppl = table.iloc[:, 1], table.iloc[:, 2], table.iloc[:, 3]
    assert np.allclose(ppl, np.exp(-ll / n), rtol=2e-3)  # perplexity = exp(−log-likelihood / chars)
    baseline = at.dataframe[1].value  # the n-gram table, worst first
    assert "5-gram Kneser-Ney" in list(baseline.iloc[:, 0]) and baseline.iloc[:, 1].is_monotonic_decreasing


def test_language_model_finds_a_name_likelier_than_gibberish():
    """The default text is a name and a line of gibberish: the surprise strip colours each character by its P."""
    at = run_page("language_model.py")
    strip = next(m.value for m in at.markdown if 'title="P=' in m.value)
    probs = [(ch, float(p)) for p, ch in re.findall(r'title="P=([0-9.e-]+)"[^>]*>([^<]*)</span>', strip)]
    text = "".join(ch for ch, _ in probs).replace("&nbsp;", " ")  # every character but the line ends
    assert text == translate("lm.default_text").replace("\n", "") == "andrew ngxqzt vvkk"
    cut = text.index("xqzt")
    name, gibberish = [np.mean(np.log([max(p, 5e-4) for _, p in part])) for part in (probs[:cut], probs[cut:])]
    assert name > gibberish + 1  # on average e (2.7) times likelier per character
    table = at.dataframe[0].value
    assert table.iloc[2, 3] > table.iloc[2, 4]  # this text is more surprising than the held-out names


def test_language_model_page_samples_wikipedia_prose():
    at = run_page("language_model.py", lm_corpus="wiki", lm_temp=0.6, lm_len=300)
    assert not at.exception and not at.error
    lines = [ln for ln in at.code[0].value.split("\n") if ln]
    words = " ".join(lines).split()
    assert len(words) > 30 and lines[0][0].isupper()  # sentences, capitalised
    common = {"the", "of", "and", "in", "a", "is", "was", "to"}
    assert sum(w in common for w in words) > len(words) / 10  # English function words abound
    assert "5-gram Kneser-Ney" in list(at.dataframe[1].value.iloc[:, 0])


@pytest.mark.parametrize(
    "state,kind,needle",
    [
        (dict(lm_temp=0.0), "info", "Temperature 0"),
        (dict(lm_topk=40), "info", "not smaller than the 28 characters"),
        (dict(lm_text="中文😀<>"), "warning", "None of these characters is known"),
        (dict(lm_text="ada 中"), "warning", "never saw these characters"),
        (dict(lm_text="   "), "info", "Type some text"),
    ],
)
def test_language_model_odd_inputs_get_messages(state, kind, needle):
    at = run_page("language_model.py", **state)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_language_model_temperature_zero_repeats_one_name_and_new_sample_changes_it():
    at = run_page("language_model.py", lm_temp=0.0)
    names = at.code[0].value.split("\n")
    assert len(set(names[:-1])) == 1 and names[0].startswith(names[-1])  # the last one may be cut short
    at.session_state["lm_temp"] = 1.0
    at.run()
    first = at.code[0].value
    at.sidebar.button(key="lm_new").click().run()
    assert not at.exception and at.code[0].value != first


def test_language_model_page_in_chinese():
    at = run_page("language_model.py", "zh")
    assert not at.exception and at.title[0].value == "语言模型与采样"


def test_sentiment_page_leads_with_the_negation_contrast():
    at = run_page("sentiment_classifier.py", sent_lang="en")
    assert not at.exception and not at.error
    contrast = at.dataframe[0].value
    assert list(contrast.iloc[:2, 0]) == ["i am feeling happy", "i am not feeling happy"]
    lstm_right = contrast.iloc[:, 3].str.startswith("✅").sum()
    avg_right = contrast.iloc[:, 2].str.startswith("✅").sum()
    assert lstm_right > avg_right
    not_happy = contrast.iloc[1]
    assert not_happy.iloc[2].startswith("❌ positive") and not_happy.iloc[3].startswith("✅ negative")
    fig = chart(at, "sent_fig")  # the first line of "your sentences", word by word
    assert ticks(fig) == "iamnotfeelinghappy" and fig["layout"]["xaxis"]["ticktext"][2] == "not"
    p_lstm = np.asarray(fig["data"][2]["y"], float)  # the LSTM's P(positive) after each word
    assert p_lstm.shape == (5,) and p_lstm[-1] < 0.5 < p_lstm[0]  # "… happy" read after "not": negative
    yours = at.dataframe[3].value  # after the contrast (0) and section 2's unseen words (1) and E comparison (2)
    assert yours.iloc[0, 0] == "i am not feeling happy"
    assert yours.iloc[0, 2] == f"negative ({p_lstm[-1]:.2f})"  # the table says what the figure ends on
    assert float(yours.iloc[0, 1].split("(")[1].rstrip(")")) > 0.5  # averaging: positive
    held_out = at.dataframe[4].value
    assert list(held_out.iloc[:, 0]) == ["Real reviews", "Phrases with unseen words"]


def test_sentiment_page_in_chinese_scores_chinese():
    at = run_page("sentiment_classifier.py", "zh", sent_lang="zh")
    assert not at.exception and not at.error and at.title[0].value == "情感分类：词向量平均 vs LSTM"
    yours = at.dataframe[1].value
    assert len(yours) == 3 and yours.iloc[0, 2].startswith("负面")  # 我一点也不开心: the LSTM says negative
    fig = chart(at, "sent_fig")
    assert ticks(fig) == "我一点也不开心" and float(fig["data"][2]["y"][-1]) < 0.5
    assert at.dataframe[2].value.iloc[0, 1] > 1500  # over a thousand held-out reviews


def _sentiment_glove_expected(lang: str) -> tuple[list, list]:
    """What section 2 must show, from the library and the checkpoints' JSON: one row per unseen word (word, nearest
    training word, P(positive) under E = GloVe and the learnt E) and the 2 x 2 held-out accuracies."""
    import seqviz
    from seqviz.sentiment.models import read, unseen_word

    glove, learnt = seqviz.load_pretrained("sentiment-en-glove"), seqviz.load_pretrained("sentiment-en")
    rows = []
    for e in glove.meta["unseen_words"]:
        u = unseen_word(glove, e["word"], glove.meta["train_vocabulary"])
        rows.append((e["word"], e["expected"], u.neighbours[0], u.p_average, u.p_lstm, read(learnt, e["word"])))
    acc = [
        (test, which, learnt.meta["metrics"][test], glove.meta["metrics"][test])
        for test in ("reviews", "phrases")
        for which in ("average", "lstm")
    ]
    return rows, acc


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sentiment_page_shows_unseen_words_read_through_glove_and_the_e_comparison(lang):
    at = run_page("sentiment_classifier.py", lang, sent_lang="en")
    assert not at.exception and not at.error
    assert [h.value for h in at.header][1] == {
        "en": "2 · Words never seen in training: E = GloVe 6B, frozen",
        "zh": "2 · 训练中从没见过的词：E = GloVe 6B（冻结）",
    }[lang]
    unseen, comparison = at.dataframe[1].value, at.dataframe[2].value
    rows, acc = _sentiment_glove_expected(lang)
    assert list(unseen.iloc[:, 0]) == [r[0] for r in rows] == ["wonderful", "fantastic", "masterpiece", "horrible",
                                                                "mediocre", "abysmal"]  # fmt: skip
    verdict = {"en": {1: "positive", 0: "negative"}, "zh": {1: "正面", 0: "负面"}}[lang]
    unknown = {"en": "unknown to E: no verdict", "zh": "E 中没有：无判断"}[lang]
    for (_, row), (_, _, near, p_avg, p_lstm, learnt) in zip(unseen.iterrows(), rows):
        assert row.iloc[2].startswith(f"{near[0]} {near[1]:.2f}")  # nearest training word in GloVe, with its cosine
        assert row.iloc[3].endswith(f"{verdict[p_avg > 0.5]} ({p_avg:.2f})")
        assert row.iloc[4].endswith(f"{verdict[p_lstm > 0.5]} ({p_lstm:.2f})")
        p = learnt.p_average
        assert row.iloc[5] == unknown if math.isnan(p) else f"{verdict[p > 0.5]} ({p:.2f}) · " in row.iloc[5]
    # the course's point in numbers: the GloVe LSTM gets the clear-cut unseen words right; the learnt E lacks most
    assert all(unseen.iloc[i, 4].startswith("✅") for i in (0, 1, 2, 3, 5))
    assert (unseen.iloc[:, 5] == unknown).sum() >= 4
    assert unseen.iloc[0, 2] == "amazing 0.85, terrific 0.85, fun 0.85"  # wonderful's nearest training words
    assert len(comparison) == 4
    cell = {"en": "{acc:.1f}% of {n}", "zh": "{acc:.1f}%（共 {n} 个）"}[lang]
    for (_, row), (_, which, m_learnt, m_glove) in zip(comparison.iterrows(), acc):
        assert row.iloc[2] == cell.format(acc=100 * m_learnt[f"{which}_accuracy"], n=m_learnt["n"])
        assert row.iloc[3] == cell.format(acc=100 * m_glove[f"{which}_accuracy"], n=m_glove["n"])
    assert comparison.iloc[3, 3].startswith("90.9%") and comparison.iloc[3, 2].startswith("66.5%")  # LSTM, phrases


@pytest.mark.parametrize(
    "text,rows,needle",
    [
        ("Sublime", ["sublime"], "read as: sublime"),  # capitals: GloVe 6B is lower-case
        ("xyzzyq rubbish", ["rubbish"], "GloVe 6B does not hold these"),
        ("喜欢", [], "GloVe 6B 50d holds English words only"),
        ("I adore this movie", ["i", "adore", "this", "movie"], "do occur in training sentences"),
        ("a b c d e f g h", ["a", "b", "c", "d", "e", "f"], "Only the first 6 words"),
    ],
)
def test_sentiment_glove_panel_reads_your_words_and_bad_ones_get_messages(text, rows, needle):
    at = run_page("sentiment_classifier.py", sent_lang="en-glove", sent_glove_word=text)
    assert not at.exception and not at.error
    assert any(needle in m.value for m in at.info), [m.value for m in at.info]
    assert at.dataframe[1].value.iloc[0, 0] == "wonderful"  # the build-time words first, then the box's
    if rows:
        assert list(at.dataframe[2].value.iloc[:, 0]) == rows and len(at.dataframe) == 7
    else:
        assert len(at.dataframe) == 6  # no row (contrast, words, E comparison, yours, held-out, examples)
    if text == "xyzzyq rubbish":  # rubbish is in no training sentence: its verdict comes from its neighbours
        row = at.dataframe[2].value.iloc[0]
        assert row.iloc[2].startswith("pile 0.73, stinking 0.72") and row.iloc[4].startswith("negative")
        assert any("xyzzyq" in m.value and "GloVe 6B does not hold" in m.value for m in at.info)


def test_sentiment_page_with_the_glove_model_reads_unseen_words_and_refuses_chinese_clearly():
    at = run_page("sentiment_classifier.py", sent_lang="en-glove", sent_text_en="What a wonderful film\n我很喜欢")
    assert not at.exception and not at.error
    assert at.sidebar.radio(key="sent_lang").value == "en-glove"
    assert any("GloVe 6B 50d holds English words only" in w.value for w in at.warning)
    yours = at.dataframe[3].value
    assert list(yours.iloc[:, 0]) == ["What a wonderful film"]  # the Chinese line is not scored
    assert yours.iloc[0, 2].startswith("positive")  # wonderful: no training sentence has it
    assert "E is GloVe 6B 50d, frozen: 400,000 words" in " ".join(c.value for c in at.caption)


@pytest.mark.parametrize(
    "state,kind,needle",
    [
        (dict(sent_text_en="xyzzyq blorf"), "warning", "No word of"),
        (dict(sent_text_en="中文 只有"), "warning", "switch the data in the sidebar"),
        (dict(sent_text_en="<b>happy</b> 😀 movie"), "info", "Left out as unknown"),
        (dict(sent_text_en="   "), "info", "Type some text"),
        (dict(sent_text_en="\n".join(["good movie"] * 60)), "warning", "only the first 50 are scored"),
        (dict(sent_text_en="hapy movei"), "warning", "happy"),  # a close known word is suggested
    ],
)
def test_sentiment_odd_inputs_get_messages(state, kind, needle):
    at = run_page("sentiment_classifier.py", sent_lang="en", **state)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_language_model_corpus_switch_keeps_working():
    at = run_page("language_model.py", lm_cell="rnn")
    at.sidebar.radio(key="lm_corpus").set_value("wiki").run()
    assert not at.exception and not at.error and "256 hidden units" in " ".join(c.value for c in at.sidebar.caption)
    assert len(ticks(chart(at, "sample_fig"))) > 28  # the Wikipedia model's larger alphabet
    at.sidebar.radio(key="lm_corpus").set_value("names").run()
    assert not at.exception and not at.error
    assert ticks(chart(at, "sample_fig")) == "⏎␣abcdefghijklmnopqrstuvwxyz"


@pytest.mark.parametrize(
    "page,state",
    [
        ("language_model.py", dict(lm_corpus="wiki")),
        ("sentiment_classifier.py", dict(sent_lang="zh")),
        ("word_embeddings.py", {}),
    ],
)
def test_missing_checkpoint_gets_a_message(tmp_path, monkeypatch, page, state):
    import shutil

    import streamlit as st

    from seqviz.core import checkpoint

    for f in checkpoint.PRETRAINED_DIR.iterdir():  # every checkpoint but the one the page needs
        if not f.stem.startswith(("wiki", "sentiment-zh")):
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(checkpoint, "PRETRAINED_DIR", tmp_path)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = run_page(page, **state)
        assert not at.exception
        assert any("Could not load the model" in e.value and "seqviz.training.build" in e.value for e in at.error)
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


def test_sentiment_page_without_the_glove_checkpoint_says_so_and_keeps_working(tmp_path, monkeypatch):
    import shutil

    import streamlit as st

    from seqviz.core import checkpoint

    for f in checkpoint.PRETRAINED_DIR.iterdir():
        if not f.stem.startswith("sentiment-en-glove"):
            shutil.copy(f, tmp_path / f.name)
    monkeypatch.setattr(checkpoint, "PRETRAINED_DIR", tmp_path)
    st.cache_resource.clear()
    st.cache_data.clear()
    try:
        at = run_page("sentiment_classifier.py", sent_lang="en")
        assert not at.exception and not at.error
        assert any("sentiment-en-glove cannot be loaded" in i.value for i in at.info)
        assert len(at.dataframe) == 4  # the contrast, your sentences, held-out accuracy and its examples
    finally:
        st.cache_resource.clear()
        st.cache_data.clear()


@pytest.mark.parametrize("threads, label", [(1, "**CPU, 1 thread**"), (2, "**CPU, 2 threads**")])
def test_device_caption_counts_threads_in_words(threads, label, monkeypatch):
    import streamlit as st

    from seqviz.ui import cache

    class Slot:  # where app.py puts the caption: a sidebar container
        captions: list = []

        def caption(self, text):
            self.captions.append(text)

    monkeypatch.setattr(cache, "device_info_", lambda: ("cpu", str(threads)))
    st.cache_resource.clear()
    slot = Slot()
    try:
        cache.device_caption(slot)
    finally:
        st.cache_resource.clear()
    assert label in slot.captions[-1]
