"""Read one Slack message: is a prospect stalling, and does it report a change to a deal?

Pure Python and regex only, built to be cheap (it runs on every channel message):

1. clean the Slack mrkdwn (links, mentions, *bold*, :emoji: codes, HTML entities, curly quotes) and fix a list of
   common chat misspellings ("thnk", "budgt", "intrested"), keeping offsets so evidence is quoted as written;
2. stalls: find a stall phrase, then judge who says it (the prospect, quoted or reported, versus the rep deliberating
   or chatting with the team), and whether it is negated, hypothetical, a question for the team, or internal chatter;
3. deal updates: stage / amount / next step / outcome, kept only when the message reads like a deal change
   (CRM phrasing, stage words, a deal name, "deal"/"opp"...), plus the deal's name.

Speed: each stall pattern is split into alternatives whose possible first words, and the words that can follow each,
are worked out from the regex itself at import. One trie-shaped scan finds those words (for a short list of followers,
only where the next word fits) and hands over the next word; only the alternatives that can start with that word and
go on with the next one are tried, each cut down to the branches of its leading word list that can start there. Big
word lists are merged into prefix tries. Much of the cost is keeping regex programs in the CPU cache, so the per-word
regexes are small and compiled on first use. Other large patterns sit behind the same kind of first-word guard, or are
skipped when none of their words occur.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from re import _constants as sc  # type: ignore[attr-defined]  # regex internals: Python >= 3.11, as required
from re import _parser as sp  # type: ignore[attr-defined]
from decimal import Decimal, InvalidOperation

from bot.coaching.models import DealUpdate, Reading, Stall, StallKind

__all__ = ["read_message"]


def read_message(text: str, *, known_deals: Sequence[str] = ()) -> Reading:
    """What the coach sees in one message: a prospect's stall, a deal update, the deal it is about."""
    if not text or not text.strip():
        return Reading()
    marked, clean = _clean(text)
    low0 = clean.lower()
    if len(low0) != len(clean):  # a few unicode letters change length when lowered; keep offsets aligned
        low0 = "".join(c if len(c.lower()) != 1 else c.lower() for c in clean)
    words = _words_of(low0)
    low, corrections = _fix_typos(low0, words)
    stall_words = words if corrections is None else _words_of(low)

    known = _find_known_deal(low0, known_deals) if known_deals else None
    stall = _find_stall(clean, low, corrections, stall_words)
    update = _find_update(marked, clean, low0, known, words)

    deal_name = known
    if deal_name is None and update is not None:
        deal_name = update.deal_name
    if deal_name is None and (stall is not None or update is not None):
        deal_name = _find_name(marked, clean, for_update=False, words=words)
    if stall is None and update is None and known is None:
        return _EMPTY
    return Reading(stall=stall, deal_update=update, deal_name=deal_name)


_EMPTY = Reading()

# ---------------------------------------------------------------------------------------------------------------------
# 1. Cleaning Slack mrkdwn
# ---------------------------------------------------------------------------------------------------------------------

_ANGLE_RE = re.compile(r"<([^<>|\s]*)(?:\|([^<>]*))?>")
_EMOJI_CODE_RE = re.compile(r":(?=[a-z0-9_+'-]*[a-z])[a-z0-9_+'-]{1,40}:(?::skin-tone-\d:)?", re.I)
_UNDERSCORE_RE = re.compile(r"(?<![\w])_|_(?![\w])")
_QUOTES = str.maketrans(
    {
        "\u201c": '"',
        "\u201d": '"',
        "\u201e": '"',
        "\u00ab": '"',
        "\u00bb": '"',
        "\u2018": "'",
        "\u2019": "'",
        "\u201a": "'",
        "\u2032": "'",
        "`": "'",
        "\u2026": "...",
        "\u2013": "-",
        "\u2014": "-",
        "\u00a0": " ",
    }
)

_QUOTES_RE = re.compile("[" + re.escape("".join(chr(c) for c in _QUOTES)) + "]")


def _angle(m: re.Match[str]) -> str:
    target, label = m.group(1), m.group(2)
    if target.startswith("@"):
        return "@" + (label or "someone")
    if target.startswith("#"):
        return "#" + (label or "channel")
    if target.startswith("!"):
        return "@" + (label or target[1:].split("^")[0])
    return label if label else target


def _angle_marked(m: re.Match[str]) -> str:
    """Like _angle, but a link label that reads like a record name ("Initech - Platform expansion") is made bold:
    CRM bots link the deal, and the name finder reads bold text in CRM posts."""
    target, label = m.group(1), m.group(2)
    if label and target.startswith("http") and label[:1].isupper() and "." not in label and len(label.split()) <= 8:
        return "*" + label + "*"
    return _angle(m)


def _clean(text: str) -> tuple[str, str]:
    """(text with *bold* kept, text without mrkdwn). Both have links/mentions/entities/emoji codes resolved."""
    if "<" in text:
        text = _ANGLE_RE.sub(_angle_marked, text)
    if "&" in text:
        text = text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")
    if ":" in text:
        text = _EMOJI_CODE_RE.sub(" ", text)
    # (str.translate looks every character up in the table: only worth it when a mapped character is there)
    if text.isascii():
        if "`" in text:
            text = text.replace("`", "'")
    elif _QUOTES_RE.search(text) is not None:
        text = text.translate(_QUOTES)
    marked = text
    if "*" in text:
        text = text.replace("*", "")  # (this also unwraps the link labels _angle_marked made bold)
    if "_" in text:
        text = _UNDERSCORE_RE.sub("", text)
    if "~" in text:
        text = text.replace("~", "")
    return marked, text


# ---------------------------------------------------------------------------------------------------------------------
# Typos: one-edit misspellings of the words the stall patterns hinge on, plus common chat spellings.
# ---------------------------------------------------------------------------------------------------------------------

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
    "thnk": "think",
    "thnking": "thinking",
    "thinkin": "thinking",
    "tink": "think",
    "thikn": "think",
    "budgt": "budget",
    "bugdet": "budget",
    "buget": "budget",
    "budjet": "budget",
    "intrested": "interested",
    "intrestd": "interested",
    "interessted": "interested",
    "insterested": "interested",
    "quater": "quarter",
    "qtr": "quarter",
    "nxt": "next",
    "dont": "don't",
    "doesnt": "doesn't",
    "didnt": "didn't",
    "isnt": "isn't",
    "arent": "aren't",
    "wasnt": "wasn't",
    "werent": "weren't",
    "cant": "can't",
    "couldnt": "couldn't",
    "wont": "won't",
    "shes": "she's",
    "hes": "he's",
    "theyre": "they're",
    "theyll": "they'll",
    "im": "i'm",
    "ive": "i've",
    "wanna": "want to",
    "gotta": "got to",
    "gonna": "going to",
    "lemme": "let me",
    "mgr": "manager",
    "rn": "right now",
    "atm": "at the moment",
    "abt": "about",
    "w/": "with",
    "b/c": "because",
    "bc": "because",
    "thru": "through",
    "tho": "though",
    "pls": "please",
    "plz": "please",
    "nope": "no",
    "procurment": "procurement",
    "prcurement": "procurement",
    "finanace": "finance",
    "intrest": "interest",
    "afordable": "affordable",
    "aford": "afford",
    "wnts": "wants",
    "neds": "needs",
    "needz": "needs",
    "ovr": "over",
    "ova": "over",
    "abut": "about",
    "sombody": "somebody",
    "somone": "someone",
    "nah": "no",
    "$$": "money",
    "$$$": "money",
}


def _one_edit_variants(word: str) -> set[str]:
    letters = "abcdefghijklmnopqrstuvwxyz"
    out: set[str] = set()
    n = len(word)
    for i in range(n - 1):  # deletions, not of the last letter (that is usually a real word)
        out.add(word[:i] + word[i + 1 :])
    for i in range(n - 1):  # transpositions
        out.add(word[:i] + word[i + 1] + word[i] + word[i + 2 :])
    for i in range(1, n):  # substitutions, keeping the first letter
        for c in letters:
            out.add(word[:i] + c + word[i + 1 :])
    for i in range(1, n):  # insertions inside the word
        for c in letters:
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
_TYPO_KEYS = frozenset(_TYPOS)
_WORD_RE = re.compile(r"[a-z]+")


# Every ASCII character but a-z becomes a space: for ASCII text, splitting that gives exactly the [a-z] runs, faster
# than _WORD_RE.findall.
_NOT_A_LETTER = str.maketrans({chr(c): " " for c in range(128) if not 97 <= c <= 122})


def _words_of(low: str) -> frozenset[str]:
    """The words ([a-z] runs) of a lowercased text."""
    if low.isascii():
        return frozenset(low.translate(_NOT_A_LETTER).split())
    return frozenset(_WORD_RE.findall(low))


_TYPO_TOKEN_RE = re.compile(r"(?<![a-z])(?:w/|b/c)(?=\s)|[a-z]+|\${2,3}(?![\d$])")


def _fix_typos(low: str, words: frozenset[str]) -> tuple[str, list[tuple[int, int]] | None]:
    """Correct known misspellings. Returns the text and, if it changed, (new_pos, old_pos) anchors for mapping back."""
    if _TYPO_KEYS.isdisjoint(words) and "w/" not in low and "b/c" not in low and "$$" not in low:
        return low, None
    pieces: list[str] = []
    anchors: list[tuple[int, int]] = [(0, 0)]
    last = 0
    new_len = 0
    for m in _TYPO_TOKEN_RE.finditer(low):
        tok = m.group()
        fix = _TYPOS.get(tok)
        if fix is None:
            continue
        s, e = m.span()
        pieces.append(low[last:s])
        new_len += s - last
        pieces.append(fix)
        new_len += len(fix)
        anchors.append((new_len, e))
        last = e
    pieces.append(low[last:])
    return "".join(pieces), anchors


def _to_original(pos: int, anchors: list[tuple[int, int]] | None) -> int:
    if anchors is None:
        return pos
    best = (0, 0)
    for new, old in anchors:
        if new <= pos:
            best = (new, old)
        else:
            break
    return best[1] + (pos - best[0])


# ---------------------------------------------------------------------------------------------------------------------
# 2. Stalls
# ---------------------------------------------------------------------------------------------------------------------

def _structure(pattern: str, start: int = 0):  # type: ignore[no-untyped-def]
    """Yield (index, char, depth) for each regex metacharacter that matters for grouping: '(' , ')' and '|' outside
    character classes and escapes; depth is the nesting before an '(' and after a ')'."""
    depth = 0
    in_class = escaped = False
    for i in range(start, len(pattern)):
        ch = pattern[i]
        if escaped:
            escaped = False
        elif ch == "\\":
            escaped = True
        elif in_class:
            in_class = ch != "]"
        elif ch == "[":
            in_class = True
        elif ch in "()|":
            if ch == ")":
                depth -= 1
            yield i, ch, depth
            if ch == "(":
                depth += 1


def _split_top(pattern: str) -> list[str]:
    """Split a regex at its top-level '|'."""
    alts: list[str] = []
    begin = 0
    for i, ch, depth in _structure(pattern):
        if ch == "|" and depth == 0:
            alts.append(pattern[begin:i])
            begin = i + 1
    alts.append(pattern[begin:])
    return alts


def _group_end(pattern: str, at: int) -> int:
    """Index of the ')' closing the group that opens at pattern[at] (-1 if none)."""
    for i, ch, depth in _structure(pattern, at):
        if ch == ")" and depth == 0:
            return i
    return -1


def _factor(pattern: str) -> str:
    r"""The same alternation with its branches merged into a prefix trie on their leading literal letters:
    "(?:partners?|parent\s+company|...)" -> "(?:pa(?:r(?:tners?|ent\s+company)...)". Python's re tries the branches of
    an alternation one by one; behind a trie a failing position costs a letter or two instead of every branch. Branches
    that start with anything else (a group, a class) are kept, after the others. Whatever follows the group (a \b, a
    lookahead) is kept as is; a bare alternation "a|b|c" is read as "(?:a|b|c)". Branch order is kept among branches
    that share a prefix, the only ones that can compete at the same spot."""
    if not pattern.startswith("(?:"):
        pattern = "(?:" + pattern + ")"
    close = _group_end(pattern, 0)
    tail = pattern[close + 1 :]
    if close < 0 or _split_top(tail)[1:]:
        return pattern
    alts = _split_top(pattern[3:close])
    root: dict = {}  # char -> child node; node["\1"] = the node's entries in order: child chars and ("", rest) ends
    rest_only: list[str] = []
    for alt in alts:
        i = 0
        while i < len(alt) and (alt[i].isalnum() or alt[i] in " '-") and (i + 1 >= len(alt) or alt[i + 1] not in "?*+{"):
            i += 1
        if i == 0:
            rest_only.append(alt)
            continue
        node = root
        for ch in alt[:i]:
            order = node.setdefault("\1", [])
            if ch not in node:
                node[ch] = {}
                order.append(ch)
            node = node[ch]
        node.setdefault("\1", []).append(("", alt[i:]))

    def emit(node: dict) -> str:
        parts = []
        for entry in node.get("\1", []):
            parts.append(entry[1] if isinstance(entry, tuple) else re.escape(entry) + emit(node[entry]))
        if len(parts) == 1:
            only = parts[0]
            return only if not _split_top(only)[1:] else f"(?:{only})"
        return "(?:" + "|".join(parts) + ")"

    body = "|".join(([emit(root)] if root else []) + rest_only)
    return "(?:" + body + ")" + tail


# What a prospect might be mulling / asking about: "it", "this", "the proposal", "our pricing"...
_OBJ = (
    r"(?:it|this|that|things|everything|all\s+this|it\s+all|this\s+one|that\s+one|them|"
    r"(?:the|our|your|this|that|my|a)\s+(?:\w+\s+)?(?:offer|proposal|quote|pricing|price|prices|contract|deal|"
    r"numbers|terms|options?|decision|details|renewal|agreement|order\s+form|package|plan|investment|purchase|"
    r"idea|platform|product|tool|solution|demo|pitch|project|change|switch|move|budget|info|information|"
    r"paperwork|sow|msa|quote|pilot|poc|upgrade|expansion|tier))"
)
_OBJ = _factor(_OBJ)
# Who a prospect checks with.
_TARGET_NOUN = (
    r"(?:partners?|spouse|wife|husband|better\s+half|boss(?:es)?|manager|mgr|director|dir|vp|svp|evp|cfo|ceo|cto|"
    r"cio|cmo|coo|cro|ciso|gm|founders?|co-?founders?|board(?:\s+of\s+directors)?|owners?|team|teams|legal|"
    r"lawyers?|attorneys?|counsel|procurement|purchasing|finance|accounting|accountant|bookkeeper|controller|"
    r"treasurer|it|security|infosec|leadership|execs?|executives?|higher[- ]?ups|management|committee|stakeholders|"
    r"head\s+of\s+\w+|superiors?|family|investors?|dad|mom|father|mother|brother|sister|president|chairman|"
    r"decision[- ]makers?|signing\s+authority|people|colleagues|cofounder|co-founder|leaders|department|"
    r"principal|superintendent|council|group|c-suite|c\s+suite|bank|lender|landlord|advisors?|consultant|gc|"
    r"general\s+counsel|partnership|partners|trustees|shareholders|co-?owners?|business\s+partner|regional\s+\w+|"
    r"analysts?|finance\s+folks|higher\s+ups|the\s+top|hq|headquarters|parent\s+company|corporate|director\s+of\s+\w+|"
    r"leads?|dept|department|md|managing\s+director|fd|finance\s+director|directors|co-?directors|head\s+office|"
    r"powers\s+that\s+be|top\s+brass|big\s+boss|bossman|missus|missis|hubby|other\s+half|solicitors?|exco|mgmt|chair|"
    r"board\s+members|purchasing\s+(?:team|dept))\b"
)
# As a subject ("legal has to review"): the same minus words that are mostly something else ("it", "the top").
_TARGET_SUBJECT = _factor(
    _TARGET_NOUN.replace("treasurer|it|security", "treasurer|security").replace("|the\\s+top", "")
)
_TARGET_NOUN = _factor(_TARGET_NOUN)
# Who a prospect checks with: "her business partner", "the regional director", "the rest of the leadership team".
_TARGET = (
    r"(?:(?:her|his|their|the|its|our|my|your|a|an|some|with|all|everyone\s+on)\s+)?(?:(?:rest|whole|other\s+members|members)\s+of\s+"
    r"(?:the\s+|their\s+|her\s+|his\s+)?)?(?:[a-z][\w-]*\s+){0,2}?" + _TARGET_NOUN
)

_THINK = (
    rf"\bthink(?:s|ing)?\s+(?:(?:{_OBJ}|long\s+and\s+hard|hard|some\s+more|more|a\s+bit|a\s+little|carefully)\s+)?"
    rf"(?:over|through|(?:a\s+bit\s+|a\s+little\s+|more\s+|some\s+more\s+)?about\s+(?:{_OBJ}|(?:their|her|his)\s+options))\b"
    rf"|\bthink(?:s|ing)?\s+(?:{_OBJ})\s+(?:over|through)\b"
    r"|\b(?:give|giving|gives)\s+(?:it|this|that|the\s+\w+)\s+(?:some|more|a\s+(?:bit|little)\s+of|serious|some\s+serious)?\s*thought"
    r"|\bhave\s+a\s+(?:think|ponder)\b"
    r"|\blet\s+(?:me|us)\s+think\b(?!\s+(?:about\s+(?:how|what|whether|if|who)))"
    r"|\b(?:need|needs|want|wants|have|has|take|takes|taking|took|give|gives|given|get|gets|asked\s+for|asking\s+for|"
    r"requested|request|buy|buying|using|use)\s+(?:(?:them|her|him|me|us)\s+)?(?:(?:some|more|a\s+(?:few|couple(?:\s+of)?|little|bit\s+of)|a|the|another|extra)\s+)?"
    r"(?:more\s+|extra\s+)?(?:time|days?|weeks?|while|beat|minute|moment|breather|night|weekend)\s+"
    r"(?:to\s+(?:think|consider|decide|process|digest|reflect|mull|deliberate|ponder|weigh|chew|sit\s+with|evaluate|sleep)"
    r"|(?:before|to)\s+(?:deciding|making\s+a\s+decision|committing|signing\s+off|they\s+decide|she\s+decides|he\s+decides))"
    r"|\bsleep(?:s|ing)?\s+on\s+(?:it|this|that|things|" + _OBJ + r")\b"
    r"|\bslept\s+on\s+it\b(?=\s+(?:yet|first))"
    r"|\bmull(?:s|ing|ed)?\s+(?:(?:over\s+)?(?:" + _OBJ + r"|their\s+options|her\s+options|his\s+options)(?:\s+over)?|"
    r"over\s+(?:the\s+)?(?:proposal|offer|quote|pricing|contract|options|numbers|terms))"
    r"|\bchew(?:s|ing)?\s+on\s+(?:" + _OBJ + r"|things)\b"
    r"|\b(?:ponder|pondering|ponders|noodle|noodling|noodles|marinate|marinating|deliberate|deliberating|"
    r"reflect|reflecting)\s+(?:on|over|about)?\s*(?:" + _OBJ + r"|things|their\s+options)\b"
    r"|\blet\s+(?:it|this|that|things)\s+(?:marinate|sink\s+in|settle|breathe)\b"
    r"|\bsit\s+(?:with|on)\s+(?:it|this|that|the\s+\w+)\b(?!\s+(?:in|at|for\s+lunch))"
    r"|\bdigest\s+(?:" + _OBJ + r"|things|everything)\b"
    r"|\b(?:consider|considering|weigh|weighing|weighs|evaluate|evaluating|review|reviewing)\s+(?:(?:" + _OBJ
    + r"|things)\s+(?:internally|carefully|further|more|a\s+bit)|(?:all\s+)?(?:their|her|his|the|our)\s+options)\b"
    r"|\b(?:take|takes|taking)\s+(?:it|this|that)\s+under\s+(?:consideration|advisement)"
    r"|\bfence\b(?<=on\sthe\sfence)"
    r"|\b(?:not|isn't|aren't|wasn't)\s+(?:quite\s+|yet\s+|fully\s+|100%\s+)?(?:ready|sure|convinced|prepared)\s+"
    r"(?:yet\s+)?(?:to\s+)?(?:decide|commit|sign|move\s+forward|pull\s+the\s+trigger|make\s+(?:a|the)\s+(?:decision|call)|"
    r"go\s+ahead|buy|pull\s+the\s+trigger)\b"
    r"|\b(?:get|gets|getting)\s+back\s+to\s+(?:me|us|you)\s+(?:once|after|when)\s+(?:she|he|they|i|we)(?:'ve|\s+have|\s+has)?\s+"
    r"(?:thought|had\s+(?:a\s+)?(?:chance|time)\s+to\s+think|mulled|digested|considered)"
    r"|\b(?:undecided|still\s+deciding|hasn't\s+decided|haven't\s+decided|can't\s+decide|torn)\b"
    r"|\b(?:think|thinking|mull|mulling|ponder|pondering)\s+it\s+over\b"
)

_CONSULT = (
    r"\b(?:run|runs|running|ran|float|floating|bounce|bouncing|pass|passing)\s+(?:" + _OBJ + r"|things|the\s+\w+)?\s*"
    r"(?:by|past|through|up\s+(?:the\s+)?(?:chain|ladder|flagpole)|with)\s*(?:" + _TARGET + r")?"
    r"|\b(?:check|checks|checking|checked|talk|talks|talking|speak|speaks|speaking|discuss|discusses|discussing|"
    r"confer|conferring|consult|consults|consulting|sync|syncs|syncing|circle\s+up|align|aligns|aligning|huddle|"
    r"huddling|connect|regroup|regrouping|go\s+over\s+(?:" + _OBJ + r")|review\s+(?:" + _OBJ + r")|"
    r"share\s+(?:" + _OBJ + r")|look\s+at\s+(?:" + _OBJ + r")|walk\s+through\s+(?:" + _OBJ + r"))\s+"
    r"(?:(?:it|this|that|things|" + _OBJ + r")\s+(?:over\s+|through\s+)?)?(?:with|w/|to|among)\s+" + _TARGET
    + r"|\b(?:ask|asks|asking|consult|consults|consulting|involve|involving|get|gets|getting|have|need|needs)\s+"
    r"(?:her|his|their)\s+(?:(?:business|life|co-?|own)\s*)?(?:partners?|spouse|wife|husband|boss|manager|cfo|ceo|board|team|"
    r"legal|lawyer|procurement|finance|it|security|leadership|exec\s+team|family|owner|founders?|director|vp)\b"
    r"|\bask(?:s|ing)?\s+(?:the|its)\s+(?:board|cfo|ceo|owner|owners|partners|committee|leadership|exec\s+team|"
    r"founders?|investors|legal\s+team|finance\s+team|procurement)\b"
    r"|\b(?:loop|loops|looping|looped|bring|brings|bringing|pull|pulls|pulling)\s+in\s+" + _TARGET
    + r"|\b(?:get|gets|getting|need|needs|needed|require|requires|secure|win)\s+(?:the\s+|some\s+|internal\s+|more\s+)?"
    r"(?:buy-?\s?in|sign-?\s?off|alignment|consensus|approval|blessing|green\s*light|go-?ahead)\b"
    r"|\b(?:approval|sign-?\s?off|blessing|green\s*light|go-?ahead|ok|okay|buy-?\s?in|input|thumbs\s+up)\s+(?:from|by|of)\s+" + _TARGET
    + r"|\b" + _TARGET_SUBJECT + r"(?:'s)?(?:\s+(?:dept|department|team|folks|group|office|people))?\s+(?:has|have|needs?|wants?|must|will\s+need|would\s+need|is\s+going|gets?|'ll\s+need|'d\s+need|"
    r"will\s+have|would\s+have|got)\s+to\s+(?:approve|review|sign\s+off|weigh\s+in|look\s+at|see|bless|agree|be\s+involved|"
    r"be\s+looped\s+in|okay|ok|green-?light|vet|decide|chime\s+in|make\s+the\s+(?:call|decision)|be\s+on\s+board|"
    r"give\s+(?:the\s+)?(?:ok|okay|green\s+light|go-?ahead)|have\s+a\s+look|take\s+a\s+look|evaluate|review)\b"
    r"|\b(?:bring|brings|bringing|take|takes|taking|present|presents|presenting|show|shows|showing|pitch|pitching|"
    r"escalate|escalating|send|sending|forward|forwarding)\s+(?:" + _OBJ + r")\s+(?:to|up\s+to|in\s+front\s+of|before)\s+" + _TARGET
    + r"|\b(?:go|goes|going|has\s+to\s+go|needs\s+to\s+go|will\s+go)\s+(?:to|through|before|past)\s+(?:the\s+|their\s+|her\s+|his\s+)?"
    r"(?:board|legal|procurement|committee|finance|security\s+review|purchasing|cfo|ceo|leadership|exec\s+team|"
    r"steering\s+committee|investment\s+committee|council)\b"
    r"|\bnot\s+(?:the|a|the\s+final|the\s+only)\s+decision[- ]maker\b"
    r"|\b(?:isn't|aren't|wasn't|not)\s+(?:the\s+one\s+)?(?:who|that)\s+(?:decides|signs|makes\s+the\s+call)\b"
    r"|\b(?:can't|cannot|can\s+not|won't|unable\s+to)\s+(?:decide|sign|commit|approve)\s+(?:alone|(?:on\s+)?(?:her|his|their)\s+own|"
    r"by\s+(?:herself|himself|themselves)|without)\b"
    r"|\bdecision\s+(?:is|lies|sits|rests)\s+with\s+" + _TARGET
    + r"|\b(?:up|above)\s+(?:the\s+chain|(?:her|his|their|my)\s+pay\s*grade)\b"
    r"|\b(?:get|gets|getting)\s+(?:her|his|their|the)\s+(?:\w+\s+)?(?:partners?|boss|cfo|ceo|board|team|wife|husband|spouse|"
    r"manager|leadership|legal|finance|procurement|it)\s+on\s+board\b"
    r"|\b(?:cfo|ceo|board|legal|procurement|finance|committee|leadership|boss|partner|spouse|wife|husband)\s+"
    r"(?:has|have|gets|get)\s+(?:the\s+)?(?:final\s+say|final\s+word|veto|to\s+sign)\b"
    r"|\bby\s+committee\b|\bconsensus\s+(?:decision|buy|purchase)\b|\bmultiple\s+stakeholders\b"
    r"|\b(?:wants?|needs?|has|have)\s+to\s+(?:talk|speak|check|consult|run\s+it|discuss\s+it|confer)\b"
    r"(?=\s+(?:it\s+)?(?:over\s+)?(?:with|to|by|past)\b)"
)

_SEND = (
    r"\b(?:send|sends|sending|email|e-mail|emailing|emails|shoot|shooting|drop|forward|fwd|mail|pass\s+along|"
    r"flick|fire|zip|ping)\s+(?:(?:me|us|him|her|them|it|over|across|along|through)\s+){0,2}"
    r"(?:(?:some|more|a|an|the|your|any|something\s+with|some\s+more|a\s+few|a\s+couple|additional|further|"
    r"relevant|basic|general)\s+)?(?:(?:more|quick|short|brief|general|basic|product|pricing|written|"
    r"high-?level|additional|case|customer|company|marketing|sales|intro|info|information)\s+)?"
    r"(?:info|information|details|materials?|decks?|brochures?|one-?pagers?|overview|case\s+stud(?:y|ies)|literature|"
    r"collateral|something|stuff|pdfs?|white\s*papers?|data\s*sheets?|links?|specs|summary|sheet|write-?ups?|slides|"
    r"references|testimonials|documentation|docs|examples|proposal|pricing|email|deck|video|recording|"
    r"one\s+pager|reading|resources|faqs?|comparison)\b"
    r"|\b(?:send|email|shoot|forward)\s+(?:it|that|this|everything|something)\s+(?:over|across|along|through|to\s+(?:me|us))"
    r"|\b(?:put|throw|get)\s+(?:it|something|that|everything|this|the\s+details)\s+in\s+(?:an?\s+)?(?:email|writing)"
    r"|\b(?:just\s+)?email\s+(?:me|us)\b"
    r"|\bshoot\s+(?:me|us)\s+(?:an?\s+)?(?:email|note|line)"
    r"|\b(?:wants?|wanted|asked\s+for|asking\s+for|asks\s+for|requested|requesting|needs?|would\s+like|"
    r"prefers?|rather\s+(?:have|get|see|read))\s+(?:(?:me|us)\s+to\s+send\s+(?:over\s+)?)?"
    r"(?:(?:some|more|a|an|the|any|additional|something\s+in)\s+)?(?:(?:more|written|high-?level|"
    r"additional|product|pricing|marketing|case)\s+)?"
    r"(?:info|information|details|materials?|deck|brochure|one-?pager|overview|case\s+stud(?:y|ies)|literature|"
    r"collateral|write-?up|summary|writing|pdf|data\s*sheet|white\s*paper|documentation)\b"
        r"|\b(?:look|read|go)\s+(?:it\s+)?(?:over|through)\s+(?:it|that|the\s+\w+|some\s+\w+)?\s*(?:and|&)\s+"
    r"(?:get|circle|come|reach)\s+back"
    r"|\b(?:take\s+a\s+look|have\s+a\s+look|look\s+at\s+it|review\s+it|read\s+it)\s+"
    r"(?:if|once|when|after)\s+(?:you|u)\s+send"
    r"|\bcheck\s+out\s+(?:the|your)\s+website\b"
)

_TIMING_EVENT = (
    r"(?:audit|re-?org|reorg|merger|migration|launch|busy\s+season|peak\s+season|go-?live|roll-?out|restructure|restructuring|"
    r"year-?end|fiscal\s+year-?end|financial\s+year|board\s+meeting|budget\s+cycle|holidays|hols|summer|code\s+freeze|"
    r"change\s+freeze|freeze|implementation|replatform|re-?platform|acquisition|integration|funding\s+round|raise|election|"
    r"relocation|refit|christmas|xmas|new\s+year|ramadan|diwali|eid|easter|festive\s+season|harvest|tax\s+season)"
)
_TIMING_EVENT = _factor(_TIMING_EVENT)
_TIMING_WHEN = (
    r"(?:next\s+(?:quarter|qtr|year|month|fiscal(?:\s+year)?|fy|half|budget\s+cycle|cycle|season|spring|summer|fall|"
    r"autumn|winter|january|february|march|april|may|june|july|august|september|october|november|december)|"
    r"q[1-4](?:\s+next\s+year)?|h[12]|the\s+new\s+year|new\s+year|(?:the\s+)?holidays|summer|spring|fall|autumn|"
    r"winter|january|february|march|april|june|july|august|september|october|november|december|"
    r"jan|feb|mar|apr|jun|jul|aug|sep|sept|oct|nov|dec|a\s+(?:few|couple(?:\s+of)?)\s+(?:months|quarters)|"
    r"(?:\d+|two|three|four|five|six|nine|twelve)\s+months|(?:six|6)\s+months|later(?:\s+this\s+year|\s+in\s+the\s+year)?|"
    r"fy\s*\d*|budget\s+season|(?:their|the|her|his)\s+(?:re-?org|reorg|merger|audit|launch|migration|"
    r"fiscal\s+year|budget\s+cycle|planning\s+cycle|restructuring|acquisition|funding\s+round|raise)|"
    r"year[- ]end|(?:the\s+)?end\s+of\s+(?:the\s+)?(?:year|quarter)|the\s+(?:start|beginning)\s+of\s+(?:next|the)\s+\w+|"
    r"20\d\d|things\s+(?:calm|settle)\s+down|the\s+dust\s+settles|(?:a\s+)?later\s+date|(?:their|the)\s+busy\s+season|"
    r"(?:their|the)\s+(?:\w+\s+)?(?:season|rush|period|close|renewal|contract\s+(?:is\s+up|ends|runs\s+out))|"
    # the financial calendar, holidays and the prospect's own events: "the new financial year", "after Diwali",
    # "their Q1 replatform", "the autumn"
    r"(?:the\s+)?(?:new|next|coming)\s+(?:financial|fiscal|budget|calendar|school|academic|tax)\s+year|(?:the\s+)?new\s+fy|"
    r"christmas|xmas|easter|diwali|eid|ramadan|thanksgiving|(?:chinese|lunar)\s+new\s+year|(?:the\s+)?festive\s+season|"
    r"(?:the\s+)?(?:summer\s+)?hols|half[- ]term|eofy|the\s+(?:summer|spring|fall|autumn|winter)|"
    r"(?:their|the|her|his)\s+(?:[\w-]+\s+)?" + _TIMING_EVENT + r")(?![a-z])"
)
_TIMING_WHEN = _factor(_TIMING_WHEN)

_TIMING = (
    r"\bnot\s+(?:the\s+|a\s+)?(?:right|best|good|ideal|great)\s+(?:time|moment|timing)\b"
    r"|\b(?:bad|poor|wrong|terrible|tough|awkward|rough)\s+timing\b"
    r"|\btiming\s+(?:(?:isn't|is\s+not|isnt|'s\s+not)(?!\s+(?:an?\s+|the\s+)?(?:issue|problem|concern|blocker|factor|worry))|"
    r"is\s+off|is\s+bad|is\s+wrong|is\s+tough|doesn't\s+work|just\s+isn't|"
    r"is\s+not\s+great|isn't\s+great|isn't\s+right|is\s+the\s+issue|is\s+an\s+issue|is\s+a\s+problem)"
    r"|\bnot\s+(?:right\s+)?now\b(?!\s*,?\s*(?:but|though))"
    r"|\bnot\s+(?:at\s+)?(?:the\s+)?(?:moment|this\s+(?:year|quarter|month))\b"
    r"|\bnot\s+(?:a|the)\s+(?:top\s+|high\s+|big\s+)?priority\b"
    r"|\b(?:low|lower)\s+priority\b(?=\s+(?:right\s+now|this|for\s+now|at\s+the\s+moment|until))"
    r"|\b(?:other|competing|bigger)\s+priorities\b"
    r"|\b(?:revisit|revisiting|reconnect|reconnecting|regroup|reconvene|re-?engage|touch\s+base|circle\s+back|"
    r"follow\s+up|pick\s+(?:this|it|things)\s+(?:back\s+)?up|come\s+back(?:\s+to\s+(?:it|this|us|me|them))?|look\s+at\s+(?:it|this)\s+again|"
    r"talk\s+again|reach\s+(?:back\s+)?out(?:\s+again)?|check\s+back(?:\s+in)?|check\s+in|ping\s+(?:her|him|them|me|us)|"
    r"connect|chat|speak|talk|resume|restart|re-?start|pick\s+back\s+up|try\s+again|re-?evaluate|reassess|decide|"
    r"evaluate|look\s+at\s+(?:it|this|options|vendors|tools))\s+"
    r"(?:(?:(?:with\s+)?(?:her|him|them|me|us|it|this|things|again|back|in)\s+)?(?:(?:maybe|probably|possibly|sometime|once|around|closer\s+to)\s+)?)"
    r"(?:in|after|next|around|later|once|come|towards?|at\s+the\s+(?:start|end|beginning)\s+of|early|end\s+of|"
    r"mid|until|till|'til|by|before)?\s*" + _TIMING_WHEN
    + r"|\b(?:push|pushed|pushing|pushes|punt|punted|punting|defer|deferred|deferring|delay|delayed|delaying|postpone|"
    r"postponed|postponing|table|tabled|tabling|shelve|shelved|shelving|park|parked|parking|kick|kicked|kicking|"
    r"bump|bumped|move|moved|moving|slip|slipped|slipping|slid|hold|holding)\s+(?:(?:the|this|it|things|everything|"
    r"(?:the\s+)?(?:deal|project|decision|purchase|conversation|evaluation|rollout|start\s+date|close|close\s+date|"
    r"signature|timeline|kickoff|initiative|implementation))\s+)?(?:the\s+can\s+)?(?:down\s+the\s+road\s+)?"
    r"(?:out\s+)?(?:to|until|till|into|back\s+to|off\s+until|off\s+till|off\s+to|off)\s+" + _TIMING_WHEN
    + r"|\bhold\b(?<=on\shold)|\bice\b(?<=on\sice)|\bpause\b(?<=on\spause)|\bback\s?burner\b"
    r"|\b(?:back\s?burner(?:ed)?|hit\s+(?:the\s+)?pause|pause\s+(?:things|everything|the\s+\w+)|paused\s+(?:things|everything|the\s+\w+))"
    r"|\b(?:maybe|try\s+(?:again|us|back)|ask\s+(?:again|me)|reach\s+out|call\s+(?:me|us|back)|ping\s+(?:me|us)|"
    r"hit\s+(?:me|us)\s+up|contact\s+(?:me|us)|check\s+back)\s+(?:again\s+)?(?:in|after|next|later|around|come)?\s*" + _TIMING_WHEN
    + r"|\btoo\s+(?:busy|swamped|slammed|much\s+going\s+on|early)\b"
    r"|\b(?:no|zero|limited)\s+(?:bandwidth|capacity|cycles)\b"
    r"|\bnot\s+(?:until|till|before)\s+" + _TIMING_WHEN
    + r"|\b(?:wait|waiting|hold\s+off|holding\s+off|hang\s+tight|sit\s+tight)\s+(?:until|till|'til|for|on\s+this\s+until)\s+"
    r"(?:(?:after|the\s+end\s+of)\s+)?" + _TIMING_WHEN
    + r"|\b(?:maybe|probably|possibly|perhaps|more\s+like|looking\s+at|thinking|realistically|earliest\s+(?:is|would\s+be))\s+"
    r"(?:in\s+|until\s+|after\s+)?(?:next\s+(?:quarter|qtr|year|fiscal\s+year|fy)|q[1-4]|the\s+new\s+year|after\s+the\s+holidays)\b"
    r"|\bafter\s+the\s+(?:holidays|new\s+year|summer|reorg|re-org|merger|audit|migration|launch|busy\s+season)\b"
    r"|\b(?:until|till)\s+(?:next\s+(?:quarter|year|fiscal\s+year)|q[1-4]|the\s+new\s+year|after\s+the\s+holidays)\b"
    r"|\b(?:timeline|timing|timeframe)\s+(?:slipped|slid|moved|got\s+pushed|pushed|is\s+pushed)\b"
    r"|\b(?:in\s+the\s+middle\s+of|mid-|going\s+through)\s*(?:a|an|the|their)?\s*(?:re-?org|reorg|merger|migration|"
    r"restructuring|acquisition|layoffs?|audit|busy\s+season)\b"
    r"|\b(?:too\s+much\s+on\s+(?:their|her|his)\s+plate|plate\s+is\s+full|full\s+plate|swamped|slammed)\b"
    r"|\bnot\s+(?:in\s+)?(?:this|the\s+current)\s+(?:quarter|year|cycle)\b"
    r"|\bcircle\s+back\b(?=\s+(?:later|down\s+the\s+road|in\s+a\s+bit|some\s*time))"
    r"|\b(?:down\s+the\s+road|some\s+other\s+time|another\s+time|at\s+a\s+later\s+date)\b"
)

_BUDGET = (
    r"\bbudgets?(?:'s)?\s+(?:(?:is|are|was|were|has\s+been|have\s+been|got|'s|just\s+got|is\s+currently|is\s+still|remains?|"
    r"being|are\s+being|is\s+being|already|all|completely|totally|pretty|really|super|very|now|just|been|locked|"
    r"for\s+this\s+(?:year|quarter)|for\s+(?:the\s+)?(?:year|quarter|q[1-4]|fy\s*\d*|20\d\d)|for\s+(?:new\s+)?(?:tools|software|"
    r"vendors|spend|purchases|projects|initiatives))\s+){0,4}"
    r"(?:frozen|froze|freezing|cut|cuts|slashed|gone|tight|tapped(?:\s+out)?|exhausted|spent|allocated|locked|on\s+hold|"
    r"blown|maxed(?:\s+out)?|zero|zeroed(?:\s+out)?|used\s+up|reduced|pulled|not\s+there|isn't\s+there|shrinking|shrunk|"
    r"constrained|under\s+review|a\s+(?:concern|problem|issue|blocker)|the\s+(?:problem|issue|blocker)|an\s+issue|"
    r"done\s+for|gone\s+for|dried\s+up|already\s+committed|committed\s+elsewhere|went\s+elsewhere|got\s+reallocated|"
    r"reallocated|taken|restricted|capped|tied\s+up|paused|on\s+ice|eaten\s+up|limited|not\s+approved|was\s+denied|denied|"
    r"rejected|(?:isn't|wasn't|is\s+not|was\s+not|won't\s+be)\s+(?:approved|available|there|enough))\b"
    r"|\b(?:no|zero|don't\s+have\s+(?:the|any|a)?|doesn't\s+have\s+(?:the|any|a)?|didn't\s+have\s+(?:the|any|a)?|"
    r"don't\s+have\s+enough|doesn't\s+have\s+enough|without|not\s+enough|lack\s+of|lacks?|no\s+more|out\s+of|ran\s+out\s+of|"
    r"running\s+out\s+of|haven't\s+got\s+(?:the|any)?|can't\s+find(?:\s+the)?|hasn't\s+got|have\s+no|has\s+no|had\s+no|"
    r"no\s+extra|no\s+spare|no\s+discretionary|not\s+much|little|limited|tight|no\s+real)\s+"
    r"(?:(?:real|extra|spare|available|discretionary|approved|allocated|allotted|new|more|additional|remaining)\s+)?"
    r"(?:budget|money|funds|funding|cash|spend|dollars|dough|headroom|wiggle\s+room)\b"
    r"(?!\s+(?:issues?|problems?|concerns?|constraints?|worries|blockers?|questions?|for\s+(?:the|our)\s+"
    r"(?:team|offsite|dinner|lunch|party|swag)))"
    r"|\b(?:budget|spend(?:ing)?|purchasing|procurement|cost|software|tool|vendor)\s+(?:freeze|freezes|cuts?|crunch|"
    r"constraints?|restrictions?|pressure|issues?|concerns?|limits?|squeeze|caps?|reductions?|moratorium)\b"
    r"|\b(?:froze|frozen|freeze|freezing|cut|cutting|slashed|slashing|paused|pausing|halted|stopped)\s+(?:all\s+)?"
    r"(?:the\s+|their\s+|her\s+|his\s+|new\s+|discretionary\s+|non-essential\s+|software\s+|tool\s+|vendor\s+)*"
    r"(?:budget|budgets|spend|spending|purchases|purchasing|software\s+spend|tool\s+spend|vendor\s+spend)\b"
    r"|\b(?:can't|cannot|can\s+not|couldn't|unable\s+to|not\s+able\s+to|won't\s+be\s+able\s+to|can't\s+really|"
    r"hard\s+to|struggling\s+to|tough\s+to)\s+(?:\w+\s+)?(?:afford|justify\s+(?:the\s+)?(?:cost|spend|price|expense|investment))\b"
    r"|\b(?:not|isn't|wasn't)\s+affordable\b|\bunaffordable\b|\bout\s+of\s+(?:their|her|his|our)\s+(?:price\s+)?range\b"
    r"|\btoo\s+(?:expensive|pricey|costly|rich|much\s+money|steep|high|much)\b(?!\s+(?:time|work|effort|hassle|noise))"
    r"|\b(?:price|pricing|cost|costs|quote|number|investment)\s+(?:is|was|'s|are|were)?\s*(?:way\s+|just\s+|a\s+bit\s+|"
    r"little\s+|too\s+)?(?:too\s+high|too\s+steep|too\s+much|out\s+of\s+(?:their|her|his|the)?\s*(?:range|budget|league)|"
    r"a\s+(?:blocker|problem|dealbreaker|deal\s+breaker|non-?starter|sticking\s+point)|over\s+budget|above\s+budget)"
    r"|\bnot\s+in\s+(?:the|this\s+year's|this\s+quarter's|their|our|her|his|next\s+year's)\s+budget\b"
    r"|\bno\s+(?:room|line\s+item|allocation|budget\s+line)\s+(?:in|for)\s+(?:the|this|their|it\s+in\s+the)?\s*budget\b"
    r"|\b(?:over|above|exceeds?|exceeded|outside|beyond)\s+(?:their|her|his|the)?\s*budget\b"
    r"|\bcost[- ]cutting\b|\btighten(?:ing|ed)?\s+(?:their|the|our)?\s*belts?\b|\bbelt[- ]tightening\b"
    r"|\bbudget\s+(?:won't|doesn't|does\s+not|will\s+not|can't|didn't)\s+(?:allow|stretch|cover|support|open|free\s+up|"
    r"come\s+through|get\s+approved)"
    r"|\bfunding\s+(?:fell\s+through|dried\s+up|got\s+pulled|was\s+pulled|isn't\s+there|is\s+frozen|got\s+cut|was\s+cut)"
    r"|\b(?:cfo|finance|leadership)\s+(?:froze|cut|slashed|pulled|killed|nixed)\s+(?:the\s+|their\s+|all\s+)?(?:budget|spend|funding)"
    r"|\bno\s+money\b|\bbroke\b(?=\s+(?:right\s+now|this\s+(?:quarter|year)))"
    r"|\b(?:price|cost)\s+(?:sensitive|conscious)\b|\bsticker\s+shock\b"
)

_STATUS_QUO = (
    r"\b(?:happy|satisfied|content|comfortable|pleased|set|good|fine|ok|okay|sticking|stick|staying|stay|stayed|"
    r"stuck|invested|committed|locked\s+in|married|loyal)\s+with\s+(?:(?:their|our|the|its|her|his)\s+)?"
    r"(?:(?:current|existing|present|incumbent|old|legacy|in-house|internal|homegrown|home-grown)\s+)"
    r"(?:\w+\s+){0,2}?(?:vendor|provider|tool|tools|solution|setup|set-up|system|systems|platform|software|crm|partner|"
    r"agency|supplier|process|stack|contract|option|approach|way|service|one|product|app|licen[cs]e|workflow|"
    r"spreadsheets?|solution)\b"
    r"|\b(?:happy|satisfied|content|comfortable|fine|good|set|ok|okay)\s+with\s+(?:what|how)\s+(?:they|we|she|he)\s+"
    r"(?:have|has|got|use|do|are\s+doing|'ve\s+got|currently\s+(?:have|use))\b"
    r"|\b(?:happy|satisfied|content|sticking|stick|staying|stay|stayed|stuck)\s+with\s+(?:the\s+)?status\s+quo\b"
    r"|\bstatus\s+quo\b"
    r"|\b(?:sticking|stick|staying|stay|stayed|stuck|going|went|gone|renewed|renewing|renew|re-?signed|re-?upped|"
    r"extended|extending|decided\s+to\s+stay|decided\s+to\s+stick|locked\s+in|signed|resigned)\s+"
    r"(?:(?:on|back|again)\s+)?with\s+(?:(?:a|the|their|an|her|his|its)\s+)?(?:current|existing|incumbent|competitor|"
    r"competition|other\s+vendor|another\s+vendor|legacy|old)\b"
    r"|\b(?:renewed|renewing|renew|re-?signed|re-?upped|extended|extending|signed\s+another\s+year)\s+"
    r"(?:(?:their|the|a|her|his)\s+)?(?:(?:\w+\s+){0,2})?(?:contract|agreement|subscription|licen[cs]e|deal)\s+with\s+(?!us\b|me\b)"
    r"|\b(?:renewed|re-?signed|re-?upped|extended)\s+(?:with|for\s+another)\b"
    r"|\b(?:already|currently)\s+(?:use|using|uses|used|working\s+with|work\s+with|works\s+with|signed\s+with|"
    r"partnered\s+with|contracted\s+with|under\s+contract\s+with|invested\s+in|paying\s+for|pay\s+for|pays\s+for|"
    r"committed\s+to|locked\s+in(?:to)?|running|runs|run|rely\s+on|relies\s+on|on|licensed|licensing|standardized\s+on|"
    r"deployed|rolled\s+out|bought|purchased|implemented|in\s+(?:a\s+)?contract)\b"
    r"(?!\s+(?:the\s+)?(?:call|phone|board|track|it|vacation|pto|leave|same\s+page))"
    r"|\b(?:already|currently)\s+(?:have|has|got|own|owns|'ve\s+got)\s+(?:a|an|their\s+own|one|something|someone|"
    r"somebody|a\s+similar|similar|an\s+existing|an\s+internal|in-house)\b(?!\s+(?:budget|meeting|call|demo|quote|"
    r"proposal|approval|question|time|slot|date|appointment|deadline|contract\s+with\s+us|signature|lot))"
    r"|\b(?:locked|tied|stuck)\s+(?:in(?:to)?|up)\s+(?:with|in|to|for)?\s*(?:a|their|an|the)?\s*(?:\w+[- ]?){0,3}"
    r"(?:contract|agreement|deal|renewal|commitment|licen[cs]e)\b"
    r"|\bunder\s+contract\b|\bmid-?contract\b|\bin\s+(?:the\s+middle\s+of\s+)?(?:a|their|an)\s+(?:\w+[- ]?){0,2}"
    r"(?:contract|agreement)\s+with\b"
    r"|\b(?:no|don't\s+see\s+(?:a|the|any)|doesn't\s+see\s+(?:a|the|any)|not\s+(?:looking|planning|ready|keen|willing|"
    r"interested\s+in\s+having)|don't\s+want|doesn't\s+want|didn't\s+want|have\s+no|has\s+no|see\s+no|no\s+appetite|"
    r"no\s+desire|not\s+worth\s+the\s+(?:hassle|effort|pain|risk)|too\s+much\s+(?:hassle|effort|pain|work|risk))\s+"
    r"(?:(?:real|compelling|good|big|strong)\s+)?(?:reason|need|point|appetite|desire|plans?)?\s*(?:to\s+|in\s+|for\s+)?"
    r"(?:switch|switching|change|changing|replace|replacing|move|moving|migrate|migrating|rip\s+and\s+replace|swap|"
    r"swapping|churn|leave|leaving|rock\s+the\s+boat)\b(?!\s+(?:the\s+)?(?:meeting|call|date|time|demo))"
    r"|\b(?:switching|migration)\s+(?:costs?|pain|risk|hassle|effort)\b"
    r"|\b(?:works|is\s+working|does\s+the\s+job|gets\s+the\s+job\s+done|is\s+fine|is\s+good\s+enough)\b"
    r"(?:(?<=it\sworks)|(?<=this\sworks)|(?<=that\sworks)|(?<=it\sis\sfine)|(?<=it's\sfine)|(?<=it\sdoes\sthe\sjob))"
    r"\s+(?:fine\s+|well\s+|ok\s+|okay\s+|great\s+)?for\s+(?:them|her|him|now)\b"
    r"|\b(?:what\s+they\s+(?:have|use|got)|what\s+they've\s+got|(?:current|existing|old)\s+\w+|"
    r"spreadsheets?|excel|setup(?<=their\ssetup)|system(?<=their\ssystem)|process(?<=their\sprocess)|tool(?<=their\stool)|"
    r"crm(?<=their\scrm))\s+(?:works|is\s+working|does\s+the\s+job|gets\s+the\s+job\s+done|"
    r"is\s+fine|is\s+good\s+enough)\s+(?:fine\s+|well\s+|ok\s+|okay\s+|great\s+)?for\s+(?:them|her|him|now)\b"
    r"|\b(?:current|existing|present|incumbent)\s+(?:\w+\s+){0,2}?(?:vendor|provider|tool|solution|setup|system|platform|"
    r"software|crm|process|stack|spreadsheets?)\s+(?:works|is\s+(?:working|fine|good|enough|ok|okay)|does\s+the\s+job|"
    r"is\s+good\s+enough|gets\s+the\s+job\s+done|serves\s+(?:them|us))\b"
    r"|\b(?:do|doing|does|handle|handles|handling|keep|keeping|manage|managing)\s+"
    r"(?:it|this|that|things|everything|it\s+all)\s+(?:in-?house|internally)\s+(?:just\s+)?fine\b"
    r"|\b(?:if\s+it\s+ain't\s+broke|ain't\s+broke|rock\s+the\s+boat)\b"
    r"|\b(?:spreadsheets?|excel|pen\s+and\s+paper|old\s+way|what\s+they\s+have)\s+(?:works?|is\s+(?:working|fine|enough)"
    r"|does\s+the\s+job|gets\s+the\s+job\s+done)\b"
    r"|\b(?:chose|chosen|picked|selected|went\s+with|going\s+with|go\s+with|stuck\s+with)\s+(?:(?:a|the|their)\s+)?"
    r"(?:incumbent|current\s+vendor|existing\s+vendor|existing\s+provider|current\s+provider)\b"
)

_NO_INTEREST = (
    r"\b(?:not|isn't|aren't|wasn't|weren't|no\s+longer|never)\s+(?:(?:really|very|super|that|at\s+all|all\s+that|too|"
    r"particularly|remotely|even|currently|actually|overly|terribly|interested|anymore)\s+){0,2}interested\b"
    r"(?!\s+in\s+(?:joining|going|attending|playing|coming|signing\s+up|helping|hosting|the\s+(?:pizza|lunch|offsite|party|game|"
    r"league|raffle|potluck)))"
    r"(?:(?=\s+in\s+(?!(?:it|this|that|us|you|your|our|the\s+(?:product|tool|platform|solution|service|offer|proposal|demo|"
    r"call|meeting|pilot|trial|idea)|an?\s+(?:demo|call|meeting|pilot|trial|chat|follow-?up|proposal)|changing|switching|"
    r"moving|buying|purchasing|any\w*|anything|what\s+we|hearing|learning|talking|meeting|exploring|pursuing|continuing|"
    r"proceeding|new|a\s+new|another|more|further)\b))(?P<spk_no_interest_1>))?"
    r"|\b(?:zero|no|little|lost|losing|lack\s+of|lacking)\s+(?:real\s+)?interest\b(?!\s+(?:rates?|in\s+(?:the\s+)?(?:offsite|lunch|dinner)))"
    r"|\buninterested\b|\bdisinterested\b"
    r"|\bnot\s+(?:really\s+|quite\s+)?(?:for\s+(?:us|them|me|her|him|now)|right\s+for\s+(?:us|them|her|him)|"
    r"(?:a\s+)?(?:good\s+|great\s+|right\s+|strong\s+)?fit|something\s+(?:we|they|she|he|i)(?:'re|\s+are|\s+is|'s)?\s+"
    r"(?:need|needs|want|wants|looking\s+for|interested\s+in)|relevant\s+(?:to|for)\s+(?:us|them|her|him)|"
    r"(?:a\s+)?priority\s+at\s+all)\b"
    r"|\bpass\b(?:(?<=will\spass)|(?<='ll\spass)|(?<='d\spass)|(?<=gonna\spass)|(?<=to\spass)|(?<=politely\spass)|"
    r"(?<=respectfully\spass)|(?<=just\spass)|(?<=probably\spass)|(?<=kindly\spass)|(?<=must\spass))"
    r"(?!\s+(?:the|it|this|that|along|it\s+on|on\s+to|them|him|her|you|me|us|by|through|over|around|a|an|out|back|up|down|"
    r"away|muster|go|your|my|our|their|his|some|any))"
    r"|\b(?:pass|passing|passed)\s+(?:on|for)\s+(?:this|it|that|the\s+(?:offer|proposal|opportunity|quote|product|deal)|"
    r"us|our\s+(?:offer|proposal|product)|now|the\s+time\s+being)\b"
    r"|\bpassing\s+(?:for\s+now|this\s+time)\b"
    r"|\bno\s*,?\s*thank(?:s|\s+you)\b"
    r"|\b(?:don't|doesn't|do\s+not|does\s+not|didn't|did\s+not)\s+(?:really\s+|actually\s+)?(?:need|want|see\s+a\s+need\s+for)\s+"
    r"(?:it|this|that|the\s+(?:product|tool|platform|solution|service)|your\s+(?:product|tool|platform|solution|service)|"
    r"us|a\s+new\s+\w+|anything|something\s+like\s+this|(?:a|an|the)\s+\w+\s+(?:tool|platform|solution|product)|"
    r"what\s+we\s+(?:offer|sell|do))\b(?!\s+(?:to|now|yet|anymore\s+to))"
    r"|\bnot\s+(?:looking|in\s+the\s+market|shopping)\s+(?:for\s+(?:a|an|any|anything|something|new|this|that|it)|to\s+buy|to\s+purchase|right\s+now|at\s+the\s+moment)"
    r"|\bnot\s+in\s+the\s+market\b"
    r"|\b(?:not|won't\s+be|aren't|isn't)\s+(?:moving|going)\s+(?:forward|ahead)\b"
    r"|\b(?:decided|chose|choosing|deciding|opted|opting)\s+(?:not\s+to|against)\s+(?:move\s+forward|moving\s+forward|proceed|"
    r"proceeding|go\s+ahead|going\s+ahead|buy|buying|purchase|purchasing|pursue|pursuing|continue|it|this|us|signing|sign)\b"
    r"|\b(?:take|remove|took|removed)\s+(?:me|us|them|her|him)\s+off\s+(?:your|the|their)\s+(?:\w+\s+)?list\b"
    r"|\bstop\s+(?:emailing|calling|contacting|reaching\s+out|messaging|following\s+up)\b"
    r"|\bunsubscribe[ds]?\b(?!\s+me\b)"
    r"|\b(?:don't|doesn't|didn't)\s+see\s+(?:the|any|much|a)\s+(?:real\s+)?(?:value|need|use|point|fit)\b"
    r"|\b(?:hard|firm|flat|clear|polite|definite)\s+no\b"
    r"|\b(?:going|went|go|heading)\s+(?:in\s+)?(?:a\s+)?(?:different|another|other)\s+direction\b"
    r"|\bno\s+(?:need|use|place|appetite)\s+for\s+(?:it|this|that|us|our\s+\w+|a\s+tool\s+like\s+this|the\s+product|"
    r"what\s+we\s+(?:do|sell|offer))\b"
    r"|\b(?:declined|turned\s+(?:us|it|me)\s+down|turned\s+down\s+(?:the|our)|said\s+no|says\s+no|saying\s+no|"
    r"no(?<=it's\sa\sno)|no(?<=its\sa\sno)|no(?<=it\sis\sa\sno)|no(?<=answer\sis\sa\sno)|no(?<=that's\sa\sno))\b"
    r"(?!\s+(?:need|budget|problem|issue|worries|rush|way|longer|one|"
    r"more|to\b|further|objections?|concerns?|changes?|decision))"
    r"|\b(?:doesn't|don't|didn't)\s+(?:resonate|land)\b"
    r"|\bnot\s+(?:worth|a\s+need)\s+(?:it|the\s+(?:money|investment|spend|cost))\b"
    r"|\bnot\s+(?:something|anything)\s+(?:we|they|she|he)\s+(?:need|want|care\s+about)\b"
    r"|\bno\s+longer\s+(?:need|want|pursuing|moving\s+forward|evaluating)\b"
    r"|\bwalk(?:ed|ing)?\s+away\b"
)

# --- more phrasings, kept apart from the core lists above so each stays readable ----------------------------------

_QTY = r"(?:(?:a\s+)?(?:few|couple(?:\s+of)?|little|bit(?:\s+of)?|lot\s+of)\s+|some\s+|more\s+|a\s+|the\s+|another\s+|extra\s+|two\s+|three\s+|several\s+|\d+\s+)"
_THINK_MORE = (
    r"\bthink(?:s|ing)?\s+on\s+(?:" + _OBJ + r"|things)\b"
    r"|\bthink(?:s|ing)?\s+(?:\w+\s+)?about\s+(?:whether|if)\b(?P<attr1>)"
    r"|\b(?:process|processing)\s+(?:it|this|that|everything|things|all\s+(?:this|that|of\s+(?:it|this))|it\s+all|"
    r"the\s+(?:proposal|numbers|pricing|info|demo))\b(?P<attr2>)"
    r"|\bweigh(?:s|ing)?\s+(?:it|this|that|things|" + _OBJ + r")\s+up\b"
    r"|\b(?:need|needs|want|wants|asked\s+for|asking\s+for|requested|take|takes|taking|give|given|get|gets|buy|buying)\s+"
    r"(?:(?:them|her|him|me|us)\s+)?" + _QTY + r"{1,3}(?:time|days?|weeks?|while|beat|breather|night|weekend)\b"
    r"(?!\s+(?:off|ago|of\s+(?:pto|vacation|training)))"
    r"|\b(?:won't|not\s+gonna|not\s+going\s+to|can't|doesn't\s+want\s+to|don't\s+want\s+to|refuses\s+to|isn't\s+going\s+to)\s+"
    r"(?:decide|commit|sign|make\s+a\s+(?:decision|call))\s+(?:on\s+the\s+spot|today|right\s+away|yet|now|immediately|"
    r"this\s+week|on\s+the\s+call|just\s+yet|so\s+fast|that\s+quickly)\b"
    r"|\b(?:no|not\s+a|without\s+a)\s+decision\s+yet\b(?P<attr3>)|\bhasn't\s+made\s+(?:up\s+(?:her|his|their)\s+mind|a\s+decision)\b"
    r"|\bneed(?:s)?\s+(?:some|more|a\s+bit\s+of)\s+(?:time|headspace|space)\b(?P<attr4>)"
)
_CONSULT_MORE = (
    r"\bsociali[sz](?:e|es|ing|ed)\s+(?:it|this|that|the\s+\w+)\b"
    r"|\b(?:discuss|discussing|review|reviewing|talk\s+it\s+over|chat\s+about\s+it|decide|deciding)\s+(?:it\s+|this\s+|that\s+)?"
    r"internally\b"
    r"|\b(?:discuss|discussing|talk|talking|check|checking|review|reviewing)\s+(?:it\s+|this\s+)?(?:internally|further|more|"
    r"first)\s+(?:with|w/)\s+" + _TARGET
    + r"|\b(?:board|cfo|ceo|committee|legal|procurement|finance|leadership|owners?|partners|founders?|investors|council|"
    r"trustees)\b(?:\s+[\w'-]+){1,6}?\s+(?:has|have|needs?|must|will\s+need|would\s+need|gets?)\s+to\s+(?:approve|sign\s+off|"
    r"weigh\s+in|review|bless|okay|ok|green-?light|vote)\b"
    r"|\bget(?:s|ting)?\s+" + _TARGET + r"\s+(?:comfortable|on\s+board|onside|aligned|to\s+agree|bought\s+in|over\s+the\s+line|"
    r"to\s+(?:sign|say\s+yes))\b"
    r"|\b(?:needs?|has|have|must|got|gotta|going)\s+to\s+sell\s+(?:it|this|that|the\s+\w+)\s+(?:internally|in(?:ternally)?\s+to|up\s+(?:the\s+chain|to)|to\s+"
    + _TARGET + r")"
    r"|\bget(?:ting)?\s+(?:everyone|all\s+(?:the\s+)?stakeholders|the\s+(?:whole\s+)?team|all\s+parties|leadership|"
    r"(?:their|her|his)\s+(?:\w+\s+)?team)\s+(?:aligned|on\s+board|on\s+the\s+same\s+page|in\s+agreement)\b"
    r"|\b(?:get|gets|getting|have|has|need|needs|want|wants|wait(?:ing)?\s+for|gotta\s+get|got\s+to\s+get)\s+" + _TARGET
    + r"\s+to\s+(?:look\s+at|review|sign\s+off|approve|weigh\s+in|see|check|vet|bless|okay|ok|green-?light|"
    r"have\s+a\s+look|take\s+a\s+look|go\s+over|read|evaluate|chime\s+in|agree|buy\s+in)\b"
    r"|\b(?:needs?|requires?|required|waiting\s+(?:on|for)|pending|subject\s+to|gotta\s+get|got\s+to\s+get|has\s+to\s+get|"
    r"have\s+to\s+get|must\s+get|get)\s+(?:(?:the|their|her|his|our|an?)\s+)?(?:[\w-]+\s+){0,2}?"
    r"(?:board|partners?|partner|cfo|ceo|cto|coo|cio|exec|executive|leadership|committee|spouse|wife|husband|owner|owners|"
    r"founders?|boss|manager|director|vp|gc|legal|finance|procurement|family|investor|investors|trustee|trustees|"
    r"superintendent|council|hq|corporate)(?:'s|s')?\s+(?:approval|sign-?off|buy-?in|blessing|ok|okay|go-?ahead|"
    r"green\s*light|input|thumbs\s+up|signature|consent|permission|review|say-?so)\b"
    r"|\b(?:bring|brings|bringing|raise|raises|raising|take|takes|taking|run|runs|running|float|floating)\s+"
    r"(?:it|this|that|the\s+\w+)\s+up\s+(?:with|to)\s+" + _TARGET
    + r"|\b(?:run|runs|running|ran)\s+(?:[\w'-]+\s+){1,3}?(?:by|past)\s+" + _TARGET
    + r"|\bdecision\s+(?:is|lies|sits|rests)\s+(?:now\s+|really\s+)?with\s+" + _TARGET
    + r"|\b(?:can't|cannot|won't|not\s+able\s+to|unable\s+to)\s+(?:move|proceed|decide|sign|commit|do\s+anything|go\s+ahead|"
    r"move\s+forward)\s+(?:\w+\s+)?(?:without|until)\s+(?:running|checking|talking|getting|consulting|asking|looping|"
    r"the\s+|her\s+|his\s+|their\s+)"
    r"|\b" + _TARGET_SUBJECT + r"\s+(?:must|needs?\s+to|has\s+to|have\s+to|will\s+(?:need\s+to|have\s+to)|gets?\s+to)\s+"
    r"(?:weigh\s+in|sign\s+off|approve|review|look|decide|bless)\b"
)
_SEND_MORE = (
    r"\b(?:pop|shoot|send|fire|drop|flick|email)\s+(?:me\s+|us\s+)?(?:something|it|that|this|some\s+info|the\s+details)\s+"
    r"over\b(?:\s+(?:by|via|on|in\s+an?)\s+email)?|"
    r"\b(?:email|send|forward|shoot)\s+(?:me|us|him|her|them|over)\s+(?:whatever|anything|everything|what(?:ever)?\s+you(?:'ve)?\s+"
    r"(?:got|have))\b"
    r"|\b(?:wants?|wanted|asked\s+for|asking\s+for|would\s+(?:rather|prefer)|prefers?|just\s+want)\s+(?:the\s+|a\s+|some\s+|more\s+|"
    r"any\s+|your\s+)?(?:[\w-]+\s+){0,2}?(?:info|information|sheet|deck|brochure|details|pdf|overview|materials?|one-?pager|"
    r"case\s+stud(?:y|ies)|pricing|literature|collateral|summary)\s+(?:emailed|sent(?:\s+over)?|by\s+email|over\s+email|in\s+writing)\b"
    r"|\b(?:put|throw|get|pop|stick|drop|pop)\s+(?:it|something|that|everything|this|the\s+(?:details|info|information|pricing|"
    r"specifics)|some\s+(?:details|info)|a\s+few\s+details)\s+(?:in|into)\s+(?:an?\s+)?(?:email|writing|note)\b"
    r"|\bsomething\s+(?:in\s+writing|(?:you\s+)?(?:could|can)\s+send(?:\s+over)?|to\s+read|(?:they|she|he)\s+can\s+read)\b"
    r"|\b(?:have|got)\s+(?:a|an|any|some)\s+(?:pdf|deck|brochure|one-?pager|overview|info|materials|case\s+stud(?:y|ies)|"
    r"literature|white\s*paper)\b(?:\s+or\s+something)?\s+(?:you\s+)?(?:could|can|to)\s+send"
    r"|\b(?:asked|asks|asking)\s+for\s+(?:some\s+|more\s+|a\s+)?(?:literature|brochures?|materials|reading\s+material|"
    r"collateral|a\s+deck|info|information|an?\s+overview|a\s+one-?pager|case\s+studies)\b(?!\s+(?:on|about)\s+(?:soc|security|"
    r"compliance|gdpr|hipaa))"
)
_TIMING_MORE = (
    r"\b(?:wait|waiting|hold(?:ing)?\s+off|park(?:ed|ing)?|pause[ds]?|pausing|freez(?:e|es|ing)|froze|frozen|hold|"
    r"sit(?:ting)?\s+tight|defer(?:red|ring)?|postpon(?:e|ed|ing)|delay(?:ed|ing)?|punt(?:ed|ing)?|push(?:ed|ing)?|"
    r"shelv(?:e|ed|ing)|tabl(?:e|ed|ing)|revisit(?:ing)?)\s+(?:(?:it|this|that|things|everything|the\s+\w+|"
    r"all\s+(?:new\s+)?\w+(?:\s+\w+)?)\s+)?(?:until|till|'til|til)\b"
    r"|\b(?:punt(?:ed|ing)?|push(?:ed|ing)?|bump(?:ed|ing)?|kick(?:ed|ing)?|mov(?:e|ed|ing)|slid|slipp?(?:ed|ing)?)\s+"
    r"(?:(?:it|this|that|things|everything|the\s+(?:call|decision|deal|meeting|project|kickoff|start))\s+)?(?:out\s+)?"
    r"(?:to|until|into)\s+(?:sometime|some\s+time|maybe|probably)\s+" + _TIMING_WHEN
    + r"|\b(?:rather|prefer\s+to|want\s+to|wants\s+to|asked\s+to|asked\s+us\s+to|asked\s+me\s+to)\s+"
    r"(?:revisit|reconnect|pick\s+(?:this|it)\s+(?:back\s+)?up|come\s+back\s+to\s+(?:it|this)|circle\s+back|talk|reconvene)\s+"
    r"(?:(?:on\s+)?(?:it|this|that|things)\s+)?(?:after|once|when|in|next|later|around|come)\b"
    r"|\b(?:revisit(?:ing)?)\s+(?:(?:it|this|that|things)\s+)?(?:after|once|when|in|next|later|around|come)\b"
)
_BUDGET_MORE = (
    r"\b(?:price|pricing|cost|costs|number|budget|money)\s+(?:is|was|'s|are|were)\s+(?:the|a|an|their|"
    r"the\s+main|the\s+big|the\s+real|the\s+only)\s+(?:blocker|problem|issue|dealbreaker|sticking\s+point|hurdle|obstacle|"
    r"hang-?up|concern)\b"
    r"|\b(?:can't|cannot|couldn't|unable\s+to|not\s+able\s+to|struggling\s+to|won't\s+be\s+able\s+to)\s+(?:get|find|secure|"
    r"free\s+up|unlock|scrape\s+together|justify|get\s+approval\s+for)\s+(?:the\s+|any\s+|enough\s+)?(?:budget|money|funds|"
    r"funding|spend|cash)\b"
    r"|\b(?:don't|doesn't|didn't)\s+have\s+(?:the\s+|any\s+|enough\s+)?(?:money|budget|funds|funding|cash)\b"
    r"|\bno\s+(?:\$|money|budget|funds|funding|dollars)\s+(?:allocated|set\s+aside|earmarked|available|approved|left)\b"
    r"|\b(?:money|budget|cost|price)\b(?:(?<=it's\s\w{4})|(?<=it's\s\w{5})|(?<=it's\s\w{6})|(?<=it\sis\s\w{5})|"
    r"(?<=its\s\w{5})|(?<=issue\sis\s\w{4})|(?<=issue\sis\s\w{5})|(?<=issue\sis\s\w{6})|(?<=problem\sis\s\w{5})|"
    r"(?<=problem\sis\s\w{6})|(?<=down\sto\s\w{5})|(?<=down\sto\s\w{6})|(?<=all\sabout\s\w{5})|(?<=about\sthe\s\w{5}))"
    r"|\b(?:cutting|cut|slashing|reducing|trimming)\s+(?:back\s+(?:on\s+)?)?(?:costs?|spend(?:ing)?|expenses|budgets?)\b"
    r"|\b(?:grant|budget|money|funds|funding|grant\s+money)\s+(?:won't|doesn't|does\s+not|will\s+not|can't|didn't|wouldn't)\s+"
    r"(?:cover|stretch|allow|support|pay)\b"
    r"|\b(?:out\s+of\s+reach|out\s+of\s+(?:their|her|his)\s+(?:budget|price\s+range|league))\b"
    r"|\bcan't\s+(?:swing|stomach|justify)\s+(?:it|that|the\s+\w+)\b"
)
_STATUS_QUO_MORE = (
    r"\b(?:happy|satisfied|content|comfortable|fine|good|set|ok|okay|covered)\s+(?:with|on)\s+(?:their|the|its)\s+(?:[\w-]+\s+){0,2}?"
    r"(?:current|existing|in-?house|homegrown|home-grown|internal|own)\s+(?:[\w-]+\s+){0,2}?(?:vendor|provider|tool|solution|"
    r"setup|system|platform|software|crm|process|stack|reporting|spreadsheets?|agency|partner|service)\b"
    r"|\b(?:current\s+|existing\s+|in-?house\s+|homegrown\s+|internal\s+)(?:[\w-]+\s+)?(?:tool|system|"
    r"setup|process|solution|platform|crm|software|spreadsheets?|vendor|provider)\s+(?:does\s+the\s+job|works(?:\s+(?:fine|well))?|"
    r"is\s+(?:good\s+enough|fine|working|enough)|gets\s+the\s+job\s+done|covers\s+it|does\s+(?:everything|all|what)\s+"
    r"(?:they|she|he|we)\s+need|covers\s+(?:everything|what\s+they\s+need)|has\s+(?:everything|all)\s+they\s+need)\b"
    r"|\b(?:sticking|stick|staying|stay|stayed|stuck|locked\s+in|renewed|renewing|re-?signed|re-?upped)\s+with\s+(?P<cap1>)"
    r"|\b(?:happy|satisfied|content|pleased|good|fine)\s+with\s+(?P<cap2>)(?!(?:the|this|that|how|what)\b)"
    r"|\b(?:attached|loyal|wedded|married)\s+to\s+(?:their|the|its)\s+(?:[\w-]+\s+){0,2}?(?:current|existing|in-?house|"
    r"homegrown|home-grown|internal|own|old|legacy)\s+(?:[\w-]+\s+){0,1}?(?:crm|tool|system|setup|vendor|provider|process|"
    r"platform|software|solution)\b"
    r"|\b(?:signed|inked)\s+(?:a|their|another)\s+(?:\w+\s+)?(?:renewal|contract|extension)\s+with\s+(?:the\s+)?(?:incumbent|"
    r"current|existing|competitor)"
    r"|\b(?:been\s+(?:using|with|on)|using|used)\s+(?:[\w-]+\s+){1,2}?for\s+(?:\d+|many|several|a\s+few|two|three|four|five|six|"
    r"seven|eight|nine|ten)\s+years\b"
    r"|\bno\s+complaints\b"
    r"|\bwhat\s+(?:they|we|she|he)(?:'ve|\s+have|\s+has)?\s+(?:got|have|has|use|uses)\s+(?:already\s+|now\s+)?(?:covers|works|does|"
    r"handles|is\s+(?:fine|enough|good\s+enough))\b"
    r"|\b(?:incumbent|current\s+vendor|existing\s+vendor|current\s+provider|existing\s+provider)\s+(?:\w+\s+){0,3}?"
    r"(?:discount|price\s+match|matched|undercut|lowered|dropped\s+(?:their|the)\s+price)"
    r"|\bstaying\b(?:(?<=they're\sstaying)|(?<=they\sare\sstaying)|(?<=she's\sstaying)|(?<=he's\sstaying))"
    r"(?!\s+(?:late|home|in|at|over))|\bstay(?:ing)?\s+put\b"
    r"|\b(?:don't|doesn't|do\s+not|does\s+not)\s+(?:really\s+)?(?:feel|see|have)\s+(?:the|any|much|enough)\s+pain\b"
)
_NO_INTEREST_MORE = (
    r"\bremove\s+(?:me|us|them)\s+from\s+(?:your|the|their)\s+(?:\w+\s+)?list\b"
    r"|\b(?:isn't|is\s+not|not|wasn't)\s+(?:really\s+)?(?:something|anything)\s+(?:we|they|she|he|i)(?:'d|\s+would|'ll|\s+will)?\s+"
    r"(?:ever\s+)?(?:need|use|want|buy|care\s+about|be\s+interested\s+in)\b"
    r"|\b(?:asked|told|wants?|wanted)\s+(?:us|me)\s+(?:not\s+to|to\s+stop)\s+(?:contact|call|email|reach|follow|ping|message)"
    r"|\bdo\s+not\s+(?:contact|call|email)\b"
)


# --- wider vocabulary: families of paraphrases rather than single sentences ---------------------------------------
# Each family pairs a synonym set (verbs, nouns, regional English, chat shorthand) with a grammatical frame. Phrases
# that are as likely to be a rep's own note as a prospect's words carry an empty (?P<spk_KIND_N>) group: those need a
# speaker (quoted, reported, attributed, or under a prospect's name), see _prospect_voice.

# Brush-off reading matter: "bumph", "deets", "company profile", "pricing sheet", "whitepaper", "reading material".
_INFO_NOUN = (
    r"(?:info|infos|information|details|deets|bumph|bumf|literature|materials?|collateral|decks?|brochures?|"
    r"one-?pagers?|one\s+pager|overview|case\s+stud(?:y|ies)|white\s*papers?|data\s*sheets?|spec\s*sheets?|"
    r"sales\s+sheets?|fact\s*sheets?|pricing(?:\s+(?:sheet|list|deck|info|details|guide|doc|grid))?|"
    r"price\s+(?:list|sheet|guide|grid)|rate\s+card|profile|credentials|creds|capabilities(?:\s+(?:deck|doc|statement))?|"
    r"portfolio|pdfs?|links?|website|reading(?:\s+material)?|resources|docs|documentation|write-?up|blurb|summary|"
    r"something|stuff|video|recording)"
)
_INFO_NOUN = _factor(_INFO_NOUN)
_SEND_VERB = (
    r"(?:send|sends|email|e-?mail|mail|shoot|drop|forward|fwd|flick|fire|zip|ping|pop|chuck|bung|whatsapp|share|"
    r"pass\s+(?:on|along)|post|courier|provide)"
)
_SEND_VERB = _factor(_SEND_VERB)
_THINK_WIDE = (
    # "have a mull", "wants a proper think", "needs a bit of a ponder", "after a good think"
    r"\b(?:have|has|having|take|takes|taking|need|needs|want|wants|wanted|after|(?:give|giving|gives)\s+(?:it|us|me|them|her|him))\s+"
    r"(?:a|another|one\s+more)\s+"
    r"(?:(?:proper|good|little|quick|long|hard|real|bit\s+of\s+a|wee|serious|careful|decent|further)\s+){0,2}"
    r"(?:think|mull|ponder|noodle|reflect|chew|deliberation)\b(?!\s+(?:tank|piece))"
    # "let me ponder", "let us mull it over", "lemme reflect"
    r"|\blet\s+(?:me|us)\s+(?:ponder|mull|reflect|digest|chew|noodle|marinate|deliberate|weigh|process|cogitate|ruminate)\b"
    # bare thinking verbs after an infinitive or modal: "wants to ponder", "they'll deliberate", "gonna mull"
    r"|(?:(?<=to\s)|(?<='ll\s)|(?<=will\s)|(?<=gonna\s)|(?<=wanna\s)|(?<=still\s))"
    r"(?:ponder|mull|deliberate|reflect|noodle|marinate|cogitate|ruminate|percolate)\b"
    r"(?!\s+(?:on|over|about)\s+(?:how|what|whether|which|my|our))"
    r"|(?:(?<=still\s)|(?<=is\s)|(?<='s\s)|(?<=are\s)|(?<='re\s))(?:pondering|mulling|deliberating|noodling|marinating|"
    r"ruminating|cogitating)\b(?!\s+(?:on|over|about)\s+(?:how|what|whether|which|my|our))"
    r"|\b(?:chew|chews|chewing|turn|turns|turning|talk|talks|talking|kick|kicking)\s+(?:it|this|that|things|everything)\s+over\b"
    # "get his head around it", "wrap their heads round the numbers"
    r"|\b(?:get|gets|getting|wrap|wraps|wrapping)\s+(?:her|his|their)\s+heads?\s+(?:a)?round\s+(?:it|this|that|things|everything|the\s+\w+)"
    # "weighing it all up", "weigh up their options"
    r"|\bweigh(?:s|ing|ed)?\s+(?:(?:it|this|that|things|everything)\s+(?:all\s+)?up|up\s+(?:the|their|her|his|all\s+the)\s+"
    r"(?:options|pros\s+and\s+cons|proposal|offer|numbers|costs))"
    # "go away and think", "take it away and have a think"
    r"|\b(?:go|going|goes|went|take\s+(?:it|this)|taking\s+(?:it|this))\s+away\s+(?:and|&|n|to)\s+(?:think|mull|ponder|reflect|"
    r"digest|consider|have\s+a\s+(?:think|mull|ponder))"
    # "let it percolate", "let the numbers sink in"
    r"|\blet\s+(?:it|this|that|things|everything|the\s+(?:proposal|numbers|offer|pricing|demo))\s+(?:percolate|simmer|stew|"
    r"sink\s+in|settle|marinate|breathe)\b"
    # "in two minds", "still making up their minds"
    r"|(?:(?<=in\s)|(?<=of\s))two\s+minds\b|\b(?:make|making)\s+up\s+(?:her|his|their)\s+minds?\b"
    r"|\bnot\s+(?:quite\s+|yet\s+)?in\s+a\s+position\s+to\s+(?:decide|commit|make\s+a\s+(?:call|decision)|say\s+yes|sign)\b"
    # "leave it with me" is the prospect's line, never the rep's
    r"|\bleave\s+(?:it|this|that)\s+with\s+(?:me|us)\b(?P<spk_think_it_over_1>)"
)
_CONSULT_WIDE = (
    # "have a yarn with his boss", "grab a quick word w/ the MD", "a chat with her other half"
    r"\b(?:have|has|get|grab|book|need|needs|want|wants)\s+(?:a\s+)?(?:quick\s+|proper\s+|little\s+|brief\s+)?"
    r"(?:yarn|chat|word|natter|conversation|convo|discussion|sit-?down|catch-?up|huddle|pow-?wow|confab)\s+(?:with|w/)\s+"
    + _TARGET
    # "get it cleared by his director", "have the contract vetted by legal"
    + r"|\b(?:get|gets|getting|have|has|need|needs)\s+(?:it|this|that|everything|things|the\s+\w+)\s+(?:cleared|approved|"
    r"signed\s+off|okayed|ok'd|rubber-?stamped|vetted|blessed|green-?lit|ratified|authori[sz]ed|sanctioned)\s+(?:by|with|through|at)\s+"
    + _TARGET
    # "has to be ok'd by the owners", "needs to be signed off by their CFO"
    + r"|\b(?:has|have|needs?|must|will\s+need|would\s+need|got)\s+to\s+be\s+(?:ok'd|okayed|approved|signed\s+off|"
    r"cleared|rubber-?stamped|vetted|blessed|green-?lit|ratified|authori[sz]ed|sanctioned|reviewed|agreed)\s+(?:\w+\s+)?"
    r"(?:by|through|with|at)\s+" + _TARGET
    # "clear it with the MD", "square it with her boss"
    + r"|\b(?:clear|clears|clearing|square|squares|squaring)\s+(?:it|this|that|things|the\s+\w+)\s+(?:with|w/|through)\s+" + _TARGET
    # "clearance / the nod / the say-so from the board"
    + r"|\b(?:clearance|authori[sz]ation|permission|consent|nod|say-?so|final\s+approval)\s+"
    r"(?:from|by|of)\s+" + _TARGET
    # "get the wider team's buy-in", "needs the MD's sign-off"
    + r"|\b(?:get|gets|getting|need|needs|needed|require|requires|want|wants|waiting\s+(?:on|for)|secure|seek|seeking|win)\s+"
    r"(?:the\s+|their\s+|her\s+|his\s+)?(?:[\w-]+\s+){0,2}?" + _TARGET_NOUN + r"(?:'s|s'|')\s+(?:buy-?\s?in|sign-?\s?off|approval|"
    r"blessing|ok|okay|go-?ahead|green\s*light|nod|say-?so|input|signature|permission|consent|thumbs\s+up|support)\b"
    # "not my call", "not her decision to make"
    r"|\bnot\s+(?:really\s+|entirely\s+|solely\s+|just\s+)?(?:my|her|his|their|our)\s+(?:call|decision|choice|say)\b"
    # "it's up to our CEO", "ultimately up to the board"
    r"|(?:(?<=it's\s)|(?<=its\s)|(?<=it\sis\s)|(?<=that's\s)|(?<=all\s)|(?<=really\s)|(?<=ultimately\s)|(?<=entirely\s)|"
    r"(?<=decision's\s)|(?<=now\s))up\s+to\s+" + _TARGET
    # "the MD makes the final call", "VP has the last word"
    + r"|\b(?:has|have|gets|holds|hold|makes|make)\s+(?:the\s+)?(?:final|last|ultimate)\s+(?:say|word|call|decision|sign-?off)\b"
    r"|\b(?:final\s+(?:say|call|word|decision)|say-?so|sign-?off)\s+(?:is|lies|rests|sits|'s)\s+with\s+" + _TARGET
    # "everyone needs to be comfortable", "all the partners have to agree"
    + r"|\b(?:everyone|everybody|all\s+(?:the\s+)?(?:partners|directors|stakeholders|owners|founders|trustees)|"
    r"(?:whole|wider|entire)\s+team)\s+(?:needs?|has|have|must|will\s+need|wants?)\s+to\s+(?:be\s+(?:comfortable|on\s+board|"
    r"aligned|happy|onside|in\s+agreement|on\s+the\s+same\s+page)|agree|sign\s+off|weigh\s+in|approve|buy\s+in)\b"
    # "take it upstairs", "kick it up the chain"
    r"|\b(?:take|takes|taking|run|runs|running|kick|kicking|push|pushing|escalate|escalating|bump|bumping)\s+"
    r"(?:it|this|that|things|the\s+\w+)\s+(?:upstairs|up\s+the\s+(?:chain|ladder|line|food\s+chain|tree))\b"
    # "convince her boss", "win over the board"
    r"|\b(?:convince|convincing|persuade|persuading|win\s+over|winning\s+over|bring\s+round|bring\s+around)\s+" + _TARGET
)
_SEND_WIDE = (
    # "pop some bumph over", "send deets", "share your company profile and pricing sheet", "flick me the creds"
    r"\b" + _SEND_VERB + r"\s+(?:(?:me|us|it|over|across|along|through|thru|on)\s+){0,2}"
    r"(?:(?:some|a|an|the|your|any|all|more|few|couple(?:\s+of)?|additional|further|relevant|basic|general|"
    r"quick|short|brief|high-?level|written|company|product|updated)\s+){0,3}(?:[\w-]+\s+)?" + _INFO_NOUN + r"\b"
    # "put it all in writing", "get the details down on paper"
    r"|\b(?:put|putting|puts|get|getting|pop|stick|write|set)\s+(?:it|this|that|everything|something|things|the\s+(?:details|"
    r"info|information|pricing|proposal|offer|specifics|numbers)|some\s+(?:details|info)|a\s+few\s+(?:details|lines))\s+"
    r"(?:all\s+)?(?:down\s+)?(?:in|into|on)\s+(?:an?\s+)?(?:writing|e-?mail|note|paper|black\s+and\s+white)\b"
    # "some material to read", "something they can look over"
    r"|\b(?:some|something|anything|more|bits\s+of)\s+(?:(?:\w+\s+)?(?:material|materials|info|information|"
    r"literature|reading|stuff|docs)\s+)?(?:to|they\s+can|she\s+can|he\s+can|i\s+can|we\s+can)\s+(?:read|look\s+(?:at|over|through)|"
    r"review|go\s+through|peruse|digest|circulate|pass\s+around)\b"
    # "asked for deets", "only want brochures", "would rather have some literature"
    r"|\b(?:want|wants|wanted|asked\s+for|asking\s+for|asks\s+for|requested|requesting|prefer|prefers|rather\s+have|"
    r"would\s+like)\s+(?:(?:some|a|an|the|your|any|more|additional|further|written)\s+)?(?:[\w-]+\s+)?"
    r"(?:deets|bumph|bumf|literature|reading\s+material|material|materials|collateral|brochures?|one-?pagers?|white\s*papers?|"
    r"data\s*sheets?|company\s+profile|credentials|case\s+stud(?:y|ies))\b"
)
_TIMING_WIDE = (
    # "call in April", "ring us after Easter", "try again closer to year-end"
    r"\b(?:call|ring|phone|email|contact|ping|chase|approach|bell|buzz|try)\s+(?:(?:us|me|them|him|her|back|again)\s+){0,2}"
    r"(?:in|after|next|around|come|from|closer\s+to|towards?|early|late|mid)\s*" + _TIMING_WHEN
    # "their contract with the old vendor runs till March"
    + r"|\b(?:contract|agreement|licen[cs]e|subscription|term|commitment)\s+(?:with\s+(?:the\s+|their\s+|her\s+|his\s+)?"
    r"(?:[\w-]+\s+){0,3}?)?(?:runs|run|goes|lasts|is\s+locked\s+in|is\s+in\s+place|is\s+valid|doesn't\s+end|isn't\s+up|won't\s+end)\s+"
    r"(?:(?:out|on)\s+)?(?:till|until|'til|through|thru)\s+" + _TIMING_WHEN
    # "nothing happens until then", "nothing moves before Q3"
    + r"|\bnothing\s+(?:\w+\s+){0,2}?(?:happens|happening|moves|moving|changes|will\s+(?:happen|move|change)|can\s+(?:happen|move)|"
    r"gets\s+(?:done|decided|signed))\s+(?:until|till|before|'til)\b"
    # "can't take this on before the new financial year", "won't be able to start until Q3"
    + r"|\b(?:can't|cannot|won't|couldn't|unable\s+to|not\s+able\s+to)\s+(?:be\s+able\s+to\s+)?(?:[\w'-]+\s+){0,3}?"
    r"(?:before|until|till|'til)\s+(?:after\s+)?" + _TIMING_WHEN
    # "they're in code freeze", "going into a change freeze"
    + r"|(?:(?<=in\s)|(?<=into\s)|(?<=under\s)|(?<=during\s)|(?<=entering\s)|(?<=in\sa\s)|(?<=in\sthe\s)|(?<=in\stheir\s)|"
    r"(?<=into\sa\s)|(?<=entering\sa\s))(?:code|change|release|deployment)\s+freeze\b"
    # "after the annual audit only", "post go-live at the earliest"
    r"|\b(?:after|post)\s+(?:the|their)\s+(?:[\w-]+\s+){0,2}?" + _TIMING_EVENT + r"\s+(?:only|at\s+the\s+earliest|first)\b"
    # "isn't a priority (right now)"
    r"|\b(?:isn't|is\s+not|aren't)\s+(?:a|the)\s+(?:top\s+|high\s+|big\s+|real\s+|current\s+)?priority\b"
    r"(?!\s+(?:for\s+(?:me|us\s+internally)|to\s+fix))"
)
_BUDGET_WIDE = (
    # "funds not sanctioned", "PO wasn't approved", "money isn't available"
    r"\b(?:funds|funding|spend|money|cash|capex|opex|budget\s+line|allocation|po|purchase\s+order)\s+(?:(?:is|are|was|were|has|"
    r"have|had)\s+)?(?:not|never|yet\s+to\s+be|isn't|aren't|wasn't|weren't|hasn't\s+been|haven't\s+been)\s+(?:been\s+|yet\s+)?"
    r"(?:sanctioned|approved|allocated|released|signed\s+off|granted|available|forthcoming|there)\b"
    # "discretionary spend frozen", "tooling spend is on hold"
    r"|\b(?:spend|spending|funds|funding|purchasing|purchases|capex|opex|tooling)\s+(?:(?:is|are|was|were|has|have|been|got|"
    r"now|all|currently|completely|totally|just|being)\s+){0,3}(?:frozen|slashed|cut|gutted|axed|pulled|halted|paused|suspended|"
    r"on\s+hold|locked\s+down|capped|blocked|banned|restricted|dried\s+up)\b"
    # "tooling freeze", "capex freeze"
    r"|\b(?:tooling|tech|technology|capex|opex|discretionary|investment|buying|new\s+vendor|new\s+tool|new\s+spend|saas)\s+"
    r"(?:freeze|freezes|moratorium|embargo|ban|cuts)\b"
    # "a bit rich for our blood", "too steep for their liking"
    r"|\b(?:rich|steep|pricey|pricy|expensive|dear|spendy|costly)\s+for\s+(?:our|their|his|her|my)\s+(?:blood|liking|budget|"
    r"wallet|pockets?)\b"
    r"|\b(?:bit|little|tad|touch)\s+(?:too\s+|on\s+the\s+)?(?:steep|pricey|pricy|expensive|rich|"
    r"dear|spendy|costly)\s+for\s+(?:them|her|him|us|their\s+\w+|what\s+(?:they|we)\s+need)\b"
    r"|\b(?:bit|little|tad|touch)\s+(?:too\s+|on\s+the\s+)?(?:steep|pricey|pricy|expensive|rich|"
    r"dear|spendy|costly)\b(?P<spk_budget_1>)"
    # "the cost doesn't fit", "pricing doesn't stack up for them"
    r"|\b(?:cost|costs|price|pricing|number|numbers|quote|investment|fee|fees)\s+(?:just\s+|really\s+|simply\s+)?(?:doesn't|does\s+not|"
    r"don't|didn't|won't|wouldn't|can't)\s+(?:really\s+|quite\s+)?(?:fit|stack\s+up|add\s+up|pencil(?:\s+out)?|"
    r"make\s+sense\s+(?:for\s+(?:them|her|him|us)|financially)|work\s+(?:for\s+(?:them|her|him|us)|financially|budget-?wise))\b"
    # "more than they've got this year", "over what they can spend"
    r"|\b(?:more|higher)\s+than\s+(?:what\s+)?(?:they|she|he|we)(?:'ve|\s+have|\s+has|\s+had)?\s+(?:got|have|has)\s+"
    r"(?:budgeted|allocated|set\s+aside|to\s+spend|left|available|in\s+(?:the|their)\s+budget|(?:for\s+)?this\s+(?:year|quarter|fy))\b"
    r"|\b(?:more|higher)\s+than\s+(?:what\s+)?(?:they|she|he|we)(?:'d|\s+had|\s+have)?\s+(?:budgeted|allocated|"
    r"can\s+(?:afford|spend|justify)|could\s+(?:afford|spend|justify))\b"
    r"|\b(?:over|above|beyond|outside)\s+what\s+(?:they|she|he|we)(?:'ve|\s+have|\s+had|\s+can|\s+could)?\s+(?:got\s+)?"
    r"(?:allocated|budgeted|spend|afford|got\s+to\s+spend|set\s+aside)\b"
    # "blew their whole software budget on the ERP", "spent it all elsewhere"
    r"|\b(?:blew|blown|spent|burned|burnt|exhausted|used\s+up|sunk|sank|maxed\s+out|ate\s+up|eaten\s+up)\s+(?:all\s+(?:of\s+)?)?"
    r"(?:their|the|her|his|its)\s+(?:whole\s+|entire\s+|full\s+|annual\s+|yearly\s+|remaining\s+)?(?:[\w-]+\s+)?"
    r"(?:budget|spend|allocation|funds|funding|money|cash)\s+(?:on|for|into|elsewhere)\b(?!\s+(?:us|our)\b)"
    r"|\bnothing\s+(?:left|remaining)\s+(?:for\s+(?:us|this|new|tools|anything\s+new|software|vendors)|in\s+(?:the|their)\s+"
    r"(?:budget|pot|kitty|coffers)|to\s+spend)\b"
    r"|\b(?:coffers|kitty)\s+(?:is|are)\s+(?:empty|dry|bare)\b"
    r"|\bnothing\s+(?:new\s+)?(?:gets|will\s+get|is\s+getting|can\s+get|is\s+being)\s+(?:funded|approved|signed\s+off|purchased|"
    r"bought|green-?lit)\b"
)
_QUO_NOUN = (
    r"(?:process|processes|system|systems|setup|set-up|tool|tools|tooling|way|ways|approach|method|methods|vendor|provider|"
    r"spreadsheets?|workflow|solution|platform|software|crm|stack|arrangement|supplier|agency|contract|licen[cs]e)"
)
_QUO_NOUN = _factor(_QUO_NOUN)
_QUO_ADJ = (
    r"(?:current|existing|old|legacy|present|in-?house|manual|homegrown|home-grown|internal|incumbent|paper|paper-based|"
    r"spreadsheet|excel|same|trusty|tried-and-tested|tried\s+and\s+tested)"
)
_QUO_ADJ = _factor(_QUO_ADJ)
_STATUS_QUO_WIDE = (
    # "happy with the spreadsheets they've got", "fine with what they're using"
    r"\b(?:happy|satisfied|content|comfortable|fine|good|ok|okay|pleased|sorted|covered)\s+with\s+(?:the|their|its)\s+"
    r"(?:[\w-]+\s+){0,2}?(?:they|she|he|we)(?:'ve|'re|\s+have|\s+has|\s+are|\s+already)?\s+(?:got|have|has|use|uses|using|run|"
    r"running)\b"
    r"|\b(?:happy|satisfied|content|comfortable|fine|good|ok|okay|pleased|sorted|covered)\s+with\s+(?:what|how)\s+"
    r"(?:they|she|he|we)(?:'ve|'re)\s+(?:got|doing|using|running)\b"
    # "carry on with what they've got", "stick with the devil they know"
    r"|\b(?:carry(?:ing)?\s+on|continu(?:e|es|ing)|stick(?:s|ing)?|stay(?:s|ing)?|keep(?:s|ing)?\s+going)\s+(?:with|using)\s+"
    r"(?:what|how)\s+(?:they|she|he|we)(?:'ve|'re|\s+have|\s+has|\s+are|\s+already)?\s+(?:got|have|has|doing|do|use|using|know|"
    r"run|running)\b"
    r"|\b(?:stick(?:s|ing)?|stay(?:s|ing)?)\s+with\s+the\s+devil\s+(?:they|she|he|we)\s+know\b"
    # "sticking with the manual process", "keep their existing in-house tool", "carry on with the old spreadsheets"
    r"|\b(?:stick(?:s|ing)?\s+with|stuck\s+with|stay(?:s|ing)?\s+(?:with|on)|carry(?:ing)?\s+on\s+(?:with|using)|"
    r"continu(?:e|es|ing)\s+(?:with|using)|keep(?:s|ing)?\s+using)\s+(?:the|their|its|her|his)\s+"
    r"(?:[\w-]+\s+){0,2}?" + _QUO_ADJ + r"\s+(?:[\w-]+\s+){0,2}?" + _QUO_NOUN + r"\b"
    + r"|\b(?:keep|keeps|keeping|retain|retains|retaining)\s+(?:the|their|its|her|his)\s+"
    r"(?:[\w-]+\s+){0,2}?" + _QUO_ADJ + r"\s+(?:[\w-]+\s+){0,2}?" + _QUO_NOUN + r"\b(?P<spk_status_quo_4>)"
    # "keep using spreadsheets", "stick with pen and paper"
    + r"|\b(?:keep(?:s|ing)?\s+using|stick(?:s|ing)?\s+with|stay(?:s|ing)?\s+with|carry(?:ing)?\s+on\s+(?:with|using)|"
    r"continu(?:e|es|ing)\s+(?:with|using))\s+(?:spreadsheets|excel|google\s+sheets|pen\s+and\s+paper|paper|whiteboards|"
    r"email|what\s+works)\b(?P<spk_status_quo_5>)"
    # "stay as we are", "keep things as they are", "leave it as is"
    + r"|\b(?:stay|stays|staying|remain|remaining|keep\s+(?:things|it|everything)|keeping\s+(?:things|it|everything)|"
    r"leave\s+(?:things|it|everything)|leaving\s+(?:things|it|everything)|carry\s+on|carrying\s+on)\s+(?:(?:just\s+)?(?:as|how)\s+"
    r"(?:(?:we|they|it|things|she|he|everything)\s+)?(?:are|is|were|was|stand|stands)|as-?is|the\s+same|unchanged)\b"
    r"(?P<spk_status_quo_1>)"
    # "not change anything", "no plans to switch"
    r"|\b(?:not|don't|doesn't|won't|no\s+plans?\s+to|not\s+planning\s+to|not\s+looking\s+to)\s+(?:want\s+to\s+)?"
    r"(?:change|switch|replace|touch|disrupt|shake\s+up|overhaul|rip\s+out)\s+(?:anything|a\s+thing|what\s+works|their\s+(?:setup|"
    r"stack|process|system|tools?|vendor|provider|crm)|vendors|providers|systems)\b(?P<spk_status_quo_2>)"
    r"|\bno\s+(?:change|changes)\s+(?:planned|needed|wanted|on\s+the\s+cards)\b(?P<spk_status_quo_3>)"
    # "switching is too much hassle", "a switch would be too disruptive"
    r"|\b(?:switching|migrating|switch|(?:moving|changing)\s+(?:vendors?|providers?|tools?|systems?|platforms?|crms?|"
    r"suppliers?|over|across))\s+"
    r"(?:(?:vendors?|tools?|systems?|providers?|platforms?|over|now)\s+)?(?:is|would\s+be|'s|was|seems|feels|sounds)\s+"
    r"(?:just\s+|simply\s+|way\s+)?(?:too\s+(?:much\s+(?:of\s+a\s+)?)?(?:hassle|effort|work|risky|disruptive|painful|big\s+(?:a\s+)?"
    r"(?:lift|job)|heavy\s+(?:a\s+)?lift|much)|(?:a|such\s+a)\s+(?:hassle|headache|pain|big\s+lift|heavy\s+lift|nightmare|faff)|"
    r"not\s+worth\s+(?:it|the\s+\w+))"
    r"|\b(?:hassle|faff|headache|upheaval)\s+to\s+"
    r"(?:switch|change\s+(?:over|vendors|tools|systems|providers)|migrate|move\s+(?:over|across))\b"
    # "renewed their existing Chorus licence", "rolled over their current contract", "re-upped their Gong seats"
    r"|\b(?:renewed|renewing|renew|renews|re-?signed|re-?upped|extended|extending|extends|rolled\s+over|rolling\s+over)\s+"
    r"(?:their|its|her|his)\s+(?:current|existing|incumbent|old|legacy)\s+(?:[\w-]+\s+){0,2}?(?:contract|agreement|subscription|"
    r"licen[cs]es?|deal|plan|seats|term)\b(?!\s+with\s+us)"
    r"|\b(?:renewed|renewing|re-?signed|re-?upped|extended|rolled\s+over)\s+(?:their|its|her|his)\s+(?P<cap3>)[\w-]+\s+"
    r"(?:licen[cs]es?|contract|subscription|agreement|seats)\b"
)
_NO_INTEREST_WIDE = (
    # "not looking at anything in this space", "not exploring new tools" (but "...till Q3" is timing)
    r"\bnot\s+(?:currently\s+|really\s+|actively\s+)?(?:looking\s+(?:at|into)|evaluating|exploring|considering)\s+(?:anything|"
    r"any\s+\w+|new\s+\w+|other\s+\w+|(?:a|an)\s+(?:new\s+)?(?:tool|platform|solution|vendor|provider|product|system|software))\b"
    r"(?!(?:\s+[\w'-]+){0,4}?\s+(?:until|till|'til|before|after|next|in\s+q[1-4]|this\s+(?:quarter|year)))"
    # "we don't require this service", "doesn't need anything like that"
    r"|\b(?:don't|doesn't|do\s+not|does\s+not|didn't|did\s+not|won't|wouldn't)\s+(?:really\s+|actually\s+|currently\s+)?(?:need|want|"
    r"require|have\s+(?:a\s+|any\s+)?(?:need|use)\s+for)\s+(?:this|that|these|those|such|your|any)\s+(?:kind\s+of\s+|sort\s+of\s+|"
    r"type\s+of\s+)?(?:\w+\s+)?(?:service|services|solution|solutions|product|products|tool|tools|platform|platforms|software|"
    r"offering|thing|system)\b"
    r"|\b(?:don't|doesn't|do\s+not|does\s+not)\s+(?:really\s+)?(?:need|want|require)\s+(?:anything|something|(?:a|an)\s+"
    r"(?:\w+\s+)?(?:tool|service|product|platform|solution|system|software|app))\s+like\s+(?:this|that|it|yours|ours)\b"
    # "doesn't solve a problem they have", "not a pain point for them", "don't have that problem"
    r"|\b(?:doesn't|does\s+not|don't|didn't|wouldn't|won't)\s+(?:really\s+|actually\s+)?(?:solve|address|fix|tackle|scratch)\s+"
    r"(?:a|any|an|the)\s+(?:real\s+|actual\s+)?(?:problem|pain|issue|need|itch)\s+(?:they|she|he|we)\b"
    r"|\b(?:isn't|is\s+not|not)\s+(?:a\s+)?(?:real\s+|big\s+)?(?:pain\s*point|problem|need)\s+(?:they|we|she|he)"
    r"(?:'ve|\s+have|\s+has|\s+face|\s+feel|\s+actually\s+have)\b"
    r"|\b(?:isn't|is\s+not|not)\s+a\s+(?:real\s+|big\s+)?pain\s*point\b"
    r"|\b(?:don't|doesn't|do\s+not|does\s+not)\s+(?:really\s+|actually\s+)?have\s+(?:that|this)\s+(?:problem|pain|need|use\s+case)\b"
    r"|\bno\s+(?:real\s+)?(?:problem|pain|use\s+case)\s+to\s+solve\b"
    # "this isn't a priority for us and won't be"
    r"|\b(?:isn't|is\s+not|not|won't\s+be|will\s+never\s+be)\s+(?:a\s+)?priority\b(?:\s+for\s+(?:us|them|her|him))?,?\s+"
    r"(?:and\s+(?:it\s+)?(?:won't|never\s+will|will\s+never)\s+be|at\s+all|full\s+stop|period|ever|now\s+or\s+ever)\b"
)


_KIND_PATTERNS: tuple[tuple[StallKind, str], ...] = (
    ("think_it_over", _THINK + "|" + _THINK_MORE + "|" + _THINK_WIDE),
    ("consult_others", _CONSULT + "|" + _CONSULT_MORE + "|" + _CONSULT_WIDE),
    ("send_info", _SEND + "|" + _SEND_MORE + "|" + _SEND_WIDE),
    ("timing", _TIMING + "|" + _TIMING_MORE + "|" + _TIMING_WIDE),
    ("budget", _BUDGET + "|" + _BUDGET_MORE + "|" + _BUDGET_WIDE),
    ("status_quo", _STATUS_QUO + "|" + _STATUS_QUO_MORE + "|" + _STATUS_QUO_WIDE),
    ("no_interest", _NO_INTEREST + "|" + _NO_INTEREST_MORE + "|" + _NO_INTEREST_WIDE),
)


# --- fast dispatch --------------------------------------------------------------------------------------------------
# Scanning seven big alternations over every message is too slow. Every alternative starts with a word, so at import
# we work out each alternative's possible first words (from the regex's own parse tree), scan a message once for any
# of them with a trie-shaped regex, and try only the alternatives that can start with the word found, at that spot.


def _class_chars(items, stops) -> list[str] | None:  # type: ignore[no-untyped-def]
    """The characters a small parsed character class [...] matches (a word-stop category reads as a space);
    None when it is too large or holds something else."""
    chars: list[str] = []
    for iop, iav in items:
        if iop is sc.LITERAL:
            chars.append(chr(iav))
        elif iop is sc.RANGE:
            chars.extend(chr(c) for c in range(iav[0], iav[1] + 1))
        elif iop is sc.CATEGORY and iav in stops:
            chars.append(" ")
        else:
            return None
    return chars if len(chars) <= 12 else None


class _Unknown(Exception):
    pass


def _first_words(pattern: str, budget: int = 20000, *, skip_leading: bool = False) -> set[str] | None:
    """The words ([a-z] runs) a match of `pattern` can start with, or None when that cannot be worked out.

    With skip_leading, non-letters before the first word are passed over: the result is then a set of words one of
    which every match contains (good for gating), but no longer says where a match starts.
    """
    letters = frozenset("abcdefghijklmnopqrstuvwxyz")
    stops = {getattr(sc, n) for n in ("CATEGORY_SPACE", "CATEGORY_DIGIT", "CATEGORY_NOT_WORD") if hasattr(sc, n)}
    bounds = {getattr(sc, n) for n in ("AT_BOUNDARY", "AT_END", "AT_END_LINE", "AT_END_STRING") if hasattr(sc, n)}
    out: set[str] = set()
    steps = [0]

    def finish(prefix: str) -> None:
        if not prefix:
            raise _Unknown
        out.add(prefix)

    def leading(prefix: str, cont) -> bool:  # type: ignore[no-untyped-def]
        """At the very start, with skip_leading: pass over a non-letter instead of ending the (empty) word."""
        if prefix or not skip_leading:
            return False
        cont(prefix)
        return True

    def walk(seq: list, k: int, prefix: str, cont) -> None:  # type: ignore[no-untyped-def]
        steps[0] += 1
        if steps[0] > budget:
            raise _Unknown
        if k == len(seq):
            cont(prefix)
            return
        op, av = seq[k]

        def nxt(p: str) -> None:
            walk(seq, k + 1, p, cont)

        if op is sc.LITERAL:
            ch = chr(av)
            if ch in letters:
                nxt(prefix + ch)
            elif not leading(prefix, nxt):
                finish(prefix)
        elif op is sc.AT and prefix and av in bounds:
            finish(prefix)  # a word boundary after letters ends the word
        elif op in (sc.AT, sc.ASSERT, sc.ASSERT_NOT):
            nxt(prefix)
        elif op is sc.SUBPATTERN:
            walk(list(av[-1]), 0, prefix, nxt)
        elif op is sc.BRANCH:
            for alt in av[1]:
                walk(list(alt), 0, prefix, nxt)
        elif op is sc.IN:
            chars = _class_chars(av, stops)
            if chars is None:
                raise _Unknown
            if any(c not in letters for c in chars) and not leading(prefix, nxt):
                finish(prefix)
            for c in chars:
                if c in letters:
                    nxt(prefix + c)
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT):
            lo, hi, sub = av
            sub = list(sub)
            if lo == 0:
                nxt(prefix)
            if hi == 0:
                return
            if lo > 1:
                raise _Unknown
            walk(sub, 0, prefix, nxt)
            if hi is sc.MAXREPEAT or hi >= 2:
                walk(sub, 0, prefix, lambda p: walk(sub, 0, p, nxt))
        elif op is sc.CATEGORY and av in stops:
            if not leading(prefix, nxt):
                finish(prefix)
        else:
            raise _Unknown

    try:
        walk(list(sp.parse(pattern)), 0, "", finish)
    except (_Unknown, RecursionError):
        return None
    return out


_ANY_WORD = "*"


def _first_two_words(pattern: str) -> dict[str, set[str]] | None:
    """For each word a match of `pattern` can start with, the words ([a-z] runs) that can come next in the match, or
    "*" when anything can (the pattern ends, or reads something like \\w+ first). None when the first words themselves
    cannot be worked out. The next word of a match is the next [a-z] run of the text after its first word, so a text
    whose next word is not in the set cannot match there.

    Works forward over sets of states, (stage, letters so far) -> the possible first words: stage 0 reads the first
    word, 1 the gap after it, 2 the second word. Repeats are followed to at most two more rounds than required, as in
    _first_words."""
    letters = frozenset("abcdefghijklmnopqrstuvwxyz")
    stops = {getattr(sc, n) for n in ("CATEGORY_SPACE", "CATEGORY_DIGIT", "CATEGORY_NOT_WORD") if hasattr(sc, n)}
    bounds = {getattr(sc, n) for n in ("AT_BOUNDARY", "AT_END", "AT_END_LINE", "AT_END_STRING") if hasattr(sc, n)}
    out: dict[str, set[str]] = {}
    none: frozenset[str] = frozenset()
    States = dict  # (stage, letters) -> frozenset of first words

    def record(w1s: frozenset[str], w2: str) -> None:
        for w in w1s:
            out.setdefault(w, set()).add(w2)

    def add(states: States, key: tuple[int, str], w1s: frozenset[str]) -> None:
        have = states.get(key)
        states[key] = w1s if have is None else have | w1s

    def gap(new: States, stage: int, prefix: str, w1s: frozenset[str]) -> None:
        if stage == 0:
            if not prefix:
                raise _Unknown
            add(new, (1, ""), frozenset((prefix,)))
        elif stage == 1:
            add(new, (1, ""), w1s)
        else:
            record(w1s, prefix)

    def letter(new: States, stage: int, prefix: str, w1s: frozenset[str], ch: str) -> None:
        add(new, (2, ch) if stage == 1 else (stage, prefix + ch), w1s)

    def unknown(states: States) -> None:
        for (stage, _), w1s in states.items():
            if stage == 0:
                raise _Unknown
            record(w1s, _ANY_WORD)

    def seq(ops: list, states: States) -> States:
        for op, av in ops:
            if not states:
                break
            states = one(op, av, states)
        return states

    def one(op, av, states: States) -> States:  # type: ignore[no-untyped-def]
        new: States = {}
        if op is sc.LITERAL:
            ch = chr(av)
            for (stage, prefix), w1s in states.items():
                if ch in letters:
                    letter(new, stage, prefix, w1s, ch)
                else:
                    gap(new, stage, prefix, w1s)
        elif op is sc.AT and av in bounds:
            for (stage, prefix), w1s in states.items():
                if stage != 1 and prefix:
                    if stage == 0:
                        add(new, (1, ""), frozenset((prefix,)))
                    else:
                        record(w1s, prefix)
                else:
                    add(new, (stage, prefix), w1s)
        elif op in (sc.AT, sc.ASSERT, sc.ASSERT_NOT):
            return states
        elif op is sc.SUBPATTERN:
            return seq(list(av[-1]), states)
        elif op is sc.BRANCH:
            for alt in av[1]:
                for key, w1s in seq(list(alt), states).items():
                    add(new, key, w1s)
        elif op is sc.IN:
            chars = _class_chars(av, stops)
            if chars is None:
                unknown(states)
                return {}
            for (stage, prefix), w1s in states.items():
                if any(c not in letters for c in chars):
                    gap(new, stage, prefix, w1s)
                for c in chars:
                    if c in letters:
                        letter(new, stage, prefix, w1s, c)
        elif op in (sc.MAX_REPEAT, sc.MIN_REPEAT):
            lo, hi, sub = av
            if lo > 1:
                unknown(states)
                return {}
            sub = list(sub)
            if lo == 0:
                new.update(states)
            cur = states
            rounds = 0
            while cur and rounds < 2 and (hi is sc.MAXREPEAT or rounds < hi):
                cur = seq(sub, cur)
                rounds += 1
                for key, w1s in cur.items():
                    add(new, key, w1s)
        elif op is sc.CATEGORY and av in stops:
            for (stage, prefix), w1s in states.items():
                gap(new, stage, prefix, w1s)
        else:
            unknown(states)
            return {}
        return new

    try:
        end = seq(list(sp.parse(pattern)), {(0, ""): none})
        for (stage, prefix), w1s in end.items():
            if stage == 0:
                if not prefix:
                    raise _Unknown
                record(frozenset((prefix,)), _ANY_WORD)
            else:
                record(w1s, _ANY_WORD)
    except (_Unknown, RecursionError):
        return None
    return out


def _trie_regex(words: set[str], *, boundary: bool = False, tails: dict[str, str] | None = None) -> str:
    """A regex matching exactly `words`, shaped as a trie. With boundary, each top-level branch starts with its letter
    followed by a no-letter-before check, so the regex engine can skip ahead to candidate letters in C. With tails,
    each word must be followed by a non-letter and then by its tail (a lookahead, say)."""
    trie: dict = {}
    for w in words:
        node = trie
        for c in w:
            node = node.setdefault(c, {})
        node[""] = {}
    if tails is not None:
        return _tail_trie(trie, tails, "", top=True)

    def build(node: dict, top: bool = False) -> str:
        alts = [
            re.escape(c) + (f"(?<![a-z]{re.escape(c)})" if top and boundary else "") + build(child)
            for c, child in sorted(node.items())
            if c
        ]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not top else "(?:" + "|".join(alts) + ")"
        if "" in node:
            return ("(?:" + body + ")?") if len(alts) == 1 else body + "?"
        return body

    return build(trie, top=True)


def _tail_trie(node: dict, tails: dict[str, str], word: str, top: bool = False) -> str:
    alts = [re.escape(c) + _tail_trie(child, tails, word + c) for c, child in sorted(node.items()) if c]
    if "" in node:
        alts.append("(?![a-z])" + tails.get(word, ""))
    return alts[0] if len(alts) == 1 and not top else "(?:" + "|".join(alts) + ")"


_CHECKED_GROUP_RE = re.compile(r"\(\?P<(?:cap|spk|attr)")


def _speaker_group_kind(name: str) -> str | None:
    """Empty groups mark an alternative that needs a speaker: "attrN" (think_it_over) and "spk_KIND_N"."""
    if name.startswith("attr"):
        return "think_it_over"
    if name.startswith("spk_"):
        return name[4:].rsplit("_", 1)[0]
    return None


def _specialise(alt: str, word: str, memo: dict[str, list[tuple[str, set[str] | None]] | None]) -> str:
    """The alternative as tried where the trigger found `word`: of a leading word list "\\b(?:get|gets|need|...)REST",
    only the branches that can start with `word` are kept. Exact, since a branch whose first word differs cannot match
    there; and much lighter to run, since re visits every branch of a list to reject it."""
    if alt not in memo:
        memo[alt] = None
        close = _group_end(alt, 2) if alt.startswith("\\b(?:") else -1
        if close > 0 and alt[close + 1 : close + 2] not in ("?", "*", "+", "{"):
            rest = alt[close + 1 :]
            parts = _split_top(alt[5:close])
            if len(parts) > 1:
                # When the rest opens on a non-letter, a branch's first words can be read from the branch alone.
                own = rest.startswith(_NON_LETTER_STARTS)
                memo[alt] = [(b, _first_words("\\b(?:" + b + (r")\b" if own else ")" + rest))) for b in parts]
    parts = memo[alt]
    if parts is None:
        return alt
    keep = [b for b, first in parts if first is None or word in first]
    if len(keep) == len(parts):
        return alt
    close = _group_end(alt, 2)
    return "\\b(?:" + "|".join(keep) + ")" + alt[close + 1 :]


_NON_LETTER_STARTS = ("\\s", "\\b", "(?:\\s", "(?=\\s", "[\\s", "'", "-", "(?:'", "(?=")
_MAX_TAIL_WORDS = 12


def _checked_last(alt: str) -> bool:
    return _CHECKED_GROUP_RE.search(alt) is not None


class _Slot:
    """The alternatives tried after one first word and a set of next words, as one regex compiled on first use:
    an optional lookahead group per kind, so a single match call reports each kind that matches there (and how far).
    `kinds` then holds each kind's group number and the numbers of its speaker groups."""

    __slots__ = ("rx", "kinds", "source")

    def __init__(self, source: str, kinds: tuple[StallKind, ...]) -> None:
        self.rx: re.Pattern[str] | None = None
        self.source = source
        self.kinds: tuple = kinds

    def compiled(self) -> tuple[re.Pattern[str], tuple[tuple[StallKind, int, tuple[int, ...]], ...]]:
        if self.rx is None:
            rx = _SLOT_REGEXES.get(self.source)
            if rx is None:
                rx = _SLOT_REGEXES[self.source] = re.compile(self.source)
            self.kinds = tuple(
                (kind, rx.groupindex[kind], tuple(i for g, i in rx.groupindex.items() if _speaker_group_kind(g) == kind))
                for kind in self.kinds
            )
            self.rx = rx
        return self.rx, self.kinds


_SLOT_REGEXES: dict[str, re.Pattern[str]] = {}


def _build_dispatch() -> tuple[
    re.Pattern[str] | None,
    dict[str, tuple[_Slot | None, dict[str, _Slot]]],
    tuple[tuple[StallKind, re.Pattern[str]], ...],
]:
    """For each possible first word: the slot to try when the next word is anything, and the slots for next words that
    some alternative needs (each with only the alternatives that can go on with that word). A slot is compiled the
    first time it is needed: there are thousands, most rare, and compiling them all would only slow the import."""
    by_word: dict[str, dict[StallKind, list[tuple[str, frozenset[str] | None]]]] = {}
    always: list[tuple[StallKind, re.Pattern[str]]] = []
    second: dict[str, set[str]] = {}  # first word -> the words that can follow it in some alternative
    for kind, pattern in _KIND_PATTERNS:
        for alt in _split_top(pattern):
            words = _first_words(alt)
            if not words:
                always.append((kind, re.compile(alt)))
                continue
            two = _first_two_words(alt)
            for w in words:
                nexts = two.get(w, {_ANY_WORD}) if two is not None else {_ANY_WORD}
                by_word.setdefault(w, {}).setdefault(kind, []).append(
                    (alt, None if _ANY_WORD in nexts else frozenset(nexts))
                )
                second.setdefault(w, set()).update(nexts)
    branches: dict[str, list[tuple[str, set[str] | None]] | None] = {}
    slots: dict[tuple[str, tuple[tuple[StallKind, tuple[str, ...]], ...]], _Slot] = {}

    def slot(w: str, chosen: dict[StallKind, list[str]]) -> _Slot | None:
        kinds = tuple((kind, tuple(alts)) for kind, alts in chosen.items() if alts)
        if not kinds:
            return None
        key = (w, kinds)
        if key not in slots:
            # Within a kind the first alternative that matches wins, so alternatives checked afterwards (a capitalised
            # name, a speaker) go last: a plain one matching at the same spot is not shadowed by one that fails later.
            source = "".join(
                f"(?=(?P<{kind}>" + "|".join(_specialise(a, w, branches) for a in sorted(alts, key=_checked_last)) + "))?"
                for kind, alts in kinds
            )
            slots[key] = _Slot(source, tuple(kind for kind, _ in kinds))
        return slots[key]

    dispatch: dict[str, tuple[_Slot | None, dict[str, _Slot]]] = {}
    for w, kinds in by_word.items():
        base = slot(w, {kind: [a for a, nexts in alts if nexts is None] for kind, alts in kinds.items()})
        by_next: dict[str, _Slot] = {}
        for w2 in set().union(*(nexts for alts in kinds.values() for _, nexts in alts if nexts is not None)):
            chosen = {kind: [a for a, nexts in alts if nexts is None or w2 in nexts] for kind, alts in kinds.items()}
            s2 = slot(w, chosen)
            if s2 is not None:
                by_next[w2] = s2
        dispatch[w] = (base, by_next)
    # The trigger finds a first word only where the text's next word can follow it in some alternative ("said no",
    # not "said she"), all inside one C scan, and hands that next word over (group 1). (An apostrophe left in the
    # scanned text sits inside a word: "they're" does not offer "re" as a first word.) Only short lists go into the
    # scan: they filter best, and long ones would make the trigger itself big (slow to keep in cache).
    tails = {
        w: "(?=[^a-z]*" + _trie_regex(nexts) + "(?![a-z]))"
        for w, nexts in second.items()
        if _ANY_WORD not in nexts and 0 < len(nexts) <= _MAX_TAIL_WORDS
    }
    trigger = (
        re.compile(r"(?<![a-z'])" + _trie_regex(set(dispatch), tails=tails) + r"(?=[^a-z]*([a-z]*))")
        if dispatch
        else None
    )
    return trigger, dispatch, tuple(always)


_TRIGGER_RE, _DISPATCH, _ALWAYS = _build_dispatch()

# --- context signals ------------------------------------------------------------------------------------------------

_FIRST_PERSON = (
    r"i|i'm|i'll|i'd|i've|we|we're|we'll|we'd|we've|let\s+me|let's|let\s+us|myself|ourselves|"
    r"(?:my|our)\s+(?:\w+\s+)?(?:manager|boss|team|vp|director|lead|leader|leadership|cro|cfo|ceo|head\s+of\s+\w+|revops|"
    r"rev\s+ops|deal\s+desk|founders?|exec\s+team|management|sales\s+team|org|company|side|ae|se|sdr|mgr|finance|legal|"
    r"kid|kids|son|daughter|wife|husband|partner|dog|cat|mom|dad|mum|toddler|family|friend|friends|roommate|neighbou?r|"
    r"brother|sister|parents|landlord|dentist|doctor|teenager|teen|baby|girlfriend|boyfriend|fiance|fiancee)|"
    r"ops|revops|rev\s+ops|sales\s+ops|marketing|enablement|deal\s+desk|people\s+team|recruiting|the\s+printer|"
    r"the\s+wifi|my\s+laptop|the\s+coffee\s+machine|zoom|slack|the\s+crm|you|you're|you'll|y'all|yall|you\s+guys"
)
_FIRST_PERSON = _factor(_FIRST_PERSON)
_THIRD_PERSON = (
    r"she|he|they|she's|he's|they're|they'll|she'll|he'll|they'd|she'd|he'd|they've|their|her|his|them|him|"
    r"clients?|prospects?|customers?|buyers?|champions?|cfo|ceo|cto|coo|cio|cmo|cro|ciso|vp|svp|evp|founders?|"
    r"co-?founders?|owners?|decision[- ]makers?|director|procurement|purchasing|legal|gm|president|chairman|"
    r"(?:the|their|her|his)\s+(?:\w+\s+)?(?:team|side|board|contact|lead|buyer|boss|manager|partner|wife|husband|"
    r"exec|head\s+of\s+\w+)|contact|account|principal|owner|managing\s+partner|partner|board|committee|"
    r"the\s+\w+\s+team|head\s+of\s+\w+|stakeholders?|user|admin|team\s+lead|the\s+other\s+side|the\s+guy|the\s+lady|"
    r"the\s+woman|the\s+man|guy|lady|dr|mr|mrs|ms|bloke|fella|chap|gent|gatekeeper|receptionist|md|fd"
)
_THIRD_PERSON = _factor(_THIRD_PERSON)
_SUBJECT_RE = re.compile(rf"\b(?:(?P<first>{_FIRST_PERSON})|(?P<third>{_THIRD_PERSON}))\b")
_REPORTED_RE = re.compile(
    r"\b(?:said|says|say|saying|told\s+(?:me|us|him|her|them|the\s+team)|tells\s+(?:me|us)|tell\s+me|mentioned|mentions|"
    r"replied|replies|responded|responds|wrote|writes|emailed|texted|messaged|dm'd|slacked|explained|explains|"
    r"asked|asks|claimed|claims|insisted|insists|stated|states|noted|notes|shared|shares|indicated|indicates|"
    r"signaled|signalled|flagged|raised|admitted|confirmed|confirms|hinted|warned|pinged(?:\s+back)?|"
    r"came\s+back\s+(?:with|and\s+said|saying)|pushed\s+back|got\s+back\s+(?:to\s+(?:me|us)\s+)?(?:with|saying|and\s+said)|"
    r"(?:reply|response|answer|words|feedback|objection|pushback|message|email|note|update)\s+(?:was|is|were)|"
    r"her\s+words|his\s+words|their\s+words|quote|verbatim|according\s+to|per\s+(?:her|him|them)|"
    r"wants|wanted|needs|needed|has\s+to|had\s+to|would\s+like|(?:she|he|they)'d\s+like|is\s+going\s+to|was\s+going\s+to|"
    r"decided|feels|felt|thinks|thought|believes|hopes|prefers|plans|expects|reckons|reckoned|reckon)\b"
)
_REPORTED_SPEECH_RE = re.compile(
    r"\b(?:said|says|told|tells|mentioned|replied|responded|wrote|emailed|texted|explained|claimed|insisted|stated|"
    r"admitted|confirmed|warned|per|according\s+to)\b"
)
_SPEECH_VERBS = frozenset(
    "said says say saying told tells tell mentioned mentions replied replies responded responds wrote writes emailed "
    "texted messaged dm'd slacked explained explains asked asks claimed claims insisted insists stated states noted notes "
    "shared shares indicated indicates signaled signalled flagged raised admitted confirmed confirms hinted warned came "
    "pushed got reply response answer words feedback objection pushback message email note update her his their quote "
    "verbatim according per pinged reckons reckoned reckon".split()
)
# After the stall phrase: "..., she said", "... - per their CFO".
_POST_REPORTED_RE = re.compile(
    r"[^.!?\n]{0,80}?(?:,|\s-|\(|\s)\s*(?:(?:she|he|they|the\s+\w+|[a-z]+)\s+(?:said|says|told\s+(?:me|us)|mentioned|added|"
    r"wrote|replied|insisted|admitted|explained)\b|per\s+(?:her|his|their|the|[a-z]+)\b|according\s+to\b)"
)
# A sentence that asks the team for advice about a stall phrase, or describes one in general.
_ADVICE_RE = re.compile(
    r"\b(?:how\s+(?:do|would|should|can|could|did|to|are)\s+(?:you|i|we|y'all|folks|people|u|others|everyone|you\s+all|"
    r"you\s+guys|yall)?\s*(?:\w+\s+)?(?:handle|handling|respond|responding|deal|dealing|reply|answer|overcome|get\s+past|"
    r"push\s+past|counter|tackle|navigate|approach|address|react|get\s+around|work\s+around|manage|coach|get\s+ahead)|"
    r"(?:any|got|have\s+any|share\s+(?:your|some)|need|looking\s+for|want)\s+(?:good\s+)?(?:tips|advice|ideas|suggestions|"
    r"tricks|playbooks?|frameworks?|scripts?|talk\s+tracks?|recs|recommendations|thoughts)|"
    r"what(?:'s|\s+is|\s+are|\s+do|\s+would|\s+should|\s+does)?\s+(?:you|your|the\s+best|a\s+good|y'all|everyone|a\s+great|"
    r"people|folks|the\s+right|some|good)\s*(?:\w+\s+)?(?:way|response|reply|say|answer|move|approach|play|"
    r"rebuttal|comeback|go-to|line|do|handle|respond|script|tactic|technique|framework|talk\s+track)|"
    r"best\s+(?:way|response|reply|approach|practice|practices|rebuttal|comeback|talk\s+track)|"
    r"(?:thoughts|advice|tips|ideas|help)\s+(?:on|for|with|about)\s+(?:handling|responding|dealing|the|when|a|an|"
    r"overcoming|getting|prospects|buyers|clients|customers)|"
    r"objection[- ]handling|role-?play|how\s+to\s+(?:handle|respond|overcome|deal|reply|answer|counter|get\s+past)|"
    r"what\s+do\s+(?:you|y'all|people|folks)\s+(?:say|do|reply|respond)|"
    r"(?:anyone|anybody|who)\s+(?:have|has|got|know|else)|"
    r"(?:whenever|when|if)\s+(?:a|the|your|my|our)?\s*(?:prospects?|clients?|customers?|buyers?|someone|somebody|people|"
    r"they|leads?|a\s+lead)\s+(?:says?|tells?\s+(?:you|me|us)|responds?|replies|gives\s+(?:you|me)|throws|hits\s+(?:you|me))|"
    r"common\s+objections?|favorite\s+(?:response|reply|way)|classic\s+(?:objection|stall|brush-?off)\s+(?:is|like)|"
    r"pro\s+tip|tip:|protip|(?:blog|article|post|podcast|video)\s+(?:on|about)|"
    r"practice(?!\s+(?:manager|owner|lead|director|administrator|admin|partner|group))|practicing|rehearse|mock\s+call)\b"
)
_QUESTION_START_RE = re.compile(
    r"\s*(?:do|does|did|is|are|was|were|will|would|should|could|can|has|have|had|any|anyone|anybody|what\s+if|"
    r"how|why|what|when|should|shall|might|may|isn't|aren't|doesn't|don't|didn't|won't|wouldn't|shouldn't|"
    r"has\s+anyone|have\s+you|ever)\b"
)
_HYPOTHETICAL_RE = re.compile(
    r"\b(?:if|unless|in\s+case|what\s+if|whenever|when|whether|even\s+if|assuming|suppose|supposing|in\s+the\s+event|"
    r"hoping|hope|afraid|worried|worry|worries|risk|chance|expect|expecting|anticipate|worst\s+case|"
    r"make\s+sure|to\s+avoid|avoid|prevent|so\s+(?:she|he|they)\s+(?:doesn't|don't|won't)|before\s+(?:she|he|they)|"
    r"in\s+order\s+not\s+to|lest|scared|nervous|bet)\s+"
    r"(?:(?:[\w'-]+)\s+){0,7}$"
)
# "they might need to run it by legal" is the rep guessing, unless someone said so.
_SPECULATION_RE = re.compile(r"\b(?:might|may|could|probably|likely|maybe|perhaps|guess|bet|suspect|assume)\s+(?:(?:[\w'-]+)\s+){0,4}$")
_NEGATED_RE = re.compile(
    r"(?:\bno\s+need\b|\b(?:don't|doesn't|didn't|won't|wouldn't|shouldn't|do\s+not|does\s+not|"
    r"did\s+not|will\s+not|never|no\s+longer|isn't|aren't|wasn't|weren't|not|without|hardly|nobody|no\s+one|none\s+of|"
    r"can't|cannot|couldn't|no\s+reason\s+to|nothing|stopped|instead\s+of|rather\s+than|zero\s+chance|not\s+gonna|"
    r"not\s+going\s+to|no\s+more|no\s+sign\s+of|no\s+mention\s+of|didn't\s+mention|didn't\s+say|no)\b)"
    r"(?:\s+(?!but\b|and\b|so\b|though\b)[\w'-]+){0,4}\s*$"
)
# "can't move without running it by X" is a requirement, not a negation.
_DEFERRAL_START_RE = re.compile(r"(?:until|till|'til|til|before|not\s+until)\b")
_NEED_WITHOUT_RE = re.compile(
    r"\b(?:can't|cannot|can\s+not|won't|couldn't|not|unable\s+to|no\s+way)\s+(?:[\w'-]+\s+){0,3}(?:without|until|unless)\s*$"
)
# After the stall phrase, words that take it back: "...but signed anyway", "...budget isn't an issue".
_REVERSAL_RE = re.compile(
    r"[\s,.;:!-]*(?:(?:and|but|then|so|until|which|that)\s+)?(?:(?:\w+|\w+'\w+)\s+){0,4}?"
    r"(?:(?:she|he|they|it|we|budget|things)\s+)?(?:(?:just|already|finally|then|now|eventually|ultimately)\s+)?"
    r"(?:signed|countersigned|came\s+back\s+(?:with\s+)?(?:a\s+)?yes|said\s+yes|decided\s+to\s+(?:move\s+forward|go\s+ahead|"
    r"buy|sign|proceed|purchase)|approved|got\s+approved|was\s+approved|is\s+approved|unfroze|unfrozen|got\s+unfrozen|"
    r"resolved|sorted|(?:is|was|'s)\s+(?:no\s+longer|not)\s+(?:an?\s+)?(?:issue|problem|concern|blocker)|"
    r"isn't\s+(?:an?\s+)?(?:issue|problem|concern|blocker)|not\s+anymore|anymore\b|no\s+longer|"
    r"(?:are|is)\s+(?:now\s+)?(?:moving|going)\s+(?:forward|ahead)|bought|purchased|is\s+fine|are\s+fine|is\s+ok|"
    r"turned\s+out\s+fine|went\s+away|got\s+past|moved\s+past|overcame|handled|cleared|got\s+it\s+done|got\s+signed)\b"
)
_INTERNAL_RE = re.compile(
    r"\b(?:off-?sites?|team\s+(?:dinner|lunch|outing|event|building|offsite|party|drinks|retreat|photo|meeting|sync|"
    r"standup|call|huddle)|dinner|lunch|breakfast|happy\s+hour|holiday\s+party|party|swag|forecast(?:ing)?|"
    r"deck\s+template|slide\s+template|template|qbr|all-?hands|stand-?ups?|sko|kick-?off\s+(?:event|meeting|party)|"
    r"one-on-one|fire\s+drill|fire\s+alarm|commission|commissions|comp\s+plan|quota|territor(?:y|ies)|"
    r"expenses?|expense\s+report|reimbursements?|pto|vacation|sales\s+training|trainings?|enablement|hackathon|"
    r"retro|sprint|jira|headcount|interview(?:s|ing)?|candidates?|recruiting|hire\s+plan|hiring\s+plan|new\s+hires?|"
    r"sdr\s+hire|laptop|parking|coffee|snacks|pizza|"
    r"birthday|cake|potluck|raffle|bowling|karaoke|t-?shirts?|hoodies?|merch|trivia|book\s+club|secret\s+santa|"
    r"softball|volleyball|kickball|pickleball|fantasy\s+league|office\s+league|"
    r"pipeline\s+review|forecast\s+call|office(?<=the\soffice)|wifi|badge|desk|printer|sales\s+nav(?:igator)?|"
    r"conference\s+room|booth|trade\s?show|webinar\s+(?:slides|deck)|newsletter|blog\s+post|linkedin\s+post|"
    r"playbook|spiff|contest|leaderboard|bonus|payroll|benefits|hr\s+(?:form|portal)|onsite\s+(?:lunch|dinner)|"
    r"team\s+(?:budget|event)|event\s+budget|marketing\s+budget|travel\s+budget|t&e|holiday\s+card|gift\s+cards?|"
    r"our\s+(?:offsite|team|dinner|lunch|party|forecast|quarter|numbers|budget)|my\s+(?:forecast|numbers|quota|pipeline|"
    r"calendar|schedule|vacation|pto|comp|commission|laptop|deck|template|room|homework|notes)|internal\s+(?:meeting|sync|review|deck)|"
    r"sales\s+kickoff|kickoff(?<=the\skickoff)|ping\s+pong|foosball|fantasy\s+football|"
    r"game(?<=the\sgame)|move(?<=the\smove)|office\s+move|cleanup|crm\s+hygiene|admin\s+work|survey(?<=the\ssurvey))\b"
)
_INTERNAL_SYMBOL_RE = re.compile(r"(?:\b1:1|\b1-on-1|\b401k|#[a-z][\w-]*)\b")
# "their forecast", "how they forecast": the prospect's own, not the team's
_THIRD_POSSESSIVE_RE = re.compile(
    r"\b(?:their|her|his|the\s+client's|the\s+prospect's|the\s+customer's|they|she|he)\s+(?:[\w-]+\s+){0,2}$"
)
_MY_OUR_RE = re.compile(r"\b(?:my|our)\b")
_PERSONAL_RE = re.compile(
    r"\bmy\s+(?:kid|kids|son|daughter|wife|husband|dog|cat|mom|dad|mum|toddler|family|friend|roommate|neighbou?r|brother|"
    r"sister|parents|landlord|teenager|teen|baby|girlfriend|boyfriend|fiance|fiancee|cousin|aunt|uncle|grandma|grandpa)\b"
)
_PROSPECT_SIGNAL_RE = re.compile(
    r"\b(?:she|he|they|their|her|his|them|him|clients?|prospects?|customers?|buyers?|champions?|cfo|ceo|cto|coo|vp|"
    r"founders?|owners?|decision[- ]makers?|the\s+\w+\s+team)\b"
)
_NAME_PREFIX_RE = re.compile(
    r"\s*(?:[-\u2022>*]\s*)?[a-z][\w&'.-]*(?:\s+[\w&'.-]+){0,3}\s*(?:\([^()\n]{1,40}\)\s*)?(?::|\s-\s|\s@\s)\s*"
)
_NOT_NAME_PREFIX = frozenset(
    "todo note notes fyi reminder update q question re ps edit me i eod tldr tl;dr psa heads reminder idea thought "
    "random ok so lol".split()
)
_QUOTE_SPAN_RE = re.compile(
    r"\"[^\"\n]{2,400}\"|'(?<![^\s(:\[,>-]')(?=[a-z0-9$])(?:[^'\n]|'(?=[a-z]))*'(?![a-z0-9])|>(?<![^\n]>)[^\n]*"
)
_QUOTE_MARK_RE = re.compile(r"\"|'(?<![a-z]')|'(?![a-z])|>(?<=^>)|>(?<=\n>)")
_SENTENCE_END_RE = re.compile(r"[.!?;\n\u2022|-](?:(?<=[.!?;\n])[.!?;\n]*(?=\s|$|[\"')\]])|(?<=\s-)(?=\s)|(?<=[\u2022|]))")
_CLAUSE_END_RE = re.compile(r"[.!?;,\n]|\s+-\s+|\s+(?:so|but|because|bc|though|although|then|and\s+(?:i|we))\b")


def _find_stall(
    clean: str, low: str, corrections: list[tuple[int, int]] | None, words: frozenset[str]
) -> Stall | None:
    if _TRIGGER_WORDS.isdisjoint(words) and not _ALWAYS:
        return None
    # Quote marks become spaces so "asked for 'literature'" reads like "asked for literature"; same length, same offsets.
    if '"' in low or ">" in low:
        has_quotes = True
        scan = _QUOTE_MARK_RE.sub(" ", low)
    elif "'" in low:
        scan = _QUOTE_MARK_RE.sub(" ", low)
        has_quotes = scan != low
    else:
        has_quotes, scan = False, low
    found: list[tuple[int, int, StallKind, re.Match[str], tuple[int, ...]]] = []
    if _TRIGGER_RE is not None:
        for t in _TRIGGER_RE.finditer(scan):
            base, by_next = _DISPATCH[t.group()]
            sl = by_next.get(t.group(1), base)
            if sl is None:
                continue  # nothing can start with this word and go on with the next one
            rx, kinds = (sl.rx, sl.kinds) if sl.rx is not None else sl.compiled()
            pos = t.start()
            m = rx.match(scan, pos)
            for kind, gi, spk in kinds:
                e = m.end(gi)  # type: ignore[union-attr]
                if e > pos:
                    found.append((pos, e, kind, m, spk))  # type: ignore[arg-type]
    for kind, rx in _ALWAYS:
        for m in rx.finditer(scan):
            found.append((m.start(), m.end(), kind, m, ()))
    if not found:
        return None
    found.sort(key=lambda f: (f[0], -f[1]))
    quotes = [m.span() for m in _QUOTE_SPAN_RE.finditer(low)] if has_quotes else []
    advice = _advice_spans(low) if _may(_ADVICE_GATE, words) and _ADVICE_RE.search(low) else ()
    ctx = _Ctx(low, words, corrections)
    for start, end, kind, m, spk in found:
        if kind == "status_quo" and not _capitals_ok(m, clean, corrections):
            continue
        needs_speaker = any(m.start(g) >= 0 for g in spk) if spk else False
        if _reject_reason(clean, low, start, end, kind, quotes, advice, needs_speaker=needs_speaker, ctx=ctx) is None:
            s = _to_original(start, corrections)
            e = _to_original(end, corrections)
            if e - s <= 4:  # "pass", "no": show the word before too ("we'll pass", "a no")
                before = _WORD_BEFORE_RE.search(clean, max(0, s - 24), s)
                if before is not None:
                    s = before.start()
            evidence = clean[s:e].strip(" \"'>") or low[start:end]
            return Stall(kind=kind, evidence=evidence)
    return None


_WORD_BEFORE_RE = re.compile(r"[\w']+\s+$")
_VENDOR_NAMES = frozenset("salesforce hubspot sfdc slack zoom gong outreach salesloft".split())


def _capitals_ok(m: re.Match[str], clean: str, corrections: list[tuple[int, int]] | None) -> bool:
    """Alternatives with an empty (?P<capN>) group need a capitalised name there ("sticking with Salesloft")."""
    for name, value in m.groupdict().items():
        if name.startswith("cap") and value is not None:
            pos = _to_original(m.start(name), corrections)
            if not (pos < len(clean) and clean[pos].isupper()):
                return False
            word = _STALL_NAME_RE.match(clean, pos)
            w = word.group().lower().strip(".,:;!?'") if word is not None else ""
            if not w or (w in _STOP_NAMES and w not in _VENDOR_NAMES):
                return False
    return True


class _Ctx:
    """Per-message facts the stall checks share: sentence boundaries, and whether internal topics occur at all."""

    __slots__ = ("low", "words", "bounds", "internal", "corrections")

    def __init__(self, low: str, words: frozenset[str], corrections: list[tuple[int, int]] | None = None) -> None:
        self.low = low
        self.words = words
        self.corrections = corrections  # typo fixes: offsets in low -> offsets in the cleaned text
        self.bounds: list[tuple[int, int]] | None = None
        self.internal = _internal_possible(low, words)

    def sentence(self, start: int, end: int) -> tuple[int, int]:
        if self.bounds is None:
            self.bounds = [m.span() for m in _SENTENCE_END_RE.finditer(self.low)]
        s, e = 0, len(self.low)
        for bs, be in self.bounds:
            if be <= start:
                s = be
            elif bs >= end:
                e = bs
                break
        return s, e


def _advice_spans(low: str) -> list[tuple[int, int, int]]:
    """(sentence start, advice phrase start, sentence end) for each advice phrase; a sentence here ends only at ?!. or newline."""
    spans = []
    for m in _ADVICE_RE.finditer(low):
        s = max(low.rfind(c, 0, m.start()) for c in ".!?\n") + 1
        ends = [i for i in (low.find(c, m.end()) for c in "?!\n") if i >= 0]
        dot = low.find(". ", m.end())
        if dot >= 0:
            ends.append(dot)
        e = min(ends) + 1 if ends else len(low)
        spans.append((s, m.start(), e))
    return spans


def _in_quotes(start: int, end: int, quotes: list[tuple[int, int]]) -> tuple[int, int] | None:
    for qs, qe in quotes:
        if qs <= start and end <= qe:
            return qs, qe
    return None


def _internal(low: str, a: int, b: int, ctx: _Ctx | None = None) -> bool:
    """An internal topic (offsite, forecast, swag...) in low[a:b] that is not the prospect's own ("their offsite")."""
    if b <= a or (ctx is not None and not ctx.internal):
        return False
    symbols = "#" in low or "1:1" in low or "1-on-1" in low or "401k" in low
    for rx in (_INTERNAL_RE, _INTERNAL_SYMBOL_RE) if symbols else (_INTERNAL_RE,):
        for m in rx.finditer(low, a, b):
            if _THIRD_POSSESSIVE_RE.search(low, max(0, m.start() - 40), m.start()) is None:
                return True
    return False


def _reject_reason(
    clean: str,
    low: str,
    start: int,
    end: int,
    kind: StallKind,
    quotes: list[tuple[int, int]],
    advice: Sequence[tuple[int, int, int]],
    *,
    needs_speaker: bool = False,
    ctx: _Ctx | None = None,
) -> str | None:
    """Why the stall phrase at low[start:end] is not a prospect stalling, or None when it is one."""
    if ctx is None:
        ctx = _Ctx(low, frozenset(_WORD_RE.findall(low)))
    quoted = _in_quotes(start, end, quotes)
    anchor = quoted[0] if quoted else start
    s, e = ctx.sentence(anchor, end)
    prefix = low[s:anchor]

    # Advice or generic talk about the phrase: "how do you handle 'I need to think about it'?"
    for a_s, a_at, a_e in advice:
        if a_s <= start < a_e and (a_at <= start or quoted or not _third_person_reported(low, a_s, start)):
            return "advice"
    # "If they need to think it over..." / "worried she'll want to think it over"
    tail = prefix[-90:]
    words = ctx.words
    if _may(_HYPOTHETICAL_GATE, words) and _HYPOTHETICAL_RE.search(tail):
        return "hypothetical"
    if "my" in words and _PERSONAL_RE.search(low, s, start):
        return "personal"
    if _may(_SPECULATION_GATE, words) and _SPECULATION_RE.search(tail) and not _REPORTED_SPEECH_RE.search(prefix):
        return "speculation"
    q = low.find("?", end)
    is_question = q != -1 and (q <= e or low.find("\n", end, q) == -1 and low.find(". ", end, q) == -1)
    if is_question and _QUESTION_START_RE.match(prefix) and not _REPORTED_RE.search(prefix):
        return "question"

    if quoted:
        # Negated inside the quote, or the quote itself negated: "no 'let me think about it' this time".
        if (
            _may(_NEGATED_GATE, words)
            and (_NEGATED_RE.search(low, max(quoted[0], start - 60), start) or _NEGATED_RE.search(prefix[-60:]))
            and not _GOT_PAST_RE.search(prefix[-60:])
        ):
            return "negated"
        who = _speaker(low, s, quoted[0])
        if who < 0 and not _REPORTED_RE.search(prefix) and not _attributed(low, quoted[1], words):
            return "rep quote"
        if _internal(low, end, quoted[1], ctx):
            return "internal"
        return None

    window = max(s, start - 60)
    if (
        _may(_NEGATED_GATE, words)
        and _NEGATED_RE.search(low, window, start)
        and not _NEED_WITHOUT_RE.search(low, window, start)
        and not _DEFERRAL_START_RE.match(low, start)  # "not looking at anything new till Q3" is the deferral itself
        and not _GOT_PAST_RE.search(low, window, start)  # "didn't get past 'send me some info'"
    ):
        return "negated"
    if not _REVERSAL_WORDS.isdisjoint(ctx.words) and _REVERSAL_RE.match(low, end, min(len(low), end + 80)):
        return "reversed"

    lead = _SUBJECT_RE.match(low, start)  # "let me think", "we'll pass": the subject is inside the phrase
    who = _speaker(low, s, lead.end() if lead is not None and lead.group("first") else start)
    if lead is not None and lead.group("first") and who <= 0:
        label = _NAME_PREFIX_RE.match(low, s)
        who = 1 if label is not None and label.end() == start and _is_label(low, s, label.end()) else -1
    elif who < 0:
        label = _NAME_PREFIX_RE.match(low, s)
        if label is not None and _is_label(low, s, label.end()):
            voice = _LABEL_VOICE_RE.match(low, label.end(), start)
            if voice is not None and voice.end() == start:
                who = 1
    if who == 0 and _REPORTED_RE.match(low, start):
        who = 1
    if who <= 0 and (
        (_may(_POST_REPORTED_GATE, words) and _POST_REPORTED_RE.match(low, end, e)) or _attributed(low, end, words)
    ):
        who = 1  # "..., she said", "need to sync w/ my partner - said the owner of Brindle Bakery"
    if who <= 0 and _MY_OUR_RE.search(low, start, end):
        return "rep's own people"
    if who < 0:
        return "rep"
    clause_end = _CLAUSE_END_RE.search(low, end, e)
    if _internal(low, start, clause_end.start() if clause_end else e, ctx):
        return "internal"
    if who == 0 and _internal(low, s, start, ctx):
        return "internal"
    if who > 0:
        return None
    # Nobody named. A bare "send me some info" is a colleague asking; a bare question is not a report.
    if (kind == "send_info" or needs_speaker) and not _prospect_voice(clean, low, start, end, e, ctx.corrections):
        return "needs a prospect"
    if is_question:
        return "question"
    # "need to think it over before I send X": the rest of the sentence is the rep's own plan,
    # unless the message has already put a prospect on stage ("Acme: not now, I'll circle back in Q3").
    after = _SUBJECT_RE.search(low, end, e)
    if after is not None and after.group("first") and not _prospect_before(clean, low, s, start):
        return "rep plan"
    return None


_STALL_NAME_RE = re.compile(r"(?<![\w@#])[A-Z][\w&'.-]*")
# After a phrase, words that say whose it was: "- said the owner of X", "- direct quote from the X buyer",
# "(newline) standard response from X", "(newline) that's from the CIO at X". Not "- from what I saw", "per my manager".
_ATTRIBUTION_RE = re.compile(
    r"[^\n]{0,120}?(?:\s-+\s*|\n\s*-*\s*|\(\s*)"
    r"(?:(?:that's|that\s+is|that\s+was|this\s+is|was|is)\s+)?(?:(?:the|their|a|an|his|her)\s+)?"
    r"(?:(?:standard|direct|exact|actual|verbatim|full|entire|whole|canned|stock|auto-?|official|usual|typical)\s+)?"
    r"(?:(?:quote|quoted|response|reply|answer|words|email|message|note|text|feedback|line)\s+)?"
    r"(?:said|says|told\s+(?:me|us)|wrote|writes|replied|per|from|according\s+to|courtesy\s+of)\s+"
    r"(?!(?:me|my|our|us|i|myself|what|here|there|now|then|today|tomorrow|memory|experience|"
    r"the\s+(?:playbook|team|start|top|get-?go|deck|forecast))\b)"
)
# After a brush-off, the prospect's own follow-up: "send a brochure and they'll revert", ", will go through and revert".
_BRUSHOFF_TAIL_RE = re.compile(
    r"[^.!?\n]{0,60}?(?:\band\b|&|\bn\b|\bthen\b|,)\s*"
    r"(?:(?:they|she|he)(?:'ll|'d|\s+will|\s+would|\s+can|\s+might|\s+may)\s+|will\s+|would\s+|(?:i|we)(?:'ll|\s+will)\s+(?=revert\b))"
    r"(?:(?:just|then|probably|maybe|only)\s+)?"
    r"(?:(?:have|take|give\s+it)\s+a\s+(?:look|read|squiz|gander|glance|peek)|look(?:\s+(?:at\s+it|over|through))?|read|"
    r"review|revert|get\s+back|circle\s+back|come\s+back|go\s+through|peruse|decide|be\s+in\s+touch|reach\s+out|"
    r"take\s+it\s+from\s+there|go\s+from\s+there|see|consider|pass\s+it\s+on|circulate|check(?:\s+(?:internally|it\s+out))?)\b"
)
_ATTRIBUTION_WORDS = frozenset("said says told wrote writes replied per from according courtesy".split())


def _attributed(low: str, end: int, words: frozenset[str]) -> bool:
    return not _ATTRIBUTION_WORDS.isdisjoint(words) and _ATTRIBUTION_RE.match(low, end) is not None


_GOT_PAST_RE = re.compile(r"\b(?:get|got|getting|gets|make\s+it|made\s+it)\s+(?:past|beyond|further\s+than)\s*$")
# In a prospect's brush-off the object is the vendor ("send me...", "email us..."); "send them the deck" is a to-do.
_TO_US_RE = re.compile(r"\b(?:me|us)\b")
_TO_THEM_RE = re.compile(r"^(?:sending|emailing|forwarding|sent)\b|\b(?:him|her|them)\b")


def _prospect_voice(
    clean: str, low: str, start: int, end: int, e: int, corrections: list[tuple[int, int]] | None = None
) -> bool:
    """A phrase that needs a speaker, with nobody named in its sentence: does the message still give it to a prospect?
    An attribution after it, the prospect's follow-up ("and they'll revert"), or a line labelled with a name
    ("Ashbury Hotels: send me a brochure") when the phrase is addressed to the vendor."""
    if _attributed(low, end, frozenset(_WORD_RE.findall(low, end))) or _BRUSHOFF_TAIL_RE.match(low, end, e):
        return True
    ls = low.rfind("\n", 0, start) + 1
    label = _NAME_PREFIX_RE.match(low, ls)
    if label is None or label.end() > start or not _is_label(low, ls, label.end()):
        return False
    first = low[ls : label.end()].lstrip(" -\u2022>*").split()[0].strip(":").lower()
    if first in _STOP_NAMES:
        return False
    at = _to_original(ls + len(low[ls : label.end()]) - len(low[ls : label.end()].lstrip(" -\u2022>*")), corrections)
    phrase = low[start:end]
    if at >= len(clean) or not clean[at].isupper():
        return False
    return _TO_US_RE.search(phrase) is not None and _TO_THEM_RE.search(phrase) is None


_THIRD_BEFORE_RE = re.compile(r"\b(?:she|he|they|the\s+cfo|the\s+ceo|the\s+client|the\s+prospect|the\s+customer)\b")


# Right after a label, "we" + auxiliaries + the stall phrase: the prospect's words ("Acme: we're over budget").
_LABEL_VOICE_RE = re.compile(
    r"(?:(?:can|could|would|will|pls|please|just)\s+)?(?:you|u)\s+(?:(?:just|please|pls)\s+)?|"
    r"(?:we|we're|we'll|we'd|we've|i|i'm|i'll|i'd)(?:\s+(?:are|is|need\s+to|have\s+to|will|would|just|simply|really|"
    r"still|already|gonna|going\s+to|want\s+to|can't|cannot|do|don't|are\s+not|totally|currently|now))*\s+"
)


def _prospect_before(clean: str, low: str, s: int, start: int) -> bool:
    if _PROSPECT_SIGNAL_RE.search(low, 0, start):
        return True
    if len(clean) == len(low):  # a capitalised name before the phrase: "Ashford signed a renewal with..."
        for m in _STALL_NAME_RE.finditer(clean, 0, start):
            if m.group().lower().strip(".,:;!?'") not in _STOP_NAMES and m.group() != "I":
                return True
    m = _NAME_PREFIX_RE.match(low, s)
    return m is not None and m.end() <= start and _is_label(low, s, m.end())


def _is_label(low: str, s: int, e: int) -> bool:
    words = low[s:e].split()
    return bool(words) and words[0].strip("-\u2022>*:") not in _NOT_NAME_PREFIX


def _third_person_reported(low: str, s: int, start: int) -> bool:
    return _THIRD_BEFORE_RE.search(low, s, start) is not None and _REPORTED_RE.search(low, s, start) is not None


def _speaker(low: str, s: int, start: int) -> int:
    """Who the sentence prefix low[s:start] attributes the stall to: +1 prospect, -1 the rep (or their team), 0 unknown."""
    if start <= s:
        return 0
    s = max(s, start - 160)  # who is talking is decided close to the phrase
    subjects = list(_SUBJECT_RE.finditer(low, s, start))
    last_subject = subjects[-1] if subjects else None
    last_reported = None
    for m in _REPORTED_RE.finditer(low, s, start):
        last_reported = m
    if last_reported is not None:
        # Who is reporting? The subject just before the reporting verb.
        rep_subject = None
        cut = last_reported.start()
        for m in subjects:
            if m.end() > cut:
                break
            rep_subject = m
        after = last_subject if last_subject is not None and last_subject.start() >= last_reported.end() else None
        reporter_first = (
            rep_subject is not None
            and rep_subject.group("first") is not None
            and last_reported.start() - rep_subject.end() < 12
        )
        speech = last_reported.group().split()[0] in _SPEECH_VERBS
        if after is not None:
            if after.group("third") is not None:
                return 1
            # "she said we need to think it over" vs "I said I'd circle back"
            return -1 if reporter_first else (1 if speech else -1)
        if reporter_first:
            return -1
        if rep_subject is not None or speech:
            return 1
        # "wants to think it over" with nobody before it: a third-person verb with the subject dropped.
        verb = last_reported.group()
        return 1 if verb.endswith("s") or verb.startswith(("has", "is")) else 0
    if last_subject is None:
        return 0
    return 1 if last_subject.group("third") is not None else -1


# ---------------------------------------------------------------------------------------------------------------------
# 3. Deal updates
# ---------------------------------------------------------------------------------------------------------------------

# Stage names as regex fragments (spaces become \s+), longest first so "closed won" beats "closed".
_STAGE_NAMES = (
    "prospecting|prospect|lead|new lead|qualified lead|qualified|qualification|qualifying|discovery|discovery call|"
    "demo|demo scheduled|demo completed|demo done|solution|solutioning|evaluation|technical evaluation|tech eval|"
    "trial|pilot|poc|proof of concept|proposal|proposal/price quote|price quote|quote|quote sent|"
    "negotiation|negotiation/review|negotiations|negotiating|contract|contract sent|contracting|contracts|"
    "legal|legal review|procurement|security review|verbal|verbal commit|commit|committed|closing|contract negotiation|"
    "closed won|closed-won|closed/won|closed lost|closed-lost|closed/lost|best case|upside|needs analysis|"
    "value proposition|id\\. decision makers|perception analysis|appointment scheduled|qualified to buy|"
    "presentation scheduled|decision maker bought-in|decision maker bought in|decision makers bought in|"
    "sql|mql|sal|on hold|stage [0-9](?: - \\w+)?|s[0-9]|validation|business case|"
    "decision|final review|signature|awaiting signature|out for signature|sent for signature|redlines|"
    "paperwork|scoping|meeting booked|meeting scheduled|initial meeting|first meeting|intro call|"
    "discovery complete|won|lost|implementation|onboarding|renewal"
).split("|")
_STAGE_ALT = _factor("|".join(s.replace(" ", r"\s+") for s in sorted(_STAGE_NAMES, key=len, reverse=True)))
_STAGE_SET = frozenset(s.replace("\\", "") for s in _STAGE_NAMES)
# Where a free-text stage value ends.
_STOP_STAGE = (
    r"(?=\s*(?:$|\n|[,;·|()\[\]\u2022]|\.(?:\s|$)|!|\s+(?:in|on|of)\s+(?:the\s+)?(?:\w+\s+)?pipeline\b|"
    r"\s+on\s+(?:the\s+)?(?:opportunity|opp|deal)\b|\s+(?:amount|amt|"
    r"next\s+steps?|close\s+date|owner|by|with|and|after|for|from|today|yesterday|this\s+week|on\s+(?:mon|tue|wed|thu|fri)\w*|"
    r"as\s+of|at|w/|but|since)\b|\s+[-\u2013]\s|\s+\$|\s+\d))"
)
_STAGE_EXPLICIT_RE = re.compile(
    r"\b(?:deal\s+)?stage\s*(?:changed|updated|moved|set)?\s*(?:from\s+(?P<from>[^\n,;]{1,50}?)\s*)?"
    r"(?:\bto\b|->|=>|>|\u2192|=|:|\bis\s+now\b|\bis\b|\bnow\s+at\b|\bnow\s+in\b|\bnow\b)\s*:?\s*(?:stage\s+)?"
    r"(?P<stage>[^\s,;.·|\u2022][^\n,;·|\u2022]{0,60}?)" + _STOP_STAGE
    + r"|\b(?:moved|changed|updated|set|advanced|progressed|entered)\s+(?:(?:in)?to\s+)?(?:the\s+)?(?:deal\s+)?stage\s*:?\s*(?!from\b)"
    r"(?P<stage2>[^\s,;.·|\u2022][^\n,;·|\u2022]{0,60}?)" + _STOP_STAGE
    + r"|\bstage\s+(?P<stage3>" + _STAGE_ALT + r")\b"
)
_STAGE_INLINE_RE = re.compile(
    r"\b(?:(?P<strong>moved|moving|moves|advanced|advancing|advances|progressed|progressing|promoted|bumped|graduated|"
    r"upgraded|downgraded|entered|entering|transitioned|slid|slipped|dropped|back|stays|stayed|staying|still|remains|"
    r"remained|sitting|sits|is\s+now|are\s+now)|"
    r"(?P<weak>pushed|went|going|jumped|now|officially|changed|updated|set|heading|headed|made\s+it))\s+"
    r"(?:(?:it|them|the\s+deal|the\s+opp|this)\s+)?(?:(?:in)?to\s+|in\s+|at\s+)?(?:the\s+)?(?:stage\s+)?(?P<stage>"
    + _STAGE_ALT + r")\b(?:\s+stage)?" + r"(?!\s*(?:call|meeting|deck|prep|slides|template|with\s+(?:the|our|my)\s+team))"
)
_STAGE_INSTAGE_RE = re.compile(
    r"\b(?:in|at|to|into|reached|hit|entered)\s+(?:the\s+)?(?P<stage>" + _STAGE_ALT + r")\s+(?:stage|phase)\b"
    r"|\b(?:is|are|now|still|currently|renewal|expansion|deal|opp)\s+in\s+(?P<stage2>" + _STAGE_ALT + r")\b"
    r"|\bin\s+(?P<stage3>" + _STAGE_ALT + r")\s+(?:at|now|with|for)\b"
)
# A CRM card with separate "From:" and "To:" lines.
_STAGE_TO_LINE_RE = re.compile(r"^[>\s*]*to\s*:\**\s*(?P<stage>[^\n*]{2,60}?)\s*\**\s*$", re.M)
_ARROW = r"(?:->|=>|-->|>>|\u2192|\u27f6|\u2794|\u279c|\u27a1\ufe0f?)"
_STAGE_ARROW_RE = re.compile(
    r"\b(?P<from>" + _STAGE_ALT + r")['\"*]?\s*(?:" + _ARROW + r"|\bto\b)\s*['\"*]?(?P<stage>" + _STAGE_ALT + r")\b"
)
_STAGE_ARROW_ANY_RE = re.compile(_ARROW + r"\s*\*?(?P<stage>" + _STAGE_ALT + r")\b")
# "Hanso Foundation - Discovery, 12 seats": a label, then a stage name standing on its own.
_STAGE_PREFIX_RE = re.compile(
    r"^\s*(?:[-\u2022>*]\s*)?[^\n:\u2013-]{1,60}?(?::|\s[-\u2013]\s)\s*(?:[^,\n]{1,20},\s*){0,2}?(?:now\s+|still\s+|in\s+)?(?P<stage>" + _STAGE_ALT
    + r")\b(?=\s*(?:[,;(|]|\.(?:\s|$)|$|\s+[-\u2013]\s|\s+(?:stage|at|with)\b|\s+\$|\s+\d))",
    re.M,
)

_CURRENCY_SYMBOLS = {
    "us$": "USD", "$": "USD", "€": "EUR", "£": "GBP", "¥": "JPY", "₹": "INR", "a$": "AUD", "au$": "AUD",
    "c$": "CAD", "ca$": "CAD", "cad$": "CAD", "nz$": "NZD", "s$": "SGD", "hk$": "HKD", "r$": "BRL", "chf": "CHF",
    "₩": "KRW", "kr": "SEK",
}
_CURRENCY_CODES = (
    "usd|eur|gbp|cad|aud|jpy|chf|sek|nok|dkk|inr|sgd|nzd|hkd|brl|mxn|zar|pln|czk|ils|aed|cny|krw|"
    "dollars|dollar|bucks|euros|euro|pounds|quid|rupees|yen"
)
_CODE_MAP = {"dollars": "USD", "dollar": "USD", "bucks": "USD", "euros": "EUR", "euro": "EUR", "pounds": "GBP",
             "quid": "GBP", "rupees": "INR", "yen": "JPY"}
_SUFFIX = r"k|m|mm|mil|mill|million|millions|b|bn|billion|thousand|grand"
_AMOUNT_LABEL_RE = re.compile(
    r"\b(?:amount|amt|deal\s+(?:size|value|amount)|value|acv|arr|tcv|mrr|contract\s+value|total|size|worth|valued\s+at|"
    r"price|pricing|budget)\s*(?:changed|updated)?\s*(?:from\s+[^\n]{1,30}?\s+)?(?::|=|->|\u2192|to|is|of|at|now)?\s*"
)
_NEXT_STEP_RE = re.compile(
    r"\b(?:next[\s_]*steps?|nxt\s+steps?|next\s+action)\b(?:\s+(?:updated|changed|set)\s+(?:on|for)\s+[^:\n]{1,80}:)?"
    r"\s*(?:is|are|will\s+be|=|:|-|\u2192|->|=>)?\s*:?\s*(?:to\s+)?(?:changed\s+(?:from\s+[^\n]*?\s+)?to\s+)?"
    r"|\b(?:next|ns)\s*:\s*"
)
_NEXT_STEP_END_RE = re.compile(
    r"\n|;|\s[\u00b7|\u2022]\s|\.(?:\s|$)|,\s|!|\s+\(|\s+[-\u2013]\s+|\s{2,}|\s+(?=(?:amount|amt|stage|close\s+date|owner)\s*:)"
)
# A booked next action stated without a "next step" label ("demo booked for the 19th", "sending redlines tmrw").
_BOOKED_STEP_RE = re.compile(
    r"\bnext\s+(?:meeting|call|touchpoint|sync|session)\s+(?:is\s+)?(?:on\s+|set\s+for\s+)?[^,.;\n]{2,40}"
    r"|\b(?:demo|call|meeting|kickoff|review|workshop|pilot|poc|onsite|presentation|walkthrough)\s+(?:is\s+)?"
    r"(?:booked|scheduled|set)[ \t]+(?:for[ \t]+)?[^.;\n]{2,60}"
    r"|\b(?:sending|send(?:ing)?\s+over)\s+[^,.;\n]{2,40}?\s+(?:tmrw|tomorrow|today|tonight|on\s+\w+day|\w+day|next\s+week)\b"
    r"|\b[a-z]+\s+goes\s+out\s+[^,.;\n]{2,30}"
    r"|\bpaperwork\s+(?:next\s+week|tomorrow|tmrw|on\s+\w+day|\w+day)\b"
)
_WON_RE = re.compile(
    r"\bclosed[\s/_-]*won\b|\bclose[\s/_-]*won\b|\bdeal\s+won\b|\bwon\s+the\s+(?:deal|contract|business|account|renewal|"
    r"opp|opportunity|bid|rfp|tender)\b|\b(?:we|i)\s+won\b(?!\s+(?:the\s+(?:raffle|game|contest|award|trivia|bet|lottery)|"
    r"a\s+|an\s+))|\bwon\s+(?:it\b|them\b|(?P<cap>))|\bwon\b(?=\s*[!\U0001F300-\U0001FAFF\u2600-\u27bf])"
    r"|\b(?:deal|contract|order\s+form|paperwork|agreement|po|sow|msa|renewal|docs|docusign|it|they|she|he|customer|client)"
    r"\s+(?:is\s+|was\s+|got\s+|has\s+been\s+|have\s+been\s+|just\s+|finally\s+|officially\s+|all\s+|fully\s+|'s\s+|are\s+)*"
    r"(?:signed|countersigned|executed|inked|closed|booked|done\s+and\s+dusted)\b(?![\s/_-]*lost)(?!\s+(?:up|off|in|out|an?\s+nda|the\s+nda))(?!(?:\s+[\w-]+){0,4}?\s+with\s+(?!us\b))"
    r"|\b(?:signed|countersigned|inked|closed|booked|landed|won|bagged|secured)\s+(?:the\s+|our\s+|a\s+)?"
    r"(?:deal|contract|order\s+form|paperwork|agreement|renewal|po|sow|msa|(?:\d+[-\s])?(?:year|yr|month)\s+(?:deal|contract))\b"
    r"|\bsignature\s+(?:received|is\s+in|came\s+(?:back|through)|done|complete)|\bpo\s+(?:received|is\s+in|came\s+through|issued)"
    r"|\bgot\s+the\s+(?:signature|signed\s+contract|po|signed\s+order\s+form)\b|\bsigned\s+(?:and\s+)?(?:returned|sealed)\b"
    r"|\bit'?s\s+official\b|\bofficially\s+(?:a\s+)?customer\b|\bnew\s+logo\b|\bcontract\s+(?:is\s+)?back\s+signed\b"
    r"|\bwon\s*:|\bsigned\b(?=\s*[!\U0001F300-\U0001FAFF\u2600-\u27bf])|\bsigned\s+(?:today|this\s+morning|yesterday|last\s+night|just\s+now)\b"
)
_WON_NAME_RES = (
    re.compile(
        r"(?P<name>(?<![\w@#])[A-Z][\w&'.-]*(?:\s+[A-Z0-9][\w&'.-]*){0,3})\s+(?:(?:has|have|just|finally|officially|is|was|"
        r"all)\s+)*(?:signed|countersigned|closed|inked)\b(?![\s/_-]*lost)(?!\s+(?:up|off|an?\s+nda|with))"
        r"(?!(?:\s+[\w-]+){0,4}?\s+with\s+(?!us\b))"
    ),
    re.compile(r"\b(?:signed|closed|inked|landed|bagged|won)\s+(?:with\s+)?(?P<name>[A-Z][\w&'.-]*(?:\s+[A-Z0-9][\w&'.-]*){0,3})"),
)
_LOST_RE = re.compile(
    r"\bclosed[\s/_-]*lost\b|\bclose[\s/_-]*lost\b|\bdeal\s+(?:is\s+|was\s+)?(?:lost|dead|died)\b|"
    r"\blost\s+the\s+(?:[\w&'-]+\s+){1,3}?(?:deal|opp|opportunity|account|renewal)\b|\blost\s+(?:the\s+)?"
    r"(?:deal|opp|opportunity|contract|renewal|account|bid|rfp|business|it|them)\b|\blost\s+(?:out\s+)?to\s+"
    r"|\b(?:we|i)\s+lost\b(?!\s+(?:my|our|the\s+(?:game|connection|signal|file|notes|thread)|track|power|wifi))"
    r"|\blost\s+(?P<cap>)|\b(?:went|going|gone)\s+with\s+(?:a|the|another)\s+(?:competitor|different\s+vendor|other\s+vendor|"
    r"cheaper\s+(?:option|vendor|tool))|\b(?:chose|picked|selected|signed\s+with)\s+(?:a|the|another)\s+competitor\b"
    r"|\bpicked\s+[A-Z]\w*\s+over\s+us\b|\bdeal\s+(?:fell\s+through|is\s+off|got\s+killed|was\s+killed)\b|\bkilled\s+the\s+deal\b"
    r"|\b(?:mark(?:ed|ing)?|moving|moved|set|setting)\s+(?:it\s+|this\s+|the\s+opp\s+|the\s+deal\s+)?(?:as\s+|to\s+)?(?:closed[\s/_-]*)?lost\b"
)
_OUTCOME_NEG_RE = re.compile(
    r"\b(?:not|n't|never|yet\s+to|waiting|wait|once|if|when|before|about\s+to|ready\s+to|going\s+to|gonna|will|to\s+be|"
    r"needs?\s+to\s+be|get\s+it|almost|nearly|hope|hoping|expect|expecting|should|could|would|might|may|until|unless|"
    r"pending|close\s+to|want\s+to|trying\s+to|can't|don't|didn't|haven't|hasn't|isn't|aren't|wasn't|plan\s+to|"
    r"planning\s+to|on\s+track\s+to|forecast|forecasting|projected|likely)\b(?:\s+[\w'-]+){0,3}\s*$"
)
_DEAL_WORD_RE = re.compile(
    r"\b(?:deal|deals|opp|opps|opportunity|pipeline|stage|acv|arr|tcv|mrr|contract\s+value|close\s+date|forecast\s+category|"
    r"renewal|upsell|expansion|amount|amt|crm|salesforce|hubspot|sfdc|closed[\s/_-]*(?:won|lost)|quota\s+credit|"
    r"signed|seats|licen[cs]es|order\s+form|po|msa|sow|contract|proposal|update|negotiation|procurement)\b"
)
_CRM_RE = re.compile(
    r"\b(?:opportunity|deal)\b[^\n]{0,120}?\b(?:changed|moved|was\s+(?:updated|moved|changed|created|closed)|has\s+been|"
    r"updated|created|closed)\b|\bchanged\s+(?:stage|amount|close\s+date)\b|\bin\s+pipeline\b|^\s*(?:stage|amount|"
    r"next\s+step|close\s+date|owner|deal\s+stage|opportunity\s+name|deal\s+name)\s*:",
    re.M,
)
_CHATTER_MONEY_RE = re.compile(
    r"\b(?:lunch|dinner|breakfast|coffee|drinks|uber|lyft|taxi|cab|parking|hotel|flight|ticket|tickets|swag|pizza|"
    r"expense|expenses|reimburse\w*|tip|bet|raffle|gift|snacks|party|offsite|cake|t-?shirts?|hoodies?|merch|"
    r"spiff|bonus|commission|paycheck|salary|rent|gas|groceries|tab|bar|beer|wine|team\s+\w+)\b"
)


def _find_update(
    marked: str, clean: str, low: str, known: str | None, words: frozenset[str] | None = None
) -> DealUpdate | None:
    if words is None:
        words = frozenset(_WORD_RE.findall(low))
    has_digit = (_ASCII_DIGIT_RE if low.isascii() else _DIGIT_RE).search(low) is not None
    if (
        not has_digit
        and _UPDATE_WORDS.isdisjoint(words)
        and "->" not in low
        and "=>" not in low
        and "\u2192" not in low
        and (_UPDATE_HINT_WORDS.isdisjoint(words) or not _UPDATE_HINT_RE.search(low))
    ):
        return None
    if _may(_ACTIVITY_GATE, words) and _ACTIVITY_RE.search(low) and not _EXPLICIT_UPDATE_RE.search(low):
        return None  # CRM activity pings: meetings booked, calls logged, owner or close-date changes

    stage = _find_stage(clean, low, words)
    amount, currency = _find_amount(low) if has_digit else (None, None)
    next_step = _find_next_step(clean, low) if ("next" in low or "ns:" in low) else None
    outcome = _find_outcome(clean, low)
    if stage is None and amount is None and next_step is None and outcome is None:
        return None
    if stage is not None:
        sl = stage.lower()
        if sl in _OUTCOME_STAGES:  # "Closed Won" is an outcome, not a stage
            outcome = outcome or _OUTCOME_STAGES[sl]
            stage = None
            if amount is None and next_step is None and outcome is None:
                return None

    name = known or _find_name(marked, clean, for_update=True, words=words)
    strong = (
        stage is not None
        or (_may(_CRM_GATE, words) and _CRM_RE.search(low) is not None)
        or (outcome is not None and not (_internal_possible(low, words) and _INTERNAL_RE.search(low)))
    )
    if next_step is None and (stage is not None or amount is not None or outcome is not None):
        if not _BOOKED_WORDS.isdisjoint(words):
            next_step = _find_booked_step(clean, low)
    if not strong:
        deal_word = _may(_DEAL_WORD_GATE, words) and _DEAL_WORD_RE.search(low) is not None
        internal = _internal_possible(low, words) and _internal(low, 0, len(low))
        # Amounts or next steps alone need a deal around them; chatter about lunch money does not count.
        if outcome is None and not (deal_word or name or known):
            return None
        if amount is not None and stage is None and outcome is None and next_step is None:
            if _CHATTER_MONEY_RE.search(low) or not (name or known or deal_word):
                return None
        if next_step is not None and stage is None and outcome is None and amount is None:
            if internal and not (name or known):
                return None
            if not (name or known or deal_word or _SALESY_STEP_RE.search(next_step.lower())):
                return None
        if internal and not (name or known or deal_word):
            return None
    return DealUpdate(
        deal_name=name, stage=stage, amount=amount, currency=currency, next_step=next_step, outcome=outcome
    )


# Without a digit, an update needs one of these words, a "next step", an arrow, or "now in <stage>"-like wording.
_UPDATE_WORDS = frozenset(
    "stage stages won lost signed countersigned closed inked booked signature official officially logo moved moving "
    "advanced progressed entered dropped slipped slid bumped promoted graduated stays stayed remains sitting pipeline "
    "amount amt".split()
)
_UPDATE_HINT_RE = re.compile(r"\bnext[\s_]*(?:steps?\b|:)|\b(?:now|still|back|currently|is|are)\s+(?:in|at|to)\s")
_UPDATE_HINT_WORDS = frozenset("next now still back currently is are".split())
_ACTIVITY_RE = re.compile(
    r"\b(?:meeting|call|email|task|note|activity|demo)\s+(?:was\s+)?(?:booked|logged|scheduled|created|completed|opened|"
    r"clicked|added|rescheduled)\b|\bowner\s+(?:changed|updated|reassigned)\b|\breassigned\s+to\b|"
    r"\bclose\s+date\s+(?:changed|updated|moved|pushed)\b"
)
_EXPLICIT_UPDATE_RE = re.compile(
    r"\bstage\b|\bamount\b|\bclosed[\s/_-]*(?:won|lost)\b|\bnext\s+step|\bmoved\s+to\b|\bsigned\b"
)
_OUTCOME_STAGES = {
    "closed won": "won", "closed-won": "won", "closed/won": "won", "closed - won": "won", "won": "won",
    "closed lost": "lost", "closed-lost": "lost", "closed/lost": "lost", "closed - lost": "lost", "lost": "lost",
}
_SALESY_STEP_RE = re.compile(
    r"\b(?:demo|call|meeting|proposal|contract|pricing|quote|review|cfo|ceo|legal|procurement|pilot|poc|trial|follow|send|"
    r"sign|intro|workshop|onsite|sync|present|negotiat|redline|order\s+form|msa|sow|security|exec|decision|champion|"
    r"stakeholder|discovery|kickoff|implementation|reference|business\s+case|roi)\w*"
)
def _stage_name_possible(low: str, words: frozenset[str]) -> bool:
    for key in _STAGE_KEYS.intersection(words):
        for need in _STAGE_WORDSETS[key]:
            if need is None:  # "S3": an "s" with a digit after it
                if _S_DIGIT_RE.search(low) is not None:
                    return True
            elif need <= words:
                return True
    return False


def _find_stage(clean: str, low: str, words: frozenset[str] = frozenset()) -> str | None:
    if "stage" in low:
        if "from:" in low:
            m = _STAGE_TO_LINE_RE.search(low)
            if m is not None:
                return _tidy(clean[m.start("stage") : m.end("stage")])
        for m in _STAGE_EXPLICIT_RE.finditer(low):
            g = next(g for g in ("stage", "stage2", "stage3") if m.group(g) is not None)
            s, e = m.span(g)
            arrow = None
            for arrow in _ARROW_IN_VALUE_RE.finditer(low, s, e):
                pass
            if arrow is not None:  # "Stage: Proposal -> Negotiation": the new one
                s = arrow.end()
            val = _tidy(clean[s:e])
            if val and val.lower() not in _NOT_STAGES and (not val[0].isdigit() or len(val) <= 2):
                return val
    if words and not _stage_name_possible(low, words):
        return None  # every other form names a known stage, and a stage name needs all of its words
    has_arrow = "->" in low or "=>" in low or ">>" in low or not _ARROW_CHARS.isdisjoint(low) or " to " in low
    for rx in (_STAGE_ARROW_RE, _STAGE_INLINE_RE, _STAGE_INSTAGE_RE, _STAGE_ARROW_ANY_RE, _STAGE_PREFIX_RE):
        if (rx is _STAGE_ARROW_ANY_RE or rx is _STAGE_ARROW_RE) and not has_arrow:
            continue
        if rx is _STAGE_PREFIX_RE and ":" not in low and " - " not in low:
            continue
        m = rx.search(low)
        if m is None:
            continue
        if rx is _STAGE_INLINE_RE and m.group("weak") and not _STAGE_CONTEXT_RE.search(low):
            continue
        g = next(g for g in ("stage", "stage2", "stage3") if g in m.re.groupindex and m.group(g) is not None)
        return _tidy(clean[m.start(g) : m.end(g)])
    return None


_ARROW_IN_VALUE_RE = re.compile(r"\s*(?:->|=>|-->|>>|\u2192|\u27f6|\u2794|\u279c|\u27a1\ufe0f?)\s*")
_NOT_STAGES = frozenset({"the", "a", "an", "it", "this", "that", "now", "is", "to", "from", "of", "changed", "updated"})
# Stage names that are also everyday words: only a stage when the message otherwise reads like a deal update.
_WEAK_STAGES = frozenset(
    "lead prospect solution evaluation trial demo quote contract legal procurement verbal commit committed closing "
    "decision signature paperwork won lost implementation onboarding renewal qualified validation business case "
    "scoping on hold redlines discovery pilot".split()
)
_STAGE_CONTEXT_RE = re.compile(
    r"\b(?:moved|advanced|progressed|promoted|bumped|graduated|entered|jumped|stage|pipeline|opp|deal|now\s+in|is\s+now|"
    r"officially)\b"
)


def _tidy(s: str) -> str:
    return s.strip().strip("*_~`'\".,:;!?()[]-\u2013 ").strip()


def _find_amount(low: str) -> tuple[Decimal | None, str | None]:
    """The deal amount and currency; only called for a message with a digit in it."""
    candidates = []
    for m in _NUM_RE.finditer(low):
        ns, ne = m.span()
        if ns and (low[ns - 1].isalnum() or low[ns - 1] in "._#/:"):
            continue  # "q3", "fy25", "v2.1", "10:30"
        after = _AFTER_NUM_RE.match(low, ne)
        suf, code, sym = after.group("suf"), after.group("code"), after.group("sym")
        end = after.end()
        if end < len(low) and (low[end].isalnum() or (low[end] in "%/:" and not (suf or code or sym))):
            continue  # "3pm", "2nd", "30%", "3/14", "2:00"
        before = _BEFORE_NUM_RE.search(low, max(0, ns - 7), ns)
        start = ns
        if before is not None:
            b_sym, b_code = before.group("sym"), before.group("code")
            if before.start() and low[before.start() - 1].isalpha():
                b_sym = b_code = None  # part of a word
            if b_sym or b_code:
                sym, code, start = sym or b_sym, code or b_code, before.start()
        num = m.group()
        if not (sym or code or suf):
            # A bare number counts only right after an amount label: "Amount: 50000".
            lab = _AMOUNT_LABEL_RE.search(low, max(0, ns - 30), ns)
            if lab is None or lab.end() != ns:
                continue
        if suf and not (sym or code):
            # "30k" is money; "3m users" or "2m ago" is not.
            if _NOT_MONEY_AFTER_RE.match(low, end):
                continue
        value = _to_decimal(num, suf, code, sym)
        if value is None or value == 0:
            continue
        currency = None
        if sym:
            currency = _CURRENCY_SYMBOLS.get(sym)
        if code:
            currency = _CODE_MAP.get(code, code.upper())
        candidates.append((start, end, value, currency))
    if not candidates:
        return None, None
    if len(candidates) == 1:
        return candidates[0][2], candidates[0][3]
    # Prefer the amount right after an "Amount:"-style label; with "from X to Y", the last one (the new value).
    labelled = None
    for lab in _AMOUNT_LABEL_RE.finditer(low):
        for c in candidates:
            if c[0] == lab.end() or (c[0] > lab.end() and c[0] - lab.end() <= 3):
                labelled = c
                break
        if labelled is not None:
            window = low[lab.start() : min(len(low), labelled[1] + 40)]
            if " from " in window or "changed" in window:
                after = [c for c in candidates if c[0] > labelled[0] and c[0] - labelled[1] <= 8]
                if after:
                    labelled = after[0]
            break
    chosen = labelled or candidates[0]
    if labelled is None:
        # "$40k -> $50k" / "from $40k to $50k": the new value.
        after = [c for c in candidates[1:] if _ARROW_BETWEEN_RE.fullmatch(low[candidates[0][1] : c[0]])]
        if after:
            chosen = after[0]
    return chosen[2], chosen[3]


_DIGIT_RE = re.compile(r"\d")
_ASCII_DIGIT_RE = re.compile(r"[0-9]")  # the same, for ASCII text
_ARROW_BETWEEN_RE = re.compile(r"\s*(?:->|=>|\u2192|to|-->|>)\s*")
_NUM_RE = re.compile(r"\d(?:[\d,]*\d)?(?:\.\d+)?")
_AFTER_NUM_RE = re.compile(
    r"(?:\s?(?P<suf>" + _SUFFIX + r")\b)?(?:\s?(?P<code>" + _CURRENCY_CODES + r")\b)?(?:\s?(?P<sym>[\u20ac\u00a3$]))?"
)
_BEFORE_NUM_RE = re.compile(
    r"(?:(?P<sym>us\$|a\$|au\$|c\$|ca\$|cad\$|nz\$|s\$|hk\$|r\$|\$|\u20ac|\u00a3|\u00a5|\u20b9|\u20a9)|"
    r"(?P<code>" + _CURRENCY_CODES.split("|dollars")[0] + r"))\s?$"
)
_NOT_MONEY_AFTER_RE = re.compile(
    r"\s*(?:users|seats|employees|people|rows|records|emails|contacts|leads|views|downloads|ago|left|mins?|minutes?)\b"
)


def _to_decimal(num: str, suf: str | None, code: str | None, sym: str | None) -> Decimal | None:
    n = num.replace("\u202f", "").replace("\u00a0", "").replace(" ", "")
    if "," in n and "." in n:
        if n.rfind(",") > n.rfind("."):  # 1.200.000,50
            n = n.replace(".", "").replace(",", ".")
        else:
            n = n.replace(",", "")
    elif "," in n:
        parts = n.split(",")
        if all(len(p) == 3 for p in parts[1:]):
            n = n.replace(",", "")
        else:
            n = n.replace(",", ".")
    elif n.count(".") > 1 or (n.count(".") == 1 and len(n.split(".")[1]) == 3 and not suf and (code in ("eur",) or sym == "€")):
        n = n.replace(".", "")
    try:
        value = Decimal(n)
    except InvalidOperation:
        return None
    if suf:
        mult = _MULTIPLIERS.get(suf)
        if mult is None:
            return None
        value *= mult
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return value


_MULTIPLIERS = {
    "k": Decimal(1000), "thousand": Decimal(1000), "grand": Decimal(1000), "m": Decimal(1_000_000),
    "mm": Decimal(1_000_000), "mil": Decimal(1_000_000), "mill": Decimal(1_000_000), "million": Decimal(1_000_000),
    "millions": Decimal(1_000_000), "b": Decimal(1_000_000_000), "bn": Decimal(1_000_000_000),
    "billion": Decimal(1_000_000_000),
}


def _find_next_step(clean: str, low: str) -> str | None:
    m = _NEXT_STEP_RE.search(low)
    if m is None:
        return None
    start = m.end()
    end_m = _NEXT_STEP_END_RE.search(low, start)
    end = end_m.start() if end_m else len(low)
    return _step_value(clean[start:end])


def _step_value(raw: str) -> str | None:
    val = _LEADING_ARTICLE_RE.sub("", _tidy(raw))
    if not val or len(val) < 2 or val.lower() in ("tbd", "none", "n/a", "na", "?", "unknown", "tba"):
        return None
    return val


_LEADING_ARTICLE_RE = re.compile(r"^(?:a|an|the|to)\s+", re.I)


def _find_booked_step(clean: str, low: str) -> str | None:
    m = _BOOKED_STEP_RE.search(low)
    return _step_value(clean[m.start() : m.end()]) if m is not None else None


_WITH_OTHER_RE = re.compile(r"(?:\s+[\w-]+){0,4}?\s+with\s+(?!us\b|me\b)")


def _capitalised_at(clean: str, pos: int) -> bool:
    return pos < len(clean) and clean[pos].isupper()


def _lost_anchor(low: str) -> bool:
    """A cheap look for the words every _LOST_RE reading needs (plain `in` tests: faster than a regex or any())."""
    return (
        "lost" in low or "dead" in low or "died" in low or "competitor" in low or "killed" in low
        or "fell through" in low or "over us" in low or "is off" in low
    )


def _won_anchor(low: str) -> bool:
    """The same for _WON_RE."""
    return (
        "won" in low or "signed" in low or "inked" in low or "closed" in low or "booked" in low or "landed" in low
        or "bagged" in low or "secured" in low or "signature" in low or "po " in low or "official" in low
        or "new logo" in low or "executed" in low or "done and dusted" in low
    )


def _find_outcome(clean: str, low: str) -> str | None:
    lost = won = None
    if _lost_anchor(low):
        for m in _LOST_RE.finditer(low):
            if m.group("cap") is not None and not _capitalised_at(clean, m.end()):
                continue
            if _OUTCOME_NEG_RE.search(low, max(0, m.start() - 40), m.start()):
                continue
            lost = m
            break
    if _won_anchor(low):
        for m in _WON_RE.finditer(low):
            if m.group("cap") is not None and not _capitalised_at(clean, m.end()):
                continue
            if _WITH_OTHER_RE.match(low, m.end()):
                continue
            if _OUTCOME_NEG_RE.search(low, max(0, m.start() - 40), m.start()):
                continue
            won = m
            break
        if won is None:
            for m in (m for rx in _WON_NAME_RES for m in rx.finditer(clean)):
                n = m.group("name")
                if not n or n.split()[0].lower() in _STOP_NAMES:
                    continue
                if _OUTCOME_NEG_RE.search(low, max(0, m.start() - 40), m.start()):
                    continue
                if _WITH_OTHER_RE.match(low, m.end()):
                    continue
                won = m
                break
    if won is not None and lost is not None:
        return "won" if won.start() < lost.start() else "lost"
    if won is not None:
        return "won"
    if lost is not None:
        return "lost"
    return None


# ---------------------------------------------------------------------------------------------------------------------
# Deal names
# ---------------------------------------------------------------------------------------------------------------------

_STOP_NAMES = frozenset(
    (
        "the a an this that these those just so but and also then quick update fyi heads good great bad had got called "
        "spoke talked met sent followed moved still need needs wants want said told not no yes well ok okay hey hi "
        "hello thanks thank today yesterday tomorrow last next per re after before on in at for from with without our "
        "their my your his her its it it's is are was were will would should could can do does did has have any "
        "anyone anybody someone everyone team folks all guys how what when where why who which if unless although "
        "though since because as some most many lots new big huge small another other stage amount deal deals "
        "opportunity opp close closed won lost signed note notes recap summary status call meeting demo discovery "
        "proposal pricing legal procurement finance budget timing monday tuesday wednesday thursday friday saturday "
        "sunday mon tue tues wed thu thur thurs fri sat sun january february march april may june july august "
        "september october november december jan feb mar apr jun jul aug sep sept oct nov dec q1 q2 q3 q4 cfo ceo "
        "cto vp coo cio cmo cro it hr po msa sow nda arr acv usd eur gbp cad fyi eta eod eow asap rfp poc sso api crm "
        "roi tl;dr tldr she he they we i i'm i'll i've i'd we're we'll they're they'll she's he's there here "
        "update: update. big win huge win win nice woohoo yay wow ugh sadly unfortunately finally officially boom "
        "let let's lets please pls can't cant don't dont won't wont didn't didnt isn't isnt wasn't wasnt "
        "negotiation qualification proposal/price contract sent closing commit verbal pilot trial evaluation "
        "closed-won closed-lost amt next step steps owner pipeline sales opportunity: deal: update - "
        "after call following spoke chatted got met had quick heads-up headsup reminder question anyone "
        "sure maybe probably looks seems sounds thinking think feel love loved like liked hate tough rough "
        "also btw fwiw imo imho tbh lol haha rip oof dang darn shoot whoa welp sooo soo ugh yikes phew "
        "client prospect customer buyer champion ae sdr se manager boss board partner ceo's cfo's salesforce hubspot "
        "sfdc slack zoom gong email emailed pinged called texted circling circle revisit pushed pushing "
        "moving advancing dropping per via w/ w x vs v ve via user someone channel here everyone "
        "renewal expansion upsell mid-market enterprise smb account accounts lead leads prospects clients customers "
        "updated alert change changed moved created reason amount: stage: new weekly daily monthly pipeline: "
        "dr mr mrs ms"
    ).split()
)
# Stop words that still end many company names ("Gemini Legal", "Blue Sun", "Hollis Partners").
_NAME_WORDS = frozenset("legal finance procurement sun sat partner partners board pilot trial gong zoom slack capital".split())
_TOKEN = r"[A-Z](?<![\w@#][A-Z])[\w&'-]*(?:\.[\w&'-]+)*"
_NAME_BOUNDED = _TOKEN + r"(?:\s+(?:" + _TOKEN + r"|\d+(?![\w.,$€£])|&))" + "{0,3}"
# Words a deal's name carries with it ("Acme renewal"), versus ones that only say it is a deal ("the Acme deal").
_QUALIFIERS = r"renewal|expansion|upsell|pilot|poc|rollout|upgrade|phase\s+\d+|year\s+\d+"
_FIELD_STOP = r"(?=\s*(?:$|\n|\s[|\u2022\u00b7]\s|\s[-\u2013]\s+(?:Amount|Stage|Close|Owner)|\s+\((?:Amount|Stage)))"
_CRM_NAME_RES = (
    # "Opportunity: X", "Deal Name: X", ">*Opportunity:* X" (a field line; Account only as a last resort below)
    re.compile(
        r"^[>\s\-\u2022*]*(?:Opportunity|Opportunity\s+Name|Deal|Deal\s+Name|Opp)\s*:\s*\*?\s*([^\n*|\u2022\u00b7]{1,100}?)"
        r"\s*\*?" + _FIELD_STOP,
        re.I | re.M,
    ),
    # "Opportunity *X* changed ...", "Deal *X* moved ..."
    re.compile(r"\b(?:Opportunity|Opp|Deal)\s*(?:[Nn]ame)?\s*:?\s*\*([^*\n]{1,100})\*", re.I),
    # 'Opportunity "X"', 'on opportunity "X"'
    re.compile(r"\b(?:Opportunity|Opp|Deal)\s+[\"']([^\"'\n]{1,100})[\"']", re.I),
    # "Opportunity Updated • X • Stage: ...", "Opportunity Alert: X - Amount changed"
    re.compile(
        r"\b(?:Opportunity|Deal)\s+(?:Updated|Update|Won|Lost|Moved|Created|Alert|Closed)\s*[\u2022\u00b7|:-]\s*"
        r"([^\u2022\u00b7|\n:]{2,80}?)\s*(?:[\u2022\u00b7|\n]|\s[-\u2013]\s|$)",
        re.I,
    ),
    # "Opportunity X changed Stage ..." (no formatting)
    re.compile(
        r"\b(?:Opportunity|Deal)\s+(?!stage\b|amount\b|owner\b|updated?\b|moved\b|won\b|lost\b)([^\n]{2,100}?)\s+(?:changed|"
        r"was\s+(?:updated|moved|changed|created|closed|won|lost|marked)|has\s+been|has\s+moved|moved|updated|is\s+now|closed|"
        r"\u2192|->)\b"
    ),
    re.compile(r"^[>\s\-\u2022*]*(?:Account|Account\s+Name|Company)\s*:\s*\*?\s*([^\n*|\u2022\u00b7]{1,100}?)\s*\*?" + _FIELD_STOP,
               re.I | re.M),
)
_CRM_HINT_RE = re.compile(
    r"\b(?:opportunity|deal)\s+(?:updated|update|won|lost|moved|alert|stage|created|closed)\b|\bclosed[\s/_-]*won\b|"
    r"\bstage\s+(?:change|update)|\bsalesforce\b|\bhubspot\b|\bpipeline\b|\bnext\s+step\s+updated\b|\bdeal\s+won\b|"
    r"\bnew\s+closed\s+won\b"
)
_BOLD_LABEL_RE = re.compile(
    r"^(?:opportunity|opp|deal|account)?\s*(?:updated?|alert|moved|won|lost|created|closed(?:[\s/_-]*(?:won|lost))?|"
    r"stage(?:\s+(?:change|update|changed))?|deal\s+(?:won|moved|update)|amount|owner|next\s+step|close\s+date|new|"
    r"opportunity\s+(?:stage\s+)?update|deal\s+stage\s+updated)?\s*:?$|.*:$",
    re.I,
)
_HUMAN_NAME_RES = (
    # "the Acme renewal", "Acme opp", "the Krusty Krab franchise deal"
    re.compile(r"(" + _NAME_BOUNDED + r")(?:'s)?\s+(?:(?P<q>" + _QUALIFIERS
               + r")\b|(?:[a-z]+\s+)?(?i:deal|opp|opportunity|account|contract)\b)"),
    # "Acme: moved to proposal", "Acme - signed", "Update on Acme:", "Wonka Confections 🍫 stage: ..."
    re.compile(r"^\s*(?:[-\u2022>]\s*)?(?:(?:[Uu]pdate|UPDATE|[Dd]eal\s+update|[Rr]e|RE|FYI|fyi|[Qq]uick\s+update|"
               r"[Pp]ipeline\s+update)\s*(?:on|:|-)?\s*)?(?:[Oo]n\s+)?"
               r"(" + _NAME_BOUNDED + r")\s*(?:\s(?P<q>" + _QUALIFIERS + r"))?(?:[^\w\s]{1,4}\s*)?"
               r"(?::|\s-\s|\s\|\s|\s+(?:update|stage|amt|amount|deal)\b|\s*\(|\s*(?:->|\u2192))", re.M),
    # "Acme moved to Proposal", "Initech signed", "Globex is now in negotiation", "Halcyon amt updated"
    re.compile(r"(" + _NAME_BOUNDED + r")(?:'s)?\s+(?i:(?:(?:deal|opp|just|finally|officially|has|have|is|was)\s+)*"
               r"(?:moved|advanced|progressed|is\s+now|now\s+in|went|slipped|jumped|signed|closed|->|\u2192|stage|pushed|"
               r"renewed|countersigned|entered|bumped|stalled|inked|came\s+back|got\s+to|reached|dropped|slid|amt|amount|"
               r"arr|acv|in\s+(?:contract|negotiation|proposal|discovery|legal)|a\s+go|live|done|official|back|stays|still|"
               r"sitting|remains))\b"),
    # "closed won Initech 30k", "lost Umbrella to a competitor", "CLOSED WON 🔔 Northstar", "Closed lost on Ardent"
    re.compile(r"\b(?:[Cc]losed[\s/_-]*(?:[Ww]on|[Ll]ost)|[Ww]on|[Ll]ost|[Ss]igned|[Cc]losed|[Ii]nked|[Bb]ooked|[Ll]anded|"
               r"CLOSED[\s/_-]*(?:WON|LOST)|WON|LOST)\b[^\w\n]{0,8}?\s*(?:(?:with|the|on|for)\s+)?(" + _NAME_BOUNDED + r")"),
    # "Moved Sterling Cooper to Closed Lost", "moved Elkhorn back to Discovery"
    re.compile(r"\b(?:[Mm]oved|[Mm]oving|[Bb]umped|[Pp]ushed|[Aa]dvanced|[Mm]arked|[Ss]et|[Dd]ropped)\s+(" + _NAME_BOUNDED
               + r")\s+(?:back\s+)?(?:to|into|as|in)\b"),
    # "update on Acme", "call with Acme", "CFO at Acme" (the preposition is checked in _find_name)
    re.compile(r"(" + _NAME_BOUNDED + r")(?:'s)?\b"),
    # "Acme's CFO", "the Acme team"
    re.compile(r"(" + _NAME_BOUNDED + r")(?:'s\b|'(?!\w)|\s+team\b|\s+folks\b|\s+people\b)"),
)
_LOWER_LABEL_RE = re.compile(
    r"^\s*([a-z][\w&'-]*(?:\s+[a-z][\w&'-]*){0,2})\s*(?::|\s-\s)\s*(?:stage\b|won\b|lost\b|closed\b|signed\b|moved\b|amt\b|"
    r"amount\b|[$\u20ac\u00a3]?\d)"
)
_BOLD_RE = re.compile(r"\*([^*\n]{2,80})\*")
_WITH_RE_INDEX = 5  # "call with Acme": weak, tried last for updates
_LABEL_HINT_WORDS = frozenset("update stage amt amount deal".split())


def _label_hint(clean: str, words: frozenset[str] | None) -> bool:
    """Could a line start with a label ("Acme:", "Acme - ", "Acme (", "Acme update")?"""
    if ":" in clean or "|" in clean or "(" in clean or " - " in clean or "->" in clean or "\u2192" in clean:
        return True
    if words is None:
        words = frozenset(_WORD_RE.findall(clean.lower()))
    return not _LABEL_HINT_WORDS.isdisjoint(words)

# "Dana at Acme", "Kim from Globex": these name companies; "spoke to Dana", "call with Raj" more often name people.
_PREP_BEFORE_RE = re.compile(r"(?:\b(?:[Aa]t|[Ff]rom|AT|FROM)|@)\s*$")
_WEAK_PREP_BEFORE_RE = re.compile(r"\b(?:[Oo]n|[Ww]ith|[Ff]or|[Tt]o|w/|W/)\s*$")
_WEAK_PREP = 7  # pseudo-index in the name orders below
# Gates for the name patterns that start with a verb.
_NAME_RE_WORDS: dict[int, frozenset[str]] = {
    0: frozenset("deal opp opportunity account contract renewal expansion upsell pilot poc rollout upgrade phase year".split()),
    3: frozenset("closed won lost signed inked booked landed".split()),
    4: frozenset("moved moving bumped pushed advanced marked set dropped".split()),
    6: frozenset("s team folks people".split()),
    2: frozenset(
        "moved advanced progressed is now went slipped jumped signed closed stage pushed renewed countersigned entered "
        "bumped stalled inked came got reached dropped slid amt amount arr acv in a live done official back stays still "
        "sitting remains deal opp just finally officially has have was".split()
    ),
}


def _valid_name(raw: str) -> str | None:
    name = raw.strip().strip(".,:;!?*-'\"()").strip()
    if name.endswith("'s"):
        name = name[:-2]
    words = name.split()
    while words and words[-1].lower().strip(".,:;!?") in _STOP_NAMES and words[-1].lower() not in _NAME_WORDS:
        words.pop()
    while words and words[0].lower().strip(".,:;!?") in _STOP_NAMES:
        words.pop(0)
    if not words:
        return None
    name = " ".join(words)
    if len(name) < 2 or name.isdigit():
        return None
    return name


def _crm_name(raw: str) -> str | None:
    if raw.lstrip().startswith("*"):
        return None  # a bold name cut short by the pattern: the bold pass below reads it whole
    name = raw.strip().strip("*_`'\"").strip()
    if not name or name.lower().split()[0] in ("stage", "amount", "owner", "is", "was", "has", "the", "from", "to"):
        return None
    return name


def _find_name(marked: str, clean: str, *, for_update: bool, words: frozenset[str] | None = None) -> str | None:
    if "pportunit" in marked or "eal" in marked or "Opp" in marked or "OPP" in marked or "ccount" in marked:
        if words is None:
            words = frozenset(_WORD_RE.findall(clean.lower()))
        for i, rx in enumerate(_CRM_NAME_RES):
            if not _crm_name_possible(i, marked, clean, words):
                continue
            m = rx.search(clean if i == 4 else marked)
            if m is not None and (name := _crm_name(m.group(1))) is not None:
                return name
    if "*" in marked and _CRM_HINT_RE.search(marked.lower()):
        # CRM posts put the deal in bold under a header: "*Opportunity Updated*\n*Kessler Manufacturing - Platform*"
        for m in _BOLD_RE.finditer(marked):
            text = m.group(1).strip()
            if text and not _BOLD_LABEL_RE.match(text) and text.lower() not in _STAGE_SET and not text[0].isdigit():
                return text
    runs = _name_runs(clean)
    found = _human_name(clean, for_update, words=words, runs=runs)
    if found is not None:
        return found
    if for_update:
        m = _LOWER_LABEL_RE.match(clean)
        if m is not None and m.group(1).split()[0] not in _STOP_NAMES and m.group(1) not in _STOP_NAMES:
            return m.group(1)
    if "*" in marked:
        for m in _BOLD_RE.finditer(marked):
            name = _valid_name(m.group(1))
            if name is not None and name[0].isupper() and len(name.split()) <= 4 and name.lower() not in _STAGE_SET:
                return name
    if for_update:
        return _human_name(clean, for_update, only=_WITH_RE_INDEX, words=words, runs=runs) or _human_name(
            clean, for_update, only=_WEAK_PREP, words=words, runs=runs
        )
    return None


_CRM_OPP_WORDS = frozenset("opportunity deal opp".split())
_CRM_ACCOUNT_WORDS = frozenset("account company".split())


def _crm_name_possible(i: int, marked: str, clean: str, words: frozenset[str]) -> bool:
    """Cheap conditions _CRM_NAME_RES[i] needs: its label words, and the punctuation it reads."""
    if i == 0:
        return ":" in marked and not _CRM_OPP_WORDS.isdisjoint(words)
    if i == 1:
        return "*" in marked and not _CRM_OPP_WORDS.isdisjoint(words)
    if i == 2:
        return ('"' in marked or "'" in marked) and not _CRM_OPP_WORDS.isdisjoint(words)
    if i == 3:
        return "opportunity" in words or "deal" in words
    if i == 4:
        return "Opportunity" in clean or "Deal" in clean
    if i == 5:
        return ":" in marked and not _CRM_ACCOUNT_WORDS.isdisjoint(words)
    return True


def _name_runs(clean: str) -> list[tuple[int, int, str, int]]:
    """The capitalised runs that can be names: (start, end, the name kept, where its first word starts)."""
    runs = []
    for run in _RUN_RE.finditer(clean):
        text = run.group()
        if " " not in text and text.lower().rstrip(".'-") in _STOP_NAMES:
            continue  # "She", "Call", "Update": sentence starts, not names
        a, b = run.span()
        kept = _valid_name(text)
        if kept is None:
            continue
        runs.append((a, b, kept, clean.find(kept.split()[0], a)))
    return runs


_RUN_RE = re.compile(_NAME_BOUNDED)
_OUTCOME_BEFORE_RE = re.compile(
    r"\b(?:[Cc]losed[\s/_-]*(?:[Ww]on|[Ll]ost)|[Ww]on|[Ll]ost|[Ss]igned|[Cc]losed|[Ii]nked|[Bb]ooked|[Ll]anded|"
    r"CLOSED[\s/_-]*(?:WON|LOST)|WON|LOST)\b[^\w\n]{0,8}?\s*(?:(?:with|the|on|for)\s+)?$"
)
_MOVED_BEFORE_RE = re.compile(r"\b(?:[Mm]oved|[Mm]oving|[Bb]umped|[Pp]ushed|[Aa]dvanced|[Mm]arked|[Ss]et|[Dd]ropped)\s+$")
_MOVED_AFTER_RE = re.compile(r"\s+(?:back\s+)?(?:to|into|as|in)\b")
_LABEL_BEFORE_RE = re.compile(
    r"(?:^|\n)\s*(?:[-\u2022>]\s*)?(?:(?:[Uu]pdate|UPDATE|[Dd]eal\s+update|[Rr]e|RE|FYI|fyi|[Qq]uick\s+update|"
    r"[Pp]ipeline\s+update)\s*(?:on|:|-)?\s*)?(?:[Oo]n\s+)?$"
)
_LABEL_AFTER_RE = re.compile(
    r"\s*(?:\s(?P<q>" + _QUALIFIERS + r"))?(?:[^\w\s]{1,4}\s*)?(?::|\s-\s|\s\|\s|\s+(?:update|stage|amt|amount|deal)\b|"
    r"\s*\(|\s*(?:->|\u2192))"
)
_STALL_NAME_ORDER = (0, 1, 2, 3, 4, 5, 6, _WEAK_PREP)
_UPDATE_NAME_ORDER = (0, 1, 2, 3, 4, 6)


def _human_name(
    clean: str,
    for_update: bool,
    only: int | None = None,
    words: frozenset[str] | None = None,
    runs: list[tuple[int, int, str, int]] | None = None,
) -> str | None:
    """The deal a person's message names, in one pass over its capitalised runs. Each run is checked against the
    phrasings in _HUMAN_NAME_RES order ("Acme renewal", "Acme:", "Acme moved...", "closed won Acme", "moved Acme to",
    "with Acme", "Acme's"); the earliest phrasing wins, then the leftmost run."""
    order = (only,) if only is not None else (_UPDATE_NAME_ORDER if for_update else _STALL_NAME_ORDER)
    lowered = words
    active = []
    if lowered is None:
        lowered = frozenset(_WORD_RE.findall(clean.lower()))
    for i in order:
        gate = _NAME_RE_WORDS.get(i)
        if gate is not None:
            if lowered is None:
                lowered = frozenset(_WORD_RE.findall(clean.lower()))
            if gate.isdisjoint(lowered) and not (i == 6 and "'" in clean) and not (
                i == 2 and ("->" in clean or "\u2192" in clean)
            ):
                continue
        if i == 1 and not _label_hint(clean, lowered):
            continue
        active.append(i)
    if not active:
        return None
    best: tuple[int, str] | None = None
    for a, b, kept, na in _name_runs(clean) if runs is None else runs:
        for rank, i in enumerate(active):
            if best is not None and rank >= best[0]:
                break
            result: str | None = None
            if i in (0, 2, 6):
                m = _HUMAN_NAME_RES[i].match(clean, a)
                if m is not None and (name := _valid_name(m.group(1))) is not None:
                    q = m.groupdict().get("q")
                    result = f"{name} {q}" if q else name
            elif i == 1:
                if _LABEL_BEFORE_RE.search(clean, max(0, a - 40), a):
                    m = _LABEL_AFTER_RE.match(clean, b)
                    if m is not None:
                        result = f"{kept} {m.group('q')}" if m.group("q") else kept
            elif i == 3:
                if _OUTCOME_BEFORE_RE.search(clean, max(0, na - 30), na):
                    result = _valid_name(clean[na:b])
            elif i == 4:
                if _MOVED_BEFORE_RE.search(clean, max(0, na - 12), na) and _MOVED_AFTER_RE.match(clean, b):
                    result = _valid_name(clean[na:b])
            elif i == 5:
                if _PREP_BEFORE_RE.search(clean, max(0, na - 10), na):
                    result = _valid_name(clean[na:b])
            elif i == _WEAK_PREP:
                if _WEAK_PREP_BEFORE_RE.search(clean, max(0, na - 10), na):
                    result = _valid_name(clean[na:b])
            if result is not None:
                best = (rank, result)
                break
        if best is not None and best[0] == 0:
            break
    return best[1] if best is not None else None


def _find_known_deal(low: str, known_deals: Sequence[str]) -> str | None:
    best: tuple[int, int, str] | None = None
    for deal in known_deals:
        if not deal:
            continue
        d = deal.lower().strip()
        i = low.find(d)
        while i != -1:
            before = low[i - 1] if i > 0 else " "
            after = low[i + len(d)] if i + len(d) < len(low) else " "
            if not (before.isalnum() or before == "_") and not (after.isalnum() or after == "_"):
                cand = (-len(d), i, deal)  # the longest name wins ("Acme Renewal" over "Acme")
                if best is None or cand < best:
                    best = cand
                break
            i = low.find(d, i + 1)
    return best[2] if best else None


# ---------------------------------------------------------------------------------------------------------------------
# Gates: the words a pattern can start with; a message without any of them cannot match, so the scan is skipped.
# ---------------------------------------------------------------------------------------------------------------------


def _gate(pattern: str) -> frozenset[str] | None:
    words = _first_words(pattern, skip_leading=True)
    return frozenset(words) if words else None


def _may(gate: frozenset[str] | None, words: frozenset[str]) -> bool:
    return gate is None or not gate.isdisjoint(words)


def _internal_possible(low: str, words: frozenset[str]) -> bool:
    return _may(_INTERNAL_GATE, words) or "#" in low or "1:1" in low or "1-on-1" in low or "401k" in low


_ADVICE_GATE = _gate(_ADVICE_RE.pattern)
_HYPOTHETICAL_GATE = _gate(_HYPOTHETICAL_RE.pattern)
_SPECULATION_GATE = _gate(_SPECULATION_RE.pattern)
_NEGATED_GATE = _gate(_NEGATED_RE.pattern)
_POST_REPORTED_GATE = frozenset("said says told mentioned added wrote replied insisted admitted explained per according".split())
_INTERNAL_GATE = _gate(_INTERNAL_RE.pattern)
_BOOKED_WORDS = frozenset("next booked scheduled set sending send goes paperwork".split())
_REVERSAL_WORDS = frozenset(
    "signed countersigned came said decided approved unfroze unfrozen resolved sorted issue problem concern blocker "
    "anymore longer moving going bought purchased fine ok turned went got moved overcame handled cleared".split()
)
_CRM_GATE = _gate(_CRM_RE.pattern)
_ACTIVITY_GATE = _gate(_ACTIVITY_RE.pattern)
_DEAL_WORD_GATE = _gate(_DEAL_WORD_RE.pattern)
_TRIGGER_WORDS = frozenset(_DISPATCH)
_ARROW_CHARS = frozenset("\u2192\u27f6\u2794\u279c\u27a1")


def _stage_wordsets() -> dict[str, list[frozenset[str] | None]]:
    """Each stage name's words (all must occur for the name to), filed under its longest word."""
    out: dict[str, list[frozenset[str] | None]] = {}
    for name in _STAGE_NAMES:
        if name.startswith("s[0-9]"):
            out.setdefault("s", []).append(None)
            continue
        ws = re.findall(r"[a-z]+", name.split("[")[0].replace("\\", "").replace(".", " "))
        out.setdefault(max(ws, key=len), []).append(frozenset(ws))
    return out


_STAGE_WORDSETS = _stage_wordsets()
_STAGE_KEYS = frozenset(_STAGE_WORDSETS)
_S_DIGIT_RE = re.compile(r"(?<![a-z])s[0-9]")


def _guarded(rx: re.Pattern[str]) -> re.Pattern[str]:
    """The same pattern behind a trie of its possible first words: most positions then fail on one or two letters.
    Patterns whose first words cannot be worked out are returned unchanged."""
    words = _first_words(rx.pattern)
    if not words or rx.pattern.startswith("^"):
        return rx
    return re.compile(r"\b(?=" + _trie_regex(words) + r"(?![a-z]))(?:" + rx.pattern + ")", rx.flags)


for _name in (
    "_SUBJECT_RE _REPORTED_RE _INTERNAL_RE _ADVICE_RE _DEAL_WORD_RE _WON_RE _LOST_RE _ACTIVITY_RE _STAGE_INLINE_RE "
    "_STAGE_INSTAGE_RE _STAGE_ARROW_RE _HYPOTHETICAL_RE _SPECULATION_RE _CHATTER_MONEY_RE _SALESY_STEP_RE "
    "_PROSPECT_SIGNAL_RE _THIRD_BEFORE_RE _EXPLICIT_UPDATE_RE _NEGATED_RE _PERSONAL_RE "
    "_REPORTED_SPEECH_RE _AMOUNT_LABEL_RE _NEXT_STEP_RE"
).split():
    if _name in globals():
        globals()[_name] = _guarded(globals()[_name])
del _name
