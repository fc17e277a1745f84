"""The training studio's samples: a character model writes a short sample at step 0 and every N steps, from the
weights of that moment, without changing the run; they reach the JSON-lines stream, the terminal and the queue."""

import json
import time

import pytest
import torch
from conftest import watchdog
from test_app_train import _poll

from seqviz.core.loop import Callback
from seqviz.core.registry import get
from seqviz.rnn.kind import SAMPLE_CHARS, SAMPLE_TEMPERATURE
from seqviz.rnn.lm import sample
from seqviz.rnn.models import CharLM, CharLMConfig
from seqviz.training import runner, studio
from seqviz.training.jobs import MAX_SAMPLES, Job, TrainingQueue

pytestmark = pytest.mark.usefixtures("one_thread")

LINES = "\n".join(
    f"{a} {b}" for a in ("anna", "bob", "carl", "dora", "emil") for b in ("smith", "jones", "brown", "lee")
)
TINY = {"n_a": 8, "epochs": 2, "batch_size": 4, "cell": "gru"}  # 18 training lines: 5 steps an epoch, 10 in all


class Listener(Callback):
    """What the page and the terminal get: every sample, with the state's step and loss at that moment."""

    def __init__(self):
        self.got = []

    def on_sample(self, s, text):
        self.got.append((s.step, s.loss, text))


def test_samples_every_n_steps_from_the_weights_of_that_step():
    data = runner.read_data("char_lm", "upload", LINES)
    ear = Listener()
    res = runner.run("char_lm", data, {**TINY, "sample_every": 3}, [ear])
    steps = [s for s, _, _ in ear.got]
    assert res.state.step == 10 and steps == [0, 3, 6, 9]  # step 0 (untrained), then every 3 steps
    losses = {h["step"]: h["loss"] for h in res.state.history if "loss" in h}
    assert [loss for s, loss, _ in ear.got[1:]] == [losses[s] for s in steps[1:]]  # the training loss at that step
    assert all(len(text) == SAMPLE_CHARS for _, _, text in ear.got)
    torch.manual_seed(0)  # the recipe's start: the same seed, the same vocabulary, untrained
    fresh = CharLM(CharLMConfig("gru", 8, tuple(res.model.vocab.chars)))
    assert ear.got[0][2] == sample(fresh, SAMPLE_CHARS, SAMPLE_TEMPERATURE, None, 0).text
    assert len({text for _, _, text in ear.got}) > 1  # the weights changed, so did the text (same seed)


def test_writing_samples_leaves_the_run_unchanged():
    data = runner.read_data("char_lm", "upload", LINES)
    a = runner.run("char_lm", data, {**TINY, "sample_every": 1}, [Listener()])
    b = runner.run("char_lm", data, {**TINY, "sample_every": 0}, [Listener()])
    for (k, x), (_, y) in zip(a.model.state_dict().items(), b.model.state_dict().items()):
        assert torch.equal(x, y), k
    assert get("char_lm").defaults()["sample_every"] == 50 and "sample_every" not in get("char_transformer").defaults()


def test_the_command_line_prints_samples_and_streams_them_as_json(tmp_path, capsys):
    f = tmp_path / "class.txt"
    f.write_text(LINES, encoding="utf-8")
    args = ["char_lm", "--file", str(f), "--out", str(tmp_path), "--n-a", "8", "--epochs", "2", "--batch-size", "4"]
    assert studio.main([*args, "--sample-every", "4", "--progress", "jsonl"]) == 0
    events = [json.loads(line) for line in capsys.readouterr().out.splitlines()]
    kinds = [e["event"] for e in events]
    samples = [e for e in events if e["event"] == "sample"]
    assert [e["step"] for e in samples] == [0, 4, 8] and samples[0]["loss"] is None
    assert all(isinstance(e["loss"], float) and len(e["text"]) == SAMPLE_CHARS for e in samples[1:])
    assert kinds.index("start") < kinds.index("sample") and kinds[-1] == "saved"
    assert studio.main([*args, "--sample-every", "5", "--progress", "bar"]) == 0
    err = capsys.readouterr().err
    assert "--- sample at step 0 (loss —):" in err and "--- sample at step 5 (loss " in err
    assert "--- sample at step 10" in err and "step 3 " not in err
    assert studio.main([*args, "--sample-every", "0", "--progress", "bar"]) == 0
    assert "--- sample" not in capsys.readouterr().err


def test_the_queue_keeps_the_samples_its_worker_sends():
    job = Job("j", "me", "char_lm", "upload", {}, "x")
    for step in range(MAX_SAMPLES + 5):
        TrainingQueue._event(job, {"event": "sample", "step": step, "loss": 1.5, "text": "ab\ncd"}, 0.0)
    assert (
        len(job.samples) == MAX_SAMPLES
        and job.samples[0][0] == 5
        and job.samples[-1] == (MAX_SAMPLES + 4, 1.5, "ab\ncd")
    )
    q = TrainingQueue(max_seconds=60)
    run = q.submit("me", "char_lm", "upload", {**TINY, "sample_every": 5}, "tiny", text=LINES)
    t0 = time.time()
    while run.active and time.time() - t0 < 120:
        time.sleep(0.2)
    assert run.status == "done" and [s[0] for s in run.samples] == [0, 5, 10]
    assert run.samples[0][1] is None and all(len(s[2]) == SAMPLE_CHARS for s in run.samples)


# ---------------------------------------------------------------- the Train page


def _shown(at) -> list[tuple[int, str]]:
    """The samples on the page, in the order shown: (step, text)."""
    steps = [int(m.value.split()[1]) for m in at.markdown if m.value.startswith("step ") and " · loss " in m.value]
    texts = [c.value for c in at.code if c.language is None and not c.value.lstrip().startswith(("0.", "1.", "2."))]
    return list(zip(steps, texts[-len(steps) :] if steps else []))


def test_the_train_page_shows_samples_while_and_after_a_run():
    from test_app import run_page

    with watchdog(300):
        at = run_page(
            "train.py",
            train_kind="char_lm",
            train_char_lm_n_a=8,
            train_char_lm_epochs=50,  # long: stopped by hand once samples have come
            train_char_lm_batch_size=8,
            train_char_lm_max_lines=200,
            train_char_lm_sample_every=10,
            train_name="tiny",
        )
        assert at.select_slider(key="train_char_lm_sample_every").value == 10
        at.button(key="train_go").click().run()
        _poll(at, lambda a: sum(m.value.startswith("step ") for m in a.markdown) >= 3)
        assert any(m.value == "**What the model writes as it learns**" for m in at.markdown)  # live, while it runs
        live = [int(m.value.split()[1]) for m in at.markdown if m.value.startswith("step ") and " · loss " in m.value]
        assert live[-1] == 0 and live[:-1] == sorted(live[:-1], reverse=True) and all(s % 10 == 0 for s in live)
        assert any(b.key and b.key.startswith("train_stop_") for b in at.button)
        next(b for b in at.button if b.key and b.key.startswith("train_stop_")).click().run()
        _poll(at, lambda a: any("is ready" in s.value for s in a.success))
        assert not at.exception and not at.error
        (box,) = [e for e in at.expander if e.label == "What “tiny” wrote as it learnt"]  # after the run
        after = [int(m.value.split()[1]) for m in box.markdown if m.value.startswith("step ")]
        assert after[-1] == 0 and after[0] >= live[0] and after[:-1] == sorted(after[:-1], reverse=True)
        assert len(after) <= 6 and len(box.code) == len(after) and all(len(c.value) == SAMPLE_CHARS for c in box.code)
        assert "step 0 · loss —" in [m.value for m in box.markdown]
        at.run()  # they stay until the next run
        assert any(e.label == "What “tiny” wrote as it learnt" for e in at.expander)


def test_the_train_page_settings_travel_in_a_link_but_not_the_file(app_navigation):
    from conftest import open_link

    at = open_link(
        "pages/train.py", train_kind="char_lm", train_char_lm_cell="rnn", train_char_lm_n_a="32",
        train_char_lm_lr="0.01", train_char_lm_sample_every="100", train_name="class",
    )  # fmt: skip
    assert not at.exception and not at.warning
    assert at.radio(key="train_kind").value == "char_lm" and at.selectbox(key="train_char_lm_cell").value == "rnn"
    assert at.slider(key="train_char_lm_n_a").value == 32 and at.select_slider(key="train_char_lm_lr").value == 0.01
    assert (
        at.select_slider(key="train_char_lm_sample_every").value == 100
        and at.text_input(key="train_name").value == "class"
    )
    assert not any("never your file" in c.value for c in at.caption)
    at.radio(key="train_source_char_lm").set_value("upload").run()
    assert any("never your file" in c.value for c in at.caption)
    assert at.query_params["train_source_char_lm"] == "upload" and at.query_params["train_char_lm_n_a"] == "32"
