"""Benchmarks for ``torchplot.Live``: loop overhead, refresh speed, cost after long runs.

Run from the repository root::

    PYTHONPATH=. python benchmarks/bench_live.py            # all, ~5 min
    PYTHONPATH=. python benchmarks/bench_live.py refresh     # one of: refresh, overhead, history

Every comparison is measured side by side and interleaved (A, B, A, B, ...)
so that machine load hits both sides alike; the script prints ratios.

* ``refresh``: one refresh of a 4-panel dashboard (2,000 points per panel,
  one new step each) by ``Live`` (artists reused, blitted) vs the usual
  clear-and-replot (``ax.clear(); ax.plot(...)`` for each panel, then
  ``canvas.draw()``).  Target: >= 20x.
* ``overhead``: a CPU training loop of a small MLP logging 3 metrics every
  step, ``Live(every=50)`` writing a PNG, vs the same loop without plotting.
  Target: <= 3% slower.  First what the loop itself pays (``log`` of CPU
  tensors and of floats, and the refresh's transfer, timed directly), then
  the steady state of a long run: one ``Live`` past its first frame,
  segments with and without logging
  interleaved, reported as the median of the per-pair ratios with a
  bootstrap 95% interval (``--pairs N``, default 100: this VM's timings
  scatter by +-10%, so a few percent needs many pairs), and the main
  thread's CPU time.  For the default headless mode (a drawing process) and
  for drawing in the training process (default ``budget``, and
  ``budget=None``: every refresh drawn).  Last, whole runs with a fresh
  ``Live`` each (its start, first frame and ``close`` included).
  ``--only TEXT`` runs only the configurations whose label contains TEXT.
* ``history``: refresh time and memory after 10^3 and after 10^6 logged steps.
"""

from __future__ import annotations

import gc
import os
import statistics
import sys
import tempfile
import time
import tracemalloc

import matplotlib

matplotlib.use("Agg")

import numpy as np
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure

import torchplot
from benchmarks._stats import median_ci

torch.set_num_threads(1)
NAMES = ("loss", "val_loss", "acc", "lr")


def _curves(n: int, noise: float = 0.05, seed: int = 0) -> dict[str, np.ndarray]:
    """Training-like curves: decaying losses, rising accuracy, cosine learning rate, with noise.

    ``noise=None``: pure uniform noise over the whole range (the worst case
    for drawing a line: every pixel column spans the full height).
    """
    rng = np.random.default_rng(seed)
    t = np.linspace(0, 1, n)
    if noise is None:
        return {name: rng.random(n) + 1 for name in NAMES}
    return {
        "loss": 2.3 * np.exp(-4 * t) + 0.1 + noise * rng.standard_normal(n),
        "val_loss": 2.3 * np.exp(-3.5 * t) + 0.2 + noise / 3 * rng.standard_normal(n),
        "acc": 0.95 - 0.85 * np.exp(-5 * t) + noise * rng.standard_normal(n),
        "lr": 1e-3 * 0.5 * (1 + np.cos(np.pi * t)),
    }


def _dashboard(
    n_points: int, noise: float | None = 0.05
) -> tuple[torchplot.Live, dict[str, np.ndarray]]:
    live = torchplot.Live(every=10**9, path=False, display="none", budget=None, figsize=(9.6, 6.8))
    data = _curves(n_points, noise)
    for step in range(n_points):
        live.log(step, **{name: float(data[name][step]) for name in NAMES})
    live.refresh()
    # The step axis is sized for growth: a few more steps keep the limits.
    return live, data


def bench_refresh(rounds: int = 7, per_round: int = 10, noise: float | None = 0.05) -> float:
    n = 2000
    live, data = _dashboard(n, noise)
    fig = Figure(figsize=(9.6, 6.8))
    FigureCanvasAgg(fig)
    axes = fig.subplots(2, 2).ravel()
    more = _curves(n + rounds * per_round, noise, seed=1)
    t_live, t_naive = [], []
    step = n
    for _ in range(rounds):
        for _ in range(per_round):
            live.log(step, **{name: float(more[name][step]) for name in NAMES})
            t = time.perf_counter()
            live.refresh()
            t_live.append(time.perf_counter() - t)
            step += 1
        t = time.perf_counter()
        x = np.arange(step, dtype=float)
        for ax, name in zip(axes, NAMES, strict=True):
            ax.clear()
            ax.plot(x[:n], data[name])
            ax.set_title(name)
        fig.canvas.draw()
        t_naive.append(time.perf_counter() - t)
    med_live, med_naive = statistics.median(t_live), statistics.median(t_naive)
    ratio = med_naive / med_live
    kind = "pure-noise (worst case)" if noise is None else "training-like"
    print(
        f"refresh, 4 panels x {n} {kind} points: "
        f"Live {med_live * 1e3:.2f} ms (median of {len(t_live)}; "
        f"blits {live._dash.blits}, full draws {live._dash.full_draws - 1}), clear-and-replot "
        f"{med_naive * 1e3:.1f} ms (median of {len(t_naive)}): {ratio:.1f}x faster (target >= 20x)"
    )
    live.close()
    return ratio


class _MLP:
    def __init__(self) -> None:
        gen = torch.Generator().manual_seed(0)
        self.model = torch.nn.Sequential(
            torch.nn.Linear(64, 256),
            torch.nn.ReLU(),
            torch.nn.Linear(256, 256),
            torch.nn.ReLU(),
            torch.nn.Linear(256, 10),
        )
        self.opt = torch.optim.Adam(self.model.parameters(), lr=1e-3)
        self.x = torch.randn(128, 64, generator=gen)
        self.y = torch.randint(0, 10, (128,), generator=gen)

    def step(self) -> tuple[torch.Tensor, torch.Tensor, torch.Tensor]:
        self.opt.zero_grad(set_to_none=True)
        out = self.model(self.x)
        loss = torch.nn.functional.cross_entropy(out, self.y)
        loss.backward()
        self.opt.step()
        acc = (out.detach().argmax(1) == self.y).float().mean()
        gnorm = self.model[0].weight.grad.norm()
        return loss, acc, gnorm


#: CPU seconds of the main thread in each timed segment (see bench_overhead).
CPU: list[float] = []


def _segment(mlp: _MLP, steps: int, live: torchplot.Live | None, start: int) -> float:
    c = time.thread_time()
    t = time.perf_counter()
    for i in range(start, start + steps):
        loss, acc, gnorm = mlp.step()
        if live is not None:
            live.log(i, loss=loss, acc=acc, grad_norm=gnorm)
    CPU.append(time.thread_time() - c)
    return time.perf_counter() - t


def bench_log_cost(n: int = 3000) -> None:
    """What the loop pays per step, measured directly (no training around it).

    For 3 CPU tensors (read at once) and for 3 Python floats, per value.
    """
    values = {
        "tensors": [torch.tensor(1.0), torch.tensor(0.5), torch.tensor(2.0)],
        "floats": [1.0, 0.5, 2.0],
    }
    for label, (loss, acc, gnorm) in values.items():
        live = torchplot.Live(every=50, path=False, display="none", budget=1e-9)
        live.log(0, loss=loss, acc=acc, grad_norm=gnorm)
        live.refresh()
        t_log, t_refresh = 0.0, 0.0
        for step in range(1, n + 1):
            t = time.perf_counter()
            if len(live._pending) + 1 >= live.every:
                live.log(step, loss=loss, acc=acc, grad_norm=gnorm)  # triggers the refresh
                t_refresh += time.perf_counter() - t
            else:
                live.log(step, loss=loss, acc=acc, grad_norm=gnorm)
                t_log += time.perf_counter() - t
        n_ref = n // live.every
        per_step = t_log / (n - n_ref)
        print(
            f"cost per step: log() of 3 {label} {per_step * 1e6:.1f} us "
            f"({per_step / 3 * 1e6:.2f} us per value); refresh without drawing (transfer, "
            f"history, artists) {t_refresh / n_ref * 1e3:.2f} ms per 50 steps = "
            f"{t_refresh / n_ref / live.every * 1e6:.1f} us per step"
        )
        live.close()


def bench_overhead(pairs: int = 100, steps: int = 200, only: str = "") -> None:
    bench_log_cost()
    mlp = _MLP()
    for _ in range(30):
        mlp.step()  # warm up allocator and kernels
    tmp = tempfile.mkdtemp(prefix="bench-live-")
    configs = {
        "drawing process (default headless), budget=0.02": ({"process": True}, pairs),
        "drawing process, budget=None": ({"process": True, "budget": None}, pairs),
        "in-process, budget=0.02": ({"process": False, "budget": 0.02}, max(pairs // 4, 8)),
        "in-process, budget=None": ({"process": False, "budget": None}, max(pairs // 4, 8)),
    }
    for label, (options, n_pairs) in configs.items():
        if only not in label:
            continue
        # The steady state of a long run: one Live, past its first frame (and
        # the child's start), logging in every other segment; segments of
        # the plain loop in between, in alternating order.  Each segment
        # starts after a pause, so a frame still being drawn for the last
        # segment with Live cannot land in a plain one.  On a VM whose
        # timings scatter by +-10%, the median over many short pairs, with
        # its bootstrap interval, is what resolves a few percent.
        live = torchplot.Live(
            every=50, path=os.path.join(tmp, "live.png"), display="file", **options
        )
        _segment(mlp, 50, live, 0)
        if options.get("process"):
            time.sleep(3.0)  # the child imports Matplotlib once per run
        step, first = 50, live.refreshes
        plain, with_live, cpu_plain, cpu_live = [], [], [], []
        for k in range(n_pairs):
            for use in (False, True) if k % 2 == 0 else (True, False):
                time.sleep(0.25)
                if use:
                    with_live.append(_segment(mlp, steps, live, step))
                    cpu_live.append(CPU[-1])
                    step += steps
                else:
                    plain.append(_segment(mlp, steps, None, 0))
                    cpu_plain.append(CPU[-1])
        refreshes = live.refreshes - first
        live.close()
        if options.get("process"):
            assert live._remote is not None and live._remote.failed is None
            stats = live._remote.stats
            frames = f"{stats['frames'] - 1} frames drawn ({stats['blits']} blitted)"
        else:
            dash = live._dash
            frames = f"{refreshes} frames drawn ({dash.blits} blitted)"
            refreshes += live.skipped
        torchplot.close(live.figure)
        med, lo, hi = median_ci([w / p for w, p in zip(with_live, plain, strict=True)])
        print(
            f"overhead, steady state, {label}: median of {n_pairs} interleaved pairs of "
            f"{steps}-step runs {100 * (med - 1):+.1f}% (95% CI {100 * (lo - 1):+.1f}% to "
            f"{100 * (hi - 1):+.1f}%), total {100 * (sum(with_live) / sum(plain) - 1):+.1f}%, "
            f"main-thread CPU time {100 * (sum(cpu_live) / sum(cpu_plain) - 1):+.1f}% "
            f"({statistics.median(plain) / steps * 1e3:.2f} ms/step plain; "
            f"{frames} for {refreshes} refreshes; target <= +3%)"
        )
    if only:
        return
    # Whole runs: creation, first full draw and close included.
    run, plain, with_live = 600, [], []
    for k in range(max(pairs // 25, 4)):
        for use in (False, True) if k % 2 == 0 else (True, False):
            if use:
                t = time.perf_counter()
                live = torchplot.Live(every=50, path=os.path.join(tmp, "run.png"), display="file")
                _segment(mlp, run, live, 0)
                live.close()
                torchplot.close(live.figure)
                with_live.append(time.perf_counter() - t)
            else:
                plain.append(_segment(mlp, run, None, 0))
    over = sum(with_live) / sum(plain) - 1
    print(
        f"overhead, whole {run}-step runs (Live creation, first full draw and close included): "
        f"{100 * over:+.1f}% over {sum(plain) / len(plain):.2f} s runs"
    )


def _blit_time(live: torchplot.Live, step: int, n: int = 15) -> float:
    times = []
    last = {name: float(live.history(name)[1][-1]) for name in NAMES}
    for i in range(n):
        live.log(step + i, **last)
        t = time.perf_counter()
        live.refresh()
        times.append(time.perf_counter() - t)
    return statistics.median(times)


def bench_history() -> None:
    tracemalloc.start()
    live, _ = _dashboard(1000)
    _blit_time(live, 1000)  # settle the limits
    gc.collect()
    mem_1e3 = tracemalloc.get_traced_memory()[0]
    t_1e3 = _blit_time(live, 1100)
    # 10^6 steps, fed in bulk through the same path log() takes at a refresh
    # (history store on disk + display series); 10^6 log() calls would take minutes.
    chunk = 20_000
    first = 1115
    long = _curves(10**6, seed=3)
    for start in range(first, first + 10**6, chunk):
        steps = np.arange(start, start + chunk, dtype=float)
        for name in NAMES:
            values = long[name][start - first : start - first + chunk]
            live._store.append(name, steps, values)
            live._panel_of[name].ingest(name, steps, values)
    del long, values, steps  # (slices of `long` keep it alive)
    live.refresh()  # the step axis grew: one full redraw
    _blit_time(live, first + 10**6)
    gc.collect()
    mem_1e6 = tracemalloc.get_traced_memory()[0]
    t_1e6 = _blit_time(live, first + 10**6 + 20)
    tracemalloc.stop()
    drawn = len(live.panels["loss"].artists[0].get_xdata())
    n_logged = len(live.history("loss")[0])
    print(
        f"history: refresh after 1e3 steps {t_1e3 * 1e3:.2f} ms, after {n_logged:.2e} steps "
        f"{t_1e6 * 1e3:.2f} ms (ratio {t_1e6 / t_1e3:.2f}); "
        f"traced memory {mem_1e3 / 2**20:.1f} MiB "
        f"-> {mem_1e6 / 2**20:.1f} MiB; points drawn per metric {drawn}; full series exported: "
        f"{n_logged} points"
    )
    live.close()


if __name__ == "__main__":
    args = sys.argv[1:]
    pairs, only = 100, ""
    if "--pairs" in args:
        i = args.index("--pairs")
        pairs = int(args[i + 1])
        del args[i : i + 2]
    if "--only" in args:  # e.g. --only "drawing process": the configurations so labelled
        i = args.index("--only")
        only = args[i + 1]
        del args[i : i + 2]
    for name in args or ["refresh", "overhead", "history"]:
        if name == "refresh":
            bench_refresh()
            bench_refresh(rounds=3, per_round=5, noise=None)
        elif name == "overhead":
            bench_overhead(pairs=pairs, only=only)
        else:
            bench_history()
