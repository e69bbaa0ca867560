"""Image batches as one grid: the layout rule, the grid geometry, the device-side builder.

Three pieces, used by the ``imshow`` layer (:mod:`torchplot._layers.images`):

* :func:`image_layout` -- what a shape means.  Only shapes Matplotlib rejects
  get a tensor meaning; 2-D, ``(H, W, 1)`` and ``(H, W, 3|4)`` keep
  Matplotlib's, so ``(3, H, 3)`` is an RGB image 3 pixels wide, never CHW.
* :func:`grid_geometry` -- where each tile goes, laid out like
  ``torchvision.utils.make_grid`` (``nrow`` images per row, ``padding``
  pixels around every tile), with a pixel budget checked before anything is
  allocated.
* :func:`build_grid` -- the grid itself, built with torch operations on the
  batch's own device, so that exactly one array (the grid) crosses to the host.

This module imports no framework: the torch functions it calls are reached
through the tensors it is given.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from typing import Any

__all__ = [
    "CHANNELS",
    "MAX_GRID_PIXELS",
    "PER_TILE_COPIES",
    "GridGeometry",
    "ImageLayout",
    "build_grid",
    "grid_geometry",
    "image_layout",
]

#: Channel counts an image can have: grey (colormapped), RGB, RGBA.
CHANNELS: frozenset[int] = frozenset({1, 3, 4})

#: Batches up to this size are copied into the grid one tile per op.  Each
#: copy is then small enough that torch runs it on the calling thread; one
#: strided copy of the whole batch is a parallel region, and on a busy CPU
#: the wait for its worker threads costs more than the copy (measured: median
#: 31 ms vs 1.9 ms for 64 images of 3x64x64 on 2 oversubscribed cores; about
#: 0.5-1 ms either way on an idle one).  On a GPU, 256 tile copies are
#: 256 small kernel launches, well under the cost of drawing the grid.
PER_TILE_COPIES: int = 256

#: Largest grid, in pixels, a batch is laid out into (8192 x 8192).  A screen
#: shows a few million pixels; past this the grid only costs memory (a batch
#: of 100,000 images of 3x64x64 would need 1.7 GB as float32) and is
#: resampled away when drawn.
MAX_GRID_PIXELS: int = 8192 * 8192


@dataclass(frozen=True)
class ImageLayout:
    """What the dimensions of an image-like shape mean.

    Attributes
    ----------
    shape : tuple of int
        The shape described.
    lead : int
        Number of leading dimensions flattened into the batch; 0 for a single image.
    channel_axis : {"first", "last", None}
        Where the channel dimension is (among the last three dims of a batch,
        the three dims of a single image); ``None``: no channel dimension,
        the image(s) have one channel.
    matplotlib_accepts : bool
        Whether ``Axes.imshow`` accepts this shape itself (then its meaning is
        Matplotlib's, and without torchplot keywords the call is left alone).
    """

    shape: tuple[int, ...]
    lead: int
    channel_axis: str | None
    matplotlib_accepts: bool

    @property
    def image_shape(self) -> tuple[int, ...]:
        """The shape of one image, as given (CHW, HWC or HW)."""
        return self.shape[self.lead :]

    @property
    def batch(self) -> int:
        """Number of images (1 for a single image)."""
        return math.prod(self.shape[: self.lead])

    @property
    def channels(self) -> int:
        if self.channel_axis == "first":
            return self.image_shape[0]
        if self.channel_axis == "last":
            return self.image_shape[-1]
        return 1

    @property
    def height(self) -> int:
        return self.image_shape[1] if self.channel_axis == "first" else self.image_shape[0]

    @property
    def width(self) -> int:
        return self.image_shape[2] if self.channel_axis == "first" else self.image_shape[1]


def _shape_error(shape: tuple[int, ...], problem: str, fix: str) -> ValueError:
    return ValueError(f"imshow() argument 'X' of shape {shape}: {problem}. Fix: {fix}.")


def image_layout(shape: tuple[int, ...]) -> ImageLayout | None:
    """The meaning of an ``imshow`` input of this shape.

    ======================  =================================================
    shape                   meaning
    ======================  =================================================
    ``(H, W)``              Matplotlib's: one image, colormapped
    ``(H, W, C)``           Matplotlib's when C is 1, 3 or 4 (also when the
                            first dim is 1, 3 or 4: ``(3, H, 3)`` is HWC)
    ``(C, H, W)``           one channels-first image, C in {1, 3, 4}
    ``(B, H, W)``           a batch of B one-channel images (any other 3-D)
    ``(..., C, H, W)``      a batch (leading dims flattened), channels first
    ``(..., H, W, C)``      a batch, channels last (when the dim before H
                            is not 1, 3 or 4)
    ======================  =================================================

    Returns ``None`` for fewer than two dims (left to Matplotlib's own error).

    Raises
    ------
    ValueError
        For a tensor-only shape that cannot be shown: a batch whose images
        have no 1, 3 or 4 channel dim, or a zero-size dimension.  The message
        names the shape and what to pass instead.
    """
    shape = tuple(int(n) for n in shape)
    ndim = len(shape)
    if ndim < 2:
        return None
    if ndim == 2:
        return ImageLayout(shape, 0, None, True)
    if ndim == 3 and shape[-1] in CHANNELS:
        # Matplotlib's meaning wins, whatever the first dim is.
        return ImageLayout(shape, 0, "last", True)
    if ndim == 3 and shape[0] in CHANNELS:
        layout = ImageLayout(shape, 0, "first", False)
    elif ndim == 3:
        layout = ImageLayout(shape, 1, None, False)
    elif shape[-3] in CHANNELS:
        # Channels first wins a tie such as (B, 3, H, 3): it is PyTorch's layout.
        layout = ImageLayout(shape, ndim - 3, "first", False)
    elif shape[-1] in CHANNELS:
        layout = ImageLayout(shape, ndim - 3, "last", False)
    else:
        flat = (math.prod(shape[:-2]), *shape[-2:])
        raise _shape_error(
            shape,
            "a batch of images needs 1, 3 or 4 channels, as (B, C, H, W) or (B, H, W, C)",
            f"to see every channel as its own tile pass `X.flatten(0, -3)` (shape {flat}), "
            "or select channels, e.g. `X[:, :3]`",
        )
    if 0 in shape:
        raise _shape_error(
            shape,
            "a zero-size dimension leaves no image to show",
            "pass a tensor with at least one image of at least 1x1 pixels",
        )
    return layout


@dataclass(frozen=True)
class GridGeometry:
    """Where each tile of a grid goes (pixel indices into the grid array).

    Every cell is ``padding`` pixels of border above and left of the tile (a
    last ``padding`` closes the grid bottom and right, as ``make_grid``), and
    ``gap`` extra rows for a tile title, above the tile in the array
    (``gap_after=False``) or below it (``gap_after=True``, for
    ``origin="lower"``, where the array's next row is drawn above).
    """

    batch: int
    rows: int
    cols: int
    tile_height: int
    tile_width: int
    padding: int
    gap: int = 0
    gap_after: bool = False

    @property
    def cell_height(self) -> int:
        return self.tile_height + self.padding + self.gap

    @property
    def cell_width(self) -> int:
        return self.tile_width + self.padding

    @property
    def height(self) -> int:
        return self.rows * self.cell_height + self.padding

    @property
    def width(self) -> int:
        return self.cols * self.cell_width + self.padding

    @property
    def tile_top(self) -> int:
        """Row of a tile's first pixel within its cell."""
        return self.padding + (0 if self.gap_after else self.gap)

    def tile_origin(self, i: int) -> tuple[int, int]:
        """``(row, col)`` of the first pixel of tile ``i`` in the grid."""
        r, c = divmod(i, self.cols)
        return r * self.cell_height + self.tile_top, c * self.cell_width + self.padding

    def gap_center(self, i: int) -> tuple[float, float]:
        """``(row, col)`` (pixel-centre units) of the middle of tile ``i``'s title strip."""
        top, left = self.tile_origin(i)
        col = left + (self.tile_width - 1) / 2
        if self.gap_after:
            return top + self.tile_height + (self.gap - 1) / 2, col
        return top - self.gap + (self.gap - 1) / 2, col


def grid_geometry(
    batch: int,
    height: int,
    width: int,
    *,
    nrow: int = 8,
    padding: int = 2,
    gap: int = 0,
    gap_after: bool = False,
    max_pixels: int = MAX_GRID_PIXELS,
) -> GridGeometry:
    """The geometry of a grid of ``batch`` tiles of ``height x width``, ``nrow`` per row.

    Raises
    ------
    ValueError
        If the grid would exceed ``max_pixels``; the message says how many
        images fit.  Nothing is cropped.
    """
    cols = min(nrow, batch)
    geom = GridGeometry(batch, -(-batch // cols), cols, height, width, padding, gap, gap_after)
    pixels = geom.height * geom.width
    if pixels > max_pixels:
        fit = max_pixels // (geom.cell_height * geom.cell_width)
        while fit > 1 and _pixels(fit, height, width, nrow, padding, gap) > max_pixels:
            fit -= 1
        fix = (
            f"show at most {fit} images at a time, e.g. `X[:{fit}]`, or fewer padding pixels"
            if fit >= 1
            else "show the images one at a time, e.g. `X[0]`"
        )
        raise ValueError(
            f"imshow() of {batch} images of {height}x{width} pixels would need a grid of "
            f"{geom.height}x{geom.width} = {pixels:,} pixels, over torchplot's budget of "
            f"{max_pixels:,}; nothing is cropped. Fix: {fix}."
        )
    return geom


def _pixels(batch: int, height: int, width: int, nrow: int, padding: int, gap: int) -> int:
    cols = min(nrow, batch)
    rows = -(-batch // cols)
    return (rows * (height + padding + gap) + padding) * (cols * (width + padding) + padding)


def build_grid(images: Any, geom: GridGeometry, pad_value: float) -> Any:
    """Lay out a batch ``(B, H, W, C)`` into one ``(height, width, C)`` tensor.

    Runs on ``images.device`` in ``images.dtype``.  Every pixel is written
    once: the border strips are filled with ``pad_value`` and the tiles
    copied in.  Up to :data:`PER_TILE_COPIES` images are copied one op per
    tile, more in one strided op (two with a partial last row).  ``images``
    may be any strided view (e.g. a permuted CHW batch); it is only read.
    """
    b, h, w, c = images.shape
    grid = images.new_empty((geom.height, geom.width, c))
    rows_end, cols_end = geom.rows * geom.cell_height, geom.cols * geom.cell_width
    # (rows, cell_h, cols, cell_w, C) view of every cell, then the tile part of each.
    cells = grid[:rows_end, :cols_end]
    cells = cells.unflatten(1, (geom.cols, geom.cell_width)).unflatten(
        0, (geom.rows, geom.cell_height)
    )
    top, left = geom.tile_top, geom.padding
    tiles = cells[:, top : top + h, :, left : left + w]  # (rows, H, cols, W, C)
    full, rest = divmod(b, geom.cols)
    for strip in (
        cells[:, :top],  # border (and title strip) above each tile
        cells[:, top + h :],  # title strip below each tile (origin="lower")
        cells[:, top : top + h, :, :left],  # border left of each tile
        grid[rows_end:],  # closing border, bottom
        grid[:rows_end, cols_end:],  # closing border, right
        tiles[full, :, rest:] if rest else tiles[:0],  # empty slots of the last row
    ):
        strip.fill_(pad_value)
    if b <= PER_TILE_COPIES:
        for i in range(b):
            r, k = divmod(i, geom.cols)
            tiles[r, :, k].copy_(images[i])
        return grid
    if full:
        block = images[: full * geom.cols].unflatten(0, (full, geom.cols))  # (full, cols, H, W, C)
        tiles[:full].copy_(block.permute(0, 2, 1, 3, 4))
    if rest:
        tiles[full, :, :rest].copy_(images[full * geom.cols :].permute(1, 0, 2, 3))
    return grid
