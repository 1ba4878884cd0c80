"""Channel messages, handled durably. A message that may need coaching is recorded (a work item) before Slack gets
its 200; then read, decided (bot/coaching/nudges.py, one transaction that also stores the Slack calls to make) and
sent (bot/slack/replies.py). Transient failures are retried with backoff until a deadline, by whichever replica
holds the item's lease — also after a restart. At most `capacity` items are in flight per process; past that, new
ones wait in the database (nothing is lost, memory stays flat) and the poller takes them as capacity frees."""

from __future__ import annotations

import asyncio
import logging
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any, Protocol

from sqlalchemy.exc import DBAPIError, SQLAlchemyError
from sqlalchemy.exc import TimeoutError as PoolTimeout
from sqlalchemy.ext.asyncio import AsyncSession, async_sessionmaker

from bot.coach import NUDGE_MODEL_DEADLINE_S, Coach
from bot.coaching.models import Reading
from bot.coaching.nudges import ChannelMessage, ChannelReply, handle_channel_message, needs_channel_name
from bot.coaching.ports import Clock, SystemClock
from bot.delivery.retry import RetryPolicy, WorkFailed
from bot.observability import Metrics
from bot.storage.repository import Repository
from bot.storage.unit_of_work import UnitOfWork
from bot.storage.work import Backlog, ClaimedWork, WorkRepository, accepted_row

log = logging.getLogger(__name__)

PRUNE_EVERY = timedelta(minutes=10)
MAX_ACCEPT_BATCH = 200


class ReplySender(Protocol):
    async def send(self, item: dict[str, Any], *, event_id: str, maybe_sent: bool) -> dict[str, Any]: ...

    async def channel_name(self, channel_id: str) -> str | None: ...


Render = Callable[[ChannelReply], list[dict[str, Any]]]


class Completions:
    """The channel messages whose handling has finished (answered, recorded, decided against, or given up): the
    signal a "nothing happened" check waits on instead of a sleep. Bounded: only the latest ids are kept."""

    def __init__(self, keep: int = 10_000) -> None:
        self._done: dict[str, None] = {}
        self._keep = keep
        self._changed: asyncio.Event | None = None

    def mark(self, ts: str) -> None:
        self._done[ts] = None
        if len(self._done) > self._keep:
            del self._done[next(iter(self._done))]
        if self._changed is not None:
            self._changed.set()

    async def wait(self, ts: str, timeout: float = 10.0) -> None:
        async with asyncio.timeout(timeout):
            while ts not in self._done:
                self._changed = self._changed or asyncio.Event()
                self._changed.clear()
                await self._changed.wait()


@dataclass
class WorkTimings:
    capacity: int = 200  # items in flight in this process
    concurrency: int = 8  # items worked on at once
    lease: timedelta = timedelta(seconds=60)
    poll_s: float = 1.0
    retention: timedelta = timedelta(days=7)
    policy: RetryPolicy = field(default_factory=RetryPolicy)


class ChannelMessageWork:
    def __init__(self, *, sessions: async_sessionmaker[AsyncSession], coach: Coach, sender: ReplySender,
                 render: Callable[..., list[dict[str, Any]]], metrics: Metrics, timings: WorkTimings | None = None,
                 clock: Clock | None = None, rng: random.Random | None = None) -> None:
        self.sessions = sessions
        self.work = WorkRepository(sessions)
        self.coach = coach
        self.sender = sender
        self.render = render
        self.metrics = metrics
        self.timings = timings or WorkTimings()
        self.clock = clock or SystemClock()
        self.rng = rng or random.Random()
        self.completions = Completions()
        self._queue: asyncio.Queue[tuple[ClaimedWork, Reading | None]] = asyncio.Queue()
        self._in_flight = 0
        self._tasks: list[asyncio.Task[None]] = []
        self._last_prune: datetime | None = None
        self._accepts = _GroupCommit(self.work)

    # -- intake: before Slack's 200 ------------------------------------------------------------------------------

    def worth_recording(self, message: ChannelMessage) -> tuple[bool, Reading | None]:
        """The cheap part of reading, on the loop: plain chatter (most messages) stops here with no write. A
        message the embedding must read is recorded first and read by the worker."""
        if self.coach.reader.reader.needs_model(message.text):
            return True, None
        reading = self.coach.reader.read_now(message.text)
        return self.coach.worth_more_than_reading(reading), reading

    async def accept(self, *, event_id: str, message: ChannelMessage, reading: Reading | None) -> bool:
        """Record the message's work; False for a Slack retry of one already recorded. Raises when the database
        can't record it: the caller answers Slack 503, and Slack delivers it again."""
        now = self.clock.now()
        lease = self._reserve()
        try:
            claimed = await self._accepts.add(accepted_row(
                event_id=event_id, team_id=message.team_id, channel_id=message.channel_id, message_ts=message.ts,
                message=message.as_record(), now=now, give_up_at=self.timings.policy.give_up_at(now),
                lease=self.timings.lease if lease else None))
        except BaseException:
            self._release(lease)
            raise
        if claimed is None:
            self._release(lease)
            self.metrics.duplicates.inc()
            return False
        if lease:
            self._queue.put_nowait((claimed, reading))
        else:
            self.metrics.deferred.inc()
        return True

    def _reserve(self) -> bool:
        if self._in_flight >= self.timings.capacity:
            return False
        self._in_flight += 1
        return True

    def _release(self, reserved: bool = True) -> None:
        if reserved:
            self._in_flight -= 1

    # -- running --------------------------------------------------------------------------------------------------

    def start(self) -> None:
        if self._tasks:
            return
        loop = asyncio.get_running_loop()
        self._tasks = [loop.create_task(self._worker(), name=f"heartful-work-{n}")
                       for n in range(self.timings.concurrency)]
        self._tasks.append(loop.create_task(self._poller(), name="heartful-work-poller"))

    async def stop(self) -> None:
        """Items taken but not started are given back; items being worked on keep their lease: another replica,
        or this one restarted, finishes them."""
        for task in self._tasks:
            task.cancel()
        await asyncio.gather(*self._tasks, return_exceptions=True)
        self._tasks = []
        waiting = []
        while not self._queue.empty():
            waiting.append(self._queue.get_nowait()[0].id)
            self._release()
        try:
            await self.work.release(waiting, now=self.clock.now())
        except (SQLAlchemyError, OSError) as error:
            log.warning("could not give back %d work items at shutdown (%s); their lease will", len(waiting),
                        _one_line(error))

    async def backlog(self) -> Backlog:
        return await self.work.backlog()

    async def _worker(self) -> None:
        while True:
            claimed, reading = await self._queue.get()
            try:
                await self.handle(claimed, reading)
            except Exception:  # handle() records every failure it can; this is the database failing too
                log.exception("work item %s: could not record its outcome; its lease will bring it back", claimed.id)
            finally:
                self._release()

    async def _poller(self) -> None:
        """Due items (deferred past capacity, retries, or leased by a replica that died) into the queue."""
        while True:
            try:
                await self.poll()
            except (SQLAlchemyError, OSError) as error:
                log.warning("could not poll for due work: %s", _one_line(error))
            await asyncio.sleep(self.timings.poll_s)

    async def poll(self) -> int:
        """One round of the poller; how many items it took. Also prunes finished items now and then."""
        now = self.clock.now()
        taken = 0
        free = self.timings.capacity - self._in_flight
        if free > 0:
            for work_id in await self.work.due(now=now, limit=free):
                if not self._reserve():
                    break
                claimed = await self.work.claim(work_id, now=now, lease=self.timings.lease)
                if claimed is None:  # another replica took it first
                    self._release()
                    continue
                self._queue.put_nowait((claimed, None))
                taken += 1
        backlog = await self.work.backlog()
        self.metrics.backlog_depth.set(backlog.depth)
        oldest = backlog.oldest_received_at
        self.metrics.backlog_age.set(max(0.0, (now - oldest).total_seconds()) if oldest else 0.0)
        if self._last_prune is None or now - self._last_prune >= PRUNE_EVERY:
            self._last_prune = now
            pruned = await self.work.prune(finished_before=now - self.timings.retention)
            if pruned:
                log.info("pruned %d finished work items", pruned)
        return taken

    # -- one item -------------------------------------------------------------------------------------------------

    async def handle(self, claimed: ClaimedWork, reading: Reading | None = None) -> None:
        message = ChannelMessage.from_record(claimed.message)
        outbox = claimed.outbox
        decided_now = outbox is None
        failure: WorkFailed | None = None
        try:
            if outbox is None:
                outbox = await self._decide(claimed, message, reading)
            outbox, failure = await self._send(claimed, outbox, decided_now=decided_now)
        except WorkFailed as error:
            failure = error
        except (DBAPIError, PoolTimeout, OSError) as error:
            failure = WorkFailed(f"database: {_one_line(error)}", transient=True)
        except Exception as error:
            log.exception("work item %s failed", claimed.id)
            failure = WorkFailed(f"error: {type(error).__name__}", transient=False)
        if failure is not None:
            await self._failed(claimed, message, outbox, failure)
            return
        assert outbox is not None
        refused = [f"{item['part']}: {item['reason']}" for item in outbox if item["state"] == "failed"]
        await self.work.finish(claimed.id, now=self.clock.now(), outbox=outbox,
                               failed_because="; ".join(refused) or None)
        if claimed.attempts > 1:
            self.metrics.recovered.inc()
        self.completions.mark(message.ts)

    async def _decide(self, claimed: ClaimedWork, message: ChannelMessage,
                      reading: Reading | None) -> list[dict[str, Any]]:
        """Read (the embedding, batched, off the loop), ask the model when configured — both outside the
        transaction — then decide and store the Slack calls in one transaction."""
        if reading is None:
            reading = await self.coach.reader.read(message.text)
        if not self.coach.worth_more_than_reading(reading):
            return []
        consulted = await self.coach.consult(team_id=message.team_id, text=message.text, rules=reading,
                                             deadline_s=NUDGE_MODEL_DEADLINE_S)
        if consulted.reading.is_empty:
            return []
        channel_name = None
        if needs_channel_name(consulted.reading):
            settings = await Repository(self.sessions).ensure_channel(team_id=message.team_id,
                                                                      channel_id=message.channel_id)
            channel_name = settings.name or await self.sender.channel_name(message.channel_id)
        async with UnitOfWork(self.sessions) as uow:
            reply = await handle_channel_message(
                message, consulted.reading, store=uow.deals, library=self.coach.library,
                namer=self.coach.reader.reader, channel_name=channel_name, model_guidance=consulted.guidance)
            outbox = [{**item, "settled": 0} for item in self.render(reply, event_id=claimed.event_id)]
            await uow.work.save_outbox(claimed.id, outbox)
        return outbox

    async def _send(self, claimed: ClaimedWork, outbox: list[dict[str, Any]], *,
                    decided_now: bool) -> tuple[list[dict[str, Any]], WorkFailed | None]:
        """Each pending item in order. A permanent failure of one (the poster left the channel) is recorded on it and
        the rest still go; a transient one stops here, to be retried with the items not yet sent."""
        # `settled` is the last attempt whose outcome was recorded. An earlier attempt that ended without recording
        # it (the process died, or lost its lease) may have sent any pending item.
        crashed = not decided_now and any(item.get("settled", 0) < claimed.attempts - 1 for item in outbox)
        sent = list(outbox)
        for index, item in enumerate(outbox):
            if item["state"] != "pending":
                continue
            maybe_sent = not decided_now and (crashed or bool(item.get("maybe_sent")))
            try:
                sent[index] = await self.sender.send(item, event_id=claimed.event_id, maybe_sent=maybe_sent)
            except WorkFailed as failure:
                if not failure.transient:
                    log.warning("event %s: Slack refused the %s (%s); not retried", claimed.event_id, item["part"],
                                failure.reason)
                    self.metrics.permanent_failure(failure.reason)
                    sent[index] = {**item, "state": "failed", "reason": failure.reason}
                    continue
                sent[index] = {**item, "maybe_sent": maybe_sent or failure.outcome_unknown}
                return sent, failure  # the items' progress is recorded with the failure
        return sent, None

    async def _failed(self, claimed: ClaimedWork, message: ChannelMessage, outbox: list[dict[str, Any]] | None,
                      failure: WorkFailed) -> None:
        if outbox is not None:
            outbox = [{**item, "settled": claimed.attempts} for item in outbox]
        now = self.clock.now()
        retry_at = self.timings.policy.next_attempt(failure, attempts=claimed.attempts, now=now,
                                                    give_up_at=claimed.give_up_at, rng=self.rng)
        if retry_at is not None:
            log.info("work item %s (event %s) failed (%s); trying again at %s", claimed.id, claimed.event_id,
                     failure.reason, retry_at.isoformat(timespec="seconds"))
            self.metrics.work_retries.labels(_reason_label(failure.reason)).inc()
            await self.work.retry_later(claimed.id, due_at=retry_at, reason=failure.reason, outbox=outbox)
            return
        why = failure.reason if not failure.transient else f"gave up: {failure.reason}"
        log.warning("work item %s (event %s) failed for good: %s", claimed.id, claimed.event_id, why)
        self.metrics.permanent_failure(failure.reason)
        await self.work.finish(claimed.id, now=now, outbox=outbox, failed_because=why)
        self.completions.mark(message.ts)


class _GroupCommit:
    """Accepts that arrive while one is being written go together in the next transaction: under a burst, Slack's
    acks wait for one commit per batch instead of queueing for the database one by one."""

    def __init__(self, work: WorkRepository) -> None:
        self.work = work
        self._waiting: list[tuple[dict[str, Any], asyncio.Future[ClaimedWork | None]]] = []
        self._writer: asyncio.Task[None] | None = None

    async def add(self, row: dict[str, Any]) -> ClaimedWork | None:
        future: asyncio.Future[ClaimedWork | None] = asyncio.get_running_loop().create_future()
        self._waiting.append((row, future))
        if self._writer is None or self._writer.done():
            self._writer = asyncio.get_running_loop().create_task(self._write())
        return await future

    async def _write(self) -> None:
        while self._waiting:
            batch, self._waiting = self._waiting[:MAX_ACCEPT_BATCH], self._waiting[MAX_ACCEPT_BATCH:]
            try:
                results = await self.work.accept_many([row for row, _ in batch])
            except Exception as error:  # each waiting request answers Slack 503; the next batch still tries
                for _, future in batch:
                    if not future.done():
                        future.set_exception(error)
                continue
            for (_, future), result in zip(batch, results):
                if not future.done():
                    future.set_result(result)


def _reason_label(reason: str) -> str:
    return reason.split(":", 1)[0][:40]


def _one_line(error: BaseException) -> str:
    return (str(error).splitlines() or [type(error).__name__])[0][:200]
