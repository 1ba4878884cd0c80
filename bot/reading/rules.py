"""The rules reader: stall kinds and chasing from the vocabulary's phrases, with the negation and own-voice guards.

It is the whole reader where the learned classifier can't be installed, and, beside the classifier, it names the
stall kind when one of its phrases is in a message the classifier already reads as a stall.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.reading.guards import negated, own_voice
from bot.reading.vocabulary import Vocabulary


@dataclass(frozen=True, slots=True)
class PhraseHit:
    kind: str  # a stall kind, or "chase"
    evidence: str  # the words, as they appear in the lowered text
    start: int


def stall_phrase(vocabulary: Vocabulary, low: str) -> PhraseHit | None:
    """The first stall phrase, in message order, that no negation or own-voice cue takes back."""
    best: PhraseHit | None = None
    for kind, phrases in vocabulary.stalls.items():
        for m in phrases.finditer(low):
            if negated(vocabulary.negations, low, m.start()) or own_voice(vocabulary.own_voice, low, m.start()):
                continue
            if best is None or m.start() < best.start:
                best = PhraseHit(kind, m.group(0), m.start())
            break
    return best


def chase_phrase(vocabulary: Vocabulary, low: str) -> PhraseHit | None:
    for m in vocabulary.chase.finditer(low):
        if not negated(vocabulary.negations, low, m.start()):
            return PhraseHit("chase", m.group(0), m.start())
    return None
