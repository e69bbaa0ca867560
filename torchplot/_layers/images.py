"""``imshow`` of tensors in their own layouts: CHW images, batches as one grid, normalization.

``Figure.figimage``, ``pyplot.imsave`` and ``set_data`` of an image follow the
same shape rule (see their layers below).

The shape rule (:func:`torchplot._grid.image_layout`) gives a tensor-natural
meaning only to shapes Matplotlib rejects (``(C, H, W)``, ``(B, C, H, W)``,
``(B, H, W)``, ``(B, H, W, C)``, more leading dims); a 2-D or ``(H, W, 1|3|4)``
tensor is drawn exactly as its NumPy equivalent.

The keywords this layer adds (popped before Matplotlib sees the call):

``nrow=8, padding=2, pad_value=0``
    grid layout, as ``torchvision.utils.make_grid``;
``normalize=None | "minmax" | "per_image"``
    min-max scaling to [0, 1] over the whole batch, or per image (per-image
    scaling: each tile uses its own range);
``denorm=(mean, std)``
    undoes ``transforms.Normalize(mean, std)`` per channel;
``titles=[...]``
    one label per image, drawn above its tile.

They apply to torch tensors only: with any other ``X`` they raise a
``TypeError`` (:func:`torchplot._layers._tensor_keywords.tensor_keywords_error`)
saying to pass a tensor made of it: ``torch.from_numpy(X)`` for a NumPy array,
``torch.from_dlpack(X)`` for a JAX or CuPy array, ``torch.as_tensor(X)`` for
anything else (a list), so a call without tensors behaves exactly as in
Matplotlib.  ``X`` named through ``data=``
(``imshow("img", data=d)``) is looked up as Matplotlib looks it up, so it
means what ``imshow(d["img"])`` means.

A single image (2-D, ``(H, W, 1|3|4)`` or CHW) costs one copy of its pixels,
as its NumPy array costs in Matplotlib: the rule's, made in the tensor's own
memory order and handed over (:func:`_one_copy`), so that ``set_data`` makes
no second one.

A batch is laid out where it lives: a CPU batch of a NumPy dtype directly
into a fresh host array (:func:`torchplot._grid.host_grid`), the one copy of
its pixels, handed to Matplotlib as it is; any other batch on its own device
(:func:`torchplot._grid.build_grid`), then converted once, by the one rule
(:func:`torchplot._convert.to_numpy`): the only array that crosses to the host
is the grid.  A tensor that torch ops here cannot read as the rule reads it (a
subclass with its own dispatch, a ``MaskedTensor``, one inside a ``torch.func``
transform) and a dtype the rule cannot convert meet the rule first, as given:
its error describes the user's tensor, not a view or grid made of it, and a
masked tensor is laid out as its data and mask, drawn as a masked array.
"""

from __future__ import annotations

import math
import sys
from collections.abc import Callable, Sequence
from typing import Any, NamedTuple

import numpy as np
from matplotlib import rcParams
from matplotlib.axes import Axes
from matplotlib.colors import Normalize
from matplotlib.font_manager import FontProperties
from matplotlib.image import AxesImage

from torchplot._convert import (
    dense_detached,
    describe,
    is_fake,
    metadata_refused,
    readable_here,
    refuse_unreadable,
    to_numpy,
)
from torchplot._frameworks import Kind, kind_of
from torchplot._grid import (
    CHANNELS,
    GridGeometry,
    ImageLayout,
    build_grid,
    grid_geometry,
    host_grid,
    image_layout,
    image_tiles,
)
from torchplot._layers._tensor_keywords import argument_names, tensor_keywords_error
from torchplot._native import layer, resolve_data_arg

__all__ = ["KEYWORDS", "TITLE_FONTSIZE"]

#: The keywords torchplot adds to ``imshow``, with their defaults.
KEYWORDS: dict[str, Any] = {
    "nrow": 8,
    "padding": 2,
    "pad_value": 0,
    "normalize": None,
    "denorm": None,
    "titles": None,
}

#: Font size of tile titles (a Matplotlib size name or points).
TITLE_FONTSIZE: str | float = "small"

#: After ``denorm``, values this close outside [0, 1] are float rounding of
#: the original [0, 1] image (less than one 8-bit display level) and are
#: snapped to the range; anything further is left to Matplotlib, which clips
#: with its warning: it means ``mean``/``std`` do not match the data.
_DENORM_SLACK = 1 / 255

Next = Callable[[tuple[Any, ...], dict[str, Any]], Any]


class _ImageArgument(NamedTuple):
    """Where a function takes its image, and what its errors call it."""

    #: The function as errors name it.
    call: str
    #: The image parameter: its name and its position in ``args``.
    name: str
    position: int
    #: Which of :data:`KEYWORDS` it takes (titles need an Axes to be drawn in).
    keywords: frozenset[str]
    #: Whether Matplotlib may be handed an array of torchplot's own without a copy
    #: (:class:`_HandOver`): only where Matplotlib copies it anyway and reads
    #: nothing else of it.
    hand_over: bool
    #: The key the image was looked up by in ``data=`` (``imshow("img", data=d)``),
    #: else None: errors then name it as every ``data=`` lookup is named.
    key: str | None = None

    @property
    def label(self) -> str:
        """The image as errors name it: ``'X'``, or ``'data'['img']``."""
        return argument_names(self.name, self.key)[0]

    @property
    def expr(self) -> str:
        """The image in the code of a fix: ``X``, or ``data['img']``."""
        return argument_names(self.name, self.key)[1]

    @property
    def where(self) -> str:
        """The prefix of the conversion rule's errors for the image."""
        return f"{self.call} argument {self.label}"


_IMSHOW = _ImageArgument("Axes.imshow()", "X", 0, frozenset(KEYWORDS), True)
_FIGIMAGE = _ImageArgument("Figure.figimage()", "X", 0, frozenset(KEYWORDS) - {"titles"}, False)
_IMSAVE = _ImageArgument("imsave()", "arr", 1, frozenset(KEYWORDS) - {"titles"}, False)
_SET_DATA = _ImageArgument("set_data()", "A", 0, frozenset(), True)
_SET_ARRAY = _ImageArgument("set_array()", "A", 0, frozenset(), True)


# Keywords named: a call with neither a tensor nor one of them skips the chain
# (``pyplot.imshow`` passes Matplotlib's keywords on), whose last step, the
# rule, would scan a nested list again after the twin's own look at it.
@layer("imshow", order=10, keywords=_IMSHOW.keywords)
def _imshow_tensor_layouts(
    ax: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    return _tensor_layouts(_IMSHOW, ax, call_next, args, kwargs)


@layer("imshow", order=90, keywords=())
def _imshow_one_copy(
    ax: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """The step before the rule: one image tensor, copied once for Matplotlib to keep.

    Last, after every layer that reads the tensor itself (the layouts above,
    ``downsample=``).  See :func:`_one_copy`.
    """
    arg = _IMSHOW
    x, key = resolve_data_arg(kwargs, args[0] if args else kwargs.get(arg.name))
    if key is not None:
        arg = arg._replace(key=key)
    handed = _one_copy(arg, x, _copies_its_image(ax, "imshow"))
    if handed is x:
        return call_next(args, kwargs)
    return _call_with_x(arg, call_next, args, kwargs, handed)


@layer("Figure.figimage", order=10, keywords=_FIGIMAGE.keywords)
def _figimage_tensor_layouts(
    fig: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``fig.figimage(chw)``, ``plt.figimage(batch)``: what ``imshow`` makes of them.

    A CHW image is drawn as its HWC view, a batch as the grid ``imshow``
    draws (without titles: a figure image has no Axes to hold them).
    """
    return _tensor_layouts(_FIGIMAGE, None, call_next, args, kwargs)


@layer("pyplot.imsave", order=10, keywords=_IMSAVE.keywords)
def _imsave_tensor_layouts(
    _: None, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``plt.imsave(path, chw)``, ``plt.imsave(path, batch)``: the image ``imshow`` would draw.

    A batch is saved as one grid laid out as ``torchvision.utils.make_grid``
    lays it out; its pixels are encoded as Matplotlib's ``imsave`` encodes
    that grid (RGBA, a one-channel grid through the colormap), not as
    ``torchvision.utils.save_image`` writes them.
    """
    return _tensor_layouts(_IMSAVE, None, call_next, args, kwargs)


def _tensor_layouts(
    arg: _ImageArgument,
    ax: Any,
    call_next: Next,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    """The shape rule for the image argument ``arg`` of one call; ``ax``: where titles go."""
    given = args[arg.position] if len(args) > arg.position else kwargs.get(arg.name)
    x, key = resolve_data_arg(kwargs, given)
    if key is not None:
        arg = arg._replace(key=key)
    is_tensor = kind_of(type(x)) is Kind.TORCH
    ours = arg.keywords & kwargs.keys()
    if is_tensor and "titles" in kwargs and "titles" not in arg.keywords:
        raise TypeError(
            f"{arg.call} keyword 'titles' needs an Axes to draw the titles in. Fix: "
            f"`plt.imshow({arg.expr}, titles=...)`, or drop 'titles'."
        )
    if not is_tensor:
        if ours:
            raise tensor_keywords_error(arg.call, sorted(ours), x, arg.name, arg.key)
        return call_next(args, kwargs)
    if metadata_refused(x):
        if ours:  # the rule's error for it, naming the image as the call does
            refuse_unreadable(arg.where, x)
        return call_next(args, kwargs)
    if x.is_nested:
        if ours:
            raise TypeError(
                f"{arg.call} cannot lay out a nested tensor ({describe(x)}). "
                f"Fix: pad it to one shape first, e.g. `{arg.expr}.to_padded_tensor(0)`."
            )
        return call_next(args, kwargs)
    if x.is_meta or is_fake(x):
        # No data to lay out: the conversion rule's error, naming the image's own shape.
        to_numpy(x, name=arg.where)
    layout = image_layout(tuple(x.shape), arg.call, arg.expr, arg.label)
    if not ours and (layout is None or layout.matplotlib_accepts):
        return call_next(args, kwargs)  # Matplotlib's meaning, untouched
    kwargs = dict(kwargs)
    opts = {k: kwargs.pop(k, default) for k, default in KEYWORDS.items() if k in arg.keywords}
    if layout is None:  # fewer than 2 dims: Matplotlib's own error, without our keywords
        return call_next(args, kwargs)
    # The rule's error before any layout step, which would fail in torch (no
    # arithmetic, no ``iinfo``) or describe a view rather than ``x`` as given.
    refuse_unreadable(arg.where, x)
    _check_options(arg, opts, layout, x)
    plain = all(opts.get(k) is None for k in ("normalize", "denorm", "titles"))
    if plain and layout.batch == 1:
        # One image: a view in Matplotlib's layout, converted by the next steps
        # (a batch of one is the image itself, as in ``make_grid``).
        x, held = _readable(arg, x)
        return _call_with_x(arg, call_next, args, kwargs, _single_image(x, held, layout))
    return _grid_call(arg, ax, call_next, args, kwargs, x, layout, opts)


@layer("_ImageBase.set_data", order=10, keywords=())
@layer("FigureImage.set_data", order=10, keywords=())
def _set_data_channels_first(
    image: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``im.set_data(chw)``: a ``(C, H, W)`` frame means what ``imshow(chw)`` drew.

    The update of an image drawn from a CHW tensor (an animation, a training
    loop) takes the next frame in the same layout.  Anything else, batches
    included (a grid's geometry is fixed by ``imshow``), is Matplotlib's call.
    A frame is copied once (:func:`_one_copy`), as by ``imshow``.
    """
    return _next_frame(_SET_DATA, image, call_next, args, kwargs)


@layer("_ImageBase.set_array", order=10, keywords=())
def _set_array_channels_first(
    image: Any, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any]
) -> Any:
    """``im.set_array(chw)``: Matplotlib's alias of ``set_data``, so the same frames.

    Matplotlib's ``set_array`` hands its argument to ``set_data``, but after
    the conversion rule has made a NumPy array of it, whose CHW shape
    ``set_data`` then rejects: the layout is decided here, on the tensor.
    """
    return _next_frame(_SET_ARRAY, image, call_next, args, kwargs)


def _next_frame(
    arg: _ImageArgument,
    owner: Any,
    call_next: Next,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
) -> Any:
    a: Any = args[0] if args else kwargs.get(arg.name)
    if (
        kind_of(type(a)) is not Kind.TORCH
        or metadata_refused(a)
        or a.is_nested
        or a.is_meta
        or is_fake(a)
    ):
        return call_next(args, kwargs)
    image = a
    layout = image_layout(tuple(a.shape), arg.call, arg.name) if a.ndim == 3 else None
    if layout is not None and not layout.matplotlib_accepts and layout.batch == 1:
        refuse_unreadable(arg.where, a)
        image, held = _readable(arg, a)
        image = _single_image(image, held, layout)
    handed = _one_copy(arg, image, _copies_its_image(owner, arg.call.removesuffix("()")))
    if handed is a:
        return call_next(args, kwargs)
    return _call_with_x(arg, call_next, args, kwargs, handed)


# --------------------------------------------------------------------------- the tensor as given


def _readable(arg: _ImageArgument, x: Any) -> tuple[Any, Any]:
    """``x`` as a tensor the layout steps can read, and its mask of held values (or ``None``).

    A tensor whose values torch ops here cannot read as the conversion rule
    reads them (see :func:`torchplot._convert.readable_here`: a subclass with
    its own dispatch, a ``MaskedTensor``, a tensor inside a ``torch.func``
    transform) goes through the rule first, as given: the rule raises its
    ``TypeError`` describing ``x`` itself (not a view or grid made of it), or
    returns fresh host data, laid out from there.  A masked array comes back
    as its data and the mask of the values it holds, laid out alike.
    """
    if readable_here(x):
        return x, None
    torch = sys.modules["torch"]
    arr = to_numpy(x, name=arg.where)
    if isinstance(arr, np.ma.MaskedArray):
        held = torch.from_numpy(~np.ma.getmaskarray(arr))
        return torch.from_numpy(np.ma.getdata(arr)), held
    return torch.from_numpy(arr), None


def _one_copy(arg: _ImageArgument, x: Any, hand_over: bool) -> Any:
    """What Matplotlib is handed for one image tensor ``x``: a single copy of its values.

    The rule's copy (no array Matplotlib keeps may share the tensor's memory,
    promise 3), then ``set_data``'s own (``np.array(A, copy=True)``), cost
    two copies of every pixel.  Here the rule's fresh array is handed over
    (:class:`_HandOver`), and the rule converts ``x`` in its memory order,
    the axes put back on the result by a NumPy view, as ``order="K"`` copies:
    its C-ordered copy of a transposed or channels-first view is then one
    ``memcpy``, not a gather element by element.  Anything else comes back
    as it is, for the rule: not a tensor (a masked array made of a CHW
    tensor's view, whose mask the hand-over would drop), a tensor not of an
    image shape Matplotlib accepts, one whose values torch cannot read here,
    and one the rule refuses, whose error it then raises naming the argument
    as the call does.  Without ``hand_over`` (the method called is not
    Matplotlib's own: :func:`_copies_its_image`) the array itself is passed.
    """
    if (
        not arg.hand_over
        or kind_of(type(x)) is not Kind.TORCH
        or metadata_refused(x)
        or x.is_nested
        or not readable_here(x)
        or not (x.ndim == 2 or (x.ndim == 3 and x.shape[-1] in CHANNELS))
    ):
        return x
    torch = sys.modules["torch"]
    order = list(range(x.ndim))
    if x.layout == torch.strided:
        order.sort(key=lambda dim: -x.stride(dim))  # stable: ties keep their order
    in_memory_order = x if order == list(range(x.ndim)) else x.detach().permute(order)
    try:
        arr = to_numpy(in_memory_order, name=arg.where)
    except TypeError:
        return x
    if in_memory_order is not x:
        arr = arr.transpose(np.argsort(order))
    return _HandOver(arr) if hand_over else arr


def _single_image(x: Any, held: Any, layout: ImageLayout) -> Any:
    """The one image of ``x`` in Matplotlib's layout: a view, or a masked array for ``held``."""
    view = _single_view(dense_detached(x), layout)
    if held is None:
        return view
    return np.ma.masked_array(view.numpy(), mask=~_single_view(held, layout).numpy())


# --------------------------------------------------------------------------- options


def _check_options(arg: _ImageArgument, opts: dict[str, Any], layout: ImageLayout, x: Any) -> None:
    where = arg.call
    for name in ("nrow", "padding"):
        given = opts[name]
        value = opts[name] = _number(given, f"{where} keyword {name!r}")
        low = 1 if name == "nrow" else 0
        if isinstance(value, bool) or not isinstance(value, (int, np.integer)) or value < low:
            raise ValueError(
                f"{where} keyword {name!r} must be an integer >= {low}, got {given!r}."
            )
    given = opts["pad_value"]
    pad_value = opts["pad_value"] = _number(given, f"{where} keyword 'pad_value'")
    if isinstance(pad_value, bool) or not isinstance(
        pad_value, (int, float, np.integer, np.floating)
    ):
        raise TypeError(f"{where} keyword 'pad_value' must be a real number, got {given!r}.")
    normalize = opts["normalize"]
    if normalize is True:
        opts["normalize"] = "minmax"
    elif normalize is False:
        opts["normalize"] = None
    elif normalize not in (None, "minmax", "per_image"):
        raise ValueError(
            f"{where} keyword 'normalize' must be None, 'minmax' (one range for the "
            f"whole batch) or 'per_image' (each image its own range), got {normalize!r}."
        )
    denorm = opts["denorm"]
    if x.is_complex() and (opts["normalize"] is not None or denorm is not None):
        # Matplotlib draws no complex image ("Image data of dtype complex64
        # cannot be converted to float"); scaling must not hide that by
        # dropping the imaginary part.
        scaling = "normalize" if opts["normalize"] is not None else "denorm"
        raise TypeError(
            f"{where} keyword {scaling!r}: {arg.label} has {describe(x)}, and complex "
            f"image data cannot be converted to float (Matplotlib draws no complex image). "
            f"Fix: pass real values, e.g. `{arg.expr}.abs()`, `{arg.expr}.real` or "
            f"`{arg.expr}.angle()`."
        )
    if denorm is not None:
        if not (isinstance(denorm, Sequence) and len(denorm) == 2):
            raise TypeError(
                f"{where} keyword 'denorm' must be a pair (mean, std), as given to "
                f"`transforms.Normalize`, got {denorm!r}."
            )
        if not (x.is_floating_point() or x.is_quantized):
            raise TypeError(
                f"{where} keyword 'denorm' undoes a normalization, which gives floats; "
                f"{arg.label} has {describe(x)}. Fix: drop 'denorm' for raw integer images."
            )
    torch = sys.modules["torch"]
    if not (x.is_floating_point() or x.is_complex() or x.is_quantized or x.dtype == torch.bool):
        # Integer grids are padded in their own dtype.
        info = torch.iinfo(x.dtype)
        if (
            opts["normalize"] is None
            and opts["denorm"] is None
            and not (float(pad_value).is_integer() and info.min <= pad_value <= info.max)
        ):
            raise ValueError(
                f"{where} keyword 'pad_value' must be an integer in [{info.min}, {info.max}] "
                f"for {arg.label} of {describe(x)} (padding is in the image's own units), "
                f"got {pad_value!r}."
            )
    elif x.is_floating_point() and opts["normalize"] is None and opts["denorm"] is None:
        # Float grids are padded in their own dtype too: float16, bfloat16 and
        # the float8 types hold a narrow range.
        finfo = torch.finfo(x.dtype)
        if math.isfinite(pad_value) and not finfo.min <= pad_value <= finfo.max:
            raise ValueError(
                f"{where} keyword 'pad_value' must be in [{finfo.min}, {finfo.max}] "
                f"for {arg.label} of {describe(x)} (padding is in the image's own units), "
                f"got {pad_value!r}."
            )
    titles = opts.get("titles")
    if titles is not None:
        titles = to_numpy(titles, name=f"{where} keyword 'titles'")
        if isinstance(titles, np.ndarray) and titles.ndim:
            # Its items as NumPy scalars, whose str is the shortest repr in
            # their own dtype ('0.1' for a float32 0.1, as ``bar_label`` and a
            # list of 0-d tensors give); ``tolist`` would widen to Python
            # floats, '0.10000000149011612'.
            titles = list(titles)
        if isinstance(titles, str) or not isinstance(titles, Sequence):
            raise TypeError(
                f"{where} keyword 'titles' must be a sequence of labels, one per image."
            )
        if len(titles) != layout.batch:
            raise ValueError(
                f"{where} got {len(titles)} titles for {layout.batch} images "
                f"({arg.label} of shape {layout.shape}). Fix: pass one title per image."
            )
        opts["titles"] = [str(t) for t in titles]


def _number(value: Any, name: str) -> Any:
    """A keyword's value with an array converted by the rule (a 0-d one: a Python or NumPy scalar).

    ``nrow=torch.tensor(3)``, ``nrow=jnp.int32(3)`` or ``pad_value=batch.max()``
    then pass the checks the same number passes; an array of another shape
    fails them as an array.
    """
    return to_numpy(value, name=name) if kind_of(type(value)) > Kind.CONTAINER else value


# --------------------------------------------------------------------------- device-side steps


def _single_view(x: Any, layout: ImageLayout) -> Any:
    """The one image of ``x`` as Matplotlib's (H, W) or (H, W, C): a view where possible."""
    img = x.reshape(layout.image_shape)
    if layout.channel_axis == "first":
        return img[0] if layout.channels == 1 else img.permute(1, 2, 0)
    return img


def _channels_last(x: Any, layout: ImageLayout) -> Any:
    """``x`` as a ``(B, H, W, C)`` view."""
    imgs = x.reshape(layout.batch, *layout.image_shape)
    if layout.channel_axis == "first":
        return imgs.permute(0, 2, 3, 1)
    if layout.channel_axis is None:
        return imgs.unsqueeze(-1)
    return imgs


def _as_float(x: Any) -> Any:
    """``x`` in a floating dtype torch computes in: ``float32`` for integers and ``float8_*``.

    The float8 dtypes have no reductions and no type promotion in torch; every
    float8 value is exact in ``float32``.
    """
    torch = sys.modules["torch"]
    if x.is_floating_point() and x.element_size() > 1:
        return x
    return x.to(torch.float32)


def _channel_values(value: Any, what: str, imgs: Any, where: str) -> Any:
    torch = sys.modules["torch"]
    channels = imgs.shape[-1]
    if kind_of(type(value)) is Kind.TORCH and readable_here(value):
        v = value.detach().to(device=imgs.device, dtype=imgs.dtype).reshape(-1)
    else:
        # Anything else through the rule: a tensor it cannot read (meta, in a
        # transform) gets its error naming this keyword; lists of tensors convert.
        host = to_numpy(value, name=f"{where} keyword 'denorm' {what}")
        v = torch.as_tensor(
            np.asarray(host, dtype=np.float64).reshape(-1), dtype=imgs.dtype, device=imgs.device
        )
    if v.numel() not in (1, channels):
        raise ValueError(
            f"{where} keyword 'denorm' {what} has {v.numel()} values for images with "
            f"{channels} channel(s). Fix: pass one value per channel (or one for all)."
        )
    return v


def _denorm(imgs: Any, denorm: tuple[Any, Any], where: str) -> Any:
    torch = sys.modules["torch"]
    imgs = _as_float(imgs)
    imgs = imgs.to(torch.promote_types(imgs.dtype, torch.float32))
    mean = _channel_values(denorm[0], "mean", imgs, where)
    std = _channel_values(denorm[1], "std", imgs, where)
    imgs = imgs * std + mean
    if imgs.shape[-1] in (3, 4):
        snapped = imgs.clamp(0, 1)
        imgs = torch.where((imgs - snapped).abs() < _DENORM_SLACK, snapped, imgs)
    return imgs


def _minmax(imgs: Any, per_image: bool, held: Any = None) -> Any:
    """Scale to [0, 1] over finite values, batch-wide or per image (constant images give 0).

    ``held``: the values a masked tensor holds; the others, never drawn, set no limit.
    """
    torch = sys.modules["torch"]
    imgs = _as_float(imgs)
    # In float32 at least, as ``_denorm``: a float16 batch's range can exceed
    # float16 (``hi - lo`` overflows to inf: an image of zeros and NaN), and
    # bfloat16's 8 bits of precision moved pixels by up to two display levels.
    imgs = imgs.to(torch.promote_types(imgs.dtype, torch.float32))
    dims = (1, 2, 3) if per_image else (0, 1, 2, 3)
    if held is not None:
        lo, hi = _finite_limits(torch.where(held, imgs, math.nan), dims)
    elif imgs.device.type == "cpu":
        # The plain limits first: ``amin``/``amax`` propagate NaN and reach
        # +-inf, so finite limits mean every value is finite and are the
        # limits over finite values.  Saves three full passes (``isfinite``
        # and two ``where``; ~3 ms for 64 images of 3x64x64).  Only on the
        # CPU, where reading the answer costs no device sync.
        lo = imgs.amin(dim=dims, keepdim=True)
        hi = imgs.amax(dim=dims, keepdim=True)
        if not (torch.isfinite(lo).all() and torch.isfinite(hi).all()):
            lo, hi = _finite_limits(imgs, dims)
    else:
        lo, hi = _finite_limits(imgs, dims)
    return (imgs - lo).div_((hi - lo).clamp_min(1e-5))


def _finite_limits(imgs: Any, dims: tuple[int, ...]) -> tuple[Any, Any]:
    """Min and max over the finite values (``inf``/``-inf`` where there are none)."""
    torch = sys.modules["torch"]
    finite = torch.isfinite(imgs)
    lo = torch.where(finite, imgs, math.inf).amin(dim=dims, keepdim=True)
    hi = torch.where(finite, imgs, -math.inf).amax(dim=dims, keepdim=True)
    return lo, hi


# --------------------------------------------------------------------------- the grid call


def _call_with_x(
    arg: _ImageArgument, call_next: Next, args: tuple[Any, ...], kwargs: dict[str, Any], x: Any
) -> Any:
    """``call_next`` with the image argument ``arg`` (positional or keyword) replaced by ``x``."""
    if len(args) > arg.position:
        return call_next((*args[: arg.position], x, *args[arg.position + 1 :]), kwargs)
    return call_next(args, {**kwargs, arg.name: x})


def _grid_call(
    arg: _ImageArgument,
    ax: Any,
    call_next: Next,
    args: tuple[Any, ...],
    kwargs: dict[str, Any],
    x: Any,
    layout: ImageLayout,
    opts: dict[str, Any],
) -> Any:
    # The geometry (and its pixel budget) first: nothing is allocated for a
    # batch that will be refused.  A batch of one is the image itself (no
    # border), as in ``make_grid``, and like any single image it is drawn at
    # whatever size it has: the budget is for grids.
    size: dict[str, Any] = {
        "nrow": opts["nrow"],
        "padding": opts["padding"],
        "batch_name": arg.expr if layout.lead <= 1 else f"{arg.expr}.flatten(0, {layout.lead - 1})",
        "call": arg.call,
    }
    if layout.batch == 1:
        size.update(padding=0, max_pixels=None)
    origin = kwargs.get("origin") or rcParams["image.origin"]
    geom = grid_geometry(layout.batch, layout.height, layout.width, **size)
    titles = opts.get("titles")
    if titles is not None:
        gap = _title_gap(ax, geom, kwargs.get("aspect") or rcParams["image.aspect"])
        geom = grid_geometry(
            layout.batch,
            layout.height,
            layout.width,
            gap=gap,
            gap_after=origin == "lower",
            **size,
        )
    x, held = _readable(arg, x)
    imgs = _channels_last(dense_detached(x), layout)
    held_imgs = None if held is None else _channels_last(held, layout)
    if opts["denorm"] is not None:
        imgs = _denorm(imgs, opts["denorm"], arg.call)
    if opts["normalize"] is not None:
        imgs = _minmax(imgs, per_image=opts["normalize"] == "per_image", held=held_imgs)
    arr: Any = _grid_array(arg, imgs, geom, opts["pad_value"], layout.channels)
    if held_imgs is not None:
        # The padding is drawn: held, as every pixel of a plain grid.
        kept = _grid_array(arg, held_imgs, geom, True, layout.channels)
        arr = np.ma.masked_array(arr, mask=~kept)
    if layout.channels == 1:
        _fill_color_range(kwargs, arr, geom, opts["normalize"] is not None)
    # A masked grid is passed as it is: the hand-over's ``__array__`` would drop the mask.
    hand_over = arg.hand_over and held_imgs is None and _copies_its_image(ax, "imshow")
    image = _call_with_x(arg, call_next, args, kwargs, _HandOver(arr) if hand_over else arr)
    if titles is not None:
        _draw_titles(ax, image, arr, geom, titles, origin)
    return image


def _grid_array(
    arg: _ImageArgument, imgs: Any, geom: GridGeometry, pad_value: Any, channels: int
) -> np.ndarray:
    """The grid of ``imgs`` ``(B, H, W, C)`` on the host; ``(height, width)`` for one channel."""
    arr = host_grid(imgs, geom, pad_value)
    if arr is None:
        grid = build_grid(imgs, geom, pad_value)
        if channels == 1:
            grid = grid[..., 0]
        # The one device-to-host transfer: the grid, by the one conversion rule.
        arr = to_numpy(grid, name=arg.where)
    elif channels == 1:
        arr = arr[..., 0]
    return arr


#: Matplotlib's own methods that copy the image they are given (``set_data``'s
#: ``np.array(A, copy=True)``): only these may be handed a :class:`_HandOver`.
_COPYING: dict[str, Callable[..., Any]] = {
    "imshow": Axes.imshow,
    "set_data": AxesImage.set_data,
    "set_array": AxesImage.set_array,
}


def _copies_its_image(owner: Any, name: str) -> bool:
    """Whether ``owner.name`` (wrapped by its torchplot class) is Matplotlib's own copying method.

    An override (a registered projection's or ``axes_class=``'s ``imshow``, a
    subclass's ``set_data``) takes what Matplotlib's takes, an array: it may
    read or keep the image itself, which a hand-over is not.
    """
    for cls in type(owner).__mro__[1:]:  # past the torchplot class's converting wrapper
        if name in vars(cls):
            return vars(cls)[name] is _COPYING[name]
    return False


class _HandOver:
    """An image, handed to Matplotlib as the copy ``AxesImage.set_data`` makes of its input.

    ``set_data`` copies every image it is given (``np.array(A, copy=True)``),
    so that later changes to the caller's array cannot reach the figure.  The
    image (a grid, or the one copy of a tensor's values) is a fresh array of
    torchplot's own that nothing else will change, so through NumPy's
    ``__array__`` protocol (NumPy >= 2 passes ``copy``) the first request for
    a copy gets the array itself; any later one a real copy.  With NumPy 1.x,
    NumPy copies as before.  Matplotlib keeps the array, never this object.
    """

    __slots__ = ("_arr", "_handed")

    def __init__(self, arr: np.ndarray) -> None:
        self._arr = arr
        self._handed = False

    def __array__(self, dtype: Any = None, copy: bool | None = None) -> np.ndarray:
        arr = self._arr
        if dtype is not None and np.dtype(dtype) != arr.dtype:
            if copy is False:
                raise ValueError(f"the image is {arr.dtype}; {dtype} needs a copy")
            return arr.astype(dtype)  # a new array either way
        if copy:
            if self._handed:
                return arr.copy()
            self._handed = True
        return arr


def _fill_color_range(
    kwargs: dict[str, Any], arr: np.ndarray, geom: GridGeometry, normalized: bool
) -> None:
    """One ``vmin``/``vmax`` for all tiles, from the images only (not the padding).

    Matplotlib's autoscaling would include the padding; a user's ``norm``
    instance or ``colorizer`` is theirs to scale, so it is left alone.
    """
    if isinstance(kwargs.get("norm"), Normalize) or kwargs.get("colorizer") is not None:
        return
    if kwargs.get("vmin") is not None and kwargs.get("vmax") is not None:
        return
    if normalized:
        lo, hi = 0.0, 1.0
    elif geom.height * geom.width == geom.batch * geom.tile_height * geom.tile_width:
        return  # no padding pixels: Matplotlib's autoscale is already over the images only
    else:
        found = _tile_range(arr, geom)
        if found is None:
            return
        lo, hi = found
    if kwargs.get("vmin") is None:
        kwargs["vmin"] = lo
    if kwargs.get("vmax") is None:
        kwargs["vmax"] = hi


def _tile_range(arr: np.ndarray, geom: GridGeometry) -> tuple[float, float] | None:
    """Min and max of the finite tile pixels of a 2-D grid (host side, views only)."""
    lo, hi = math.inf, -math.inf
    for part in image_tiles(arr, geom):
        if isinstance(part, np.ma.MaskedArray):
            part = part.compressed()  # the held values: Matplotlib autoscales on those
        if part.size == 0:
            continue
        if part.dtype.kind == "f":
            finite = np.isfinite(part)
            lo = min(lo, float(np.min(part, where=finite, initial=math.inf)))
            hi = max(hi, float(np.max(part, where=finite, initial=-math.inf)))
        else:
            lo = min(lo, float(part.min()))
            hi = max(hi, float(part.max()))
    return (lo, hi) if lo <= hi else None


# --------------------------------------------------------------------------- titles


def _title_height_inches() -> float:
    # A line of text plus a little air, so labels of neighbouring rows never touch.
    size = FontProperties(size=TITLE_FONTSIZE).get_size_in_points()
    return (1.3 * size + 2) / 72


def _title_gap(ax: Any, geom: GridGeometry, aspect: Any) -> int:
    """Grid rows to leave above each tile so that its title fits, at the Axes' current size.

    With equal aspect the image is scaled to fit the Axes' limiting side:
    ``s = max(width / axes_width, height / axes_height)`` grid pixels per
    inch, where the height grows by ``rows * gap``; the gap must hold one
    line, ``gap >= line * s``.  Solving for both sides gives the two bounds.
    """
    box = ax.get_position()
    fig_w, fig_h = ax.get_figure(root=True).get_size_inches()
    ax_w, ax_h = box.width * fig_w, box.height * fig_h
    line = _title_height_inches()
    if ax_h <= line * geom.rows:
        # Half a line of air per row over the bare minimum, rounded up so the
        # printed size is never below it; the width is the figure's own, which
        # the fit does not depend on.
        needed = math.ceil(15 * line * geom.rows / box.height) / 10
        raise ValueError(
            f"{_IMSHOW.call} cannot fit {geom.rows} rows of titles in an Axes {ax_h:.2f} inches "
            f"tall. Fix: a taller figure (e.g. `figsize=({fig_w:g}, {needed:g})`), "
            "a larger 'nrow', or fewer images."
        )
    by_height = line * geom.height / (ax_h - line * geom.rows)
    if aspect == "auto":
        return max(1, math.ceil(by_height))
    by_width = line * geom.width / ax_w
    return max(1, math.ceil(max(by_width, by_height)))


def _draw_titles(
    ax: Any,
    image: Any,
    arr: np.ndarray,
    geom: GridGeometry,
    titles: list[str],
    origin: str,
) -> None:
    height, width = arr.shape[:2]
    left, right, bottom, top = image.get_extent()  # the user's extent, or the default one
    # Array index (pixel centres at integers) -> data coordinates, as AxesImage maps them.
    y0, y1 = (top, bottom) if origin != "lower" else (bottom, top)
    row0, col0 = geom.gap_center(0)
    # Title colour: whichever of black and white reads on the strip's colour
    # (the padding as drawn; a transparent strip shows the white-ish Axes face).
    strip = arr[round(row0) : round(row0) + 1, round(col0) : round(col0) + 1]
    r, g, b, a = np.asarray(image.to_rgba(strip), dtype=float).reshape(4)
    luminance = a * (0.299 * r + 0.587 * g + 0.114 * b) + (1 - a)
    color = "white" if luminance < 0.5 else "black"
    for i, title in enumerate(titles):
        row, col = geom.gap_center(i)
        xd = left + (col + 0.5) * (right - left) / width
        yd = y0 + (row + 0.5) * (y1 - y0) / height
        ax.text(
            xd,
            yd,
            title,
            ha="center",
            va="center",
            fontsize=TITLE_FONTSIZE,
            color=color,
            clip_on=True,
        )
