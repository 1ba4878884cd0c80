"""Coaching for a situation a rep describes to /coach when it is not a stall: which rhythm step fits."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from bot.coaching.guidance import rhythm_step_for
from bot.coaching.library import PromptLibrary, RhythmStep
from bot.coaching.models import DealUpdate, Reading

# The cues for each step live in prompts/reader_vocabulary.yaml (`rhythm_cues`), checked in this order; the first
# that matches wins. Aware is the fallback: when in doubt, receive before you give.
_STEP_ORDER = ("patient", "responsive", "flexible", "guiding", "aware")


@dataclass(frozen=True, slots=True)
class RhythmAdvice:
    step: RhythmStep


def _moment_of(update: DealUpdate) -> str:
    if update.outcome:
        return update.outcome
    if update.stage:
        return "stage_advanced"
    if update.amount is not None:
        return "amount_changed"
    return "next_step_set"


class RhythmCues(Protocol):
    rhythm_cues: Mapping[str, Any]  # step id -> phrases with .find(lowered text)


def rhythm_advice(library: PromptLibrary, text: str, reading: Reading, vocabulary: RhythmCues) -> RhythmAdvice:
    """The rhythm step that fits what the rep described: by deal moment when it is an update, patience when the
    reader sees the rep chasing, else by the vocabulary's cues."""
    if reading.deal_update is not None:
        return RhythmAdvice(step=rhythm_step_for(library, _moment_of(reading.deal_update)))
    if reading.chase:
        return RhythmAdvice(step=library.step("patient"))
    lowered = " ".join(text.casefold().split())
    for step_id in _STEP_ORDER:
        cues = vocabulary.rhythm_cues.get(step_id)
        if cues is not None and cues.find(lowered):
            return RhythmAdvice(step=library.step(step_id))
    return RhythmAdvice(step=library.step("aware"))
