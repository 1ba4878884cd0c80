"""Open-loop Slack event load for bench.bolt_compare: the 90/5/5 mix, its signed sender, and a step's results."""

from __future__ import annotations

import asyncio
import random
import time
from dataclasses import dataclass, field

import aiohttp

from bench._util import percentile
from bench.ack_latency import CHANNELS, USERS
from bench.chatter import COMPANIES, PEOPLE, chatter_lines
from bench.serve_load import TEAM
from tests.slack_requests import channel_message_event, json_body, slack_signature_headers

STALL_TEMPLATES = [
    "{person} at {company} wants to think it over",
    "{person} at {company} said they need to think about it before signing",
    "{company} wants to wait until next quarter",
    "{person} at {company} says the budget is frozen until Q2",
    "{person} at {company} needs to run it by their boss first",
]
UPDATE_TEMPLATES = ["{company} moved to {stage}, ${k}k", "{company} is now in {stage} at ${k}k",
                    "Moved {company} to {stage}, ${k}k"]
STAGES = ["Discovery", "Proposal", "Negotiation"]
MARK = {"chatter": "C", "stall": "S", "update": "U"}  # the event id's last letter: the bare app answers S and U
RETRY_DELAYS_S = (1.0, 5.0, 10.0)  # Slack retries after ~1 min and ~5 min; compressed for a benchmark
SLACK_TIMEOUT_S = 3.0
KEPT_UP_S = 0.5
ACK_LIMIT_MS = 100.0


@dataclass(slots=True)
class Rec:
    kind: str
    ts: str
    text: str
    scheduled: float = 0.0
    started: float = 0.0
    latency: float | None = None  # first attempt, seconds
    status: int = 0  # first attempt; 0 = no answer (timeout, connection error)
    final: int = 0  # after Slack-like retries
    retries: int = 0

    @property
    def acked_at(self) -> float:
        return self.started + (self.latency or 0.0)


class Mix:
    """The 90/5/5 mix, generated as it is sent (a 5-minute overload is too many bodies to hold)."""

    def __init__(self, seed: int, run: str) -> None:
        self.rng = random.Random(seed)
        self.chatter = [t for _, t in chatter_lines(20_000, seed=seed)]
        self.run = run
        self.base = int(time.time())
        self.n = 0
        self.block: list[str] = []

    def next(self) -> tuple[Rec, bytes]:
        if not self.block:
            self.block = ["stall", "update"] + ["chatter"] * 18
            self.rng.shuffle(self.block)
        kind = self.block.pop()
        i, self.n = self.n, self.n + 1
        rng = self.rng
        if kind == "stall":
            text = rng.choice(STALL_TEMPLATES).format(person=rng.choice(PEOPLE[:8]), company=rng.choice(COMPANIES[:8]))
        elif kind == "update":
            text = rng.choice(UPDATE_TEMPLATES).format(company=rng.choice(COMPANIES[:8]), stage=rng.choice(STAGES),
                                                       k=rng.randint(10, 250))
        else:
            text = self.chatter[i % len(self.chatter)]
        ts = f"{self.base + i // 1_000_000}.{i % 1_000_000:06d}"
        payload = channel_message_event(text, channel=rng.choice(CHANNELS), user=rng.choice(USERS), ts=ts,
                                        event_id=f"Ev{self.run}{i:08d}{MARK[kind]}", team_id=TEAM)
        return Rec(kind=kind, ts=ts, text=text if kind == "stall" else ""), json_body(payload)


class Loader:
    def __init__(self, url: str) -> None:
        self.url = url + "/slack/events"
        self.session = aiohttp.ClientSession(connector=aiohttp.TCPConnector(limit=512),
                                             timeout=aiohttp.ClientTimeout(total=SLACK_TIMEOUT_S))

    async def _attempt(self, body: bytes, retry: int) -> int:
        headers = {"Content-Type": "application/json", **slack_signature_headers(body)}
        if retry:
            headers.update({"X-Slack-Retry-Num": str(retry), "X-Slack-Retry-Reason": "http_timeout"})
        try:
            async with self.session.post(self.url, data=body, headers=headers) as response:
                await response.read()
                return response.status
        except (aiohttp.ClientError, asyncio.TimeoutError, OSError):
            return 0

    async def post(self, rec: Rec, body: bytes) -> None:
        rec.started = time.monotonic()
        started = time.perf_counter()
        rec.status = rec.final = await self._attempt(body, 0)
        rec.latency = time.perf_counter() - started
        while rec.final != 200 and rec.retries < len(RETRY_DELAYS_S):
            await asyncio.sleep(RETRY_DELAYS_S[rec.retries])
            rec.retries += 1
            rec.final = await self._attempt(body, rec.retries)

    async def open_loop(self, mix: Mix, rate: float, seconds: float) -> tuple[list[Rec], float, float]:
        """Send rate*seconds events on schedule; (records, t0, time the last one left). Waits for every answer
        (and retry)."""
        count = max(1, int(rate * seconds))
        records: list[Rec] = []
        pending: set[asyncio.Task[None]] = set()
        t0 = time.monotonic() + 0.05
        i = 0
        while i < count:
            now = time.monotonic()
            due = min(count, int((now - t0) * rate) + 1) if now >= t0 else 0
            while i < due:
                rec, body = mix.next()
                rec.scheduled = t0 + i / rate
                records.append(rec)
                task = asyncio.create_task(self.post(rec, body))
                pending.add(task)
                task.add_done_callback(pending.discard)
                i += 1
            if i < count:
                await asyncio.sleep(max(0.0, t0 + i / rate - time.monotonic()))
        last_sent = time.monotonic()
        while pending:
            await asyncio.wait(set(pending))
        return records, t0, last_sent

    async def close(self) -> None:
        await self.session.close()


@dataclass
class Step:
    app: str
    label: str
    rate: float
    records: list[Rec]
    t0: float
    last_sent: float
    done_at: float | None = None  # when the app was done with every event of the step
    handling: list[float] = field(default_factory=list)  # stall/update POST -> last reply call, seconds
    answered: int = 0
    expected: int = 0
    app_cpu: float = 0.0
    gen_cpu: float = 0.0
    fake_cpu: float = 0.0
    wall: float = 0.0
    depth_known: bool = True

    @property
    def last_scheduled(self) -> float:
        return self.records[-1].scheduled

    @property
    def achieved(self) -> float:
        span = self.records[-1].started - self.records[0].started
        return (len(self.records) - 1) / span if span > 0 else float("nan")

    @property
    def lag(self) -> float | None:
        return None if self.done_at is None else max(0.0, self.done_at - self.last_scheduled)

    @property
    def kept_up(self) -> bool:
        return self.lag is not None and self.lag <= KEPT_UP_S

    @property
    def throughput(self) -> float | None:
        return None if self.done_at is None else len(self.records) / (self.done_at - self.t0)

    def ack_ms(self, p: float, kind: str | None = None) -> float:
        values = [(r.latency if r.status == 200 else float("inf")) for r in self.records
                  if kind is None or r.kind == kind]
        return percentile(values, p) * 1000 if values else float("nan")

    @property
    def non_200(self) -> int:
        return sum(1 for r in self.records if r.status != 200)

    @property
    def lost(self) -> int:
        return sum(1 for r in self.records if r.final != 200)


def ms_of(values: list[float], p: float) -> float:
    return percentile(values, p) * 1000 if values else float("nan")
