"""The reader off the event loop: embeddings run on one worker (a thread, or a process of its own), and messages that
arrive while it is busy are read together in one batch (the model embeds a batch faster than one by one)."""

from __future__ import annotations

import asyncio
import functools
import multiprocessing
from collections.abc import Sequence
from concurrent.futures import Executor, ProcessPoolExecutor, ThreadPoolExecutor
from pathlib import Path

from bot.coaching.models import Reading
from bot.reading.reader import Reader, load_reader

MAX_BATCH = 8
# Past this many messages in the embedding's hands (waiting or being embedded: about 300 ms of work), new ones are read
# by the n-gram model alone: a slightly less sure answer now beats a sure one a minute late. Counted in `shed`.
SHED_AT = 6


_child_reader: Reader | None = None  # in the reader's own process: its copy of the reader


def _start_child(prompts_dir: str | None, threads: int) -> None:
    global _child_reader
    _child_reader = load_reader(prompts_dir=Path(prompts_dir) if prompts_dir else None, threads=threads)


def _read_in_child(texts: list[str], known: list[tuple[str, ...]]) -> list[Reading]:
    assert _child_reader is not None
    return _child_reader.read_many(texts, known_deals=known)


def reader_process(*, prompts_dir: Path | None, threads: int) -> ProcessPoolExecutor:
    """A process of its own for the embedding, started with a fresh interpreter (spawn: no copy of the event loop's
    threads or sockets). Its numpy work then shares no GIL with the event loop, so Slack's acks don't wait on it."""
    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("spawn"),
                               initializer=_start_child, initargs=(str(prompts_dir) if prompts_dir else None, threads))


class BatchingReader:
    def __init__(self, reader: Reader, *, max_batch: int = MAX_BATCH, process: ProcessPoolExecutor | None = None
                 ) -> None:
        self.reader = reader
        self.max_batch = max_batch
        self._process = process
        self._executor: Executor = process or ThreadPoolExecutor(max_workers=1, thread_name_prefix="heartful-reader")
        self._pending: list[tuple[str, tuple[str, ...], asyncio.Future[Reading]]] = []
        self._worker: asyncio.Task[None] | None = None
        self.shed = 0  # messages read without the embedding because the reader was overloaded
        self._in_flight = 0

    @property
    def name(self) -> str:
        return self.reader.name

    def read_now(self, text: str, *, known_deals: Sequence[str] = ()) -> Reading:
        """On the calling thread: for the CLI and for messages the gate lets skip the model."""
        return self.reader.read(text, known_deals=known_deals)

    async def read(self, text: str, *, known_deals: Sequence[str] = ()) -> Reading:
        if not self.reader.needs_model(text):  # plain chatter and the rules reader: microseconds, stay here
            return self.reader.read(text, known_deals=known_deals)
        if len(self._pending) + self._in_flight >= SHED_AT:
            self.shed += 1
            return self.reader.read_many([text], known_deals=[known_deals], embed=False)[0]
        future: asyncio.Future[Reading] = asyncio.get_running_loop().create_future()
        self._pending.append((text, tuple(known_deals), future))
        if self._worker is None or self._worker.done():
            self._worker = asyncio.create_task(self._drain())
        return await future

    async def _drain(self) -> None:
        loop = asyncio.get_running_loop()
        while self._pending:
            batch, self._pending = self._pending[: self.max_batch], self._pending[self.max_batch:]
            texts = [t for t, _, _ in batch]
            known = [k for _, k, _ in batch]
            self._in_flight = len(batch)
            try:
                work = (functools.partial(_read_in_child, texts, known) if self._process is not None
                        else functools.partial(self.reader.read_many, texts, known_deals=known))
                readings = await loop.run_in_executor(self._executor, work)
            except Exception as exc:  # each caller gets the failure; the next batch still runs
                for _, _, f in batch:
                    if not f.done():
                        f.set_exception(exc)
                continue
            finally:
                self._in_flight = 0
            for (_, _, f), reading in zip(batch, readings):
                if not f.done():
                    f.set_result(reading)

    def warm_up(self) -> None:
        """Start the reader's process and load its model now, not on the first stall."""
        if self._process is not None:
            self._process.submit(_read_in_child, ["warming up"], [()])

    def close(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)
