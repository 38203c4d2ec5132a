"""The atlas schema as SQLAlchemy 2 models: sources, places, partnerships, actions, initiatives,
organisations, and the evidence that ties every extracted record to the text that says it.

Design:
- Every record (place, organisation, partnership, status change, action, initiative) has
  `Evidence` rows: a source, a span `[start, end)` into the source's text, the quoted text, and
  `claim`, what that source said about the record. A record seen in several documents gathers one
  evidence row per mention; the merged fields of a record still in review state `extracted` are
  recomputed from its claims, so removing a source's claims gives back what the others say.
- `review_state` is one of `extracted`, `confirmed`, `corrected`, `rejected`, `manual`; only
  `extracted` records are ever rewritten or deleted by ingestion.
- Partnerships are unordered pairs of places, stored with `place_a_id < place_b_id`.
- Dates are partial ISO strings (`1963`, `2025-05`); themes and amounts are JSON lists.

Not modelled here (created by migration 0003, skipped when models and migrations are compared,
see `schema.include_name`): the expression indexes ordering actions and initiatives by timeline,
and the search index tables of `search.py`.

Changing anything here needs an Alembic revision in `migrations/versions/`
(`tests/test_atlas_schema.py` fails while models and migrations disagree).
"""
from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import (
    JSON, CheckConstraint, DateTime, Float, ForeignKey, Index, Integer, MetaData, String, Text,
    UniqueConstraint,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship, validates

from jumelage.atlas.names import sort_key
from jumelage.records import REVIEW_STATES

NAMING = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

REVIEW_CHECK = "review_state IN ({})".format(", ".join(f"'{s}'" for s in REVIEW_STATES))
# SQLite reuses the largest rowid after a delete unless AUTOINCREMENT is asked for; ids are
# shown to people (web links, exports), so a deleted record's id is never given to another one.
NO_REUSE = {"sqlite_autoincrement": True}


class Base(DeclarativeBase):
    metadata = MetaData(naming_convention=NAMING)


# compared character by character on both databases (PostgreSQL's default collation would
# ignore spaces and differ from SQLite)
SORT_TEXT = String(600).with_variant(String(600, collation="C"), "postgresql")


def _sort_name(context: Any) -> str:
    """Default of `places.sort_name` for a Core insert that does not give it."""
    return sort_key(context.get_current_parameters().get("name") or "")


def _review_state() -> Mapped[str]:
    return mapped_column(String(16), default="extracted", index=True)


class Source(Base):
    """A document as ingested: its text (evidence offsets refer to it) and file facts."""

    __tablename__ = "sources"
    __table_args__ = (NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(512), unique=True)
    content_hash: Mapped[str] = mapped_column(String(128), index=True)
    media_type: Mapped[str] = mapped_column(String(100))
    text: Mapped[str] = mapped_column(Text)
    text_length: Mapped[int | None] = mapped_column(Integer, index=True)  # near-twins by length
    language: Mapped[str | None] = mapped_column(String(16))
    date: Mapped[str | None] = mapped_column(String(10))
    metadata_date: Mapped[str | None] = mapped_column(String(10))  # the file's own, kept as such
    title: Mapped[str | None] = mapped_column(Text)
    path: Mapped[str | None] = mapped_column(Text)
    ingested_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Place(Base):
    """A city, region, district or camp, resolved to GeoNames when possible."""

    __tablename__ = "places"
    __table_args__ = (
        CheckConstraint(REVIEW_CHECK, name="review_state"),
        CheckConstraint("kind IN ('city', 'region', 'district', 'camp')", name="kind"),
        Index("ix_places_sort_name_id", "sort_name", "id"),  # places listed by name, by page
        NO_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    geonames_id: Mapped[int | None] = mapped_column(Integer, unique=True)
    name: Mapped[str] = mapped_column(String(300))
    # `atlas.names.sort_key(name)`: lists sort by it (French order on both databases); set with
    # the name (`_keep_sort_name`, or by the writer of a Core insert or update)
    sort_name: Mapped[str] = mapped_column(SORT_TEXT, default=_sort_name)
    country: Mapped[str | None] = mapped_column(String(2), index=True)
    lat: Mapped[float | None] = mapped_column(Float)
    lon: Mapped[float | None] = mapped_column(Float)
    kind: Mapped[str] = mapped_column(String(16), default="city")
    population: Mapped[int | None] = mapped_column(Integer)
    review_state: Mapped[str] = _review_state()
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    names: Mapped[list[PlaceName]] = relationship(
        back_populates="place", cascade="all, delete-orphan", order_by="PlaceName.id",
        passive_deletes=True,
    )

    @property
    def aliases(self) -> list[str]:
        return [n.name for n in self.names if n.name != self.name]

    @validates("name")
    def _keep_sort_name(self, _key: str, value: str) -> str:
        self.sort_name = sort_key(value or "")
        return value


class PlaceName(Base):
    """Every name a place is known by (its main name included), folded for lookup."""

    __tablename__ = "place_names"
    __table_args__ = (UniqueConstraint("place_id", "name"), NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id", ondelete="CASCADE"), index=True)
    name: Mapped[str] = mapped_column(String(300))
    folded: Mapped[str] = mapped_column(String(300), index=True)

    place: Mapped[Place] = relationship(back_populates="names")


class Organisation(Base):
    """A named association, NGO, institution, company or network; one row per folded name."""

    __tablename__ = "organisations"
    __table_args__ = (CheckConstraint(REVIEW_CHECK, name="review_state"), NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(500))
    folded: Mapped[str] = mapped_column(String(500), unique=True)
    review_state: Mapped[str] = _review_state()
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Partnership(Base):
    """A standing relation between two places (one row per unordered pair)."""

    __tablename__ = "partnerships"
    __table_args__ = (
        UniqueConstraint("place_a_id", "place_b_id"),
        CheckConstraint("place_a_id < place_b_id", name="ordered_pair"),
        CheckConstraint(REVIEW_CHECK, name="review_state"),
        CheckConstraint(
            "kind IN ('twinning', 'cooperation', 'partnership', 'friendship')", name="kind"
        ),
        CheckConstraint("status IN ('proposed', 'active', 'suspended', 'ended')", name="status"),
        NO_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_a_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    place_b_id: Mapped[int] = mapped_column(ForeignKey("places.id"), index=True)
    kind: Mapped[str] = mapped_column(String(16))
    since: Mapped[str | None] = mapped_column(String(10))
    status: Mapped[str] = mapped_column(String(16), default="active")
    review_state: Mapped[str] = _review_state()
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    place_a: Mapped[Place] = relationship(foreign_keys=[place_a_id])
    place_b: Mapped[Place] = relationship(foreign_keys=[place_b_id])
    history: Mapped[list[PartnershipStatus]] = relationship(
        back_populates="partnership", cascade="all, delete-orphan", passive_deletes=True,
        order_by="PartnershipStatus.id",
    )


class PartnershipStatus(Base):
    """One dated status of a partnership (proposed, active, suspended, ended), with evidence.

    `review_state` is `extracted` (from a document) or `manual` (set by a person).
    """

    __tablename__ = "partnership_statuses"
    __table_args__ = (
        CheckConstraint("status IN ('proposed', 'active', 'suspended', 'ended')", name="status"),
        CheckConstraint(REVIEW_CHECK, name="review_state"),
        NO_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    partnership_id: Mapped[int] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    status: Mapped[str] = mapped_column(String(16))
    date: Mapped[str | None] = mapped_column(String(10))
    review_state: Mapped[str] = mapped_column(String(16), default="extracted")
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    partnership: Mapped[Partnership] = relationship(back_populates="history")


class Action(Base):
    """A dated activity carried out together by actor places with partner places."""

    __tablename__ = "actions"
    __table_args__ = (
        CheckConstraint(REVIEW_CHECK, name="review_state"),
        CheckConstraint(
            "status IN ('done', 'ongoing', 'planned', 'cancelled', 'abandoned')", name="status"
        ),
        NO_REUSE,
    )

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    start: Mapped[str | None] = mapped_column("start_date", String(10), index=True)
    end: Mapped[str | None] = mapped_column("end_date", String(10))
    status: Mapped[str] = mapped_column(String(16), default="done")
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    amounts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_state: Mapped[str] = _review_state()
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    places: Mapped[list[ActionPlace]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True, order_by="ActionPlace.position",
    )
    organisations: Mapped[list[ActionOrganisation]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True,
        order_by="ActionOrganisation.position",
    )

    def place_ids(self, role: str) -> list[int]:
        return [p.place_id for p in self.places if p.role == role]


class ActionPlace(Base):
    """A place taking part in an action, as `actor` or `partner`, in the order given."""

    __tablename__ = "action_places"
    __table_args__ = (CheckConstraint("role IN ('actor', 'partner')", name="role"),)

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    place_id: Mapped[int] = mapped_column(ForeignKey("places.id"), primary_key=True, index=True)
    role: Mapped[str] = mapped_column(String(8))
    position: Mapped[int] = mapped_column(Integer, default=0)


class ActionOrganisation(Base):
    """An organisation involved in an action."""

    __tablename__ = "action_organisations"

    action_id: Mapped[int] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


class Initiative(Base):
    """Something one place did on its own, reported so that others can learn from it."""

    __tablename__ = "initiatives"
    __table_args__ = (CheckConstraint(REVIEW_CHECK, name="review_state"), NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    place_id: Mapped[int | None] = mapped_column(ForeignKey("places.id"), index=True)
    themes: Mapped[list[str]] = mapped_column(JSON, default=list)
    context: Mapped[str | None] = mapped_column(String(100))
    start: Mapped[str | None] = mapped_column("start_date", String(10))
    end: Mapped[str | None] = mapped_column("end_date", String(10))
    amounts: Mapped[list[dict[str, Any]]] = mapped_column(JSON, default=list)
    review_state: Mapped[str] = _review_state()
    review_note: Mapped[str | None] = mapped_column(Text)
    reviewed_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    updated_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    organisations: Mapped[list[InitiativeOrganisation]] = relationship(
        cascade="all, delete-orphan", passive_deletes=True,
        order_by="InitiativeOrganisation.position",
    )


class InitiativeOrganisation(Base):
    """An organisation involved in an initiative."""

    __tablename__ = "initiative_organisations"

    initiative_id: Mapped[int] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), primary_key=True
    )
    organisation_id: Mapped[int] = mapped_column(
        ForeignKey("organisations.id"), primary_key=True, index=True
    )
    position: Mapped[int] = mapped_column(Integer, default=0)


RECORD_COLUMNS = {
    "place": "place_id",
    "organisation": "organisation_id",
    "partnership": "partnership_id",
    "status": "status_id",
    "action": "action_id",
    "initiative": "initiative_id",
}
_ONE_RECORD = " + ".join(
    f"(CASE WHEN {c} IS NULL THEN 0 ELSE 1 END)" for c in RECORD_COLUMNS.values()
) + " = 1"


class Evidence(Base):
    """Where a source says something about one record: span, quoted text and what it claims."""

    __tablename__ = "evidence"
    __table_args__ = (CheckConstraint(_ONE_RECORD, name="one_record"), NO_REUSE)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_id: Mapped[int] = mapped_column(ForeignKey("sources.id", ondelete="CASCADE"), index=True)
    place_id: Mapped[int | None] = mapped_column(
        ForeignKey("places.id", ondelete="CASCADE"), index=True
    )
    organisation_id: Mapped[int | None] = mapped_column(
        ForeignKey("organisations.id", ondelete="CASCADE"), index=True
    )
    partnership_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnerships.id", ondelete="CASCADE"), index=True
    )
    status_id: Mapped[int | None] = mapped_column(
        ForeignKey("partnership_statuses.id", ondelete="CASCADE"), index=True
    )
    action_id: Mapped[int | None] = mapped_column(
        ForeignKey("actions.id", ondelete="CASCADE"), index=True
    )
    initiative_id: Mapped[int | None] = mapped_column(
        ForeignKey("initiatives.id", ondelete="CASCADE"), index=True
    )
    start: Mapped[int | None] = mapped_column("span_start", Integer)
    end: Mapped[int | None] = mapped_column("span_end", Integer)
    quote: Mapped[str | None] = mapped_column(Text)
    claim: Mapped[dict[str, Any] | None] = mapped_column(JSON)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

    source: Mapped[Source] = relationship()

    @property
    def record(self) -> tuple[str, int]:
        """(`kind`, id) of the record this evidence is about."""
        for kind, column in RECORD_COLUMNS.items():
            value = getattr(self, column)
            if value is not None:
                return kind, value
        raise ValueError(f"evidence {self.id} is about no record")


class LostEvidence(Base):
    """What a removed source said about a record a person reviewed or added: the record stays,
    and this row says its source is gone. Re-ingesting that source finds the record again by
    these quotes (its fields may have been corrected) and puts the evidence back."""

    __tablename__ = "lost_evidence"
    __table_args__ = (NO_REUSE,)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    source_name: Mapped[str] = mapped_column(String(512), index=True)
    record_kind: Mapped[str] = mapped_column(String(16))
    record_id: Mapped[int] = mapped_column(Integer, index=True)
    quote: Mapped[str | None] = mapped_column(Text)
    removed_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


RECORD_MODELS: dict[str, type[Base]] = {
    "place": Place,
    "organisation": Organisation,
    "partnership": Partnership,
    "status": PartnershipStatus,
    "action": Action,
    "initiative": Initiative,
}

# the web's accounts live in their own module; imported here so that the metadata (and so the
# migrations check) always holds their tables
from jumelage.atlas import accounts as _accounts  # noqa: E402,F401
