"""The /coach grammar."""

from __future__ import annotations

import pytest

from bot.coaching.commands import (
    Help, ListDeals, Question, SetMode, SetMuted, ShowDeal, Situation, UsageError, parse_coach_command,
)


@pytest.mark.parametrize(
    ("text", "request_"),
    [
        ("", Help()), ("  ", Help()), ("help", Help()), ("Help", Help()),
        ("question", Question(deal=None)), ("question Acme Corp", Question(deal="Acme Corp")),
        ("deals", ListDeals()), ("deal acme", ShowDeal(name="acme")), ("deal  Acme  East ", ShowDeal(name="Acme  East")),
        ("mute", SetMuted(muted=True)), ("unmute", SetMuted(muted=False)),
        ("mode thread", SetMode(mode="thread")), ("mode EPHEMERAL", SetMode(mode="ephemeral")),
        ("she needs to run it past her CFO", Situation(text="she needs to run it past her CFO")),
        ("budget is frozen", Situation(text="budget is frozen")),
    ],
)
def test_parses(text, request_):
    assert parse_coach_command(text) == request_


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("dealz", "Did you mean /coach deal"),
        ("frobnicate", "'frobnicate' is not a /coach subcommand"),
        ("budget", "describe what happened in a few words"),
        ("deal", "Which deal?"),
        ("deal   ", None),  # trailing spaces are stripped: same as "deal"
        ("mode", "Which mode?"),
        ("mode loud", "'loud' is not a mode"),
        ("deals Acme", "takes no arguments"),
        ("unmute please", "takes no arguments"),
        ("a" * 3001, "3,001 characters"),
    ],
)
def test_usage_errors_say_what_was_wrong_and_the_right_usage(text, problem):
    with pytest.raises(UsageError) as caught:
        parse_coach_command(text)
    assert caught.value.usage.startswith("/coach")
    if problem:
        assert problem in caught.value.problem


def test_exactly_3000_characters_is_accepted():
    assert isinstance(parse_coach_command("she wants to think it over " + "x" * 2973), Situation)
