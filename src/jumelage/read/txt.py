"""Plain text and Markdown files: decoded, newlines made universal, and otherwise left exactly as
written (offsets into a UTF-8 .txt file equal those into `Path.read_text(encoding="utf-8")`).

The title is the first line when it is short and not a sentence; a Markdown file may also give
`title:` and `date:` in a front-matter block. Neither changes the text.
"""
from __future__ import annotations

import re

from jumelage.errors import ReadError
from jumelage.read.clean import squeeze_spaces, universal_newlines
from jumelage.read.content import Content
from jumelage.read.dates import iso_partial
from jumelage.read.encoding import decode_bytes

MAX_TITLE_CHARS = 150
_FRONT_MATTER = re.compile(r"\A\ufeff?---\n(.*?)\n(?:---|\.\.\.)\n", re.DOTALL)
_FIELD = re.compile(r"^(title|date)\s*:\s*(.+?)\s*$", re.MULTILINE | re.IGNORECASE)


def _front_matter(text: str) -> dict[str, str]:
    match = _FRONT_MATTER.match(text)
    if not match:
        return {}
    return {k.lower(): v.strip("'\"") for k, v in _FIELD.findall(match.group(1))}


def first_line_title(text: str) -> str | None:
    """The first non-empty line (Markdown heading marks removed) if it reads like a title."""
    for raw in text.lstrip("\ufeff").split("\n"):
        line = squeeze_spaces(raw.lstrip("#").strip())
        if not line:
            continue
        if len(line) > MAX_TITLE_CHARS or line.endswith((".", ",", ";")):
            return None
        return line
    return None


def parse_text(data: bytes, label: object, markdown: bool = False) -> Content:
    """Content of a .txt/.md file: ReadError when it is binary or holds only whitespace."""
    text = universal_newlines(decode_bytes(data, label))
    if not text.strip("\ufeff \t\n\f\v\u00a0"):
        raise ReadError(label, "empty file (only whitespace)")
    meta = _front_matter(text) if markdown else {}
    text_after_meta = text[_FRONT_MATTER.match(text).end():] if meta else text
    title = squeeze_spaces(meta["title"]) if meta.get("title") else first_line_title(text_after_meta)
    return Content(text=text, title=title or None, date=iso_partial(meta.get("date", "")))
