"""Layout spacings (``wspace=``, ``hspace=``) given as 0-d tensors.

Under constrained or compressed layout Matplotlib refuses a NumPy ``float32``
or ``float16`` spacing when the figure is drawn (kiwisolver takes Python
floats only; under NumPy 1.x the arithmetic before it makes them ``float64``,
a Python float, so it draws); torchplot draws a 0-d tensor's value as Matplotlib draws that
value as a Python float, and keeps its NumPy scalar wherever Matplotlib takes
it (grid positions without a layout engine).  See ``torchplot/_spacing.py``.
"""

from __future__ import annotations

import pickle
from collections.abc import Callable
from typing import Any

import matplotlib.pyplot as mpl
import numpy as np
import pytest
import torch
from matplotlib.backends.backend_agg import FigureCanvasAgg

import torchplot

SIZE: dict[str, Any] = {"figsize": (4, 3), "dpi": 40}

#: NumPy 2 (NEP 50) keeps a ``float32`` scalar's arithmetic with Python floats
#: in ``float32``; NumPy 1.x computes it in ``float64``.
NEP_50 = np.lib.NumpyVersion(np.__version__) >= "2.0.0"


@pytest.fixture(autouse=True)
def _no_ticks() -> Any:
    # Ticks and their labels are most of a constrained draw; the spacings are
    # what these figures are about.
    with mpl.rc_context(
        {
            "xtick.labelbottom": False,
            "ytick.labelleft": False,
            "xtick.bottom": False,
            "ytick.left": False,
        }
    ):
        yield


Builder = Callable[[Any, str, Any], Any]


def _filled(fig: Any, grid: Any) -> Any:
    for spec in grid:
        fig.add_subplot(spec)
    return fig


def _subfigures_wspace(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    for sub in fig.subfigures(1, 2, wspace=s):
        sub.subplots(1, 2)
    return fig


def _subfigures_hspace(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    for sub in fig.subfigures(2, 1, hspace=s):
        sub.subplots(2, 1)
    return fig


def _subfigures_positional(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    for sub in fig.subfigures(1, 2, True, s, s):
        sub.subplots(2, 1)
    return fig


def _pyplot_subplots(P: Any, layout: str, s: Any) -> Any:
    return P.subplots(2, 2, layout=layout, gridspec_kw={"wspace": s, "hspace": s}, **SIZE)[0]


def _figure_subplots(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    fig.subplots(2, 2, gridspec_kw={"hspace": s})
    return fig


def _gridspec(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    return _filled(fig, P.GridSpec(2, 2, figure=fig, wspace=s))


def _gridspec_positional(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    return _filled(fig, P.GridSpec(2, 2, fig, None, None, None, None, s, s))


def _add_gridspec(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    return _filled(fig, fig.add_gridspec(2, 2, hspace=s))


def _gridspec_update(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    grid = fig.add_gridspec(2, 2)
    _filled(fig, grid)
    grid.update(wspace=s, hspace=s)
    return fig


def _subgridspec(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    outer = fig.add_gridspec(1, 2)
    fig.add_subplot(outer[1])
    return _filled(fig, outer[0].subgridspec(2, 2, wspace=s, hspace=s))


def _pyplot_subplot_mosaic(P: Any, layout: str, s: Any) -> Any:
    return P.subplot_mosaic("AB;CD", layout=layout, gridspec_kw={"wspace": s}, **SIZE)[0]


def _figure_subplot_mosaic(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    fig.subplot_mosaic("AB;CD", gridspec_kw={"hspace": s})
    return fig


def _set_layout_engine(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(**SIZE)
    fig.set_layout_engine(layout, wspace=s, hspace=s)
    fig.subplots(2, 2)
    return fig


def _layout_engine_set(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(layout=layout, **SIZE)
    fig.get_layout_engine().set(hspace=s)
    fig.subplots(2, 2)
    return fig


def _layout_set_after_the_grid(P: Any, layout: str, s: Any) -> Any:
    fig = P.figure(**SIZE)
    fig.subplots(2, 2, gridspec_kw={"wspace": s})
    fig.set_layout_engine(layout)
    return fig


# ``constrained_layout=`` has no "compressed" form.
def _pyplot_figure_constrained_layout(P: Any, s: Any) -> Any:
    fig = P.figure(constrained_layout={"wspace": s}, **SIZE)
    fig.subplots(2, 2)
    return fig


def _pyplot_subplots_constrained_layout(P: Any, s: Any) -> Any:
    return P.subplots(2, 2, constrained_layout={"hspace": s}, **SIZE)[0]


def _figure_class_constrained_layout(P: Any, s: Any) -> Any:
    fig = P.Figure(constrained_layout={"wspace": s, "hspace": s}, **SIZE)
    FigureCanvasAgg(fig)
    fig.subplots(2, 2)
    return fig


ENTRIES: list[Builder] = [
    _subfigures_wspace,
    _subfigures_hspace,
    _subfigures_positional,
    _pyplot_subplots,
    _figure_subplots,
    _gridspec,
    _gridspec_positional,
    _add_gridspec,
    _gridspec_update,
    _subgridspec,
    _pyplot_subplot_mosaic,
    _figure_subplot_mosaic,
    _set_layout_engine,
    _layout_engine_set,
    _layout_set_after_the_grid,
]
CONSTRAINED_LAYOUT_ENTRIES: list[Callable[[Any, Any], Any]] = [
    _pyplot_figure_constrained_layout,
    _pyplot_subplots_constrained_layout,
    _figure_class_constrained_layout,
]

SPACINGS: dict[str, Callable[[], torch.Tensor]] = {
    "float32": lambda: torch.tensor(0.3),
    "float16": lambda: torch.tensor(0.3, dtype=torch.float16),
    "bfloat16": lambda: torch.tensor(0.3, dtype=torch.bfloat16),
    "requires_grad": lambda: torch.tensor(0.3, requires_grad=True),
}


def _pixels(fig: Any) -> np.ndarray:
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def _assert_same_pixels(test: Any, ref: Any) -> None:
    a, b = _pixels(test), _pixels(ref)
    assert a.shape == b.shape
    assert np.array_equal(a, b), f"{np.count_nonzero((a != b).any(axis=-1))} pixels differ"


def _name(builder: Callable[..., Any]) -> str:
    return builder.__name__.lstrip("_")


@pytest.mark.parametrize("dtype", SPACINGS)
@pytest.mark.parametrize("layout", ["constrained", "compressed"])
@pytest.mark.parametrize("build", ENTRIES, ids=_name)
def test_a_tensor_spacing_draws_as_matplotlib_draws_its_python_float(
    build: Builder, layout: str, dtype: str
) -> None:
    spacing = SPACINGS[dtype]()
    _assert_same_pixels(build(torchplot, layout, spacing), build(mpl, layout, spacing.item()))


@pytest.mark.parametrize("dtype", SPACINGS)
@pytest.mark.parametrize("build", CONSTRAINED_LAYOUT_ENTRIES, ids=_name)
def test_a_tensor_spacing_in_constrained_layout_draws_as_its_python_float(
    build: Callable[[Any, Any], Any], dtype: str
) -> None:
    spacing = SPACINGS[dtype]()
    _assert_same_pixels(build(torchplot, spacing), build(mpl, spacing.item()))


def _drawn(fig: Any) -> Any:
    """The figure's pixels, or the type and text of what drawing it raised."""
    try:
        return _pixels(fig).tobytes()
    except Exception as exc:
        return type(exc), str(exc)


def _constrained(build: Builder) -> Callable[[Any, Any], Any]:
    def constrained(P: Any, s: Any) -> Any:
        return build(P, "constrained", s)

    constrained.__name__ = build.__name__
    return constrained


@pytest.mark.parametrize(
    "build", [*map(_constrained, ENTRIES), *CONSTRAINED_LAYOUT_ENTRIES], ids=_name
)
def test_a_numpy_float32_spacing_fails_as_under_matplotlib(
    build: Callable[[Any, Any], Any],
) -> None:
    # No tensor: the call is Matplotlib's, which refuses it when drawing
    # (under NumPy 1.x it draws, and so must torchplot).
    theirs = _drawn(build(mpl, np.float32(0.3)))
    assert _drawn(build(torchplot, np.float32(0.3))) == theirs
    assert isinstance(theirs, tuple) is NEP_50


def test_without_a_layout_engine_a_tensor_spacing_is_the_numpy_scalar_of_the_rule() -> None:
    # Matplotlib computes these grid positions in float32: an edge of this
    # figure lands on another pixel with a Python float of the same value.
    def build(P: Any, s: Any) -> Any:
        return P.subplots(2, 3, gridspec_kw={"wspace": s, "hspace": s}, figsize=(6.4, 4.8))[0]

    value = np.float32(0.1)
    if NEP_50:  # NumPy 1.x computes them in float64, as from the Python float
        assert not np.array_equal(_pixels(build(mpl, value)), _pixels(build(mpl, float(value))))
    _assert_same_pixels(build(torchplot, torch.tensor(0.1)), build(mpl, value))


def test_subfigures_without_a_layout_engine_keep_the_numpy_scalar() -> None:
    def build(P: Any, s: Any) -> Any:
        fig = P.figure(figsize=(6.4, 4.8))
        for sub in fig.subfigures(2, 3, wspace=s, hspace=s).flat:
            sub.subplots()
        return fig

    _assert_same_pixels(build(torchplot, torch.tensor(0.1)), build(mpl, np.float32(0.1)))


def test_the_grid_holds_the_numpy_scalar_after_a_constrained_draw() -> None:
    fig, axs = torchplot.subplots(
        2, 2, layout="constrained", gridspec_kw={"wspace": torch.tensor(0.1)}
    )
    fig.canvas.draw()
    wspace = axs[0, 0].get_subplotspec().get_gridspec().wspace
    assert isinstance(wspace, np.float32)
    assert wspace == np.float32(0.1)
    assert repr(wspace) == repr(np.float32(0.1))


def test_a_pickled_figure_keeps_its_tensor_spacing() -> None:
    fig = _subfigures_wspace(torchplot, "constrained", torch.tensor(0.3))
    copy = pickle.loads(pickle.dumps(fig))
    FigureCanvasAgg(copy)
    _assert_same_pixels(copy, fig)


def _subplots_grid(P: Any, ws: Any, hs: Any) -> Any:
    fig, axs = P.subplots(2, 2, layout="constrained", gridspec_kw={"wspace": ws, "hspace": hs})
    for ax in axs.flat:
        ax.plot([0, 1, 2])
    return fig


def _engine_set_after_the_axes(P: Any, ws: Any, hs: Any) -> Any:
    fig = P.figure()
    for ax in fig.subplots(2, 2, gridspec_kw={"wspace": ws, "hspace": hs}).flat:
        ax.plot([0, 1, 2])
    fig.set_layout_engine("constrained")
    return fig


def _compressed_subgridspec(P: Any, ws: Any, hs: Any) -> Any:
    fig = P.figure(layout="compressed")
    outer = fig.add_gridspec(1, 2)
    for spec in outer[0].subgridspec(2, 2, wspace=ws, hspace=hs):
        fig.add_subplot(spec).plot([0, 1])
    fig.add_subplot(outer[1])
    return fig


@pytest.mark.parametrize(
    "build, dtype, ws, hs",
    [
        (_subplots_grid, torch.float32, 0.47, 0.235),
        (_subplots_grid, torch.bfloat16, 0.05, 0.6),
        (_engine_set_after_the_axes, torch.float32, 0.47, 0.235),
        (_compressed_subgridspec, torch.float16, 0.47, 0.235),
    ],
    ids=["subplots-float32", "subplots-bfloat16", "engine-set-later", "subgridspec-float16"],
)
def test_the_layout_starts_where_the_python_floats_place_the_axes(
    build: Callable[[Any, Any, Any], Any], dtype: torch.dtype, ws: float, hs: float
) -> None:
    # Matplotlib placed each Axes when it was made, from the grid's NumPy
    # scalars: 1e-8 off the floats' place, which the layout carried into a
    # frame edge a pixel off (151 to 853 pixels in these figures).  Every
    # draw lays the figure out again from where the last one left it.  With
    # tick labels: their extents are what the layout measures at those places.
    ticks = ("xtick.labelbottom", "ytick.labelleft", "xtick.bottom", "ytick.left")
    with mpl.rc_context({key: mpl.rcParamsDefault[key] for key in ticks}):
        spacings = torch.tensor(ws, dtype=dtype), torch.tensor(hs, dtype=dtype)
        ours = build(torchplot, *spacings)
        theirs = build(mpl, *(s.item() for s in spacings))
        for _ in range(3):
            _assert_same_pixels(ours, theirs)
