"""The documents of one scan, in id order, with their texts in memory or in a spill file.

``Corpus.collect`` reads the documents once, as they come (a reader streams them), and
keeps each one's metadata in memory; once the texts held pass ``memory_chars``
characters they go to a ``SpillFile`` and are read back for the few steps that need a
text (tokenising, widening a match to the exact characters, a passage's text, a
report). So a scan's memory grows with the number of documents, not with their text.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterable, Iterator, Mapping, Sequence
from typing import overload

import numpy as np
import numpy.typing as npt

from dedup.model import Document
from dedup.spill_file import RecentReads, SpillFile

MEMORY_CHARS = 1 << 26
"""Characters of text a corpus holds in memory before it spills them (64 Mi: 10,000-20,000 articles)."""


class Corpus(Sequence[Document]):
    """Documents sorted by id; ``corpus[i]`` is the whole document, its text read back if spilled.

    Use as a context manager (or call ``close``) to remove the spill file.

    >>> with Corpus.collect([Document("b", "second"), Document("a", "first")], memory_chars=0) as c:
    ...     [d.id for d in c], c.text(1), c.spilled
    (['a', 'b'], 'second', True)
    """

    def __init__(
        self,
        documents: list[Document],
        where: npt.NDArray[np.int64],
        chars: npt.NDArray[np.int64],
        spill: SpillFile | None,
    ) -> None:
        """Use ``collect`` or ``in_memory``; ``where[i]`` is (offset, bytes) in ``spill``, or -1s."""
        self._docs = documents
        self._where = where
        self.chars = chars
        """Each document's length in characters (what coverage divides by)."""
        self._spill = spill
        self._recent: RecentReads[str] = RecentReads()  # alignment reads one document's pairs in a row
        self.texts = _Texts(self)
        """Texts by document id, read when looked up."""

    @classmethod
    def collect(
        cls,
        documents: Iterable[Document],
        *,
        memory_chars: int = MEMORY_CHARS,
        directory: str | None = None,
        progress: Callable[[str, int, int], None] | None = None,
    ) -> Corpus:
        """Read ``documents`` once, in any order; texts past ``memory_chars`` in all go to a spill file.

        ``progress("read", documents_so_far, 0)`` is called every 1,000 documents (0: the
        total is not known while reading).
        """
        kept: list[Document] = []
        where: list[tuple[int, int]] = []
        chars: list[int] = []
        held = 0
        spill: SpillFile | None = None
        try:
            for doc in documents:
                if progress is not None and len(kept) % 1000 == 0:
                    progress("read", len(kept), 0)
                if not isinstance(doc, Document):
                    raise TypeError(f"scan() takes Document objects, got {type(doc).__name__}")
                held += len(doc.text)
                chars.append(len(doc.text))
                if spill is None and held > memory_chars:
                    spill = SpillFile(directory)
                    for i, earlier in enumerate(kept):
                        where[i] = _append(spill, earlier.text)
                        kept[i] = _without_text(earlier)
                if spill is None:
                    kept.append(doc)
                    where.append((-1, -1))
                else:
                    where.append(_append(spill, doc.text))
                    kept.append(_without_text(doc))
        except BaseException:
            if spill is not None:
                spill.close()
            raise
        if progress is not None:
            progress("read", len(kept), len(kept))
        order = sorted(range(len(kept)), key=lambda i: kept[i].id)
        places = np.array(where, dtype=np.int64).reshape(-1, 2)[order]
        return cls([kept[i] for i in order], places, np.array(chars, dtype=np.int64)[order], spill)

    @classmethod
    def in_memory(cls, documents: Sequence[Document]) -> Corpus:
        """A corpus of documents already sorted by id, texts kept where they are."""
        n = len(documents)
        chars = np.fromiter((len(d.text) for d in documents), dtype=np.int64, count=n)
        return cls(list(documents), np.full((n, 2), -1, dtype=np.int64), chars, None)

    def __enter__(self) -> Corpus:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        """Remove the spill file; spilled texts cannot be read afterwards."""
        if self._spill is not None:
            self._spill.close()

    @property
    def spilled(self) -> bool:
        """True when texts went to a spill file."""
        return self._spill is not None

    def __len__(self) -> int:
        return len(self._docs)

    @overload
    def __getitem__(self, i: int) -> Document: ...

    @overload
    def __getitem__(self, i: slice) -> list[Document]: ...

    def __getitem__(self, i: int | slice) -> Document | list[Document]:
        if isinstance(i, slice):
            return [self[k] for k in range(*i.indices(len(self)))]
        meta = self._docs[i]
        if self._where[i, 0] < 0:
            return meta
        return dataclasses.replace(meta, text=self.text(i))

    def __iter__(self) -> Iterator[Document]:
        return (self[i] for i in range(len(self)))

    def meta(self, i: int) -> Document:
        """Document i without reading its text back: its ``text`` is empty when spilled."""
        return self._docs[i]

    def id(self, i: int) -> str:
        """Document i's id."""
        return self._docs[i].id

    def text(self, i: int) -> str:
        """Document i's text."""
        offset, length = (int(v) for v in self._where[i])
        if offset < 0:
            return self._docs[i].text
        cached = self._recent.get(i)
        if cached is not None:
            return cached
        if self._spill is None:
            raise RuntimeError("a spilled text without a spill file")
        return self._recent.keep(i, self._spill.read(offset, length).decode("utf-8", "surrogatepass"))


class _Texts(Mapping[str, str]):
    """A corpus's texts by id: looked up by binary search on the sorted ids, read when asked."""

    def __init__(self, corpus: Corpus) -> None:
        self._corpus = corpus

    def with_others(self, others: Mapping[str, str]) -> Mapping[str, str]:
        """These texts and ``others`` (texts of documents not in the corpus, e.g. from an index)."""
        return _Both(others, self)

    def _index(self, doc_id: str) -> int:
        corpus = self._corpus
        lo, hi = 0, len(corpus)
        while lo < hi:
            mid = (lo + hi) // 2
            if corpus.id(mid) < doc_id:
                lo = mid + 1
            else:
                hi = mid
        if lo == len(corpus) or corpus.id(lo) != doc_id:
            raise KeyError(doc_id)
        return lo

    def __getitem__(self, doc_id: str) -> str:
        return self._corpus.text(self._index(doc_id))

    def __contains__(self, doc_id: object) -> bool:
        if not isinstance(doc_id, str):
            return False
        try:
            self._index(doc_id)
        except KeyError:
            return False
        return True

    def __iter__(self) -> Iterator[str]:
        return (self._corpus.id(i) for i in range(len(self._corpus)))

    def __len__(self) -> int:
        return len(self._corpus)


class _Both(Mapping[str, str]):
    """Two mappings read as one, the first one's keys first."""

    def __init__(self, first: Mapping[str, str], second: Mapping[str, str]) -> None:
        self._first, self._second = first, second

    def __getitem__(self, key: str) -> str:
        return self._first[key] if key in self._first else self._second[key]

    def __iter__(self) -> Iterator[str]:
        yield from self._first
        yield from (k for k in self._second if k not in self._first)

    def __len__(self) -> int:
        return sum(1 for _ in self)


def _append(spill: SpillFile, text: str) -> tuple[int, int]:
    data = text.encode("utf-8", "surrogatepass")
    return spill.append(data), len(data)


def _without_text(doc: Document) -> Document:
    return dataclasses.replace(doc, text="")
