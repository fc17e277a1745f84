"""AppTest of the Train page: it opens in both languages, a tiny run goes through the queue and the model
joins this session's list (and the other pages' selectors), one run at a time per session."""
import time

import pytest
from conftest import my_model, tiny
from test_app import run_page

PAGE = "train.py"


def _poll(at, done, limit=180):
    """Rerun as the page's live fragment does until `done(at)` (or the limit)."""
    t0 = time.time()
    while not done(at) and time.time() - t0 < limit:
        time.sleep(0.5)
        at.run()
    return at


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_page_opens_with_kinds_data_settings_and_limits(lang):
    at = run_page(PAGE, lang)
    assert not at.exception and not at.error
    assert at.title[0].value == ("Training studio" if lang == "en" else "训练工作室")
    assert len(at.radio(key="train_kind").options) == 5
    assert at.button(key="train_go").label == ("Train" if lang == "en" else "开始训练")
    text = " ".join(c.value for c in at.caption)
    assert ("a run stops after 300 s" if lang == "en" else "每次训练最长 300 秒") in text
    assert ("None yet" if lang == "en" else "还没有") in text
    for kind in ("word2vec", "glove", "dates", "sentiment"):         # every kind's settings draw
        at = run_page(PAGE, lang, train_kind=kind)     # (set_value would format the options in English)
        assert not at.exception and at.slider(key=f"train_{kind}_epochs")


def test_tiny_run_from_the_page_lists_the_model_everywhere():
    at = run_page(PAGE, train_kind="char_lm", train_char_lm_max_lines=60, train_char_lm_n_a=8,
                  train_char_lm_epochs=1, train_char_lm_cell="gru", train_name="tiny names")
    at.button(key="train_go").click().run()
    assert not at.exception
    assert at.button(key="train_go").disabled                       # one run at a time per session
    assert any("one run at a time" in i.value for i in at.info)
    _poll(at, lambda a: any("is ready" in s.value for s in a.success))
    assert not at.exception and not at.error
    assert any("“tiny\\-names” is ready" in s.value and "GRU, n_a = 8" in s.value for s in at.success)   # name escaped
    assert not at.button(key="train_go").disabled
    mine = at.session_state["my_models"]
    assert len(mine) == 1
    (mid, m), = mine.items()
    assert m.kind == "char_lm" and m.model.config.cell == "gru" and m.doc["training"]["curve"]
    assert any(b.key == f"rm_{mid}" for b in at.button)            # listed under "Your models"
    at.switch_page("pages/rnn_cell.py").run()                        # the other pages of this session see it
    assert not at.exception
    assert "⭐ tiny\\-names (yours)" in at.sidebar.radio(key="cell_kind").options


def test_bad_upload_data_and_failed_runs_explain_themselves():
    at = run_page(PAGE, train_kind="sentiment", train_source_sentiment="upload")
    assert any("Upload a file" in i.value for i in at.info)
    assert at.button(key="train_go").disabled                        # nothing to train on yet


def test_removing_a_model_and_the_session_limit():
    from seqviz.ui.mymodels import MAX_MODELS
    models = dict(my_model(tiny("lstm", seed=i), f"m{i}") for i in range(MAX_MODELS))
    at = run_page(PAGE, my_models=models)
    assert not at.exception
    first = next(iter(models))
    at.button(key=f"rm_{first}").click().run()
    assert first not in at.session_state["my_models"] and len(at.session_state["my_models"]) == MAX_MODELS - 1
