"""One array for one tensor across the calls of a chain of seaborn objects.

seaborn tells the variables given the very same vector apart from others by
identity: ``Plot(color=v).add(Dot(), marker=v)`` draws one legend for both.
Each call converts its own tensors, so a tensor given again later in the same
chain (a ``Plot`` and the clones its methods return) must come back as the
array the chain already made of it, as the same NumPy array stays itself.

The chain holds each array with a weak reference to its tensor, never the
tensor (promise 3): an entry leaves when its tensor is freed, and the chain's
entries when the last object of the chain is.  A tensor changed in place
since (its version) is a new vector.  A write that PyTorch's version counter
does not count (through ``t.data``, or the NumPy array behind
``torch.from_numpy``) is not seen, as autograd does not see it: comparing the
values instead would cost a transfer per reuse, and NaNs would never compare
equal (documented in docs/seaborn.rst).
"""

from __future__ import annotations

import sys
import weakref
from typing import Any

from torchplot._frameworks import Kind, kind_of

__all__ = ["ChainVectors", "share", "vectors_of", "version_of"]


class ChainVectors:
    """``id(tensor) -> (weak reference to it, its version, its array)`` for one chain."""

    __slots__ = ("__weakref__", "_held")

    def __init__(self) -> None:
        self._held: dict[int, tuple[Any, int, Any]] = {}

    def get(self, obj: Any, version: int) -> Any:
        """The array made of ``obj`` at ``version``, or None."""
        held = self._held.get(id(obj))
        if held is None or held[0]() is not obj or held[1] != version:
            return None
        return held[2]

    def keep(self, obj: Any, version: int, array: Any) -> None:
        """Remember ``array`` as ``obj`` at ``version``, until ``obj`` is freed."""
        key, me = id(obj), weakref.ref(self)

        def gone(ref: Any) -> None:
            vectors = me()
            if vectors is not None and vectors._held.get(key, (None,))[0] is ref:
                del vectors._held[key]

        try:
            ref = weakref.ref(obj, gone)
        except TypeError:  # no weak references to it: not remembered
            return
        self._held[key] = (ref, version, array)

    def __len__(self) -> int:
        return len(self._held)


#: ``id(object of a chain) -> its chain's vectors``, an entry leaving with its object.
_CHAINS: dict[int, ChainVectors] = {}


def _attach(obj: Any, vectors: ChainVectors) -> bool:
    try:
        weakref.finalize(obj, _CHAINS.pop, id(obj), None)
    except TypeError:  # no weak references to it: no chain
        return False
    _CHAINS[id(obj)] = vectors
    return True


def vectors_of(obj: Any) -> ChainVectors | None:
    """The vectors of ``obj``'s chain, made on first use; None for an object without weak refs."""
    vectors = _CHAINS.get(id(obj))
    if vectors is None:
        vectors = ChainVectors()
        if not _attach(obj, vectors):
            return None
    return vectors


def share(obj: Any, result: Any) -> None:
    """Make ``result`` (a clone ``obj``'s method returned) part of ``obj``'s chain."""
    vectors = _CHAINS.get(id(obj))
    if vectors is not None and id(result) not in _CHAINS:
        _attach(result, vectors)


def version_of(obj: Any) -> int | None:
    """The version of a tensor (JAX arrays cannot change: 0); None where none is kept.

    An inference-mode tensor keeps no version (reading it raises): never reused.
    """
    if kind_of(type(obj)) is Kind.JAX:
        return 0
    if "torch" not in sys.modules:
        return None
    try:
        version = obj._version
    except (AttributeError, RuntimeError):
        return None
    return version if isinstance(version, int) else None
