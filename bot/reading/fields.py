"""Step 3 of the reader: the deal fields a message states (deal, stage, amount, currency, next step, won/lost).

- `extract_update(n, ...)`: the fields, for a message the classifier already believes is a deal update (permissive
  about *whether*, exact about the *values*); None when it states none.
- `looks_like_update(n)`: the rules' own judgement of whether a message is a deal update at all, for the fallback
  reader when the learned classifier is not installed.

Patterns run on `_fold(clean)`: lowercased, accents dropped, same length as `clean`, so values are sliced from
`clean` as written. English, Spanish, German, French and Portuguese.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Sequence

from bot.coaching.models import DealUpdate
from bot.reading.amounts import find_amount
from bot.reading.deal_names import find_deal_name, match_known_deal
from bot.reading.normalise import Normalised, lower_aligned
from bot.reading.stages import StageList, default_stages, normalise_stage, tidy_stage

__all__ = ["extract_update", "looks_like_update", "find_deal_name", "match_known_deal", "find_stage",
           "find_next_step", "find_outcome"]


def _fold_table() -> dict[int, str]:
    table = {}
    for cp in range(0xC0, 0x250):
        c = chr(cp)
        base = unicodedata.normalize("NFKD", c)[0].lower()
        if base.isascii() and base.isalpha() and c.lower() != base:
            table[cp] = base
    return table


_FOLD = _fold_table()


def _fold(clean: str) -> str:
    """Lowercase, accents dropped, one character for one: offsets match `clean`."""
    low = lower_aligned(clean)
    return low if low.isascii() else low.translate(_FOLD)


# --- stages -------------------------------------------------------------------------------------------------------

_ARROW = r"(?:->|=>|-->|>>|\u2192|\u27f6|\u2794|\u279c|\u279d|\u2799|\u21d2|\u27a1\ufe0f?|\u25b8)"
_LABEL = (r"(?:deal\s*stage|dealstage|stage|etapa|fase|phase|verkaufsphase|stufe|etape|estagio|estado|status|statut|"
          r"new\s+stage|nueva\s+etapa|neue\s+phase)")
_STOP_STAGE = (
    r"(?=\s*(?:$|\n|[,;\u00b7|()\[\]\u2022*\"]|\.(?:\s|$)|!|\s+(?:in|on|of)\s+(?:the\s+)?(?:\w+\s+)?pipeline\b|"
    r"\s+on\s+(?:the\s+)?(?:opportunity|opp|deal)\b|\s+(?:amount|amt|next\s+steps?|close\s+date|owner|by|with|and|after|"
    r"for|from|today|yesterday|this\s+week|on\s+(?:mon|tue|wed|thu|fri)\w*|as\s+of|at|w/|but|since|verschoben|gesetzt|"
    r"geandert|cambiad[oa]|movid[oa]|pero|aber|mais|mas|con|mit|avec|com|el|am|le|em|hoy|heute|aujourd'hui|hoje|"
    r"y|und|et|e|desde|seit|depuis|on)\b|\s+[-\u2013]\s|\s+\$|\s+\d|\s*[\U0001F300-\U0001FAFF\u2600-\u2793]))"
)
_VALUE = r"[^\s,;.\u00b7|\u2022*\"'][^\n,;\u00b7|\u2022*\"]{0,60}?"
_LABEL_VALUE_RE = re.compile(
    rf"(?<!prochaine\s)(?<!prochaines\s)(?<!next\s)\b{_LABEL}\s*(?:changed|updated|moved|set|geandert|cambiad[oa]|actualizad[oa]|modifiee?|alterad[oa])?\s*"
    r"(?:(?:from|de|von|desde)\s+(?P<from>[^\n,;]{1,50}?)\s*)?"
    rf"(?:\bto\b|{_ARROW}|=|:|\bis\s+now\b|\bis\b|\bnow\s+at\b|\bnow\s+in\b|\bnow\b|\ba\b|\bauf\b|\bzu\b|\bpara\b|\ben\b|\bin\b)"
    rf"\s*:?\s*(?:stage\s+)?(?P<stage>{_VALUE}){_STOP_STAGE}"
    rf"|\b(?:moved|changed|updated|set|advanced|progressed|entered|paso|pasa|pasado|pasou|movid[oa]|movio|passee?)\s+"
    rf"(?:(?:in)?to\s+|a\s+|para\s+|en\s+|a\s+la\s+|a\s+l'|para\s+a\s+)?(?:the\s+|la\s+|l'|a\s+)?(?:deal\s+)?{_LABEL}\s*:?\s*"
    rf"(?!from\b)(?P<stage2>{_VALUE}){_STOP_STAGE}"
    rf"|\b(?:in|im|en|na|dans)\s+(?:der\s+|la\s+|l'|a\s+)?(?:phase|etapa|fase|etape|stage)\s+(?P<stage3>{_VALUE})\s+"
    r"(?:verschoben|gesetzt|gewechselt|angekommen)\b"
    r"|\bauf\s+\"(?P<stage4>[^\"\n]{2,40})\"\s+(?:gesetzt|verschoben)\b"
    r"|^(?:deal\s+)?(?:stage|etapa|phase|fase|etape)\s*:?[ \t]*\n[ \t]*(?P<stage5>[^\n]{2,60}?)[ \t]*$",
    re.M,
)
# "To: Negotiation" on a CRM card with separate From / To lines
_TO_LINE_RE = re.compile(r"^[>\s*\u2022-]*(?:to|new|nach|a|para)\s*:\**\s*(?P<stage>[^\n*]{2,60}?)\s*\**\s*$", re.M)
_ARROW_IN_VALUE_RE = re.compile(r"\s*(?:" + _ARROW + r"|\bto\b)\s*")
_ARROW_ONLY_RE = re.compile(r"\s*" + _ARROW + r"\s*")
_NOT_STAGES = frozenset("the a an it this that now is to from of changed updated none n/a tbd ? - la el le".split())

_MOVE = (
    r"(?P<strong>moved|moving|moves|advanced|advancing|advances|progressed|progressing|promoted|bumped|graduated|"
    r"upgraded|downgraded|entered|entering|transitioned|slid|slipped|dropped|back|stays|stayed|staying|still|remains|"
    r"remained|sitting|sits|is\s+now|are\s+now|now\s+at|went\s+back|continua|reopened|reopening|modifiee?|cambiad[oa]|geandert|alterad[oa]|paso|pasa|pasado|pasamos|movido|movida|avanzo|avanza|sigue|esta\s+en|"
    r"ahora|vuelve|volvio|ist\s+jetzt|jetzt|bleibt|wechselt|verschoben|gewechselt|est\s+passee?|passee?|passe|reste|"
    r"maintenant|est\s+en|passou|passa|movido|avancou|segue|agora|voltou)|"
    r"(?P<weak>pushed|went|going|jumped|now|officially|changed|updated|set|heading|headed|made\s+it|marking|marked|is|are)"
)
_NO_STAGE_AFTER = r"(?!\s*(?:call|meeting|deck|prep|slides|template|with\s+(?:the|our|my)\s+team|llamada|termin|appel))"
_STAGE_CONTEXT_RE = re.compile(
    r"\b(?:moved|advanced|progressed|promoted|bumped|graduated|entered|jumped|stage|pipeline|opp|deal|now\s+in|is\s+now|"
    r"officially|etapa|phase|fase|etape|paso|pasa|oportunidad|negocio)\b|" + _ARROW
)


_BUILT: dict[int, tuple[StageList, frozenset[str], tuple[re.Pattern[str], ...]]] = {}
_WORD_RE = re.compile(r"[a-z0-9]+")
_DIGIT_RE = re.compile(r"\d")


def _stage_patterns(stages: StageList) -> tuple[frozenset[str], tuple[re.Pattern[str], ...]]:
    """(the first words of every spelling, regexes naming the list's stages in running text), built once per list
    (keyed by identity: hashing the list on every message costs more than the search)."""
    built = _BUILT.get(id(stages))
    if built is None or built[0] is not stages:
        built = (stages, frozenset(k.split()[0] for k in stages.by_key) | {"stage", "s"}, _build_stage_patterns(stages))
        _BUILT[id(stages)] = built
    return built[1], built[2]


def _build_stage_patterns(stages: StageList) -> tuple[re.Pattern[str], ...]:
    names = [r"[\s/.\-]*".join(re.escape(w) for w in key.split()) for key in stages.spellings()]
    alt = "|".join(names) + r"|stage\s+\d(?:\s*[-:]\s*\w+(?:\s+\w+)?|\s*\(\w+\))?|s\d(?!\w)"
    stage = rf"(?:{alt})"
    return (
        # "Proposal -> Negotiation", "from Demo to Proposal"
        re.compile(rf"\b(?P<from>{stage})['\"*]?\s*(?:{_ARROW}|\bto\b|\ba\b|\bauf\b|\bpara\b|\bzu\b)\s*['\"*]?(?P<stage>{stage})(?!\w)"),
        # "moved to Proposal", "pasó a Negociación", "ist jetzt in Verhandlung"
        re.compile(rf"\b(?:{_MOVE})\s+(?:(?:it|them|the\s+deal|the\s+opp|this|lo|la)\s+)?(?:back\s+)?(?:(?:in)?to\s+|in\s+|at\s+|a\s+|en\s+|"
                   rf"zu\s+|zur\s+|in\s+die\s+|in\s+der\s+|auf\s+|nach\s+|para\s+|em\s+|na\s+|no\s+|pour\s+|au\s+)?"
                   rf"(?:the\s+|la\s+|el\s+|die\s+|der\s+|le\s+|l'|a\s+|o\s+)?(?:stage\s+|etapa\s+|fase\s+|phase\s+)?"
                   rf"[\"'*]?(?P<stage>{stage})(?!\w)(?:\s+stage)?{_NO_STAGE_AFTER}"),
        # "in the Proposal stage", "is in Negotiation", "in Discovery at $40k"
        re.compile(rf"\b(?:in|at|to|into|reached|hit|entered)\s+(?:the\s+)?(?P<stage>{stage})\s+(?:stage|phase)\b"
                   rf"|\b(?:is|are|now|still|currently|renewal|expansion|deal|opp)\s+(?:in|at)\s+(?P<stage2>{stage})(?!\w){_NO_STAGE_AFTER}"
                   rf"|\bin\s+(?P<stage3>{stage})\s+(?:at|now|with|for)\b"),
        # "stage Negotiation", "etapa Negociação", "Phase Verhandlung"
        re.compile(rf"(?<!prochaine\s)(?<!next\s)\b{_LABEL}\s+(?P<stage>{stage})(?!\w)"),
        # "at Stage 1", "as Stage 2"
        re.compile(r"\b(?:at|as|to|into|in)\s+(?P<stage>stage\s+\d)(?!\w)"),
        # "Pinecrest to Negotiation, $48k", "Halden Insurance to Discovery"
        re.compile(rf"^\s*[^\n]{{1,60}}?\s(?:to|into|now|a|auf|para|en)\s+(?P<stage>{stage})(?=\s*(?:[,;.(|!]|$|\s+[-\u2013]\s|\s+\$|\s+\d))", re.M),
        # "-> Negotiation", "→ *Contract Sent*"
        re.compile(rf"{_ARROW}\s*[*\"']?(?:stage\s*:?\s*)?(?P<stage>{stage})(?!\w)"),
        # "Hanso Foundation - Discovery, 12 seats", "Bramble Interiors | Proposal | $6.2k"
        re.compile(rf"^\s*(?:[-\u2022>*]\s*)?[^\n:|]{{1,60}}?(?::|\s[-\u2013|]\s)\s*(?:[^,\n|]{{1,20}},\s*){{0,2}}?"
                   rf"(?:now\s+|still\s+|in\s+)?(?P<stage>{stage})(?=\s*(?:[,;(|]|\.(?:\s|$)|$|\s+[-\u2013]\s|\s+(?:stage|at|with)\b|\s+\$|\s+\d))",
                   re.M),
    )


_MOVED_FREE_RE = re.compile(  # "Moved Halvorsen to Nurture": a stage nobody listed, capitalised after "moved X to"
    r"\b[Mm]ov(?:ed|ing)\s+[^\n]{1,60}?\s+(?:back\s+)?(?:to|into|\u2192|->)\s+\*?(?P<stage>[A-Z][\w/&-]*(?:\s+[A-Z][\w/&-]*){0,3})\*?"
    r"(?=\s*(?:[.,;!(\n]|$|\s+[-\u2013]))"
)
_ARROW_FREE_RE = re.compile(  # "Redwood Behavioral Health -> Nurture ($36k)", "Appointment Scheduled -> Info Requested"
    _ARROW + r"\s*(?P<stage>[A-Z][\w/&-]*(?:\s+[A-Z][\w/&-]*){0,3})(?=\s*(?:[.,;!(\n]|$|\s+[-\u2013]))"
)
_BOLD_STAGE_RE = re.compile(  # "moved it to *Verbal Pending*", "Updated X to *Proposal Sent*"
    r"\b(?:moved|moving|updated|marking|marked|set)\b[^\n*]{0,60}?\s(?:to|as|into)\s+\*(?P<stage>[^*\n]{2,40})\*"
    r"|(?:" + _ARROW + r"|\bto)\s*(?:status\s+|stage\s+)?\*(?P<stage2>[^*\n]{2,40})\*",
    re.I,
)


def _tidy(s: str) -> str:
    return s.strip().strip("*_~'\".,:;!?()[]-\u2013 ").strip()


def find_stage(n: Normalised, stages: StageList, fold: str | None = None) -> str | None:
    """The new stage as written (tidied), or None."""
    clean = n.clean
    low = _fold(clean) if fold is None else fold
    if "from:" in low or "old:" in low or "von:" in low or "de:" in low:
        m = _TO_LINE_RE.search(low)
        if m is not None:
            return _tidy(clean[m.start("stage"):m.end("stage")])
    for m in _LABEL_VALUE_RE.finditer(low):
        g = next(g for g in ("stage", "stage2", "stage3", "stage4", "stage5") if m.group(g) is not None)
        s, e = m.span(g)
        if stages.lookup(clean[s:e]) is None:  # "Stage: Proposal -> Negotiation": the new one
            arrows = list(_ARROW_ONLY_RE.finditer(low, s, e)) or list(_ARROW_IN_VALUE_RE.finditer(low, s, e))
            if arrows:
                s = arrows[-1].end()
        val = _tidy(clean[s:e])
        label = low[m.start():m.start() + 7]
        if not val or val.lower() in _NOT_STAGES or (val[0].isdigit() and len(val) > 2):
            continue
        if label.startswith(("estado", "status", "statut")) and stages.lookup(val) is None:
            continue  # "status: waiting on legal" is not a stage; "Status: Lost" is
        return val
    m = _BOLD_STAGE_RE.search(n.marked)
    if m is not None:
        return _tidy(m.group("stage") or m.group("stage2"))
    first_words, pats = _stage_patterns(stages)
    words = set(_WORD_RE.findall(low))
    if first_words.isdisjoint(words) and not re.search(r"\bs\d", low):
        pats = ()  # no stage spelling can start anywhere in this message
    for i, rx in enumerate(pats):
        m = rx.search(low)
        if m is None:
            continue
        if i == 1 and m.group("weak") and not _STAGE_CONTEXT_RE.search(low, 0, m.start()) and \
                not _STAGE_CONTEXT_RE.search(low, m.end()):
            continue
        g = next(g for g in ("stage", "stage2", "stage3") if g in m.re.groupindex and m.group(g) is not None)
        return _tidy(clean[m.start(g):m.end(g)])
    for rx in (_MOVED_FREE_RE, _ARROW_FREE_RE):
        m = rx.search(clean)
        if m is not None and m.group("stage").split()[0].lower() not in ("the", "a", "our", "my", "i", "we"):
            return _tidy(m.group("stage"))
    return None


# --- next steps ----------------------------------------------------------------------------------------------------

_NEXT_LABEL = (r"(?:next[\s_]*steps?|nxt\s+steps?|next\s+action|proximos?\s+pasos?|siguientes?\s+pasos?|nachste[rn]?\s+schritte?|"
               r"prochaines?\s+etapes?|proximos?\s+passos?)")
_NEXT_STEP_RE = re.compile(
    rf"\b{_NEXT_LABEL}\b(?:\s+(?:updated|changed|set|locked|actualizado|geandert))?"
    r"(?:\s+(?:on|for)\s+[^:\n]{1,80}:)?"
    r"(?:\s+(?P<with>with|for|w/|on|con|para|mit|fur|avec|pour|com)\s+(?P<deal>[^:\n]{1,60}?)\s*(?::|\s+is\b))?"
    r"\s*(?:(?:is|are|will\s+be|es|ist|est|e)\b|=|:|-|\u2192|->|=>)?\s*:?\s*(?:to\s+)?(?:changed\s+(?:from\s+[^\n]*?\s+)?to\s+)?"
    r"|\b(?:next|ns|nxt)\s*:\s*"
)
_NEXT_STEP_END_RE = re.compile(
    r"\n|;|\s[\u00b7|\u2022]\s|\.(?:\s|$)|,\s(?!\w+\s+\d)|!|\s+\(|\s+[-\u2013]\s+|\s{2,}|\s+(?=(?:amount|amt|stage|close\s+date|owner)\s*[:=])"
    r"|\s+(?:but|pero|aber|mais|mas)\s"
)
_BOOKED_STEP_RE = re.compile(
    r"\bnext\s+(?:meeting|call|touchpoint|sync|session)\s+(?:is\s+)?(?:on\s+|set\s+for\s+)?[^,.;\n]{2,40}"
    r"|\b(?:demo|call|meeting|kickoff|kick-off|review|workshop|pilot|poc|onsite|presentation|walkthrough)\s+(?:is\s+)?"
    r"(?:booked|scheduled|set)[ \t]+(?:for[ \t]+)?[^.;\n]{2,60}"
    r"|\b(?:sending|send(?:ing)?\s+over)\s+[^,.;\n]{2,40}?\s+(?:tmrw|tomorrow|today|tonight|on\s+\w+day|\w+day|next\s+week)\b"
    r"|\b[a-z]+\s+goes\s+out\s+[^,.;\n]{2,30}"
    r"|\b(?:paperwork|paper)\s+(?:goes\s+out\s+)?(?:next\s+week|tomorrow|tmrw|on\s+\w+day|\w+day)\b"
    r"|\b(?:demo|kickoff|kick-off|onboarding|termin|llamada|reunion|reuniao|appel|reunion)\s+(?:ist\s+|es\s+|e\s+)?"
    r"(?:am|el|le|na|no|nachste|next|on)\s+[^,.;\n!]{2,40}"
)
_STEP_NONE = frozenset("tbd none n/a na ? ??? unknown tba -- none for now nada keine aucun nenhum".split())
_LEADING_ARTICLE_RE = re.compile(r"^(?:a|an|the|to)\s+", re.I)


_EDGE_SYMBOLS_RE = re.compile(r"^[^\w\"'(]+|[^\w\"')?.]+$")


def _step_value(raw: str) -> str | None:
    val = _LEADING_ARTICLE_RE.sub("", _tidy(_EDGE_SYMBOLS_RE.sub("", raw.strip())))
    if not val or len(val) < 2 or val.lower() in _STEP_NONE or val.lower().startswith(("none", "tbd", "???")):
        return None
    return val


def find_next_step(n: Normalised, fold: str | None = None) -> tuple[str | None, str | None]:
    """(next step, the deal it names when written "next step with Hooli: ...")."""
    low = _fold(n.clean) if fold is None else fold
    m = _NEXT_STEP_RE.search(low)
    if m is None:
        return None, None
    start = m.end()
    end_m = _NEXT_STEP_END_RE.search(low, start)
    end = end_m.start() if end_m else len(low)
    deal = None
    if m.group("deal"):
        deal = _tidy(n.clean[m.start("deal"):m.end("deal")])
        if not deal or not deal[0].isupper():
            deal = None
    return _step_value(n.clean[start:end]), deal


_WHEN_RE = re.compile(
    r"\b(?:(?:mon|tue|tues|wed|weds|thu|thur|thurs|fri|sat|sun)(?:day)?|tomorrow|tmrw|tmr|next\s+(?:week|wk|month)|"
    r"this\s+(?:week|arvo|afternoon)|eod|eow|eom|asap|\d{1,2}(?::\d\d)?\s*(?:am|pm|h|uhr)|the\s+\d{1,2}(?:st|nd|rd|th)|\d{1,2}/\d{1,2}|"
    r"lunes|martes|miercoles|jueves|viernes|manana|montag|dienstag|mittwoch|donnerstag|freitag|morgen|nachste\s+woche|"
    r"lundi|mardi|mercredi|jeudi|vendredi|demain|segunda|terca|quarta|quinta|sexta|amanha|dia\s+\d{1,2}|"
    r"semaine\s+prochaine|proxima\s+semana|la\s+semana\s+que\s+viene)\b"
)
_ACTION_RE = re.compile(
    r"\b(?:demo|call|kick-?off|redlines?|send|sending|po|meeting|review|contract|proposal|paperwork|paper|onboarding|"
    r"workshop|sync|walkthrough|walk-through|deep\s+dive|pilot|poc|trial|signature|countersign|quote|pricing|intro|"
    r"presentation|order\s+form|msa|sow|vertrag|vertragsentwurf|angebot|termin|anruf|kickoff|reunion|reuniao|llamada|"
    r"appel|rendez-vous|contrato|propuesta|proposta|devis|contrat|envio|enviar|mandar|schicken)\b"
)
_CLAUSE_RE = re.compile(r"[^.;!?\n]+")
_CLAUSE_SPLIT_RE = re.compile(r",\s|\s[-\u2013|]\s|\s\u00b7\s")
# Not a next step: the move itself, or a past / judged event ("great call with Dana Tues", "had the demo Monday").
_NOT_STEP_CLAUSE_RE = re.compile(r"\b(?:moved|moving|stage|etapa|phase|closed\s+(?:won|lost)|signed|won|lost|had|was|were|went|"
                                 r"did|done|great|good|nice|loved|liked|yesterday|last|ago|cancel\w*|sent|turned|not|no|review\s+notes)\b|"
                                 r"\b(?!(?:booked|scheduled|planned|confirmed|needed|expected|locked)\b)[a-z]{3,}ed\b|" + _ARROW)
_STEP_LEAD_RE = re.compile(r"^(?:and|then|but|also|so|y|und|et|e|booked|scheduled)\s+", re.I)


def _clause_step(n: Normalised, low: str) -> str | None:
    """A clause stating a booked action and when ("redlines back by fri", "reunião com a administração na quinta")."""
    for sentence in _CLAUSE_RE.finditer(low):
        pos = sentence.start()
        for part in _CLAUSE_SPLIT_RE.split(sentence.group()):
            start = low.find(part, pos)
            pos = start + len(part)
            if len(part) > 90 or not _WHEN_RE.search(part) or not _ACTION_RE.search(part):
                continue
            if _NOT_STEP_CLAUSE_RE.search(part):
                continue
            value = _STEP_LEAD_RE.sub("", n.clean[start:start + len(part)].strip())
            return _step_value(value)
    return None


def _booked_step(n: Normalised, low: str) -> str | None:
    step = _clause_step(n, low)
    if step is not None:
        return step
    m = _BOOKED_STEP_RE.search(low)
    if m is None or _NOT_STEP_CLAUSE_RE.search(low, m.start(), m.end()) or re.search(r"stage|" + _ARROW, low[max(0, m.start() - 12):m.start()]):
        return None  # "Stage: Demo Scheduled -> Proposal" names a stage, not a booked demo
    return _step_value(n.clean[m.start():m.end()])


# --- won / lost -----------------------------------------------------------------------------------------------------

_WON_RE = re.compile(
    r"\bclosed[\s/_-]*won\b|\bclose[\s/_-]*won\b|\bdeal\s+won\b|\bwon\s+the\s+(?:deal|contract|business|account|renewal|"
    r"opp|opportunity|bid|rfp|tender)\b|\b(?:we|i)\s+won\b(?!\s+(?:(?:the|our|my)\s+(?:\w+\s+)?(?:raffle|game|contest|award|"
    r"trivia|bet|lottery|tournament|league|prize|pool|quiz|match)|a\s+|an\s+))|\bwon\s+(?:it|them)\b|\bwon\b(?=\s*(?:[!\U0001F300-\U0001FAFF\u2600-\u27bf:\u00b7|\u2022(]|-\s|$))"
    r"|\b(?:deal|contract|order\s+form|paperwork|agreement|po|sow|msa|renewal|docs|docusign|it|they|she|he|customer|client)"
    r"\s+(?:is\s+|was\s+|got\s+|has\s+been|have\s+been\s+|just\s+|finally\s+|officially\s+|all\s+|fully\s+|'s\s+|are\s+)*"
    r"(?:signed|countersigned|executed|inked|closed|booked|done\s+and\s+dusted)\b(?![\s/_-]*lost)(?!\s+(?:up|off|in|out|an?\s+nda|the\s+nda))"
    r"(?!(?:\s+[\w-]+){0,4}?\s+(?:with|w/)\s+(?!us\b))"
    r"|\b(?:signed|countersigned|inked|closed|booked|landed|won|bagged|secured)\s+(?:the\s+|our\s+|a\s+)?"
    r"(?:deal|contract|order\s+form|paperwork|agreement|renewal|po|sow|msa|(?:\d+[-\s])?(?:year|yr|month)\s+(?:deal|contract))\b"
    r"|\bsignature\s+(?:received|is\s+in|came\s+(?:back|through)|done|complete)|\bpo\s+(?:received|is\s+in|came\s+through|issued)"
    r"|\bgot\s+the\s+(?:signature|signed\s+contract|po|signed\s+order\s+form)\b|\bsigned\s+(?:and\s+)?(?:returned|sealed)\b"
    r"|\bit'?s\s+official\b|\bofficially\s+(?:a\s+)?customer\b|\bnew\s+logo\b|\bcontract\s+(?:is\s+)?back\s+signed\b"
    r"|\bwon\s*:|\bsigned\b(?=\s*[!\U0001F300-\U0001FAFF\u2600-\u27bf])|\bsigned\s+(?:today|this\s+morning|yesterday|last\s+night|just\s+now)\b"
    # es / de / fr / pt
    r"|\bcerrad[oa]\s+ganad[oa]\b|\bganad[oa]\b|\bganamos\b|\bcerramos\b(?!\s+(?:el\s+(?:mes|trimestre|ano)|la\s+semana))|\bfirm(?:o|aron|amos)\b"
    r"|\bfirmad[oa]\b|\bgewonnen\b|\bunterschrieben\b|\bhat\s+(?:zugesagt|unterschrieben)\b|\bgagnee?s?\b|\bsigne(?:e|nt)?\b(?=\s*[!\U0001F300-\U0001FAFF])"
    r"|\b(?:ont\s+|a\s+)?signee?s?\b|\bfechado\s+ganho\b|\bganhamos\b|\bfechamos\b|\bfechou\b|\bassin(?:ou|aram|ado)\b|\bganho\b"
    r"|\bwon\s+(?P<cap>)"
)
_WON_NAME_RES = (
    re.compile(
        r"(?P<name>(?<![\w@#])[A-Z][\w&'.-]*(?:\s+[A-Z0-9][\w&'.-]*){0,3})\s+(?:(?:has|have|just|finally|officially|is|was|"
        r"all)\s+)*(?:signed|countersigned|closed|inked)\b(?![\s/_-]*lost)(?!\s+(?:up|off|an?\s+nda|with))"
        r"(?!(?:\s+[\w-]+){0,4}?\s+with\s+(?!us\b))"
    ),
    re.compile(r"\b(?i:signed|closed|inked|landed|bagged|won)\s+(?:with\s+)?(?P<name>[A-Z][\w&'.-]*(?:\s+[A-Z0-9][\w&'.-]*){0,3})"),
)
_LOST_RE = re.compile(
    r"\bclosed[\s/_-]*lost\b|\bclose[\s/_-]*lost\b|\bdeal\s+(?:is\s+|was\s+)?(?:lost|dead|died)\b|"
    r"\blost\s+the\s+(?:[\w&'-]+\s+){1,3}?(?:deal|opp|opportunity|account|renewal)\b|\blost\s+(?:the\s+)?"
    r"(?:deal|opp|opportunity|contract|renewal|account|bid|rfp|business|it|them)\b|\blost\s+(?:out\s+)?to\s+"
    r"|\b(?:we|i)\s+lost\b(?!\s+(?:my|our|the\s+(?:game|connection|signal|file|notes|thread)|track|power|wifi))"
    r"|\blost\s*:|\blost\b(?=\s*(?:[!\U0001F300-\U0001FAFF\u2600-\u27bf\u00b7|\u2022(]|-\s|$))|\b(?:went|going|gone)\s+with\s+(?:a|the|another)\s+(?:competitor|different\s+vendor|other\s+vendor|"
    r"cheaper\s+(?:option|vendor|tool|bid))|\b(?:chose|picked|selected|signed\s+with)\s+(?:a|the|another)\s+competitor\b"
    r"|\bpicked\s+[a-z]\w*\s+over\s+us\b|\bdeal\s+(?:fell\s+through|is\s+off|got\s+killed|was\s+killed)\b|\bkilled\s+the\s+deal\b"
    r"|\b(?:mark(?:ed|ing)?|moving|moved|set|setting|closing(?:\s+out)?|logged)\s+(?:[\w&'.-]+\s+){0,5}?(?:as\s+|to\s+)?(?:closed[\s/_-]*)?lost\b"
    r"|\bis\s+a\s+loss\b|\bopportunity\s+lost\b|\bmarked\s+lost\b|\blost\s+(?:on|over)\s+(?:price|budget|timing|features|cost)"
    r"|(?<=[a-z] )lost(?=\s*(?:-\s|[.!]|$))"
    # es / de / fr / pt
    r"|\bcerrad[oa]\s+perdid[oa]\b|\bperdimos\b|\b(?:como|as)\s+perdid[oa]\b|\bperdid[oa]\b|\bverloren\b|\bperdue?s?\b"
    r"|\bfechado\s+perdido\b|\bperdemos\b|\bse\s+fueron\s+con\s+(?:la\s+competencia|otro)|\bfur\s+einen\s+wettbewerber\s+entschieden"
    r"|\blost\s+(?P<cap>)"
)
# A result field decides: "Result: LOST", "Stage -> Won", "status: Lost"
_RESULT_RE = re.compile(
    r"\b(?:result|outcome|status|stage|etapa|phase|estado|statut)\s*(?::|=|->|\u2192|\bchanged\s+to\b|\bto\b)\s*(?:closed[\s/_-]*)?"
    r"(?P<o>won|lost|ganad[oa]|perdid[oa]|gewonnen|verloren|gagnee?|perdue?|ganho|perdido)\b"
)
_OUTCOME_NEG_RE = re.compile(
    r"\b(?:not|n't|never|yet\s+to|waiting|wait|once|if|when|before|about\s+to|ready\s+to|going\s+to|gonna|will|to\s+be|"
    r"needs?\s+to\s+be|get\s+it|almost|nearly|hope|hoping|expect|expecting|should|could|would|might|may|until|unless|"
    r"pending|close\s+to|want\s+to|trying\s+to|can't|don't|didn't|haven't|hasn't|isn't|aren't|wasn't|plan\s+to|"
    r"planning\s+to|on\s+track\s+to|forecast|forecasting|projected|likely|no|aun\s+no|todavia\s+no|noch\s+nicht|nicht|"
    r"pas\s+encore|ne|nao|ainda\s+nao|si|wenn|falls|quand|quando|cuando|casi|fast|presque|quase)\b(?:\s+[\w'-]+){0,3}\s*$"
)
# Words every reading of _LOST_RE / _WON_RE contains: plain `in` tests skip the scan for most messages.
_LOST_ANCHORS = ("lost", "dead", "died", "competitor", "killed", "fell through", "over us", "is off", "loss", "perd",
                 "verlor", "wettbewerb", "competencia", "se fueron")
_WON_ANCHORS = ("won", "sign", "inked", "closed", "booked", "landed", "bagged", "secured", "po ", "official", "logo",
                "executed", "dusted", "ganad", "ganamos", "cerramos", "firm", "gewonnen", "unterschr", "zugesagt", "gagn",
                "fech", "assin", "ganho", "countersign")
_WITH_OTHER_RE = re.compile(r"(?:\s+[\w-]+){0,4}?\s+(?:with|w/)\s+(?!us\b|me\b)|(?:\s+\w+){0,2}\s+nda\b|\s+(?:w/|with)\s+(?!us\b)")


def find_outcome(n: Normalised, fold: str | None = None) -> str | None:
    """"won", "lost" or None: the earlier of the two when both are written."""
    clean, low = n.clean, (_fold(n.clean) if fold is None else fold)
    m = _RESULT_RE.search(low)
    if m is not None:
        return "won" if m.group("o") in ("won", "ganado", "ganada", "gewonnen", "gagne", "gagnee", "ganho") else "lost"
    lost = won = None
    for m in _LOST_RE.finditer(low) if any(w in low for w in _LOST_ANCHORS) else ():
        if m.group("cap") is not None and not (m.end() < len(clean) and clean[m.end()].isupper()):
            continue
        if _OUTCOME_NEG_RE.search(low, max(0, m.start() - 40), m.start()):
            continue
        lost = m
        break
    may_win = any(w in low for w in _WON_ANCHORS)
    for m in _WON_RE.finditer(low) if may_win else ():
        if m.group("cap") is not None and not (m.end() < len(clean) and clean[m.end()].isupper()):
            continue
        if _WITH_OTHER_RE.match(low, m.end()) or _OUTCOME_NEG_RE.search(low, max(0, m.start() - 40), m.start()):
            continue
        won = m
        break
    if won is None and may_win:
        for m in (m for rx in _WON_NAME_RES for m in rx.finditer(clean)):
            if m.group("name").split()[0].lower() in ("she", "he", "they", "i", "we", "it", "who", "the"):
                continue
            if _OUTCOME_NEG_RE.search(low, max(0, m.start() - 40), m.start()) or _WITH_OTHER_RE.match(low, m.end()):
                continue
            won = m
            break
    if won is not None and lost is not None:
        return "won" if won.start() < lost.start() else "lost"
    return "won" if won is not None else "lost" if lost is not None else None


# --- putting it together ----------------------------------------------------------------------------------------------


def _read(n: Normalised, known_deals: Sequence[str], stages: StageList) -> tuple[DealUpdate | None, str]:
    low = _fold(n.clean)
    raw_stage = find_stage(n, stages, low)
    amount, currency = find_amount(low)
    next_step, step_deal = find_next_step(n, low)
    outcome = find_outcome(n, low)
    stage = None
    if raw_stage is not None:
        hit = stages.lookup(tidy_stage(raw_stage))
        if hit is not None and hit.outcome is not None:  # "Closed Won" is an outcome, not a stage
            outcome = hit.outcome
        else:
            stage = normalise_stage(raw_stage, stages)
    if next_step is None:
        next_step = _booked_step(n, low)
    if stage is None and amount is None and next_step is None and outcome is None:
        return None, low
    stage_words = frozenset(stages.by_key)
    name = None
    if step_deal is not None:
        name = (match_known_deal(step_deal, known_deals) if known_deals else None) or step_deal
    if name is None:
        name = find_deal_name(n, known_deals=known_deals, for_update=True, stage_words=stage_words)
    return DealUpdate(deal_name=name, stage=stage, amount=amount, currency=currency, next_step=next_step,
                      outcome=outcome), low  # type: ignore[arg-type]


def extract_update(
    n: Normalised, *, known_deals: Sequence[str] = (), stages: StageList | None = None
) -> DealUpdate | None:
    """The deal fields the message states; None when it states none of stage, amount, next step, outcome."""
    update, _ = _read(n, known_deals, stages if stages is not None else default_stages())
    return update


# --- is it an update at all? (the fallback rules reader only) ---------------------------------------------------------

_UPDATE_WORDS_RE = re.compile(
    r"\b(?:stages?|won|lost|signed|countersigned|closed|inked|booked|signature|official|officially|logo|moved|moving|"
    r"advanced|progressed|entered|dropped|slipped|slid|bumped|promoted|graduated|stays|stayed|remains|sitting|pipeline|"
    r"amount|amt|next[\s_]*steps?|next\s*:|etapa|fase|phase|etape|ganad[oa]|perdid[oa]|firm\w*|gewonnen|verloren|"
    r"unterschrieben|gagne|perdue?|ganho|assin\w+|paso|pasa|proximo|nachster|prochaine|importe|betrag|montant|valor)\b"
    r"|" + _ARROW + r"|\b(?:now|still|back|currently|is|are)\s+(?:in|at|to)\s"
)
_ACTIVITY_RE = re.compile(
    r"\b(?:meeting|call|email|task|note|activity|demo)\s+(?:was\s+)?(?:booked|logged|scheduled|created|completed|opened|"
    r"clicked|added|rescheduled)\b|\bowner\s+(?:changed|updated|reassigned)\b|\breassigned\s+to\b|"
    r"\bclose\s+date\s+(?:changed|updated|moved|pushed)\b"
)
_EXPLICIT_UPDATE_RE = re.compile(r"\bstage\b|\bamount\b|\bclosed[\s/_-]*(?:won|lost)\b|\bnext\s+step|\bmoved\s+to\b|\bsigned\b")
_DEAL_WORD_RE = re.compile(
    r"\b(?:deal|deals|opp|opps|opportunity|pipeline|stage|acv|arr|tcv|mrr|contract\s+value|close\s+date|forecast\s+category|"
    r"renewal|upsell|expansion|amount|amt|crm|salesforce|hubspot|sfdc|pipedrive|attio|closed[\s/_-]*(?:won|lost)|"
    r"quota\s+credit|signed|seats|licen[cs]es|order\s+form|po|msa|sow|contract|proposal|update|negotiation|procurement|"
    r"oportunidad|negocio|etapa|propuesta|contrato|angebot|vertrag|phase|opportunite|affaire|etape|proposition|contrat|"
    r"oportunidade|proposta)\b"
)
_CRM_RE = re.compile(
    r"\b(?:opportunity|deal|record|oportunidad|negocio)\b[^\n]{0,120}?\b(?:changed|moved|was\s+(?:updated|moved|changed|"
    r"created|closed)|has\s+been|updated|created|closed|paso|geandert|verschoben)\b|\bchanged\s+(?:stage|amount|close\s+date)\b"
    r"|\bin\s+pipeline\b|^\s*(?:stage|amount|next\s+step|close\s+date|owner|deal\s+stage|opportunity\s+name|deal\s+name|"
    r"opportunity|deal|etapa|importe|phase|betrag)\s*:",
    re.M,
)
_CHATTER_MONEY_RE = re.compile(
    r"\b(?:lunch|dinner|breakfast|coffee|drinks|uber|lyft|taxi|cab|parking|hotel|flight|ticket|tickets|swag|pizza|"
    r"expense|expenses|reimburse\w*|tip|bet|raffle|gift|snacks|party|offsite|cake|t-?shirts?|hoodies?|merch|"
    r"spiff|bonus|commission|paycheck|salary|rent|gas|groceries|tab|bar|beer|wine|team\s+\w+)\b"
)
_INTERNAL_RE = re.compile(
    r"\b(?:off-?sites?|team\s+(?:dinner|lunch|outing|event|offsite|party|drinks|meeting|sync|standup|call)|dinner|lunch|"
    r"happy\s+hour|party|swag|forecast(?:ing)?|template|qbr|all-?hands|stand-?ups?|sko|one-on-one|commissions?|comp\s+plan|"
    r"quota|territor(?:y|ies)|expenses?|pto|vacation|training|enablement|interview\w*|candidates?|recruiting|hiring|"
    r"laptop|parking|coffee|birthday|fantasy|webinar|newsletter|playbook|spiff|contest|leaderboard|bonus|payroll|"
    r"script|offsite|venue|badge|trivia|raffle|tournament|ping\s+pong|foosball|bowling|karaoke|league|potluck|cake|pizza|"
    r"office\s+\w+)\b|\b1:1\b|#[a-z][\w-]*"
)
_SALESY_STEP_RE = re.compile(
    r"\b(?:demo|call|meeting|proposal|contract|pricing|quote|review|cfo|ceo|legal|procurement|pilot|poc|trial|follow|send|"
    r"sign|intro|workshop|onsite|sync|present|negotiat|redline|order\s+form|msa|sow|security|exec|decision|champion|"
    r"stakeholder|discovery|kickoff|implementation|reference|business\s+case|roi|llamada|reunion|termin|appel|reuniao)\w*"
)


def looks_like_update(n: Normalised, *, stages: StageList | None = None) -> bool:
    """Does the message report a change to a deal? CRM activity pings (calls logged, meetings booked, owner or close
    date changes), money in chatter ("lunch was $45") and a next step for the offsite are not."""
    low = _fold(n.clean)
    if _DIGIT_RE.search(low) is None and _UPDATE_WORDS_RE.search(low) is None:
        return False
    if _ACTIVITY_RE.search(low) and not _EXPLICIT_UPDATE_RE.search(low):
        return False
    stages = stages if stages is not None else default_stages()
    update, _ = _read(n, (), stages)
    if update is None:
        return False
    internal = _INTERNAL_RE.search(low) is not None
    if update.stage is not None or _CRM_RE.search(low) is not None:
        return True
    if update.outcome is not None and not internal:
        return True
    named = update.deal_name is not None
    deal_word = _DEAL_WORD_RE.search(low) is not None
    if update.outcome is None and not (deal_word or named):
        return False
    if update.amount is not None and update.next_step is None and update.outcome is None:
        if _CHATTER_MONEY_RE.search(low) or not (named or deal_word):
            return False
    if update.next_step is not None and update.amount is None and update.outcome is None:
        if internal and not named:
            return False
        if not (named or deal_word or _SALESY_STEP_RE.search(update.next_step.lower())):
            return False
    return not (internal and not (named or deal_word))
