"""Image batches as one grid: the layout rule, the grid geometry, the grid builders.

Three pieces, used by the ``imshow`` layer (:mod:`torchplot._layers.images`):

* :func:`image_layout` -- what a shape means.  Only shapes Matplotlib rejects
  get a tensor meaning; 2-D, ``(H, W, 1)`` and ``(H, W, 3|4)`` keep
  Matplotlib's, so ``(3, H, 3)`` is an RGB image 3 pixels wide, never CHW.
* :func:`grid_geometry` -- where each tile goes, laid out like
  ``torchvision.utils.make_grid`` (``nrow`` images per row, ``padding``
  pixels around every tile), with a pixel budget checked before anything is
  allocated.
* :func:`host_grid` and :func:`build_grid` -- the grid itself, built
  where the batch lives, so that at most one array (the grid) crosses to the
  host.  On the CPU the pixels are moved by NumPy, through views of the
  tensors' memory: one strided assignment per channel for the whole batch,
  on the calling thread.  That walks each image row (``W`` elements per inner
  loop; a copy into a channels-last grid walks ``C``): 0.45 ms for 64 images
  of 3x64x64, against 1.1 ms for torch's one copy per tile, and it is never a
  parallel region, whose worker threads on a busy CPU can stall a copy for
  tens of ms.
  :func:`host_grid` allocates the grid with NumPy, so it is handed to
  Matplotlib as is, with no second copy.  On other devices, torch ops: the
  borders filled, the tiles placed in one strided copy.

This module imports no framework: torch is reached through the tensors it is
given (and ``sys.modules``, once a tensor exists).
"""

from __future__ import annotations

import math
import sys
from dataclasses import dataclass
from typing import Any

import numpy as np

from torchplot._compat import fill_
from torchplot._convert import in_host_memory

__all__ = [
    "CHANNELS",
    "MAX_GRID_PIXELS",
    "PER_TILE_COPIES",
    "GridGeometry",
    "ImageLayout",
    "build_grid",
    "grid_geometry",
    "host_grid",
    "image_layout",
    "image_tiles",
]

#: Channel counts an image can have: grey (colormapped), RGB, RGBA.
CHANNELS: frozenset[int] = frozenset({1, 3, 4})

#: Where torch itself builds a grid on the CPU (tensor subclasses, pending
#: conjugation bits: :func:`build_grid` writes plain CPU tensors through
#: NumPy), batches up to this size are copied one tile per op.  Each copy is
#: then small enough that torch runs it on the calling thread; one strided
#: copy of the whole batch is a parallel region, and on a busy CPU the wait
#: for its worker threads costs more than the copy (measured: median 31 ms vs
#: 1.9 ms for 64 images of 3x64x64 on 2 oversubscribed cores).  Other devices
#: always get the one strided copy: one kernel, not one per tile.
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


def _shape_error(
    call: str, label: str, shape: tuple[int, ...], problem: str, fix: str
) -> TypeError:
    # A TypeError, as Matplotlib's own "Invalid shape ... for image data" for
    # the same shape as a NumPy array: only the explanation is torchplot's.
    return TypeError(f"{call} argument {label} of shape {shape}: {problem}. Fix: {fix}.")


def image_layout(
    shape: tuple[int, ...], call: str = "imshow()", arg: str = "X", label: str | None = None
) -> ImageLayout | None:
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
    ``call`` names the function in errors, ``arg`` its image argument as an
    expression in the fix (``X``, ``data['img']``), ``label`` as errors name
    the argument (``'data'['img']``, as the conversion rule names a ``data=``
    lookup; default: ``repr(arg)``, ``'X'``).

    Raises
    ------
    TypeError
        For a tensor-only shape that cannot be shown: a batch whose images
        have no 1, 3 or 4 channel dim, or a zero-size dimension.  The message
        names the shape and what to pass instead; the type is the one
        Matplotlib raises for an array of that shape (``Invalid shape``).
    """
    shape = tuple(int(n) for n in shape)
    if label is None:
        label = repr(arg)
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
        # One grey tile per channel must come out as (N, 1, H, W): a flattened
        # (N, H, W) is one RGBA image when N is 4 (from (2, 2, H, W)).
        tiles = (math.prod(shape[:-2]), 1, *shape[-2:])
        select = f"{arg}[:, :3]" if ndim == 4 else f"{arg}[..., :3, :, :]"
        raise _shape_error(
            call,
            label,
            shape,
            "a batch of images needs 1, 3 or 4 channels, as (B, C, H, W) or (B, H, W, C)",
            f"to see each of the {shape[-3]} channels (dim -3) of every image as its own "
            f"grey tile pass `{arg}.flatten(0, -3).unsqueeze(1)` (shape {tiles}), "
            f"or select channels, e.g. `{select}`",
        )
    if 0 in shape:
        raise _shape_error(
            call,
            label,
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
    max_pixels: int | None = MAX_GRID_PIXELS,
    batch_name: str = "X",
    call: str = "imshow()",
) -> GridGeometry:
    """The geometry of a grid of ``batch`` tiles of ``height x width``, ``nrow`` per row.

    Parameters
    ----------
    batch, height, width : int
        Number of tiles and the size of each, in pixels.
    nrow, padding, gap, gap_after
        As :class:`GridGeometry` (``nrow``: tiles per row).
    max_pixels : int or None, default: MAX_GRID_PIXELS
        The pixel budget; ``None`` for none (a single image is drawn at any size).
    batch_name : str, default: "X"
        The batch as an expression with one leading dim, for the fix the
        error suggests (e.g. ``"X.flatten(0, 1)"`` for a 5-D ``X``).
    call : str, default: "imshow()"
        The function laying out the grid, as the error names it.

    Raises
    ------
    ValueError
        If the grid would exceed ``max_pixels``; the message says how many
        images fit.  Nothing is cropped.
    """
    cols = min(nrow, batch)
    geom = GridGeometry(batch, -(-batch // cols), cols, height, width, padding, gap, gap_after)
    pixels = geom.height * geom.width
    if max_pixels is not None and pixels > max_pixels:
        fit = max_pixels // (geom.cell_height * geom.cell_width)
        while fit > 1 and _pixels(fit, height, width, nrow, padding, gap) > max_pixels:
            fit -= 1
        fix = (
            f"show at most {fit} images at a time, e.g. `{batch_name}[:{fit}]`, "
            "or fewer padding pixels"
            if fit > 1
            # A single image has no budget: one at a time always draws.
            else f"show the images one at a time, e.g. `{batch_name}[0]`"
        )
        raise ValueError(
            f"{call} of {batch} images of {height}x{width} pixels would need a grid of "
            f"{geom.height}x{geom.width} = {pixels:,} pixels, over torchplot's budget of "
            f"{max_pixels:,}; nothing is cropped. Fix: {fix}."
        )
    return geom


def _pixels(batch: int, height: int, width: int, nrow: int, padding: int, gap: int) -> int:
    cols = min(nrow, batch)
    rows = -(-batch // cols)
    return (rows * (height + padding + gap) + padding) * (cols * (width + padding) + padding)


def host_grid(images: Any, geom: GridGeometry, pad_value: float) -> np.ndarray | None:
    """The grid of a plain CPU batch ``(B, H, W, C)``, as a fresh ``(height, width, C)`` array.

    Built directly in host memory, through a NumPy view of ``images`` (no
    copy to make it): the array is the only copy of the pixels, in
    ``images.dtype``, sharing no memory with ``images``.  ``None`` where this
    does not apply (another device, a dtype NumPy lacks, a tensor subclass):
    use :func:`build_grid` there.
    """
    src = _host_array(images, bits=False)
    if src is None:
        return None
    grid = np.empty((geom.height, geom.width, src.shape[-1]), src.dtype)
    _layout(src, grid, geom, _fill_value(images, pad_value, bits=False))
    return grid


def build_grid(images: Any, geom: GridGeometry, pad_value: float) -> Any:
    """Lay out a batch ``(B, H, W, C)`` into one ``(height, width, C)`` tensor.

    Runs on ``images.device`` in ``images.dtype``; ``images`` may be any
    strided view (e.g. a permuted CHW batch) and is only read.  Every pixel is
    written once: the border strips are filled with ``pad_value`` (converted
    to the dtype as ``Tensor.fill_`` converts it) and the tiles copied in.

    * CPU (a plain tensor): written through NumPy views of the grid and of
      ``images`` (no copy to make them), as :func:`host_grid`; dtypes NumPy
      lacks (``bfloat16``, ``float8_*``, ``complex32``) are moved as
      same-size integers, bit-exact.
    * Any other device (and tensor subclasses): torch ops on the device, one
      strided copy of the whole batch (two with a partial last row), or on the
      CPU one copy per tile up to :data:`PER_TILE_COPIES` images.
    """
    grid = images.new_empty((geom.height, geom.width, images.shape[-1]))
    src, dst = _host_array(images), _host_array(grid)
    if src is not None and dst is not None and src.dtype == dst.dtype:
        _layout(src, dst, geom, _fill_value(images, pad_value))
    else:
        _layout_tensor(images, grid, geom, pad_value)
    return grid


#: Integer dtype of each element size, to move the bits of a dtype NumPy lacks.
_BITS_DTYPES: dict[int, str] = {1: "uint8", 2: "int16", 4: "int32", 8: "int64"}


def _host_array(t: Any, bits: bool = True) -> Any:
    """A NumPy view of a plain CPU tensor's memory (no copy), or ``None``.

    With ``bits``, a dtype NumPy lacks is viewed as the integer dtype of its
    element size.  ``None`` for a tensor not in host memory as it shows its
    values (:func:`~torchplot._convert.in_host_memory`), one with a pending
    conjugation or negation bit, or one that requires grad.
    """
    if not in_host_memory(t) or t.requires_grad or t.is_conj() or t.is_neg():
        return None
    try:
        return t.numpy()
    except TypeError:  # a dtype NumPy lacks
        if not bits:
            return None
    as_int = _BITS_DTYPES.get(t.element_size())
    if as_int is None:
        return None
    try:
        return t.view(getattr(sys.modules["torch"], as_int)).numpy()
    except (TypeError, RuntimeError):
        return None


def _fill_value(images: Any, pad_value: float, bits: bool = True) -> Any:
    """``pad_value`` in ``images.dtype`` as ``Tensor.fill_`` converts it, as a NumPy scalar.

    Two elements: torch fills a one-element tensor without its overflow check.
    """
    return _host_array(fill_(images.new_empty(2, device="cpu"), pad_value), bits)[0]


def _cells(grid: Any, geom: GridGeometry, h: int, w: int) -> tuple[Any, Any]:
    """``(cells, tiles)`` views of a grid (NumPy array or tensor, ``(height, width[, C])``).

    ``cells``: ``(rows, cell_h, cols, cell_w[, C])``, every cell; ``tiles``:
    ``(rows, H, cols, W[, C])``, the tile part of each cell.
    """
    rows_end, cols_end = geom.rows * geom.cell_height, geom.cols * geom.cell_width
    cells = grid[:rows_end, :cols_end].reshape(
        geom.rows, geom.cell_height, geom.cols, geom.cell_width, *grid.shape[2:]
    )
    top, left = geom.tile_top, geom.padding
    return cells, cells[:, top : top + h, :, left : left + w]


def image_tiles(grid: Any, geom: GridGeometry) -> list[Any]:
    """Views of the tiles of a grid that hold an image (not its empty last slots).

    ``grid``: ``(height, width[, C])``, a NumPy array (masked too) or a tensor.
    The full rows of tiles, ``(full, H, cols, W[, C])``, then, if the last row
    is not full, its filled slots, ``(H, rest, W[, C])``.
    """
    _, tiles = _cells(grid, geom, geom.tile_height, geom.tile_width)
    full, rest = divmod(geom.batch, geom.cols)
    return [tiles[:full], tiles[full, :, :rest]] if rest else [tiles[:full]]


def _pad_strips(grid: Any, geom: GridGeometry, b: int, h: int, w: int) -> list[Any]:
    """Views of every grid pixel that no tile covers (NumPy array or tensor)."""
    cells, tiles = _cells(grid, geom, h, w)
    rows_end, cols_end = geom.rows * geom.cell_height, geom.cols * geom.cell_width
    top, left = geom.tile_top, geom.padding
    full, rest = divmod(b, geom.cols)
    return [
        cells[:, :top],  # border (and title strip) above each tile
        cells[:, top + h :],  # title strip below each tile (origin="lower")
        cells[:, top : top + h, :, :left],  # border left of each tile
        grid[rows_end:],  # closing border, bottom
        grid[:rows_end, cols_end:],  # closing border, right
        tiles[full, :, rest:] if rest else tiles[:0],  # empty slots of the last row
    ]


def _layout(src: Any, dst: Any, geom: GridGeometry, fill: Any) -> None:
    """The host build: NumPy views ``src`` ``(B, H, W, C)`` into ``dst``."""
    b, h, w, c = src.shape
    for strip in _pad_strips(dst, geom, b, h, w):
        strip[...] = fill
    _, tiles = _cells(dst, geom, h, w)
    full, rest = divmod(b, geom.cols)
    item = src.itemsize
    # NumPy walks an assignment in the destination's memory order, channels
    # innermost: a loop of C elements per pixel, unless each image row is
    # contiguous in the source too (channels-last images), where rows and
    # channels coalesce into one run.  Otherwise one channel at a time.
    rows_contiguous = c == 1 or (src.strides[3] == item and src.strides[2] == c * item)
    channels = [slice(None)] if rows_contiguous else list(range(c))
    for ch in channels:
        if full:
            block = src[: full * geom.cols].reshape(full, geom.cols, h, w, c)
            tiles[:full, ..., ch] = block.transpose(0, 2, 1, 3, 4)[..., ch]
        if rest:
            tiles[full, :, :rest, :, ch] = src[full * geom.cols :].transpose(1, 0, 2, 3)[..., ch]


def _layout_tensor(images: Any, grid: Any, geom: GridGeometry, pad_value: float) -> None:
    """The device build: torch ops on ``images.device``."""
    b, h, w, _ = images.shape
    for strip in _pad_strips(grid, geom, b, h, w):
        fill_(strip, pad_value)
    _, tiles = _cells(grid, geom, h, w)
    if images.device.type == "cpu" and b <= PER_TILE_COPIES:
        for i in range(b):
            r, k = divmod(i, geom.cols)
            tiles[r, :, k].copy_(images[i])
        return
    full, rest = divmod(b, geom.cols)
    if full:
        block = images[: full * geom.cols].unflatten(0, (full, geom.cols))  # (full, cols, H, W, C)
        tiles[:full].copy_(block.permute(0, 2, 1, 3, 4))
    if rest:
        tiles[full, :, :rest].copy_(images[full * geom.cols :].permute(1, 0, 2, 3))
