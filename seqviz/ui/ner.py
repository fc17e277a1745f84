"""Widgets and cached computations of the "Named entities" page."""

from __future__ import annotations

import streamlit as st

from seqviz.embeddings.corpus import detect_lang
from seqviz.ner.data import MAX_TOKENS, PAIRS
from seqviz.ui import cache, mymodels, picker, share
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart
from seqviz.ui.i18n import has

CHECKPOINTS = {"en": ("ner-en", "ner-en-uni"), "zh": ("ner-zh", "ner-zh-uni")}  # language -> (bidirectional, one-way)
MAX_LINES = 20  # lines of the user's text that are tagged
LABEL_KEYS = ("fwd", "bwd", "y_hat", "unit", "time")  # the figure labels this page words itself


def controls() -> tuple[str, str]:
    """Sidebar: the shipped taggers of a language, or one of this session's own; returns (tagger, language)."""
    default = "zh" if st.session_state.get("lang") == "zh" else "en"
    own = picker.ids("ner")
    options = list(CHECKPOINTS) + own
    share.bind("ner_lang", default, options=options)  # a link naming another session's model gets the default
    picker.settle("ner_lang", options, default, "ner")
    pick = st.sidebar.radio(t("ner.data"), options, key="ner_lang", format_func=_option_label)
    picker.hint(own)
    if pick in CHECKPOINTS:
        for name in CHECKPOINTS[pick]:  # both taggers of the pair, or a message instead of a traceback
            cache.load_or_stop(name)
        return CHECKPOINTS[pick][0], pick
    lang = cache.load_or_stop(pick).config.lang
    for name in CHECKPOINTS[lang]:  # the shipped pair it is compared with
        cache.load_or_stop(name)
    return pick, lang


def compared(name: str, lang: str) -> list[tuple[str, str]]:
    """(title, checkpoint) of the taggers the page sets side by side: the shipped bidirectional and one-directional
    ones, or the student's own beside the shipped bidirectional one of its language."""
    bi, uni = CHECKPOINTS[lang]
    if name == bi:
        return [(t("ner.model.bi"), bi), (t("ner.model.uni"), uni)]
    return [(picker.label(name, markdown=False), name), (t("ner.model.bi"), bi)]


def _option_label(k: str) -> str:
    if k in CHECKPOINTS:
        return t(f"ner.data.{k}")
    m = mymodels.get(k)
    return picker.label(k) if m is None else f"{picker.label(k)} · {t(f'ner.data.{m.model.config.lang}')}"


@st.cache_data(max_entries=512, ttl=3600, show_spinner=False)
def reading(name: str, text: str):
    """The tagger's reading of one text (states, ŷ<t>, tags, entities); shared by sessions that type the same."""
    return cache.model(name).read(text)


def _labels() -> dict:
    return fig_labels() | {k: t(f"ner.fig.{k}") for k in LABEL_KEYS}


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _pair_figure(lang: str, ui: str):
    from seqviz.viz.ner import pair_figure

    bi, uni = CHECKPOINTS[lang]
    (s1, s2), focus = PAIRS[lang]
    panels = [
        (t(f"ner.pair.panel.{which}", n=i + 1), reading(name, s))
        for which, name in (("uni", uni), ("bi", bi))
        for i, s in enumerate((s1, s2))
    ]
    return cache.frozen(pair_figure(panels, focus))


def pair(lang: str) -> None:
    """The course's Teddy pair: two sentences the same up to a word; ŷ at that word under the shipped one-directional
    and bidirectional taggers of the language."""
    bi, uni = CHECKPOINTS[lang]
    (s1, s2), focus = PAIRS[lang]
    word = reading(uni, s1).tokens[focus]
    rows, probs = [], {}
    for which, name in (("uni", uni), ("bi", bi)):
        row = {t("ner.pair.col.model"): t(f"ner.model.{which}")}
        for i, s in enumerate((s1, s2)):
            r = reading(name, s)
            col = {tag: j for j, tag in enumerate(r.tag_names)}
            p = float(r.y_hat[focus, col["B-PER"]]) if "B-PER" in col else float("nan")
            probs[which, i] = p
            row[t("ner.pair.col.sentence", n=i + 1, word=word)] = f"{p:.2f} → {r.tags[focus]}"
        rows.append(row)
    c1, c2 = st.columns(2)
    c1.markdown(f"**1.** {md_escape(s1)}")
    c2.markdown(f"**2.** {md_escape(s2)}")
    table(rows)
    chart(_pair_figure(lang, st.session_state.get("lang", "en")), width="stretch", key="ner_pair")
    same = abs(probs["uni", 0] - probs["uni", 1]) < 1e-6
    st.info(
        t(
            "ner.pair.verdict" if same else "ner.pair.verdict.own",
            word=md_escape(word),
            u=probs["uni", 0],
            b1=probs["bi", 0],
            b2=probs["bi", 1],
        )
    )


def yours(text: str, models: list[tuple[str, str]], lang: str) -> list[str]:
    """Every line of the user's text tagged by each of `models` ((title, checkpoint), the first leading), and a
    table of the first one's entities; returns the lines."""
    name = models[0][1]
    lines = [ln.strip() for ln in text.split("\n") if ln.strip()]
    if len(lines) > MAX_LINES:
        st.warning(t("ner.too_many", n=len(lines), max=MAX_LINES))
        lines = lines[:MAX_LINES]
    if detect_lang(text) != lang:
        st.warning(t("ner.other_lang", text_lang=t(f"ner.data.{detect_lang(text)}"), model=t(f"ner.data.{lang}")))
    readings = [reading(name, ln) for ln in lines]
    if any(r.n_cut for r in readings):
        st.info(t("ner.cut", n=MAX_TOKENS))
    n_tok = sum(len(r.tokens) for r in readings)
    unknown = list(dict.fromkeys(tok for r in readings for tok, k in zip(r.tokens, r.known) if not k))
    n_unk = sum(int((~r.known).sum()) for r in readings)
    if unknown:
        shown = ", ".join(f"`{tok}`" if "`" not in tok else tok for tok in unknown[:15])
        (st.warning if n_unk / n_tok > 0.5 else st.info)(
            t("ner.unknown", n=n_unk, total=n_tok, words=shown + (" …" if len(unknown) > 15 else ""))
        )
    from seqviz.viz.ner import tagged_html

    st.markdown(t("ner.legend"), unsafe_allow_html=True)
    for title, other in models:
        st.markdown(f"**{md_escape(title)}**")
        for ln in lines:
            st.html(tagged_html(reading(other, ln)))
    ents = [
        {
            t("ner.col.entity", model=models[0][0]): e["text"],
            t("ner.col.type"): e["type"],
            t("ner.col.p"): f"{e['p']:.2f}",
        }
        for r in readings
        for e in r.entities
    ]
    if ents:
        table(ents[:200])
    else:
        st.caption(t("ner.none"))
    return lines


@st.cache_resource(max_entries=64, ttl=3600, show_spinner=False)
def _states_figure(name: str, text: str, labels: tuple):
    from seqviz.viz.ner import states_figure

    return cache.frozen(states_figure(reading(name, text), dict(labels)))


@st.cache_resource(max_entries=128, ttl=3600, show_spinner=False)
def _diagram(name: str, text: str, step: int):
    """The many-to-many diagram with the tagger's tags and their probabilities around `step` (shared, never
    mutated)."""
    from seqviz.viz.diagrams import tagger_figure

    r = reading(name, text)
    return cache.frozen(tagger_figure(r.tokens, r.tags, r.y_hat.max(1).tolist(), step, r.a_bwd is not None))


def steps(lines: list[str], name: str) -> None:
    """One line read step by step: →a<t>, ←a<t> and ŷ<t> (animated), and the many-to-many diagram at step t."""
    if not lines:
        return
    line = lines[0]
    if len(lines) > 1:
        share.bind("ner_line", lines[0], options=lines)
        line = st.selectbox(t("ner.step.line"), lines, key="ner_line")
    r = reading(name, line)
    if not r.tokens:
        st.caption(t("ner.none"))
        return
    chart(_states_figure(name, line, tuple(sorted(_labels().items()))), width="stretch", key="ner_states")
    st.caption(t("ner.step.explain" if r.a_bwd is not None else "ner.step.explain.uni"))
    n = len(r.tokens)
    key = "ner_t"
    share.bind(key, min(_first_entity(r), n - 1), lo=0, hi=n - 1)  # the default: the first entity's first word
    if not isinstance(st.session_state.get(key), int) or not 0 <= st.session_state[key] < n:
        st.session_state[key] = min(_first_entity(r), n - 1)
    k = st.select_slider(
        t("ner.step.t"), options=list(range(n)), key=key, format_func=lambda i: f"{i + 1} · {r.tokens[i]}"
    )
    chart(_diagram(name, line, k), width="stretch", key="ner_diagram")  # ŷ<t>'s largest = its tag
    top = sorted(zip(r.tag_names, r.y_hat[k]), key=lambda x: -x[1])[:3]
    st.caption(
        t(
            "ner.step.now",
            t=k + 1,
            token=md_escape(r.tokens[k]),
            top=", ".join(f"{md_escape(g)} {p:.2f}" for g, p in top),
        )
    )


def _first_entity(r) -> int:
    return r.entities[0]["first"] if r.entities else 0


def heldout(models: list[tuple[str, str]]) -> None:
    """Held-out entity F1 (seqeval) of each of `models` per test set and per type (the sets of the first; the others'
    scores where they have the same set), the first one's precision and recall, and where its labels come from."""
    metas = [cache.model(name).meta for _, name in models]
    first = metas[0].get("metrics") or {}
    rows = []
    for test, per in first.items():
        if not isinstance(per, dict):
            continue
        for label in sorted(per, key=lambda k: (k == "all", k)):
            row = {t("ner.col.test"): t(f"ner.test.{test}") if has(f"ner.test.{test}") else test}
            row[t("ner.col.type")] = t("ner.all") if label == "all" else label
            row[t("ner.col.n")] = (per[label] or {}).get("n")
            for (title, _), meta in zip(models, metas):
                scores = ((meta.get("metrics") or {}).get(test) or {}).get(label) or {}
                row[t("ner.col.f1", model=title)] = picker.pct(scores.get("f1"), 1)
            mine = per[label] or {}
            row[t("ner.col.pr", model=models[0][0])] = (
                f"{picker.pct(mine.get('precision'), 1)} / {picker.pct(mine.get('recall'), 1)}"
            )
            rows.append(row)
    table(rows)
    data = metas[0].get("data") or {}
    bundled = data.get("bundled")
    source = t(f"train.data.{bundled}") if bundled and has(f"train.data.{bundled}") else str(data.get("source", "—"))
    st.caption(t("ner.source", source=md_escape(source), n=int(picker.number(data.get("n_train"), 0))))
