"""A batch of 64 images of 3x64x64, shown three ways, and one large image; prints ratios.

* ``grid``: ``torchplot``'s ``ax.imshow(batch)`` (grid built with torch ops, one conversion);
* ``loop``: the usual alternative, a loop of 64 subplots, one Matplotlib
  ``imshow(batch[i].permute(1, 2, 0).numpy())`` each;
* ``by_hand``: Matplotlib's ``imshow`` of a grid built by hand beforehand
  (the build itself not timed), the floor for any grid path;
* ``by_hand+build``: the same, timing the hand-built grid too (NumPy, one tile at a time).

Each sample is the call plus ``fig.canvas.draw()`` (Agg) on a fresh figure of
the default size, then the figure is closed; the variants run interleaved
(one sample of each per round) so that machine noise hits them alike, and
their medians and minima (the least disturbed sample, the better estimate on
a busy machine) are compared.  Targets (issue 3): ``loop / grid >= 10`` and
``grid / by_hand < 1.10``.

Single images (``--size``, default 8192: an 8192x8192 float32 image of
256 MiB; the CHW one 3 x size/2 x size/2): torchplot's ``imshow(t)`` and
``set_data(t)`` against the naive path, Matplotlib's of ``t.numpy()`` (the
view a user would write: Matplotlib's own copy is its only one), for a
C-contiguous tensor, its transpose ``t.T``, and a CHW image against its
``permute(1, 2, 0).numpy()``.  The call alone is timed (drawing is the same
for both), and its peak memory is traced (``tracemalloc``: NumPy's
allocations).  Target: ratios ~1.0 (one copy of the pixels, in the tensor's
memory order).

Run: ``PYTHONPATH=. python benchmarks/bench_images.py [--rounds N] [--threads N] [--size N]``.
"""

from __future__ import annotations

import argparse
import gc
import os
import statistics
import time
import tracemalloc
from collections.abc import Callable

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as mpl_plt
import numpy as np
import torch

import torchplot
from torchplot._grid import grid_geometry


def hand_grid(batch: torch.Tensor, nrow: int = 8, padding: int = 2) -> np.ndarray:
    """What a user writes without torchplot: tile by tile, in NumPy."""
    hwc = batch.detach().cpu().permute(0, 2, 3, 1).numpy()
    b, h, w, c = hwc.shape
    cols = min(nrow, b)
    rows = -(-b // cols)
    grid = np.zeros((rows * (h + padding) + padding, cols * (w + padding) + padding, c), hwc.dtype)
    for i in range(b):
        r, k = divmod(i, cols)
        top, left = r * (h + padding) + padding, k * (w + padding) + padding
        grid[top : top + h, left : left + w] = hwc[i]
    return grid


def run_grid(batch: torch.Tensor) -> None:
    fig = torchplot.figure()
    fig.subplots().imshow(batch)
    fig.canvas.draw()
    mpl_plt.close(fig)


def run_loop(batch: torch.Tensor) -> None:
    fig, axes = mpl_plt.subplots(8, 8)
    for ax, image in zip(axes.flat, batch, strict=True):
        ax.imshow(image.detach().cpu().permute(1, 2, 0).numpy())
        ax.set_axis_off()
    fig.canvas.draw()
    mpl_plt.close(fig)


def make_run_by_hand(grid: np.ndarray) -> Callable[[torch.Tensor], None]:
    def run_by_hand(batch: torch.Tensor) -> None:
        fig = mpl_plt.figure()
        fig.subplots().imshow(grid)
        fig.canvas.draw()
        mpl_plt.close(fig)

    return run_by_hand


def run_by_hand_with_build(batch: torch.Tensor) -> None:
    fig = mpl_plt.figure()
    fig.subplots().imshow(hand_grid(batch))
    fig.canvas.draw()
    mpl_plt.close(fig)


def single_image_cases(size: int) -> dict[str, tuple[torch.Tensor, np.ndarray]]:
    """``name -> (tensor, naive)``: each image, and the NumPy view the naive path shows."""
    gen = torch.Generator().manual_seed(0)
    grey = torch.rand(size, size, generator=gen)
    chw = torch.rand(3, size // 2, size // 2, generator=gen)
    return {
        "contiguous": (grey, grey.numpy()),
        "transposed": (grey.T, grey.T.numpy()),
        "chw": (chw, chw.permute(1, 2, 0).numpy()),
    }


def _single_call(plt_module: object, how: str, image: object) -> Callable[[], None]:
    """One ``imshow`` (on a fresh Axes) or ``set_data`` (of a 2x2 image) of ``image``."""
    fig = plt_module.figure()  # type: ignore[attr-defined]
    ax = fig.subplots()
    target = ax.imshow(np.zeros((2, 2)))

    def call() -> None:
        if how == "imshow":
            ax.imshow(image)
        else:
            target.set_data(image)

    return call


def _traced_peak(call: Callable[[], None]) -> float:
    gc.collect()
    tracemalloc.start()
    try:
        call()
        return tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()


def single_images(size: int, rounds: int) -> None:
    """Time and peak memory of one large image, torchplot vs the naive path, side by side."""
    print(
        f"\none image of {size}x{size} float32 (CHW: 3x{size // 2}x{size // 2}), the call alone, "
        f"{rounds} interleaved rounds; naive: Matplotlib's imshow/set_data of the NumPy view"
    )
    print(
        f"  {'':20s} {'torchplot':>10s} {'naive':>10s} {'ratio':>6s}"
        f" {'torchplot':>11s} {'naive':>11s} {'ratio':>6s}"
    )
    for name, (tensor, view) in single_image_cases(size).items():
        for how in ("imshow", "set_data"):
            runs = {"torchplot": (torchplot, tensor), "naive": (mpl_plt, view)}
            peak = {k: _traced_peak(_single_call(m, how, x)) for k, (m, x) in runs.items()}
            mpl_plt.close("all")
            samples: dict[str, list[float]] = {k: [] for k in runs}
            for _ in range(rounds):
                for k, (module, x) in runs.items():
                    call = _single_call(module, how, x)
                    gc.collect()
                    start = time.perf_counter()
                    call()
                    samples[k].append(time.perf_counter() - start)
                    mpl_plt.close("all")
            t = {k: 1e3 * min(v) for k, v in samples.items()}
            mib = {k: v / 2**20 for k, v in peak.items()}
            print(
                f"  {name + ' ' + how:20s} {t['torchplot']:8.1f}ms {t['naive']:8.1f}ms "
                f"{t['torchplot'] / t['naive']:6.2f} {mib['torchplot']:7.0f} MiB "
                f"{mib['naive']:7.0f} MiB {mib['torchplot'] / mib['naive']:6.2f}"
            )
    print("  (times: minimum over the rounds; memory: tracemalloc peak of the call)")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=5, help="interleaved rounds (default 5)")
    parser.add_argument(
        "--threads",
        type=int,
        default=0,
        help="torch intra-op threads (default: torch's own); on an oversubscribed machine "
        "torch's parallel copies stall, `--threads 1` shows the cost without that noise",
    )
    parser.add_argument(
        "--size",
        type=int,
        default=8192,
        help="side of the single images, in pixels (default 8192; 0 skips them)",
    )
    args = parser.parse_args()
    if args.threads:
        torch.set_num_threads(args.threads)

    batch = torch.rand(64, 3, 64, 64, generator=torch.Generator().manual_seed(0))
    grid = hand_grid(batch)
    geom = grid_geometry(64, 64, 64)
    assert grid.shape[:2] == (geom.height, geom.width)
    # Same pixels, so the comparison is like for like.
    fig = torchplot.figure()
    np.testing.assert_array_equal(fig.subplots().imshow(batch).get_array(), grid)
    mpl_plt.close(fig)

    variants: dict[str, Callable[[torch.Tensor], None]] = {
        "grid": run_grid,
        "by_hand": make_run_by_hand(grid),
        "by_hand+build": run_by_hand_with_build,
        "loop": run_loop,
    }
    for run in variants.values():  # warm-up: imports, font cache, twin classes
        run(batch)
    samples: dict[str, list[float]] = {name: [] for name in variants}
    for _ in range(args.rounds):
        for name, run in variants.items():
            # Collect the previous sample's garbage (the 64-Axes figure of
            # `loop` is large) outside the timing, so no variant pays for
            # the one run before it.
            gc.collect()
            start = time.perf_counter()
            run(batch)
            samples[name].append(time.perf_counter() - start)

    med = {name: statistics.median(s) for name, s in samples.items()}
    best = {name: min(s) for name, s in samples.items()}
    print(
        f"64 images of 3x64x64, imshow + draw (Agg), {args.rounds} interleaved rounds; "
        f"torch threads {torch.get_num_threads()}, load average {os.getloadavg()[0]:.1f} "
        f"on {os.cpu_count()} CPUs"
    )
    print(f"  {'':14s} {'median':>9s} {'min':>9s}")
    for name in variants:
        print(f"  {name:14s} {1e3 * med[name]:7.1f}ms {1e3 * best[name]:7.1f}ms")
    print(f"{'':23s} {'median':>8s} {'min':>8s}")
    for label, num, den, target in (
        ("loop / grid", "loop", "grid", "(target >= 10)"),
        ("grid / by_hand", "grid", "by_hand", "(target < 1.10)"),
        ("grid / by_hand+build", "grid", "by_hand+build", ""),
    ):
        print(f"{label:23s} {med[num] / med[den]:8.3f} {best[num] / best[den]:8.3f}   {target}")
    # What the grid path adds, in absolute terms: on a busy machine the noise is
    # tens of ms per sample, while this difference is what the ratio targets.
    print(
        f"grid - by_hand (ms)     {1e3 * (med['grid'] - med['by_hand']):8.1f} "
        f"{1e3 * (best['grid'] - best['by_hand']):8.1f}"
    )
    if args.size:
        single_images(args.size, args.rounds)


if __name__ == "__main__":
    main()
