"""Large containers, side by side with the naive path: lists of 0-d tensors, big nested lists.

Run: ``python -m benchmarks.bench_containers`` (``--quick`` for a smoke run;
``--only calls`` or ``--only micro`` for one part).

* a loss history, 100k 0-d tensors (plain, and results of ops that carry a
  ``grad_fn``): ``torchplot.to_numpy(losses)`` and ``plt.plot(losses)``
  against what users write today, ``[loss.item() for loss in losses]``;
* calls without tensors that hold big nested lists (``plot`` of 100k
  ``[x, y]`` pairs, ``imshow`` of a 1000x1000 list of lists): torchplot
  against Matplotlib itself;
* the small containers Matplotlib's draw passes to wrapped setters some
  fifty times per draw (``needs_conversion((1.0, 2.0))``): time per call.

As in ``bench_core``, each comparison runs the two contenders in separate,
fresh processes, in interleaved pairs (A, B, then B, A, ...), and reports the
median of the per-pair ratios (torchplot / naive) with its bootstrap 95%
interval.  The micro timings run in this process: the best of several
repeats, in nanoseconds per call.
"""

from __future__ import annotations

import statistics
import sys
import timeit
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

_N = 100_000

#: What each call-benchmark process does, by name: (setup, the timed call).
CALLS: dict[str, tuple[str, str]] = {
    "losses-ours": ("import torchplot", "torchplot.to_numpy(losses)"),
    "losses-naive": ("", "[loss.item() for loss in losses]"),
    "gradlosses-ours": ("import torchplot", "torchplot.to_numpy(glosses)"),
    "gradlosses-naive": ("", "[loss.item() for loss in glosses]"),
    "plotlosses-ours": ("import torchplot as plt; plt.figure()", "plt.plot(losses)[0].remove()"),
    "plotlosses-naive": (
        "import matplotlib.pyplot as plt; plt.figure()",
        "plt.plot([loss.item() for loss in losses])[0].remove()",
    ),
    "pairs-ours": ("import torchplot as plt; plt.figure()", "plt.plot(pairs)[0].remove()"),
    "pairs-naive": (
        "import matplotlib.pyplot as plt; plt.figure()",
        "plt.plot(pairs)[0].remove()",
    ),
    "image-ours": ("import torchplot as plt; plt.figure()", "plt.imshow(image).remove()"),
    "image-naive": (
        "import matplotlib.pyplot as plt; plt.figure()",
        "plt.imshow(image).remove()",
    ),
}

#: What each comparison is: (title, the data its processes build).
_WHAT: dict[str, tuple[str, str]] = {
    "losses": (
        f"to_numpy of {_N} 0-d tensors vs [l.item() for l in losses]",
        f"losses = [torch.tensor(float(i)) for i in range({_N})]",
    ),
    "gradlosses": (
        f"to_numpy of {_N} 0-d tensors with a grad_fn vs [l.item() ...]",
        f"w = torch.ones((), requires_grad=True); glosses = [(w * i).sum() for i in range({_N})]",
    ),
    "plotlosses": (
        f"plt.plot of {_N} 0-d tensors vs Matplotlib's of [l.item() ...]",
        f"losses = [torch.tensor(float(i)) for i in range({_N})]",
    ),
    "pairs": (
        f"plt.plot of {_N} [x, y] lists, no tensors: torchplot vs Matplotlib",
        f"pairs = np.random.default_rng(0).random(({_N}, 2)).tolist()",
    ),
    "image": (
        "plt.imshow of a 1000x1000 list of lists, no tensors: torchplot vs Matplotlib",
        "image = np.random.default_rng(0).random((1000, 1000)).tolist()",
    ),
}


def _prepare(case: str) -> tuple[CodeType, dict[str, object]]:
    """The timed call of ``case``, compiled, and the namespace its setup ran in."""
    setup, stmt = CALLS[case]
    data = _WHAT[case.rpartition("-")[0]][1]
    imports = "import matplotlib; matplotlib.use('Agg'); import numpy as np; import torch"
    namespace: dict[str, object] = {}
    exec(f"{imports}\n{data}\n{setup}", namespace)
    return compile(stmt, f"<{case}>", "exec"), namespace


def worker(case: str, calls: int) -> dict[str, float]:
    """Time ``calls`` single calls of ``case`` in this process, after a warm-up."""
    times = timed_calls(*_prepare(case), calls, warmup=2)
    return {"median": float(np.median(times)), "min": float(np.min(times))}


def bench_calls(pairs: int, calls: int) -> None:
    """Per-call time of torchplot vs the naive path, in fresh processes, in pairs."""
    for what, (title, _) in _WHAT.items():
        ratios: list[float] = []
        medians: dict[str, list[float]] = {"ours": [], "naive": []}
        for i in range(pairs):
            order = ("ours", "naive") if i % 2 == 0 else ("naive", "ours")
            got = {
                who: run_worker(
                    "benchmarks.bench_containers", f"{what}-{who}", "--calls", str(calls)
                )
                for who in order
            }
            ratios.append(got["ours"]["median"] / got["naive"]["median"])
            for who in medians:
                medians[who].append(got[who]["median"])
        ours, naive = statistics.median(medians["ours"]), statistics.median(medians["naive"])
        print(f"{title}: {ours * 1e3:.1f} / {naive * 1e3:.1f} ms per call (medians)")
        print(f"    per-pair ratio of the median call time: {format_ratio(ratios)}")


#: The small containers timed by :func:`bench_micro`, as expressions.
_SMALL = ("(1.0, 2.0)", "[1.0, 2.0, 3.0]", "[[1, 2], [3, 4]]", "((0.0, 0.0), (1.0, 1.0))")


def bench_micro(repeat: int, number: int) -> None:
    """``needs_conversion`` and ``to_numpy`` of small plain containers, in ns per call."""
    from torchplot._convert import needs_conversion, to_numpy

    for expr in _SMALL:
        value = eval(expr)
        for name, func in (("needs_conversion", needs_conversion), ("to_numpy", to_numpy)):
            best = min(timeit.repeat(lambda f=func, v=value: f(v), number=number, repeat=repeat))
            print(f"{name}({expr}): {best / number * 1e9:.0f} ns per call (best of {repeat})")


def main(argv: list[str] | None = None) -> int:
    args = paired_arguments(__doc__, ("calls", "micro"), 10, 15, CALLS, argv)
    if answered_worker(args, worker):
        return 0
    pairs, calls = (2, 3) if args.quick else (args.pairs, args.calls)
    print_versions()
    if args.only != "calls":
        bench_micro(repeat=3 if args.quick else 15, number=20_000)
    if args.only != "micro":
        bench_calls(pairs, calls)
    return 0


if __name__ == "__main__":
    sys.exit(main())
