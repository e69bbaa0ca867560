"""Pixel-exact: every plotting command draws from tensors what Matplotlib draws from NumPy.

Each case of ``tests/_cases.py`` runs twice inside ``check_figures_equal``
(tolerance 0): through ``torchplot`` with tensors, and through
``matplotlib.pyplot`` with the NumPy arrays that torch itself produces for the
documented rule.  A coverage test keeps the case table in step with Matplotlib.
"""

from __future__ import annotations

import warnings

import matplotlib.pyplot as mpl
import pytest
from matplotlib.axes import Axes
from matplotlib.testing.decorators import check_figures_equal

import torchplot
from tests._cases import AXES_CASES, FLOAT_VARIANTS, PYPLOT_CASES, Data
from tests._helpers import pyplot_lacks
from tools.boilerplate import VERSIONED_NAMES

#: Plot commands that take no data, with the reason; every other command has a case.
NO_DATA_COMMANDS: dict[str, str] = {
    "autoscale": "takes flags only",
    "box": "takes a flag",
    "cla": "clears; no data",
    "clf": "clears; no data",
    "close": "takes a figure or label",
    "colorbar": "takes a mappable (covered by the subplot_mosaic_and_colorbar case)",
    "delaxes": "takes an Axes",
    "draw": "no arguments",
    "draw_if_interactive": "no data",
    "figlegend": "takes artists and labels",
    "figure": "takes a figure number or size; figsize tensors are converted like any argument",
    "fignum_exists": "takes a number",
    "findobj": "takes a predicate",
    "gca": "no arguments",
    "gcf": "no arguments",
    "gci": "no arguments",
    "get": "introspection",
    "get_cmap": "takes a name",
    "get_figlabels": "no arguments",
    "get_fignums": "no arguments",
    "getp": "introspection",
    "grid": "takes flags and styles",
    "install_repl_displayhook": "REPL plumbing",
    "ioff": "mode switch",
    "ion": "mode switch",
    "isinteractive": "mode query",
    "legend": "takes artists and labels",
    "locator_params": "takes tick counts",
    "minorticks_off": "no arguments",
    "minorticks_on": "no arguments",
    "pause": "takes seconds",
    "rc": "configuration",
    "rc_context": "configuration",
    "rcdefaults": "configuration",
    "savefig": "writes the figure",
    "sca": "takes an Axes",
    "sci": "takes an image",
    "set_cmap": "takes a name",
    "set_loglevel": "configuration",
    "setp": "introspection/setter dispatch (tested in test_artists.py)",
    "show": "display",
    "subplot": "layout",
    "subplot2grid": "layout",
    "subplot_mosaic": "layout (covered by the subplot_mosaic_and_colorbar case)",
    "subplot_tool": "interactive tool",
    "subplots": "layout",
    "subplots_adjust": "layout parameters",
    "suptitle": "text (covered by the subfigures case)",
    "switch_backend": "configuration",
    "tick_params": "styles",
    "ticklabel_format": "styles",
    "tight_layout": "layout",
    "title": "text",
    "twinx": "layout (covered by the twinx Axes case)",
    "twiny": "layout (covered by the twiny Axes case)",
    "uninstall_repl_displayhook": "REPL plumbing",
    "xkcd": "style",
    "xlabel": "text",
    "xscale": "takes a scale name",
    "ylabel": "text",
    "yscale": "takes a scale name",
}

#: Axes methods of ``matplotlib.axes.Axes`` (the plotting class) that take no data.
NO_DATA_AXES_METHODS: dict[str, str] = {
    "get_legend_handles_labels": "getter",
    "get_title": "getter",
    "get_xlabel": "getter",
    "get_ylabel": "getter",
    "legend": "takes artists and labels",
    "label_outer": "layout",
    "set_title": "text",
    "set_xlabel": "text",
    "set_ylabel": "text",
}


def _draw(namespace, fig, case, variant: str, tensors: bool) -> None:
    namespace.figure(fig)
    with warnings.catch_warnings():
        # Both sides warn alike (e.g. complex input to a real plot); the
        # comparison of pixels is what matters here.
        warnings.simplefilter("ignore", UserWarning)
        case(namespace, Data(variant, tensors=tensors))


def _case_names() -> list[object]:
    """Every case's name; those of commands the installed Matplotlib lacks, skipped."""
    names = sorted(set(PYPLOT_CASES) | set(AXES_CASES))
    return [
        pytest.param(n, marks=pytest.mark.skip(reason=pyplot_lacks(n))) if pyplot_lacks(n) else n
        for n in names
    ]


@pytest.mark.parametrize("variant", FLOAT_VARIANTS)
@pytest.mark.parametrize("name", _case_names())
@check_figures_equal(extensions=["png"], tol=0)
def test_tensor_figure_equals_numpy_figure(fig_test, fig_ref, name, variant):
    case = PYPLOT_CASES.get(name) or AXES_CASES[name]
    _draw(torchplot, fig_test, case, variant, tensors=True)
    _draw(mpl, fig_ref, case, variant, tensors=False)


def test_every_plot_command_is_covered_or_excluded():
    with warnings.catch_warnings():
        # Matplotlib 3.11 marks get_plot_commands pending deprecation; it is
        # still the documented list of plotting commands.
        warnings.simplefilter("ignore", PendingDeprecationWarning)
        commands = set(mpl.get_plot_commands())
    missing = commands - set(PYPLOT_CASES) - set(NO_DATA_COMMANDS)
    assert not missing, (
        f"plot commands with no equivalence case and no exclusion: {sorted(missing)}"
    )
    # Cases for commands that other supported Matplotlib releases have are kept.
    elsewhere = {n for n in VERSIONED_NAMES if pyplot_lacks(n)}
    stale = (set(PYPLOT_CASES) | set(NO_DATA_COMMANDS)) - commands - elsewhere
    assert not stale, f"cases or exclusions for commands Matplotlib no longer has: {sorted(stale)}"


def test_every_plotting_axes_method_is_covered_or_excluded():
    # The methods defined by matplotlib.axes.Axes itself are its plotting API
    # (the base class holds layout and state).
    plotting = {n for n in vars(Axes) if not n.startswith("_") and callable(getattr(Axes, n))}
    covered = set(PYPLOT_CASES) | set(AXES_CASES) | set(NO_DATA_AXES_METHODS)
    missing = plotting - covered
    assert not missing, f"Axes plotting methods with no case and no exclusion: {sorted(missing)}"
