import dataclasses
import sys
from datetime import datetime
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import dedup
from dedup import Document, ScanOptions
from dedup.align import passage_similarity
from dedup.scan import compare, scan
from tests.conftest import EXAMPLES
from tests.strategies import article, article_pairs_with_shared_passage, paragraph

MONDAY = (
    "Monday's meeting, called for by the USA, came on the eve of a high-stakes inter-Korean summit "
    "in the Pyongyang."
)
MA_QUOTE = (
    '"This council should stay united, honor its responsibility entrusted by history and push for the '
    'denuclearization and lasting peace in northeast Asia", Ma said.'
)


def seed_documents(seeds_dir: Path) -> list[Document]:
    return [Document(p.name, p.read_text(encoding="utf-8")) for p in sorted(seeds_dir.glob("*.txt"))]


def test_seed_pair_shares_the_monday_paragraph_and_the_ma_quote(seeds_dir: Path) -> None:
    docs = seed_documents(seeds_dir)
    texts = {d.id: d.text for d in docs}
    result = scan(docs)
    slices = [
        (texts[m.a.doc_id][m.a.start : m.a.end], texts[m.b.doc_id][m.b.start : m.b.end])
        for m in result.matches
    ]
    assert any(MONDAY in a and MONDAY in b for a, b in slices)
    assert any(MA_QUOTE in a and MA_QUOTE in b for a, b in slices)
    assert result.duplicates == ()  # two different articles, not near-duplicates
    assert len(result.clusters) == 1
    assert set(result.clusters[0].doc_ids) == {d.id for d in docs}


WIRE = [
    "The harbour council voted seven to two on Tuesday night to build a tidal barrier across the mouth of "
    "the river, ending a decade of argument over how to protect the lower town from winter storms.",
    "Mayor Ines Calder said the vote was the hardest decision the council had faced and promised that "
    "construction would not begin until the regional agency had finished its review of the fishing grounds.",
    "Opponents, led by the fishermen's cooperative, said the barrier would silt up the estuary within twenty "
    "years and asked the court to order a fresh environmental study before any money is spent.",
]
OTHER = [
    "Teachers at the north school walked out on Friday morning over a pay offer they called insulting, "
    "closing classrooms for more than four hundred pupils across the district.",
    "The union said talks with the education board had broken down after the board refused to discuss "
    "staffing levels, and that further strikes were planned for the coming month.",
]
LOCAL = [
    "A cargo ship ran aground on the sandbank north of the lighthouse late on Sunday, and salvage crews "
    "expect to float it off on the next spring tide if the weather holds through the week.",
    "The county library will open on Sunday afternoons from next month after volunteers offered to staff "
    "the reading rooms, the first change to its hours since the building was extended.",
    "Bus fares on the coastal route rise by twenty pence in April, the operator said, blaming fuel costs "
    "and a fall in passengers since the rail line reopened last autumn.",
    "The rugby club has been given permission to build a new stand on the old allotments behind the ground, "
    "despite objections from neighbours about parking on match days.",
]


def test_one_shared_paragraph_in_otherwise_different_articles_is_found() -> None:
    a = Document("a", "\n\n".join([WIRE[0], *OTHER]))
    b = Document(
        "b", "\n\n".join(["A completely different opening about the weather and the tides today.", WIRE[0]])
    )
    result = scan([a, b])
    assert result.duplicates == ()
    [match] = result.matches
    assert a.text[match.a.start : match.a.end] == WIRE[0]
    assert b.text[match.b.start : match.b.end] == WIRE[0]
    assert match.similarity == 1.0


def test_near_duplicate_documents_report_exact_jaccard() -> None:
    text = "\n\n".join(WIRE)
    a = Document("a", text)
    b = Document("b", text.replace("Tuesday", "Wednesday"))
    result = scan([a, b, Document("c", "\n\n".join(OTHER))])
    [pair] = result.duplicates
    assert (pair.a, pair.b) == ("a", "b")
    tokens = len(dedup.normalize.tokenize(text))
    shingles = tokens - 4
    assert pair.jaccard == pytest.approx((shingles - 5) / (shingles + 5))
    assert 0.0 <= pair.estimate <= 1.0


def test_edited_reprint_is_one_passage_with_edits_inside() -> None:
    wire = " ".join(WIRE)
    edited = (
        wire.replace("Mayor Ines Calder", "Harbour Mayor Ines Calder")
        .replace("'", "’")
        .replace("regional agency", "Regional Environment Agency")
    )
    result = scan([Document("wire", wire), Document("reprint", edited)])
    [match] = result.matches
    spans = {match.a.doc_id: match.a, match.b.doc_id: match.b}
    assert (spans["wire"].start, spans["wire"].end) == (0, len(wire))
    assert (spans["reprint"].start, spans["reprint"].end) == (0, len(edited))
    assert 0.9 < match.similarity < 1.0


def test_coverage_and_origin_follow_dates() -> None:
    wire = Document("wire", "\n\n".join(WIRE), source="Coastal Wire", published=datetime(2025, 3, 4, 9))
    reprint = Document(
        "ledger",
        "\n\n".join([OTHER[0], WIRE[1], OTHER[1]]),
        source="Harbour Ledger",
        published=datetime(2025, 3, 5, 7),
    )
    result = scan([reprint, wire])
    [cluster] = result.clusters
    assert cluster.origin == "wire"
    assert cluster.coverage["ledger"] == pytest.approx(len(WIRE[1]) / len(reprint.text))
    assert cluster.coverage["wire"] == pytest.approx(len(WIRE[1]) / len(wire.text))
    [passage] = result.passages
    assert passage.origin is not None
    assert passage.origin.doc_id == "wire"
    assert passage.text == WIRE[1]


def test_undated_documents_claim_no_origin() -> None:
    result = scan([Document("a", WIRE[0] + " " + OTHER[0]), Document("b", OTHER[1] + " " + WIRE[0])])
    assert result.clusters[0].origin is None
    assert result.passages[0].origin is None


FOOTER = (
    "Sign up for the Ledger morning briefing to get local news, weather and tide times in your inbox "
    "before seven every weekday."
)


def ledger_corpus() -> list[Document]:
    bodies = [WIRE[0], OTHER[0], OTHER[1], WIRE[2]]
    return [
        Document(f"ledger-{i}", f"{body}\n\n{FOOTER}", source="Ledger", published=datetime(2025, 3, i + 1))
        for i, body in enumerate(bodies)
    ] + [Document("wire", "\n\n".join(WIRE), source="Wire", published=datetime(2025, 2, 1))]


def test_footer_repeated_by_one_source_is_boilerplate_not_syndication() -> None:
    result = scan(ledger_corpus())
    [footer] = result.boilerplate
    assert footer.text == FOOTER
    assert len(footer.doc_ids) == 4
    assert all(FOOTER not in p.text for p in result.passages)
    # ledger-1 and ledger-2 share only the footer: they are in no syndication cluster.
    clustered = {d for c in result.clusters for d in c.doc_ids}
    assert {"ledger-1", "ledger-2"}.isdisjoint(clustered)
    assert {"ledger-0", "ledger-3", "wire"} <= clustered
    ledger_0 = next(c for c in result.clusters if "ledger-0" in c.doc_ids)
    assert ledger_0.coverage["ledger-0"] == pytest.approx(len(WIRE[0]) / len(WIRE[0] + "\n\n" + FOOTER))


def test_keep_boilerplate_reports_the_footer_as_reuse() -> None:
    result = scan(ledger_corpus(), options=ScanOptions(keep_boilerplate=True))
    assert result.boilerplate == ()
    assert any(p.text == FOOTER for p in result.passages)


def test_a_passage_most_outlets_carry_is_syndication_even_when_one_source_repeats_it() -> None:
    # The Ledger ran the wire's first paragraph three times, but four other outlets ran it too.
    ledger = [
        Document(f"ledger-{i}", f"{WIRE[0]}\n\n{body}", source="Ledger", published=datetime(2025, 3, i + 2))
        for i, body in enumerate([*OTHER, WIRE[1]])
    ]
    others = [
        Document(f"{name}", f"{body}\n\n{WIRE[0]}", source=name, published=datetime(2025, 3, 9))
        for name, body in zip(("Post", "Times", "Herald", "Gazette"), LOCAL, strict=True)
    ]
    wire = Document("wire", WIRE[0], source="Wire", published=datetime(2025, 3, 1))
    result = scan([*ledger, *others, wire])
    assert result.boilerplate == ()
    [passage] = [p for p in result.passages if len(p.doc_ids) == 8]
    assert passage.origin is not None
    assert passage.origin.doc_id == "wire"


def test_the_ledger_footer_stays_boilerplate_when_the_ledger_holds_most_of_its_copies() -> None:
    # Four Ledger articles and one other site that copied one of them whole, footer included.
    copier = Document("copier", f"{OTHER[0]}\n\n{FOOTER}", source="Copier", published=datetime(2025, 4, 1))
    result = scan([*ledger_corpus(), copier])
    assert [p.text for p in result.boilerplate] == [FOOTER]
    assert len(result.boilerplate[0].doc_ids) == 5


def test_skip_same_source_keeps_only_reuse_between_outlets() -> None:
    own_rerun = Document("ledger-rerun", "\n\n".join([OTHER[0], OTHER[1]]), source="Ledger")
    original = Document("ledger", "\n\n".join([OTHER[0], LOCAL[0]]), source="Ledger")
    reprint = Document("post", "\n\n".join([LOCAL[1], OTHER[0]]), source="Post")
    plain = scan([own_rerun, original, reprint])
    skipped = scan([own_rerun, original, reprint], options=ScanOptions(skip_same_source=True))
    pairs = {frozenset((m.a.doc_id, m.b.doc_id)) for m in plain.matches}
    assert frozenset(("ledger", "ledger-rerun")) in pairs
    assert {frozenset((m.a.doc_id, m.b.doc_id)) for m in skipped.matches} == pairs - {
        frozenset(("ledger", "ledger-rerun"))
    }
    assert [p.doc_ids for p in skipped.passages] == [("ledger", "ledger-rerun", "post")]


def test_one_source_posting_the_same_text_twice_at_once_is_not_a_tie() -> None:
    when = datetime(2025, 3, 4, 9)
    crosspost = [
        Document(f"{group}/1", WIRE[0] + "\n\n" + OTHER[0], source="ann", published=when)
        for group in ("sci.space", "sci.astro")
    ]
    reply = Document("sci.space/2", OTHER[1] + "\n\n" + WIRE[0], source="bob", published=datetime(2025, 3, 5))
    result = scan([*crosspost, reply])
    assert {p.origin.doc_id for p in result.passages if p.origin} == {"sci.astro/1"}
    two_outlets = scan([dataclasses.replace(crosspost[0], source="other"), crosspost[1], reply])
    assert all(p.origin is None for p in two_outlets.passages if "sci.space/2" in p.doc_ids)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("", id="empty-document"),
        pytest.param("  \n\t ", id="whitespace-only-document"),
        pytest.param("Too short.", id="document-shorter-than-a-shingle"),
    ],
)
def test_tiny_documents_are_scanned_without_error_and_match_nothing(text: str) -> None:
    result = scan([Document("tiny", text), Document("wire", "\n\n".join(WIRE)), Document("tiny2", text)])
    assert result.matches == ()
    assert result.stats.documents == 3
    assert result.stats.empty_documents == (2 if not text.strip() else 0)


def test_identical_short_documents_are_near_duplicates() -> None:
    result = scan([Document("a", "Storm warning."), Document("b", "storm WARNING!")])
    assert [(p.a, p.b, p.jaccard) for p in result.duplicates] == [("a", "b", 1.0)]


def test_duplicate_ids_are_refused() -> None:
    with pytest.raises(dedup.DuplicateIdError, match="'x'"):
        scan([Document("x", "one"), Document("x", "two")])


def test_a_single_document_is_a_type_error_with_a_hint() -> None:
    with pytest.raises(TypeError, match=r"scan\(\[doc\]\)"):
        scan(Document("x", "text"))  # type: ignore[arg-type]


def test_compare_accepts_strings() -> None:
    [match] = compare("Intro words here. " + WIRE[1], WIRE[1] + " Outro words there.")
    assert (match.a.doc_id, match.b.doc_id) == ("a", "b")
    assert match.similarity == 1.0


@settings(max_examples=30, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(pair=article_pairs_with_shared_passage())
def test_match_spans_reproduce_their_score(pair: tuple[Document, Document, str]) -> None:
    a, b, passage = pair
    texts = {a.id: a.text, b.id: b.text}
    matches = compare(a, b)
    assert matches, "a shared passage of 20+ words must be found"
    for m in matches:
        a_text, b_text = texts[m.a.doc_id][m.a.start : m.a.end], texts[m.b.doc_id][m.b.start : m.b.end]
        assert a_text.strip()
        assert b_text.strip()
        assert passage_similarity(a_text, b_text) == pytest.approx(m.similarity)
    assert any(passage in texts[m.a.doc_id][m.a.start : m.a.end] for m in matches)


@settings(max_examples=25, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(text=article(1, 4).filter(lambda t: len(t.split()) >= 6), others=st.lists(paragraph(), max_size=3))
def test_a_document_inserted_twice_is_a_near_duplicate_of_itself(text: str, others: list[str]) -> None:
    docs = [Document("original", text), Document("copy", text)]
    docs += [Document(f"other-{i}", t) for i, t in enumerate(others)]
    result = scan(docs)
    assert any({p.a, p.b} == {"original", "copy"} and p.jaccard == 1.0 for p in result.duplicates)


@settings(max_examples=15, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    pair=article_pairs_with_shared_passage(),
    extra=st.lists(article(1, 2), max_size=3),
    order=st.randoms(use_true_random=False),
)
def test_results_do_not_depend_on_input_order(
    pair: tuple[Document, Document, str], extra: list[str], order: st.SearchStrategy[object]
) -> None:
    a, b, _ = pair
    docs = [a, b] + [Document(f"x{i}", t) for i, t in enumerate(extra)]
    shuffled = list(docs)
    order.shuffle(shuffled)  # type: ignore[attr-defined]
    assert scan(shuffled) == scan(docs)


def test_progress_reports_each_stage_up_to_its_total() -> None:
    calls: list[tuple[str, int, int]] = []
    docs = [Document(f"d{i}", "\n\n".join(WIRE if i % 2 else OTHER)) for i in range(6)]
    scan(docs, progress=lambda stage, done, total: calls.append((stage, done, total)))
    stages = {stage for stage, _, _ in calls}
    assert stages == {"tokenize", "lsh", "align"}
    for stage in stages:
        seen = [(done, total) for s, done, total in calls if s == stage]
        assert [d for d, _ in seen] == sorted(d for d, _ in seen)
        assert seen[-1][0] == seen[-1][1]
    assert ("tokenize", 6, 6) in calls


def test_chunked_work_on_two_processes_gives_the_same_result(monkeypatch: pytest.MonkeyPatch) -> None:
    docs = list(dedup.read_documents(EXAMPLES))
    whole = scan(docs, options=ScanOptions(jobs=1))
    module = sys.modules["dedup.scan"]  # dedup.scan is the function
    monkeypatch.setattr(module, "_CHUNK_DOCUMENTS", 2)
    monkeypatch.setattr(module, "_CHUNK_GROUPS", 1)
    assert scan(docs, options=ScanOptions(jobs=2)) == whole
    assert scan(docs, options=ScanOptions(jobs=1)) == whole
    assert whole.matches


@settings(max_examples=200, deadline=None)
@given(
    values=st.lists(st.integers(0, 6), min_size=1, max_size=80),
    window=st.integers(2, 20),
    step=st.integers(1, 10),
)
def test_vectorised_repetition_check_equals_checking_each_window(
    values: list[int], window: int, step: int
) -> None:
    import numpy as np

    from dedup.prepare import informative
    from dedup.shingle import is_repetitive
    from dedup.windows import cut

    shingles = np.array(values, dtype=np.uint64)
    starts, stops = cut(len(values), window=window, step=min(step, window))
    expected = [
        not is_repetitive(shingles[a:b]) for a, b in zip(starts.tolist(), stops.tolist(), strict=True)
    ]
    assert informative(shingles, starts, stops).tolist() == expected


@pytest.mark.parametrize("between", ["", "The council met again on Tuesday.\n\n"])
def test_two_shared_paragraphs_printed_in_the_opposite_order_are_both_found(between: str) -> None:
    a = f"{MONDAY}\n\n{between}{MA_QUOTE}"
    b = f"{MA_QUOTE}\n\n{between}{MONDAY}"
    found = sorted((a[m.a.start : m.a.end], m.similarity) for m in compare(a, b))
    assert found == sorted([(MONDAY, 1.0), (MA_QUOTE, 1.0)])


def test_a_shared_paragraph_is_found_beside_a_repetitive_one_printed_in_the_opposite_order() -> None:
    # Found by hypothesis: the aligner's one in-order chain followed the repetitive paragraph
    # (then dropped as repetitive) and lost the real passage.
    passage = (
        "Council sanctions meeting envoy minister harbour tide barrier vote budget city river. "
        "Bridge school teachers union strike court judge ruling police report inquiry hospital. Doctors."
    )
    filler = " ".join(["Tuesday friday after before during while."] * 4)
    [match] = compare(f"{filler}\n\n{passage}", f"{passage}\n\n{filler}")
    assert f"{filler}\n\n{passage}"[match.a.start : match.a.end] == passage
