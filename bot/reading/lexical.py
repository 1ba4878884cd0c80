"""The lexical half of the classifier: hashed word, word-pair and character n-grams, TF-IDF weighted, and a logistic
regression over them. Embeddings carry meaning across languages and paraphrase; n-grams carry what they blur —
negations ("didn't push back on price"), numbers, currencies, CRM field names. The reader averages the two."""

from __future__ import annotations

import re
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np

BUCKETS = 1 << 15
LEXICAL_FILE = Path(__file__).parent / "model" / "lexical.npz"
_TOKEN_RE = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?|\d+|[$€£→]", re.UNICODE)


def ngram_ids(text: str) -> np.ndarray:
    words = _TOKEN_RE.findall(text.lower()[:3000])
    grams = [f"w:{w}" for w in words] + [f"b:{a} {b}" for a, b in zip(words, words[1:])]
    for w in words:
        padded = f"<{w}>"
        grams += [f"c:{padded[i:i + 4]}" for i in range(max(1, len(padded) - 3))]
    return np.unique(np.fromiter((zlib.crc32(g.encode()) & (BUCKETS - 1) for g in grams), np.int64, len(grams)))


@dataclass(frozen=True)
class SparseRows:
    """Rows of TF-IDF-weighted, L2-normalised bucket ids: `ids[indptr[i]:indptr[i+1]]` with their `values`."""

    ids: np.ndarray
    values: np.ndarray
    indptr: np.ndarray

    @property
    def n(self) -> int:
        return len(self.indptr) - 1

    def dot(self, w: np.ndarray) -> np.ndarray:
        out = np.zeros((self.n, w.shape[1]), np.float32)
        if self.ids.size:
            contrib = w[self.ids] * self.values[:, None]
            starts = self.indptr[:-1]
            nonempty = self.indptr[1:] > starts
            out[nonempty] = np.add.reduceat(contrib, starts[nonempty], axis=0)
        return out

    def t_dot(self, g: np.ndarray) -> np.ndarray:
        rows = np.repeat(np.arange(self.n), np.diff(self.indptr))
        weighted = g[rows] * self.values[:, None]
        # bincount per column: an order of magnitude faster than np.add.at for a scatter-add
        return np.stack([np.bincount(self.ids, weights=weighted[:, c], minlength=BUCKETS)
                         for c in range(g.shape[1])], axis=1).astype(np.float32)


def sparse_rows(texts: Sequence[str], idf: np.ndarray) -> SparseRows:
    ids, values, indptr = [], [], [0]
    for t in texts:
        i = ngram_ids(t)
        v = idf[i]
        norm = float(np.sqrt((v * v).sum())) or 1.0
        ids.append(i)
        values.append((v / norm).astype(np.float32))
        indptr.append(indptr[-1] + len(i))
    return SparseRows(np.concatenate(ids) if ids else np.zeros(0, np.int64),
                      np.concatenate(values) if values else np.zeros(0, np.float32), np.array(indptr))


def fit_idf(texts: Sequence[str]) -> np.ndarray:
    df = np.zeros(BUCKETS, np.float32)
    for t in texts:
        df[ngram_ids(t)] += 1
    return np.log((1 + len(texts)) / (1 + df)).astype(np.float32) + 1


@dataclass(frozen=True)
class LexicalModel:
    idf: np.ndarray
    weights: np.ndarray  # (BUCKETS, classes)
    bias: np.ndarray
    update_weights: np.ndarray  # (BUCKETS,)
    update_bias: float

    def save(self, path: Path) -> None:
        path.parent.mkdir(parents=True, exist_ok=True)
        np.savez_compressed(path, idf=self.idf.astype(np.float16), weights=self.weights.astype(np.float16),
                            bias=self.bias.astype(np.float32), update_weights=self.update_weights.astype(np.float16),
                            update_bias=np.float32(self.update_bias))

    @classmethod
    def load(cls, path: Path) -> LexicalModel | None:
        if not path.exists():
            return None
        with np.load(path) as f:
            return cls(idf=f["idf"].astype(np.float32), weights=f["weights"].astype(np.float32),
                       bias=f["bias"].astype(np.float32), update_weights=f["update_weights"].astype(np.float32),
                       update_bias=float(f["update_bias"]))

    def predict(self, texts: Sequence[str]) -> tuple[np.ndarray, np.ndarray]:
        """Class probabilities (n, classes) and update probabilities (n,)."""
        x = sparse_rows(texts, self.idf)
        logits = x.dot(self.weights) + self.bias
        logits -= logits.max(axis=1, keepdims=True)
        p = np.exp(logits)
        p /= p.sum(axis=1, keepdims=True)
        u = x.dot(self.update_weights[:, None])[:, 0] + self.update_bias
        return p, 1.0 / (1.0 + np.exp(-u))


def fit_sparse_logistic(x: SparseRows, y: np.ndarray, n_classes: int, *, l2: float = 1e-4, steps: int = 150,
                        lr: float = 0.1) -> tuple[np.ndarray, np.ndarray]:
    """Class-balanced multinomial logistic regression on sparse rows, full-batch Adam (deterministic)."""
    w = np.zeros((BUCKETS, n_classes), np.float32)
    b = np.zeros(n_classes, np.float32)
    counts = np.bincount(y, minlength=n_classes)
    sw = (len(y) / (n_classes * np.maximum(counts, 1)))[y]
    sw = (sw / sw.sum()).astype(np.float32)
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    m_w, v_w = np.zeros_like(w), np.zeros_like(w)
    m_b, v_b = np.zeros_like(b), np.zeros_like(b)
    for t in range(1, steps + 1):
        z = x.dot(w) + b
        z -= z.max(axis=1, keepdims=True)
        p = np.exp(z)
        p /= p.sum(axis=1, keepdims=True)
        g = (p - onehot) * sw[:, None]
        gw = x.t_dot(g) + l2 * w
        gb = g.sum(axis=0)
        m_w = 0.9 * m_w + 0.1 * gw
        v_w = 0.999 * v_w + 0.001 * gw * gw
        m_b = 0.9 * m_b + 0.1 * gb
        v_b = 0.999 * v_b + 0.001 * gb * gb
        w -= lr * (m_w / (1 - 0.9 ** t)) / (np.sqrt(v_w / (1 - 0.999 ** t)) + 1e-8)
        b -= lr * (m_b / (1 - 0.9 ** t)) / (np.sqrt(v_b / (1 - 0.999 ** t)) + 1e-8)
    return w, b


def fit_lexical(texts: Sequence[str], label: np.ndarray, update: np.ndarray, n_classes: int,
                *, l2: float = 1e-4) -> LexicalModel:
    idf = fit_idf(texts)
    x = sparse_rows(texts, idf)
    w, b = fit_sparse_logistic(x, label, n_classes, l2=l2)
    uw, ub = fit_sparse_logistic(x, update, 2, l2=l2)
    return LexicalModel(idf=idf, weights=w, bias=b, update_weights=uw[:, 1] - uw[:, 0], update_bias=float(ub[1] - ub[0]))
