"""Throughput of read_message on one core, and how much ordinary chatter it flags.

    .venv/bin/python -m bench.classifier [--labelled 50000] [--chatter 50000] [--seed 2026] [--passes 5] [--rev REV]

- labelled: tests/data/deal_channel_messages.yaml (406 hand-labelled messages: stalls, deal updates, tricky chatter)
  repeated to about 50,000 messages;
- chatter: bench.chatter, at least 50,000 distinct ordinary deal-channel and internal lines (standups, lunch, links,
  emoji, scheduling, questions, kudos, sales ops, account logistics, personal), deterministic for a seed;
- mix 90/5/5: the traffic bench.ack_latency sends (90 % of that chatter, 5 % labelled stalls, 5 % labelled deal
  updates), for context: the labelled set is two-thirds stalls and updates, the slow path.

The process is pinned to one CPU. For each corpus: msg/s of the best of --passes timed passes (gc on, as in the app;
the median and worst are printed too, since other work on a 2-core machine only ever slows a pass down),
per-message latency p50/p99/max from one more pass, and the share of messages read_message flags (a stall or a deal
update). For chatter every flag is a false positive: it is reported as the share of chatter that would be sent to a
model. Goals: >= 20,000 msg/s; <= 5 % of chatter flagged.

With OPENAI_API_KEY or OPENAI_BASE_URL set, what the app really sends to the model is decided by
Coach.worth_more_than_rules -> bot.coaching.second_opinion.worth_a_second_opinion (the rules' reading, or a cue regex
that is broader on purpose); that share of the chatter is reported too, with the cues that let it through.
"""

from __future__ import annotations

import argparse
import math
import os
import random
import subprocess
import sys
import time
import types
from collections import Counter
from pathlib import Path

import yaml

from bench._util import machine_line, median, percentile, table
from bench.chatter import chatter_lines

GOAL_MSG_PER_S = 20_000
GOAL_CHATTER_SHARE = 0.05
LABELLED = Path(__file__).resolve().parents[1] / "tests" / "data" / "deal_channel_messages.yaml"


def load_detector_at(rev: str) -> tuple[object, float]:
    """bot/coaching/detect.py as committed at `rev` (git show), loaded in place of the working tree's, so a figure can
    be tied to a commit while the file is being edited. Returns the module and how long loading it took."""
    source = subprocess.run(["git", "show", f"{rev}:bot/coaching/detect.py"], capture_output=True, text=True,
                            check=True, timeout=30, cwd=Path(__file__).resolve().parents[1]).stdout
    module = types.ModuleType("bot.coaching.detect")
    module.__file__ = f"{rev}:bot/coaching/detect.py"
    sys.modules["bot.coaching.detect"] = module
    started = time.perf_counter()
    exec(compile(source, module.__file__, "exec"), module.__dict__)
    return module, time.perf_counter() - started


def import_time() -> float:
    """Cold import of the detector in a fresh interpreter (its regexes and typo table are built at import)."""
    code = ("import time; t = time.perf_counter(); import bot.coaching.detect; "
            "print(time.perf_counter() - t)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120,
                         cwd=Path(__file__).resolve().parents[1])
    return float(out.stdout.strip() or "nan")


def timed_passes(read, texts: list[str], passes: int) -> list[tuple[float, float]]:  # type: ignore[no-untyped-def]
    """(msg/s, share of the wall time this process was on the CPU) per pass: below ~0.95 something else ran on
    our CPU during the pass."""
    out = []
    for _ in range(passes):
        started, cpu = time.perf_counter(), time.process_time()
        for text in texts:
            read(text)
        wall = time.perf_counter() - started
        out.append((len(texts) / wall, (time.process_time() - cpu) / wall))
    return out


def idlest_cpu() -> int:
    """The CPU with the least busy time over half a second (another process pinned to ours halves a pass)."""
    def busy() -> dict[int, int]:
        out = {}
        with open("/proc/stat") as f:
            for line in f:
                name, *values = line.split()
                if name.startswith("cpu") and name[3:].isdigit():
                    v = [int(x) for x in values]
                    out[int(name[3:])] = sum(v) - v[3] - v[4]  # all but idle and iowait
        return out
    before = busy()
    time.sleep(0.5)
    after = busy()
    allowed = os.sched_getaffinity(0)
    return min((c for c in after if c in allowed), key=lambda c: after[c] - before.get(c, 0))


def latencies(read, texts: list[str]) -> list[float]:  # type: ignore[no-untyped-def]
    clock = time.perf_counter_ns
    out = []
    for text in texts:
        started = clock()
        read(text)
        out.append((clock() - started) / 1000)
    return out


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench.classifier", description=__doc__.split("\n\n")[1])
    parser.add_argument("--labelled", type=int, default=50_000, help="messages from the labelled set (repeated)")
    parser.add_argument("--chatter", type=int, default=50_000, help="distinct synthetic chatter lines")
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--passes", type=int, default=5)
    parser.add_argument("--cpu", type=int, help="the CPU to pin to (default: the idlest one at the start)")
    parser.add_argument("--rev", help="benchmark bot/coaching/detect.py as committed at this git revision "
                                      "(default: the working tree)")
    args = parser.parse_args(argv)

    if args.cpu is None:
        args.cpu = idlest_cpu()
    os.sched_setaffinity(0, {args.cpu})
    print(machine_line())
    if args.rev:
        detector, load_s = load_detector_at(args.rev)
        rev = subprocess.run(["git", "rev-parse", "--short", args.rev], capture_output=True, text=True,
                             timeout=10).stdout.strip()
        print(f"pinned to CPU {args.cpu}; detector: bot/coaching/detect.py at {rev}, loaded in {load_s * 1000:.0f} ms")
    else:
        print(f"pinned to CPU {args.cpu}; detector: working tree; cold import of bot.coaching.detect: "
              f"{import_time() * 1000:.0f} ms")
        import bot.coaching.detect as detector
    read_message = detector.read_message  # type: ignore[attr-defined]
    from bot.coaching.evaluation import evaluate

    examples = yaml.safe_load(LABELLED.read_text())
    base = [e["text"] for e in examples]
    labelled = (base * math.ceil(args.labelled / len(base)))[: max(args.labelled, len(base))]
    chatter = chatter_lines(args.chatter, args.seed)
    chatter_texts = [t for _, t in chatter]
    # The traffic mix bench.ack_latency sends: 90 % chatter, 5 % stalls, 5 % deal updates (reps' own messages).
    stalls = [e["text"] for e in examples if e.get("stall") and not e.get("deal_update") and not e.get("from_crm")]
    updates = [e["text"] for e in examples if e.get("deal_update") and not e.get("stall") and not e.get("from_crm")]
    n = len(chatter_texts)
    mix = chatter_texts[: n - 2 * (n // 20)] + (stalls * n)[: n // 20] + (updates * n)[: n // 20]
    random.Random(args.seed).shuffle(mix)

    read_message(base[0])
    timed_passes(read_message, base + chatter_texts[:2000], 1)  # warm-up

    rows = []
    readings: dict[str, list] = {}
    for name, texts in (("labelled set", labelled), ("chatter", chatter_texts), ("mix 90/5/5", mix)):
        passes = timed_passes(read_message, texts, args.passes)
        rates = [rate for rate, _ in passes]
        best_share = max(passes)[1]
        lat = latencies(read_message, texts)
        readings[name] = [read_message(t) for t in texts]
        flagged = sum(not r.is_empty for r in readings[name])
        best = max(rates)
        rows.append([name, f"{len(texts):,}", f"{len(set(texts)):,}", f"{best:,.0f}", f"{median(rates):,.0f}",
                     f"{min(rates):,.0f}", f"{median(lat):.1f}", f"{percentile(lat, 99):.1f}", f"{max(lat):.0f}",
                     f"{flagged / len(texts):.2%}", f"{best_share:.2f}/{min(sh for _, sh in passes):.2f}",
                     "ok" if best >= GOAL_MSG_PER_S else "MISSED"])
    print()
    print(table(["corpus", "messages", "distinct", f"msg/s best of {args.passes}", "median", "worst", "p50 us",
                 "p99 us", "max us", "flagged", "on-CPU best/min", f"goal >= {GOAL_MSG_PER_S:,}/s"], rows,
                title="read_message throughput on one core"))
    print("(best pass = the uncontended figure. on-CPU = process CPU time / wall time of a pass: below ~0.95 another\n"
          " process shared our CPU during it. p50/p99/max come from one more pass, timing each message.)")

    # What the chatter flags would cost: every one is a false positive that would be sent to a model.
    by_category = Counter(c for c, _ in chatter)
    flagged_by_category: Counter[str] = Counter()
    examples_by_pattern: dict[tuple[str, str], tuple[str, str]] = {}
    for (category, text), reading in zip(chatter, readings["chatter"]):
        if reading.is_empty:
            continue
        flagged_by_category[category] += 1
        what = (f"stall {reading.stall.kind} ({reading.stall.evidence!r})" if reading.stall else
                "deal update " + ", ".join(f"{k}={v!r}" for k, v in (
                    ("deal", reading.deal_update.deal_name), ("stage", reading.deal_update.stage),
                    ("amount", reading.deal_update.amount), ("next_step", reading.deal_update.next_step),
                    ("outcome", reading.deal_update.outcome)) if v is not None))
        key = (category, what.split("(")[0].split("=")[0] + what.split(",")[-1][-12:])
        examples_by_pattern.setdefault(key, (text, what))
    share = sum(flagged_by_category.values()) / len(chatter)
    print()
    print(table(["category", "lines", "flagged", "share"],
                [[c, f"{n:,}", flagged_by_category[c], f"{flagged_by_category[c] / n:.2%}"]
                 for c, n in sorted(by_category.items(), key=lambda kv: -kv[1])]
                + [["all chatter", f"{len(chatter):,}", sum(flagged_by_category.values()), f"{share:.2%}"]],
                title="chatter flagged by read_message, by category"))
    print(f"share of chatter that would be sent to a model: {share:.2%} "
          f"(goal <= {GOAL_CHATTER_SHARE:.0%}: {'ok' if share <= GOAL_CHATTER_SHARE else 'MISSED'})")
    if examples_by_pattern:
        print("flagged chatter, one example per pattern:")
        for (category, _), (text, what) in list(examples_by_pattern.items())[:12]:
            print(f"  [{category}] {text!r} -> {what}")

    try:
        from bot.coaching.second_opinion import worth_a_second_opinion
    except ImportError:
        print("\n(no bot.coaching.second_opinion.worth_a_second_opinion in this checkout: pre-filter not measured)")
    else:
        sent: Counter[str] = Counter()
        passed: list[tuple[str, str]] = []
        for (category, text), reading in zip(chatter, readings["chatter"]):
            if worth_a_second_opinion(text, reading):
                sent[category] += 1
                if reading.is_empty:
                    passed.append((category, text))
        model_share = sum(sent.values()) / len(chatter)
        print()
        print(table(["category", "lines", "to the model", "share"],
                    [[c, f"{n:,}", sent[c], f"{sent[c] / n:.2%}"]
                     for c, n in sorted(by_category.items(), key=lambda kv: -kv[1])]
                    + [["all chatter", f"{len(chatter):,}", sum(sent.values()), f"{model_share:.2%}"]],
                    title="with a model configured: chatter that passes worth_a_second_opinion (the app's gate)"))
        print(f"share of chatter sent to the model when OPENAI_* is set: {model_share:.2%} "
              f"(goal <= {GOAL_CHATTER_SHARE:.0%}: {'ok' if model_share <= GOAL_CHATTER_SHARE else 'MISSED'})")
        if passed:
            print("chatter the rules left alone but the pre-filter would send, first examples:")
            shown: set[str] = set()
            for category, text in passed:
                if category not in shown:
                    shown.add(category)
                    print(f"  [{category}] {text!r}")

    evaluation = evaluate(examples, read_message)
    stall, update = evaluation.score("stall"), evaluation.score("deal_update")
    print(f"\nlabelled set quality, for context ({evaluation.examples} examples): stall precision {stall.precision:.3f} "
          f"recall {stall.recall:.3f}; deal update precision {update.precision:.3f} recall {update.recall:.3f}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
