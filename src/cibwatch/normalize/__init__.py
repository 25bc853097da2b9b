"""Normalisation helpers shared by ingest and the detectors.

* :mod:`cibwatch.normalize.time` parses every timestamp form the supported
  exports use into naive UTC :class:`datetime.datetime` values.
* :mod:`cibwatch.normalize.urls` canonicalises URLs and domains.
"""

from __future__ import annotations

__all__ = ["time", "urls"]
