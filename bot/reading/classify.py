"""The embedding half of the classifier: one sentence embedding per message (clipped), then a small trained head.

The head is a one-hidden-layer network (label: a stall kind, chase, deal_update or other; it beat a logistic
regression out of fold) plus a binary logistic regression (does the message carry a deal update, stall or not). Its
weights (under 200 KB) are committed in `bot/reading/model/` and retrained reproducibly by `heartful train`; `blend`
averages its probabilities with the n-gram model's (lexical.py).
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
MODEL_DIR = Path(__file__).parent / "model"
HEAD_FILE = MODEL_DIR / "head.npz"

_MARKUP_RE = re.compile(r"<[@#!][^>|]*(?:\|([^>]*))?>|<(?:https?|mailto):[^>|]*(?:\|([^>]*))?>")


def model_text(text: str) -> str:
    """What the model reads: Slack's angle-bracket markup replaced by the label a person sees."""
    return _MARKUP_RE.sub(lambda m: m.group(1) or m.group(2) or "@someone", text).replace("\x00", "").strip()


def clip_for_embedding(text: str, head: int = 480, tail: int = 240) -> str:
    """The start and the end of a long message: where news and asks usually are. Embedding cost grows with length
    (about 2 ms of CPU per token here)."""
    return text if len(text) <= head + tail else f"{text[:head]} … {text[-tail:]}"


def whole_features(embedder: Embedder, texts: Sequence[str]) -> np.ndarray:
    """One embedding per message, clipped: the features the head is trained and served on."""
    return embedder.embed([clip_for_embedding(model_text(t)) for t in texts])


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
