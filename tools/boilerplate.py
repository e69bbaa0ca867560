"""Generate ``torchplot/_pyplot.py``: one explicit line per public name of ``matplotlib.pyplot``.

Run ``python tools/boilerplate.py`` after upgrading Matplotlib;
``tests/test_namespace.py`` fails while the generated module is out of date,
so a new pyplot function cannot be missed.

Each name is re-exported in one of these ways:

* a function that only forwards to ``gca().<name>``: wrapped by
  :func:`torchplot._wrap.axes_delegate`, so the Axes method converts (and its
  tensor-native layers see the tensors);
* one that forwards to ``gcf().<name>``: wrapped by
  :func:`torchplot._wrap.figure_delegate`, so the Figure method converts;
* one of ``LAYERED_FUNCTIONS``: wrapped by :func:`torchplot._wrap.layered_function`,
  so its tensor-native layers (``"pyplot.<name>"``) see the tensors before the
  one rule converts them;
* any other function: wrapped by :func:`torchplot._wrap.tensor_aware` (converts tensor
  arguments, adopts what it returns; same signature and docstring);
* a class under ``ADOPTED_ROOTS`` (artists, norms, locators, ...): its tensor-aware twin, which
  answers ``isinstance`` like the Matplotlib class, built on first use (module
  ``__getattr__``; type checkers see it bound);
* one of Matplotlib's registries (``colormaps``, ``color_sequences``): a view
  sharing its entries, by :func:`torchplot._wrap.registry_view`;
* anything else (modules, constants, non-artist classes): the very same object.

Type checkers see Matplotlib's own functions and classes in place of the
wrappers and twins (``if TYPE_CHECKING``): a variable holding a wrapper is an
anonymous callable to them, so their messages would not name the function.

The output is the same whichever supported Matplotlib runs the generator: the
names only some supported releases have are listed in ``VERSIONED_NAMES`` and
bound under a condition on the release; every other name of the installed
pyplot is bound unconditionally, so a name new to any release breaks the sync
test until it is classified here.  A type checker cannot evaluate the
condition: it sees the names of the release it checks against as Matplotlib's,
and those only other releases have as ``Any``.
"""

from __future__ import annotations

import inspect
import sys
import types
from collections.abc import Collection
from pathlib import Path
from typing import NamedTuple

import matplotlib
import matplotlib.pyplot as pyplot
from matplotlib.artist import Artist
from matplotlib.cm import ColormapRegistry, ScalarMappable
from matplotlib.colorbar import Colorbar
from matplotlib.colorizer import Colorizer
from matplotlib.colors import Colormap, ColorSequenceRegistry, Normalize
from matplotlib.gridspec import GridSpecBase, SubplotSpec
from matplotlib.layout_engine import LayoutEngine
from matplotlib.ticker import Formatter, Locator
from matplotlib.widgets import Widget

#: Must equal ``torchplot._twins.ADOPTED_ROOTS`` (``tests/test_namespace.py``
#: checks); spelled out here so the generator runs without torchplot importable.
ADOPTED_ROOTS = (
    Artist,
    Colorbar,
    Colorizer,
    Colormap,
    Normalize,
    ScalarMappable,
    GridSpecBase,
    SubplotSpec,
    LayoutEngine,
    Locator,
    Formatter,
    Widget,
)

#: Matplotlib's registries of named objects: callable or not, they are mappings
#: that must stay shared with Matplotlib (a colormap registered through either
#: is in both), never wrapped as functions.
REGISTRIES = (ColormapRegistry, ColorSequenceRegistry)

#: pyplot functions, neither Axes nor Figure methods, with tensor-native layers
#: registered as ``"pyplot.<name>"`` (``tests/test_namespace.py`` checks the two
#: agree; spelled out here so the generator runs without torchplot importable).
LAYERED_FUNCTIONS = frozenset({"imsave"})

#: pyplot functions that pick (or make) an Axes of the current Figure, then
#: pass their arguments on to one of its methods (``polar``: ``ax.plot(...)``):
#: delegated like the Figure forwarders, so that method's layers and errors
#: see the tensors themselves.
FIGURE_FIRST = frozenset({"polar"})

#: The oldest Matplotlib torchplot supports (``pyproject.toml``'s floor, which
#: ``tests/test_namespace.py`` checks against this).
OLDEST_SUPPORTED = (3, 10)


class Versioned(NamedTuple):
    """The supported Matplotlib releases whose pyplot has a name, and how it is re-exported."""

    since: tuple[int, int] | None
    """The first release with the name; ``None``: every supported one."""
    until: tuple[int, int] | None
    """The first release without it; ``None``: still there."""
    group: str
    """What :func:`classify` says of it where it exists."""


#: pyplot names that only some supported Matplotlib releases have.  Spelled
#: out, not looked up, because the generated module must be right on the
#: releases not installed; :func:`check_versioned_names` refuses an entry that
#: the installed Matplotlib contradicts.  Drop an entry once every supported
#: release has (or lacks) the name.
VERSIONED_NAMES = {
    "IO": Versioned((3, 11), None, "same"),  # typing's, for pyplot's annotations
    "grouped_bar": Versioned((3, 11), None, "axes"),
    "pie_label": Versioned((3, 11), None, "axes"),
    "plot_date": Versioned(None, (3, 11), "axes"),  # deprecated in 3.9
}

ROOT = Path(__file__).resolve().parent.parent
TARGET = ROOT / "torchplot" / "_pyplot.py"

HEADER = '''\
"""Every public name of ``matplotlib.pyplot``, tensor-aware.

GENERATED by ``tools/boilerplate.py``; do not edit.  Right for every Matplotlib
from {oldest} on: the names only some releases have are bound under a condition
on the installed release.  ``tests/test_namespace.py`` checks it against the
installed Matplotlib.
"""

from __future__ import annotations

import typing as _typing

import matplotlib.pyplot as _pyplot

from torchplot._compat import matplotlib_release as _matplotlib_release
from torchplot._twins import twin_of as _twin_of
from torchplot._wrap import axes_delegate as _axes_delegate
from torchplot._wrap import figure_delegate as _figure_delegate
from torchplot._wrap import layered_function as _layered_function
from torchplot._wrap import registry_view as _registry_view
from torchplot._wrap import tensor_aware as _tensor_aware

#: The installed Matplotlib's ``(major, minor)``, which the names only some
#: releases have are bound under.
_MATPLOTLIB = _matplotlib_release()
'''

#: Appended to each line a type checker reads that names a versioned name: it
#: checks against one release, which lacks some of them (``unused-ignore``: or not).
TYPE_IGNORE = "  # type: ignore[attr-defined, unused-ignore]"


TWINS_COMMENT = """\
# Classes under ADOPTED_ROOTS (artists, norms, locators, ...): their tensor-aware twins, built on
# first use.  Building them all would add some 10 ms to `import torchplot`
# (the twin of Axes wraps hundreds of methods); most scripts never name them."""

TWINS_GETATTR = """\
def __getattr__(name: str) -> type:
    base = TWIN_BASES.get(name)
    if base is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    twin = globals()[name] = _twin_of(base)
    return twin"""


#: Module-level names pyplot assigns only when ``rcParams["backend_fallback"]`` is
#: true at its import; listed so the generated module does not depend on it.
CONDITIONAL_NAMES = ("available_backends", "requested_backend")


def public_names() -> list[str]:
    """The public names of the installed pyplot that every supported release has."""
    names = {n for n in dir(pyplot) if not n.startswith("_")} - set(VERSIONED_NAMES)
    return sorted(names | set(CONDITIONAL_NAMES))


def installed_release() -> tuple[int, int]:
    major, minor = matplotlib.__version_info__[:2]
    return major, minor


def has_name(entry: Versioned, release: tuple[int, int]) -> bool:
    """Whether pyplot of ``release`` has the name ``entry`` describes."""
    return (entry.since is None or release >= entry.since) and (
        entry.until is None or release < entry.until
    )


def check_versioned_names() -> None:
    """Raise ``ValueError`` where the installed Matplotlib contradicts ``VERSIONED_NAMES``."""
    release = installed_release()
    if release < OLDEST_SUPPORTED:
        raise ValueError(f"Matplotlib {matplotlib.__version__} is older than {OLDEST_SUPPORTED}")
    wrong = []
    for name, entry in sorted(VERSIONED_NAMES.items()):
        if entry.since is not None and entry.since <= OLDEST_SUPPORTED:
            wrong.append(f"{name}: since {entry.since}, every supported release (write None)")
        if entry.until is not None and entry.until <= OLDEST_SUPPORTED:
            wrong.append(f"{name}: until {entry.until}, no supported release (drop it)")
        if hasattr(pyplot, name) != has_name(entry, release):
            wrong.append(f"{name}: present={hasattr(pyplot, name)}, contrary to {entry}")
        elif hasattr(pyplot, name) and classify(name) != entry.group:
            wrong.append(f"{name}: classified {classify(name)!r}, not {entry.group!r}")
    if wrong:
        raise ValueError(
            f"VERSIONED_NAMES disagrees with Matplotlib {matplotlib.__version__}: "
            + "; ".join(wrong)
        )


def condition(entry: Versioned) -> str:
    """The test on ``_MATPLOTLIB`` under which the generated module binds the name."""
    if entry.since is not None and entry.until is not None:
        return f"{entry.since} <= _MATPLOTLIB < {entry.until}"
    if entry.since is not None:
        return f"_MATPLOTLIB >= {entry.since}"
    return f"_MATPLOTLIB < {entry.until}"


def by_condition(groups: Collection[str]) -> dict[str, list[str]]:
    """The versioned names of ``groups`` under each condition, in a stable order."""
    names: dict[str, list[str]] = {}
    for name, entry in sorted(VERSIONED_NAMES.items()):
        if entry.group in groups:
            names.setdefault(condition(entry), []).append(name)
    return dict(sorted(names.items()))


def versioned(groups: Collection[str], line: str, indent: str = "", *, checked: bool) -> list[str]:
    """``line.format(n=name)`` for each versioned name of ``groups``, one ``if`` per condition.

    ``checked``: a type checker reads these lines (it checks against one
    release, which lacks some of the names), so each carries ``TYPE_IGNORE``.
    """
    suffix = TYPE_IGNORE if checked else ""
    lines = []
    for test, names in by_condition(groups).items():
        lines.append(f"{indent}if {test}:")
        lines += [f"{indent}    {line.format(n=n)}{suffix}" for n in names]
    return lines


def versioned_all(groups: Collection[str], indent: str = "") -> list[str]:
    """``__all__ += [...]`` for the versioned names of ``groups``, one ``if`` per condition."""
    return [
        f"{indent}if {test}:\n{indent}    __all__ += {names!r}"
        for test, names in by_condition(groups).items()
    ]


def classify(name: str) -> str:
    """'axes', 'figure', 'layered', 'function', 'registry', 'twin' or 'same' for a pyplot name."""
    if name in CONDITIONAL_NAMES:
        return "same"
    if name in LAYERED_FUNCTIONS:
        return "layered"
    if name in FIGURE_FIRST:
        return "figure"
    obj = getattr(pyplot, name)
    if isinstance(obj, type):
        return "twin" if issubclass(obj, ADOPTED_ROOTS) else "same"
    if isinstance(obj, REGISTRIES):
        return "registry"
    if isinstance(obj, types.ModuleType) or not callable(obj):
        return "same"
    if getattr(obj, "__module__", None) == "typing":
        return "same"  # ``cast``, ``overload``: pyplot imports them for its annotations
    if not inspect.isroutine(obj):
        # A callable object of a kind not met yet (``colormaps`` was one): a
        # function wrapper would hide its other methods and its mapping.
        raise TypeError(f"pyplot.{name} is a callable {type(obj).__name__}: classify it here")
    try:
        source = inspect.getsource(obj)
    except (OSError, TypeError):
        return "function"
    # Matplotlib's own boilerplate: the function only forwards to the Axes
    # (Figure) method of the same name.
    if f"gca().{name}(" in source:
        return "axes"
    return "figure" if f"return gcf().{name}(" in source else "function"


def is_constant(name: str) -> bool:
    if name in CONDITIONAL_NAMES:
        return True
    obj = getattr(pyplot, name)
    return not isinstance(obj, (type, types.ModuleType)) and not callable(obj)


#: ``(group, wrapper, comment)`` for each kind of name re-exported through a wrapper.
WRAPPERS = (
    (
        "axes",
        "_axes_delegate",
        "# Forwarders to the current Axes: its tensor-aware method converts.",
    ),
    (
        "figure",
        "_figure_delegate",
        "# Forwarders to the current Figure (or an Axes of it): its tensor-aware method converts.",
    ),
    (
        "layered",
        "_layered_function",
        "# Functions with tensor-native layers: the layers, then the one rule.",
    ),
    (
        "function",
        "_tensor_aware",
        "# Functions: arguments converted by the one rule, results adopted.",
    ),
    (
        "registry",
        "_registry_view",
        "# Registries: views sharing Matplotlib's entries, handing out tensor-aware ones.",
    ),
)


def render() -> str:
    check_versioned_names()
    lines = [HEADER.format(oldest=".".join(map(str, OLDEST_SUPPORTED)))]
    groups: dict[str, list[str]] = {
        "axes": [],
        "figure": [],
        "layered": [],
        "function": [],
        "registry": [],
        "twin": [],
        "same": [],
    }
    for name in public_names():
        groups[classify(name)].append(name)
    wrapped = [w for w in WRAPPERS if w[0] != "registry"]
    functions = [n for group, _, _ in wrapped for n in groups[group]]
    lines.append("if _typing.TYPE_CHECKING:")
    lines.append("    # Matplotlib's own functions, whose names a type checker puts in its")
    lines.append("    # messages; a variable holding a wrapper is an anonymous callable to it.")
    lines += [f"    from matplotlib.pyplot import {n} as {n}" for n in sorted(functions)]
    wrapped_groups = [group for group, _, _ in wrapped]
    lines += versioned(
        wrapped_groups, "from matplotlib.pyplot import {n} as {n}", "    ", checked=True
    )
    lines.append("else:")
    for group, wrapper, comment in wrapped:
        lines.append(f"    {comment}")
        lines += [f"    {n} = {wrapper}(_pyplot.{n})" for n in groups[group]]
        lines += versioned([group], f"{{n}} = {wrapper}(_pyplot.{{n}})", "    ", checked=False)
        lines.append("")
    ((_, wrapper, comment),) = (w for w in WRAPPERS if w[0] == "registry")
    lines.append(comment)
    lines += [f"{n} = {wrapper}(_pyplot.{n})" for n in groups["registry"]]
    lines += versioned(["registry"], f"{{n}} = {wrapper}(_pyplot.{{n}})", checked=True)
    lines.append("")
    lines.append(TWINS_COMMENT)
    lines.append("TWIN_BASES: dict[str, type] = {")
    lines += [f"    {n!r}: _pyplot.{n}," for n in groups["twin"]]
    lines.append("}")
    lines += versioned(["twin"], "TWIN_BASES[{n!r}] = _pyplot.{n}", checked=True)
    lines.append("")
    lines.append("")
    lines.append(TWINS_GETATTR)
    lines.append("")
    lines.append("# Modules and classes: the same objects as pyplot's.")
    constants = [n for n in groups["same"] if is_constant(n)]
    lines += [f"{n} = _pyplot.{n}" for n in groups["same"] if n not in constants]
    lines += versioned(["same"], "{n} = _pyplot.{n}", checked=True)
    lines.append("")
    lines.append("# Module-level values; some exist only under some rcParams (backend_fallback).")
    lines.append("# The twin classes join __all__ only for type checkers: a star import would")
    lines.append("# build them all.")
    lines.append("__all__ = [")
    lines += [
        f"    {n!r},"
        for n in public_names()
        if n not in CONDITIONAL_NAMES and n not in groups["twin"]
    ]
    lines.append("]")
    lines += versioned_all([group for group in groups if group != "twin"])
    lines.append("if _typing.TYPE_CHECKING:")
    lines.append("    # Matplotlib's classes, which each twin subclasses: a variable holding")
    lines.append("    # ``_twin_of(...)`` is no type to a type checker (``ax: plt.Axes``).")
    lines += [f"    {n} = _pyplot.{n}" for n in groups["twin"]]
    lines += versioned(["twin"], "{n} = _pyplot.{n}", "    ", checked=True)
    lines.append("    __all__ += [")
    lines += [f"        {n!r}," for n in groups["twin"]]
    lines.append("    ]")
    lines += versioned_all(["twin"], "    ")
    lines += [f"{n} = _pyplot.{n}" for n in constants if n not in CONDITIONAL_NAMES]
    lines += [
        f"if hasattr(_pyplot, {n!r}):\n    {n} = _pyplot.{n}\n    __all__.append({n!r})"
        for n in CONDITIONAL_NAMES
    ]
    lines.append("")
    return "\n".join(lines)


def main() -> int:
    sys.path.insert(0, str(ROOT))
    TARGET.write_text(render())
    count = len(public_names()) + len(VERSIONED_NAMES)
    print(f"wrote {TARGET.relative_to(ROOT)} ({count} names, {len(VERSIONED_NAMES)} versioned)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
