"""torchplot is pyplot: same names, same signatures and docstrings, generated in sync."""

from __future__ import annotations

import importlib.util
import inspect
import re
import subprocess
import sys
import types
from pathlib import Path

import matplotlib
import matplotlib.pyplot as mpl
import pytest

import torchplot
import torchplot._compat
import torchplot._twins
from tools import boilerplate

ROOT = Path(__file__).resolve().parent.parent


def _public(module: types.ModuleType) -> set[str]:
    return {n for n in dir(module) if not n.startswith("_")}


def test_every_public_pyplot_name_is_available():
    missing = _public(mpl) - _public(torchplot)
    assert not missing


def test_torchplot_has_exactly_the_installed_pyplots_names():
    # Matplotlib 3.10 has no grouped_bar (3.11 on) and 3.11 no plot_date:
    # binding either where it is missing broke `import torchplot`.
    module = torchplot._pyplot
    assert {*module.__all__, *module.TWIN_BASES} == _public(mpl)
    for name in boilerplate.VERSIONED_NAMES:
        assert hasattr(torchplot, name) == hasattr(mpl, name), name


def test_generated_module_is_in_sync_with_installed_matplotlib():
    current = (ROOT / "torchplot" / "_pyplot.py").read_text()
    assert current == boilerplate.render(), (
        "run `python tools/boilerplate.py`; a name that some supported Matplotlib "
        "releases lack belongs in its VERSIONED_NAMES"
    )


def brand_new_plot(*args, **kwargs):
    """A pyplot forwarder that no Matplotlib has (yet)."""
    return mpl.gca().brand_new_plot(*args, **kwargs)


@pytest.mark.parametrize("change", ["gains brand_new_plot", "loses broken_barh"])
def test_sync_check_fails_when_pyplot_gains_or_loses_a_name(monkeypatch, change):
    # On whichever release is installed: an unlisted name is bound
    # unconditionally, so the generator's output no longer matches the module.
    if change.startswith("gains"):
        monkeypatch.setattr(mpl, "brand_new_plot", brand_new_plot, raising=False)
    else:
        monkeypatch.delattr(mpl, "broken_barh")
    rendered = boilerplate.render()
    assert rendered != (ROOT / "torchplot" / "_pyplot.py").read_text()
    assert ("    brand_new_plot = _axes_delegate(_pyplot.brand_new_plot)\n" in rendered) is (
        change.startswith("gains")
    )


def _stand_in(name: str) -> object:
    """What pyplot's ``name`` is (by ``VERSIONED_NAMES``), for a release without it."""
    group = boilerplate.VERSIONED_NAMES[name].group
    if group == "same":
        return type(name, (), {})
    if group == "twin":
        return type(name, (mpl.Artist,), {})
    assert group in ("axes", "figure", "layered", "function"), group

    def forwarder(*args, **kwargs):
        raise AssertionError(f"stand-in for pyplot.{name} called")

    forwarder.__name__ = forwarder.__qualname__ = name
    return forwarder


@pytest.mark.parametrize("name", sorted(boilerplate.VERSIONED_NAMES))
def test_generator_refuses_a_versioned_name_the_installed_pyplot_contradicts(monkeypatch, name):
    if hasattr(mpl, name):
        monkeypatch.delattr(mpl, name)
    else:
        monkeypatch.setattr(mpl, name, _stand_in(name), raising=False)
    with pytest.raises(ValueError, match=f"{name}: present="):
        boilerplate.render()


@pytest.mark.parametrize(
    ("since", "until", "says"),
    [((3, 10), None, "write None"), (None, (3, 10), "drop it")],
    ids=["since-the-oldest", "until-the-oldest"],
)
def test_generator_refuses_a_versioned_name_that_needs_no_condition(
    monkeypatch, since, until, says
):
    entry = boilerplate.Versioned(since, until, "axes")
    monkeypatch.setitem(boilerplate.VERSIONED_NAMES, "brand_new_plot", entry)
    with pytest.raises(ValueError, match=f"brand_new_plot: .*{says}"):
        boilerplate.render()


def _supported_releases() -> list[tuple[int, int]]:
    """The oldest supported release and each at which a versioned name comes or goes."""
    entries = boilerplate.VERSIONED_NAMES.values()
    bounds = {r for entry in entries for r in (entry.since, entry.until) if r is not None}
    return sorted({boilerplate.OLDEST_SUPPORTED, *bounds})


def _pyplot_of(release: tuple[int, int]) -> types.ModuleType:
    """The installed pyplot, given the versioned names pyplot of ``release`` has."""
    fake = types.ModuleType(mpl.__name__)
    fake.__dict__.update(vars(mpl))
    for name, entry in boilerplate.VERSIONED_NAMES.items():
        if not boilerplate.has_name(entry, release):
            fake.__dict__.pop(name, None)
        elif not hasattr(mpl, name):
            setattr(fake, name, _stand_in(name))
    return fake


@pytest.mark.parametrize("release", _supported_releases(), ids=lambda r: f"{r[0]}.{r[1]}")
def test_generated_module_binds_exactly_each_supported_releases_names(monkeypatch, release):
    # Whichever release is installed, the module is run against a pyplot with
    # another release's names, as it is under that release.
    fake = _pyplot_of(release)
    monkeypatch.setitem(sys.modules, mpl.__name__, fake)
    monkeypatch.setattr(matplotlib, "pyplot", fake)
    monkeypatch.setattr(torchplot._compat, "matplotlib_release", lambda: release)
    path = ROOT / "torchplot" / "_pyplot.py"
    spec = importlib.util.spec_from_file_location("torchplot._pyplot_of_release", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert {*module.__all__, *module.TWIN_BASES} == _public(fake)
    for name, entry in boilerplate.VERSIONED_NAMES.items():
        if not boilerplate.has_name(entry, release):
            assert not hasattr(module, name), name
        elif entry.group == "same":
            assert getattr(module, name) is getattr(fake, name)
        elif entry.group == "twin":
            assert module.TWIN_BASES[name] is getattr(fake, name)
        else:
            assert getattr(module, name).__wrapped__ is getattr(fake, name)


def test_declared_matplotlib_floor_is_the_generators():
    pyproject = (ROOT / "pyproject.toml").read_text()
    (floor,) = re.findall(r'"matplotlib>=(\d+)\.(\d+)"', pyproject)
    assert tuple(map(int, floor)) == boilerplate.OLDEST_SUPPORTED


def test_the_oldest_releases_tested_are_the_declared_floors():
    # tools/test_oldest.sh installs .ci/oldest.txt: it must test what pyproject.toml promises.
    pyproject = (ROOT / "pyproject.toml").read_text()
    oldest = (ROOT / ".ci" / "oldest.txt").read_text()
    for package in ("torch", "matplotlib", "numpy", "pandas", "seaborn"):
        (floor,) = set(re.findall(rf'"{package}>=([\d.]+)"', pyproject))
        (pinned,) = re.findall(rf"^{package}==([\d.]+?)(?:\.\*)?$", oldest, re.MULTILINE)
        assert pinned.split(".")[:2] == floor.split(".")[:2], (package, floor, pinned)


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
