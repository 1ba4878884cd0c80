"""The one composition root: settings → engine → repository → prompt library → Slack client → Bolt app."""

from __future__ import annotations

import asyncio
import logging
from dataclasses import dataclass, field
from datetime import timedelta

from aiohttp import ClientSession, ClientTimeout, web
from slack_bolt.async_app import AsyncApp
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.coach import Coach
from bot.daily_exercises import DailyExercises, DailyTimings
from bot.delivery.channel_messages import ChannelMessageWork, WorkTimings
from bot.delivery.retry import RetryPolicy
from bot.coaching.library import PromptLibrary, default_prompts_dir, load_library
from bot.llm.prompt_file import load_prompt_file
from bot.observability import Metrics, Readiness
from bot.slack.auth_check import check_slack_auth
from bot.reading.batching import BatchingReader, reader_process
from bot.reading.reader import load_reader
from bot.settings import Settings
from bot.slack.bolt_app import build_bolt_app, build_web_app
from bot.slack.client import make_web_client
from bot.slack.exercise_sender import SlackExerciseSender
from bot.slack.replies import SlackReplies, outbox_for
from bot.scheduling.ticker import ExerciseTicker
from bot.storage.daily import DailyRepository
from bot.storage.llm_usage import LlmUsageRepository
from bot.storage.repository import Repository
from bot.storage.session import create_engine, create_sessionmaker

log = logging.getLogger(__name__)

LLM_PROMPT = "llm/second_opinion.md"


def load_prompts(settings: Settings) -> PromptLibrary:
    folder = settings.prompts_dir or default_prompts_dir()
    library = load_library(folder)
    load_prompt_file(folder / LLM_PROMPT)  # validated at start even when no model is configured
    return library


def build_model_coach(settings: Settings, sessions, usage=None):  # type: ignore[no-untyped-def]
    """None without OPENAI_API_KEY and OPENAI_BASE_URL: then the rules and the prompt library do everything."""
    if not settings.llm_enabled:
        return None
    # Imported only when a model is configured: the openai package costs ~20 MB of resident memory.
    from bot.llm.model_coach import ModelCoach, make_openai_client

    folder = settings.prompts_dir or default_prompts_dir()
    return ModelCoach(
        client=make_openai_client(api_key=settings.openai_api_key, base_url=settings.openai_base_url,
                                  timeout_s=settings.llm_timeout_s),
        model=settings.openai_model, prompt=load_prompt_file(folder / LLM_PROMPT),
        usage=usage or LlmUsageRepository(sessions), daily_token_budget=settings.llm_daily_token_budget,
        redact_text=settings.llm_redact, timeout_s=settings.llm_timeout_s,
    )


def build_reader(settings: Settings) -> BatchingReader:
    """The learned reader (the embedding model loads once per process, in a process of its own by default), or the
    rules reader where it can't."""
    reader = load_reader(prompts_dir=settings.prompts_dir, threads=settings.reader_threads)
    process = None
    if settings.reader_process and reader.classifier is not None:
        process = reader_process(prompts_dir=settings.prompts_dir, threads=settings.reader_threads)
    return BatchingReader(reader, process=process)


@dataclass
class Heartful:
    settings: Settings
    engine: AsyncEngine
    repository: Repository
    coach: Coach
    work: ChannelMessageWork
    daily: DailyExercises
    bolt_app: AsyncApp
    metrics: Metrics
    readiness: Readiness
    _slack_check: asyncio.Task | None = field(default=None, repr=False)

    def ticker(self) -> ExerciseTicker:
        return ExerciseTicker(self.daily, interval_s=self.settings.daily_tick_s)

    def web_app(self, *, check_slack_at_start: bool = False, slack_routes: bool = True) -> web.Application:
        """The HTTP server: opens the shared Slack HTTP session on startup (and, for `serve`, asks Slack who we are:
        /readyz and the workspace check depend on it); `close()` ends everything. Socket Mode serves only the
        health routes (slack_routes=False)."""
        app = build_web_app(self.bolt_app, signing_secret=self.settings.slack_signing_secret, metrics=self.metrics,
                            readiness=self.readiness, read_timeout_s=self.settings.http_read_timeout_s,
                            slack_routes=slack_routes)

        async def _open(_app: web.Application) -> None:
            await self.open()
            if check_slack_at_start:
                self.start_slack_check()

        app.on_startup.append(_open)
        return app

    def start_slack_check(self, *, first_delay_s: float = 1.0) -> asyncio.Task:
        """auth.test in the background, retried with backoff while Slack is unreachable; never raises. Its result is
        `readiness.identity` (our team: requests for any other are ignored) and the slack_auth check of /readyz."""
        if self._slack_check is None:
            self._slack_check = asyncio.get_running_loop().create_task(check_slack_auth(
                self.bolt_app.client, self.readiness, app_id=self.settings.slack_app_id, first_delay_s=first_delay_s,
            ))
        return self._slack_check

    async def open(self, *, handle_messages: bool = True) -> None:
        """One pooled HTTP session for every Web API call (slack_sdk opens a new one per call otherwise).
        Made here because an aiohttp session belongs to the running event loop. Then the channel-message workers
        and their poller start, unless this process only runs one command (`exercises run-due`)."""
        client = self.bolt_app.client
        if client.session is None:
            client.session = ClientSession(timeout=ClientTimeout(total=client.timeout))
        if handle_messages:
            self.coach.reader.warm_up()
            self.work.start()

    async def close(self) -> None:
        if self._slack_check is not None and not self._slack_check.done():
            self._slack_check.cancel()
        await self.work.stop()
        client = self.bolt_app.client
        if client.session is not None:
            await client.session.close()
            client.session = None
        await self.engine.dispose()
        self.coach.reader.close()


def build_heartful(
    settings: Settings, *, library: PromptLibrary | None = None, process_before_response: bool = False
) -> Heartful:
    """Assemble the app. The database must already be upgraded (`heartful db upgrade`; `serve` does it first)."""
    library = library or load_prompts(settings)
    engine = create_engine(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    sessions = create_sessionmaker(engine)
    repository = Repository(sessions)
    coach = Coach(library=library, repository=repository, reader=build_reader(settings),
                  advisor=build_model_coach(settings, sessions),
                  advisor_timeout_s=settings.llm_timeout_s)
    client = make_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url,
                             timeout=settings.slack_timeout_s)
    daily = DailyExercises(
        repository=DailyRepository(sessions), library=library, sender=SlackExerciseSender(client),
        timings=DailyTimings(
            grace=timedelta(hours=settings.daily_grace_hours), lease=timedelta(seconds=settings.daily_claim_lease_s),
            send_interval=settings.daily_send_interval_ms / 1000,
        ),
    )
    metrics = Metrics()
    work = ChannelMessageWork(
        sessions=sessions, coach=coach, sender=SlackReplies(client), render=outbox_for, metrics=metrics,
        timings=WorkTimings(
            capacity=settings.work_queue_size, concurrency=settings.work_concurrency,
            lease=timedelta(seconds=settings.work_lease_s), poll_s=settings.work_poll_s,
            retention=timedelta(hours=settings.work_retention_hours),
            policy=RetryPolicy(window=timedelta(seconds=settings.work_retry_window_s),
                               first_delay_s=settings.work_retry_first_s),
        ),
    )
    bolt_app = build_bolt_app(coach=coach, work=work, daily=daily, client=client,
                              signing_secret=settings.slack_signing_secret,
                              process_before_response=process_before_response, metrics=metrics)
    readiness = Readiness(engine, database_timeout_s=settings.readyz_db_timeout_s)
    readiness.backlog = work.backlog
    return Heartful(settings=settings, engine=engine, repository=repository, coach=coach, work=work, daily=daily,
                    bolt_app=bolt_app, metrics=metrics, readiness=readiness)
