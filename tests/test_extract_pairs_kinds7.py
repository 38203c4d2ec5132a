"""Partnership and place fault kinds of issue 10 (round 7), each on French sentences written for
these tests: real towns, invented facts, wordings that appear in no shared document."""
from test_extract_kinds import pairs

from jumelage.extract import extract_text


def places(ext) -> set[str]:
    return {p.name for p in ext.places}


# -- twins named only as a group (« les trois municipalités ») ---------------------------------------

GROUP = ("Depuis plus de quarante ans, le lien perdure entre {group}, raconte Anne Morel, maire de "
         "Redon. Chaque printemps, une réunion de travail fixe le programme de l'année. Au marché de "
         "Noël, des stands sont tenus par Betzdorf et Cullera, qui proposent de la bière et du "
         "fromage. La chorale de Redon chantera en novembre.")


def test_towns_named_beside_a_group_of_twins_are_the_speakers_partners():
    ext = extract_text(GROUP.format(group="les trois municipalités"))
    assert {frozenset({"Redon", "Betzdorf"}), frozenset({"Redon", "Cullera"})} <= pairs(ext)


def test_a_group_of_someone_elses_partners_ties_no_town_to_the_speaker():
    ext = extract_text(GROUP.format(group="les commerçants et leurs partenaires"))
    assert frozenset({"Redon", "Cullera"}) not in pairs(ext)


# -- a site named after a town is no actor ----------------------------------------------------------

def test_a_site_named_after_a_town_is_no_place():
    ext = extract_text("Le lien perdure entre les trois municipalités, explique Paul Henrard, bourgmestre "
                       "de Wavre. Au marché de Noël, des stands sont tenus par Épernay et Zeist. Les élus "
                       "de Zeist ont visité le site des Forges, un projet urbain de Wavre.")
    assert "Les Forges" not in places(ext)
    assert pairs(ext) == {frozenset({"Wavre", "Épernay"}), frozenset({"Wavre", "Zeist"})}


PAIR_OF_TWO = ("Saumur : la mairie accueille des étudiants de Tartu\n\nLa pandémie n'a pas interrompu "
               "les liens d'amitié entre {group}, indique la Ville dans un communiqué. Cet été, quinze "
               "étudiants de Tartu seront accueillis par des familles de Saumur.")


def test_the_two_towns_of_a_page_are_partners():
    assert pairs(extract_text(PAIR_OF_TWO.format(group="les deux villes"))) == {frozenset({"Saumur", "Tartu"})}


def test_visitors_from_a_town_make_no_partner_without_a_group_word():
    assert not pairs(extract_text(PAIR_OF_TWO.format(group="les habitants")))


# -- partnerships told in turn (« en 1979, c'est avec X que la Ville s'unit ») ----------------------

TURN = ("La commune de Vitré est jumelée avec Lymington depuis 1965 et liée d'amitié avec Wittlich "
        "depuis 1970. Les échanges scolaires sont nombreux. En 1979, {third}.")


def test_a_partnership_told_in_turn_beside_the_ruled_ones_is_kept():
    ext = extract_text(TURN.format(third="c'est avec Tiverton que la Ville s'unit à nouveau, grâce au comité"))
    assert frozenset({"Vitré", "Tiverton"}) in pairs(ext)


def test_a_town_named_in_passing_beside_the_partners_is_no_partner():
    ext = extract_text(TURN.format(third="le club de rugby de Tiverton a battu celui de Vitré"))
    assert frozenset({"Vitré", "Tiverton"}) not in pairs(ext)


# -- titles in capitals ------------------------------------------------------------------------------

def _units(text: str) -> list[str]:
    import hashlib

    from jumelage.extract import default_extractor
    from jumelage.extract.pipeline import analyse_document
    from jumelage.records import Document

    doc = Document(name="t.txt", text=text, media_type="text/plain",
                   content_hash=hashlib.sha256(text.encode()).hexdigest(), date=None)
    (parsed,) = list(default_extractor().parse_many([doc]))
    an = analyse_document(*parsed)
    return [an.text[u.start:u.end] for u in an.units]


def test_a_title_in_capitals_is_one_sentence():
    title = "UN GRAND PAS DANS LE JUMELAGE ENTRE LE CANTON HISTORIQUE DE BROU ET LE DISTRICT DE FÜRTH EN BAVIÈRE"
    assert _units(title + "\n\nLa fête a eu lieu samedi.")[0] == title


def test_the_head_word_of_a_unit_in_capitals_is_no_town():
    ext = extract_text("UN NOUVEAU PAS POUR LE JUMELAGE ENTRE LE CANTON DE BROU ET LE DISTRICT DE FÜRTH\n\n"
                       "Les délégations se sont retrouvées samedi pour un concert.")
    assert "Canton" not in places(ext)
    assert pairs(ext) == {frozenset({"Brou", "Fürth"})}


# -- a town's work done with other towns' support ---------------------------------------------------

SUPPORT = "Le partenariat est actif. Depuis 2011, la commune de Koudougou {support} travaille sur son plan d'assainissement."


def test_towns_supporting_a_towns_work_are_its_cooperation_partners():
    ext = extract_text(SUPPORT.format(support="avec l’appui de Douai et de Lambres-lez-Douai"))
    assert pairs(ext) == {frozenset({"Koudougou", "Douai"}), frozenset({"Koudougou", "Lambres-lez-Douai"})}
    assert {link.kind for link in ext.partnerships} == {"cooperation"}
    assert {link.since for link in ext.partnerships} == {"2011"}


def test_a_town_named_after_the_work_is_no_supporter():
    ext = extract_text(SUPPORT.format(support="et les ingénieurs") + " Un bureau de Douai et un de "
                       "Lambres-lez-Douai ont rendu leurs études.")
    assert frozenset({"Koudougou", "Lambres-lez-Douai"}) not in pairs(ext)


def test_a_producer_named_after_a_town_is_no_place():
    ext = extract_text("Montbazon est jumelée avec Walldürn depuis 1981. En mai 2023, le maire de Montbazon a "
                       "offert à Walldürn des bouteilles de la cave de Vouvray et un fromage de la "
                       "fromagerie de Sainte-Maure-de-Touraine.")
    assert not {"Vouvray", "Sainte-Maure-de-Touraine"} & places(ext)
    assert pairs(ext) == {frozenset({"Montbazon", "Walldürn"})}
