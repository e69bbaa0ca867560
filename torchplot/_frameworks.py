"""Which framework an object's type belongs to, decided without importing any.

A framework is only looked up in :data:`sys.modules`: if the user never imported
torch, no object can be a tensor, and importing torch to find out would cost
seconds and break promise 2 ("never imports a framework the user has not
imported").  The answer depends only on the type, so it is cached per type;
the cache is filled lazily, so a framework imported after torchplot is seen
as soon as its first object arrives.

The dispatch order matters: NumPy first (the common case, and ndarrays also
carry ``__dlpack__``), then the frameworks torchplot knows, then the generic
protocols.
"""

from __future__ import annotations

import sys
from collections import deque
from collections.abc import Mapping, MappingView
from enum import IntEnum
from typing import Any

import numpy as np

from torchplot import _compat

__all__ = ["Kind", "is_local_class", "kind_of", "plain_types"]


class Kind(IntEnum):
    """How the conversion rule treats a value of some type."""

    #: Never holds a foreign array: passed through untouched (identity kept).
    PLAIN = 0
    #: A list, tuple, mapping, dict view, deque or slice: looked into, rebuilt
    #: only if it held a foreign array.
    CONTAINER = 1
    #: A ``torch.Tensor`` (or subclass).
    TORCH = 2
    #: A ``jax.Array``.
    JAX = 3
    #: A ``cupy.ndarray``.
    CUPY = 4
    #: An unknown object offering only ``__dlpack__``: NumPy's ``from_dlpack``.
    DLPACK = 5


_PLAIN_TYPES: tuple[type, ...] = (
    type(None),
    bool,
    int,
    float,
    complex,
    str,
    bytes,
    range,
    type(Ellipsis),
)

_KIND: dict[type, Kind] = {t: Kind.PLAIN for t in _PLAIN_TYPES}
_KIND[np.ndarray] = Kind.PLAIN
_KIND[list] = Kind.CONTAINER
_KIND[tuple] = Kind.CONTAINER
_KIND[dict] = Kind.CONTAINER

#: The types whose kind is :attr:`Kind.PLAIN`, grown with :data:`_KIND`.  The
#: per-argument check of every twin method is ``type(a) in plain_types``: an
#: operator, where ``kind_of(type(a)) is PLAIN`` is a call, and on a small
#: ``ax.plot`` each call on the path costs about 1/700 of the whole.
plain_types: set[type] = {tp for tp, kind in _KIND.items() if kind is Kind.PLAIN}


def _classify(tp: type) -> Kind:
    if issubclass(tp, (np.ndarray, np.generic)):
        return Kind.PLAIN
    torch = sys.modules.get("torch")
    if torch is not None and issubclass(tp, torch.Tensor):
        # Before any tensor of this type reaches torchplot's torch calls: a
        # thread that finds the type cached finds the bridge ready.
        _compat.ready_numpy_bridge()
        return Kind.TORCH
    jax = sys.modules.get("jax")
    if jax is not None and issubclass(tp, _jax_array_types(jax)):
        return Kind.JAX
    cupy = sys.modules.get("cupy")
    if (
        cupy is not None
        and isinstance(getattr(cupy, "ndarray", None), type)
        and issubclass(tp, cupy.ndarray)
    ):
        return Kind.CUPY
    if issubclass(tp, (list, tuple, dict, deque, MappingView, slice, Mapping)):
        # pandas, Matplotlib's own list types (silent_list, ArtistList is not a
        # list) and namedtuples all land here or in PLAIN: looking inside is
        # cheap and the container is rebuilt only when it held a tensor.  Dict
        # views and deques are sequences Matplotlib itself accepts (its
        # sanitize_sequence lists a dict view); a generator or other iterator
        # stays PLAIN: looking inside would consume it.  A slice holds its
        # start, stop and step (``markevery=slice(t0, None, t1)``).  Any other
        # mapping (``UserDict``, ``MappingProxyType``, a user's own) is what
        # ``data=`` takes as well as a dict; as ``data=`` of a Matplotlib call
        # only the values the call names are read (``_convert.convert_call``).
        return Kind.CONTAINER
    if hasattr(tp, "__array__"):
        # NumPy's own path: Matplotlib calls np.asarray itself.
        return Kind.PLAIN
    if hasattr(tp, "__dlpack__"):
        return Kind.DLPACK
    return Kind.PLAIN


def _jax_array_types(jax: Any) -> tuple[type, ...]:
    # A tracer (inside ``jax.jit``/``vmap``) passes ``isinstance(x, jax.Array)``
    # but is no subclass of it; it must reach the JAX leaf for its clear error.
    found = (getattr(jax, "Array", None), getattr(getattr(jax, "core", None), "Tracer", None))
    return tuple(t for t in found if isinstance(t, type))


def kind_of(tp: type) -> Kind:
    """The cached :class:`Kind` of a type (of a class made in a function: not cached)."""
    kind = _KIND.get(tp)
    if kind is None:
        kind = _classify(tp)
        if not is_local_class(tp):
            _KIND[tp] = kind
            if kind is Kind.PLAIN:
                plain_types.add(tp)
    return kind


def is_local_class(tp: type) -> bool:
    """Whether ``tp`` was made in a function (``<locals>`` in its qualified name).

    Such classes come and go (seaborn makes a scale class for each scale of
    each plot, networkx one for each call drawing curved edge labels), and
    what they hold (a scale's locators: an Axis, its Figure) goes with them:
    torchplot's per-type caches must not keep them.
    """
    return "<locals>" in tp.__qualname__
