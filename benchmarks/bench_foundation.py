"""Foundation figures: trace time (200 characters), warm page re-runs, cold start to the first page drawn.

Run: python benchmarks/bench_foundation.py [--no-browser]
Targets (issue 2): warm re-run of a page < 100 ms on CPU for a 200-character input;
cold start of the app to the first page drawn < 5 s.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
TEXT200 = (
    "ada lovelace\ncharles babbage\ngrace hopper\nalan turing\nandrew ng\n"
    "mary johnson\njames smith\nlinda garcia\nbarbara martinez\nelizabeth anderson\n"
    "jennifer thomas\nmaria hernandez\nsusan moore\nmargaret taylor\n"
)[:200]


def ms(xs):
    return (
        f"median {statistics.median(xs) * 1e3:7.1f} ms  (min {min(xs) * 1e3:.1f}, max {max(xs) * 1e3:.1f}, n={len(xs)})"
    )


def bench_trace(n=30):
    import seqviz

    print(f"\n# trace of a {len(TEXT200)}-character input (CPU, all gates, numpy out)")
    for cell in ("rnn", "gru", "lstm"):
        m = seqviz.load_pretrained(f"names-{cell}")
        m.trace(TEXT200)
        xs = []
        for _ in range(n):
            t0 = time.perf_counter()
            m.trace(TEXT200)
            xs.append(time.perf_counter() - t0)
        print(f"  {cell:5s} {ms(xs)}")


def bench_pages(n=15):
    from streamlit.testing.v1 import AppTest

    print(f"\n# warm re-run of each page (AppTest: the whole script, {len(TEXT200)}-character input)")
    cases = [
        ("home", "pages/home.py", {}),
        ("rnn cell · RNN", "pages/rnn_cell.py", {"cell_kind": "rnn"}),
        ("rnn cell · GRU", "pages/rnn_cell.py", {"cell_kind": "gru"}),
        ("rnn cell · LSTM", "pages/rnn_cell.py", {"cell_kind": "lstm"}),
    ]
    for label, page, state in cases:
        at = AppTest.from_file(str(ROOT / "app.py"), default_timeout=120)
        for k, v in {"cell_text": TEXT200, **state}.items():
            at.session_state[k] = v
        at.switch_page(page)
        t0 = time.perf_counter()
        at.run()
        cold = time.perf_counter() - t0
        assert not at.exception, at.exception
        xs = []
        for _ in range(n):
            t0 = time.perf_counter()
            at.run()
            xs.append(time.perf_counter() - t0)
        print(f"  {label:16s} first run {cold * 1e3:7.1f} ms | warm {ms(xs)}")


def bench_cold_start():
    chromium = shutil.which("chromium") or shutil.which("chromium-browser")
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        chromium = None
    if not chromium:
        print("\n# cold start: skipped (needs chromium and playwright)")
        return
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    t0 = time.perf_counter()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
        ],
        cwd=ROOT,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        start_new_session=True,
    )
    try:
        while True:
            try:
                urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1)
                break
            except OSError:
                time.sleep(0.05)
        t_health = time.perf_counter() - t0
        with sync_playwright() as p:
            b = p.chromium.launch(
                executable_path=chromium,
                args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"],
            )
            print("\n# cold start: `streamlit run app.py`, then Chromium opens a page (server's first session)")
            print(f"  server healthy after {t_health:.2f} s")
            for label, path, sel in [
                ("home page (the first page) title drawn", "", "h1"),
                ("RNN-cell page title drawn", "rnn-cell", "h1"),
                ("RNN-cell page first chart drawn", "rnn-cell", ".js-plotly-plot"),
            ]:
                page = b.new_page()
                t1 = time.perf_counter()
                page.goto(f"http://127.0.0.1:{port}/{path}")
                page.wait_for_selector(sel, timeout=60000)
                dt = time.perf_counter() - t1
                print(f"  {label:42s} {dt:5.2f} s after the browser asked; {t_health + dt:5.2f} s from launch")
                page.close()
            b.close()
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


if __name__ == "__main__":
    ap = argparse.ArgumentParser()
    ap.add_argument("--no-browser", action="store_true")
    a = ap.parse_args()
    import logging

    import torch

    logging.getLogger("streamlit").setLevel(logging.ERROR)  # AppTest's bare-mode warnings
    print(f"torch {torch.__version__}, {torch.get_num_threads()} threads, {os.cpu_count()} cores")
    bench_trace()
    bench_pages()
    if not a.no_browser:
        bench_cold_start()
