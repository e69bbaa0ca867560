"""Figure galleries: :class:`Gallery` for a run, ``python -m torchplot gallery`` for scripts.

* :mod:`._store`: the folder layout (journal, marker, lock, atomic views, refresh policy).
* :mod:`._html`: the page.
* :mod:`._gallery`: the public :class:`Gallery`.
* :mod:`._runner`: runs one script in a child process and collects its figures.
* :mod:`._cli`: the ``gallery`` subcommand.
* :mod:`._sphinx`: :func:`reset_rc_params`, a sphinx-gallery ``reset_modules`` hook.
"""

from __future__ import annotations

from torchplot._gallery._gallery import Gallery
from torchplot._gallery._sphinx import reset_rc_params
from torchplot._gallery._store import GalleryInUseError, NotAGalleryError

__all__ = ["Gallery", "GalleryInUseError", "NotAGalleryError", "reset_rc_params"]
