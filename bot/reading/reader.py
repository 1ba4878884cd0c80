"""The reader: what the coach sees in one message. One small interface, four steps, each its own module:

normalise (Slack mrkdwn, quotes, typos) -> classify (label and stall kind, with probabilities) -> extract the deal
fields -> guards (no nudge on a closed deal; negation; the rep's own voice).

With the learned classifier installed (the default), it decides; where its package can't be installed the rules
reader (the vocabulary's phrases) stands in, and says so once in the log and in `heartful try`.
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from bot.coaching.models import DealUpdate, Reading, Stall
from bot.reading.classify import CLASSES, HEAD_FILE, Head, Prediction, blend, model_text, whole_features
from bot.reading.embedding import Embedder, load_embedder
from bot.reading.fields import extract_update, find_deal_name, looks_like_update
from bot.reading.guards import closes_the_deal
from bot.reading.lexical import LEXICAL_FILE, LexicalModel
from bot.reading.normalise import Normalised, normalise
from bot.reading.rules import chase_phrase, stall_phrase
from bot.reading.stages import StageList, default_stages
from bot.reading.vocabulary import Vocabulary, default_vocabulary

log = logging.getLogger(__name__)

LEARNED = "learned (multilingual-e5-small + trained head)"
RULES = "rules (vocabulary phrases; the learned reader is not installed)"
MAX_TEXT = 4000  # Slack's own limit is 40k; a stall or an update is never that long, the embedding clips anyway


OTHER = CLASSES.index("other")


@dataclass(frozen=True)
class Classifier:
    """The n-gram model reads every message (a fraction of a millisecond); only a message it is not sure is plain
    chatter is embedded (tens of milliseconds), and then the two models' probabilities are blended."""

    embedder: Embedder
    head: Head
    lexical: LexicalModel

    @property
    def gate(self) -> float:
        """The n-gram P(other) at or above which a message skips the embedding (set so that 99.7% of the corpus'
        stalls, chases and updates are embedded, out of fold)."""
        return float(self.head.thresholds.get("gate", 1.01))

    def passes_gate(self, texts: Sequence[str]) -> list[bool]:
        p, _ = self.lexical.predict([model_text(t) for t in texts])
        return [bool(row[OTHER] < self.gate) for row in p]

    @property
    def confident(self) -> float:
        """The n-gram model's top probability at or above which its answer stands without the embedding."""
        return float(self.head.thresholds.get("ngram_confident", 1.01))

    def predict(self, texts: Sequence[str], *, embed: bool = True) -> list[tuple[Prediction, bool] | None]:
        """For each text: None when the gate lets it skip the model (plain chatter); else the prediction and whether
        the embedding was used. `embed=False` (under overload) answers with the n-gram model alone."""
        lp, lu = self.lexical.predict([model_text(t) for t in texts])
        out: list[tuple[Prediction, bool] | None] = [None] * len(texts)
        to_embed = []
        for i, row in enumerate(lp):
            if row[OTHER] >= self.gate:
                continue
            if embed and row.max() < self.confident:
                to_embed.append(i)
            else:
                out[i] = (blend((lp[i:i + 1], lu[i:i + 1]), None, 1.0)[0], False)
        if to_embed:
            kept = [texts[i] for i in to_embed]
            blended = blend(self.head.arrays(whole_features(self.embedder, kept)), (lp[to_embed], lu[to_embed]),
                            self.head.meta.get("semantic_weight", 1.0))
            for i, p in zip(to_embed, blended):
                out[i] = (p, True)
        return out


class Reader:
    def __init__(self, *, classifier: Classifier | None, vocabulary: Vocabulary | None = None,
                 stages: StageList | None = None) -> None:
        self.classifier = classifier
        self.vocabulary = vocabulary or default_vocabulary()
        self.stages = stages or default_stages()

    @property
    def name(self) -> str:
        return LEARNED if self.classifier is not None else RULES

    def needs_model(self, text: str) -> bool:
        """Whether reading this text embeds it (the costly part): not for the rules reader, not past the gate."""
        return self.classifier is not None and self.classifier.passes_gate([normalise(text[:MAX_TEXT]).clean])[0]

    def name_deal(self, text: str, reading: Reading, known_deals: Sequence[str]) -> Reading:
        """The same reading with its deal named as the channel already knows it ("acme" is the deal "Acme Corp")."""
        if reading.is_empty or not known_deals:
            return reading
        from dataclasses import replace

        named = find_deal_name(normalise(text[:MAX_TEXT]), known_deals=known_deals,
                               for_update=reading.deal_update is not None)
        update = reading.deal_update
        if named and update is not None:
            update = replace(update, deal_name=named)
        return replace(reading, deal_name=named or reading.deal_name, deal_update=update)

    def read(self, text: str, *, known_deals: Sequence[str] = ()) -> Reading:
        return self.read_many([text], known_deals=[known_deals])[0]

    def read_many(self, texts: Sequence[str], *, known_deals: Sequence[Sequence[str]] | None = None,
                  embed: bool = True) -> list[Reading]:
        """Read several messages at once: the model embeds them in one batch. `embed=False` sheds the embedding
        (the reader is overloaded): the n-gram model answers alone."""
        known = known_deals or [()] * len(texts)
        normalised = [normalise(t[:MAX_TEXT]) for t in texts]
        if self.classifier is None:
            return [self._by_rules(n, k) for n, k in zip(normalised, known)]
        predictions = self.classifier.predict([n.clean for n in normalised], embed=embed)
        return [self._decide(n, p, k) for n, p, k in zip(normalised, predictions, known)]

    # --- decisions ---------------------------------------------------------------------------------------------

    def _decide(self, n: Normalised, predicted: tuple[Prediction, bool] | None, known: Sequence[str]) -> Reading:
        if predicted is None:
            return Reading(decided_by="gate")
        p, embedded = predicted
        t = self.classifier.head.thresholds  # type: ignore[union-attr]
        update = self._update(n, known) if p.update_probability >= t["deal_update"] else None
        stall = None
        decided_by = "classifier" if embedded else "ngram_model"
        chase = p.probabilities["chase"] >= t["chase"] and p.label == "chase"
        if not chase and p.stall_probability >= t["stall"]:
            hit = stall_phrase(self.vocabulary, n.low)
            stall = Stall(kind=p.stall_kind, evidence=_evidence(n, hit.evidence if hit else None))  # type: ignore[arg-type]
            if closes_the_deal(update):
                stall, decided_by = None, "closed_deal_guard"
        return self._reading(n, stall, update, chase, known, p.probabilities, decided_by)

    def _by_rules(self, n: Normalised, known: Sequence[str]) -> Reading:
        update = self._update(n, known) if looks_like_update(n) else None
        hit = stall_phrase(self.vocabulary, n.low)
        chase = chase_phrase(self.vocabulary, n.low) is not None
        stall = None
        if hit is not None and not chase and not closes_the_deal(update):
            stall = Stall(kind=hit.kind, evidence=_evidence(n, hit.evidence))  # type: ignore[arg-type]
        return self._reading(n, stall, update, chase, known, None, "rules")

    def _update(self, n: Normalised, known: Sequence[str]) -> DealUpdate | None:
        return extract_update(n, known_deals=known, stages=self.stages)

    def _reading(self, n: Normalised, stall: Stall | None, update: DealUpdate | None, chase: bool,
                 known: Sequence[str], probabilities: dict[str, float] | None, decided_by: str) -> Reading:
        if stall is None and update is None and not chase:
            return Reading(probabilities=probabilities, decided_by=decided_by)  # type: ignore[arg-type]
        deal_name = update.deal_name if update is not None and update.deal_name else None
        if deal_name is None:
            deal_name = find_deal_name(n, known_deals=known, for_update=update is not None)
        return Reading(stall=stall, deal_update=update, deal_name=deal_name, chase=chase,
                       probabilities=probabilities, decided_by=decided_by)  # type: ignore[arg-type]


def _evidence(n: Normalised, phrase: str | None) -> str:
    """The words that showed it, as written: the phrase when one is found, else the start of the message."""
    if phrase:
        at = n.low.find(phrase)
        if at >= 0 and len(n.low) == len(n.clean):
            return n.clean[at:at + len(phrase)]
        return phrase
    return n.clean[:120]


def load_reader(*, prompts_dir: Path | None = None, threads: int = 1, head_file: Path = HEAD_FILE) -> Reader:
    """The learned reader when its model package and head are there, else the rules reader (said once, in the log)."""
    from bot.reading.stages import load_stages
    from bot.reading.vocabulary import load_vocabulary

    vocabulary = load_vocabulary(prompts_dir) if prompts_dir else default_vocabulary()
    stages = load_stages(prompts_dir) if prompts_dir else default_stages()
    embedder = load_embedder(threads=threads)
    classifier = None
    lexical = LexicalModel.load(head_file.parent / LEXICAL_FILE.name)
    if embedder is not None and lexical is not None:
        classifier = Classifier(embedder=embedder, head=Head.load(head_file), lexical=lexical)
    return Reader(classifier=classifier, vocabulary=vocabulary, stages=stages)
