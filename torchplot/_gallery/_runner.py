"""Run one script in this (child) process and collect every figure it makes into a gallery.

``python -m torchplot._gallery._runner SCRIPT --gallery DIR --group NAME --report FILE``
is what ``python -m torchplot gallery`` starts for each script, with
``MPLBACKEND=Agg`` and a timeout.  The script runs as ``__main__`` (like
``python SCRIPT``: its folder first on ``sys.path``, ``sys.argv == [SCRIPT]``),
and a figure is collected

* when the script shows it (``plt.show()``, ``fig.show()``): as in a GUI
  session, where a blocking ``show`` returns once the windows are closed, the
  figure is saved and closed;
* when the script closes it (``plt.close(...)``): saved just before;
* when the script ends (also by an exception): every figure still open.

This covers torchplot's figures and plain Matplotlib ones alike (both live in
pyplot's figure registry).  Figures made without pyplot (``Figure()``) are
not registered anywhere and are not collected, as in sphinx-gallery.

Exit status: 0 when the script ran to the end (or called ``sys.exit(0)``), 1
when it raised (its traceback, without the runner's frames, on stderr).  The
report file gets ``{"figures": n, "failed": k}``, ``k`` counting the figures
that failed to save (already recorded in the gallery with their errors).
"""

from __future__ import annotations

import argparse
import json
import os
import runpy
import sys
import traceback
import weakref
from collections.abc import Callable
from pathlib import Path
from typing import Any

__all__ = ["main", "script_caption"]


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
    """Saves figures into the gallery once each, whichever hook sees them first."""

    def __init__(self, gallery: Any, group: str, caption: str) -> None:
        self.gallery = gallery
        self.group = group
        self.caption = caption
        self.count = 0
        self.failed = 0
        self._seen: weakref.WeakSet[Any] = weakref.WeakSet()

    def collect(self, figure: Any) -> None:
        if figure in self._seen:
            return
        self._seen.add(figure)  # before add(): its close() comes back through the hooks
        self.count += 1
        if (
            self.gallery.add(figure, caption=self.caption, group=self.group, step=self.count)
            is None
        ):
            self.failed += 1  # recorded in the gallery as failed, with its error

    def collect_all(self) -> None:
        from matplotlib._pylab_helpers import Gcf

        for manager in sorted(Gcf.get_all_fig_managers(), key=lambda m: m.num):
            self.collect(manager.canvas.figure)


def _install_hooks(collector: _Collector) -> None:
    # Hooks on pyplot's registry and the base manager, in this child process
    # only: every way to show or close a pyplot figure ends in one of these,
    # whether the script imported torchplot or matplotlib.pyplot.
    from matplotlib._pylab_helpers import Gcf
    from matplotlib.backend_bases import FigureManagerBase

    def show(self: Any) -> None:
        collector.collect(self.canvas.figure)

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
    parser.add_argument("--report", required=True)
    args = parser.parse_args(argv)

    script = str(Path(args.script).resolve())
    caption = script_caption(Path(script).read_text(encoding="utf-8"))

    from torchplot._gallery._gallery import Gallery

    status = 0
    with Gallery(args.gallery) as gallery:
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
    report = {"figures": collector.count, "failed": collector.failed}
    Path(args.report).write_text(json.dumps(report), encoding="utf-8")
    return status


if __name__ == "__main__":
    sys.exit(main())
