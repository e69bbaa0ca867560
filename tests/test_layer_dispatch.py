"""When a twin's method runs its tensor-native layers, and when it may skip them.

The contract is in :mod:`torchplot._native`: a call without a foreign array
and without a layer's keywords never needs the chain, and an opt-in layer is
left out while its setting is ``False`` and none of its keywords is given.
"""

from __future__ import annotations

import operator

import numpy as np
import pytest
import torch

import torchplot as plt
from torchplot._native import ExplainerSpec, LayerSpec, layer
from torchplot._rc import rc_params
from torchplot._twins import _layered_method


def _draw(self, *args, **kwargs):
    return [("drawn", args, kwargs)]


def _spy(name, calls):
    def run(ax, call_next, args, kwargs):
        calls.append(name)
        return call_next(args, kwargs)

    return run


def _method(calls, *, keywords=(), opt_in=False):
    specs = [
        LayerSpec(10, _spy("first", calls), frozenset(keywords), None),
        LayerSpec(
            20,
            _spy("second", calls),
            frozenset({"reduce"}) if opt_in else frozenset(),
            "plot.reduce" if opt_in else None,
        ),
    ]
    return _layered_method(_draw, specs)


def test_plain_calls_skip_the_chain_and_reach_matplotlib_unchanged():
    calls: list[str] = []
    method = _method(calls)
    xs = np.arange(3.0)
    [(_, args, kwargs)] = method(object(), xs, [1, 2, 3], "r--", color="k")
    assert calls == []
    assert args[0] is xs and args[1:] == ([1, 2, 3], "r--") and kwargs == {"color": "k"}


@pytest.mark.parametrize(
    ("args", "kwargs"),
    [
        ((torch.ones(3),), {}),
        ((np.ones(3),), {"color": torch.tensor([0.0, 0.0, 1.0])}),
        (([torch.tensor(1.0), 2.0],), {}),  # a container holding a tensor
        ((np.ones(3),), {"mine": 1}),  # a layer keyword, no tensor
    ],
)
def test_tensors_and_layer_keywords_run_the_chain(args, kwargs):
    calls: list[str] = []
    method = _method(calls, keywords=("mine",))
    method(object(), *args, **kwargs)
    assert calls == ["first", "second"]


def test_undeclared_keywords_run_the_chain_for_any_keyword():
    calls: list[str] = []
    specs = [LayerSpec(10, _spy("undeclared", calls), None, None)]
    method = _layered_method(_draw, specs)
    method(object(), np.ones(3))
    assert calls == []
    method(object(), np.ones(3), color="r")
    assert calls == ["undeclared"]


def test_opt_in_layer_runs_only_when_asked(monkeypatch):
    calls: list[str] = []
    method = _method(calls, opt_in=True)
    method(object(), torch.ones(3))
    assert calls == ["first"]
    calls.clear()
    method(object(), torch.ones(3), reduce=False)
    assert calls == ["first", "second"]
    calls.clear()
    monkeypatch.setitem(rc_params, "plot.reduce", True)
    method(object(), torch.ones(3))
    assert calls == ["first", "second"]


def test_opt_in_layer_must_name_its_keywords():
    with pytest.raises(ValueError, match="must name its keywords"):
        layer("plot", order=99, setting="plot.reduce")


def test_rc_params_validate_every_way_in():
    before = dict(rc_params)
    with pytest.raises(KeyError, match="not a torchplot setting"):
        rc_params.setdefault("plot.reduce_treshold", 1)
    with pytest.raises(ValueError, match="positive integer"):
        operator.ior(rc_params, {"plot.reduce_threshold": -5})
    for remove in (
        lambda: rc_params.pop("plot.reduce"),
        lambda: rc_params.popitem(),
        lambda: rc_params.clear(),
        lambda: rc_params.__delitem__("plot.reduce"),
    ):
        with pytest.raises(TypeError, match="cannot be removed"):
            remove()
    assert rc_params == before
    assert rc_params.setdefault("plot.reduce") is before["plot.reduce"]
    assert operator.ior(rc_params, {"plot.reduce": False}) is rc_params


def test_layer_keywords_with_numpy_data_keep_their_meaning():
    ax = plt.figure().add_subplot()
    with pytest.raises(TypeError, match="keyword\\(s\\) reduce apply to torch tensors only"):
        ax.plot(np.arange(5.0), reduce=True)
    assert not ax.lines
    with pytest.raises(ValueError, match="reduce='fast'"):
        ax.plot(np.arange(5.0), reduce="fast")
    with pytest.raises(TypeError, match="torch tensors only"):
        ax.imshow(np.zeros((4, 4)), nrow=2)


def test_reduce_on_a_3d_axes_looks_for_tensors_in_keywords_too():
    ax = plt.figure().add_subplot(projection="3d")
    x = np.arange(3.0)
    (line,) = ax.plot(x, x, zs=torch.arange(3.0), reduce=True)  # the exact path: 3-D
    np.testing.assert_array_equal(line.get_data_3d()[2], [0.0, 1.0, 2.0])
    with pytest.raises(TypeError, match=r"^Axes3D\.plot\(\) keyword\(s\) reduce apply"):
        ax.plot(x, x, zs=x, reduce=True)


def _explained(seen):
    def fail(self, *args, **kwargs):
        raise ValueError(f"matplotlib's own message ({len(args)} args)")

    def explain(error, args, kwargs):
        seen.append((str(error), args))
        if args and isinstance(args[0], torch.Tensor) and args[0].ndim == 3:
            raise ValueError("the clearer message") from None

    return _layered_method(fail, [], [ExplainerSpec(ValueError, explain)])


def test_explainer_sees_the_raw_arguments_of_a_failing_call_with_tensors():
    seen: list[tuple[str, tuple]] = []
    method = _explained(seen)
    cube = torch.ones(2, 3, 4)
    with pytest.raises(ValueError, match="the clearer message"):
        method(object(), cube)
    assert seen[0][0] == "matplotlib's own message (1 args)"
    assert seen[0][1][0] is cube  # the tensor itself, not its conversion
    with pytest.raises(ValueError, match="matplotlib's own message"):  # it returned
        method(object(), torch.ones(3))
    assert len(seen) == 2


def test_explainer_leaves_calls_without_tensors_and_other_errors_alone():
    seen: list[tuple[str, tuple]] = []
    with pytest.raises(ValueError, match="matplotlib's own message"):
        _explained(seen)(object(), np.ones((2, 3, 4)))
    assert seen == []

    def wrong_type(self, *args, **kwargs):
        raise TypeError("not a ValueError")

    method = _layered_method(
        wrong_type, [], [ExplainerSpec(ValueError, lambda error, args, kwargs: seen.append(error))]
    )
    with pytest.raises(TypeError, match="not a ValueError"):
        method(object(), torch.ones(3))
    assert seen == []


def test_explainer_costs_a_successful_call_nothing_it_can_see():
    seen: list[object] = []
    method = _layered_method(
        _draw, [], [ExplainerSpec(ValueError, lambda error, args, kwargs: seen.append(error))]
    )
    [(_, args, _)] = method(object(), torch.arange(3.0))
    np.testing.assert_array_equal(args[0], np.arange(3.0))
    assert seen == []
