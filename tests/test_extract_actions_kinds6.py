"""Action and initiative kinds of issue 10, sixth round (`extract/events.py`, `extract/units.py`,
cues in data/fr/), each on French sentences written for these tests (real towns, invented facts,
wording unlike the seed documents)."""
from jumelage.extract import extract_text
from test_extract_actions_units import names


def test_a_partner_towns_own_measure_opening_a_story_is_its_initiative_and_the_rest_an_action():
    text = ("date 2021-08\nLa commune de Lamballe est jumelée avec Bad Berleburg depuis 1974.\n\n"
            "Des orages violents ont provoqué des inondations en Allemagne la semaine dernière.\n\n"
            "La municipalité de Bad Berleburg a lancé une collecte de dons pour les familles "
            "sinistrées. Le comité de jumelage de Lamballe a déjà versé 800 euros et invite les "
            "habitants à faire de même. Nos amis allemands viennent chaque été à la fête du cidre.")
    ext = extract_text(text)
    assert [names(ext, [i.place]) for i in ext.initiatives] == [{"Bad Berleburg"}]
    assert ext.initiatives[0].quote.startswith("La municipalité de Bad Berleburg a lancé")
    assert len(ext.actions) == 1
    act = ext.actions[0]
    assert act.quote.startswith("Le comité de jumelage de Lamballe")
    assert names(ext, act.actors + act.partners) == {"Lamballe", "Bad Berleburg"}
