"""Prompt files: Markdown with YAML front matter (name, version, inputs, output), validated at start."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import yaml

from bot.coaching.library import LibraryError

REQUIRED = ("name", "version", "inputs", "output")


@dataclass(frozen=True, slots=True)
class PromptFile:
    name: str
    version: int
    inputs: tuple[str, ...]
    body: str

    def render(self, **values: str) -> str:
        return self.body.format(**values)


def load_prompt_file(path: Path) -> PromptFile:
    shown = f"{path.parent.parent.name}/{path.parent.name}/{path.name}"
    if not path.is_file():
        raise LibraryError(f"{shown}: file not found")
    text = path.read_text(encoding="utf-8")
    if not text.startswith("---\n") or "\n---\n" not in text[4:]:
        raise LibraryError(f"{shown}: (front matter): must start with a YAML block between --- lines")
    head, body = text[4:].split("\n---\n", 1)
    try:
        meta = yaml.safe_load(head) or {}
    except yaml.YAMLError as error:
        raise LibraryError(f"{shown}: (front matter): invalid YAML: {str(error).splitlines()[0]}") from None
    if not isinstance(meta, dict):
        raise LibraryError(f"{shown}: (front matter): must be a mapping")
    for key in REQUIRED:
        if key not in meta:
            raise LibraryError(f"{shown}: {key}: missing (required)")
    if not isinstance(meta["version"], int) or meta["version"] < 1:
        raise LibraryError(f"{shown}: version: must be a whole number of at least 1")
    inputs = meta["inputs"]
    if not isinstance(inputs, list) or not all(isinstance(i, str) for i in inputs):
        raise LibraryError(f"{shown}: inputs: must be a list of names")
    if not body.strip():
        raise LibraryError(f"{shown}: (body): must not be empty")
    try:
        body.format(**{name: "" for name in inputs if name != "message"})
    except (KeyError, IndexError) as error:
        raise LibraryError(f"{shown}: (body): uses {{{error.args[0]}}}, which is not among inputs") from None
    return PromptFile(name=str(meta["name"]), version=meta["version"], inputs=tuple(inputs), body=body.strip())
