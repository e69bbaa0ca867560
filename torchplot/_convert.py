"""The one conversion rule: any tensor-like argument to a NumPy array on the host.

Every array torchplot hands to Matplotlib from a tensor is made by
:func:`torchplot.to_numpy`, except where a plain CPU tensor is read in place
and none of its memory is kept: ``hist`` (NumPy counts a read-only view; the
figure keeps counts and edges) and an image grid of a CPU batch (written into
a fresh array that shares no memory with the batch).  The rule (see the table
in the README and in ``docs/conversion.rst``):

==========================================  ===================================================
input                                       becomes
==========================================  ===================================================
``torch.Tensor`` (any subclass)             detached, conj/neg bits resolved, copied to
                                            a fresh host ``ndarray`` in one transfer
sparse (COO, CSR, CSC, BSR, BSC)            dense first, on its own device
quantized (``qint8``, ``quint8``, ...)      dequantized (``float32``)
``bfloat16``                                ``float32``
``float8_e4m3fn[uz]``                       ``float16``
``float8_e5m2[fnuz]``                       ``float16``
``float8_e8m0fnu``                          ``float32``
``complex32`` (``chalf``)                   ``complex64``
nested (jagged) tensor                      ``list`` of arrays, one per component
``torch.masked.MaskedTensor``               ``numpy.ma.masked_array``, masked where the
                                            tensor holds no value
0-d tensor                                  Python ``int``/``bool`` for an integer or
                                            boolean dtype, else NumPy scalar of the
                                            dtype above
meta / fake / data-less tensor              ``TypeError`` naming argument and fix
lazy module's uninitialized parameter       ``TypeError``: run the forward once first
tensor inside ``torch.func.grad``/``vmap``  ``TypeError``: plot outside the transform
wrapper subclass without storage            ``TypeError``: make it a plain tensor first
bit-packed (``uint4``, ``bits8``, ...)      ``TypeError``; fix: its raw bytes,
                                            ``tensor.view(torch.uint8)`` (``torch.int8``
                                            for ``int1``-``int7`` and
                                            ``float4_e2m1fn_x2``, ``torch.uint16`` for
                                            ``bits16``)
``jax.Array``                               fresh ``ndarray``; ml_dtypes mapped as above,
                                            and ``float8_e3m4``, ``float8_e4m3``,
                                            ``float8_e4m3b11fnuz``, ``float4_e2m1fn`` to
                                            ``float16``, ``int2``/``int4`` to ``int8``,
                                            ``uint2``/``uint4`` to ``uint8``
JAX tracer (in ``jit``, ``vmap``, ...)      ``TypeError``: plot outside the transform
JAX key array                               ``TypeError``; fix: ``jax.random.key_data``
deleted (donated) JAX array                 ``TypeError``; fix: plot it before donating it
``cupy.ndarray``                            fresh ``ndarray`` (one ``.get()``)
other object with ``__array__``             untouched: NumPy's own path
other object with only ``__dlpack__``       ``np.from_dlpack`` then copied
list / tuple / namedtuple / dict            rebuilt only if it held one of the above
(or other mapping)                          (a dict's keys converted as its values); as
                                            ``data=`` of a Matplotlib call, only the values
                                            the call names
``slice``                                   rebuilt only if its start, stop or step was one
``collections.deque``                       rebuilt (same type) only if it held one
dict view (``d.values()``, ``d.items()``)   ``list`` of its converted items, only if it
                                            held one (as Matplotlib's ``sanitize_sequence``)
generator, other iterator                   untouched: looking inside would consume it
anything else                               untouched (identity kept)
==========================================  ===================================================

Every value in each mapped dtype is exactly representable in its target, so
no plotted value changes.  The result never shares memory with, or keeps a
reference to, the caller's tensor (promise 3): later in-place changes to the
tensor cannot reach a figure, and dropping the tensor frees it.
"""

from __future__ import annotations

import copy
import functools
import inspect
import sys
from collections import ChainMap, deque
from collections.abc import Callable, Mapping, MappingView
from itertools import chain, compress, repeat
from operator import attrgetter, is_
from typing import Any

import numpy as np

from torchplot._compat import (
    dispatch_depth,
    fake_tensor,
    functorch_wrapped,
    item_reads_as_stored,
    jax_key_array,
    past_dispatch_modes,
    past_torch_function,
    plain_tensors,
)
from torchplot._frameworks import Kind, is_local_class, kind_of, plain_types

# The rule, and the parts of it that the layers and Live share.
__all__ = [
    "ML_DTYPES_CAST",
    "TORCH_CAST",
    "Where",
    "as_scalar",
    "convert_call",
    "converted_key",
    "dense_detached",
    "dense_on_device",
    "describe",
    "direct_types",
    "dispatch_modes_active",
    "in_host_memory",
    "is_fake",
    "jax_error",
    "masked_from",
    "metadata_refused",
    "needs_conversion",
    "positional_names",
    "readable_here",
    "rebuild",
    "rebuilt_mapping",
    "refuse_unreadable",
    "replaced_names",
    "rule_error",
    "to_numpy",
    "where_text",
]

# Reading an Enum member (``Kind.PLAIN``) costs ten times a global read.
_PLAIN, _CONTAINER, _TORCH = Kind.PLAIN, Kind.CONTAINER, Kind.TORCH

#: torch dtype name -> torch dtype name it is cast to (on the host) before ``.numpy()``.
TORCH_CAST: dict[str, str] = {
    "bfloat16": "float32",
    "float8_e4m3fn": "float16",
    "float8_e4m3fnuz": "float16",
    "float8_e5m2": "float16",
    "float8_e5m2fnuz": "float16",
    "float8_e8m0fnu": "float32",
    "complex32": "complex64",
}

#: ml_dtypes (JAX) dtype name -> NumPy dtype it is cast to.
ML_DTYPES_CAST: dict[str, str] = {
    "bfloat16": "float32",
    "float8_e3m4": "float16",
    "float8_e4m3": "float16",
    "float8_e4m3fn": "float16",
    "float8_e4m3fnuz": "float16",
    "float8_e4m3b11fnuz": "float16",
    "float8_e5m2": "float16",
    "float8_e5m2fnuz": "float16",
    "float8_e8m0fnu": "float32",
    "float4_e2m1fn": "float16",
    "int2": "int8",
    "int4": "int8",
    "uint2": "uint8",
    "uint4": "uint8",
}

# Tensors have no ``to_empty`` (only modules do); ``torch.empty_like`` of a
# FakeTensor is another FakeTensor.  A factory call with the shape and dtype
# makes a real tensor from a meta or fake one alike.
_FIX_NO_DATA = (
    "compute it for real (e.g. run the model on real inputs, outside FakeTensorMode and "
    "not on the meta device), or make a real tensor of its shape, "
    "`torch.empty(tensor.shape, dtype=tensor.dtype)`, and fill it (a module built on the "
    "meta device: `module.to_empty(device='cpu')`, then load or initialize its weights)"
)
_NO_DATA = "cannot plot a tensor that holds no data"
_FIX_LAZY = "run the module's forward once first (it is a lazy module's uninitialized parameter)"
_FIX_TRANSFORM = (
    "plot outside the torch.func transform (e.g. return the value and plot it afterwards)"
)
_IN_TRANSFORM = "cannot read the values of a tensor inside a torch.func transform (grad, vmap)"

#: DLPack's ``DLDeviceType`` numbers (dlpack.h) -> a device name.
_DLPACK_DEVICES: dict[int, str] = {
    1: "cpu",
    2: "cuda",
    3: "cuda-host (pinned)",
    4: "opencl",
    7: "vulkan",
    8: "metal",
    9: "vpi",
    10: "rocm",
    13: "cuda-managed",
    14: "oneapi",
}


def describe(obj: Any) -> str:
    """``shape (2, 3), dtype torch.float32, device cuda:0`` for any array-like.

    A nested tensor's shape is its components' shapes, ``[(2, 2), (3, 2)] (nested)``:
    a strided-layout one has no ``.shape`` (reading it raises), and a jagged
    one's, ``(2, j1, 2)``, names no component's length.
    """
    if _is_uninitialized(obj):
        shape_s: Any = "unknown"  # reading it raises
    elif _read(obj, "is_nested", False) is True:
        shape_s = _nested_shapes(obj)
    else:
        shape = _read(obj, "shape", None)
        shape_s = "?" if shape is None else "unknown" if shape is _UNREADABLE else tuple(shape)
    dtype = _read(obj, "dtype", "?")
    dtype_s = "unknown" if dtype is _UNREADABLE else dtype
    return f"shape {shape_s}, dtype {dtype_s}, device {_device_of(obj)}"


#: What :func:`_read` gives for an attribute whose every read raised.
_UNREADABLE = object()


def _read(obj: Any, name: str, default: Any) -> Any:
    """``getattr(obj, name, default)``, for an error message: never raises.

    A tensor subclass whose ``__torch_function__`` refuses every operation
    refuses ``.shape`` too; its metadata is then read past that override, as
    ``torch.Tensor.__torch_function__`` itself reads it.  :data:`_UNREADABLE`
    when even that raises (a deleted JAX array's ``.device``).
    """
    torch = sys.modules.get("torch")
    is_tensor = torch is not None and isinstance(obj, torch.Tensor)
    try:
        # A tensor has every attribute asked for here, so an AttributeError is
        # its override refusing the read, not a missing attribute.
        return getattr(obj, name) if is_tensor else getattr(obj, name, default)
    except Exception:
        pass
    if is_tensor:
        try:
            with past_torch_function():
                return getattr(obj, name, default)
        except Exception:
            pass
    return _UNREADABLE


def _nested_shapes(t: Any) -> str:
    """``[(2, 2), (3, 2)] (nested)``: a nested tensor's components' shapes, the middle elided."""
    try:
        shapes = [tuple(part.shape) for part in t.unbind()]
    except Exception:
        return "unknown (nested)"
    n = len(shapes)
    shown = [str(s) for s in shapes] if n <= 4 else [*map(str, shapes[:3]), "...", str(shapes[-1])]
    count = "" if n <= 4 else f", {n} components"
    return f"[{', '.join(shown)}] (nested{count})"


def _device_of(obj: Any) -> Any:
    """Its ``.device``, else where its ``__dlpack_device__`` says its data is, else ``cpu``."""
    device = _read(obj, "device", None)
    if device is _UNREADABLE:  # a deleted JAX array raises, for an error message to describe
        # Its sharding still says where its data was.
        devices = _read(_read(obj, "sharding", None), "device_set", None)
        one = len(devices) == 1 if isinstance(devices, (set, frozenset)) else False
        return next(iter(devices)) if one else "unknown"
    if device is not None:
        return device
    if not hasattr(obj, "__dlpack_device__"):
        return "cpu"
    try:
        dev_type, dev_id = obj.__dlpack_device__()
        dev_type = int(dev_type)
    except Exception:
        return "unknown"
    name = _DLPACK_DEVICES.get(dev_type)
    if name is None:
        return f"dlpack device type {dev_type}"
    return name if name == "cpu" else f"{name}:{dev_id}"


#: Where a value came from, spelled out only when an error needs it (formatting
#: a label for every converted argument would cost more than the conversion):
#: a plain name, ``("arg", func, index, self_offset)``, ``("kwarg", func, name)``
#: or ``("item", parent, key)``.
Where = str | tuple[Any, ...]


def where_text(where: Where) -> str:
    """How an error names the value at ``where``: ``Axes.plot() argument 'x'``, ``'d'['k']``."""
    if isinstance(where, str):
        return where
    tag, *rest = where
    if tag == "item":
        parent, key = rest
        return f"{where_text(parent)}[{key!r}]"
    func = rest[0]
    qual = getattr(func, "__qualname__", getattr(func, "__name__", "call"))
    if tag == "kwarg":
        return f"{qual}() argument {rest[1]!r}"
    return f"{qual}() {_arg_label(func, rest[1], rest[2])}"


def rule_error(where: Where, obj: Any, problem: str, fix: str) -> TypeError:
    """The rule's ``TypeError``: where, what is refused, its shape, dtype and device, the fix."""
    return TypeError(f"{where_text(where)}: {problem} ({describe(obj)}). Fix: {fix}.")


def _torch_dtype_name(dtype: Any) -> str:
    return str(dtype).removeprefix("torch.")


#: The tensor types whose CPU tensors take the short path of :func:`_torch_leaf`;
#: filled from the first tensor converted (torchplot never imports torch itself).
_DIRECT_TYPES: frozenset[type] = frozenset()
#: ``torch.strided``, set with :data:`_DIRECT_TYPES`.
_STRIDED: Any = None


def direct_types() -> frozenset[type]:
    """``{torch.Tensor, torch.nn.Parameter}``, bound (with PyTorch's own helpers) at first use."""
    global _DIRECT_TYPES, _STRIDED, _dispatch_depth
    torch = sys.modules["torch"]
    _dispatch_depth = dispatch_depth()
    _STRIDED = torch.strided
    _DIRECT_TYPES = frozenset({torch.Tensor, torch.nn.Parameter})
    return _DIRECT_TYPES


def _first_dispatch_depth() -> int:
    direct_types()
    return _dispatch_depth()


#: How many dispatch modes are active: PyTorch's own function, bound with
#: :data:`_DIRECT_TYPES` from the first tensor converted.
_dispatch_depth: Callable[[], int] = _first_dispatch_depth


def as_scalar(arr: np.ndarray) -> Any:
    """What a 0-d array stands for as a scalar argument.

    An integer or boolean is a count, an index or a flag (``bins=``,
    ``k_depth=``, ``annot=``, ``dodge=``): Python's ``int``/``bool``, which
    every ``isinstance(v, int)`` and ``v is True`` in Matplotlib and seaborn
    accepts, where ``np.int64``/``np.bool_`` fail or mean something else.  A
    float or complex keeps its dtype as a NumPy scalar, so a ``float32`` prints
    as one (``0.1``, not ``0.10000000149011612``).
    """
    return arr.item() if arr.dtype.kind in "biu" else arr[()]


def dispatch_modes_active() -> bool:
    """Whether a dispatch mode (``FakeTensorMode``, ``FlopCounterMode``, ...) is active.

    Code that runs torch operations on a caller's tensors before the rule
    converts them (the layers) runs them past such modes, as the rule does.
    """
    return "torch" in sys.modules and bool(_dispatch_depth())


def _torch_leaf(t: Any, where: Where) -> Any:
    if _dispatch_depth() and not is_fake(t):
        # Inside a dispatch mode the copies below are not the program's own
        # operations: a FakeTensorMode would make them fake (their memory read
        # as values: garbage drawn), a FlopCounterMode would count them.
        with past_dispatch_modes():
            return _torch_leaf(t, where)
    if type(t) in (_DIRECT_TYPES or direct_types()) and t.is_cpu and not t._is_zerotensor():
        # The common case, a host tensor of a dtype NumPy has, without the
        # general path's dozen attribute reads (a small plot call pays them
        # per argument).  numpy(force=True) detaches and resolves the conj and
        # neg bits; it raises for every dtype and layout NumPy cannot take
        # as they are (bfloat16, float8, quantized, sparse, nested, mkldnn),
        # which the general path handles or explains.  A ZeroTensor (a
        # gradient autograd knows is zero) kills the interpreter there when
        # it is a view with an offset (``x.grad[1]``, PyTorch 2.13).
        try:
            arr = t.numpy(force=True)
        except Exception:
            pass
        else:
            # A copy: ``arr`` may share the tensor's memory (promise 3).
            return as_scalar(arr) if arr.ndim == 0 else arr.copy()
    torch = sys.modules["torch"]
    given = t
    try:
        # A subclass's ``__torch_function__`` runs for each of these reads,
        # and may refuse every one: the error says so, and how to read past it.
        no_data = t.is_meta or is_fake(t)
        nested = not no_data and t.is_nested
    except Exception as exc:
        if type(given) in _DIRECT_TYPES:  # a mode refused a plain tensor: PyTorch's error
            raise
        raise _unreadable(where, given, given, exc) from None
    if no_data:
        raise _no_data_error(where, t)
    if nested:
        return [_torch_leaf(part, ("item", where, i)) for i, part in enumerate(t.detach().unbind())]
    masked = sys.modules.get("torch.masked.maskedtensor.core")
    if masked is not None and isinstance(t, masked.MaskedTensor):
        return _masked_leaf(t, where)
    fresh = False  # does `t` own memory the caller cannot reach?
    try:
        t = t.detach()
    except Exception as exc:
        if type(given) in _DIRECT_TYPES:  # a mode refused a plain tensor: PyTorch's error
            raise
        raise _unreadable(where, given, given, exc) from None
    if type(t) is not torch.Tensor and not isinstance(t, torch.nn.Parameter):
        try:
            t = t.as_subclass(torch.Tensor)
        except Exception as exc:  # wrapper subclasses with no storage of their own
            raise _unreadable(where, given, t, exc) from None
    if t._is_zerotensor():
        # No memory: ``numpy()`` refuses it (and a view of it crashes).  Its
        # values are zeros of its dtype, on the host at once.
        with plain_tensors():
            t, fresh = torch.zeros(t.shape, dtype=t.dtype, device="cpu"), True
    t, densified = dense_on_device(t)
    fresh = fresh or densified
    if t.is_conj():
        t, fresh = t.resolve_conj(), True
    if t.is_neg():
        t, fresh = t.resolve_neg(), True
    if t.device.type != "cpu":
        # One device-to-host copy of exactly the values drawn; a dtype that
        # NumPy lacks is widened afterwards, on the host, so the bus carries
        # the narrow type.
        try:
            t, fresh = t.to("cpu"), True
        except NotImplementedError as exc:  # bit-packed dtypes have no copy kernel
            raise _unreadable(where, given, t, exc) from None
    name = _torch_dtype_name(t.dtype)
    target = TORCH_CAST.get(name)
    if target is not None:
        t, fresh = t.to(getattr(torch, target)), True
    try:
        arr = t.numpy()
    except (TypeError, RuntimeError) as exc:
        raise _unreadable(where, given, t, exc) from None
    if not fresh:
        arr = arr.copy()
    return as_scalar(arr) if arr.ndim == 0 else arr


def _masked_leaf(t: Any, where: Where) -> Any:
    """A ``MaskedTensor`` as NumPy's masked array, whose masked-out values Matplotlib leaves out.

    ``MaskedTensor`` marks the values it holds with ``True``; NumPy marks
    the ones it hides.
    """
    return masked_from(_torch_leaf(t.get_data(), where), _torch_leaf(t.get_mask(), where))


def masked_from(data: Any, held: Any) -> Any:
    """A ``MaskedTensor``'s host ``data`` and ``held`` mask as the rule gives it.

    A NumPy masked array (NumPy marks the values it hides, ``MaskedTensor``
    those it holds); for one value, the value or ``np.ma.masked``.
    """
    if np.ndim(data) == 0:
        return data if held else np.ma.masked
    return np.ma.masked_array(data, mask=~held)


#: torch dtype -> why the rule cannot convert tensors of it (None: it can).
_DTYPE_PROBLEM: dict[Any, Exception | None] = {}


def _no_data_error(where: Where, t: Any) -> TypeError:
    """The error for a meta or fake tensor, or a lazy module's uninitialized parameter."""
    if _is_uninitialized(t):
        return rule_error(where, t, f"{_NO_DATA} yet", _FIX_LAZY)
    return rule_error(where, t, _NO_DATA, _FIX_NO_DATA)


def refuse_unreadable(where: Where, t: Any) -> None:
    """Raise now the ``TypeError`` the rule would raise for ``t``, told from metadata.

    For code that reshapes or holds a tensor before the rule converts it (a
    layer's ``flatten``, ``Live.log``): its error must describe the tensor as
    the caller gave it, and come before any operation that a meta, fake or
    transformed tensor would run (a FakeTensor's, added to real ones, raises;
    a vmapped one escapes its transform; inside ``torch.func.grad`` even a
    tensor made outside it is read through the transform, and a copy held
    would be the transform's wrapper).  Wrapper subclasses are not told apart
    here: only converting one tells whether it can be read.

    Parameters
    ----------
    where : str or tuple
        How the error names ``t`` (an argument label, as the rule's errors give it).
    t : torch.Tensor
        The tensor; neither its values nor its device are read.

    Raises
    ------
    TypeError
        What :func:`to_numpy` would raise for ``t``: it holds no data (meta,
        fake, a lazy module's uninitialized parameter), is read inside a
        ``torch.func`` transform, has a dtype the rule cannot convert, or is
        of a subclass whose ``__torch_function__`` refuses to read it.
    """
    if metadata_refused(t):
        _convert(t, where)  # the rule's error for it (had the rule read it, it is readable)
        return
    if t.is_meta or is_fake(t):
        raise _no_data_error(where, t)
    if in_transform(t.detach()):
        raise rule_error(where, t, _IN_TRANSFORM, _FIX_TRANSFORM)
    if not t.is_quantized:  # dequantized by the rule, whatever its dtype
        error = dtype_error(where, t)
        if error is not None:
            raise error


def metadata_refused(t: Any) -> bool:
    """Whether reading ``t``'s metadata (``is_nested``, ``is_meta``, ``ndim``) raises.

    A tensor subclass whose ``__torch_function__`` refuses every operation
    refuses these reads too.  Code that looks at a tensor before the rule
    converts it (the layers, :func:`refuse_unreadable`) leaves such a tensor
    to the rule, whose error names it and says how to read past the override.
    """
    if type(t) in (_DIRECT_TYPES or direct_types()):
        return False
    try:
        t.is_nested, t.is_meta, t.ndim  # noqa: B018 (read for their errors)
    except Exception:
        return True
    return False


def dtype_error(where: Where, t: Any) -> TypeError | None:
    """The rule's ``TypeError`` for a tensor of ``t``'s dtype, or None when the rule converts it.

    For :func:`refuse_unreadable`, which refuses a tensor now that its caller
    holds to convert later, without reading a value or touching its device:
    the rule is asked once per dtype, on an empty host tensor.
    """
    torch = sys.modules["torch"]
    dtype = t.dtype
    # The answer is kept for the process, so the probe is a plain host tensor
    # whatever the caller's context: inside a transform, a FakeTensorMode or
    # ``with torch.device("meta")`` a new tensor would be refused for that.
    if dtype not in _DTYPE_PROBLEM:
        problem: Exception | None = None
        if _torch_dtype_name(dtype) not in TORCH_CAST:
            try:
                with plain_tensors():
                    to_numpy(torch.empty(0, dtype=dtype, device="cpu"))
            except TypeError as exc:
                # The rule's error describes the probe; its cause is what PyTorch said.
                cause = exc.__context__
                problem = cause if isinstance(cause, Exception) else exc
                # Kept for the process: without the frames (the caller's tensor,
                # its Axes or Live) or the exceptions it was raised from.
                problem = problem.with_traceback(None)
                problem.__context__ = problem.__cause__ = None
        _DTYPE_PROBLEM[dtype] = problem
    problem = _DTYPE_PROBLEM[dtype]
    if problem is None:
        return None
    with plain_tensors():
        probe = torch.empty(0, dtype=dtype, device="cpu")
    return _unreadable(where, t, probe, problem)


def _unreadable(where: Where, given: Any, t: Any, exc: Exception) -> TypeError:
    """The error for a tensor whose data NumPy could not read, with the fix for its cause.

    Only the error path asks why: a tensor of a dtype NumPy lacks, a functorch
    wrapper (inside ``torch.func.grad``, ``vmap``, ...) and a wrapper subclass
    without storage all fail the same ``.numpy()`` call, and each needs its own fix.
    ``t`` is what failed, ``given`` the caller's tensor, which the message
    describes (its device, not that of a host copy).
    """
    torch = sys.modules["torch"]
    if in_transform(t):
        return rule_error(where, given, _IN_TRANSFORM, _FIX_TRANSFORM)
    if type(t) is not torch.Tensor and not isinstance(t, torch.nn.Parameter):
        if _plain_past_torch_function(t):
            return rule_error(
                where,
                given,
                f"the {type(t).__name__}'s `__torch_function__` refused to read it "
                f"({type(exc).__name__}: {exc})",
                "read it as a plain tensor past that override, `with "
                "torch._C.DisableTorchFunctionSubclass(): plain = tensor.as_subclass(torch.Tensor)`"
                ", and plot `plain`",
            )
        # as_subclass gave it back unchanged: its __torch_dispatch__ keeps it a subclass.
        fix = f"convert the {type(t).__name__} to a plain tensor first"
        if callable(getattr(t, "full_tensor", None)):  # DTensor: gathers its shards
            fix += ", e.g. `tensor.full_tensor()`"
        problem = f"cannot read the data of a {type(t).__name__} ({exc})"
        return rule_error(where, given, problem, fix)
    try:
        with plain_tensors():
            torch.zeros(1, dtype=t.dtype, device="cpu").float()
    except Exception:
        pass
    else:
        fix = "cast it to a plottable dtype first, e.g. `tensor.float()`"
        return rule_error(where, given, f"NumPy has no equivalent of this tensor ({exc})", fix)
    # Bit-packed dtypes (uint1-7, int1-7, bits*, float4_e2m1fn_x2) have no
    # arithmetic, not even a cast; a view of their bytes as an integer of the
    # same size is all PyTorch can do with them.
    try:
        signed = t.dtype.is_signed
    except Exception:  # "Bits types are undefined"
        signed = False
    raw = f"{'int' if signed else 'uint'}{8 * t.dtype.itemsize}"
    return rule_error(
        where,
        given,
        f"NumPy has no equivalent of this tensor, and PyTorch cannot cast {t.dtype} "
        f"to any other dtype ({exc})",
        f"plot its raw bytes, `tensor.view(torch.{raw})`, or unpack the values with "
        "the library that packed them",
    )


def _plain_past_torch_function(t: Any) -> bool:
    """Whether ``t``, read past its subclass's ``__torch_function__``, is a plain tensor with data.

    Asked on the error path only, to offer that as the fix where it works: a
    wrapper subclass (``__torch_dispatch__``) stays what it is past it, and a
    view of one holds no data.
    """
    torch = sys.modules["torch"]
    try:
        with past_torch_function():
            plain = t.as_subclass(torch.Tensor)
        if type(plain) is not torch.Tensor:
            return False
        _torch_leaf(plain, "plain")
    except Exception:
        return False
    return True


def in_transform(t: Any) -> bool:
    """Whether ``t`` is a tensor inside a ``torch.func`` transform (``grad``, ``vmap``, ...)."""
    return functorch_wrapped(t)


def dense_on_device(t: Any) -> tuple[Any, bool]:
    """``t`` strided and dequantized on its own device, and whether that made a new tensor.

    A sparse layout becomes dense and a quantized tensor its floats, each
    tensor on its own (stacked with others, quantized values would be
    requantized with one scale for all).  A nested tensor keeps its layout.
    """
    fresh = False
    if t.layout is not sys.modules["torch"].strided and not t.is_nested:
        t, fresh = t.to_dense(), True
    if t.is_quantized:
        t, fresh = t.dequantize(), True
    return t, fresh


def dense_detached(t: Any) -> Any:
    """``t`` detached, strided and dequantized on its own device (no copy when it already is)."""
    return dense_on_device(t.detach())[0]


def in_host_memory(t: Any) -> bool:
    """Whether ``t`` is a plain tensor whose values lie in host memory as it shows them.

    A ``Tensor`` or ``Parameter`` (no subclass running code of its own),
    strided on the CPU, neither quantized, nested nor a ZeroTensor (which has
    no memory).  What code reading a tensor in place may read: ``hist``'s
    view, the image grid's, ``Live.log``'s ``item()``.  Its conjugation and
    negation bits, its ``requires_grad`` and its dtype are for the reader.
    """
    return (
        type(t) in (_DIRECT_TYPES or direct_types())
        and t.is_cpu
        and t.layout is _STRIDED
        and not t.is_quantized
        and not t.is_nested
        and not t._is_zerotensor()
    )


def readable_here(t: Any) -> bool:
    """Whether device-side code (a layer's reduction) reads ``t``'s values as :func:`to_numpy` does.

    A meta tensor has none; a subclass (FakeTensor, a lazy module's
    uninitialized parameter, DTensor) runs its own code for every operation;
    inside a ``torch.func`` transform, ``.item()`` raises or reads a wrapper.
    Layers pass those on to the conversion rule, which converts them or raises
    its ``TypeError`` naming the argument and its own shape.
    """
    torch = sys.modules["torch"]
    if type(t) not in (torch.Tensor, torch.nn.Parameter) or t.is_meta:
        return False
    # Inside ``torch.func.grad`` a tensor made outside it is read through the
    # transform too: its ``detach()`` is the transform's wrapper.
    return not in_transform(t.detach())


def is_fake(t: Any) -> bool:
    """Whether ``t`` stands in for data it does not hold (meta tensors aside).

    A FakeTensor, or a lazy module's uninitialized parameter or buffer, whose
    every read (even ``.shape``) raises: callers that look at a tensor before
    converting it (the ``imshow`` layer) ask this first.
    """
    return fake_tensor(t) or _is_uninitialized(t)


def _is_uninitialized(obj: Any) -> bool:
    param = sys.modules.get("torch.nn.parameter")
    return param is not None and isinstance(obj, param.UninitializedTensorMixin)


def _cast_ml_dtypes(arr: np.ndarray) -> np.ndarray:
    # By name: ml_dtypes registers most of its types with kind "V", but
    # float8_e5m2 with kind "f".
    target = ML_DTYPES_CAST.get(arr.dtype.name)
    return arr.astype(target) if target is not None else arr


def jax_error(where: Where, x: Any) -> TypeError | None:
    """The rule's ``TypeError`` for a JAX array it cannot read, told without reading it; else None.

    For callers that hold an array to convert later (``Live.log``): a tracer
    (inside ``jax.jit``/``vmap``/``grad``) has no value yet, a PRNG key array
    holds keys rather than numbers, and a deleted array (donated to a jitted
    function) holds nothing.
    """
    jax = sys.modules["jax"]
    tracer = getattr(getattr(jax, "core", None), "Tracer", None)
    if tracer is not None and isinstance(x, tracer):
        return rule_error(
            where,
            x,
            "cannot read the value of a JAX tracer (inside `jax.jit`, `vmap` or `grad`)",
            "plot concrete arrays outside the transform, e.g. return them from the function",
        )
    if jax_key_array(jax, x):
        return rule_error(
            where,
            x,
            "a JAX PRNG key array holds keys, not numbers",
            "plot the keys' raw bits, `jax.random.key_data(keys)`",
        )
    is_deleted = getattr(x, "is_deleted", None)
    if is_deleted is not None and is_deleted():
        return rule_error(
            where,
            x,
            "this JAX array was deleted (donated to a jitted function, or `.delete()`)",
            "plot it before donating it, or plot what the function returned",
        )
    return None


def _jax_leaf(x: Any, where: Where) -> Any:
    try:
        arr = np.array(x, copy=True)
    except Exception as exc:
        # Only now asked why: a tracer, a key array and a deleted array all fail here.
        error = jax_error(where, x) or rule_error(
            where,
            x,
            f"cannot read the value of this JAX array ({type(exc).__name__}: {exc})",
            "make it a concrete array on this host first, e.g. `jax.device_get(x)`",
        )
        raise error from None
    arr = _cast_ml_dtypes(arr)
    return as_scalar(arr) if arr.ndim == 0 else arr


def _cupy_leaf(x: Any, where: Where) -> Any:
    arr = x.get()  # one device-to-host copy into fresh memory
    return as_scalar(arr) if arr.ndim == 0 else arr


def _dlpack_leaf(x: Any, where: Where) -> Any:
    try:
        arr = np.array(np.from_dlpack(x), copy=True)
    except (BufferError, RuntimeError, TypeError) as exc:
        on_host = str(_device_of(x)) == "cpu"
        raise rule_error(
            where,
            x,
            f"NumPy cannot read this {type(x).__name__} through DLPack ({exc})",
            "convert it to a NumPy array (or a dtype NumPy has) with its own library first"
            if on_host
            else "copy it to host memory with its own library first (NumPy reads DLPack "
            "data only on the CPU)",
        ) from None
    return as_scalar(arr) if arr.ndim == 0 else arr


#: The converter of each kind of foreign array.
_LEAVES: dict[Kind, Callable[[Any, Where], Any]] = {
    Kind.TORCH: _torch_leaf,
    Kind.JAX: _jax_leaf,
    Kind.CUPY: _cupy_leaf,
    Kind.DLPACK: _dlpack_leaf,
}

#: The leaf converter of each type met whose kind has one, filled by
#: :func:`_convert`: the hot path finds it in one lookup, not a kind and then a leaf.
_LEAF_OF: dict[type, Callable[[Any, Where], Any]] = {}


def needs_conversion(obj: Any) -> bool:
    """Whether :func:`to_numpy` would change ``obj`` (no conversion is done)."""
    tp = type(obj)
    kind = kind_of(tp)
    if kind is _PLAIN:
        return False
    if kind is not _CONTAINER:
        return True
    # What the rule converts inside: a dict's keys too (a 0-d tensor key, as in
    # ``clabel(fmt={level: name})``, hashes by identity, so Matplotlib's lookup
    # by value would miss it) and a slice's ends.  Inline, not a helper:
    # Matplotlib's draw passes tuples to wrapped setters some fifty times in a
    # small figure's draw (a list or tuple is told first: ``isinstance`` of an
    # ABC costs more than two identity tests).
    items: Any
    if tp is tuple or tp is list:
        items = obj
    elif isinstance(obj, Mapping):
        items = [*obj.keys(), *obj.values()]
    elif tp is slice:
        items = (obj.start, obj.stop, obj.step)
    else:
        items = obj
    # A C-speed pass over the element types: a list of a million floats costs
    # one set() of one type, not a million Python-level checks.
    types = set(map(type, items))
    for tp in types:
        kind = kind_of(tp)
        if kind is _CONTAINER:
            inner = items if len(types) == 1 else [*_of_type(items, tp)]
            if _inner_needs_conversion(inner, tp):
                return True
        elif kind is not _PLAIN:
            return True
    return False


#: From this depth of nested lists and tuples on, each is looked into once
#: however often it is held: a list holding itself, which a depth-first walk
#: ended with a ``RecursionError``, would make each level wider than the last.
#: Plotted data is shallower (an image's pixels are at depth 2).
_DEDUPLICATE_FROM = 3


def _inner_needs_conversion(level: Any, tp: type) -> bool:
    """Whether a container in ``level`` (all of type ``tp``) holds what the rule converts.

    Lists and tuples are looked into a whole level at a time: the element
    types of every list at one depth make one ``set`` at C speed (100k
    ``[x, y]`` pairs: one pass over 200k floats, not 100k Python calls), and
    only the containers among them make the next level.  Any other container
    (a mapping, a slice, a deque) is asked on its own, as its items are found
    in its own way.
    """
    if tp is not list and tp is not tuple:
        return any(map(needs_conversion, level))
    seen: set[int] = set()
    depth = 1
    while level:
        types = set(map(type, chain.from_iterable(level)))
        deeper: list[Any] = []
        for tp in types:
            kind = kind_of(tp)
            if kind is _PLAIN:
                continue
            if kind is not _CONTAINER:
                return True
            # With one type there, every item is one: no per-item filter.
            found: Any = chain.from_iterable(level)
            if len(types) > 1:
                found = compress(found, map(is_, map(type, chain.from_iterable(level)), repeat(tp)))
            if tp is list or tp is tuple:
                deeper += found
            elif any(map(needs_conversion, found)):
                return True
        depth += 1
        if depth >= _DEDUPLICATE_FROM and deeper:
            fresh = dict(zip(map(id, deeper), deeper, strict=True))
            for key in fresh.keys() & seen:
                del fresh[key]
            seen.update(fresh)
            deeper = list(fresh.values())
        level = deeper
    return False


def _of_type(items: Any, tp: type) -> Any:
    """The items (iterated twice) whose type is exactly ``tp``, picked at C speed."""
    return compress(items, map(is_, map(type, items), repeat(tp)))


def rebuild(obj: Any, items: list[Any]) -> Any:
    """The sequence ``obj`` rebuilt around new ``items``, of its own type where it can be."""
    tp = type(obj)
    if tp is list or tp is tuple:
        return tp(items)
    if isinstance(obj, MappingView):
        # A view cannot be built without its mapping; Matplotlib's own
        # sanitize_sequence turns one into a list.
        return items
    if isinstance(obj, deque):
        try:
            return tp(items, obj.maxlen)
        except Exception:
            return deque(items, obj.maxlen)
    if hasattr(obj, "_fields"):  # namedtuple
        return tp._make(items)
    if hasattr(tp, "n_sequence_fields"):
        # A structseq (``t.max(0)``, ``t.sort()``: torch.return_types) holding
        # arrays has a ``values`` array, which Matplotlib's ``_unpack_to_numpy``
        # would take for a pandas object's and draw alone: a tuple draws what
        # the tensors' structseq draws, all of its fields.
        return tuple(items)
    try:
        return tp(items)
    except Exception:  # a subclass with another constructor: fall back to its base
        return tuple(items) if isinstance(obj, tuple) else list(items)


def _convert(obj: Any, where: Where) -> Any:
    kind = kind_of(type(obj))
    if kind is _PLAIN:
        return obj
    if kind is not _CONTAINER:
        leaf = _LEAVES[kind]
        if not is_local_class(type(obj)):
            _LEAF_OF[type(obj)] = leaf
        return leaf(obj, where)
    if not needs_conversion(obj):
        return obj
    if type(obj) is list or type(obj) is tuple:  # told before an ABC's costlier isinstance
        return _rebuilt_sequence(obj, where)
    if isinstance(obj, Mapping):
        pairs = [(converted_key(k, where), _convert(v, ("item", where, k))) for k, v in obj.items()]
        return rebuilt_mapping(obj, pairs)
    if type(obj) is slice:
        ends = (obj.start, obj.stop, obj.step)
        return slice(*(_convert(v, ("item", where, i)) for i, v in enumerate(ends)))
    return _rebuilt_sequence(obj, where)


#: From how many items a list or tuple starting with a tensor is tried as 0-d
#: tensors read together (:func:`_torch_scalars`): from four on, that costs less
#: than one by one (4 items: 3.2 against 3.9 us; 32: 10 against 30 us).
_SCALARS_FROM = 4


def _rebuilt_sequence(obj: Any, where: Where) -> Any:
    """``obj`` (a list, tuple, deque, dict view, ...) rebuilt around its items, converted."""
    items = list(obj)
    tp = type(obj)
    if (tp is list or tp is tuple) and len(items) >= _SCALARS_FROM:
        if kind_of(type(items[0])) is _TORCH:
            scalars = _torch_scalars(items)
            if scalars is not None:
                return tp(scalars)
    # In order, so that an error names the first item that cannot be
    # converted; a float, a string, an array is passed over without a call.
    for i, v in enumerate(items):
        if type(v) not in plain_types:
            items[i] = _convert(v, ("item", where, i))
    return rebuild(obj, items)


#: torch dtype name -> NumPy dtype of the scalar the rule makes of a 0-d tensor of
#: it, for the integer and boolean dtypes (whose scalars are Python ``int``/``bool``):
#: None.  What :func:`_torch_leaf` gives for each (``as_scalar``), here without a leaf.
_SCALAR_DTYPES: dict[str, np.dtype[Any] | None] = {
    **dict.fromkeys(
        ("bool", "uint8", "uint16", "uint32", "uint64", "int8", "int16", "int32", "int64")
    ),
    **{
        name: np.dtype(TORCH_CAST.get(name, name))
        for name in ("float16", "float32", "float64", "complex64", "complex128", *TORCH_CAST)
    },
}


def _torch_scalars(items: list[Any]) -> list[Any] | None:
    """What the rule makes of each of many 0-d tensors, read together; None if it cannot tell.

    A loss history (``[loss0, loss1, ...]``, each a 0-d tensor, often with a
    ``grad_fn``) through :func:`_torch_leaf` costs ten times one ``item()``
    per tensor and one NumPy array for them all.  The values are the same:
    ``item()`` gives each value exactly as a Python number, which the array
    of the leaf's dtype holds exactly (its scalars are the leaf's ``arr[()]``;
    an integer or boolean one is the Python number itself, as ``as_scalar``
    gives).  Only for plain tensors (no subclass of their own), all 0-d, on
    the host and of one dtype, read outside any ``torch.func`` transform and
    any mode that could read them otherwise: everything else goes one by
    one, whose errors name the item.
    """
    torch = sys.modules["torch"]
    if not set(map(type, items)) <= (_DIRECT_TYPES or direct_types()):
        return None
    if not item_reads_as_stored():
        return None
    tensor = torch.Tensor
    if set(map(tensor.dim, items)) != {0} or not all(map(_is_cpu, items)):
        return None
    dtypes = set(map(_dtype_of, items))
    if len(dtypes) != 1:
        return None
    name = _torch_dtype_name(dtypes.pop())
    if name not in _SCALAR_DTYPES:  # quantized, bit-packed: the leaf's own path
        return None
    try:
        values = list(map(tensor.item, items))
    except Exception:  # a meta tensor, or one whose values are not at hand: the leaf says why
        return None
    target = _SCALAR_DTYPES[name]
    if target is None:
        return values if set(map(type, values)) <= {int, bool} else None
    if not set(map(type, values)) <= {float, complex}:
        return None
    return list(np.array(values, dtype=target))


_dtype_of, _is_cpu = attrgetter("dtype"), attrgetter("is_cpu")


def rebuilt_mapping(obj: Mapping[Any, Any], pairs: list[tuple[Any, Any]]) -> Any:
    """The mapping ``obj`` rebuilt from new ``(key, value)`` pairs, a dict subclass's type kept."""
    if type(obj) is dict or not isinstance(obj, dict):
        # A mapping that is no dict (``MappingProxyType``, ``UserDict``) is
        # read by key and iterated, as a dict is.
        return dict(pairs)
    try:
        # A copy keeps a subclass's own state: a defaultdict's factory, a
        # Counter's type (whose ``update`` would add, not replace).
        new = copy.copy(obj)
        if new is obj:  # a copy that is the object itself: never change the user's
            return dict(pairs)
        new.clear()
        for k, v in pairs:
            new[k] = v
        return new
    except Exception:
        return dict(pairs)


#: How a function reads its ``data=`` (see :func:`_data_reading`).
_DataReading = (
    tuple[inspect.Signature, "list[str] | None", "str | None", "str | None"]
    | frozenset[str]
    | str
    | None
)


@functools.lru_cache(maxsize=1024)
def _data_reading(func: Callable[..., Any]) -> _DataReading:
    """How ``func`` reads a ``data=`` keyword, told once per function.

    * Matplotlib's ``_preprocess_data`` decorator (``scatter``, ``hist``, ...):
      its signature and what it replaces (``replace_names``, ``*args``' and
      ``**kwargs``' names), read from the decorator's closure;
    * a frozenset: a keyword-only ``data`` of a function with ``*args`` that is
      not so decorated (``plot``, ``fill``, ``step``), which looks up its
      positional strings itself: the names of the parameters that may also
      be given by keyword;
    * the same for a method of an Axes taking ``*args`` and ``**kwargs`` but
      no ``data`` (``loglog``, ``semilogx``: ``data`` goes on to ``plot``);
    * ``"strings"``: another keyword-only ``data`` (``barh``, which passes it
      on to ``bar``, which reads every argument);
    * ``None``: ``data`` is the values themselves (``plt.setp(line, data=xy)``,
      ``Axis.update_units(data)``), converted as any argument is.
    """
    f: Any = func
    while f is not None:
        code = getattr(f, "__code__", None)
        if code is not None and code.co_name == "inner" and f.__closure__ is not None:
            cells = dict(zip(code.co_freevars, f.__closure__, strict=True))
            names = ("new_sig", "replace_names", "varargs_name", "varkwargs_name")
            if all(name in cells for name in names):
                sig, replace, varargs, varkwargs = (cells[n].cell_contents for n in names)
                return sig, replace, varargs, varkwargs
        f = getattr(f, "__wrapped__", None)
    try:
        params = inspect.signature(func).parameters
    except (TypeError, ValueError):
        return None
    kinds = {p.kind for p in params.values()}
    data = params.get("data")
    if data is None:
        # ``loglog(*args, **kwargs)`` and its siblings pass ``data`` on to
        # ``plot`` in ``**kwargs``; elsewhere (``plt.setp``) it is the values.
        module = getattr(func, "__module__", None) or ""
        if not (
            {inspect.Parameter.VAR_POSITIONAL, inspect.Parameter.VAR_KEYWORD} <= kinds
            and module.startswith(("matplotlib.axes", "mpl_toolkits"))
        ):
            return None
    elif data.kind is not data.KEYWORD_ONLY:
        return None
    if inspect.Parameter.VAR_POSITIONAL in kinds:
        return frozenset(n for n, p in params.items() if p.kind is p.POSITIONAL_OR_KEYWORD)
    return "strings"


def replaced_names(func: Callable[..., Any]) -> frozenset[str] | None:
    """The parameters whose string values ``func`` looks up in ``data=``; None for all of them.

    As Matplotlib's ``_preprocess_data`` decorator of ``func`` says
    (``replace_names``); for a layer that resolves ``data=`` itself
    (``scatter("points", data=d)``).
    """
    reading = _data_reading(func)
    if isinstance(reading, tuple) and reading[1] is not None:
        return frozenset(reading[1])
    return None


def _names_read(
    reading: _DataReading, args: tuple[Any, ...], kwargs: dict[str, Any], self_offset: int
) -> list[str]:
    """The strings a call looks up in its ``data=``, as Matplotlib picks them."""
    if reading == "strings":
        names = [*args, *kwargs.values()]
    elif isinstance(reading, frozenset):
        names = [*args, *(v for k, v in kwargs.items() if k in reading)]
    else:
        assert isinstance(reading, tuple)
        sig, replace, varargs, varkwargs = reading
        try:
            bound = sig.bind(*(None,) * self_offset, *args, **kwargs)
        except TypeError:  # Matplotlib raises its own error: nothing is drawn
            return []
        names = []
        for k, v in bound.arguments.items():
            if k == varkwargs:
                names += [v1 for k1, v1 in v.items() if replace is None or k1 in replace]
            elif k == varargs:
                names += v  # replaced, or looked up by the method itself
            elif replace is None or k in replace:
                names.append(v)
    return [v for v in names if isinstance(v, str)]


def _looked_up(
    data: Any,
    reading: _DataReading,
    call: tuple[tuple[Any, ...], dict[str, Any], int],
    where: Where,
) -> Any:
    """``data=`` of a Matplotlib call, with the values the call reads from it converted.

    Matplotlib's ``data=`` replaces a string argument ``s`` with ``data[s]``
    when that lookup succeeds, and reads nothing else: so only those values
    are read, once each, and converted, looked up as Matplotlib looks them up
    (``isinstance(s, str)``; any indexable object; a defaultdict's factory
    runs): a dict of model outputs holding images moves to the host only what
    is drawn, a ``np.load``-ed file loads only what is drawn.  The result
    serves the values read first and ``data`` itself for anything else; it is
    ``data`` when nothing was read.
    """
    found: dict[str, Any] = {}
    changed = False
    for s in _names_read(reading, *call):
        if s not in found:
            try:
                value = data[s]
            except Exception:  # Matplotlib keeps the string: nothing to convert
                continue
            found[s] = _convert(value, ("item", where, s))
            changed = changed or found[s] is not value
    # Every value read is handed over, so that Matplotlib reads none again (a
    # lazy mapping loads a key on each read); with nothing converted, only a
    # dict, which reads for free, is handed over as given.
    if not found or (not changed and type(data) is dict):
        return data
    return ChainMap(found, data)


def converted_key(key: Any, where: Where) -> Any:
    """A dict key as the rule converts it: one value (a 0-d tensor becomes its scalar)."""
    converted = _convert(key, ("item", where, "<key>"))
    if isinstance(converted, np.ndarray):
        raise rule_error(
            ("item", where, "<key>"),
            key,
            "a dict key must be a single value",
            "use a 0-d tensor (`t[i]`) or a Python number as the key",
        )
    return converted


def to_numpy(obj: Any, *, name: str = "value") -> Any:
    """Convert tensors (and containers of them) to NumPy, by torchplot's one rule.

    Parameters
    ----------
    obj : object
        A ``torch.Tensor`` (on any device, with any dtype, layout or autograd
        state), a JAX or CuPy array, an object exposing only ``__dlpack__``, or
        a list, tuple, namedtuple, dict, dict view or deque that may hold any
        of these (a generator or other iterator is returned untouched).
    name : str, default: "value"
        How error messages name ``obj`` (e.g. the argument it was passed as).

    Returns
    -------
    object
        A fresh ``numpy.ndarray`` (for a 0-d tensor a Python ``int``/``bool``
        of an integer or boolean dtype, else a NumPy scalar; a list of arrays
        for a nested tensor), or a container rebuilt around such arrays.
        Anything holding no tensor is returned untouched, as the same object.

    Raises
    ------
    TypeError
        If a tensor has no data (meta, fake, a lazy module's uninitialized
        parameter), is inside a ``torch.func`` transform, is a wrapper subclass
        without storage, or has a dtype NumPy cannot hold; the message names
        ``name``, the shape, dtype and device, and the fix.

    Examples
    --------
    >>> import torch, torchplot
    >>> torchplot.to_numpy(torch.ones(2, requires_grad=True, dtype=torch.bfloat16))
    array([1., 1.], dtype=float32)
    >>> r = range(3); torchplot.to_numpy(r) is r
    True
    """
    return _convert(obj, name)


@functools.lru_cache(maxsize=1024)
def positional_names(func: Callable[..., Any]) -> tuple[tuple[str, ...], str | None]:
    """The names of ``func``'s parameters a positional argument fills, and of its ``*args``.

    ``((), "args")`` for a callable without a signature.
    """
    try:
        params = list(inspect.signature(func).parameters.values())
    except (TypeError, ValueError):
        return (), "args"
    names = tuple(p.name for p in params if p.kind in (p.POSITIONAL_ONLY, p.POSITIONAL_OR_KEYWORD))
    star = next((p.name for p in params if p.kind is p.VAR_POSITIONAL), None)
    return names, star


def _arg_label(func: Callable[..., Any], i: int, self_offset: int) -> str:
    names, star = positional_names(func)
    j = i + self_offset
    if j < len(names):
        return f"argument {names[j]!r}"
    return f"argument {star or 'args'}[{j - len(names)}]"


def convert_call(
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    func: Callable[..., Any],
    self_offset: int = 0,
    data_looked_up: bool = True,
) -> tuple[tuple[Any, ...], dict[str, Any]]:
    """Convert the arguments of one call to ``func``; the inputs themselves when nothing changes.

    This is on every wrapped call's path, so the common case (no tensor
    anywhere) costs one cached type lookup per argument.
    ``self_offset`` is 1 when ``args`` excludes a bound ``self``.  One pass:
    each argument is looked at once, and a new ``args`` (``kwargs``) is built
    only when one of its own values changes.  ``data_looked_up``: ``data=`` is
    Matplotlib's, of which the call reads only what its string arguments name;
    seaborn reads all of a ``data=``.
    """
    new_args: list[Any] | None = None
    for i, a in enumerate(args):
        if type(a) in plain_types:
            continue
        where = ("arg", func, i, self_offset)
        leaf = _LEAF_OF.get(type(a))  # None for a container or a type not met yet
        new = leaf(a, where) if leaf is not None else _convert(a, where)
        if new is not a:
            if new_args is None:
                new_args = list(args)
            new_args[i] = new
    new_kwargs: dict[str, Any] | None = None
    for k, v in kwargs.items() if kwargs else ():
        if type(v) in plain_types:
            continue
        leaf = _LEAF_OF.get(type(v))
        if leaf is not None:
            new = leaf(v, ("kwarg", func, k))
        elif k == "data" and data_looked_up and (reading := _data_reading(func)) is not None:
            new = _looked_up(v, reading, (args, kwargs, self_offset), ("kwarg", func, k))
        else:
            new = _convert(v, ("kwarg", func, k))
        if new is not v:
            if new_kwargs is None:
                new_kwargs = dict(kwargs)
            new_kwargs[k] = new
    return (
        args if new_args is None else tuple(new_args),
        kwargs if new_kwargs is None else new_kwargs,
    )
