"""Small helpers shared by several test modules."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import matplotlib
import matplotlib.pyplot as mpl
import pytest
import torch

from tools.boilerplate import VERSIONED_NAMES


def fake_tensor(*shape: int, dtype: torch.dtype = torch.float32) -> torch.Tensor:
    """A FakeTensor of ``shape``: it stands in for data it does not hold."""
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode():
        return torch.empty(shape, dtype=dtype)


def raised(func: Callable[..., object], *args: object, **kwargs: object) -> BaseException:
    """What ``func(*args, **kwargs)`` raised; fails the test when it raised nothing."""
    try:
        func(*args, **kwargs)
    except Exception as exc:
        return exc
    raise AssertionError(f"{getattr(func, '__name__', func)} raised nothing")


def dtype_param(name: str, *values: object) -> Any:
    """``pytest.param(torch.<name>, *values)``, skipped where the installed PyTorch lacks the dtype.

    The declared oldest PyTorch (2.3) has no ``float8_e8m0fnu``, for one.
    """
    dtype = getattr(torch, name, None)
    lacks = pytest.mark.skipif(dtype is None, reason=f"torch {torch.__version__} has no {name}")
    return pytest.param(dtype, *values, id=name, marks=lacks)


def pyplot_lacks(name: str) -> str | None:
    """Why the installed Matplotlib has no ``pyplot.<name>``, which other supported releases have.

    ``None`` where it has the name, and where no supported release has it
    (``VERSIONED_NAMES`` in ``tools/boilerplate.py`` lists those some have).
    """
    entry = VERSIONED_NAMES.get(name)
    if entry is None or hasattr(mpl, name):
        return None
    span = [f"added in {'.'.join(map(str, entry.since))}"] if entry.since else []
    span += [f"removed in {'.'.join(map(str, entry.until))}"] if entry.until else []
    return f"Matplotlib {matplotlib.__version__} has no pyplot.{name} ({', '.join(span)})"


class DLPackOnly:
    """A host array offered through ``__dlpack__`` only, as an unknown framework's arrays are."""

    def __init__(self, array: Any) -> None:
        self._array = array

    def __dlpack__(self, **kwargs: Any) -> Any:
        return self._array.__dlpack__(**kwargs)

    def __dlpack_device__(self) -> Any:
        return self._array.__dlpack_device__()
