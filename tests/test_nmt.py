"""The date translator: the attention equations as printed, α rows summing to 1, the encoder's two
directions, teacher forcing = step-by-step decoding, checkpoints that round-trip, odd input, and the
shipped checkpoints on fresh dates (their stored held-out metrics are recomputed in test_shipped_metrics.py)."""

import numpy as np
import pytest
import torch

import seqviz
from seqviz.core.checkpoint import load_model, save_model
from seqviz.translation.dates import date_pairs
from seqviz.translation.models import DateTranslator, NMTConfig, PairData, collate, encode_batch, greedy_batch

SRC = tuple(" ,-./0123456789abcdefghijklmnopqrstuvwxyz年月日星期一二三四五六")


def tiny(attention=True, seed=0) -> DateTranslator:
    torch.manual_seed(seed)
    m = DateTranslator(NMTConfig(attention=attention, n_a=5, n_s=7, n_e=4, src_chars=SRC))
    with torch.no_grad():
        for p in m.parameters():
            p.mul_(3.0)
    return m.eval()


@pytest.mark.parametrize("text", ["tuesday 13 june 1989", "1989年6月13日星期二", "x", "6/13/89"])
def test_alpha_rows_sum_to_one_and_shapes(text):
    tr = tiny().translate(text, beam_width=3)
    Ty, Tx = len(tr.target), len(tr.source)
    assert tr.alpha.shape == (Ty, Tx) == tr.energies.shape and tr.context.shape == (Ty, 10)
    np.testing.assert_allclose(tr.alpha.sum(1), 1.0, atol=1e-6)
    assert (tr.alpha >= 0).all()
    assert tr.log_prob == pytest.approx(float(tr.token_log_probs.sum()), abs=1e-5)
    assert tr.output == "".join(tr.target).split("\n")[0]


def test_attention_equations_as_printed():
    """e = v·tanh(W_e[s<t-1>; a<t'>] + b_e), α = softmax(e), context = Σ α a, s<t> = LSTM([context; y<t-1>])."""
    m = tiny()
    tr = m.translate("13 june 1989")
    ids, L = encode_batch(m, ["13 june 1989"])
    a = m.encode(ids, L).a[0].detach()  # (Tx, 2 n_a)
    W_e = torch.cat([m.W_es.weight, m.W_ea.weight], dim=1)  # one matrix on [s; a]
    cell = torch.nn.LSTMCell(10 + 12, 7)
    cell.load_state_dict(m.decoder.state_dict())
    s, c = torch.zeros(1, 7), torch.zeros(1, 7)
    y_prev = 0
    for t, ch in enumerate(tr.target):
        e = torch.stack(
            [m.v.weight[0] @ torch.tanh(W_e @ torch.cat([s[0], a[j]]) + m.W_es.bias) for j in range(a.shape[0])]
        )
        alpha = torch.exp(e) / torch.exp(e).sum()
        context = (alpha[:, None] * a).sum(0)
        np.testing.assert_allclose(tr.energies[t], e.detach().numpy(), atol=1e-5)
        np.testing.assert_allclose(tr.alpha[t], alpha.detach().numpy(), atol=1e-6)
        np.testing.assert_allclose(tr.context[t], context.detach().numpy(), atol=1e-5)
        x = torch.cat([context, torch.nn.functional.one_hot(torch.tensor(y_prev), 12).float()])[None]
        s, c = cell(x, (s, c))
        np.testing.assert_allclose(tr.s[t], s[0].detach().numpy(), atol=1e-5)
        p = torch.softmax(m.W_y(s)[0], -1)
        np.testing.assert_allclose(tr.probs[t], p.detach().numpy(), atol=1e-5)
        y_prev = m.tgt_vocab.index[ch]


def test_encoder_reads_backwards_within_each_length_and_ignores_padding():
    m = tiny()
    texts = ["13 june 1989", "x", "1989年6月13日星期二 long tail"]
    ids, L = encode_batch(m, texts)
    mem = m.encode(ids, L)
    for i, text in enumerate(texts):
        one, l1 = encode_batch(m, [text])
        x = m.src_one_hot(one)
        a_f, _ = m.enc_fwd(x)
        a_b, _ = m.enc_bwd(x.flip(1))
        n = int(l1[0])
        np.testing.assert_allclose(mem.a[i, :n].detach(), torch.cat([a_f, a_b.flip(1)], -1)[0].detach(), atol=1e-6)
        np.testing.assert_allclose(mem.h[i].detach(), torch.cat([a_f[0, -1], a_b[0, -1]]).detach(), atol=1e-6)
        assert mem.mask[i].sum() == n


def test_plain_model_sees_only_h():
    m = tiny(attention=False)
    tr = m.translate("13 june 1989")
    assert tr.alpha is None and tr.energies is None
    ids, L = encode_batch(m, ["13 june 1989"])
    h = m.encode(ids, L).h[0].detach().numpy()
    np.testing.assert_allclose(tr.context, np.tile(h, (len(tr.target), 1)), atol=1e-6)


@pytest.mark.parametrize("attention", [True, False])
def test_teacher_forcing_equals_decoding_step_by_step(attention):
    m = tiny(attention)
    pairs = date_pairs(6, seed=5)
    ids, L, y_in, y_out = collate([PairData(m, pairs)[i] for i in range(6)])
    logp = torch.log_softmax(m(ids, L, y_in), -1)  # (b, Ty, Vy)
    for i, p in enumerate(pairs):
        per_token = m.log_probs_of(p.human, p.iso)
        np.testing.assert_allclose(logp[i].gather(1, y_out[i][:, None])[:, 0].detach(), per_token, atol=1e-5)


@pytest.mark.parametrize("attention", [True, False])
def test_save_load_gives_identical_outputs(tmp_path, attention):
    m = tiny(attention)
    save_model(m, "tiny-mt", {"metrics": {}}, tmp_path)
    back = load_model(tmp_path / "tiny-mt.json")
    assert back.config == m.config
    saved, loaded = m.state_dict(), back.state_dict()
    assert saved.keys() == loaded.keys()  # no tensor missing or extra
    assert all(torch.equal(saved[k], loaded[k]) for k in saved)
    for text in ["13 june 1989", "1989年6月13日星期二"]:
        a, b = m.translate(text, beam_width=4), back.translate(text, beam_width=4)
        assert a.output == b.output and a.log_prob == b.log_prob
        if attention:
            np.testing.assert_array_equal(a.alpha, b.alpha)


@pytest.mark.parametrize(
    "text,notes",
    [
        ("", ["empty"]),
        ("   ", ["empty"]),
        ("hello there", ["no_digits"]),
        ("😀 13 <b>june</b> 1989", ["unknown"]),
        ("x" * 500 + " 1989", ["cut", "no_digits"]),
        ("\x00\x01\x02 1989", ["unknown"]),
    ],
)
def test_odd_input_still_gets_an_output_with_notes(text, notes):
    tr = tiny().translate(text, beam_width=2)
    assert all(n in tr.notes for n in notes), tr.notes
    assert len(tr.source) <= 40 and tr.alpha.shape[1] == max(1, len(tr.source))
    assert tr.outside or "cut" in tr.notes
    if "cut" in notes:
        assert tr.info["n_chars"] == len(text) and tr.info["max_chars"] == 40


# ---- the shipped checkpoints --------------------------------------------------------------------


@pytest.fixture(scope="module")
def shipped():
    return {name: seqviz.load_pretrained(name) for name in ("date-attention", "date-no-attention")}


def test_shipped_attention_model_on_a_fresh_sample_and_the_course_examples(shipped):
    m = shipped["date-attention"]
    fresh = date_pairs(300, seed=99, split="test")  # another draw of held-out days and formats
    outs, _ = greedy_batch(m, [p.human for p in fresh])
    assert np.mean([o == p.iso for o, p in zip(outs, fresh)]) >= 0.98
    for text in ["Tuesday 13 June 1989", "1989年6月13日星期二", "mardi 13 juin 1989", "13.06.89"]:
        tr = m.translate(text, beam_width=3)
        assert tr.output == "1989-06-13" and tr.formats and not tr.outside, (text, tr.output, tr.notes)
        np.testing.assert_allclose(tr.alpha.sum(1), 1.0, atol=1e-5)
    tr = m.translate("Tuesday 13 June 1989")
    year = [i for i, ch in enumerate(tr.source) if ch.isdigit()][-4:]
    assert tr.alpha[:4, year].sum(1).min() > 0.5  # the year's digits look at the year


def test_shipped_checkpoints_are_listed_small_and_load_as_their_kind(shipped):
    docs = seqviz.list_pretrained(kind="nmt")
    assert [d["name"] for d in docs] == ["date-attention", "date-no-attention"]
    assert [d["config"]["attention"] for d in docs] == [True, False]
    from seqviz.core.checkpoint import PRETRAINED_DIR

    assert sum(f.stat().st_size for f in PRETRAINED_DIR.glob("date-*")) < 2e6
    assert all(not m.training and type(m).__name__ == "DateTranslator" for m in shipped.values())


def test_shipped_models_json_records_the_comparison(shipped):
    att, plain = (shipped[n].meta for n in ("date-attention", "date-no-attention"))
    for meta in (att, plain):
        assert meta["command"].startswith("python -m seqviz.training.build date-")
        assert set(meta["metrics"]["by_length"]) == {"1-10", "11-15", "16-20", "21-25", "26-30", "31-40"}
        n_test = meta["metrics"]["n_test"]
        assert n_test == meta["data"]["n_test"] >= 1000
        assert sum(v["n"] for v in meta["metrics"]["by_length"].values()) == n_test
        assert sum(v["n"] for v in meta["metrics"]["by_locale"].values()) == n_test
        assert meta["training"]["curve"] and meta["training"]["epochs"] == att["training"]["epochs"]
    assert att["metrics"]["exact_greedy"] >= plain["metrics"]["exact_greedy"]
