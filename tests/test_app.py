"""One AppTest per page: it runs, shows what it should, and handles bad input with messages."""
import pathlib

import pytest
from streamlit.testing.v1 import AppTest

from seqviz.ui.i18n import translate

TIMEOUT = 60
ROOT = pathlib.Path(__file__).resolve().parent.parent


def run_page(page: str, lang: str = "en", **state) -> AppTest:
    """Open the app as a student would (entry point, sidebar, navigation), then switch to `page`."""
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT)
    at.session_state["lang"] = lang
    for k, v in state.items():
        at.session_state[k] = v
    at.switch_page(f"pages/{page}")
    return at.run()


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
    assert at.title[0].value == ("SeqViz: see sequence models think" if lang == "en" else "SeqViz：看见序列模型如何思考")
    names = list(at.dataframe[0].value.iloc[:, 0])
    assert names == ["names-gru", "names-lstm", "names-rnn", "wiki-lstm"]


@pytest.mark.parametrize("cell", ["rnn", "gru", "lstm"])
def test_cell_page_default_view(cell):
    at = run_page("rnn_cell.py", cell_kind=cell)
    assert not at.exception and not at.error
    charts = at.get("plotly_chart")
    # a<t> animation, gates (not for the vanilla RNN), unit curve, one architecture diagram
    assert len(charts) == (3 if cell == "rnn" else 4)
    assert len(at.latex) == 2 * {"rnn": 2, "gru": 6, "lstm": 7}[cell]
    assert at.slider(key="cell_t").max == len("andrew ng\nmary johnson")      # T - 1 (⏎ comes first)
    assert at.sidebar.slider(key="cell_unit").max == 63
    if cell == "rnn":
        assert any("no gates" in i.value for i in at.info)


def test_cell_page_in_chinese():
    at = run_page("rnn_cell.py", "zh", cell_kind="lstm")
    assert not at.exception
    assert at.title[0].value == "RNN 单元内部"
    assert any("更新门" in c.value for c in at.caption)


@pytest.mark.parametrize("text,kind,needle", [
    ("", "info", "Type some text"),
    ("   \n  ", "info", "Type some text"),
    ("x" * 1_000_000, "warning", "only the first 2,000"),
    ("王小明 😀", "warning", "never saw these characters"),
    ('<script>alert("hi")</script> [link](http://x) $x^2$', "warning", "never saw"),
])
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
    assert not at.exception and len(at.latex) == 12                        # the GRU's equations now
    at.slider(key="cell_t").set_value(0).run()
    assert not at.exception and any("At step t = 0 " in m.value for m in at.markdown)


def test_single_character_text():
    at = run_page("rnn_cell.py", cell_text="a")
    assert not at.exception and not at.error


def test_hunt_field_choices_follow_the_cell():
    at = run_page("rnn_cell.py", cell_kind="lstm")
    assert at.radio(key="cell_field").options == ["hidden state a<t>", "memory cell c<t>", "update gate Γu",
                                                  "forget gate Γf", "output gate Γo"]
    at.radio(key="cell_field").set_value("gamma_f").run()
    assert not at.exception


def test_architecture_picker_shows_each_kind():
    at = run_page("rnn_cell.py")
    for kind in ["one_to_one", "brnn", "deep_rnn", "many_to_many_diff"]:
        at.session_state["cell_arch"] = kind
        at.run()
        assert not at.exception
        assert any(translate(f"arch.{kind}.use") in m.value for m in at.markdown)
        assert len(at.get("plotly_chart")) == 4


def test_gradients_page_default_view():
    from seqviz.ui.gradients import experiment_store
    experiment_store().clear()
    experiment_store()["status"] = "idle"                       # as on a fresh server
    at = run_page("vanishing_gradients.py")
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 3                      # norms, Jacobians, BPTT (no experiment yet)
    values = {m.label.split(":")[0]: m.value for m in at.metric}
    assert set(values) == {"RNN", "GRU", "LSTM"}
    exps = {k: float(v.split("^")[1]) for k, v in values.items()}
    assert exps["RNN"] < exps["GRU"] < 0 and exps["LSTM"] > -1     # the RNN's gradient vanishes most


def test_gradients_presets_explode_and_rescue():
    at = run_page("vanishing_gradients.py")
    at.button(key="preset_explode").click().run()
    assert not at.exception and any("overflowed float32" in w.value for w in at.warning)
    assert at.metric[0].value.startswith("overflow at")
    at.button(key="preset_rescue").click().run()
    assert not at.exception and not at.warning
    assert any("Clipping at 1.0 rescaled" in i.value for i in at.info)


@pytest.mark.parametrize("state", [
    dict(grad_T=1), dict(grad_scale=0.0), dict(grad_T=300, grad_scale=6.0, grad_act="relu"),
    dict(grad_source="pretrained", grad_set_scale=False, grad_loss="sum"),
    dict(grad_act="sigmoid", grad_clip_on=True, grad_clip=0.1),
])
def test_gradients_odd_slider_combinations(state):
    at = run_page("vanishing_gradients.py", **state)
    assert not at.exception and not at.error
    assert len(at.get("plotly_chart")) == 3


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
    while store["status"] == "running" and time.time() - t0 < 120:   # a click elsewhere does not stop it
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
    assert len(at.get("plotly_chart")) == 1
    names = at.code[0].value.split("\n")
    assert len(names) >= 5 and all(set(n) <= set("abcdefghijklmnopqrstuvwxyz ") for n in names)
    table = at.dataframe[0].value
    assert list(table.iloc[:, 0]) == ["RNN · people's names", "GRU · people's names", "LSTM · people's names",
                                      "LSTM · Wikipedia sentences"] and (table.iloc[:, 3] > 1).all()
    baseline = at.dataframe[1].value                      # the n-gram table, worst first
    assert "5-gram Kneser-Ney" in list(baseline.iloc[:, 0]) and baseline.iloc[:, 1].is_monotonic_decreasing


def test_language_model_page_samples_wikipedia_prose():
    at = run_page("language_model.py", lm_corpus="wiki", lm_temp=0.6, lm_len=300)
    assert not at.exception and not at.error
    lines = [ln for ln in at.code[0].value.split("\n") if ln]
    words = " ".join(lines).split()
    assert len(words) > 30 and lines[0][0].isupper()                 # sentences, capitalised
    common = {"the", "of", "and", "in", "a", "is", "was", "to"}
    assert sum(w in common for w in words) > len(words) / 10         # English function words abound
    assert "5-gram Kneser-Ney" in list(at.dataframe[1].value.iloc[:, 0])


@pytest.mark.parametrize("state,kind,needle", [
    (dict(lm_temp=0.0), "info", "Temperature 0"),
    (dict(lm_topk=40), "info", "not smaller than the 28 characters"),
    (dict(lm_text="中文😀<>"), "warning", "None of these characters is known"),
    (dict(lm_text="ada 中"), "warning", "never saw these characters"),
    (dict(lm_text="   "), "info", "Type some text"),
])
def test_language_model_odd_inputs_get_messages(state, kind, needle):
    at = run_page("language_model.py", **state)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_language_model_temperature_zero_repeats_one_name_and_new_sample_changes_it():
    at = run_page("language_model.py", lm_temp=0.0)
    names = at.code[0].value.split("\n")
    assert len(set(names[:-1])) == 1 and names[0].startswith(names[-1])   # the last one may be cut short
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
    assert len(at.get("plotly_chart")) == 1                        # the word-by-word figure of one line
    held_out = at.dataframe[2].value
    assert list(held_out.iloc[:, 0]) == ["Real reviews", "Phrases with unseen words"]


def test_sentiment_page_in_chinese_scores_chinese():
    at = run_page("sentiment_classifier.py", "zh", sent_lang="zh")
    assert not at.exception and not at.error and at.title[0].value == "情感分类：词向量平均 vs LSTM"
    yours = at.dataframe[1].value
    assert len(yours) == 3 and yours.iloc[0, 2].startswith("负面")   # 我一点也不开心: the LSTM says negative
    assert at.dataframe[2].value.iloc[0, 1] > 1500                    # over a thousand held-out reviews


@pytest.mark.parametrize("state,kind,needle", [
    (dict(sent_text_en="xyzzyq blorf"), "warning", "No word of"),
    (dict(sent_text_en="中文 只有"), "warning", "switch the data in the sidebar"),
    (dict(sent_text_en="<b>happy</b> 😀 movie"), "info", "Left out as unknown"),
    (dict(sent_text_en="   "), "info", "Type some text"),
    (dict(sent_text_en="\n".join(["good movie"] * 60)), "warning", "only the first 50 are scored"),
    (dict(sent_text_en="hapy movei"), "warning", "happy"),                # a close known word is suggested
])
def test_sentiment_odd_inputs_get_messages(state, kind, needle):
    at = run_page("sentiment_classifier.py", sent_lang="en", **state)
    assert not at.exception
    assert any(needle in m.value for m in getattr(at, kind)), [m.value for m in getattr(at, kind)]


def test_language_model_corpus_switch_keeps_working():
    at = run_page("language_model.py", lm_cell="rnn")
    at.sidebar.radio(key="lm_corpus").set_value("wiki").run()
    assert not at.exception and not at.error and "256 hidden units" in " ".join(c.value for c in at.sidebar.caption)
    at.sidebar.radio(key="lm_corpus").set_value("names").run()
    assert not at.exception and not at.error and len(at.get("plotly_chart")) == 1


@pytest.mark.parametrize("page,state", [("language_model.py", dict(lm_corpus="wiki")),
                                        ("sentiment_classifier.py", dict(sent_lang="zh")),
                                        ("word_embeddings.py", {})])
def test_missing_checkpoint_gets_a_message(tmp_path, monkeypatch, page, state):
    import shutil

    import streamlit as st

    from seqviz.core import checkpoint
    for f in checkpoint.PRETRAINED_DIR.iterdir():          # every checkpoint but the one the page needs
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
