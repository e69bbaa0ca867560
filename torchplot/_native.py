"""Tensor-native behaviour layered onto Matplotlib methods, before conversion.

Most of torchplot is the plain rule "convert, then let Matplotlib draw".  A few
methods do better with the tensor itself: ``imshow`` of a CHW tensor or a batch
(a grid built on the device), ``hist`` of a CUDA tensor (counts computed where
the data lives), a long ``plot`` (reduced on the device before one transfer).
Each such behaviour is a *layer* registered here for one method name:

.. code-block:: python

    @layer("hist", order=20)
    def _hist_on_device(ax, call_next, args, kwargs):
        if not <applies>:
            return call_next(args, kwargs)      # the next layer, finally Matplotlib
        ...

Layers see the raw arguments (tensors untouched), run outermost (lowest
``order``) first, and each either handles the call or passes it on, possibly
with rewritten arguments.  The innermost step is always: convert by the one
rule, call Matplotlib's method.  Layers are attached when a twin class is
built, so a method without layers costs nothing extra.

A layer must pass on untouched every call in which no argument is a foreign
array (nothing :func:`torchplot._convert.needs_conversion` would change) and
none of its own keywords appears: such a call draws exactly what Matplotlib
draws (promise 2).  Its own keywords it acts on even then: with no tensor
in the call, ``reduce=`` and ``imshow``'s ``nrow=`` raise, as Matplotlib raises
for a keyword it does not know (:mod:`torchplot._layers._tensor_keywords`).  A
layer that names its keywords (``layer(..., keywords=("reduce",))``) lets the
twin skip the whole chain for plain calls without them, which keeps a small
``ax.plot(xs, ys, color="r")`` at Matplotlib's own cost; a layer that does not
is run for every call with a keyword or a foreign array.

A shape Matplotlib rejects with an error of its own needs no layer on the
path of every call: an *explainer* (``@explains("plot", ValueError)``) runs
only when a call with a foreign array raises that error, sees the raw
arguments, and raises a clearer error naming the argument and the fix, or
returns to let Matplotlib's error through.  A call that succeeds pays
nothing for it.

An *opt-in* layer (``layer(..., keywords=("reduce",), setting="plot.reduce")``)
also passes on untouched every call, tensors or not, in which its
:data:`torchplot.rc_params` setting is ``False`` and none of its keywords
appears; the twin leaves it out of the chain for such calls, so that an
opt-in costs nothing to the calls that do not use it.

A *marked* layer (``layer("Line2D.set_ydata", order=10,
marked="_torchplot_reduction")``) runs for every call on an object holding
that instance attribute, plain calls included, and for no other call: the
object is one another layer made and marked (a line ``plot(reduce=True)``
reduced), whose every call is torchplot's to keep consistent.  Marked layers
run before the method's other layers.
"""

from __future__ import annotations

from collections import ChainMap
from collections.abc import Callable, Iterable
from typing import Any, NamedTuple

__all__ = [
    "Explainer",
    "ExplainerSpec",
    "Layer",
    "LayerSpec",
    "explainer_specs",
    "explains",
    "from_data",
    "layer",
    "layer_specs",
    "layers_for",
    "resolve_data_arg",
]

#: ``(ax, call_next, args, kwargs) -> result``; ``call_next(args, kwargs)`` runs the rest.
Layer = Callable[
    [Any, Callable[[tuple[Any, ...], dict[str, Any]], Any], tuple[Any, ...], dict[str, Any]], Any
]

#: ``(error, args, kwargs) -> None``: raises a clearer error than ``error``, or returns.
Explainer = Callable[[Exception, tuple[Any, ...], dict[str, Any]], None]


class LayerSpec(NamedTuple):
    """A registered layer and what the twin may rely on to skip it."""

    order: int
    func: Layer
    #: The keywords it acts on in calls without a foreign array; ``None``: not named.
    keywords: frozenset[str] | None
    #: For an opt-in layer, the ``rc_params`` key that turns it on for every call.
    setting: str | None
    #: For a marked layer, the instance attribute of the objects whose calls it sees.
    marked: str | None = None


class ExplainerSpec(NamedTuple):
    """A registered explainer and the error it explains."""

    error: type[Exception]
    func: Explainer


_LAYERS: dict[str, list[LayerSpec]] = {}
_EXPLAINERS: dict[str, list[ExplainerSpec]] = {}


class _Read(ChainMap[Any, Any]):
    """A call's ``data=`` with the values already read from it served first."""


def from_data(kwargs: dict[str, Any], key: str) -> Any:
    """What ``key`` names in the call's ``data=`` (``kwargs["data"]``), as Matplotlib resolves it.

    ``data[key]``, else ``key`` itself: Matplotlib's ``_replacer`` falls back to
    the string on any error.  So that a layer (and a pyplot function with a
    one-tensor form) sees in ``imshow("img", data=d)`` what it sees in
    ``imshow(d["img"])``.  The value read is kept: ``kwargs["data"]`` becomes a
    mapping that serves it first and ``data`` for the rest, so that no later
    step of the call (the rule, Matplotlib) reads it again; an ``np.load``-ed
    file loads a key on each read.  ``kwargs`` must be the call's own dict.
    """
    data = kwargs["data"]
    try:
        value = data[key]
    except Exception:
        return key
    if not isinstance(data, _Read):
        kwargs["data"] = data = _Read({}, data)
    data.maps[0][key] = value
    return value


def resolve_data_arg(kwargs: dict[str, Any], value: Any) -> tuple[Any, str | None]:
    """``value`` as the call means it, and the ``data=`` key it was found by, else None.

    A string in a call with ``data=`` (not None) is looked up as
    :func:`from_data` looks it up; any other value, and a string not found
    there (Matplotlib's call gets the string), comes back as given, with no
    key.  ``kwargs`` must be the call's own dict (see :func:`from_data`).
    """
    if not isinstance(value, str) or kwargs.get("data") is None:
        return value, None
    found = from_data(kwargs, value)
    return found, (None if found is value else value)


def layer(
    method: str,
    *,
    order: int,
    keywords: Iterable[str] | None = None,
    setting: str | None = None,
    marked: str | None = None,
) -> Callable[[Layer], Layer]:
    """Register a tensor-native layer for the Axes method ``method``.

    ``method`` names an Axes method ("imshow"), or another artist's method by
    the class that defines it ("_ImageBase.set_data").

    ``order`` places it in the chain: lower runs first (outer).  By convention
    shape rules (what a tensor's shape means) use 10-19 and device-side
    reductions (how it is computed) use 20-29, so a reduction sees the shape
    the user meant.  ``keywords`` are the keywords the layer acts on when no
    argument is a foreign array (``()`` for none), ``setting`` the
    ``rc_params`` key of an opt-in layer, ``marked`` the instance attribute
    of the objects a marked layer sees every call of; see the module docstring.
    """
    if setting is not None and keywords is None:
        raise ValueError("an opt-in layer (setting=...) must name its keywords")
    if marked is not None and (setting is not None or keywords is not None):
        raise ValueError("a marked layer sees every call of its objects: no keywords or setting")
    names = None if keywords is None else frozenset(keywords)

    def register(func: Layer) -> Layer:
        chain = _LAYERS.setdefault(method, [])
        chain.append(LayerSpec(order, func, names, setting, marked))
        chain.sort(key=lambda spec: spec.order)
        return func

    return register


def explains(method: str, error: type[Exception]) -> Callable[[Explainer], Explainer]:
    """Register an explainer of the ``error`` that the Axes method ``method`` raises.

    It runs when a call of ``method`` with a foreign array raises ``error``
    (from Matplotlib or from a layer), with the arguments as the user passed
    them; see the module docstring.
    """

    def register(func: Explainer) -> Explainer:
        _EXPLAINERS.setdefault(method, []).append(ExplainerSpec(error, func))
        return func

    return register


def _registry() -> dict[str, list[LayerSpec]]:
    """Every registered layer; the first call registers torchplot's own.

    They are loaded when the first twin class is built, the first to ask,
    rather than by ``import torchplot``: a script that imports torchplot and
    never plots does not pay for them.
    """
    import torchplot._layers  # noqa: F401  (registers them once, on first import)

    return _LAYERS


def layer_specs(method: str) -> list[LayerSpec]:
    """The layers of ``method`` with what they declared, outermost first."""
    return list(_registry().get(method, ()))


def explainer_specs(method: str) -> list[ExplainerSpec]:
    """The explainers of ``method``, in the order they were registered."""
    _registry()
    return list(_EXPLAINERS.get(method, ()))


def layers_for(method: str) -> list[Layer]:
    """The layers of ``method``, outermost first."""
    return [spec.func for spec in _registry().get(method, ())]


def registered_methods() -> frozenset[str]:
    """Names of the methods that have at least one layer."""
    return frozenset(_registry())
