"""The learned classifier: sentence embeddings of a message and of its sentences, then a small trained head.

A message is embedded whole and sentence by sentence; its features are the whole-message vector beside the
element-wise maximum over its sentences, so a stall buried in a long recap still shows. The head is a one-hidden-layer
network (label: a stall kind, chase, deal_update or other; it beat a logistic regression out of fold) plus a binary
logistic regression (does the message carry a deal update, stall or not). Its weights are a few hundred kilobytes, committed in `bot/reading/model/`, and retrained
reproducibly by `heartful train`.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

from bot.coaching.models import STALL_KINDS
from bot.reading.embedding import Embedder

CLASSES: tuple[str, ...] = (*STALL_KINDS, "chase", "deal_update", "other")
STALL_INDEX = np.arange(len(STALL_KINDS))
MODEL_DIR = Path(__file__).parent / "model"
HEAD_FILE = MODEL_DIR / "head.npz"
MAX_SENTENCES = 8

_SENTENCE_END_RE = re.compile(r"(?<=[.!?;])\s+|\s*\n+\s*|\s+[-\u2013\u2014]\s+")
_MARKUP_RE = re.compile(r"<[@#!][^>|]*(?:\|([^>]*))?>|<(?:https?|mailto):[^>|]*(?:\|([^>]*))?>")


def model_text(text: str) -> str:
    """What the model reads: Slack's angle-bracket markup replaced by the label a person sees."""
    return _MARKUP_RE.sub(lambda m: m.group(1) or m.group(2) or "@someone", text).replace("\x00", "").strip()


def sentences(text: str) -> list[str]:
    """A message's sentences (quote marks dropped), the tiny ones joined to the one before."""
    out: list[str] = []
    for part in _SENTENCE_END_RE.split(text):
        part = part.strip().lstrip(">").strip()
        if not part:
            continue
        if out and len(part.split()) < 3:
            out[-1] = f"{out[-1]} {part}"
        else:
            out.append(part)
    if len(out) > MAX_SENTENCES:  # keep the head and the tail, where news and asks usually are
        out = out[: MAX_SENTENCES // 2] + out[-MAX_SENTENCES // 2:]
    return out


def clip_for_embedding(text: str, head: int = 480, tail: int = 240) -> str:
    """The start and the end of a long message: where news and asks usually are. Embedding cost grows with length."""
    return text if len(text) <= head + tail else f"{text[:head]} … {text[-tail:]}"


def whole_features(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One embedding per message (clipped): the cheap feature set the served head uses."""
    return embedder.embed([clip_for_embedding(model_text(t)) for t in texts])


def features(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One row per text: [whole-message vector, max over its sentences]. Embeds each distinct string once."""
    cleaned = [model_text(t) for t in texts]
    parts = [sentences(t) for t in cleaned]
    unique: dict[str, int] = {}
    for whole, sents in zip(cleaned, parts):
        for s in (whole, *(sents if len(sents) > 1 else ())):
            unique.setdefault(s, len(unique))
    vectors = embedder.embed(list(unique)) if unique else np.zeros((0, 384), np.float32)
    rows = []
    for whole, sents in zip(cleaned, parts):
        w = vectors[unique[whole]]
        m = np.max(vectors[[unique[s] for s in sents]], axis=0) if len(sents) > 1 else w
        rows.append(np.concatenate([w, m]))
    return np.stack(rows).astype(np.float32) if rows else np.zeros((0, 768), np.float32)


@dataclass(frozen=True)
class Prediction:
    probabilities: dict[str, float]  # over CLASSES
    update_probability: float  # that the message carries a deal update (a stall may, too)

    @property
    def stall_probability(self) -> float:
        return sum(self.probabilities[k] for k in STALL_KINDS)

    @property
    def stall_kind(self) -> str:
        return max(STALL_KINDS, key=self.probabilities.__getitem__)

    @property
    def label(self) -> str:
        return max(CLASSES, key=self.probabilities.__getitem__)


def to_predictions(p: np.ndarray, u: np.ndarray) -> list[Prediction]:
    return [Prediction(dict(zip(CLASSES, map(float, row))), float(ui)) for row, ui in zip(p, u)]


def blend(semantic: tuple[np.ndarray, np.ndarray], lexical: tuple[np.ndarray, np.ndarray] | None,
          semantic_weight: float) -> list[Prediction]:
    """The embedding head's probabilities and the n-gram model's, averaged with the trained weight."""
    if lexical is None:
        return to_predictions(*semantic)
    w = semantic_weight
    return to_predictions(w * semantic[0] + (1 - w) * lexical[0], w * semantic[1] + (1 - w) * lexical[1])


@dataclass(frozen=True)
class Head:
    """Standardisation, multinomial weights, the binary update weights, and the decision thresholds."""

    mean: np.ndarray
    scale: np.ndarray
    hidden_weights: np.ndarray  # (features, hidden)
    hidden_bias: np.ndarray
    weights: np.ndarray  # (hidden, classes)
    bias: np.ndarray  # (classes,)
    update_weights: np.ndarray  # (features,)
    update_bias: float
    thresholds: dict[str, float]  # stall, chase, deal_update: probabilities above which the reader says so
    meta: dict

    def predict(self, x: np.ndarray) -> list[Prediction]:
        return to_predictions(*self.arrays(x))

    def arrays(self, x: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities (n, classes) and update probabilities (n,)."""
        z = (x - self.mean) / self.scale
        logits = np.maximum(z @ self.hidden_weights + self.hidden_bias, 0) @ self.weights + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        u = 1.0 / (1.0 + np.exp(-(z @ self.update_weights + self.update_bias)))
        return p, u

    def save(self, path: Path = HEAD_FILE) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(
            path, mean=self.mean.astype(np.float16), scale=self.scale.astype(np.float16),
            hidden_weights=self.hidden_weights.astype(np.float16), hidden_bias=self.hidden_bias.astype(np.float32),
            weights=self.weights.astype(np.float16), bias=self.bias.astype(np.float32),
            update_weights=self.update_weights.astype(np.float16),
            update_bias=np.float32(self.update_bias),
            meta=np.frombuffer(json.dumps({**self.meta, "thresholds": self.thresholds}).encode(), dtype=np.uint8),
        )

    @classmethod
    def load(cls, path: Path = HEAD_FILE) -> Head:
        with np.load(path) as f:
            meta = json.loads(bytes(f["meta"]).decode())
            if tuple(meta.get("classes", ())) != CLASSES:
                raise ValueError(f"{path.name}: trained for classes {meta.get('classes')}, expected {CLASSES}")
            return cls(mean=f["mean"].astype(np.float32), scale=f["scale"].astype(np.float32),
                       hidden_weights=f["hidden_weights"].astype(np.float32),
                       hidden_bias=f["hidden_bias"].astype(np.float32), weights=f["weights"].astype(np.float32), bias=f["bias"].astype(np.float32),
                       update_weights=f["update_weights"].astype(np.float32),
                       update_bias=float(f["update_bias"]), thresholds=meta.pop("thresholds"), meta=meta)
