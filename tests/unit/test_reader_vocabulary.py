"""The vocabulary's own example sentences, read by the rules: an edit that breaks one is caught here."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.reading.normalise import normalise
from bot.reading.rules import chase_phrase, stall_phrase
from bot.reading.vocabulary import VocabularyError, compile_phrases, default_vocabulary, load_vocabulary

VOCABULARY = default_vocabulary()
STALL_YES = [(kind, s) for kind, ps in VOCABULARY.stalls.items() for s in ps.yes]
STALL_NO = [(kind, s) for kind, ps in VOCABULARY.stalls.items() for s in ps.no]


@pytest.mark.parametrize(("kind", "sentence"), STALL_YES)
def test_each_stall_example_is_read_as_its_kind(kind: str, sentence: str) -> None:
    hit = stall_phrase(VOCABULARY, normalise(sentence).low)
    assert hit is not None and hit.kind == kind, (sentence, hit)


@pytest.mark.parametrize(("kind", "sentence"), STALL_NO)
def test_each_counter_example_is_not_that_kind(kind: str, sentence: str) -> None:
    hit = stall_phrase(VOCABULARY, normalise(sentence).low)
    assert hit is None or hit.kind != kind, (sentence, hit)


@pytest.mark.parametrize("sentence", VOCABULARY.chase.yes)
def test_chase_examples(sentence: str) -> None:
    assert chase_phrase(VOCABULARY, normalise(sentence).low) is not None, sentence


@pytest.mark.parametrize("sentence", VOCABULARY.chase.no)
def test_helpful_follow_ups_are_not_chase(sentence: str) -> None:
    assert chase_phrase(VOCABULARY, normalise(sentence).low) is None, sentence


def test_negation_and_own_voice_take_a_phrase_back() -> None:
    assert stall_phrase(VOCABULARY, "she doesn't need to check with her boss") is None
    assert stall_phrase(VOCABULARY, "let me think about it tonight") is None
    assert stall_phrase(VOCABULARY, "i'm fine, but she wants to think about it").kind == "think_it_over"


def test_phrase_syntax_wildcards() -> None:
    pattern = compile_phrases(("run * by", "delay*"))
    assert pattern.search("she has to run it by legal")
    assert pattern.search("run the whole thing by legal")
    assert pattern.search("it got delayed")
    assert not pattern.search("rerun it by hand") or pattern.search("rerun it by hand").start() > 0
    assert not compile_phrases(("legal",)).search("illegal parking")


@pytest.mark.parametrize(("content", "problem"), [
    ("stall_phrases: {think_it_over: {phrases: []}}\nchase_phrases: [a]\nnegations: [a]\nown_voice: [a]\n",
     "stall_phrases.think_it_over.phrases: must be a non-empty list"),
    ("stall_phrases: {vibes: [a]}\n", "stall_phrases.vibes: not a stall kind"),
    ("stall_phrases: {budget: [No Budget]}\nchase_phrases: [a]\nnegations: [a]\nown_voice: [a]\n",
     "must be lowercase"),
    ("stall_phrases: [\n", "not valid YAML"),
])
def test_a_broken_vocabulary_file_is_one_line_naming_the_field(tmp_path: Path, content: str, problem: str) -> None:
    (tmp_path / "reader_vocabulary.yaml").write_text(content)
    with pytest.raises(VocabularyError) as err:
        load_vocabulary(tmp_path)
    assert problem in str(err.value) and "\n" not in str(err.value)
    assert str(err.value).startswith("reader_vocabulary.yaml:")
