"""Matplotlib's plain data attributes, which a twin converts when they are assigned.

Matplotlib keeps some data in plain instance attributes that users set by
assignment (``annotation.xy = t``, ``legend.borderpad = t``; for a class with
no setter, such as ``RegularPolygon``, the only way to change it).  A twin
class holds a converting descriptor under each such name
(:func:`converting_attributes`), so the object keeps the rule's NumPy value,
never the tensor.  Every public attribute holding a number or an array is
decided here, converted or left alone with a reason:
``tests/test_no_tensor_kept.py`` fails on one listed in neither table.
"""

from __future__ import annotations

import inspect
from typing import Any

from matplotlib.artist import Artist
from matplotlib.axis import Axis
from matplotlib.cm import ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.colors import BoundaryNorm, Colormap, ListedColormap, PowerNorm
from matplotlib.contour import ContourSet
from matplotlib.gridspec import GridSpec, SubplotSpec
from matplotlib.image import FigureImage
from matplotlib.legend import Legend
from matplotlib.lines import Line2D
from matplotlib.offsetbox import (
    AnchoredOffsetbox,
    AnnotationBbox,
    DrawingArea,
    PackerBase,
    PaddedBox,
)
from matplotlib.patches import (
    Annulus,
    Arc,
    ConnectionPatch,
    FancyArrow,
    FancyArrowPatch,
    Rectangle,
    RegularPolygon,
    Wedge,
)
from matplotlib.quiver import Barbs, Quiver, QuiverKey
from matplotlib.text import Annotation, _AnnotationBase
from matplotlib.ticker import (
    AsinhLocator,
    AutoMinorLocator,
    FixedLocator,
    Formatter,
    IndexLocator,
    LogFormatter,
    LogLocator,
    PercentFormatter,
    ScalarFormatter,
    SymmetricalLogLocator,
)
from matplotlib.widgets import (
    Lasso,
    PolygonSelector,
    RadioButtons,
    RangeSlider,
    RectangleSelector,
    Slider,
    SliderBase,
    SpanSelector,
    TextBox,
)
from mpl_toolkits.mplot3d import Axes3D

from torchplot._convert import to_numpy
from torchplot._spacing import marked_spacing

__all__ = [
    "DATA_ATTRIBUTES",
    "NOT_DATA_ATTRIBUTES",
    "SPACING_ATTRIBUTES",
    "DataAttribute",
    "SpacingAttribute",
    "converting_attributes",
]

#: Plain instance attributes that Matplotlib reads as data or numbers (in each
#: draw, or in a later call) and that are set by assignment (``annotation.xy =
#: t``, ``legend.borderpad = t``; for a class without setters, such as
#: ``RegularPolygon`` or ``Arc``, the only way to change it): the twin makes
#: each a converting attribute, so that the object keeps the rule's NumPy value,
#: never the tensor.  Reads stay Matplotlib's; a draw sets only a few (an
#: Annotation's arrow shrinks, an inset indicator's connector ends, a polar
#: Axes' background Wedge, a Quiver's scale and width left None), each at the
#: cost of one conversion of a number or a pair.  Those
#: Matplotlib sets in every draw are in ``NOT_DATA_ATTRIBUTES``, and
#: ``tests/test_no_tensor_kept.py`` fails when a public attribute holding a
#: number or an array is listed in neither.
DATA_ATTRIBUTES: dict[type, tuple[str, ...]] = {
    _AnnotationBase: ("xy",),
    # Read in each draw (its shrinks, widths, mutation scale).
    Annotation: ("arrowprops",),
    AnnotationBbox: ("xybox", "arrowprops"),
    # Also those of AnchoredText and of mpl_toolkits' anchored artists.
    AnchoredOffsetbox: ("loc", "pad", "borderpad"),
    Annulus: ("a", "b"),
    Arc: ("theta1", "theta2"),
    Axis: ("labelpad",),  # ``ax.xaxis.labelpad = t``, an attribute its docs list
    # ``ax.azim = t``, the rotating-animation idiom; view_init and mouse
    # rotation set them too, never in a draw.
    Axes3D: ("elev", "azim", "roll"),
    # set_UVC and set_offsets (which convert) set them too.
    Barbs: ("x", "y", "u", "v", "flip", "sizes", "barb_increments"),
    BoundaryNorm: ("boundaries", "Ncmap"),
    Colorbar: ("values", "boundaries", "alpha", "extendfrac"),
    Colormap: ("N",),
    ConnectionPatch: ("xy1", "xy2"),
    ContourSet: ("levels", "extent", "nchunk"),
    DrawingArea: ("width", "height", "xdescent", "ydescent"),
    FancyArrowPatch: ("shrinkA", "shrinkB"),
    FigureImage: ("ox", "oy", "magnification"),
    # The spacings are in SPACING_ATTRIBUTES.
    GridSpec: ("left", "bottom", "right", "top"),
    Legend: (
        "borderpad",
        "borderaxespad",
        "columnspacing",
        "handleheight",
        "handlelength",
        "handletextpad",
        "labelspacing",
        "markerscale",
        "numpoints",
        "scatterpoints",
    ),
    ListedColormap: ("colors",),
    PackerBase: ("pad", "sep", "width", "height"),  # VPacker, HPacker
    PaddedBox: ("pad",),
    PowerNorm: ("gamma",),
    # ``scale`` and ``width`` are also set by the first draw when left None.
    Quiver: (
        "X",
        "Y",
        "XY",
        "U",
        "V",
        "angles",
        "scale",
        "width",
        "headwidth",
        "headlength",
        "headaxislength",
        "minshaft",
        "minlength",
        "polykw",  # its keywords, which each draw of a QuiverKey of it reads
    ),
    QuiverKey: ("X", "Y", "U", "angle", "color"),
    Rectangle: ("angle",),  # and a table's Cell
    RegularPolygon: ("xy", "radius", "orientation", "numvertices"),  # and CirclePolygon
    SubplotSpec: ("num1",),  # its ``num2`` is a property, in DATA_PROPERTIES
    # A pie's wedges; a polar Axes' background Wedge is set through these in
    # each of its draws (five attribute sets, a microsecond).
    Wedge: ("center", "r", "theta1", "theta2", "width"),
    # Locators and formatters: their ``set_params`` (which converts) sets them too.
    AsinhLocator: ("linear_width", "numticks", "symthresh", "base", "subs"),
    AutoMinorLocator: ("ndivs",),
    FixedLocator: ("locs", "nbins"),
    IndexLocator: ("offset",),
    LogFormatter: ("minor_thresholds",),
    LogLocator: ("numticks",),
    PercentFormatter: ("xmax", "decimals"),
    SymmetricalLogLocator: ("numticks",),
    # Widgets: their event handlers and ``set_val`` (which converts) set them too.
    Lasso: ("verts",),
    PolygonSelector: ("grab_range",),
    RangeSlider: ("val", "valinit"),
    RectangleSelector: ("minspanx", "minspany", "grab_range"),  # and EllipseSelector
    Slider: ("val", "valinit"),
    SliderBase: ("valmin", "valmax", "valstep"),
    SpanSelector: ("minspan", "grab_range", "snap_values"),
}

#: Layout spacings set by assignment (``gs.wspace = t``): converted as the
#: ``wspace=`` keyword is, marked for the constrained layout (:mod:`torchplot._spacing`).
SPACING_ATTRIBUTES: dict[type, tuple[str, ...]] = {GridSpec: ("wspace", "hspace")}

_SET_IN_EACH_DRAW = "set by Matplotlib in each draw: a converting attribute would cost every draw"

#: Public attributes holding numbers or arrays that a twin leaves alone, with the reason.
NOT_DATA_ATTRIBUTES: dict[type, dict[str, str]] = {
    Artist: {
        "zorder": (
            "a class attribute, read for every artist in each draw: an instance's value "
            "cannot be converted without a getter on those reads; set_zorder(t) converts"
        ),
    },
    Axes3D: {
        "M": _SET_IN_EACH_DRAW + " (the projection)",
        "invM": _SET_IN_EACH_DRAW + " (the projection)",
        "initial_azim": "set by view_init from its arguments, which it converts",
        "initial_elev": "as initial_azim",
        "initial_roll": "as initial_azim",
    },
    BoundaryNorm: {"N": "Matplotlib's count of the boundaries"},
    Colorbar: {
        "vmin": "computed by the colorbar from its norm and boundaries on each update",
        "vmax": "as vmin",
    },
    Colormap: {"n_variates": "a constant of the class (1: a Colormap maps one variate)"},
    ContourSet: {
        "cvalues": "computed by Matplotlib from the levels",
        "layers": "as cvalues",
        "zmin": "computed by Matplotlib from the data",
        "zmax": "as zmin",
        "labelCValueList": "clabel's record of what it labelled, from its converted arguments",
        "labelCValues": "as labelCValueList",
        "labelIndiceList": "as labelCValueList",
        "labelLevelList": "as labelCValueList",
        "labelXYs": "as labelCValueList",
    },
    FancyArrow: {"verts": "computed from x, y, dx, dy by __init__ and set_data (which converts)"},
    # Matplotlib 3.10's base Formatter.set_locs stores them (ticks' locations).
    Formatter: {"locs": _SET_IN_EACH_DRAW + " (by set_locs)"},
    Line2D: {"ind_offset": _SET_IN_EACH_DRAW + " (for contains)"},
    Quiver: {
        "N": "Matplotlib's count of the arrows",
        "span": _SET_IN_EACH_DRAW,
    },
    QuiverKey: {"verts": _SET_IN_EACH_DRAW + " (its arrow, in Matplotlib 3.10)"},
    RadioButtons: {"index_selected": "set by set_active (which converts) and by clicks"},
    ScalarFormatter: {"offset": _SET_IN_EACH_DRAW + " (by set_locs); set_useOffset(t) converts"},
    ScalarMappable: {"colorbar_cid": "a callback id, not data"},
    TextBox: {"cursor_index": "set by key presses, not data"},
}


class DataAttribute:
    """An instance attribute converted by the one rule when it is set.

    Stored in the instance ``__dict__`` under its own name, as Matplotlib
    stores it, so an object adopted after Matplotlib set it reads the same.
    It has no ``__get__``: reads (``Annotation.xy``, some twenty in each draw)
    find the value in the instance ``__dict__`` at Matplotlib's own speed.
    """

    def __init__(self, name: str, where: str) -> None:
        self.name, self.where = name, where

    def __set__(self, obj: Any, value: Any) -> None:
        obj.__dict__[self.name] = to_numpy(value, name=self.where)

    def __delete__(self, obj: Any) -> None:
        try:
            del obj.__dict__[self.name]
        except KeyError:
            raise AttributeError(self.name) from None


class SpacingAttribute(DataAttribute):
    """A layout spacing set by assignment (``gs.wspace = t``): see :data:`SPACING_ATTRIBUTES`."""

    def __set__(self, obj: Any, value: Any) -> None:
        converted = to_numpy(value, name=self.where)
        if converted is not value:
            # Marked as the ``wspace=t`` keyword's value is: a float32 or
            # float16 scalar the constrained layout reads as its float.
            converted = marked_spacing(converted)
        obj.__dict__[self.name] = converted


def converting_attributes(base: type) -> dict[str, DataAttribute]:
    """The converting descriptors of the twin of ``base``, by attribute name."""
    found: dict[str, DataAttribute] = {}
    for table, kind in ((DATA_ATTRIBUTES, DataAttribute), (SPACING_ATTRIBUTES, SpacingAttribute)):
        for holder, names in table.items():
            if issubclass(base, holder):
                for name in names:
                    # A user's subclass that makes one a property keeps its property.
                    if inspect.getattr_static(base, name, None) is None:
                        found[name] = kind(name, f"{base.__qualname__}.{name}")
    return found
