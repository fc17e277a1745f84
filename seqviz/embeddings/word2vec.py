"""word2vec (skip-gram, CBOW, negative sampling), trained by gensim."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import asdict, dataclass

import numpy as np

from seqviz.embeddings.vectors import WordVectors

# ---------------------------------------------------------------- training: word2vec (gensim) and GloVe (torch)


@dataclass
class Word2VecConfig:
    """Settings of a gensim word2vec run."""

    sg: bool = True  # True: skip-gram (predict each context word from the centre word); False: CBOW
    n_e: int = 100  # embedding size
    window: int = 5  # context words on each side of the centre word
    negative: int = 5  # k: negative samples per positive pair
    min_count: int = 5  # words seen fewer times are dropped
    epochs: int = 10  # passes over the corpus
    seed: int = 0  # with one worker thread, the same seed gives the same vectors


def train_word2vec(
    sentences: list[list[str]],
    cfg: Word2VecConfig | None = None,
    progress: Callable[[int, int, float], None] | None = None,
    should_stop: Callable[[], bool] | None = None,
) -> WordVectors:
    """Train word2vec with gensim (negative sampling, no hierarchical softmax).

    Args:
        progress: called after each epoch with (epoch done, epochs, that epoch's training loss).
        should_stop: asked after each epoch; True ends training there and keeps the vectors so far
            (gensim's own loop has no stop, so the epoch-end callback raises and the error is caught).
    Raises:
        ValueError: the corpus leaves no word seen `min_count` times.
    """
    from gensim.models import Word2Vec
    from gensim.models.callbacks import CallbackAny2Vec

    cfg = cfg or Word2VecConfig()

    class Report(CallbackAny2Vec):
        def __init__(self):
            self.epoch, self.seen = 0, 0.0

        def on_epoch_end(self, model):
            total = model.get_latest_training_loss()
            self.epoch += 1
            if progress:
                progress(self.epoch, cfg.epochs, total - self.seen)
            self.seen = total
            if should_stop is not None and self.epoch < cfg.epochs and should_stop():
                raise _StopTraining

    model = Word2Vec(
        vector_size=cfg.n_e,
        window=cfg.window,
        min_count=cfg.min_count,
        sg=int(cfg.sg),
        negative=cfg.negative,
        hs=0,
        seed=cfg.seed,
        workers=1,
        compute_loss=True,
    )
    model.build_vocab(sentences)
    if len(model.wv) < 2:
        raise ValueError("too_small")
    report = Report()
    try:
        model.train(
            sentences, total_examples=model.corpus_count, epochs=cfg.epochs, compute_loss=True, callbacks=[report]
        )
    except _StopTraining:
        pass  # raised between epochs: gensim's worker threads are done
    words = list(model.wv.index_to_key)
    counts = np.array([model.wv.get_vecattr(w, "count") for w in words])
    return WordVectors(
        words,
        model.wv.vectors.copy(),
        counts,
        "skip-gram" if cfg.sg else "cbow",
        {"config": asdict(cfg), "tokens": int(sum(map(len, sentences))), "epochs_done": report.epoch},
    )


class _StopTraining(Exception):
    """Raised from gensim's epoch-end callback to end a run early."""
