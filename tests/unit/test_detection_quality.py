"""The reader against the labelled deal-channel set: precision / recall floors per class.

`pytest -s tests/unit/test_detection_quality.py` prints the table; a failure message carries it too.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coaching.detect import read_message
from bot.coaching.evaluation import Evaluation, evaluate, format_table

DATA = Path(__file__).resolve().parents[1] / "data" / "deal_channel_messages.yaml"

STALL_PRECISION = 0.95
STALL_RECALL = 0.95
UPDATE_PRECISION = 0.90
UPDATE_RECALL = 0.90
KIND_ACCURACY = 0.90


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
