"""A fake Slack Web API server for end-to-end tests.

It serves real HTTP on ``127.0.0.1`` on a free port from a background thread
(``ThreadingHTTPServer``), so it works with any asyncio loop and with both the
sync ``WebClient`` and the ``AsyncWebClient`` of slack_sdk::

    with FakeSlackApi() as fake:
        client = AsyncWebClient(token="xoxb-test", base_url=fake.base_url)
        await client.chat_postMessage(channel="C123", text="hi")
        [call] = fake.calls_to("chat.postMessage")

slack_sdk sends every method as ``POST /api/<method>``. The token is sent in
``Authorization: Bearer ...``. The body is JSON for some methods and
form-urlencoded for others. Both are parsed, and so is the query string.

Response shapes come from the Slack fixtures in ``tests/fixtures/slack/webapi/responses``.
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from pathlib import Path
from typing import Any, Callable, Deque, Dict, List, Optional, Union
from urllib.parse import parse_qs, urlparse

from tests.fakes.threaded_server import ThreadedFakeServer

__all__ = [
    "Call",
    "FakeSlackApi",
    "fixtures_dir",
    "webapi_fixtures_dir",
    "load_webapi_response",
]

# ---------------------------------------------------------------------------
# Fixture loading
# ---------------------------------------------------------------------------

_REPO_ROOT = Path(__file__).resolve().parents[2]  # tests/fakes/slack_api.py -> <repo>


def fixtures_dir() -> Path:
    """The real Slack payload shapes the tests use, kept in the repository (tests/fixtures/slack, SOURCES.md there)."""
    return _REPO_ROOT / "tests" / "fixtures" / "slack"


def webapi_fixtures_dir() -> Path:
    return fixtures_dir() / "webapi"


def load_webapi_response(name: str) -> Dict[str, Any]:
    """Load ``webapi/responses/<name>.json`` (or a path relative to ``webapi/``, e.g. ``errors/ratelimited``)."""
    base = webapi_fixtures_dir()
    rel = name if name.endswith(".json") else f"{name}.json"
    path = base / rel if "/" in rel else base / "responses" / rel
    try:
        with path.open(encoding="utf-8") as f:
            return json.load(f)
    except FileNotFoundError as e:
        raise FileNotFoundError(f"Slack fixture not found: {path} (the fixtures live in tests/fixtures/slack)") from e


# ---------------------------------------------------------------------------
# Recorded calls
# ---------------------------------------------------------------------------


@dataclass
class Call:
    """One request received by the fake.

    ``args``: body (JSON or form) merged over the query string. Form values that
    appear once are plain strings. Form fields that slack_sdk JSON-encodes
    (``blocks``, ``attachments``, ``view``, ...) are decoded back to lists/dicts.
    ``headers``: request headers, names lower-cased.
    ``at``: ``time.monotonic()`` when the request arrived (before any ``delay``).
    ``status``: HTTP status that was (or will be, after a delay) answered.
    ``response``: the JSON body that was answered.
    """

    method: str
    args: Dict[str, Any]
    headers: Dict[str, str]
    at: float
    status: int
    response: Dict[str, Any] = field(default_factory=dict)

    @property
    def token(self) -> Optional[str]:
        auth = self.headers.get("authorization", "")
        if auth.lower().startswith("bearer "):
            return auth[7:]
        return self.args.get("token")

    @property
    def ok(self) -> bool:
        return self.status == 200 and bool(self.response.get("ok"))


@dataclass
class _Failure:
    status: int
    retry_after: Optional[int]
    error: str


# Form fields that slack_sdk serializes to JSON strings.
_JSON_FORM_FIELDS = {"blocks", "attachments", "view", "metadata", "unfurls", "user_auth_blocks", "users"}

Responder = Union[Dict[str, Any], Callable[[Dict[str, Any]], Dict[str, Any]]]


# ---------------------------------------------------------------------------
# The fake
# ---------------------------------------------------------------------------


class FakeSlackApi(ThreadedFakeServer):
    """Fake Slack Web API. See the module docstring.

    Mutable, thread-safe enough to change from a test while the server runs
    (plain dict assignments):

    * ``channel_names[channel_id] = "deal-acme"`` for ``conversations.info``
      (default name ``"deal-room"``).
    * ``users[user_id] = {...}`` merged over the default ``users.info`` user.
      A ``"profile"`` dict is merged into the default profile.
    * ``delay[method] = seconds`` to answer that method slowly.
    * ``responses[method] = dict | callable(args) -> dict`` to answer a method
      (any method, also unknown ones) with a custom JSON body (HTTP 200).
    """

    name = "FakeSlackApi"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._lock = threading.RLock()
        self._calls: List[Call] = []
        self._failures: Dict[str, Deque[_Failure]] = {}
        self._ts_counter = itertools.count(1)
        self._view_counter = itertools.count(1)

        self.channel_names: Dict[str, str] = {}
        self.users: Dict[str, Dict[str, Any]] = {}
        self.delay: Dict[str, float] = {}
        self.responses: Dict[str, Responder] = {}
        # What chat.postMessage posted, per channel, oldest first: conversations.history/replies read it back.
        self.messages: Dict[str, List[Dict[str, Any]]] = {}
        self._drops: Dict[str, int] = {}

        self._auth_test = load_webapi_response("auth.test.bot_token")
        self._fx = {
            name: load_webapi_response(name)
            for name in (
                "chat.postMessage",
                "chat.postEphemeral",
                "chat.update",
                "conversations.info",
                "conversations.open",
                "users.info",
                "views.open",
                "views.publish",
                "reactions.add",
            )
        }

    # -- identity of the bot (from auth.test.bot_token.json) ---------------

    @property
    def bot_id(self) -> str:
        return self._auth_test["bot_id"]

    @property
    def bot_user_id(self) -> str:
        return self._auth_test["user_id"]

    @property
    def team_id(self) -> str:
        return self._auth_test["team_id"]

    # -- lifecycle ----------------------------------------------------------

    def _make_handler(self) -> type:
        return _make_handler(self)

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/api/`` -- pass as ``WebClient(base_url=...)`` (trailing slash required)."""
        return f"{self.url}/api/"

    # -- recorded calls -----------------------------------------------------

    @property
    def calls(self) -> List[Call]:
        with self._lock:
            return list(self._calls)

    def calls_to(self, method: str) -> List[Call]:
        with self._lock:
            return [c for c in self._calls if c.method == method]

    def clear(self) -> None:
        """Forget recorded calls and pending failure injections (keeps users/channel_names/delay/responses)."""
        with self._lock:
            self._calls.clear()
            self._failures.clear()

    def _describe_calls(self) -> str:
        calls = self.calls
        if not calls:
            return "  (no calls received)"
        t0 = calls[0].at
        lines = []
        for i, c in enumerate(calls):
            args = json.dumps(c.args, default=str, sort_keys=True)
            if len(args) > 300:
                args = args[:297] + "..."
            lines.append(f"  #{i} +{c.at - t0:.3f}s {c.method} -> HTTP {c.status} {args}")
        return "\n".join(lines)

    def _wait_message(self, method: str, count: int, timeout: float) -> str:
        got = len(self.calls_to(method))
        return (
            f"FakeSlackApi: expected at least {count} call(s) to {method!r} within {timeout}s, "
            f"got {got}. Received calls:\n{self._describe_calls()}"
        )

    def wait_for(self, method: str, count: int = 1, timeout: float = 5.0) -> List[Call]:
        """Block until ``count`` calls to ``method`` were received; return them all (oldest first).

        Raises ``AssertionError`` listing every received call on timeout.
        Do not call it from a coroutine running on the loop that must make the call -- use ``await_for``.
        """
        deadline = time.monotonic() + timeout
        while True:
            got = self.calls_to(method)
            if len(got) >= count:
                return got
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_message(method, count, timeout))
            time.sleep(0.01)

    async def await_for(self, method: str, count: int = 1, timeout: float = 5.0) -> List[Call]:
        """Like ``wait_for`` but polls with ``asyncio.sleep`` so the event loop keeps running."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.calls_to(method)
            if len(got) >= count:
                return got
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_message(method, count, timeout))
            await asyncio.sleep(0.01)

    # -- failure injection --------------------------------------------------

    def fail_next(
        self,
        method: str,
        *,
        status: int = 429,
        retry_after: Optional[int] = 1,
        error: str = "ratelimited",
        times: int = 1,
    ) -> None:
        """Make the next ``times`` calls to ``method`` fail.

        ``status=429`` answers HTTP 429 with ``Retry-After: <retry_after>`` (omitted if None)
        and ``{"ok": false, "error": error}``. Any other status answers that status with
        ``{"ok": false, "error": error}``, e.g. ``fail_next("users.info", status=200, error="user_not_found")``.
        Several ``fail_next`` calls for one method queue up in order.
        """
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            q = self._failures.setdefault(method, deque())
            for _ in range(times):
                q.append(_Failure(status=status, retry_after=retry_after, error=error))

    def drop_next(self, method: str, *, times: int = 1) -> None:
        """Handle the next ``times`` calls to ``method`` (a post is posted) and then close the connection without
        an answer: the client sees a disconnect and cannot know whether the call took effect."""
        with self._lock:
            self._drops[method] = self._drops.get(method, 0) + times

    def _pop_drop(self, method: str) -> bool:
        with self._lock:
            if self._drops.get(method):
                self._drops[method] -= 1
                return True
            return False

    def posted(self, channel: str) -> List[Dict[str, Any]]:
        """The messages chat.postMessage posted in ``channel`` (successful calls only), oldest first."""
        with self._lock:
            return [copy.deepcopy(m) for m in self.messages.get(channel, [])]

    def _pop_failure(self, method: str) -> Optional[_Failure]:
        with self._lock:
            q = self._failures.get(method)
            if q:
                return q.popleft()
            return None

    # -- response building ----------------------------------------------------

    def next_ts(self) -> str:
        """A fresh unique message ts: 1700000000.000100, 1700000000.000200, ..."""
        n = next(self._ts_counter)
        micros = 1_700_000_000_000_000 + 100 * n
        return f"{micros // 1_000_000}.{micros % 1_000_000:06d}"

    def _default_user(self, user_id: str) -> Dict[str, Any]:
        user = copy.deepcopy(self._fx["users.info"]["user"])
        name = f"user.{user_id.lower()}"
        real_name = f"User {user_id}"
        user.update(
            {
                "id": user_id,
                "team_id": self.team_id,
                "name": name,
                "real_name": real_name,
                "tz": "America/New_York",
                "tz_label": "Eastern Standard Time",
                "tz_offset": -18000,
                "is_admin": False,
            }
        )
        user["profile"].update(
            {
                "real_name": real_name,
                "real_name_normalized": real_name,
                "display_name": name,
                "display_name_normalized": name,
                "email": f"{user_id.lower()}@example.com",
                "team": self.team_id,
            }
        )
        override = copy.deepcopy(self.users.get(user_id) or {})
        profile_override = override.pop("profile", None) or {}
        user.update(override)
        if "real_name" in override and "real_name" not in profile_override:
            profile_override["real_name"] = override["real_name"]
            profile_override.setdefault("real_name_normalized", override["real_name"])
        if "name" in override and "display_name" not in profile_override:
            profile_override["display_name"] = override["name"]
            profile_override.setdefault("display_name_normalized", override["name"])
        user["profile"].update(profile_override)
        return user

    def _channel(self, channel_id: str) -> Dict[str, Any]:
        channel = copy.deepcopy(self._fx["conversations.info"]["channel"])
        name = self.channel_names.get(channel_id, "deal-room")
        channel.update(
            {
                "id": channel_id,
                "name": name,
                "name_normalized": name,
                "is_general": False,
                "previous_names": [],
                "creator": self.bot_user_id,
            }
        )
        if channel_id.startswith("D"):
            channel.update({"is_im": True, "is_channel": False, "is_private": True})
        elif channel_id.startswith("G"):
            channel.update({"is_private": True, "is_group": True, "is_channel": False})
        return channel

    def _message(self, args: Dict[str, Any], ts: str) -> Dict[str, Any]:
        msg: Dict[str, Any] = {
            "type": "message",
            "user": self.bot_user_id,
            "bot_id": self.bot_id,
            "team": self.team_id,
            "text": args.get("text", ""),
            "ts": ts,
        }
        for key in ("blocks", "attachments", "thread_ts", "metadata"):
            if args.get(key) is not None:
                msg[key] = args[key]
        return msg

    def _history(self, method: str, args: Dict[str, Any]) -> Dict[str, Any]:
        """Like Slack: replies are a thread (its parent first, then replies, oldest first); history is the channel,
        newest first; ``metadata`` only with ``include_all_metadata``. No pagination (one page of everything)."""
        channel = str(args.get("channel") or "")
        with_metadata = str(args.get("include_all_metadata", "")).lower() in ("1", "true")
        with self._lock:
            posted = copy.deepcopy(self.messages.get(channel, []))
        if method == "conversations.replies":
            thread = str(args.get("ts") or "")
            found = [m for m in posted if m.get("thread_ts") == thread or m["ts"] == thread]
        else:
            found = list(reversed(posted))
        if not with_metadata:
            for message in found:
                message.pop("metadata", None)
        return {"ok": True, "messages": found, "has_more": False}

    def _view(self, method: str, args: Dict[str, Any]) -> Dict[str, Any]:
        view = copy.deepcopy(self._fx[method]["view"])
        requested = args.get("view") or {}
        if isinstance(requested, str):
            try:
                requested = json.loads(requested)
            except ValueError:
                requested = {}
        view_id = f"V{next(self._view_counter):010d}"
        view.update(
            {
                "id": view_id,
                "root_view_id": view_id,
                "team_id": self.team_id,
                "bot_id": self.bot_id,
                "blocks": [],
                "callback_id": "",
                "private_metadata": "",
            }
        )
        if isinstance(requested, dict):
            view.update(requested)
        return view

    def _answer(self, method: str, args: Dict[str, Any]) -> Dict[str, Any]:
        custom = self.responses.get(method)
        if custom is not None:
            body = custom(args) if callable(custom) else custom
            return copy.deepcopy(body)

        if method == "auth.test":
            return copy.deepcopy(self._auth_test)
        if method == "chat.postMessage":
            ts = self.next_ts()
            message = self._message(args, ts)
            with self._lock:
                self.messages.setdefault(str(args.get("channel")), []).append(message)
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": message}
        if method == "chat.postEphemeral":
            return {"ok": True, "message_ts": self.next_ts()}
        if method == "chat.update":
            ts = args.get("ts") or self.next_ts()
            return {
                "ok": True,
                "channel": args.get("channel"),
                "ts": ts,
                "text": args.get("text", ""),
                "message": self._message(args, ts),
            }
        if method == "reactions.add":
            return {"ok": True}
        if method == "conversations.info":
            channel_id = args.get("channel") or ""
            return {"ok": True, "channel": self._channel(channel_id)}
        if method == "conversations.open":
            users = args.get("users") or ""
            if isinstance(users, list):
                users = ",".join(users)
            first = users.split(",")[0] if users else ""
            channel_id = args.get("channel") or f"D{first}"
            return {"ok": True, "channel": {"id": channel_id}}
        if method == "users.info":
            return {"ok": True, "user": self._default_user(args.get("user") or "")}
        if method in ("views.open", "views.publish"):
            return {"ok": True, "view": self._view(method, args)}
        if method in ("conversations.replies", "conversations.history"):
            return self._history(method, args)
        return {"ok": False, "error": "unknown_method"}

    def _handle(self, method: str, args: Dict[str, Any], headers: Dict[str, str]) -> tuple:
        """Return (status, extra_headers, body) and record the call."""
        at = time.monotonic()
        failure = self._pop_failure(method)
        extra: Dict[str, str] = {}
        if failure is not None:
            status = failure.status
            body = {"ok": False, "error": failure.error}
            if status == 429 and failure.retry_after is not None:
                extra["Retry-After"] = str(failure.retry_after)
        else:
            status = 200
            try:
                body = self._answer(method, args)
            except Exception as e:  # a broken custom responder must not hang the client
                status = 500
                body = {"ok": False, "error": "fatal_error", "detail": repr(e)}
        if method == "auth.test" and status == 200:
            extra["x-oauth-scopes"] = "chat:write,commands"
        with self._lock:
            self._calls.append(
                Call(method=method, args=args, headers=headers, at=at, status=status, response=copy.deepcopy(body))
            )
        return status, extra, body


# ---------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------


def _parse_form(text: str) -> Dict[str, Any]:
    out: Dict[str, Any] = {}
    for k, values in parse_qs(text, keep_blank_values=True).items():
        out[k] = values[0] if len(values) == 1 else values
    for k in _JSON_FORM_FIELDS & out.keys():
        v = out[k]
        if isinstance(v, str) and v[:1] in ("[", "{"):
            try:
                out[k] = json.loads(v)
            except ValueError:
                pass
    return out


def _make_handler(fake: FakeSlackApi) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeSlackApi/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr access log
            pass

        def _read_args(self, parsed) -> Dict[str, Any]:
            args: Dict[str, Any] = _parse_form(parsed.query) if parsed.query else {}
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            if raw:
                text = raw.decode("utf-8", errors="replace")
                ctype = (self.headers.get("Content-Type") or "").lower()
                if "json" in ctype or text.lstrip().startswith("{"):
                    try:
                        data = json.loads(text)
                    except ValueError:
                        data = {"_raw_body": text}
                    if isinstance(data, dict):
                        args.update(data)
                    else:
                        args["_json_body"] = data
                else:
                    args.update(_parse_form(text))
            return args

        def _handle(self) -> None:
            parsed = urlparse(self.path)
            path = parsed.path
            method = path[len("/api/"):] if path.startswith("/api/") else path.lstrip("/")
            args = self._read_args(parsed)
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, body = fake._handle(method, args, headers)
            if fake._pop_drop(method):
                self.close_connection = True
                try:
                    self.connection.shutdown(2)  # handled, but no answer: the client sees a disconnect
                except OSError:
                    pass
                return

            delay = fake.delay.get(method)
            if delay:
                time.sleep(delay)

            payload = json.dumps(body).encode("utf-8")
            self.send_response(status)
            self.send_header("Content-Type", "application/json; charset=utf-8")
            self.send_header("Content-Length", str(len(payload)))
            for k, v in extra.items():
                self.send_header(k, v)
            # One request per connection: no idle keep-alive sockets to block shutdown.
            self.send_header("Connection", "close")
            self.end_headers()
            try:
                self.wfile.write(payload)
                self.wfile.flush()
            except (BrokenPipeError, ConnectionResetError):
                pass
            self.close_connection = True

        def do_POST(self) -> None:
            self._handle()

        def do_GET(self) -> None:
            self._handle()

    return Handler
