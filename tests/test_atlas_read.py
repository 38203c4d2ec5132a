"""Page-sized reads on SQLite and PostgreSQL: keyset cursors walk a list without duplicates or
gaps, filters keep what they say, details are complete, and errors have kinds the web can map."""
from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from jumelage.atlas import Atlas, Filters
from jumelage.errors import AtlasError, DatabaseUnavailable, InvalidChange, NotFound
from test_atlas_support import TEXT_A, TEXT_B, document, extraction_a, extraction_b

COUNTRIES = ["FR", "DE", "ML"]
THEMES = ["culture", "education", "health"]


@pytest.fixture
def atlas(atlas_url: str) -> Iterator[Atlas]:
    with Atlas.open(atlas_url) as opened:
        yield opened


@pytest.fixture
def busy(atlas: Atlas) -> dict[str, Any]:
    """12 places (two share a name), 11 partnerships, 40 actions (some undated, some with the
    same date), 9 initiatives, all made by hand through the normal write path."""
    places = []
    for i in range(12):
        name = "Bourg" if i in (3, 7) else f"Ville {chr(65 + i)}"
        places.append(atlas.add_manual("place", {"name": name, "country": COUNTRIES[i % 3]}))
    for i in range(11):
        atlas.add_manual("partnership", {"places": [places[0], places[i + 1]],
                                         "kind": "twinning" if i % 2 else "cooperation",
                                         "since": str(1960 + i)})
    actions = []
    for i in range(40):
        start = None if i % 9 == 0 else str(2000 + i % 7)   # undated ones and ties
        data = {"actors": [places[i % 12]], "partners": [places[(i + 1) % 12]],
                "themes": [THEMES[i % 3]], "status": "planned" if i % 4 == 0 else "done"}
        if start:
            data["start"] = start
        actions.append(atlas.add_manual("action", data))
    initiatives = [atlas.add_manual("initiative", {
        "place": places[i % 12], "themes": [THEMES[i % 3]], "context": "covid-19" if i % 2 else None,
        "start": str(2010 + i)}) for i in range(9)]
    return {"places": places, "actions": actions, "initiatives": initiatives}


def walk(read: Any, limit: int) -> list[dict[str, Any]]:
    """Every item of a list, page after page."""
    items, after, pages = [], None, 0
    while True:
        page = read(after=after, limit=limit)
        assert len(page["items"]) <= limit
        items += page["items"]
        pages += 1
        after = page["next"]
        if after is None:
            return items
        assert pages < 100


def test_pages_walk_every_action_once_in_timeline_order(atlas: Atlas, busy: dict) -> None:
    everything = atlas.actions(limit=500)["items"]
    assert len(everything) == 40 and atlas.actions(limit=500)["next"] is None
    for limit in (1, 7, 40):
        walked = walk(atlas.actions, limit)
        assert [a["id"] for a in walked] == [a["id"] for a in everything]
    keys = [(a["start"] is None, a["start"] or "", a["id"]) for a in everything]
    assert keys == sorted(keys)           # dated first by date, undated last, ties by id
    assert everything[-1]["start"] is None


def test_filtered_pages_keep_what_the_filter_says(atlas: Atlas, busy: dict) -> None:
    everything = atlas.actions(limit=500)["items"]
    health = walk(lambda **kw: atlas.actions(Filters(theme="health"), **kw), 3)
    assert [a["id"] for a in health] == [a["id"] for a in everything if "health" in a["themes"]]
    planned = walk(lambda **kw: atlas.actions(Filters(status="planned", year_from=2002,
                                                      year_to=2004), **kw), 2)
    assert planned and all(a["status"] == "planned" and "2002" <= a["start"] <= "2004"
                           for a in planned)
    place = busy["places"][5]
    mine = walk(lambda **kw: atlas.actions(Filters(place=place), **kw), 2)
    assert mine and all(place in [p["id"] for p in a["actors"] + a["partners"]] for a in mine)
    assert len(mine) == sum(place in [p["id"] for p in a["actors"] + a["partners"]]
                            for a in everything)
    ml = atlas.actions(Filters(country="ml", theme="education"), limit=500)["items"]
    ml_places = {p["id"] for p in atlas.places(Filters(country="ML"), limit=500)["items"]}
    expected = [a["id"] for a in everything if "education" in a["themes"] and ml_places
                & {p["id"] for p in a["actors"] + a["partners"]}]
    assert [a["id"] for a in ml] == expected and expected


def test_places_partnerships_and_initiatives_pages(atlas: Atlas, busy: dict) -> None:
    places = walk(atlas.places, 5)
    assert len(places) == 12 and len({p["id"] for p in places}) == 12
    assert [(p["name"], p["id"]) for p in places] == sorted((p["name"], p["id"]) for p in places)
    hub = next(p for p in places if p["id"] == busy["places"][0])
    assert hub["partner_count"] == 11 and hub["action_count"] > 0
    bourgs = walk(lambda **kw: atlas.places(Filters(q="bourg"), **kw), 1)  # same name, 2 pages
    assert [p["id"] for p in bourgs] == sorted([busy["places"][3], busy["places"][7]])
    ships = walk(atlas.partnerships, 4)
    assert [s["id"] for s in ships] == sorted(s["id"] for s in ships) and len(ships) == 11
    twinnings = walk(lambda **kw: atlas.partnerships(Filters(kind="twinning"), **kw), 2)
    assert len(twinnings) == 5 and all(s["kind"] == "twinning" for s in twinnings)
    old = atlas.partnerships(Filters(year_to=1962))["items"]
    assert sorted(s["since"] for s in old) == ["1960", "1961", "1962"]
    de = atlas.partnerships(Filters(country="DE"))["items"]
    assert de and all("DE" in {p["country"] for p in s["places"]} for s in de)
    inits = walk(lambda **kw: atlas.initiatives(Filters(context="covid-19"), **kw), 2)
    assert [i["id"] for i in inits] == [i for n, i in enumerate(busy["initiatives"]) if n % 2]
    by_theme = atlas.initiatives(Filters(theme="education"))["items"]
    assert [i["id"] for i in by_theme] == [i for n, i in enumerate(busy["initiatives"])
                                           if n % 3 == 1]


def test_a_cursor_survives_rows_added_between_pages(atlas: Atlas, busy: dict) -> None:
    first = atlas.actions(limit=10)
    atlas.add_manual("action", {"actors": [busy["places"][0]], "start": "1990"})  # sorts first
    rest = walk(lambda **kw: atlas.actions(**kw) if kw["after"] else first, 10)
    ids = [a["id"] for a in rest]
    assert len(ids) == len(set(ids)) == 40  # the new one is before the cursor: not shown, no dup


def test_place_and_partnership_pages(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    atlas.save_extraction(document("b.txt", TEXT_B, "2024-04"), extraction_b())
    padua = atlas.find_place("Padoue")
    assert padua is not None
    detail = atlas.place_detail(padua["id"])
    assert detail is not None and detail["timeline_next"] is None
    [partner] = detail["partners"]
    assert partner["place"]["name"] == "Bellerive"
    assert [h["status"] for h in partner["history"]] == ["active", "suspended", "active"]
    assert all(h["evidence"] for h in partner["history"])
    ship = atlas.partnership_detail(partner["partnership_id"])
    assert ship is not None
    assert {p["name"] for p in ship["places"]} == {"Bellerive", "Padoue"}
    assert [h["status"] for h in ship["history"]] == ["active", "suspended", "active"]
    assert {e["source"] for e in ship["evidence"]} == {"a.txt", "b.txt"}
    assert [a["start"] for a in ship["actions"]] == ["2019", "2021", "2024-03"]
    assert atlas.partnership_detail(999) is None
    assert [s["name"] for s in atlas.latest_sources(1)] in (["a.txt"], ["b.txt"])


def test_error_kinds(atlas: Atlas, busy: dict) -> None:
    with pytest.raises(NotFound) as missing:
        atlas.get("action", 99999)
    assert str(missing.value) == "no action with id 99999"
    with pytest.raises(NotFound):
        atlas.review("place", 99999, "confirmed")
    for bad in (lambda: atlas.actions(Filters(theme="cooking")),
                lambda: atlas.actions(Filters(status="done-ish")),
                lambda: atlas.places(Filters(theme="culture")),     # not a places filter
                lambda: atlas.actions(Filters(country="France")),
                lambda: atlas.actions(limit=0),
                lambda: atlas.actions(limit=501),
                lambda: atlas.actions(after="not a cursor"),
                lambda: atlas.actions(after=atlas.places(limit=1)["next"]),  # another list's
                lambda: atlas.search("x", Filters(record="poem")),
                lambda: atlas.review("action", busy["actions"][0], "corrected",
                                     {"status": "maybe"}),
                lambda: atlas.add_manual("partnership", {"places": [busy["places"][0]]})):
        with pytest.raises(InvalidChange):
            bad()
    assert issubclass(NotFound, AtlasError) and issubclass(InvalidChange, AtlasError)
    assert issubclass(DatabaseUnavailable, AtlasError)


def test_an_unreachable_database_is_unavailable() -> None:
    with pytest.raises(DatabaseUnavailable) as down:
        Atlas.open("postgresql+psycopg://jumelage:s3cret@127.0.0.1:1/atlas")
    assert "s3cret" not in str(down.value) and "connection refused" in str(down.value)


def test_the_public_door_reads_and_writes(atlas: Atlas, busy: dict) -> None:
    from sqlalchemy import func, select

    from jumelage.atlas.models import Action
    assert atlas.read(lambda s: s.scalar(select(func.count(Action.id)))) == 40

    def fail(session: Any) -> None:
        session.execute(Action.__table__.delete())
        raise InvalidChange("changed my mind")
    with pytest.raises(InvalidChange):
        atlas.write(fail)
    assert atlas.read(lambda s: s.scalar(select(func.count(Action.id)))) == 40  # rolled back
