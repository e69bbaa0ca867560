"""What torchplot.seaborn hands out accepts tensors; bad input gets seaborn's error, with shapes."""

from __future__ import annotations

import gc
import io
import warnings
import weakref
from collections.abc import Mapping

import matplotlib.image
import matplotlib.pyplot as mpl
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
from torchplot._twins import is_twin


def _pixels(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    buf.seek(0)
    return matplotlib.image.imread(buf, format="png")


def _grad(values: np.ndarray) -> torch.Tensor:
    return torch.from_numpy(values.astype(np.float32)).requires_grad_(True) * 1


def _host(t: torch.Tensor) -> np.ndarray:
    return t.detach().to("cpu", torch.float32).numpy().copy()


RNG = np.random.default_rng(1)
X = RNG.normal(size=40)
Y = RNG.normal(size=40)


# --------------------------------------------------------------------------- adoption


@check_figures_equal(extensions=["png"], tol=0)
def test_axes_from_axes_level_function_keeps_accepting_tensors(fig_test, fig_ref):
    # No ``ax=``: seaborn draws on pyplot's current Axes, which torchplot adopts.
    mpl.figure(fig_test)
    ax = tsns.histplot(_grad(X))
    assert is_twin(type(ax)) and is_twin(type(ax.figure))
    ax.plot(_grad(X), _grad(Y), color="k")
    ax.axvline(torch.tensor(0.5, dtype=torch.bfloat16))
    mpl.figure(fig_ref)
    ref = seaborn.histplot(_host(_grad(X)))
    ref.plot(_host(_grad(X)), _host(_grad(Y)), color="k")
    ref.axvline(np.float32(0.5))


@check_figures_equal(extensions=["png"], tol=0)
def test_torchplot_axes_keep_accepting_tensors_after_seaborn_drew(fig_test, fig_ref):
    ax = torchplot.adopt(fig_test).subplots()
    twin_type = type(ax)
    out = tsns.kdeplot(x=_grad(X), fill=True, ax=ax)
    assert out is ax and type(ax) is twin_type
    # Artists seaborn created are tensor-aware too.  (Read through the
    # Axes' lists: ``get_children`` would adopt what it hands out.)
    made = [*ax.collections, *ax.lines, *ax.patches, ax.xaxis.label]
    assert made and all(is_twin(type(a)) for a in made)
    ax.scatter(_grad(X), _grad(Y))
    ax.collections[-1].set_offsets(torch.stack([_grad(Y), _grad(X)], 1))
    ref = fig_ref.subplots()
    seaborn.kdeplot(x=_host(_grad(X)), fill=True, ax=ref)
    ref.scatter(_host(_grad(X)), _host(_grad(Y)))
    ref.collections[-1].set_offsets(np.stack([_host(_grad(Y)), _host(_grad(X))], 1))


def test_seaborn_draws_on_an_adopted_axes_as_on_a_plain_one(monkeypatch):
    # The twin's wrappers are not run for seaborn's own calls (it passes NumPy
    # and pandas only); the Axes is a twin again afterwards, and what seaborn
    # drew is adopted.
    from torchplot import _twins

    fig = torchplot.figure()
    ax = fig.subplots()
    twin_type = type(ax)
    seen = []
    original = _twins.convert_call

    def recording(args, kwargs, func, *rest):
        seen.append(func.__qualname__)
        return original(args, kwargs, func, *rest)

    monkeypatch.setattr(_twins, "convert_call", recording)
    tsns.histplot(_grad(X), ax=ax)
    # (The Axis objects, children of the Axes, stay adopted: a few calls.)
    assert not [q for q in seen if q.startswith(("Axes.", "_AxesBase.", "Patch.", "Rectangle."))]
    assert len(seen) < 20
    assert type(ax) is twin_type
    assert ax.patches and all(is_twin(type(p)) for p in ax.patches)
    ax.patches[0].set_height(torch.tensor(2.0, requires_grad=True))
    mpl.close(fig)


def test_an_adopted_axes_is_a_twin_again_after_seaborn_raised():
    fig = torchplot.figure()
    ax = fig.subplots()
    current = torchplot.figure()
    other = current.subplots()  # pyplot's current Axes: the one drawn on without ax=
    with pytest.raises(ValueError):
        tsns.scatterplot(x=_grad(X), y=_grad(Y[:7]), ax=ax)
    with pytest.raises(ValueError):
        tsns.scatterplot(x=_grad(X), y=_grad(Y[:7]))
    assert is_twin(type(ax)) and is_twin(type(other))
    mpl.close(fig)
    mpl.close(current)


def _grid_calls(g, to):
    g.axes[0, 1].plot(to(_grad(X[:5])), to(_grad(Y[:5])))
    g.axes.flat[0].axhline(to(torch.tensor(0.25)))


def test_grid_axes_accept_tensors():
    hue = torch.arange(40) % 2
    g = tsns.relplot(x=_grad(X), y=_grad(Y), col=hue, height=2)
    assert isinstance(g, tsns.FacetGrid) and type(g) is not seaborn.FacetGrid
    assert all(is_twin(type(ax)) for ax in g.axes.flat) and is_twin(type(g.figure))
    _grid_calls(g, lambda t: t)
    ref = seaborn.relplot(x=_host(_grad(X)), y=_host(_grad(Y)), col=hue.numpy(), height=2)
    _grid_calls(ref, lambda t: _host(t) if t.ndim else _host(t)[()])
    assert np.array_equal(_pixels(g.figure), _pixels(ref.figure))


def test_a_users_subclass_of_a_grid_twin_is_used_as_it_is():
    class MyGrid(tsns.FacetGrid):
        pass

    frame = pd.DataFrame({"x": X[:8], "y": Y[:8], "c": list("abababab")})
    g = MyGrid(frame, col="c", height=2)
    assert type(g) is MyGrid
    g.map(tsns.scatterplot, "x", "y")
    g.axes.flat[0].axhline(torch.tensor(0.5, requires_grad=True))
    assert np.asarray(g.axes.flat[0].lines[0].get_ydata()).tolist() == [0.5, 0.5]


def test_joint_grid_axes_accept_tensors():
    j = tsns.jointplot(x=_grad(X), y=_grad(Y), height=3)
    assert isinstance(j, tsns.JointGrid)
    for ax in (j.ax_joint, j.ax_marg_x, j.ax_marg_y):
        assert is_twin(type(ax))
    j.ax_joint.plot(_grad(X[:4]), _grad(Y[:4]))
    j.ax_marg_x.axvline(torch.tensor(0.0))
    ref = seaborn.jointplot(x=_host(_grad(X)), y=_host(_grad(Y)), height=3)
    ref.ax_joint.plot(_host(_grad(X[:4])), _host(_grad(Y[:4])))
    ref.ax_marg_x.axvline(0.0)
    assert np.array_equal(_pixels(j.figure), _pixels(ref.figure))


def test_pair_grid_diagonal_axes_added_by_map_diag_are_adopted():
    g = tsns.PairGrid({"a": _grad(X), "b": _grad(Y)}, height=1.5).map_diag(tsns.histplot)
    assert g.diag_axes is not None and all(is_twin(type(ax)) for ax in g.diag_axes)
    assert all(is_twin(type(ax)) for ax in g.figure.axes)
    g.diag_axes[0].plot(_grad(X[:3]))


def test_objects_plot_chain_stays_tensor_aware_and_its_figure_accepts_tensors():
    p = tso.Plot(x=_grad(X)).add(tso.Dot(), y=_grad(Y))
    assert isinstance(p, tso.Plot) and type(p) is tso.Plot
    p = p.facet(col=torch.arange(40) % 2)
    assert type(p) is tso.Plot
    plotter = p.plot()
    assert all(is_twin(type(ax)) for ax in plotter._figure.axes)
    plotter._figure.axes[0].plot(_grad(X[:3]))


@check_figures_equal(extensions=["png"], tol=0)
def test_objects_plot_on_a_torchplot_axes(fig_test, fig_ref):
    ax = torchplot.adopt(fig_test).subplots()
    tso.Plot(x=_grad(X), y=_grad(Y)).add(tso.Dots(), color=torch.arange(40) % 3).on(ax).plot()
    ax.axhline(torch.tensor(0.0))
    ref = fig_ref.subplots()
    seaborn.objects.Plot(x=_host(_grad(X)), y=_host(_grad(Y))).add(
        seaborn.objects.Dots(), color=np.arange(40) % 3
    ).on(ref).plot()
    ref.axhline(0.0)


def _draw_and_set(ax, h):
    # seaborn's artists, then tensors handed to them after the fact.
    tsns.scatterplot(x=_grad(X), y=_grad(Y), ax=ax)
    tsns.histplot(x=_grad(X), ax=ax)
    ax.collections[0].set_offsets(torch.stack([_grad(Y), _grad(X)], 1))
    ax.patches[0].set_height(h)
    with torch.no_grad():
        h.add_(5.0)  # in place, after plotting: the figure must not change


def _draw_and_set_ref(ax):
    seaborn.scatterplot(x=_host(_grad(X)), y=_host(_grad(Y)), ax=ax)
    seaborn.histplot(x=_host(_grad(X)), ax=ax)
    ax.collections[0].set_offsets(np.stack([_host(_grad(Y)), _host(_grad(X))], 1))
    ax.patches[0].set_height(np.float32(2.0))


@check_figures_equal(extensions=["png"], tol=0)
def test_artists_seaborn_draws_in_a_subfigure_accept_tensors(fig_test, fig_ref):
    h = torch.tensor(2.0, requires_grad=True)
    _draw_and_set(torchplot.adopt(fig_test).subfigures(1, 2)[0].subplots(), h)
    _draw_and_set_ref(fig_ref.subfigures(1, 2)[0].subplots())


@check_figures_equal(extensions=["png"], tol=0)
def test_artists_seaborn_draws_on_an_inset_axes_accept_tensors(fig_test, fig_ref):
    h = torch.tensor(2.0, requires_grad=True)
    _draw_and_set(torchplot.adopt(fig_test).subplots().inset_axes([0.5, 0.5, 0.4, 0.4]), h)
    _draw_and_set_ref(fig_ref.subplots().inset_axes([0.5, 0.5, 0.4, 0.4]))


def test_artists_seaborn_draws_on_a_nested_inset_in_a_subfigure_are_adopted():
    fig = torchplot.figure()
    inset = fig.subfigures(2, 1)[1].subfigures(1, 2)[1].subplots().inset_axes([0, 0, 0.5, 0.5])
    inner = inset.inset_axes([0.5, 0.5, 0.5, 0.5])
    assert tsns.kdeplot(x=X, fill=True, ax=inner) is inner
    # (Not ``get_children()``: that adopts what it returns.)
    assert inner.collections and all(is_twin(type(c)) for c in inner.collections)
    mpl.close(fig)


def _grid_of(sns, data, func):
    return sns.PairGrid(data, hue="h", height=1.5).map_offdiag(func).add_legend()


@pytest.mark.parametrize("name", ["kdeplot", "histplot"])
def test_pair_grid_collects_the_legend_of_torchplots_kdeplot_and_histplot(name):
    # seaborn turns the legend of these two on by identity, ``func is kdeplot``.
    frame = pd.DataFrame({"x": X, "y": Y, "h": np.arange(40) % 3})
    ref = _grid_of(seaborn, frame, getattr(seaborn, name))
    tensors = {k: torch.tensor(v.to_numpy()) for k, v in frame.items()}
    for g in (
        _grid_of(tsns, frame, getattr(tsns, name)),
        _grid_of(tsns, tensors, getattr(tsns, name)),
    ):
        assert [t.get_text() for t in g._legend.get_texts()] == ["0", "1", "2"]
        assert np.array_equal(_pixels(g.figure), _pixels(ref.figure))
        # The grid's Axes are twins again, and what seaborn drew is adopted.
        assert all(is_twin(type(ax)) for ax in g.figure.axes)
        assert all(is_twin(type(c)) for c in g.axes[1, 0].collections)
        g.axes[1, 0].plot(_grad(X[:3]))
        mpl.close(g.figure)
    mpl.close(ref.figure)


def test_a_grid_method_given_torchplots_function_converts_its_keyword_tensors():
    frame = pd.DataFrame({"x": X[:8], "y": Y[:8], "c": list("abababab")})
    g = tsns.FacetGrid(frame, col="c", height=2)
    g.map(tsns.scatterplot, "x", "y", s=torch.tensor(80.0, requires_grad=True))
    ref = seaborn.FacetGrid(frame, col="c", height=2).map(seaborn.scatterplot, "x", "y", s=80.0)
    assert np.array_equal(_pixels(g.figure), _pixels(ref.figure))
    assert all(is_twin(type(ax)) for ax in g.figure.axes)
    mpl.close(g.figure)
    mpl.close(ref.figure)


def test_the_users_function_beside_torchplots_draws_on_the_adopted_axes():
    # ``JointGrid.plot(joint_func, marginal_func)``: the user's function may
    # pass tensors to the grid's Axes, which must stay tensor-aware meanwhile.
    frame = pd.DataFrame({"x": X, "y": Y})
    g = tsns.JointGrid(data=frame, x="x", y="y", height=3)
    kinds = []

    def marginal(values, orientation, **kwargs):
        # (Not only the current Axes, which ``plt.sca`` adopts again.)
        kinds.append(is_twin(type(g.ax_joint)))
        g.ax_joint.axhline(torch.tensor(0.5, requires_grad=True))

    g.plot(tsns.scatterplot, marginal)  # seaborn draws the marginals first
    assert kinds == [True, True]
    assert [line.get_ydata()[0] for line in g.ax_joint.lines] == [0.5, 0.5]
    assert all(is_twin(type(ax)) for ax in g.figure.axes)
    mpl.close(g.figure)


# --------------------------------------------------------------------------- series naming


def test_list_of_tensors_becomes_separate_series_named_like_a_list_of_arrays():
    a, b, c = _grad(X), _grad(Y[:30]), _grad(Y[:10] + 2)
    ax = tsns.histplot([a, b, c])
    _, ax_ref = mpl.subplots()
    seaborn.histplot([_host(a), _host(b), _host(c)], ax=ax_ref)
    labels = [t.get_text() for t in ax.get_legend().get_texts()]
    assert labels == [t.get_text() for t in ax_ref.get_legend().get_texts()] == ["0", "1", "2"]
    # Three series drawn, not one collapsed series: three bar containers.
    assert len(ax.containers) == len(ax_ref.containers) == 3


def test_dict_of_tensors_names_the_series_by_key():
    ax = tsns.lineplot(data={"train": _grad(X), "val": _grad(Y)})
    assert [t.get_text() for t in ax.get_legend().get_texts()] == ["train", "val"]


# --------------------------------------------------------------------------- bad input


@pytest.mark.parametrize(
    "call",
    [
        lambda sns, a, b: sns.scatterplot(x=a, y=b),
        lambda sns, a, b: sns.histplot(x=a, weights=b),
        lambda sns, a, b: sns.boxplot(x=a, y=b),
        lambda sns, a, b: sns.lineplot(data={"p": a, "q": b}, x="p", y="q"),
        lambda sns, a, b: sns.jointplot(x=a, y=b),
        lambda sns, a, b: sns.regplot(x=a, y=b),
    ],
    ids=["scatterplot", "histplot-weights", "boxplot", "lineplot-data", "jointplot", "regplot"],
)
def test_length_mismatch_raises_seaborns_error_type_with_the_tensor_shapes(call):
    a, b = _grad(X), torch.arange(7, dtype=torch.float32)
    with pytest.raises(Exception) as ref_info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(seaborn, _host(a), b.numpy())
    with pytest.raises(Exception) as info, warnings.catch_warnings():
        warnings.simplefilter("ignore")
        call(tsns, a, b)
    assert type(info.value) is type(ref_info.value)
    message = str(info.value)
    assert str(ref_info.value) in message  # seaborn's own words first
    assert "shape (7,), dtype torch.float32, device cpu" in message
    assert "shape (40,), dtype torch.float32, device cpu" in message
    assert "same length" in message


@pytest.mark.parametrize(
    "call",
    [
        lambda sns, x, to: sns.histplot(x=to(x), bins=to(torch.tensor([2.0, 1.0, 0.0]))),
        lambda sns, x, to: sns.kdeplot(x=to(x), y=to(x + 1), levels=to(torch.tensor([0.5, 2.0]))),
        lambda sns, x, to: sns.heatmap(to(torch.ones(6, 5)), mask=to(torch.zeros(3, 5) > 0)),
        lambda sns, x, to: sns.histplot(data=[to(x), to(x[:7])], bins=to(torch.tensor([1.0, 0.0]))),
    ],
    ids=["histplot-bins", "kdeplot-levels", "heatmap-mask", "histplot-wide-list"],
)
def test_tensors_that_are_no_data_vectors_get_no_same_length_advice(call):
    x = torch.from_numpy(X.astype(np.float32))
    with pytest.raises(ValueError) as ref_info:
        call(seaborn, x, lambda t: t.numpy())
    with pytest.raises(ValueError) as info:
        call(tsns, x, lambda t: t)
    message = str(info.value)
    assert message.startswith(str(ref_info.value))
    assert "shape (40,), dtype torch.float32, device cpu" in message or "(6, 5)" in message
    assert "same length" not in message


def test_an_error_describes_a_list_of_alike_tensors_as_one_entry():
    # A loss history of 0-d tensors got one description per tensor: 519,025
    # characters for 10,000 tensors.
    losses = [torch.tensor(float(i), requires_grad=True) * 1 for i in range(1000)]
    with pytest.raises(ValueError) as ref_info:
        seaborn.lineplot(x=list(range(999)), y=[t.item() for t in losses])
    with pytest.raises(ValueError) as info:
        tsns.lineplot(x=list(range(999)), y=losses)
    message = str(info.value)
    assert message.startswith(str(ref_info.value) + "\n(torchplot: ")
    assert "y: list of 1000 tensors, each shape (), dtype torch.float32, device cpu" in message
    assert message.count("dtype") == 1 and len(message) < 400


def test_an_error_lists_at_most_eight_tensors_then_how_many_more():
    data = {f"v{i}": torch.zeros(i + 1) for i in range(20)}
    with pytest.raises(ValueError) as info:
        tsns.relplot(data=data, x="v0", y="v1")
    message = str(info.value)
    assert message.count("dtype") == 8
    assert "data['v7']: shape (8,), dtype torch.float32, device cpu; and 12 more." in message


def test_plot_names_a_positional_data_dict_data_in_conversion_errors():
    data = {"a": torch.arange(3.0), "state": torch.empty(3, device="meta")}
    with pytest.raises(TypeError, match=r"^Plot.__init__\(\) argument 'data'\['state'\]: "):
        tso.Plot(data, "a")


def test_a_long_form_dict_is_read_only_by_the_keys_the_call_names():
    # As seaborn reads it: a lazy mapping (an npz file, a dict of model
    # outputs) loads, and moves to the host, only what is drawn.
    class Recorded(Mapping):
        def __init__(self, **entries):
            self.entries, self.read = entries, []

        def __getitem__(self, key):
            self.read.append(key)
            return self.entries[key]

        def __contains__(self, key):
            return key in self.entries

        def __iter__(self):
            return iter(self.entries)

        def __len__(self):
            return len(self.entries)

    unread = torch.empty(2, device="meta")  # converting it would raise
    data = Recorded(x=_grad(X), y=_grad(Y), h=torch.arange(40) % 2, unread=unread)
    ax = tsns.scatterplot(data=data, x="x", y="y", hue="h")
    assert sorted(data.read) == ["h", "x", "y"]
    assert data.entries["unread"] is unread and len(ax.collections[0].get_offsets()) == 40


@pytest.mark.parametrize(
    "call",
    [
        # relplot, displot and catplot build ``pd.DataFrame(data)`` for ``g.data``.
        lambda data: tsns.relplot(data=data, x="x", y="y"),
        lambda data: tsns.displot(data=data, x="x"),
        # With one of x and y, jointplot's marginal histplot reads data as wide form.
        lambda data: tsns.jointplot(data=data, x="x", kind="hist"),
        # A Plot keeps its data and looks up the keys its later calls name.
        lambda data: tso.Plot(data, x="x", y="y"),
        # Wide form: every entry is a series.
        lambda data: tsns.lineplot(data=data),
    ],
    ids=["relplot", "displot", "jointplot-one-axis", "objects.Plot", "wide-form"],
)
def test_where_seaborn_reads_all_of_a_data_dict_all_of_it_is_converted(call):
    data = {"x": _grad(X), "y": _grad(Y), "extra": torch.empty(2, device="meta")}
    with pytest.raises(TypeError, match=r"argument 'data'\['extra'\]: cannot plot a tensor"):
        call(data)


def test_a_plot_reads_keys_its_later_calls_name_from_its_data():
    data = {"x": _grad(X), "y": _grad(Y), "c": torch.arange(40) % 2}
    plot = tso.Plot(data, x="x", y="y").facet(col="c").add(tso.Dot(), color="c")
    ref = {k: _host(v) if v.is_floating_point() else v.numpy() for k, v in data.items()}
    plain = (
        seaborn.objects.Plot(ref, x="x", y="y").facet(col="c").add(seaborn.objects.Dot(), color="c")
    )
    assert np.array_equal(_pixels(plot.plot()._figure), _pixels(plain.plot()._figure))


def test_unconvertible_tensor_gets_the_core_rules_error():
    message = r"histplot\(\) argument 'x': cannot plot a tensor that holds no data"
    with pytest.raises(TypeError, match=message):
        tsns.histplot(x=torch.empty(5, device="meta"))


def test_errors_without_tensors_are_seaborns_own_untouched():
    with pytest.raises(ValueError) as info:
        tsns.scatterplot(x=X, y=Y[:7])
    with pytest.raises(ValueError) as ref_info:
        seaborn.scatterplot(x=X, y=Y[:7])
    assert str(info.value) == str(ref_info.value)
    # DataFrame-only functions keep rejecting a dict that holds no tensor, as seaborn does.
    with pytest.raises(TypeError, match="must be pandas DataFrame"):
        tsns.pairplot({"a": X})


# --------------------------------------------------------------------------- no aliasing, no change


def test_figure_keeps_no_reference_to_the_tensor_and_ignores_later_in_place_changes():
    t = torch.from_numpy(X.astype(np.float32))
    ax = tsns.scatterplot(x=t, y=t * 2)
    before = _pixels(ax.figure)
    t.add_(10.0)
    assert np.array_equal(_pixels(ax.figure), before)
    g = tsns.jointplot(x=t, y=t * 2, height=2)
    ref = weakref.ref(t)
    del t
    gc.collect()
    assert ref() is None
    assert ax.figure.number in mpl.get_fignums() and g.figure.number in mpl.get_fignums()


def test_a_call_without_tensors_passes_seaborns_own_arguments():
    df = pd.DataFrame({"a": X, "b": Y})
    seen = {}
    original = seaborn.scatterplot

    def spy(*args, **kwargs):
        seen["args"], seen["kwargs"] = args, kwargs
        return original(*args, **kwargs)

    wrapped = tsns._wrap.tensor_aware(spy)
    wrapped(df, x="a", y="b")
    assert seen["args"][0] is df and seen["kwargs"] == {"x": "a", "y": "b"}


@check_figures_equal(extensions=["png"], tol=0)
def test_numpy_input_draws_exactly_what_seaborn_draws(fig_test, fig_ref):
    tsns.violinplot(x=X, y=Y > 0, ax=torchplot.adopt(fig_test).subplots())
    seaborn.violinplot(x=X, y=Y > 0, ax=fig_ref.subplots())


@pytest.mark.gpu
def test_cuda_tensors_in_a_grid_and_its_axes():
    t = _grad(X).to("cuda")
    g = tsns.displot(x=t, col=(torch.arange(40) % 2).to("cuda"), height=2)
    g.axes[0, 0].plot(t[:5])
    ref = seaborn.displot(x=_host(t), col=np.arange(40) % 2, height=2)
    ref.axes[0, 0].plot(_host(t[:5]))
    assert np.array_equal(_pixels(g.figure), _pixels(ref.figure))


# ------------------------------------------------------------- 0-d tensors as flags and counts

MATRIX = np.arange(12, dtype=np.float64).reshape(3, 4)
TIPS = pd.DataFrame({"day": np.repeat(["a", "b"], 20), "v": X})


@pytest.mark.parametrize(
    ("draw", "scalar"),
    [
        (lambda sns, s: sns.heatmap(MATRIX, xticklabels=s), 2),
        (lambda sns, s: sns.heatmap(MATRIX, annot=s), True),
        (lambda sns, s: sns.boxenplot(TIPS, x="day", y="v", k_depth=s), 3),
        (lambda sns, s: sns.histplot(np.exp(X), log_scale=s), True),
        (
            lambda sns, s: sns.pointplot(TIPS, x="day", y="v", hue="day", dodge=s, errorbar=None),
            True,
        ),
        (lambda sns, s: sns.stripplot(TIPS, x="day", y="v", jitter=s), True),
    ],
)
def test_zero_d_int_and_bool_tensors_mean_what_the_python_scalar_means(draw, scalar):
    # seaborn checks these with isinstance(v, int), isinstance(v, bool) or v is True.
    figs = []
    for sns, value in ((tsns, torch.tensor(scalar)), (seaborn, scalar)):
        fig = mpl.figure(figsize=(3, 2), dpi=50)
        np.random.seed(0)  # stripplot's jitter
        draw(sns, value)
        figs.append(_pixels(fig))
        mpl.close(fig)
    assert np.array_equal(*figs)


# --------------------------------------------------------------------------- pipe and apply


GRID_DATA = pd.DataFrame({"a": [1.0, 2.0, 3.0, 4.0], "b": [4.0, 3.0, 1.0, 2.0], "c": [0, 0, 1, 1]})


def _every_grid(sns):
    return [
        sns.FacetGrid(GRID_DATA, col="c", height=1),
        sns.PairGrid(GRID_DATA, vars=["a", "b"], height=1),
        sns.JointGrid(data=GRID_DATA, x="a", y="b", height=3),
        sns.clustermap(MATRIX, row_cluster=False, col_cluster=False, figsize=(2, 2)),
    ]


def test_pipe_and_apply_hand_the_users_function_the_tensors_themselves_as_seaborn_does():
    # seaborn's pipe/apply call func(grid, *args, **kwargs) and nothing else:
    # the function is the user's, so it gets the very objects it was given.
    t, w = torch.arange(3.0), torch.ones(2, requires_grad=True)
    for g in _every_grid(tsns):
        seen = []

        def record(grid, v, *, weight, seen=seen):
            seen.append((grid, v, weight))
            return v

        assert g.pipe(record, t, weight=w) is t
        assert g.apply(record, t, weight=w) is g
        assert len(seen) == 2
        assert all(grid is g and v is t and weight is w for grid, v, weight in seen)
        # What the function draws with the tensor on the grid's Axes is adopted as usual.
        g.apply(lambda grid, v: grid.figure.axes[0].plot(v), t)
        assert np.array_equal(g.figure.axes[0].lines[-1].get_ydata(), t.numpy())
        mpl.close(g.figure)


def test_map_keyword_arguments_still_reach_the_plotting_function_as_arrays():
    g = tsns.FacetGrid(GRID_DATA, col="c", height=1)
    kinds = []
    g.map(lambda *args, weight, **kwargs: kinds.append(type(weight)), "a", weight=torch.ones(2))
    assert kinds and all(k is np.ndarray for k in kinds)
    mpl.close(g.figure)


def test_error_about_a_strided_nested_tensor_describes_it():
    # Reading a strided nested tensor's shape raises a PyTorch internal error.
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # nested tensors are a prototype
        nested = torch.nested.nested_tensor([torch.arange(3.0), torch.arange(2.0)])
    with pytest.raises(ValueError, match=r"x: shape \[\(3,\), \(2,\)\] \(nested\)"):
        tsns.lineplot(x=nested, y=torch.arange(3.0))
