"""Figure galleries: :class:`Gallery` for a run, ``python -m torchplot gallery`` for scripts.

* :mod:`._store`: the folder layout (journal, marker, atomic views, refresh policy).
* :mod:`._html`: the page.
* :mod:`._gallery`: the public :class:`Gallery`.
* :mod:`._runner`: runs one script in a child process and collects its figures.
* :mod:`._cli`: the ``gallery`` subcommand.
"""

from __future__ import annotations

from torchplot._gallery._gallery import Gallery
from torchplot._gallery._store import NotAGalleryError

__all__ = ["Gallery", "NotAGalleryError"]
