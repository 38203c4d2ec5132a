"""HTML pages: the main text (menus, headers, footers and sidebars dropped), title and date.

Navigation, site header and footer, asides and forms are removed first; trafilatura then
finds the main content, and its tree is rendered with a blank line between blocks, headings
on their own line, list items and table rows one per line (cells tab-separated). Headings
that trafilatura's default mode drops on pages without article markup are put back from a
recall-mode pass, and an article's single headline stays its first line. When trafilatura
finds nothing, or only dumps the whole page, a plain lxml extraction of the cleaned body is
used instead. The date is the one the page's metadata states (`article:published_time` and
kin, JSON-LD `datePublished`, `<time datetime>`), never one guessed from the prose.
"""
from __future__ import annotations

import copy
import json
import logging
import re
from collections.abc import Iterator
from html.parser import HTMLParser

import trafilatura
from lxml import etree
from lxml import html as lxml_html
from lxml.html import HtmlElement
from trafilatura.utils import load_html

from jumelage.errors import ReadError
from jumelage.read.clean import squeeze_spaces, join_blocks, tidy
from jumelage.read.content import Content
from jumelage.read.dates import iso_partial
from jumelage.read.encoding import decode_bytes

# trafilatura and htmldate log parsing trouble at ERROR; the reader reports what matters itself
for _name in ("trafilatura", "htmldate"):
    logging.getLogger(_name).setLevel(logging.CRITICAL)

NO_TEXT = "HTML page has no main text"
FALLBACK_NOTE = "no main text found by trafilatura: read as the plain text of the whole page"
_DECLARED = re.compile(
    rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:\-]+)"""
    rb"""|<\?xml[^>]+encoding\s*=\s*["']([A-Za-z0-9_.:\-]+)""",
    re.IGNORECASE,
)
_DATE_META = (
    "article:published_time", "og:article:published_time", "datepublished", "date",
    "dc.date", "dc.date.issued", "dcterms.date", "dcterms.issued", "dcterms.created",
    "pubdate", "publishdate", "publish-date", "publication_date", "sailthru.date",
    "parsely-pub-date", "article.published",
)
_TITLE_META = ("og:title", "twitter:title", "dc.title")
_DROP = (
    "script", "style", "noscript", "template", "nav", "header", "footer", "aside", "form",
    "iframe", "svg", "button", "select", "textarea", "menu", "dialog",
)
_DROP_ROLES = ("navigation", "banner", "contentinfo", "search", "complementary", "menu")
_BLOCK = {
    "p", "div", "section", "article", "main", "h1", "h2", "h3", "h4", "h5", "h6", "ul", "ol",
    "dl", "blockquote", "pre", "table", "address", "figure", "figcaption", "hr", "details",
    "summary", "fieldset",
}
_LINE = {"li", "dt", "dd", "tr", "br", "caption"}


def declared_charset(data: bytes) -> str | None:
    """The charset the page declares in its first bytes (meta charset or XML declaration)."""
    match = _DECLARED.search(data[:4096])
    if not match:
        return None
    return (match.group(1) or match.group(2)).decode("ascii", "ignore") or None


# -- metadata ------------------------------------------------------------------------------
def _metas(tree: HtmlElement) -> Iterator[tuple[str, str]]:
    for meta in tree.iter("meta"):
        key = meta.get("property") or meta.get("name") or meta.get("itemprop")
        value = meta.get("content")
        if key and value:
            yield key.strip().lower(), value.strip()


def _json_ld_dates(tree: HtmlElement) -> Iterator[str]:
    def walk(node: object) -> Iterator[str]:
        if isinstance(node, dict):
            value = node.get("datePublished")
            if isinstance(value, str):
                yield value
            for child in node.values():
                yield from walk(child)
        elif isinstance(node, list):
            for child in node:
                yield from walk(child)

    for script in tree.iter("script"):
        if (script.get("type") or "").strip().lower() == "application/ld+json" and script.text:
            try:
                yield from walk(json.loads(script.text))
            except ValueError:
                continue


def page_date(tree: HtmlElement) -> str | None:
    """The publication date the page's metadata states, as an ISO partial date."""
    metas = dict(reversed(list(_metas(tree))))          # first occurrence wins
    for key in _DATE_META:
        if key in metas and (date := iso_partial(metas[key])):
            return date
    for value in _json_ld_dates(tree):
        if date := iso_partial(value):
            return date
    times = list(tree.iter("time"))
    in_article = [t for t in times if any(a.tag in ("article", "main") for a in t.iterancestors())]
    for time in in_article + times:
        if date := iso_partial(time.get("datetime") or ""):
            return date
    return None


def page_title(tree: HtmlElement) -> str | None:
    """The page's own title: its <title>, else og:title, else its first <h1>."""
    title = tree.find(".//title")
    if title is not None and squeeze_spaces(title.text_content()):
        return squeeze_spaces(title.text_content())
    metas = dict(_metas(tree))
    for key in _TITLE_META:
        if metas.get(key):
            return squeeze_spaces(metas[key])
    h1 = tree.find(".//h1")
    return (squeeze_spaces(h1.text_content()) or None) if h1 is not None else None


def page_site(tree: HtmlElement) -> tuple[str | None, str | None]:
    """(site name, address) a page states of itself: og:site_name (else application-name), and
    its canonical link (else og:url). Either may be None."""
    metas = dict(reversed(list(_metas(tree))))          # first occurrence wins
    site = squeeze_spaces(metas.get("og:site_name") or metas.get("application-name") or "") or None
    url = None
    for link in tree.iter("link"):
        if "canonical" in (link.get("rel") or "").lower().split() and link.get("href"):
            url = link.get("href").strip()
            break
    url = url or (metas.get("og:url") or "").strip() or None
    return site, url


# -- trafilatura's tree to text -------------------------------------------------------------
_INNER_BLOCKS = {"p", "head", "quote", "item", "div", "code", "row", "cell"}


def _inline(element: etree._Element) -> str:
    """Text of an element: whitespace folded, <lb/> kept as a line break, inner blocks
    (a paragraph inside a table cell, say) on lines of their own."""
    parts: list[str] = [element.text or ""]
    for child in element:
        if child.tag == "lb":
            parts.append("\n")
        elif child.tag in ("list", "table"):
            parts.append("\n\n" + _block(child) + "\n\n")
        elif child.tag in _INNER_BLOCKS:
            parts.append("\n\n" + _inline(child) + "\n\n")
        else:
            parts.append(_inline(child))
        parts.append(child.tail or "")
    return "\n".join(squeeze_spaces(line) for line in "".join(parts).split("\n")).strip("\n")


def _table(element: etree._Element) -> str:
    """One line per row, cells separated by tabs; a row of a single cell (a layout table
    holding a whole article) keeps its paragraphs."""
    lines = []
    for row in element.iter("row"):
        cells = [_inline(cell) for cell in row.iter("cell")]
        filled = [cell for cell in cells if cell.strip()]
        if len(filled) == 1:
            lines.append("\n\n" + filled[0] + "\n\n")
        elif filled:
            lines.append("\t".join(squeeze_spaces(cell) for cell in cells))
    return "\n".join(lines).strip("\n")


def _block(element: etree._Element) -> str:
    if element.tag == "list":
        return "\n".join(_block(item) if item.tag != "item" else _inline(item) for item in element)
    if element.tag == "table":
        return _table(element)
    if element.tag == "code":
        return "".join(element.itertext()).strip("\n")
    return _inline(element)


_CONTAINERS = {"body", "div", "section", "article", "main"}
Block = tuple[str, bool]                   # (text, is it a heading)


def body_blocks(container: etree._Element) -> list[Block]:
    """The blocks of trafilatura's body in order (containers it keeps in recall mode opened)."""
    out: list[Block] = [(squeeze_spaces(container.text or ""), False)]
    for child in container:
        if child.tag in _CONTAINERS:
            out.extend(body_blocks(child))
        elif child.tag == "head":
            out.append((_inline(child), True))
        else:
            out.append((_block(child), False))
        out.append((squeeze_spaces(child.tail or ""), False))
    return [(text, heading) for text, heading in out if text.strip()]


def restore_headings(blocks: list[Block], recall: list[Block]) -> list[Block]:
    """`blocks` with the headings that, in the fuller `recall` extraction, stand right before
    one of their paragraphs (trafilatura's default mode drops headings of div-only pages)."""
    before: dict[str, list[Block]] = {}
    pending: list[Block] = []
    for text, heading in recall:
        if heading:
            pending.append((text, heading))
        else:
            if pending:
                before.setdefault(text, pending)
            pending = []
    present = {text for text, _ in blocks}
    out: list[Block] = []
    for text, heading in blocks:
        out.extend(h for h in before.get(text, []) if h[0] not in present)
        out.append((text, heading))
    return out


def render(blocks: list[Block]) -> str:
    """Blocks as text, a blank line between them."""
    return tidy(join_blocks([text for text, _ in blocks]))


def render_body(body: etree._Element) -> str:
    """Text of trafilatura's body: one block per paragraph, heading, list or table."""
    return render(body_blocks(body))


# -- plain lxml fallback -------------------------------------------------------------------
def _plain_parts(element: HtmlElement, out: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    brk = "\n\n" if tag in _BLOCK else "\n" if tag in _LINE else ""
    out.append(brk)
    out.append(element.text or "")
    for child in element:
        _plain_parts(child, out)
        out.append(child.tail or "")
    if tag in ("td", "th"):
        out.append("\t")
    out.append(brk)


def drop_boilerplate(tree: HtmlElement) -> None:
    """Remove scripts, navigation, site header and footer, asides and forms, in place.

    A <header> inside an <article> or <main> is the article's own and stays."""
    for element in list(tree.iter(etree.Element)):
        if element.getparent() is None:
            continue
        role = (element.get("role") or "").lower()
        site_header = element.tag == "header" and not any(
            a.tag in ("article", "main") for a in element.iterancestors()
        )
        if (
            (element.tag in _DROP and element.tag != "header") or site_header
            or role in _DROP_ROLES or element.get("hidden") is not None
        ):
            element.drop_tree()


def plain_text(tree: HtmlElement) -> str:
    """Text of a cleaned page's <main>, else its <article>, else its <body>, block by block."""
    root = next(tree.iter("main"), None)
    if root is None:
        root = next(tree.iter("article"), None)
    if root is None:
        root = tree.find(".//body")
    if root is None:
        root = tree
    out: list[str] = []
    _plain_parts(root, out)
    lines = [
        "\t".join(squeeze_spaces(cell) for cell in line.split("\t")).strip("\t")
        for line in "".join(out).split("\n")
    ]
    return tidy("\n".join(lines))


class _TextStream(HTMLParser):
    """Text of a page read tag by tag, holding no tree: no depth limit, whatever the nesting.
    Boilerplate elements (`_DROP`) are skipped with their content; blocks and lines break."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.skipping: list[str] = []     # the open boilerplate elements being skipped

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        role = (dict(attrs).get("role") or "").lower()
        if self.skipping or tag in _DROP or role in _DROP_ROLES:
            if tag not in _VOID:
                self.skipping.append(tag)
            return
        self._break(tag)

    def handle_endtag(self, tag: str) -> None:
        if self.skipping:
            if tag in self.skipping:      # close up to the matching open element
                del self.skipping[len(self.skipping) - 1 - self.skipping[::-1].index(tag):]
            return
        if tag in ("td", "th"):
            self.out.append("\t")
        self._break(tag)

    def handle_data(self, data: str) -> None:
        if not self.skipping:
            self.out.append(data)

    def _break(self, tag: str) -> None:
        self.out.append("\n\n" if tag in _BLOCK else "\n" if tag in _LINE else "")


_VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source",
         "track", "wbr"}


def streamed_text(source: str) -> str:
    """The text of the <body> of `source` (HTML), read as a stream (`_TextStream`): what a page
    nested deeper than libxml2 builds a tree for still gives its text."""
    start = source.lower().find("<body")
    stream = _TextStream()
    stream.feed(source if start < 0 else source[start:])
    stream.close()
    lines = ["\t".join(squeeze_spaces(cell) for cell in line.split("\t")).strip("\t")
             for line in "".join(stream.out).split("\n")]
    return tidy("\n".join(lines))


def _is_page_dump(body: etree._Element) -> bool:
    """trafilatura's last resort: the whole page's text as one paragraph of lines."""
    return (len(body) == 1 and body[0].tag == "p" and len(body[0]) == 0
            and "\n" in (body[0].text or ""))


def _extract(tree: HtmlElement, recall: bool = False) -> object:
    return trafilatura.bare_extraction(
        tree, with_metadata=not recall, include_comments=False, include_tables=True,
        include_images=False, include_links=False, deduplicate=False, favor_recall=recall,
        date_extraction_params={"extensive_search": False},
    )


def main_text(tree: HtmlElement) -> tuple[str, str | None]:
    """(main text, title found by trafilatura) of a page cleaned by `drop_boilerplate`."""
    cleaned = copy.deepcopy(tree)
    result = _extract(copy.deepcopy(tree))
    body = getattr(result, "body", None)
    title = squeeze_spaces(getattr(result, "title", None) or "") or None
    if body is None or _is_page_dump(body):
        return plain_text(cleaned) or (render_body(body) if body is not None else ""), title
    blocks = body_blocks(body)
    if blocks and not any(heading for _, heading in blocks):
        recall = getattr(_extract(copy.deepcopy(cleaned), recall=True), "body", None)
        if recall is not None:
            blocks = restore_headings(blocks, body_blocks(recall))
    h1s = [squeeze_spaces(h1.text_content()) for h1 in cleaned.iter("h1")]
    if len(h1s) == 1 and h1s[0] and blocks and not any(h1s[0] in text for text, _ in blocks):
        blocks.insert(0, (h1s[0], True))               # the article's headline, dropped as title
    return render(blocks) or plain_text(cleaned), title


def parse_html(data: bytes, label: object) -> Content:
    """Content of an HTML page: ReadError when it has no main text."""
    source = decode_bytes(data, label, declared=declared_charset(data))
    if "<html" not in source[:4096].lower():
        source = f"<html><body>{source}</body></html>"    # a fragment, or text named .html
    tree = load_html(source)
    if tree is None:
        return _fallback(source, label, None, None)
    date, title = page_date(tree), page_title(tree)
    site_name, url = page_site(tree)
    etree.strip_tags(tree, "time")          # trafilatura drops <time> elements with their text
    drop_boilerplate(tree)
    text, extracted_title = main_text(tree)
    if not text.strip():
        return _fallback(source, label, date, title)
    return Content(text=text, title=extracted_title or title, date=date,
                   site_name=site_name or title_site(title, extracted_title), url=url)


TITLE_SEPARATOR = re.compile(r"\s+[|—–·•:-]{1,2}\s+")


def title_site(title: str | None, headline: str | None) -> str | None:
    """The site's name a page without og:site_name gives in its <title> beside the headline
    (« Nos villes jumelles | Ville de Dole » → « Ville de Dole »; « Ville de Dole — Jumelages »
    whole when the headline is another): None when the <title> is only the headline. The owner
    hint reads it (a town's page that never names its town in the article)."""
    if not title or not headline or title.casefold() == headline.casefold():
        return None
    parts = [p for p in TITLE_SEPARATOR.split(title) if p.strip().casefold() != headline.strip().casefold()]
    return " — ".join(parts) or None


def _fallback(source: str, label: object, date: str | None, title: str | None) -> Content:
    """The page's plain text when trafilatura found no main text (a page nested deeper than
    the parser's default limit loses its text there): parsed again without that limit,
    boilerplate dropped, every block kept; the Content says so. ReadError if still nothing."""
    try:
        tree = lxml_html.fromstring(source, parser=lxml_html.HTMLParser(huge_tree=True))
    except (etree.ParserError, ValueError):
        raise ReadError(label, NO_TEXT) from None
    date = date or page_date(tree)
    title = title or page_title(tree)
    site_name, url = page_site(tree)        # the owner hint reads them, as on a parsed page
    etree.strip_tags(tree, "time")
    drop_boilerplate(tree)
    try:
        text = plain_text(tree)
    except RecursionError:               # deeper than Python's stack: each text piece a line
        text = tidy("\n".join(squeeze_spaces(t) for t in tree.itertext() if t.strip()))
    streamed = streamed_text(source)
    if len(streamed) > len(text) + max(40, len(text) // 10):
        text = streamed                  # libxml2 stops nesting (~2,000 levels) and drops the rest
    if not text.strip():
        raise ReadError(label, NO_TEXT)
    return Content(text=text, title=title, date=date, site_name=site_name, url=url,
                   notes=(FALLBACK_NOTE,))
