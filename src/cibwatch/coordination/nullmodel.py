"""How many co-actions a pair of accounts would have by chance.

The null model is the bipartite configuration model of the account–object
graph, with each object's own timing kept (the analogue, for co-action
networks, of the ``k_i k_j / 2m`` null model of modularity; Newman 2006,
*Modularity and community structure in networks*, PNAS 103(23)):

* account ``a`` touches ``d_a`` distinct objects of kind ``k``, object ``o``
  is touched by ``n_o`` accounts, ``M = Σ d_a = Σ n_o`` incidences;
* if accounts picked objects at random in proportion to popularity,
  ``P(a and b both touch o) ≈ d_a d_b n_o² / M²``;
* given that both touched ``o``, the chance that they did so within the time
  window is the share ``f_o`` of the object's account pairs that did, so
  each object's burstiness (a viral post answered by everyone within a
  minute) is part of the expectation;
* summed over objects, ``Σ_o n_o (n_o - 1) f_o = 2 W`` where ``W`` is the
  number of (account pair, object) co-actions observed, so

  ``λ_ab = Σ_k d_a^k d_b^k · 2 W^k / (M^k)²``   (one term per signal kind).

The observed statistic is the number of distinct objects of one kind the pair
co-acted on; its p-value is the Poisson upper tail ``P(X ≥ n^k | λ^k_ab)``,
the smallest over kinds, Bonferroni-corrected for the number of kinds
(:func:`edge_pvalues`: kinds are correlated and are not added up). q-values
follow Benjamini & Hochberg (1995, *Controlling the false discovery
rate*, JRSS B 57(1)) across all tested edges.

An organic pile-on is self-normalising: the more accounts answer a viral post
within the window, the larger ``W`` and the larger every pair's expectation.
"""

from __future__ import annotations

import numpy as np

__all__ = ["configuration_expectation", "edge_pvalues", "poisson_pvalues", "bh_qvalues", "adamic_adar_weight"]


def configuration_expectation(deg: np.ndarray, a: np.ndarray, b: np.ndarray, w_per_kind: np.ndarray) -> np.ndarray:
    """``λ_ab^k`` for edges (a, b): an (edges × kinds) array.

    ``deg`` is an (accounts × kinds) array of distinct objects per account and
    kind; ``w_per_kind`` the observed co-actions per kind (``W^k``).
    """
    m = deg.sum(axis=0).astype(np.float64)  # M^k
    rate = np.divide(2.0 * w_per_kind, m * m, out=np.zeros_like(m), where=m > 0)
    return deg[a].astype(np.float64) * deg[b].astype(np.float64) * rate


def edge_pvalues(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """One p-value per edge from per-kind counts and expectations (edges × kinds).

    Signal kinds are correlated (one comment gives a ``reply`` and a
    ``reply_account`` co-action; one link a ``url`` and a ``domain`` one), so
    they are not added up: each kind is tested on its own (Poisson upper tail)
    and the smallest p-value is Bonferroni-corrected for the number of kinds
    that produced any co-action.
    """
    n_edges, n_kinds = observed.shape
    if n_edges == 0:
        return np.empty(0, np.float64)
    active = max(int((expected.sum(axis=0) > 0).sum()), 1)
    p = np.ones((n_edges, n_kinds))
    hit = observed > 0
    p[hit] = poisson_pvalues(observed[hit], expected[hit])
    return np.minimum(p.min(axis=1) * active, 1.0)


def poisson_pvalues(observed: np.ndarray, expected: np.ndarray) -> np.ndarray:
    """``P(X >= observed)`` for ``X ~ Poisson(expected)``."""
    exp = np.maximum(expected, np.finfo(np.float64).tiny)
    from scipy.stats import poisson  # imported here: scipy.stats takes a second to import

    return np.asarray(poisson.sf(observed - 1, exp), dtype=np.float64)


def bh_qvalues(p: np.ndarray, m: int | None = None) -> np.ndarray:
    """Benjamini–Hochberg adjusted p-values (step-up, monotone, capped at 1).

    ``m`` is the number of hypotheses when it exceeds ``len(p)``: the others
    (edges that cannot be significant and are not listed) are ranked after
    these, which can only make the q-values larger (conservative).
    """
    n = p.shape[0]
    if n == 0:
        return p.astype(np.float64)
    total = max(n, m or 0)
    order = np.argsort(p, kind="stable")
    ranked = p[order] * total / np.arange(1, n + 1)
    q_sorted = np.minimum.accumulate(ranked[::-1])[::-1]
    q = np.empty(n, np.float64)
    q[order] = np.minimum(q_sorted, 1.0)
    return q


def adamic_adar_weight(n_accounts: np.ndarray) -> np.ndarray:
    """Weight of one co-action on an object touched by ``n`` accounts: ``1 / log2(n)``.

    Adamic & Adar (2003, *Friends and neighbors on the Web*, Social Networks
    25(3)) weight a shared neighbour by the inverse log of its degree: an
    object two accounts share alone counts 1, one shared by 1,024 accounts
    counts 0.1.
    """
    return 1.0 / np.log2(np.maximum(n_accounts, 2).astype(np.float64))
