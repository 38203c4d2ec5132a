"""Action and initiative decisions of issue 10 (`extract/events.py`, `extract/units.py`), each kind
on French sentences written for these tests (real towns, invented facts)."""

from jumelage.extract import extract_text


def names(ext, refs) -> set[str]:
    by_ref = {p.ref: p.name for p in ext.places}
    return {by_ref[r] for r in refs}


def test_decision_to_send_aid_to_the_twin_town_is_an_action():
    text = ("date 2020-04\nLa commune de Guingamp est jumelée avec Kristiansand.\n\n"
            "Le conseil municipal de Guingamp a décidé d'envoyer 3 000 masques à Kristiansand, "
            "avec qui elle est jumelée.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert "Kristiansand" in names(ext, ext.actions[0].actors + ext.actions[0].partners)


def test_a_project_told_in_three_sentences_is_one_action_with_its_amount():
    text = ("La Ville de Lannion accueillera 12 collégiens de Caerphilly du 3 au 10 avril 2024.\n\n"
            "Originaires de Caerphilly, ces 12 collégiens séjourneront à Lannion du 3 au 10 avril 2024.\n\n"
            "Ce séjour est financé par la ville à hauteur de 4 500 euros.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert [(a.value, a.currency) for a in ext.actions[0].amounts] == [(4500, "EUR")]


def test_a_new_activity_told_with_également_is_a_second_action():
    text = ("En mars 2023, une délégation de Lannion s'est rendue à Caerphilly pour un tournoi de rugby.\n\n"
            "En octobre 2023, Lannion a également accueilli la chorale de Caerphilly pour un concert.")
    ext = extract_text(text)
    assert len(ext.actions) == 2


def test_partner_town_offering_masks_acts_itself():
    text = ("date 2020-05\nLa ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "La ville de Caerphilly a offert 2 000 masques à sa jumelle bretonne en avril 2020.")
    ext = extract_text(text)
    assert ext.actions
    assert names(ext, ext.actions[-1].actors) == {"Caerphilly"}


def test_visit_that_could_not_take_place_is_no_done_action():
    text = ("date 2021-06\nLa ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "Aucune visite n'a pu avoir lieu à cause de la pandémie.")
    ext = extract_text(text)
    assert not [a for a in ext.actions if a.status == "done"]


def test_committee_local_dance_is_an_initiative_of_the_town():
    text = ("La ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "Le comité de jumelage de Lannion organise son bal annuel le 12 février 2022 à la salle des fêtes.")
    ext = extract_text(text)
    assert [names(ext, [i.place]) for i in ext.initiatives] == [{"Lannion"}]
    assert not ext.actions


def test_enumeration_of_local_events_and_exchanges_gives_one_record_each():
    text = ("La ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "La présidente a rappelé les temps forts de 2023 : organisation du loto annuel, "
            "accueil de la fanfare de Caerphilly pour la fête du port ; voyage des collégiens à Caerphilly "
            "en avril et une soirée crêpes pour les adhérents.")
    ext = extract_text(text)
    assert len(ext.initiatives) == 2
    assert len(ext.actions) == 2
    assert all(a.start == "2023" or a.start.startswith("2023-") for a in ext.actions)


def test_programme_of_one_stay_stays_one_action():
    text = ("La ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "En mai 2022, le programme du séjour à Caerphilly était chargé : visite du château, "
            "concert commun des chorales, repas avec les familles et soirée dansante.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert not ext.initiatives


def test_dated_item_telling_two_ceremonies_gives_two_actions():
    text = ("Historique du jumelage entre Lannion et Caerphilly\n\n"
            "- 1978 – 1979 : après une première visite d'élus de Lannion à Caerphilly en 1978, "
            "la charte de jumelage est signée à la mairie de Caerphilly le 12 mars 1979 en présence des deux maires "
            "et des présidents des comités. Le 8 septembre 1979, la même cérémonie s'est tenue à Lannion.\n"
            "- 1985 : premier échange de collégiens entre Lannion et Caerphilly.\n")
    ext = extract_text(text)
    starts = sorted(a.start for a in ext.actions)
    assert "1979-09-08" in starts
    # the first visit (1978) and the signing (12 March 1979) are two occasions of one sentence
    # (`units.split_dated_clauses`), so the item gives three actions and the next item a fourth
    assert starts == ["1978", "1979-03-12", "1979-09-08", "1985"]


def test_objective_of_a_programme_is_no_action():
    text = ("La commune de Lannion coopère avec la commune de Caerphilly depuis 2004.\n\n"
            "Le programme de coopération vise à promouvoir l'artisanat et la formation des jeunes "
            "dans les deux communes.")
    ext = extract_text(text)
    assert not ext.actions


def test_outing_inside_a_stay_belongs_to_that_stay():
    text = ("La ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "Quinze enfants de Caerphilly seront accueillis à Lannion du 3 au 20 juillet 2024. "
            "Ils visiteront l'aquarium de Brest puis camperont à Morlaix du 10 au 12 juillet 2024.")
    ext = extract_text(text)
    assert len(ext.actions) == 1
    assert ext.actions[0].start == "2024-07-03"


def test_committee_reports_and_dues_are_not_recorded():
    text = ("La ville de Lannion est jumelée avec Caerphilly depuis 1979.\n\n"
            "Le comité de jumelage de Lannion a tenu son assemblée générale le 14 janvier 2023. "
            "Le rapport moral et le rapport financier ont été votés à l'unanimité et la cotisation reste à 15 euros.")
    ext = extract_text(text)
    assert not ext.actions and not ext.initiatives


def test_a_long_list_item_cut_three_times_gives_pieces_in_order_with_their_quotes():
    """A third dated sentence in one list item made a piece ending before it started (span
    [256, 136], empty quote): each piece runs to the item's end before the next cut."""
    from jumelage.extract import extract_text

    text = ("Nos actions\n\n"
            "- Depuis 2010, la commune de Vitré entretient un partenariat de coopération avec Tabou "
            "(Côte d'Ivoire). En mai 2021, le comité de Vitré a financé un forage à Tabou pour 9 000 "
            "euros. Le quartier voisin de Tabou a également reçu des manuels scolaires en octobre 2022.\n")
    ext = extract_text(text)
    spans = [tuple(a.span) for a in ext.actions]
    assert spans and all(s < e for s, e in spans)
    assert all(a.quote and text[a.span[0]:a.span[1]] == a.quote for a in ext.actions)
    assert spans == sorted(spans)
