"""The image shape rule and the grid geometry, as pure functions of shapes (no drawing).

Last, the memory a single image costs: one copy, in the tensor's own layout.
"""

from __future__ import annotations

import gc
import re
import tracemalloc

import numpy as np
import pytest
import torch

import torchplot
from torchplot import _grid
from torchplot._compat import fill_
from torchplot._grid import (
    MAX_GRID_PIXELS,
    GridGeometry,
    build_grid,
    grid_geometry,
    host_grid,
    image_layout,
)

# --------------------------------------------------------------------------- what a shape means


@pytest.mark.parametrize(
    "shape, channel_axis",
    [
        ((5, 7), None),
        ((5, 7, 1), "last"),
        ((5, 7, 3), "last"),
        ((5, 7, 4), "last"),
        # Ambiguous: Matplotlib accepts them as (H, W, C), so that is what they mean.
        ((3, 7, 3), "last"),
        ((1, 7, 1), "last"),
        ((4, 7, 4), "last"),
        ((3, 4, 4), "last"),
    ],
)
def test_shapes_matplotlib_accepts_keep_its_meaning(shape, channel_axis):
    layout = image_layout(shape)
    assert layout.matplotlib_accepts
    assert layout.lead == 0 and layout.batch == 1
    assert layout.channel_axis == channel_axis
    assert (layout.height, layout.width) == shape[:2]


@pytest.mark.parametrize("c", [1, 3, 4])
def test_channels_first_single_image(c):
    layout = image_layout((c, 5, 7))
    assert not layout.matplotlib_accepts
    assert (layout.lead, layout.channel_axis, layout.batch) == (0, "first", 1)
    assert (layout.channels, layout.height, layout.width) == (c, 5, 7)


@pytest.mark.parametrize("b", [2, 5, 16, 64])
def test_3d_batch_of_single_channel_images(b):
    layout = image_layout((b, 6, 9))
    assert not layout.matplotlib_accepts
    assert (layout.lead, layout.channel_axis) == (1, None)
    assert (layout.batch, layout.channels, layout.height, layout.width) == (b, 1, 6, 9)


@pytest.mark.parametrize(
    "shape, axis, dims",
    [
        ((8, 3, 5, 7), "first", (8, 3, 5, 7)),
        ((8, 1, 5, 7), "first", (8, 1, 5, 7)),
        ((8, 4, 5, 7), "first", (8, 4, 5, 7)),
        ((8, 5, 7, 3), "last", (8, 3, 5, 7)),
        ((8, 5, 7, 1), "last", (8, 1, 5, 7)),
        # A tie between (B, C, H, W) and (B, H, W, C): PyTorch's channels-first wins.
        ((8, 3, 5, 3), "first", (8, 3, 5, 3)),
        # Leading dims are flattened into the batch.
        ((2, 4, 3, 5, 7), "first", (8, 3, 5, 7)),
        ((2, 2, 2, 5, 7, 4), "last", (8, 4, 5, 7)),
    ],
)
def test_batches(shape, axis, dims):
    layout = image_layout(shape)
    assert not layout.matplotlib_accepts
    assert layout.lead == len(shape) - 3
    assert layout.channel_axis == axis
    assert (layout.batch, layout.channels, layout.height, layout.width) == dims


@pytest.mark.parametrize("shape", [(), (5,), (0,)])
def test_fewer_than_two_dims_are_left_to_matplotlib(shape):
    assert image_layout(shape) is None


@pytest.mark.parametrize("shape", [(8, 2, 5, 7), (8, 5, 7, 2), (8, 16, 5, 7), (2, 3, 6, 5, 7)])
def test_batch_without_a_channel_dim_is_an_error_naming_shape_and_fix(shape):
    with pytest.raises(TypeError) as info:
        image_layout(shape)
    message = str(info.value)
    assert str(shape) in message
    assert "1, 3 or 4 channels" in message
    assert "`X.flatten(0, -3).unsqueeze(1)`" in message
    # The advice means one grey tile per channel, whatever their number ...
    advised = tuple(torch.empty(shape, device="meta").flatten(0, -3).unsqueeze(1).shape)
    n = int(np.prod(shape[:-2]))
    assert f"(shape {advised})" in message and advised == (n, 1, *shape[-2:])
    layout = image_layout(advised)
    assert (layout.batch, layout.channels) == (n, 1)
    # ... also where the flattened (N, H, W) alone would be one RGBA image.
    assert image_layout((4, 5, 7)).batch == 1


def test_channel_selection_advice_works_with_leading_dims():
    with pytest.raises(TypeError, match=re.escape("`X[..., :3, :, :]`")):
        image_layout((2, 3, 6, 5, 7))
    advised = torch.empty(2, 3, 6, 5, 7, device="meta")[..., :3, :, :]
    assert image_layout(tuple(advised.shape)).channels == 3


@pytest.mark.parametrize("shape", [(0, 5, 7), (0, 3, 5, 7), (4, 3, 0, 7), (4, 5, 0, 3), (3, 0, 7)])
def test_zero_size_is_an_error(shape):
    with pytest.raises(TypeError, match="zero-size"):
        image_layout(shape)


# --------------------------------------------------------------------------- grid geometry


@pytest.mark.parametrize(
    "batch, nrow, padding, rows, cols",
    [
        (1, 8, 2, 1, 1),
        (5, 8, 2, 1, 5),
        (8, 8, 2, 1, 8),
        (9, 8, 2, 2, 8),
        (10, 4, 0, 3, 4),
        (64, 8, 3, 8, 8),
    ],
)
def test_geometry_is_make_grid_s(batch, nrow, padding, rows, cols):
    geom = grid_geometry(batch, 6, 9, nrow=nrow, padding=padding)
    assert (geom.rows, geom.cols) == (rows, cols)
    # torchvision.utils.make_grid: (rows * (H + p) + p, cols * (W + p) + p).
    assert (geom.height, geom.width) == (
        rows * (6 + padding) + padding,
        cols * (9 + padding) + padding,
    )
    assert geom.tile_origin(0) == (padding, padding)
    last = batch - 1
    assert geom.tile_origin(last) == (
        (last // cols) * (6 + padding) + padding,
        (last % cols) * (9 + padding) + padding,
    )


def test_title_gap_goes_above_tiles_or_below_for_origin_lower():
    above = GridGeometry(3, 1, 3, 6, 9, padding=2, gap=5)
    assert above.height == 2 + 5 + 6 + 2
    assert above.tile_origin(1) == (2 + 5, 2 + 9 + 2)
    assert above.gap_center(1) == (2 + 2, 2 + 9 + 2 + 4)
    below = GridGeometry(3, 1, 3, 6, 9, padding=2, gap=5, gap_after=True)
    assert below.tile_origin(1) == (2, 13)
    assert below.gap_center(1) == (2 + 6 + 2, 13 + 4)


def test_pixel_budget_error_names_sizes_and_how_many_fit():
    with pytest.raises(ValueError) as info:
        grid_geometry(100_000, 64, 64)
    message = str(info.value)
    assert "100000 images of 64x64" in message
    assert f"{MAX_GRID_PIXELS:,}" in message
    assert "nothing is cropped" in message
    fit = int(message.split("show at most ")[1].split(" ")[0])
    assert f"X[:{fit}]" in message
    grid_geometry(fit, 64, 64)  # the advice works ...
    with pytest.raises(ValueError):
        grid_geometry(fit + 8, 64, 64)  # ... and is close to the largest that does


def test_no_budget_for_a_single_image():
    geom = grid_geometry(1, 9000, 9000, padding=0, gap=400, max_pixels=None)
    assert (geom.height, geom.width) == (9400, 9000)
    with pytest.raises(ValueError):
        grid_geometry(1, 9000, 9000, padding=0)  # the default budget is for grids


def test_budget_advice_names_the_batch_as_given():
    with pytest.raises(ValueError, match=re.escape("e.g. `X.flatten(0, 1)[:")):
        grid_geometry(100_000, 64, 64, batch_name="X.flatten(0, 1)")
    with pytest.raises(ValueError, match=re.escape("one at a time, e.g. `X[0]`")):
        grid_geometry(2, 9000, 9000)


def test_budget_counts_the_whole_grid():
    geom = grid_geometry(4, 10, 10, nrow=2, padding=1)
    pixels = geom.height * geom.width
    grid_geometry(4, 10, 10, nrow=2, padding=1, max_pixels=pixels)
    with pytest.raises(ValueError):
        grid_geometry(4, 10, 10, nrow=2, padding=1, max_pixels=pixels - 1)


# --------------------------------------------------------------------------- the grid itself


def reference_grid(images: np.ndarray, geom: GridGeometry, pad_value: float) -> np.ndarray:
    """One tile at a time, the obvious way."""
    b, h, w, c = images.shape
    grid = np.full((geom.height, geom.width, c), pad_value, dtype=images.dtype)
    for i in range(b):
        top, left = geom.tile_origin(i)
        grid[top : top + h, left : left + w] = images[i]
    return grid


@pytest.mark.parametrize(
    "batch, nrow, padding, gap, gap_after",
    [
        (1, 8, 0, 0, False),
        (7, 3, 2, 0, False),
        (9, 3, 1, 4, False),
        (10, 4, 3, 2, True),
        (6, 6, 0, 0, False),
    ],
)
@pytest.mark.parametrize("dtype", [torch.float32, torch.uint8])
@pytest.mark.parametrize("per_tile", [256, 0], ids=["per-tile-copies", "one-strided-copy"])
def test_build_grid_matches_tile_by_tile(
    monkeypatch, batch, nrow, padding, gap, gap_after, dtype, per_tile
):
    monkeypatch.setattr(_grid, "PER_TILE_COPIES", per_tile)
    images = (torch.arange(batch * 5 * 4 * 3) % 251).reshape(batch, 5, 4, 3).to(dtype)
    geom = grid_geometry(batch, 5, 4, nrow=nrow, padding=padding, gap=gap, gap_after=gap_after)
    grid = build_grid(images, geom, 7)
    assert grid.dtype == dtype
    np.testing.assert_array_equal(grid.numpy(), reference_grid(images.numpy(), geom, 7))


@pytest.mark.parametrize("per_tile", [256, 0])
def test_build_grid_reads_strided_views_and_leaves_them_alone(monkeypatch, per_tile):
    monkeypatch.setattr(_grid, "PER_TILE_COPIES", per_tile)
    chw = torch.rand(5, 3, 4, 6)
    before = chw.clone()
    geom = grid_geometry(5, 4, 6, nrow=2, padding=1)
    grid = build_grid(chw.permute(0, 2, 3, 1), geom, 0.5)
    expected = reference_grid(chw.permute(0, 2, 3, 1).numpy(), geom, 0.5)
    np.testing.assert_array_equal(grid.numpy(), expected)
    assert torch.equal(chw, before)


def _torch_build(per_tile: int):
    def build(images: torch.Tensor, geom: GridGeometry, pad_value: float) -> torch.Tensor:
        # The device path (torch ops), run on the CPU.
        grid = images.new_empty((geom.height, geom.width, images.shape[-1]))
        old, _grid.PER_TILE_COPIES = _grid.PER_TILE_COPIES, per_tile
        try:
            _grid._layout_tensor(images, grid, geom, pad_value)
        finally:
            _grid.PER_TILE_COPIES = old
        return grid

    return build


def _host_build(images: torch.Tensor, geom: GridGeometry, pad_value: float) -> torch.Tensor:
    arr = host_grid(images, geom, pad_value)
    assert arr is not None and arr.base is None  # owns its memory
    assert not np.shares_memory(arr, images.numpy())
    return torch.from_numpy(arr)


BUILDERS = {
    "host_grid": _host_build,
    "build_grid": build_grid,
    "torch-per-tile": _torch_build(256),
    "torch-one-copy": _torch_build(0),
}


@pytest.mark.parametrize("builder", BUILDERS)
@pytest.mark.parametrize("channels", [1, 3, 4])
@pytest.mark.parametrize("source", ["chw-view", "hwc", "expanded"])
@pytest.mark.parametrize(
    "batch, nrow, padding, gap, gap_after",
    [(7, 3, 2, 0, False), (10, 4, 3, 2, True), (6, 6, 0, 0, False)],
)
def test_every_build_path_gives_the_same_grid(
    builder, channels, source, batch, nrow, padding, gap, gap_after
):
    chw = (torch.arange(batch * channels * 5 * 4) % 251).reshape(batch, channels, 5, 4) / 250
    if source == "chw-view":
        images = chw.permute(0, 2, 3, 1)
    elif source == "hwc":
        images = chw.permute(0, 2, 3, 1).contiguous()
    else:  # zero strides: one image repeated
        images = chw[:1].permute(0, 2, 3, 1).expand(batch, 5, 4, channels)
    geom = grid_geometry(batch, 5, 4, nrow=nrow, padding=padding, gap=gap, gap_after=gap_after)
    grid = BUILDERS[builder](images, geom, 0.25)
    expected = reference_grid(images.numpy(), geom, np.float32(0.25))
    np.testing.assert_array_equal(grid.numpy(), expected)


@pytest.mark.parametrize(
    "dtype", [torch.bfloat16, torch.float16, torch.float8_e5m2, torch.bool, torch.int64]
)
def test_build_grid_moves_every_dtype_bit_exactly(dtype):
    images = (torch.rand(5, 3, 4, 6) * 3).to(dtype).permute(0, 2, 3, 1)
    geom = grid_geometry(5, 4, 6, nrow=2, padding=1)
    grid = build_grid(images, geom, 1)
    expected = images.new_empty((geom.height, geom.width, 3))
    _grid._layout_tensor(images, expected, geom, 1)
    assert grid.dtype == dtype
    # bytes compared: PyTorch 2.3 has no float8 ``equal``
    assert torch.equal(grid.view(torch.uint8), expected.view(torch.uint8))


def test_host_grid_only_for_plain_cpu_tensors_of_numpy_dtypes():
    geom = grid_geometry(2, 4, 6)
    images = torch.rand(2, 4, 6, 3)
    assert host_grid(images.bfloat16(), geom, 0) is None  # built by build_grid, then converted
    assert host_grid(images.requires_grad_(), geom, 0) is None
    assert host_grid(torch.nn.Parameter(images.detach()), geom, 0) is None
    assert host_grid(images.detach(), geom, 0) is not None


def test_pad_value_is_converted_as_fill_converts_it():
    images = torch.rand(3, 4, 6, 3).half()
    geom = grid_geometry(3, 4, 6, padding=1)
    with pytest.raises(RuntimeError, match="overflow"):
        build_grid(images, geom, 1e6)
    with pytest.raises(RuntimeError, match="overflow"):
        images.new_empty(3).fill_(1e6)


class _NoFloat8Fill(torch.Tensor):
    """A tensor whose ``fill_`` lacks float8, as PyTorch 2.3's CPU kernel does."""

    def fill_(self, value):
        if self.element_size() == 1 and self.is_floating_point():
            raise RuntimeError(f'"fill_cpu" not implemented for {self.dtype}')
        return super().fill_(value)


_FLOAT8 = [getattr(torch, n) for n in dir(torch) if n.startswith("float8_")]


@pytest.mark.parametrize("dtype", _FLOAT8, ids=str)
@pytest.mark.parametrize(
    "value", [0.0, 0.3, -3.0, 448.0, 449.0, 1000.0, 1e6, 2.0**-127, np.inf, -np.inf, np.nan]
)
def test_float8_fill_without_the_kernel_equals_fill(dtype, value):
    # Where PyTorch has no float8 fill (2.3), the pad goes through float32 and
    # gets fill_'s values and overflow errors.
    lacking = torch.empty(4, dtype=dtype).as_subclass(_NoFloat8Fill)
    with pytest.raises(RuntimeError, match="not implemented"):
        lacking.fill_(value)
    try:
        expected = torch.empty(4, dtype=dtype).fill_(value)
    except RuntimeError as err:
        if "not implemented" in str(err):
            pytest.skip(f"torch {torch.__version__} has no {dtype} fill_ to compare with")
        with pytest.raises(RuntimeError, match="without overflow"):
            fill_(lacking, value)
        assert "without overflow" in str(err)
        return
    got = fill_(lacking, value)
    assert got.dtype == dtype
    assert torch.equal(got.as_subclass(torch.Tensor).view(torch.uint8), expected.view(torch.uint8))


# --------------------------------------------------------------------------- a single image's copy


def _given_to_an_image(call, x):
    """The image that ``call`` (``imshow``, ``X=``, ``set_data``, ``set_array``) gave ``x`` to."""
    ax = torchplot.figure().subplots()
    if call == "imshow":
        return ax.imshow(x)
    if call == "X=":
        return ax.imshow(X=x)
    image = ax.imshow(np.zeros((2, 2)))
    getattr(image, call)(x)
    return image


IMAGE_CALLS = ["imshow", "X=", "set_data", "set_array"]


@pytest.mark.parametrize("call", IMAGE_CALLS)
@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.rand(512, 256),
        lambda: torch.rand(256, 512).T,
        lambda: torch.rand(3, 256, 256),
        lambda: (torch.rand(3, 512, 512) * 255).to(torch.uint8).permute(1, 2, 0),
    ],
    ids=["contiguous", "transposed", "chw", "hwc-view-uint8"],
)
@pytest.mark.skipif(
    np.lib.NumpyVersion(np.__version__) < "2.0.0",
    reason="NumPy 1.x passes no copy= to __array__, so it copies the hand-over again",
)
def test_a_single_image_is_copied_once(make, call):
    # The one copy the figure needs (promise 3), plus Matplotlib's mask of
    # invalid values (a byte per element) and some slack; a second copy of
    # the pixels (the conversion's, then set_data's own) would exceed this.
    image = make()
    ax = torchplot.figure().subplots()
    target = ax.imshow(np.zeros((2, 2)))
    give = {
        "imshow": ax.imshow,
        "X=": lambda x: ax.imshow(X=x),
        "set_data": target.set_data,
        "set_array": target.set_array,
    }[call]
    gc.collect()
    tracemalloc.start()
    try:
        give(image)
        peak = tracemalloc.get_traced_memory()[1]
    finally:
        tracemalloc.stop()
    assert peak < 1.5 * image.nbytes + image.numel(), peak / image.nbytes


@pytest.mark.parametrize("call", IMAGE_CALLS)
def test_a_single_image_keeps_the_tensors_memory_order(call):
    # As ``np.array(a, copy=True)`` (``order="K"``) keeps an array's: a
    # transposed or channels-first view is copied as it lies in memory (one
    # memcpy), not gathered element by element into C order.
    stored = np.ma.getdata(_given_to_an_image(call, torch.rand(20, 30).T).get_array())
    assert stored.shape == (30, 20) and stored.flags.f_contiguous
    stored = np.ma.getdata(_given_to_an_image(call, torch.rand(3, 20, 30)).get_array())
    assert stored.shape == (20, 30, 3) and stored.transpose(2, 0, 1).flags.c_contiguous
