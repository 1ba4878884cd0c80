"""Where the coaching content (`prompts/`) and the migrations (`db/`) are: the checkout's top-level folders when
running from one, else the copies the wheel ships inside the package (`bot/_content/`, see pyproject.toml)."""

from __future__ import annotations

from pathlib import Path

_PACKAGE = Path(__file__).resolve().parent


def content_dir(name: str) -> Path:
    """`prompts` or `db`."""
    checkout = _PACKAGE.parent / name
    if (checkout / _MARKERS[name]).exists():
        return checkout
    return _PACKAGE / "_content" / name


# A file that only the real folder has: a stray `prompts/` beside an installed package in site-packages is not ours.
_MARKERS = {"prompts": "care_questions.yaml", "db": "env.py"}
