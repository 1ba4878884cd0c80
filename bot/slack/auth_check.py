"""auth.test at start: who our token is (the one workspace whose requests we handle) and /readyz's slack_auth."""

from __future__ import annotations

import asyncio
import logging
import random
from typing import Any

from slack_sdk.errors import SlackApiError

from bot.observability import Readiness, SlackIdentity

log = logging.getLogger(__name__)


async def check_slack_auth(client: Any, readiness: Readiness, *, app_id: str | None = None,
                           first_delay_s: float = 1.0, max_delay_s: float = 60.0) -> None:
    """auth.test until Slack answers: transient failures (connection, timeout, 5xx, 429) are retried with backoff
    and jitter for as long as it takes; a token Slack refuses is recorded once. Never raises."""
    delay, attempts = first_delay_s, 0
    while True:
        attempts += 1
        try:
            answer = await client.auth_test()
        except SlackApiError as error:
            status = error.response.status_code
            code = str(error.response.get("error") or status)
            if status != 429 and status < 500:
                log.error("Slack refused the bot token at start (%s); /readyz stays 503 (check SLACK_BOT_TOKEN)",
                          code)
                readiness.slack_refused(code)
                return
            reason = f"HTTP {status}"
        except asyncio.CancelledError:
            raise
        except Exception as error:  # connection refused, DNS, timeouts: Slack is unreachable for now
            reason = type(error).__name__
        else:
            readiness.slack_ok(SlackIdentity(
                team_id=str(answer.get("team_id") or ""), user_id=answer.get("user_id"), bot_id=answer.get("bot_id"),
                app_id=app_id or answer.get("app_id"),
            ))
            log.info("Slack auth checked: team %s, bot user %s", answer.get("team_id"), answer.get("user_id"))
            return
        readiness.slack_retrying(reason, attempts)
        wait = delay * random.uniform(0.5, 1.5)
        log.warning("Slack auth.test failed (%s); retrying in %.1f s", reason, wait)
        await asyncio.sleep(wait)
        delay = min(delay * 2, max_delay_s)
