"""The README's Python examples run as written, and its layout tree names the packages that exist."""

import re
from pathlib import Path

import plotly.graph_objects as go

ROOT = Path(__file__).resolve().parent.parent
README = (ROOT / "README.md").read_text(encoding="utf-8")


def test_python_examples_run(monkeypatch):
    blocks = re.findall(r"```python\n(.*?)```", README, re.S)
    assert blocks, "the README has no Python example"
    monkeypatch.setattr(go.Figure, "show", lambda self, *a, **k: None)  # no browser window in a test
    for code in blocks:
        scope: dict = {}
        exec(compile(code, "README.md", "exec"), scope)  # our own README's examples
    # the numbers the comments promise
    assert scope["tr"].output == "1989-06-13"
    assert scope["r"].p_lstm < 0.5 < scope["r"].p_average


def test_layout_tree_names_real_packages():
    tree = re.search(r"```\napp.py, pages/.*?```", README, re.S).group(0)
    named = re.findall(r"seqviz/(\w+)/", tree)
    assert set(named) == {p.name for p in (ROOT / "seqviz").iterdir() if (p / "__init__.py").exists()}
    for pkg, text in re.findall(r"seqviz/(\w+)/\s+(.*?)(?=\nseqviz/|\n```)", tree, re.S):
        if pkg == "ui":
            continue  # described, not listed module by module
        text = re.sub(r"\([^)]*\)", "", text)  # drop the notes in brackets
        mods = [c.strip().split()[0].removesuffix(".py") for c in text.split(",") if c.strip()]
        mods = [m for m in mods if m != "then"] + [
            c.split()[-1] for c in text.split(",") if c.strip().startswith("then")
        ]
        missing = [m for m in mods if not (ROOT / "seqviz" / pkg / f"{m}.py").exists()]
        assert not missing, f"README names seqviz/{pkg}/{missing}, which do not exist"
