"""The panels of a live dashboard and the figure that holds them.

Speed comes from doing as little Matplotlib work per refresh as possible:

* every panel creates its artists once (``set_data`` / ``set_offsets``
  afterwards), marked *animated* so that a plain ``canvas.draw()`` leaves
  them out of the cached background;
* axis limits only change when the data leaves them (with headroom, and in
  {1, 2, 5} x 10^k steps along the step axis), so almost every refresh keeps
  the ticks, labels and layout, and :class:`Dashboard` then *blits*: it
  restores the cached background and draws only the animated artists;
* a full redraw (``canvas.draw()``) happens only when limits, a title, the
  set of panels, or an image changed.

Animated artists are still drawn by ``savefig`` (Matplotlib includes them
while saving), so ``fig.savefig``, sphinx-gallery and a ``Gallery`` snapshot
see the complete figure.  A pickled or deep-copied figure has them as
ordinary artists (:data:`ANIMATED`), and after the last frame,
:meth:`Dashboard.make_static` makes them ordinary artists again.
"""

from __future__ import annotations

import math
import operator
from collections.abc import Callable, Sequence
from typing import Any

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.collections import PathCollection
from matplotlib.figure import Figure
from matplotlib.lines import Line2D

from torchplot._grid import grid_geometry, image_layout
from torchplot._live._history import ReducedSeries, extremes
from torchplot._live._transfer import to_host

__all__ = [
    "Dashboard",
    "ImagePanel",
    "MetricPanel",
    "Panel",
    "ShowPanel",
    "curve_shapes",
    "image_shapes",
]

Limits = tuple[float, float]

#: Data is kept this fraction of the axis span away from the edges.
EDGE = 0.03

#: The zorder of the lines and scatters a refresh updates: above the spines
#: (2.5) and the axis with its ticks and grid lines (0.5 to 2.5, by
#: ``axes.axisbelow``).  A blit draws them over a background that holds all
#: of these, and a normal draw (``savefig``, the figure after ``close()``)
#: sorts by zorder: with a lower one, a marker or thick line reaching a spine
#: or a grid line was drawn under it normally and over it in a blit.
ZORDER = 2.6


class _AnimatedHere(int):
    """``True`` for this figure's blitting, ``False`` in a pickled or deep-copied figure.

    Animated artists reach the canvas only through :meth:`Dashboard._on_draw`,
    a callback of this figure's canvas that a pickle or a deep copy drops: a
    copy taken mid-run would draw empty panels.  Drawn normally they give the
    blitted frame, so the copy records them as ordinary artists.  An ``int``
    equal to 1, so that ``set_animated(True)`` keeps it; a copy needs only
    ``bool`` (unpickling imports nothing of torchplot's for it).
    """

    def __reduce_ex__(self, protocol: Any) -> tuple[type[bool], tuple[()]]:
        return bool, ()

    def __deepcopy__(self, memo: Any) -> bool:
        return False

    def __repr__(self) -> str:
        return "True"


#: The ``animated`` value of the artists a refresh updates (see :class:`_AnimatedHere`);
#: typed Any: ``set_animated`` is annotated ``bool``, of which ``int`` is no subtype.
ANIMATED: Any = _AnimatedHere(1)


def nice_ceil(v: float) -> float:
    """The smallest number of the form {1, 2, 5} x 10^k that is >= ``v`` (``v > 0``)."""
    exp = math.floor(math.log10(v))
    for m in (1.0, 2.0, 5.0, 10.0):
        c = m * 10.0**exp
        if c >= v * (1 - 1e-12):
            return c
    return 10.0 ** (exp + 1)  # pragma: no cover (unreachable: 10 x 10^exp > v)


def step_limits(cur: Limits | None, lo: float, hi: float) -> Limits:
    """Step-axis limits: from the first step, a {1,2,5}x10^k width with room to grow.

    Kept while the data fits and fills at least an eighth of the width, so the
    limits (and the ticks) change about three times per decade of steps.
    """
    width = max(hi - lo, 1.0)
    if cur is not None:
        inner = EDGE * (cur[1] - cur[0])
        # (the left margin was set to EDGE of the width when these were made)
        if cur[0] < lo and hi <= cur[1] - inner and width * 8 >= cur[1] - cur[0]:
            return cur
    nice = nice_ceil(width * 1.05 + 2 * EDGE * width)
    return (lo - EDGE * nice, lo + nice)


def value_limits(cur: Limits | None, lo: float, hi: float, log: bool) -> Limits | None:
    """Value-axis limits with 10% headroom; kept while the data fits and fills an eighth of them.

    ``lo``/``hi`` are the finite extremes of the data (positive ones on a log
    axis); None when there are none.
    """
    if not (math.isfinite(lo) and math.isfinite(hi)):
        return cur
    f, inv = (math.log10, lambda t: 10.0**t) if log else (float, float)
    tlo, thi = f(lo), f(hi)
    below = above = False
    if cur is not None:
        clo, chi = f(cur[0]), f(cur[1])
        inner = EDGE * (chi - clo)
        below, above = tlo < clo + inner, thi > chi - inner
        if not (below or above) and (thi - tlo) * 8 >= chi - clo and chi > clo:
            return cur
    span = thi - tlo
    if span <= 1e-9 * max(abs(tlo), abs(thi)):
        # Constant up to rounding (e.g. the EMA of a constant): don't zoom into the noise.
        span = 0.0
    pad = 0.1 * span if span > 0 else (0.5 if log or thi == 0 else 0.1 * abs(thi))
    # Data that left the limits is a trend (a falling loss) more often than an
    # outlier: half a span of room on that side makes the limits change a few
    # times per tenfold growth of the range instead of at every refresh, and
    # every change is a full redraw (10-20x the cost of a blitted refresh).
    room = 0.5 * span
    return (inv(tlo - pad - room * below), inv(thi + pad + room * above))


def _finite_range(ys: Sequence[np.ndarray], log: bool) -> tuple[float, float]:
    lo, hi = math.inf, -math.inf
    for y in ys:
        v = y[np.isfinite(y)]
        if log:
            v = v[v > 0]
        if len(v):
            lo, hi = min(lo, float(v.min())), max(hi, float(v.max()))
    return lo, hi


def _animated_legend(ax: Axes) -> Artist:
    # Drawn after the lines, as in a normal draw (legends sit above lines), so
    # a blitted frame is the frame Matplotlib would draw.
    legend = ax.legend(loc="upper right")
    legend.set_animated(ANIMATED)
    return legend


def envelope(x: np.ndarray, y: np.ndarray, max_points: int) -> tuple[np.ndarray, np.ndarray]:
    """At most ``max_points + 2`` points tracing the min/max envelope of ``(x, y)``.

    Consecutive points are grouped ``k`` at a time and each group is drawn as
    its lowest and highest point, in step order.  With ``max_points`` twice
    the Axes' width in pixels, a group spans about a pixel column, so the
    line covers the same pixels (up to antialiasing) at a drawing cost that no
    longer depends on how many points there are.  Returned unchanged when
    already small enough.
    """
    n = len(x)
    if n <= max_points:
        return x, y
    k = math.ceil(2 * n / max_points)
    full = n - n % k
    parts = [(x[:full].reshape(-1, k), y[:full].reshape(-1, k))]
    if full < n:
        pad = k - (n - full)
        parts.append(
            (
                np.concatenate([x[full:], np.repeat(x[-1:], pad)])[None],
                np.concatenate([y[full:], np.repeat(y[-1:], pad)])[None],
            )
        )
    gx = np.concatenate([p[0] for p in parts])
    gy = np.concatenate([p[1] for p in parts])
    x_lo, y_lo, x_hi, y_hi = extremes(gx, gy)
    lo_first = x_lo <= x_hi
    ox = np.column_stack([np.where(lo_first, x_lo, x_hi), np.where(lo_first, x_hi, x_lo)]).ravel()
    oy = np.column_stack([np.where(lo_first, y_lo, y_hi), np.where(lo_first, y_hi, y_lo)]).ravel()
    return ox, oy


class Panel:
    """One Axes of the dashboard.  Subclasses create artists once and update them in place."""

    def __init__(self, title: str) -> None:
        self.title = title
        self.ax: Axes | None = None
        self.artists: list[Artist] = []
        self.dirty = True
        self._xlim: Limits | None = None
        self._ylim: Limits | None = None
        self._shown_title: str | None = None

    def build(self, ax: Axes) -> None:
        """Create this panel's artists on ``ax`` (at each relayout); data: :meth:`update`."""
        self.ax = ax
        self._xlim = self._ylim = None
        self._shown_title = None
        self.dirty = True

    def update(self) -> bool:
        """Push new data into the artists; True when the background must be redrawn."""
        raise NotImplementedError

    def _set_title(self, title: str) -> bool:
        if title == self._shown_title:
            return False
        assert self.ax is not None
        self.ax.set_title(title, fontsize="medium")
        self._shown_title = title
        return True

    def _set_limits(self, xlim: Limits | None, ylim: Limits | None) -> bool:
        assert self.ax is not None
        changed = False
        if xlim is not None and xlim != self._xlim:
            self.ax.set_xlim(xlim)
            self._xlim, changed = xlim, True
        if ylim is not None and ylim != self._ylim:
            self.ax.set_ylim(ylim)
            self._ylim, changed = ylim, True
        return changed


class MetricPanel(Panel):
    """Logged scalars against the step: a line per metric (with smoothing: faint raw, and EMA)."""

    def __init__(self, title: str, *, log: bool, window: int, buckets: int) -> None:
        super().__init__(title)
        self.log = log
        self._window, self._buckets = window, buckets
        self.names: list[str] = []
        self.raw: dict[str, ReducedSeries] = {}
        self.smooth: dict[str, ReducedSeries] = {}
        self.weights: dict[str, float] = {}
        self._ema: dict[str, tuple[float, int]] = {}  # (biased EMA, count)
        self.first_nonfinite: float | None = None
        self._lines: dict[str, tuple[Line2D, ...]] = {}

    def add_metric(self, name: str, weight: float) -> None:
        """Give ``name`` a line in this panel (``weight`` > 0: EMA smoothing with that weight).

        A call that raises leaves the panel as it was.
        """
        raw = ReducedSeries(self._window, self._buckets)
        smooth = ReducedSeries(self._window, self._buckets) if weight > 0 else None
        self.names.append(name)
        self.raw[name] = raw
        if smooth is not None:
            self.smooth[name] = smooth
            self.weights[name] = weight
        if self.ax is not None:
            self.ax.clear()
            self.build(self.ax)  # re-create the lines, legend included

    def build(self, ax: Axes) -> None:
        super().build(ax)
        self._lines = {}
        self.artists = []
        if self.log:
            ax.set_yscale("log")
        for name in self.names:
            if name in self.smooth:
                # Raw first: a full draw paints artists in the order they were
                # added and a blit in ``artists`` order; the two must agree for
                # blitted frames to equal savefig's.
                (raw,) = ax.plot([], [], alpha=0.3, animated=ANIMATED, zorder=ZORDER)
                (main,) = ax.plot(
                    [], [], color=raw.get_color(), label=name, animated=ANIMATED, zorder=ZORDER
                )
                self._lines[name] = (raw, main)
                self.artists += [raw, main]
            else:
                (main,) = ax.plot([], [], label=name, animated=ANIMATED, zorder=ZORDER)
                self._lines[name] = (main,)
                self.artists.append(main)
        if len(self.names) > 1:
            self.artists.append(_animated_legend(ax))

    def _max_points(self) -> int:
        # Two points per pixel column of the Axes: more cannot be seen, only paid for.
        assert self.ax is not None
        return max(2 * int(self.ax.bbox.width), 200)

    def ingest(self, name: str, steps: np.ndarray, values: np.ndarray) -> None:
        """Append the points of ``name`` logged since the last refresh (steps as logged)."""
        bad = ~np.isfinite(values)
        if bad.any():
            first = float(steps[np.argmax(bad)])
            if self.first_nonfinite is None or first < self.first_nonfinite:
                self.first_nonfinite = first
        # A step below the last one starts a new segment: the display drops
        # the points at that step and later (a run resumed from a checkpoint).
        breaks = np.flatnonzero(np.diff(steps) < 0) + 1
        for seg_s, seg_v in zip(np.split(steps, breaks), np.split(values, breaks), strict=True):
            self._ingest_segment(name, seg_s, seg_v)
        self.dirty = True

    def _ingest_segment(self, name: str, steps: np.ndarray, values: np.ndarray) -> None:
        raw = self.raw[name]
        last = raw.last_x
        if last is not None and steps[0] < last:
            raw.truncate(steps[0])
            if name in self.smooth:
                self.smooth[name].truncate(steps[0])
                self._ema.pop(name, None)
        raw.extend(steps, values)
        if name in self.smooth:
            self.smooth[name].extend(steps, self._ema_values(name, values))

    def _ema_values(self, name: str, values: np.ndarray) -> np.ndarray:
        # Debiased EMA (as TensorBoard): non-finite inputs are skipped and
        # drawn as gaps, they do not poison the average.
        w = self.weights[name]
        ema, n = self._ema.get(name, (0.0, 0))
        out = np.empty(len(values))
        for i, v in enumerate(values.tolist()):
            if math.isfinite(v):
                ema = w * ema + (1 - w) * v
                n += 1
                out[i] = ema / (1 - w**n)
            else:
                out[i] = math.nan
        self._ema[name] = (ema, n)
        return out

    def update(self) -> bool:
        xs, ys = [], []
        for name in self.names:
            series = [self.raw[name]] + ([self.smooth[name]] if name in self.smooth else [])
            for line, s in zip(self._lines[name], series, strict=True):
                x, y = s.display()
                line.set_data(*envelope(x, y, self._max_points()))
                xs.append(x)
                ys.append(y)
        self.dirty = False
        full = False
        title = self.title
        if self.first_nonfinite is not None:
            title = f"{title}  [NaN/inf from step {self.first_nonfinite:g}: gaps]"
        full |= self._set_title(title)
        present = [x for x in xs if len(x)]
        if present:
            xlim = step_limits(
                self._xlim, min(float(x[0]) for x in present), max(float(x[-1]) for x in present)
            )
            ylim = value_limits(self._ylim, *_finite_range(ys, self.log), self.log)
            full |= self._set_limits(xlim, ylim)
        return full


def _squeezed(shape: tuple[int, ...]) -> tuple[int, ...]:
    return tuple(d for d in shape if d != 1) or shape[-1:] if len(shape) > 1 else shape


def curve_shapes(name: str, shapes: list[tuple[int, ...]], has_target: bool) -> None:
    """Check the shapes of ``show(name, [x,] y[, target=])`` before any value is read.

    Values must be 1-D after dropping length-1 axes (``(N, 1)`` model outputs
    are fine), and ``x`` (if given) and the target must match them.
    """
    n_y = 2 if has_target else 1
    ys = [_squeezed(s) for s in shapes[-n_y:]]
    for y in ys:
        if len(y) != 1:
            raise ValueError(
                f"Live.show({name!r}): curves need 1-D values, got shape {y}. Fix: pass one "
                "output column, e.g. `pred[:, 0]`, or kind='image' for an image."
            )
    if len(shapes) > n_y:
        ys.insert(0, _squeezed(shapes[0]))
    if len(set(ys)) > 1:
        raise ValueError(
            f"Live.show({name!r}): x, values and target must have the same length, got "
            f"shapes {shapes}"
        )


#: The keywords of ``imshow`` that size a grid (the rest take grid_geometry's defaults).
_GRID_SIZE = ("nrow", "padding")


def image_shapes(
    name: str, shape: tuple[int, ...], tensor: bool, style: dict[str, Any] | None = None
) -> None:
    """Check the shape of ``show(name, image)`` as the panel's ``imshow`` will, from metadata.

    ``tensor``: the image is a torch tensor, laid out by the tensor-aware
    ``imshow`` (CHW images, batches as a grid: :func:`torchplot._grid.image_layout`,
    within the grid's pixel budget for its ``nrow`` and ``padding`` in
    ``style``); anything else goes to Matplotlib, which takes ``(H, W)`` and
    ``(H, W, 1|3|4)``.  Raises what that ``imshow`` would raise (``TypeError``
    for a shape it rejects, ``ValueError`` for a grid over the budget), now
    rather than at the refresh that draws it.
    """
    call = f"Live.show({name!r})"
    if tensor and len(shape) >= 2:
        layout = image_layout(shape, call, "image")
        try:  # an int, NumPy or 0-d tensor integer; anything else meets imshow's own check
            size: dict[str, Any] = {
                k: operator.index(v) for k, v in (style or {}).items() if k in _GRID_SIZE
            }
        except TypeError:
            return
        if layout is not None and layout.batch > 1:
            grid_geometry(
                layout.batch, layout.height, layout.width, batch_name="image", call=call, **size
            )
        return
    if not (len(shape) == 2 or (len(shape) == 3 and shape[-1] in (1, 3, 4))):
        fix = (
            "pass an (H, W) or (H, W, 1|3|4) image, or a torch tensor for a CHW image or a "
            "batch (drawn as a grid)"
            if not tensor
            else "pass an image of 2 or more dimensions, or kind='line' for a curve"
        )
        raise TypeError(f"{call}: invalid shape {shape} for image data. Fix: {fix}.")


def _floats(a: np.ndarray) -> np.ndarray:
    """``a`` flat, as floats; masked values NaN, as ``Line2D`` draws them: a gap."""
    a = a.reshape(-1).astype(float)
    return a.filled(np.nan) if isinstance(a, np.ma.MaskedArray) else a


def _host(a: Any) -> np.ndarray:
    """A host value of ``show`` as an array, a masked array keeping its mask (``ax.plot`` does)."""
    return a if isinstance(a, np.ma.MaskedArray) else np.asarray(a)


def _curves(arrays: list[np.ndarray], n_y: int) -> list[tuple[np.ndarray, np.ndarray]]:
    x = _floats(arrays[0]) if len(arrays) > n_y else None
    out = []
    for y in arrays[-n_y:]:
        y = _floats(y)
        xx = np.arange(len(y), dtype=float) if x is None else x
        order = np.argsort(xx, kind="stable")  # curves drawn left to right
        out.append((xx[order], y[order]))
    return out


class ShowPanel(Panel):
    """Curves (prediction, and target) or a scatter, replaced wholesale at each ``Live.show``."""

    def __init__(self, title: str, kind: str) -> None:
        super().__init__(title)
        self.kind = kind
        self.arrays: list[Any] = []
        self.labels: list[str] = []
        self.style: dict[str, Any] = {}

    def set(self, arrays: list[Any], labels: list[str], style: dict[str, Any]) -> None:
        """New ``[x,] y[, target]`` arrays (held on their device until the next refresh).

        The artists are rebuilt only if the labels or the style change.
        """
        rebuild = labels != self.labels or style != self.style
        self.arrays, self.labels, self.style = arrays, labels, style
        if rebuild and self.ax is not None:
            self.ax.clear()
            self.build(self.ax)
        self.dirty = True

    def build(self, ax: Axes) -> None:
        super().build(ax)
        self.artists = []
        self.series: list[Line2D | PathCollection] = []
        for i, label in enumerate(self.labels):
            # Above the spines and grid lines (ZORDER), unless the style sets a zorder.
            style = {"zorder": ZORDER, **(self.style if i == 0 else {})}
            art: Line2D | PathCollection
            if self.kind == "scatter":
                art = ax.scatter([], [], label=label, animated=ANIMATED, **style)
            else:
                if i > 0:
                    style["linestyle"] = "--"
                (art,) = ax.plot([], [], label=label, animated=ANIMATED, **style)
            self.series.append(art)
        self.artists = list(self.series)
        if len(self.labels) > 1:
            self.artists.append(_animated_legend(ax))

    def update(self) -> bool:
        # One transfer per device and dtype for x, prediction and target.
        hosted = [_host(a) for a in to_host(self.arrays, where=f"Live.show({self.title!r})")]
        # Kept for a relayout's redraw as host copies: the device copies are freed now.
        self.arrays = hosted
        xs, ys = [], []
        for art, (x, y) in zip(self.series, _curves(hosted, len(self.labels)), strict=True):
            if isinstance(art, PathCollection):  # kind "scatter"
                art.set_offsets(np.column_stack([x, y]))
            else:
                art.set_data(x, y)
            xs.append(x)
            ys.append(y)
        self.dirty = False
        full = self._set_title(self.title)
        if xs:
            xlim = value_limits(self._xlim, *_finite_range(xs, False), False)
            ylim = value_limits(self._ylim, *_finite_range(ys, False), False)
            full |= self._set_limits(xlim, ylim)
        return full


class ImagePanel(Panel):
    """An image (or, through the Axes' ``imshow``, a batch drawn as a grid), replaced at each show.

    The image is drawn by the tensor-aware ``imshow`` of the panel's Axes, so
    whatever that accepts (a CHW tensor, a batch) works here, converted on its
    device.  A new image redraws the figure's background (images are part of
    it: Matplotlib draws them even when animated).
    """

    def __init__(self, title: str) -> None:
        super().__init__(title)
        self.image: Any = None
        self.style: dict[str, Any] = {}
        self._artist: Artist | None = None

    def set(self, image: Any, style: dict[str, Any]) -> None:
        """Show ``image`` at the next refresh."""
        self.image, self.style = image, style
        self.dirty = True

    def build(self, ax: Axes) -> None:
        super().build(ax)
        self._artist = None
        self.artists = []
        ax.set_axis_off()

    def update(self) -> bool:
        assert self.ax is not None
        self.dirty = False
        self._set_title(self.title)
        if self.image is None:
            return True
        if self._artist is not None:
            self._artist.remove()
        self._artist = self.ax.imshow(self.image, **self.style)
        return True


class Dashboard:
    """Panels on one figure, redrawn fully only when needed and blitted otherwise.

    Parameters
    ----------
    figure : Figure
        Drawn on as a whole (its contents are replaced at each relayout).
    ncols : int or None
        Columns of the panel grid; None: ``ceil(sqrt(n))``.
    resize : callable or None
        Called with ``(nrows, ncols)`` at each relayout, to size an owned figure.
    """

    def __init__(
        self,
        figure: Figure,
        ncols: int | None = None,
        resize: Callable[[int, int], None] | None = None,
    ) -> None:
        self.figure = figure
        self.ncols = ncols
        self.panels: dict[str, Panel] = {}
        self._resize = resize
        self._layout_dirty = True
        self._needs_full = True
        self._undrawn = False  # updated artists not drawn yet
        self._bg: Any = None
        self.full_draws = 0
        self.blits = 0
        self._cid: int | None = figure.canvas.mpl_connect("draw_event", self._on_draw)

    def add(self, name: str, panel: Panel) -> Panel:
        """Add a panel (laid out again by the next :meth:`update`)."""
        self.panels[name] = panel
        self._layout_dirty = True
        return panel

    def _relayout(self) -> None:
        fig = self.figure
        fig.clear()
        n = len(self.panels)
        ncols = self.ncols if self.ncols is not None else max(1, math.ceil(math.sqrt(n)))
        nrows = max(1, math.ceil(n / ncols))
        if self._resize is not None:
            self._resize(nrows, ncols)
        # Fixed margins in inches rather than a layout engine: constrained
        # layout measures every tick label at each full draw, which more than
        # doubles its cost; panels of one dashboard look alike anyway.
        w, h = fig.get_size_inches()
        aw = (w - 0.9 - 0.9 * (ncols - 1)) / ncols
        ah = (h - 0.75 - 0.75 * (nrows - 1)) / nrows
        grid = fig.add_gridspec(
            nrows,
            ncols,
            left=0.7 / w,
            right=1 - 0.2 / w,
            bottom=0.4 / h,
            top=1 - 0.35 / h,
            wspace=0.9 / max(aw, 0.1),
            hspace=0.75 / max(ah, 0.1),
        )
        for i, panel in enumerate(self.panels.values()):
            panel.build(fig.add_subplot(grid[i // ncols, i % ncols]))
        self._layout_dirty = False

    @property
    def stale(self) -> bool:
        """Whether anything changed since the last :meth:`draw` (data, panels, a needed redraw)."""
        return bool(self.panels) and (
            self._layout_dirty
            or self._needs_full
            or self._bg is None
            or any(p.dirty for p in self.panels.values())
            or self._undrawn
        )

    @property
    def full_pending(self) -> bool:
        """Whether the next :meth:`draw` redraws the background (not just a blit)."""
        return self._needs_full or self._bg is None

    @property
    def animated(self) -> list[Artist]:
        """The artists drawn on top of the cached background, in panel order."""
        return [a for p in self.panels.values() for a in p.artists]

    def _on_draw(self, event: Any) -> None:
        # After any full draw (ours, or a GUI's resize/expose): cache the
        # background and put the animated artists back on top.  A draw for
        # savefig already includes them and must not become the background.
        canvas = self.figure.canvas
        if canvas.is_saving() or not getattr(canvas, "supports_blit", False):
            self._bg = None
            return
        self._bg = canvas.copy_from_bbox(self.figure.bbox)  # type: ignore[attr-defined]
        self._draw_animated()

    def make_static(self) -> None:
        """Turn the figure into an ordinary one: nothing animated, no draw callback.

        For the figure left after the last frame.  Animated artists reach the
        canvas only through :meth:`_on_draw`, which the canvas holds weakly:
        a plain ``canvas.draw()`` would leave them out once the dashboard is
        gone.  Drawn normally they give the same frame (as ``savefig`` shows).
        """
        for artist in self.animated:
            artist.set_animated(False)
        if self._cid is not None:
            self.figure.canvas.mpl_disconnect(self._cid)
            self._cid = None
        self._bg = None

    def _draw_animated(self) -> None:
        # In zorder within each panel, as a normal draw orders them (stable:
        # ties in the order made), so that a ``zorder`` given to ``show``
        # above the legend's puts that artist above it in both.
        for panel in self.panels.values():
            for artist in sorted(panel.artists, key=Artist.get_zorder):
                if artist.axes is not None:
                    artist.axes.draw_artist(artist)

    def update(self) -> bool:
        """Lay out (if panels were added) and push new data into the artists.

        Returns whether the next :meth:`draw` must redraw the background
        (stays True until a draw happens).
        """
        if self._layout_dirty:
            self._relayout()
            self._needs_full = True
        for panel in self.panels.values():
            if panel.dirty:
                self._needs_full |= panel.update()
                self._undrawn = True
        return self.full_pending

    def draw(self, window: bool = False) -> bool:
        """Draw what :meth:`update` prepared; returns whether it was a full redraw.

        ``window``: the canvas is on screen (a GUI backend): request the redraw
        with ``draw_idle`` and ``flush_events`` (never ``plt.pause``, which
        raises the window), and ``blit`` the result.
        """
        canvas = self.figure.canvas
        self._undrawn = False
        if self.full_pending:
            self._bg = None
            self._needs_full = False
            self.full_draws += 1
            if window:
                canvas.draw_idle()
                canvas.flush_events()
            else:
                canvas.draw()
                if self._bg is None:  # a canvas that cannot blit: draw the artists too
                    self._draw_animated()
            return True
        self.blits += 1
        canvas.restore_region(self._bg)  # type: ignore[attr-defined]
        self._draw_animated()
        if window:
            canvas.blit(self.figure.bbox)
            canvas.flush_events()
        return False
