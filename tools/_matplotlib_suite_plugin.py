"""pytest plugin for ``tools/matplotlib_suite.py``: run Matplotlib's tests against torchplot.

Loaded with ``-p _matplotlib_suite_plugin`` (``tools/`` on ``PYTHONPATH``); the option
``--torchplot-swap`` picks what it does:

``none``
    Plain Matplotlib.  The installed wheel ships no baseline images, so an
    ``@image_comparison`` baseline that is missing is written from the image this
    run draws: the plain run passes those comparisons trivially and leaves
    Matplotlib's own output as the reference for the swapped run.
``pyplot``
    Every test module global bound to ``matplotlib.pyplot`` is rebound to
    ``torchplot``.
``figure``
    As ``pyplot``, and ``check_figures_equal`` hands the test a ``torchplot.Figure``
    as ``fig_test`` (``fig_ref`` stays a Matplotlib ``Figure``).
"""

from __future__ import annotations

import shutil
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib.pyplot
import matplotlib.testing.decorators as decorators
import pytest
from matplotlib.figure import Figure

_SUMMARY: list[str] = []


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--torchplot-swap",
        choices=("none", "pyplot", "figure"),
        default="none",
        help="what of Matplotlib's tests to replace by torchplot (tools/matplotlib_suite.py)",
    )


def pytest_configure(config: pytest.Config) -> None:
    mode = config.getoption("--torchplot-swap")
    if mode == "none":
        _write_missing_baselines()
    elif mode == "figure":
        vars(decorators)["Figure"] = _test_figure_is_torchplot


def pytest_collection_modifyitems(
    session: pytest.Session, config: pytest.Config, items: list[pytest.Item]
) -> None:
    if config.getoption("--torchplot-swap") == "none":
        return
    import torchplot

    modules = {id(m): m for m in (getattr(item, "module", None) for item in items) if m}
    swapped = 0
    for module in modules.values():
        for name, value in list(vars(module).items()):
            if value is matplotlib.pyplot:
                setattr(module, name, torchplot)
                swapped += 1
    _SUMMARY.append(f"[torchplot-swap] {swapped} globals rebound in {len(modules)} modules")


def pytest_terminal_summary(terminalreporter: Any) -> None:
    for line in _SUMMARY:
        terminalreporter.write_line(line)


def _write_missing_baselines() -> None:
    """Make ``copy_baseline`` (private, Matplotlib 3.x) first save a missing baseline."""
    cls = decorators._ImageComparisonBase  # type: ignore[attr-defined]
    original: Callable[..., Any] = cls.copy_baseline

    def copy_baseline(self: Any, baseline: str, extension: str) -> Any:
        expected = (Path(self.baseline_dir) / baseline).with_suffix(f".{extension}")
        if not expected.exists():
            expected.parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(
                (Path(self.result_dir) / baseline).with_suffix(f".{extension}"), expected
            )
        return original(self, baseline, extension)

    cls.copy_baseline = copy_baseline


def _test_figure_is_torchplot(*args: Any, **kwargs: Any) -> Any:
    """Stand in for ``Figure`` in ``check_figures_equal``, which builds ``fig_test`` first."""
    # The caller's frame tells which of its two figures this is, so a failed
    # construction cannot shift the test/reference order for later tests.
    if "fig_test" not in sys._getframe(1).f_locals:
        import torchplot

        return torchplot.Figure(*args, **kwargs)
    return Figure(*args, **kwargs)
