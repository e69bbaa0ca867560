"""Tensor layouts drawn pixel-identically to their explicit NumPy equivalents (tolerance 0)."""

from __future__ import annotations

import functools
import typing
import warnings

import matplotlib.axes
import matplotlib.projections
import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot
from tests._helpers import dtype_param
from torchplot import _convert, _twins
from torchplot._grid import GridGeometry, grid_geometry
from torchplot._layers import images

EQUAL = check_figures_equal(extensions=["png"], tol=0)


def rgb_batch(b: int = 6, h: int = 7, w: int = 9, c: int = 3, seed: int = 0) -> torch.Tensor:
    return torch.rand(b, c, h, w, generator=torch.Generator().manual_seed(seed))


def np_grid(hwc: np.ndarray, nrow: int = 8, padding: int = 2, pad_value: float = 0.0) -> np.ndarray:
    """torchvision's make_grid by hand, on (B, H, W, C) NumPy images, one tile at a time."""
    b, h, w, c = hwc.shape
    geom = grid_geometry(b, h, w, nrow=nrow, padding=padding)
    grid = np.full((geom.height, geom.width, c), pad_value, dtype=hwc.dtype)
    for i in range(b):
        top, left = geom.tile_origin(i)
        grid[top : top + h, left : left + w] = hwc[i]
    return grid


def tile_range(hwc: np.ndarray) -> dict[str, float]:
    return {"vmin": float(hwc.min()), "vmax": float(hwc.max())}


# --------------------------------------------------------------------------- single images


@pytest.mark.parametrize("c", [3, 4])
@EQUAL
def test_chw_tensor_equals_permuted_array(fig_test, fig_ref, c):
    t = rgb_batch(1, c=c)[0]
    torchplot.adopt(fig_test).subplots().imshow(t)
    fig_ref.subplots().imshow(t.permute(1, 2, 0).numpy())


@EQUAL
def test_one_channel_chw_is_colormapped_like_2d(fig_test, fig_ref):
    t = torch.randn(1, 7, 9, generator=torch.Generator().manual_seed(1))
    torchplot.adopt(fig_test).subplots().imshow(t, cmap="viridis")
    fig_ref.subplots().imshow(t[0].numpy(), cmap="viridis")


@EQUAL
def test_pyplot_imshow_of_chw(fig_test, fig_ref):
    t = rgb_batch(1)[0]
    torchplot.figure(fig_test)
    torchplot.imshow(t)
    fig_ref.subplots().imshow(t.permute(1, 2, 0).numpy())


@EQUAL
def test_chw_with_grad_and_bfloat16(fig_test, fig_ref):
    t = rgb_batch(1)[0].to(torch.bfloat16).requires_grad_()
    torchplot.adopt(fig_test).subplots().imshow(t)
    fig_ref.subplots().imshow(t.detach().float().permute(1, 2, 0).numpy())


@EQUAL
def test_batch_of_one_is_the_image_itself(fig_test, fig_ref):
    t = rgb_batch(1)
    torchplot.adopt(fig_test).subplots().imshow(t)
    fig_ref.subplots().imshow(t[0].permute(1, 2, 0).numpy())


@pytest.mark.parametrize("c", [1, 3, 4])
@EQUAL
def test_set_data_takes_the_next_chw_frame(fig_test, fig_ref, c):
    # The animation pattern: imshow(chw), then set_data(next_chw) each step.
    first, second = rgb_batch(2, c=c)
    image = torchplot.adopt(fig_test).subplots().imshow(first.requires_grad_())
    hwc = second.numpy().transpose(1, 2, 0).copy()
    image.set_data(second.requires_grad_())
    second.detach().mul_(0)  # the image keeps its own copy
    ref = fig_ref.subplots().imshow(first.detach().numpy().transpose(1, 2, 0))
    ref.set_data(hwc[..., 0] if c == 1 else hwc)


def test_set_data_passes_every_other_shape_to_matplotlib():
    image = torchplot.figure().subplots().imshow(torch.rand(7, 9))
    image.set_data(A=torch.rand(7, 9, 3))  # Matplotlib's own layout
    assert image.get_array().shape == (7, 9, 3)
    with pytest.raises(TypeError, match=r"Invalid shape \(3, 7, 9\)"):
        image.set_data(np.zeros((3, 7, 9)))  # NumPy: Matplotlib's own error, untouched
    with pytest.raises(TypeError, match="Invalid shape"):
        image.set_data(rgb_batch(2))  # a batch: no grid here


@pytest.mark.parametrize("shape", [(7, 9), (7, 9, 1), (7, 9, 3), (7, 9, 4), (3, 9, 3), (4, 5, 4)])
@EQUAL
def test_shapes_matplotlib_accepts_draw_as_the_array(fig_test, fig_ref, shape):
    t = torch.rand(shape, generator=torch.Generator().manual_seed(2))
    torchplot.adopt(fig_test).subplots().imshow(t)
    fig_ref.subplots().imshow(t.numpy())


@pytest.fixture
def small_budget(monkeypatch):
    """Every grid the imshow layer lays out is checked against a budget of 64 x 64 pixels."""
    monkeypatch.setattr(
        images, "grid_geometry", functools.partial(grid_geometry, max_pixels=64 * 64)
    )


def _hwc_to(shape: tuple[int, ...], hwc: torch.Tensor) -> torch.Tensor:
    """An (H, W, C) image in the layout of ``shape``: CHW, HWC, with or without a batch dim."""
    return (hwc.permute(2, 0, 1) if shape[-3] == 3 else hwc).reshape(shape)


SINGLE_SHAPES = [(3, 80, 90), (1, 3, 80, 90), (1, 80, 90, 3), (80, 90, 3)]


@pytest.mark.parametrize("shape", SINGLE_SHAPES)
@EQUAL
def test_single_image_over_the_grid_budget_with_denorm(fig_test, fig_ref, small_budget, shape):
    # A single image is no grid: drawn at its size, whatever the budget.
    hwc = torch.rand(80, 90, 3, generator=torch.Generator().manual_seed(16))
    mean, std = torch.tensor([0.485, 0.456, 0.406]), torch.tensor([0.229, 0.224, 0.225])
    t = _hwc_to(shape, (hwc - mean) / std)
    torchplot.adopt(fig_test).subplots().imshow(t, denorm=(mean, std))
    fig_ref.subplots().imshow(hwc.numpy())


@pytest.mark.parametrize("shape", SINGLE_SHAPES)
@EQUAL
def test_single_image_over_the_grid_budget_normalized(fig_test, fig_ref, small_budget, shape):
    hwc = 3 * torch.rand(80, 90, 3, generator=torch.Generator().manual_seed(16)) - 1
    torchplot.adopt(fig_test).subplots().imshow(_hwc_to(shape, hwc), normalize=True)
    fig_ref.subplots().imshow(((hwc - hwc.min()) / (hwc.max() - hwc.min())).numpy())


@EQUAL
def test_grey_image_over_the_grid_budget_normalized_per_image(fig_test, fig_ref, small_budget):
    t = torch.randn(80, 90, generator=torch.Generator().manual_seed(17))
    torchplot.adopt(fig_test).subplots().imshow(t, normalize="per_image", cmap="gray")
    fig_ref.subplots().imshow(
        ((t - t.min()) / (t.max() - t.min())).numpy(), cmap="gray", vmin=0, vmax=1
    )


# --------------------------------------------------------------------------- data=


@EQUAL
def test_data_keyword_naming_a_chw_tensor(fig_test, fig_ref):
    t = rgb_batch(1)[0]
    torchplot.figure(fig_test)
    torchplot.imshow("img", data={"img": t})
    fig_ref.subplots().imshow("img", data={"img": t.permute(1, 2, 0).numpy()})


@EQUAL
def test_data_keyword_naming_a_batch(fig_test, fig_ref):
    t = rgb_batch(5)
    torchplot.adopt(fig_test).subplots().imshow(X="img", data={"img": t}, nrow=3)
    fig_ref.subplots().imshow(X="img", data={"img": np_grid(t.permute(0, 2, 3, 1).numpy(), nrow=3)})


# --------------------------------------------------------------------------- batches as grids


@pytest.mark.parametrize("nrow, padding, pad_value", [(8, 2, 0.0), (4, 3, 1.0), (2, 0, 0.5)])
@EQUAL
def test_rgb_batch_equals_hand_built_grid(fig_test, fig_ref, nrow, padding, pad_value):
    t = rgb_batch(7)
    ax = torchplot.adopt(fig_test).subplots()
    ax.imshow(t, nrow=nrow, padding=padding, pad_value=pad_value)
    hwc = t.permute(0, 2, 3, 1).numpy()
    fig_ref.subplots().imshow(np_grid(hwc, nrow, padding, pad_value))


@EQUAL
def test_batch_passed_as_keyword_x(fig_test, fig_ref):
    t = rgb_batch(5)
    torchplot.adopt(fig_test).subplots().imshow(X=t, nrow=3)
    fig_ref.subplots().imshow(X=np_grid(t.permute(0, 2, 3, 1).numpy(), nrow=3))


@EQUAL
def test_channels_last_batch_equals_channels_first(fig_test, fig_ref):
    t = rgb_batch(5)
    torchplot.adopt(fig_test).subplots().imshow(t.permute(0, 2, 3, 1))
    fig_ref.subplots().imshow(np_grid(t.permute(0, 2, 3, 1).numpy()))


@pytest.mark.parametrize("shape", [(4, 3, 7, 9), (4, 7, 9)])
@EQUAL
def test_zero_tensor_batch_is_a_batch_of_zeros(fig_test, fig_ref, shape):
    # A ZeroTensor has no memory for NumPy to view: the grid is built by torch.
    torchplot.adopt(fig_test).subplots().imshow(torch._efficientzerotensor(*shape), nrow=3)
    torchplot.adopt(fig_ref).subplots().imshow(torch.zeros(shape), nrow=3)


@EQUAL
def test_leading_dims_flatten_into_the_batch(fig_test, fig_ref):
    t = rgb_batch(6)
    torchplot.adopt(fig_test).subplots().imshow(t.reshape(2, 3, 3, 7, 9), nrow=3)
    fig_ref.subplots().imshow(np_grid(t.permute(0, 2, 3, 1).numpy(), nrow=3))


@EQUAL
def test_grey_batch_shares_one_range_over_the_images(fig_test, fig_ref):
    # Images in [2, 5]: the padding (0) must not stretch the colour range.
    t = 2 + 3 * torch.rand(6, 7, 9, generator=torch.Generator().manual_seed(3))
    torchplot.adopt(fig_test).subplots().imshow(t, cmap="magma")
    hw1 = t.numpy()[..., None]
    fig_ref.subplots().imshow(np_grid(hw1)[..., 0], cmap="magma", **tile_range(hw1))


@EQUAL
def test_grey_batch_with_one_channel_dim(fig_test, fig_ref):
    t = torch.randn(5, 1, 7, 9, generator=torch.Generator().manual_seed(4))
    torchplot.adopt(fig_test).subplots().imshow(t)
    hw1 = t.permute(0, 2, 3, 1).numpy()
    fig_ref.subplots().imshow(np_grid(hw1)[..., 0], **tile_range(hw1))


@EQUAL
def test_user_vmin_vmax_and_norm_win(fig_test, fig_ref):
    t = torch.randn(5, 7, 9, generator=torch.Generator().manual_seed(5))
    ax1, ax2 = torchplot.adopt(fig_test).subplots(1, 2)
    ax1.imshow(t, vmin=-0.5, vmax=0.5)
    ax2.imshow(t, vmin=-1)
    hw1 = t.numpy()[..., None]
    r1, r2 = fig_ref.subplots(1, 2)
    r1.imshow(np_grid(hw1)[..., 0], vmin=-0.5, vmax=0.5)
    r2.imshow(np_grid(hw1)[..., 0], vmin=-1, vmax=float(hw1.max()))


@EQUAL
def test_nan_padding_is_the_colormap_bad_colour(fig_test, fig_ref):
    t = torch.randn(5, 7, 9, generator=torch.Generator().manual_seed(15))
    torchplot.adopt(fig_test).subplots().imshow(t, pad_value=float("nan"), cmap="magma")
    hw1 = t.numpy()[..., None]
    fig_ref.subplots().imshow(np_grid(hw1, pad_value=np.nan)[..., 0], cmap="magma")


@EQUAL
def test_uint8_batch_equals_uint8_grid(fig_test, fig_ref):
    t = (torch.arange(5 * 3 * 7 * 9) % 256).to(torch.uint8).reshape(5, 3, 7, 9)
    torchplot.adopt(fig_test).subplots().imshow(t, pad_value=255)
    fig_ref.subplots().imshow(np_grid(t.permute(0, 2, 3, 1).numpy(), pad_value=255))


@EQUAL
def test_origin_lower_and_extent_pass_through(fig_test, fig_ref):
    t = rgb_batch(5)
    torchplot.adopt(fig_test).subplots().imshow(
        t, origin="lower", extent=(0, 1, 0, 2), aspect="auto"
    )
    grid = np_grid(t.permute(0, 2, 3, 1).numpy())
    fig_ref.subplots().imshow(grid, origin="lower", extent=(0, 1, 0, 2), aspect="auto")


@EQUAL
def test_pyplot_imshow_of_batch_is_current_image(fig_test, fig_ref):
    t = torch.randn(5, 7, 9, generator=torch.Generator().manual_seed(6))
    torchplot.figure(fig_test)
    im = torchplot.imshow(t)
    assert torchplot.gci() is im
    torchplot.colorbar()
    hw1 = t.numpy()[..., None]
    ref = fig_ref.subplots()
    fig_ref.colorbar(ref.imshow(np_grid(hw1)[..., 0], **tile_range(hw1)))


# --------------------------------------------------------------------------- normalization


@EQUAL
def test_normalize_minmax_equals_hand_normalized(fig_test, fig_ref):
    t = 4 * torch.randn(5, 3, 7, 9, generator=torch.Generator().manual_seed(7)) + 2
    torchplot.adopt(fig_test).subplots().imshow(t, normalize="minmax")
    hwc = t.permute(0, 2, 3, 1)
    hwc = ((hwc - hwc.min()) / (hwc.max() - hwc.min())).numpy()
    fig_ref.subplots().imshow(np_grid(hwc))


@pytest.mark.parametrize("dtype", ["float16", "bfloat16"])
@EQUAL
def test_normalize_of_a_16_bit_batch_is_computed_in_float32(fig_test, fig_ref, dtype):
    # Computed in the batch's dtype: a float16 range over 65504 overflowed
    # (the grid came out as zeros and NaN), and bfloat16 moved pixels by up
    # to two display levels against the same values normalized in float32.
    gen = torch.Generator().manual_seed(9)
    t = (torch.rand(4, 3, 8, 8, generator=gen) * 80000 - 40000).to(getattr(torch, dtype))
    torchplot.adopt(fig_test).subplots().imshow(t, normalize="minmax")
    hwc = t.float().permute(0, 2, 3, 1)
    hwc = ((hwc - hwc.min()) / (hwc.max() - hwc.min())).numpy()
    fig_ref.subplots().imshow(np_grid(hwc))


@EQUAL
def test_normalize_per_image_equals_hand_normalized(fig_test, fig_ref):
    t = (
        torch.randn(5, 7, 9, generator=torch.Generator().manual_seed(8))
        * torch.arange(1.0, 6.0)[:, None, None]
    )
    torchplot.adopt(fig_test).subplots().imshow(t, normalize="per_image", cmap="gray")
    lo = t.amin(dim=(1, 2), keepdim=True)
    hi = t.amax(dim=(1, 2), keepdim=True)
    hw1 = ((t - lo) / (hi - lo)).numpy()[..., None]
    fig_ref.subplots().imshow(np_grid(hw1)[..., 0], cmap="gray", vmin=0, vmax=1)


@EQUAL
def test_denorm_undoes_normalize(fig_test, fig_ref):
    images = rgb_batch(5)
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    normalized = (images - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]
    torchplot.adopt(fig_test).subplots().imshow(normalized, denorm=(mean, std))
    fig_ref.subplots().imshow(np_grid(images.permute(0, 2, 3, 1).numpy()))


@EQUAL
def test_denorm_accepts_tensors(fig_test, fig_ref):
    images = rgb_batch(3)
    mean, std = torch.tensor([0.5, 0.4, 0.3]), torch.tensor([0.2, 0.25, 0.3])
    normalized = (images - mean[:, None, None]) / std[:, None, None]
    torchplot.adopt(fig_test).subplots().imshow(normalized, denorm=(mean, std))
    fig_ref.subplots().imshow(np_grid(images.permute(0, 2, 3, 1).numpy()))


# --------------------------------------------------------------------------- hist, scatter


@EQUAL
def test_hist_of_conv_weight_is_one_histogram_of_all_values(fig_test, fig_ref):
    w = torch.randn(64, 3, 3, 3, generator=torch.Generator().manual_seed(9))
    torchplot.adopt(fig_test).subplots().hist(w, bins=30)
    fig_ref.subplots().hist(w.numpy().ravel(), bins=30)


@EQUAL
def test_pyplot_hist_with_weights_of_the_same_shape(fig_test, fig_ref):
    w = torch.randn(4, 3, 5, generator=torch.Generator().manual_seed(10))
    weights = torch.rand(4, 3, 5, generator=torch.Generator().manual_seed(11))
    torchplot.figure(fig_test)
    torchplot.hist(x=w, weights=weights, bins=7)
    fig_ref.subplots().hist(w.numpy().ravel(), weights=weights.numpy().ravel(), bins=7)


@EQUAL
def test_2d_hist_keeps_matplotlib_columns(fig_test, fig_ref):
    w = torch.randn(50, 3, generator=torch.Generator().manual_seed(12))
    torchplot.adopt(fig_test).subplots().hist(w)
    fig_ref.subplots().hist(w.numpy())


@EQUAL
def test_scatter_of_points_splits_columns(fig_test, fig_ref):
    p = torch.randn(40, 2, generator=torch.Generator().manual_seed(13))
    c = torch.arange(40.0)
    torchplot.adopt(fig_test).subplots().scatter(p, c=c, s=12)
    fig_ref.subplots().scatter(p[:, 0].numpy(), p[:, 1].numpy(), c=c.numpy(), s=12)


@EQUAL
def test_pyplot_scatter_of_points(fig_test, fig_ref):
    p = torch.randn(40, 2, generator=torch.Generator().manual_seed(14))
    torchplot.figure(fig_test)
    sc = torchplot.scatter(p, c=p[:, 0])
    assert torchplot.gci() is sc
    torchplot.colorbar()
    ref = fig_ref.subplots()
    fig_ref.colorbar(ref.scatter(p[:, 0].numpy(), p[:, 1].numpy(), c=p[:, 0].numpy()))


def test_numpy_calls_are_untouched():
    # No tensor: Matplotlib's own behaviour, errors included.
    fig = torchplot.figure()
    ax = fig.subplots()
    with pytest.raises(TypeError, match="Invalid shape"):
        ax.imshow(np.zeros((3, 5, 7)))
    with pytest.raises(ValueError):
        ax.hist(np.zeros((2, 3, 4)))
    with pytest.raises(TypeError):
        torchplot.scatter(np.zeros((5, 2)))
    mpl_plt.close(fig)


def test_pyplot_imshow_of_a_nested_list_looks_at_it_once(monkeypatch):
    # ``pyplot.imshow`` passes Matplotlib's keywords on (``cmap=None``, ...):
    # with no tensor and none of the layer's own keywords the call skips the
    # image layers, whose last step (the rule) would scan the list again.
    rows = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    scans = []
    real = _convert.needs_conversion

    def counting(obj):
        if obj is rows:
            scans.append(obj)
        return real(obj)

    monkeypatch.setattr(_convert, "needs_conversion", counting)
    monkeypatch.setattr(_twins, "needs_conversion", counting)
    torchplot.figure()
    image = torchplot.imshow(rows)
    assert len(scans) <= 1
    np.testing.assert_array_equal(image.get_array(), rows)


def test_geometry_helper_used_here_is_make_grid_s():
    # The hand-built reference grids above rely on tile_origin; pin it independently.
    geom = GridGeometry(5, 2, 3, 7, 9, padding=2)
    assert [geom.tile_origin(i) for i in range(5)] == [(2, 2), (2, 13), (2, 24), (11, 2), (11, 13)]


# --------------------------------------------------------------------------- masked tensors


def masked(data: torch.Tensor, held: torch.Tensor) -> torch.Tensor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # MaskedTensor is a prototype
        return torch.masked.masked_tensor(data, held)


def held_pattern(shape: tuple[int, ...]) -> torch.Tensor:
    """A mask with some pixels of some channels held, others not."""
    return torch.rand(shape, generator=torch.Generator().manual_seed(9)) > 0.3


def masked_hwc(data: torch.Tensor, held: torch.Tensor) -> np.ndarray:
    """The (H, W, C) NumPy equivalent of a masked CHW image."""
    return np.ma.masked_array(data.permute(1, 2, 0).numpy(), mask=~held.permute(1, 2, 0).numpy())


@pytest.mark.parametrize("call", ["imshow", "figimage", "set_data", "set_array"])
@EQUAL
def test_masked_chw_equals_the_masked_hwc_array(fig_test, fig_ref, call):
    data, held = rgb_batch(1)[0], held_pattern((3, 7, 9))
    chw, ref = masked(data, held), masked_hwc(data, held)
    torchplot.adopt(fig_test)
    if call == "figimage":
        fig_test.figimage(chw)
        fig_ref.figimage(ref)
        return
    ax, ax_ref = fig_test.subplots(), fig_ref.subplots()
    if call == "imshow":
        ax.imshow(chw)
    else:
        getattr(ax.imshow(torch.zeros(3, 7, 9)), call)(chw)
    ax_ref.imshow(ref)


@EQUAL
def test_masked_batch_is_a_masked_grid_with_the_border_drawn(fig_test, fig_ref):
    data, held = rgb_batch(5), held_pattern((5, 3, 7, 9))
    torchplot.adopt(fig_test).subplots().imshow(masked(data, held), nrow=3, pad_value=0.5)
    hwc, kept = data.permute(0, 2, 3, 1).numpy(), held.permute(0, 2, 3, 1).numpy()
    grid = np_grid(hwc, nrow=3, pad_value=0.5)
    border_held = np_grid(kept, nrow=3, pad_value=True)
    fig_ref.subplots().imshow(np.ma.masked_array(grid, mask=~border_held))


@EQUAL
def test_masked_one_channel_batch_is_coloured_by_its_held_values(fig_test, fig_ref):
    data = torch.rand(4, 1, 7, 9, generator=torch.Generator().manual_seed(3))
    held = held_pattern((4, 1, 7, 9))
    data[~held] = 100.0  # not drawn: no part of the colour range
    torchplot.adopt(fig_test).subplots().imshow(masked(data, held))
    hwc, kept = data.permute(0, 2, 3, 1).numpy(), held.permute(0, 2, 3, 1).numpy()
    grid = np.ma.masked_array(np_grid(hwc)[..., 0], mask=~np_grid(kept, pad_value=True)[..., 0])
    values = data[held]
    fig_ref.subplots().imshow(grid, vmin=float(values.min()), vmax=float(values.max()))


@EQUAL
def test_masked_batch_normalize_ranges_over_held_values(fig_test, fig_ref):
    data, held = rgb_batch(4), held_pattern((4, 3, 7, 9))
    data[~held] = -50.0
    torchplot.adopt(fig_test).subplots().imshow(masked(data, held), normalize=True)
    lo, hi = data[held].min(), data[held].max()
    scaled = ((data - lo) / (hi - lo)).permute(0, 2, 3, 1).numpy()
    kept = held.permute(0, 2, 3, 1).numpy()
    fig_ref.subplots().imshow(
        np.ma.masked_array(np_grid(scaled), mask=~np_grid(kept, pad_value=True))
    )


# --------------------------------------------------------------------------- set_array, figimage


@pytest.mark.parametrize("c", [1, 3, 4])
@EQUAL
def test_set_array_takes_the_next_chw_frame_as_set_data_does(fig_test, fig_ref, c):
    # Matplotlib's set_array is set_data's alias: the same frames.
    first, second = rgb_batch(2, c=c)
    torchplot.adopt(fig_test).subplots().imshow(first).set_array(second)
    torchplot.adopt(fig_ref).subplots().imshow(first).set_data(second)


@EQUAL
def test_set_data_of_a_figure_image_takes_the_next_chw_frame(fig_test, fig_ref):
    first, second = rgb_batch(2)
    torchplot.adopt(fig_test).figimage(first).set_data(second)
    fig_ref.figimage(first.permute(1, 2, 0).numpy()).set_data(second.permute(1, 2, 0).numpy())


# --------------------------------------------------------------------------- keyword values


@EQUAL
def test_grid_keywords_take_0d_tensors(fig_test, fig_ref):
    batch = rgb_batch(7)
    torchplot.adopt(fig_test).subplots().imshow(
        batch, nrow=torch.tensor(3), padding=torch.tensor(1), pad_value=batch.max()
    )
    torchplot.adopt(fig_ref).subplots().imshow(
        batch, nrow=3, padding=1, pad_value=float(batch.max())
    )


@EQUAL
def test_grid_keywords_take_0d_jax_arrays(fig_test, fig_ref):
    jnp = pytest.importorskip("jax.numpy")
    batch = rgb_batch(7)
    torchplot.adopt(fig_test).subplots().imshow(
        batch, nrow=jnp.int32(3), padding=jnp.int32(1), pad_value=jnp.float32(0.5)
    )
    torchplot.adopt(fig_ref).subplots().imshow(batch, nrow=3, padding=1, pad_value=0.5)


@pytest.mark.parametrize("b", [1, 4])
@EQUAL
def test_quantized_images_are_their_dequantized_values(fig_test, fig_ref, b):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # quantized creation is deprecated
        q = torch.quantize_per_tensor(rgb_batch(b), 1 / 255, 0, torch.quint8)
    x = q if b > 1 else q[0]
    torchplot.adopt(fig_test).subplots().imshow(x, nrow=2)
    torchplot.adopt(fig_ref).subplots().imshow(x.dequantize(), nrow=2)


@pytest.mark.parametrize(
    "dtype", [torch.float8_e4m3fn, torch.float8_e5m2, dtype_param("float8_e8m0fnu")]
)
@pytest.mark.parametrize(
    "kwargs",
    [{"normalize": True}, {"normalize": "per_image"}, {"denorm": ([0.5, 0.4, 0.3], [0.2] * 3)}],
    ids=["minmax", "per_image", "denorm"],
)
@EQUAL
def test_float8_batches_scale_as_their_float32_values(fig_test, fig_ref, dtype, kwargs):
    # float8 is a plottable dtype; its values are exact in float32, where torch computes.
    batch = rgb_batch(4).to(dtype)
    torchplot.adopt(fig_test).subplots().imshow(batch, **kwargs)
    torchplot.adopt(fig_ref).subplots().imshow(batch.float(), **kwargs)


# --------------------------------------------------------------------------- one copy per image


def _single_views() -> dict[str, tuple[torch.Tensor, torch.Tensor]]:
    """Single images, each with the tensor whose memory it is: ``(image, base)``."""
    gen = torch.Generator().manual_seed(11)
    grey = torch.rand(30, 20, generator=gen)
    big = torch.rand(41, 61, generator=gen)
    chw = torch.rand(3, 20, 30, generator=gen)
    chw_u8 = (torch.rand(3, 20, 30, generator=gen) * 255).to(torch.uint8)
    half = torch.rand(30, 20, generator=gen).half()
    brain = torch.rand(30, 20, generator=gen).bfloat16()
    leaf = torch.rand(30, 20, generator=gen).requires_grad_()
    held = torch.rand(30, 20, generator=gen) > 0.3
    data = torch.rand(30, 20, generator=gen)
    return {
        "contiguous": (grey.T.contiguous(), None),
        "transposed": (grey.T, grey),
        "sliced": (big[1::2, ::3], big),
        "chw": (chw, chw),
        "hwc-view-uint8": (chw_u8.permute(1, 2, 0), chw_u8),
        "float16-transposed": (half.T, half),
        "bfloat16-transposed": (brain.T, brain),
        "requires-grad-transposed": (leaf.T, leaf),
        "masked": (masked(data, held), data),
    }


SINGLE_VIEWS = list(_single_views())


@pytest.mark.parametrize("call", ["imshow", "X=", "data=", "set_data", "set_array"])
@pytest.mark.parametrize("view", SINGLE_VIEWS)
@EQUAL
def test_single_image_is_matplotlibs_of_the_array_and_changing_the_tensor_after_changes_nothing(
    fig_test, fig_ref, view, call
):
    image, base = _single_views()[view]
    if base is None:
        base = image
    ref = torchplot.to_numpy(image)
    if ref.ndim == 3 and ref.shape[-1] not in (1, 3, 4):
        ref = ref.transpose(1, 2, 0)  # CHW: its HWC equivalent
    ax, ax_ref = torchplot.adopt(fig_test).subplots(), fig_ref.subplots()
    if call == "imshow":
        ax.imshow(image)
    elif call == "X=":
        ax.imshow(X=image)
    elif call == "data=":
        torchplot.figure(fig_test)
        torchplot.imshow("img", data={"img": image})
    else:
        getattr(ax.imshow(np.zeros(ref.shape[:2])), call)(image)
        ax_ref = ax_ref.imshow(np.zeros(ref.shape[:2]))
    getattr(ax_ref, "imshow" if call in ("imshow", "X=", "data=") else "set_data")(ref)
    # In place, after the call: the figure (drawn later) must keep the values it was given.
    base.detach().zero_()


@pytest.mark.parametrize("call", ["imshow", "set_data"])
@pytest.mark.parametrize("view", ["contiguous", "transposed", "sliced", "chw", "hwc-view-uint8"])
def test_the_image_keeps_no_memory_of_the_tensor(view, call):
    image, base = _single_views()[view]
    base = image if base is None else base
    ax = torchplot.figure().subplots()
    artist = ax.imshow(image) if call == "imshow" else ax.imshow(np.zeros((2, 2)))
    if call == "set_data":
        artist.set_data(image)
    stored = artist.get_array()
    assert not np.shares_memory(np.ma.getdata(stored), base.numpy())
    assert not np.shares_memory(np.ma.getmaskarray(stored), base.numpy())


class _RecordingAxes(matplotlib.axes.Axes):
    """An Axes whose ``imshow`` override looks at the image it is given, as a user's may."""

    name = "torchplot_test_recording_imshow"
    given: typing.ClassVar[list] = []

    def imshow(self, X, **kwargs):
        self.given.append((type(X), X.shape))
        return super().imshow(X, **kwargs)


@pytest.mark.parametrize(
    "make, shape",
    [
        (lambda: torch.rand(4, 5), (4, 5)),
        (lambda: torch.rand(5, 4).T, (4, 5)),
        (lambda: torch.rand(3, 4, 5), (4, 5, 3)),
        (lambda: torch.rand(6, 3, 4, 5), None),
    ],
    ids=["2d", "transposed", "chw", "batch"],
)
def test_an_imshow_override_is_given_an_array(make, shape):
    # Only Matplotlib's own imshow, which copies what it gets, is handed the
    # converted image without a copy; an override takes what Matplotlib's takes.
    matplotlib.projections.register_projection(_RecordingAxes)
    _RecordingAxes.given = []
    ax = torchplot.figure().add_subplot(projection=_RecordingAxes.name)
    ax.imshow(make())
    ((kind, got),) = _RecordingAxes.given
    assert kind is np.ndarray
    assert shape is None or got == shape
