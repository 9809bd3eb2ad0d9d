"""The example corpus behaves as examples/README.md (its answer key) says."""

import json

import pytest

import dedup
from dedup.cli import main
from tests.conftest import EXAMPLES

RECORDS = EXAMPLES.parent / "records"
WIRE = "coastal-wire-tidal-barrier.md"
LEDGER = "harbour-ledger-tidal-barrier.md"
ESTUARY = "estuary-times-barrier-vote.md"
GAZETTE = "valley-gazette-upstream-farmers.md"
COLUMN = "averley-courier-column-barrier.md"
RADIO = "merrin-radio-barrier-vote.md"
LIFEBOAT = "harbour-ledger-lifeboat-station.md"
LIFEBOAT_FIXED = "harbour-ledger-lifeboat-station-corrected.md"
MARKET = "harbour-ledger-quayside-market.md"
FROST = "inland-post-orchard-frost.md"
QUOTE = (
    "Nobody in that chamber pretends the barrier is cheap or perfect. But every winter we wait, another "
    "few hundred homes in the Lower Quay go to bed wondering whether the river will be in their kitchen "
    "by morning."
)


@pytest.fixture(scope="module")
def corpus() -> tuple[dict[str, str], dedup.ScanResult]:
    docs = list(dedup.read_documents(EXAMPLES))
    return {d.id: d.text for d in docs}, dedup.scan(docs)


def between(result: dedup.ScanResult, x: str, y: str) -> list[dedup.Match]:
    return [m for m in result.matches if {m.a.doc_id, m.b.doc_id} == {x, y}]


def test_the_lifeboat_pair_is_the_only_near_duplicate(
    corpus: tuple[dict[str, str], dedup.ScanResult],
) -> None:
    _, result = corpus
    [pair] = result.duplicates
    assert (pair.a, pair.b) == (LIFEBOAT_FIXED, LIFEBOAT)
    assert pair.jaccard == pytest.approx(0.88, abs=0.02)


def test_two_syndication_clusters_with_the_earliest_as_origin(
    corpus: tuple[dict[str, str], dedup.ScanResult],
) -> None:
    _, result = corpus
    barrier, lifeboat = result.clusters
    assert set(barrier.doc_ids) == {WIRE, LEDGER, ESTUARY, GAZETTE, COLUMN}
    assert barrier.origin == WIRE
    assert set(lifeboat.doc_ids) == {LIFEBOAT, LIFEBOAT_FIXED}
    assert lifeboat.origin == LIFEBOAT
    expected = {WIRE: 0.91, LEDGER: 0.94, ESTUARY: 0.74, GAZETTE: 0.53, COLUMN: 0.10}
    for doc_id, share in expected.items():
        assert barrier.coverage[doc_id] == pytest.approx(share, abs=0.03), doc_id


def test_independent_and_unrelated_articles_match_nothing(
    corpus: tuple[dict[str, str], dedup.ScanResult],
) -> None:
    _, result = corpus
    involved = {s.doc_id for m in result.matches for s in (m.a, m.b)}
    assert {RADIO, FROST, MARKET}.isdisjoint(involved)


def test_the_ledger_footer_is_boilerplate(corpus: tuple[dict[str, str], dedup.ScanResult]) -> None:
    _, result = corpus
    [footer] = result.boilerplate
    assert footer.text.startswith("Sign up for the Harbour Ledger morning briefing")
    assert set(footer.doc_ids) == {LEDGER, LIFEBOAT, LIFEBOAT_FIXED, MARKET}


def test_the_edited_reprint_is_one_passage(corpus: tuple[dict[str, str], dedup.ScanResult]) -> None:
    texts, result = corpus
    [match] = between(result, WIRE, LEDGER)
    wire_span = match.a if match.a.doc_id == WIRE else match.b
    wire_text = texts[WIRE][wire_span.start : wire_span.end]
    assert wire_text.startswith("The Port Averley harbour council voted 11 to 4")  # W1 minus the dateline
    assert "If the design is approved, construction would begin" in wire_text  # through W8
    assert "In a statement, Gov. Halvorsen" not in wire_text  # W9 is not in the reprint
    assert match.similarity == pytest.approx(0.96, abs=0.03)


def test_the_column_quote_is_found_in_the_wire(corpus: tuple[dict[str, str], dedup.ScanResult]) -> None:
    texts, result = corpus
    [match] = between(result, WIRE, COLUMN)
    column_span = match.a if match.a.doc_id == COLUMN else match.b
    assert QUOTE in texts[COLUMN][column_span.start : column_span.end]
    assert match.similarity == 1.0


def test_the_wrapped_reprint_gives_two_exact_passages(
    corpus: tuple[dict[str, str], dedup.ScanResult],
) -> None:
    _, result = corpus
    matches = between(result, WIRE, GAZETTE)
    assert [m.similarity for m in matches] == [1.0, 1.0]


def test_keep_boilerplate_ties_the_market_story_in() -> None:
    result = dedup.scan(dedup.read_documents(EXAMPLES), options=dedup.ScanOptions(keep_boilerplate=True))
    assert result.boilerplate == ()
    assert any(MARKET in c.doc_ids for c in result.clusters)


def test_briefs_with_field_options(capsys: pytest.CaptureFixture[str]) -> None:
    argv = ["scan", str(RECORDS / "briefs.jsonl"), "--id-field", "slug", "--text-field", "body"]
    argv += [
        "--source-field",
        "outlet",
        "--date-field",
        "date",
        "--title-field",
        "headline",
        "--format",
        "json",
    ]
    assert main(argv) == 0
    result = json.loads(capsys.readouterr().out)
    [cluster] = result["clusters"]
    assert cluster["doc_ids"] == ["cw-0311-ferry", "hl-0311-ferry"]
    assert cluster["origin"] == "cw-0311-ferry"


def test_problems_file_reads_three_documents_and_reports_six_problems(
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = RECORDS / "problems.jsonl"
    assert main(["scan", str(path), "--format", "json"]) == 1
    captured = capsys.readouterr()
    assert [d["id"] for d in json.loads(captured.out)["documents"]] == ["bad-date-1", "latin-1", "ok-1"]
    problems = captured.err.strip().splitlines()
    assert len(problems) == 6
    assert all(line.startswith(f"dedup: {path}:") for line in problems)


def test_problems_file_strict_stops_at_line_2(capsys: pytest.CaptureFixture[str]) -> None:
    path = RECORDS / "problems.jsonl"
    assert main(["scan", str(path), "--strict"]) == 1
    assert capsys.readouterr().err.startswith(f"dedup: {path}:2:")


def test_example_folder_holds_the_ten_articles_of_the_answer_key() -> None:
    assert len(list(EXAMPLES.glob("*.md"))) == 10
