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
colours.  With only one of ``vmin``/``vmax`` given, the other is the full
data's, as Matplotlib's autoscaling fills it.

RGB(A) images are clipped first, as Matplotlib clips them in ``set_data``
before any resampling (with its "Clipping input data" warning, naming the full
data's range): floats to [0, 1], integers to [0, 255].  Integer images (any
integer dtype, which Matplotlib casts to uint8) are then averaged and rounded
to uint8.  RGBA is averaged in premultiplied alpha, as Matplotlib resamples it.

Exact path instead (every pixel transferred): no opt-in, an image not larger
than twice the Axes, a non-finite value (NaN, inf: Matplotlib shows them as
"bad" pixels, averaging would spread them), ``data=``, inputs that are not
one real 2-D or (H, W, 3|4) tensor, uint64 (no device min/max), and tensors
whose values cannot be read here (meta, FakeTensor and other subclasses, inside
a ``torch.func`` transform): the conversion rule raises its error for them.

``downsample=`` (any value) with an ``X`` holding no torch tensor (a NumPy
array, a list of numbers, a JAX or CuPy array, looked up in ``data=`` as
Matplotlib looks it up) raises the ``TypeError`` of ``imshow``'s layout
keywords, as Matplotlib raises for a keyword it does not know; the setting
alone never raises.
"""

from __future__ import annotations

import logging
import math
import sys
from typing import Any

import matplotlib as mpl
import numpy as np

from torchplot._convert import readable_here, to_numpy
from torchplot._layers._tensor_keywords import holds_tensor, tensor_keywords_error
from torchplot._layers.images import KEYWORDS
from torchplot._native import layer, resolve_data_arg
from torchplot._rc import downsample_method, rc_params

__all__: list[str] = []

#: Image pixels kept per Axes pixel (each direction).
OVERSAMPLE = 2

#: Matplotlib's logger for its RGB clipping warning (``matplotlib.image``).
_log = logging.getLogger("matplotlib.image")


def _image(torch: Any, x: Any) -> bool:
    if x.numel() == 0 or x.is_complex() or x.dtype in (torch.bool, getattr(torch, "uint64", None)):
        return False
    if x.layout != torch.strided or x.is_quantized or x.is_nested:
        return False
    return x.ndim == 2 or (x.ndim == 3 and x.shape[2] in (3, 4))


def _full_range(torch: Any, data: Any) -> np.ndarray:
    """``[a.min(), a.max()]`` of ``a = to_numpy(data)``, reduced on the device."""
    wide = data
    if data.dtype in (getattr(torch, "uint16", None), getattr(torch, "uint32", None)):
        # torch has no min/max kernels for them; int64 holds their values exactly.
        wide = data.to(torch.int64)
    elif data.is_floating_point() and data.element_size() == 1:
        # Nor for float8; float32 holds each of its values (and NaN, inf) exactly.
        wide = data.to(torch.float32)
    lo, hi = torch.aminmax(wide)
    return to_numpy(torch.stack([lo, hi]).to(data.dtype), name="X")


def _clip_rgb(work: Any, integer: bool, full: np.ndarray) -> Any:
    """Matplotlib's ``set_data`` for RGB(A): clipped to the valid range, before resampling.

    Averaging first would let out-of-range values cancel in-range ones.  The
    warning is Matplotlib's, from its logger, naming the full data's range
    (the averaged image Matplotlib then gets is in range: it does not warn).
    """
    high = 255 if integer else 1
    if full[0] < 0 or high < full[1]:
        _log.warning(
            "Clipping input data to the valid range for imshow with "
            "RGB data ([0..1] for floats or [0..255] for integers). "
            "Got range [%s..%s].",
            full[0],
            full[1],
        )
        return work.clamp(0, high)
    return work


def _premultiplied(planes: Any, opaque: float) -> Any:
    """``(1, 4, H, W)`` RGBA planes with the colours weighted by alpha.

    Matplotlib resamples RGBA in premultiplied-alpha space: a transparent
    pixel's colour must not leak into its neighbours' average.
    """
    torch = sys.modules["torch"]
    alpha = planes[:, 3:]
    return torch.cat([planes[:, :3] * (alpha / opaque), alpha], dim=1)


def _unpremultiplied(planes: Any, opaque: float) -> Any:
    """The averaged ``(4, h, w)`` planes back to straight colours (fully transparent: 0)."""
    torch = sys.modules["torch"]
    alpha = planes[3:]
    rgb = (planes[:3] / (alpha / opaque)).nan_to_num_(0.0, 0.0, 0.0)
    return torch.cat([rgb, alpha], dim=0)


# Before the layout layer (order 10), which may hand a grid of the user's
# batch on as a NumPy array: that one must take the exact path, not this error.
@layer("imshow", order=5, keywords=("downsample",), setting="imshow.downsample")
def _imshow_downsample_needs_a_tensor(
    ax: Any, call_next: Any, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``downsample=`` in a call without a torch tensor: the error ``nrow=`` gets there.

    ``X`` named through ``data=`` is looked up as Matplotlib looks it up.  A
    list holding tensors takes the exact path, as any input that is not one
    image does.  The setting alone (``rc_params``) leaves such calls alone.
    """
    if "downsample" not in kwargs:
        return call_next(args, kwargs)
    downsample_method(kwargs["downsample"])  # an invalid value: that error first
    x: Any = args[0] if args else kwargs.get("X")
    if isinstance(x, str) and kwargs.get("data") is not None:
        # Unlike the other layers' look-ups, the value read is cached in a copy:
        # it reaches the layers after this one, while the dict this layer was
        # given (the one an explainer sees) is left as it came.
        kwargs = dict(kwargs)
    x, key = resolve_data_arg(kwargs, x)
    if holds_tensor(x):
        return call_next(args, kwargs)
    ours = ["downsample", *(k for k in KEYWORDS if k in kwargs)]
    raise tensor_keywords_error("Axes.imshow()", ours, x, "X", key)


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
    # A tensor whose values cannot be read here (meta, a subclass, inside a
    # torch.func transform) takes the exact path: the conversion rule's error
    # names the argument and its own shape, not the averaged one's.
    if not readable_here(x) or not _image(torch, x):
        return call_next(args, kwargs)
    h, w = int(x.shape[0]), int(x.shape[1])
    th = math.ceil(ax.bbox.height * OVERSAMPLE)
    tw = math.ceil(ax.bbox.width * OVERSAMPLE)
    if h <= th and w <= tw:
        return call_next(args, kwargs)
    data = x.detach()
    full = _full_range(torch, data)
    if not np.isfinite(full).all():
        return call_next(args, kwargs)
    integer = not data.is_floating_point()
    work = data if data.dtype == torch.float64 else data.to(torch.float32)
    if data.ndim == 3:
        work = _clip_rgb(work, integer, full)
    planes = work[None, None] if data.ndim == 2 else work.permute(2, 0, 1)[None]
    rgba = data.ndim == 3 and data.shape[2] == 4
    if rgba:
        planes = _premultiplied(planes, 255 if integer else 1)
    small = torch.nn.functional.adaptive_avg_pool2d(planes, (min(h, th), min(w, tw)))[0]
    if rgba:
        small = _unpremultiplied(small, 255 if integer else 1)
    small = small[0] if data.ndim == 2 else small.permute(1, 2, 0)
    if data.ndim == 3 and integer:
        # Matplotlib casts integer RGB(A) to uint8; float would be read as 0..1.
        small = small.round_().to(torch.uint8)
    new = dict(kwargs)
    if new.get("extent") is None:
        origin = new.get("origin") or mpl.rcParams["image.origin"]
        # Matplotlib's default extent for the full image: limits stay in its pixels.
        new["extent"] = (
            (-0.5, w - 0.5, h - 0.5, -0.5) if origin == "upper" else (-0.5, w - 0.5, -0.5, h - 0.5)
        )
    if data.ndim == 2 and new.get("norm") is None:
        # Colour limits of the full data, where Matplotlib's autoscaling would
        # fill them (each one not given): averaging narrows the range.
        if new.get("vmin") is None:
            new["vmin"] = full[0]
        if new.get("vmax") is None:
            new["vmax"] = full[1]
    if from_kw:
        new["X"] = small
        return call_next(args, new)
    return call_next((small, *args[1:]), new)
