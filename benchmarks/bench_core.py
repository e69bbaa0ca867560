"""Core overheads, side by side with the naive path: import time and per-call cost.

Run: ``python -m benchmarks.bench_core`` (``--quick`` for a smoke run, ``--alternate 5000
--no-import`` for the call overheads alone, also timed as alternating single calls).

Each comparison alternates the two contenders in rounds (A, B, A, B, ...) so
drift on a busy machine hits both alike, and reports the median per-call time
of each and their ratio (torchplot / naive).
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as mpl
import numpy as np
import torch

import torchplot


def interleaved(contenders: dict[str, Callable[[], object]], rounds: int, number: int) -> dict:
    """Seconds per call of each contender: (median, min) over alternating rounds.

    The minimum is the steadier figure on a shared virtual machine, where
    other tenants only ever add time.
    """
    samples: dict[str, list[float]] = {name: [] for name in contenders}
    for _ in range(rounds):
        for name, fn in contenders.items():
            start = time.perf_counter()
            for _ in range(number):
                fn()
            samples[name].append((time.perf_counter() - start) / number)
    return {name: (statistics.median(s), min(s)) for name, s in samples.items()}


def alternating(ours: Callable[[], object], naive: Callable[[], object], n: int) -> dict:
    """Seconds per call of each: quantiles (min, 5%, 25%, 50%) of ``n`` single calls.

    The two alternate call by call (in turn first), so both see the same
    moment of a busy machine; the low quantiles of a few thousand calls move
    far less between runs than the minimum of a few rounds.
    """
    times: dict[str, list[float]] = {"ours": [], "naive": []}
    clock = time.perf_counter
    for i in range(n):
        pair = (("ours", ours), ("naive", naive)) if i % 2 else (("naive", naive), ("ours", ours))
        for name, fn in pair:
            start = clock()
            fn()
            times[name].append(clock() - start)
    qs = (0.0, 0.05, 0.25, 0.5)
    return {name: [float(np.quantile(t, q)) for q in qs] for name, t in times.items()}


def report_alternating(title: str, quantiles: dict) -> float:
    ours, naive = quantiles["ours"], quantiles["naive"]
    cells = ", ".join(
        f"{label} {o * 1e6:.1f}/{n * 1e6:.1f} us = {o / n:.3f}"
        for label, o, n in zip(("min", "q05", "q25", "median"), ours, naive, strict=True)
    )
    print(f"{title:<50} {cells}")
    return ours[1] / naive[1]


def report(title: str, times: dict[str, tuple[float, float]], ours: str, naive: str) -> float:
    ratio = times[ours][0] / times[naive][0]
    ratio_min = times[ours][1] / times[naive][1]
    cells = ", ".join(f"{k} {v[0] * 1e6:9.1f} us" for k, v in times.items())
    print(f"{title:<50} {cells}  ratio median {ratio:.3f}, min {ratio_min:.3f}")
    return ratio


def bench_import(rounds: int) -> float:
    def run(stmt: str) -> Callable[[], object]:
        return lambda: subprocess.run(
            [sys.executable, "-c", stmt], check=True, env={"MPLBACKEND": "Agg", "PATH": ""}
        )

    medians = interleaved(
        {"torchplot": run("import torchplot"), "pyplot": run("import matplotlib.pyplot")}, rounds, 1
    )
    return report("import (process wall time)", medians, "torchplot", "pyplot")


def bench_calls(rounds: int, number: int, alternate: int = 0) -> dict[str, float]:
    x = torch.linspace(0, 1, 100)
    y = torch.sin(x * 6).requires_grad_(True)
    xn, yn = x.numpy().copy(), y.detach().numpy().copy()
    fig_t, ax_t = torchplot.subplots()
    fig_m, ax_m = mpl.subplots()

    def tensor_plot():
        ax_t.plot(x, y)[0].remove()

    def naive_plot():  # what users write today
        ax_m.plot(x.detach().cpu().numpy(), y.detach().cpu().numpy())[0].remove()

    def plain_ours():
        ax_t.plot(xn, yn)[0].remove()

    def plain_mpl():
        ax_m.plot(xn, yn)[0].remove()

    ratios = {}
    ratios["tensor call"] = report(
        "ax.plot(100 pts): tensors vs hand-converted",
        interleaved({"torchplot": tensor_plot, "naive": naive_plot}, rounds, number),
        "torchplot",
        "naive",
    )
    ratios["plain call"] = report(
        "ax.plot(100 pts): no tensors, twin vs plain Axes",
        interleaved({"torchplot": plain_ours, "matplotlib": plain_mpl}, rounds, number),
        "torchplot",
        "matplotlib",
    )

    if alternate:
        for _ in range(200):  # warm both paths before the first timed call
            tensor_plot(), naive_plot(), plain_ours(), plain_mpl()
        ratios["tensor call, alternating"] = report_alternating(
            "ax.plot: tensors, alternating single calls",
            alternating(tensor_plot, naive_plot, alternate),
        )
        ratios["plain call, alternating"] = report_alternating(
            "ax.plot: no tensors, alternating single calls",
            alternating(plain_ours, plain_mpl, alternate),
        )

    def tensor_plot_draw():
        line = ax_t.plot(x, y)[0]
        fig_t.canvas.draw()
        line.remove()

    def naive_plot_draw():
        line = ax_m.plot(x.detach().cpu().numpy(), y.detach().cpu().numpy())[0]
        fig_m.canvas.draw()
        line.remove()

    ratios["tensor call + draw"] = report(
        "ax.plot + canvas.draw: tensors vs hand-converted",
        interleaved(
            {"torchplot": tensor_plot_draw, "naive": naive_plot_draw}, rounds, max(1, number // 50)
        ),
        "torchplot",
        "naive",
    )
    mpl.close("all")
    return ratios


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run")
    parser.add_argument(
        "--alternate",
        type=int,
        default=0,
        metavar="N",
        help="also time N alternating single calls of each call pair (quantile ratios)",
    )
    parser.add_argument("--no-import", action="store_true", help="skip the import benchmark")
    args = parser.parse_args(argv)
    rounds, number = (3, 50) if args.quick else (31, 300)
    print(f"torch {torch.__version__}, matplotlib {matplotlib.__version__}, numpy {np.__version__}")
    if not args.no_import:
        bench_import(rounds=5 if args.quick else 41)
    bench_calls(rounds, number, args.alternate)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
