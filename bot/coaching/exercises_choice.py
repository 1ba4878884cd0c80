"""Which daily "ask someone for help" exercise a rep gets today. Pure: no I/O, no clock, no global randomness."""

from __future__ import annotations

import random
from collections.abc import Sequence

from bot.coaching.library import Exercise, PromptLibrary

RECENT_EXERCISE_COUNT = 10  # how many of a rep's latest exercises the caller passes as ``recent_ids``


def choose_exercise(library: PromptLibrary, *, recent_ids: Sequence[str], seed: int) -> Exercise:
    """Pick an exercise the rep has not had recently.

    ``recent_ids`` are the rep's latest exercise ids, most recent first (normally the last
    ``RECENT_EXERCISE_COUNT``). The pick is uniform among the exercises not in ``recent_ids`` and the same for the
    same library, ``recent_ids`` and ``seed``. If every exercise is recent (a tiny library), the least recently used
    one is returned: the one whose latest use sits furthest down ``recent_ids``.
    """
    if not library.exercises:
        raise ValueError("the prompt library has no exercises")
    recent = set(recent_ids)
    fresh = [exercise for exercise in library.exercises if exercise.id not in recent]
    if fresh:
        return random.Random(seed).choice(fresh)
    latest_use: dict[str, int] = {}
    for position, exercise_id in enumerate(recent_ids):
        latest_use.setdefault(exercise_id, position)
    return max(library.exercises, key=lambda exercise: latest_use[exercise.id])
