"""Score a message reader against labelled examples: precision / recall per stall kind, stall vs none, deal updates.

Pure: no I/O. A labelled example is a mapping with
    text:        the message
    stall:       a stall kind, or None
    deal_update: a mapping (deal, stage, amount, currency, next_step, outcome) or None
Any other keys (from_crm, note, ...) are ignored.

    from bot.coaching.detect import read_message
    report = evaluate(examples, read_message)
    print(format_table(report))
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from bot.coaching.models import STALL_KINDS

__all__ = ["ClassScore", "Evaluation", "Misread", "evaluate", "format_table"]

DEAL_FIELDS = ("deal", "stage", "amount", "currency", "next_step", "outcome")


@dataclass(frozen=True, slots=True)
class ClassScore:
    label: str
    tp: int = 0
    fp: int = 0
    fn: int = 0

    @property
    def support(self) -> int:
        """How many examples truly belong to the class."""
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        """tp / predicted; 1.0 when nothing was predicted and nothing was missed, 0.0 when nothing was predicted but some were."""
        predicted = self.tp + self.fp
        if predicted:
            return self.tp / predicted
        return 1.0 if self.fn == 0 else 0.0

    @property
    def recall(self) -> float:
        """tp / support; 1.0 for a class with no examples."""
        return self.tp / self.support if self.support else 1.0

    @property
    def f1(self) -> float:
        p, r = self.precision, self.recall
        return 2 * p * r / (p + r) if p + r else 0.0


@dataclass(frozen=True, slots=True)
class Misread:
    text: str
    expected_stall: str | None
    read_stall: str | None
    expected_update: bool
    read_update: bool
    evidence: str | None = None


@dataclass(frozen=True, slots=True)
class Evaluation:
    classes: tuple[ClassScore, ...]  # one per stall kind, then "stall" (any kind vs none), then "deal_update"
    examples: int
    kind_agreed: int  # stalls both expected and read, with the same kind
    kind_compared: int  # stalls both expected and read
    field_agreed: Mapping[str, int] = field(default_factory=dict)  # per deal-update field, among updates both ways
    field_compared: int = 0
    misreads: tuple[Misread, ...] = ()

    def score(self, label: str) -> ClassScore:
        for c in self.classes:
            if c.label == label:
                return c
        raise KeyError(label)

    @property
    def kind_accuracy(self) -> float:
        """Among true-positive stalls, the share read with the right kind."""
        return self.kind_agreed / self.kind_compared if self.kind_compared else 1.0

    def field_accuracy(self, name: str) -> float:
        return self.field_agreed.get(name, 0) / self.field_compared if self.field_compared else 1.0


def _kind_of(reading: Any) -> str | None:
    stall = getattr(reading, "stall", None)
    return getattr(stall, "kind", None) if stall is not None else None


def evaluate(examples: Iterable[Mapping[str, Any]], reader: Callable[[str], Any]) -> Evaluation:
    """Run `reader` (text -> something with .stall.kind and .deal_update, like a Reading) over the examples."""
    kinds = list(STALL_KINDS)
    counts = {label: [0, 0, 0] for label in [*kinds, "stall", "deal_update"]}  # tp, fp, fn
    kind_agreed = kind_compared = 0
    field_agreed = dict.fromkeys(DEAL_FIELDS, 0)
    field_compared = 0
    misreads: list[Misread] = []
    n = 0
    for ex in examples:
        n += 1
        text = ex.get("text") or ""
        want_kind = ex.get("stall") or None
        want_update = ex.get("deal_update") or None
        reading = reader(text)
        got_kind = _kind_of(reading)
        got_update = getattr(reading, "deal_update", None)

        for k in kinds:
            _tally(counts[k], want_kind == k, got_kind == k)
        _tally(counts["stall"], want_kind is not None, got_kind is not None)
        _tally(counts["deal_update"], want_update is not None, got_update is not None)
        if want_kind is not None and got_kind is not None:
            kind_compared += 1
            kind_agreed += want_kind == got_kind
        if want_update is not None and got_update is not None:
            field_compared += 1
            for name in DEAL_FIELDS:
                field_agreed[name] += _same_field(name, want_update.get(name), got_update)
        if want_kind != got_kind or (want_update is None) != (got_update is None):
            stall = getattr(reading, "stall", None)
            misreads.append(
                Misread(
                    text=text,
                    expected_stall=want_kind,
                    read_stall=got_kind,
                    expected_update=want_update is not None,
                    read_update=got_update is not None,
                    evidence=getattr(stall, "evidence", None),
                )
            )
    classes = tuple(ClassScore(label, *counts[label]) for label in [*kinds, "stall", "deal_update"])
    return Evaluation(
        classes=classes,
        examples=n,
        kind_agreed=kind_agreed,
        kind_compared=kind_compared,
        field_agreed=field_agreed,
        field_compared=field_compared,
        misreads=tuple(misreads),
    )


def _tally(c: list[int], want: bool, got: bool) -> None:
    if want and got:
        c[0] += 1
    elif got:
        c[1] += 1
    elif want:
        c[2] += 1


_DASHES = str.maketrans({"\u2013": "-", "\u2014": "-", "\u2212": "-", "\u2019": "'", "\u201c": '"', "\u201d": '"'})


def _norm_text(v: Any) -> str | None:
    if v is None:
        return None
    s = " ".join(str(v).translate(_DASHES).replace(" - ", "-").split()).casefold().strip(" .\"'`*")
    return s or None


def _norm_amount(v: Any) -> Decimal | None:
    if v is None or v == "":
        return None
    try:
        return Decimal(str(v).replace(",", "").replace("_", ""))
    except InvalidOperation:
        return None


def _words(s: str) -> set[str]:
    return {w for w in "".join(c if c.isalnum() else " " for c in s).split() if w not in ("a", "an", "the", "to", "is")}


def _same_field(name: str, want: Any, update: Any) -> bool:
    """Whether a read field agrees with the label: amounts exactly, deal names by containment (as the labelling
    guide asks), next steps fuzzily (most words shared), the rest case- and dash-insensitively."""
    got = getattr(update, "deal_name" if name == "deal" else name, None)
    if name == "amount":
        return _norm_amount(want) == _norm_amount(got)
    a, b = _norm_text(want), _norm_text(got)
    if a is None or b is None:
        return a == b
    if name == "deal":
        return a in b or b in a
    if name == "next_step":
        if a in b or b in a:
            return True
        wa, wb = _words(a), _words(b)
        return bool(wa and wb) and len(wa & wb) / len(wa | wb) >= 0.6
    return a == b


def format_table(evaluation: Evaluation, *, misreads: int = 0) -> str:
    """A plain-text table; with misreads > 0, also lists up to that many misread examples."""
    lines = [f"{'class':<16} {'precision':>9} {'recall':>7} {'f1':>6} {'support':>7} {'tp':>5} {'fp':>5} {'fn':>5}"]
    lines.append("-" * len(lines[0]))
    for i, c in enumerate(evaluation.classes):
        if c.label == "stall":
            lines.append("-" * len(lines[0]))
        lines.append(
            f"{c.label:<16} {c.precision:>9.3f} {c.recall:>7.3f} {c.f1:>6.3f} {c.support:>7d} {c.tp:>5d} {c.fp:>5d} {c.fn:>5d}"
        )
    lines.append("-" * len(lines[0]))
    lines.append(
        f"stall kind accuracy among true positives: {evaluation.kind_accuracy:.3f} "
        f"({evaluation.kind_agreed}/{evaluation.kind_compared})"
    )
    if evaluation.field_compared:
        fields = ", ".join(f"{name} {evaluation.field_accuracy(name):.2f}" for name in DEAL_FIELDS)
        lines.append(f"deal update field agreement ({evaluation.field_compared} updates read both ways): {fields}")
    lines.append(f"examples: {evaluation.examples}")
    if misreads and evaluation.misreads:
        lines.append("")
        lines.append(f"misreads ({len(evaluation.misreads)}, showing up to {misreads}):")
        for m in evaluation.misreads[:misreads]:
            upd = ""
            if m.expected_update != m.read_update:
                upd = f" update {'missed' if m.expected_update else 'spurious'};"
            stall = ""
            if m.expected_stall != m.read_stall:
                stall = f" stall expected={m.expected_stall} read={m.read_stall}" + (
                    f" ({m.evidence!r})" if m.evidence else ""
                )
            lines.append(f"  -{upd}{stall}: {m.text!r}")
    return "\n".join(lines)
