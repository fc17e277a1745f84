"""The Transformer models (tiny random weights, fixed seeds): the date translator's decoder is causal and its beam
search, greedy batch and teacher forcing agree; what `translate` returns (the weights of every layer and head,
α rows summing to 1) and `query_step` are the network's own numbers; the character Transformer is causal and
scores lines as its logits say; both round-trip through a checkpoint and train through the studio's runner."""

import math

import numpy as np
import pytest
import torch

from seqviz.core.checkpoint import CheckpointError, model_from_bytes, to_bytes
from seqviz.transformer.models import CharTransformer, CharTransformerConfig
from seqviz.translation.models import greedy_batch
from seqviz.translation.transformer import DateTransformer, TransformerConfig

SRC = tuple(" ,-./0123456789abcdefghijklmnopqrstuvwxyz年月日")
DATES = ["tuesday 13 june 1989", "13.06.89", "1989年6月13日", "june 1, 2001"]


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def _translator(seed: int = 0) -> DateTransformer:
    torch.manual_seed(seed)
    return DateTransformer(TransformerConfig(d_model=32, h=4, n_layers=2, d_ff=64, src_chars=SRC)).eval()


def test_teacher_forcing_and_step_by_step_decoding_give_the_same_log_probabilities():
    m = _translator()
    text, out = DATES[0], [3, 11, 1, 0]  # "2-0" and ⏎ (targets: ⏎ 0 1 … 9 -)
    *_, mem = m._prepare(text)
    with torch.no_grad():
        full = torch.log_softmax(m.decode(mem, torch.tensor([[0, *out[:-1]]]))[0][0], -1)  # (Ty, Vy)
        state, step, prev, steps = m.start_state(mem), m.step_fn(mem), torch.tensor([0]), []
        for tok in out:
            logp, state = step(state, prev)
            steps.append(logp[0])
            prev = torch.tensor([tok])
    assert torch.allclose(full, torch.stack(steps), atol=1e-5)
    assert m.log_probs_of(text, "2-0") == pytest.approx([float(full[i, t]) for i, t in enumerate(out)], abs=1e-5)


def test_the_decoder_cannot_see_later_outputs():
    m = _translator(1)
    *_, mem = m._prepare(DATES[1])
    a = m.decode(mem, torch.tensor([[0, 2, 3, 4, 5]]))[0]
    b = m.decode(mem, torch.tensor([[0, 2, 3, 9, 1]]))[0]  # only positions 3 and 4 differ
    assert torch.allclose(a[0, :3], b[0, :3], atol=1e-6) and not torch.allclose(a[0, 3:], b[0, 3:])


def test_translate_returns_the_networks_weights_and_agrees_with_greedy_batch():
    m = _translator(2)
    outs, lps = greedy_batch(m, DATES)
    for text, out, lp in zip(DATES, outs, lps):
        tr = m.translate(text)  # B = 1: greedy
        assert tr.output == out and tr.log_prob == pytest.approx(float(lp), abs=1e-4)
        L, h, Ty, Tx = tr.attentions["cross"].shape
        assert (L, h, Ty, Tx) == (2, 4, len(tr.target), len(tr.source))
        assert tr.attentions["encoder"].shape == (2, 4, Tx, Tx) and tr.attentions["decoder"].shape == (2, 4, Ty, Ty)
        assert np.allclose(tr.alpha, tr.attentions["cross"][-1].mean(0)) and np.allclose(tr.alpha.sum(1), 1, atol=1e-5)
        dec = tr.attentions["decoder"]
        assert np.all(dec[:, :, np.triu_indices(Ty, 1)[0], np.triu_indices(Ty, 1)[1]] == 0)  # the look-ahead mask
        assert tr.log_prob == pytest.approx(float(tr.token_log_probs.sum()), abs=1e-4)


def test_a_wider_beam_never_scores_worse_than_greedy():
    m = _translator(3)
    for text in DATES:
        g, b = m.translate(text, 1, 0.7), m.translate(text, 5, 0.7)
        assert b.score >= g.score - 1e-6


@pytest.mark.parametrize("which", ["cross", "self"])
def test_query_step_recomputes_one_heads_weights(which):
    m = _translator(4)
    tr = m.translate(DATES[0])
    Ty = len(tr.target)
    for layer, head, t in ((0, 0, 0), (1, 3, min(2, Ty - 1)), (1, 1, Ty - 1)):
        q = m.query_step(DATES[0], tr.output, layer, head, t, which)
        row = tr.attentions["cross" if which == "cross" else "decoder"][layer, head, t]
        assert np.allclose(q["weights"], row, atol=1e-5) and q["weights"].sum() == pytest.approx(1)
        assert np.allclose(
            q["scores"][np.isfinite(q["scores"])], (q["K"] @ q["q"] / math.sqrt(8))[np.isfinite(q["scores"])]
        )
        assert np.allclose(q["output"], q["weights"] @ q["V"])
        if which == "self":
            assert np.all(np.isneginf(q["scores"][t + 1 :])) and len(q["keys"]) == len(tr.target)
        else:
            assert q["keys"] == tr.source
    with pytest.raises(ValueError):
        m.query_step(DATES[0], tr.output, 0, 0, Ty)


def test_positional_encoding_is_added_to_the_embeddings():
    m = _translator(5)
    e = m.embed_source("13.06.89")
    assert e["tokens"] == list("13.06.89")
    assert np.allclose(e["x"], e["embedding"] + e["pe"]) and np.allclose(e["pe"][0, 1::2], 1)


def test_a_date_transformer_checkpoint_round_trips_and_a_bad_one_is_refused():
    m = _translator(6)
    js, w = to_bytes(m, "t", {"metrics": {}})
    back = model_from_bytes(js, w)
    assert back.translate(DATES[0], 3).output == m.translate(DATES[0], 3).output
    import json

    doc = json.loads(js)
    doc["config"]["h"] = 3  # 32 is not a multiple of 3
    with pytest.raises(CheckpointError):
        model_from_bytes(json.dumps(doc).encode(), w)


def _char_lm(seed: int = 0) -> CharTransformer:
    torch.manual_seed(seed)
    return CharTransformer(CharTransformerConfig(32, 4, 2, 64, tuple("\nabcdefghijklmnopqrstuvwxyz "), 64)).eval()


def test_the_character_transformer_is_causal_and_scores_lines_from_its_logits():
    m = _char_lm()
    x = torch.tensor([[0, 1, 2, 3, 4, 5]])
    y = x.clone()
    y[0, 4:] = torch.tensor([9, 9])
    with torch.no_grad():
        a, b = m(x), m(y)
    assert torch.allclose(a[0, :4], b[0, :4], atol=1e-6) and not torch.allclose(a[0, 4:], b[0, 4:])
    lp, n = m.log_likelihood("abc")
    with torch.no_grad():
        logp = torch.log_softmax(m(torch.tensor([[0, 1, 2, 3]]))[0], -1)
    assert n == 4 and lp == pytest.approx(float(logp[0, 1] + logp[1, 2] + logp[2, 3] + logp[3, 0]), abs=1e-5)
    weights = []
    with torch.no_grad():
        m(x, weights)
    assert len(weights) == 2 and all(
        torch.all(w[0][:, np.triu_indices(6, 1)[0], np.triu_indices(6, 1)[1]] == 0) for w in weights
    )


def test_both_transformer_kinds_train_through_the_runner_and_reload():
    from seqviz.core.registry import get
    from seqviz.training import runner

    kind = get("char_transformer")
    p = kind.check({"epochs": 1, "max_lines": 300, "d_model": 16, "h": 2, "n_layers": 1, "val_lines": 50})
    res = runner.run("char_transformer", runner.read_data("char_transformer", "names", None, p), p)
    assert res.model.KIND == "char_transformer" and math.isfinite(res.meta["metrics"]["val_perplexity"])
    back = model_from_bytes(*to_bytes(res.model, "c", res.meta))
    assert back.log_likelihood("anna") == pytest.approx(res.model.log_likelihood("anna"))
    p = kind.check({"epochs": 1, "max_lines": 40, "d_model": 16, "h": 2, "n_layers": 1, "val_lines": 20})
    wiki = runner.read_data("char_transformer", "wiki", None, p)  # sentences up to 240 characters, not cut to 200
    assert max(map(len, wiki.items)) > 200  # (the sample holds such a line: the case that once crashed)
    res = runner.run("char_transformer", wiki, p)
    assert res.model.config.max_len >= max(map(len, wiki.items)) + 2 and math.isfinite(
        res.meta["metrics"]["val_loss_nats_per_char"]
    )
    with pytest.raises(ValueError):
        res.model(torch.zeros(1, res.model.config.max_len + 1, dtype=torch.long))
    kind = get("date_transformer")
    p = kind.check({"epochs": 1, "n_pairs": 300, "n_val": 50, "n_test": 50, "d_model": 16, "h": 2, "n_layers": 1})
    res = runner.run("date_transformer", runner.read_data("date_transformer", "dates", None, p), p)
    assert res.model.KIND == "nmt_transformer" and res.meta["metrics"]["n_test"] == 50
    back = model_from_bytes(*to_bytes(res.model, "d", res.meta))
    assert back.translate("13.06.89").output == res.model.translate("13.06.89").output
