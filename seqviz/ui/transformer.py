"""Widgets and cached computations of the "Transformer" page: the date translator as a Transformer, beside the RNN
with attention, every head, the positional encodings, one query by the numbers, beam search and held-out numbers."""

from __future__ import annotations

import streamlit as st

from seqviz import viz
from seqviz.core.vocab import display
from seqviz.ui import beam, cache, mt, mymodels, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart

CHECKPOINT = "date-transformer"  # the shipped Transformer translator
CHAR_MODELS = ("names-rnn", "names-gru", "names-lstm", "names-transformer")  # the character models compared
DEFAULT_TEXT = "Tuesday 13 June 1989"
MAX_B = 10
PE_COLUMNS = (0, 10, 20, 30)  # PE columns (sines) drawn over the positions: each slower than the one before
LABEL_KEYS = ("head", "weight", "masked", "position", "dimension", "pe", "pos", "column", "score")


def _labels(**extra) -> tuple:
    """Translated labels of the page's own figures, hashable for the figure caches."""
    labels = {**fig_labels(), **{k: t(f"tf.fig.{k}") for k in LABEL_KEYS}, **extra}
    return tuple(sorted(labels.items()))


# ---------------------------------------------------------------- models


def models() -> dict:
    """Which -> checkpoint: "tf" (the shipped Transformer, or one of this session's own chosen in the sidebar),
    "attention" and "plain" (the RNN translators, each left out with a message when it cannot be loaded)."""
    name = CHECKPOINT
    own = picker.ids("nmt_transformer")
    options = ["shipped"] + own
    picker.settle("tf_mine", options, "shipped", "transformer")
    share.bind("tf_mine", "shipped", options=options)  # a link naming another session's model gets a message
    if own:
        labels = {k: t("tf.mine.shipped") if k == "shipped" else picker.label(k) for k in options}
        pick = st.sidebar.radio(t("tf.mine"), options, key="tf_mine", format_func=labels.get)
        picker.hint(own)
        name = CHECKPOINT if pick == "shipped" else pick
    m = cache.load_or_stop(name)
    out = {"tf": name}
    for which, ckpt in mt.CHECKPOINTS.items():
        if cache.available(ckpt):
            out[which] = ckpt
        else:
            st.warning(t("tf.rnn_missing", name=ckpt))
    cfg, metrics = m.config, m.meta.get("metrics") or {}
    st.sidebar.caption(
        t(
            "tf.model",
            name=picker.label(name) if mymodels.is_mine(name) else "date-transformer",
            d=cfg.d_model,
            h=cfg.h,
            L=cfg.n_layers,
            acc=picker.pct(metrics.get("exact_greedy")),
            n=int(picker.number(metrics.get("n_test"), 0)),
            params=n_params(name),
        )
    )
    return out


@st.cache_data(max_entries=64, ttl=3600, show_spinner=False)
def n_params(name: str) -> int:
    """The model's parameter count, Σ p.numel() over its weights."""
    return int(sum(p.numel() for p in cache.model(name).parameters()))


def which_label(which: str, name: str) -> str:
    """ "Transformer", "RNN with attention" ..., with ⭐ NAME (yours) for this session's own model."""
    return t(f"tf.which.{which}") + (f" · {picker.label(name, markdown=False)}" if mymodels.is_mine(name) else "")


# ---------------------------------------------------------------- 1 · side by side


def date_input() -> str:
    """The one date the page follows (an info and "" when the box is empty)."""
    share.bind("tf_text", DEFAULT_TEXT, max_chars=400)
    text = st.text_input(t("tf.input"), key="tf_text", max_chars=400, help=t("tf.input.help"))
    if not text.strip():
        st.info(t("tf.empty"))
        return ""
    return text


def side_by_side(text: str, loaded: dict):
    """The Transformer's and the RNN's answers and attention heatmaps, in two columns; returns the Transformer's
    Translation."""
    tr = mt.translation(loaded["tf"], text)
    mt.notes([(text, {"attention": tr})])  # cut, characters never seen, no digit, unsure
    labels = mt.figure_labels()
    cols = st.columns(2)
    for col, which, key in zip(cols, ("tf", "attention"), ("tf_heat", "tf_heat_rnn")):
        if which not in loaded:
            continue
        r = mt.translation(loaded[which], text)
        col.markdown(t(f"tf.result.{which}", out=r.output or "∅", p=r.p, model=which_label(which, loaded[which])))
        col.caption(t(f"tf.heat.{which}"))
        chart(mt.heatmap_figure(loaded[which], text, labels), key=key, where=col)
    st.caption(t("tf.heat.explain", Ty=len(tr.target), Tx=len(tr.source), h=cache.model(loaded["tf"]).config.h))
    if "attention" in loaded:
        rnn = mt.translation(loaded["attention"], text)
        st.markdown(
            t("tf.same" if rnn.output == tr.output else "tf.differ", tf=tr.output or "∅", rnn=rnn.output or "∅")
        )
        sharp = {"tf": float(tr.alpha.max(1).mean()), "rnn": float(rnn.alpha.max(1).mean())}  # mean of each row's max
        st.caption(t("tf.spread.more" if sharp["tf"] < sharp["rnn"] - 0.005 else "tf.spread.less", **sharp))
    return tr


# ---------------------------------------------------------------- 2 · every head


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def heads_figure(name: str, text: str, which: str, layer: int, labels: tuple):
    tr = mt.translation(name, text)
    lab = dict(labels)
    q, k = _axes(tr, which)
    w = tr.attentions[{"cross": "cross", "encoder": "encoder", "decoder": "decoder"}[which]][layer]
    return cache.frozen(viz.transformer.heads_figure(w, q, k, lab, causal=which == "decoder"))


def _axes(tr, which: str) -> tuple[list, list]:
    """The query and key characters of one kind of attention: output ŷ<t>, input x<t'>, or the decoder's inputs
    (⏎ then ŷ<1..Ty−1>, what position t has written before it)."""
    written = ["\n", *tr.target[:-1]]
    return {
        "cross": (tr.target, tr.source),
        "encoder": (tr.source, tr.source),
        "decoder": (tr.target, written),
    }[which]


def heads(text: str, name: str) -> None:
    """Every head of one layer: cross-attention, encoder self-attention, decoder masked self-attention."""
    m, tr = cache.model(name), mt.translation(name, text)
    L = m.config.n_layers
    share.bind("tf_layer", L - 1, options=list(range(L)))
    if st.session_state["tf_layer"] not in range(L):  # another model
        st.session_state["tf_layer"] = L - 1
    layer = st.radio(
        t("tf.layer"), list(range(L)), key="tf_layer", horizontal=True, format_func=lambda i: t("tf.layer.n", n=i + 1)
    )
    for which in ("cross", "encoder", "decoder"):
        st.subheader(t(f"tf.heads.{which}.head", h=m.config.h, layer=layer + 1))
        st.caption(t(f"tf.heads.{which}.explain", Tx=len(tr.source), Ty=len(tr.target)))
        lab = _labels(query=t(f"tf.fig.q.{which}"), key=t(f"tf.fig.k.{which}"))
        chart(heads_figure(name, text, which, int(layer), lab), key=f"tf_heads_{which}")


# ---------------------------------------------------------------- 3 · positional encodings


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def pe_figures(name: str, text: str, labels: tuple):
    """The PE heatmap of the input's positions and a few PE columns over every position the model has."""
    m = cache.model(name)
    emb = m.embed_source(text)
    lab = dict(labels)
    return (
        cache.frozen(viz.transformer.pe_figure(emb["pe"], emb["tokens"], lab)),
        cache.frozen(viz.transformer.pe_curves(m.PE.numpy(), list(PE_COLUMNS), lab, marked=len(emb["tokens"]))),
    )


def positions(text: str, name: str) -> None:
    """Why the Transformer needs positions, the formula, and PE as a heatmap and as curves."""
    m = cache.model(name)
    d, Tx = m.config.d_model, len(mt.translation(name, text).source)  # the characters the encoder reads
    st.latex(
        r"PE_{(pos,\,2i)} = \sin\!\Big(\frac{pos}{10000^{2i/d_{model}}}\Big)\qquad "
        r"PE_{(pos,\,2i+1)} = \cos\!\Big(\frac{pos}{10000^{2i/d_{model}}}\Big)"
    )
    st.caption(t("tf.pe.explain", d=d, Tx=Tx))
    heat, curves = pe_figures(name, text, _labels())
    left, right = st.columns([3, 2])
    chart(heat, key="tf_pe", where=left)
    chart(curves, key="tf_pe_curves", where=right)
    right.caption(t("tf.pe.curves", n=len(m.PE), Tx=Tx))


# ---------------------------------------------------------------- 4 · one query by the numbers


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def query_step(name: str, text: str, output: str, layer: int, head: int, step: int, which: str) -> dict:
    """One query's keys, q, K, V, scores, softmax weights and Σ w v (seqviz's DateTransformer.query_step)."""
    return cache.model(name).query_step(text, output, layer, head, step, which=which)


def _num(x: float) -> str:
    return "−∞" if x == float("-inf") else f"{x:.3f}"


def query(text: str, tr, name: str) -> None:
    """Layer, head, output step and kind of attention picked by the student; the step's numbers as a table, a bar
    chart of the weights, q and Σ w v."""
    cfg = cache.model(name).config
    Ty = len(tr.target)
    for k, v, n in (("tf_q_layer", cfg.n_layers - 1, cfg.n_layers), ("tf_q_head", 0, cfg.h), ("tf_q_t", 0, Ty)):
        share.bind(k, v, options=list(range(n)))
    share.bind("tf_q_which", "cross", options=["cross", "self"])
    for k, n in (("tf_q_t", Ty), ("tf_q_layer", cfg.n_layers), ("tf_q_head", cfg.h)):  # another date or model
        if st.session_state[k] not in range(n):
            st.session_state[k] = 0 if k != "tf_q_layer" else n - 1
    c1, c2, c3 = st.columns([1, 1, 2])
    layer = c1.selectbox(t("tf.layer"), list(range(cfg.n_layers)), key="tf_q_layer", format_func=lambda i: str(i + 1))
    head = c2.selectbox(t("tf.head"), list(range(cfg.h)), key="tf_q_head", format_func=lambda i: str(i + 1))
    which = c3.radio(t("tf.q.which"), ["cross", "self"], key="tf_q_which", horizontal=True, format_func=_which_label)
    step = st.select_slider(
        t("tf.q.t"),
        options=list(range(Ty)),
        key="tf_q_t",
        format_func=lambda i: f"t = {i + 1} · ŷ = {display(tr.target[i])}",
    )
    q = query_step(name, text, tr.output, int(layer), int(head), int(step), which)
    st.markdown(
        t(
            f"tf.q.now.{which}",
            t=step + 1,
            out=md_escape(display(tr.target[step])),
            query=md_escape(display(q["query"])),
            n=len(q["keys"]),
            d_k=len(q["q"]),
        )
    )
    left, right = st.columns([2, 3])
    with left:
        table(
            height=35 * (len(q["keys"]) + 1) + 3,  # every key in sight, no scrolling
            rows=[
                {
                    t("tf.col.j"): j + 1,
                    t("tf.col.key"): display(k),
                    t("tf.col.score"): _num(float(s)),
                    t("tf.col.weight"): round(float(w), 4),
                }
                for j, (k, s, w) in enumerate(zip(q["keys"], q["scores"], q["weights"]))
            ],
        )
    chart(_query_figure(name, text, tr.output, int(layer), int(head), int(step), which), key="tf_query", where=right)
    vec = lambda v: {f"{i + 1}": round(float(x), 3) for i, x in enumerate(v)}
    table([{"": "q", **vec(q["q"])}, {"": "Σ w v", **vec(q["output"])}])
    st.caption(t("tf.q.explain", d_k=len(q["q"]), sum=float(q["weights"].sum())))


def _which_label(k: str) -> str:
    return t(f"tf.q.which.{k}")


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def _query_figure_cached(name, text, output, layer, head, step, which, labels: tuple):
    q = query_step(name, text, output, layer, head, step, which)
    return cache.frozen(viz.transformer.query_figure(q["keys"], q["weights"], q["scores"], dict(labels)))


def _query_figure(name, text, output, layer, head, step, which):
    return _query_figure_cached(name, text, output, layer, head, step, which, _labels(key=t(f"tf.fig.k.q.{which}")))


# ---------------------------------------------------------------- 5 · beam search


def search(text: str, name: str) -> None:
    """Beam search with the Transformer's decoder: B and α, the answer, the tree (play / step), the finished
    hypotheses."""
    share.bind("tf_B", 3, lo=1, hi=MAX_B)
    share.bind("tf_alpha", 0.7, options=beam.ALPHAS)
    c1, c2 = st.columns(2)
    B = int(c1.slider(t("beam.B"), 1, MAX_B, key="tf_B", help=t("beam.B.help")))
    alpha = round(float(c2.slider(t("beam.alpha"), 0.0, 1.0, step=0.1, key="tf_alpha", help=t("beam.alpha.help"))), 2)
    tr = mt.translation(name, text, B, alpha)
    st.markdown(
        t(
            "beam.answer",
            out=tr.output or "∅",
            lp=beam.no_neg_zero(tr.log_prob, 4),
            p=tr.p,
            score=beam.no_neg_zero(tr.score, 4),
            B=B,
            alpha=alpha,
        )
    )
    chart(
        beam.tree_figure(name, text, B, alpha, "", mt.figure_labels()),
        key="tf_beam_tree",
        where=mt.beside("beam.tree.explain", B=B),
    )
    vocab = list(cache.model(name).tgt_vocab.chars)
    res = tr.search
    by_lp = sorted(res.finished, key=lambda h: -h.log_prob)
    table(
        [
            {
                t("beam.col.rank"): i + 1,
                t("beam.col.hyp"): "".join(display(vocab[j]) for j in h.tokens),
                t("beam.col.logp"): round(h.log_prob, 4) + 0.0,
                t("beam.col.score"): round(h.score, 4) + 0.0,
                t("beam.col.rank_lp"): by_lp.index(h) + 1,
                t("beam.col.status"): t(f"beam.status.{h.status}"),
            }
            for i, h in enumerate(res.finished[:MAX_B])
        ]
    )
    st.caption(t("beam.final.explain", alpha=alpha))


# ---------------------------------------------------------------- 6 · held-out numbers


def _seconds(meta: dict) -> str:
    s = picker.number((meta.get("training") or {}).get("seconds"))
    return "—" if s != s else f"{s:,.0f}"


def translators_table(loaded: dict) -> list[dict]:
    """One row per translator: held-out exact match (greedy, B = 10), characters right, size, training time."""
    rows = []
    for which, name in loaded.items():
        meta = cache.model(name).meta
        mm = meta.get("metrics") or {}
        rows.append(
            {
                t("mt.col.model"): which_label(which, name),
                t("mt.col.exact"): picker.pct(mm.get("exact_greedy")),
                t("mt.col.exact_beam"): picker.pct(mm.get("exact_beam10")),
                t("mt.col.chars"): picker.pct(mm.get("char_accuracy_greedy")),
                t("mt.col.params"): f"{n_params(name):,}",
                t("tf.col.seconds"): _seconds(meta),
                t("mt.col.n"): int(picker.number(mm.get("n_test"), 0)),
            }
        )
    return rows


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def length_figure(pairs: tuple, labels: tuple):
    """Held-out exact match by input length of each (label, checkpoint) in `pairs` that records it."""
    rows = {label: mt.by_length(name) for label, name in pairs if mt.by_length(name)}
    return cache.frozen(viz.translation.length_accuracy_figure(rows, dict(labels), values=False))  # hover: values


def char_table() -> list[dict]:
    """The names models (RNN, GRU, LSTM, Transformer) and this session's own character Transformers: held-out
    perplexity and loss per character, size, training time."""
    rows = []
    for name in [*CHAR_MODELS, *picker.ids("char_transformer")]:
        if not cache.available(name):
            continue
        meta = cache.model(name).meta
        mm, cfg = meta.get("metrics") or {}, meta.get("config") or {}
        arch = (
            t("tf.arch.transformer", d=cfg.get("d_model"), h=cfg.get("h"), L=cfg.get("n_layers"))
            if "d_model" in cfg
            else f"{str(cfg.get('cell', '?')).upper()}, n_a = {cfg.get('n_a')}"
        )
        rows.append(
            {
                t("tf.col.char_model"): picker.label(name, markdown=False) if mymodels.is_mine(name) else name,
                t("tf.col.arch"): arch,
                t("tf.col.ppl"): round(picker.number(mm.get("val_perplexity")), 3),
                t("tf.col.nats"): round(picker.number(mm.get("val_loss_nats_per_char")), 4),
                t("mt.col.params"): f"{n_params(name):,}",
                t("tf.col.seconds"): _seconds(meta),
            }
        )
    return rows


def heldout(loaded: dict) -> None:
    """The three translators on the same held-out dates, by input length, then the character models."""
    table(translators_table(loaded))
    mm = {w: cache.model(n).meta.get("metrics") or {} for w, n in loaded.items()}
    acc = {w: picker.pct(m.get("exact_greedy")) for w, m in mm.items()}
    st.caption(
        t(
            "tf.heldout.explain",
            tf=acc["tf"],
            att=acc.get("attention", "—"),
            plain=acc.get("plain", "—"),
            n=int(picker.number(mm["tf"].get("n_test"), 0)),
        )
    )
    if mymodels.is_mine(loaded["tf"]):
        st.caption(t("mt.compare.mine_note"))
    pairs = tuple((which_label(w, n), n) for w, n in loaded.items())
    if any(mt.by_length(n) for _, n in pairs):
        chart(length_figure(pairs, mt.figure_labels()), key="tf_len")
        st.caption(t("tf.heldout.length"))
    mistakes(loaded)
    st.subheader(t("tf.char.head"))
    rows = char_table()
    if rows:
        table(rows)
    missing = [n for n in CHAR_MODELS if not cache.available(n)]
    if missing:
        st.caption(t("tf.char.missing", names=", ".join(missing)))
    st.caption(t("tf.char.explain"))


def mistakes(loaded: dict, n: int = 8) -> None:
    """The Transformer's held-out mistakes its JSON records (the error analysis' scan), the RNN's answer beside."""
    scan = (cache.model(loaded["tf"]).meta.get("metrics") or {}).get("scan")
    if not isinstance(scan, dict) or not scan.get("examples"):
        return
    att = (
        (cache.model(loaded["attention"]).meta.get("metrics") or {}).get("scan") or {} if "attention" in loaded else {}
    )
    st.subheader(t("tf.errors.head"))
    st.caption(
        t(
            "tf.errors.explain",
            n=int(picker.number(scan.get("n"), 0)),
            wrong=int(picker.number(scan.get("greedy_wrong"), 0)),
            wrong_att=att.get("greedy_wrong", "—"),
            search=int(picker.number(scan.get("search"), 0)),
            model=int(picker.number(scan.get("model"), 0)),
        )
    )
    B = scan.get("beam_width", 10)
    table(
        [
            {
                t("tf.col.input"): e["human"],
                t("tf.col.reference"): e["reference"],
                t("tf.col.greedy"): e["greedy"],
                t("tf.col.beam", B=B): e["beam"],
                **(
                    {t("tf.col.rnn"): mt.translation(loaded["attention"], e["human"]).output}
                    if "attention" in loaded
                    else {}
                ),
            }
            for e in scan["examples"][:n]
        ]
    )
