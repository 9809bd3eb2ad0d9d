"""One document per file (.txt, .md, .html, ...), and the walk over a folder of files.

A text file is read whole, decoded (UTF-8 by default, a byte order mark dropped,
Latin-1 with a problem when that fails) and never normalised: ``Document.text`` is
the file's text after its front matter (see ``dedup.readers.front_matter``), with
its newlines as stored, because match offsets index it. An HTML file gives the
extracted text described in ``dedup.readers.html_text``.

A folder is walked recursively in sorted order of relative POSIX path (code point
order), so the same folder always gives the same documents in the same order.
Hidden files and folders (a name starting with ".") are skipped, and so are
symbolic links to folders, so a link loop cannot make the walk endless.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from pathlib import Path

from dedup.model import Document
from dedup.readers.decoding import decode_bytes
from dedup.readers.fields import FieldMap
from dedup.readers.front_matter import split_front_matter
from dedup.readers.html_text import extract_html
from dedup.readers.problems import FileProblems, os_reason
from dedup.readers.records import build_document, field_date

# The format each file name ending implies; "text" and "html" are one document per file.
EXTENSIONS = {
    ".txt": "text",
    ".md": "text",
    ".markdown": "text",
    ".html": "html",
    ".htm": "html",
    ".jsonl": "jsonl",
    ".ndjson": "jsonl",
    ".csv": "csv",
    ".tsv": "tsv",
}


def format_of(name: str) -> str | None:
    """The format a file name's extension implies, or None for an extension dedup does not know.

    >>> format_of("a.HTML"), format_of("notes.docx"), format_of("57110")
    ('html', None, None)
    """
    stem, dot, extension = name.rpartition(".")
    return EXTENSIONS.get(f".{extension.lower()}") if dot and stem else None


def read_text_file(
    path: Path, *, doc_id: str, html: bool, fields: FieldMap, encoding: str, problems: FileProblems
) -> Document | None:
    """Read one file as one document; None (with a problem) when it is unreadable or empty."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        problems.add(None, os_reason(exc))
        return None
    text, bad = decode_bytes(data, encoding)
    if bad is not None:
        problems.add(bad.line, bad.reason(encoding))
    return text_document(text, doc_id=doc_id, html=html, fields=fields, problems=problems)


def text_document(
    text: str, *, doc_id: str, html: bool, fields: FieldMap, problems: FileProblems
) -> Document | None:
    """Make the document of one decoded file: HTML extracted, front matter split off."""
    if html:
        return _html_document(text, doc_id=doc_id, problems=problems)
    header, body = split_front_matter(text)
    if not body.strip():
        problems.add(None, "empty document, skipped")
        return None
    return build_document(body, header, fields=fields, default_id=doc_id, line=None, problems=problems)


def _html_document(markup: str, *, doc_id: str, problems: FileProblems) -> Document | None:
    page = extract_html(markup)
    if page.malformed is not None:
        problems.add(None, f"malformed HTML ({page.malformed})")
    if not page.text:
        problems.add(None, "empty document, skipped")
        return None
    published = field_date(page.published, page.published_field or "", line=None, problems=problems)
    return Document(
        doc_id, page.text, source=page.source, published=published, title=page.title, url=page.url
    )


def list_folder(
    folder: Path, *, every_file: bool, on_error: Callable[[str, OSError], None]
) -> list[tuple[str, Path]]:
    """Every readable file under ``folder`` as ``(relative POSIX path, path)``, sorted.

    With ``every_file`` false only files with a known extension are listed; with it
    true (an explicit ``--input-format``) every file is. ``on_error`` gets the relative path
    of a folder that cannot be listed, and the walk goes on without it.
    """
    found: list[tuple[str, Path]] = []
    pending: list[tuple[str, Path]] = [("", folder)]
    while pending:
        prefix, current = pending.pop()
        try:
            with os.scandir(current) as listing:
                entries = list(listing)
        except OSError as exc:
            on_error(prefix, exc)
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            relative = f"{prefix}{entry.name}"
            try:
                if entry.is_dir(follow_symlinks=False):
                    pending.append((f"{relative}/", Path(entry.path)))
                    continue
                is_file = entry.is_file()
            except OSError:  # pragma: no cover - a file vanishing mid-walk
                continue
            if is_file and (every_file or format_of(entry.name) is not None):
                found.append((relative, Path(entry.path)))
    found.sort()
    return found
