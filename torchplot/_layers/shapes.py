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
  (not when ``y``, or mplot3d's ``ys``, is given by keyword); on a 3-D Axes
  also one ``(N, 3)`` tensor, ``xs, ys, zs`` its columns (not when ``zs`` is
  given); ``scatter("p", data=d)`` looks ``"p"`` up in ``d`` first, as
  Matplotlib's ``data=`` would.
* ``plot`` with a 3-D or larger tensor: an explainer of Matplotlib's own
  ``ValueError`` for data of more than 2 dims, which names neither the argument
  nor a fix, raising one that keeps Matplotlib's text and names the argument,
  its shape, dtype and device and the shapes that work.

A tensor the conversion rule refuses (meta, fake, inside a ``torch.func``
transform, a dtype NumPy lacks) gets the rule's ``TypeError`` before it is
flattened or sliced, so that the error describes the tensor as given.  A
scatter of one tensor that is not points gets Matplotlib's own ``TypeError``
(``y`` is missing), with what the one-tensor form takes.

Sparse and quantized tensors are made strided and dequantized, on their own
device, before they are flattened or indexed: neither layout supports all of
``flatten``, ``reshape`` and indexing.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from typing import Any

from matplotlib.axes import Axes

from torchplot._convert import (
    Where,
    dense_detached,
    describe,
    metadata_refused,
    refuse_unreadable,
    replaced_names,
    where_text,
)
from torchplot._frameworks import Kind, kind_of
from torchplot._native import explains, layer, resolve_data_arg

__all__: list[str] = []

Next = Callable[[tuple[Any, ...], dict[str, Any]], Any]


_TORCH = Kind.TORCH  # an Enum member read costs ten times a global read


def _is_tensor(obj: Any) -> bool:
    return kind_of(type(obj)) is _TORCH


def _method(ax: Any, name: str) -> Any:
    """The method the rule's errors name: ``Axes3D.scatter`` for a 3-D Axes (``xs``, not ``x``)."""
    return getattr(type(ax), name, None) or getattr(Axes, name)


def _where(func: Any, given: Any, position: int | None, name: str) -> Where:
    """How the rule's errors name an argument of ``func``: by position, keyword, or in ``data=``."""
    if isinstance(given, str):  # looked up in ``data=``
        return ("item", ("kwarg", func, "data"), given)
    return ("arg", func, position, 1) if position is not None else ("kwarg", func, name)


@layer("hist", order=10, keywords=())
def _hist_of_all_values(
    ax: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    given: Any = args[0] if args else kwargs.get("x")
    data = kwargs.get("data")
    # The two names hist looks up in ``data``.
    x = resolve_data_arg(kwargs, given)[0]
    weights = resolve_data_arg(kwargs, kwargs.get("weights"))[0]
    if not _is_tensor(x) or metadata_refused(x) or x.is_nested or x.ndim <= 2:
        return call_next(args, kwargs)  # (a tensor refusing its reads: the rule's error)
    func = _method(ax, "hist")
    refuse_unreadable(_where(func, given, 0 if args else None, "x"), x)
    flat = dense_detached(x).flatten()  # a view when it can be; values stay on their device
    if weights is not None and tuple(getattr(weights, "shape", ())) == tuple(x.shape):
        if _is_tensor(weights):
            refuse_unreadable(_where(func, kwargs["weights"], None, "weights"), weights)
            weights = dense_detached(weights)
        weights = weights.reshape(-1)
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


@layer("scatter", order=10, keywords=())
def _scatter_points(ax: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
    if len(args) != 1 or "y" in kwargs or "ys" in kwargs:
        return call_next(args, kwargs)
    data = kwargs.get("data")
    points = resolve_data_arg(kwargs, args[0])[0]
    if not _is_tensor(points):
        return call_next(args, kwargs)
    where = _where(_method(ax, "scatter"), args[0], 0, "x")
    refuse_unreadable(where, points)
    # On a 3-D Axes (zs not given) a point may also have three coordinates.
    widths = (2, 3) if ax.name == "3d" and "zs" not in kwargs else (2,)
    if points.is_nested or points.ndim != 2 or points.shape[1] not in widths:
        return _not_points(call_next, args, kwargs, points, where, ax.name == "3d")
    if data is not None:
        # Matplotlib's ``data=`` path tests ``y``'s truth value for a label,
        # which raises for an array, so the names it would look up are
        # looked up here and ``data`` is not passed on.
        names = replaced_names(_method(ax, "scatter"))
        kwargs = {
            k: resolve_data_arg(kwargs, v)[0] if names is None or k in names else v
            for k, v in kwargs.items()
            if k != "data"
        }
    points = dense_detached(points)
    return call_next(tuple(points[:, i] for i in range(points.shape[1])), kwargs)


def _not_points(
    call_next: Next,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    points: Any,
    where: Where,
    three_d: bool,
) -> Any:
    """Matplotlib's call as given, whose ``TypeError`` (``y`` is missing) gets the one-tensor form.

    Matplotlib itself raises, so its exception type and text are kept, for
    ``Axes3D.scatter`` (``'ys'``) and ``data=`` (its own wording) too.
    """
    try:
        return call_next(args, kwargs)
    except TypeError as exc:
        if "missing" not in str(exc):
            raise
        shapes, when = "(N, 2)", ""
        fix = "pass x and y, e.g. `scatter(points[:, 0], points[:, 1])`"
        if three_d and "zs" in kwargs:
            when = " when zs is given"
            fix = "pass xs and ys, e.g. `scatter(points[:, 0], points[:, 1], zs=...)`"
        elif three_d:
            shapes, fix = "(N, 2) or (N, 3)", "pass xs, ys and zs, e.g. `scatter(*points.T)`"
        raise TypeError(
            f"{exc} (torchplot: scatter of one tensor takes points of shape {shapes}{when}; "
            f"{where_text(where)} has {describe(points)}. Fix: {fix}, or points of shape "
            f"{shapes}.)"
        ) from exc


#: Matplotlib's error for data of more than 2 dims, and the two shapes it names.
_NOT_2D = re.compile(r"can be no greater than 2D, but have shapes (\(.*?\)) and (\(.*?\))$")


@explains("plot", ValueError)
def _plot_of_3d(error: Exception, args: tuple[Any, ...], kwargs: dict[str, Any]) -> None:
    # Matplotlib rejects such data with a ValueError of its own before it
    # draws anything, so the shapes are looked at only then; any other of its
    # ValueErrors (a format string, x and y of different lengths) is its own.
    found = _NOT_2D.search(str(error))
    if found is None:
        return
    named = {found[1], found[2]}
    # With ``data=``, Matplotlib groups the looked-up values, not the strings.
    resolved = [resolve_data_arg(kwargs, a)[0] for a in args]
    for i, role in enumerate(_plot_roles(resolved)):
        arg, given = resolved[i], args[i]
        if (
            not _is_tensor(arg)
            or arg.is_nested
            or arg.ndim < 3
            or str(tuple(arg.shape)) not in named
        ):
            continue
        where = where_text(_where(Axes.plot, given, i, "x"))
        if role == "y alone":
            fix = (
                "`t.flatten(1).T` for one line per leading index, `t.reshape(-1, t.shape[-1]).T` "
                "for one line per vector along the last dim, or `t.flatten()` for one line "
                "of all values"
            )
        else:  # its first dim pairs with the other coordinate's
            other = "y" if role == "x" else "x"
            index = ", ".join(["0"] * (arg.ndim - 2))
            fix = (
                f"`t.flatten(1)` for one line per index of its other dims, or a part of it, "
                f"e.g. `t[:, {index}]` (its first dim pairs with {other}'s)"
            )
        raise ValueError(
            f"{where} has {describe(arg)}, but plot draws 1-D data "
            f"(one line) or 2-D data (one line per column); Matplotlib: {error}. "
            f"Fix: select what to draw, with t this argument: {fix}."
        ) from error


def _plot_roles(args: Sequence[Any]) -> list[str]:
    """The role of each argument of ``plot``, grouped as Matplotlib groups them.

    Matplotlib takes two arguments at a time, and a format string after them:
    ``(x, y)``, ``(x, y, fmt)``, ``(y, fmt)`` or a last ``(y,)``.
    """
    roles: list[str] = []
    rest = list(args)
    while rest:
        this, rest = rest[:2], rest[2:]
        if rest and isinstance(rest[0], str):
            this, rest = [*this, rest[0]], rest[1:]
        fmt = len(this) > 1 and isinstance(this[-1], str)
        n = len(this) - fmt
        roles += ["y alone"] if n == 1 else ["x", "y"]
        roles += ["fmt"] * fmt
    return roles
