"""The /coach command's grammar: text in, a typed request (or a usage error) out. Pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from typing import Literal


MAX_TEXT = 3000

USAGE: tuple[tuple[str, str], ...] = (
    ("/coach help", "this list"),
    ("/coach she needs to run it past her CFO", "coaching for the situation you describe"),
    ("/coach question [deal]", "one care question to ask, e.g. /coach question Acme"),
    ("/coach deals", "the deals recorded in this channel"),
    ("/coach deal <name>", "one deal's timeline, e.g. /coach deal Acme"),
    ("/coach mute", "stop passive nudges in this channel"),
    ("/coach unmute", "start passive nudges again in this channel"),
    ("/coach mode thread|ephemeral", "reply in the thread for all, or only to the rep who posted"),
)
SUBCOMMANDS = ("help", "question", "deals", "deal", "mute", "unmute", "mode")


@dataclass(frozen=True, slots=True)
class Help:
    pass


@dataclass(frozen=True, slots=True)
class Situation:
    text: str


@dataclass(frozen=True, slots=True)
class Question:
    deal: str | None


@dataclass(frozen=True, slots=True)
class ListDeals:
    pass


@dataclass(frozen=True, slots=True)
class ShowDeal:
    name: str


@dataclass(frozen=True, slots=True)
class SetMuted:
    muted: bool


@dataclass(frozen=True, slots=True)
class SetMode:
    mode: Literal["thread", "ephemeral"]


CoachRequest = Help | Situation | Question | ListDeals | ShowDeal | SetMuted | SetMode


class UsageError(Exception):
    """What was wrong, and the usage that is right."""

    def __init__(self, problem: str, usage: str) -> None:
        super().__init__(problem)
        self.problem = problem
        self.usage = usage

    def __str__(self) -> str:
        return f"{self.problem} Usage: {self.usage}"


def usage_of(command: str) -> str:
    return next(example for example, _ in USAGE if example.split()[1:2] == [command] or example == command)


def parse_coach_command(text: str) -> CoachRequest:
    """Raise UsageError for input that cannot be served; anything else is a request."""
    text = (text or "").strip()
    if len(text) > MAX_TEXT:
        raise UsageError(
            f"That is {len(text):,} characters; /coach takes at most {MAX_TEXT:,}.",
            "/coach <a short description of the situation>",
        )
    if not text:
        return Help()
    word, _, rest = text.partition(" ")
    command, rest = word.casefold(), rest.strip()
    if command == "help":
        return Help()
    if command == "question":
        return Question(deal=rest or None)
    if command == "deals":
        if rest:
            raise UsageError("/coach deals takes no arguments.", "/coach deals (or /coach deal <name>)")
        return ListDeals()
    if command == "deal":
        if not rest:
            raise UsageError("Which deal? Give its name.", "/coach deal <name>, e.g. /coach deal Acme")
        return ShowDeal(name=rest)
    if command in ("mute", "unmute"):
        if rest:
            raise UsageError(f"/coach {command} takes no arguments.", f"/coach {command}")
        return SetMuted(muted=command == "mute")
    if command == "mode":
        mode = rest.casefold()
        if mode not in ("thread", "ephemeral"):
            shown = f"'{rest}' is not a mode." if rest else "Which mode?"
            raise UsageError(f"{shown} Choose thread or ephemeral.", "/coach mode thread|ephemeral")
        return SetMode(mode=mode)  # type: ignore[arg-type]
    if len(text.split()) == 1:
        # One word is a subcommand attempt; a situation takes a few words to describe.
        close = difflib.get_close_matches(command, SUBCOMMANDS, n=1, cutoff=0.6)
        hint = (f"Did you mean /coach {close[0]}?" if close
                else "To get coaching, describe what happened in a few words.")
        raise UsageError(f"'{word}' is not a /coach subcommand. {hint}",
                         "/coach help, or /coach she says the budget is frozen until March")
    return Situation(text=text)
