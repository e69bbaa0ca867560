"""Promise 3: figures snapshot their data, keep no tensor alive, and leak nothing over a loop."""

from __future__ import annotations

import gc
import io
import tracemalloc
import weakref

import numpy as np
import pytest
import torch

import torchplot as plt


def _png(fig) -> bytes:
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return buf.getvalue()


def test_in_place_change_after_plot_does_not_reach_the_figure():
    t = torch.linspace(0, 1, 50)
    fig, ax = plt.subplots()
    ax.plot(t, t**2)
    ax.scatter(t, t, c=t)
    ax.imshow(t.reshape(5, 10), extent=(0, 1, 0, 1))
    before = _png(fig)
    t.mul_(-3)  # same storage the figure would alias if it kept a view
    assert _png(fig) == before


def test_set_ydata_snapshots_too():
    fig, ax = plt.subplots()
    (line,) = ax.plot(np.zeros(10))
    y = torch.arange(10.0)
    line.set_ydata(y)
    before = _png(fig)
    y.zero_()
    assert _png(fig) == before


def test_dropped_tensor_and_its_graph_are_freed():
    w = torch.randn(100, requires_grad=True)
    y = torch.sin(w) * 3  # carries an autograd graph back to w
    _, ax = plt.subplots()
    ax.plot(y)
    ax.hist(y, bins=5)
    ax.axhline(y.mean())
    refs = [weakref.ref(y), weakref.ref(w)]
    del y, w
    gc.collect()
    assert [r() for r in refs] == [None, None]
    assert len(ax.lines) == 2  # the figure itself is intact


def test_plotting_loop_holds_steady_memory():
    model = torch.nn.Linear(64, 64)
    x = torch.randn(256, 64)
    fig, ax = plt.subplots()
    (line,) = ax.plot(np.zeros(256))

    def step(i):
        y = model(x).sum(dim=1)  # grad-tracking output
        line.set_ydata(y)
        ax.set_title(y.mean())
        if i % 100 == 0:  # render now and then, as a training loop does
            fig.canvas.draw()

    for i in range(200):  # warm caches (text layout, twin classes)
        step(i)
    tracemalloc.start()
    gc.collect()
    start, _ = tracemalloc.get_traced_memory()
    for i in range(1000):
        step(i)
    gc.collect()
    end, _ = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    # 1,000 steps of 256 floats would be ~1 MB if anything accumulated.
    assert end - start < 200_000, f"grew by {end - start} bytes over 1,000 steps"


# ------------------------------------------------------- classes made in a function


def _collected(refs):
    for _ in range(3):  # weak-value caches let go of a class one collection later
        gc.collect()
    return [ref() is None for ref in refs]


def test_figures_drawn_by_seaborn_objects_are_freed():
    # seaborn makes a scale class for each scale of each plot; cached by type,
    # it kept its locators, their Axis and the whole figure alive.
    import torchplot.seaborn.objects as so

    refs = []
    for _ in range(3):
        fig, ax = plt.subplots()
        so.Plot(x=torch.arange(20.0), y=torch.randn(20)).add(so.Line()).on(ax).plot()
        refs.append(weakref.ref(fig))
        plt.close(fig)
        del fig, ax
    assert all(_collected(refs))


def test_artist_classes_made_in_a_function_are_freed():
    from matplotlib.lines import Line2D

    def make():
        class Local(Line2D):
            pass

        return Local

    refs = []
    for _ in range(3):
        local = make()
        fig, ax = plt.subplots()
        ax.add_line(local([0, 1], [0, 1]))
        refs.append(weakref.ref(local))
        plt.close(fig)
        del fig, ax, local
    assert all(_collected(refs))


def test_a_refused_dtype_keeps_neither_the_tensor_nor_the_dashboard():
    # The verdict kept for the dtype held its traceback: the first refused
    # tensor, the Live that logged it and its figure stayed alive.
    live = plt.Live(display="none", path=False)
    bits = torch.empty(100, dtype=torch.bits8)
    with pytest.raises(TypeError, match="bits8"):
        live.log(1, bad=bits[0])
    refs = [weakref.ref(live), weakref.ref(bits)]
    live.close()
    del live, bits
    assert all(_collected(refs))
