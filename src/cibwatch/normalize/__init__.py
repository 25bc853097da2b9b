"""Normalisation helpers shared by ingest and the detectors.

* :mod:`cibwatch.normalize.time` parses every timestamp form the supported
  exports use into naive UTC :class:`datetime.datetime` values.
* :mod:`cibwatch.normalize.urls` canonicalises URLs and domains.
* :mod:`cibwatch.normalize.text` folds the disguises of copied text
  (look-alike letters, invisible characters, emoji padding, leetspeak…).
* :mod:`cibwatch.normalize.lang` identifies the language of a text offline.
"""

from __future__ import annotations

__all__ = ["lang", "text", "time", "urls"]
