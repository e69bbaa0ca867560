"""torchplot is pyplot: same names, same signatures and docstrings, generated in sync."""

from __future__ import annotations

import inspect
import subprocess
import sys
import types
from pathlib import Path

import matplotlib.pyplot as mpl
import pytest

import torchplot
import torchplot._twins
from tools import boilerplate

ROOT = Path(__file__).resolve().parent.parent


def _public(module: types.ModuleType) -> set[str]:
    return {n for n in dir(module) if not n.startswith("_")}


def test_every_public_pyplot_name_is_available():
    missing = _public(mpl) - _public(torchplot)
    assert not missing


def test_generated_module_is_in_sync_with_installed_matplotlib():
    current = (ROOT / "torchplot" / "_pyplot.py").read_text()
    assert current == boilerplate.render(), "run `python tools/boilerplate.py`"


def test_generator_roots_match_runtime_roots():
    assert boilerplate.ADOPTED_ROOTS == torchplot._twins.ADOPTED_ROOTS


@pytest.mark.parametrize(
    "name", sorted(n for n in _public(mpl) if inspect.isfunction(getattr(mpl, n)))
)
def test_wrapped_functions_keep_signature_and_docstring(name):
    ours, theirs = getattr(torchplot, name), getattr(mpl, name)
    assert inspect.signature(ours) == inspect.signature(theirs)
    assert ours.__doc__ == theirs.__doc__
    assert ours.__name__ == theirs.__name__


def test_twin_methods_keep_signature_and_docstring():
    ax = torchplot.figure().add_subplot()
    for name in ("plot", "scatter", "imshow", "hist", "set_xlim", "bar_label"):
        ours, theirs = getattr(type(ax), name), getattr(mpl.Axes, name)
        assert inspect.signature(ours) == inspect.signature(theirs)
        assert ours.__doc__ == theirs.__doc__


def test_classes_answer_isinstance_like_matplotlibs():
    fig = mpl.figure()  # made by Matplotlib, not adopted
    ax = fig.add_subplot()
    assert isinstance(ax, torchplot.Axes) and isinstance(fig, torchplot.Figure)
    (line,) = ax.plot([1, 2])
    assert isinstance(line, torchplot.Line2D)
    assert issubclass(torchplot.Axes, mpl.Axes)
    assert not isinstance(1.0, torchplot.Artist)


def test_names_outside_the_adopted_roots_are_the_same_objects():
    for name in ("rcParams", "np", "FigureCanvasBase", "MouseButton", "cm", "style"):
        assert getattr(torchplot, name) is getattr(mpl, name)


def test_data_taking_helper_classes_are_twins():
    # A locator's positions, a grid's ratios, a slider's range: data, so these classes are twins.
    for name in (
        "GridSpec",
        "SubplotSpec",
        "FixedLocator",
        "MaxNLocator",
        "FixedFormatter",
        "ScalarFormatter",
        "Slider",
    ):
        ours, theirs = getattr(torchplot, name), getattr(mpl, name)
        assert ours is not theirs and issubclass(ours, theirs)


def test_every_public_name_is_of_matplotlibs_kind():
    # A function wrapper around a callable object (``colormaps``, a mapping
    # with a ``__call__``) hid its mapping: ``plt.colormaps["viridis"]`` failed.
    for name in _public(mpl):
        ours, theirs = getattr(torchplot, name), getattr(mpl, name)
        if isinstance(theirs, type) or inspect.isroutine(theirs):
            continue
        assert isinstance(ours, type(theirs)), name


@pytest.mark.parametrize("name", ["colormaps", "color_sequences"])
def test_registries_are_views_sharing_matplotlibs_entries(name):
    ours, theirs = getattr(torchplot, name), getattr(mpl, name)
    assert list(ours) == list(theirs) and len(ours) == len(theirs)
    assert type(theirs) is not torchplot._twins.twin_of(type(theirs))  # Matplotlib's untouched
    if name == "colormaps":
        assert ours() == theirs()
        ours.register(mpl.Colormap("tp_view_a"))
        theirs.register(mpl.Colormap("tp_view_b"))
    else:
        ours.register("tp_view_a", ["red", "blue"])
        theirs.register("tp_view_b", ["green", "black"])
    try:
        assert "tp_view_a" in theirs and "tp_view_b" in ours
    finally:
        for key in ("tp_view_a", "tp_view_b"):
            theirs.unregister(key)
    assert "tp_view_a" not in ours


def test_colormaps_hand_out_tensor_aware_colormaps():
    torch = pytest.importorskip("torch")
    values = torch.tensor([0.1, 0.5, 0.9], requires_grad=True)
    for cmap in (torchplot.colormaps["viridis"], torchplot.colormaps.get_cmap("magma")):
        reference = mpl.colormaps[cmap.name](values.detach().numpy())
        assert (cmap(values) == reference).all()


def test_py_typed_is_shipped():
    assert (ROOT / "torchplot" / "py.typed").is_file()


_PROBE = """
import sys
import torchplot
import torchplot as plt
plt.plot(range(10))
plt.savefig(sys.argv[1])
leaked = sorted(m for m in ("torch", "seaborn", "jax", "cupy", "pandas") if m in sys.modules)
print(",".join(leaked))
"""


def _probe(code: str, *argv: str) -> str:
    """What ``code`` prints in a fresh interpreter that has imported nothing yet."""
    out = subprocess.run(
        [sys.executable, "-c", code, *argv],
        capture_output=True,
        text=True,
        check=True,
        cwd=ROOT,
        env={"MPLBACKEND": "Agg", "PYTHONPATH": str(ROOT), "PATH": ""},
    )
    return out.stdout.strip()


def test_import_and_plot_import_no_framework(tmp_path):
    assert _probe(_PROBE, str(tmp_path / "x.png")) == ""


_LAZY_PROBE = """
import sys
import torchplot
import torchplot._twins
deferred = ("torchplot._layers", "torchplot._live", "torchplot._gallery")
# The registry views' twins are built at import: a few methods each, 0.08 ms.
registries = {type(torchplot.colormaps).__base__, type(torchplot.color_sequences).__base__}
twins = [t.__name__ for t in torchplot._twins._TWINS if t not in registries]
before = [m for m in deferred if m in sys.modules] + twins
namespace = {}
exec("from torchplot import *", namespace)
assert namespace["Axes"] is torchplot.Axes and namespace["Live"] is torchplot.Live
assert isinstance(torchplot.figure().add_subplot(), torchplot.Axes)
print(before, "torchplot._layers" in sys.modules)
"""


def test_import_defers_twin_classes_layers_live_and_gallery():
    # `import torchplot` stays within a few percent of `import matplotlib.pyplot`
    # because these are set up on first use; every name still resolves.
    assert _probe(_LAZY_PROBE) == "[] True"


def test_lazy_names_are_listed_and_unknown_names_raise():
    assert {"Axes", "Figure", "Line2D", "Live", "Gallery"} <= set(dir(torchplot))
    assert {"Axes", "Live", "Gallery"} <= set(torchplot.__all__)
    with pytest.raises(AttributeError, match="no_such_name"):
        torchplot.no_such_name  # noqa: B018
