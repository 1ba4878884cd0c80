"""What the use cases need from the world, as Protocols. Adapters (bot/storage, bot/slack, bot/llm) implement them;
the coaching layer never imports those adapters."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime
from typing import Protocol

from bot.coaching.models import ChannelSettings, Deal, DealUpdate, LastChoice, Reading, RecordedUpdate
from bot.coaching.second_opinion import Opinion


class Clock(Protocol):
    def now(self) -> datetime: ...


class SystemClock:
    def now(self) -> datetime:
        return datetime.now(UTC)


class DealNamer(Protocol):
    """The reader's last step, once the channel's deals are known: "acme" is the deal "Acme Corp"."""

    def name_deal(self, text: str, reading: Reading, known_deals: Sequence[str]) -> Reading: ...


class SecondOpinion(Protocol):
    """The model (an OpenAI-compatible API) asked about a message the reader was unsure of."""

    async def second_opinion(self, *, team_id: str, text: str) -> Opinion: ...


class DealStore(Protocol):
    """Channels, deals, their updates and the nudges given — inside the caller's unit of work."""

    async def deal_names(self, *, team_id: str, channel_id: str) -> list[str]: ...

    async def rep_wants_nudges(self, *, team_id: str, user_id: str) -> bool: ...

    async def ensure_channel(self, *, team_id: str, channel_id: str) -> ChannelSettings: ...

    async def set_channel_name(self, *, team_id: str, channel_id: str, name: str) -> None: ...

    async def find_deal(self, *, team_id: str, channel_id: str, name: str) -> Deal | None: ...

    async def record_deal_update(self, *, team_id: str, channel_id: str, deal_name: str, update_: DealUpdate,
                                 user_id: str | None, source: str, message_ts: str) -> RecordedUpdate: ...

    async def last_choice(self, *, rotation_key: str, channel_id: str | None = None,
                          stall_kind: str | None = None) -> LastChoice: ...

    async def record_nudge(self, *, team_id: str, channel_id: str, deal_id: int | None, rotation_key: str,
                           origin: str, user_id: str | None, reply_mode: str, question_id: str, prompts_version: str,
                           guidance_id: str | None = None, stall_kind: str | None = None,
                           message_ts: str | None = None, thread_ts: str | None = None) -> None: ...
