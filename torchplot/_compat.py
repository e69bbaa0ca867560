"""Shims over PyTorch's private API, in one place.

Each is looked up when called (torch is never imported here) and degrades to
doing nothing where a PyTorch release lacks the private name.
"""

from __future__ import annotations

import contextlib
import sys


def plain_tensors() -> contextlib.ExitStack:
    """A context in which new tensors are plain tensors holding data.

    Outside any ``torch.func`` transform (whose every new tensor is the
    transform's wrapper) and any dispatch mode (a ``FakeTensorMode``'s every
    new tensor is fake).  ``torch.device("meta")`` and ``set_default_device``
    are function modes, which an explicit ``device=`` overrides.
    """
    torch = sys.modules["torch"]
    stack = contextlib.ExitStack()
    disable_functorch = getattr(torch._C, "_DisableFuncTorch", None)
    if disable_functorch is not None:
        stack.enter_context(disable_functorch())
    dispatch = sys.modules.get("torch.utils._python_dispatch")
    disable_modes = getattr(dispatch, "_disable_current_modes", None)
    if disable_modes is not None:
        stack.enter_context(disable_modes())
    return stack
