"""torchplot's own settings, ``torchplot.rc_params``: opt-ins that Matplotlib has no key for.

These live in a separate mapping, not in ``matplotlib.rcParams``: adding keys
there would change Matplotlib's validation for every user of the process
(importing torchplot changes nothing in Matplotlib), and a call without
tensors must draw exactly what Matplotlib draws.  Unknown keys and invalid
values raise (``KeyError``, ``ValueError``); :func:`torchplot.reset_rc_params`
restores the defaults.

==========================  ==========  ==================================================
key                         default     meaning
==========================  ==========  ==================================================
``plot.reduce``             ``False``   ``plot`` of a long 1-D tensor keeps only the points
                                        that can change its pixels (``True`` or ``"m4"``);
                                        the ``reduce=`` keyword of one call overrides it
``plot.reduce_oversample``  ``16``      reduction columns per pixel column of the Axes
``plot.reduce_threshold``   ``16``      reduce only above this many points per column
``imshow.downsample``       ``False``   ``imshow`` of an image larger than the Axes is
                                        downsampled on the device (the ``downsample=``
                                        keyword of one call overrides it)
==========================  ==========  ==================================================
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

__all__ = ["rc_params", "reduce_method", "downsample_method"]


def _switch(value: Any, on: str, name: str, keyword: str, what: str) -> str | None:
    # An opt-in keyword: off (None, False, "none") or the one method ``on``
    # (True or its name); anything else is a mistake worth an error.
    if value is None or value is False or value == "none":
        return None
    if value is True or value == on:
        return on
    raise ValueError(
        f"{name}={value!r} is not {what}. Fix: pass {keyword}=True (or {on!r}) or False."
    )


def reduce_method(value: Any, name: str = "reduce") -> str | None:
    """``None`` (no reduction) or ``"m4"`` for a ``reduce=`` value; ``ValueError`` otherwise."""
    return _switch(value, "m4", name, "reduce", "a line reduction")


def downsample_method(value: Any, name: str = "downsample") -> str | None:
    """``None`` or ``"area"`` for a ``downsample=`` value; ``ValueError`` otherwise."""
    return _switch(value, "area", name, "downsample", "an image downsampling")


def _positive_int(value: Any, name: str = "") -> int:
    if isinstance(value, bool) or not isinstance(value, int) or value < 1:
        raise ValueError(f"{name}={value!r}: expected a positive integer.")
    return value


_VALIDATORS: dict[str, Callable[[Any, str], Any]] = {
    "plot.reduce": reduce_method,
    "plot.reduce_oversample": _positive_int,
    "plot.reduce_threshold": _positive_int,
    "imshow.downsample": downsample_method,
}


class RcParams(dict[str, Any]):
    """A ``dict`` of torchplot's settings that rejects unknown keys and invalid values."""

    def __setitem__(self, key: str, value: Any) -> None:
        validate = _VALIDATORS.get(key)
        if validate is None:
            raise KeyError(f"{key!r} is not a torchplot setting; valid keys: {sorted(_VALIDATORS)}")
        validate(value, key)
        super().__setitem__(key, value)

    def update(self, *args: Any, **kwargs: Any) -> None:  # route through the validation
        for key, value in dict(*args, **kwargs).items():
            self[key] = value

    def __ior__(self, other: Any) -> RcParams:  # type: ignore[override,misc]
        self.update(other)
        return self

    def setdefault(self, key: str, default: Any = None) -> Any:
        if key not in self:
            self[key] = default
        return self[key]

    # Every setting always has a value: the layers read them on every call.
    def __delitem__(self, key: str) -> None:
        raise TypeError(f"torchplot settings cannot be removed; assign {key!r} a value instead")

    def _no_removal(self, *args: Any) -> Any:
        raise TypeError("torchplot settings cannot be removed; assign a value instead")

    pop = popitem = clear = _no_removal


#: The default of every setting.
DEFAULTS: dict[str, Any] = {
    "plot.reduce": False,
    "plot.reduce_oversample": 16,
    "plot.reduce_threshold": 16,
    "imshow.downsample": False,
}

#: torchplot's settings (``torchplot.rc_params["plot.reduce"] = True``).
rc_params = RcParams()
rc_params.update(DEFAULTS)
