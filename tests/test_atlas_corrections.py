"""Corrections and what documents claim, on SQLite and PostgreSQL: a date the atlas cannot bound
is refused at every door and never breaks a read; a person's correction never makes a later
document duplicate the record; a status history keeps one entry for refinements of one date and
follows a corrected `since`."""
from __future__ import annotations

import hashlib
from typing import Any

import pytest
from sqlalchemy import update

from jumelage.atlas import Atlas
from jumelage.atlas.models import Action, Partnership, PartnershipStatus
from jumelage.errors import InvalidChange
from jumelage.records import Action as ActionRecord
from jumelage.records import Document, Extraction, Initiative, Partnership as PartnershipRecord
from jumelage.records import Place, StatusChange


def _doc(name: str, text: str) -> Document:
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(name=name, text=text, media_type="text/plain", content_hash=digest)


def _places() -> list[Place]:
    return [Place("v", "Vernouillet-sur-Aube", "FR", 9200001, 48.3, 4.1),
            Place("k", "Kleinwalden", "DE", 9200002, 50.1, 9.2)]


def _visit(name: str, start: str | None, extra: str = "") -> tuple[Document, Extraction]:
    """A document saying a delegation of Kleinwalden came to Vernouillet-sur-Aube."""
    said = ("En 2019, une délégation de Kleinwalden a été reçue à Vernouillet-sur-Aube "
            "pour la fête de la musique.")
    text = f"{extra}{said}\n"
    at = text.index(said)
    ext = Extraction(source=name, places=_places())
    ext.actions.append(ActionRecord(["v"], ["k"], start, None, "done", ["culture"],
                                    span=(at, at + len(said))))
    return _doc(name, text), ext


def _twinning(name: str, since: str | None, history: list[tuple[str, str]] = (),
              status: str = "active") -> tuple[Document, Extraction]:
    text = f"{name}: Vernouillet-sur-Aube est jumelée avec Kleinwalden.\n"
    ext = Extraction(source=name, places=_places())
    ext.partnerships.append(PartnershipRecord(
        ("v", "k"), "twinning", since, status,
        history=[StatusChange(s, d) for s, d in history], span=(0, len(text) - 1)))
    return _doc(name, text), ext


def _history(atlas: Atlas, pid: int) -> list[tuple[str, str | None]]:
    return [(h["status"], h["date"]) for h in atlas.partnership_history(pid)]


# -- 1. a date is a year 0001..9999 everywhere, and a stored bad one never breaks a read -------
def test_year_zero_is_refused_at_every_door_and_never_breaks_a_read(atlas_url: str) -> None:
    from jumelage.partial_dates import bounds, is_partial_date, parse

    assert not is_partial_date("0000") and bounds("0000") is None and parse("0000-05") is None
    assert is_partial_date("0001") and is_partial_date("9999-12-31")
    with Atlas.open(atlas_url) as atlas:
        atlas.save_extraction(*_twinning("a.txt", "1992"))
        atlas.save_extraction(*_visit("b.txt", "2019"))
        pid = atlas.partnerships()["items"][0]["id"]
        aid = atlas.actions()["items"][0]["id"]
        with pytest.raises(InvalidChange, match="0001-9999"):
            atlas.review("partnership", pid, "corrected", {"since": "0000"})
        with pytest.raises(InvalidChange, match="0001-9999"):
            atlas.review("action", aid, "corrected", {"start": "0000"})
        with pytest.raises(InvalidChange, match="0001-9999"):
            atlas.add_manual("action", {"actors": [1], "start": "0000-05"})
        doc, ext = _visit("c.txt", "0000")
        with pytest.raises(InvalidChange, match="0001-9999"):
            atlas.save_extraction(doc, ext)
        from typer.testing import CliRunner

        from jumelage.cli import app

        done = CliRunner().invoke(app, ["review", "correct", f"partnership:{pid}",
                                        "since=0000", "--db", atlas_url])
        assert done.exit_code != 0 and "0001-9999" in done.output
        assert "Traceback" not in done.output

        # an older atlas may hold such values: reads treat them as no date
        def spoil(session: Any) -> None:
            session.execute(update(Partnership).values(since="0000"))
            session.execute(update(PartnershipStatus).values(date="0000"))
            session.execute(update(Action).values(start="0000", end="0000-13"))
        atlas.write(spoil)
        place = atlas.find_place("Vernouillet-sur-Aube")
        assert place is not None
        detail = atlas.place_detail(place["id"])
        assert detail is not None and detail["partners"][0]["activity"] is not None
        assert atlas.partnerships()["items"][0]["since"] == "0000"
        done = CliRunner().invoke(app, ["show", "Vernouillet-sur-Aube", "--db", atlas_url])
        assert done.exit_code == 0, done.output
        from test_atlas_doors import _web

        with _web(atlas_url) as client:
            for url in (f"/places/{place['id']}", f"/api/places/{place['id']}", "/partnerships",
                        "/api/partnerships", f"/partnerships/{pid}", "/api/actions"):
                r = client.get(url)
                assert r.status_code == 200, (url, r.status_code, r.text[-300:])
