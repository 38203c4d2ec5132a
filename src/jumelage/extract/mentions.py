"""Place and country mentions in a document, resolved to GeoNames through the gazetteer.

Candidates come from spaCy's location entities and from the gazetteer's own scan of capitalised
names (spaCy misses many small towns, and upper-case headings such as "KAUNAS"). Each candidate is
resolved with the countries named around it ("Friedberg (Allemagne)", "sa jumelle allemande"), so
that homonyms are told apart. A mention preceded by a distance or a direction ("à 70 km de
Berlin") is kept but marked as not an actor.
"""
from __future__ import annotations

import re
from bisect import bisect_left
from collections import Counter, defaultdict
from dataclasses import dataclass
from functools import lru_cache

from jumelage.extract import cues
from jumelage.extract.layout import Layout
from jumelage.extract.lexicon import fold_same_length, load_json
from jumelage.gazetteer import country_code, get_gazetteer
from jumelage.gazetteer.french import contracted_article
from jumelage.names import name_key

# the French words around a name: data/fr/mentions.json
_WORDS = load_json("mentions.json")


def _pattern(name: str) -> re.Pattern[str]:
    flags = re.IGNORECASE if name in _WORDS["ignorecase"] else 0
    return re.compile(_WORDS["patterns"][name], flags)


PREFIX = _pattern("prefix")                      # « la ville de », « la commune rurale de »
INSTITUTION_HEAD = _pattern("institution_head")  # « l'hôpital de X » names no actor place
UNRESOLVED_CUE = _pattern("unresolved_cue")      # a place GeoNames lacks, named as such
INSIDE_CUE = _pattern("inside_cue")              # « le quartier de X »: inside a place
PERSON_PARTICLE = _pattern("person_particle")    # « Henri de … »
PARTICLE_END = _pattern("particle_end")
CAMP_BEFORE = _pattern("camp_before")
FRENCH_UNIT_WORD = _pattern("french_unit_word")
GATHERING_VENUE_BEFORE = _pattern("gathering_venue_before")   # « signée à », « réunis au »
HOSTED_GATHERING_AFTER = _pattern("hosted_gathering_after")   # « … lors du sommet des maires »
TOWN_PREPOSITION_BEFORE = _pattern("town_preposition_before")  # « une aide à X », « avec X »
COMPARISON_BEFORE, COMPARISON_AFTER = _pattern("comparison_before"), _pattern("comparison_after")
COMPARED_BEFORE = _pattern("compared_before")                  # « comme Neuilly pour Paris »
RIVER_QUALIFIER = _pattern("river_qualifier")                  # « Lauenburg/Elbe »
ENTITY_BREAK = re.compile(r"\s+[-–—]\s*|\s*[–—]\s+|\s*\n\s*")


def unresolved_key(name: str, country: str | None) -> str:
    """The key of a place no gazetteer id names: the one name key (`jumelage.names.name_key`,
    so « Łukovac » and « Lukovac » are one place) and the country the text gives it (None when
    it gives none): `"n:lukovac|HR"`."""
    return f"n:{name_key(name)}|{country}"


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


def _candidates(text: str, doc, abroad: set[tuple[int, int]] = frozenset()) -> list[tuple[int, int, bool]]:
    """(start, end, from_ner) spans that may name a place, longest first where they overlap;
    `abroad`: the spans of `_placed_abroad`, candidates whatever the parser's label."""
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
    spans.extend((s, e, True) for s, e in abroad)
    found = gz.find_candidates(text)
    for start, end, _name in found:
        spans.append((start, end, False))
    paired = hyphen_pairs(text, found)
    # "le jumelage Rimouski-Calgary": an entity made of two places joined by a hyphen is two
    spans = [s for s in spans if not (s[2] and any(s[0] <= a < b <= s[1] and (a, b) != (s[0], s[1])
                                                   for a, b in paired))]
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


def hyphen_pairs(text: str, found: list[tuple[int, int, str]]) -> set[tuple[int, int]]:
    """Spans of gazetteer names joined to another by a bare hyphen ("le jumelage Québec-Namur"),
    unless the pair is a name of its own (Saint-Priest-en-Jarez, "le district d'Amberg-Sulzbach")
    or sits inside a longer proper name ("le CAE Rumilly-Alby Développement")."""
    gz = get_gazetteer()
    out = set()
    for (s1, e1, _), (s2, e2, _) in zip(found, found[1:]):
        if text[e1:s2] in ("-", "‐", "‑") and not gz.is_place_name(text[s1:e2]) \
                and all(_clear_town(gz, text[a:b]) for a, b in ((s1, e1), (s2, e2))) \
                and not _glued_to_names(text, s1, e2) \
                and gz.kind_before(text, s1) not in ("region", "district"):   # "district d'Amberg-Sulzbach"
            out |= {(s1, e1), (s2, e2)}
    return out


def _given_anywhere(text: str, name: str) -> str | None:
    """The country the text writes right after any occurrence of `name` ("Kobonkoro (Sénégal)")."""
    gz = get_gazetteer()
    for m in re.finditer(rf"(?<![\w-]){re.escape(name)}(?![\w-])", text):
        code = gz.country_after(text, m.end())
        if code:
            return code
    return None


def _clear_town(gz, name: str) -> bool:
    """A town's own name, of some size: "Calgary", "Namur" - not the halves of a village's
    hyphenated name that happen to name hamlets elsewhere ("Tanout-Béri")."""
    match = gz.resolve(name, fuzzy=False)
    return match is not None and match.exact and match.score >= 0.3 and match.population >= 5000


def _clean(text: str, start: int, end: int) -> tuple[int, int]:
    """Strip "la ville de", articles and trailing punctuation from a candidate span."""
    chunk = text[start:end]
    m = PREFIX.match(chunk)
    if m and m.end() < len(chunk):
        start += m.end()
    chunk = text[start:end]
    if chunk[:1].islower():               # "district de Vatomandry": the kind word is not the name
        start += get_gazetteer().prefix_end(chunk)
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


def _placed_abroad(text: str, doc) -> list[tuple[int, int]]:
    """Names the parser did not take for places that the text introduces as a town and places in a
    country right after (« jumelée avec Ngoundiane Kébé (Sénégal) », « la commune de Koumbal,
    au Niger »): a village no gazetteer holds, often read as a person's name. Spans (start, end)
    of the entities (any label but places') so introduced: a preposition that introduces towns,
    a partnership word or a kind of territory (« la commune de ») just before, a country given
    right after."""
    gz = get_gazetteer()
    out = []
    for ent in doc.ents:
        if ent.label_ in ("LOC", "GPE") or not ent.text[:1].isupper() or len(ent.text.split()) > 4:
            continue
        before = fold_same_length(text[max(0, ent.start_char - 40):ent.start_char])
        if not (TOWN_PREPOSITION_BEFORE.search(before[-12:]) or cues.kinds_in(before[-25:])
                or UNRESOLVED_CUE.search(before)):
            continue
        if gz.country_after(text, ent.end_char) and not _country_code(ent.text):
            out.append((ent.start_char, ent.end_char))
    return out


FIRST_NAME_BEFORE = re.compile(r"(?<![\w'’-])[A-ZÀ-Ý][a-zà-ÿ]+(?:[- ][A-ZÀ-Ý][a-zà-ÿ]+)? $")


def _surname_after_first_name(text: str, start: int, end: int) -> bool:
    """« Zachariou Ario TOURE », « Paul SOUFFRIN »: a name in capitals right after capitalised
    first names is a person's surname, the way French writes « Prénom NOM », not a town."""
    name = text[start:end]
    return name.isupper() and len(name) >= 3 and " " not in name \
        and FIRST_NAME_BEFORE.search(text, max(0, start - 40), start) is not None


def _in_person(start: int, end: int, text: str, persons: list[tuple[int, int]]) -> bool:
    """A candidate inside a person's name ("Aboubacar Hema", "M. Rouy"), not "Bourgmestre de
    Friedberg", nor a whole place name the parser took for a person ("Beit Sahour")."""
    for s, e in persons:
        if s <= start and end <= e:
            inner = text[s:start]
            particle = PERSON_PARTICLE.fullmatch(inner)
            if particle and not cues.search("title_before_de", fold_same_length(particle.group(1))):
                return True          # « Henri de Marsac »: a first name and a particle make a person
            if PARTICLE_END.search(inner):
                return False
            if (s, e) == (start, end) and " " in text[s:e]:
                match = get_gazetteer().resolve(text[s:e], fuzzy=False)
                if match is not None and match.exact and match.score >= 0.8:
                    return False
            return len(text[s:e].split()) >= 2
    return False


# a town's own body speaks for the town (« le comité de jumelage des Herbiers », « la mairie de X »)
TOWN_BODY = _pattern("town_body")
ARTICLE_BEFORE = _pattern("article_before")
CONTRACTED_BEFORE = _pattern("contracted_before")


def _with_article(text: str, start: int, end: int) -> tuple[int, str] | None:
    """A name whose article belongs to it (« Les Herbiers », « la commune des Molières » for Les
    Molières, « le maire du Bourget »): (start, full name) when the name with its article is a
    place the gazetteer knows exactly; None otherwise."""
    cap = ARTICLE_BEFORE.search(text, max(0, start - 5), start)
    if cap is not None:
        full, new_start = cap.group(1) + (" " if not cap.group(1).endswith(("'", "’")) else "") + text[start:end], cap.start(1)
    else:
        low = CONTRACTED_BEFORE.search(text, max(0, start - 40), start)
        if low is None:
            return None
        full, new_start = (contracted_article(low.group(1)) or "Le ") + text[start:end], start
    match = get_gazetteer().resolve(full, fuzzy=False)
    if match is None or not match.exact or match.score < 0.95 or fold_same_length(match.name) != fold_same_length(full).replace("’", "'"):
        return None
    return new_start, full


CAPITALISED = re.compile(r"[A-ZÀ-Ý][\w’'-]*")
LOWER_ARTICLE = _pattern("lower_article")
LONGER_NAME = _pattern("longer_name")


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
    """"une armée Toon", "le projet Mehr": a name right after a common noun names no place. A
    partnership word is no such noun: « le jumelage Hamois – Valgorge » names two towns."""
    tok = doc.char_span(start, start + 1, alignment_mode="expand")
    if tok is None or tok.start == 0:
        return False
    prev = doc[tok.start - 1]
    return prev.pos_ == "NOUN" and prev.text.islower() and prev.idx + len(prev.text) + 1 == start \
        and not cues.kinds_in(fold_same_length(prev.text))


WORD_TAGS = frozenset({"VERB", "AUX", "ADJ", "ADV", "ADP", "PRON", "SCONJ"})


def _read_as_word(doc, start: int, end: int) -> bool:
    """« Lancé en mars 2021, le programme… »: a one-word name only the gazetteer proposes (a small
    commune called Lancé) that the parser reads as a verb, an adjective or another word class that
    names nothing is that word, not the town."""
    span = doc.char_span(start, end, alignment_mode="expand")
    return span is not None and len(span) == 1 and span[0].pos_ in WORD_TAGS


# a region the text places a town in, right after it: « Friedberg (Hesse) », « Friedberg, dans le
# Land de Hesse », « Toledo, dans l'Ohio » (the gazetteer reads it as a hint between homonyms)
REGION_AFTER = _pattern("region_after")


def _region_after(text: str, end: int) -> str | None:
    """The region named right after a town ending at `end` (`REGION_AFTER`), not a country."""
    found = REGION_AFTER.match(text, end)
    region = found and (found.group("a") or found.group("b"))
    return region if region and not _country_code(region) else None


def find_places(layout: Layout, doc, persons: list[tuple[int, int]],
                organisations: list[tuple[int, int]] = (),
                known=None) -> tuple[list[Mention], list[CountryMention]]:
    """Resolve every place mention of the document. `known`: partnerships already known
    (`gazetteer.KnownPartners`), to tell homonyms apart by the document's other places."""
    text = layout.text
    folded = fold_same_length(text)
    gz = get_gazetteer()
    countries = [c for c in find_countries(text, doc)   # "à Québec" is a city, not a country
                 if not gz.city_not_country(text, c.start, c.end)]
    country_spans = [(c.start, c.end) for c in countries]
    doc_countries = [c.code for c in countries]
    mentions: list[Mention] = []
    unresolved: dict[str, Mention] = {}
    accepted: list[tuple[int, int, str, bool, list[str]]] = []
    paired = hyphen_pairs(layout.view, gz.find_candidates(layout.view))
    given_at: set[int] = set()     # starts of names the text gives a country ("Kouré (Niger)")
    inside = _Spans(organisations)
    abroad = set(_placed_abroad(layout.view, doc))
    for start, end, from_ner in _candidates(layout.view, doc, abroad):
        start, end = _clean(text, start, end)
        if end <= start:
            continue
        name = text[start:end]
        if len(name) < 3 or not name[0].isupper():
            continue
        if _qualifies_town(text, folded, start, end) or _unit_head(text, start, end):
            continue
        if (_in_person(start, end, text, persons) and not _opens_table_row(text, start)
                and (start, end) not in abroad) or _surname_after_first_name(text, start, end):
            continue
        if (any(s <= start and end <= e for s, e in country_spans) or _country_code(name)) \
                and not gz.city_not_country(text, start, end):   # "à Québec", not "au Québec"
            continue
        if INSTITUTION_HEAD.match(name) or (INSIDE_CUE.search(text[max(0, start - 30):start])
                                            and not gz.country_after(text, end)):
            continue    # « le village de Natoye » lies in a town; « le village de Tiabédji (Niger) » partners
        with_article = gz.article_form(text, start, end)   # "les Herbiers", "la ville du Mans"
        # « du Finistère »: a department's article is no part of its name
        unit_article = with_article is not None and not gz.article_belongs(with_article)
        with_article = None if unit_article else with_article
        article = None if with_article or unit_article else _with_article(text, start, end)
        if with_article:
            name = with_article
        elif article is not None:
            start, name = article
        elif LOWER_ARTICLE.search(text[max(0, start - 6):start]) and not unit_article:
            continue
        if (start, end) not in paired:   # two places joined by a hyphen are places
            if not from_ner and not name.isupper() and _glued_to_names(text, start, end):
                continue
            if _after_common_noun(doc, start) or (not from_ner and _read_as_word(doc, start, end)):
                continue
        near = _nearby_countries(countries, layout, start)
        given = gz.country_after(text, end)          # "Ndiob (Sénégal)": that one, not the nearest
        if given:
            near = [given] + [c for c in near if c != given]
            given_at.add(start)
        accepted.append((start, end, name, from_ner, near))
    # one resolution per name and document, with every country named near any of its mentions
    near_by_name: dict[str, list[str]] = defaultdict(list)
    hinted: dict[str, str] = {}   # « Friedberg (Hesse) », « Friedberg, dans le Land de Hesse »
    for start, end, name, _, near in accepted:
        near_by_name[fold_same_length(name)].extend(near)
        region = _region_after(text, end)
        if region:
            hinted.setdefault(fold_same_length(name), f"{name} ({region})")
    resolved: dict[str, object] = {}
    for key, near in near_by_name.items():
        codes = [c for c, _ in Counter(near).most_common()] or doc_countries[:3]
        example = next(a[2] for a in accepted if fold_same_length(a[2]) == key)
        resolved[key] = (key in hinted and gz.resolve(hinted[key], countries=codes, prefer_country="FR")) \
            or gz.resolve(example, countries=codes, prefer_country="FR")
    if known is not None:   # second pass: a homonym that is a known partner of another place wins
        ids = {m.geonames_id for m in resolved.values() if m is not None and m.geonames_id}
        for key, near in near_by_name.items():
            codes = [c for c, _ in Counter(near).most_common()] or doc_countries[:3]
            example = next(a[2] for a in accepted if fold_same_length(a[2]) == key)
            first = resolved[key]
            others = ids - {first.geonames_id} if first is not None else ids
            resolved[key] = gz.resolve(example, countries=codes, prefer_country="FR",
                                       partner_of=others, known=known)
    for start, end, name, from_ner, near in accepted:
        match = resolved[fold_same_length(name)]
        before = folded[max(0, start - 60):start]
        said = gz.kind_before(text, start)
        if said in ("region", "district") and (match is None or match.kind == "city"):
            # "la région de Diourbel": the region, not its capital of the same name
            admin = gz.resolve(name, countries=near or doc_countries[:3], kind=said)
            if admin is not None and admin.kind == said:
                match = admin
        if match is not None and match.kind in ("region", "district") and not match.kind_named \
                and gz.kind_before(text, start) not in ("region", "district"):
            match = None
            if not from_ner:
                continue
        if match is None and not (near and from_ner and (
                start in given_at or UNRESOLVED_CUE.search(text[max(0, start - 40):start]))):
            continue
        if match is not None:
            key = f"g:{match.geonames_id}" if match.geonames_id else unresolved_key(match.name, match.country)
            mention = Mention(
                start, end, name, key, name, match.country, match.geonames_id,
                match.lat, match.lon, match.population, match.kind or "city",
            )
        else:
            # the country the text gives the name, wherever; else the nearest country word
            cc = _given_anywhere(text, name) or (near[0] if near else None)
            kind = "camp" if CAMP_BEFORE.search(text[max(0, start - 40):start]) else "city"
            mention = Mention(start, end, name, unresolved_key(name, cc), name, cc, kind=kind)
            unresolved.setdefault(fold_same_length(name), mention)
        mention.actor = not cues.not_actor_before().search(before) and not any(
            s < start and end <= e and not TOWN_BODY.search(folded[s:start])
            for s, e in inside.around(start)) and not hosts_gathering(folded, start, end) \
            and not in_comparison(folded, start, end)
        mentions.append(mention)
    _unsupported_words(mentions, doc, {c.code for c in countries}, folded, text)
    _bracket_qualifiers(mentions, text, folded)
    mentions = _admin_units(text, mentions, countries, layout, unresolved)
    mentions.extend(_repeat_unresolved(text, folded, unresolved, mentions))
    mentions.extend(_dash_partners(text, mentions, doc_countries))
    mentions.sort(key=lambda m: m.start)
    return mentions, countries


def hosts_gathering(folded: str, start: int, end: int) -> bool:
    """Is the place named at [start, end) of the folded text only where a gathering was held
    (« la charte a été signée à Varsovie lors du sommet des maires »)? Such a town hosts; it is
    neither party nor actor (issue 10). A town where a twinning was simply signed stays an actor."""
    return bool(GATHERING_VENUE_BEFORE.search(folded[max(0, start - 60):start])
                and HOSTED_GATHERING_AFTER.search(folded[end:end + 120]))


def _qualifies_town(text: str, folded: str, start: int, end: int) -> bool:
    """« Lauenburg/Elbe », « Halle (Saale) »: a river glued after a town's name by a slash or in
    brackets qualifies the town; it names no place of its own (`river_qualifier`)."""
    glue = text[max(0, start - 2):start]
    glued = (glue.endswith("/") and glue[:1].isalpha()) or glue.endswith("(")
    return glued and RIVER_QUALIFIER.match(folded[start:end]) is not None


def in_comparison(folded: str, start: int, end: int) -> bool:
    """Is the place named at [start, end) of the folded text only in a comparison (« une banlieue
    aisée, comme Neuilly pour Paris »)? Both sides of « comme X pour Y » are no actors."""
    before = folded[max(0, start - 60):start]
    return bool((COMPARISON_BEFORE.search(before) and COMPARISON_AFTER.match(folded[end:end + 60]))
                or COMPARED_BEFORE.search(before))


class _Spans:
    """Spans (start, end) sorted once, so that those that may hold a position are found by
    bisection rather than by reading them all (a long text names hundreds of organisations)."""

    def __init__(self, spans) -> None:
        self.spans = sorted(spans)
        self.starts = [s for s, _ in self.spans]
        self.longest = max((e - s for s, e in self.spans), default=0)

    def around(self, pos: int) -> list[tuple[int, int]]:
        """The spans starting before `pos` and long enough to reach it, in order of start."""
        return self.spans[bisect_left(self.starts, pos - self.longest):bisect_left(self.starts, pos)]


UNSUPPORTED_POPULATION = 100_000


def _unsupported_words(mentions: list[Mention], doc, named: set[str], folded: str, text: str) -> None:
    """A word that only happens to name a small town abroad (« l'Atlas de la coopération », « le
    théâtre Chopin », « M. Salmon », « MIM 2000 ») is no actor: named once, in a country the
    document never names, under 100,000 inhabitants, not a location for the parser, not right
    after a partnership word (« jumelée avec Beit Sahour » names a town) or a partner's contact
    (« ses amis de Friedberg », « une délégation de Lahr ») nor followed closely by
    one (« pour Merzig, sa ville jumelle », « Newton Abbot et Ploërmel sont jumelées »), and not
    introduced by a preposition that introduces towns (« une aide à Taunusstein »). The last two
    rescues hold only for a name that is no lower-case word too (`_common_word`) and not alone in
    brackets: on the 43 gold documents they rescued « Erasmus », « Cité » and « Atlas » and cost
    0.006–0.012 of LODO before that check, nothing after it."""
    loc = [(e.start_char, e.end_char) for e in doc.ents if e.label_ in ("LOC", "GPE")]
    count = Counter(m.key for m in mentions if m.actor)
    for m in mentions:
        if not m.actor or count[m.key] != 1 or m.country in named or m.country in (None, "FR"):
            continue
        if m.kind != "city" or (m.population or 0) >= UNSUPPORTED_POPULATION:
            continue
        before = folded[max(0, m.start - 40):m.start]
        if any(s <= m.start < e for s, e in loc) or cues.kinds_in(before) \
                or cues.has("partner_contact", before[-25:]) \
                or _listed_after_kind(text, folded, m.start):   # « a reçu ses amis de Friedberg »
            continue
        if not _common_word(doc, m) and not _in_brackets(folded, m):
            if cues.kinds_in(folded[m.end:_sentence_end(folded, m.end, 60)]):
                continue
            if TOWN_PREPOSITION_BEFORE.search(folded[max(0, m.start - 12):m.start]):
                continue
        m.actor = False


LISTED_NAMES = _pattern("listed_names")   # on the original text: capitals tell names


def _listed_after_kind(text: str, folded: str, start: int) -> bool:
    """« jumelée avec Crewe, Neckarsulm, Overijse, Lecco et Alba Iulia »: a name in a list of
    capitalised names that a partnership word opens is named as a town, however far the word."""
    lo = max(0, start - 200, folded.rfind(".", 0, start) + 1)
    kinds = cues.kinds_in(folded[lo:start])
    if not kinds:
        return False
    return LISTED_NAMES.fullmatch(text, lo + kinds[-1][2], start) is not None


def _common_word(doc, m: Mention) -> bool:
    """Whether a one-word name is also a word written in lower case (« Cité », « Atlas »,
    « Erasmus », « Chopin »: the model's vocabulary has a vector for its lower-case form),
    unlike a town's own name (« Merzig », « Taunusstein »). A name of several words
    (« Newton Abbot ») is no such accident."""
    if doc is None or " " in m.name.strip():
        return False
    return doc.vocab.has_vector(m.name.lower())


NAME_BEFORE_BRACKET = re.compile(r"[A-ZÀ-Ý][\w'’.&-]*\s*\($")


def _bracket_qualifiers(mentions: list[Mention], text: str, folded: str) -> None:
    """« Sainte-Marie (Québec) », « Friedberg (Hesse) »: a place named alone in brackets right after
    another place says where that one lies; after any other name (« les entreprises Michelin
    (Clermont-Ferrand) et Nestlé (Vevey) », « M. Durand (Rennes) ») it is that company's or
    person's seat. Either way it is no actor of its own."""
    for m in mentions:
        if _in_brackets(folded, m) and NAME_BEFORE_BRACKET.search(text, max(0, m.start - 40), m.start):
            m.actor = False


def _in_brackets(folded: str, m: Mention) -> bool:
    """« la Maison familiale (Erasmus) »: a name alone in brackets labels what precedes it."""
    return folded[max(0, m.start - 1):m.start] == "(" and folded[m.end:m.end + 1] == ")"


SENTENCE_STOP = re.compile(r"[.!?\n]")


def _sentence_end(folded: str, start: int, most: int) -> int:
    """The end of the sentence that runs on at `start`, at most `most` characters on."""
    cut = min(len(folded), start + most)
    stop = SENTENCE_STOP.search(folded, start, cut)
    return stop.start() if stop else cut


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


def _admin_patterns() -> list[tuple[re.Pattern[str], int, str]]:
    """(pattern, group holding the name, kind) of every unit of `data/fr/admin_units.json`
    (`ADMIN_FLAGS` holds each one's `french` and `acts_after_kind` flags)."""
    data = load_json("admin_units.json")
    stop = "|".join(data["not_name_words"])
    word = rf"(?!(?i:{stop})\b)[A-ZÀ-Ý][\w’'-]+"
    connectors = "|".join(data["name_connectors"])
    name = rf"{word}(?:[ -](?:(?:{connectors})[ -])?{word})*"
    adjective = rf"(?:(?i:{'|'.join(data['head_adjectives'])})\s+)?"
    out = []
    for unit in data["units"]:
        heads = "|".join(unit["heads"])
        if unit["position"] == "after":
            out.append((re.compile(rf"\b({name} (?:{heads}))\b"), 1, unit["kind"]))
            continue
        links = "|".join(unit.get("extra_links", []) + data["links"])
        link = f"(?i:{links})" + ("?" if unit["link"] == "optional" else "")
        own = f"(?:{name}|{unit['adjective_name']})" if unit.get("adjective_name") else name
        if unit.get("head_in_name"):
            pattern = rf"\b((?:{heads}) {link}{own})"
        else:
            pattern = rf"\b(?i:{heads})\s+{adjective}{link}({name})"
        out.append((re.compile(pattern), 1, unit["kind"]))
        ADMIN_FLAGS[out[-1][0]] = (bool(unit.get("french")), bool(unit.get("acts_after_kind")))
    return out


ADMIN_FLAGS: dict[re.Pattern[str], tuple[bool, bool]] = {}
ADMIN_UNITS = _admin_patterns()


def unit_own_name(name: str) -> str:
    """The name of a department, region, province or canton without the words that say what it
    is (« Département de la Corrèze », « Conseil général de la Vienne », « canton historique de
    Maintenon », « Région Normandie »: Corrèze, Vienne, Maintenon, Normandie), as records name it;
    any other name (a metropolis's « Rennes Métropole », a town) unchanged."""
    for pattern, group, kind in ADMIN_UNITS:
        if kind == "metropolis":
            continue
        m = pattern.match(name)
        if m and m.end() == len(name):
            return m.group(group)
    return name


def _unit_head(text: str, start: int, end: int) -> bool:
    """Is the candidate the head word of an administrative unit's name (« CANTON HISTORIQUE DE
    MAINTENON », « District de Kita »), a common noun a heading's capitals or a gazetteer homonym
    (Canton, China) make look like a town?"""
    for pattern, group, _ in ADMIN_UNITS:
        m = pattern.match(text, start)
        if m is not None and m.start(group) >= end:
            return True
    return False


AGENT_BEFORE = _pattern("agent_before")
LINE_OPENING = _pattern("line_opening")


def _admin_units(text: str, mentions: list[Mention], countries: list[CountryMention], layout: Layout,
                 unresolved: dict[str, Mention]) -> list[Mention]:
    """Departments, regions, provinces and metropolises named as such (« le département du
    Val-de-Marne », « la Région Bretagne », « Rennes Métropole »): a place of their own, even when
    no gazetteer knows them (GeoNames id null, country from the text, France by default). A city
    mention inside a metropolis's name gives way to it."""
    out = list(mentions)
    for pattern, group, kind in ADMIN_UNITS:
        for m in pattern.finditer(text):
            s, e = m.start(group), m.end(group)
            name = text[s:e]
            if _country_code(name) or len(name) < 3:
                continue
            inside = [x for x in out if s <= x.start and x.end <= e]
            if any(x.start < e and s < x.end for x in out if x not in inside):
                continue
            # « avec la région de Diourbel », « La province de X a signé »: the unit itself is a party
            line_before = text[text.rfind("\n", 0, m.start()) + 1:m.start()]
            party = AGENT_BEFORE.search(text[max(0, m.start() - 25):m.start()]) is not None or \
                LINE_OPENING.fullmatch(line_before) is not None
            if kind != "metropolis" and inside and all(x.kind not in ("city",) for x in inside):
                for x in inside:          # the gazetteer knew the unit: only say whether it acts
                    x.actor = x.actor or party
                continue
            near = _nearby_countries(countries, layout, s)
            french, acts_after_kind = ADMIN_FLAGS.get(pattern, (False, False))
            french_word = FRENCH_UNIT_WORD.match(m.group(0)) or kind == "metropolis" or french
            # « Comité de jumelage Pays loudunais »: a territory told with its partnership acts
            before_unit = fold_same_length(text[max(0, s - 30):s])
            party = party or (acts_after_kind and bool(cues.kinds_in(before_unit)))
            after = re.match(r"\s*\(([^()]{3,30})\)", text[e:e + 40])
            stated = _country_code(after.group(1)) if after else None
            cc = stated or ("FR" if french_word else (near[0] if near else None))
            key = unresolved_key(name, cc)
            known = unresolved.get(fold_same_length(name))
            if known is not None:
                key, cc = known.key, known.country
            if kind != "metropolis" and inside and inside[0].geonames_id and len(inside) == 1 \
                    and (inside[0].start, inside[0].end) == (s, e):
                inside[0].kind = kind        # the gazetteer knew it; keep its id, note the level
                inside[0].actor = inside[0].actor or party
                continue
            for x in inside:
                out.remove(x)
            # « la région de Mopti » resolved, then « le Conseil régional de Mopti »: the same unit
            same = next((x for x in out if x.geonames_id and x.kind == kind and x.country == cc
                         and fold_same_length(x.name) == fold_same_length(name)), None)
            if same is not None and kind != "metropolis":
                mention = Mention(s, e, name, same.key, name, same.country, same.geonames_id, same.lat,
                                  same.lon, same.population, kind)
            else:
                mention = Mention(s, e, name, key, name, cc, kind=kind)
            mention.actor = party or kind == "metropolis"
            unresolved.setdefault(fold_same_length(name), mention)
            out.append(mention)
    out.sort(key=lambda x: x.start)
    return out
