"""One home for partial dates: read, extract and atlas all use `jumelage.partial_dates`."""
from datetime import date

import jumelage.extract.dates as extract_dates
import jumelage.partial_dates as pd
from jumelage.atlas import merge
from jumelage.extract import extract_text
from jumelage.extract import relations


def test_parse_bounds_compare_earliest():
    assert pd.parse("2014-5-29T10:00") == (2014, 5, 29)
    assert pd.parse("2014-5", strict=True) is None
    assert pd.parse("2023-02-29") is None
    assert pd.bounds("2024-02") == (date(2024, 2, 1), date(2024, 2, 29))
    assert pd.compare("2014", "2014-05") == 0 and pd.compare("2013-12", "2014") == -1
    assert pd.earliest(["1970", "1963", "1963-05", None]) == "1963-05"
    assert pd.normalise(" 2014-5 ") == "2014-05"
    assert not pd.is_partial_date("1963-13")


def test_every_layer_uses_the_one_home():
    assert extract_dates.parse_iso is pd.parse
    assert relations.earliest is pd.earliest
    assert merge.earliest is pd.earliest


def test_the_more_precise_date_of_the_same_year_founds_the_twinning():
    ext = extract_text("Dreux est jumelée avec Ludwigshafen depuis 1975, date de la charte "
                       "signée le 3 octobre 1975.")
    assert [p.since for p in ext.partnerships] == ["1975-10-03"]


def test_a_period_covers_from_its_starts_first_day_to_its_ends_last() -> None:
    from datetime import date

    from jumelage.partial_dates import period_bounds

    assert period_bounds("2022") == (date(2022, 1, 1), date(2022, 12, 31))
    assert period_bounds("2021-05", "2022") == (date(2021, 5, 1), date(2022, 12, 31))
    assert period_bounds("2024-02", None) == (date(2024, 2, 1), date(2024, 2, 29))
    assert period_bounds("2022-13") is None and period_bounds(None) is None
