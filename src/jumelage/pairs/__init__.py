"""Twin-city lists (CSV, one pair of cities per row) into the atlas: `jumelage import-pairs`.

    from jumelage.atlas import Atlas
    from jumelage.pairs import import_pairs

    with Atlas.open() as atlas:
        report = import_pairs("twin_city_pairs.csv", atlas, report="pairs-report.csv")
        print(report.counts())      # rows, new, unchanged, skipped, cities_unresolved, ...

`table.py` reads the list, `resolve.py` resolves its cities to GeoNames with the gazetteer of
extraction, `importer.py` stores every row through the atlas's one save path.
"""
from jumelage.pairs.importer import PairsReport, Problem, import_pairs, write_report
from jumelage.pairs.resolve import CityResolver, Resolution
from jumelage.pairs.table import City, PairRow, read_pairs

__all__ = [
    "City", "CityResolver", "PairRow", "PairsReport", "Problem", "Resolution", "import_pairs",
    "read_pairs", "write_report",
]
