"""The reader's decisions, with a stand-in classifier (our own port) so each rule is seen on its own."""

from __future__ import annotations

import asyncio
import threading

import pytest

from bot.coaching.models import STALL_KINDS
from bot.reading.batching import BatchingReader
from bot.reading.classify import CLASSES, Prediction, clip_for_embedding, model_text
from bot.reading.reader import RULES, Reader

THRESHOLDS = {"stall": 0.6, "chase": 0.6, "deal_update": 0.5}


def prediction(label: str, p: float = 0.9, update: float = 0.0) -> Prediction:
    probs = {c: 0.0 for c in CLASSES}
    probs[label] = p
    probs["other" if label != "other" else "chase"] += 1 - p  # the rest on a label that is not a stall
    return Prediction(probs, update)


class StubHead:
    thresholds = THRESHOLDS


class StubClassifier:
    """Answers from a table: text -> prediction; None means the cheap gate stopped it."""

    def __init__(self, table: dict[str, Prediction | None]) -> None:
        self.table = table
        self.head = StubHead()
        self.batches: list[list[str]] = []

    def passes_gate(self, texts):  # type: ignore[no-untyped-def]
        return [self.table.get(t, True) is not None for t in texts]

    def predict(self, texts, embed=True):  # type: ignore[no-untyped-def]
        self.batches.append(list(texts))
        return [None if self.table[t] is None else (self.table[t], embed) for t in texts]


def reader_for(table: dict[str, Prediction | None]) -> Reader:
    return Reader(classifier=StubClassifier(table))  # type: ignore[arg-type]


def test_a_stall_gets_its_kind_and_the_probabilities_behind_it() -> None:
    text = "Spoke to Dana at Acme, she wants to think it over"
    reading = reader_for({text: prediction("think_it_over")}).read(text)
    assert reading.stall is not None and reading.stall.kind == "think_it_over"
    assert reading.stall.evidence == "think it over"
    assert reading.decided_by == "classifier" and reading.probabilities["think_it_over"] == pytest.approx(0.9)
    assert reading.deal_name == "Acme"


def test_stall_probability_is_summed_over_kinds() -> None:
    # no single kind is sure, together they are: still a stall, of the likeliest kind
    probs = {c: 0.0 for c in CLASSES}
    probs.update(budget=0.35, timing=0.3, other=0.35)
    text = "not this year, the money isn't there"
    reading = reader_for({text: Prediction(probs, 0.0)}).read(text)
    assert reading.stall is not None and reading.stall.kind == "budget"


def test_below_the_threshold_nothing_is_said() -> None:
    text = "they might think about it"
    reading = reader_for({text: prediction("think_it_over", p=0.5)}).read(text)
    assert reading.is_empty and reading.probabilities is not None


def test_a_closed_lost_record_is_an_update_never_a_stall() -> None:
    text = "Opportunity Closed Lost: Globex. Reason: No budget. Amount: $40,000"
    reading = reader_for({text: prediction("budget", update=0.95)}).read(text)
    assert reading.stall is None and reading.decided_by == "closed_deal_guard"
    assert reading.deal_update is not None and reading.deal_update.outcome == "lost"


def test_a_stall_with_a_stage_move_is_both() -> None:
    text = "Acme moved to Negotiation ($80k) but their CFO wants to sleep on it"
    reading = reader_for({text: prediction("think_it_over", update=0.9)}).read(text)
    assert reading.stall is not None and reading.deal_update is not None
    assert reading.deal_update.amount == 80000 and reading.deal_name == "Acme"


def test_chase_is_read_and_is_not_a_stall() -> None:
    text = "5th follow-up this week, I'll keep pushing until she signs"
    reading = reader_for({text: prediction("chase")}).read(text)
    assert reading.chase and reading.stall is None and not reading.is_empty


def test_an_update_probability_without_any_field_is_no_update() -> None:
    text = "great call with the team today"
    reading = reader_for({text: prediction("deal_update", update=0.9)}).read(text)
    assert reading.deal_update is None


def test_chatter_the_gate_stops_is_read_as_nothing() -> None:
    reading = reader_for({"lunch?": None}).read("lunch?")
    assert reading.is_empty and reading.decided_by == "gate" and reading.probabilities is None


def test_known_deals_name_the_deal_as_recorded() -> None:
    text = "Spoke to Dana at Acme, she wants to think it over"
    reader = reader_for({text: prediction("think_it_over")})
    reading = reader.name_deal(text, reader.read(text), ["Acme Corp"])
    assert reading.deal_name == "Acme Corp"


def test_the_rules_reader_stands_in_without_a_classifier() -> None:
    reader = Reader(classifier=None)
    assert reader.name == RULES
    reading = reader.read("Initech: their budget is frozen until Q3")
    assert reading.stall is not None and reading.stall.kind == "budget" and reading.decided_by == "rules"
    assert reader.read("Acme moved to Proposal, $45k").deal_update is not None
    assert reader.read("Morning all! Coffee's fresh").is_empty
    assert not reader.needs_model("anything at all")


def test_model_text_and_clipping() -> None:
    assert model_text("ping <@U04ABC|dana> about <https://x.co/deck|the deck>") == "ping dana about the deck"
    long = "start " + "x" * 2000 + " she wants to think it over"
    clipped = clip_for_embedding(long)
    assert len(clipped) < 800 and clipped.startswith("start ") and clipped.endswith("think it over")
    assert clip_for_embedding("short") == "short"


async def test_concurrent_reads_are_embedded_in_one_batch_off_the_loop() -> None:
    texts = [f"message {i} she wants to think it over" for i in range(5)]
    classifier = StubClassifier({t: prediction("think_it_over") for t in texts})
    entered, release = threading.Event(), threading.Event()
    real_predict = classifier.predict

    def slow_predict(batch, embed=True):  # type: ignore[no-untyped-def]
        entered.set()
        release.wait(5)
        return real_predict(batch, embed)

    classifier.predict = slow_predict  # type: ignore[method-assign]
    reader = BatchingReader(Reader(classifier=classifier))  # type: ignore[arg-type]
    first = asyncio.create_task(reader.read(texts[0]))
    await asyncio.to_thread(entered.wait, 5)  # the first batch is on the worker thread; the loop is free
    rest = [asyncio.create_task(reader.read(t)) for t in texts[1:]]
    await asyncio.sleep(0)
    release.set()
    readings = await asyncio.gather(first, *rest)
    assert all(r.stall is not None for r in readings)
    assert classifier.batches == [texts[:1], texts[1:]]
    reader.close()


async def test_a_failing_batch_fails_its_callers_and_the_next_batch_still_runs() -> None:
    classifier = StubClassifier({"ok she wants to think": prediction("think_it_over")})
    reader = BatchingReader(Reader(classifier=classifier))  # type: ignore[arg-type]
    with pytest.raises(KeyError):
        await reader.read("not in the table")
    assert (await reader.read("ok she wants to think")).stall is not None
    reader.close()


def test_every_stall_kind_is_a_class() -> None:
    assert set(STALL_KINDS) <= set(CLASSES) and {"chase", "deal_update", "other"} <= set(CLASSES)


def test_the_gate_embeds_only_what_the_ngram_model_is_not_sure_is_chatter() -> None:
    import numpy as np

    from bot.reading.classify import Head
    from bot.reading.lexical import fit_lexical
    from bot.reading.reader import Classifier

    texts = ["she wants to think it over", "he needs to sleep on it", "lunch at noon?", "coffee anyone?",
             "standup moved to 10", "they want to think about it first"]
    label = np.array([CLASSES.index(c) for c in ("think_it_over", "think_it_over", "other", "other", "other",
                                                 "think_it_over")])
    lexical = fit_lexical(texts, label, np.zeros(len(texts), int), len(CLASSES))

    class CountingEmbedder:
        name = "counting"
        seen: list[str] = []

        def embed(self, batch):  # type: ignore[no-untyped-def]
            self.seen.extend(batch)
            return np.zeros((len(batch), 4), np.float32)

    d, c = 4, len(CLASSES)
    head = Head(mean=np.zeros(d), scale=np.ones(d), hidden_weights=np.zeros((d, 2)), hidden_bias=np.zeros(2),
                weights=np.zeros((2, c)), bias=np.zeros(c), update_weights=np.zeros(d), update_bias=0.0,
                thresholds={"stall": 0.5, "chase": 0.9, "deal_update": 0.5, "gate": 0.5},
                meta={"features": "whole", "semantic_weight": 0.5})
    embedder = CountingEmbedder()
    classifier = Classifier(embedder=embedder, head=head, lexical=lexical)
    predictions = classifier.predict(["coffee anyone?", "she wants to think it over"])
    assert predictions[0] is None  # sure it is chatter: never embedded
    assert predictions[1] is not None and predictions[1][1] and embedder.seen == ["she wants to think it over"]
    shed = classifier.predict(["he needs to sleep on it"], embed=False)  # overloaded: the n-gram model alone
    assert shed[0] is not None and not shed[0][1] and embedder.seen == ["she wants to think it over"]
    assert classifier.passes_gate(["lunch at noon?", "he needs to sleep on it"]) == [False, True]


async def test_an_overloaded_reader_sheds_the_embedding_instead_of_queueing() -> None:
    from bot.reading import batching

    texts = [f"message {i} she wants to think it over" for i in range(batching.SHED_AT + 5)]
    classifier = StubClassifier({t: prediction("think_it_over") for t in texts})
    release = threading.Event()
    real_predict = classifier.predict

    def slow_predict(batch, embed=True):  # type: ignore[no-untyped-def]
        if embed:
            release.wait(5)
        return real_predict(batch, embed)

    classifier.predict = slow_predict  # type: ignore[method-assign]
    reader = BatchingReader(Reader(classifier=classifier))  # type: ignore[arg-type]
    tasks = [asyncio.create_task(reader.read(t)) for t in texts]
    await asyncio.sleep(0)
    while reader.shed < 5 and not all(t.done() for t in tasks[batching.SHED_AT + 1:]):
        await asyncio.sleep(0.01)
    release.set()
    readings = await asyncio.gather(*tasks)
    assert all(r.stall is not None for r in readings)
    assert reader.shed >= 4  # the ones past the queue's limit were read at once, by the n-gram model alone
    assert {r.decided_by for r in readings} == {"classifier", "ngram_model"}
    reader.close()
