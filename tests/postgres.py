"""A throwaway PostgreSQL database per test, when TEST_DATABASE_URL points at a server."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.settings import async_database_url
from bot.storage.session import create_engine

TEST_DATABASE_URL = os.environ.get("TEST_DATABASE_URL")
needs_postgres = pytest.mark.skipif(
    not TEST_DATABASE_URL, reason="TEST_DATABASE_URL is not set: no PostgreSQL server to run against"
)


def _admin(sql: str) -> None:
    async def run() -> None:
        engine = create_engine(async_database_url(TEST_DATABASE_URL or ""))
        async with engine.connect() as connection:
            await connection.execution_options(isolation_level="AUTOCOMMIT")
            await connection.execute(text(sql))
        await engine.dispose()

    asyncio.run(run())


@contextmanager
def throwaway_postgres_database() -> Iterator[str]:
    """Create a database named heartful_<random>, yield its async URL, drop it afterwards."""
    name = f"heartful_{uuid.uuid4().hex[:10]}"
    _admin(f'CREATE DATABASE "{name}"')
    try:
        yield make_url(async_database_url(TEST_DATABASE_URL or "")).set(database=name).render_as_string(
            hide_password=False
        )
    finally:
        _admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
