"""The shapes the atlas reads return: typed dicts that the CLI, the JSON API and the templates share.

Why typed dicts and not dataclasses: the rows are JSON as they are (the CLI prints them with
`--json`, the exports write them), and FastAPI/pydantic turn a `TypedDict` into the OpenAPI schema
of `/api/…` without a second model. `typing_extensions.TypedDict` is used because pydantic needs it
on Python 3.11.

Conventions:
- ids are the atlas's integer ids (stable: never reused after a delete);
- dates are partial ISO strings (`1963`, `2025-05`, `2025-05-12`), timestamps ISO 8601 in UTC;
- `review_state` is one of `records.REVIEW_STATES`;
- a list that can grow without bound comes as a `Page`: `items` and `next`, the opaque cursor to
  pass as `after=` for the following page (None on the last page).

Inputs (what to list) are the frozen dataclass `Filters`; see `jumelage.atlas.read`.
"""
from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Generic, Literal, TypeVar

from typing_extensions import NotRequired, TypedDict

T = TypeVar("T")

RecordType = Literal["place", "partnership", "action", "initiative", "source"]
SEARCH_RECORDS: tuple[str, ...] = ("place", "partnership", "action", "initiative", "source")


@dataclass(frozen=True)
class Filters:
    """What a listing or a search keeps. Every field is optional; None keeps everything.

    - `q`: places: a folded substring of any of the place's names; sources: a substring of the
      file name or title (case ignored);
    - `theme`: a code of `records.THEMES` (actions, initiatives; search);
    - `country`: ISO 3166 alpha-2 (places: the place; partnerships, actions, initiatives: any
      place taking part);
    - `kind`: places: city/region/district/camp; partnerships: twinning/cooperation/partnership/
      friendship; search: either;
    - `status`: partnerships: proposed/active/suspended/ended; actions: done/ongoing/planned/
      cancelled/abandoned; search: either;
    - `year_from`, `year_to`: inclusive years, on the start date (actions, initiatives), on
      `since` (partnerships); records without a date are left out when either is given;
    - `place`: an atlas place id taking part (partnerships, actions, initiatives);
    - `context`: initiatives (and search): e.g. `covid-19`, `war`;
    - `record`: search only: place, partnership, action, initiative or source.
    Values are checked by the reads; a bad one raises `InvalidChange` (web: 422).
    """

    q: str | None = None
    theme: str | None = None
    country: str | None = None
    kind: str | None = None
    status: str | None = None
    year_from: int | None = None
    year_to: int | None = None
    place: int | None = None
    context: str | None = None
    record: str | None = None


class Page(TypedDict, Generic[T]):
    """One page of a listing; `next` is the cursor of the following page (None: last page)."""

    items: list[T]
    next: str | None


class Review(TypedDict):
    review_state: str
    review_note: str | None
    reviewed_at: str | None


class PlaceRef(TypedDict):
    """A place named inside another record (action actors and partners, initiative place)."""

    id: int
    name: str | None


class PlaceBrief(TypedDict):
    """A place as shown on a map or next to a partnership."""

    id: int
    name: str
    country: str | None
    geonames_id: int | None
    lat: float | None
    lon: float | None
    kind: str


class PlaceRow(PlaceBrief, Review):
    """A place in a list: its facts, its other names and how busy it is.

    `partner_count`: partnerships not rejected; `action_count`: actions not rejected it takes
    part in.
    """

    aliases: list[str]
    population: int | None
    partner_count: int
    action_count: int


class EvidenceRow(TypedDict):
    """Where a source says something about a record: `[start, end)` character offsets into the
    source's text (None when the quote could not be placed), and the quoted text.

    `label` (source pages only) names the record for people."""

    id: int
    source_id: int
    source: str | None
    record: str
    record_id: int
    start: int | None
    end: int | None
    quote: str | None
    label: NotRequired[str | None]


class StatusRow(TypedDict):
    """One dated status of a partnership (proposed, active, suspended, ended) and its evidence."""

    id: int
    status: str
    date: str | None
    review_state: str
    evidence: list[EvidenceRow]


class OrganisationRef(TypedDict):
    id: int
    name: str | None


class OrganisationRow(Review):
    id: int
    name: str


class PartnershipRow(Review):
    """A partnership in a list. `activity`: `recent`, `dormant` (the atlas records dated actions
    between the two places, none in the five years before the reference date) or `unrecorded`
    (no dated action between them: the atlas cannot judge); `dormant` is `activity ==
    "dormant"` (see `atlas/dormancy.py`)."""

    id: int
    places: list[PlaceBrief]
    kind: str
    since: str | None
    status: str
    dormant: bool
    activity: str
    evidence_count: int


class ActionRow(Review):
    """A dated activity: actor places with partner places, themes, amounts, organisations.

    `amounts`: `{"value": number, "currency": ISO 4217, "per"?: str}`."""

    id: int
    actors: list[PlaceRef]
    partners: list[PlaceRef]
    start: str | None
    end: str | None
    status: str
    themes: list[str]
    amounts: list[dict[str, Any]]
    organisations: list[OrganisationRef]


class InitiativeRow(Review):
    """Something one place did on its own (`context`: e.g. covid-19, war)."""

    id: int
    place: PlaceRef | None
    themes: list[str]
    context: str | None
    start: str | None
    end: str | None
    amounts: list[dict[str, Any]]
    organisations: list[OrganisationRef]


class Partner(TypedDict):
    """A partner of the place a page is about, with the partnership's dated history."""

    partnership_id: int
    place: PlaceBrief
    kind: str
    since: str | None
    status: str
    dormant: bool
    activity: str
    review_state: str
    history: list[StatusRow]


class SourceRow(TypedDict):
    """A document as ingested (`length` in characters of its text)."""

    id: int
    name: str
    content_hash: str
    media_type: str
    language: str | None
    date: str | None
    title: str | None
    path: str | None
    length: int
    ingested_at: str | None
    updated_at: str | None
    evidence_count: NotRequired[int]


class SourceEvidence(SourceRow):
    """A source and what it says on one page (the place page's 'sources' section)."""

    evidence: list[EvidenceRow]


class SourceDetail(SourceRow):
    """A source page: the text and every evidence span in it, by position, with labels."""

    text: str
    evidence: list[EvidenceRow]


class PlaceDetail(TypedDict):
    """A place page: the place, its partners (with history and dormancy), the first page of its
    timeline of actions (`timeline_next` continues it through `actions(Filters(place=id))`),
    its initiatives and the sources that tell all this."""

    place: PlaceRow
    partners: list[Partner]
    timeline: list[ActionRow]
    timeline_next: str | None
    initiatives: list[InitiativeRow]
    sources: list[SourceEvidence]


class PagePlace(PlaceRow):
    """The place a place page is about, with its `ref` (`place:ID`, what `review` takes)."""

    ref: str


class PagePartner(Partner):
    """A partner on a place page, with the partnership's `ref` (`partnership:ID`)."""

    ref: str


class PageAction(ActionRow):
    """An action on a place page: its `ref` (`action:ID`) and every evidence span of it among
    the page's sources (source name, offsets, whole quote)."""

    ref: str
    evidence: list[EvidenceRow]


class PageInitiative(InitiativeRow):
    """An initiative on a place page: its `ref` (`initiative:ID`) and its evidence spans."""

    ref: str
    evidence: list[EvidenceRow]


class ContextGroup(TypedDict):
    """Initiatives of a place's partners in one crisis context (None: outside any crisis)."""

    context: str | None
    initiatives: list[InitiativeRow]


class PlacePage(TypedDict):
    """Everything a place's page says, the same for `jumelage show --json` and
    `GET /api/places/{id}`: the `PlaceDetail` fields, each record with its `ref`, each action
    and initiative with its `evidence`, the `themes` of its actions and initiatives, and what
    its partners did by crisis context (`partners_did`)."""

    place: PagePlace
    partners: list[PagePartner]
    timeline: list[PageAction]
    timeline_next: str | None
    initiatives: list[PageInitiative]
    sources: list[SourceEvidence]
    themes: list[str]
    partners_did: list[ContextGroup]


class PartnershipDetail(PartnershipRow):
    """A partnership page: both places, the dated history with evidence, the partnership's own
    evidence, and the first page of the actions between the two places (`actions_next`)."""

    history: list[StatusRow]
    evidence: list[EvidenceRow]
    actions: list[ActionRow]
    actions_next: str | None


class Summary(TypedDict):
    """How much the atlas holds (rejected records not counted) and how much is reviewed."""

    sources: int
    places: int
    partnerships: int
    actions: int
    initiatives: int
    organisations: int
    evidence: int
    review: dict[str, int]


# -- search ---------------------------------------------------------------------------------
class SearchEvidence(TypedDict):
    """Where to see a hit in its source: link to `/sources/{source_id}` at `[start, end)`."""

    source_id: int
    source: str | None
    start: int | None
    end: int | None
    quote: str | None


class SearchHit(TypedDict):
    """One search result: a record (`record`, `id`) with what lists and facets show of it.

    `year`: of its start (actions, initiatives), since (partnerships) or date (sources);
    `evidence`: the span that best shows the words searched for (None for a place without any).
    """

    record: str
    id: int
    label: str
    country: str | None
    kind: str | None
    status: str | None
    year: int | None
    themes: list[str]
    context: str | None
    evidence: SearchEvidence | None


class FacetCount(TypedDict):
    value: str
    count: int


class SearchFacets(TypedDict):
    """Counts over every hit of the query (not only the page), after the filters."""

    record: list[FacetCount]
    theme: list[FacetCount]
    country: list[FacetCount]
    kind: list[FacetCount]
    status: list[FacetCount]
    year: list[FacetCount]


class SearchPage(TypedDict):
    """A page of search results, best first; `next` for `after=`; `total` hits in all (-1 when
    the search was asked without facets, which skips counting)."""

    query: str
    items: list[SearchHit]
    next: str | None
    total: int
    facets: SearchFacets
