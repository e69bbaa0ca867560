"""``imshow(t, downsample=True)``: area-averaged on the device, same extent and colour limits."""

from __future__ import annotations

import logging

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
from matplotlib.figure import Figure
from matplotlib.testing.decorators import check_figures_equal

torch = pytest.importorskip("torch")

import torchplot  # noqa: E402
from tests._helpers import dtype_param  # noqa: E402


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
    # Outside pyplot: Matplotlib 3.10's check_figures_equal fails a test that opens figures.
    ref = Figure().add_subplot().imshow(a, origin=origin)
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


def _logged(caplog, show):
    """``show()``'s result and what it logged on matplotlib.image (the RGB clipping warning)."""
    caplog.clear()
    with caplog.at_level(logging.WARNING, logger="matplotlib.image"):
        result = show()
    return result, [r.getMessage() for r in caplog.records if r.name == "matplotlib.image"]


@pytest.mark.parametrize("dtype", ["int16", "int32", "int64"])
@check_figures_equal(extensions=["png"], tol=0)
def test_integer_rgb_is_clipped_to_255_and_averaged_as_uint8(fig_test, fig_ref, dtype, caplog):
    # Matplotlib reads any integer RGB as 0..255 (clipped, cast to uint8); a float32
    # average of it would be read as 0..1: a white image.
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(2, 1.5)
        fig.set_dpi(100)
    t = torch.randint(-40, 300, (600, 800, 3), generator=torch.Generator().manual_seed(4)).to(
        getattr(torch, dtype)
    )
    a = t.numpy()
    torchplot.adopt(fig_test)
    ax = _axes(fig_test)
    im, got = _logged(caplog, lambda: ax.imshow(t, downsample=True))
    assert im.get_array().dtype == np.uint8 and im.get_array().shape == (300, 400, 3)
    # Matplotlib's warning, naming the full data's range, once.
    assert got == _logged(caplog, lambda: Figure().add_subplot().imshow(a))[1]
    assert len(got) == 1
    clipped = np.clip(a, 0, 255).astype(np.float32)
    ref = np.round(_block_mean(clipped, 2)).astype(np.uint8)
    _axes(fig_ref).imshow(ref, extent=(-0.5, 799.5, 599.5, -0.5))


@check_figures_equal(extensions=["png"], tol=0)
def test_float_rgb_is_clipped_before_averaging(fig_test, fig_ref, caplog):
    # Matplotlib clips float RGB to [0, 1] in set_data, before resampling: out-of-range
    # values must not cancel in-range ones in the average.  Quarters: exact block means.
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(2, 1.5)
        fig.set_dpi(100)
    gen = torch.Generator().manual_seed(5)
    t = torch.randint(-4, 9, (600, 800, 3), generator=gen).to(torch.float32) / 4
    a = t.numpy()
    torchplot.adopt(fig_test)
    ax = _axes(fig_test)
    got = _logged(caplog, lambda: ax.imshow(t, downsample=True))[1]
    assert got == _logged(caplog, lambda: Figure().add_subplot().imshow(a))[1]
    assert len(got) == 1
    ref = _block_mean(np.clip(a, 0, 1), 2)
    _axes(fig_ref).imshow(ref, extent=(-0.5, 799.5, 599.5, -0.5))


@pytest.mark.parametrize("given", [{"vmin": 0.0}, {"vmax": 1.0}])
def test_one_colour_limit_given_the_other_is_the_full_datas(given):
    # Matplotlib autoscales the missing limit on the full data; one hot and one cold
    # pixel vanish in the average, so the averaged image's range would recolour it.
    t = torch.rand(1200, 1600, generator=torch.Generator().manual_seed(6))
    t[600, 800], t[100, 100] = 100.0, -100.0
    ax = _axes(torchplot.figure(figsize=(2, 1.5), dpi=100))
    im = ax.imshow(t, downsample=True, **given)
    assert im.get_array().shape == (300, 400)
    ref = mpl_plt.figure().add_subplot().imshow(t.numpy(), **given)
    assert im.get_clim() == ref.get_clim()


@pytest.mark.parametrize("dtype", ["uint16", "uint32"])
def test_unsigned_images_keep_the_full_colour_limits(dtype):
    # torch has no min/max kernels for these dtypes: reduced through int64 on the device.
    t = torch.randint(3, 60000, (1200, 1600), generator=torch.Generator().manual_seed(7))
    t = t.to(getattr(torch, dtype))
    im = _axes(torchplot.figure(figsize=(2, 1.5), dpi=100)).imshow(t, downsample=True)
    assert im.get_array().shape == (300, 400)
    assert im.get_clim() == mpl_plt.figure().add_subplot().imshow(t.numpy()).get_clim()


_FLOAT8 = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]


@pytest.mark.parametrize("shape", [(600, 800), (600, 800, 3)], ids=["scalar", "rgb"])
@pytest.mark.parametrize("dtype", [dtype_param(name) for name in _FLOAT8])
@check_figures_equal(extensions=["png"], tol=0)
def test_float8_images_are_averaged_as_their_float32_values(fig_test, fig_ref, dtype, shape):
    # torch has no min/max kernels for float8: imshow raised NotImplementedError.
    for fig in (fig_test, fig_ref):
        fig.set_size_inches(2, 1.5)
        fig.set_dpi(100)
    t = torch.rand(shape, generator=torch.Generator().manual_seed(8)).to(dtype)
    wide = t.to(torch.float32)  # the conversion rule's values
    torchplot.adopt(fig_test)
    torchplot.adopt(fig_ref)
    im = _axes(fig_test).imshow(t, downsample=True)
    ref = _axes(fig_ref).imshow(wide, downsample=True)
    assert im.get_array().shape[:2] == (300, 400)
    assert im.get_extent() == ref.get_extent()
    if t.ndim == 2:  # colour limits of the full data (RGB is not colormapped)
        assert im.get_clim() == Figure().add_subplot().imshow(torchplot.to_numpy(t)).get_clim()


def _inside_grad(show):
    torch.func.grad(lambda x: (show(x), x.sum())[1])(torch.rand(1200, 1600))


def _inside_vmap(show):
    torch.func.vmap(lambda x: (show(x), x.sum())[1])(torch.rand(2, 1200, 1600))


def _meta(show):
    show(torch.empty(1200, 1600, device="meta"))


def _fake(show):
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode():
        t = torch.rand(1200, 1600)
    show(t)


@pytest.mark.parametrize("run", [_inside_grad, _inside_vmap, _meta, _fake])
def test_tensor_without_readable_values_gets_the_exact_paths_error(run):
    # Not reduced (torch's own error, or the averaged shape): the conversion rule's
    # TypeError, naming argument 'X' and its real shape.
    ax = _axes(torchplot.figure(figsize=(2, 1.5), dpi=100))
    with pytest.raises(TypeError) as exact:
        run(lambda x: ax.imshow(x))
    with pytest.raises(TypeError) as downsampled:
        run(lambda x: ax.imshow(x, downsample=True))
    assert str(downsampled.value) == str(exact.value)
    assert "argument 'X'" in str(exact.value) and "(1200, 1600)" in str(exact.value)


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


@pytest.mark.parametrize("dtype", [torch.float32, torch.uint8])
def test_rgba_is_averaged_in_premultiplied_alpha(dtype):
    # Opaque red beside transparent blue: Matplotlib resamples premultiplied,
    # so no blue leaks into the average; only the alpha is diluted.
    n = 1600
    check = ((torch.arange(n)[:, None] + torch.arange(n)[None, :]) % 2).float()
    img = torch.stack([1 - check, torch.zeros_like(check), check, 1 - check], -1)
    if dtype == torch.uint8:
        img = (img * 255).to(torch.uint8)
    small = torchplot.figure().add_subplot().imshow(img, downsample=True).get_array()
    assert small.shape[0] < n
    opaque = 255 if dtype == torch.uint8 else 1
    rgb, alpha = np.asarray(small[..., :3], float) / opaque, np.asarray(small[..., 3], float)
    assert np.all(alpha > 0)
    np.testing.assert_allclose(rgb, np.broadcast_to([1.0, 0.0, 0.0], rgb.shape), atol=1 / 255)


@pytest.mark.parametrize("value", [True, False, None])
@pytest.mark.parametrize(
    ("args", "kw", "named", "fix"),
    [
        ((np.zeros((9, 9)),), {}, "'X' is a numpy.ndarray", "`torch.from_numpy(X)`"),
        ((), {"X": [[0.0, 1.0], [1.0, 0.0]]}, "'X' is a builtins.list", "`torch.as_tensor(X)`"),
        (("im",), {"data": {"im": np.zeros((9, 9))}}, "'data'['im']", "(data['im'])"),
    ],
    ids=["numpy", "list", "data"],
)
def test_downsample_in_a_call_without_tensors_raises_as_nrow_does(value, args, kw, named, fix):
    # It was dropped: the image was drawn where Matplotlib raises for a keyword
    # it does not know, and where imshow(numpy, nrow=2) raises this TypeError.
    ax = torchplot.figure().subplots()
    with pytest.raises(TypeError, match=r"^Axes\.imshow\(\) keyword\(s\) downsample apply") as e:
        ax.imshow(*args, downsample=value, **kw)
    assert named in str(e.value) and fix in str(e.value), e.value
    assert not ax.images
    with pytest.raises(TypeError, match=r"keyword\(s\) downsample, nrow apply to torch tensors"):
        ax.imshow(np.zeros((9, 9)), downsample=value, nrow=2)


def test_downsample_with_a_jax_array_says_to_share_it_with_torch():
    jnp = pytest.importorskip("jax.numpy")
    with pytest.raises(TypeError, match=r"'X' is a jax.*`torch\.from_dlpack\(X\)`"):
        torchplot.figure().subplots().imshow(jnp.zeros((9, 9)), downsample=True)


def test_downsample_with_tensors_it_cannot_average_takes_the_exact_path(monkeypatch):
    # The documented fallbacks: a batch (its grid is drawn exactly, even when
    # laid out on the host as a NumPy array), data= naming a tensor, a list of
    # tensors; and the setting alone leaves a call without tensors as it is.
    fig = torchplot.figure(figsize=(2, 1.5), dpi=100)
    ax = _axes(fig)
    batch = torch.rand(4, 3, 400, 400)
    assert ax.imshow(batch, downsample=True).get_array().shape == (404, 1610, 3)
    big = torch.rand(1200, 1600)
    assert ax.imshow("im", data={"im": big}, downsample=True).get_array().shape == (1200, 1600)
    tiles = [[torch.tensor(0.0), torch.tensor(1.0)]]
    assert ax.imshow(tiles, downsample=True).get_array().shape == (1, 2)
    monkeypatch.setitem(torchplot.rc_params, "imshow.downsample", True)
    assert ax.imshow(np.zeros((1200, 1600))).get_array().shape == (1200, 1600)
