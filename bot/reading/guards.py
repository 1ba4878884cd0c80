"""Guards: what rules settle better than a classifier. A closed deal gets no nudge; a stall phrase taken back by a
negation, or said in the rep's own voice, is not the prospect stepping away."""

from __future__ import annotations

from bot.coaching.models import DealUpdate
from bot.reading.vocabulary import PhraseSet

_WINDOW = 40  # characters before a phrase where a negation or the rep's own "let me" still governs it


def closes_the_deal(update: DealUpdate | None) -> bool:
    """A won or lost record: whatever its reason reads like, the deal is over and there is nothing to step back from."""
    return update is not None and update.outcome is not None


def _governs(cues: PhraseSet, low: str, start: int) -> bool:
    before = low[max(0, start - _WINDOW):start]
    # only within the same clause: a comma, full stop or "but" ends a negation's reach
    for stop in (". ", ", ", "; ", " but ", "\n", "! ", "? "):
        cut = before.rfind(stop)
        if cut >= 0:
            before = before[cut + len(stop):]
    return cues.find(before + " ") is not None


def negated(negations: PhraseSet, low: str, start: int) -> bool:
    """"doesn't need to run it by her boss", "budget isn't an issue"."""
    return _governs(negations, low, start)


def own_voice(own: PhraseSet, low: str, start: int) -> bool:
    """"let me think it over", "I need to check with my manager": the rep deliberating."""
    return _governs(own, low, start)
