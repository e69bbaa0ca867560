"""``hist`` of a tensor: counts computed where the tensor lives, bars drawn by Matplotlib.

Matplotlib's ``hist`` calls ``np.histogram`` on the host.  For a tensor on an
accelerator this layer computes the same counts and edges on the device
(:mod:`torchplot._histogram`, exactly NumPy's), transfers only those, and lets
Matplotlib's own ``hist`` draw them by the documented idiom
``ax.hist(bins[:-1], bins, weights=counts)``: each left edge falls in its own
bin, so Matplotlib's ``np.histogram`` returns ``counts`` unchanged, and every
later step (``density``, ``cumulative``, ``stacked``, ``histtype``, ``log``,
``orientation``, colours, labels, the returned ``n, bins, patches``) is
Matplotlib's code on the same numbers.

Matplotlib's own range logic is reproduced: without ``range=`` the range is
``(nanmin, nanmax)`` over the datasets (so NaN is ignored and infinity raises
NumPy's error), and several datasets (a 2-D tensor's columns) share the edges
of their concatenation.

What takes Matplotlib's exact path instead (``call_next``): a tensor on the
CPU (NumPy's histogram reads it in place, without the copy: not slower than
NumPy, see ``benchmarks/bench_big.py``), ``data=``, ``x`` that is not one 1-D
or 2-D tensor, empty data, ``bins='stone'``, float weights, boolean or complex
data, and any case :class:`~torchplot._histogram.Unsupported` or an error
names (so NumPy raises its own exception, with its own message).  So do data
or weights whose values the counting code cannot read as ``to_numpy`` does (a
meta tensor, a subclass, a tensor inside a ``torch.func`` transform): there
the conversion rule converts them or raises its ``TypeError``.
"""

from __future__ import annotations

import inspect
import sys
from typing import Any

import matplotlib as mpl
import numpy as np
from matplotlib.axes import Axes

from torchplot._compat import split_datasets
from torchplot._convert import in_host_memory, readable_here, to_numpy
from torchplot._histogram import Unsupported, histogram, histogram_bin_edges, nan_range
from torchplot._native import layer

__all__: list[str] = []

_SIGNATURE = inspect.signature(Axes.hist)

#: Whether a CPU tensor takes the device path too.  ``False``: on the CPU
#: NumPy's histogram of an in-place view is as fast (``benchmarks/bench_big.py``);
#: the tests set it to exercise the device code on machines without a GPU.
DEVICE_PATH_ON_CPU = False

#: NumPy dtypes a CPU tensor can be read as, in place, without torchplot's cast.
_VIEWABLE = frozenset({"float16", "float32", "float64", "int8", "int16", "int32", "int64", "uint8"})


def _host_view(torch: Any, t: Any) -> np.ndarray | None:
    """A read-only NumPy view of a plain CPU tensor, or ``None``.

    ``hist`` reads its data once to count it and keeps nothing (the artists
    hold counts and edges), so no figure can alias the tensor: the copy
    :func:`torchplot.to_numpy` makes for artists that keep their data is not
    needed here, and skipping it keeps a CPU ``hist`` at NumPy's speed.
    """
    if (
        not in_host_memory(t)
        or t.is_conj()
        or t.is_neg()
        or str(t.dtype).removeprefix("torch.") not in _VIEWABLE
    ):
        return None
    view = t.detach().numpy()
    view.flags.writeable = False
    return view


def _datasets(t: Any) -> list[Any]:
    # Matplotlib's _reshape_2D: a 1-D array is one dataset, a 2-D array's columns are datasets.
    return [t] if t.ndim == 1 else [t[:, i] for i in range(t.shape[1])]


def _weight_datasets(torch: Any, weights: Any, n: int) -> list[Any]:
    """``weights`` split into one per dataset, as Matplotlib's ``hist`` splits them.

    A tensor as its converted array is split (a column per dataset), kept on
    its device; anything else by Matplotlib's own split of what the rule hands
    it (a list is a list of rows).  :func:`~torchplot._histogram.histogram`
    converts each part.  A split Matplotlib would refuse (``n`` datasets but
    another number of weights, a scalar) is :class:`Unsupported`, or
    Matplotlib's ``TypeError``/``ValueError``, so that Matplotlib raises its own.
    """
    if weights is None:
        return [None] * n
    if isinstance(weights, torch.Tensor):
        if weights.ndim not in (1, 2):
            raise Unsupported("weights of more than 2 dims or none")
        ws = _datasets(weights)
    else:
        ws = _host_datasets(to_numpy(weights, name="weights"))
    if len(ws) != n:
        raise Unsupported("weights for another number of datasets (Matplotlib raises)")
    return ws


def _host_datasets(weights: Any) -> list[Any]:
    """Host weights split as Matplotlib's ``hist`` splits them (:func:`_compat.split_datasets`).

    A list of numbers (or of equal rows of them) is split here in one NumPy
    call: one dataset, or one per row, as Matplotlib's split makes it, which
    reads a list item by item (a second for a million weights).
    """
    if isinstance(weights, list) and weights:
        try:
            arr = np.asarray(weights)
        except ValueError:  # ragged rows: Matplotlib's own split says what it makes of them
            arr = None
        if arr is not None and arr.dtype.kind in "biuf" and arr.ndim in (1, 2):
            return [arr] if arr.ndim == 1 else list(arr)
    return split_datasets(weights, "weights")


def _matplotlib_range(datasets: list[Any]) -> tuple[Any, Any] | None:
    """The range Matplotlib's ``hist`` passes when none is given: ``(nanmin, nanmax)``."""
    xmin, xmax = np.inf, -np.inf
    for xi in datasets:
        if xi.numel():
            lo, hi = nan_range(xi)
            xmin, xmax = min(xmin, lo), max(xmax, hi)
    return (xmin, xmax) if xmin <= xmax else None


def _counts_and_edges(
    torch: Any, x: Any, weights: Any, bins: Any, bin_range: Any
) -> tuple[list[np.ndarray], np.ndarray]:
    if isinstance(bins, torch.Tensor):
        bins = to_numpy(bins, name="bins")
    if bin_range is not None:
        bin_range = to_numpy(bin_range, name="range")
    xs = _datasets(x)
    ws = _weight_datasets(torch, weights, len(xs))
    if bin_range is None:
        bin_range = _matplotlib_range(xs)
    if len(xs) > 1:
        edges, _ = histogram_bin_edges(x, bins, bin_range, weights)
        counts = [histogram(xi, edges, None, wi)[0] for xi, wi in zip(xs, ws, strict=True)]
    else:
        count, edges = histogram(xs[0], bins, bin_range, ws[0])
        counts = [count]
    return counts, edges


@layer("hist", order=20, keywords=())
def _hist_on_device(ax: Any, call_next: Any, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    torch = sys.modules.get("torch")
    if torch is None or "data" in kwargs:
        return call_next(args, kwargs)
    try:
        bound = _SIGNATURE.bind(ax, *args, **kwargs)
    except TypeError:
        return call_next(args, kwargs)  # Matplotlib raises its own error
    x = bound.arguments["x"]
    # A nested tensor is a list of datasets to Matplotlib, which the rule makes it.
    if not readable_here(x) or x.is_nested or x.ndim not in (1, 2) or x.numel() == 0:
        return call_next(args, kwargs)
    if x.device.type == "cpu" and not DEVICE_PATH_ON_CPU:
        view = _host_view(torch, x)
        if view is None:
            return call_next(args, kwargs)
        return (
            call_next((view, *args[1:]), kwargs) if args else call_next(args, {**kwargs, "x": view})
        )
    params = bound.arguments
    weights = params.get("weights")
    if isinstance(weights, torch.Tensor) and (not readable_here(weights) or weights.is_nested):
        return call_next(args, kwargs)
    bins = params.get("bins")
    if bins is None:
        bins = mpl.rcParams["hist.bins"]
    try:
        counts, edges = _counts_and_edges(torch, x, weights, bins, params.get("range"))
    except (Unsupported, ValueError, TypeError, OverflowError):
        # Not reproducible exactly, or an error: Matplotlib's path, NumPy's own exception.
        return call_next(args, kwargs)
    rest = {k: v for k, v in params.items() if k not in ("self", "x", "bins", "range", "weights")}
    rest.update(rest.pop("kwargs", {}))
    left = edges[:-1]
    if len(counts) == 1:
        return call_next((left, edges), {**rest, "weights": counts[0]})
    xs = np.repeat(left[:, None], len(counts), axis=1)
    return call_next((xs, edges), {**rest, "weights": np.stack(counts, axis=1)})
