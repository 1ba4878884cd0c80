"""Every Slack Web API client the app makes comes from here: one base URL, one retry policy."""

from __future__ import annotations

from slack_sdk.http_retry.builtin_async_handlers import (
    AsyncConnectionErrorRetryHandler,
    AsyncRateLimitErrorRetryHandler,
)
from slack_sdk.web.async_client import AsyncWebClient

RATE_LIMIT_RETRIES = 3


def make_web_client(*, token: str | None, base_url: str, timeout: int = 10) -> AsyncWebClient:
    # slack_sdk retries only connection errors by default; a 429 would surface as an error. The rate-limit handler
    # waits for Retry-After (plus jitter) and tries again.
    return AsyncWebClient(
        token=token,
        base_url=base_url,
        timeout=timeout,
        retry_handlers=[
            AsyncConnectionErrorRetryHandler(),
            AsyncRateLimitErrorRetryHandler(max_retry_count=RATE_LIMIT_RETRIES),
        ],
    )
