"""The Alembic migrations build exactly the schema the ORM models describe, on SQLite and on PostgreSQL."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from bot.storage.base import Base
from bot.storage.work import WorkRepository, accepted_row
from bot.storage.session import alembic_config, create_engine, create_sessionmaker, upgrade_database
from tests.postgres import needs_postgres, throwaway_postgres_database

TABLES = {"workspaces", "channels", "users", "deals", "deal_events", "nudges", "work_items"}


def inspect_schema(url: str) -> tuple[list, set[str]]:
    """(differences between the migrated schema and the models, the table names)."""

    async def run() -> tuple[list, set[str]]:
        engine = create_engine(url)
        async with engine.connect() as connection:
            diff = await connection.run_sync(
                lambda sync: compare_metadata(MigrationContext.configure(sync), Base.metadata)
            )
            names = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
        await engine.dispose()
        return diff, names

    return asyncio.run(run())


def claim_concurrently(url: str, event_id: str, replicas: int) -> list[bool]:
    """Several 'replicas' (separate engines) claim one event id at the same moment."""

    async def run() -> list[bool]:
        engines = [create_engine(url) for _ in range(replicas)]
        repositories = [WorkRepository(create_sessionmaker(engine)) for engine in engines]
        now = datetime.now(UTC)
        results = await asyncio.gather(*(
            r.accept_many([accepted_row(event_id=event_id, team_id="T1", channel_id="C1", message_ts="1.0",
                                        message={"text": "hi"}, now=now, give_up_at=now + timedelta(minutes=15),
                                        lease=timedelta(seconds=60))])
            for r in repositories))
        for engine in engines:
            await engine.dispose()
        return [claimed is not None for [claimed] in results]

    return asyncio.run(run())


def check_database(url: str) -> None:
    upgrade_database(url)
    diff, names = inspect_schema(url)
    assert diff == []
    assert TABLES <= names
    assert sorted(claim_concurrently(url, "Ev1", replicas=4)) == [False, False, False, True]
    command.downgrade(alembic_config(url), "base")
    _, names = inspect_schema(url)
    assert names == {"alembic_version"}
    upgrade_database(url)  # and back up again: the migrations are repeatable


def test_sqlite_migrations_match_the_models(tmp_path):
    check_database(f"sqlite+aiosqlite:///{tmp_path / 'heartful.db'}")


@needs_postgres
def test_postgres_migrations_match_the_models_and_claims_hold_across_replicas():
    with throwaway_postgres_database() as url:
        check_database(url)
