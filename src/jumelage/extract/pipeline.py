"""The extraction pipeline: a `Document` in, an `Extraction` (interchange format) out.

`Extractor` loads spaCy's French model once, lazily, and runs it with `nlp.pipe` over the NLP
view of each document's layout; then the components listed in `components.py` fill one shared
`Analysis` (units → mentions → date → owner → subjects → partnerships → events, each with its
learned decision), and the result is assembled into records whose places are only those that act
in something.
"""
from __future__ import annotations

import os
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import replace
from itertools import groupby
from typing import Any

from jumelage.extract import components, cues, pieces
from jumelage.extract.analysis import Analysis, Unit
from jumelage.extract.dates import document_date, stated_date
from jumelage.extract.events import Event, describe
from jumelage.extract.layout import Layout, analyse
from jumelage.extract.lexicon import fold_same_length
from jumelage.extract.mentions import Mention, unit_own_name
from jumelage.extract.organisations import find_organisations, unique_names
from jumelage.gazetteer import get_gazetteer
from jumelage.partial_dates import earliest
from jumelage.records import PLACE_KINDS, Action, Document, Extraction, Initiative, Partnership, Place

MODEL = "fr_core_news_md"
# Characters per spaCy `Doc`: longer texts are cut at line breaks (else after a sentence, else
# between words) and the parts joined again after the model. Small Docs are faster to run: on
# the long-text benchmark's text the model took 16-17.5 µs per character in Docs of 2,000-5,000
# characters against 21-25 µs in Docs of 50,000 (the encoder's arrays stay in the CPU's caches),
# and every seed scores the same, plain and held out (43 gold documents, 2026-12-01).
CHUNK = 3_000
MAX_LENGTH = 200_000     # the longest text the loaded model accepts in one call (`nlp.max_length`)
BATCH_CHARS = 200_000    # characters in the model at once, whatever the number of documents
# Components whose output nothing reads: the lemmatizer (no step reads `lemma_`) and the
# attribute ruler (in fr_core_news_md it only copies each token's POS into TAG, and no step, nor
# the parser or the entity recogniser after it, reads `tag_`). Leaving them out changes no
# extraction and saves their time (the ruler: ~9% of the model's) and memory.
UNUSED = ("lemmatizer", "attribute_ruler")
LONG_WORKERS = 2         # processes for the pieces of a very long text (`Extractor.workers`)


def load_nlp(model: str = MODEL):
    """The spaCy pipeline `model`, without the components nothing reads (`UNUSED`).

    Its layers multiply matrices with numpy (OpenBLAS) rather than thinc's default BLIS: the BLIS
    bundled with thinc falls back to its generic kernels on CPUs it does not recognise (the AMD
    EPYC of the development machine: 17 against 55 GFLOP per CPU-second), which made the model
    about 40 % slower there. Every seed gives the same extraction either way; only the time
    changes. Loading it also sets this process's BLAS to one thread: the model's matrices are
    small, and OpenBLAS's extra thread spun more than it helped (200 short documents: 44 s of CPU
    with two threads, 23 s with one, on a shared 2-core machine).
    """
    import spacy
    from thinc.api import use_ops
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=1, user_api="blas")
    with use_ops("numpy", use_blis=False):
        nlp = spacy.load(model, exclude=list(UNUSED))
    nlp.max_length = MAX_LENGTH
    return nlp


class Extractor:
    """Turns documents into records. The spaCy model is loaded once, on first use."""

    def __init__(self, model: str = MODEL, batch_size: int = 8, known_partners=None,
                 workers: int = LONG_WORKERS) -> None:
        """`known_partners`: a `gazetteer.KnownPartners` prior for homonyms (None: no prior).
        `workers`: processes that share a very long text's pieces (at most one per CPU; 1: this
        process alone)."""
        self.model = model
        self.workers = workers
        self.batch_size = batch_size
        self.known_partners = known_partners
        self._nlp = None
        self._lock = threading.Lock()

    @property
    def nlp(self):
        """The spaCy pipeline, loaded on first use (see `load_nlp`)."""
        if self._nlp is None:
            with self._lock:
                if self._nlp is None:
                    self._nlp = load_nlp(self.model)
        return self._nlp

    def extract(self, document: Document, owner: str | None = None) -> Extraction:
        """`owner`: the place that speaks, when the caller knows it (overrides the text's)."""
        if owner:
            document = replace(document, owner=owner)
        return next(self.extract_many([document]))

    def extract_many(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        """Extract documents in order, batching the model's work (`nlp.pipe`).

        Texts go to the model in pieces of at most `CHUNK` characters, and at most
        `BATCH_CHARS` characters are in the model at once, however long a document is: memory
        is bounded by the batch, and time grows linearly with the text. A long document's
        pieces are joined into one `Doc` (without the model's internal tensors, which nothing
        after the model reads) before the components run on it; a very long one (over
        `pieces.LONG_TEXT` characters) is extracted piece by piece, on `workers` processes,
        and the results merged, so that a process only ever holds one piece's parse.
        """
        for long, run in groupby(documents, key=lambda d: len(d.text) > pieces.LONG_TEXT):
            if long:
                for document in run:
                    yield self._extract_long(document)
            else:
                yield from self._extract_stream(run)

    def _extract_long(self, document: Document) -> Extraction:
        """A very long text, a piece at a time (`pieces.py`), on up to `self.workers` processes.

        Each piece is extracted as a document of its own, dated like the ones before it (the
        first date a piece states anchors the later pieces' relative dates), and the pieces'
        extractions are merged. The pieces are shared out between this process and
        `workers - 1` forked ones, which inherit the loaded model (its pages are shared, not
        copied) and send back only their pieces' extractions; each process holds one piece's
        parse at a time. Without `fork` (not POSIX), or with `workers=1`, they run here in turn.
        """
        spans = pieces.split(document.text)
        dates, date = [], document.date
        for start, end in spans:
            dates.append(date)
            if date is None:    # what the piece's own extraction would date it with
                date = document_date(document.text[start:end], None) or document.metadata_date
        jobs = [(start, end, d) for (start, end), d in zip(spans, dates)]
        return pieces.merge(document.name, list(self._pieces(document, jobs)))

    def _pieces(self, document: Document, jobs: list) -> Iterator[tuple[int, Extraction]]:
        """(offset, extraction) of each job (start, end, date), in order."""
        import multiprocessing

        workers = min(self.workers, len(jobs), os.cpu_count() or 1)
        if workers < 2 or "fork" not in multiprocessing.get_all_start_methods():
            for job in jobs:
                yield _extract_piece(self, document, job)
            return
        from threadpoolctl import threadpool_limits

        global _FORKED
        self.nlp  # loaded before the fork, so that every process shares it
        with threadpool_limits(1):               # one core per process: no BLAS threads
            with _FORK_LOCK:                     # the workers are forked here, with their job
                _FORKED = (self, document)
                try:
                    pool = multiprocessing.get_context("fork").Pool(workers - 1,
                                                                    initializer=_quiet_worker)
                finally:
                    _FORKED = None
            with pool:
                theirs = pool.imap(_forked_piece, [j for k, j in enumerate(jobs) if k % workers])
                for k, job in enumerate(jobs):
                    yield _extract_piece(self, document, job) if k % workers == 0 else next(theirs)

    def _extract_stream(self, documents: Iterable[Document]) -> Iterator[Extraction]:
        for document, layout, sdoc in self.parse_many(documents):
            yield build(document, layout, sdoc, known_partners=self.known_partners)

    def parse_many(self, documents: Iterable[Document]) -> Iterator[tuple[Document, Layout, object]]:
        """(document, layout, spaCy Doc of the layout's view) in order: the model's part of the work,
        kept apart so that a benchmark can parse once and extract many times."""
        def items() -> Iterator[tuple[str, tuple[Document, Layout, int, int]]]:
            for document in documents:
                layout = analyse(document.text)
                pieces = _chunks(layout.view)
                for k, (s, e) in enumerate(pieces):
                    yield layout.view[s:e], (document, layout, k, len(pieces))

        parts: list = []
        for sdoc, (document, layout, k, n) in self._pipe(items()):
            if n > 1:
                sdoc.tensor = sdoc.tensor[:0].copy()  # let the piece's tensor go
            parts.append(sdoc)
            if k == n - 1:
                from spacy.tokens import Doc

                full = parts[0] if len(parts) == 1 else Doc.from_docs(
                    parts, ensure_whitespace=False, exclude=["tensor"])
                parts = []
                yield document, layout, full

    def _pipe(self, items: Iterator[tuple[str, Any]]) -> Iterator[tuple[Any, Any]]:
        """`nlp.pipe(as_tuples=True)` over groups of at most `BATCH_CHARS` characters (and
        `batch_size` pieces), so a run of long pieces never sits in the model all at once."""
        group: list[tuple[str, Any]] = []
        size = 0
        for text, context in items:
            if group and (size + len(text) > BATCH_CHARS or len(group) >= self.batch_size):
                yield from self.nlp.pipe(group, as_tuples=True, batch_size=len(group))
                group, size = [], 0
            group.append((text, context))
            size += len(text)
        if group:
            yield from self.nlp.pipe(group, as_tuples=True, batch_size=len(group))


_FORKED: tuple | None = None   # (extractor, document) a forked piece worker inherits
_FORK_LOCK = threading.Lock()


def _extract_piece(extractor: Extractor, document: Document, job) -> tuple[int, Extraction]:
    start, end, date = job
    piece = replace(document, text=document.text[start:end], date=date)
    return start, next(extractor._extract_stream([piece]))


def _quiet_worker() -> None:
    """Ctrl-C is the parent's to handle (it stops the workers): no traceback from each worker."""
    import signal

    signal.signal(signal.SIGINT, signal.SIG_IGN)


def _forked_piece(job) -> tuple[int, Extraction]:
    extractor, document = _FORKED
    return _extract_piece(extractor, document, job)


def _chunks(view: str) -> list[tuple[int, int]]:
    """[start, end) parts of `view` of at most `CHUNK` characters, cut after the last line break
    of the part's second half, else after its last sentence end, else after its last space."""
    if len(view) <= CHUNK:
        return [(0, len(view))]
    out, start = [], 0
    while start < len(view):
        end = min(len(view), start + CHUNK)
        if end < len(view):
            end = _cut(view, start + CHUNK // 2, end)
        out.append((start, end))
        start = end
    return out


CHUNK_SENTENCE_END = re.compile(r"[.!?…»]\s")


def _cut(view: str, low: int, high: int) -> int:
    """Where to end a part that may end anywhere in [low, high)."""
    cut = view.rfind("\n", low, high)
    if cut >= 0:
        return cut + 1
    ends = [m.end() for m in CHUNK_SENTENCE_END.finditer(view, low, high)]
    if ends:
        return ends[-1]
    cut = view.rfind(" ", low, high)
    return cut + 1 if cut >= 0 else high


SENTENCE_END = re.compile(r"[.!?:;…»\"”)]\s*$")
GLUED_ITEM = re.compile(r"(?<=[.!?])(?=(?:19|20)\d\d(?:\s*[-–]\s*(?:19|20)?\d\d)?\s*[,:])"
                        # « …du 12 au 15 octobre.Elle a participé… »: a page that lost the space
                        r"|(?<=[^\W_]{2}[.!?])(?=[A-ZÀ-ÖØ-Ý][a-zà-öø-ÿ]+\s)")


def _split_glued(layout: Layout, units: list[Unit]) -> list[Unit]:
    """Cut units where a dated statement is glued to the previous sentence ("…Luke.2007-2011, le …"),
    and where a sentence follows the previous one with no space (« …15 octobre.Elle a participé »)."""
    out = []
    for u in units:
        cuts = [m.start() for m in GLUED_ITEM.finditer(layout.text, u.start, u.end)]
        start = u.start
        for cut in cuts:
            if cut > start:
                out.append(Unit(start, cut, u.block, u.kind))
                start = cut
        out.append(Unit(start, u.end, u.block, u.kind))
    return out


CUT_BEFORE = re.compile(r"([A-ZÀ-Ý][\w’'-]*)\s*$")   # the capitalised word a cut sentence ends on
CUT_AFTER = re.compile(r"\s*([A-ZÀ-Ý][\w’'-]*)")      # the one the next sentence starts with


HYPHENED_NAMES = re.compile(r"\w-[A-ZÀ-Ý]|\w\w-[A-ZÀ-Ý]")   # « Lannion|-Caerphilly », « Lannion-|Caerphilly »


def _cut_name(text: str, end: int, start: int) -> bool:
    """Did the parser end a sentence at `end` inside a place's name, the next one starting at
    `start` (« Newton | Abbot et Ploërmel sont jumelées »)? True when the capitalised word before
    the cut and the one after it are together a name the gazetteer knows exactly."""
    before = CUT_BEFORE.search(text, max(0, end - 40), end)
    after = CUT_AFTER.match(text, start, min(len(text), start + 40))
    if before is None or after is None:
        return False
    name = f"{before.group(1)} {after.group(1)}"
    match = get_gazetteer().resolve(name, fuzzy=False)
    return match is not None and match.exact and fold_same_length(match.name) == fold_same_length(name)


def _capitals(text: str) -> bool:
    """Text written in capitals only (a title: « LE JUMELAGE ENTRE LE CANTON DE X ET … »), at
    least two words of letters."""
    letters = [c for c in text if c.isalpha()]
    return len(letters) > 6 and " " in text.strip() and not any(c.islower() for c in letters)


def sentence_units(layout: Layout, sdoc) -> list[Unit]:
    """The units of a parsed document: each heading, list item and table row whole, and each of
    the parser's sentences inside a paragraph (a sentence the parser cut in two joined again)."""
    units: list[Unit] = []
    sents = [(s.start_char, s.end_char) for s in sdoc.sents]
    si = 0
    for bi, block in enumerate(layout.blocks):
        if block.kind in ("heading", "item", "row"):
            units.append(Unit(block.start, block.end, bi, block.kind))
            continue
        while si < len(sents) and sents[si][1] <= block.start:
            si += 1
        j = si
        while j < len(sents) and sents[j][0] < block.end:
            s, e = max(sents[j][0], block.start), min(sents[j][1], block.end)
            while s < e and (layout.text[s].isspace() or layout.text[s] in ".;"):
                s += 1          # « 3 octobre 2022 | . Brest métropole… »: the stop ends the previous one
            while e > s and layout.text[e - 1].isspace():
                e -= 1
            if e > s:
                prev = units[-1] if units else None
                before = layout.text[prev.start:prev.end] if prev is not None else ""
                if (prev is not None and prev.block == bi and prev.kind == "para"
                        and ((not SENTENCE_END.search(before)
                              and (layout.text[s].islower() or layout.text[s] in ",;)"
                                   or (s == prev.end and HYPHENED_NAMES.match(layout.text, s - 2))
                                   or _cut_name(layout.text, prev.end, s)
                                   or _capitals(layout.text[prev.start:e])))
                             or (before.endswith(")") and layout.text[s].islower()))):
                    # the parser cut a sentence in two (« Séville et Porto | ont signé », « Mopti
                    # (Mali) | ont renouvelé », « Newton |
                    # Abbot et Ploërmel sont jumelées », « le jumelage Lannion|-Caerphilly a 40 ans »:
                    # cut at a hyphen with no space; a title in capitals cut at every word it takes
                    # for a sentence start)
                    prev.end = e
                else:
                    units.append(Unit(s, e, bi, "para"))
            j += 1
    return _split_glued(layout, units)


def build(document: Document, layout: Layout, sdoc, models: dict | None = None,
          known_partners=None) -> Extraction:
    """The records of one parsed document: the components of `components.PIPELINE` in order, then
    `assemble`. `models` maps a decision name ("pairs", "actions") to its `LinearModel`; by
    default the packaged weights (loaded once per process) are used. `known_partners`: a
    `gazetteer.KnownPartners` prior for homonyms (None: no prior)."""
    an = _analysis(document, layout, sdoc)
    components.run(components.PIPELINE, an, components.Context(document, models, known_partners))
    return assemble(an, an.links, an.events)


def _analysis(document: Document, layout: Layout, sdoc) -> Analysis:
    return Analysis(name=document.name, text=document.text, folded=fold_same_length(document.text),
                    layout=layout, doc=sdoc)


def analyse_document(document: Document, layout: Layout, sdoc, choose_owner=None,
                     known_partners=None) -> Analysis:
    """Mentions, date, owner, subjects and context of a parsed document (`components.ANALYSE`):
    what every decision reads. `choose_owner(an)`, when given, picks the owner instead of the
    rules (training may use the gold's)."""
    an = _analysis(document, layout, sdoc)
    ctx = components.Context(document, known_partners=known_partners, choose_owner=choose_owner)
    return components.run(components.ANALYSE, an, ctx)


# Mentions know finer administrative levels than the records' `PLACE_KINDS`: a department,
# province or canton is recorded as a region, a metropolis or intercommunality as a district.
_RECORD_KIND = {"department": "region", "metropolis": "district", "epci": "district"}


def record_kind(kind: str | None) -> str:
    """The `records.PLACE_KINDS` value of a mention's kind (unknown kinds are cities)."""
    kind = _RECORD_KIND.get(kind or "city", kind or "city")
    return kind if kind in PLACE_KINDS else "city"


def _collapse(history: list) -> list:
    """One change per run of the same status, dated by its earliest telling."""
    out: list = []
    for change in sorted(history, key=lambda h: h.date or ""):
        if out and out[-1].status == change.status:
            continue
        out.append(change)
    return out


def _display_name(variants: list[str]) -> str:
    """The fullest name as written, preferring "Évreux" to a heading's "ÉVREUX"."""
    written = [v for v in variants if not v.isupper()] or [_title(v) for v in variants]
    return max(written, key=len)


def _title(name: str) -> str:
    return re.sub(r"[^\W\d_]+", lambda m: m.group(0).capitalize(), name.lower())


def _known_keys(an: Analysis, links, events: list[Event], known: set[str]):
    """Links and events with every place key canonical and named by a mention; a link or an
    initiative that loses a place is dropped (an alias made after a rule ran, a mention given
    way to a longer name), so records never point at a place the document does not list."""
    from jumelage.extract.relations import Links

    kept = Links()
    for key, link in links.by_pair.items():
        a, b = an.key_of(link.a), an.key_of(link.b)
        if a != b and a in known and b in known:
            link.a, link.b = a, b
            kept.by_pair[frozenset((a, b))] = link
    out = []
    for ev in events:
        ev.places = list(dict.fromkeys(an.key_of(k) for k in ev.places if an.key_of(k) in known))
        ev.actors = list(dict.fromkeys(an.key_of(k) for k in ev.actors if an.key_of(k) in known))
        ev.partners = [k for k in dict.fromkeys(an.key_of(k) for k in ev.partners if an.key_of(k) in known)
                       if k not in ev.actors]
        if ev.kind == "initiative" and not ev.places:
            continue
        out.append(ev)
    return kept, out


def news_month(an: Analysis, ev: Event) -> tuple[str, str] | None:
    """(month, status) of an undated action told as done (past tense or no verb) on a page whose
    first lines state its date to the month or the day (a news item, a « date 2023-10 » marker):
    the page's month, as the annotation conventions read such pages (what a news item tells as
    done happened when it was written). A signing or renewal told in the present (« Chauvigny
    renouvelle son protocole de coopération ») is the news itself: done, that month. None for a
    page dated by its year only or by its body, and for what is ongoing, planned or otherwise
    told in the present."""
    if ev.start or ev.tense == "future":
        return None
    if not an.date or len(an.date) < 7 or stated_date(an.text) != an.date:
        return None
    status = ev.status or "done"
    if ev.tense == "present":
        if not cues.has("signing", an.folded[ev.start_char:ev.end_char]):
            return None
        status = "done"
    return (an.date[:7], status) if status == "done" else None


def assemble(an: Analysis, links, events: list[Event]) -> Extraction:
    first: dict[str, Mention] = {}
    names: dict[str, list[str]] = {}
    for m in an.mentions:
        k = an.key(m)
        first.setdefault(k, m)
        names.setdefault(k, [])
        if m.name not in names[k]:
            names[k].append(m.name)
    links, events = _known_keys(an, links, events, set(first))
    used: list[str] = []

    def use(key: str) -> str:
        if key not in used:
            used.append(key)
        return key

    owner = an.key_of(an.owner) if an.owner and an.key_of(an.owner) in first else None
    if owner and (links.by_pair or events):
        use(owner)
    for link in links.by_pair.values():
        use(link.a), use(link.b)
    for ev in events:
        for k in ev.places:
            use(k)
    refs = {k: f"p{i + 1}" for i, k in enumerate(used)}
    places = []
    for k in used:
        m = first[k]
        # a department or region is named by its own name (« Corrèze »), not its council's
        shown = [unit_own_name(n) for n in names[k]] if record_kind(m.kind) == "region" else names[k]
        name = _display_name(shown)
        places.append(Place(
            ref=refs[k], name=name, country=m.country, geonames_id=m.geonames_id,
            lat=m.lat, lon=m.lon, kind=record_kind(m.kind), aliases=[n for n in names[k] if n != name],
            population=m.population,
        ))

    partnerships = []
    for link in links.by_pair.values():
        since = earliest(link.since) if link.since else (
            min(link.anniversary_since) if link.anniversary_since else None)
        span = link.spans[0] if link.spans else None
        history = _collapse(link.history)
        status = history[-1].status if history else "active"
        partnerships.append(Partnership(
            places=(refs[link.a], refs[link.b]), kind=link.kind, since=since, status=status,
            history=history, span=span, quote=an.text[span[0]:span[1]] if span else None,
        ))

    place_names = {fold_same_length(n) for ns in names.values() for n in ns}
    all_orgs = find_organisations(an.text, an.folded, an.doc, place_names)
    actions, initiatives = [], []
    for ev in events:
        themes, context, amounts = describe(an, ev)
        orgs = unique_names([o for o in all_orgs if ev.start_char <= o[0] < ev.end_char])
        span = (ev.start_char, ev.end_char)
        quote = an.text[span[0]:span[1]]
        if ev.kind == "action":
            news = news_month(an, ev)
            start, status = (news[0], news[1]) if news else (ev.start, ev.status)
            end = ev.end if (ev.end or ev.open_end) else start
            actions.append(Action(
                actors=[refs[k] for k in ev.actors], partners=[refs[k] for k in ev.partners],
                start=start, end=end, status=status or "done", themes=themes,
                amounts=amounts, organizations=orgs, span=span, quote=quote,
            ))
        else:
            initiatives.append(Initiative(
                place=refs[ev.places[0]], themes=themes, context=context, amounts=amounts,
                organizations=orgs, start=ev.start, end=ev.end if (ev.end or ev.open_end) else ev.start,
                span=span, quote=quote,
            ))
    involved = {o for a in actions for o in a.organizations} | {o for i in initiatives for o in i.organizations}
    # also those named as taking part in something the records do not hold ("organisée par CGLU")
    acting = [u for u in an.units if cues.has("action_triggers", an.folded[u.start:u.end])
              or cues.has("initiative_triggers", an.folded[u.start:u.end])]
    involved |= {name for s, e, name in all_orgs if any(u.start <= s < u.end for u in acting)}
    organisations = [o for o in unique_names(all_orgs) if o in involved]
    return Extraction(
        source=an.name, places=places, partnerships=partnerships, actions=actions,
        initiatives=initiatives, organizations=organisations, date=an.date,
        owner=refs.get(owner) if owner else None,
    )
