"""A classroom at once: N simulated students clicking through every page of one SeqViz server.

Run: python benchmarks/load_test.py [--students 40] [--duration 120] [--clicks 40] [--think 3]
     python benchmarks/load_test.py --url http://127.0.0.1:8501 --pid 1234   # a server already running

Without --url it starts `streamlit run app.py` on loopback, and stops it at the end. Each student is
one websocket session (benchmarks/streamlit_client.py): it opens the home page, then visits every page
of seqviz/ui/nav.py (a page added there is visited too), types its own sentence into the page's text
box where there is one, and waits about --think seconds (jittered) between clicks. Every fourth
student types one of the held-out bad inputs instead (empty, HTML, Chinese, emoji, 5,000 characters);
every third one uses the 中文 UI (?lang=zh). Each student's text carries a marker (svq007z); a marker
seen by any other student is a leak. Stops after --clicks clicks per student or --duration seconds.

Targets (issue 8): 40 students clicking every ~3 s: 0 errors, 0 exceptions, p95 page run <= 1 s,
server memory <= 3 GB. Exit status 1 when a target is missed or a leak is seen.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import random
import re
import resource
import runpy
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import urllib.request
from collections import defaultdict
from pathlib import Path

from benchmarks.streamlit_client import Tab

ROOT = Path(__file__).resolve().parent.parent

TARGET_P95 = 1.0  # seconds, one page run
TARGET_MEMORY = 3 * 1024**3  # bytes, the server's resident memory (all its processes)
MARKER = re.compile(rb"svq(\d{3})z", re.IGNORECASE)
SENTENCES = [  # plain sentences; the student's marker is put in each
    "the cat sat on the mat {m} and looked at the birds",
    "i am not feeling happy today {m} because it rains",
    "machine learning on sequences is fun {m}",
    "jane visits africa in september {m}",
    "the movie was surprisingly good {m} and the music too",
    "17 march 2024 {m}",
    "a recurrent network reads one character at a time {m}",
    "my friend ada lovelace wrote the first program {m}",
]
BAD = {  # the held-out bad inputs
    "empty": lambda m: "",
    "html": lambda m: f"<script>alert(1)</script> {m} <b>bold</b>",
    "chinese": lambda m: f"今天天气很好，我们去公园散步 {m} 这部电影太好看了",
    "emoji": lambda m: f"😀🎉 great day {m} 🚀🔥 ❤️",
    "huge": lambda m: (f"{m} " + "the quick brown fox jumps over the lazy dog " * 120)[:5000],
}


def page_paths() -> list[str]:
    """Url paths of every page: "" (home) and those of seqviz/ui/nav.py's SECTIONS."""
    sections = runpy.run_path(str(ROOT / "seqviz" / "ui" / "nav.py"))["SECTIONS"]
    return [""] + [url for _, entries in sections for _, _, _, url in entries]


def student_text(i: int) -> tuple[str, str]:
    """(kind, text) student i types; every fourth student a bad input."""
    m = f"svq{i:03d}z"
    if i % 4 == 3:
        kind = list(BAD)[(i // 4) % len(BAD)]
        return kind, BAD[kind](m)
    return "sentence", SENTENCES[i % len(SENTENCES)].format(m=m)


# ---------------------------------------------------------------- the server


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_server(port: int, log=subprocess.DEVNULL, options: list[str] = ()) -> subprocess.Popen:
    """`streamlit run app.py` on loopback, in its own process group; returns once /_stcore/health answers
    (RuntimeError when it does not). The load test, the concurrency test and the browser tests all start it so.

    `options` are more Streamlit options as "section.name=value" (runner.postScriptGC=true, say)."""
    extra = [arg for opt in options for arg in (f"--{opt.split('=', 1)[0]}", opt.split("=", 1)[1])]
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "streamlit",
            "run",
            "app.py",
            "--server.headless",
            "true",
            "--server.address",
            "127.0.0.1",
            "--server.port",
            str(port),
            "--browser.gatherUsageStats",
            "false",
            "--server.fileWatcherType",
            "none",
            *extra,
        ],  # as a classroom server runs (README): no reloads of edited files
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
        start_new_session=True,
    )
    for _ in range(600):
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                return proc
        except OSError:
            if proc.poll() is not None:
                break
            time.sleep(0.2)
    stop_server(proc)
    raise RuntimeError("streamlit did not start")


def stop_server(proc: subprocess.Popen) -> None:
    try:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=15)
    except ProcessLookupError:
        pass
    except subprocess.TimeoutExpired:
        os.killpg(proc.pid, signal.SIGKILL)


def tree_usage(pid: int) -> tuple[int, float]:
    """(resident memory in bytes, CPU seconds used so far) of a process and all its descendants (psutil, or /proc)."""
    try:
        import psutil

        p = psutil.Process(pid)
        rss, cpu = 0, 0.0
        for q in [p] + p.children(recursive=True):
            try:
                rss += q.memory_info().rss
                t = q.cpu_times()
                cpu += t.user + t.system
            except psutil.Error:
                pass
        return rss, cpu
    except ImportError:
        pass
    children = defaultdict(list)
    for d in os.listdir("/proc"):
        if d.isdigit():
            try:
                with open(f"/proc/{d}/stat") as f:
                    ppid = int(f.read().rsplit(")", 1)[1].split()[1])
                children[ppid].append(int(d))
            except (OSError, IndexError, ValueError):
                pass
    rss, ticks, todo = 0, 0, [pid]
    while todo:
        p = todo.pop()
        todo += children.get(p, [])
        try:
            with open(f"/proc/{p}/statm") as f:
                rss += int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")
            with open(f"/proc/{p}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
                ticks += int(fields[11]) + int(fields[12])  # utime + stime
        except (OSError, IndexError, ValueError):
            pass
    return rss, ticks / os.sysconf("SC_CLK_TCK")


class MemorySampler(threading.Thread):
    """Samples the server's resident memory twice a second (keeps the peak) and the CPU time it used."""

    def __init__(self, pid: int | None):
        super().__init__(daemon=True)
        self.pid, self.peak, self.cpu, self.stop = pid, 0, 0.0, threading.Event()
        self.cpu0 = tree_usage(pid)[1] if pid else 0.0

    def mark(self) -> None:
        """Count CPU time from now on (the class arrives)."""
        if self.pid:
            self.cpu0 = tree_usage(self.pid)[1]

    def run(self) -> None:
        while self.pid and not self.stop.is_set():
            rss, cpu = tree_usage(self.pid)
            self.peak, self.cpu = max(self.peak, rss), cpu - self.cpu0
            self.stop.wait(0.5)


# ---------------------------------------------------------------- the students


class Results:
    """Everything the students saw, summed up."""

    def __init__(self):
        self.runs = []  # (page, seconds, status, action, time it ended)
        self.exceptions = []  # (student, page, "Type: message")
        self.errors_shown = []  # (student, page, body of an st.error box)
        self.failures = []  # (student, page, what): connection or protocol problems
        self.leaks = []  # (student, page, whose marker)
        self.own_seen = defaultdict(int)  # student -> runs in which their own marker came back
        self.clicks = defaultdict(int)

    def record(self, student: int, run, action: str) -> None:
        self.runs.append((run.page, run.seconds, run.status, action, time.time()))
        self.clicks[student] += 1
        if not run.ok:
            self.failures.append((student, run.page, run.status))
        if run.page_not_found:
            self.failures.append((student, run.page, "page_not_found"))
        self.exceptions += [(student, run.page, e) for e in run.exceptions]
        self.errors_shown += [(student, run.page, e) for e in run.errors]
        own = False
        for data in run.raw:
            for m in MARKER.finditer(data):
                who = int(m.group(1))
                if who == student:
                    own = True
                elif (student, run.page, who) not in self.leaks:
                    self.leaks.append((student, run.page, who))
        self.own_seen[student] += own
        run.raw.clear()


async def student(i: int, url: str, pages: list[str], args, res: Results, t_end: float) -> None:
    """One student: open the app, then visit every page in turn, typing their text where a page takes text."""
    rng = random.Random(args.seed * 1000 + i)
    _, text = student_text(i)
    query = "lang=zh" if i % 3 == 2 else ""
    order = pages[1:]
    k = rng.randrange(len(order))
    order = order[k:] + order[:k]  # students spread over the pages
    await asyncio.sleep(rng.uniform(0, args.ramp))  # the class arrives within --ramp seconds

    def think():
        return asyncio.sleep(args.think * rng.uniform(0.5, 1.5))

    try:
        async with Tab(url, query=query, timeout=args.timeout) as tab:
            res.record(i, await tab.open(""), "open")
            step = 0
            while res.clicks[i] < args.clicks and time.time() < t_end:
                await think()
                page = order[step % len(order)]
                step += 1
                run = await tab.open(page)
                res.record(i, run, "open")
                if not run.ok:
                    break
                box = run.sentence_box()
                if box is None or res.clicks[i] >= args.clicks or time.time() >= t_end:
                    continue
                await think()
                run = await tab.type(box, text)
                res.record(i, run, "type")
                if not run.ok:
                    break
    except Exception as err:  # could not connect, or the connection broke
        res.failures.append((i, "", f"{type(err).__name__}: {err}"))


async def classroom(url: str, pages: list[str], args, res: Results) -> None:
    t_end = time.time() + args.duration
    await asyncio.gather(*(student(i, url, pages, args, res, t_end) for i in range(args.students)))


# ---------------------------------------------------------------- the report


def pct(xs: list[float], q: float) -> float:
    if not xs:
        return float("nan")
    xs = sorted(xs)
    return xs[min(len(xs) - 1, max(0, round(q / 100 * len(xs) + 0.5) - 1))]  # nearest rank


def report(res: Results, args, wall: float, memory: MemorySampler, pages: list[str]) -> dict:
    done = [r for r in res.runs if r[2] == "ok"]
    secs = [r[1] for r in done]
    by_page = defaultdict(list)
    for page, s, *_ in done:
        by_page[page].append(s)
    t_mid = (min(r[4] for r in res.runs) + max(r[4] for r in res.runs)) / 2 if res.runs else 0
    late = [r[1] for r in done if r[4] >= t_mid]  # the second half: the class is in full swing
    summary = {
        "students": args.students,
        "think_s": args.think,
        "wall_s": round(wall, 1),
        "runs": len(res.runs),
        "runs_per_s": round(len(res.runs) / wall, 2),
        "errors": len(res.failures),
        "exceptions": len(res.exceptions),
        "error_boxes": len(res.errors_shown),
        "leaks": len(res.leaks),
        "p50_s": round(statistics.median(secs), 3) if secs else None,
        "p95_s": round(pct(secs, 95), 3) if secs else None,
        "max_s": round(max(secs), 3) if secs else None,
        "p95_second_half_s": round(pct(late, 95), 3) if late else None,
        "server_cpu_s": round(memory.cpu, 1) if memory.pid else None,
        "server_cpu_ms_per_run": round(1000 * memory.cpu / len(res.runs)) if memory.pid and res.runs else None,
        "peak_rss_mb": round(memory.peak / 2**20) if memory.pid else None,
        "pages": {
            p or "home": {
                "n": len(v),
                "p50_s": round(statistics.median(v), 3),
                "p95_s": round(pct(v, 95), 3),
                "max_s": round(max(v), 3),
            }
            for p, v in ((p, by_page[p]) for p in pages)
            if v
        },
        "client_cpu_s": round(
            resource.getrusage(resource.RUSAGE_SELF).ru_utime + resource.getrusage(resource.RUSAGE_SELF).ru_stime, 1
        ),
    }
    print(
        f"\n# {args.students} students, a click every ~{args.think:g} s, {wall:.0f} s "
        f"({summary['runs_per_s']} page runs/s; this client used {summary['client_cpu_s']} s of CPU)"
    )
    print(
        f"runs {summary['runs']}  errors {summary['errors']}  exceptions {summary['exceptions']}  "
        f"error boxes {summary['error_boxes']}  leaks {summary['leaks']}"
    )
    if secs:
        print(
            f"page run: p50 {summary['p50_s']:.2f} s  p95 {summary['p95_s']:.2f} s  max {summary['max_s']:.2f} s  "
            f"(p95 of the second half {summary['p95_second_half_s']:.2f} s)"
        )
    print(f"{'page':16s} {'runs':>5s} {'p50 s':>7s} {'p95 s':>7s} {'max s':>7s}")
    for p, row in summary["pages"].items():
        print(f"{p:16s} {row['n']:5d} {row['p50_s']:7.2f} {row['p95_s']:7.2f} {row['max_s']:7.2f}")
    if memory.pid:
        print(
            f"server peak memory {summary['peak_rss_mb']} MB (resident, all its processes); CPU "
            f"{summary['server_cpu_s']} s in {wall:.0f} s, {summary['server_cpu_ms_per_run']} ms per page run"
        )
    for title, rows in (
        ("errors", res.failures),
        ("exceptions", res.exceptions),
        ("error boxes", res.errors_shown),
        ("leaks (student, page, whose text)", res.leaks),
    ):
        if rows:
            print(f"\n{title} (first 10 of {len(rows)}):")
            for row in rows[:10]:
                print("  ", str(row)[:300])
    seen = sum(1 for i in range(args.students) if res.own_seen[i])
    print(
        f"\nleak check: {seen} of {args.students} students saw their own marker come back "
        f"(so the check can see text); none saw another's"
        if not res.leaks
        else "\nleak check: FAILED"
    )
    targets = [
        ("0 errors", summary["errors"] == 0),
        ("0 exceptions", summary["exceptions"] == 0),
        (f"p95 page run <= {TARGET_P95:g} s", bool(secs) and summary["p95_s"] <= TARGET_P95),
        ("server memory <= 3 GB", memory.pid is None or memory.peak <= TARGET_MEMORY),
        ("no student sees another's text", not res.leaks),
    ]
    print("\ntargets:")
    for name, ok in targets:
        print(f"  {'PASS' if ok else 'FAIL'}  {name}")
    summary["targets_met"] = all(ok for _, ok in targets)
    return summary


def main(argv=None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--students", type=int, default=40)
    ap.add_argument("--duration", type=float, default=120, help="seconds after which no student clicks again")
    ap.add_argument("--clicks", type=int, default=40, help="most clicks (page runs) per student")
    ap.add_argument("--think", type=float, default=3.0, help="mean seconds between a student's clicks (x0.5-1.5)")
    ap.add_argument("--ramp", type=float, default=10.0, help="students arrive within this many seconds")
    ap.add_argument("--timeout", type=float, default=120.0, help="seconds a page run may take before it is an error")
    ap.add_argument("--url", help="a running server (default: start one on loopback)")
    ap.add_argument("--pid", type=int, help="with --url: the server's process id, to sample its memory")
    ap.add_argument("--warm", action="store_true", help="one tab visits every page before the class arrives")
    ap.add_argument(
        "--option",
        action="append",
        default=[],
        metavar="SECTION.NAME=VALUE",
        help="a Streamlit option for the server started here (repeatable), e.g. runner.postScriptGC=true",
    )
    ap.add_argument("--seed", type=int, default=0)
    ap.add_argument("--json", help="also write the summary here")
    args = ap.parse_args(argv)
    pages = page_paths()
    proc = None
    log = tempfile.NamedTemporaryFile("w+", prefix="seqviz-load-", suffix=".log", delete=False)
    if args.url:
        url, pid = args.url, args.pid
    else:
        port = free_port()
        try:
            proc = start_server(port, log, args.option)
        except RuntimeError as err:
            raise SystemExit(str(err)) from err
        url, pid = f"http://127.0.0.1:{port}", proc.pid
    memory = MemorySampler(pid)
    memory.start()
    res = Results()
    try:
        if args.warm:  # the teacher opens every page once before the class arrives

            async def warm():
                async with Tab(url, timeout=args.timeout) as tab:
                    for page in pages:
                        await tab.open(page)

            t0 = time.time()
            asyncio.run(warm())
            print(f"warm-up tour of {len(pages)} pages: {time.time() - t0:.0f} s")
        print(f"server {url}; {len(pages)} pages: {', '.join(p or 'home' for p in pages)}")
        memory.mark()
        t0 = time.time()
        asyncio.run(classroom(url, pages, args, res))
        wall = time.time() - t0
    finally:
        memory.stop.set()
        memory.join()
        if proc is not None:
            stop_server(proc)
    summary = report(res, args, wall, memory, pages)
    if proc is not None:
        log.seek(0)
        errors = [line for line in log.read().splitlines() if "Traceback" in line or "Error" in line]
        print(f"server log {log.name}: {len(errors)} lines with Error/Traceback")
    if args.json:
        Path(args.json).write_text(json.dumps(summary, indent=1, ensure_ascii=False))
    return 0 if summary["targets_met"] else 1


if __name__ == "__main__":
    sys.exit(main())
