"""``plot(y, reduce=True)``: a long line reduced on its device to the points that draw it.

Opt-in only (the ``reduce=`` keyword, or ``torchplot.rc_params["plot.reduce"]``):
without it ``plot`` draws every point, as Matplotlib does.  With it, a 1-D
tensor ``y`` (and a monotonic ``x``) of more than
``rc_params["plot.reduce_threshold"]`` points per column is reduced by M4
(:mod:`torchplot._m4`) over ``ceil(axes width in pixels *
rc_params["plot.reduce_oversample"])`` columns, on the tensor's device, and only
the kept points are transferred.  The Line2D is Matplotlib's, its data the
kept points; the data limits (hence autoscaling, and ``Axes.relim``) are those
of the full line, because each column's extremes and the end points are kept,
and a re-reduction for a narrower view keeps the full line's first, last,
lowest and highest points outside the view, each alone between NaNs (a point
with no neighbour draws no line: the drawing is the view's).

When the x limits change (zoom, pan, ``set_xlim``, the first autoscale), the
reduction is re-done for the visible range, so zooming in shows every point
once few enough are visible; limits fixed before plotting are the first view.
For that the line keeps a *detached clone* of ``y`` (and ``x``; a float8 ``x``
in float32, which holds its values and has the comparisons float8 lacks) on
the tensor's device, never the caller's tensor (promise 3: in-place changes to
the tensor after plotting do not reach the figure).  The clone costs one copy
of the series in the device's memory per reduced line; it is freed with the
line (``line.remove()`` and dropping it, or closing the figure).  The
recompute stops (the line keeps its current data) once the line's data is set
by anything else (``set_data``, ``set_xdata``, ``set_ydata``), and the clone
is freed then, as soon as the line lets go of the data it replaced.  The line
then holds what Matplotlib's would: given a full-length ``y`` alone
(``line.set_ydata(new_y)``, the animation idiom), it gets the full ``x`` back
(and ``set_xdata`` the full ``y``); given data of the reduced length (from
``line.get_ydata()``), it keeps the reduced other coordinate.  A pickled
figure keeps the reduced data, not the clone: the unpickled (or deep-copied)
line no longer follows zooms, nor the first autoscale of a figure pickled
before its first draw (draw it first, ``fig.canvas.draw()``, to pickle the
picture shown), and a full-length ``y`` alone no longer fits it: set both
coordinates.  A ``copy.copy`` of the line does not follow zooms either (the
original goes on following them), and takes a full-length ``y`` alone as the
line does.

Exact path instead (``call_next``, every point drawn), never a silently
different drawing: ``y`` not one real 1-D tensor, several lines in one call,
``data=``, a line with markers (M4 keeps a polyline's pixels, not every
marker), a tensor whose values cannot be read here (meta, FakeTensor or other
subclass, inside a ``torch.func`` transform: the conversion rule raises its
error), a non-finite value (NaN, inf) in ``x`` or ``y`` (Matplotlib breaks the
line there), ``x`` not monotonic non-decreasing, a boolean or quantized ``x``,
a logarithmic (any non-linear) x or y scale, an Axes that is not rectilinear
(polar: angles outside the x limits wrap into view; 3-D: ``zs`` would keep
every point), and lines too short to gain.  When the x scale becomes
non-linear after plotting, the full line is restored.

``reduce=`` (any value, ``False`` and ``None`` included) in a call holding no
torch tensor (NumPy arrays, lists of numbers, JAX or CuPy arrays) raises the
``TypeError`` that ``imshow``'s ``nrow=`` raises there: Matplotlib raises for
a keyword it does not know, and the keyword would otherwise be dropped
unseen.  A tensor anywhere in the call (a list of tensors, ``data=`` naming
one) takes the exact path above instead; the setting alone never raises.
"""

from __future__ import annotations

import math
import sys
import weakref
from collections.abc import Callable
from typing import Any

import numpy as np
from matplotlib.lines import Line2D
from matplotlib.markers import MarkerStyle

from torchplot._compat import UNORDERED_UNSIGNED, take
from torchplot._convert import readable_here, to_numpy
from torchplot._layers._tensor_keywords import holds_tensor, tensor_keywords_error
from torchplot._m4 import m4_indices, visible_slice
from torchplot._native import layer, resolve_data_arg
from torchplot._rc import rc_params, reduce_method

__all__ = ["LineReduction"]


def _columns(ax: Any) -> int:
    width = ax.bbox.width  # display pixels at the figure's dpi
    return max(1, math.ceil(width * rc_params["plot.reduce_oversample"]))


def _linear(ax: Any) -> bool:
    return ax.get_xscale() == "linear" and ax.get_yscale() == "linear"


def _unsimplified(line: Any) -> None:
    """Draw the kept points as they are, without Matplotlib's path simplification.

    The reduction already bounds the points to a few per pixel column, and
    simplifying them again moves the drawing further from Matplotlib's full,
    unsimplified rendering (measured in ``docs/big_tensors.rst``).  The path is
    built now (``recache``) so that the flag holds until the data changes.
    """
    line.recache(always=True)
    path = getattr(line, "_path", None)
    if path is not None and hasattr(line, "_subslice"):
        path.should_simplify = False
        # Matplotlib would rebuild (and simplify) the visible part of a long
        # sorted line at draw time; the kept points are the visible part already.
        line._subslice = False


class LineReduction:
    """Keeps a reduced line's data in step with the visible x range.

    Held by the line (``line._torchplot_reduction``); the Axes' callback holds
    it weakly, so it lives exactly as long as the line.
    """

    def __init__(self, x: Any | None, y: Any) -> None:
        self._line: Any = None  # a weak reference once attached
        self.x = x  # detached clone on y's device, or None for x = 0, 1, ..., n-1
        self.y = y  # detached clone on its device
        # Weak references to the line's x and y arrays as this reduction last set
        # them: when the line lets go of one, its data was set by someone else.
        self._set_x: Any = None
        self._set_y: Any = None
        # The full line's first, last, lowest and highest points (host x, y), kept
        # in every narrower view so that ``Axes.relim`` sees the full line.
        self._extremes: tuple[np.ndarray, np.ndarray] | None = None
        self._cid: int | None = None
        self._view: tuple[float, float, int] | None = None  # (x0, x1, columns) reduced for

    def __getstate__(self) -> dict[str, Any]:
        # A pickled figure keeps the line's current (reduced) data but not the
        # device clone: it would pin device memory in the pickle and fail to
        # load where that device is absent.  Unpickled, the line is static.
        return {}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self._line = self.x = self.y = self._set_x = self._set_y = self._cid = self._view = None
        self._extremes = None

    def release(self) -> None:
        """Free the device clone: the line's data is no longer this reduction's to set."""
        self.x = self.y = self._extremes = self._set_x = self._set_y = None

    @property
    def n(self) -> int:
        return int(self.y.shape[0])

    def _same_view(self, x0: float, x1: float, columns: int) -> bool:
        # Equal to far below a pixel (1e-9 of the width): the kept points are the same drawing.
        if self._view is None or self._view[2] != columns:
            return False
        tol = 1e-9 * abs(x1 - x0)
        return abs(self._view[0] - x0) <= tol and abs(self._view[1] - x1) <= tol

    def first_view(self, ax: Any) -> tuple[float, float]:
        """The view the line will first be drawn in, as far as it can be told now.

        On an empty autoscaling Axes that is the data range widened by the
        Axes' x margin, which saves reducing twice; anywhere else the data
        range, re-reduced when the limits are set (or, with x autoscaling off,
        by :meth:`attach`).
        """
        x0, x1 = self.data_range()
        if ax.get_autoscalex_on() and not ax.has_data() and ax.get_xscale() == "linear":
            margin = ax.margins()[0] * (x1 - x0)
            x0, x1 = x0 - margin, x1 + margin
        return x0, x1

    def data_range(self) -> tuple[float, float]:
        """First and last x (x is monotonic): the view of the first reduction."""
        if self.x is not None:
            return float(self.x[0]), float(self.x[-1])
        return 0.0, float(self.n - 1)

    def reduced(self, ax: Any, x0: float, x1: float) -> tuple[np.ndarray, np.ndarray]:
        """Kept ``(x, y)`` host arrays for the view ``[x0, x1]`` (all visible points if few)."""
        torch = sys.modules["torch"]
        columns = _columns(ax)
        self._view = (x0, x1, columns)
        start, stop = visible_slice(self.x, self.n, x0, x1)
        if stop - start <= rc_params["plot.reduce_threshold"] * columns:
            keep = torch.arange(start, stop, device=self.y.device)
        else:
            keep = m4_indices(self.x, self.y, start, stop, x0, x1, columns)
        x, y = self._gather(keep)
        if start == 0 and stop == self.n and self._extremes is None and len(y):
            # Every point was in a column, so the full line's first, last, lowest
            # and highest points are among the kept ones (as values: a tie may
            # keep another point of the same value, which bounds the same).
            at = np.unique([0, len(y) - 1, int(np.argmin(y)), int(np.argmax(y))])
            self._extremes = (x[at], y[at])
        return x, y

    def with_extremes(
        self, x: np.ndarray, y: np.ndarray, x0: float, x1: float
    ) -> tuple[np.ndarray, np.ndarray]:
        """``(x, y)`` kept for the view ``[x0, x1]`` plus the full line's extremes outside it.

        ``Axes.relim`` reads the line's data: with only the view's points it would
        shrink the data limits to the view (and ``autoscale`` could never zoom
        out again).  The first, last, lowest and highest points of the full line
        that lie outside the view are added, in the line's order, each alone
        between NaNs: Matplotlib breaks a line at NaN and a point with no
        neighbour draws no line, so the pixels are those of the view's points.
        Extremes inside the view are kept by the reduction already.
        """
        if self._extremes is None or not len(x):
            return x, y
        ex, ey = self._extremes
        left, right = ex < x0, ex > x1
        # The neighbours that take the line into and out of the view are drawn already.
        left &= (ex != x[0]) | (ey != y[0])
        right &= (ex != x[-1]) | (ey != y[-1])
        if not (left.any() or right.any()):
            return x, y

        def alone(v: np.ndarray, nan_first: bool) -> np.ndarray:
            gaps = np.full(len(v), np.nan, dtype=v.dtype)
            return np.column_stack((gaps, v) if nan_first else (v, gaps)).ravel()

        def joined(kept: np.ndarray, extremes: np.ndarray) -> np.ndarray:
            # Integers cannot hold NaN; Matplotlib draws them as float64 anyway.
            floats = extremes.astype(kept.dtype if kept.dtype.kind == "f" else np.float64)
            parts = (alone(floats[left], False), kept, alone(floats[right], True))
            return np.concatenate(parts).astype(floats.dtype, copy=False)

        return joined(x, ex), joined(y, ey)

    def full(self) -> tuple[np.ndarray, np.ndarray]:
        return self.full_x(), self.full_y()

    def full_x(self) -> np.ndarray:
        if self.x is None:
            return np.arange(self.n, dtype=float)  # Matplotlib's implicit x
        return to_numpy(self.x, name="x")

    def full_y(self) -> np.ndarray:
        return to_numpy(self.y, name="y")

    def _gather(self, keep: Any) -> tuple[np.ndarray, np.ndarray]:
        y = to_numpy(take(self.y, keep), name="y")
        if self.x is not None:
            x = to_numpy(take(self.x, keep), name="x")
        else:
            x = to_numpy(keep).astype(float)  # Matplotlib's implicit x: np.arange(n, dtype=float)
        return x, y

    def attach(self, line: Any, ax: Any) -> None:
        """Follow ``ax``'s x limits for ``line``, from its current limits on.

        With x autoscaling off (``set_xlim`` or ``autoscale(False)`` before
        plotting) no ``xlim_changed`` will come to narrow the first reduction
        to the view, so it is re-done for the current limits now.  The first
        one still spans the data range: the Axes took the line's data limits
        from it, and they must be the full line's (y autoscaling).
        """
        self._line = weakref.ref(line)
        line._torchplot_reduction = self
        _unsimplified(line)
        self._remember(line)
        self._cid = ax.callbacks.connect("xlim_changed", self.on_xlim_changed)
        if not ax.get_autoscalex_on():
            self.on_xlim_changed(ax)

    def on_xlim_changed(self, ax: Any) -> None:
        """Re-reduce for the new visible range (the Axes' ``xlim_changed`` callback)."""
        line = self._line() if self._line is not None else None
        if line is None or line.axes is not ax or not self.owns(line):
            # Gone, moved or re-set by someone else: stop following the limits.
            ax.callbacks.disconnect(self._cid)
            self.release()
            return
        if not _linear(ax):
            xy, self._view = self.full(), None
        else:
            lo, hi = sorted(map(float, ax.get_xlim()))
            if self._same_view(lo, hi, _columns(ax)):
                return  # xlim_changed fires for unchanged limits too
            xy = self.with_extremes(*self.reduced(ax, lo, hi), lo, hi)
        self._set_x = self._set_y = None  # replacing them is not losing the line
        line.set_data(*xy)
        _unsimplified(line)
        self._remember(line)

    def _remember(self, line: Any) -> None:
        # Matplotlib keeps its own copy of each array it is given (a NumPy
        # array: ``_gather`` makes them), so when the line drops one, its data
        # was set by someone else: the clone is freed then, not at the next zoom.
        me = weakref.ref(self)

        def lost(_: Any) -> None:
            reduction = me()
            if reduction is not None:
                reduction.release()

        self._set_x = weakref.ref(line.get_xdata(orig=True), lost)
        self._set_y = weakref.ref(line.get_ydata(orig=True), lost)

    def owns(self, line: Any) -> bool:
        """Whether ``line`` is this reduction's line and its data still the data it set.

        A ``copy.copy`` of the line shares the reduction and the arrays: the
        copy's calls must not release (or re-reduce) the original's.
        """
        return self._line is not None and self._line() is line and self.holds_data_of(line)

    def holds_data_of(self, line: Any) -> bool:
        """Whether ``line``'s data is the data this reduction set (the line's or a copy's)."""
        if self.y is None or self._set_x is None or self._set_y is None:
            return False
        return (
            line.get_xdata(orig=True) is self._set_x()
            and line.get_ydata(orig=True) is self._set_y()
        )


def _finite(torch: Any, t: Any) -> bool:
    # One reduction: NaN propagates through min/max, and +-inf shows as an extreme.
    if not t.is_floating_point():
        return True
    if t.element_size() == 1:
        # float8 has no aminmax; float32 holds each of its values (and NaN, inf) exactly.
        t = t.to(torch.float32)
    lo, hi = torch.aminmax(t)
    return math.isfinite(float(lo)) and math.isfinite(float(hi))


def _has_markers(line: Any) -> bool:
    """Whether ``line`` draws a marker at each point, as ``Line2D.draw`` decides.

    Known only once the line exists: the marker may come from the format
    string, ``marker=``, the property cycle or ``rcParams["lines.marker"]``.
    """
    return bool(MarkerStyle(line.get_marker())) and line.get_markersize() > 0


def _split_args(args: tuple[Any, ...]) -> tuple[Any, Any, tuple[Any, ...]] | None:
    """``(x, y, fmt)`` for ``plot(y)``, ``plot(y, fmt)``, ``plot(x, y)``, ``plot(x, y, fmt)``."""
    if not args:
        return None
    fmt: tuple[Any, ...] = ()
    if isinstance(args[-1], str):
        args, fmt = args[:-1], args[-1:]
    if len(args) == 1:
        return None, args[0], fmt
    if len(args) == 2:
        return args[0], args[1], fmt
    return None


def _plan(
    ax: Any, torch: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> LineReduction | None:
    """A reduction for this call, or ``None`` for Matplotlib's exact path."""
    if "data" in kwargs or ax.name != "rectilinear" or not _linear(ax):
        return None
    split = _split_args(args)
    if split is None:
        return None
    x, y, _ = split
    if not isinstance(y, torch.Tensor) or not readable_here(y):
        return None  # no values to read here: the conversion rule converts it or raises
    if y.ndim != 1 or y.is_complex() or y.dtype == torch.bool:
        return None
    if y.layout != torch.strided or y.is_quantized or y.is_nested:
        return None
    n = y.shape[0]
    if n <= rc_params["plot.reduce_threshold"] * _columns(ax):
        return None
    y = _checked_copy(torch, y.detach(), _finite)
    if y is None:
        return None  # Matplotlib breaks the line at NaN/inf: drawn exactly
    x_dev = None
    if x is not None:
        if isinstance(x, torch.Tensor):
            if not readable_here(x):
                return None
            if x.ndim != 1 or x.shape[0] != n or x.is_complex() or x.layout != torch.strided:
                return None
            if x.dtype == torch.bool or x.is_quantized:
                return None  # no order to search (bool) or values to compare (quantized) here
            if x.device != y.device or str(x.dtype).removeprefix("torch.") in UNORDERED_UNSIGNED:
                return None
            x_dev = _checked_x(torch, x.detach())
            if x_dev is None:
                return None
        else:
            if isinstance(x, np.ma.MaskedArray):
                return None
            arr = np.asarray(x)
            if arr.ndim != 1 or arr.shape[0] != n or arr.dtype.kind not in "iuf":
                return None
            if arr.dtype.name in UNORDERED_UNSIGNED:
                return None  # torch has no comparisons for these
            if not (np.isfinite(arr).all() and (arr[1:] >= arr[:-1]).all()):
                return None
            # Moved once, so that every re-reduction runs on the device.
            # A copy made on y's device, whatever the default device.
            x_dev = torch.tensor(arr, device=y.device)
            if not _increasing(torch, x_dev):
                return None
    return LineReduction(x_dev, y)


def _checked_copy(torch: Any, t: Any, check: Callable[[Any, Any], bool]) -> Any:
    """A copy of ``t`` that passes ``check``, or ``None``.

    Checked on ``t`` first, so that refusing copies nothing, then on the copy
    kept: what is drawn is what was checked, whatever another thread writes
    into the caller's tensor meanwhile.
    """
    if not check(torch, t):
        return None
    kept = t.clone()
    return kept if check(torch, kept) else None


def _checked_x(torch: Any, x: Any) -> Any:
    """The copy of a tensor ``x`` to keep, if finite and non-decreasing, else ``None``.

    A float8 ``x`` is kept in float32, which holds each of its values
    exactly (the conversion rule draws it in float32 too): PyTorch has no
    comparisons nor ``searchsorted`` for float8.  The widened copy is private
    already, so what is checked is what is kept.
    """
    if x.is_floating_point() and x.element_size() == 1:
        wide = x.to(torch.float32)
        return wide if _increasing(torch, wide) else None
    return _checked_copy(torch, x, _increasing)


def _increasing(torch: Any, x: Any) -> bool:
    """Whether ``x`` is finite and non-decreasing: its columns are contiguous runs."""
    return _finite(torch, x) and bool((x[1:] >= x[:-1]).all())


def _refuse_without_tensors(ax: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    """``reduce=`` in a call holding no torch tensor: the error imshow's ``nrow=`` gets.

    With a tensor anywhere (a list of tensors, a 2-D tensor, several lines, a
    3-D Axes' ``zs=``) the call takes the exact path where it cannot be
    reduced; without one, ``reduce=`` would be dropped unseen where
    Matplotlib raises for it.  Data named through ``data=`` is looked up as
    Matplotlib looks it up (``kwargs`` must be the call's own dict: see
    :func:`torchplot._native.from_data`).
    """
    found = [resolve_data_arg(kwargs, a)[0] for a in args]
    if any(holds_tensor(a) for a in found) or any(
        holds_tensor(v) for k, v in kwargs.items() if k != "data"
    ):
        return
    call = f"{getattr(type(ax).plot, '__qualname__', 'Axes.plot')}()"
    split = _split_args(tuple(found))  # a key found in data= is data, not a format
    if split is None:
        raise TypeError(
            f"{call} keyword reduce applies to torch tensors only, and no argument of "
            "this call is one. Fix: pass the data as torch tensors (`torch.as_tensor(y)`), or "
            "drop this keyword."
        )
    given = args[len(args) - len(split[2]) - 1]
    key = given if isinstance(given, str) else None  # looked up in data=
    raise tensor_keywords_error(call, ["reduce"], split[1], "y", key)


@layer("plot", order=20, keywords=("reduce",), setting="plot.reduce")
def _plot_reduced(ax: Any, call_next: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if "reduce" in kwargs:
        kwargs = dict(kwargs)
        method = reduce_method(kwargs.pop("reduce"))
        _refuse_without_tensors(ax, args, kwargs)
    else:
        method = reduce_method(rc_params["plot.reduce"], 'torchplot.rc_params["plot.reduce"]')
    torch = sys.modules.get("torch")
    if method is None or torch is None:
        return call_next(args, kwargs)
    reduction = _plan(ax, torch, args, kwargs)
    if reduction is None:
        return call_next(args, kwargs)
    fmt = args[-1:] if isinstance(args[-1], str) else ()
    xy = reduction.reduced(ax, *reduction.first_view(ax))
    lines = call_next((*xy, *fmt), kwargs)
    if _has_markers(lines[0]):
        # M4 keeps the pixels of a polyline, not every marker: draw every point,
        # as Matplotlib does.  The data limits are already the full line's.
        lines[0].set_data(*reduction.full())
        return lines
    reduction.attach(lines[0], ax)
    return lines


def _one_coordinate_set(line: Any, value: Any, full_other: str, set_other: str) -> None:
    """Before ``line`` takes a new x (or y) alone: the full other one, if the new one is full.

    The line's other coordinate is the reduced one; with data of the full
    length the line must draw what Matplotlib's, which was never reduced,
    draws.  Data of the reduced length (``line.get_ydata() * 2``) matches the
    reduced other coordinate, which it keeps.
    """
    reduction = line._torchplot_reduction
    if not reduction.holds_data_of(line):
        return
    try:
        length = len(value)
    except TypeError:
        return  # Matplotlib raises its own error
    if length == reduction.n and length != len(line.get_xdata(orig=True)):
        other = getattr(reduction, full_other)()
        if reduction.owns(line):  # a copy's call leaves the original's reduction alone
            reduction.release()
        # Matplotlib's own setter: through the line's, a copy's call would
        # come back here for the other coordinate.
        getattr(Line2D, set_other)(line, other)


def _one_coordinate_layer(name: str, full_other: str, set_other: str) -> Any:
    """The marked layer of ``Line2D.set_<name>data`` (``name``: its parameter)."""

    def set_one(line: Any, call_next: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        if args or name in kwargs:
            _one_coordinate_set(line, args[0] if args else kwargs[name], full_other, set_other)
        return call_next(args, kwargs)

    return set_one


layer("Line2D.set_xdata", order=10, marked="_torchplot_reduction")(
    _one_coordinate_layer("x", "full_y", "set_ydata")
)
layer("Line2D.set_ydata", order=10, marked="_torchplot_reduction")(
    _one_coordinate_layer("y", "full_x", "set_xdata")
)


@layer("Line2D.set_data", order=10, marked="_torchplot_reduction")
def _set_data_of_a_reduced_line(
    line: Any, call_next: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    # Both coordinates are the caller's: nothing of the reduction is kept (a
    # re-reduction's own set_data comes when the line's data is not owned).
    reduction = line._torchplot_reduction
    if reduction.owns(line):
        reduction.release()
    return call_next(args, kwargs)
