"""Helpers shared by the health, metrics and bad-input tests: our team as auth.test says, and completion signals."""

from __future__ import annotations

import asyncio
import time

from prometheus_client.parser import text_string_to_metric_families

from tests.fakes.slack_api import load_webapi_response


def our_team_is(fake_slack, team_id: str = "T111") -> None:  # type: ignore[no-untyped-def]
    """The fake's auth.test names another team than the shared event fixtures do; make it ours."""
    fake_slack.responses["auth.test"] = {**load_webapi_response("auth.test.bot_token"), "team_id": team_id}


async def slack_checked(app) -> None:  # type: ignore[no-untyped-def]
    """Run the start-up auth.test as `serve` does, and wait for its answer."""
    app.heartful.start_slack_check(first_delay_s=0.01)
    await asyncio.wait_for(app.heartful.readiness.slack_checked.wait(), timeout=10)


def sample(app, name: str, **labels: str) -> float:  # type: ignore[no-untyped-def]
    """One sample of the app's Prometheus registry, as /metrics would show it (0 when absent)."""
    payload, _ = app.heartful.metrics.exposition()
    for family in text_string_to_metric_families(payload.decode()):
        for s in family.samples:
            if s.name == name and all(s.labels.get(k) == v for k, v in labels.items()):
                return s.value
    return 0.0


async def handled(app, kind: str, count: int = 1, timeout: float = 10.0) -> None:  # type: ignore[no-untyped-def]
    """Wait until `count` listeners for requests of `kind` have finished: the completion signal the app records."""
    deadline = time.monotonic() + timeout
    while sample(app, "heartful_handling_seconds_count", kind=kind) < count:
        if time.monotonic() > deadline:
            raise AssertionError(f"fewer than {count} {kind} listeners finished within {timeout}s")
        await asyncio.sleep(0.01)
