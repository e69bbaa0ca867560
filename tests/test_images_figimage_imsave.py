"""``figimage`` and ``imsave`` give tensor layouts ``imshow``'s meaning (CHW, batches as grids)."""

from __future__ import annotations

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot
from tools import boilerplate
from torchplot._native import registered_methods
from torchplot._twins import is_twin

EQUAL = check_figures_equal(extensions=["png"], tol=0)


def rgb_batch(b: int = 5, h: int = 7, w: int = 9, c: int = 3, seed: int = 0) -> torch.Tensor:
    return torch.rand(b, c, h, w, generator=torch.Generator().manual_seed(seed))


def imshow_grid(x: torch.Tensor, **kwargs: object) -> np.ndarray:
    """The array ``imshow`` draws for ``x``: the reference for the other two."""
    fig = torchplot.figure()
    try:
        return np.asarray(fig.subplots().imshow(x, **kwargs).get_array())
    finally:
        mpl_plt.close(fig)


def read_back(path) -> np.ndarray:
    return mpl_plt.imread(path)


# --------------------------------------------------------------------------- figimage


@pytest.mark.parametrize("c", [1, 3, 4])
@EQUAL
def test_figimage_of_chw_equals_the_permuted_array(fig_test, fig_ref, c):
    t = rgb_batch(1, c=c)[0].requires_grad_()
    torchplot.adopt(fig_test).figimage(t, xo=3, yo=4, cmap="viridis")
    hwc = t.detach().permute(1, 2, 0).numpy()
    fig_ref.figimage(hwc[..., 0] if c == 1 else hwc, xo=3, yo=4, cmap="viridis")


@EQUAL
def test_pyplot_figimage_of_a_batch_draws_imshows_grid(fig_test, fig_ref):
    t = rgb_batch(5)
    torchplot.figure(fig_test)
    image = torchplot.figimage(t, 2, 1, nrow=3, padding=1, pad_value=0.5)
    assert is_twin(type(image)) and image.figure is fig_test
    fig_ref.figimage(imshow_grid(t, nrow=3, padding=1, pad_value=0.5), 2, 1)


@EQUAL
def test_figimage_of_a_grey_batch_shares_imshows_range(fig_test, fig_ref):
    t = torch.randn(4, 6, 8, generator=torch.Generator().manual_seed(2))  # (B, H, W)
    torchplot.adopt(fig_test).figimage(t, normalize="per_image")
    grid = imshow_grid(t, normalize="per_image")
    fig_ref.figimage(grid, vmin=0.0, vmax=1.0)


def test_figimage_keeps_no_reference_and_no_view():
    t = rgb_batch(1)[0]
    fig = torchplot.figure()
    image = fig.figimage(t)
    before = np.array(image.get_array())
    t.mul_(0)
    assert np.array_equal(image.get_array(), before)
    mpl_plt.close(fig)


def test_figimage_titles_name_the_fix():
    fig = torchplot.figure()
    with pytest.raises(TypeError, match=r"Figure\.figimage\(\) keyword 'titles' needs an Axes"):
        fig.figimage(rgb_batch(2), titles=["a", "b"])
    mpl_plt.close(fig)


# --------------------------------------------------------------------------- imsave


@pytest.mark.parametrize("as_keyword", [False, True])
@pytest.mark.parametrize("c", [1, 3, 4])
def test_imsave_of_chw_writes_the_permuted_arrays_file(tmp_path, c, as_keyword):
    t = rgb_batch(1, c=c)[0].requires_grad_()
    if as_keyword:
        torchplot.imsave(tmp_path / "ours.png", arr=t, cmap="magma")
    else:
        torchplot.imsave(tmp_path / "ours.png", t, cmap="magma")
    hwc = t.detach().permute(1, 2, 0).numpy()
    mpl_plt.imsave(tmp_path / "ref.png", hwc[..., 0] if c == 1 else hwc, cmap="magma")
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "ref.png").read_bytes()


@pytest.mark.parametrize("kwargs", [{}, {"nrow": 2, "padding": 0}, {"normalize": "minmax"}])
def test_imsave_of_a_batch_writes_imshows_grid(tmp_path, kwargs):
    t = rgb_batch(5).to(torch.bfloat16)
    torchplot.imsave(tmp_path / "ours.png", t, **kwargs)
    expected = imshow_grid(t, **kwargs)
    mpl_plt.imsave(tmp_path / "ref.png", expected)
    assert read_back(tmp_path / "ours.png").shape[:2] == expected.shape[:2]
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "ref.png").read_bytes()


def test_imsave_of_a_batch_is_make_grids_layout_in_matplotlibs_encoding(tmp_path):
    # What the docs promise: torchvision's layout (built here by hand, as
    # ``make_grid(padding=2, pad_value=0)`` builds it), Matplotlib's pixels
    # (an RGBA PNG), not ``save_image``'s rounded RGB.
    t = rgb_batch(6, h=8, w=8)
    ncols, rows, pad = 4, 2, 2
    grid = np.zeros((rows * (8 + pad) + pad, ncols * (8 + pad) + pad, 3), np.float32)
    for k, image in enumerate(t.permute(0, 2, 3, 1).numpy()):
        y, x = divmod(k, ncols)
        grid[y * (8 + pad) + pad :][:8, x * (8 + pad) + pad :][:, :8] = image
    torchplot.imsave(tmp_path / "ours.png", t, nrow=ncols)
    mpl_plt.imsave(tmp_path / "ref.png", grid)
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "ref.png").read_bytes()
    assert read_back(tmp_path / "ours.png").shape == (*grid.shape[:2], 4)


def test_imsave_of_a_grey_batch_uses_the_tiles_range_not_the_padding(tmp_path):
    t = torch.rand(3, 1, 4, 5, generator=torch.Generator().manual_seed(3)) + 10
    torchplot.imsave(tmp_path / "ours.png", t, padding=1)
    grid = imshow_grid(t, padding=1)
    lo, hi = float(t.min()), float(t.max())
    mpl_plt.imsave(tmp_path / "ref.png", grid, vmin=lo, vmax=hi)
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "ref.png").read_bytes()


def test_imsave_to_a_vector_format_takes_the_layout(tmp_path):
    # PDF goes through Matplotlib's Figure.figimage: the CHW view reaches it.
    torchplot.imsave(tmp_path / "ours.pdf", rgb_batch(1)[0])
    assert (tmp_path / "ours.pdf").read_bytes().startswith(b"%PDF")


def test_imsave_errors_name_imsave_and_arr(tmp_path):
    with pytest.raises(TypeError, match=r"imsave\(\) keyword\(s\) nrow .* 'arr' is a numpy"):
        torchplot.imsave(tmp_path / "x.png", np.zeros((3, 4, 5)), nrow=2)
    with pytest.raises(TypeError, match=r"imsave\(\) argument 'arr' of shape \(2, 5, 6, 7\)"):
        torchplot.imsave(tmp_path / "x.png", torch.rand(2, 5, 6, 7))
    with pytest.raises(TypeError, match=r"imsave\(\) keyword 'titles' needs an Axes"):
        torchplot.imsave(tmp_path / "x.png", rgb_batch(2), titles=["a", "b"])
    # NumPy in a tensor layout: Matplotlib's own call and error, untouched.
    with pytest.raises(ValueError) as ours:
        torchplot.imsave(tmp_path / "x.png", np.zeros((3, 4, 5)))
    with pytest.raises(ValueError) as theirs:
        mpl_plt.imsave(tmp_path / "x.png", np.zeros((3, 4, 5)))
    assert str(ours.value) == str(theirs.value)


def test_imsave_without_tensors_writes_matplotlibs_file(tmp_path):
    a = np.random.default_rng(0).random((6, 7, 3))
    torchplot.imsave(tmp_path / "ours.png", a, origin="lower")
    mpl_plt.imsave(tmp_path / "ref.png", a, origin="lower")
    assert (tmp_path / "ours.png").read_bytes() == (tmp_path / "ref.png").read_bytes()


# --------------------------------------------------------------------------- the generator


def test_layered_pyplot_functions_match_the_generators_list():
    layered = {m.removeprefix("pyplot.") for m in registered_methods() if m.startswith("pyplot.")}
    assert layered == set(boilerplate.LAYERED_FUNCTIONS)
    assert {n for n in boilerplate.public_names() if boilerplate.classify(n) == "layered"} == (
        layered
    )
