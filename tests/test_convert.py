"""Unit tests of the one conversion rule, ``torchplot.to_numpy``."""

from __future__ import annotations

import collections
import gc
import sys
import types
import weakref

import matplotlib.cbook as cbook
import numpy as np
import pandas as pd
import pytest
import torch

import torchplot
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
        (torch.float8_e8m0fnu, np.float32),
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
    if dtype == torch.float8_e8m0fnu:
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


def test_zero_d_tensor_becomes_numpy_scalar():
    assert to_numpy(torch.tensor(5)) == 5 and isinstance(to_numpy(torch.tensor(5)), np.int64)
    f = to_numpy(torch.tensor(0.5, dtype=torch.bfloat16, requires_grad=True))
    assert isinstance(f, np.float32) and f == 0.5
    assert str(to_numpy(torch.tensor(5))) == "5"


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
    with pytest.warns(UserWarning) if torch.__version__ >= "2.10" else _nullcontext():
        q = torch.quantize_per_tensor(x, scale=0.5, zero_point=0, dtype=torch.quint8)
    out = to_numpy(q)
    assert out.dtype == np.float32
    np.testing.assert_array_equal(out, x.numpy())


def _nullcontext():
    import contextlib

    return contextlib.nullcontext()


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


@pytest.mark.parametrize("dtype", [torch.uint3, torch.int4, torch.bits8, torch.float4_e2m1fn_x2])
def test_dtype_without_numpy_equivalent_raises(dtype):
    t = (
        torch.zeros(4, dtype=torch.uint8).view(dtype)
        if dtype.itemsize == 1
        else torch.zeros(4, dtype=dtype)
    )
    with pytest.raises(TypeError, match=r"Fix: cast it"):
        to_numpy(t, name="values")


def test_plot_error_names_the_pyplot_argument():
    with pytest.raises(TypeError, match=r"Axes.scatter\(\) argument 'y'.*device meta"):
        torchplot.scatter([1.0, 2.0], torch.empty(2, device="meta"))


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
    with pytest.raises(TypeError, match=r"_draw\(\) argument 'c'.*Fix: cast it"):
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


def test_list_of_many_plain_floats_is_returned_as_is():
    values = [float(i) for i in range(100_000)]
    assert to_numpy(values) is values


# ------------------------------------------------------------------ other frameworks
class _DLPackOnly:
    """An array from an unknown framework that offers only ``__dlpack__``."""

    def __init__(self, arr: np.ndarray) -> None:
        self._arr = arr

    def __dlpack__(self, **kwargs):
        return self._arr.__dlpack__(**kwargs)

    def __dlpack_device__(self):
        return self._arr.__dlpack_device__()


def test_dlpack_only_object_goes_through_numpy_from_dlpack_and_is_copied():
    src = np.arange(4.0)
    obj = _DLPackOnly(src)
    assert kind_of(type(obj)) is Kind.DLPACK
    out = to_numpy(obj)
    src[:] = -1
    np.testing.assert_array_equal(out, [0, 1, 2, 3])


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
