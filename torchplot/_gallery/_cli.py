"""``python -m torchplot gallery SCRIPTS... --out DIR``: a gallery of what scripts draw.

Each script runs in its own process (:mod:`torchplot._gallery._runner`) with
``MPLBACKEND=Agg`` and a timeout, one after the other, all writing to the
same :class:`~torchplot.Gallery`: one group per script, the script's
docstring as caption.  A script that fails (raises, exits non-zero, is killed
or times out) is recorded in the page with its traceback, and the run goes
on; the exit status is 1 if any failed.  Progress goes to stderr, the page's
path to stdout.

The command locks the gallery folder for its whole run and hands the lock to
each script's process, so that another writer (a second run into the same
``--out``) is refused rather than slipping in between two scripts.
"""

from __future__ import annotations

import argparse
import contextlib
import math
import os
import signal
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from pathlib import Path
from typing import IO, Any

from torchplot._gallery import _store

__all__ = ["add_parser", "run"]

#: Characters of a failing script's stderr kept for the page.
_STDERR_TAIL = 20_000

#: The --help text: plain, where the module docstring is reST.
_DESCRIPTION = """\
Each script runs in its own process with the Agg backend and a timeout, one
after the other, all writing to the same gallery: one group per script, the
script's docstring as caption. A script that fails (raises, exits non-zero,
crashes or times out) is recorded in the page with its traceback, and the run
goes on; the exit status is 1 if any failed, 2 for a bad command line or an
--out folder that is not a gallery or that another Gallery is writing to.
Progress goes to stderr; stdout gets one line, "gallery: PATH", where PATH is
the page (index.html).
"""


def _seconds(text: str) -> float:
    # A timeout of 0, a negative one or nan would kill every script at once
    # (or never): refused like a bad --formats, with status 2.
    try:
        value = float(text)
    except ValueError:
        value = math.nan
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number of seconds, got {text!r}")
    return value


def add_parser(subparsers: Any) -> None:
    """Register the ``gallery`` subcommand."""
    p = subparsers.add_parser(
        "gallery",
        help="run scripts and collect every figure they make into an HTML gallery",
        description=_DESCRIPTION,
    )
    p.add_argument(
        "scripts",
        nargs="+",
        metavar="SCRIPT",
        help="Python scripts, or folders (their plot_*.py, sorted)",
    )
    p.add_argument("--out", required=True, type=Path, help="the gallery folder")
    p.add_argument(
        "--timeout", type=_seconds, default=300.0, help="seconds per script (default: 300)"
    )
    p.add_argument(
        "--title",
        default=None,
        help="page title (default: the folder name; with --append, the gallery's stored title)",
    )
    p.add_argument(
        "--formats",
        default=None,
        help="comma-separated, among png,svg,pdf "
        "(default: png; with --append, the gallery's stored formats)",
    )
    p.add_argument(
        "--append",
        action="store_true",
        help="add to an existing gallery in --out instead of replacing its figures",
    )
    p.set_defaults(func=run)


def _expand(paths: list[str]) -> list[Path]:
    scripts: list[Path] = []
    folders: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            scripts.extend(sorted(path.glob("plot_*.py")))
            folders.append(path)
        elif path.is_file():
            scripts.append(path)
        else:
            raise FileNotFoundError(
                f"python -m torchplot gallery: no such script or folder: {raw!r}"
            )
    _note_subfolders(folders)
    return scripts


def _note_subfolders(folders: list[Path]) -> None:
    # Only a folder's own plot_*.py run; say so when its subfolders hold
    # more, which a user may have expected to run too (not those named too,
    # nor hidden ones such as JupyterLab's .ipynb_checkpoints).
    named = {folder.resolve() for folder in folders}
    for folder in folders:
        subfolders = sorted(
            {
                p.parent
                for p in folder.glob("*/plot_*.py")
                if not p.parent.name.startswith(".") and p.parent.resolve() not in named
            }
        )
        if subfolders:
            names = ", ".join(_store.utf8_text(str(sub)) for sub in subfolders)
            print(
                f"note: not running the plot_*.py in subfolders of "
                f"{_store.utf8_text(str(folder))} ({names}); name the subfolders to run them",
                file=sys.stderr,
            )


def _group_names(scripts: list[Path]) -> list[str]:
    """One group name per script, distinct for distinct scripts.

    A script's path relative to the working directory when all scripts are
    under it, else relative to the folder they all are in: two ``plot_x.py``
    in different folders stay apart either way.
    """
    paths = [script.resolve() for script in scripts]
    cwd = Path.cwd().resolve()
    try:
        base = (
            cwd
            if all(p.is_relative_to(cwd) for p in paths)
            else Path(os.path.commonpath([p.parent for p in paths]))
        )
        names = [p.relative_to(base).as_posix() for p in paths]
    except ValueError:  # on different drives (Windows): nothing in common
        names = [p.as_posix() for p in paths]
    # A file name that is not UTF-8 cannot be a group (the page is UTF-8):
    # its undecodable bytes are spelled out (\xe9), so that two names that
    # differ only there stay two groups.
    return [os.fsencode(name).decode("utf-8", "backslashreplace") for name in names]


class _Progress:
    """A progress bar on stderr: redrawn in place on a terminal, one line per script otherwise."""

    def __init__(self, total: int, stream: IO[str]) -> None:
        self.total, self.done, self.stream = total, 0, stream
        self.tty = stream.isatty()

    def _bar(self) -> str:
        width = 24
        filled = width * self.done // max(self.total, 1)
        return f"[{'#' * filled}{'.' * (width - filled)}] {self.done}/{self.total}"

    def start(self, name: str) -> None:
        if self.tty:
            self.stream.write(f"\r\033[K{self._bar()} running {name}")
            self.stream.flush()

    def finish(self, name: str, outcome: str) -> None:
        self.done += 1
        prefix = "\r\033[K" if self.tty else ""
        self.stream.write(f"{prefix}{self._bar()} {name}: {outcome}\n")
        self.stream.flush()


def _child_env() -> dict[str, str]:
    env = dict(os.environ, MPLBACKEND="Agg")
    # The child imports this torchplot whatever its working directory (which
    # is the script's folder), also when it came from PYTHONPATH=. here.
    root = str(Path(__file__).resolve().parents[2])
    env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
    return env


def _kill(proc: subprocess.Popen[bytes]) -> None:
    # The script may have started processes of its own (DataLoader workers):
    # end its whole session, not just the child.
    if hasattr(os, "killpg"):
        try:
            os.killpg(proc.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
    else:  # pragma: no cover - Windows
        proc.kill()
    proc.wait()


def _tail(f: IO[bytes]) -> str:
    f.seek(0)
    return f.read().decode("utf-8", "replace")[-_STDERR_TAIL:]


def _run_one(script: Path, out: Path, group: str, timeout: float, lock: int | None) -> str | None:
    """Run ``script`` into the gallery ``out``: the error text if it failed, else None.

    ``lock`` is the folder's lock, which the script's process writes under
    (``None`` where folders cannot be locked: it then locks the folder itself).
    """
    with tempfile.TemporaryDirectory() as tmp, open(Path(tmp) / "stderr", "w+b") as err:
        cmd = [
            sys.executable,
            "-m",
            "torchplot._gallery._runner",
            str(script.resolve()),
            "--gallery",
            str(out.resolve()),
            "--group",
            group,
        ]
        if lock is not None:
            cmd += ["--lock-fd", str(lock)]
        proc = subprocess.Popen(
            cmd,
            cwd=script.resolve().parent,
            env=_child_env(),
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
            start_new_session=hasattr(os, "killpg"),
            pass_fds=() if lock is None else (lock,),
        )
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            _kill(proc)
            code = None
        except BaseException:  # stopped (Ctrl-C, SIGTERM): do not leave the script running
            _kill(proc)
            raise
        if code == 0:
            return None
        stderr = _tail(err)
        if code is None:
            why = f"timed out after {timeout:g} s and was killed"
        elif code < 0:
            why = f"was killed by signal {-code} ({signal.Signals(-code).name})"
        else:
            why = f"exited with status {code}"
        return f"{script.name} {why}.\n\n{stderr}".rstrip() + "\n"


def _journal_records(out: Path) -> list[dict[str, Any]]:
    state = _store.read_journal(out)
    return [] if state is None else state[1]


def _counts(records: list[dict[str, Any]]) -> tuple[int, int]:
    """``(figures, failed)`` among the records a script added.

    Read from the journal, not from the script's process: a script killed by
    the timeout reports nothing, but what it showed or closed is recorded.  A
    figure saved again counts once, as it ended.
    """
    ok = {r.get("id"): r.get("status") == "ok" for r in records if r.get("kind") == "figure"}
    return len(ok), sum(not good for good in ok.values())


def _start(args: argparse.Namespace) -> tuple[list[Path], int | None]:
    """Check the command line, lock ``--out`` and start the gallery: the scripts and the lock.

    Everything is checked before the old gallery is touched, so a mistake on
    the command line costs nothing.  The lock is held until :func:`run` ends.

    Raises
    ------
    OSError or ValueError
        For a usage error (status 2).
    """
    from torchplot._gallery._gallery import Gallery, check_formats

    scripts = _expand(args.scripts)
    if not scripts:
        raise ValueError("no scripts to run (a folder contributes its plot_*.py)")
    formats = None
    if args.formats is not None:
        formats = check_formats(f.strip() for f in args.formats.split(",") if f.strip())
    lock = _store.lock_folder(args.out)  # refuses a file, or a folder in use
    try:
        # The gallery stores the formats; each script's runner reopens it and
        # uses them.  Refuses a folder that is not a gallery.
        Gallery._locked_by_caller(
            args.out, title=args.title, formats=formats, replace=not args.append
        ).close()
    except BaseException:
        _store.unlock_folder(lock)
        raise
    return scripts, lock


def _record_failure(out: Path, script: Path, group: str, error: str) -> None:
    from torchplot._gallery._gallery import Gallery
    from torchplot._gallery._runner import read_source, script_caption

    caption = script_caption(read_source(script))
    with Gallery._locked_by_caller(out) as gallery:
        # After the script's figures, as a step: a run appended later (--append)
        # continues after it, rather than the old failure sorting last.
        step = gallery._last_step(group) + 1
        gallery._add_failure(caption=caption, group=group, step=step, error=error)


def run(args: argparse.Namespace) -> int:
    """Run the ``gallery`` subcommand; the process exit status."""
    try:
        scripts, lock = _start(args)
    except (OSError, ValueError) as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    stopped: _Stopped | None = None
    try:
        with _stopping_on_signals():
            failed = _run_all(scripts, args, lock)
    except _Stopped as stop:
        stopped, failed = stop, stop.failed
    finally:
        _store.unlock_folder(lock)
    page = (args.out / "index.html").resolve()
    if failed:
        print(
            f"{len(failed)} of {len(scripts)} scripts failed: {', '.join(failed)}", file=sys.stderr
        )
    print(f"gallery: {page}")
    if stopped is not None:
        return stopped.status
    return 1 if failed else 0


class _Stopped(BaseException):
    """The run was stopped (Ctrl-C, SIGTERM, SIGHUP); raised out of :func:`_run_all`."""

    def __init__(self, signum: int, failed: list[str] | None = None) -> None:
        super().__init__(signum)
        self.signum = signum
        self.failed = failed or []

    @property
    def status(self) -> int:
        return 128 + self.signum  # what a shell reports for a process a signal stopped


@contextlib.contextmanager
def _stopping_on_signals() -> Iterator[None]:
    # A stopped command must still kill its running script (which holds a copy
    # of the folder's lock, in a session of its own) and leave a page that
    # shows what the journal holds; the default actions of SIGTERM and SIGHUP
    # would leave the script running, the folder locked.
    def stop(signum: int, frame: Any) -> None:
        raise _Stopped(signum)

    names = ("SIGINT", "SIGTERM", "SIGHUP")
    wanted = [getattr(signal, name) for name in names if hasattr(signal, name)]
    try:
        previous = {signum: signal.signal(signum, stop) for signum in wanted}
    except ValueError:  # not the main thread (run() called from a thread): as before
        yield
        return
    try:
        yield
    finally:
        for signum, handler in previous.items():
            signal.signal(signum, handler)


def _run_all(scripts: list[Path], args: argparse.Namespace, lock: int | None) -> list[str]:
    """Run each script into the gallery ``args.out``: the groups of those that failed."""
    progress = _Progress(len(scripts), sys.stderr)
    failed: list[str] = []
    for script, group in zip(scripts, _group_names(scripts), strict=True):
        progress.start(group)
        started = time.perf_counter()
        before = len(_journal_records(args.out))
        try:
            error = _run_one(script, args.out, group, args.timeout, lock)
        except _Stopped as stop:  # the script is killed already (_run_one)
            name = signal.Signals(stop.signum).name
            progress.finish(group, f"STOPPED by {name}")
            try:
                why = f"{script.name} was stopped by {name}: the run ended.\n"
                _record_failure(args.out, script, group, why)
            except Exception as exc:
                print(f"{group}: could not record the stop: {exc!r}", file=sys.stderr)
            raise _Stopped(stop.signum, [*failed, group]) from None
        seconds = time.perf_counter() - started
        count, bad = _counts(_journal_records(args.out)[before:])
        saved = count - bad
        figures = f"{saved} figure{'s' if saved != 1 else ''}"
        if error is None and not bad:
            progress.finish(group, f"ok, {figures}, {seconds:.1f} s")
            continue
        failed.append(group)
        if error is None:  # ran to the end; the figures that failed are in the page
            progress.finish(group, f"FAILED: {bad} figure(s) failed to save, {figures} saved")
            continue
        progress.finish(group, f"FAILED after {seconds:.1f} s ({figures} saved)")
        try:
            _record_failure(args.out, script, group, error)
        except Exception as exc:  # one script that cannot be recorded must not end the run
            print(f"{group}: could not record the failure: {exc!r}", file=sys.stderr)
    return failed
