"""``hist`` of a tensor draws exactly what Matplotlib draws for the converted array.

The device path (counts on the tensor's device, bars from Matplotlib's own
``hist``) is forced on CPU tensors here (``DEVICE_PATH_ON_CPU``), so the same
code a CUDA tensor takes is compared pixel for pixel (tol=0) and value for
value with plain Matplotlib.  The default CPU path (NumPy on an in-place view)
is compared too.
"""

from __future__ import annotations

import math
import warnings

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
from matplotlib.testing.decorators import check_figures_equal

torch = pytest.importorskip("torch")

import torchplot  # noqa: E402
from torchplot._layers import hist_device  # noqa: E402


@pytest.fixture(params=["device", "cpu-default"])
def path(request, monkeypatch):
    """Run a test on the device path (forced on CPU) and on the default CPU path."""
    calls = []
    real = hist_device.histogram

    def spy(*a, **k):
        calls.append(1)
        return real(*a, **k)

    monkeypatch.setattr(hist_device, "histogram", spy)
    monkeypatch.setattr(hist_device, "DEVICE_PATH_ON_CPU", request.param == "device")
    return request.param, calls


def _data(n=3000, seed=0, dtype=torch.float32):
    g = torch.Generator().manual_seed(seed)
    return torch.randn(n, generator=g, dtype=torch.float64).to(dtype)


def _on_edges():
    # Values exactly on NumPy's edges, and next to them.
    a = torchplot.to_numpy(_data(500))
    e = np.histogram_bin_edges(a, 10).astype(np.float32)
    vals = np.concatenate(
        [a, e, np.nextafter(e, np.float32(-np.inf)), np.nextafter(e, np.float32(np.inf))]
    )
    return torch.from_numpy(np.clip(vals, a.min(), a.max()).astype(np.float32))


def _nan_laden():
    t = _data()
    t[::5] = float("nan")
    return t


DATA = {
    "float32": lambda: _data(),
    "float64": lambda: _data(dtype=torch.float64),
    "float16": lambda: _data(dtype=torch.float16),
    "bfloat16": lambda: _data(dtype=torch.bfloat16),
    "int32": lambda: (_data() * 20).to(torch.int32),
    "all_equal": lambda: torch.full((100,), 2.5),
    "on_edges": _on_edges,
    "nan_laden": _nan_laden,
    "grad": lambda: _data().requires_grad_(),
    # No memory to view: NumPy's view of a CPU tensor cannot be taken.
    "zero_tensor": lambda: torch._efficientzerotensor(50),
}

KWARGS = {
    "default": {},
    "bins_int": {"bins": 37},
    "bins_edges": {"bins": [-3.0, -1.0, -0.5, 0.0, 0.25, 2.0, 3.0]},
    "bins_auto": {"bins": "auto"},
    "bins_sturges": {"bins": "sturges"},
    "range": {"bins": 20, "range": (-1.0, 1.5)},
    "density": {"bins": 25, "density": True},
    "cumulative": {"cumulative": True},
    "cumulative_rev_density": {"cumulative": -1, "density": True},
    "step": {"histtype": "step", "bins": 15},
    "stepfilled": {"histtype": "stepfilled", "bins": 15},
    "log": {"log": True, "bins": 30},
    "horizontal": {"orientation": "horizontal", "align": "left", "rwidth": 0.5},
    "styled": {"color": "C3", "edgecolor": "k", "label": "x", "bottom": 1.0},
}


def _draw(ax, x, **kwargs):
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        return ax.hist(x, **kwargs)


@pytest.mark.parametrize("data", list(DATA))
@check_figures_equal(extensions=["png"], tol=0)
def test_hist_data_kinds(fig_test, fig_ref, data, path):
    t = DATA[data]()
    torchplot.adopt(fig_test)
    _draw(fig_test.subplots(), t, bins=13)
    _draw(fig_ref.subplots(), torchplot.to_numpy(t), bins=13)
    mode, calls = path
    assert bool(calls) == (mode == "device")


@pytest.mark.parametrize("layout", [torch.strided, torch.jagged])
@check_figures_equal(extensions=["png"], tol=0)
def test_hist_of_a_nested_tensor_is_hist_of_its_list(fig_test, fig_ref, layout, path):
    parts = [_data(40, seed=1), _data(25, seed=2) * 2]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)  # nested tensors are a prototype
        t = torch.nested.nested_tensor(parts, layout=layout)
    _draw(torchplot.adopt(fig_test).subplots(), t, bins=9)
    _draw(fig_ref.subplots(), [p.numpy() for p in parts], bins=9)
    assert not path[1]  # Matplotlib counts a list of datasets; the device path does not


@pytest.mark.parametrize("kw", list(KWARGS))
@check_figures_equal(extensions=["png"], tol=0)
def test_hist_options(fig_test, fig_ref, kw, path):
    t = _data()
    torchplot.adopt(fig_test)
    _draw(fig_test.subplots(), t, **KWARGS[kw])
    _draw(fig_ref.subplots(), torchplot.to_numpy(t), **KWARGS[kw])
    mode, calls = path
    assert bool(calls) == (mode == "device")


@pytest.mark.parametrize(
    "kw",
    [
        {},
        {"stacked": True},
        {"histtype": "barstacked", "density": True},
        {"histtype": "step", "stacked": True},
        {"histtype": "stepfilled"},
        {"bins": "auto"},
        {"bins": [-2.0, 0.0, 0.5, 2.0], "cumulative": True},
        {"stacked": True, "density": True, "label": ["a", "b", "c"]},
    ],
    ids=lambda kw: "-".join(map(str, kw)) or "default",
)
@check_figures_equal(extensions=["png"], tol=0)
def test_hist_multiple_datasets(fig_test, fig_ref, kw, path):
    t = torch.stack([_data(800, 1), _data(800, 2) * 2 + 1, _data(800, 3) - 1], dim=1)  # 3 datasets
    torchplot.adopt(fig_test)
    _draw(fig_test.subplots(), t, **kw)
    _draw(fig_ref.subplots(), torchplot.to_numpy(t), **kw)


@pytest.mark.parametrize("weighted_bins", [10, [-2.0, 0.0, 0.1, 2.0]])
@check_figures_equal(extensions=["png"], tol=0)
def test_hist_integer_weights(fig_test, fig_ref, weighted_bins, path):
    t = _data()
    w = torch.randint(0, 5, t.shape, generator=torch.Generator().manual_seed(4))
    torchplot.adopt(fig_test)
    _draw(fig_test.subplots(), t, bins=weighted_bins, weights=w, density=True)
    _draw(
        fig_ref.subplots(),
        torchplot.to_numpy(t),
        bins=weighted_bins,
        weights=w.numpy(),
        density=True,
    )
    mode, calls = path
    assert bool(calls) == (mode == "device")


@check_figures_equal(extensions=["png"], tol=0)
def test_hist_float_weights_fall_back(fig_test, fig_ref, path):
    t = _data()
    w = torch.rand(t.shape, generator=torch.Generator().manual_seed(4))
    torchplot.adopt(fig_test)
    _draw(fig_test.subplots(), t, weights=w)
    _draw(fig_ref.subplots(), torchplot.to_numpy(t), weights=w.numpy())


@pytest.mark.parametrize(
    "weights",
    [lambda: [1, 2, 0, 3, 1, 0] * 50, lambda: np.arange(300).reshape(150, 2) % 4],
    ids=["list", "2d_array"],
)
@check_figures_equal(extensions=["png"], tol=0)
def test_hist_non_tensor_integer_weights(fig_test, fig_ref, weights, path):
    t = _data(300)
    w = weights()
    x = t if np.ndim(w) == 1 else t.reshape(150, 2)
    _draw(torchplot.adopt(fig_test).subplots(), x, bins=7, weights=w)
    _draw(fig_ref.subplots(), torchplot.to_numpy(x), bins=7, weights=w)
    mode, calls = path
    assert bool(calls) == (mode == "device")


def _matplotlib_error(x, weights):
    """What Matplotlib raises for the arrays the rule makes of ``x`` and ``weights``."""
    with pytest.raises(Exception) as expected:
        mpl_plt.figure().subplots().hist(torchplot.to_numpy(x), weights=torchplot.to_numpy(weights))
    return expected.type, str(expected.value)


@pytest.mark.parametrize(
    ("shape", "weights"),
    [
        ((10,), 3),
        ((10,), torch.tensor(3)),
        # A list is split into rows by Matplotlib, a 2-D tensor into columns.
        ((10, 2), [[1, 2]] * 10),
    ],
    ids=["scalar", "0d_tensor", "list_of_rows"],
)
def test_hist_weights_matplotlib_refuses_raise_its_error(shape, weights, path):
    x = torch.arange(20.0)[: math.prod(shape)].reshape(shape)
    error, message = _matplotlib_error(x, weights)
    with pytest.raises(error) as got:
        torchplot.figure().subplots().hist(x, weights=weights)
    assert str(got.value) == message


@check_figures_equal(extensions=["png"], tol=0)
def test_pyplot_hist(fig_test, fig_ref, path):
    t = _data()
    mpl_plt.figure(fig_test)  # make fig_test current for the pyplot call
    torchplot.hist(t, bins=21, density=True)
    fig_ref.subplots().hist(torchplot.to_numpy(t), bins=21, density=True)


@pytest.mark.parametrize("kw", [{}, {"density": True, "cumulative": True}, {"histtype": "step"}])
@pytest.mark.parametrize("columns", [1, 3])
def test_hist_return_values_equal(kw, columns, path):
    t = torch.stack([_data(500, s) for s in range(columns)], dim=1) if columns > 1 else _data()
    fig_t, fig_r = torchplot.figure(), mpl_plt.figure()
    n_t, bins_t, patches_t = fig_t.subplots().hist(t, **kw)
    n_r, bins_r, patches_r = fig_r.subplots().hist(torchplot.to_numpy(t), **kw)
    np.testing.assert_array_equal(n_t, n_r, strict=True)
    np.testing.assert_array_equal(bins_t, bins_r, strict=True)
    assert type(patches_t).__name__ == type(patches_r).__name__
    assert len(patches_t) == len(patches_r)
    if columns == 1 and kw.get("histtype", "bar") == "bar":
        assert [p.get_height() for p in patches_t] == [p.get_height() for p in patches_r]


@pytest.mark.parametrize("special", ["inf", "all_nan"])
def test_hist_errors_are_matplotlibs(special, path):
    t = _data(100)
    if special == "inf":
        t[3] = float("inf")
    else:
        t[:] = float("nan")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        with pytest.raises(ValueError) as expected:
            mpl_plt.figure().subplots().hist(torchplot.to_numpy(t))
        with pytest.raises(ValueError) as got:
            torchplot.figure().subplots().hist(t)
    assert str(got.value) == str(expected.value)


@pytest.mark.parametrize("kw", [{"bins": 1}, {"bins": 10, "range": (-65566.3, 38680.4)}], ids=str)
def test_hist_of_a_float16_span_past_its_largest_value_is_numpys_error(kw, path):
    # NumPy's bin estimate overflows (NaN) and it raises; nothing is drawn.
    # (NumPy 1.x counts the given range in float64: it draws, and so must torchplot.)
    t = torch.tensor([-60000.0, -100.0, 0.0, 100.0, 60000.0], dtype=torch.float16)

    def outcome(ax, x):
        try:
            counts, bins, _ = ax.hist(x, **kw)
        except IndexError as exc:
            return str(exc)
        return counts.tolist(), bins.tolist()

    with warnings.catch_warnings():
        warnings.simplefilter("ignore", RuntimeWarning)
        expected = outcome(mpl_plt.figure().subplots(), t.numpy())
        got = outcome(torchplot.figure().subplots(), t)
    assert got == expected
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0" or "range" not in kw:
        assert isinstance(expected, str), expected


@pytest.mark.parametrize(
    "kw", [{}, {"bins": 7}, {"range": (-1.0, 1.0)}, {"bins": [0.0, 1.0, 2.0]}], ids=str
)
@pytest.mark.parametrize("shape", [(6,), (6, 3)], ids=["1d", "2d"])
def test_hist_of_a_meta_tensor_raises_the_rules_error(shape, kw, path):
    # A meta tensor is not on an accelerator: it has no values to count.
    t = torch.empty(shape, device="meta", requires_grad=True)
    with pytest.raises(TypeError, match=r"Axes\.hist\(\) argument 'x': .*holds no data.*meta"):
        torchplot.figure().subplots().hist(t, **kw)
    _, calls = path
    assert not calls  # the counting code never ran on it


@pytest.mark.parametrize(
    ("name", "value"),
    [
        ("weights", lambda: torch.ones(50, dtype=torch.int64, device="meta")),
        ("bins", lambda: torch.linspace(-1, 1, 5, device="meta")),
        ("range", lambda: torch.tensor([-1.0, 1.0], device="meta")),
    ],
    ids=["weights", "bins", "range"],
)
def test_hist_meta_keyword_raises_the_rules_error_naming_it(name, value, path):
    with pytest.raises(TypeError, match=rf"Axes\.hist\(\) argument '{name}': .*device meta"):
        torchplot.figure().subplots().hist(_data(50), **{name: value()})


def test_hist_of_a_dtype_only_ml_dtypes_names_raises_the_rules_error(path):
    # ml_dtypes (loaded by JAX) teaches NumPy the name uint4; torch has no ops for it.
    pytest.importorskip("ml_dtypes")
    with pytest.raises(TypeError, match=r"argument 'x'.*torch\.uint4"):
        torchplot.figure().subplots().hist(torch.empty(8, dtype=torch.uint4))


def test_hist_of_a_models_meta_weight_raises_the_rules_error(path):
    w = torch.nn.Linear(3, 3, device="meta").weight
    with pytest.raises(TypeError, match=r"argument 'x'.*shape \(3, 3\).*device meta.*Fix:"):
        torchplot.hist(w)


def test_hist_of_a_lazy_modules_parameter_raises_the_rules_error(path):
    w = torch.nn.LazyLinear(4).weight
    with pytest.raises(TypeError, match=r"argument 'x'.*run the module's forward once first"):
        torchplot.figure().subplots().hist(w, bins=5)
    assert torch.nn.parameter.is_lazy(w)


@pytest.mark.parametrize("transform", ["grad", "vmap"])
def test_hist_inside_a_torch_func_transform_raises_the_rules_error(transform, path):
    def f(x):
        torchplot.figure().subplots().hist(x)
        return x.sum()

    with pytest.raises(TypeError, match=r"argument 'x'.*plot outside the torch.func transform"):
        if transform == "grad":
            torch.func.grad(f)(_data(50))
        else:
            torch.vmap(f)(_data(100).reshape(2, 50))


def test_hist_inside_grad_of_a_tensor_made_outside_raises_the_rules_error(path):
    # Not a transform's tensor, yet read through the transform: NumPy's view failed raw.
    outside = _data(50)
    errors = []

    def loss(x):
        with pytest.raises(TypeError, match=r"inside a torch\.func transform") as err:
            torchplot.figure().subplots().hist(outside)
        errors.append(err.value)
        return x.sum()

    torch.func.grad(loss)(torch.ones(3))
    assert "Axes.hist() argument 'x'" in str(errors[0])
    torchplot.figure().subplots().hist(outside)  # and outside the transform, as ever


def test_hist_keeps_no_reference_to_the_tensor(path):
    t = _data()
    fig = torchplot.figure()
    n, _, _ = fig.subplots().hist(t)
    before = n.copy()
    t.mul_(100)  # an in-place change after plotting
    np.testing.assert_array_equal(fig.axes[0].containers[0].datavalues, before)


@pytest.mark.gpu
@pytest.mark.parametrize(
    "kw", [{}, {"bins": "auto", "density": True}, {"histtype": "step", "range": (-1, 1)}]
)
def test_cuda_hist_equals_matplotlib(kw):
    t = _data(1_000_000).cuda()
    n_t, bins_t, _ = torchplot.figure().subplots().hist(t, **kw)
    n_r, bins_r, _ = mpl_plt.figure().subplots().hist(t.cpu().numpy(), **kw)
    np.testing.assert_array_equal(n_t, n_r, strict=True)
    np.testing.assert_array_equal(bins_t, bins_r, strict=True)
