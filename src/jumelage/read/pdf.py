"""PDF files: the text layer (pypdf, pdfplumber when pypdf fails), with layout breaks mended.

Pages are separated by a blank line; `clean.mend_pdf_text` rejoins hyphenated words and
lines broken by the column width. An encrypted PDF is opened with the empty password when
it has one (many "protected" PDFs only restrict printing); otherwise it is reported. A PDF
whose pages carry (almost) no text is a scan without a text layer. The date is the
document's CreationDate (else ModDate), the title its metadata title.
"""
from __future__ import annotations

import io
import logging
import re
import statistics

import pdfplumber
from pypdf import PageObject, PdfReader
from pypdf.errors import FileNotDecryptedError, PdfReadError

from jumelage.errors import ReadError
from jumelage.read.clean import squeeze_spaces, mend_pdf_text
from jumelage.read.content import Content
from jumelage.read.dates import iso_partial

# pypdf warns on stderr about every slightly malformed PDF; what matters is reported as ReadError
logging.getLogger("pypdf").setLevel(logging.ERROR)

PROTECTED = "password-protected PDF"
NO_TEXT_LAYER = "PDF has no text layer (scanned?)"
MIN_LETTERS = 3
_JUNK_TITLE = re.compile(r"^(?:microsoft word - |untitled|sans titre|document\d*$)", re.IGNORECASE)


def _open(data: bytes, label: object) -> PdfReader:
    if b"%PDF-" not in data[:1024]:
        raise ReadError(label, "not a PDF file (damaged, or another format renamed)")
    try:
        reader = PdfReader(io.BytesIO(data))
    except (PdfReadError, ValueError, KeyError, TypeError) as exc:
        raise ReadError(label, f"damaged PDF ({squeeze_spaces(str(exc)) or type(exc).__name__})") from exc
    if reader.is_encrypted:
        try:
            opened = reader.decrypt("")
        except (FileNotDecryptedError, PdfReadError, NotImplementedError, ValueError) as exc:
            raise ReadError(label, PROTECTED) from exc
        if not opened:
            raise ReadError(label, PROTECTED)
    return reader


PARAGRAPH_GAP = 1.4                # a line gap this many times the usual one starts a paragraph


def _page_text(page: PageObject) -> str:
    """A page's text, with a blank line where the vertical gap between two lines is wide.

    pypdf's visitor reports each piece of text with its matrices, in output order: the
    height of the lines around each line break says whether a paragraph ends there.
    """
    pieces: list[tuple[str, float | None]] = []

    def visit(text: str, cm: list[float], tm: list[float], *_: object) -> None:
        y = None
        if text.strip() and cm and tm:
            y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
        pieces.append((text, y))

    plain = page.extract_text(visitor_text=visit) or ""
    if "".join(text for text, _ in pieces) != plain:
        return plain
    gaps: list[float] = []
    breaks: list[tuple[int, float]] = []          # (index of the piece after a break, gap)
    last_y: float | None = None
    broken = False
    for index, (text, y) in enumerate(pieces):
        if y is None:
            broken = broken or "\n" in text
            continue
        if broken and last_y is not None and last_y > y:
            gaps.append(last_y - y)
            breaks.append((index, last_y - y))
        last_y, broken = y, "\n" in text.rstrip(" ")[-1:]
    if len(gaps) < 2:
        return plain
    usual = statistics.median(gaps)
    wide = {index for index, gap in breaks if gap > PARAGRAPH_GAP * usual}
    return "".join(("\n" if i in wide else "") + text for i, (text, _) in enumerate(pieces))


FURNITURE_EDGE = 2                 # lines at the top and bottom of a page that may be furniture
_DIGITS = re.compile(r"\d+")


def drop_page_furniture(pages: list[str]) -> list[str]:
    """Pages without their page numbers and running headers or footers.

    A line near the top or bottom of a page is furniture when it is a bare number, or when
    it recurs (numbers aside) at the edge of at least three pages.
    """
    def edges(page: str) -> list[tuple[int, str]]:
        lines = page.split("\n")
        filled = [i for i, line in enumerate(lines) if line.strip()]
        picked = filled[:FURNITURE_EDGE] + filled[-FURNITURE_EDGE:]
        return [(i, lines[i]) for i in sorted(set(picked))]

    def key(line: str) -> str:
        return _DIGITS.sub("#", squeeze_spaces(line)).lower()

    counts: dict[str, int] = {}
    for page in pages:
        for k in {key(line) for _, line in edges(page)}:
            counts[k] = counts.get(k, 0) + 1
    recurring = {k for k, n in counts.items() if n >= 3}
    cleaned = []
    for page in pages:
        lines = page.split("\n")
        for i, line in edges(page):
            if key(line) in recurring or re.fullmatch(r"\s*(?:page\s*)?\d{1,4}\s*", line, re.I):
                lines[i] = ""
        cleaned.append("\n".join(lines))
    return cleaned


def _pypdf_pages(reader: PdfReader) -> list[str]:
    return [_page_text(page) for page in reader.pages]


def _pdfplumber_pages(data: bytes) -> list[str]:
    with pdfplumber.open(io.BytesIO(data), password="") as pdf:
        return [page.extract_text() or "" for page in pdf.pages]


def _metadata(reader: PdfReader) -> tuple[str | None, str | None]:
    """(title, date) from the document information dictionary, when it holds sensible values."""
    try:
        info = reader.metadata
    except (PdfReadError, ValueError, KeyError, TypeError):
        return None, None
    if info is None:
        return None, None
    date = None
    for key, attribute in (("/CreationDate", "creation_date"), ("/ModDate", "modification_date")):
        try:
            date = iso_partial(getattr(info, attribute))
        except (ValueError, TypeError, AttributeError):
            date = None
        date = date or iso_partial(str(info.get(key) or ""))
        if date:
            break
    title = squeeze_spaces(str(info.title or "")) if getattr(info, "title", None) else ""
    if _JUNK_TITLE.match(title):
        title = ""
    return title or None, date


def parse_pdf(data: bytes, label: object) -> Content:
    """Content of a PDF: ReadError when it is protected, damaged or has no text layer."""
    reader = _open(data, label)
    try:
        pages = _pypdf_pages(reader)
    except Exception:                      # pypdf chokes on some fonts: try pdfplumber
        try:
            pages = _pdfplumber_pages(data)
        except Exception as exc:
            raise ReadError(label, f"damaged PDF ({type(exc).__name__})") from exc
    text = mend_pdf_text("\n\n".join(drop_page_furniture(pages)))
    if sum(ch.isalpha() for ch in text) < MIN_LETTERS:
        raise ReadError(label, NO_TEXT_LAYER)
    title, date = _metadata(reader)
    return Content(text=text, title=title, date=date)
