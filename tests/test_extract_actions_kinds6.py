"""Action and initiative kinds of issue 10, sixth round (`extract/events.py`, `extract/units.py`,
cues in data/fr/), each on French sentences written for these tests (real towns, invented facts,
wording unlike the seed documents)."""
import pytest

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


def test_a_visit_told_with_an_inverted_subject_is_a_contact_not_the_partners_measure():
    text = ("date 2022-05\nLa commune de Lamballe est jumelée avec la ville polonaise de Kutno "
            "depuis 1992.\n\n"
            "Depuis le début de la guerre, Lamballe a envoyé deux convois de vivres à Kutno. "
            "Aussi le maire et son adjointe se sont-ils rendus à Kutno pour mesurer les besoins "
            "des déplacés ukrainiens.")
    ext = extract_text(text)
    assert not ext.initiatives
    assert ext.actions


def test_partner_contact_cue_reads_an_inverted_subject():
    from jumelage.extract import cues
    from jumelage.extract.lexicon import fold_same_length

    assert cues.has("partner_contact", fold_same_length("les élus se sont-ils rendus à Gdańsk"))
    assert cues.has("partner_contact", fold_same_length("le maire s'y est-il rendu"))


def test_a_towns_decision_in_a_networks_crisis_briefing_is_its_initiative():
    text = ("Les villes africaines face à l'épidémie de coronavirus\n\n"
            "Le réseau des collectivités publie chaque semaine les réponses de ses membres à la "
            "pandémie.\n\n"
            "Au Sénégal, les élus viennent d'être installés après les élections.\n\n"
            "Le conseil municipal de Ziguinchor a décidé de suspendre les loyers des marchés "
            "communaux pendant deux mois.")
    ext = extract_text(text)
    assert [names(ext, [i.place]) for i in ext.initiatives] == [{"Ziguinchor"}]


def test_a_countrys_measure_told_among_a_partners_news_is_no_initiative_of_the_town():
    text = ("date 2020-05\nLa commune de Saint-Lô est jumelée avec Saint-Georges (Grenade) depuis 1990 "
            "et avec Aalen depuis 1978.\n\n"
            "Des nouvelles d'Aalen\n\n"
            "Depuis le 16 mars, la ville d'Aalen a fermé ses piscines et ses bibliothèques pour freiner "
            "l'épidémie. Les grands rassemblements ont par ailleurs été interdits dans toute "
            "l'Allemagne jusqu'à la fin de l'été par le gouvernement fédéral.")
    ext = extract_text(text)
    assert not ext.actions
    assert [names(ext, [i.place]) for i in ext.initiatives] == [{"Aalen"}]


@pytest.mark.parametrize("sentence, national", [
    ("les rassemblements ont été interdits dans toute l'Allemagne", True),
    ("le confinement a été décrété par le gouvernement", True),
    ("la ville de Kutno a fermé ses écoles, comme demandé par le gouvernement", False),
    ("la mairie a fermé les écoles de toute la ville", False),
])
def test_national_measure(sentence, national):
    from test_extract_owner_decision import analysis
    from jumelage.extract.events import national_measure

    text = f"La commune de Kutno est jumelée avec Lunéville.\n\n{sentence[0].upper()}{sentence[1:]}."
    an = analysis(text)
    kutno = next(an.key(m) for m in an.mentions if m.name == "Kutno")
    assert national_measure(an, text.index("\n\n") + 2, len(text), kutno) is national


def test_what_a_visiting_group_also_did_during_the_stay_belongs_to_the_stay():
    text = ("La commune de Quimperlé est jumelée avec Tralee depuis 1984.\n\n"
            "En avril 2023, les collégiens de Quimperlé ont séjourné une semaine à Tralee. "
            "Le séjour a été riche : visite des falaises, cours de gaélique et soirée chez l'habitant.\n\n"
            "Les élèves ont aussi apprécié le match de hurling où ils ont joué avec leurs correspondants.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert "hurling" in ext.actions[0].quote


def test_a_town_that_also_does_something_else_after_a_stay_opens_a_new_action():
    text = ("La commune de Quimperlé est jumelée avec Tralee depuis 1984.\n\n"
            "En avril 2023, les collégiens de Quimperlé ont séjourné une semaine à Tralee. "
            "Le séjour a été riche : visite des falaises, cours de gaélique et soirée chez l'habitant.\n\n"
            "La ville de Quimperlé a également accueilli la chorale de Tralee pour un concert.")
    ext = extract_text(text)
    assert len(ext.actions) == 2


@pytest.mark.parametrize("sentence, themes", [
    ("La ville de Kutno héberge 400 déplacés ukrainiens dans ses écoles et son gymnase.", {"humanitarian"}),
    ("Les réfugiés sont logés dans le gymnase municipal et dans une école désaffectée.", {"humanitarian"}),
])
def test_a_school_or_a_gym_used_as_a_shelter_is_no_education_nor_sport_theme(sentence, themes):
    from jumelage.extract.events import without_shelter_venues
    from jumelage.extract.lexicon import fold_same_length
    from jumelage.extract.themes import themes_for

    assert set(themes_for(without_shelter_venues(sentence, fold_same_length(sentence)))) == themes


def test_pupils_received_in_schools_keep_the_education_theme():
    from jumelage.extract.events import without_shelter_venues
    from jumelage.extract.lexicon import fold_same_length
    from jumelage.extract.themes import themes_for

    sentence = "Les collégiens de Kutno ont été accueillis dans les écoles de Lunéville pour une semaine de cours."
    assert "education" in themes_for(without_shelter_venues(sentence, fold_same_length(sentence)))


def test_a_partner_sheltering_in_its_schools_is_a_humanitarian_initiative():
    text = ("date 2022-04\nLa commune de Lunéville est jumelée avec la ville polonaise de Kutno "
            "depuis 1992.\n\n"
            "Depuis le début de la guerre, la ville de Kutno héberge plus de 400 déplacés "
            "ukrainiens dans ses écoles et son gymnase.")
    ext = extract_text(text)
    assert [set(i.themes) for i in ext.initiatives] == [{"humanitarian"}]


def test_an_appeal_to_the_inhabitants_for_the_twin_is_an_action_with_it():
    text = ("date 2021-07\nLes Pontivyens sont appelés à la solidarité envers les Gallois touchés par "
            "les tempêtes de la semaine dernière.\n\n"
            "La commune de Pontivy est jumelée avec Tenby depuis 1982. "
            "La ville de Tenby a été durement frappée par les inondations.")
    ext = extract_text(text)
    appeal = [a for a in ext.actions if "sont appelés à la solidarité" in a.quote]
    assert len(appeal) == 1
    assert names(ext, appeal[0].actors + appeal[0].partners) == {"Pontivy", "Tenby"}


@pytest.mark.parametrize("sentence, hit", [
    ("les habitants sont appelés à la solidarité", True),
    ("la mairie a lancé un appel aux dons", True),
    ("un appel téléphonique avec le maire", False),
])
def test_appeal_cue(sentence, hit):
    from jumelage.extract import cues
    from jumelage.extract.lexicon import fold_same_length

    assert cues.has("action_triggers", fold_same_length(sentence)) is hit


@pytest.mark.parametrize("sentence, hit", [
    ("nous voyons si les autres communes peuvent y participer", False),
    ("la ville a organisé une autre rencontre en mai", True),
    ("d'autres échanges ont suivi", True),
    ("la ville a également reçu", True),
])
def test_new_event_cue_reads_another_event_not_the_other_towns(sentence, hit):
    from jumelage.extract import cues
    from jumelage.extract.lexicon import fold_same_length

    assert cues.has("new_event", fold_same_length(sentence)) is hit


def test_an_owners_action_ending_on_the_partners_own_measures_leaves_them_to_the_partner():
    text = ("date 2022-05\nLa commune de Lunéville est jumelée avec la ville polonaise de Kutno "
            "depuis 1992.\n\n"
            "Depuis le début de la guerre, Lunéville a envoyé trois convois de vivres à Kutno pour "
            "les familles ukrainiennes réfugiées. Beaucoup sont logées chez l'habitant, d'autres dans des "
            "appartements réquisitionnés par la mairie. Cet accueil s'accompagne de cours de polonais "
            "et d'une aide alimentaire.")
    ext = extract_text(text)
    assert len(ext.actions) == 1 and ext.actions[0].quote.startswith("Depuis le début de la guerre")
    assert "logées" not in ext.actions[0].quote
    assert [names(ext, [i.place]) for i in ext.initiatives] == [{"Kutno"}]
    assert ext.initiatives[0].quote.startswith("Beaucoup sont logées")


def test_a_sentence_that_only_dates_the_signing_goes_on_with_it():
    text = ("date 2008-03\nLa commune de Kaya est jumelée avec Laval depuis 1988.\n\n"
            "Une délégation de Kaya a été reçue par la ville de Laval pour préparer un programme "
            "d'adduction d'eau.\n\n"
            "C'était au cours d'une séance du conseil municipal, le jeudi 13 mars 2008.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert ext.actions[0].start == "2008-03-13"
