"""torchplot.Live: arguments it cannot use are refused when given, naming them and the fix."""

from __future__ import annotations

import re

import numpy as np
import pytest

import torchplot
from torchplot._live._panels import MetricPanel

torch = pytest.importorskip("torch")


def _live(**kwargs):
    return torchplot.Live(path=False, display="none", process=False, budget=None, **kwargs)


@pytest.mark.parametrize(
    "kwargs, words",
    [
        ({"window": 0}, "window=...) must be a positive int, got 0"),
        ({"window": 2.5}, "window=...) must be a positive int, got 2.5"),
        ({"buckets": 1}, "buckets=...) must be an int >= 2, got 1"),
        ({"buckets": "500"}, "buckets=...) must be an int >= 2, got '500'"),
        ({"ncols": 0}, "ncols=...) must be a positive int, or None for ceil"),
        ({"ncols": -1}, "ncols=...) must be a positive int, or None for ceil"),
        ({"ncols": 2.0}, "ncols=...) must be a positive int, or None for ceil"),
    ],
)
def test_a_grid_argument_out_of_range_is_refused_by_the_constructor(kwargs, words):
    # Accepted, then the first refresh inside log() raised ReducedSeries'
    # error without the argument's name (and close() a KeyError after it);
    # ncols=-1 failed there as a negative figure size, ncols=0 was the default.
    with pytest.raises(ValueError, match="^" + re.escape(f"Live({words}")):
        _live(**kwargs)


@pytest.mark.parametrize("logy", [3, [1], b"loss", ["loss", None]])
def test_a_logy_that_is_not_names_is_refused_by_the_constructor(logy):
    # logy=3: "'int' object is not iterable"; logy=[1]: accepted, no panel log-scaled.
    with pytest.raises(TypeError, match=r"^Live\(logy=\.\.\.\) must be a bool, a metric or group"):
        _live(logy=logy)


def test_grid_arguments_in_range_keep_working():
    live = _live(
        every=4,
        window=np.int64(3),
        buckets=3,
        ncols=np.int64(2),
        logy=(name for name in ["b"]),
    )
    for step in range(20):
        live.log(step, a=step + 1.0, b=step + 1.0, c=1.0)
    live.close()
    axes = [panel.ax for panel in live.panels.values()]
    assert [ax.get_yscale() for ax in axes] == ["linear", "log", "linear"]
    columns = {round(ax.get_position().x0, 6) for ax in axes}
    assert len(columns) == 2  # three panels in two columns
    panel = live.panels["a"]
    assert (panel.raw["a"].window, panel.raw["a"].capacity) == (3, 4)
    np.testing.assert_array_equal(live.history("a")[1], np.arange(1.0, 21.0))


def test_a_metric_panel_that_cannot_add_a_metric_is_left_as_it_was():
    # The name was appended before its series was made: the failure left a
    # name without series, and every later update raised KeyError.
    panel = MetricPanel("loss", log=False, window=0, buckets=500)
    with pytest.raises(ValueError, match="window must be >= 1"):
        panel.add_metric("loss", 0.5)
    assert (panel.names, panel.raw, panel.smooth, panel.weights) == ([], {}, {}, {})


def test_a_metric_refused_at_a_refresh_leaves_nothing_half_registered():
    # A metric named like a show() panel was stored (live.metrics, history,
    # CSV) though never drawn, and the metrics after it in that refresh were
    # dropped.
    live = _live(every=100)
    live.show("a", torch.arange(3.0))
    live.log(0, a=1.0, b=2.0)
    live.log(1, b=3.0)
    with pytest.raises(ValueError, match=r"'a' names a panel that Live\.show\(\) uses"):
        live.refresh()
    assert live.metrics == ["b"]
    assert list(live.panels) == ["a", "b"]
    np.testing.assert_array_equal(live.history("b"), [[0.0, 1.0], [2.0, 3.0]])
    live.log(2, b=4.0)
    live.close()  # nothing left that fails
    np.testing.assert_array_equal(live.panels["b"].raw["b"].display()[1], [2.0, 3.0, 4.0])


@pytest.mark.parametrize(
    "extra, words",
    [
        (
            {"data": 2},
            r"Live\.show\('p', \.\.\., kind='image'\) draws one image; argument data\[1\] is "
            r"a second array\. Fix: show each image in a panel of its own \(`live\.show\('p 2'",
        ),
        (
            {"target": True},
            r"Live\.show\('p', \.\.\., kind='image'\) draws one image and takes no argument "
            r"'target'\. Fix: show the target in a panel of its own "
            r"\(`live\.show\('p target', target\)`\)",
        ),
    ],
    ids=["two-arrays", "target"],
)
def test_show_of_an_image_refuses_a_second_array_or_a_target(extra, words):
    # The second array, or the target, was silently not drawn.
    live = _live(every=100)
    a, b = torch.zeros(8, 8), torch.ones(8, 8)
    data = (a, b) if extra.get("data") else (a,)
    target = b if extra.get("target") else None
    with pytest.raises(TypeError, match=words):
        live.show("p", *data, target=target, kind="image")
    assert "p" not in live.panels  # a call that raises records nothing
    live.show("p", b, kind="image")
    live.refresh()
    np.testing.assert_array_equal(live.panels["p"].ax.images[0].get_array(), b.numpy())
    live.close()
