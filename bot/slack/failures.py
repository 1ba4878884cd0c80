"""What a failed Web API call means, for every caller that must decide what comes next: whether another try can
work, and whether the call may have taken effect anyway (so it must be looked for before it is repeated)."""

from __future__ import annotations

import asyncio
from dataclasses import dataclass

import aiohttp
from slack_sdk.errors import SlackApiError

from bot.observability import PERMANENT_SLACK_ERRORS

# Slack's words for "it went wrong on our side": part of the call may have happened.
SERVER_ERRORS = frozenset({"internal_error", "fatal_error", "service_unavailable"})


@dataclass(frozen=True, slots=True)
class SlackFailure:
    code: str
    permanent: bool  # no later try can work
    may_have_happened: bool  # an effectful call whose outcome is unknown: look before repeating it
    answered: bool  # Slack answered (an error), rather than timing out or dropping the connection
    retry_after_s: float | None = None


def slack_failure(error: BaseException, *, effectful: bool) -> SlackFailure | None:
    """The failure a call raised; None when `error` is not a failed Web API call (a bug: let it propagate).
    `effectful`: the call changes something (a post), so a server error or a lost answer may hide a success."""
    if isinstance(error, SlackApiError):
        status = error.response.status_code
        data = error.response.data
        code = str((data.get("error") if isinstance(data, dict) else None) or f"http_{status}")
        if status == 429 or code == "ratelimited":
            headers = error.response.headers or {}
            retry_after = headers.get("Retry-After") or headers.get("retry-after")
            return SlackFailure("ratelimited", permanent=False, may_have_happened=False, answered=True,
                                retry_after_s=float(retry_after or 1))
        if code in PERMANENT_SLACK_ERRORS:
            return SlackFailure(code, permanent=True, may_have_happened=False, answered=True)
        server = status >= 500 or code in SERVER_ERRORS
        # An unknown code is tried again: every caller bounds its retries (a deadline, a day's grace).
        return SlackFailure(code, permanent=False, may_have_happened=effectful and server, answered=True)
    if isinstance(error, asyncio.TimeoutError):  # also aiohttp.ServerTimeoutError
        return SlackFailure("slack_timeout", permanent=False, may_have_happened=effectful, answered=False)
    if isinstance(error, aiohttp.ClientConnectorError):  # never reached Slack
        return SlackFailure("slack_unreachable", permanent=False, may_have_happened=False, answered=False)
    if isinstance(error, aiohttp.ClientError):  # disconnected, reset or cut short after sending
        return SlackFailure("slack_disconnected", permanent=False, may_have_happened=effectful, answered=False)
    return None
