"""``torchplot.Live``: metrics and predictions plotted during training, off the critical path."""

from __future__ import annotations

import math
import operator
import os
import sys
import time
import warnings
import weakref
from collections.abc import Callable, Collection, Iterable, Mapping
from types import TracebackType
from typing import Any, Literal

import numpy as np
from matplotlib.colors import to_rgba
from matplotlib.figure import Figure

from torchplot._compat import dynamo_tracing, dynamo_tracing_test, untraced
from torchplot._live._history import SpillStore
from torchplot._live._panels import (
    Dashboard,
    ImagePanel,
    MetricPanel,
    Panel,
    ShowPanel,
    curve_shapes,
    image_shapes,
)
from torchplot._live._remote import SHARE_PER_BUDGET, RemoteRenderer
from torchplot._live._sinks import GallerySink, NotebookSink, PngSink
from torchplot._live._transfer import (
    as_float,
    curve_dtype_error,
    hold,
    hold_array,
    image_dtype_error,
    is_torch,
    shape_of,
    step_error,
    to_host,
)
from torchplot._twins import adopt

__all__ = ["Live"]

Display = Literal["auto", "notebook", "window", "file", "none"]
_DISPLAYS = ("auto", "notebook", "window", "file", "none")
_PANEL_SIZE = (4.8, 3.4)  # inches per panel of an owned figure


#: Whether torch.compile's Dynamo is tracing the call of ``log`` or ``show``
#: it is made in (see :meth:`Live.log`): False whenever one runs.  A module
#: global, not an attribute: one more instance attribute made every ``log``
#: about 25 ns slower (CPython 3.11), as much again as the test.
_traced: Callable[[], bool] = dynamo_tracing


def _watch_compile() -> None:
    """Make ``_traced`` PyTorch's own test (half the cost) once torch is imported."""
    global _traced
    _traced = dynamo_tracing_test()


def _in_notebook() -> bool:
    ipython = sys.modules.get("IPython")
    if ipython is None:
        return False
    shell = ipython.get_ipython()
    return shell is not None and type(shell).__name__ == "ZMQInteractiveShell"


def _interactive_backend() -> bool:
    import matplotlib
    from matplotlib.backends import BackendFilter, backend_registry

    backend = matplotlib.get_backend().lower()
    if "inline" in backend:
        return False
    if backend.startswith("module://"):
        return backend not in ("module://matplotlib_inline.backend_inline",)
    return backend in backend_registry.list_builtin(BackendFilter.INTERACTIVE)


def _resolve_display(display: str) -> str:
    if display not in _DISPLAYS:
        raise ValueError(f"Live(display=...) must be one of {_DISPLAYS}, got {display!r}")
    if display != "auto":
        return display
    if _interactive_backend():
        return "window"
    if _in_notebook():
        return "notebook"
    return "file"


def _check_arguments(every: int, smooth: float | Mapping[str, float], budget: float | None) -> None:
    """Raise ``ValueError`` for an ``every``, ``smooth`` or ``budget`` that ``Live`` cannot use."""
    if budget is not None and not budget > 0:
        raise ValueError(f"Live(budget=...) must be > 0 or None, got {budget!r}")
    if not isinstance(every, int) or every < 1:
        raise ValueError(f"Live(every=...) must be a positive int, got {every!r}")
    weights = smooth.values() if isinstance(smooth, Mapping) else [smooth]
    for w in weights:
        if not 0 <= w < 1:
            raise ValueError(f"Live(smooth=...) weights must be in [0, 1), got {w!r}")


def _check_grid(ncols: int | None, window: int, buckets: int) -> tuple[int | None, int, int]:
    """``ncols``, ``window`` and ``buckets`` as ints, or ``ValueError`` for one ``Live`` cannot use.

    Checked here, not at the first refresh: there the error would come out of
    a ``log`` call, without the argument's name.
    """
    checked = []
    for name, value, least in (("window", window, 1), ("buckets", buckets, 2)):
        n = _int_at_least(value, least)
        if n is None:
            what = "a positive int" if least == 1 else f"an int >= {least}"
            raise ValueError(f"Live({name}=...) must be {what}, got {value!r}")
        checked.append(n)
    columns = None if ncols is None else _int_at_least(ncols, 1)
    if ncols is not None and columns is None:
        raise ValueError(
            "Live(ncols=...) must be a positive int, or None for ceil(sqrt(number of "
            f"panels)), got {ncols!r}"
        )
    return columns, checked[0], checked[1]


def _int_at_least(value: Any, least: int) -> int | None:
    """``value`` as an int if it is an integer >= ``least`` (a NumPy one too), else None."""
    try:
        n = operator.index(value)
    except TypeError:
        return None
    return n if n >= least else None


def _logy_names(logy: Any) -> bool | list[str]:
    """``logy`` as a bool or a list of names; ``TypeError`` for anything else."""
    if isinstance(logy, bool):
        return logy
    names = _names(logy) if isinstance(logy, Iterable) else None
    if names is None or not all(isinstance(n, str) for n in names):
        raise TypeError(
            "Live(logy=...) must be a bool, a metric or group name, or a collection of "
            f"names, got {logy!r}"
        )
    return names


def _one_image(name: str, n_data: int, target: Any) -> None:
    """``TypeError`` for a ``show(name, ..., kind="image")`` given more than the one image."""
    where = f"Live.show({name!r}, ..., kind='image')"
    if n_data > 1:
        raise TypeError(
            f"{where} draws one image; argument data[1] is a second array. Fix: show each "
            f"image in a panel of its own (`live.show({name + ' 2'!r}, image2)`), stack them "
            "into one batch tensor (drawn as a grid), or leave out kind='image' for a curve "
            "y against x."
        )
    if target is not None:
        raise TypeError(
            f"{where} draws one image and takes no argument 'target'. Fix: show the target "
            f"in a panel of its own (`live.show({name + ' target'!r}, target)`), or leave out "
            "kind='image' for curves with a dashed target."
        )


def _new_figure(display: str, size: tuple[float, float]) -> Figure:
    """Live's own figure for ``display``: a pyplot figure (shown, for a window) or a bare one."""
    if display in ("notebook", "none"):
        # Not registered with pyplot: the inline backend would show it
        # a second time at the end of the cell.
        from matplotlib.backends.backend_agg import FigureCanvasAgg

        figure = Figure(figsize=size, layout="none")  # type: ignore[arg-type]
        FigureCanvasAgg(figure)
        return figure
    from torchplot import _pyplot

    figure = _pyplot.figure(figsize=size, layout="none")
    if display == "window":
        figure.show()
    return figure


def _resize_per_panel(figure: Figure) -> Callable[[int, int], None]:
    """A ``Dashboard`` ``resize``: ``figure`` sized ``_PANEL_SIZE`` per cell of the panel grid."""

    # Over the figure, not the Live: a closure over the Live held by its
    # dashboard is a cycle, and an unclosed Live (a notebook cell run again)
    # would then wait for a full collection to end its child.
    def resize(nrows: int, ncols: int) -> None:
        figure.set_size_inches(_PANEL_SIZE[0] * ncols, _PANEL_SIZE[1] * nrows, forward=True)

    return resize


def _names(names: str | Iterable[str]) -> list[str]:
    # A str is one name, not the characters of one (``logy="loss"``).
    return [names] if isinstance(names, str) else list(names)


def _read_each(leaves: list[Any]) -> tuple[np.ndarray, dict[int, Exception]]:
    """``leaves`` read one at a time: float64 values (NaN where unread) and each read's error."""
    flat = np.full(len(leaves), np.nan)
    unread: dict[int, Exception] = {}
    for i, v in enumerate(leaves):
        try:
            flat[i] = v if type(v) is float else as_float(to_host([v], where="Live.log()")[0])
        except Exception as exc:
            unread[i] = exc
    return flat, unread


def _unread_error(
    rows: list[tuple[Any, list[tuple[str, Any]]]],
    steps: np.ndarray,
    unread: dict[int, Exception],
    also: Exception | None,
) -> RuntimeError:
    """The error for the values of ``rows`` that a refresh could not read (by leaf index).

    Names each one by its metric and step (a step that could not be read, by
    the metrics logged with it; the same text once, with a count), and the
    first one's own error.  ``also``: the error of a step that was read but is
    not finite, whose rows were dropped too.
    """
    what: dict[str, int] = {}
    slot = 0  # the row's step; its values follow
    for i, (_, items) in enumerate(rows):
        if slot in unread:
            names = ", ".join(repr(name) for name, _ in items) or "no metric"
            found = [f"the step logged with {names} (that row is dropped)"]
        else:
            step = float(steps[i])
            label = int(step) if step.is_integer() else step
            found = [
                f"metric {name!r} logged at step {label}"
                for k, (name, _) in enumerate(items, start=1)
                if slot + k in unread
            ]
        for text in found:
            what[text] = what.get(text, 0) + 1
        slot += 1 + len(items)
    first = unread[min(unread)]
    texts = [text if n == 1 else f"{text} ({n} times)" for text, n in what.items()]
    listed = ", ".join(texts[:3]) + (f" and {len(texts) - 3} more" if len(texts) > 3 else "")
    error = RuntimeError(
        f"Live: a refresh could not read {listed} ({type(first).__name__}: {first}); "
        f"{'it was' if sum(what.values()) == 1 else 'they were'} dropped, and the values read "
        "are stored." + (f" Also: {also}" if also is not None else "")
    )
    error.__cause__ = first
    return error


class Live:
    """A training dashboard that plots while the model trains, without slowing the loop.

    ``log`` only keeps detached copies of device tensors on their device (it
    never reads one, so it never waits for a GPU; a CPU tensor is read at
    once, which waits for nothing); every ``every`` logged steps,
    :meth:`refresh` brings them to the host in one batch (one copy per device
    and dtype) and updates the figure, blitting when the axes are unchanged.

    Parameters
    ----------
    every : int, default: 50
        Refresh after this many :meth:`log` calls.
    path : str, os.PathLike, None or False, default: None
        PNG rewritten (atomically) at each refresh.  None: ``"live.png"`` when
        the display is ``"file"``, no file otherwise; False: never.
    display : {"auto", "notebook", "window", "file", "none"}, default: "auto"
        Where frames go.  "auto": a window with an interactive Matplotlib
        backend, one in-place updated output in Jupyter (inline backend),
        else the PNG file.  "none": nowhere but ``figure`` (kept up to date
        for ``savefig`` or a ``gallery``) and a PNG only if ``path`` is given;
        the figure created is not registered with pyplot.
    groups : mapping of str to list of str, optional
        Panels holding several metrics, e.g. ``{"loss": ["train", "val"]}``
        (a str value is one metric name).  Other metrics get a panel each, in
        the order first logged.
    smooth : float or mapping of str to float, default: 0
        EMA weight in [0, 1) (0: off), for all metrics or per metric name.
        A smoothed metric is drawn as its debiased EMA over the faint raw line.
    logy : bool, str or collection of str, default: False
        Log-scale value axis, for all metric panels or those named (metric or
        group names; a str is one name).  Anything else raises ``TypeError``.
    figure : Figure, optional
        Draw on this figure (its contents are replaced) instead of a new one.
    figsize : (float, float), optional
        Size in inches of the figure created, kept whatever the number of
        panels.  Default: 4.8 x 3.4 inches per panel, resized as panels are
        added (``ncols`` wide).  Not used with ``figure``.
    ncols : int, optional
        Columns of the panel grid, >= 1.  None (the default):
        ``ceil(sqrt(n_panels))``, so it changes as panels are added.
    window : int, default: 1000
        Most recent points per metric drawn exactly (>= 1); older ones are
        reduced to min/max buckets (see Notes).
    buckets : int, default: 500
        Most min/max buckets per metric for older points (>= 2; an odd number
        is rounded up to even).
    history_dir : str or os.PathLike, optional
        Directory for the full logged series: each ``Live`` writes its files
        (one per metric) to a fresh subdirectory ``live-XXXXXXXX`` of it,
        created here, so that several ``Live`` objects, or a run started again,
        never overwrite each other's.  Default: a temporary directory removed
        when this object is garbage-collected.
    gallery : object with ``add(fig, caption=, group=, step=)``, optional
        E.g. a ``torchplot.Gallery``: receives a snapshot every
        ``gallery_every`` drawn refreshes and one at :meth:`close` (with
        ``close=False`` where its ``add`` takes it: the figure stays open).
    gallery_every : int, default: 10
        Add a snapshot to ``gallery`` at every ``gallery_every``-th refresh
        drawn in this process (a refresh whose drawing ``budget`` postpones is
        not counted; with ``process=True`` there is only the one at
        :meth:`close`).  Must be >= 1.
    name : str, default: "live"
        The ``gallery`` group of the snapshots, and their caption's start:
        ``"live at step 120"``.
    process : bool or None, default: None
        Draw the PNG in a child process, on another core, so that a refresh
        costs the loop only the transfer of the new values (see Notes).
        None: when the display is ``"file"``, the figure is Live's own and
        no ``gallery`` is given.  False: draw in this process.  True with a
        ``figure`` of yours and a PNG path raises ``ValueError``.
    budget : float or None, default: 0.02
        How much of the loop's time automatic refreshes may cost it.
        Drawing in this process: the most fraction of the loop's wall time
        (since the first :meth:`log`) spent drawing.  Values are always
        brought in; drawing (and updating the artists) is postponed while a
        draw (estimated from the last one of its kind) would exceed the
        budget, so a slow full redraw makes the display update less often
        instead of slowing training.  The axis limits move when the data
        leaves them, so a figure updated less often can end with other
        limits: ``budget=None`` gives a figure that depends on the logged
        data and ``every`` only (as the drawing process's PNG does).  With
        the drawing process: that process spends at most ``5 * budget`` of
        its time drawing and encoding frames (drawing on another core slows
        the loop by about a sixth of that; see Notes).
        The first frame is drawn at once and not charged.  None: draw at
        every refresh.  Explicit :meth:`refresh` and :meth:`close` always draw.

    Attributes
    ----------
    figure : Figure
        The dashboard's figure: ``figure`` if given, else the one created.
    refreshes : int
        Refreshes drawn (with the drawing process: refreshes sent to it).
    skipped : int
        Automatic refreshes whose drawing ``budget`` postponed (their values
        were brought in all the same).  Drawing in this process only: the
        drawing process skips frames of its own, not counted here.

    Raises
    ------
    ValueError
        An argument out of its range, checked before anything is created:
        ``every``, ``window`` or ``ncols`` not a positive int, ``buckets``
        not an int >= 2, a ``smooth`` weight outside [0, 1), a ``budget``
        that is not positive, an unknown ``display``, or ``process=True``
        with ``figure`` and a PNG ``path``.
    TypeError
        ``logy`` neither a bool, nor a name, nor a collection of names.

    Notes
    -----
    *History.*  The display of each metric is bounded (``2 * window + 2 *
    buckets + 2`` points at most), so memory and refresh cost stop growing;
    the complete series goes to disk and is read back by :meth:`history` and
    :meth:`to_csv`.

    *Bad input.*  A value with more than one element raises ``ValueError`` at
    :meth:`log`, naming the metric, shape, dtype and device; a bit-packed
    dtype (``torch.bits8``, ...) raises ``TypeError`` there.  A NaN or
    infinite step raises ``ValueError`` (a tensor step at the refresh that
    reads it, which drops its rows).  A held value that a refresh cannot read
    (read in one batch, then again one by one) is dropped, and that refresh
    raises ``RuntimeError`` naming its metric and step once the values read
    are stored and drawn, so it never blocks a later refresh.  NaN and +-inf
    values are drawn as gaps, flagged in the panel title with the first step
    they appeared at, and exported as logged; so is a masked value
    (``np.ma.masked``, a masked array or ``MaskedTensor`` holding no value),
    as NaN.  A step lower than the previous one of a metric (a run resumed
    from a checkpoint) drops that metric's drawn points at that step and
    later, then continues; the export keeps every point in logging order.
    :meth:`close` is idempotent, and a ``with`` block closes on an exception
    too, so the PNG always holds the last complete frame.

    *Drawing process.*  Headless, each refresh sends the values new since the
    last one to a child process that keeps its own copy of the dashboard
    (built by the same code, so its frames are the frames this process would
    draw) and rewrites the PNG; a child that falls behind skips to the newest
    frame.  :meth:`refresh` and :meth:`close` also update ``figure``'s artists
    here (for ``savefig``, sphinx-gallery), and :meth:`close` waits until the
    final PNG is written.  Matplotlib's rcParams are copied to the child at
    the first refresh.  If the child cannot start or fails, a
    ``RuntimeWarning`` says why and drawing continues in this process.

    *What is drawn when.*  :meth:`show` data appears at the next refresh.
    Image panels redraw the whole figure when their image changes; metric
    and curve panels blit unless their limits or titles change.

    Examples
    --------
    >>> live = plt.Live(every=50, smooth=0.9, logy=["loss"])     # doctest: +SKIP
    >>> for step in range(1000):                                 # doctest: +SKIP
    ...     loss = train_step()
    ...     live.log(step, loss=loss, lr=sched.get_last_lr()[0])
    ...     if step % 200 == 0:
    ...         live.show("pred", x_val, model(x_val), target=y_val)
    >>> live.close()                                             # doctest: +SKIP
    """

    def __init__(
        self,
        every: int = 50,
        *,
        path: str | os.PathLike[str] | Literal[False] | None = None,
        display: Display = "auto",
        groups: Mapping[str, str | Iterable[str]] | None = None,
        smooth: float | Mapping[str, float] = 0.0,
        logy: bool | str | Collection[str] = False,
        figure: Figure | None = None,
        figsize: tuple[float, float] | None = None,
        ncols: int | None = None,
        window: int = 1000,
        buckets: int = 500,
        history_dir: str | os.PathLike[str] | None = None,
        gallery: Any = None,
        gallery_every: int = 10,
        name: str = "live",
        process: bool | None = None,
        budget: float | None = 0.02,
    ) -> None:
        _check_arguments(every, smooth, budget)
        ncols, window, buckets = _check_grid(ncols, window, buckets)
        self.every = every
        self.display = _resolve_display(display)
        groups = self._set_panel_options(groups, smooth, logy, window, buckets)
        self._make_dashboard(figure, figsize, ncols)
        if path is None and self.display == "file":
            path = "live.png"
        self._plan_drawing_process(path, process, gallery, groups, figsize, ncols)
        self._open_sinks(path, gallery, gallery_every, name, history_dir)
        self._init_bookkeeping(budget)

    def _set_panel_options(
        self,
        groups: Mapping[str, str | Iterable[str]] | None,
        smooth: float | Mapping[str, float],
        logy: bool | str | Collection[str],
        window: int,
        buckets: int,
    ) -> dict[str, list[str]]:
        """Keep what each metric panel is built with; returns ``groups`` normalised."""
        # Normalised once, so that this process and the drawing process (sent
        # these) read them alike.
        normalised = {g: _names(ms) for g, ms in (groups or {}).items()}
        self._group_of = {m: g for g, ms in normalised.items() for m in ms}
        self._smooth = smooth
        self._logy = _logy_names(logy)
        self._window, self._buckets = window, buckets
        return normalised

    def _make_dashboard(
        self, figure: Figure | None, figsize: tuple[float, float] | None, ncols: int | None
    ) -> None:
        """Adopt ``figure``, or create Live's own, and put the panel grid on it."""
        self._owns_figure = figure is None
        if figure is None:
            figure = _new_figure(self.display, figsize or _PANEL_SIZE)
        self.figure: Figure = adopt(figure)
        grow = self._owns_figure and figsize is None
        resize = _resize_per_panel(self.figure) if grow else None
        self._dash = Dashboard(self.figure, ncols=ncols, resize=resize)
        # A Live dropped without close() (made in a function that returned)
        # leaves an ordinary figure too: its animated artists would reach a
        # plain canvas.draw() only through the dashboard it no longer has.
        self._make_static = weakref.finalize(self, self._dash.make_static)
        self._make_static.atexit = False

    def _plan_drawing_process(
        self,
        path: str | os.PathLike[str] | Literal[False] | None,
        process: bool | None,
        gallery: Any,
        groups: dict[str, list[str]],
        figsize: tuple[float, float] | None,
        ncols: int | None,
    ) -> None:
        """Decide whether a child process draws the PNG, and keep what it is built with.

        The child itself starts at the first refresh (:meth:`_send_to_remote`).
        """
        if process and path and not self._owns_figure:
            # The child draws a dashboard of its own, which cannot be a copy of
            # the caller's figure (its size, dpi, other Axes): its PNG would not be
            # that figure.
            raise ValueError(
                "Live(process=True) draws Live's own figure in a child process; a figure "
                "given with figure=... is drawn in this process. Fix: leave process=None "
                "(or pass process=False) with figure=..., or drop figure=."
            )
        if process is None:
            process = self.display == "file" and self._owns_figure and gallery is None
        # ``_ops`` records what the child must replay, in order, until the
        # next refresh sends it.
        self._remote: RemoteRenderer | None = None
        self._ops: list[tuple[Any, ...]] | None = None
        self._path = os.path.abspath(os.fspath(path)) if path else None
        if process and path:
            self._ops = []
            self._remote_config: dict[str, Any] = {
                "every": 2**62,
                "path": self._path,
                "display": "none",
                "groups": groups,
                "smooth": dict(self._smooth) if isinstance(self._smooth, Mapping) else self._smooth,
                "logy": self._logy,
                "figsize": figsize,
                "ncols": ncols,
                "window": self._window,
                "buckets": self._buckets,
                "budget": None,
            }

    def _open_sinks(
        self,
        path: str | os.PathLike[str] | Literal[False] | None,
        gallery: Any,
        gallery_every: int,
        name: str,
        history_dir: str | os.PathLike[str] | None,
    ) -> None:
        """Open where frames and logged values go: PNG, notebook output, gallery, history."""
        # With a drawing process the child writes the PNG, not this process.
        self._png = PngSink(path) if path and self._ops is None else None
        self._notebook = NotebookSink() if self.display == "notebook" else None
        self._gallery = GallerySink(gallery, name, gallery_every) if gallery is not None else None
        self._store = SpillStore(history_dir)

    def _init_bookkeeping(self, budget: float | None) -> None:
        """Start with nothing logged, nothing drawn and no time spent."""
        self._pending: list[tuple[Any, list[tuple[str, Any]]]] = []
        self._panel_of: dict[str, MetricPanel] = {}
        self._last_step: float | None = None
        self._closed = False
        self.budget = budget
        self._t0: float | None = None
        self._error: Exception | None = None  # what the refresh under way raises at its end
        self._spent = 0.0  # seconds spent in refreshes
        self._cost: dict[bool, float | None] = {True: None, False: None}  # last draw, by full/blit
        #: Refreshes drawn, and automatic refreshes whose drawing was postponed (budget).
        self.refreshes = 0
        self.skipped = 0
        _watch_compile()

    # ------------------------------------------------------------------ logging

    def log(self, step: Any, /, **metrics: Any) -> None:
        """Record scalar metrics at ``step``; never waits for the device.

        Parameters
        ----------
        step : int, float, or one-element tensor or array
            The x coordinate (a tensor step is held on its device too).
        **metrics : float, or one-element tensor or array (any shape, device, dtype, grad)
            ``name=value``; each name gets a panel (see ``groups``).  A NumPy,
            JAX or CuPy array of one element (``(1,)``, ``(1, 1)``) is one
            number, as a one-element tensor is.  A masked value
            (``np.ma.masked``, a masked array or ``MaskedTensor`` holding no
            value) is NaN: a gap.

        Raises
        ------
        ValueError
            A value (or the step) has more than one element, or the step is NaN
            or infinite (a tensor step: at the refresh that reads it, which
            drops the rows logged at such steps and keeps the others).
        TypeError
            A value is not a real number (a list, tuple or nested tensor holds
            several: log one number each), holds no data (meta, fake, a lazy
            module's uninitialized parameter), is inside a ``torch.func``
            transform, or has a dtype that NumPy lacks and PyTorch cannot cast
            (bit-packed: ``torch.bits8``, ``uint4``, ...): the conversion
            rule's error, naming the metric.
        RuntimeError
            After :meth:`close`; or, from the refresh this call starts, a held
            value could not be read (see the Notes of :class:`Live`).

        A call that raises records nothing, unless the error comes from the
        refresh it starts (a tensor step that is not finite, a value that
        cannot be read): its values were recorded before that refresh.
        """
        if _traced():
            # Called in a torch.compile'd function: a graph break, and this call
            # runs as Python, on the step's computed tensors, as in eager mode.
            # Traced, its bookkeeping would be compiled into the graph, and fail.
            return untraced(Live.log)(self, step, **metrics)
        if self._closed:
            raise RuntimeError("Live.log() after close(); create a new Live to keep plotting")
        self._pending.append((hold(step, None), [(k, hold(v, k)) for k, v in metrics.items()]))
        if self._t0 is None:
            self._t0 = time.perf_counter()
        if len(self._pending) >= self.every:
            self._refresh(force=False)

    def show(
        self,
        name: str,
        *data: Any,
        target: Any = None,
        kind: Literal["line", "scatter", "image"] | None = None,
        **style: Any,
    ) -> None:
        """Show predictions (curves, points) or images in the panel ``name``, replacing the last.

        ``show(name, y)`` or ``show(name, x, y)``: a curve (``kind="scatter"``:
        points) with an optional dashed ``target`` at the same ``x``.
        ``show(name, image)`` (2-D or more): drawn by the Axes' tensor-aware
        ``imshow``.  ``kind=None`` picks ``"image"`` for one array of 2 or more
        dimensions (not a 2-D column or row such as ``(N, 1)``) and no
        ``target``, else ``"line"``; ``kind="image"`` takes one array and no
        ``target`` (``TypeError`` otherwise: show a second image or the target
        in a panel of its own).  Tensors are copied on their device (no sync),
        other values on the host (a later in-place change never reaches the
        plot), and drawn at the next refresh, masked values as
        ``plot``/``scatter``/``imshow`` draw them (a gap, no point, a
        transparent pixel).  ``style`` goes to ``plot``/``scatter``/``imshow``.

        Shapes are checked here, from metadata (curves: ``ValueError``; an
        image: what ``imshow`` would raise, for its shape and its dtype, such as
        ``TypeError`` for a complex image), and so are dtypes: curve data that is
        not numbers (text, bytes, an object array of other things) and a nested
        tensor are a ``TypeError`` naming the argument, as is a tensor the
        conversion rule would refuse (meta, fake, inside a ``torch.func``
        transform, a dtype it cannot convert).  A call that raises records
        nothing.  Only the latest data of a panel is kept until the refresh.
        """
        if _traced():  # in a torch.compile'd function: see log
            return untraced(Live.show)(self, name, *data, target=target, kind=kind, **style)
        if self._closed:
            raise RuntimeError("Live.show() after close(); create a new Live to keep plotting")
        if not 1 <= len(data) <= 2:
            raise TypeError(
                f"Live.show({name!r}, ...) takes y, (x, y) or an image, got {len(data)} arrays"
            )
        # Held first: shapes then come from metadata, also for a list of
        # tensors (np.shape would convert it: a sync per element, and an error
        # for a tensor that requires grad).
        where = f"Live.show({name!r})"
        held = [hold_array(d, f"{where} argument data[{i}]") for i, d in enumerate(data)]
        if kind == "image":
            _one_image(name, len(data), target)
        shape = shape_of(held[0], where)
        if kind is None:
            kind = (
                "image"
                if len(data) == 1
                and target is None
                and len(shape) >= 2
                and not (len(shape) == 2 and 1 in shape)
                else "line"
            )
        if kind not in ("line", "scatter", "image"):
            raise ValueError(
                f"Live.show(kind=...) must be 'line', 'scatter' or 'image', got {kind!r}"
            )
        # Everything is checked before anything is recorded: a call that
        # raises leaves no panel and no operation for the drawing process.
        # Shapes are metadata: checked now, converted at the next refresh.
        has_target = kind != "image" and target is not None
        if kind == "image":
            arrays = held[:1]
            image_shapes(name, shape, is_torch(held[0]), style)
            error = image_dtype_error(held[0], f"{where} argument data[0]")
            if error is not None:
                raise error
        else:
            labels = [f"{where} argument data[{i}]" for i in range(len(held))]
            arrays = held
            if has_target:
                labels.append(f"{where} argument 'target'")
                arrays = [*held, hold_array(target, labels[-1])]
            curve_shapes(name, [shape_of(a, where) for a in arrays], has_target)
            for array, label in zip(arrays, labels, strict=True):
                error = curve_dtype_error(array, label)
                if error is not None:
                    raise error
        for _, items in self._pending:  # metrics logged first get their panels first
            for metric, _ in items:
                if metric not in self._panel_of:
                    self._metric_panel(metric)
        panel = self._dash.panels.get(name)
        wanted = ImagePanel if kind == "image" else ShowPanel
        if panel is not None and (
            type(panel) is not wanted or (isinstance(panel, ShowPanel) and panel.kind != kind)
        ):
            raise ValueError(f"Live.show(): panel {name!r} already shows another kind of data")
        if panel is None:
            panel = self._dash.add(
                name, ImagePanel(name) if kind == "image" else ShowPanel(name, kind)
            )
        if isinstance(panel, ImagePanel):
            panel.set(arrays[0], style)
        else:
            assert isinstance(panel, ShowPanel)
            labels = ["prediction", "target"] if has_target else [name]
            panel.set(arrays, labels, style)
        if self._ops is not None:
            self._record_show(("show", name, kind, arrays, has_target, style))

    def _record_show(self, op: tuple[Any, ...]) -> None:
        """Record a ``show`` for the drawing process, replacing one of the same panel not yet sent.

        Only the newest data of a panel is drawn, so only it is kept (on its
        device) and sent at the next refresh.  It takes the replaced
        operation's place: the first ``show`` of a panel creates it in the
        drawing process, in the order this process created its panels.
        """
        assert self._ops is not None
        for i, old in enumerate(self._ops):
            if old[0] == "show" and old[1] == op[1]:
                self._ops[i] = op
                return
        self._ops.append(op)

    # ------------------------------------------------------------------ refresh

    def _metric_panel(self, metric: str) -> MetricPanel:
        panel = self._panel_of.get(metric)
        if panel is None:
            title = self._group_of.get(metric, metric)
            existing = self._dash.panels.get(title)
            if existing is not None and not isinstance(existing, MetricPanel):
                raise ValueError(f"Live.log(): {metric!r} names a panel that Live.show() uses")
            weight = (
                self._smooth.get(metric, 0.0) if isinstance(self._smooth, Mapping) else self._smooth
            )
            if existing is None:
                logy = (
                    self._logy
                    if isinstance(self._logy, bool)
                    else (title in self._logy or metric in self._logy)
                )
                existing = MetricPanel(title, log=logy, window=self._window, buckets=self._buckets)
                # Added once it holds the metric: a failure leaves no empty panel.
                existing.add_metric(metric, weight)
                self._dash.add(title, existing)
            else:
                existing.add_metric(metric, weight)
            panel = self._panel_of[metric] = existing
            if self._ops is not None:
                self._ops.append(("metric", metric))
        return panel

    def _ingest(self) -> None:
        """Store the pending rows; raise what :meth:`_take_in` reports, once they are stored."""
        error = self._take_in()
        if error is not None:
            raise error

    def _take_in(self) -> Exception | None:
        """Store the pending rows (history, panels, the drawing process's next rows).

        Returns the error to raise once the refresh is done, or None: a value
        that could not be read (:func:`_unread_error`), a tensor step that is
        NaN or infinite, or a metric that cannot have a panel (its name is a
        :meth:`show` panel's: its values are dropped).  Either way the pending
        rows are gone and the other values read are stored: one bad value
        never blocks a later refresh.
        """
        rows = self._pending
        if not rows:
            return None
        leaves: list[Any] = []
        step_slot: list[int] = []
        by_name: dict[str, tuple[list[int], list[int]]] = {}
        for i, (step, items) in enumerate(rows):
            step_slot.append(len(leaves))
            leaves.append(step)
            for name, value in items:
                rows_of, slots = by_name.setdefault(name, ([], []))
                rows_of.append(i)
                slots.append(len(leaves))
                leaves.append(value)
        try:
            # A masked value is a gap: NaN (as_float, inlined: this runs for every value).
            hidden = np.ma.masked
            flat = np.array(
                [math.nan if v is hidden else float(v) for v in to_host(leaves, where="Live.log()")]
            )
            unread: dict[int, Exception] = {}
        except Exception:
            # Read again one by one: what can be read is stored, and a value
            # that cannot be (named by the error) is dropped rather than kept
            # pending, where it would fail every later refresh.
            flat, unread = _read_each(leaves)
        self._pending = []
        steps = flat[step_slot]
        read: np.ndarray | None = None
        if unread:
            read = np.ones(len(leaves), dtype=bool)
            read[list(unread)] = False
        # A tensor step is read here, not in log() (which never syncs): one
        # that is NaN or inf (or unread) cannot be placed on the step axis, so
        # its rows are dropped and the error returned once the others are stored.
        finite = np.isfinite(steps)
        new = {}
        refused: Exception | None = None
        for name, (rows_of, slots) in by_name.items():
            keep = finite[rows_of] if read is None else finite[rows_of] & read[slots]
            s, v = steps[rows_of][keep], flat[slots][keep]
            if not len(s):
                continue
            try:
                panel = self._metric_panel(name)
            except Exception as exc:
                # A name that Live.show() uses: neither stored nor drawn, while
                # the other metrics are; nothing is left half-registered.
                refused = refused or exc
                continue
            self._store.append(name, s, v)
            panel.ingest(name, s, v)
            new[name] = (s, v)
        if finite.any():
            self._last_step = float(steps[finite][-1])
            if self._ops is not None:
                self._ops.append(("rows", new, self._last_step))
        # A step read as NaN or inf (an unread one is NaN too, and named by its own error).
        unread_steps = [i for i, slot in enumerate(step_slot) if slot in unread]
        nonfinite = np.flatnonzero(~finite)
        bad_step = next((i for i in nonfinite if i not in unread_steps), None)
        also = refused if bad_step is None else step_error(float(steps[bad_step]))
        if unread:
            return _unread_error(rows, steps, unread, also)
        return also

    def refresh(self) -> None:
        """Bring everything logged or shown so far onto the figure and out to the display now.

        Explicit calls always draw; the automatic refreshes of :meth:`log`
        respect ``budget``.
        """
        self._refresh(force=True)

    def _send_to_remote(self) -> bool:
        """Send what is new to the drawing process, with a draw; False: draw here instead."""
        if self._ops is None:
            return False
        if not self._ops:
            return True  # nothing new to draw
        if self._remote is None:
            share = None if self.budget is None else min(1.0, self.budget * SHARE_PER_BUDGET)
            self._remote = RemoteRenderer(self._remote_config, share)
        if self._remote.failed is None:
            ops, self._ops = self._ops, []
            for i, op in enumerate(ops):
                if op[0] == "show":
                    name, kind, arrays, has_target, style = op[1:]
                    flags = [is_torch(a) for a in arrays]
                    hosted = to_host(arrays, where=f"Live.show({name!r})")
                    ops[i] = ("show", name, kind, hosted, flags, has_target, style)
            self._remote.send([*ops, ("draw",)])
            return True
        self._draw_here()
        return False

    def _draw_here(self) -> None:
        """Stop using the failed drawing process: this process writes the PNG from now on."""
        assert self._remote is not None and self._remote.failed is not None
        why = self._remote.failed.strip().splitlines()[-1]
        warnings.warn(
            f"torchplot.Live: {why}; drawing continues in the training process", RuntimeWarning, 3
        )
        self._ops = None
        if self._path is not None:
            self._png = PngSink(self._path)

    def _refresh(self, force: bool) -> None:
        error = self._refreshed(force)
        if error is not None:
            raise error

    def _refreshed(self, force: bool) -> Exception | None:
        """Refresh; returns the error of a value or step it could not store, or None.

        The caller raises it once the refresh is done: the values read are
        drawn (and sent to the drawing process) first.
        """
        if self._closed:
            return None
        self._error = None
        try:
            self._refresh_once(force)
        finally:
            error, self._error = self._error, None
        return error

    def _take_in_now(self) -> None:
        """:meth:`_take_in`, its error kept for the end of the refresh (the first one)."""
        error = self._take_in()
        if self._error is None:
            self._error = error

    def _refresh_once(self, force: bool) -> None:
        if self._ops is not None:
            self._take_in_now()
            if self._send_to_remote():
                if force:
                    # Explicit refresh: ``figure`` here is brought up to date
                    # too (for savefig); the child draws the PNG.
                    self._dash.update()
                self.refreshes += 1
                return
        start = time.perf_counter()
        try:
            self._take_in_now()  # always: keeps the pending buffer (device memory) bounded
            if not self._dash.stale:
                return  # nothing new since the last drawn frame
            budget = None if force else self.budget
            allowed = math.inf if budget is None else budget * (start - (self._t0 or start))
            known = [c for c in self._cost.values() if c is not None]
            if known and self._spent + min(known) > allowed:
                # Not even the cheapest draw fits: skip the artist updates too
                # (an image panel's is a whole imshow).  The axis limits keep
                # some history, so the figure may then end with other limits
                # than with ``budget=None`` (see the ``budget`` parameter).
                self.skipped += 1
                return
            full = self._dash.update()
            est = self._cost[full]
            if est is not None and self._spent + est > allowed:
                self.skipped += 1
                return
            t_draw = time.perf_counter()
            self._dash.draw(window=self.display == "window")
            self._emit()
            cost = self._cost[full] = time.perf_counter() - t_draw
            if self.refreshes == 0:
                # The first frame is setup, like creating the figure: drawn at
                # once and not charged, or it would hold back the next ones.
                start += cost
            self.refreshes += 1
        finally:
            self._spent += time.perf_counter() - start

    def _emit(self) -> None:
        if self._png is not None or self._notebook is not None:
            frame = np.array(self.figure.canvas.buffer_rgba())  # type: ignore[attr-defined]
            # Drawn over an opaque background, every pixel stays opaque.
            opaque = to_rgba(self.figure.get_facecolor())[3] == 1
            if self._png is not None:
                self._png.submit(frame, opaque)
            if self._notebook is not None:
                self._notebook.submit(frame, opaque)
        if self._gallery is not None:
            self._gallery.refreshed(self.figure, self._last_step)

    def close(self) -> None:
        """Final refresh, wait for the PNG to be written, last gallery snapshot.  Idempotent.

        The figure stays open (and current, if pyplot manages it), e.g. for
        ``plt.savefig`` or sphinx-gallery; ``plt.close(live.figure)`` frees it.
        It is then an ordinary figure, nothing animated: ``canvas.draw()``, a
        window, a pickled or copied figure show the final frame, also once
        this object is gone.
        """
        if self._closed:
            return
        error = None
        try:
            error = self._refreshed(force=True)
            if self._gallery is not None and self._last_step is not None:
                self._gallery.refreshed(self.figure, self._last_step, final=True)
        finally:
            self._closed = True
            self._store.close()
            if self._remote is not None:
                self._remote.close()  # waits for the final PNG
                limits: dict[str, Any] = self._remote.stats.get("limits", {})
                for panel_name, panel in self._dash.panels.items():
                    if panel_name in limits and panel.ax is not None:
                        # The child's limits followed every refresh; ours only
                        # the explicit ones: make ``figure`` match the PNG.
                        panel._set_limits(*limits[panel_name])
                # One full draw here, once per run: ``figure.canvas`` then holds
                # the final frame too, as when drawing in this process.
                self._dash.draw()
                if self._remote.failed is not None and self._ops is not None:
                    # The child's last frame may be missing: draw it here.
                    self._draw_here()
                    self._emit()
            if self._png is not None:
                self._png.close()
            self._make_static()
        if error is not None:
            raise error  # a value or step not stored, once the final frame is out

    def __enter__(self) -> Live:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    def __repr__(self) -> str:
        state = "closed" if self._closed else f"{len(self._pending)} pending"
        return (
            f"<torchplot.Live every={self.every} display={self.display!r} "
            f"metrics={self.metrics} refreshes={self.refreshes} {state}>"
        )

    # ------------------------------------------------------------------ export

    @property
    def metrics(self) -> list[str]:
        """Names of the metrics logged so far (refreshed ones), in order."""
        return self._store.names

    def history(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """The full logged series of ``name``: ``(steps, values)`` float64 arrays, in logging order.

        Includes values still pending (brought in from their devices and stored,
        as a refresh would, but not drawn: the figure waits for the next
        refresh), every point ever logged (nothing reduced), non-finite values as
        logged, and, for a resumed run, both the old and the new points.

        Raises
        ------
        RuntimeError, ValueError
            A pending value or tensor step could not be read, or is NaN or
            infinite (as :meth:`refresh` raises); the values read are stored
            and returned by the next call.
        """
        if self._pending and not self._closed:
            self._ingest()
        return self._store.read(name)

    def to_csv(self, path: str | os.PathLike[str]) -> None:
        """Write every logged point as ``metric,step,value`` rows to ``path`` (streamed).

        Values still pending are included, brought in as by :meth:`history`
        (stored, not drawn), and raise as there.
        """
        if self._pending and not self._closed:
            self._ingest()
        self._store.to_csv(path)

    @property
    def last_step(self) -> float | None:
        """The step of the last refreshed row, or None."""
        return self._last_step

    @property
    def panels(self) -> dict[str, Panel]:
        """The panels by name, in layout order (read-only use)."""
        return dict(self._dash.panels)
