"""Drawing a headless dashboard in a child process, so the training loop never waits for it.

Why a process and not a thread: Matplotlib's drawing is Python code that
holds the GIL for tens of milliseconds per full redraw.  A drawing thread
takes the GIL whenever the training thread releases it around a kernel, and
the training thread then waits for the interpreter's switch interval (5 ms)
to get it back: measured on a small MLP, a thread that redraws every 50 steps
made the loop 2.7x slower.  A child process draws on another core instead,
and the training process only pays for sending what is new (a few hundred
float64 values per refresh).

Protocol: the parent sends length-prefixed pickled *batches of operations*
(``(verb, *args)`` tuples) over the child's stdin, in the order the parent
performed them, so the child's dashboard is built exactly like the parent's:

* ``("config", live_kwargs, rc_params, sys_path, share)``: first batch only;
* ``("metric", name)``: a metric panel is created (panel order);
* ``("rows", {name: (steps, values)}, last_step)``: host float64 arrays;
* ``("show", name, kind, arrays, torch_flags, has_target, style)``;
* ``("draw",)``: draw and write the PNG, as soon as the child's *share*
  allows (the most fraction of wall time it spends drawing and encoding,
  None: no limit); skipped when more data arrives first, so a child that
  falls behind catches up on the data and draws the newest frame rather than
  every stale one;
* ``("close",)``: final frame, PNG flushed, statistics back, exit.

The child answers on stdout with pickled ``("error", text)`` when an
operation fails (the parent then warns and goes back to drawing itself, where
the same failure raises in the caller's code) and ``("closed", stats)``.

The parent writes from a daemon thread with a queue, so a child that is slow
to start (importing Matplotlib takes ~0.5 s) never blocks ``Live.log``.
"""

from __future__ import annotations

import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
from typing import Any

__all__ = ["RemoteRenderer"]

_HEADER = struct.Struct("<Q")
_CLOSE_TIMEOUT = 120.0  # seconds to wait for the final frame at close()
_WORKER_MODULE = "torchplot._live._worker"

#: The drawing process's share of its core per unit of ``Live(budget=...)``.
#: Drawing on another core slows training only through what the cores share
#: (caches, memory bandwidth, a VM's host): on a 2-vCPU VM, a child busy 28%
#: of the time made a small MLP's loop 4-5% slower, about a sixth of its
#: share.  So 5x the budget costs the loop about what ``budget`` allows when
#: drawing in the training process (``benchmarks/bench_live.py overhead``).
SHARE_PER_BUDGET = 5.0


def _package_root() -> str:
    import torchplot

    return os.path.dirname(os.path.dirname(os.path.abspath(torchplot.__file__)))


class RemoteRenderer:
    """The parent's handle on a drawing child: ``send`` batches, ``close`` waits for the last frame.

    ``failed`` holds the reason once the child cannot draw (it could not
    start, died, or an operation raised there); later sends are dropped and
    the caller draws in its own process.
    """

    def __init__(self, config: dict[str, Any], share: float | None) -> None:
        self.failed: str | None = None
        self.stats: dict[str, Any] = {}
        self._queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self._answers: list[tuple[Any, ...]] = []
        env = dict(os.environ)
        # The child must import this torchplot, whichever sys.path found it.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_package_root(), env.get("PYTHONPATH")) if p
        )
        env["MPLBACKEND"] = "Agg"
        try:
            self._proc: subprocess.Popen[bytes] | None = subprocess.Popen(
                [sys.executable, "-m", _WORKER_MODULE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        except OSError as exc:  # no subprocesses here (a sandbox, a frozen app)
            self._proc = None
            self.failed = f"could not start the drawing process: {exc}"
            return
        import matplotlib

        rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
        self.send([("config", config, rc, [p for p in sys.path if p], share)])
        self._writer = threading.Thread(target=self._write, name="torchplot-live-send", daemon=True)
        self._reader = threading.Thread(target=self._read, name="torchplot-live-recv", daemon=True)
        self._writer.start()
        self._reader.start()

    # ---------------------------------------------------------------- threads

    def _write(self) -> None:
        assert self._proc is not None and self._proc.stdin is not None
        pipe = self._proc.stdin
        while True:
            blob = self._queue.get()
            if blob is None:
                break
            try:
                pipe.write(_HEADER.pack(len(blob)))
                pipe.write(blob)
                pipe.flush()
            except (BrokenPipeError, OSError, ValueError):
                self.failed = self.failed or "the drawing process exited"
                break
        try:
            pipe.close()
        except OSError:
            pass

    def _read(self) -> None:
        assert self._proc is not None and self._proc.stdout is not None
        pipe = self._proc.stdout
        while True:
            try:
                answer = pickle.load(pipe)
            except (EOFError, OSError, pickle.UnpicklingError):
                break
            if answer[0] == "error" and self.failed is None:
                self.failed = answer[1]
            self._answers.append(answer)
        if self.failed is None and not any(a[0] == "closed" for a in self._answers):
            self.failed = "the drawing process exited"

    # ---------------------------------------------------------------- parent API

    def send(self, ops: list[tuple[Any, ...]]) -> None:
        """Queue a batch of operations (pickled now: the caller may reuse its arrays)."""
        if self.failed is None:
            self._queue.put(pickle.dumps(ops, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        """Send ``close``, wait for the final frame to be written, collect the statistics."""
        if self._proc is None:
            return
        proc, self._proc = self._proc, None
        self.send([("close",)])
        self._queue.put(None)
        try:
            proc.wait(timeout=_CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            self.failed = self.failed or "the drawing process did not finish its last frame"
        self._writer.join()
        self._reader.join()
        for answer in self._answers:
            if answer[0] == "closed":
                self.stats = answer[1]
        if proc.stdout is not None:
            proc.stdout.close()

    def __del__(self) -> None:
        proc = getattr(self, "_proc", None)
        if proc is not None and proc.poll() is None:
            proc.kill()
