"""Lists of places sort in French dictionary order, accents aside, the same on SQLite and
PostgreSQL, page after page; an atlas from before revision 0006 gets its sort keys on upgrade."""
from __future__ import annotations

from alembic import command
from sqlalchemy import create_engine, text

from jumelage.atlas import Atlas, schema
from jumelage.atlas.names import sort_key

# in the order a French dictionary gives them
ORDERED = ["Aachen", "Ålesund", "Étampes", "Évry", "Ézy", "Île-d'Yeu", "Issoudun", "Oberhausen",
           "Œuilly", "Saint-Denis", "Saintes", "Zurich"]


def test_the_sort_key_reads_names_as_a_french_dictionary_does() -> None:
    assert sort_key("Île-d'Yeu") == "ile d yeu"
    assert sort_key("Œuilly") == "oeuilly"
    assert sort_key("ÉVRY") == sort_key("Évry") == "evry"
    assert sorted(reversed(ORDERED), key=sort_key) == ORDERED


def test_places_are_listed_in_french_order_page_after_page(atlas_url: str) -> None:
    with Atlas.open(atlas_url) as atlas:
        for name in reversed(ORDERED):
            atlas.add_manual("place", {"name": name, "country": "FR"})
        assert [p["name"] for p in atlas.places(limit=100)["items"]] == ORDERED
        paged = [p["name"] for p in atlas.every("places")]
        assert paged == ORDERED
        seen, after = [], None
        while True:
            page = atlas.places(limit=5, after=after)
            seen += [p["name"] for p in page["items"]]
            after = page["next"]
            if after is None:
                break
        assert seen == ORDERED
        # a corrected name moves the place in the list
        zurich = atlas.find_place("Zurich")
        atlas.review("place", zurich["id"], "corrected", {"name": "Aabenraa"})
        assert atlas.places(limit=1)["items"][0]["name"] == "Aabenraa"
        # organisations too
        for name in ("Zonta Club", "Échanges et Amitié", "Amicale Laïque"):
            atlas.add_manual("organisation", {"name": name})
        assert [o["name"] for o in atlas.organisations()] == [
            "Amicale Laïque", "Échanges et Amitié", "Zonta Club"]


def test_an_older_atlas_gets_its_sort_keys_on_upgrade(atlas_url: str) -> None:
    from datetime import datetime, timezone

    engine = create_engine(atlas_url)
    with engine.begin() as conn:
        command.upgrade(schema.config(conn), "0005")
        for n, name in enumerate(["Zurich", "Évry", "Saintes", "Aachen", "Saint Denis"], start=1):
            conn.execute(text(
                "INSERT INTO places (id, name, kind, review_state, created_at, updated_at) "
                "VALUES (:i, :n, 'city', 'manual', :t, :t)"),
                {"i": n, "n": name, "t": datetime(2024, 1, 1, tzinfo=timezone.utc)})
    engine.dispose()
    with Atlas.open(atlas_url) as atlas:
        assert [p["name"] for p in atlas.places()["items"]] == [
            "Aachen", "Évry", "Saint Denis", "Saintes", "Zurich"]
