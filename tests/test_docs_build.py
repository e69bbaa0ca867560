"""The docs site builds with ``sphinx-build -W`` and its example pages hold torchplot's figures.

This is also the proof that a sphinx-gallery user keeps the default
``matplotlib`` image scraper: ``docs/conf.py`` names only that scraper, every
example draws with ``import torchplot as plt``, and each example page must
show the images the scraper saved from those figures.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = sorted((ROOT / "gallery").glob("plot_*.py"))

pytest.importorskip("sphinx_gallery")
pytest.importorskip("numpydoc")


@pytest.fixture(scope="module")
def site(tmp_path_factory) -> Path:
    # Build a copy: sphinx-gallery and autosummary write into the source tree.
    src = tmp_path_factory.mktemp("docs")
    ignore = shutil.ignore_patterns(
        "_build", "auto_examples", "generated", "sg_execution_times.rst"
    )
    shutil.copytree(ROOT / "docs", src / "docs", ignore=ignore)
    shutil.copytree(ROOT / "gallery", src / "gallery")
    out = src / "html"
    env = dict(os.environ, PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sphinx",
            "-W",
            "--keep-going",
            "-q",
            "-b",
            "html",
            str(src / "docs"),
            str(out),
        ],
        env=env,
        capture_output=True,
        text=True,
        timeout=900,
    )
    assert proc.returncode == 0, f"sphinx-build -W failed:\n{proc.stderr[-5000:]}"
    return out


@pytest.mark.slow
def test_conf_keeps_the_default_matplotlib_scraper():
    conf = (ROOT / "docs" / "conf.py").read_text()
    # Only Matplotlib's own scraper: nothing torchplot-specific to configure.
    assert re.search(r'"image_scrapers":\s*\("matplotlib",\)', conf)


@pytest.mark.slow
@pytest.mark.parametrize("example", EXAMPLES, ids=[p.name for p in EXAMPLES])
def test_each_example_page_shows_the_scraped_torchplot_figures(site, example):
    source = example.read_text(encoding="utf-8")
    assert "import torchplot" in source
    page = site / "auto_examples" / f"{example.stem}.html"
    html = page.read_text(encoding="utf-8")
    images = re.findall(rf'<img src="\.\./_images/(sphx_glr_{example.stem}_\d+\.png)"', html)
    assert images, f"no scraped figure on {page.name}"
    for name in images:
        data = (site / "_images" / name).read_bytes()
        assert data[:8] == b"\x89PNG\r\n\x1a\n" and len(data) > 5000


@pytest.mark.slow
def test_api_reference_and_topic_pages(site):
    for name in ("to_numpy", "adopt", "Gallery"):
        html = (site / "generated" / f"torchplot.{name}.html").read_text(encoding="utf-8")
        assert f"torchplot.{name}" in html
    gallery_api = (site / "generated" / "torchplot.Gallery.html").read_text(encoding="utf-8")
    assert "add" in gallery_api and "Parameters" in gallery_api
    conversion = (site / "conversion.html").read_text(encoding="utf-8")
    assert "<table" in conversion and "bfloat16" in conversion and "complex64" in conversion
    index = (site / "index.html").read_text(encoding="utf-8")
    for page in ("conversion.html", "galleries.html", "api.html", "auto_examples/index.html"):
        assert f'href="{page}"' in index
    # Every topic page in docs/ (e.g. images.rst from the image-rules work) is in the toctree.
    for rst in (ROOT / "docs").glob("*.rst"):
        if rst.stem not in ("index", "sg_execution_times"):
            assert f'href="{rst.stem}.html"' in index, f"{rst.name} is not linked from the index"
