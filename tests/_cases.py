"""Plotting calls, written once, drawn from tensors and from NumPy.

Each case is ``case(P, D)``: ``P`` is the pyplot namespace (``torchplot`` on
the test side, ``matplotlib.pyplot`` on the reference side) and ``D`` makes the
data (tensors on the test side, the NumPy arrays the documented rule gives on
the reference side -- computed with torch's own ops, not with torchplot).
Cases draw on the current figure, which the test has made.
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from typing import Any

import numpy as np
import torch
from matplotlib import MatplotlibDeprecationWarning

#: ``variant`` -> how float data becomes a tensor.  Every case runs under each.
FLOAT_VARIANTS = ("grad", "bfloat16", "neg_view", "float64_cpu")


class Data:
    """Makes the inputs of one case: tensors (``tensors=True``) or their NumPy equivalents."""

    def __init__(self, variant: str, tensors: bool) -> None:
        self.variant = variant
        self.tensors = tensors
        self.rng = np.random.default_rng(0)

    # -- float arrays in the variant's form -------------------------------------
    def f(self, values: Any) -> Any:
        a = np.asarray(values, dtype=np.float64 if self.variant == "float64_cpu" else np.float32)
        base = torch.from_numpy(a.copy())
        if self.variant == "grad":
            t = base.requires_grad_(True) * 1.0  # non-leaf: carries an autograd graph
            ref = base.detach().numpy()
        elif self.variant == "bfloat16":
            t = base.to(torch.bfloat16)
            ref = t.to(torch.float32).numpy()
        elif self.variant == "neg_view":
            # `.conj().imag` of a complex tensor is a view with the negative bit set.
            t = torch.complex(torch.zeros_like(base), -base).conj().imag
            assert t.is_neg()
            ref = t.resolve_neg().numpy()
        else:
            t = base
            ref = base.numpy()
        return t if self.tensors else ref.copy()

    def i(self, values: Any) -> Any:
        """int64 data."""
        t = torch.as_tensor(np.asarray(values, dtype=np.int64))
        return t if self.tensors else t.numpy().copy()

    def s(self, value: float) -> Any:
        """A 0-d float tensor used as a scalar (reference: the NumPy scalar of the rule)."""
        t = self.f([value])[0] if self.tensors else None
        if self.tensors:
            return t
        return self.f([value])[0]

    def si(self, value: int) -> Any:
        """A 0-d int tensor."""
        t = torch.tensor(value)
        return t if self.tensors else t.numpy()[()]

    def sparse(self, values: Any) -> Any:
        """2-D data given as a sparse COO tensor."""
        dense = torch.as_tensor(np.asarray(values, dtype=np.float32))
        return dense.to_sparse() if self.tensors else dense.numpy().copy()

    def c(self, values: Any) -> Any:
        """complex64 data given as a conjugate view."""
        t = torch.as_tensor(np.asarray(values, dtype=np.complex64)).conj()
        assert t.is_conj()
        return t if self.tensors else t.resolve_conj().numpy().copy()

    def rgba(self, n: int) -> Any:
        """RGBA colour rows, as from a colormap."""
        rows = np.linspace(0.1, 0.9, n * 4).reshape(n, 4)
        rows[:, 3] = 1.0
        return self.f(rows)

    # -- fixed test signals -------------------------------------------------------
    def x(self, n: int = 20) -> Any:
        return self.f(np.linspace(0.0, 1.0, n))

    def y(self, n: int = 20) -> Any:
        return self.f(np.sin(np.linspace(0.0, 6.0, n)) + 1.5)

    def noise(self, n: int = 200, seed: int = 0) -> np.ndarray:
        return np.random.default_rng(seed).standard_normal(n)

    def grid2d(self, h: int = 8, w: int = 10) -> np.ndarray:
        yy, xx = np.mgrid[0:h, 0:w]
        return np.sin(xx / 3.0) * np.cos(yy / 2.0)


Case = Callable[[Any, Data], Any]
#: pyplot command -> case drawing it.  Every case also reaches the Axes method of
#: the same name through the adopted current Axes.
PYPLOT_CASES: dict[str, Case] = {}
#: Axes methods with no pyplot command of their own -> case (``P.gca()`` based).
AXES_CASES: dict[str, Case] = {}


def pyplot_case(*names: str) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        for name in names:
            PYPLOT_CASES[name] = func
        return func

    return register


def axes_case(*names: str) -> Callable[[Case], Case]:
    def register(func: Case) -> Case:
        for name in names:
            AXES_CASES[name] = func
        return func

    return register


# ---------------------------------------------------------------- lines & markers
@pyplot_case("plot")
def _plot(P, D):
    P.plot(D.x(), D.y(), "o-", markersize=D.s(4.0), linewidth=D.s(2.0))
    P.plot(D.y(), color=D.f([0.2, 0.4, 0.6]))


@pyplot_case("semilogx", "semilogy", "loglog")
def _logplots(P, D):
    P.semilogx(D.f(np.arange(1, 21)), D.y())
    P.figure(P.gcf()).add_subplot(223).semilogy(D.x(), D.f(np.exp(np.arange(20) / 5)))
    P.gcf().add_subplot(224).loglog(D.f(np.arange(1, 21)), D.f(np.arange(1, 21) ** 2))


@pyplot_case("plot_date")
def _plot_date(P, D):
    with warnings.catch_warnings():
        # Deprecated since Matplotlib 3.9 (removed in 3.11); still drawn alike.
        warnings.simplefilter("ignore", MatplotlibDeprecationWarning)
        P.plot_date(D.f([0.0, 1.5, 3.0]), D.f([1, 3, 2]), fmt="-o")


@pyplot_case("step")
def _step(P, D):
    P.step(D.x(), D.y(), where="mid")


@pyplot_case("errorbar")
def _errorbar(P, D):
    P.errorbar(
        D.x(10), D.y(10), yerr=D.f(np.linspace(0.1, 0.3, 10)), xerr=D.s(0.02), capsize=D.s(3.0)
    )


@pyplot_case("scatter")
def _scatter(P, D):
    P.scatter(D.x(), D.y(), s=D.f(np.linspace(5, 80, 20)), c=D.i(np.arange(20) % 3))
    P.scatter(D.y(5), D.x(5), c=D.rgba(5), marker="s")


@pyplot_case("stem")
def _stem(P, D):
    P.stem(D.x(10), D.y(10), bottom=D.s(0.5))


@pyplot_case("fill", "fill_between", "fill_betweenx")
def _fills(P, D):
    P.fill(D.f([0, 1, 0.5]), D.f([0, 0, 1]), alpha=D.s(0.5))
    P.fill_between(
        D.x(),
        D.y(),
        D.f(np.full(20, 0.5)),
        where=torch.ones(20, dtype=torch.bool) if D.tensors else np.ones(20, dtype=bool),
    )
    P.fill_betweenx(D.x(), D.y(), alpha=0.3)


@pyplot_case("stackplot")
def _stackplot(P, D):
    P.stackplot(D.x(), D.y(), D.f(np.full(20, 0.5)), [D.f(np.linspace(0, 1, 20))])


@pyplot_case("stairs")
def _stairs(P, D):
    P.stairs(D.f([1, 3, 2, 4]), D.f([0, 1, 2, 3, 4]), baseline=D.s(0.5), fill=True)


@pyplot_case("ecdf")
def _ecdf(P, D):
    P.ecdf(D.f(D.noise(50)), weights=D.f(np.linspace(1, 2, 50)))


@pyplot_case("eventplot")
def _eventplot(P, D):
    P.eventplot([D.f(D.noise(10, 1)), D.f(D.noise(10, 2))], lineoffsets=D.f([1, 3]))


@pyplot_case("axhline", "axvline", "axhspan", "axvspan", "axline")
def _reference_lines(P, D):
    P.plot(D.x(), D.y())
    P.axhline(D.s(1.2), xmin=D.s(0.1), xmax=D.s(0.9))
    P.axvline(D.s(0.3))
    P.axhspan(D.s(0.6), D.s(0.8), alpha=0.3)
    P.axvspan(D.s(0.7), D.s(0.9), alpha=0.3)
    P.axline((D.s(0.0), D.s(1.0)), slope=D.s(0.5))
    P.axline(D.f([0.0, 2.0]), D.f([1.0, 1.0]), color="k")


@pyplot_case("hlines", "vlines")
def _hvlines(P, D):
    P.hlines(D.f([0.5, 1.0, 1.5]), D.s(0.0), D.f([1.0, 0.5, 0.8]))
    P.vlines(D.x(5), D.s(0.0), D.y(5), colors=D.rgba(5))


# ---------------------------------------------------------------- bars & statistics
@pyplot_case("bar", "bar_label")
def _bar(P, D):
    bars = P.bar(D.i([0, 1, 2]), D.i([5, 3, 2]), yerr=D.f([0.5, 0.2, 0.1]), color=D.rgba(3))
    P.bar_label(bars, D.i([5, 3, 2]))
    P.bar_label(bars, label_type="center")


@pyplot_case("barh")
def _barh(P, D):
    P.barh(D.f([0, 1, 2]), D.f([2.5, 1.0, 3.0]), left=D.s(0.5), height=D.s(0.5))


@pyplot_case("grouped_bar")
def _grouped_bar(P, D):
    P.grouped_bar([D.f([1, 2, 3]), D.f([2, 1, 3])], labels=["a", "b"])


@pyplot_case("broken_barh")
def _broken_barh(P, D):
    P.broken_barh([(D.s(1.0), D.s(2.0)), (D.s(4.0), D.s(1.0))], (D.s(0.0), D.s(1.0)))


@pyplot_case("hist")
def _hist(P, D):
    P.hist(D.f(D.noise(300)), bins=12, weights=D.f(np.linspace(0.5, 1.5, 300)), alpha=0.5)
    P.hist(
        [D.f(D.noise(100, 3)), D.f(D.noise(80, 4))],
        bins=D.f(np.linspace(-3, 3, 9)),
        histtype="step",
    )


@pyplot_case("hist2d")
def _hist2d(P, D):
    P.hist2d(D.f(D.noise(300, 1)), D.f(D.noise(300, 2)), bins=8)


@pyplot_case("hexbin")
def _hexbin(P, D):
    P.hexbin(D.f(D.noise(300, 1)), D.f(D.noise(300, 2)), C=D.f(np.linspace(0, 1, 300)), gridsize=6)


@pyplot_case("boxplot")
def _boxplot(P, D):
    P.boxplot([D.f(D.noise(50, 1)), D.f(D.noise(60, 2) + 1)], positions=D.f([1, 2]))


@pyplot_case("violinplot")
def _violinplot(P, D):
    P.violinplot([D.f(D.noise(50, 1)), D.f(D.noise(60, 2) + 1)], positions=D.f([1, 2]))


@pyplot_case("pie")
def _pie(P, D):
    P.pie(D.f([3, 2, 1]), explode=D.f([0.1, 0, 0]))


@pyplot_case("pie_label")
def _pie_label(P, D):
    pie = P.pie(D.f([3, 2, 1]), explode=D.f([0.1, 0, 0]))
    P.pie_label(pie, ["a", "b", "c"])


# ---------------------------------------------------------------- spectral
@pyplot_case("psd", "csd", "cohere")
def _psd(P, D):
    sig = D.noise(256, 5)
    P.psd(D.f(sig), NFFT=64)
    P.gcf().add_subplot(222).csd(D.f(sig), D.f(np.roll(sig, 3)), NFFT=64)
    P.gcf().add_subplot(223).cohere(D.f(sig), D.f(np.roll(sig, 3)), NFFT=64)


@pyplot_case("magnitude_spectrum", "angle_spectrum", "phase_spectrum", "specgram")
def _spectra(P, D):
    sig = np.cos(np.arange(256) / 3.0) + 1j * np.sin(np.arange(256) / 5.0)
    P.magnitude_spectrum(D.c(sig))
    P.gcf().add_subplot(222).angle_spectrum(D.f(sig.real), Fs=D.s(2.0))
    P.gcf().add_subplot(223).phase_spectrum(D.c(sig))
    P.gcf().add_subplot(224).specgram(D.f(sig.real), NFFT=32, noverlap=16)


@pyplot_case("acorr", "xcorr")
def _corr(P, D):
    P.acorr(D.f(D.noise(64)), maxlags=10)
    P.gcf().add_subplot(224).xcorr(D.f(D.noise(64, 1)), D.f(D.noise(64, 2)), maxlags=8)


# ---------------------------------------------------------------- 2-D fields & images
@pyplot_case("imshow", "clim")
def _imshow(P, D):
    P.imshow(D.f(D.grid2d()), vmin=D.s(-0.5), vmax=D.s(0.8), extent=D.f([0, 1, 0, 1]))
    P.clim(D.s(-0.6), D.s(0.9))


@pyplot_case("matshow")
def _matshow(P, D):
    P.matshow(D.f(D.grid2d()), fignum=0)


@pyplot_case("spy")
def _spy(P, D):
    P.spy(D.sparse(np.eye(6) + np.diag(np.ones(5), 1)))


@pyplot_case("pcolor", "pcolormesh")
def _pcolor(P, D):
    z = D.grid2d(6, 7)
    P.pcolor(D.f(np.arange(8)), D.f(np.arange(7)), D.sparse(z))
    P.gcf().add_subplot(224).pcolormesh(D.f(z), vmin=D.s(-1.0))


@pyplot_case("contour", "contourf", "clabel")
def _contour(P, D):
    cs = P.contour(D.f(D.grid2d()), levels=D.f([-0.5, 0.0, 0.5]))
    P.clabel(cs, D.f([0.0]))
    P.gcf().add_subplot(224).contourf(
        D.f(np.arange(10)), D.f(np.arange(8)), D.f(D.grid2d()), levels=5
    )


@pyplot_case("tricontour", "tricontourf", "tripcolor", "triplot")
def _tri(P, D):
    rng = np.random.default_rng(1)
    x, y = rng.random(30), rng.random(30)
    z = np.sin(3 * x) * np.cos(3 * y)
    P.tricontour(D.f(x), D.f(y), D.f(z), levels=4)
    P.gcf().add_subplot(222).tricontourf(D.f(x), D.f(y), D.f(z), levels=4)
    P.gcf().add_subplot(223).tripcolor(D.f(x), D.f(y), D.f(z))
    P.gcf().add_subplot(224).triplot(D.f(x), D.f(y))


@pyplot_case("quiver", "quiverkey")
def _quiver(P, D):
    q = P.quiver(D.f(np.arange(5)), D.f(np.arange(4)), D.f(np.ones((4, 5))), D.f(D.grid2d(4, 5)))
    P.quiverkey(q, D.s(0.8), D.s(0.9), D.s(1.0), "1")


@pyplot_case("barbs")
def _barbs(P, D):
    P.barbs(D.f(np.arange(4)), D.f(np.arange(4)), D.f([5, 10, 15, 20]), D.f([20, 15, 10, 5]))


@pyplot_case("streamplot")
def _streamplot(P, D):
    # Integer grid: exactly representable in every variant (streamplot needs equal spacing).
    yy, xx = np.mgrid[-5:6, -5:6].astype(float)
    P.streamplot(D.f(xx[0]), D.f(yy[:, 0]), D.f(-yy), D.f(xx), density=0.6)


@pyplot_case("figimage")
def _figimage(P, D):
    P.figimage(D.f(D.grid2d(20, 30)), xo=D.si(10), yo=D.si(5))


@pyplot_case("polar", "rgrids", "thetagrids")
def _polar(P, D):
    P.polar(D.f(np.linspace(0, 6, 30)), D.f(np.linspace(0, 1, 30)))
    P.rgrids(D.f([0.25, 0.5, 0.75]), angle=D.s(22.5))
    P.thetagrids(D.f([0, 90, 180, 270]))


# ---------------------------------------------------------------- text, limits, ticks
@pyplot_case("text", "annotate", "figtext", "arrow")
def _text(P, D):
    P.plot(D.x(), D.y())
    P.text(D.s(0.2), D.s(1.0), D.si(7))
    P.annotate(
        "peak", xy=D.f([0.25, 2.4]), xytext=(D.s(0.5), D.s(2.2)), arrowprops={"arrowstyle": "->"}
    )
    P.figtext(D.s(0.1), D.s(0.05), D.s(0.5))
    P.arrow(D.s(0.1), D.s(0.6), D.s(0.3), D.s(0.2), width=D.s(0.01))


@pyplot_case("xlim", "ylim", "xticks", "yticks", "axis", "margins", "axes")
def _limits(P, D):
    P.axes(D.f([0.15, 0.15, 0.7, 0.7]))
    P.plot(D.x(), D.y())
    P.xlim(D.s(-0.1), D.s(1.1))
    P.ylim(bottom=D.s(0.0))
    P.xticks(D.f([0, 0.5, 1.0]), ["a", "b", "c"])
    P.yticks(D.i([0, 1, 2]))
    P.margins(D.s(0.1))
    P.axis(D.f([-0.2, 1.2, -0.5, 3.0]))


@pyplot_case("table")
def _table(P, D):
    P.table(
        cellText=[[D.si(1), D.si(2)], [D.si(3), D.si(4)]], loc="center", colWidths=D.f([0.3, 0.3])
    )


@pyplot_case("imsave", "imread")
def _imsave(P, D):
    # imsave writes a file; drawing what it wrote back compares its pixels.
    import io

    buf = io.BytesIO()
    P.imsave(buf, D.f(D.grid2d(12, 16)), format="png", vmin=D.s(-1.0))
    buf.seek(0)
    P.imshow(P.imread(buf))


# ------------------------------------------------------- Axes methods without a pyplot command
@axes_case("bxp")
def _bxp(P, D):
    stats = [
        {
            "med": D.s(0.5),
            "q1": D.s(0.2),
            "q3": D.s(0.8),
            "whislo": D.s(0.0),
            "whishi": D.s(1.0),
            "fliers": D.f([1.3, -0.2]),
            "label": "a",
        }
    ]
    P.gca().bxp(stats, positions=D.f([1.0]))


@axes_case("violin")
def _violin(P, D):
    vpstats = [
        {
            "coords": D.f(np.linspace(-1, 1, 20)),
            "vals": D.f(np.exp(-(np.linspace(-1, 1, 20) ** 2))),
            "mean": D.s(0.0),
            "median": D.s(0.0),
            "min": D.s(-1.0),
            "max": D.s(1.0),
        }
    ]
    P.gca().violin(vpstats, positions=D.f([1.0]))


@axes_case("pcolorfast")
def _pcolorfast(P, D):
    P.gca().pcolorfast(D.f(np.arange(11)), D.f(np.arange(9)), D.f(D.grid2d()))


@axes_case(
    "set_xlim",
    "set_ylim",
    "set_xbound",
    "set_ybound",
    "set_xticks",
    "set_yticks",
    "update_datalim",
    "set_xmargin",
    "set_ymargin",
)
def _axes_limits(P, D):
    ax = P.gca()
    ax.plot(D.x(), D.y())
    ax.update_datalim(D.f([[-0.5, -1.0], [1.5, 3.0]]))
    ax.set_xmargin(D.s(0.05))
    ax.set_ymargin(D.s(0.05))
    ax.set_xbound(D.s(-0.2), D.s(1.2))
    ax.set_ybound(D.f([0.0, 3.0]))
    ax.set_xlim(D.f([-0.1, 1.1]))
    ax.set_ylim(D.s(0.1), D.s(2.9))
    ax.set_xticks(D.x(5))
    ax.set_yticks(D.f([0.5, 1.5, 2.5]), minor=True)


@axes_case("set")
def _axes_set(P, D):
    ax = P.gca()
    ax.plot(D.x(), D.y())
    ax.set(xlim=(D.s(0.1), D.s(0.9)), yticks=D.f([1.0, 2.0]), ylim=D.f([0.0, 3.0]))


@axes_case("inset_axes", "indicate_inset_zoom", "indicate_inset")
def _insets(P, D):
    ax = P.gca()
    ax.plot(D.x(), D.y())
    inset = ax.inset_axes(D.f([0.55, 0.55, 0.4, 0.4]))
    inset.plot(D.x(), D.y())  # tensors on the inset Axes too
    inset.set_xlim(D.s(0.2), D.s(0.4))
    inset.set_ylim(D.s(1.5), D.s(2.6))
    ax.indicate_inset_zoom(inset)
    ax.indicate_inset(D.f([0.7, 0.5, 0.1, 0.5]))


@axes_case("secondary_xaxis", "secondary_yaxis")
def _secondary(P, D):
    ax = P.gca()
    ax.plot(D.x(), D.y())
    sec = ax.secondary_xaxis("top")
    sec.set_xticks(D.f([0.1, 0.6]))
    ax.secondary_yaxis(D.s(1.0))


@axes_case("twinx", "twiny")
def _twins(P, D):
    ax = P.gca()
    ax.plot(D.x(), D.y())
    ax.twinx().plot(D.x(), D.f(np.linspace(10, 0, 20)), "r")
    ax.twiny().scatter(D.f([100, 200]), D.f([1, 2]))


@axes_case(
    "add_line",
    "add_patch",
    "add_collection",
    "add_artist",
    "add_image",
    "add_table",
    "add_child_axes",
    "add_container",
)
def _add(P, D):
    # Artists built by Matplotlib, then given tensors through their setters.
    import matplotlib.lines as mlines
    import matplotlib.patches as mpatches

    ax = P.gca()
    line = ax.add_line(mlines.Line2D([0, 1], [0, 1]))
    line.set_data(D.x(), D.y())
    patch = ax.add_patch(mpatches.Circle((0, 0), 0.1))
    patch.set_center(D.f([0.5, 1.0]))
    patch.set_radius(D.s(0.2))
    ax.autoscale_view()


# Setters of the artists that plotting calls return.
@axes_case("artist_setters")
def _artist_setters(P, D):
    ax = P.gca()
    (line,) = ax.plot([0, 1], [0, 1])
    line.set_xdata(D.x())
    line.set_ydata(D.y())
    sc = ax.scatter([0, 1], [0, 1])
    sc.set_offsets(D.f(np.c_[np.linspace(0, 1, 5), np.linspace(1, 2, 5)]))
    sc.set_sizes(D.f([10, 20, 30, 40, 50]))
    sc.set_array(D.f([0, 1, 2, 3, 4]))
    sc.set_facecolors(D.rgba(5))
    im = P.gcf().add_subplot(222).imshow(np.zeros((4, 4)))
    im.set_data(D.f(D.grid2d(4, 4)))
    im.set_clim(D.s(-1.0), D.s(1.0))
    q = P.gcf().add_subplot(223).quiver([0, 1], [0, 1], [1, 1], [1, 1])
    q.set_UVC(D.f([1.0, -1.0]), D.f([0.5, 0.5]), D.f([0.0, 1.0]))
    bars = P.gcf().add_subplot(224).bar([0, 1, 2], [1, 1, 1])
    for rect, h in zip(bars, D.f([1.0, 2.0, 3.0]), strict=True):
        rect.set_height(h)
    bars[0].set_xy(D.f([0.1, 0.0]))
    ax.relim()
    ax.autoscale_view()


@axes_case("3d")
def _three_d(P, D):
    ax = P.gcf().add_subplot(projection="3d")
    t = np.linspace(0, 4, 30)
    ax.plot(D.f(np.cos(t)), D.f(np.sin(t)), D.f(t))
    ax.scatter(D.f(t), D.f(t), D.f(t), c=D.f(t))
    yy, xx = np.mgrid[0:5, 0:6]
    ax.plot_surface(D.f(xx), D.f(yy), D.f(np.sin(xx + yy)))
    ax.set_zlim(D.s(-1.0), D.s(5.0))


@axes_case("subplot_mosaic_and_colorbar")
def _mosaic(P, D):
    fig = P.gcf()
    axd = fig.subplot_mosaic("AB")
    im = axd["A"].imshow(D.f(D.grid2d()))
    cbar = fig.colorbar(im, ax=axd["B"])
    cbar.set_ticks(D.f([-0.5, 0.0, 0.5]))
    cbar.ax.axhline(D.s(0.25), color="k")
    axd["B"].plot(D.x(), D.y())


@axes_case("subfigures")
def _subfigures(P, D):
    left, right = P.gcf().subfigures(1, 2)
    left.subplots().plot(D.x(), D.y())
    right.add_subplot().bar(D.i([1, 2]), D.f([3.0, 1.0]))
    right.suptitle(D.s(0.5))


@axes_case("data_dict")
def _data_dict(P, D):
    data = {"a": D.x(), "b": D.y(), "c": D.f(np.linspace(5, 50, 20))}
    P.gca().scatter("a", "b", s="c", data=data)
    P.gca().plot("a", "b", data=data)
