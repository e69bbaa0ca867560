"""Holding logged values on their device, and bringing them to the host in one batch.

``loss.item()`` in a training loop stalls a GPU every step: the host waits
for every queued kernel before it gets the number.  :func:`hold` instead
keeps a detached *copy* of the 0-d tensor on its own device (``clone`` is one
asynchronous kernel, so nothing waits; the copy means a later in-place change
of the caller's tensor cannot reach the plot).  Checks use metadata only
(``numel``, ``dtype``, ``is_meta``), never values.

At a refresh, :func:`to_host` stacks all held tensors of one device and dtype
(one kernel) and copies each stack to the host once: on CUDA into pinned
memory with ``non_blocking=True``, then waits on a CUDA event for exactly
that copy, the only point where the host waits for the device.  The host
tensor then goes through the one conversion rule, :func:`torchplot.to_numpy`
(so ``bfloat16`` becomes ``float32`` and so on, as everywhere in torchplot).

torch is never imported here: it is taken from :data:`sys.modules` when a
tensor arrives (promise 2).
"""

from __future__ import annotations

import numbers
import sys
from collections.abc import Sequence
from typing import Any

import numpy as np

from torchplot._convert import describe, to_numpy
from torchplot._frameworks import Kind, kind_of

__all__ = ["hold", "hold_array", "is_torch", "to_host"]


def _scalar_error(where: str, value: Any) -> ValueError:
    return ValueError(
        f"{where} must be a scalar (one element), got {describe(value)}. Fix: reduce it first "
        "(e.g. `loss.mean()`), log its elements under separate names, or draw it with "
        "`live.show(name, ...)`."
    )


def hold(value: Any, name: str | None) -> Any:
    """A scalar to keep until the next refresh: a Python float, or a 0-d tensor copy on its device.

    Never reads a device value, so it never synchronises with the device.
    ``name`` is the metric's name (None for the step), used in error messages.

    Raises
    ------
    ValueError
        ``value`` has more than one element (the message names ``where``, the
        shape, dtype and device, and the fix).
    TypeError
        ``value`` is not a real number (complex, string, data-less tensor, ...).
    """
    tp = type(value)
    if tp is float or tp is int or tp is bool:
        return float(value)
    where = "Live.log() argument 'step'" if name is None else f"Live.log() metric {name!r}"
    kind = kind_of(tp)
    if kind is Kind.TORCH:
        if value.numel() != 1:
            raise _scalar_error(where, value)
        if value.is_complex() or value.is_meta:
            raise TypeError(
                f"{where} must be a real number, got {describe(value)}. Fix: log `.real`, "
                "`.abs()` or a materialised tensor instead."
            )
        value = value.detach()
        if value.layout is not sys.modules["torch"].strided:
            value = value.to_dense()
        return value.reshape(()).clone() if value.dim() else value.clone()
    if kind is Kind.PLAIN:
        if isinstance(value, numbers.Real):
            return float(value)
        if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
            arr = np.asarray(value)
            if arr.size != 1:
                raise _scalar_error(where, arr)
            if arr.dtype.kind not in "biuf":
                raise TypeError(f"{where} must be a real number, got {describe(arr)}.")
            return float(arr.reshape(()))
        raise TypeError(
            f"{where} must be a real number or a one-element tensor, got {tp.__name__} "
            f"{value!r:.60}."
        )
    if kind is Kind.CONTAINER:
        raise _scalar_error(where, np.asarray(to_numpy(value, name=where), dtype=object))
    # JAX / CuPy / DLPack: JAX arrays are immutable, so a reference is a copy;
    # CuPy and the rest get their own copy on their device.
    size = getattr(value, "size", None)
    if size is not None and size != 1:
        raise _scalar_error(where, value)
    return value if kind is Kind.JAX else value.copy() if hasattr(value, "copy") else value


def hold_array(value: Any) -> Any:
    """A detached copy of an array-like argument of ``show`` on its own device (no sync)."""
    if kind_of(type(value)) is Kind.TORCH:
        return value.detach().clone()
    if kind_of(type(value)) is Kind.CUPY:
        return value.copy()
    if isinstance(value, np.ndarray):
        return value.copy()
    return value


def is_torch(value: Any) -> bool:
    """Whether ``value`` is a torch tensor (torch taken from sys.modules, never imported)."""
    return kind_of(type(value)) is Kind.TORCH


def _stack_to_host(group: list[Any], where: str) -> np.ndarray:
    """One stack and one device-to-host copy for tensors of one device and dtype."""
    torch = sys.modules["torch"]
    if len(group) == 1:
        stacked = group[0].reshape(-1)
    elif all(t.dim() == 0 for t in group):
        stacked = torch.stack(group)  # logged scalars: one kernel, no per-value reshape
    else:
        stacked = torch.cat([t.reshape(-1) for t in group])
    if stacked.device.type == "cuda":
        host = torch.empty(stacked.shape, dtype=stacked.dtype, pin_memory=True)
        host.copy_(stacked, non_blocking=True)
        done = torch.cuda.Event()
        done.record(torch.cuda.current_stream(stacked.device))
        done.synchronize()  # the one wait, for this copy only, at refresh time
    else:
        host = stacked.to("cpu")
    out = to_numpy(host, name=where)
    return np.asarray(out)


def to_host(values: Sequence[Any], where: str = "Live") -> list[Any]:
    """Host NumPy values for ``values`` (floats, held tensors of any shape, other arrays), in order.

    Tensors are grouped by (device, dtype); each group costs one concatenation
    and one transfer, whatever its size.  Floats pass through.
    """
    out: list[Any] = list(values)
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, v in enumerate(values):
        if type(v) is float:
            continue
        if is_torch(v):
            groups.setdefault((v.device, v.dtype), []).append(i)
        else:
            out[i] = to_numpy(v, name=where)
    for idx in groups.values():
        tensors = [values[i] for i in idx]
        flat = _stack_to_host(tensors, where)
        if len(flat) == len(tensors) and all(t.dim() == 0 for t in tensors):
            out_scalars = flat.tolist()  # the logged scalars: Python numbers, exact
            for i, value in zip(idx, out_scalars, strict=True):
                out[i] = value
            continue
        offset = 0
        for i, t in zip(idx, tensors, strict=True):
            n = t.numel()
            piece = flat[offset : offset + n].reshape(tuple(t.shape))
            out[i] = piece[()] if piece.ndim == 0 else piece
            offset += n
    return out
