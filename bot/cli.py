"""The `heartful` command (also `python -m bot`): serve · shell · try · eval · train · exercises run-due · manifest ·
db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.coaching.library import LibraryError
from bot.settings import Settings, SettingsError, load_settings, settings_error

log = logging.getLogger("bot")

EXIT_USAGE = 2  # bad settings, bad prompt files, bad arguments
EXIT_FAILURE = 1  # a dependency (database, Slack) failed


class CliError(Exception):
    """A failure to report as one line, with an exit code."""

    def __init__(self, message: str, code: int = EXIT_FAILURE) -> None:
        super().__init__(message)
        self.code = code


def _configure_logging(settings: Settings) -> None:
    logging.basicConfig(level=settings.log_level, format="%(asctime)s %(levelname)s %(name)s: %(message)s")


def _upgrade(settings: Settings) -> None:
    from bot.storage.session import upgrade_database

    try:
        upgrade_database(settings.database_url)
    except Exception as exc:  # any driver error: say which database, briefly
        first_line = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
        raise CliError(f"could not upgrade the database at DATABASE_URL: {first_line}") from None


def freeze_long_lived_objects() -> None:
    """After start-up, what is loaded stays for the process's life (modules, the reader's weights, the prompt
    library): moved out of the collector's reach, so generation-2 collections stop scanning it on the event loop."""
    import gc

    gc.collect()
    gc.freeze()


def _check_bot_token(settings: Settings) -> None:
    """One auth.test before serving: a token Slack refuses stops `serve` here, with one line. A Slack that can't be
    reached is not a reason to stop: the background check retries it with backoff and /readyz says so."""
    from slack_sdk.errors import SlackApiError

    from bot.slack.client import make_web_client

    async def ask() -> str | None:
        client = make_web_client(token=settings.slack_bot_token, base_url=settings.slack_api_url,
                                 timeout=settings.slack_timeout_s)
        try:
            await client.auth_test()
        except SlackApiError as error:
            status = error.response.status_code
            if status != 429 and status < 500:
                return str(error.response.get("error") or f"HTTP {status}")
        except Exception as error:  # unreachable for now: retried in the background
            log.warning("could not reach Slack to check the bot token (%s); retrying in the background",
                        type(error).__name__)
        return None

    refused = asyncio.run(ask())
    if refused:
        raise CliError(f"Slack refused SLACK_BOT_TOKEN ({refused}); set the bot token from OAuth & Permissions "
                       "(README.md, section 'Settings')", EXIT_USAGE)


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    _configure_logging(settings)
    from bot.app import build_heartful, load_prompts

    library = load_prompts(settings)  # validate the prompt files before touching anything else
    _check_bot_token(settings)
    _upgrade(settings)
    if settings.socket_mode:
        return asyncio.run(_serve_socket_mode(settings, library, host=args.host, port=args.port))

    from aiohttp import web

    heartful = build_heartful(settings, library=library)
    # auth.test at start, retried while Slack is unreachable: our team id, and /readyz's slack_auth check.
    web_app = heartful.web_app(check_slack_at_start=True)
    ticker = heartful.ticker()

    async def _start_ticker(_app: web.Application) -> None:
        ticker.start()
        freeze_long_lived_objects()

    async def _close(_app: web.Application) -> None:
        ticker.shutdown()
        await heartful.close()

    web_app.on_startup.append(_start_ticker)
    web_app.on_cleanup.append(_close)
    log.info("Heartful listening on http://%s:%d/slack/events", args.host, args.port)
    web.run_app(web_app, host=args.host, port=args.port, print=None, access_log=None)
    return 0


async def _serve_socket_mode(settings: Settings, library, *, host: str, port: int) -> int:  # type: ignore
    from aiohttp import web
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler
    from slack_sdk.errors import SlackApiError

    from bot.app import build_heartful

    heartful = build_heartful(settings, library=library)
    try:
        # The Socket Mode client retries forever; a token Slack rejects should stop us with a clear line instead.
        await heartful.bolt_app.client.apps_connections_open(app_token=settings.slack_app_token)
    except SlackApiError as error:
        await heartful.close()
        code = error.response.get("error") or error.response.status_code
        raise CliError(f"Slack refused the Socket Mode connection ({code}); check SLACK_APP_TOKEN "
                       "(README.md, section 'Socket Mode')") from None
    await heartful.open()
    heartful.start_slack_check()
    handler = AsyncSocketModeHandler(heartful.bolt_app, settings.slack_app_token)
    heartful.readiness.socket_client = handler.client  # /readyz: is the WebSocket connected?
    # No events come over HTTP in Socket Mode, but the health routes do: /healthz, /readyz, /metrics.
    runner = web.AppRunner(heartful.web_app(slack_routes=False), access_log=None)
    await runner.setup()
    try:
        await web.TCPSite(runner, host, port).start()
    except OSError as error:
        await runner.cleanup()
        await heartful.close()
        raise CliError(f"could not listen on {host}:{port} for /healthz and /readyz: {error.strerror}") from None
    ticker = heartful.ticker()
    ticker.start()
    freeze_long_lived_objects()
    log.info("Heartful connecting to Slack over Socket Mode; health on http://%s:%d/readyz", host, port)
    try:
        await handler.start_async()
    finally:
        ticker.shutdown()
        await runner.cleanup()
        await heartful.close()
    return 0


def _describe(reading) -> list[str]:  # type: ignore[no-untyped-def]
    lines: list[str] = []
    if reading.stall:
        lines.append(f"Stall: {reading.stall.kind} (\"{reading.stall.evidence}\")")
    if reading.chase:
        lines.append("Chase: the rep's own pressure on the prospect")
    if reading.deal_name:
        lines.append(f"Deal: {reading.deal_name}")
    if reading.deal_update:
        update = reading.deal_update
        fields = {
            "deal": update.deal_name, "stage": update.stage,
            "amount": f"{update.amount} {update.currency or ''}".strip() if update.amount is not None else None,
            "next step": update.next_step, "outcome": update.outcome,
        }
        lines.append("Deal update: " + ", ".join(f"{k}: {v}" for k, v in fields.items() if v is not None))
    return lines or ["Nothing: no stall, no chase and no deal update."]


def _describe_reader(reader, reading) -> list[str]:  # type: ignore[no-untyped-def]
    """Which reader, which step decided, and the probabilities behind it."""
    lines = [f"Reader: {reader.name}", f"Decided by: {reading.decided_by}"]
    if reading.probabilities:
        top = sorted(reading.probabilities.items(), key=lambda kv: -kv[1])
        lines.append("Probabilities: " + ", ".join(f"{k} {v:.2f}" for k, v in top if v >= 0.01))
    return lines


def cmd_try(args: argparse.Namespace) -> int:
    from bot.app import build_model_coach, build_reader, load_prompts
    from bot.coach import Coach
    from bot.coaching.guidance import compose_nudge
    from bot.coaching.nudges import tailored
    from bot.slack.blocks import nudge_message

    text = " ".join(args.text).strip()
    if not text:
        raise CliError('give the message to read, e.g. heartful try "she wants to think it over"', EXIT_USAGE)
    settings = load_settings()
    library = load_prompts(settings)
    reader = build_reader(settings)
    rules = reader.read_now(text)
    reading, guidance = rules, None
    lines: list[str] = _describe_reader(reader, rules)
    if args.llm:
        if not settings.llm_enabled:
            raise settings_error("OPENAI_API_KEY", "is not set (nor OPENAI_BASE_URL): --llm needs a model")
        model_coach = build_model_coach(settings, None, usage=_NoBudget())
        coach = Coach(library=library, repository=None, reader=reader, advisor=model_coach)  # type: ignore[arg-type]
        consulted = asyncio.run(coach.consult(team_id="try", text=text, rules=rules, deadline_s=settings.llm_timeout_s))
        reading, guidance = consulted.reading, consulted.guidance
        lines.append("Reader:")
        lines.extend("  " + line for line in _describe(rules))
        opinion = consulted.opinion
        lines.append(f"Model ({settings.openai_model}):")
        if opinion is None:
            lines.append("  not asked: the reader is sure this is ordinary chatter")
        elif opinion.reading is None:
            lines.append(f"  no usable answer ({opinion.outcome}); the reader's answer stands")
        else:
            model = opinion.reading
            lines.append(f"  {model.kind}" + (f" {model.stall_kind}" if model.stall_kind else "")
                         + f", confidence {model.confidence:.2f}")
            if model.guidance:
                verdict = "used" if guidance else "rejected by the care check"
                lines.append(f"  guidance ({verdict}): {model.guidance}")
        lines.append("Combined:")
        lines.extend("  " + line for line in _describe(reading))
    else:
        lines.extend(_describe(reading) if not reading.is_empty else [])
    if reading.deal_update:
        lines.append("Heartful would record it and react with :memo:")
    if reading.stall:
        nudge = tailored(compose_nudge(library, reading.stall.kind), guidance)
        lines.append("Reply in the thread:")
        lines.extend("  " + line for line in nudge_message(nudge).text.splitlines())
    if reading.is_empty:
        lines.append("Nothing to coach here: no stall, no chase and no deal update. Heartful stays quiet.")
    print("\n".join(lines))
    return 0


def cmd_eval(args: argparse.Namespace) -> int:
    """Per-class precision and recall and a confusion matrix for any labelled file or folder of the corpus."""
    from bot.reading.corpus import CorpusError, load_corpus, load_file
    from bot.reading.evaluation import evaluate, format_confusion, format_figures
    from bot.reading.reader import load_reader

    path = Path(args.path)
    try:
        if path.is_dir():
            splits = path.parent / "splits.csv"
            rows = load_corpus(path, splits=splits if args.split else None)
            if args.split:
                rows = [e for e in rows if e.split == args.split]
        elif path.is_file():
            rows = load_file(path)
        else:
            raise CliError(f"no such file or folder: {path}", EXIT_USAGE)
    except CorpusError as exc:
        raise CliError(str(exc).splitlines()[0], EXIT_USAGE) from None
    settings = load_settings()
    reader = load_reader(prompts_dir=settings.prompts_dir, threads=settings.reader_threads)
    overall, parts, wrong = evaluate(rows, reader.read_many, reader.stages)
    print(f"reader: {reader.name}")
    print(format_figures("all", overall))
    for name, fig in parts.items():
        print(format_figures(name, fig))
    print(format_confusion(overall))
    if args.show_errors:
        for e, r in wrong[: args.show_errors]:
            print(f"- {e.id} gold {e.kind or e.label} read {r.stall.kind if r.stall else 'chase' if r.chase else 'deal_update' if r.deal_update else 'other'}: {e.text[:140]!r}")
    return 0


def cmd_train(args: argparse.Namespace) -> int:
    from bot.reading.train import main as train_main

    return train_main([*(["--no-blind"] if args.no_blind else [])])


class _NoBudget:
    """`try --llm` is one message from a person at a terminal: no workspace budget to keep."""

    async def tokens(self, *, team_id: str, day) -> int:  # type: ignore[no-untyped-def]
        return 0

    async def add(self, *, team_id: str, day, tokens: int) -> None:  # type: ignore[no-untyped-def]
        return None


def cmd_shell(args: argparse.Namespace) -> int:
    from bot.shell.repl import run_shell

    return run_shell(Path(args.db))


def cmd_manifest(args: argparse.Namespace) -> int:
    from bot.slack.manifest import build_manifest

    if args.http is not None and not args.http.startswith(("http://", "https://")):
        raise CliError("--http takes the app's public base URL, e.g. https://heartful.example.com", EXIT_USAGE)
    print(json.dumps(build_manifest(http_base_url=args.http), indent=2))
    return 0


def cmd_exercises_run_due(args: argparse.Namespace) -> int:
    """One tick of the daily exercise, for cron and for tests: who is due at --now, sent once."""
    from datetime import UTC, datetime

    from bot.app import build_heartful, load_prompts

    now = datetime.now(UTC)
    if args.now:
        try:
            now = datetime.fromisoformat(args.now)
        except ValueError:
            raise CliError(f"--now '{args.now}' is not an ISO-8601 time, e.g. 2026-11-25T09:00:00+01:00",
                           EXIT_USAGE) from None
        if now.tzinfo is None:
            raise CliError(f"--now '{args.now}' needs a UTC offset, e.g. 2026-11-25T09:00:00Z", EXIT_USAGE)
    settings = load_settings()
    if not settings.slack_bot_token:
        raise settings_error("SLACK_BOT_TOKEN", "is not set")
    library = load_prompts(settings)
    _upgrade(settings)

    async def run() -> int:
        heartful = build_heartful(settings, library=library)
        await heartful.open(handle_messages=False)
        try:
            report = await heartful.daily.tick(now)
        finally:
            await heartful.close()
        for team, user, day, exercise in report.sent:
            print(f"sent {exercise} to {user} ({team}) for {day}")
        for team, user, day in report.missed:
            print(f"missed {user} ({team}) on {day}: past the grace window")
        for team, user, error in report.stopped:
            print(f"stopped {user} ({team}): {error}")
        for team, user, error in report.retried:
            print(f"will retry {user} ({team}): {error}")
        print(f"{len(report.sent)} sent, {len(report.missed)} missed, {len(report.stopped)} stopped, "
              f"{len(report.retried)} to retry, {report.skipped_claimed} claimed elsewhere")
        return 0

    return asyncio.run(run())


def cmd_db_upgrade(_args: argparse.Namespace) -> int:
    settings = load_settings()
    _upgrade(settings)
    print("database is at the latest schema")
    return 0


class _Parser(argparse.ArgumentParser):
    def error(self, message: str) -> None:  # one readable line, exit 2, no usage dump
        raise CliError(f"{message} (see heartful --help)", EXIT_USAGE)


def build_parser() -> argparse.ArgumentParser:
    parser = _Parser(prog="heartful", description="Heartful: coaching sales reps to sell with care.")
    commands = parser.add_subparsers(dest="command", required=True, parser_class=_Parser)

    serve = commands.add_parser("serve", help="run the app (Socket Mode when SLACK_APP_TOKEN is set, else HTTP)")
    serve.add_argument("--port", type=int, default=3000)
    serve.add_argument("--host", default="127.0.0.1",
                       help="address to listen on (default: %(default)s; 0.0.0.0 for every interface)")
    serve.set_defaults(handler=cmd_serve)

    try_ = commands.add_parser("try", help="show what the coach sees in a message and the reply it would post")
    try_.add_argument("text", nargs="+")
    try_.add_argument("--llm", action="store_true", help="also ask the configured model; show both readings")
    try_.set_defaults(handler=cmd_try)

    shell = commands.add_parser("shell", help="a deal channel in the terminal: try Heartful without Slack")
    shell.add_argument("--db", default="heartful-shell.db", help="SQLite file for the shell (default: %(default)s)")
    shell.set_defaults(handler=cmd_shell)

    eval_ = commands.add_parser("eval", help="score the reader on a labelled file or corpus folder")
    eval_.add_argument("path", help="a corpus YAML file, or a folder of them (data/corpus/raw)")
    eval_.add_argument("--split", choices=("train", "dev", "test"), help="only rows of this split (folders only)")
    eval_.add_argument("--show-errors", type=int, default=0, metavar="N", help="print the first N rows read wrongly")
    eval_.set_defaults(handler=cmd_eval)

    train = commands.add_parser("train", help="retrain the reader's head from data/corpus (seeded, reproducible)")
    train.add_argument("--no-blind", action="store_true", help="don't print the blind test split's figures")
    train.set_defaults(handler=cmd_train)

    manifest = commands.add_parser("manifest", help="print the Slack app manifest")
    manifest.add_argument("--http", metavar="URL", help="fill in request URLs for HTTP mode instead of Socket Mode")
    manifest.set_defaults(handler=cmd_manifest)

    exercises = commands.add_parser("exercises", help="daily exercise tasks")
    exercise_commands = exercises.add_subparsers(dest="exercises_command", required=True, parser_class=_Parser)
    run_due = exercise_commands.add_parser("run-due", help="send the exercises due now (one tick), then exit")
    run_due.add_argument("--now", help="the instant to run at, ISO-8601 with an offset (default: now)")
    run_due.set_defaults(handler=cmd_exercises_run_due)

    db = commands.add_parser("db", help="database tasks")
    db_commands = db.add_subparsers(dest="db_command", required=True, parser_class=_Parser)
    db_commands.add_parser("upgrade", help="migrate the database to the latest schema").set_defaults(
        handler=cmd_db_upgrade
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    try:
        args = build_parser().parse_args(argv)
        return int(args.handler(args))
    except (SettingsError, LibraryError) as exc:
        print(f"heartful: {exc}", file=sys.stderr)
        return EXIT_USAGE
    except CliError as exc:
        print(f"heartful: {exc}", file=sys.stderr)
        return exc.code
    except KeyboardInterrupt:
        return 130
