"""Find the place a label names: a page title, a site name, a web address or a file name.

When a page never says which town speaks ("notre Ville", "le Département"), its metadata
usually does: `<title>Jumelages – Ville des Herbiers</title>`, `og:site_name` "Mairie de
Saint-Priest", `https://www.ville-lesherbiers.fr/jumelage`, `chinon-tenkodogo.txt`.

    place_in_label(gz, "Jumelages - Ville des Herbiers")            # Les Herbiers
    place_in_label(gz, "https://www.mairie-saint-priest.fr/x", slug=True)   # Saint-Priest

Titles are scanned like text (capitalised names, "Ville de ..."); addresses and file names are
cut into words at every non-letter and read as runs of up to five words ("saint priest",
"les molieres"), longest and earliest first. Words that name no place ("www", "ville",
"jumelage", "fr") come from `data/label_stopwords.txt`. A French place wins over others, a
place over a region or department unless the label names only that.
"""
from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlsplit

from jumelage.gazetteer.french import ARTICLES
from jumelage.gazetteer.gazetteer import Gazetteer, PlaceMatch
from jumelage.names import name_key

DATA = Path(__file__).with_name("data")
MAX_WORDS = 5
_SLUG_WORD = re.compile(r"[a-z0-9]+")


def _stopwords() -> frozenset[str]:
    words = set()
    for line in (DATA / "label_stopwords.txt").read_text(encoding="utf-8").splitlines():
        for word in line.split("#", 1)[0].split():
            words.add(name_key(word))
    return frozenset(words)


_STOP: frozenset[str] | None = None


def place_in_label(gz: Gazetteer, label: str | None, slug: bool = False,
                   prefer_country: str = "FR") -> PlaceMatch | None:
    """The place `label` names, or None. `slug=True` for addresses and file names (words
    joined by hyphens, dots, underscores or nothing but case); else a title or site name."""
    global _STOP
    if not label or not label.strip():
        return None
    if _STOP is None:
        _STOP = _stopwords()
    found = _from_slug(gz, label) if slug else _from_title(gz, label, prefer_country)
    if not found:
        return None
    found.sort(key=lambda m: (m.country != prefer_country, m.kind != "city"))
    return found[0]


def _from_title(gz: Gazetteer, title: str, prefer_country: str) -> list[PlaceMatch]:
    out = []
    for start, end, _surface in gz.find_candidates(title):
        name = gz.article_form(title, start, end) or title[start:end]
        before = title[max(0, start - 40):start]
        match = gz.resolve(name, prefer_country=prefer_country, kind=gz.kind_before(title, start)
                           if before.strip() else None)
        if match is not None and match.score >= 0.5:
            out.append(match)
    return out


def _from_slug(gz: Gazetteer, label: str) -> list[PlaceMatch]:
    text = label
    if "://" in label or label.startswith("www."):
        parts = urlsplit(label if "://" in label else "http://" + label)
        text = f"{parts.hostname or ''} {parts.path}"
    else:
        text = Path(label).stem
    words = []
    for word in _SLUG_WORD.findall(name_key(text)):
        glued = re.match(r"^(les|le|la)([a-z]{3,})$", word)   # "lesherbiers" in an address
        if glued and gz._has(word) < 0 and gz._has(f"{glued[1]} {glued[2]}") >= 0:
            words.extend(glued.groups())
        else:
            words.append(word)
    out = []
    for size in range(min(MAX_WORDS, len(words)), 0, -1):
        for i in range(len(words) - size + 1):
            run = words[i:i + size]
            if (run[0] in _STOP and not (run[0] in ARTICLES and len(run) > 1)) \
                    or run[-1] in _STOP or any(w.isdigit() for w in run):
                continue
            if len(run) == 1 and any(ch.isdigit() for ch in run[0]):
                continue
            key = " ".join(run)
            if gz._has(key) < 0:
                continue
            match = gz.resolve(key.title(), prefer_country="FR", fuzzy=False)
            if match is not None and match.score >= 0.5:
                out.append(match)
        if out:
            return out
    return out
