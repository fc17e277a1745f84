"""Figure export (seqviz/ui/export.py): how long a student waits after clicking PNG, SVG or CSV.

Run: python -m benchmarks.bench_export

For two typical SeqViz figures, a plain 128 x 60 heatmap (128 hidden units, 60 characters, token tick labels) and
the Inside-the-cell page's animated a<t> figure of a 128-unit LSTM over 60 characters, it prints in ms:
- cold: the first image of a fresh server process (starts the one headless Chromium);
- warm: the median of the next images (the browser reused);
- CSV: the median time to write the figure's data (no browser);
then N_CLICKS students clicking PNG at the same moment on a cold server: the wall time until the last image,
and how many Chromium processes ran (one browser is a handful of processes: its renderer, GPU and utility helpers).
"""

from __future__ import annotations

import os
import statistics
import threading
import time
from pathlib import Path

import numpy as np

REPEAT = 7
N_CLICKS = 30
TEXT = "the cat sat on the mat and looked at the birds in the garden."[:60]


def heatmap_figure():
    """A 128 x 60 heatmap drawn the way SeqViz draws a<t>: positions with the characters as tick labels."""
    from seqviz import viz

    rng = np.random.default_rng(0)
    z = np.round(np.tanh(rng.normal(size=(128, 60))), 3).astype(np.float32)
    heat = dict(type="heatmap", z=z, x=np.arange(60), y=np.arange(128), colorscale=viz.base.scale("RdBu_r"))
    layout = dict(height=600, xaxis=dict(tickvals=list(range(60)), ticktext=list(TEXT)))
    return viz.base.as_dict(viz.base.figure([heat], layout))


def state_figure():
    """The Inside-the-cell a<t> figure (animated, 60 frames) of a random-weight 128-unit LSTM over 60 characters."""
    import torch

    from seqviz import viz
    from seqviz.rnn.models import CharLM, CharLMConfig

    torch.manual_seed(0)
    model = CharLM(CharLMConfig("lstm", 128, tuple("\n abcdefghijklmnopqrstuvwxyz."))).eval()
    return viz.base.as_dict(viz.rnn.state_animation(model.trace(TEXT)))


def ms(f) -> float:
    t0 = time.perf_counter()
    f()
    return 1e3 * (time.perf_counter() - t0)


def chromium_processes() -> int:
    """Chromium processes below this one (the export browser and its helpers)."""
    me, children = os.getpid(), {}
    for p in Path("/proc").iterdir():
        if p.name.isdigit():
            try:
                stat = (p / "stat").read_text()
                comm = (p / "comm").read_text().strip()
            except OSError:
                continue
            children[int(p.name)] = (int(stat.rsplit(")", 1)[1].split()[1]), comm)

    def below(pid: int) -> bool:
        while pid in children and pid != me:
            pid = children[pid][0]
        return pid == me

    return sum(1 for pid, (_, comm) in children.items() if "chrom" in comm and below(pid))


def main() -> None:
    from seqviz.ui import export

    if export.browser_path() is None:
        print("no Chromium here (apt-get install chromium): only the CSV times")
    for name, make in (("heatmap 128 x 60", heatmap_figure), ("a<t> figure, LSTM 128 x 60 chars", state_figure)):
        fig = make()
        csv_ms = statistics.median(ms(lambda: export.figure_csv(fig)) for _ in range(REPEAT))
        n_rows = export.figure_csv(fig).count("\n") - 1
        print(f"{name}: CSV {csv_ms:.1f} ms ({n_rows} rows)")
        if export.browser_path() is None:
            continue
        for fmt in ("svg", "png"):
            export.BROWSER.close()  # a fresh server: the first click starts the browser
            cold = ms(lambda: export.image(fig, fmt))
            warm = statistics.median(ms(lambda: export.image(fig, fmt)) for _ in range(REPEAT))
            size = len(export.image(fig, fmt))
            print(f"  {fmt.upper()}: cold {cold:.0f} ms, warm {warm:.0f} ms (median of {REPEAT}), {size / 1e3:.0f} kB")
    if export.browser_path() is None:
        return
    fig = heatmap_figure()
    export.BROWSER.close()
    starts, peak, errors = export.BROWSER.starts, [0], []

    def click():
        try:
            export.image(fig, "png")
        except Exception as e:  # noqa: BLE001 - counted below
            errors.append(e)

    threads = [threading.Thread(target=click) for _ in range(N_CLICKS)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    while any(th.is_alive() for th in threads):
        peak[0] = max(peak[0], chromium_processes())
        time.sleep(0.2)
    wall = time.perf_counter() - t0
    print(
        f"{N_CLICKS} PNG clicks at once on a cold server: last image after {wall:.1f} s "
        f"({1e3 * wall / N_CLICKS:.0f} ms per image), {export.BROWSER.starts - starts} browser started, "
        f"at most {peak[0]} Chromium processes, {len(errors)} failed"
    )
    export.BROWSER.close()


if __name__ == "__main__":
    main()
