"""Work items: every channel message worth coaching is recorded here before work starts (see tables.WorkItem)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy import and_, delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite

from bot.storage import tables
from bot.storage.repository import as_utc, clean_text
from bot.storage.unit_of_work import SessionScope

REASON_MAX = 120


@dataclass(frozen=True, slots=True)
class ClaimedWork:
    """A work item this process holds the lease on, until `lease_until`."""

    id: int
    event_id: str
    message: dict[str, Any]
    attempts: int  # including this one
    outbox: list[dict[str, Any]] | None  # None: not decided yet
    received_at: datetime
    give_up_at: datetime


@dataclass(frozen=True, slots=True)
class Backlog:
    depth: int  # pending or being worked on
    oldest_received_at: datetime | None


def _claimed(row: Any) -> ClaimedWork:
    return ClaimedWork(id=row.id, event_id=row.event_id, message=row.message, attempts=row.attempts,
                       outbox=row.outbox, received_at=as_utc(row.received_at), give_up_at=as_utc(row.give_up_at))


_CLAIMED_COLUMNS = (tables.WorkItem.id, tables.WorkItem.event_id, tables.WorkItem.message, tables.WorkItem.attempts,
                    tables.WorkItem.outbox, tables.WorkItem.received_at, tables.WorkItem.give_up_at)


class WorkRepository(SessionScope):
    async def accept_many(self, rows: list[dict[str, Any]]) -> list[ClaimedWork | None]:
        """Record events' work (`accepted_row`s) in one INSERT and one commit: a burst costs one transaction, not
        one each. For each row, its work, or None when its event id was recorded already (a Slack retry, another
        replica's copy, or an earlier row of the same batch), whose own lease and retries take care of it."""
        first: dict[str, int] = {}
        for index, row in enumerate(rows):
            first.setdefault(row["event_id"], index)
        unique = [rows[index] for index in first.values()]
        async with self._session() as session:
            # One statement for every batch size (parameters as a list: SQLAlchemy's "insertmanyvalues"), so it is
            # compiled once and cached, not once per batch.
            result = await session.execute(self._accept_statement, unique)
            inserted = {row.event_id: _claimed(row) for row in result.all()}
            await self._commit(session)
        return [inserted.get(row["event_id"]) if first[row["event_id"]] == index else None
                for index, row in enumerate(rows)]

    async def claim(self, work_id: int, *, now: datetime, lease: timedelta) -> ClaimedWork | None:
        """Take the lease on one item if it is due (pending and due, or its holder's lease ran out); None if another
        process has it or it is finished. One conditional UPDATE: two replicas can't both win."""
        statement = (
            update(tables.WorkItem)
            .where(tables.WorkItem.id == work_id, _due(now))
            .values(state="working", attempts=tables.WorkItem.attempts + 1, due_at=now + lease)
            .returning(*_CLAIMED_COLUMNS)
        )
        async with self._session() as session:
            row = (await session.execute(statement)).first()
            await self._commit(session)
        return _claimed(row) if row is not None else None

    async def due(self, *, now: datetime, limit: int) -> list[int]:
        """Ids of items ready to be claimed, oldest due first."""
        async with self._session() as session:
            rows = await session.scalars(
                select(tables.WorkItem.id).where(_due(now)).order_by(tables.WorkItem.due_at).limit(limit))
            return list(rows)

    async def save_outbox(self, work_id: int, outbox: list[dict[str, Any]]) -> None:
        """The decision's Slack calls, or their progress; the lease stays."""
        async with self._session() as session:
            await session.execute(update(tables.WorkItem).where(tables.WorkItem.id == work_id).values(outbox=outbox))
            await self._commit(session)

    async def finish(self, work_id: int, *, now: datetime, outbox: list[dict[str, Any]] | None,
                     failed_because: str | None = None) -> None:
        async with self._session() as session:
            await session.execute(
                update(tables.WorkItem).where(tables.WorkItem.id == work_id).values(
                    state="failed" if failed_because else "done", outbox=outbox, finished_at=now,
                    reason=clean_text(failed_because, REASON_MAX)))
            await self._commit(session)

    async def retry_later(self, work_id: int, *, due_at: datetime, reason: str,
                          outbox: list[dict[str, Any]] | None) -> None:
        async with self._session() as session:
            await session.execute(
                update(tables.WorkItem).where(tables.WorkItem.id == work_id).values(
                    state="pending", due_at=due_at, outbox=outbox, reason=clean_text(reason, REASON_MAX)))
            await self._commit(session)

    async def release(self, work_ids: list[int], *, now: datetime) -> None:
        """Give back items taken but not started (a graceful shutdown): due at once for any replica, and the claim
        uncounted, so nobody treats them as possibly half-sent."""
        if not work_ids:
            return
        async with self._session() as session:
            await session.execute(
                update(tables.WorkItem).where(tables.WorkItem.id.in_(work_ids), tables.WorkItem.state == "working")
                .values(state="pending", due_at=now, attempts=tables.WorkItem.attempts - 1))
            await self._commit(session)

    async def prune(self, *, finished_before: datetime) -> int:
        """Forget finished items past the retention window. Their event ids go with them: Slack stops retrying an
        event after minutes, so a window of hours or days cannot let a retry through."""
        async with self._session() as session:
            result = await session.execute(
                delete(tables.WorkItem).where(tables.WorkItem.finished_at.is_not(None),
                                              tables.WorkItem.finished_at < finished_before))
            await self._commit(session)
            return int(result.rowcount or 0)

    async def backlog(self) -> Backlog:
        async with self._session() as session:
            depth, oldest = (await session.execute(
                select(func.count(), func.min(tables.WorkItem.received_at))
                .where(tables.WorkItem.state.in_(("pending", "working"))))).one()
        return Backlog(depth=int(depth or 0), oldest_received_at=as_utc(oldest) if oldest else None)

    async def state_of(self, event_id: str) -> tuple[str, str | None] | None:
        """(state, reason) of an event's work: for tests and the CLI."""
        async with self._session() as session:
            row = (await session.execute(select(tables.WorkItem.state, tables.WorkItem.reason)
                                         .where(tables.WorkItem.event_id == event_id))).first()
        return (row.state, row.reason) if row else None

    @property
    def _accept_statement(self):  # type: ignore[no-untyped-def]
        insert = postgresql.insert if self._sessions.kw["bind"].dialect.name == "postgresql" else sqlite.insert
        return (insert(tables.WorkItem.__table__).on_conflict_do_nothing(index_elements=["event_id"])
                .returning(*_CLAIMED_COLUMNS))


def accepted_row(*, event_id: str, team_id: str, channel_id: str, message_ts: str, message: dict[str, Any],
                 now: datetime, give_up_at: datetime, lease: timedelta | None) -> dict[str, Any]:
    """A work item as accepted: claimed by this process at once (a lease), or pending for the poller."""
    return dict(event_id=event_id, team_id=team_id, channel_id=channel_id, message_ts=message_ts, message=message,
                received_at=now, give_up_at=give_up_at, state="working" if lease else "pending",
                attempts=1 if lease else 0, due_at=now + lease if lease else now)


def _due(now: datetime):  # type: ignore[no-untyped-def]
    return or_(and_(tables.WorkItem.state == "pending", tables.WorkItem.due_at <= now),
               and_(tables.WorkItem.state == "working", tables.WorkItem.due_at < now))
