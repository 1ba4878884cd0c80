"""The labelled corpus: well-formed, as big and varied as the reader needs, and split once."""

from __future__ import annotations

from collections import Counter
from pathlib import Path

import pytest

from bot.coaching.models import STALL_KINDS
from bot.reading.corpus import CorpusError, assign_splits, load_corpus, load_file, read_splits

CORPUS = Path(__file__).resolve().parents[2] / "data" / "corpus"
ROWS = load_corpus(CORPUS / "raw", splits=CORPUS / "splits.csv")


def test_the_corpus_is_big_enough_to_learn_from() -> None:
    labels = Counter(e.label for e in ROWS)
    kinds = Counter(e.kind for e in ROWS if e.label == "stall")
    assert len(ROWS) >= 3000
    assert all(kinds[k] >= 250 for k in STALL_KINDS), kinds
    assert labels["other"] >= 800 and labels["chase"] >= 150 and labels["deal_update"] >= 300
    assert sum(1 for e in ROWS if e.label == "stall" and e.lang != "en") >= 150
    crm = Counter(e.label for e in ROWS if e.from_crm)
    assert crm["deal_update"] >= 150


def test_every_row_has_a_split_fixed_by_its_id() -> None:
    written = read_splits(CORPUS / "splits.csv")
    assert {e.id for e in ROWS} <= set(written)  # every row was split when it was added
    assert written == {**written, **assign_splits(ROWS)}  # and the file says what the id hash says
    shares = Counter(e.split for e in ROWS)
    assert 0.15 <= shares["test"] / len(ROWS) <= 0.25


def test_no_text_is_in_two_splits() -> None:
    by_text: dict[str, set[str]] = {}
    for e in ROWS:
        by_text.setdefault(" ".join(e.text.casefold().split()), set()).add(e.split or "")
    leaks = [t for t, s in by_text.items() if len(s) > 1]
    assert len(leaks) <= 5, leaks[:5]


@pytest.mark.parametrize(("row", "problem"), [
    ({"id": "x", "text": "t", "label": "stall", "kind": None, "lang": "en", "source": "s"}, "needs a kind"),
    ({"id": "x", "text": "t", "label": "maybe", "kind": None, "lang": "en", "source": "s"}, "not one of"),
    ({"id": "x", "text": "t", "label": "stall", "kind": "budget", "lang": "en", "source": "s",
      "deal_update": {"outcome": "lost"}}, "never a stall"),
    ({"id": "x", "text": "t", "label": "deal_update", "kind": None, "lang": "en", "source": "s"}, "needs its"),
])
def test_the_checker_names_what_is_wrong(tmp_path: Path, row: dict, problem: str) -> None:
    import yaml

    path = tmp_path / "bad.yaml"
    path.write_text(yaml.safe_dump([row]))
    with pytest.raises(CorpusError, match=problem):
        load_file(path)
