"""Readable text and metadata from an HTML page, with the standard library's parser.

Offset policy: for HTML input, ``Document.text`` is the *extracted* text described
here, not the markup, and every match offset indexes that extracted text. Reports
therefore quote what a reader of the page sees; to find a passage in the HTML
source, search for its text.

How the text is extracted:

* The content of ``<head>``, ``<script>``, ``<style>``, ``<noscript>``,
  ``<template>`` and ``<svg>`` is dropped; comments and doctypes too. A ``<head>``
  ends at ``</head>``, at ``<body>``, or at the first tag that cannot be in a head.
* Block elements start a new paragraph (a blank line between paragraphs):
  ``p div h1-h6 li blockquote article section header footer main aside nav figure
  figcaption ul ol dl dt dd table caption pre hr form address details summary
  fieldset``. ``<br>`` and ``<tr>`` start a new line; ``<td>``/``<th>`` add a space.
* Character references are unescaped (``&amp;`` is ``&``, ``&nbsp;`` is U+00A0).
* As a browser does, a run of whitespace in the markup (spaces, tabs and newlines)
  reads as one space, except inside ``<pre>``; lines are stripped and blank lines
  between paragraphs merged, so the text has no leading or trailing whitespace.

Metadata: ``<title>`` gives the title (whitespace collapsed); ``<link
rel="canonical" href>`` the url; ``<meta property="article:published_time">``, or
failing that ``<meta name="date">`` or ``<meta itemprop="datePublished">``, the
publication date; ``<meta property="og:site_name">`` the source.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from html.parser import HTMLParser

_DROPPED = frozenset({"script", "style", "noscript", "template", "svg"})
_IN_HEAD = frozenset({"title", "meta", "link", "base", "style", "script", "noscript", "template"})
_PARAGRAPH = frozenset(
    {
        "p",
        "div",
        "h1",
        "h2",
        "h3",
        "h4",
        "h5",
        "h6",
        "li",
        "blockquote",
        "article",
        "section",
        "header",
        "footer",
        "main",
        "aside",
        "nav",
        "figure",
        "figcaption",
        "ul",
        "ol",
        "dl",
        "dt",
        "dd",
        "table",
        "caption",
        "pre",
        "hr",
        "form",
        "address",
        "details",
        "summary",
        "fieldset",
    }
)
_LINE = frozenset({"br", "tr"})
_CELL = frozenset({"td", "th"})
_DATE_KEYS = ("article:published_time", "date", "datepublished")
_SPACES = re.compile(r"[ \t\n\r\f]+")


@dataclass(frozen=True, slots=True)
class HtmlText:
    """What one page gives a Document: its extracted text and metadata (None when absent)."""

    text: str
    title: str | None = None
    url: str | None = None
    published: str | None = None
    published_field: str | None = None  # the meta name the date came from, for messages
    source: str | None = None
    malformed: str | None = None  # why parsing stopped early, when it did


def extract_html(markup: str) -> HtmlText:
    r"""Extract the readable text, title, canonical url, date and site name of a page.

    >>> page = extract_html(
    ...     "<html><head><title>Flood warning</title><script>track()</script></head>"
    ...     "<body><h1>Flood   warning</h1><p>Rivers &amp; coasts<br>on alert.</p></body></html>"
    ... )
    >>> page.title, page.text
    ('Flood warning', 'Flood warning\n\nRivers & coasts\non alert.')
    """
    parser = _Extractor()
    malformed = None
    try:
        parser.feed(markup)
        parser.close()
    except AssertionError as exc:  # html.parser's report of an unknown marked section
        malformed = f"{exc}; text after it dropped"
    parser.flush_line()
    return HtmlText(
        text="".join(parser.out),
        title=" ".join("".join(parser.title_parts).split()) or None,
        url=parser.url,
        published=parser.date[2] if parser.date else None,
        published_field=parser.date[1] if parser.date else None,
        source=parser.source,
        malformed=malformed,
    )


class _Extractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.out: list[str] = []
        self.title_parts: list[str] = []
        self.url: str | None = None
        self.source: str | None = None
        self.date: tuple[int, str, str] | None = None  # (priority, meta name, value)
        self._line: list[str] = []
        self._pending = 0  # newlines owed before the next non-empty line
        self._dropped = 0  # depth inside script/style/...
        self._pre = 0
        self._in_head = False
        self._in_title = False
        self._title_done = False

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if self._dropped:
            self._dropped += tag in _DROPPED
            return
        if tag == "head":
            self._in_head = True
        elif tag == "body" or (self._in_head and tag not in _IN_HEAD):
            self._in_head = False
        if tag in _DROPPED:
            self._dropped = 1
        elif tag == "title" and not self._title_done:
            self._in_title = True
        elif tag == "meta":
            self._meta({k: v or "" for k, v in attrs})
        elif tag == "link":
            self._link({k: v or "" for k, v in attrs})
        elif not self._in_head:
            self._block(tag, opening=True)

    def handle_endtag(self, tag: str) -> None:
        if self._dropped:
            self._dropped -= tag in _DROPPED
            return
        if tag == "title" and self._in_title:
            self._in_title = False
            self._title_done = True
        elif tag == "head":
            self._in_head = False
        elif not self._in_head:
            self._block(tag, opening=False)

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title_parts.append(data)
        elif self._dropped or self._in_head:
            return
        elif self._pre:
            self._line.append(data)
        else:
            text = _SPACES.sub(" ", data)
            if text.startswith(" ") and (not self._line or self._line[-1].endswith(" ")):
                text = text[1:]
            if text:
                self._line.append(text)

    def flush_line(self) -> None:
        """End the current line: emit it (after the newlines owed) unless it is blank."""
        line = "".join(self._line).strip()
        self._line.clear()
        if line:
            if self.out:
                self.out.append("\n" * self._pending)
            self.out.append(line)
            self._pending = 0

    def _block(self, tag: str, *, opening: bool) -> None:
        if tag in _PARAGRAPH:
            self._break(2)
            if tag == "pre":
                self._pre = self._pre + 1 if opening else max(0, self._pre - 1)
        elif tag in _LINE:
            self._break(1)
        elif tag in _CELL and opening and self._line and not self._line[-1].endswith(" "):
            self._line.append(" ")

    def _break(self, newlines: int) -> None:
        self.flush_line()
        self._pending = max(self._pending, newlines)

    def _meta(self, attrs: dict[str, str]) -> None:
        key = (attrs.get("property") or attrs.get("name") or attrs.get("itemprop") or "").lower()
        content = attrs.get("content", "").strip()
        if not content:
            return
        if key in _DATE_KEYS:
            priority = _DATE_KEYS.index(key)
            if self.date is None or priority < self.date[0]:
                self.date = (priority, key, content)
        elif key == "og:site_name" and self.source is None:
            self.source = content

    def _link(self, attrs: dict[str, str]) -> None:
        rel = attrs.get("rel", "").lower().split()
        href = attrs.get("href", "").strip()
        if "canonical" in rel and href and self.url is None:
            self.url = href
