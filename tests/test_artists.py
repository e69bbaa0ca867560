"""What the objects torchplot hands out do with tensors, asserted directly."""

from __future__ import annotations

import copy
import inspect
import pickle
import warnings
import weakref

import matplotlib.pyplot as mpl
import numpy as np
import torch
from matplotlib.axis import Axis
from matplotlib.colors import to_rgb
from matplotlib.testing.decorators import check_figures_equal

import torchplot as plt
from tests._helpers import raised
from torchplot import _twins
from torchplot._compat import matplotlib_release


def test_int_tensor_bar_labels_read_as_numbers():
    bars = plt.bar([0, 1, 2], torch.tensor([5, 3, 2]))
    texts = plt.bar_label(bars, torch.tensor([5, 3, 2]))
    assert [t.get_text() for t in texts] == ["5", "3", "2"]
    auto = plt.gca().bar_label(bars)  # labels from the heights Matplotlib stored
    assert [t.get_text() for t in auto] == ["5", "3", "2"]


def test_zero_d_tensor_text_reads_as_a_number():
    ax = plt.figure().add_subplot()
    assert ax.text(0, 0, torch.tensor(7)).get_text() == "7"
    assert ax.set_title(torch.tensor(0.5)).get_text() == "0.5"


def test_zero_d_tensors_as_limits_and_reference_lines():
    ax = plt.figure().add_subplot()
    ax.set_xlim(torch.tensor(-1.0, requires_grad=True), torch.tensor(2.0))
    assert ax.get_xlim() == (-1.0, 2.0)
    line = ax.axhline(torch.tensor(0.25, dtype=torch.bfloat16))
    np.testing.assert_array_equal(line.get_ydata(), [0.25, 0.25])


def test_returned_artists_accept_tensors_in_setters():
    ax = plt.figure().add_subplot()
    (line,) = ax.plot([0.0, 1.0])
    line.set_data(torch.arange(3.0), torch.ones(3, requires_grad=True))
    np.testing.assert_array_equal(line.get_ydata(), np.ones(3))
    sc = ax.scatter([0], [0])
    sc.set_offsets(torch.zeros(4, 2, dtype=torch.bfloat16))
    assert sc.get_offsets().shape == (4, 2)
    plt.setp(line, ydata=torch.full((3,), 2.0))
    np.testing.assert_array_equal(line.get_ydata(), [2.0, 2.0, 2.0])


def test_colormap_and_normalize_accept_tensors():
    cmap = plt.get_cmap("viridis")
    rgba = cmap(torch.linspace(0, 1, 4, requires_grad=True))
    np.testing.assert_array_equal(
        rgba, mpl.get_cmap("viridis")(np.linspace(0, 1, 4, dtype=np.float32))
    )
    norm = plt.Normalize(vmin=torch.tensor(0.0), vmax=torch.tensor(4.0))
    np.testing.assert_allclose(norm(torch.tensor([1.0, 2.0])), [0.25, 0.5])


def test_adopted_objects_pickle_and_copy():
    fig, ax = plt.subplots()
    (line,) = ax.plot(torch.arange(4.0))
    clone = pickle.loads(pickle.dumps(fig))
    clone.axes[0].lines[0].set_ydata(torch.zeros(4))
    np.testing.assert_array_equal(line.get_ydata(), [0, 1, 2, 3])  # original untouched
    copy.deepcopy(line.get_path())


_UNPICKLE = """
import pickle, sys
import matplotlib
matplotlib.use("Agg")
fig = pickle.load(open(sys.argv[1], "rb"))
import torch  # tensors work after unpickling in a fresh process
fig.axes[0].lines[0].set_ydata(torch.ones(4, requires_grad=True))
print(type(fig.axes[0]).__name__, fig.axes[0].lines[0].get_ydata().tolist())
"""


def _built_once_by_racing_threads(twin_of, base, slow_to_build, module, monkeypatch):
    import threading
    import time

    def slow(*args):
        time.sleep(0.05)  # every thread reaches the build before the first one is done
        return slow_to_build(*args)

    monkeypatch.setattr(module, slow_to_build.__name__, slow)
    start, twins = threading.Barrier(4), []

    def first_use():
        start.wait()
        twins.append(twin_of(base))

    threads = [threading.Thread(target=first_use) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(twins) == 4
    assert all(twin is twins[0] for twin in twins)
    assert twin_of(base) is twins[0]
    return twins[0]


def test_threads_using_a_class_for_the_first_time_share_one_twin(monkeypatch):
    # Each thread built its own twin; objects adopted as one that another
    # thread's build then replaced no longer pickled.
    from matplotlib.patches import Shadow

    monkeypatch.delitem(_twins._TWINS, Shadow, raising=False)
    twin = _built_once_by_racing_threads(
        _twins.twin_of, Shadow, _twins._make_twin, _twins, monkeypatch
    )
    shadow = twin(mpl.Rectangle((0, 0), 1, 1), torch.tensor(2.0), 3)
    pickle.loads(pickle.dumps(shadow))


def test_threads_using_a_seaborn_grid_for_the_first_time_share_one_twin(monkeypatch):
    import seaborn

    from torchplot.seaborn import _wrap

    monkeypatch.delitem(_wrap._TWINS, seaborn.JointGrid, raising=False)
    _built_once_by_racing_threads(
        _wrap.twin_of, seaborn.JointGrid, _wrap.build_twin, _wrap, monkeypatch
    )


def test_a_draw_patched_while_the_twin_is_built_is_not_kept_by_the_twin():
    # Matplotlib's own test fixture ``text_placeholders`` patches Text.draw
    # for one test; a twin built meanwhile drew every later title as a box.
    from matplotlib.patches import Shadow

    original = Shadow.draw
    Shadow.draw = lambda self, renderer: None
    try:
        twin = _twins._make_twin(Shadow)
    finally:
        Shadow.draw = original
    assert twin.draw is original


def test_patching_torchplots_class_reaches_its_objects(tmp_path):
    # The documented way to mock a method of the objects torchplot hands out.
    from unittest import mock

    import matplotlib.text

    fig, ax = plt.subplots()
    title = ax.set_title("t")
    with mock.patch.object(plt.Figure, "savefig") as fake:
        fig.savefig(tmp_path / "never.png")
    assert fake.called and not (tmp_path / "never.png").exists()
    drawn = []
    with mock.patch.object(matplotlib.text.Text, "draw", lambda self, r: drawn.append(self)):
        fig.canvas.draw()
    assert title in drawn  # a patched draw applies to torchplot's objects too


def test_a_local_artist_class_fails_to_pickle_as_under_matplotlib():
    # networkx draws curved edge labels with a class defined in a function.
    def make():
        class Local(mpl.Text):
            pass

        return Local

    local = make()
    expected = raised(pickle.dumps, local(0, 0, "x"))
    got = raised(pickle.dumps, _twins.adopt(local(0, 0, "x")))
    assert type(got) is type(expected) is AttributeError
    assert str(got) == str(expected)


def test_matplotlibs_and_seaborns_shared_colormaps_stay_theirs():
    # Adopted with an image's colorizer, they made every figure of the
    # process (plain Matplotlib and seaborn ones too) hold a torchplot class.
    import matplotlib.cm
    import seaborn
    from matplotlib.colors import ListedColormap

    import torchplot.seaborn as tsns

    plt.figure().subplots().imshow(torch.rand(4, 4), cmap=plt.cm.viridis)
    tsns.heatmap(torch.rand(3, 3), ax=plt.figure().subplots())  # seaborn.cm.rocket by default
    assert type(matplotlib.cm.viridis) is ListedColormap
    assert type(seaborn.cm.rocket) is ListedColormap
    plain = mpl.figure()
    plain.subplots().imshow(np.eye(3), cmap=matplotlib.cm.viridis)
    assert b"torchplot" not in pickle.dumps(plain)
    image = plt.figure().subplots().imshow(torch.rand(4, 4), cmap="viridis")  # a copy: adopted
    assert image.cmap(torch.rand(3, requires_grad=True)).shape == (3, 4)
    plt.close("all")


def test_pyplots_typing_helpers_are_typings_own():
    # pyplot imports ``cast`` for its annotations; it converted tensors here.
    import typing

    assert plt.cast is typing.cast and plt.overload is typing.overload
    t = torch.ones(2)
    assert plt.cast(object, t) is t


def test_pyplots_private_names_are_read_through():
    # Code in the wild reads ``plt._pylab_helpers.Gcf``.
    assert plt._pylab_helpers is mpl._pylab_helpers
    assert plt._get_backend_mod is mpl._get_backend_mod
    assert not hasattr(plt, "_no_such_name")


def test_pickled_figure_loads_in_a_fresh_process(unpickled_in_a_fresh_process):
    fig, ax = plt.subplots()
    ax.plot(torch.arange(4.0))
    out = unpickled_in_a_fresh_process(fig, _UNPICKLE)
    assert out.split() == ["Axes", "[1.0,", "1.0,", "1.0,", "1.0]"]


def test_every_axes_kind_is_adopted():
    fig = plt.figure()
    polar = fig.add_subplot(221, projection="polar")
    three_d = fig.add_subplot(222, projection="3d")
    ax = fig.add_subplot(223)
    kinds = [
        polar,
        three_d,
        ax,
        ax.twinx(),
        ax.twiny(),
        ax.inset_axes([0.5, 0.5, 0.4, 0.4]),
        ax.secondary_xaxis("top"),
        fig.colorbar(ax.imshow(np.eye(2))).ax,
        *fig.subplot_mosaic("AB").values(),
        plt.axes([0.1, 0.1, 0.2, 0.2]),
    ]
    for a in kinds:
        assert plt.adopt(a) is a and type(a).__module__ == "torchplot._twins", a
        a.set_xlim(torch.tensor(0.0), torch.tensor(1.0))  # and tensors work on it


def test_axes_created_implicitly_by_pyplot_are_adopted():
    plt.plot([1, 2, 3])  # no figure existed: pyplot makes Figure and Axes itself
    assert type(plt.gca()).__module__ == "torchplot._twins"
    plt.gca().plot(torch.ones(3, requires_grad=True))


def test_subclasses_of_twins_are_used_as_they_are():
    # A user's own classes built on torchplot's: already tensor-aware, never re-twinned.
    class MyAxes(plt.Axes):
        pass

    class MyLine(plt.Line2D):
        pass

    fig = plt.figure()
    ax = fig.add_subplot(axes_class=MyAxes)
    line = MyLine([0, 1], [0, 1])
    assert ax.add_line(line) is line
    assert type(ax) is MyAxes and type(line) is MyLine
    assert plt.adopt(ax) is ax and type(ax) is MyAxes
    line.set_ydata(torch.tensor([2.0, 3.0], requires_grad=True))
    (plotted,) = ax.plot(torch.arange(3, dtype=torch.bfloat16))
    assert line.get_ydata().tolist() == [2.0, 3.0]
    assert plotted.get_ydata().tolist() == [0.0, 1.0, 2.0]


def test_axes_built_as_twins_adopt_their_children():
    class MyAxes(plt.Axes):
        pass

    fig = plt.figure()
    built = [fig.add_subplot(121, axes_class=MyAxes), plt.Axes(fig, (0.5, 0.1, 0.4, 0.8))]
    for ax in built:
        assert all(type(c).__module__ == "torchplot._twins" for c in (ax.xaxis, ax.patch))
        ax.xaxis.set_ticks(torch.tensor([0.0, 0.5, 1.0], requires_grad=True))
        assert ax.get_xticks().tolist() == [0.0, 0.5, 1.0]


def _populated_figure():
    """A figure with most things a user reaches into: legend, table, colorbar, quiver key, ..."""
    fig, axs = plt.subplots(2, 2)
    ax = axs[0, 0]
    ax.plot([1, 2, 3], label="line")
    ax.scatter([1, 2], [3, 4], c=[1, 2], label="points")
    ax.legend(title="legend")
    ax.set(title="title", xlabel="x")
    ax.annotate("a", (0, 0), xytext=(1, 1), arrowprops={}, bbox={"fc": "w"})
    ax.table([["a", "b"]])
    fig.colorbar(axs[0, 1].imshow(np.eye(3)))
    quiver = axs[1, 0].quiver([0, 1], [0, 1], [1, 1], [1, 1])
    axs[1, 0].quiverkey(quiver, 0.5, 0.5, 1, "key")
    axs[1, 0].secondary_xaxis("top")
    axs[1, 0].inset_axes([0.5, 0.5, 0.3, 0.3])
    axs[1, 1].bar([1, 2], [3, 4])
    axs[1, 1].errorbar([1, 2], [1, 2], yerr=[0.1, 0.2])
    fig.add_subplot(3, 3, 9, projection="3d").plot([0, 1], [0, 1], [0, 1])
    fig.legend()
    fig.canvas.draw()  # creates the ticks Matplotlib makes on demand
    return fig


def _reachable(fig):
    """Every object reachable from ``fig`` through children and the attributes users read."""
    found, stack = {}, [fig]
    while stack:
        obj = stack.pop()
        if obj is None or id(obj) in found:
            continue
        found[id(obj)] = obj
        # An Axis' children are its ticks, which stay plain (NOT_ADOPTING_GETTERS).
        if hasattr(obj, "get_children") and not isinstance(obj, Axis):
            stack += obj.get_children()
        for held in _twins._holdings(type(obj)):
            value = held(obj)
            stack += value if isinstance(value, list) else [value]
    return list(found.values())


def _holds_plain(value, depth=0):
    """Whether ``value`` is, or a list/tuple/dict in it holds, an object torchplot did not adopt."""
    if isinstance(value, _twins.ADOPTED_ROOTS):
        return not _twins.derives_from_twin(type(value))
    if depth < 2 and isinstance(value, (list, tuple)):
        return any(_holds_plain(v, depth + 1) for v in value)
    if depth < 2 and isinstance(value, dict):
        return any(_holds_plain(v, depth + 1) for v in value.values())
    return False


def _getters(obj):
    """``(name, value)`` of each public getter of ``obj`` that needs no argument."""
    for name in dir(type(obj)):
        getter = getattr(type(obj), name, None)
        if not (name.startswith("get_") and inspect.isfunction(getter)):
            continue
        if name in _twins.NOT_ADOPTING_GETTERS:
            continue
        parameters = list(inspect.signature(getter).parameters.values())[1:]
        if any(p.default is p.empty and p.kind <= p.POSITIONAL_OR_KEYWORD for p in parameters):
            continue
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            try:
                value = getattr(obj, name)()
            except Exception:  # getters needing state this figure lacks
                continue
        yield name, value


def test_everything_reachable_from_a_figure_is_tensor_aware():
    # The tree users reach (children, ``ax.title``, ``legend.legend_handles``,
    # ``im.norm``, a cell's text), and what every public getter hands out: a
    # getter handing out a plain artist belongs in _twins.ADOPTING_GETTERS.
    objects = _reachable(_populated_figure())
    assert len(objects) > 150
    assert [type(o).__name__ for o in objects if _holds_plain(o)] == []
    plain_getters = {
        f"{type(obj).__name__}.{name}"
        for obj in objects
        for name, value in _getters(obj)
        if _holds_plain(value)
    }
    assert plain_getters == set()


def test_deep_artists_take_tensors():
    red = torch.tensor([1.0, 0.0, 0.0], requires_grad=True)
    fig = _populated_figure()
    ax, image = fig.axes[0], fig.axes[1].images[0]
    legend = ax.get_legend()
    for artist, setter in [
        (legend.get_texts()[0], "set_color"),
        (legend.legend_handles[0], "set_color"),
        (legend.get_frame(), "set_facecolor"),
        (ax.get_xticklabels()[0], "set_color"),
        (ax.xaxis.label, "set_color"),
        (ax.tables[0][0, 0], "set_facecolor"),
        (ax.texts[0].arrow_patch, "set_edgecolor"),
        (ax.texts[0].get_bbox_patch(), "set_facecolor"),
        (image.colorbar.outline, "set_edgecolor"),
    ]:
        getattr(artist, setter)(red)
        got = getattr(artist, setter.replace("set", "get"))()
        assert to_rgb(got) == (1.0, 0.0, 0.0), (artist, got)
    values = torch.tensor([0.0, 0.5, 1.0], requires_grad=True)
    reference = values.detach().numpy()
    np.testing.assert_array_equal(image.norm(values), image.norm(reference))
    np.testing.assert_array_equal(image.cmap(values), image.cmap(reference))
    np.testing.assert_array_equal(
        image.colorizer.to_rgba(values), image.colorizer.to_rgba(reference)
    )


def test_clear_adopts_the_new_title_and_patch():
    ax = plt.figure().add_subplot()
    ax.clear()
    ax.patch.set_facecolor(torch.tensor([0.0, 1.0, 0.0], requires_grad=True))
    x = torch.tensor(0.2)
    ax.title.set_x(x)
    x.fill_(0.8)  # the title keeps its own copy
    assert ax.title.get_position()[0] == np.float32(0.2)
    plt.cla()
    plt.gca().title.set_color(torch.tensor([0.0, 0.0, 1.0], requires_grad=True))


def _matplotlib_classes():
    """Every class under torchplot's adopted roots that Matplotlib defines (imported ones)."""
    # The toolkits' artists and Axis classes too.
    import mpl_toolkits.axes_grid1
    import mpl_toolkits.axisartist
    import mpl_toolkits.mplot3d  # noqa: F401

    found, stack = set(), list(_twins.ADOPTED_ROOTS)
    while stack:
        klass = stack.pop()
        if klass in found or _twins.derives_from_twin(klass):
            continue
        found.add(klass)
        stack += klass.__subclasses__()
    return {k for k in found if k.__module__.split(".")[0] in ("matplotlib", "mpl_toolkits")}


#: Public attributes that Matplotlib 3.11 deprecated, making each a property
#: (``_api.deprecate_privatize_attribute``); plain attributes before, which
#: twins leave alone as Matplotlib's own code sets them.
_PROPERTIES_SINCE_3_11 = {"format", "locs", "offset_string", "orderOfMagnitude"}


def test_every_public_property_setter_is_classified():
    # A new Matplotlib property with a setter must be decided: converted
    # (DATA_PROPERTIES) or left alone with a reason (NOT_WRAPPED_PROPERTIES).
    setters = {
        name
        for klass in _matplotlib_classes()
        for name, attr in vars(klass).items()
        if isinstance(attr, property) and attr.fset is not None and not name.startswith("_")
    }
    assert not _twins.DATA_PROPERTIES & _twins.NOT_WRAPPED_PROPERTIES.keys()
    classified = _twins.DATA_PROPERTIES | _twins.NOT_WRAPPED_PROPERTIES.keys()
    if matplotlib_release() < (3, 11):
        classified -= _PROPERTIES_SINCE_3_11
    assert setters == classified


def _setting_cases():
    """``(object, attribute, make value)``: data set by assignment, as Matplotlib documents."""
    fig, ax = plt.subplots()
    ax.set_xlabel("x")  # drawn where ``xaxis.labelpad`` puts it
    image = ax.imshow(np.eye(3), norm=mpl.matplotlib.colors.TwoSlopeNorm(0.5))
    g = {"requires_grad": True}
    # Closed already: Matplotlib appends the first vertex to an open one.
    triangle = [[1.0, 0], [0, 1], [0, 0], [1, 0]]
    three_d = fig.add_axes([0.55, 0.55, 0.4, 0.4], projection="3d")
    three_d.plot([0, 1], [0, 1], [0, 1])
    patches = mpl.matplotlib.patches
    quiver = ax.quiver([0, 1], [0, 1], [1, 1], [1, 0], scale=5.0)
    power = ax.imshow(np.eye(3), norm=mpl.matplotlib.colors.PowerNorm(2.0)).norm
    arrow = ax.add_patch(patches.FancyArrowPatch((0, 0), (1, 1), arrowstyle="->"))
    ax.plot([0, 1], [1, 0], label="line")
    legend = ax.legend(loc="best")
    boxes = mpl.matplotlib.offsetbox
    drawing = boxes.DrawingArea(20, 10)
    drawing.add_artist(plt.Rectangle((0, 0), 20, 10))
    packed = boxes.VPacker(children=[drawing, boxes.TextArea("v")], pad=1, sep=2)
    ax.add_artist(boxes.AnchoredOffsetbox(loc="upper left", child=packed))
    framed = boxes.PaddedBox(boxes.TextArea("p"), pad=2, draw_frame=True)
    ax.add_artist(boxes.AnchoredOffsetbox(loc="lower right", child=framed))
    ax.yaxis.set_major_locator(plt.FixedLocator([0.0, 0.5]))
    grid = fig.add_gridspec(3, 3, left=0.7)
    fig.add_subplot(grid[2, 2]).plot([0, 1])
    return fig, [
        # Classes with no setter for these: assignment is how they change.
        (
            ax.add_patch(patches.RegularPolygon((0.5, 0.5), 6, radius=0.2)),
            "xy",
            lambda: torch.tensor([0.3, 0.6], **g),
        ),
        (
            ax.add_patch(patches.RegularPolygon((0.5, 0.5), 5, radius=0.2)),
            "radius",
            lambda: torch.tensor(0.4, **g),
        ),
        (
            ax.add_patch(patches.CirclePolygon((0.2, 0.2), 0.1)),
            "orientation",
            lambda: torch.tensor(0.5),
        ),
        (
            ax.add_patch(patches.Arc((0.5, 0.5), 0.5, 0.5, theta2=90)),
            "theta2",
            lambda: torch.tensor(250.0, **g),
        ),
        (
            ax.add_patch(patches.Arc((0.5, 0.5), 0.3, 0.3, theta2=90)),
            "theta1",
            lambda: torch.tensor(45.0),
        ),
        (quiver, "scale", lambda: torch.tensor(3.0, **g)),
        (quiver, "width", lambda: torch.tensor(0.02)),
        (quiver, "headwidth", lambda: torch.tensor(5.0)),
        (ax.quiverkey(quiver, 0.5, 0.5, 1.0, "k"), "X", lambda: torch.tensor(0.2, **g)),
        (ax.quiverkey(quiver, 0.5, 0.8, 1.0, "k"), "U", lambda: torch.tensor(2.0, **g)),
        (fig.figimage(np.eye(8)), "ox", lambda: torch.tensor(40.0, **g)),
        (power, "gamma", lambda: torch.tensor(0.5, **g)),
        (arrow, "shrinkB", lambda: torch.tensor(20.0, **g)),
        (ax.add_patch(plt.Circle((0.5, 0.5), 0.1)), "center", lambda: torch.tensor([1, 0.5], **g)),
        (ax.add_patch(plt.Circle((0.5, 0.5), 0.1)), "radius", lambda: torch.tensor(0.3, **g)),
        (ax.add_patch(plt.Rectangle((0, 0), 1, 1)), "xy", lambda: torch.tensor([0.2, 0.1], **g)),
        (ax.add_patch(plt.Polygon([[0, 0], [1, 0], [0, 1]])), "xy", lambda: torch.tensor(triangle)),
        (
            ax.add_patch(mpl.matplotlib.patches.Ellipse((0, 0), 1, 2)),
            "angle",
            lambda: torch.tensor(30.0),
        ),
        (image.norm, "vcenter", lambda: torch.tensor(0.4, **g)),
        (
            ax.annotate("a", (0, 0), xytext=(1, 1), arrowprops={}),
            "xy",
            lambda: torch.tensor([0.5, 0.5]),
        ),
        (ax.annotate("b", (0, 0), xytext=(1, 1)), "xyann", lambda: torch.tensor([0.2, 0.3], **g)),
        (ax.xaxis, "labelpad", lambda: torch.tensor(12.0, **g)),
        (three_d, "elev", lambda: torch.tensor(10.0, **g)),
        (three_d, "azim", lambda: torch.tensor(-40.0, dtype=torch.bfloat16)),
        (three_d, "roll", lambda: torch.tensor(15.0)),
        # Attributes of classes with setters too, whose own docs name them.
        (legend, "borderpad", lambda: torch.tensor(1.5, **g)),
        (legend, "borderaxespad", lambda: torch.tensor(2.0, **g)),
        (
            ax.add_artist(boxes.AnchoredText("t", loc="lower left")),
            "pad",
            lambda: torch.tensor(1.2),
        ),
        (packed, "sep", lambda: torch.tensor(8.0, **g)),
        (drawing, "width", lambda: torch.tensor(35.0, **g)),
        (framed, "pad", lambda: torch.tensor(6, dtype=torch.int32)),
        (quiver, "U", lambda: torch.tensor([2.0, -1.0], **g)),
        (ax.bar([0.5], [0.3], width=0.2)[0], "angle", lambda: torch.tensor(20.0, **g)),
        (ax.yaxis.get_major_locator(), "locs", lambda: torch.tensor([0.2, 0.6], **g)),
        (grid, "left", lambda: torch.tensor(0.5, **g)),
        (ax.add_patch(patches.Wedge((0.2, 0.2), 0.1, 0, 90)), "r", lambda: torch.tensor(0.15, **g)),
    ]


def _as_numpy(t):
    # What the one rule gives: a NumPy scalar for a 0-d tensor; bfloat16 as float32.
    t = t.detach()
    a = (t.float() if t.dtype == torch.bfloat16 else t).numpy().copy()
    return a[()] if a.ndim == 0 else a


def test_assigned_data_is_converted_copied_and_not_kept():
    fig, cases = _setting_cases()
    for obj, name, make in cases:
        value = make()
        expected = _as_numpy(value)
        setattr(obj, name, value)
        ref = weakref.ref(value)
        value.detach().add_(1)  # changed in place after the assignment
        del value
        got = getattr(obj, name)
        np.testing.assert_array_equal(np.asarray(got, dtype=float), expected, err_msg=name)
        assert ref() is None, f"{type(obj).__name__}.{name} keeps the tensor"
    fig.canvas.draw()


def test_assigned_data_draws_what_the_numpy_value_draws():
    (fig, cases), (ref_fig, ref_cases) = _setting_cases(), _setting_cases()
    for (obj, name, make), (ref_obj, _, _) in zip(cases, ref_cases, strict=True):
        value = make()
        setattr(obj, name, value)
        setattr(ref_obj, name, _as_numpy(value))
    fig.canvas.draw()
    ref_fig.canvas.draw()
    ours, theirs = fig.canvas.buffer_rgba(), ref_fig.canvas.buffer_rgba()
    assert np.array_equal(np.asarray(ours), np.asarray(theirs))


def _constrained_pair(assign):
    """The pixels of a constrained-layout figure of two Axes after ``assign(its grid)``."""
    fig = plt.figure(layout="constrained")
    grid = fig.add_gridspec(1, 2)
    for spec in grid:
        fig.add_subplot(spec).plot([0, 1])
    assign(grid)
    fig.canvas.draw()
    return np.asarray(fig.canvas.buffer_rgba()).copy(), grid


def test_an_assigned_grid_spacing_is_the_rule_s_value_laid_out_as_its_float():
    # As ``wspace=t`` is (torchplot._spacing): the rule's float32, which the
    # constrained layout reads as the float of the same value.
    spacings = [torch.tensor(0.6, requires_grad=True)]
    kept = weakref.ref(spacings[0])
    pixels, grid = _constrained_pair(lambda grid: setattr(grid, "wspace", spacings.pop()))
    assert isinstance(grid.wspace, np.float32) and grid.wspace == np.float32(0.6)
    assert kept() is None
    as_float, _ = _constrained_pair(lambda grid: setattr(grid, "wspace", float(np.float32(0.6))))
    assert np.array_equal(pixels, as_float)


def test_parts_made_or_held_outside_get_children_take_tensors():
    # An inset indicator's frame and its connectors (made when first read or
    # drawn), a 3-D axis' pane and line: none is a child Matplotlib lists.
    half = torch.tensor(0.5, requires_grad=True)
    fig, ax = plt.subplots()
    indicator = ax.indicate_inset_zoom(ax.inset_axes([0.6, 0.6, 0.3, 0.3]))
    indicator.rectangle.set_alpha(half)
    for connector in indicator.connectors:
        connector.set_alpha(half)
    axis = fig.add_subplot(2, 2, 4, projection="3d").xaxis
    axis.pane.set_facecolor(torch.tensor([1.0, 0.0, 0.0, 0.5]))
    axis.line.set_alpha(half)
    fig.canvas.draw()
    assert [a.get_alpha() for a in (indicator.rectangle, *indicator.connectors)] == [0.5] * 5
    assert axis.line.get_alpha() == 0.5


def _gridded_figure(ratios, rect, locs, base):
    fig = plt.figure(layout="constrained")
    gs = fig.add_gridspec(1, 2)
    gs.set_width_ratios(ratios)
    left, right = fig.add_subplot(gs[0]), fig.add_subplot(gs[1])
    left.plot([0, 1], [0, 1])
    right.plot([0, 1], [1, 0])
    fig.get_layout_engine().set(rect=rect)
    left.yaxis.set_major_locator(plt.FixedLocator(locs))
    right.xaxis.set_major_locator(plt.MultipleLocator(base))
    return fig


def test_grid_layout_and_locators_take_tensors_as_their_numpy_equivalents():
    ratios, locs = torch.tensor([3.0, 1.0]), torch.tensor([0.0, 0.4, 1.0], requires_grad=True)
    # float64: under NumPy 1.x Matplotlib cannot use a float32 rect at all
    # (test_layout_rect_of_float32_acts_as_its_numpy_equivalent).
    rect = torch.tensor([0, 0, 0.8, 1.0], dtype=torch.float64)
    fig = _gridded_figure(ratios, rect, locs, torch.tensor(0.25))
    ref = _gridded_figure(np.array([3.0, 1.0]), [0, 0, 0.8, 1.0], [0.0, 0.4, 1.0], 0.25)
    kept = [weakref.ref(ratios), weakref.ref(locs)]
    ratios.add_(5)  # changed in place after plotting: not the figure's
    locs.detach().add_(5)
    del ratios, locs
    fig.canvas.draw()
    ref.canvas.draw()
    assert np.array_equal(
        np.asarray(fig.canvas.buffer_rgba()), np.asarray(ref.canvas.buffer_rgba())
    )
    assert [k() for k in kept] == [None, None]


def _drawn_with_rect(namespace, rect):
    """The pixels of a constrained-layout figure drawn with ``rect``, or what drawing raised."""
    fig = namespace.figure(layout="constrained")
    fig.add_subplot().plot([0, 1], [0, 1])
    fig.get_layout_engine().set(rect=rect)
    try:
        fig.canvas.draw()
    except Exception as exc:
        return type(exc), str(exc)
    return np.asarray(fig.canvas.buffer_rgba()).tobytes()


def test_layout_rect_of_float32_acts_as_its_numpy_equivalent():
    # Under NumPy 1.x Matplotlib itself fails to draw with a float32 rect
    # (kiwisolver compares np.float32 through NumPy); under 2.x it draws.
    rect = torch.tensor([0, 0, 0.8, 1.0])
    assert _drawn_with_rect(plt, rect) == _drawn_with_rect(mpl, rect.numpy())


def test_grid_specs_and_layout_engines_handed_out_are_tensor_aware():
    ax = plt.figure(layout="constrained").add_subplot()
    for obj in (ax.get_subplotspec(), ax.get_gridspec(), ax.figure.get_layout_engine()):
        assert _twins.derives_from_twin(type(obj)), obj
    assert isinstance(mpl.GridSpec(1, 1), plt.GridSpec)  # isinstance as Matplotlib's


def _formatted_figure(labels, offset, limits):
    fig, (left, right) = plt.subplots(1, 2, figsize=(4, 2), dpi=50)
    left.plot([0, 1, 2], [0, 1, 2])
    left.xaxis.set_major_locator(plt.FixedLocator([0, 1, 2]))
    left.xaxis.set_major_formatter(plt.FixedFormatter(labels))
    right.plot([1e6, 1e6 + 3], [0, 1e-5])
    xfmt, yfmt = plt.ScalarFormatter(), plt.ScalarFormatter()
    xfmt.set_useOffset(offset)
    yfmt.set_powerlimits(limits)
    right.xaxis.set_major_formatter(xfmt)
    right.yaxis.set_major_formatter(yfmt)
    return fig


def test_formatters_users_make_take_tensors_as_their_numpy_equivalents():
    labels, offset = torch.tensor([10, 20, 30]), torch.tensor(1e6, requires_grad=True)
    fig = _formatted_figure(labels, offset, (torch.tensor(-2), torch.tensor(2)))
    ref = _formatted_figure(np.array([10, 20, 30]), np.float32(1e6), (-2, 2))
    kept = [weakref.ref(labels), weakref.ref(offset)]
    labels.add_(5)  # changed in place after plotting: not the figure's
    del labels, offset
    fig.canvas.draw()
    ref.canvas.draw()
    assert [t.get_text() for t in fig.axes[0].get_xticklabels()] == ["10", "20", "30"]
    assert np.array_equal(
        np.asarray(fig.canvas.buffer_rgba()), np.asarray(ref.canvas.buffer_rgba())
    )
    assert [k() for k in kept] == [None, None]


def test_locators_users_make_compute_ticks_from_tensors():
    lo, hi = torch.tensor(0.0, requires_grad=True), torch.tensor(10.0)
    np.testing.assert_array_equal(
        plt.MultipleLocator(2.5).tick_values(lo, hi),
        mpl.MultipleLocator(2.5).tick_values(np.float32(0.0), np.float32(10.0)),
    )


def test_a_slider_takes_tensors_and_keeps_none():
    ax = plt.figure().add_subplot()
    lo, hi, start = torch.tensor(0.0), torch.tensor(1.0), torch.tensor(0.3, requires_grad=True)
    slider = plt.Slider(ax, "s", lo, hi, valinit=start, valstep=torch.tensor(0.1))
    kept = weakref.ref(start)
    del start
    slider.set_val(torch.tensor(0.5))
    assert kept() is None
    assert not any(isinstance(v, torch.Tensor) for v in vars(slider).values())
    assert slider.val == np.float32(0.5)


def test_flags_assigned_as_zero_d_bool_tensors_become_bools():
    ax = plt.figure().add_subplot()
    slider = plt.Slider(ax, "s", 0.0, 1.0)
    patch = ax.add_patch(plt.Rectangle((0, 0), 1, 1))
    for obj, name in [(slider, "active"), (patch, "fill"), (ax, "use_sticky_edges")]:
        flag = torch.tensor(False)
        kept = weakref.ref(flag)
        setattr(obj, name, flag)
        del flag
        assert getattr(obj, name) is False and kept() is None, name


def test_a_subplot_tools_sliders_take_tensors_and_keep_none():
    target = plt.figure()
    target.add_subplot().plot([1, 2])
    tool = plt.adopt(mpl.matplotlib.widgets.SubplotTool(target, mpl.figure()))
    left = torch.tensor(0.2, requires_grad=True)
    kept = weakref.ref(left)
    tool.sliderleft.set_val(left)
    del left
    assert tool.sliderleft.val == np.float32(0.2) and kept() is None
    assert target.subplotpars.left == np.float32(0.2)


@check_figures_equal(extensions=["png"], tol=0)
def test_colorbar_of_a_users_scalar_mappable_takes_tensors(fig_test, fig_ref):
    # The colorbar idiom for a colormap with no image: ``cm.ScalarMappable``.
    values = torch.linspace(0.0, 2.0, 7, requires_grad=True).bfloat16()
    mappables = []
    for fig, data, low in (
        (plt.adopt(fig_test), values, torch.tensor(0.5)),
        (fig_ref, values.float().detach().numpy(), 0.5),
    ):
        sm = mpl.cm.ScalarMappable(norm=mpl.Normalize(0, 3), cmap="magma")
        fig.colorbar(sm, ax=fig.subplots())
        sm.set_array(data)  # adopted by the colorbar (of an adopted figure)
        sm.set_clim(low, 2.5)
        mappables.append(sm)
    assert _twins.is_twin(type(mappables[0])) and not _twins.is_twin(type(mappables[1]))
    ref = weakref.ref(values)
    del values
    assert ref() is None
