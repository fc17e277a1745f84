"""Named entities (seqviz.ner): the data (People's Daily turned into character tags, the English templates, the
tokenizers, CoNLL uploads), the tagger's maths against torch's own LSTM, what a one-directional tagger cannot see,
entity scores against seqeval, the "ner" kind's reader and checkpoints. Tiny random-weight taggers with fixed
seeds; the shipped taggers' held-out scores are recomputed in test_shipped_metrics.py."""

from collections import Counter

import numpy as np
import pytest
import torch
from seqeval.metrics import f1_score, precision_score, recall_score
from seqeval.metrics.sequence_labeling import get_entities

from seqviz.core import registry
from seqviz.core.checkpoint import CheckpointError, model_from_bytes, to_bytes
from seqviz.ner.data import (
    AMBIGUOUS_NAMES,
    COURSE_SENTENCES,
    MAX_TOKENS,
    TAGS,
    TEMPLATES,
    ConllError,
    _zh_words,
    english_sentences,
    people_daily,
    read_conll,
    repair,
    tokenize,
    zh_sentence_tags,
)
from seqviz.ner.kind import _lang_of, characters, counts, tag_set
from seqviz.ner.models import PAD, UNK, Tagger, TaggerConfig, collate, entity_scores, score, shape

EN_WORDS = (PAD, UNK, "he", "said", ",", "teddy", "roosevelt", "was", "a", "great", "president", ".", "bears", "are")
ZH_WORDS = (PAD, UNK, *"我在北京工作了年江泽民")


pytestmark = pytest.mark.usefixtures("one_thread")  # see conftest.py


def tiny(bidirectional: bool = True, lang: str = "en", words: tuple = EN_WORDS, seed: int = 0, scale: float = 0.3):
    """A random-weight tagger (n_e 6, n_a 5, n_shape 3); every weight and bias moved off torch's initialisation."""
    torch.manual_seed(seed)
    m = Tagger(TaggerConfig(lang, words, TAGS, n_e=6, n_a=5, bidirectional=bidirectional, n_shape=3))
    with torch.no_grad():
        for p in m.parameters():
            p.add_(torch.randn_like(p) * scale)
    return m.eval()


def tags_of(s: str) -> list[str]:
    return s.split()


# ---------------------------------------------------------------- Chinese: People's Daily


LINE = "中共中央/nt  总书记/n  、/w  国家/n  主席/n  江/nr  泽民/nr  在/p  北京/ns  。/w  他/r  说/v"


def test_a_199801_line_becomes_character_tags_with_surname_and_given_name_one_person():
    """Tags written by hand: an nt word one ORG, the surname 江 and the given name 泽民 one PER (B I I), ns one LOC,
    and the paragraph cut after 。 into two sentences."""
    got = zh_sentence_tags(_zh_words(LINE))
    want = [
        (
            list("中共中央总书记、国家主席江泽民在北京。"),
            tags_of("B-ORG I-ORG I-ORG I-ORG O O O O O O O O B-PER I-PER I-PER O B-LOC I-LOC O"),
        ),
        (list("他说"), ["O", "O"]),
    ]
    assert got == want


def test_only_consecutive_nr_words_join_and_places_stay_apart():
    """Two names with 、 between are two people; two ns words in a row are two places (only nr joins); a piece
    without its slash is skipped."""
    got = zh_sentence_tags(_zh_words("江/nr  泽民/nr  、/w  李/nr  鹏/nr  北京/ns  上海/ns  garbage  /w"))
    assert got == [(list("江泽民、李鹏北京上海"), tags_of("B-PER I-PER I-PER O B-PER I-PER B-LOC I-LOC B-LOC I-LOC"))]
    assert _zh_words("a/b/nr  /w  x/  好/a") == [("a/b", "nr"), ("x", ""), ("好", "a")]


def test_nr_words_join_only_as_surname_and_given_name():
    """A short nr word (≤ 2 characters) that starts a name takes the next short nr word into it, and no more: the
    corpus lists names with nothing between them (江泽民 李鹏 is two people); a two-character surname (欧阳) takes a
    given name too; a longer nr word (克林顿) is a person of its own, before or after a name."""
    got = zh_sentence_tags(_zh_words("江/nr  泽民/nr  李/nr  鹏/nr  和/c  欧阳/nr  修/nr  克林顿/nr  说/v"))
    assert got == [
        (
            list("江泽民李鹏和欧阳修克林顿说"),
            tags_of("B-PER I-PER I-PER B-PER I-PER O B-PER I-PER I-PER B-PER I-PER I-PER O"),
        )
    ]
    # 克林顿 | 李鹏 | 江李 (two short ones) | 克林顿 (no given name of a long one) | 鹏 (alone after it)
    got = zh_sentence_tags(_zh_words("克林顿/nr  李/nr  鹏/nr  江/nr  李/nr  克林顿/nr  鹏/nr"))
    assert got[0][1] == tags_of("B-PER I-PER I-PER B-PER I-PER B-PER I-PER B-PER I-PER I-PER B-PER")
    # a surname then a place: the place is not on the name, and the next nr starts a new person
    got = zh_sentence_tags(_zh_words("江/nr  北京/ns  泽民/nr"))
    assert got[0][1] == tags_of("B-PER B-LOC I-LOC B-PER I-PER")


def test_a_long_paragraph_is_cut_before_the_word_that_would_pass_max_tokens_and_the_cut_name_restarts_with_b():
    """149 characters, then 江/nr 泽民/nr: 江 fills the first piece to MAX_TOKENS = 150 characters (B-PER); 泽民 would
    pass it, so the second piece starts with 泽民 as a name of its own (B-PER I-PER), not I-PER after nothing. With
    148 characters first, the piece ends before 泽民 at 149 characters: no character is dropped."""
    line = "  ".join(["一/m"] * (MAX_TOKENS - 1) + ["江/nr", "泽民/nr", "。/w"])
    (c1, t1), (c2, t2) = zh_sentence_tags(_zh_words(line))
    assert len(c1) == len(t1) == MAX_TOKENS and t1[-1] == "B-PER" and set(t1[:-1]) == {"O"}
    assert (c2, t2) == (list("泽民。"), ["B-PER", "I-PER", "O"])
    line = "  ".join(["一/m"] * (MAX_TOKENS - 2) + ["江/nr", "泽民/nr", "。/w"])
    (c1, t1), (c2, t2) = zh_sentence_tags(_zh_words(line))
    assert len(c1) == MAX_TOKENS - 1 and c1[-1] == "江" and t1[-1] == "B-PER"
    assert (c2, t2) == (list("泽民。"), ["B-PER", "I-PER", "O"])


def test_a_paragraph_longer_than_max_tokens_keeps_every_character_and_cuts_only_between_words():
    """A 600-character paragraph without 。 of words of 1 to 4 characters (tagged n, ns, nt, nr): its pieces, joined,
    are its words joined; each piece is at most MAX_TOKENS characters and ends where a word ends and the next one
    would not fit; every piece's tags are valid BIO. A single word longer than MAX_TOKENS is cut into pieces of at
    most MAX_TOKENS, the second one starting with B-."""
    rng = np.random.default_rng(3)
    chars, words = list("的一是在不了有和人这中大为上个国我以要他"), []
    while sum(len(w) for w, _ in words) < 600:
        word = "".join(rng.choice(chars, int(rng.integers(1, 5))))
        words.append((word, str(rng.choice(["n", "ns", "nt", "nr"]))))
    pieces = zh_sentence_tags(words)
    assert len(pieces) >= 4
    assert "".join("".join(c) for c, _ in pieces) == "".join(w for w, _ in words)
    length_at, at = {}, 0  # character offset where a word starts -> its length
    for w, _ in words:
        length_at[at] = len(w)
        at += len(w)
    at = 0
    for c, t in pieces:
        assert 0 < len(c) == len(t) <= MAX_TOKENS and _valid_bio(t)
        at += len(c)
        assert at in length_at or at == sum(len(w) for w, _ in words)  # a word ends there
        if at in length_at:  # a piece but the last: the word after it did not fit
            assert len(c) + length_at[at] > MAX_TOKENS
    big = zh_sentence_tags([("一", "m"), ("北" * (MAX_TOKENS + 10), "ns"), ("。", "w")])
    assert [len(c) for c, _ in big] == [1, MAX_TOKENS, 10, 1]
    assert big[1][1] == ["B-LOC"] + ["I-LOC"] * (MAX_TOKENS - 1) and big[2][1] == ["B-LOC"] + ["I-LOC"] * 9


def test_repair_turns_an_i_after_nothing_o_or_another_type_into_b():
    assert repair(tags_of("I-PER I-PER O I-LOC I-LOC B-ORG I-ORG")) == tags_of("B-PER I-PER O B-LOC I-LOC B-ORG I-ORG")
    assert repair([]) == [] and repair(["O", "B-PER"]) == ["O", "B-PER"]
    assert repair(tags_of("B-PER I-LOC")) == tags_of("B-PER B-LOC")
    assert repair(tags_of("B-PER I-PER I-ORG I-ORG I-PER B-LOC")) == tags_of("B-PER I-PER B-ORG I-ORG B-PER B-LOC")


def test_repair_keeps_seqevals_entities_and_makes_valid_bio():
    """On 2,000 random tag sequences: seqeval (conlleval's rules) finds the same entities before and after, and the
    result is valid BIO (every I-X after B-X or I-X)."""
    rng = np.random.default_rng(0)
    for _ in range(2000):
        tags = [str(t) for t in rng.choice(TAGS, int(rng.integers(0, 12)))]
        fixed = repair(tags)
        assert get_entities(fixed) == get_entities(tags) and _valid_bio(fixed), tags


def test_people_daily_has_the_whole_corpus_split_by_paragraph():
    """Counts as the corpus has them: > 40,000 training sentences, about a tenth held out, every tag a shipped one,
    one tag per character, no sentence longer than MAX_TOKENS, and each type of entity present on both sides."""
    train, held = people_daily()
    assert len(train) > 40_000 and 0.08 < len(held) / (len(train) + len(held)) < 0.12
    for sents in (train, held):
        assert all(len(c) == len(t) and 0 < len(c) <= MAX_TOKENS for c, t in sents)
        assert {t for _, ts in sents for t in ts} == set(TAGS)
        assert all(len(ch) == 1 for c, _ in sents[:2000] for ch in c)  # character level
        for _, ts in sents:  # valid BIO: no I- after O or after another type (cut names were repaired)
            assert all(not t.startswith("I-") or (i and ts[i - 1][2:] == t[2:]) for i, t in enumerate(ts))
    assert train[0][0][:4] == tuple("迈向充满")  # the corpus's first line is a training paragraph


# ---------------------------------------------------------------- English: generated sentences

HELD_PHRASES = (  # fixed words of the held-out templates that no trained template has
    "flew to",
    "paid",
    "lost to",
    "will stay in",
    "more students than ever",
    "with her brother",
    "Reporters asked",
    "knows",
)


@pytest.fixture(scope="module")
def en():
    return english_sentences()


def _valid_bio(tags) -> bool:
    return all(t in TAGS for t in tags) and all(
        not t.startswith("I-") or (i and tags[i - 1][2:] == t[2:]) for i, t in enumerate(tags)
    )


def test_english_sentences_are_tagged_bio_and_sized(en):
    """40,000 training and 2,000 held-out sentences asked for: training loses only the course's sentences, the new
    sentences only copies of training ones (few of either), the new templates none."""
    assert set(en) == {"train", "new_sentences", "new_templates", "course"}
    assert 39_900 < len(en["train"]) <= 40_000 and 1_500 < len(en["new_sentences"]) <= 2000
    assert len(en["new_templates"]) == 2000 and len(en["course"]) == len(COURSE_SENTENCES)
    for name, sents in en.items():
        for toks, tags in sents:
            assert len(toks) == len(tags) > 0 and _valid_bio(tags), (name, toks, tags)
        # every type is there (the course set has persons only)
        assert {t[2:] for _, ts in sents for t in ts if t != "O"} == (
            {"PER"} if name == "course" else {"PER", "LOC", "ORG"}
        )


def test_no_held_out_sentence_is_a_training_sentence_and_the_course_is_never_trained_on(en):
    """Held-out sentences are judged on text the tagger has not read: no token tuple of new_sentences, new_templates
    or the course is one of training's (short templates write some of them word for word by chance)."""
    train = {toks for toks, _ in en["train"]}
    for name in ("new_sentences", "new_templates", "course"):
        assert not any(toks in train for toks, _ in en[name]), name


def test_held_out_templates_never_reach_training(en):
    """Each held-out template's own words are in no training sentence and in most held-out-template ones; the
    trained templates don't produce them either (new_sentences)."""
    assert all(any(p in t for t in TEMPLATES[-8:]) for p in HELD_PHRASES)
    text = {name: [" ".join(toks) for toks, _ in en[name]] for name in ("train", "new_sentences", "new_templates")}
    for p in HELD_PHRASES:
        assert not any(f" {p} " in f" {s} " for s in text["train"] + text["new_sentences"]), p
        assert sum(f" {p} " in f" {s} " for s in text["new_templates"]) > 100, p


def test_course_sentences_are_labelled_as_written(en):
    assert en["course"] == tuple((tuple(s.split()), tuple(t.split())) for s, t in COURSE_SENTENCES)
    toks, tags = en["course"][1]
    assert (toks[3], tags[3], tags[4]) == ("Teddy", "B-PER", "I-PER")
    toks, tags = en["course"][2]
    assert (toks[3], toks[4], set(tags)) == ("Teddy", "bears", {"O"})


def test_every_ambiguous_name_is_a_person_and_a_word_after_he_or_she_said(en):
    """After "He said ," / "She said ," each ambiguous first name occurs as a person (B-PER, a surname after it,
    I-PER) and as an ordinary word (O, one of its own nouns after it), many times in training: only what follows
    tells them apart."""
    seen = Counter()
    for toks, tags in en["train"]:
        if toks[:3] in (("He", "said", ","), ("She", "said", ",")) and toks[3] in AMBIGUOUS_NAMES:
            name, nxt = toks[3], toks[4]
            seen[name, tags[3]] += 1
            if tags[3] == "O":
                assert nxt in AMBIGUOUS_NAMES[name] and tags[4] == "O"
            else:
                assert tags[3] == "B-PER" and tags[4] == "I-PER" and nxt not in AMBIGUOUS_NAMES[name]
    for name in AMBIGUOUS_NAMES:
        assert seen[name, "B-PER"] > 30 and seen[name, "O"] > 30, name
    assert set(seen) == {(n, t) for n in AMBIGUOUS_NAMES for t in ("B-PER", "O")}
    first_names = {toks[i] for toks, tags in en["train"] for i, t in enumerate(tags) if t == "B-PER"}
    assert "Teddy" in first_names  # the page's example


# ---------------------------------------------------------------- tokenizers


@pytest.mark.parametrize(
    "text,lang,tokens",
    [
        (
            "Don't say O’Neil's <b>café</b> 😀 costs 3,000.50!",
            "en",
            ["Don't", "say", "O’Neil", "'s", "<", "b", ">", "café", "<", "/", "b", ">", "😀", "costs", "3,000.50", "!"],
        ),
        (
            "Harry Potter's wand isn't O'Neil's; O'Sullivan’s, Potter 's and James' are.",
            "en",
            "Harry Potter 's wand isn't O'Neil 's ; O'Sullivan ’s , Potter 's and James ' are .".split(),
        ),
        ("IT'S Let's", "en", ["IT", "'S", "Let", "'s"]),
        ("He said, Teddy bears are on sale.", "en", "He said , Teddy bears are on sale .".split()),
        (
            "我在IBM工作了3.5年，abc123！",
            "zh",
            list("我在IBM工作了3.5年，abc123！"),
        ),
        ("  北京  ", "zh", ["北", "京"]),
        ("２０２４年 2024 😀。", "zh", list("２０２４年2024😀。")),
        ("", "en", []),
    ],
)
def test_tokens_and_their_spans(text, lang, tokens):
    got = tokenize(text, lang)
    assert [t for t, _, _ in got] == tokens
    assert all(text[s:e] == t for t, s, e in got)
    assert all(a[2] <= b[1] for a, b in zip(got, got[1:]))  # in order, no overlap


def test_every_generated_sentence_tokenizes_back_to_its_tokens_with_the_possessive_written_on(en):
    """The tagger reads a page's text with the tokenizer, and was trained on the generated tokens: the two agree on
    every sentence, spaced as generated ("Potter 's") and with the possessive written on the name ("Potter's")."""
    n = 0
    for sents in en.values():
        for toks, _ in sents:
            text = " ".join(toks)
            assert [t for t, _, _ in tokenize(text, "en")] == list(toks), toks
            if "'s" in toks:
                n += 1
                assert [t for t, _, _ in tokenize(text.replace(" 's", "'s"), "en")] == list(toks), toks
    assert n > 1000  # templates with a possessive are there


def test_a_possessive_is_not_part_of_the_name_the_tagger_reads():
    """The 's is its own token with its own span, so a name the tagger finds can end before it (the training
    sentences tag "Potter 's" B-PER O)."""
    m = tiny(scale=2.0, seed=1)
    text = "Potter's wand"
    r = m.read(text)
    assert r.tokens == ["Potter", "'s", "wand"] and r.spans == [(0, 6), (6, 8), (9, 13)]


@pytest.mark.parametrize(
    "token,want",
    [
        ("He", 2), ("said", 1), ("USA", 3), ("1998", 4), (",", 5), ("北", 5), ("a", 1), ("I", 2),
        ("café", 1), ("Über", 2), ("ÉCOLE", 3), ("élan", 1), ("Ωmega", 2), ("ΑΒΓ", 3), ("江", 5), ("江泽民", 5),
        ("😀", 5), ("２０２４", 4), ("Ｗ", 2), ("'s", 5),
    ],
)  # fmt: skip
def test_shape_ids_by_hand(token, want):
    """Lower-case 1, Title-case 2, UPPER-case 3 (non-ASCII letters too), a number 4; punctuation, emoji and letters
    of scripts without case 5."""
    assert shape(token) == want


# ---------------------------------------------------------------- CoNLL uploads

CONLL = """-DOCSTART- -X- -X- O

EU NNP B-NP S-ORG
rejects VBZ B-VP O
German JJ B-NP B-MISC
call NN I-NP O
. . O O

Peter\tB-PER
Blackburn\tE-PER
lives\tO
in\tO
New\tB-LOC
York\tI-LOC


Lonely I-LOC
"""


def test_read_conll_reads_conll_2003_and_iobes():
    """4-column lines (token first, tag last), tabs, -DOCSTART- and runs of blank lines; S- read as B-, E- as I-,
    an I- that starts a sentence as B-."""
    sents, n_cut = read_conll(CONLL)
    assert n_cut == 0
    assert sents == [
        (("EU", "rejects", "German", "call", "."), ("B-ORG", "O", "B-MISC", "O", "O")),
        (("Peter", "Blackburn", "lives", "in", "New", "York"), ("B-PER", "I-PER", "O", "O", "B-LOC", "I-LOC")),
        (("Lonely",), ("B-LOC",)),
    ]


def test_read_conll_cuts_sentences_beyond_the_maximum_and_long_ones_at_max_tokens():
    text = "\n\n".join(f"w{i} O\nParis B-LOC" for i in range(7))
    sents, n_cut = read_conll(text, max_sentences=5)
    assert (len(sents), n_cut) == (5, 2) and sents[4][0] == ("w4", "Paris")
    sents, n_cut = read_conll("x O\n" * (MAX_TOKENS + 3))
    assert [len(s) for s, _ in sents] == [MAX_TOKENS, 3] and n_cut == 0


@pytest.mark.parametrize(
    "text,code,line",
    [
        ("Paris B-LOC\nlonely\nx O", "no_tag", 2),
        ("Paris B-LOC\n\nx O\ny B_PER", "bad_tag", 4),
        ("Paris b-loc", "bad_tag", 1),
        ("-DOCSTART- O\n\nParis B-LOC\nis X-LOC", "bad_tag", 4),
        ("a O\nb I-\n", "bad_tag", 2),
    ],
)
def test_read_conll_names_the_first_bad_line(text, code, line):
    with pytest.raises(ConllError) as err:
        read_conll(text)
    assert (err.value.code, err.value.line) == (code, line)
    assert err.value.text == text.splitlines()[line - 1]


# ---------------------------------------------------------------- the tagger against torch's LSTM


def _x(m: Tagger, words: list[int], shapes: list[int]) -> torch.Tensor:
    """x<t> = [e_w ; shape vector], read straight from the two embedding matrices."""
    return torch.cat([m.E.weight[words], m.S.weight[shapes]], dim=-1)


def _lstm(m: Tagger, suffix: str) -> torch.nn.LSTM:
    """A one-directional torch LSTM holding one direction of the tagger's weights."""
    one = torch.nn.LSTM(m.config.n_e + m.config.n_shape, m.config.n_a, batch_first=True)
    with torch.no_grad():
        for name in ("weight_ih", "weight_hh", "bias_ih", "bias_hh"):
            getattr(one, f"{name}_l0").copy_(getattr(m.lstm, f"{name}_l0{suffix}"))
    return one


@torch.no_grad()
def test_bidirectional_states_are_a_forward_and_a_flipped_backward_lstm():
    """→a<t>: a one-directional LSTM with the _l0 weights on x<1..Tx>; ←a<t>: one with the _l0_reverse weights on
    the sentence read backwards, its outputs flipped back."""
    m = tiny()
    tokens = "He said , Teddy Roosevelt was a USA 1998 president".split()
    w, s = m.ids(tokens)
    assert w.tolist() == [2, 3, 4, 5, 6, 7, 8, 1, 1, 10] and s.tolist() == [2, 1, 5, 2, 2, 1, 1, 3, 4, 1]
    got = m.states(w[None], s[None], torch.tensor([len(tokens)]))[0]
    x = _x(m, w.tolist(), s.tolist())[None]
    fwd = _lstm(m, "")(x)[0][0]
    bwd = _lstm(m, "_reverse")(x.flip(1))[0][0].flip(0)
    assert got.shape == (len(tokens), 10)
    torch.testing.assert_close(got[:, :5], fwd, atol=1e-6, rtol=0)
    torch.testing.assert_close(got[:, 5:], bwd, atol=1e-6, rtol=0)
    r = m.read(" ".join(tokens))  # the page's reading holds the same states and ŷ = softmax(W_y [→a ; ←a] + b)
    np.testing.assert_allclose(r.a_fwd, fwd.numpy(), atol=1e-6)
    np.testing.assert_allclose(r.a_bwd, bwd.numpy(), atol=1e-6)
    y = torch.softmax(torch.cat([fwd, bwd], -1) @ m.W_y.weight.T + m.W_y.bias, -1)
    np.testing.assert_allclose(r.y_hat, y.numpy(), atol=1e-6)
    assert r.known.tolist() == [True] * 7 + [False, False, True]


@pytest.mark.parametrize("bidirectional", [True, False])
@torch.no_grad()
def test_a_padded_batch_gives_each_sentence_its_own_states(bidirectional):
    """collate pads sentences of 2, 7 and 4 tokens; packing makes each row's states those of its own unpadded run
    (the backward LSTM starts at the sentence's last token, not at the padding), and padding reads zeros."""
    m = tiny(bidirectional)
    sents = [["Teddy", "bears"], "He said , Teddy Roosevelt was great".split(), ["a", "great", "president", "."]]
    batch = [(m.ids(s), None) for s in sents]
    words, shapes, lengths, tags = collate(batch)
    assert tags is None and words.shape == (3, 7) and lengths.tolist() == [2, 7, 4]
    got = m.states(words, shapes, lengths)
    for i, s in enumerate(sents):
        w, sh = m.ids(s)
        x = _x(m, w.tolist(), sh.tolist())[None]
        want = _lstm(m, "")(x)[0][0]
        if bidirectional:
            want = torch.cat([want, _lstm(m, "_reverse")(x.flip(1))[0][0].flip(0)], -1)
        torch.testing.assert_close(got[i, : len(s)], want, atol=1e-6, rtol=0)
        assert not got[i, len(s) :].any()
    assert m.predict([tuple(s) for s in sents] + [()]) == [m.read(" ".join(s)).tags for s in sents] + [[]]


@torch.no_grad()
def test_the_one_directional_tagger_cannot_see_ahead_and_the_bidirectional_one_does():
    """ŷ<1..4> of "He said , Teddy" is the same whatever follows for the forward LSTM alone; with ←a<t> ŷ<1>
    already changes."""
    short, longer = "He said , Teddy", "He said , Teddy bears are great ."
    uni = tiny(bidirectional=False)
    a, b = uni.read(short), uni.read(longer)
    assert a.a_bwd is None and a.a_fwd.shape == (4, 5)
    np.testing.assert_allclose(b.y_hat[:4], a.y_hat, atol=1e-6, rtol=0)
    bi = tiny(bidirectional=True)
    a, b = bi.read(short), bi.read(longer)
    assert np.abs(a.y_hat[0] - b.y_hat[0]).max() > 1e-3


def test_read_is_consistent_ŷ_tags_entities_and_spans():
    """Rows of ŷ sum to 1, each tag is its row's argmax, the entities are seqeval's get_entities of the tags, with
    their text, character span and the mean ŷ of their tags."""
    m = tiny(scale=2.0, seed=1)  # large weights: many different tags, so there are entities to check
    text = "He said, Teddy Roosevelt was a great President; Teddy bears are great. He  said 1998 USA."
    r = m.read(text)
    assert r.tokens == [t for t, _, _ in tokenize(text, "en")] and r.n_cut == 0
    assert all(text[s:e] == t for t, (s, e) in zip(r.tokens, r.spans))
    np.testing.assert_allclose(r.y_hat.sum(1), 1.0, atol=1e-6)
    assert r.y_hat.shape == (len(r.tokens), len(TAGS)) and r.tag_names == TAGS
    assert r.tags == [TAGS[i] for i in r.y_hat.argmax(1)] and r.pairs() == list(zip(r.tokens, r.tags))
    assert m.tag(text) == r.pairs()
    assert len(set(r.tags)) >= 3 and r.entities
    assert [(e["type"], e["first"], e["last"]) for e in r.entities] == get_entities(r.tags)
    col = {t: i for i, t in enumerate(TAGS)}
    for e in r.entities:
        assert (e["start"], e["end"]) == (r.spans[e["first"]][0], r.spans[e["last"]][1])
        assert e["text"] == text[e["start"] : e["end"]]
        ks = range(e["first"], e["last"] + 1)
        assert e["p"] == pytest.approx(np.mean([r.y_hat[k, col[r.tags[k]]] for k in ks]), abs=1e-6)


@pytest.mark.parametrize("bidirectional", [True, False])
def test_empty_text_and_long_text(bidirectional):
    m = tiny(bidirectional)
    for text in ("", "   \n "):
        r = m.read(text)
        assert r.tokens == r.tags == r.spans == r.entities == [] and r.n_cut == 0
        assert r.y_hat.shape == (0, len(TAGS)) and r.a_fwd.shape == (0, 5) and r.known.shape == (0,)
        assert (r.a_bwd is None) != bidirectional and (r.a_bwd is None or r.a_bwd.shape == (0, 5))
        assert m.tag(text) == []
    r = m.read("he said " * 80)  # 160 tokens
    assert (len(r.tokens), r.n_cut, r.y_hat.shape, r.a_fwd.shape) == (MAX_TOKENS, 10, (MAX_TOKENS, 7), (150, 5))


def test_chinese_tagger_reads_every_character_latin_letters_and_digits_too():
    m = tiny(lang="zh", words=ZH_WORDS)
    text = "江泽民在IBM工作了3年"
    r = m.read(text)
    assert r.tokens == list("江泽民在IBM工作了3年")
    assert r.known.tolist() == [True] * 4 + [False] * 3 + [True] * 3 + [False, True]
    assert all(text[s:e] == t for t, (s, e) in zip(r.tokens, r.spans))
    assert tiny().key("IBM") == "ibm"  # English words are looked up lower-cased


ZH_WIDE = (PAD, UNK, *"在２０４年，ＩＢＭ")  # the corpus writes Latin letters and digits full-width


@torch.no_grad()
def test_a_chinese_tagger_reads_ascii_digits_and_letters_as_their_full_width_forms():
    """A vocabulary with ２０２４: "2024" and "２０２４" get the same ids (known, not <unk>), the same shapes, and the
    same ŷ; ASCII punctuation too (, -> ，); Chinese characters are looked up as they are."""
    m = tiny(lang="zh", words=ZH_WIDE)
    assert [m.key(c) for c in "2024IBM,在"] == list("２０２４ＩＢＭ，在")
    for ascii_, wide in (("在2024年,IBM", "在２０２４年，ＩＢＭ"), ("2", "２")):
        (w1, s1), (w2, s2) = m.ids(list(ascii_)), m.ids(list(wide))
        assert w1.tolist() == w2.tolist() and s1.tolist() == s2.tolist() and 1 not in w1.tolist()
        np.testing.assert_allclose(m.read(ascii_).y_hat, m.read(wide).y_hat, atol=1e-6, rtol=0)
    assert m.read("在2024年").known.all() and not m.read("在2024年x").known[-1]


# ---------------------------------------------------------------- entity scores

GOLD = [
    tags_of("B-PER I-PER O B-LOC"),
    tags_of("O I-ORG I-ORG O B-PER"),  # an I- after O starts an entity (conlleval)
    tags_of("B-LOC I-LOC O"),
]
PRED = [
    tags_of("B-PER I-PER O B-ORG"),
    tags_of("O B-ORG I-ORG O O"),
    tags_of("B-LOC I-LOC O"),
]


def test_entity_scores_are_seqevals_and_the_hand_counts():
    """Gold: PER(0-1), LOC(3), ORG(1-2), PER(4), LOC(0-1); predicted: PER(0-1), ORG(3), ORG(1-2), LOC(0-1). Right:
    PER(0-1), ORG(1-2), LOC(0-1): P = 3/4, R = 3/5, F1 = 2/3; per type PER 1/1 1/2, LOC 1/1 1/2, ORG 1/2 1/1."""
    got = entity_scores(GOLD, PRED)
    assert set(got) == {"all", "PER", "LOC", "ORG"}
    assert got["all"] == {"precision": 0.75, "recall": 0.6, "f1": round(2 / 3, 4), "n": 5}
    assert got["all"]["precision"] == round(precision_score(GOLD, PRED), 4)
    assert got["all"]["recall"] == round(recall_score(GOLD, PRED), 4)
    assert got["all"]["f1"] == round(f1_score(GOLD, PRED), 4)
    assert got["PER"] == {"precision": 1.0, "recall": 0.5, "f1": round(2 / 3, 4), "n": 2}
    assert got["LOC"] == {"precision": 1.0, "recall": 0.5, "f1": round(2 / 3, 4), "n": 2}
    assert got["ORG"] == {"precision": 0.5, "recall": 1.0, "f1": round(2 / 3, 4), "n": 1}
    per_type = f1_score(GOLD, PRED, average=None)  # seqeval's types in sorted order
    assert [got[k]["f1"] for k in ("LOC", "ORG", "PER")] == [round(float(v), 4) for v in per_type]
    assert entity_scores([tags_of("B-PER O")], [tags_of("O O")])["PER"] == {
        "precision": 0.0,
        "recall": 0.0,
        "f1": 0.0,
        "n": 1,
    }


def test_score_is_entity_scores_of_the_batched_predictions():
    m = tiny(scale=2.0, seed=1)
    sents = [(tuple("He said , Teddy Roosevelt".split()), tuple(tags_of("O O O B-PER I-PER"))), ((), ())]
    sents += [(tuple("a great president .".split()), tuple(tags_of("O O B-PER O")))]
    pred = [m.read(" ".join(t)).tags for t, _ in sents if t]
    assert score(m, sents) == entity_scores([g for t, g in sents if t], pred)


def test_score_reads_a_sentence_longer_than_max_tokens_up_to_max_tokens():
    """A 200-token gold sentence (with an entity after token 150): scored as its first MAX_TOKENS tokens, the ones
    the tagger reads, not a crash on 200 gold tags against 150 predicted."""
    m = tiny(scale=2.0, seed=1)
    toks = tuple(("He said , Teddy Roosevelt was a great president . " * 20).split())
    tags = tuple(("O O O B-PER I-PER O O O O O " * 20).split())
    assert len(toks) == len(tags) == 200 > MAX_TOKENS
    got = score(m, [(toks, tags), (toks[:7], tags[:7])])
    assert got == score(m, [(toks[:MAX_TOKENS], tags[:MAX_TOKENS]), (toks[:7], tags[:7])])
    assert got["all"]["n"] == MAX_TOKENS // 10 + 1


# ---------------------------------------------------------------- the "ner" kind


def _conll(n: int, misc: bool = True, entity: bool = True) -> str:
    """n CoNLL sentences (token, POS, tag); with MISC entities when `misc`; all O unless `entity`."""
    rows = []
    for i in range(n):
        per = "B-PER I-PER" if entity else "O O"
        loc, misc_tag = ("B-LOC", "B-MISC" if misc else "O") if entity else ("O", "O")
        sent = [("Peter", per.split()[0]), (f"Smith{i % 3}", per.split()[1]), ("visited", "O"), ("Paris", loc)]
        sent += [("with", "O"), ("German", misc_tag), ("friends", "O"), (".", "O")]
        rows.append("\n".join(f"{w} NNP {t}" for w, t in sent))
    return "\n\n".join(rows) + "\n"


def _read(text: str):
    k = registry.get("ner")
    return k.read("ner", "upload", text, k.defaults(), registry.LIMITS)


def test_an_uploaded_conll_file_is_read_or_refused_with_a_reason():
    data = _read(_conll(25))
    assert len(data.items) == 25 and data.lang == "en" and data.notes == {}
    assert data.items[0] == (
        ("Peter", "Smith0", "visited", "Paris", "with", "German", "friends", "."),
        tuple(tags_of("B-PER I-PER O B-LOC O B-MISC O O")),
    )
    with pytest.raises(registry.DataError) as err:
        _read(_conll(registry.LIMITS.min_lines - 1))
    assert err.value.code == "too_small" and err.value.info["n"] == registry.LIMITS.min_lines - 1
    with pytest.raises(registry.DataError) as err:
        _read(_conll(25, entity=False))
    assert err.value.code == "no_entities"
    bad = _conll(25).splitlines()
    bad[12] = "Paris NNP LOC"  # line 13
    with pytest.raises(registry.DataError) as err:
        _read("\n".join(bad))
    assert err.value.code == "conll_bad_tag" and err.value.info["line"] == 13
    with pytest.raises(registry.DataError) as err:
        _read("Paris B-LOC\n" * 3 + "Paris\n")
    assert err.value.code == "conll_no_tag" and err.value.info["line"] == 4


def test_more_sentences_than_the_limit_are_cut_and_noted():
    from dataclasses import replace

    k = registry.get("ner")
    data = k.read("ner", "upload", _conll(30), k.defaults(), replace(registry.LIMITS, examples=22))
    assert len(data.items) == 22 and data.notes == {"cut_examples": {"n": 22}}


def test_tag_set_is_the_shipped_one_or_the_datas_types():
    """The shipped seven tags when the data has no others; else "O" and B-/I- of each type it has, sorted."""
    assert tag_set(_read(_conll(25, misc=False)).items) == TAGS
    assert tag_set(_read(_conll(25)).items) == ("O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-PER", "I-PER")
    assert tag_set(read_conll(CONLL)[0]) == (
        "O", "B-LOC", "I-LOC", "B-MISC", "I-MISC", "B-ORG", "I-ORG", "B-PER", "I-PER",
    )  # fmt: skip


def test_language_of_a_file_is_chinese_when_most_tokens_hold_chinese_characters():
    zh = [(tuple("江泽民在北京工作"), ("O",) * 8)]
    en = [(("Peter", "lives", "in", "Paris", "."), ("O",) * 5)]
    assert _lang_of(zh) == "zh" and _lang_of(en) == "en" and _lang_of([]) == "en"
    assert _lang_of([(("北", "京", "is", "big"), ("O",) * 4)]) == "zh"  # half the tokens
    assert _lang_of([(("北京", "是", "big", "city"), ("O",) * 4)]) == "zh"  # a word-segmented line
    assert _lang_of([(("北京", "is", "big", "city"), ("O",) * 4)]) == "en"
    text = "\n".join(f"{c} {t}" for c, t in zip("江泽民在北京", tags_of("B-PER I-PER I-PER O B-LOC I-LOC")))
    data = _read("\n\n".join([text] * 25))
    assert data.lang == "zh" and data.notes == {} and data.items[0] == (tuple("江泽民在北京"), (*data.items[0][1],))


def test_characters_turns_chinese_words_into_character_tags():
    """Each word's tag on its first character, I- of its type on the others; an I- that follows another type (word
    level "B-PER I-LOC") starts an entity; a sentence longer than MAX_TOKENS characters is cut into pieces, a name
    cut in two restarting with B-."""
    sents = [
        (("江泽民", "在", "北京", "。"), tags_of("B-PER O B-LOC O")),
        (("李鹏", "中南海", "新华社"), tags_of("B-PER I-LOC I-ORG")),
        (("一" * (MAX_TOKENS - 1), "欧阳修", "好"), ("O", "B-PER", "O")),
    ]
    got = characters(sents)
    assert got[0] == (tuple("江泽民在北京。"), tuple(tags_of("B-PER I-PER I-PER O B-LOC I-LOC O")))
    assert got[1] == (tuple("李鹏中南海新华社"), tuple(tags_of("B-PER I-PER B-LOC I-LOC I-LOC B-ORG I-ORG I-ORG")))
    assert got[2] == (tuple("一" * (MAX_TOKENS - 1) + "欧"), ("O",) * (MAX_TOKENS - 1) + ("B-PER",))
    assert got[3] == (tuple("阳修好"), ("B-PER", "I-PER", "O"))
    assert len(got) == 4 and characters([]) == []


def test_a_word_segmented_chinese_upload_is_read_as_characters_and_noted():
    """A CoNLL file of Chinese words (江泽民 B-PER) becomes character-level sentences, the way the Chinese tagger
    reads text, and the notes say so (with the number of sentences read)."""
    rows = [("江泽民", "B-PER"), ("在", "O"), ("北京", "B-LOC"), ("会见", "O"), ("李鹏", "B-PER"), ("。", "O")]
    one = "\n".join(f"{w} {t}" for w, t in rows)
    data = _read("\n\n".join([one] * 25))
    assert data.lang == "zh" and data.notes == {"characters": {"n": 25}} and len(data.items) == 25
    assert data.items[0] == (
        tuple("江泽民在北京会见李鹏。"),
        tuple(tags_of("B-PER I-PER I-PER O B-LOC I-LOC O O B-PER I-PER O")),
    )
    assert counts(data.items) == {"LOC": 25, "PER": 50}


def test_counts_are_seqevals_entities():
    """B-PER I-LOC is two entities for seqeval (conlleval), and "O I-ORG I-ORG" one: so here too, and the counts
    agree with the scores' n."""
    assert counts([(("a", "b"), ("B-PER", "I-LOC"))]) == {"LOC": 1, "PER": 1}
    sents = [(tuple("x" * len(g)), tuple(g)) for g in GOLD + PRED]
    want = Counter(k for _, g in sents for k, _, _ in get_entities(list(g)))
    assert counts(sents) == dict(sorted(want.items())) == {"LOC": 3, "ORG": 3, "PER": 3}
    assert counts(sents[: len(GOLD)]) == {k: r["n"] for k, r in entity_scores(GOLD, GOLD).items() if k != "all"}
    assert counts([]) == {}


def test_a_tiny_run_on_an_upload_round_trips_through_a_checkpoint():
    """One epoch on 40 uploaded sentences (with MISC) via the runner; the checkpoint's bytes give a model that tags
    every text exactly as the trained one does, and keeps its own tag set."""
    from seqviz.training.runner import read_data, run

    data = read_data("ner", "upload", _conll(40))
    res = run("ner", data, {"epochs": 1, "n_a": 8, "n_e": 8, "batch_size": 8, "min_count": 1}, device="cpu")
    m = res.model
    assert m.config.tags == tag_set(data.items) and "B-MISC" in m.config.tags
    assert set(res.meta["metrics"]) == {"yours"} and res.meta["data"]["tests"]["yours"]["n_sentences"] == 8
    doc, weights = to_bytes(m, "mine", res.meta)
    back = model_from_bytes(doc, weights)
    assert isinstance(back, Tagger) and back.config == m.config
    for text in ("Peter Smith1 visited Paris with German friends .", "He said, Teddy bears are on sale.", ""):
        assert back.tag(text) == m.tag(text)
        np.testing.assert_array_equal(back.read(text).y_hat, m.read(text).y_hat)


@pytest.mark.parametrize("bidirectional", [True, False])
def test_a_random_tagger_round_trips_and_bad_configs_are_refused(bidirectional):
    m = tiny(bidirectional, lang="zh", words=ZH_WORDS)
    doc, weights = to_bytes(m, "t", {})
    back = model_from_bytes(doc, weights)
    assert back.config == m.config and back.tag("江泽民在北京工作") == m.tag("江泽民在北京工作")
    base = {"format": "seqviz-checkpoint-1", "kind": "ner"}
    for bad in (
        {"words": list(ZH_WORDS[1:])},  # no <pad> first
        {"words": [UNK, PAD, *ZH_WORDS[2:]]},
        {"words": [PAD, UNK, 3, *ZH_WORDS[3:]]},  # not a string
        {"tags": ["B-PER", "O", *TAGS[2:]]},  # "O" not first
        {"tags": []},
        {"tags": ["O"] + [f"B-T{i}" for i in range(201)]},
        {"lang": "fr"},
        {"n_a": 6},  # the weights do not fit
        {"n_shape": 65},
        {"bidirectional": not bidirectional},
    ):
        with pytest.raises(CheckpointError):
            model_from_bytes({**base, "config": {**m.config_dict(), **bad}}, weights)
