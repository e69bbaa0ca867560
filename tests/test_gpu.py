"""CUDA tensors: pinned and pageable, converted in one transfer, drawn pixel-identically.

Marked ``gpu``: collected everywhere, skipped without CUDA, run with ``pytest -m gpu``.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch
from matplotlib.testing.decorators import check_figures_equal

import torchplot
from tests._cases import AXES_CASES, PYPLOT_CASES, Data

pytestmark = pytest.mark.gpu


class CudaData(Data):
    """Like :class:`Data`, with every tensor moved to the GPU (optionally from pinned memory)."""

    def __init__(self, variant: str, tensors: bool, pinned: bool) -> None:
        super().__init__(variant, tensors)
        self.pinned = pinned

    def _cuda(self, t):
        if not isinstance(t, torch.Tensor):
            return t
        if t.layout != torch.strided:
            return t.cuda()
        src = t.detach().pin_memory() if self.pinned else t.detach()
        out = src.to("cuda", non_blocking=self.pinned)
        return out.requires_grad_(t.requires_grad) if t.is_floating_point() else out

    def f(self, values):
        return self._cuda(super().f(values))

    def i(self, values):
        return self._cuda(super().i(values))

    def sparse(self, values):
        return self._cuda(super().sparse(values))

    def c(self, values):
        t = super().c(values)
        return t.resolve_conj().cuda().conj() if isinstance(t, torch.Tensor) else t


@pytest.mark.parametrize("pinned", [False, True])
@pytest.mark.parametrize(
    "name",
    [
        "plot",
        "scatter",
        "hist",
        "imshow",
        "bar",
        "errorbar",
        "spy",
        "pcolor",
        "contour",
        "artist_setters",
        "3d",
    ],
)
@check_figures_equal(extensions=["png"], tol=0)
def test_cuda_figure_equals_numpy_figure(fig_test, fig_ref, name, pinned):
    case = PYPLOT_CASES.get(name) or AXES_CASES[name]
    torchplot.figure(fig_test)
    case(torchplot, CudaData("bfloat16", tensors=True, pinned=pinned))
    import matplotlib.pyplot as mpl

    mpl.figure(fig_ref)
    case(mpl, Data("bfloat16", tensors=False))


def test_one_device_to_host_copy_of_the_drawn_values():
    t = torch.randn(1000, 3, device="cuda", requires_grad=True)
    view = t[:, 1] * 2  # non-contiguous source, grad-tracking
    with torch.profiler.profile(activities=[torch.profiler.ProfilerActivity.CUDA]) as prof:
        out = torchplot.to_numpy(view)
    copies = [e for e in prof.events() if "Memcpy DtoH" in e.name]
    assert len(copies) == 1
    np.testing.assert_array_equal(out, view.detach().cpu().numpy())
