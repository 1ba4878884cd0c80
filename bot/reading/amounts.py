"""Deal amounts in a message: "$45k", "€1.2M", "45.000 €", "12.500,00 EUR", "R$ 50 mil", "90k -> 95k".

`find_amount(low)` takes the lowercased clean text (offsets as in `clean`) and returns (amount, ISO currency or None).
A number counts as money when a currency, a k/M/bn suffix or an amount label ("Amount:", "Betrag:") is next to it.
With an old and a new value ("90k -> 95k", "from $40k to $55k", "de 40k a 50k") the new one is taken; with a range
("40-50k") the upper end. Anything of 10^12 or more is not an amount.
"""

from __future__ import annotations

import re
from decimal import Decimal, InvalidOperation

__all__ = ["find_amount", "to_decimal", "MAX_AMOUNT"]

from bot.coaching.models import MAX_AMOUNT

# Longest first so "ca$" wins over "$".
_SYMBOLS = {
    "us$": "USD", "u$s": "USD", "ca$": "CAD", "cad$": "CAD", "c$": "CAD", "au$": "AUD", "a$": "AUD", "r$": "BRL",
    "mx$": "MXN", "nz$": "NZD", "s$": "SGD", "hk$": "HKD", "$": "USD", "\u20ac": "EUR", "\u00a3": "GBP",
    "\u00a5": "JPY", "\u20b9": "INR", "\u20a9": "KRW", "fr.": "CHF",
}
_CODES = ("usd eur gbp cad aud brl chf mxn jpy inr sek nok dkk nzd sgd hkd zar pln czk ils aed cny krw").split()
# Written names; "pesos"/"francs"/"kronor" are too ambiguous or rare to name a currency.
_NAMES = {
    "dollars": "USD", "dollar": "USD", "bucks": "USD", "dolares": "USD", "d\u00f3lares": "USD", "dollari": "USD",
    "euros": "EUR", "euro": "EUR", "eur": "EUR", "pounds": "GBP", "quid": "GBP", "libras": "GBP", "livres": "GBP",
    "pfund": "GBP", "reais": "BRL", "real": "BRL", "franken": "CHF", "rupees": "INR", "yen": "JPY",
}
# Value of each suffix; "mil" is decided per message (thousand in Spanish/Portuguese, million in English chat).
_SUFFIXES = {
    "k": 10**3, "kk": 10**6, "thousand": 10**3, "grand": 10**3, "tsd": 10**3, "tsd.": 10**3, "tausend": 10**3,
    "t": 10**3, "mille": 10**3, "m": 10**6, "mm": 10**6, "mn": 10**6, "mio": 10**6, "mio.": 10**6, "mill": 10**6,
    "million": 10**6, "millions": 10**6, "millionen": 10**6, "millones": 10**6, "millon": 10**6, "mill\u00f3n": 10**6,
    "milh\u00f5es": 10**6, "milhoes": 10**6, "milh\u00e3o": 10**6, "milhao": 10**6, "mi": 10**6, "b": 10**9, "bn": 10**9,
    "billion": 10**9, "mrd": 10**9, "mrd.": 10**9, "milliard": 10**9, "milliards": 10**9, "mil": 0,
}


def _alt(words: list[str]) -> str:
    return "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True))


_SYM_ALT = _alt(list(_SYMBOLS))
_CODE_ALT = _alt(_CODES)
_NAME_ALT = _alt([n for n in _NAMES if n not in _CODES])
_SUF_ALT = _alt(list(_SUFFIXES))

# A number: "45,000.00", "45.000,00", "1.2", "30 000" (spaced groups: only taken with a currency, checked below).
_NUM_RE = re.compile(r"\d{1,3}(?:[ ']\d{3})+(?:[.,]\d{1,2})?(?![\d])|\d(?:[\d,.]*\d)?")
_AFTER_RE = re.compile(
    rf"(?:\s?(?P<suf>{_SUF_ALT})(?![a-z]))?(?:\s?(?P<sym>{_SYM_ALT})|\s?\(?(?P<code>{_CODE_ALT}|{_NAME_ALT})(?![a-z]))?"
    rf"(?:\s?(?P<suf2>{_SUF_ALT})(?![a-z]))?"
)
_BEFORE_RE = re.compile(rf"(?:(?P<sym>{_SYM_ALT})|(?<![a-z])(?P<code>{_CODE_ALT})\.?)\s?$")
_NOT_MONEY_AFTER_RE = re.compile(
    r"\s*(?:users|seats|licen[cs]es|employees|people|rows|records|emails|contacts|leads|views|downloads|ago|left|"
    r"mins?|minutes?|hours?|hrs?|days?|km|miles|kg|gb|tb|mb|usuarios|nutzer|utilisateurs|usu[aá]rios|"
    r"asientos|plazas|lizenzen|postes|licen[cç]as|mitarbeiter|empleados|employ[eé]s|funcion[aá]rios)\b"
)
_LABEL_RE = re.compile(
    r"(?:\b(?:amount|amt|deal\s+(?:size|value|amount)|value|acv|arr|tcv|mrr|contract\s+value|total|size|worth|"
    r"valued\s+at|price|pricing|budget|betrag|volumen|auftragswert|wert|summe|importe|monto|valor|cuant[ií]a|"
    r"montant|valeur|prix|quantia|or[cç]amento|quote)\b\s*(?:changed|updated|ge[aä]ndert|actualizado|modifi[eé]|angepasst|"
    r"reduziert|erh[oö]ht|revu|revisto)?\s*(?:on\s+[^\n:]{1,40}?:\s*)?"
    r"(?:(?:from|von|de)\s+[^\n]{1,30}?\s+)?(?::|=|->|\u2192|to|is|of|at|now|est|es|ist|[eé]|de)?\s*(?:est\.?|ca\.?|~|approx\.?)?\s*"
    r"|\b(?:dropped|lowered|raised|bumped|reduced|increased|cut|revised|baj[aoó]|baja|sube|subi[oó]|reducid[oa]|"
    r"reduziert|angepasst|erh[oö]ht|gesenkt|r[eé]vis[eé]|baiss[eé]|reduzid[oa]|aumentad[oa])\b(?:\s+[^\s\d]+){0,4}?\s+"
    r"(?:to|a|auf|[aà]|para)\s*)$"
)
_JOIN_NEW_RE = re.compile(
    r"\s*(?:->|=>|-->|>|\u2192|\u27f6|\u2794|\u279c|\u279d|\u2799|\u21d2|\u27a1\ufe0f?|to|a|auf|zu|nach|\u00e0|para)\s*"
    r"(?:[\w$\u20ac\u00a3]{0,4}\s*)?$"
)
_DIGIT_RE = re.compile(r"\d")
_PER_UNIT_RE = re.compile(r"\s*(?:/|per\s+|a\s+|pro\s+|por\s+|par\s+)(?:seat|user|licen[cs]e|head|unit|location|site|employee|"
                          r"person|nutzer|usuario|utilisateur|lizenz|licencia)s?\b|\s+each\b")
_RANGE_RE = re.compile(r"\s*(?:-|to|a|bis|\u00e0|\u00e1)\s*$")
_WAS_RE = re.compile(r"^\s*\(?\s*(?:was|from|antes|vorher|avant|era|war|previously|prev\.?|down\s+from|up\s+from)\b")
_ROMANCE_RE = re.compile(r"\b(?:de|del|los|las|el|con|para|pero|y|est[aá]|em|com|n[aã]o|do|da|reais|euros|pesos|"
                         r"propuesta|proposta|negocio|neg[oó]cio|mil\s+(?:euros|d[oó]lares|reais|pesos|libras))\b|r\$")


def to_decimal(num: str, suffix: str | None = None, *, comma_decimal: bool = False) -> Decimal | None:
    """A written number as a Decimal: "45,000.00" / "45.000,00" / "30 000" -> 45000 / 45000 / 30000."""
    n = num.replace(" ", "").replace("'", "")
    if "," in n and "." in n:
        if n.rfind(",") > n.rfind("."):  # 1.200.000,50
            n = n.replace(".", "").replace(",", ".")
        else:
            n = n.replace(",", "")
    elif "," in n:
        parts = n.split(",")
        n = n.replace(",", "") if all(len(p) == 3 for p in parts[1:]) and not comma_decimal else n.replace(",", ".")
        if n.count(".") > 1:
            return None
    elif n.count(".") > 1:
        if not all(len(p) == 3 for p in n.split(".")[1:]):
            return None  # "1.2.3", a version or a date
        n = n.replace(".", "")
    elif "." in n and len(n.split(".")[1]) == 3 and not suffix:
        n = n.replace(".", "")  # "45.000 €": no-one writes money to three decimals
    try:
        value = Decimal(n)
    except InvalidOperation:
        return None
    if suffix:
        value *= _SUFFIXES[suffix]
    if value == value.to_integral_value():
        value = value.quantize(Decimal(1))
    return value


def _currency(sym: str | None, code: str | None) -> str | None:
    if sym:
        return _SYMBOLS[sym]
    if code:
        return _NAMES.get(code, code.upper())
    return None


def find_amount(low: str) -> tuple[Decimal | None, str | None]:
    """The amount the message states and its currency (None when not shown)."""
    if _DIGIT_RE.search(low) is None:
        return None, None
    romance = None
    cands: list[tuple[int, int, Decimal, str | None, bool]] = []  # start, end, value, currency, labelled
    per_unit: list[tuple[int, int, Decimal, str | None, bool]] = []
    for m in _NUM_RE.finditer(low):
        ns, ne = m.span()
        num = m.group()
        if ns and (low[ns - 1].isalnum() or low[ns - 1] in "_#/:"):
            continue  # "q3", "fy25", "10:30", "3/14"
        if ns and low[ns - 1] in ".," and ns > 1 and low[ns - 2].isdigit():
            continue
        after = _AFTER_RE.match(low, ne)
        suf = after.group("suf") or after.group("suf2")
        sym, code = after.group("sym"), after.group("code")
        end = after.end()
        if end < len(low) and (low[end].isalnum() and not (sym or code)):
            if not suf or low[end].isdigit():
                continue  # "3pm", "2nd", "3yr"
            suf, end = None, ne  # "5 more": not a suffix after all
            if low[ne:ne + 1].isalnum():
                continue
        if num.endswith((",", ".")):
            num = num[:-1]
        before = _BEFORE_RE.search(low, max(0, ns - 6), ns)
        start = ns
        if before is not None and not (before.start() and low[before.start() - 1].isalpha() and before.group("sym") != "$"):
            sym, code = sym or before.group("sym"), code or before.group("code")
            start = before.start()
        if end < len(low) and low[end] in "%/:" and not (suf or sym or code):
            continue  # "30%", "2:00", "3/14"; "$1,200/mo" is money
        if (" " in num or "'" in num) and not (sym or code):
            # "30 000" needs a currency; otherwise read only its last group as a number of its own
            continue
        labelled = _LABEL_RE.search(low, max(0, ns - 40), ns) is not None
        if not (sym or code or suf or labelled) and not (cands and _joined(low, cands[-1][1], start)):
            continue  # a bare number is money only after a label or as the new value of an amount
        if suf and not (sym or code) and _NOT_MONEY_AFTER_RE.match(low, end):
            continue  # "3m users", "2m ago"
        if suf == "mil":
            if romance is None:
                romance = _ROMANCE_RE.search(low) is not None
            suf = "k" if romance else "m"
        elif suf == "t" and not (sym or code):
            continue  # "45 T€" is German for thousand; a bare "45 t" is tonnes
        comma_decimal = bool(re.fullmatch(r"\d{1,3},\d{1,2}", num)) or (suf is not None and "," in num and "." not in num
                                                                         and len(num.split(",")[-1]) != 3)
        value = to_decimal(num, suf, comma_decimal=comma_decimal)
        if value is None or value == 0 or value >= MAX_AMOUNT:
            continue
        if not (sym or code or suf) and labelled and len(num) == 4 and num.startswith("20"):
            continue  # "Amount: 2025"? a year, not money
        if _PER_UNIT_RE.match(low, end):
            per_unit.append((start, end, value, _currency(sym, code), labelled))
            continue  # "$14/seat": a unit price; used only when nothing else is
        cands.append((start, end, value, _currency(sym, code), labelled))
    cands = cands or per_unit
    if not cands:
        return None, None
    first = next((i for i, c in enumerate(cands) if c[4]), 0)  # an "Amount:" label beats an earlier mention
    last = first
    # Walk forward while the next amount is the new value of this one: "90k -> 95k", "from $40k to $55k", "40-50k".
    while last + 1 < len(cands) and _joined(low, cands[last][1], cands[last + 1][0]):
        last += 1
    currency = cands[last][3] or next((c[3] for c in cands[first:last] if c[3]), None)
    return cands[last][2], currency


def _joined(low: str, end: int, start: int) -> bool:
    between = low[end:start]
    return bool(_JOIN_NEW_RE.fullmatch(between) or _RANGE_RE.fullmatch(between))
