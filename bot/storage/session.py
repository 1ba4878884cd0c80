"""Engines and migrations. Built by the composition root, never at import time."""

from __future__ import annotations

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import AsyncEngine, async_sessionmaker, create_async_engine
from sqlalchemy.pool import AsyncAdaptedQueuePool

from bot.content import content_dir

MIGRATIONS_DIR = content_dir("db")

SQLITE_BUSY_TIMEOUT_MS = 5_000  # another process (a CLI command) holding the write lock: wait this long, off the loop
SQLITE_POOL_TIMEOUT_S = 120.0  # a session waits this long for the one connection (in asyncio: the loop runs on)


def is_sqlite(database_url: str) -> bool:
    return database_url.startswith("sqlite")


def create_engine(database_url: str, *, busy_timeout_ms: int = SQLITE_BUSY_TIMEOUT_MS,
                  pool_timeout_s: float = SQLITE_POOL_TIMEOUT_S) -> AsyncEngine:
    """PostgreSQL: an ordinary pool (several replicas share the server). SQLite: one connection per process, so one
    writer: sessions queue for it in asyncio instead of fighting over the file lock in threads (`database is
    locked`, a pool exhausted by waiters). WAL lets readers in other processes (`heartful exercises run-due`, the
    shell) go on while we write."""
    if not is_sqlite(database_url):
        return create_async_engine(database_url, pool_pre_ping=True)
    database = make_url(database_url).database
    if database and database != ":memory:" and not database.startswith("file:"):
        engine = create_async_engine(
            database_url, poolclass=AsyncAdaptedQueuePool, pool_size=1, max_overflow=0,
            pool_timeout=pool_timeout_s, connect_args={"timeout": busy_timeout_ms / 1000},
        )
    else:  # in memory: SQLAlchemy's default (one static connection) is already a single writer
        engine = create_async_engine(database_url, connect_args={"timeout": busy_timeout_ms / 1000})

    @event.listens_for(engine.sync_engine, "connect")
    def _sqlite_pragmas(dbapi_connection, _record) -> None:  # type: ignore[no-untyped-def]
        # Set on every new connection: only journal_mode is stored in the file, the rest are per connection.
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute("PRAGMA synchronous=NORMAL")  # durable at each checkpoint; WAL keeps the file consistent
        cursor.execute("PRAGMA foreign_keys=ON")
        cursor.execute(f"PRAGMA busy_timeout={int(busy_timeout_ms)}")
        cursor.close()

    return engine


def create_sessionmaker(engine: AsyncEngine) -> async_sessionmaker:
    return async_sessionmaker(engine, expire_on_commit=False)


def alembic_config(database_url: str):  # type: ignore[no-untyped-def]
    from alembic.config import Config

    config = Config()
    config.set_main_option("script_location", str(MIGRATIONS_DIR))
    config.set_main_option("sqlalchemy.url", database_url)
    config.set_main_option("file_template", "%%(year)d_%%(month).2d_%%(day).2d_%%(rev)s_%%(slug)s")
    config.attributes["configure_logger"] = False
    return config


def upgrade_database(database_url: str, revision: str = "head") -> None:
    """Alembic to head. Synchronous (Alembic runs its own event loop for the async driver): call it off the loop."""
    from alembic import command

    command.upgrade(alembic_config(database_url), revision)
