"""The package is ruff- and mypy-clean (run as part of the test command)."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def _tool(name: str) -> list[str]:
    exe = Path(sys.executable).with_name(name)
    if exe.exists():
        return [str(exe)]
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is a test dependency (pip install -e '.[test]')")
    return [found]


def test_ruff():
    result = subprocess.run(
        [*_tool("ruff"), "check", "torchplot", "tests", "tools", "benchmarks", "gallery"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_ruff_format():
    result = subprocess.run(
        [
            *_tool("ruff"),
            "format",
            "--check",
            "torchplot",
            "tests",
            "tools",
            "benchmarks",
            "gallery",
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr


def test_mypy():
    result = subprocess.run([*_tool("mypy")], cwd=ROOT, capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr


_USER_CODE = """\
import torchplot as plt
import torchplot.seaborn as sns


def draw(ax: plt.Axes, fig: plt.Figure) -> plt.Line2D:
    (line,) = ax.plot([1.0, 2.0])
    fig.suptitle("x")
    return line


class MyAxes(plt.Axes):
    pass


def facet(g: sns.FacetGrid) -> None:
    g.set_titles("x")
"""


def _mypy_on(script: Path) -> str:
    """mypy's report on a user's ``script``, torchplot found as this checkout."""
    result = subprocess.run(
        [*_tool("mypy"), "--no-incremental", "--ignore-missing-imports", str(script)],
        cwd=script.parent,
        env={**os.environ, "MYPYPATH": str(ROOT)},
        capture_output=True,
        text=True,
    )
    return result.stdout


def test_user_code_type_checks_against_torchplot_as_against_pyplot(tmp_path):
    # Annotations and base classes name torchplot's classes (``ax: plt.Axes``).
    script = tmp_path / "user.py"
    script.write_text(_USER_CODE)
    report = _mypy_on(script)
    user_errors = [
        line for line in report.splitlines() if line.partition(":")[0].endswith("user.py")
    ]
    assert not user_errors, report


_USER_MISTAKES = """\
import {module} as plt

plt.xlim(foo=1)
plt.savefig(1, 2, 3, 4)
plt.figure(num=[1])
fig, ax = plt.subplots()
ax.set_xlim(foo=1)
plt.colorbar(mappable=1)
"""


def _mypy_messages(tmp_path, module):
    script = tmp_path / f"{module.replace('.', '_')}_user.py"
    script.write_text(_USER_MISTAKES.format(module=module))
    prefix = f"{script.name}:"
    return [line.partition(prefix)[2] for line in _mypy_on(script).splitlines() if prefix in line]


def test_type_checker_says_of_user_mistakes_what_it_says_under_pyplot(tmp_path):
    # The same messages, function names included ('Too many arguments for "savefig"').
    expected = _mypy_messages(tmp_path, "matplotlib.pyplot")
    assert len(expected) >= 4  # 5 with Matplotlib 3.11's stubs, 4 with 3.10's
    assert any('to "figure"' in message for message in expected)  # names the function
    assert _mypy_messages(tmp_path, "torchplot") == expected
