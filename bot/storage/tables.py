"""Typed ORM rows. Migrations in db/versions/ must match these (a test compares them)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal

from sqlalchemy import JSON, Boolean, Date, DateTime, ForeignKey, Index, Numeric, String, Text, UniqueConstraint, false, true
from sqlalchemy.orm import Mapped, mapped_column

from bot.storage.base import Base


def utcnow() -> datetime:
    return datetime.now(UTC)


class Workspace(Base):
    __tablename__ = "workspaces"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Channel(Base):
    """A channel the bot was invited to: that is what makes it a deal channel."""

    __tablename__ = "channels"
    __table_args__ = (UniqueConstraint("team_id", "channel_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str | None] = mapped_column(String(200))
    reply_mode: Mapped[str] = mapped_column(String(16), default="thread")  # thread | ephemeral
    muted: Mapped[bool] = mapped_column(Boolean, default=False)
    changed_by: Mapped[str | None] = mapped_column(String(32))  # who last changed mode/mute
    changed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class User(Base):
    """A rep. The daily_* columns are their exercise opt-in; next_due_at is precomputed so that the every-minute
    tick asks one indexed question: who is due now?"""

    __tablename__ = "users"
    __table_args__ = (
        UniqueConstraint("team_id", "user_id"),
        Index("ix_users_daily_due", "daily_enabled", "next_due_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str | None] = mapped_column(String(64))
    tz_checked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    nudges_enabled: Mapped[bool] = mapped_column(Boolean, default=True, server_default=true())  # /coach nudges off
    daily_enabled: Mapped[bool] = mapped_column(Boolean, default=False, server_default=false())
    daily_time: Mapped[str] = mapped_column(String(5), default="09:00", server_default="09:00")
    daily_days: Mapped[str] = mapped_column(String(32), default="0,1,2,3,4", server_default="0,1,2,3,4")
    snoozed_until: Mapped[date | None] = mapped_column(Date)
    stopped_reason: Mapped[str | None] = mapped_column(String(64))  # user_not_found, account_inactive, …
    next_due_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    next_due_date: Mapped[date | None] = mapped_column(Date)  # the rep's local date of next_due_at
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class Delivery(Base):
    """One daily exercise for one rep on one local date. The unique key is the claim: exactly once per day,
    across ticks, restarts and replicas."""

    __tablename__ = "deliveries"
    __table_args__ = (UniqueConstraint("user_pk", "local_date"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_pk: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"))
    local_date: Mapped[date] = mapped_column(Date)
    status: Mapped[str] = mapped_column(String(16))  # claimed | retry | sent | failed | missed
    exercise_id: Mapped[str | None] = mapped_column(String(80))
    claimed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    sent_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    # Set before the post: on a row not yet sent, the channel where an earlier attempt may have posted.
    dm_channel: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))
    error: Mapped[str | None] = mapped_column(String(64))
    outcome: Mapped[str | None] = mapped_column(String(16))  # done | skipped
    outcome_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    what_asked: Mapped[str | None] = mapped_column(Text)  # the rep's reflection: never sent to a model
    how_it_felt: Mapped[str | None] = mapped_column(Text)


class Deal(Base):
    __tablename__ = "deals"
    __table_args__ = (UniqueConstraint("team_id", "channel_id", "name_key"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    channel_id: Mapped[str] = mapped_column(String(32))
    name: Mapped[str] = mapped_column(String(200))
    name_key: Mapped[str] = mapped_column(String(200))  # casefolded name: matching is case-insensitive
    stage: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(8))
    next_step: Mapped[str | None] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8), default="open")  # open | won | lost
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class DealEvent(Base):
    """One recorded update of a deal: what changed, who said so, where and when. A fix never rewrites an update:
    it marks it corrected and adds a `fix` event (corrects_id → the original) that stands in its place."""

    __tablename__ = "deal_events"
    __table_args__ = (
        Index("ix_deal_events_deal_id_created_at", "deal_id", "created_at"),
        Index("ix_deal_events_channel_id_message_ts", "channel_id", "message_ts"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))  # the rep, or the CRM integration's bot id
    source: Mapped[str] = mapped_column(String(8))  # person | crm | fix
    message_ts: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(8))
    next_step: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(8))  # won | lost
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
    corrects_id: Mapped[int | None] = mapped_column(ForeignKey("deal_events.id", ondelete="CASCADE"))  # fix events
    corrected_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))  # superseded by a fix then
    corrected_by: Mapped[str | None] = mapped_column(String(32))


class Nudge(Base):
    """Coaching given: a passive nudge on a stall, or an answer to /coach. Records which prompt entries produced it,
    so rotation and insights are queries."""

    __tablename__ = "nudges"
    __table_args__ = (Index("ix_nudges_rotation_key_id", "rotation_key", "id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    deal_id: Mapped[int | None] = mapped_column(ForeignKey("deals.id", ondelete="SET NULL"))
    rotation_key: Mapped[str] = mapped_column(String(240))  # deal:<channel>:<name> or channel:<channel>
    origin: Mapped[str] = mapped_column(String(16))  # message | command
    user_id: Mapped[str | None] = mapped_column(String(32))
    message_ts: Mapped[str | None] = mapped_column(String(32))  # the stall message (passive nudges)
    thread_ts: Mapped[str | None] = mapped_column(String(32))
    reply_mode: Mapped[str] = mapped_column(String(16))  # thread | ephemeral | command
    stall_kind: Mapped[str | None] = mapped_column(String(32))
    question_id: Mapped[str] = mapped_column(String(80))
    guidance_id: Mapped[str | None] = mapped_column(String(80))  # none for "/coach question"
    prompts_version: Mapped[str] = mapped_column(String(120))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


class WorkItem(Base):
    """A channel message accepted for coaching: recorded before any work starts, finished exactly once by whichever
    replica holds its lease. The unique event id makes a Slack retry a no-op. `outbox` holds the Slack calls the
    decision produced (stored with the decision, in its transaction), each with its own state, so a retry repeats
    only what has not been sent."""

    __tablename__ = "work_items"
    __table_args__ = (Index("ix_work_items_state_due_at", "state", "due_at"),
                      Index("ix_work_items_finished_at", "finished_at"))

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[str] = mapped_column(String(64), unique=True)
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    message_ts: Mapped[str] = mapped_column(String(32))
    message: Mapped[dict] = mapped_column(JSON)  # the ChannelMessage, to read it again after a restart
    state: Mapped[str] = mapped_column(String(16))  # pending | working | done | failed
    attempts: Mapped[int] = mapped_column(default=0)
    due_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # pending: not before; working: lease end
    give_up_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))  # transient failures retried until then
    outbox: Mapped[list | None] = mapped_column(JSON)  # None until decided
    reason: Mapped[str | None] = mapped_column(String(120))  # the last failure (why it failed, when failed)
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class LlmUsage(Base):
    """Model tokens spent per workspace and UTC day: after the budget, rules only until the next day."""

    __tablename__ = "llm_usage"

    team_id: Mapped[str] = mapped_column(String(32), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    tokens: Mapped[int] = mapped_column(default=0)
    calls: Mapped[int] = mapped_column(default=0)
