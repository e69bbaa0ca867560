"""Gallery overhead vs a plain ``savefig`` + ``close`` loop, and how a Gallery scales.

Two measurements::

    python benchmarks/bench_gallery.py overhead --figures 1000 --rounds 3
    python benchmarks/bench_gallery.py scaling --sizes 1000,10000 [--figure blank]

``overhead``: the same small figures (drawn from a tensor) written as the same
PNGs, by ``fig.savefig(...); plt.close(fig)`` and by ``Gallery.add(fig, ...)``
(closing the gallery, i.e. writing its final page, included).  The two loops
are interleaved in chunks of ``--chunk`` figures, alternating which goes
first, and each round prints the gallery/plain ratio; the target is <= 1.10.

``scaling``: one Gallery run per size; prints microseconds per figure, the
time spent rebuilding ``index.html``/``index.json``, and resident memory.
Linear growth means a flat us/figure column (a page rewrite per figure would
make the rebuild column grow with the square of the size).
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import time
from pathlib import Path

import matplotlib

matplotlib.use("Agg")

import torch

import torchplot as plt
from torchplot import Gallery
from torchplot._gallery._gallery import Gallery as _GalleryImpl

DATA = torch.randn(64).cumsum(0)


def _figure():
    fig = plt.figure(figsize=(1.6, 1.2), dpi=50)
    plt.plot(DATA)
    return fig


def plain_loop(out: Path, n: int) -> float:
    out.mkdir()
    start = time.perf_counter()
    for i in range(n):
        fig = _figure()
        fig.savefig(out / f"{i:06d}.png", format="png")
        plt.close(fig)
    return time.perf_counter() - start


def _blank():
    # One tiny axes-free Figure made without pyplot: closing it unregisters
    # nothing, so it is saved again and again at almost no rendering cost,
    # which leaves the Gallery's own bookkeeping as most of the time.
    from matplotlib.figure import Figure

    fig = Figure(figsize=(0.4, 0.3), dpi=20)
    return lambda: fig


def gallery_loop(out: Path, n: int, make=_figure) -> float:
    start = time.perf_counter()
    with Gallery(out) as g:
        for i in range(n):
            g.add(make(), caption=f"figure {i}", group=f"group {i % 4}", step=i)
    return time.perf_counter() - start


def overhead(args: argparse.Namespace) -> None:
    # Interleaved in chunks: plain and gallery alternate every `chunk` figures
    # (which goes first alternates too), so a load change on a shared machine
    # hits both loops alike.  One gallery grows to `figures` entries over the
    # run, and its close() (the final page) is counted.
    with tempfile.TemporaryDirectory() as tmp:
        plain_loop(Path(tmp) / "warmup", 20)  # fonts, caches
        for r in range(args.rounds):
            plain_dir = Path(tmp) / f"plain{r}"
            plain_dir.mkdir()
            times = {"plain": 0.0, "gallery": 0.0}
            chunks = range(0, args.figures, args.chunk)
            g = Gallery(Path(tmp) / f"gallery{r}")
            for c, first in enumerate(chunks):
                ids = range(first, min(first + args.chunk, args.figures))
                for name in ("plain", "gallery") if c % 2 == 0 else ("gallery", "plain"):
                    start = time.perf_counter()
                    if name == "plain":
                        for i in ids:
                            fig = _figure()
                            fig.savefig(plain_dir / f"{i:06d}.png", format="png")
                            plt.close(fig)
                    else:
                        for i in ids:
                            g.add(_figure(), caption=f"figure {i}", group=f"group {i % 4}", step=i)
                    times[name] += time.perf_counter() - start
            start = time.perf_counter()
            g.close()
            times["gallery"] += time.perf_counter() - start
            ratio = times["gallery"] / times["plain"]
            extra_ms = 1e3 * (times["gallery"] - times["plain"]) / args.figures
            print(
                f"round {r}: plain {times['plain']:.2f} s, gallery {times['gallery']:.2f} s, "
                f"ratio {ratio:.3f} ({extra_ms:+.2f} ms/figure)",
                flush=True,
            )


def _rss_mib() -> float:
    try:
        with open("/proc/self/statm") as f:
            return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 2**20
    except OSError:
        return float("nan")


def scaling(args: argparse.Namespace) -> None:
    # Time spent in view rebuilds, measured around the private method.
    spent = [0.0, 0]
    original = _GalleryImpl._write_views

    def timed(self: _GalleryImpl) -> None:
        t = time.perf_counter()
        original(self)
        spent[0] += time.perf_counter() - t
        spent[1] += 1

    _GalleryImpl._write_views = timed  # type: ignore[method-assign]
    print(
        f"{'figures':>8} {'total s':>8} {'us/figure':>10} {'rebuilds':>8} {'rebuild s':>9} "
        f"{'rebuild %':>9} {'RSS MiB':>8}"
    )
    with tempfile.TemporaryDirectory() as tmp:
        plain_loop(Path(tmp) / "warmup", 20)
        for n in args.sizes:
            spent[:] = [0.0, 0]
            total = gallery_loop(
                Path(tmp) / f"g{n}", n, _figure if args.figure == "plot" else _blank()
            )
            print(
                f"{n:>8} {total:>8.2f} {1e6 * total / n:>10.0f} {spent[1]:>8} {spent[0]:>9.3f} "
                f"{100 * spent[0] / total:>8.2f}% {_rss_mib():>8.0f}",
                flush=True,
            )


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    sub = parser.add_subparsers(dest="command", required=True)
    p = sub.add_parser("overhead")
    p.add_argument("--figures", type=int, default=1000)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--chunk", type=int, default=50, help="figures per interleaved chunk")
    p.set_defaults(func=overhead)
    p = sub.add_parser("scaling")
    p.add_argument("--sizes", type=lambda s: [int(x) for x in s.split(",")], default=[1000, 10000])
    p.add_argument(
        "--figure",
        choices=["plot", "blank"],
        default="plot",
        help="plot: a new line plot per add; blank: one tiny empty figure re-saved "
        "(isolates the Gallery's own cost)",
    )
    p.set_defaults(func=scaling)
    args = parser.parse_args()
    print(
        f"python {sys.version.split()[0]}, matplotlib {matplotlib.__version__}, "
        f"torch {torch.__version__}"
    )
    args.func(args)


if __name__ == "__main__":
    main()
