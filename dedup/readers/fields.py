"""FieldMap: which record field (JSONL key, CSV column, front-matter key) holds what."""

from __future__ import annotations

from dataclasses import dataclass, fields

from dedup.errors import OptionsError


@dataclass(frozen=True, slots=True)
class FieldMap:
    """Names of the fields that hold each part of a document.

    Datasets name their fields differently (``body``, ``content``, ``scrape_time``);
    the command line sets these with ``--id-field``, ``--text-field``,
    ``--source-field``, ``--date-field``, ``--title-field`` and ``--url-field``.
    Every other field of a record is kept in ``Document.meta`` when it is a string
    or a number.

    >>> FieldMap(text="body").text
    'body'
    """

    id: str = "id"
    text: str = "text"
    source: str = "source"
    published: str = "published"
    title: str = "title"
    url: str = "url"

    def __post_init__(self) -> None:
        for f in fields(self):
            value = getattr(self, f.name)
            if not isinstance(value, str) or not value:
                raise OptionsError(f"field name for {f.name} must be a non-empty string, got {value!r}")

    def names(self) -> frozenset[str]:
        """Every field name this map assigns, so the rest can go to ``meta``."""
        return frozenset((self.id, self.text, self.source, self.published, self.title, self.url))
