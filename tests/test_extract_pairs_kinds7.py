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
    ext = extract_text("Vierzon est jumelée avec Barnoldswick depuis 1974. Le conseil de Barnoldswick "
                       "s'est intéressé au réaménagement du site des Forges, présenté par le maire "
                       "de Vierzon.")
    assert "Les Forges" not in places(ext)
    assert pairs(ext) == {frozenset({"Vierzon", "Barnoldswick"})}
