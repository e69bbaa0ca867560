"""The drawing process of a headless :class:`torchplot.Live` (see :mod:`._remote`).

Run as ``python -m torchplot._live._worker``; reads operation batches on
stdin, draws with the same :class:`~torchplot._live._live.Live` code the
parent would run (so frames are identical), writes the PNG atomically.
"""

from __future__ import annotations

import os
import pickle
import select
import sys
import time
import traceback
import warnings
from typing import Any, BinaryIO

import numpy as np

from torchplot._live._remote import _HEADER


def _read_exact(fd: int, n: int) -> bytes | None:
    # os.read on the descriptor, not sys.stdin.buffer: a buffered reader may
    # hold bytes that select() cannot see, and _wait_for_input relies on it.
    parts, left = [], n
    while left:
        chunk = os.read(fd, min(left, 1 << 20))
        if not chunk:
            return None
        parts.append(chunk)
        left -= len(chunk)
    return b"".join(parts)


def _wait_for_input(fd: int, timeout: float) -> bool:
    """Whether input is waiting, or arrives within ``timeout`` seconds."""
    if os.name == "nt":  # select() takes sockets only there
        time.sleep(timeout)
        return False
    return bool(select.select([fd], [], [], timeout)[0])


def _lower_priority() -> None:
    # Where training takes every core, drawing gets only what training leaves.
    try:
        os.nice(10)
    except (AttributeError, OSError):  # Windows; or a sandbox that forbids it
        pass


def _answer(out: BinaryIO, *answer: Any) -> None:
    pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


def _tensor(a: Any) -> Any:
    """The CPU tensor of a host array the parent made from a tensor (the parent's own kind).

    A masked array came from a ``MaskedTensor``: made one again, so that the
    values it hides stay hidden (``torch.from_numpy`` drops the mask).
    """
    import torch

    if not isinstance(a, np.ma.MaskedArray):
        return torch.from_numpy(a)
    from torch.masked import MaskedTensor

    data, hidden = np.ma.getdata(a), np.ma.getmaskarray(a)
    return MaskedTensor(torch.from_numpy(data), torch.from_numpy(~hidden))


class _Worker:
    def __init__(self) -> None:
        self.live: Any = None
        self.frames = 0
        self.draw_pending = False
        # The share as a token bucket: drawing and encoding spend seconds of
        # credit, which accrues at ``share`` per second of wall time, up to
        # the cost of the dearest frame so far: idle time buys at most one
        # frame, so bursts stay bounded too.
        self.share: float | None = None
        self.credit = 0.0
        self.credit_cap = 0.0
        self.credit_at: float | None = None  # None: before the first frame (setup, free)
        self.first_at = 0.0
        self.cost: dict[bool, float] = {}  # the last frame's drawing seconds, full or blitted
        self.encoding_charged = 0.0
        self.drawing = 0.0  # seconds spent drawing frames after the first

    def config(
        self, kwargs: dict[str, Any], rc: dict[str, Any], path: list[str], share: float | None
    ) -> None:
        import matplotlib

        for p in path:  # the parent's sys.path: a style or font module found there
            if p not in sys.path:
                sys.path.append(p)
        matplotlib.use("Agg")
        matplotlib.rcParams.update(rc)  # type: ignore[arg-type, unused-ignore]
        from torchplot._live._live import Live

        self.live = Live(**kwargs, process=False)
        self.share = share

    def metric(self, name: str) -> None:
        self.live._metric_panel(name)

    def rows(self, by_name: dict[str, tuple[Any, Any]], last_step: float) -> None:
        for name, (steps, values) in by_name.items():
            self.live._metric_panel(name).ingest(name, steps, values)
        self.live._last_step = last_step

    def show(
        self,
        name: str,
        kind: str,
        arrays: list[Any],
        torch_flags: list[bool],
        has_target: bool,
        style: dict[str, Any],
    ) -> None:
        with warnings.catch_warnings():
            # The parent's own show gave its warnings (a MaskedTensor's
            # "prototype stage" one, made again here): this process, whose
            # stderr is the parent's, would only repeat them.
            warnings.simplefilter("ignore")
            if any(torch_flags):
                # The parent drew from a torch tensor (CHW, a batch as a grid):
                # the same tensor-aware imshow runs here on a CPU tensor.
                pairs = zip(arrays, torch_flags, strict=True)
                arrays = [_tensor(a) if flag else a for a, flag in pairs]
            *data, target = arrays if has_target else [*arrays, None]
            self.live.show(name, *data, target=target, kind=kind, **style)

    def update(self) -> None:
        # At every refresh, drawn or not: the axis limits keep some history
        # (they change only when the data leaves them), so updating at the
        # parent's refreshes makes each frame the frame the parent would draw,
        # however far behind this process is.
        self.live._dash.update()

    def _accrue(self) -> None:
        assert self.share is not None and self.credit_at is not None
        now = time.perf_counter()
        png = self.live._png
        encoding, self.encoding_charged = png.encoding - self.encoding_charged, png.encoding
        self.credit = min(
            self.credit_cap, self.credit + self.share * (now - self.credit_at) - encoding
        )
        self.credit_at = now

    def wait_before_draw(self) -> float:
        """Seconds until the pending frame fits the drawing share (0: now)."""
        if self.share is None or self.credit_at is None:
            return 0.0
        frame = self.cost.get(self.live._dash.full_pending, 0.0) + self.live._png.last_encoding
        # The cap must hold the frame: its encoding is known only after the
        # frame was drawn (the sink encodes on a thread), and a cap below the
        # frame's cost would never let it be drawn.
        self.credit_cap = max(self.credit_cap, frame)
        self._accrue()
        return max(0.0, (frame - self.credit) / self.share)

    def draw(self) -> None:
        full = self.live._dash.full_pending
        start = time.perf_counter()
        self.live._refresh(force=True)
        spent = time.perf_counter() - start
        self.cost[full] = spent
        self.draw_pending = False
        self.frames += 1
        if self.share is None:
            return
        self.credit_cap = max(self.credit_cap, spent + self.live._png.last_encoding)
        if self.credit_at is None:
            self.credit_at = self.first_at = start + spent  # the first frame is setup: free
            return
        self._accrue()
        self.credit -= spent
        self.drawing += spent

    def stats(self) -> dict[str, Any]:
        dash = self.live._dash
        return {
            "frames": self.frames,
            "full_draws": dash.full_draws,
            "blits": dash.blits,
            "limits": {name: (p._xlim, p._ylim) for name, p in dash.panels.items()},
            # The share's bookkeeping (None without one), for the tests.
            "share": self.share,
            "busy": self.drawing + self.live._png.encoding,
            "elapsed": None if self.credit_at is None else time.perf_counter() - self.first_at,
            "credit_cap": self.credit_cap,
        }


def main() -> int:
    fd, out = sys.stdin.fileno(), sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the answer pipe
    _lower_priority()
    worker = _Worker()
    failed = False
    while True:
        if worker.draw_pending and not failed:
            # Data that arrives while the share does not yet allow the frame is
            # read first, so the frame drawn is the newest.  Once it allows it,
            # the frame is drawn even if more data is waiting: under frequent
            # refreshes the pipe is never quiet, and a child that waited for
            # quiet would never draw.  Without a share, a child that falls
            # behind catches up on the data before it draws.
            try:
                wait = worker.wait_before_draw()
                catch_up = wait > 0 or worker.share is None
                if not (catch_up and _wait_for_input(fd, wait)):
                    worker.draw()
                    continue
            except BaseException:
                failed = True
                _answer(out, "error", traceback.format_exc())
        header = _read_exact(fd, _HEADER.size)
        if header is None:
            break  # the parent went away: write what we have
        blob = _read_exact(fd, _HEADER.unpack(header)[0])
        if blob is None:
            break
        if failed:
            continue  # drain until the parent notices and closes
        ops = pickle.loads(blob)
        try:
            for verb, *args in ops:
                if verb == "close":
                    worker.live.close()
                    _answer(out, "closed", worker.stats())
                    return 0
                if verb == "draw":
                    worker.update()
                    worker.draw_pending = True
                else:
                    getattr(worker, verb)(*args)
        except BaseException:
            failed = True
            _answer(out, "error", traceback.format_exc())
    if worker.live is not None and not failed:
        worker.live.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
