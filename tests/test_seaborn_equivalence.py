"""Pixel-exact: every seaborn plotting function draws from tensors what seaborn draws from NumPy.

Each case runs twice: through ``torchplot.seaborn`` with tensors, and through
``seaborn`` itself with the NumPy arrays torch produces for the documented
rule (computed with torch's own ops, not with torchplot).  Axes-level cases
draw inside ``check_figures_equal`` (tolerance 0); figure-level cases make
their own figures, which are saved to PNG and compared pixel for pixel.  The
RNG is seeded alike on both sides (and ``seed=`` given where seaborn
bootstraps).  A coverage test keeps the case tables in step with seaborn.
"""

from __future__ import annotations

import contextlib
import gc
import io
import random
import warnings
import weakref
from collections.abc import Callable, Iterator
from types import ModuleType
from typing import Any

import matplotlib.image
import matplotlib.pyplot
import numpy as np
import pandas as pd
import pytest
import seaborn
import seaborn.objects
import torch
from matplotlib.figure import Figure
from matplotlib.testing.decorators import check_figures_equal

import torchplot
import torchplot.seaborn as tsns
import torchplot.seaborn.objects as tso

EQUAL = check_figures_equal(extensions=["png"], tol=0)

#: Every case runs under each: grad-tracking float32 (a non-leaf carrying a
#: graph), grad-tracking bfloat16, and on a CUDA device where there is one.
VARIANTS = ("grad", "bfloat16", pytest.param("cuda", marks=pytest.mark.gpu))

N = 48


class Data:
    """The inputs of one case: tensors (``tensors=True``) or their NumPy equivalents."""

    def __init__(self, variant: str, tensors: bool) -> None:
        self.variant = variant
        self.tensors = tensors
        rng = np.random.default_rng(0)
        self.x = self.f(rng.normal(size=N))
        self.y = self.f(rng.normal(size=N) + np.linspace(0, 3, N))
        self.z = self.f(rng.normal(size=N))
        self.w = self.f(rng.uniform(0.5, 2.0, N))
        self.size = self.f(rng.uniform(1.0, 5.0, N))
        self.mat = self.f(rng.normal(size=(7, 5)))
        self.hue = self.i(np.arange(N) % 3)
        self.cat = self.i((np.arange(N) // 3) % 4)
        self.col = self.i(np.arange(N) % 2)
        self.time = self.i(np.arange(N) % 8)
        self.short = self.f(rng.normal(size=N // 2))
        self.colors = self.f(np.linspace(0.1, 0.9, 15).reshape(5, 3))

    def f(self, values: Any) -> Any:
        """Float data in the variant's form (reference: what torch's own ops make of it)."""
        base = torch.from_numpy(np.asarray(values, dtype=np.float32))
        if self.variant == "bfloat16":
            leaf = base.to(torch.bfloat16).requires_grad_(True)
        else:
            leaf = base.clone().requires_grad_(True)
        t = leaf * 1  # a non-leaf: carries an autograd graph
        if self.variant == "cuda":
            t = t.to("cuda")
        assert t.requires_grad
        return t if self.tensors else t.detach().to("cpu", torch.float32).numpy().copy()

    def i(self, values: Any) -> Any:
        """int64 data (labels, categories)."""
        t = torch.as_tensor(np.asarray(values, dtype=np.int64))
        if self.variant == "cuda":
            t = t.to("cuda")
        return t if self.tensors else t.cpu().numpy().copy()

    def scalar(self, value: float) -> Any:
        """A 0-d tensor (reference: its NumPy scalar)."""
        t = self.f([value])[0]
        return t

    def frame(self, **columns: Any) -> Any:
        """A dict of tensors; seaborn's reference needs the DataFrame it stands for."""
        return columns if self.tensors else pd.DataFrame(columns)


@contextlib.contextmanager
def _seaborn_warnings_ignored() -> Iterator[None]:
    # Both sides warn alike: seaborn 0.13 passes Matplotlib 3.11 deprecated
    # arguments (boxplot's ``vert``), and distplot is deprecated.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        warnings.simplefilter("ignore", FutureWarning)
        warnings.simplefilter("ignore", DeprecationWarning)
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        yield


def _seeded() -> None:
    # stripplot jitter and regplot's x_jitter draw from NumPy's global RNG.
    np.random.seed(0)
    random.seed(0)


# --------------------------------------------------------------------------- axes level
# case(sns, d, ax): draw on ``ax`` with ``sns`` (torchplot.seaborn or seaborn).

AxesCase = Callable[[Any, Data, Any], Any]

AXES_CASES: dict[str, AxesCase] = {
    "histplot": lambda sns, d, ax: sns.histplot(x=d.x, hue=d.hue, weights=d.w, ax=ax),
    "histplot[list]": lambda sns, d, ax: sns.histplot([d.x, d.y, d.short], ax=ax),
    "histplot[dict]": lambda sns, d, ax: sns.histplot(
        data={"a": d.x, "b": d.y}, x="a", y="b", ax=ax
    ),
    "histplot[wide2d]": lambda sns, d, ax: sns.histplot(d.mat, element="step", ax=ax),
    "kdeplot": lambda sns, d, ax: sns.kdeplot(x=d.x, hue=d.hue, weights=d.w, fill=True, ax=ax),
    "kdeplot[bivariate]": lambda sns, d, ax: sns.kdeplot(x=d.x, y=d.y, levels=4, ax=ax),
    "ecdfplot": lambda sns, d, ax: sns.ecdfplot(x=d.x, hue=d.hue, weights=d.w, ax=ax),
    "rugplot": lambda sns, d, ax: sns.rugplot(x=d.x, y=d.y, hue=d.hue, height=0.1, ax=ax),
    "scatterplot": lambda sns, d, ax: sns.scatterplot(
        x=d.x, y=d.y, hue=d.hue, size=d.size, style=d.col, ax=ax
    ),
    "scatterplot[dict]": lambda sns, d, ax: sns.scatterplot(
        data={"a": d.x, "b": d.y, "h": d.hue}, x="a", y="b", hue="h", ax=ax
    ),
    "lineplot": lambda sns, d, ax: sns.lineplot(x=d.time, y=d.y, hue=d.col, seed=0, ax=ax),
    "lineplot[wide2d]": lambda sns, d, ax: sns.lineplot(data=d.mat, ax=ax),
    "lineplot[list]": lambda sns, d, ax: sns.lineplot(data=[d.x, d.short], ax=ax),
    "lineplot[units]": lambda sns, d, ax: sns.lineplot(
        x=d.time, y=d.y, units=d.col, estimator=None, ax=ax
    ),
    "heatmap": lambda sns, d, ax: sns.heatmap(d.mat, annot=d.mat, fmt=".1f", ax=ax),
    "heatmap[mask]": lambda sns, d, ax: sns.heatmap(
        d.mat, mask=d.mat > 0.5, center=0, linewidths=1, ax=ax
    ),
    "boxplot": lambda sns, d, ax: sns.boxplot(x=d.cat, y=d.y, hue=d.col, ax=ax),
    "boxplot[list]": lambda sns, d, ax: sns.boxplot(data=[d.x, d.short], ax=ax),
    "violinplot": lambda sns, d, ax: sns.violinplot(x=d.cat, y=d.y, ax=ax),
    "boxenplot": lambda sns, d, ax: sns.boxenplot(x=d.cat, y=d.y, ax=ax),
    "stripplot": lambda sns, d, ax: sns.stripplot(x=d.cat, y=d.y, hue=d.hue, ax=ax),
    "swarmplot": lambda sns, d, ax: sns.swarmplot(x=d.cat, y=d.y, hue=d.col, ax=ax),
    "barplot": lambda sns, d, ax: sns.barplot(x=d.cat, y=d.y, hue=d.col, seed=0, ax=ax),
    "pointplot": lambda sns, d, ax: sns.pointplot(x=d.cat, y=d.y, hue=d.col, seed=0, ax=ax),
    "countplot": lambda sns, d, ax: sns.countplot(x=d.cat, hue=d.col, ax=ax),
    "regplot": lambda sns, d, ax: sns.regplot(x=d.x, y=d.y, n_boot=50, seed=0, ax=ax),
    "residplot": lambda sns, d, ax: sns.residplot(x=d.x, y=d.y, order=2, ax=ax),
    "distplot": lambda sns, d, ax: sns.distplot(d.x, rug=True, ax=ax),
}


def _draw_axes(sns: ModuleType, fig: Figure, case: AxesCase, variant: str, tensors: bool) -> None:
    _seeded()
    with _seaborn_warnings_ignored():
        case(sns, Data(variant, tensors=tensors), fig.subplots())


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", sorted(AXES_CASES))
@check_figures_equal(extensions=["png"], tol=0)
def test_axes_level_tensor_figure_equals_numpy_figure(fig_test, fig_ref, name, variant):
    torchplot.adopt(fig_test)
    _draw_axes(tsns, fig_test, AXES_CASES[name], variant, tensors=True)
    _draw_axes(seaborn, fig_ref, AXES_CASES[name], variant, tensors=False)


# --------------------------------------------------------------------------- figure level
# case(sns, so, d) -> the Figure drawn (sns: torchplot.seaborn or seaborn, so: its objects).

FigureCase = Callable[[Any, Any, Data], Figure]


def _grid_case(sns: Any, so: Any, d: Data) -> Figure:
    g = sns.FacetGrid(d.frame(a=d.x, b=d.y, c=d.col, h=d.hue), col="c", hue="h", height=2)
    g.map(sns.scatterplot, "a", "b").add_legend()
    g.refline(y=d.scalar(0.5))
    return g.figure


def _pairgrid_case(sns: Any, so: Any, d: Data) -> Figure:
    g = sns.PairGrid(d.frame(a=d.x, b=d.y, c=d.z), height=1.5)
    g.map_diag(sns.histplot).map_lower(sns.scatterplot).map_upper(sns.kdeplot, levels=3)
    return g.figure


def _jointgrid_case(sns: Any, so: Any, d: Data) -> Figure:
    g = sns.JointGrid(x=d.x, y=d.y, hue=d.col, height=3)
    g.plot(sns.scatterplot, sns.histplot)
    g.refline(x=d.scalar(0.0), y=d.scalar(1.0))
    return g.figure


def _objects_case(sns: Any, so: Any, d: Data) -> Figure:
    p = (
        so.Plot(x=d.x, y=d.y, color=d.hue)
        .add(so.Dot(), pointsize=d.size)
        .add(so.Line(), so.PolyFit(order=1), y=d.z)
        .facet(col=d.col)
        .limit(x=(d.scalar(-3.0), d.scalar(3.0)))
        .layout(size=(5, 2.5))
    )
    return p.plot()._figure


def _objects_pair_case(sns: Any, so: Any, d: Data) -> Figure:
    p = so.Plot(data={"a": d.x, "b": d.y, "c": d.z}, y="c").pair(x=["a", "b", d.w])
    return p.add(so.Dots()).layout(size=(6, 2.5)).plot()._figure


FIGURE_CASES: dict[str, FigureCase] = {
    "displot": lambda sns, so, d: sns.displot(x=d.x, hue=d.hue, col=d.col, height=2).figure,
    "displot[kde]": lambda sns, so, d: (
        sns.displot([d.x, d.y], kind="kde", height=2, aspect=1.5).figure
    ),
    "relplot": lambda sns, so, d: (
        sns.relplot(
            data={"t": d.time, "v": d.y, "h": d.hue, "c": d.col},
            x="t",
            y="v",
            hue="h",
            col="c",
            kind="line",
            seed=0,
            height=2,
        ).figure
    ),
    "relplot[scatter]": lambda sns, so, d: (
        sns.relplot(x=d.x, y=d.y, size=d.size, row=d.col, height=2).figure
    ),
    "catplot": lambda sns, so, d: (
        sns.catplot(x=d.cat, y=d.y, col=d.col, kind="bar", seed=0, height=2).figure
    ),
    "catplot[strip]": lambda sns, so, d: sns.catplot(x=d.cat, y=d.y, hue=d.hue, height=2).figure,
    "lmplot": lambda sns, so, d: (
        sns.lmplot(
            d.frame(a=d.x, b=d.y, h=d.col), x="a", y="b", hue="h", n_boot=50, seed=0, height=2
        ).figure
    ),
    "jointplot": lambda sns, so, d: sns.jointplot(x=d.x, y=d.y, hue=d.hue, height=3).figure,
    "jointplot[reg]": lambda sns, so, d: (
        sns.jointplot(
            x=d.x, y=d.y, kind="reg", height=3, joint_kws={"n_boot": 50, "seed": 0}
        ).figure
    ),
    "pairplot": lambda sns, so, d: (
        sns.pairplot(d.frame(a=d.x, b=d.y, c=d.z, h=d.hue), hue="h", height=1.5).figure
    ),
    "pairplot[2d]": lambda sns, so, d: (
        sns.pairplot(d.mat if d.tensors else pd.DataFrame(d.mat), height=1.2).figure
    ),
    "clustermap": lambda sns, so, d: sns.clustermap(d.mat, figsize=(4, 4)).figure,
    "palplot": lambda sns, so, d: (sns.palplot(d.colors), seaborn.utils.plt.gcf())[1],
    "FacetGrid": _grid_case,
    "PairGrid": _pairgrid_case,
    "JointGrid": _jointgrid_case,
    "objects.Plot": _objects_case,
    "objects.Plot[pair]": _objects_pair_case,
}


def _pixels(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return matplotlib.image.imread(buf, format="png")


def _draw_figure(sns: Any, so: Any, case: FigureCase, variant: str, tensors: bool) -> np.ndarray:
    _seeded()
    with _seaborn_warnings_ignored():
        fig = case(sns, so, Data(variant, tensors=tensors))
    return _pixels(fig)


@pytest.mark.parametrize("variant", VARIANTS)
@pytest.mark.parametrize("name", sorted(FIGURE_CASES))
def test_figure_level_tensor_figure_equals_numpy_figure(name, variant):
    case = FIGURE_CASES[name]
    test = _draw_figure(tsns, tso, case, variant, tensors=True)
    ref = _draw_figure(seaborn, seaborn.objects, case, variant, tensors=False)
    assert test.shape == ref.shape, f"figure sizes differ: {test.shape} vs {ref.shape}"
    differing = int(np.any(test != ref, axis=-1).sum())
    assert differing == 0, f"{differing} of {test.shape[0] * test.shape[1]} pixels differ"


# --------------------------------------------------------------------------- coverage

#: Public seaborn callables that take no data to plot, with the reason; every
#: other public function or class of ``seaborn`` must have a case above.
NOT_PLOTTING: dict[str, str] = {
    "axes_style": "style settings",
    "blend_palette": "builds a palette from colours",
    "choose_colorbrewer_palette": "interactive Jupyter widget",
    "choose_cubehelix_palette": "interactive Jupyter widget",
    "choose_dark_palette": "interactive Jupyter widget",
    "choose_diverging_palette": "interactive Jupyter widget",
    "choose_light_palette": "interactive Jupyter widget",
    "color_palette": "builds a palette",
    "crayon_palette": "builds a palette from colour names",
    "cubehelix_palette": "builds a palette",
    "dark_palette": "builds a palette",
    "desaturate": "colour utility",
    "despine": "styles an existing Axes",
    "diverging_palette": "builds a palette",
    "dogplot": "draws a downloaded picture; takes no data",
    "get_data_home": "dataset path utility",
    "get_dataset_names": "dataset listing (network)",
    "hls_palette": "builds a palette",
    "husl_palette": "builds a palette",
    "light_palette": "builds a palette",
    "load_dataset": "dataset download (network)",
    "move_legend": "moves an existing legend",
    "mpl_palette": "builds a palette from a colormap name",
    "plotting_context": "style settings",
    "reset_defaults": "style settings",
    "reset_orig": "style settings",
    "saturate": "colour utility",
    "set": "style settings",
    "set_color_codes": "style settings",
    "set_context": "style settings",
    "set_hls_values": "colour utility",
    "set_palette": "style settings",
    "set_style": "style settings",
    "set_theme": "style settings",
    "xkcd_palette": "builds a palette from colour names",
}

#: Base classes of ``seaborn.objects`` whose subclasses hold settings, not data:
#: marks, stats, moves and scales are exercised through ``Plot``.
OBJECTS_SETTINGS = (
    seaborn.objects.Mark,
    seaborn.objects.Stat,
    seaborn.objects.Move,
    seaborn.objects.Scale,
)


def _case_names() -> set[str]:
    return {name.split("[")[0] for name in (*AXES_CASES, *FIGURE_CASES)}


def test_every_seaborn_plotting_function_and_class_has_a_case():
    public = {
        n
        for n in dir(seaborn)
        if not n.startswith("_")
        and callable(getattr(seaborn, n))
        and not isinstance(getattr(seaborn, n), ModuleType)
    }
    covered = _case_names()
    missing = public - covered - set(NOT_PLOTTING)
    assert not missing, f"seaborn callables with no case and no exclusion: {sorted(missing)}"
    seaborn_level = {n for n in covered if not n.startswith("objects.")}
    stale = (seaborn_level | set(NOT_PLOTTING)) - public
    assert not stale, f"cases or exclusions for names seaborn no longer has: {sorted(stale)}"
    assert not covered & set(NOT_PLOTTING), "a name is both covered and excluded"


def test_every_seaborn_objects_class_has_a_case_or_holds_settings():
    public = {n for n in dir(seaborn.objects) if not n.startswith("_")}
    settings = {
        n
        for n in public
        if isinstance(getattr(seaborn.objects, n), type)
        and issubclass(getattr(seaborn.objects, n), OBJECTS_SETTINGS)
    }
    covered = {n.removeprefix("objects.") for n in _case_names() if n.startswith("objects.")}
    missing = public - settings - covered
    assert not missing, f"seaborn.objects names with no case: {sorted(missing)}"


def test_the_coverage_check_catches_a_new_seaborn_function(monkeypatch):
    # What seaborn 0.14 adding a plotting function would look like.
    monkeypatch.setattr(seaborn, "newplot", lambda data=None, **kwargs: None, raising=False)
    with pytest.raises(AssertionError, match="newplot"):
        test_every_seaborn_plotting_function_and_class_has_a_case()


# --------------------------------------------------------------------------- objects settings


def _settings_plots(so: Any, v: Callable[[Any], Any]) -> list[Any]:
    """Plots whose marks, stats, moves and scales are given ``v(values)`` (tensors or arrays)."""
    g = np.random.default_rng(5)
    x, y, c = g.standard_normal(40), g.standard_normal(40), g.integers(0, 3, 40)
    return [
        so.Plot(x=x, y=y).add(so.Dot(color=v([1.0, 0, 0]), alpha=v(0.5))),
        so.Plot(x=x).add(so.Area(), so.KDE(bw_adjust=v(0.5))),
        so.Plot(x=x).add(so.Bars(), so.Hist(binrange=(v(-1.0), v(1.0)))),
        so.Plot(x=c, y=y).add(so.Dot(), so.Perc(v([25, 50, 75]))),
        so.Plot(x=c, y=y).add(so.Dots(), so.Jitter(width=v(0.3), seed=0)),
        so.Plot(x=c, y=y, color=c > 0).add(so.Bar(), so.Agg(), so.Dodge(gap=v(0.1))),
        so.Plot(x=x, y=y).add(so.Dot(), so.Shift(x=v(1.0))),
        so.Plot(x=x, y=y, color=c).add(so.Dot()).scale(color=so.Nominal(order=v([2, 0, 1]))),
        so.Plot(x=x, y=y).add(so.Dot()).scale(x=so.Continuous().tick(at=v([-1.0, 0, 1]))),
    ]


def _as_tensor(value: Any) -> Any:
    t = torch.tensor(value)
    return t.float().requires_grad_() if t.is_floating_point() else t


def test_objects_settings_take_tensors_as_their_numpy_equivalents():
    # so.Dot(alpha=t), so.Hist(binrange=(t0, t1)), Scale.tick(at=t): seaborn
    # keeps these settings as given and failed on (or kept) the tensors.
    ours = _settings_plots(tso, _as_tensor)
    theirs = _settings_plots(seaborn.objects, np.asarray)
    for i, (test, ref) in enumerate(zip(ours, theirs, strict=True)):
        with _seaborn_warnings_ignored():
            a, b = _pixels(test.plot()._figure), _pixels(ref.plot()._figure)
        assert a.shape == b.shape and not np.any(a != b), f"plot {i} differs"


def test_objects_settings_keep_no_tensor():
    alpha = torch.tensor(0.5, requires_grad=True)
    dot = tso.Dot(alpha=alpha)
    plotter = tso.Plot(x=torch.arange(3.0), y=torch.arange(3.0)).add(dot).plot()
    kept = weakref.ref(alpha)
    del alpha, dot
    gc.collect()
    assert kept() is None
    assert plotter._figure.axes[0].collections


def _chained(so, x, y, v):
    return {
        "plot_then_layer": lambda: so.Plot(x=x, y=y, color=v).add(so.Dot(), marker=v),
        "two_layers": lambda: so.Plot(x=x, y=y).add(so.Dot(), color=v).add(so.Line(), color=v),
        "layer_then_scale": lambda: so.Plot(x=x, y=y, color=v).add(so.Dot(), pointsize=v),
    }


@pytest.mark.parametrize("framework", ["torch", "jax"])
@pytest.mark.parametrize("chain", ["plot_then_layer", "two_layers", "layer_then_scale"])
@EQUAL
def test_one_tensor_in_two_calls_of_a_plot_chain_is_one_vector(fig_test, fig_ref, chain, framework):
    # seaborn merges legends by the vector's identity across the chain too: the
    # tensor converted afresh in each call drew two legends (298-826 px).
    g = np.random.default_rng(6)
    x, y, labels = g.standard_normal(30), g.standard_normal(30), g.integers(0, 2, 30) > 0
    if framework == "torch":
        t = torch.from_numpy(labels)
    else:
        t = pytest.importorskip("jax").numpy.asarray(labels)
    _chained(tso, x, y, t)[chain]().on(fig_test).plot()
    _chained(seaborn.objects, x, y, labels)[chain]().on(fig_ref).plot()


def test_a_plot_chain_keeps_no_tensor_and_sees_in_place_changes_as_new_vectors():
    t = torch.tensor([0, 1, 0, 1])
    first = tso.Plot(x=[0, 1, 2, 3], y=[0, 1, 2, 3], color=t)
    t.add_(1)  # the chain's later calls see the tensor as it is then
    second = first.add(tso.Dot(), marker=t)
    layer = second._layers[0]["vars"]["marker"]
    np.testing.assert_array_equal(layer, [1, 2, 1, 2])
    np.testing.assert_array_equal(first._data.source_vars["color"], [0, 1, 0, 1])
    kept = weakref.ref(t)
    del t
    gc.collect()
    assert kept() is None


def test_a_plot_chain_lets_go_of_the_arrays_of_freed_tensors():
    # A long-lived base Plot kept an array of every tensor its clones were given.
    from torchplot.seaborn import _vectors

    base = tso.Plot(x=np.arange(1000.0))
    for _ in range(5):
        base.add(tso.Dot(), y=torch.randn(1000))
    gc.collect()
    assert len(_vectors.vectors_of(base)) == 0
    key = id(base)
    del base
    gc.collect()
    assert key not in _vectors._CHAINS


def test_inference_mode_tensors_plot_in_seaborn():
    # They keep no version counter (reading it raises): the chain's memo broke
    # every seaborn call given one.
    with torch.inference_mode():
        t = torch.arange(5.0)
    tsns.scatterplot(x=t, y=t)
    tso.Plot(x=t, y=t).add(tso.Dot()).add(tso.Line(), y=t).plot()


def test_a_users_plot_subclass_with_eq_keeps_working():
    import dataclasses

    @dataclasses.dataclass
    class Labelled(tso.Plot):  # dataclasses make instances unhashable
        note: str = ""

        def __post_init__(self):
            super().__init__(x=[0.0, 1.0], y=[1.0, 0.0])

    Labelled().add(tso.Dot(), color=torch.tensor([0, 1])).plot()


@EQUAL
def test_one_tensor_as_two_variables_is_one_vector(fig_test, fig_ref):
    # seaborn merges the legends of variables given the very same vector.
    g = np.random.default_rng(6)
    x, y, labels = g.standard_normal(30), g.standard_normal(30), g.integers(0, 2, 30) > 0
    t = torch.from_numpy(labels)
    tso.Plot(x=x, y=y, color=t, marker=t).add(tso.Dot()).on(fig_test).plot()
    seaborn.objects.Plot(x=x, y=y, color=labels, marker=labels).add(seaborn.objects.Dot()).on(
        fig_ref
    ).plot()


# --------------------------------------------------------------------------- long-form data
# case(sns, data) -> the Figure drawn from ``data``, a long-form dict with an
# entry named by no variable.


def _on_axes(draw: Callable[[Any], Any]) -> Figure:
    ax = matplotlib.pyplot.figure().subplots()
    draw(ax)
    return ax.figure


LongFormCase = Callable[[Any, dict[str, Any]], Figure]

LONG_FORM_CASES: dict[str, LongFormCase] = {
    "scatterplot": lambda sns, data: _on_axes(
        lambda ax: sns.scatterplot(data=data, x="a", y="b", hue="h", size="w", style="c", ax=ax)
    ),
    "lineplot": lambda sns, data: _on_axes(
        lambda ax: sns.lineplot(data, x="t", y="b", hue="c", weights="w", seed=0, ax=ax)
    ),
    "lineplot[units]": lambda sns, data: _on_axes(
        lambda ax: sns.lineplot(data=data, x="t", y="b", units="c", estimator=None, ax=ax)
    ),
    "histplot": lambda sns, data: _on_axes(
        lambda ax: sns.histplot(data=data, x="a", hue="h", weights="w", ax=ax)
    ),
    "kdeplot": lambda sns, data: _on_axes(
        lambda ax: sns.kdeplot(data=data, x="a", y="b", levels=4, ax=ax)
    ),
    "ecdfplot": lambda sns, data: _on_axes(lambda ax: sns.ecdfplot(data=data, y="a", ax=ax)),
    "rugplot": lambda sns, data: _on_axes(
        lambda ax: sns.rugplot(data=data, x="a", y="b", hue="h", ax=ax)
    ),
    "barplot": lambda sns, data: _on_axes(
        lambda ax: sns.barplot(data=data, x="cat", y="b", hue="c", seed=0, ax=ax)
    ),
    "boxplot": lambda sns, data: _on_axes(lambda ax: sns.boxplot(data=data, x="cat", y="b", ax=ax)),
    "violinplot": lambda sns, data: _on_axes(
        lambda ax: sns.violinplot(data=data, x="b", y="cat", ax=ax)
    ),
    "boxenplot": lambda sns, data: _on_axes(
        lambda ax: sns.boxenplot(data=data, x="cat", y="b", ax=ax)
    ),
    "stripplot": lambda sns, data: _on_axes(
        lambda ax: sns.stripplot(data=data, x="cat", y="b", hue="h", ax=ax)
    ),
    "swarmplot": lambda sns, data: _on_axes(
        lambda ax: sns.swarmplot(data=data, x="cat", y="b", ax=ax)
    ),
    "pointplot": lambda sns, data: _on_axes(
        lambda ax: sns.pointplot(data=data, x="cat", y="b", hue="c", seed=0, ax=ax)
    ),
    # countplot(x=...) looks up the y it makes up, 1, in ``data`` too.
    "countplot": lambda sns, data: _on_axes(
        lambda ax: sns.countplot(data={**data, 1: data["b"]}, x="cat", hue="c", ax=ax)
    ),
    "regplot": lambda sns, data: _on_axes(
        lambda ax: sns.regplot(data=data, x="a", y="b", n_boot=50, seed=0, ax=ax)
    ),
    "residplot": lambda sns, data: _on_axes(
        lambda ax: sns.residplot(data=data, x="a", y="b", order=2, ax=ax)
    ),
    # kind="hist" draws its marginals with ``histplot(data=data, ...)``,
    # passing marginal_kws on: ``weights="w"`` is looked up in ``data`` there.
    "jointplot": lambda sns, data: (
        sns.jointplot(
            data=data, x="a", y="b", kind="hist", marginal_kws={"weights": "w"}, height=3
        ).figure
    ),
    "JointGrid": lambda sns, data: (
        sns.JointGrid(data=data, x="a", y="b", hue="c", height=3)
        .plot(sns.scatterplot, sns.kdeplot)
        .figure
    ),
}


def _long_form_data(d: Data, unused: Any) -> dict[str, Any]:
    names = {"a": d.x, "b": d.y, "w": d.w, "h": d.hue, "c": d.col, "cat": d.cat, "t": d.time}
    return {**names, "unused": unused}


@pytest.mark.parametrize("name", sorted(LONG_FORM_CASES))
def test_a_long_form_dict_entry_no_variable_names_is_never_converted(name):
    # seaborn reads only the entries its variables name: one it never reads
    # may be anything (seaborn draws beside an ``object()``); torchplot
    # converted every entry, so an unconvertible one raised.
    case = LONG_FORM_CASES[name]
    unused = torch.empty(3, device="meta")
    _seeded()
    with _seaborn_warnings_ignored():
        test = _pixels(case(tsns, _long_form_data(Data("grad", tensors=True), unused)))
    _seeded()
    with _seaborn_warnings_ignored():
        ref = _pixels(case(seaborn, _long_form_data(Data("grad", tensors=False), object())))
    assert test.shape == ref.shape
    assert int(np.any(test != ref, axis=-1).sum()) == 0


def _views(tensors: bool) -> dict[Any, Any]:
    rng = np.random.default_rng(3)
    values = [rng.normal(size=12).astype(np.float32) for _ in range(3)]
    if tensors:
        values = [torch.from_numpy(v).requires_grad_(True) * 1 for v in values]
    return dict(zip("abc", values, strict=True))


@pytest.mark.parametrize(
    "call",
    [
        lambda sns, d, ax: sns.histplot(d.values(), ax=ax),
        lambda sns, d, ax: sns.lineplot(data=d.values(), ax=ax),
        lambda sns, d, ax: sns.kdeplot(d.values(), ax=ax),
        lambda sns, d, ax: sns.histplot({v[0]: k for k, v in d.items()}.keys(), ax=ax),
    ],
    ids=["histplot-values", "lineplot-values", "kdeplot-values", "histplot-keys"],
)
@EQUAL
def test_a_dict_view_of_tensors_draws_what_the_numpy_dicts_view_draws(fig_test, fig_ref, call):
    # seaborn hands a view to pd.DataFrame, one row per array; the view made
    # a list was a collection of series (163,666 px differed for histplot).
    call(tsns, _views(tensors=True), torchplot.adopt(fig_test).subplots())
    call(seaborn, _views(tensors=False), fig_ref.subplots())
