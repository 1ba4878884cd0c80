"""How well the reader's deal-field extraction (bot.reading.fields) reads the gold `deal_update` fields.

    .venv/bin/python -m bench.extraction_eval [--show FIELD] [--show-gate] [--limit N]

Rows: the corpus (`data/corpus/raw`, with its splits) and the old hand-labelled sets in `tests/data/` (skipped when the
corpus holds their `legacy_` conversions, and never a text that is in the corpus's test split). Only `train` and `dev`
rows are used: the `test` split is blind and is never read here. Rows not yet in `splits.csv` get the split
`bot.reading.corpus.assign_splits` gives them (the same hash that fixes the file).

For each field, over rows whose gold has it: deal name exact (case-insensitive, dashes/quotes/spaces unified),
amount (equal as numbers), currency, stage (normalise_stage(gold) == ours), next step (fuzzy: token overlap >= 0.5 or
one contains the other), outcome. Overall, English and non-English. `--show FIELD` prints the misses (train/dev only). Also looks_like_update's precision and recall over every train/dev
corpus row (a row is an update when it has gold deal_update fields); `--show-gate` prints its mistakes.
"""

from __future__ import annotations

import argparse
import re
import sys
import time
from collections import defaultdict
from decimal import Decimal
from pathlib import Path

import yaml

from bot.reading.corpus import assign_splits, load_file, read_splits
from bot.reading.fields import extract_update, looks_like_update
from bot.reading.normalise import normalise
from bot.reading.stages import default_stages, normalise_stage

REPO = Path(__file__).resolve().parents[1]
CORPUS = REPO / "data" / "corpus"
OLD_SETS = sorted((REPO / "tests" / "data").glob("deal_channel_messages*.yaml"))
FIELDS = ("deal", "amount", "currency", "stage", "next_step", "outcome")


def all_rows() -> list[tuple[str, str, str, bool]]:
    """(id, lang, text, is a deal update) for every train/dev corpus row: what looks_like_update is judged on."""
    examples = [e for p in sorted((CORPUS / "raw").glob("*.yaml")) for e in load_file(p)]
    fixed = read_splits(CORPUS / "splits.csv") if (CORPUS / "splits.csv").exists() else {}
    hashed = assign_splits(examples)
    return [(e.id, e.lang, e.text, e.deal_update is not None) for e in examples
            if (fixed.get(e.id) or hashed[e.id]) in ("train", "dev")]


def rows() -> list[tuple[str, str, str, dict]]:
    """(id, lang, text, gold deal_update) for every train/dev row with gold fields."""
    examples = [e for p in sorted((CORPUS / "raw").glob("*.yaml")) for e in load_file(p)]
    fixed = read_splits(CORPUS / "splits.csv") if (CORPUS / "splits.csv").exists() else {}
    hashed = assign_splits(examples)
    split = {e.id: fixed.get(e.id) or hashed[e.id] for e in examples}
    blind = {e.text.strip() for e in examples if split[e.id] == "test"}
    out = [(e.id, e.lang, e.text, e.deal_update) for e in examples
           if e.deal_update and split[e.id] in ("train", "dev")]
    if not any(p.name.startswith("legacy_") for p in (CORPUS / "raw").glob("*.yaml")):
        for path in OLD_SETS:
            for i, r in enumerate(yaml.safe_load(path.read_text(encoding="utf-8")) or []):
                if r.get("deal_update") and r["text"].strip() not in blind:
                    out.append((f"{path.stem}:{i}", "en", r["text"], r["deal_update"]))
    return out


def _name_key(s: str) -> str:
    s = s.casefold().replace("\u2013", "-").replace("\u2014", "-").replace("\u201c", '"').replace("\u201d", '"')
    return " ".join(s.split()).strip(" .'\"")


def _tokens(s: str) -> set[str]:
    return set(re.findall(r"\w+", s.casefold()))


def _step_ok(gold: str, got: str | None) -> bool:
    if not got:
        return False
    g, o = _name_key(gold), _name_key(got)
    if g in o or o in g:
        return True
    gt, ot = _tokens(gold), _tokens(got)
    return bool(gt) and len(gt & ot) / len(gt | ot) >= 0.5


def judge(field: str, gold, got, stages) -> bool:
    if field == "deal":
        return got is not None and _name_key(gold) == _name_key(got)
    if field == "amount":
        return got is not None and Decimal(str(gold)) == got
    if field == "stage":
        return got is not None and normalise_stage(gold, stages) == got
    if field == "next_step":
        return _step_ok(gold, got)
    return gold == got


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser()
    ap.add_argument("--show", choices=FIELDS, help="print the misses for one field")
    ap.add_argument("--limit", type=int, default=60)
    ap.add_argument("--show-gate", action="store_true", help="print looks_like_update's mistakes")
    args = ap.parse_args(argv)
    stages = default_stages()
    data = rows()
    score: dict[tuple[str, str], list[int]] = defaultdict(lambda: [0, 0])
    shown = 0
    started = time.perf_counter()
    for rid, lang, text, gold in data:
        u = extract_update(normalise(text), stages=stages)
        got = {"deal": u and u.deal_name, "amount": u and u.amount, "currency": u and u.currency,
               "stage": u and u.stage, "next_step": u and u.next_step, "outcome": u and u.outcome}
        for f in FIELDS:
            if gold.get(f) is None:
                continue
            ok = judge(f, gold[f], got[f], stages)
            for group in ("all", "en" if lang == "en" else "non-en"):
                score[(f, group)][0] += ok
                score[(f, group)][1] += 1
            if not ok and args.show == f and shown < args.limit:
                shown += 1
                print(f"- {rid} [{lang}] {text[:200]!r}\n    gold {gold[f]!r}  got {got[f]!r}")
        # a field we found that gold does not have
        for f in ("stage", "amount", "outcome", "next_step"):
            if gold.get(f) is None and got[f] is not None:
                score[(f + " (extra)", "all")][0] += 1
    elapsed = time.perf_counter() - started
    print(f"\n{len(data)} train/dev rows with gold deal_update fields; {1000 * elapsed / max(1, len(data)):.2f} ms/row")
    print(f"{'field':<12}{'all':>16}{'en':>16}{'non-en':>16}")
    for f in FIELDS:
        cells = []
        for group in ("all", "en", "non-en"):
            ok, n = score[(f, group)]
            cells.append(f"{ok / n:.3f} ({ok}/{n})" if n else "-")
        print(f"{f:<12}" + "".join(f"{c:>16}" for c in cells))
    extra = ", ".join(f"{f} {score[(f + ' (extra)', 'all')][0]}" for f in ("stage", "amount", "outcome", "next_step"))
    print(f"found but not in gold: {extra}")
    tp = fp = fn = 0
    for rid, _lang, text, gold_update in all_rows():
        said = looks_like_update(normalise(text))
        tp += said and gold_update
        fp += said and not gold_update
        fn += gold_update and not said
        if args.show_gate and said != gold_update and shown < args.limit:
            shown += 1
            print(f"- {rid} gold={gold_update} said={said} {text[:160]!r}")
    print(f"looks_like_update (rules fallback) on all train/dev rows: precision {tp / max(1, tp + fp):.3f}, "
          f"recall {tp / max(1, tp + fn):.3f} (tp {tp}, fp {fp}, fn {fn})")
    return 0


if __name__ == "__main__":
    sys.exit(main())
