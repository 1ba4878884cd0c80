"""The reader against the labelled deal-channel sets: precision / recall floors per class.

- deal_channel_messages.yaml: the set the rules were first written against;
- deal_channel_messages_holdout.yaml: written independently, in other words (regional English, chat shorthand,
  quoted emails, stalls buried in long updates). It was then used as development data while widening the rules into
  vocabulary families, so its figures are optimistic too: the blind measure is a set the rules have never seen.

`pytest -s tests/unit/test_detection_quality.py` prints the tables; a failure message carries them too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coaching.detect import read_message
from bot.coaching.evaluation import Evaluation, evaluate, format_table

DATA = Path(__file__).resolve().parents[1] / "data" / "deal_channel_messages.yaml"
HOLDOUT = Path(__file__).resolve().parents[1] / "data" / "deal_channel_messages_holdout.yaml"

STALL_PRECISION = 0.95
STALL_RECALL = 0.95
UPDATE_PRECISION = 0.90
UPDATE_RECALL = 0.90
KIND_ACCURACY = 0.90
# The holdout set reads 1.000 / 1.000 for stalls now; the floors leave room for about three misreads each way.
HOLDOUT_STALL_PRECISION = 0.97
HOLDOUT_STALL_RECALL = 0.97


@pytest.fixture(scope="module")
def examples() -> list[dict[str, Any]]:
    if not DATA.exists():
        pytest.skip(f"labelled set not found: {DATA}")
    data = yaml.safe_load(DATA.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, "the labelled set should be a non-empty YAML list"
    return data


@pytest.fixture(scope="module")
def report(examples: list[dict[str, Any]]) -> Evaluation:
    result = evaluate(examples, read_message)
    print("\n" + format_table(result, misreads=60))
    return result


@pytest.fixture(scope="module")
def holdout_report() -> Evaluation:
    if not HOLDOUT.exists():
        pytest.skip(f"holdout set not found: {HOLDOUT}")
    data = yaml.safe_load(HOLDOUT.read_text(encoding="utf-8"))
    assert isinstance(data, list) and data, "the holdout set should be a non-empty YAML list"
    result = evaluate(data, read_message)
    print("\nholdout set:\n" + format_table(result, misreads=60))
    return result


def test_labelled_set_is_well_formed(examples: list[dict[str, Any]]) -> None:
    kinds = {None, "think_it_over", "consult_others", "send_info", "timing", "budget", "status_quo", "no_interest"}
    for ex in examples:
        assert isinstance(ex.get("text"), str), ex
        assert ex.get("stall") in kinds, ex
        assert ex.get("deal_update") is None or isinstance(ex["deal_update"], dict), ex


def test_stall_vs_none(report: Evaluation) -> None:
    s = report.score("stall")
    assert s.precision >= STALL_PRECISION and s.recall >= STALL_RECALL, "\n" + format_table(report, misreads=60)


def test_deal_updates(report: Evaluation) -> None:
    u = report.score("deal_update")
    assert u.precision >= UPDATE_PRECISION and u.recall >= UPDATE_RECALL, "\n" + format_table(report, misreads=60)


def test_stall_kind_among_true_positives(report: Evaluation) -> None:
    assert report.kind_accuracy >= KIND_ACCURACY, "\n" + format_table(report, misreads=60)


def test_holdout_stall_vs_none(holdout_report: Evaluation) -> None:
    s = holdout_report.score("stall")
    table = "\n" + format_table(holdout_report, misreads=60)
    assert s.precision >= HOLDOUT_STALL_PRECISION, table
    assert s.recall >= HOLDOUT_STALL_RECALL, table
    assert holdout_report.kind_accuracy >= KIND_ACCURACY, table


# --- the scorer itself ---------------------------------------------------------------------------------------------


class _Fake:
    def __init__(self, kind: str | None, update: bool) -> None:
        self.stall = type("S", (), {"kind": kind, "evidence": kind or ""})() if kind else None
        self.deal_update = type("U", (), {"deal_name": "Acme", "stage": None, "amount": None, "currency": None,
                                          "next_step": None, "outcome": None})() if update else None


def test_scores_per_kind_binary_and_updates() -> None:
    examples = [
        {"text": "a", "stall": "budget", "deal_update": None},  # tp budget
        {"text": "b", "stall": "budget", "deal_update": None},  # read as timing: fn budget, fp timing, tp stall
        {"text": "c", "stall": None, "deal_update": {"deal": "Acme"}},  # fp stall (timing), tp update
        {"text": "d", "stall": "timing", "deal_update": None},  # fn timing, fn stall
    ]
    reads = {"a": _Fake("budget", False), "b": _Fake("timing", False), "c": _Fake("timing", True), "d": _Fake(None, False)}
    report = evaluate(examples, lambda text: reads[text])

    budget, timing, stall, update = (report.score(k) for k in ("budget", "timing", "stall", "deal_update"))
    assert (budget.tp, budget.fp, budget.fn) == (1, 0, 1) and budget.precision == 1.0 and budget.recall == 0.5
    assert (timing.tp, timing.fp, timing.fn) == (0, 2, 1) and timing.precision == 0.0
    assert (stall.tp, stall.fp, stall.fn) == (2, 1, 1)
    assert abs(stall.precision - 2 / 3) < 1e-9 and abs(stall.recall - 2 / 3) < 1e-9
    assert (update.tp, update.fp, update.fn, update.support) == (1, 0, 0, 1)
    assert report.kind_compared == 2 and report.kind_agreed == 1 and report.kind_accuracy == 0.5
    assert report.field_accuracy("deal") == 1.0
    assert len(report.misreads) == 3

    table = format_table(report, misreads=5)
    assert "budget" in table and "deal_update" in table and "0.667" in table and "misreads" in table


def test_empty_classes_do_not_divide_by_zero() -> None:
    report = evaluate([{"text": "x", "stall": None, "deal_update": None}], lambda text: _Fake(None, False))
    assert report.score("stall").precision == 1.0 and report.score("stall").recall == 1.0
    assert report.kind_accuracy == 1.0
    assert "examples: 1" in format_table(report)


def test_blind_final_set_reported_honestly():
    """tests/data/deal_channel_messages_final.yaml was written blind and was never used to tune the rules; its
    figures on 2026-11-25 were stall precision 0.987, recall 0.894. The bars sit a little under them, as a guard
    against regressions; tuning against this file would make it worthless as a measurement."""
    examples = yaml.safe_load((DATA.parent / "deal_channel_messages_final.yaml").read_text())
    evaluation = evaluate(examples, read_message)
    table = format_table(evaluation)
    print(table)
    stall = evaluation.score("stall")
    assert stall.precision >= 0.95 and stall.recall >= 0.85, table
