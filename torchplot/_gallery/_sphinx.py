"""sphinx-gallery support: a ``reset_modules`` hook that restores ``torchplot.rc_params``.

sphinx-gallery runs every example in one process and resets Matplotlib's
``rcParams`` between them, but torchplot's own settings live apart (see
:mod:`torchplot._rc`), so an example that opts in (``rc_params["imshow.
downsample"] = True``) would change every example after it.
"""

from __future__ import annotations

from typing import Any

__all__ = ["reset_rc_params"]


def reset_rc_params(gallery_conf: Any = None, fname: Any = None) -> None:
    """Restore every ``torchplot.rc_params`` setting to its default.

    A sphinx-gallery ``reset_modules`` hook (it takes and ignores the
    ``gallery_conf`` and ``fname`` that sphinx-gallery passes), and callable
    on its own: ``torchplot.reset_rc_params()``.

    Parameters
    ----------
    gallery_conf : dict, optional
        sphinx-gallery's configuration; unused.
    fname : str, optional
        The example about to run (or just run); unused.

    Examples
    --------
    In the Sphinx ``conf.py``, next to Matplotlib's own reset::

        sphinx_gallery_conf = {
            ...,
            "reset_modules": ("matplotlib", "torchplot.reset_rc_params"),
        }
    """
    from torchplot._rc import DEFAULTS, rc_params

    rc_params.update(DEFAULTS)
