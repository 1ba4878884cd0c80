"""Step 1 of the reader: turn a raw Slack message into plain text the later steps can read.

`normalise(text)` gives four views of one message (see `Normalised`). Pure Python, no state; a few microseconds for
a typical message.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass

__all__ = ["Normalised", "normalise", "fix_typos"]


@dataclass(frozen=True, slots=True)
class Normalised:
    """One message, four ways.

    - `original`: the text as received (NUL bytes removed).
    - `marked`: Slack markup resolved (mentions -> "@name", channels -> "#name", links -> their label, HTML entities,
      `:emoji:` codes -> a space, curly quotes/dashes -> ASCII) but `*bold*` and `>` quote lines kept. A link label
      that reads like a record name is made bold, as CRM bots link the deal. Deal names are read from here.
    - `clean`: `marked` without `*`, `_italic_` and `~strike~` marks, and without the leading `>` of quote lines.
      Values (stage, amount, next step) are sliced from here, so it keeps the writer's case.
    - `low`: `clean` lowercased, with common chat misspellings fixed ("thnk" -> "think", "w/" -> "with"). Its offsets
      do NOT line up with `clean`; use it for matching words, not for slicing.
    """

    original: str
    marked: str
    clean: str
    low: str


# --- Slack mrkdwn -----------------------------------------------------------------------------------------------------

_ANGLE_RE = re.compile(r"<([^<>|\s]*)(?:\|([^<>]*))?>")
_EMOJI_CODE_RE = re.compile(r":(?=[a-z0-9_+'-]*[a-z])[a-z0-9_+'-]{1,40}:(?::skin-tone-\d:)?", re.I)
_UNDERSCORE_RE = re.compile(r"(?<![\w])_|_(?![\w])")
_QUOTE_LINE_RE = re.compile(r"^[ \t]*(?:>[ \t]?)+", re.M)
_ENTITY_RE = re.compile(r"&(?:#\d{1,7}|#x[0-9a-f]{1,6}|[a-z]{2,8});", re.I)
_TRANSLATE = str.maketrans(
    {
        "\u201c": '"', "\u201d": '"', "\u201e": '"', "\u00ab": '"', "\u00bb": '"',
        "\u2018": "'", "\u2019": "'", "\u201a": "'", "\u2032": "'", "`": "'",
        "\u2026": "...", "\u2013": "-", "\u2014": "-", "\u2212": "-",
        "\u00a0": " ", "\u202f": " ", "\u2009": " ", "\u2007": " ",
        "\u200b": None, "\u200c": None, "\u200d": None, "\ufeff": None, "\u2060": None, "\x00": None,
    }
)


def _angle(target: str, label: str | None, *, marked: bool) -> str:
    if target.startswith("@"):
        return "@" + (label or "someone")
    if target.startswith("#"):
        return "#" + (label or "channel")
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    if not label:
        return target.removeprefix("mailto:")
    # CRM bots link the record: "<https://x.salesforce.com/006|Initech - Platform expansion>" names the deal.
    if marked and target.startswith("http") and label[:1].isupper() and "." not in label and len(label.split()) <= 8:
        return "*" + label + "*"
    return label


def _resolve(text: str) -> str:
    if "<" in text:
        text = _ANGLE_RE.sub(lambda m: _angle(m.group(1), m.group(2), marked=True), text)
    if "&" in text:
        # Slack escapes only &lt; &gt; &amp;; other entities come from pasted HTML.
        text = _ENTITY_RE.sub(lambda m: html.unescape(m.group()), text)
    if ":" in text:
        text = _EMOJI_CODE_RE.sub(" ", text)
    if not text.isascii() or "`" in text:
        text = text.translate(_TRANSLATE)
    return text


def _unmark(marked: str) -> str:
    text = marked
    if ">" in text:
        text = _QUOTE_LINE_RE.sub("", text)
    if "*" in text:
        text = text.replace("*", "")
    if "_" in text:
        text = _UNDERSCORE_RE.sub("", text)
    if "~" in text:
        text = text.replace("~", "")
    return text


def lower_aligned(text: str) -> str:
    """`text.lower()` with the same length (a few letters, like "İ", grow when lowered): offsets stay valid."""
    low = text.lower()
    if len(low) != len(text):
        low = "".join(c if len(c.lower()) != 1 else c.lower() for c in text)
    return low


def normalise(text: str) -> Normalised:
    original = (text or "").replace("\x00", "")
    marked = _resolve(original)
    clean = _unmark(marked)
    return Normalised(original=original, marked=marked, clean=clean, low=fix_typos(lower_aligned(clean)))


# --- Typos: one-edit misspellings of the words stall phrases hinge on, plus common chat spellings -------------------

_TYPO_KEYWORDS = (
    "think thinking thought budget interested interest quarter partner spouse husband manager procurement "
    "finance approval current vendor provider competitor happy already afford frozen freeze information "
    "details consider considering sleep proposal priority revisit circle holidays decision timing "
    "satisfied solution wants needs legal interested options mulling month months"
).split()
# Real words one edit away from a keyword: never "correct" these.
_REAL_WORDS = frozenset(
    (
        "thank thanks thick thing things thine thins chink stink thinly shrink thinker thinkers though "
        "through thoughts fought sought bought brought taught ought budge budged budges budgie trudge "
        "interests interred interstate quartet quarters quarts partners parter sponge spouses souse husbands "
        "managers manger menagerie manages currant currents current's vendors vender venders providers "
        "provides competitors harpy hippy nappy sappy happen happily affords afforded frozen freezer frieze "
        "freezes freed freer informations detail detailed retails consider considers considered sheep steep "
        "sleek sleet sleeps sleepy bleep proposals priory priorities revisits circled circles circlet "
        "holiday decisions tiding tiling timings solutions legals regal legacy option optional month's "
        "monthly mounts needy needles seeds weeds heeds feeds wanted wands waits warts pants rants "
        "approvals satisfies financed finances fiance fiancé mauling mulling culling pulling lulling "
        "bonding months"
    ).split()
)
_CHAT_SPELLINGS = {
    "thnk": "think", "thnking": "thinking", "thinkin": "thinking", "tink": "think", "thikn": "think",
    "budgt": "budget", "bugdet": "budget", "buget": "budget", "budjet": "budget",
    "intrested": "interested", "intrestd": "interested", "interessted": "interested", "insterested": "interested",
    "quater": "quarter", "qtr": "quarter", "nxt": "next",
    "dont": "don't", "doesnt": "doesn't", "didnt": "didn't", "isnt": "isn't", "arent": "aren't", "wasnt": "wasn't",
    "werent": "weren't", "cant": "can't", "couldnt": "couldn't", "wont": "won't", "shes": "she's", "hes": "he's",
    "theyre": "they're", "theyll": "they'll", "im": "i'm", "ive": "i've",
    "wanna": "want to", "gotta": "got to", "gonna": "going to", "lemme": "let me", "mgr": "manager",
    "rn": "right now", "atm": "at the moment", "abt": "about", "w/": "with", "b/c": "because", "bc": "because",
    "thru": "through", "tho": "though", "pls": "please", "plz": "please", "nope": "no", "nah": "no",
    "procurment": "procurement", "prcurement": "procurement", "finanace": "finance", "intrest": "interest",
    "afordable": "affordable", "aford": "afford", "wnts": "wants", "neds": "needs", "needz": "needs",
    "ovr": "over", "ova": "over", "abut": "about", "sombody": "somebody", "somone": "someone",
    "$$": "money", "$$$": "money",
}


def _one_edit_variants(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    n = len(word)
    out = {word[:i] + word[i + 1:] for i in range(n - 1)}  # deletions, not of the last letter (often a real word)
    out |= {word[:i] + word[i + 1] + word[i] + word[i + 2:] for i in range(n - 1)}  # transpositions
    for i in range(1, n):  # substitutions and insertions, keeping the first letter
        for c in letters:
            out.add(word[:i] + c + word[i + 1:])
            out.add(word[:i] + c + word[i:])
    return out


def _build_typos() -> dict[str, str]:
    typos: dict[str, str] = {}
    keywords = set(_TYPO_KEYWORDS)
    for kw in _TYPO_KEYWORDS:
        if len(kw) < 5:
            continue
        for v in _one_edit_variants(kw):
            if len(v) < 4 or v in keywords or v in _REAL_WORDS or v.startswith(kw) or kw.startswith(v):
                continue
            typos.setdefault(v, kw)
    typos.update(_CHAT_SPELLINGS)
    return typos


_TYPOS = _build_typos()
_TYPO_TOKEN_RE = re.compile(r"(?<![a-z])(?:w/|b/c)(?=\s)|[a-z]+|\${2,3}(?![\d$])")


def fix_typos(low: str) -> str:
    """Correct known misspellings in lowercased text."""
    return _TYPO_TOKEN_RE.sub(lambda m: _TYPOS.get(m.group(), m.group()), low)
