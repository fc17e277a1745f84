"""One translation table, complete in English and 中文, and every key the code asks for exists."""
import pathlib
import re

from seqviz.ui.i18n import TEXT, translate

ROOT = pathlib.Path(__file__).resolve().parent.parent


def test_every_entry_has_both_languages():
    for key, (en, zh) in TEXT.items():
        assert en.strip() and zh.strip(), key
        # {name} or {name:fmt}; not LaTeX groups such as \text{threshold} or \frac{g}{...}
        fields = lambda text: set(re.findall(r"(?<![A-Za-z\\}])\{(\w+)(?:[:!][^{}]*)?\}", text))
        assert fields(en) == fields(zh), key


def test_chinese_entries_are_chinese():
    """Prose entries must really be translated (names and notation may stay the same)."""
    same = [k for k, (en, zh) in TEXT.items() if en == zh and len(en) > 20]
    assert sorted(same) == ["cell.default_text", "grad.fig.norm", "sent.default.en", "sent.default.zh"], same   # names / notation / sample text
    assert sum(bool(re.search(r"[\u4e00-\u9fff]", zh)) for _, zh in TEXT.values()) > 0.8 * len(TEXT)


def test_every_key_used_in_code_exists():
    """Plain keys must exist; f-string keys like t(f"arch.{kind}") must match at least two entries."""
    used = set()
    for path in list(ROOT.glob("pages/*.py")) + [ROOT / "app.py"] + list(ROOT.glob("seqviz/ui/*.py")):
        used |= set(re.findall(r"""\bt\(\s*f?["']([a-z0-9_.{}]+)["']""", path.read_text(encoding="utf-8")))
    plain = {k for k in used if "{" not in k}
    patterns = {k for k in used if "{" in k}
    assert sorted(k for k in plain if k not in TEXT) == [] and len(plain) > 30
    for pat in patterns:
        rx = re.compile(re.sub(r"\\\{[^}]*\\\}", "[a-z0-9_-]+", re.escape(pat)) + "$")
        assert sum(bool(rx.match(k)) for k in TEXT) >= 2, pat
    assert len(patterns) >= 4


def test_keys_built_from_names_exist():
    from seqviz.rnn.cells import GATES
    from seqviz.ui.panels import ARCHITECTURES
    for kind in ARCHITECTURES:
        assert f"arch.{kind}" in TEXT and f"arch.{kind}.use" in TEXT
    for field in {"a", "c"} | {g for gs in GATES.values() for g in gs}:
        assert f"field.{field}" in TEXT
    from seqviz.embeddings.projection import METHODS
    from seqviz.ui.emb import CHECKPOINTS
    for name in CHECKPOINTS:
        assert f"emb.ckpt.{name}" in TEXT
    for method in METHODS + ("skip-gram", "cbow", "glove"):
        assert f"emb.method.{method}" in TEXT
    for code in ["empty", "empty_file", "cut", "binary", "not_utf8", "too_big", "unknown", "case"]:
        assert f"problem.{code}" in TEXT
    for cell in ["gru", "lstm"]:
        assert f"cell.gates.explain.{cell}" in TEXT


def test_translate_formats_and_falls_back():
    assert translate("problem.cut", "zh", n_chars=5000, max_chars=2000) == "你的文字共有 5,000 个字符，只显示前 2,000 个。"
    assert translate("no.such.key", "zh") == "no.such.key"
