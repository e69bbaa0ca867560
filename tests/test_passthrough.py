"""Promise 2: no tensor, no change -- and torch and NumPy untouched."""

from __future__ import annotations

import io

import matplotlib.pyplot as mpl
import numpy as np
import pandas as pd
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot


@check_figures_equal(extensions=["png"], tol=0)
def test_calls_without_tensors_draw_what_matplotlib_draws(fig_test, fig_ref):
    for P, fig in ((torchplot, fig_test), (mpl, fig_ref)):
        P.figure(fig)
        P.plot(range(10))  # the call the PyPI package of the same name breaks
        P.plot([1, 3, 2], "r--")
        P.scatter(pd.Series([1.0, 2.0]), np.array([3.0, 1.0]))
        P.bar(["a", "b"], [1, 2])
        P.xlim(0, 9)
        P.title("plain")


def test_plot_range_returns_matplotlib_data():
    (line,) = torchplot.plot(range(5))
    np.testing.assert_array_equal(line.get_xdata(), np.arange(5))


def test_torch_and_numpy_are_unchanged():
    before = (torch.Tensor.__array__, torch.Tensor.numpy, np.asarray, torch.Tensor.__dict__.keys())
    import importlib

    importlib.reload(torchplot)
    after = (torch.Tensor.__array__, torch.Tensor.numpy, np.asarray, torch.Tensor.__dict__.keys())
    assert before[:3] == after[:3] and set(before[3]) == set(after[3])
    # A grad tensor still refuses numpy(): torchplot does not make torch lenient.
    t = torch.ones(2, requires_grad=True)
    try:
        t.numpy()
    except RuntimeError:
        pass
    else:
        raise AssertionError("torch behaviour changed")


def test_matplotlib_objects_not_handed_out_by_torchplot_stay_plain():
    fig = mpl.figure()
    ax = fig.add_subplot()
    assert type(ax) is mpl.Axes
    torchplot.plot([1, 2])  # acts on the current figure: that one is adopted
    other = mpl.figure(99)
    assert type(other) is mpl.Figure  # not current when torchplot ran
    buf = io.BytesIO()
    fig.savefig(buf)


# Matplotlib code that tests an object's exact type (``type(x) is C``) sees a
# twin, not ``C``: each such test reachable from a torchplot object is listed
# here, drawn without tensors.


@check_figures_equal(extensions=["png"], tol=0)
def test_colorbar_of_a_plain_normalize_gets_a_linear_axis(fig_test, fig_ref):
    # Colorbar asks ``type(norm) is Normalize`` and else draws a 'function'
    # axis, whose ticks land on other pixels for this data (19 px differed).
    z = np.linspace(-1, 1, 20).reshape(4, 5)
    for P, fig in ((torchplot, fig_test), (mpl, fig_ref)):
        P.figure(fig)
        P.imshow(z)
        cb = P.colorbar()
        assert cb.ax.get_yscale() == "linear"
        norm = P.Normalize(-1, 1)
        ax = fig.add_axes((0.1, 0.1, 0.2, 0.2))
        assert fig.colorbar(ax.pcolormesh(z, norm=norm), ax=ax).ax.get_yscale() == "linear"


def test_colorbar_of_a_normalize_subclass_keeps_matplotlib_s_function_axis():
    class Mine(torchplot.Normalize):
        pass

    fig, ax = torchplot.subplots()
    cb = fig.colorbar(ax.imshow(np.eye(3), norm=Mine(0, 1)))
    assert cb.ax.get_yscale() == "function"


@check_figures_equal(extensions=["png"], tol=0)
def test_add_collection3d_of_a_collection_torchplot_handed_out(fig_test, fig_ref):
    # ``Axes3D.add_collection3d`` converts only a collection whose type *is*
    # LineCollection (PolyCollection, PatchCollection); a twin stayed 2-D and
    # failed to draw.
    for P, fig in ((torchplot, fig_test), (mpl, fig_ref)):
        P.figure(fig)
        flat = fig.add_subplot(121)
        lines = flat.vlines([0.2, 0.5], 0, 1)
        polys = flat.broken_barh([(0, 1)], (0, 1))  # a PolyCollection
        lines.remove()
        polys.remove()
        ax = fig.add_subplot(122, projection="3d")
        ax.add_collection3d(lines, zs=[0.1, 0.9])
        ax.add_collection3d(col=polys, zs=0.5)


def test_setp_lists_what_matplotlib_lists():
    # Matplotlib's ArtistInspector reads a setter's docstring (inherited ones
    # included) and its first parameter's name.
    fig, ax = torchplot.subplots()
    (line,) = ax.plot([1, 2])
    text = ax.set_title("t")
    for obj in (line, ax, text, ax.bar([0], [1])[0], fig):
        plain = type(obj).__dict__.get("__tensor_base__")
        assert plain is not None
        out, ref = io.StringIO(), io.StringIO()
        torchplot.setp(obj, file=out)
        obj.__class__, twin = plain, type(obj)
        try:
            mpl.setp(obj, file=ref)
        finally:
            obj.__class__ = twin
        assert out.getvalue() == ref.getvalue()
    out = io.StringIO()
    torchplot.setp(ax, "xlabel", file=out)
    assert out.getvalue().strip() == "xlabel: str"
    torchplot.setp(line, "transform", file=out)
    assert out.getvalue().split("\n")[1] == "  transform: `~matplotlib.transforms.Transform`"


class _PolygonWithRadiusProperty(mpl.matplotlib.patches.RegularPolygon):
    """A user's subclass making ``radius`` (a plain attribute in Matplotlib) a property."""

    @property
    def radius(self):
        return self._r * 2

    @radius.setter
    def radius(self, value):
        self._r = value


@check_figures_equal(extensions=["png"], tol=0)
def test_a_subclass_property_over_a_data_attribute_stays_the_subclass_s(fig_test, fig_ref):
    # torchplot converts assigned ``RegularPolygon.radius``; a subclass's own
    # property of that name must win, or reading it gives torchplot's setter.
    torchplot.adopt(fig_test).subplots().add_patch(
        _PolygonWithRadiusProperty((0.5, 0.5), 5, radius=0.1)
    )
    fig_ref.subplots().add_patch(_PolygonWithRadiusProperty((0.5, 0.5), 5, radius=0.1))


def test_a_converted_data_attribute_can_be_deleted_as_in_matplotlib():
    arc = torchplot.figure().subplots().add_patch(mpl.matplotlib.patches.Arc((0, 0), 1, 1))
    del arc.theta1
    assert "theta1" not in vars(arc)
    with np.testing.assert_raises(AttributeError):
        del arc.theta1


class _OwnKeywordsAxes(mpl.matplotlib.axes.Axes):
    """A projection whose own ``plot``/``imshow`` take ``reduce``/``downsample``."""

    name = "torchplot_test_own_keywords"

    def plot(self, *args, reduce=None, **kwargs):
        if reduce:
            args = tuple(np.asarray(a)[::2] for a in args)
        return super().plot(*args, **kwargs)

    def imshow(self, X, downsample=None, **kwargs):
        return super().imshow(X[:: 2 if downsample else 1], **kwargs)


def test_a_projection_s_own_reduce_and_downsample_keywords_reach_it():
    mpl.matplotlib.projections.register_projection(_OwnKeywordsAxes)
    for P in (mpl, torchplot):
        ax = P.figure().add_subplot(projection=_OwnKeywordsAxes.name)
        assert len(ax.plot(np.arange(10.0), reduce=True)[0].get_xdata()) == 5
        assert len(ax.plot(torch.arange(10.0), reduce=True)[0].get_xdata()) == 5
        assert ax.imshow(np.ones((10, 10)), downsample=True).get_array().shape == (5, 10)
