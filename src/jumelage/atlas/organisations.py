"""Organisation find-or-create: the one place an organisation row is found by name or made.

An organisation is known by its name key (`jumelage.names.name_key`): « Comité de jumelage »
and « COMITE DE JUMELAGE » are one organisation. Saving a document (`save.py`), recomputing a
record from its claims (`recompute.py`) and a person's review (`review.py`) all ask this class,
so they cannot disagree on which row a name means or on how a missing one is made.

    orgs = Organisations(conn, now)             # review state of created rows: "extracted"
    orgs.load(["Comité de jumelage", ...])      # one query per 500 keys, before a loop
    orgs.id_of("Comité de jumelage")            # -> id (created when missing), None if blank
    orgs.ids(["A", "a", "B"])                   # -> ids in order, once each
"""
from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from sqlalchemy import Connection

from jumelage.atlas import statements as q
from jumelage.names import name_key

CHUNK = 500


class Organisations:
    """Organisation ids by name key, over one connection (one transaction).

    `state`: the review state of the rows it creates (`extracted` for ingest and recompute,
    `manual` for names a person typed). Keys looked up once are remembered, so a loop over many
    names costs one query per `load` and one insert per new organisation.
    """

    def __init__(self, conn: Connection, now: datetime, state: str = "extracted") -> None:
        self.c, self.now, self.state = conn, now, state
        self.known: dict[str, int] = {}
        self._asked: set[str] = set()

    def load(self, names: Iterable[str]) -> None:
        """Look up, in bulk, the stored organisations of `names` not asked about yet."""
        keys = sorted({name_key(n) for n in names} - {""} - self._asked)
        self._asked.update(keys)
        for at in range(0, len(keys), CHUNK):
            self.known.update(self.c.execute(q.ORGANISATIONS,
                                             {"keys": keys[at:at + CHUNK]}).all())

    def id_of(self, name: str) -> int | None:
        """The id of the organisation called `name` (created when missing); None for a name
        with no letters or digits (its key is empty)."""
        key = name_key(name)
        if not key:
            return None
        if key not in self.known and key not in self._asked:
            self.load([name])
        oid = self.known.get(key)
        if oid is None:
            oid = self.c.execute(q.INSERT_ORGANISATION, dict(
                name=name.strip(), folded=key, review_state=self.state, created_at=self.now,
                updated_at=self.now)).scalar_one()
            self.known[key] = oid
        return oid

    def ids(self, names: Iterable[str]) -> list[int]:
        """The ids of the organisations named, in order, once each (blank names left out)."""
        names = list(names)
        self.load(names)
        out: list[int] = []
        for name in names:
            oid = self.id_of(name)
            if oid is not None and oid not in out:
                out.append(oid)
        return out
