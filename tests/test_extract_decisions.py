"""The named decisions of `extract/events.py` and `extract/relations.py`, each exercised on an
`Analysis` built here by hand (blocks, units and place mentions written out for each test, French
sentences invented for these tests), without loading the language model: `spacy.load` and the
pipeline's loader refuse to run while these tests run. Where a decision reads the parse (tense,
grammatical subject), the test writes the parse itself as a spaCy `Doc` on a bare vocabulary."""
from __future__ import annotations

import re

import pytest
import spacy
from spacy.tokens import Doc
from spacy.vocab import Vocab

from jumelage.extract import events as ev
from jumelage.extract import pipeline, relations as rel
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import find_dates
from jumelage.extract.layout import Block, Layout
from jumelage.extract.lexicon import fold_same_length
from jumelage.extract.mentions import Mention

COUNTRY = {"Lannion": "FR", "Guingamp": "FR", "Brest": "FR", "Caerphilly": "GB", "Kristiansand": "NO",
           "Tver": "RU", "Ourense": "ES", "Marburg": "DE", "Coimbra": "PT", "Bruxelles": "BE",
           "Odessa": "UA"}


@pytest.fixture(autouse=True)
def _no_model(monkeypatch):
    def refuse(*args, **kwargs):
        raise AssertionError("these tests must not load a spaCy model")

    monkeypatch.setattr(spacy, "load", refuse)
    monkeypatch.setattr(pipeline, "load_nlp", refuse)


def analysis(*blocks: str, owner: str | None = None, date: str | None = None,
             subjects: dict[int, list[str]] | None = None, doc=None) -> Analysis:
    """An Analysis of `blocks`, one unit each: "# …" is a heading, "- …" a list item (items in a
    row share a paragraph), anything else a paragraph; every name of COUNTRY is a place mention
    (key: the name in lower case)."""
    text, spans = "", []
    for i, b in enumerate(blocks):
        kind = "heading" if b.startswith("# ") else "item" if b.startswith("- ") else "para"
        body = b[2:] if kind == "heading" else b
        sep = "" if not text else "\n" if kind == "item" and spans[-1][2] == "item" else "\n\n"
        text += sep
        spans.append((len(text), len(text) + len(body), kind))
        text += body
    layout, section, paragraph = Layout(text, text), -1, -1
    for i, (s, e, kind) in enumerate(spans):
        if kind == "heading":
            section = i
        if not (kind == "item" and i and spans[i - 1][2] == "item"):
            paragraph += 1
        layout.blocks.append(Block(s, e, kind, text[s:e], section=section, paragraph=paragraph))
    mentions = sorted(
        (Mention(m.start(), m.end(), m.group(0), m.group(0).lower(), m.group(0), COUNTRY[m.group(0)])
         for name in COUNTRY for m in re.finditer(rf"\b{name}\b", text)),
        key=lambda m: m.start)
    an = Analysis(name="t.txt", text=text, folded=fold_same_length(text), layout=layout, doc=doc,
                  units=[Unit(s, e, i, kind) for i, (s, e, kind) in enumerate(spans)],
                  mentions=mentions, date=date, owner=owner, subjects=subjects or {})
    return an


def parse(text: str, tokens: dict[str, tuple[str, str, str, str]]) -> Doc:
    """A spaCy Doc of `text` written by hand: `tokens` maps a word to (pos, morph, dep, head
    word); other words are "X" tokens attached to the "ROOT" word."""
    words: list[str] = []
    spaces: list[bool] = []
    for m in re.finditer(r"\w+|[^\w\s]|\s+", text):
        if m.group(0) == " " and words:
            spaces[-1] = True
        else:
            words.append(m.group(0))
            spaces.append(False)
    root = next(w for w, t in tokens.items() if t[2] == "ROOT")
    ann = [tokens.get(w, ("SPACE" if w.isspace() else "X", "", "dep", root)) for w in words]
    doc = Doc(Vocab(), words=words, spaces=spaces, pos=[a[0] for a in ann], morphs=[a[1] for a in ann],
               deps=[a[2] for a in ann], heads=[words.index(a[3]) for a in ann])
    assert doc.text == text
    return doc


def facts(an: Analysis, index: int = 0) -> ev.Facts:
    return ev.read_unit(an, an.units[index])


def event(an: Analysis, kind: str, index: int, places: list[str], **kw) -> ev.Event:
    unit = an.units[index]
    return ev.Event(kind, unit.start, unit.end, places, paragraph=an.block(unit).paragraph, **kw)


# -- events: what a unit tells -----------------------------------------------------------------------

def test_facts_read_places_dates_and_cues_of_a_unit() -> None:
    an = analysis("- 2019 : accueil d'une délégation de Caerphilly à Lannion.", owner="lannion")
    f = facts(an)
    assert f.here == ["caerphilly", "lannion"] and f.partners == ["caerphilly"] and f.owner_here
    assert f.dated_item and f.trigger and not f.home and not f.toward_owner
    assert [d.start for d in f.explicit] == ["2019"]
    gift = facts(analysis("La ville de Caerphilly a offert des masques à sa jumelle bretonne.", owner="lannion"))
    assert gift.toward_owner and gift.trigger and not gift.dated_item


def test_the_age_of_a_relation_and_today_are_not_dates_of_what_a_unit_tells() -> None:
    an = analysis("Jumelée avec Caerphilly depuis 1979, Lannion a accueilli une chorale en mai 2023. "
                  "Aujourd'hui les liens restent forts.", owner="lannion", date="2024-01-10")
    assert [d.start for d in facts(an).dates] == ["2023-05"]


def test_internal_business_is_skipped_unless_a_strong_act_is_told() -> None:
    assert ev.is_internal_business(facts(analysis("L'assemblée a approuvé le rapport financier et les cotisations.")))
    assert not ev.is_internal_business(facts(analysis(
        "Après le rapport financier, l'assemblée a reçu une délégation de Caerphilly.")))
    assert not ev.is_internal_business(facts(analysis("Une délégation de Caerphilly est venue à Lannion.")))


# -- events: does the unit go on with the running event ---------------------------------------------

def _story(*second: str, current_kind: str = "initiative", doc=None) -> tuple[Analysis, ev.Event]:
    an = analysis("Tver a rouvert ses écoles le 1er juin 2020.", *second, owner="lannion", doc=doc)
    return an, event(an, current_kind, 0, ["tver"])


def test_a_following_sentence_without_date_or_new_place_goes_on_with_the_event() -> None:
    an, current = _story("Les élèves portent un masque en classe.")
    assert ev.continues(an, facts(an, 1), current, [])


@pytest.mark.parametrize("second", [
    "Les élèves portent un masque depuis le 3 juin 2020.",      # a date of its own
    "Par ailleurs, les musées restent fermés.",                  # « par ailleurs »: a new event
    "Les habitants de Kristiansand ont fait de même.",          # a new place
])
def test_a_date_a_new_place_or_a_new_event_cue_opens_a_new_event(second: str) -> None:
    an, current = _story(second)
    assert not ev.continues(an, facts(an, 1), current, [])


def test_no_running_event_or_a_distant_paragraph_does_not_go_on() -> None:
    an, current = _story("Les élèves portent un masque en classe.")
    assert not ev.continues(an, facts(an, 1), None, [])
    current.paragraph = -1                                      # two paragraphs away
    assert not ev.continues(an, facts(an, 1), current, [])


def test_an_action_goes_on_in_a_town_visited_but_not_with_a_linked_place() -> None:
    second = "Ils ont visité Marburg au retour."
    tokens = {"ont": ("AUX", "Tense=Pres", "aux:tense", "visité"),
              "visité": ("VERB", "Tense=Past|VerbForm=Part", "ROOT", "visité")}
    an, current = _story(second, current_kind="action", doc=None)
    an.doc = parse(an.text, tokens)
    current.status = "done"
    assert ev.continues(an, facts(an, 1), current, linked=["caerphilly"])
    assert not ev.continues(an, facts(an, 1), current, linked=["marburg"])


def test_an_action_does_not_go_on_from_what_was_done_to_what_is_planned() -> None:
    an, current = _story("Ils visiteront ensuite le musée.", current_kind="action")
    an.doc = parse(an.text, {"visiteront": ("VERB", "Mood=Ind|Tense=Fut|VerbForm=Fin", "ROOT", "visiteront")})
    current.status = "done"
    assert not ev.continues(an, facts(an, 1), current, [])
    current.status = "planned"
    assert ev.continues(an, facts(an, 1), current, [])


# -- events: whom is the unit about, who is the partner ---------------------------------------------

def test_local_subjects_are_those_of_a_block_or_of_a_section_reporting_a_place() -> None:
    an = analysis("# Tver", "Les écoles ont rouvert.", "Tver et Lannion ont échangé des lettres.",
                  owner="lannion", subjects={0: ["tver"], 2: ["tver"]})
    assert ev.local_subjects(an, an.units[1], "local") == ["tver"]
    assert ev.local_subjects(an, an.units[1], "partner") == []
    # a paragraph about Tver that names the owner is not Tver's own doing: the section decides
    assert ev.local_subjects(an, an.units[2], "partner") == []


def test_a_unit_about_a_foreign_place_alone_is_local_one_naming_the_owner_is_not() -> None:
    an = analysis("Tver a rouvert ses écoles.", "Tver a écrit à Lannion.", "- 2020 : Tver a fermé ses musées.",
                  owner="lannion")
    assert ev.is_local(facts(an, 0), ["tver"])
    assert not ev.is_local(facts(an, 0), [])
    assert not ev.is_local(facts(an, 1), ["tver"])                 # the owner is named
    assert not ev.is_local(facts(an, 2), ["tver"])                 # a dated list item


def test_the_partner_is_named_else_the_subject_of_the_block_else_the_running_action_s() -> None:
    an = analysis("# Caerphilly", "Une délégation de Caerphilly est venue.", "La délégation a été reçue.",
                  "Un concert a suivi.", owner="lannion", subjects={0: ["caerphilly"]})
    assert ev.partners_of(an, facts(an, 1), False, None) == ["caerphilly"]
    assert ev.partners_of(an, facts(an, 2), False, None) == ["caerphilly"]    # the section's subject
    assert ev.partners_of(an, facts(an, 2), True, None) == []                 # local: no partner
    bare = analysis("Une délégation de Caerphilly est venue.", "Un concert a suivi.", owner="lannion")
    running = event(bare, "action", 0, ["lannion", "caerphilly"], actors=["lannion"], partners=["caerphilly"])
    assert ev.partners_of(bare, facts(bare, 1), False, running) == ["caerphilly"]
    assert ev.partners_of(bare, facts(bare, 1), False, None) == []


# -- events: action, initiative or neither -----------------------------------------------------------

def test_an_act_with_a_partner_is_an_action() -> None:
    f = facts(analysis("En mars 2023, une délégation de Lannion s'est rendue à Caerphilly.", owner="lannion"))
    assert ev.is_action(f, ["caerphilly"], local=False)
    assert ev.classify(f, ["caerphilly"], False, []) == ("action", None)
    assert not ev.is_action(f, [], local=False)                   # no partner
    assert not ev.is_action(f, ["caerphilly"], local=True)        # a place's own doing


@pytest.mark.parametrize("sentence", [
    "Lannion et Caerphilly partagent le goût de la musique.",            # no action cue
    "Le jumelage avec Caerphilly a été signé en 1979.",                  # a partnership statement
    "Le programme d'échanges avec Caerphilly vise à rapprocher les jeunes.",  # a generic statement
    "Le conseil municipal a adopté une motion de soutien à Caerphilly.",      # an act at home
])
def test_a_statement_an_objective_or_an_act_at_home_is_no_action(sentence: str) -> None:
    assert not ev.is_action(facts(analysis(sentence, owner="lannion")), ["caerphilly"], local=False)


def test_the_initiative_is_the_owner_s_or_a_foreign_place_s_act_at_home_or_local_measures() -> None:
    home = facts(analysis("Le conseil municipal de Lannion a adopté une motion.", owner="lannion"))
    assert ev.initiative_place(home, [], False, []) == "lannion"
    foreign = facts(analysis("Le conseil municipal d'Ourense a adopté une motion.", owner="lannion"))
    assert ev.initiative_place(foreign, ["ourense"], False, []) == "ourense"
    measures = facts(analysis("Tver a mis en place un confinement strict.", owner="lannion"))
    assert ev.initiative_place(measures, ["tver"], True, ["tver"]) == "tver"
    assert ev.classify(measures, ["tver"], True, ["tver"]) == ("initiative", "tver")
    assert ev.initiative_place(measures, ["tver"], False, []) is None          # not local: no initiative
    told = facts(analysis("Tver est jumelée avec Lannion et a mis en place des échanges.", owner="lannion"))
    assert ev.initiative_place(told, ["tver"], True, ["tver"]) is None        # a partnership is told
    assert ev.classify(told, ["tver"], True, ["tver"]) == (None, None)


def test_the_owner_acts_with_the_partner_unless_the_partner_is_the_subject() -> None:
    text = "La ville de Caerphilly a offert des masques à Lannion."
    an = analysis(text, owner="lannion", doc=parse(text, {
        "ville": ("NOUN", "", "nsubj", "offert"), "Caerphilly": ("PROPN", "", "nmod", "ville"),
        "a": ("AUX", "Tense=Pres", "aux:tense", "offert"),
        "offert": ("VERB", "Tense=Past|VerbForm=Part", "ROOT", "offert")}))
    assert ev.subject_place(an, an.units[0]) == "caerphilly"
    assert ev.actors_and_partners(an, an.units[0], facts(an), ["caerphilly"]) == (["caerphilly"], ["lannion"])
    other = "Lannion a envoyé des masques à Caerphilly."
    an = analysis(other, owner="lannion", doc=parse(other, {
        "Lannion": ("PROPN", "", "nsubj", "envoyé"), "envoyé": ("VERB", "Tense=Past|VerbForm=Part", "ROOT", "envoyé")}))
    assert ev.actors_and_partners(an, an.units[0], facts(an), ["caerphilly"]) == (["lannion"], ["caerphilly"])


def test_without_an_owner_the_first_place_named_acts() -> None:
    text = "Tver et Caerphilly ont échangé des lettres."
    an = analysis(text, doc=parse(text, {"échangé": ("VERB", "", "ROOT", "échangé")}))
    assert ev.actors_and_partners(an, an.units[0], facts(an), ["tver", "caerphilly"]) == (["tver"], ["caerphilly"])


def test_the_event_is_dated_by_its_explicit_date_before_a_relative_one() -> None:
    an = analysis("L'an dernier, une délégation de Caerphilly est venue le 3 mai 2023.", date="2024-02-01")
    assert [d.start for d in ev.which_date(facts(an))] == ["2023-05-03"]
    only_relative = analysis("L'an dernier, une délégation de Caerphilly est venue.", date="2024-02-01")
    assert [d.start for d in ev.which_date(facts(only_relative))] == ["2023"]
    assert ev.which_date(facts(analysis("Une délégation de Caerphilly est venue."))) == []


def test_a_following_sentence_extends_the_initiative_of_the_same_place() -> None:
    an = analysis("# Tver", "Tver a rouvert ses écoles.", "Les musées ont rouvert aussi.",
                  "Par ailleurs, Tver a fermé ses bars.", "- Tver a rouvert les parcs.", owner="lannion")
    last = event(an, "initiative", 1, ["tver"])
    assert ev.extends_initiative(an, last, facts(an, 2), "tver")
    assert not ev.extends_initiative(an, last, facts(an, 2), "ourense")          # another place
    assert not ev.extends_initiative(an, last, facts(an, 3), "tver")             # « par ailleurs »
    assert not ev.extends_initiative(an, last, facts(an, 4), "tver")             # a list item


def test_outside_any_section_an_initiative_goes_on_only_within_its_paragraph() -> None:
    text = "Tver a rouvert ses écoles. Les musées ont rouvert aussi."
    an = analysis(text, "Les parcs ont rouvert.", owner="lannion")
    an.units[0:1] = [Unit(0, 26, 0, "para"), Unit(27, len(text), 0, "para")]
    last = event(an, "initiative", 0, ["tver"])
    assert ev.extends_initiative(an, last, facts(an, 1), "tver")
    assert not ev.extends_initiative(an, last, facts(an, 2), "tver")


# -- events: does this repeat an earlier event ------------------------------------------------------

def test_the_same_event_told_twice_is_one_and_the_dated_telling_wins() -> None:
    an = analysis("Lannion a envoyé 5 000 masques à Caerphilly.",
                  "Le 4 avril 2020, la ville a fait partir un camion de 5.000 masques pour Caerphilly.",
                  "Lannion a accueilli la chorale de Caerphilly.", owner="lannion")
    first = event(an, "action", 0, ["lannion", "caerphilly"])
    dated = event(an, "action", 1, ["lannion", "caerphilly"], start="2020-04-04", end="2020-04-04")
    other = event(an, "action", 2, ["lannion", "caerphilly"])
    assert ev.same_event(an, first, dated)                       # the same figure
    assert not ev.same_event(an, first, other)
    events = [first]
    assert ev._repeats(an, events, dated) is dated and events == [dated]
    assert ev._repeats(an, events, other) is None


def test_other_places_or_other_dates_are_another_event() -> None:
    an = analysis("Une délégation de Lannion est allée à Caerphilly.", "Une délégation de Lannion est allée à Tver.",
                  owner="lannion")
    first = event(an, "action", 0, ["lannion", "caerphilly"], start="2019")
    assert not ev.same_event(an, first, event(an, "action", 1, ["lannion", "tver"]))
    assert not ev.same_event(an, first, event(an, "action", 0, ["lannion", "caerphilly"], start="2020"))
    assert not ev.same_event(an, event(an, "initiative", 0, ["lannion", "caerphilly"]),
                             event(an, "action", 0, ["lannion", "caerphilly"]))


# -- events: tense and status ------------------------------------------------------------------------

def test_the_tense_of_a_unit_comes_from_its_verbs_and_a_bare_participle_is_none() -> None:
    future = "Lannion accueillera Caerphilly."
    an = analysis(future, doc=parse(future, {"accueillera": ("VERB", "Mood=Ind|Tense=Fut|VerbForm=Fin", "ROOT", "accueillera")}))
    assert ev._tense(an, an.units[0]) == "future"
    bare = "Projet reporté à 2025."
    an = analysis(bare, doc=parse(bare, {"Projet": ("NOUN", "", "ROOT", "Projet"),
                                         "reporté": ("VERB", "Tense=Past|VerbForm=Part", "acl", "Projet")}))
    assert ev._tense(an, an.units[0]) is None


def test_the_status_is_cancelled_planned_or_from_the_dates() -> None:
    an = analysis("La visite à Caerphilly a été annulée.", owner="lannion", date="2020-05-01")
    assert ev._status(an, an.units[0], event(an, "action", 0, ["lannion", "caerphilly"])) == "cancelled"
    text = "Lannion a prévu de recevoir Caerphilly en 2021."
    an = analysis(text, owner="lannion", date="2020-05-01", doc=parse(text, {
        "a": ("AUX", "Tense=Pres", "aux:tense", "prévu"), "prévu": ("VERB", "Tense=Past|VerbForm=Part", "ROOT", "prévu")}))
    assert ev._status(an, an.units[0], event(an, "action", 0, ["lannion", "caerphilly"], start="2021")) == "planned"
    done = "Lannion a reçu Caerphilly en 2019."
    an = analysis(done, owner="lannion", date="2020-05-01", doc=parse(done, {
        "a": ("AUX", "Tense=Pres", "aux:tense", "reçu"), "reçu": ("VERB", "Tense=Past|VerbForm=Part", "ROOT", "reçu")}))
    assert ev._status(an, an.units[0], event(an, "action", 0, ["lannion", "caerphilly"], start="2019", end="2019")) == "done"


def test_a_section_naming_the_owner_is_a_partner_section() -> None:
    an = analysis("# Caerphilly et Lannion", "Caerphilly compte 40 000 habitants.", "# Tver",
                  "Tver a rouvert ses écoles.", owner="lannion", subjects={0: ["caerphilly"], 2: ["tver"]})
    assert ev.section_mode(an, 0) == "partner"
    assert ev.section_mode(an, 2) == "local"
    assert ev.section_mode(an, -1) == "local"


def test_a_bare_partnership_statement_is_only_since_an_amount_makes_it_an_event() -> None:
    statement = fold_same_length("Jumelée avec Caerphilly depuis 1979, la ville a signé une charte en 1980.")
    assert ev._only_since(statement, [d for d in find_dates(statement) if d.start])
    aid = fold_same_length("En coopération avec Tver depuis 2003, la ville a voté une aide de 50 000 euros.")
    assert not ev._only_since(aid, [d for d in find_dates(aid) if d.start])


# -- relations ---------------------------------------------------------------------------------------

def test_a_list_announced_by_a_kind_links_the_owner_with_each_item_since_its_date() -> None:
    an = analysis("La ville de Lannion est jumelée avec :", "- Caerphilly (Pays de Galles), depuis 1979",
                  "- Kristiansand et Tver", "Fin de la liste.", owner="lannion")
    assert rel.announces_list(an, an.units[0])
    assert rel.item_since(an, an.units[1]) == "1979" and rel.item_since(an, an.units[2]) is None
    links = rel.find_partnerships(an)
    by = {tuple(sorted(k)): link for k, link in links.by_pair.items()}
    assert set(by) == {("caerphilly", "lannion"), ("kristiansand", "lannion"), ("lannion", "tver")}
    assert by[("caerphilly", "lannion")].since == ["1979"] and by[("lannion", "tver")].since == []
    assert all(link.kind == "twinning" for link in by.values())


def test_a_sentence_naming_a_partner_announces_no_list() -> None:
    an = analysis("Lannion est jumelée avec Caerphilly :", owner="lannion")
    assert not rel.announces_list(an, an.units[0])
    assert not rel.announces_list(analysis("Lannion est jumelée avec Caerphilly.", owner="lannion"),
                                  an.units[0])


def test_a_group_larger_than_the_places_named() -> None:
    folded = fold_same_length("Le serment lie désormais les quatre communes.")
    assert rel.group_beyond(folded, ["lannion", "caerphilly"]) == 4
    assert rel.group_beyond(folded, ["a", "b", "c", "d"]) is None
    assert rel.group_beyond("un jumelage ancien", []) is None


def test_an_apposition_makes_the_owner_s_partner_whatever_the_sentence_says() -> None:
    an = analysis("Caerphilly, sa jumelle galloise, a reçu Tver.", owner="lannion")
    [(key, kind, lo, hi)] = rel.appositions(an, an.units[0])
    assert (key, kind) == ("caerphilly", "twinning") and an.text[lo:hi] == ", sa jumelle"
    assert rel.appositions(analysis("Caerphilly, sa jumelle galloise, a reçu Tver."), Unit(0, 44, 0, "para")) == []
    assert rel.appositions(analysis("Caerphilly a reçu Tver.", owner="lannion"), Unit(0, 23, 0, "para")) == []


def test_the_kind_of_a_statement_leaves_its_appositions_out() -> None:
    kinds = [("twinning", 12, 19), ("cooperation", 40, 51)]
    assert rel.statement_kind(kinds, [(10, 20)]) == "cooperation"
    assert rel.statement_kind(kinds, []) == "twinning"              # twinning first in the order of kinds
    assert rel.statement_kind(kinds[:1], [(10, 20)]) is None


def _pairs(*blocks: str, owner: str | None = "lannion") -> set[tuple[str, str]]:
    an = analysis(*blocks, owner=owner)
    unit = an.units[-1]
    return set(rel.linked_pairs(an, unit, an.folded, an.keys_in(unit.start, unit.end)))


def test_who_is_linked_with_whom_follows_the_sentence_s_shape() -> None:
    assert _pairs("Lannion est jumelée avec Caerphilly et Kristiansand.") == {
        ("lannion", "caerphilly"), ("lannion", "kristiansand")}
    assert _pairs("Notre ville est jumelée avec Caerphilly et Kristiansand.") == {
        ("lannion", "caerphilly"), ("lannion", "kristiansand")}
    assert _pairs("Guingamp et Kristiansand sont jumelées avec Caerphilly.", owner=None) == {
        ("guingamp", "caerphilly"), ("kristiansand", "caerphilly"), ("guingamp", "kristiansand")}
    assert _pairs("Partage d'expériences avec nos villes jumelées Caerphilly et Tver.") == {
        ("lannion", "caerphilly"), ("lannion", "tver")}
    assert _pairs("Un jumelage tripartite entre Brest, Lannion et Odessa.", owner=None) == {
        ("brest", "odessa"), ("lannion", "odessa")}


def test_a_single_place_is_the_owner_s_partner_only_abroad() -> None:
    assert _pairs("# Lannion", "Le jumelage avec Caerphilly est actif.") == {("lannion", "caerphilly")}
    assert _pairs("# Lannion", "Le jumelage de Guingamp est actif.") == set()      # Guingamp is French too
    assert _pairs("Le jumelage avec Caerphilly est actif.", owner=None) == set()


def test_a_town_named_only_as_the_venue_is_no_party() -> None:
    an = analysis("La charte de coopération a été signée à Bruxelles entre Lannion et Tver.", owner="lannion")
    unit = an.units[0]
    assert rel._without_venues(an, unit, an.folded, an.keys_in(unit.start, unit.end)) == ["lannion", "tver"]
    two = analysis("Lannion coopère avec Tver.", owner="lannion")
    assert rel._without_venues(two, two.units[0], two.folded, ["lannion", "tver"]) == ["lannion", "tver"]


def test_a_kind_naming_no_partner_is_about_the_section_s_place_or_the_one_just_named() -> None:
    an = analysis("# Tver", "Le maire allait signer une lettre d'intention de jumelage.", owner="lannion",
                  subjects={0: ["tver"]})
    assert rel.implied_partners(an, an.units[1], an.units[0]) == (["tver"], [])
    text = "Le maire de Tver est venu en mai 2019. Il a évoqué un jumelage."
    an = analysis(text, owner="lannion")
    first, second = Unit(0, 38, 0, "para"), Unit(39, len(text), 0, "para")
    partners, dates = rel.implied_partners(an, second, first)
    assert partners == ["tver"] and [d.start for d in dates] == ["2019-05"]
    other_block = Unit(0, 38, 1, "para")
    assert rel.implied_partners(an, second, other_block) == ([], [])
    assert rel.implied_partners(an, second, None) == ([], [])


def test_statuses_are_found_unless_negated() -> None:
    assert [st for st, _ in rel.statuses_in(fold_same_length("Le jumelage avec Tver a été suspendu en 2022."))] == ["suspended"]
    assert rel.statuses_in(fold_same_length("Le jumelage n'a jamais été suspendu.")) == []
    assert rel.statuses_in(fold_same_length("Le jumelage se porte bien.")) == []


def _since(sentence: str, dated_item: bool = False) -> list[str]:
    folded = fold_same_length(sentence)
    statuses = rel.statuses_in(folded)
    return rel.since_dates(folded, find_dates(sentence), dated_item, statuses, None)


def test_since_when_by_a_founding_sentence_or_depuis() -> None:
    assert _since("Le jumelage a été signé le 6 juin 1965.") == ["1965-06-06"]
    assert _since("Jumelées depuis 1970, les villes ont suspendu le jumelage en 2022.") == ["1970"]
    assert _since("Une rencontre du jumelage a eu lieu en juin 2019.") == []          # an event, no founding
    assert _since("2019 : rencontre du jumelage à Tver", dated_item=True) == []
    assert _since("Le jumelage, mis en sommeil en 1995, a repris.") == []


def test_an_anniversary_gives_the_founding_year() -> None:
    an = analysis("Le 25ème anniversaire du jumelage a été fêté en juillet 2022.")
    since, celebration = rel._anniversary(an, an.folded, find_dates(an.text))
    assert since == "1997" and celebration.start == "2022-07"
    late = analysis("Avec une année de retard, le 25ème anniversaire du jumelage a été fêté en juillet 2022.")
    assert rel._anniversary(late, late.folded, find_dates(late.text))[0] == "1996"
    assert rel._anniversary(an, "le jumelage se porte bien", []) == (None, None)


def test_a_date_written_after_a_partner_belongs_to_that_partner() -> None:
    text = "Lannion est jumelée avec Marburg depuis 1961 et avec Coimbra depuis 1987."
    an = analysis(text, owner="lannion")
    pairs = [("lannion", "marburg"), ("lannion", "coimbra")]
    assert rel._dates_by_partner(an, an.units[0], pairs, find_dates(text)) == {
        "marburg": ["1961"], "coimbra": ["1987"]}
    before = "Depuis 1961, Lannion est jumelée avec Marburg et Coimbra."
    an = analysis(before, owner="lannion")
    assert rel._dates_by_partner(an, an.units[0], pairs, find_dates(before)) is None
