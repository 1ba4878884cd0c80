"""Settings from the environment and `.env` (pydantic-settings). Nothing is built at import time."""

from __future__ import annotations

from pathlib import Path
from typing import Literal

from pydantic import Field, ValidationError, field_validator
from pydantic_settings import BaseSettings, SettingsConfigDict

SLACK_API_DEFAULT = "https://slack.com/api/"


class SettingsError(Exception):
    """A missing or malformed setting; str() is one line naming the variable and the README section."""


# Where each variable is explained in README.md, so an error can point there.
README_SECTIONS = {
    "SLACK_BOT_TOKEN": "Settings",
    "SLACK_SIGNING_SECRET": "Settings",
    "SLACK_APP_TOKEN": "Socket Mode",
    "SLACK_API_URL": "Settings",
    "DATABASE_URL": "Using PostgreSQL",
    "LOG_LEVEL": "Settings",
    "PROMPTS_DIR": "Editing the coaching content",
    "OPENAI_API_KEY": "OpenAI (optional)",
    "OPENAI_BASE_URL": "OpenAI (optional)",
    "OPENAI_MODEL": "OpenAI (optional)",
    "LLM_TIMEOUT_S": "OpenAI (optional)",
    "LLM_DAILY_TOKEN_BUDGET": "OpenAI (optional)",
    "LLM_REDACT": "OpenAI (optional)",
    "DAILY_GRACE_HOURS": "Daily exercises",
    "DAILY_CLAIM_LEASE_S": "Daily exercises",
    "DAILY_SEND_INTERVAL_MS": "Daily exercises",
    "DAILY_TICK_S": "Daily exercises",
    "SLACK_APP_ID": "Settings",
    "HTTP_READ_TIMEOUT_S": "HTTP mode",
    "READYZ_DB_TIMEOUT_S": "HTTP mode",
    "SQLITE_BUSY_TIMEOUT_MS": "Settings",
}


class Settings(BaseSettings):
    model_config = SettingsConfigDict(env_file=".env", env_file_encoding="utf-8", extra="ignore")

    slack_bot_token: str = Field(default="", description="Bot token, xoxb-…")
    slack_signing_secret: str = Field(default="", description="Signing secret from Basic Information")
    slack_app_token: str | None = Field(default=None, description="App-level token xapp-… (Socket Mode)")
    slack_api_url: str = Field(default=SLACK_API_DEFAULT, description="Web API base URL")
    slack_app_id: str | None = Field(default=None, description="A…: requests for another app are ignored")
    slack_timeout_s: int = Field(default=10, ge=1, le=120)  # one Web API call; after it, the outcome is unknown
    database_url: str = Field(default="sqlite+aiosqlite:///heartful.db")
    log_level: Literal["DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"] = "INFO"
    prompts_dir: Path | None = None
    openai_api_key: str | None = None
    openai_base_url: str | None = None
    openai_model: str = "gpt-4.1-mini"
    llm_timeout_s: float = Field(default=8.0, gt=0, le=120)
    llm_daily_token_budget: int = Field(default=200_000, ge=0)
    llm_redact: bool = True
    daily_grace_hours: float = Field(default=3.0, ge=0, le=23)
    daily_claim_lease_s: int = Field(default=300, ge=30)
    daily_send_interval_ms: int = Field(default=250, ge=0)
    daily_tick_s: int = Field(default=60, ge=5, le=3600)
    reader_threads: int = Field(default=1, ge=1, le=8)  # threads the embedding model may use
    reader_process: bool = True  # embed in a process of its own (no GIL shared with the event loop)
    http_read_timeout_s: float = Field(default=10.0, gt=0, le=300)  # a client slower than this with its body: 408
    readyz_db_timeout_s: float = Field(default=2.0, gt=0, le=60)  # /readyz's SELECT 1
    sqlite_busy_timeout_ms: int = Field(default=5000, ge=0, le=600_000)  # another process holding SQLite's lock
    # Durable handling of channel messages (bot/delivery): how long transient failures are retried, how long finished
    # records are kept, how much work is in flight per process, how often the database is polled for due work.
    work_retry_window_s: int = Field(default=900, ge=10, le=86_400)
    work_retry_first_s: float = Field(default=1.0, gt=0, le=300)  # the first retry's delay bound; doubles each time
    work_retention_hours: int = Field(default=168, ge=1, le=24 * 365)
    work_queue_size: int = Field(default=200, ge=1, le=100_000)
    work_concurrency: int = Field(default=8, ge=1, le=256)
    work_poll_s: float = Field(default=1.0, gt=0, le=60)
    work_lease_s: int = Field(default=60, ge=5, le=3600)  # a replica that died mid-work: others take over after this

    @field_validator("slack_app_token", "slack_app_id", "openai_api_key", "openai_base_url", mode="before")
    @classmethod
    def _blank_is_none(cls, value: object) -> object:
        return None if value == "" else value

    @field_validator("log_level", mode="before")
    @classmethod
    def _upper(cls, value: object) -> object:
        return value.upper() if isinstance(value, str) else value

    @field_validator("slack_api_url")
    @classmethod
    def _api_url(cls, value: str) -> str:
        if not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as https://slack.com/api/")
        # slack_sdk joins method names with urljoin: without the trailing slash the last segment is dropped.
        return value if value.endswith("/") else value + "/"

    @field_validator("slack_bot_token")
    @classmethod
    def _bot_token(cls, value: str) -> str:
        if value and not value.startswith("xoxb-"):
            raise ValueError("must be a bot token starting with xoxb-")
        return value

    @field_validator("slack_app_token")
    @classmethod
    def _app_token(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith("xapp-"):
            raise ValueError("must be an app-level token starting with xapp-")
        return value

    @field_validator("slack_app_id")
    @classmethod
    def _app_id(cls, value: str | None) -> str | None:
        if value is not None and not (value.startswith("A") and value[1:].isalnum()):
            raise ValueError("must be an app id starting with A, from the app's Basic Information page")
        return value

    @field_validator("database_url")
    @classmethod
    def _database_url(cls, value: str) -> str:
        return async_database_url(value)

    @field_validator("openai_base_url")
    @classmethod
    def _openai_base_url(cls, value: str | None) -> str | None:
        if value is not None and not value.startswith(("http://", "https://")):
            raise ValueError("must be an http(s) URL such as http://localhost:11434/v1")
        return value

    @property
    def llm_enabled(self) -> bool:
        """A key (OpenAI) or a base URL (Azure, Ollama, vLLM) turns the model on; neither means rules only."""
        return bool(self.openai_api_key or self.openai_base_url)

    @property
    def socket_mode(self) -> bool:
        return self.slack_app_token is not None

    def require_slack(self) -> None:
        """`serve` needs credentials; `try`, `manifest` and `db upgrade` do not."""
        if not self.slack_bot_token:
            raise settings_error("SLACK_BOT_TOKEN", "is not set")
        if not self.socket_mode and not self.slack_signing_secret:
            raise settings_error("SLACK_SIGNING_SECRET", "is not set (HTTP mode needs it to verify requests)")


def async_database_url(url: str) -> str:
    """Accept the URLs people paste (postgresql://, sqlite:///) and pick the async drivers we ship."""
    if url.startswith("postgres://"):
        url = "postgresql://" + url.removeprefix("postgres://")
    if url.startswith("postgresql://"):
        return "postgresql+asyncpg://" + url.removeprefix("postgresql://")
    if url.startswith("sqlite://"):
        return "sqlite+aiosqlite://" + url.removeprefix("sqlite://")
    if url.startswith(("postgresql+asyncpg://", "sqlite+aiosqlite://")):
        return url
    raise ValueError("must be a sqlite:/// or postgresql:// URL")


def settings_error(variable: str, problem: str) -> SettingsError:
    section = README_SECTIONS.get(variable, "Settings")
    return SettingsError(f"{variable} {problem}; see README.md, section '{section}'.")


def load_settings(**overrides: object) -> Settings:
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        error = exc.errors()[0]
        variable = str(error["loc"][0]).upper() if error["loc"] else "a setting"
        message = error["msg"].removeprefix("Value error, ")
        raise settings_error(variable, f"is malformed: {message}") from None
