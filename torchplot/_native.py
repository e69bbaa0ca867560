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
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["Layer", "layer", "layers_for"]

#: ``(ax, call_next, args, kwargs) -> result``; ``call_next(args, kwargs)`` runs the rest.
Layer = Callable[
    [Any, Callable[[tuple[Any, ...], dict[str, Any]], Any], tuple[Any, ...], dict[str, Any]], Any
]

_LAYERS: dict[str, list[tuple[int, Layer]]] = {}


def layer(method: str, *, order: int) -> Callable[[Layer], Layer]:
    """Register a tensor-native layer for the Axes method ``method``.

    ``order`` places it in the chain: lower runs first (outer).  By convention
    shape rules (what a tensor's shape means) use 10-19 and device-side
    reductions (how it is computed) use 20-29, so a reduction sees the shape
    the user meant.
    """

    def register(func: Layer) -> Layer:
        chain = _LAYERS.setdefault(method, [])
        chain.append((order, func))
        chain.sort(key=lambda pair: pair[0])
        return func

    return register


def layers_for(method: str) -> list[Layer]:
    """The layers of ``method``, outermost first."""
    return [func for _, func in _LAYERS.get(method, ())]


def registered_methods() -> frozenset[str]:
    """Names of the methods that have at least one layer."""
    return frozenset(_LAYERS)
