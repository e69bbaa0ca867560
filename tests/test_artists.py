"""What the objects torchplot hands out do with tensors, asserted directly."""

from __future__ import annotations

import copy
import pickle
import subprocess
import sys
from pathlib import Path

import matplotlib.pyplot as mpl
import numpy as np
import torch

import torchplot as plt

ROOT = Path(__file__).resolve().parent.parent


def test_int_tensor_bar_labels_read_as_numbers():
    bars = plt.bar([0, 1, 2], torch.tensor([5, 3, 2]))
    texts = plt.bar_label(bars, torch.tensor([5, 3, 2]))
    assert [t.get_text() for t in texts] == ["5", "3", "2"]
    auto = plt.gca().bar_label(bars)  # labels from the heights Matplotlib stored
    assert [t.get_text() for t in auto] == ["5", "3", "2"]


def test_zero_d_tensor_text_reads_as_a_number():
    ax = plt.figure().add_subplot()
    assert ax.text(0, 0, torch.tensor(7)).get_text() == "7"
    assert ax.set_title(torch.tensor(0.5)).get_text() == "0.5"


def test_zero_d_tensors_as_limits_and_reference_lines():
    ax = plt.figure().add_subplot()
    ax.set_xlim(torch.tensor(-1.0, requires_grad=True), torch.tensor(2.0))
    assert ax.get_xlim() == (-1.0, 2.0)
    line = ax.axhline(torch.tensor(0.25, dtype=torch.bfloat16))
    np.testing.assert_array_equal(line.get_ydata(), [0.25, 0.25])


def test_returned_artists_accept_tensors_in_setters():
    ax = plt.figure().add_subplot()
    (line,) = ax.plot([0.0, 1.0])
    line.set_data(torch.arange(3.0), torch.ones(3, requires_grad=True))
    np.testing.assert_array_equal(line.get_ydata(), np.ones(3))
    sc = ax.scatter([0], [0])
    sc.set_offsets(torch.zeros(4, 2, dtype=torch.bfloat16))
    assert sc.get_offsets().shape == (4, 2)
    plt.setp(line, ydata=torch.full((3,), 2.0))
    np.testing.assert_array_equal(line.get_ydata(), [2.0, 2.0, 2.0])


def test_colormap_and_normalize_accept_tensors():
    cmap = plt.get_cmap("viridis")
    rgba = cmap(torch.linspace(0, 1, 4, requires_grad=True))
    np.testing.assert_array_equal(
        rgba, mpl.get_cmap("viridis")(np.linspace(0, 1, 4, dtype=np.float32))
    )
    norm = plt.Normalize(vmin=torch.tensor(0.0), vmax=torch.tensor(4.0))
    np.testing.assert_allclose(norm(torch.tensor([1.0, 2.0])), [0.25, 0.5])


def test_adopted_objects_pickle_and_copy():
    fig, ax = plt.subplots()
    (line,) = ax.plot(torch.arange(4.0))
    clone = pickle.loads(pickle.dumps(fig))
    clone.axes[0].lines[0].set_ydata(torch.zeros(4))
    np.testing.assert_array_equal(line.get_ydata(), [0, 1, 2, 3])  # original untouched
    copy.deepcopy(line.get_path())


_UNPICKLE = """
import pickle, sys
import matplotlib
matplotlib.use("Agg")
fig = pickle.load(open(sys.argv[1], "rb"))
import torch  # tensors work after unpickling in a fresh process
fig.axes[0].lines[0].set_ydata(torch.ones(4, requires_grad=True))
print(type(fig.axes[0]).__name__, fig.axes[0].lines[0].get_ydata().tolist())
"""


def test_pickled_figure_loads_in_a_fresh_process(tmp_path):
    fig, ax = plt.subplots()
    ax.plot(torch.arange(4.0))
    path = tmp_path / "fig.pickle"
    path.write_bytes(pickle.dumps(fig))
    out = subprocess.run(
        [sys.executable, "-c", _UNPICKLE, str(path)],
        capture_output=True,
        text=True,
        check=True,
        env={"PYTHONPATH": str(ROOT), "PATH": ""},
    )
    assert out.stdout.split() == ["Axes", "[1.0,", "1.0,", "1.0,", "1.0]"]


def test_every_axes_kind_is_adopted():
    fig = plt.figure()
    polar = fig.add_subplot(221, projection="polar")
    three_d = fig.add_subplot(222, projection="3d")
    ax = fig.add_subplot(223)
    kinds = [
        polar,
        three_d,
        ax,
        ax.twinx(),
        ax.twiny(),
        ax.inset_axes([0.5, 0.5, 0.4, 0.4]),
        ax.secondary_xaxis("top"),
        fig.colorbar(ax.imshow(np.eye(2))).ax,
        *fig.subplot_mosaic("AB").values(),
        plt.axes([0.1, 0.1, 0.2, 0.2]),
    ]
    for a in kinds:
        assert plt.adopt(a) is a and type(a).__module__ == "torchplot._twins", a
        a.set_xlim(torch.tensor(0.0), torch.tensor(1.0))  # and tensors work on it


def test_axes_created_implicitly_by_pyplot_are_adopted():
    plt.plot([1, 2, 3])  # no figure existed: pyplot makes Figure and Axes itself
    assert type(plt.gca()).__module__ == "torchplot._twins"
    plt.gca().plot(torch.ones(3, requires_grad=True))


def test_subclasses_of_twins_are_used_as_they_are():
    # A user's own classes built on torchplot's: already tensor-aware, never re-twinned.
    class MyAxes(plt.Axes):
        pass

    class MyLine(plt.Line2D):
        pass

    fig = plt.figure()
    ax = fig.add_subplot(axes_class=MyAxes)
    line = MyLine([0, 1], [0, 1])
    assert ax.add_line(line) is line
    assert type(ax) is MyAxes and type(line) is MyLine
    assert plt.adopt(ax) is ax and type(ax) is MyAxes
    line.set_ydata(torch.tensor([2.0, 3.0], requires_grad=True))
    (plotted,) = ax.plot(torch.arange(3, dtype=torch.bfloat16))
    assert line.get_ydata().tolist() == [2.0, 3.0]
    assert plotted.get_ydata().tolist() == [0.0, 1.0, 2.0]


def test_axes_built_as_twins_adopt_their_children():
    class MyAxes(plt.Axes):
        pass

    fig = plt.figure()
    built = [fig.add_subplot(121, axes_class=MyAxes), plt.Axes(fig, (0.5, 0.1, 0.4, 0.8))]
    for ax in built:
        assert all(type(c).__module__ == "torchplot._twins" for c in (ax.xaxis, ax.patch))
        ax.xaxis.set_ticks(torch.tensor([0.0, 0.5, 1.0], requires_grad=True))
        assert ax.get_xticks().tolist() == [0.0, 0.5, 1.0]
