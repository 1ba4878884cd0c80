"""The reader's first step: Slack mrkdwn, entities, quotes and typos turned into plain text."""

from __future__ import annotations

import dataclasses

import pytest

from bot.reading.normalise import Normalised, fix_typos, normalise


def test_mentions_channels_and_links() -> None:
    n = normalise("hey <@U05HJK2L1> see <#C0123|deals> and <https://example.com/x|the deck> or <https://a.io/b>")
    assert n.clean == "hey @someone see #deals and the deck or https://a.io/b"


def test_special_mentions_and_named_users() -> None:
    assert normalise("<!here> ping <@U1|dana>").clean == "@here ping @dana"


def test_a_linked_record_name_is_bold_in_marked_only() -> None:
    n = normalise("*Opportunity updated:* <https://acme.my.salesforce.com/006xx|Initech - Platform expansion>")
    assert "*Initech - Platform expansion*" in n.marked
    assert n.clean == "Opportunity updated: Initech - Platform expansion"


def test_bold_italic_strike_are_kept_in_marked_and_dropped_in_clean() -> None:
    n = normalise("*Acme* moved to _Proposal_ ~maybe~ snake_case_word")
    assert n.marked == "*Acme* moved to _Proposal_ ~maybe~ snake_case_word"
    assert n.clean == "Acme moved to Proposal maybe snake_case_word"


def test_emoji_codes_become_spaces_but_times_stay() -> None:
    n = normalise("signed :tada::skin-tone-2: at 10:30")
    assert "tada" not in n.clean and "10:30" in n.clean


@pytest.mark.parametrize(
    ("raw", "clean"),
    [
        ("R&amp;D &lt;3 &gt; you", "R&D <3 > you"),
        ("it&#39;s &quot;fine&quot; &nbsp;ok", "it's \"fine\"  ok"),
        ("\u201cthink it over\u201d \u2018maybe\u2019 \u2013 \u2014 wait\u2026", "\"think it over\" 'maybe' - - wait..."),
        ("45\u00a0000\u202f\u20ac", "45 000 \u20ac"),
    ],
)
def test_entities_quotes_dashes_and_spaces(raw: str, clean: str) -> None:
    assert normalise(raw).clean == clean


def test_quote_lines_lose_their_marker_in_clean() -> None:
    n = normalise("she wrote:\n> I need to think it over\n>> and ask my boss")
    assert n.clean == "she wrote:\nI need to think it over\nand ask my boss"
    assert "> I need" in n.marked


def test_nul_and_zero_width_characters_are_removed() -> None:
    n = normalise("Ac\x00me\u200b moved\ufeff")
    assert n.original == "Acme\u200b moved\ufeff"
    assert n.clean == "Acme moved"


def test_low_is_lowercased_with_typos_fixed() -> None:
    n = normalise("She wants to THNK it over w/ her mgr, no budgt")
    assert n.low == "she wants to think it over with her manager, no budget"
    assert n.clean == "She wants to THNK it over w/ her mgr, no budgt"


def test_real_words_are_not_corrected() -> None:
    assert fix_typos("thanks, i bought the thing") == "thanks, i bought the thing"


def test_empty_and_none_like_input() -> None:
    assert normalise("") == Normalised("", "", "", "")


def test_normalised_is_frozen() -> None:
    n = normalise("x")
    with pytest.raises(dataclasses.FrozenInstanceError):
        n.clean = "y"  # type: ignore[misc]
