"""Small helpers shared by several test modules."""

from __future__ import annotations

from collections.abc import Callable

import torch


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
