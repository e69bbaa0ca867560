"""Baseline images (pytest-mpl, tolerance 0) of grids, padding, normalization, per-image scaling.

Every figure is text-free and pixel-aligned: the Axes fills the figure, the
figure is exactly ``scale`` device pixels per grid pixel, and
``interpolation="nearest"``, so each grid pixel is a ``scale x scale`` block.
Inputs are deterministic patterns, not random numbers.
"""

from __future__ import annotations

import math

import pytest
import torch

import torchplot

SCALE = 4
COMPARE = pytest.mark.mpl_image_compare(tolerance=0, savefig_kwargs={"dpi": SCALE})


def show(x: torch.Tensor, **kwargs):
    fig = torchplot.figure(dpi=SCALE)
    ax = fig.add_axes((0, 0, 1, 1))
    ax.set_axis_off()
    im = ax.imshow(x, interpolation="nearest", **kwargs)
    h, w = im.get_array().shape[:2]
    fig.set_size_inches(w, h)  # one inch per grid pixel: SCALE device pixels, exactly
    return fig


def colour_batch(b: int, h: int = 8, w: int = 8) -> torch.Tensor:
    """(B, 3, H, W) in [0, 1]: a hue per image, a ramp across, a ramp down."""
    i = torch.arange(b, dtype=torch.float32)[:, None, None]
    y = torch.linspace(0, 1, h)[None, :, None]
    x = torch.linspace(0, 1, w)[None, None, :]
    r = (0.5 + 0.5 * torch.cos(2 * math.pi * (i / b))) * x.expand(b, h, w)
    g = (0.5 + 0.5 * torch.sin(2 * math.pi * (i / b))) * y.expand(b, h, w)
    bl = ((i + 1) / b).expand(b, h, w) * (1 - x)
    return torch.stack([r, g, bl], dim=1)


def grey_batch(b: int, h: int = 8, w: int = 8) -> torch.Tensor:
    """(B, H, W): a diagonal ramp per image, image i spanning [0, i + 1]."""
    y = torch.arange(h, dtype=torch.float32)[:, None]
    x = torch.arange(w, dtype=torch.float32)[None, :]
    ramp = (x + y) / (h + w - 2)
    return ramp[None] * torch.arange(1, b + 1, dtype=torch.float32)[:, None, None]


@COMPARE
def test_rgb_grid_partial_last_row():
    return show(colour_batch(10), nrow=4)


@COMPARE
def test_rgb_grid_padding_and_pad_value():
    return show(colour_batch(7), nrow=3, padding=5, pad_value=1.0)


@COMPARE
def test_rgba_grid_channels_last():
    rgb = colour_batch(6).permute(0, 2, 3, 1)
    alpha = torch.linspace(0.2, 1, 8)[None, None, :, None].expand(6, 8, 8, 1)
    return show(torch.cat([rgb, alpha], dim=-1), nrow=3, pad_value=1.0)


@COMPARE
def test_grey_grid_one_shared_range():
    # Image i spans [0, i + 1]: with one range the first tiles are dark.
    return show(grey_batch(8), nrow=4, cmap="viridis")


@COMPARE
def test_grey_grid_per_image_scaling():
    # Same batch, each tile its own range: all tiles look alike.
    return show(grey_batch(8), nrow=4, cmap="viridis", normalize="per_image")


@COMPARE
def test_rgb_normalize_minmax_of_out_of_range_floats():
    return show(4 * colour_batch(6) - 1.5, nrow=3, normalize="minmax")


@COMPARE
def test_rgb_normalize_per_image():
    batch = colour_batch(6) * torch.arange(1, 7, dtype=torch.float32)[:, None, None, None] - 2
    return show(batch, nrow=3, normalize="per_image")


@COMPARE
def test_denorm_restores_images():
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    normalized = (colour_batch(6) - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[
        :, None, None
    ]
    return show(normalized, nrow=3, denorm=(mean, std))


@COMPARE
def test_uint8_grid():
    return show((255 * colour_batch(5)).round().to(torch.uint8), nrow=5, padding=1, pad_value=128)


@COMPARE
def test_feature_map_grid():
    # (batch 2, 6 channels, 6, 6) activations, every channel a tile, one colour range.
    fmap = grey_batch(12, 6, 6).reshape(2, 6, 6, 6) - 4
    return show(fmap.flatten(0, 1), nrow=6, padding=1, cmap="RdBu_r")
