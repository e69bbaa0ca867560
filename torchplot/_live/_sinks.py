"""Where a live dashboard's frames go: a PNG file, a Jupyter output, a gallery.

* :class:`PngSink` rewrites one PNG per refresh *atomically*: the frame is
  encoded to a temporary file in the same directory, then ``os.replace``\\ d
  over the target, so a reader (an image viewer, a web page, a crash) only
  ever sees a complete PNG.  Encoding runs on one background thread (Pillow
  releases the GIL while compressing); the training loop pays only for a copy
  of the pixel buffer.  If frames arrive faster than they are written, only
  the newest is kept.
* :class:`NotebookSink` shows the frame in one Jupyter output, created once
  with ``display(..., display_id=True)`` and updated in place afterwards.
* :class:`GallerySink` adds snapshots of the figure to any object with a
  ``add(fig, caption=..., group=..., step=...)`` method, such as
  ``torchplot.Gallery``.
"""

from __future__ import annotations

import atexit
import inspect
import io
import itertools
import os
import threading
import time
import warnings
import weakref
from typing import Any

import numpy as np

__all__ = ["GallerySink", "NotebookSink", "PngSink", "encode_png"]


def encode_png(rgba: np.ndarray, target: Any, opaque: bool = False) -> None:
    """Write an ``(h, w, 4)`` uint8 frame as PNG to a path or binary file object.

    ``opaque``: every pixel's alpha is 255 (a figure with an opaque
    background), so the PNG is written as RGB: the same image, a quarter less
    to filter and compress (~30% faster).  Level 1 compression: a dashboard
    frame is mostly flat colour, so it is already small, and level 6 costs
    several times as long.
    """
    from PIL import Image  # Matplotlib's own dependency; imported on first frame

    image = Image.fromarray(rgba, "RGBA")
    if opaque:
        image = image.convert("RGB")
    image.save(target, format="png", compress_level=1)


#: Numbers the sinks of this process: two dashboards writing one path (a
#: notebook cell run again while the old one is not collected yet) must not
#: encode into one temporary file.
_SINKS = itertools.count()


def temporary_path(path: str, pid: int, serial: int | str) -> str:
    """The temporary file that sink ``serial`` of process ``pid`` encodes a frame of ``path`` into.

    ``serial="*"`` gives the glob pattern of all of that process's.
    """
    directory = os.path.dirname(os.path.abspath(path))
    return os.path.join(directory, f".{os.path.basename(path)}.{pid}.{serial}.tmp")


class _Frames:
    """What a :class:`PngSink` shares with its thread and finalizer: never the sink itself.

    A thread running a bound method of the sink would keep it alive, so an
    unclosed sink would never be collected and its thread would wait until
    the interpreter exits.
    """

    def __init__(self, path: str) -> None:
        self.path = path
        self.pid = os.getpid()
        self.tmp = temporary_path(path, self.pid, next(_SINKS))
        self.cond = threading.Condition()
        self.frame: np.ndarray | None = None
        self.opaque = False
        self.busy = False
        self.stop = False
        self.written = 0
        self.encoding = 0.0
        self.last_encoding = 0.0
        self.error: BaseException | None = None


def _encode_frames(frames: _Frames) -> None:
    """The sink's thread: write each newest frame until stopped (a pending frame is written)."""
    while True:
        with frames.cond:
            while frames.frame is None and not frames.stop:
                frames.cond.wait()
            if frames.frame is None:
                return
            frame, frames.frame = frames.frame, None
            opaque = frames.opaque
            frames.busy = True
        try:
            _write_frame(frames, frame, opaque)
        except BaseException as exc:  # reported by flush(); the last good PNG stays
            frames.error = exc
        finally:
            del frame  # don't hold a frame while waiting for the next one
            with frames.cond:
                frames.busy = False
                frames.cond.notify_all()


def _write_frame(frames: _Frames, frame: np.ndarray, opaque: bool) -> None:
    start = time.perf_counter()
    with open(frames.tmp, "wb") as fh:
        encode_png(frame, fh, opaque)
        fh.flush()
        os.fsync(fh.fileno())
    os.replace(frames.tmp, frames.path)
    frames.written += 1
    frames.last_encoding = time.perf_counter() - start
    frames.encoding += frames.last_encoding


def _stop_encoding(frames: _Frames) -> None:
    with frames.cond:
        frames.stop = True
        frames.cond.notify_all()


#: The frames of the sinks whose thread runs.  A script that ends without
#: ``Live.close()`` must not lose the frame being encoded: the interpreter
#: stops daemon threads wherever they are, which left the PNG a refresh behind
#: and a 0-byte temporary file beside it.
_ENCODING: weakref.WeakSet[_Frames] = weakref.WeakSet()
#: How long the interpreter's exit waits for the sinks' last frames, in all.
_EXIT_TIMEOUT = 30.0


def _finish_at_exit() -> None:
    """Let every running sink write its pending frame before the interpreter stops its thread.

    The threads are not stopped: an exit handler registered before the first
    ``Live`` runs after this one, and may still close a dashboard.
    """
    deadline = time.monotonic() + _EXIT_TIMEOUT
    pid = os.getpid()
    for frames in list(_ENCODING):
        if frames.pid != pid:
            continue  # a forked child's copy: its thread (and maybe its lock) stayed in the parent
        with frames.cond:
            while frames.frame is not None or frames.busy:
                left = deadline - time.monotonic()
                if left <= 0:
                    return
                frames.cond.wait(left)


atexit.register(_finish_at_exit)


class PngSink:
    """Atomically rewrite ``path`` with each frame, encoding on a background thread.

    A sink collected without :meth:`close`, or still open when the interpreter
    exits, writes its pending frame, and its thread ends.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.path = os.fspath(path)
        os.makedirs(os.path.dirname(os.path.abspath(self.path)), exist_ok=True)
        self._frames = frames = _Frames(self.path)
        self._stop = weakref.finalize(self, _stop_encoding, frames)
        self._thread = threading.Thread(
            target=_encode_frames, args=(frames,), name="torchplot-live-png", daemon=True
        )
        self._thread.start()
        _ENCODING.add(frames)

    @property
    def written(self) -> int:
        """Frames written so far."""
        return self._frames.written

    @property
    def encoding(self) -> float:
        """Seconds spent encoding and writing, all frames."""
        return self._frames.encoding

    @property
    def last_encoding(self) -> float:
        """Seconds spent encoding and writing the last frame."""
        return self._frames.last_encoding

    def submit(self, rgba: np.ndarray, opaque: bool = False) -> None:
        """Queue ``rgba`` (owned by the sink from now on) as the next frame to write.

        ``opaque``: see :func:`encode_png`.
        """
        frames = self._frames
        with frames.cond:
            frames.frame, frames.opaque = rgba, opaque
            frames.cond.notify()

    def flush(self) -> None:
        """Wait until every submitted frame is on disk; warn if a write failed."""
        frames = self._frames
        with frames.cond:
            # A thread the interpreter stopped at exit writes nothing more.
            while (frames.frame is not None or frames.busy) and self._thread.is_alive():
                frames.cond.wait(0.1)
        if frames.error is not None:
            err, frames.error = frames.error, None
            warnings.warn(
                f"torchplot.Live could not write {self.path!r}: {err}", RuntimeWarning, stacklevel=3
            )

    def close(self) -> None:
        """Write the pending frame, then stop the thread; idempotent."""
        self.flush()
        self._stop()
        self._thread.join()
        _ENCODING.discard(self._frames)


class NotebookSink:
    """One Jupyter output, created at the first frame and updated in place at the next ones."""

    def __init__(self) -> None:
        self._handle: Any = None

    def submit(self, rgba: np.ndarray, opaque: bool = False) -> None:
        """Show ``rgba`` in this dashboard's output (``opaque``: see :func:`encode_png`)."""
        from IPython.display import Image, display  # only used where IPython runs

        buf = io.BytesIO()
        encode_png(rgba, buf, opaque)
        image = Image(data=buf.getvalue(), format="png")
        if self._handle is None:
            self._handle = display(image, display_id=True)
        else:
            self._handle.update(image)


class GallerySink:
    """Snapshots to a gallery: ``gallery.add(fig, caption=..., group=..., step=...)``.

    Any object with such an ``add`` method works (duck typing), so torchplot
    need not import the gallery module to feed it.
    """

    def __init__(self, gallery: Any, group: str, every: int) -> None:
        if not callable(getattr(gallery, "add", None)):
            raise TypeError(
                f"Live(gallery=...) needs an object with an add(fig, caption=, group=, step=) "
                f"method, such as torchplot.Gallery(); got {type(gallery).__name__}"
            )
        if every < 1:
            raise ValueError(f"Live(gallery_every=...) must be >= 1, got {every}")
        self.gallery = gallery
        self.group = group
        self.every = every
        self._refreshes = 0
        self._last_step: float | None = None
        # The dashboard goes on drawing on the figure after a snapshot:
        # torchplot.Gallery.add closes what it saves unless told not to.
        self._keep_open = {"close": False} if _takes_keyword(gallery.add, "close") else {}

    def refreshed(self, fig: Any, step: float | None, final: bool = False) -> None:
        """Called after each refresh; adds a snapshot every ``every`` refreshes and at the end."""
        self._refreshes += 1
        if step is None or step == self._last_step:
            return
        if final or self._refreshes % self.every == 0:
            label = int(step) if float(step).is_integer() else step
            self.gallery.add(
                fig,
                caption=f"{self.group} at step {label}",
                group=self.group,
                step=label,
                **self._keep_open,
            )
            self._last_step = step


def _takes_keyword(func: Any, name: str) -> bool:
    """Whether ``func`` accepts the keyword argument ``name``."""
    try:
        params = inspect.signature(func).parameters.values()
    except (TypeError, ValueError):
        return False
    return any(
        (p.name == name and p.kind in (p.KEYWORD_ONLY, p.POSITIONAL_OR_KEYWORD))
        or p.kind is p.VAR_KEYWORD
        for p in params
    )
