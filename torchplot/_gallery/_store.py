"""On-disk layout of a gallery folder: the journal, the marker, atomic views.

Layout
------
::

    DIR/
      entries.jsonl   the journal: one JSON object a line, append-only
      index.json      view: every figure in page order (rewritten atomically)
      index.html      view: the page (rewritten atomically)
      images/         the figure files, ``000001-<group>.png`` (and .svg/.pdf)

Why a journal plus views
------------------------
``index.json`` and ``index.html`` must be complete documents, so keeping them
current means rewriting them; doing that after every figure costs O(n) per
figure and O(n**2) for a run (10,000 figures: 50 million entry renderings).
The journal is the durable record instead: each figure costs one appended
line, written only after its image files are on disk, so a crash loses no
earlier figure.  The views are derived from it, written to a temporary file in
the same folder and moved into place with :func:`os.replace` (atomic), so a
crash mid-write leaves the last good view.  :class:`RefreshPolicy` decides when
the views are rebuilt so that their total cost stays linear in the number of
figures; closing the gallery always rebuilds them.

The first journal line is a header carrying :data:`MARKER`; a non-empty folder
without it is not a torchplot gallery and is refused, never overwritten.  So
the journal is never deleted: a gallery that is replaced gets a new one in a
single :func:`os.replace` (see :func:`open_journal`), and files
someone else put into the folder do not make it foreign.  A figure record
with ``"replaces": true`` stands for the earlier record of the same id (a
figure saved again after it changed).

One writer at a time
--------------------
Two writers would pick the same file names and overwrite each other's
images, so a writer holds an exclusive lock on the folder (:func:`lock_folder`,
:func:`fcntl.flock`, released when it closes or its process ends) and a second
one is refused with :class:`GalleryInUseError`.  Where folders cannot be
locked (no :mod:`fcntl`, some network file systems), image files are still
created exclusively (:func:`claim`): an image is never overwritten, whoever
made it.  ``python -m torchplot gallery`` locks the folder once for its whole
run and passes the lock to each script's process (:func:`adopt_lock`).
"""

from __future__ import annotations

import json
import os
import tempfile
import time
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

try:
    import fcntl
except ImportError:  # pragma: no cover - Windows
    fcntl = None  # type: ignore[assignment]

__all__ = [
    "MARKER",
    "VERSION",
    "JOURNAL",
    "IMAGES",
    "GalleryInUseError",
    "NotAGalleryError",
    "RefreshPolicy",
    "adopt_lock",
    "claim",
    "lock_folder",
    "open_journal",
    "read_journal",
    "remove_recorded_files",
    "unlock_folder",
    "utf8_text",
    "write_atomic",
]

#: Key present (with the format version as value) in the journal header and index.json.
MARKER = "torchplot_gallery"
VERSION = 1
JOURNAL = "entries.jsonl"
IMAGES = "images"
VIEWS = ("index.json", "index.html")


class NotAGalleryError(FileExistsError):
    """A folder exists that :class:`torchplot.Gallery` did not write; it is left untouched."""


class GalleryInUseError(BlockingIOError):
    """Another :class:`torchplot.Gallery` (in this or another process) is writing to the folder."""


def _refuse(path: Path, why: str) -> NotAGalleryError:
    return NotAGalleryError(
        f"Gallery({str(path)!r}): {why}; refusing to write into it so nothing there is "
        "overwritten. Fix: pass a new or empty folder (or the folder of an existing "
        "torchplot gallery to append to it)."
    )


#: Lock descriptors held by this process, closed in forked children (see below).
_HELD: set[int] = set()
#: Lock descriptors a parent process passed down (:func:`adopt_lock`), likewise.
_ADOPTED: set[int] = set()


def _drop_inherited_locks() -> None:
    # A forked child (a DataLoader worker) gets copies of the lock
    # descriptors, and a flock lock lasts while any copy is open: the
    # workers would keep the folder locked after the gallery is closed.
    # Closing the copies leaves the parent's lock as it is.
    for fd in _HELD | _ADOPTED:
        try:
            os.close(fd)
        except OSError:
            pass
    _HELD.clear()
    _ADOPTED.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_drop_inherited_locks)


def lock_folder(path: Path) -> int | None:
    """Create the folder ``path`` if needed and lock it for one writer.

    Returns
    -------
    int or None
        The descriptor holding the lock, for :func:`unlock_folder`; ``None``
        where folders cannot be locked (no :mod:`fcntl`, or a file system
        without :func:`fcntl.flock`).

    Raises
    ------
    NotAGalleryError
        If ``path`` exists and is not a folder.
    GalleryInUseError
        If another writer holds the lock.
    """
    if path.exists() and not path.is_dir():
        raise _refuse(path, "it exists and is not a folder")
    path.mkdir(parents=True, exist_ok=True)
    if fcntl is None:  # pragma: no cover - Windows
        return None
    fd = os.open(path, os.O_RDONLY)
    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except BlockingIOError:
        os.close(fd)
        raise GalleryInUseError(
            f"Gallery({str(path)!r}): another Gallery, in this or another process, is "
            "writing to this folder; two writers would overwrite each other's images. "
            "Fix: close() the other one first (or leave its `with` block), or write to "
            "another folder."
        ) from None
    except OSError:  # a file system that cannot lock: images are still never overwritten
        os.close(fd)
        return None
    _HELD.add(fd)
    return fd


def unlock_folder(fd: int | None) -> None:
    """Release a lock taken by :func:`lock_folder`."""
    if fd is not None and fd in _HELD:
        _HELD.discard(fd)
        # Unlocked explicitly: a child forked a moment ago may not have closed
        # its copy yet (_drop_inherited_locks), and closing ours would not do.
        fcntl.flock(fd, fcntl.LOCK_UN)
        os.close(fd)


def adopt_lock(fd: int) -> None:
    """Write under a lock that a parent process took and passed down as ``fd``.

    ``python -m torchplot gallery`` holds its folder's lock for the whole run
    and hands it to each script's process, so that no other writer gets in
    between two scripts.  The descriptor shares the parent's lock: this
    process must never unlock it (that would unlock the parent's), nor pass
    it on to programs it starts; forked children close their copies, as for
    :func:`lock_folder`.  The process then opens the gallery with
    :meth:`torchplot.Gallery._locked_by_caller`.
    """
    os.set_inheritable(fd, False)
    _ADOPTED.add(fd)


def utf8_text(text: str) -> str:
    """``text`` as a UTF-8 file can hold it, for the journal and the page.

    A script's docstring may spell an emoji as the escaped surrogate pair
    ``"\\ud83d\\ude00"``, and a file name that is not UTF-8 decodes to lone
    surrogates (``"\\udce9"``): pairs are joined into their character, and a
    lone surrogate becomes U+FFFD.  (Group names, which must stay distinct,
    spell undecodable bytes out instead: ``_cli._group_names``.)
    """
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return text.encode("utf-16", "surrogatepass").decode("utf-16", "replace")
    return text


def claim(folder: Path, names: list[str]) -> bool:
    """Create the files ``names`` in ``folder``, empty, unless any of them exists.

    Returns
    -------
    bool
        Whether all were created; if not, none is left behind and no existing
        file was touched.
    """
    created = []
    try:
        for name in names:
            os.close(os.open(folder / name, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666))
            created.append(name)
    except FileExistsError:
        for name in created:
            (folder / name).unlink(missing_ok=True)
        return False
    return True


def read_journal(path: Path) -> tuple[dict[str, Any], list[dict[str, Any]], int] | None:
    """Read the journal of the gallery at ``path``.

    Returns
    -------
    (header, records, good_bytes) or None
        ``None`` when ``path`` does not exist or is an empty folder (a new
        gallery).  ``good_bytes`` is the length of the journal up to its last
        complete line: a process killed mid-append leaves a torn last line,
        which is dropped (and truncated away by :func:`open_journal`).

    Raises
    ------
    NotAGalleryError
        If ``path`` is a file, or a non-empty folder without a journal whose
        header carries :data:`MARKER`, or one written by a newer format.
    """
    if not path.exists():
        return None
    if not path.is_dir():
        raise _refuse(path, "it exists and is not a folder")
    journal = path / JOURNAL
    if not journal.is_file():
        if any(path.iterdir()):
            raise _refuse(
                path, f"it is not empty and has no {JOURNAL} written by torchplot.Gallery"
            )
        return None
    data = journal.read_bytes()
    good = data.rfind(b"\n") + 1  # bytes up to the last complete line
    lines = data[:good].splitlines()
    header = _parse(lines[0]) if lines else None
    if not isinstance(header, dict) or MARKER not in header:
        raise _refuse(path, f"its {JOURNAL} does not start with a torchplot gallery header")
    if not isinstance(header[MARKER], int) or header[MARKER] > VERSION:
        raise _refuse(
            path,
            f"it was written by a newer torchplot (gallery format {header[MARKER]!r}, "
            f"this one reads {VERSION})",
        )
    records = []
    for number, line in enumerate(lines[1:], start=2):
        record = _parse(line)
        if isinstance(record, dict):
            records.append(record)
        else:
            warnings.warn(
                f"Gallery({str(path)!r}): skipping unreadable line {number} of {JOURNAL}",
                RuntimeWarning,
                stacklevel=3,
            )
    return header, records, good


def _parse(line: bytes) -> Any:
    try:
        return json.loads(line)
    except ValueError:
        return None


def open_journal(path: Path, header: dict[str, Any] | None, good_bytes: int) -> Any:
    """Open the journal for appending (creating it with ``header`` when new).

    A torn last line left by a crash is cut off first, so the next record
    starts on a line of its own.
    """
    journal = path / JOURNAL
    if header is not None:
        # Atomic: replacing a gallery swaps its journal for the new header in
        # one step, so the folder is never left without one.
        path.mkdir(parents=True, exist_ok=True)
        write_atomic(journal, dumps(header) + "\n")
    elif journal.stat().st_size != good_bytes:
        with open(journal, "r+b") as f:
            f.truncate(good_bytes)
    # Line-buffered text in append mode: every record reaches the OS in one
    # write as soon as it is complete.
    return open(journal, "a", encoding="utf-8", buffering=1, newline="\n")


def dumps(obj: Any) -> str:
    """One compact JSON line; non-ASCII text kept as is (the files are UTF-8)."""
    return json.dumps(obj, ensure_ascii=False, separators=(",", ":"))


def write_atomic(target: Path, text: str) -> None:
    """Replace ``target`` with ``text`` so that readers see the old or the new file, never a mix."""
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", suffix=".tmp", dir=target.parent)
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
        os.replace(tmp, target)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def remove_stale_temporaries(path: Path) -> None:
    """Delete temporary files left by a process killed between writing and renaming them."""
    for name in (*VIEWS, JOURNAL):
        for tmp in path.glob(f".{name}.*.tmp"):
            tmp.unlink(missing_ok=True)
    if (path / IMAGES).is_dir():
        for tmp in (path / IMAGES).glob(".*.tmp"):  # figures saved again (Gallery._save)
            tmp.unlink(missing_ok=True)


def remove_recorded_files(path: Path, records: list[dict[str, Any]]) -> None:
    """Delete the views and the images ``records`` name at ``path``, nothing else.

    The journal stays (the caller replaces it atomically with a new header),
    and so do files the user put into the folder, ``images/`` included.
    """
    images = (path / IMAGES).resolve()
    for record in records:
        files = record.get("files")
        for rel in files.values() if isinstance(files, dict) else ():
            target = (path / str(rel)).resolve()
            if target.parent == images:  # never outside images/
                target.unlink(missing_ok=True)
    for name in VIEWS:
        (path / name).unlink(missing_ok=True)
    remove_stale_temporaries(path)


@dataclass
class RefreshPolicy:
    """When to rebuild the views so that a run's total cost stays linear.

    A rebuild of a gallery of ``n`` figures costs a fixed part (two atomic
    file replacements) plus about ``c * n``.  After an add, the views are
    rebuilt

    * always while the gallery holds at most ``small`` figures (so a small
      gallery's page is current after every add);
    * afterwards when the time since the last rebuild is at least ``ratio``
      times what that rebuild took.

    Rebuilding therefore takes at most ``1 / ratio`` of the run's time (1 %
    by default), whatever its size, and since every add costs at least one
    ``savefig``, the total stays linear in the number of figures; the page
    is never more than ``ratio`` rebuild-durations behind (about a second
    for thousands of figures).  ``clock`` is injectable for tests.
    """

    small: int = 20
    ratio: float = 100.0
    clock: Any = field(default=time.perf_counter)
    _last_end: float = field(default=-float("inf"))
    _last_cost: float = 0.0

    def due(self, total: int) -> bool:
        """Whether to rebuild after an add that brought the gallery to ``total`` figures."""
        if total <= self.small:
            return True
        return self.clock() - self._last_end >= self.ratio * self._last_cost

    def rebuilt(self, started: float) -> None:
        """Record a rebuild that began at ``started`` (a ``clock()`` reading) and has ended."""
        self._last_end = self.clock()
        self._last_cost = self._last_end - started
