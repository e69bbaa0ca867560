"""Holding logged values on their device, and bringing them to the host in one batch.

``loss.item()`` in a training loop stalls a GPU every step: the host waits
for every queued kernel before it gets the number.  :func:`hold` instead
keeps a detached *copy* of the 0-d tensor on its own device (``clone`` is one
asynchronous kernel, so nothing waits; the copy means a later in-place change
of the caller's tensor cannot reach the plot; a quantized tensor is
dequantized instead, so that it keeps its own scale).  A metric that is a
plain CPU tensor is read at once instead (``item()`` waits for nothing
there, and costs less than holding a copy).  Checks use metadata only
(``numel``, ``dtype``, ``is_meta``), never values: a tensor the conversion
rule would refuse (meta, fake, inside a ``torch.func`` transform, a dtype it
cannot convert) gets the rule's error now, naming the metric, rather than at
a refresh, where it would stay pending and fail every later one.
:func:`hold_array` does the same for the arrays of ``Live.show``, lists of
tensors included, and copies every other value it keeps (a NumPy or masked
array, a list of arrays, a pandas object), so that no in-place change before
the refresh reaches the plot.  JAX and CuPy arrays are held as copies on their device
too, reshaped to 0-d as a tensor is (a JAX array donated to a jitted
function is deleted); a JAX tracer, key array, deleted or complex value is
refused now, as a tensor is.  An object offering only ``__dlpack__`` is read
at once (NumPy reads DLPack data on the CPU only, where nothing waits).

At a refresh, :func:`to_host` stacks all held tensors of one device and dtype,
those in lists included (one kernel) and copies each stack to the host once: on CUDA into pinned
memory with ``non_blocking=True``, then waits on a CUDA event for exactly
that copy, the only point where the host waits for the device.  The host
tensor then goes through the one conversion rule, :func:`torchplot.to_numpy`
(so ``bfloat16`` becomes ``float32`` and so on, as everywhere in torchplot).
A ``MaskedTensor`` travels as its data and its mask, and becomes the NumPy
masked array the rule gives; a masked value logged (one of these holding no
value, ``np.ma.masked``) is read as NaN, a gap, as everywhere in ``Live``.

torch is never imported here: it is taken from :data:`sys.modules` when a
tensor arrives (promise 2).
"""

from __future__ import annotations

import copy
import math
import numbers
import sys
from collections.abc import Callable, Iterator, Mapping, Sequence
from typing import Any

import numpy as np

from torchplot._compat import past_dispatch_modes
from torchplot._convert import (
    ML_DTYPES_CAST,
    Where,
    as_scalar,
    converted_key,
    dense_on_device,
    describe,
    direct_types,
    dispatch_modes_active,
    in_host_memory,
    jax_error,
    masked_from,
    needs_conversion,
    rebuild,
    rebuilt_mapping,
    refuse_unreadable,
    rule_error,
    to_numpy,
    where_text,
)
from torchplot._frameworks import Kind, kind_of

__all__ = [
    "as_float",
    "curve_dtype_error",
    "hold",
    "hold_array",
    "image_dtype_error",
    "is_torch",
    "shape_of",
    "step_error",
    "to_host",
]


def _where_of(name: str | None) -> str:
    return "Live.log() argument 'step'" if name is None else f"Live.log() metric {name!r}"


def _fix_of(name: str | None, reduce: str) -> str:
    """The fix for a value that is not one number (for a step: an iteration number)."""
    if name is None:
        return (
            "log the iteration number (or another x, such as an epoch fraction) as a Python "
            "int or float, or a one-element tensor"
        )
    return (
        f"{reduce}, log its elements under separate names, or draw it with `live.show(name, ...)`"
    )


def _real_fix(name: str | None) -> str:
    """The fix for a value that is one item but not a real number (text, an object, a date)."""
    if name is None:
        return _fix_of(None, "")
    return (
        "log a Python int or float, or a one-element tensor or array of a bool, integer or "
        "float dtype"
    )


def _scalar_error(name: str | None, value: Any) -> ValueError:
    return ValueError(
        f"{_where_of(name)} must be a scalar (one element), got {describe(value)}. Fix: "
        f"{_fix_of(name, 'reduce it first (e.g. `loss.mean()`)')}."
    )


def _not_a_scalar_error(name: str | None, value: Any) -> TypeError:
    """The error for a list, tuple, mapping or nested tensor: several values, never one number.

    (Read through the rule, a one-element list would be ``dtype object``, and
    a nested tensor cannot be reshaped to a scalar.)
    """
    if getattr(value, "is_nested", False) is True:
        got = f"a nested tensor ({describe(value)})"
        reduce = f"reduce it first (e.g. `torch.cat({name}.unbind()).mean()`)"
    else:
        got = f"a {type(value).__name__}"
        if hasattr(value, "__len__"):  # not a slice
            n = len(value)
            got += f" of {n} item{'' if n == 1 else 's'}"
        reduce = f"log one number or one-element tensor (e.g. `{name}=values[0]`)"
    return TypeError(
        f"{_where_of(name)} must be a real number or a one-element tensor, got {got}. "
        f"Fix: {_fix_of(name, reduce)}."
    )


def step_error(value: Any) -> ValueError:
    """The error for a step that is NaN or infinite (``value``: as read on the host)."""
    return ValueError(
        f"Live.log() argument 'step' must be finite, got {value!r}. Fix: log the iteration "
        "number (or another finite x, such as an epoch fraction); NaN and inf are for "
        "metric values, which are drawn as gaps."
    )


def _finite_step(value: float) -> float:
    if not math.isfinite(value):
        raise step_error(value)
    return value


def _own_copy(t: Any) -> Any:
    """A detached tensor on ``t``'s device that the caller cannot reach (asynchronous kernels).

    Dense and dequantized here, each tensor on its own (see
    :func:`~torchplot._convert.dense_on_device`), before a refresh stacks it
    with others.
    """
    t, fresh = dense_on_device(t.detach())
    return t if fresh else t.clone()


def hold(value: Any, name: str | None) -> Any:
    """A scalar to keep until the next refresh: a Python float, or a 0-d copy on its device.

    The copy is a tensor, or a JAX or CuPy array, of shape ``()`` whatever the
    one-element shape logged (``(1,)``, ``(1, 1)``): a refresh reads it as one number.

    Never reads a device value, so it never synchronises with the device (a
    metric in host memory is read, see :func:`~torchplot._convert.in_host_memory`; so is an
    object offering only ``__dlpack__``, which NumPy reads on the CPU only).
    A masked NumPy value (``np.ma.masked``, a masked one-element array) is
    NaN, a gap; a ``MaskedTensor`` is held as one, read at the refresh.
    ``name`` is the metric's name (None for the step), used in error messages.

    Raises
    ------
    ValueError
        ``value`` is an array of more than one element (the message names the
        metric or the step, the shape, dtype and device, and the fix), or is a
        step on the host that is NaN or infinite (a tensor step is checked when
        a refresh reads it).
    TypeError
        ``value`` is not a real number (complex, string, a list, tuple,
        mapping or nested tensor, data-less tensor, a dtype the conversion
        rule cannot read such as ``torch.bits8``, ...).
    """
    tp = type(value)
    if tp is float or tp is int or tp is bool:
        return float(value) if name is not None else _finite_step(float(value))
    where = _where_of(name)
    kind = kind_of(tp)
    if kind is Kind.TORCH and dispatch_modes_active():
        with past_dispatch_modes():  # the copy held is torchplot's: see torchplot._convert
            return hold(value, name)
    if kind is Kind.TORCH:
        # Refused now (and before ``numel``, which a lazy parameter's raises):
        # at the refresh the error could name neither the metric nor the shape
        # given, and the copy held would fail every later refresh.
        refuse_unreadable(where, value)
        if value.numel() != 1:
            raise (_not_a_scalar_error if value.is_nested else _scalar_error)(name, value)
        if value.is_complex():
            raise TypeError(
                f"{where} must be a real number, got {describe(value)}. Fix: log `.real` "
                "or `.abs()` instead."
            )
        if value.is_nested:
            raise _not_a_scalar_error(name, value)
        # A metric in host memory is read now: item() waits for nothing there,
        # costs a tenth of holding it (a copy now, the transfer at the
        # refresh), and reads what the rule would (bfloat16, float8, integers:
        # exactly).  Device tensors are held, never read (no sync); so are
        # subclasses, quantized, sparse and zero tensors, and a tensor step.
        if name is not None and in_host_memory(value):
            return float(value.item())
        return _own_copy(value) if not value.dim() else _own_copy(value).reshape(())
    if kind is Kind.PLAIN:
        if isinstance(value, numbers.Real):
            return float(value) if name is not None else _finite_step(float(value))
        if isinstance(value, np.ndarray) or hasattr(value, "__array__"):
            arr = np.asarray(value)
            if arr.size != 1:
                raise _scalar_error(name, arr)
            if arr.dtype.kind not in "biuf":
                fix = "log `.real` or `abs(...)` instead" if arr.dtype.kind == "c" else None
                raise TypeError(
                    f"{where} must be a real number, got {describe(arr)}. "
                    f"Fix: {fix or _real_fix(name)}."
                )
            # A masked value is a gap, as a NaN is (np.asarray drops the mask).
            if isinstance(value, np.ma.MaskedArray) and np.ma.getmaskarray(value).any():
                if name is None:
                    raise step_error(np.ma.masked)
                return math.nan
            out = float(arr.reshape(()))
            return out if name is not None else _finite_step(out)
        raise TypeError(
            f"{where} must be a real number or a one-element tensor, got {tp.__name__} "
            f"{value!r:.60}. Fix: {_real_fix(name)}."
        )
    if kind is Kind.CONTAINER:
        raise _not_a_scalar_error(name, value)
    if kind is Kind.DLPACK:
        # NumPy reads DLPack data on the CPU only, where reading waits for
        # nothing: read now, as a CPU tensor is (an object on another device
        # gets the rule's error naming the metric), then checked as an array.
        # Held, it aliased the caller's memory, and a (1,) one failed every refresh.
        size = getattr(value, "size", None)
        if isinstance(size, int) and size != 1:
            raise _scalar_error(name, value)
        return hold(to_numpy(value, name=where), name)
    return _held_array(value, name, kind)


def _held_array(value: Any, name: str | None, kind: Kind) -> Any:
    """A 0-d copy of a one-element JAX or CuPy array on its own device (no sync).

    0-d, as a tensor is held: a refresh reads each held value as one number,
    and a ``(1,)`` array would fail every later refresh.
    """
    where = _where_of(name)
    if kind is Kind.JAX:
        _refuse_jax(where, value)
    # Each gets its own copy on its device (a JAX array is immutable, but
    # donating it to a jitted function deletes it).
    if value.size != 1:
        raise _scalar_error(name, value)
    if np.issubdtype(value.dtype, np.complexfloating):
        raise TypeError(
            f"{where} must be a real number, got {describe(value)}. Fix: log `.real` or "
            "`abs(...)` instead."
        )
    held = value.copy()
    return held if held.ndim == 0 else held.reshape(())


def _refuse_jax(where: Where, value: Any) -> None:
    # Now, naming the metric: held, it would fail every later refresh instead.
    error = jax_error(where, value)
    if error is not None:
        raise error


def _items(container: Any) -> Any:
    return container.values() if isinstance(container, Mapping) else container


def _rebuilt(container: Any, items: list[Any], key: Callable[[Any], Any] | None = None) -> Any:
    """``container`` rebuilt around new ``items``, by the rule's own rebuilders.

    A mapping's ``items`` are its values, its keys mapped by ``key`` (kept as
    they are: None); it keeps its type as the rule keeps it (a
    ``defaultdict``, its factory).
    """
    if isinstance(container, Mapping):
        keys = container.keys() if key is None else map(key, container.keys())
        return rebuilt_mapping(container, list(zip(keys, items, strict=True)))
    return rebuild(container, items)


def _holds_arrays(value: Any) -> bool:
    """Whether ``value`` is a container (list, tuple, ...) holding a tensor or another array."""
    return kind_of(type(value)) is Kind.CONTAINER and needs_conversion(value)


def hold_array(value: Any, where: Where) -> Any:
    """A detached copy of an array-like argument of ``show`` on its own device (no sync).

    A container of tensors (``[t0, t1, ...]``, as ``ax.plot`` accepts) is
    rebuilt around copies of its tensors, so that neither a later in-place
    change nor autograd reaches the plot, and ``imshow`` still gets the
    container it was given.  ``where`` names ``value`` in the conversion
    rule's error for a tensor it would refuse (raised now, not at the refresh).
    """
    if dispatch_modes_active():
        with past_dispatch_modes():  # the copies held are torchplot's: see torchplot._convert
            return hold_array(value, where)
    kind = kind_of(type(value))
    if kind is Kind.TORCH:
        refuse_unreadable(where, value)  # now, not at the refresh: as in hold
        if value.is_nested:
            raise _nested_show_error(where, value)
        return _own_copy(value)
    if kind is Kind.JAX:
        _refuse_jax(where, value)
        return value.copy()
    if kind is Kind.CUPY:
        return value.copy()
    if isinstance(value, np.ndarray):
        return value.copy()  # a masked array's mask included
    if _holds_arrays(value):
        keys = value.keys() if isinstance(value, Mapping) else range(len(value))
        return _rebuilt(
            value,
            [hold_array(v, ("item", where, k)) for k, v in zip(keys, _items(value), strict=True)],
        )
    if kind is Kind.DLPACK:
        # Read now, as ``hold`` reads one: NumPy reads DLPack data on the CPU
        # only, where nothing waits, and the copy cannot alias the caller's memory.
        return to_numpy(value, name=where_text(where))
    return _host_copy(value)


#: Types whose values cannot change in place: kept as they are.
_IMMUTABLE = frozenset({type(None), bool, int, float, complex, str, bytes, range})


def _immutable(tp: type) -> bool:
    return tp in _IMMUTABLE or issubclass(tp, np.generic)


def _host_copy(value: Any) -> Any:
    """An independent copy of a host value that ``show`` keeps until the refresh.

    A list of arrays, a pandas object, any object the caller may change in
    place before the refresh: what is drawn must be what was shown (promise
    3).  A list or tuple of numbers costs one shallow copy (a deep copy of a
    long list costs a hundred times more); other values are deep-copied, and
    one that cannot be becomes a NumPy copy if it offers ``__array__``, else
    is kept as given (a generator, say, which ``show``'s checks then refuse).
    """
    tp = type(value)
    if _immutable(tp):
        return value
    if tp is list or tp is tuple:
        if all(_immutable(t) for t in set(map(type, value))):
            return list(value) if tp is list else value
        return tp(_host_copy(v) for v in value)
    try:
        return copy.deepcopy(value)
    except Exception:
        return np.array(value) if hasattr(value, "__array__") else value


def _nested_show_error(where: Where, value: Any) -> TypeError:
    """The error for a nested tensor given to ``show``: neither a curve nor an image.

    (Held, it failed in torch when ``show`` asked for its shape, which a
    strided nested tensor does not have and a jagged one gives symbolically.)
    """
    return rule_error(
        where,
        value,
        "a nested tensor cannot be shown",
        "show one regular tensor: its components stacked, `torch.stack(X.unbind())` (when "
        "they have one shape), or padded, `X.to_padded_tensor(0.0)`; or each component in "
        "a panel of its own",
    )


def _image_dtype(value: Any) -> np.dtype[Any] | None:
    """The dtype Matplotlib gets for ``value``, a leaf of a ``show`` image or curve, from metadata.

    None where it cannot be told without reading values, or is Matplotlib's
    own business (a PIL image, a DataFrame, a DLPack object).
    """
    kind = kind_of(type(value))
    if kind is Kind.TORCH:
        # Every other dtype the rule reads becomes a bool, integer or float.
        if not value.is_complex():
            return None
        double = value.dtype == sys.modules["torch"].complex128
        return np.dtype(np.complex128 if double else np.complex64)
    if kind in (Kind.JAX, Kind.CUPY) or isinstance(value, (np.ndarray, np.generic)):
        try:
            dtype = np.dtype(value.dtype)
        except TypeError:
            return None
        # The rule casts a JAX array of an ml_dtypes type to a float or integer.
        return None if kind is Kind.JAX and dtype.name in ML_DTYPES_CAST else dtype
    if isinstance(value, (list, tuple, numbers.Number, str)) or value is None:
        try:  # host values: cheap, and np.shape already made this array of them
            return np.asarray(value).dtype
        except (ValueError, TypeError):
            return None
    return None


def _described(value: Any) -> str:
    """``describe`` for an array; for a list, what it is and the shape NumPy gives it."""
    if hasattr(value, "dtype"):
        return describe(value)
    return f"a {type(value).__name__}, shape {np.shape(value)}"


def image_dtype_error(value: Any, where: Where) -> TypeError | None:
    """What ``imshow`` raises for the dtype of ``value`` (as held by :func:`hold_array`), or None.

    Told from metadata, never from a tensor's values (no device sync), in
    Matplotlib's words ("Image data of dtype complex64 cannot be converted to
    float"), with ``where`` naming the argument, or the item of a list that
    has that dtype, and the fix.  For ``Live.show``, which must refuse such an
    image when it is given: at the refresh, Matplotlib's error names neither
    the panel nor the argument, and comes from an unrelated ``log``.
    """
    if _holds_arrays(value):
        return _first_item_error(value, where, image_dtype_error)
    dtype = _image_dtype(value)
    # Matplotlib's test (``_ImageBase._normalize_image_array``).
    if dtype is None or dtype == np.uint8 or np.can_cast(dtype, float, "same_kind"):
        return None
    if dtype.kind == "c":
        magnitude = "X.abs()" if is_torch(value) else "abs(X)"
        fix = f"show real values, e.g. the magnitude `{magnitude}` or the real part `X.real`"
    else:
        fix = "pass numbers (a bool, integer or float array)"
    return TypeError(
        f"{where_text(where)}: Image data of dtype {dtype} cannot be converted to float "
        f"({_described(value)}). Fix: {fix}."
    )


def _first_item_error(
    value: Any, where: Where, check: Callable[[Any, Where], TypeError | None]
) -> TypeError | None:
    """The first error ``check`` gives an item of ``value``, a list or dict of arrays, or None."""
    keys = value.keys() if isinstance(value, Mapping) else range(len(value))
    for k, item in zip(keys, _items(value), strict=True):
        error = check(item, ("item", where, k))
        if error is not None:
            return error
    return None


def curve_dtype_error(value: Any, where: Where) -> TypeError | None:
    """The error for curve data (``show``'s x, values or target) that is not numbers, or None.

    A curve panel draws ``np.asarray(value).astype(float)`` on numeric axes:
    text, bytes and structured dtypes, and object arrays whose items are not
    numbers, must be refused when ``show`` is given them, not at the refresh
    (maybe in the drawing process), where every later refresh fails again.
    Told from the dtype (a tensor's values are never read); only an object
    array, on the host, is tried.  ``where`` names ``value``, or the item of a
    list that is not numbers.
    """
    if _holds_arrays(value):
        return _first_item_error(value, where, curve_dtype_error)
    dtype = _image_dtype(value)
    if dtype is None or dtype.kind in "biufcmM":  # (complex: the real part, as plot draws)
        return None
    if dtype.kind == "O":
        try:
            np.asarray(value).astype(float)
        except (TypeError, ValueError):
            pass
        else:
            return None
    fix = "pass numbers (a bool, integer or float array)"
    if dtype.kind in "US":
        fix += ", e.g. `np.asarray(X, float)` for numbers written as text"
    return TypeError(
        f"{where_text(where)}: curve data of dtype {dtype} cannot be converted to float "
        f"({_described(value)}). Fix: {fix}."
    )


def shape_of(value: Any, where: str) -> tuple[int, ...]:
    """``np.shape(value)`` from metadata: never reads a tensor, in a container or not.

    (``np.shape`` of a list of tensors converts them: a device sync each, and
    an error for a tensor that requires grad.)  ``where`` names ``value`` in
    the error for a container whose elements have different shapes.
    """
    shape = getattr(value, "shape", None)
    if shape is not None:
        return tuple(shape)
    if _holds_arrays(value) and not isinstance(value, Mapping):
        return (len(value), *_one_shape([shape_of(v, where) for v in value], where))
    try:
        return tuple(np.shape(value))
    except ValueError:
        if not isinstance(value, (list, tuple)):
            raise
        # A ragged list of numbers: NumPy's message names neither the argument nor the shapes.
        return (len(value), *_one_shape([shape_of(v, where) for v in value], where))


def _one_shape(shapes: list[tuple[int, ...]], where: str) -> tuple[int, ...]:
    """The one shape the elements of ``where`` share (``()`` for none), else a ``ValueError``."""
    distinct = set(shapes)
    if len(distinct) > 1:
        raise ValueError(
            f"{where}: the elements have different shapes {sorted(distinct)}. Fix: pass "
            "elements of one shape (e.g. 0-d tensors), or one tensor."
        )
    return distinct.pop() if distinct else ()


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
        host = torch.empty(stacked.shape, dtype=stacked.dtype, device="cpu", pin_memory=True)
        host.copy_(stacked, non_blocking=True)
        done = torch.cuda.Event()
        done.record(torch.cuda.current_stream(stacked.device))
        done.synchronize()  # the one wait, for this copy only, at refresh time
    else:
        host = stacked.to("cpu")
    out = to_numpy(host, name=where)
    return np.asarray(out)


def _masked_type() -> Any:
    """``torch.masked.MaskedTensor`` if it was imported (never imported here), else None."""
    module = sys.modules.get("torch.masked.maskedtensor.core")
    return None if module is None else module.MaskedTensor


def _tensors(value: Any, found: list[Any], masked: Any) -> None:
    """Append the tensors of ``value`` (itself, or those in a container) to ``found``, in order.

    A ``MaskedTensor`` (``masked``) is two: its data and its mask, each
    transferred with the tensors of its device and dtype.  Transferred as
    one, its mask was lost and the values it hides were drawn.
    """
    if is_torch(value):
        if masked is not None and isinstance(value, masked):
            found += (value.get_data(), value.get_mask())
        else:
            found.append(value)
    elif _holds_arrays(value):
        for item in _items(value):
            _tensors(item, found, masked)


def _placed(value: Any, hosted: Iterator[Any], where: str, masked: Any) -> Any:
    """``value`` with its tensors replaced by ``hosted`` (same order as :func:`_tensors`)."""
    if is_torch(value):
        if masked is not None and isinstance(value, masked):
            return masked_from(next(hosted), next(hosted))
        return next(hosted)
    if _holds_arrays(value):
        items = [_placed(v, hosted, where, masked) for v in _items(value)]
        # Keys converted too, as the rule converts them.
        return _rebuilt(value, items, lambda k: converted_key(k, where))
    return to_numpy(value, name=where)


def as_float(value: Any) -> float:
    """A logged value as :func:`to_host` gives it, as a float: NaN (a gap) for a masked one."""
    return math.nan if value is np.ma.masked else float(value)


def to_host(values: Sequence[Any], where: str = "Live") -> list[Any]:
    """Host NumPy values for ``values`` (floats, held tensors of any shape, other arrays), in order.

    Tensors, those in containers included, are grouped by (device, dtype);
    each group costs one concatenation and one transfer, whatever its size.
    Each value comes back as :func:`torchplot.to_numpy` gives it, so that it
    means what it would have meant unheld: a float as it is, a 0-d tensor a
    Python ``int``/``bool`` (integer or boolean dtype) or a NumPy scalar, a
    container rebuilt as the rule rebuilds it (its type kept, a mapping's
    keys converted), a ``MaskedTensor`` a NumPy masked array (0-d: its
    value, or ``np.ma.masked`` when it holds none).
    """
    if dispatch_modes_active():
        with past_dispatch_modes():  # the reads are torchplot's: see torchplot._convert
            return to_host(values, where)
    masked = _masked_type()
    # Plain tensors, once per value logged, skip the isinstance (which costs
    # as much as the rest of their way through here): never a MaskedTensor.
    plain = frozenset() if masked is None else direct_types()
    tensors: list[Any] = []
    alone: list[bool] = []  # per value not a float: one tensor, placed as it is hosted
    for v in values:
        if type(v) is float:
            continue
        if type(v) in plain or (is_torch(v) and not isinstance(v, masked or ())):
            tensors.append(v)
            alone.append(True)
        else:
            _tensors(v, tensors, masked)
            alone.append(False)
    host: list[Any] = [None] * len(tensors)
    groups: dict[tuple[Any, Any], list[int]] = {}
    for i, t in enumerate(tensors):
        groups.setdefault((t.device, t.dtype), []).append(i)
    for idx in groups.values():
        group = [tensors[i] for i in idx]
        flat = _stack_to_host(group, where)
        if len(flat) == len(group) and all(t.dim() == 0 for t in group):
            # The logged scalars, each what the rule makes of a 0-d value.
            for i, scalar in zip(idx, map(as_scalar, flat), strict=True):
                host[i] = scalar
            continue
        offset = 0
        for i, t in zip(idx, group, strict=True):
            n = t.numel()
            piece = flat[offset : offset + n].reshape(tuple(t.shape))
            host[i] = as_scalar(piece) if piece.ndim == 0 else piece
            offset += n
    hosted, placed = iter(host), iter(alone)
    return [
        v
        if type(v) is float
        else next(hosted)
        if next(placed)
        else _placed(v, hosted, where, masked)
        for v in values
    ]
