"""Promise 2: no tensor, no change -- and torch and NumPy untouched."""

from __future__ import annotations

import io

import matplotlib.pyplot as mpl
import numpy as np
import pandas as pd
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot


@check_figures_equal(extensions=["png"], tol=0)
def test_calls_without_tensors_draw_what_matplotlib_draws(fig_test, fig_ref):
    for P, fig in ((torchplot, fig_test), (mpl, fig_ref)):
        P.figure(fig)
        P.plot(range(10))  # the call the PyPI package of the same name breaks
        P.plot([1, 3, 2], "r--")
        P.scatter(pd.Series([1.0, 2.0]), np.array([3.0, 1.0]))
        P.bar(["a", "b"], [1, 2])
        P.xlim(0, 9)
        P.title("plain")


def test_plot_range_returns_matplotlib_data():
    (line,) = torchplot.plot(range(5))
    np.testing.assert_array_equal(line.get_xdata(), np.arange(5))


def test_torch_and_numpy_are_unchanged():
    before = (torch.Tensor.__array__, torch.Tensor.numpy, np.asarray, torch.Tensor.__dict__.keys())
    import importlib

    importlib.reload(torchplot)
    after = (torch.Tensor.__array__, torch.Tensor.numpy, np.asarray, torch.Tensor.__dict__.keys())
    assert before[:3] == after[:3] and set(before[3]) == set(after[3])
    # A grad tensor still refuses numpy(): torchplot does not make torch lenient.
    t = torch.ones(2, requires_grad=True)
    try:
        t.numpy()
    except RuntimeError:
        pass
    else:
        raise AssertionError("torch behaviour changed")


def test_matplotlib_objects_not_handed_out_by_torchplot_stay_plain():
    fig = mpl.figure()
    ax = fig.add_subplot()
    assert type(ax) is mpl.Axes
    torchplot.plot([1, 2])  # acts on the current figure: that one is adopted
    other = mpl.figure(99)
    assert type(other) is mpl.Figure  # not current when torchplot ran
    buf = io.BytesIO()
    fig.savefig(buf)
