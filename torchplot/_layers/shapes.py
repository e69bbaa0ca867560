"""Shape rules for ``hist``, ``scatter`` and ``plot`` of tensors Matplotlib would reject.

Each rule gives a meaning only to a tensor shape Matplotlib raises on, and
leaves the data as a tensor for the next layers (device-side reductions,
orders 20-29) and the one conversion rule:

* ``hist(x)`` with ``x.ndim > 2`` (a conv weight ``(64, 3, 3, 3)``): one
  histogram of all the values, ``x.flatten()`` (Matplotlib accepts at most
  2-D, a column per dataset).  ``weights`` of the same shape is flattened too,
  and ``x`` or ``weights`` named through ``data=`` is looked up as Matplotlib
  looks it up.
* ``scatter(points)`` with one ``(N, 2)`` tensor: ``x, y = points[:, 0], points[:, 1]``
  (not when ``y``, or mplot3d's ``ys``, is given by keyword); ``scatter("p", data=d)``
  looks ``"p"`` up in ``d`` first, as Matplotlib's ``data=`` would.
* ``plot`` with a 3-D or larger tensor: an explainer of Matplotlib's own
  ``ValueError``, which names neither the argument nor a fix, raising one that
  names the argument, its shape, dtype and device and the shapes that work.

Sparse and quantized tensors are made strided and dequantized, on their own
device, before they are flattened or indexed: neither layout supports all of
``flatten``, ``reshape`` and indexing.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from torchplot._convert import describe
from torchplot._frameworks import Kind, kind_of
from torchplot._layers.images import _dense
from torchplot._native import explains, from_data, layer

__all__: list[str] = []

Next = Callable[[tuple[Any, ...], dict[str, Any]], Any]


_TORCH = Kind.TORCH  # an Enum member read costs ten times a global read


def _is_tensor(obj: Any) -> bool:
    return kind_of(type(obj)) is _TORCH


@layer("hist", order=10, keywords=())
def _hist_of_all_values(
    ax: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    given: Any = args[0] if args else kwargs.get("x")
    x, weights, data = given, kwargs.get("weights"), kwargs.get("data")
    if data is not None:  # the two names hist looks up in ``data``
        x = from_data(data, x) if isinstance(x, str) else x
        weights = from_data(data, weights) if isinstance(weights, str) else weights
    if not _is_tensor(x) or x.is_nested or x.ndim <= 2:
        return call_next(args, kwargs)
    flat = _dense(x).flatten()  # a view when it can be; values stay on their device
    if weights is not None and tuple(getattr(weights, "shape", ())) == tuple(x.shape):
        weights = (_dense(weights) if _is_tensor(weights) else weights).reshape(-1)
    kwargs = {**kwargs, "weights": weights} if "weights" in kwargs else dict(kwargs)
    if data is not None:
        # ``x`` and ``weights``, the names hist looks up, are resolved above;
        # Matplotlib's ``data=`` path would test the flat array's truth value.
        # The label it would have given, the name of ``x``, is kept.
        del kwargs["data"]
        if isinstance(given, str) and "label" not in kwargs:
            kwargs["label"] = given
    if args:
        return call_next((flat, *args[1:]), kwargs)
    return call_next(args, {**kwargs, "x": flat})


# What ``Axes.scatter`` and ``Axes3D.scatter`` look up in ``data=`` besides
# the coordinates the points give (their ``_preprocess_data(replace_names=...)``).
_SCATTER_DATA_NAMES = frozenset(
    ("s", "linewidths", "edgecolors", "c", "facecolor", "facecolors", "color")
)
_SCATTER3D_DATA_NAMES = frozenset(
    ("zs", "s", "edgecolors", "c", "facecolor", "facecolors", "color")
)


@layer("scatter", order=10, keywords=())
def _scatter_points(ax: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) != 1 or "y" in kwargs or "ys" in kwargs:
        return call_next(args, kwargs)
    points, data = args[0], kwargs.get("data")
    if data is not None and isinstance(points, str):
        points = from_data(data, points)
    if not _is_tensor(points):
        return call_next(args, kwargs)
    if data is not None:
        # Matplotlib's ``data=`` path tests ``y``'s truth value for a label,
        # which raises for an array, so the names it would look up are
        # looked up here and ``data`` is not passed on.
        names = _SCATTER3D_DATA_NAMES if hasattr(ax, "zaxis") else _SCATTER_DATA_NAMES
        kwargs = {
            k: from_data(data, v) if k in names and isinstance(v, str) else v
            for k, v in kwargs.items()
            if k != "data"
        }
    if points.is_nested or points.ndim != 2 or points.shape[1] != 2:
        raise ValueError(
            f"Axes.scatter() with one tensor argument takes points of shape (N, 2); "
            f"argument 'x' has {describe(points)}. Fix: pass x and y, e.g. "
            "`scatter(points[:, 0], points[:, 1])`, or a (N, 2) tensor."
        )
    points = _dense(points)
    return call_next((points[:, 0], points[:, 1]), kwargs)


@explains("plot", ValueError)
def _plot_of_3d(error: Exception, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # Matplotlib rejects such data with a ValueError of its own before it
    # draws anything, so the shapes are looked at only then.
    for i, arg in enumerate(args):
        if _is_tensor(arg) and not arg.is_nested and arg.ndim >= 3:
            raise ValueError(
                f"Axes.plot() positional argument {i} has {describe(arg)}, but plot draws "
                "1-D data (one line) or 2-D data (one line per column). Fix: select what "
                "to draw, e.g. `t.flatten(1).T` for one line per leading index, "
                "`t.reshape(-1, t.shape[-1]).T` for one line per vector along the last "
                "dim, or `t.flatten()` for one line of all values."
            ) from None
