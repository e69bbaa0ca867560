"""Bad inputs to the tensor image and shape rules: clear errors, nothing silently drawn wrong."""

from __future__ import annotations

import functools
import itertools
import logging
import math
import re

import numpy as np
import pytest
import torch
from matplotlib.image import AxesImage

import torchplot
from torchplot._grid import grid_geometry
from torchplot._layers import images


@pytest.fixture
def ax():
    return torchplot.figure().subplots()


@pytest.mark.parametrize(
    "shape, named",
    [
        ((8, 2, 16, 16), "(8, 2, 16, 16)"),
        ((8, 16, 16, 2), "(8, 16, 16, 2)"),
        ((4, 32, 5, 5), "(4, 32, 5, 5)"),
    ],
)
def test_batch_with_no_valid_channel_dim(ax, shape, named):
    with pytest.raises(TypeError) as info:
        ax.imshow(torch.zeros(shape))
    message = str(info.value)
    assert named in message and "1, 3 or 4 channels" in message and "X.flatten(0, -3)" in message
    assert not ax.images  # nothing drawn


def _suggested(message: str, what: str) -> str:
    """The expression in backticks after ``what`` in an error message."""
    return message.split(what, 1)[1].split("`")[1]


@pytest.mark.parametrize("shape", [(2, 2, 5, 6), (2, 1, 2, 5, 6), (3, 2, 5, 6), (2, 3, 6, 5, 6)])
def test_the_fix_for_a_batch_without_channels_draws_every_channel_as_a_grey_tile(ax, shape):
    # (2, 2, 5, 6) and (2, 1, 2, 5, 6) flatten to (4, 5, 6): one RGBA image, had
    # the advice been `X.flatten(0, -3)` alone.
    x = torch.rand(shape, generator=torch.Generator().manual_seed(0))
    with pytest.raises(TypeError) as info:
        ax.imshow(x)
    fix = _suggested(str(info.value), "own grey tile pass")
    im = ax.imshow(eval(fix, {"X": x}))
    n = math.prod(shape[:-2])
    geom = grid_geometry(n, 5, 6)
    assert im.get_array().shape == (geom.height, geom.width)  # n one-channel tiles
    arr = im.get_array()
    tiles = [arr[r : r + 5, c : c + 6] for r, c in map(geom.tile_origin, range(n))]
    np.testing.assert_array_equal(np.stack(tiles), x.reshape(n, 5, 6).numpy())


@pytest.mark.parametrize("shape", [(0, 3, 8, 8), (0, 8, 8), (4, 3, 0, 8), (3, 8, 0)])
def test_zero_size(ax, shape):
    with pytest.raises(TypeError, match=r"zero-size dimension"):
        ax.imshow(torch.zeros(shape))
    assert not ax.images


def test_batch_over_the_pixel_budget_is_refused_before_any_allocation(ax):
    # 100,000 images of 3x64x64 as a stride-0 view: 4.9 GB if anything copied it.
    batch = torch.zeros(1, 3, 64, 64).expand(100_000, -1, -1, -1)
    with pytest.raises(ValueError) as info:
        ax.imshow(batch)
    message = str(info.value)
    assert (
        "100000 images of 64x64" in message and "nothing is cropped" in message and "X[:" in message
    )
    assert not ax.images
    # Also with leading dims and normalization, which would copy the batch first.
    nested = torch.zeros(1, 1, 3, 64, 64).expand(1000, 100, -1, -1, -1)
    with pytest.raises(ValueError, match="100000 images"):
        ax.imshow(nested, normalize="minmax", denorm=(0.5, 0.5))


def test_budget_advice_for_leading_dims_counts_images_not_rows(ax):
    # `X[:k]` of a (1000, 100, ...) batch would be k * 100 images.
    x = torch.zeros(1, 1, 3, 64, 64).expand(1000, 100, -1, -1, -1)
    with pytest.raises(ValueError) as info:
        ax.imshow(x)
    fix = _suggested(str(info.value), "e.g.")
    assert fix.startswith("X.flatten(0, 1)[:")
    fewer = eval(fix, {"X": x})
    fit = int(str(info.value).split("show at most ")[1].split(" ")[0])
    assert fewer.shape == (fit, 3, 64, 64)
    grid_geometry(fit, 64, 64)  # within the budget (not drawn here: a grid of ~800 MB)


#: A pixel budget small enough for small tests: 64 x 64.
SMALL_BUDGET = 64 * 64


@pytest.fixture
def small_budget(monkeypatch):
    """Every grid the imshow layer lays out is checked against :data:`SMALL_BUDGET`."""
    monkeypatch.setattr(
        images, "grid_geometry", functools.partial(grid_geometry, max_pixels=SMALL_BUDGET)
    )


@pytest.mark.parametrize("shape", [(80, 80), (80, 80, 3), (3, 80, 80), (1, 3, 80, 80), (1, 80, 80)])
@pytest.mark.parametrize(
    "kwargs",
    [{"normalize": True}, {"normalize": "per_image"}, {"denorm": (0.5, 0.5)}, {"titles": ["a"]}],
    ids=["minmax", "per_image", "denorm", "titles"],
)
def test_a_single_image_never_meets_the_grid_budget(ax, small_budget, shape, kwargs):
    with pytest.raises(ValueError, match="over torchplot's budget"):
        ax.imshow(torch.rand(2, 1, 80, 80))  # a grid of two such images is refused ...
    im = ax.imshow(torch.rand(shape), **kwargs)  # ... one of them, with any keyword, is not
    rows, cols = im.get_array().shape[:2]
    assert cols == 80 and rows >= 80  # the image itself (and a title strip above it)
    assert len(ax.texts) == ("titles" in kwargs)


def test_one_at_a_time_advice_works(ax, small_budget):
    x = torch.rand(2, 3, 80, 80)
    with pytest.raises(ValueError) as info:
        ax.imshow(x, normalize=True)
    fix = _suggested(str(info.value), "one at a time, e.g.")
    assert fix == "X[0]"
    assert ax.imshow(eval(fix, {"X": x}), normalize=True).get_array().shape == (80, 80, 3)


def test_tensor_without_data_names_its_own_shape(ax):
    with pytest.raises(
        TypeError, match=r"holds no data \(shape \(4, 3, 8, 8\), dtype torch.float32, device meta"
    ):
        ax.imshow(torch.empty(4, 3, 8, 8, device="meta"), nrow=2)


def test_keywords_with_numpy_input_say_to_pass_a_tensor(ax):
    with pytest.raises(TypeError) as info:
        ax.imshow(np.zeros((4, 3, 8, 8)), nrow=2, titles=list("abcd"))
    message = str(info.value)
    assert (
        "nrow, titles" in message
        and "numpy.ndarray" in message
        and "torch.from_numpy(X)" in message
    )
    with pytest.raises(TypeError, match="torch tensors only"):
        torchplot.imshow(np.zeros((8, 8)), normalize="minmax")


def test_keywords_with_a_jax_array_say_to_pass_it_through_dlpack(ax):
    # ``torch.from_numpy`` of a JAX array raises; DLPack is the way over.
    jax = pytest.importorskip("jax")
    batch = jax.numpy.zeros((4, 3, 8, 8))
    with pytest.raises(TypeError, match="torch tensors only") as info:
        ax.imshow(batch, nrow=2)
    assert "torch.from_dlpack(X)" in str(info.value)
    assert "from_numpy" not in str(info.value)
    ax.imshow(torch.from_dlpack(batch), nrow=2)  # the fix works


@pytest.mark.filterwarnings("ignore:The PyTorch API of nested tensors:UserWarning")
def test_an_image_looked_up_in_data_is_named_as_every_data_lookup_is(ax):
    # Named 'X' (as if passed as itself), where hist, plot and scatter name a
    # ``data=`` lookup "argument 'data'['img']".
    bits = torch.zeros(2, 3, 4, 4, dtype=torch.uint8).view(torch.bits8)
    nested = torch.nested.nested_tensor([torch.ones(4, 4)])
    cases = [
        (torch.empty(3, 8, 8, device="meta"), {}, "argument 'data'['img']: cannot plot a tensor"),
        (bits, {}, "argument 'data'['img']: NumPy has no equivalent"),
        (bits, {"nrow": 2}, "argument 'data'['img']: NumPy has no equivalent"),
        (
            np.zeros((4, 3, 8, 8)),
            {"nrow": 2},
            "and 'data'['img'] is a numpy.ndarray. Fix: pass `torch.from_numpy(data['img'])`",
        ),
        (
            torch.zeros(2, 3, 4, 4, dtype=torch.complex64),
            {"normalize": True},
            "'data'['img'] has shape (2, 3, 4, 4), dtype torch.complex64",
        ),
        (torch.zeros(2, 1, 4, 4), {"titles": ["a"]}, "('data'['img'] of shape (2, 1, 4, 4))"),
        (nested, {"nrow": 2}, "e.g. `data['img'].to_padded_tensor(0)`"),
    ]
    for image, kwargs, part in cases:
        for imshow in (ax.imshow, torchplot.imshow):
            with pytest.raises((TypeError, ValueError)) as info:
                imshow("img", data={"img": image}, **kwargs)
            assert part in str(info.value) and "'X'" not in str(info.value), info.value
    with pytest.raises(TypeError, match=r"^Axes.hist\(\) argument 'data'\['img'\]: cannot plot"):
        ax.hist("img", data={"img": torch.empty(3, 8, 8, device="meta")})  # the model
    with pytest.raises(TypeError, match=r"^Axes.imshow\(\) argument 'X': cannot plot"):
        ax.imshow(torch.empty(3, 8, 8, device="meta"))  # passed as itself: still 'X'
    assert not ax.images


def test_numpy_of_tensor_layouts_keeps_matplotlib_error(ax):
    with pytest.raises(TypeError, match=r"Invalid shape \(3, 8, 9\)"):
        ax.imshow(np.zeros((3, 8, 9)))


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"nrow": 0}, ValueError, "'nrow' must be an integer >= 1"),
        ({"nrow": 2.5}, ValueError, "'nrow' must be an integer >= 1"),
        ({"padding": -1}, ValueError, "'padding' must be an integer >= 0"),
        ({"pad_value": "white"}, TypeError, "'pad_value' must be a real number"),
        ({"normalize": "zscore"}, ValueError, "'normalize' must be None, 'minmax'"),
        ({"denorm": (0.5,)}, TypeError, r"'denorm' must be a pair \(mean, std\)"),
        (
            {"denorm": ((0.5, 0.5), 0.2)},
            ValueError,
            r"'denorm' mean has 2 values for images with 3",
        ),
        ({"titles": ["a", "b"]}, ValueError, "got 2 titles for 4 images"),
        ({"titles": "abcd"}, TypeError, "'titles' must be a sequence"),
    ],
)
def test_bad_keyword_values(ax, kwargs, error, match):
    with pytest.raises(error, match=match):
        ax.imshow(torch.rand(4, 3, 8, 8), **kwargs)
    assert not ax.images


def test_pad_value_must_fit_an_integer_image(ax):
    with pytest.raises(ValueError, match=r"'pad_value' must be an integer in \[0, 255\]"):
        ax.imshow(torch.zeros(4, 3, 8, 8, dtype=torch.uint8), pad_value=0.5)
    with pytest.raises(ValueError, match=r"integer in \[0, 255\]"):
        ax.imshow(torch.zeros(4, 3, 8, 8, dtype=torch.uint8), pad_value=300)


@pytest.mark.parametrize("dtype", [torch.float16, torch.float8_e4m3fn])
def test_pad_value_must_fit_a_narrow_float_image(ax, dtype):
    # It reached PyTorch's fill_, whose error named neither the keyword nor the image.
    match = r"'pad_value' must be in \[-\d+\.0, \d+\.0\].*torch\.float"
    with pytest.raises(ValueError, match=match):
        ax.imshow(torch.zeros(4, 3, 8, 8).to(dtype), pad_value=1e6)
    assert not ax.images


def test_denorm_of_integer_images(ax):
    with pytest.raises(TypeError, match=r"'denorm' undoes a normalization.*torch\.uint8"):
        ax.imshow(torch.zeros(4, 3, 8, 8, dtype=torch.uint8), denorm=(0.5, 0.5))


def test_floats_outside_unit_range_keep_matplotlib_clipping_warning(ax, caplog):
    with caplog.at_level(logging.WARNING, logger="matplotlib.image"):
        ax.imshow(2 * torch.ones(4, 3, 8, 8))
    assert "Clipping input data to the valid range" in caplog.text


def test_denorm_with_wrong_statistics_is_not_silently_clamped(ax, caplog):
    with caplog.at_level(logging.WARNING, logger="matplotlib.image"):
        ax.imshow(torch.ones(4, 3, 8, 8), denorm=((0.5, 0.5, 0.5), (2.0, 2.0, 2.0)))
    assert "Clipping input data" in caplog.text  # values reach 2.5: Matplotlib warns


def test_denorm_rounding_is_snapped_without_warning(ax, caplog):
    images = torch.rand(4, 3, 8, 8, generator=torch.Generator().manual_seed(0))
    images[0, :, 0, 0] = 1.0
    images[1, :, 0, 0] = 0.0
    mean, std = (0.485, 0.456, 0.406), (0.229, 0.224, 0.225)
    x = ((images - torch.tensor(mean)[:, None, None]) / torch.tensor(std)[:, None, None]).half()
    with caplog.at_level(logging.WARNING, logger="matplotlib.image"):
        im = ax.imshow(x, denorm=(mean, std))
    assert "Clipping" not in caplog.text
    arr = im.get_array()
    assert arr.min() >= 0 and arr.max() <= 1


def test_plot_of_3d_tensor(ax):
    t = torch.zeros(2, 3, 4)
    with pytest.raises(ValueError) as info:
        ax.plot(torch.arange(2.0), t)
    message = str(info.value)
    assert "argument args[1] has shape (2, 3, 4)" in message
    assert "dtype torch.float32" in message and "device cpu" in message
    assert "1-D data" in message and "2-D data" in message and "flatten" in message
    assert "x and y can be no greater than 2D" in message  # Matplotlib's own text, kept
    with pytest.raises(ValueError, match=r"argument args\[0\] has shape"):
        torchplot.plot(torch.zeros(1, 1, 1, 5))
    assert not ax.lines


def test_plot_of_3d_tensor_with_reduction_on(ax):
    # The reduction layer runs inside the shape rule and passes a 3-D tensor on.
    with pytest.raises(ValueError, match=r"argument args\[0\] has shape \(4, 3, 2\)"):
        ax.plot(torch.zeros(4, 3, 2), reduce=True)
    assert not ax.lines


def test_plot_errors_without_a_3d_tensor_are_matplotlibs_own(ax):
    # Only a tensor of 3 or more dims turns Matplotlib's ValueError into torchplot's.
    with pytest.raises(ValueError, match="must have same first dimension"):
        ax.plot(torch.zeros(3), torch.zeros(4))
    with pytest.raises(ValueError, match="must have same first dimension"):
        ax.plot(np.zeros(3), np.zeros((4, 2, 2)))


def test_plot_of_2d_tensor_still_works(ax):
    lines = ax.plot(torch.zeros(5, 3))
    assert len(lines) == 3


@pytest.mark.parametrize("shape", [(5, 3), (5,), (2, 5, 2)])
def test_scatter_of_one_tensor_that_is_not_points(ax, shape):
    # Matplotlib's TypeError (``y`` is missing), explained.
    expected = re.escape(f"points of shape (N, 2); Axes.scatter() argument 'x' has shape {shape}")
    with pytest.raises(TypeError, match=expected):
        ax.scatter(torch.zeros(shape))


# --------------------------------------------------------------------------- no aliasing, titles


def test_figure_keeps_no_view_of_the_tensor(ax):
    single = torch.rand(3, 8, 9)
    batch = torch.rand(4, 3, 8, 9)
    im1 = ax.imshow(single)
    im2 = torchplot.figure().subplots().imshow(batch)
    before1, before2 = im1.get_array().copy(), im2.get_array().copy()
    single.fill_(0.5)
    batch.fill_(0.5)
    np.testing.assert_array_equal(im1.get_array(), before1)
    np.testing.assert_array_equal(im2.get_array(), before2)


def test_returns_the_axes_image(ax):
    im = ax.imshow(torch.rand(4, 3, 8, 8))
    assert isinstance(im, AxesImage) and list(ax.images) == [im]


def _display_box(artist, renderer):
    return artist.get_window_extent(renderer)


def test_titles_of_16_images_are_readable_at_the_default_figure_size():
    fig = torchplot.figure()  # default size
    ax = fig.subplots()
    titles = [f"class {i}" for i in range(16)]
    im = ax.imshow(torch.rand(16, 3, 32, 32), titles=titles)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    texts = ax.texts
    assert [t.get_text() for t in texts] == titles
    boxes = [_display_box(t, renderer) for t in texts]
    # Each label is at least 6 points tall on screen and overlaps no other label.
    for i, a in enumerate(boxes):
        assert a.height >= 6 * fig.dpi / 72
        for b in boxes[i + 1 :]:
            assert not a.overlaps(b)
    # ... and covers no image pixel: tiles are mapped through the image's extent.
    grid_h = im.get_array().shape[0]
    to_display = ax.transData
    nrow, pad = 8, 2
    tile_h = (grid_h - pad) // 2 - pad  # includes the title strip
    for i, box in enumerate(boxes):
        r, c = divmod(i, nrow)
        x0 = c * (32 + pad) + pad
        y_tile_top = r * (tile_h + pad) + pad + (tile_h - 32)  # array row of the tile's first pixel
        (px0, py0), (px1, py1) = to_display.transform(
            [(x0 - 0.5, y_tile_top - 0.5), (x0 + 32 - 0.5, y_tile_top + 32 - 0.5)]
        )
        tile_box_y = (min(py0, py1), max(py0, py1))
        assert box.y0 >= tile_box_y[1] - 0.5  # above its own tile
        assert min(px0, px1) - 1 <= (box.x0 + box.x1) / 2 <= max(px0, px1) + 1  # centred over it
        if r == 1:
            # below the tiles of the row above
            ((_, above),) = to_display.transform([(0, y_tile_top - tile_h + 32 - 0.5 - pad)])
            assert box.y1 <= above + 0.5


def test_titles_follow_origin_lower():
    fig = torchplot.figure()
    ax = fig.subplots()
    ax.imshow(torch.rand(4, 3, 16, 16), titles=list("abcd"), origin="lower")
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    image_box = ax.images[0].get_window_extent(renderer)
    for t in ax.texts:
        box = t.get_window_extent(renderer)
        assert image_box.y0 <= box.y0 and box.y1 <= image_box.y1 + 0.5
    # One row: every title is in the strip at the top of the image.
    assert all(
        t.get_window_extent(renderer).y0 > image_box.y0 + 0.6 * image_box.height for t in ax.texts
    )


def test_title_colour_reads_on_the_padding():
    ax = torchplot.figure().subplots()
    ax.imshow(torch.rand(4, 3, 16, 16), titles=list("abcd"))  # black padding
    assert {t.get_color() for t in ax.texts} == {"white"}
    ax = torchplot.figure().subplots()
    ax.imshow(torch.rand(4, 3, 16, 16), titles=list("abcd"), pad_value=1.0)
    assert {t.get_color() for t in ax.texts} == {"black"}


def test_titles_from_a_tensor_of_labels():
    ax = torchplot.figure().subplots()
    ax.imshow(torch.rand(3, 1, 8, 8), titles=torch.tensor([7, 1, 4]))
    assert [t.get_text() for t in ax.texts] == ["7", "1", "4"]


@pytest.mark.parametrize(
    "dtype", [torch.float32, torch.float64, torch.float16, torch.bfloat16, torch.int64, torch.bool]
)
def test_titles_read_as_bar_label_writes_the_same_tensor(dtype):
    labels = torch.tensor([0.1, 0.2, 5.0]).to(dtype)
    ax = torchplot.figure().subplots()
    ax.imshow(torch.rand(3, 3, 8, 8), titles=labels)
    texts = [t.get_text() for t in ax.texts]
    bars = ax.bar([1, 2, 3], [1, 2, 3])
    assert texts == [t.get_text() for t in ax.bar_label(bars, labels)]
    ax = torchplot.figure().subplots()
    ax.imshow(torch.rand(3, 3, 8, 8), titles=list(labels))  # a list of 0-d tensors
    assert [t.get_text() for t in ax.texts] == texts
    if dtype == torch.float32:
        assert texts == ["0.1", "0.2", "5.0"]
    elif dtype == torch.int64:
        assert texts == ["0", "0", "5"]


def test_too_many_rows_of_titles_for_the_figure():
    ax = torchplot.figure(figsize=(4, 2)).subplots()
    with pytest.raises(ValueError, match=r"cannot fit 40 rows of titles.*figsize="):
        ax.imshow(torch.rand(40, 1, 8, 8), nrow=1, titles=[str(i) for i in range(40)])


@pytest.mark.parametrize("figsize", [(2, 1), (9.5, 3)])
def test_the_figure_size_the_titles_error_suggests_fits_them(figsize):
    # The suggestion keeps the figure's width (a narrow figure is not told to
    # be 6.4 inches wide) and its height really holds the labels.
    batch, titles = torch.rand(64, 3, 8, 8), [str(i) for i in range(64)]
    ax = torchplot.figure(figsize=figsize).subplots()
    with pytest.raises(ValueError, match="cannot fit 64 rows of titles") as raised:
        ax.imshow(batch, nrow=1, titles=titles)
    width, height = map(
        float, re.search(r"figsize=\(([\d.]+), ([\d.]+)\)", str(raised.value)).groups()
    )
    assert width == figsize[0]
    fig = torchplot.figure(figsize=(width, height))
    fig.subplots().imshow(batch, nrow=1, titles=titles)
    fig.canvas.draw()
    renderer = fig.canvas.get_renderer()
    boxes = sorted((t.get_window_extent(renderer) for t in fig.axes[0].texts), key=lambda b: -b.y0)
    assert len(boxes) == 64
    assert all(lower.y1 <= upper.y0 for upper, lower in itertools.pairwise(boxes))


@pytest.mark.parametrize(
    "value, reduced", [(True, True), ("area", True), (False, False), (None, False), ("none", False)]
)
def test_downsample_takes_the_values_the_docs_list(value, reduced, monkeypatch):
    # docs/big_tensors.rst: True or "area" on; False, None or "none" off; the
    # setting takes the same values.
    image = torch.rand(400, 400)  # over twice a 1-inch Axes' pixels
    as_keyword = torchplot.figure(figsize=(1, 1)).subplots().imshow(image, downsample=value)
    monkeypatch.setitem(torchplot.rc_params, "imshow.downsample", value)
    as_setting = torchplot.figure(figsize=(1, 1)).subplots().imshow(image)
    for im in (as_keyword, as_setting):
        assert (im.get_array().shape != (400, 400)) == reduced


# --------------------------------------------------------------------------- Matplotlib's types


@pytest.mark.parametrize("shape", [(2, 3, 0, 4), (3, 0, 5), (2, 5, 6, 7)])
@pytest.mark.parametrize("call", ["imshow", "figimage", "set_data"])
def test_shape_errors_have_matplotlibs_type_for_the_same_array(shape, call):
    # Matplotlib refuses each of these shapes as NumPy with a TypeError ("Invalid
    # shape"); torchplot explains them, with the same exception type.
    fig = torchplot.figure()
    draw = {
        "imshow": fig.subplots().imshow,
        "figimage": fig.figimage,
        "set_data": fig.subplots().imshow(np.zeros((4, 5))).set_data,
    }[call]
    with pytest.raises(TypeError, match="Invalid shape"):
        draw(np.zeros(shape))
    # (set_data leaves batches to Matplotlib: its own error.)
    with pytest.raises(TypeError, match=re.escape(f"shape {shape}")):
        draw(torch.zeros(shape))


# --------------------------------------------------------------------------- the tensor as given


def _calls(x):
    """Each image function, called with ``x`` as its image, and the argument's name."""
    return [
        (lambda: torchplot.figure().subplots().imshow(x), "Axes.imshow() argument 'X'"),
        (lambda: torchplot.figure().figimage(x), "Figure.figimage() argument 'X'"),
        (lambda: torchplot.imsave("never.png", x), "imsave() argument 'arr'"),
    ]


@pytest.mark.parametrize(
    "make",
    [
        lambda: torch.zeros(3, 4, 5, dtype=torch.uint8).view(torch.bits8),
        lambda: torch.zeros(2, 3, 4, 4, dtype=torch.uint8).view(torch.bits8),
        lambda: torch.empty(2, 3, 4, 4, dtype=torch.uint4),
    ],
    ids=["bits8-chw", "bits8-batch", "uint4-batch"],
)
def test_unconvertible_dtype_gets_the_rules_error_for_the_tensor_as_given(make):
    x = make()
    described = re.escape(f"(shape {tuple(x.shape)}, dtype {x.dtype}, device cpu)")
    for call, named in _calls(x):
        with pytest.raises(TypeError, match=re.escape(named) + ".*" + described + ".*view"):
            call()
    if x.ndim == 3:
        image = torchplot.figure().subplots().imshow(torch.zeros(4, 5, 3))
        with pytest.raises(TypeError, match="set_data.*" + described):
            image.set_data(x)


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5), (2, 4, 5)])
@pytest.mark.parametrize("transform", ["grad", "vmap"])
def test_tensor_inside_a_transform_is_described_as_given(shape, transform):
    seen = {}

    def show(x):
        seen["shape"] = tuple(x.shape)
        with pytest.raises(TypeError, match=r"torch\.func transform") as info:
            torchplot.figure().subplots().imshow(x)
        seen["message"] = str(info.value)
        return x.sum()

    if transform == "grad":
        torch.func.grad(show)(torch.ones(shape))
    else:
        torch.func.vmap(show)(torch.ones(2, *shape))
    assert f"(shape {seen['shape']}, dtype torch.float32" in seen["message"]
    assert "argument 'X'" in seen["message"]


def test_set_data_inside_grad_names_set_data_and_the_frame():
    image = torchplot.figure().subplots().imshow(torch.zeros(4, 5, 3))

    def step(x):
        image.set_data(x)
        return x.sum()

    with pytest.raises(TypeError, match=r"set_data\(\) argument 'A'.*\(shape \(3, 4, 5\)"):
        torch.func.grad(step)(torch.ones(3, 4, 5))


class _Wrapper(torch.Tensor):
    """A wrapper subclass without storage of its own (as DTensor, or a tracing tensor)."""

    @staticmethod
    def __new__(cls, elem):
        return torch.Tensor._make_wrapper_subclass(cls, elem.shape, dtype=elem.dtype)

    def __init__(self, elem):
        self.elem = elem

    @classmethod
    def __torch_dispatch__(cls, func, types, args=(), kwargs=None):
        def unwrap(t):
            return t.elem if isinstance(t, _Wrapper) else t

        def wrap(t):
            return _Wrapper(t) if isinstance(t, torch.Tensor) else t

        tree = torch.utils._pytree
        out = func(*tree.tree_map(unwrap, args), **tree.tree_map(unwrap, kwargs or {}))
        return tree.tree_map(wrap, out)


@pytest.mark.parametrize("shape", [(3, 4, 5), (2, 3, 4, 5)])
def test_wrapper_subclass_is_described_as_given(shape):
    x = _Wrapper(torch.rand(shape))
    for call, named in _calls(x):
        with pytest.raises(TypeError, match=re.escape(f"{named}: cannot read the data of a")) as e:
            call()
        assert f"(shape {shape}, dtype torch.float32, device cpu)" in str(e.value)


def test_denorm_statistics_without_data_get_the_rules_error(ax):
    with pytest.raises(TypeError, match=r"keyword 'denorm' mean: cannot plot a tensor that holds"):
        ax.imshow(torch.rand(2, 3, 4, 5), denorm=(torch.empty(3, device="meta"), torch.ones(3)))


# --------------------------------------------------------------------------- complex images


@pytest.mark.parametrize(
    "kwargs",
    [{"normalize": True}, {"normalize": "per_image"}, {"denorm": ([0.5] * 3, [0.2] * 3)}],
)
@pytest.mark.parametrize("shape", [(2, 3, 4, 5), (3, 4, 5)])
def test_complex_images_are_refused_also_when_scaled(ax, kwargs, shape):
    # Matplotlib draws no complex image; scaling must not draw the real part instead.
    x = torch.rand(shape, dtype=torch.complex64)
    with pytest.raises(TypeError, match="cannot be converted to float"):
        ax.imshow(x)
    with pytest.raises(TypeError, match=r"complex image data cannot be converted.*X\.abs\(\)"):
        ax.imshow(x, **kwargs)
    assert not ax.images


# --------------------------------------------------------------------------- keyword values


@pytest.mark.parametrize(
    "kwargs, error, match",
    [
        ({"nrow": torch.tensor(0)}, ValueError, r"'nrow' must be an integer >= 1, got tensor\(0\)"),
        ({"nrow": torch.tensor(2.0)}, ValueError, "'nrow' must be an integer >= 1"),
        ({"padding": torch.tensor([1, 2])}, ValueError, "'padding' must be an integer >= 0"),
        ({"pad_value": torch.tensor(True)}, TypeError, "'pad_value' must be a real number"),
        ({"nrow": torch.tensor(2, device="meta")}, TypeError, "'nrow': cannot plot a tensor"),
    ],
)
def test_tensor_keyword_values_pass_the_checks_their_numbers_pass(ax, kwargs, error, match):
    with pytest.raises(error, match=match):
        ax.imshow(torch.rand(4, 3, 8, 8), **kwargs)


def test_pad_value_tensor_must_fit_an_integer_image(ax):
    batch = torch.zeros(4, 3, 8, 8, dtype=torch.uint8)
    with pytest.raises(ValueError, match=r"integer in \[0, 255\].*got 300\."):
        ax.imshow(batch, pad_value=torch.tensor(300))
    assert ax.imshow(batch, pad_value=torch.tensor(7)).get_array()[0, 0, 0] == 7


# --------------------------------------------------------------------------- shape errors' names


@pytest.mark.parametrize(
    "shape, problem",
    [((2, 5, 6, 7), "a batch of images needs 1, 3 or 4 channels"), ((0, 5, 7), "a zero-size")],
)
def test_shape_errors_name_the_image_as_every_error_does(shape, problem):
    # As the rule names arguments: 'X', and a ``data=`` lookup 'data'['img'];
    # the fix is code, with the lookup as written.
    ax = torchplot.figure().subplots()
    x = torch.zeros(shape)
    lookup = "Axes.imshow() argument 'data'['img']"
    calls = [
        (lambda: ax.imshow(x), "Axes.imshow() argument 'X'"),
        (lambda: ax.imshow(X=x), "Axes.imshow() argument 'X'"),
        (lambda: ax.imshow("img", data={"img": x}), lookup),
        (lambda: torchplot.imshow("img", data={"img": x}), lookup),
    ]
    if len(shape) == 3:
        image = ax.imshow(np.zeros((2, 2)))
        calls += [
            (lambda: image.set_data(x), "set_data() argument 'A'"),
            (lambda: image.set_data(A=x), "set_data() argument 'A'"),
        ]
    for call, named in calls:
        with pytest.raises(TypeError) as info:
            call()
        message = str(info.value)
        assert message.startswith(f"{named} of shape {shape}: {problem}"), message
        assert '"' not in message, message
    with pytest.raises(TypeError, match=re.escape("pass `data['img'].flatten(0, -3)")):
        ax.imshow("img", data={"img": torch.zeros(2, 5, 6, 7)})
