"""The records that cross jumelage's boundaries: what a document says, as plain typed objects.

`read` produces a `Document`; `extract` turns it into an `Extraction` (places, partnerships,
actions, initiatives, organisations, each with its evidence span); `atlas` stores extractions;
`match`, `web` and `cli` read the atlas. Nothing here knows about spaCy or SQLAlchemy.

`Extraction.to_dict()` / `Extraction.from_dict()` speak the interchange format of
`shared/eval/SCHEMA.md` (version 1), plus a few optional fields the scorer ignores
(`quote`, `status` history of partnerships, `kind` of places).
"""
from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from typing import Any

THEMES = (
    "health", "education", "youth", "culture", "sport", "water_sanitation",
    "food_agriculture", "economy_employment", "urban_housing", "social",
    "humanitarian", "governance", "mobility", "digital", "environment_energy",
    "peace_rights", "language", "research",
)
# The kinds of partnership, most specific first: where sources (or cue words) disagree on a
# pair's kind, the first of this order wins. The extractor and the atlas both derive their
# precedence from it (`best_kind`).
PARTNERSHIP_KINDS = ("twinning", "cooperation", "friendship", "partnership")
PARTNERSHIP_STATUSES = ("proposed", "active", "suspended", "ended")
ACTION_STATUSES = ("done", "ongoing", "planned", "cancelled", "abandoned")
# Place kinds: a town ("city"), a first-level region or French département ("region"), an
# administrative unit below the region or a part of a town ("district": an intercommunality, a
# county, a Polish gmina, a city district or arrondissement), a refugee camp ("camp").
PLACE_KINDS = ("city", "region", "district", "camp")
# What an atlas exports to (`jumelage.atlas.exchange`: export_json, export_csv, export_geojson).
EXPORT_FORMATS = ("json", "csv", "geojson")
REVIEW_STATES = ("extracted", "confirmed", "corrected", "rejected", "manual")

Span = tuple[int, int]


def best_kind(kinds: Iterable[str]) -> str | None:
    """The most specific of `kinds` by `PARTNERSHIP_KINDS` (unknown kinds ignored); None if none.

    `best_kind(["partnership", "twinning"])` -> `"twinning"`.
    """
    present = set(kinds)
    return next((k for k in PARTNERSHIP_KINDS if k in present), None)


@dataclass
class Document:
    """A document as read: its text (offsets refer to it) and what we know of the file."""

    name: str                      # file name (the `source` of an extraction)
    text: str
    media_type: str                # text/plain, text/html, application/pdf, ...
    content_hash: str              # sha256 of the raw bytes
    path: str | None = None        # where it was read from, if a file
    language: str | None = None
    date: str | None = None        # publication date (ISO partial) when the file says it
    title: str | None = None
    site_name: str | None = None   # the site that published it (HTML og:site_name)
    url: str | None = None         # its address (HTML canonical link or og:url)
    owner: str | None = None       # the place that speaks, as a person named it (--owner)
    notes: tuple[str, ...] = ()    # what a person should know about how it was read (one line each)
    metadata_date: str | None = None  # the file's metadata date (PDF, DOCX): used only when
                                      # the text states none (a print date is not the article's)


@dataclass
class Amount:
    value: float
    currency: str                  # ISO 4217
    per: str | None = None         # "year", "day and patient", ...

    def to_dict(self) -> dict[str, Any]:
        d: dict[str, Any] = {"value": self.value, "currency": self.currency}
        if self.per:
            d["per"] = self.per
        return d


@dataclass
class Place:
    ref: str
    name: str
    country: str | None = None     # ISO 3166-1 alpha-2
    geonames_id: int | None = None
    lat: float | None = None
    lon: float | None = None
    kind: str = "city"             # one of PLACE_KINDS
    aliases: list[str] = field(default_factory=list)
    population: int | None = None


@dataclass
class StatusChange:
    """A dated change of a partnership's status, with the text that says so."""

    status: str                    # one of PARTNERSHIP_STATUSES
    date: str | None = None
    span: Span | None = None
    quote: str | None = None


@dataclass
class Partnership:
    places: tuple[str, str]        # place refs
    kind: str = "twinning"         # one of PARTNERSHIP_KINDS
    since: str | None = None       # ISO partial date
    status: str = "active"         # latest known status
    history: list[StatusChange] = field(default_factory=list)
    span: Span | None = None
    quote: str | None = None


@dataclass
class Action:
    actors: list[str] = field(default_factory=list)
    partners: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    status: str = "done"
    themes: list[str] = field(default_factory=list)
    amounts: list[Amount] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    span: Span | None = None
    quote: str | None = None


@dataclass
class Initiative:
    place: str | None = None
    themes: list[str] = field(default_factory=list)
    context: str | None = None
    amounts: list[Amount] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    start: str | None = None
    end: str | None = None
    span: Span | None = None
    quote: str | None = None


@dataclass
class Extraction:
    """Everything extracted from one document, in the interchange format's shape."""

    source: str
    places: list[Place] = field(default_factory=list)
    partnerships: list[Partnership] = field(default_factory=list)
    actions: list[Action] = field(default_factory=list)
    initiatives: list[Initiative] = field(default_factory=list)
    organizations: list[str] = field(default_factory=list)
    date: str | None = None        # the document's own date, as inferred
    owner: str | None = None       # ref of the place that speaks in the document, if any

    def place(self, ref: str | None) -> Place | None:
        return next((p for p in self.places if p.ref == ref), None)

    # -- interchange format -------------------------------------------------------------
    def to_dict(self) -> dict[str, Any]:
        def span(s: Span | None) -> list[int] | None:
            return [s[0], s[1]] if s else None

        return {
            "source": self.source,
            "date": self.date,
            "owner": self.owner,
            "places": [
                {k: v for k, v in asdict(p).items() if k != "population"} for p in self.places
            ],
            "partnerships": [
                {
                    "places": list(p.places), "kind": p.kind, "since": p.since,
                    "status": p.status,
                    "history": [
                        {"status": h.status, "date": h.date, "span": span(h.span), "quote": h.quote}
                        for h in p.history
                    ],
                    "span": span(p.span), "quote": p.quote,
                }
                for p in self.partnerships
            ],
            "actions": [
                {
                    "actors": a.actors, "partners": a.partners, "start": a.start, "end": a.end,
                    "status": a.status, "themes": a.themes,
                    "amounts": [m.to_dict() for m in a.amounts],
                    "organizations": a.organizations, "span": span(a.span), "quote": a.quote,
                }
                for a in self.actions
            ],
            "initiatives": [
                {
                    "place": i.place, "themes": i.themes, "context": i.context,
                    "start": i.start, "end": i.end,
                    "amounts": [m.to_dict() for m in i.amounts],
                    "organizations": i.organizations, "span": span(i.span), "quote": i.quote,
                }
                for i in self.initiatives
            ],
            "organizations": self.organizations,
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any], text: str | None = None) -> "Extraction":
        """Read the interchange format (ours or a gold file: `evidence` quotes become spans)."""

        def span(item: dict[str, Any]) -> Span | None:
            s = item.get("span")
            if isinstance(s, (list, tuple)) and len(s) == 2:
                return (int(s[0]), int(s[1]))
            quote = item.get("evidence") or item.get("quote")
            if text and isinstance(quote, str) and quote:
                at = text.find(quote)
                if at >= 0:
                    return (at, at + len(quote))
            return None

        def quote(item: dict[str, Any], s: Span | None) -> str | None:
            q = item.get("quote") or item.get("evidence")
            if q is None and text and s:
                q = text[s[0]:s[1]]
            return q

        def amounts(items: list[dict[str, Any]] | None) -> list[Amount]:
            return [Amount(float(a["value"]), a["currency"], a.get("per")) for a in items or []]

        places = [
            Place(
                ref=p["ref"], name=p["name"], country=p.get("country"),
                geonames_id=p.get("geonames_id"), lat=p.get("lat"), lon=p.get("lon"),
                kind=p.get("kind") or "city", aliases=list(p.get("aliases") or []),
            )
            for p in data.get("places") or []
        ]
        partnerships = []
        for p in data.get("partnerships") or []:
            s = span(p)
            partnerships.append(Partnership(
                places=tuple(p["places"]), kind=p.get("kind") or "twinning", since=p.get("since"),
                status=p.get("status") or "active",
                history=[
                    StatusChange(h["status"], h.get("date"),
                                 tuple(h["span"]) if h.get("span") else None, h.get("quote"))
                    for h in p.get("history") or []
                ],
                span=s, quote=quote(p, s),
            ))
        actions = []
        for a in data.get("actions") or []:
            s = span(a)
            actions.append(Action(
                actors=list(a.get("actors") or []), partners=list(a.get("partners") or []),
                start=a.get("start"), end=a.get("end"), status=a.get("status") or "done",
                themes=list(a.get("themes") or []), amounts=amounts(a.get("amounts")),
                organizations=list(a.get("organizations") or []), span=s, quote=quote(a, s),
            ))
        initiatives = []
        for i in data.get("initiatives") or []:
            s = span(i)
            initiatives.append(Initiative(
                place=i.get("place"), themes=list(i.get("themes") or []), context=i.get("context"),
                amounts=amounts(i.get("amounts")), organizations=list(i.get("organizations") or []),
                start=i.get("start"), end=i.get("end"), span=s, quote=quote(i, s),
            ))
        return cls(
            source=data.get("source") or "", places=places, partnerships=partnerships,
            actions=actions, initiatives=initiatives,
            organizations=list(data.get("organizations") or []),
            date=data.get("date"), owner=data.get("owner"),
        )


# -- partner matching (jumelage.match) ----------------------------------------------------------
@dataclass
class Reason:
    """Why a place is proposed, in plain words: `code` (e.g. "common", "size", "theme"), the
    sentence in French and in English."""

    code: str
    fr: str
    en: str


@dataclass
class MatchPlaceBase:
    """What the matcher knows and shows of every place. `id`: the atlas place id (or the
    caller's key: a CSV node id, a test's number); `country`: ISO 3166-1 alpha-2; `lat`/`lon`:
    WGS84 degrees; `population`: GeoNames inhabitants; `kind`: one of `PLACE_KINDS`."""

    id: Any
    name: str
    country: str | None = None
    lat: float | None = None
    lon: float | None = None
    population: int | None = None
    capital: bool = False
    kind: str = "city"


@dataclass
class MatchPlace(MatchPlaceBase):
    """A place as the matcher shows it: `MatchPlaceBase` and `partner_count`, the partnerships
    the matcher knows."""

    partner_count: int = 0


@dataclass
class Proposal:
    """One possible partner: its `score` (0..1, the model's log-odds L shown as
    1 / (1 + exp(-L / 4)); higher is better; comparable within one list), the `components`
    (each family's share, 0..1, of what lifted it above the average place; None when its facts
    are unknown: network, paths, community, country_habits, area_habits, distance, size,
    partners, capital, language, coast, themes), `distance_km` from the asking place, and the
    reasons in French and English (at least one, from the families that lifted it)."""

    place: MatchPlace
    score: float
    rank: int
    distance_km: float | None = None
    components: dict[str, float | None] = field(default_factory=dict)
    reasons: list[Reason] = field(default_factory=list)


@dataclass
class MatchResult:
    """Proposals for `place`, best first, the filters that were applied, and `notes`: what a
    person should know about the answer, in plain words in French and English (`Reason`s: code,
    fr, en), e.g. why the list is empty (« aucun autre lieu ne travaille sur l'eau »)."""

    place: MatchPlace
    proposals: list[Proposal] = field(default_factory=list)
    filters: dict[str, Any] = field(default_factory=dict)
    notes: list[Reason] = field(default_factory=list)

    def to_dict(self) -> dict[str, Any]:
        """JSON-ready: plain dicts, lists, strings and numbers."""
        return asdict(self)
