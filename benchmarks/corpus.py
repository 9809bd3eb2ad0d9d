"""A synthetic news corpus with known reuse: the shared input of the speed benchmarks.

``build(n, seed=...)`` writes ``n`` articles in publication order. Most are originals;
about 20% reprint 1-5 paragraphs of an earlier original (a wire story picked up by
another outlet) with small edits, and about 3% are near-duplicates of an earlier
original (a corrected or re-filed story). Every reprinted paragraph is recorded as a
``Reuse`` with its character spans in both articles, so accuracy benchmarks can score
against it. ``generate(n, seed=...)`` returns only the documents.

The text is made from a vocabulary written here, not from a real corpus, so the
benchmark runs anywhere and its input does not depend on which corpora are present:

* article lengths are log-normal, mean about 650 words, clipped to 200-1,500;
* sentences mix news function words (Zipf weights) with a content lexicon whose long
  tail is made-up proper nouns, plus numbers ("1,750", "5.93"), names with accents, and
  quotations in the outlet's quote style (straight or curly), so tokenising meets
  punctuation, case, digits and non-ASCII letters;
* originals are only ever copied from pure originals (articles that copy nothing), so
  every shared passage is either listed as a ``Reuse`` or shared by two copies of the
  same original paragraph (group ``reuses`` by ``(original, original_span)``).

Everything is drawn from ``numpy.random.default_rng(seed)``: the same seed gives the
same corpus on every machine.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from functools import cache
from typing import Literal

import numpy as np
import numpy.typing as npt

from dedup import Document

Kind = Literal["original", "reprint", "near_duplicate"]

_FUNCTION_WORDS = """
the:60 of:30 to:28 and:27 a:23 in:21 said:12 that:10 for:9 on:8 is:8 was:7 with:6 he:6 it:6 as:6
at:5 by:5 from:4 his:4 be:4 have:4 has:4 are:4 but:3 not:3 were:3 which:3 this:3 they:3 been:3
had:3 its:3 who:2.5 will:2.5 would:2.5 an:2.5 after:2 their:2 more:2 or:2 also:2 than:1.5 up:1.5
about:1.5 there:1.5 new:1.5 one:1.5 she:1.5 we:1.5 last:1.2 year:1.2 two:1.2 i:1.2 over:1 into:1
could:1 when:1 other:1 if:1 no:1 some:1 all:1 out:1 can:1 them:0.8 her:0.8 what:0.8 so:0.8
first:0.8 people:0.8 may:0.8 told:0.8 million:0.8 government:0.8 our:0.7 only:0.7 because:0.7
while:0.7 before:0.7 president:0.7 under:0.6 since:0.6 between:0.6 against:0.6 during:0.6
percent:0.6 week:0.6 minister:0.6 where:0.5 those:0.5 these:0.5 most:0.5 such:0.5 according:0.5
officials:0.5 state:0.5 very:0.4 per:0.4 cent:0.4 billion:0.4 month:0.4 police:0.4 monday:0.3
tuesday:0.3 wednesday:0.3 thursday:0.3 friday:0.3 saturday:0.2 sunday:0.2 three:0.4 still:0.4
"""

_CONTENT_WORDS = """
agreement analysts announced approval attack authorities bank board border budget campaign
capital ceasefire central chief children city climate coalition committee companies company
conference congress council country court crisis data deal debt decision defence deficit
demand development director district economy election emergency energy euro europe evidence
exports family federal finance financial fire forces foreign funding gas global growth health
hospital housing income industry inflation interest investigation investors islands judge
justice labour law lawmakers leaders legislation loan market markets measures meeting members
military minister ministry national negotiations network nuclear office oil opposition order
parliament party peace pension plan plans police policy political power president price prices
production program project protest public rates record reform region report reports research
residents results rights risk rules safety sales school security senate services shares spending
statement strike summit support talks tax technology trade troops union value vote voters war
water workers accused added agreed allowed approved arrested asked believed called claimed closed
confirmed continued cut declined denied described expected faced fell found gave helped
increased introduced launched led left lost met moved noted offered opened planned pledged
proposed raised reached received reported rose saw secured sent signed started suggested
supported took urged visited warned won annual armed basic broad chinese corporate critical
current democratic difficult domestic early eastern economic environmental european final
formal former free full general german high historic huge human illegal independent
international key large late legal likely local long major medical modest national northern
official open recent regional rural senior serious sharp significant small social southern
special strong sudden temporary top total urban various western wide young almost already
around away back down earlier even however later likely nearly never often quickly recently
soon together well yet agency airport allies ambassador army association audit ballot barrier
benchmark bid bond brokers cabinet cargo census charity coast commodity consumers contract
corruption crops currency customs delegation deposits diplomats dividend drought earnings
embassy employers engineers estimate factory farmers flights fuel harbour harvest imports
insurance inquiry jobs landslide lenders licence merger migrants mines navy output pipeline
port prosecutors quarter railway refinery reserves retailers revenue shipment shipping stocks
subsidy supply surplus tariff tender treasury turnover unemployment vaccine wages warehouse
wheat yields
"""

_FIRST_NAMES = """
Anna Ahmed Carlos Chen David Elena Fatima Hans Ines James Jean Kenji Laura Li Maria Mehmet Miguel
Nadia Olga Omar Paul Priya Rahul Sarah Sofia Thomas Wei Yusuf Zoe Ségolène François José Jürgen
Łukasz Zoë Søren Renée
"""

_LAST_NAMES = """
Abe Alvarez Brown Castro Dubois Fischer Garcia Haddad Ivanov Johnson Kim Kowalski Lee Martin
Moreau Müller Nakamura Nguyen Novak Okafor Patel Petrov Rossi Santos Schmidt Silva Smith Tanaka
Wang Weber Williams Yilmaz Zhang Núñez Gonçalves Øster Dvořák
"""

_PLACES = """
Ankara Athens Bangkok Beijing Berlin Bogota Brussels Cairo Canberra Dhaka Geneva Hanoi Havana
Jakarta Johannesburg Kiev Lagos Lima London Madrid Manila Mexico Moscow Mumbai Nairobi Oslo
Ottawa Paris Rome Santiago Seoul Singapore Stockholm Sydney Tehran Tokyo Vienna Warsaw
Washington Zürich Kraków Bogotá Montréal Malmö
"""

_OUTLETS = """
Daily Courier|Evening Standard Post|Harbour Times|Metro Ledger|National Observer|Northern Echo
|Pacific Herald|Plains Gazette|Republic Tribune|River City Journal|Southern Mail|Star Telegraph
|The Morning Wire|Union Chronicle|Valley Sentinel|Western Examiner|Coast Bulletin|Capital Report
|Lakeside News|Mountain Press
"""

_SYLLABLES = (
    "ba be bi bo bu da de di do ka ke ki ko la le li lo ma me mi mo na ne ni no"
    " ra re ri ro sa se si so ta te ti to va ve vi zo"
)
_SUFFIXES = ("", "s", "ed", "ing", "er", "al", "ist", "ity")
_LEXICON_SEED = 20_180_101  # the vocabulary is the same for every corpus seed
_TAIL_WORDS = 40_000


@dataclass(frozen=True, slots=True)
class Reuse:
    """One paragraph of article ``original`` printed again, lightly edited, in article ``copy``.

    Spans are half-open character ranges of each ``Document.text``.
    """

    original: str
    copy: str
    original_span: tuple[int, int]
    copy_span: tuple[int, int]
    kind: Kind
    edits: int


@dataclass(frozen=True, slots=True)
class Corpus:
    """Documents in publication order, and the ground truth of which paragraphs were reprinted."""

    documents: list[Document]
    reuses: list[Reuse] = field(default_factory=list)

    def kinds(self) -> dict[str, Kind]:
        """Each document id's kind: original, reprint or near_duplicate."""
        out: dict[str, Kind] = {d.id: "original" for d in self.documents}
        for r in self.reuses:
            out[r.copy] = r.kind
        return out

    def near_duplicate_pairs(self) -> set[tuple[str, str]]:
        """(original id, copy id) of every near-duplicate."""
        return {(r.original, r.copy) for r in self.reuses if r.kind == "near_duplicate"}

    def reprint_pairs(self) -> set[tuple[str, str]]:
        """(original id, copy id) of every article that reprints paragraphs of another."""
        return {(r.original, r.copy) for r in self.reuses if r.kind == "reprint"}


@dataclass(frozen=True, slots=True)
class _Lexicon:
    function_words: npt.NDArray[np.object_]
    function_cdf: npt.NDArray[np.float64]
    content_words: npt.NDArray[np.object_]
    content_cdf: npt.NDArray[np.float64]
    first_names: list[str]
    last_names: list[str]
    places: list[str]


@cache
def _lexicon() -> _Lexicon:
    pairs = [item.split(":") for item in _FUNCTION_WORDS.split()]
    weights = np.array([float(w) for _, w in pairs])
    rng = np.random.default_rng(_LEXICON_SEED)
    base = _CONTENT_WORDS.split()
    syllables = _SYLLABLES.split()
    draws = 2 * _TAIL_WORDS
    picks = rng.integers(len(syllables), size=(draws, 4)).tolist()
    sizes = rng.integers(2, 5, size=draws).tolist()
    suffixes = rng.integers(len(_SUFFIXES), size=draws).tolist()
    made = (
        "".join(syllables[j] for j in p[:k]) + _SUFFIXES[s]
        for p, k, s in zip(picks, sizes, suffixes, strict=True)
    )
    known = set(base)
    rare = [w for w in dict.fromkeys(made) if w not in known][:_TAIL_WORDS]
    # 85% of content words from the common list, 15% from the long tail (Zipf within each).
    common_weights = 1.0 / (np.arange(len(base)) + 10.0)
    rare_weights = 1.0 / (np.arange(len(rare)) + 50.0)
    weights_content = np.concatenate(
        (0.85 * common_weights / common_weights.sum(), 0.15 * rare_weights / rare_weights.sum())
    )
    return _Lexicon(
        function_words=np.array([w for w, _ in pairs], dtype=object),
        function_cdf=np.cumsum(weights) / weights.sum(),
        content_words=np.array(base + rare, dtype=object),
        content_cdf=np.cumsum(weights_content),
        first_names=_FIRST_NAMES.split(),
        last_names=_LAST_NAMES.split(),
        places=_PLACES.split(),
    )


class _Writer:
    """Draws sentences, paragraphs and edits from one random generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.lex = _lexicon()

    def _number(self) -> str:
        r = self.rng.random()
        if r < 0.4:
            return str(int(self.rng.integers(2, 100)))
        if r < 0.7:
            return f"{int(self.rng.integers(1_000, 99_999)):,}"
        if r < 0.9:
            return f"{self.rng.random() * 100:.2f}"
        return str(int(self.rng.integers(1980, 2019)))

    def _name(self) -> str:
        lex = self.lex
        if self.rng.random() < 0.35:
            return lex.places[int(self.rng.integers(len(lex.places)))]
        first = lex.first_names[int(self.rng.integers(len(lex.first_names)))]
        return f"{first} {lex.last_names[int(self.rng.integers(len(lex.last_names)))]}"

    def words(self, n: int) -> list[str]:
        """``n`` lower-case words: about 45% function words, the rest content, names and numbers."""
        lex, rng = self.lex, self.rng
        kind = rng.random(n)
        out = np.empty(n, dtype=object)
        fn = kind < 0.45
        out[fn] = lex.function_words[np.searchsorted(lex.function_cdf, rng.random(int(fn.sum())))]
        content = ~fn
        picks = np.minimum(
            np.searchsorted(lex.content_cdf, rng.random(int(content.sum()))), len(lex.content_cdf) - 1
        )
        out[content] = lex.content_words[picks]
        words: list[str] = out.tolist()
        for i in np.flatnonzero(kind > 0.97).tolist():
            words[i] = self._number() if kind[i] > 0.985 else self._name()
        return words

    def title(self) -> str:
        words = self.words(int(self.rng.integers(5, 12)))
        return " ".join([words[0][:1].upper() + words[0][1:], *words[1:]])

    def paragraphs(self, n_words: int, quote: tuple[str, str]) -> list[str]:
        """Paragraphs of 1-4 sentences, at least ``n_words`` words in all."""
        rng = self.rng
        lengths = np.clip(rng.gamma(4.0, 5.5, size=n_words // 6 + 2), 6, 50).astype(np.int64)
        count = int(np.searchsorted(np.cumsum(lengths), n_words)) + 1
        bounds = np.concatenate(([0], np.cumsum(lengths[:count]))).tolist()
        words = self.words(bounds[-1])
        for i in np.flatnonzero(rng.random(len(words)) < 0.06).tolist():
            words[i] += ","
        quoted = (rng.random(count) < 0.12).tolist()
        per_paragraph = rng.integers(1, 5, size=count).tolist()
        sentences = []
        for n in range(count):
            first = words[bounds[n]]
            body = " ".join([first[:1].upper() + first[1:], *words[bounds[n] + 1 : bounds[n + 1]]]).rstrip(
                ","
            )
            if quoted[n]:
                sentences.append(f"{quote[0]}{body},{quote[1]} {self._name()} said.")
            else:
                sentences.append(body + ".")
        paragraphs = []
        start = 0
        for size in per_paragraph:
            if start >= count:
                break
            paragraphs.append(" ".join(sentences[start : start + size]))
            start += size
        return paragraphs

    def edit(self, text: str, rate: float) -> tuple[str, int]:
        """Substitute, drop or re-punctuate about ``rate`` of the words; returns (text, edits made)."""
        words = text.split(" ")
        hits = np.flatnonzero(self.rng.random(len(words)) < rate).tolist()
        for i in reversed(hits):
            r = self.rng.random()
            if r < 0.5:
                trail = words[i][len(words[i].rstrip('.,”"')) :]
                words[i] = self.words(1)[0] + trail
            elif r < 0.8 and len(words) > 1:
                del words[i]
            else:
                words[i] = words[i][:-1] if words[i].endswith(",") else words[i] + ","
        return " ".join(words), len(hits)


def _lengths(rng: np.random.Generator, n: int) -> npt.NDArray[np.int64]:
    """Article lengths in words: log-normal around 650, clipped to 200-1,500."""
    return np.clip(rng.lognormal(np.log(575.0), 0.45, n), 200, 1500).astype(np.int64)


def build(
    n: int,
    *,
    seed: int,
    reprint_share: float = 0.2,
    near_duplicate_share: float = 0.03,
    recent: int = 5_000,
    start: datetime = datetime(2018, 1, 1, tzinfo=UTC),
) -> Corpus:
    """``n`` articles with reprinted paragraphs and near-duplicates, and the record of them.

    A copy's original is drawn from the last ``recent`` pure originals (news is picked up
    while it is fresh); it is always published earlier, by an outlet other than the
    copy's for reprints.
    """
    rng = np.random.default_rng(seed)
    writer = _Writer(rng)
    outlets = [o.strip() for o in _OUTLETS.split("|")]
    quotes = [('"', '"') if i % 2 else ("\u201c", "\u201d") for i in range(len(outlets))]
    lengths = _lengths(rng, n)
    gaps = rng.exponential(300.0, n).cumsum()
    texts: list[str] = []
    paragraph_spans: list[list[tuple[int, int]]] = []
    sources: list[int] = []
    pure: list[int] = []
    documents: list[Document] = []
    reuses: list[Reuse] = []
    for i in range(n):
        outlet = int(rng.integers(len(outlets)))
        roll = rng.random()
        kind: Kind = "original"
        if pure and roll < near_duplicate_share:
            kind = "near_duplicate"
        elif pure and roll < near_duplicate_share + reprint_share:
            kind = "reprint"
        original = pure[-recent:][int(rng.integers(min(len(pure), recent)))] if kind != "original" else -1
        if kind == "reprint" and outlet == sources[original]:
            outlet = (outlet + 1 + int(rng.integers(len(outlets) - 1))) % len(outlets)
        doc_id = f"n{i:07d}"
        paragraphs, copied = _compose(
            writer, kind, original, texts, paragraph_spans, lengths[i], quotes[outlet]
        )
        text, spans = _join(paragraphs)
        for position, (origin_span, edits) in copied.items():
            reuses.append(Reuse(f"n{original:07d}", doc_id, origin_span, spans[position], kind, edits))
        texts.append(text)
        paragraph_spans.append(spans)
        sources.append(outlet)
        if kind == "original":
            pure.append(i)
        published = start + timedelta(seconds=float(gaps[i]))
        documents.append(
            Document(
                id=doc_id,
                text=text,
                source=outlets[outlet],
                published=published,
                title=writer.title(),
                url=f"https://{_slug(outlets[outlet])}.example/{published:%Y/%m/%d}/{doc_id}",
                meta={"kind": kind, "original": f"n{original:07d}"} if original >= 0 else {"kind": kind},
            )
        )
    return Corpus(documents, reuses)


def generate(
    n: int, *, seed: int, reprint_share: float = 0.2, near_duplicate_share: float = 0.03
) -> list[Document]:
    """The documents of ``build(n, seed=seed, ...)``, in publication order.

    >>> [d.id for d in generate(3, seed=1)]
    ['n0000000', 'n0000001', 'n0000002']
    """
    corpus = build(n, seed=seed, reprint_share=reprint_share, near_duplicate_share=near_duplicate_share)
    return corpus.documents


def _compose(
    writer: _Writer,
    kind: Kind,
    original: int,
    texts: Sequence[str],
    paragraph_spans: Sequence[Sequence[tuple[int, int]]],
    length: int,
    quote: tuple[str, str],
) -> tuple[list[str], dict[int, tuple[tuple[int, int], int]]]:
    """The paragraphs of one article, and {paragraph position: (span in the original, edits)}."""
    rng = writer.rng
    copied: dict[int, tuple[tuple[int, int], int]] = {}
    if kind == "near_duplicate":
        spans = list(paragraph_spans[original])
        if len(spans) > 2 and rng.random() < 0.3:
            spans = spans[:-1]  # the re-filed story lost its last paragraph
        rate = float(rng.uniform(0.005, 0.03))
        paragraphs = []
        for position, (s, e) in enumerate(spans):
            edited, edits = writer.edit(texts[original][s:e], rate)
            paragraphs.append(edited)
            copied[position] = ((s, e), edits)
        if rng.random() < 0.3:
            paragraphs.extend(writer.paragraphs(int(rng.integers(20, 80)), quote))  # ... or gained an update
        return paragraphs, copied
    taken: list[tuple[int, int]] = []
    if kind == "reprint":
        available = paragraph_spans[original]
        k = min(int(rng.integers(1, 6)), len(available))
        if rng.random() < 0.7:
            first = int(rng.integers(len(available) - k + 1))
            taken = list(available[first : first + k])
        else:
            picks = sorted(rng.choice(len(available), size=k, replace=False).tolist())
            taken = [available[j] for j in picks]
    words = sum(len(texts[original][s:e].split()) for s, e in taken)
    paragraphs = writer.paragraphs(max(length - words, 40), quote)
    at = int(rng.integers(len(paragraphs) + 1))
    rate = float(rng.uniform(0.0, 0.05))
    for offset, (s, e) in enumerate(taken):
        edited, edits = writer.edit(texts[original][s:e], rate)
        paragraphs.insert(at + offset, edited)
        copied[at + offset] = ((s, e), edits)
    return paragraphs, copied


def _slug(name: str) -> str:
    return name.lower().replace(" ", "-")


def _join(paragraphs: list[str]) -> tuple[str, list[tuple[int, int]]]:
    spans = []
    position = 0
    for p in paragraphs:
        spans.append((position, position + len(p)))
        position += len(p) + 2
    return "\n\n".join(paragraphs), spans
