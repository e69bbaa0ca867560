"""Bounded history of one logged series: what is drawn, and what is kept for export.

A training run can log millions of steps; a live plot must neither grow in
memory nor get slower as it does.  Two stores split the job:

:class:`ReducedSeries` (what is *drawn*)
    The most recent ``window`` to ``2 * window`` points at full resolution,
    and everything older folded into at most ``buckets`` min/max buckets: each
    bucket keeps the point where the series was lowest and the point where it
    was highest, so spikes stay visible however far they scroll into the past.
    When the buckets are full, neighbours are merged pairwise and the bucket
    width doubles (a multi-level decimation), so the display never holds more
    than ``2 * window + 2 * buckets + 2`` points: memory and drawing cost are
    the same after 10^6 steps as after 10^4.

:class:`SpillStore` (what is *exported*)
    Every logged point, appended as ``(step, value)`` float64 records to one
    file per metric on disk, in a directory of the store's own.  The process
    keeps only open file handles, so memory is flat however long the run;
    :meth:`SpillStore.read` returns the full series as arrays and
    :meth:`SpillStore.to_csv` streams it to CSV in fixed-size chunks.

Non-finite values are stored as logged (NaN and +-inf stay in the export) and
drawn as NaN, i.e. a gap in the line.
"""

from __future__ import annotations

import os
import shutil
import tempfile
import weakref
from typing import IO

import numpy as np

__all__ = ["ReducedSeries", "SpillStore", "extremes"]

_RECORD = np.dtype([("step", "<f8"), ("value", "<f8")])


def extremes(x: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Per row of ``(n, k)`` arrays: ``(x_of_min, min, x_of_max, max)`` over the finite values.

    A row without any finite value gives NaN extremes (a gap), at the row's
    first ``x``.
    """
    finite = np.isfinite(y)
    rows = np.arange(len(y))
    lo = np.where(finite, y, np.inf)
    hi = np.where(finite, y, -np.inf)
    i_lo = lo.argmin(axis=1)
    i_hi = hi.argmax(axis=1)
    y_lo = lo[rows, i_lo]
    y_hi = hi[rows, i_hi]
    empty = ~np.isfinite(y_lo)
    y_lo[empty] = np.nan
    y_hi[empty] = np.nan
    return x[rows, i_lo], y_lo, x[rows, i_hi], y_hi


class ReducedSeries:
    """The drawn part of one series: recent points exact, older ones as min/max buckets.

    Parameters
    ----------
    window : int
        At least this many of the most recent points are kept exactly (at most
        twice as many: the oldest half is folded in one batch, which keeps
        appending amortised O(1)).
    buckets : int
        Most min/max buckets kept for older points (even; each draws as two points).
    """

    def __init__(self, window: int = 2000, buckets: int = 1000) -> None:
        if window < 1 or buckets < 2:
            raise ValueError(f"window must be >= 1 and buckets >= 2, got {window} and {buckets}")
        self.window = int(window)
        self.capacity = int(buckets) + int(buckets) % 2
        self._x = np.empty(2 * self.window)
        self._y = np.empty(2 * self.window)
        self._n = 0
        # Buckets: columns x_of_min, min, x_of_max, max.
        self._b = np.empty((self.capacity, 4))
        self._nb = 0
        self._width = 1  # points per bucket
        # The bucket being filled: its extremes and how many points it holds.
        self._partial = np.empty(4)
        self._np = 0
        self.reduced = False  # has any point left the exact window?

    def __len__(self) -> int:
        """How many points :meth:`display` returns."""
        return 2 * self._nb + (2 if self._np else 0) + self._n

    @property
    def last_x(self) -> float | None:
        """The step of the most recent point, or None when empty."""
        if self._n:
            return float(self._x[self._n - 1])
        if self._np:
            return float(max(self._partial[0], self._partial[2]))
        if self._nb:
            return float(self._b[self._nb - 1, [0, 2]].max())
        return None

    def extend(self, x: np.ndarray, y: np.ndarray) -> None:
        """Append points (``x`` non-decreasing and not before :attr:`last_x`)."""
        m = len(x)
        if m == 0:
            return
        if self._n + m > len(self._x):
            # Fold everything but the newest `window` points, then compact.
            keep = self.window
            n_old = self._n + m - keep
            from_buf = min(n_old, self._n)
            if from_buf:
                self._fold(self._x[:from_buf], self._y[:from_buf])
            if n_old > from_buf:
                k = n_old - from_buf
                self._fold(np.asarray(x[:k], float), np.asarray(y[:k], float))
                x, y = x[k:], y[k:]
            rest = self._n - from_buf
            self._x[:rest] = self._x[from_buf : self._n]
            self._y[:rest] = self._y[from_buf : self._n]
            self._n = rest
            m = len(x)
        self._x[self._n : self._n + m] = x
        self._y[self._n : self._n + m] = y
        self._n += m

    def truncate(self, step: float) -> None:
        """Drop every point at ``step`` or later (a resumed run starting again at ``step``).

        Exact points are cut precisely; a bucket reaching ``step`` is dropped whole.
        """
        if self._n and self._x[0] < step:
            self._n = int(np.searchsorted(self._x[: self._n], step, side="left"))
            return
        self._n = 0
        if self._np and max(self._partial[0], self._partial[2]) >= step:
            self._np = 0
        if self._np:
            return
        ends = np.maximum(self._b[: self._nb, 0], self._b[: self._nb, 2])
        self._nb = int(np.searchsorted(ends, step, side="left"))

    def display(self) -> tuple[np.ndarray, np.ndarray]:
        """Fresh ``(x, y)`` arrays to draw: bucket extremes in step order, then the exact window."""
        parts_x, parts_y = [], []
        if self._nb or self._np:
            b = self._b[: self._nb]
            if self._np:
                b = np.vstack([b, self._partial[None]])
            first_is_min = b[:, 0] <= b[:, 2]
            bx = np.empty((len(b), 2))
            by = np.empty((len(b), 2))
            bx[:, 0] = np.where(first_is_min, b[:, 0], b[:, 2])
            bx[:, 1] = np.where(first_is_min, b[:, 2], b[:, 0])
            by[:, 0] = np.where(first_is_min, b[:, 1], b[:, 3])
            by[:, 1] = np.where(first_is_min, b[:, 3], b[:, 1])
            parts_x.append(bx.ravel())
            parts_y.append(by.ravel())
        parts_x.append(self._x[: self._n])
        parts_y.append(self._y[: self._n])
        x = np.concatenate(parts_x)
        y = np.concatenate(parts_y)
        y[~np.isfinite(y)] = np.nan  # +-inf too: a gap, never an infinite limit
        return x, y

    def nbytes(self) -> int:
        """Bytes held (constant after construction)."""
        return self._x.nbytes + self._y.nbytes + self._b.nbytes + self._partial.nbytes

    # ------------------------------------------------------------------ folding

    def _fold(self, x: np.ndarray, y: np.ndarray) -> None:
        self.reduced = True
        i, m = 0, len(x)
        while i < m:
            w = self._width
            if self._np or m - i < w:
                take = min(w - self._np, m - i)
                self._add_partial(x[i : i + take], y[i : i + take])
                i += take
                if self._np >= w:
                    self._push(self._partial[None].copy())
                    self._np = 0
                continue
            n = min(self.capacity - self._nb, (m - i) // w)
            xs = x[i : i + n * w].reshape(n, w)
            ys = y[i : i + n * w].reshape(n, w)
            self._push(np.column_stack(extremes(xs, ys)))
            i += n * w

    def _add_partial(self, x: np.ndarray, y: np.ndarray) -> None:
        new = np.array(extremes(x[None], y[None]))[:, 0]
        if self._np:
            new = self._merge(np.vstack([self._partial, new]))[0]
        self._partial[:] = new
        self._np += len(x)

    @staticmethod
    def _merge(rows: np.ndarray) -> np.ndarray:
        """Merge consecutive pairs of bucket rows ``(2k, 4) -> (k, 4)``."""
        pairs = rows.reshape(-1, 2, 4)
        x_lo, y_lo, _, _ = extremes(pairs[:, :, 0], pairs[:, :, 1])
        _, _, x_hi, y_hi = extremes(pairs[:, :, 2], pairs[:, :, 3])
        return np.column_stack([x_lo, y_lo, x_hi, y_hi])

    def _push(self, rows: np.ndarray) -> None:
        self._b[self._nb : self._nb + len(rows)] = rows
        self._nb += len(rows)
        if self._nb == self.capacity:
            half = self.capacity // 2
            self._b[:half] = self._merge(self._b[: self.capacity])
            self._nb = half
            self._width *= 2


class SpillStore:
    """Every logged ``(step, value)`` of every metric, on disk, for export.

    Parameters
    ----------
    directory : str or os.PathLike or None
        Where the per-metric files go: in a fresh subdirectory ``live-XXXXXXXX``
        of it (created, and kept), so that stores given the same directory (two
        dashboards of one run, a run started again) never write the same
        files.  None: a private temporary directory, deleted when this store is
        garbage-collected or the process exits.
    """

    def __init__(self, directory: str | os.PathLike[str] | None = None) -> None:
        if directory is None:
            self.directory = tempfile.mkdtemp(prefix="torchplot-live-")
            # Not kept: a finalizer stays alive on its own until it runs, and
            # ``close`` must leave the files readable for export.
            weakref.finalize(self, shutil.rmtree, self.directory, True)
        else:
            os.makedirs(directory, exist_ok=True)
            # The files are opened "wb": in a shared directory, the next store
            # would truncate this one's.
            self.directory = tempfile.mkdtemp(prefix="live-", dir=directory)
        self._files: dict[str, tuple[str, IO[bytes]]] = {}

    def _file(self, name: str) -> tuple[str, IO[bytes]]:
        entry = self._files.get(name)
        if entry is None:
            safe = "".join(c if c.isalnum() or c in "-_." else "_" for c in name)
            path = os.path.join(self.directory, f"{len(self._files):03d}-{safe}.f8")
            entry = self._files[name] = (path, open(path, "wb"))
        return entry

    def append(self, name: str, steps: np.ndarray, values: np.ndarray) -> None:
        """Append points of metric ``name``."""
        rec = np.empty(len(steps), _RECORD)
        rec["step"] = steps
        rec["value"] = values
        _, fh = self._file(name)
        rec.tofile(fh)

    @property
    def names(self) -> list[str]:
        """Metric names in the order they were first stored."""
        return list(self._files)

    def read(self, name: str) -> tuple[np.ndarray, np.ndarray]:
        """``(steps, values)``: every point of ``name`` in logging order, as float64 arrays."""
        if name not in self._files:
            raise KeyError(f"no metric named {name!r} was logged; logged: {self.names}")
        path, fh = self._files[name]
        if not fh.closed:
            fh.flush()
        rec = np.fromfile(path, _RECORD)
        return rec["step"].copy(), rec["value"].copy()

    def to_csv(self, path: str | os.PathLike[str], chunk: int = 1 << 16) -> None:
        """Write ``metric,step,value`` rows (one per logged point) to ``path``, in chunks."""
        for _, fh in self._files.values():
            if not fh.closed:
                fh.flush()
        with open(path, "w", encoding="utf-8", newline="") as out:
            out.write("metric,step,value\n")
            for name, (src, _) in self._files.items():
                if not os.path.getsize(src):
                    continue  # np.memmap refuses empty files
                rec = np.memmap(src, _RECORD, mode="r")
                quoted = (
                    '"' + name.replace('"', '""') + '"' if any(c in name for c in ',"\n') else name
                )
                for start in range(0, len(rec), chunk):
                    part = rec[start : start + chunk]
                    # Integral steps are written as integers, values as
                    # repr (round-trips float64 exactly; nan/inf as such).
                    steps = part["step"].tolist()
                    values = part["value"].tolist()
                    lines = [
                        f"{quoted},{int(s) if s.is_integer() else repr(s)},{v!r}\n"
                        for s, v in zip(steps, values, strict=True)
                    ]
                    out.writelines(lines)
                del rec

    def close(self) -> None:
        """Close the files (they stay readable); idempotent."""
        for _, fh in self._files.values():
            fh.close()
