"""Big tensors: the naive path vs torchplot, side by side, interleaved, as ratios.

One command (from the repository root)::

    python benchmarks/bench_big.py                       # short default run
    python benchmarks/bench_big.py --hist-sizes 1e6,1e7,1e8 --plot-sizes 1e5,1e6,1e7 --repeat 5

The naive path is what a user writes without torchplot:
``ax.X(t.detach().cpu().numpy())``.  Each measurement alternates naive and
torchplot runs (``--repeat`` pairs, after one warm-up pair) and reports the
median of each and ``ratio = torchplot / naive`` (below 1: torchplot faster;
``speed-up = 1 / ratio``).  Every hist comparison also checks that the counts
and edges are identical.

Sections: hist (CPU tensor), plot of a long series (``reduce=True`` and
without), the conversion overhead of a small call, import time, and, where
CUDA exists, hist and plot of CUDA tensors with the peak host memory above
baseline.  Paste the output into ``benchmarks/RESULTS.md`` with the machine.
"""

from __future__ import annotations

import argparse
import gc
import io
import os
import platform
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as mpl_plt
import numpy as np
import torch

import torchplot


def _sync() -> None:
    if torch.cuda.is_available():
        torch.cuda.synchronize()


def interleaved(
    naive: Callable[[], Any], ours: Callable[[], Any], repeat: int
) -> tuple[float, float]:
    """Median seconds of ``naive`` and ``ours``, run alternately after one warm-up each."""
    naive(), ours()
    tn, to = [], []
    for _ in range(repeat):
        for fn, out in ((naive, tn), (ours, to)):
            gc.collect()
            _sync()
            t0 = time.perf_counter()
            fn()
            _sync()
            out.append(time.perf_counter() - t0)
    return statistics.median(tn), statistics.median(to)


def report(name: str, tn: float, to: float, note: str = "") -> None:
    ratio = to / tn
    print(
        f"{name:<44} naive {tn * 1e3:9.1f} ms   torchplot {to * 1e3:9.1f} ms   "
        f"ratio {ratio:6.3f}   speed-up {1 / ratio:6.2f}x {note}",
        flush=True,
    )


def _axes(lib: Any) -> Any:
    fig = lib.figure(figsize=(6.4, 4.8), dpi=100)
    return fig, fig.add_subplot()


def _hist_pair(
    make: Callable[[], Any], bins: int
) -> tuple[Callable[[], Any], Callable[[], Any], Any]:
    t = make()
    results: dict[str, Any] = {}

    def naive() -> None:
        fig, ax = _axes(mpl_plt)
        results["naive"] = ax.hist(t.detach().cpu().numpy(), bins=bins)[:2]
        mpl_plt.close(fig)

    def ours() -> None:
        fig, ax = _axes(torchplot)
        results["ours"] = ax.hist(t, bins=bins)[:2]
        torchplot.close(fig)

    return naive, ours, results


def _identical(results: dict[str, Any]) -> str:
    (n1, b1), (n2, b2) = results["naive"], results["ours"]
    same = np.array_equal(n1, n2) and np.array_equal(b1, b2)
    return "identical counts+edges" if same else "COUNTS DIFFER"


def bench_hist(sizes: list[int], repeat: int, device: str) -> None:
    print(f"\n# hist, 100 bins, float32 on {device}")
    for n in sizes:
        naive, ours, results = _hist_pair(lambda n=n: torch.randn(n, device=device), 100)
        tn, to = interleaved(naive, ours, repeat)
        report(f"hist n={n:.0e} ({device})", tn, to, _identical(results))
        del naive, ours, results
        gc.collect()


def bench_plot(sizes: list[int], repeat: int, device: str) -> None:
    print(f"\n# plot + savefig(png) of a random walk on {device}")
    for n in sizes:
        y = torch.randn(n, device=device).cumsum(0)

        def naive(y: Any = y) -> None:
            fig, ax = _axes(mpl_plt)
            ax.plot(y.detach().cpu().numpy())
            fig.savefig(io.BytesIO(), format="png")
            mpl_plt.close(fig)

        def ours(y: Any = y, reduce: bool = True) -> None:
            fig, ax = _axes(torchplot)
            ax.plot(y, reduce=reduce)
            fig.savefig(io.BytesIO(), format="png")
            torchplot.close(fig)

        tn, to = interleaved(naive, ours, repeat)
        report(f"plot reduce=True n={n:.0e} ({device})", tn, to)
        tn, to = interleaved(naive, lambda y=y: ours(y, False), repeat)
        report(f"plot (no reduction) n={n:.0e} ({device})", tn, to)


def bench_small_call(repeat: int) -> None:
    print("\n# conversion overhead of a small call (plot of 100 points, no draw), per call")
    y = torch.randn(100)
    reps = 200
    _fig_n, ax_n = _axes(mpl_plt)
    _fig_o, ax_o = _axes(torchplot)

    def naive() -> None:
        for _ in range(reps):
            ax_n.plot(y.detach().cpu().numpy())
        ax_n.cla()

    def ours() -> None:
        for _ in range(reps):
            ax_o.plot(y)
        ax_o.cla()

    tn, to = interleaved(naive, ours, repeat)
    report("plot(100 pts) x1 (per call)", tn / reps, to / reps)
    mpl_plt.close("all")


def bench_import(repeat: int) -> None:
    print("\n# import time, measured inside a fresh interpreter (torch imported before, in both)")
    env = {**os.environ, "MPLBACKEND": "Agg"}
    code = "import torch, time; t = time.perf_counter(); import {}; print(time.perf_counter() - t)"
    tn, to = [], []
    for _ in range(repeat + 1):
        for module, out in (("matplotlib.pyplot", tn), ("torchplot", to)):
            done = subprocess.run(
                [sys.executable, "-c", code.format(module)],
                check=True,
                env=env,
                capture_output=True,
                text=True,
            )
            out.append(float(done.stdout.split()[-1]))
    # torchplot imports matplotlib.pyplot itself: the ratio is (pyplot + torchplot) / pyplot.
    report(
        "import matplotlib.pyplot vs import torchplot",
        statistics.median(tn[1:]),
        statistics.median(to[1:]),
    )


def _peak_rss_reset() -> bool:
    try:
        with open("/proc/self/clear_refs", "w") as f:  # Linux: resets VmHWM to the current RSS
            f.write("5")
        return True
    except OSError:
        return False


def _rss_kib(field: str) -> int:
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field):
                return int(line.split()[1])
    return -1


def peak_host_memory(fn: Callable[[], Any]) -> float:
    """MB of peak resident memory above the RSS just before ``fn`` (Linux)."""
    gc.collect()
    if not _peak_rss_reset():
        return float("nan")
    before = _rss_kib("VmRSS:")
    fn()
    return (_rss_kib("VmHWM:") - before) / 1024


def bench_gpu(hist_n: int, plot_n: int, repeat: int) -> None:
    name = torch.cuda.get_device_name()
    print(f"\n# GPU: {name}")
    bench_hist([hist_n], repeat, "cuda")
    naive, ours, results = _hist_pair(lambda: torch.randn(hist_n, device="cuda"), 100)
    ours()  # warm
    naive()
    mb_ours = peak_host_memory(ours)
    mb_naive = peak_host_memory(naive)
    print(
        f"peak host memory above baseline, hist n={hist_n:.0e}: naive {mb_naive:.1f} MB, "
        f"torchplot {mb_ours:.1f} MB ({_identical(results)})"
    )
    bench_plot([plot_n], repeat, "cuda")


def _sizes(text: str) -> list[int]:
    return [int(float(s)) for s in text.split(",") if s]


def main() -> None:
    p = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    p.add_argument("--hist-sizes", default="1e6,1e7", help="comma-separated, e.g. 1e6,1e7,1e8")
    p.add_argument("--plot-sizes", default="1e5,1e6,1e7")
    p.add_argument("--gpu-hist-size", default="1e8")
    p.add_argument("--gpu-plot-size", default="1e7")
    p.add_argument("--repeat", type=int, default=3, help="interleaved pairs per measurement")
    p.add_argument("--only", default="hist,plot,small,import,gpu")
    args = p.parse_args()
    only = set(args.only.split(","))
    print(
        f"# {platform.node()} | {platform.processor() or platform.machine()} | "
        f"{os.cpu_count()} CPUs | "
        f"torch {torch.__version__} (threads {torch.get_num_threads()}) | numpy {np.__version__} | "
        f"matplotlib {matplotlib.__version__} | CUDA {torch.cuda.is_available()}"
    )
    print(
        "# ratio = torchplot / naive (median of interleaved runs); "
        "naive = ax.X(t.detach().cpu().numpy())"
    )
    if "hist" in only:
        bench_hist(_sizes(args.hist_sizes), args.repeat, "cpu")
    if "plot" in only:
        bench_plot(_sizes(args.plot_sizes), args.repeat, "cpu")
    if "small" in only:
        bench_small_call(args.repeat)
    if "import" in only:
        bench_import(args.repeat)
    if "gpu" in only:
        if torch.cuda.is_available():
            bench_gpu(int(float(args.gpu_hist_size)), int(float(args.gpu_plot_size)), args.repeat)
        else:
            print("\n# GPU section skipped: no CUDA device")


if __name__ == "__main__":
    main()
