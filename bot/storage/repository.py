"""The queries Heartful needs, keyword-only, returning domain objects. Nothing else writes SQL."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import delete, func, or_, select, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coaching.models import (MAX_AMOUNT, MAX_DEAL_NAME, ChannelSettings, Deal, DealUpdate, LastChoice,
                                 RecordedUpdate, TimelineEntry)
from bot.storage import tables
from bot.storage.tables import utcnow
from bot.storage.unit_of_work import SessionScope


# Bounds on what a message can make us store: Slack text may carry NUL bytes (PostgreSQL refuses them) and names or
# amounts no column holds (Numeric(16, 2), String(200), String(240)). Clipped here, on every path that records.
DEAL_NAME_MAX = MAX_DEAL_NAME
STAGE_MAX = 120
NEXT_STEP_MAX = 300
CURRENCY_MAX = 8
CHANNEL_NAME_MAX = 200
ROTATION_KEY_MAX = 240
AMOUNT_LIMIT = MAX_AMOUNT  # amounts at or above it are dropped


def clean_text(value: str | None, limit: int) -> str | None:
    """Without NUL bytes and at most `limit` characters (clipped at the end, trailing space dropped)."""
    if value is None:
        return None
    if "\x00" in value:
        value = value.replace("\x00", "")
    if len(value) > limit:
        value = value[:limit].rstrip()
    return value


def clean_name(name: str) -> str:
    return clean_text(name, DEAL_NAME_MAX) or "(unnamed)"


def bounded_amount(amount: Decimal | None) -> Decimal | None:
    if amount is None:
        return None
    if not isinstance(amount, Decimal):
        amount = Decimal(str(amount))
    if not amount.is_finite() or abs(amount) >= AMOUNT_LIMIT:
        return None
    return amount


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


class Repository(SessionScope):
    """Channels, deals, their updates and the nudges given. Alone, every call commits; in a UnitOfWork, none does."""

    async def ensure_channel(self, *, team_id: str, channel_id: str) -> ChannelSettings:
        """The channel's settings, creating them (and the workspace) the first time: a read on every later call."""
        where = (tables.Channel.team_id == team_id, tables.Channel.channel_id == channel_id)
        async with self._session() as session:
            row = await session.scalar(select(tables.Channel).where(*where))
            if row is None:
                await insert_ignoring_conflict(session, tables.Workspace, {"team_id": team_id}, ["team_id"])
                await insert_ignoring_conflict(
                    session,
                    tables.Channel,
                    {"team_id": team_id, "channel_id": channel_id, "reply_mode": "thread", "muted": False,
                     "created_at": utcnow()},
                    ["team_id", "channel_id"],
                )
                await self._commit(session)
                row = await session.scalar(select(tables.Channel).where(*where))
            assert row is not None
            return _channel(row)

    async def set_channel_name(self, *, team_id: str, channel_id: str, name: str) -> None:
        async with self._session() as session:
            await session.execute(
                update(tables.Channel)
                .where(tables.Channel.team_id == team_id, tables.Channel.channel_id == channel_id)
                .values(name=clean_text(name, CHANNEL_NAME_MAX))
            )
            await self._commit(session)

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
        async with self._session() as session:
            await session.execute(
                update(tables.Channel)
                .where(tables.Channel.team_id == team_id, tables.Channel.channel_id == channel_id)
                .values(**values)
            )
            await self._commit(session)
        return await self.ensure_channel(team_id=team_id, channel_id=channel_id)

    async def forget_workspace(self, *, team_id: str) -> dict[str, int]:
        """Everything stored for a workspace, deleted in one transaction (the app was uninstalled): how many rows of
        each kind. Deliveries go with their reps and deal events with their deals (ON DELETE CASCADE)."""
        removed: dict[str, int] = {}
        async with self._session() as session:
            for table in (tables.WorkItem, tables.Nudge, tables.DealEvent, tables.Deal, tables.Channel, tables.User,
                          tables.LlmUsage, tables.Workspace):
                result = await session.execute(delete(table).where(table.team_id == team_id))
                removed[table.__tablename__] = int(result.rowcount or 0)
            await self._commit(session)
        return removed

    async def rep_wants_nudges(self, *, team_id: str, user_id: str) -> bool:
        """False once the rep said /coach nudges off; a rep Heartful has never stored wants them."""
        async with self._session() as session:
            enabled = await session.scalar(select(tables.User.nudges_enabled).where(
                tables.User.team_id == team_id, tables.User.user_id == user_id))
        return enabled is not False

    async def set_rep_nudges(self, *, team_id: str, user_id: str, enabled: bool) -> None:
        async with self._session() as session:
            await insert_ignoring_conflict(session, tables.Workspace, {"team_id": team_id}, ["team_id"])
            await insert_ignoring_conflict(session, tables.User, {"team_id": team_id, "user_id": user_id,
                                                                  "created_at": utcnow()}, ["team_id", "user_id"])
            await session.execute(update(tables.User).where(tables.User.team_id == team_id,
                                                            tables.User.user_id == user_id)
                                  .values(nudges_enabled=enabled))
            await self._commit(session)

    async def deal_names(self, *, team_id: str, channel_id: str) -> list[str]:
        async with self._session() as session:
            rows = await session.scalars(
                select(tables.Deal.name).where(tables.Deal.team_id == team_id, tables.Deal.channel_id == channel_id)
            )
            return list(rows)

    async def find_deal(self, *, team_id: str, channel_id: str, name: str) -> Deal | None:
        name = clean_name(name)  # stored names are clipped: look them up the same way
        async with self._session() as session:
            row = await session.scalar(
                select(tables.Deal).where(
                    tables.Deal.team_id == team_id,
                    tables.Deal.channel_id == channel_id,
                    tables.Deal.name_key == name.casefold(),
                )
            )
            return _deal(row) if row else None

    async def deals_in_channel(self, *, team_id: str, channel_id: str) -> list[Deal]:
        async with self._session() as session:
            rows = await session.scalars(
                select(tables.Deal)
                .where(tables.Deal.team_id == team_id, tables.Deal.channel_id == channel_id)
                .order_by(tables.Deal.updated_at.desc())
            )
            return [_deal(row) for row in rows]

    async def record_deal_update(
        self, *, team_id: str, channel_id: str, deal_name: str, update_: DealUpdate, user_id: str | None,
        source: str, message_ts: str,
    ) -> RecordedUpdate:
        """Upsert the deal, apply the fields the update states, and append the event; what was recorded."""
        now = utcnow()
        deal_name = clean_name(deal_name)
        stage = clean_text(update_.stage, STAGE_MAX)
        next_step = clean_text(update_.next_step, NEXT_STEP_MAX)
        amount = bounded_amount(update_.amount)
        currency = clean_text(update_.currency, CURRENCY_MAX) if amount is not None else None
        async with self._session() as session:
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
            if stage is not None:
                deal.stage = stage
            if amount is not None:
                deal.amount = amount
                deal.currency = currency
            if next_step is not None:
                deal.next_step = next_step
            if update_.outcome is not None:
                deal.status = update_.outcome
            deal.updated_at = now
            recorded = tables.DealEvent(
                deal_id=deal.id, team_id=team_id, channel_id=channel_id, user_id=user_id, source=source,
                message_ts=message_ts, stage=stage, amount=amount, currency=currency,
                next_step=next_step, outcome=update_.outcome, created_at=now,
            )
            session.add(recorded)
            await session.flush()
            event_id = recorded.id
            await self._commit(session)
            return RecordedUpdate(
                event_id=event_id, team_id=team_id, channel_id=channel_id, poster=user_id, source=source,
                message_ts=message_ts, deal=_deal(deal),
                update=DealUpdate(deal_name=deal.name, stage=stage, amount=amount, currency=currency,
                                  next_step=next_step, outcome=update_.outcome),
            )

    async def last_choice(self, *, rotation_key: str, channel_id: str | None = None,
                          stall_kind: str | None = None) -> LastChoice:
        """The question given last for this deal (else in the channel), so the next one differs; and the guidance
        variant given last for this stall kind in the channel, so the variants rotate across the channel's deals."""
        rotation_key = clean_text(rotation_key, ROTATION_KEY_MAX) or ""
        async with self._session() as session:
            recent = select(tables.Nudge).where(tables.Nudge.rotation_key == rotation_key)
            question_id = await session.scalar(
                recent.with_only_columns(tables.Nudge.question_id).order_by(tables.Nudge.id.desc()).limit(1)
            )
            in_channel = select(tables.Nudge).where(tables.Nudge.channel_id == channel_id) if channel_id else recent
            if question_id is None and channel_id:
                question_id = await session.scalar(
                    in_channel.with_only_columns(tables.Nudge.question_id).order_by(tables.Nudge.id.desc()).limit(1)
                )
            guidance = in_channel.with_only_columns(tables.Nudge.guidance_id).where(
                tables.Nudge.guidance_id.is_not(None))
            if stall_kind is not None:
                guidance = guidance.where(tables.Nudge.stall_kind == stall_kind)
            guidance_id = await session.scalar(guidance.order_by(tables.Nudge.id.desc()).limit(1))
            return LastChoice(question_id=question_id, guidance_id=guidance_id)

    async def record_nudge(
        self, *, team_id: str, channel_id: str, deal_id: int | None, rotation_key: str, origin: str,
        user_id: str | None, reply_mode: str, question_id: str, prompts_version: str,
        guidance_id: str | None = None, stall_kind: str | None = None, message_ts: str | None = None,
        thread_ts: str | None = None,
    ) -> None:
        rotation_key = clean_text(rotation_key, ROTATION_KEY_MAX) or ""
        async with self._session() as session:
            session.add(
                tables.Nudge(
                    team_id=team_id, channel_id=channel_id, deal_id=deal_id, rotation_key=rotation_key,
                    origin=origin, user_id=user_id, message_ts=message_ts, thread_ts=thread_ts,
                    reply_mode=reply_mode, stall_kind=stall_kind, question_id=question_id,
                    guidance_id=guidance_id, prompts_version=prompts_version,
                )
            )
            await self._commit(session)

    async def count(self, table: type) -> int:
        """For tests and the CLI: how many rows a table holds."""
        async with self._session() as session:
            return int(await session.scalar(select(func.count()).select_from(table)) or 0)

    async def deal_events(self, *, deal_id: int) -> Sequence[tables.DealEvent]:
        async with self._session() as session:
            rows = await session.scalars(
                select(tables.DealEvent).where(tables.DealEvent.deal_id == deal_id).order_by(tables.DealEvent.id)
            )
            return list(rows)

    async def match_deals(self, *, team_id: str, channel_id: str, name: str, most: int = 50) -> list[Deal]:
        """Case-insensitive: the exact name if there is one (the unique index answers), else up to `most` deals
        whose name contains it, most recently updated first."""
        key = clean_name(name).casefold()
        in_channel = (tables.Deal.team_id == team_id, tables.Deal.channel_id == channel_id)
        async with self._session() as session:
            exact = await session.scalar(select(tables.Deal).where(*in_channel, tables.Deal.name_key == key))
            if exact is not None:
                return [_deal(exact)]
            pattern = "%" + key.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_") + "%"
            rows = await session.scalars(
                select(tables.Deal).where(*in_channel, tables.Deal.name_key.like(pattern, escape="\\"))
                .order_by(tables.Deal.updated_at.desc()).limit(most))
            return [_deal(row) for row in rows]

    async def deal_timeline(self, *, deal_id: int) -> list[TimelineEntry]:
        async with self._session() as session:
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

    # fixing an update -------------------------------------------------------------------------------------------

    async def recorded_update(self, *, event_id: int) -> RecordedUpdate | None:
        async with self._session() as session:
            original = await session.get(tables.DealEvent, event_id)
            if original is not None and original.corrects_id is not None:
                original = await session.get(tables.DealEvent, original.corrects_id)
            return await _recorded(session, original) if original else None

    async def correct_deal_update(self, *, event_id: int, fields: DealUpdate, user_id: str) -> RecordedUpdate:
        """In one transaction: supersede the update's current version with a `fix` event, move both to the deal
        `fields.deal_name` names (an existing deal in the channel, else a new one), and replay every deal touched,
        so an old update's fix does not undo newer ones. A deal left with no updates was a misreading: its nudges
        go to the deal the update moved to, and it is removed."""
        assert fields.deal_name
        now = utcnow()
        async with self._session() as session:
            original = await session.scalar(
                select(tables.DealEvent).where(tables.DealEvent.id == event_id).with_for_update()
            )
            if original is None or original.corrects_id is not None:
                raise LookupError(event_id)
            versions = list(await session.scalars(
                select(tables.DealEvent)
                .where(or_(tables.DealEvent.id == original.id, tables.DealEvent.corrects_id == original.id))
                .with_for_update()
            ))
            old_deal = await session.scalar(
                select(tables.Deal).where(tables.Deal.id == original.deal_id).with_for_update()
            )
            assert old_deal is not None
            key = fields.deal_name.casefold()
            if key == old_deal.name_key:
                target = old_deal
                target.name = fields.deal_name  # the same deal: only its spelling may change
            else:
                await insert_ignoring_conflict(
                    session, tables.Deal,
                    {"team_id": original.team_id, "channel_id": original.channel_id, "name": fields.deal_name,
                     "name_key": key, "status": "open", "created_at": now, "updated_at": now},
                    ["team_id", "channel_id", "name_key"],
                )
                target = await session.scalar(
                    select(tables.Deal)
                    .where(tables.Deal.team_id == original.team_id, tables.Deal.channel_id == original.channel_id,
                           tables.Deal.name_key == key)
                    .with_for_update()
                )
                assert target is not None
            for version in versions:
                if version.corrected_at is None:
                    version.corrected_at, version.corrected_by = now, user_id
                version.deal_id = target.id
            fix = tables.DealEvent(
                deal_id=target.id, team_id=original.team_id, channel_id=original.channel_id, user_id=user_id,
                source="fix", message_ts=original.message_ts, stage=fields.stage, amount=fields.amount,
                currency=fields.currency if fields.amount is not None else None, next_step=fields.next_step,
                outcome=fields.outcome, created_at=now, corrects_id=original.id,
            )
            session.add(fix)
            await session.flush()
            await _replay(session, target)
            target.updated_at = now
            if old_deal is not target:
                if await _replay(session, old_deal) == 0:
                    await session.execute(
                        update(tables.Nudge).where(tables.Nudge.deal_id == old_deal.id).values(deal_id=target.id)
                    )
                    await session.delete(old_deal)
            recorded = await _recorded(session, original)
            await self._commit(session)
            return recorded


async def _replay(session: AsyncSession, deal: tables.Deal) -> int:
    """Set the deal's fields from its standing updates, each fix in the place of the update it corrects.
    Returns how many updates stand."""
    events = await session.scalars(
        select(tables.DealEvent)
        .where(tables.DealEvent.deal_id == deal.id, tables.DealEvent.corrected_at.is_(None))
    )
    standing = sorted(events, key=lambda event: (event.corrects_id or event.id, event.id))
    deal.stage = deal.amount = deal.currency = deal.next_step = None
    deal.status = "open"
    for event in standing:
        if event.stage is not None:
            deal.stage = event.stage
        if event.amount is not None:
            deal.amount, deal.currency = event.amount, event.currency
        if event.next_step is not None:
            deal.next_step = event.next_step
        if event.outcome is not None:
            deal.status = event.outcome
    if standing:
        deal.updated_at = max(as_utc(event.created_at) for event in standing)
    return len(standing)


async def _recorded(session: AsyncSession, original: tables.DealEvent) -> RecordedUpdate:
    current = await session.scalar(
        select(tables.DealEvent)
        .where(or_(tables.DealEvent.id == original.id, tables.DealEvent.corrects_id == original.id),
               tables.DealEvent.corrected_at.is_(None))
        .order_by(tables.DealEvent.id.desc())
        .limit(1)
    ) or original
    deal = await session.get(tables.Deal, current.deal_id)
    assert deal is not None
    return RecordedUpdate(
        event_id=original.id, team_id=original.team_id, channel_id=original.channel_id, poster=original.user_id,
        source=original.source, message_ts=original.message_ts, deal=_deal(deal),
        update=DealUpdate(deal_name=deal.name, stage=current.stage, amount=current.amount, currency=current.currency,
                          next_step=current.next_step, outcome=current.outcome),  # type: ignore[arg-type]
    )
