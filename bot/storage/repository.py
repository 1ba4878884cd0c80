"""The queries Heartful needs, keyword-only, returning domain objects. Nothing else writes SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

from sqlalchemy import func, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import IntegrityError
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coaching.models import ChannelSettings, Deal, DealUpdate, TimelineEntry
from bot.storage import tables
from bot.storage.tables import utcnow


@dataclass(frozen=True, slots=True)
class LastChoice:
    question_id: str | None
    guidance_id: str | None


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything we store is UTC.
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


async def insert_ignoring_conflict(session: AsyncSession, table: type, values: dict, keys: list[str]) -> None:
    """INSERT … ON CONFLICT DO NOTHING, so two replicas creating the same row do not fail."""
    insert = postgresql.insert if session.bind.dialect.name == "postgresql" else sqlite.insert
    await session.execute(insert(table).values(**values).on_conflict_do_nothing(index_elements=keys))


def _deal(row: tables.Deal) -> Deal:
    return Deal(
        id=row.id,
        name=row.name,
        channel_id=row.channel_id,
        stage=row.stage,
        amount=row.amount,
        currency=row.currency,
        next_step=row.next_step,
        status=row.status,
        updated_at=as_utc(row.updated_at),
    )


def _channel(row: tables.Channel) -> ChannelSettings:
    return ChannelSettings(
        channel_id=row.channel_id,
        name=row.name,
        reply_mode=row.reply_mode,  # type: ignore[arg-type]
        muted=row.muted,
    )


class Repository:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def claim_event(self, *, event_id: str, team_id: str | None) -> bool:
        """True for the first claim of an event id; False for a Slack retry or another replica's claim."""
        async with self._sessions() as session:
            session.add(tables.ProcessedEvent(event_id=event_id, team_id=team_id))
            try:
                await session.commit()
            except IntegrityError:
                return False
        return True

    async def ensure_channel(self, *, team_id: str, channel_id: str) -> ChannelSettings:
        async with self._sessions() as session:
            await insert_ignoring_conflict(session, tables.Workspace, {"team_id": team_id}, ["team_id"])
            await insert_ignoring_conflict(
                session,
                tables.Channel,
                {"team_id": team_id, "channel_id": channel_id, "reply_mode": "thread", "muted": False,
                 "created_at": utcnow()},
                ["team_id", "channel_id"],
            )
            await session.commit()
            row = await session.scalar(
                select(tables.Channel).where(tables.Channel.team_id == team_id, tables.Channel.channel_id == channel_id)
            )
            assert row is not None
            return _channel(row)

    async def set_channel_name(self, *, team_id: str, channel_id: str, name: str) -> None:
        async with self._sessions() as session:
            await session.execute(
                update(tables.Channel)
                .where(tables.Channel.team_id == team_id, tables.Channel.channel_id == channel_id)
                .values(name=name)
            )
            await session.commit()

    async def update_channel_settings(
        self, *, team_id: str, channel_id: str, changed_by: str, reply_mode: str | None = None,
        muted: bool | None = None,
    ) -> ChannelSettings:
        await self.ensure_channel(team_id=team_id, channel_id=channel_id)
        values: dict[str, object] = {"changed_by": changed_by, "changed_at": utcnow()}
        if reply_mode is not None:
            values["reply_mode"] = reply_mode
        if muted is not None:
            values["muted"] = muted
        async with self._sessions() as session:
            await session.execute(
                update(tables.Channel)
                .where(tables.Channel.team_id == team_id, tables.Channel.channel_id == channel_id)
                .values(**values)
            )
            await session.commit()
        return await self.ensure_channel(team_id=team_id, channel_id=channel_id)

    async def deal_names(self, *, team_id: str, channel_id: str) -> list[str]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(tables.Deal.name).where(tables.Deal.team_id == team_id, tables.Deal.channel_id == channel_id)
            )
            return list(rows)

    async def find_deal(self, *, team_id: str, channel_id: str, name: str) -> Deal | None:
        async with self._sessions() as session:
            row = await session.scalar(
                select(tables.Deal).where(
                    tables.Deal.team_id == team_id,
                    tables.Deal.channel_id == channel_id,
                    tables.Deal.name_key == name.casefold(),
                )
            )
            return _deal(row) if row else None

    async def deals_in_channel(self, *, team_id: str, channel_id: str) -> list[Deal]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(tables.Deal)
                .where(tables.Deal.team_id == team_id, tables.Deal.channel_id == channel_id)
                .order_by(tables.Deal.updated_at.desc())
            )
            return [_deal(row) for row in rows]

    async def record_deal_update(
        self, *, team_id: str, channel_id: str, deal_name: str, update_: DealUpdate, user_id: str | None,
        source: str, message_ts: str,
    ) -> Deal:
        """Upsert the deal, apply the fields the update states, and append the event."""
        now = utcnow()
        async with self._sessions() as session:
            await insert_ignoring_conflict(session, tables.Workspace, {"team_id": team_id}, ["team_id"])
            await insert_ignoring_conflict(
                session,
                tables.Deal,
                {"team_id": team_id, "channel_id": channel_id, "name": deal_name, "name_key": deal_name.casefold(),
                 "status": "open", "created_at": now, "updated_at": now},
                ["team_id", "channel_id", "name_key"],
            )
            deal = await session.scalar(
                select(tables.Deal)
                .where(
                    tables.Deal.team_id == team_id,
                    tables.Deal.channel_id == channel_id,
                    tables.Deal.name_key == deal_name.casefold(),
                )
                .with_for_update()
            )
            assert deal is not None
            if update_.stage is not None:
                deal.stage = update_.stage
            if update_.amount is not None:
                deal.amount = update_.amount
                deal.currency = update_.currency
            if update_.next_step is not None:
                deal.next_step = update_.next_step
            if update_.outcome is not None:
                deal.status = update_.outcome
            deal.updated_at = now
            session.add(
                tables.DealEvent(
                    deal_id=deal.id, team_id=team_id, channel_id=channel_id, user_id=user_id, source=source,
                    message_ts=message_ts, stage=update_.stage, amount=update_.amount, currency=update_.currency,
                    next_step=update_.next_step, outcome=update_.outcome, created_at=now,
                )
            )
            await session.commit()
            return _deal(deal)

    async def last_choice(self, *, rotation_key: str) -> LastChoice:
        """The question and the guidance given last for this deal or channel, so the next ones differ."""
        async with self._sessions() as session:
            recent = select(tables.Nudge).where(tables.Nudge.rotation_key == rotation_key)
            question_id = await session.scalar(
                recent.with_only_columns(tables.Nudge.question_id).order_by(tables.Nudge.id.desc()).limit(1)
            )
            guidance_id = await session.scalar(
                recent.with_only_columns(tables.Nudge.guidance_id)
                .where(tables.Nudge.guidance_id.is_not(None))
                .order_by(tables.Nudge.id.desc())
                .limit(1)
            )
            return LastChoice(question_id=question_id, guidance_id=guidance_id)

    async def record_nudge(
        self, *, team_id: str, channel_id: str, deal_id: int | None, rotation_key: str, origin: str,
        user_id: str | None, reply_mode: str, question_id: str, prompts_version: str,
        guidance_id: str | None = None, stall_kind: str | None = None, message_ts: str | None = None,
        thread_ts: str | None = None,
    ) -> None:
        async with self._sessions() as session:
            session.add(
                tables.Nudge(
                    team_id=team_id, channel_id=channel_id, deal_id=deal_id, rotation_key=rotation_key,
                    origin=origin, user_id=user_id, message_ts=message_ts, thread_ts=thread_ts,
                    reply_mode=reply_mode, stall_kind=stall_kind, question_id=question_id,
                    guidance_id=guidance_id, prompts_version=prompts_version,
                )
            )
            await session.commit()

    async def count(self, table: type) -> int:
        """For tests and the CLI: how many rows a table holds."""
        async with self._sessions() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

    async def deal_events(self, *, deal_id: int) -> Sequence[tables.DealEvent]:
        async with self._sessions() as session:
            rows = await session.scalars(
                select(tables.DealEvent).where(tables.DealEvent.deal_id == deal_id).order_by(tables.DealEvent.id)
            )
            return list(rows)

    async def match_deals(self, *, team_id: str, channel_id: str, name: str) -> list[Deal]:
        """Case-insensitive: the exact name if there is one, else every deal whose name contains it."""
        key = name.casefold()
        deals = await self.deals_in_channel(team_id=team_id, channel_id=channel_id)
        exact = [deal for deal in deals if deal.name.casefold() == key]
        return exact or [deal for deal in deals if key in deal.name.casefold()]

    async def deal_timeline(self, *, deal_id: int) -> list[TimelineEntry]:
        async with self._sessions() as session:
            events = await session.scalars(select(tables.DealEvent).where(tables.DealEvent.deal_id == deal_id))
            nudges = await session.scalars(select(tables.Nudge).where(tables.Nudge.deal_id == deal_id))
            entries = [
                TimelineEntry(at=as_utc(e.created_at), kind="update", who=e.user_id, stage=e.stage, amount=e.amount,
                              currency=e.currency, next_step=e.next_step, outcome=e.outcome)
                for e in events
            ] + [
                TimelineEntry(at=as_utc(n.created_at), kind="nudge", who=n.user_id, stall_kind=n.stall_kind,
                              question_id=n.question_id)
                for n in nudges
            ]
        return sorted(entries, key=lambda entry: entry.at)
