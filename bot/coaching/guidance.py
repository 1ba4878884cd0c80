"""Choosing what the coach says: pure functions over a loaded PromptLibrary.

Rotation is deterministic: the caller remembers the id it used last time (per rep, per channel, whatever fits) and
passes it back; the next item in file order comes out, wrapping around, so the same text never shows twice in a row.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Protocol, TypeVar

from bot.coaching.library import CareQuestion, Guidance, PromptLibrary, RhythmStep


@dataclass(frozen=True, slots=True)
class Nudge:
    """What the coach offers when a prospect steps away: one step-back guidance and one care question."""

    stall_kind: str
    guidance: Guidance
    question: CareQuestion


class _HasId(Protocol):
    @property
    def id(self) -> str: ...


_T = TypeVar("_T", bound=_HasId)


def _after(items: Sequence[_T], last_id: str | None) -> _T:
    """The item after ``last_id`` in order, wrapping; the first item when ``last_id`` is None or not among them."""
    if not items:
        raise ValueError("nothing to choose from")
    for index, item in enumerate(items):
        if item.id == last_id:
            return items[(index + 1) % len(items)]
    return items[0]


def next_care_question(library: PromptLibrary, *, last_question_id: str | None,
                       stall_kind: str | None = None) -> CareQuestion:
    """The care question after ``last_question_id`` in file order (wraps), among those that suit ``stall_kind``;
    never the same one twice in a row."""
    suitable = [q for q in library.care_questions if stall_kind is None or stall_kind in q.suits]
    if last_question_id is not None and last_question_id not in {q.id for q in suitable}:
        # the last one does not suit this kind: go on from where it stands in the file
        order = [q.id for q in library.care_questions]
        if last_question_id in order:
            at = order.index(last_question_id)
            later = [q for q in suitable if order.index(q.id) > at]
            return later[0] if later else suitable[0]
    return _after(suitable, last_question_id)


def choose_guidance(library: PromptLibrary, stall_kind: str, *, last_guidance_id: str | None) -> Guidance:
    """The next step-back variant for ``stall_kind`` after ``last_guidance_id`` (wraps); the first when None/unknown.

    Raises KeyError for a stall kind the library has no guidance for.
    """
    try:
        variants = library.step_back[stall_kind]
    except KeyError:
        raise KeyError(f"no step-back guidance for stall kind {stall_kind!r}") from None
    return _after(variants, last_guidance_id)


def compose_nudge(
    library: PromptLibrary,
    stall_kind: str,
    *,
    last_question_id: str | None = None,
    last_guidance_id: str | None = None,
) -> Nudge:
    """One guidance variant for the stall plus the next care question, both exactly as written in the library."""
    return Nudge(
        stall_kind=stall_kind,
        guidance=choose_guidance(library, stall_kind, last_guidance_id=last_guidance_id),
        question=next_care_question(library, last_question_id=last_question_id, stall_kind=stall_kind),
    )


def rhythm_step_for(library: PromptLibrary, moment: str) -> RhythmStep:
    """The rhythm step that fits a deal moment (``new_deal``, ``won``, ``stalled``...). KeyError for unknown moments."""
    try:
        step_id = library.moments[moment]
    except KeyError:
        known = ", ".join(library.moments)
        raise KeyError(f"unknown deal moment {moment!r} (known: {known})") from None
    return library.step(step_id)
