"""Text mending shared by the format readers.

- `universal_newlines`: `\\r\\n` and `\\r` become `\\n`, exactly as Python's text mode does
  (the only change ever made to a .txt file's text).
- `squeeze_spaces`, `tidy`: whitespace of extracted blocks (HTML, docx, PDF), where layout whitespace
  carries no meaning; non-breaking spaces are kept.
- `mend_pdf_text`: undo the line breaks a PDF's layout put inside words and paragraphs.
"""
from __future__ import annotations

import re
import unicodedata

_ASCII_SPACE = re.compile(r"[ \t\n\r\f\v]+")
_INLINE_SPACE = re.compile(r"[ \f\v]+")
_INVISIBLE = re.compile("[\u00ad\u200b\u200c\u200d\u2060\ufeff]")
_LIGATURES = {"\ufb00": "ff", "\ufb01": "fi", "\ufb02": "fl", "\ufb03": "ffi", "\ufb04": "ffl",
              "\ufb05": "st", "\ufb06": "st"}
_LIGATURE = re.compile("[\ufb00-\ufb06]")
_MANY_BLANKS = re.compile(r"\n{3,}")

_SENTENCE_END = ".!?:;…"
_CLOSERS = "»\"”’')] \u00a0"
_HYPHENS = "-\u2010\u2011"
_BULLET = re.compile(r"^(?:[-–—•·▪►*]|\d{1,3}[.)]|[a-z][.)])\s")
_HYPHENATED = re.compile(r"\b[^\W\d_]+(?:-[^\W\d_]+)+\b")


def universal_newlines(text: str) -> str:
    """Newlines as Python's universal-newlines text mode gives them: \\r\\n and \\r become \\n."""
    return text.replace("\r\n", "\n").replace("\r", "\n")


def squeeze_spaces(text: str) -> str:
    """Runs of ASCII whitespace (not non-breaking spaces) become one space; ends stripped."""
    return _ASCII_SPACE.sub(" ", text).strip()


def tidy(text: str) -> str:
    """Extracted text made regular: NFC, no invisible characters, no trailing spaces,
    at most one blank line between blocks, no leading or trailing blank lines."""
    text = unicodedata.normalize("NFC", universal_newlines(text))
    text = _INVISIBLE.sub("", text)
    lines = [_INLINE_SPACE.sub(" ", line).strip(" ") for line in text.split("\n")]
    return _MANY_BLANKS.sub("\n\n", "\n".join(lines)).strip("\n")


def join_blocks(blocks: list[str]) -> str:
    """Blocks (paragraphs, headings, lists, tables) separated by one blank line."""
    return "\n\n".join(b for b in (block.strip("\n") for block in blocks) if b.strip())


# -- PDF ----------------------------------------------------------------------------------
def _letters(line: str) -> list[str]:
    return [ch for ch in line if ch.isalpha()]


def is_heading(line: str) -> bool:
    """A short line written in capitals (with at least three letters) stands on its own."""
    letters = _letters(line)
    return len(letters) >= 3 and len(line) <= 150 and all(ch.isupper() for ch in letters)


def ends_sentence(line: str) -> bool:
    """The line ends with a full stop, question, exclamation, colon or semicolon (quotes aside)."""
    core = line.rstrip(_CLOSERS)
    return bool(core) and core[-1] in _SENTENCE_END


def _starts_lower(line: str) -> bool:
    return bool(line) and line[0].isalpha() and line[0].islower()


def _starts_upper(line: str) -> bool:
    return bool(line) and line[0].isalpha() and line[0].isupper()


def _typical_width(lines: list[str]) -> int:
    widths = sorted(len(line) for line in lines if len(line) >= 20)
    return widths[int(len(widths) * 0.8)] if widths else 0


def _join(prev: str, line: str, width: int, compounds: set[str]) -> str | None:
    """`prev` and `line` joined when `line` continues `prev`, else None."""
    if not prev or not line or is_heading(prev) or is_heading(line) or _BULLET.match(line):
        return None
    if prev[-1] in _HYPHENS and len(prev) >= 2 and prev[-2].isalpha():
        head = prev[:-1]
        if _starts_lower(line):
            stem = re.search(r"[^\W\d_]+$", head)
            tail = re.match(r"[^\W\d_]+", line)
            if stem and tail and f"{stem.group(0)}-{tail.group(0)}".lower() in compounds:
                return prev + line                      # a real compound: keep its hyphen
            return head + line                          # coopé-/ration
        if _starts_upper(line):
            return prev + line                          # Saint-/Priest
        return None
    if ends_sentence(prev):
        return None
    if _starts_lower(line):
        return prev + " " + line
    if (prev[-1] == "," or prev[-1].isalpha()) and width and len(prev) >= 0.7 * width:
        return prev + " " + line                        # a full line that goes on: avec/Mahlberg
    return None


def mend_pdf_text(text: str) -> str:
    """PDF text with broken words and paragraph lines joined again.

    A line ending in a hyphen is glued to a lowercase continuation without the hyphen
    ("coopé-" + "ration"), unless the hyphenated compound appears elsewhere in the text;
    a line that does not end a sentence is joined to a lowercase continuation (or to any
    continuation when it fills the column); blank lines between paragraphs stay; headings
    in capitals and list items keep their own lines.
    """
    text = _LIGATURE.sub(lambda m: _LIGATURES[m.group(0)], tidy(text))
    compounds = {m.group(0).lower() for m in _HYPHENATED.finditer(text)}
    paragraphs = text.split("\n\n")
    width = _typical_width(text.split("\n"))
    mended = []
    for paragraph in paragraphs:
        lines: list[str] = []
        for line in paragraph.split("\n"):
            joined = _join(lines[-1], line, width, compounds) if lines else None
            if joined is None:
                lines.append(line)
            else:
                lines[-1] = joined
        mended.append("\n".join(lines))
    return join_blocks(mended)
