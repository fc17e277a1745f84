"""seqviz.ui.table: rows shown as Arrow when they fit one type per column, and still shown when they do not."""

import pytest
from streamlit.testing.v1 import AppTest


def _script(rows):
    from seqviz.ui import table

    table(rows)


@pytest.mark.parametrize(
    "rows, column",
    [
        ([{"word": "king", "cos": 0.7}, {"word": "<b>queen</b>", "cos": 0.6}], ["king", "<b>queen</b>"]),
        ([{"word": 1}, {"word": "x"}], ["1", "x"]),  # mixed types: pandas' way
        ([{"p": 0.5}, {"p": None}], ["0.5", "nan"]),  # a missing value
    ],
)
def test_rows_are_shown_with_their_values(rows, column):
    at = AppTest.from_function(_script, args=(rows,)).run()
    assert not at.exception
    df = at.dataframe[0].value
    assert [str(v) for v in df.iloc[:, 0]] == [str(v) for v in column]
    assert list(df.columns) == list(rows[0])


def test_uniform_rows_go_as_arrow(monkeypatch):
    import pyarrow as pa
    import streamlit as st

    from seqviz.ui import common

    seen = []
    monkeypatch.setattr(st, "dataframe", lambda data, **kw: seen.append((data, kw)))
    common.table([{"a": 1, "b": "x"}, {"a": 2, "b": "y"}])
    common.table([{"a": 1}, {"a": "x"}])
    assert isinstance(seen[0][0], pa.Table) and seen[0][1]["hide_index"] is True
    assert isinstance(seen[1][0], list)
