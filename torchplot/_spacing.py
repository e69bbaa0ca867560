"""Layout spacings (``wspace=``, ``hspace=``) given as 0-d tensors.

Matplotlib's constrained layout (``layout="constrained"`` or ``"compressed"``)
hands ``wspace / ncols`` to kiwisolver, which takes only a Python ``float`` or
``int``.  The one rule makes a 0-d ``float32`` (or ``bfloat16``) tensor a
``numpy.float32`` and a ``float16`` one a ``numpy.float16``; given either,
Matplotlib fails when the figure is drawn, with an error naming neither the
argument nor the call.  A torchplot user passed a tensor, which must just work.

A Python ``float`` at the call is no fix: the same value also sets the grid
positions without a layout engine or with ``"tight"``, where Matplotlib
accepts the NumPy scalar and computes in its dtype, and torchplot's figure
must stay the one Matplotlib draws of it, to the pixel (a ``float`` of the same
value moved an edge by a pixel in 2 of 244 grids tried).  So a spacing that
came from a foreign array keeps the rule's NumPy scalar, *marked*: an instance
of a subclass of its type, which computes, compares and prints as it does.
While the constrained-layout engine runs, the spacings it reads that are
marked are the Python floats of the same values (``float32`` and ``float16``
convert exactly).  The layout starts from where the grid placed each Axes
when it was made, which Matplotlib computed with the NumPy scalar: an Axes
still there is first moved to where the floats place it (a ``float32`` cell
edge 1e-8 off moved a frame by a pixel after the layout, in 43 of 360 grids
tried).  A NumPy scalar the user passes is never marked: that call fails as
it does under Matplotlib (promise 2).
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Mapping
from typing import Any

import numpy as np

from torchplot._convert import convert_call, positional_names

__all__ = [
    "SPACING_FUNCTIONS",
    "SPACING_METHODS",
    "convert_marking_spacings",
    "marked_spacing",
    "spacing_positions",
    "with_float_spacings",
]


class _Float32Spacing(np.float32):
    """A ``numpy.float32`` spacing converted from a foreign array (see the module docstring)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        # NumPy's own reduce rebuilds a plain float32: an unpickled figure
        # would fail to draw under constrained layout again.
        return (type(self), (float(self),))


class _Float16Spacing(np.float16):
    """A ``numpy.float16`` spacing converted from a foreign array (see the module docstring)."""

    __slots__ = ()

    def __reduce__(self) -> tuple[Any, ...]:
        return (type(self), (float(self),))


#: The rule's scalars that kiwisolver refuses, and their marked types.  A
#: ``numpy.float64`` is a Python ``float``, which it takes.
_MARKED: dict[type, type] = {np.float32: _Float32Spacing, np.float16: _Float16Spacing}
_MARKED_TYPES = frozenset(_MARKED.values())

#: The keywords, and the positional parameters of these names, taking a spacing.
_SPACINGS = ("wspace", "hspace")
#: The keywords taking a dict that may hold a spacing.
_SPACING_DICTS = ("gridspec_kw", "constrained_layout")

#: The Matplotlib methods (``Owner.name``) taking a spacing for the constrained
#: layout: as a ``wspace``/``hspace`` parameter or keyword, or in a
#: ``gridspec_kw`` or ``constrained_layout`` dict.
SPACING_METHODS = frozenset(
    {
        "ConstrainedLayoutEngine.__init__",
        "ConstrainedLayoutEngine.set",
        "Figure.__init__",
        "Figure.set_layout_engine",
        "FigureBase.add_gridspec",
        "FigureBase.subfigures",
        "FigureBase.subplot_mosaic",
        "FigureBase.subplots",
        "GridSpec.__init__",
        "GridSpec.update",
        "GridSpecFromSubplotSpec.__init__",
        "SubplotSpec.subgridspec",
    }
)

#: The pyplot functions taking one (``figure``: in ``constrained_layout``).
SPACING_FUNCTIONS = frozenset({"figure", "subplot_mosaic", "subplots"})


def marked_spacing(value: Any) -> Any:
    """A spacing the rule converted from a foreign array, marked (see the module docstring)."""
    marked = _MARKED.get(type(value))
    return value if marked is None else marked(value)


def spacing_positions(func: Callable[..., Any], self_offset: int) -> tuple[int, ...]:
    """The indices in a call's ``args`` (``self`` excluded) of ``func``'s spacing parameters."""
    positional = positional_names(func)[0]
    return tuple(i - self_offset for i, name in enumerate(positional) if name in _SPACINGS)


def convert_marking_spacings(
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    func: Callable[..., Any],
    positions: tuple[int, ...],
    self_offset: int = 0,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """:func:`torchplot._convert.convert_call`, with the spacings it converted marked.

    ``positions`` are :func:`spacing_positions`.  A spacing is marked where
    the rule changed it: a foreign array, never a value the user gave as NumPy.
    """
    new_args, new_kwargs = convert_call(args, kwargs, func, self_offset)
    if new_args is not args:
        changed = [i for i in positions if i < len(args) and new_args[i] is not args[i]]
        if changed:
            marked_args = list(new_args)
            for i in changed:
                marked_args[i] = marked_spacing(marked_args[i])
            new_args = tuple(marked_args)
    if new_kwargs is not kwargs:
        # convert_call's own copy: changing it changes nothing of the caller's.
        for key in _SPACINGS:
            if key in kwargs and new_kwargs[key] is not kwargs[key]:
                new_kwargs[key] = marked_spacing(new_kwargs[key])
        for key in _SPACING_DICTS:
            old, new = kwargs.get(key), new_kwargs.get(key)
            if new is not old and isinstance(old, Mapping) and isinstance(new, dict):
                # ``new`` is the rule's rebuilt dict, never the caller's.
                for name in _SPACINGS:
                    if name in new and new[name] is not old.get(name):
                        new[name] = marked_spacing(new[name])
    return new_args, new_kwargs


def _spacing_holders(engine: Any, fig: Any) -> list[dict[str, Any]]:
    """The namespaces in which the constrained layout of ``fig`` reads spacings.

    Its engine's parameters, and the ``__dict__`` of each grid holding an
    Axes or a subfigure (``GridSpec.wspace``, ``GridSpecFromSubplotSpec._wspace``),
    as ``matplotlib._constrained_layout.get_margin_from_padding`` reads them.
    """
    holders: list[dict[str, Any]] = []
    params = getattr(engine, "_params", None)
    if isinstance(params, dict):
        holders.append(params)
    specs = [ax.get_subplotspec() for ax in fig.axes]  # a figure's Axes include its subfigures'
    figures = list(fig.subfigs)
    while figures:
        sub = figures.pop()
        specs.append(getattr(sub, "_subplotspec", None))
        figures.extend(sub.subfigs)
    grids = {id(grid): grid for grid in (s.get_gridspec() for s in specs if s is not None)}
    holders.extend(vars(grid) for grid in grids.values())
    return holders


#: The names under which grids and the engine hold the spacings.
_SPACING_KEYS = ("wspace", "hspace", "_wspace", "_hspace")


def _floats_swapped(holders: list[dict[str, Any]]) -> list[tuple[dict[str, Any], str, Any]]:
    """Set each marked spacing in ``holders`` to its Python float; what was swapped."""
    swapped: list[tuple[dict[str, Any], str, Any]] = []
    for holder in holders:
        for key in _SPACING_KEYS:
            if type(holder.get(key)) in _MARKED_TYPES:
                swapped.append((holder, key, holder[key]))
                holder[key] = float(holder[key])
    return swapped


def _restore(swapped: list[tuple[dict[str, Any], str, Any]]) -> None:
    for holder, key, value in swapped:
        holder[key] = value


def _unmoved_axes(fig: Any, holders: list[dict[str, Any]]) -> list[tuple[Any, Any]]:
    """The Axes of ``fig`` whose grid has a marked spacing, still where that grid placed them.

    Each with its subplot spec.  An Axes a layout (or the user) has moved is
    left where it is: the layout goes on from there, as from the floats' own.
    """
    marked = {
        id(holder)
        for holder in holders
        if any(type(holder.get(key)) in _MARKED_TYPES for key in _SPACING_KEYS)
    }
    if not marked:
        return []
    unmoved = []
    for ax in fig.get_axes():
        spec = ax.get_subplotspec()
        if spec is None or id(vars(spec.get_gridspec())) not in marked:
            continue
        if ax.get_position(original=True).bounds == spec.get_position(ax.get_figure()).bounds:
            unmoved.append((ax, spec))
    return unmoved


def with_float_spacings(execute: Callable[..., Any]) -> Callable[..., Any]:
    """A constrained-layout engine's ``execute``, run with the marked spacings as floats.

    They are restored when it returns: the grid positions computed outside
    this engine (without one, or after ``set_layout_engine("none")``) stay
    Matplotlib's of the rule's NumPy scalar.
    """

    @functools.wraps(execute)
    def wrapper(self: Any, fig: Any, *args: Any, **kwargs: Any) -> Any:
        holders = _spacing_holders(self, fig)
        unmoved = _unmoved_axes(fig, holders)
        swapped = _floats_swapped(holders)
        try:
            for ax, spec in unmoved:
                ax._set_position(spec.get_position(ax.get_figure()), which="both")
            return execute(self, fig, *args, **kwargs)
        finally:
            _restore(swapped)

    return wrapper
