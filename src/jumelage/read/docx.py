"""Word .docx files: paragraphs and tables in document order, title and creation date.

Each paragraph (headings included; content controls and tracked insertions read too) is a
block of its own, separated by a blank line; consecutive list paragraphs stay on
consecutive lines. A table gives one line per row with its cells separated by tabs
(merged cells counted once). Page headers and footers are
furniture and left out. A file that expands to far more than the size limit is refused
before python-docx loads it (zip bomb).
"""
from __future__ import annotations

import io
import zipfile
from collections.abc import Iterator

import docx
from docx.document import Document as DocxDocument
from docx.oxml.ns import qn
from docx.oxml.xmlchemy import BaseOxmlElement
from docx.table import Table
from docx.text.paragraph import Paragraph

from jumelage.errors import ReadError
from jumelage.read.clean import squeeze_spaces, tidy
from jumelage.read.content import Content
from jumelage.read.dates import iso_partial
from jumelage.read.limits import MB

NOT_DOCX = "not a valid .docx file (damaged, or another format renamed)"
EXPANSION_FACTOR = 10
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"         # the container of .doc files
_RUNS = (
    "./w:r | ./w:hyperlink/w:r | ./w:ins/w:r | ./w:smartTag/w:r | ./w:fldSimple/w:r"
    " | ./w:sdt/w:sdtContent/w:r | ./w:hyperlink/w:ins/w:r"
)
_DEFAULT_TITLES = {"word document", "document", "untitled", "sans titre"}


def _style_name(paragraph: Paragraph) -> str:
    try:
        return (paragraph.style.name or "") if paragraph.style is not None else ""
    except (KeyError, ValueError, AttributeError):
        return ""


def _is_list(paragraph: Paragraph) -> bool:
    if _style_name(paragraph).lower().startswith(("list", "liste")):
        return True
    ppr = paragraph._p.pPr
    return ppr is not None and ppr.numPr is not None


def _table_lines(table: Table) -> list[str]:
    lines = []
    for row in table.rows:
        cells, seen = [], set()
        for cell in row.cells:
            if id(cell._tc) in seen:
                continue
            seen.add(id(cell._tc))
            cells.append(squeeze_spaces(" ".join(paragraph_text(p) for p in cell.paragraphs)))
        if any(cells):
            lines.append("\t".join(cells))
    return lines


def paragraph_text(paragraph: Paragraph) -> str:
    """The paragraph's text, including runs inside hyperlinks, tracked insertions, fields,
    smart tags and content controls (python-docx's `Paragraph.text` skips some of those)."""
    return "".join(run.text for run in paragraph._p.xpath(_RUNS))


def _blocks(container: BaseOxmlElement, parent: object) -> Iterator[Paragraph | Table]:
    """Paragraphs and tables in document order, content controls (<w:sdt>) opened."""
    for child in container.iterchildren():
        if child.tag == qn("w:p"):
            yield Paragraph(child, parent)
        elif child.tag == qn("w:tbl"):
            yield Table(child, parent)
        elif child.tag == qn("w:sdt"):
            for content in child.iterchildren(qn("w:sdtContent")):
                yield from _blocks(content, parent)


def _body_text(document: DocxDocument) -> str:
    out: list[str] = []
    previous_list = False
    for item in _blocks(document.element.body, document._body):
        if isinstance(item, Table):
            lines = _table_lines(item)
            if lines:
                out.append("\n\n" + "\n".join(lines))
            previous_list = False
            continue
        text = "\n".join(squeeze_spaces(line) for line in paragraph_text(item).split("\n")).strip("\n")
        if not text:
            continue
        is_list = _is_list(item)
        out.append(("\n" if is_list and previous_list else "\n\n") + text)
        previous_list = is_list
    return tidy("".join(out))


def _title(document: DocxDocument) -> str | None:
    title = squeeze_spaces(document.core_properties.title or "")
    if title and title.lower() not in _DEFAULT_TITLES:
        return title
    for paragraph in document.paragraphs:
        if _style_name(paragraph) in ("Title", "Heading 1") and squeeze_spaces(paragraph.text):
            return squeeze_spaces(paragraph.text)
    return None


def _check_expansion(data: bytes, label: object, limit: int) -> None:
    if data.startswith(OLE_MAGIC):
        raise ReadError(label, "old Word .doc format, not .docx (save it as .docx)")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as archive:
            expanded = sum(info.file_size for info in archive.infolist())
    except (zipfile.BadZipFile, ValueError, OSError) as exc:
        raise ReadError(label, NOT_DOCX) from exc
    if expanded > EXPANSION_FACTOR * limit:
        raise ReadError(
            label, f"file too large once unpacked ({expanded / MB:.1f} MB > limit "
                   f"{EXPANSION_FACTOR * limit / MB:g} MB)"
        )


def parse_docx(data: bytes, label: object, limit: int) -> Content:
    """Content of a .docx: ReadError when it is not a .docx or holds no text."""
    _check_expansion(data, label, limit)
    try:
        document = docx.Document(io.BytesIO(data))
    except Exception as exc:               # python-docx raises KeyError, ValueError, lxml errors...
        raise ReadError(label, NOT_DOCX) from exc
    text = _body_text(document)
    if not text.strip():
        raise ReadError(label, "document has no text")
    try:
        date = iso_partial(document.core_properties.created)
    except (ValueError, TypeError):
        date = None
    return Content(text=text, title=_title(document), date=date)
