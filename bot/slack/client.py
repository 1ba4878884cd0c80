"""Every Slack Web API client the app makes comes from here: one base URL, one retry policy."""

from __future__ import annotations

import aiohttp
from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

RATE_LIMIT_RETRIES = 3


def make_web_client(*, token: str | None, base_url: str, timeout: int = 10) -> AsyncWebClient:
    # A 429 would surface as an error: the rate-limit handler waits for Retry-After (plus jitter) and tries again.
    # Connection errors are retried only when the request never reached Slack (refused, DNS): slack_sdk's default
    # also repeats a request after the server dropped the connection, which may double a post that went through.
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(error_types=[aiohttp.ClientConnectorError]),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )
