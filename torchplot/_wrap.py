"""The wrapper every pyplot function goes through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import matplotlib.pyplot as _pyplot
from matplotlib._pylab_helpers import Gcf

from torchplot._compat import past_dispatch_modes
from torchplot._convert import convert_call, dispatch_modes_active
from torchplot._frameworks import Kind, kind_of
from torchplot._native import layers_for, resolve_data_arg
from torchplot._spacing import SPACING_FUNCTIONS, convert_marking_spacings, spacing_positions
from torchplot._twins import CallNext, adopt, bind_layer, twin_of

__all__ = [
    "tensor_aware",
    "axes_delegate",
    "figure_delegate",
    "layered_function",
    "registry_view",
    "ONE_TENSOR_FORMS",
]

#: pyplot functions with a one-tensor form, ``scatter(points)`` with ``points``
#: of shape ``(N, 2)`` (``(N, 3)`` on a 3-D Axes; :mod:`torchplot._layers.shapes`), that their
#: Matplotlib signature (``scatter(x, y, ...)``) would reject before the Axes
#: method and its layer are reached.  All make their result current (``sci``).
ONE_TENSOR_FORMS = frozenset({"scatter"})

_F = TypeVar("_F", bound=Callable[..., Any])
_R = TypeVar("_R")


def _adopt_current_figure() -> None:
    # pyplot creates the current Figure and Axes inside the call (``plt.plot``
    # on an empty session); adopt them on the way out so that ``plt.gcf()``,
    # ``plt.gca()`` and the artists reached from them accept tensors.
    manager = Gcf.get_active()
    if manager is not None:
        adopt(manager.canvas.figure)


def tensor_aware(func: _F) -> _F:
    """Wrap a pyplot function: convert tensor arguments, adopt what it returns.

    The wrapper keeps ``func``'s name, docstring and (through ``__wrapped__``)
    its ``inspect.signature``; its static type is ``func``'s own, so type
    checkers and IDEs see Matplotlib's signature.  A function taking layout
    spacings (``gridspec_kw=``) has the spacings the rule converts marked
    (:mod:`torchplot._spacing`): Matplotlib builds the grids and the layout
    engine of the figure from them before torchplot sees either.
    """
    convert: Callable[[tuple[Any, ...], dict[str, Any], Callable[..., Any]], Any] = convert_call
    if func.__module__ == "matplotlib.pyplot" and func.__name__ in SPACING_FUNCTIONS:
        positions = spacing_positions(func, 0)

        def convert(args: tuple[Any, ...], kwargs: dict[str, Any], func: Callable[..., Any]) -> Any:
            return convert_marking_spacings(args, kwargs, func, positions)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args, kwargs = convert(args, kwargs, func)
        result = func(*args, **kwargs)
        _adopt_current_figure()
        return adopt(result)

    return cast(_F, wrapper)


def axes_delegate(func: _F) -> _F:
    """Wrap a pyplot function that only forwards to ``gca().<same name>(...)``.

    The arguments reach the (adopted) current Axes untouched, so its method
    converts them, and its tensor-native layers (:mod:`torchplot._native`) see
    the tensors themselves.  Calling ``gca()`` first creates exactly the Figure
    and Axes that the pyplot function would create.
    """

    name = func.__name__
    one_tensor_form = name in ONE_TENSOR_FORMS

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        ax = adopt(_pyplot.gca())
        if (
            one_tensor_form
            and len(args) == 1
            and "y" not in kwargs
            and kind_of(type(resolve_data_arg(kwargs, args[0])[0])) is Kind.TORCH
        ):
            # The Matplotlib signature requires more positional arguments than
            # the tensor form has: call the Axes method (whose layer handles
            # it) as the pyplot function would, then make it current as it does.
            result = getattr(ax, name)(*args, **kwargs)
            _pyplot.sci(result)
            return adopt(result)
        result = func(*args, **kwargs)
        return adopt(result)

    return cast(_F, wrapper)


def figure_delegate(func: _F) -> _F:
    """Wrap a pyplot function that only forwards to ``gcf().<same name>(...)``.

    As :func:`axes_delegate` for the current Figure: its tensor-aware method
    converts, and its layers (``figimage`` of a CHW tensor) see the tensors.
    Also for a function that picks or makes an Axes of the current Figure and
    forwards to one of its methods (``polar``): Axes the adopted Figure makes
    are adopted, so that method converts.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        adopt(_pyplot.gcf())
        return adopt(func(*args, **kwargs))

    return cast(_F, wrapper)


def layered_function(func: _F) -> _F:
    """Wrap a pyplot function with tensor-native layers registered as ``"pyplot.<name>"``.

    The layers (:mod:`torchplot._native`; ``imsave`` of a CHW tensor) see the
    arguments as given, then the innermost step is :func:`tensor_aware`'s:
    convert by the one rule, call ``func``, adopt.  The layers are looked up
    on the first call, not at import: ``import torchplot`` loads none.
    """
    converting = tensor_aware(func)
    chain: CallNext | None = None

    def innermost(args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        return converting(*args, **kwargs)

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        nonlocal chain
        call = chain
        if call is None:
            # Built once: a function has no object to bind, its layers get None.
            # Published only whole: another thread calling meanwhile (while
            # the first loads the layers) builds its own, never runs a part.
            call = innermost
            for lay in reversed(layers_for(f"pyplot.{func.__name__}")):
                call = bind_layer(lay, None, call)
            chain = call
        if call is not innermost and dispatch_modes_active():
            # As for an Axes method's layers (torchplot._twins): their torch
            # operations on the caller's tensors are torchplot's, which a
            # FakeTensorMode would fake and a profiler would count.
            with past_dispatch_modes():
                return call(args, kwargs)
        return call(args, kwargs)

    return cast(_F, wrapper)


def registry_view(registry: _R) -> _R:
    """A tensor-aware view of one of Matplotlib's registries (``pyplot.colormaps``, ...).

    The registry is Matplotlib's global: adopting it (swapping its class) would
    change it for every Matplotlib user in the process.  The view is an object
    of the registry's twin that shares the registry's own ``__dict__``, so
    both see the same entries (a colormap registered through either is in
    both), while the view's methods take tensors and hand out tensor-aware
    objects (``plt.colormaps["viridis"](t)``).
    """
    view: Any = object.__new__(twin_of(type(registry)))
    view.__dict__ = registry.__dict__
    return cast(_R, view)
