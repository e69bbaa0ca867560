"""The wrapper every pyplot function goes through."""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any, TypeVar, cast

from matplotlib._pylab_helpers import Gcf

from torchplot._convert import convert_call
from torchplot._twins import adopt

__all__ = ["tensor_aware"]

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
