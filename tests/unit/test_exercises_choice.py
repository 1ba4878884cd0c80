"""Choosing the daily "ask someone for help" exercise, and the real exercises.yaml content."""

from __future__ import annotations

import dataclasses
import re
from collections import Counter

import pytest

from bot.coaching.exercises_choice import RECENT_EXERCISE_COUNT, choose_exercise
from bot.coaching.library import EXERCISE_KINDS, Exercise, PromptLibrary, default_prompts_dir, load_library

LIBRARY = load_library(default_prompts_dir())
ALL_IDS = tuple(e.id for e in LIBRARY.exercises)


def _tiny(*ids: str) -> PromptLibrary:
    exercises = tuple(
        Exercise(id=i, kind="skill", title=i, text=f"Ask someone about {i}.", reflection="How?") for i in ids
    )
    return dataclasses.replace(LIBRARY, exercises=exercises)


# ----------------------------------------------------------------------------------------------------------------
# The real content


def test_real_file_has_enough_exercises_of_every_kind() -> None:
    assert len(LIBRARY.exercises) >= 20
    counts = Counter(e.kind for e in LIBRARY.exercises)
    for kind in EXERCISE_KINDS:
        assert counts[kind] >= 4, kind


def test_every_exercise_asks_someone_for_help() -> None:
    for exercise in LIBRARY.exercises:
        assert re.search(r"\bask(s|ing)?\b", exercise.text, re.IGNORECASE), exercise.id


def test_exercises_are_short_and_free_of_pressure_language() -> None:
    pressure = ("close the deal", "closing", "urgency", "act now", "limited time", "push them", "objection")
    for exercise in LIBRARY.exercises:
        sentences = [s for s in re.split(r"(?<=[.!?])\s+", exercise.text) if s]
        assert 1 <= len(sentences) <= 3, exercise.id
        assert len(exercise.title) <= 60, exercise.id
        lowered = f"{exercise.title} {exercise.text} {exercise.reflection}".lower()
        for phrase in pressure:
            assert phrase not in lowered, (exercise.id, phrase)


# ----------------------------------------------------------------------------------------------------------------
# Choosing


def test_never_one_of_the_last_ten_over_many_seeds() -> None:
    for seed in range(500):
        start = seed % len(ALL_IDS)
        recent = [ALL_IDS[(start + k) % len(ALL_IDS)] for k in range(RECENT_EXERCISE_COUNT)]
        chosen = choose_exercise(LIBRARY, recent_ids=recent, seed=seed)
        assert chosen.id not in recent, (seed, chosen.id)


def test_a_simulated_rep_never_repeats_within_ten_days() -> None:
    history: list[str] = []  # most recent first
    for day in range(300):
        chosen = choose_exercise(LIBRARY, recent_ids=history[:RECENT_EXERCISE_COUNT], seed=day * 7919)
        assert chosen.id not in history[:RECENT_EXERCISE_COUNT], day
        history.insert(0, chosen.id)
    assert len(set(history)) == len(ALL_IDS)  # over time every exercise comes round


def test_deterministic_per_seed() -> None:
    recent = list(ALL_IDS[:RECENT_EXERCISE_COUNT])
    for seed in range(50):
        first = choose_exercise(LIBRARY, recent_ids=recent, seed=seed)
        assert choose_exercise(LIBRARY, recent_ids=tuple(recent), seed=seed) == first


def test_different_seeds_spread_the_choice() -> None:
    chosen = {choose_exercise(LIBRARY, recent_ids=(), seed=seed).id for seed in range(200)}
    assert len(chosen) >= len(ALL_IDS) // 2


def test_returns_an_exercise_from_the_library() -> None:
    chosen = choose_exercise(LIBRARY, recent_ids=(), seed=1)
    assert LIBRARY.exercise(chosen.id) is chosen


def test_tiny_library_falls_back_to_least_recently_used() -> None:
    tiny = _tiny("a", "b", "c")
    for seed in range(20):
        assert choose_exercise(tiny, recent_ids=["c", "a", "b"], seed=seed).id == "b"
        assert choose_exercise(tiny, recent_ids=["b", "c", "a"], seed=seed).id == "a"


def test_tiny_library_repeats_count_by_their_latest_use() -> None:
    tiny = _tiny("a", "b")
    # "a" was used most recently and also long ago; "b" is the least recently used.
    assert choose_exercise(tiny, recent_ids=["a", "b", "a"], seed=3).id == "b"


def test_tiny_library_prefers_the_one_never_used() -> None:
    tiny = _tiny("a", "b", "c")
    for seed in range(20):
        assert choose_exercise(tiny, recent_ids=["a", "c"], seed=seed).id == "b"


def test_unknown_recent_ids_are_ignored() -> None:
    tiny = _tiny("a")
    assert choose_exercise(tiny, recent_ids=["gone", "removed"], seed=0).id == "a"


def test_empty_library_is_an_error() -> None:
    with pytest.raises(ValueError):
        choose_exercise(_tiny(), recent_ids=(), seed=0)
