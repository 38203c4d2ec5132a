"""The statements that saving a document runs, built once at import.

Building a SQLAlchemy statement costs several times more than running it on a small table, and a
document runs a few dozen: they are built here once, with expanding `IN` parameters (`ids`,
`keys`, ...), and `save.py` / `recompute.py` pass only values. Parameters of inserts and updates
are keyed by column name (`start_date`, `span_start`), not by attribute name.
"""
from __future__ import annotations

from functools import lru_cache
from typing import Any

from sqlalchemy import (
    BindParameter, Delete, Insert, Select, Update, bindparam, delete, exists, insert, literal,
    or_, select, update,
)

from jumelage.atlas.models import (
    Action, ActionOrganisation, ActionPlace, Evidence, Initiative, InitiativeOrganisation,
    Organisation, Partnership, PartnershipStatus, Place, PlaceName, Source,
)


def ids(name: str = "ids") -> BindParameter[Any]:
    """An expanding parameter: `column IN (...)` with a list given at execution."""
    return bindparam(name, expanding=True)


# -- sources ------------------------------------------------------------------------------
SOURCE = select(Source.id, Source.content_hash).where(Source.name == bindparam("name"))
TWIN = select(literal(1)).where(Source.content_hash == bindparam("hash")).limit(1)
SOURCE_NAMES = select(Source.name, Source.content_hash).where(Source.name.in_(ids("names")))
SOURCE_PATHS = select(Source.name, Source.path).where(Source.name.in_(ids("names")))
SOURCE_HASHES = (select(Source.content_hash).where(Source.content_hash.in_(ids("hashes")))
                 .distinct())
INSERT_SOURCE = insert(Source).returning(Source.id)

# -- what a document can meet ---------------------------------------------------------------
PLACES = select(Place.id, Place.geonames_id, Place.country, Place.kind, Place.review_state).where(
    or_(Place.geonames_id.in_(ids("gids")),
        Place.id.in_(select(PlaceName.place_id).where(PlaceName.folded.in_(ids("keys"))))))
PLACE_NAMES = (select(PlaceName.place_id, PlaceName.name, PlaceName.folded)
               .where(PlaceName.place_id.in_(ids())).order_by(PlaceName.id))
ORGANISATIONS = (select(Organisation.folded, Organisation.id)
                 .where(Organisation.folded.in_(ids("keys"))))
PARTNERSHIPS = (select(Partnership.id, Partnership.place_a_id, Partnership.place_b_id)
                .where(Partnership.place_a_id.in_(ids("a")), Partnership.place_b_id.in_(ids("b"))))
STATUSES = (select(PartnershipStatus.id, PartnershipStatus.partnership_id,
                   PartnershipStatus.status, PartnershipStatus.date)
            .where(PartnershipStatus.partnership_id.in_(ids())).order_by(PartnershipStatus.id))
ACTION_PLACE_IDS = (select(ActionPlace.action_id, ActionPlace.place_id)
                    .where(ActionPlace.action_id.in_(ids())))


def _or_null(column: Any, name: str, null: bool) -> Any:
    test = column.in_(ids(name))
    return or_(test, column.is_(None)) if null else test


@lru_cache(maxsize=None)
def actions(undated: bool) -> Select[Any]:
    """Actions that may be the same as one of a document's: by start date (`undated`: or none),
    with a place among the document's (`places`) or no place at all."""
    return (select(Action.id, Action.start, Action.end, Action.themes)
            .where(_or_null(Action.start, "starts", undated),
                   or_(Action.id.in_(select(ActionPlace.action_id)
                                     .where(ActionPlace.place_id.in_(ids("places")))),
                       ~exists().where(ActionPlace.action_id == Action.id)))
            .order_by(Action.id))


@lru_cache(maxsize=None)
def initiatives(placeless: bool, undated: bool) -> Select[Any]:
    """Initiatives that may be the same as one of a document's: by place and start date."""
    return (select(Initiative.id, Initiative.place_id, Initiative.start, Initiative.end,
                   Initiative.themes)
            .where(_or_null(Initiative.place_id, "places", placeless),
                   _or_null(Initiative.start, "starts", undated))
            .order_by(Initiative.id))


@lru_cache(maxsize=None)
def other_quotes(column_name: str) -> Select[Any]:
    """The distinct quotes other sources (than `source`) gave for records `ids`."""
    column = getattr(Evidence, column_name)
    return (select(column, Evidence.quote).distinct()
            .where(column.in_(ids()), Evidence.source_id != bindparam("source"),
                   Evidence.quote.is_not(None)))


# -- writes ---------------------------------------------------------------------------------
INSERT_PLACE = insert(Place).returning(Place.id)
INSERT_ORGANISATION = insert(Organisation).returning(Organisation.id)
INSERT_PARTNERSHIP = insert(Partnership).returning(Partnership.id)
INSERT_STATUS = insert(PartnershipStatus).returning(PartnershipStatus.id)
INSERT_ACTION = insert(Action).returning(Action.id)
INSERT_INITIATIVE = insert(Initiative).returning(Initiative.id)
INSERT: dict[Any, Insert] = {model: insert(model) for model in (
    Evidence, PlaceName, ActionPlace, ActionOrganisation, InitiativeOrganisation)}


@lru_cache(maxsize=None)
def delete_by(model: Any, column_name: str = "id") -> Delete:
    """Delete the rows of `model` whose `column_name` is in `ids`."""
    return delete(model).where(getattr(model, column_name).in_(ids()))


@lru_cache(maxsize=None)
def update_by_id(model: Any, fields: tuple[str, ...]) -> Update:
    """Update `fields` (attribute names) of the row `_id`; parameters `_<field>`."""
    table = model.__table__
    columns = model.__mapper__.columns
    return update(table).where(table.c.id == bindparam("_id")).values(
        {columns[name]: bindparam(f"_{name}") for name in fields})


# -- recomputing ----------------------------------------------------------------------------
@lru_cache(maxsize=None)
def extracted(model: Any, fields: tuple[str, ...]) -> Select[Any]:
    """The `extracted` records among `ids`, in id order, with `fields` by attribute name."""
    return (select(model.id, *(getattr(model, f).label(f) for f in fields))
            .where(model.id.in_(ids()), model.review_state == "extracted").order_by(model.id))


@lru_cache(maxsize=None)
def claims(column_name: str) -> Select[Any]:
    """(record id, claim) of the evidence of records `ids`, oldest first."""
    column = getattr(Evidence, column_name)
    return select(column, Evidence.claim).where(column.in_(ids())).order_by(Evidence.id)


EXISTING_PLACES = select(Place.id).where(Place.id.in_(ids()))
PLACE_OWNERS = select(Place.geonames_id, Place.id).where(Place.geonames_id.in_(ids()))
NAMES_OF_PLACES = (select(PlaceName.id, PlaceName.place_id, PlaceName.name)
                   .where(PlaceName.place_id.in_(ids())).order_by(PlaceName.id))
ACTION_PLACES = (select(ActionPlace.action_id, ActionPlace.place_id, ActionPlace.role)
                 .where(ActionPlace.action_id.in_(ids())).order_by(ActionPlace.position))
ACTION_ORGANISATIONS = (select(ActionOrganisation.action_id, ActionOrganisation.organisation_id)
                        .where(ActionOrganisation.action_id.in_(ids()))
                        .order_by(ActionOrganisation.position))
INITIATIVE_ORGANISATIONS = (
    select(InitiativeOrganisation.initiative_id, InitiativeOrganisation.organisation_id)
    .where(InitiativeOrganisation.initiative_id.in_(ids()))
    .order_by(InitiativeOrganisation.position))
HISTORIES = (select(PartnershipStatus.id, PartnershipStatus.partnership_id,
                    PartnershipStatus.status, PartnershipStatus.date)
             .where(PartnershipStatus.partnership_id.in_(ids())))
