"""``torchplot.Gallery``: collect a run's figures into a browsable, shareable folder."""

from __future__ import annotations

import datetime
import math
import numbers
import os
import re
import traceback
import warnings
import weakref
from collections.abc import Iterable, Mapping
from pathlib import Path
from types import TracebackType
from typing import Any

import numpy as np
from matplotlib._pylab_helpers import Gcf
from matplotlib.figure import Figure, SubFigure

from torchplot._convert import to_numpy
from torchplot._frameworks import Kind, kind_of
from torchplot._gallery import _html, _store

__all__ = ["Gallery"]

#: Formats a gallery can save, besides the PNG every figure gets (the thumbnail).
FORMATS = ("png", "svg", "pdf")

_SLUG = re.compile(r"[^A-Za-z0-9_.-]+")


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The formats a gallery saves for ``formats``: PNG first, then the others, once each.

    Parameters
    ----------
    formats : iterable of {"png", "svg", "pdf"}
        The requested formats; PNG is added when missing.

    Returns
    -------
    tuple of str

    Raises
    ------
    ValueError
        If a format is not among :data:`FORMATS`.
    """
    fmts = ["png", *(f for f in formats if f != "png")]
    bad = [f for f in fmts if f not in FORMATS]
    if bad:
        raise ValueError(f"Gallery(): formats must be among {FORMATS}, got {bad!r}.")
    return tuple(dict.fromkeys(fmts))


def _stored_formats(value: Any) -> tuple[str, ...]:
    # A journal from before formats were stored has none, and a hand-edited
    # one may hold anything: neither must stop the gallery from reopening.
    if not isinstance(value, list):
        return ("png",)
    return check_formats(f for f in value if isinstance(f, str) and f in FORMATS)


def _now() -> str:
    return datetime.datetime.now(datetime.timezone.utc).isoformat(timespec="seconds")


def _slug(group: str) -> str:
    # A readable, filesystem-safe hint in the file name; the id keeps names unique.
    slug = _SLUG.sub("-", group).strip("-.")[:40]
    return f"-{slug}" if slug else ""


def _png_size(path: Path) -> list[int] | None:
    # Width and height from the IHDR chunk, which always follows the 8-byte signature.
    with open(path, "rb") as f:
        head = f.read(24)
    if len(head) < 24 or head[12:16] != b"IHDR":
        return None
    return [int.from_bytes(head[16:20], "big"), int.from_bytes(head[20:24], "big")]


def _text(value: Any, name: str, where: str = "Gallery.add()") -> str:
    if value is None:
        return ""
    if not isinstance(value, str):
        raise TypeError(
            f"{where}: {name} must be a str, got {type(value).__name__} ({value!r}). "
            f"Fix: pass {name}=str(...)."
        )
    try:
        value.encode("utf-8")
    except UnicodeEncodeError as exc:
        # Checked before anything is saved: the journal and the page are UTF-8
        # files, and failing while writing them would leave an unrecorded image.
        raise ValueError(
            f"{where}: {name} {value!r} holds the lone surrogate {value[exc.start]!r} at "
            f"index {exc.start}, which no UTF-8 file can store (a file name that is not "
            f"valid UTF-8 decodes to such characters). Fix: pass "
            f"{name}={name}.encode('utf-8', 'backslashreplace').decode('utf-8')."
        ) from None
    return value


def _step(step: Any) -> int | float | None:
    if step is None:
        return None
    if kind_of(type(step)) is not Kind.PLAIN:  # e.g. a 0-d tensor holding the epoch
        step = to_numpy(step, name="Gallery.add() argument 'step'")
    if isinstance(step, np.generic):
        step = step.item()
    if isinstance(step, bool) or not isinstance(step, numbers.Real):
        raise TypeError(
            f"Gallery.add(): step must be a real number or None, got {type(step).__name__} "
            f"({step!r}). Fix: pass the epoch or iteration number, e.g. step=epoch."
        )
    if isinstance(step, numbers.Integral):
        return int(step)
    step = float(step)
    if not math.isfinite(step):
        raise ValueError(f"Gallery.add(): step must be finite, got {step!r}.")
    return step


#: The galleries open in this process, let go of in a forked child (see below).
_OPEN: weakref.WeakSet[Gallery] = weakref.WeakSet()


def _let_go_in_child() -> None:
    # A forked child (a DataLoader worker, a script's os.fork()) holds a copy
    # of each open gallery as it was at the fork, and no lock: closing it
    # there would rewrite the pages from that old copy, after the parent
    # wrote newer ones.  The child's copies are closed without writing; the
    # line-buffered journal holds nothing unwritten.
    for gallery in list(_OPEN):
        gallery._closed = True
        gallery._unlock.detach()
        gallery._journal.close()
    _OPEN.clear()


if hasattr(os, "register_at_fork"):
    os.register_at_fork(after_in_child=_let_go_in_child)


def _figure(fig: Any) -> Figure:
    if fig is None:
        manager = Gcf.get_active()
        if manager is None:
            raise ValueError(
                "Gallery.add(): there is no current figure to add. "
                "Fix: draw something first, or pass the figure: g.add(fig)."
            )
        return manager.canvas.figure
    if isinstance(fig, Figure):
        return fig
    hint = ""
    if isinstance(fig, SubFigure) or hasattr(fig, "figure"):
        hint = " Fix: pass the Figure that holds it, e.g. g.add(ax.figure)."
    raise TypeError(
        f"Gallery.add(): fig must be a matplotlib Figure or None, got {type(fig).__name__}.{hint}"
    )


def _stem(ident: int, group: str) -> str:
    return f"{ident:06d}{_slug(group)}"


def _close(fig: Figure) -> None:
    # Closing unregisters a pyplot figure, so a run of any length holds one
    # figure at a time and never reaches `figure.max_open_warning`; a Figure
    # made without pyplot is not registered anywhere and needs nothing.
    import matplotlib.pyplot as pyplot

    pyplot.close(fig)


class Gallery:
    """A folder of figures with a browsable page, for the figures of a run.

    ``with Gallery("runs/exp1", title="Experiment 1") as g: ... g.add(fig, ...)``
    saves each figure as a PNG (and, optionally, SVG/PDF) under ``images/``,
    closes it, and keeps two views of the folder current:

    * ``index.html``: a responsive grid of thumbnails, one section per group
      (in the order groups first appear), ordered by step within a group; a
      click opens the full-size image.  Captions and group names are escaped
      and shown literally; the page runs no script.
    * ``index.json``: the same, machine-readable: ``{"torchplot_gallery": 1,
      "title", "created", "updated", "count", "failed", "groups", "figures"}``
      where each figure is ``{"id", "group", "caption", "step", "status",
      "files", "size", "time"}`` (and ``"error"`` when it failed to save).

    Parameters
    ----------
    path : str or os.PathLike
        The gallery folder.  A new or empty folder starts a gallery; the folder
        of an existing gallery is reopened and further figures are appended.
        Any other existing path is refused (:class:`torchplot.NotAGalleryError`,
        a :class:`FileExistsError`) and left untouched.
    title : str, optional
        The page title.  Defaults to the folder's name (resolved: the name of
        ``"."`` is the current folder's) for a new gallery and to the stored
        title when reopening one.
    formats : iterable of {"png", "svg", "pdf"}, optional
        Files saved for each figure.  A PNG is always saved (it is the
        thumbnail); the others are linked under it.  Like the title, the
        formats are stored in the gallery: they default to ``("png",)`` for a
        new gallery and to the stored formats when reopening one, and formats
        given when reopening replace the stored ones for later figures.
    savefig_kwargs : mapping, optional
        Extra keyword arguments for :meth:`matplotlib.figure.Figure.savefig`,
        e.g. ``{"dpi": 150, "bbox_inches": "tight"}``.

    Notes
    -----
    **Crashes.** Each figure is recorded in ``entries.jsonl`` (an append-only
    journal) once its files are written, and the views are replaced atomically
    (written to a temporary file, then :func:`os.replace`), so a process that
    dies mid-run leaves the last good ``index.html``/``index.json`` and loses
    no earlier figure: reopening the folder rebuilds the views from the journal.

    **Cost.** Adding a figure costs its ``savefig`` plus one journal line.  The
    views are rebuilt from per-figure HTML cached at ``add`` time: after every
    figure while the gallery holds at most 20, then whenever the last rebuild
    is older than 100 times its own duration.  Rebuilding thus takes at most
    1 % of the run's time and the total time stays linear in the number of
    figures (no full page rewrite per figure), while the page trails the run
    by about a second.  :meth:`close` (or leaving the ``with`` block)
    always brings both views fully up to date; :meth:`flush` does so on demand.

    **Failures.** A figure that fails to save (e.g. invalid mathtext) is
    recorded as failed, with its caption and the error, shown in the page, and
    reported with a :class:`UserWarning`; the run goes on.

    **One writer.** A gallery holds an exclusive lock on its folder until
    :meth:`close`: a second ``Gallery`` on the same folder, in this process or
    another, raises :class:`torchplot.GalleryInUseError` (a
    :class:`BlockingIOError`) instead of overwriting the first one's images.
    Where folders cannot be locked, images are still created exclusively and
    never overwritten.

    Examples
    --------
    >>> import torch, torchplot as plt
    >>> with plt.Gallery("runs/exp1", title="Experiment 1") as g:  # doctest: +SKIP
    ...     for epoch in range(3):
    ...         plt.plot(torch.randn(100, requires_grad=True).cumsum(0))
    ...         g.add(caption=f"random walk {epoch}", group="walks", step=epoch)
    """

    def __init__(
        self,
        path: str | os.PathLike[str],
        title: str | None = None,
        *,
        formats: Iterable[str] | None = None,
        savefig_kwargs: Mapping[str, Any] | None = None,
    ) -> None:
        self._setup(path, title, formats, savefig_kwargs, replace=False)

    @classmethod
    def _locked_by_caller(
        cls,
        path: str | os.PathLike[str],
        *,
        title: str | None = None,
        formats: Iterable[str] | None = None,
        replace: bool = False,
    ) -> Gallery:
        """The gallery at ``path``, whose folder its caller locked and keeps locked.

        For ``python -m torchplot gallery``.

        The command holds the lock (:func:`_store.lock_folder`, passed on to
        each script's process: :func:`_store.adopt_lock`) for its whole run,
        so no other writer gets in between two scripts; closing this gallery
        leaves the folder locked.

        With ``replace=True``, a new, empty gallery takes the place of the one
        at ``path``: the old gallery's views and recorded images are removed
        and its journal is replaced by the new header in one
        :func:`os.replace`: the folder is never without a journal, so files
        the user added (which stay) never make it look foreign.  A folder that
        is not a gallery is refused.
        """
        self = cls.__new__(cls)
        self._setup(path, title, formats, None, replace=replace, locked=True)
        return self

    def _setup(
        self,
        path: str | os.PathLike[str],
        title: str | None,
        formats: Iterable[str] | None,
        savefig_kwargs: Mapping[str, Any] | None,
        *,
        replace: bool,
        locked: bool = False,
    ) -> None:
        # `locked`: the caller holds the folder's lock, and keeps it (_locked_by_caller).
        self._path = Path(path)
        self._closed = True  # until the folder is locked and read
        requested = None if formats is None else check_formats(formats)
        # Converted once: figures Matplotlib or a library made (not torchplot's)
        # are saved too, and the gallery must hold no tensor (nor its graph).
        self._savefig_kwargs = to_numpy(dict(savefig_kwargs or {}), name="Gallery() savefig_kwargs")
        if "format" in self._savefig_kwargs or "fname" in self._savefig_kwargs:
            raise ValueError(
                "Gallery(): savefig_kwargs must not set 'format' or 'fname'; use formats=."
            )
        if title is not None:
            title = _text(title, "title", "Gallery()")
        # Refuses a file, or a folder in use; a lock the caller holds is theirs to release.
        lock = None if locked else _store.lock_folder(self._path)
        # Released by close(), or when an unclosed gallery is garbage-collected.
        self._unlock = weakref.finalize(self, _store.unlock_folder, lock)
        try:
            self._open(title, requested, replace=replace)
            self._policy = _store.RefreshPolicy()
            self._write_views()
        except BaseException:
            self._unlock()
            raise
        self._closed = False
        _OPEN.add(self)

    def _open(self, title: str | None, requested: tuple[str, ...] | None, *, replace: bool) -> None:
        # Read (or start) the journal of the locked folder.
        state = _store.read_journal(self._path)  # refuses a folder that is not a gallery
        if state is not None and replace:
            _store.remove_recorded_files(self._path, state[1])
            state = None  # the new header replaces the old journal in open_journal
        self._groups: dict[str, list[tuple[tuple[Any, ...], str, str]]] = {}
        # id -> (group, failed) of each figure, to replace one that is saved again
        self._ids: dict[int, tuple[str, bool]] = {}
        self._count = self._failed = 0
        self._next_id = 1
        if state is None:
            self._formats = requested or ("png",)
            header = {
                _store.MARKER: _store.VERSION,
                # Resolved: the name of "." (or "..") is "" (or "..").
                "title": title or self._path.resolve().name or str(self._path.resolve()),
                "created": _now(),
                # Stored so that whoever reopens the gallery (each script of
                # `python -m torchplot gallery`, a resumed run) saves the same files.
                "formats": list(self._formats),
            }
            self._journal = _store.open_journal(self._path, header, 0)
            self._title, self._created = str(header["title"]), str(header["created"])
        else:
            header, records, good = state
            _store.remove_stale_temporaries(self._path)
            self._journal = _store.open_journal(self._path, None, good)
            self._title, self._created = (
                str(header.get("title", "")),
                str(header.get("created", "")),
            )
            self._formats = _stored_formats(header.get("formats"))
            for record in records:
                if record.get("kind") == "title":
                    self._title = str(record.get("title", ""))
                elif record.get("kind") == "formats":
                    self._formats = _stored_formats(record.get("formats"))
                elif record.get("kind") == "figure" and isinstance(record.get("id"), int):
                    self._remember(record)
            if title is not None and title != self._title:
                self._title = title
                self._journal.write(_store.dumps({"kind": "title", "title": title}) + "\n")
            if requested is not None and requested != self._formats:
                self._formats = requested
                change = {"kind": "formats", "formats": list(requested)}
                self._journal.write(_store.dumps(change) + "\n")
        (self._path / _store.IMAGES).mkdir(exist_ok=True)

    # ------------------------------------------------------------------ public

    @property
    def path(self) -> Path:
        """The gallery folder."""
        return self._path

    @property
    def title(self) -> str:
        """The page title."""
        return self._title

    @property
    def index_html(self) -> Path:
        """The page, ``path / "index.html"``."""
        return self._path / "index.html"

    def __len__(self) -> int:
        """Number of figures recorded (failed ones included)."""
        return self._count

    def __repr__(self) -> str:
        state = "closed" if self._closed else "open"
        return f"<Gallery {str(self._path)!r}: {self._count} figures, {state}>"

    def add(
        self,
        fig: Figure | None = None,
        *,
        caption: str = "",
        group: str = "",
        step: Any = None,
        close: bool = True,
    ) -> Path | None:
        """Save ``fig`` into the gallery, close it, and record it in the index.

        Parameters
        ----------
        fig : matplotlib.figure.Figure, optional
            The figure; by default the current pyplot figure.
        caption : str, default: ""
            Shown under the thumbnail, literally (HTML is escaped).
        group : str, default: ""
            The page section the figure goes to; sections appear in the order
            their first figure was added.
        step : int or float or 0-d tensor, optional
            Orders figures within a group (e.g. the epoch); figures without a
            step follow, in the order added.
        close : bool, default: True
            Close the figure once saved; ``False`` leaves it open, as a figure
            that goes on being drawn (a ``Live`` dashboard's) needs.

        Returns
        -------
        pathlib.Path or None
            The saved PNG, or ``None`` if the figure failed to save (it is then
            recorded as failed, with the error, and a ``UserWarning`` is issued).

        Raises
        ------
        ValueError
            If the gallery is closed, ``fig`` is None and no figure is open, or
            ``caption``/``group`` holds a lone surrogate (not UTF-8 text).
        TypeError
            If ``fig`` is not a Figure, or ``caption``/``group``/``step`` has
            the wrong type.
        """
        if self._closed:
            raise ValueError(
                f"Gallery.add(): {self!r} is closed. Fix: add figures inside the `with` block."
            )
        figure = _figure(fig)
        caption, group, step = _text(caption, "caption"), _text(group, "group"), _step(step)
        if not isinstance(close, bool):
            raise TypeError(f"Gallery.add(): close must be True or False, got {close!r}")
        record = self._save(figure, caption=caption, group=group, step=step, close=close)
        return self._path / record["files"]["png"] if record["status"] == "ok" else None

    def flush(self) -> None:
        """Bring ``index.html`` and ``index.json`` up to date now."""
        if not self._closed:
            self._write_views()

    def close(self) -> None:
        """Write the final views and close the journal; further :meth:`add` calls fail."""
        if self._closed:
            return
        try:
            self._write_views()
        finally:
            self._closed = True
            self._journal.close()
            self._unlock()
            _OPEN.discard(self)

    def __enter__(self) -> Gallery:
        return self

    def __exit__(
        self, tp: type[BaseException] | None, exc: BaseException | None, tb: TracebackType | None
    ) -> None:
        # Also on an exception: the figures added so far get their final page.
        self.close()

    # ----------------------------------------------------------------- private

    def _save(
        self,
        figure: Figure,
        *,
        caption: str,
        group: str,
        step: int | float | None,
        close: bool = True,
        ident: int | None = None,
    ) -> dict[str, Any]:
        """Save ``figure``, record it, and return its record (see :meth:`add`).

        ``close=False`` leaves the figure open; ``ident`` saves it again in
        place of the figure recorded under that id (same id, same files), for
        ``python -m torchplot gallery``, which records a figure when it is
        shown and again if it changed before it is closed.
        """
        # The journal and the page are UTF-8: text from a script (its
        # docstring, its file name, an error about it) may not be (add()
        # refuses such text; the runner's cannot be refused).
        caption, group = _store.utf8_text(caption), _store.utf8_text(group)
        replaces = ident is not None
        if ident is None:
            ident = self._claim(group)
        stem = _stem(ident, group)
        record: dict[str, Any] = {
            "kind": "figure",
            "id": ident,
            "group": group,
            "caption": caption,
            "step": step,
            "time": _now(),
        }
        if replaces:
            record["replaces"] = True
        failure: Exception | None = None
        try:
            files = self._write(figure, stem, replaces=replaces)
            record.update(status="ok", files=files, size=_png_size(self._path / files["png"]))
        except Exception as exc:  # one bad figure must not end a long run
            # The error first: the page shows the top of a long traceback.
            error = f"{type(exc).__name__}: {exc}\n\n{''.join(traceback.format_exception(exc))}"
            record.update(status="error", files={}, error=_store.utf8_text(error))
            failure = exc
        finally:
            if close:
                _close(figure)
        self._journal.write(_store.dumps(record) + "\n")  # the figure is now durable
        if replaces and record["status"] != "ok":
            # Its earlier files, recorded no more (after the journal line: a
            # crash in between leaves unrecorded files, not a broken record).
            self._unlink(f"{_store.IMAGES}/{stem}.{fmt}" for fmt in self._formats)
        self._remember(record)
        if self._policy.due(self._count):
            self._write_views()
        if failure is not None:
            # Last: under `-W error` the warning raises, and the failure must
            # be recorded by then.
            warnings.warn(
                f"Gallery.add(): figure {caption!r} (group {group!r}, step {step!r}) failed "
                "to save "
                f"({type(failure).__name__}: {failure}); it is recorded as failed in "
                f"{self._path} and the run goes on.",
                UserWarning,
                stacklevel=3,
            )
        return record

    def _claim(self, group: str) -> int:
        # A new id whose image files are created here, empty: a file that
        # exists (left by a crashed run, put there by the user, or saved by
        # another writer where the folder cannot be locked) is never
        # overwritten; its id is skipped.
        while True:
            ident = self._next_id
            self._next_id += 1
            names = [f"{_stem(ident, group)}.{fmt}" for fmt in self._formats]
            if _store.claim(self._path / _store.IMAGES, names):
                return ident

    def _write(self, figure: Figure, stem: str, *, replaces: bool) -> dict[str, str]:
        # One file per format under images/: the files, by format.
        files = {fmt: f"{_store.IMAGES}/{stem}.{fmt}" for fmt in self._formats}
        if not replaces:
            try:
                for fmt, rel in files.items():
                    figure.savefig(self._path / rel, format=fmt, **self._savefig_kwargs)
            except BaseException:
                self._unlink(files.values())  # the claimed files, empty or partly written
                raise
            return files
        # Saved aside and moved into place once all are written, so that a
        # failure leaves the earlier files whole.
        aside = {
            rel: self._path / _store.IMAGES / f".{stem}.{fmt}.tmp" for fmt, rel in files.items()
        }
        try:
            for fmt, rel in files.items():
                figure.savefig(aside[rel], format=fmt, **self._savefig_kwargs)
            for rel, tmp in aside.items():
                os.replace(tmp, self._path / rel)
        finally:
            for tmp in aside.values():
                tmp.unlink(missing_ok=True)
        return files

    def _unlink(self, rels: Iterable[str]) -> None:
        for rel in rels:
            (self._path / rel).unlink(missing_ok=True)

    def _add_failure(self, *, caption: str, group: str, step: Any, error: str) -> None:
        """Record a failure that has no figure (used by ``python -m torchplot gallery``)."""
        record = {
            "kind": "figure",
            "id": self._next_id,
            "group": _store.utf8_text(group),
            "caption": _store.utf8_text(caption),
            "step": _step(step),
            "time": _now(),
            "status": "error",
            "files": {},
            "error": _store.utf8_text(error),
        }
        self._journal.write(_store.dumps(record) + "\n")
        self._next_id += 1
        self._remember(record)
        self._write_views()

    def _last_step(self, group: str) -> int:
        """The highest step in ``group`` (rounded up), 0 when it has none.

        A script appended again continues its group after the figures it
        made before, rather than interleaving with them.
        """
        steps = [key[1] for key, _, _ in self._groups.get(group, ()) if not key[0]]
        return math.ceil(max(steps, default=0))

    def _remember(self, record: dict[str, Any]) -> None:
        # Render the card and the JSON of a figure once; a rebuild only sorts
        # and joins these strings.
        view = {k: v for k, v in record.items() if k not in ("kind", "replaces")}
        if record.get("replaces") is True and view["id"] in self._ids:
            self._forget(view["id"])
        step = view.get("step")
        if isinstance(step, bool) or not isinstance(step, (int, float)):
            step = None  # a hand-edited journal must not break the ordering
        key = (step is None, 0 if step is None else step, view["id"])
        group = str(view.get("group", ""))
        self._groups.setdefault(group, []).append(
            (key, _html.render_card(view), _store.dumps(view))
        )
        failed = view.get("status") != "ok"
        self._ids[view["id"]] = (group, failed)
        self._count += 1
        self._failed += failed
        self._next_id = max(self._next_id, view["id"] + 1)

    def _forget(self, ident: int) -> None:
        # Drop the figure recorded under `ident` from the views (a figure saved
        # again replaces it); rare, so a scan of its group is fine.
        group, failed = self._ids.pop(ident)
        items = self._groups[group]
        for i, item in enumerate(items):
            if item[0][2] == ident:
                del items[i]
                self._count -= 1
                self._failed -= failed
                return

    def _write_views(self) -> None:
        started = self._policy.clock()
        updated = _now()
        for items in self._groups.values():
            # In place: the next sort sees sorted data plus a few new figures (timsort: ~linear).
            items.sort(key=lambda item: item[0])
        groups = [(name, items) for name, items in self._groups.items() if items]
        head = _store.dumps(
            {
                _store.MARKER: _store.VERSION,
                "title": self._title,
                "created": self._created,
                "updated": updated,
                "count": self._count,
                "failed": self._failed,
                "groups": [name for name, _ in groups],
            }
        )
        figures = ",\n".join(item[2] for _, items in groups for item in items)
        _store.write_atomic(self._path / "index.json", f'{head[:-1]},"figures":[\n{figures}\n]}}\n')
        page = _html.render_page(
            self._title,
            updated,
            ((name, [item[1] for item in items]) for name, items in groups),
            self._count,
            self._failed,
        )
        _store.write_atomic(self._path / "index.html", page)
        self._policy.rebuilt(started)
