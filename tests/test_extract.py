"""The extractor end to end on short French texts written for these tests (real towns, invented facts)."""

from jumelage.extract import extract_text


def by_name(ext):
    return {p.ref: p for p in ext.places}


def pair_names(ext, partnership):
    places = by_name(ext)
    return {places[r].name for r in partnership.places}


CITY_PAGE = """Nos jumelages

Publié le 12 mars 2024

La ville de Montbéliard entretient des liens d'amitié avec ses villes jumelles.

Ludwigsburg (Allemagne)

Le serment de jumelage entre Montbéliard et Ludwigsburg a été signé le 12 mai 1962.

2015 – 2017 : accueil à Montbéliard de jeunes musiciens de Ludwigsburg pour des concerts communs.

Mai 2019 : délégation montbéliardaise à Ludwigsburg, conduite par le maire, pour le 57e anniversaire.

Depuis 2020 : échanges scolaires chaque printemps entre les collèges des deux villes.

2025 : projet de rencontre sportive des clubs de football.
"""


def test_owner_partnership_since_and_dated_items():
    ext = extract_text(CITY_PAGE, "page.txt")
    places = by_name(ext)
    assert places[ext.owner].name == "Montbéliard"
    assert places[ext.owner].country == "FR"
    links = [p for p in ext.partnerships if pair_names(ext, p) == {"Montbéliard", "Ludwigsburg"}]
    assert len(links) == 1
    assert links[0].kind == "twinning"
    assert links[0].since == "1962-05-12"
    ludwigsburg = next(p for p in ext.places if p.name == "Ludwigsburg")
    assert ludwigsburg.country == "DE" and ludwigsburg.geonames_id
    actions = {a.start: a for a in ext.actions}
    assert actions["2015"].end == "2017" and actions["2015"].status == "done"
    assert "culture" in actions["2015"].themes
    assert actions["2019-05"].status == "done"
    assert actions["2020"].end is None and actions["2020"].status == "ongoing"
    assert actions["2025"].status == "planned"
    for a in ext.actions:
        assert ludwigsburg.ref in a.actors + a.partners
        # every record points at the exact text that says it
        assert CITY_PAGE[a.span[0]:a.span[1]] == a.quote


NEWS = """Besançon suspend son jumelage avec Tver

Publié le 3 mars 2022

La ville de Besançon a annoncé la suspension de son jumelage avec la ville russe de Tver, à 180 km de
Moscou, en raison de la guerre en Ukraine. Le jumelage avait été signé en 1988.
"""


def test_suspension_is_a_dated_status_change_and_a_distance_is_not_an_actor():
    ext = extract_text(NEWS, "news.txt")
    names = {p.name for p in ext.places}
    assert {"Besançon", "Tver"} <= names
    assert "Moscou" not in names
    link = next(p for p in ext.partnerships if pair_names(ext, p) == {"Besançon", "Tver"})
    assert link.status == "suspended"
    assert link.history and link.history[-1].status == "suspended"
    assert link.history[-1].date.startswith("2022")
    assert link.since == "1988"


ANNIVERSARY = """30e anniversaire du jumelage Figeac-Tiel

Publié le 20 juin 2015

Les 13 et 14 juin, une délégation de Tiel (Pays-Bas) a été accueillie à Figeac pour fêter le 30e
anniversaire du jumelage entre les deux villes.
"""


def test_anniversary_gives_the_founding_year():
    ext = extract_text(ANNIVERSARY, "anniv.txt")
    link = next(p for p in ext.partnerships if pair_names(ext, p) >= {"Tiel"})
    assert link.since == "1985"
    action = ext.actions[0]
    assert action.start == "2015-06-13" and action.end == "2015-06-14"
    assert action.status == "done"


MAGAZINE = """NOS VILLES JUMELÉES FACE À LA CRISE
Partage d'expériences avec nos villes jumelées de la ville de Nancy.

# PORTO OUVRE
SES MUSÉES
La municipalité de Porto a rouvert ses musées
dès le mois de mai, avec des visites gratuites
pour les soignants et une exposition sur la pandémie.
"""


def test_a_section_about_a_twin_city_is_its_initiative():
    ext = extract_text(MAGAZINE, "mag.txt")
    porto = next(p for p in ext.places if p.name.lower() == "porto")
    assert porto.country == "PT"
    assert any(i.place == porto.ref for i in ext.initiatives)
    initiative = next(i for i in ext.initiatives if i.place == porto.ref)
    assert "culture" in initiative.themes
    assert initiative.context == "covid-19"
    assert any(pair_names(ext, p) >= {"Nancy"} and porto.ref in p.places for p in ext.partnerships)


GRANT = """Coopération avec Kaya

Publié le 5 octobre 2021

La ville de Chambéry mène une coopération décentralisée avec Kaya (Burkina Faso) depuis 1991.
En 2021, la ville a versé une subvention de 12 000 euros pour la construction de deux forages.
"""


def test_cooperation_kind_and_amounts():
    ext = extract_text(GRANT, "grant.txt")
    link = next(p for p in ext.partnerships if pair_names(ext, p) == {"Chambéry", "Kaya"})
    assert link.kind == "cooperation"
    assert link.since == "1991"
    action = next(a for a in ext.actions if a.start == "2021")
    assert [(m.value, m.currency) for m in action.amounts] == [(12000, "EUR")]
    assert "water_sanitation" in action.themes


def test_interchange_format_round_trip():
    ext = extract_text(CITY_PAGE, "page.txt")
    data = ext.to_dict()
    assert data["source"] == "page.txt"
    assert {"places", "partnerships", "actions", "initiatives", "organizations"} <= set(data)
    from jumelage.records import Extraction

    again = Extraction.from_dict(data, CITY_PAGE)
    assert again.to_dict() == data


def test_empty_and_placeless_text():
    ext = extract_text("Bonjour. Il fait beau aujourd'hui.", "x.txt")
    assert ext.places == [] and ext.partnerships == [] and ext.actions == []


FIRST_PERSON = """Nos villes jumelles

Notre commune entretient depuis longtemps des liens avec ses partenaires européens. Le maire de
Saint-Herblain a reçu cette semaine une délégation de Waltrop. Saint-Herblain et Waltrop sont jumelées
depuis 1983. À Herblain, on attend déjà la prochaine visite.
"""


def test_owner_city_is_inferred_and_its_short_forms_folded_into_it():
    ext = extract_text(FIRST_PERSON, "fp.txt")
    owner = by_name(ext)[ext.owner]
    assert owner.name == "Saint-Herblain"
    assert all(p.name != "Herblain" for p in ext.places)
    link = next(p for p in ext.partnerships if ext.owner in p.places)
    assert pair_names(ext, link) == {"Saint-Herblain", "Waltrop"}
    assert link.since == "1983"


def test_no_owner_without_a_french_place():
    ext = extract_text("Séville et Porto ont signé le 3 mai 2019 une charte de jumelage.", "x.txt")
    assert ext.owner is None
    assert {p.name for p in ext.places} == {"Séville", "Porto"}
    assert ext.partnerships and ext.partnerships[0].since == "2019-05-03"


MINUTES = """COMITÉ DE JUMELAGE
Lannion –Günzburgg
Assemblée générale du 12 janvier 2019
"""


def test_dash_pair_under_a_twinning_heading_even_misspelt():
    ext = extract_text(MINUTES, "ag.txt")
    names = {p.name: p for p in ext.places}
    assert "Lannion" in names and "Günzburgg" in names
    assert names["Günzburgg"].country == "DE"
    assert any(pair_names(ext, p) == {"Lannion", "Günzburgg"} and p.kind == "twinning"
               for p in ext.partnerships)


GLUED = """Kara (Togo)

La ville de Chartres coopère avec Kara depuis 2001.

2012, la ville a financé un puits à Kara.2014-2016, un programme de formation d'infirmiers a été mené à Kara.
"""


def test_a_dated_statement_glued_to_the_previous_sentence_is_its_own_action():
    ext = extract_text(GLUED, "glued.txt")
    starts = sorted((a.start, a.end) for a in ext.actions)
    assert ("2012", "2012") in starts and ("2014", "2016") in starts


def test_suspension_keeps_the_founding_date_and_dates_the_change_by_the_event():
    text = ("Publié le 3 mars 2022\n\nLe conseil municipal de Troyes a voté lundi soir la suspension du "
            "jumelage qui unit la ville à Tver, en Russie, depuis 1970. Les liens avec les habitants ne "
            "sont pas rompus pour autant.\n")
    ext = extract_text(text, "t.txt")
    link = ext.partnerships[0]
    assert link.since == "1970"
    assert [(h.status, h.date) for h in link.history] == [("suspended", "2022-02-28")]


def test_heading_capitals_do_not_make_the_display_name():
    ext = extract_text("# ÉVREUX ACCUEILLE RUGBY\nÉvreux et Rugby sont jumelées depuis 1959.\n", "e.txt")
    assert {p.name for p in ext.places} == {"Évreux", "Rugby"}


def test_a_founding_date_belongs_to_the_partner_it_follows():
    ext = extract_text("Publié le 2 mai 2022\n\nLa ville de Poitiers est jumelée avec Marburg (Allemagne) "
                       "depuis 1961 et avec Coimbra (Portugal).\n", "p.txt")
    since = {frozenset(pair_names(ext, p)): p.since for p in ext.partnerships}
    assert since[frozenset({"Poitiers", "Marburg"})] == "1961"
    assert since[frozenset({"Poitiers", "Coimbra"})] is None


def test_a_place_named_in_a_heading_before_a_paragraph_is_found():
    text = ("Coopération décentralisée avec Ziguinchor\n\nLa Ville de Saint-Maur-des-Fossés et la commune "
            "de Ziguinchor sont liées par une convention de coopération signée en 2008.\n\n"
            "2012 : formation de dix agents municipaux à l'état civil.\n\n"
            "2024 : projet de jardin maraîcher, reporté à 2025 faute de financement.\n")
    ext = extract_text(text, "z.txt")
    actions = {a.start: a for a in ext.actions}
    assert set(actions) == {"2012", "2024"}
    assert actions["2012"].status == "done"
    assert actions["2024"].status == "planned"


def test_a_first_person_page_of_a_town_outside_france_has_an_owner():
    text = ("Nos villes jumelées\n\nLa ville de Liège entretient des liens avec notre ville soeur de Cologne "
            "depuis 1958. En 2019, une délégation de Cologne a été accueillie à Liège.\n")
    ext = extract_text(text, "liege.txt")
    owner = by_name(ext)[ext.owner]
    assert (owner.name, owner.country) == ("Liège", "BE")
    link = ext.partnerships[0]
    assert pair_names(ext, link) == {"Liège", "Cologne"} and link.since == "1958"


def test_future_tense_the_parser_misses_still_plans():
    ext = extract_text("Publié le 3 décembre 2020\n\nEn 2021, Mâcon et Spire organiseront ensemble un festival "
                       "de musique en ligne pour les jeunes des deux villes.\n", "f.txt")
    assert [a.status for a in ext.actions] == ["planned"]


def test_a_list_of_twin_towns_with_their_years():
    text = ("Jumelages\n\nLa ville de Saumur est jumelée avec :\n- Warendorf (Allemagne), depuis 1969\n"
            "- Asti (Italie), depuis 1984\n\nElle a également signé un pacte d'amitié avec Oujda (Maroc) en 2011.\n")
    ext = extract_text(text, "saumur.txt")
    got = {frozenset(pair_names(ext, p)): (p.kind, p.since) for p in ext.partnerships}
    assert got[frozenset({"Saumur", "Warendorf"})] == ("twinning", "1969")
    assert got[frozenset({"Saumur", "Asti"})] == ("twinning", "1984")
    assert got[frozenset({"Saumur", "Oujda"})] == ("friendship", "2011")


def test_a_third_french_town_is_not_made_the_owners_twin():
    text = ("Le 12 novembre 2023, des maires ont appelé à un cessez-le-feu. Grenoble, en coopération avec "
            "Rafah depuis 2003, a voté une aide d'urgence de 50 000 euros. Bègles, jumelée avec Beit Sahour, "
            "a organisé une collecte de dons.\n")
    ext = extract_text(text, "gaza.txt")
    pairs = {frozenset(pair_names(ext, p)) for p in ext.partnerships}
    assert frozenset({"Grenoble", "Bègles"}) not in pairs
    assert frozenset({"Bègles", "Beit Sahour"}) in pairs
    action = next(a for a in ext.actions if a.amounts)
    assert [(m.value, m.currency) for m in action.amounts] == [(50000, "EUR")]


def test_a_meeting_of_towns_without_the_owner_is_one_action_of_them_all():
    text = ("Note d'information\n\n12 mai 2021\n\nMercredi 12 mai 2021, quarante participants se sont réunis "
            "en ligne pour la deuxième session du réseau.\n\nParmi les participants figuraient les maires "
            "adjoints de Lisbonne, Turin et Séville, ainsi que des représentants de Dakar.\n")
    ext = extract_text(text, "note.txt")
    assert ext.owner is None
    action = ext.actions[0]
    assert {by_name(ext)[r].name for r in action.actors} == {"Lisbonne", "Turin", "Séville", "Dakar"}
    assert action.start == "2021-05-12" and action.status == "done"
    assert text[action.span[0]:].startswith("Mercredi 12 mai 2021")
