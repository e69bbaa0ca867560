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
import traceback
from typing import Any, BinaryIO

from torchplot._live._remote import _HEADER


def _read_exact(pipe: BinaryIO, n: int) -> bytes | None:
    data = b""
    while len(data) < n:
        chunk = pipe.read(n - len(data))
        if not chunk:
            return None
        data += chunk
    return data


def _more_waiting(fd: int) -> bool:
    if os.name == "nt":  # select() takes sockets only there: draw every frame
        return False
    return bool(select.select([fd], [], [], 0)[0])


def _answer(out: BinaryIO, *answer: Any) -> None:
    pickle.dump(answer, out, protocol=pickle.HIGHEST_PROTOCOL)
    out.flush()


class _Worker:
    def __init__(self) -> None:
        self.live: Any = None
        self.frames = 0
        self.draw_pending = False

    def config(self, kwargs: dict[str, Any], rc: dict[str, Any], path: list[str]) -> None:
        import matplotlib

        for p in path:  # the parent's sys.path: a style or font module found there
            if p not in sys.path:
                sys.path.append(p)
        matplotlib.use("Agg")
        matplotlib.rcParams.update(rc)  # type: ignore[arg-type]
        from torchplot._live._live import Live

        self.live = Live(**kwargs, process=False)

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
        if any(torch_flags):
            # The parent drew from a torch tensor (CHW, a batch as a grid):
            # the same tensor-aware imshow runs here on a CPU tensor.
            import torch

            pairs = zip(arrays, torch_flags, strict=True)
            arrays = [torch.from_numpy(a) if flag else a for a, flag in pairs]
        *data, target = arrays if has_target else [*arrays, None]
        self.live.show(name, *data, target=target, kind=kind, **style)

    def update(self) -> None:
        # At every refresh, drawn or not: the axis limits keep some history
        # (they change only when the data leaves them), so updating at the
        # parent's refreshes makes each frame the frame the parent would draw,
        # however far behind this process is.
        self.live._dash.update()

    def draw(self) -> None:
        self.live._refresh(force=True)
        self.frames += 1

    def stats(self) -> dict[str, Any]:
        dash = self.live._dash
        return {
            "frames": self.frames,
            "full_draws": dash.full_draws,
            "blits": dash.blits,
            "limits": {name: (p._xlim, p._ylim) for name, p in dash.panels.items()},
        }


def main() -> int:
    inp, out = sys.stdin.buffer, sys.stdout.buffer
    sys.stdout = sys.stderr  # stray prints must not corrupt the answer pipe
    fd = inp.fileno()
    worker = _Worker()
    failed = False
    while True:
        header = _read_exact(inp, _HEADER.size)
        if header is None:
            break  # the parent went away: write what we have
        blob = _read_exact(inp, _HEADER.unpack(header)[0])
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
            if worker.draw_pending and not _more_waiting(fd):
                worker.draw_pending = False
                worker.draw()
        except BaseException:
            failed = True
            _answer(out, "error", traceback.format_exc())
    if worker.live is not None and not failed:
        worker.live.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
