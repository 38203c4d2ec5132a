"""French dates, periods and seasons found with their spans; the document's date; period status."""
from __future__ import annotations

from itertools import pairwise

import pytest

from jumelage.errors import JumelageError
from jumelage.extract.dates import DateMention, document_date, find_dates, period_status, stated_date
from jumelage.extract.lexicon import load_json


def found(text: str, doc_date: str | None = None) -> list[tuple[str, str | None, str | None, str]]:
    mentions = find_dates(text, doc_date)
    for m in mentions:
        assert text[m.start_char:m.end_char] == m.text
    return [(m.text, m.start, m.end, m.kind) for m in mentions]


CASES = [
    # years and year ranges
    ("2006 – 2008 : chantier d'été à Koudougou.", None, [("2006 – 2008", "2006", "2008", "range")]),
    ("2003-2014 : accueil de stagiaires allemands.", None, [("2003-2014", "2003", "2014", "range")]),
    ("De 2006 à 2014, la ville a reçu des stagiaires.", None, [("De 2006 à 2014", "2006", "2014", "range")]),
    ("Le programme a tourné entre 2010 et 2012.", None, [("entre 2010 et 2012", "2010", "2012", "range")]),
    ("Les voyages ont été annulés en 2020, 2021 et 2022.", None,
     [("2020, 2021 et 2022", "2020", "2022", "range")]),
    ("Des bourses ont été versées en 2019 et 2021.", None, [("2019 et 2021", "2019", "2021", "range")]),
    ("La saison 2018/19 du club s'est bien passée.", None, [("2018/19", "2018", "2019", "range")]),
    ("Le lycée a accueilli ses correspondants en 2020.", None, [("2020", "2020", "2020", "point")]),
    ("Le pont fut bâti en 1784 par les habitants.", None, [("1784", "1784", "1784", "point")]),
    ("Et pour 2021, les deux villes préparent un forum.", None, [("2021", "2021", "2021", "point")]),
    # since and until
    ("Depuis 2016 : ateliers de cuisine partagés.", None, [("Depuis 2016", "2016", None, "since")]),
    ("La bibliothèque est ouverte depuis le 20 avril.", "2021-05-03",
     [("depuis le 20 avril", "2021-04-20", None, "since")]),
    ("Dès 2019, la commune a planté des arbres.", None, [("Dès 2019", "2019", None, "since")]),
    ("La convention court jusqu'en 2021.", None, [("jusqu'en 2021", None, "2021", "until")]),
    ("L'exposition reste visible jusqu'au 30 juin 2020.", None,
     [("jusqu'au 30 juin 2020", None, "2020-06-30", "until")]),
    ("Le lien existe de 1998 à nos jours.", None, [("de 1998 à nos jours", "1998", None, "since")]),
    ("Jumelées depuis 25 ans, les deux villes fêtent l'événement.", "2023-06-10",
     [("depuis 25 ans", "1998", None, "since")]),
    # months and days
    ("Juin 2012 : tournoi de handball des agents.", None, [("Juin 2012", "2012-06", "2012-06", "point")]),
    ("La chorale est venue en mai 2018.", None, [("mai 2018", "2018-05", "2018-05", "point")]),
    ("Avril - mai 2018 : résidence d'artistes.", None, [("Avril - mai 2018", "2018-04", "2018-05", "range")]),
    ("Le chantier durera d'avril à juin.", "2024-01-10", [("d'avril à juin", "2024-04", "2024-06", "range")]),
    ("Rénovation du quartier.2007-2011, puis un bilan.", None, [("2007-2011", "2007", "2011", "range")]),
    ("Les préparatifs ont eu lieu en juin, juillet.", "2015-10-02",
     [("juin, juillet", "2015-06", "2015-07", "range")]),
    ("La charte fut signée le 6 juin 1965 en mairie.", None,
     [("6 juin 1965", "1965-06-06", "1965-06-06", "point")]),
    ("Le serment fut renouvelé le 1er mai 2005.", None, [("1er mai 2005", "2005-05-01", "2005-05-01", "point")]),
    ("Marché de Noël le 1 er décembre 2013 à Florac.", None,
     [("1 er décembre 2013", "2013-12-01", "2013-12-01", "point")]),
    ("Rencontre à Quimperlé les 12, 13 mai et 2 juin avec 30 personnes.", "2016-11-20",
     [("les 12, 13 mai et 2 juin", "2016-05-12", "2016-06-02", "range")]),
    ("La fête a eu lieu du 1er au 3 juillet.", "2022-09-01",
     [("du 1er au 3 juillet", "2022-07-01", "2022-07-03", "range")]),
    ("Une mission s'est tenue du 16 au 30 janvier dernier.", "2019-02-18",
     [("du 16 au 30 janvier", "2019-01-16", "2019-01-30", "range")]),
    ("La délégation a séjourné à Tulle les 3 et 4 juillet.", "2023-07-10",
     [("les 3 et 4 juillet", "2023-07-03", "2023-07-04", "range")]),
    ("Le voyage aura lieu du 28 décembre au 3 janvier 2024.", None,
     [("du 28 décembre au 3 janvier 2024", "2023-12-28", "2024-01-03", "range")]),
    ("Les deux maires ont signé ce mardi 4 juillet une déclaration.", "2023-07-05",
     [("ce mardi 4 juillet", "2023-07-04", "2023-07-04", "point")]),
    ("Publié le 18/02/2019 par la rédaction.", None, [("18/02/2019", "2019-02-18", "2019-02-18", "point")]),
    ("date 2022-03 Les dons affluent.", None, [("2022-03", "2022-03", "2022-03", "point")]),
    ("La rentrée est fixée au 2 septembre (2septembre en brochure).", "2024-06-01",
     [("2 septembre", "2024-09-02", "2024-09-02", "point"), ("2septembre", "2024-09-02", "2024-09-02", "point")]),
    # qualifiers, seasons, decades
    ("Deux élus étaient venus début 2018 puis fin 2019.", None,
     [("début 2018", "2018", "2018", "point"), ("fin 2019", "2019", "2019", "point")]),
    ("Le camion est parti mi-février vers Lviv.", "2022-03-15", [("mi-février", "2022-02", "2022-02", "point")]),
    ("Tout début décembre 2019, le maire s'est rendu à Wuhan.", None,
     [("Tout début décembre 2019", "2019-12", "2019-12", "point")]),
    ("Le comité ira à Lecce à la fin de ce mois de mars.", "2019-03-12",
     [("à la fin de ce mois de mars", "2019-03", "2019-03", "point")]),
    ("Printemps 2017 : soutien à une grève de la faim.", None,
     [("Printemps 2017", "2017-03", "2017-05", "season")]),
    ("Une délégation est attendue à l'automne 2023.", None, [("automne 2023", "2023-09", "2023-11", "season")]),
    ("En hiver 2005/06, une citerne a été installée.", None, [("hiver 2005/06", "2005-12", "2006-02", "season")]),
    ("La ville a reconnu ce génocide au début des années 80.", None,
     [("au début des années 80", "1980", "1989", "decade")]),
    ("Les premiers liens datent des années 1990.", None, [("années 1990", "1990", "1999", "decade")]),
    # relative expressions
    ("Le maire a annoncé lundi son soutien.", "2022-03-09", [("lundi", "2022-03-07", "2022-03-07", "relative")]),
    ("Il s'était rendu sur place la semaine dernière.", "2022-03-09",
     [("la semaine dernière", "2022-02-28", "2022-03-06", "relative")]),
    ("La fresque a été peinte il y a un an.", "2022-03-09", [("il y a un an", "2021", "2021", "relative")]),
    ("Le marché a réuni 40 exposants l'an dernier et reviendra l'année prochaine.", "2019-10-01",
     [("l'an dernier", "2018", "2018", "relative"), ("l'année prochaine", "2020", "2020", "relative")]),
    ("Cette année, la fête du jumelage se tient à Bautzen.", "2014-05-04",
     [("Cette année", "2014", "2014", "relative")]),
    ("L'an dernier, la ville a accueilli des réfugiés.", None, []),
]


@pytest.mark.parametrize(("text", "doc_date", "expected"), CASES, ids=[c[0][:40] for c in CASES])
def test_find_dates(text: str, doc_date: str | None, expected: list[tuple]) -> None:
    assert found(text, doc_date) == expected


NOT_DATES = [
    "Plus de 2 500 personnes ont participé.",
    "La ville compte 2020 habitants et 1999 logements.",
    "Un don de 2015 euros a été remis.",
    "Voir l'article 2012 du règlement, page 1998.",
    "La ville de 720.000 habitants est à 8.800 km.",
    "Le projet a coûté 1.500 €.",
    "Le Stammtisch se tient chaque 1er mercredi du mois.",
    "Le lundi, nous avons fait des gâteaux.",
    "Les travaux ont été réalisés et le bilan a été bon.",
    "Le rapport compte 12 2019 lignes.",
]


@pytest.mark.parametrize("text", NOT_DATES)
def test_numbers_habits_and_verbs_are_not_dates(text: str) -> None:
    assert find_dates(text, "2020-01-15") == []


def test_yearless_date_takes_the_year_of_its_sentence() -> None:
    text = "En 2013, une délégation est venue le 14 septembre pour la fête."
    assert found(text, "2016-01-01")[1] == ("14 septembre", "2013-09-14", "2013-09-14", "point")


def test_weekday_picks_the_year_when_no_document_date() -> None:
    text = ("Les villes se sont jumelées le 18 novembre 2018. La cérémonie de retour se tiendra "
            "ce lundi 18 mars à la mairie.")
    assert found(text)[1] == ("ce lundi 18 mars", "2019-03-18", "2019-03-18", "point")


def test_yearless_month_after_december_rolls_into_next_year() -> None:
    text = "Tout début décembre 2019, le maire est allé en Chine. Il a envoyé des masques mi-février."
    assert found(text)[1] == ("mi-février", "2020-02", "2020-02", "point")


def test_mentions_never_overlap_and_spans_point_into_the_text() -> None:
    text = "Du 28 février au 2 mars 2020, puis depuis 2021, et de 2006 à 2014 : tout est daté."
    mentions = find_dates(text)
    assert [m.kind for m in mentions] == ["range", "since", "range"]
    for a, b in pairwise(mentions):
        assert a.end_char <= b.start_char
    assert isinstance(mentions[0], DateMention)
    assert mentions[1].open_end


def test_impossible_days_are_dropped_but_the_month_stays() -> None:
    assert find_dates("Rendez-vous le 31 février 2020.") == [
        DateMention(18, 30, "février 2020", "2020-02", "2020-02", "point", False)]


# -- the document's own date -------------------------------------------------------------------


@pytest.mark.parametrize(("text", "expected"), [
    ("Les villes jumelles face au virus\n\nPublié le 15 mai 2020\n\nGrenoble compte 19 villes.", "2020-05-15"),
    ("FÊTE DU JUMELAGE\n\nMalaucène\n05 juillet 2022 - 10:39\n0 commentaires\n\nC'est en 2019 que...",
     "2022-07-05"),
    ("Un nouvel élan\n\nPublié le 18/02/2019 | La rédaction\n\nJumelée depuis 40 ans...", "2019-02-18"),
    ("date 2022-03 Les actions de solidarité se multiplient depuis 2014.", "2022-03"),
    ("COMITE DE JUMELAGE\nAssemblée générale du 7 novembre 2014\nPrésents : 38", "2014-11-07"),
    ("Note d'information\n\n25 mars 2020\n\nPour plus d'informations", "2020-03-25"),
    ("MAGAZINE | N° 87 | JUIN 2023\nNos jumelages vivent.", "2023-06"),
    ("La coopération a débuté en 1991. Depuis 2012 elle s'est renforcée.", "2012"),
    ("Une page sans aucune date.", None),
    ("Inondations : la ville se mobilise\n\n3 novembre 2023 à 18h05 par Jeanne Le Goff\n\nLa ville a réagi.",
     "2023-11-03"),
])
def test_document_date(text: str, expected: str | None) -> None:
    assert document_date(text) == expected


def test_missing_data_file_is_one_clear_error() -> None:
    with pytest.raises(JumelageError, match="fr/nope.json is missing"):
        load_json("nope.json")


def test_document_date_prefers_metadata() -> None:
    assert document_date("Publié le 15 mai 2020", metadata_date="2021-01-02T10:00:00") == "2021-01-02"


def test_document_date_from_weekday_and_following_month() -> None:
    text = "Le puits a été creusé en hiver 2005/06. Il faisait 45° un jour de juin où cet article a été écrit."
    assert document_date(text) == "2006-06"


# -- status of a period ------------------------------------------------------------------------


@pytest.mark.parametrize(("start", "end", "doc", "open_end", "hint", "expected"), [
    ("2006", "2008", "2022", False, None, "done"),
    ("2016", None, "2022", True, None, "ongoing"),
    ("2025", "2025", "2024-05", False, None, "planned"),
    ("2022", "2024", "2023", False, None, "ongoing"),
    ("2019-03-18", "2019-03-18", "2019-03", False, "future", "planned"),
    ("2019-03", "2019-03", "2019-03-18", False, "past", "done"),
    ("2019-03", "2019-03", "2019-03-18", False, None, "done"),      # one occasion, no verb: reported
    ("2015", "2015", "2015", False, None, "done"),
    ("2019-03", "2019-05", "2019-03-18", False, None, "ongoing"),  # a period under way
    (None, None, None, False, "future", "planned"),
    (None, None, None, False, None, "done"),
    (None, None, "2020", True, None, "ongoing"),
    ("2022", "2024", "2024", False, "past", "done"),
    ("2021", "2021", None, False, "past", "done"),
])
def test_period_status(start, end, doc, open_end, hint, expected) -> None:
    assert period_status(start, end, doc, open_end, hint) == expected


# -- historical years ------------------------------------------------------------------------


def test_a_founding_or_anniversary_year_never_dates_the_page() -> None:
    text = ("Notre jumelage, remontant à 1958, a bien résisté. Le 40e anniversaire de la charte de 1985 "
            "sera fêté plus tard. Les écoles ont fermé le 16 mars.")
    assert document_date(text) is None
    # a year the text tells as an event still dates it
    assert document_date("Le jumelage a été renouvelé à Rugby en 2017. La fanfare est venue.") == "2017"


def test_a_yearless_month_borrows_no_historical_year() -> None:
    text = "Le jumelage remonte à 1971. Cette année, la fanfare devait venir en juin."
    assert [d.start for d in find_dates(text) if d.start] == ["1971"]
    # a yearless month still takes the year of an event told just before
    text = "La délégation est venue en mars 2019. En juin, la fanfare est repartie."
    assert [d.start for d in find_dates(text) if d.start] == ["2019-03", "2019-06"]


def test_the_start_of_a_relation_lends_no_year_to_a_later_yearless_date() -> None:
    text = "Lannion est jumelée avec Caerphilly depuis 1979.\n\nLa ville accueillera douze jeunes du 10 au 21 août."
    assert [d.start for d in find_dates(text) if d.start] == ["1979"]
    assert document_date(text) is None


def test_a_dateline_with_its_author_is_the_pages_stated_date() -> None:
    text = "Les jumelles s'entraident\n\n3 novembre 2023 à 18h05 par Jeanne Le Goff\n\nLa ville a réagi."
    assert stated_date(text) == "2023-11-03"
    assert stated_date("La coopération a débuté en 1991. Depuis 2012 elle s'est renforcée.") is None


def test_a_letters_dateline_is_the_pages_stated_date() -> None:
    assert stated_date("Lettre de nos amis\n\nCaerphilly, le 12.04.2021.\nLa vie a repris.") == "2021-04-12"
    # a date inside a sentence is no dateline
    assert stated_date("Lettre\n\nLa vie a repris à Caerphilly, le 12 avril 2021 les écoles ont rouvert.") is None


def test_a_press_dateline_running_into_the_article_dates_the_page() -> None:
    # no « le », and the article goes on in the same line: the dateline is still the page's date,
    # and a later, more recent date of the body does not replace it
    text = "Quimperlé, 4 février 2019. Quimperlé reçoit Pfaffenhofen. Le concert aura lieu le 2 mars 2019."
    assert document_date(text) == "2019-02-04"
    assert stated_date("Auray, mars 2018 — Les élus ont voté l'aide aux jumeaux de Tiverton.") == "2018-03"
    # a place and a date inside a clause are no dateline (« Auray, 1990, … »: a year only, a comma)
    assert stated_date("Auray, en 1990, s'est jumelée avec Tiverton.") is None
    assert stated_date("Auray, 12 mai 1990, signature de la charte avec Tiverton.") is None


def test_a_date_closing_a_head_line_after_a_separator_is_the_issues_date() -> None:
    text = "Bulletin municipal d'Ancenis — septembre 2021\n\nLe comité partira à Kirkham en décembre 2021."
    assert document_date(text) == "2021-09"
    assert stated_date("Lettre du comité | 7 octobre 2020\n\nBonjour à tous.") == "2020-10-07"
    # a year alone after a dash is no issue date (« Ancenis – Kirkham, 1985 »)
    assert stated_date("Jumelage Ancenis – Kirkham 1985\n\nLa charte est signée.") is None
