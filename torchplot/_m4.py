"""M4 line reduction on the tensor's device: the points that can change a line's pixels.

For a line whose x is monotonic, every pixel column the line crosses is drawn
from the column's first and last points (the segments into and out of it) and
its minimum and maximum (the vertical extent inside it).  Keeping those four
points per column (M4, Jugel et al., "M4: A Visualization-Oriented Time Series
Data Aggregation", VLDB 2014) draws the same polyline up to sub-pixel
differences at column boundaries, from at most ``4 * columns`` points whatever
the length of the series.

The reduction runs with torch operations on the tensor's own device; only the
kept indices' values cross to the host.
"""

from __future__ import annotations

import math
import sys
from typing import Any

__all__ = ["visible_slice", "m4_indices"]


def _torch() -> Any:
    return sys.modules["torch"]


def visible_slice(x: Any | None, n: int, x0: float, x1: float) -> tuple[int, int]:
    """``(start, stop)`` of the points in ``[x0, x1]`` plus one neighbour on each side.

    The neighbours keep the segments that enter and leave the view.  ``x`` is a
    monotonic non-decreasing 1-D tensor, or ``None`` for ``x = 0, 1, ..., n-1``.
    """
    if n == 0:
        return 0, 0
    if x is None:
        start = math.ceil(x0) - 1 if math.isfinite(x0) else 0
        stop = math.floor(x1) + 2 if math.isfinite(x1) else n
    else:
        torch = _torch()
        if not x.is_floating_point():
            # Limits beyond the dtype's range (margins around an int8 x) clamped:
            # the same points lie between them, and the tensor can hold them.
            info = torch.iinfo(x.dtype)
            x0, x1 = (min(max(v, info.min), info.max) for v in (x0, x1))
        bounds = torch.tensor([x0, x1], dtype=x.dtype, device=x.device)
        lo, hi = torch.searchsorted(x, bounds, right=False).tolist()
        hi_right = int(torch.searchsorted(x, bounds[1:], right=True))
        start, stop = lo - 1, max(hi, hi_right) + 1
    return max(0, min(start, n - 1)), max(1, min(stop, n))


def _columns(xv: Any, x0: float, scale: float, columns: int) -> Any:
    """Column of each x, ``floor((x - x0) * scale)`` clamped to ``[-1, columns]``, plus one."""
    torch = _torch()
    return ((xv.to(torch.float64) - x0) * scale).floor_().clamp_(-1, columns).to(torch.int64) + 1


def _ordered(torch: Any, ys: Any) -> Any:
    """``ys`` in a dtype that orders its values exactly and has min/max kernels.

    Only the order matters (the indices are returned, never these values), and
    it must be exact: a cast of large integers to float32 ties neighbouring
    values and loses a column's extreme (an int64 counter near 2**40 moves in
    steps of 2**17 in float32), hence the data limits.
    """
    if ys.is_floating_point():
        # float16, bfloat16, float8: every value exact in float32
        return ys if ys.dtype in (torch.float32, torch.float64) else ys.to(torch.float32)
    if ys.dtype in (torch.int8, torch.uint8, torch.int16, torch.int32, torch.int64):
        return ys
    # The other unsigned integers have no min/max kernels.
    if torch.iinfo(ys.dtype).bits == 64:
        # uint64: flipping the sign bit maps its order onto int64's exactly.
        return ys.view(torch.int64) ^ torch.iinfo(torch.int64).min
    return ys.to(torch.int64)  # uint16, uint32: exact in int64


def _bounds(torch: Any, dtype: Any) -> tuple[Any, Any]:
    """Values no element is below / above: the start of a column's min / max."""
    if dtype.is_floating_point:
        return -math.inf, math.inf
    info = torch.iinfo(dtype)
    return info.min, info.max


def m4_indices(
    x: Any | None, y: Any, start: int, stop: int, x0: float, x1: float, columns: int
) -> Any:
    """Sorted indices (into ``y``) of the first, last, minimum and maximum point of each column.

    ``[x0, x1]`` is split into ``columns`` equal columns; points of
    ``y[start:stop]`` left of ``x0`` or right of ``x1`` form one column each
    side.  Returns a 1-D int64 tensor on ``y``'s device.

    One pass over the data: ``y`` is cut into blocks of ``b ~ sqrt(points per
    column)`` points (a reshape, no copy) reduced to their min and max.  A
    block whose first and last points share a column (x is monotonic, so all
    its points do) stands for its points; a block that crosses a column
    boundary is replaced by its individual points.  The per-column reduction
    runs over these few candidates, and only the winning block of each column
    is searched for the position of its extreme.
    """
    torch = _torch()
    dev = y.device
    ys = _ordered(torch, y[start:stop])
    m = ys.numel()
    scale = columns / (x1 - x0) if x1 > x0 else 0.0
    # Per column, about L/b clean blocks plus b single points at its boundary
    # (L = points per column): b = sqrt(L) keeps the candidates fewest.
    b = max(1, math.isqrt(m // (columns + 2)))
    nb = m // b if b > 1 else 0
    i64 = torch.int64

    def col_of(local: Any) -> Any:
        xv = (local + start).to(torch.float64) if x is None else x[local + start]
        return _columns(xv, x0, scale, columns)

    # Candidates: (column, min, max, first index, last index, size); size 1 for single points.
    if nb:
        vmin, vmax = torch.aminmax(ys[: nb * b].view(nb, b), dim=1)
        first = torch.arange(nb, device=dev, dtype=i64) * b
        c_first, c_last = col_of(first), col_of(first + (b - 1))
        clean = c_first == c_last
        crossing = first[~clean]
        singles = torch.cat(
            [
                (crossing[:, None] + torch.arange(b, device=dev)[None, :]).reshape(-1),
                torch.arange(nb * b, m, device=dev, dtype=i64),  # the tail that fills no block
            ]
        )
        vals = ys[singles]
        col = torch.cat([c_first[clean], col_of(singles)])
        vmin = torch.cat([vmin[clean], vals])
        vmax = torch.cat([vmax[clean], vals])
        first = torch.cat([first[clean], singles])
        size = torch.cat([torch.full_like(first[: int(clean.sum())], b), torch.ones_like(singles)])
    else:
        first = torch.arange(m, device=dev, dtype=i64)
        col, vmin, vmax, size = col_of(first), ys, ys, torch.ones_like(first)
    last = first + size - 1
    k = columns + 2
    ncand = first.numel()
    lowest, highest = _bounds(torch, ys.dtype)
    col_min = torch.full((k,), highest, dtype=ys.dtype, device=dev)
    col_min = col_min.scatter_reduce(0, col, vmin, "amin")
    col_max = torch.full((k,), lowest, dtype=ys.dtype, device=dev)
    col_max = col_max.scatter_reduce(0, col, vmax, "amax")
    none = torch.full((k,), ncand, dtype=i64, device=dev)
    cand = torch.arange(ncand, device=dev)
    win_min = none.scatter_reduce(0, col, torch.where(vmin == col_min[col], cand, ncand), "amin")
    win_max = none.scatter_reduce(0, col, torch.where(vmax == col_max[col], cand, ncand), "amin")
    occupied = win_min < ncand
    win_min, win_max = win_min[occupied], win_max[occupied]
    keep = [
        torch.full((k,), m, dtype=i64, device=dev).scatter_reduce(0, col, first, "amin")[occupied],
        torch.full((k,), -1, dtype=i64, device=dev).scatter_reduce(0, col, last, "amax")[occupied],
    ]
    # Position of the extreme inside each winning candidate (a block or a single point).
    offsets = torch.arange(b, device=dev)
    for win, reduce in ((win_min, torch.argmin), (win_max, torch.argmax)):
        pos = first[win][:, None] + torch.minimum(offsets[None, :], size[win][:, None] - 1)
        keep.append(pos.gather(1, reduce(ys[pos], dim=1, keepdim=True)).squeeze(1))
    return torch.unique(torch.cat(keep), sorted=True) + start
