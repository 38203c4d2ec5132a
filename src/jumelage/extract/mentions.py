"""Place and country mentions in a document, resolved to GeoNames through the gazetteer.

Candidates come from spaCy's location entities and from the gazetteer's own scan of capitalised
names (spaCy misses many small towns, and upper-case headings such as "KAUNAS"). Each candidate is
resolved with the countries named around it ("Friedberg (Allemagne)", "sa jumelle allemande"), so
that homonyms are told apart. A mention preceded by a distance or a direction ("à 70 km de
Berlin") is kept but marked as not an actor.
"""
from __future__ import annotations

import re
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from jumelage.extract import cues
from jumelage.extract.layout import Layout
from jumelage.extract.lexicon import fold_same_length
from jumelage.gazetteer import country_code, get_gazetteer

PREFIX = re.compile(
    r"^(?:(?:la|le|les|l['’])\s*)?(?:ville|commune|municipalit[ée]|communaut[ée] de communes|mairie|cit[ée]|"
    r"camps?(?: de r[ée]fugi[ée]s)?)"
    r"(?:\s+\w+)?\s+(?:de\s+|d['’])",
    re.IGNORECASE,
)
INSTITUTION_HEAD = re.compile(
    r"^(?:h[ôo]pital|institut|universit[ée]|lyc[ée]e|coll[èe]ge|[ée]cole|mus[ée]e|th[ée][âa]tre|conservatoire|"
    r"association|comit[ée]|office|centre|orchestre|club|stade|gare|a[ée]roport|port|place|rue|avenue|banque|"
    r"fondation|fonds|service|m[ée]diath[èe]que|biblioth[èe]que|[ée]glise|cath[ée]drale|palais|salle|h[ôo]tel)\b",
    re.IGNORECASE,
)
UNRESOLVED_CUE = re.compile(
    r"(?:commune(?:\s+rurale)?|camps?(?:\s+de\s+r[ée]fugi[ée]s)?|municipalit[ée]|ville|district|r[ée]gion|"
    r"province|communaut[ée] de communes)\s+(?:de\s+|d['’])$",
    re.IGNORECASE,
)
INSIDE_CUE = re.compile(r"(?:village|quartier|hameau|lieu-dit|centre)s?(?:\s+\w+)?\s+(?:de\s+|d['’])$", re.IGNORECASE)
ENTITY_BREAK = re.compile(r"\s+[-–—]\s*|\s*[–—]\s+|\s*\n\s*")


@dataclass
class CountryMention:
    start: int
    end: int
    code: str


@dataclass
class Mention:
    """One mention of a place in the text."""

    start: int
    end: int
    text: str
    key: str                      # identity of the place within the document
    name: str                     # name as written (cleaned of "la ville de")
    country: str | None
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    kind: str = "city"
    actor: bool = True            # False: only mentioned (a distance from Berlin)


@lru_cache(maxsize=65536)
def _country_code(name: str) -> str | None:
    """`gazetteer.country_code`, cached: it is asked about every word of the text."""
    return country_code(name)


def find_countries(text: str, doc) -> list[CountryMention]:
    """Country names and adjectives ("Allemagne", "allemande") with their offsets."""
    out: list[CountryMention] = []
    for tok in doc:
        if not tok.is_alpha or len(tok.text) < 3:
            continue
        code = _country_code(tok.text)
        if code:
            out.append(CountryMention(tok.idx, tok.idx + len(tok.text), code))
    # multi-word country names ("Burkina Faso", "Royaume-Uni", "États-Unis", "Sahara occidental")
    for ent in doc.ents:
        if ent.label_ in ("LOC", "GPE") and " " in ent.text:
            code = _country_code(ent.text)
            if code:
                out.append(CountryMention(ent.start_char, ent.end_char, code))
    return sorted(out, key=lambda c: c.start)


def _candidates(text: str, doc) -> list[tuple[int, int, bool]]:
    """(start, end, from_ner) spans that may name a place, longest first where they overlap."""
    spans: list[tuple[int, int, bool]] = []
    for ent in doc.ents:
        if ent.label_ in ("LOC", "GPE"):
            # "Pléneuf Val-andré –Florstad": two places joined by a dash are two mentions
            cut = ent.start_char
            for m in ENTITY_BREAK.finditer(text, ent.start_char, ent.end_char):
                spans.append((cut, m.start(), True))
                cut = m.end()
            spans.append((cut, ent.end_char, True))
    gz = get_gazetteer()
    for start, end, _name in gz.find_candidates(text):
        spans.append((start, end, False))
    spans.sort(key=lambda s: (s[0], -(s[1] - s[0])))
    out: list[tuple[int, int, bool]] = []
    for s in spans:
        if out and s[0] < out[-1][1]:
            prev = out[-1]
            if s[1] - s[0] > prev[1] - prev[0]:
                out[-1] = (s[0], s[1], s[2] or prev[2])
            elif s[2] and not prev[2] and (s[0], s[1]) == (prev[0], prev[1]):
                out[-1] = (prev[0], prev[1], True)
            continue
        out.append(s)
    return out


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip "la ville de", articles and trailing punctuation from a candidate span."""
    chunk = text[start:end]
    m = PREFIX.match(chunk)
    if m and m.end() < len(chunk):
        start += m.end()
    chunk = text[start:end]
    if "<" in chunk:                      # "<p>Lampedusa</p>": markup left in a table cell
        end = start + chunk.index("<")
        chunk = text[start:end]
    while chunk and chunk[-1] in " .,;:»)’'":
        end -= 1
        chunk = chunk[:-1]
    while chunk and chunk[0] in " «(\"":
        start += 1
        chunk = chunk[1:]
    return start, end


def _nearby_countries(countries: list[CountryMention], layout: Layout, start: int) -> list[str]:
    block = layout.block_at(start)
    lo, hi = (block.start, block.end) if block else (start - 200, start + 200)
    lo, hi = min(lo, start - 120), max(hi, start + 160)
    near = sorted(
        (c for c in countries if lo <= c.start <= hi),
        key=lambda c: abs(c.start - start),
    )
    return list(dict.fromkeys(c.code for c in near))


def _opens_table_row(text: str, start: int) -> bool:
    """"Xian Qi Shi, Directeur…<TAB>…": a table row opens with its city, whoever follows."""
    line_start = text.rfind("\n", 0, start) + 1
    line_end = text.find("\n", start)
    return not text[line_start:start].strip() and "\t" in text[start:line_end if line_end >= 0 else len(text)]


def _in_person(start: int, end: int, text: str, persons: list[tuple[int, int]]) -> bool:
    """A candidate inside a person's name ("Aboubacar Hema", "M. Rouy"), not "Bourgmestre de
    Friedberg", nor a whole place name the parser took for a person ("Beit Sahour")."""
    for s, e in persons:
        if s <= start and end <= e:
            inner = text[s:start]
            if re.search(r"\b(?:de|d['’]|du)\s*$", inner):
                return False
            if (s, e) == (start, end) and " " in text[s:e]:
                match = get_gazetteer().resolve(text[s:e], fuzzy=False)
                if match is not None and match.exact and match.score >= 0.8:
                    return False
            return len(text[s:e].split()) >= 2
    return False


CAPITALISED = re.compile(r"[A-ZÀ-Ý][\w’'-]*")
LOWER_ARTICLE = re.compile(r"(?:^|[\s(])(?:la|le|les|du|des)\s+$")
LONGER_NAME = re.compile(r"^[ \t]+(?:(?:du|de|des|von|van|der)[ \t]+)?[A-ZÀ-Ý]")


def _glued_to_names(text: str, start: int, end: int) -> bool:
    """A gazetteer hit inside a longer proper name ("Han Liming", "« Mehr Licht »", "Beaumont du
    Ventoux"), unless it opens its line (a table row "Bogotá Luz Maria Minda" starts with the city)."""
    line_start = text.rfind("\n", 0, start) + 1
    before = text[line_start:start]
    if LONGER_NAME.match(text[end:end + 30]) and before.strip():
        return True
    if text[end:end + 2] in ("’s", "'s"):
        return True
    words_before = before.split()
    if words_before and CAPITALISED.fullmatch(words_before[-1].strip("«»\"(")) and not \
            re.search(r"[.!?:;»]\s*$", before) and len(words_before) > 1:
        return True
    return False


def _after_common_noun(doc, start: int) -> bool:
    """"une armée Toon", "le projet Mehr": a name right after a common noun names no place."""
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None or tok.start == 0:
        return False
    prev = doc[tok.start - 1]
    return prev.pos_ == "NOUN" and prev.text.islower() and prev.idx + len(prev.text) + 1 == start


def find_places(layout: Layout, doc, persons: list[tuple[int, int]],
                organisations: list[tuple[int, int]] = ()) -> tuple[list[Mention], list[CountryMention]]:
    """Resolve every place mention of the document."""
    text = layout.text
    folded = fold_same_length(text)
    gz = get_gazetteer()
    countries = find_countries(text, doc)
    country_spans = [(c.start, c.end) for c in countries]
    doc_countries = [c.code for c in countries]
    mentions: list[Mention] = []
    unresolved: dict[str, Mention] = {}
    accepted: list[tuple[int, int, str, bool, list[str]]] = []
    for start, end, from_ner in _candidates(layout.view, doc):
        start, end = _clean(text, start, end)
        if end <= start:
            continue
        name = text[start:end]
        if len(name) < 3 or not name[0].isupper():
            continue
        if _in_person(start, end, text, persons) and not _opens_table_row(text, start):
            continue
        if any(s <= start and end <= e for s, e in country_spans) or _country_code(name):
            continue
        if INSTITUTION_HEAD.match(name) or INSIDE_CUE.search(text[max(0, start - 30):start]):
            continue
        if LOWER_ARTICLE.search(text[max(0, start - 6):start]):
            continue
        if not from_ner and not name.isupper() and _glued_to_names(text, start, end):
            continue
        if _after_common_noun(doc, start):
            continue
        accepted.append((start, end, name, from_ner, _nearby_countries(countries, layout, start)))
    # one resolution per name and document, with every country named near any of its mentions
    near_by_name: dict[str, list[str]] = defaultdict(list)
    for _, _, name, _, near in accepted:
        near_by_name[fold_same_length(name)].extend(near)
    resolved: dict[str, object] = {}
    for key, near in near_by_name.items():
        codes = [c for c, _ in Counter(near).most_common()] or doc_countries[:3]
        example = next(a[2] for a in accepted if fold_same_length(a[2]) == key)
        resolved[key] = gz.resolve(example, countries=codes, prefer_country="FR")
    for start, end, name, from_ner, near in accepted:
        match = resolved[fold_same_length(name)]
        before = folded[max(0, start - 60):start]
        if match is not None and match.kind == "region" and not re.search(
                r"r[ée]gion\s+(?:de\s+|d['’])?$", text[max(0, start - 20):start]):
            match = None
            if not from_ner:
                continue
        if match is None and not (near and from_ner and UNRESOLVED_CUE.search(text[max(0, start - 40):start])):
            continue
        if match is not None:
            key = f"g:{match.geonames_id}" if match.geonames_id else f"n:{fold_same_length(match.name)}|{match.country}"
            mention = Mention(
                start, end, name, key, name, match.country, match.geonames_id,
                match.lat, match.lon, match.population, match.kind or "city",
            )
        else:
            cc = near[0] if near else None
            kind = "camp" if re.search(r"camps?", text[max(0, start - 40):start], re.I) else "city"
            mention = Mention(start, end, name, f"n:{fold_same_length(name)}|{cc}", name, cc, kind=kind)
            unresolved.setdefault(fold_same_length(name), mention)
        mention.actor = not cues.not_actor_before().search(before) and not any(
            s < start and end <= e for s, e in organisations)
        mentions.append(mention)
    mentions.extend(_repeat_unresolved(text, folded, unresolved, mentions))
    mentions.extend(_dash_partners(text, mentions, doc_countries))
    mentions.sort(key=lambda m: m.start)
    return mentions, countries


DASH_NAME = re.compile(r"\s*[-–—]\s*([A-ZÀ-Ý][\w’'-]+(?:[ -][A-ZÀ-Ý][\w’'-]+)?)")


def _dash_partners(text: str, found: list[Mention], countries: list[str]) -> list[Mention]:
    """The other half of a dash-joined pair ("Pléneuf Val-André –Florstad"), even misspelt."""
    gz = get_gazetteer()
    taken = [(m.start, m.end) for m in found]
    out = []
    for m in found:
        if m.country != "FR":
            continue
        d = DASH_NAME.match(text, m.end)
        if not d or "\n" in text[m.end:d.start(1)]:
            continue
        s, e = d.start(1), d.end(1)
        if any(a < e and s < b for a, b in taken):
            continue
        match = gz.resolve(text[s:e], countries=[c for c in countries if c != "FR"][:3])
        if match is None or match.country == "FR" or not match.geonames_id:
            continue
        out.append(Mention(s, e, text[s:e], f"g:{match.geonames_id}", text[s:e], match.country,
                           match.geonames_id, match.lat, match.lon, match.population, match.kind or "city"))
        taken.append((s, e))
    return out


def _repeat_unresolved(text: str, folded: str, unresolved: dict[str, Mention], found: list[Mention]) -> list[Mention]:
    """Other occurrences of a place GeoNames lacks ("Dianguirdé" once named "la commune de Dianguirdé")."""
    taken = [(m.start, m.end) for m in found]
    out = []
    for name, first in unresolved.items():
        for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", folded):
            s, e = m.start(), m.end()
            if any(a < e and s < b for a, b in taken) or not text[s].isupper():
                continue
            out.append(Mention(s, e, text[s:e], first.key, text[s:e], first.country, kind=first.kind))
            taken.append((s, e))
    return out
