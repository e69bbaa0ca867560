"""``np.histogram``, computed where a tensor lives; only counts and edges reach the host.

:func:`histogram` returns exactly what ``np.histogram(to_numpy(t), ...)`` returns
(same edges in the same dtype, same counts in the same dtype) while reading the
data on the tensor's own device.  ``torch.histc`` and ``torch.histogram`` are not
used: they bin values near an edge differently from NumPy.

How exactness is kept
---------------------
* **Edges** never depend on the data beyond its dtype, minimum, maximum and
  size (for an integer ``bins``) and NumPy computes them from scalars with
  ``np.linspace``.  So the reductions (min, max) run on the device and the edges
  are computed *by NumPy itself*, from a two-element host array with the same
  dtype, minimum and maximum: same ``np.linspace`` call, same dtype rules, same
  exceptions (``"autodetected range of [nan, nan] is not finite"``, ``"Too many
  bins ..."``) with the same types and messages.
* **Counts of equal-width bins** follow NumPy's arithmetic: keep
  ``first <= x <= last`` (compared in the dtype NumPy compares in), cast to the
  edges' dtype, estimate ``(x - first) / (last - first) * n`` in the dtypes NumPy
  computes in (float16 one correctly-rounded operation at a time, as NumPy
  does), truncate, then correct the estimate by comparing with the edges, last
  bin right-inclusive.  Division is by a device tensor, never a Python scalar:
  PyTorch turns division by a scalar into multiplication by its reciprocal.
* **Counts of explicit edges** follow ``np.searchsorted``'s semantics:
  ``edges[j] <= x < edges[j+1]``, the last bin right-inclusive, in the common
  dtype of data and edges; NaN and values outside the edges are not counted.
* **Named rules** (``'auto'``, ``'fd'``, ``'doane'``, ``'scott'``, ``'rice'``,
  ``'sturges'``, ``'sqrt'``): ``'sqrt'``, ``'sturges'`` and ``'rice'`` depend only
  on the range and size, computed with NumPy's scalar arithmetic.  The
  statistics of ``'fd'``, ``'scott'``, ``'doane'`` (and ``'auto'``) are computed on
  the device in float64; NumPy sums in the data's dtype, so the bin *width* may
  differ in the last bits (float16 data, whose NumPy statistics are float16
  arithmetic, raises :class:`Unsupported` for these rules).  The result is an
  integer (``ceil(range / width)``), so it is used only when ``range / width``
  is farther from an integer than NumPy's rounding could move it: ``1e-6``
  (relative), or for data NumPy sums in a narrower float (float32, bfloat16
  converted to float32) a bound on that rounding, which grows with the data's
  offset (``|mean| / std``: a cancellation NumPy's float32 sums suffer and
  float64 ones do not).  Otherwise
  :class:`Unsupported` is raised and the caller takes NumPy's path.
* **Weights** are supported when their dtype is an integer (sums are exact in
  any order).  Float weights raise :class:`Unsupported`: NumPy sums them in a
  fixed order, in blocks, and a parallel device sum rounds differently.

Everything else NumPy accepts but this module does not reproduce raises
:class:`Unsupported` (``'stone'``, boolean or complex data, float weights, ...),
never a different answer.

NumPy 2 changed some of this arithmetic: ``'auto'`` bounds the FD width below
by half the ``'sqrt'`` one, an integer dtype's named-rule width is at least 1,
and equal-width edges that are not increasing raise ``"Too many bins"`` (NumPy
1.x counts into them through NaN indices: :class:`Unsupported`).  Which rules
the installed NumPy follows is asked of NumPy itself, once.
"""

from __future__ import annotations

import functools
import math
import sys
from typing import Any

import numpy as np

from torchplot._compat import UNORDERED_UNSIGNED
from torchplot._convert import TORCH_CAST

__all__ = ["Unsupported", "histogram", "histogram_bin_edges", "nan_range", "numpy_dtype_of"]

#: Rules this module reproduces (NumPy's ``'stone'`` runs one histogram per candidate bin count).
NAMED_RULES = frozenset({"auto", "fd", "doane", "scott", "rice", "sturges", "sqrt"})

#: Relative distance of ``range / width`` from an integer under which a named rule's
#: bin count could depend on the summation order, and NumPy's own path is taken.
NAMED_RULE_MARGIN = 1e-6


class Unsupported(Exception):
    """This call cannot be reproduced exactly on the device: use NumPy's path."""


@functools.cache
def _auto_bounds_fd_by_sqrt() -> bool:
    """Whether NumPy's ``'auto'`` width is ``min(max(fd, sqrt / 2), sturges)`` (NumPy 2).

    Before, it was ``min(fd, sturges)``, or ``sturges`` where ``fd`` is 0: as
    here, where the rules give 20 and 8 bins.
    """
    return len(np.histogram_bin_edges(np.r_[np.zeros(98), 1.0, 100.0], "auto")) == 21


@functools.cache
def _integer_width_at_least_one() -> bool:
    """Whether NumPy widens a named rule's bins of integer data to 1 (NumPy 2).

    Here the FD width is 0.2: 2 bins of width 1, else 11.
    """
    data = np.r_[np.zeros(500, np.int64), np.ones(500, np.int64), 2]
    return len(np.histogram_bin_edges(data, "fd")) == 3


def _torch() -> Any:
    return sys.modules["torch"]


def numpy_dtype_of(t: Any) -> np.dtype:
    """The dtype :func:`torchplot.to_numpy` gives ``t``, one NumPy counts in and torch computes in.

    :class:`Unsupported` for a bool, complex or quantized tensor, for torch's
    ``uint16``, ``uint32`` and ``uint64`` (torch has no comparisons or
    ``aminmax`` for them), and for a dtype that is not NumPy's own real dtype:
    one NumPy knows only through a plug-in (``int4`` where ``ml_dtypes`` is
    loaded, by JAX) has no torch ops either, and ``to_numpy`` refuses it.
    """
    name = str(t.dtype).removeprefix("torch.")
    name = TORCH_CAST.get(name, name)  # the rule's casts: bfloat16, float8_*, complex32
    if name == "bool" or name.startswith(("complex", "q")) or name in UNORDERED_UNSIGNED:
        raise Unsupported(f"dtype {t.dtype}")
    try:
        dtype = np.dtype(name)
    except TypeError:
        raise Unsupported(f"dtype {t.dtype}") from None
    if dtype.kind not in "fiu":
        raise Unsupported(f"dtype {t.dtype}")
    return dtype


def _as_data(t: Any) -> Any:
    """``t`` as a plain 1-D tensor of the dtype NumPy will see, on its own device."""
    torch = _torch()
    if t.layout != torch.strided or t.is_quantized or t.is_nested or t.is_complex():
        raise Unsupported("layout")
    dtype = numpy_dtype_of(t)
    t = t.detach().reshape(-1)
    target = getattr(torch, dtype.name)
    return t if t.dtype == target else t.to(target)


def _torch_dtype(dtype: np.dtype) -> Any:
    return getattr(_torch(), np.dtype(dtype).name)


def _scalar(value: Any, dtype: np.dtype) -> Any:
    """A device-side-free NumPy scalar of ``dtype`` from a 0-d tensor."""
    return np.asarray(value.item(), dtype=dtype)[()]


def nan_range(t: Any) -> tuple[Any, Any]:
    """``(np.nanmin(a), np.nanmax(a))`` of ``a = to_numpy(t)`` as NumPy scalars; one reduction each.

    An all-NaN (or empty) tensor gives ``(nan, nan)``, as NumPy does (without its warning).
    """
    torch = _torch()
    x = _as_data(t)
    dtype = numpy_dtype_of(t)
    if x.numel() == 0:
        return np.float64("nan"), np.float64("nan")
    if x.is_floating_point():
        nan = torch.isnan(x)
        if bool(nan.all()):
            return dtype.type("nan"), dtype.type("nan")
        lo = torch.where(nan, torch.full((), math.inf, dtype=x.dtype, device=x.device), x).min()
        hi = torch.where(nan, torch.full((), -math.inf, dtype=x.dtype, device=x.device), x).max()
    else:
        lo, hi = torch.aminmax(x)
    return _scalar(lo, dtype), _scalar(hi, dtype)


def _minmax(x: Any, dtype: np.dtype) -> np.ndarray:
    """A host array with the dtype, min and max of ``x`` (NaN-propagating, as ``a.min()``)."""
    if x.numel() == 0:
        return np.empty(0, dtype)
    lo, hi = _torch().aminmax(x)
    return np.array([_scalar(lo, dtype), _scalar(hi, dtype)], dtype=dtype)


def _outer_edges(proxy: np.ndarray, range: Any) -> tuple[Any, Any]:
    """``first_edge, last_edge`` exactly as NumPy derives them (same scalar types)."""
    if range is not None:
        first, last = range
    elif proxy.size == 0:
        first, last = 0, 1
    else:
        first, last = proxy.min(), proxy.max()
    if first == last:
        first, last = first - 0.5, last + 0.5
    return first, last


def _unsigned_subtract(a: Any, b: Any) -> Any:
    # NumPy subtracts integer bounds in the unsigned type of the same width,
    # so that the difference of int8(-128) and int8(127) does not overflow.
    dt = np.result_type(a, b)
    if dt.kind == "i":
        unsigned = np.dtype(f"u{dt.itemsize}")
        return np.subtract(
            np.asarray(a, dtype=dt), np.asarray(b, dtype=dt), casting="unsafe", dtype=unsigned
        )
    return np.subtract(a, b, dtype=dt)


def _keep(x: Any, first: Any, last: Any, dtype: np.dtype) -> Any:
    """``(a >= first) & (a <= last)``, compared in the dtype NumPy compares in."""
    torch = _torch()
    try:
        cmp_lo = np.result_type(np.empty(0, dtype), first)
        cmp_hi = np.result_type(np.empty(0, dtype), last)
    except (OverflowError, TypeError):
        raise Unsupported("range bounds outside the data's dtype") from None
    lo = torch.as_tensor(np.asarray(first, cmp_lo), device=x.device)
    hi = torch.as_tensor(np.asarray(last, cmp_hi), device=x.device)
    xl = x if x.dtype == lo.dtype else x.to(lo.dtype)
    xh = x if x.dtype == hi.dtype else x.to(hi.dtype)
    return (xl >= lo) & (xh <= hi)


def _op(func: Any, a: Any, b: Any, dtype: np.dtype) -> Any:
    """One NumPy arithmetic operation in ``dtype``, correctly rounded.

    float16 is computed in float32 and rounded once, exactly like NumPy's
    float16 loops (float32 has enough bits for the double rounding to be
    harmless for + - * /).
    """
    torch = _torch()
    target = _torch_dtype(dtype)
    work = torch.float32 if target == torch.float16 else target
    a = a.to(work) if a.dtype != work else a
    b = b.to(work) if b.dtype != work else b
    out = func(a, b)
    return out.to(target) if target != work else out


def _uniform_indices(x: Any, edges: np.ndarray, first: Any, last: Any, n: int) -> Any:
    """Bin indices of the kept values ``x`` (in the edges' dtype): NumPy's estimate, corrected."""
    torch = _torch()
    dev = x.device
    edges_t = torch.as_tensor(edges, device=dev)
    # The dtypes NumPy's expression ``((x - first) / denom) * n`` evaluates in
    # (NEP 50: Python scalars are weak, NumPy scalars are not).
    denom = _unsigned_subtract(last, first)
    sub_dt = np.result_type(np.empty(0, edges.dtype), first)
    span = denom
    if sub_dt.kind == "f":
        with np.errstate(over="ignore", invalid="ignore"):
            span = np.asarray(last, sub_dt) - np.asarray(first, sub_dt)
    if not (np.isfinite(denom) and np.isfinite(span)):
        # A span past the dtype's largest value (float16 data from -60000 to
        # 60000): NumPy's estimate is NaN or inf and it raises an IndexError;
        # that error, on NumPy's own path, not a clamped index drawing wrong
        # counts.  (Each ``x - first`` is at most ``last - first``.)
        raise Unsupported("the bin span overflows the data's dtype")
    div_dt = np.result_type(np.empty(0, sub_dt), denom)
    mul_dt = np.result_type(np.empty(0, div_dt), n)
    first_t = torch.as_tensor(np.asarray(first, sub_dt), device=dev)
    denom_t = torch.as_tensor(
        np.asarray(denom, div_dt), device=dev
    )  # a device tensor: true division
    n_t = torch.as_tensor(np.asarray(n, mul_dt), device=dev)
    f = _op(torch.sub, x, first_t, sub_dt)
    f = _op(torch.div, f, denom_t, div_dt)
    f = _op(torch.mul, f, n_t, mul_dt)
    idx = f.to(torch.int64)  # truncation toward zero, as ``astype(np.intp)``
    idx.clamp_(0, n)
    idx[idx == n] -= 1
    idx -= (x < edges_t[idx]).to(torch.int64)
    idx += ((x >= edges_t[idx + 1]) & (idx != n - 1)).to(torch.int64)
    return idx


def _sorted_edges_indices(x: Any, edges: np.ndarray) -> tuple[Any, Any]:
    """``(indices, kept)`` for explicit edges: ``edges[j] <= x < edges[j+1]``, last bin closed."""
    torch = _torch()
    dev = x.device
    common = np.result_type(np.empty(0, numpy_dtype_of(x)), edges.dtype)
    edges_t = torch.as_tensor(edges.astype(common, copy=False), device=dev)
    xc = (x if x.dtype == edges_t.dtype else x.to(edges_t.dtype)).contiguous()
    n = len(edges) - 1
    kept = (xc >= edges_t[0]) & (xc <= edges_t[-1])
    if xc.is_floating_point():
        kept &= ~torch.isnan(xc)
    idx = torch.searchsorted(edges_t, xc, right=True) - 1
    idx.clamp_(0, n - 1)
    return idx, kept


def _bincount(idx: Any, n: int, weights: Any) -> Any:
    torch = _torch()
    if weights is None:
        return torch.bincount(idx, minlength=n)
    return torch.zeros(n, dtype=torch.int64, device=idx.device).index_add_(
        0, idx, weights.to(torch.int64)
    )


def _named_width(name: str, x: Any, dtype: np.dtype, proxy: np.ndarray) -> tuple[Any, float]:
    """The bin width of NumPy's rule ``name`` for ``x`` (kept values), and its relative error.

    ``'sqrt'``, ``'sturges'`` and ``'rice'`` are NumPy's scalar arithmetic on the
    exact range and size: exact (error 0).  The others use statistics computed
    on the device in float64, which NumPy computes in the data's dtype: the
    error is a bound on how far NumPy's width can be from this one
    (:func:`_rounding`).
    """
    torch = _torch()
    size = x.numel()
    ptp = _unsigned_subtract(proxy.max(), proxy.min())
    sqrt_w = ptp / np.sqrt(size)
    sturges_w = ptp / (np.log2(size) + 1.0)
    if name == "sqrt":
        return sqrt_w, 0.0
    if name == "sturges":
        return sturges_w, 0.0
    if name == "rice":
        return ptp / (2.0 * size ** (1.0 / 3)), 0.0
    x64 = x.to(torch.float64)
    mean = float(x64.mean())
    std = float(x64.std(correction=0))
    if name in ("scott", "doane"):
        _check_squares(dtype, size, std, max(abs(float(proxy.max())), abs(float(proxy.min()))))
    rounding = _rounding(dtype, size, mean, std)
    if name in ("fd", "auto"):
        q75, q25 = (_percentile(x, q, dtype) for q in (75, 25))
        iqr = q75 - q25
        fd_w = 2.0 * iqr * size ** (-1.0 / 3.0)
        # Each percentile is NumPy's interpolation in the data's dtype: off by
        # an ulp of the values themselves, not of their difference.
        fd_err = _EPS_64 + (_numpy_eps(dtype) * 2 * (abs(mean) + std) / iqr if iqr else 0.0)
        if name == "fd":
            return fd_w, fd_err
        if not _auto_bounds_fd_by_sqrt():
            return (min(fd_w, float(sturges_w)) if fd_w else float(sturges_w)), fd_err
        return min(max(fd_w, float(sqrt_w) / 2), float(sturges_w)), fd_err
    if name == "scott":
        return (24.0 * np.pi**0.5 / size) ** (1.0 / 3.0) * std, rounding
    # doane
    if size > 2:
        sg1 = np.sqrt(6.0 * (size - 2) / ((size + 1.0) * (size + 3)))
        if std > 0.0:
            g1 = float((((x64 - mean) / std) ** 3).mean())
            denominator = 1.0 + np.log2(size) + np.log2(1.0 + np.absolute(g1) / sg1)
            # A shift d of NumPy's mean moves the skewness by about 3 d / std
            # (``rounding`` bounds d / std), the sum of cubes by its own rounding.
            g1_err = 3 * rounding * (2 + abs(g1))
            err = g1_err / (np.log(2) * (sg1 + abs(g1)) * denominator)
            return float(ptp / denominator), float(err)
    return 0.0, 0.0


def _check_squares(dtype: np.dtype, size: int, std: float, peak: float) -> None:
    """Refuse data whose squared deviations leave the float type NumPy sums them in.

    NumPy's ``std`` sums the squares in the data's float dtype: exploding
    gradients (``|x|`` near 1e19 in float32, bfloat16 too) overflow it to
    inf, vanishing ones (near 1e-22) underflow it to zero or to subnormals
    that keep few bits; float64 here would give another width.
    """
    info = np.finfo(dtype) if dtype.kind == "f" else np.finfo(np.float64)
    reach = 2.0 * peak  # no deviation from the mean is larger
    if size * (reach * reach) > float(info.max) / 2:
        raise Unsupported("squared deviations overflow the data's float type")
    if 0.0 < std * std < 16 * float(info.tiny):
        raise Unsupported("squared deviations underflow the data's float type")


#: float64's own rounding of the statistics: a few ulps, far inside the margin.
_EPS_64 = float(np.finfo(np.float64).eps)


def _numpy_eps(dtype: np.dtype) -> float:
    """The epsilon of the float type NumPy computes statistics of ``dtype`` data in."""
    return float(np.finfo(dtype).eps) if dtype.kind == "f" else _EPS_64


def _rounding(dtype: np.dtype, size: int, mean: float, std: float) -> float:
    """A bound on the relative rounding of NumPy's mean and std of ``size`` values of ``dtype``.

    NumPy sums in the data's dtype (pairwise: error within ``eps * log2(size)``
    of the sum of magnitudes); the mean's error, relative to the std, grows
    with the offset ``|mean| / std``.  float64 data gives float64 sums.
    """
    eps = _numpy_eps(dtype)
    if eps == _EPS_64 or not std:
        return _EPS_64
    return eps * (math.log2(max(size, 2)) + 2) * (1 + abs(mean) / std)


def _percentile(x: Any, q: float, dtype: np.dtype) -> float:
    """``np.percentile(a, q)`` (linear method) from two exact order statistics, in float64.

    NumPy subtracts the two statistics in the data's dtype: for integers that
    difference wraps around on overflow (``int8`` data spanning -128..127), and
    so does it here.
    """
    torch = _torch()
    n = x.numel()
    virtual = (n - 1) * q / 100.0
    lower = math.floor(virtual)
    upper = min(lower + 1, n - 1)
    gamma = virtual - lower
    a_exact = torch.kthvalue(x, lower + 1).values.item()
    b_exact = torch.kthvalue(x, upper + 1).values.item()
    a, b = float(a_exact), float(b_exact)
    if dtype.kind in "iu":
        # Arrays, not NumPy scalars: array arithmetic wraps without a warning.
        diff = float(np.subtract(np.array([b_exact], dtype), np.array([a_exact], dtype))[0])
    else:
        diff = b - a
    return b - diff * (1 - gamma) if gamma >= 0.5 else a + diff * gamma


def _check_weights(x: Any, weights: Any) -> Any:
    if weights is None:
        return None
    torch = _torch()
    if not isinstance(weights, torch.Tensor):
        weights = torch.as_tensor(np.asarray(weights), device=x.device)
    if tuple(weights.shape) != tuple(x.shape):
        raise Unsupported("weights of another shape (NumPy raises)")
    if weights.is_floating_point() or weights.is_complex() or weights.dtype == torch.bool:
        raise Unsupported("weights of a float, complex or bool dtype")
    if weights.device != x.device:
        weights = weights.to(x.device)
    return weights.detach().reshape(-1)


def histogram_bin_edges(
    t: Any, bins: Any = 10, range: Any = None, weights: Any = None
) -> tuple[np.ndarray, tuple[Any, Any, int] | None]:
    """``np.histogram_bin_edges(to_numpy(t), bins, range, weights)`` and NumPy's uniform-bin triple.

    Returns the edges (a host array) and ``(first_edge, last_edge, n_bins)`` when the
    bins are equal-width (``bins`` an int or a named rule), else ``None``.
    """
    x = _as_data(t)
    dtype = numpy_dtype_of(t)
    if isinstance(bins, str):
        if bins not in NAMED_RULES:
            raise Unsupported(f"bins={bins!r}")
        if weights is not None:
            raise Unsupported("named rule with weights (NumPy raises)")
        if dtype == np.float16 and bins not in ("sqrt", "sturges", "rice"):
            # NumPy's statistics of float16 data are float16 arithmetic (they
            # overflow past 65504): not reproducible within the margin.
            raise Unsupported("statistics of float16 data")
        proxy = _minmax(x, dtype)
        first, last = _outer_edges(proxy, range)  # raises NumPy's errors via the checks below
        np.histogram_bin_edges(proxy, 1, range)  # NumPy's validation: same exception, same message
        if range is not None:
            keep = _keep(x, first, last, dtype)
            if not bool(keep.all()):
                x = x[keep]
                proxy = _minmax(x, dtype)
        if x.numel() == 0:
            n_bins = 1
        else:
            width, error = _named_width(bins, x, dtype, proxy)
            if width:
                if dtype.kind in "iu" and width < 1 and _integer_width_at_least_one():
                    width, error = 1, 0.0
                ratio = _unsigned_subtract(last, first) / width
                # Twice the bound: it is an estimate of NumPy's rounding, not a proof.
                margin = max(NAMED_RULE_MARGIN, 2 * error) * max(1.0, abs(ratio))
                near = abs(ratio - round(float(ratio))) <= margin
                if error and near:
                    raise Unsupported("named rule's bin count within rounding of an integer")
                n_bins = int(np.ceil(ratio))
                if n_bins < 1:
                    # NumPy 1.x: a wrapped integer IQR gives a negative width;
                    # NumPy's linspace call refuses a negative count.
                    np.linspace(first, last, n_bins + 1)
                    raise Unsupported("a named rule's bin count of 0")
            else:
                n_bins = 1
        edges = np.histogram_bin_edges(_minmax(_as_data(t), dtype), n_bins, (first, last))
        return _increasing(edges), (first, last, n_bins)
    if np.ndim(bins) == 0:
        proxy = _minmax(x, dtype)
        edges = np.histogram_bin_edges(proxy, bins, range)  # NumPy's edges, errors and all
        first, last = _outer_edges(proxy, range)
        n_bins = len(edges) - 1
        return _increasing(edges), (first, last, n_bins)
    edges = np.histogram_bin_edges(np.empty(0, dtype), np.asarray(bins), range)
    return edges, None


def _increasing(edges: np.ndarray) -> np.ndarray:
    """``edges`` of equal-width bins; :class:`Unsupported` where some are not increasing.

    NumPy 2 has raised ``"Too many bins"`` for them; NumPy 1.x counts into them
    (or fails with an ``IndexError``) as this module does not.
    """
    if np.any(edges[:-1] >= edges[1:]):
        raise Unsupported("equal-width edges that do not increase")
    return edges


def histogram(
    t: Any, bins: Any = 10, range: Any = None, weights: Any = None
) -> tuple[np.ndarray, np.ndarray]:
    """``np.histogram(to_numpy(t), bins, range, weights=...)`` computed on ``t``'s device.

    Parameters
    ----------
    t : torch.Tensor
        Data on any device, any shape (flattened, as NumPy does).
    bins, range, weights
        As for :func:`numpy.histogram`; ``weights`` (same shape as ``t``) must
        have an integer dtype.

    Returns
    -------
    counts, edges : numpy.ndarray
        Exactly NumPy's: same values, same dtypes.

    Raises
    ------
    Unsupported
        For what cannot be reproduced exactly (see the module docstring).
    ValueError, TypeError
        Where NumPy raises, with NumPy's message.
    """
    torch = _torch()
    w = _check_weights(t, weights)
    x = _as_data(t)
    dtype = numpy_dtype_of(t)
    edges, uniform = histogram_bin_edges(t, bins, range, w)
    ntype = np.dtype(np.intp) if w is None else numpy_dtype_of(w)
    if uniform is not None:
        first, last, n = uniform
        keep = _keep(x, first, last, dtype)
        if not bool(keep.all()):
            x = x[keep]
            w = w[keep] if w is not None else None
        xb = x.to(_torch_dtype(edges.dtype))
        idx = _uniform_indices(xb, edges, first, last, n) if x.numel() else x.to(torch.int64)
    else:
        if len(edges) < 2:
            raise Unsupported("fewer than two edges")
        idx, kept = _sorted_edges_indices(x, edges)
        if not bool(kept.all()):
            idx = idx[kept]
            w = w[kept] if w is not None else None
        n = len(edges) - 1
    counts = _bincount(idx, n, w).cpu().numpy().astype(ntype, copy=False)
    return counts, edges
