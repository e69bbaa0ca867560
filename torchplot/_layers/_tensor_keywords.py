"""The error for torchplot's own keywords (``nrow=``, ``reduce=``, ...) in a call without tensors.

Matplotlib raises for a keyword it does not know; a call holding no torch
tensor must not take torchplot's silently either (promise 2), so each layer
adding keywords raises this one error for such a call.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

import numpy as np

from torchplot._convert import jax_error, needs_conversion
from torchplot._frameworks import Kind, kind_of

__all__ = ["argument_names", "holds_tensor", "tensor_keywords_error"]


def holds_tensor(obj: Any) -> bool:
    """Whether ``obj`` is a torch tensor, or a container (list, dict, ...) holding one."""
    kind = kind_of(type(obj))
    if kind is Kind.TORCH:
        return True
    if kind is not Kind.CONTAINER or not needs_conversion(obj):
        return False  # (a container is looked into only if it holds a foreign array)
    if isinstance(obj, slice):
        items: Any = (obj.start, obj.stop, obj.step)
    else:
        items = obj.values() if isinstance(obj, Mapping) else obj
    return any(holds_tensor(item) for item in items)


def argument_names(name: str, key: str | None) -> tuple[str, str]:
    """An argument as errors name it and as a fix's code writes it.

    ``("'y'", "y")``, or for a value looked up in ``data=``,
    ``("'data'['loss']", "data['loss']")``.
    """
    if key is None:
        return repr(name), name
    return f"'data'[{key!r}]", f"data[{key!r}]"


def tensor_keywords_error(
    call: str, keywords: list[str], x: Any, name: str, key: str | None = None
) -> TypeError:
    """The error for torchplot's ``keywords`` in a call of ``call`` without a torch tensor.

    ``x`` is the call's data argument, ``name`` its parameter's name, ``key``
    where it was looked up in ``data=`` (None: given itself).  A JAX array
    that cannot be read (a tracer, a deleted array) gets the rule's error
    instead.
    """
    label, expr = argument_names(name, key)
    kind = kind_of(type(x))
    if kind is Kind.JAX:
        unreadable = jax_error(f"{call} argument {label}", x)
        if unreadable is not None:
            return unreadable
    if kind in (Kind.JAX, Kind.CUPY, Kind.DLPACK):
        make = f"`torch.from_dlpack({expr})` (shares memory where it can)"
    elif isinstance(x, np.ndarray):
        make = f"`torch.from_numpy({expr})` (shares memory, no copy) or `torch.as_tensor({expr})`"
    else:
        make = f"`torch.as_tensor({expr})`"
    return TypeError(
        f"{call} keyword(s) {', '.join(sorted(keywords))} apply to torch tensors only, and "
        f"{label} is a {type(x).__module__}.{type(x).__qualname__}. Fix: pass {make}, or "
        "drop these keywords."
    )
