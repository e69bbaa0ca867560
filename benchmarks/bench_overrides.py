"""Where ``ax.plot``'s overhead lies: torchplot's Axes against pass-through overrides.

Run: ``python -m benchmarks.bench_overrides`` (``--rounds N``; ``--quick`` for a smoke run).

A small ``ax.plot`` runs two methods that a twin overrides: ``Axes.plot``
itself and ``Axes.add_line``, which Matplotlib calls once per line and whose
twin adopts the line (``line.set_ydata(t)`` must take tensors).  This
benchmark times ``ax.plot(100 pts)[0].remove()`` on Axes that differ only in
those two methods, from nothing overridden to torchplot's twin:

============================  =================================================
``matplotlib``                the plain Axes: the naive path, the reference
``subclass``                  a do-nothing subclass, swapped in as torchplot
                              adopts (``ax.__class__ = ...``)
``pass-through add_line``     a subclass whose ``add_line(self, line)`` only
                              returns Matplotlib's
``pass-through both``         the same, plus ``plot(self, *args, **kwargs)``
                              that only returns Matplotlib's
``pass-through, adopting``    as ``pass-through both``, but ``add_line`` also
                              swaps the line's class to torchplot's twin
``torchplot``                 a torchplot Axes (its lines adopted)
============================  =================================================

The gap between ``pass-through both`` and ``torchplot`` is what torchplot's
own work costs (its checks, the adoption of the line); the gap between
``matplotlib`` and ``pass-through both`` is what any override of those two
methods would cost.  Each kind runs in its own fresh process per round,
rounds in shuffled order.  A process reports the 10th percentile of its
single-call times, which a burst of load on a shared machine cannot move as
far as the median;
a kind's figure is the minimum over rounds, and beside it the median over
rounds of its ratio to the Matplotlib process of the same round.  The same
wrappers timed in a tight loop (their code and data hot in cache) are
printed for contrast: in situ they run once per 150 µs of Matplotlib work.
"""

from __future__ import annotations

import argparse
import random
import statistics
import time
from typing import Any

from benchmarks._stats import format_ratio, run_worker

KINDS = (
    "matplotlib",
    "subclass",
    "pass-through add_line",
    "pass-through both",
    "pass-through, adopting",
    "torchplot",
)


def _axes(kind: str) -> Any:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as mpl_pyplot
    from matplotlib.axes import Axes

    import torchplot

    if kind == "torchplot":
        return torchplot.subplots()[1]
    ax = mpl_pyplot.subplots()[1]
    if kind == "matplotlib":
        return ax
    plot, add_line = Axes.plot, Axes.add_line
    methods: dict[str, Any] = {}
    if kind in ("pass-through add_line", "pass-through both"):

        def add_line_passed(self: Any, line: Any) -> Any:
            return add_line(self, line)

        methods["add_line"] = add_line_passed
    if kind == "pass-through, adopting":
        line_twin = torchplot.Line2D

        def add_line_adopting(self: Any, line: Any) -> Any:
            line = add_line(self, line)
            line.__class__ = line_twin
            return line

        methods["add_line"] = add_line_adopting
    if kind in ("pass-through both", "pass-through, adopting"):

        def plot_passed(self: Any, *args: Any, **kwargs: Any) -> Any:
            return plot(self, *args, **kwargs)

        methods["plot"] = plot_passed
    ax.__class__ = type("Axes", (Axes,), methods)
    return ax


def worker(kind: str, calls: int) -> float:
    """The 10th percentile of ``calls`` single-call times of ``kind``, after a warm-up."""
    import numpy as np

    ax = _axes(kind)
    x = np.linspace(0, 1, 100)
    y = np.sin(x * 6)
    for _ in range(300):
        ax.plot(x, y)[0].remove()
    clock = time.perf_counter
    times = []
    for _ in range(calls):
        start = clock()
        ax.plot(x, y)[0].remove()
        times.append(clock() - start)
    times.sort()
    return times[len(times) // 10]


def tight_loop(repeats: int) -> None:
    """Each wrapper around a stub, hot in cache: what the same code costs in a tight loop."""
    import numpy as np

    from torchplot._native import explainer_specs, layer_specs
    from torchplot._twins import _layered_method

    result: list[Any] = []

    def stub(self: Any, *args: Any, **kwargs: Any) -> list[Any]:
        return result

    def passed(self: Any, *args: Any, **kwargs: Any) -> Any:
        return stub(self, *args, **kwargs)

    # The twin's plot method, built the way the twin builds it, around the stub.
    ours = _layered_method(stub, layer_specs("plot"), explainer_specs("plot"))
    x = np.zeros(100)
    clock = time.perf_counter
    for name, func in (("stub alone", stub), ("pass-through", passed), ("torchplot's plot", ours)):
        best = float("inf")
        for _ in range(repeats):
            start = clock()
            for _ in range(1000):
                func(None, x, x)
            best = min(best, (clock() - start) / 1000)
        print(f"    tight loop, {name:<18} {best * 1e9:6.0f} ns per call")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=16, help="fresh processes per kind")
    parser.add_argument("--calls", type=int, default=2000, help="timed calls per process")
    parser.add_argument("--quick", action="store_true", help="few rounds: a smoke run")
    parser.add_argument("--worker", choices=KINDS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(worker(args.worker, args.calls))
        return 0
    rounds, calls = (2, 300) if args.quick else (args.rounds, args.calls)
    times: dict[str, list[float]] = {kind: [] for kind in KINDS}
    for _ in range(rounds):
        order = list(KINDS)
        random.shuffle(order)
        for kind in order:
            times[kind].append(
                float(run_worker("benchmarks.bench_overrides", kind, "--calls", str(calls)))
            )
    reference = min(times["matplotlib"])
    print(f"ax.plot(100 pts)[0].remove(), fresh processes, {rounds} rounds (q10 per process)")
    for kind in KINDS:
        best = min(times[kind])
        ratios = [t / m for t, m in zip(times[kind], times["matplotlib"], strict=True)]
        print(
            f"  {kind:<22} {best * 1e6:6.1f} us (min over rounds), "
            f"+{(best - reference) * 1e6:4.1f} us, ratio {best / reference:.3f}; "
            f"per-round ratio {format_ratio(ratios)}"
        )
    print(f"  median over rounds: matplotlib {statistics.median(times['matplotlib']) * 1e6:.1f} us")
    tight_loop(repeats=50 if args.quick else 300)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
