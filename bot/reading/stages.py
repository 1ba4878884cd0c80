"""The stage list: canonical deal stages and the ways reps and CRMs write them (`prompts/stages.yaml`).

`normalise_stage("Proposal/Price Quote", stages)` -> "Proposal"; a stage nobody listed comes back tidied
("contract review" -> "Contract Review"). Matching ignores case, accents, spacing and punctuation.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.content import content_dir

__all__ = [
    "Stage", "StageList", "StageListError", "STAGES_FILE", "default_stages", "load_stages", "normalise_stage",
    "stage_key", "tidy_stage",
]

STAGES_FILE = "stages.yaml"


class StageListError(ValueError):
    """`prompts/stages.yaml` is missing or malformed. ``str(err)`` is one line: ``<file>: <field>: <problem>``."""


@dataclass(frozen=True, slots=True)
class Stage:
    name: str  # canonical, as stored
    synonyms: tuple[str, ...]  # as written in the file
    outcome: str | None = None  # "won" / "lost" for closed stages
    examples: tuple[str, ...] = ()


@dataclass(frozen=True)
class StageList:
    stages: tuple[Stage, ...]
    version: int = 1
    # stage_key(synonym or name) -> Stage
    by_key: dict[str, Stage] = field(default_factory=dict, compare=False, repr=False)

    def lookup(self, raw: str) -> Stage | None:
        """The stage `raw` names, or None."""
        key = stage_key(raw)
        hit = self.by_key.get(key)
        if hit is None and key:
            # "Proposal stage", "stage: Demo", "Etapa Propuesta", "S3 - Proposal": drop the label words.
            trimmed = _LABEL_WORDS_RE.sub(" ", f" {key} ").strip()
            trimmed = _STAGE_NUMBER_RE.sub("", trimmed).strip()
            if trimmed != key:
                hit = self.by_key.get(trimmed)
        return hit

    def spellings(self) -> tuple[str, ...]:
        """Every key (folded name and synonyms), longest first: what a stage in running text can look like."""
        return tuple(sorted(self.by_key, key=len, reverse=True))


# --- keys ---------------------------------------------------------------------------------------------------------

_NON_WORD_RE = re.compile(r"[^\w]+")
_SPACES_RE = re.compile(r"\s+")
_LABEL_WORDS_RE = re.compile(r" (?:deal stage|stage|phase|etapa|fase|stufe|etape|estagio|dealstage) ")
_STAGE_NUMBER_RE = re.compile(r"^(?:s|stage )?\d{1,2}\s*")


def _fold(text: str) -> str:
    """Lowercase without accents: "Négociation" -> "negociation", "Prüfung" -> "prufung"."""
    text = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in text if not unicodedata.combining(c))


def stage_key(raw: str) -> str:
    """The form stages are compared in: folded, punctuation as spaces ("Id. Decision-Makers" -> "id decision makers")."""
    key = _fold(raw).replace("&", " and ")
    key = _NON_WORD_RE.sub(" ", key).replace("_", " ")
    return _SPACES_RE.sub(" ", key).strip()


# --- tidying an unknown stage -----------------------------------------------------------------------------------------

_MARKUP_RE = re.compile(r"[*_~`]+|:[a-z0-9_+-]{1,40}:|<[^<>|]*\|([^<>]*)>|[\U0001F000-\U0001FAFF\u2600-\u27bf\ufe0f]")
_SMALL_WORDS = frozenset("a an and as at by for in of on or the to vs de del la el en da do das dos e y et du des "
                         "le les zu der die das und im am".split())


def tidy_stage(raw: str) -> str:
    """A stage as written, without markup or stray punctuation, in title case ("contract review" -> "Contract
    Review"); words already holding capitals ("POC", "SaaS") are kept."""
    text = _MARKUP_RE.sub(lambda m: m.group(1) or " ", raw)
    text = _SPACES_RE.sub(" ", text).strip().strip("\"'.,:;!?()[]-\u2013\u2014 ").strip()
    words = []
    for i, word in enumerate(text.split(" ")):
        if word != word.lower() or not word:
            words.append(word)
        elif i and word in _SMALL_WORDS:
            words.append(word)
        else:
            words.append("-".join(p[:1].upper() + p[1:] for p in word.split("-")))
    return " ".join(words)


def normalise_stage(raw: str, stages: StageList) -> str:
    """The canonical name of the stage `raw` names, or `raw` tidied when the list has no such stage."""
    hit = stages.lookup(tidy_stage(raw))
    return hit.name if hit is not None else tidy_stage(raw)


# --- loading -----------------------------------------------------------------------------------------------------


def _fail(label: str, where: str, problem: str) -> StageListError:
    return StageListError(" ".join(f"{label}: {where}: {problem}".split()))


def _strings(value: Any, label: str, where: str, *, required: bool) -> tuple[str, ...]:
    if value is None and not required:
        return ()
    if not isinstance(value, list) or (required and not value):
        raise _fail(label, where, "must be a non-empty list of strings" if required else "must be a list of strings")
    out = []
    for i, item in enumerate(value):
        if not isinstance(item, str) or not item.strip():
            raise _fail(label, f"{where}[{i}]", "must be a non-empty string")
        out.append(item.strip())
    return tuple(out)


def load_stages(prompts_dir: Path) -> StageList:
    """Load `<prompts_dir>/stages.yaml`; raise StageListError (one line naming the file and field) if it is wrong."""
    path = Path(prompts_dir) / STAGES_FILE
    label = f"{path.parent.name}/{STAGES_FILE}" if path.parent.name else STAGES_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except FileNotFoundError:
        raise StageListError(f"{label}: file not found (looked in {path.parent})") from None
    except UnicodeDecodeError as err:
        raise StageListError(f"{label}: file is not valid UTF-8 (byte {err.start})") from None
    except yaml.YAMLError as err:
        mark = getattr(err, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark is not None else "YAML"
        raise _fail(label, where, f"invalid YAML: {getattr(err, 'problem', None) or err}") from None
    if not isinstance(data, dict):
        raise _fail(label, "(top level)", "must be a mapping with 'version' and 'stages'")
    unknown = set(data) - {"version", "stages"}
    if unknown:
        raise _fail(label, sorted(unknown)[0], "unknown field (expected: version, stages)")
    version = data.get("version")
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise _fail(label, "version", "must be a whole number >= 1")
    raw_stages = data.get("stages")
    if not isinstance(raw_stages, list) or not raw_stages:
        raise _fail(label, "stages", "must be a non-empty list")
    stages: list[Stage] = []
    by_key: dict[str, Stage] = {}
    owner: dict[str, str] = {}
    for i, item in enumerate(raw_stages):
        where = f"stages[{i}]"
        if not isinstance(item, dict):
            raise _fail(label, where, "must be a mapping with 'name' and 'synonyms'")
        unknown = set(item) - {"name", "synonyms", "outcome", "examples"}
        if unknown:
            raise _fail(label, f"{where}.{sorted(unknown)[0]}", "unknown field (expected: name, synonyms, outcome, examples)")
        name = item.get("name")
        if not isinstance(name, str) or not name.strip():
            raise _fail(label, f"{where}.name", "must be a non-empty string")
        name = name.strip()
        outcome = item.get("outcome")
        if outcome not in (None, "won", "lost"):
            raise _fail(label, f"{where}.outcome", f"must be won or lost (got {outcome!r})")
        synonyms = _strings(item.get("synonyms"), label, f"{where}.synonyms", required=True)
        examples = _strings(item.get("examples"), label, f"{where}.examples", required=False)
        stage = Stage(name=name, synonyms=synonyms, outcome=outcome, examples=examples)
        own: set[str] = set()
        for j, spelling in enumerate((name, *synonyms)):
            key = stage_key(spelling)
            field_name = f"{where}.name" if j == 0 else f"{where}.synonyms[{j - 1}]"
            if not key:
                raise _fail(label, field_name, "has no letters or digits")
            if key in owner and owner[key] != name:
                raise _fail(label, field_name, f"{spelling!r} is already a synonym of {owner[key]!r}")
            if key in own and j and key != stage_key(name):
                raise _fail(label, field_name, f"{spelling!r} is listed twice")
            own.add(key)
            owner[key] = name
            by_key[key] = stage
        stages.append(stage)
    return StageList(stages=tuple(stages), version=version, by_key=by_key)


def default_prompts_dir() -> Path:
    """The repository's `prompts/` folder (as bot.coaching.library finds it)."""
    return content_dir("prompts")


@lru_cache(maxsize=1)
def default_stages() -> StageList:
    """The repository's stage list, loaded once."""
    return load_stages(default_prompts_dir())
