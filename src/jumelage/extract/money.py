"""Amounts of money in French text: "7.019 €", "6 000 euros par an", "1,5 million d'euros", "$5,000".

`find_amounts(text)` gives each amount's span, value (in units of the currency), ISO 4217
currency and optional "per" unit ("year", "day and patient"). Only numbers tied to a currency
count: "8.800 km", "5.000 masques" or "12 %" are not money. French digit grouping (space,
no-break space, narrow no-break space, or a dot before three digits) and decimal comma are
understood; "$5,000" and "5,000 dollars" use the English grouping their currency suggests.
Currency names, multipliers and "per" units come from `data/fr/currencies.tsv`.
"""
from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from functools import lru_cache

from jumelage.extract.lexicon import fold_same_length, fold_word, load_tsv
from jumelage.records import Amount


@dataclass(frozen=True)
class AmountMention:
    """An amount of money: `text[start_char:end_char]` says it."""

    start_char: int
    end_char: int
    value: float
    currency: str                 # ISO 4217
    per: str | None = None        # "year", "day and patient"...

    def to_amount(self) -> Amount:
        return Amount(self.value, self.currency, self.per)


_ENGLISH_GROUPING = {"USD", "GBP", "CAD", "AUD", "CNY", "JPY", "INR"}


def _alt(forms: list[str]) -> str:
    forms = sorted(set(forms), key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s*") for f in forms)


class _Vocab:
    def __init__(self, lang: str) -> None:
        rows = load_tsv("currencies.tsv", lang)
        self.currency: dict[str, str] = {}
        self.symbols: dict[str, str] = {}
        self.codes: set[str] = set()
        self.multipliers: dict[str, Decimal] = {}
        self.numbers: dict[str, Decimal] = {}
        self.per: dict[str, str] = {}
        self.per_words: dict[str, str] = {}
        links: list[str] = []
        per_leads: list[str] = []
        joiners: list[str] = []
        for row in rows:
            if len(row) < 3:
                continue
            kind, form, value = row[0], fold_word(row[1]), row[2]
            if kind == "symbol":
                self.symbols[form] = value
                self.currency[form] = value
            elif kind == "word":
                self.currency[form] = value
                if form == value.lower():
                    self.codes.add(form)
            elif kind == "multiplier":
                self.multipliers[form] = Decimal(value)
            elif kind == "number":
                self.numbers[form] = Decimal(value)
            elif kind == "per":
                self.per[form] = value
            elif kind == "per_word":
                self.per_words[form] = value
            elif kind == "link":
                links.append(form)
            elif kind == "per_lead":
                per_leads.append(form)
            elif kind == "joiner":
                joiners.append(form)
        word_end = r"(?![\w])"
        # after a symbol anything may follow ("300€."), after a name a word must end
        cur = rf"(?P<cur>{_alt(list(self.currency))})(?:(?<=[^\w])|(?![\w]))"
        number = (r"(?P<num>\d{1,3}(?:(?:[ .]|,(?=\d{3}(?!\d)))\d{3})+(?:[,.]\d+)?"
                  r"|\d+(?:[,.]\d+)?)")
        words = rf"(?P<word>{_alt(list(self.numbers))}){word_end}"
        mult = rf"(?:\s*(?P<mult>{_alt(list(self.multipliers))})(?![a-z]))?"
        # an elided link (« d' ») touches the currency; a word link is followed by spaces
        link = "(?:\\s*(?:" + "|".join(
            re.escape(f) if f.endswith("'") else re.escape(f) + r"\s+" for f in links) + "))?"
        self.after = re.compile(rf"(?<![\w.,])(?:{number}|{words}){mult}{link}\s*{cur}")
        self.before = re.compile(
            rf"(?<![\w])(?P<pre>{_alt(list(self.symbols) + sorted(self.codes))})\s*"
            rf"(?P<num>\d{{1,3}}(?:(?:[ .,])\d{{3}})+(?:[,.]\d+)?|\d+(?:[,.]\d+)?)(?![\d])"
            rf"(?:\s*(?P<mult>{_alt(list(self.multipliers))})(?![a-z]))?")
        self.per_unit = re.compile(
            rf"(?:(?:{_alt(per_leads)})\s+|/\s*)(?P<u>{_alt(list(self.per))})(?![\w])")
        self.per_word_re = re.compile(rf"\s*(?P<w>{_alt(list(self.per_words))})(?![\w])")
        self.code_check = re.compile(r"[A-Z]{3}")
        self.per_gap = re.compile(r"\s*,?\s*")
        self.per_joiner = re.compile(rf"\s+(?:{_alt(joiners)})\s+|\s*,\s*")


@lru_cache(maxsize=4)
def _vocab(lang: str = "fr") -> _Vocab:
    return _Vocab(lang)


def is_currency(name: str) -> bool:
    """Whether `name` is only a currency's name, code or sign (« CFA », « F CFA », « Euros »,
    « FCFA »), by `data/fr/currencies.tsv`: no organisation, whatever the parser says."""
    return fold_word(name.strip()) in _vocab().currency


def _value(num: str, english: bool) -> Decimal | None:
    """The value of a written number: French grouping and decimal comma, or English ones."""
    s = num.replace(" ", "")
    if english and re.fullmatch(r"\d{1,3}(?:,\d{3})+(?:\.\d+)?", s):
        s = s.replace(",", "")
    elif re.fullmatch(r"\d{1,3}(?:\.\d{3})+(?:,\d+)?", s):
        s = s.replace(".", "").replace(",", ".")
    elif re.fullmatch(r"\d{1,3}(?:,\d{3}){2,}(?:\.\d+)?", s):
        s = s.replace(",", "")
    else:
        s = s.replace(",", ".")
    try:
        return Decimal(s)
    except InvalidOperation:
        return None


def _per(v: _Vocab, t: str, pos: int) -> tuple[str | None, int]:
    """The "per" units right after position `pos` ("par jour et par patient"), and where they end."""
    units: list[str] = []
    end = pos
    m = v.per_gap.match(t, pos)
    at = m.end() if m else pos
    while True:
        u = v.per_unit.match(t, at)
        if not u:
            break
        gloss = v.per[" ".join(u["u"].split())]
        if gloss not in units:
            units.append(gloss)
        end = u.end()
        joined = v.per_joiner.match(t, end)
        if not joined:
            break
        at = joined.end()
    if not units:
        w = v.per_word_re.match(t, pos)
        if w:
            return v.per_words[" ".join(w["w"].split())], w.end()
        return None, pos
    return " and ".join(units), end


def _number(v: _Vocab, m: re.Match[str], english: bool) -> Decimal | None:
    if m.group("num"):
        value = _value(m["num"], english)
    else:
        value = v.numbers.get(" ".join(m["word"].split()))
    if value is None:
        return None
    if m["mult"]:
        value *= v.multipliers[m["mult"]]
    return value


def _as_float(value: Decimal) -> float:
    return float(value.quantize(Decimal(1))) if value == value.to_integral() else float(value)


def find_amounts(text: str) -> list[AmountMention]:
    """The amounts of money `text` states, in order, never overlapping."""
    v = _vocab()
    t = fold_same_length(text)
    found: list[AmountMention] = []
    taken: list[tuple[int, int]] = []

    def add(s: int, e: int, value: Decimal | None, code: str) -> None:
        if value is None or value <= 0 or any(s < b and a < e for a, b in taken):
            return
        per, end = _per(v, t, e)
        found.append(AmountMention(s, end, _as_float(value), code, per))
        taken.append((s, end))

    for m in v.after.finditer(t):
        cur = " ".join(m["cur"].split())
        if cur in v.codes and not v.code_check.fullmatch(text[m.start("cur"):m.end("cur")]):
            continue                  # "ils", "mad": only codes written in capitals
        code = v.currency[cur]
        add(m.start(), m.end(), _number(v, m, code in _ENGLISH_GROUPING), code)
    for m in v.before.finditer(t):
        pre = " ".join(m["pre"].split())
        if pre in v.codes and not v.code_check.fullmatch(text[m.start("pre"):m.end("pre")]):
            continue
        code = v.currency[pre]
        add(m.start(), m.end(), _number(v, m, code != "EUR"), code)
    return sorted(found, key=lambda a: a.start_char)
