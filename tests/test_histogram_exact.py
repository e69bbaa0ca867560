"""torchplot._histogram.histogram is exactly np.histogram of the converted array.

Runs the device code on the CPU (the same torch operations run on CUDA, see the
``gpu`` tests at the end).  Every comparison is exact: same counts, same edges,
same dtypes, or the same exception type and message.
"""

from __future__ import annotations

import warnings

import numpy as np
import pytest

torch = pytest.importorskip("torch")

from tests._helpers import dtype_param  # noqa: E402
from torchplot import to_numpy  # noqa: E402
from torchplot._histogram import Unsupported, histogram  # noqa: E402

RULES = ["auto", "fd", "doane", "scott", "rice", "sturges", "sqrt"]


def _numpy(a, bins, range_, weights):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return np.histogram(a, bins, range_, weights=weights)


def assert_exact(t, bins=10, range_=None, weights=None, device="cpu"):
    """histogram(t) == np.histogram(to_numpy(t)), or both raise the same error."""
    a = to_numpy(t)
    w = None if weights is None else to_numpy(weights)
    try:
        expected = _numpy(a, bins, range_, w)
    except (ValueError, TypeError) as exc:
        with pytest.raises(type(exc)) as info:
            histogram(t.to(device), bins, range_, None if weights is None else weights.to(device))
        assert str(info.value) == str(exc)
        return
    except IndexError:
        # NumPy 1.x counting into bins of no width (NumPy 2 raises "Too many
        # bins" first): left to NumPy's path.
        with pytest.raises(Unsupported):
            histogram(t.to(device), bins, range_, None if weights is None else weights.to(device))
        return
    counts, edges = histogram(
        t.to(device), bins, range_, None if weights is None else weights.to(device)
    )
    assert counts.dtype == expected[0].dtype
    assert edges.dtype == expected[1].dtype
    np.testing.assert_array_equal(counts, expected[0], strict=True)
    np.testing.assert_array_equal(edges, expected[1], strict=True)


def _normal(n, dtype, seed=0):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=g, dtype=torch.float64).to(dtype)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("bins", [1, 3, 10, 100, 1000])
def test_int_bins_float_dtypes(dtype, bins):
    assert_exact(_normal(20_000, dtype), bins)


@pytest.mark.parametrize("dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64])
@pytest.mark.parametrize("bins", [10, 64, 255])
def test_values_exactly_on_and_next_to_edges(dtype, bins):
    # Every edge NumPy computes, and the neighbouring representable values on
    # both sides: where a histogram that ignores NumPy's arithmetic goes wrong.
    base = _normal(1000, dtype)
    a = to_numpy(base)
    edges = np.histogram_bin_edges(a, bins)
    on = edges.astype(a.dtype)
    below = np.nextafter(on, -np.inf).astype(a.dtype)
    above = np.nextafter(on, np.inf).astype(a.dtype)
    data = np.concatenate([a, on, below, above])
    data = np.clip(data, a.min(), a.max())  # keep the autodetected range
    t = torch.from_numpy(data.astype(np.float32 if dtype == torch.bfloat16 else a.dtype)).to(dtype)
    assert_exact(t, bins)
    assert_exact(t, np.histogram_bin_edges(to_numpy(t), bins))  # the same edges as an array


@pytest.mark.parametrize("dtype", [torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64])
@pytest.mark.parametrize("bins", [5, 10, 256, "auto", "fd", "sturges"])
def test_integer_dtypes(dtype, bins):
    info = torch.iinfo(dtype)
    g = torch.Generator().manual_seed(1)
    t = torch.randint(max(info.min, -1000), min(info.max, 1000), (5000,), generator=g, dtype=dtype)
    assert_exact(t, bins)


def test_integer_extremes_do_not_overflow():
    t = torch.tensor([-128, 127, 0, 5], dtype=torch.int8)
    assert_exact(t, 4)
    assert_exact(t, "sturges")


@pytest.mark.parametrize("rule", ["fd", "auto"])
@pytest.mark.parametrize(
    "values", [([-128, 127, 3], torch.int8), ([-(2**63), 2**63 - 1, 0, 5], torch.int64)]
)
def test_percentile_rules_wrap_in_the_integer_dtype_as_numpy(values, rule):
    # NumPy's percentile subtracts its order statistics in the data's dtype,
    # which wraps: int8 -128..127 gets 255 'fd' bins, not 2.  A bin count
    # within rounding of an integer falls back to NumPy's path, never differs.
    try:
        assert_exact(torch.tensor(values[0], dtype=values[1]), rule)
    except Unsupported:
        assert values[1] is torch.int64 and rule == "auto"


def test_auto_rule_of_data_with_no_spread_in_its_middle():
    # NumPy 2 bounds the FD width by half the 'sqrt' one (21 bins here);
    # NumPy 1.x takes Sturges' where the FD width is 0 (8 bins).
    t = torch.cat([torch.zeros(99), torch.tensor([1.0, 100.0])])
    assert_exact(t, "auto")
    assert_exact(t.to(torch.int32), "auto")


@pytest.mark.parametrize("rule", ["fd", "auto"])
def test_integer_rule_width_below_one(rule):
    # NumPy 2 widens it to 1 (2 bins here); NumPy 1.x keeps it (11 bins).
    t = torch.cat([torch.zeros(500), torch.ones(500), torch.tensor([2.0])]).to(torch.int64)
    assert_exact(t, rule)


@pytest.mark.parametrize(
    ("value", "dtype"),
    [
        (value, dtype)
        for value in (0.0, 1.0, -3.5, 1e30, 2.0**-30)
        for dtype in (torch.float16, torch.float32, torch.float64, torch.int32)
        if not (dtype == torch.float16 and abs(value) > 65504)  # not a float16 value
    ],
)
def test_all_equal_data(value, dtype):
    assert_exact(torch.full((1000,), value).to(dtype), 10)


@pytest.mark.parametrize(
    "range_",
    [
        (-0.5, 0.7),
        (np.float32(-1), np.float32(1)),
        (np.float64(-0.1), np.float64(0.3)),
        (0, 1),
        (-10, 10),
        (0.25, 0.25),
        (1.0, -1.0),
        (0.0, np.inf),
        (np.nan, 1.0),
    ],
)
@pytest.mark.parametrize("dtype", [torch.float16, torch.float32, torch.float64, torch.int64])
def test_range(range_, dtype):
    t = (_normal(5000, torch.float64) * 3).to(dtype)
    assert_exact(t, 10, range_)
    assert_exact(t, [-1.0, 0.0, 0.5, 2.0], range_)  # range is ignored with explicit edges


@pytest.mark.parametrize("rule", RULES)
@pytest.mark.parametrize("dtype", [torch.float32, torch.float64, torch.bfloat16])
def test_named_rules(rule, dtype):
    t = _normal(30_000, dtype, seed=3)
    try:
        assert_exact(t, rule)
        assert_exact(t, rule, (-1.0, 2.0))
    except Unsupported:
        pytest.fail(f"{rule} on {dtype} fell back on ordinary data")


@pytest.mark.parametrize("rule", ["auto", "fd", "scott", "doane"])
@pytest.mark.parametrize("offset", [100.0, 3e4, 1e6])
def test_named_rules_of_offset_float32_data_are_exact_or_fall_back(rule, offset):
    # NumPy's float32 mean of data far from 0 is off by many ulps of the
    # spread, which moves its skewness and std: such bin counts must fall back
    # to NumPy's path, never be a different answer.  (That ordinary data does
    # not fall back is test_named_rules'.)
    for seed in range(40):
        t = offset + torch.rand(1000, generator=torch.Generator().manual_seed(seed))
        try:
            assert_exact(t, rule)
        except Unsupported:
            pass


@pytest.mark.parametrize("rule", ["scott", "doane"])
@pytest.mark.parametrize("scale", [1e20, 1e-25], ids=["exploding", "vanishing"])
@pytest.mark.parametrize("dtype", [torch.float32, torch.bfloat16])
def test_named_rules_whose_squares_leave_float32_fall_back(rule, scale, dtype):
    # NumPy sums the squared deviations in float32: they overflow to inf
    # (NumPy's bins then raise) or underflow (one bin).  The device path,
    # in float64, drew 11 to 21 bins instead.
    t = (_normal(1000, torch.float64) * scale).to(dtype)
    with pytest.raises(Unsupported, match="squared deviations"):
        histogram(t, rule)


@pytest.mark.parametrize("rule", ["auto", "fd", "scott", "doane"])
def test_named_rules_on_float16_fall_back(rule):
    with pytest.raises(Unsupported):
        histogram(_normal(100, torch.float16), rule)


def test_stone_falls_back():
    with pytest.raises(Unsupported):
        histogram(_normal(100, torch.float32), "stone")


@pytest.mark.parametrize("bins", [10, "auto"])
def test_nan_without_range_raises_numpys_error(bins):
    t = _normal(100, torch.float32)
    t[5] = float("nan")
    with pytest.raises(ValueError, match=r"autodetected range of \[nan, nan\] is not finite"):
        histogram(t, bins)
    assert_exact(t, bins)


@pytest.mark.parametrize("special", [float("inf"), float("-inf")])
def test_inf_without_range_raises_numpys_error(special):
    t = _normal(100, torch.float32)
    t[7] = special
    assert_exact(t, 10)


@pytest.mark.parametrize("special", [float("nan"), float("inf"), float("-inf")])
@pytest.mark.parametrize("bins", [10, [-1.0, 0.0, 1.0, float("inf")]])
def test_nan_and_inf_with_range_or_edges_are_not_counted(special, bins):
    t = _normal(1000, torch.float32)
    t[::7] = special
    assert_exact(t, bins, (-2.0, 2.0))
    counts, _ = histogram(t, bins, (-2.0, 2.0))
    assert counts.sum() <= 1000 - len(range(0, 1000, 7)) or special == float("inf")


@pytest.mark.parametrize("wdtype", [torch.int64, torch.int32, torch.uint8, torch.int16])
@pytest.mark.parametrize("bins", [10, [-1.0, 0.0, 0.5, 1.0]])
def test_integer_weights(wdtype, bins):
    t = _normal(4000, torch.float32)
    w = torch.randint(0, 50, (4000,), generator=torch.Generator().manual_seed(2)).to(wdtype)
    assert_exact(t, bins, None, w)
    assert_exact(t, bins, (-0.5, 0.5), w)


@pytest.mark.parametrize("wdtype", [torch.float32, torch.float64, torch.bool])
def test_float_and_bool_weights_fall_back(wdtype):
    with pytest.raises(Unsupported):
        histogram(_normal(10, torch.float32), 10, None, torch.ones(10, dtype=wdtype))


@pytest.mark.parametrize("dtype", [dtype_param(name) for name in ("int4", "uint4", "uint2")])
def test_dtypes_numpy_knows_only_through_ml_dtypes_fall_back(dtype):
    # ml_dtypes (loaded by JAX) teaches NumPy these names; torch has no ops for them.
    pytest.importorskip("ml_dtypes")
    t = torch.empty(8, dtype=dtype)
    with pytest.raises(Unsupported):
        histogram(t, 4)
    with pytest.raises(Unsupported):
        histogram(_normal(8, torch.float32), 4, None, t)


def test_named_rule_with_weights_falls_back():
    with pytest.raises(Unsupported):
        histogram(_normal(10, torch.float32), "auto", None, torch.ones(10, dtype=torch.int64))


@pytest.mark.parametrize(
    "bins",
    [[0.0, 1.0, 1.0, 2.0], [0.0, 1.0, 1.0], [2.0, 1.0, 3.0], np.arange(-3, 4), [0.5, 0.5]],
)
def test_explicit_edges_incl_repeated_and_invalid(bins):
    t = torch.tensor([-1.0, 0.0, 0.5, 1.0, 1.0, 1.5, 2.0, 3.0, float("nan")])
    assert_exact(t, bins, (0.0, 2.0))


def test_bad_bins_raise_numpys_errors():
    t = _normal(100, torch.float32)
    for bins in [0, -1, 2.5, "nonsense"]:
        if bins == "nonsense":
            with pytest.raises(Unsupported):
                histogram(t, bins)
        else:
            assert_exact(t, bins)


def test_too_many_bins_for_a_tiny_range():
    t = torch.tensor([1.0, np.nextafter(np.float32(1), np.float32(2))], dtype=torch.float32)
    try:
        np.histogram_bin_edges(to_numpy(t), 10)
    except ValueError:  # NumPy 2: "Too many bins"
        assert_exact(t, 10)
    else:  # NumPy 1.x counts into repeated edges: left to its path
        with pytest.raises(Unsupported):
            histogram(t, 10)


def test_empty():
    assert_exact(torch.empty(0), 10)
    assert_exact(torch.empty(0), 10, (0.0, 3.0))


def test_multidimensional_is_flattened():
    assert_exact(_normal(600, torch.float32).reshape(10, 6, 10), 13)


def test_large_uniform_bins_every_count_exact():
    # 10^6 values in 997 bins: enough that an estimate without NumPy's
    # corrections, or torch.histc, is off in some bins.
    t = _normal(1_000_000, torch.float32, seed=7)
    assert_exact(t, 997)
    assert_exact(t, 997, (-1.3, 2.1))


def test_torch_histc_would_not_match():
    # Why the module exists: torch's own histogram disagrees with NumPy here.
    t = _normal(1_000_000, torch.float32, seed=7)
    a = to_numpy(t)
    ours, _ = histogram(t, 997)
    theirs = torch.histc(t, 997, float(a.min()), float(a.max())).to(torch.int64).numpy()
    np.testing.assert_array_equal(ours, np.histogram(a, 997)[0])
    assert not np.array_equal(theirs, ours)


@pytest.mark.gpu
@pytest.mark.parametrize(
    "dtype", [torch.float16, torch.bfloat16, torch.float32, torch.float64, torch.int32]
)
@pytest.mark.parametrize("bins", [10, 997, "auto", [-1.0, 0.0, 0.5, 2.0]])
def test_cuda_matches_numpy(dtype, bins):
    t = (_normal(2_000_000, torch.float64, seed=11) * 4).to(dtype)
    if bins == "auto" and dtype == torch.float16:
        bins = "sturges"
    assert_exact(t, bins, device="cuda")
    assert_exact(t, bins, (-1.0, 3.0), device="cuda")


@pytest.mark.gpu
def test_cuda_nan_inf_and_weights():
    t = _normal(100_000, torch.float32, seed=5)
    t[::11] = float("nan")
    t[::13] = float("inf")
    assert_exact(t, 50, device="cuda")
    assert_exact(t, 50, (-2.0, 2.0), device="cuda")
    w = torch.randint(0, 9, (100_000,), generator=torch.Generator().manual_seed(3))
    assert_exact(t, 50, (-2.0, 2.0), w, device="cuda")
