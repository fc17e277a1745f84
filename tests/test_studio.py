"""The training studio's library: data checks, every kind's recipe, the command line, checkpoint bytes,
refusing malformed or foreign checkpoints, NaN handling, and the server's training queue."""

import dataclasses
import io
import json
import math
import subprocess
import sys
import time
import zipfile
from pathlib import Path

import numpy as np
import pytest
import torch

from seqviz.core import registry
from seqviz.core.checkpoint import CheckpointError, load_model, model_from_bytes, save_model, to_bytes
from seqviz.rnn.kind import MAX_LINE
from seqviz.training import runner
from seqviz.training.jobs import AlreadyRunning, QueueFull, TrainingQueue

ROOT = Path(__file__).resolve().parent.parent
LINES = "\n".join(
    f"anna {w} smith"
    for w in (
        "bell",
        "cole",
        "dale",
        "eve",
        "fox",
        "gray",
        "hill",
        "ivy",
        "jay",
        "kent",
        "lee",
        "may",
        "nash",
        "opal",
        "park",
        "quinn",
        "ross",
        "sage",
        "tate",
        "vale",
        "wren",
        "york",
    )
)
TINY = {"n_a": 8, "epochs": 2, "batch_size": 8}


def test_params_have_defaults_hints_and_are_checked():
    for kind in registry.KINDS:
        assert registry.get(kind).check({}) == registry.get(kind).defaults()
        assert all(p.hint for p in registry.get(kind).params)
    assert registry.get("char_lm").check({"n_a": "32", "lr": "0.01"})["n_a"] == 32
    for bad in ({"n_a": 0}, {"cell": "transformer"}, {"lr": float("nan")}, {"lr": 1e9}, {"nope": 1}):
        with pytest.raises(ValueError):
            registry.get("char_lm").check(bad)


@pytest.mark.parametrize(
    "kind,text,code",
    [
        ("char_lm", "", "empty"),
        ("char_lm", "one line\ntwo lines\n", "too_small"),
        ("word2vec", "a few words only", "too_small"),
        ("dates", "13.06.89 => 1989-06-13\nno separator here\n", "too_small"),
        ("sentiment", "\n".join(f"pos\tgood film {i}" for i in range(30)), "one_class"),
        ("sentiment", "great\nawful\n" * 20, "too_small"),  # no labels: every line skipped
    ],
)
def test_bad_data_is_refused_with_a_code(kind, text, code):
    with pytest.raises(registry.DataError) as err:
        runner.read_data(kind, "upload", text)
    assert err.value.code == code


def test_upload_parsing_cuts_and_notes():
    long_line = "word " * 200
    d = runner.read_data("char_lm", "upload", LINES + "\n" + long_line)
    assert max(map(len, d.items)) <= MAX_LINE and len(d.items) > 22
    d = runner.read_data("dates", "upload", "13.06.89\t1989-06-13\n" * 25 + "junk line\n")
    assert len(d.items) == 25 and d.notes["skipped"]["n"] == 1 and d.items[0].iso == "1989-06-13"
    d = runner.read_data("sentiment", "upload", "正面\t这部电影很好看\n负面\t太难看了\n" * 12)
    assert d.lang == "zh" and {y for _, y in d.items} == {0, 1}
    with pytest.raises(registry.DataError):
        runner.read_data("char_lm", "klingon")


def test_char_lm_run_save_load_gives_identical_outputs(tmp_path):
    data = runner.read_data("char_lm", "upload", LINES)
    res = runner.run("char_lm", data, {**TINY, "cell": "gru"}, name="class")
    assert res.model.config.cell == "gru" and res.meta["metrics"]["val_perplexity"] > 1
    assert res.meta["training"]["curve"] and res.meta["command"].startswith(
        "python -m seqviz.training.studio char_lm --file"
    )
    path = save_model(res.model, "class", res.meta, tmp_path)
    back = load_model(path)
    a, b = res.model.trace("anna fox"), back.trace("anna fox")
    np.testing.assert_array_equal(a.a, b.a)
    np.testing.assert_array_equal(a.y_hat, b.y_hat)
    js, w = to_bytes(res.model, "class", res.meta)  # the bytes the page keeps and offers
    again = model_from_bytes(js, w)
    np.testing.assert_array_equal(again.trace("anna fox").y_hat, a.y_hat)


@pytest.mark.parametrize(
    "kind,source,params",
    [
        ("word2vec", "lee", {"epochs": 1, "n_e": 10, "method": "cbow"}),
        ("glove", "lee", {"epochs": 2, "n_e": 10}),
        ("dates", "dates", {"n_pairs": 300, "epochs": 1}),
        ("sentiment", "en", {"epochs": 1, "n_a": 8}),
    ],
)
def test_every_kind_trains_and_its_checkpoint_reloads(kind, source, params):
    data = runner.read_data(kind, source, None, registry.get(kind).check(params))
    res = runner.run(kind, data, params)
    js, w = to_bytes(res.model, "m", res.meta)
    back = model_from_bytes(js, w)
    assert back.KIND == registry.get(kind).checkpoint
    for (k, v), (k2, v2) in zip(res.model.state_dict().items(), back.state_dict().items()):
        assert k == k2 and torch.equal(v, v2)
    if kind == "dates":  # went on from the shipped model: still translates, and says how well
        assert back.translate("13.06.89").output == "1989-06-13" and res.meta["metrics"]["exact_greedy"] > 0.9
    if kind == "sentiment":
        assert set(res.meta["metrics"]) == {"reviews", "phrases"}
    if kind in ("word2vec", "glove"):
        assert res.meta["metrics"]["wordsim353"]["coverage"] > 0


def test_a_tagger_trains_on_an_uploaded_conll_file_with_its_own_tags():
    """A CoNLL-2003-style upload (4 columns, -DOCSTART-, a MISC type the shipped taggers lack) trains a tagger whose
    tags are the file's, scored on its own held-out 20%, and the checkpoint reloads and tags the same."""
    rows = ["-DOCSTART- -X- -X- O", ""]
    for i in range(60):
        rows += ["Ada NNP B-NP B-PER", "Lovelace NNP I-NP I-PER", "visited VBD B-VP O", "the DT B-NP O"]
        rows += [f"Olympics{i % 3} NNP I-NP B-MISC", "in IN B-PP O", "Paris NNP B-NP B-LOC", ". . O O", ""]
    kind = registry.get("ner")
    params = kind.check({"epochs": 2, "n_a": 8, "n_e": 8})
    data = runner.read_data("ner", "upload", "\n".join(rows), params)
    res = runner.run("ner", data, params)
    assert res.model.config.tags == ("O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-PER", "I-PER")
    assert set(res.meta["metrics"]) == {"yours"} and res.meta["metrics"]["yours"]["all"]["n"] == 12 * 3
    back = model_from_bytes(*to_bytes(res.model, "m", res.meta))
    assert back.tag("Ada Lovelace visited Paris .") == res.model.tag("Ada Lovelace visited Paris .")


def test_word2vec_stops_between_epochs_and_keeps_its_vectors():
    class StopAfterOne:
        def on_start(self, s): ...
        def on_step(self, s):
            s.stop, s.stop_reason = True, "stopped"

        def on_end(self, s): ...

    data = runner.read_data("word2vec", "lee")
    res = runner.run("word2vec", data, {"epochs": 5, "n_e": 10}, callbacks=[StopAfterOne()])
    assert res.state.stop_reason == "stopped" and res.state.step == 1 and len(res.model.words) > 100


def test_nan_weights_are_caught_and_the_best_model_kept(monkeypatch):
    from seqviz.rnn import kind as rnn_kind
    from seqviz.rnn.kind import lm_loss

    real, calls = lm_loss, {"n": 0}

    def nan_after(n):
        def loss(model, batch):
            calls["n"] += 1
            if calls["n"] > n:  # the weights themselves go NaN, as after a bad step
                with torch.no_grad():
                    next(model.parameters()).fill_(float("nan"))
            return real(model, batch)

        return loss

    data = runner.read_data("char_lm", "upload", LINES * 20)
    monkeypatch.setattr(rnn_kind, "lm_loss", nan_after(30))
    res = runner.run("char_lm", data, {**TINY, "epochs": 5})
    assert calls["n"] == 31 and res.state.stop_reason == "diverged" and res.meta["training"]["stop"] == "diverged"
    best = res.state.best_state  # evaluated every 10 steps: there is one
    assert best is not None and all(torch.isfinite(v).all() for v in best.values())
    for k, v in res.model.state_dict().items():  # the model went back to it, NaN weights and all
        assert torch.equal(v, best[k]), k
    assert math.isfinite(res.meta["metrics"]["val_perplexity"])
    calls["n"] = 0
    monkeypatch.setattr(rnn_kind, "lm_loss", nan_after(0))  # NaN at the first step: nothing to keep
    with pytest.raises(registry.DataError) as err:
        runner.run("char_lm", data, TINY)
    assert err.value.code == "diverged_early"


def test_bad_numbers_and_environment_give_clear_errors(monkeypatch):
    for bad in ("inf", "-inf", "1e400", "abc", None):
        with pytest.raises(ValueError, match="n_a must be a finite number"):
            registry.get("char_lm").check({"n_a": bad})
    monkeypatch.setenv("SEQVIZ_TRAIN_SECONDS", "five minutes")
    assert registry.Limits().seconds == 300  # a bad value falls back to the default
    monkeypatch.setenv("SEQVIZ_TRAIN_SECONDS", "-3")
    assert registry.Limits().seconds == 300
    monkeypatch.setenv("SEQVIZ_TRAIN_SECONDS", "90")
    assert registry.Limits().seconds == 90
    out = subprocess.run(
        [sys.executable, "-c", "import seqviz.training.studio as s; print(s.LIMITS.seconds)"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
        env={**__import__("os").environ, "SEQVIZ_TRAIN_SECONDS": "nope"},
    )
    assert out.returncode == 0 and out.stdout.strip() == "300.0", out.stderr


def test_classroom_caps_apply_only_when_asked():
    words = ". ".join(["the cat sat on the mat and the dog ran"] * 200)  # 2,000 words
    small = dataclasses.replace(registry.LIMITS, tokens=1_000)
    assert runner.read_data("word2vec", "upload", words, limits=small).notes["cut_tokens"] == {"n": 1_000}
    assert not runner.read_data("word2vec", "upload", words, limits=registry.NO_CAPS).notes
    assert runner.read_data("word2vec", "upload", words).notes == {}  # under the classroom's 1 M words


def test_sentiment_with_no_known_held_out_word_writes_null_not_nan(monkeypatch):
    from seqviz.core.data import split_items
    from seqviz.sentiment import kind as sentiment_kind

    real = split_items
    known = "\n".join(
        f"{'pos' if i % 2 else 'neg'}\t{'good great fine' if i % 2 else 'bad awful poor'} film" for i in range(40)
    )
    unknown = "\n".join(f"pos\tqzxv{i} wqpz{i}" for i in range(10))

    def split(items, frac, seed):  # the held-out part: only lines with no known word
        if frac != 0.2:
            return real(items, frac, seed)
        odd = [x[0][0].startswith("qzxv") for x in items]
        return [x for x, o in zip(items, odd) if not o], [x for x, o in zip(items, odd) if o]

    monkeypatch.setattr(sentiment_kind, "split_items", split)
    data = runner.read_data("sentiment", "upload", known + "\n" + unknown)
    res = runner.run("sentiment", data, {"epochs": 1, "n_a": 8})
    row = res.meta["metrics"]["yours"]
    assert row["n"] == 0 and row["lstm_accuracy"] is None and row["majority_baseline"] is None
    js, _ = to_bytes(res.model, "s", res.meta)
    assert b"NaN" not in js and json.loads(js)["metrics"]["yours"]["average_accuracy"] is None


def test_command_line_writes_the_same_two_files(tmp_path):
    (tmp_path / "class.txt").write_text(LINES, encoding="utf-8")
    out = subprocess.run(
        [
            sys.executable,
            "-m",
            "seqviz.training.studio",
            "char_lm",
            "--file",
            str(tmp_path / "class.txt"),
            "--n-a",
            "8",
            "--epochs",
            "1",
            "--name",
            "our class",
            "--out",
            str(tmp_path),
            "--progress",
            "none",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert out.returncode == 0, out.stderr
    m = load_model(tmp_path / "our-class.json")
    assert m.config.n_a == 8 and m.meta["studio"]["source"] == "upload"
    bad = subprocess.run(
        [sys.executable, "-m", "seqviz.training.studio", "char_lm", "--lr", "-1", "--progress", "jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode == 2 and json.loads(bad.stdout.splitlines()[-1])["code"] == "bad_param"
    inf = subprocess.run(
        [sys.executable, "-m", "seqviz.training.studio", "char_lm", "--n-a", "inf"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert inf.returncode == 2 and "Traceback" not in inf.stderr and "n_a must be a finite number" in inf.stderr
    big = tmp_path / "big.txt"  # over the classroom's 5 MB
    big.write_text((LINES + "\n") * (registry.LIMITS.upload_bytes // len(LINES) + 1), encoding="utf-8")
    capped = subprocess.run(
        [
            sys.executable,
            "-m",
            "seqviz.training.studio",
            "char_lm",
            "--file",
            str(big),
            "--classroom",
            "--progress",
            "jsonl",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert capped.returncode == 2 and json.loads(capped.stdout.splitlines()[-1])["code"] == "too_big"
    free = subprocess.run(
        [
            sys.executable,
            "-m",
            "seqviz.training.studio",
            "char_lm",
            "--file",
            str(big),
            "--max-lines",
            "20",
            "--n-a",
            "8",
            "--epochs",
            "1",
            "--name",
            "big",
            "--out",
            str(tmp_path),
            "--progress",
            "none",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )  # the terminal: no classroom caps
    assert free.returncode == 0, free.stderr
    assert load_model(tmp_path / "big.json").meta["studio"]["notes"]["sampled"]["n"] == 20
    (tmp_path / "bin.txt").write_bytes(b"\x00\x01\x02" * 100)
    binary = subprocess.run(
        [
            sys.executable,
            "-m",
            "seqviz.training.studio",
            "char_lm",
            "--file",
            str(tmp_path / "bin.txt"),
            "--progress",
            "jsonl",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert binary.returncode == 2 and json.loads(binary.stdout.splitlines()[-1])["code"] == "binary"


def _tiny_lm_bytes():
    from conftest import tiny

    return to_bytes(tiny("lstm"), "t", {"metrics": {}})


def test_malformed_and_foreign_checkpoint_bytes_are_refused():
    js, w = _tiny_lm_bytes()
    doc = json.loads(js)
    with pytest.raises(CheckpointError, match="not JSON"):
        model_from_bytes(b"\xff\xfe garbage", w)
    with pytest.raises(CheckpointError, match="not a SeqViz"):
        model_from_bytes(json.dumps({"format": "keras", "kind": "char_lm"}).encode(), w)
    with pytest.raises(CheckpointError, match="not a safetensors"):
        model_from_bytes(js, b"\x80\x04\x95" + b"\x00" * 64)  # a pickle's first bytes
    with pytest.raises(CheckpointError, match="do not fit"):
        model_from_bytes(json.dumps({**doc, "config": {**doc["config"], "n_a": 9}}).encode(), w)
    other_js, other_w = to_bytes(__import__("conftest").tiny("gru"), "g", {})
    with pytest.raises(CheckpointError, match="do not fit"):
        model_from_bytes(js, other_w)  # an LSTM config with GRU weights
    from safetensors.torch import load, save

    t = load(w)
    k = next(iter(t))
    t[k] = t[k].clone().fill_(float("nan"))
    with pytest.raises(CheckpointError, match="NaN"):
        model_from_bytes(js, save(t))
    t[k] = t[k].double()
    with pytest.raises(CheckpointError, match="float64"):
        model_from_bytes(js, save(t))


@pytest.mark.parametrize(
    "kind,name,over,match",
    [
        ("char_lm", "names-gru", {"n_a": 10**6}, "n_a"),  # would allocate terabytes
        ("char_lm", "names-gru", {"n_a": 10**12}, "n_a"),  # a RuntimeError in torch
        ("char_lm", "names-gru", {"n_a": 1e400}, "n_a"),  # inf: an OverflowError
        ("char_lm", "names-gru", {"n_a": "sixty"}, "n_a"),
        ("char_lm", "names-gru", {"n_a": 300}, "do not fit"),  # in range, but not these weights
        ("sentiment", "sentiment-en", {"n_e": -1}, "n_e"),  # a negative dimension
        ("embeddings", "wiki-glove", {"n_e": 5e8}, "n_e"),
        ("nmt", "date-attention", {"max_tgt": 10**9}, "max_tgt"),  # a decoding loop that never ends
        ("nmt", "date-attention", {"n_s": 0}, "n_s"),
    ],
)
def test_hostile_configs_are_refused_before_anything_is_built(kind, name, over, match, monkeypatch):
    from seqviz.core import checkpoint

    doc = json.loads((checkpoint.PRETRAINED_DIR / f"{name}.json").read_text(encoding="utf-8"))
    w = (checkpoint.PRETRAINED_DIR / f"{name}.safetensors").read_bytes()
    doc["config"].update(over)
    owner = registry.for_checkpoint(kind)  # the kind whose model builder opens such a checkpoint
    real = owner.model
    built = []

    def spy(cfg):
        import torch as th

        built.append(th.empty(0).device.type)  # where the builder would put its tensors
        return real(cfg)

    for k in [k for k in registry.KINDS.values() if k.checkpoint == kind]:
        monkeypatch.setitem(registry.KINDS, k.name, dataclasses.replace(k, model=spy))
    with pytest.raises(CheckpointError, match=match):
        model_from_bytes(json.dumps(doc).encode(), w, "evil")
    assert "cpu" not in built  # refused while only shapes (the meta device) were used


def test_upload_files_zip_or_pair_and_pickles_refused():
    from seqviz.ui.mymodels import files_from_upload

    js, w = _tiny_lm_bytes()
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("mine.json", js)
        z.writestr("mine.safetensors", w)
    assert files_from_upload([("mine.zip", buf.getvalue())])[:2] == (js, w)
    assert files_from_upload([("a.json", js), ("a.safetensors", w)])[2] == "t"  # the name inside the JSON
    with pytest.raises(CheckpointError, match="pickle"):
        files_from_upload([("model.pt", b"\x80\x04")])
    with pytest.raises(CheckpointError, match="safetensors"):
        files_from_upload([("a.json", js)])
    with pytest.raises(CheckpointError, match="zip"):
        files_from_upload([("a.zip", b"PK not really")])


def _zip(files: dict, method=zipfile.ZIP_DEFLATED) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w", method) as z:
        for name, data in files.items():
            z.writestr(name, data)
    return buf.getvalue()


def test_zips_inside_zips_and_zip_bombs_are_not_unpacked(monkeypatch):
    from seqviz.ui import mymodels
    from seqviz.ui.mymodels import files_from_upload

    js, w = _tiny_lm_bytes()
    inner = _zip({"mine.json": js, "mine.safetensors": w})
    with pytest.raises(CheckpointError, match="missing"):  # a zip in a zip stays packed
        files_from_upload([("outer.zip", _zip({"inner.zip": inner}))])
    layer = _zip({"a.json": js, "a.safetensors": w})
    for i in range(5):  # zip of zip of zip ...
        layer = _zip({f"l{i}.zip": layer, f"m{i}.zip": layer})
    opened = []
    real = zipfile.ZipFile

    class Spy(real):
        def __init__(self, *a, **k):
            opened.append(1)
            super().__init__(*a, **k)

    monkeypatch.setattr(zipfile, "ZipFile", Spy)
    with pytest.raises(CheckpointError):
        files_from_upload([("bomb.zip", layer)])
    assert len(opened) == 1  # only the zip that was uploaded
    monkeypatch.setattr(zipfile, "ZipFile", real)
    monkeypatch.setattr(mymodels, "MAX_UPLOAD_BYTES", 1_000_000)
    zeros = _zip({"a.json": js, "a.safetensors": b"\0" * 3_000_000})  # 3 MB that pack into a few kB
    assert len(zeros) < 100_000
    with pytest.raises(CheckpointError, match="too large once unpacked"):
        files_from_upload([("zeros.zip", zeros)])
    two = _zip({"a.json": js, "a.safetensors": b"\0" * 600_000})  # each fits; together they do not
    with pytest.raises(CheckpointError, match="too large once unpacked"):
        files_from_upload([("one.zip", two), ("two.zip", two)])
    assert files_from_upload([("one.zip", _zip({"a.json": js, "a.safetensors": w}))])[:2] == (js, w)


def _wait(job, limit=120):
    t0 = time.time()
    while job.active and time.time() - t0 < limit:
        time.sleep(0.2)
    return job


def test_queue_runs_jobs_in_a_worker_process_one_per_owner():
    q = TrainingQueue(max_seconds=60, max_waiting=2)
    a = q.submit("alice", "char_lm", "upload", TINY, "a", text=LINES)
    with pytest.raises(AlreadyRunning):
        q.submit("alice", "char_lm", "upload", TINY, "again", text=LINES)
    while a.status == "queued":
        time.sleep(0.05)
    b = q.submit("bob", "char_lm", "upload", {**TINY, "cell": "rnn"}, "b", text=LINES)
    assert q.ahead(b) >= 1  # bob waits for alice
    c = q.submit("carol", "char_lm", "upload", TINY, "c", text=LINES)
    with pytest.raises(QueueFull):
        q.submit("dave", "char_lm", "upload", TINY, "d", text=LINES)
    q.stop(c)  # cancelled before it started
    assert c.status == "cancelled"
    _wait(a), _wait(b)
    assert a.status == b.status == "done" and a.train_curve and a.val_curve and a.stop_reason == "finished"
    m = model_from_bytes(*b.result)
    assert m.config.cell == "rnn" and m.meta["name"] == "b"
    from seqviz.ui.mymodels import files_from_upload  # and it opens again under the student's name

    assert files_from_upload([("download.json", b.result[0]), ("download.safetensors", b.result[1])])[2] == "b"
    assert "--classroom" in q.command(b, Path("/tmp")) and "our-class" in q.command(
        studio_job("our class"), Path("/tmp")
    )


def studio_job(name):
    from seqviz.training.jobs import Job

    return Job("id", "owner", "char_lm", "names", {}, name)


def test_queue_stop_keeps_the_best_model_and_errors_are_reported():
    q = TrainingQueue(max_seconds=120)
    job = q.submit("x", "char_lm", "upload", {"n_a": 32, "epochs": 50, "batch_size": 8}, "long", text=LINES * 30)
    t0 = time.time()
    while not job.val_curve and time.time() - t0 < 60:
        time.sleep(0.2)
    q.stop(job)
    _wait(job)
    assert job.status == "done" and job.stop_reason == "stopped" and job.step < job.n_steps
    kept = model_from_bytes(*job.result)
    assert kept.meta["training"]["stop"] == "stopped"
    # the weights kept are the best held-out ones seen: recompute their loss on the run's own validation lines
    from seqviz.core.data import LineDataset, split_lines
    from seqviz.core.vocab import CharVocab
    from seqviz.rnn.kind import lm_eval

    data = runner.read_data("char_lm", "upload", LINES * 30)
    val = split_lines(data.items, 0.1, seed=0)[1][:2000]
    loss = lm_eval(kept, LineDataset(val, CharVocab.from_text("\n".join(data.items))))["loss"]
    seen = [v["loss"] for _, v in job.val_curve if v.get("loss") is not None]
    assert len(seen) >= 2 and loss == pytest.approx(min(seen), abs=1e-4)
    assert kept.meta["training"]["best_val_loss"] == pytest.approx(min(seen), abs=1e-4)
    bad = _wait(q.submit("y", "sentiment", "upload", {}, "s", text="pos\tgood\n" * 30))
    assert bad.status == "failed" and bad.error[0] == "one_class"


def test_the_command_lines_help_lists_every_kind_and_setting(capsys):
    """`python -m seqviz.training.studio --help` (the README's pointer to every setting) prints, even when a hint
    holds a per cent sign, which argparse would otherwise read as a format."""
    from seqviz.training import studio

    with pytest.raises(SystemExit) as end:
        studio.main(["--help"])
    out = capsys.readouterr().out
    assert end.value.code == 0 and "10% held out" in out and "--direction" in out
    assert all(kind in out for kind in registry.KINDS)


def test_command_line_trains_music_on_a_midi_file(tmp_path):
    """A binary upload (MIDI) goes to the music kind as bytes; a file that is not music is refused with its code."""
    from seqviz.music.data import load_corpus
    from seqviz.music.synth import midi_bytes

    mid = tmp_path / "chorale.mid"
    mid.write_bytes(midi_bytes(load_corpus().held_out[0].notes))
    args = ["--n-a", "8", "--n-e", "4", "--layers", "1", "--epochs", "1", "--transpose", "0", "--progress", "none"]
    ok = subprocess.run(
        [sys.executable, "-m", "seqviz.training.studio", "music", "--file", str(mid), "--out", str(tmp_path), *args],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert ok.returncode == 0, ok.stderr
    doc = json.loads((tmp_path / "my-model.json").read_text())
    assert doc["kind"] == "music_lm" and doc["metrics"]["held_out"]["perplexity"] > 1
    bad = tmp_path / "notes.mid"
    bad.write_text("these are not notes", encoding="utf-8")
    refused = subprocess.run(
        [sys.executable, "-m", "seqviz.training.studio", "music", "--file", str(bad), "--progress", "jsonl"],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert refused.returncode == 2 and json.loads(refused.stdout.splitlines()[-1])["code"] == "music_unreadable"
