"""tests.fakes.slack_api.FakeSlackApi in its own process, so the fake's HTTP handling does not share a GIL (or a core
budget we cannot see) with the process being measured. time.monotonic() is CLOCK_MONOTONIC, system-wide on Linux, so
the fake's call times compare directly with the benchmark's.

    with FakeSlackProcess(fail_every={"chat.postMessage": 50}) as fake:
        fake.base_url            # pass as SLACK_API_URL / base_url
        fake.calls()             # [CallRecord(method, channel, thread_ts, users, timestamp, at, status)]
"""

from __future__ import annotations

import multiprocessing
import threading
import time
from dataclasses import dataclass
from typing import Any


@dataclass(frozen=True, slots=True)
class CallRecord:
    method: str
    channel: str | None  # chat.postMessage / reactions.add / conversations.info
    thread_ts: str | None  # chat.postMessage
    users: str | None  # conversations.open
    timestamp: str | None  # reactions.add
    at: float  # time.monotonic() when the request arrived at the fake
    status: int  # HTTP status answered (429 for an injected rate limit)
    ok: bool


def _record(call: Any) -> CallRecord:
    args = call.args
    users = args.get("users")
    if isinstance(users, list):
        users = ",".join(users)
    return CallRecord(method=call.method, channel=args.get("channel"), thread_ts=args.get("thread_ts"), users=users,
                      timestamp=args.get("timestamp"), at=call.at, status=call.status, ok=call.ok)


def _install_periodic_429(fake: Any, method: str, every: int, retry_after: int) -> None:
    """Every `every`-th call to `method` gets HTTP 429 + Retry-After. The fake answers a queued failure (fail_next)
    before it calls the custom responder, so the responder queues one after every (every-1) successful answers:
    calls every, 2*every, ... fail. The responder otherwise answers exactly as the fake's default does."""
    lock = threading.Lock()
    state = {"ok": 0}

    def responder(args: dict[str, Any]) -> dict[str, Any]:
        with lock:
            state["ok"] += 1
            if state["ok"] % (every - 1) == 0:
                fake.fail_next(method, status=429, retry_after=retry_after)
        if method == "chat.postMessage":
            ts = fake.next_ts()
            return {"ok": True, "channel": args.get("channel"), "ts": ts, "message": fake._message(args, ts)}
        raise NotImplementedError(method)

    fake.responses[method] = responder


def _serve(conn: Any, fail_every: dict[str, int], retry_after: int) -> None:
    from tests.fakes.slack_api import FakeSlackApi

    with FakeSlackApi() as fake:
        for method, every in fail_every.items():
            _install_periodic_429(fake, method, every, retry_after)
        conn.send(fake.base_url)
        while True:
            try:
                command = conn.recv()
            except EOFError:
                return
            if command == "calls":
                conn.send([_record(c) for c in fake.calls])
            elif command == "clear":
                fake.clear()
                conn.send(True)
            elif command == "stop":
                conn.send(True)
                return


class FakeSlackProcess:
    def __init__(self, *, fail_every: dict[str, int] | None = None, retry_after: int = 1) -> None:
        self._fail_every = dict(fail_every or {})
        self._retry_after = retry_after
        self._lock = threading.Lock()
        self.base_url = ""

    def start(self) -> "FakeSlackProcess":
        ctx = multiprocessing.get_context("spawn")
        self._conn, child = ctx.Pipe()
        self._process = ctx.Process(target=_serve, args=(child, self._fail_every, self._retry_after), daemon=True,
                                    name="FakeSlackApi")
        self._process.start()
        deadline = time.monotonic() + 30
        while not self._conn.poll(0.1):
            if not self._process.is_alive() or time.monotonic() > deadline:
                self._process.kill()
                raise RuntimeError("the fake Slack API process did not start (see its traceback above)")
        self.base_url = self._conn.recv()
        return self

    def _ask(self, command: str) -> Any:
        with self._lock:
            self._conn.send(command)
            return self._conn.recv()

    def calls(self, method: str | None = None) -> list[CallRecord]:
        calls: list[CallRecord] = self._ask("calls")
        return [c for c in calls if method is None or c.method == method]

    def clear(self) -> None:
        self._ask("clear")

    def stop(self) -> None:
        try:
            self._ask("stop")
        except (EOFError, BrokenPipeError, OSError):
            pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.terminate()
            self._process.join(timeout=5)

    @property
    def pid(self) -> int | None:
        return self._process.pid

    def __enter__(self) -> "FakeSlackProcess":
        return self.start()

    def __exit__(self, *exc: Any) -> None:
        self.stop()
