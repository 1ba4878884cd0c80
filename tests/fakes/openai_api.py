"""A fake OpenAI-compatible Chat Completions server for end-to-end tests.

Like ``tests/fakes/slack_api.py`` it serves real HTTP on ``127.0.0.1`` on a
free port from a background thread (``ThreadingHTTPServer``), so the real
``openai`` client can talk to it from any event loop::

    with FakeOpenAI() as fake:
        fake.reply_json({"kind": "praise"}, prompt_tokens=100, completion_tokens=20)
        client = openai.AsyncOpenAI(base_url=fake.base_url, api_key="sk-test", max_retries=0)
        completion = await client.chat.completions.create(model="gpt-4o-mini", messages=[...])
        [request] = fake.requests
        assert "alice@example.com" not in request.text

Behaviour is a queue of scripted answers, consumed one per request, in order:

* ``reply_json(obj)``  -- HTTP 200, ``message.content = json.dumps(obj)``.
* ``reply_text(s)``    -- HTTP 200, ``message.content = s`` (e.g. malformed JSON).
* ``refuse(msg)``      -- HTTP 200, ``message.refusal = msg``, ``content = None``.
* ``fail(status)``     -- that status with an OpenAI-style error body
  (``{"error": {"message", "type", "param", "code"}}``); ``retry_after`` adds
  a ``Retry-After`` header (seconds, floats allowed -- the openai client honours them).

When the queue is empty, ``default`` answers: a dict (answered like
``reply_json``), a string (like ``reply_text``), or a callable taking the request
body and returning one of those. ``default = None`` (the initial value) answers
HTTP 500, so an unexpected call fails loudly.

``delay(seconds)`` queues a delay *separately* from the answers: each request
takes at most one delay and one answer, so the next request is answered
``seconds`` late whatever its answer is (scripted or default). To delay only
the second request, queue ``delay(0)`` first. A delayed handler does not block
other requests, and ``stop()`` cuts every sleep short and drops the connection
without answering.

Each request is recorded (``requests``) when it arrives, before any delay,
with the status it is (going to be) answered with. Requests that do not reach
the completions route are answered 404 and recorded too; they do not consume
the queue. ``stream=True`` is not supported (answered 400).
"""

from __future__ import annotations

import asyncio
import copy
import itertools
import json
import socket
import threading
import time
from collections import deque
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler
from typing import Any, Callable, Deque, Dict, List, Optional, Set, Tuple, Union
from urllib.parse import urlparse

from tests.fakes.threaded_server import ThreadedFakeServer

__all__ = ["ChatRequest", "FakeOpenAI", "COMPLETIONS_PATHS"]

COMPLETIONS_PATHS = ("/v1/chat/completions", "/chat/completions")

DefaultAnswer = Union[Dict[str, Any], str, Callable[[Dict[str, Any]], Union[Dict[str, Any], str]], None]


# ---------------------------------------------------------------------------
# Recorded requests
# ---------------------------------------------------------------------------


@dataclass
class ChatRequest:
    """One request received by the fake.

    ``body``: the parsed JSON request (``model``, ``messages``, ``response_format``,
    ``max_tokens``/``max_completion_tokens``, ...). ``{"_raw_body": text}`` if it was not JSON.
    ``headers``: request headers, names lower-cased.
    ``at``: ``time.monotonic()`` when the request arrived (before any delay).
    ``status``: the HTTP status that was (or, after a delay, will be) answered.
    ``response``: the JSON body that was (or will be) answered.
    ``path``: the request path, e.g. ``/v1/chat/completions``.
    """

    body: Dict[str, Any]
    headers: Dict[str, str]
    at: float
    status: int
    response: Dict[str, Any] = field(default_factory=dict)
    path: str = "/v1/chat/completions"

    @property
    def messages(self) -> List[Dict[str, Any]]:
        msgs = self.body.get("messages")
        return list(msgs) if isinstance(msgs, list) else []

    @property
    def text(self) -> str:
        """All message contents joined with ``"\\n"`` (text parts of list contents included)."""
        return "\n".join(_content_text(m.get("content")) for m in self.messages if isinstance(m, dict)
                         and m.get("content") is not None)

    @property
    def model(self) -> Optional[str]:
        return self.body.get("model")

    @property
    def api_key(self) -> Optional[str]:
        auth = self.headers.get("authorization", "")
        return auth[7:] if auth.lower().startswith("bearer ") else None


def _content_text(content: Any) -> str:
    if isinstance(content, str):
        return content
    if isinstance(content, list):
        parts = []
        for part in content:
            if isinstance(part, str):
                parts.append(part)
            elif isinstance(part, dict) and isinstance(part.get("text"), str):
                parts.append(part["text"])
        return "\n".join(parts)
    return "" if content is None else str(content)


# ---------------------------------------------------------------------------
# Scripted answers
# ---------------------------------------------------------------------------


@dataclass
class _Reply:
    content: Optional[str]
    refusal: Optional[str] = None
    prompt_tokens: int = 120
    completion_tokens: int = 60
    finish_reason: str = "stop"


@dataclass
class _Failure:
    status: int
    retry_after: Optional[float] = None
    message: Optional[str] = None
    code: Optional[str] = None


_Answer = Union[_Reply, _Failure]

_ERROR_KINDS: Dict[int, Tuple[str, Optional[str], str]] = {
    # status: (type, code, default message)
    400: ("invalid_request_error", None, "Bad request."),
    401: ("invalid_request_error", "invalid_api_key", "Incorrect API key provided."),
    403: ("invalid_request_error", "unsupported_country_region_territory", "Forbidden."),
    404: ("invalid_request_error", None, "Not found."),
    409: ("invalid_request_error", None, "Conflict."),
    422: ("invalid_request_error", None, "Unprocessable entity."),
    429: ("requests", "rate_limit_exceeded", "Rate limit reached for requests. Please try again later."),
    500: ("server_error", None, "The server had an error while processing your request."),
    502: ("server_error", None, "Bad gateway."),
    503: ("server_error", None, "The engine is currently overloaded, please try again later."),
}


def _error_body(status: int, message: Optional[str] = None, code: Optional[str] = None) -> Dict[str, Any]:
    kind, default_code, default_message = _ERROR_KINDS.get(
        status, ("server_error" if status >= 500 else "invalid_request_error", None, f"HTTP {status}.")
    )
    return {
        "error": {
            "message": message or default_message,
            "type": kind,
            "param": None,
            "code": code if code is not None else default_code,
        }
    }


def _format_seconds(seconds: float) -> str:
    return str(int(seconds)) if float(seconds).is_integer() else repr(float(seconds))


# ---------------------------------------------------------------------------
# The fake
# ---------------------------------------------------------------------------


class FakeOpenAI(ThreadedFakeServer):
    """Fake OpenAI Chat Completions API. See the module docstring."""

    name = "FakeOpenAI"

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        super().__init__(host, port)
        self._lock = threading.RLock()
        self._requests: List[ChatRequest] = []
        self._answers: Deque[_Answer] = deque()
        self._delays: Deque[float] = deque()
        self._ids = itertools.count(1)
        self._stopping = threading.Event()
        self._connections: Set[socket.socket] = set()
        self.default: DefaultAnswer = None

    # -- lifecycle ----------------------------------------------------------

    def _make_handler(self) -> type:
        self._stopping = threading.Event()  # handlers capture the event of their own run
        return _make_handler(self, self._stopping)

    def _before_shutdown(self) -> None:
        self._stopping.set()  # wake every delayed handler; they drop their connection

    def _after_shutdown(self) -> None:
        with self._lock:
            conns = list(self._connections)
            self._connections.clear()
        for conn in conns:
            try:
                conn.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

    @property
    def base_url(self) -> str:
        """``http://127.0.0.1:PORT/v1`` -- pass as ``AsyncOpenAI(base_url=...)``."""
        return f"{self.url}/v1"

    # -- scripting ------------------------------------------------------------

    def _enqueue(self, answer: _Answer, times: int) -> None:
        if times < 1:
            raise ValueError("times must be >= 1")
        with self._lock:
            for _ in range(times):
                self._answers.append(copy.deepcopy(answer))

    def reply_json(self, obj: Dict[str, Any], *, prompt_tokens: int = 120, completion_tokens: int = 60,
                   finish_reason: str = "stop", times: int = 1) -> None:
        """Answer 200 with ``message.content = json.dumps(obj)``."""
        self._enqueue(_Reply(json.dumps(obj), None, prompt_tokens, completion_tokens, finish_reason), times)

    def reply_text(self, content: str, *, prompt_tokens: int = 120, completion_tokens: int = 60,
                   finish_reason: str = "stop", times: int = 1) -> None:
        """Answer 200 with ``message.content = content`` as is (e.g. malformed JSON ``"{kind: "``)."""
        self._enqueue(_Reply(content, None, prompt_tokens, completion_tokens, finish_reason), times)

    def refuse(self, message: str = "I can't help with that.", *, prompt_tokens: int = 120,
               completion_tokens: int = 10, times: int = 1) -> None:
        """Answer 200 with ``message.refusal = message`` and ``content = None``."""
        self._enqueue(_Reply(None, message, prompt_tokens, completion_tokens, "stop"), times)

    def fail(self, status: int, *, retry_after: Optional[float] = None, message: Optional[str] = None,
             code: Optional[str] = None, times: int = 1) -> None:
        """Answer ``status`` with an OpenAI-style error body; ``retry_after`` (seconds) adds ``Retry-After``."""
        self._enqueue(_Failure(status, retry_after, message, code), times)

    def delay(self, seconds: float, *, times: int = 1) -> None:
        """Answer the next ``times`` requests ``seconds`` late (whatever their answer). Queued apart from answers."""
        if times < 1:
            raise ValueError("times must be >= 1")
        if seconds < 0:
            raise ValueError("seconds must be >= 0")
        with self._lock:
            self._delays.extend([float(seconds)] * times)

    @property
    def pending(self) -> int:
        """How many scripted answers are still queued."""
        with self._lock:
            return len(self._answers)

    # -- recorded requests ----------------------------------------------------

    @property
    def requests(self) -> List[ChatRequest]:
        with self._lock:
            return list(self._requests)

    def clear(self) -> None:
        """Forget recorded requests, queued answers and queued delays (keeps ``default``)."""
        with self._lock:
            self._requests.clear()
            self._answers.clear()
            self._delays.clear()

    def _describe_requests(self) -> str:
        reqs = self.requests
        if not reqs:
            return "  (no requests received)"
        t0 = reqs[0].at
        lines = []
        for i, r in enumerate(reqs):
            text = r.text.replace("\n", " | ")
            if len(text) > 200:
                text = text[:197] + "..."
            lines.append(f"  #{i} +{r.at - t0:.3f}s {r.path} model={r.model!r} -> HTTP {r.status} {text!r}")
        return "\n".join(lines)

    def _wait_message(self, count: int, timeout: float) -> str:
        return (
            f"FakeOpenAI: expected at least {count} request(s) within {timeout}s, got "
            f"{len(self.requests)}. Received requests:\n{self._describe_requests()}"
        )

    def wait_for(self, count: int = 1, timeout: float = 5.0) -> List[ChatRequest]:
        """Block until ``count`` requests were received; return them all. ``AssertionError`` on timeout.

        Do not call it from a coroutine on the loop that must send the request -- use ``await_for``.
        """
        deadline = time.monotonic() + timeout
        while True:
            got = self.requests
            if len(got) >= count:
                return got
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_message(count, timeout))
            time.sleep(0.01)

    async def await_for(self, count: int = 1, timeout: float = 5.0) -> List[ChatRequest]:
        """Like ``wait_for`` but polls with ``asyncio.sleep`` so the event loop keeps running."""
        deadline = time.monotonic() + timeout
        while True:
            got = self.requests
            if len(got) >= count:
                return got
            if time.monotonic() >= deadline:
                raise AssertionError(self._wait_message(count, timeout))
            await asyncio.sleep(0.01)

    # -- answering --------------------------------------------------------------

    def _completion(self, body: Dict[str, Any], reply: _Reply) -> Dict[str, Any]:
        n = next(self._ids)
        return {
            "id": f"chatcmpl-fake{n:06d}",
            "object": "chat.completion",
            "created": int(time.time()),
            "model": body.get("model") or "gpt-fake",
            "choices": [
                {
                    "index": 0,
                    "message": {"role": "assistant", "content": reply.content, "refusal": reply.refusal},
                    "finish_reason": reply.finish_reason,
                    "logprobs": None,
                }
            ],
            "usage": {
                "prompt_tokens": reply.prompt_tokens,
                "completion_tokens": reply.completion_tokens,
                "total_tokens": reply.prompt_tokens + reply.completion_tokens,
            },
            "system_fingerprint": "fp_fake",
        }

    def _default_answer(self, body: Dict[str, Any]) -> _Answer:
        default = self.default
        if default is None:
            return _Failure(500, message="FakeOpenAI: no scripted answer left and no default set.")
        try:
            value = default(body) if callable(default) else copy.deepcopy(default)
        except Exception as e:  # a broken responder must not hang the client
            return _Failure(500, message=f"FakeOpenAI: default responder raised {e!r}")
        if isinstance(value, str):
            return _Reply(value)
        return _Reply(json.dumps(value))

    def _handle(self, path: str, body: Dict[str, Any], headers: Dict[str, str],
                method: str) -> Tuple[int, Dict[str, str], Dict[str, Any], float]:
        """Return (status, extra_headers, json_body, delay_seconds) and record the request."""
        at = time.monotonic()
        extra: Dict[str, str] = {}
        delay = 0.0
        if method != "POST" or path.rstrip("/") not in COMPLETIONS_PATHS:
            status, response = 404, _error_body(404, f"Invalid URL ({method} {path})")
        elif "_raw_body" in body:
            status, response = 400, _error_body(400, "We could not parse the JSON body of your request.")
        elif body.get("stream"):
            status, response = 400, _error_body(400, "FakeOpenAI does not support stream=True.")
        else:
            with self._lock:
                answer = self._answers.popleft() if self._answers else None
                delay = self._delays.popleft() if self._delays else 0.0
            if answer is None:
                answer = self._default_answer(body)
            if isinstance(answer, _Failure):
                status, response = answer.status, _error_body(answer.status, answer.message, answer.code)
                if answer.retry_after is not None:
                    extra["Retry-After"] = _format_seconds(answer.retry_after)
            else:
                status, response = 200, self._completion(body, answer)
        extra["x-request-id"] = f"req_fake{next(self._ids):06d}"
        with self._lock:
            self._requests.append(
                ChatRequest(body=body, headers=headers, at=at, status=status,
                            response=copy.deepcopy(response), path=path)
            )
        return status, extra, response, delay

    def _track(self, conn: socket.socket, add: bool) -> None:
        with self._lock:
            if add:
                self._connections.add(conn)
            else:
                self._connections.discard(conn)


# ---------------------------------------------------------------------------
# HTTP plumbing
# ---------------------------------------------------------------------------


def _make_handler(fake: FakeOpenAI, stopping: threading.Event) -> type:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"
        server_version = "FakeOpenAI/1.0"

        def log_message(self, format: str, *args: Any) -> None:  # silence stderr access log
            pass

        def setup(self) -> None:
            super().setup()
            fake._track(self.connection, True)

        def finish(self) -> None:
            try:
                super().finish()
            except OSError:
                pass
            finally:
                fake._track(self.connection, False)

        def _read_body(self) -> Dict[str, Any]:
            length = int(self.headers.get("Content-Length") or 0)
            raw = self.rfile.read(length) if length > 0 else b""
            if not raw:
                return {}
            text = raw.decode("utf-8", errors="replace")
            try:
                data = json.loads(text)
            except ValueError:
                return {"_raw_body": text}
            return data if isinstance(data, dict) else {"_raw_body": text}

        def _handle(self, method: str) -> None:
            self.close_connection = True  # one request per connection: nothing idle to block shutdown
            path = urlparse(self.path).path
            body = self._read_body()
            headers = {k.lower(): v for k, v in self.headers.items()}
            status, extra, response, delay = fake._handle(path, body, headers, method)

            if delay > 0 and stopping.wait(delay):
                return  # stopped while sleeping: drop the connection without answering
            if stopping.is_set():
                return

            payload = json.dumps(response).encode("utf-8")
            try:
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                for k, v in extra.items():
                    self.send_header(k, v)
                self.send_header("Connection", "close")
                self.end_headers()
                self.wfile.write(payload)
                self.wfile.flush()
            except OSError:  # client gave up (e.g. timed out) or stop() closed the socket
                pass

        def do_POST(self) -> None:
            self._handle("POST")

        def do_GET(self) -> None:
            self._handle("GET")

        def do_PUT(self) -> None:
            self._handle("PUT")

        def do_DELETE(self) -> None:
            self._handle("DELETE")

    return Handler
