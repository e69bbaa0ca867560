"""Shims over PyTorch's, JAX's and Matplotlib's private or version-dependent API, in one place.

Each looks its module up in ``sys.modules`` when called (no framework is
imported here) and degrades to "not this case" where a release lacks the name.
"""

from __future__ import annotations

import contextlib
import math
import os
import sys
import threading
from collections.abc import Callable, Iterator
from typing import Any

import numpy as np

__all__ = [
    "UNORDERED_UNSIGNED",
    "dispatch_depth",
    "dynamo_tracing",
    "dynamo_tracing_test",
    "fake_tensor",
    "fill_",
    "functorch_wrapped",
    "item_reads_as_stored",
    "jax_key_array",
    "matplotlib_release",
    "past_dispatch_modes",
    "past_torch_function",
    "plain_tensors",
    "ready_numpy_bridge",
    "split_datasets",
    "take",
    "untraced",
]

#: torch's unsigned dtypes wider than a byte, by name: PyTorch (2.3 to 2.13)
#: has no comparisons, ``aminmax`` or ``searchsorted`` for them on the CPU.
UNORDERED_UNSIGNED = frozenset({"uint16", "uint32", "uint64"})


#: A signed integer dtype of each element size, by name: the same bytes, indexable.
_SAME_WIDTH_INTEGER = {1: "int8", 2: "int16", 4: "int32", 8: "int64"}


def take(t: Any, index: Any) -> Any:
    """``t[index]`` for a real tensor ``t``, also where PyTorch has no index kernel for its dtype.

    PyTorch 2.3 has none for uint16, uint32, uint64 and the float8 types on
    the CPU ("index_cpu" not implemented).  Their elements are taken through a
    view as the signed integer of their width: the same bytes, bit for bit.
    """
    if str(t.dtype).removeprefix("torch.") in UNORDERED_UNSIGNED or (
        t.is_floating_point() and t.element_size() == 1
    ):
        same = getattr(sys.modules["torch"], _SAME_WIDTH_INTEGER[t.element_size()])
        return t.view(same)[index].view(t.dtype)
    return t[index]


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
        stack.enter_context(past_dispatch_modes())
        yield


#: Set once PyTorch's NumPy bridge is initialised (:func:`ready_numpy_bridge`).
_numpy_bridge_ready = False
_NUMPY_BRIDGE = threading.Lock()


def ready_numpy_bridge() -> None:
    """Initialise PyTorch's NumPy bridge from one thread, before torchplot's first torch call.

    PyTorch (2.3.1 measured) initialises it at first use in a C++
    function-local static whose initialiser imports NumPy's C API.  The
    import lets go of the GIL; a second thread reaching the same static (any
    ``.numpy()``, any call given ``device="cpu"``) then waits on the static's
    guard *holding* the GIL, and both hang: eight threads making their first
    ``torch.empty(0, device="cpu")`` hung 10 runs of 10 on 2.3.1, and 8
    threads' first ``plt.imsave`` of a tensor most runs.  Callers queue here
    on a Python lock, which lets go of the GIL, so the one initialising can
    finish.  PyTorch 2.13 passes those runs; one empty conversion per process
    costs nothing worth a version check.
    """
    global _numpy_bridge_ready
    if _numpy_bridge_ready:
        return
    with _NUMPY_BRIDGE:
        if _numpy_bridge_ready:
            return
        torch = sys.modules["torch"]
        # Past a user's dispatch modes: a FakeTensorMode would make a fake
        # tensor, which a recording mode would see.  ``from_numpy`` is on
        # torch's list of functions no ``__torch_function__`` mode sees.
        with plain_tensors():
            try:
                torch.from_numpy(np.empty(0))
            except Exception:
                # A bridge that failed (a PyTorch built for another NumPy) is
                # initialised all the same, as failed: conversions meet
                # PyTorch's error where they would have without this call.
                pass
        _numpy_bridge_ready = True


def _new_bridge_lock() -> None:
    # A fork while another thread initialised the bridge leaves the child a
    # lock no thread of its own will release; the flag says whether it is done.
    global _NUMPY_BRIDGE
    _NUMPY_BRIDGE = threading.Lock()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_new_bridge_lock)


def dispatch_depth() -> Callable[[], int]:
    """A function giving how many dispatch modes (``FakeTensorMode``, ...) are active now.

    Looked up once by the caller and called per tensor: a C function where
    PyTorch has it, else one that answers 0.
    """
    depth = getattr(sys.modules["torch"]._C, "_len_torch_dispatch_stack", None)
    return depth if depth is not None else _no_modes


def _no_modes() -> int:
    return 0


def past_dispatch_modes() -> contextlib.AbstractContextManager[Any]:
    """A context in which no dispatch mode sees operations, nor makes the tensors they return.

    A ``FakeTensorMode`` (``allow_non_fake_inputs=True``) turns a real
    tensor's ``detach()`` into a fake tensor holding no data, and a
    ``FlopCounterMode`` would count torchplot's copies as the model's work.
    """
    dispatch = sys.modules.get("torch.utils._python_dispatch")
    disable_modes = getattr(dispatch, "_disable_current_modes", None)
    return disable_modes() if disable_modes is not None else contextlib.nullcontext()


def past_torch_function() -> contextlib.AbstractContextManager[Any]:
    """A context in which tensor subclasses' ``__torch_function__`` overrides do not run."""
    return sys.modules["torch"]._C.DisableTorchFunctionSubclass()


def item_reads_as_stored() -> bool:
    """Whether ``Tensor.item()`` here reads a plain tensor's value as it is stored.

    Not inside a ``torch.func`` transform (where ``item()`` reads a tensor made
    outside it, which the conversion rule refuses) nor any dispatch mode or
    function mode other than a default device (``torch.set_default_device``,
    which leaves reads alone).  False where a release lacks one of these names.
    """
    torch = sys.modules["torch"]
    c = torch._C
    try:
        functorch = getattr(c, "_functorch", None)
        if functorch is not None and functorch.maybe_current_level() is not None:
            return False
        if c._len_torch_dispatch_stack():
            return False
        if c._len_torch_function_stack():
            device = sys.modules.get("torch.utils._device")
            modes = torch.overrides._get_current_function_mode_stack()
            return device is not None and all(type(m) is device.DeviceContext for m in modes)
    except Exception:  # a PyTorch without these: not told, so no
        return False
    return True


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


def matplotlib_release() -> tuple[int, int]:
    """The installed Matplotlib's ``(major, minor)``: which names its pyplot has.

    ``torchplot._pyplot`` binds the names only some supported releases have
    (``VERSIONED_NAMES`` in ``tools/boilerplate.py``) under a test on it.
    """
    major, minor = sys.modules["matplotlib"].__version_info__[:2]
    return major, minor


def fill_(t: Any, value: float) -> Any:
    """``t.fill_(value)``, also for float8 on the CPU, which PyTorch 2.3's ``fill_`` lacks.

    There ``value`` goes through float32, where every float8 value is exact
    and which ``fill_`` converts through as well (c10's float8 types are made
    from a float), under ``fill_``'s own overflow check.
    """
    try:
        return t.fill_(value)
    except RuntimeError as err:
        if "not implemented" not in str(err) or t.element_size() != 1:
            raise  # fill_'s own error (an overflow): PyTorch's words
    torch = sys.modules["torch"]
    wide = t.new_empty((), dtype=torch.float32).fill_(value)
    narrow = wide.to(t.dtype)
    finfo = torch.finfo(t.dtype)
    if math.isinf(value) != bool(narrow.float().isinf()) or (
        math.isfinite(value) and not finfo.min <= value <= finfo.max
    ):
        raise RuntimeError(f"value cannot be converted to type {t.dtype} without overflow")
    return t.copy_(narrow.expand(t.shape))


def split_datasets(x: Any, name: str) -> list[Any]:
    """``x`` split into datasets as ``Axes.hist`` splits its data and weights.

    Matplotlib's own ``cbook._reshape_2D`` (private, there since 2.x): a 2-D
    array is a dataset per column, a list one per item.
    """
    reshape = sys.modules["matplotlib.cbook"]._reshape_2D
    return list(reshape(x, name))


def dynamo_tracing() -> bool:
    """Whether Dynamo (``torch.compile``) is tracing the caller now, rather than running it.

    Always False when it runs: ``torch.compiler.is_dynamo_compiling()``
    returns False, and Dynamo takes it as True while it traces.
    """
    torch = sys.modules.get("torch")
    return torch is not None and torch.compiler.is_dynamo_compiling()


def dynamo_tracing_test() -> Callable[[], bool]:
    """:func:`dynamo_tracing`, looked up once by the caller and called on a hot path.

    ``torch.compiler.is_dynamo_compiling`` itself where torch is imported (a
    call that returns False); else :func:`dynamo_tracing`, which finds torch
    if it is imported later.
    """
    torch = sys.modules.get("torch")
    return dynamo_tracing if torch is None else torch.compiler.is_dynamo_compiling


#: ``torch.compiler.disable(fn)`` by ``fn``: :func:`untraced`.
_UNTRACED: dict[Callable[..., Any], Callable[..., Any]] = {}


def untraced(fn: Callable[..., Any]) -> Callable[..., Any]:
    """``fn`` as Python runs it where Dynamo traces the caller: ``torch.compiler.disable(fn)``.

    Dynamo breaks the graph at the call, and traces neither ``fn`` nor what it
    calls.  Made when first asked for (``torch.compiler.disable`` imports
    ``torch._dynamo``: only once Dynamo traces), then kept: with a new one per
    call, a compiled step calling it took 6.8 ms instead of 0.05 ms (PyTorch 2.3.1).
    """
    wrapped = _UNTRACED.get(fn)
    if wrapped is None:
        wrapped = _UNTRACED[fn] = sys.modules["torch"].compiler.disable(fn)
    return wrapped
