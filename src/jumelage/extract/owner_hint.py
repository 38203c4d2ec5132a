"""The owner a person or the document's metadata names, when the text alone does not tell.

`choose_owner(an, document, found)` is called once per document after `owner.find_owner`
(`found`): a hint given by a person (`Document.owner`, `jumelage extract --owner PLACE`) always
wins; otherwise, when the text names no owner, the owner comes from the document's title, its
site name (og:site_name), its address (canonical URL) and finally its file name, read by
`jumelage.gazetteer.labels`. The chosen place becomes a mention of the document if the text
never names it (a zero-width, non-actor mention at the end of the text, so no sentence claims
it), so that records can refer to it.
"""
from __future__ import annotations

from jumelage.extract.analysis import Analysis
from jumelage.extract.mentions import Mention, unresolved_key
from jumelage.gazetteer import get_gazetteer
from jumelage.gazetteer.gazetteer import PlaceMatch
from jumelage.gazetteer.labels import place_in_label
from jumelage.names import name_key
from jumelage.records import Document


def choose_owner(an: Analysis, document: Document, found: str | None) -> str | None:
    """The key of the owner place: the hint, else `found`, else the metadata's place."""
    gz = get_gazetteer()
    if document.owner and document.owner.strip():
        match = gz.resolve(document.owner, prefer_country="FR", fuzzy=True, min_score=0.0)
        return _key_for(an, document.owner.strip(), match)
    if found is not None:
        return found
    labels = ((document.title, False), (document.site_name, False), (document.url, True),
              (document.name, True))
    for label, slug in labels:
        match = place_in_label(gz, label, slug=slug)
        if match is not None:
            return _key_for(an, match.name, match)
    return None


def _key_for(an: Analysis, name: str, match: PlaceMatch | None) -> str:
    """The key of the mention naming this place, adding one when the text never names it."""
    for m in an.mentions:
        if match is not None and match.geonames_id and m.geonames_id == match.geonames_id:
            return an.key(m)
        if name_key(m.name) in (name_key(name), name_key(match.name) if match else None):
            return an.key(m)
    end = len(an.text)
    if match is None:   # a place no gazetteer knows: kept under the name the person gave
        mention = Mention(end, end, "", unresolved_key(name, None), name, None)
    else:
        key = f"g:{match.geonames_id}" if match.geonames_id else unresolved_key(match.name, match.country)
        mention = Mention(end, end, "", key, name if name_key(name) != name_key(match.name) else match.name,
                          match.country, match.geonames_id, match.lat, match.lon,
                          match.population, match.kind or "city")
    mention.actor = False
    an.mentions.append(mention)
    return mention.key
