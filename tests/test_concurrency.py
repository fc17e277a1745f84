"""Eight students at once on one real server: every page opened at the same moment, no exception, own text only."""

import asyncio
from pathlib import Path

import pytest
from conftest import PAGE_TITLES
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks.load_test import (  # pyproject: pytest's pythonpath is the repo
    MARKER,
    free_port,
    page_paths,
    start_server,
    stop_server,
    student_text,
)
from benchmarks.streamlit_client import Tab
from seqviz.ui.i18n import translate

ROOT = Path(__file__).resolve().parent.parent

STUDENTS = 8  # students 3 and 7 type held-out bad input (empty, HTML); 2 and 5 use the 中文 UI
RUN_TIMEOUT = 90  # seconds one page run of one student may take (Tab's limit: past it the run is "timeout")
CLASS_TIMEOUT = 600  # seconds the whole classroom may take; a hung server fails the test instead of hanging it


def lang_of(i: int) -> str:
    return "zh" if i % 3 == 2 else "en"


@pytest.fixture(scope="module")
def server():
    """A fresh `streamlit run app.py` on loopback, as a classroom server runs (no file watcher)."""
    port = free_port()
    try:
        proc = start_server(port)
    except RuntimeError as err:
        pytest.fail(str(err))
    yield f"http://127.0.0.1:{port}"
    stop_server(proc)


async def _classroom(url: str, pages: list[str]) -> list[tuple[int, str, object]]:
    """All students open each page at the same moment, then all type their text into it at the same moment."""
    runs = []
    tabs = [Tab(url, query="lang=zh" if lang_of(i) == "zh" else "", timeout=RUN_TIMEOUT) for i in range(STUDENTS)]
    await asyncio.gather(*(tab.__aenter__() for tab in tabs))
    try:
        for page in pages:
            opened = await asyncio.gather(*(tab.open(page) for tab in tabs))
            runs += [(i, "open", run) for i, run in enumerate(opened)]
            typing = [(i, tab, run.sentence_box()) for i, (tab, run) in enumerate(zip(tabs, opened))]
            typed = await asyncio.gather(*(tab.type(box, student_text(i)[1]) for i, tab, box in typing if box))
            runs += [(i, "type", run) for (i, _, box), run in zip([x for x in typing if x[2]], typed)]
    finally:
        await asyncio.gather(*(tab.close() for tab in tabs))
    return runs


def test_eight_students_open_every_page_at_once(server):
    pages = page_paths()
    assert sorted(pages) == sorted(PAGE_TITLES), "a page was added or renamed: give conftest.PAGE_TITLES its title"
    try:
        runs = asyncio.run(asyncio.wait_for(_classroom(server, pages), CLASS_TIMEOUT))
    except TimeoutError:
        pytest.fail(f"the classroom did not finish in {CLASS_TIMEOUT} s")
    assert len(runs) >= STUDENTS * len(pages)
    problems, leaks, own = [], [], {i: set() for i in range(STUDENTS)}  # own: pages that showed i's own text
    for i, action, run in runs:
        where = f"student {i}, {action} /{run.page}"
        if run.status != "ok" or run.page_not_found:
            problems.append(f"{where}: {run.status or 'no answer'}{', page not found' if run.page_not_found else ''}")
        problems += [f"{where}: exception {e[:300]}" for e in run.exceptions]
        problems += [f"{where}: error box {e[:300]}" for e in run.errors]
        title = translate(PAGE_TITLES[run.page], lang_of(i)).encode()  # the page asked for, in their language
        if run.status == "ok" and not any(title in data for data in run.raw):
            problems.append(f"{where}: its title {title.decode()!r} was not shown")
        for data in run.raw:
            leaks += [f"{where} saw student {who}'s text" for who in markers(data) if who != i]
            if i in markers(shown_outside_text_boxes(data)):
                own[i].add(run.page)
    assert problems == []
    assert leaks == []
    typed = {run.page for _, action, run in runs if action == "type"}
    assert len(typed) >= 4, f"pages that took text: {sorted(typed)}"
    # the leak check is blind unless the pages show what was typed: each student with text sees it come back in
    # the pages' own elements, not only in the box they typed it into (both pages list the lines they read)
    writers = [i for i in range(STUDENTS) if student_text(i)[1].strip()]
    assert all({"sentiment", "attention"} <= own[i] for i in writers), {i: sorted(own[i]) for i in writers}


def markers(data: bytes) -> set[int]:
    return {int(m.group(1)) for m in MARKER.finditer(data)}


def shown_outside_text_boxes(data: bytes) -> bytes:
    """The bytes of a message's new element, unless it is a text box (which holds what the tab itself sent)."""
    msg = ForwardMsg()
    msg.ParseFromString(data)
    if msg.WhichOneof("type") != "delta" or msg.delta.WhichOneof("type") != "new_element":
        return b""
    element = msg.delta.new_element
    return b"" if element.WhichOneof("type") in ("text_area", "text_input") else element.SerializeToString()
