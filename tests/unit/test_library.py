"""The prompt library: the real prompts/ folder loads, and broken copies fail with one precise line."""

from __future__ import annotations

import re
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.coaching.library import (
    REQUIRED_MOMENTS,
    RHYTHM_STEP_IDS,
    LibraryError,
    PromptLibrary,
    default_prompts_dir,
    load_library,
)
from bot.coaching.models import STALL_KINDS

PROMPT_FILES = ("care_questions.yaml", "step_back.yaml", "rhythm.yaml", "boundaries.yaml")
CARE_IDS = (
    "outcome_six_months",
    "concerns_roadblocks",
    "fit_current_situation",
    "alternative_pros_cons",
    "anything_unclear",
)


@pytest.fixture(scope="module")
def library() -> PromptLibrary:
    return load_library(default_prompts_dir())


# ----------------------------------------------------------------------------------------------------------------
# The real folder


def test_default_prompts_dir_is_the_repo_prompts_folder() -> None:
    folder = default_prompts_dir()
    assert folder.name == "prompts"
    assert (folder.parent / "pyproject.toml").is_file()
    for name in PROMPT_FILES:
        assert (folder / name).is_file()


def test_real_folder_loads_with_versions(library: PromptLibrary) -> None:
    assert dict(library.versions) == {
        "care_questions": 2,
        "step_back": 2,
        "rhythm": 1,
        "boundaries": 1,
        "exercises": 1,
    }


def test_exactly_five_care_questions_in_order(library: PromptLibrary) -> None:
    assert tuple(q.id for q in library.care_questions) == CARE_IDS
    for question in library.care_questions:
        assert question.text.endswith("?"), question.id
        assert question.text == question.text.strip()
        assert "\n" not in question.text


def test_every_stall_kind_has_at_least_three_variants(library: PromptLibrary) -> None:
    assert set(library.step_back) == set(STALL_KINDS)
    for kind in STALL_KINDS:
        variants = library.step_back[kind]
        assert len(variants) >= 3, kind
        for variant in variants:
            assert variant.stall_kind == kind
            assert variant.id.startswith(f"{kind}."), variant.id
            assert variant.text and len(variant.text) <= 400, variant.id


def test_guidance_ids_are_unique_across_the_file(library: PromptLibrary) -> None:
    ids = [v.id for variants in library.step_back.values() for v in variants]
    assert len(ids) == len(set(ids))


def test_step_back_guidance_carries_the_core_ideas(library: PromptLibrary) -> None:
    all_text = " ".join(v.text for variants in library.step_back.values() for v in variants).lower()
    assert "take all the time you need" in all_text
    assert "chase" in all_text


def test_rhythm_steps_and_moments(library: PromptLibrary) -> None:
    assert tuple(s.id for s in library.rhythm) == RHYTHM_STEP_IDS
    assert [s.name for s in library.rhythm] == [
        "Be aware",
        "Be responsive",
        "Be flexible",
        "Be patient",
        "Be guiding",
    ]
    assert set(REQUIRED_MOMENTS) <= set(library.moments)
    assert library.moments["stalled"] == "patient"
    assert library.moments["new_deal"] == "aware"
    assert set(library.moments.values()) <= set(RHYTHM_STEP_IDS)


def test_boundaries_have_principles_and_examples(library: PromptLibrary) -> None:
    assert len(library.principles) >= 4
    assert len(library.boundary_examples) >= 4
    assert all(p.text for p in library.principles)
    assert all(e.situation and e.honest_line for e in library.boundary_examples)


def test_lookups_by_id(library: PromptLibrary) -> None:
    assert library.question("anything_unclear").id == "anything_unclear"
    assert library.guidance("think_it_over.space").stall_kind == "think_it_over"
    assert library.step("patient").name == "Be patient"
    with pytest.raises(KeyError):
        library.question("nope")
    with pytest.raises(KeyError):
        library.guidance("nope")
    with pytest.raises(KeyError):
        library.step("nope")


def test_library_mappings_are_read_only(library: PromptLibrary) -> None:
    with pytest.raises(TypeError):
        library.moments["won"] = "aware"  # type: ignore[index]
    with pytest.raises(TypeError):
        library.step_back["budget"] = ()  # type: ignore[index]


# ----------------------------------------------------------------------------------------------------------------
# Broken copies


@pytest.fixture
def prompts(tmp_path: Path) -> Path:
    folder = tmp_path / "prompts"
    shutil.copytree(default_prompts_dir(), folder)
    return folder


def _edit(folder: Path, name: str, change: Callable[[Any], Any]) -> None:
    """Load ``name`` from the copy, let ``change`` mutate the data in place, write it back."""
    path = folder / name
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, sort_keys=False), encoding="utf-8")


def _error(folder: Path) -> str:
    with pytest.raises(LibraryError) as info:
        load_library(folder)
    message = str(info.value)
    assert "\n" not in message
    return message


def test_a_valid_copy_loads(prompts: Path) -> None:
    assert len(load_library(prompts).care_questions) == 5


@pytest.mark.parametrize("name", PROMPT_FILES)
def test_missing_file(prompts: Path, name: str) -> None:
    (prompts / name).unlink()
    assert _error(prompts).startswith(f"prompts/{name}: file not found")


def test_missing_folder(tmp_path: Path) -> None:
    assert _error(tmp_path / "prompts").startswith("prompts/care_questions.yaml: file not found")


def test_yaml_syntax_error_names_the_line(prompts: Path) -> None:
    (prompts / "rhythm.yaml").write_text("version: 1\nsteps:\n  - id: aware\n    name: [unclosed\n", encoding="utf-8")
    message = _error(prompts)
    assert message.startswith("prompts/rhythm.yaml: line ")
    assert "invalid YAML" in message
    assert re.match(r"prompts/rhythm\.yaml: line \d+, column \d+: invalid YAML: ", message)


def test_yaml_syntax_error_line_number_is_right(prompts: Path) -> None:
    (prompts / "care_questions.yaml").write_text("version: 1\nquestions:\n\t- id: x\n", encoding="utf-8")
    assert _error(prompts).startswith("prompts/care_questions.yaml: line 3, column 1: invalid YAML:")


@pytest.mark.parametrize(
    ("content", "found"),
    [("- a\n- b\n", "a list"), ("just words\n", "a string"), ("", "an empty file"), ("42\n", "an integer")],
)
def test_wrong_top_level_type(prompts: Path, content: str, found: str) -> None:
    (prompts / "care_questions.yaml").write_text(content, encoding="utf-8")
    assert _error(prompts) == (
        f"prompts/care_questions.yaml: (top level): must be a mapping with keys version, questions, found {found}"
    )


@pytest.mark.parametrize(
    ("name", "change", "expected"),
    [
        # missing keys
        (
            "care_questions.yaml",
            lambda d: d.pop("version"),
            "prompts/care_questions.yaml: version: missing (required)",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"][1].pop("text"),
            "prompts/care_questions.yaml: questions[1].text: missing (required)",
        ),
        (
            "rhythm.yaml",
            lambda d: d["steps"][3].pop("coaching"),
            "prompts/rhythm.yaml: steps[3].coaching: missing (required)",
        ),
        (
            "boundaries.yaml",
            lambda d: d.pop("examples"),
            "prompts/boundaries.yaml: examples: missing (required)",
        ),
        # extra keys
        (
            "care_questions.yaml",
            lambda d: d.update(questons=[]),
            "prompts/care_questions.yaml: questons: unknown key (check the spelling)",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"][0].update(txt="hello"),
            "prompts/care_questions.yaml: questions[0].txt: unknown key (check the spelling)",
        ),
        (
            "step_back.yaml",
            lambda d: d["guidance"]["budget"][2].update(tone="warm"),
            "prompts/step_back.yaml: guidance.budget[2].tone: unknown key (check the spelling)",
        ),
        (
            "boundaries.yaml",
            lambda d: d["examples"][1].update(honestline="x"),
            "prompts/boundaries.yaml: examples[1].honestline: unknown key (check the spelling)",
        ),
        # empty strings
        (
            "care_questions.yaml",
            lambda d: d["questions"][2].update(text=""),
            "prompts/care_questions.yaml: questions[2].text: must not be empty",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"][2].update(text="   \n "),
            "prompts/care_questions.yaml: questions[2].text: must not be empty",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"][4].update(text=None),
            "prompts/care_questions.yaml: questions[4].text: must not be empty",
        ),
        (
            "step_back.yaml",
            lambda d: d["guidance"]["timing"][0].update(id=""),
            "prompts/step_back.yaml: guidance.timing[0].id: must not be empty",
        ),
        (
            "rhythm.yaml",
            lambda d: d["steps"][0].update(summary=""),
            "prompts/rhythm.yaml: steps[0].summary: must not be empty",
        ),
        (
            "boundaries.yaml",
            lambda d: d["examples"][0].update(honest_line=""),
            "prompts/boundaries.yaml: examples[0].honest_line: must not be empty",
        ),
        (
            "boundaries.yaml",
            lambda d: d.update(principles=[]),
            "prompts/boundaries.yaml: principles: must not be empty",
        ),
        # wrong types
        (
            "care_questions.yaml",
            lambda d: d.update(version="1"),
            "prompts/care_questions.yaml: version: must be an integer, found string '1'",
        ),
        (
            "care_questions.yaml",
            lambda d: d.update(version=0),
            "prompts/care_questions.yaml: version: must be at least 1, found 0",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"][0].update(text=42),
            "prompts/care_questions.yaml: questions[0].text: must be a string, found integer 42",
        ),
        (
            "care_questions.yaml",
            lambda d: d.update(questions={"a": 1}),
            "prompts/care_questions.yaml: questions: must be a list, found mapping {'a': 1}",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"][0].update(id="Outcome Six"),
            "prompts/care_questions.yaml: questions[0].id: 'Outcome Six' must use only lowercase letters,"
            " digits, '_' and '.'",
        ),
        # not exactly five care questions
        (
            "care_questions.yaml",
            lambda d: d["questions"].pop(),
            "prompts/care_questions.yaml: questions: must list exactly 5 questions, found 4",
        ),
        (
            "care_questions.yaml",
            lambda d: d["questions"].append({"id": "sixth", "text": "One more?"}),
            "prompts/care_questions.yaml: questions: must list exactly 5 questions, found 6",
        ),
        # duplicate ids
        (
            "care_questions.yaml",
            lambda d: d["questions"][3].update(id="outcome_six_months"),
            "prompts/care_questions.yaml: questions[3].id: duplicate id 'outcome_six_months'"
            " (already used at questions[0].id)",
        ),
        (
            "step_back.yaml",
            lambda d: d["guidance"]["no_interest"][1].update(id="think_it_over.space"),
            "prompts/step_back.yaml: guidance.no_interest[1].id: duplicate id 'think_it_over.space'"
            " (already used at guidance.think_it_over[0].id)",
        ),
        (
            "boundaries.yaml",
            lambda d: d["principles"][2].update(id=d["principles"][0]["id"]),
            "prompts/boundaries.yaml: principles[2].id: duplicate id 'same_direction'"
            " (already used at principles[0].id)",
        ),
        # stall kinds
        (
            "step_back.yaml",
            lambda d: d["guidance"].update(pricing=[{"id": "pricing.x", "text": "Hi."}]),
            "prompts/step_back.yaml: guidance.pricing: unknown stall kind (expected one of think_it_over,"
            " consult_others, send_info, timing, budget, status_quo, no_interest)",
        ),
        (
            "step_back.yaml",
            lambda d: d["guidance"].pop("budget"),
            "prompts/step_back.yaml: guidance.budget: missing: every stall kind needs at least one variant",
        ),
        (
            "step_back.yaml",
            lambda d: d["guidance"].update(status_quo=[]),
            "prompts/step_back.yaml: guidance.status_quo: must not be empty",
        ),
        # rhythm steps: exactly the five, in order
        (
            "rhythm.yaml",
            lambda d: d["steps"].pop(2),
            "prompts/rhythm.yaml: steps: must list exactly 5 steps (aware, responsive, flexible, patient,"
            " guiding, in that order), found 4",
        ),
        (
            "rhythm.yaml",
            lambda d: d["steps"].insert(1, d["steps"].pop(2)),
            "prompts/rhythm.yaml: steps[1].id: expected 'responsive', found 'flexible' (steps must be aware,"
            " responsive, flexible, patient, guiding, in that order)",
        ),
        (
            "rhythm.yaml",
            lambda d: d["steps"][4].update(id="guide"),
            "prompts/rhythm.yaml: steps[4].id: expected 'guiding', found 'guide' (steps must be aware,"
            " responsive, flexible, patient, guiding, in that order)",
        ),
        # moments
        (
            "rhythm.yaml",
            lambda d: d["moments"].update(won="celebrate"),
            "prompts/rhythm.yaml: moments.won: unknown step 'celebrate' (expected one of aware, responsive,"
            " flexible, patient, guiding)",
        ),
        (
            "rhythm.yaml",
            lambda d: d["moments"].pop("lost"),
            "prompts/rhythm.yaml: moments.lost: missing (required moments: new_deal, stage_advanced,"
            " amount_changed, next_step_set, won, lost, stalled)",
        ),
    ],
)
def test_broken_copy_gives_one_line(prompts: Path, name: str, change: Callable[[Any], Any], expected: str) -> None:
    _edit(prompts, name, change)
    assert _error(prompts) == expected


def test_extra_moments_are_allowed(prompts: Path) -> None:
    _edit(prompts, "rhythm.yaml", lambda d: d["moments"].update(first_call="aware"))
    assert load_library(prompts).moments["first_call"] == "aware"


def test_label_uses_the_folder_name(tmp_path: Path) -> None:
    folder = tmp_path / "content"
    shutil.copytree(default_prompts_dir(), folder)
    (folder / "boundaries.yaml").unlink()
    assert _error(folder).startswith("content/boundaries.yaml: file not found")


def test_library_error_is_an_exception() -> None:
    assert issubclass(LibraryError, Exception)


# ----------------------------------------------------------------------------------------------------------------
# Exercises (the daily "ask someone for help" DM)


def test_exercises_load_in_file_order(library: PromptLibrary) -> None:
    from bot.coaching.library import EXERCISE_KINDS, Exercise

    assert len(library.exercises) >= 10
    assert library.exercises[0].id == "skill_spreadsheet"
    assert all(isinstance(e, Exercise) for e in library.exercises)
    assert {e.kind for e in library.exercises} == set(EXERCISE_KINDS)
    ids = [e.id for e in library.exercises]
    assert len(ids) == len(set(ids))
    for exercise in library.exercises:
        assert exercise.title and len(exercise.title) <= 60, exercise.id
        assert exercise.text and exercise.reflection, exercise.id
        assert exercise.text == exercise.text.strip() and "\n" not in exercise.text, exercise.id
        assert exercise.reflection.endswith("?"), exercise.id


def test_exercise_lookup_by_id(library: PromptLibrary) -> None:
    assert library.exercise("skill_spreadsheet").kind == "skill"
    with pytest.raises(KeyError):
        library.exercise("nope")


def test_exercises_default_to_empty_for_existing_constructors(library: PromptLibrary) -> None:
    bare = PromptLibrary(
        care_questions=library.care_questions,
        step_back=library.step_back,
        rhythm=library.rhythm,
        moments=library.moments,
        principles=library.principles,
        boundary_examples=library.boundary_examples,
        versions=library.versions,
    )
    assert bare.exercises == ()
    with pytest.raises(KeyError):
        bare.exercise("skill_spreadsheet")


def _exercise(n: int, kind: str = "skill") -> dict[str, str]:
    return {"id": f"ex_{n}", "kind": kind, "title": f"Title {n}", "text": "Ask someone.", "reflection": "How?"}


def test_exercises_missing_file(prompts: Path) -> None:
    (prompts / "exercises.yaml").unlink()
    assert _error(prompts).startswith("prompts/exercises.yaml: file not found")


def test_exercises_yaml_syntax_error(prompts: Path) -> None:
    (prompts / "exercises.yaml").write_text("version: 1\nexercises:\n  - id: [oops\n", encoding="utf-8")
    assert re.match(r"prompts/exercises\.yaml: line \d+, column \d+: invalid YAML: ", _error(prompts))


def test_exercises_wrong_top_level(prompts: Path) -> None:
    (prompts / "exercises.yaml").write_text("- a\n", encoding="utf-8")
    assert _error(prompts) == (
        "prompts/exercises.yaml: (top level): must be a mapping with keys version, exercises, found a list"
    )


def test_exactly_ten_exercises_is_enough(prompts: Path) -> None:
    _edit(prompts, "exercises.yaml", lambda d: d.update(exercises=[_exercise(n) for n in range(10)]))
    assert len(load_library(prompts).exercises) == 10


@pytest.mark.parametrize(
    ("change", "expected"),
    [
        (lambda d: d.pop("version"), "prompts/exercises.yaml: version: missing (required)"),
        (lambda d: d.pop("exercises"), "prompts/exercises.yaml: exercises: missing (required)"),
        (
            lambda d: d["exercises"][3].pop("reflection"),
            "prompts/exercises.yaml: exercises[3].reflection: missing (required)",
        ),
        (
            lambda d: d["exercises"][0].pop("kind"),
            "prompts/exercises.yaml: exercises[0].kind: missing (required)",
        ),
        (
            lambda d: d.update(exercise=[]),
            "prompts/exercises.yaml: exercise: unknown key (check the spelling)",
        ),
        (
            lambda d: d["exercises"][2].update(prompt="x"),
            "prompts/exercises.yaml: exercises[2].prompt: unknown key (check the spelling)",
        ),
        (
            lambda d: d["exercises"][1].update(text=""),
            "prompts/exercises.yaml: exercises[1].text: must not be empty",
        ),
        (
            lambda d: d["exercises"][1].update(title="  "),
            "prompts/exercises.yaml: exercises[1].title: must not be empty",
        ),
        (
            lambda d: d["exercises"][5].update(reflection=None),
            "prompts/exercises.yaml: exercises[5].reflection: must not be empty",
        ),
        (
            lambda d: d["exercises"][0].update(id=""),
            "prompts/exercises.yaml: exercises[0].id: must not be empty",
        ),
        (
            lambda d: d["exercises"][0].update(id="Skill Sheet"),
            "prompts/exercises.yaml: exercises[0].id: 'Skill Sheet' must use only lowercase letters,"
            " digits, '_' and '.'",
        ),
        (
            lambda d: d["exercises"][0].update(title="x" * 61),
            "prompts/exercises.yaml: exercises[0].title: must be at most 60 characters, found 61",
        ),
        (
            lambda d: d["exercises"][4].update(id="skill_spreadsheet"),
            "prompts/exercises.yaml: exercises[4].id: duplicate id 'skill_spreadsheet'"
            " (already used at exercises[0].id)",
        ),
        (
            lambda d: d["exercises"][7].update(kind="pitch"),
            "prompts/exercises.yaml: exercises[7].kind: unknown kind 'pitch' (expected one of skill, feedback,"
            " introduction, customer_insight, personal)",
        ),
        (
            lambda d: d["exercises"][7].update(kind="Skill"),
            "prompts/exercises.yaml: exercises[7].kind: unknown kind 'Skill' (expected one of skill, feedback,"
            " introduction, customer_insight, personal)",
        ),
        (
            lambda d: d.update(exercises=[_exercise(n) for n in range(9)]),
            "prompts/exercises.yaml: exercises: must list at least 10 exercises, found 9",
        ),
        (
            lambda d: d.update(exercises=[]),
            "prompts/exercises.yaml: exercises: must list at least 10 exercises, found 0",
        ),
        (
            lambda d: d.update(version="1"),
            "prompts/exercises.yaml: version: must be an integer, found string '1'",
        ),
        (
            lambda d: d["exercises"][0].update(text=["ask"]),
            "prompts/exercises.yaml: exercises[0].text: must be a string, found list ['ask']",
        ),
    ],
)
def test_broken_exercises_give_one_line(prompts: Path, change: Callable[[Any], Any], expected: str) -> None:
    _edit(prompts, "exercises.yaml", change)
    assert _error(prompts) == expected
