"""The prompt library: the coaching content in `prompts/`, loaded and checked once at start.

Every problem in the content is reported as a single line naming the file and the field, for example
``prompts/care_questions.yaml: questions[2].text: must not be empty``, so a typo in a YAML file stops the app
at start with a message that says exactly where to look.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Annotated, Any

import yaml
from pydantic import BaseModel, ConfigDict, Field, StringConstraints, ValidationError

from bot.content import content_dir
from bot.coaching.models import STALL_KINDS

CARE_QUESTIONS_FILE = "care_questions.yaml"
STEP_BACK_FILE = "step_back.yaml"
RHYTHM_FILE = "rhythm.yaml"
BOUNDARIES_FILE = "boundaries.yaml"
EXERCISES_FILE = "exercises.yaml"

CARE_QUESTION_COUNT = 5
RHYTHM_STEP_IDS: tuple[str, ...] = ("aware", "responsive", "flexible", "patient", "guiding")
REQUIRED_MOMENTS: tuple[str, ...] = (
    "new_deal",
    "stage_advanced",
    "amount_changed",
    "next_step_set",
    "won",
    "lost",
    "stalled",
)
EXERCISE_KINDS: tuple[str, ...] = ("skill", "feedback", "introduction", "customer_insight", "personal")
EXERCISE_MIN_COUNT = 10
EXERCISE_TITLE_MAX = 60


class LibraryError(Exception):
    """The prompts folder is missing or invalid. ``str(err)`` is one line: ``<file>: <field>: <problem>``."""


# --------------------------------------------------------------------------------------------------------------------
# What the rest of the app sees


@dataclass(frozen=True, slots=True)
class CareQuestion:
    id: str
    text: str
    # The stall kinds it fits. After "not interested" or "happy with our vendor", a question that pictures going
    # ahead would reopen the "no": such kinds are left out.
    suits: frozenset[str] = frozenset(STALL_KINDS)


@dataclass(frozen=True, slots=True)
class Guidance:
    id: str
    stall_kind: str
    text: str


@dataclass(frozen=True, slots=True)
class RhythmStep:
    id: str
    name: str
    summary: str
    coaching: str


@dataclass(frozen=True, slots=True)
class BoundaryPrinciple:
    id: str
    text: str


@dataclass(frozen=True, slots=True)
class BoundaryExample:
    id: str
    situation: str
    honest_line: str


@dataclass(frozen=True, slots=True)
class Exercise:
    id: str
    kind: str  # one of EXERCISE_KINDS
    title: str
    text: str
    reflection: str


@dataclass(frozen=True)
class PromptLibrary:
    care_questions: tuple[CareQuestion, ...]  # exactly five, in file order, ids unique
    step_back: Mapping[str, tuple[Guidance, ...]]  # every StallKind, >= 1 variant each, in file order
    rhythm: tuple[RhythmStep, ...]  # aware, responsive, flexible, patient, guiding
    moments: Mapping[str, str]  # deal moment -> rhythm step id
    principles: tuple[BoundaryPrinciple, ...]
    boundary_examples: tuple[BoundaryExample, ...]
    versions: Mapping[str, int]  # file stem -> version
    exercises: tuple[Exercise, ...] = ()  # >= EXERCISE_MIN_COUNT when loaded, in file order, ids unique

    def question(self, id: str) -> CareQuestion:
        for question in self.care_questions:
            if question.id == id:
                return question
        raise KeyError(f"unknown care question id: {id!r}")

    def guidance(self, id: str) -> Guidance:
        for variants in self.step_back.values():
            for variant in variants:
                if variant.id == id:
                    return variant
        raise KeyError(f"unknown guidance id: {id!r}")

    def step(self, id: str) -> RhythmStep:
        for step in self.rhythm:
            if step.id == id:
                return step
        raise KeyError(f"unknown rhythm step id: {id!r}")

    def exercise(self, id: str) -> Exercise:
        for exercise in self.exercises:
            if exercise.id == id:
                return exercise
        raise KeyError(f"unknown exercise id: {id!r}")


def default_prompts_dir() -> Path:
    """The `prompts/` folder: the checkout's, or the one shipped in the package."""
    return content_dir("prompts")


# --------------------------------------------------------------------------------------------------------------------
# File schemas (pydantic, strict: no type coercion, unknown keys are errors so typos are caught)

_Text = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1)]
_Id = Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, pattern=r"^[a-z0-9_.]+$")]
_Version = Annotated[int, Field(ge=1)]


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", strict=True, frozen=True)


class _TextItem(_Strict):
    id: _Id
    text: _Text


class _CareQuestionItem(_TextItem):
    suits: list[str] | None = None


class _CareQuestionsFile(_Strict):
    version: _Version
    questions: list[_CareQuestionItem]


class _StepBackFile(_Strict):
    version: _Version
    guidance: dict[_Id, Annotated[list[_TextItem], Field(min_length=1)]]


class _Step(_Strict):
    id: _Id
    name: _Text
    summary: _Text
    coaching: _Text


class _RhythmFile(_Strict):
    version: _Version
    steps: list[_Step]
    moments: dict[_Id, _Id]


class _Example(_Strict):
    id: _Id
    situation: _Text
    honest_line: _Text


class _BoundariesFile(_Strict):
    version: _Version
    principles: Annotated[list[_TextItem], Field(min_length=1)]
    examples: Annotated[list[_Example], Field(min_length=1)]


class _Exercise(_Strict):
    id: _Id
    kind: _Text
    title: Annotated[str, StringConstraints(strip_whitespace=True, min_length=1, max_length=EXERCISE_TITLE_MAX)]
    text: _Text
    reflection: _Text


class _ExercisesFile(_Strict):
    version: _Version
    exercises: list[_Exercise]


# --------------------------------------------------------------------------------------------------------------------
# Loading


def load_library(folder: Path) -> PromptLibrary:
    """Load and validate every file in ``folder``; raise LibraryError (one line) on the first problem found."""
    folder = Path(folder)
    care_questions, care_version = _CareFileLoader(folder).load()
    step_back, step_back_version = _StepBackLoader(folder).load()
    rhythm, moments, rhythm_version = _RhythmLoader(folder).load()
    principles, examples, boundaries_version = _BoundariesLoader(folder).load()
    exercises, exercises_version = _ExercisesLoader(folder).load()
    return PromptLibrary(
        care_questions=care_questions,
        step_back=MappingProxyType(step_back),
        rhythm=rhythm,
        moments=MappingProxyType(moments),
        principles=principles,
        boundary_examples=examples,
        exercises=exercises,
        versions=MappingProxyType(
            {
                Path(CARE_QUESTIONS_FILE).stem: care_version,
                Path(STEP_BACK_FILE).stem: step_back_version,
                Path(RHYTHM_FILE).stem: rhythm_version,
                Path(BOUNDARIES_FILE).stem: boundaries_version,
                Path(EXERCISES_FILE).stem: exercises_version,
            }
        ),
    )


class _FileLoader:
    filename: str
    schema: type[_Strict]

    def __init__(self, folder: Path) -> None:
        self.path = folder / self.filename
        self.label = f"{folder.name}/{self.filename}" if folder.name else self.filename

    def fail(self, field: str, problem: str) -> LibraryError:
        return LibraryError(_one_line(f"{self.label}: {field}: {problem}"))

    def parse(self) -> Any:
        """Read the file, parse the YAML, check the top level and validate it against ``schema``."""
        try:
            raw = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            raise LibraryError(f"{self.label}: file not found (looked in {self.path.parent})") from None
        except UnicodeDecodeError as err:
            raise LibraryError(f"{self.label}: file is not valid UTF-8 (byte {err.start})") from None
        except OSError as err:
            raise LibraryError(_one_line(f"{self.label}: cannot read file: {err.strerror or err}")) from None

        try:
            data = yaml.safe_load(raw)
        except yaml.YAMLError as err:
            raise LibraryError(_one_line(f"{self.label}: {_describe_yaml_error(err)}")) from None

        expected = ", ".join(self.schema.model_fields)
        if not isinstance(data, dict):
            found = "an empty file" if data is None else _with_article(_yaml_type(data))
            raise self.fail("(top level)", f"must be a mapping with keys {expected}, found {found}")

        try:
            return self.schema.model_validate(data)
        except ValidationError as err:
            first = err.errors(include_url=False)[0]
            raise self.fail(_format_loc(first["loc"]), _describe_pydantic_error(first)) from None

    def check_unique_ids(self, items: Iterable[tuple[str, str]]) -> None:
        """``items`` is (field path, id); raise on the first id seen twice."""
        seen: dict[str, str] = {}
        for where, item_id in items:
            if item_id in seen:
                raise self.fail(where, f"duplicate id {item_id!r} (already used at {seen[item_id]})")
            seen[item_id] = where


class _CareFileLoader(_FileLoader):
    filename = CARE_QUESTIONS_FILE
    schema = _CareQuestionsFile

    def load(self) -> tuple[tuple[CareQuestion, ...], int]:
        parsed: _CareQuestionsFile = self.parse()
        if len(parsed.questions) != CARE_QUESTION_COUNT:
            raise self.fail(
                "questions", f"must list exactly {CARE_QUESTION_COUNT} questions, found {len(parsed.questions)}"
            )
        self.check_unique_ids((f"questions[{i}].id", q.id) for i, q in enumerate(parsed.questions))
        for i, q in enumerate(parsed.questions):
            unknown = sorted(set(q.suits or ()) - set(STALL_KINDS))
            if unknown:
                raise self.fail(f"questions[{i}].suits", f"{unknown[0]!r} is not a stall kind ({', '.join(STALL_KINDS)})")
        for kind in STALL_KINDS:
            if not any(q.suits is None or kind in q.suits for q in parsed.questions):
                raise self.fail("questions", f"no question suits the stall kind {kind!r}")
        questions = tuple(CareQuestion(id=q.id, text=q.text,
                                       suits=frozenset(q.suits) if q.suits is not None else frozenset(STALL_KINDS))
                          for q in parsed.questions)
        return questions, parsed.version


class _StepBackLoader(_FileLoader):
    filename = STEP_BACK_FILE
    schema = _StepBackFile

    def load(self) -> tuple[dict[str, tuple[Guidance, ...]], int]:
        parsed: _StepBackFile = self.parse()
        known = ", ".join(STALL_KINDS)
        for kind in parsed.guidance:
            if kind not in STALL_KINDS:
                raise self.fail(f"guidance.{kind}", f"unknown stall kind (expected one of {known})")
        for kind in STALL_KINDS:
            if kind not in parsed.guidance:
                raise self.fail(f"guidance.{kind}", "missing: every stall kind needs at least one variant")
        self.check_unique_ids(
            (f"guidance.{kind}[{i}].id", item.id)
            for kind, items in parsed.guidance.items()
            for i, item in enumerate(items)
        )
        step_back = {
            kind: tuple(Guidance(id=item.id, stall_kind=kind, text=item.text) for item in parsed.guidance[kind])
            for kind in STALL_KINDS
        }
        return step_back, parsed.version


class _RhythmLoader(_FileLoader):
    filename = RHYTHM_FILE
    schema = _RhythmFile

    def load(self) -> tuple[tuple[RhythmStep, ...], dict[str, str], int]:
        parsed: _RhythmFile = self.parse()
        expected = ", ".join(RHYTHM_STEP_IDS)
        if len(parsed.steps) != len(RHYTHM_STEP_IDS):
            raise self.fail(
                "steps",
                f"must list exactly {len(RHYTHM_STEP_IDS)} steps ({expected}, in that order), "
                f"found {len(parsed.steps)}",
            )
        for i, (step, want) in enumerate(zip(parsed.steps, RHYTHM_STEP_IDS, strict=True)):
            if step.id != want:
                raise self.fail(
                    f"steps[{i}].id", f"expected {want!r}, found {step.id!r} (steps must be {expected}, in that order)"
                )
        for moment, step_id in parsed.moments.items():
            if step_id not in RHYTHM_STEP_IDS:
                raise self.fail(f"moments.{moment}", f"unknown step {step_id!r} (expected one of {expected})")
        for moment in REQUIRED_MOMENTS:
            if moment not in parsed.moments:
                raise self.fail(f"moments.{moment}", f"missing (required moments: {', '.join(REQUIRED_MOMENTS)})")
        steps = tuple(
            RhythmStep(id=s.id, name=s.name, summary=s.summary, coaching=s.coaching) for s in parsed.steps
        )
        return steps, dict(parsed.moments), parsed.version


class _BoundariesLoader(_FileLoader):
    filename = BOUNDARIES_FILE
    schema = _BoundariesFile

    def load(self) -> tuple[tuple[BoundaryPrinciple, ...], tuple[BoundaryExample, ...], int]:
        parsed: _BoundariesFile = self.parse()
        self.check_unique_ids((f"principles[{i}].id", p.id) for i, p in enumerate(parsed.principles))
        self.check_unique_ids((f"examples[{i}].id", e.id) for i, e in enumerate(parsed.examples))
        principles = tuple(BoundaryPrinciple(id=p.id, text=p.text) for p in parsed.principles)
        examples = tuple(
            BoundaryExample(id=e.id, situation=e.situation, honest_line=e.honest_line) for e in parsed.examples
        )
        return principles, examples, parsed.version


class _ExercisesLoader(_FileLoader):
    filename = EXERCISES_FILE
    schema = _ExercisesFile

    def load(self) -> tuple[tuple[Exercise, ...], int]:
        parsed: _ExercisesFile = self.parse()
        if len(parsed.exercises) < EXERCISE_MIN_COUNT:
            raise self.fail(
                "exercises", f"must list at least {EXERCISE_MIN_COUNT} exercises, found {len(parsed.exercises)}"
            )
        known = ", ".join(EXERCISE_KINDS)
        for i, exercise in enumerate(parsed.exercises):
            if exercise.kind not in EXERCISE_KINDS:
                raise self.fail(f"exercises[{i}].kind", f"unknown kind {exercise.kind!r} (expected one of {known})")
        self.check_unique_ids((f"exercises[{i}].id", e.id) for i, e in enumerate(parsed.exercises))
        exercises = tuple(
            Exercise(id=e.id, kind=e.kind, title=e.title, text=e.text, reflection=e.reflection)
            for e in parsed.exercises
        )
        return exercises, parsed.version


# --------------------------------------------------------------------------------------------------------------------
# Error wording


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _format_loc(loc: tuple[int | str, ...]) -> str:
    out = ""
    for part in loc:
        if isinstance(part, int):
            out += f"[{part}]"
        elif out:
            out += f".{part}"
        else:
            out = str(part)
    return out or "(top level)"


_TYPE_NAMES = {
    "string_type": "a string",
    "int_type": "an integer",
    "list_type": "a list",
    "dict_type": "a mapping",
    "model_type": "a mapping",
    "model_attributes_type": "a mapping",
}


def _describe_pydantic_error(error: Mapping[str, Any]) -> str:
    kind = error["type"]
    value = error.get("input")
    ctx = error.get("ctx") or {}
    if kind == "missing":
        return "missing (required)"
    if kind == "extra_forbidden":
        return "unknown key (check the spelling)"
    if kind == "string_too_short":
        return "must not be empty"
    if kind == "string_too_long":
        return f"must be at most {ctx.get('max_length')} characters, found {len(value)}"
    if kind == "string_pattern_mismatch":
        return f"{value!r} must use only lowercase letters, digits, '_' and '.'"
    if kind == "too_short":
        return "must not be empty" if not value else f"must have at least {ctx.get('min_length')} items"
    if kind == "greater_than_equal":
        return f"must be at least {ctx.get('ge')}, found {value!r}"
    if kind in _TYPE_NAMES:
        if value is None:
            return "must not be empty"
        return f"must be {_TYPE_NAMES[kind]}, found {_yaml_type(value)} {_short(value)}"
    return str(error.get("msg", kind))


def _yaml_type(value: Any) -> str:
    if isinstance(value, bool):
        return "boolean"
    if isinstance(value, int):
        return "integer"
    if isinstance(value, float):
        return "number"
    if isinstance(value, str):
        return "string"
    if isinstance(value, list):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def _with_article(noun: str) -> str:
    return f"an {noun}" if noun[:1] in "aeiou" else f"a {noun}"


def _short(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


def _describe_yaml_error(err: yaml.YAMLError) -> str:
    mark = getattr(err, "problem_mark", None) or getattr(err, "context_mark", None)
    problem = getattr(err, "problem", None) or str(err)
    if mark is not None:
        return f"line {mark.line + 1}, column {mark.column + 1}: invalid YAML: {problem}"
    return f"invalid YAML: {problem}"
