"""GeoNames places and names for French text: look up, resolve, scan.

Names are compared by `jumelage.names.name_key`, the key the atlas stores too.

    from jumelage.gazetteer import get_gazetteer, country_code
    gaz = get_gazetteer()
    gaz.resolve("Padoue")                      # PlaceMatch(geonames_id=3171728, country="IT", ...)
    gaz.resolve("Halle", countries=["DE"])     # Halle (Saale)
    gaz.find_candidates("jumelée avec Villiers-sur-Marne")
    country_code("burkinabè")                  # "BF"

The index is a SQLite file built once in the user cache directory (see `index.py`).
"""
from jumelage.gazetteer.countries import country_code, country_name_fr, is_country_name
from jumelage.gazetteer.gazetteer import (
    Gazetteer, PlaceMatch, country_and_territories, get_gazetteer,
)

__all__ = [
    "Gazetteer", "PlaceMatch", "country_and_territories", "country_code", "country_name_fr",
    "get_gazetteer",
    "is_country_name",
]
