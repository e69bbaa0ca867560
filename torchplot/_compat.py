"""Shims over PyTorch's and JAX's private or version-dependent API, in one place.

Each looks its module up in ``sys.modules`` when called (no framework is
imported here) and degrades to "not this case" where a release lacks the name.
"""

from __future__ import annotations

import contextlib
import sys
from collections.abc import Iterator
from typing import Any


@contextlib.contextmanager
def plain_tensors() -> Iterator[None]:
    """A context in which new tensors are plain tensors holding data.

    Outside any ``torch.func`` transform (whose every new tensor is the
    transform's wrapper) and any dispatch mode (a ``FakeTensorMode``'s every
    new tensor is fake).  ``torch.device("meta")`` and ``set_default_device``
    are function modes, which an explicit ``device=`` overrides.
    """
    torch = sys.modules["torch"]
    with contextlib.ExitStack() as stack:
        disable_functorch = getattr(torch._C, "_DisableFuncTorch", None)
        if disable_functorch is not None:
            stack.enter_context(disable_functorch())
        dispatch = sys.modules.get("torch.utils._python_dispatch")
        disable_modes = getattr(dispatch, "_disable_current_modes", None)
        if disable_modes is not None:
            stack.enter_context(disable_modes())
        yield


def functorch_wrapped(t: Any) -> bool:
    """Whether ``t`` is a ``torch.func`` transform's wrapper (inside ``grad``, ``vmap``, ...)."""
    functorch = getattr(sys.modules["torch"]._C, "_functorch", None)
    return functorch is not None and bool(functorch.is_functorch_wrapped_tensor(t))


def fake_tensor(t: Any) -> bool:
    """Whether ``t`` is a ``FakeTensor`` (``torch._subclasses``, private)."""
    fake = sys.modules.get("torch._subclasses.fake_tensor")
    return fake is not None and isinstance(t, fake.FakeTensor)


def jax_key_array(jax: Any, x: Any) -> bool:
    """Whether ``x`` is an array of typed PRNG keys (``jax.dtypes.prng_key``, JAX 0.4.14 on)."""
    prng_key = getattr(jax.dtypes, "prng_key", None)
    return prng_key is not None and bool(jax.dtypes.issubdtype(x.dtype, prng_key))
