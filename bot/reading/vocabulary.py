"""The reader's vocabulary (`prompts/reader_vocabulary.yaml`), loaded, checked and compiled once.

Phrase syntax: lowercase words matched whole; a lone `*` stands for up to three words; a word ending in `*` matches
any word it starts ("delay*" matches "delayed"). Problems are reported as one line naming the file and the field.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import yaml

from bot.coaching.models import STALL_KINDS

VOCABULARY_FILE = "reader_vocabulary.yaml"
RHYTHM_STEPS = ("patient", "responsive", "flexible", "guiding", "aware")


class VocabularyError(ValueError):
    """``str(err)`` is one line: ``reader_vocabulary.yaml: <field>: <problem>``."""


@dataclass(frozen=True)
class PhraseSet:
    phrases: tuple[str, ...]
    pattern: re.Pattern[str]
    yes: tuple[str, ...] = ()
    no: tuple[str, ...] = ()

    def find(self, low: str) -> re.Match[str] | None:
        return self.pattern.search(low)

    def finditer(self, low: str):  # type: ignore[no-untyped-def]
        return self.pattern.finditer(low)


@dataclass(frozen=True)
class Vocabulary:
    stalls: dict[str, PhraseSet]  # stall kind -> phrases, in the file's order
    chase: PhraseSet
    negations: PhraseSet  # matched just before a phrase
    own_voice: PhraseSet
    rhythm_cues: dict[str, PhraseSet]
    version: int


def _word(token: str) -> str:
    if token == "*":
        return r"(?:\S+\s+){0,3}?"
    if token.endswith("*") and len(token) > 1:
        return re.escape(token[:-1]) + r"[\w'-]*\s+"
    return re.escape(token) + r"\s+"


def compile_phrases(phrases: tuple[str, ...]) -> re.Pattern[str]:
    """One alternation, longest phrase first, each bounded by non-letters on both sides."""
    parts = []
    for phrase in sorted(set(phrases), key=len, reverse=True):
        body = "".join(_word(t) for t in phrase.split())
        parts.append(body[: -len(r"\s+")] if body.endswith(r"\s+") else body)
    return re.compile(r"(?<![\w'])(?:" + "|".join(parts) + r")(?![\w'])" if parts else r"(?!x)x")


def _phrase_set(raw: Any, where: str, *, examples: bool = True) -> PhraseSet:
    if isinstance(raw, list):
        raw = {"phrases": raw}
    if not isinstance(raw, dict):
        raise VocabularyError(f"{VOCABULARY_FILE}: {where}: must be a mapping or a list of phrases")
    phrases = raw.get("phrases")
    if not isinstance(phrases, list) or not phrases or not all(isinstance(p, str) and p.strip() for p in phrases):
        raise VocabularyError(f"{VOCABULARY_FILE}: {where}.phrases: must be a non-empty list of phrases")
    bad = [p for p in phrases if p != p.lower()]
    if bad:
        raise VocabularyError(f"{VOCABULARY_FILE}: {where}.phrases: must be lowercase (got {bad[0]!r})")
    ex = raw.get("examples") or {}
    if examples and not isinstance(ex, dict):
        raise VocabularyError(f"{VOCABULARY_FILE}: {where}.examples: must have 'positive' and 'negative' lists")
    yes, no = tuple(ex.get("positive") or ()), tuple(ex.get("negative") or ())
    return PhraseSet(tuple(p.strip() for p in phrases), compile_phrases(tuple(p.strip() for p in phrases)), yes, no)


def parse_vocabulary(data: Any) -> Vocabulary:
    if not isinstance(data, dict):
        raise VocabularyError(f"{VOCABULARY_FILE}: the file must be a mapping")
    stalls_raw = data.get("stall_phrases")
    if not isinstance(stalls_raw, dict):
        raise VocabularyError(f"{VOCABULARY_FILE}: stall_phrases: missing")
    unknown = set(stalls_raw) - set(STALL_KINDS)
    if unknown:
        raise VocabularyError(f"{VOCABULARY_FILE}: stall_phrases.{sorted(unknown)[0]}: not a stall kind")
    stalls = {k: _phrase_set(stalls_raw[k], f"stall_phrases.{k}") for k in STALL_KINDS if k in stalls_raw}
    cues_raw = data.get("rhythm_cues") or {}
    if not isinstance(cues_raw, dict) or set(cues_raw) - set(RHYTHM_STEPS):
        raise VocabularyError(f"{VOCABULARY_FILE}: rhythm_cues: keys must be among {RHYTHM_STEPS}")
    return Vocabulary(
        stalls=stalls,
        chase=_phrase_set(data.get("chase_phrases"), "chase_phrases"),
        negations=_phrase_set(data.get("negations"), "negations", examples=False),
        own_voice=_phrase_set(data.get("own_voice"), "own_voice", examples=False),
        rhythm_cues={k: _phrase_set(v, f"rhythm_cues.{k}", examples=False) for k, v in cues_raw.items()},
        version=int(data.get("version", 1)),
    )


def load_vocabulary(prompts_dir: Path) -> Vocabulary:
    path = prompts_dir / VOCABULARY_FILE
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError:
        raise VocabularyError(f"{VOCABULARY_FILE}: cannot read {path}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        line = f" at line {mark.line + 1}" if mark is not None else ""
        raise VocabularyError(f"{VOCABULARY_FILE}: not valid YAML{line}") from None
    return parse_vocabulary(data)


@lru_cache(maxsize=4)
def default_vocabulary(prompts_dir: Path | None = None) -> Vocabulary:
    from bot.reading.stages import default_prompts_dir

    return load_vocabulary(prompts_dir or default_prompts_dir())
