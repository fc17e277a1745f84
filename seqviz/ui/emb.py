"""Widgets and cached computations of the "Word embeddings" page."""

from __future__ import annotations

import re
import threading
import time
from dataclasses import dataclass

import numpy as np
import streamlit as st

from seqviz import embeddings as em
from seqviz import viz
from seqviz.core import checkpoint
from seqviz.embeddings import glove6b
from seqviz.embeddings.projection import METHODS, ProjectionConfig, clusters, load_views, project, view_key
from seqviz.ui import cache, mymodels, share, train
from seqviz.ui.common import fig_labels, md_escape, t, table
from seqviz.ui.export import chart

GLOVE6B = glove6b.NAME  # the course's own vectors (a wheel), the page's default
TRAINED = ("wiki-skipgram", "wiki-glove")  # checkpoints trained here on the Wikipedia extract
CHECKPOINTS = (GLOVE6B, *TRAINED)
MAX_WORDS = 20_000  # most words a projection shows (the 5k / 10k / 20k views of GloVe 6B ship precomputed)
SEARCH_LIMITS = (10_000, 30_000, 100_000, 200_000, 400_000)  # "search only the N most frequent words"
TSNE_3D_MAX = 1000  # sklearn's 3-D t-SNE is slow (about 15 s here at 1,000 words): more are cut
MAX_PAIR_WORDS = 30  # words of the sentence the training-pairs figure walks through
MAX_LIST = 300  # words a word list keeps (a box around half the map would select thousands)
MAX_LIST_CHARS = 5000  # characters of the word-list box (and of a link's word list)
MAX_FIND = 200  # words the search box highlights
MAX_EXPORT = 100_000  # words one export holds (100,000 x 50 numbers: a 46 MB vectors file, made in about 1 s)
EXPORT_FROM = ("map", "list", "vocab")  # which words an export holds: the map's, the word list, the vocabulary's
# defaults in English: the shipped vectors learnt English (a Chinese corpus can be trained below)
DEFAULT_LISTS = (
    "countries: france germany italy spain china japan india russia\n"
    "numbers: one two three four five six seven eight nine ten\n"
    "family: father mother son daughter brother sister wife husband"
)
# the course's notebook: g = e_woman − e_man, its names and words, receptionist neutralized, man-woman equalized
DEFAULT_AXIS = "woman-man"
DEFAULT_MEASURE = (
    "john, marie, sophie, ronaldo, priya, rahul, danielle, reza, katy, yasmin, "
    "lipstick, guns, science, arts, literature, warrior, technology, fashion"
)
DEFAULT_NEUTRAL = "receptionist, doctor, teacher, engineer, pilot, computer, singer"
DEFAULT_PAIRS = "man-woman, actor-actress, king-queen"


# ---------------------------------------------------------------- which vectors


@st.cache_resource(show_spinner=False)
def shipped(name: str) -> em.WordVectors:
    """Pretrained vectors, loaded once per server and shared read-only (GloVe 6B's 400,000 x 50 memory-mapped)."""
    return glove6b.load() if name == GLOVE6B else cache.model(name).vectors()


@st.cache_resource(show_spinner=False)
def shipped_views(name: str) -> dict:
    return load_views(checkpoint.PRETRAINED_DIR / f"{name}.views.safetensors")  # read now: tests may move it


@st.cache_resource(show_spinner=False)
def _glove_meta() -> dict:
    """pretrained/glove-6b-50d.json: the scores and the notebook's numbers, computed at build time."""
    import json

    try:
        return json.loads((checkpoint.PRETRAINED_DIR / f"{GLOVE6B}.json").read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return {}


def meta(name: str) -> dict:
    """The JSON beside a shipped vector set ({} when missing)."""
    return _glove_meta() if name == GLOVE6B else cache.model(name).meta


def _available(name: str) -> bool:
    """Whether shipped vectors `name` load; GloVe 6B needs its wheel (a message says so once when it is missing)."""
    if name != GLOVE6B:
        cache.load_or_stop(name)
        return True
    try:
        shipped(name)
        return True
    except glove6b.VectorsMissing as err:
        st.sidebar.warning(md_escape(str(err)))
        return False


def _user() -> dict:
    """This session's own vectors (trained on the Train page or here, or opened from a file): id -> WordVectors."""
    out = {}
    for m in mymodels.mine("embeddings"):
        if "vectors" not in m.extra:
            m.extra["vectors"] = m.model.vectors()
        out[m.id] = m.extra["vectors"]
    return out


def choose_vectors() -> tuple[str, em.WordVectors]:
    """Sidebar: the shipped vectors and this session's own; returns (key, vectors)."""
    ready = [name for name in CHECKPOINTS if _available(name)]
    warm_up_projections()
    user = _user()
    options = ready + list(user)
    share.bind("emb_vectors", options[0], options=options)
    new = st.session_state.get("my_models_new")
    if new in user and new not in st.session_state.setdefault("emb_seen_new", set()):
        st.session_state["emb_seen_new"].add(new)  # vectors just trained: show them, once
        st.session_state["emb_vectors"] = new
    if st.session_state.get("emb_vectors") not in options:
        st.session_state["emb_vectors"] = options[0]
    name = st.sidebar.radio(t("emb.vectors"), options, key="emb_vectors", format_func=_vectors_label)
    if st.session_state.get("_emb_last_vectors") not in (None, name):
        st.session_state.pop("emb_n", None)  # the map's word count starts at the new vectors' default
    st.session_state["_emb_last_vectors"] = name
    if user:
        st.sidebar.caption(t("my.hint"))
    v = shipped(name) if name in CHECKPOINTS else user[name]
    st.sidebar.caption(t("emb.vectors.info", V=len(v), n_e=v.n_e, tokens=int(v.info.get("tokens") or _tokens(name))))
    if name == GLOVE6B:
        st.sidebar.caption(t("emb.glove6b.about"))
    return name, v


def _tokens(name: str) -> int:
    m = meta(name) if name in CHECKPOINTS else cache.model(name).meta if mymodels.get(name) else {}
    return int(m.get("data", {}).get("n_tokens", 0))


def _vectors_label(name: str) -> str:
    if name in CHECKPOINTS:
        return t(f"emb.ckpt.{name}")
    m = mymodels.get(name)
    return t(
        "emb.ckpt.yours", method=m.doc.get("config", {}).get("method", "?") if m else "?", name=m.label if m else name
    )


def _has_cjk(text: str) -> bool:
    return any("\u3400" <= ch <= "\u9fff" or "\uf900" <= ch <= "\ufaff" for ch in text)


def word_input(v: em.WordVectors, label: str, key: str, default: str, container=st) -> str | None:
    """A word box; an unknown word gets a message with close known words, and None is returned.

    Several words: the first is used and the message says so. Capitals: the vocabularies here are lower-case, and
    the message says the word was read in lower case. Chinese on vectors with no Chinese words: said plainly."""
    share.bind(key, default, max_chars=60)  # a link's word: checked below like a typed one
    raw = container.text_input(label, key=key, max_chars=60)
    parts = _ascii_punct(raw).replace(",", " ").split()
    word = v.normalize(parts[0]) if parts else ""
    if not word:
        container.info(t("emb.word.empty"))
        return None
    if len(parts) > 1:
        container.caption(t("emb.word.several", word=md_escape(word), n=len(parts)))
    if parts[0] != parts[0].lower() and word in v:
        container.caption(t("emb.word.lower", raw=md_escape(parts[0][:60]), word=md_escape(word)))
    if word not in v and _has_cjk(word) and not any(_has_cjk(w) for w in v.words[:2000]):
        container.warning(t("emb.word.cjk", word=md_escape(word[:60])))
        return None
    if word not in v:
        close = v.suggest(word)
        hint = (
            t("emb.word.suggest", words=", ".join(f"`{md_escape(w)}`" for w in close)) if close else t("emb.word.none")
        )
        container.warning(t("emb.word.missing", word=md_escape(word[:60])) + " " + hint)
        return None
    return word


def _ascii_punct(text: str) -> str:
    """Chinese keyboards type ， 、 ： － — –; read them as , , : - - -."""
    return text.translate(str.maketrans({"，": ",", "、": ",", "：": ":", "－": "-", "—": "-", "–": "-"}))


def word_list(v: em.WordVectors, raw: str) -> tuple[list[str], list[str]]:
    """(known, unknown) words of a comma / space separated list, order kept, duplicates dropped."""
    items = [v.normalize(w) for w in _ascii_punct(raw).replace(",", " ").split()]
    items = list(dict.fromkeys(w for w in items if w))
    return [w for w in items if w in v], [w for w in items if w not in v]


def word_pairs(v: em.WordVectors, raw: str) -> tuple[list[tuple[str, str]], list[str]]:
    """Pairs written "woman-man, she-he"; returns (pairs whose words are both known, problems)."""
    pairs, bad = [], []
    for item in _ascii_punct(raw).split(","):
        item = item.strip()
        if not item:
            continue
        parts = [v.normalize(p) for p in item.replace(":", "-").split("-")]
        if len(parts) != 2 or not all(parts):
            bad.append(item)
        elif any(p not in v for p in parts):
            bad.append(item)
        else:
            pairs.append((parts[0], parts[1]))
    return pairs, bad


def _missing_message(words: list[str], v: em.WordVectors, container=st) -> None:
    if words:
        hints = []
        for w in words[:6]:  # suggestions for the first few (each looks through 50,000 words), then the rest named
            close = v.suggest(w, 3)
            hints.append(f"`{md_escape(w[:40])}`" + (f" → {', '.join(md_escape(c) for c in close)}" if close else ""))
        hints += [f"`{md_escape(w[:40])}`" for w in words[6:30]]
        more = t("emb.words.more", n=len(words) - 30) if len(words) > 30 else ""
        container.warning(t("emb.words.missing", words="; ".join(hints)) + more)


# ---------------------------------------------------------------- the map

_UMAP_LOCK = threading.Lock()  # the warm-up and the first real UMAP never import / compile at once
_TSNE3D_LOCK = threading.Lock()


@st.cache_resource(show_spinner=False)
def warm_up_projections() -> threading.Thread:
    """Once per server, at its first run (seqviz.ui.warmup) or when this page is first opened: compile UMAP's
    numba code in the background (5–15 s) while the student looks at the shipped view, so their first own
    projection does not wait."""
    import sklearn.cluster  # noqa: F401  imported here, in the page's thread, so the warm-up thread (which
    import sklearn.decomposition  # noqa: F401  imports umap, and umap sklearn) never races a half-imported module

    from seqviz.embeddings.projection import warm_up

    def run():
        with _UMAP_LOCK:
            warm_up()

    thread = threading.Thread(target=run, name="seqviz-umap-warm-up", daemon=True)
    thread.start()
    return thread


@st.cache_data(max_entries=24, ttl=3600, show_spinner=False)
def _projection(
    key: str, _X: np.ndarray, method: str, dim: int, perplexity: float, n_neighbors: int, min_dist: float, seed: int
) -> np.ndarray:
    """A projection, computed once per (vectors, words, settings): students asking the same pay once."""
    cfg = ProjectionConfig(method, dim, perplexity, n_neighbors, min_dist, seed)
    if method == "umap" or (method == "tsne" and dim == 3):  # one at a time: a class asking at once
        with _UMAP_LOCK if method == "umap" else _TSNE3D_LOCK:  # must not put several on 2 cores
            return project(_X, cfg)
    return project(_X, cfg)


def projection(name: str, v: em.WordVectors, n: int, cfg: ProjectionConfig) -> tuple[np.ndarray, float, bool]:
    """(coordinates of the n most frequent words (v.map_rows), seconds, whether it was shipped precomputed)."""
    t0 = time.perf_counter()
    if name in CHECKPOINTS:
        view = shipped_views(name).get(view_key(cfg, n))
        if view is not None:
            return view, time.perf_counter() - t0, True
    key = f"{name}:{n}"
    X = v.E[v.map_rows(n)]
    Y = _projection(key, X, cfg.method, cfg.dim, cfg.perplexity, cfg.n_neighbors, cfg.min_dist, cfg.seed)
    return Y, time.perf_counter() - t0, False


@st.cache_data(max_entries=24, ttl=3600, show_spinner=False)
def _clusters(key: str, _X: np.ndarray, k: int) -> np.ndarray:
    return clusters(_X, k)


def map_settings(v: em.WordVectors) -> dict:
    """The projection's settings, in a form inside a closed expander (the first screen shows the map, not its
    knobs): nothing is computed until Draw is pressed."""
    with st.expander(t("emb.map.settings")), st.form("emb_map_form", border=False):
        c1, c2, c3 = st.columns([2, 1, 2])
        share.bind("emb_method", "umap", options=METHODS)  # every setting is in the address: a link redraws it
        method = c1.radio(
            t("emb.map.method"), METHODS, format_func=lambda m: t(f"emb.method.{m}"), horizontal=True, key="emb_method"
        )
        share.bind("emb_dim", 2, options=(2, 3))
        dim = c2.radio(t("emb.map.dim"), (2, 3), format_func=lambda d: f"{d}-D", horizontal=True, key="emb_dim")
        if len(v) > 200:
            top = min(MAX_WORDS, len(v))
            share.bind("emb_n", min(5000 if len(v) > 100_000 else 2000, len(v)), lo=200, hi=top)
            n = c3.slider(t("emb.map.n"), 200, top, step=100, key="emb_n", help=t("emb.map.n.help"))
        else:
            n = len(v)
            c3.caption(t("emb.map.all", n=len(v.map_rows(n))))
        c1, c2, c3, c4 = st.columns(4)
        share.bind("emb_perplexity", 30, lo=5, hi=50)
        perplexity = c1.slider(t("emb.map.perplexity"), 5, 50, key="emb_perplexity", help=t("emb.map.perplexity.help"))
        share.bind("emb_nn", 15, lo=2, hi=100)
        nn = c2.slider(t("emb.map.nn"), 2, 100, key="emb_nn", help=t("emb.map.nn.help"))
        share.bind("emb_min_dist", 0.1, lo=0.0, hi=0.99)
        min_dist = c3.slider(
            t("emb.map.min_dist"), 0.0, 0.99, step=0.05, key="emb_min_dist", help=t("emb.map.min_dist.help")
        )
        share.bind("emb_seed", 0, lo=0, hi=9999)
        seed = int(c4.number_input(t("emb.map.seed"), 0, 9999, key="emb_seed", help=t("emb.map.seed.help")))
        c1, c2 = st.columns([1, 2])
        share.bind("emb_colour", "clusters", options=("clusters", "lists"))
        colour = c1.radio(
            t("emb.map.colour"), ("clusters", "lists"), format_func=lambda c: t(f"emb.colour.{c}"), key="emb_colour"
        )
        share.bind("emb_k", 10, lo=2, hi=20)
        k = c1.slider(t("emb.map.k"), 2, 20, key="emb_k")
        share.bind("emb_lists", DEFAULT_LISTS)
        lists = c2.text_area(t("emb.map.lists"), key="emb_lists", height=110, help=t("emb.map.lists.help"))
        share.bind("emb_zoom", True)
        zoom = st.checkbox(t("emb.map.zoom"), key="emb_zoom", help=t("emb.map.zoom.help"))
        st.form_submit_button(t("emb.map.draw"), type="primary")
    n = min(n, len(v))
    if method == "tsne" and dim == 3 and n > TSNE_3D_MAX:
        st.info(t("emb.map.tsne3d", n=TSNE_3D_MAX))
        n = TSNE_3D_MAX
    return {
        "cfg": ProjectionConfig(method, dim, float(perplexity), int(nn), float(min_dist), seed),
        "n": n,
        "colour": colour,
        "k": k,
        "lists": lists,
        "zoom": zoom,
    }


def groups_from_lists(v: em.WordVectors, words: list[str], text: str) -> tuple[np.ndarray, list[str], list[str]]:
    """Colour groups from lines "name: word word ..." (or just words); returns (group per word, names, unknown)."""
    pos = {w: i for i, w in enumerate(words)}
    groups = np.full(len(words), -1)  # (only the words drawn: v.map_rows)
    names, unknown = [], []
    for line in _ascii_punct(text).splitlines()[:20]:
        label, _, rest = line.partition(":") if ":" in line else ("", "", line)
        known, missing = word_list(v, rest)
        unknown += missing
        shown = [w for w in known if w in pos]
        if not shown:
            continue
        names.append((label.strip() or ", ".join(shown[:3]))[:40])
        for w in shown:
            groups[pos[w]] = len(names) - 1
        unknown += [w for w in known if w not in pos]
    return groups, names, unknown


def place_near(v: em.WordVectors, n: int, Y: np.ndarray, words, k: int = 5) -> dict:
    """Where to draw words that were not projected: each at the mean position of its k nearest projected words."""
    words = list(words)
    if not words:
        return {}
    sims = v.unit[[v.index[w] for w in words]] @ v.unit[v.map_rows(n)].T  # (words, n): one product for all
    top = np.argpartition(-sims, min(k, sims.shape[1]) - 1, axis=1)[:, :k]
    return {w: Y[top[i]].mean(axis=0) for i, w in enumerate(words)}


@dataclass
class MapView:
    """What the map drew: its words, their coordinates, colour group and mark (for the exports)."""

    words: list[str]  # the projected words (v.map_rows(n))
    Y: np.ndarray  # (n, 2 or 3) their coordinates
    groups: list[str]  # each word's colour group ("" for none)
    marks: dict  # word -> "query", "neighbour", "analogy", "found" or "list"


def map_words(v: em.WordVectors, s: dict) -> list[str]:
    """The words the map with settings `s` projects."""
    return [v.words[i] for i in v.map_rows(s["n"])]


def map_figure(name: str, v: em.WordVectors, s: dict, marks: dict, arrows: list) -> MapView | None:
    """Compute (or fetch) the projection and draw the map with the marked words; a click on a word makes it the
    query, a box or lasso selection the word list (`_on_map_select`). Returns what was drawn (None: nothing)."""
    n, cfg = s["n"], s["cfg"]
    rows = v.map_rows(n)
    words = [v.words[i] for i in rows]
    try:
        with st.spinner(t("emb.map.computing", method=t(f"emb.method.{cfg.method}"), n=n)):
            Y, secs, was_shipped = projection(name, v, n, cfg)
    except ValueError:
        st.warning(t("emb.map.too_few"))
        return None
    if s["colour"] == "clusters":
        groups = _clusters(f"{name}:{n}", v.E[rows], s["k"])
        group_names = [t("emb.cluster", i=i + 1) for i in range(s["k"])]
    else:
        groups, group_names, unknown = groups_from_lists(v, words, s["lists"])
        if unknown:
            st.caption(t("emb.map.not_shown", words=", ".join(md_escape(w) for w in unknown[:12])))
    key = (name, n, cfg, s["colour"], s["k"], s["lists"])
    labels = _labels()
    cloud = _map_fig(key, v, Y, groups, tuple(group_names), tuple(labels.items()))
    projected = _projected(key, v, n)
    extra = place_near(v, n, Y, [w for w in marks if w not in projected])
    traces, notes = viz.embeddings.map_marks(words, Y, marks, arrows, extra, labels)
    box = _zoom_box(words, Y, marks, extra) if s.get("zoom") and cfg.dim == 2 else None
    st.caption(t("emb.map.select" if cfg.dim == 2 else "emb.map.select3d"))
    chart(
        _with_marks(cloud, traces, notes, box),
        key="emb_map",
        config={"scrollZoom": True},
        on_select=_on_map_select if cfg.dim == 2 else "ignore",  # plotly selects on 2-D plots only
        selection_mode=("points", "box", "lasso"),
    )
    st.caption(
        t(
            "emb.map.shipped" if was_shipped else "emb.map.time",
            secs=secs,
            n=len(rows),  # the dots drawn: words made of letters only (v.map_rows)
            method=t(f"emb.method.{cfg.method}"),
        )
        + " "
        + t(f"emb.map.explain.{cfg.method}")
    )
    names = [" ".join(group_names[g].split()) if g >= 0 else "" for g in np.asarray(groups).tolist()]  # one line
    return MapView(words, Y, names, marks)


def _on_map_select() -> None:
    """The map's selection callback (it runs before the page, so it may set the boxes): a click makes the clicked
    word the query; a box, a lasso or several points make the selected words the word list."""
    try:
        selection = st.session_state["emb_map"]["selection"]
    except (KeyError, TypeError):
        return
    words, area = viz.embeddings.words_from_selection(selection)
    if not words:
        return
    if area:
        kept, size = [], 0
        for w in words[:MAX_LIST]:  # as many as the box holds
            size += len(w) + 1
            if size > MAX_LIST_CHARS + 1:
                break
            kept.append(w)
        st.session_state["emb_words"] = " ".join(kept)
        st.session_state["_emb_selected"] = (len(words), len(kept))  # said once under the list
    else:
        st.session_state["emb_query"] = words[0]


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _map_fig(key: tuple, _v: em.WordVectors, _Y, _groups, group_names: tuple, labels: tuple):
    """The map's cloud of points, built once per (vectors, projection, colours, language) and shared by every
    session: a new query or analogy adds a few traces to it (`_with_marks`) instead of rebuilding 5,000 points."""
    words = [_v.words[i] for i in _v.map_rows(len(_Y))]
    return cache.frozen(viz.embeddings.map_cloud(words, _Y, _groups, list(group_names), dict(labels)))


@st.cache_resource(max_entries=32, ttl=3600, show_spinner=False)
def _projected(key: tuple, _v: em.WordVectors, n: int) -> frozenset:
    return frozenset(_v.words[i] for i in _v.map_rows(n))


def _zoom_box(words: list[str], Y: np.ndarray, marks: dict, extra: dict) -> tuple | None:
    """x and y ranges around the marked words (with room for their labels), or None when nothing is marked.
    Zoomed in, the neighbours' labels no longer sit on top of each other; a double-click shows the whole map."""
    pos = [Y[i] for i, w in enumerate(words) if w in marks] + [np.asarray(p) for w, p in extra.items() if w in marks]
    if not pos:
        return None
    P = np.asarray(pos, dtype=float)[:, :2]
    lo, hi = P.min(axis=0), P.max(axis=0)
    full = np.ptp(Y[:, :2], axis=0)
    half = np.maximum((hi - lo) / 2 * 1.35, full * 0.06)  # at least 12% of the map across
    mid = (lo + hi) / 2
    return (mid[0] - half[0], mid[0] + half[0]), (mid[1] - half[1], mid[1] + half[1] * 1.1)


def _with_marks(cloud, traces: list, notes: list, box: tuple | None = None):
    """The cached cloud with this run's marks on top, as a figure whose dict is handed over without a copy or a
    validation (the cloud's dict is shared and left untouched); zoomed to `box` ((x0, x1), (y0, y1)) when given."""
    import plotly.graph_objects as go

    d = cloud.to_dict()
    layout = d["layout"] | {"annotations": list(d["layout"].get("annotations", ())) + notes} if notes else d["layout"]
    if box is not None:
        layout = layout | {
            "xaxis": {**layout.get("xaxis", {}), "range": [float(box[0][0]), float(box[0][1])]},
            "yaxis": {**layout.get("yaxis", {}), "range": [float(box[1][0]), float(box[1][1])]},
        }
    combined = {"data": d["data"] + traces, "layout": layout}
    fig = go.Figure()
    fig.to_dict = lambda: combined
    return fig


def _labels() -> dict:
    keys = (
        "other",
        "query",
        "neighbour",
        "analogy",
        "list",
        "found",
        "placed",
        "n_e",
        "E",
        "o",
        "e",
        "before",
        "after",
        "cos_g",
        "pairs",
        "freq",
        "freq34",
        "target",
        "cos_here",
        "cos_course",
    )
    return {**fig_labels(), **{k: t(f"emb.fig.{k}") for k in keys}}


@st.cache_resource(max_entries=256, ttl=3600, show_spinner=False)
def _shared_figure(key: tuple, _build):
    """A figure built once per key and shared by every session (never mutated)."""
    return cache.frozen(_build())


def _figure(key: tuple, build, v: em.WordVectors | None = None):
    """build()'s figure, cached by content (`key`, the language, and which shipped vectors `v` are) so that a
    class rerunning the page pays once; figures of a session's own vectors are built fresh (they are its alone)."""
    name = "" if v is None else next((n for n in CHECKPOINTS if shipped(n) is v), None)
    if name is None:
        return build()
    return _shared_figure((name, tuple(_labels().items())) + key, build)


# ---------------------------------------------------------------- neighbours and analogies


def _ask(v: em.WordVectors, how: str, args: tuple, k: int, limit: int | None):
    if how == "neighbours":
        return v.neighbours(args[0], k, limit=limit)
    return v.analogy(*args, k, limit=limit) if how == "analogy" else v.course_analogy(*args, limit=limit)


@st.cache_data(max_entries=1024, ttl=3600, show_spinner=False)
def _shipped_search(name: str, how: str, args: tuple, k: int, limit: int | None):
    return _ask(shipped(name), how, args, k, limit)


def search(name: str, v: em.WordVectors, how: str, args: tuple, k: int = 0, limit: int | None = None):
    """v.neighbours / v.analogy / v.course_analogy, computed once per question for shipped vectors (a class asking
    the same pays once) and directly for a session's own."""
    if name in CHECKPOINTS:
        return _shipped_search(name, how, tuple(args), k, limit)
    return _ask(v, how, tuple(args), k, limit)


def search_limit(v: em.WordVectors, container=st) -> int | None:
    """A control for big vocabularies: search only the N most frequent words (rare words are often names, typos
    and foreign words that crowd the neighbours)."""
    if len(v) <= SEARCH_LIMITS[0]:
        return None
    options = [n for n in SEARCH_LIMITS if n < len(v)] + [len(v)]
    default = next((n for n in options if n >= 100_000), options[-1])  # (all 400,000 let in junk: "prohertrib")
    share.bind("emb_limit", default, options=options)
    if st.session_state.get("emb_limit") not in options:  # other vectors, other sizes
        st.session_state["emb_limit"] = default
    n = container.select_slider(
        t("emb.search.limit"), options, key="emb_limit", format_func=lambda n: f"{n:,}", help=t("emb.search.limit.help")
    )
    return None if n >= len(v) else n


def neighbours_k(container=st) -> int:
    """How many neighbours to list."""
    share.bind("emb_k_nn", 10, lo=3, hi=25)
    return container.slider(t("emb.search.k"), 3, 25, key="emb_k_nn")


def neighbours(
    name: str, v: em.WordVectors, query: str | None, k: int, limit: int | None, among: list[str] | None = None
) -> list[tuple[str, float]]:
    """The query's k nearest neighbours: in the vocabulary (its `limit` most frequent words), or among the word
    list `among` when given."""
    if not query:
        return []
    if among:
        return v.neighbours_among(query, among, k)
    return search(name, v, "neighbours", (query,), k, limit)


# ---------------------------------------------------------------- search box, word list, exports


def find_box(container=st) -> tuple[str, object]:
    """The search box: words, or patterns with * and ?, to highlight on the map. Returns (its text, a container
    under it for its messages, written once the map's words are known)."""
    share.bind("emb_find", "", max_chars=200)
    raw = container.text_input(
        t("emb.find"), key="emb_find", max_chars=200, placeholder=t("emb.find.placeholder"), help=t("emb.find.help")
    )
    return raw, container.container()


def found_words(v: em.WordVectors, s: dict, raw: str, slot) -> list[str]:
    """The words the search box `raw` highlights (patterns matched among the map's words); messages into `slot`."""
    if not raw.strip():
        return []
    found = em.find_words(v, _ascii_punct(raw), map_words(v, s), MAX_FIND)
    _missing_message(found.unknown, v, slot)
    if found.no_match:
        slot.info(t("emb.find.no_match", patterns=", ".join(f"**{md_escape(p)}**" for p in found.no_match[:10])))
    if found.words:
        slot.caption(
            t("emb.find.count", n=len(found.words)) + (" " + t("emb.find.cut", more=found.cut) if found.cut else "")
        )
    return found.words


def word_list_box(v: em.WordVectors, container=st) -> tuple[list[str], bool]:
    """The word list: typed, or filled by a box / lasso selection on the map. Returns (its known words, whether
    the neighbours are searched among them only)."""
    share.bind("emb_words", "", max_chars=MAX_LIST_CHARS)
    raw = container.text_area(
        t("emb.list"),
        key="emb_words",
        max_chars=MAX_LIST_CHARS,
        height=68,
        placeholder=t("emb.list.placeholder"),
        help=t("emb.list.help"),
    )
    share.bind("emb_list_nn", False)
    among = container.checkbox(t("emb.list.nn"), key="emb_list_nn", help=t("emb.list.nn.help"))
    known, unknown = word_list(v, raw)
    _missing_message(unknown, v, container)
    selected, kept = st.session_state.pop("_emb_selected", (0, 0))  # set by a selection on the map, said once
    if selected:
        container.caption(
            t("emb.list.selected", n=selected) + (" " + t("emb.list.cut", n=kept) if selected > kept else "")
        )
    elif len(known) > MAX_LIST:
        container.caption(t("emb.list.cut", n=MAX_LIST))
    known = known[:MAX_LIST]
    if among and not known:
        container.info(t("emb.list.nn.empty"))
    return known, among and bool(known)


def word_list_chips(listed: list[str]) -> None:
    """The word list under the map, in a box with a copy button."""
    if listed:
        st.markdown(t("emb.list.head", n=len(listed)))
        st.code(" ".join(listed), language=None, wrap_lines=True)


@st.cache_resource(max_entries=8, show_spinner=False)
def _shipped_unsafe(name: str) -> frozenset:
    return frozenset(em.export.unsafe_words(shipped(name).words))


def _unsafe(name: str, v: em.WordVectors) -> frozenset:
    """The words of the vocabulary that a TSV file cannot hold (none in practice: words come from splitting text
    at white space), found once per shipped vocabulary."""
    return _shipped_unsafe(name) if name in CHECKPOINTS else frozenset(em.export.unsafe_words(v.words))


def _export_rows(v: em.WordVectors, view: MapView | None, listed: list[str], limit: int | None, source: str):
    """(words, their rows of E, metadata columns, what to say) for an export of `source`: "map", "list" or "vocab"."""
    if source == "map":
        if view is None:
            return [], [], None, t("emb.export.no_map")
        marks = [view.marks.get(w, "") for w in view.words]
        return view.words, [v.index[w] for w in view.words], {"group": view.groups, "mark": marks}, None
    if source == "list":
        return listed, [v.index[w] for w in listed], None, None if listed else t("emb.export.no_list")
    n = min(limit or len(v), len(v))
    note = t("emb.export.cut", n=MAX_EXPORT, of=n) if n > MAX_EXPORT else None
    n = min(n, MAX_EXPORT)
    return v.words[:n], np.arange(n), None, note  # the most frequent words: the first rows


def export(name: str, v: em.WordVectors, view: MapView | None, listed: list[str], limit: int | None) -> None:
    """Downloads: the vectors and their words as the Embedding Projector's two TSV files (the map's words, the
    word list or the most frequent words of the vocabulary), and the map's coordinates as CSV. Each file is made
    when its button is pressed (st.download_button with a function), not on every run."""
    with st.expander(t("emb.export.head")):
        st.caption(t("emb.export.intro"))
        sizes = {"map": len(view.words) if view else 0, "list": len(listed), "vocab": min(limit or len(v), MAX_EXPORT)}
        share.bind("emb_export_from", "map", options=EXPORT_FROM)
        source = st.radio(
            t("emb.export.from"),
            EXPORT_FROM,
            key="emb_export_from",
            horizontal=True,
            format_func=lambda x: t(f"emb.export.from.{x}", n=sizes[x]),
        )
        words, rows, columns, note = _export_rows(v, view, listed, limit, source)
        if note:
            (st.info if not words else st.caption)(note)
        bad = _unsafe(name, v)
        if bad and any(w in bad for w in words):  # a tab or a line break has no place in a TSV file: left out, said
            keep = [i for i, w in enumerate(words) if w not in bad]
            st.caption(t("emb.export.unsafe", n=len(words) - len(keep)))
            words, rows = [words[i] for i in keep], [rows[i] for i in keep]
            columns = {c: [col[i] for i in keep] for c, col in columns.items()} if columns else None
        stem = "seqviz-" + re.sub(r"[^A-Za-z0-9_-]+", "-", name).strip("-")
        c1, c2, c3 = st.columns(3)
        if words:
            c1.download_button(
                t("emb.export.vectors", n=len(words)),
                data=lambda: em.vectors_tsv(v.E[np.asarray(rows, dtype=np.int64)]),
                file_name=f"{stem}-{source}-vectors.tsv",
                mime="text/tab-separated-values",
                key="emb_export_vectors",
                on_click="ignore",
                icon=":material/download:",
            )
            c2.download_button(
                t("emb.export.metadata"),
                data=lambda: em.metadata_tsv(words, columns),
                file_name=f"{stem}-{source}-metadata.tsv",
                mime="text/tab-separated-values",
                key="emb_export_metadata",
                on_click="ignore",
                icon=":material/download:",
            )
        if view is not None:
            marks = {"group": view.groups, "mark": [view.marks.get(w, "") for w in view.words]}
            c3.download_button(
                t("emb.export.coords", n=len(view.words)),
                data=lambda: em.coordinates_csv(view.words, view.Y, marks),
                file_name=f"{stem}-map.csv",
                mime="text/csv",
                key="emb_export_coords",
                on_click="ignore",
                icon=":material/download:",
            )
        st.caption(t("emb.export.tables"))


def sentence_input() -> str:
    """The sentence the training pairs are made from."""
    share.bind("emb_sentence", t("emb.pairs.default"), max_chars=400)
    return st.text_input(t("emb.pairs.sentence"), key="emb_sentence", max_chars=400)


def neighbours_table(v: em.WordVectors, found: list[tuple[str, float]]) -> list[str]:
    count = t("emb.col.count") if v.has_counts else t("emb.col.rank")
    rows = [
        {
            t("emb.col.word"): w,
            t("emb.col.cos"): round(c, 3),
            count: int(v.counts[v.index[w]]) if v.has_counts else v.index[w] + 1,
        }
        for w, c in found
    ]
    table(
        rows,
        column_config={
            t("emb.col.cos"): st.column_config.ProgressColumn(
                t("emb.col.cos"), min_value=-1, max_value=1, format="%.3f"
            )
        },
    )
    return [r[t("emb.col.word")] for r in rows]


def analogy_inputs(v: em.WordVectors) -> tuple[str, str, str] | None:
    c1, c2, c3 = st.columns(3)
    # the course's man : woman :: king : ? on GloVe 6B; on the vectors trained here on half a million words of
    # Wikipedia it fails, so they open on one they get right
    big = len(v) > 100_000
    a = word_input(v, t("emb.an.a"), "emb_an_a", "man" if big else "france", c1)
    b = word_input(v, t("emb.an.b"), "emb_an_b", "woman" if big else "french", c2)
    c = word_input(v, t("emb.an.c"), "emb_an_c", "king" if big else "spain", c3)
    if a and b and c:
        if len({a, b, c}) < 3:
            st.info(t("emb.an.same"))
        return a, b, c
    return None


def analogy_answer(abc: tuple[str, str, str] | None, found: list[tuple[str, float]]) -> None:
    """The analogy's answer in one line, right under its three boxes (the first screen shows it)."""
    if abc and found:
        a, b, c = (md_escape(w) for w in abc)
        st.markdown(t("emb.an.answer", a=a, b=b, c=c, d=md_escape(found[0][0]), cos=found[0][1]))


def analogy_result(
    name: str, v: em.WordVectors, a: str, b: str, c: str, found: list[tuple[str, float]], limit: int | None = None
) -> str:
    """The top answers (v.analogy's) as a table and the PCA picture of the parallelogram; returns the best answer d."""
    d = found[0][0]
    notebook = search(name, v, "course", (a, b, c), limit=limit)
    st.caption(
        t("emb.an.notebook_same" if notebook == d else "emb.an.notebook_other", d=md_escape(d), w=md_escape(notebook))
    )
    col_t, col_f = st.columns([2, 3])
    with col_t:
        table([{t("emb.col.word"): w, t("emb.col.cos"): round(s, 3)} for w, s in found])
    from sklearn.decomposition import PCA

    words = [a, b, c, d] + [w for w, _ in found[1:]]
    roles = ["a", "b", "c", "d"] + ["candidate"] * (len(words) - 4)
    U = np.stack([v.unit[v.index[w]] for w in words] + [v.unit[v.index[b]] - v.unit[v.index[a]] + v.unit[v.index[c]]])
    P = PCA(n_components=2, random_state=0).fit_transform(U)
    with col_f:
        chart(
            _figure(
                ("analogy", a, b, c, tuple(words)),
                lambda: viz.embeddings.analogy_figure(P, words + [""], roles + ["target"], _labels()),
                v,
            ),
            key="emb_analogy",
        )
    st.caption(t("emb.an.explain"))
    return d


# ---------------------------------------------------------------- one-hot, training pairs, negative sampling


@st.cache_data(max_entries=256, ttl=3600, show_spinner=False)
def _shipped_onehot(name: str, word: str):
    return em.onehot(shipped(name), word)


def onehot(name: str, v: em.WordVectors, word: str) -> None:
    k, o, e = _shipped_onehot(name, word) if name in CHECKPOINTS else em.onehot(v, word)
    chart(
        _figure(("onehot", k), lambda: viz.embeddings.onehot_figure(v.words, k, v.E, labels=_labels()), v),
        key="emb_onehot",
    )
    st.caption(
        t(
            "emb.onehot.explain",
            word=md_escape(word),
            k=k,
            V=len(v),
            n_e=v.n_e,
            ones=int(o.sum()),
            e=", ".join(f"{x:.2f}" for x in e[:4]),
        )
    )


def training_pairs(v: em.WordVectors, sentence: str) -> None:
    tokens = [w for s in em.corpus_sentences(sentence) for w in s]
    if len(tokens) < 2:
        st.info(t("emb.pairs.short"))
        return
    if len(tokens) > MAX_PAIR_WORDS:
        st.caption(t("emb.pairs.cut", n=MAX_PAIR_WORDS))
        tokens = tokens[:MAX_PAIR_WORDS]
    c1, c2 = st.columns(2)
    share.bind("emb_pairs_mode", "skip-gram", options=("skip-gram", "cbow"))
    mode = c1.radio(
        t("emb.pairs.mode"),
        ("skip-gram", "cbow"),
        format_func=lambda m: t(f"emb.method.{m}"),
        horizontal=True,
        key="emb_pairs_mode",
    )
    share.bind("emb_pairs_window", 2, lo=1, hi=5)
    window = c2.slider(t("emb.pairs.window"), 1, 5, key="emb_pairs_window", help=t("emb.pairs.window.help"))
    chart(
        _figure(
            ("pairs", tuple(tokens), window, mode),
            lambda: viz.embeddings.pairs_animation(tokens, window, mode, _labels()),
        ),
        key="emb_pairs",
    )
    n_pairs = len(em.skipgram_pairs(tokens, window))
    st.caption(t(f"emb.pairs.explain.{mode}", n=n_pairs, T=len(tokens), window=window))

    st.subheader(t("emb.neg.head"))
    pairs = [(c, w) for _, c, w in em.skipgram_pairs(tokens, window)]
    c1, c2 = st.columns([2, 1])
    share.bind("emb_neg_pair", 0, options=range(len(pairs)))
    if st.session_state.get("emb_neg_pair") not in range(len(pairs)):  # a shorter sentence than before
        st.session_state["emb_neg_pair"] = 0
    pick = c1.selectbox(
        t("emb.neg.pair"), range(len(pairs)), key="emb_neg_pair", format_func=lambda i: f"{pairs[i][0]} → {pairs[i][1]}"
    )
    share.bind("emb_neg_k", 4, lo=1, hi=20)
    k = c2.slider(t("emb.neg.k"), 1, 20, key="emb_neg_k", help=t("emb.neg.k.help"))
    context, target = pairs[min(pick, len(pairs) - 1)]
    share.bind("emb_neg_seed", 0, lo=0, hi=10**6)  # which draw ("Draw again" counts up): a link shows the same one
    seed = st.session_state["emb_neg_seed"]
    rows = em.negative_samples(v, context, target, k, seed=seed)
    col_t, col_f = st.columns([2, 3])
    with col_t:
        table([{t("emb.col.context"): c, t("emb.col.word"): w, t("emb.col.label"): y} for c, w, y in rows])
        if st.button(t("emb.neg.again"), key="emb_neg_again"):
            st.session_state["emb_neg_seed"] = seed + 1
            st.rerun()
    with col_f:
        chart(
            _figure(
                ("sampling",), lambda: viz.embeddings.sampling_figure(*em.sampling_distribution(v, 12), _labels()), v
            ),
            key="emb_sampling",
        )
    st.caption(t("emb.neg.explain", k=k) + ("" if v.has_counts else " " + t("emb.neg.zipf")))


# ---------------------------------------------------------------- benchmarks


@st.cache_data(max_entries=16, ttl=3600, show_spinner=False)
def _evaluate(key: str, _v: em.WordVectors) -> dict:
    return em.evaluate(_v)


def benchmarks(current: str) -> None:
    rows = []
    ready = [n for n in CHECKPOINTS if _loaded(n)]
    entries = [(n, shipped(n), meta(n).get("metrics", {})) for n in ready]
    entries += [(n, v, mymodels.get(n).doc.get("metrics")) for n, v in _user().items()]
    for name, v, m in entries:
        m = m or _evaluate(name, v)
        a, ws, sl = m["analogy"], m["wordsim353"], m["simlex999"]
        rows.append(
            {
                t("emb.col.vectors"): ("▶ " if name == current else "") + _vectors_label(name),
                t("emb.col.tokens"): f"{int(v.info.get('tokens') or _tokens(name)):,}",
                t("emb.col.V"): f"{len(v):,}",
                t("emb.col.analogy"): f"{a['accuracy']:.1%} ({a['covered']:,} / {a['total']:,})",
                t("emb.col.ws"): f"{ws['spearman']:.2f} ({ws['coverage']:.0%})",
                t("emb.col.sl"): f"{sl['spearman']:.2f} ({sl['coverage']:.0%})",
            }
        )
    for name, _v, m in entries[: len(ready)]:
        chance = (m or {}).get("random_vectors")
        if chance and name in (GLOVE6B, TRAINED[0]):  # one chance row per vocabulary (the two wiki sets share one)
            rows.append(
                {
                    t("emb.col.vectors"): t("emb.bench.random", V=len(_v)),
                    t("emb.col.tokens"): "—",
                    t("emb.col.V"): "—",
                    t("emb.col.analogy"): f"{chance['analogy']:.1%}",
                    t("emb.col.ws"): f"{chance['wordsim353']:.2f}",
                    t("emb.col.sl"): f"{chance['simlex999']:.2f}",
                }
            )
    table(rows)
    st.caption(t("emb.bench.explain", n=glove6b.ANALOGY_VOCAB))
    sections = {n: (m or {}).get("analogy", {}).get("sections") for n, _v, m in entries}
    sections = {n: s for n, s in sections.items() if s}
    if sections:
        st.markdown(t("emb.bench.sections"))
        names = list(next(iter(sections.values())))
        table(
            [
                {t("emb.col.section"): sec}
                | {
                    _vectors_label(n): (f"{s[sec]['accuracy']:.0%} ({s[sec]['covered']:,})" if sec in s else "—")
                    for n, s in sections.items()
                }
                for sec in names
            ]
        )
        st.caption(t("emb.bench.sections.explain"))


def _loaded(name: str) -> bool:
    """Whether shipped vectors `name` are loaded without error (GloVe 6B needs its wheel)."""
    try:
        shipped(name)
        return True
    except (glove6b.VectorsMissing, checkpoint.CheckpointError, OSError):
        return False


# ---------------------------------------------------------------- the course's notebook, number by number


@st.cache_data(max_entries=4, show_spinner=False)
def _course_numbers(name: str) -> dict:
    return glove6b.course_numbers(shipped(name))


def course_check(name: str) -> None:
    """The notebook's printed numbers beside the same computation on the vectors loaded here (GloVe 6B only:
    the notebook used these very vectors)."""
    if name != GLOVE6B:
        st.info(t("emb.course.other"))
        return
    c = _course_numbers(name)
    col_r, col_h = t("emb.col.course"), t("emb.col.here")
    rows = [
        {
            t("emb.col.what"): f"cos({x['u']}, {x['v']})".replace(" -", " − "),
            col_r: f"{x['course']:.6f}",
            col_h: f"{x['here']:.6f}",
        }
        for x in c["cosines"]
    ]
    rows += [
        {
            t("emb.col.what"): f"{x['a']} : {x['b']} :: {x['c']} : ?",
            col_r: x["course"] if x["c"] != "king" else t("emb.course.lecture"),
            col_h: t("emb.course.two", nb=x["notebook_search"], add=x["cos_add"]),
        }
        for x in c["analogies"]
    ]
    rows += [
        {t("emb.col.what"): f"cos({w}, g)", col_r: f"{x['course']:.6f}", col_h: f"{x['here']:.6f}"}
        for w, x in c["names"].items()
    ]
    d, ref = c["debias"], glove6b.COURSE_DEBIAS
    rows += [{t("emb.col.what"): t(f"emb.course.{k}"), col_r: f"{ref[k]:.6g}", col_h: f"{d[k]:.6g}"} for k in ref] + [
        {t("emb.col.what"): t(f"emb.course.{k}"), col_r: "—", col_h: f"{d[k]:.6g}"}
        for k in ("e1_after_unit_first", "e2_after_unit_first")
    ]
    table(rows, height=420)
    st.caption(t("emb.course.explain"))


# ---------------------------------------------------------------- debiasing


def debiasing(name: str, v: em.WordVectors) -> None:
    c1, c2 = st.columns([1, 2])
    share.bind("emb_bias_axis", DEFAULT_AXIS)
    axis_raw = c1.text_input(t("emb.bias.axis"), key="emb_bias_axis", help=t("emb.bias.axis.help"))
    share.bind("emb_bias_measure", DEFAULT_MEASURE)
    measure_raw = c2.text_input(t("emb.bias.measure"), key="emb_bias_measure", help=t("emb.bias.measure.help"))
    axis, bad_axis = word_pairs(v, axis_raw)
    if axis:
        measure, missing = word_list(v, measure_raw)
        _missing_message(missing, v)
        measure = measure[:40]
        if measure:
            g = em.bias_direction([(v.vector(a), v.vector(b)) for a, b in axis])
            if float(np.linalg.norm(g)) > 0:
                course = glove6b.COURSE_NAMES if name == GLOVE6B and axis == [("woman", "man")] else {}
                values = [em.cosine(v.vector(w), g) for w in measure]
                chart(
                    _figure(
                        ("bias_bars", tuple(axis), tuple(measure)),
                        lambda: viz.embeddings.bias_bars(measure, values, course, _labels()),
                        v,
                    ),
                    key="emb_bias_bars",
                )
                st.caption(
                    t("emb.bias.bars.explain", a=md_escape(axis[0][0]), b=md_escape(axis[0][1]))
                    + (" " + t("emb.bias.bars.course") if course else "")
                )
    c2, c3 = st.columns(2)
    share.bind("emb_bias_neutral", DEFAULT_NEUTRAL)
    neutral_raw = c2.text_input(t("emb.bias.neutral"), key="emb_bias_neutral", help=t("emb.bias.neutral.help"))
    share.bind("emb_bias_pairs", DEFAULT_PAIRS)
    pairs_raw = c3.text_input(t("emb.bias.pairs"), key="emb_bias_pairs", help=t("emb.bias.pairs.help"))
    neutral, missing = word_list(v, neutral_raw)
    pairs, bad_pairs = word_pairs(v, pairs_raw)
    if bad_axis or bad_pairs:
        st.warning(t("emb.bias.bad", items="; ".join(md_escape(x[:40]) for x in (bad_axis + bad_pairs)[:8])))
    _missing_message(missing, v)
    if not axis:
        st.info(t("emb.bias.no_axis"))
        return
    neutral = [w for w in neutral if w not in {x for p in axis + pairs for x in p}][:20]
    if not neutral and not pairs:
        st.info(t("emb.bias.nothing"))
        return
    try:
        report = em.debias(v, axis, neutral, pairs[:8])
    except ValueError:
        st.warning(t("emb.bias.degenerate"))
        return
    chart(
        _figure(
            ("debias", tuple(axis), tuple(neutral), tuple(pairs[:8])),
            lambda: viz.embeddings.debias_figure(report, _labels()),
            v,
        ),
        key="emb_debias",
    )
    st.caption(t("emb.bias.explain"))
    if report.after_course:
        course = name == GLOVE6B and axis == [("woman", "man")]
        table(
            [
                {
                    t("emb.col.word"): w,
                    t("emb.col.g_before"): f"{report.before[w]:+.4f}",
                    t("emb.col.g_after"): f"{report.after[w]:+.4f}",
                    t("emb.col.g_notebook"): f"{report.after_course[w]:+.4f}",
                    t("emb.col.g_printed"): (
                        f"{glove6b.COURSE_DEBIAS[{'man': 'e1_after', 'woman': 'e2_after'}[w]]:+.4f}"
                        if course and w in ("man", "woman")
                        else "—"
                    ),
                }
                for w in report.after_course
            ]
        )
        st.caption(t("emb.bias.eq_course") + (" " + t("emb.bias.eq_course.glove") if course else ""))
    if report.distances:
        rows = [
            {
                t("emb.col.word"): d["word"],
                t("emb.col.pair"): f"{d['pair'][0]} / {d['pair'][1]}",
                t("emb.col.before"): f"{d['before'][0]:+.3f} / {d['before'][1]:+.3f}",
                t("emb.col.after"): f"{d['after'][0]:+.3f} / {d['after'][1]:+.3f}",
            }
            for d in report.distances
        ]
        table(rows)
        st.caption(t("emb.bias.eq_explain"))


# ---------------------------------------------------------------- train your own


def train_own() -> None:
    """Train word2vec or GloVe on the Wikipedia extract, the Lee corpus or an upload, through the
    server's training queue (the same launcher as the Train page); the vectors join the sidebar list."""
    train.watch()
    train.launcher(kinds=("word2vec", "glove"), key="emb_train")
    train.limits_caption()
