"""Heartful beside a bare Bolt app, in one run: ack latency at 100 events/s, where acks pass 100 ms and where handling
falls behind, and Heartful's memory and losses through a sustained overload at twice its saturation rate (issue 10).

    .venv/bin/python bench/bolt_compare.py --database sqlite|postgres [--quick] [--reader default|rules]
                                           [--postgres-url postgresql://postgres@127.0.0.1:5432/test]

--quick takes ~1.5 min; without it (the full mode) the steps are longer and the overload lasts 5 minutes.

Processes, one app at a time (never both at once: they would share the 2 cores), each its own subprocess so that its
RSS and CPU are its own (/proc/<pid>/status, /proc/<pid>/stat):
- bare:     bench/bare_bolt_app.py: Bolt AsyncApp over aiohttp; for the stall and deal update messages its listener
            only awaits client.chat_postMessage(thread_ts=ts); for chatter it does nothing;
- Heartful: `python -m bot serve --host 127.0.0.1 --port P` (HTTP mode, exactly what `heartful serve` runs), the
            database of --database (SQLite: a file in a temp dir; PostgreSQL: a throwaway database created on the
            server of --postgres-url and dropped after), LOG_LEVEL=WARNING, DAILY_TICK_S=3600, no OpenAI settings,
            the default reader (or HEARTFUL_READER=rules with --reader rules), every WORK_* setting at its default.
            A fresh process and a fresh database for the ladder and again for the overload.
- the fake Slack Web API: a small aiohttp server in its own process (bench/aio_fake_slack.py, started as this file with
  --serve-fake-slack): the threaded tests.fakes.slack_api.FakeSlackApi deep-copies every request and response and
  answers from a thread per connection, which at thousands of requests a second would measure itself. It answers
  auth.test (team T0G9PQBBK, the fixture's: Heartful ignores events for other workspaces), chat.postMessage,
  chat.postEphemeral, reactions.add, conversations.info, conversations.replies (from what was posted, with metadata) and
  conversations.open, and records (method, channel, thread_ts, timestamp, time.monotonic()) for every call.

Load: signed message events (tests.slack_requests: channel_message_event, slack_signature_headers), open loop (each
request leaves at its scheduled time whatever happened to earlier ones), over one aiohttp pool of up to 512
connections, with Slack's 3 s timeout; a request answered with anything but 200, or not within 3 s, is delivered again
like Slack does (X-Slack-Retry-Num 1..3, compressed to 1, 5 and 10 s later), and its ack latency is the first
attempt's. The mix is 90/5/5 in every block of 20 events: chatter (bench.chatter, 20,000 distinct lines, cycled),
stalls ("Dana at Acme wants to think it over", 5 templates x 8 people x 8 companies) and deal updates ("Acme moved to
Proposal, $45k", 3 templates); 20 channels, 30 users, unique ts and event ids. The same events go to both apps.

Measured per app:
- ack: POST -> HTTP 200, p50/p99/max (a request that failed counts as slower than any answer) at 100 events/s
  for 8 s (quick) / 30 s, then on a ladder of rates, 2 s (quick) / 10 s a step;
- handling: for stalls and updates, POST -> the app's last Web API call for that message arriving at the fake
  (Heartful: the nudge, chat.postMessage in the thread; for an update reactions.add then chat.postEphemeral; bare:
  its chat.postMessage); for chatter, the app being done with it: for Heartful its work queue empty (/readyz
  `checks.work.depth` 0: recorded work pending or in flight, all replicas), for the bare app every ack answered. A
  step "kept up" when the app was done with all of the step's events within 0.5 s of the last one's scheduled send;
  the rate at which handling falls behind is the first step that did not; its throughput (events / time from the
  step's start until done) is given too. If /readyz has no work check (the code may change), "done" falls back to
  no new Web API call and under 5 % of a core for 0.5 s.
- the generator's CPU (this process) and the fake's, with every step: on 2 cores, where they take a core, the
  ceiling is the machine's, not the app's.
Overload (Heartful only): 2 x the measured saturation throughput, 10 s (quick) / 300 s; VmRSS before (idle after a
warm-up), every second during, after the backlog is done (+3 s), VmHWM; every stall answered exactly once
(chat.postMessage with thread_ts = its ts, counted at the fake), updates answered; non-200 answers and retries.
Goals: ack p99 at 100/s <= 1.3x bare; handling keeps up at >= 1,000 msg/s; RSS flat within 20 %; nothing lost.
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import subprocess
import sys
import tempfile
import time
import uuid
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

REPO = Path(__file__).resolve().parents[1]
if str(REPO) not in sys.path:  # run as a script (bench/bolt_compare.py) as well as with -m
    sys.path.insert(0, str(REPO))

import aiohttp  # noqa: E402

from bench.ack_latency import clean_env, cpu_seconds, free_port, rss_kb, stop  # noqa: E402
from bench.aio_fake_slack import FakeSlack, serve_fake_slack  # noqa: E402
from bench.bolt_compare_report import report  # noqa: E402
from bench.open_loop import ACK_LIMIT_MS, Loader, Mix, Step, ms_of  # noqa: E402
from bench.serve_load import vm_kb  # noqa: E402
from tests.slack_requests import SIGNING_SECRET  # noqa: E402

RATES = [25, 50, 200, 400, 700, 1000, 1400, 2000, 2800, 4000]


# ---------------------------------------------------------------------------------------------------------------------
# the apps
# ---------------------------------------------------------------------------------------------------------------------

class App:
    def __init__(self, name: str, process: subprocess.Popen, base: str, log: Path) -> None:
        self.name = name
        self.process = process
        self.base = base
        self.log = log
        self.has_work_check: bool | None = None

    @property
    def heartful(self) -> bool:
        return self.name == "Heartful"

    async def wait_ready(self, session: aiohttp.ClientSession, timeout: float = 90) -> float:
        started = time.monotonic()
        path = "/readyz" if self.heartful else "/healthz"  # Heartful: also auth.test done, so it knows its team
        while time.monotonic() - started < timeout:
            if self.process.poll() is not None:
                raise RuntimeError(f"{self.name} exited with {self.process.returncode}:\n{self.log_tail()}")
            try:
                async with session.get(self.base + path, timeout=aiohttp.ClientTimeout(total=2)) as response:
                    if response.status == 200:
                        return time.monotonic() - started
            except (aiohttp.ClientError, asyncio.TimeoutError):
                pass
            await asyncio.sleep(0.05)
        raise RuntimeError(f"{self.name} was not ready within {timeout} s:\n{self.log_tail()}")

    async def backlog_depth(self, session: aiohttp.ClientSession) -> int | None:
        """Heartful's recorded work pending or in flight (/readyz), None when it does not say."""
        if not self.heartful or self.has_work_check is False:
            return None
        try:
            async with session.get(self.base + "/readyz", timeout=aiohttp.ClientTimeout(total=5)) as response:
                report = await response.json()
        except (aiohttp.ClientError, asyncio.TimeoutError, ValueError):
            return -1  # did not answer in time: not done
        work = (report.get("checks") or {}).get("work")
        if not work or "depth" not in work:
            self.has_work_check = False
            return None
        self.has_work_check = True
        return int(work["depth"])

    def rss_kb(self) -> int:
        return rss_kb(self.process.pid)

    def cpu(self) -> float:
        return cpu_seconds(self.process.pid)

    def log_tail(self, n: int = 8) -> str:
        try:
            return "\n".join(self.log.read_text(errors="replace").strip().splitlines()[-n:])
        except OSError:
            return ""


def start_app(name: str, workdir: Path, fake: FakeSlack, database_url: str | None, reader: str) -> App:
    port = free_port()
    env = clean_env(SLACK_BOT_TOKEN="xoxb-bench", SLACK_SIGNING_SECRET=SIGNING_SECRET, SLACK_API_URL=fake.base_url,
                    LOG_LEVEL="WARNING", PYTHONPATH=str(REPO))
    for key in list(env):
        if key.startswith(("WORK_", "READER_", "HEARTFUL_")):
            env.pop(key)
    if name == "Heartful":
        env.update(DAILY_TICK_S="3600", DATABASE_URL=database_url or "")
        if reader == "rules":
            env["HEARTFUL_READER"] = "rules"
        command = [sys.executable, "-m", "bot", "serve", "--host", "127.0.0.1", "--port", str(port)]
    else:
        command = [sys.executable, str(REPO / "bench" / "bare_bolt_app.py"), "--port", str(port),
                   "--api-url", fake.base_url]
    log = workdir / f"{name.lower()}-{port}.log"
    with open(log, "w") as out:
        process = subprocess.Popen(command, cwd=workdir, env=env, stdout=out, stderr=subprocess.STDOUT)
    return App(name, process, f"http://127.0.0.1:{port}", log)


class Databases:
    """A fresh database per Heartful process: a SQLite file, or a throwaway PostgreSQL database."""

    def __init__(self, kind: str, tmp: Path, postgres_url: str) -> None:
        self.kind = kind
        self.tmp = tmp
        self.postgres_url = postgres_url.replace("postgresql+asyncpg://", "postgresql://")
        self.created: list[str] = []

    async def _admin(self, sql: str) -> None:
        import asyncpg

        connection = await asyncpg.connect(self.postgres_url)
        try:
            await connection.execute(sql)
        finally:
            await connection.close()

    async def new(self) -> str:
        if self.kind == "sqlite":
            return f"sqlite:///{self.tmp / f'heartful-{uuid.uuid4().hex[:8]}.db'}"
        name = f"heartful_bench_{uuid.uuid4().hex[:10]}"
        await self._admin(f'CREATE DATABASE "{name}"')
        self.created.append(name)
        base, _, _ = self.postgres_url.rpartition("/")
        return f"{base}/{name}"

    async def drop_all(self) -> None:
        for name in self.created:
            try:
                await self._admin(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            except Exception as error:  # noqa: BLE001 - report, don't hide the results
                print(f"(could not drop database {name}: {error})")
        self.created = []


# ---------------------------------------------------------------------------------------------------------------------
# the bench: steps, the ladder, the overload
# ---------------------------------------------------------------------------------------------------------------------

class Bench:
    def __init__(self, args: argparse.Namespace, fake: FakeSlack, session: aiohttp.ClientSession) -> None:
        self.args = args
        self.fake = fake
        self.session = session
        self.steps: list[Step] = []

    async def run_step(self, app: App, loader: Loader, mix: Mix, label: str, rate: float, seconds: float,
                       drain_cap: float) -> Step:
        app_cpu0, gen_cpu0, fake_cpu0, wall0 = app.cpu(), time.process_time(), self._fake_cpu(), time.monotonic()
        records, t0, last_sent = await loader.open_loop(mix, rate, seconds)
        step = Step(app=app.name, label=label, rate=rate, records=records, t0=t0, last_sent=last_sent)
        step.done_at = await self.wait_done(app, step, drain_cap)
        step.app_cpu, step.gen_cpu = app.cpu() - app_cpu0, time.process_time() - gen_cpu0
        step.fake_cpu, step.wall = self._fake_cpu() - fake_cpu0, time.monotonic() - wall0
        step.depth_known = app.has_work_check is not False
        self.score(step, app)
        self.steps.append(step)
        return step

    def _fake_cpu(self) -> float:
        assert self.fake.process is not None
        return cpu_seconds(self.fake.process.pid)

    async def wait_done(self, app: App, step: Step, cap: float) -> float | None:
        """When the app was done with all of the step's events (monotonic), or None if not within `cap` s."""
        deadline = time.monotonic() + cap
        last_ack = max(r.acked_at for r in step.records)
        expect = [r.ts for r in step.records if r.kind != "chatter" and r.final == 200]
        quiet_since, cpu_last, calls_last = time.monotonic(), app.cpu(), self.fake.seen
        first = True
        while True:
            depth = await app.backlog_depth(self.session)  # before the calls: a reply precedes its item's end
            await self.fake.refresh(self.session)
            now = time.monotonic()
            finished = max([last_ack, *(self.fake.by_ts[ts][-1].at for ts in expect if ts in self.fake.by_ts)])
            if app.heartful:
                if depth == 0:  # done by now; when exactly is known only if it was done at the first look
                    return finished if first else now
                if depth is None:  # no work check: no new calls and an idle process for 0.5 s
                    cpu_now = app.cpu()
                    if self.fake.seen != calls_last or cpu_now - cpu_last > 0.05 * (now - quiet_since + 1e-9):
                        quiet_since, cpu_last, calls_last = now, cpu_now, self.fake.seen
                    elif now - quiet_since >= 0.5:
                        return quiet_since
            elif all(ts in self.fake.by_ts for ts in expect):
                return finished
            first = False
            if now >= deadline:
                return None
            await asyncio.sleep(0.1)

    def score(self, step: Step, app: App) -> None:
        for r in step.records:
            if r.kind == "chatter":
                continue
            step.expected += 1
            replies = self.fake.by_ts.get(r.ts)
            if replies:
                step.answered += 1
                step.handling.append(replies[-1].at - r.started)

    # -- phases -------------------------------------------------------------------------------------------------------

    async def warm_up(self, app: App, loader: Loader, mix: Mix) -> None:
        await loader.open_loop(mix, 20, 2)
        await asyncio.sleep(1.0)
        await self.fake.refresh(self.session)

    async def ladder(self, app: App, mix: Mix) -> dict[str, Any]:
        quick = self.args.quick
        t100, tstep, cap = (8, 2, 3) if quick else (30, 10, 20)
        loader = Loader(app.base)
        out: dict[str, Any] = {}
        try:
            await self.warm_up(app, loader, mix)
            out["idle_kb"] = app.rss_kb()
            s100 = await self.run_step(app, loader, mix, "100/s", 100, t100, cap)
            out["ack100"] = s100
            self.say(s100)
            behind = None if s100.kept_up else s100
            if behind:  # find where it does keep up, below 100/s
                await self.wait_idle(app, 60 if quick else 300)
                for rate in sorted((r for r in RATES if r < 100), reverse=True):
                    s = await self.run_step(app, loader, mix, f"{rate}/s", rate, tstep * 2, cap)
                    self.say(s)
                    if s.kept_up:
                        break
                    behind = s
                    await self.wait_idle(app, 60 if quick else 300)
            ack_crossed = s100 if s100.ack_ms(99) > ACK_LIMIT_MS else None
            for rate in (r for r in RATES if r > 100):
                if ack_crossed and behind:
                    break
                s = await self.run_step(app, loader, mix, f"{rate}/s", rate, tstep, cap if behind is None else 0.5)
                self.say(s)
                if behind is None and not s.kept_up:
                    behind = s
                if ack_crossed is None and s.ack_ms(99) > ACK_LIMIT_MS:
                    ack_crossed = s
                if s.achieved < 0.85 * rate:
                    out["generator_limit"] = s
                    print(f"  the load generator sent only {s.achieved:.0f}/s of {rate}/s: stopping the ladder")
                    break
            out["behind"], out["ack_crossed"] = behind, ack_crossed
        finally:
            await loader.close()
        return out

    async def wait_idle(self, app: App, cap: float) -> None:
        """Until a Heartful backlog is done (or cap), before the next step."""
        deadline = time.monotonic() + cap
        while time.monotonic() < deadline:
            depth = await app.backlog_depth(self.session)
            if depth is None or depth == 0:
                return
            await asyncio.sleep(0.5)

    async def overload(self, app: App, mix: Mix, rate: float) -> dict[str, Any]:
        seconds = 10 if self.args.quick else 300
        cap = 90 if self.args.quick else 1200
        loader = Loader(app.base)
        out: dict[str, Any] = {"rate": rate, "seconds": seconds}
        samples: list[tuple[float, int]] = []
        try:
            await self.warm_up(app, loader, mix)
            await self.wait_idle(app, 30)
            await asyncio.sleep(1.0)
            out["before_kb"] = app.rss_kb()
            t_start = time.monotonic()

            async def sample() -> None:
                while True:
                    samples.append((time.monotonic(), app.rss_kb()))
                    await asyncio.sleep(1.0)

            sampler = asyncio.create_task(sample())
            try:
                step = await self.run_step(app, loader, mix, f"overload {rate:.0f}/s", rate, seconds, cap)
            finally:
                sampler.cancel()
            out["step"] = step
            out["during_kb"] = [kb for at, kb in samples if at <= step.last_sent]
            out["after_backlog_kb"] = [kb for at, kb in samples if at > step.last_sent]
            await asyncio.sleep(3.0)
            out["after_kb"] = app.rss_kb()
            out["hwm_kb"] = vm_kb(app.process.pid, "VmHWM")
            out["t_start"] = t_start
            await self.fake.refresh(self.session)
            stalls = [r for r in step.records if r.kind == "stall"]
            updates = [r for r in step.records if r.kind == "update"]
            nudges = {r.ts: sum(1 for c in self.fake.by_ts.get(r.ts, []) if c.method != "reactions.add")
                      for r in stalls}
            out["stalls"] = len(stalls)
            out["answered_once"] = sum(1 for n in nudges.values() if n == 1)
            out["unanswered"] = [r for r in stalls if nudges[r.ts] == 0]
            out["twice"] = sum(1 for n in nudges.values() if n > 1)
            out["updates"] = len(updates)
            out["updates_reacted"] = sum(1 for r in updates
                                         if any(c.method == "reactions.add" for c in self.fake.by_ts.get(r.ts, [])))
            chatter = {r.ts for r in step.records if r.kind == "chatter"}
            out["chatter_replies"] = sum(1 for ts in chatter if ts in self.fake.by_ts)
        finally:
            await loader.close()
        return out

    def say(self, s: Step) -> None:
        lag = f"{s.lag:.2f} s" if s.lag is not None else "not done"
        print(f"  {s.app:8} {s.label:>8}: sent {s.achieved:6.0f}/s, ack p99 {s.ack_ms(99):8.1f} ms, "
              f"handling p99 {ms_of(s.handling, 99):8.1f} ms ({s.answered}/{s.expected}), done {lag} after the last "
              f"send -> {'kept up' if s.kept_up else 'BEHIND'}; CPU app {s.app_cpu / s.wall:.0%}, "
              f"generator {s.gen_cpu / s.wall:.0%}, fake {s.fake_cpu / s.wall:.0%}", flush=True)


# ---------------------------------------------------------------------------------------------------------------------

async def run(args: argparse.Namespace) -> int:
    started = datetime.now(UTC)
    load_start = open("/proc/loadavg").read().split()[:3]
    print(f"bolt_compare: {args.database}, {'quick' if args.quick else 'full'} mode, Heartful's reader: "
          f"{args.reader}; {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"load average {' '.join(load_start)}; {started:%Y-%m-%d %H:%M:%S} UTC", flush=True)
    with tempfile.TemporaryDirectory(prefix="heartful-bolt-compare-") as tmp_name:
        tmp = Path(tmp_name)
        fake = FakeSlack()
        fake.start(tmp / "fake-slack.log")
        databases = Databases(args.database, tmp, args.postgres_url)
        ladders: dict[str, dict[str, Any]] = {}
        over = None
        async with aiohttp.ClientSession() as session:
            bench = Bench(args, fake, session)
            try:
                await fake.wait_ready(session)
                for n, name in enumerate(("bare", "Heartful")):
                    url = await databases.new() if name == "Heartful" else None
                    app = start_app(name, tmp, fake, url, args.reader)
                    try:
                        ready = await app.wait_ready(session)
                        print(f"{name}: ready in {ready:.2f} s", flush=True)
                        ladders[name] = await bench.ladder(app, Mix(args.seed, f"L{n}"))
                    finally:
                        stop(app.process)
                        if app.process.returncode not in (0, -2, 130, None):
                            print(f"  ({name} exited with {app.process.returncode}; log:\n{app.log_tail()})")
                heart = ladders["Heartful"]
                behind: Step | None = heart.get("behind")
                if args.overload_rate:
                    rate = args.overload_rate
                elif behind is not None and behind.throughput:
                    rate = 2 * behind.throughput
                else:  # never fell behind: twice the highest rate it kept up with
                    rate = 2 * max(s.rate for s in bench.steps if s.app == "Heartful")
                print(f"Heartful overload at {rate:.0f}/s (2x saturation), fresh process and database", flush=True)
                app = start_app("Heartful", tmp, fake, await databases.new(), args.reader)
                try:
                    await app.wait_ready(session)
                    over = await bench.overload(app, Mix(args.seed + 1, "O"), rate)
                    bench.say(over["step"])
                finally:
                    stop(app.process)
            finally:
                fake.stop()
                await databases.drop_all()
        report(args, bench, ladders, over, started, load_start)
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/bolt_compare.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument("--quick", action="store_true", help="~1.5 min: 8 s at 100/s, 2 s steps, 10 s overload")
    parser.add_argument("--reader", choices=("default", "rules"), default="default",
                        help="Heartful's reader: what serve loads by default, or HEARTFUL_READER=rules")
    parser.add_argument("--postgres-url", default=os.environ.get("TEST_DATABASE_URL")
                        or "postgresql://postgres@127.0.0.1:5432/test",
                        help="a server where throwaway databases may be created (default TEST_DATABASE_URL or "
                             "postgresql://postgres@127.0.0.1:5432/test)")
    parser.add_argument("--overload-rate", type=float, help="instead of 2x the measured saturation")
    parser.add_argument("--seed", type=int, default=10)
    parser.add_argument("--serve-fake-slack", type=int, metavar="PORT", help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.serve_fake_slack:
        serve_fake_slack(args.serve_fake_slack)
        return 0
    return asyncio.run(run(args))


if __name__ == "__main__":
    sys.exit(main())
