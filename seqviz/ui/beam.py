"""Widgets of the "Beam search & BLEU" page: the search tree, the what-if prefix, error analysis and BLEU."""

from __future__ import annotations

import math

import streamlit as st

from seqviz import viz
from seqviz.core.vocab import display
from seqviz.ui import cache, mt, picker, share
from seqviz.ui.common import md_escape, t, table
from seqviz.ui.export import chart

MAX_B = 16
DEFAULT_TEXT = "Tuesday 13 June 1989"
ALPHAS = [i / 10 for i in range(11)]  # the α slider's stops (0.0, 0.1 … 1.0): a link may set only these


def no_neg_zero(x: float, digits: int = 3) -> float:
    """x rounded as the page prints it, without the "-0.000" of a log P just below zero."""
    return round(float(x), digits) + 0.0


def controls() -> dict:
    """Sidebar: which model (shipped, or one of this session's own), beam width B and length normalisation α."""
    loaded = {"attention": cache.load_or_stop(mt.CHECKPOINTS["attention"])}
    if cache.available(mt.CHECKPOINTS["plain"]):
        loaded["plain"] = cache.model(mt.CHECKPOINTS["plain"])
    own = picker.ids("nmt")
    loaded.update({name: cache.model(name) for name in own})
    picker.settle("beam_model", list(loaded), "attention", "beam")
    share.bind("beam_model", "attention", options=list(loaded))  # a link naming another session's model: a message
    sb = st.sidebar
    labels = {
        w: t(f"mt.which.{w}") if w in mt.CHECKPOINTS else f"{picker.label(w)} · {t(f'mt.which.{mt.role(w)}')}"
        for w in loaded
    }
    pick = sb.radio(t("beam.model"), list(loaded), key="beam_model", format_func=labels.get)
    picker.hint(own)
    which = mt.role(pick) if pick in own else pick
    share.bind("beam_B", 3, lo=1, hi=MAX_B)
    B = sb.slider(t("beam.B"), 1, MAX_B, key="beam_B", help=t("beam.B.help"))
    share.bind("beam_alpha", 0.7, options=ALPHAS)
    alpha = sb.slider(t("beam.alpha"), 0.0, 1.0, step=0.1, key="beam_alpha", help=t("beam.alpha.help"))
    sb.caption(t("beam.greedy") if B == 1 else t("beam.width_note", B=B))
    return dict(
        which=which, name=mt.CHECKPOINTS.get(pick, pick), B=int(B), alpha=round(float(alpha), 2), model=loaded[pick]
    )


def _text(tokens, vocab) -> str:
    return "".join(display(vocab[i]) for i in tokens)


def date_input() -> str:
    """The date the search translates (one line; the page says what it made of odd input)."""
    share.bind("beam_text", DEFAULT_TEXT, max_chars=400)
    text = st.text_input(t("beam.input"), key="beam_text", max_chars=400)
    if not text.strip():
        st.info(t("beam.empty"))
        return ""
    return text


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def tree_figure(name: str, text: str, B: int, alpha: float, prefix: str, labels: tuple):
    tr = mt.translation(name, text, B, alpha, prefix)
    return cache.frozen(viz.translation.beam_tree(tr.search, list(cache.model(name).tgt_vocab.chars), dict(labels)))


def search(c: dict, text: str):
    """The search's answer, the tree of hypotheses (play / step), one step's candidates, the finished ones."""
    tr = mt.translation(c["name"], text, c["B"], c["alpha"])
    mt.notes([(text, {"attention": tr})])
    res, vocab = tr.search, list(c["model"].tgt_vocab.chars)
    st.markdown(
        t(
            "beam.answer",
            out=tr.output or "∅",
            lp=no_neg_zero(tr.log_prob, 4),
            p=tr.p,
            score=no_neg_zero(tr.score, 4),
            B=c["B"],
            alpha=c["alpha"],
        )
    )
    chart(
        tree_figure(c["name"], text, c["B"], c["alpha"], "", mt.figure_labels()),
        key="beam_tree",
        where=mt.beside("beam.tree.explain", B=c["B"]),
    )
    T = len(res.steps)
    share.bind("beam_t", 1, lo=1, hi=T)
    st.session_state["beam_t"] = int(min(max(st.session_state.get("beam_t", 1), 1), T))
    step = st.slider(t("beam.step"), 1, max(T, 2), key="beam_t", disabled=T < 2) if T > 1 else 1
    st_ = res.steps[step - 1]
    st.caption(
        t(
            "beam.step.explain",
            t=step,
            n=st_.n_expansions,
            shown=len(st_.candidates),
            kept=len([h for h in st_.candidates if h.status != "pruned"]),
        )
    )
    table(
        [
            {
                t("beam.col.hyp"): _text(h.tokens, vocab),
                t("beam.col.token"): display(vocab[h.tokens[-1]]),
                t("beam.col.token_lp"): round(h.token_log_prob, 6),
                t("beam.col.logp"): round(h.log_prob, 6),
                t("beam.col.score"): round(h.score, 6),
                t("beam.col.status"): t(f"beam.status.{h.status}"),
            }
            for h in st_.candidates
        ]
    )
    st.subheader(t("beam.final.head"))
    st.caption(t("beam.final.explain", alpha=c["alpha"]))
    by_lp = sorted(res.finished, key=lambda h: -h.log_prob)
    table(
        [
            {
                t("beam.col.rank"): i + 1,
                t("beam.col.hyp"): _text(h.tokens, vocab),
                t("beam.col.Ty"): h.length,
                t("beam.col.logp"): round(h.log_prob, 6),
                t("beam.col.score"): round(h.score, 6),
                t("beam.col.rank_lp"): by_lp.index(h) + 1,
                t("beam.col.status"): t(f"beam.status.{h.status}"),
            }
            for i, h in enumerate(res.finished[:20])
        ]
    )
    return tr


def what_if(c: dict, text: str, own) -> None:
    """Force the first output characters and see how the model completes them, and at what cost."""
    share.bind("beam_prefix", "20", max_chars=12)
    prefix = st.text_input(t("beam.prefix"), key="beam_prefix", max_chars=12)
    allowed = set(c["model"].tgt_vocab.chars) - {"\n"}
    bad = sorted({ch for ch in prefix if ch not in allowed})
    if bad:
        st.warning(t("beam.prefix.bad", chars=" ".join(md_escape(repr(ch)) for ch in bad)))
    prefix = "".join(ch for ch in prefix if ch in allowed)
    if not prefix:
        st.info(t("beam.prefix.none"))
        return
    forced = mt.translation(c["name"], text, c["B"], c["alpha"], prefix)
    st.markdown(
        t(
            "beam.prefix.result",
            prefix=prefix,
            out=forced.output,
            lp=no_neg_zero(forced.log_prob),
            p=forced.p,
            own=own.output,
            own_lp=no_neg_zero(own.log_prob),
        )
    )
    delta = own.log_prob - forced.log_prob
    st.caption(
        t("beam.prefix.same")
        if forced.output == own.output
        else t("beam.prefix.cost", ratio=math.exp(min(delta, 700)) if delta < 700 else float("inf"))
    )
    chart(
        tree_figure(c["name"], text, c["B"], c["alpha"], prefix, mt.figure_labels()),
        key="beam_tree_prefix",
        where=mt.beside("beam.prefix.explain"),
    )


def _use_example(text: str, ref: str, B: int) -> None:
    st.session_state.update(beam_text=text, beam_ref=ref, _beam_ref_for=text, beam_B=B)


def error_analysis(c: dict, text: str, own) -> None:
    """The course's error analysis of this date against a reference y*, then the held-out summary."""
    default = own.output if own.formats else ""
    if st.session_state.get("_beam_ref_for") != text:  # a new date: start from its checked answer
        st.session_state["beam_ref"] = default
        st.session_state["_beam_ref_for"] = text
    share.bind("beam_ref", default, max_chars=40)  # after the reset above: a link's y* wins
    ref = st.text_input(t("beam.ref"), key="beam_ref", max_chars=40, help=t("beam.ref.help"))
    if not ref.strip():
        st.info(t("beam.ref.none"))
    else:
        ea = c["model"].error_analysis(text, ref.strip(), c["B"], c["alpha"])
        if ea is None:
            st.warning(t("beam.ref.bad", ref=md_escape(ref)))
        else:
            table(
                [
                    {
                        t("beam.col.which"): "ŷ",
                        t("beam.col.hyp"): ea.details["output"],
                        t("beam.col.logp"): round(ea.log_p_hat, 4),
                        "P": f"{math.exp(ea.log_p_hat):.3g}",
                        t("beam.col.score"): round(ea.score_hat, 4),
                    },
                    {
                        t("beam.col.which"): "y*",
                        t("beam.col.hyp"): ea.details["reference"],
                        t("beam.col.logp"): round(ea.log_p_star, 4),
                        "P": f"{math.exp(ea.log_p_star):.3g}",
                        t("beam.col.score"): round(ea.score_star, 4),
                    },
                ]
            )
            show = {"correct": st.success, "search": st.warning, "model": st.error}[ea.verdict]
            show(t(f"beam.verdict.{ea.verdict}", B=c["B"]))
    st.subheader(t("beam.dev.head"))
    scan = (c["model"].meta.get("metrics") or {}).get("scan")
    if not isinstance(scan, dict) or "greedy_wrong" not in scan:
        st.caption(t("beam.dev.none"))  # only the shipped models carry this scan
        return
    st.markdown(
        t(
            "beam.dev.summary",
            n=scan["n"],
            wrong=scan["greedy_wrong"],
            s=scan["search"],
            m=scan["model"],
            fixed=scan["fixed_by_beam"],
            B=scan["beam_width"],
            alpha=scan["length_alpha"],
        )
    )
    other = "plain" if c["which"] == "attention" else "attention"
    other_scan = (
        cache.model(mt.CHECKPOINTS[other]).meta.get("metrics", {}).get("scan", {})
        if cache.available(mt.CHECKPOINTS[other])
        else {}
    )
    if not scan["search"] and other_scan.get("search"):
        st.info(t("beam.dev.hint", model=t(f"mt.which.{other}"), s=other_scan["search"]))
    examples = scan.get("examples", [])
    if examples:
        table(
            [
                {
                    t("mt.col.input"): e["human"],
                    "y*": e["reference"],
                    t("beam.col.greedy"): e["greedy"],
                    t("beam.col.verdict_g"): t(f"beam.v.{e['verdict_greedy']}"),
                    t("beam.col.beam", B=scan["beam_width"]): e["beam"],
                    t("beam.col.verdict_b"): t(f"beam.v.{e['verdict_beam']}"),
                }
                for e in examples
            ]
        )
        cols = st.columns(min(4, len(examples)))
        for i, (col, e) in enumerate(zip(cols, examples)):
            col.button(
                t("beam.try", text=e["human"][:24]),
                key=f"beam_try_{i}",
                on_click=_use_example,
                args=(e["human"], e["reference"], 1),
            )


BLEU_EXAMPLES = {  # name -> (candidate, references, tokenizer)
    "course": ("the the the the the the the", "the cat is on the mat\nthere is a cat on the mat", "13a"),
    "good": ("the cat is on the mat", "the cat is on the mat\nthere is a cat on the mat", "13a"),
    "short": ("the cat", "the cat is on the mat\nthere is a cat on the mat", "13a"),
    "zh": ("猫在垫子上", "猫坐在垫子上\n垫子上有一只猫", "zh"),
}


def _bleu_example() -> None:
    cand, refs, tok = BLEU_EXAMPLES[st.session_state["bleu_example"]]
    st.session_state.update(bleu_cand=cand, bleu_refs=refs, bleu_tok=tok)


def bleu_panel() -> None:
    """BLEU of a candidate against references, by sacrebleu, with every part shown."""
    from seqviz.translation.bleu import SMOOTHING, TOKENIZERS, bleu

    share.bind("bleu_example", "course", options=list(BLEU_EXAMPLES))
    st.radio(
        t("bleu.example"),
        list(BLEU_EXAMPLES),
        format_func=lambda k: t(f"bleu.example.{k}"),
        key="bleu_example",
        on_change=_bleu_example,
        horizontal=True,
    )
    cand0, refs0, tok0 = BLEU_EXAMPLES[st.session_state["bleu_example"]]  # the example's texts are the defaults
    share.bind("bleu_cand", cand0, max_chars=1000)
    share.bind("bleu_refs", refs0)  # a link carries at most share.MAX_TEXT characters of it
    share.bind("bleu_tok", tok0, options=TOKENIZERS)
    share.bind("bleu_smooth", "exp", options=SMOOTHING)
    left, right = st.columns([3, 2])
    cand = left.text_input(t("bleu.candidate"), key="bleu_cand", max_chars=1000)
    refs_text = left.text_area(t("bleu.refs"), key="bleu_refs", height=110, max_chars=4000)
    tok = right.selectbox(t("bleu.tokenize"), TOKENIZERS, key="bleu_tok", format_func=lambda k: t(f"bleu.tok.{k}"))
    smooth = right.selectbox(t("bleu.smooth"), SMOOTHING, key="bleu_smooth", format_func=lambda k: t(f"bleu.sm.{k}"))
    refs = [r.strip() for r in refs_text.split("\n") if r.strip()][:20]
    if not refs:
        st.info(t("bleu.no_refs"))
        return
    if not cand.strip():
        st.info(t("bleu.no_candidate"))
    b = bleu(cand, refs, tokenize=tok, smooth_method=smooth)
    m1, m2, m3, m4 = st.columns(4)
    m1.metric(t("bleu.score"), f"{b.score:.2f}")
    m2.metric(t("bleu.bp"), f"{b.bp:.3f}")
    m3.metric(t("bleu.c"), b.sys_len)
    m4.metric(t("bleu.r"), b.ref_len)
    table(
        [
            {
                "n": n,
                t("bleu.col.clipped"): b.counts[n - 1],
                t("bleu.col.total"): b.totals[n - 1],
                t("bleu.col.raw"): "—" if b.raw_precisions[n - 1] is None else f"{b.raw_precisions[n - 1]:.4f}",
                t("bleu.col.p"): f"{b.precisions[n - 1] / 100:.4f}",
            }
            for n in range(1, 5)
        ]
    )
    logs = [math.log(p / 100) if p > 0 else None for p in b.precisions]
    if all(v is not None for v in logs):
        terms = " + ".join(f"\\log {p / 100:.3f}" for p in b.precisions)
        st.latex(
            rf"\mathrm{{BLEU}} = \mathrm{{BP}}\cdot\exp\Big(\tfrac14\sum_{{n=1}}^{{4}}\log p_n\Big) = "
            rf"{b.bp:.3f}\cdot\exp\big(\tfrac14({terms})\big) = {b.score / 100:.4f}"
        )
    else:
        st.latex(
            r"\mathrm{BLEU} = \mathrm{BP}\cdot\exp\Big(\tfrac14\sum_{n=1}^{4}\log p_n\Big) = 0"
            r"\quad (\text{some } p_n = 0)"
        )
    st.caption(t("bleu.parts", c=b.sys_len, r=b.ref_len, bp=b.bp, sig=b.signature))
    with st.expander(t("bleu.ngrams", n=len(b.rows))):
        table(
            [
                {
                    "n": r.n,
                    t("bleu.col.ngram"): " ".join(r.ngram),
                    t("bleu.col.count"): r.count,
                    t("bleu.col.max_ref"): r.max_ref,
                    t("bleu.col.clip"): r.clipped,
                }
                for r in b.rows
            ]
        )
        st.caption(t("bleu.tokens", cand=md_escape(" · ".join(b.candidate_tokens[:60])) or "∅"))
