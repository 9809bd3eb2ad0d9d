"""Generated news archives with known reuse, for the index benchmark (and the index tests).

Articles are about 600 words of prose drawn from a Zipf-distributed vocabulary (common
function words on top, so common three-word runs exist as in real news), sprinkled
with stock phrases that many articles share ("did not immediately respond to a request
for comment"). A share of the articles reprints one to three paragraphs of an earlier
article, half of them lightly edited (one word in about twelve replaced), which is
what syndicated wire copy looks like. Everything comes from ``numpy.random.default_rng``
with a seed, so the same call gives the same archive.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import numpy as np
import numpy.typing as npt

from dedup.model import Document

FUNCTION_WORDS = [
    "the",
    "of",
    "and",
    "to",
    "a",
    "in",
    "that",
    "said",
    "for",
    "on",
    "is",
    "was",
    "with",
    "he",
    "it",
    "as",
    "at",
    "by",
    "from",
    "his",
    "be",
    "have",
    "has",
    "are",
    "they",
    "this",
    "but",
    "not",
    "will",
    "an",
    "its",
    "who",
    "their",
    "had",
    "were",
    "would",
    "been",
    "after",
    "which",
    "one",
    "or",
    "more",
    "about",
    "also",
    "new",
    "over",
    "than",
    "into",
    "two",
    "last",
    "when",
    "year",
    "up",
    "out",
    "could",
    "people",
    "other",
    "first",
]

STOCK_PHRASES = (
    "did not immediately respond to a request for comment",
    "according to figures published by the national statistics office",
    "said in a statement released late on",
    "the views expressed are those of the author and do not necessarily reflect",
    "speaking on condition of anonymity because they were not authorised to talk to the press",
    "is expected to make a decision in the coming weeks",
    "additional reporting by our correspondents",
    "told reporters after the meeting that",
)

SOURCES = tuple(
    f"{town} {kind}"
    for town in ("Averley", "Merrin", "Kestle", "Brackenhill", "Tarrow", "Stoke Halden", "Orrin", "Wyke")
    for kind in ("Courier", "Gazette", "Post", "Times", "Herald")
)

_SYLLABLES = [
    "ar",
    "ba",
    "ce",
    "da",
    "el",
    "fo",
    "ga",
    "hi",
    "is",
    "jo",
    "ka",
    "lu",
    "mo",
    "ne",
    "or",
    "pa",
    "qui",
    "ra",
    "se",
    "ti",
    "un",
    "ve",
    "wa",
    "xe",
    "yo",
    "zu",
    "bran",
    "cle",
    "dor",
    "fen",
    "gra",
    "hol",
    "kin",
    "lam",
    "mer",
    "nor",
    "pol",
    "ros",
    "sta",
    "tor",
    "val",
    "wen",
]


@dataclass(frozen=True, slots=True)
class Reuse:
    """Article ``doc_id`` reprints paragraph ``paragraph`` of ``source_id`` (``edited``: lightly changed)."""

    doc_id: str
    source_id: str
    edited: bool


@dataclass(frozen=True, slots=True)
class Archive:
    """Generated documents and the reuse they contain (the answer key)."""

    documents: list[Document]
    reuse: list[Reuse]


class Generator:
    """Makes articles and drafts from one seeded vocabulary.

    >>> g = Generator(seed=7)
    >>> a = g.archive(3)
    >>> [d.id for d in a.documents]
    ['art-0000000', 'art-0000001', 'art-0000002']
    >>> 450 < len(a.documents[0].text.split()) < 800
    True
    """

    def __init__(self, *, seed: int = 1, vocabulary: int = 30_000, reuse_rate: float = 0.2) -> None:
        self.rng = np.random.default_rng(seed)
        self.reuse_rate = reuse_rate
        words: list[str] = list(FUNCTION_WORDS)
        seen = set(words)
        while len(words) < vocabulary:
            n = int(self.rng.integers(2, 5))
            word = "".join(_SYLLABLES[i] for i in self.rng.integers(0, len(_SYLLABLES), n))
            if word not in seen:
                seen.add(word)
                words.append(word)
        self.words = np.array(words, dtype=object)
        ranks = np.arange(1, len(words) + 1, dtype=np.float64)
        weights = 1.0 / ranks**1.05
        self.cumulative = np.cumsum(weights / weights.sum())
        self.start = datetime(2024, 1, 1, tzinfo=UTC)

    def _word_indices(self, n: int) -> npt.NDArray[np.int64]:
        picked: npt.NDArray[np.int64] = np.searchsorted(self.cumulative, self.rng.random(n)).astype(np.int64)
        return np.minimum(picked, len(self.words) - 1)

    def sentence(self) -> str:
        """One sentence of 8 to 30 words, now and then containing a stock phrase."""
        n = int(self.rng.integers(8, 31))
        words = list(self.words[self._word_indices(n)])
        if self.rng.random() < 0.02:
            at = int(self.rng.integers(0, n))
            words[at:at] = STOCK_PHRASES[int(self.rng.integers(0, len(STOCK_PHRASES)))].split()
        return " ".join(words).capitalize() + "."

    def paragraph(self) -> str:
        """Two to five sentences."""
        return " ".join(self.sentence() for _ in range(int(self.rng.integers(2, 6))))

    def paragraphs(self, words: int = 600) -> list[str]:
        """Paragraphs adding up to about ``words`` words."""
        out: list[str] = []
        total = 0
        while total < words:
            p = self.paragraph()
            out.append(p)
            total += p.count(" ") + 1
        return out

    def edit(self, paragraph: str) -> str:
        """Replace about one word in twelve, the light editing a reprint gets."""
        words = paragraph.split()
        for i in range(len(words)):
            if self.rng.random() < 1 / 12:
                words[i] = str(self.words[self._word_indices(1)[0]])
        return " ".join(words)

    def archive(self, n: int, *, prefix: str = "art") -> Archive:
        """``n`` articles; about ``reuse_rate`` of them reprint paragraphs of earlier ones."""
        documents: list[Document] = []
        bodies: list[list[str]] = []
        reuse: list[Reuse] = []
        for i in range(n):
            doc_id = f"{prefix}-{i:07d}"
            paragraphs = self.paragraphs()
            if i > 0 and self.rng.random() < self.reuse_rate:
                source = int(self.rng.integers(0, i))
                edited = bool(self.rng.random() < 0.5)
                picked = self.rng.choice(len(bodies[source]), size=min(3, len(bodies[source])), replace=False)
                for k in picked[: int(self.rng.integers(1, 4))].tolist():
                    copy = bodies[source][k]
                    at = int(self.rng.integers(0, len(paragraphs) + 1))
                    paragraphs.insert(at, self.edit(copy) if edited else copy)
                reuse.append(Reuse(doc_id, documents[source].id, edited))
            bodies.append(paragraphs)
            documents.append(self.document(doc_id, paragraphs, i))
        return Archive(documents, reuse)

    def document(self, doc_id: str, paragraphs: list[str], i: int) -> Document:
        """An article with a source, a date, a title and a URL."""
        source = SOURCES[int(self.rng.integers(0, len(SOURCES)))]
        title = " ".join(paragraphs[0].split()[:8]).rstrip(".")
        return Document(
            doc_id,
            "\n\n".join(paragraphs),
            source=source,
            published=self.start + timedelta(minutes=37 * i),
            title=title,
            url=f"https://example.org/{source.lower().replace(' ', '-')}/{doc_id}",
        )

    def draft(
        self, archive: Archive, *, borrowed: int = 2, edited: bool = False
    ) -> tuple[Document, set[str]]:
        """A new ~600-word draft that reprints one paragraph from each of ``borrowed`` archive articles.

        Returns the draft and the ids of the articles it borrowed from.
        """
        texts = {d.id: d.text.split("\n\n") for d in archive.documents}
        ids = [archive.documents[int(i)].id for i in self.rng.choice(len(archive.documents), borrowed, False)]
        paragraphs = self.paragraphs()
        for doc_id in ids:
            source = texts[doc_id]
            copy = source[int(self.rng.integers(0, len(source)))]
            at = int(self.rng.integers(0, len(paragraphs) + 1))
            paragraphs.insert(at, self.edit(copy) if edited else copy)
        return Document("draft", "\n\n".join(paragraphs)), set(ids)


def stream(n: int, *, seed: int = 1, batch: int = 1000) -> Iterator[list[Document]]:
    """The archive of ``n`` articles in batches, without keeping all of it."""
    generator = Generator(seed=seed)
    done = 0
    while done < n:
        part = generator.archive(min(batch, n - done), prefix=f"art{done // batch:04d}")
        done += len(part.documents)
        yield part.documents
