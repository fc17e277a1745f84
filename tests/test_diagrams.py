"""Tests for the schematic architecture pictures."""

import json

import pytest

from seqviz.viz.diagrams import KINDS, architecture_figure


def labels(fig, prefix):
    return [a.text for a in fig.layout.annotations if a.text and a.text.startswith(prefix)]


def boxes(fig, role):
    return [s for s in fig.layout.shapes if s.name == role]


def arrows(fig):
    return [a for a in fig.layout.annotations if a.showarrow]


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_builds_and_serialises(kind):
    fig = architecture_figure(kind)
    assert boxes(fig, "input") and boxes(fig, "output") and (boxes(fig, "cell") or boxes(fig, "cell2"))
    assert arrows(fig)
    data = json.loads(fig.to_json())
    assert data["layout"]["height"] == 240 and data["layout"]["showlegend"] is False
    assert not data["layout"].get("title", {}).get("text")


@pytest.mark.parametrize("kind", KINDS)
def test_labels_are_escaped_and_readable(kind):
    fig = architecture_figure(kind)
    for a in fig.layout.annotations:
        text = (a.text or "").replace("<sup>", "").replace("</sup>", "").replace("<sub>", "").replace("</sub>", "")
        assert "<" not in text and ">" not in text, a.text  # "<t>" must be written as &lt;t&gt;
        if a.text:
            assert a.font.size >= 14
    for s in fig.layout.shapes:
        if s.type == "line":
            assert s.line.dash == "dot"  # plain arrows are annotations; line shapes only carry dashes
    assert fig.layout.xaxis.visible is False and fig.layout.yaxis.visible is False
    assert fig.layout.xaxis.fixedrange and fig.layout.yaxis.fixedrange


@pytest.mark.parametrize(
    "kind, n_in, n_cells, n_out",
    [
        ("one_to_one", 1, 1, 1),
        ("one_to_many", 1, 4, 4),
        ("many_to_one", 4, 4, 1),
        ("many_to_many_same", 4, 4, 4),
        ("many_to_many_diff", 3, 7, 4),
        ("brnn", 4, 8, 4),
        ("deep_rnn", 4, 12, 4),
    ],
)
def test_box_counts(kind, n_in, n_cells, n_out):
    fig = architecture_figure(kind)
    assert len(boxes(fig, "input")) == len(labels(fig, "x")) == n_in
    assert len(boxes(fig, "cell")) + len(boxes(fig, "cell2")) == n_cells
    assert len(boxes(fig, "output")) == len(labels(fig, "ŷ")) == n_out


def test_course_notation():
    fig = architecture_figure("many_to_many_same")
    assert labels(fig, "x") == [
        "x<sup>&lt;1&gt;</sup>",
        "x<sup>&lt;2&gt;</sup>",
        "x<sup>&lt;3&gt;</sup>",
        "x<sup>&lt;T<sub>x</sub>&gt;</sup>",
    ]
    assert labels(fig, "ŷ")[-1] == "ŷ<sup>&lt;T<sub>y</sub>&gt;</sup>"
    assert len(labels(architecture_figure("one_to_many"), "ŷ")) == 4
    assert labels(architecture_figure("one_to_many"), "x") == ["x<sup>&lt;1&gt;</sup>"]


def test_many_to_one_only_last_cell_emits():
    fig = architecture_figure("many_to_one")
    (out,) = [a for a in fig.layout.annotations if a.text and a.text.startswith("ŷ")]
    cells = [a for a in fig.layout.annotations if a.name == "cell"]
    assert out.x == max(c.x for c in cells)
    assert out.y > max(c.y for c in cells)


def test_one_to_many_feeds_outputs_back_with_dashes():
    fig = architecture_figure("one_to_many")
    assert len([s for s in fig.layout.shapes if s.type == "line" and s.line.dash]) == 3


def test_many_to_many_diff_encoder_and_decoder_differ():
    fig = architecture_figure("many_to_many_diff")
    enc, dec = boxes(fig, "cell"), boxes(fig, "cell2")
    assert len(enc) == 3 and len(dec) == 4
    assert enc[0].line.color != dec[0].line.color and enc[0].fillcolor != dec[0].fillcolor
    out_x = [a.x for a in fig.layout.annotations if a.name == "output"]
    in_x = [a.x for a in fig.layout.annotations if a.name == "input"]
    assert max(in_x) < min(out_x)  # decoder gets no inputs from below


def test_brnn_two_rows_both_directions():
    fig = architecture_figure("brnn")
    rows = {}
    for a in fig.layout.annotations:
        if a.name in ("cell", "cell2"):
            rows.setdefault(a.y, []).append(a.text)
    assert len(rows) == 2 and all(len(r) == 4 for r in rows.values())
    assert len(labels(fig, "→a")) == 4 and len(labels(fig, "←a")) == 4
    horizontal = [a for a in arrows(fig) if a.y == a.ay]
    assert sum(a.x > a.ax for a in horizontal) == 3 and sum(a.x < a.ax for a in horizontal) == 3
    assert len(arrows(fig)) == 4 * 4 + 6  # x -> both rows, both rows -> ŷ, 3 recurrent arrows per row


def test_deep_rnn_three_layers_four_steps():
    fig = architecture_figure("deep_rnn")
    cells = [a for a in fig.layout.annotations if a.name == "cell"]
    assert len(cells) == 12
    assert len({c.y for c in cells}) == 3 and len({c.x for c in cells}) == 4
    for layer in (1, 2, 3):
        assert len([c for c in cells if c.text.startswith(f"a<sup>[{layer}]&lt;")]) == 4
    assert len([a for a in arrows(fig) if a.y == a.ay]) == 3 * 3
    assert len([a for a in arrows(fig) if a.x == a.ax]) == 4 * 4  # x->a1->a2->a3->ŷ


def test_colours_consistent_and_dark_mode():
    light, dark = architecture_figure("many_to_many_same"), architecture_figure("many_to_many_same", dark=True)
    for kind in KINDS:
        fig = architecture_figure(kind)
        for role in ("input", "cell", "output"):
            assert {s.fillcolor for s in boxes(fig, role)} <= {boxes(light, role)[0].fillcolor}
    assert len({boxes(light, r)[0].fillcolor for r in ("input", "cell", "output")}) == 3
    assert arrows(light)[0].arrowcolor != arrows(dark)[0].arrowcolor
    assert light.layout.annotations[0].font.color != dark.layout.annotations[0].font.color
    assert architecture_figure("brnn", height=400).layout.height == 400


def test_unknown_kind_raises():
    with pytest.raises(ValueError, match="many_to_one"):
        architecture_figure("transformer")
