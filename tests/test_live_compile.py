"""``Live.log`` and ``Live.show`` inside a ``torch.compile``'d training step.

Dynamo breaks the graph at the call, which runs as Python on the step's
computed tensors: what is logged and shown is what eager mode logs and shows.
Backends ``eager`` and ``aot_eager`` keep the tests fast (the default,
inductor, takes the same path: checked by hand, it compiles for seconds).
"""

from __future__ import annotations

import inspect
import os
import subprocess
import sys
import types
from pathlib import Path

import numpy as np
import pytest

import torchplot
from torchplot import _compat
from torchplot._live import _live

torch = pytest.importorskip("torch")

REPO = Path(__file__).resolve().parents[1]
STEPS = 12


@pytest.fixture(autouse=True)
def _fresh_dynamo():
    # Compiled code is cached per code object, across tests and backends.
    torch._dynamo.reset()
    yield
    torch._dynamo.reset()


def _recording(backend: str, graphs: list) -> object:
    """Dynamo backend ``backend`` that also keeps each graph it is given in ``graphs``."""
    compile_graph = torch._dynamo.lookup_backend(backend)

    def record(gm, example_inputs):
        graphs.append(gm)
        return compile_graph(gm, example_inputs)

    return record


def _ops(graphs: list) -> set[str]:
    """The names of what the ``graphs`` call (``mean``, ``mul``, ...)."""
    return {
        getattr(node.target, "__name__", str(node.target))
        for gm in graphs
        for node in gm.graph.nodes
        if node.op in ("call_function", "call_method", "call_module")
    }


def _train(backend: str | None) -> dict[str, object]:
    """A small regression trained ``STEPS`` steps, logging from inside the (compiled) step.

    Returns what ``Live`` kept (histories, the prediction panel's curves) and
    what the step returned (losses, the last prediction shown).
    """
    torch.manual_seed(0)
    model = torch.nn.Linear(3, 1)
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(32, 3)
    y = x.sum(1, keepdim=True)
    # every=5: refreshes start inside the step too.
    live = torchplot.Live(every=5, display="none", process=False)

    def step(i):
        out = model(x)
        loss = ((out - y) ** 2).mean()
        # A tensor, one computed for the call, a float; the step a Python int.
        live.log(i, loss=loss, double=loss * 2, lr=0.1)
        if i % 4 == 0:
            live.show("pred", out[:, 0], target=y[:, 0])
        return loss, out

    graphs: list = []
    if backend is not None:
        step = torch.compile(step, backend=_recording(backend, graphs))
    losses, shown = [], None
    for i in range(STEPS):
        loss, out = step(i)
        opt.zero_grad()
        loss.backward()
        opt.step()
        losses.append(loss.item())
        if i % 4 == 0:
            shown = out[:, 0].detach().numpy().copy()
    live.close()
    pred, target = live.panels["pred"].series
    return {
        "history": {name: live.history(name) for name in ("loss", "double", "lr")},
        "pred": (pred.get_ydata(), target.get_ydata()),
        "losses": np.array(losses),
        "shown": shown,
        "y": y[:, 0].numpy(),
        "ops": _ops(graphs),
    }


@pytest.fixture(scope="module")
def eager_run():
    return _train(None)


@pytest.mark.parametrize("backend", ["eager", "aot_eager"])
def test_log_and_show_in_compiled_step_keep_eager_values(backend, eager_run):
    # Traced, log failed: np.empty(..., "void") in the history store
    # (PyTorch 2.13), isfinite of a SymFloat step (2.3).
    run = _train(backend)
    # The step was compiled: its computation is in the graphs, and the
    # calls ran as Python, outside them.
    assert {"mean", "mul"} <= run["ops"], run["ops"]
    steps = np.arange(STEPS, dtype=float)
    for name, (s, v) in run["history"].items():
        np.testing.assert_array_equal(s, steps)
        eager_s, eager_v = eager_run["history"][name]
        np.testing.assert_array_equal(s, eager_s)
        np.testing.assert_array_equal(v, eager_v, err_msg=name)
    # What the step computed, as the training loop saw it.
    np.testing.assert_array_equal(run["history"]["loss"][1], run["losses"])
    np.testing.assert_array_equal(run["history"]["double"][1], 2 * run["losses"])
    np.testing.assert_array_equal(run["history"]["lr"][1], np.full(STEPS, 0.1))
    pred, target = run["pred"]
    np.testing.assert_array_equal(pred, run["shown"])
    np.testing.assert_array_equal(target, run["y"])
    np.testing.assert_array_equal(pred, eager_run["pred"][0])


def test_torch_imported_after_live_was_made(monkeypatch):
    # A Live made before torch was imported tests for Dynamo through
    # sys.modules at each call, also while Dynamo traces it.
    monkeypatch.setattr(_live, "_traced", _compat.dynamo_tracing)
    live = torchplot.Live(every=3, display="none", process=False)
    monkeypatch.setattr(_live, "_traced", _compat.dynamo_tracing)

    graphs: list = []

    @torch.compile(backend=_recording("eager", graphs))
    def step(t):
        loss = (t * t).sum()
        live.log(t[0], loss=loss)  # a tensor step too
        return loss

    values = [step(torch.tensor([float(i), 1.0])).item() for i in range(4)]
    assert "mul" in _ops(graphs)
    np.testing.assert_array_equal(live.history("loss"), (np.arange(4.0), values))
    live.close()


def test_errors_in_compiled_step_are_logs_own():
    live = torchplot.Live(every=50, display="none", process=False)

    @torch.compile(backend="eager")
    def step(t):
        live.log(0, vector=t * 2)
        return t

    with pytest.raises(ValueError, match=r"Live\.log\(\) metric 'vector' must be a scalar"):
        step(torch.ones(3))
    live.close()
    with pytest.raises(RuntimeError, match=r"Live\.log\(\) after close\(\)"):
        step(torch.ones(1))


def test_log_and_show_stay_plain_methods():
    # No wrapper around them: their signature, docstring and cost stay theirs.
    for method in (torchplot.Live.log, torchplot.Live.show):
        assert type(method) is types.FunctionType and not hasattr(method, "__wrapped__")
    assert (
        str(inspect.signature(torchplot.Live.log))
        == "(self, step: 'Any', /, **metrics: 'Any') -> 'None'"
    )
    assert torchplot.Live.log.__doc__.startswith("Record scalar metrics at ``step``")


def test_no_dynamo_import_without_compile():
    # Where nothing is compiled, Live never imports torch._dynamo (which
    # torch.compiler.disable would), nor torch where the user did not.
    code = (
        "import sys, torchplot\n"
        "live = torchplot.Live(every=2, display='none', process=False)\n"
        "live.log(0, a=1.0); live.show('p', [1.0, 2.0]); live.log(1, a=2.0); live.close()\n"
        "assert 'torch' not in sys.modules\n"
        "import torch\n"
        "live = torchplot.Live(every=2, display='none', process=False)\n"
        "live.log(0, a=torch.tensor(1.0)); live.show('p', torch.ones(3)); live.close()\n"
        "assert 'torch._dynamo' not in sys.modules, 'torch._dynamo imported'\n"
    )
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO), "MPLBACKEND": "Agg"},
    )
