"""The wrapper every pyplot function goes through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

import matplotlib.pyplot as _pyplot
from matplotlib._pylab_helpers import Gcf

from torchplot._convert import convert_call
from torchplot._twins import adopt

__all__ = ["tensor_aware", "axes_delegate"]

_F = TypeVar("_F", bound=Callable[..., Any])


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
    checkers and IDEs see Matplotlib's signature.
    """

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        args, kwargs = convert_call(args, kwargs, func)
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

    @functools.wraps(func)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        adopt(_pyplot.gca())
        result = func(*args, **kwargs)
        return adopt(result)

    return cast(_F, wrapper)
