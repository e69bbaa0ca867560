"""mpl_toolkits' Axes and parts, and users' own Axes classes, as torchplot hands them out."""

from __future__ import annotations

import copy
import pickle
import weakref

import matplotlib.pyplot as mpl
import numpy as np
import pytest
import torch
from matplotlib.axes import Axes
from matplotlib.projections import register_projection
from mpl_toolkits import axisartist
from mpl_toolkits.axes_grid1 import host_subplot
from mpl_toolkits.axes_grid1.inset_locator import inset_axes

import torchplot as plt
from torchplot import _twins


def _pixels(fig):
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy()


def _is_twin(obj):
    return _twins.derives_from_twin(type(obj))


def _parasite_figure(pyplot, y):
    fig = pyplot.figure(figsize=(3, 2), dpi=50)
    host = host_subplot(111, figure=fig)
    host.plot([0.0, 1.0, 2.0])
    parasite = host.get_aux_axes(viewlim_mode=None, sharex=host)
    parasite.plot(y, color="C1")
    return fig, parasite


def test_parasite_axes_take_tensors_and_draw_their_numpy_equivalent():
    y = torch.tensor([2.0, 0.0, 1.0], requires_grad=True)
    fig, parasite = _parasite_figure(plt, y)
    ref, _ = _parasite_figure(mpl, [2.0, 0.0, 1.0])
    assert _is_twin(parasite)
    assert np.array_equal(_pixels(fig), _pixels(ref))


def _factory_axes_figure():
    fig = plt.figure()
    host = host_subplot(121, figure=fig)
    inset = inset_axes(fig.add_subplot(122), "30%", "30%")
    return fig, host, inset


@pytest.mark.parametrize("restore", [lambda f: pickle.loads(pickle.dumps(f)), copy.deepcopy])
def test_factory_made_axes_come_back_from_pickle_and_copy_as_twins(restore):
    # axes_grid1's host and inset Axes are classes Matplotlib makes with a
    # class factory, which pickles them by rebuilding the factory's class.
    fig, host, inset = _factory_axes_figure()
    assert _is_twin(host) and _is_twin(inset)
    clone = restore(fig)
    for ax in clone.axes:
        assert _is_twin(ax), type(ax)
        ax.plot(torch.arange(3.0, requires_grad=True))
    assert {type(a).__name__ for a in clone.axes} == {"AxesHostAxes", "Axes"}


_UNPICKLE = """
import pickle, sys
import matplotlib
matplotlib.use("Agg")
fig = pickle.load(open(sys.argv[1], "rb"))
import torch
for ax in fig.axes:
    ax.plot(torch.arange(3.0, requires_grad=True))
print(*sorted(type(ax).__module__ for ax in fig.axes))
"""


def test_factory_made_axes_unpickle_as_twins_in_a_fresh_process(unpickled_in_a_fresh_process):
    fig, _, _ = _factory_axes_figure()
    out = unpickled_in_a_fresh_process(fig, _UNPICKLE)
    assert out.split() == ["torchplot._twins"] * 3


def _axisartist_figure(pyplot, size):
    fig = pyplot.figure(figsize=(3, 2), dpi=50)
    ax = fig.add_subplot(axes_class=axisartist.Axes)
    ax.axis["bottom"].major_ticks.set_ticksize(size)
    ax.axis["left"].line.set_linewidth(size / 2)
    return fig, ax


def test_axisartist_parts_convert_copy_and_keep_no_tensor():
    size = torch.tensor(8.0, requires_grad=True)
    fig, ax = _axisartist_figure(plt, size)
    ref, _ = _axisartist_figure(mpl, np.float32(8.0))
    parts = [getattr(ax.axis["bottom"], name) for name in _twins._AXIS_ARTIST_PARTS]
    assert all(_is_twin(part) for part in parts), [type(p) for p in parts]
    kept = weakref.ref(size)
    size.detach().mul_(4)  # changed in place after plotting: not the figure's
    del size
    assert kept() is None
    assert np.array_equal(_pixels(fig), _pixels(ref))


def test_gridspec_update_converts_and_keeps_no_tensor():
    fig = plt.figure()
    gs = fig.add_gridspec(2, 2)
    ax = fig.add_subplot(gs[0, 0])
    left = torch.tensor(0.2, requires_grad=True)
    gs.update(left=left, wspace=torch.tensor(0.3, requires_grad=True))
    kept = weakref.ref(left)
    left.detach().fill_(0.5)
    del left
    gs.update(right=0.9)  # recomputes every position from the stored values
    assert ax.get_position().x0 == pytest.approx(0.2)
    assert kept() is None


class _WeightsAxes(Axes):
    name = "torchplot_test_weights"

    def plot_weights(self, w):
        # The user's own method, written for tensors.
        return self.imshow(w.detach().abs().numpy())

    def plot(self, *args, **kwargs):
        # The user's override of a Matplotlib method takes what Matplotlib's takes.
        return super().plot(*args, **kwargs)


register_projection(_WeightsAxes)


def test_methods_only_a_users_subclass_defines_get_their_arguments_as_given():
    w = torch.randn(3, 3, requires_grad=True)
    for pyplot in (mpl, plt):
        ax = pyplot.figure().add_subplot(projection=_WeightsAxes.name)
        ax.plot_weights(w)
    ax.plot(torch.arange(3.0, requires_grad=True))
    assert _is_twin(ax)
