"""Tensor-aware twins of Matplotlib's classes, and the adoption of the objects handed out.

Why this mechanism
------------------
torchplot must accept tensors in every data-taking method of every Figure,
Axes and artist it hands out, including the artists that Matplotlib's own
methods create (``line, = ax.plot(...); line.set_ydata(t)``), while

* a call without tensors draws exactly what Matplotlib draws,
* ``torch`` and NumPy behave exactly as before (no patch of ``torch.Tensor``),
* Matplotlib objects the user gets from Matplotlib itself stay untouched.

The alternatives fail one of these:

* A subclass of ``Figure``/``Axes`` alone cannot reach the ``Line2D``,
  ``PathCollection``, ``AxesImage``, ... that Axes methods construct.
* Patching ``torch.Tensor.__array__`` changes torch for everybody.
* Patching Matplotlib's classes (or ``cbook._unpack_to_numpy``) changes every
  Matplotlib user in the process, and costs every internal call.
* Proxy objects break identity (``ax.lines[0] is line``) and ``isinstance``.

So each Matplotlib class gets, on first use, a *twin*: a direct subclass whose
public data-taking methods convert their arguments with the one rule
(:func:`torchplot._convert.convert_call`) and adopt what they return.  An
object torchplot hands out is *adopted*: its ``__class__`` is set to its twin,
which keeps identity, state, ``isinstance`` and pickling, and changes no
drawing code.  Objects created inside an adopted object's methods (the lines
of ``Axes.plot`` go through ``Axes.add_line``) are adopted on the way out, so
the whole tree the user can reach stays tensor-aware.  On the draw path a twin
wraps only the few getters that hand out objects to edit (``get_children``,
``get_layout_engine``: ``ADOPTING_GETTERS``), each a pass-through once what it
returns is adopted, so a figure renders at Matplotlib's speed.
"""

from __future__ import annotations

import functools
import importlib
import inspect
import os
import sys
import threading
import types
import weakref
from collections.abc import Callable, Iterable, MutableMapping, Sequence
from typing import Any, TypeVar

import numpy as np
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.axis import Axis
from matplotlib.cm import ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.colorizer import Colorizer, ColorizingArtist
from matplotlib.colors import Colormap, Normalize
from matplotlib.figure import FigureBase
from matplotlib.gridspec import GridSpecBase, SubplotSpec
from matplotlib.inset import InsetIndicator
from matplotlib.layout_engine import ConstrainedLayoutEngine, LayoutEngine
from matplotlib.quiver import QuiverKey
from matplotlib.table import Cell
from matplotlib.text import Annotation, Text
from matplotlib.ticker import Formatter, Locator
from matplotlib.widgets import SubplotTool, Widget

from torchplot._attributes import converting_attributes
from torchplot._compat import past_dispatch_modes
from torchplot._convert import convert_call, dispatch_modes_active, needs_conversion
from torchplot._frameworks import Kind, is_local_class, kind_of, plain_types
from torchplot._native import ExplainerSpec, Layer, LayerSpec, explainer_specs, layer_specs
from torchplot._rc import rc_params
from torchplot._spacing import (
    SPACING_METHODS,
    convert_marking_spacings,
    spacing_positions,
    with_float_spacings,
)

__all__ = [
    "CallNext",
    "adopt",
    "bind_layer",
    "build_twin",
    "cached_twin",
    "derives_from_twin",
    "is_twin",
    "twin_lookup",
    "twin_of",
]

_T = TypeVar("_T")
CallNext = Callable[[tuple[Any, ...], dict[str, Any]], Any]

#: The Matplotlib roots whose objects are adopted: artists and the objects
#: that take data for them (a norm's limits, a grid's ratios, a locator's
#: tick positions, a formatter's offset, a layout's rectangle, a slider's range).
ADOPTED_ROOTS: tuple[type, ...] = (
    Artist,
    Colorbar,
    Colorizer,
    Colormap,
    Normalize,
    ScalarMappable,
    GridSpecBase,
    SubplotSpec,
    LayoutEngine,
    Locator,
    Formatter,
    Widget,
)

#: Getters that hand out objects users edit (``ax.get_xticklabels()``,
#: ``legend.get_texts()``), wrapped to adopt what they return: the ticks, tick
#: labels and legend entries Matplotlib creates on demand.  Some run on every
#: draw (``get_children``), where what they return is adopted already.  The
#: other getters stay Matplotlib's own (many run on every draw);
#: ``tests/test_artists.py`` fails when a getter hands out a plain artist and
#: is listed neither here nor in ``NOT_ADOPTING_GETTERS``.
ADOPTING_GETTERS: frozenset[str] = frozenset(
    {
        "get_aux_axes",
        "get_axes",
        "get_bbox_patch",
        "get_celld",
        "get_children",
        "get_frame",
        "get_gridlines",
        "get_label",
        "get_layout_engine",
        "get_legend",
        "get_legend_handles_labels",
        "get_lines",
        "get_majorticklabels",
        "get_majorticklines",
        "get_minorticklabels",
        "get_minorticklines",
        "get_offset_text",
        "get_patches",
        "get_texts",
        "get_ticklabels",
        "get_ticklines",
        "get_title",
        "get_xaxis",
        "get_xgridlines",
        "get_xmajorticklabels",
        "get_xminorticklabels",
        "get_xticklabels",
        "get_xticklines",
        "get_yaxis",
        "get_ygridlines",
        "get_ymajorticklabels",
        "get_yminorticklabels",
        "get_yticklabels",
        "get_yticklines",
        "get_zaxis",
        "get_zgridlines",
        "get_zmajorticklabels",
        "get_zminorticklabels",
        "get_zticklabels",
        "get_zticklines",
    }
)

#: Public methods a twin leaves alone, with the reason.
NOT_WRAPPED: dict[str, str] = {
    "draw": "the draw path: called by Matplotlib on every render, takes a renderer",
    "draw_artist": "the blitting hot path; takes an artist, not data",
    "redraw_in_frame": "the blitting hot path; takes no data",
    "set": "Artist.set is replaced by _plain_set: routes through the wrapped set_* methods",
    "cla": "Axes.__init_subclass__ treats a 'cla' in a subclass as an override",
    "pchanged": "a notification called on every property change",
    "convert_xunits": "unit plumbing run on every recache; data entered through a wrapped method",
    "convert_yunits": "as convert_xunits",
    "convert_zunits": "as convert_xunits",
    "convert_units": "Axis unit plumbing, called by every plotting method on converted data",
    "update_units": "as convert_units",
    "update_from": "copies properties from another artist",
    "findobj": "takes a match predicate, not data",
    "contains": "takes a mouse event",
    "pick": "takes a mouse event",
    "execute": "LayoutEngine's, run on every draw; takes the figure",
    "set_axis": "takes the Axis a locator is given to",
}

#: Methods left alone on the objects of one root only, with the reason (the
#: same name takes data elsewhere: ``colormap(t)``, ``norm(t)``).
NOT_WRAPPED_FOR: dict[type, dict[str, str]] = {
    Artist: {
        "update": (
            "routes through the wrapped set_* methods (GridSpec.update, which takes "
            "numbers, is wrapped)"
        ),
    },
    Formatter: {
        "__call__": (
            "formats each tick label in every draw, with the positions Matplotlib computed; "
            "format_ticks(t) takes tensors"
        ),
    },
}

#: Properties whose setter takes data or a number (``patch.xy = t``,
#: ``fig.dpi = t``, ``norm.vcenter = t``): the twin's property converts it as
#: the setter method does.  ``tests/test_artists.py`` fails when a public
#: property with a setter is listed neither here nor in ``NOT_WRAPPED_PROPERTIES``.
DATA_PROPERTIES: frozenset[str] = frozenset(
    {
        "LABELPAD",
        # Flags: a 0-d bool tensor (``slider.active = loss < 1``) becomes a bool.
        "active",
        "clip",
        "clip_children",
        "fill",
        "frameon",
        "minor",
        "mouseover",
        "remove_overlapping_locs",
        "use_sticky_edges",
        # Data and numbers.
        "angle",
        "center",
        "d_interval",
        "extents",
        "halfrange",
        "height",
        "linear_width",
        "linthresh",
        "num2",
        "numticks",
        "orderOfMagnitude",
        "pickradius",
        "radii",
        "radius",
        "rotation",
        "rotation_point",
        "v_interval",
        "useOffset",
        "vcenter",
        "verts",
        "vmax",
        "vmin",
        "width",
        "xy",
        "xyann",
    }
)

#: Properties that hand out artists Matplotlib creates when they are read
#: (``indicator.connectors``): the twin's property adopts what they return.
#: (``indicator.rectangle`` is held from the start: ``_holdings`` adopts it.)
ADOPTING_PROPERTIES: frozenset[str] = frozenset({"connectors"})

#: Public properties with a setter that a twin leaves alone, with the reason.
NOT_WRAPPED_PROPERTIES: dict[str, str] = {
    "stale": "set on every change of every artist, draws included; takes a bool",
    "axes": "the owner, set by every add_* call (every plot); takes an Axes",
    "figure": "as axes; takes a Figure",
    "anncoords": "a coordinate system: a string, transform or artist",
    "xycoords": "as anncoords",
    "cmap": "a Colormap or its name; the object is adopted as the holder is (not one of "
    "matplotlib.cm's or seaborn.cm's, which every figure shares)",
    "norm": "as cmap: a Normalize or a scale name",
    "colorizer": "as cmap: a Colorizer",
    "converter": "a units converter object",
    "formatter": "a ticker object",
    "locator": "a ticker object",
    "minorformatter": "a ticker object",
    "minorlocator": "a ticker object",
    "edges": "a string of edge names",
    "visible_edges": "as edges",
    "isDefault_majfmt": "a bool, Matplotlib's bookkeeping",
    "isDefault_majloc": "as isDefault_majfmt",
    "isDefault_minfmt": "as isDefault_majfmt",
    "isDefault_minloc": "as isDefault_majfmt",
    "number": "the figure's number in pyplot's registry",
    "locs": "a formatter's, set by set_locs in every draw with the positions Matplotlib computed",
    "format": "a formatter's format string, set in every draw",
    "offset_string": "a string",
    "symbol": "a string",
    "direction": "a string",
    "useLocale": "a bool",
    "useMathText": "a bool",
    "usetex": "a bool",
    "activecolor": "a colour; deprecated by Matplotlib (RadioButtons' radio_props)",
    "dpi": (
        "set twice by every text extent Matplotlib measures, hundreds of times in each draw; "
        "Figure.set_dpi takes tensors"
    ),
}

#: Methods that test an argument's exact type, not ``isinstance``:
#: ``Axes3D.add_collection3d`` makes a 3-D collection only of a collection
#: whose type *is* ``PolyCollection`` (``LineCollection``, ``PatchCollection``),
#: and leaves a twin 2-D, which then fails to draw.  The argument at that
#: position (or keyword) is handed to Matplotlib as its Matplotlib class for
#: the call, and adopted again after it.
AS_MATPLOTLIB_CLASS: dict[str, tuple[int, str]] = {
    "Axes3D.add_collection3d": (0, "col"),
}


class _PlainNormalizeScale:
    """``_scale`` of the twin of ``Normalize`` itself: ``"linear"`` where Matplotlib keeps None.

    A colorbar gives a norm whose type *is* ``Normalize`` a linear axis and any
    other norm without a ``_scale`` a 'function' axis, whose ticks can land on
    other pixels.  The twin of ``Normalize`` is not ``Normalize`` itself, so it
    answers the question the colorbar asks first, ``norm._scale``, with the
    scale a plain ``Normalize`` gets.  A user's subclass (of either) reads its
    own value, as under Matplotlib.
    """

    def __get__(self, obj: Any, owner: type | None = None) -> Any:
        if obj is None:
            return self
        value = obj.__dict__.get("_scale")
        if value is None and type(obj).__dict__.get("__tensor_base__") is Normalize:
            return "linear"
        return value

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__["_scale"] = value


def _as_matplotlib_class(
    method: Callable[..., Any], position: int, name: str
) -> Callable[..., Any]:
    """``method`` handing its argument ``position`` (``name``) over as its Matplotlib class.

    See :data:`AS_MATPLOTLIB_CLASS`.
    """

    @functools.wraps(method)
    def wrapper(self: Any, *args: Any, **kwargs: Any) -> Any:
        obj = args[position] if len(args) > position else kwargs.get(name)
        base = type(obj).__dict__.get("__tensor_base__")
        if base is None:
            return method(self, *args, **kwargs)
        obj.__class__ = base
        try:
            return method(self, *args, **kwargs)
        finally:
            adopt(obj)  # as the class Matplotlib made of it (a 3-D collection)

    return wrapper


#: Getters take no data and many run on every draw.
_NOT_WRAPPED_PREFIXES = ("get_", "is_", "has_")
#: Dunders that take data or hand out objects (``table[0, 0]``, ``colormaps["viridis"]``).
_WRAPPED_DUNDERS = ("__init__", "__call__", "__getitem__")

#: The packages whose classes' methods a twin wraps (see _data_methods).
_MATPLOTLIB_PACKAGES = frozenset({"matplotlib", "mpl_toolkits"})


def _from_matplotlib(klass: type) -> bool:
    """Whether ``klass`` is Matplotlib's own (``matplotlib`` or ``mpl_toolkits``), not a user's."""
    return klass.__module__.partition(".")[0] in _MATPLOTLIB_PACKAGES


# Reading an Enum member (``Kind.PLAIN``) costs ten times a global read.
_PLAIN, _CONTAINER = Kind.PLAIN, Kind.CONTAINER
_TWINS: dict[type, type] = {}
#: Twins of classes made in a function (``is_local_class``): held by their
#: objects and subclasses only, so that a class made for each plot goes.
_LOCAL_TWINS: weakref.WeakValueDictionary[type, type] = weakref.WeakValueDictionary()
#: The twins of module-level classes (Matplotlib's and seaborn's): a set for
#: the fast membership test on adoption's path (``_adopt_items``).
_TWIN_SET: set[type] = set()


class TwinMeta(type):
    """Makes a twin class answer ``isinstance`` like its Matplotlib base.

    ``torchplot.Axes`` is the twin of ``matplotlib.axes.Axes``; code written
    for pyplot (``isinstance(ax, plt.Axes)``) must keep working for an Axes that
    seaborn or Matplotlib created.  ``issubclass`` is left to ``type``: an
    override recurses through ``ABCMeta``'s subclass walk.
    """

    def __instancecheck__(cls, obj: Any) -> bool:
        base = cls.__dict__.get("__tensor_base__")
        return isinstance(obj, base) if base is not None else super().__instancecheck__(obj)


def _qualname_for(base: type) -> str:
    # Encodes the base's import path so that ``pickle`` can find the twin
    # through this module's ``__getattr__`` in a fresh process.  A class
    # defined in a function has none: its twin keeps the base's name, which
    # ``pickle`` refuses as it refuses the base ("Can't pickle local object").
    if is_local_class(base):
        return base.__qualname__
    return f"{base.__module__.replace('.', '/')}:{base.__qualname__.replace('.', '/')}"


def _takes_arguments(func: Callable[..., Any]) -> bool:
    code = getattr(func, "__code__", None)
    if code is None:
        return True
    return (
        code.co_argcount > 1
        or bool(code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS))
        or (code.co_kwonlyargcount > 0)
    )


def _forward(
    func: Callable[..., Any], self: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``func(self, *args, **kwargs)``, with a fixed argument list where it can be.

    CPython runs a call of a Python function with a fixed argument list in the
    caller's interpreter loop, but re-enters the loop from C for a call that
    unpacks ``*args`` or ``**kwargs``.  Every twin method forwards its call
    (a small ``ax.plot`` forwards twice: Axes.plot, then Axes.add_line), and
    most internal calls (``add_line(line)``, ``set_color(c)``) take one
    positional argument.
    """
    if not kwargs:
        n = len(args)
        if n == 1:
            return func(self, args[0])
        if n == 2:
            return func(self, args[0], args[1])
        if n == 3:
            return func(self, args[0], args[1], args[2])
        if n == 0:
            return func(self)
    return func(self, *args, **kwargs)


def _exact_parameters(func: Callable[..., Any]) -> tuple[str, ...] | None:
    """``func``'s parameter names when it takes only 2 to 5 plain positional-or-keyword ones."""
    code = getattr(func, "__code__", None)
    if (
        code is None
        or code.co_flags & (inspect.CO_VARARGS | inspect.CO_VARKEYWORDS)
        or code.co_kwonlyargcount
        or code.co_posonlyargcount
        or not 2 <= code.co_argcount <= 5
    ):
        return None
    names: tuple[str, ...] = code.co_varnames[: code.co_argcount]
    return None if any(n.startswith("_tp_") for n in names) else names


@functools.cache
def _exact_template(arity: int) -> types.CodeType:
    """The code of a twin method taking ``self`` and ``arity`` plain parameters.

    Compiled once per arity; each method gets a copy with its own parameter
    names (``CodeType.replace``) and its own globals, so building the twins of
    Matplotlib's classes (hundreds of such methods) compiles nothing.
    """
    params = ", ".join(f"_tp_p{i}" for i in range(arity))
    not_plain = " or ".join(f"type(_tp_p{i}) not in _tp_plain_types" for i in range(arity))
    source = f"""\
def _tp_method(_tp_self, {params}):
    if {not_plain}:
        return _tp_general(_tp_self, {params})
    _tp_result = _tp_func(_tp_self, {params})
    _tp_action = _tp_adopt(type(_tp_result), _tp_adopt_new)
    if _tp_action is not None:
        _tp_action(_tp_result)
    return _tp_result
"""
    namespace: dict[str, Any] = {}
    exec(compile(source, "<torchplot twin method>", "exec"), namespace)
    code: types.CodeType = namespace["_tp_method"].__code__
    return code


def _exact_method(
    func: Callable[..., Any], names: tuple[str, ...], general: Callable[..., Any]
) -> Callable[..., Any]:
    """The twin method of a ``func`` with a fixed parameter list, taking that very list.

    CPython calls a Python function whose parameters are all plain
    positional-or-keyword ones in the caller's interpreter loop, without
    packing a tuple and a dict; a ``*args, **kwargs`` wrapper re-enters the
    loop from C.  Most methods that Matplotlib calls on the objects it hands
    out while plotting take such a list (``Axes.add_line(self, line)``, on
    every ``plot``), so their twins take the same parameters: the same names,
    the same defaults (keyword calls and omitted arguments work as before).
    Measured with callgrind, ``ax.plot``'s cost over a plain Axes fell from
    1.54% to 0.73% of its instructions.  A call with anything but plain
    arguments goes to ``general``, the usual wrapper.
    """
    template = _exact_template(len(names) - 1)
    # The template's first names are its parameters, then its own locals.
    code = template.replace(
        co_name=func.__name__, co_varnames=(*names, *template.co_varnames[len(names) :])
    )
    namespace = {
        "_tp_plain_types": plain_types,
        "_tp_general": general,
        "_tp_func": func,
        "_tp_adopt": _ADOPT.get,
        "_tp_adopt_new": _adopt_new,
    }
    method = functools.wraps(func)(
        types.FunctionType(code, namespace, func.__name__, func.__defaults__)
    )
    _inspectable_as(method, func)
    return method


def _wrapped_method(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        # convert_call's own check, done here first: this wrapper runs on every
        # call of a public method of an adopted object, most of them plain.
        if kwargs or not plain_types.issuperset(map(type, args)):
            args, kwargs = convert_call(args, kwargs, func, 1)
        result = _forward(func, self, args, kwargs)
        # adopt(result) with its lookup inlined: every call of a twin's method ends here.
        action = _ADOPT.get(type(result), _adopt_new)
        if action is not None:
            action(result)
        return result

    # Matplotlib reads a method's keyword defaults through the bound method
    # (``ConstrainedLayoutEngine.set`` walks ``self.set.__kwdefaults__``);
    # ``method`` has no keyword-only parameters of its own for them to change.
    method.__kwdefaults__ = func.__kwdefaults__  # type: ignore[attr-defined]
    _inspectable_as(method, func)
    names = _exact_parameters(func)
    if names is not None and func.__name__.isidentifier():
        return _exact_method(func, names, method)
    return method


def _inspectable_as(method: Callable[..., Any], func: Callable[..., Any]) -> None:
    """Make ``plt.setp``/``getp`` (Matplotlib's ``ArtistInspector``) read ``method`` as ``func``.

    The inspector lists a setter's valid values from its docstring and its
    first parameter's name (``__code__.co_varnames[1]``).  A docstring
    Matplotlib inherits (``# docstring inherited``) is found by ``inspect``
    only for the function its class defines, so the wrapper gets it
    resolved; and ``method``'s ``*args`` takes ``func``'s first name.
    """
    if method.__doc__ is None:
        method.__doc__ = inspect.getdoc(func)
    code, func_code = method.__code__, getattr(func, "__code__", None)
    if func_code is None or func_code.co_argcount + func_code.co_kwonlyargcount < 2:
        return
    first = func_code.co_varnames[1]
    if first not in code.co_varnames:
        method.__code__ = code.replace(
            co_varnames=(code.co_varnames[0], first, *code.co_varnames[2:])
        )


def _all_plain(values: Iterable[Any]) -> bool:
    """Whether no value is (or holds) a foreign array: nothing the one rule would change."""
    for v in values:
        if type(v) in plain_types:
            continue
        kind = kind_of(type(v))
        if kind is _PLAIN or (kind is _CONTAINER and not needs_conversion(v)):
            continue
        return False
    return True


def bind_layer(lay: Layer, self: Any, call_next: CallNext) -> CallNext:
    """``lay`` bound to ``self`` with the rest of its chain, as a ``call_next``."""

    def call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return lay(self, call_next, args, kwargs)

    return call


def _converting_call(func: Callable[..., Any], self: Any) -> CallNext:
    """The innermost step of a layer chain: convert by the one rule, call Matplotlib."""

    # Built here rather than inside the twin method, where the closure would
    # turn ``self`` into a cell that every call, plain ones too, pays for.
    def call(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        args, kwargs = convert_call(args, kwargs, func, 1)
        return _forward(func, self, args, kwargs)

    return call


def _not_claimed_by(method: Callable[..., Any], specs: list[LayerSpec]) -> list[LayerSpec]:
    """``specs`` less the layers whose keywords ``method`` (a user's override) takes itself.

    Layers of Axes methods are registered by name, so they also see a
    registered projection's own ``plot``; one whose signature names
    ``reduce`` (``def plot(self, *args, reduce=None, **kw)``) gets it.
    """
    try:
        own = inspect.signature(method).parameters
    except (TypeError, ValueError):
        return specs
    return [spec for spec in specs if not (spec.keywords and spec.keywords & own.keys())]


def _split_chain(layers: list[Layer]) -> tuple[Layer | None, tuple[Layer, ...]]:
    if not layers:
        return None, ()
    return layers[0], tuple(reversed(layers[1:]))


def _layered_method(
    func: Callable[..., Any], specs: list[LayerSpec], explainers: Sequence[ExplainerSpec] = ()
) -> Callable[..., Any]:
    # What the layers declared (torchplot._native), turned into the two
    # questions each call asks: may it skip the chain, and which layers run.
    keywords: frozenset[str] | None = frozenset()
    for spec in specs:
        keywords = None if keywords is None or spec.keywords is None else keywords | spec.keywords
    if keywords is not None:
        # A call with ``data=`` takes the chain, whose last step reads only
        # what the call names in it (convert_call): telling whether the call
        # is plain would read every value (an ``np.load``-ed file loads each).
        keywords |= {"data"}
    # Each chain as (outermost layer or None, the others innermost first).
    every = _split_chain([spec.func for spec in specs])
    always = _split_chain([spec.func for spec in specs if spec.setting is None])
    settings = tuple({spec.setting: None for spec in specs if spec.setting is not None})
    opt_in_keywords = frozenset().union(
        *(spec.keywords for spec in specs if spec.setting is not None and spec.keywords)
    )
    # ``except ()`` catches nothing: a method without explainers needs no branch.
    explained = tuple({spec.error: None for spec in explainers})

    @functools.wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        # _all_plain settles what the set does not know: new types, containers.
        plain = plain_types.issuperset(map(type, args)) or _all_plain(args)
        if kwargs and plain:
            plain = (
                keywords is not None and keywords.isdisjoint(kwargs) and _all_plain(kwargs.values())
            )
        if plain:
            # Every layer passes such a call on untouched (the contract in
            # torchplot._native), and the one rule would change nothing: this
            # is Matplotlib's own call, without a frame per layer.
            result = _forward(func, self, args, kwargs)
        else:
            layers = always
            if settings:
                if not opt_in_keywords.isdisjoint(kwargs):
                    layers = every
                else:
                    for setting in settings:
                        if rc_params[setting] is not False:
                            layers = every
                            break
            outermost, inner = layers
            try:
                if outermost is None:
                    # _converting_call's two steps, without the closure no layer needs.
                    converted, converted_kw = convert_call(args, kwargs, func, 1)
                    result = _forward(func, self, converted, converted_kw)
                else:
                    # ``call_next`` of each layer is the rest of the chain, bound
                    # to this Axes: closures, which CPython calls in the caller's
                    # interpreter loop (a partial would re-enter it from C).
                    call = _converting_call(func, self)
                    for lay in inner:
                        call = bind_layer(lay, self, call)
                    if dispatch_modes_active():
                        # The layers' torch operations on the caller's tensors
                        # are torchplot's, not the program's: a FakeTensorMode
                        # would make their results fake.
                        with past_dispatch_modes():
                            result = outermost(self, call, args, kwargs)
                    else:
                        result = outermost(self, call, args, kwargs)
            except explained as error:
                for spec in explainers:
                    if isinstance(error, spec.error):
                        spec.func(error, args, kwargs)
                raise
        action = _ADOPT.get(type(result), _adopt_new)  # adopt(result), inlined
        if action is not None:
            action(result)
        return result

    _inspectable_as(method, func)
    return method


def _marked_method(method: Callable[..., Any], specs: list[LayerSpec]) -> Callable[..., Any]:
    """``method`` with its marked layers run first, for every call on a marked object.

    Any other object's call goes straight to ``method``: one dictionary look-up.
    """
    attributes = tuple({spec.marked: None for spec in specs})
    first, inner = _split_chain([spec.func for spec in specs])
    assert first is not None
    outermost: Layer = first

    @functools.wraps(method)
    def marked(self: Any, *args: Any, **kwargs: Any) -> Any:
        held = self.__dict__
        for attribute in attributes:
            if attribute in held:
                break
        else:
            return method(self, *args, **kwargs)

        def rest(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
            return method(self, *args, **kwargs)  # the method's own layers, rule, Matplotlib

        call: CallNext = rest
        for lay in inner:
            call = bind_layer(lay, self, call)
        if dispatch_modes_active():  # as in _layered_method
            with past_dispatch_modes():
                return outermost(self, call, args, kwargs)
        return outermost(self, call, args, kwargs)

    _inspectable_as(marked, method)
    return marked


#: One wrapper per Matplotlib function, shared by every twin that inherits it.
_WRAPPERS: dict[tuple[Callable[..., Any], bool, bool], Callable[..., Any]] = {}


def _data_methods(base: type) -> dict[str, Any]:
    is_axes = issubclass(base, Axes)
    # Layers are for artists; a registry's twin must not load them at import.
    layered = issubclass(base, Artist)
    # What ``inspect.getattr_static`` finds for each name, and the class that
    # defines it, in one pass over the MRO (a lookup per name costs
    # milliseconds per class at import).
    members: dict[str, Any] = {}
    owners: dict[str, type] = {}
    # The names a Matplotlib class in the MRO defines.  A method only a user's
    # own subclass has (``MyAxes.plot_weights(w)``) is the user's API, not
    # Matplotlib's: it gets its arguments as given, as under pyplot.  A user's
    # override of a Matplotlib method takes what Matplotlib's takes.
    matplotlibs: set[str] = set()
    for klass in reversed(base.__mro__):
        members.update(vars(klass))
        owners.update(dict.fromkeys(vars(klass), klass))
        if _from_matplotlib(klass):
            matplotlibs.update(vars(klass))
    left_alone = NOT_WRAPPED.keys() | {
        name for root, names in NOT_WRAPPED_FOR.items() if issubclass(base, root) for name in names
    }
    methods: dict[str, Any] = {}
    for name, attr in sorted(members.items()):
        if name not in matplotlibs or name in left_alone:
            continue
        if isinstance(attr, property):
            if name in DATA_PROPERTIES and inspect.isfunction(attr.fset):
                setter = _shared_wrapper(attr.fset)
                methods[name] = property(attr.fget, setter, attr.fdel, attr.__doc__)
            elif name in ADOPTING_PROPERTIES and inspect.isfunction(attr.fget):
                getter = _adopting_getter(attr.fget)
                methods[name] = property(getter, attr.fset, attr.fdel, attr.__doc__)
            continue
        if name in ADOPTING_GETTERS and inspect.isfunction(attr):
            # Artist's own (``get_label``: a string, read by every ``add_line``)
            # hand out nothing to adopt.
            if attr is not getattr(Artist, name, None):
                methods[name] = _adopting_getter(attr)
            continue
        if name.startswith("_"):
            if name not in _WRAPPED_DUNDERS:
                continue
        elif name.startswith(_NOT_WRAPPED_PREFIXES):
            continue
        if not (inspect.isfunction(attr) and _takes_arguments(attr)):
            continue
        # Layers of Axes methods are registered by name ("imshow"), those of
        # other artists' methods by the class defining them
        # ("_ImageBase.set_data"): artists reuse names (``Line2D.set_data``).
        chain = name if is_axes else f"{owners[name].__qualname__}.{name}"
        specs = layer_specs(chain) if layered else []
        if specs and not _from_matplotlib(owners[name]):
            specs = _not_claimed_by(attr, specs)
        marked = [spec for spec in specs if spec.marked is not None]
        specs = [spec for spec in specs if spec.marked is None]
        explainers = explainer_specs(chain) if layered else []
        key = (attr, bool(specs or explainers), bool(marked))
        wrapper = _WRAPPERS.get(key)
        if wrapper is None:
            if specs or explainers:
                wrapper = _layered_method(attr, specs, explainers)
            else:
                wrapper = _wrapped_method(attr)
            if marked:
                wrapper = _marked_method(wrapper, marked)
            _WRAPPERS[key] = wrapper
        qualified = f"{owners[name].__qualname__}.{name}"
        exact = AS_MATPLOTLIB_CLASS.get(qualified)
        methods[name] = _spacing_aware(
            wrapper if exact is None else _as_matplotlib_class(wrapper, *exact), attr, qualified
        )
    if issubclass(base, Artist):
        methods["set"] = _plain_set(base)
    elif inspect.isfunction(members.get("set")):
        # Not Artist.set: an ordinary data-taking method (``LayoutEngine.set(rect=t)``).
        methods["set"] = _spacing_aware(
            _shared_wrapper(members["set"]), members["set"], f"{owners['set'].__qualname__}.set"
        )
    if issubclass(base, ConstrainedLayoutEngine):
        # Not a conversion ("execute" is in NOT_WRAPPED): see torchplot._spacing.
        methods["execute"] = with_float_spacings(members["execute"])
    if members.get("__reduce__") is not object.__reduce__:
        methods["__reduce__"] = _reducing_to_twin(members["__reduce__"])
    if base is Normalize:
        methods["_scale"] = _PlainNormalizeScale()
    methods.update(converting_attributes(base))
    holdings = _holdings(base)
    if holdings:
        # ``clear`` takes no data, but makes a new title, patch, ...
        names = ("__init__", "clear") if issubclass(base, (FigureBase, Axes)) else ("__init__",)
        for name in names:
            methods[name] = _adopting_holdings(methods.get(name, members[name]), holdings)
    return methods


def _spacing_aware(
    method: Callable[..., Any], func: Callable[..., Any], qualified: str
) -> Callable[..., Any]:
    """``method``, marking the layout spacings (``wspace=t``) it converts, if ``func`` takes any.

    See :mod:`torchplot._spacing`: a spacing converted by ``method`` itself
    could not be told from a NumPy scalar the user gave.
    """
    if qualified not in SPACING_METHODS:
        return method
    positions = spacing_positions(func, 1)

    @functools.wraps(method)
    def marking(self: Any, *args: Any, **kwargs: Any) -> Any:
        args, kwargs = convert_marking_spacings(args, kwargs, func, positions, 1)
        return method(self, *args, **kwargs)

    # ``ConstrainedLayoutEngine.set`` walks ``self.set.__kwdefaults__``.
    marking.__kwdefaults__ = func.__kwdefaults__  # type: ignore[attr-defined]
    _inspectable_as(marking, func)
    return marking


def _reducing_to_twin(reduce: Callable[[Any], Any]) -> Callable[[Any], Any]:
    """``__reduce__`` of a twin whose base defines its own.

    The classes Matplotlib makes with ``cbook._make_class_factory`` (the host
    and inset Axes of ``mpl_toolkits.axes_grid1``) pickle by rebuilding the
    factory's class; the rebuilt object must come back as its twin, as the
    objects of every other adopted class do.
    """

    @functools.wraps(reduce)
    def __reduce__(self: Any) -> Any:
        reduced = reduce(self)
        if not isinstance(reduced, tuple):
            return reduced  # a global's name: pickled by reference
        make, args, *rest = reduced
        return (_rebuilt_as_twin, (make, args), *rest)

    return __reduce__


def _rebuilt_as_twin(make: Callable[..., Any], args: tuple[Any, ...]) -> Any:
    """What ``make(*args)`` rebuilds, as its twin (see :func:`_reducing_to_twin`)."""
    obj = make(*args)
    obj.__class__ = twin_of(type(obj))
    return obj


def _shared_wrapper(func: Callable[..., Any]) -> Callable[..., Any]:
    """The converting wrapper of a setter (``Rectangle.set_xy`` is also ``Rectangle.xy``'s)."""
    wrapper = _WRAPPERS.get((func, False, False))
    if wrapper is None:
        wrapper = _WRAPPERS[(func, False, False)] = _wrapped_method(func)
    return wrapper


@functools.cache
def _adopting_getter(func: Callable[..., Any]) -> Callable[..., Any]:
    @functools.wraps(func)
    def getter(self: Any, *args: Any, **kwargs: Any) -> Any:
        return adopt(func(self, *args, **kwargs))

    return getter


def _adopting_holdings(
    func: Callable[..., Any], holdings: tuple[Callable[[Any], Any], ...]
) -> Callable[..., Any]:
    """``func`` (an ``__init__``, ``Axes.clear``), then the adoption of what the object holds.

    Objects built as twins (``torchplot.Axes(fig, rect)``, a legend handle of
    a twin's class) get their parts from Matplotlib's ``__init__`` as plain
    objects, and no adoption of the tree follows, as it does for an object
    torchplot adopts; ``clear`` makes a new title and patch.
    """

    @functools.wraps(func)
    def method(self: Any, *args: Any, **kwargs: Any) -> Any:
        result = func(self, *args, **kwargs)
        for held in holdings:
            adopt(held(self))
        return result

    return method


def _plain_set(base: type) -> Callable[..., Any]:
    """``Artist.set`` with the base's signature and docstring.

    ``Artist.__init_subclass__`` rebuilds ``set`` (an ArtistInspector pass over
    every setter, ~8 ms a class) for any subclass whose ``set`` is the
    autogenerated one; the twin has exactly its base's setters, so it reuses
    the base's signature instead.  ``set`` routes through the wrapped
    ``set_*`` methods, so it takes tensors.
    """
    base_set = base.set  # type: ignore[attr-defined]

    def set(self: Any, **kwargs: Any) -> Any:
        return Artist.set(self, **kwargs)

    set.__doc__ = base_set.__doc__
    set.__qualname__ = f"{base.__qualname__}.set"
    signature = getattr(base_set, "__signature__", None)
    if signature is not None:
        set.__signature__ = signature  # type: ignore[attr-defined]
    return set


def build_twin(base: type, methods: dict[str, Callable[..., Any]], module: str) -> type:
    """A direct subclass of ``base`` holding ``methods``, found by ``pickle`` in ``module``.

    ``module`` must define ``__getattr__ = twin_lookup(<its twin_of>)``.  Shared
    by the Matplotlib twins here and the seaborn twins of ``torchplot.seaborn``.
    """
    meta = (
        TwinMeta
        if type(base) is type
        else type(f"TwinMeta_{type(base).__name__}", (TwinMeta, type(base)), {})
    )
    namespace: dict[str, Any] = {
        "__module__": module,
        "__qualname__": _qualname_for(base),
        "__doc__": base.__doc__,
        "__tensor_base__": base,
        **methods,
    }
    twin = meta(base.__name__, (base,), namespace)
    if "draw" not in namespace and "draw" in twin.__dict__:
        # Artist.__init_subclass__ wraps a ``draw`` that lacks its
        # rasterization mark into the new class: one patched on the base while
        # the twin was built (a test's ``mock.patch``).  The twin inherits the
        # base's ``draw`` instead, whatever it is later.
        del twin.draw
    if not is_local_class(base):
        _TWIN_SET.add(twin)
    return twin


#: Held while a twin is built.  Threads plotting for the first time at once
#: would each build one, and an object adopted as a twin that another thread's
#: build then replaced in the cache no longer pickles: ``pickle`` finds the
#: class by its name, which names the other one.
_BUILDING = threading.RLock()


def _new_building_lock() -> None:
    # A child forked while another thread built a twin inherits the lock held
    # by a thread it does not have: its first twin would wait forever.  A
    # half-built twin is never cached, so a fresh lock loses nothing.
    global _BUILDING
    _BUILDING = threading.RLock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_building_lock)


def cached_twin(
    cache: dict[type, type],
    local_cache: MutableMapping[type, type],
    base: type,
    make: Callable[[type], type],
) -> type:
    """The twin of ``base``, made by ``make(base)`` by one thread only, then cached.

    In ``cache``, or for a class made in a function in ``local_cache`` (weak:
    such classes come and go).  A twin, or a user's subclass of one (``class
    MyAxes(torchplot.Axes)``), is its own twin: it inherits the twin's methods.
    """
    store = local_cache if is_local_class(base) else cache
    with _BUILDING:
        twin = store.get(base)
        if twin is None:
            twin = store[base] = base if derives_from_twin(base) else make(base)
    return twin


def twin_lookup(make: Callable[[type], type]) -> Callable[[str], type]:
    """A module ``__getattr__`` that rebuilds twins from their encoded names (for ``pickle``)."""

    def lookup(name: str) -> type:
        module_path, sep, qualname = name.partition(":")
        if not sep:
            raise AttributeError(name)
        obj: Any = importlib.import_module(module_path.replace("/", "."))
        for part in qualname.split("/"):
            obj = getattr(obj, part)
        return make(obj)

    return lookup


def _make_twin(base: type) -> type:
    return build_twin(base, _data_methods(base), __name__)


def is_twin(tp: type) -> bool:
    """Whether ``tp`` is a torchplot twin class (seaborn's included)."""
    return "__tensor_base__" in tp.__dict__


def derives_from_twin(tp: type) -> bool:
    """Whether ``tp`` is a twin or a subclass of one (a user's ``class MyAxes(torchplot.Axes)``)."""
    return any(is_twin(klass) for klass in tp.__mro__)


def twin_of(base: type[_T]) -> type[_T]:
    """The tensor-aware twin of a Matplotlib class (created once, then cached).

    A twin, or a user's subclass of one (``class MyAxes(torchplot.Axes)``), is
    its own twin: it inherits the twin's methods already.
    """
    twin = _TWINS.get(base)
    if twin is None:
        twin = cached_twin(_TWINS, _LOCAL_TWINS, base, _make_twin)
    return twin


__getattr__ = twin_lookup(twin_of)


# --------------------------------------------------------------------------- adoption

#: What adopting an object does, decided once per type: ``None`` (nothing: not
#: Matplotlib's, or a twin already) or a function of the object.  One dict
#: lookup is all a twin, an array or a number costs.
_ADOPT: dict[type, Callable[[Any], object] | None] = {type(None): None}


def _adopt_items(obj: Any) -> None:
    for item in obj:
        if type(item) not in _TWIN_SET:  # most often adopted already (Axes.add_line)
            adopt(item)


def _adopt_values(obj: dict[Any, Any]) -> None:
    for item in obj.values():
        adopt(item)


def _adopt_array(obj: np.ndarray) -> None:
    if obj.dtype == object:
        for item in obj.flat:
            adopt(item)


def _adopt_streamplot(obj: Any) -> None:
    adopt(obj.lines)
    adopt(obj.arrows)


#: Getters that hand out artists but stay Matplotlib's own, with the reason.
NOT_ADOPTING_GETTERS: dict[str, str] = {
    "get_figure": "runs some hundred times in each draw; a Figure pyplot made is adopted already",
    "get_major_ticks": (
        "runs in each draw: twins of the ticks would put a wrapper on every move of every "
        "tick in every draw (+5% on a small figure's draw); their labels and lines are "
        "adopted as get_ticklabels, get_ticklines and get_gridlines hand them out"
    ),
    "get_minor_ticks": "as get_major_ticks",
    "get_major_locator": (
        "runs some forty times in each draw; the locators Matplotlib makes hold no user data "
        "(the ones users make, plt.FixedLocator(t), are twins)"
    ),
    "get_minor_locator": "as get_major_locator",
    "get_major_formatter": (
        "the formatters Matplotlib makes hold no user data (the ones users make, "
        "plt.ScalarFormatter(), are twins)"
    ),
    "get_minor_formatter": "as get_major_formatter",
    "get_gridspec": (
        "runs some forty times per Axes in each constrained-layout draw; an Axes' subplot "
        "spec and grid spec are adopted with the Axes (_axes_holdings)"
    ),
    "get_subplotspec": "as get_gridspec",
    "get_topmost_subplotspec": "as get_gridspec",
}


def _axis_holdings(axis: Axis) -> list[Any]:
    # Not the ticks: Matplotlib moves every tick on every draw, and twins of
    # them would put a wrapper on each of those calls (+5% on a small
    # figure's draw).  Tick labels and lines are adopted as the user is
    # handed them (``get_ticklabels``, ...).  A 3-D axis also holds its pane,
    # line and gridlines.
    return [axis.label, axis.offsetText, *(getattr(axis, n, None) for n in _AXIS3D_PARTS)]


_AXIS3D_PARTS = ("pane", "line", "gridlines")
_SUBPLOT_TOOL_PARTS = (
    "figure",
    "sliderleft",
    "sliderbottom",
    "sliderright",
    "slidertop",
    "sliderwspace",
    "sliderhspace",
    "buttonreset",
)
_AXIS_ARTIST_PARTS = (
    "line",
    "major_ticks",
    "major_ticklabels",
    "minor_ticks",
    "minor_ticklabels",
    "label",
    "offsetText",
)


def _axes_holdings(ax: Axes) -> list[Any]:
    spec = ax.get_subplotspec()
    return [] if spec is None else [spec, spec.get_gridspec()]


def _colorbar_holdings(colorbar: Colorbar) -> list[Any]:
    # The colorbar's Axes was adopted when it was made (``Figure.add_axes``),
    # before the colorbar filled it with its outline and solids.
    # Its mappable may be one the user made (``cm.ScalarMappable(norm, cmap)``).
    return [colorbar.ax, *colorbar.ax.get_children(), colorbar.mappable]


def _children(obj: Any) -> Any:
    return obj.get_children()


def _attributes(*names: str) -> Callable[[Any], list[Any]]:
    def holdings(obj: Any) -> list[Any]:
        return [getattr(obj, name, None) for name in names]

    return holdings


def _holdings(tp: type) -> tuple[Callable[[Any], Any], ...]:
    """How to reach, without creating anything, the objects an object of ``tp`` holds.

    What the user reaches from an adopted object (``ax.title``,
    ``ax.xaxis.label``, ``legend.legend_handles``, ``im.norm``) must take
    tensors too, and objects created before the adoption (the Axes pyplot made
    inside ``plt.plot``, a legend's texts) are adopted with their holder.
    """
    if issubclass(tp, Axis):
        return (_axis_holdings,)
    found: list[Callable[[Any], Any]] = []
    if issubclass(tp, Artist) and tp.get_children is not Artist.get_children:
        found.append(_children)
    if issubclass(tp, Axes):
        found.append(_axes_holdings)
    if issubclass(tp, Colorbar):
        found.append(_colorbar_holdings)
    if issubclass(tp, Annotation):
        found.append(_attributes("_bbox_patch", "arrow_patch"))
    elif issubclass(tp, Text):
        found.append(_attributes("_bbox_patch"))
    if issubclass(tp, InsetIndicator):
        # Its connectors are made when first read or drawn: ADOPTING_PROPERTIES.
        found.append(_attributes("_rectangle", "_connectors"))
    parasite_axes = sys.modules.get("mpl_toolkits.axes_grid1.parasite_axes")
    if parasite_axes is not None and issubclass(tp, parasite_axes.HostAxesBase):
        found.append(_attributes("parasites"))
    axis_artist = sys.modules.get("mpl_toolkits.axisartist.axis_artist")
    if axis_artist is not None and issubclass(tp, axis_artist.AxisArtist):
        # axisartist's axis lists none of its parts as children.
        found.append(_attributes(*_AXIS_ARTIST_PARTS))
    if issubclass(tp, SubplotTool):
        found.append(_attributes(*_SUBPLOT_TOOL_PARTS))
    if issubclass(tp, QuiverKey):
        found.append(_attributes("text"))
    if issubclass(tp, Cell):
        found.append(_attributes("_text"))
    if issubclass(tp, ColorizingArtist):
        found.append(_attributes("colorizer"))
    if issubclass(tp, Colorizer):
        found.append(_colorizer_holdings)
    return tuple(found)


#: Modules whose colormap objects every figure of the process shares
#: (``cmap=plt.cm.viridis``; seaborn's heatmap defaults to ``seaborn.cm.rocket``).
_SHARED_COLORMAP_MODULES = ("matplotlib.cm", "seaborn.cm")
#: ``id``s of those modules' colormaps, per module, read once it is imported.
_SHARED_COLORMAPS: dict[str, frozenset[int]] = {}


def _shared_colormap(cmap: Any) -> bool:
    """Whether ``cmap`` is a module-level colormap of Matplotlib or seaborn.

    Those stay Matplotlib's (as every global object of Matplotlib does):
    adopted, every figure of the process, tensors or not, would hold a
    torchplot class, and pickle with it.
    """
    for name in _SHARED_COLORMAP_MODULES:
        ids = _SHARED_COLORMAPS.get(name)
        if ids is None:
            module = sys.modules.get(name)
            if module is None:
                continue
            ids = _SHARED_COLORMAPS[name] = frozenset(
                id(v) for v in vars(module).values() if isinstance(v, Colormap)
            )
        if id(cmap) in ids:
            return True
    return False


def _colorizer_holdings(colorizer: Colorizer) -> list[Any]:
    cmap = colorizer.cmap
    return [colorizer.norm] if _shared_colormap(cmap) else [colorizer.norm, cmap]


def _swapper(tp: type) -> Callable[[Any], object]:
    """Adopts an object of the Matplotlib class ``tp``: its class becomes the twin."""
    twin: type = twin_of(tp)

    def swap(obj: Any) -> bool:
        try:
            obj.__class__ = twin
        except TypeError:
            # A class whose instance layout a subclass cannot share (none known
            # in Matplotlib): its objects stay plain Matplotlib objects.
            _ADOPT[tp] = None
            return False
        return True

    holdings = _holdings(tp)
    if not holdings:
        return swap  # a Line2D, on every plot: one swap, nothing else

    def swap_tree(obj: Any) -> None:
        if swap(obj):
            for held in holdings:
                adopt(held(obj))

    return swap_tree


def _adoption(tp: type) -> Callable[[Any], object] | None:
    if derives_from_twin(tp):
        return None
    if issubclass(tp, ADOPTED_ROOTS):
        return _swapper(tp)
    if issubclass(tp, np.ndarray):
        return _adopt_array
    if issubclass(tp, dict):
        return _adopt_values
    if issubclass(tp, (list, tuple)):
        return _adopt_items
    streamplot = sys.modules.get("matplotlib.streamplot")
    if streamplot is not None and issubclass(tp, streamplot.StreamplotSet):
        return _adopt_streamplot
    return None


def adopt(obj: _T) -> _T:
    """Make ``obj`` (and the Matplotlib objects inside it) tensor-aware, in place.

    Walks lists, tuples (Matplotlib's containers are tuples), dicts, object
    arrays and ``StreamplotSet``; anything else is returned untouched.
    Returns ``obj`` itself.
    """
    action = _ADOPT.get(type(obj), _adopt_new)
    if action is not None:
        action(obj)
    return obj


def _adopt_new(obj: Any) -> None:
    """``adopt(obj)`` for a type not seen yet (or made in a function: never cached)."""
    action = _adoption(type(obj))
    if not is_local_class(type(obj)):
        _ADOPT[type(obj)] = action
    if action is not None:
        action(obj)
