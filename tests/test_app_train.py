"""AppTest of the Train page: it opens in both languages, a tiny run goes through the queue and the model
joins this session's list (and the other pages' selectors), one run at a time per session."""

import time

import pytest
from conftest import my_model, tiny
from streamlit.testing.v1 import AppTest
from test_app import ROOT, TIMEOUT, run_page

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
    from seqviz.core.registry import KINDS

    assert len(at.radio(key="train_kind").options) == len(KINDS)  # every registered kind
    assert at.button(key="train_go").label == ("Train" if lang == "en" else "开始训练")
    text = " ".join(c.value for c in at.caption)
    assert ("a run stops after 300 s" if lang == "en" else "每次训练最长 300 秒") in text
    assert ("None yet" if lang == "en" else "还没有") in text
    kinds = ("word2vec", "glove", "dates", "sentiment", "ner", "date_transformer", "char_transformer")
    for kind in kinds:  # every kind's settings draw
        at = run_page(PAGE, lang, train_kind=kind)  # (set_value would format the options in English)
        assert not at.exception and at.slider(key=f"train_{kind}_epochs")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_sentiment_offers_frozen_glove_for_english_data_only(lang):
    at = run_page(PAGE, lang, train_kind="sentiment")  # the first bundled data set: English
    box = at.selectbox(key="train_sentiment_embedding")
    assert not at.exception and box.options == (
        ["learnt here", "GloVe 6B 50d, frozen"] if lang == "en" else ["在这里学习", "GloVe 6B 50d（冻结）"]
    )
    assert ("never seen in training" if lang == "en" else "训练中没见过的词") in box.help
    at = run_page(PAGE, lang, train_kind="sentiment", train_source_sentiment="zh")
    assert not at.exception and not any(b.key == "train_sentiment_embedding" for b in at.selectbox)


def test_a_frozen_glove_run_from_the_page_is_listed_with_its_e():
    at = run_page(
        PAGE,
        train_kind="sentiment",
        train_sentiment_embedding="glove-6b-50d",
        train_sentiment_epochs=1,
        train_sentiment_n_a=8,
        train_name="glove reviews",
    )
    at.button(key="train_go").click().run()
    _poll(at, lambda a: any("is ready" in s.value for s in a.success) or a.error or a.exception)
    assert not at.exception and not at.error
    assert any("E = GloVe 6B 50d (frozen)" in s.value for s in at.success), [s.value for s in at.success]
    ((mid, m),) = at.session_state["my_models"].items()
    assert m.model.config.vectors == "glove-6b-50d" and m.model.n_vocabulary == 400_000
    at.switch_page("pages/sentiment_classifier.py").run()
    assert not at.exception and not at.error
    assert any(o.endswith("English · E = GloVe 6B (frozen)") for o in at.sidebar.radio(key="sent_lang").options)


def test_tiny_run_from_the_page_lists_the_model_everywhere():
    at = run_page(
        PAGE,
        train_kind="char_lm",
        train_char_lm_max_lines=60,
        train_char_lm_n_a=8,
        train_char_lm_epochs=1,
        train_char_lm_cell="gru",
        train_name="tiny names",
    )
    at.button(key="train_go").click().run()
    assert not at.exception
    assert at.button(key="train_go").disabled  # one run at a time per session
    assert any("one run at a time" in i.value for i in at.info)
    _poll(at, lambda a: any("is ready" in s.value for s in a.success))
    assert not at.exception and not at.error
    assert any("“tiny\\-names” is ready" in s.value and "GRU, n_a = 8" in s.value for s in at.success)  # name escaped
    assert not at.button(key="train_go").disabled
    mine = at.session_state["my_models"]
    assert len(mine) == 1
    ((mid, m),) = mine.items()
    assert m.kind == "char_lm" and m.model.config.cell == "gru" and m.doc["training"]["curve"]
    assert any(b.key == f"rm_{mid}" for b in at.button)  # listed under "Your models"
    at.switch_page("pages/rnn_cell.py").run()  # the other pages of this session see it
    assert not at.exception
    assert "⭐ tiny\\-names (yours)" in at.sidebar.radio(key="cell_kind").options


def test_bad_upload_data_and_failed_runs_explain_themselves():
    at = run_page(PAGE, train_kind="sentiment", train_source_sentiment="upload")
    assert any("Upload a file" in i.value for i in at.info)
    assert at.button(key="train_go").disabled  # nothing to train on yet
    at.file_uploader(key="train_upload_sentiment").upload("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00" * 50).run()
    assert not at.exception
    assert any("does not look like text" in e.value for e in at.error)  # the upload is refused, with why
    assert at.button(key="train_go").disabled
    at.file_uploader(key="train_upload_sentiment").set_value(("one.txt", b"pos\tgood film\n" * 30, "text/plain"))
    at.run()
    assert not at.exception and not at.error and not at.button(key="train_go").disabled
    at.button(key="train_go").click().run()  # the worker refuses it: one class only
    _poll(at, lambda a: bool(a.error), limit=120)
    assert not at.exception
    assert any("Every example has the same label" in e.value for e in at.error)
    assert "train_job" not in at.session_state and not at.button(key="train_go").disabled


def test_stated_upload_limits_are_the_real_ones():
    """Each uploader lets through what the page promises (else Streamlit refuses it first, in English), the
    server's own cap (config.toml) lets every uploader's cap through, and a file just over a stated limit gets
    the app's own message."""
    import tomllib

    from seqviz.core import registry
    from seqviz.core.text import MAX_UPLOAD_BYTES
    from seqviz.ui import music, mymodels, speech

    server_mib = tomllib.loads((ROOT / ".streamlit" / "config.toml").read_text())["server"]["maxUploadSize"]
    stated = {
        "train_upload_char_lm": registry.LIMITS.upload_bytes,
        "train_ckpt_upload": mymodels.MAX_UPLOAD_BYTES,
        "cell_text_upload": MAX_UPLOAD_BYTES,
        "mus_upload": music.MAX_UPLOAD_BYTES,
        "trig_upload": speech.MAX_WAV_BYTES,
    }
    at = run_page(PAGE, train_kind="char_lm", train_source_char_lm="upload")
    cell = run_page("rnn_cell.py")
    seed = run_page("music.py", mus_src="upload")
    wav = run_page("trigger_word.py", trig_source="upload")
    pages = (at, cell, seed, wav)
    ups = {u.key: u for page in pages for u in page.file_uploader}
    assert set(stated) <= set(ups)
    for key, limit in stated.items():
        cap = ups[key].proto.max_upload_size_mb * 2**20
        assert limit < cap <= server_mib * 2**20, key
    assert f"{registry.LIMITS.upload_bytes // 1_000_000} MB" in ups["train_upload_char_lm"].help
    assert f"{mymodels.MAX_UPLOAD_BYTES // 1_000_000} MB" in ups["train_ckpt_upload"].help
    at.file_uploader(key="train_upload_char_lm").upload("big.txt", b"a\n" * (registry.LIMITS.upload_bytes // 2 + 1))
    at.run()  # (a rerun in 中文 would format the radios' values in English: AppTest's limit, not the app's)
    assert not at.exception and any("the limit is 5,000,000" in e.value for e in at.error)


def test_cuda_is_offered_when_there_is_a_gpu_but_not_for_word2vec(monkeypatch):
    import seqviz.ui.cache

    monkeypatch.setattr(seqviz.ui.cache, "device_info", lambda: ("cuda", "Test GPU"))
    at = run_page(PAGE, train_kind="char_lm")
    assert not at.exception
    radio = at.radio(key="train_device")
    assert list(radio.options) == ["CUDA (Test GPU)", "CPU"] and radio.value == "cuda"
    at = run_page(PAGE, train_kind="word2vec")
    assert not at.exception and not any(r.key == "train_device" for r in at.radio)
    assert any("gensim trains word2vec on the CPU" in c.value for c in at.caption)
    at = run_page(PAGE, train_kind="glove")  # GloVe is torch: the GPU is offered
    assert at.radio(key="train_device").options[0] == "CUDA (Test GPU)"


@pytest.mark.parametrize(
    "metrics",
    [
        {"val_perplexity": "9.8"},
        {"val_perplexity": None},
        "oops",
        None,
        {"val_perplexity": float("nan")},
        {"exact_greedy": [1]},
    ],
)
def test_model_files_with_odd_metrics_are_listed_without_a_crash(metrics):
    mid, m = my_model(tiny("gru"), "odd", {"metrics": metrics})
    at = run_page(PAGE, my_models={mid: m})
    assert not at.exception and not at.error
    text = " ".join(md.value for md in at.markdown)
    assert "held-out perplexity " + ("9.80" if metrics == {"val_perplexity": "9.8"} else "—") in text


def test_a_run_that_ends_on_another_page_joins_the_session():
    from seqviz.core.checkpoint import to_bytes
    from seqviz.training.jobs import Job
    from seqviz.ui import train

    job = Job(
        "finished-elsewhere",
        "someone",
        "char_lm",
        "names",
        {},
        "far away",
        status="done",
        stop_reason="finished",
        result=to_bytes(tiny("gru"), "far-away", {"metrics": {"val_perplexity": 7.5}}),
    )
    train.queue()._jobs[job.id] = job  # as the worker leaves it
    at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=TIMEOUT).run()  # home, through app.py
    at.session_state["train_job"] = job.id  # (the run was started on the Train page earlier)
    at.switch_page("pages/rnn_cell.py").run()
    assert not at.exception
    assert "train_job" not in at.session_state and train.queue().get(job.id) is None
    (m,) = at.session_state["my_models"].values()
    assert m.label == "far away" and m.model.config.cell == "gru"
    assert "⭐ far away (yours)" in at.sidebar.radio(key="cell_kind").options  # this very run lists it
    at.switch_page("pages/train.py").run()
    assert any("“far away” is ready" in s.value and "perplexity 7.50" in s.value for s in at.success)


def test_removing_a_model_and_the_session_limit():
    from seqviz.ui.mymodels import MAX_MODELS

    models = dict(my_model(tiny("lstm", seed=i), f"m{i}") for i in range(MAX_MODELS))
    at = run_page(PAGE, my_models=models)
    assert not at.exception
    first = next(iter(models))
    at.button(key=f"rm_{first}").click().run()
    assert first not in at.session_state["my_models"] and len(at.session_state["my_models"]) == MAX_MODELS - 1


def test_music_uploads_reach_the_worker_as_bytes_and_bad_ones_explain_themselves():
    """The music kind takes MIDI / MusicXML files as they are (not decoded as text); a drums-only MIDI file is
    refused by the worker with the reason."""
    import io

    import pretty_midi

    at = run_page(PAGE, train_kind="music", train_source_music="upload")
    up = at.file_uploader(key="train_upload_music")
    assert {"mid", "midi", "musicxml", "mxl"} <= {t.lstrip(".") for t in up.proto.type}
    pm = pretty_midi.PrettyMIDI()
    drums = pretty_midi.Instrument(0, is_drum=True)
    drums.notes = [pretty_midi.Note(90, 36, i / 2, i / 2 + 0.25) for i in range(200)]
    pm.instruments.append(drums)
    buf = io.BytesIO()
    pm.write(buf)
    up.upload("drums.mid", buf.getvalue()).run()
    assert not at.exception and not at.error and not at.button(key="train_go").disabled
    assert any("drums" in c.value and "bytes, read when the run starts" in c.value for c in at.caption)
    at.button(key="train_go").click().run()
    _poll(at, lambda a: bool(a.error), limit=120)
    assert not at.exception
    assert any("only drums" in e.value for e in at.error)
