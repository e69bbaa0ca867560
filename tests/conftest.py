"""Shared test setup: a headless backend, no figure outlives its test."""

from __future__ import annotations

import pickle
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path
from typing import Any

import matplotlib

matplotlib.use("Agg")

import matplotlib.pyplot as mpl_plt
import pytest

ROOT = Path(__file__).resolve().parent.parent


def _cuda_available() -> bool:
    try:
        import torch
    except ImportError:
        return False
    return torch.cuda.is_available()


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    # GPU tests are collected everywhere and skipped, visibly, where CUDA is
    # absent; `pytest -m gpu` on a CUDA machine runs them.
    if _cuda_available():
        return
    skip = pytest.mark.skip(reason="needs CUDA (run `pytest -m gpu` on a GPU machine)")
    for item in items:
        if "gpu" in item.keywords:
            item.add_marker(skip)


@pytest.fixture(autouse=True)
def _close_figures():
    yield
    mpl_plt.close("all")


@pytest.fixture
def unpickled_in_a_fresh_process(tmp_path: Path) -> Callable[[Any, str], str]:
    """Pickle a figure, run ``script`` on it in a fresh process, return its output.

    The script reads the figure from ``sys.argv[1]``; torchplot is importable
    there but not imported: unpickling must find the twins by itself.
    """

    def run(fig: Any, script: str) -> str:
        path = tmp_path / "fig.pickle"
        path.write_bytes(pickle.dumps(fig))
        out = subprocess.run(
            [sys.executable, "-c", script, str(path)],
            capture_output=True,
            text=True,
            check=True,
            env={"PYTHONPATH": str(ROOT), "PATH": ""},
        )
        return out.stdout

    return run
