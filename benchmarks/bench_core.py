"""Core overheads, side by side with the naive path: import time and per-call cost.

Run: ``python -m benchmarks.bench_core`` (``--quick`` for a smoke run; ``--only calls``
or ``--only import`` for one part).

Every comparison runs the two contenders in separate, fresh processes, as a
user runs one or the other, in interleaved pairs (A, B, then B, A, ...), and
reports the median of the per-pair ratios (torchplot / naive) with its
bootstrap 95% interval.  A pair shares one moment of a busy machine, so the
ratio of a pair is steadier than either time.  Two contenders in one process
(the earlier method) share CPython's specialised bytecode: Matplotlib's own
methods, called alternately on a twin and on a plain object, keep
re-specialising, which taxes whichever type they were not specialised for.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time
from types import CodeType

import numpy as np

from benchmarks._stats import (
    answered_worker,
    format_ratio,
    paired_arguments,
    print_versions,
    run_worker,
    timed_calls,
)

#: What each call-benchmark process does, by name: (setup, the timed call).
#: ``naive`` is what users write today: Matplotlib, converting by hand.
CALLS: dict[str, tuple[str, str]] = {
    "tensor-ours": (
        "import torchplot as plt; fig, ax = plt.subplots()",
        "ax.plot(x, y)[0].remove()",
    ),
    "tensor-naive": (
        "import matplotlib.pyplot as plt; fig, ax = plt.subplots()",
        "ax.plot(x.detach().cpu().numpy(), y.detach().cpu().numpy())[0].remove()",
    ),
    "plain-ours": (
        "import torchplot as plt; fig, ax = plt.subplots()",
        "ax.plot(xn, yn)[0].remove()",
    ),
    "plain-naive": (
        "import matplotlib.pyplot as plt; fig, ax = plt.subplots()",
        "ax.plot(xn, yn)[0].remove()",
    ),
    "draw-ours": (
        "import torchplot as plt; fig, ax = plt.subplots()",
        "line = ax.plot(x, y)[0]; fig.canvas.draw(); line.remove()",
    ),
    "draw-naive": (
        "import matplotlib.pyplot as plt; fig, ax = plt.subplots()",
        "line = ax.plot(x.detach().cpu().numpy(), y.detach().cpu().numpy())[0]; "
        "fig.canvas.draw(); line.remove()",
    ),
    # The live-update and figure-gallery pattern: redrawing a figure plotted
    # earlier.  The ticks move on each draw; the legend adds texts and handles.
    "redraw-ours": (
        "import torchplot as plt; fig, ax = plt.subplots(); ax.plot(x, y, label='y'); "
        "ax.legend(); k = 0",
        "k = (k + 1) % 7; ax.set_xlim(0, 1 + k / 100); fig.canvas.draw()",
    ),
    "redraw-naive": (
        "import matplotlib.pyplot as plt; fig, ax = plt.subplots(); "
        "ax.plot(x.detach().cpu().numpy(), y.detach().cpu().numpy(), label='y'); "
        "ax.legend(); k = 0",
        "k = (k + 1) % 7; ax.set_xlim(0, 1 + k / 100); fig.canvas.draw()",
    ),
}
# The A/A control: both contenders are plain Matplotlib, so every deviation of
# its ratio from 1 is the method's own noise, the floor under the other rows.
CALLS["null-ours"] = CALLS["null-naive"] = CALLS["plain-naive"]

_DATA = (
    "import matplotlib; matplotlib.use('Agg'); import torch; "
    "x = torch.linspace(0, 1, 100); y = torch.sin(x * 6).requires_grad_(True); "
    "xn, yn = x.numpy().copy(), y.detach().numpy().copy()"
)


def _prepare(case: str) -> tuple[CodeType, dict[str, object]]:
    """The timed call of ``case``, compiled, and the namespace its setup ran in."""
    setup, stmt = CALLS[case]
    namespace: dict[str, object] = {}
    exec(f"{_DATA}\n{setup}", namespace)
    return compile(stmt, f"<{case}>", "exec"), namespace


def worker(case: str, calls: int) -> dict[str, float]:
    """Time ``calls`` single calls of ``case`` in this process, after a warm-up."""
    t = timed_calls(*_prepare(case), calls, warmup=max(calls // 10, 20))
    return {"median": float(np.median(t)), "q25": float(np.quantile(t, 0.25)), "mean": t.mean()}


def _run_worker(case: str, calls: int) -> dict[str, float]:
    result: dict[str, float] = run_worker("benchmarks.bench_core", case, "--calls", str(calls))
    return result


def bench_calls(pairs: int, calls: int) -> dict[str, float]:
    """Per-call time of torchplot vs the naive path, in fresh processes, in pairs."""
    ratios = {}
    for what, title, n in (
        ("null", "A/A control, ax.plot(100 pts): Matplotlib vs Matplotlib", calls),
        ("plain", "ax.plot(100 pts), no tensors: torchplot vs Matplotlib", calls),
        ("tensor", "ax.plot(100 pts), tensors vs hand-converted", calls),
        ("draw", "ax.plot + canvas.draw, tensors vs hand-converted", max(calls // 100, 10)),
        ("redraw", "canvas.draw of a figure plotted before", max(calls // 100, 10)),
    ):
        per_pair: dict[str, list[float]] = {"median": [], "q25": [], "mean": []}
        medians: dict[str, list[float]] = {"ours": [], "naive": []}
        for i in range(pairs):
            order = ("ours", "naive") if i % 2 == 0 else ("naive", "ours")
            got = {who: _run_worker(f"{what}-{who}", n) for who in order}
            for stat, values in per_pair.items():
                values.append(got["ours"][stat] / got["naive"][stat])
            for who in medians:
                medians[who].append(got[who]["median"])
        ours, naive = statistics.median(medians["ours"]), statistics.median(medians["naive"])
        print(f"{title}: {ours * 1e6:.1f} / {naive * 1e6:.1f} us per call (medians)")
        for stat, values in per_pair.items():
            print(f"    per-pair ratio of the {stat:<6} call time: {format_ratio(values)}")
        ratios[what] = statistics.median(per_pair["median"])
    return ratios


def bench_calls_in_process(pairs: int, block: int) -> None:
    """The same comparisons in one process, in alternating blocks of ``block`` calls.

    Far less scatter than separate processes (no per-process layout), at the
    price of Matplotlib's code seeing twin and plain objects alike.
    """
    prepared = {case: _prepare(case) for case in CALLS if "draw" not in case}
    clock = time.perf_counter
    for what in ("null", "plain", "tensor"):
        per_call: dict[str, list[float]] = {"ours": [], "naive": []}
        for i in range(pairs + 1):
            for who in ("ours", "naive") if i % 2 == 0 else ("naive", "ours"):
                code, namespace = prepared[f"{what}-{who}"]
                start = clock()
                for _ in range(block):
                    exec(code, namespace)
                if i:  # the first pair warms up
                    per_call[who].append((clock() - start) / block)
        ratios = [o / n for o, n in zip(per_call["ours"], per_call["naive"], strict=True)]
        print(
            f"ax.plot(100 pts), {what}, one process: "
            f"{statistics.median(per_call['ours']) * 1e6:.1f} / "
            f"{statistics.median(per_call['naive']) * 1e6:.1f} us per call (medians); "
            f"per-pair ratio {format_ratio(ratios)} of {block}-call blocks"
        )


def bench_import(pairs: int) -> float:
    """Wall time of ``python -c "import torchplot"`` vs ``import matplotlib.pyplot``."""

    def run(stmt: str) -> float:
        start = time.perf_counter()
        subprocess.run(
            [sys.executable, "-c", stmt], check=True, env={"MPLBACKEND": "Agg", "PATH": ""}
        )
        return time.perf_counter() - start

    stmts = {"ours": "import torchplot", "naive": "import matplotlib.pyplot"}
    times: dict[str, list[float]] = {"ours": [], "naive": []}
    for i in range(pairs):
        for who in ("ours", "naive") if i % 2 == 0 else ("naive", "ours"):
            times[who].append(run(stmts[who]))
    ratios = [o / n for o, n in zip(times["ours"], times["naive"], strict=True)]
    print(
        f"import torchplot vs import matplotlib.pyplot (process wall time): "
        f"{statistics.median(times['ours']) * 1e3:.0f} / "
        f"{statistics.median(times['naive']) * 1e3:.0f} ms (medians); "
        f"per-pair ratio {format_ratio(ratios)}"
    )
    return statistics.median(ratios)


def import_self_time(runs: int) -> None:
    """torchplot's own import work on top of pyplot's, from ``-X importtime`` (median of runs)."""
    ours, pyplot = [], []
    for _ in range(runs):
        err = subprocess.run(
            [sys.executable, "-X", "importtime", "-c", "import matplotlib.pyplot, torchplot"],
            check=True,
            capture_output=True,
            text=True,
            env={"MPLBACKEND": "Agg", "PATH": ""},
        ).stderr
        cumulative = {}
        for line in err.splitlines():
            parts = [p.strip() for p in line.removeprefix("import time:").split("|")]
            if len(parts) == 3 and parts[1].isdigit():
                cumulative[parts[2]] = int(parts[1])
        ours.append(cumulative["torchplot"] / 1e3)
        pyplot.append(cumulative["matplotlib.pyplot"] / 1e3)
    o, p = statistics.median(ours), statistics.median(pyplot)
    print(
        f"import work (-X importtime, cumulative, median of {runs}): torchplot on top of "
        f"pyplot {o:.1f} ms, matplotlib.pyplot {p:.1f} ms ({100 * o / p:.1f}%)"
    )


def main(argv: list[str] | None = None) -> int:
    args = paired_arguments(__doc__, ("calls", "import"), 40, 3000, CALLS, argv)
    if answered_worker(args, worker):
        return 0
    pairs, calls = (4, 300) if args.quick else (args.pairs, args.calls)
    print_versions()
    if args.only != "calls":
        # Bytecode caches written before anything is timed.
        subprocess.run(
            [sys.executable, "-c", "import torchplot, torchplot._layers"],
            check=True,
            env={"MPLBACKEND": "Agg", "PATH": ""},
        )
        import_self_time(runs=5)
        bench_import(pairs=pairs * 2)
    if args.only != "import":
        bench_calls_in_process(pairs * 5, max(calls // 10, 50))
        bench_calls(pairs, calls)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
