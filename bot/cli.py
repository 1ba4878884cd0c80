"""The `heartful` command (also `python -m bot`): serve · shell · try · manifest · db upgrade."""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from pathlib import Path

from bot.coaching.library import LibraryError
from bot.settings import Settings, SettingsError, load_settings

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


def cmd_serve(args: argparse.Namespace) -> int:
    settings = load_settings()
    settings.require_slack()
    _configure_logging(settings)
    from bot.app import build_heartful, load_prompts

    library = load_prompts(settings)  # validate the prompt files before touching anything else
    _upgrade(settings)
    if settings.socket_mode:
        return asyncio.run(_serve_socket_mode(settings, library))

    from aiohttp import web

    heartful = build_heartful(settings, library=library)
    web_app = heartful.web_app()

    async def _close(_app: web.Application) -> None:
        await heartful.close()

    web_app.on_cleanup.append(_close)
    log.info("Heartful listening on http://%s:%d/slack/events", args.host, args.port)
    web.run_app(web_app, host=args.host, port=args.port, print=None, access_log=None)
    return 0


async def _serve_socket_mode(settings: Settings, library) -> int:  # type: ignore[no-untyped-def]
    from slack_bolt.adapter.socket_mode.aiohttp import AsyncSocketModeHandler

    from bot.app import build_heartful

    heartful = build_heartful(settings, library=library)
    handler = AsyncSocketModeHandler(heartful.bolt_app, settings.slack_app_token)
    log.info("Heartful connecting to Slack over Socket Mode")
    try:
        await handler.start_async()
    finally:
        await heartful.close()
    return 0


def cmd_try(args: argparse.Namespace) -> int:
    from bot.app import load_prompts
    from bot.coaching.detect import read_message
    from bot.coaching.guidance import compose_nudge
    from bot.slack.blocks import nudge_message

    text = " ".join(args.text).strip()
    if not text:
        raise CliError('give the message to read, e.g. heartful try "she wants to think it over"', EXIT_USAGE)
    library = load_prompts(load_settings())
    reading = read_message(text)
    lines: list[str] = []
    if reading.stall:
        lines.append(f"Stall: {reading.stall.kind} (\"{reading.stall.evidence}\")")
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
        lines.append("Heartful would record it and react with :memo:")
    if reading.stall:
        rendered = nudge_message(compose_nudge(library, reading.stall.kind))
        lines.append("Reply in the thread:")
        lines.extend("  " + line for line in rendered.text.splitlines())
    if reading.is_empty:
        lines.append("Nothing to coach here: no stall and no deal update. Heartful stays quiet.")
    print("\n".join(lines))
    return 0


def cmd_shell(args: argparse.Namespace) -> int:
    from bot.shell.repl import run_shell

    return run_shell(Path(args.db))


def cmd_manifest(args: argparse.Namespace) -> int:
    from bot.slack.manifest import build_manifest

    if args.http and not args.http.startswith(("http://", "https://")):
        raise CliError("--http takes the app's public base URL, e.g. https://heartful.example.com", EXIT_USAGE)
    print(json.dumps(build_manifest(http_base_url=args.http), indent=2))
    return 0


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
    serve.add_argument("--host", default="0.0.0.0")
    serve.set_defaults(handler=cmd_serve)

    try_ = commands.add_parser("try", help="show what the coach sees in a message and the reply it would post")
    try_.add_argument("text", nargs="+")
    try_.set_defaults(handler=cmd_try)

    shell = commands.add_parser("shell", help="a deal channel in the terminal: try Heartful without Slack")
    shell.add_argument("--db", default="heartful-shell.db", help="SQLite file for the shell (default: %(default)s)")
    shell.set_defaults(handler=cmd_shell)

    manifest = commands.add_parser("manifest", help="print the Slack app manifest")
    manifest.add_argument("--http", metavar="URL", help="fill in request URLs for HTTP mode instead of Socket Mode")
    manifest.set_defaults(handler=cmd_manifest)

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
