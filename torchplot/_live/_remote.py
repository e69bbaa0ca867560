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

import glob
import os
import pickle
import queue
import struct
import subprocess
import sys
import threading
import weakref
from typing import IO, Any

from torchplot._live._sinks import temporary_path

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


class _Channel:
    """What the renderer shares with its threads and finalizer: never the renderer itself.

    A thread running a bound method of the renderer would keep it alive, so an
    unclosed renderer would never be collected and its child and threads would
    outlive it until the interpreter exits.
    """

    def __init__(self) -> None:
        self.proc: subprocess.Popen[bytes] | None = None
        self.queue: queue.SimpleQueue[bytes | None] = queue.SimpleQueue()
        self.answers: list[tuple[Any, ...]] = []
        self.failed: str | None = None
        self.tmp: str | None = None  # the child's temporary PNGs (a glob), once its pid is known


def _write(channel: _Channel, pipe: IO[bytes]) -> None:
    """Writer thread: send the queued batches to ``pipe`` until ``None``, then close it."""
    while True:
        blob = channel.queue.get()
        if blob is None:
            break
        try:
            pipe.write(_HEADER.pack(len(blob)))
            pipe.write(blob)
            pipe.flush()
        except (BrokenPipeError, OSError, ValueError):
            channel.failed = channel.failed or "the drawing process exited"
            break
    try:
        pipe.close()
    except OSError:
        pass


def _read(channel: _Channel, proc: subprocess.Popen[bytes]) -> None:
    """Reader thread: collect the child's answers until it exits, then reap it."""
    assert proc.stdout is not None
    while True:
        try:
            answer = pickle.load(proc.stdout)
        except (EOFError, OSError, pickle.UnpicklingError):
            break
        if answer[0] == "error" and channel.failed is None:
            channel.failed = answer[1]
        channel.answers.append(answer)
    if channel.failed is None and not any(a[0] == "closed" for a in channel.answers):
        channel.failed = "the drawing process exited"
    proc.stdout.close()  # this thread is its only reader
    proc.wait()  # no zombie left, whoever ended the child
    if channel.tmp is not None:
        # A child killed while encoding leaves its temporary PNG behind.
        for leftover in glob.glob(channel.tmp):
            try:
                os.remove(leftover)
            except OSError:
                pass


def _abandon(channel: _Channel) -> None:
    """Finalizer of an unclosed renderer: end the writer and the child (the reader follows)."""
    channel.queue.put(None)
    proc = channel.proc
    if proc is not None and proc.poll() is None:
        # Killed, not asked to finish: its last frame could overwrite the PNG
        # of a newer dashboard on the same path (a notebook cell run again).
        proc.kill()


class RemoteRenderer:
    """The parent's handle on a drawing child: ``send`` batches, ``close`` waits for the last frame.

    ``failed`` holds the reason once the child cannot draw (it could not
    start, died, or an operation raised there); later sends are dropped and
    the caller draws in its own process.  A renderer collected without
    :meth:`close` kills its child, and its threads end.
    """

    def __init__(self, config: dict[str, Any], share: float | None) -> None:
        self.stats: dict[str, Any] = {}
        self._channel = channel = _Channel()
        env = dict(os.environ)
        # The child must import this torchplot, whichever sys.path found it.
        env["PYTHONPATH"] = os.pathsep.join(
            p for p in (_package_root(), env.get("PYTHONPATH")) if p
        )
        env["MPLBACKEND"] = "Agg"
        try:
            channel.proc = subprocess.Popen(
                [sys.executable, "-m", _WORKER_MODULE],
                stdin=subprocess.PIPE,
                stdout=subprocess.PIPE,
                env=env,
                close_fds=True,
            )
        except OSError as exc:  # no subprocesses here (a sandbox, a frozen app)
            channel.failed = f"could not start the drawing process: {exc}"
            return
        if config.get("path"):
            channel.tmp = temporary_path(config["path"], channel.proc.pid, "*")
        # Not at interpreter exit: the child then sees its stdin close and
        # writes its last frame, as it always did for a script without close().
        self._finalizer = weakref.finalize(self, _abandon, channel)
        self._finalizer.atexit = False
        import matplotlib

        rc = {k: v for k, v in matplotlib.rcParams.items() if k != "backend"}
        self.send([("config", config, rc, [p for p in sys.path if p], share)])
        # The threads get the child's pipes here: close() may run before they start.
        self._writer = threading.Thread(
            target=_write,
            args=(channel, channel.proc.stdin),
            name="torchplot-live-send",
            daemon=True,
        )
        self._reader = threading.Thread(
            target=_read, args=(channel, channel.proc), name="torchplot-live-recv", daemon=True
        )
        self._writer.start()
        self._reader.start()

    @property
    def failed(self) -> str | None:
        """Why the child cannot draw, or None."""
        return self._channel.failed

    # ---------------------------------------------------------------- parent API

    def send(self, ops: list[tuple[Any, ...]]) -> None:
        """Queue a batch of operations (pickled now: the caller may reuse its arrays)."""
        if self._channel.failed is None:
            self._channel.queue.put(pickle.dumps(ops, protocol=pickle.HIGHEST_PROTOCOL))

    def close(self) -> None:
        """Send ``close``, wait for the final frame to be written, collect the statistics."""
        channel = self._channel
        if channel.proc is None:
            return
        self._finalizer.detach()
        proc, channel.proc = channel.proc, None
        self.send([("close",)])
        channel.queue.put(None)
        try:
            proc.wait(timeout=_CLOSE_TIMEOUT)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            channel.failed = channel.failed or "the drawing process did not finish its last frame"
        self._writer.join()
        self._reader.join()
        for answer in channel.answers:
            if answer[0] == "closed":
                self.stats = answer[1]
