"""``imshow(t, downsample=True)``: area-averaged on the device, same extent and colour limits."""

from __future__ import annotations

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
from matplotlib.testing.decorators import check_figures_equal

torch = pytest.importorskip("torch")

import torchplot  # noqa: E402


def _axes(fig):
    ax = fig.add_axes([0, 0, 1, 1])  # 200 x 150 pixels at the figure size below
    ax.set_axis_off()
    return ax


def _block_mean(a, f):
    h, w = a.shape[:2]
    return a.reshape(h // f, f, w // f, f, *a.shape[2:]).mean(axis=(1, 3))


@pytest.mark.parametrize("origin", ["upper", "lower"])
@check_figures_equal(extensions=["png"], tol=0)
def test_scalar_image_is_the_block_mean_with_full_extent_and_limits(fig_test, fig_ref, origin):
    # 1200 x 1600 on a 150 x 200 pixel Axes: averaged 4 x 4 to 300 x 400 (twice the Axes).
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(2, 1.5)
        fig.set_dpi(100)
    t = torch.rand(1200, 1600, generator=torch.Generator().manual_seed(0), dtype=torch.float64)
    torchplot.adopt(fig_test)
    im = _axes(fig_test).imshow(t, origin=origin, downsample=True)
    assert im.get_array().shape == (300, 400)
    a = t.numpy()
    extent = (-0.5, 1599.5, 1199.5, -0.5) if origin == "upper" else (-0.5, 1599.5, -0.5, 1199.5)
    _axes(fig_ref).imshow(
        _block_mean(a, 4), origin=origin, extent=extent, vmin=a.min(), vmax=a.max()
    )
    ref = mpl_plt.figure().add_subplot().imshow(a, origin=origin)
    assert im.get_extent() == ref.get_extent()
    assert im.get_clim() == ref.get_clim()


@check_figures_equal(extensions=["png"], tol=0)
def test_uint8_rgb_stays_uint8(fig_test, fig_ref):
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(2, 1.5)
        fig.set_dpi(100)
    t = torch.randint(
        0, 256, (600, 800, 3), generator=torch.Generator().manual_seed(1), dtype=torch.uint8
    )
    torchplot.adopt(fig_test)
    im = _axes(fig_test).imshow(t, downsample=True)
    assert im.get_array().dtype == np.uint8 and im.get_array().shape == (300, 400, 3)
    ref = np.round(_block_mean(t.numpy().astype(np.float32), 2)).astype(np.uint8)
    _axes(fig_ref).imshow(ref, extent=(-0.5, 799.5, 599.5, -0.5))


def test_off_by_default_and_small_images_untouched():
    fig = torchplot.figure(figsize=(2, 1.5), dpi=100)
    ax = _axes(fig)
    assert ax.imshow(torch.rand(1200, 1600)).get_array().shape == (1200, 1600)
    assert ax.imshow(torch.rand(250, 350), downsample=True).get_array().shape == (250, 350)


def test_rc_param(monkeypatch):
    monkeypatch.setitem(torchplot.rc_params, "imshow.downsample", True)
    fig = torchplot.figure(figsize=(2, 1.5), dpi=100)
    assert _axes(fig).imshow(torch.rand(1200, 1600)).get_array().shape == (300, 400)


@check_figures_equal(extensions=["png"], tol=0)
def test_nan_falls_back_to_the_full_image(fig_test, fig_ref):
    t = torch.rand(1200, 1600, generator=torch.Generator().manual_seed(2))
    t[10:20, 30:40] = float("nan")
    torchplot.adopt(fig_test)
    im = fig_test.subplots().imshow(t, downsample=True)
    assert im.get_array().shape == (1200, 1600)
    fig_ref.subplots().imshow(t.numpy())


def test_invalid_value():
    with pytest.raises(ValueError, match="downsample='bicubic'"):
        torchplot.figure().subplots().imshow(torch.rand(10, 10), downsample="bicubic")


@pytest.mark.gpu
def test_cuda_downsample_equals_cpu():
    t = torch.rand(4000, 3000, generator=torch.Generator().manual_seed(3))
    ax = torchplot.figure(figsize=(2, 1.5), dpi=100).subplots()
    a = ax.imshow(t, downsample=True).get_array()
    b = ax.imshow(t.cuda(), downsample=True).get_array()
    np.testing.assert_allclose(a, b, rtol=1e-6)
