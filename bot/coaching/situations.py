"""Coaching for a situation a rep describes to /coach when it is not a stall: which rhythm step fits."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.coaching.guidance import rhythm_step_for
from bot.coaching.library import PromptLibrary, RhythmStep
from bot.coaching.models import DealUpdate, Reading

# Cues for each step, checked in this order; the first that matches wins. Aware is the fallback: when in doubt,
# receive before you give.
_STEP_CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("patient", re.compile(
        r"\b(ghost\w*|(gone|went|been|going) quiet|quiet|no (reply|response|answer)|not (responding|replying|answering)|silent|silence|radio silence|"
        r"slow|waiting|taking (forever|ages|long)|dragging|stuck|delay\w*|hasn'?t (replied|responded|answered)|"
        r"push (them|her|him)|follow(ed)? up (again|twice|three)|chase|chasing|impatient|rush\w*)\b")),
    ("responsive", re.compile(
        r"\b(objection\w*|push ?back|pushing back|complain\w*|upset|angry|frustrated|annoyed|concern\w*|"
        r"worried|skeptic\w*|sceptic\w*|doubt\w*|asked (me|us) (about|why|how|whether|if)|raised)\b")),
    ("flexible", re.compile(
        r"\b(changed?|changing|different|custom\w*|scope|requirements?|doesn'?t fit|not a fit|pivot\w*|"
        r"instead|adjust\w*|tailor\w*|new (direction|priorit\w*|stakeholder))\b")),
    ("guiding", re.compile(
        r"\b(ready|decid\w*|decision|choose|choosing|compar\w*|options?|proposal|next steps?|close|closing|"
        r"sign\w*|contract|commit\w*|trial|pilot)\b")),
    ("aware", re.compile(
        r"\b(new (lead|prospect|account)|first (call|meeting)|discovery|intro\w*|research|don'?t know|"
        r"not sure what|what (they|she|he) (need|want)s?)\b")),
)


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


def rhythm_advice(library: PromptLibrary, text: str, reading: Reading) -> RhythmAdvice:
    """The rhythm step that fits what the rep described: by deal moment when it is an update, else by cues."""
    if reading.deal_update is not None:
        return RhythmAdvice(step=rhythm_step_for(library, _moment_of(reading.deal_update)))
    lowered = text.casefold()
    for step_id, cue in _STEP_CUES:
        if cue.search(lowered):
            return RhythmAdvice(step=library.step(step_id))
    return RhythmAdvice(step=library.step("aware"))
