"""Run one script in this (child) process and collect every figure it makes into a gallery.

``python -m torchplot._gallery._runner SCRIPT --gallery DIR --group NAME``
is what ``python -m torchplot gallery`` starts for each script, with
``MPLBACKEND=Agg`` and a timeout.  The script runs as ``__main__`` (like
``python SCRIPT``: its folder first on ``sys.path``, ``sys.argv == [SCRIPT]``,
its source decoded as its PEP 263 coding line says), and a figure is collected

* when the script shows it (``plt.show()``, ``fig.show()``): saved, but left
  open, since under Agg ``show`` returns at once and the script may go on
  drawing into it (``plt.title(...)``, ``plt.savefig(...)``), exactly as it
  would run without the gallery;
* when the script closes it (``plt.close(...)``): saved just before;
* when the script ends (also by an exception): every figure still open.

A figure is one gallery entry however often these happen: one saved at
``show`` and changed afterwards is saved again, in its place, when it is
closed or the script ends, so the gallery shows it as finally drawn, while a
script killed in between (a timeout) still leaves what was shown.

This covers torchplot's figures and plain Matplotlib ones alike (both live in
pyplot's figure registry).  Figures made without pyplot (``Figure()``) are
not registered anywhere and are not collected, as in sphinx-gallery; nor are
those made in processes the script forks (``multiprocessing`` workers): they
are not the script's figures, and the collector is off in forked children.

``--lock-fd FD`` is the gallery folder's lock, which the parent holds for its
whole run and passes down (see :func:`torchplot._gallery._store.adopt_lock`).
The script runs with :mod:`faulthandler` enabled, so a crash (a segfault in
an extension) leaves a traceback on stderr for the page.

Exit status: 0 when the script ran to the end (or called ``sys.exit(0)``), 1
when it raised (its traceback, without the runner's frames, on stderr).  The
parent counts the figures in the gallery's journal, which also holds those of
a script killed before it could report anything.
"""

from __future__ import annotations

import argparse
import faulthandler
import importlib.util
import os
import runpy
import sys
import traceback
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["main", "read_source", "script_caption"]


def read_source(path: Path) -> str:
    """The text of a script, decoded as Python decodes it (UTF-8 or its PEP 263 coding line).

    Undecodable bytes are replaced rather than raised: the text only feeds
    captions, and running the script reports such an error properly.
    """
    data = path.read_bytes()
    try:
        return importlib.util.decode_source(data)
    except (SyntaxError, UnicodeDecodeError, LookupError):
        return data.decode("utf-8", "replace")


def script_caption(source: str) -> str:
    """The title and first paragraph of the script's docstring (RST underlines dropped).

    Only the first paragraph: the caption is repeated under every figure the
    script makes, and the rest of a gallery docstring is tutorial prose.
    """
    import ast

    try:
        doc = ast.get_docstring(ast.parse(source)) or ""
    except SyntaxError:
        return ""
    lines = [
        line
        for line in doc.splitlines()
        if not (line.strip() and set(line.strip()) <= set("=-~^\"'`#*+:."))
    ]
    paragraphs = [p.strip() for p in "\n".join(lines).split("\n\n") if p.strip()]
    return "\n\n".join(paragraphs[:2])


class _Collector:
    """Saves each figure into the gallery once, as it finally looks, whichever hook sees it."""

    def __init__(self, gallery: Any, group: str, caption: str) -> None:
        self.gallery = gallery
        self.group = group
        self.caption = caption
        # After the group's figures from an earlier run (--append), not among them.
        self.steps = gallery._last_step(group)
        self.active = True
        self._done: weakref.WeakSet[Any] = weakref.WeakSet()
        # Figures saved at show() and still open: their record, and whether
        # they may have changed since (see _watch).
        self._shown: weakref.WeakKeyDictionary[Any, dict[str, Any]] = weakref.WeakKeyDictionary()
        self._changed: weakref.WeakSet[Any] = weakref.WeakSet()

    def stop(self) -> None:
        """Collect nothing more (in a forked child: its figures are not the script's)."""
        self.active = False

    def show(self, figure: Any) -> None:
        """Save a shown figure now, so a script killed later keeps it, and leave it open."""
        if not self.active or figure in self._done or figure in self._shown:
            return
        self.steps += 1
        record = self._save(figure, step=self.steps, close=False)
        if record is None:
            self._done.add(figure)  # recorded as failed, or not at all: not again
            return
        self._shown[figure] = record
        self._watch(figure)

    def collect(self, figure: Any) -> None:
        """Save a figure that is closed, or open when the script ends: once, as it looks now."""
        if not self.active or figure in self._done:
            return
        self._done.add(figure)  # before saving: its close() comes back through the hooks
        record = self._shown.pop(figure, None)
        if record is None:
            self.steps += 1
            self._save(figure, step=self.steps, close=True)
        elif figure in self._changed:
            self._save(figure, step=record["step"], close=True, ident=record["id"])

    def collect_all(self) -> None:
        from matplotlib._pylab_helpers import Gcf

        for manager in sorted(Gcf.get_all_fig_managers(), key=lambda m: m.num):
            self.collect(manager.canvas.figure)

    def _save(self, figure: Any, **kwargs: Any) -> dict[str, Any] | None:
        # Each figure on its own: one that cannot be saved or recorded (its
        # warning raised under `-W error`, a full disk) is reported on stderr
        # and must neither cost the script's later figures nor raise into the
        # script from its plt.show() or plt.close().
        try:
            record: dict[str, Any] = self.gallery._save(
                figure, caption=self.caption, group=self.group, **kwargs
            )
        except Exception as exc:
            print(f"{self.group}: {type(exc).__name__}: {exc}", file=sys.stderr)
            return None
        return record

    def _watch(self, figure: Any) -> None:
        # Every change to an artist reaches its figure's stale_callback
        # (pyplot's redraw hook), so wrapping it tells whether the figure may
        # differ from what show() saved.  Drawing reports too, which only costs
        # a needless save; data edited in place in an array reports nothing,
        # as it redraws nothing in a GUI either.
        previous = figure.stale_callback
        changed = self._changed

        def stale_callback(fig: Any, value: bool) -> None:
            changed.add(fig)
            if previous is not None:
                previous(fig, value)

        figure.stale_callback = stale_callback


def _install_hooks(collector: _Collector) -> None:
    # Hooks on pyplot's registry and the base manager, in this child process
    # only: every way to show or close a pyplot figure ends in one of these,
    # whether the script imported torchplot or matplotlib.pyplot.
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.backend_bases import FigureManagerBase

    if hasattr(os, "register_at_fork"):
        # A forked worker inherits the hooks and the open gallery: saving its
        # figures would write into the journal behind this process's back.
        os.register_at_fork(after_in_child=collector.stop)

    def show(self: Any) -> None:
        collector.show(self.canvas.figure)

    FigureManagerBase.show = show  # type: ignore[method-assign]

    destroy: Callable[[Any, Any], None] = Gcf.destroy.__func__  # type: ignore[attr-defined]
    destroy_all: Callable[[Any], None] = Gcf.destroy_all.__func__  # type: ignore[attr-defined]

    def destroy_hook(cls: Any, num: Any) -> None:
        manager = num if hasattr(num, "canvas") else cls.figs.get(num)
        if manager is not None:
            collector.collect(manager.canvas.figure)
        destroy(cls, num)

    def destroy_all_hook(cls: Any) -> None:
        collector.collect_all()
        destroy_all(cls)

    Gcf.destroy = classmethod(destroy_hook)  # type: ignore[method-assign,assignment]
    Gcf.destroy_all = classmethod(destroy_all_hook)  # type: ignore[method-assign,assignment]


def _script_traceback(exc: BaseException, script: str) -> str:
    # Drop the frames of this runner and runpy: the page shows the script's own.
    tb = exc.__traceback__
    while tb is not None and tb.tb_frame.f_code.co_filename != script:
        tb = tb.tb_next
    return "".join(traceback.format_exception(type(exc), exc, tb or exc.__traceback__))


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m torchplot._gallery._runner")
    parser.add_argument("script")
    parser.add_argument("--gallery", required=True)
    parser.add_argument("--group", required=True)
    parser.add_argument("--lock-fd", type=int, default=None)
    args = parser.parse_args(argv)

    script = str(Path(args.script).resolve())
    caption = script_caption(read_source(Path(script)))
    faulthandler.enable()

    from torchplot._gallery import _store
    from torchplot._gallery._gallery import Gallery

    if args.lock_fd is None:
        opened = Gallery(args.gallery)
    else:
        _store.adopt_lock(args.lock_fd)
        opened = Gallery._locked_by_caller(args.gallery)
    status = 0
    with opened as gallery:
        collector = _Collector(gallery, args.group, caption)
        _install_hooks(collector)
        sys.argv = [script]
        sys.path[0] = os.path.dirname(script)
        try:
            runpy.run_path(script, run_name="__main__")
        except SystemExit as exc:
            if exc.code not in (None, 0):
                print(f"{args.group}: exited with sys.exit({exc.code!r})", file=sys.stderr)
                status = 1
        except BaseException as exc:  # the script's error, whatever it is, goes to the page
            sys.stderr.write(_script_traceback(exc, script))
            status = 1
        finally:
            collector.collect_all()
    return status


if __name__ == "__main__":
    sys.exit(main())
