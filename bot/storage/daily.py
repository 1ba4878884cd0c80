"""Queries for the daily exercise: opt-in, who is due, claims, outcomes. The claim is the unique
(rep, local date) row in `deliveries`; APScheduler's job stores cannot be shared between processes, so the
database, not the scheduler, decides who is due."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import lru_cache

from sqlalchemy import and_, or_, select, update
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coaching.models import DeliveryClaim, RepDaily
from bot.coaching.schedule import Slot
from bot.storage import tables
from bot.storage.repository import as_utc, insert_ignoring_conflict


@lru_cache(maxsize=256)
def _days(text: str) -> frozenset[int]:
    return frozenset(int(d) for d in text.split(",") if d)


@lru_cache(maxsize=2048)
def _time(text: str) -> time:
    hour, minute = (int(p) for p in text.split(":"))
    return time(hour, minute)


# The columns a RepDaily needs: the every-minute due query reads these, not whole ORM objects.
_REP_COLUMNS = (
    tables.User.id, tables.User.team_id, tables.User.user_id, tables.User.tz, tables.User.daily_enabled,
    tables.User.daily_time, tables.User.daily_days, tables.User.snoozed_until, tables.User.stopped_reason,
    tables.User.next_due_at, tables.User.next_due_date,
)


def _rep(row) -> RepDaily:  # type: ignore[no-untyped-def]
    return RepDaily(
        rep_pk=row.id, team_id=row.team_id, user_id=row.user_id, tz=row.tz or "UTC", enabled=row.daily_enabled,
        at=_time(row.daily_time), days=_days(row.daily_days), snoozed_until=row.snoozed_until,
        stopped_reason=row.stopped_reason, next_due_at=as_utc(row.next_due_at) if row.next_due_at else None,
        next_due_date=row.next_due_date,
    )


@dataclass(frozen=True, slots=True)
class UnfinishedAttempt:
    dm_channel: str
    exercise_id: str


class DailyRepository:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def rep(self, *, team_id: str, user_id: str) -> RepDaily | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(tables.User).where(tables.User.team_id == team_id, tables.User.user_id == user_id)
            )
            return _rep(row) if row else None

    async def rep_by_pk(self, rep_pk: int) -> RepDaily:
        async with self._sessions() as session:
            row = await session.get(tables.User, rep_pk)
            assert row is not None
            return _rep(row)

    async def save_settings(
        self, *, team_id: str, user_id: str, enabled: bool, at: time, days: frozenset[int],
        snoozed_until: date | None, tz: str | None, slot: Slot | None, now: datetime,
    ) -> RepDaily:
        """Upsert the rep's settings and their next slot. A new opt-in also clears a stop reason."""
        async with self._sessions() as session:
            await insert_ignoring_conflict(session, tables.Workspace, {"team_id": team_id}, ["team_id"])
            await insert_ignoring_conflict(
                session, tables.User, {"team_id": team_id, "user_id": user_id, "created_at": now},
                ["team_id", "user_id"],
            )
            values: dict[str, object] = {
                "daily_enabled": enabled, "daily_time": f"{at:%H:%M}",
                "daily_days": ",".join(str(d) for d in sorted(days)), "snoozed_until": snoozed_until,
                "next_due_at": slot.due_at if slot else None, "next_due_date": slot.local_date if slot else None,
            }
            if tz is not None:
                values |= {"tz": tz, "tz_checked_at": now}
            if enabled:
                values["stopped_reason"] = None
            await session.execute(
                update(tables.User)
                .where(tables.User.team_id == team_id, tables.User.user_id == user_id)
                .values(**values)
            )
            await session.commit()
        rep = await self.rep(team_id=team_id, user_id=user_id)
        assert rep is not None
        return rep

    async def due_reps(self, *, now: datetime, limit: int = 500,
                       after: tuple[datetime, int] | None = None) -> list[RepDaily]:
        """Opted-in reps whose next delivery time has passed, oldest first, a page at a time (`after` is the
        last page's final (next_due_at, rep_pk)). Served by ix_users_daily_due."""
        statement = (
            select(*_REP_COLUMNS)
            .where(
                tables.User.daily_enabled.is_(True),
                tables.User.next_due_at <= now,
                tables.User.stopped_reason.is_(None),
            )
            .order_by(tables.User.next_due_at, tables.User.id)
            .limit(limit)
        )
        if after is not None:
            due_at, rep_pk = after
            statement = statement.where(
                or_(tables.User.next_due_at > due_at, and_(tables.User.next_due_at == due_at, tables.User.id > rep_pk))
            )
        async with self._sessions() as session:
            return [_rep(row) for row in await session.execute(statement)]

    async def claim(self, *, rep: RepDaily, local_date: date, now: datetime, lease: timedelta) -> DeliveryClaim | None:
        """Claim today's delivery for this rep. None when another tick or replica has it, or it is done.

        A released claim ('retry') is taken again at once. A claim older than `lease` that never became 'sent'
        belongs to a process that died (or never heard back from Slack): it is taken over by exactly one claimant
        (a conditional UPDATE), so the day is neither lost nor doubled. The claim's `claimed_at` is `now`: it
        fences the attempt that follows (record_attempt, release)."""
        async with self._sessions() as session:
            session.add(tables.Delivery(user_pk=rep.rep_pk, local_date=local_date, status="claimed", claimed_at=now))
            try:
                await session.commit()
            except IntegrityError:
                await session.rollback()
            else:
                delivery_id = await session.scalar(
                    select(tables.Delivery.id).where(
                        tables.Delivery.user_pk == rep.rep_pk, tables.Delivery.local_date == local_date
                    )
                )
                return DeliveryClaim(delivery_id=int(delivery_id), rep=rep, local_date=local_date)  # type: ignore
            taken_over = await session.execute(
                update(tables.Delivery)
                .where(
                    tables.Delivery.user_pk == rep.rep_pk,
                    tables.Delivery.local_date == local_date,
                    or_(
                        tables.Delivery.status == "retry",
                        and_(tables.Delivery.status == "claimed", tables.Delivery.claimed_at < now - lease),
                    ),
                )
                .values(status="claimed", claimed_at=now)
                .returning(tables.Delivery.id)
            )
            delivery_id = taken_over.scalar()
            await session.commit()
            return DeliveryClaim(delivery_id=delivery_id, rep=rep, local_date=local_date) if delivery_id else None

    async def record_attempt(self, *, delivery_id: int, claimed_at: datetime, dm_channel: str,
                             exercise_id: str) -> bool:
        """Note where the DM is about to be posted, before posting: from then on its outcome is unknown until it
        is marked sent. False when the claim taken at `claimed_at` is no longer ours."""
        async with self._sessions() as session:
            result = await session.execute(
                update(tables.Delivery)
                .where(tables.Delivery.id == delivery_id, tables.Delivery.status == "claimed",
                       tables.Delivery.claimed_at == claimed_at)
                .values(dm_channel=dm_channel, exercise_id=exercise_id)
                .returning(tables.Delivery.id)
            )
            ours = result.scalar() is not None
            await session.commit()
            return ours

    async def unfinished_attempt(self, delivery_id: int) -> UnfinishedAttempt | None:
        """An earlier attempt on this claimed delivery that may have posted: where, and which exercise."""
        async with self._sessions() as session:
            row = (await session.execute(
                select(tables.Delivery.dm_channel, tables.Delivery.exercise_id).where(
                    tables.Delivery.id == delivery_id, tables.Delivery.status == "claimed",
                    tables.Delivery.dm_channel.is_not(None), tables.Delivery.exercise_id.is_not(None),
                )
            )).first()
            return UnfinishedAttempt(dm_channel=row.dm_channel, exercise_id=row.exercise_id) if row else None

    async def delivery_status(self, *, rep_pk: int, local_date: date) -> str | None:
        async with self._sessions() as session:
            return await session.scalar(
                select(tables.Delivery.status).where(
                    tables.Delivery.user_pk == rep_pk, tables.Delivery.local_date == local_date
                )
            )

    async def release(self, *, delivery_id: int, claimed_at: datetime, error: str, maybe_posted: bool) -> None:
        """A send that failed for a reason worth retrying: the next tick claims the day again. If the post may
        exist, the channel it went to is kept, so that tick looks for it first; if not, the attempt is forgotten."""
        values: dict[str, object] = {"status": "retry", "error": error}
        if not maybe_posted:
            values |= {"dm_channel": None, "exercise_id": None}
        async with self._sessions() as session:
            await session.execute(
                update(tables.Delivery)
                .where(tables.Delivery.id == delivery_id, tables.Delivery.status == "claimed",
                       tables.Delivery.claimed_at == claimed_at)
                .values(**values)
            )
            await session.commit()

    async def mark_sent(self, *, delivery_id: int, exercise_id: str, dm_channel: str, message_ts: str,
                        now: datetime) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(tables.Delivery).where(tables.Delivery.id == delivery_id).values(
                    status="sent", exercise_id=exercise_id, dm_channel=dm_channel, message_ts=message_ts, sent_at=now,
                    error=None,
                )
            )
            await session.commit()

    async def mark_failed(self, *, delivery_id: int, error: str) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(tables.Delivery).where(tables.Delivery.id == delivery_id).values(status="failed", error=error)
            )
            await session.commit()

    async def mark_missed(self, *, rep: RepDaily, local_date: date, now: datetime) -> None:
        async with self._sessions() as session:
            await session.execute(  # a day left to retry that ran out of its grace window
                update(tables.Delivery)
                .where(tables.Delivery.user_pk == rep.rep_pk, tables.Delivery.local_date == local_date,
                       tables.Delivery.status == "retry")
                .values(status="missed")
            )
            await insert_ignoring_conflict(
                session, tables.Delivery,
                {"user_pk": rep.rep_pk, "local_date": local_date, "status": "missed", "claimed_at": now},
                ["user_pk", "local_date"],
            )
            await session.commit()

    async def advance(self, *, rep_pk: int, slot: Slot | None, only_from: date | None = None) -> None:
        """Move the rep's next delivery on. With `only_from`, only if it still points at that date, so a
        late replica never moves a schedule back."""
        async with self._sessions() as session:
            statement = update(tables.User).where(tables.User.id == rep_pk)
            if only_from is not None:
                statement = statement.where(tables.User.next_due_date == only_from)
            await session.execute(statement.values(
                next_due_at=slot.due_at if slot else None, next_due_date=slot.local_date if slot else None
            ))
            await session.commit()

    async def stop(self, *, rep_pk: int, reason: str) -> None:
        async with self._sessions() as session:
            await session.execute(update(tables.User).where(tables.User.id == rep_pk).values(stopped_reason=reason))
            await session.commit()

    async def set_tz(self, *, rep_pk: int, tz: str, now: datetime) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(tables.User).where(tables.User.id == rep_pk).values(tz=tz, tz_checked_at=now)
            )
            await session.commit()

    async def recent_exercise_ids(self, *, rep_pk: int, limit: int = 10) -> list[str]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(tables.Delivery.exercise_id)
                .where(tables.Delivery.user_pk == rep_pk, tables.Delivery.exercise_id.is_not(None))
                .order_by(tables.Delivery.local_date.desc(), tables.Delivery.id.desc())
                .limit(limit)
            )
            return [r for r in rows if r]

    async def known_dm_channel(self, *, rep_pk: int) -> str | None:
        """The DM channel of the rep's last delivery, so a send needs no conversations.open (rate-limited)."""
        async with self._sessions() as session:
            return await session.scalar(
                select(tables.Delivery.dm_channel)
                .where(tables.Delivery.user_pk == rep_pk, tables.Delivery.dm_channel.is_not(None))
                .order_by(tables.Delivery.id.desc())
                .limit(1)
            )

    async def done_dates(self, *, rep_pk: int, since: date) -> list[date]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(tables.Delivery.local_date).where(
                    tables.Delivery.user_pk == rep_pk, tables.Delivery.outcome == "done",
                    tables.Delivery.local_date >= since,
                )
            )
            return list(rows)

    async def delivery_for_message(self, *, dm_channel: str, message_ts: str) -> tuple[int, RepDaily, date] | None:
        async with self._sessions() as session:
            row = (await session.execute(
                select(tables.Delivery, tables.User)
                .join(tables.User, tables.User.id == tables.Delivery.user_pk)
                .where(tables.Delivery.dm_channel == dm_channel, tables.Delivery.message_ts == message_ts)
            )).first()
            return (row[0].id, _rep(row[1]), row[0].local_date) if row else None

    async def set_exercise(self, *, delivery_id: int, exercise_id: str) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(tables.Delivery).where(tables.Delivery.id == delivery_id).values(exercise_id=exercise_id)
            )
            await session.commit()

    async def record_outcome(self, *, delivery_id: int, outcome: str, now: datetime, what_asked: str | None = None,
                             how_it_felt: str | None = None) -> None:
        async with self._sessions() as session:
            values: dict[str, object] = {"outcome": outcome, "outcome_at": now}
            if what_asked is not None:
                values |= {"what_asked": what_asked, "how_it_felt": how_it_felt}
            await session.execute(update(tables.Delivery).where(tables.Delivery.id == delivery_id).values(**values))
            await session.commit()

    async def delivery_row(self, delivery_id: int) -> tables.Delivery | None:
        async with self._sessions() as session:
            return await session.get(tables.Delivery, delivery_id)
