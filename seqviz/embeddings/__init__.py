"""Word embeddings: vectors and their geometry, word2vec, GloVe, the benchmark sets, projections."""

from seqviz.embeddings import kind  # noqa: F401,E402  (registers the "word2vec" and "glove" model kinds)
from seqviz.embeddings.benchmarks import BENCHMARKS, evaluate, keyed_vectors  # noqa: F401
from seqviz.embeddings.corpus import corpus_sentences, detect_lang, wiki_corpus  # noqa: F401
from seqviz.embeddings.export import coordinates_csv, metadata_tsv, projector_files, vectors_tsv  # noqa: F401
from seqviz.embeddings.find import Found, find_words  # noqa: F401
from seqviz.embeddings.glove import GloVe, GloveConfig, cooccurrence, glove_loss, glove_weight, train_glove  # noqa: F401
from seqviz.embeddings.glove6b import VectorsMissing, load_vectors  # noqa: F401
from seqviz.embeddings.vectors import *  # noqa: F401,F403
from seqviz.embeddings.word2vec import Word2VecConfig, train_word2vec  # noqa: F401
