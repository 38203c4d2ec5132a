"""Hostile input to the atlas's library path, on SQLite and PostgreSQL: paged sources, crafted
cursors, and review/add changes that would store an impossible record. Each is refused with one
InvalidChange line naming the field, and nothing is written."""
from __future__ import annotations

import base64
import json
from collections.abc import Iterator
from typing import Any

import pytest

from jumelage.atlas import Atlas, Filters
from jumelage.errors import InvalidChange
from test_atlas_support import TEXT_A, TEXT_B, document, extraction_a, extraction_b


@pytest.fixture
def atlas(atlas_url: str) -> Iterator[Atlas]:
    with Atlas.open(atlas_url) as opened:
        yield opened


def crafted(*values: Any) -> str:
    raw = json.dumps(list(values)).encode()
    return base64.urlsafe_b64encode(raw).decode().rstrip("=")


def test_sources_are_a_keyset_page(atlas: Atlas) -> None:
    for i in range(7):
        name = "b.txt" if i == 3 else f"doc-{i}.txt"
        text = TEXT_B if i == 3 else TEXT_A
        ext = extraction_b() if i == 3 else extraction_a(source=name)
        atlas.save_extraction(document(name, text + " " * i, "2023-05"), ext)
    walked, after, pages = [], None, 0
    while True:
        page = atlas.sources(after=after, limit=3)
        assert len(page["items"]) <= 3
        walked += page["items"]
        pages += 1
        after = page["next"]
        if after is None:
            break
    assert pages == 3 and len(walked) == 7
    assert [s["name"] for s in walked] == sorted(s["name"] for s in walked)
    assert all(s["evidence_count"] > 0 for s in walked)
    assert [s["name"] for s in atlas.sources(Filters(q="DOC-1"))["items"]] == ["doc-1.txt"]
    assert [s["name"] for s in atlas.sources(Filters(q="%"))["items"]] == []  # no wildcard
    assert len(list(atlas.every("sources"))) == 7
    with pytest.raises(InvalidChange):
        atlas.sources(Filters(country="FR"))
    with pytest.raises(InvalidChange):
        atlas.sources(after=atlas.places(limit=1)["next"] or crafted("places", "A", 1))


@pytest.mark.parametrize("listing,key", [
    ("places", ["Z", 1180591620717411303424]),    # > 64 bits: OverflowError in SQLite
    ("places", ["Z", -(2 ** 63) - 1]),
    ("places", ["Z", True]),
    ("places", [["Z"], 1]),
    ("places", [None, 1]),
    ("places", ["Z" * 5000, 1]),
    ("actions", ["2020", 2 ** 64]),
    ("partnerships", [2 ** 70]),
    ("initiatives", ["2020", 1.5]),
    ("sources", ["a.txt", 10 ** 30]),
])
def test_crafted_cursors_are_refused_before_the_database(atlas: Atlas, listing: str,
                                                         key: list[Any]) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    read = getattr(atlas, listing)
    with pytest.raises(InvalidChange) as refused:
        read(after=crafted(listing, *key))
    assert str(refused.value).startswith("after:")


def test_bounded_cursors_still_work(atlas: Atlas) -> None:
    atlas.save_extraction(document("a.txt", TEXT_A, "2023-05"), extraction_a())
    assert atlas.places(after=crafted("places", "~", 2 ** 63 - 1))["items"] == []
    assert atlas.places(after=crafted("places", "", -(2 ** 63)))["items"]
    with pytest.raises(InvalidChange):
        atlas.search("jumelage", after=crafted("search", 2 ** 80, 1))
    assert atlas.search("jumelage", after=crafted("search", 1e300, 1))["items"] is not None


def _places(atlas: Atlas) -> tuple[int, int]:
    a = atlas.add_manual("place", {"name": "Alpha", "country": "FR"})
    b = atlas.add_manual("place", {"name": "Beta", "country": "DE"})
    return a, b


@pytest.mark.parametrize("data,field", [
    ({"themes": ["nope"]}, "themes"),
    ({"amounts": [{"value": -5, "currency": "EUR"}]}, "amounts"),
    ({"amounts": [{"value": float("inf"), "currency": "EUR"}]}, "amounts"),
    ({"amounts": [{"value": float("nan"), "currency": "EUR"}]}, "amounts"),
    ({"amounts": [{"value": 5, "currency": "EURO"}]}, "amounts"),
    ({"amounts": [{"value": 5, "currency": "ZZZ"}]}, "amounts"),
    ({"start": "1990", "end": "1980"}, "end"),
])
def test_impossible_actions_are_refused_on_add_and_correct(atlas: Atlas, data: dict,
                                                           field: str) -> None:
    a, b = _places(atlas)
    good = atlas.add_manual("action", {"actors": [a], "partners": [b], "start": "2000"})
    before = atlas.get("action", good)
    with pytest.raises(InvalidChange) as added:
        atlas.add_manual("action", {"actors": [a], "partners": [b], **data})
    assert f"action {field}:" in str(added.value) and "\n" not in str(added.value)
    with pytest.raises(InvalidChange) as corrected:
        atlas.review("action", good, "corrected", data)
    assert f"action {field}:" in str(corrected.value)
    assert atlas.get("action", good) == before
    assert len(atlas.actions(limit=500)["items"]) == 1


def test_an_action_needs_an_actor_and_distinct_sides(atlas: Atlas) -> None:
    a, b = _places(atlas)
    with pytest.raises(InvalidChange, match="action actors: an action needs at least one actor"):
        atlas.add_manual("action", {})
    with pytest.raises(InvalidChange, match="action actors:"):
        atlas.add_manual("action", {"partners": [b]})
    with pytest.raises(InvalidChange, match=f"action partners: place {a} cannot be both"):
        atlas.add_manual("action", {"actors": [a], "partners": [a]})
    made = atlas.add_manual("action", {"actors": [a], "partners": [b]})
    with pytest.raises(InvalidChange, match="action actors:"):
        atlas.review("action", made, "corrected", {"actors": []})
    with pytest.raises(InvalidChange, match="cannot be both"):
        atlas.review("action", made, "corrected", {"partners": [a]})
    with pytest.raises(InvalidChange, match="initiative themes:"):
        atlas.add_manual("initiative", {"place": a, "themes": ["nope"]})
    fine = atlas.add_manual("initiative", {"place": a, "amounts": [
        {"value": 1500, "currency": "XOF"}]})
    assert atlas.get("initiative", fine)["amounts"][0]["currency"] == "XOF"
    assert [x["id"] for x in atlas.actions(limit=500)["items"]] == [made]


def test_extractions_with_impossible_amounts_are_refused(atlas: Atlas) -> None:
    ext = extraction_a()
    ext.actions[0].amounts[:] = []
    from jumelage.records import Amount
    ext.actions[0].amounts.append(Amount(float("inf"), "EUR"))
    with pytest.raises(InvalidChange, match="a.txt: action 1: amount inf is not a finite"):
        atlas.save_extraction(document("a.txt", TEXT_A), ext)
    assert atlas.sources()["items"] == []


def test_the_map_version_moves_with_every_change_to_places_and_partnerships(atlas: Atlas) -> None:
    empty = atlas.map_version()
    a, b = _places(atlas)
    placed = atlas.map_version()
    assert placed != empty and atlas.map_version() == placed   # stable while nothing changes
    ship = atlas.add_manual("partnership", {"places": [a, b]})
    linked = atlas.map_version()
    assert linked != placed
    atlas.review("partnership", ship, "rejected")
    assert atlas.map_version() != linked
