"""The word-vector kinds ("word2vec", "glove"; both write "embeddings" checkpoints): their data reader, recipes,
benchmark metrics, the precomputed views, and the two checkpoints they ship (wiki-skipgram, wiki-glove)."""

from __future__ import annotations

import time

import numpy as np
import torch

from seqviz.core.checkpoint import config_size
from seqviz.core.data import WIKI_DATA, lee_background
from seqviz.core.loop import TrainConfig, TrainState, training_meta
from seqviz.core.registry import Data, DataError, ModelKind, Param, Result, Shipped, fields, figure, register
from seqviz.embeddings.benchmarks import evaluate
from seqviz.embeddings.corpus import corpus_sentences, detect_lang, wiki_corpus
from seqviz.embeddings.glove import GloveConfig, train_glove
from seqviz.embeddings.vectors import EmbeddingTable, WordVectors
from seqviz.embeddings.word2vec import Word2VecConfig, train_word2vec

WIKI_WORDS_DATA = {
    "source": WIKI_DATA["source"],
    "tokens": "gensim's tokenize, lower-case; one sentence per item (a line break or . ! ? ends one)",
}
BUNDLED = {"wiki": "Wikipedia extract (gensim's bundled copy)", "lee": "Lee news corpus (gensim's bundled copy)"}
EMBEDDING_VIEW_WORDS = 2000  # the page opens on the 2,000 most frequent words; their views ship precomputed
UPLOAD = "UTF-8 text in English or Chinese (split into words with jieba). . ! ? 。！？ or a line break ends a sentence."


def default_views(vectors, n_words: int = EMBEDDING_VIEW_WORDS) -> dict:
    """The projections the page offers by default, precomputed so it opens at once."""
    from seqviz.embeddings.projection import ProjectionConfig, project, view_key

    X = vectors.E[:n_words]
    out = {}
    for cfg in (
        ProjectionConfig("umap", 2),
        ProjectionConfig("umap", 3),
        ProjectionConfig("tsne", 2),
        ProjectionConfig("pca", 2),
        ProjectionConfig("pca", 3),
    ):
        out[view_key(cfg, len(X))] = project(X, cfg)
    return out


def read(kind: str, source: str, text: str | None, params: dict, limits) -> Data:
    """Sentences of words: a bundled corpus, or an uploaded text (English, or Chinese through jieba)."""
    notes, lang = {}, "en"
    if source == "wiki":
        sentences, about = wiki_corpus(), WIKI_WORDS_DATA
    elif source == "lee":
        sentences, about = corpus_sentences("\n".join(lee_background()), "en"), {}
    else:
        lang = detect_lang(text)
        sentences, about = corpus_sentences(text, lang), {}
    total, kept = 0, []
    for s in sentences:
        if total >= limits.tokens:
            notes["cut_tokens"] = {"n": limits.tokens}
            break
        kept.append(s)
        total += len(s)
    if total < limits.min_tokens:
        raise DataError("too_small", n=total, min=limits.min_tokens, unit="words")
    return Data(kind, source, kept, BUNDLED.get(source, "your text"), notes, lang=lang, extra={"about": about})


def _result(vectors, data: Data, p: dict, state, seconds: float, method: str) -> Result:
    """The vectors as a checkpoint, scored on gensim's benchmark sets (English) beside random vectors."""
    metrics = evaluate(vectors, sections=True) if data.lang == "en" else {}
    if metrics:
        rng = np.random.default_rng(0)  # the same words with random vectors: what chance scores
        chance = evaluate(WordVectors(vectors.words, rng.normal(size=vectors.E.shape), vectors.counts))
        metrics["random_vectors"] = {
            "analogy": round(chance["analogy"]["accuracy"], 4),
            "wordsim353": round(chance["wordsim353"]["spearman"], 4),
            "simlex999": round(chance["simlex999"]["spearman"], 4),
        }
    info = {"corpus": data.source, "tokens": int(sum(map(len, data.items))), "lang": data.lang}
    table = EmbeddingTable.from_vectors(WordVectors(vectors.words, vectors.E, vectors.counts, method, info))
    meta = {
        "title": f"{method} vectors of {data.description}",
        "data": {
            **data.extra.get("about", {}),
            "source": data.extra.get("about", {}).get("source", data.description),
            "n_sentences": len(data.items),
            "n_tokens": info["tokens"],
            "n_vocabulary": len(vectors),
            "lang": data.lang,
        },
        "training": {**training_meta(p, state, seconds), "method": method},
        "metrics": metrics,
    }
    files = {}
    if p["views"]:
        from seqviz.embeddings.projection import save_views

        n = min(EMBEDDING_VIEW_WORDS, len(vectors))
        meta["views"] = f"the .views.safetensors beside this file: PCA, t-SNE and UMAP of the {n} most frequent words"
        files[".views.safetensors"] = lambda path: save_views(path, default_views(vectors))
    return Result(table, meta, state, files)


def word2vec_config(p: dict) -> Word2VecConfig:
    """gensim's settings from the word2vec kind's params."""
    return Word2VecConfig(
        sg=p["method"] == "skip-gram",
        n_e=p["n_e"],
        window=p["window"],
        negative=p["negative"],
        min_count=p["min_count"],
        epochs=p["epochs"],
        seed=p["seed"],
    )


def glove_config(p: dict, device: str = "auto", max_seconds: float | None = None) -> GloveConfig:
    """GloVe's settings from the glove kind's params."""
    return GloveConfig(
        n_e=p["n_e"],
        window=p["window"],
        min_count=p["min_count"],
        x_max=p["x_max"],
        epochs=p["epochs"],
        lr=p["lr"],
        seed=p["seed"],
        device=device,
        max_seconds=max_seconds,
    )


def train_w2v(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """gensim's loop does the work; its epochs are reported to the same callbacks as `fit`'s steps."""
    cfg = word2vec_config(p)
    state = TrainState(
        config=TrainConfig(epochs=p["epochs"], seed=p["seed"], device="cpu", max_seconds=max_seconds),
        device=torch.device("cpu"),
        n_steps=p["epochs"],
    )
    n_words = max(1, sum(map(len, data.items)))
    t0 = time.perf_counter()
    for cb in callbacks:
        cb.on_start(state)

    def progress(done: int, total: int, loss: float) -> None:
        state.step, state.epoch = done, done - 1
        state.loss = loss / n_words  # gensim sums the loss over the epoch: per word here
        state.elapsed = time.perf_counter() - t0
        state.history.append({"step": done, "loss": state.loss})
        for cb in callbacks:
            cb.on_step(state)
        if max_seconds is not None and state.elapsed > max_seconds and not state.stop:
            state.stop, state.stop_reason = True, "time"

    try:
        vectors = train_word2vec(data.items, cfg, progress=progress, should_stop=lambda: state.stop)
    except ValueError as err:
        raise DataError("no_words", min_count=p["min_count"]) from err
    if len(vectors) < 10:
        raise DataError("no_words", min_count=p["min_count"])
    if state.stop and not state.stop_reason:
        state.stop_reason = "stopped"
    state.elapsed = time.perf_counter() - t0
    for cb in callbacks:
        cb.on_end(state)
    return _result(vectors, data, p, state, state.elapsed, p["method"])


def train_glv(data: Data, p: dict, callbacks, device, max_seconds) -> Result:
    """GloVe in torch through the one training loop (AdaGrad over the non-zero X_ij)."""
    cfg = glove_config(p, device, max_seconds)
    t0 = time.perf_counter()
    try:
        vectors, state = train_glove(data.items, cfg, callbacks=callbacks)
    except ValueError as err:
        raise DataError("no_words", min_count=p["min_count"]) from err
    if len(vectors) < 10:
        raise DataError("no_words", min_count=p["min_count"])
    if state.stop_reason == "diverged" and state.best_state is None and state.step < 200:
        raise DataError("diverged_early", step=state.step)
    return _result(vectors, data, p, state, time.perf_counter() - t0, "glove")


def summary(doc: dict) -> tuple[str, dict]:
    """The Train page's line on a checkpoint: method, vocabulary, n_e and WordSim-353 ρ."""
    cfg, met = fields(doc)
    sim = met.get("wordsim353") if isinstance(met.get("wordsim353"), dict) else {}
    words = cfg.get("words") if isinstance(cfg.get("words"), list) else []
    return "", {
        "method": str(cfg.get("method", "")),
        "V": f"{len(words):,}",
        "n_e": figure(cfg.get("n_e"), ".0f"),
        "rho": figure(sim.get("spearman"), ".2f"),
    }


def model(cfg: dict) -> EmbeddingTable:
    """A checkpoint's config -> an empty table of that shape."""
    if not cfg["words"] or len(set(cfg["words"])) != len(cfg["words"]):
        raise KeyError("words")
    return EmbeddingTable(cfg["words"], config_size(cfg, "n_e"), str(cfg.get("method", "")), cfg.get("info") or {})


N_E = Param("n_e", 50, lo=2, hi=1000, ticks=(10, 25, 50, 100, 200, 300), hint="size of each word vector e_w")
MIN_COUNT = Param("min_count", 5, lo=1, hi=100, hint="words seen fewer times are dropped")
VIEWS = Param(
    "views",
    False,
    page=False,
    hint="also write NAME.views.safetensors: the page's default maps of the 2,000 commonest words, precomputed",
)
PAGES = ("pages/word_embeddings.py",)
# both shipped vector sets read the same default corpus. GloVe's x_max is 10, not the paper's 100: in half a
# million words few pairs co-occur 100 times, so f(X_ij) would weigh almost every pair near 0
register(
    ModelKind(
        summary=summary,
        name="word2vec",
        order=2,
        checkpoint="embeddings",
        model=model,
        read=read,
        train=train_w2v,
        params=(
            Param(
                "method",
                "skip-gram",
                choices=("skip-gram", "cbow"),
                hint="skip-gram predicts each context word "
                "from the centre word; CBOW the centre word from the averaged context",
            ),
            N_E,
            Param("window", 5, lo=1, hi=15, hint="context words on each side of the centre word"),
            Param("negative", 5, lo=1, hi=25, hint="k: negative samples per true pair"),
            MIN_COUNT,
            Param("epochs", 5, lo=1, hi=50, hint="passes over the corpus"),
            Param("seed", 0, lo=0, hi=10_000, hint="same seed, same vectors (one worker thread)"),
            VIEWS,
        ),
        bundled=tuple(BUNDLED),
        upload_format=UPLOAD,
        pages=PAGES,
        shipped=(
            Shipped(
                "wiki-skipgram",
                "wiki",
                dict(n_e=100, window=8, negative=10, epochs=20, views=True),
                "skip-gram vectors of the Wikipedia extract gensim ships",
            ),
        ),
    )
)
register(
    ModelKind(
        summary=summary,
        name="glove",
        order=3,
        checkpoint="embeddings",
        model=model,
        read=read,
        train=train_glv,
        params=(
            N_E,
            Param("window", 10, lo=1, hi=15, hint="words on each side counted in X_ij (weighted 1/distance)"),
            MIN_COUNT,
            Param(
                "x_max",
                10.0,
                lo=0.1,
                hi=1e4,
                ticks=(1.0, 5.0, 10.0, 50.0, 100.0),
                hint="f(X_ij) reaches 1 at X_ij = x_max",
            ),
            Param("epochs", 15, lo=1, hi=100, hint="passes over the non-zero X_ij"),
            Param(
                "lr",
                0.1,
                lo=1e-6,
                hi=100.0,
                ticks=(0.01, 0.05, 0.1, 0.2, 0.5, 1.0, 10.0),
                hint="AdaGrad's learning rate",
            ),
            Param("seed", 0, lo=0, hi=10_000, hint="same seed, same vectors"),
            VIEWS,
        ),
        bundled=tuple(BUNDLED),
        upload_format=UPLOAD,
        pages=PAGES,
        shipped=(
            Shipped(
                "wiki-glove", "wiki", dict(n_e=100, views=True), "glove vectors of the Wikipedia extract gensim ships"
            ),
        ),
    )
)
