"""The shape rules of :mod:`torchplot._layers.shapes` draw what Matplotlib draws.

``hist`` of a >2-D tensor and ``scatter`` of one ``(N, 2)`` tensor, for
layouts whose ``flatten``/``reshape``/indexing fail (sparse, per-channel
quantized), for names looked up through ``data=``, and mplot3d's
``scatter(xs, ys=..., zs=...)``, which is not the one-tensor form.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Callable

import numpy as np
import pytest
import torch
from matplotlib import pyplot as mpl_plt
from matplotlib.testing.decorators import check_figures_equal

import torchplot
from tests._helpers import fake_tensor, raised
from torchplot._layers import shapes

EQUAL = check_figures_equal(extensions=["png"], tol=0)


def randn(*shape: int, seed: int = 0) -> torch.Tensor:
    return torch.randn(*shape, generator=torch.Generator().manual_seed(seed))


def per_channel(t: torch.Tensor, axis: int) -> torch.Tensor:
    """``t`` quantized with its own scale and zero point per index along ``axis``."""
    n = t.shape[axis]
    scales = torch.linspace(0.02, 0.1, n, dtype=torch.float64)
    zero_points = torch.arange(n) % 5 - 2
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # quantized tensors are deprecated, still in use
        return torch.quantize_per_channel(t, scales, zero_points, axis, torch.qint8)


def sparse(make: Callable[[torch.Tensor], torch.Tensor]) -> Callable[[torch.Tensor], torch.Tensor]:
    def to_layout(t: torch.Tensor) -> torch.Tensor:
        if t.ndim == 2:
            # Zeros make the rows uneven, which is what breaks indexing a CSR
            # tensor; a batched CSR tensor needs the same count in every batch.
            t = t.masked_fill(t.abs() < 0.5, 0)
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")  # "Sparse CSR tensor support is in beta state"
            return make(t)

    return to_layout


LAYOUTS = {
    "coo": sparse(lambda t: t.to_sparse()),
    "csr": sparse(lambda t: t.to_sparse_csr()),
    "bsr": sparse(lambda t: t.to_sparse_bsr((1, 1))),
    "per_channel_axis_0": lambda t: per_channel(t, 0),
    "per_channel_axis_1": lambda t: per_channel(t, 1),
}


# --------------------------------------------------------------------------- hist of >2-D


@pytest.mark.parametrize("layout", LAYOUTS)
@EQUAL
def test_hist_of_all_values_of_sparse_or_quantized(fig_test, fig_ref, layout):
    x = LAYOUTS[layout](randn(4, 3, 5, seed=1))
    torchplot.adopt(fig_test).subplots().hist(x, bins=9)
    fig_ref.subplots().hist(torchplot.to_numpy(x).ravel(), bins=9)


@pytest.mark.parametrize("layout", ["coo", "csr", "per_channel_axis_0"])
@EQUAL
def test_hist_with_sparse_or_quantized_weights(fig_test, fig_ref, layout):
    x = randn(4, 3, 5, seed=2)
    weights = LAYOUTS[layout](randn(4, 3, 5, seed=3).abs())
    torchplot.adopt(fig_test).subplots().hist(x=x, weights=weights, bins=7)
    ref = torchplot.to_numpy(weights).ravel()
    fig_ref.subplots().hist(x.numpy().ravel(), weights=ref, bins=7)


def test_hist_of_a_dense_tensor_is_flattened_without_a_copy():
    x = randn(4, 3, 5, seed=4).requires_grad_()
    seen = []
    shapes._hist_of_all_values(None, lambda args, kwargs: seen.append(args[0]), (x,), {})
    assert seen[0].shape == (60,) and seen[0].data_ptr() == x.data_ptr()


# --------------------------------------------------------------------------- scatter(points)


@pytest.mark.parametrize("layout", LAYOUTS)
@EQUAL
def test_scatter_of_sparse_or_quantized_points(fig_test, fig_ref, layout):
    points = LAYOUTS[layout](randn(30, 2, seed=5))
    torchplot.adopt(fig_test).subplots().scatter(points, s=9)
    ref = torchplot.to_numpy(points)
    fig_ref.subplots().scatter(ref[:, 0], ref[:, 1], s=9)


# --------------------------------------------------------------------------- mplot3d


@pytest.mark.parametrize("with_zs", [True, False])
@EQUAL
def test_3d_scatter_with_ys_keyword_is_matplotlib_s(fig_test, fig_ref, with_zs):
    x, y, z = randn(3, 20, seed=6)
    extra = {"zs": z} if with_zs else {}
    ax = torchplot.adopt(fig_test).add_subplot(projection="3d")
    ax.scatter(x, ys=y, **extra)
    extra_ref = {"zs": z.numpy()} if with_zs else {}
    fig_ref.add_subplot(projection="3d").scatter(x.numpy(), ys=y.numpy(), **extra_ref)


@EQUAL
def test_pyplot_3d_scatter_with_ys_keyword(fig_test, fig_ref):
    x, y, z = randn(3, 20, seed=7)
    torchplot.figure(fig_test)
    fig_test.add_subplot(projection="3d")
    torchplot.scatter(x, ys=y, zs=z)
    fig_ref.add_subplot(projection="3d").scatter(x.numpy(), ys=y.numpy(), zs=z.numpy())


@pytest.mark.parametrize("form", ["axes", "pyplot", "data"])
@EQUAL
def test_3d_scatter_of_one_n_by_3_tensor_is_a_point_cloud(fig_test, fig_ref, form):
    cloud = randn(30, 3, seed=21).requires_grad_()
    c = randn(30, seed=22)
    if form == "pyplot":
        torchplot.figure(fig_test)
        fig_test.add_subplot(projection="3d")
        pc = torchplot.scatter(cloud, c=c, s=9)
        assert torchplot.gci() is pc
    else:
        ax = torchplot.adopt(fig_test).add_subplot(projection="3d")
        if form == "data":
            ax.scatter("cloud", c="c", s=9, data={"cloud": cloud, "c": c})
        else:
            ax.scatter(cloud, c=c, s=9)
    ref = cloud.detach().numpy()
    fig_ref.add_subplot(projection="3d").scatter(ref[:, 0], ref[:, 1], ref[:, 2], c=c.numpy(), s=9)


def test_3d_scatter_of_n_by_3_points_with_zs_given_is_matplotlibs_error():
    cloud, z = randn(30, 3, seed=23), randn(30, seed=24)
    ax = torchplot.figure().add_subplot(projection="3d")
    with pytest.raises(TypeError, match=r"missing.*takes points of shape \(N, 2\) when zs is"):
        ax.scatter(cloud, zs=z)


# --------------------------------------------------------------------------- data=


@EQUAL
def test_hist_of_a_name_in_data_is_hist_of_its_tensor(fig_test, fig_ref):
    t = randn(4, 3, 5, seed=8)
    torchplot.adopt(fig_test).subplots().hist("v", data={"v": t})
    fig_ref.subplots().hist(t.numpy().ravel())


@EQUAL
def test_hist_of_names_in_data_with_weights_keeps_the_label(fig_test, fig_ref):
    t = randn(4, 3, 5, seed=9)
    w = randn(4, 3, 5, seed=10).abs()
    ax = torchplot.adopt(fig_test).subplots()
    ax.hist(x="v", weights="w", bins=7, data={"v": t, "w": w})
    ax.legend()
    ref = fig_ref.subplots()
    ref.hist(t.numpy().ravel(), weights=w.numpy().ravel(), bins=7, label="v")
    ref.legend()


@EQUAL
def test_hist_of_a_name_missing_from_data_is_matplotlib_s(fig_test, fig_ref):
    # Matplotlib falls back to the string itself: one bar for the category "v".
    torchplot.adopt(fig_test).subplots().hist("v", data={"w": randn(4, 3, 5)})
    fig_ref.subplots().hist("v", data={"w": np.zeros((4, 3, 5))})


@EQUAL
def test_scatter_of_points_named_in_data_looks_up_the_other_names_too(fig_test, fig_ref):
    points, c, s = randn(20, 2, seed=11), torch.arange(20), randn(20, seed=12).abs() * 40
    data = {"p": points.requires_grad_(), "c": c, "s": s, "o": "unused"}
    # "o" is a marker, not a name scatter looks up, even though data holds it.
    torchplot.adopt(fig_test).subplots().scatter("p", c="c", s="s", marker="o", data=data)
    ref = points.detach().numpy()
    fig_ref.subplots().scatter(ref[:, 0], ref[:, 1], c=c.numpy(), s=s.numpy(), marker="o")


@EQUAL
def test_3d_scatter_of_points_named_in_data(fig_test, fig_ref):
    points, z = randn(20, 2, seed=13), randn(20, seed=14)
    ax = torchplot.adopt(fig_test).add_subplot(projection="3d")
    ax.scatter("p", zs="z", c="z", data={"p": points, "z": z})
    ref = points.numpy()
    fig_ref.add_subplot(projection="3d").scatter(ref[:, 0], ref[:, 1], zs=z.numpy(), c=z.numpy())


@EQUAL
def test_pyplot_scatter_of_points_named_in_data(fig_test, fig_ref):
    points = randn(20, 2, seed=15)
    torchplot.figure(fig_test)  # pyplot makes fig_test's Axes, as for plt.scatter(points)
    pc = torchplot.scatter("p", c="p0", data={"p": points, "p0": points[:, 0]})
    assert torchplot.gci() is pc
    ref = points.numpy()
    fig_ref.subplots().scatter(ref[:, 0], ref[:, 1], c=ref[:, 0])


def test_scatter_of_a_name_missing_from_data_is_matplotlib_s():
    with pytest.raises(TypeError, match="missing a required argument: 'y'"):
        torchplot.figure().subplots().scatter("q", data={"p": randn(4, 2)})


def test_pyplot_polar_of_a_3d_tensor_gets_plots_explained_error():
    # plt.polar forwards to the polar Axes' plot, whose explainer must see the tensor.
    torchplot.figure()
    with pytest.raises(ValueError, match=r"shape \(2, 3, 4\).*Fix: select what to draw"):
        torchplot.polar(torch.zeros(2, 3, 4))


# --------------------------------------------------------------------------- errors


def _bits8(*shape: int) -> torch.Tensor:
    return torch.zeros(*shape, dtype=torch.uint8).view(torch.bits8)


def _as_numpy(args: tuple[object, ...]) -> list[object]:
    return [a.numpy() if isinstance(a, torch.Tensor) else a for a in args]


_T3, _T4 = torch.arange(3.0), torch.arange(4.0)


@pytest.mark.parametrize(
    ("args", "projection"),
    [
        ((randn(2, 3, 4), "qq"), None),  # a bad format string
        ((_T3, _T4, randn(2, 3, 4)), None),  # the first pair's lengths differ
        ((_T3, _T4, "r", randn(2, 3, 4)), None),
        ((_T3, randn(2, 3, 4)), None),  # x and y of different lengths, y 3-D
        ((_T3, randn(3, 3, 4)), "3d"),  # mplot3d's broadcast error
    ],
)
def test_plot_errors_other_than_data_over_2d_are_matplotlibs(args, projection):
    expected = raised(mpl_plt.figure().add_subplot(projection=projection).plot, *_as_numpy(args))
    ax = torchplot.figure().add_subplot(projection=projection)
    got = raised(ax.plot, *args)
    assert (type(got), str(got)) == (type(expected), str(expected))
    mpl_plt.close("all")


@pytest.mark.parametrize("shape", [(3, 3, 4), (3, 2, 2, 2)])
@pytest.mark.parametrize("form", ["y", "x, y", "y, x", "y, fmt", "x, y, fmt"])
@EQUAL
def test_plot_of_data_over_2d_names_the_argument_and_fixes_that_draw(
    fig_test, fig_ref, shape, form
):
    t, x = randn(*shape, seed=9), torch.linspace(0, 1, shape[0])
    args = {
        "y": (t,),
        "x, y": (x, t),
        "y, x": (t, x),
        "y, fmt": (t, "o-"),
        "x, y, fmt": (x, t, "o-"),
    }[form]
    i = 1 if form.startswith("x") else 0
    expected = raised(mpl_plt.figure().add_subplot().plot, *_as_numpy(args))
    mpl_plt.close("all")
    ax = torchplot.adopt(fig_test).subplots()
    error = raised(ax.plot, *args)
    assert type(error) is ValueError and not ax.lines
    message = str(error)
    assert message.startswith(f"Axes.plot() argument args[{i}] has shape {shape}, ")
    assert str(expected) in message  # Matplotlib's own text
    assert type(error.__cause__) is ValueError and str(error.__cause__) == str(expected)
    fixes = re.findall(r"`([^`]*)`", message.partition("Fix:")[2])
    assert len(fixes) >= 2
    ref = fig_ref.subplots()
    for fix in fixes:  # each suggested fix draws, as Matplotlib draws its NumPy equivalent
        fixed = eval(fix, {"t": t})
        ax.plot(*(fixed if a is t else a for a in args))
        ref.plot(*_as_numpy(tuple(fixed if a is t else a for a in args)))


def test_plot_of_data_over_2d_in_data_names_the_key():
    ax = torchplot.figure().subplots()
    with pytest.raises(ValueError, match=r"^Axes.plot\(\) argument 'data'\['y'\] has shape"):
        ax.plot("x", "y", "o-", data={"x": torch.arange(3.0), "y": randn(3, 3, 4)})


_UNREADABLE = {
    "meta": lambda *shape: torch.empty(*shape, device="meta"),
    "fake": fake_tensor,
    "bits8": _bits8,
}


@pytest.mark.parametrize("kind", _UNREADABLE)
@pytest.mark.parametrize("keyword", [False, True])
def test_hist_of_an_unreadable_tensor_describes_it_as_given(kind, keyword):
    x = _UNREADABLE[kind](2, 3, 4)
    ax = torchplot.figure().subplots()
    call = (lambda: ax.hist(x=x)) if keyword else (lambda: ax.hist(x))
    with pytest.raises(TypeError, match=r"^Axes.hist\(\) argument 'x': .*shape \(2, 3, 4\)"):
        call()
    with pytest.raises(TypeError, match=r"^Axes.hist\(\) argument 'weights': .*shape \(2, 3, 4\)"):
        ax.hist(randn(2, 3, 4), weights=x)
    with pytest.raises(TypeError, match=r"^Axes.hist\(\) argument 'data'\['v'\]: .*\(2, 3, 4\)"):
        ax.hist("v", data={"v": x})


@pytest.mark.parametrize("kind", _UNREADABLE)
def test_scatter_of_unreadable_points_describes_them_as_given(kind):
    points = _UNREADABLE[kind](5, 2)
    ax = torchplot.figure().subplots()
    with pytest.raises(TypeError, match=r"^Axes.scatter\(\) argument 'x': .*shape \(5, 2\)"):
        ax.scatter(points)


@pytest.mark.parametrize("method", ["hist", "scatter"])
def test_layers_inside_vmap_describe_the_tensor_as_given(method):
    ax = torchplot.figure().subplots()
    shape = (3, 4) if method == "hist" else (5, 2)  # of each batch element, as vmap shows it

    def draw(t: torch.Tensor) -> torch.Tensor:
        # hist: a 3-D tensor, which the layer would flatten; scatter: (N, 2) points.
        getattr(ax, method)(t[None] if method == "hist" else t)
        return t

    expected = (1, *shape) if method == "hist" else shape
    pattern = re.escape(f"shape {expected}") + r".*Fix: plot outside the torch.func transform"
    with pytest.raises(TypeError, match=pattern):
        torch.func.vmap(draw)(torch.ones(2, *shape))


def test_scatter_of_a_lazy_parameter_gets_the_rules_error():
    weight = torch.nn.LazyLinear(2).weight
    with pytest.raises(TypeError, match=r"holds no data yet.*run the module's forward once"):
        torchplot.figure().subplots().scatter(weight)


def _nested() -> torch.Tensor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the strided layout is a prototype
        return torch.nested.nested_tensor([torch.ones(2, 2), torch.ones(3, 2)])


@pytest.mark.parametrize(
    ("points", "projection", "data"),
    [
        (torch.arange(3.0), None, False),
        (randn(5, 3), None, False),
        (randn(2, 3, 4), None, True),
        (randn(5, 4), "3d", False),
        (randn(2, 3, 4), "3d", True),
        (_nested(), None, False),
    ],
)
def test_scatter_of_one_tensor_that_is_not_points_keeps_matplotlibs_type_error(
    points, projection, data
):
    mpl_args = ("p",) if data else (torchplot.to_numpy(points),)
    mpl_kwargs = {"data": {"p": torchplot.to_numpy(points)}} if data else {}
    mpl_ax = mpl_plt.figure().add_subplot(projection=projection)
    expected = raised(mpl_ax.scatter, *mpl_args, **mpl_kwargs)
    mpl_plt.close("all")
    ax = torchplot.figure().add_subplot(projection=projection)
    args, kwargs = (("p",), {"data": {"p": points}}) if data else ((points,), {})
    error = raised(ax.scatter, *args, **kwargs)
    assert type(error) is type(expected) is TypeError
    assert str(error).startswith(f"{expected} (torchplot: scatter of one tensor takes points")
    name = "'data'['p']" if data else "'xs'" if projection else "'x'"
    assert f"argument {name} has shape " in str(error)
    if points.is_nested:
        assert "shape [(2, 2), (3, 2)] (nested)" in str(error)
    else:
        assert f"shape {tuple(points.shape)}" in str(error)
