"""Text into sentences of words for word vectors: a typed or uploaded corpus, or gensim's Wikipedia extract."""

from __future__ import annotations

import re

# ---------------------------------------------------------------- text -> sentences of words

_CJK = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")
_WORDLIKE = re.compile(r"[^\W\d_]|[\u3400-\u9fff]")  # a letter of any script
_SENTENCE_END = re.compile(r"(?<=[.!?。！？；;])\s*")


def detect_lang(text: str) -> str:
    """ "zh" when at least a fifth of the letters are Chinese characters, else "en"."""
    letters = sum(1 for ch in text[:20000] if ch.isalpha())
    return "zh" if letters and len(_CJK.findall(text[:20000])) / letters >= 0.2 else "en"


def corpus_sentences(text: str, lang: str | None = None) -> list[list[str]]:
    """Split a corpus into sentences of lower-case words (Chinese segmented with jieba).

    A line break or . ! ? 。！？ ends a sentence, so no training window reaches across one; tokens
    without a letter (numbers, punctuation, emoji) are dropped.
    """
    from seqviz.core.text import tokenize

    lang = lang or detect_lang(text)
    out = []
    for line in text.splitlines():
        for part in _SENTENCE_END.split(line):
            words = [w for w in tokenize(part, lang) if _WORDLIKE.search(w)]
            if words:
                out.append(words)
    return out


def wiki_corpus() -> list[list[str]]:
    """The default corpus: gensim's bundled Wikipedia extract (206 pages, about 450k words), markup
    stripped with gensim's filter_wiki, one sentence of lower-case words per item."""
    import bz2

    from gensim.corpora.wikicorpus import extract_pages, filter_wiki
    from gensim.utils import tokenize as gensim_tokenize

    from seqviz.core.data import WIKI_FILE, gensim_test_file

    out = []
    with bz2.BZ2File(gensim_test_file(WIKI_FILE)) as f:
        for _title, text, _pid in extract_pages(f):
            for para in filter_wiki(text).split("\n"):
                for part in _SENTENCE_END.split(para):
                    words = list(gensim_tokenize(part, lowercase=True))
                    if len(words) > 1:
                        out.append(words)
    return out
