"""Continuing a prompt and nucleus (top-p) sampling, each against an independent re-implementation."""

import numpy as np
import pytest
import torch
from conftest import CHARS, tiny

from seqviz.core.sampling import adjust
from seqviz.rnn.lm import MAX_PROMPT, prompt_limit, read_prompt, sample
from seqviz.rnn.models import CharLM, CharLMConfig

pytestmark = pytest.mark.usefixtures("one_thread")


# ---------------------------------------------------------------- top-p against a direct implementation


def nucleus(q: np.ndarray, top_p: float) -> np.ndarray:
    """Top-p the textbook way: sort, add up, keep the smallest set whose mass reaches top_p (and anything tied with
    its last member), renormalise."""
    order = sorted(range(len(q)), key=lambda i: -q[i])
    total, kept = 0.0, []
    for i in order:
        kept.append(i)
        total += float(q[i])
        if total >= top_p:
            break
    floor = min(q[i] for i in kept)
    out = np.array([x if x >= floor else 0.0 for x in q], dtype=np.float64)
    return out / out.sum()


def reference(p: np.ndarray, temperature: float, top_k, top_p) -> np.ndarray:
    """Temperature, top-k, then top-p, written out with numpy in float64."""
    logp = np.log(np.maximum(p.astype(np.float64), 1e-30)) / temperature
    if top_k is not None and top_k < len(p):
        logp = np.where(logp >= np.sort(logp)[-top_k], logp, -np.inf)
    q = np.exp(logp - logp.max())
    q /= q.sum()
    return q if top_p is None or top_p >= 1 else nucleus(q, top_p)


@pytest.mark.parametrize("seed", range(8))
def test_top_p_is_the_smallest_set_that_reaches_p(seed):
    rng = np.random.default_rng(seed)
    p = torch.softmax(torch.tensor(rng.normal(0, 2, 30), dtype=torch.float32), 0)
    for top_p in (0.05, 0.3, 0.5, 0.8, 0.9, 0.99):
        for temperature, top_k in ((1.0, None), (0.7, None), (1.5, 10), (1.0, 3)):
            got = adjust(p, temperature, top_k, top_p).numpy()
            np.testing.assert_allclose(got, reference(p.numpy(), temperature, top_k, top_p), atol=1e-6)
            kept = np.sort(reference(p.numpy(), temperature, top_k, None)[got > 0])[::-1]  # their mass before
            assert kept.sum() >= top_p - 1e-6  # the kept mass (before renormalising) reaches p ...
            assert kept[:-1].sum() < top_p  # ... and one fewer would not


def test_top_p_edge_cases():
    p = torch.tensor([0.5, 0.3, 0.15, 0.05, 1e-12])
    np.testing.assert_allclose(adjust(p, 1.0, None, 1.0).numpy(), p.numpy(), atol=1e-7)  # p = 1 keeps all ...
    assert (adjust(p, 1.0, None, 1.0) > 0).all()  # ... even the 1e-12 one
    np.testing.assert_allclose(adjust(p, 1.0, None, None).numpy(), p.numpy(), atol=1e-7)  # None: off
    for tiny_p in (1e-9, 0.0, 0.5):  # mass 0.5 is reached by the argmax alone
        np.testing.assert_allclose(adjust(p, 1.0, None, tiny_p).numpy(), [1, 0, 0, 0, 0], atol=1e-7)
    np.testing.assert_allclose(adjust(p, 1.0, None, 0.8).numpy(), [0.625, 0.375, 0, 0, 0], atol=1e-6)  # 0.5 + 0.3
    np.testing.assert_allclose(adjust(p, 1.0, None, 0.81).numpy(), [0.5, 0.3, 0.15, 0, 0] / np.float32(0.95), atol=1e-6)
    ties = torch.tensor([0.3, 0.3, 0.2, 0.2])
    np.testing.assert_allclose(adjust(ties, 1.0, None, 0.25).numpy(), [0.5, 0.5, 0, 0], atol=1e-6)  # tied: both
    np.testing.assert_allclose(adjust(ties, 1.0, None, 0.61).numpy(), ties.numpy(), atol=1e-6)  # the 0.2s tie too
    np.testing.assert_allclose(adjust(ties, 0.0, None, 0.9).numpy(), [1, 0, 0, 0])  # T = 0 is the argmax anyway
    assert adjust(torch.tensor([0.1, 0.5, 0.4]), 1.0, None).sum() == pytest.approx(1)  # (music's call: no top_p)


def test_sampling_with_top_p_draws_only_from_the_nucleus():
    m = tiny("lstm")
    s = sample(m, 60, temperature=1.2, top_p=0.6, seed=4)
    assert s.top_p == 0.6
    for t, c in enumerate(s.chosen):
        np.testing.assert_allclose(s.probs[t], reference(s.raw[t], 1.2, None, 0.6), atol=1e-5)
        assert s.probs[t, c] > 0
    assert (s.probs > 0).sum(axis=1).mean() < (sample(m, 60, temperature=1.2, seed=4).probs > 0).sum(axis=1).mean()
    assert sample(m, 5, top_p=1.0).top_p is None and sample(m, 5, top_p=None).top_p is None


# ---------------------------------------------------------------- prompts against the fused module


@torch.no_grad()
def reference_continuation(m: CharLM, prompt: str, n: int, seed: int) -> tuple[list[int], np.ndarray, np.ndarray]:
    """Read the prompt with the fused nn.LSTM / GRU / RNN, one call per sequence: a line model reads each line from
    a<0> = 0 (a ⏎ typed in the prompt ends its line), a model of source code the whole prompt. Then sample n
    characters at temperature 1, feeding each back through the fused module one step at a time."""
    ids = [i for i in (m.vocab.lookup(ch) for ch in prompt) if i >= 0]
    if m.config.multiline:
        lines = [ids]
    else:
        lines = [[]]
        for i in ids:
            lines[-1].append(i)
            if i == 0:
                lines.append([])  # the ⏎ closed the line: the next one starts afresh
    prompt_p = []
    for line in lines:
        chars = line[:-1] if line and line[-1] == 0 and not m.config.multiline else line
        out, state = m.rnn(m.one_hot(torch.tensor([[0] + chars])), None)  # (1, T, n_a), from a<0> = 0
        p = torch.softmax(m.head(out[0]), -1)  # (T, V): ŷ after each input
        prompt_p += [float(p[t, i]) for t, i in enumerate(line)]  # each prompt character (its ⏎ too)
    last = p[-1]  # the last (open) line's ŷ: what the continuation starts from
    g = torch.Generator().manual_seed(seed)
    chosen, raw = [], []
    for _ in range(n):
        raw.append(last.numpy())
        x = int(torch.multinomial(last, 1, generator=g))
        chosen.append(x)
        if x == 0 and not m.config.multiline:
            state = None
        out, state = m.rnn(m.one_hot(torch.tensor([[x]])), state)
        last = torch.softmax(m.head(out[0, -1]), -1)
    return chosen, np.array(raw), np.array(prompt_p)


def multiline(cell: str) -> CharLM:
    torch.manual_seed(5)
    m = CharLM(CharLMConfig(cell, 9, CHARS, multiline=True))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * 0.3)
    return m.eval()


@pytest.mark.parametrize("prompt", ["anna sm", "bob\nan", "x", "ann\n"])
def test_a_prompt_is_read_then_continued_as_the_fused_module_does(cell, prompt):
    for m in (tiny(cell), multiline(cell)):
        s = sample(m, 40, temperature=1.0, seed=3, prompt=prompt)
        chosen, raw, prompt_p = reference_continuation(m, prompt, 40, seed=3)
        assert s.prompt.text == prompt and list(s.prompt.ids) == list(m.vocab.encode(prompt))
        np.testing.assert_allclose(s.prompt_p, prompt_p, atol=1e-5)  # P of each prompt character, as the module
        np.testing.assert_allclose(s.raw, raw, atol=1e-5)  # ŷ<t> of the continuation: the prompt's state carried
        assert list(s.chosen) == chosen
        assert s.full_text == prompt + s.text


def test_the_prompt_changes_what_follows_and_its_state_carries_over():
    m = tiny("lstm")
    a, b = sample(m, 30, seed=1, prompt="zzzz"), sample(m, 30, seed=1, prompt="anna")
    assert not np.allclose(a.raw[0], b.raw[0])  # different prompts, different first distributions
    c = sample(m, 30, seed=1, prompt="anna\n")  # a line model starts again after ⏎: the prompt's line is forgotten
    np.testing.assert_allclose(c.raw[0], sample(m, 30, seed=1).raw[0], atol=1e-6)
    assert c.chosen.tolist() == sample(m, 30, seed=1).chosen.tolist()


def test_empty_prompt_is_sampling_from_nothing():
    m = tiny("gru")
    s, none = sample(m, 50, seed=2, prompt=""), sample(m, 50, seed=2)
    chosen, raw, _ = reference_continuation(m, "", 50, seed=2)
    assert list(s.chosen) == list(none.chosen) == chosen
    np.testing.assert_allclose(s.raw, raw, atol=1e-5)
    assert s.prompt.text == "" and len(s.prompt_p) == 0 and s.full_text == s.text


def test_prompt_sampling_is_reproducible_with_a_seed():
    m = tiny("rnn")
    a, b = sample(m, 80, 1.0, 5, seed=11, prompt="bo"), sample(m, 80, 1.0, 5, seed=11, prompt="bo")
    assert a.text == b.text and np.array_equal(a.probs, b.probs)
    assert sample(m, 80, 1.0, 5, seed=12, prompt="bo").text != a.text


def test_unknown_characters_are_skipped_and_case_mapped():
    m = tiny("lstm")  # lower-case letters, space and ⏎
    r = read_prompt(m, "An中n<b>a 😀")
    assert r.text == "annba " and r.unknown == ["中", "<", ">", "😀"] and r.mapped == {"A": "a"} and r.cut == 0
    s = sample(m, 20, seed=0, prompt="An中n<b>a 😀")
    assert s.text == sample(m, 20, seed=0, prompt="annba ").text  # as if the unknown ones were not there
    nothing = read_prompt(m, "中文😀")
    assert nothing.text == "" and sample(m, 20, prompt="中文😀").text == sample(m, 20).text


def test_a_long_prompt_keeps_its_end():
    m = tiny("gru")
    long = "ab " * 100  # 300 characters
    r = read_prompt(m, long)
    assert prompt_limit(m) == MAX_PROMPT == 200 and r.cut == 100 and r.text == long[100:] and r.limit == 200
    assert sample(m, 10, prompt=long).text == sample(m, 10, prompt=long[100:]).text
    assert read_prompt(m, long, limit=5).text == long[-5:]
    assert prompt_limit(multiline("gru")) == 300  # a model of source code reads a chunk of several lines
