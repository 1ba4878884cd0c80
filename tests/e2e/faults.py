"""What the fault tests share: Slack's Events API as it behaves (deliveries, retries), and the tally of answers."""

from __future__ import annotations

import asyncio
import random
from collections import Counter
from dataclasses import dataclass

import aiohttp

from tests.fakes.slack_api import FakeSlackApi
from tests.slack_requests import channel_message_event, json_body, slack_signature_headers

STALLS = [
    "Spoke to Dana at Acme, she wants to think it over",
    "Globex: their CFO has to sign off before anything moves",
    "Initech said to send some info over and they'll have a look",
    "Hooli wants to revisit this next quarter",
]
# Fast timings: retries, polls and leases in milliseconds and seconds, not minutes.
FAST = {"work_poll_s": 0.05, "work_retry_first_s": 0.05, "work_lease_s": 5, "slack_timeout_s": 3}


def stall_events(n: int, *, team_id: str = "T111", start: int = 1) -> list[dict]:
    return [channel_message_event(f"{STALLS[i % len(STALLS)]} (#{i})", ts=f"17000{i + start:05d}.000100",
                                  team_id=team_id) for i in range(n)]


class SlackEvents:
    """Slack delivering events: an answer other than 2xx (or none) is delivered again, marked as a retry, after
    `retry_after_s`, at most `retries` times; each delivery goes to one of the replicas' URLs."""

    def __init__(self, urls: list[str], *, retries: int = 3, retry_after_s: float = 0.2,
                 rng: random.Random | None = None) -> None:
        self.urls = urls
        self.retries = retries
        self.retry_after_s = retry_after_s
        self.rng = rng or random.Random(7)
        self.statuses: Counter[int | str] = Counter()

    async def deliver(self, session: aiohttp.ClientSession, payload: dict, *, retry_num: int = 0) -> bool:
        """True once some delivery got a 2xx."""
        for attempt in range(retry_num, retry_num + self.retries + 1):
            body = json_body(payload)
            headers = {"Content-Type": "application/json", **slack_signature_headers(body)}
            if attempt:
                headers |= {"X-Slack-Retry-Num": str(attempt), "X-Slack-Retry-Reason": "http_error"}
            try:
                async with session.post(self.rng.choice(self.urls) + "/slack/events", data=body,
                                        headers=headers, timeout=aiohttp.ClientTimeout(total=3)) as response:
                    await response.read()
                    self.statuses[response.status] += 1
                    if 200 <= response.status < 300:
                        return True
            except (aiohttp.ClientError, asyncio.TimeoutError) as error:
                self.statuses[type(error).__name__] += 1
            await asyncio.sleep(self.retry_after_s)
        return False


@dataclass(frozen=True)
class Tally:
    tried: int
    answered: int
    doubled: int
    lost: int

    def __str__(self) -> str:
        return f"tried {self.tried} / answered {self.answered} / doubled {self.doubled} / lost {self.lost}"


def tally(fake: FakeSlackApi, events: list[dict], channel: str = "C111") -> Tally:
    """Nudges posted in each stall's thread: one each is the only right answer."""
    posts = Counter(message.get("thread_ts") for message in fake.posted(channel))
    counts = [posts[event["event"]["ts"]] for event in events]
    return Tally(tried=len(events), answered=sum(1 for c in counts if c >= 1),
                 doubled=sum(1 for c in counts if c > 1), lost=sum(1 for c in counts if c == 0))


async def all_finished(apps, timeout: float = 60.0) -> None:  # type: ignore[no-untyped-def]
    """Until no work item is pending or in flight, in the database all the replicas share."""
    loop = asyncio.get_running_loop()
    deadline = loop.time() + timeout
    while (backlog := await apps[0].heartful.work.backlog()).depth:
        if loop.time() > deadline:
            raise AssertionError(f"{backlog.depth} work items still unfinished after {timeout}s")
        await asyncio.sleep(0.05)
