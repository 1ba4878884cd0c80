"""Typed ORM rows. Migrations in db/versions/ must match these (a test compares them)."""

from __future__ import annotations

from datetime import UTC, datetime
from decimal import Decimal

from sqlalchemy import Boolean, DateTime, ForeignKey, Index, Numeric, String, Text, UniqueConstraint
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
    __tablename__ = "users"
    __table_args__ = (UniqueConstraint("team_id", "user_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    team_id: Mapped[str] = mapped_column(ForeignKey("workspaces.team_id"))
    user_id: Mapped[str] = mapped_column(String(32))
    tz: Mapped[str | None] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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
    """One recorded update of a deal: what changed, who said so, where and when."""

    __tablename__ = "deal_events"
    __table_args__ = (Index("ix_deal_events_deal_id_created_at", "deal_id", "created_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    deal_id: Mapped[int] = mapped_column(ForeignKey("deals.id", ondelete="CASCADE"))
    team_id: Mapped[str] = mapped_column(String(32))
    channel_id: Mapped[str] = mapped_column(String(32))
    user_id: Mapped[str | None] = mapped_column(String(32))  # the rep, or the CRM integration's bot id
    source: Mapped[str] = mapped_column(String(8))  # person | crm
    message_ts: Mapped[str] = mapped_column(String(32))
    stage: Mapped[str | None] = mapped_column(String(200))
    amount: Mapped[Decimal | None] = mapped_column(Numeric(16, 2))
    currency: Mapped[str | None] = mapped_column(String(8))
    next_step: Mapped[str | None] = mapped_column(Text)
    outcome: Mapped[str | None] = mapped_column(String(8))  # won | lost
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)


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


class ProcessedEvent(Base):
    """Events API event ids already handled. The primary key makes a Slack retry a no-op, across replicas too."""

    __tablename__ = "processed_events"

    event_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    team_id: Mapped[str | None] = mapped_column(String(32))
    received_at: Mapped[datetime] = mapped_column(DateTime(timezone=True), default=utcnow)
