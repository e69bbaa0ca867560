"""The docs site builds with ``sphinx-build -n -W`` and its example pages hold torchplot's figures.

Nitpicky (``-n``): a reference to a torchplot object that is not documented
(``:meth:`Live.log``` with no ``Live.log`` entry) fails the build.

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
            "-n",
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
    assert proc.returncode == 0, f"sphinx-build -n -W failed:\n{proc.stderr[-5000:]}"
    return out


def test_feature_map_recipe_of_the_example_makes_a_tile_per_channel():
    # The recipe the example's text gives, run on 3 channels (where a wrong
    # one, ``X.flatten(0, 1)``, makes one RGB image instead of 3 tiles).
    torch = pytest.importorskip("torch")
    import torchplot as plt

    text = (ROOT / "gallery" / "plot_feature_maps.py").read_text(encoding="utf-8")
    recipe = re.search(r"``(X\.flatten\([^`]*)``", text).group(1)
    X = torch.rand(1, 3, 8, 8)
    fig, ax = plt.subplots()
    try:
        grid = ax.imshow(eval(recipe, {"X": X})).get_array()
    finally:
        plt.close(fig)
    assert grid.shape == (12, 32)  # three 8x8 tiles, 2 px borders, colormapped


def test_conversion_table_gives_the_fixes_the_errors_give():
    # docs/conversion.rst renders this docstring: its fixes must be the errors'
    # own, and it names no private constant.
    torch = pytest.importorskip("torch")
    import torchplot._convert as convert

    table = " ".join(convert.__doc__.split())
    assert "ML_DTYPES_CAST" not in table
    # ``float8_e5m2[fnuz]`` names float8_e5m2 and float8_e5m2fnuz.
    named = {
        name
        for stem, optional in re.findall(r"``(\w+)(?:\[(\w+)\])?``", table)
        for name in (stem, stem + optional)
    }
    assert set(convert.ML_DTYPES_CAST) <= named
    for name in ("uint4", "int4", "bits8", "bits16", "float4_e2m1fn_x2"):
        dtype = getattr(torch, name, None)
        if dtype is None:
            continue
        with pytest.raises(TypeError) as error:
            convert.to_numpy(torch.zeros(2, dtype=torch.uint8).view(dtype))
        fix = re.search(r"view\((torch\.\w+)\)", str(error.value)).group(1)
        assert f"``{fix}``" in table or f"``tensor.view({fix})``" in table, (name, fix)


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


@pytest.mark.slow
@pytest.mark.parametrize(
    ("cls", "members"),
    [
        ("Live", ("log", "show", "refresh", "close", "history", "to_csv", "metrics")),
        ("Gallery", ("add", "flush", "close", "path", "title", "index_html")),
    ],
)
def test_class_pages_document_each_method(site, cls, members):
    # Each member gets its own entry (anchor, signature, Parameters/Raises),
    # which the docs' :meth: references point to.
    html = (site / "generated" / f"torchplot.{cls}.html").read_text(encoding="utf-8")
    for member in members:
        assert f'id="torchplot.{cls}.{member}"' in html, f"{cls}.{member} is not documented"
    entry = html.split(f'id="torchplot.{cls}.{members[0]}"')[1].split('id="torchplot.')[0]
    assert "Parameters" in entry and "Raises" in entry
    galleries = (site / "galleries.html").read_text(encoding="utf-8")
    assert 'href="generated/torchplot.Gallery.html#torchplot.Gallery.add"' in galleries


@pytest.mark.slow
def test_rc_params_page_lists_every_key_with_its_default(site):
    from torchplot._rc import DEFAULTS

    html = (site / "generated" / "torchplot.rc_params.html").read_text(encoding="utf-8")
    assert "<table" in html
    for key in DEFAULTS:
        assert f'<span class="pre">{key}</span>' in html, f"{key} is not on the page"


@pytest.mark.slow
def test_gallery_errors_and_reset_hook_have_pages(site):
    for name in ("GalleryInUseError", "NotAGalleryError", "reset_rc_params"):
        html = (site / "generated" / f"torchplot.{name}.html").read_text(encoding="utf-8")
        assert f'id="torchplot.{name}"' in html
