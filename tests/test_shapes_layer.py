"""The shape rules of :mod:`torchplot._layers.shapes` draw what Matplotlib draws.

``hist`` of a >2-D tensor and ``scatter`` of one ``(N, 2)`` tensor, for
layouts whose ``flatten``/``reshape``/indexing fail (sparse, per-channel
quantized), for names looked up through ``data=``, and mplot3d's
``scatter(xs, ys=..., zs=...)``, which is not the one-tensor form.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable

import numpy as np
import pytest
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot
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
