"""Run Matplotlib's own test suite against torchplot and list what torchplot breaks.

A developer tool, not part of torchplot's test suite.  It copies the test modules of the
installed Matplotlib (``matplotlib/tests`` and ``mpl_toolkits/*/tests``) into a
temporary directory and runs them twice with pytest, each run in its own subprocess:

1. *plain*: as Matplotlib ships them;
2. *torchplot*: every test module global bound to ``matplotlib.pyplot`` is rebound to
   ``torchplot`` (with ``--figure``, ``check_figures_equal`` also hands the test a
   ``torchplot.Figure`` as ``fig_test``; ``fig_ref`` stays Matplotlib's).

Matplotlib's wheels ship no baseline images.  The plain run therefore writes each missing
``@image_comparison`` baseline from the image it draws (those comparisons pass
trivially there), and the torchplot run is compared against Matplotlib's own output:
an image test that fails only under torchplot is a pixel difference.

Usage::

    python tools/matplotlib_suite.py --modules patches,lines,widgets
    python tools/matplotlib_suite.py --modules axes --figure -- -k scatter

``--modules`` takes test module names without ``test_`` (``axes``, ``axes3d``) or a
toolkit (``mplot3d``, ``axes_grid1``, ``axisartist``); without it, everything runs
(tens of minutes).  Arguments after ``--`` go to both pytest runs.

Reading the output: one row per test module, with the outcome counts of each run
(``pass``, ``fail`` = failure or error, ``skip``, ``xfail``) and ``regr``, the number of
regressions: tests that pass under plain Matplotlib but fail, error or are missing under
torchplot.  The regressions follow, one per line, as pytest node ids relative to the
temporary directory with the first line of their message; a failure under both runs is
Matplotlib's or the environment's, not torchplot's.  ``--keep`` keeps the directory
(copied tests, ``result_images/`` of each run, pytest logs, junit XML) so a regression
can be rerun with the printed pytest command and a ``-k`` selection.

Exit status: 0 without regressions, 1 with any, 2 when a pytest run did not complete.
"""

from __future__ import annotations

import argparse
import os
import shlex
import shutil
import subprocess
import sys
import tempfile
import xml.etree.ElementTree as ET
from collections import Counter
from dataclasses import dataclass
from pathlib import Path

TOOLS = Path(__file__).resolve().parent
ROOT = TOOLS.parent
PLUGIN = "_matplotlib_suite_plugin"
OUTCOMES = ("pass", "fail", "skip", "xfail")


@dataclass(frozen=True)
class Result:
    """One test's outcome in one run."""

    outcome: str
    message: str


def installed_test_dirs() -> dict[str, Path]:
    """Installed test folders by the package name given to their copies."""
    import matplotlib
    import mpl_toolkits

    dirs = {"mpl_tests": Path(matplotlib.__file__).parent / "tests"}
    for toolkit in mpl_toolkits.__path__:
        for tests in sorted(Path(toolkit).glob("*/tests")):
            dirs[f"{tests.parent.name}_tests"] = tests
    return dirs


def select(dirs: dict[str, Path], names: list[str] | None) -> dict[str, list[str]]:
    """Test module file names to copy from each folder; every one when *names* is None."""
    found = {pkg: sorted(p.name for p in src.glob("test_*.py")) for pkg, src in dirs.items()}
    if names is None:
        return found
    chosen: dict[str, list[str]] = {}
    for name in names:
        stem = name.removeprefix("test_")
        if f"{stem}_tests" in found:
            chosen.setdefault(f"{stem}_tests", []).extend(found[f"{stem}_tests"])
            continue
        hits = [pkg for pkg, files in found.items() if f"test_{stem}.py" in files]
        if not hits:
            raise SystemExit(f"no installed Matplotlib test module test_{stem}.py")
        chosen.setdefault(hits[0], []).append(f"test_{stem}.py")
    return chosen


def copy_tests(dirs: dict[str, Path], chosen: dict[str, list[str]], dest: Path) -> list[str]:
    """Copy the chosen modules with their folder's support files; return pytest paths."""
    for pkg, files in chosen.items():
        keep = set(files)

        def ignore(folder: str, names: list[str], keep: set[str] = keep) -> set[str]:
            drop = {"__pycache__", "baseline_images"}
            return drop | {n for n in names if n.startswith("test_") and n not in keep}

        shutil.copytree(dirs[pkg], dest / pkg, ignore=ignore)
        # Matplotlib's tests/__init__.py refuses to import without this folder.
        (dest / pkg / "baseline_images").mkdir()
    (dest / "pytest.ini").write_text("[pytest]\n")
    return [f"{pkg}/{name}" for pkg, files in chosen.items() for name in sorted(set(files))]


def run_pytest(dest: Path, run: str, swap: str, paths: list[str], extra: list[str]) -> Path:
    """Run one pytest subprocess in ``dest/run``; return its junit XML path."""
    workdir = dest / run
    workdir.mkdir()
    junit = workdir / "junit.xml"
    cmd = [
        sys.executable, "-m", "pytest", "-p", PLUGIN, f"--torchplot-swap={swap}",
        "-p", "no:cacheprovider", "-c", str(dest / "pytest.ini"), f"--rootdir={dest}",
        "-q", "--continue-on-collection-errors", f"--junitxml={junit}",
        *(str(dest / p) for p in paths), *extra,
    ]  # fmt: skip
    env = dict(os.environ, MPLBACKEND="Agg")
    env["PYTHONPATH"] = os.pathsep.join(
        filter(None, [str(TOOLS), str(ROOT), env.get("PYTHONPATH")])
    )
    print(f"[{run}] cd {workdir} && {shlex.join(cmd)}", flush=True)
    with open(workdir / "pytest.log", "w") as log:
        rc = subprocess.run(
            cmd, cwd=workdir, env=env, stdout=log, stderr=subprocess.STDOUT
        ).returncode
    if rc not in (0, 1) or not junit.exists():
        tail = (workdir / "pytest.log").read_text().splitlines()[-30:]
        raise RuntimeError(f"{run} pytest run ended with status {rc}:\n" + "\n".join(tail))
    for line in (workdir / "pytest.log").read_text().splitlines():
        if line.startswith("[torchplot-swap]"):
            print(f"[{run}] {line}", flush=True)
    return junit


def read_junit(path: Path) -> dict[str, Result]:
    """Outcome of each test in a junit XML file, keyed by pytest node id."""
    results: dict[str, Result] = {}
    for case in ET.parse(path).iter("testcase"):
        # A collection error is reported with an empty classname and the module as name.
        classname, name = case.get("classname", ""), case.get("name", "")
        parts = (classname or name).split(".")
        node = f"{parts[0]}/{parts[1]}.py" if len(parts) > 1 else parts[0]
        if classname:
            node = "::".join([node, *parts[2:], name])
        outcome, message = "pass", ""
        for child in case:
            if child.tag in ("failure", "error", "skipped"):
                xfail = child.tag == "skipped" and child.get("type") == "pytest.xfail"
                outcome = "xfail" if xfail else "skip" if child.tag == "skipped" else "fail"
                message = (child.get("message") or "").strip().split("\n")[0]
                break
        results[node] = Result(outcome, message)
    return results


def module_of(node: str) -> str:
    """``mpl_tests/test_axes.py::Test::name`` -> ``mpl_tests/test_axes.py``."""
    return node.split("::")[0]


def report(plain: dict[str, Result], swapped: dict[str, Result]) -> list[str]:
    """Print the per-module table and the regressions; return the regressed node ids."""
    missing = Result("missing", "not run under torchplot")
    # A test plain Matplotlib passes, or a collection error only torchplot has.
    was = {node: result.outcome for node, result in plain.items()}
    regressions = [
        node
        for node in [*plain, *(n for n in swapped if n not in plain)]
        if was.get(node, "pass") == "pass"
        and swapped.get(node, missing).outcome in ("fail", "missing")
    ]
    counts = " ".join(f"{o:>5}" for o in OUTCOMES)
    print(f"\n{'module':<40} {'plain: ' + counts:>31}  {'torchplot: ' + counts:>35}  regr")
    for module in sorted({module_of(n) for n in plain} | {module_of(n) for n in swapped}):
        row = [f"{module:<40}"]
        for results in (plain, swapped):
            tally = Counter(r.outcome for n, r in results.items() if module_of(n) == module)
            row.append(" ".join(f"{tally[o]:>5}" for o in OUTCOMES))
        regr = sum(module_of(n) == module for n in regressions)
        print(f"{row[0]} {row[1]:>31}  {row[2]:>35}  {regr:>4}")
    print(f"\n{len(regressions)} regression(s): pass under matplotlib.pyplot, not under torchplot")
    for node in regressions:
        result = swapped.get(node, missing)
        print(f"  {node}: {result.outcome}: {result.message[:200]}")
    return regressions


def main(argv: list[str] | None = None) -> int:
    """Command-line entry point; see the module docstring."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--modules", help="comma-separated test modules (no test_) or toolkits")
    parser.add_argument("--figure", action="store_true", help="fig_test is a torchplot.Figure")
    parser.add_argument("--keep", action="store_true", help="keep the temporary directory")
    parser.add_argument("pytest_args", nargs="*", help="after --: passed to both pytest runs")
    args = parser.parse_args(argv)

    dirs = installed_test_dirs()
    chosen = select(dirs, args.modules.split(",") if args.modules else None)
    dest = Path(tempfile.mkdtemp(prefix="matplotlib_suite_"))
    try:
        paths = copy_tests(dirs, chosen, dest)
        plain = read_junit(run_pytest(dest, "plain", "none", paths, args.pytest_args))
        swap = "figure" if args.figure else "pyplot"
        swapped = read_junit(run_pytest(dest, "torchplot", swap, paths, args.pytest_args))
    except RuntimeError as err:
        print(err, file=sys.stderr)
        return 2
    finally:
        if args.keep:
            print(f"kept {dest}")
        else:
            shutil.rmtree(dest, ignore_errors=True)
    return 1 if report(plain, swapped) else 0


if __name__ == "__main__":
    sys.exit(main())
