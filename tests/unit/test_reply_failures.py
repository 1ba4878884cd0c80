"""How Slack's answers to a reply's calls are classified: retried, or stopped with their reason."""

from __future__ import annotations

import pytest

from bot.slack.replies import slack_failure


@pytest.mark.parametrize("code, status, transient", [
    ("internal_error", 500, True),
    ("fatal_error", 200, True),
    ("http_502", 502, True),
    ("ratelimited", 429, True),
    ("channel_not_found", 200, False),
    ("not_in_channel", 200, False),
    ("is_archived", 200, False),
    ("invalid_auth", 200, False),
    ("some_new_error", 200, False),  # unknown: stop, with the reason recorded, rather than retry blindly
])
def test_slack_errors_are_transient_or_permanent(code, status, transient):
    failure = slack_failure(code, status, {})
    assert (failure.reason if code != "ratelimited" else "ratelimited", failure.transient) == (code, transient)
    assert not failure.outcome_unknown  # Slack answered: the call did not take effect


def test_a_rate_limit_carries_slacks_retry_after():
    assert slack_failure("ratelimited", 429, {"Retry-After": "7"}).retry_after_s == 7.0
