"""Score the reader on labelled rows: per-class precision and recall, a confusion matrix, the product's figures
(false nudges, stall-kind accuracy, chase, deal fields), English and other languages apart. Pure but for reading.

    heartful eval data/corpus/raw --split test
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from decimal import Decimal

from bot.coaching.models import STALL_KINDS, Reading
from bot.reading.corpus import Example
from bot.reading.stages import StageList, normalise_stage

LABELS = (*STALL_KINDS, "chase", "deal_update", "other")


def predicted_label(reading: Reading) -> str:
    if reading.stall is not None:
        return reading.stall.kind
    if reading.chase:
        return "chase"
    if reading.deal_update is not None:
        return "deal_update"
    return "other"


def gold_label(e: Example) -> str:
    return e.kind if e.label == "stall" and e.kind else e.label


@dataclass
class Figures:
    n: int
    stall_p: float
    stall_r: float
    false_nudges: float  # share of non-stalls that would get a nudge
    kind_accuracy: float  # of the stalls found, the right kind
    chase_p: float
    chase_r: float
    update_p: float
    update_r: float
    deal_name: float
    amount: float
    stage: float
    confusion: dict[tuple[str, str], int]


def _ratio(a: int, b: int) -> float:
    return a / b if b else float("nan")


_TYPOGRAPHY = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2018": "'", "\u2019": "'",
                             "\u201c": '"', "\u201d": '"'})


def _name_key(name: str) -> str:
    """A name as compared: case, dashes, curly quotes, spacing and a trailing full stop are typography, not names."""
    return " ".join(name.translate(_TYPOGRAPHY).casefold().split()).rstrip(".")


def _same_name(gold: str | None, got: str | None) -> bool:
    return bool(gold and got and _name_key(gold) == _name_key(got))


def _same_amount(gold: float | int | None, got: Decimal | None) -> bool:
    return got is not None and gold is not None and abs(float(got) - float(gold)) < 0.005


def figures(rows: Sequence[Example], readings: Sequence[Reading], stages: StageList) -> Figures:
    confusion: Counter[tuple[str, str]] = Counter()
    s_tp = s_fp = s_fn = kind_ok = c_tp = c_fp = c_fn = u_tp = u_fp = u_fn = 0
    names = amounts = stage_ok = 0
    n_names = n_amounts = n_stages = 0
    for e, r in zip(rows, readings):
        gold, got = gold_label(e), predicted_label(r)
        confusion[(gold, got)] += 1
        is_stall, said_stall = e.label == "stall", r.stall is not None
        s_tp += is_stall and said_stall
        s_fp += said_stall and not is_stall
        s_fn += is_stall and not said_stall
        kind_ok += bool(is_stall and said_stall and r.stall.kind == e.kind)  # type: ignore[union-attr]
        c_tp += e.label == "chase" and r.chase
        c_fp += r.chase and e.label != "chase"
        c_fn += e.label == "chase" and not r.chase
        u = r.deal_update
        u_tp += e.has_update and u is not None
        u_fp += u is not None and not e.has_update
        u_fn += e.has_update and u is None
        if e.label == "deal_update" and e.deal_update:
            g = e.deal_update
            if g.get("deal"):
                n_names += 1
                names += _same_name(g["deal"], (u.deal_name if u else None) or r.deal_name)
            if g.get("amount") is not None:
                n_amounts += 1
                amounts += bool(u) and _same_amount(g["amount"], u.amount)  # type: ignore[union-attr]
            if g.get("stage"):
                n_stages += 1
                want = normalise_stage(g["stage"], stages).casefold()
                stage_ok += bool(u and u.stage and u.stage.casefold() == want)
    non_stalls = sum(1 for e in rows if e.label != "stall")
    return Figures(
        n=len(rows), stall_p=_ratio(s_tp, s_tp + s_fp), stall_r=_ratio(s_tp, s_tp + s_fn),
        false_nudges=_ratio(s_fp, non_stalls), kind_accuracy=_ratio(kind_ok, s_tp),
        chase_p=_ratio(c_tp, c_tp + c_fp), chase_r=_ratio(c_tp, c_tp + c_fn),
        update_p=_ratio(u_tp, u_tp + u_fp), update_r=_ratio(u_tp, u_tp + u_fn),
        deal_name=_ratio(names, n_names), amount=_ratio(amounts, n_amounts), stage=_ratio(stage_ok, n_stages),
        confusion=dict(confusion),
    )


def format_figures(title: str, f: Figures) -> str:
    return (f"{title:<22} n={f.n:<5} stall P {f.stall_p:.3f} R {f.stall_r:.3f}  false nudges {f.false_nudges:.1%}  "
            f"kind {f.kind_accuracy:.3f}  chase P {f.chase_p:.3f} R {f.chase_r:.3f}  update P {f.update_p:.3f} "
            f"R {f.update_r:.3f}  name {f.deal_name:.3f} amount {f.amount:.3f} stage {f.stage:.3f}")


def format_confusion(f: Figures) -> str:
    short = {k: k[:8] for k in LABELS}
    lines = ["gold \\ read   " + " ".join(f"{short[k]:>8}" for k in LABELS) + "   recall"]
    for g in LABELS:
        row = [f.confusion.get((g, p), 0) for p in LABELS]
        total = sum(row)
        rec = row[LABELS.index(g)] / total if total else float("nan")
        lines.append(f"{short[g]:<13} " + " ".join(f"{v:>8}" for v in row) + f"   {rec:.3f}")
    prec = []
    for p in LABELS:
        col = sum(f.confusion.get((g, p), 0) for g in LABELS)
        prec.append(f"{(f.confusion.get((p, p), 0) / col if col else float('nan')):>8.3f}")
    lines.append(f"{'precision':<13} " + " ".join(prec))
    return "\n".join(lines)


def evaluate(rows: Sequence[Example], read: Callable[[Sequence[str]], list[Reading]],
             stages: StageList) -> tuple[Figures, dict[str, Figures], list[tuple[Example, Reading]]]:
    """All rows, then English and the other languages apart; and the rows read wrongly."""
    readings = read([e.text for e in rows])
    overall = figures(rows, readings, stages)
    parts = {}
    for name, keep in (("english", lambda e: e.lang == "en"), ("other languages", lambda e: e.lang != "en")):
        pairs = [(e, r) for e, r in zip(rows, readings) if keep(e)]
        if pairs:
            parts[name] = figures([e for e, _ in pairs], [r for _, r in pairs], stages)
    wrong = [(e, r) for e, r in zip(rows, readings) if gold_label(e) != predicted_label(r)]
    return overall, parts, wrong
