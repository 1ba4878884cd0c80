"""Model tokens spent per workspace and day, for the daily budget."""

from __future__ import annotations

from datetime import date

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.storage import tables
from bot.storage.repository import insert_ignoring_conflict


class LlmUsageRepository:
    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def tokens(self, *, team_id: str, day: date) -> int:
        async with self._sessions() as session:
            used = await session.scalar(
                select(tables.LlmUsage.tokens).where(tables.LlmUsage.team_id == team_id, tables.LlmUsage.day == day)
            )
            return int(used or 0)

    async def add(self, *, team_id: str, day: date, tokens: int) -> None:
        async with self._sessions() as session:
            await insert_ignoring_conflict(session, tables.LlmUsage,
                                           {"team_id": team_id, "day": day, "tokens": 0, "calls": 0},
                                           ["team_id", "day"])
            await session.execute(
                update(tables.LlmUsage)
                .where(tables.LlmUsage.team_id == team_id, tables.LlmUsage.day == day)
                .values(tokens=tables.LlmUsage.tokens + tokens, calls=tables.LlmUsage.calls + 1)
            )
            await session.commit()
