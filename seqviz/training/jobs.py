"""A server-wide queue of training runs, each in its own low-priority worker process.

The app never trains inside a page run: a run is `python -m seqviz.training.studio ... --progress jsonl` in a
child process (niced, with a bounded thread count), so a student's training cannot hold the Python
GIL or the CPU that everyone else's pages need. `slots` runs go at once (default 1); the others
wait in order and can see how many are ahead. The child writes the same two files as the command
line; the queue reads them back as bytes and deletes its temporary folder.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from dataclasses import dataclass, field
from pathlib import Path

from seqviz.core.registry import LIMITS
from seqviz.training.runner import safe_name

ROOT = Path(__file__).resolve().parents[2]  # the folder that holds the seqviz package
MAX_SAMPLES = 200  # samples a job keeps (the newest), written as a character model learns
MAX_SAMPLE = 2_000  # characters kept of each


class QueueFull(RuntimeError):
    """Too many runs are waiting already."""


class AlreadyRunning(RuntimeError):
    """This owner (one browser session) has a run queued or going already."""


@dataclass
class Job:
    """One training run and everything the page shows about it."""

    id: str
    owner: str
    kind: str
    source: str
    params: dict
    name: str
    status: str = "queued"  # queued, running, done, failed, cancelled
    n_steps: int = 0
    step: int = 0
    epoch: int = 0
    loss: float | None = None
    elapsed: float = 0.0
    device: str = ""
    train_curve: list = field(default_factory=list)  # (step, loss)
    val_curve: list = field(default_factory=list)  # (step, {metric: value})
    log: list = field(default_factory=list)  # (seconds since start, code, info) for the page's log
    samples: list = field(default_factory=list)  # (step, loss, text): what a character model writes as it learns
    notes: dict = field(default_factory=dict)  # what reading the data cut or skipped
    error: tuple | None = None  # (code, info)
    stop_reason: str = ""
    stop_requested: bool = False
    result: tuple | None = None  # (json bytes, safetensors bytes)
    created: float = field(default_factory=time.time)
    started: float | None = None
    finished: float | None = None

    @property
    def active(self) -> bool:
        return self.status in ("queued", "running")

    @property
    def fraction(self) -> float:
        return min(1.0, self.step / self.n_steps) if self.n_steps else 0.0

    @property
    def eta(self) -> float | None:
        """Seconds left at the pace so far (None before the first steps)."""
        f = self.fraction
        return self.elapsed / f - self.elapsed if 0.02 <= f < 1 else None


class TrainingQueue:
    """Runs submitted jobs in worker processes, `slots` at a time, oldest first."""

    def __init__(
        self,
        slots: int = 1,
        max_waiting: int = 12,
        max_seconds: float | None = None,
        threads: int | None = None,
        nice: int = 10,
        device: str = "auto",
        keep_seconds: float = 3600,
    ):
        self.slots, self.max_waiting, self.nice, self.device = slots, max_waiting, nice, device
        self.max_seconds = LIMITS.seconds if max_seconds is None else max_seconds
        self.threads = threads or max(1, (os.cpu_count() or 2) // 2)
        self.keep_seconds = keep_seconds
        self._jobs: dict[str, Job] = {}
        self._order: list[str] = []  # queued job ids, oldest first
        self._procs: dict[str, subprocess.Popen] = {}
        self._stopfiles: dict[str, Path] = {}
        self._lock = threading.Condition()
        for i in range(slots):
            threading.Thread(target=self._worker, name=f"seqviz-train-{i}", daemon=True).start()

    # ---- what the page calls
    def submit(
        self,
        owner: str,
        kind: str,
        source: str,
        params: dict,
        name: str,
        text: str | bytes | None = None,
        device: str | None = None,
    ) -> Job:
        """Queue a run; raises AlreadyRunning or QueueFull (the page says which)."""
        with self._lock:
            self._forget_old()
            if any(j.owner == owner and j.active for j in self._jobs.values()):
                raise AlreadyRunning(owner)
            if len(self._order) >= self.max_waiting:
                raise QueueFull(len(self._order))
            job = Job(uuid.uuid4().hex[:12], owner, kind, source, dict(params), name)
            job._text = text  # handed to the worker, then dropped
            job.device = device or self.device
            self._jobs[job.id] = job
            self._order.append(job.id)
            self._lock.notify_all()
            return job

    def get(self, job_id: str) -> Job | None:
        return self._jobs.get(job_id)

    def ahead(self, job: Job) -> int:
        """Runs that start before this queued one (those going now included)."""
        with self._lock:
            if job.id not in self._order:
                return 0
            running = sum(1 for j in self._jobs.values() if j.status == "running")
            return self._order.index(job.id) + running

    def stop(self, job: Job) -> None:
        """Cancel a queued run, or ask a running one to stop (it keeps the best model so far)."""
        with self._lock:
            job.stop_requested = True
            if job.status == "queued":
                self._order.remove(job.id)
                job.status, job.finished = "cancelled", time.time()
            elif job.id in self._stopfiles:
                self._stopfiles[job.id].touch()

    def forget(self, job: Job) -> None:
        """Drop a finished job (its result has been collected)."""
        with self._lock:
            if not job.active:
                self._jobs.pop(job.id, None)

    def counts(self) -> dict:
        with self._lock:
            return {"running": sum(j.status == "running" for j in self._jobs.values()), "waiting": len(self._order)}

    # ---- the workers
    def _forget_old(self) -> None:
        now = time.time()
        for jid in [j.id for j in self._jobs.values() if j.finished and now - j.finished > self.keep_seconds]:
            self._jobs.pop(jid, None)

    def _worker(self) -> None:
        while True:
            with self._lock:
                while not self._order:
                    self._lock.wait()
                job = self._jobs[self._order.pop(0)]
                job.status, job.started = "running", time.time()
            try:
                self._run(job)
            except Exception as err:  # never let a worker thread die
                job.error = ("failed", {"message": f"{type(err).__name__}: {err}"[:300]})
                job.status = "failed"
            finally:
                job.finished = time.time()
                job._text = None

    def command(self, job: Job, folder: Path) -> list[str]:
        """The command line the worker runs for `job` (the CLI twin with the classroom's caps and JSON-lines
        progress); the checkpoint keeps the student's name."""
        cmd = [
            sys.executable,
            "-m",
            "seqviz.training.studio",
            job.kind,
            "--name",
            safe_name(job.name),
            "--out",
            str(folder),
            "--progress",
            "jsonl",
            "--stop-file",
            str(folder / "STOP"),
            "--device",
            job.device or self.device,
            "--classroom",
        ]
        if self.max_seconds:
            cmd += ["--max-seconds", str(self.max_seconds)]
        if job.source == "upload":
            if isinstance(job._text, bytes):  # a binary upload (a MIDI file) goes to the worker as it came
                (folder / "data.bin").write_bytes(job._text)
                cmd += ["--file", str(folder / "data.bin")]
            else:
                (folder / "data.txt").write_text(job._text or "", encoding="utf-8")
                cmd += ["--file", str(folder / "data.txt")]
        else:
            cmd += ["--data", job.source]
        for k, v in job.params.items():
            cmd += [f"--{k.replace('_', '-')}", str(v)]
        return cmd

    def _run(self, job: Job) -> None:
        with tempfile.TemporaryDirectory(prefix="seqviz-train-") as tmp:
            folder = Path(tmp)
            env = {
                **os.environ,
                "OMP_NUM_THREADS": str(self.threads),
                "MKL_NUM_THREADS": str(self.threads),
                "PYTHONUNBUFFERED": "1",
                "PYTHONPATH": os.pathsep.join(
                    [str(ROOT)] + [p for p in os.environ.get("PYTHONPATH", "").split(os.pathsep) if p]
                ),
            }
            nice = self.nice
            with self._lock:
                self._stopfiles[job.id] = folder / "STOP"
                if job.stop_requested:
                    (folder / "STOP").touch()
            with open(folder / "stderr.txt", "wb") as err:
                proc = subprocess.Popen(
                    self.command(job, folder),
                    stdout=subprocess.PIPE,
                    stderr=err,
                    cwd=ROOT,
                    env=env,
                    text=True,
                    encoding="utf-8",
                    preexec_fn=(lambda: os.nice(nice)) if nice and os.name == "posix" else None,
                )
                self._procs[job.id] = proc
                # a hard limit on top of the run's own time cap (one word2vec epoch can overrun it)
                watchdog = threading.Timer((self.max_seconds or 24 * 3600) + 120, proc.kill)
                watchdog.daemon = True
                watchdog.start()
                t0 = time.time()
                saved = None
                for line in proc.stdout:
                    try:
                        ev = json.loads(line)
                    except ValueError:
                        continue
                    saved = self._event(job, ev, time.time() - t0) or saved
                proc.wait()
                watchdog.cancel()
            self._procs.pop(job.id, None)
            with self._lock:
                self._stopfiles.pop(job.id, None)
            if saved is not None:
                path = folder / f"{safe_name(job.name)}.json"  # what the worker wrote (see command)
                job.result = (path.read_bytes(), path.with_suffix(".safetensors").read_bytes())
                job.status = "done"
            elif job.error is None:
                tail = (folder / "stderr.txt").read_text(encoding="utf-8", errors="replace").strip().splitlines()[-3:]
                job.error = ("crashed", {"code": proc.returncode, "message": " | ".join(tail)[:300]})
                job.status = "failed"
            else:
                job.status = "failed"

    @staticmethod
    def _event(job: Job, ev: dict, t: float):
        kind = ev.get("event")
        if kind == "start":
            job.n_steps, job.device = int(ev.get("n_steps") or 0), ev.get("device", "")
            job.log.append((t, "start", {"n_steps": job.n_steps, "device": job.device}))
        elif kind == "step":
            job.step, job.n_steps, job.epoch = ev["step"], ev.get("n_steps") or job.n_steps, ev.get("epoch", 0)
            job.loss, job.elapsed = ev.get("loss"), ev.get("elapsed", t)
            if job.loss is not None:
                job.train_curve.append((job.step, job.loss))
        elif kind == "eval":
            job.val_curve.append((ev["step"], ev.get("val") or {}))
            job.log.append((t, "eval", {"step": ev["step"], **(ev.get("val") or {})}))
        elif kind == "sample":
            job.samples.append((int(ev.get("step") or 0), ev.get("loss"), str(ev.get("text", ""))[:MAX_SAMPLE]))
            del job.samples[:-MAX_SAMPLES]  # a long run keeps its last ones
        elif kind == "notes":
            job.notes = ev.get("notes") or {}
        elif kind == "end":
            job.stop_reason = ev.get("stop_reason", "")
            job.log.append(
                (t, "end", {"reason": job.stop_reason, "steps": ev.get("steps"), "elapsed": ev.get("elapsed")})
            )
        elif kind == "error":
            job.error = (ev.get("code", "failed"), ev.get("info") or {})
            job.log.append((t, "error", {"code": job.error[0]}))
        elif kind == "saved":
            job.stop_reason = ev.get("stop_reason", job.stop_reason)
            return ev
        return None
