"""Every ``gallery/plot_*.py`` runs green and draws at least one figure.

Parametrized by a glob, so examples added by anyone are covered without
touching this file.  Each runs through ``python -m torchplot gallery`` (own
process, Agg backend, timeout), the same path as the README's main job.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "gallery").glob("plot_*.py"))


def test_the_gallery_has_its_readme_and_examples():
    assert (ROOT / "gallery" / "README.rst").is_file()  # sphinx-gallery needs it
    assert len(EXAMPLES) >= 5


@pytest.mark.parametrize("script", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_example_runs_and_draws(script, tmp_path):
    out = tmp_path / "gallery"
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "torchplot",
            "gallery",
            str(script),
            "--out",
            str(out),
            "--timeout",
            "240",
        ],
        cwd=tmp_path,
        env=dict(os.environ, PYTHONPATH=str(ROOT)),
        capture_output=True,
        text=True,
        timeout=300,
    )
    index = json.loads((out / "index.json").read_text(encoding="utf-8"))
    errors = "\n".join(f["error"] for f in index["figures"] if f["status"] != "ok")
    assert proc.returncode == 0, errors or proc.stderr
    assert index["count"] >= 1, f"{script.name} drew no figure"
    for figure in index["figures"]:
        assert (out / figure["files"]["png"]).stat().st_size > 1000
    # sphinx-gallery format: an RST title in the module docstring.
    assert index["figures"][0]["caption"].strip(), f"{script.name} has no docstring"
