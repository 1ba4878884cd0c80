"""Choosing guidance and care questions: deterministic rotation, never the same text twice in a row."""

from __future__ import annotations

import dataclasses
from pathlib import Path
from types import MappingProxyType

import pytest
import yaml

from bot.coaching.guidance import (
    Nudge,
    choose_guidance,
    compose_nudge,
    next_care_question,
    rhythm_step_for,
)
from bot.coaching.library import (
    REQUIRED_MOMENTS,
    Guidance,
    PromptLibrary,
    default_prompts_dir,
    load_library,
)
from bot.coaching.models import STALL_KINDS


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return load_library(default_prompts_dir())


def _raw(name: str) -> dict:
    return yaml.safe_load((default_prompts_dir() / name).read_text(encoding="utf-8"))


# ----------------------------------------------------------------------------------------------------------------
# Care questions


def test_first_question_when_nothing_was_asked(library: PromptLibrary) -> None:
    assert next_care_question(library, last_question_id=None) == library.care_questions[0]


def test_first_question_when_last_id_is_unknown(library: PromptLibrary) -> None:
    assert next_care_question(library, last_question_id="retired_question") == library.care_questions[0]


def test_questions_follow_file_order_and_wrap(library: PromptLibrary) -> None:
    questions = library.care_questions
    for index, question in enumerate(questions):
        following = next_care_question(library, last_question_id=question.id)
        assert following == questions[(index + 1) % len(questions)]


def test_question_rotation_never_repeats_and_covers_all_five(library: PromptLibrary) -> None:
    last: str | None = None
    seen: list[str] = []
    for _ in range(100):
        question = next_care_question(library, last_question_id=last)
        assert question.id != last
        seen.append(question.id)
        last = question.id
    assert set(seen) == {q.id for q in library.care_questions}
    assert seen[:5] == [q.id for q in library.care_questions]
    # each question comes up equally often over whole cycles
    assert all(seen.count(q.id) == 20 for q in library.care_questions)


# ----------------------------------------------------------------------------------------------------------------
# Step-back guidance


@pytest.mark.parametrize("kind", STALL_KINDS)
def test_guidance_rotation_per_kind(library: PromptLibrary, kind: str) -> None:
    variants = library.step_back[kind]
    assert choose_guidance(library, kind, last_guidance_id=None) == variants[0]
    last: str | None = None
    seen: list[Guidance] = []
    for _ in range(60):
        chosen = choose_guidance(library, kind, last_guidance_id=last)
        assert chosen.id != last
        assert chosen.stall_kind == kind
        seen.append(chosen)
        last = chosen.id
    assert {g.id for g in seen} == {v.id for v in variants}
    assert seen[: len(variants)] == list(variants)


def test_guidance_from_another_kind_starts_at_the_first_variant(library: PromptLibrary) -> None:
    other = library.step_back["budget"][1].id
    assert choose_guidance(library, "timing", last_guidance_id=other) == library.step_back["timing"][0]


def test_guidance_wraps_after_the_last_variant(library: PromptLibrary) -> None:
    variants = library.step_back["send_info"]
    assert choose_guidance(library, "send_info", last_guidance_id=variants[-1].id) == variants[0]


def test_unknown_stall_kind_raises(library: PromptLibrary) -> None:
    with pytest.raises(KeyError):
        choose_guidance(library, "pricing", last_guidance_id=None)


def test_single_variant_kind_returns_it(library: PromptLibrary) -> None:
    only = library.step_back["budget"][0]
    step_back = dict(library.step_back)
    step_back["budget"] = (only,)
    narrowed = dataclasses.replace(library, step_back=MappingProxyType(step_back))
    assert choose_guidance(narrowed, "budget", last_guidance_id=None) == only
    assert choose_guidance(narrowed, "budget", last_guidance_id=only.id) == only


def test_rotation_with_two_variants_alternates(library: PromptLibrary) -> None:
    a, b = library.step_back["timing"][:2]
    step_back = dict(library.step_back)
    step_back["timing"] = (a, b)
    narrowed = dataclasses.replace(library, step_back=MappingProxyType(step_back))
    last: str | None = None
    picks = []
    for _ in range(6):
        last = choose_guidance(narrowed, "timing", last_guidance_id=last).id
        picks.append(last)
    assert picks == [a.id, b.id] * 3


# ----------------------------------------------------------------------------------------------------------------
# Nudges


def test_compose_nudge_uses_library_texts_verbatim(library: PromptLibrary) -> None:
    raw_questions = {q["id"]: q["text"].strip() for q in _raw("care_questions.yaml")["questions"]}
    raw_guidance = {
        item["id"]: item["text"].strip()
        for items in _raw("step_back.yaml")["guidance"].values()
        for item in items
    }
    for kind in STALL_KINDS:
        nudge = compose_nudge(library, kind)
        assert isinstance(nudge, Nudge)
        assert nudge.stall_kind == kind
        assert nudge.guidance is library.step_back[kind][0]
        assert nudge.question is next(q for q in library.care_questions if kind in q.suits)
        assert nudge.guidance.text == raw_guidance[nudge.guidance.id]
        assert nudge.question.text == raw_questions[nudge.question.id]


def test_compose_nudge_rotates_both(library: PromptLibrary) -> None:
    last_q: str | None = None
    last_g: str | None = None
    for _ in range(25):
        nudge = compose_nudge(library, "think_it_over", last_question_id=last_q, last_guidance_id=last_g)
        assert nudge.question.id != last_q
        assert nudge.guidance.id != last_g
        assert nudge.guidance in library.step_back["think_it_over"]
        assert nudge.question in library.care_questions
        last_q, last_g = nudge.question.id, nudge.guidance.id


def test_compose_nudge_matches_the_single_choosers(library: PromptLibrary) -> None:
    nudge = compose_nudge(
        library, "consult_others", last_question_id="fit_current_situation", last_guidance_id="consult_others.brief"
    )
    assert nudge.question == library.question("alternative_pros_cons")
    assert nudge.guidance == choose_guidance(library, "consult_others", last_guidance_id="consult_others.brief")


# ----------------------------------------------------------------------------------------------------------------
# Rhythm


@pytest.mark.parametrize("moment", REQUIRED_MOMENTS)
def test_every_required_moment_has_a_step(library: PromptLibrary, moment: str) -> None:
    step = rhythm_step_for(library, moment)
    assert step == library.step(library.moments[moment])
    assert step.coaching


def test_fitting_steps_for_key_moments(library: PromptLibrary) -> None:
    assert rhythm_step_for(library, "new_deal").id == "aware"
    assert rhythm_step_for(library, "stalled").id == "patient"


def test_unknown_moment_raises(library: PromptLibrary) -> None:
    with pytest.raises(KeyError):
        rhythm_step_for(library, "champagne")


def test_choices_work_on_a_loaded_copy(tmp_path: Path) -> None:
    folder = tmp_path / "prompts"
    folder.mkdir()
    for source in default_prompts_dir().glob("*.yaml"):
        (folder / source.name).write_text(source.read_text(encoding="utf-8"), encoding="utf-8")
    copy = load_library(folder)
    assert next_care_question(copy, last_question_id="anything_unclear").id == "outcome_six_months"


def test_after_a_no_the_question_never_reopens_it(library: PromptLibrary) -> None:
    """After "not interested" or "happy with our vendor", never "picture six months after going ahead"."""
    for kind in ("no_interest", "status_quo"):
        last = None
        for _ in range(12):
            question = compose_nudge(library, kind, last_question_id=last).question
            assert question.id != "outcome_six_months" and kind in question.suits
            assert question.id != last  # never twice in a row
            last = question.id


def test_questions_rotate_through_the_ones_that_suit_even_after_another_kind(library: PromptLibrary) -> None:
    # the deal's last question was the six-months one (after a think_it_over); a no_interest next moves on
    question = compose_nudge(library, "no_interest", last_question_id="outcome_six_months").question
    assert question.id != "outcome_six_months" and "no_interest" in question.suits
    seen = set()
    last = None
    for _ in range(len(library.care_questions)):
        last = compose_nudge(library, "think_it_over", last_question_id=last).question.id
        seen.add(last)
    assert seen == {q.id for q in library.care_questions}  # think_it_over suits all five, each comes round


def test_a_care_question_suiting_an_unknown_kind_is_one_line(tmp_path) -> None:  # type: ignore[no-untyped-def]
    import shutil

    from bot.coaching.library import LibraryError, default_prompts_dir, load_library

    folder = tmp_path / "prompts"
    shutil.copytree(default_prompts_dir(), folder)
    path = folder / "care_questions.yaml"
    path.write_text(path.read_text().replace("suits: [think_it_over, consult_others, send_info, timing, budget]",
                                             "suits: [think_it_over, vibes]", 1))
    with pytest.raises(LibraryError, match=r"care_questions.yaml: questions\[0\].suits: 'vibes' is not a stall kind"):
        load_library(folder)


def test_no_guidance_variant_repeats_the_nudges_heading(library):
    """The nudge opens with "*Step back with them.*": a variant saying it again reads as a stutter."""
    repeats = [g.id for variants in library.step_back.values() for g in variants
               if "step back with them" in g.text.casefold()]
    assert repeats == []
