"""Tests of jumelage.read: every format, every encoding, every way a file can be unreadable.

All fixtures are written at test time into tmp_path (short French texts composed for these
tests); the seed documents in ../shared/seeds are only read, to check offsets stay exact.
"""
from __future__ import annotations

import datetime as dt
import hashlib
import io
import os
from pathlib import Path

import pytest

from jumelage.errors import JumelageError, ReadError
from jumelage.read import SUPPORTED_SUFFIXES, iter_documents, read_bytes, read_document
from jumelage.read.clean import mend_pdf_text
from jumelage.read.language import detect_language

SEEDS = Path(__file__).resolve().parents[2] / "shared" / "seeds"
if not SEEDS.is_dir():
    SEEDS = Path("/work/shared/seeds")

FRENCH = (
    "Le jumelage entre Villeneuve-sur-Lot et sa ville jumelle allemande a été signé en 1997.\n"
    "Depuis, les écoles échangent des élèves chaque année ; la fête de l’été réunit les deux "
    "comités à Noël aussi. Coût de l’œuvre commune : 12 000 €.\n"
)
DOCX_TYPE = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_bytes(data)
    return path


def problem(path_or_call, *args) -> str:
    with pytest.raises(ReadError) as caught:
        if callable(path_or_call):
            path_or_call(*args)
        else:
            read_document(path_or_call)
    return caught.value.problem


# -- plain text ------------------------------------------------------------------------------
def test_utf8_text_is_exactly_read_text_and_described(tmp_path: Path) -> None:
    raw = ("Jumelage avec Mahlberg\r\n\r\n" + FRENCH.replace("\n", "\r\n")
           + "  deux espaces,\ttabulation, espaces finaux   \r\nvieux Mac\rfin").encode("utf-8")
    path = write(tmp_path, "bulletin.txt", raw)
    doc = read_document(path)
    assert doc.text == path.read_text(encoding="utf-8")
    assert "\r" not in doc.text and "  deux espaces,\ttabulation, espaces finaux   \n" in doc.text
    assert doc.text.endswith("vieux Mac\nfin")
    assert doc.name == "bulletin.txt" and doc.path == str(path)
    assert doc.media_type == "text/plain"
    assert doc.content_hash == hashlib.sha256(raw).hexdigest()
    assert doc.language == "fr"
    assert doc.title == "Jumelage avec Mahlberg"
    assert doc.date is None


def test_utf8_with_bom_keeps_offsets_of_read_text(tmp_path: Path) -> None:
    path = write(tmp_path, "bom.txt", b"\xef\xbb\xbf" + FRENCH.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == path.read_text(encoding="utf-8")
    assert doc.text.lstrip("\ufeff") == FRENCH
    assert doc.language == "fr"


@pytest.mark.parametrize("encoding", ["cp1252", "utf-16", "utf-16-le", "utf-16-be", "utf-32"])
def test_common_encodings_are_detected(tmp_path: Path, encoding: str) -> None:
    path = write(tmp_path, f"texte-{encoding}.txt", FRENCH.replace("\n", "\r\n").encode(encoding))
    doc = read_document(path)
    assert doc.text == FRENCH
    assert doc.language == "fr"


def test_latin1_short_text_is_not_mistaken_for_central_european(tmp_path: Path) -> None:
    text = "Fête du jumelage à Châlons : les élèves ont été reçus."
    assert read_document(write(tmp_path, "court.txt", text.encode("latin-1"))).text == text


def test_markdown_is_text_with_front_matter_title_and_date(tmp_path: Path) -> None:
    body = "---\ntitle: Nos villes jumelles\ndate: 2021-09-18\n---\n# Jumelages\n\n" + FRENCH
    path = write(tmp_path, "notes.md", body.encode("utf-8"))
    doc = read_document(path)
    assert doc.text == body
    assert (doc.media_type, doc.title, doc.date) == (
        "text/markdown", "Nos villes jumelles", "2021-09-18")


def test_binary_junk_renamed_txt_is_refused(tmp_path: Path) -> None:
    junk = bytes(range(256)) * 8 + os.urandom(2048)
    assert problem(write(tmp_path, "photo.txt", junk)) == "binary content, not text"
    controls = ("abc\x01\x02\x03\x04\x05\x06\x07\x08" * 50).encode("ascii")
    assert problem(write(tmp_path, "controls.txt", controls)) == "binary content, not text"
    pdf_renamed = b"%PDF-1.4\n%\xe2\xe3\xcf\xd3\n1 0 obj\n<<>>\x00\x00stream\n" + os.urandom(512)
    assert problem(write(tmp_path, "rapport.txt", pdf_renamed)) == "binary content, not text"


def test_empty_and_whitespace_files(tmp_path: Path) -> None:
    assert problem(write(tmp_path, "vide.txt", b"")) == "empty file"
    assert problem(write(tmp_path, "vide.pdf", b"")) == "empty file"
    assert problem(write(tmp_path, "blanc.txt", b" \r\n\t\n")).startswith("empty file")


# -- limits and unreadable files -------------------------------------------------------------
def test_big_file_is_refused_from_its_size_alone(tmp_path: Path, monkeypatch) -> None:
    path = tmp_path / "enorme.txt"
    with path.open("wb") as handle:                       # sparse: 52.4 MB that take no space
        handle.truncate(int(52.4 * 1024 * 1024))

    def never(self, *args, **kwargs):
        raise AssertionError("an oversized file must not be opened")

    monkeypatch.setattr(Path, "open", never)
    assert problem(path) == "file too large (52.4 MB > limit 20 MB)"


def test_a_library_failure_becomes_one_line(tmp_path: Path, monkeypatch) -> None:
    import jumelage.read.dispatch as dispatch

    def choke(data: bytes, label: object) -> None:
        raise ValueError("arbre\nmal formé")

    monkeypatch.setitem(dispatch._READERS, "text/html", lambda d, where, _limit: choke(d, where))
    message = problem(write(tmp_path, "page.html", b"<html><body><p>x</p></body></html>"))
    assert message == "cannot read text/html content (ValueError: arbre mal formé)"


def test_size_limit_comes_from_the_environment(tmp_path: Path, monkeypatch) -> None:
    path = write(tmp_path, "moyen.txt", FRENCH.encode("utf-8") * 20)
    monkeypatch.setenv("JUMELAGE_MAX_FILE_MB", "0.001")
    kb = path.stat().st_size / 1024
    assert problem(path) == f"file too large ({kb:.1f} KB > limit 0.001 MB)"
    assert problem(read_bytes, path.read_bytes(), "moyen.txt").startswith("file too large")
    monkeypatch.setenv("JUMELAGE_MAX_FILE_MB", "1")
    assert read_document(path).text == path.read_text(encoding="utf-8")
    monkeypatch.setenv("JUMELAGE_MAX_FILE_MB", "beaucoup")
    with pytest.raises(JumelageError, match="JUMELAGE_MAX_FILE_MB"):
        read_document(path)


def test_unsupported_missing_directory_and_denied(tmp_path: Path, monkeypatch) -> None:
    odd = write(tmp_path, "tableau.xyz", b"a,b\n")
    assert problem(odd).startswith("unsupported file type .xyz")
    assert problem(write(tmp_path, "LISEZMOI", b"texte")).startswith("unsupported file type")
    assert problem(tmp_path / "absent.txt") == "cannot read: no such file"
    assert problem(tmp_path) == "cannot read: is a directory"

    secret = write(tmp_path, "secret.txt", FRENCH.encode("utf-8"))

    def denied(self, *args, **kwargs):
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "open", denied)
    assert problem(secret) == "cannot read: permission denied"


def test_read_error_names_the_file(tmp_path: Path) -> None:
    path = write(tmp_path, "vide.txt", b"")
    with pytest.raises(ReadError) as caught:
        read_document(path)
    assert str(caught.value) == f"{path}: empty file"


def test_read_bytes_matches_read_document(tmp_path: Path) -> None:
    raw = FRENCH.encode("cp1252")
    path = write(tmp_path, "lettre.txt", raw)
    from_file, from_memory = read_document(path), read_bytes(raw, "lettre.txt")
    assert from_memory.text == from_file.text == FRENCH
    assert from_memory.content_hash == from_file.content_hash
    assert from_memory.path is None and from_memory.name == "lettre.txt"
    # a name without a known suffix: the media type decides
    page = b"<html><body><article><p>" + FRENCH.encode("utf-8") + b"</p></article></body></html>"
    doc = read_bytes(page, "C:\\Users\\marie\\page", "text/html; charset=utf-8")
    assert doc.media_type == "text/html" and doc.name == "page" and "Villeneuve-sur-Lot" in doc.text
    assert problem(read_bytes, b"data", "archive.zip", "application/zip").startswith(
        "unsupported file type .zip")
    assert problem(read_bytes, b"", "vide.txt") == "empty file"


# -- HTML ------------------------------------------------------------------------------------
ARTICLE_PAGE = """<!DOCTYPE html>
<html lang="fr"><head><meta charset="utf-8">
<title>Jumelage : vingt-cinq ans d'amitié | Ville de Bourg-Lavande</title>
<meta property="article:published_time" content="2022-07-05T10:39:00+02:00">
</head><body>
<header class="site"><div class="logo">Ville de Bourg-Lavande</div>
<nav><ul><li><a href="/">Accueil</a></li><li><a href="/agenda">Agenda des sorties</a></li>
<li><a href="/demarches">Démarches en ligne</a></li></ul></nav></header>
<main><article>
<h1>Vingt-cinq ans d'amitié avec Mahlberg</h1>
<p>Le <time datetime="2022-07-03">3 juillet</time>, une délégation de vingt habitants est
partie pour Mahlberg, la ville jumelle allemande, avec les deux minibus de la mairie.</p>
<h2>Une coopération qui dure</h2>
<p>Les deux communes ont signé leur charte de jumelage en 1997.<br>Depuis, les échanges
scolaires se poursuivent chaque année et les comités organisent des rencontres sportives
entre les clubs des deux villes.</p>
<ul><li>Échanges scolaires</li><li>Rencontres   sportives</li></ul>
<table><tr><td>Année</td><td>Événement</td></tr>
<tr><td>1997</td><td>Signature de la charte</td></tr></table>
</article></main>
<aside><h3>À lire aussi</h3><p>Travaux de voirie rue des Lilas.</p></aside>
<footer><p>Mentions légales — Plan du site — © Mairie de Bourg-Lavande</p></footer>
</body></html>"""


def test_html_keeps_the_article_and_drops_the_boilerplate(tmp_path: Path) -> None:
    doc = read_document(write(tmp_path, "jumelage.html", ARTICLE_PAGE.encode("utf-8")))
    assert doc.media_type == "text/html" and doc.language == "fr"
    assert doc.date == "2022-07-05"
    assert doc.title == "Vingt-cinq ans d'amitié avec Mahlberg"
    for boilerplate in ("Accueil", "Agenda des sorties", "Mentions légales", "rue des Lilas"):
        assert boilerplate not in doc.text
    blocks = doc.text.split("\n\n")
    assert blocks[0] == "Vingt-cinq ans d'amitié avec Mahlberg"
    assert blocks[1] == ("Le 3 juillet, une délégation de vingt habitants est partie pour "
                         "Mahlberg, la ville jumelle allemande, avec les deux minibus de la "
                         "mairie.")
    assert "Une coopération qui dure" in blocks
    assert "Les deux communes ont signé leur charte de jumelage en 1997.\nDepuis, les échanges" \
        in doc.text
    assert "Échanges scolaires\nRencontres sportives" in doc.text
    assert "1997\tSignature de la charte" in doc.text


def test_html_date_from_time_element_and_declared_charset(tmp_path: Path) -> None:
    page = ("<html><head><meta http-equiv='Content-Type' content='text/html; charset=windows-1252'>"
            "<title>Coopération avec Banfora</title></head><body><article>"
            "<p>Publié le <time datetime='2019-02-18T08:00'>18 février 2019</time>.</p>"
            "<p>Les élèves de l’école ont financé un puits à Banfora, au Burkina Faso, grâce à la "
            "fête annuelle du comité de jumelage ; l’œuvre a coûté 12 000 €.</p>"
            "</article></body></html>")
    doc = read_document(write(tmp_path, "banfora.htm", page.encode("cp1252")))
    assert doc.date == "2019-02-18"
    assert "Publié le 18 février 2019." in doc.text
    assert "l’œuvre a coûté 12 000 €" in doc.text
    assert doc.title == "Coopération avec Banfora"


def test_short_html_page_without_article_still_gives_its_text(tmp_path: Path) -> None:
    page = ("<html><head><title>Maglie</title></head><body>"
            "<nav><ul><li>Accueil</li><li>Contact</li></ul></nav>"
            "<div><p>Le jumelage avec Maglie fête ses cinquante ans.</p>"
            "<p>Une délégation italienne est attendue en mai.</p></div>"
            "<footer><p>Mentions légales</p></footer></body></html>")
    doc = read_document(write(tmp_path, "maglie.html", page.encode("utf-8")))
    assert doc.text == ("Le jumelage avec Maglie fête ses cinquante ans.\n\n"
                        "Une délégation italienne est attendue en mai.")
    assert doc.title == "Maglie" and doc.date is None


def test_div_only_page_keeps_its_headings(tmp_path: Path) -> None:
    page = ("<html><head><title>Jumelage</title></head><body><div id='menu'><a href='/'>Accueil</a>"
            "</div><div id='contenu'><h1>Notre ville jumelle</h1><p>Depuis 1965, la ville est "
            "jumelée avec Wittlich en Allemagne. Les échanges entre écoles sont réguliers.</p>"
            "<h2>Wittlich</h2><p>Wittlich est une ville de Rhénanie-Palatinat. Elle compte environ "
            "19 000 habitants et accueille chaque année une foire.</p><p>Les comités de jumelage "
            "des deux villes préparent une rencontre pour le soixantième anniversaire.</p></div>"
            "<div class='footer'>Plan du site - Contact</div></body></html>")
    doc = read_document(write(tmp_path, "wittlich.html", page.encode("utf-8")))
    blocks = doc.text.split("\n\n")
    assert blocks[:3] == [
        "Notre ville jumelle",
        "Depuis 1965, la ville est jumelée avec Wittlich en Allemagne. Les échanges entre écoles "
        "sont réguliers.",
        "Wittlich",
    ]
    assert len(blocks) == 5 and "Plan du site" not in blocks[-1]


def test_layout_table_and_fragment_pages(tmp_path: Path) -> None:
    page = ("<html><body><table><tr><td><font face='Arial'>Le comité de jumelage<br><br>Créé en "
            "1982, le comité organise chaque année un voyage à Florstadt.<br>Les familles "
            "accueillent les visiteurs allemands.</font></td></tr></table></body></html>")
    text = read_document(write(tmp_path, "ancien.html", page.encode("utf-8"))).text
    assert "Le comité de jumelage\n\nCréé en 1982" in text
    assert "Florstadt.\n" in text and "Florstadt.Les" not in text
    xhtml = ("<?xml version='1.0' encoding='iso-8859-1'?>\n"
             "<html xmlns='http://www.w3.org/1999/xhtml'>"
             "<head><title>Jumelage</title></head><body><div id='contenu'><h1>Notre ville jumelle"
             "</h1><p>Depuis 1965, la ville est jumelée avec Wittlich en Allemagne.</p></div>"
             "</body></html>")
    text = read_bytes(xhtml.encode("iso-8859-1"), "wittlich.xhtml", "application/xhtml+xml").text
    assert text == ("Notre ville jumelle\n\n"
                    "Depuis 1965, la ville est jumelée avec Wittlich en Allemagne.")
    fragment = "<p>Le jumelage avec Maglie a cinquante ans.</p>".encode("utf-8")
    assert read_bytes(fragment, "extrait.html").text == "Le jumelage avec Maglie a cinquante ans."


def test_html_without_text_is_refused(tmp_path: Path) -> None:
    page = (b"<html><head><title>Vide</title><script>var x = 1;</script></head>"
            b"<body>  </body></html>")
    assert problem(write(tmp_path, "vide.html", page)) == "HTML page has no main text"


# -- PDF -------------------------------------------------------------------------------------
def make_pdf(lines: list[str], *, title: str | None = None, created: dt.datetime | None = None,
             furniture: bool = False) -> bytes:
    """A PDF whose lines are placed one below the other ("" leaves a paragraph gap); with
    `furniture`, one line per page under a running header and above a page number."""
    from fpdf import FPDF

    pdf = FPDF()
    pdf.set_font("Helvetica", size=11)
    if title:
        pdf.set_title(title)
    if created:
        pdf.set_creation_date(created)
    if not furniture:
        pdf.add_page()
    for number, line in enumerate(lines, start=1):
        if furniture:
            pdf.add_page()
            pdf.cell(0, 6, "Le Journal de Bourg-Lavande - mars 2021", new_x="LMARGIN", new_y="NEXT")
            pdf.ln(4)
        if line:
            pdf.cell(0, 6, line, new_x="LMARGIN", new_y="NEXT")
        else:
            pdf.ln(6)
        if furniture:
            pdf.set_y(-20)
            pdf.cell(0, 6, str(number), align="C")
    return bytes(pdf.output())


PDF_LINES = [
    "LA COOPERATION AVEC BANFORA",
    "Depuis 2005, la commune mène une coopé-",
    "ration décentralisée avec la ville de Banfora,",
    "au Burkina Faso, et ses habitants soutiennent",
    "l'école du quartier de Niangoloko avec le",
    "comité de jumelage de Saint-",
    "Priest et les parents d'élèves.",
    "",
    "Un nouveau puits a été inauguré en 2019 par les",
    "deux maires, en présence du porte-parole du",
    "comité. Le porte-",
    "parole a remercié les donateurs.",
]


def test_pdf_text_layer_is_mended(tmp_path: Path) -> None:
    data = make_pdf(PDF_LINES, title="Bulletin municipal",
                    created=dt.datetime(2021, 3, 15, 10, 0, tzinfo=dt.timezone.utc))
    doc = read_document(write(tmp_path, "bulletin.pdf", data))
    assert doc.media_type == "application/pdf" and doc.language == "fr"
    assert (doc.title, doc.metadata_date, doc.date) == ("Bulletin municipal", "2021-03-15", None)
    assert doc.text == (
        "LA COOPERATION AVEC BANFORA\n"
        "Depuis 2005, la commune mène une coopération décentralisée avec la ville de Banfora, "
        "au Burkina Faso, et ses habitants soutiennent l'école du quartier de Niangoloko avec le "
        "comité de jumelage de Saint-Priest et les parents d'élèves.\n\n"
        "Un nouveau puits a été inauguré en 2019 par les deux maires, en présence du "
        "porte-parole du comité. Le porte-parole a remercié les donateurs."
    )


def test_pdf_two_columns_read_as_one_flow(tmp_path: Path) -> None:
    from fpdf import FPDF

    left = ["Le conseil municipal a voté une", "subvention de 5 000 euros pour le",
            "dispensaire de Jacmel, en Haïti, géré"]
    right = ["par une association locale.", "", "Les travaux commenceront en mars."]
    pdf = FPDF()
    pdf.set_font("Helvetica", size=10)
    pdf.add_page()
    for x, lines in ((10, left), (110, right)):
        pdf.set_xy(x, 20)
        for line in lines:
            if line:
                pdf.cell(90, 6, line, new_x="LEFT", new_y="NEXT")
            else:
                pdf.ln(6)
                pdf.set_x(x)
    doc = read_document(write(tmp_path, "colonnes.pdf", bytes(pdf.output())))
    assert doc.text == ("Le conseil municipal a voté une subvention de 5 000 euros pour le "
                        "dispensaire de Jacmel, en Haïti, géré par une association locale.\n\n"
                        "Les travaux commenceront en mars.")


def test_pdf_page_numbers_and_running_headers_are_dropped(tmp_path: Path) -> None:
    pages = ["Les échanges scolaires avec Mahlberg reprennent cette année.",
             "La chorale de Banfora chantera le 14 juillet.",
             "Le comité de jumelage recrute des familles d'accueil."]
    doc = read_document(write(tmp_path, "journal.pdf", make_pdf(pages, furniture=True)))
    assert doc.text.split("\n\n") == pages


def test_encrypted_pdf(tmp_path: Path) -> None:
    from pypdf import PdfReader, PdfWriter

    def encrypted(user_password: str) -> bytes:
        writer = PdfWriter()
        for page in PdfReader(io.BytesIO(make_pdf(PDF_LINES))).pages:
            writer.add_page(page)
        writer.encrypt(user_password=user_password, owner_password="proprietaire",
                       algorithm="AES-128")
        out = io.BytesIO()
        writer.write(out)
        return out.getvalue()

    secret = write(tmp_path, "secret.pdf", encrypted("motdepasse"))
    assert problem(secret) == "password-protected PDF"
    doc = read_document(write(tmp_path, "restreint.pdf", encrypted("")))
    assert "coopération décentralisée" in doc.text


def test_pdf_without_text_layer_and_damaged_pdf(tmp_path: Path) -> None:
    from fpdf import FPDF

    pdf = FPDF()
    pdf.add_page()
    pdf.rect(20, 20, 100, 150, style="F")                 # a "scan": shapes, no text
    scan = write(tmp_path, "scan.pdf", bytes(pdf.output()))
    assert problem(scan) == "PDF has no text layer (scanned?)"
    damaged = write(tmp_path, "casse.pdf", b"%PDF-1.7\n" + b"n'importe quoi " * 40)
    assert problem(damaged).startswith("damaged PDF")
    assert problem(write(tmp_path, "image.pdf", b"\x89PNG\r\n" + os.urandom(200))).startswith(
        "not a PDF file")


def test_mend_pdf_text_rules() -> None:
    assert mend_pdf_text("la coopé-\nration") == "la coopération"
    assert mend_pdf_text("un porte-parole, le porte-\nparole") == "un porte-parole, le porte-parole"
    assert mend_pdf_text("ville de Saint-\nPriest.") == "ville de Saint-Priest."
    assert mend_pdf_text("la ville\njumelle.\nLe maire.") == "la ville jumelle.\nLe maire."
    assert mend_pdf_text("JUMELAGE\nla ville") == "JUMELAGE\nla ville"
    assert mend_pdf_text("Premier.\n\n\n\nSecond.") == "Premier.\n\nSecond."
    assert mend_pdf_text("liste :\n- un puits\n- une école") == "liste :\n- un puits\n- une école"
    assert mend_pdf_text("le ﬁnancement") == "le financement"


# -- docx ------------------------------------------------------------------------------------
def test_docx_paragraphs_headings_and_tables(tmp_path: Path) -> None:
    import docx

    document = docx.Document()
    document.core_properties.title = "Rapport de coopération"
    document.core_properties.created = dt.datetime(2020, 6, 1, 9, 0)
    document.add_heading("Jumelage avec Banfora", level=1)
    document.add_paragraph("La commune soutient l'école de Banfora depuis 2005.")
    document.add_paragraph("")
    document.add_paragraph("Construction d'un puits", style="List Bullet")
    document.add_paragraph("Bourses scolaires", style="List Bullet")
    table = document.add_table(rows=2, cols=3)
    for cell, text in zip(table.rows[0].cells, ("Année", "Action", "Montant")):
        cell.text = text
    for cell, text in zip(table.rows[1].cells, ("2019", "Puits", "12 000 €")):
        cell.text = text
    document.add_paragraph("Le comité remercie les donateurs.")
    out = io.BytesIO()
    document.save(out)
    doc = read_document(write(tmp_path, "rapport.docx", out.getvalue()))
    assert doc.media_type == DOCX_TYPE and doc.language == "fr"
    assert (doc.title, doc.metadata_date, doc.date) == (
        "Rapport de coopération", "2020-06-01", None)
    assert doc.text == (
        "Jumelage avec Banfora\n\n"
        "La commune soutient l'école de Banfora depuis 2005.\n\n"
        "Construction d'un puits\nBourses scolaires\n\n"
        "Année\tAction\tMontant\n2019\tPuits\t12 000 €\n\n"
        "Le comité remercie les donateurs."
    )


def test_docx_content_controls_and_tracked_insertions_are_read(tmp_path: Path) -> None:
    import docx
    from docx.oxml import OxmlElement
    from docx.oxml.ns import qn

    document = docx.Document()
    boxed = document.add_paragraph("Convention signée avec Jacmel.")._p
    sdt, content = OxmlElement("w:sdt"), OxmlElement("w:sdtContent")
    boxed.addprevious(sdt)
    sdt.append(content)
    content.append(boxed)                                  # a paragraph inside a content control
    revised = document.add_paragraph("Le dispensaire ")._p
    insertion = OxmlElement("w:ins")
    insertion.set(qn("w:id"), "1")
    insertion.set(qn("w:author"), "Mairie")
    run, text = OxmlElement("w:r"), OxmlElement("w:t")
    text.text = "a ouvert en 2018."
    run.append(text)
    insertion.append(run)
    revised.append(insertion)                              # a tracked insertion
    out = io.BytesIO()
    document.save(out)
    doc = read_document(write(tmp_path, "revu.docx", out.getvalue()))
    assert doc.text == "Convention signée avec Jacmel.\n\nLe dispensaire a ouvert en 2018."


def test_damaged_old_and_bomb_docx_are_refused(tmp_path: Path, monkeypatch) -> None:
    import zipfile

    import docx

    assert problem(write(tmp_path, "faux.docx", FRENCH.encode("utf-8"))).startswith(
        "not a valid .docx file")
    old = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600)
    assert problem(write(tmp_path, "ancien.docx", old)).startswith("old Word .doc format")
    out = io.BytesIO()
    document = docx.Document()
    document.add_paragraph("Le jumelage avec Banfora.")
    document.save(out)
    with zipfile.ZipFile(out, "a", compression=zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("word/media/bombe.bin", bytes(4 * 1024 * 1024))
    bomb = write(tmp_path, "bombe.docx", out.getvalue())
    monkeypatch.setenv("JUMELAGE_MAX_FILE_MB", "0.2")
    assert problem(bomb).startswith("file too large once unpacked")


# -- folders ---------------------------------------------------------------------------------
def test_iter_documents_walks_folders_sorted(tmp_path: Path) -> None:
    for name in ("b/2.txt", "b/1.PDF", "a.html", "c/d/e.docx", "notes.md", "image.png",
                 ".cache/x.txt", ".cachee.txt", "b/~$verrou.docx", "b/.cache.txt"):
        write(tmp_path, name, b"x")
    found = list(iter_documents([tmp_path]))
    assert [p.relative_to(tmp_path).as_posix() for p in found] == [
        "a.html", "b/1.PDF", "b/2.txt", "c/d/e.docx", "notes.md"]
    odd = tmp_path / "image.png"
    given = [tmp_path / "b" / "2.txt", odd, tmp_path / "b", tmp_path / "nul.txt"]
    again = list(iter_documents(given))
    assert again == [tmp_path / "b" / "2.txt", odd, tmp_path / "b" / "1.PDF", tmp_path / "nul.txt"]
    assert set(SUPPORTED_SUFFIXES) == {".txt", ".text", ".md", ".html", ".htm", ".pdf", ".docx"}


def test_metadata_dates_become_iso_partial_dates() -> None:
    from jumelage.read.dates import iso_partial

    assert iso_partial("2022-07-05T10:39:00+02:00") == "2022-07-05"
    assert iso_partial("D:20210315100000+01'00'") == "2021-03-15"
    assert iso_partial("05/07/2022") == "2022-07-05"
    assert iso_partial("2022-07") == "2022-07"
    assert iso_partial(dt.datetime(2020, 6, 1, 9, 0)) == "2020-06-01"
    for bogus in ("1601-01-01", "2022-02-30", "20221", "hier", None):
        assert iso_partial(bogus) is None


# -- language, seeds -------------------------------------------------------------------------
def test_language_is_french_only_when_it_is() -> None:
    assert detect_language(FRENCH) == "fr"
    assert detect_language("The twinning between the two towns was signed in 1997, and since "
                           "then the schools exchange pupils every year.") is None
    assert detect_language("El hermanamiento entre las dos ciudades se firmó en 1997 y desde "
                           "entonces las escuelas intercambian alumnos cada año.") is None
    assert detect_language("Jumelage") is None


@pytest.mark.skipif(not SEEDS.is_dir(), reason="no shared seed folder beside the checkout")
def test_seed_texts_are_read_exactly() -> None:
    seeds = sorted(SEEDS.glob("*.txt"))
    assert seeds
    for path in seeds:
        doc = read_document(path)
        assert doc.text == path.read_text(encoding="utf-8"), path.name
        assert doc.language == "fr", path.name


def test_a_folder_never_reads_a_link_that_leads_out_of_it(tmp_path):
    """A link to a file outside the folder (or a broken one) is skipped with its reason; a link
    inside the folder and a file named explicitly are read."""
    from jumelage.read import scan

    secret = tmp_path / "secret.txt"
    secret.write_text("mot de passe : hibou\n", encoding="utf-8")
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "vrai.txt").write_text("Lannion est jumelée avec Caerphilly.\n", encoding="utf-8")
    (folder / "fuite.txt").symlink_to(secret)
    (folder / "casse.txt").symlink_to(tmp_path / "absent.txt")
    (folder / "alias.txt").symlink_to(folder / "vrai.txt")
    found = scan([folder])
    assert sorted(p.name for p in found.files) == ["alias.txt", "vrai.txt"]
    reasons = {p.name: why for p, why in found.skipped}
    assert "outside the folder" in reasons["fuite.txt"] and "outside" in reasons["casse.txt"]
    assert [p.name for p in scan([folder / "fuite.txt"]).files] == ["fuite.txt"]


def test_a_page_read_by_the_fallback_keeps_its_site_name_and_address(tmp_path):
    """The owner hint reads og:site_name and the canonical address: a page too deeply nested for
    trafilatura, read as plain text, still gives them."""
    body = "<div>" * 500 + "<p>Lannion est jumelée avec Caerphilly depuis 1977.</p>" + "</div>" * 500
    page = tmp_path / "p.html"
    page.write_text('<html><head><meta property="og:site_name" content="Ville de Lannion">'
                    '<link rel="canonical" href="https://www.lannion.fr/jumelages"></head>'
                    f"<body>{body}</body></html>", encoding="utf-8")
    doc = read_document(page)
    assert doc.notes and "Caerphilly" in doc.text
    assert (doc.site_name, doc.url) == ("Ville de Lannion", "https://www.lannion.fr/jumelages")


def test_a_text_limit_set_for_a_block_applies_there_only(tmp_path) -> None:
    """`read.limits.text_limit` (the web's upload cap) refuses a longer text inside its block,
    names the limit without pointing at a command-line option, and leaves the default after."""
    from jumelage.read.limits import text_limit

    f = tmp_path / "note.txt"
    f.write_text("Le jumelage entre deux villes. " * 100, encoding="utf-8")   # 3,100 characters
    with text_limit(0.001):
        with pytest.raises(ReadError) as err:
            read_document(f)
    assert "text too long" in err.value.problem and "--max-text-size" not in err.value.problem
    assert read_document(f).text.startswith("Le jumelage")
    with pytest.raises(ValueError):
        with text_limit(0):
            pass


@pytest.mark.parametrize("depth", [1_000, 2_500, 3_000, 20_000])
def test_a_page_nested_deeper_than_the_parser_still_gives_its_sentence(tmp_path, depth):
    """libxml2 stops building the tree after ~2,000 levels and drops what is deeper; the
    fallback then reads the page as a stream of tags: the sentence is there, and the note
    says how the page was read. Boilerplate is still left out."""
    body = ("<nav>Accueil Menu</nav>" + "<div>" * depth
            + "<p>Cholet est jumelée avec Bridgwater depuis 1977.</p>" + "</div>" * depth)
    page = tmp_path / "nested.html"
    page.write_text(f"<html><head><title>Cholet</title></head><body>{body}</body></html>",
                    encoding="utf-8")
    doc = read_document(page)
    assert "Cholet est jumelée avec Bridgwater depuis 1977." in doc.text
    assert "Menu" not in doc.text and doc.notes


def test_a_page_without_og_site_name_gives_its_title_beside_the_headline_as_site_name(tmp_path):
    """The owner hint reads the site name: a town's page that names its town only in the <title>
    (« Jumelages | Ville d'Auray ») keeps it, the headline staying the document's title."""
    page = tmp_path / "jumelages.html"
    page.write_text("<html><head><title>Nos partenaires | Ville d'Auray</title></head><body><article>"
                    "<h1>Nos partenaires</h1><p>Notre ville est jumelée avec Tiverton et Pfaffenhofen "
                    "depuis bien des années, et les échanges scolaires reprennent cette année.</p>"
                    "</article></body></html>", encoding="utf-8")
    doc = read_document(page)
    assert (doc.title, doc.site_name) == ("Nos partenaires", "Ville d'Auray")
    page.write_text("<html><head><title>Nos partenaires</title></head><body><article><h1>Nos partenaires"
                    "</h1><p>Notre ville est jumelée avec Tiverton et Pfaffenhofen depuis bien des années, "
                    "et les échanges scolaires reprennent cette année.</p></article></body></html>",
                    encoding="utf-8")
    assert read_document(page).site_name is None
