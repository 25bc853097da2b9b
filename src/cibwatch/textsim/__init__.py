"""Text coordination: near-duplicate clusters, the generic-phrase guard, cross-language links.

* :class:`NearDuplicates` (:mod:`.near`): exact Jaccard join on character
  shingles inside a time window (prefix and length filtering), then clusters.
* :class:`GenericPhraseGuard` (:mod:`.guard`): short or common texts
  ("Thank you!", "Bravo", "谢谢") never become coordination objects alone.
* :class:`CrossLingualLinker` (:mod:`.xling`): the same message in English,
  French and Chinese, linked by language-agnostic fingerprints.
* :class:`EmbeddingMatcher` (:mod:`.embed`): optional sentence-embedding
  links, from a model on local disk only.
* :func:`text_clusters` (:mod:`.clusters`): posts → ``text_near`` and
  ``crosslingual`` traces and the cluster table; :mod:`.store` runs it for the
  signals of those names.
"""

from __future__ import annotations

from .clusters import CLUSTER_SCHEMA, PARAMS, TextClusterResult, text_clusters
from .embed import EmbeddingMatcher, MissingDependencyError, ModelNotFoundError
from .guard import GUARD_DEFAULTS, GenericPhraseGuard, generic_mask
from .near import DEFAULTS, NearDuplicates, encode_token_sets, near_duplicates
from .xling import XLING_DEFAULTS, CrossLingualLinker, fingerprint

__all__ = [
    "NearDuplicates",
    "near_duplicates",
    "encode_token_sets",
    "DEFAULTS",
    "GenericPhraseGuard",
    "generic_mask",
    "GUARD_DEFAULTS",
    "CrossLingualLinker",
    "fingerprint",
    "XLING_DEFAULTS",
    "EmbeddingMatcher",
    "ModelNotFoundError",
    "MissingDependencyError",
    "text_clusters",
    "TextClusterResult",
    "PARAMS",
    "CLUSTER_SCHEMA",
]
