"""One reading of a failed Web API call for every caller: can another try work, and may the call have taken effect?"""

from __future__ import annotations

import asyncio

import aiohttp
import pytest
from slack_sdk.errors import SlackApiError
from slack_sdk.web.slack_response import SlackResponse

from bot.slack.failures import slack_failure


def answered(status: int, data: object, headers: dict | None = None) -> SlackApiError:
    response = SlackResponse(client=None, http_verb="POST", api_url="https://slack.com/api/chat.postMessage",
                             req_args={}, data=data, headers=headers or {}, status_code=status)  # type: ignore[arg-type]
    return SlackApiError("failed", response)


@pytest.mark.parametrize("code, status, permanent, may_have_happened", [
    ("internal_error", 500, False, True),  # Slack's side went wrong: the post may exist
    ("fatal_error", 200, False, True),
    ("channel_not_found", 200, True, False),
    ("not_in_channel", 200, True, False),
    ("is_archived", 200, True, False),
    ("invalid_auth", 200, True, False),
    ("user_disabled", 200, True, False),
    ("some_new_error", 200, False, False),  # unknown: tried again, within the caller's deadline
])
def test_slack_errors_on_a_post(code, status, permanent, may_have_happened):
    failure = slack_failure(answered(status, {"ok": False, "error": code}), effectful=True)
    assert failure is not None and failure.answered
    assert (failure.code, failure.permanent, failure.may_have_happened) == (code, permanent, may_have_happened)


def test_a_server_error_on_a_read_hides_nothing():
    failure = slack_failure(answered(502, "<html>Bad gateway</html>"), effectful=False)  # not JSON either
    assert failure is not None and (failure.code, failure.permanent, failure.may_have_happened) == \
        ("http_502", False, False)


def test_a_rate_limit_carries_slacks_retry_after():
    failure = slack_failure(answered(429, {"ok": False, "error": "ratelimited"}, {"Retry-After": "7"}),
                            effectful=True)
    assert failure is not None and failure.retry_after_s == 7.0 and not failure.may_have_happened


@pytest.mark.parametrize("error, code, may_have_happened", [
    (asyncio.TimeoutError(), "slack_timeout", True),
    (aiohttp.ServerDisconnectedError(), "slack_disconnected", True),
    (aiohttp.ClientConnectorError(None, OSError(111, "refused")), "slack_unreachable", False),  # type: ignore[arg-type]
])
def test_no_answer_means_a_post_may_exist_unless_slack_was_never_reached(error, code, may_have_happened):
    failure = slack_failure(error, effectful=True)
    assert failure is not None and not failure.answered
    assert (failure.code, failure.permanent, failure.may_have_happened) == (code, False, may_have_happened)


def test_other_exceptions_are_not_slack_failures():
    assert slack_failure(KeyError("ts"), effectful=True) is None
