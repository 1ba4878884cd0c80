"""The labelled corpus the reader learns from and is measured on: loading, checking and splitting.

Rows live in `data/corpus/raw/*.yaml` (one file per writer); `data/corpus/splits.csv` fixes, once, which split each
row belongs to. `python -m bot.reading.corpus check FILE...` checks files as they are written.
"""

from __future__ import annotations

import csv
import hashlib
import sys
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from bot.coaching.models import STALL_KINDS

LABELS = ("stall", "deal_update", "chase", "other")
LANGS = ("en", "es", "de", "fr", "pt")
SPLITS = ("train", "dev", "test")
UPDATE_KEYS = ("deal", "stage", "amount", "currency", "next_step", "outcome")
CURRENCIES = ("USD", "EUR", "GBP", "CAD", "AUD", "BRL", "CHF", "MXN", "JPY", "INR", "SEK")
ROW_KEYS = {"id", "text", "label", "kind", "deal_update", "from_crm", "lang", "source", "note"}


@dataclass(frozen=True, slots=True)
class Example:
    id: str
    text: str
    label: str  # stall | deal_update | chase | other
    kind: str | None  # the stall kind, for label == "stall"
    deal_update: dict[str, Any] | None  # gold fields; on a stall it marks a message that is both
    from_crm: bool
    lang: str
    source: str
    note: str | None = None
    split: str | None = field(default=None, compare=False)

    @property
    def has_update(self) -> bool:
        return self.deal_update is not None


class CorpusError(ValueError):
    pass


def _check_row(row: Any, where: str) -> Example:
    if not isinstance(row, dict):
        raise CorpusError(f"{where}: a row must be a mapping")
    unknown = set(row) - ROW_KEYS
    if unknown:
        raise CorpusError(f"{where}: unknown keys {sorted(unknown)}")
    for key in ("id", "text", "label", "lang", "source"):
        if not isinstance(row.get(key), str) or not row[key].strip():
            raise CorpusError(f"{where}: '{key}' must be a non-empty string")
    label, kind, update = row["label"], row.get("kind"), row.get("deal_update")
    if label not in LABELS:
        raise CorpusError(f"{where}: label {label!r} is not one of {LABELS}")
    if label == "stall" and kind not in STALL_KINDS:
        raise CorpusError(f"{where}: a stall needs a kind, one of {STALL_KINDS}")
    if label != "stall" and kind is not None:
        raise CorpusError(f"{where}: only stalls have a kind (got {kind!r} on {label})")
    if row["lang"] not in LANGS:
        raise CorpusError(f"{where}: lang {row['lang']!r} is not one of {LANGS}")
    if label == "deal_update" and update is None:
        raise CorpusError(f"{where}: a deal_update row needs its deal_update fields")
    if update is not None:
        if label not in ("stall", "deal_update"):
            raise CorpusError(f"{where}: deal_update fields only on stall or deal_update rows")
        if not isinstance(update, dict) or set(update) - set(UPDATE_KEYS):
            raise CorpusError(f"{where}: deal_update keys must be among {UPDATE_KEYS}")
        if not any(update.get(k) is not None for k in ("stage", "amount", "next_step", "outcome")):
            raise CorpusError(f"{where}: deal_update needs one of stage, amount, next_step, outcome")
        if update.get("outcome") not in (None, "won", "lost"):
            raise CorpusError(f"{where}: outcome must be won or lost")
        if update.get("amount") is not None and not isinstance(update["amount"], (int, float)):
            raise CorpusError(f"{where}: amount must be a plain number")
        if update.get("currency") not in (None, *CURRENCIES):
            raise CorpusError(f"{where}: currency must be one of {CURRENCIES}")
        if update.get("outcome") == "lost" and label == "stall":
            raise CorpusError(f"{where}: a closed-lost record is a deal_update, never a stall")
    if not isinstance(row.get("from_crm", False), bool):
        raise CorpusError(f"{where}: from_crm must be true or false")
    return Example(id=row["id"], text=row["text"], label=label, kind=kind, deal_update=update,
                   from_crm=bool(row.get("from_crm", False)), lang=row["lang"], source=row["source"],
                   note=row.get("note"))


def load_file(path: Path) -> list[Example]:
    rows = yaml.safe_load(path.read_text(encoding="utf-8")) or []
    if not isinstance(rows, list):
        raise CorpusError(f"{path}: the file must be a YAML list")
    return [_check_row(row, f"{path.name} row {i + 1}") for i, row in enumerate(rows)]


def load_corpus(directory: Path, *, splits: Path | None = None) -> list[Example]:
    """Every row of every file, with its split when a splits file is given. Ids are unique across files."""
    examples: list[Example] = []
    for path in sorted(directory.glob("*.yaml")):
        examples.extend(load_file(path))
    dupes = [i for i, n in Counter(e.id for e in examples).items() if n > 1]
    if dupes:
        raise CorpusError(f"duplicate ids: {dupes[:5]}")
    if splits is None:
        return examples
    # Rows added since the file was written fall where the same id hash puts them; written ones never move.
    assigned = {**assign_splits(examples), **read_splits(splits)}
    return [Example(**{**{f: getattr(e, f) for f in e.__dataclass_fields__}, "split": assigned[e.id]})
            for e in examples]


def read_splits(path: Path) -> dict[str, str]:
    with path.open(encoding="utf-8") as f:
        return {row["id"]: row["split"] for row in csv.DictReader(f)}


def assign_splits(examples: Sequence[Example], *, dev: float = 0.15, test: float = 0.2) -> dict[str, str]:
    """A split fixed by each row's id alone (a hash), so adding rows never moves old ones between splits."""
    out = {}
    for e in examples:
        u = int.from_bytes(hashlib.sha256(f"heartful-split:{e.id}".encode()).digest()[:8], "big") / 2**64
        out[e.id] = "test" if u < test else "dev" if u < test + dev else "train"
    return out


def summary(examples: Iterable[Example]) -> str:
    examples = list(examples)
    labels = Counter(e.label for e in examples)
    kinds = Counter(e.kind for e in examples if e.kind)
    langs = Counter(e.lang for e in examples if e.label == "stall")
    mixed = sum(1 for e in examples if e.label == "stall" and e.has_update)
    crm = sum(1 for e in examples if e.from_crm)
    return (f"{len(examples)} rows; labels {dict(labels)}; stall kinds {dict(kinds)}; "
            f"stalls by language {dict(langs)}; stall + update {mixed}; from CRM {crm}")


def main(argv: Sequence[str]) -> int:
    if len(argv) < 2 or argv[0] != "check":
        print("usage: python -m bot.reading.corpus check FILE...", file=sys.stderr)
        return 2
    try:
        examples = [e for p in argv[1:] for e in load_file(Path(p))]
        dupes = [i for i, n in Counter(e.id for e in examples).items() if n > 1]
        if dupes:
            raise CorpusError(f"duplicate ids: {dupes[:5]}")
    except (CorpusError, yaml.YAMLError, OSError) as exc:
        print(f"corpus: {exc}".splitlines()[0], file=sys.stderr)
        return 2
    print(summary(examples))
    return 0


if __name__ == "__main__":
    raise SystemExit(main(sys.argv[1:]))
