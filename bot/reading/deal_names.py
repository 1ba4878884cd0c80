"""Which deal a message is about: "Acme", "Acme Corp - 500 seats", "Grupo Ferrán – renovación 2025".

Names are read from CRM fields and bold record names first, then from how people write a company into a sentence
("Acme: moved to...", "closed won Initech", "the Globex deal", "Dana at Acme"), in English, Spanish, German, French and
Portuguese. A name found is matched to the channel's known deals (`match_known_deal`), so "Acme" and "Acme Corp" are
one deal.
"""

from __future__ import annotations

import re
from collections.abc import Sequence

from bot.reading.normalise import Normalised
from bot.reading.stages import default_stages

__all__ = ["find_deal_name", "match_known_deal", "find_known_deal", "MAX_NAME"]

from bot.coaching.models import MAX_DEAL_NAME as MAX_NAME

_UP = "A-Z\u00c0-\u00d6\u00d8-\u00de"  # capitals, with Latin-1 accents ("Á", "Ü")
_W = r"[\w&'.-]"
_ABBREV = r"(?:Dr|St|Mt|Mr|Mrs|Ms|Co|Inc|Ltd|Jr|Sr|Bros|Cia|Sta|Corp|Intl|Mfg)\."
_TOKEN = rf"(?:{_ABBREV}|[{_UP}](?<![\w@#][{_UP}])[\w&'-]*(?:\.[\w&'-]+)*)"
_LINK = r"(?:de|del|da|do|dos|das|di|du|des|von|van|der|den|la|le|y|e|et|und|em)"  # "Ribera del Duero"
_NAME = rf"{_TOKEN}(?:\s+(?:{_TOKEN}|\d+(?![\w.,$€£])|&|{_LINK}(?=\s+[{_UP}])))" + "{0,5}"
_QUALIFIERS = r"renewal|expansion|upsell|pilot|poc|rollout|upgrade|phase\s+\d+|year\s+\d+|renovaci[oó]n|verl[aä]ngerung|renouvellement|renova[cç][aã]o"

_STOP = frozenset(
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
        "cto vp coo cio cmo cro it hr po msa sow nda arr acv usd eur gbp cad chf brl fyi eta eod eow asap rfp poc sso "
        "api crm roi tl;dr tldr she he they we i i'm i'll i've i'd we're we'll they're they'll she's he's there here "
        "win nice woohoo yay wow ugh sadly unfortunately finally officially boom let let's lets please pls can't "
        "cant don't dont won't wont didn't didnt isn't isnt wasn't wasnt negotiation negotiations qualification "
        "contract sent closing commit verbal pilot trial evaluation closed-won closed-lost amt step steps owner "
        "pipeline sales after following chatted quick heads-up headsup reminder question sure maybe probably looks "
        "seems sounds thinking think feel love loved like liked hate tough rough btw fwiw imo imho tbh lol haha rip "
        "oof dang darn shoot whoa welp sooo soo yikes phew client prospect customer buyer champion ae sdr se manager "
        "boss board partner salesforce hubspot sfdc pipedrive attio slack zoom gong email emailed pinged texted "
        "circling circle revisit pushed pushing moving advancing dropping via w/ w x vs v ve user channel renewal "
        "expansion upsell mid-market enterprise smb account accounts lead leads prospects clients customers updated "
        "alert change changed created reason weekly daily monthly dr mr mrs ms record records value marking marked "
        "moving reason: deal: loss source description probability forecast term expected dropped bumped lowered raised "
        "reduced increased closing rip deals record alert premium confidence result pipeline: competitor "
        # Spanish, German, French, Portuguese sentence starts and CRM words
        "el la los las un una y o de del en con para por pero hoy ayer mañana actualización actualizo actualizado "
        "oportunidad negocio etapa fase importe monto valor motivo próximo proximo paso cerrado cerrada ganado ganada "
        "perdido perdida perdimos ganamos cerramos firmado firmó propuesta negociación contrato cliente equipo "
        "reunión llamada lunes martes miércoles jueves viernes sábado domingo enero febrero marzo abril mayo junio "
        "julio agosto septiembre octubre noviembre diciembre "
        "der die das ein eine und oder mit für von zu im am heute gestern morgen update aktualisierung deal phase "
        "betrag wert grund nächster schritt gewonnen verloren unterschrieben angebot verhandlung vertrag kunde team "
        "termin montag dienstag mittwoch donnerstag freitag samstag sonntag januar februar märz mai juni juli oktober "
        "dezember herr frau "
        "le les une et ou avec pour aujourd'hui hier demain maj mise jour opportunité affaire transaction étape "
        "montant valeur raison prochaine gagné gagnée perdu perdue signé proposition négociation contrat client "
        "équipe réunion appel lundi mardi mercredi jeudi vendredi samedi dimanche janvier février avril juin juillet "
        "août septembre octobre novembre décembre "
        "o os as um uma com hoje ontem amanhã atualização oportunidade negócio estágio próximo passo fechado ganho "
        "perdemos ganhamos fechamos assinado proposta negociação reunião ligação segunda terça quarta quinta sexta "
        "sábado domingo janeiro fevereiro março maio junho julho setembro outubro novembro dezembro"
    ).split()
)
# Leading words kept on a run of several capitalised words: "Big Sky Pediatrics", "Los Pollos Hermanos".
_KEEP_LEADING = frozenset("big los las el la le les new san santa st mt".split())
_NAME_WORDS = frozenset("legal finance procurement sun sat partner partners board pilot trial gong zoom slack capital "
                        "team group".split())

# --- CRM posts --------------------------------------------------------------------------------------------------------

_OPP = (r"(?:Opportunity|Opportunity\s+Name|Deal|Deal\s+Name|Opp|Oportunidad|Negocio|Oportunidade|Neg[oó]cio|Opportunit[eé]|"
        r"Affaire|Transaction|Verkaufschance|Trato)")
_CRM_TOOLS = r"(?:HubSpot|Salesforce|SFDC|Attio|Pipedrive|Close|CRM)"
_FIELD_STOP = (r"(?=\s*(?:$|\n|\s[|\u2022\u00b7]\s|\s[-\u2013]\s+(?:Amount|Stage|Close|Owner|Reason|Value|Closed|Lost|Won)\b|"
               r"\s+\((?:Amount|Stage|[$\u20ac\u00a3]|[A-Z]{1,3}\$)|\.\s+(?:Amount|Stage|Reason|Loss)\b))")
_FIELD_WORDS = r"(?:stage|amount|amt|owner|close\s+date|next\s+step|status|etapa|phase|importe|betrag|montant|valor|value)"
_CRM_RES = (
    # "Opportunity: X", "Deal Name: X", ">*Opportunity:* X" as a field line
    re.compile(rf"^[>\s\-\u2022*]*{_OPP}\s*:\s*\*?\s*([^\n*|\u2022\u00b7]{{1,100}}?)\s*\*?" + _FIELD_STOP, re.I | re.M),
    # "... — Opportunity: X", "Opp: Cobalt Freight | Stage: ..."
    re.compile(rf"\b(?i:{_OPP})\s*:\s*\*?\s*(?=[{_UP}\d])([^\n*|\u2022\u00b7]{{1,100}}?)\s*\*?" + _FIELD_STOP),
    # "Opportunity *X* changed ...", "El negocio *X* pasó...", "Deal: *X*"
    re.compile(rf"\b{_OPP}\s*:?\s*\*([^*\n]{{1,100}})\*", re.I),
    # 'Opportunity "X"', "Deal 'X'"
    re.compile(rf"\b{_OPP}\s*:?\s+[\"']([^\"'\n]{{1,100}})[\"']", re.I),
    # "Opportunity Updated • X • Stage: ...", "Opportunity Closed Lost — X — Reason"
    re.compile(
        rf"\b{_OPP}\s+(?:Updated|Update|Won|Lost|Moved|Created|Alert|Closed(?:\s+(?:Won|Lost))?)\s*[\u2022\u00b7|:-]\s*"
        r"([^\u2022\u00b7|\n:(]{2,100}?)\s*(?:[\u2022\u00b7|\n(]|\.\s|\s[-\u2013]\s+(?:Reason|Amount|Stage|Owner|Value)|$)",
        re.I,
    ),
    # "Opportunity X changed Stage ..." (no formatting): stops before a field word, so never "Acme Corp stage"
    re.compile(
        rf"\b(?:Opportunity|Deal|Oportunidad|Negocio|Oportunidade|Neg[oó]cio)\s+(?!(?i:{_FIELD_WORDS})\b|updated?\b|moved\b|won\b|lost\b|closed\b)"
        rf"(?=[{_UP}\d])([^\n:]{{2,100}}?)\s+(?:{_FIELD_WORDS}\s+)?(?:changed|was\s+(?:updated|moved|changed|created|closed|won|lost|marked)|"
        r"has\s+been|has\s+moved|moved|updated|is\s+now|closed|pas[oó]|movid[oa]|passou|\u2192|->)"
    ),
    re.compile(rf"^[>\s\-\u2022*]*(?:Account|Account\s+Name|Company|Cuenta|Empresa|Compte|Conta|Kunde|Lead)\s*:\s*\*?\s*"
               r"([^\n*|\u2022\u00b7]{1,100}?)\s*\*?" + _FIELD_STOP, re.I | re.M),
    # "*Opportunity Name*\n>Gupta Textiles - ERP Phase 1" (label and value on separate lines)
    re.compile(rf"^[>\s*]*{_OPP}\s*:?\s*\*?[ \t]*\n[>\s*]*([^\n*]{{2,100}}?)\s*$", re.I | re.M),
    # "Attio · Cooperativa Agraria Tudela · Etapa: ..."
    re.compile(rf"^\W*{_CRM_TOOLS}\s*[\u00b7|\u2022:-]\s*(?=[{_UP}])([^\u00b7|\u2022\n:]{{2,80}}?)\s*[\u00b7|\u2022]", re.M),
    # "HubSpot | Closed Lost | X | $44,000", "Deal closed lost ▸ X ▸", "Opp closed • X • Result"
    re.compile(r"(?:closed[\s/_-]*(?:won|lost)|won|lost)\s*[|\u2022\u00b7\u25b8>]\s*([^|\u2022\u00b7\u25b8\n]{2,80}?)\s*(?:[|\u2022\u00b7\u25b8\n]|$)",
               re.I),
    re.compile(rf"\b(?:opp|opportunity|deal)\s+closed\s*[\u2022\u00b7|\u25b8]\s*([^|\u2022\u00b7\u25b8\n]{{2,80}}?)\s*[|\u2022\u00b7\u25b8]", re.I),
    # "Amount changed on X:", "Next step updated on X", "Record updated: *X*"
    re.compile(r"\b(?:amount|stage|next\s+step|status|close\s+date)\s+(?:changed|updated)\s+(?:on|for)\s+\*?([^:\n*]{2,80}?)\*?\s*(?::|$|\n)", re.I),
)
_CRM_HINT_RE = re.compile(
    r"\b(?:opportunity|deal|record|oportunidad|negocio)\s+(?:updated|update|won|lost|moved|alert|stage|created|closed|"
    r"actualizad[oa]|ge[aä]ndert)\b|\bclosed[\s/_-]*won\b|\bstage\s+(?:change|update)|\bsalesforce\b|\bhubspot\b|"
    r"\bpipedrive\b|\battio\b|\bpipeline\b|\bnext\s+step\s+updated\b|\bdeal\s+won\b|\brecord\s+updated\b|\bdeals\b"
)
_BOLD_LABEL_RE = re.compile(
    r"^(?:opportunity|opp|deal|deals|account|record)?\s*(?:updated?|alert|moved|won|lost|created|closed(?:[\s/_-]*(?:won|lost))?|"
    r"stage(?:\s+(?:change|update|changed))?|deal\s+(?:won|moved|update)|amount|owner|next\s+step|close\s+date|new|"
    r"opportunity\s+(?:stage\s+)?update|deal\s+stage\s+updated|salesforce|hubspot|pipedrive|attio|close|deals?)?\s*[:!]?$|.*:$",
    re.I,
)
_BOLD_RE = re.compile(r"\*([^*\n]{2,100})\*")

# --- people's messages --------------------------------------------------------------------------------------------

_LABEL_PREFIX = (r"(?:(?:[Ss]tage\s+change|[Uu]pdate|UPDATE|[Dd]eal\s+update|[Rr]e|RE|FYI|fyi|[Qq]uick\s+update|[Pp]ipeline\s+update|"
                 r"[Aa]ctualizaci[oó]n|[Aa]ctualizo|[Aa]tualiza[cç][aã]o|MAJ|[Mm]ise\s+[aà]\s+jour|[Aa]ktualisierung|"
                 r"[Uu]pdated)\s*(?:on|for|de|zu|sur|:|-|\|)?\s*)?(?:[Oo]n\s+)?")
_VERBS_AFTER = (
    r"moved|advanced|progressed|is\s+now|now\s+in|went|slipped|jumped|signed|closed|->|\u2192|stage|pushed|renewed|"
    r"countersigned|entered|bumped|stalled|inked|came\s+back|got\s+to|reached|dropped|slid|amt|amount|arr|acv|"
    r"in\s+(?:contract|negotiation|proposal|discovery|legal)|a\s+go|live|done|official|back|stays|still|sitting|remains|"
    r"to(?=\s+(?-i:[A-Z]))|now\s+at|lost|won|lowered|raised|pas[oó]|pasa|avanz[oó]|firm[oó]|firmaron|baja|bajó|sube|subió|sigue|cerr[oó]|hat|ist|wurde|wechselt|"
    r"unterschrieben|bleibt|auf|est|passe|pass[eé]e?|a\s+sign[eé]|sign[eé]e?s?|passou|passa|assinou|fechou|avan[cç]ou|verbal|is\s+a|"
    r"movid[oa]|"
    r"next\s+step|signed|closed[\s/_-]*(?:won|lost)"
)
_HUMAN_RES = (
    # 0 "the Acme renewal", "Acme opp", "the Krusty Krab franchise deal"
    re.compile(rf"({_NAME})(?:'s)?\s+(?:(?P<q>{_QUALIFIERS})\b|(?:[a-z]+\s+)?(?i:deal|opp|opportunity|account|contract)\b)"),
    # 1 "Acme: moved to proposal", "Acme - signed", "Update on Acme:", "Acme (", "Acme →"
    re.compile(rf"^\s*(?:[-\u2022>]\s*)?{_LABEL_PREFIX}({_NAME})\s*(?:\s(?P<q>{_QUALIFIERS}))?(?:[^\w\s]{{1,4}}\s*)?"
               r"(?::|\s-\s|\s\|\s|\s+(?:update|stage|amt|amount|deal)\b|\s*\(|\s*(?:->|\u2192))", re.M),
    # 2 "Acme moved to Proposal", "Initech signed", "Globex is now in negotiation"
    re.compile(rf"({_NAME})(?:'s)?\s+(?i:(?:(?:deal|opp|just|finally|officially|has|have|is|was|ya|jetzt|est|a)\s+)*"
               rf"(?:{_VERBS_AFTER}))(?!\w)"),
    # 3 "closed won Initech 30k", "lost Umbrella to a competitor", "Cerrado ganado: X", "Gewonnen! 🎉 X"
    re.compile(r"(?i:\b(?:closed[\s/_-]*(?:won|lost)|won|lost|signed|closed|inked|booked|landed|cerrado\s+ganado|"
               r"cerrad[oa]\s+perdid[oa]|perdimos|ganamos|cerramos|gewonnen|verloren|gagn[eé]|perdu|ganho|perdemos|"
               r"fechamos|fechou|perdid[oa]|ganad[oa]|marking|marked|closing(?:\s+out)?))\b[^\w\n]{0,8}?\s*(?:(?:with|the|on|for|con)\s+)?"
               rf"({_NAME})"),
    # 4 "Moved Sterling Cooper to Closed Lost", "moved Elkhorn back to Discovery"
    re.compile(rf"\b(?:[Mm]oved|[Mm]oving|[Bb]umped|[Pp]ushed|[Aa]dvanced|[Mm]arked|[Ss]et|[Dd]ropped|[Uu]pdated)\s+({_NAME})"
               r"\s+(?:back\s+)?(?:to|into|as|in|\u2192|->)(?!\w)"),
    # 5 "update on Acme", "CFO at Acme" (the preposition is checked by the caller)
    re.compile(rf"({_NAME})(?:'s)?\b"),
    # 6 "Acme's CFO", "the Acme team"
    re.compile(rf"({_NAME})(?:'s\b|'(?!\w)|\s+team\b|\s+folks\b|\s+people\b)"),
)
_RUN_RE = re.compile(_NAME)
_LOWER_LABEL_RE = re.compile(
    r"^\s*([a-z][\w&'-]*(?:\s+[a-z][\w&'-]*){0,2})\s*(?::|\s-\s)\s*(?:stage\b|won\b|lost\b|closed\b|signed\b|moved\b|amt\b|"
    r"amount\b|[$\u20ac\u00a3]?\d)"
)
_PREP_BEFORE_RE = re.compile(r"(?:\b(?:[Aa]t|[Ff]rom|AT|FROM|[Bb]ei|[Cc]hez|[Nn]a|[Nn]o|[Ee]n)|@)\s*$")
_WEAK_PREP_BEFORE_RE = re.compile(r"\b(?:[Oo]n|[Ww]ith|[Ff]or|[Tt]o|w/|W/|[Cc]on|[Mm]it|[Aa]vec|[Cc]om|[Pp]ara)\s*$")
_OUTCOME_BEFORE_RE = re.compile(
    r"(?i:\b(?:closed[\s/_-]*(?:won|lost)|won|lost|signed|closed|inked|booked|landed|cerrado\s+ganado|perdimos|ganamos|"
    r"cerramos|gewonnen|verloren|gagn[eé]|perdu|ganho|fechamos|fechou|perdemos|perdid[oa]|ganad[oa])\b)[^\w\n]{0,8}?\s*"
    r"(?:(?:with|the|on|for)\s+)?$"
)
_MOVED_BEFORE_RE = re.compile(r"\b(?:[Mm]oved|[Mm]oving|[Bb]umped|[Pp]ushed|[Aa]dvanced|[Mm]arked|[Mm]arking|[Ss]et|[Dd]ropped|[Ll]owered|[Rr]aised|"
                              r"[Cc]losing(?:\s+out)?|[Uu]pdated)\s+(?:the\s+)?$")
_MOVED_AFTER_RE = re.compile(r"\s+(?:back\s+|up\s+|down\s+)?(?:to|into|as|in|\u2192|->|closed|lost|won)(?!\w)")
_LABEL_BEFORE_RE = re.compile(rf"(?:^|\n)\s*(?:[-\u2022>]\s*)?{_LABEL_PREFIX}$")
_LABEL_AFTER_RE = re.compile(
    rf"\s*(?:\s(?P<q>{_QUALIFIERS}))?(?:[^\w\s]{{1,4}}\s*)?(?::|\s-\s|\s\|\s|\s+(?:update|stage|amt|amount|deal)\b|"
    r"\s*\(|\s*(?:->|\u2192))"
)
_STALL_ORDER = (0, 1, 2, 3, 4, 5, 6, "weak")
_UPDATE_ORDER = (0, 1, 2, 3, 4, 6)


def _valid(raw: str) -> str | None:
    name = raw.strip().strip(",:;!?*-'\"()").strip()
    name = name.removesuffix("'s")
    words = name.split()
    while words and words[-1].lower().strip(".,:;!?") in _STOP and words[-1].lower() not in _NAME_WORDS:
        words.pop()
    while words and words[0].lower().strip(".,:;!?") in _STOP and not (
            len(words) > 1 and words[0].lower() in _KEEP_LEADING and words[1][:1].isupper()):
        words.pop(0)
    while words and words[-1].lower() in ("de", "del", "da", "do", "la", "le", "von", "van", "der", "y", "e", "et", "&"):
        words.pop()
    if not words:
        return None
    name = " ".join(words).rstrip(".,") if not words[-1].endswith(("Co.", "Inc.", "Ltd.", "Corp.")) else " ".join(words)
    if len(name) < 2 or name.replace(" ", "").isdigit():
        return None
    return name


def _clip(name: str) -> str:
    name = " ".join(name.split())
    return name if len(name) <= MAX_NAME else name[:MAX_NAME].rsplit(" ", 1)[0]


_TRAILING_FIELD_RE = re.compile(rf"\s+(?:{_FIELD_WORDS}|deal|opportunity|opp)\s*$", re.I)
_TRAILING_GENERIC_RE = re.compile(r"\s+(?:deal|opportunity|opp|negocio|oportunidad)\s*$", re.I)


_FIELD_LIKE_RE = re.compile(r"^[\w ]{2,30}:|^[\d$\u20ac\u00a3\u00a5\u20b9]|^[A-Z]{1,3}\$")
_LEADING_LABEL_RE = re.compile(rf"^(?:{_OPP}|Account|Company)\s*:\s*", re.I)
_MONEY_PAREN_RE = re.compile(r"\s*\((?:[$\u20ac\u00a3\u00a5]|[A-Z]{1,3}\$|[\d.,]+\s*[kKmM]?\)|amount|stage)[^)]*\)\s*$")


def _crm_value(raw: str) -> str | None:
    if raw.lstrip().startswith("*"):
        return None  # a bold name cut short by the pattern: the bold pass reads it whole
    name = _LEADING_LABEL_RE.sub("", raw.strip().strip("*_'\"-\u00b7|\u2022 ").strip())
    name = _MONEY_PAREN_RE.sub("", name).strip().strip("*_'\"").strip()
    if not name or _FIELD_LIKE_RE.match(name):
        return None  # "Amount: $6,000", "Reason: ...": a field, not a record
    while (trimmed := _TRAILING_FIELD_RE.sub("", name)) != name:  # "Acme Corp stage" -> "Acme Corp"
        name = trimmed
    first = name.lower().split()[0] if name.split() else ""
    if not first or first in ("stage", "amount", "owner", "is", "was", "has", "the", "from", "to", "stage:", "updated"):
        return None
    return name


def _runs(clean: str) -> list[tuple[int, int, str, int]]:
    """The capitalised runs that can be names: (start, end, the name kept, where its first kept word starts)."""
    out = []
    for run in _RUN_RE.finditer(clean):
        text = run.group()
        if " " not in text and text.lower().rstrip(".'-") in _STOP:
            continue
        kept = _valid(text)
        if kept is None:
            continue
        a, b = run.span()
        out.append((a, b, kept, clean.find(kept.split()[0], a)))
    return out


def _human(clean: str, order: Sequence[object], runs: list[tuple[int, int, str, int]]) -> str | None:
    """The earliest phrasing in `order` that any run fits, then the leftmost run."""
    best: tuple[int, str] | None = None
    for a, b, kept, na in runs:
        for rank, i in enumerate(order):
            if best is not None and rank >= best[0]:
                break
            result = None
            if i in (0, 2, 6):
                m = _HUMAN_RES[i].match(clean, a)  # type: ignore[index]
                if m is not None and (name := _valid(m.group(1))) is not None:
                    q = m.groupdict().get("q")
                    result = f"{name} {q}" if q else name
            elif i == 1:
                if _LABEL_BEFORE_RE.search(clean, max(0, a - 40), a) and (m := _LABEL_AFTER_RE.match(clean, b)):
                    result = f"{kept} {m.group('q')}" if m.group("q") else kept
            elif i == 3:
                if _OUTCOME_BEFORE_RE.search(clean, max(0, na - 30), na):
                    result = _valid(clean[na:b])
            elif i == 4:
                if _MOVED_BEFORE_RE.search(clean, max(0, na - 16), na) and _MOVED_AFTER_RE.match(clean, b):
                    result = _valid(clean[na:b])
            elif i == 5:
                if _PREP_BEFORE_RE.search(clean, max(0, na - 10), na):
                    result = _valid(clean[na:b])
            elif i == "weak":
                if _WEAK_PREP_BEFORE_RE.search(clean, max(0, na - 10), na):
                    result = _valid(clean[na:b])
            if result is not None:
                best = (rank, result)
                break
        if best is not None and best[0] == 0:
            break
    return best[1] if best is not None else None


_QUOTED_RE = re.compile(rf"(?<![\w])['\"]([{_UP}][^'\"\n]{{1,80}}?)['\"](?![\w])")
_QUOTE_LABEL_BEFORE_RE = re.compile(r"(?:reason|motivo|grund|raison|note|notes|said|says|told|wrote|replied|response)\b[^\n'\"]{0,20}$",
                                    re.I)
_SENTENCE_RE = re.compile(r"[.!?,;]\s|\b(?:I|we|we're|I'm|you|they|she|he|it's|let|me)\b", re.I)
# "Vantor - 200 seats: next step ...", "Tarragon Health – Remote Patient Monitoring\nStage → Evaluation"
_QUALIFIED_LABEL_RE = re.compile(
    rf"^\s*(?:[-\u2022>]\s*)?{_LABEL_PREFIX}(?P<name>(?P<head>{_NAME})\s[-\u2013]\s(?P<q>[^\n:|\u2192>.,!?$\u20ac\u00a3(\u00b7\u2022]{{1,50}}?))\s*"
    r"(?::|\||\u2192|->|\s+(?i:moved|now\s+in|is\s+now|to)\b|[ \t]*\n(?=\s*(?i:stage|amount|next|deal|etapa|phase)))",
    re.M,
)
_BOLD_NAME_RES = (
    # "Updated *Hawthorne Kitchens - Showroom Displays* to Negotiation", "Closed Lost: *X*", "on *Sequoia Title*"
    re.compile(r"(?i:\b(?:moved|moving|updated|marked|marking|closed(?:[\s/_-]*(?:won|lost))?|won|lost|on|for))\s*:?\s*\*([^*\n]{2,80})\*"),
    # "*Westshore Auto Detailing* opportunity", "*X* -> Closed lost", "*X*: $52,000 -> $61,500"
    re.compile(r"\*([^*\n]{2,80})\*\s*(?:(?i:opportunity|deal|opp|moved|updated|status|stage)\b|->|\u2192|:)"),
)
# "Marking the Fairhaven recruiting retainer lost", "closing copper kettle cafés lost", "marking X as closed lost"
_MARKING_RE = re.compile(r"\b(?:marking|marked|closing(?:\s+out)?)\s+(?:the\s+)?(?P<name>[^\n,.;:!]{2,50}?)\s+(?:as\s+)?"
                         r"(?:closed[\s/_-]*)?(?:lost|won)\b", re.I)


_NOT_QUALIFIER = frozenset("amount amt bumped moved moving signed won lost closed stage now still the they we she he verbal "
                           "update had has is was no demo call next".split())


def _qualifier_ok(q: str, stage_words: frozenset[str]) -> bool:
    """ "200 seats", "Remote Patient Monitoring", "Annual": not a stage, a sentence or a field."""
    words = q.split()
    return 0 < len(words) <= 5 and words[0].lower() not in _NOT_QUALIFIER and q.lower() not in stage_words


def _find_raw_name(marked: str, clean: str, *, for_update: bool, stage_words: frozenset[str]) -> str | None:
    def ok(name: str | None) -> bool:
        return name is not None and name.lower() not in stage_words and name.lower() not in _STOP

    for i, rx in enumerate(_CRM_RES[:7]):
        m = rx.search(clean if i in (4, 5) else marked)
        if m is not None and ok(name := _crm_value(m.group(1))):
            return name
    if "*" in marked and _CRM_HINT_RE.search(marked.lower()):
        # CRM posts put the deal in bold under a header: "*Opportunity Updated*\n*Kessler Manufacturing - Platform*"
        for m in _BOLD_RE.finditer(marked):
            text = m.group(1).strip()
            if text and not _BOLD_LABEL_RE.match(text) and ok(text) and not _FIELD_LIKE_RE.match(text):
                return _TRAILING_GENERIC_RE.sub("", text)
    for m in _QUOTED_RE.finditer(clean):
        text = m.group(1).strip()
        if len(text.split()) <= 8 and not _SENTENCE_RE.search(text) and ok(text) and \
                not _QUOTE_LABEL_BEFORE_RE.search(clean, max(0, m.start() - 30), m.start()):
            return text
    for rx in _BOLD_NAME_RES:
        for m in rx.finditer(marked):
            text = m.group(1).strip()
            if not _BOLD_LABEL_RE.match(text) and ok(text) and not _FIELD_LIKE_RE.match(text):
                return _TRAILING_GENERIC_RE.sub("", text)
    for rx in _CRM_RES[7:]:
        m = rx.search(clean)
        if m is not None and ok(name := _crm_value(m.group(1))):
            return name
    if for_update:
        m = _QUALIFIED_LABEL_RE.search(clean)
        if m is not None and _valid(m.group("head")) == m.group("head").strip() and ok(name := _valid(m.group("name"))) \
                and _qualifier_ok(m.group("q"), stage_words):
            return name
    runs = _runs(clean)
    found = _human(clean, _UPDATE_ORDER if for_update else _STALL_ORDER, runs)
    if found is not None and ok(found):
        return found
    if for_update:
        m = _MARKING_RE.search(clean)
        if m is not None and ok(name := _valid(m.group("name"))):
            return name
        m = _LOWER_LABEL_RE.match(clean)
        if m is not None and m.group(1).split()[0] not in _STOP and m.group(1) not in _STOP:
            return m.group(1)
    if "*" in marked:
        for m in _BOLD_RE.finditer(marked):
            name = _valid(m.group(1))
            if name is not None and name[0].isupper() and len(name.split()) <= 5 and ok(name):
                return name
    if for_update:
        return _human(clean, (5,), runs) or _human(clean, ("weak",), runs)
    return None


def find_known_deal(text: str, known_deals: Sequence[str]) -> str | None:
    """The longest known deal written in `text` as whole words, any case."""
    low = text.lower()
    best: tuple[int, int, str] | None = None
    for deal in known_deals:
        d = deal.lower().strip()
        if not d:
            continue
        for m in re.finditer(r"(?<![\w])" + re.escape(d) + r"(?![\w])", low):
            cand = (-len(d), m.start(), deal)
            if best is None or cand < best:
                best = cand
            break
    return best[2] if best else None


def _words(s: str) -> list[str]:
    return re.findall(r"[\w&']+", s.casefold())


def _contains(big: list[str], small: list[str]) -> bool:
    n = len(small)
    return any(big[i:i + n] == small for i in range(len(big) - n + 1))


def match_known_deal(name: str, known_deals: Sequence[str]) -> str | None:
    """The known deal `name` refers to: the same words ignoring case and punctuation, or one name's words contained in
    the other's on word boundaries ("Acme" ~ "Acme Corp", "Acme Corp - 500 seats" ~ "Acme Corp"). None when none
    fits or when it is ambiguous ("Acme" with "Acme Corp" and "Acme Labs" both known)."""
    words = _words(name)
    if not words:
        return None
    exact = [k for k in known_deals if _words(k) == words]
    if exact:
        return exact[0]
    wider = [k for k in known_deals if _words(k) and _contains(_words(k), words)]  # "Acme" -> "Acme Corp"
    narrower = [k for k in known_deals if _words(k) and _contains(words, _words(k))]  # "Acme Corp renewal" -> "Acme Corp"
    if wider and narrower:
        return None
    if len(wider) == 1:
        return wider[0]
    if len(wider) > 1:
        return None
    if narrower:
        longest = max(narrower, key=lambda k: len(_words(k)))
        # nested known names ("Acme", "Acme Corp") are one family: the fullest fits; unrelated ones are ambiguous
        return longest if all(_contains(_words(longest), _words(k)) for k in narrower) else None
    return None


def find_deal_name(
    n: Normalised, *, known_deals: Sequence[str] = (), for_update: bool, stage_words: frozenset[str] | None = None
) -> str | None:
    """The deal the message names, as a known deal's spelling when it matches one, clipped to 120 characters.
    `stage_words` (stage names, folded) are never names; by default the repository's stage list."""
    if stage_words is None:
        stage_words = frozenset(default_stages().by_key)
    if known_deals:
        known = find_known_deal(n.clean, known_deals)
        if known is not None:
            return known
    name = _find_raw_name(n.marked, n.clean, for_update=for_update, stage_words=stage_words)
    if name is None:
        return None
    name = _clip(name)
    if known_deals:
        return match_known_deal(name, known_deals) or name
    return name
