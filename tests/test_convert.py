"""Unit tests of the one conversion rule, ``torchplot.to_numpy``."""

from __future__ import annotations

import collections
import collections.abc
import gc
import io
import re
import sys
import types
import warnings
import weakref

import matplotlib.cbook as cbook
import matplotlib.pyplot as mpl_plt
import numpy as np
import pandas as pd
import pytest
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot
from tests._helpers import DLPackOnly, dtype_param, fake_tensor
from torchplot._convert import ML_DTYPES_CAST, TORCH_CAST
from torchplot._frameworks import Kind, kind_of

to_numpy = torchplot.to_numpy


# ------------------------------------------------------------------ tensors
def test_grad_tensor_is_detached_and_copied():
    t = torch.linspace(0, 1, 5, requires_grad=True)
    out = to_numpy(t)
    assert isinstance(out, np.ndarray) and out.dtype == np.float32
    np.testing.assert_array_equal(out, t.detach().numpy())
    assert not np.shares_memory(out, t.detach().numpy())


_ZERO_GRADIENT = """
import torch, torchplot
x = torch.randn(6, 8, requires_grad=True)
torch.sgn(x).sum().backward()  # sgn's gradient is a ZeroTensor
assert x.grad._is_zerotensor()
for view in (x.grad, x.grad[1], x.grad[:, 2], x.grad[1:]):
    arr = torchplot.to_numpy(view)
    assert arr.shape == tuple(view.shape) and arr.dtype == "float32" and not arr.any(), arr
assert torchplot.to_numpy(x.grad[0, 3]) == 0
print("ok")
"""


def test_a_zero_gradient_converts_to_zeros():
    # A view of a ZeroTensor with an offset (``x.grad[1]``) killed the
    # interpreter in ``numpy(force=True)``; a whole one went through it.
    import subprocess

    done = subprocess.run(
        [sys.executable, "-c", _ZERO_GRADIENT], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stderr[-2000:]


def test_plain_cpu_tensor_is_copied_not_aliased():
    t = torch.arange(4.0)
    out = to_numpy(t)
    t.add_(100)
    np.testing.assert_array_equal(out, [0, 1, 2, 3])


def test_non_contiguous_view_copies_only_the_view():
    big = torch.arange(100.0).reshape(10, 10)
    out = to_numpy(big[:, 3])
    np.testing.assert_array_equal(out, np.arange(3, 100, 10))
    assert out.base is None or out.base.size == 10


@pytest.mark.parametrize(
    ("dtype", "np_dtype"),
    [
        (torch.bfloat16, np.float32),
        (torch.float8_e4m3fn, np.float16),
        (torch.float8_e4m3fnuz, np.float16),
        (torch.float8_e5m2, np.float16),
        (torch.float8_e5m2fnuz, np.float16),
        dtype_param("float8_e8m0fnu", np.float32),
        (torch.complex32, np.complex64),
        (torch.float16, np.float16),
        (torch.float64, np.float64),
        (torch.int8, np.int8),
        (torch.uint16, np.uint16),
        (torch.uint64, np.uint64),
        (torch.bool, np.bool_),
    ],
)
def test_dtype_table(dtype, np_dtype):
    values = torch.tensor([0.0, 1.0, 2.0, 0.5 if dtype.is_floating_point else 3.0])
    if dtype == getattr(torch, "float8_e8m0fnu", None):
        values = torch.tensor([0.25, 1.0, 2.0, 1024.0])  # powers of two only
    if dtype == torch.bool:
        values = torch.tensor([0, 1, 1, 0])
    t = values.to(dtype)
    out = to_numpy(t)
    assert out.dtype == np_dtype
    np.testing.assert_array_equal(
        out.astype(np.float64),
        t.to(torch.float64).numpy() if not dtype.is_complex else out.astype(np.float64),
    )


@pytest.mark.parametrize("name", sorted(TORCH_CAST))
def test_every_mapped_dtype_is_exact(name):
    # Every value of the narrow dtype survives the cast: enumerate them all.
    if not hasattr(torch, name):
        pytest.skip(f"torch {torch.__version__} has no {name}")
    dtype = getattr(torch, name)
    if dtype.is_complex:
        bits = torch.arange(2**16, dtype=torch.int32).to(torch.int16).view(torch.float16)
        t = torch.complex(bits, bits.flip(0)).to(dtype)
        wide = t.to(torch.complex128)
    else:
        nbits = torch.finfo(dtype).bits
        raw = torch.arange(2**nbits, dtype=torch.int32)
        raw = raw.to(torch.uint8 if nbits == 8 else torch.int16)
        t = raw.view(dtype)
        wide = t.to(torch.float64)
    out = to_numpy(t)
    assert out.dtype == np.dtype(TORCH_CAST[name])
    np.testing.assert_array_equal(out.astype(wide.numpy().dtype), wide.numpy())


def test_zero_d_tensor_becomes_a_scalar():
    # Integers and booleans are counts, indices and flags: Python's own types.
    for value, dtype in [(5, torch.int64), (200, torch.uint8), (-3, torch.int8), (True, None)]:
        got = to_numpy(torch.tensor(value, dtype=dtype))
        assert type(got) is type(value) and got == value, (value, dtype)
    assert to_numpy(torch.tensor(False)) is False
    assert str(to_numpy(torch.tensor(5))) == "5"
    # Floats keep their dtype as NumPy scalars.
    f = to_numpy(torch.tensor(0.5, dtype=torch.bfloat16, requires_grad=True))
    assert isinstance(f, np.float32) and f == 0.5
    assert str(to_numpy(torch.tensor(0.1))) == "0.1"
    assert isinstance(to_numpy(torch.tensor(1 + 2j)), np.complex64)


def test_conjugate_and_negative_views_are_resolved():
    z = torch.tensor([1 + 2j, 3 - 4j], dtype=torch.complex64)
    assert z.conj().is_conj()
    np.testing.assert_array_equal(
        to_numpy(z.conj()), np.array([1 - 2j, 3 + 4j], dtype=np.complex64)
    )
    neg = z.conj().imag
    assert neg.is_neg()
    np.testing.assert_array_equal(to_numpy(neg), [-2, 4])


@pytest.mark.parametrize("layout", ["coo", "csr", "csc", "bsr", "bsc"])
def test_sparse_layouts_become_dense(layout):
    dense = torch.tensor([[0.0, 1.0, 0.0, 0.0], [2.0, 0.0, 0.0, 3.0]])
    sparse = {
        "coo": lambda: dense.to_sparse(),
        "csr": lambda: dense.to_sparse_csr(),
        "csc": lambda: dense.to_sparse_csc(),
        "bsr": lambda: dense.to_sparse_bsr((1, 2)),
        "bsc": lambda: dense.to_sparse_bsc((1, 2)),
    }[layout]()
    np.testing.assert_array_equal(to_numpy(sparse), dense.numpy())


def test_quantized_is_dequantized():
    x = torch.tensor([0.0, 0.5, 1.0, 1.5])
    with warnings.catch_warnings():
        # torch >= 2.10 warns that quantization is deprecated, once per process.
        warnings.simplefilter("ignore", UserWarning)
        q = torch.quantize_per_tensor(x, scale=0.5, zero_point=0, dtype=torch.quint8)
    out = to_numpy(q)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, x.numpy())


@pytest.mark.parametrize("layout", [torch.strided, torch.jagged])
def test_nested_tensor_becomes_list_of_arrays(layout):
    nt = torch.nested.nested_tensor([torch.arange(3.0), torch.arange(5.0)], layout=layout)
    out = to_numpy(nt)
    assert isinstance(out, list) and [a.shape for a in out] == [(3,), (5,)]
    np.testing.assert_array_equal(out[1], np.arange(5.0))


def test_parameter_converts_like_its_base():
    p = torch.nn.Parameter(torch.ones(2, 3))
    out = to_numpy(p)
    assert type(out) is np.ndarray and out.shape == (2, 3)


def test_tensor_subclass_converts_like_its_base():
    class Tagged(torch.Tensor):
        pass

    t = torch.arange(3.0).as_subclass(Tagged)
    np.testing.assert_array_equal(to_numpy(t), [0.0, 1.0, 2.0])


# ------------------------------------------------------------------ errors
def test_meta_tensor_error_names_argument_shape_dtype_device_and_fix():
    with pytest.raises(TypeError) as info:
        to_numpy(torch.empty(2, 3, device="meta"), name="y")
    msg = str(info.value)
    for part in ("y", "(2, 3)", "torch.float32", "meta", "Fix:"):
        assert part in msg


def test_fake_tensor_raises_type_error():
    from torch._subclasses.fake_tensor import FakeTensorMode

    with FakeTensorMode():
        fake = torch.empty(4)
    with pytest.raises(TypeError, match="holds no data"):
        to_numpy(fake, name="x")


_BIT_PACKED = [
    *(f"uint{n}" for n in range(1, 8)),
    *(f"int{n}" for n in range(1, 8)),
    *("bits8 bits16 bits1x8 bits2x4 bits4x2 float4_e2m1fn_x2".split()),
]


def _run_suggested_fix(message: str, t: torch.Tensor):
    """Evaluate the fix an error message suggests (its backticked ``tensor...`` expression)."""
    match = re.search(r"Fix: .*?`(tensor\.[^`]+)`", message)
    assert match, message
    return eval(match.group(1), {"torch": torch, "tensor": t})


@pytest.mark.parametrize("name", [n for n in _BIT_PACKED if hasattr(torch, n)])
def test_bit_packed_dtype_error_suggests_a_fix_that_runs(name):
    # PyTorch has no cast for these (`tensor.float()` raises NotImplementedError):
    # the fix offered must be one that PyTorch really performs.
    dtype = getattr(torch, name)
    t = torch.zeros(4, dtype=dtype)
    with pytest.raises(TypeError, match=rf"'values'.*{name}.*Fix: plot its raw bytes") as info:
        to_numpy(t, name="'values'")
    fixed = _run_suggested_fix(str(info.value), t)
    out = to_numpy(fixed)
    assert out.shape == (4,) and out.dtype.itemsize == dtype.itemsize


@pytest.mark.gpu
@pytest.mark.parametrize("name", ["uint4", "int4", "bits8", "bits16", "float4_e2m1fn_x2"])
def test_bit_packed_cuda_tensor_error_suggests_a_fix_that_runs(name):
    # Whether PyTorch can even copy these to the host, the error and its fix are the CPU's.
    t = torch.zeros(4, dtype=getattr(torch, name), device="cuda")
    with pytest.raises(TypeError, match=r"device cuda.*Fix: plot its raw bytes") as info:
        to_numpy(t)
    assert to_numpy(_run_suggested_fix(str(info.value), t)).shape == (4,)


def _creatable_torch_dtypes():
    found = []
    for dtype in sorted({v for v in vars(torch).values() if isinstance(v, torch.dtype)}, key=str):
        if str(dtype).startswith(("torch.qint", "torch.quint")):
            # No torch.zeros, and trying spends PyTorch's warn-once deprecation
            # that test_quantized_is_dequantized expects.
            continue
        try:
            with warnings.catch_warnings():
                warnings.simplefilter("ignore")  # complex32 is "experimental"
                torch.zeros(1, dtype=dtype)
        except Exception:
            continue
        found.append(dtype)
    return found


@pytest.mark.parametrize("dtype", _creatable_torch_dtypes(), ids=str)
def test_every_dtype_converts_or_names_a_fix_that_runs(dtype):
    t = torch.zeros(3, dtype=dtype)
    try:
        to_numpy(t)
    except TypeError as exc:
        to_numpy(_run_suggested_fix(str(exc), t))


def test_plot_error_names_the_pyplot_argument():
    with pytest.raises(TypeError, match=r"Axes.scatter\(\) argument 'y'.*device meta"):
        torchplot.scatter([1.0, 2.0], torch.empty(2, device="meta"))


@pytest.mark.parametrize("method", ["plot", "imshow"])
def test_lazy_modules_uninitialized_parameter_names_the_fix(method):
    # Reading anything of an UninitializedParameter but its type (even .shape)
    # raises torch's ValueError/RuntimeError: it must be recognised untouched.
    w = torch.nn.LazyLinear(4).weight
    with pytest.raises(TypeError, match=r"Axes\.\w+\(\) argument .*run the module's forward once"):
        getattr(torchplot.figure().subplots(), method)(w)
    with pytest.raises(TypeError, match=r"'w'.*shape unknown.*forward once first"):
        to_numpy(w, name="'w'")
    assert torch.nn.parameter.is_lazy(w)


def _plot_inside(transform, x):
    def f(x):
        torchplot.plot(x)
        return x.sum()

    return transform(f)(x)


@pytest.mark.parametrize(
    "transform",
    [torch.func.grad, torch.vmap, torch.func.jacrev],
    ids=["grad", "vmap", "jacrev"],
)
def test_tensor_inside_torch_func_transform_says_plot_outside(transform):
    x = torch.ones(2, 3) if transform is torch.vmap else torch.ones(3)
    with pytest.raises(TypeError) as info:
        _plot_inside(transform, x)
    msg = str(info.value)
    assert "argument args[0]" in msg and "torch.float32" in msg
    assert "Fix: plot outside the torch.func transform" in msg
    assert "cast it" not in msg


def test_wrapper_subclass_without_storage_says_make_it_plain():
    two_tensor = pytest.importorskip("torch.testing._internal.two_tensor")
    t = two_tensor.TwoTensor(torch.ones(3), torch.ones(3))
    with pytest.raises(TypeError) as info:
        torchplot.plot(t)
    msg = str(info.value)
    assert "Fix: convert the TwoTensor to a plain tensor first" in msg
    assert "cast it" not in msg


_DTENSOR_ERROR = """
import os, re, sys
import numpy as np
import torch
import torch.distributed as dist
from torchplot import to_numpy
try:
    from torch.distributed.tensor import Shard, distribute_tensor, init_device_mesh
except ImportError:  # PyTorch < 2.4 keeps DTensor private
    from torch.distributed._tensor import Shard, distribute_tensor, init_device_mesh

dist.init_process_group("gloo", store=dist.HashStore(), rank=0, world_size=1)
d = distribute_tensor(torch.arange(4.0), init_device_mesh("cpu", (1,)), [Shard(0)])
try:
    to_numpy(d, name="d")
except TypeError as exc:
    msg = str(exc)
else:
    raise AssertionError("a DTensor converted")
assert "Fix: convert the DTensor to a plain tensor first, e.g. `tensor.full_tensor()`" in msg, msg
fix = re.search(r"`(tensor\\.[^`]+)`", msg).group(1)
np.testing.assert_array_equal(to_numpy(eval(fix, {"tensor": d})), [0, 1, 2, 3])
print("ok", flush=True)
# Not dist.destroy_process_group(): PyTorch 2.3's gloo teardown hung once in
# a full run; the process's exit is all the cleanup a throwaway group needs.
os._exit(0)
"""


def test_dtensor_error_keeps_the_full_tensor_fix():
    # In its own process: a default process group is global state the rest of
    # the suite must not see.
    import subprocess

    dist = pytest.importorskip("torch.distributed")
    if not dist.is_available():
        pytest.skip("needs torch.distributed")
    done = subprocess.run(
        [sys.executable, "-c", _DTENSOR_ERROR], capture_output=True, text=True, timeout=120
    )
    assert (done.returncode, done.stdout.strip()) == (0, "ok"), done.stdout + done.stderr[-2000:]


class _Refusing(torch.Tensor):
    """A subclass whose ``__torch_function__`` refuses every operation, even ``.shape``."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        raise NotImplementedError(f"_Refusing does not support {func}")


class _RefusingWithAttributeError(torch.Tensor):
    """As :class:`_Refusing`, with the error ``getattr(t, "shape", None)`` swallows."""

    @classmethod
    def __torch_function__(cls, func, types, args=(), kwargs=None):
        raise AttributeError(f"_RefusingWithAttributeError does not support {func}")


@pytest.mark.parametrize("refusing", [_Refusing, _RefusingWithAttributeError])
@pytest.mark.parametrize("call", ["to_numpy", "plot", "in a list"])
def test_a_subclass_refusing_every_operation_gets_the_rules_error_with_a_fix_that_runs(
    call, refusing
):
    t = torch.arange(6.0).reshape(2, 3).as_subclass(refusing)
    with pytest.raises(TypeError) as info:
        if call == "to_numpy":
            to_numpy(t, name="t")
        elif call == "plot":
            torchplot.figure().subplots().plot(t)
        else:
            to_numpy([torch.tensor(1.0), t], name="t")
    msg = str(info.value)
    named = {"to_numpy": "t: ", "plot": "Axes.plot() argument args[0]", "in a list": "t[1]: "}
    error = "NotImplementedError" if refusing is _Refusing else "AttributeError"
    assert msg.startswith(named[call]) and error in msg, msg
    assert "shape (2, 3), dtype torch.float32, device cpu" in msg, msg
    fix = re.search(r"Fix: .*?`(with [^`]+)`", msg)
    assert fix, msg
    scope = {"torch": torch, "tensor": t}
    exec(fix.group(1), scope)
    np.testing.assert_array_equal(to_numpy(scope["plain"]), np.arange(6.0).reshape(2, 3))


_LAYERED_CALLS = {
    "imshow": (lambda ax, t: ax.imshow(t), (3, 4), "Axes.imshow() argument 'X'"),
    "imshow titles": (
        lambda ax, t: ax.imshow(t, titles=["a", "b"]),
        (2, 3, 4, 4),
        "Axes.imshow() argument 'X'",
    ),
    "hist": (lambda ax, t: ax.hist(t), (10,), "Axes.hist() argument 'x'"),
    "hist of a batch": (lambda ax, t: ax.hist(t), (3, 4, 5), "Axes.hist() argument 'x'"),
    "scatter of points": (lambda ax, t: ax.scatter(t), (10, 2), "Axes.scatter() argument 'x'"),
    "set_data": (
        lambda ax, t: ax.imshow(np.zeros((3, 4))).set_data(t),
        (3, 4),
        "set_data() argument 'A'",
    ),
}


@pytest.mark.parametrize("call", list(_LAYERED_CALLS))
def test_a_subclass_refusing_every_operation_gets_the_rules_error_in_layered_calls(call):
    # These calls look at a tensor (its dims, whether it is nested) before the
    # rule converts it: such a look must not let the subclass's own error out.
    draw, shape, named = _LAYERED_CALLS[call]
    t = torch.rand(*shape).as_subclass(_Refusing)
    with pytest.raises(TypeError) as info:
        draw(torchplot.figure().subplots(), t)
    msg = str(info.value)
    assert named in msg and "NotImplementedError" in msg and "Fix: " in msg, msg
    assert f"shape {shape}, dtype torch.float32, device cpu" in msg, msg


def _call_conversion_cases() -> dict[str, torch.Tensor]:
    z = torch.tensor([1 + 2j, 3 - 4j], dtype=torch.complex64)
    return {
        "grad": torch.linspace(0, 1, 5, requires_grad=True) * 2,
        "parameter": torch.nn.Parameter(torch.ones(2, 3)),
        "non_contiguous": torch.arange(100.0).reshape(10, 10)[:, 3],
        "conj": z.conj(),
        "neg": z.conj().imag,
        "zero_d": torch.tensor(0.5, requires_grad=True),
        "uint16": torch.tensor([0, 1, 2]).to(torch.uint16),
        "bool": torch.tensor([True, False]),
        "bfloat16": torch.ones(3, dtype=torch.bfloat16),
        "complex32": torch.ones(2, dtype=torch.complex32),
        "qint8": torch.quantize_per_tensor(torch.ones(3), 0.5, 0, torch.qint8),
        "sparse": torch.eye(3).to_sparse(),
        "subclass": torch.ones(2).as_subclass(_MyTensor),
    }


class _MyTensor(torch.Tensor):
    pass


def _shares_storage(arr: np.ndarray, t: torch.Tensor) -> bool:
    if t.layout != torch.strided or t.is_quantized:
        return False  # converted through a fresh dense or dequantized tensor
    storage = t.untyped_storage()
    lo, hi = storage.data_ptr(), storage.data_ptr() + storage.nbytes()
    start = arr.__array_interface__["data"][0]
    return lo < start + arr.nbytes and start < hi


def _draw(*values, **props):
    return values, props


_CALL_CASES = (
    "grad parameter non_contiguous conj neg zero_d uint16 bool bfloat16 complex32 qint8 sparse "
    "subclass"
).split()


@pytest.mark.parametrize("case", _CALL_CASES)
def test_convert_call_agrees_with_to_numpy(case):
    assert sorted(_CALL_CASES) == sorted(_call_conversion_cases())
    # convert_call (one pass over the arguments, host tensors through the
    # short path of the tensor rule) must give what to_numpy gives, in fresh
    # memory, for the cases the short path takes and for those it hands on.
    from torchplot._convert import convert_call

    t = _call_conversion_cases()[case]
    expected = to_numpy(t)
    (out, plain), kwargs = convert_call((t, 1.0), {"c": t}, _draw)
    assert plain == 1.0
    for got in (out, kwargs["c"]):
        assert type(got) is type(expected)
        assert got.dtype == expected.dtype
        np.testing.assert_array_equal(got, expected)
        if isinstance(got, np.ndarray):
            assert not _shares_storage(got, t)


def test_convert_call_returns_its_inputs_when_nothing_changes():
    from torchplot._convert import convert_call

    args, kwargs = (np.arange(3), [1.0, 2.0], "r--"), {"color": "r", "lw": 2}
    new_args, new_kwargs = convert_call(args, kwargs, _draw)
    assert new_args is args and new_kwargs is kwargs
    t = torch.ones(2)
    new_args, new_kwargs = convert_call((t,), kwargs, _draw)
    assert isinstance(new_args[0], np.ndarray) and new_kwargs == kwargs


def test_convert_call_error_names_the_argument():
    from torchplot._convert import convert_call

    with pytest.raises(TypeError, match=r"_draw\(\) argument values\[1\].*device meta"):
        convert_call((1.0, torch.empty(2, device="meta")), {}, _draw)
    with pytest.raises(TypeError, match=r"_draw\(\) argument 'c'.*Fix: plot its raw bytes"):
        convert_call((), {"c": torch.zeros(2, dtype=torch.bits8)}, _draw)


# ------------------------------------------------------------------ containers
def test_containers_rebuilt_only_when_holding_tensors():
    r = range(10)
    assert to_numpy(r) is r
    plain = [1.0, 2.0, [3.0]]
    assert to_numpy(plain) is plain
    series = pd.Series([1.0, 2.0])
    assert to_numpy(series) is series
    frame = pd.DataFrame({"a": [1, 2]})
    assert to_numpy(frame) is frame
    arr = np.arange(3)
    assert to_numpy(arr) is arr
    silent = cbook.silent_list("Line2D", [1, 2])
    assert to_numpy(silent) is silent


def test_containers_with_tensors_are_rebuilt_with_their_type():
    Point = collections.namedtuple("Point", "x y")
    p = to_numpy(Point(torch.tensor(1.0), 2.0))
    assert isinstance(p, Point) and p.x == 1.0 and isinstance(p.x, np.float32)
    nested = to_numpy({"a": [torch.arange(2), 5], "b": (torch.tensor([1.5]),)})
    assert isinstance(nested["a"], list) and isinstance(nested["b"], tuple)
    np.testing.assert_array_equal(nested["a"][0], [0, 1])
    losses = [torch.tensor(0.5, requires_grad=True) * 2, torch.tensor(0.25)]
    assert [float(v) for v in to_numpy(losses)] == [1.0, 0.25]


def test_dict_views_holding_tensors_become_lists_as_matplotlib_makes_them():
    d = {"a": torch.arange(3.0, requires_grad=True), "b": torch.tensor([1.5])}
    values = to_numpy(d.values())
    assert type(values) is list and [type(v) for v in values] == [np.ndarray, np.ndarray]
    np.testing.assert_array_equal(values[0], [0, 1, 2])
    items = to_numpy(d.items())
    assert type(items) is list and items[1][0] == "b" and isinstance(items[1][1], np.ndarray)
    assert to_numpy({torch.tensor(1.0): "x"}.keys()) == [np.float32(1.0)]
    assert kind_of(type(d.values())) is Kind.CONTAINER


def test_deque_holding_tensors_is_rebuilt_with_its_type_and_maxlen():
    class History(collections.deque):
        pass

    out = to_numpy(History([torch.ones(2, requires_grad=True), 3.0], maxlen=5))
    assert type(out) is History and out.maxlen == 5
    assert isinstance(out[0], np.ndarray) and out[1] == 3.0


def test_views_deques_and_iterators_without_tensors_are_untouched():
    plain = {"a": np.arange(3), "b": [1.0, 2.0]}
    for obj in (plain.values(), plain.items(), plain.keys(), collections.deque([1.0, [2.0]])):
        assert to_numpy(obj) is obj
    # An iterator is never looked into: that would consume what Matplotlib reads.
    gen = (t for t in [torch.ones(2)])
    assert to_numpy(gen) is gen
    assert next(gen).shape == (2,)


@pytest.mark.parametrize("method", ["boxplot", "violinplot", "eventplot", "hist"])
@pytest.mark.parametrize("container", ["dict_values", "deque"])
@check_figures_equal(extensions=["png"], tol=0)
def test_plot_of_views_and_deques_of_tensors_is_matplotlibs(fig_test, fig_ref, method, container):
    g = torch.Generator().manual_seed(0)
    d = {k: torch.randn(40, generator=g, requires_grad=True) for k in "abc"}
    ref = {k: v.detach().numpy() for k, v in d.items()}
    wrap = (
        (lambda m: m.values())
        if container == "dict_values"
        else (lambda m: collections.deque(m.values()))
    )
    torchplot.adopt(fig_test)
    getattr(fig_test.subplots(), method)(wrap(d))
    getattr(fig_ref.subplots(), method)(wrap(ref))


def test_slices_and_dict_keys_holding_tensors_are_rebuilt_and_keep_none():
    start, step = torch.tensor(1), torch.tensor(3)
    assert to_numpy(slice(start, None, step)) == slice(1, None, 3)
    plain = slice(1, None, np.int64(3))
    assert to_numpy(plain) is plain
    level = torch.tensor(0.5, requires_grad=True)
    d = to_numpy({level: "a", "b": torch.tensor(2)})
    assert d == {np.float32(0.5): "a", "b": 2} and all(type(k) is not torch.Tensor for k in d)
    with pytest.raises(TypeError, match=r"value\['<key>'\]: a dict key must be a single value"):
        to_numpy({torch.ones(2): "a"})


@check_figures_equal(extensions=["png"], tol=0)
def test_markevery_slice_and_clabel_dict_of_tensors_draw_as_numpy(fig_test, fig_ref):
    # A slice keeps its tensors, and a tensor key hashes by identity, unless converted.
    z = np.add.outer(np.arange(5.0), np.arange(5.0))
    torchplot.adopt(fig_test)
    for fig, start, levels in (
        (fig_test, torch.tensor(1), torch.tensor([2.0, 4.0, 6.0])),
        (fig_ref, 1, np.array([2.0, 4.0, 6.0], np.float32)),
    ):
        ax = fig.subplots()
        ax.plot(np.arange(10.0), marker="o", markevery=slice(start, None, 3))
        contours = ax.contour(z, levels=levels)
        ax.clabel(contours, fmt=dict(zip(levels, "abc", strict=True)))
        if isinstance(start, torch.Tensor):
            start.add_(1)  # changed in place after plotting: not the figure's


def test_mappings_holding_tensors_are_rebuilt_keeping_their_state():
    t = torch.arange(3.0, requires_grad=True)
    factory = collections.defaultdict(lambda: np.ones(3), {"x": t})
    out = to_numpy(factory)
    assert type(out) is collections.defaultdict and isinstance(out["x"], np.ndarray)
    np.testing.assert_array_equal(out["y"], np.ones(3))  # the factory is kept
    counts = to_numpy(collections.Counter({"a": torch.tensor(2), "b": 1}))
    assert type(counts) is collections.Counter and counts == {"a": 2, "b": 1}
    ordered = to_numpy(collections.OrderedDict([("b", t), ("a", 1)]))
    assert type(ordered) is collections.OrderedDict and list(ordered) == ["b", "a"]
    for mapping in (collections.UserDict({"x": t}), types.MappingProxyType({"x": t})):
        assert kind_of(type(mapping)) is Kind.CONTAINER
        assert isinstance(to_numpy(mapping)["x"], np.ndarray)
    plain = types.MappingProxyType({"x": np.arange(3)})
    assert to_numpy(plain) is plain


def test_structseqs_become_tuples_of_all_their_fields():
    # A structseq holding arrays has a ``values`` array, which Matplotlib would
    # take for a pandas object's and draw alone.
    t = torch.tensor([[1.0, 5.0, 2.0], [4.0, 0.0, 3.0]])
    out = to_numpy(t.max(0))
    assert type(out) is tuple and len(out) == 2
    np.testing.assert_array_equal(out[1], [1, 0, 1])
    assert len(torchplot.figure().subplots().plot(t.max(0))) == 3  # as plt.plot(t.max(0)) in mpl


@pytest.mark.parametrize(
    "make",
    [dict, collections.UserDict, types.MappingProxyType, collections.ChainMap],
    ids=["dict", "UserDict", "MappingProxyType", "ChainMap"],
)
@check_figures_equal(extensions=["png"], tol=0)
def test_data_mapping_of_any_kind_is_read_as_matplotlib_reads_it(fig_test, fig_ref, make):
    x, y = torch.arange(5.0, requires_grad=True), torch.rand(5, dtype=torch.float64).bfloat16()
    # Values no call names are never read: not even one that cannot be drawn.
    unused = torch.empty(100, 100, device="meta")
    ax = torchplot.adopt(fig_test).subplots()
    ax.plot("x", "y", "o-", data=make({"x": x, "y": y, "unused": unused}))
    ax.scatter("x", "y", c="y", s="x", data=make({"x": x, "y": y, "unused": unused}))
    ref = {"x": x.detach().numpy(), "y": y.float().numpy()}
    ref_ax = fig_ref.subplots()
    ref_ax.plot("x", "y", "o-", data=ref)
    ref_ax.scatter("x", "y", c="y", s="x", data=ref)


@check_figures_equal(extensions=["png"], tol=0)
def test_data_defaultdict_factory_runs_as_in_matplotlib(fig_test, fig_ref):
    def data(ones):
        d = collections.defaultdict(ones)
        d["x"] = torch.arange(4.0, requires_grad=True) if ones is torch_ones else np.arange(4.0)
        return d

    def torch_ones():
        return torch.ones(4, requires_grad=True)

    torchplot.adopt(fig_test).subplots().scatter("x", "y", data=data(torch_ones))
    fig_ref.subplots().scatter("x", "y", data=data(lambda: np.ones(4)))


def test_masked_tensor_becomes_numpy_masked_array():
    masked = pytest.importorskip("torch.masked")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # MaskedTensor is a prototype
        mt = masked.masked_tensor(
            torch.tensor([1.0, 2.0, 3.0]), torch.tensor([True, False, True]), requires_grad=True
        )
        one = masked.masked_tensor(torch.tensor(2.0), torch.tensor(False))
    out = to_numpy(mt)
    assert isinstance(out, np.ma.MaskedArray) and out.dtype == np.float32
    np.testing.assert_array_equal(out.mask, [False, True, False])
    np.testing.assert_array_equal(out.compressed(), [1.0, 3.0])
    assert to_numpy(one) is np.ma.masked


def test_list_of_many_plain_floats_is_returned_as_is():
    values = [float(i) for i in range(100_000)]
    assert to_numpy(values) is values


def _each_on_its_own(items):
    """What the rule makes of each item alone: what a list of them must hold."""
    return [to_numpy(v) for v in items]


def _same_items(got, want) -> None:
    """The same element types and values, bit for bit (``-0.0``, ``nan``), as ``want``."""
    assert [type(v) for v in got] == [type(v) for v in want]
    for g, w in zip(got, want, strict=True):
        if isinstance(w, np.ndarray):
            assert g.dtype == w.dtype and g.tobytes() == w.tobytes()
        else:
            assert repr(g) == repr(w)


@pytest.fixture
def leaf_calls(monkeypatch):
    """The items the rule converts one by one, through the torch leaf, in this test."""
    calls = []
    leaf = torchplot._convert._LEAVES[Kind.TORCH]
    monkeypatch.setitem(
        torchplot._convert._LEAVES, Kind.TORCH, lambda t, w: calls.append(w) or leaf(t, w)
    )
    return calls


_LOSS_VALUES = [0.0, -0.0, 0.1, 1.5, -2.25, float("inf"), float("nan"), 1e30, 3.0]


@pytest.mark.parametrize(
    "dtype",
    [
        torch.float32,
        torch.float64,
        torch.float16,
        torch.bfloat16,
        torch.float8_e4m3fn,
        torch.complex64,
        torch.complex32,
        torch.int64,
        torch.int8,
        torch.uint8,
        torch.uint64,
        torch.bool,
    ],
    ids=str,
)
def test_a_list_of_0d_tensors_holds_what_each_becomes_on_its_own(dtype, leaf_calls):
    if dtype.is_floating_point or dtype.is_complex:
        values = [torch.tensor(v).to(dtype) for v in _LOSS_VALUES]
    else:
        values = [torch.tensor(v, dtype=dtype) for v in (0, 1, 7, 100, 1, 0)]
    if dtype is torch.uint64:
        values.append(torch.tensor(2**64 - 1, dtype=dtype))
    want = _each_on_its_own(values)
    leaf_calls.clear()
    got = to_numpy(values)
    # Read together, not one by one: else this test would compare the one path with itself.
    assert type(got) is list and leaf_calls == []
    _same_items(got, want)
    got = to_numpy(tuple(values))
    assert type(got) is tuple
    _same_items(got, want)


def test_0d_tensors_with_grad_parameters_and_views_hold_what_each_becomes_on_its_own(leaf_calls):
    w = torch.tensor(0.5, requires_grad=True)
    z = torch.tensor([1 + 2j, 3 - 4j, -5j])
    x = torch.randn(3, 4, requires_grad=True)
    torch.sgn(x).sum().backward()  # sgn's gradient is a ZeroTensor
    cases = [
        [(w * i).sum() for i in range(5)],  # each with a grad_fn
        [w, torch.nn.Parameter(torch.tensor(2.0)), torch.tensor(3.0), w * 2],
        [z.conj()[0], z[1], z.conj()[1], z.conj()[2]],  # conj bits
        [z.conj().imag[0], torch.tensor(5.0), z.conj().imag[1], z.conj().imag[2]],  # neg bits
        [x.grad[1, 2], x.grad[2, 3], torch.tensor(1.0), x.grad[0, 0]],  # a ZeroTensor's views
        [torch.arange(10.0)[i] for i in range(10)],  # views with offsets
    ]
    for values in cases:
        want = _each_on_its_own(values)
        leaf_calls.clear()
        _same_items(to_numpy(values), want)
        assert leaf_calls == []


def test_mixed_lists_of_0d_tensors_hold_what_each_becomes_on_its_own():
    one, two = torch.tensor(1.0), torch.tensor(2.0)
    cases = [
        [torch.tensor(1), torch.tensor(2.5), torch.tensor(True), torch.tensor(3)],  # int/float/bool
        [one, torch.tensor(2.0, dtype=torch.float64), two, one],
        [one, 2.0, two, None, "a", one],  # tensors and plain values
        [one, torch.tensor([2.0]), two, one],  # a 1-d one among them
        [one, two, torch.ones(1, 1), one],  # one element, not 0-d: an array
        [one, torch.arange(3.0).as_subclass(_MyTensor)[1], two, one],
        [one, np.float32(2.0), torch.tensor(3.0, dtype=torch.bfloat16), two],
        [one, torch.quantize_per_tensor(torch.tensor(0.5), 0.5, 0, torch.qint8), two, one],
        [torch.tensor(0.5, dtype=torch.bfloat16)] * 3 + [torch.tensor(1.0, dtype=torch.float16)],
    ]
    for values in cases:
        _same_items(to_numpy(values), _each_on_its_own(values))


def test_0d_tensors_read_together_keep_no_reference_to_their_graph():
    w = torch.tensor(0.5, requires_grad=True)
    losses = [(w * i).sum() for i in range(100)]
    ref, node = weakref.ref(w), weakref.ref(losses[0])
    out = to_numpy(losses)
    del w, losses
    gc.collect()
    assert ref() is None and node() is None
    assert [type(v) for v in out] == [np.float32] * 100 and out[3] == 1.5


@pytest.mark.parametrize(
    ("bad", "problem"),
    [
        (torch.empty((), device="meta"), "holds no data"),
        (torch.zeros((), dtype=torch.bits8), "raw bytes"),
        (torch.tensor(1.0).as_subclass(_Refusing), "__torch_function__"),
    ],
    ids=["meta", "bit-packed", "refusing subclass"],
)
def test_an_error_in_a_list_of_0d_tensors_names_the_item(bad, problem):
    values = [torch.tensor(float(i)) for i in range(6)]
    values[3] = bad
    with pytest.raises(TypeError, match=rf"^losses\[3\]: .*{re.escape(problem)}"):
        to_numpy(values, name="losses")


def test_a_list_of_0d_tensors_inside_a_transform_gets_the_transforms_error():
    # Inside torch.func.grad, item() reads a tensor made outside it, which the rule refuses.
    values = [torch.tensor(float(i)) for i in range(6)]

    def f(x):
        to_numpy(values, name="losses")
        return x.sum()

    with pytest.raises(TypeError, match=r"^losses\[0\]: .*Fix: plot outside the torch.func"):
        torch.func.grad(f)(torch.ones(2))


def test_a_tensor_deep_in_nested_lists_is_found_and_only_its_branch_rebuilt():
    t = torch.tensor([1.0, 2.0])
    untouched = [[1.0, 2.0], (3.0, 4.0)]
    deep = [untouched, [(5.0, 6.0), [7.0, t]]]  # t at depth 3
    assert torchplot._convert.needs_conversion(deep)
    got = to_numpy(deep)
    assert got[0] is untouched and type(got[1][0]) is tuple and got[1][0] == (5.0, 6.0)
    assert type(got[1][1][1]) is np.ndarray and got[1][1][0] == 7.0
    # Only the last inner list holds a tensor: the others are kept as they are.
    rows = [[float(i), float(i + 1)] for i in range(1000)]
    got = to_numpy([*rows, [1.0, torch.tensor(2.0)]])
    assert all(g is r for g, r in zip(got, rows, strict=False))
    assert got[-1] == [1.0, np.float32(2.0)] and type(got[-1][1]) is np.float32
    # Lists and tuples at one level, other containers among them, a tensor at depth 4.
    mixed = [[(1.0,), [2.0]], ((3.0, {"k": [4.0, (t,)]}),), collections.deque([5.0])]
    got = to_numpy(mixed)
    assert got[0] is mixed[0] and got[2] is mixed[2]
    assert type(got[1]) is tuple and type(got[1][0][1]["k"][1]) is tuple
    np.testing.assert_array_equal(got[1][0][1]["k"][1][0], [1.0, 2.0])
    for found in ([[[[[t]]]]], [[1.0], [[2.0, (3.0, [t])]]], ([1.0, 2.0], {1: [t]})):
        assert torchplot._convert.needs_conversion(found)
    for plain in ([[[[[1.0]]]]], [[1.0], [[2.0, (3.0, [None])]]], ([1.0, 2.0], {1: [2.0]})):
        assert not torchplot._convert.needs_conversion(plain) and to_numpy(plain) is plain


def test_a_list_holding_itself_is_looked_into_once():
    looped: list = [1.0, 2.0]
    looped.append(looped)
    wide: list = [1.0]
    wide.extend([wide] * 40)  # each level 40 times the last, were each looked into
    for value in (looped, wide):
        assert not torchplot._convert.needs_conversion(value)
        assert to_numpy(value) is value


# ------------------------------------------------------------------ other frameworks
def test_dlpack_only_object_goes_through_numpy_from_dlpack_and_is_copied():
    src = np.arange(4.0)
    obj = DLPackOnly(src)
    assert kind_of(type(obj)) is Kind.DLPACK
    out = to_numpy(obj)
    src[:] = -1
    np.testing.assert_array_equal(out, [0, 1, 2, 3])


class _DLPackElsewhere:
    """A DLPack-only array whose data is on another device: NumPy cannot read it."""

    def __init__(self, device: tuple[int, int]) -> None:
        self.shape, self.dtype, self._device = (3,), "float32", device

    def __dlpack__(self, **kwargs):
        raise BufferError("Unsupported device in DLTensor")

    def __dlpack_device__(self):
        return self._device


@pytest.mark.parametrize(
    ("device", "named"),
    [
        ((2, 1), "device cuda:1"),
        ((10, 0), "device rocm:0"),
        ((3, 0), "device cuda-host (pinned):0"),
        ((14, 2), "device oneapi:2"),
        ((99, 0), "device dlpack device type 99"),
    ],
)
def test_dlpack_error_names_the_device_dlpack_reports(device, named):
    with pytest.raises(TypeError) as info:
        to_numpy(_DLPackElsewhere(device), name="y")
    msg = str(info.value)
    assert named in msg and "device cpu" not in msg
    assert "Fix: copy it to host memory with its own library first" in msg


def test_array_protocol_objects_take_numpys_own_path():
    class HasArray:
        def __array__(self, dtype=None, copy=None):
            return np.arange(3)

    obj = HasArray()
    assert to_numpy(obj) is obj  # Matplotlib calls np.asarray on it itself


def test_framework_detection_goes_through_sys_modules(monkeypatch):
    # Test double for CuPy: a module in sys.modules with an `ndarray` type whose
    # `.get()` copies to the host, as CuPy's does.  It checks the dispatch only.
    fake = types.ModuleType("cupy")

    class ndarray:
        def __init__(self, data):
            self.data = np.asarray(data)

        def get(self):
            return self.data.copy()

    fake.ndarray = ndarray
    monkeypatch.setitem(sys.modules, "cupy", fake)
    assert kind_of(ndarray) is Kind.CUPY
    np.testing.assert_array_equal(to_numpy(ndarray([1.0, 2.0])), [1.0, 2.0])


def test_ml_dtypes_table_matches_torch_table():
    for name, target in ML_DTYPES_CAST.items():
        if name in TORCH_CAST:
            assert TORCH_CAST[name] == target


def test_jax_arrays():
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    x = jnp.arange(4, dtype=jnp.bfloat16)
    out = to_numpy(x)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, [0, 1, 2, 3])
    assert isinstance(to_numpy(jnp.float32(2.5)), np.float32)


@pytest.mark.parametrize("name", sorted(ML_DTYPES_CAST))
def test_every_ml_dtype_becomes_its_exact_target(name):
    ml_dtypes = pytest.importorskip("ml_dtypes")
    jnp = pytest.importorskip("jax.numpy")
    if not hasattr(ml_dtypes, name):
        pytest.fail(f"ML_DTYPES_CAST names {name}, which ml_dtypes does not have")
    values = [0, 1, 2, 3] if name.startswith(("int", "uint")) else [0.5, 1.0, 2.0, 4.0]
    if name == "float8_e8m0fnu":  # powers of two only, no zero
        values = [0.5, 1.0, 2.0, 4.0]
    if name in ("int2", "uint2"):
        values = [0, 1, 1, 0]
    out = to_numpy(jnp.array(values, dtype=getattr(ml_dtypes, name)))
    assert out.dtype == np.dtype(ML_DTYPES_CAST[name])
    np.testing.assert_array_equal(out, values)


def test_jax_tracers_and_key_arrays_get_the_rules_error():
    jax = pytest.importorskip("jax")

    @jax.jit
    def traced(v):
        with pytest.raises(TypeError, match=r"plot\(\) .*Fix: plot concrete arrays outside"):
            torchplot.plot(v)
        with pytest.raises(TypeError, match=r"imshow\(\) .*Fix: plot concrete arrays outside"):
            torchplot.imshow(v, nrow=2)
        return v

    traced(jax.numpy.ones((4, 3, 5, 5)))
    keys = jax.random.split(jax.random.key(0), 4)
    with pytest.raises(TypeError, match=r"dtype key<fry>.*Fix: .*jax.random.key_data"):
        to_numpy(keys)


def test_a_deleted_jax_array_gets_the_rules_error():
    # Donated to a jitted function (or ``.delete()``-d): reading its device
    # raised a raw RuntimeError while the error message was being built.
    jax = pytest.importorskip("jax")
    x = jax.numpy.ones(5)
    x.delete()
    device = x.sharding.device_set.pop()
    with pytest.raises(
        TypeError,
        match=rf"argument args\[0\]: this JAX array was deleted .*shape \(5,\), "
        rf"dtype float32, device {re.escape(str(device))}\)\. Fix: ",
    ):
        torchplot.figure().subplots().plot(x)
    # The image keywords of torchplot cannot help either: the rule's error, not a
    # fix that makes a tensor of it.
    with pytest.raises(TypeError, match=r"argument 'X': this JAX array was deleted .*Fix: plot it"):
        torchplot.figure().subplots().imshow(x, nrow=2)


# ------------------------------------------------------------------ no leaks
def test_converted_array_keeps_no_reference_to_the_tensor():
    t = torch.randn(1000, requires_grad=True)
    y = t * 2
    out = to_numpy(y)
    ref = weakref.ref(y)
    del y
    gc.collect()
    assert ref() is None
    assert out.shape == (1000,)


# ------------------------------------------------------------------ fixes that run, nested shapes
@pytest.mark.parametrize("kind", ["meta", "fake"])
def test_no_data_error_suggests_code_that_runs(kind):
    if kind == "meta":
        tensor = torch.empty(2, 3, dtype=torch.float16, device="meta")
    else:
        tensor = fake_tensor(2, 3, dtype=torch.float16)
    with pytest.raises(TypeError) as err:
        torchplot.plot(tensor)
    fixes = re.findall(r"`([^`]*)`", str(err.value).partition("Fix:")[2])
    # A real tensor of its shape and dtype (tensors have no ``to_empty``) ...
    (make,) = [code for code in fixes if "tensor" in code]
    real = eval(make, {"torch": torch, "tensor": tensor})
    assert type(real) is torch.Tensor and real.device.type == "cpu"
    assert (real.shape, real.dtype) == (tensor.shape, tensor.dtype)
    real.fill_(1.0)
    np.testing.assert_array_equal(to_numpy(real), np.ones((2, 3), np.float16))
    # ... and, for a module built on the meta device, its weights made real.
    (materialize,) = [code for code in fixes if code.startswith("module.")]
    with torch.device("meta"):
        module = torch.nn.Linear(2, 3)
    eval(materialize, {"module": module})
    assert all(p.device.type == "cpu" for p in module.parameters())


def _strided_nested() -> torch.Tensor:
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # the strided layout is a prototype
        return torch.nested.nested_tensor([torch.ones(2, 2), torch.ones(3, 2)])


def test_describe_gives_the_components_of_a_nested_tensor():
    from torchplot._convert import describe

    jagged = torch.nested.nested_tensor([torch.ones(2, 2), torch.ones(3, 2)], layout=torch.jagged)
    for t in (_strided_nested(), jagged):  # the strided one has no .shape at all
        assert describe(t) == "shape [(2, 2), (3, 2)] (nested), dtype torch.float32, device cpu"
    many = torch.nested.nested_tensor([torch.ones(i, 2) for i in range(1, 8)], layout=torch.jagged)
    assert describe(many).startswith("shape [(1, 2), (2, 2), (3, 2), ..., (7, 2)] (nested, 7 ")


@pytest.mark.parametrize("call", ["scatter", "imshow", "Live.log"])
def test_errors_about_a_strided_nested_tensor_describe_it(call):
    nested = _strided_nested()
    shape = re.escape("shape [(2, 2), (3, 2)] (nested), dtype torch.float32")
    if call == "scatter":
        with pytest.raises(TypeError, match=rf"missing 1 required positional argument.*{shape}"):
            torchplot.figure().subplots().scatter(nested)
    elif call == "imshow":
        with pytest.raises(TypeError, match=rf"cannot lay out a nested tensor \({shape}"):
            torchplot.figure().subplots().imshow(nested, nrow=2)
    else:
        live = torchplot.Live(every=10, path=False, display="none")
        with pytest.raises(TypeError, match=rf"metric 'loss' must be a real number.*{shape}"):
            live.log(0, loss=nested)
        live.close()


def test_dtype_verdict_asked_inside_a_transform_is_the_dtypes_own(monkeypatch):
    # Inside torch.func.grad every new tensor is the transform's wrapper: a
    # probe made there was refused, and float32 stayed unplottable afterwards.
    from torchplot._convert import _DTYPE_PROBLEM, dtype_error

    monkeypatch.delitem(_DTYPE_PROBLEM, torch.float64, raising=False)

    def loss(x):
        assert dtype_error("x", torch.ones(2, dtype=torch.float64)) is None
        return (x * 2).sum()

    torch.func.grad(loss)(torch.ones(3))
    assert dtype_error("x", torch.ones(2, dtype=torch.float64)) is None
    assert isinstance(to_numpy(torch.ones(2, dtype=torch.float64)), np.ndarray)


def _meta_device():
    return torch.device("meta")


def _fake_mode():
    from torch._subclasses.fake_tensor import FakeTensorMode

    return FakeTensorMode(allow_non_fake_inputs=True)


@pytest.mark.parametrize("context", [_meta_device, _fake_mode], ids=["meta-device", "fake-mode"])
def test_dtype_verdict_asked_where_new_tensors_hold_no_data_is_the_dtypes_own(context, monkeypatch):
    # Under ``with torch.device("meta")`` or a FakeTensorMode a probe made
    # there held no data and was refused: float64 stayed unplottable (CHW
    # images, >2-D hist, Live.log) for the rest of the process.
    from torchplot._convert import _DTYPE_PROBLEM, dtype_error

    monkeypatch.delitem(_DTYPE_PROBLEM, torch.float64, raising=False)
    real = torch.ones(2, dtype=torch.float64)
    with context():
        assert dtype_error("x", real) is None
    assert dtype_error("x", real) is None
    chw = torch.rand(3, 4, 5, dtype=torch.float64)
    plain = torchplot.figure().subplots().imshow(chw).get_array()
    np.testing.assert_array_equal(plain, chw.permute(1, 2, 0).numpy())


def _recording_mode():
    """A dispatch mode recording the ops it sees (``.ops``), as a profiler's or a logger's."""
    from torch.utils._python_dispatch import TorchDispatchMode

    class Recording(TorchDispatchMode):
        def __init__(self):
            super().__init__()
            self.ops = []

        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            self.ops.append(func.overloadpacket.__name__)
            return func(*args, **(kwargs or {}))

    return Recording()


# Each case: the tensor made (outside the mode), and the call made inside it.
_UNDER_A_MODE = {
    "to_numpy of a tensor that requires grad": (lambda t: t, to_numpy),
    "to_numpy of bfloat16": (lambda t: t.detach().bfloat16(), to_numpy),
    "to_numpy of a conj view": (lambda t: t.detach().to(torch.complex64).conj(), to_numpy),
    "plot": (lambda t: t, lambda ax, x: ax.plot(x).pop().get_ydata()),
    "plot reduced on its device": (
        lambda t: t.repeat(5000),
        lambda ax, x: ax.plot(x, reduce=True).pop().get_ydata(),
    ),
    "hist": (lambda t: t.detach().repeat(4000), lambda ax, x: ax.hist(x, bins=7)[0]),
    "imshow of a CHW tensor": (
        lambda t: t.reshape(3, 4, 5),
        lambda ax, x: ax.imshow(x).get_array(),
    ),
    "scatter of (N, 2) points": (
        lambda t: t.reshape(30, 2),
        lambda ax, x: ax.scatter(x).get_offsets(),
    ),
    "pyplot.imsave of a batch of CHW images": (
        lambda t: ((t + 1) / 2).reshape(4, 3, 1, 5),  # RGB in [0, 1]
        lambda ax, x: _png_bytes(lambda buf: torchplot.imsave(buf, x)),
    ),
}


def _png_bytes(save):
    buf = io.BytesIO()
    save(buf)
    return np.frombuffer(buf.getvalue(), np.uint8)


@pytest.mark.parametrize("mode", [_fake_mode, _recording_mode], ids=["fake-mode", "recording"])
@pytest.mark.parametrize("call", list(_UNDER_A_MODE))
def test_a_real_tensor_plotted_inside_a_dispatch_mode_gives_its_own_values(call, mode):
    # Inside FakeTensorMode(allow_non_fake_inputs=True) the rule's detach and
    # copies made fake tensors, whose memory was then drawn as values: garbage,
    # or "holds no data" for a tensor that holds it.  Nor are they the
    # program's work, for a mode recording it (a profiler, a FlopCounterMode) to see.
    make, draw = _UNDER_A_MODE[call]
    if draw is to_numpy:
        draw = lambda ax, x: to_numpy(x)  # noqa: E731
    x = make(torch.linspace(-1, 1, 60, requires_grad=True))
    expected = draw(torchplot.figure().subplots(), x)
    ax = torchplot.figure().subplots()
    with mode() as active:
        got = draw(ax, x)
    np.testing.assert_array_equal(got, expected)
    assert getattr(active, "ops", []) == []


def test_a_fake_tensor_inside_its_mode_is_still_refused():
    with _fake_mode():
        fake = torch.ones(3)
        with pytest.raises(TypeError, match="holds no data"):
            to_numpy(fake, name="fake")
        with pytest.raises(TypeError, match="holds no data"):
            torchplot.figure().subplots().imshow(torch.ones(3, 4, 5))


class _CountingData(collections.abc.Mapping):
    """A mapping that counts the reads of each key, as a lazily loaded file costs them."""

    def __init__(self, values):
        self.values_, self.reads = values, collections.Counter()

    def __getitem__(self, key):
        self.reads[key] += 1
        return self.values_[key]

    def __iter__(self):
        return iter(self.values_)

    def __len__(self):
        return len(self.values_)


@pytest.mark.parametrize(
    "method, names",
    [
        ("plot", ("x", "y")),
        ("loglog", ("x", "y")),  # data= passed on to plot in **kwargs
        ("hist", ("x",)),
        ("scatter", ("x", "y")),
        ("imshow", ("img",)),
    ],
)
@pytest.mark.parametrize("tensors", [False, True], ids=["numpy", "tensors"])
def test_data_values_are_read_once_as_matplotlib_reads_them(method, names, tensors):
    values = {"x": np.arange(5.0), "y": np.arange(5.0) ** 2, "img": np.eye(3)}
    if tensors:
        values = {k: torch.from_numpy(v).requires_grad_() for k, v in values.items()}
    ours, theirs = (
        _CountingData(values),
        _CountingData({k: np.asarray(v.detach() if tensors else v) for k, v in values.items()}),
    )
    getattr(torchplot.figure().subplots(), method)(*names, data=ours)
    getattr(mpl_plt.figure().subplots(), method)(*names, data=theirs)
    assert ours.reads == theirs.reads == collections.Counter(names)


def test_data_is_read_only_where_matplotlib_reads_it():
    # A defaultdict gains the keys Matplotlib looks up, and only those: not a
    # label, a marker or hist's histtype passed by pyplot.
    def run(P, make):
        d = collections.defaultdict(make, {"step": make(), "val": make()})
        P.figure().subplots().plot("step", "val", "r--", data=d, label="run", marker="o")
        P.figure()
        P.hist("step", data=d)
        return sorted(d)

    assert run(torchplot, lambda: torch.ones(3)) == run(mpl_plt, lambda: np.ones(3))


def test_data_keys_of_str_subclasses_are_looked_up_as_matplotlib_does():
    d = {"t": torch.arange(4.0, requires_grad=True), "loss": torch.rand(4, requires_grad=True)}
    (line,) = torchplot.figure().subplots().plot(np.str_("t"), np.str_("loss"), data=d)
    np.testing.assert_array_equal(line.get_xdata(), [0, 1, 2, 3])


def test_a_data_keyword_that_is_the_values_converts_as_any_argument():
    # plt.setp(line, data=...) is Line2D.set_data, not Matplotlib's data= lookup.
    x, y = torch.arange(3.0, requires_grad=True), torch.ones(3, requires_grad=True)
    line = mpl_plt.figure().subplots().plot([0, 1, 2])[0]
    torchplot.setp(line, data=(x, y))
    assert type(line.get_xdata(orig=True)) is np.ndarray
    ref = weakref.ref(y)
    y.detach().mul_(-5)
    del x, y
    assert ref() is None and list(line.get_ydata()) == [1, 1, 1]


def test_a_dict_subclass_whose_copy_is_itself_is_never_changed():
    class Shared(dict):
        def __copy__(self):
            return self

    t = torch.arange(2.0)
    mine = Shared(a=t)
    out = to_numpy(mine)
    assert mine["a"] is t  # the user's object keeps its tensor
    assert type(out) is dict and isinstance(out["a"], np.ndarray)
