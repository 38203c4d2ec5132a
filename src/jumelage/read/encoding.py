"""Decode the bytes of a text or HTML file, whatever common encoding it uses, or say it is binary.

Order of trust: a byte-order mark; valid UTF-8 (decoded exactly as Python's
`read_text(encoding="utf-8")` does, BOM kept); UTF-16 without a BOM (recognised by its NUL
pattern); a charset the file declares (HTML `<meta charset>`); Windows-1252 when it gives
plausible Western text (charset detectors often take short French cp1252 text for cp1250);
finally charset-normalizer's best guess. Bytes that decode to nothing sensible, or that hold
NUL bytes or many control characters, are binary content, not text.
"""
from __future__ import annotations

import codecs
import re
import unicodedata

from charset_normalizer import from_bytes

from jumelage.errors import ReadError

BINARY = "binary content, not text"
_BOMS = (                              # longest first: the UTF-32-LE BOM starts with UTF-16-LE's
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF8, "utf-8"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
)
# Characters that Western (French) text written in cp1252 plausibly holds beyond ASCII.
_WESTERN = set(
    "àâäáãåçéèêëíìîïñóòôöõúùûüýÿœæÀÂÄÁÃÅÇÉÈÊËÍÌÎÏÑÓÒÔÖÕÚÙÛÜÝŸŒÆß"
    "’‘“”«»–—…€•°§²³ºª·\u00a0©®™µ×÷¼½¾¹¿¡£¥¢"
)
_NON_ASCII = re.compile(r"[^\x00-\x7f]")
_JUNK_CATEGORIES = {"Cc", "Co", "Cn", "Cs"}     # controls, private use, unassigned, surrogates
MAX_CONTROL_RATIO = 0.01
DETECT_SAMPLE = 256 * 1024


def _bom_encoding(data: bytes) -> str | None:
    for bom, encoding in _BOMS:
        if data.startswith(bom):
            return encoding
    return None


def _bomless_utf16(data: bytes) -> str | None:
    """utf-16-le/-be when the NUL bytes sit in every other position, as in ASCII-heavy UTF-16."""
    sample = data[:4096]
    if len(sample) < 4 or len(data) % 2:
        return None
    odd_nuls = sample[1::2].count(0)
    even_nuls = sample[0::2].count(0)
    half = len(sample) // 2
    if odd_nuls >= 0.6 * half and even_nuls == 0:
        return "utf-16-le"
    if even_nuls >= 0.6 * half and odd_nuls == 0:
        return "utf-16-be"
    return None


def _mostly_utf8(data: bytes) -> bool:
    """Valid UTF-8 but for a few damaged bytes (then decoding with replacement is best)."""
    text = data[:DETECT_SAMPLE].decode("utf-8", errors="replace")
    bad = text.count("\ufffd")
    good = len(_NON_ASCII.findall(text)) - bad
    return good >= 4 * bad


def _western_share(text: str) -> float:
    high = _NON_ASCII.findall(text[:DETECT_SAMPLE])
    if not high:
        return 1.0
    return sum(1 for ch in high if ch in _WESTERN) / len(high)


def _try(data: bytes, encoding: str | None) -> str | None:
    if not encoding:
        return None
    try:
        return data.decode(encoding)
    except (LookupError, UnicodeDecodeError):
        return None


def control_ratio(text: str) -> float:
    """Share of characters that no text holds: controls (other than tab, newlines, form feed),
    private-use or unassigned code points, replacement characters."""
    if not text:
        return 0.0
    sample = text[:DETECT_SAMPLE]
    bad = sum(
        1 for ch in sample
        if ch == "\ufffd"
        or (ch not in "\t\n\r\f\v" and unicodedata.category(ch) in _JUNK_CATEGORIES)
    )
    return bad / len(sample)


def decode_bytes(data: bytes, label: object, declared: str | None = None) -> str:
    """The text of `data` (newlines untouched), or ReadError(label, "binary content, not text")."""
    encoding = _bom_encoding(data)
    text = _try(data, encoding)
    if text is None and encoding is None:
        encoding = _bomless_utf16(data)
        text = _try(data, encoding)
    if text is None:
        if b"\x00" in data:
            raise ReadError(label, BINARY)
        text = _try(data, "utf-8")
    if text is None and declared:
        declared_text = _try(data, declared)
        if declared_text is not None and control_ratio(declared_text) <= MAX_CONTROL_RATIO:
            text = declared_text
    if text is None and _mostly_utf8(data):
        text = data.decode("utf-8", errors="replace")
    if text is None:
        western = _try(data, "cp1252")
        if western is not None and _western_share(western) >= 0.9:
            text = western
    if text is None:
        best = from_bytes(data[:DETECT_SAMPLE]).best()
        text = _try(data, best.encoding) if best is not None else None
    if text is None or control_ratio(text) > MAX_CONTROL_RATIO:
        raise ReadError(label, BINARY)
    return text
