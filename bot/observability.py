"""What `/readyz` and `/metrics` report: readiness checks that tell the truth, and Prometheus metrics that are cheap
to record on the hot path (children resolved once per kind, no per-request label parsing)."""

from __future__ import annotations

import asyncio
import logging
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, Protocol

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST
from sqlalchemy import text
from sqlalchemy.ext.asyncio import AsyncEngine

log = logging.getLogger(__name__)

# What a request is, as a metric label: a fixed set, so a strange payload can't mint new time series.
REQUEST_KINDS = ("event", "command", "action", "view", "options", "shortcut", "url_verification", "other")
_KIND_OF_TYPE = {
    "event_callback": "event", "block_actions": "action", "interactive_message": "action",
    "view_submission": "view", "view_closed": "view", "block_suggestion": "options", "dialog_suggestion": "options",
    "shortcut": "shortcut", "message_action": "shortcut", "url_verification": "url_verification",
}
REJECTIONS = ("bad_signature", "bad_timestamp", "too_large", "malformed", "foreign_team", "foreign_app", "timeout")
# Slack errors no retry can fix: the work is dropped, and counted.
PERMANENT_SLACK_ERRORS = frozenset({
    "channel_not_found", "not_in_channel", "is_archived", "invalid_auth", "account_inactive", "token_revoked",
    "token_expired", "not_authed", "missing_scope", "user_not_found", "cannot_dm_bot", "msg_too_long",
    "invalid_blocks", "restricted_action", "team_access_not_granted", "user_disabled", "is_bot",
    "not_allowed_token_type",
})
# Seconds: Bolt's limit is 3 s, so the buckets are fine below it and coarse above.
ACK_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0)
HANDLING_BUCKETS = (0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.0, 3.0, 5.0, 10.0, 30.0, 60.0)


def request_kind(body: dict[str, Any]) -> str:
    kind = _KIND_OF_TYPE.get(body.get("type"))  # type: ignore[arg-type]
    if kind is not None:
        return kind
    return "command" if "command" in body else "other"


class Metrics:
    """One registry per app (several apps can live in one test process)."""

    def __init__(self) -> None:
        self.registry = CollectorRegistry(auto_describe=True)
        ack = Histogram("heartful_ack_seconds", "From the request's arrival to Slack's answer (Bolt's 3 s limit)",
                        ["kind"], buckets=ACK_BUCKETS, registry=self.registry)
        handling = Histogram("heartful_handling_seconds", "From the request's arrival to the listener's end",
                             ["kind"], buckets=HANDLING_BUCKETS, registry=self.registry)
        received = Counter("heartful_events_received", "Signed requests from Slack accepted for handling", ["kind"],
                           registry=self.registry)
        self.retries_seen = Counter("heartful_retries_seen", "Requests Slack marked as a retry (X-Slack-Retry-Num)",
                                    registry=self.registry)
        rejected = Counter("heartful_requests_rejected", "Requests refused or ignored before Bolt", ["reason"],
                           registry=self.registry)
        self._permanent = Counter("heartful_permanent_failures", "Work dropped on an error no retry can fix",
                                  ["reason"], registry=self.registry)
        self.listener_errors = Counter("heartful_listener_errors", "Listeners that raised", ["kind"],
                                       registry=self.registry)
        # Durable work (bot/delivery): retries, losses avoided (finished after a failed attempt), Slack retries
        # of work already recorded, work deferred to the database past the in-flight limit.
        self.work_retries = Counter("heartful_work_retries", "Work items scheduled again after a transient failure",
                                    ["reason"], registry=self.registry)
        self.recovered = Counter("heartful_work_recovered", "Work items finished after an earlier attempt failed",
                                 registry=self.registry)
        self.duplicates = Counter("heartful_work_duplicates", "Deliveries of an event already recorded",
                                  registry=self.registry)
        self.deferred = Counter("heartful_work_deferred", "Work items left in the database at full capacity",
                                registry=self.registry)
        self.backlog_depth = Gauge("heartful_work_backlog", "Work items pending or in flight (all replicas)",
                                   registry=self.registry)
        self.backlog_age = Gauge("heartful_work_oldest_pending_seconds", "Age of the oldest unfinished work item",
                                 registry=self.registry)
        self.ack = {kind: ack.labels(kind) for kind in REQUEST_KINDS}
        self.handling = {kind: handling.labels(kind) for kind in REQUEST_KINDS}
        self.received = {kind: received.labels(kind) for kind in REQUEST_KINDS}
        self.rejected = {reason: rejected.labels(reason) for reason in REJECTIONS}

    def permanent_failure(self, reason: str) -> None:
        self._permanent.labels(reason if reason in PERMANENT_SLACK_ERRORS else "other").inc()

    def exposition(self) -> tuple[bytes, str]:
        return generate_latest(self.registry), CONTENT_TYPE_LATEST


@dataclass(frozen=True, slots=True)
class SlackIdentity:
    """Who our token is, from auth.test at start: the one workspace whose requests we handle."""

    team_id: str
    user_id: str | None
    bot_id: str | None
    app_id: str | None


class _SocketClient(Protocol):
    async def is_connected(self) -> bool: ...


class Readiness:
    """The checks behind /readyz. The database is asked on each call; Slack's auth is what start-up found."""

    def __init__(self, engine: AsyncEngine, *, database_timeout_s: float = 2.0) -> None:
        self.engine = engine
        self.database_timeout_s = database_timeout_s
        self.identity: SlackIdentity | None = None
        self.slack: dict[str, Any] = {"ok": False, "detail": "not checked yet"}
        self.slack_checked = asyncio.Event()  # set once auth.test has answered for good (either way)
        self.socket_client: _SocketClient | None = None
        self.backlog: Callable[[], Awaitable[Any]] | None = None  # the work queue's Backlog, when it runs

    async def database(self) -> dict[str, Any]:
        started = time.perf_counter()
        try:
            async with asyncio.timeout(self.database_timeout_s):
                async with self.engine.connect() as connection:
                    await connection.execute(text("SELECT 1"))
        except TimeoutError:
            return {"ok": False, "detail": f"no answer within {self.database_timeout_s:g} s"}
        except Exception as error:  # any driver error: the database is not there for us
            return {"ok": False, "detail": _one_line(error)}
        return {"ok": True, "ms": round((time.perf_counter() - started) * 1000, 1)}

    async def socket_mode(self) -> dict[str, Any]:
        assert self.socket_client is not None
        try:
            connected = await self.socket_client.is_connected()
        except Exception as error:
            return {"ok": False, "detail": _one_line(error)}
        return {"ok": True} if connected else {"ok": False, "detail": "not connected"}

    async def report(self) -> tuple[bool, dict[str, Any]]:
        checks: dict[str, Any] = {"database": await self.database(), "slack_auth": dict(self.slack)}
        if self.socket_client is not None:
            checks["socket_mode"] = await self.socket_mode()
        if self.backlog is not None and checks["database"]["ok"]:
            checks["work"] = await self.work()
        ready = all(check["ok"] for check in checks.values())
        return ready, {"ready": ready, "checks": checks}

    async def work(self) -> dict[str, Any]:
        """Queue depth and the oldest unfinished item's age: reported, not a reason to refuse traffic (a replica
        taken out of rotation would only make the backlog older)."""
        assert self.backlog is not None
        try:
            backlog = await self.backlog()
        except Exception as error:
            return {"ok": False, "detail": _one_line(error)}
        oldest = backlog.oldest_received_at
        age = round(max(0.0, (datetime.now(UTC) - oldest).total_seconds()), 1) if oldest else 0.0
        return {"ok": True, "depth": backlog.depth, "oldest_pending_s": age}

    # Slack's auth.test at start ---------------------------------------------------------------------------

    def slack_ok(self, identity: SlackIdentity) -> None:
        self.identity = identity
        self.slack = {"ok": True, "team_id": identity.team_id, "user_id": identity.user_id}
        self.slack_checked.set()

    def slack_refused(self, error: str) -> None:
        self.slack = {"ok": False, "detail": f"Slack refused the bot token ({error})"}
        self.slack_checked.set()

    def slack_retrying(self, reason: str, attempts: int) -> None:
        self.slack = {"ok": False, "detail": f"Slack unreachable ({reason}); retrying", "attempts": attempts}


def _one_line(error: BaseException) -> str:
    message = str(error).strip().splitlines()
    return f"{type(error).__name__}: {message[0][:200]}" if message else type(error).__name__
