"""Retrain the reader's head from the corpus, reproducibly: `heartful train` (or `python -m bot.reading.train`).

Features are embedded once and cached (`data/corpus/.cache/`, not committed). Two models are trained:
the embedding head (classify.py) and the n-gram model (lexical.py). Their blend weight and the thresholds are chosen
on out-of-fold predictions over train + dev (5 folds, seeded); the final models are fitted on train + dev. The
blind test split is read only at the end, to print its figures: nothing is chosen from it.
"""

from __future__ import annotations

import argparse
import hashlib
import sys
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from bot.coaching.models import STALL_KINDS
from bot.reading.classify import CLASSES, HEAD_FILE, Head, Prediction, blend, model_text, whole_features
from bot.reading.lexical import LEXICAL_FILE, LexicalModel, fit_lexical
from bot.reading.corpus import Example, load_corpus
from bot.reading.embedding import E5Embedder, Embedder

CORPUS_DIR = Path("data/corpus")
SEED = 20261201
CHASE_PRECISION_TARGET = 0.9
HEAD_L2 = 1e-3
LEXICAL_L2 = 1e-4
SEMANTIC_WEIGHTS = (0.3, 0.5, 0.7)
GATE_KEEP = 0.995  # of the stalls, chases and updates, the share the gate must send on to the model
# The n-gram model's top probability at or above which its answer stands without the embedding (chosen out of fold:
# it saves a tenth of the embeddings for 0.001 of F0.5).
NGRAM_CONFIDENT = 0.9
OTHER = CLASSES.index("other")


def cached_features(embedder: Embedder, texts: Sequence[str], cache: Path) -> np.ndarray:
    """The served features (one clipped whole-message embedding each), embedded once and cached by text."""
    keys = [hashlib.sha1(t.encode()).hexdigest() for t in texts]
    store: dict[str, np.ndarray] = {}
    if cache.exists():
        with np.load(cache) as f:
            store = {k: f[k] for k in f.files}
    missing = sorted({(k, t) for k, t in zip(keys, texts) if k not in store})
    for i in range(0, len(missing), 64):
        batch = missing[i:i + 64]
        for (k, _), row in zip(batch, whole_features(embedder, [t for _, t in batch])):
            store[k] = row
        print(f"  embedded {min(i + 64, len(missing))}/{len(missing)}", file=sys.stderr, end="\r")
    if missing:
        cache.parent.mkdir(parents=True, exist_ok=True)
        np.savez(cache, **store)
    return np.stack([store[k] for k in keys]).astype(np.float32)


def _softmax(z: np.ndarray) -> np.ndarray:
    z = z - z.max(axis=1, keepdims=True)
    e = np.exp(z)
    return e / e.sum(axis=1, keepdims=True)


def fit_logistic(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float, *, steps: int = 400,
                 seed: int = SEED) -> tuple[np.ndarray, np.ndarray]:
    """Multinomial logistic regression, class-balanced, L2, full-batch Adam. Deterministic for a seed."""
    rng = np.random.default_rng(seed)
    n, d = x.shape
    x = x.astype(np.float32)
    w = rng.normal(0, 0.01, (d, n_classes)).astype(np.float32)
    b = np.zeros(n_classes, np.float32)
    counts = np.bincount(y, minlength=n_classes).astype(np.float64)
    sample_w = (n / (n_classes * np.maximum(counts, 1)))[y]
    sample_w = (sample_w / sample_w.sum()).astype(np.float32)
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    m_w = v_w = np.zeros_like(w)
    m_b = v_b = np.zeros_like(b)
    lr, beta1, beta2 = 0.05, 0.9, 0.999
    for t in range(1, steps + 1):
        p = _softmax(x @ w + b)
        g = (p - onehot) * sample_w[:, None]
        gw = x.T @ g + l2 * w
        gb = g.sum(axis=0)
        m_w = beta1 * m_w + (1 - beta1) * gw
        v_w = beta2 * v_w + (1 - beta2) * gw * gw
        m_b = beta1 * m_b + (1 - beta1) * gb
        v_b = beta2 * v_b + (1 - beta2) * gb * gb
        c1, c2 = 1 - beta1 ** t, 1 - beta2 ** t
        w -= lr * (m_w / c1) / (np.sqrt(v_w / c2) + 1e-8)
        b -= lr * (m_b / c1) / (np.sqrt(v_b / c2) + 1e-8)
    return w, b


def fit_network(x: np.ndarray, y: np.ndarray, n_classes: int, l2: float, *, hidden: int = 256, steps: int = 300,
                lr: float = 0.01, dropout: float = 0.3, seed: int = SEED) -> tuple[np.ndarray, ...]:
    """One ReLU hidden layer with dropout, class-balanced cross-entropy, L2, full-batch Adam; seeded."""
    rng = np.random.default_rng(seed)
    z = x.astype(np.float32)
    d = z.shape[1]
    params = [rng.normal(0, (2 / d) ** 0.5, (d, hidden)).astype(np.float32), np.zeros(hidden, np.float32),
              rng.normal(0, (1 / hidden) ** 0.5, (hidden, n_classes)).astype(np.float32),
              np.zeros(n_classes, np.float32)]
    m = [np.zeros_like(p) for p in params]
    v = [np.zeros_like(p) for p in params]
    counts = np.bincount(y, minlength=n_classes)
    sw = (len(y) / (n_classes * np.maximum(counts, 1)))[y]
    sw = (sw / sw.sum()).astype(np.float32)
    onehot = np.eye(n_classes, dtype=np.float32)[y]
    for t in range(1, steps + 1):
        w1, b1, w2, b2 = params
        mask = (rng.random((len(z), hidden)) > dropout).astype(np.float32) / (1 - dropout)
        h = np.maximum(z @ w1 + b1, 0) * mask
        g = (_softmax(h @ w2 + b2) - onehot) * sw[:, None]
        gh = (g @ w2.T) * (h > 0) * mask
        grads = [z.T @ gh + l2 * w1, gh.sum(0), h.T @ g + l2 * w2, g.sum(0)]
        for i, (p, gr) in enumerate(zip(params, grads)):
            m[i] = 0.9 * m[i] + 0.1 * gr
            v[i] = 0.999 * v[i] + 0.001 * gr * gr
            p -= lr * (m[i] / (1 - 0.9 ** t)) / (np.sqrt(v[i] / (1 - 0.999 ** t)) + 1e-8)
    return tuple(params)


def targets(examples: Sequence[Example]) -> tuple[np.ndarray, np.ndarray]:
    label = np.array([CLASSES.index(e.kind if e.label == "stall" else e.label) for e in examples])
    update = np.array([1 if e.has_update else 0 for e in examples])
    return label, update


def fit_head(x: np.ndarray, label: np.ndarray, update: np.ndarray, l2: float) -> Head:
    mean = x.mean(axis=0)
    scale = x.std(axis=0) + 1e-6
    z = (x - mean) / scale
    w1, b1, w2, b2 = fit_network(z, label, len(CLASSES), l2)
    uw, ub = fit_logistic(z, update, 2, 0.01)
    return Head(mean=mean, scale=scale, hidden_weights=w1, hidden_bias=b1, weights=w2, bias=b2,
                update_weights=uw[:, 1] - uw[:, 0],
                update_bias=float(ub[1] - ub[0]), thresholds={}, meta={})


def out_of_fold(x: np.ndarray, texts: Sequence[str], label: np.ndarray, update: np.ndarray,
                folds: int = 5) -> tuple[tuple[np.ndarray, np.ndarray], tuple[np.ndarray, np.ndarray]]:
    """Out-of-fold probabilities of both models over the rows given (train + dev): (classes, update) each."""
    order = np.random.default_rng(SEED).permutation(len(x))
    sp, su = np.zeros((len(x), len(CLASSES))), np.zeros(len(x))
    lp, lu = np.zeros((len(x), len(CLASSES))), np.zeros(len(x))
    for k in range(folds):
        held = order[k::folds]
        keep = np.setdiff1d(order, held)
        sp[held], su[held] = fit_head(x[keep], label[keep], update[keep], HEAD_L2).arrays(x[held])
        lexical = fit_lexical([texts[i] for i in keep], label[keep], update[keep], len(CLASSES), l2=LEXICAL_L2)
        lp[held], lu[held] = lexical.predict([texts[i] for i in held])
        print(f"  fold {k + 1}/{folds}", file=sys.stderr)
    return (sp, su), (lp, lu)


def f_half(scores: np.ndarray, truth: np.ndarray, t: float) -> tuple[float, float, float]:
    said = scores >= t
    tp = float((said & truth).sum())
    p = tp / max(said.sum(), 1)
    r = tp / max(truth.sum(), 1)
    return (1.25 * p * r / (0.25 * p + r) if p + r else 0.0), p, r


def pick_threshold(scores: np.ndarray, truth: np.ndarray, precision_target: float | None = None) -> float:
    """The threshold with the best F0.5 (precision counts twice: a false nudge costs more than a miss); with a
    precision target, the lowest threshold that meets it, when one does."""
    grid = np.round(np.arange(0.30, 0.99, 0.01), 2)
    if precision_target is not None:
        met = [t for t in grid if f_half(scores, truth, t)[1] >= precision_target and (scores >= t).any()]
        if met:
            return float(min(met))
    return float(max(grid, key=lambda t: f_half(scores, truth, t)[0]))


def head_report(name: str, preds: list, examples: Sequence[Example], thresholds: dict[str, float]) -> str:
    truth_stall = np.array([e.label == "stall" for e in examples])
    stall_p = np.array([p.stall_probability for p in preds])
    said = stall_p >= thresholds["stall"]
    tp = int((said & truth_stall).sum())
    prec = tp / max(said.sum(), 1)
    rec = tp / max(truth_stall.sum(), 1)
    false_nudges = int((said & ~truth_stall).sum()) / max((~truth_stall).sum(), 1)
    kinds_right = sum(1 for p, e, s in zip(preds, examples, said) if s and e.label == "stall" and p.stall_kind == e.kind)
    truth_chase = np.array([e.label == "chase" for e in examples])
    chase_said = np.array([p.probabilities["chase"] for p in preds]) >= thresholds["chase"]
    c_tp = int((chase_said & truth_chase).sum())
    truth_upd = np.array([e.has_update for e in examples])
    upd_said = np.array([p.update_probability for p in preds]) >= thresholds["deal_update"]
    u_tp = int((upd_said & truth_upd).sum())
    return (f"{name:<18} n={len(examples):<5} stall P {prec:.3f} R {rec:.3f} false nudges {false_nudges:.1%} "
            f"kind acc {kinds_right / max(tp, 1):.3f} | chase P {c_tp / max(chase_said.sum(), 1):.3f} "
            f"R {c_tp / max(truth_chase.sum(), 1):.3f} | update P {u_tp / max(upd_said.sum(), 1):.3f} "
            f"R {u_tp / max(truth_upd.sum(), 1):.3f}")


def pick_gate(lexical_other: np.ndarray, worth: np.ndarray, keep: float = GATE_KEEP) -> float:
    """The n-gram P(other) at or above which the embedding is skipped: `keep` of the rows worth reading stay below."""
    scores = np.sort(lexical_other[worth])
    return float(np.round(scores[min(len(scores) - 1, int(np.ceil(keep * len(scores))))] + 1e-4, 4))


def cascade(semantic: tuple[np.ndarray, np.ndarray], lexical: tuple[np.ndarray, np.ndarray], weight: float,
            gate: float) -> list[Prediction]:
    """What the served classifier predicts: the blend where it embeds, the n-gram answer where it doesn't (past the
    gate every label but other is near zero, so nothing is said either way)."""
    embedded = (lexical[0][:, OTHER] < gate) & (lexical[0].max(axis=1) < NGRAM_CONFIDENT)
    blended = blend(semantic, lexical, weight)
    alone = blend(lexical, None, 1.0)
    return [b if e else a for b, a, e in zip(blended, alone, embedded)]


def train(corpus_dir: Path = CORPUS_DIR, out: Path = HEAD_FILE, *, embedder: Embedder | None = None,
          report_blind: bool = True) -> Head:
    started = time.monotonic()
    examples = load_corpus(corpus_dir / "raw", splits=corpus_dir / "splits.csv")
    embedder = embedder or E5Embedder(threads=2)
    x_all = cached_features(embedder, [e.text for e in examples], corpus_dir / ".cache" / "whole.npz")
    fit_idx = np.array([i for i, e in enumerate(examples) if e.split in ("train", "dev")])
    test_idx = np.array([i for i, e in enumerate(examples) if e.split == "test"])
    fit_ex = [examples[i] for i in fit_idx]
    label, update = targets(fit_ex)
    x = x_all[fit_idx]
    texts = [model_text(e.text) for e in fit_ex]
    truth_stall = np.array([e.label == "stall" for e in fit_ex])
    truth_chase = np.array([e.label == "chase" for e in fit_ex])
    worth = np.array([e.label != "other" for e in fit_ex])

    semantic, lexical = out_of_fold(x, texts, label, update)
    np.savez(corpus_dir / ".cache" / "out_of_fold.npz", semantic_p=semantic[0], semantic_u=semantic[1],
             lexical_p=lexical[0], lexical_u=lexical[1], label=label, update=update)  # for analysis, not committed
    gate = pick_gate(lexical[0][:, OTHER], worth)
    skipped = lexical[0][:, OTHER] >= gate
    print(f"gate: n-gram P(other) >= {gate:.4f} skips the embedding for {skipped[~worth].mean():.1%} of 'other' "
          f"rows and {skipped[worth].mean():.2%} of the rest (out of fold)")
    best = None
    for w in SEMANTIC_WEIGHTS:  # chosen on out-of-fold predictions: the best F0.5 for stalls
        preds = cascade(semantic, lexical, w, gate)
        stall_p = np.array([p.stall_probability for p in preds])
        t = pick_threshold(stall_p, truth_stall)
        score, prec, rec = f_half(stall_p, truth_stall, t)
        print(f"semantic weight {w}: stall threshold {t:.2f}, out-of-fold P {prec:.3f} R {rec:.3f} F0.5 {score:.3f}")
        if best is None or score > best[0]:
            best = (score, w, preds, t)
    _, weight, preds, stall_t = best
    chase_t = pick_threshold(np.array([p.probabilities["chase"] for p in preds]), truth_chase, CHASE_PRECISION_TARGET)
    thresholds = {"stall": stall_t, "chase": chase_t, "deal_update": 0.5, "gate": gate,
                  "ngram_confident": NGRAM_CONFIDENT}
    print(head_report("out-of-fold (tr+dev)", preds, fit_ex, thresholds))

    head = fit_head(x, label, update, HEAD_L2)
    final_lexical = fit_lexical(texts, label, update, len(CLASSES), l2=LEXICAL_L2)
    final_lexical.save(out.parent / LEXICAL_FILE.name)
    head = Head(mean=head.mean, scale=head.scale, hidden_weights=head.hidden_weights,
                hidden_bias=head.hidden_bias, weights=head.weights, bias=head.bias,
                update_weights=head.update_weights, update_bias=head.update_bias, thresholds=thresholds,
                meta={"classes": list(CLASSES), "embedding": embedder.name, "features": "whole", "l2": HEAD_L2,
                      "seed": SEED, "semantic_weight": weight, "lexical_l2": LEXICAL_L2, "trained_on": len(fit_ex),
                      "stall_kinds": list(STALL_KINDS)})
    head.save(out)
    head = Head.load(out)  # measure what was saved (float16 weights), not what was in memory
    if report_blind and len(test_idx):
        test_ex = [examples[i] for i in test_idx]
        lexical_model = LexicalModel.load(out.parent / LEXICAL_FILE.name)
        assert lexical_model is not None
        test_preds = cascade(head.arrays(x_all[test_idx]),
                             lexical_model.predict([model_text(e.text) for e in test_ex]), weight, gate)
        print(head_report("blind test (models)", test_preds, test_ex, thresholds))
    sizes = ", ".join(f"{p.name} {p.stat().st_size // 1024} KB" for p in (out, out.parent / LEXICAL_FILE.name))
    print(f"saved {sizes} in {time.monotonic() - started:.0f} s")
    return head


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="heartful train", description=__doc__.splitlines()[0])
    parser.add_argument("--corpus", type=Path, default=CORPUS_DIR)
    parser.add_argument("--out", type=Path, default=HEAD_FILE)
    parser.add_argument("--no-blind", action="store_true", help="don't print the blind test figures (while iterating)")
    args = parser.parse_args(argv)
    train(args.corpus, args.out, report_blind=not args.no_blind)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
