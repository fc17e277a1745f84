"""One translation table, complete in English and 中文, and every key the code asks for exists."""
import pathlib
import re

from seqviz.ui.i18n import TEXT, translate

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_entry_has_both_languages():
    for key, (en, zh) in TEXT.items():
        assert en.strip() and zh.strip(), key
        assert set(re.findall(r"\{(\w+)", en)) == set(re.findall(r"\{(\w+)", zh)), key


def test_chinese_entries_are_chinese():
    """Prose entries must really be translated (names and notation may stay the same)."""
    same = [k for k, (en, zh) in TEXT.items() if en == zh and len(en) > 20]
    assert same == ["cell.default_text"], same
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", zh)) for _, zh in TEXT.values()) > 0.8 * len(TEXT)


def test_every_key_used_in_code_exists():
    used = set()
    for path in list(ROOT.glob("pages/*.py")) + [ROOT / "app.py"] + list(ROOT.glob("seqviz/ui/*.py")):
        used |= set(re.findall(r'\bt\(\s*"([a-z0-9_.]+)"', path.read_text(encoding="utf-8")))
    missing = sorted(k for k in used if k not in TEXT)
    assert not missing and len(used) > 30


def test_translate_formats_and_falls_back():
    assert translate("problem.cut", "zh", n_chars=5000, max_chars=2000) == "你的文字共有 5,000 个字符，只显示前 2,000 个。"
    assert translate("no.such.key", "zh") == "no.such.key"
