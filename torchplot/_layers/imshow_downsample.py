"""``imshow(t, downsample=True)``: an image larger than the Axes averaged on its device first.

Opt-in only (the ``downsample=`` keyword, or
``torchplot.rc_params["imshow.downsample"]``).  An image with more than twice
as many rows (or columns) as the Axes has pixels is area-averaged on the
tensor's device (``adaptive_avg_pool2d``) to at most twice the Axes' pixel size,
and only that crosses to the host.  Twice, not once, so that Matplotlib's own
antialiasing filter still does the final resampling to screen pixels.

What is kept the same as the full image: the extent (so limits, aspect and
coordinates are in the original pixels), and for 2-D (colormapped) data the
colour limits (``vmin``/``vmax`` of the full data, unless a ``norm``, ``vmin``
or ``vmax`` is given).  What differs: the averaging is done on the data
values before colormapping (Matplotlib's ``interpolation_stage='data'``), while
Matplotlib's default for a downsampled image is to antialias after
colormapping (``'rgba'``); for a non-linear colormap, fine structure of
alternating values averages to a middle colour instead of a blend of the two
colours.  uint8 RGB(A) images are averaged and rounded back to uint8.

Exact path instead (every pixel transferred): no opt-in, an image not larger
than twice the Axes, a non-finite value (NaN, inf: Matplotlib shows them as
"bad" pixels, averaging would spread them), ``data=``, and inputs that are not
one real 2-D or (H, W, 3|4) tensor.
"""

from __future__ import annotations

import math
import sys
from typing import Any

import matplotlib as mpl

from torchplot._convert import to_numpy
from torchplot._native import layer
from torchplot._rc import downsample_method, rc_params

__all__: list[str] = []

#: Image pixels kept per Axes pixel (each direction).
OVERSAMPLE = 2


def _image(torch: Any, x: Any) -> bool:
    if not isinstance(x, torch.Tensor) or x.numel() == 0 or x.is_complex() or x.dtype == torch.bool:
        return False
    if x.layout != torch.strided or x.is_quantized or x.is_nested:
        return False
    return x.ndim == 2 or (x.ndim == 3 and x.shape[2] in (3, 4))


@layer("imshow", order=20, keywords=("downsample",), setting="imshow.downsample")
def _imshow_downsampled(
    ax: Any, call_next: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    if "downsample" in kwargs:
        kwargs = dict(kwargs)
        method = downsample_method(kwargs.pop("downsample"))
    else:
        method = downsample_method(
            rc_params["imshow.downsample"], 'torchplot.rc_params["imshow.downsample"]'
        )
    torch = sys.modules.get("torch")
    if method is None or torch is None or "data" in kwargs:
        return call_next(args, kwargs)
    from_kw = not args
    x: Any = kwargs.get("X") if from_kw else args[0]
    if not _image(torch, x):
        return call_next(args, kwargs)
    h, w = int(x.shape[0]), int(x.shape[1])
    th = math.ceil(ax.bbox.height * OVERSAMPLE)
    tw = math.ceil(ax.bbox.width * OVERSAMPLE)
    if h <= th and w <= tw:
        return call_next(args, kwargs)
    data = x.detach()
    work = data if data.dtype == torch.float64 else data.to(torch.float32)
    lo, hi = torch.aminmax(work)
    if not (math.isfinite(float(lo)) and math.isfinite(float(hi))):
        return call_next(args, kwargs)
    planes = work[None, None] if data.ndim == 2 else work.permute(2, 0, 1)[None]
    small = torch.nn.functional.adaptive_avg_pool2d(planes, (min(h, th), min(w, tw)))[0]
    small = small[0] if data.ndim == 2 else small.permute(1, 2, 0)
    if data.ndim == 3 and data.dtype == torch.uint8:
        small = small.round_().to(torch.uint8)
    new = dict(kwargs)
    if new.get("extent") is None:
        origin = new.get("origin") or mpl.rcParams["image.origin"]
        # Matplotlib's default extent for the full image: limits stay in its pixels.
        new["extent"] = (
            (-0.5, w - 0.5, h - 0.5, -0.5) if origin == "upper" else (-0.5, w - 0.5, -0.5, h - 0.5)
        )
    if (
        data.ndim == 2
        and new.get("norm") is None
        and new.get("vmin") is None
        and new.get("vmax") is None
    ):
        # Colour limits of the full data: averaging narrows the range.
        full = to_numpy(torch.stack([data.min(), data.max()]), name="X")
        new["vmin"], new["vmax"] = full[0], full[1]
    if from_kw:
        new["X"] = small
        return call_next(args, new)
    return call_next((small, *args[1:]), new)
