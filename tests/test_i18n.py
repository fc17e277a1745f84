"""UI text as data: the TOML files in seqviz/ui/locales are complete in English and 中文, well formed, and hold
every key the code asks for."""

import pathlib
import re
import tomllib

import pytest

from seqviz.ui import i18n
from seqviz.ui.i18n import has, translate

ROOT = pathlib.Path(__file__).resolve().parent.parent
LOCALES = ROOT / "seqviz" / "ui" / "locales"
HINT = "train.hint."  # translations of the library's Param hints (their English is Param.hint, not here)


def _params() -> dict:
    """kind -> the settings the Train page shows (each a Param with .name and .hint), from the library's model-kind
    registry: the one statement of them, and of their English."""
    from seqviz.core import registry  # importing seqviz registers every topic package's kinds

    return {name: [p for p in kind.params if getattr(p, "page", True)] for name, kind in registry.KINDS.items()}


def _flat(table: dict, prefix: str = "") -> dict:
    out = {}
    for name, value in table.items():
        if isinstance(value, dict):
            out.update(_flat(value, f"{prefix}{name}."))
        else:
            out[f"{prefix}{name}"] = value
    return out


def _parsed(lang: str) -> dict[str, dict]:
    """file name -> its keys and texts, read straight from the files (not through the loader's cache)."""
    out = {}
    for path in sorted((LOCALES / lang).glob("*.toml")):
        with path.open("rb") as f:
            out[path.name] = _flat(tomllib.load(f))
    return out


def _texts() -> tuple[dict, dict, set]:
    """English, Chinese and the UI's keys (all but the hint translations), read by the loader in the test that
    needs them, so that a broken file fails the tests about it rather than the import of this module."""
    en, zh = i18n.catalog("en"), i18n.catalog("zh")
    return en, zh, set(en) | {k for k in zh if not k.startswith(HINT)}


def _fields(text: str) -> set:
    """{name} or {name:fmt}; not LaTeX groups such as \\text{threshold} or \\frac{g}{...}."""
    return set(re.findall(r"(?<![A-Za-z\\}])\{(\w+)(?:[:!][^{}]*)?\}", text))


def test_every_locale_file_parses_and_holds_only_texts():
    for lang in i18n.LANGS:
        files = _parsed(lang)
        assert len(files) >= 10, lang
        for name, table in files.items():
            assert table or (lang, name) == ("en", "hints.toml"), (lang, name)  # English hints: Param.hint
            bad = [k for k, v in table.items() if not isinstance(v, str)]
            assert bad == [], (lang, name, bad)


def test_each_language_has_the_same_files():
    assert sorted(p.name for p in LOCALES.iterdir() if p.is_dir()) == sorted(i18n.LANGS)
    assert set(_parsed("en")) == set(_parsed("zh"))


def test_no_key_is_defined_twice():
    for lang in i18n.LANGS:
        seen: dict[str, str] = {}
        twice = []
        for name, table in _parsed(lang).items():
            for key in table:
                if key in seen:
                    twice.append((key, seen[key], name))
                seen[key] = name
        assert twice == [], (lang, twice)
        assert len(seen) == len(i18n.catalog(lang))


def test_the_loader_refuses_a_key_defined_twice(tmp_path, monkeypatch):
    (tmp_path / "en").mkdir()
    (tmp_path / "en" / "a.toml").write_text('"x.y" = "one"\n', encoding="utf-8")
    (tmp_path / "en" / "b.toml").write_text('[x]\ny = "two"\n', encoding="utf-8")
    monkeypatch.setattr(i18n, "LOCALES", tmp_path)
    with pytest.raises(ValueError, match="'x.y' is defined twice"):
        i18n._load("en")


def test_no_line_is_over_120_characters():
    long = [
        (str(p.relative_to(LOCALES)), n, len(line))
        for p in sorted(LOCALES.glob("*/*.toml"))
        for n, line in enumerate(p.read_text(encoding="utf-8").splitlines(), 1)
        if len(line) > 120
    ]
    assert long == []


def test_every_entry_has_both_languages():
    EN, ZH, UI_KEYS = _texts()
    assert sorted(UI_KEYS - set(EN)) == [] and sorted(UI_KEYS - set(ZH)) == []
    for key in UI_KEYS:
        en, zh = EN[key], ZH[key]
        assert en.strip() and zh.strip(), key
        assert _fields(en) == _fields(zh), key


def test_chinese_entries_are_chinese():
    """Prose entries must really be translated (names and notation may stay the same)."""
    EN, ZH, UI_KEYS = _texts()
    keys = UI_KEYS & set(EN) & set(ZH)
    same = [k for k in keys if EN[k] == ZH[k] and len(EN[k]) > 20]
    # names, notation, sample text
    assert sorted(same) == [
        "cell.default_text",
        "cell.default_text.code",
        "cell.default_text.prose",
        "grad.fig.norm",
        "ner.default.en",
        "ner.default.zh",
        "sent.default.en",
        "sent.default.zh",
    ], same
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", ZH[k])) for k in keys) > 0.8 * len(keys)


def test_every_key_used_in_code_exists():
    """Plain keys must exist; f-string keys like t(f"arch.{kind}") must match at least two entries."""
    EN = _texts()[0]
    used = set()
    for path in list(ROOT.glob("pages/*.py")) + [ROOT / "app.py"] + list(ROOT.glob("seqviz/ui/*.py")):
        used |= set(re.findall(r"""\bt\(\s*f?["']([a-z0-9_.{}]+)["']""", path.read_text(encoding="utf-8")))
    plain = {k for k in used if "{" not in k}
    patterns = {k for k in used if "{" in k}
    assert sorted(k for k in plain if not has(k)) == [] and len(plain) > 30
    for pat in patterns:
        rx = re.compile(re.sub(r"\\\{[^}]*\\\}", "[a-z0-9_-]+", re.escape(pat)) + "$")
        assert sum(bool(rx.match(k)) for k in EN) >= 2, pat
    assert len(patterns) >= 4


def test_keys_built_from_names_exist():
    from seqviz.rnn.cells import GATES
    from seqviz.ui.panels import ARCHITECTURES

    for kind in ARCHITECTURES:
        assert has(f"arch.{kind}") and has(f"arch.{kind}.use")
    for field in {"a", "c"} | {g for gs in GATES.values() for g in gs}:
        assert has(f"field.{field}")
    from seqviz.embeddings.projection import METHODS
    from seqviz.ui.emb import CHECKPOINTS

    for name in CHECKPOINTS:
        assert has(f"emb.ckpt.{name}")
    for method in METHODS + ("skip-gram", "cbow", "glove"):
        assert has(f"emb.method.{method}")
    for code in ["empty", "empty_file", "cut", "binary", "not_utf8", "too_big", "unknown", "case"]:
        assert has(f"problem.{code}")
    for cell in ["gru", "lstm"]:
        assert has(f"cell.gates.explain.{cell}")


def test_every_setting_hint_is_english_once_and_translated():
    """The Train page's hints and upload formats: English only in the library (Param.hint,
    ModelKind.upload_format), a zh translation per kind and setting ("train.hint.<kind>.<name>", the format as
    "train.hint.<kind>.upload_format"), and no translation of a setting that no longer exists."""
    from seqviz.core import registry

    EN, ZH, _ = _texts()
    wanted = set()
    for kind, params in _params().items():
        upload = registry.get(kind).upload_format
        assert upload.strip() and upload not in EN.values(), kind  # the format's English is the library's
        for prm in [*params, type("Format", (), {"name": "upload_format", "hint": upload})]:
            key = f"{HINT}{kind}.{prm.name}"
            wanted.add(key)
            assert prm.hint.strip(), key
            assert has(key, "zh"), f"no Chinese for {prm.hint!r}: add {key!r} to locales/zh/hints.toml"
            assert re.search(r"[\u4e00-\u9fff]", ZH[key]), key
    assert sorted(k for k in ZH if k.startswith(HINT) and k not in wanted) == []
    assert [k for k in EN if k.startswith(HINT) or re.fullmatch(r"train\.(p\.\w+\.help|format\.\w+)", k)] == []
    assert not any(re.fullmatch(r"train\.p\.\w+\.help", k) for k in ZH)
    assert set(_parsed("zh")["hints.toml"]) == wanted  # the translations live in one file, next to nothing else


def test_translate_formats_and_falls_back():
    EN = _texts()[0]
    assert (
        translate("problem.cut", "zh", n_chars=5000, max_chars=2000) == "你的文字共有 5,000 个字符，只显示前 2,000 个。"
    )
    assert translate("no.such.key", "zh") == "no.such.key"
    assert translate("home.title", "fr") == translate("home.title") == EN["home.title"]
    assert translate("train.hint.char_lm.cell", "en") == "train.hint.char_lm.cell"  # no English copy of a hint


def test_every_bundled_data_set_has_its_name_on_the_train_page():
    """The Train page names each kind's bundled data sets by key (train.data.<source>): a data set added to a kind
    without its name would show the raw key to the student, in either language."""
    from seqviz.core import registry

    sources = {s for kind in registry.KINDS.values() for s in kind.bundled} | {"upload"}
    for lang in i18n.LANGS:
        assert sorted(s for s in sources if not has(f"train.data.{s}", lang)) == [], lang
