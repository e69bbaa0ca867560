"""torchplot.seaborn is seaborn's namespace (names, signatures, docstrings), imported on demand."""

from __future__ import annotations

import importlib.util
import inspect
import json
import os
import pickle
import subprocess
import sys
import types
from pathlib import Path

import pytest
import seaborn
import seaborn.objects

import torchplot.seaborn as tsns
import torchplot.seaborn.objects as tso

ROOT = Path(__file__).resolve().parent.parent


def _generator() -> types.ModuleType:
    spec = importlib.util.spec_from_file_location(
        "boilerplate_seaborn", ROOT / "tools" / "boilerplate_seaborn.py"
    )
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


def _run(code: str) -> dict:
    out = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=ROOT,
        check=True,
        env={**os.environ, "PYTHONPATH": str(ROOT), "MPLBACKEND": "Agg"},
    )
    return json.loads(out.stdout)


def test_generated_modules_match_the_installed_seaborn():
    for path, expected in _generator().outputs().items():
        assert path.read_text() == expected, (
            f"{path.relative_to(ROOT)} is out of date: run `python tools/boilerplate_seaborn.py`"
        )


def test_dir_matches_seaborn_in_a_fresh_process():
    names = _run(
        "import json, seaborn, seaborn.objects\n"
        "import torchplot.seaborn as t, torchplot.seaborn.objects as o\n"
        "pub = lambda m: sorted(n for n in dir(m) if not n.startswith('_'))\n"
        "print(json.dumps({'sns': pub(seaborn), 'tsns': pub(t),"
        " 'so': pub(seaborn.objects), 'tso': pub(o)}))"
    )
    assert names["tsns"] == names["sns"]
    assert names["tso"] == names["so"]
    assert set(tsns.__all__) == set(names["sns"]) - {"objects"}
    assert set(tso.__all__) == set(names["so"])


def test_import_torchplot_does_not_import_seaborn_and_torchplot_seaborn_does():
    state = _run(
        "import json, sys\n"
        "import torchplot\n"
        "after_torchplot = [m in sys.modules for m in ('seaborn', 'pandas', 'torch')]\n"
        "import torchplot.seaborn\n"
        "after_sns = [m in sys.modules for m in ('seaborn', 'seaborn.objects', 'torch')]\n"
        "import torchplot.seaborn.objects\n"
        "after_so = 'seaborn.objects' in sys.modules\n"
        "print(json.dumps([after_torchplot, after_sns, after_so]))"
    )
    assert state == [[False, False, False], [True, False, False], True]


def _public(module: types.ModuleType) -> list[str]:
    return sorted(n for n in dir(module) if not n.startswith("_") and n != "objects")


@pytest.mark.parametrize(("ours", "theirs"), [(tsns, seaborn), (tso, seaborn.objects)])
def test_functions_keep_signature_and_docstring(ours, theirs):
    functions = [n for n in _public(theirs) if isinstance(getattr(theirs, n), types.FunctionType)]
    for name in functions:
        wrapper, original = getattr(ours, name), getattr(theirs, name)
        assert wrapper is not original, name
        assert wrapper.__wrapped__ is original, name
        assert inspect.signature(wrapper) == inspect.signature(original), name
        assert wrapper.__doc__ == original.__doc__, name
        assert wrapper.__name__ == original.__name__, name


@pytest.mark.parametrize(
    ("twin", "base"),
    [
        (tsns.FacetGrid, seaborn.FacetGrid),
        (tsns.PairGrid, seaborn.PairGrid),
        (tsns.JointGrid, seaborn.JointGrid),
        (tso.Plot, seaborn.objects.Plot),
    ],
)
def test_classes_are_twins_with_seaborns_signatures_and_docstrings(twin, base):
    assert twin is not base
    assert issubclass(twin, base)
    assert twin.__name__ == base.__name__
    assert twin.__doc__ == base.__doc__
    assert inspect.signature(twin) == inspect.signature(base)
    methods = [
        n for n in dir(base) if not n.startswith("_") and inspect.isfunction(getattr(base, n))
    ]
    assert methods
    for name in methods:
        ours, theirs = getattr(twin, name), getattr(base, name)
        assert ours is not theirs, name  # wrapped: converts tensors
        assert ours.__doc__ == theirs.__doc__, name
        assert inspect.signature(ours) == inspect.signature(theirs), name
    # A twin class pickles by reference and comes back as itself.
    assert pickle.loads(pickle.dumps(twin)) is twin


def test_everything_else_is_seaborns_own_object():
    for ours, theirs in [(tsns, seaborn), (tso, seaborn.objects)]:
        for name in _public(theirs):
            obj = getattr(theirs, name)
            if isinstance(obj, types.FunctionType) or obj in (
                seaborn.FacetGrid,
                seaborn.PairGrid,
                seaborn.JointGrid,
                seaborn.objects.Plot,
            ):
                continue
            assert getattr(ours, name) is obj, name


def test_grids_made_by_seaborn_are_instances_of_the_twins():
    import pandas as pd

    g = seaborn.FacetGrid(pd.DataFrame({"a": [1.0, 2.0]}))
    assert isinstance(g, tsns.FacetGrid)
    assert type(g) is seaborn.FacetGrid  # seaborn's own object is left untouched
    assert isinstance(tsns.FacetGrid(pd.DataFrame({"a": [1.0, 2.0]})), seaborn.FacetGrid)
