"""torchplot: ``import torchplot as plt``, a drop-in ``matplotlib.pyplot`` that takes tensors.

Every public name of :mod:`matplotlib.pyplot` is here, and every function,
Figure, Axes and artist it hands out accepts PyTorch tensors (any device,
dtype, layout or autograd state), JAX and CuPy arrays wherever Matplotlib
accepts an array.  Conversion follows one rule, :func:`to_numpy`.

torchplot never imports torch (or any framework) itself: it recognises their
objects only once the user has imported them.
"""

from __future__ import annotations

from torchplot import _layers  # noqa: F401  (registers layers before twins are built)
from torchplot._convert import to_numpy
from torchplot._gallery import Gallery
from torchplot._live import Live
from torchplot._pyplot import *  # noqa: F403
from torchplot._pyplot import __all__ as _pyplot_all
from torchplot._rc import rc_params
from torchplot._twins import adopt

__version__ = "0.1.0"

__all__ = [*_pyplot_all, "Gallery", "Live", "adopt", "rc_params", "to_numpy"]
