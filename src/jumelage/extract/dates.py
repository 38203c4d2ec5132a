"""French dates, periods and seasons in running text, with their spans, as ISO partial dates.

`find_dates(text, doc_date)` finds "2006 – 2008", "De 2006 à 2014", "Depuis 2016", "Juin 2012",
"Printemps 2017", "le 1er mai 2005", "les 29, 30 mai et 1er juin", "au début des années 80",
"la semaine dernière"... and gives each a `DateMention` (offsets into `text`, ISO partial
`start`/`end`, a `kind`). Dates without a year take one from the same sentence, else from
`doc_date`, else from a nearby dated mention (a weekday, when given, must agree); relative
expressions ("l'an dernier", "lundi") are resolved against `doc_date` and skipped without it.
`document_date` finds the document's own date; `period_status` says whether a period is done,
ongoing or planned as of that date. Month names, cue words and relative expressions come from
`data/fr/dates.json`.
"""
from __future__ import annotations

import calendar
import datetime as dt
import re
from collections.abc import Callable
from dataclasses import dataclass
from functools import lru_cache
from itertools import pairwise

from jumelage.extract.lexicon import fold_same_length, fold_word, load_json
from jumelage.partial_dates import Parts, compare as _cmp, format_parts as _iso, normalise as _normal, parse as parse_iso

KINDS = ("point", "range", "since", "until", "season", "relative", "decade")
STATUSES = ("done", "ongoing", "planned")


@dataclass(frozen=True)
class DateMention:
    """A date or period found in a text: `text[start_char:end_char]` says it."""

    start_char: int
    end_char: int
    text: str
    start: str | None            # ISO partial: "2014", "2014-05", "2014-05-29"
    end: str | None
    kind: str                    # one of KINDS
    open_end: bool = False


# --------------------------------------------------------------------------------------------
# Vocabulary: regular expressions built from data/fr/dates.json


_WS = r"(?:[^\S\n]|\n(?![^\S\n]*\n))"    # a space or a line break, but not a blank line


def _c(pattern: str) -> re.Pattern[str]:
    """Compile `pattern`, where \\s means any space except a paragraph break."""
    return re.compile(pattern.replace(r"\s", _WS))


def _alt(words: list[str] | dict[str, object]) -> str:
    """A regex alternation of folded words, longest first, any run of spaces between words."""
    forms = sorted({fold_word(w) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)


def _joiner(words: list[str]) -> str:
    """A regex for one of `words` between two parts, spaces allowed around it; words made of
    letters must stand alone ("et" but not the end of "mardi")."""
    parts = []
    for w in sorted({fold_word(x) for x in words}, key=len, reverse=True):
        e = re.escape(w).replace(r"\ ", r"\s+")
        if w[0].isalnum():
            e = r"(?<![\w])" + e
        if w[-1].isalnum():
            e += r"(?![\w])"
        parts.append(e)
    return rf"\s*(?:{'|'.join(parts)})\s*"


def _alt_light(words: list[str]) -> str:
    """Like `_alt`, but accents kept (matched against `fold_same_length(text, keep_accents=True)`)."""
    forms = sorted({" ".join(fold_same_length(w, keep_accents=True).split()) for w in words}, key=len, reverse=True)
    return "|".join(re.escape(f).replace(r"\ ", r"\s+") for f in forms)


class _Vocab:
    def __init__(self, lang: str) -> None:
        data = load_json("dates.json", lang)
        full = [fold_word(k) for k in data["months"]]
        abbr = [fold_word(k) for k in data["month_abbreviations"]]
        self.months = {fold_word(k): v for k, v in data["months"].items()}
        self.months.update({fold_word(k): v for k, v in data["month_abbreviations"].items()})
        self.weekdays = {fold_word(k): v for k, v in data["weekdays"].items()}
        self.seasons = {fold_word(k): tuple(v) for k, v in data["seasons"].items()}
        self.numbers = {fold_word(k): v for k, v in data["number_words"].items()}
        self.decade_words = {fold_word(k): v for k, v in data["decade_numbers"].items()}
        self.units = {fold_word(k): v for k, v in data["units"].items()}
        self.relative = {fold_word(p): (u, o) for p, u, o in data["relative"]}
        self.relative_numbered = {fold_word(k): v for k, v in data["relative_numbered"].items()}
        self.bare_years = tuple(data["year_bounds"]["bare"])
        self.cued_years = tuple(data["year_bounds"]["with_cue"])
        self.head_lines = int(data["doc_head_lines"])
        self.head_chars = int(data["doc_head_chars"])

        mon = rf"(?:{_alt(full)})(?![a-z])|(?:{_alt(abbr)})(?:\.|(?=\s+[12]\d{{3}}(?!\d)))"
        self.first_day = {fold_word(w) for w in data["first_day"]}
        day = rf"(?:{_alt(data['first_day'])}|3[01]|[12]\d|0?[1-9])(?!\d)"
        wd = rf"(?:{_alt(self.weekdays)})(?![a-z])"
        year = r"[12]\d{3}(?!\d)"

        # "les 29, 30 mai et 1er juin", "du 1er au 3 juillet", "ce mardi 4 juillet 2023"
        article = rf"(?:(?:{_alt(data['day_article'])})\s+)?"
        self.day_article = {fold_word(w) for w in data["day_article"]}
        self.day_openers_kept = {fold_word(w) for w in data["day_openers_kept_alone"]}
        item = rf"(?:{wd},?\s+)?{day}(?:\s*(?:{mon})(?:\s+{year})?)?"
        sep = rf"(?:{_joiner(data['day_joiners'])}{article})"
        self.days = _c(rf"(?<![\d,.\w])(?:(?:{_alt(data['day_openers'])})\s+{article})?{item}(?:{sep}{item})*")
        self.day_item = _c(
            rf"(?:(?P<w>{wd}),?\s+)?(?P<d>{day})(?:\s*(?P<m>{mon})(?:\s+(?P<y>{year}))?)?")
        # "avril - mai 2018", "de janvier 2019 à mars 2020", "juin, juillet et août"
        mitem = rf"(?:{mon})(?:\s+{year})?"
        msep = _joiner(data["month_joiners"])
        self.months_re = _c(
            rf"(?<![\w])(?:(?:{_alt(data['month_openers'])})\s*)?{mitem}(?:{msep}{mitem})*")
        self.month_item = _c(rf"(?P<m>{mon})(?:\s+(?P<y>{year}))?")
        # "2006 – 2008", "De 2006 à 2014", "2005/06", "2020, 2021 et 2022"
        ysep = _joiner(data["year_joiners"])
        self.years = _c(
            rf"(?<![\d,/\w])(?<!\d\.)(?:(?:{_alt(data['year_openers'])})\s*)?"
            rf"[12]\d{{3}}(?:{ysep}(?:[12]\d{{3}}|\d{{2}}))+(?!\d|[.,]\d)")
        self.year_range_word = _c(_joiner(data["year_range_words"]))
        self.year_list_span = int(data["year_list_max_span"])
        self.year = _c(r"(?<![\d,/\w])(?<!\d\.)[12]\d{3}(?!\d|[.,]\d)")
        self.iso = _c(r"(?<![\d/.\w-])(?P<y>[12]\d{3})-(?P<m>0[1-9]|1[0-2])(?:-(?P<d>[0-3]\d))?(?![\d/]|-\d)")
        self.numeric = _c(
            r"(?<![\d/.\w])(?P<d>[0-3]?\d)(?P<sep>[/.])(?P<m>[01]?\d)(?P=sep)(?P<y>[12]\d{3}|\d{2})(?!\d|[/.]\d)")
        seasons = _alt(self.seasons)
        self.season = _c(
            rf"(?<![\w])(?P<s>{seasons})(?![a-z])"
            r"(?:\s+(?P<y>[12]\d{3})(?:\s*[/-]\s*(?P<y2>[12]\d{3}|\d{2}))?(?!\d))?"
            rf"(?:\s+(?P<rel>{_alt(data['season_last'] + data['season_next'])})(?![a-z]))?")
        self.season_last = {fold_word(w) for w in data["season_last"]}
        decades = _alt(self.decade_words)
        self.decade = _c(
            rf"(?<![\w])(?:{_alt(data['decade_word'])})\s+(?P<n>(?:19|20)?\d0(?!\d)|(?:{decades})(?![a-z-]))")
        self.relative_re = _c(rf"(?<![\w'-])(?:{_alt(self.relative)})(?![\w-])")
        numbered_cues = list(self.relative_numbered) + [fold_word(c) for c in data["since_numbered"]]
        self.numbered = _c(
            rf"(?<![\w])(?P<cue>{_alt(numbered_cues)})\s+(?:(?:{_alt(data['numbered_approx'])})\s+)?"
            rf"(?P<n>\d{{1,3}}|{_alt(self.numbers)})\s+(?P<u>{_alt(self.units)})(?![a-z])")
        self.since_numbered = {fold_word(c) for c in data["since_numbered"]}
        self.weekday_alone = _c(
            rf"(?<![\w])(?P<w>{wd})(?:\s+(?P<rel>{_alt(data['weekday_last'] + data['weekday_next'])})(?![a-z]))?")
        self.weekday_last = {fold_word(w) for w in data["weekday_last"]}
        self.weekday_next = {fold_word(w) for w in data["weekday_next"]}
        self.weekday_this = _c(rf"(?<![\w])(?:{_alt(data['weekday_this'])})\s+\Z")
        self.weekday_habitual = _c(rf"(?<![\w])(?:{_alt(data['weekday_habitual_before'])})\s+\Z")
        self.season_this = _c(rf"(?<![\w])(?:{_alt(data['season_this'])})\s+\Z")
        self.season_ok = _c(rf"(?<![\w])(?:{_alt(data['season_with_article'])})\s*\Z")
        self.season_habitual = _c(rf"(?<![\w])(?:{_alt(data['season_habitual_before'])})\s+\Z")

        quals = _alt(data["qualifiers"])
        links = _alt(data["qualifier_links"])
        frames = _alt(data["month_frames"] + data["year_frames"])
        self.prefix = _c(
            rf"(?<![\w])(?:(?:{quals})\s*(?:(?:{links})\s*)?)?(?:(?:{frames})\s*)?\Z")
        self.month_alone_ok = _c(rf"(?<![\w])(?:{_alt(data['month_alone_after'])})\s*\Z")
        self.since = _c(rf"(?<![\w])(?:{_alt_light(data['since'])})\s*\Z")
        self.until = _c(rf"(?<![\w])(?:{_alt_light(data['until'])})\s*\Z")
        self.to_now = _c(
            rf"\s*(?:{'|'.join(data['to_now_links'])})\s+(?:{_alt(data['to_now'])})(?![\w])")
        self.from_left = _c(rf"(?<![\w])(?:{'|'.join(data['from_left'])})\s*\Z")
        self.year_cue = _c(rf"(?<![\w])(?:{_alt(data['year_cues_before'])})\s*\Z")
        self.not_year_before = _c(rf"(?<![\w])(?:{_alt(data['not_year_before'])})\s*\Z")
        self.not_year_after = _c(rf"\s*(?:{_alt(data['not_year_after'])})(?![\w])")
        self.historical = _c(rf"(?<![\w])(?:{_alt(data['historical_year_before'])})(?![\w])")
        self.relation_since = _c(rf"(?<![\w])(?:{_alt(data['relation_before_since'])})(?![\w])")
        self.byline = _c(rf"(?<![\w])(?:{_alt(data['doc_byline_author'])})\s+[^\W\d_][\w.'’-]*(?:\s+[^\W\d_][\w.'’-]*){{0,3}}\s*$")
        # a dateline: a place, a comma, maybe the link word, the date (« Lannion, le 3 mai 2021 »,
        # a press item's « Figeac, 15 novembre 2023. »)
        self.dateline = _c(rf"\W*[^\W\d_][\w.'’ -]{{0,40}},\s*(?:(?:{_alt(data['doc_dateline_link'])})\s*)?\Z")
        self.doc_cue = _c(rf"(?<![\w])(?:{_alt(data['doc_date_cues'])})\s*[:|,-]?\s*\Z")
        self.doc_line_cue = _c(
            rf"\W*(?:{_alt(data['doc_date_line_start_cues'])})\s*[:|,-]?\s*\Z")


@lru_cache(maxsize=4)
def _vocab(lang: str = "fr") -> _Vocab:
    return _Vocab(lang)


# --------------------------------------------------------------------------------------------
# Small date arithmetic on (year, month, day) parts


def _valid_day(y: int | None, m: int, d: int) -> bool:
    if not 1 <= m <= 12 or d < 1:
        return False
    last = calendar.monthrange(y, m)[1] if y else (29 if m == 2 else calendar.monthrange(2001, m)[1])
    return d <= last


def _weekday_ok(y: int, m: int, d: int, weekday: int) -> bool:
    return _valid_day(y, m, d) and dt.date(y, m, d).weekday() == weekday


def _day(v: _Vocab, text: str) -> int:
    return 1 if fold_word(text) in v.first_day else int(text)


# --------------------------------------------------------------------------------------------
# Candidates

Resolver = Callable[[int], "tuple[str | None, str | None] | None"]


@dataclass
class _Cand:
    s: int
    e: int
    kind: str
    start: str | None = None
    end: str | None = None
    open_end: bool = False
    resolve: Resolver | None = None      # for yearless dates: year -> (start, end)
    weekday: tuple[int, int, int] | None = None    # (weekday, month, day) to check a guessed year
    explicit: bool = False               # carries its own year
    month: int | None = None             # first month of a yearless date (for year roll-over)
    extendable: bool = True              # may take "début", "depuis", "jusqu'au"...


def _day_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.days.finditer(t):
        s, e = m.start(), m.end()
        items = list(v.day_item.finditer(t, s, e))
        while items and not items[-1]["m"]:
            items.pop()
        if not items:
            continue
        e = items[-1].end()
        head = t[s:items[0].start()].split()
        if head and (head[0] in v.day_article
                     or (len(items) == 1 and head[0] not in v.day_openers_kept)):
            s = items[0].start()      # "le 6 juin", "du 3 mai": the opener alone is no part of it
        parsed: list[list[int | None]] = []
        for it in items:
            parsed.append([int(it["y"]) if it["y"] else None,
                           v.months[fold_word(it["m"].rstrip("."))] if it["m"] else None,
                           _day(v, it["d"])])
        # a month or year applies to the items before it that lack one
        for i in range(len(parsed) - 2, -1, -1):
            if parsed[i][1] is None:
                parsed[i][1] = parsed[i + 1][1]
                if parsed[i][0] is None:
                    parsed[i][0] = parsed[i + 1][0]
        year = parsed[-1][0]
        for i in range(len(parsed) - 2, -1, -1):
            if parsed[i][0] is None and year is not None:
                later = parsed[i + 1]
                ahead = (parsed[i][1], parsed[i][2]) > (later[1], later[2]) and later[0] == year
                parsed[i][0] = (later[0] or year) - (1 if ahead else 0)
        first, last = parsed[0], parsed[-1]
        if first[0] is not None and last[0] is None:     # "du 28 décembre 2019 au 3 janvier"
            last[0] = first[0] + (1 if (last[1], last[2]) < (first[1], first[2]) else 0)
        if any(not _valid_day(p[0], p[1], p[2]) for p in parsed if p[1]):
            continue
        weekday = None
        if items[0]["w"]:
            weekday = (v.weekdays[fold_word(items[0]["w"])], first[1], first[2])
        kind = "point" if len(items) == 1 else "range"
        if first[0] is not None and last[0] is not None:
            if weekday and not _weekday_ok(first[0], weekday[1], weekday[2], weekday[0]):
                weekday = None
            out.append(_Cand(s, e, kind, _iso(*first), _iso(*last), explicit=True))
            continue

        def resolve(y: int, first=first, last=last) -> tuple[str, str] | None:
            f, l_ = list(first), list(last)
            f[0] = l_[0] = y
            if (f[1], f[2]) > (l_[1], l_[2]):
                f[0] = y - 1
            if not (_valid_day(f[0], f[1], f[2]) and _valid_day(l_[0], l_[1], l_[2])):
                return None
            return _iso(*f), _iso(*l_)

        out.append(_Cand(s, e, kind, resolve=resolve, weekday=weekday, month=first[1]))
    return out


def _month_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.months_re.finditer(t):
        s, e = m.start(), m.end()
        items = list(v.month_item.finditer(t, s, e))
        if not items:
            continue
        if len(items) == 1:
            s = items[0].start()
        parsed = [[int(it["y"]) if it["y"] else None, v.months[fold_word(it["m"].rstrip("."))]]
                  for it in items]
        year = None
        for i in range(len(parsed) - 1, -1, -1):
            if parsed[i][0] is None and year is not None:
                parsed[i][0] = year - (1 if parsed[i][1] > parsed[i + 1][1] else 0)
            year = parsed[i][0]
        if parsed[0][0] is None and parsed[-1][0] is None:
            # no year at all: a month alone needs a cue before it ("en juin", "fin mars")
            if s == items[0].start() and not v.month_alone_ok.search(t, max(0, s - 40), s) \
                    and _prefix_hit(v, t, s) == s:
                continue
            first_m, last_m = parsed[0][1], parsed[-1][1]

            def resolve(y: int, a=first_m, b=last_m) -> tuple[str, str]:
                return _iso(y - 1 if a > b else y, a), _iso(y, b)

            kind = "point" if len(items) == 1 else "range"
            out.append(_Cand(s, e, kind, resolve=resolve, month=first_m))
            continue
        if parsed[-1][0] is None:       # "mai 2018 et juin": the later months take the year
            for p in parsed:
                p[0] = p[0] or parsed[0][0]
        if any(p[0] is None for p in parsed) or parsed[0] > parsed[-1]:
            continue
        kind = "point" if len(items) == 1 else "range"
        out.append(_Cand(s, e, kind, _iso(*parsed[0]), _iso(*parsed[-1]), explicit=True))
    return out


def _year_range_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.years.finditer(t):
        s, e = m.start(), m.end()
        chunk = t[s:e]
        nums = [(x.group(), x.start()) for x in re.finditer(r"\d+", chunk)]
        years: list[int] = []
        for n, _ in nums:
            if len(n) == 2:
                if not years:
                    break
                y = years[-1] // 100 * 100 + int(n)
                if y <= years[-1]:
                    y += 100
                if y != years[-1] + 1:   # "2005/06" only for consecutive years
                    break
                years.append(y)
            else:
                years.append(int(n))
        if len(years) != len(nums) or len(years) < 2:
            continue
        if any(b <= a for a, b in pairwise(years)):
            continue
        lo, hi = v.cued_years
        if not all(lo <= y <= hi for y in years):
            continue
        seps = re.sub(r"\d+", " ", chunk)
        is_list = not v.year_range_word.search(seps)
        if is_list and years[-1] - years[0] > v.year_list_span:
            continue
        # "2022-03" is a month, not the years 2022 and 2003
        if len(nums) == 2 and len(nums[1][0]) == 2 and "-" in seps and years[1] % 100 <= 12 \
                and years[1] != years[0] + 1:
            continue
        out.append(_Cand(s, e, "range", _iso(years[0]), _iso(years[-1]), explicit=True))
    return out


def _year_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.year.finditer(t):
        s, e = m.start(), m.end()
        y = int(m.group())
        left = t[max(0, s - 30):s]
        if re.search(r"\d[ .]\Z", left) or re.match(r"[ .]\d{3}(?!\d)", t[e:e + 5]):
            continue                   # a digit group of a larger number: "2 500", "12 2019"
        if v.not_year_before.search(left) or v.not_year_after.match(t, e, min(len(t), e + 30)):
            continue
        lo, hi = v.bare_years
        if not lo <= y <= hi:
            lo, hi = v.cued_years
            if not (lo <= y <= hi and v.year_cue.search(left)):
                continue
        out.append(_Cand(s, e, "point", _iso(y), _iso(y), explicit=True))
    return out


def _iso_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.iso.finditer(t):
        y, mo = int(m["y"]), int(m["m"])
        d = int(m["d"]) if m["d"] else None
        if d is not None and not _valid_day(y, mo, d):
            continue
        if d is None and mo == (y + 1) % 100:
            continue                   # "2011-12" read as the years 2011-2012 elsewhere
        out.append(_Cand(m.start(), m.end(), "point", _iso(y, mo, d), _iso(y, mo, d), explicit=True))
    for m in v.numeric.finditer(t):
        d, mo, ys = int(m["d"]), int(m["m"]), m["y"]
        y = int(ys) if len(ys) == 4 else (2000 + int(ys) if int(ys) <= 50 else 1900 + int(ys))
        if not _valid_day(y, mo, d) or (m["sep"] == "." and len(ys) == 2):
            continue
        out.append(_Cand(m.start(), m.end(), "point", _iso(y, mo, d), _iso(y, mo, d), explicit=True))
    return out


def _season_range(v: _Vocab, name: str, y: int) -> tuple[str, str]:
    a, b = v.seasons[name]
    return (_iso(y, a), _iso(y + 1 if b < a else y, b))


def _season_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.season.finditer(t):
        name = fold_word(m["s"])
        s, e = m.start(), m.end()
        left = t[max(0, s - 30):s]
        if m["y"]:
            y = int(m["y"])
            if m["y2"]:
                y2 = int(m["y2"]) if len(m["y2"]) == 4 else y // 100 * 100 + int(m["y2"])
                if y2 != y + 1:
                    e = m.end("y")
            start, end = _season_range(v, name, y)
            if m["rel"]:
                e = m.end("y")
            out.append(_Cand(s, e, "season", start, end, explicit=True))
            continue
        if v.season_habitual.search(left) or not (v.season_ok.search(left) or m["rel"]):
            continue
        shift = 0
        if m["rel"]:
            shift = -1 if fold_word(m["rel"]) in v.season_last else 1
            if left.endswith("l'"):
                s -= 2                 # "l'été dernier"

        def resolve(y: int, name=name, shift=shift) -> tuple[str, str]:
            return _season_range(v, name, y + shift)

        cand = _Cand(s, e, "season", resolve=resolve, month=v.seasons[name][0] if not shift else None)
        if v.season_this.search(left):
            cand.s = v.season_this.search(left).start() + max(0, s - 30)
            cand.extendable = False
        out.append(cand)
    return out


def _decade_candidates(v: _Vocab, t: str) -> list[_Cand]:
    out = []
    for m in v.decade.finditer(t):
        n = m["n"]
        if n[0].isdigit():
            y = int(n) if len(n) == 4 else 1900 + int(n)
        else:
            y = 1900 + v.decade_words[fold_word(n)]
        out.append(_Cand(m.start(), m.end(), "decade", _iso(y), _iso(y + 9), explicit=True))
    return out


def _shift(doc: Parts, unit: str, offset: int) -> tuple[str, str] | None:
    """The period `offset` units away from the document's date, at the precision it allows."""
    y, m, d = doc
    if unit == "year":
        return _iso(y + offset), _iso(y + offset)
    if unit == "month":
        if m is None:
            return (_iso(y), _iso(y)) if offset == 0 else None
        yy, mm = divmod(y * 12 + m - 1 + offset, 12)
        return _iso(yy, mm + 1), _iso(yy, mm + 1)
    if d is None or m is None:          # weeks and days: the document's own precision
        return _iso(y, m), _iso(y, m)
    base = dt.date(y, m, d)
    if unit == "week":
        day = base + dt.timedelta(days=7 * offset)
        monday = day - dt.timedelta(days=day.weekday())
        return monday.isoformat(), (monday + dt.timedelta(days=6)).isoformat()
    day = base + dt.timedelta(days=offset)
    return day.isoformat(), day.isoformat()


def _relative_candidates(v: _Vocab, t: str, doc: Parts | None) -> list[_Cand]:
    if doc is None:
        return []
    out = []
    for m in v.relative_re.finditer(t):
        unit, offset = v.relative[" ".join(m.group().split())]
        period = _shift(doc, unit, offset)
        if period:
            out.append(_Cand(m.start(), m.end(), "relative", *period, extendable=False))
    for m in v.numbered.finditer(t):
        n = int(m["n"]) if m["n"].isdigit() else v.numbers[fold_word(m["n"])]
        unit = v.units[fold_word(m["u"])]
        cue = " ".join(m["cue"].split())
        if cue in v.since_numbered:
            period = _shift(doc, unit, -n)
            if period:
                out.append(_Cand(m.start(), m.end(), "since", period[0], None, open_end=True,
                                 extendable=False))
            continue
        period = _shift(doc, unit, n * v.relative_numbered[cue])
        if period:
            out.append(_Cand(m.start(), m.end(), "relative", *period, extendable=False))
    y, mo, d = doc
    for m in v.weekday_alone.finditer(t):
        s, e = m.start(), m.end()
        if re.match(r"\s*,?\s*\d", t[e:e + 4]):
            continue                   # "lundi 18": a dated weekday, handled with its date
        left = t[max(0, s - 30):s]
        this = v.weekday_this.search(left)
        if not this and v.weekday_habitual.search(left):
            continue
        if this:
            s = max(0, s - 30) + this.start()
        if d is None or mo is None:
            period = (_iso(y, mo), _iso(y, mo))
        else:
            base = dt.date(y, mo, d)
            wd = v.weekdays[fold_word(m["w"])]
            back = (base.weekday() - wd) % 7
            rel = m["rel"] and fold_word(m["rel"])
            if rel in v.weekday_next:
                day = base + dt.timedelta(days=(wd - base.weekday()) % 7 or 7)
            elif this and back > 3:
                day = base + dt.timedelta(days=7 - back)
            elif rel in v.weekday_last:
                day = base - dt.timedelta(days=back or 7)
            else:
                day = base - dt.timedelta(days=back)
            period = (day.isoformat(), day.isoformat())
        out.append(_Cand(s, e, "relative", *period, extendable=False))
    return out


# --------------------------------------------------------------------------------------------
# Putting it together


def _prefix_hit(v: _Vocab, t: str, s: int) -> int:
    """Where the qualifier/frame words before position `s` begin ("à la fin de ce mois de")."""
    m = v.prefix.search(t, max(0, s - 60), s)
    if m and m.start() < s:
        return m.start()
    return s


def _only(resolve: Resolver, keep_start: bool) -> Resolver:
    """A resolver that keeps only the start (for "depuis") or only the end (for "jusqu'au")."""
    def inner(year: int) -> tuple[str | None, str | None] | None:
        period = resolve(year)
        if not period:
            return None
        return (period[0], None) if keep_start else (None, period[1])
    return inner


def _extend(v: _Vocab, t: str, light: str, c: _Cand) -> None:
    """Take in qualifiers before a date ("début", "mi-", "au début des") and since/until cues."""
    if not c.extendable:
        return
    if c.kind in ("point", "range", "season", "decade"):
        c.s = _prefix_hit(v, t, c.s)
    left_from = max(0, c.s - 40)
    since = v.since.search(light, left_from, c.s)
    if since:
        now = v.to_now.match(t, c.e) if c.kind == "point" else None
        c.s = since.start()
        c.kind, c.end, c.open_end = "since", None, True
        if now:
            c.e = now.end()
        if c.resolve:
            c.resolve = _only(c.resolve, keep_start=True)
        return
    until = v.until.search(light, left_from, c.s)
    if until:
        c.s = until.start()
        c.kind, c.start, c.open_end = "until", None, False
        if c.resolve:
            c.resolve = _only(c.resolve, keep_start=False)
        return
    if c.kind == "point" and v.from_left.search(t, left_from, c.s):
        now = v.to_now.match(t, c.e)
        if now:                        # "de 2006 à nos jours"
            c.s = v.from_left.search(t, left_from, c.s).start()
            c.e = now.end()
            c.kind, c.end, c.open_end = "since", None, True


def _select(cands: list[_Cand]) -> list[_Cand]:
    """Longest mentions first; no two overlap."""
    chosen: list[_Cand] = []
    taken: list[tuple[int, int]] = []
    for c in sorted(cands, key=lambda c: (-(c.e - c.s), c.s, not c.explicit)):
        if any(c.s < b and a < c.e for a, b in taken):
            continue
        chosen.append(c)
        taken.append((c.s, c.e))
    return sorted(chosen, key=lambda c: c.s)


def _sentence_start(t: str, pos: int) -> int:
    line = t.rfind("\n", 0, pos) + 1
    cuts = [m.end() for m in re.finditer(r"[.!?;]\s+", t[line:pos])]
    return line + cuts[-1] if cuts else line


def _year_after(c: _Cand, earlier: _Cand) -> int | None:
    """The year of a yearless date told after `earlier`: the same year, or the next one when
    its month comes soon after the end of `earlier` across new year ("début décembre 2019
    ... mi-février")."""
    p = parse_iso(earlier.end) or parse_iso(earlier.start)
    if not p:
        return None
    if c.month is not None and p[1] is not None and c.month < p[1] \
            and c.month + 12 - p[1] < p[1] - c.month:
        return p[0] + 1
    return p[0]


def _year_near(c: _Cand, later: _Cand) -> int | None:
    p = parse_iso(later.start) or parse_iso(later.end)
    return p[0] if p else None


def _guess_year(text: str, c: _Cand, dated: list[_Cand], doc: Parts | None
                ) -> tuple[int | None, bool]:
    """A year for a yearless date, and whether the text (not `doc`) gave it."""
    sentence = _sentence_start(text, c.s)
    same = [d for d in dated if sentence <= d.s < c.s and d.kind not in ("until",)]
    guesses: list[tuple[int | None, bool]] = []
    if same:
        guesses.append((_year_after(c, same[-1]), True))
    if doc:
        guesses.append((doc[0], False))
    before = [d for d in dated if d.e <= c.s and c.s - d.e < 600]
    if before:
        guesses.append((_year_after(c, before[-1]), True))
    if c.weekday:
        after = [d for d in dated if d.s >= c.e and d.s - c.e < 600]
        if after:
            guesses.append((_year_near(c, after[0]), True))
    found = [(g, from_text) for g, from_text in guesses if g is not None]
    if not found:
        return None, False
    if not c.weekday:
        return found[0]
    wd, mo, day = c.weekday
    for g, _ in found:
        if _weekday_ok(g, mo, day, wd):
            return g, True
    for delta in (1, -1, 2, -2, 3, -3, 4, -4, 5, -5, 6, -6):
        if _weekday_ok(found[0][0] + delta, mo, day, wd):
            return found[0][0] + delta, True
    return found[0]


HISTORICAL_WINDOW = 50   # characters before a bare year where a founding or anniversary word makes it historical


def _historical(v: _Vocab, t: str, c: _Cand) -> bool:
    """A bare year given as a relation's founding or an anniversary's object (« un jumelage
    remontant à 1960 », « le 70e anniversaire du vote de 1950 »), or as the start of a relation
    (« jumelée avec Rugby depuis 1979 »), in the same sentence: history the text recalls, not the
    time of what it tells."""
    if not c.explicit or not c.start or len(c.start) != 4:
        return False
    sentence = _sentence_start(t, c.s)
    if c.kind == "since":     # « jumelée avec Rugby depuis 1979 »: the age of a relation
        return v.relation_since.search(t, sentence, c.s) is not None
    if c.end and c.end != c.start:
        return False
    return v.historical.search(t, max(sentence, c.s - HISTORICAL_WINDOW), c.s) is not None


def _scan(text: str, doc_date: str | None, lang: str = "fr") -> list[tuple[DateMention, str]]:
    """Every date mention with where its year comes from: "written" in it, "text" (a nearby
    date, a weekday), "doc" (`doc_date`, relative expressions included)."""
    v = _vocab(lang)
    t = fold_same_length(text)
    light = fold_same_length(text, keep_accents=True)
    doc = parse_iso(doc_date)
    cands: list[_Cand] = []
    for finder in (_day_candidates, _month_candidates, _year_range_candidates, _year_candidates,
                   _iso_candidates, _season_candidates, _decade_candidates):
        cands.extend(finder(v, t))
    cands.extend(_relative_candidates(v, t, doc))
    for c in cands:
        _extend(v, t, light, c)
    chosen = _select(cands)
    # a yearless date takes its year from a date told near it, never from a historical year
    dated = [c for c in chosen if c.explicit and not _historical(v, t, c)]
    out: list[tuple[DateMention, str]] = []
    for c in chosen:
        source = "written" if c.explicit else "doc"
        if c.resolve is not None:
            year, from_text = _guess_year(t, c, dated, doc)
            source = "text" if from_text else "doc"
            period = c.resolve(year) if year is not None else None
            if not period:
                continue
            c.start, c.end = period
        if c.kind == "since":
            c.end = None
        if c.kind == "until":
            c.start = None
        out.append((DateMention(c.s, c.e, text[c.s:c.e], c.start, c.end, c.kind, c.open_end), source))
    return out


@lru_cache(maxsize=4096)
def find_dates(text: str, doc_date: str | None = None) -> list[DateMention]:
    """The dates, periods and seasons that `text` mentions, in order, never overlapping.

    `doc_date` (ISO partial) gives the year of dates written without one and resolves relative
    expressions ("l'an dernier", "la semaine dernière", "lundi"); without it those are skipped
    unless a nearby date gives the year.
    """
    return [m for m, _ in _scan(text, doc_date)]


# --------------------------------------------------------------------------------------------
# The document's own date


def _head_end(text: str, v: _Vocab) -> int:
    count, pos = 0, 0
    for line in text.splitlines(keepends=True):
        pos += len(line)
        if line.strip():
            count += 1
        if count >= v.head_lines:
            break
    return min(pos, v.head_chars)


def document_date(text: str, metadata_date: str | None = None) -> str | None:
    """The document's own date (ISO partial): `metadata_date` when given and valid, else a date
    its first lines state ("Publié le 15 mai 2020", "05 juillet 2022 - 10:39", "date 2022-03"),
    else the most recent date the text gives with a year (a historical year, « un jumelage
    remontant à 1960 », and a date borrowing its year from one, left out), else None."""
    if metadata_date:
        parsed = parse_iso(metadata_date)
        if parsed:
            return _iso(*parsed)
        found = [m for m in find_dates(metadata_date) if m.start and m.kind == "point"]
        if found:
            return found[0].start
    v = _vocab()
    scanned = _scan(text, None)
    folded = fold_same_length(text)
    stated = _head_date(text, v, scanned, folded)
    if stated:
        return stated
    latest_year = dt.date.today().year + 1
    best: str | None = None
    for m, source in scanned:
        if source == "doc" or m.kind in ("until", "relative"):
            continue
        if len(m.start or "") == 4 and _historical(v, folded, _Cand(m.start_char, m.end_char, m.kind, m.start,
                                                                     m.end, explicit=True)):
            continue
        value = m.start
        p = parse_iso(value)
        if not p or p[0] > latest_year:
            continue
        if best is None or value > best:  # type: ignore[operator]
            best = value
    return best


HEAD_MARGIN = 200   # characters read past the head, so a date that starts in it is read whole


@lru_cache(maxsize=64)
def stated_date(text: str) -> str | None:
    """The date the page's first lines state (a publication line, « 05 juillet 2022 - 10:39 »,
    a stored page's « date 2022-03 » marker), or None: unlike `document_date`, never a date
    guessed from the body. Only the head is read (a long text's pieces ask it too)."""
    v = _vocab()
    head = text[:_head_end(text, v) + HEAD_MARGIN]
    return _head_date(head, v, _scan(head, None), fold_same_length(head))


# what ends a dateline that runs into the article (« Figeac, 15 novembre 2023. En 2023, … »,
# « Brest, 3 mai 2021 — Le maire … »): a full stop or a dash, then the text
DATELINE_END = re.compile(r"[ \t]*(?:\.|[—–]|\s-)\s")
# a date closing a head line after a separator (« Journal municipal de Saint-Avold — avril 2024 »,
# « Actualités | 12 mai 2023 »): the or page's date
HEAD_SEPARATOR = re.compile(r"\s[—–|•-]\s*\Z")


def _ends_dateline(text: str, pos: int) -> bool:
    """Whether the date ending at `pos` closes its dateline's sentence (`DATELINE_END`)."""
    return DATELINE_END.match(text, pos) is not None


def _ends_line(text: str, pos: int) -> bool:
    """Whether only punctuation follows `pos` on its line."""
    end = text.find("\n", pos)
    return not text[pos:end if end >= 0 else len(text)].strip(" \t.,;:")


def _head_date(text: str, v: _Vocab, scanned: list, folded: str) -> str | None:
    head = _head_end(text, v)
    for m, source in scanned:
        if m.start_char >= head or source != "written" or m.kind != "point" or not m.start:
            continue
        line_start = text.rfind("\n", 0, m.start_char) + 1
        if v.doc_cue.search(folded, max(line_start, m.start_char - 60), m.start_char) \
                or v.doc_line_cue.match(folded, line_start, m.start_char) \
                or (v.dateline.match(folded, line_start, m.start_char)
                    and (_ends_line(text, m.end_char) or (len(m.start) >= 7 and _ends_dateline(text, m.end_char)))) \
                or (len(m.start) >= 7 and _ends_line(text, m.end_char)
                    and HEAD_SEPARATOR.search(text, line_start, m.start_char)):
            return m.start
    for m, source in scanned:
        if m.start_char >= head or source != "written" or m.kind != "point" or not m.start:
            continue
        line_start = text.rfind("\n", 0, m.start_char) + 1
        line_end = text.find("\n", m.end_char)
        line = text[line_start:line_end if line_end >= 0 else len(text)]
        line = re.sub(r"\b\d{1,2}[:h]\d{2}\b", "", line)
        line = v.byline.sub("", fold_same_length(line))      # « … par Yasmine Kichou »
        total = sum(ch.isalnum() for ch in line)
        own = sum(ch.isalnum() for ch in m.text)
        if total and own / total >= 0.6:
            return m.start
    return None


# --------------------------------------------------------------------------------------------
# Status of a period as of the document's date


def period_status(start: str | None, end: str | None, doc_date: str | None,
                  open_end: bool = False, tense_hint: str | None = None) -> str:
    """"done", "ongoing" or "planned": where the period stands as of `doc_date`.

    A period that ended before the document's date is done, one that starts after it is
    planned, an open-ended one ("depuis 2016") that has started is ongoing. When the dates
    cannot tell (no date, or the same month or year as the document), `tense_hint`
    ("past", "present", "future") decides; without it the default is "done".
    """
    hint = {"past": "done", "present": "ongoing", "future": "planned"}.get(tense_hint or "")
    doc, start, end = _normal(doc_date), _normal(start), _normal(end)
    if doc is None or (start is None and end is None):
        if open_end and tense_hint != "future":
            return "ongoing"
        return hint or "done"
    s_rel = _cmp(start, doc) if start else None
    e_rel = _cmp(end, doc) if end else None
    if e_rel is not None and e_rel < 0 and not open_end:
        return "done"
    if s_rel is not None and s_rel > 0:
        return "planned"
    if open_end:
        return "planned" if s_rel == 0 and tense_hint == "future" else "ongoing"
    # the period reaches the document's date
    if (s_rel is None or s_rel == 0) and (e_rel is None or e_rel == 0):
        # a single occasion told without a verb in the document's own year or month (« Signature
        # du renouvellement du serment en 2015 ») is reported, so done; a period is still running
        return hint or ("done" if start and end and start == end else "ongoing")
    if e_rel == 0:                      # began before, ends in the document's month or year
        return "done" if tense_hint == "past" else "ongoing"
    if s_rel == 0:                      # begins now, ends later
        return "planned" if tense_hint == "future" else "ongoing"
    return "ongoing"
