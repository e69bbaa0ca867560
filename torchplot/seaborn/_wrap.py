"""How a seaborn call takes tensors: convert by the one rule, then adopt what seaborn hands back.

Seaborn 0.13 turns every input into pandas objects before drawing, and pandas
cannot read a grad-tracking, bfloat16 or GPU tensor.  Worse, seaborn keys the
items of a list by their ``.name`` (``getattr(item, "name", i)``), an attribute
every ``torch.Tensor`` has (``None``), so ``histplot([t1, t2])`` collapses the
list to one key and fails with "No objects to concatenate".  Converting with
:func:`torchplot._convert.convert_call` before seaborn sees anything fixes
both: the list becomes a list of ndarrays, which have no ``.name``, so seaborn
names the series ``0, 1, ...`` exactly as it does for a list of NumPy arrays.

The seaborn-specific parts, all here:

* :data:`FRAME_ONLY`: the few callables whose ``data`` must be a DataFrame
  (seaborn rejects a dict or an array there); a dict of tensors or a 2-D
  tensor passed as their ``data`` becomes ``pandas.DataFrame(converted)``, so
  ``pairplot({"a": t1, "b": t2})`` draws what ``pairplot(pd.DataFrame(...))``
  draws.  A call without tensors is passed on untouched.
* :data:`LONG_FORM`: the callables that read a dict ``data=`` only by the
  keys their arguments name (seaborn's long-form ``PlotData``): there only
  those entries are converted, so an entry the plot does not use is never
  copied, moved to the host or required to be convertible.
* Dict views: ``histplot(runs.values())`` reaches seaborn as a view of the
  same kind over the converted values, which pandas reads as seaborn reads
  the NumPy dict's view (one row per array), not as a list.
* Errors: when seaborn (or pandas under it) raises ``ValueError``,
  ``TypeError`` or ``IndexError`` for a call that held tensors, the same
  exception type is raised again with the shape, dtype and device of each
  tensor argument appended, e.g. for vectors of mismatched length.
* Drawing: the adopted Axes a seaborn function draws on is a plain Axes for
  the duration of the call (:func:`_plain_axes`): seaborn passes Matplotlib
  only NumPy and pandas data, so the twin's wrappers would be pure overhead.
* Results: Axes, grids (``FacetGrid``, ``PairGrid``, ``JointGrid``,
  ``ClusterGrid``), ``seaborn.objects.Plot`` and its ``Plotter`` are adopted,
  so the Axes seaborn drew on, ``g.axes`` and ``g.ax_joint`` accept tensors.
  Grids and ``Plot`` get *twins* (as Matplotlib classes do in
  :mod:`torchplot._twins`): subclasses whose public methods convert their
  arguments the same way, except the methods of :data:`PASS_THROUGH`
  (``pipe``, ``apply``), which only hand their arguments to the user's own
  function and so pass them on untouched, as seaborn does.
* Functions given to a grid method (``g.map_offdiag(sns.kdeplot)``) reach
  seaborn as seaborn's own: it tells them by identity (``func is kdeplot``
  turns on a ``PairGrid``'s legend), and the grid method converts their
  keyword arguments itself.
"""

from __future__ import annotations

import contextlib
import copy
import dataclasses
import functools
import inspect
import operator
import sys
import types
import weakref
from collections import ChainMap
from collections.abc import Callable, ItemsView, Iterator, KeysView, Mapping, MappingView, Sized
from typing import Any, TypeVar, cast

import numpy as np
import pandas as pd
from matplotlib._pylab_helpers import Gcf
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import FigureBase
from seaborn.axisgrid import _BaseGrid

from torchplot._convert import convert_call, describe, needs_conversion, positional_names, to_numpy
from torchplot._frameworks import Kind, kind_of
from torchplot._twins import (
    adopt,
    build_twin,
    cached_twin,
    is_twin,
    twin_lookup,
)
from torchplot.seaborn._vectors import share, vectors_of, version_of

__all__ = ["FRAME_ONLY", "LONG_FORM", "PASS_THROUGH", "tensor_aware", "twin_of", "adopt_result"]

_F = TypeVar("_F", bound=Callable[..., Any])
_T = TypeVar("_T")

#: Qualified names of the seaborn callables whose ``data`` seaborn accepts only
#: as a DataFrame; there a dict of tensors or a 2-D tensor becomes one.
FRAME_ONLY: frozenset[str] = frozenset(
    {"pairplot", "lmplot", "FacetGrid.__init__", "PairGrid.__init__"}
)

#: Qualified names of the seaborn callables that read a dict ``data`` only by
#: the keys their arguments name, when ``x`` or ``y`` is given (long form):
#: seaborn's ``PlotData`` looks up each variable's value with ``val in data``
#: and ``data[val]`` and reads nothing else, and ``regplot``'s plotter reads
#: ``data[val]`` for its string variables.  Not listed, so all of ``data`` is
#: converted: ``relplot``, ``displot`` and ``catplot`` (they build
#: ``pd.DataFrame(data)`` for ``g.data``), :data:`FRAME_ONLY`, ``heatmap`` and
#: ``clustermap`` (``data`` is the values), and ``seaborn.objects.Plot``, which
#: keeps ``data`` and looks up keys named later (``.facet(col="run")``,
#: ``.pair(x=[...])``, ``.add(mark, color="c")``).
LONG_FORM: frozenset[str] = frozenset(
    {
        *("scatterplot", "lineplot", "histplot", "kdeplot", "ecdfplot", "rugplot"),
        *("barplot", "boxplot", "violinplot", "boxenplot", "stripplot", "swarmplot"),
        *("pointplot", "countplot", "regplot", "residplot", "jointplot", "JointGrid.__init__"),
    }
)

#: Legacy keywords with which a :data:`LONG_FORM` function reads ``data`` as a
#: whole: ``kdeplot(vertical=True)`` swaps ``data`` and ``y``, ``rugplot(a=...,
#: axis=...)`` makes ``data`` the vector.
_DATA_AS_VECTOR: dict[str, frozenset[str]] = {
    "kdeplot": frozenset({"vertical"}),
    "rugplot": frozenset({"a", "axis"}),
}

#: :data:`LONG_FORM` functions that read ``data`` as wide form unless both ``x``
#: and ``y`` are given: ``jointplot(kind="hist")`` draws each marginal with
#: only one of them, and a missing one makes that ``histplot`` wide form.
_BOTH_AXES: frozenset[str] = frozenset({"jointplot"})

#: Variable values a :data:`LONG_FORM` function makes up and looks up in
#: ``data``: ``countplot(x=...)`` sets ``y = 1`` (and ``x = 1`` for ``y=``).
_MADE_UP_VALUES: dict[str, tuple[Any, ...]] = {"countplot": (1,)}

#: Public methods of the grid and ``Plot`` twins whose arguments are passed on
#: to seaborn untouched, with the reason.  Each only hands its arguments to a
#: function the user gave it, which gets what seaborn would give it: the
#: tensor itself, not an array.  The twin still adopts the figure and the
#: result, as it does for every method.  Not listed: ``map``,
#: ``map_dataframe``, ``map_diag``, ``map_lower``, ``map_upper``,
#: ``map_offdiag``, ``plot``, ``plot_joint`` and ``plot_marginals``, whose
#: keyword arguments reach plotting functions beside the grid's own arrays.
PASS_THROUGH: dict[str, str] = {
    "pipe": "grid.pipe(func, *args, **kwargs) returns func(grid, *args, **kwargs), nothing else",
    "apply": "grid.apply(func, *args, **kwargs) calls func(grid, *args, **kwargs), returns grid",
}

#: Exceptions re-raised with the tensors' descriptions: the types seaborn,
#: pandas and NumPy use for bad shapes and lengths.
_DESCRIBED_ERRORS = (ValueError, TypeError, IndexError)

#: At most this many tensor descriptions are appended to an error; then a count.
_MAX_LISTED = 8

#: The parameters that take one data vector each, one value per observation:
#: the only tensors whose lengths must agree.  (``row`` and ``col`` are
#: vectors in ``relplot``, ``displot`` and ``catplot``.)
_DATA_VECTORS: frozenset[str] = frozenset(
    {"x", "y", "hue", "size", "style", "units", "weights", "row", "col"}
)


# --------------------------------------------------------------------------- calls


def _data_position(func: Callable[..., Any]) -> int | None:
    """Index of the ``data`` parameter among ``func``'s positional parameters."""
    names = positional_names(func)[0]
    return names.index("data") if "data" in names else None


def _as_frame(raw: Any, converted: Any) -> Any:
    if not needs_conversion(raw):
        return converted  # no tensor there: seaborn decides, as without torchplot
    if isinstance(converted, Mapping) or (
        isinstance(converted, np.ndarray) and converted.ndim == 2
    ):
        return pd.DataFrame(converted)
    return converted


def _frame_data(
    func: Callable[..., Any],
    head: tuple[Any, ...],
    raw: tuple[tuple[Any, ...], dict[str, Any]],
    new: tuple[tuple[Any, ...], dict[str, Any]],
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    (raw_args, raw_kwargs), (args, kwargs) = raw, new
    if "data" in kwargs:
        return args, {**kwargs, "data": _as_frame(raw_kwargs["data"], kwargs["data"])}
    pos = _data_position(func)
    if pos is None or not 0 <= pos - len(head) < len(args):
        return args, kwargs
    i = pos - len(head)
    return (*args[:i], _as_frame(raw_args[i], args[i]), *args[i + 1 :]), kwargs


def _tensor_leaves(obj: Any, label: str) -> list[tuple[str, Any]]:
    kind = kind_of(type(obj))
    if kind is Kind.PLAIN:
        return []
    if kind is not Kind.CONTAINER:
        return [(label, obj)]
    if isinstance(obj, Mapping):
        return [leaf for k, v in obj.items() for leaf in _tensor_leaves(v, f"{label}[{k!r}]")]
    items = (obj.start, obj.stop, obj.step) if type(obj) is slice else obj  # a slice's ends
    return [leaf for i, v in enumerate(items) for leaf in _tensor_leaves(v, f"{label}[{i}]")]


def _descriptions(obj: Any, label: str) -> list[str]:
    """``label: shape ..., dtype ..., device ...`` for each tensor in ``obj``.

    A mapping's entries are described one by one (each is a named vector); a
    sequence of alike tensors (a history of 0-d losses) is one description,
    which says how many there are.
    """
    kind = kind_of(type(obj))
    if kind is Kind.PLAIN:
        return []
    if kind is not Kind.CONTAINER:
        return [f"{label}: {describe(obj)}"]
    if isinstance(obj, Mapping):
        return [d for k, v in obj.items() for d in _descriptions(v, f"{label}[{k!r}]")]
    leaves = _tensor_leaves(obj, label)
    alike = {describe(t) for _, t in leaves}
    if len(leaves) < 2 or len(alike) > 1:
        return [f"{name}: {describe(t)}" for name, t in leaves]
    n, kind_name = len(leaves), type(obj).__name__
    if isinstance(obj, Sized) and len(obj) != n:
        items = f"{len(obj)} item{'' if len(obj) == 1 else 's'}"
        return [f"{label}: {kind_name} of {items} holding {n} tensors, each {alike.pop()}"]
    return [f"{label}: {kind_name} of {n} tensors, each {alike.pop()}"]


def _listing(descriptions: list[str]) -> str:
    """The first :data:`_MAX_LISTED` descriptions, then how many more there are."""
    if len(descriptions) <= _MAX_LISTED:
        return "; ".join(descriptions)
    more = len(descriptions) - _MAX_LISTED
    return "; ".join([*descriptions[:_MAX_LISTED], f"and {more} more"])


def _described(
    exc: BaseException,
    func: Callable[..., Any],
    head: tuple[Any, ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> BaseException | None:
    """``exc``'s type with the tensor arguments' shapes, dtypes and devices appended.

    As :func:`_descriptions` words them, at most :data:`_MAX_LISTED`: a
    message listing every tensor of a call holding thousands is unreadable.
    """
    names = positional_names(func)[0][len(head) :]
    labelled = [(names[i] if i < len(names) else f"args[{i}]", a) for i, a in enumerate(args)]
    labelled += list(kwargs.items())
    descriptions = [d for label, a in labelled for d in _descriptions(a, label)]
    if not descriptions:
        return None
    qual = getattr(func, "__qualname__", "call")
    message = f"{exc}\n(torchplot: the tensors passed to {qual}() were {_listing(descriptions)}"
    # Vectors of one plot must have one length; ``bins``, ``levels``, ``mask``
    # or the items of a wide-form list need not, so only the data vectors, or
    # pandas' own complaint (long-form ``data`` becomes a DataFrame), count.
    lengths = {
        t.shape[0]
        for label, t in labelled
        if label in _DATA_VECTORS
        and kind_of(type(t)) not in (Kind.PLAIN, Kind.CONTAINER)
        # A strided nested tensor has no ``shape`` (reading it raises).
        and not getattr(t, "is_nested", False)
        and len(getattr(t, "shape", ())) > 0
    }
    if len(lengths) > 1 or "same length" in str(exc):
        message += ". Give every vector of one plot the same length"
    message += ".)"
    try:
        return type(exc)(message)
    except Exception:  # an exception type with another constructor: keep seaborn's own
        return None


def _call(
    func: Callable[..., Any],
    head: tuple[Any, ...],
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    chain: Any = None,
) -> Any:
    """Run ``func(*head, *args, **kwargs)`` with tensors converted.

    ``head`` is ``(self,)`` for a method, ``()`` for a function; ``chain``
    the object whose chain's arrays a tensor given again comes back as
    (:mod:`torchplot.seaborn._vectors`).
    """
    args, kwargs = _settings_converted(args, kwargs)
    args, kwargs = _data_by_name(func, args, kwargs)
    slot = _long_form_slot(func, head, args, kwargs)
    if slot is None:
        new_args, new_kwargs = convert_call(args, kwargs, func, len(head), data_looked_up=False)
    else:
        new_args, new_kwargs = _long_form_converted(func, head, (args, kwargs), slot)
    if new_args is args and new_kwargs is kwargs:
        return func(*head, *args, **kwargs)  # no tensor: exactly seaborn's call
    new_args, new_kwargs = _views_rebuilt((args, kwargs), (new_args, new_kwargs))
    new_args, new_kwargs = _same_vectors((args, kwargs), (new_args, new_kwargs), chain)
    try:
        if func.__qualname__ in FRAME_ONLY:
            # Inside the ``try``: pandas' own length check runs here.
            new_args, new_kwargs = _frame_data(func, head, (args, kwargs), (new_args, new_kwargs))
        return func(*head, *new_args, **new_kwargs)
    except _DESCRIBED_ERRORS as exc:
        described = _described(exc, func, head, args, kwargs)
        if described is None:
            raise
        raise described from exc


def _data_by_name(
    func: Callable[..., Any], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``Plot(d, ...)`` as ``Plot(data=d, ...)`` when ``d`` is a mapping holding tensors.

    ``Plot.__init__(*args, data=None, ...)`` takes a leading mapping as its
    ``data`` (``_resolve_positionals``), and so does the call by name; by name,
    a tensor that cannot be converted is reported as ``data['key']``, not as
    ``args[0]['key']``.
    """
    if (
        func.__qualname__ != "Plot.__init__"
        or not args
        or "data" in kwargs  # seaborn's own error for data given twice
        or not isinstance(args[0], Mapping)
        or not needs_conversion(args[0])
    ):
        return args, kwargs
    return args[1:], {"data": args[0], **kwargs}


def _long_form_slot(
    func: Callable[..., Any], head: tuple[Any, ...], args: tuple[Any, ...], kwargs: dict[str, Any]
) -> int | str | None:
    """Where a long-form mapping ``data`` of a :data:`LONG_FORM` call is; None if not there.

    ``"data"`` for the keyword, else its index in ``args``.  None also where
    seaborn may read all of it: wide form, a legacy keyword making ``data``
    the vector, or a key that is a tensor (converted, its lookup changes).
    """
    qual = func.__qualname__
    if qual not in LONG_FORM:
        return None
    slot: int | str
    if "data" in kwargs:
        slot = "data"
        data = kwargs["data"]
    else:
        pos = _data_position(func)
        if pos is None or not 0 <= pos - len(head) < len(args):
            return None
        slot = pos - len(head)
        data = args[slot]
    given = [kwargs.get(axis) is not None for axis in ("x", "y")]
    if (
        not isinstance(data, Mapping)
        or not (all(given) if qual in _BOTH_AXES else any(given))
        or not _DATA_AS_VECTOR.get(qual, frozenset()).isdisjoint(kwargs)
        or any(map(needs_conversion, data))
    ):
        return None
    return slot


def _long_form_converted(
    func: Callable[..., Any],
    head: tuple[Any, ...],
    call: tuple[tuple[Any, ...], dict[str, Any]],
    slot: int | str,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """The call converted, of its long-form ``data`` only the entries the call names.

    The other entries stay as they are, unread: ``data`` reaches seaborn as a
    ``ChainMap`` of the converted entries over the user's mapping, which
    seaborn only asks ``val in data`` and ``data[val]`` for the values it was
    given.  The call's tensors are converted first: a 0-d tensor may name a key.
    """
    args, kwargs = call
    data = kwargs["data"] if slot == "data" else args[cast(int, slot)]
    rest = _with_data(call, slot, None)
    new_args, new_kwargs = convert_call(*rest, func, len(head), data_looked_up=False)
    read: dict[Any, Any] = {}
    for key in _keys_named(func, data, [*new_args, *new_kwargs.values()]):
        with contextlib.suppress(Exception):  # seaborn's lookup raises its own error
            read[key] = data[key]
    # Converted as an argument named ``data``: errors name ``data['key']``.
    converted = convert_call((), {"data": read}, func, len(head), data_looked_up=False)[1]["data"]
    new_data = data if converted is read else ChainMap(converted, data)
    if new_args is rest[0] and new_kwargs is rest[1] and new_data is data:
        return args, kwargs
    return _with_data((new_args, new_kwargs), slot, new_data)


def _with_data(
    call: tuple[tuple[Any, ...], dict[str, Any]], slot: int | str, data: Any
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    args, kwargs = call
    if slot == "data":
        return args, {**kwargs, "data": data}
    i = cast(int, slot)
    return (*args[:i], data, *args[i + 1 :]), kwargs


def _keys_named(func: Callable[..., Any], data: Mapping[Any, Any], values: list[Any]) -> list[Any]:
    """The keys of ``data`` that ``values`` (the call's converted arguments) name.

    More than seaborn reads (any argument, ``palette="deep"`` too, and the
    values of dict arguments, which ``jointplot`` passes on as keywords to
    ``histplot(data=data, ...)``), never less: an entry read is converted.
    """
    candidates = [*values, *_MADE_UP_VALUES.get(func.__qualname__, ())]
    candidates += [v for c in values if isinstance(c, Mapping) for v in c.values()]
    keys: list[Any] = []
    for value in candidates:
        try:
            if value in data and value not in keys:
                keys.append(value)
        except Exception:  # unhashable: no key (seaborn checks ``hash`` first)
            continue
    return keys


def _view_of(view: MappingView, items: list[Any]) -> Any:
    """A view of ``view``'s kind over a dict of the converted ``items``; ``items`` if none."""
    try:
        if isinstance(view, ItemsView):
            rebuilt: Any = dict(items).items()
        elif isinstance(view, KeysView):
            rebuilt = dict.fromkeys(items).keys()
        else:  # a values view: only its values are read, so keys are positions
            rebuilt = dict(enumerate(items)).values()
    except TypeError:  # a converted key that is an array: no dict holds it
        return items
    # Keys that are distinct tensors but equal values would merge: keep them all.
    return rebuilt if len(rebuilt) == len(items) else items


def _views_rebuilt(
    given: tuple[tuple[Any, ...], dict[str, Any]],
    converted: tuple[tuple[Any, ...], dict[str, Any]],
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``converted`` with each dict view that held tensors a dict view again.

    The rule turns a view into a list (Matplotlib's ``sanitize_sequence`` does
    the same), but seaborn treats the two apart: a list is a collection of
    series, a view goes to ``pd.DataFrame`` as is (each array a row).
    """
    (args, kwargs), (new_args, new_kwargs) = given, converted
    olds = [*args, *kwargs.values()]
    if not any(isinstance(old, MappingView) for old in olds):
        return converted
    news = [
        _view_of(old, new) if isinstance(old, MappingView) and isinstance(new, list) else new
        for old, new in zip(olds, [*new_args, *new_kwargs.values()], strict=True)
    ]
    n = len(new_args)
    return tuple(news[:n]), dict(zip(new_kwargs, news[n:], strict=True))


def _same_vectors(
    given: tuple[tuple[Any, ...], dict[str, Any]],
    converted: tuple[tuple[Any, ...], dict[str, Any]],
    chain: Any = None,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``converted`` with one array for each tensor given more than once.

    seaborn recognises one vector passed as two variables by identity
    (``Plot(color=v, marker=v)`` draws one legend for both), also across the
    calls of one ``Plot`` chain (``chain``, see
    :mod:`torchplot.seaborn._vectors`): the same tensor must become the same
    array, as the same NumPy array stays itself.
    """
    (args, kwargs), (new_args, new_kwargs) = given, converted
    news = [*new_args, *new_kwargs.values()]
    first: dict[int, Any] = {}
    for i, old in enumerate([*args, *kwargs.values()]):
        if news[i] is old:
            continue
        news[i] = first.setdefault(id(old), news[i])
        if chain is None:
            continue
        version = version_of(old)
        vectors = None if version is None else vectors_of(chain)
        if version is None or vectors is None:
            continue
        made = vectors.get(old, version)
        if made is not None:
            news[i] = first[id(old)] = made
        else:
            vectors.keep(old, version, news[i])
    n = len(new_args)
    return tuple(news[:n]), dict(zip(new_kwargs, news[n:], strict=True))


def _is_setting(value: Any) -> bool:
    """Whether ``value`` is a seaborn.objects mark, stat, move or scale (a dataclass)."""
    return (
        dataclasses.is_dataclass(value)
        and not isinstance(value, type)
        and type(value).__module__.startswith("seaborn.")
    )


def _converted_setting(obj: Any) -> Any:
    """``obj`` (``so.Dot(alpha=t)``, ``so.Hist(binrange=(t0, t1))``) with its fields converted.

    A copy, so the caller's object keeps what it was given, with every
    attribute (``Scale.tick(at=t)`` keeps its settings outside the dataclass
    fields) converted by the one rule: the plot reads numbers and arrays and
    keeps no tensor.
    """
    changed = {
        name: to_numpy(value, name=f"{type(obj).__name__}.{name.lstrip('_')}")
        for name, value in vars(obj).items()
        if needs_conversion(value)
    }
    if not changed:
        return obj
    new = copy.copy(obj)
    for name, value in changed.items():
        object.__setattr__(new, name, value)
    return new


def _settings_converted(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """``args``/``kwargs`` with seaborn.objects settings holding tensors converted."""
    if not any(map(_is_setting, args)) and not any(map(_is_setting, kwargs.values())):
        return args, kwargs
    new_args = tuple(_converted_setting(a) if _is_setting(a) else a for a in args)
    new_kwargs = {k: _converted_setting(v) if _is_setting(v) else v for k, v in kwargs.items()}
    return new_args, new_kwargs


# --------------------------------------------------------------------------- adoption


def _adopt_figure(fig: FigureBase | None) -> None:
    # ``adopt`` walks an object's children only when it swaps its class, so the
    # Axes and artists seaborn added to an already adopted figure are adopted
    # here (cheap: a cached type lookup per child).
    if fig is None:
        return
    adopt(fig)
    _adopt_inside(fig)


def _adopt_inside(parent: Artist) -> None:
    """Adopt ``parent``'s children, and those of its subfigures and (inset) Axes.

    Their own parts (a legend's texts, a container's bars) come with each
    child as it is swapped; only the holders seaborn may draw into are
    walked, so a histogram's thousand bars are looked at once.
    """
    children = parent.get_children()
    adopt(children)
    if isinstance(parent, Axes):
        for child_axes in parent.child_axes:  # inset Axes, among the children
            _adopt_inside(child_axes)
        return
    for child in children:
        if isinstance(child, (Axes, FigureBase)):
            _adopt_inside(child)


def _swap(obj: Any) -> None:
    if type(obj).__dict__.get("__tensor_base__") is None:
        obj.__class__ = twin_of(type(obj))


def adopt_result(obj: _T) -> _T:
    """Make what a seaborn call returns tensor-aware, in place; returns ``obj``.

    Grids and ``seaborn.objects.Plot`` get their twin class, Axes, grids and
    ``Plotter`` objects have their figure adopted, anything else goes to
    :func:`torchplot.adopt`.
    """
    if isinstance(obj, _BaseGrid):
        _swap(obj)
        _adopt_figure(obj.figure)
        return obj
    if isinstance(obj, Axes):
        adopt(obj)
        _adopt_figure(obj.get_figure(root=True))
        return obj
    plot_module = sys.modules.get("seaborn._core.plot")  # only there once seaborn.objects is
    if plot_module is not None:
        if isinstance(obj, plot_module.Plot):
            _swap(obj)
            return obj
        if isinstance(obj, plot_module.Plotter):
            _adopt_figure(obj._figure)
            return obj
    return adopt(obj)


#: seaborn's own function behind each :func:`tensor_aware` wrapper, and those functions.
_SEABORN_OF: dict[Callable[..., Any], Callable[..., Any]] = {}
_SEABORN_FUNCTIONS: set[Callable[..., Any]] = set()


def tensor_aware(func: _F) -> _F:
    """Wrap a seaborn function: convert tensor arguments, adopt what it returns.

    The wrapper keeps ``func``'s name, docstring and (through ``__wrapped__``)
    its ``inspect.signature``.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        with _plain_axes(args, kwargs):
            result = _call(func, (), args, kwargs)
        return adopt_result(result)

    _SEABORN_OF[wrapper] = func
    _SEABORN_FUNCTIONS.add(func)
    return cast(_F, wrapper)


def _not_users_function(value: Any) -> bool:
    """Whether ``value`` is no function but seaborn's own (which takes no tensors)."""
    if isinstance(value, types.FunctionType):
        return value in _SEABORN_FUNCTIONS
    return not callable(value)


def _seaborn_own(value: Any) -> Any:
    """seaborn's function if ``value`` is a torchplot.seaborn wrapper, else ``value``."""
    if isinstance(value, types.FunctionType):
        return _SEABORN_OF.get(value, value)
    return value


def _seaborn_functions(
    args: tuple[Any, ...], kwargs: dict[str, Any]
) -> tuple[tuple[Any, ...], dict[str, Any]] | None:
    """A grid method's arguments with seaborn's own functions for the wrappers; None if none.

    seaborn tells its functions by identity (``PairGrid`` collects the legend
    of ``histplot`` and ``kdeplot`` only if ``func is kdeplot``), and a
    wrapper has nothing to do there: the grid hands the function its own
    pandas data, and the grid method converts its keyword arguments itself.
    """
    new_args = tuple(map(_seaborn_own, args))
    new_kwargs = {k: _seaborn_own(v) for k, v in kwargs.items()}
    if all(map(operator.is_, new_args, args)) and all(
        map(operator.is_, new_kwargs.values(), kwargs.values())
    ):
        return None
    return new_args, new_kwargs


@contextlib.contextmanager
def _plain_axes(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Iterator[None]:
    """The adopted Axes a seaborn function may draw on, as plain Matplotlib Axes meanwhile.

    Everything seaborn passes to Matplotlib is NumPy or pandas (the tensors
    were converted before seaborn saw them), so on an adopted Axes each of its
    calls would only pay for the twin's wrapper: a ``histplot`` makes about
    1,000 (``add_patch``, ``update_datalim``, ``set_linewidth``: one per bar
    each).  The Axes passed in (``ax=``) or, with none, those of pyplot's
    current figure (seaborn draws on ``plt.gca()``) get their Matplotlib class
    back for the call, and their twin class after it; :func:`adopt_result`
    then adopts what seaborn added, as it does on a plain Axes.  Grid methods
    keep their adopted Axes: ``map`` runs the user's functions, which may pass
    tensors to them (unless given only seaborn's functions: :func:`_method`).
    """
    found = [a for a in (*args, *kwargs.values()) if isinstance(a, Axes)]
    if not found:
        manager = Gcf.get_active()
        if manager is not None:
            found = manager.canvas.figure.axes
    with _as_plain(found):
        yield


@contextlib.contextmanager
def _as_plain(found: list[Axes]) -> Iterator[None]:
    """The adopted Axes among ``found`` as plain Matplotlib Axes meanwhile."""
    unadopted: list[tuple[Axes, type, type]] = []
    for ax in found:
        twin: type = type(ax)
        if is_twin(twin):
            base: type = twin.__dict__["__tensor_base__"]
            ax.__class__ = base
            unadopted.append((ax, base, twin))
    try:
        yield
    finally:
        for ax, base, twin in unadopted:
            if type(ax) is base:  # not adopted again meanwhile (``torchplot.gca()``)
                ax.__class__ = twin


# --------------------------------------------------------------------------- twins

_TWINS: dict[type, type] = {}
#: As ``torchplot._twins._LOCAL_TWINS``: twins of classes made in a function.
_LOCAL_TWINS: weakref.WeakValueDictionary[type, type] = weakref.WeakValueDictionary()


def _method(func: Callable[..., Any], *, convert: bool = True) -> Callable[..., Any]:
    """A twin's method: ``func`` with its arguments converted (unless not ``convert``).

    Either way the grid's figure and the result are adopted afterwards.
    """

    @functools.wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        if convert:
            grid = isinstance(self, _BaseGrid)
            own = _seaborn_functions(args, kwargs) if grid else None
            if own is None:
                # A Plot draws later, from what its chain was given: one
                # tensor given twice must be one vector there; a grid draws now.
                result = _call(func, (self,), args, kwargs, None if grid else self)
            else:
                args, kwargs = own
                # Only seaborn's functions draw on the grid's Axes (so far as
                # no other function is given), and they pass Matplotlib only
                # NumPy and pandas: as in ``tensor_aware``, plain Axes meanwhile.
                plain = all(map(_not_users_function, (*args, *kwargs.values())))
                with _as_plain(self.figure.axes if plain else []):
                    result = _call(func, (self,), args, kwargs)
        else:
            result = func(self, *args, **kwargs)
        if isinstance(self, _BaseGrid):
            # A grid method may add Axes (``map_diag``) or artists (``map``).
            _adopt_figure(self.figure)
        result = adopt_result(result)
        if type(result) is type(self) and result is not self:
            share(self, result)  # a Plot's clone: the same chain
        return result

    return method


def twin_of(base: type[_T]) -> type[_T]:
    """The tensor-aware twin of a seaborn grid class or of ``seaborn.objects.Plot``.

    A direct subclass (created once, then cached) whose ``__init__`` and public
    methods convert tensor arguments (but for :data:`PASS_THROUGH`) and adopt
    what they return; it answers ``isinstance`` like ``base``
    (:class:`torchplot._twins.TwinMeta`), so a grid made by seaborn itself is
    an instance of ``torchplot.seaborn.FacetGrid``.
    """
    twin = _TWINS.get(base)
    if twin is None:
        twin = cached_twin(_TWINS, _LOCAL_TWINS, base, _make_twin)
    return cast(type[_T], twin)


def _make_twin(base: type) -> type:
    methods: dict[str, Callable[..., Any]] = {}
    for name in ["__init__", *(n for n in dir(base) if not n.startswith("_"))]:
        attr = inspect.getattr_static(base, name)
        if inspect.isfunction(attr):
            methods[name] = _method(attr, convert=name not in PASS_THROUGH)
    return build_twin(base, methods, __name__)


__getattr__ = twin_lookup(twin_of)
