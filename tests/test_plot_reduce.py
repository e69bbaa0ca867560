"""``plot(y, reduce=True)``: M4 reduction, fallbacks, re-reduction on zoom, pixel difference."""

from __future__ import annotations

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
from matplotlib.testing.decorators import check_figures_equal

torch = pytest.importorskip("torch")

import torchplot  # noqa: E402
from benchmarks.pixel_difference import render  # noqa: E402
from tests._helpers import dtype_param  # noqa: E402
from torchplot._m4 import m4_indices, visible_slice  # noqa: E402


@pytest.fixture(autouse=True)
def _small_threshold(monkeypatch):
    # Reduce lines from 4 points per column (default 16) so the tests stay small.
    monkeypatch.setitem(torchplot.rc_params, "plot.reduce_threshold", 4)


def _walk(n, seed=0):
    return torch.randn(n, generator=torch.Generator().manual_seed(seed)).cumsum(0)


def _m4_reference(xn, yn, x0, x1, columns):
    """Brute force: first, last, argmin, argmax of every column (NumPy, one column at a time)."""
    cols = np.clip(np.floor((xn - x0) * (columns / (x1 - x0))), -1, columns).astype(int) + 1
    keep = set()
    for c in np.unique(cols):
        ii = np.nonzero(cols == c)[0]
        keep |= {ii[0], ii[-1], ii[np.argmin(yn[ii])], ii[np.argmax(yn[ii])]}
    return np.array(sorted(keep))


@pytest.mark.parametrize("seed", range(12))
def test_m4_matches_brute_force(seed):
    rng = np.random.default_rng(seed)
    m, columns = int(rng.integers(2, 20_000)), int(rng.integers(1, 400))
    yn = rng.normal(size=m).cumsum().astype(np.float32)
    irregular = seed % 2 == 1
    xn = np.sort(rng.exponential(size=m)) if irregular else np.arange(m, dtype=np.float64)
    x0, x1 = float(xn[0]), float(xn[-1])
    if seed % 3 == 0:  # a zoomed view: points outside it form one column each side
        x0, x1 = x0 + (x1 - x0) * 0.2, x0 + (x1 - x0) * 0.7
    xt = torch.from_numpy(xn) if irregular else None
    start, stop = visible_slice(xt, m, x0, x1)
    got = m4_indices(xt, torch.from_numpy(yn), start, stop, x0, x1, columns).numpy()
    np.testing.assert_array_equal(
        got, _m4_reference(xn[start:stop], yn[start:stop], x0, x1, columns) + start
    )


# Distinct values (so that the brute force's argmin is the only right answer) that float32
# does not tell apart: its spacing is 2**17 at 2**40, 128 at 2**30, 256 at 2**31, 2**40 at 2**63.
INTEGER_BASES = {
    "int64": 2**40,
    "int32": 2**30,
    "int16": -15_000,
    "uint16": 0,
    "uint32": 2**31,
    "uint64": 2**63 - 10_000,  # across int64's sign bit
}


@pytest.mark.parametrize("dtype", list(INTEGER_BASES))
def test_m4_keeps_exact_integer_extremes(dtype):
    rng = np.random.default_rng(1)
    m, columns = 20_000, 50
    yn = np.asarray(INTEGER_BASES[dtype]).astype(dtype) + rng.permutation(m).astype(dtype)
    xn = np.arange(m, dtype=np.float64)
    got = m4_indices(None, torch.from_numpy(yn), 0, m, 0.0, m - 1.0, columns).numpy()
    np.testing.assert_array_equal(got, _m4_reference(xn, yn, 0.0, m - 1.0, columns))


def test_visible_slice_keeps_one_neighbour_each_side():
    x = torch.arange(100, dtype=torch.float64) * 2  # 0, 2, ..., 198
    assert visible_slice(x, 100, 9.0, 21.0) == (4, 12)  # 8 .. 22
    assert visible_slice(None, 100, 9.5, 20.5) == (9, 22)
    assert visible_slice(None, 100, -50.0, 500.0) == (0, 100)


def _plot(y, *args, **kwargs):
    fig = torchplot.figure(figsize=(4, 3), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    (line,) = ax.plot(y, *args, **kwargs)
    return fig, ax, line


def _drawn(line):
    """The polyline a reduced line draws: its data without the points kept alone between NaNs.

    After a zoom the line also holds the full line's first, last, lowest and
    highest points outside the view, each between NaNs, for ``Axes.relim``.
    """
    x, y = line.get_xdata(), line.get_ydata()
    ok = ~np.isnan(np.asarray(x, dtype=float))
    padded = np.r_[False, ok, False]
    joined = ok & (padded[:-2] | padded[2:])  # a point with a neighbour to draw a segment to
    at = np.nonzero(joined)[0]
    assert len(at) and np.all(np.diff(at) == 1)  # one polyline
    return x[joined], y[joined]


def test_off_by_default():
    y = _walk(100_000)
    _, _, line = _plot(y)
    assert len(line.get_ydata()) == 100_000


def test_reduces_to_a_few_points_per_column_with_the_same_limits():
    y = _walk(200_000)
    fig, ax, line = _plot(y, reduce=True)
    columns = int(np.ceil(ax.bbox.width * torchplot.rc_params["plot.reduce_oversample"]))
    assert len(line.get_ydata()) <= 4 * (columns + 2)
    ref = mpl_plt.figure(figsize=(4, 3), dpi=100).add_axes([0, 0, 1, 1])
    ref.plot(y.numpy())
    np.testing.assert_array_equal(ax.dataLim.get_points(), ref.dataLim.get_points())
    fig.canvas.draw()
    assert ax.get_xlim() == ref.get_xlim() and ax.get_ylim() == ref.get_ylim()
    # kept points are points of the series, at their own x
    x = line.get_xdata()
    np.testing.assert_array_equal(line.get_ydata(), y.numpy()[x.astype(int)])


def test_rc_param_and_keyword_override(monkeypatch):
    monkeypatch.setitem(torchplot.rc_params, "plot.reduce", True)
    y = _walk(100_000)
    assert len(_plot(y)[2].get_ydata()) < 100_000
    assert len(_plot(y, reduce=False)[2].get_ydata()) == 100_000


def test_invalid_settings_are_errors():
    with pytest.raises(ValueError, match="reduce='fast'"):
        _plot(_walk(10), reduce="fast")
    with pytest.raises(KeyError):
        torchplot.rc_params["plot.reduction"] = True
    with pytest.raises(ValueError):
        torchplot.rc_params["plot.reduce_oversample"] = 0


def test_zoom_shows_every_point_and_pan_follows():
    y = _walk(300_000)
    fig, ax, line = _plot(y, "r-", reduce=True)
    fig.canvas.draw()
    ax.set_xlim(1000, 1500)  # 500 points visible: all of them, plus one neighbour each side
    x, yd = _drawn(line)
    np.testing.assert_array_equal(x, np.arange(999, 1502, dtype=float))
    np.testing.assert_array_equal(yd, y.numpy()[999:1502])
    ax.set_xlim(100_000, 250_000)  # a wide view again: reduced, within the view
    x, _ = _drawn(line)
    assert len(x) < 150_000 and x[0] == 99_999 and x[-1] == 250_001
    assert line.get_color() == "r"


def test_monotonic_x_tensor_and_array():
    y = _walk(100_000)
    x = torch.linspace(-5, 5, 100_000, dtype=torch.float64) ** 3  # monotonic, unevenly spaced
    for xx in (x, x.numpy()):
        fig = torchplot.figure(figsize=(4, 3), dpi=100)
        ax = fig.add_axes([0, 0, 1, 1])
        (line,) = ax.plot(xx, y, reduce=True)
        assert len(line.get_xdata()) < 100_000
        ax.set_xlim(-0.001, 0.001)
        inside = (x.numpy() >= -0.001) & (x.numpy() <= 0.001)
        assert inside.sum() < 4 * ax.bbox.width * 16  # few enough: every one is kept
        np.testing.assert_array_equal(_drawn(line)[0][1:-1], x.numpy()[inside])


@pytest.mark.parametrize("fixed", ["set_xlim", "autoscale_off"])
@check_figures_equal(extensions=["png"], tol=0)
def test_limits_fixed_before_plotting_are_the_first_view(fig_test, fig_ref, fixed):
    # No xlim_changed follows a plot into fixed limits: the line must be reduced
    # for them at once, with the full line's data limits (y still autoscales).
    x = torch.linspace(0, 1000, 100_000, dtype=torch.float64)  # 100 points per unit
    y = _walk(100_000)
    torchplot.adopt(fig_test)
    ax, ax_ref = fig_test.subplots(), fig_ref.subplots()
    for a in (ax, ax_ref):
        if fixed == "set_xlim":
            a.set_xlim(500, 501)
        else:
            a.autoscale(False)  # x and y: the view stays (0, 1) x (0, 1)
    (line,) = ax.plot(x, y, reduce=True)
    ax_ref.plot(x.numpy(), y.numpy())
    lo, hi = ax.get_xlim()
    drawn = _drawn(line)[0]
    visible = x.numpy()[(x.numpy() >= lo) & (x.numpy() <= hi)]
    np.testing.assert_array_equal(drawn[(drawn >= lo) & (drawn <= hi)], visible)  # every one
    np.testing.assert_array_equal(ax.dataLim.get_points(), ax_ref.dataLim.get_points())


def test_in_place_change_after_plotting_does_not_reach_the_figure():
    y = _walk(100_000)
    before = y.clone()
    _fig, ax, line = _plot(y, reduce=True)
    y.zero_()
    ax.set_xlim(10, 20)
    np.testing.assert_array_equal(_drawn(line)[1], before.numpy()[9:22])


@pytest.mark.parametrize("written", ["y", "x"])
def test_a_write_while_plotting_never_reduces_a_line_that_breaks(monkeypatch, written):
    # Another thread (the training loop) writes NaN into a tensor just after
    # plot() checked it for NaN: the copy kept was made after the check, so
    # the line was reduced holding a NaN its full view never showed.
    n = 100_000
    y, x = _walk(n), torch.arange(n, dtype=torch.float64)
    target = {"y": y, "x": x}[written]
    real = torch.aminmax

    def checked_then_written(t, *args, **kwargs):
        result = real(t, *args, **kwargs)
        if t.data_ptr() == target.data_ptr():
            target[n // 2] = float("nan")  # the other thread's write, right after the check
        return result

    monkeypatch.setattr(torch, "aminmax", checked_then_written)
    _fig, _ax, line = _plot(x, y, reduce=True)
    monkeypatch.undo()
    reduction = getattr(line, "_torchplot_reduction", None)
    if reduction is not None:  # reduced: from what was checked
        assert bool(torch.isfinite(reduction.y).all() and torch.isfinite(reduction.x).all())
    else:  # drawn exactly, as Matplotlib draws the values read
        assert np.isnan(line.get_ydata() if written == "y" else line.get_xdata()).sum() == 1


def test_refusing_to_reduce_copies_nothing(monkeypatch):
    # A y holding NaN is drawn exactly; telling so must not first copy all of y
    # (on a GPU, one more y-sized block at peak memory).
    y = _walk(100_000)
    y[5] = float("nan")
    clones = []
    real = torch.Tensor.clone
    monkeypatch.setattr(torch.Tensor, "clone", lambda t, *a, **k: clones.append(t) or real(t))
    _plot(y, reduce=True)
    monkeypatch.undo()
    assert not [t for t in clones if t.numel() == y.numel()]


_STEPS = np.arange(400_000) // 8  # increasing, each value 8 times


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


@pytest.mark.parametrize("framework", ["numpy", "torch"])
def test_unsigned_x_wider_than_a_byte_is_drawn_exactly(framework):
    # torch has no comparisons for uint16/32/64: checking such an x raised
    # NotImplementedError where Matplotlib draws the line.
    x = _STEPS.astype(np.uint16)
    x_given = x if framework == "numpy" else torch.from_numpy(x)
    y = _walk(len(x))
    fig, _ax, line = _plot(x_given, y, reduce=True)
    assert getattr(line, "_torchplot_reduction", None) is None
    ref = mpl_plt.figure(figsize=(4, 3), dpi=100)
    ref.add_axes([0, 0, 1, 1]).plot(x, y.numpy())
    np.testing.assert_array_equal(_pixels(fig), _pixels(ref))


_FLOAT8 = ["float8_e4m3fn", "float8_e5m2", "float8_e4m3fnuz", "float8_e5m2fnuz", "float8_e8m0fnu"]


def _series_of(dtype, n):
    """A positive walk of ``n`` points in ``dtype``, each value exact in float64 (as drawn)."""
    if dtype.is_floating_point:  # float8: e8m0fnu holds positive powers of two only
        return ((_walk(n) / 100).abs() + 0.5).to(dtype)
    name = str(dtype).removeprefix("torch.")
    base = {"uint16": 0, "uint32": 2**31, "uint64": 2**40}[name]
    steps = (_walk(n).abs() * 10).to(torch.int64).numpy().astype(name)
    return torch.from_numpy(np.asarray(base).astype(name) + steps)


@pytest.mark.parametrize(
    "dtype", [dtype_param(name) for name in (*_FLOAT8, "uint16", "uint32", "uint64")]
)
@check_figures_equal(extensions=["png"], tol=0)
def test_dtypes_without_min_max_or_index_kernels_are_reduced(fig_test, fig_ref, dtype, monkeypatch):
    # float8 has no aminmax (the NaN check raised NotImplementedError), and
    # PyTorch 2.3 no index kernel for float8 nor uint16/32/64 (gathering the
    # kept points raised).  Reduced as the conversion rule's array (float8 in
    # float32): zoomed in to every visible point, Matplotlib's pixels.
    monkeypatch.setitem(mpl_plt.rcParams, "path.simplify", False)
    n = 100_000
    y = _series_of(dtype, n)
    a = torchplot.to_numpy(y)
    torchplot.adopt(fig_test)
    ax, ax_ref = fig_test.subplots(), fig_ref.subplots()
    (line,) = ax.plot(y, reduce=True)
    ax_ref.plot(a)
    assert len(line.get_ydata()) < n
    np.testing.assert_array_equal(line.get_ydata(), a[line.get_xdata().astype(int)])
    assert line.get_ydata().dtype == a.dtype
    np.testing.assert_array_equal(ax.dataLim.get_points(), ax_ref.dataLim.get_points())
    for each in (ax, ax_ref):
        each.set_xlim(1000, 1500)
        each.set_ylim(float(a[990:1510].min()) - 1, float(a[990:1510].max()) + 1)
    np.testing.assert_array_equal(_drawn(line)[1], a[999:1502])


@pytest.mark.parametrize("given", ["keyword", "setting"])
def test_a_float8_x_is_reduced_as_its_float32_values(given, monkeypatch):
    # PyTorch has no comparisons nor searchsorted for float8: checking the x raised.
    n = 100_000
    x = torch.linspace(0, 400, n).to(torch.float8_e4m3fn)  # non-decreasing, in long ties
    y = _walk(n)
    if given == "setting":
        monkeypatch.setitem(torchplot.rc_params, "plot.reduce", True)
    fig, ax, line = _plot(x, y, **({"reduce": True} if given == "keyword" else {}))
    fig_wide, ax_wide, line_wide = _plot(x.to(torch.float32), y, reduce=True)
    ref = mpl_plt.figure(figsize=(4, 3), dpi=100).add_axes([0, 0, 1, 1])
    ref.plot(torchplot.to_numpy(x), y.numpy())
    assert len(line.get_xdata()) < n
    np.testing.assert_array_equal(ax.dataLim.get_points(), ref.dataLim.get_points())
    for xlim in (None, (100, 130)):  # as plotted, then zoomed in
        if xlim is not None:
            ax.set_xlim(*xlim)
            ax_wide.set_xlim(*xlim)
        np.testing.assert_array_equal(line.get_xdata(), line_wide.get_xdata())
        np.testing.assert_array_equal(line.get_ydata(), line_wide.get_ydata())
        np.testing.assert_array_equal(_pixels(fig), _pixels(fig_wide))
    mpl_plt.close(ref.figure)


@pytest.mark.parametrize("dtype", [torch.int8, torch.int32])
def test_integer_x_under_limits_beyond_its_range_draws_as_its_values(dtype):
    # The visible range's bounds were made in x's dtype: an int8 x under
    # Matplotlib's margins, an int32 one under a wide zoom-out, raised at draw
    # ("value cannot be converted to type int32 without overflow").
    x = torch.from_numpy(_STEPS // 1000).to(dtype)  # 0..49: fits int8
    y = _walk(len(x))
    figs = []
    for given in (x, x.to(torch.float64)):
        fig, ax, _line = _plot(given, y, reduce=True)
        ax.set_xlim(-200, 3e9)
        figs.append(_pixels(fig))
    np.testing.assert_array_equal(*figs)


def test_set_data_stops_the_recompute():
    _fig, ax, line = _plot(_walk(100_000), reduce=True)
    line.set_data([0, 1, 2], [3, 4, 5])
    ax.set_xlim(0, 50)
    np.testing.assert_array_equal(line.get_ydata(), [3, 4, 5])


def test_set_ydata_stops_the_recompute():
    _fig, ax, line = _plot(_walk(100_000), reduce=True)
    zeros = np.zeros(len(line.get_xdata()))
    line.set_ydata(zeros)
    ax.set_xlim(0, 50)
    np.testing.assert_array_equal(line.get_ydata(), zeros)


@pytest.mark.parametrize("zoomed", [False, True], ids=["first_view", "zoomed"])
@pytest.mark.parametrize("with_x", [False, True], ids=["implicit_x", "x"])
@pytest.mark.parametrize("setter", ["set_ydata", "set_xdata"])
@check_figures_equal(extensions=["png"], tol=0)
def test_one_full_coordinate_set_alone_draws_matplotlibs_line(
    fig_test, fig_ref, setter, with_x, zoomed
):
    # The animation idiom, ``line.set_ydata(new_y)`` each frame: the reduced
    # line kept its reduced x, and the draw raised (shape mismatch).
    n = 50_000
    x = torch.linspace(0, 10, n, dtype=torch.float64)
    y, new = _walk(n), _walk(n, seed=1)
    new_x = x * 2 if with_x else torch.arange(n, dtype=torch.float64) * 2
    for fig, lib, reduce in ((fig_test, torchplot, True), (fig_ref, mpl_plt, False)):
        args = [x, y] if with_x else [y]
        if lib is mpl_plt:
            args = [a.numpy() for a in args]
        ax = (torchplot.adopt(fig) if reduce else fig).add_axes([0, 0, 1, 1])
        (line,) = ax.plot(*args, reduce=True) if reduce else ax.plot(*args)
        fig.canvas.draw()
        if zoomed:
            ax.set_xlim(1, 2)
        if setter == "set_ydata":
            line.set_ydata(new if reduce else new.numpy())
        else:
            line.set_xdata(new_x if reduce else new_x.numpy())
    assert fig_test.axes[0].lines[0]._torchplot_reduction.y is None  # the clone is freed


def test_one_coordinate_of_the_reduced_length_keeps_the_reduced_other():
    # ``line.set_ydata(line.get_ydata() * 2)`` matches the x the line holds.
    _fig, _ax, line = _plot(_walk(100_000), reduce=True)
    x = line.get_xdata()
    line.set_ydata(line.get_ydata() * 2)
    np.testing.assert_array_equal(line.get_xdata(), x)
    _fig.canvas.draw()


def test_a_reduced_lines_frames_of_full_length_animate_as_matplotlibs():
    from matplotlib.animation import FuncAnimation

    n = 50_000
    frames = [_walk(n, seed=k) for k in range(3)]
    images = []
    for lib, reduce in ((torchplot, True), (mpl_plt, False)):
        fig = lib.figure(figsize=(4, 3), dpi=100)
        ax = fig.add_axes([0, 0, 1, 1])
        (line,) = ax.plot(frames[0], reduce=True) if reduce else ax.plot(frames[0].numpy())

        def update(k, line=line, reduce=reduce):
            line.set_ydata(frames[k] if reduce else frames[k].numpy())
            return (line,)

        anim = FuncAnimation(fig, update, frames=len(frames), blit=False)
        drawn = []
        for k in range(len(frames)):
            anim._draw_frame(k)
            fig.canvas.draw()
            drawn.append(np.asarray(fig.canvas.buffer_rgba()).copy())
        images.append(drawn)
        lib.close(fig)
    for got, want in zip(*images, strict=True):
        np.testing.assert_array_equal(got, want)


@pytest.mark.parametrize("setter", ["set_ydata", "set_xdata", "set_data"])
def test_setting_the_data_frees_the_device_clone(setter):
    # The clone is of no use once the line's data is someone else's: freed at once,
    # not kept until the line goes (nor until the next zoom).
    import gc
    import weakref

    _fig, ax, line = _plot(_walk(100_000), reduce=True)
    ax.set_xlim(0, 50_000)  # a re-reduction: the clone is in use until the data is set
    clone = weakref.ref(line._torchplot_reduction.y)
    data = np.arange(10.0)
    if setter == "set_data":
        line.set_data(data, data)
    else:
        getattr(line, setter)(np.zeros(len(line.get_xdata())))
    gc.collect()
    assert clone() is None
    ax.set_xlim(0, 10)  # no error, the data stays the caller's
    if setter == "set_data":
        np.testing.assert_array_equal(line.get_ydata(), data)


def _relim_after_zoom(y, reduce, x=None, xlim=(0, 1000), then=None):
    fig = torchplot.figure(figsize=(4, 3), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    (line,) = ax.plot(*(() if x is None else (x,)), y, reduce=reduce)
    fig.canvas.draw()
    ax.set_xlim(*xlim)  # zoom in, or follow the last steps
    ax.relim()  # the live-update idiom
    if then == "autoscale_view":
        ax.autoscale_view()
    elif then == "autoscale":
        ax.autoscale(True)  # back to autoscaling: the full line again
    fig.canvas.draw()
    return fig, ax, line


@pytest.mark.parametrize(
    "xlim", [(0, 1000), (1000, 2000), (299_000, 300_000), (-5000, 100)], ids=str
)
@pytest.mark.parametrize("with_x", [False, True], ids=["implicit_x", "x"])
def test_relim_after_a_zoom_sees_the_full_line(xlim, with_x):
    # Axes.relim reads the line's data: a re-reduction for the view must keep
    # the full line's extent, or the data limits shrink to the view.
    y = _walk(300_000)
    x = torch.arange(300_000, dtype=torch.float64) * 0.5 + 7 if with_x else None
    if with_x:
        xlim = (xlim[0] * 0.5 + 7, xlim[1] * 0.5 + 7)
    _, ax, line = _relim_after_zoom(y, True, x, xlim, "autoscale_view")
    _, ref, _ = _relim_after_zoom(y, False, x, xlim, "autoscale_view")
    np.testing.assert_array_equal(ax.dataLim.get_points(), ref.dataLim.get_points())
    assert ax.get_xlim() == ref.get_xlim() and ax.get_ylim() == ref.get_ylim()
    assert len(line.get_xdata()) < 1100


@pytest.mark.parametrize(
    ("dtype", "base"), [(torch.int64, 2**40), (torch.float32, 0)], ids=["int64", "float32"]
)
def test_relim_after_a_zoom_keeps_exact_extremes(dtype, base):
    # The spikes are outside the view; int64's are under float32's spacing at 2**40.
    y = torch.full((100_000,), base, dtype=dtype)
    y[12_345] += 20
    y[67_890] -= 20
    _, ax, _ = _relim_after_zoom(y, True, xlim=(40_000, 41_000), then="autoscale_view")
    _, ref, _ = _relim_after_zoom(y, False, xlim=(40_000, 41_000), then="autoscale_view")
    np.testing.assert_array_equal(ax.dataLim.get_points(), ref.dataLim.get_points())
    assert ax.get_ylim() == ref.get_ylim()


@check_figures_equal(extensions=["png"], tol=0)
def test_zoom_out_after_relim_and_autoscale(fig_test, fig_ref):
    # With the data limits shrunk to the view, autoscale(True) could never zoom
    # out again.  Back to the full view, the line draws what it drew before the zoom.
    y = _walk(100_000)
    torchplot.adopt(fig_test)
    torchplot.adopt(fig_ref)
    ax, ax_ref = fig_test.subplots(), fig_ref.subplots()
    (line,) = ax.plot(y, reduce=True)
    ax_ref.plot(y, reduce=True)
    fig_test.canvas.draw()
    ax.set_xlim(0, 1000)
    ax.relim()
    ax.autoscale(True)
    fig_test.canvas.draw()
    fig_ref.canvas.draw()
    exact = mpl_plt.figure().subplots()
    exact.plot(y.numpy())
    exact.set_xlim(0, 1000)
    exact.relim()
    exact.autoscale(True)
    exact.figure.canvas.draw()
    mpl_plt.close(exact.figure)  # Matplotlib 3.10's check_figures_equal fails on open figures
    assert ax.get_xlim() == ax_ref.get_xlim() == exact.get_xlim()
    assert ax.get_ylim() == ax_ref.get_ylim() == exact.get_ylim()
    np.testing.assert_array_equal(line.get_xdata(), ax_ref.lines[0].get_xdata())
    assert len(line.get_xdata()) < 100_000


@pytest.mark.parametrize("linewidth", [1.5, 40])
@pytest.mark.parametrize("xlim", [(1000, 1500), (49_990.5, 50_010.5), (0, 400)], ids=str)
@check_figures_equal(extensions=["png"], tol=0)
def test_kept_extremes_draw_nothing(fig_test, fig_ref, xlim, linewidth, monkeypatch):
    # The full line's extremes outside the view, kept for relim, do not change
    # a pixel, however wide the line (a cap or join would reach into the view):
    # every visible point is drawn, as Matplotlib draws the full line unsimplified.
    monkeypatch.setitem(mpl_plt.rcParams, "path.simplify", False)
    y = _walk(100_000, seed=3)
    torchplot.adopt(fig_test)
    ax, ax_ref = fig_test.subplots(), fig_ref.subplots()
    (line,) = ax.plot(y, lw=linewidth, reduce=True)
    ax_ref.plot(y.numpy(), lw=linewidth)
    for a in (ax, ax_ref):
        a.set_xlim(*xlim)
        a.set_ylim(float(y.min()) - 1, float(y.max()) + 1)
    assert np.isnan(line.get_xdata()).any()  # extremes are kept outside the view


@pytest.mark.parametrize(
    ("dtype", "base"), [(torch.int64, 2**40), (torch.int32, 2**30)], ids=["int64", "int32"]
)
def test_integer_data_limits_are_the_full_lines(dtype, base):
    # One spike up and one down, each under half float32's spacing at ``base``.
    y = torch.full((100_000,), base, dtype=dtype)
    y[12_345] += 20
    y[67_890] -= 20
    _fig, ax, line = _plot(y, reduce=True)
    assert len(line.get_ydata()) < 100_000
    ref = mpl_plt.figure(figsize=(4, 3), dpi=100).add_axes([0, 0, 1, 1])
    ref.plot(y.numpy())
    np.testing.assert_array_equal(ax.dataLim.get_points(), ref.dataLim.get_points())
    assert line.get_ydata().max() == base + 20 and line.get_ydata().min() == base - 20


def test_the_line_owns_the_reduction():
    import gc
    import weakref

    _fig, ax, line = _plot(_walk(100_000), reduce=True)
    ref = weakref.ref(line._torchplot_reduction)
    line.remove()
    del line
    gc.collect()
    assert ref() is None
    ax.set_xlim(0, 10)  # the callback is gone with it: no error


def test_a_reduced_figure_pickles_without_the_device_clone():
    import pickle

    fig, _ax, line = _plot(_walk(100_000), reduce=True)
    kept = line.get_ydata().copy()
    fig2 = pickle.loads(pickle.dumps(fig))
    line2 = fig2.axes[0].lines[0]
    np.testing.assert_array_equal(line2.get_ydata(), kept)
    assert line2._torchplot_reduction.y is None
    fig2.axes[0].set_xlim(0, 10)  # static now: no error, data unchanged
    np.testing.assert_array_equal(line2.get_ydata(), kept)


def test_a_shallow_copy_of_a_reduced_line_leaves_the_original_following_zooms():
    # The copy shares the reduction and the arrays: setting the copy's data
    # released the original's clone, which then kept its coarse reduction
    # when zoomed in (26,707 points instead of ~111, 7,204 px off Matplotlib).
    import copy

    y = _walk(400_000)
    fig, ax, line = _plot(y, reduce=True)
    fig.canvas.draw()
    other = copy.copy(line)
    other.set_ydata(y * 2)  # a full-length y: the animation idiom
    assert len(other.get_xdata()) == len(other.get_ydata()) == 400_000  # the full x, as the line
    ax.set_xlim(1000, 1100)
    assert len(line.get_xdata()) < 200
    fig_ref = mpl_plt.figure(figsize=(4, 3), dpi=100)
    ax_ref = fig_ref.add_axes([0, 0, 1, 1])
    ax_ref.plot(y.numpy())
    lo, hi = float(y[1000:1101].min()) - 1, float(y[1000:1101].max()) + 1
    for a in (ax, ax_ref):
        a.set_xlim(1000, 1100)
        a.set_ylim(lo, hi)
        a.figure.canvas.draw()
    pixels = [np.asarray(f.canvas.buffer_rgba()) for f in (fig, fig_ref)]
    np.testing.assert_array_equal(*pixels)
    mpl_plt.close(fig_ref)


def _nan(y):
    y[5000] = float("nan")
    return y


def _quantized(t):
    return torch.quantize_per_tensor(t, 0.01, 0, torch.quint8)


FALLBACKS = {
    "nan": (lambda: (_nan(_walk(100_000)),), {}),
    "inf": (lambda: (torch.where(torch.arange(100_000) == 7, float("inf"), _walk(100_000)),), {}),
    "non_monotonic_x": (lambda: (torch.randn(100_000), _walk(100_000)), {}),
    "two_d": (lambda: (_walk(100_000).reshape(-1, 2),), {}),
    "short": (lambda: (_walk(500),), {}),
    # No order to search in a bool x, nor values to compare in a quantized one:
    # reducing them raised in visible_slice.
    "bool_x": (lambda: (torch.arange(100_000) > 50_000, _walk(100_000)), {}),
    "quantized_x": (lambda: (_quantized(torch.linspace(0, 1, 100_000)), _walk(100_000)), {}),
}


@pytest.mark.parametrize("case", list(FALLBACKS))
@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
@check_figures_equal(extensions=["png"], tol=0)
def test_fallbacks_draw_exactly_matplotlib(fig_test, fig_ref, case):
    make, kw = FALLBACKS[case]
    args = make()
    torchplot.adopt(fig_test)
    lines = fig_test.subplots().plot(*args, reduce=True, **kw)
    fig_ref.subplots().plot(*[torchplot.to_numpy(a) for a in args], **kw)
    assert sum(len(line.get_xdata()) for line in lines) == args[-1].numel()  # every point drawn


MARKED = {
    "fmt": (("o",), {}),
    "marker": ((), {"marker": "x"}),
    "dots_without_line": ((".",), {"ls": ""}),
    "prop_cycle": ((), {}),
}


@pytest.mark.parametrize("case", list(MARKED))
@check_figures_equal(extensions=["png"], tol=0)
def test_markers_draw_every_point(fig_test, fig_ref, case):
    # M4 keeps the pixels of a polyline, not every marker: the exact path.
    fmt, kw = MARKED[case]
    y = torch.randn(50_000, generator=torch.Generator().manual_seed(0))
    torchplot.adopt(fig_test)
    ax, ax_ref = fig_test.subplots(), fig_ref.subplots()
    if case == "prop_cycle":
        for a in (ax, ax_ref):
            a.set_prop_cycle(marker=["s"])
    (line,) = ax.plot(y, *fmt, ms=2, reduce=True, **kw)
    ax_ref.plot(y.numpy(), *fmt, ms=2, **kw)
    for a in (ax, ax_ref):
        a.set_xlim(0, 40_000)  # and it stays exact after a zoom
    assert len(line.get_xdata()) == 50_000


def _unreadable_plot(case, **kwargs):
    """``plot`` of a tensor whose values cannot be read, as ``case`` makes it."""

    def plot(t):
        torchplot.figure().subplots().plot(t, **kwargs)
        return t.sum()

    if case == "meta":
        plot(torch.empty(100_000, device="meta"))
    elif case == "fake":
        from torch._subclasses.fake_tensor import FakeTensorMode

        with FakeTensorMode():
            fake = torch.empty(100_000)
        plot(fake)
    elif case == "grad":
        torch.func.grad(plot)(torch.randn(100_000))
    else:
        torch.vmap(plot)(torch.randn(2, 100_000))


@pytest.mark.parametrize("case", ["meta", "fake", "grad", "vmap"])
def test_unreadable_tensors_raise_the_rules_error(case):
    # The exact path: the conversion rule's error, naming the argument and its real shape.
    with pytest.raises(TypeError) as plain:
        _unreadable_plot(case)
    with pytest.raises(TypeError) as reduced:
        _unreadable_plot(case, reduce=True)
    assert str(reduced.value) == str(plain.value)
    assert "args[0]" in str(plain.value) and "(100000,)" in str(plain.value)


@pytest.mark.parametrize("projection", ["polar", "3d"])
@check_figures_equal(extensions=["png"], tol=0)
def test_other_projections_fall_back(fig_test, fig_ref, projection):
    # Polar: angles beyond the x limits wrap into view, so no column split
    # holds; 3-D: ``zs`` would keep every point while x and y were reduced.
    theta = torch.linspace(0, 20 * np.pi, 100_000)
    r = theta / theta.max()
    kw = {"zs": r.numpy()} if projection == "3d" else {}
    torchplot.adopt(fig_test)
    ax = fig_test.add_subplot(projection=projection)
    (line,) = ax.plot(theta, r, reduce=True, **kw)
    ax.set_xlim(0, np.pi)
    assert len(line.get_xdata()) == 100_000
    ax_ref = fig_ref.add_subplot(projection=projection)
    ax_ref.plot(theta.numpy(), r.numpy(), **kw)
    ax_ref.set_xlim(0, np.pi)


@check_figures_equal(extensions=["png"], tol=0)
def test_log_scale_falls_back(fig_test, fig_ref):
    y = _walk(100_000).abs() + 1
    torchplot.adopt(fig_test)
    ax = fig_test.subplots()
    ax.set_yscale("log")
    (line,) = ax.plot(y, reduce=True)
    assert len(line.get_xdata()) == 100_000
    ax_ref = fig_ref.subplots()
    ax_ref.set_yscale("log")
    ax_ref.plot(y.numpy())


def test_log_scale_after_plotting_restores_the_full_line():
    _fig, ax, line = _plot(_walk(100_000), reduce=True)
    ax.set_xscale("log")
    ax.set_xlim(1, 1000)
    assert len(line.get_xdata()) == 100_000


@pytest.mark.parametrize("series", ["walk", "sine"])
def test_reduced_rendering_is_closer_to_unsimplified_than_matplotlibs_simplification(series):
    # The documented goal (docs/big_tensors.rst has the measured figures at 10^6).
    n = 400_000
    g = torch.Generator().manual_seed(0)
    if series == "walk":
        y = torch.randn(n, generator=g).cumsum(0)
    else:
        y = torch.sin(torch.linspace(0, 60, n)) + 0.1 * torch.randn(n, generator=g)
    ref = render(y, "unsimplified")
    default = np.abs(render(y, "default") - ref).sum()
    reduced = np.abs(render(y, "reduced") - ref).sum()
    assert reduced < default


@pytest.mark.gpu
def test_cuda_reduction_equals_cpu_reduction():
    y = _walk(1_000_000)
    _, _, cpu_line = _plot(y, reduce=True)
    _, _, gpu_line = _plot(y.cuda(), reduce=True)
    np.testing.assert_array_equal(cpu_line.get_xdata(), gpu_line.get_xdata())
    np.testing.assert_array_equal(cpu_line.get_ydata(), gpu_line.get_ydata())


def test_a_numpy_x_moves_to_ys_device_whatever_the_default_device():
    # ``torch.as_tensor(x)`` landed on the default device first: inside
    # ``with torch.device("meta")`` it could not be copied out of there.
    y = _walk(100_000)
    x = np.linspace(0, 1, 100_000)
    fig = torchplot.figure(figsize=(4, 3), dpi=100)
    ax = fig.add_axes([0, 0, 1, 1])
    with torch.device("meta"):
        (line,) = ax.plot(x, y, reduce=True)
    assert line._torchplot_reduction.x.device == y.device
    assert len(line.get_xdata()) < 100_000


@pytest.mark.parametrize("value", [True, False, None, "m4"])
@pytest.mark.parametrize(
    ("args", "kw", "named", "fix"),
    [
        ((np.arange(5.0),), {}, "'y' is a numpy.ndarray", "`torch.from_numpy(y)`"),
        ((np.arange(5.0), [1, 2, 3, 4, 5], "r-"), {}, "'y' is a builtins.list", "as_tensor(y)"),
        (("x", "y"), {"data": {"x": np.arange(3), "y": np.arange(3)}}, "'data'['y']", "(data"),
        ((np.ones(2), np.ones(2), np.ones(2), np.ones(2)), {}, "no argument", "as_tensor(y)"),
    ],
    ids=["numpy", "list_with_fmt", "data", "two_lines"],
)
def test_reduce_in_a_call_without_tensors_raises_as_imshows_keywords_do(
    value, args, kw, named, fix
):
    # It was dropped: the call drew where Matplotlib raises for a keyword it
    # does not know, and where imshow(numpy, nrow=2) raises this TypeError.
    ax = torchplot.figure().subplots()
    with pytest.raises(TypeError, match=r"^Axes\.plot\(\) keyword(\(s\))? reduce appl") as err:
        ax.plot(*args, reduce=value, **kw)
    assert named in str(err.value) and fix in str(err.value), err.value
    assert "torch tensors only" in str(err.value)
    assert not ax.lines  # nothing drawn


def test_reduce_with_a_jax_array_says_to_share_it_with_torch():
    jnp = pytest.importorskip("jax.numpy")
    ax = torchplot.figure().subplots()
    with pytest.raises(TypeError, match=r"'y' is a jax.*`torch\.from_dlpack\(y\)`"):
        ax.plot(jnp.arange(5.0), reduce=True)


def test_reduce_with_tensors_it_cannot_reduce_takes_the_exact_path():
    # The documented fallbacks: a list of tensors, data= naming tensors, a
    # NumPy x with a tensor y that is too short; and the setting alone (no
    # keyword) leaves a call without tensors as Matplotlib draws it.
    ax = torchplot.figure().subplots()
    (line,) = ax.plot([torch.tensor(1.0), torch.tensor(2.0)], reduce=True)
    np.testing.assert_array_equal(line.get_ydata(), [1.0, 2.0])
    (line,) = ax.plot("y", data={"y": torch.arange(3.0)}, reduce=True)
    np.testing.assert_array_equal(line.get_ydata(), [0.0, 1.0, 2.0])
    (line,) = ax.plot(np.arange(3.0), torch.arange(3.0), reduce=True)
    np.testing.assert_array_equal(line.get_ydata(), [0.0, 1.0, 2.0])
    torchplot.rc_params["plot.reduce"] = True
    try:
        (line,) = ax.plot(np.arange(4.0))
    finally:
        torchplot.rc_params["plot.reduce"] = False
    np.testing.assert_array_equal(line.get_ydata(), np.arange(4.0))
