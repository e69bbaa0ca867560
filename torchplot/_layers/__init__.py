"""Tensor-native layers (see :mod:`torchplot._native`), one module per behaviour.

Imported by :func:`torchplot._native.layer_specs` before the first twin class
is built, so every twin Axes carries them.  A layer module must not import torch at import time.
"""

from torchplot._layers import (  # noqa: F401
    hist_device,
    images,
    imshow_downsample,
    plot_reduce,
    shapes,
)
