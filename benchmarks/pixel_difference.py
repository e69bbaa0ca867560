"""Pixel difference of ``plot(y, reduce=True)`` against Matplotlib's full rendering.

One command (from the repository root)::

    python benchmarks/pixel_difference.py            # 10^6 points
    python benchmarks/pixel_difference.py --n 1e7

Reference: Matplotlib drawing every point with ``path.simplify=False``.
Compared with it: Matplotlib's default rendering (``path.simplify=True``, the
1/9-pixel simplification) of the same full data, and torchplot's reduced line
(default rc, ``reduce=True``) for several ``plot.reduce_oversample`` values.
Figure 640 x 480 px (dpi 100), an Axes filling it, no ticks, default line
width (1.5 pt) and antialiasing.  Printed: pixels that differ, the sum of
absolute RGB differences, the largest difference (0-255).
"""

from __future__ import annotations

import argparse

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as mpl_plt
import numpy as np
import torch

import torchplot


def render(y: torch.Tensor, mode: str, oversample: int = 16) -> np.ndarray:
    with matplotlib.rc_context({"path.simplify": mode != "unsimplified"}):
        torchplot.rc_params["plot.reduce_oversample"] = oversample
        fig = (torchplot.figure if mode == "reduced" else mpl_plt.figure)(
            figsize=(6.4, 4.8), dpi=100
        )
        ax = fig.add_axes([0, 0, 1, 1])
        ax.set_axis_off()
        if mode == "reduced":
            ax.plot(y, reduce=True)
        else:
            ax.plot(y.numpy())
        fig.canvas.draw()
        img = np.asarray(fig.canvas.buffer_rgba())[..., :3].astype(np.int64)
        mpl_plt.close(fig)
        return img


def main() -> None:
    p = argparse.ArgumentParser()
    p.add_argument("--n", default="1e6")
    p.add_argument("--oversample", default="4,16,32")
    args = p.parse_args()
    n = int(float(args.n))
    g = torch.Generator().manual_seed(0)
    series = {
        "random walk": torch.randn(n, generator=g).cumsum(0),
        "white noise": torch.randn(n, generator=g),
        "sine + noise": torch.sin(torch.linspace(0, 60, n)) + 0.1 * torch.randn(n, generator=g),
    }
    print(f"n = {n:.0e}; reference: Matplotlib, every point, path.simplify=False")
    print(
        f"{'series':<14} {'rendering':<36} {'pixels differing':>16} {'sum |diff|':>12} {'max':>4}"
    )
    for name, y in series.items():
        ref = render(y, "unsimplified")
        runs = [("Matplotlib default simplification", render(y, "default"))]
        for k in map(int, args.oversample.split(",")):
            runs.append((f"torchplot reduce=True, oversample {k}", render(y, "reduced", k)))
        for label, img in runs:
            d = np.abs(img - ref)
            print(
                f"{name:<14} {label:<36} {int((d.max(-1) > 0).sum()):>16} {int(d.sum()):>12} "
                f"{int(d.max()):>4}"
            )


if __name__ == "__main__":
    main()
