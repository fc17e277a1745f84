"""Eight students at once on one real server: every page opened at the same moment, no exception, own text only."""
import asyncio
import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "benchmarks"))
from load_test import MARKER, page_paths, student_text  # noqa: E402
from streamlit_client import Tab  # noqa: E402

STUDENTS = 8          # students 3 and 7 type held-out bad input (empty, HTML); 2 and 5 use the 中文 UI


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture(scope="module")
def server():
    """A fresh `streamlit run app.py` on loopback, as a classroom server runs (no file watcher)."""
    port = _free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "streamlit", "run", "app.py", "--server.headless", "true", "--server.address",
         "127.0.0.1", "--server.port", str(port), "--browser.gatherUsageStats", "false",
         "--server.fileWatcherType", "none"],
        cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    url = f"http://127.0.0.1:{port}"
    for _ in range(300):
        try:
            with urllib.request.urlopen(url + "/_stcore/health", timeout=1):
                break
        except OSError:
            time.sleep(0.2)
    else:
        os.killpg(proc.pid, signal.SIGTERM)
        pytest.fail("streamlit did not start")
    yield url
    os.killpg(proc.pid, signal.SIGTERM)
    proc.wait(timeout=15)


async def _classroom(url: str, pages: list[str]) -> list[tuple[int, str, object]]:
    """All students open each page at the same moment, then all type their text into it at the same moment."""
    runs = []
    tabs = [Tab(url, query="lang=zh" if i % 3 == 2 else "", timeout=90) for i in range(STUDENTS)]
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
    runs = asyncio.run(_classroom(server, pages))
    assert len(runs) >= STUDENTS * len(pages)
    problems, leaks, own = [], [], set()
    for i, action, run in runs:
        where = f"student {i}, {action} /{run.page}"
        if run.status != "ok" or run.page_not_found:
            problems.append(f"{where}: {run.status or 'no answer'}{', page not found' if run.page_not_found else ''}")
        problems += [f"{where}: exception {e[:300]}" for e in run.exceptions]
        problems += [f"{where}: error box {e[:300]}" for e in run.errors]
        for data in run.raw:
            for m in MARKER.finditer(data):
                who = int(m.group(1))
                if who == i:
                    own.add(i)
                else:
                    leaks.append(f"{where} saw student {who}'s text")
    assert problems == []
    assert leaks == []
    assert len(own) >= STUDENTS // 2, "the students' own text should come back to them (else the leak check is blind)"
    typed = {run.page for _, action, run in runs if action == "type"}
    assert len(typed) >= 4, f"pages that took text: {sorted(typed)}"
