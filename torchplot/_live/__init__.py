"""Live plots during training (:class:`torchplot.Live`), one module per concern.

* :mod:`._transfer`: holding logged values on their device; one batched copy to the host.
* :mod:`._history`: bounded display history (min/max decimation) and the on-disk full series.
* :mod:`._panels`: panels that update their artists in place, and the blitting dashboard.
* :mod:`._sinks`: PNG file (atomic, background thread), Jupyter output, gallery snapshots.
* :mod:`._live`: the public :class:`Live`.
"""

from __future__ import annotations

from torchplot._live._live import Live

__all__ = ["Live"]
