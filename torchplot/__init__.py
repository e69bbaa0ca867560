"""torchplot: ``import torchplot as plt``, a drop-in ``matplotlib.pyplot`` that takes tensors.

Every public name of :mod:`matplotlib.pyplot` is here, and every function,
Figure, Axes and artist it hands out accepts PyTorch tensors (any device,
dtype, layout or autograd state), JAX and CuPy arrays wherever Matplotlib
accepts an array.  Conversion follows one rule, :func:`to_numpy`.

torchplot never imports torch (or any framework) itself: it recognises their
objects only once the user has imported them.
"""

from __future__ import annotations

import importlib
from typing import TYPE_CHECKING, Any

from torchplot import _pyplot
from torchplot._convert import to_numpy
from torchplot._pyplot import *  # noqa: F403
from torchplot._pyplot import __all__ as _pyplot_all
from torchplot._rc import rc_params
from torchplot._twins import adopt

if TYPE_CHECKING:
    from torchplot._gallery import Gallery, GalleryInUseError, NotAGalleryError, reset_rc_params
    from torchplot._live import Live

__version__ = "0.1.0"

#: Names bound on first use, with the module that holds them.  ``import
#: torchplot`` stays within a few percent of ``import matplotlib.pyplot``: the
#: twin classes, ``Live`` and ``Gallery`` with its errors and sphinx-gallery
#: hook (and the tensor-native layers, which the first twin loads) cost more to
#: set up than the rest of the package.
_LAZY: dict[str, str] = {
    **dict.fromkeys(_pyplot.TWIN_BASES, "torchplot._pyplot"),
    **dict.fromkeys(
        ("Gallery", "GalleryInUseError", "NotAGalleryError", "reset_rc_params"),
        "torchplot._gallery",
    ),
    "Live": "torchplot._live",
}

__all__ = [
    *_pyplot_all,
    *_pyplot.TWIN_BASES,
    "Gallery",
    "GalleryInUseError",
    "Live",
    "NotAGalleryError",
    "adopt",
    "rc_params",
    "reset_rc_params",
    "to_numpy",
]


def __getattr__(name: str) -> Any:
    module = _LAZY.get(name)
    if module is None:
        if name.startswith("_") and not name.startswith("__"):
            # pyplot's private names, which code in the wild reads
            # (``plt._pylab_helpers.Gcf``): looked up on each read, as some
            # change (``_backend_mod``).
            try:
                return getattr(_pyplot._pyplot, name)
            except AttributeError:
                pass
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = globals()[name] = getattr(importlib.import_module(module), name)
    return value


def __dir__() -> list[str]:
    return sorted({*globals(), *_LAZY})
