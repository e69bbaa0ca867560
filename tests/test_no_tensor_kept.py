"""No figure keeps a tensor: whatever reaches a figure through torchplot is the rule's NumPy value.

A figure holding a user's tensor keeps its autograd graph alive and changes
when the tensor changes in place (promise 3).  These tests walk everything
reachable from a drawn figure for a ``torch.Tensor``: after a battery of calls
that pass tensors (most tracking gradients) to torchplot's functions, methods,
classes and keywords, and after tensors are assigned to every public attribute
of the objects torchplot hands out that holds a number or an array.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable
from typing import Any

import matplotlib.offsetbox as offsetbox
import matplotlib.patches as patches
import matplotlib.ticker as ticker
import matplotlib.widgets as widgets
import numpy as np
import pytest
import torch
from matplotlib.colors import BoundaryNorm, PowerNorm
from mpl_toolkits.axes_grid1.anchored_artists import AnchoredSizeBar

import torchplot as plt
from torchplot import _attributes, _twins

# ----------------------------------------------------------------------------- the walker

#: Leaves: nothing under them can be a tensor.
_ATOMS = (str, bytes, int, float, complex, type(None), type, np.generic, range)


def tensors_reachable(root: Any) -> list[str]:
    """The paths (``fig.axes[0].legend_.borderpad``) of the tensors reachable from ``root``.

    Follows instance ``__dict__`` and ``__slots__``, lists, tuples, sets, dict
    keys and values, and object arrays: everything an artist holds.
    """
    found: list[str] = []
    seen: set[int] = set()
    stack: list[tuple[Any, str]] = [(root, "root")]
    while stack:
        obj, path = stack.pop()
        if id(obj) in seen or isinstance(obj, _ATOMS):
            continue
        seen.add(id(obj))
        if isinstance(obj, torch.Tensor):
            found.append(path)
        elif isinstance(obj, np.ndarray):
            if obj.dtype == object:
                stack += [(item, f"{path}.flat[{i}]") for i, item in enumerate(obj.flat)]
        elif isinstance(obj, dict):
            stack += [(key, f"{path}.<key>") for key in obj]
            stack += [(value, f"{path}[{key!r}]") for key, value in obj.items()]
        elif isinstance(obj, (list, tuple, set, frozenset)):
            stack += [(item, f"{path}[{i}]") for i, item in enumerate(obj)]
        elif not inspect.ismodule(obj):
            held = getattr(obj, "__dict__", None)
            if isinstance(held, dict):
                stack += [(value, f"{path}.{name}") for name, value in held.items()]
            for klass in type(obj).__mro__:
                for name in getattr(klass, "__slots__", ()):
                    if hasattr(obj, name):
                        stack.append((getattr(obj, name), f"{path}.{name}"))
    return found


def test_the_walker_finds_a_tensor_a_figure_keeps():
    # What Matplotlib's own constructors store stays as given (a documented
    # exception): AnchoredText keeps its pad, here a tensor, deep in the figure.
    pad = torch.tensor(0.5, requires_grad=True)
    fig, ax = plt.subplots()
    ax.add_artist(offsetbox.AnchoredText("t", loc="upper left", pad=pad))
    (line,) = ax.plot([0, 1])
    line._held = [{"k": (1, torch.ones(2))}]
    assert sorted(p.rpartition(".")[2] for p in tensors_reachable(fig)) == [
        "_held[0]['k'][1]",
        "pad",
    ]
    assert tensors_reachable(np.array([None, torch.ones(1)], dtype=object)) == ["root.flat[1]"]


# ----------------------------------------------------------------------------- calls


def _g(value: Any) -> torch.Tensor:
    """A float32 tensor tracking gradients: what a training loop hands over."""
    return torch.tensor(value, dtype=torch.float32, requires_grad=True)


def _i(value: Any) -> torch.Tensor:
    return torch.tensor(value)


_X = np.linspace(0, 1, 5)
_CALLS: dict[str, Callable[[Any, Any], Any]] = {}


def _battery(func: Callable[[Any, Any], Any]) -> Callable[[Any, Any], Any]:
    _CALLS[func.__name__] = func
    return func


@_battery
def _legends(fig, ax):
    ax.plot(_X, _X, label="a")
    ax.scatter(_X, _X, label="b")
    spacings = ("borderpad", "labelspacing", "handlelength", "handleheight", "handletextpad")
    ax.legend(
        **{name: _g(0.6) for name in spacings},
        borderaxespad=_g(0.4),
        columnspacing=_g(2.1),
        markerscale=_g(1.5),
        fontsize=_g(9.0),
        framealpha=_g(0.5),
        bbox_to_anchor=_g([0.5, 0.5]),
        ncols=_i(2),
        numpoints=_i(2),
        scatterpoints=_i(2),
        scatteryoffsets=_g([0.3, 0.6]),
        loc=_i(1),
        title="t",
        title_fontproperties={"size": _g(9.0)},
        shadow={"ox": _g(2.0)},
    )
    legend = fig.legend(borderpad=_g(0.6), bbox_to_anchor=_g([0.5, 0.5, 0.2, 0.2]))
    legend.set_bbox_to_anchor(_g([0.4, 0.4]))
    legend.set_loc(_i(2))
    legend.get_frame().set_linewidth(_g(2.0))
    for text in legend.get_texts():
        text.set_fontsize(_g(5.0))


@_battery
def _quivers(fig, ax):
    q = ax.quiver(
        *(_g([0.0, 1.0]), _g([0.0, 1.0]), _g([1.0, 1.0]), _g([1.0, 0.0]), _g([0.2, 0.7])),
        **dict.fromkeys(("scale", "headwidth", "headlength", "headaxislength"), _g(4.0)),
        **dict.fromkeys(("width", "minshaft", "minlength"), _g(0.01)),
        angles=_g([10.0, 20.0]),
        pivot="mid",
    )
    ax.quiverkey(q, _g(0.5), _g(0.5), _g(1.0), "k", angle=_g(10.0), color=_g([1.0, 0.0, 0.0]))
    q.set_UVC(_g([2.0, 1.0]), _g([1.0, 2.0]), _g([0.3, 0.4]))
    b = ax.barbs(
        *(_g([0.0, 1.0]), _g([0.0, 1.0]), _g([10.0, 20.0]), _g([5.0, 30.0])),
        length=_g(7.0),
        pivot=_g(0.3),
        sizes={"spacing": _g(0.2), "height": _g(0.5)},
        barb_increments={"half": _g(5.0), "full": _g(10.0), "flag": _g(50.0)},
        flip_barb=_i([True, False]),
    )
    b.set_UVC(_g([15.0, 25.0]), _g([5.0, 5.0]))
    b.set_offsets(_g([[0.2, 0.2], [0.6, 0.6]]))


@_battery
def _colorbars(fig, ax):
    im = ax.imshow(_g([[0.0, 1.0], [2.0, 3.0]]))
    fig.colorbar(
        im,
        values=_g([0.5, 1.5, 2.5]),
        boundaries=_g([0.0, 1.0, 2.0, 3.0]),
        **dict.fromkeys(("shrink", "fraction", "pad", "extendfrac"), _g(0.1)),
        aspect=_g(15.0),
        anchor=(_g(0.0), _g(0.5)),
        ticks=_g([0.0, 1.0, 2.0]),
        extend="both",
    )
    cb = fig.colorbar(im, ax=ax, location="top")
    cb.set_ticks(_g([0.0, 1.0]))
    cb.set_alpha(_g(0.5))
    cb.set_label("l", labelpad=_g(3.0))
    cs = ax.contourf(_g(np.eye(5)), levels=_g([0.0, 0.3, 1.0]), extent=_g([0.0, 1.0, 0.0, 1.0]))
    fig.colorbar(cs)
    lines = ax.contour(_g(np.eye(5)), levels=_g([0.5]), linewidths=_g(2.0))
    ax.clabel(lines, fontsize=_g(7.0), inline_spacing=_g(3.0), levels=_g([0.5]))


@_battery
def _texts(fig, ax):
    ax.text(_g(0.5), _g(0.5), "a", fontsize=_g(12.0), rotation=_g(30.0), bbox={"pad": _g(3.0)})
    ax.set_title("t", pad=_g(10.0), fontsize=_g(13.0), y=_g(1.02))
    ax.set_xlabel("x", labelpad=_g(5.0))
    fig.suptitle("s", x=_g(0.4), fontsize=_g(14.0))
    text = fig.text(0.5, 0.5, "a")
    text.set_position(_g([0.2, 0.3]))
    text.set_linespacing(_g(1.2))
    text.set_bbox({"pad": _g(2.0)})
    text.get_bbox_patch().set_boxstyle("round", pad=_g(0.3))
    note = ax.annotate(
        "b",
        _g([0.5, 0.5]),
        xytext=_g([0.2, 0.2]),
        arrowprops={"shrinkA": _g(3.0), "width": _g(2.0), "headwidth": _g(6.0)},
    )
    note.xyann = _g([0.3, 0.3])
    note.arrow_patch.set_mutation_scale(_g(12.0))
    styled = ax.annotate("c", (0.1, 0.1), xytext=(0.8, 0.8), arrowprops={"arrowstyle": "->"})
    styled.arrow_patch.set_connectionstyle("angle3", angleA=_g(90.0), angleB=_g(0.0))
    ax.indicate_inset(_g([0.1, 0.1, 0.2, 0.2]), ax.inset_axes(_g([0.6, 0.6, 0.3, 0.3])))


@_battery
def _lines(fig, ax):
    ax.plot(
        _g([0.0, 1.0, 2.0]),
        markersize=_g(8.0),
        linewidth=_g(2.0),
        markevery=_i(2),
        marker="o",
        color=_g([1.0, 0.0, 0.0]),
        dashes=(_g(2.0), _g(1.0)),
    )
    (line,) = ax.plot(_X, _X, marker=(_i(5), _i(1), _g(30.0)))
    line.set_markevery(_g(0.5))
    line.set_linestyle((_g(0.0), (_g(3.0), _g(1.0))))
    line.set_sketch_params(_g(1.0), _g(10.0), _g(2.0))
    ax.axhline(_g(0.5), xmin=_g(0.1), xmax=_g(0.9))
    ax.axline((0, 0), slope=_g(1.0)).set_slope(_g(2.0))
    ax.errorbar(_g([0.0, 1.0]), _g([0.0, 1.0]), yerr=_g([0.1, 0.2]), capsize=_g(3.0))
    ax.step(_g([0.0, 1.0]), _g([1.0, 0.0]))
    ax.eventplot(_g([[0.1, 0.2]]), lineoffsets=_g(1.0), linelengths=_g(0.5))
    ax.hlines(_g([0.5]), _g(0.0), _g(1.0), linewidth=_g(2.0))


@_battery
def _patches(fig, ax):
    ax.add_patch(plt.Rectangle(_g([0.1, 0.1]), _g(0.3), _g(0.2), angle=_g(10.0)))
    ax.add_patch(plt.Circle(_g([0.5, 0.5]), _g(0.1), linewidth=_g(2.0)))
    ax.add_patch(plt.Polygon(_g([[0.0, 0.0], [1.0, 0.0], [0.0, 1.0]])))
    rect = ax.add_patch(plt.Rectangle((0, 0), 1, 1))
    rect.set_bounds(_g(0.0), _g(0.0), _g(0.5), _g(0.5))
    rect.set_angle(_g(10.0))
    bars = ax.bar(_g([0.0, 1.0]), _g([1.0, 2.0]), width=_g(0.5), yerr=_g([0.1, 0.1]))
    ax.bar_label(bars, padding=_g(3.0))
    ax.fill_between(_g([0.0, 1.0]), _g([0.0, 1.0]), _g(0.5), alpha=_g(0.3))
    ax.axvspan(_g(0.1), _g(0.2))
    ax.stairs(_g([1.0, 2.0]), _g([0.0, 1.0, 2.0]), baseline=_g(0.0))
    ax.broken_barh([(_g(0.0), _g(1.0))], (_g(0.0), _g(1.0)))
    ax.pie(
        _g([1.0, 2.0]),
        explode=_g([0.1, 0.0]),
        radius=_g(0.3),
        center=(_g(5.0), _g(5.0)),
        startangle=_g(30.0),
        wedgeprops={"width": _g(0.1)},
        frame=True,
    )


@_battery
def _axes(fig, ax):
    ax.plot(_X, _X)
    ax.margins(_g(0.1), _g(0.2))
    ax.set_xlim(_g(0.0), _g(2.0))
    ax.set_box_aspect(_g(0.8))
    ax.set_xticks(_g([0.0, 1.0]))
    ax.set_xticks(_g([0.5]), minor=True)
    ax.tick_params(length=_g(5.0), pad=_g(3.0), labelsize=_g(7.0), labelrotation=_g(20.0))
    ax.grid(True, linewidth=_g(0.5))
    ax.set_position(_g([0.1, 0.1, 0.8, 0.8]))
    ax.set_anchor((_g(0.5), _g(0.5)))
    ax.xaxis.set_label_coords(_g(0.5), _g(-0.1))
    ax.xaxis.labelpad = _g(4.0)
    ax.spines["left"].set_position(("outward", _g(5.0)))
    ax.spines[:].set_alpha(_g(0.5))
    ax.secondary_xaxis(_g(1.2)).set_ticks(_g([0.0, 1.0]))
    ax.twinx().set_ylim(_g(0.0), _g(3.0))
    ax.set_facecolor(_g([1.0, 0.0, 0.0, 0.5]))
    for label in ax.get_xticklabels():
        label.set_rotation(_g(45.0))
    ax.set_zorder(_g(2.0))


@_battery
def _tickers(fig, ax):
    ax.plot(_X, _X)
    ax.xaxis.set_major_locator(plt.MultipleLocator(_g(0.25), offset=_g(0.0)))
    ax.yaxis.set_major_locator(plt.MaxNLocator(_i(4), steps=_i([1, 2, 5, 10])))
    ax.yaxis.set_minor_locator(plt.FixedLocator(_g([0.1, 0.2]), nbins=_i(2)))
    ax.xaxis.set_minor_locator(plt.IndexLocator(_g(0.2), _g(0.05)))
    ax.ticklabel_format(axis="x", scilimits=(_i(-3), _i(3)))
    log = fig.add_subplot(2, 2, 4)
    log.plot([1, 100], [1, 100])
    log.set_yscale("symlog", linthresh=_g(0.1))
    log.set_xscale("log", base=_g(10.0))
    log.xaxis.set_major_locator(plt.LogLocator(base=_g(10.0), subs=_g([1.0, 2.0])))
    log.xaxis.set_major_formatter(
        plt.LogFormatter(base=_g(10.0), minor_thresholds=(_i(1), _g(0.4)))
    )


@_battery
def _images_and_norms(fig, ax):
    ax.imshow(_g(np.eye(4)), extent=_g([0.0, 1.0, 0.0, 1.0]), vmin=_g(0.0), alpha=_g(0.5))
    ax.pcolormesh(_g(np.eye(4)), vmax=_g(1.0))
    fig.figimage(_g(np.eye(4)), xo=_g(5.0), yo=_g(5.0))
    image = ax.imshow(np.eye(3), norm=plt.Normalize(_g(0.0), _g(1.0)))
    image.norm.vmax = _g(2.0)
    image.set_extent(_g([0.0, 2.0, 0.0, 2.0]))
    ax.imshow(np.eye(3) + 0.5, norm="log", vmin=_g(0.5), vmax=_g(1.5))
    cmap = plt.get_cmap("viridis").with_extremes(under=_g([1.0, 0.0, 0.0]))
    ax.imshow(np.eye(3), cmap=cmap.resampled(_i(8)))
    ax.hexbin(_g(np.linspace(0, 1, 9)), _g(np.linspace(1, 0, 9)), gridsize=_i(3))


@_battery
def _collections(fig, ax):
    ax.scatter(_g([0.0, 1.0]), _g([0.0, 1.0]), s=_g([10.0, 20.0]), c=_g([0.0, 1.0]), vmin=_g(0.0))
    points = ax.scatter([0, 1], [0, 1])
    points.set_sizes(_g([30.0, 40.0]))
    points.set_offsets(_g([[0.3, 0.3], [0.7, 0.7]]))
    points.set_array(_g([0.0, 1.0]))
    ax.stackplot(_g([0.0, 1.0]), _g([[1.0, 2.0], [2.0, 1.0]]))
    ax.tricontourf(_g([0.0, 1.0, 0.0, 1.0]), _g([0.0, 0.0, 1.0, 1.0]), _g([0.0, 1.0, 2.0, 3.0]))
    x, y = np.meshgrid(np.linspace(0, 1, 5), np.linspace(0, 1, 5))
    ax.streamplot(_g(x), _g(y), _g(y), _g(-x), density=_g(0.5), start_points=_g([[0.5, 0.5]]))
    ax.hist(_g(np.linspace(0, 1, 20)), bins=_i(5), range=(_g(0.0), _g(1.0)), rwidth=_g(0.8))
    ax.boxplot(_g(np.eye(4)), widths=_g(0.3), positions=_g([1.0, 2.0, 3.0, 4.0]))
    ax.violinplot(_g(np.eye(4) + np.arange(4)), widths=_g(0.3), bw_method=_g(0.5))


@_battery
def _figures(fig, ax):
    fig.set_size_inches(_g([5.0, 4.0]))
    fig.set_dpi(_g(80.0))
    fig.tight_layout(pad=_g(1.5), rect=_g([0.0, 0.0, 1.0, 1.0]))
    fig.subplots_adjust(left=_g(0.2), wspace=_g(0.3))
    fig.add_artist(plt.Line2D(_g([0.0, 1.0]), _g([0.0, 1.0]), linewidth=_g(1.0)))
    grid = fig.add_gridspec(2, 2, left=_g(0.1), width_ratios=_g([1.0, 2.0]))
    grid.update(wspace=_g(0.2))
    fig.add_subplot(grid[1, 1]).plot([0, 1])
    fig.add_axes(_g([0.7, 0.7, 0.2, 0.2]))


@_battery
def _constrained(fig, ax):
    fig = plt.figure(figsize=_g([5.0, 4.0]), dpi=_g(72.0), layout="constrained")
    left, right = fig.subfigures(1, 2, wspace=_g(0.05), width_ratios=_g([1.0, 2.0]))
    left.subplots(1, 2, gridspec_kw={"width_ratios": _g([1.0, 2.0]), "wspace": _g(0.1)})
    grid = right.add_gridspec(2, 2, hspace=_g(0.1), height_ratios=_g([1.0, 2.0]))
    right.add_subplot(grid[0, 0]).plot([0, 1])
    # A float64 rect: Matplotlib 3.10's layout fails on a float32 one (as on
    # the NumPy array the rule makes of it).
    rect = torch.tensor([0.0, 0.0, 1.0, 1.0], dtype=torch.float64, requires_grad=True)
    fig.get_layout_engine().set(w_pad=_g(0.1), wspace=_g(0.05), rect=rect)
    return fig


@_battery
def _polar_and_3d(fig, ax):
    polar = fig.add_subplot(2, 2, 1, projection="polar")
    polar.plot(_g([0.0, 1.0]), _g([1.0, 2.0]))
    polar.set_rmax(_g(3.0))
    polar.set_theta_offset(_g(0.5))
    polar.set_rlabel_position(_g(30.0))
    polar.set_rgrids(_g([1.0, 2.0]), angle=_g(20.0))
    solid = fig.add_subplot(2, 2, 2, projection="3d")
    solid.plot(_g([0.0, 1.0]), _g([0.0, 1.0]), _g([0.0, 1.0]))
    solid.view_init(_g(30.0), _g(20.0), _g(5.0))
    solid.bar3d(_g([0.0]), _g([0.0]), _g([0.0]), _g(1.0), _g(1.0), _g(1.0))
    solid.set_box_aspect(_g([1.0, 1.0, 1.0]), zoom=_g(0.9))
    solid.quiver(*(_g([0.0]),) * 3, *(_g([1.0]),) * 3, length=_g(0.5))
    solid.azim = _g(10.0)


@_battery
def _tables_and_widgets(fig, ax):
    ax.table(cellText=[["a", "b"]], colWidths=_g([0.2, 0.3]), bbox=_g([0.0, 0.0, 0.5, 0.2]))
    table = ax.table(cellText=[["a"]], loc="top")
    table.auto_set_font_size(False)
    table.set_fontsize(_g(7.0))
    table.scale(_g(1.0), _g(1.5))
    slider = plt.Slider(fig.add_axes([0.1, 0.9, 0.3, 0.05]), "s", _g(0.0), _g(1.0), valinit=_g(0.5))
    slider.set_val(_g(0.3))
    fig._slider = slider  # widgets are held by the user, not the figure: walk it too


@pytest.mark.parametrize("name", list(_CALLS))
def test_calls_through_torchplot_keep_no_tensor(name):
    fig, ax = plt.subplots()
    fig = _CALLS[name](fig, ax) or fig
    fig.canvas.draw()
    assert tensors_reachable(fig) == []


# ----------------------------------------------------------------------------- assigned attributes


def _data_like(value: Any) -> bool:
    if isinstance(value, (bool, np.bool_)):
        return False
    if isinstance(value, (int, float, np.number, np.ndarray)):
        return True
    if isinstance(value, dict):
        value = list(value.values())
    return isinstance(value, (list, tuple)) and any(map(_data_like, value))


def _as_tensors(value: Any) -> Any:
    """``value`` with each number and array a tensor of it (a float one tracking gradients)."""
    if isinstance(value, (int, float, np.number, np.ndarray)) and not isinstance(value, bool):
        t = torch.tensor(np.asarray(value))
        return t.requires_grad_() if t.is_floating_point() else t
    if isinstance(value, dict):
        return {k: _as_tensors(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return type(value)(_as_tensors(v) for v in value)
    return value


def _ignore(*args: Any) -> None:
    """A widget's callback."""


def _many_objects() -> tuple[Any, list[Any]]:
    """A figure of most kinds of artist, and objects the figure does not reach (widgets)."""
    fig, axes = plt.subplots(2, 3, figsize=(9, 6))
    ax = axes[0, 0]
    ax.plot([0, 1], [0, 1], label="a", marker="o")
    ax.legend(title="t")
    q = ax.quiver([0, 1], [0, 1], [1, 1], [1, 0], minshaft=1.5, angles=np.array([10.0, 20.0]))
    ax.quiverkey(q, 0.5, 0.5, 1, "k", color=np.array([1.0, 0.0, 0.0]))
    ax.barbs([0, 1], [0, 1], [10, 20], [5, 30], sizes={"height": 0.5})
    ax = axes[0, 1]
    image = ax.imshow(np.eye(3), norm=PowerNorm(0.5), cmap=plt.colormaps["tab10"])
    fig.colorbar(image, ax=ax, values=[0.2, 0.5, 0.8], extendfrac=0.1, alpha=0.9)
    ax.imshow(np.eye(3), norm=BoundaryNorm([0, 0.5, 1], 256))
    ax.clabel(ax.contour(np.eye(4), extent=(0, 1, 0, 1), nchunk=2))
    ax = axes[0, 2]
    ax.annotate("a", (0, 0), xytext=(1, 1), arrowprops={"shrinkA": 2.0})
    ax.add_artist(offsetbox.AnnotationBbox(offsetbox.TextArea("b"), (0.5, 0.5), xybox=(0.3, 0.3)))
    drawing = offsetbox.DrawingArea(10, 10)
    packed = offsetbox.VPacker(children=[drawing, offsetbox.TextArea("c")], pad=1, sep=2)
    ax.add_artist(offsetbox.AnchoredOffsetbox(loc=1, child=packed))
    framed = offsetbox.PaddedBox(offsetbox.TextArea("d"), pad=2, draw_frame=True)
    ax.add_artist(offsetbox.AnchoredOffsetbox(loc=3, child=framed))
    ax.add_artist(AnchoredSizeBar(ax.transData, 0.3, "e", 4))
    ax = axes[1, 0]
    ax.add_patch(patches.RegularPolygon((0.5, 0.5), 5, radius=0.1))
    ax.add_patch(patches.Arc((0, 0), 1, 1, theta1=10))
    ax.add_patch(patches.Annulus((0, 0), 1, 0.5))
    ax.add_patch(patches.FancyArrowPatch((0, 0), (1, 1), arrowstyle="->"))
    ax.add_artist(patches.ConnectionPatch((0, 0), (1, 1), "data"))
    ax.add_patch(patches.Wedge((0.5, 0.5), 0.3, 10, 100, width=0.1))
    ax.arrow(0, 0, 0.5, 0.5, width=0.02)
    ax.bar([0, 1], [1, 2], alpha=0.5)
    ax.table(cellText=[["a"]], loc="bottom")
    ax.xaxis.set_major_locator(plt.FixedLocator([0, 0.5, 1], nbins=3))
    ax.xaxis.set_minor_locator(plt.adopt(ticker.AutoMinorLocator(2)))
    ax.yaxis.set_major_formatter(plt.adopt(ticker.PercentFormatter(xmax=2.0, decimals=1)))
    ax = axes[1, 1]
    ax.plot([1, 100], [1, 100])
    ax.set_xscale("log")
    ax.xaxis.set_major_locator(plt.LogLocator(numticks=5))
    ax.xaxis.set_major_formatter(plt.LogFormatter(minor_thresholds=(1, 0.4)))
    ax.set_yscale("asinh")
    ax.yaxis.set_major_locator(plt.adopt(ticker.AsinhLocator(1.0, numticks=5, subs=(1, 5))))
    ax.yaxis.set_minor_locator(plt.adopt(ticker.IndexLocator(10, 0.5)))
    fig.add_subplot(2, 3, 6, projection="polar").plot([0, 1], [1, 2])
    fig.figimage(np.eye(3), xo=10, yo=10)
    fig.add_subplot(fig.add_gridspec(4, 4, left=0.8, wspace=0.1)[3, 3])
    solid = plt.figure().add_subplot(projection="3d")
    solid.plot([0, 1], [0, 1], [0, 1])
    panel = plt.figure()
    tool_axes = [panel.add_axes([0.1, 0.1 + 0.15 * i, 0.8, 0.1]) for i in range(6)]
    others = [
        solid.figure,
        panel,
        plt.Slider(tool_axes[0], "s", 0, 1, valstep=0.1),
        plt.adopt(widgets.RangeSlider(tool_axes[1], "r", 0, 1)),
        plt.adopt(widgets.RectangleSelector(tool_axes[2], _ignore, minspanx=0.1)),
        plt.adopt(widgets.SpanSelector(tool_axes[3], _ignore, "horizontal", snap_values=[0, 1])),
        plt.adopt(widgets.PolygonSelector(tool_axes[4], _ignore)),
        plt.adopt(widgets.Lasso(tool_axes[5], (0.5, 0.5), _ignore)),
        plt.adopt(widgets.RadioButtons(panel.add_axes([0.0, 0.0, 0.1, 0.1]), ["a"])),
        plt.adopt(widgets.TextBox(panel.add_axes([0.9, 0.0, 0.1, 0.1]), "t")),
    ]
    return fig, others


def _twins_reachable(roots: list[Any]) -> list[Any]:
    found: dict[int, Any] = {}
    stack = list(roots)
    while stack:
        obj = stack.pop()
        if id(obj) in found or isinstance(obj, (*_ATOMS, np.ndarray)) or inspect.ismodule(obj):
            continue
        found[id(obj)] = obj
        if isinstance(obj, dict):
            stack += obj.values()
        elif isinstance(obj, (list, tuple, set)):
            stack += obj
        elif isinstance(getattr(obj, "__dict__", None), dict):
            stack += vars(obj).values()
    return [obj for obj in found.values() if _twins.is_twin(type(obj))]


def _listed(table: dict[type, Any], base: type, name: str) -> bool:
    return any(issubclass(base, holder) and name in names for holder, names in table.items())


def _public_data_attributes(roots: list[Any]) -> list[tuple[Any, type, str]]:
    """``(object, its Matplotlib class, name)`` of each public data attribute the roots reach."""
    return [
        (obj, type(obj).__tensor_base__, name)
        for obj in _twins_reachable(roots)
        for name, value in vars(obj).items()
        if not name.startswith("_") and _data_like(value)
    ]


def test_every_public_data_attribute_is_classified():
    # A public attribute holding a number or an array (a new one in a new
    # Matplotlib release) must be decided: converted when assigned
    # (DATA_ATTRIBUTES, SPACING_ATTRIBUTES) or left alone with a reason.
    fig, others = _many_objects()
    fig.canvas.draw()
    for other in others[:2]:
        other.canvas.draw()
    found, unclassified = set(), set()
    for _, base, name in _public_data_attributes([fig, *others]):
        found.add((base, name))
        listed = (
            _listed(_attributes.DATA_ATTRIBUTES, base, name)
            or _listed(_attributes.SPACING_ATTRIBUTES, base, name),
            _listed(_attributes.NOT_DATA_ATTRIBUTES, base, name),
        )
        assert listed != (True, True), f"{base.__qualname__}.{name} is listed twice"
        if listed == (False, False):
            unclassified.add(f"{base.__qualname__}.{name}")
    assert not unclassified
    assert len(found) > 100  # the objects above hold that many: the walk reached them


def test_assigned_data_attributes_keep_no_tensor_and_draw_the_same():
    # Each public data attribute given the tensor of its own value: the figure
    # keeps no tensor, and draws what it drew.
    fig, others = _many_objects()
    fig.canvas.draw()
    before = np.asarray(fig.canvas.buffer_rgba()).copy()
    assigned = 0
    for obj, base, name in _public_data_attributes([fig, *others]):
        if not _listed(_attributes.NOT_DATA_ATTRIBUTES, base, name):
            setattr(obj, name, _as_tensors(getattr(obj, name)))
            assigned += 1
    fig.canvas.draw()
    for other in others[:2]:
        other.canvas.draw()
    assert tensors_reachable([fig, *others]) == []
    assert np.array_equal(np.asarray(fig.canvas.buffer_rgba()), before)
    assert assigned > 100


def test_an_assigned_value_without_tensors_is_kept_as_it_is():
    # Promise 2: Matplotlib (and a user) may assign a list and change it in
    # place later; a converting attribute hands such a value through untouched.
    fig, others = _many_objects()
    values = ([1.0, 2.0], (1, 2), None, np.array([1.0, 2.0]), {"k": 1.0}, np.float32(0.5), 3)
    checked = 0
    for obj, base, name in _public_data_attributes([fig, *others]):
        if _listed(_attributes.DATA_ATTRIBUTES, base, name):
            for value in values:
                setattr(obj, name, value)
                assert getattr(obj, name) is value, f"{base.__qualname__}.{name}"
            checked += 1
    assert checked > 50
