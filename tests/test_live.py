"""torchplot.Live: live training plots that never sync in ``log`` and stay bounded."""

from __future__ import annotations

import copy
import csv
import gc
import io
import itertools
import json
import math
import os
import pickle
import sys
import time
import tracemalloc
import types
import warnings
import weakref
from pathlib import Path

import matplotlib.pyplot as mpl_plt
import numpy as np
import pytest
from matplotlib.backends.backend_agg import FigureCanvasAgg
from matplotlib.figure import Figure
from PIL import Image

import torchplot
from tests._helpers import DLPackOnly, fake_tensor
from torchplot._live._history import ReducedSeries

torch = pytest.importorskip("torch")

REPO = Path(__file__).resolve().parents[1]


def _png_pixels(path_or_bytes) -> np.ndarray:
    src = io.BytesIO(path_or_bytes) if isinstance(path_or_bytes, bytes) else path_or_bytes
    with Image.open(src) as im:
        return np.asarray(im.convert("RGBA"))


def _reference_png(
    live: torchplot.Live, data: dict[str, tuple[np.ndarray, np.ndarray]]
) -> np.ndarray:
    """The live figure drawn once, from ``data``, with plain Matplotlib (no torchplot, no blit)."""
    fig = Figure(figsize=live.figure.get_size_inches(), dpi=live.figure.dpi)
    FigureCanvasAgg(fig)
    for name, panel in live.panels.items():
        src = panel.ax
        ax = fig.add_axes(src.get_position())
        ax.set_yscale(src.get_yscale())
        for i, metric in enumerate(panel.names):
            x, y = data[metric]
            ax.plot(x, y, color=f"C{i}", label=metric)
        if len(panel.names) > 1:
            ax.legend(loc="upper right")
        ax.set_xlim(src.get_xlim())
        ax.set_ylim(src.get_ylim())
        ax.set_title(src.get_title(), fontsize="medium")
        assert name == panel.title
    buf = io.BytesIO()
    fig.savefig(buf, format="png")
    return _png_pixels(buf.getvalue())


# --------------------------------------------------------------------------- pixels


def _live_png(path, process, **kwargs):
    """A Live that refreshes every 10 steps into the PNG ``path``, here or in its process."""
    return torchplot.Live(
        every=10, path=path, display="file", process=process, budget=None, **kwargs
    )


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
@pytest.mark.parametrize("steps", [95, 400])
def test_png_after_refreshes_equals_plain_matplotlib(tmp_path, steps, process):
    path = tmp_path / "live.png"
    live = _live_png(
        path, process, figsize=(8, 3), groups={"loss": ["train", "val"]}, logy=["loss"]
    )
    gen = torch.Generator().manual_seed(0)
    logged: dict[str, list] = {"train": [], "val": [], "acc": []}
    for step in range(steps):
        train = torch.rand((), generator=gen) + 2.0 / (step + 1)
        acc = torch.tensor(0.5 + 0.3 * math.sin(step / 10), dtype=torch.float64)
        live.log(step, train=train, acc=acc)
        logged["train"].append((step, train))
        logged["acc"].append((step, acc))
        if step % 5 == 0:
            val = torch.rand((), generator=gen) + 1.0
            live.log(step, val=val)
            logged["val"].append((step, val))
    live.close()
    if process:
        assert live._remote is not None and live._remote.failed is None
        assert live._remote.stats["full_draws"] >= 1  # the PNG came from the child
    else:
        assert live._dash.blits > 0 and live._dash.full_draws > 0  # both paths were taken
    data = {
        k: (np.array([s for s, _ in v], float), torch.stack([t for _, t in v]).double().numpy())
        for k, v in logged.items()
    }
    got = _png_pixels(path)
    want = _reference_png(live, data)
    assert got.shape == want.shape
    np.testing.assert_array_equal(got, want)


def test_each_blitted_frame_equals_plain_matplotlib(tmp_path):
    live = torchplot.Live(every=1000, path=False, display="none", budget=None, figsize=(4, 3))
    xs, ys = [], []
    for step in range(30):
        live.log(step, loss=torch.tensor(float(step % 7)))
        xs.append(step)
        ys.append(float(step % 7))
        if step % 3 == 2:
            live.refresh()
            frame = np.asarray(live.figure.canvas.buffer_rgba())
            want = _reference_png(live, {"loss": (np.array(xs, float), np.array(ys))})
            np.testing.assert_array_equal(frame, want)
    assert live._dash.blits >= 3


def _savefig_pixels(fig: Figure) -> np.ndarray:
    buf = io.BytesIO()
    fig.savefig(buf, format="png", dpi=fig.dpi)
    return _png_pixels(buf.getvalue())


def test_smoothed_frames_equal_savefig():
    # A smoothed metric has two lines (faint raw values, EMA).  A normal draw
    # (savefig) paints them in the order they were added, a refresh in the
    # panel's artist order: the two orders must agree, or the EMA and the raw
    # line overlap the other way round in live.png and the notebook.
    live = torchplot.Live(
        every=1000, path=False, display="none", budget=None, smooth=0.9, figsize=(4, 3)
    )
    gen = torch.Generator().manual_seed(0)
    for step in range(200):
        live.log(step, loss=2 / (1 + step / 50) + 0.3 * torch.rand((), generator=gen))
        if step % 50 == 49:
            live.refresh()
            frame = np.asarray(live.figure.canvas.buffer_rgba()).copy()
            np.testing.assert_array_equal(frame, _savefig_pixels(live.figure))
    raw, ema = live.panels["loss"].artists
    assert raw.get_alpha() == 0.3 and ema.get_color() == raw.get_color()
    assert ema.get_label() == "loss"  # with several metrics, the legend shows the EMA


@pytest.mark.parametrize("grid", [False, True], ids=["spines", "grid"])
def test_blitted_frames_equal_savefig_where_markers_reach_spines_and_grid_lines(grid):
    # Data is kept 3% of the span from the spines, but a marker (or a thick
    # line) reaches further: a blit drew it over the spine, a normal draw
    # under it (spines: zorder 2.5); and with a grid, a normal draw paints the
    # grid lines (1.5) over the points of a scatter (1).  Seen as 9-12 pixels
    # of an unseeded scatter of torch.rand values differing after close().
    with mpl_plt.rc_context({"axes.grid": grid}):
        live = torchplot.Live(
            every=1000, path=False, display="none", budget=None, figsize=(5, 1.6), ncols=2
        )
        ticks = torch.linspace(0, 1, 5, dtype=torch.float64)  # on the grid lines
        live.show("points", ticks, ticks.flip(0), kind="scatter")
        live.show("thick", ticks, ticks, linewidth=6)
        live.refresh()  # a full draw: limits (-0.1, 1.1) on both axes
        frames = live._dash.full_draws
        # Near the limits' inner edges (3% of the 1.2 span): still no full draw.
        edges = torch.tensor([-0.06, 1.06, 0.0, 0.25, 0.5, 0.75, 1.0], dtype=torch.float64)
        live.show("points", edges, edges.roll(1), kind="scatter")
        live.show("thick", edges.sort().values, edges.sort().values, linewidth=6)
        live.refresh()
        assert live._dash.full_draws == frames and live._dash.blits == 1
        blitted = np.asarray(live.figure.canvas.buffer_rgba()).copy()
        np.testing.assert_array_equal(blitted, _savefig_pixels(live.figure))
        live.close()
        # The figure left by close(), nothing animated, draws that frame too.
        live.figure.canvas.draw()
        np.testing.assert_array_equal(np.asarray(live.figure.canvas.buffer_rgba()), blitted)
        torchplot.close(live.figure)


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_str_logy_and_group_are_one_name(tmp_path, process):
    # ``logy="loss"`` is one panel name, not the characters of one ("os" is
    # in "loss"); and it must mean the same in the drawing process.
    path = tmp_path / "live.png"
    live = _live_png(path, process, logy="loss", groups={"loss": "train"})
    for step in range(30):
        live.log(step, train=torch.tensor(10.0 ** (-step / 10)), os=1.0 + step)
    live.close()
    assert list(live.panels) == ["loss", "os"]
    assert [p.ax.get_yscale() for p in live.panels.values()] == ["log", "linear"]
    if process:
        assert live._remote is not None and live._remote.failed is None
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


# --------------------------------------------------------------------------- no sync in log


class _OpRecorder:
    """Records the aten ops run inside a block (TorchDispatchMode), and each conversion.

    The conversion rule and Live's copies run past dispatch modes, so a mode
    sees none of them: each tensor the rule converts is recorded as
    ``"to_numpy"``, and Live is told no mode is active, so that its copies
    and reads run under the recorder.
    """

    def __enter__(self):
        from torch.utils._python_dispatch import TorchDispatchMode

        import torchplot._convert as convert
        from torchplot._live import _transfer

        self._modes_active = _transfer.dispatch_modes_active
        _transfer.dispatch_modes_active = lambda: False

        ops = self.ops = []

        class Mode(TorchDispatchMode):
            def __torch_dispatch__(self, func, types, args=(), kwargs=None):
                ops.append(func.overloadpacket.__name__)
                return func(*args, **(kwargs or {}))

        leaf = self._leaf = convert._torch_leaf

        def recorded_leaf(t, where):
            ops.append("to_numpy")
            return leaf(t, where)

        convert._torch_leaf = recorded_leaf
        self._mode = Mode()
        self._mode.__enter__()
        return self

    def __exit__(self, *exc):
        import torchplot._convert as convert
        from torchplot._live import _transfer

        self._mode.__exit__(*exc)
        convert._torch_leaf = self._leaf
        _transfer.dispatch_modes_active = self._modes_active


# Ops that read a value on the host or copy to another device: what a sync needs.
_HOST_READS = {"_local_scalar_dense", "_to_copy", "copy_", "_copy_from", "item", "to", "to_numpy"}


class _Held(torch.Tensor):
    """A tensor subclass: held on its device as a device tensor is (plain CPU ones are read)."""


def _subclass_detaches_under_a_mode() -> bool:
    """Whether this PyTorch runs a subclass's ``detach`` under a dispatch mode.

    PyTorch 2.3 raises there ("the raw Tensor object is already associated to
    a python object"), in a user's own ``detach`` as in Live's under the
    recorder; Live runs its copies past the modes a user has active.
    """
    from torch.utils._python_dispatch import TorchDispatchMode

    class Mode(TorchDispatchMode):
        def __torch_dispatch__(self, func, types, args=(), kwargs=None):
            return func(*args, **(kwargs or {}))

    try:
        with Mode():
            torch.ones(()).as_subclass(_Held).detach()
    except RuntimeError:
        return False
    return True


def _device_params():
    lacks = pytest.mark.skipif(
        not _subclass_detaches_under_a_mode(),
        reason=f"torch {torch.__version__} cannot detach a tensor subclass under a dispatch mode",
    )
    params = [pytest.param("cpu", id="cpu-subclass", marks=lacks)]
    params.append(pytest.param("cuda", id="cuda", marks=pytest.mark.gpu))
    return params


@pytest.mark.parametrize("device", _device_params())
def test_log_reads_no_value_until_refresh(device):
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    loss = torch.tensor(1.5, device=device, requires_grad=True) * 2
    lr = torch.tensor([0.1], device=device, dtype=torch.bfloat16)
    if device == "cpu":
        loss, lr = loss.as_subclass(_Held), lr.as_subclass(_Held)
    with _OpRecorder() as rec:
        for step in range(20):
            live.log(step, loss=loss, lr=lr, n=step)
    assert rec.ops, "the recorder saw nothing"
    assert not _HOST_READS & set(rec.ops), rec.ops
    # ("empty": the first tensor of a dtype asks the conversion rule, once,
    # whether it can read that dtype, on an empty host tensor of its own.)
    allowed = {"detach", "view", "reshape", "_unsafe_view", "clone", "alias", "empty"}
    assert set(rec.ops) <= allowed, rec.ops
    with _OpRecorder() as rec:
        live.refresh()
    # The refresh is where values cross: one stack per (device, dtype).
    joins = rec.ops.count("stack") + rec.ops.count("cat")
    assert joins == 2, rec.ops  # float32 losses, bfloat16 lrs (steps are host ints)
    s, v = live.history("loss")
    np.testing.assert_array_equal(s, np.arange(20.0))
    np.testing.assert_array_equal(v, np.full(20, 3.0))
    assert live.history("lr")[1].tolist() == [pytest.approx(0.1, rel=1e-2)] * 20


@pytest.mark.gpu
def test_log_never_syncs_cuda_sync_debug_mode():
    live = torchplot.Live(every=10**6, path=False, display="none", budget=None)
    model = torch.nn.Linear(8, 1).cuda()
    opt = torch.optim.SGD(model.parameters(), lr=0.1)
    x = torch.randn(64, 8, device="cuda")
    # A step counter living on the device, bumped in place (no host->device copy).
    count = torch.zeros((), device="cuda", dtype=torch.int64)
    bf16 = torch.ones((), device="cuda", dtype=torch.bfloat16)
    torch.cuda.synchronize()
    torch.cuda.set_sync_debug_mode("error")  # any synchronising call now raises
    try:
        for step in range(50):
            loss = model(x).square().mean()
            opt.zero_grad(set_to_none=True)
            loss.backward()
            opt.step()
            count += 1
            live.log(count, loss=loss, w=model.weight.detach().norm(), half=bf16 * step)
    finally:
        torch.cuda.set_sync_debug_mode("default")
    live.close()  # the refresh: where values cross, once
    steps, losses = live.history("loss")
    np.testing.assert_array_equal(steps, np.arange(1.0, 51.0))  # copies, not the final count
    assert np.isfinite(losses).all() and losses[-1] < losses[0]
    np.testing.assert_array_equal(live.history("half")[1], np.arange(50.0))


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_log_reads_a_plain_cpu_tensor_at_once():
    # Held like a device tensor, a CPU one cost a copy at log() and a transfer
    # at the refresh: 3.4 us per value against 0.33 us for a float.  Reading
    # it waits for nothing; only what the rule refuses is refused first.
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    big = 2**62 + 1
    values = {
        "grad": torch.tensor(1.5, requires_grad=True) * 2,
        "param": torch.nn.Parameter(torch.tensor([[0.25]])),
        "bf16": torch.tensor(0.1, dtype=torch.bfloat16),
        "int": torch.tensor(big),
        "flag": torch.tensor(True),
        "nan": torch.tensor(math.nan),
    }
    with _OpRecorder() as rec:
        live.log(0, **values)
    assert set(rec.ops) <= {"detach", "_local_scalar_dense"}, rec.ops  # no copy kept
    assert all(type(v) is float for _, v in live._pending[0][1])
    with pytest.raises(TypeError, match="forward once"):
        live.log(1, lazy=torch.nn.LazyLinear(1).weight)
    with pytest.raises(TypeError, match=r"metric 'bits'.*torch\.bits8"):
        live.log(1, bits=torch.tensor(3, dtype=torch.uint8).view(torch.bits8))
    errors = []
    plain = torch.tensor(2.0)

    def log_inside(t):
        with pytest.raises(TypeError) as err:
            live.log(1, plain=plain)  # made outside the transform, logged inside: refused
        errors.append(err.value)

    _in_transform("grad", log_inside, (3,))
    assert "torch.func transform" in str(errors[0]), errors
    # Not plain tensors: held as before (a quantized one, dequantized).
    q = torch.quantize_per_tensor(torch.tensor(0.123), 0.001, 0, torch.quint8)
    live.log(1, q=q, sub=torch.tensor(0.5).as_subclass(_Held))
    assert [type(v) for _, v in live._pending[1][1]] == [torch.Tensor, _Held]
    live.close()
    want = {
        "grad": 3.0,
        "param": 0.25,
        "bf16": float(torch.tensor(0.1, dtype=torch.bfloat16).float()),
        "int": float(big),
        "flag": 1.0,
    }
    for name, value in want.items():
        assert live.history(name)[1].tolist() == [value], name
    assert np.isnan(live.history("nan")[1]).all()
    assert live.history("q")[1].tolist() == [q.dequantize().item()]
    assert live.history("sub")[1].tolist() == [0.5]


def test_logged_value_is_a_copy():
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    running = torch.zeros(())
    for step in range(3):
        running += 1.0  # in place, after it was logged
        live.log(step, running=running)
    live.refresh()
    assert live.history("running")[1].tolist() == [1.0, 2.0, 3.0]


@pytest.mark.filterwarnings("ignore:torch.quantize_per_tensor:UserWarning")
def test_quantized_scalars_keep_their_own_scales():
    # Held as they are, two quantized scalars of one dtype were stacked into
    # one quantized tensor, requantized with the first one's scale.
    a = torch.quantize_per_tensor(torch.tensor(5.0), 1.0, 0, torch.quint8)
    b = torch.quantize_per_tensor(torch.tensor(0.123), 0.001, 0, torch.quint8)
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    live.log(0, a=a, b=b)
    live.log(1, a=b, b=a)
    live.close()
    want_a, want_b = a.dequantize().item(), b.dequantize().item()
    assert live.history("a")[1].tolist() == [want_a, want_b]
    assert live.history("b")[1].tolist() == [want_b, want_a]


# --------------------------------------------------------------------------- bad input


def test_non_scalar_metric_error_names_everything():
    live = torchplot.Live(every=10, path=False, display="none")
    with pytest.raises(ValueError) as err:
        live.log(0, loss=torch.ones(3, 2))
    msg = str(err.value)
    for part in ("'loss'", "(3, 2)", "torch.float32", "cpu", "Fix", "mean()"):
        assert part in msg
    with pytest.raises(ValueError, match="'step'"):
        live.log(torch.arange(2), loss=1.0)
    with pytest.raises(TypeError, match=r"'acc'.*real number"):
        live.log(0, acc="high")
    with pytest.raises(TypeError, match="real number"):
        live.log(0, z=torch.tensor(1j))
    live.log(0, ok=np.float32(1.0), one=torch.ones(1, 1), arr=np.ones(1))  # one element is fine
    live.close()
    assert live.metrics == ["ok", "one", "arr"]


@pytest.mark.parametrize(
    ("value", "got"),
    [
        ([1.0], "a list of 1 item"),
        ([torch.tensor(0.5)], "a list of 1 item"),
        ((1.0, 2.0), "a tuple of 2 items"),
        ({"a": 1.0}, "a dict of 1 item"),
    ],
    ids=["list", "list-of-tensor", "tuple", "dict"],
)
def test_log_of_a_container_says_what_it_got(value, got):
    # A one-element list was "must be a scalar (one element), got shape (1,),
    # dtype object": it contradicted itself and named a dtype nobody passed.
    live = torchplot.Live(every=10, path=False, display="none")
    with pytest.raises(TypeError) as err:
        live.log(0, acc=value)
    assert str(err.value).startswith(
        f"Live.log() metric 'acc' must be a real number or a one-element tensor, got {got}. "
        "Fix: log one number or one-element tensor (e.g. `acc=values[0]`), log its elements "
        "under separate names, or draw it with `live.show(name, ...)`."
    ), err.value
    live.log(1, acc=0.5)
    live.close()
    assert live.history("acc")[1].tolist() == [0.5]  # the call that raised recorded nothing


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors:UserWarning")
@pytest.mark.parametrize("layout", ["strided", "jagged"])
@pytest.mark.parametrize("sizes", [(1,), (2, 3)], ids=["one-element", "several"])
def test_log_of_a_nested_tensor_names_the_metric(layout, sizes):
    # One of one element raised torch's "shape '[]' is invalid for a nested tensor".
    nested = torch.nested.nested_tensor(
        [torch.ones(n) for n in sizes], layout=getattr(torch, layout)
    )
    live = torchplot.Live(every=10, path=False, display="none")
    with pytest.raises(TypeError) as err:
        live.log(0, loss=nested)
    msg = str(err.value)
    shapes = ", ".join(f"({n},)" for n in sizes)
    assert msg.startswith(
        "Live.log() metric 'loss' must be a real number or a one-element tensor, got a "
        f"nested tensor (shape [{shapes}] (nested), dtype torch.float32, device cpu). Fix: "
        "reduce it first (e.g. `torch.cat(loss.unbind()).mean()`)"
    ), msg
    live.log(1, loss=0.5)
    live.close()
    assert live.history("loss")[1].tolist() == [0.5]


_REAL_FIX = (
    "Fix: log a Python int or float, or a one-element tensor or array of a bool, integer or "
    "float dtype."
)


@pytest.mark.parametrize(
    ("value", "got", "fix"),
    [
        ("high", " or a one-element tensor, got str 'high'", _REAL_FIX),
        (np.array(["a"]), ", got shape (1,), dtype <U1, device cpu", _REAL_FIX),
        (np.array([1.0], dtype=object), ", got shape (1,), dtype object, device cpu", _REAL_FIX),
        (np.array([1j]), ", got shape (1,), dtype complex128, device cpu", "Fix: log `.real` or"),
    ],
    ids=["str", "text-array", "object-array", "complex-array"],
)
def test_log_of_a_value_that_is_not_a_real_number_gives_the_fix(value, got, fix):
    # These named the metric and what it got, but gave no fix.
    live = torchplot.Live(every=10, path=False, display="none")
    with pytest.raises(TypeError) as err:
        live.log(0, acc=value)
    msg = str(err.value)
    assert msg.startswith(f"Live.log() metric 'acc' must be a real number{got}. {fix}"), msg
    with pytest.raises(TypeError) as err:
        live.log(value, acc=1.0)
    msg = str(err.value)
    assert msg.startswith(f"Live.log() argument 'step' must be a real number{got}. "), msg
    assert "Fix: log the iteration number" in msg or "complex" in msg, msg
    live.close()
    assert live.metrics == []


def test_step_error_gives_a_steps_fix():
    # The step got the metric's fix ("reduce it first (e.g. `loss.mean()`) ... or
    # live.show"), which means nothing for an x coordinate.
    live = torchplot.Live(every=10, path=False, display="none")
    fix = (
        "Fix: log the iteration number (or another x, such as an epoch fraction) as a Python "
        "int or float, or a one-element tensor."
    )
    for step, error, got in (
        (torch.arange(2), ValueError, "must be a scalar (one element), got shape (2,)"),
        (np.arange(2.0), ValueError, "must be a scalar (one element), got shape (2,)"),
        ([3], TypeError, "must be a real number or a one-element tensor, got a list of 1 item"),
    ):
        with pytest.raises(error) as err:
            live.log(step, loss=1.0)
        msg = str(err.value)
        assert msg.startswith(f"Live.log() argument 'step' {got}"), msg
        assert msg.endswith(fix) and "mean()" not in msg and "show" not in msg, msg
    live.close()
    assert live.metrics == []


@pytest.mark.parametrize("dtype", ["bits8", "uint4", "float4_e2m1fn_x2"])
def test_bit_packed_metric_rejected_at_log(dtype):
    # NumPy cannot hold these dtypes and PyTorch cannot cast them: the error
    # comes at log(), naming the metric, not at the refresh, where it named
    # the stacked shape of every such value and stopped every other metric.
    if not hasattr(torch, dtype):
        pytest.skip(f"torch {torch.__version__} has no {dtype}")
    live = torchplot.Live(every=3, path=False, display="none", budget=None)
    flags = torch.tensor(3, dtype=torch.uint8).view(getattr(torch, dtype))
    live.log(0, loss=torch.tensor(1.0))
    with pytest.raises(TypeError) as err:
        live.log(1, loss=torch.tensor(0.5), flags=flags)
    msg = str(err.value)
    for part in ("'flags'", "shape ()", f"torch.{dtype}", "device cpu", "Fix", ".view(torch."):
        assert part in msg, msg
    for step in (2, 3):  # (step 1 was rejected as a whole)
        live.log(step, loss=torch.tensor(1.0 / step))
    live.close()
    assert live.metrics == ["loss"]
    np.testing.assert_array_equal(live.history("loss")[0], [0.0, 2.0, 3.0])


def _in_transform(kind: str, body, shape: tuple[int, ...]) -> None:
    """Run ``body(t)`` inside ``torch.func.grad`` or ``vmap``, ``t`` of ``shape`` there."""
    if kind == "grad":
        torch.func.grad(lambda t: (body(t), t.sum())[1])(torch.ones(shape))
    else:
        torch.func.vmap(lambda t: (body(t), t)[1])(torch.ones(2, *shape))


_NO_DATA_FIX = {"meta": "holds no data", "fake": "holds no data", "lazy": "forward once"}


@pytest.mark.parametrize("kind", ["meta", "fake", "lazy", "grad", "vmap", "plain-in-grad"])
def test_unreadable_metric_rejected_at_log_records_nothing(kind):
    # Such a value, held, failed only at the refresh, without the metric's
    # name, and stayed pending: every later log() and close() raised.
    live = torchplot.Live(every=2, path=False, display="none", budget=None)
    live.log(0, loss=torch.tensor(1.0))
    errors: list[BaseException] = []

    def log_it(value: torch.Tensor) -> None:
        with pytest.raises(TypeError) as err:
            live.log(1, ok=1.0, loss=value)
        errors.append(err.value)

    if kind == "plain-in-grad":
        # Made outside the transform, logged inside it: unreadable there too.
        plain = torch.tensor(1.5)
        _in_transform("grad", lambda t: log_it(plain), (3,))
        fix = "plot outside the torch.func transform"
    elif kind in ("grad", "vmap"):
        _in_transform(
            kind, lambda t: log_it(t.sum() if kind == "grad" else t), (3,) if kind == "grad" else ()
        )
        fix = "plot outside the torch.func transform"
    else:
        bad = {
            "meta": lambda: torch.tensor(1.0, device="meta"),
            "fake": lambda: fake_tensor(),
            "lazy": lambda: torch.nn.LazyLinear(1).weight,
        }[kind]()
        log_it(bad)
        fix = _NO_DATA_FIX[kind]
    (error,) = errors
    assert str(error).startswith("Live.log() metric 'loss': ") and fix in str(error), error
    live.log(2, loss=torch.tensor(3.0))  # the refresh: only real values are pending
    live.log(3, loss=4.0)
    live.close()
    assert live.metrics == ["loss"]
    steps, values = live.history("loss")
    np.testing.assert_array_equal(steps, [0.0, 2.0, 3.0])
    np.testing.assert_array_equal(values, [1.0, 3.0, 4.0])


@pytest.mark.parametrize("kind", ["meta", "fake", "bits8", "vmap"])
def test_unreadable_show_rejected_at_show(kind):
    # Accepted before, it failed at every later refresh (or at close).
    live = torchplot.Live(every=1, path=False, display="none", budget=None, process=False)
    x = torch.linspace(0, 1, 4)
    errors: list[BaseException] = []

    def show(image: torch.Tensor) -> None:
        with pytest.raises(TypeError) as err:
            live.show("img", image)
        errors.append(err.value)
        with pytest.raises(TypeError) as err:
            live.show("pred", x, x, target=image[0])
        errors.append(err.value)

    if kind == "vmap":
        _in_transform("vmap", show, (4, 4))
    else:
        show(
            {
                "meta": lambda: torch.empty(4, 4, device="meta"),
                "fake": lambda: fake_tensor(4, 4),
                "bits8": lambda: torch.zeros(4, 4, dtype=torch.uint8).view(torch.bits8),
            }[kind]()
        )
    image_error, target_error = errors
    assert str(image_error).startswith("Live.show('img') argument data[0]: ")
    assert "shape (4, 4)" in str(image_error)
    assert str(target_error).startswith("Live.show('pred') argument 'target': ")
    assert "shape (4,)" in str(target_error)
    live.log(0, loss=1.0)
    live.show("pred", x, x)
    live.log(1, loss=2.0)
    live.close()
    assert list(live.panels) == ["loss", "pred"]


def _held_as_on_a_gpu(monkeypatch):
    """Make ``log`` hold CPU tensors on their device, as it holds a GPU's (to reach ``to_host``)."""
    from torchplot._live import _transfer

    monkeypatch.setattr(_transfer, "in_host_memory", lambda t: False)


def test_a_failed_batch_transfer_is_read_again_one_by_one(monkeypatch):
    # The rows stayed pending and the refresh raised; a failure that one value
    # alone does not cause now costs nothing.
    from torchplot._live import _live

    _held_as_on_a_gpu(monkeypatch)
    real = _live.to_host

    def batch_lost(values, where="Live"):
        if len(values) > 1:
            raise RuntimeError("device lost")
        return real(values, where)

    live = torchplot.Live(every=3, path=False, display="none", budget=None)
    live.log(0, loss=torch.tensor(1.0))
    live.log(1, loss=torch.tensor(0.5))
    with monkeypatch.context() as patch:
        patch.setattr(_live, "to_host", batch_lost)
        live.log(torch.tensor(2), loss=torch.tensor(0.25))  # the refresh
    assert not live._pending
    live.log(3, loss=torch.tensor(0.125))
    live.close()
    s, v = live.history("loss")
    np.testing.assert_array_equal(s, [0.0, 1.0, 2.0, 3.0])
    np.testing.assert_array_equal(v, [1.0, 0.5, 0.25, 0.125])


def _thirteen_unreadable(monkeypatch):
    """Held values as on a GPU, of which a refresh cannot read any tensor holding 13."""
    from torchplot._live import _live

    _held_as_on_a_gpu(monkeypatch)
    real = _live.to_host

    def unreadable_13(values, where="Live"):
        if any(isinstance(v, torch.Tensor) and v.item() == 13 for v in values):
            raise RuntimeError("unreadable")
        return real(values, where)

    monkeypatch.setattr(_live, "to_host", unreadable_13)


def test_a_value_no_refresh_can_read_is_dropped_naming_its_metric_and_step(monkeypatch):
    # It stayed pending: every later refresh, history() and close() raised
    # its bare error, and nothing logged after it was ever stored or drawn.
    _thirteen_unreadable(monkeypatch)
    live = torchplot.Live(every=3, path=False, display="none", budget=None)
    live.log(0, loss=torch.tensor(1.0), acc=torch.tensor(0.5))
    live.log(1, loss=torch.tensor(13.0), acc=torch.tensor(0.6))
    with pytest.raises(RuntimeError) as err:
        live.log(2, loss=torch.tensor(3.0), acc=torch.tensor(0.7))  # the refresh
    assert str(err.value).startswith(
        "Live: a refresh could not read metric 'loss' logged at step 1 (RuntimeError: "
        "unreadable); it was dropped"
    ), err.value
    assert str(err.value.__cause__) == "unreadable"
    assert live.refreshes == 1  # what was read is drawn before the error
    live.log(torch.tensor(13), loss=torch.tensor(5.0), acc=torch.tensor(0.8))
    with pytest.raises(RuntimeError, match=r"read the step logged with 'loss', 'acc' \(that row"):
        live.history("loss")
    live.log(4, loss=4.0)
    live.close()  # nothing pending is left to fail
    np.testing.assert_array_equal(live.history("loss")[0], [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(live.history("loss")[1], [1.0, 3.0, 4.0])
    np.testing.assert_array_equal(live.history("acc")[0], [0.0, 1.0, 2.0])
    np.testing.assert_array_equal(live.history("acc")[1], np.float32([0.5, 0.6, 0.7]))


def test_a_refresh_with_an_unread_value_and_a_nan_step_names_both(monkeypatch):
    _thirteen_unreadable(monkeypatch)
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    live.log(0, loss=torch.tensor(1.0))
    for _ in range(3):  # the same unread step, three times: named once, counted
        live.log(torch.tensor(13), loss=torch.tensor(2.0))
    live.log(torch.tensor(math.nan), loss=torch.tensor(3.0))
    live.log(5, loss=torch.tensor(13.0))
    with pytest.raises(RuntimeError) as err:
        live.refresh()
    message = str(err.value)
    assert "the step logged with 'loss' (that row is dropped) (3 times)" in message, message
    assert "metric 'loss' logged at step 5" in message, message
    assert message.endswith(
        "Also: Live.log() argument 'step' must be finite, got nan. Fix: log the iteration "
        "number (or another finite x, such as an epoch fraction); NaN and inf are for metric "
        "values, which are drawn as gaps."
    ), message
    np.testing.assert_array_equal(live.history("loss")[0], [0.0])


def test_live_inside_a_dispatch_mode_logs_and_shows_real_tensors(tmp_path):
    # Its copies on the device and its reads at the refresh are torchplot's:
    # inside FakeTensorMode(allow_non_fake_inputs=True) they made fake tensors
    # (log raised DataDependentOutputException, show's image "held no data").
    from torch._subclasses.fake_tensor import FakeTensorMode

    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    image, x, y = torch.rand(4, 5), torch.arange(3.0), torch.rand(3)  # made outside the mode
    loss = torch.tensor(1.5, requires_grad=True) * 2
    with FakeTensorMode(allow_non_fake_inputs=True):
        live.log(0, loss=loss)
        live.show("img", image)
        live.show("curve", x, y)
        live.refresh()
    live.close()
    np.testing.assert_array_equal(live.history("loss")[1], [3.0])
    np.testing.assert_array_equal(live.panels["img"].ax.images[0].get_array(), image.numpy())
    np.testing.assert_array_equal(live.panels["curve"].series[0].get_ydata(), y.numpy())


def test_non_finite_step_is_rejected_naming_the_step():
    live = torchplot.Live(every=2, path=False, display="none", budget=None)
    with pytest.raises(ValueError, match=r"'step' must be finite, got nan\. Fix"):
        live.log(math.nan, loss=1.0)
    with pytest.raises(ValueError, match="'step' must be finite, got -inf"):
        live.log(np.float64(-np.inf), loss=1.0)
    # A tensor step is read at the refresh (log() never reads a value): the
    # error comes there, that row is dropped and the others are kept.
    live.log(0, loss=1.0)
    with pytest.raises(ValueError, match="'step' must be finite, got inf"):
        live.log(torch.tensor(math.inf), loss=2.0, other=3.0)  # every=2: the refresh
    for step in range(1, 6):
        live.log(torch.tensor(step), loss=1.0 / step)
    live.close()
    s, v = live.history("loss")
    np.testing.assert_array_equal(s, np.arange(6.0))
    np.testing.assert_array_equal(v, [1.0, *(1.0 / np.arange(1, 6))])
    assert live.metrics == ["loss"]  # nothing logged for 'other' at a finite step
    lo, hi = live.panels["loss"].ax.get_xlim()
    assert lo < 0 and hi > 5 and math.isfinite(hi)


def test_nan_and_inf_are_gaps_flagged_in_title(tmp_path):
    live = torchplot.Live(every=5, path=tmp_path / "l.png", display="file", budget=None)
    values = [1.0, 2.0, math.nan, 3.0, math.inf, -math.inf, 4.0, 5.0, 6.0, 7.0]
    for step, v in enumerate(values):
        live.log(step, loss=torch.tensor(v))
    live.close()
    panel = live.panels["loss"]
    assert panel.ax.get_title() == "loss  [NaN/inf from step 2: gaps]"
    (line,) = panel.artists
    y = line.get_ydata()
    np.testing.assert_array_equal(np.isnan(y), [0, 0, 1, 0, 1, 1, 0, 0, 0, 0])
    lo, hi = panel.ax.get_ylim()
    assert math.isfinite(lo) and math.isfinite(hi) and lo < 1 and hi > 7
    np.testing.assert_array_equal(live.history("loss")[1], values)  # exported as logged
    _png_pixels(tmp_path / "l.png")


def _masked(data, held):
    """A ``torch.masked.MaskedTensor`` (a prototype API: its warning silenced)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", UserWarning)
        return torch.masked.masked_tensor(data, held)


@pytest.mark.filterwarnings("ignore:The PyTorch API of MaskedTensors:UserWarning")
def test_masked_values_logged_are_gaps_stored_as_nan(tmp_path):
    # The mask was dropped: the hidden data (0.7, 0.3, 0.0) was drawn and exported.
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    live.log(0, loss=_masked(torch.tensor(0.7), torch.tensor(False)))
    live.log(1, loss=np.ma.masked_array([0.3], mask=[True]))
    live.log(2, loss=np.ma.masked)
    live.log(3, loss=_masked(torch.tensor([[0.25]]), torch.tensor([[True]])))  # holds a value
    live.log(4, loss=np.ma.masked_array([2.0], mask=[False]))
    live.log(5, loss=_masked(torch.tensor([5], dtype=torch.int64), torch.tensor([False])))
    live.log(6, loss=_masked(torch.tensor(7, dtype=torch.int64), torch.tensor(True)))
    want = [math.nan, math.nan, math.nan, 0.25, 2.0, math.nan, 7.0]
    live.refresh()
    panel = live.panels["loss"]
    np.testing.assert_array_equal(panel.artists[0].get_ydata(), want)
    assert panel.ax.get_title() == "loss  [NaN/inf from step 0: gaps]"
    np.testing.assert_array_equal(live.history("loss")[1], want)
    live.to_csv(tmp_path / "all.csv")
    with open(tmp_path / "all.csv", newline="") as fh:
        assert [r["value"] for r in csv.DictReader(fh)] == [repr(v) for v in want]
    with pytest.raises(ValueError, match=r"argument 'step' must be finite, got masked"):
        live.log(np.ma.masked, loss=1.0)
    live.log(_masked(torch.tensor(9.0), torch.tensor(False)), loss=1.0)
    with pytest.raises(ValueError, match=r"argument 'step' must be finite, got nan"):
        live.refresh()
    live.close()


def test_steps_going_back_resume_the_display_export_keeps_all():
    live = torchplot.Live(every=7, path=False, display="none", budget=None)
    for step in range(100):
        live.log(step, loss=float(step))
    for step in range(50, 80):  # resumed from a checkpoint at step 50
        live.log(step, loss=-float(step))
    live.close()
    (line,) = live.panels["loss"].artists
    np.testing.assert_array_equal(line.get_xdata(), np.arange(80.0))
    np.testing.assert_array_equal(line.get_ydata(), [*range(50), *(-np.arange(50.0, 80))])
    s, _ = live.history("loss")
    assert len(s) == 130
    np.testing.assert_array_equal(s, [*range(100), *range(50, 80)])


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_close_twice_and_raising_loop_leave_valid_png(tmp_path, process):
    path = tmp_path / "out" / "live.png"
    with pytest.raises(RuntimeError, match="diverged"):
        with torchplot.Live(
            every=4, path=path, display="file", budget=None, process=process
        ) as live:
            for step in range(10):
                live.log(step, loss=torch.tensor(1.0 / (step + 1)))
            raise RuntimeError("diverged")
    frame = _png_pixels(path)
    assert frame.shape[2] == 4
    # The final frame holds all 10 steps (the last refresh was at step 7).
    (line,) = live.panels["loss"].artists
    assert len(line.get_xdata()) == 10
    np.testing.assert_array_equal(frame, np.asarray(live.figure.canvas.buffer_rgba()))
    live.close()
    live.close()
    assert _png_pixels(path).shape == frame.shape
    assert not [p for p in path.parent.iterdir() if p.name != "live.png"]  # no temp file left
    with pytest.raises(RuntimeError, match="after close"):
        live.log(11, loss=1.0)


# --------------------------------------------------------------------------- bounded history


def test_reduced_series_is_bounded_and_keeps_extremes():
    s = ReducedSeries(window=100, buckets=64)
    nbytes = s.nbytes()
    rng = np.random.default_rng(0)
    total = 1_000_000
    for start in range(0, total, 10_000):
        x = np.arange(start, start + 10_000, dtype=float)
        y = rng.standard_normal(10_000)
        if start == 120_000:
            y[3456] = 1e3  # a spike long scrolled into the past
            y[5000] = np.nan
        s.extend(x, y)
        assert len(s) <= 2 * 100 + 2 * 64 + 2
    x, y = s.display()
    assert s.nbytes() == nbytes
    assert np.nanmax(y) == 1e3 and x[np.nanargmax(y)] == 123_456
    assert np.all(np.diff(x) >= 0)
    # The newest points are exact.
    np.testing.assert_array_equal(x[-100:], np.arange(total - 100, total, dtype=float))
    np.testing.assert_array_equal(y[-100:], y[-100:])
    small = ReducedSeries(window=100, buckets=64)
    small.extend(np.arange(150.0), np.arange(150.0))
    assert not small.reduced
    np.testing.assert_array_equal(small.display()[1], np.arange(150.0))


def test_refresh_cost_does_not_grow_with_history():
    live = torchplot.Live(
        every=10**9, path=False, display="none", budget=None, window=200, buckets=100
    )
    live.log(0, loss=0.0)
    live.refresh()
    panel = live.panels["loss"]
    sizes = []
    for chunk in range(200):  # 10^6 points, fed in bulk through the panel's history
        x = np.arange(chunk * 5000, (chunk + 1) * 5000, dtype=float) + 1
        panel.ingest("loss", x, np.sin(x / 1e4))
        live.refresh()
        sizes.append(len(panel.artists[0].get_xdata()))
    # Bounded: the drawn points (what a refresh costs) stop growing.
    assert max(sizes) <= 2 * 200 + 2 * 100 + 2
    assert max(sizes[-100:]) - min(sizes[-100:]) <= 2 * 200


def test_a_trend_moves_the_value_limits_a_few_times_not_every_refresh():
    # A loss falling steadily from 1.0 to 0.1 leaves the lower limit at every
    # refresh; each limit change is a full redraw instead of a blit.
    live = torchplot.Live(every=10, path=False, display="none", process=False, budget=None)
    limits = []
    for step in range(1000):
        live.log(step, loss=1.0 - 0.9 * step / 999)
        if step % 10 == 9:
            limits.append(live.panels["loss"].ax.get_ylim())
    live.close()
    changes = sum(a != b for a, b in itertools.pairwise(limits))
    # The range grows 100x over 100 refreshes: half a range of room on the
    # side the data leaves makes that ~log_1.6(100) ~ 10 changes.
    assert 3 <= changes <= 15
    lo, hi = limits[-1]
    assert lo < 0.1 and hi > 1.0  # the data stays inside
    assert hi - lo < 2 * 0.9  # and still fills most of the axis


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_memory_steady_over_2000_step_loop(tmp_path, process):
    import gc

    live = torchplot.Live(
        every=50,
        path=tmp_path / "m.png",
        display="file",
        process=process,
        budget=None,
        smooth=0.6,
        window=100,
        buckets=50,
    )
    model = torch.nn.Linear(4, 1)
    x = torch.randn(16, 4)

    def run(start, stop):
        for step in range(start, stop):
            loss = model(x).square().mean()
            live.log(step, loss=loss, a=loss * 2, b=step)
        if live._png is not None:
            live._png.flush()  # no frame in flight in the writer thread
        if live._remote is not None:
            # Batches queued for the drawing process are freed once sent: how
            # many are queued at a snapshot depends on timing, not on Live.
            queued, deadline = live._remote._channel.queue, time.monotonic() + 30
            while not queued.empty() and time.monotonic() < deadline:
                time.sleep(0.005)
        gc.collect()
        # CPython's type attribute cache (4096 entries, keyed by the name's
        # address) keeps the last name looked up in each entry alive. NumPy's C
        # code (ndarray.tofile, pickling an array) looks names up with new str
        # objects, so over ~10^5 steps the cache fills with up to 4096 of them,
        # which tracemalloc counts to the Live line that called NumPy: 23-38 KB
        # over these 1,600 steps with the drawing process, bounded, not Live's.
        clear_type_cache()
        return tracemalloc.take_snapshot() if tracemalloc.is_tracing() else None

    clear_type_cache = getattr(sys, "_clear_internal_caches", None) or sys._clear_type_cache
    run(0, 300)  # panels, artists and the history buffers exist by now
    tracemalloc.start()
    try:
        snaps = [run(300, 400), run(400, 1700), run(1700, 2000)]
    finally:
        tracemalloc.stop()

    def growth(a, b, only_live=False):
        if only_live:
            keep = [tracemalloc.Filter(True, "*torchplot*_live*")]
            a, b = a.filter_traces(keep), b.filter_traces(keep)
        return sum(st.size_diff for st in b.compare_to(a, "filename"))

    # What Live itself allocates stays flat (bounded history, pending rows freed):
    # a few hundred bytes (the current axis limits), where a leak of 8 bytes a
    # step would be 12.8 KB.
    assert growth(snaps[0], snaps[2], only_live=True) < 4 * 1024
    # The whole process too, up to Matplotlib's own bounded caches (tick label
    # text metrics, fonts) that the full redraws along a growing step axis fill.
    assert growth(snaps[1], snaps[2]) < 64 * 1024
    live.close()
    assert len(live.history("loss")[0]) == 2000  # the full series still exportable


def test_full_series_exports_as_arrays_and_csv(tmp_path):
    live = torchplot.Live(
        every=3,
        path=False,
        display="none",
        budget=None,
        window=10,
        buckets=4,
        history_dir=tmp_path / "hist",
    )
    for step in range(100):
        live.log(
            step,
            loss=torch.tensor(step * 0.5, dtype=torch.float64),
            **({"val": 1 / 3} if step % 10 == 0 else {}),
        )
    live.close()
    assert live.panels["loss"].raw["loss"].reduced  # the display was reduced...
    _, v = live.history("loss")
    np.testing.assert_array_equal(v, np.arange(100) * 0.5)  # ...the export is not
    live.to_csv(tmp_path / "all.csv")
    with open(tmp_path / "all.csv", newline="") as fh:
        rows = list(csv.DictReader(fh))
    assert len(rows) == 110
    val = [(int(r["step"]), float(r["value"])) for r in rows if r["metric"] == "val"]
    assert val == [(s, 1 / 3) for s in range(0, 100, 10)]
    (own,) = os.listdir(tmp_path / "hist")  # this Live's own subdirectory
    assert sorted(os.listdir(tmp_path / "hist" / own)) == ["000-loss.f8", "001-val.f8"]


def test_lives_sharing_a_history_dir_keep_their_own_series(tmp_path):
    # Two dashboards of one run (train and eval), then the run started again,
    # all given the same history_dir: each writes files of its own.
    def new():
        return torchplot.Live(
            every=1000, path=False, display="none", budget=None, history_dir=tmp_path
        )

    train, val = new(), new()
    for step in range(5):
        train.log(step, loss=1.0)
        val.log(step, loss=2.0)
    train.close()
    val.close()
    again = new()
    again.log(0, loss=3.0)
    again.close()
    np.testing.assert_array_equal(train.history("loss")[1], np.full(5, 1.0))
    np.testing.assert_array_equal(val.history("loss")[1], np.full(5, 2.0))
    np.testing.assert_array_equal(again.history("loss")[1], [3.0])
    dirs = os.listdir(tmp_path)
    assert len(dirs) == 3 and all(d.startswith("live-") for d in dirs)


def test_a_private_history_dir_outlives_close_and_goes_with_its_store():
    # Exportable after close (close keeps the files); deleted with the store.
    from torchplot._live._history import SpillStore

    store = SpillStore()
    store.append("loss", np.arange(3.0), np.ones(3))
    store.close()
    directory = store.directory
    np.testing.assert_array_equal(store.read("loss")[0], np.arange(3.0))
    del store
    gc.collect()
    assert not os.path.exists(directory)


# --------------------------------------------------------------------------- smoothing, show


def test_ema_smoothing_is_debiased_and_skips_nan():
    live = torchplot.Live(every=100, path=False, display="none", budget=None, smooth={"loss": 0.5})
    vals = [4.0, 2.0, math.nan, 1.0]
    for step, v in enumerate(vals):
        live.log(step, loss=v)
    live.refresh()
    raw, smooth = live.panels["loss"].artists
    ema, n, want = 0.0, 0, []
    for v in vals:
        if math.isnan(v):
            want.append(math.nan)
            continue
        ema, n = 0.5 * ema + 0.5 * v, n + 1
        want.append(ema / (1 - 0.5**n))
    np.testing.assert_allclose(smooth.get_ydata(), want)
    assert smooth.get_ydata()[0] == 4.0  # debiased: starts at the first value
    np.testing.assert_array_equal(raw.get_ydata(), vals)


def test_show_updates_curves_scatter_and_image_in_place():
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    x = torch.linspace(0, 1, 20).reshape(20, 1)
    live.show("pred", x, torch.sin(x), target=torch.cos(x))
    live.show("emb", torch.arange(5.0), torch.arange(5.0) ** 2, kind="scatter")
    live.show("img", torch.arange(12.0).reshape(3, 4))
    live.refresh()
    pred, target = live.panels["pred"].series
    scatter = live.panels["emb"].series[0]
    image = live.panels["img"].ax.images[0]
    np.testing.assert_allclose(pred.get_ydata(), np.sin(np.linspace(0, 1, 20)), rtol=1e-6)
    np.testing.assert_allclose(target.get_ydata(), np.cos(np.linspace(0, 1, 20)), rtol=1e-6)
    live.show("pred", x, 2 * torch.sin(x), target=torch.cos(x))
    live.show("emb", torch.arange(5.0), -torch.arange(5.0), kind="scatter")
    hwc = torch.rand(4, 5, 3)
    live.show("img", hwc)
    live.refresh()
    assert live.panels["pred"].series == [pred, target]  # the same artists, new data
    assert live.panels["emb"].series == [scatter]
    np.testing.assert_allclose(pred.get_ydata(), 2 * np.sin(np.linspace(0, 1, 20)), rtol=1e-6)
    np.testing.assert_array_equal(scatter.get_offsets()[:, 1], -np.arange(5.0))
    assert len(live.panels["img"].ax.images) == 1 and live.panels["img"].ax.images[0] is not image
    np.testing.assert_array_equal(live.panels["img"].ax.images[0].get_array(), hwc.numpy())
    with pytest.raises(ValueError, match="same length"):
        live.show("pred", torch.arange(3.0), torch.arange(4.0))
    with pytest.raises(ValueError, match="1-D values"):
        live.show("pred", torch.ones(3, 2), target=torch.ones(3, 2))
    with pytest.raises(ValueError, match="another kind"):
        live.show("img", torch.arange(3.0), torch.arange(3.0))


def test_show_holds_a_list_of_tensors_as_detached_copies():
    # ``ax.plot([t0, t1, ...])`` takes a list of tensors, so show does too: it
    # keeps copies (a later in-place change must not reach the plot, the
    # caller's tensors and their autograd graph are not kept alive) and, as
    # for one tensor, reads no value before the refresh.
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    x = torch.zeros(4)
    elems = [x[0], x[1], x[2], x[3]]
    w = torch.tensor(2.0, requires_grad=True)
    grads = [w * i for i in range(3)]
    refs = [weakref.ref(t) for t in elems + grads]
    with _OpRecorder() as rec:
        live.show("vals", elems)
        live.show("grad", torch.arange(3.0), grads, target=(0.0, w, 2 * w.detach()))
    assert not _HOST_READS & set(rec.ops), rec.ops
    x += 7  # in place, after show
    del elems, grads
    gc.collect()
    assert [r() for r in refs] == [None] * len(refs)
    live.refresh()
    np.testing.assert_array_equal(live.panels["vals"].series[0].get_ydata(), np.zeros(4))
    pred, target = live.panels["grad"].series
    np.testing.assert_array_equal(pred.get_ydata(), [0.0, 2.0, 4.0])
    np.testing.assert_array_equal(target.get_ydata(), [0.0, 2.0, 4.0])


def _assert_same(got, want):
    """``got`` is ``want``'s type all the way down, with its values (a NumPy scalar its dtype)."""
    assert type(got) is type(want), (got, want)
    if isinstance(want, dict):
        assert list(got) == list(want)
        assert getattr(got, "default_factory", None) is getattr(want, "default_factory", None)
        for k in want:
            _assert_same(got[k], want[k])
    elif isinstance(want, (list, tuple)):
        assert len(got) == len(want)
        for g, w in zip(got, want, strict=True):
            _assert_same(g, w)
    elif isinstance(want, np.ma.MaskedArray):
        np.testing.assert_array_equal(np.ma.getmaskarray(got), np.ma.getmaskarray(want))
        np.testing.assert_array_equal(got.data, want.data)
        assert got.dtype == want.dtype
    elif isinstance(want, (np.ndarray, np.generic)):
        assert got.dtype == want.dtype
        np.testing.assert_array_equal(got, want)
    else:
        assert got is want or got == want


@pytest.mark.filterwarnings("ignore:The PyTorch API of MaskedTensors:UserWarning")
def test_to_host_gives_what_to_numpy_gives():
    # The transfer batches the tensors of one device and dtype, but each value
    # must come back as the one rule gives it: a 0-d integer or bool tensor is a
    # Python int/bool (``bins=`` and ``v is True`` rely on it), a float one a NumPy
    # scalar of its dtype, and a container keeps its type (a defaultdict's factory).
    # It gave np.int64 in containers and beside a non-0-d tensor, and plain dicts.
    from collections import defaultdict, namedtuple

    from torchplot._live._transfer import hold_array, to_host

    pair = namedtuple("pair", "a b")
    values = [
        torch.tensor(3),
        torch.arange(3),  # one group with the 0-d int64 above
        torch.tensor(2.5),
        torch.tensor(True),
        torch.tensor(1.5, dtype=torch.bfloat16),
        1.25,
        [torch.tensor(1), torch.tensor(False), torch.tensor(0.5, dtype=torch.float64)],
        (torch.tensor(4), torch.ones(2, dtype=torch.bfloat16), torch.tensor(0.25)),
        defaultdict(list, {"a": torch.tensor(4), "b": [torch.tensor(1.5), torch.tensor(6)]}),
        {torch.tensor(2): torch.tensor(0.5)},  # a key read by value, as the rule reads it
        pair(torch.tensor(7), (torch.tensor(True), torch.zeros(2, 2))),
        [
            _masked(torch.tensor(5), torch.tensor(True)),
            _masked(torch.tensor(2.0), torch.tensor(False)),
        ],
    ]
    want = [torchplot.to_numpy(v) for v in values]
    _assert_same(to_host(values), want)
    # What Live.show holds comes back as the same values.
    _assert_same(to_host([hold_array(v, "data") for v in values]), want)
    for v, w in zip(values, want, strict=True):  # alone: no group shared
        _assert_same(to_host([v]), [w])


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_show_nested_lists_as_imshow_and_plot_take_them(tmp_path, process):
    path = tmp_path / "live.png"
    live = torchplot.Live(every=1000, path=path, display="file", process=process, budget=None)
    live.show("img", [[0, 1, 2], [3, 4, 5]])
    live.show("row", [[1.0, 2.0, 3.0]])  # (1, 3): a curve, as for a (1, 3) tensor
    live.close()
    np.testing.assert_array_equal(
        live.panels["img"].ax.images[0].get_array(), [[0, 1, 2], [3, 4, 5]]
    )
    np.testing.assert_array_equal(live.panels["row"].series[0].get_ydata(), [1.0, 2.0, 3.0])
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


def _show_reference(live: torchplot.Live, name: str, draw) -> np.ndarray:
    """Panel ``name`` of ``live`` drawn once by plain Matplotlib: ``draw(ax)``, Live's limits."""
    fig = Figure(figsize=live.figure.get_size_inches(), dpi=live.figure.dpi)
    FigureCanvasAgg(fig)
    src = live.panels[name].ax
    ax = fig.add_axes(src.get_position())
    draw(ax)
    ax.set_xlim(src.get_xlim())
    ax.set_ylim(src.get_ylim())
    ax.set_title(src.get_title(), fontsize="medium")
    return _savefig_pixels(fig)


@pytest.mark.filterwarnings("ignore:The PyTorch API of MaskedTensors:UserWarning")
@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
@pytest.mark.parametrize("kind", ["line", "scatter"])
@pytest.mark.parametrize("source", ["numpy", "torch"])
def test_masked_curves_are_drawn_as_ax_plot_draws_them(tmp_path, source, kind, process):
    # The mask was dropped: every point was drawn where ax.plot leaves a gap
    # (and ax.scatter no point), and the hidden values set the limits.
    hidden = np.array([0, 1, 0, 0, 0, 1, 1, 0, 0, 0], bool)
    y = np.array([0.0, 50.0, 2.0, 3.0, 1.0, -40.0, 9.0, 2.0, 1.0, 0.5])
    x = np.linspace(0.0, 1.0, 10)
    want = np.ma.masked_array(y, mask=hidden)  # what the rule gives for either source
    curve = want.copy() if source == "numpy" else _masked(torch.tensor(y), torch.tensor(~hidden))
    path = tmp_path / "live.png"
    live = torchplot.Live(
        every=1000, path=path, display="file", process=process, budget=None, figsize=(4, 3)
    )
    live.show("pred", x, curve, kind=kind)
    live.close()
    assert live.panels["pred"].ax.get_ylim()[1] < 50  # hidden values set no limit
    if kind == "line":
        draw = lambda ax: ax.plot(x, want, zorder=2.6)  # noqa: E731
    else:
        draw = lambda ax: ax.scatter(x, want, zorder=2.6)  # noqa: E731
    np.testing.assert_array_equal(_png_pixels(path), _show_reference(live, "pred", draw))


@pytest.mark.filterwarnings("ignore:The PyTorch API of MaskedTensors:UserWarning")
def test_drawing_process_keeps_a_masked_tensor_images_mask(tmp_path):
    # The drawing process made a plain tensor of it: the hidden pixels were drawn.
    held = torch.ones(4, 5, dtype=torch.bool)
    held[1, 2] = held[3, 0] = False
    image = _masked(torch.arange(20.0).reshape(4, 5), held)
    frames = []
    for process in (False, True):
        path = tmp_path / f"{process}.png"
        live = torchplot.Live(every=1000, path=path, display="file", budget=None, process=process)
        live.show("img", image)
        live.close()
        np.testing.assert_array_equal(
            live.panels["img"].ax.images[0].get_array().mask, ~held.numpy()
        )
        frames.append(_png_pixels(path))
    np.testing.assert_array_equal(frames[0], frames[1])


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_show_keeps_its_own_copy_of_host_values(tmp_path, process):
    # A pandas Series, a list of arrays, a nested list, a DLPack-only object
    # were kept as given: changed in place before the refresh, the plot changed.
    pd = pytest.importorskip("pandas")
    series = pd.Series(np.arange(5.0))
    rows = [np.zeros(4), np.ones(4)]
    nested = [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    dl = np.arange(3.0)
    masked = np.ma.masked_array(np.arange(4.0), mask=[0, 1, 0, 0])
    path = tmp_path / "live.png"
    live = torchplot.Live(every=1000, path=path, display="file", process=process, budget=None)
    live.show("series", series)
    live.show("rows", rows, kind="image")
    live.show("nested", nested)
    live.show("dlpack", DLPackOnly(dl))
    live.show("masked", masked)
    series[:] = 9.0
    rows[0][:] = 5.0
    rows.append(np.ones(4))
    nested[0][0] = 7.0
    dl[:] = -1.0
    masked[2] = np.ma.masked
    masked.mask[1] = False
    live.close()
    ydata = {name: live.panels[name].series[0].get_ydata() for name in ("series", "dlpack")}
    np.testing.assert_array_equal(ydata["series"], np.arange(5.0))
    np.testing.assert_array_equal(ydata["dlpack"], np.arange(3.0))
    np.testing.assert_array_equal(
        live.panels["rows"].ax.images[0].get_array(), [[0.0] * 4, [1.0] * 4]
    )
    np.testing.assert_array_equal(
        live.panels["nested"].ax.images[0].get_array(), [[0.0, 1.0, 2.0], [3.0, 4.0, 5.0]]
    )
    np.testing.assert_array_equal(
        live.panels["masked"].series[0].get_ydata(), [0.0, np.nan, 2.0, 3.0]
    )
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


@pytest.mark.parametrize(
    "data",
    [
        [[1.0, 2.0], [3.0]],
        [[[1.0], [2.0]], [[1.0], [2.0, 3.0]]],
        [torch.ones(2), torch.ones(1)],
    ],
    ids=["ragged", "ragged inside", "tensors"],
)
def test_show_of_a_ragged_list_names_the_panel_and_the_shapes(data):
    live = torchplot.Live(every=1000, path=False, display="none", budget=None)
    with pytest.raises(ValueError, match=r"Live\.show\('p'\): the elements have different shapes "):
        live.show("p", data)
    assert "p" not in live.panels


def test_show_between_refreshes_keeps_and_sends_only_the_latest_data(tmp_path, monkeypatch):
    # With the drawing process, show() called more often than Live refreshes
    # keeps one device copy per panel (the newest: it replaces the last), not
    # one per call, and the refresh transfers and sends only those.
    from torchplot._live import _remote, _transfer

    copies = []
    own_copy = _transfer._own_copy

    def spy(t):
        c = own_copy(t)
        if c.numel() > 1:
            copies.append(weakref.ref(c))
        return c

    sent = []
    send = _remote.RemoteRenderer.send

    def spy_send(self, ops):
        sent.append(list(ops))
        return send(self, ops)

    monkeypatch.setattr(_transfer, "_own_copy", spy)
    monkeypatch.setattr(_remote.RemoteRenderer, "send", spy_send)
    path = tmp_path / "l.png"
    live = torchplot.Live(every=1000, path=path, display="file", budget=None)
    assert live._ops is not None  # the drawing process draws
    x = torch.linspace(0, 1, 50)
    for step in range(60):
        live.log(step, loss=torch.tensor(1.0 / (step + 1)))
        live.show("pred", x, torch.sin(x * step), target=torch.cos(x))
        live.show("img", torch.full((3, 8, 8), step / 60))
    gc.collect()
    assert sum(r() is not None for r in copies) == 4  # x, y, target; the image
    live.refresh()
    shows = [op for ops in sent for op in ops if op[0] == "show"]
    assert [op[1] for op in shows] == ["pred", "img"]  # one per panel, in the order made
    np.testing.assert_array_equal(shows[0][3][1], torch.sin(x * 59).numpy())
    np.testing.assert_allclose(shows[1][3][0], np.full((3, 8, 8), 59 / 60))
    live.close()
    assert live._remote.failed is None
    assert list(live.panels) == ["loss", "pred", "img"]
    # The drawing process made the panels in the same order: the same frame.
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_rejected_show_records_nothing(tmp_path, process):
    path = tmp_path / "l.png"
    live = torchplot.Live(every=5, path=path, display="file", process=process, budget=None)
    x = torch.linspace(0, 1, 10)
    with pytest.raises(ValueError, match="same length"):
        live.show("bad", x, x[:5])
    with pytest.raises(ValueError, match="1-D values"):
        live.show("bad2", torch.ones(3, 2), target=torch.ones(3, 2))
    live.show("pred", x, x**2)
    with pytest.raises(ValueError, match="same length"):
        live.show("pred", x, x[:5])  # the last accepted data stays
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the drawing process must not fail
        _log_some(live, 10)
        live.close()
    assert list(live.panels) == ["pred", "loss"]
    np.testing.assert_array_equal(
        live.panels["pred"].series[0].get_ydata(), (torch.linspace(0, 1, 10) ** 2).numpy()
    )
    if process:
        assert live._remote.failed is None
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_show_rejects_an_image_imshow_rejects_when_called(tmp_path, process):
    # The image's shape is checked at show(), as imshow will check it, from
    # metadata: not at a later log() (the refresh) or in the drawing process.
    path = tmp_path / "l.png"
    live = torchplot.Live(every=5, path=path, display="file", process=process, budget=None)
    batch = torch.rand(8, 3, 8, 8)
    with _OpRecorder() as rec:
        live.show("ok", batch)
        with pytest.raises(TypeError, match="1, 3 or 4 channels") as err:
            live.show("img", torch.rand(8, 2, 8, 8))
        with pytest.raises(TypeError, match="zero-size"):
            live.show("img", torch.rand(0, 8, 8))
        # A grid over the pixel budget, for the nrow and padding show passes on.
        big = torch.empty(100, 1, 1000, 1000, dtype=torch.uint8)
        with pytest.raises(ValueError, match=r"Live.show\('img'\) of 100 images.*budget"):
            live.show("img", big)
        with pytest.raises(ValueError, match="budget"):
            live.show("img", big[:60], padding=200)
        with pytest.raises(ValueError, match="budget"):
            live.show("img", big[:60], padding=np.int64(200))
    assert "Live.show('img')" in str(err.value)
    assert not _HOST_READS & set(rec.ops), rec.ops  # no value read
    with pytest.raises(TypeError, match="invalid shape"):
        live.show("img", np.zeros((8, 2, 8, 8)))  # Matplotlib's imshow rejects it too
    with pytest.raises(TypeError, match="invalid shape"):
        live.show("img", torch.rand(5), kind="image")
    live.show("chw", torch.rand(3, 8, 8))
    live.show("hw1", np.zeros((4, 5, 1)))
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        _log_some(live, 10)
        live.close()
    assert list(live.panels) == ["ok", "chw", "hw1", "loss"]
    if process:
        assert live._remote.failed is None
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


@pytest.mark.filterwarnings("ignore:ComplexHalf support is experimental:UserWarning")
def test_show_rejects_an_image_dtype_imshow_rejects_when_called():
    # A complex image was accepted, and the next log() (its refresh) raised
    # Matplotlib's bare "Image data of dtype complex64 cannot be converted to
    # float", naming neither the panel nor the argument.
    jnp = pytest.importorskip("jax.numpy")
    live = torchplot.Live(every=1, path=False, display="none", budget=None, process=False)
    torch_fix = "Fix: show real values, e.g. the magnitude `X.abs()` or the real part `X.real`."
    cases = [
        (torch.rand(8, 8, dtype=torch.complex64), "data[0]", "torch.complex64", torch_fix),
        (torch.rand(2, 3, 8, 8, dtype=torch.complex32), "data[0]", "torch.complex32", torch_fix),
        (torch.rand(3, 8, 8, dtype=torch.complex128), "data[0]", "torch.complex128", torch_fix),
        (np.zeros((8, 8), complex), "data[0]", "dtype complex128", "`abs(X)`"),
        (jnp.zeros((8, 8), jnp.complex64), "data[0]", "dtype complex64", "`abs(X)`"),
        (
            [torch.rand(8)] * 3 + [torch.rand(8, dtype=torch.complex64)],
            "data[0][3]",
            "shape (8,), dtype torch.complex64",
            torch_fix,
        ),
        (np.zeros((4, 4), object), "data[0]", "dtype object", "Fix: pass numbers"),
    ]
    fig, ax = torchplot.subplots()
    for image, where, described, fix in cases:
        with pytest.raises(TypeError) as imshow_err:
            ax.imshow(image)  # what show promises to raise, now rather than at the refresh
        with _OpRecorder() as rec, pytest.raises(TypeError) as err:
            live.show("pred", image)
        msg = str(err.value)
        assert msg.startswith(f"Live.show('pred') argument {where}: {imshow_err.value} ("), msg
        assert described in msg and fix in msg, msg
        assert not _HOST_READS & set(rec.ops), rec.ops  # told from the dtype, no value read
    torchplot.close(fig)
    for step in range(3):
        live.log(step, loss=1.0)  # each refreshes: the rejected images left nothing pending
    live.close()
    assert list(live.panels) == ["loss"]


_TEXT_FIX = (
    "Fix: pass numbers (a bool, integer or float array), e.g. `np.asarray(X, float)` for "
    "numbers written as text."
)


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_show_rejects_curve_data_that_is_not_numbers_when_called(tmp_path, process):
    # Accepted before: the refresh (the next log(), or the drawing process)
    # raised NumPy's "could not convert string to float: np.str_('a')", and so
    # did every later refresh and close(), the bad data staying in its panel.
    path = tmp_path / "l.png"
    live = torchplot.Live(every=5, path=path, display="file", process=process, budget=None)
    x = np.arange(2.0)
    text = np.array(["a", "b"])
    text_cpu = "shape (2,), dtype <U1, device cpu"
    cases = [
        (("pred", text), {}, "data[0]", "<U1", text_cpu),
        (("pred", text), {"kind": "scatter"}, "data[0]", "<U1", text_cpu),
        (("pred", text, x), {}, "data[0]", "<U1", text_cpu),
        (("pred", x, x), {"target": text}, "'target'", "<U1", text_cpu),
        (
            ("pred", np.array([b"a", b"b"])),
            {},
            "data[0]",
            "|S1",
            "shape (2,), dtype |S1, device cpu",
        ),
        (("pred", ["a", "b"]), {}, "data[0]", "<U1", "a list, shape (2,)"),
        (("pred", [torch.tensor(1.0), "b"]), {}, "data[0][1]", "<U1", "a str, shape ()"),
    ]
    for args, kwargs, where, dtype, described in cases:
        with pytest.raises(TypeError) as err:
            live.show(*args, **kwargs)
        assert str(err.value) == (
            f"Live.show('pred') argument {where}: curve data of dtype {dtype} cannot be "
            f"converted to float ({described}). {_TEXT_FIX}"
        ), err.value
    objects = np.array([1.0, "b"], dtype=object)
    with pytest.raises(TypeError) as err:
        live.show("pred", objects)
    assert str(err.value) == (
        "Live.show('pred') argument data[0]: curve data of dtype object cannot be converted "
        "to float (shape (2,), dtype object, device cpu). Fix: pass numbers (a bool, integer "
        "or float array)."
    )
    live.show("ok", np.array([1.0, None, 3], dtype=object))  # numbers (None: a gap)
    with warnings.catch_warnings():
        warnings.simplefilter("error")  # the drawing process must not fail
        _log_some(live, 10)
        live.close()
    assert list(live.panels) == ["ok", "loss"]
    np.testing.assert_array_equal(live.panels["ok"].series[0].get_ydata(), [1.0, np.nan, 3.0])
    if process:
        assert live._remote.failed is None
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors:UserWarning")
@pytest.mark.parametrize("layout", ["strided", "jagged"])
@pytest.mark.parametrize("kind", ["image", "line"])
def test_show_of_a_nested_tensor_names_the_argument(layout, kind):
    # Held, it raised torch's "Internal error: NestedTensorImpl doesn't support
    # sizes" (strided) or "'NestedIntNode' object has no attribute 'int_'"
    # (jagged) when show asked for its shape.
    shapes = [(3, 4), (5, 4)] if kind == "image" else [(3,), (5,)]
    nested = torch.nested.nested_tensor(
        [torch.ones(s) for s in shapes], layout=getattr(torch, layout)
    )
    live = torchplot.Live(every=1, path=False, display="none", budget=None, process=False)
    fix = (
        "Fix: show one regular tensor: its components stacked, `torch.stack(X.unbind())` (when "
        "they have one shape), or padded, `X.to_padded_tensor(0.0)`; or each component in a "
        "panel of its own."
    )
    described = f"shape [{', '.join(map(str, shapes))}] (nested), dtype torch.float32, device cpu"
    for args, where in (
        ((nested,), "data[0]"),
        ((torch.arange(2.0), nested), "data[1]"),
        (([nested],), "data[0][0]"),
    ):
        with pytest.raises(TypeError) as err:
            live.show("pred", *args, kind=kind)
        assert str(err.value) == (
            f"Live.show('pred') argument {where}: a nested tensor cannot be shown ({described})."
            f" {fix}"
        )
    if kind == "line":
        with pytest.raises(TypeError, match=r"argument 'target': a nested tensor"):
            live.show("pred", torch.arange(2.0), target=nested)
    for step in range(3):
        live.log(step, loss=1.0)  # each refreshes: nothing rejected was kept
    live.close()
    assert list(live.panels) == ["loss"]


# --------------------------------------------------------------------------- where frames go


class _FakeGallery:
    """Test double for the ``torchplot.Gallery`` contract: ``add(fig, caption=, group=, step=)``."""

    def __init__(self):
        self.calls = []

    def add(self, fig, *, caption, group, step):
        buf = io.BytesIO()
        fig.savefig(buf, format="png")  # what a gallery does with the figure it is given
        self.calls.append((fig, caption, group, step, _png_pixels(buf.getvalue())))


def test_a_real_gallery_leaves_the_dashboards_pyplot_figure_open(tmp_path):
    # Gallery.add closed the figure it saved: the dashboard's next refresh
    # raised (AttributeError in draw_artist), and after close() pyplot had
    # no figure for plt.savefig or sphinx-gallery.
    with torchplot.Gallery(tmp_path / "gallery") as gallery:
        live = torchplot.Live(
            every=5,
            path=tmp_path / "live.png",
            process=False,
            budget=None,
            gallery=gallery,
            gallery_every=1,
        )
        for step in range(25):
            live.log(step, loss=1.0 / (step + 1))
        live.close()
        assert live.figure.number in mpl_plt.get_fignums()
        assert mpl_plt.gcf() is live.figure
    index = json.loads((tmp_path / "gallery" / "index.json").read_text(encoding="utf-8"))
    assert [f["step"] for f in index["figures"] if f["status"] == "ok"] == [4, 9, 14, 19, 24]
    mpl_plt.close(live.figure)


def test_gallery_snapshots_through_add_contract():
    gallery = _FakeGallery()
    live = torchplot.Live(
        every=10,
        path=False,
        display="none",
        budget=None,
        gallery=gallery,
        gallery_every=2,
        name="run1",
    )
    for step in range(45):
        live.log(step, loss=float(step))
    live.close()
    # refreshes at steps 9, 19, 29, 39 and the final one at 44: every 2nd, plus the last
    assert [(c[1], c[2], c[3]) for c in gallery.calls] == [
        ("run1 at step 19", "run1", 19),
        ("run1 at step 39", "run1", 39),
        ("run1 at step 44", "run1", 44),
    ]
    assert all(c[0] is live.figure for c in gallery.calls)
    # savefig draws the animated (blitted) artists too: the snapshot shows the line.
    blank = gallery.calls[-1][4].copy()
    live.panels["loss"].artists[0].set_visible(False)
    buf = io.BytesIO()
    live.figure.savefig(buf, format="png")
    assert not np.array_equal(_png_pixels(buf.getvalue()), blank)
    with pytest.raises(TypeError, match="add"):
        torchplot.Live(display="none", gallery=object())


class _RecordingCanvas(FigureCanvasAgg):
    """An Agg canvas that records what a GUI canvas would be asked to do."""

    def __init__(self, figure):
        super().__init__(figure)
        self.calls = []

    def draw_idle(self, *args, **kwargs):
        self.calls.append("draw_idle")
        self.draw()  # a GUI draws on its next idle; here at once

    def flush_events(self):
        self.calls.append("flush_events")

    def blit(self, bbox=None):
        self.calls.append("blit")


def test_window_updates_without_pause(monkeypatch):
    def no_pause(*args, **kwargs):
        raise AssertionError("plt.pause raises the window; Live must not call it")

    monkeypatch.setattr(mpl_plt, "pause", no_pause)
    fig = Figure()
    canvas = _RecordingCanvas(fig)
    live = torchplot.Live(every=5, display="window", figure=fig, budget=None)
    for step in range(20):
        live.log(step, loss=1.0 + (step % 2) * 0.1)
    live.close()
    assert canvas.calls[:2] == ["draw_idle", "flush_events"]  # the first frame: a full redraw
    assert canvas.calls.count("blit") >= 1
    assert canvas.calls[-2:] == ["blit", "flush_events"]
    assert canvas.calls.count("draw_idle") == live._dash.full_draws


def test_auto_display_headless_writes_png(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    live = torchplot.Live(every=2)
    assert live.display == "file"
    live.log(0, loss=1.0)
    live.log(1, loss=0.5)
    live.close()
    assert _png_pixels(tmp_path / "live.png").shape[2] == 4
    assert mpl_plt.fignum_exists(live.figure.number)  # left open, e.g. for sphinx-gallery


def test_budget_postpones_drawing_but_close_draws_everything():
    live = torchplot.Live(every=5, path=False, display="none", budget=1e-9)
    for step in range(50):
        live.log(step, loss=float(step))
    assert live.refreshes == 1 and live.skipped == 9  # drew the first frame only
    live.close()
    assert live.refreshes == 2
    assert len(live.panels["loss"].artists[0].get_xdata()) == 50


@pytest.mark.parametrize(
    "process, own_figure",
    [(False, True), (False, False), (True, True)],
    ids=["here", "here-figure=", "process"],
)
def test_closed_figure_is_static_and_draws_its_final_frame_without_the_live(
    tmp_path, process, own_figure
):
    # Animated artists reach a plain canvas.draw() only through the Live's
    # draw_event callback, held weakly and dropped by pickle and deepcopy: a
    # window after training, ipympl, or the figure of a Live made inside a
    # function would show empty panels.  After close() nothing is animated.
    figure = None
    if not own_figure:
        figure = Figure(figsize=(8, 5))
        FigureCanvasAgg(figure)
    path = tmp_path / "live.png"
    live = torchplot.Live(
        every=7,
        path=path,
        display="file",
        process=process,
        figure=figure,
        groups={"ab": ["a", "b"]},
        smooth={"a": 0.9},
        budget=None,  # the same frames at every run, whatever the machine's speed
    )
    gen = torch.Generator().manual_seed(0)
    for step in range(60):
        live.log(step, a=torch.rand((), generator=gen) + 1 / (step + 1), b=step / 100, c=step % 5)
        if step % 20 == 0:
            live.show("pred", torch.arange(10.0) * step, target=torch.arange(10.0))
            live.show(
                "points",
                torch.rand(10, generator=gen),
                torch.rand(10, generator=gen),
                kind="scatter",
            )
    live.close()
    fig = live.figure
    final = np.asarray(fig.canvas.buffer_rgba()).copy()
    np.testing.assert_array_equal(_png_pixels(path), final)
    assert not [a for ax in fig.axes for a in ax.get_children() if a.get_animated()]
    copies = [pickle.loads(pickle.dumps(fig)), copy.deepcopy(fig)]
    collected = weakref.ref(live)
    del live
    gc.collect()
    assert collected() is None
    np.testing.assert_array_equal(_savefig_pixels(fig), final)
    for f in [fig, *copies]:
        # (a copy of a figure pyplot does not manage comes back on a base canvas)
        canvas = f.canvas if hasattr(f.canvas, "buffer_rgba") else FigureCanvasAgg(f)
        canvas.draw()
        np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), final)
    mpl_plt.close(fig)


_DRAW_UNPICKLED = """
import pickle, sys
import numpy as np
from matplotlib.backends.backend_agg import FigureCanvasAgg
fig = pickle.load(open(sys.argv[1], "rb"))
assert "torch" not in sys.modules  # nor a tensor in the pickle: it would import torch
FigureCanvasAgg(fig).draw()
np.save(sys.argv[1] + ".npy", np.asarray(fig.canvas.buffer_rgba()))
print(sum(bool(a.get_animated()) for ax in fig.axes for a in ax.get_children()))
"""


def test_a_copy_taken_mid_run_draws_what_the_live_figure_shows(
    tmp_path, unpickled_in_a_fresh_process
):
    # The panels' artists are animated, drawn only by the dashboard's
    # draw_event callback, which pickle and deepcopy drop: a copy taken
    # before close() drew empty panels.
    live = torchplot.Live(
        every=5,
        path=False,
        display="none",
        process=False,
        groups={"ab": ["a", "b"]},
        smooth={"a": 0.9},
        budget=None,
    )
    for step in range(20):
        live.log(step, a=torch.tensor(1.0 / (step + 1)), b=step / 40)
    x = torch.linspace(0, 1, 10)
    live.show("pred", x, x**2, target=x)
    live.show("points", x, -x, kind="scatter")
    live.show("img", torch.arange(12.0).reshape(3, 4))
    live.refresh()
    fig = live.figure
    fig.canvas.draw()
    shown = np.asarray(fig.canvas.buffer_rgba()).copy()
    copies = [pickle.loads(pickle.dumps(fig)), copy.deepcopy(fig)]
    for f in copies:
        assert not [a for ax in f.axes for a in ax.get_children() if a.get_animated()]
        canvas = FigureCanvasAgg(f)
        canvas.draw()
        np.testing.assert_array_equal(np.asarray(canvas.buffer_rgba()), shown)
    assert unpickled_in_a_fresh_process(fig, _DRAW_UNPICKLED).split() == ["0"]
    np.testing.assert_array_equal(np.load(tmp_path / "fig.pickle.npy"), shown)
    # The live figure itself still blits.
    assert all(a.get_animated() for a in live._dash.animated)
    blits = live._dash.blits
    live.log(20, a=0.05, b=0.5)
    live.refresh()
    assert live._dash.blits == blits + 1
    live.close()


def test_import_does_not_import_torch():
    import subprocess

    code = "import torchplot, sys; torchplot.Live; assert 'torch' not in sys.modules"
    subprocess.run(
        [sys.executable, "-c", code],
        check=True,
        cwd=REPO,
        env={**os.environ, "PYTHONPATH": str(REPO)},
    )


# --------------------------------------------------------------------------- Jupyter


def test_notebook_output_updated_in_place(tmp_path, monkeypatch):
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    monkeypatch.setenv("PYTHONPATH", str(REPO))
    monkeypatch.delenv("MPLBACKEND", raising=False)
    nb = nbformat.v4.new_notebook()
    nb.cells = [
        nbformat.v4.new_code_cell(
            "import torch, torchplot as plt\n"
            "live = plt.Live(every=5, budget=None)\n"
            "for step in range(20):\n"
            "    live.log(step, loss=torch.tensor(1.0 / (step + 1)))\n"
            "live.close()\n"
            "print(live.display, live.refreshes)"
        )
    ]
    seen = []

    class Client(nbclient.NotebookClient):
        def process_message(self, msg, cell, cell_index):
            seen.append((msg["msg_type"], msg["content"].get("transient", {}).get("display_id")))
            return super().process_message(msg, cell, cell_index)

    Client(
        nb, kernel_name="python3", timeout=120, resources={"metadata": {"path": str(tmp_path)}}
    ).execute()
    outputs = nb.cells[0].outputs
    assert [o["output_type"] for o in outputs] == ["display_data", "stream"], outputs
    assert outputs[1]["text"].strip() == "notebook 4"
    assert "image/png" in outputs[0]["data"]
    displays = [d for t, d in seen if t == "display_data"]
    updates = [d for t, d in seen if t == "update_display_data"]
    assert len(displays) == 1 and displays[0]
    assert len(updates) == 3 and set(updates) == {displays[0]}
    assert not (tmp_path / "live.png").exists()


# --------------------------------------------------------------------------- drawing process


def _log_some(live, n=30):
    for step in range(n):
        live.log(step, loss=torch.tensor(1.0 / (step + 1)))


def test_drawing_process_starts_at_first_refresh_only(tmp_path):
    live = torchplot.Live(every=10, path=tmp_path / "l.png", display="file")
    assert live._remote is None  # creating a Live starts nothing
    _log_some(live, 9)
    assert live._remote is None
    live.log(9, loss=0.1)
    assert live._remote is not None and live._png is None  # the child writes the PNG
    live.close()
    assert live._remote.failed is None
    np.testing.assert_array_equal(
        _png_pixels(tmp_path / "l.png"), np.asarray(live.figure.canvas.buffer_rgba())
    )


@pytest.mark.parametrize("how", ["no_python", "child_dies"])
def test_drawing_process_failure_warns_and_draws_here(tmp_path, monkeypatch, how):
    from torchplot._live import _remote

    if how == "no_python":
        monkeypatch.setattr(_remote.sys, "executable", str(tmp_path / "no-such-python"))
    else:
        monkeypatch.setattr(_remote, "_WORKER_MODULE", "torchplot._no_such_module")
    path = tmp_path / "l.png"
    live = torchplot.Live(every=10, path=path, display="file", budget=None)
    with pytest.warns(RuntimeWarning, match="drawing continues in the training process"):
        _log_some(live, 30)
        live.close()
    assert live._remote.failed
    (line,) = live.panels["loss"].artists
    assert len(line.get_xdata()) == 30  # nothing lost on the way
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


def test_drawing_process_draws_images_like_this_process(tmp_path):
    gen = torch.Generator().manual_seed(1)
    images = torch.rand(6, 3, 8, 8, generator=gen)
    x = torch.linspace(0, 1, 20)
    pred, target = torch.rand(20, generator=gen), torch.rand(20, generator=gen)
    frames = []
    for process in (False, True):
        path = tmp_path / f"{process}.png"
        live = torchplot.Live(every=5, path=path, display="file", budget=None, process=process)
        for step in range(12):
            live.log(step, loss=torch.tensor(1.0 / (step + 1)))
            if step == 6:
                live.show("samples", images, nrow=3)
                live.show("pred", x, pred, target=target)
        live.close()
        frames.append(_png_pixels(path))
    np.testing.assert_array_equal(frames[0], frames[1])


def test_drawing_process_keeps_to_its_share_and_draws_the_last_frame(tmp_path):
    # Refreshes far faster than frames can be drawn: the child draws only as
    # often as its share (5 x budget of its time) allows, and close() still
    # brings the PNG up to the last logged step.
    path = tmp_path / "l.png"
    live = torchplot.Live(every=1, path=path, display="file", budget=0.02)
    live.log(0, loss=torch.tensor(1.0), acc=0.0)
    # The child's start (importing torch and Matplotlib) takes seconds on a
    # busy machine: time the share from its first frame, as it does itself.
    deadline = time.perf_counter() + 60
    while not path.exists() and time.perf_counter() < deadline:
        time.sleep(0.05)
    start = time.perf_counter()
    step = 1
    while time.perf_counter() - start < 3.0 or step < 200:
        live.log(step, loss=torch.tensor(1.0 / (step + 1)), acc=float(step % 7))
        step += 1
        time.sleep(0.002)
    live.close()
    stats = live._remote.stats
    assert live._remote.failed is None
    assert stats["share"] == pytest.approx(0.1)
    # A token bucket: time spent <= share x time + at most a frame of credit
    # (and the first frame's and the closing frame's encoding, outside it).
    assert stats["busy"] <= stats["share"] * stats["elapsed"] + 3 * stats["credit_cap"]
    # The first frame, then at least one more within 3 s at a tenth of the
    # time (a frame costs 0.05-0.2 s here), far fewer than the refreshes.
    assert 2 <= stats["frames"] < live.refreshes / 4
    (line,) = live.panels["loss"].artists
    assert line.get_xdata()[-1] == step - 1
    np.testing.assert_array_equal(_png_pixels(path), np.asarray(live.figure.canvas.buffer_rgba()))


def test_drawing_process_without_budget_draws_when_idle(tmp_path):
    path = tmp_path / "l.png"
    live = torchplot.Live(every=5, path=path, display="file", budget=None)
    _log_some(live, 5)  # the first refresh starts the child
    time.sleep(3.0)  # its start (importing Matplotlib) and first frame
    drawn_at_start = live.refreshes
    for step in range(5, 40):
        live.log(step, loss=torch.tensor(1.0 / (step + 1)))
        time.sleep(0.05)  # a refresh per 0.25 s, slower than a frame: each one is drawn
    live.close()
    stats = live._remote.stats
    assert stats["share"] is None
    assert stats["frames"] >= 1 + (live.refreshes - drawn_at_start) - 1  # (close's own refresh)


# --------------------------------------------------------------------------- JAX


def test_jax_arrays_are_held_as_copies_and_refused_up_front():
    # Live held the user's own JAX array: shown and refreshed, it stayed alive;
    # donated (deleted) afterwards, every later refresh and close raised; a
    # tracer logged inside jax.jit failed every refresh without naming the metric.
    jax = pytest.importorskip("jax")
    jnp = jax.numpy
    live = torchplot.Live(every=1, path=False, display="none")
    shown = jnp.arange(10.0)
    kept = weakref.ref(shown)
    live.show("w", shown)
    live.refresh()
    del shown
    gc.collect()
    assert kept() is None
    donated = jnp.arange(5.0)
    live.show("p", donated)
    donated.delete()
    live.log(0, loss=jnp.array(0.5))
    live.refresh()

    @jax.jit
    def step(v):
        with pytest.raises(TypeError, match=r"metric .loss.: cannot read the value of a JAX"):
            live.log(1, loss=v.sum())
        return v

    step(jnp.ones(3))
    with pytest.raises(TypeError, match=r"metric 'loss' must be a real number.*complex64"):
        live.log(1, loss=jnp.array(1 + 2j))
    live.log(1, loss=jnp.array(0.25))
    assert live.history("loss")[1].tolist() == [0.5, 0.25]
    live.close()


class _DLPackOnGpu:
    """A DLPack-only array on a CUDA device: NumPy cannot read it."""

    def __dlpack__(self, **kwargs):
        raise BufferError("Unsupported device in DLTensor")

    def __dlpack_device__(self):
        return (2, 0)


def _fake_cupy(monkeypatch):
    """A test double for CuPy: a module whose ``ndarray`` keeps a NumPy array as its device data."""
    fake = types.ModuleType("cupy")

    class ndarray:
        def __init__(self, data):
            self.data = np.array(data)
            self.size, self.ndim, self.dtype = self.data.size, self.data.ndim, self.data.dtype
            self.shape = self.data.shape

        def copy(self):
            return ndarray(self.data)

        def reshape(self, shape):
            return ndarray(self.data.reshape(shape))

        def get(self):
            return self.data.copy()

    fake.ndarray = ndarray
    monkeypatch.setitem(sys.modules, "cupy", fake)
    return fake


def test_one_element_arrays_of_every_kind_are_logged_as_one_number(monkeypatch):
    # A (1,) JAX array was held as it was: every later refresh, history() and
    # close() raised "only 0-dimensional arrays can be converted to Python
    # scalars", and its rows stayed pending.  A DLPack-only object was held
    # as the caller's own object (changed afterwards, the plot changed too).
    jnp = pytest.importorskip("jax.numpy")
    cupy = _fake_cupy(monkeypatch)
    live = torchplot.Live(every=2, path=False, display="none", budget=None)
    for step in range(5):
        host = np.full(1, float(step))
        live.log(
            jnp.full((1,), step),
            jax1=jnp.ones(1) * step,
            jax11=jnp.full((1, 1), step, dtype=jnp.bfloat16),
            numpy1=np.full(1, step),
            dlpack1=DLPackOnly(host),
            cupy1=cupy.ndarray([[step]]),
        )
        host[0] = -1.0  # after log(): not what was logged
    live.close()
    names = ["jax1", "jax11", "numpy1", "dlpack1", "cupy1"]
    assert live.metrics == names
    for name in names:
        steps, values = live.history(name)
        np.testing.assert_array_equal(steps, np.arange(5.0), err_msg=name)
        np.testing.assert_array_equal(values, np.arange(5.0), err_msg=name)


def test_a_dlpack_value_numpy_cannot_read_is_refused_at_log(monkeypatch):
    # Held, it failed at every later refresh without naming the metric.
    live = torchplot.Live(every=1, path=False, display="none", budget=None)
    with pytest.raises(TypeError, match=r"^Live.log\(\) metric 'x': .*host memory"):
        live.log(0, x=_DLPackOnGpu())
    with pytest.raises(ValueError, match=r"metric 'y' must be a scalar"):
        live.log(0, y=DLPackOnly(np.ones(3)))
    live.log(0, x=1.0)
    live.close()
    assert live.metrics == ["x"]


def test_a_shown_tensors_copy_is_freed_by_the_refresh_that_draws_it():
    # The panel kept its device copies until the next show; it keeps host
    # copies for a relayout's redraw instead.
    torch = pytest.importorskip("torch")
    live = torchplot.Live(every=1, path=False, display="none")
    live.show("w", torch.arange(10.0, requires_grad=True))
    live.refresh()
    panel = live._dash.panels["w"]
    assert panel.arrays and all(isinstance(a, np.ndarray) for a in panel.arrays)
    live.show("v", torch.arange(3.0))  # a new panel: a relayout redraws "w" from its copies
    live.refresh()
    np.testing.assert_array_equal(panel.series[0].get_ydata(), np.arange(10.0))
    live.close()


# --------------------------------------------------------------------------- unclosed


def _ended_within(seconds, *, threads, procs):
    """Whether ``threads`` ended and ``procs`` exited within ``seconds`` (polled)."""
    deadline = time.monotonic() + seconds
    while any(t.is_alive() for t in threads) or any(p.poll() is None for p in procs):
        if time.monotonic() > deadline:
            return False
        time.sleep(0.02)
    return True


@pytest.mark.parametrize("process", [False, True], ids=["here", "process"])
def test_an_unclosed_live_frees_its_threads_and_process_when_collected(
    tmp_path, monkeypatch, process
):
    # Its threads ran bound methods of the renderer and the PNG sink, which
    # kept them alive: each unclosed Live left its drawing process and two
    # threads (one here) running until the interpreter exited.
    import subprocess
    import threading

    from torchplot._live import _remote

    started = []
    popen = subprocess.Popen

    def spy_popen(*args, **kwargs):
        started.append(popen(*args, **kwargs))
        return started[-1]

    monkeypatch.setattr(_remote.subprocess, "Popen", spy_popen)
    before = set(threading.enumerate())
    live = _live_png(tmp_path / "l.png", process)
    _log_some(live, 30)
    assert len(started) == process
    ours = [t for t in threading.enumerate() if t not in before]
    assert sorted(t.name for t in ours) == (
        ["torchplot-live-recv", "torchplot-live-send"] if process else ["torchplot-live-png"]
    )
    sink = weakref.ref(live._remote if process else live._png)
    # The child's temporary PNG, as a kill while encoding would leave it.
    stale = [tmp_path / f".l.png.{p.pid}.0.tmp" for p in started]
    for path in stale:
        path.write_bytes(b"partial")
    mpl_plt.close(live.figure)
    gc.disable()  # no cycle keeps a Live: freed on the last reference, as a cell's rerun drops it
    try:
        del live
        assert sink() is None
    finally:
        gc.enable()
    assert _ended_within(5.0, threads=ours, procs=started)
    assert not any(path.exists() for path in stale)


def _run_script(script, path):
    """Run ``script`` in a fresh interpreter with ``path`` as its argument (Agg backend)."""
    import subprocess

    return subprocess.run(
        [sys.executable, "-c", script, str(path)],
        capture_output=True,
        text=True,
        env={**os.environ, "MPLBACKEND": "Agg"},
        timeout=120,
    )


_EXIT_WITHOUT_CLOSE = """
import sys, time, torch, torchplot
from torchplot._live import _sinks

encode = _sinks.encode_png


def slow_encode(*args, **kwargs):  # the interpreter exits while this frame is encoded
    time.sleep(0.5)
    encode(*args, **kwargs)


_sinks.encode_png = slow_encode
live = torchplot.Live(every=10, path=sys.argv[1], display="file", process=False, budget=None)
for step in range(10):
    live.log(step, loss=torch.tensor(1.0 / (step + 1)))
print(live.refreshes, flush=True)
"""


def test_a_live_drawing_here_that_is_never_closed_writes_its_last_frame_at_exit(tmp_path):
    # The interpreter stopped the PNG thread mid-encode: the program's last
    # refresh never reached the PNG, and a 0-byte temporary file stayed.
    path = tmp_path / "l.png"
    done = _run_script(_EXIT_WITHOUT_CLOSE, path)
    assert done.returncode == 0, done.stderr
    assert done.stdout.split() == ["1"]
    assert _png_pixels(path).shape[2] == 4
    assert sorted(p.name for p in tmp_path.iterdir()) == ["l.png"]


def test_an_unclosed_live_leaves_an_ordinary_figure_when_collected():
    # Made in a function that returned without close(): the curves stayed
    # animated, drawn only by the dashboard's draw_event callback, which went
    # with the Live, so a plain canvas.draw() showed empty panels.
    def train():
        live = torchplot.Live(every=5, path=False, display="none", process=False, budget=None)
        _log_some(live, 20)
        return live.figure

    fig = train()
    gc.collect()
    assert not [a for ax in fig.axes for a in ax.get_children() if a.get_animated()]
    fig.canvas.draw()
    np.testing.assert_array_equal(np.asarray(fig.canvas.buffer_rgba()), _savefig_pixels(fig))


def test_a_figure_of_yours_is_not_drawn_by_a_child_process(tmp_path):
    # The child drew a dashboard of its own size (680x1440 px for an 8x5 in
    # figure): the PNG was not the figure given.
    figure = Figure(figsize=(8, 5))
    FigureCanvasAgg(figure)
    with pytest.raises(ValueError, match=r"process=True.*figure=.*Fix: leave process=None"):
        torchplot.Live(path=tmp_path / "l.png", display="file", process=True, figure=figure)


_CLOSED_BY_AN_EARLIER_EXIT_HANDLER = """
import atexit, sys, torch, torchplot

live = None


@atexit.register  # registered before the first Live: runs after torchplot's own
def cleanup():
    live.close()
    print("closed", flush=True)


live = torchplot.Live(every=10, path=sys.argv[1], display="file", process=False, budget=None)
for step in range(25):
    live.log(step, loss=torch.tensor(float(step)))
"""


def test_an_exit_handler_registered_before_the_first_live_can_still_close_it(tmp_path):
    # torchplot's exit handler stopped the PNG thread: a later handler's
    # close() then waited forever for it.
    path = tmp_path / "l.png"
    done = _run_script(_CLOSED_BY_AN_EARLIER_EXIT_HANDLER, path)
    assert (done.returncode, done.stdout.split()) == (0, ["closed"]), done.stderr
    assert _png_pixels(path).shape[2] == 4


def test_two_dashboards_writing_one_path_encode_into_their_own_files(tmp_path):
    # Both sinks of one process encoded into ``.x.png.<pid>.tmp``: frames
    # were lost ("No such file or directory") and a torn PNG was possible.
    from torchplot._live._sinks import PngSink

    first, second = PngSink(tmp_path / "x.png"), PngSink(tmp_path / "x.png")
    assert first._frames.tmp != second._frames.tmp
    first.close()
    second.close()
