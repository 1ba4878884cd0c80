"""The stage list (prompts/stages.yaml): canonical names, synonyms in five languages, and its loading errors."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml

from bot.reading.stages import (
    StageListError,
    default_prompts_dir,
    default_stages,
    load_stages,
    normalise_stage,
    tidy_stage,
)

STAGES = default_stages()
EXAMPLES = [(example, stage.name) for stage in STAGES.stages for example in stage.examples]


def test_the_repository_list_loads_with_every_stage_exemplified() -> None:
    assert len(STAGES.stages) >= 10
    assert all(stage.examples for stage in STAGES.stages)
    assert default_stages() is STAGES  # loaded once


@pytest.mark.parametrize(("written", "canonical"), EXAMPLES)
def test_every_example_in_the_file_maps_as_declared(written: str, canonical: str) -> None:
    assert normalise_stage(written, STAGES) == canonical


@pytest.mark.parametrize("stage", [s for s in STAGES.stages], ids=lambda s: s.name)
def test_every_synonym_maps_to_its_stage(stage) -> None:  # type: ignore[no-untyped-def]
    for synonym in stage.synonyms:
        assert normalise_stage(synonym, STAGES) == stage.name, synonym


@pytest.mark.parametrize(
    ("written", "canonical"),
    [
        ("Proposal/Price Quote", "Proposal"),
        ("Proposal sent", "Proposal"),
        ("Angebot versendet", "Proposal"),
        ("Negociación", "Negotiation"),
        ("NEGOCIACION", "Negotiation"),
        ("Contract Sent", "Contract"),
        ("Negotiations started", "Negotiation"),
        ("Id. Decision Makers", "Decision"),
        ("negotiation / review", "Negotiation"),
        ("*Contract sent*", "Contract"),
        ("Proposal stage", "Proposal"),
        ("Stage 3 - Proposal", "Proposal"),
        ("Closed/Won", "Closed Won"),
        ("Qualified to buy", "Qualification"),
        ("Verbal Commit", "Verbal Commit"),
    ],
)
def test_reps_and_crm_spellings(written: str, canonical: str) -> None:
    assert normalise_stage(written, STAGES) == canonical


@pytest.mark.parametrize(
    ("written", "tidied"),
    [
        ("security questionnaire", "Security Questionnaire"),
        ("  *site survey complete*  ", "Site Survey Complete"),
        ("Info Requested :tada:", "Info Requested"),
        ("waiting on POC results", "Waiting on POC Results"),
        ("early-stage", "Early-Stage"),
    ],
)
def test_unknown_stages_come_back_tidied(written: str, tidied: str) -> None:
    assert normalise_stage(written, STAGES) == tidied
    assert tidy_stage(written) == tidied


def test_outcome_stages_are_marked() -> None:
    assert STAGES.lookup("closed won").outcome == "won"  # type: ignore[union-attr]
    assert STAGES.lookup("Cerrado perdido").outcome == "lost"  # type: ignore[union-attr]
    assert STAGES.lookup("Negotiation").outcome is None  # type: ignore[union-attr]


def test_default_prompts_dir_is_the_repository_prompts() -> None:
    assert (default_prompts_dir() / "stages.yaml").is_file()


# --- loading errors: one line naming the file and the field ----------------------------------------------------


def _write(tmp_path: Path, data: object) -> Path:
    folder = tmp_path / "prompts"
    folder.mkdir()
    (folder / "stages.yaml").write_text(data if isinstance(data, str) else yaml.safe_dump(data), encoding="utf-8")
    return folder


def _error(folder: Path) -> str:
    with pytest.raises(StageListError) as err:
        load_stages(folder)
    message = str(err.value)
    assert "\n" not in message
    assert message.startswith("prompts/stages.yaml: ")
    return message


def test_a_small_valid_file_loads(tmp_path: Path) -> None:
    folder = _write(tmp_path, {"version": 1, "stages": [{"name": "Pitch", "synonyms": ["pitching", "Präsentation"]}]})
    stages = load_stages(folder)
    assert normalise_stage("prasentation", stages) == "Pitch"
    assert normalise_stage("Proposal", stages) == "Proposal"  # not in this list: tidied as written


def test_missing_file(tmp_path: Path) -> None:
    (tmp_path / "prompts").mkdir()
    assert "file not found" in _error(tmp_path / "prompts")


def test_invalid_yaml_names_the_line(tmp_path: Path) -> None:
    assert "line" in _error(_write(tmp_path, "version: 1\nstages: [\n  - name: x"))


@pytest.mark.parametrize(
    ("data", "field"),
    [
        ({"stages": [{"name": "A", "synonyms": ["a"]}]}, "version"),
        ({"version": 1, "stages": []}, "stages"),
        ({"version": 1, "stages": [{"synonyms": ["a"]}]}, "stages[0].name"),
        ({"version": 1, "stages": [{"name": "A"}]}, "stages[0].synonyms"),
        ({"version": 1, "stages": [{"name": "A", "synonyms": ["a", ""]}]}, "stages[0].synonyms[1]"),
        ({"version": 1, "stages": [{"name": "A", "synonyms": ["a"], "outcome": "maybe"}]}, "stages[0].outcome"),
        ({"version": 1, "stages": [{"name": "A", "synonyms": ["a"], "colour": "red"}]}, "stages[0].colour"),
        ({"version": 1, "stages": [{"name": "A", "synonyms": ["x"]}, {"name": "B", "synonyms": ["X"]}]},
         "stages[1].synonyms[0]"),
        ({"version": 1, "stages": [{"name": "A", "synonyms": ["x", "x"]}]}, "stages[0].synonyms[1]"),
        ({"version": 1, "stagez": []}, "stagez"),
    ],
)
def test_malformed_files_name_the_field(tmp_path: Path, data: object, field: str) -> None:
    assert f": {field}: " in _error(_write(tmp_path, data))
