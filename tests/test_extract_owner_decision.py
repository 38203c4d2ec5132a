"""The learned owner decision (extract/owner.py): candidate features and how the model may overrule
the hand-weighted rules. Sentences written for these tests: real towns, invented facts."""
import hashlib


from jumelage.extract import default_extractor
from jumelage.extract.model import LinearModel
from jumelage.extract.owner import OWNER_FEATURES, find_owner, owner_candidates
from jumelage.extract.pipeline import analyse_document
from jumelage.records import Document


def analysis(text: str):
    doc = Document(name="t.txt", text=text, media_type="text/plain",
                   content_hash=hashlib.sha256(text.encode()).hexdigest())
    parsed = next(default_extractor().parse_many([doc]))
    return analyse_document(*parsed, choose_owner=lambda an: None)


def by_name(an) -> dict[str, dict[str, float]]:
    names = {m.key: m.name for m in an.mentions}
    return {names[k]: f for k, f in owner_candidates(an).items()}


def one_feature_model(feature: str, weight: float, margin: float) -> LinearModel:
    """A model that only reads `feature` (the others weigh nothing)."""
    n = len(OWNER_FEATURES)
    coef = tuple(weight if f == feature else 0.0 for f in OWNER_FEATURES)
    return LinearModel(tuple(OWNER_FEATURES), (0.0,) * n, (1.0,) * n, coef, -2.0, margin)


TEXT = ("La commune de Wiltz est jumelée depuis 1978 avec la commune française de Sedan et avec "
        "Mindelheim (Allemagne). Sedan et Wiltz organisent chaque été un tournoi de football.")


def test_a_place_qualified_by_its_own_country_is_seen_from_elsewhere():
    feats = by_name(analysis(TEXT))
    assert feats["Sedan"]["qualified"] > 0
    assert feats["Mindelheim"]["qualified"] > 0
    assert feats["Wiltz"]["qualified"] == 0


def test_the_place_left_of_the_twinning_word_with_most_partners_is_the_hub():
    feats = by_name(analysis(TEXT))
    assert feats["Wiltz"]["kind_left"] > 0 and feats["Mindelheim"]["kind_left"] == 0
    assert feats["Wiltz"]["hub"] >= feats["Mindelheim"]["hub"]
    assert feats["Wiltz"]["first_place"] == 1.0
    assert feats["Wiltz"]["francophone"] == 1.0 and feats["Mindelheim"]["francophone"] == 0.0


def test_subject_of_the_clause_through_la_ville_de():
    feats = by_name(analysis("La ville de Vierzon a reçu en mai une délégation venue de Bernburg."))
    assert feats["Vierzon"]["subject"] == 1.0
    assert feats["Bernburg"]["subject"] == 0.0


def test_without_weights_the_rules_decide_and_prefer_the_french_town():
    an = analysis(TEXT)
    names = {m.key: m.name for m in an.mentions}
    assert names[find_owner(an)] == "Sedan"


def test_a_confident_model_overrules_the_rules_and_a_hesitant_one_does_not():
    an = analysis(TEXT)
    names = {m.key: m.name for m in an.mentions}
    assert names[find_owner(an, one_feature_model("kind_left", 5.0, 0.3))] == "Wiltz"
    assert names[find_owner(an, one_feature_model("kind_left", 0.5, 0.3))] == "Sedan"


def test_no_speaker_for_the_rules_stays_no_speaker():
    an = analysis("Les villes de Turin, Porto et Gdansk ont échangé sur la mobilité urbaine.")
    assert find_owner(an, one_feature_model("mentions", 5.0, 0.0)) is None


# -- an unnamed speaker as the subject (units.role_subject) ----------------------------------------

def _role(text: str) -> bool:
    from jumelage.extract.units import role_subject

    an = analysis(text)
    return role_subject(an, 0, len(text))


def test_the_town_hall_or_we_as_subject_name_the_speaker_without_naming_it():
    assert _role("La mairie a lancé une collecte de vêtements pour les sinistrés.")
    assert _role("Nous avons accueilli douze lycéens au mois d'avril.")
    assert _role("Le maire a écrit à son homologue pour proposer son aide.")


def test_a_named_body_or_another_subject_is_not_the_unnamed_speaker():
    assert not _role("La mairie de Bernburg a lancé une collecte de vêtements.")
    assert not _role("Les pompiers ont dégagé la route après la tempête.")


# -- a page's headline is not a record (units.title_line) ------------------------------------------

def test_headline_span_is_the_short_unpunctuated_first_line():
    from jumelage.extract.units import title_line

    text = "date 2024-03 Lunel : des dons votés pour les sinistrés de Tétouan\n\nLe conseil a voté."
    start, end = title_line(text)
    assert text[start:end] == "Lunel : des dons votés pour les sinistrés de Tétouan"
    assert title_line("La ville de Lunel a voté une aide pour Tétouan.\n\nElle sera versée en mai.") is None
    assert title_line("Un seul titre sans corps") is None


def test_no_record_comes_from_the_headline_alone():
    from jumelage.extract import extract_text

    text = ("Lunel Des aides votées pour Tétouan et pour les sinistrés du Maroc\n\n"
            "Réunis le 12 mars 2024, les conseillers municipaux de Lunel ont voté une aide de 3 000 euros "
            "pour Tétouan, ville jumelle frappée par des inondations.")
    ext = extract_text(text)
    headline_end = text.index("\n")
    spans = [a.span for a in ext.actions] + [i.span for i in ext.initiatives]
    assert spans and all(s[0] > headline_end for s in spans)


# -- a signing told as an event: every party acts (units.signing_parties) --------------------------

def test_towns_renewing_their_oath_are_all_actors():
    from jumelage.extract import extract_text

    ext = extract_text("Le 14 juin 2019, à Lannion, les maires de Lannion et de Günzburg ont renouvelé "
                       "solennellement le serment de jumelage devant les deux comités.")
    by_ref = {p.ref: p.name for p in ext.places}
    assert ext.actions
    signing = ext.actions[0]
    assert {by_ref[r] for r in signing.actors} == {"Lannion", "Günzburg"}
    assert signing.partners == []


def test_a_visit_is_not_a_signing_and_keeps_its_partner():
    from jumelage.extract import extract_text

    ext = extract_text("En mai 2019, une délégation de Lannion s'est rendue à Günzburg pour le marché "
                       "de printemps et a visité les écoles de la ville.")
    by_ref = {p.ref: p.name for p in ext.places}
    assert ext.actions
    assert [by_ref[r] for r in ext.actions[0].partners] == ["Günzburg"]


# -- seats, consulates and departures are not actors (cues « not_actor_before ») ------------------

def test_an_organisations_seat_a_consul_and_a_departure_point_are_no_partners():
    from jumelage.extract import extract_text

    ext = extract_text("En juin 2021, la ville de Vierzon a envoyé du matériel médical à Bernburg, avec "
                       "l'association Solimed, basée à Bourges, en présence du consul général à Strasbourg. "
                       "Les colis sont partis en camion au départ de Châteauroux.")
    names = {p.name for p in ext.places}
    assert {"Vierzon", "Bernburg"} <= names
    assert not names & {"Bourges", "Strasbourg", "Châteauroux"}
