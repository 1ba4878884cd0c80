"""The /coach command's grammar: text in, a typed request (or a usage error) out. Pure."""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import time
from typing import Literal

from bot.coaching.schedule import ScheduleError, parse_days, parse_snooze, parse_time


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
    ("/coach nudges off|on", "your own passive nudges, in every channel"),
    ("/coach daily on [HH:MM]", "a daily 'ask someone for help' exercise by DM (default 09:00, your timezone)"),
    ("/coach daily", "your daily exercise settings and the next delivery"),
    ("/coach daily off", "stop the daily exercise"),
    ("/coach daily time HH:MM", "change the time, e.g. /coach daily time 08:30"),
    ("/coach daily days mon-fri", "which days, e.g. mon,wed,fri"),
    ("/coach daily snooze <N>d", "pause for N days, e.g. /coach daily snooze 3d"),
)
SUBCOMMANDS = ("help", "question", "deals", "deal", "mute", "unmute", "mode", "nudges", "daily")
DAILY_USAGE = "/coach daily [on [HH:MM] | off | time HH:MM | days mon-fri | snooze <N>d]"


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


@dataclass(frozen=True, slots=True)
class Daily:
    """The daily exercise settings: show them, or change one thing."""

    action: Literal["show", "on", "off", "time", "days", "snooze"]
    at: time | None = None
    days: frozenset[int] | None = None
    snooze_days: int | None = None


@dataclass(frozen=True, slots=True)
class SetMyNudges:
    """One rep's own passive nudges, in every channel (a channel's mute is for everyone there)."""

    enabled: bool


CoachRequest = Help | Situation | Question | ListDeals | ShowDeal | SetMuted | SetMode | SetMyNudges | Daily


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
    if command == "nudges":
        choice = rest.casefold()
        if choice not in ("on", "off"):
            shown = f"'{rest}' is not on or off." if rest else "On or off?"
            raise UsageError(f"{shown} Choose on or off.", "/coach nudges off|on")
        return SetMyNudges(enabled=choice == "on")
    if command == "daily":
        return parse_daily(rest)
    if len(text.split()) == 1:
        # One word is a subcommand attempt; a situation takes a few words to describe.
        close = difflib.get_close_matches(command, SUBCOMMANDS, n=1, cutoff=0.7)  # "budget" is no typo of "nudges"
        hint = (f"Did you mean /coach {close[0]}?" if close
                else "To get coaching, describe what happened in a few words.")
        raise UsageError(f"'{word}' is not a /coach subcommand. {hint}",
                         "/coach help, or /coach she says the budget is frozen until March")
    return Situation(text=text)


def parse_daily(text: str) -> Daily:
    action, _, value = text.strip().partition(" ")
    action, value = action.casefold(), value.strip()
    try:
        if action == "":
            return Daily(action="show")
        if action == "off" and not value:
            return Daily(action="off")
        if action == "on":
            return Daily(action="on", at=parse_time(value) if value else None)
        if action == "time" and value:
            return Daily(action="time", at=parse_time(value))
        if action == "days" and value:
            return Daily(action="days", days=parse_days(value))
        if action == "snooze" and value:
            return Daily(action="snooze", snooze_days=parse_snooze(value))
    except ScheduleError as error:
        raise UsageError(str(error), f"/coach daily {action} " + {
            "on": "[HH:MM]", "time": "HH:MM", "days": "mon-fri", "snooze": "<N>d"}[action]) from None
    if action in ("time", "days", "snooze"):
        example = {"time": "08:30", "days": "mon-fri", "snooze": "3d"}[action]
        raise UsageError(f"/coach daily {action} needs a value.", f"/coach daily {action} {example}")
    raise UsageError(f"'{text.strip()}' is not a daily setting.", DAILY_USAGE)
