"""Optional sentence-embedding links, from a model on local disk (never downloaded).

:class:`EmbeddingMatcher` loads a sentence-transformers model from a local
directory (``model_path``), embeds texts (L2-normalised), and lists the pairs
whose cosine similarity is at least ``threshold``, computed block by block
(memory ``block × n`` floats). A multilingual model
(``paraphrase-multilingual-MiniLM-L12-v2``, say) links translations; an
English one (``all-MiniLM-L6-v2``) links English paraphrases.

Nothing is fetched: the path must be an existing directory (else
:class:`ModelNotFoundError`), and the model is opened with
``local_files_only=True``. ``sentence-transformers`` is an optional
dependency (:class:`MissingDependencyError` names the install line).

Example::

    >>> m = EmbeddingMatcher("/models/paraphrase-multilingual-MiniLM-L12-v2", threshold=0.8)  # doctest: +SKIP
    >>> m.fit(["Shame on the MP", "Honte au député"]).pairs_                               # doctest: +SKIP
    [(0, 1, 0.86)]
"""

from __future__ import annotations

import functools
import os
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import numpy as np

from ..errors import CibwatchError, NotFoundError, ParameterError

__all__ = ["EmbeddingMatcher", "ModelNotFoundError", "MissingDependencyError", "load_model"]


class ModelNotFoundError(NotFoundError, FileNotFoundError):
    """The embedding model directory does not exist (nothing is downloaded)."""

    hint = "Point --embedding-model at a local sentence-transformers directory (see docs/text.md)."


class MissingDependencyError(CibwatchError, ImportError):
    """An optional dependency is not installed."""

    hint = "Install it with: pip install 'cibwatch[embed]'."


@functools.lru_cache(maxsize=4)
def load_model(model_path: str, device: str = "cpu") -> Any:
    """The sentence-transformers model in ``model_path`` (loaded once per process, offline)."""
    path = Path(model_path)
    if not path.is_dir():
        raise ModelNotFoundError(f"no sentence-transformers model at {model_path!r} (a local directory is required).")
    try:
        from sentence_transformers import SentenceTransformer
    except ImportError as exc:
        raise MissingDependencyError("the embedding matcher needs the 'sentence-transformers' package.") from exc
    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
    return SentenceTransformer(str(path), device=device, local_files_only=True)


class EmbeddingMatcher:
    """Pairs of texts whose sentence embeddings have cosine similarity >= ``threshold``.

    Parameters
    ----------
    model_path:
        Local directory of a sentence-transformers model.
    threshold:
        Cosine similarity in ``(0, 1]``.
    batch_size:
        Texts per encoding batch.
    block:
        Rows of the similarity matrix computed at once.
    device:
        Torch device (``"cpu"``).
    """

    def __init__(
        self,
        model_path: str | os.PathLike[str],
        threshold: float = 0.8,
        batch_size: int = 64,
        block: int = 2048,
        device: str = "cpu",
    ) -> None:
        self.model_path = model_path
        self.threshold = threshold
        self.batch_size = batch_size
        self.block = block
        self.device = device

    def get_params(self) -> dict[str, Any]:
        return {
            "model_path": str(self.model_path),
            "threshold": self.threshold,
            "batch_size": self.batch_size,
            "block": self.block,
            "device": self.device,
        }

    def _validate(self) -> None:
        t = self.threshold
        if not isinstance(t, (int, float)) or isinstance(t, bool) or not (0 < t <= 1):
            raise ParameterError("threshold", "a number in (0, 1]", t, owner="EmbeddingMatcher")
        for name in ("batch_size", "block"):
            v = getattr(self, name)
            if not isinstance(v, int) or isinstance(v, bool) or v < 1:
                raise ParameterError(name, "an integer >= 1", v, owner="EmbeddingMatcher")

    def encode(self, texts: Sequence[str]) -> np.ndarray:
        """L2-normalised embeddings (float32, one row per text)."""
        self._validate()
        model = load_model(str(self.model_path), self.device)
        if not texts:
            return np.zeros((0, 0), np.float32)
        emb = model.encode(
            list(texts),
            batch_size=self.batch_size,
            convert_to_numpy=True,
            normalize_embeddings=True,
            show_progress_bar=False,
        )
        return np.asarray(emb, np.float32)

    def fit(self, texts: Sequence[str]) -> EmbeddingMatcher:
        """Embed ``texts``; sets ``embeddings_`` and ``pairs_`` (``(i, j, cosine)``, ``i < j``)."""
        emb = self.encode(texts)
        self.embeddings_ = emb
        pairs: list[tuple[int, int, float]] = []
        n = emb.shape[0]
        for lo in range(0, n, self.block):
            sim = emb[lo : lo + self.block] @ emb.T
            rows, cols = np.nonzero(sim >= self.threshold)
            for r, c in zip(rows.tolist(), cols.tolist(), strict=True):
                i = lo + r
                if i < c:
                    pairs.append((i, c, float(sim[r, c])))
        self.pairs_ = pairs
        self.parameters_ = self.get_params()
        return self
