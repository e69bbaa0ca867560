"""Sphinx configuration: API reference (numpydoc), conversion table, galleries."""

import os
import sys
from pathlib import Path

# torchplot from this checkout, whether or not it is installed.
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
# Examples run in-process with a headless backend.
os.environ.setdefault("MPLBACKEND", "Agg")

import torchplot

project = "torchplot"
author = "torchplot developers"
copyright = "torchplot developers"
version = release = torchplot.__version__

extensions = [
    "sphinx.ext.autodoc",
    "sphinx.ext.autosummary",
    "sphinx.ext.intersphinx",
    "numpydoc",
    "sphinx_gallery.gen_gallery",
]

# Offline build: intersphinx has no inventories, so references to Matplotlib
# and Python objects render as plain text instead of reaching the network.
intersphinx_mapping: dict = {}

# Every reference to torchplot's own objects must resolve: the docs build test
# runs ``sphinx-build -n -W``, so a dangling one fails it.  Ignored here are
# only targets in other projects, whose inventories intersphinx cannot fetch
# offline (see above); each entry names the package, not single objects, so a
# new reference into it needs no entry.
nitpick_ignore_regex = [
    # Matplotlib's documentation (pyplot, Figure.savefig, AxesImage, Text, ...).
    (r"py:.*", r"matplotlib(\..*)?"),
    # Python's standard library documentation (os.replace, ...).
    (r"py:.*", r"os\..*"),
]

autosummary_generate = True
# _templates/autosummary/class.rst documents each class's methods and
# properties on its page, so references to them (``Live.log``) resolve.
templates_path = ["_templates"]
autodoc_typehints = "none"  # numpydoc sections carry the types
numpydoc_show_class_members = False
numpydoc_class_members_toctree = False

exclude_patterns = ["_build", "**.ipynb_checkpoints"]

sphinx_gallery_conf = {
    "examples_dirs": "../gallery",
    "gallery_dirs": "auto_examples",
    "filename_pattern": r"/plot_",
    # The default scraper, named explicitly: torchplot's figures are pyplot
    # figures, so Matplotlib's scraper picks them up; nothing to configure.
    "image_scrapers": ("matplotlib",),
    "download_all_examples": False,
    "remove_config_comments": True,
    "backreferences_dir": None,
    "within_subsection_order": "FileNameSortKey",
    # Each example starts from Matplotlib's and torchplot's default settings
    # (an example's rc_params opt-in must not reach the next one).
    "reset_modules": ("matplotlib", "torchplot.reset_rc_params"),
}

html_theme = "alabaster"
html_title = "torchplot"
html_static_path: list = []
