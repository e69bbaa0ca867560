"""A batch is laid out on its own device: the only tensor that crosses to the host is the grid."""

from __future__ import annotations

import numpy as np
import pytest
import torch

import torchplot
from torchplot import _convert
from torchplot._frameworks import Kind


@pytest.fixture
def converted(monkeypatch):
    """Every tensor the one conversion rule turns into NumPy, as (shape, device)."""
    seen: list[tuple[tuple[int, ...], torch.device]] = []
    # The rule is asked once per dtype whether it converts that dtype, on an
    # empty probe tensor: ask now, so that the record holds the tests' own
    # conversions whichever tests ran before.
    for dtype in (torch.float32, torch.bfloat16, torch.float8_e4m3fn):
        _convert.dtype_error("probe", torch.empty(0, dtype=dtype))
    leaf = _convert._LEAVES[Kind.TORCH]

    def recording_leaf(t, where):
        seen.append((tuple(t.shape), t.device))
        return leaf(t, where)

    monkeypatch.setitem(_convert._LEAVES, Kind.TORCH, recording_leaf)
    # The per-type cache of leaves holds the real one, and would keep the
    # recorder: empty it for the test, and again after it.
    _convert._LEAF_OF.clear()
    yield seen
    _convert._LEAF_OF.clear()


def _draw_batch(device: str, converted: list) -> None:
    batch = torch.rand(64, 3, 64, 64, device=device)
    ax = torchplot.figure().subplots()
    im = ax.imshow(batch, titles=[str(i) for i in range(64)], normalize="per_image")
    grid_shape = im.get_array().shape
    assert grid_shape[2] == 3 and grid_shape[1] == 8 * 66 + 2
    if batch.device.type == "cpu":
        # Built in host memory directly (torchplot._grid.host_grid): nothing
        # to transfer, so nothing goes through the conversion rule.
        assert converted == []
    else:
        assert converted == [(grid_shape, batch.device)]


def test_only_the_grid_is_converted_cpu(converted):
    _draw_batch("cpu", converted)


def test_only_the_grid_is_converted_one_channel(converted):
    batch = torch.randn(10, 1, 12, 12)
    im = torchplot.figure().subplots().imshow(batch, denorm=(0.5, 0.2))
    assert converted == []  # a CPU grid: built in host memory, as above
    assert im.get_array().ndim == 2


@pytest.mark.parametrize("dtype", [torch.bfloat16, torch.float8_e4m3fn])
def test_a_cpu_grid_numpy_cannot_hold_is_converted_once(converted, dtype):
    # Built as a tensor (bit-exact), then widened by the one rule: one conversion, of the grid.
    batch = torch.rand(10, 3, 12, 12).to(dtype)
    im = torchplot.figure().subplots().imshow(batch)
    assert converted == [(im.get_array().shape, batch.device)]


def test_a_cpu_grid_shares_no_memory_with_the_batch():
    batch = torch.rand(10, 3, 12, 12)
    before = batch.clone()
    im = torchplot.figure().subplots().imshow(batch)
    batch.add_(1)
    assert im.get_array().max() <= 1
    assert not np.shares_memory(im.get_array(), batch.numpy())
    assert torch.equal(batch, before + 1)


def test_a_single_chw_image_is_converted_once_in_its_memory_order(converted):
    # One transfer of the CHW memory as it is (a plain copy); the HWC view is
    # made on the host, without a copy.
    t = torch.rand(3, 20, 30)
    im = torchplot.figure().subplots().imshow(t)
    assert converted == [((3, 20, 30), t.device)]
    assert im.get_array().shape == (20, 30, 3)


@pytest.mark.gpu
def test_only_the_grid_is_converted_cuda(converted):
    _draw_batch("cuda", converted)


@pytest.mark.gpu
def test_one_device_to_host_copy_of_the_grid_cuda():
    from torch.profiler import ProfilerActivity, profile

    batch = torch.rand(64, 3, 64, 64, device="cuda")
    ax = torchplot.figure().subplots()
    torch.cuda.synchronize()
    with profile(activities=[ProfilerActivity.CPU, ProfilerActivity.CUDA]) as prof:
        im = ax.imshow(batch, normalize="minmax")
        torch.cuda.synchronize()
    copies = [e for e in prof.events() if "Memcpy DtoH" in e.name]
    assert len(copies) == 1, [e.name for e in copies]
    # The grid, not the batch, went over the bus.
    assert im.get_array().nbytes == 4 * (8 * 66 + 2) ** 2 * 3
    assert batch.nbytes != im.get_array().nbytes


def test_the_grid_is_handed_over_not_copied_again():
    from torchplot._layers.images import _HandOver

    arr = np.arange(12.0).reshape(2, 2, 3)
    handed = _HandOver(arr)
    first = np.array(handed, copy=True)  # what AxesImage.set_data asks for
    if np.lib.NumpyVersion(np.__version__) >= "2.0.0":
        assert first is arr
    else:  # NumPy 1.x passes no ``copy`` to ``__array__``: it copies as before
        assert first is not arr and not np.shares_memory(first, arr)
    second = np.array(handed, copy=True)  # any later copy is a real one
    assert second is not arr and not np.shares_memory(second, arr)
    np.testing.assert_array_equal(second, arr)
    assert np.asarray(handed, dtype=np.float32).dtype == np.float32
    with pytest.raises(ValueError):
        # What np.asarray(handed, dtype=np.float32, copy=False) calls (NumPy 2 on).
        handed.__array__(np.float32, copy=False)
