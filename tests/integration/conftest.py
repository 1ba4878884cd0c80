"""Repository tests run against both databases: a migrated SQLite file, and a throwaway PostgreSQL database when
TEST_DATABASE_URL points at a server (skipped, saying why, when it does not)."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.storage.session import upgrade_database
from tests.postgres import TEST_DATABASE_URL, throwaway_postgres_database


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request, tmp_path: Path):  # type: ignore[no-untyped-def]
    if request.param == "sqlite":
        url = f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}"
        upgrade_database(url)
        yield url
        return
    if not TEST_DATABASE_URL:
        pytest.skip("TEST_DATABASE_URL is not set: no PostgreSQL server to run against")
    with throwaway_postgres_database() as url:
        upgrade_database(url)
        yield url
