"""When failed work is tried again: transient failures with exponential backoff and full jitter, until a deadline;
permanent ones never."""

from __future__ import annotations

import random
from dataclasses import dataclass
from datetime import datetime, timedelta


class WorkFailed(Exception):
    """Why an attempt failed, as the adapter that failed saw it.

    transient: worth trying again (Slack 5xx or 429, timeouts, refused connections, the database unavailable).
    outcome_unknown: the call may have taken effect (a timeout or disconnect after sending): find out before
    repeating it. retry_after_s: the server asked us to wait at least this long."""

    def __init__(self, reason: str, *, transient: bool, outcome_unknown: bool = False,
                 retry_after_s: float | None = None) -> None:
        super().__init__(reason)
        self.reason = reason
        self.transient = transient
        self.outcome_unknown = outcome_unknown
        self.retry_after_s = retry_after_s


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    window: timedelta = timedelta(minutes=15)
    first_delay_s: float = 1.0
    max_delay_s: float = 120.0

    def give_up_at(self, received_at: datetime) -> datetime:
        return received_at + self.window

    def next_attempt(self, failure: WorkFailed, *, attempts: int, now: datetime, give_up_at: datetime,
                     rng: random.Random | None = None) -> datetime | None:
        """When to try again, or None: a permanent failure, or past the deadline. Full jitter (a uniform delay up
        to the exponential bound) spreads a burst of failures so they don't come back together."""
        if not failure.transient:
            return None
        bound = min(self.max_delay_s, self.first_delay_s * 2 ** max(0, attempts - 1))
        delay = max((rng or random).uniform(0, bound), failure.retry_after_s or 0.0)
        at = now + timedelta(seconds=delay)
        return at if at <= give_up_at else None
