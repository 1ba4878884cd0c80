"""One transaction across repositories: what a use case records for one event commits together, or not at all."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from types import TracebackType

from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker


class SessionScope:
    """Base of the repositories. Alone, each call opens its own session and commits. Bound to a unit of work, every
    call shares its session and only flushes: the unit commits once."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession], *, bound: AsyncSession | None = None) -> None:
        self._sessions = sessions
        self._bound = bound

    @asynccontextmanager
    async def _session(self) -> AsyncIterator[AsyncSession]:
        if self._bound is not None:
            yield self._bound
            return
        async with self._sessions() as session:
            yield session

    async def _commit(self, session: AsyncSession) -> None:
        if self._bound is None:
            await session.commit()
        else:
            await session.flush()


class UnitOfWork:
    """`async with UnitOfWork(sessions) as uow:` — uow.deals and uow.work share one session; leaving the block
    commits, an exception rolls everything back."""

    def __init__(self, sessions: async_sessionmaker[AsyncSession]) -> None:
        self._sessions = sessions

    async def __aenter__(self) -> UnitOfWork:
        from bot.storage.repository import Repository
        from bot.storage.work import WorkRepository

        self.session = self._sessions()
        self.deals = Repository(self._sessions, bound=self.session)
        self.work = WorkRepository(self._sessions, bound=self.session)
        return self

    async def __aexit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                        traceback: TracebackType | None) -> None:
        try:
            if exc_type is None:
                await self.session.commit()
            else:
                await self.session.rollback()
        finally:
            await self.session.close()
