"""Renderers: exact JSON, a lossless round trip, JSONL records, CSV rows and the terminal table."""

from __future__ import annotations

import csv
import dataclasses
import io
import json
from collections.abc import Callable
from datetime import UTC, datetime, timedelta, timezone
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

import dedup.report
from dedup.errors import OptionsError
from dedup.model import (
    DocumentCluster,
    DocumentInfo,
    DuplicatePair,
    Match,
    PassageCluster,
    ScanResult,
    ScanStats,
    Span,
)
from dedup.report import FORMATS, SCHEMA_VERSION, from_dict, render, to_dict
from dedup.report.serialize import dump_json, dump_jsonl
from dedup.report.spreadsheet import COLUMNS, dump_csv
from dedup.report.terminal import dump_table

QUOTE = 'Council said, "we [bold]will[/bold] vote"\non Monday.'
FOOTER = "Sign up for our newsletter."

RESULT = ScanResult(
    documents=(
        DocumentInfo(
            "paper-2",
            chars=200,
            words=35,
            source="Daily Paper",
            published=datetime(2024, 3, 1, 12, 30, tzinfo=UTC),
        ),
        DocumentInfo("paper-3", chars=90, words=15, source="Daily Paper"),
        DocumentInfo(
            "wire-1",
            chars=120,
            words=20,
            source="Wire",
            published=datetime(2024, 3, 1, 8, 0, tzinfo=timezone(timedelta(hours=1))),
            title="Council votes",
            url="https://wire.example/1",
        ),
    ),
    duplicates=(DuplicatePair("paper-2", "wire-1", 0.875, 0.859375),),
    matches=(
        Match(Span("paper-2", 10, 60), Span("wire-1", 0, 50), 0.96),
        Match(Span("paper-2", 150, 180), Span("paper-3", 40, 70), 1.0),
    ),
    passages=(
        PassageCluster((Span("paper-2", 10, 60), Span("wire-1", 0, 50)), QUOTE, Span("wire-1", 0, 50)),
    ),
    clusters=(DocumentCluster(("paper-2", "wire-1"), {"paper-2": 0.25, "wire-1": 0.416667}, "wire-1", (0,)),),
    boilerplate=(PassageCluster((Span("paper-2", 150, 180), Span("paper-3", 40, 70)), FOOTER),),
    stats=ScanStats(3, 0, 400, 1, 12, 2, 0),
)

EXPECTED: dict[str, Any] = {
    "schema_version": 1,
    "tool": "dedup",
    "documents": [
        {
            "id": "paper-2",
            "chars": 200,
            "words": 35,
            "source": "Daily Paper",
            "published": "2024-03-01T12:30:00+00:00",
            "title": None,
            "url": None,
        },
        {
            "id": "paper-3",
            "chars": 90,
            "words": 15,
            "source": "Daily Paper",
            "published": None,
            "title": None,
            "url": None,
        },
        {
            "id": "wire-1",
            "chars": 120,
            "words": 20,
            "source": "Wire",
            "published": "2024-03-01T08:00:00+01:00",
            "title": "Council votes",
            "url": "https://wire.example/1",
        },
    ],
    "duplicates": [{"a": "paper-2", "b": "wire-1", "jaccard": 0.875, "estimate": 0.859375}],
    "matches": [
        {
            "a": {"doc_id": "paper-2", "start": 10, "end": 60},
            "b": {"doc_id": "wire-1", "start": 0, "end": 50},
            "similarity": 0.96,
        },
        {
            "a": {"doc_id": "paper-2", "start": 150, "end": 180},
            "b": {"doc_id": "paper-3", "start": 40, "end": 70},
            "similarity": 1.0,
        },
    ],
    "passages": [
        {
            "id": 0,
            "text": QUOTE,
            "spans": [
                {"doc_id": "paper-2", "start": 10, "end": 60},
                {"doc_id": "wire-1", "start": 0, "end": 50},
            ],
            "origin": {"doc_id": "wire-1", "start": 0, "end": 50},
            "documents": 2,
        }
    ],
    "clusters": [
        {
            "doc_ids": ["paper-2", "wire-1"],
            "coverage": {"paper-2": 0.25, "wire-1": 0.416667},
            "origin": "wire-1",
            "passages": [0],
        }
    ],
    "boilerplate": [
        {
            "id": 0,
            "text": FOOTER,
            "spans": [
                {"doc_id": "paper-2", "start": 150, "end": 180},
                {"doc_id": "paper-3", "start": 40, "end": 70},
            ],
            "origin": None,
            "documents": 2,
        }
    ],
    "stats": {
        "documents": 3,
        "empty_documents": 0,
        "shingles": 400,
        "duplicate_candidates": 1,
        "window_candidates": 12,
        "regions_aligned": 2,
        "capped_buckets": 0,
        "capped_documents": 0,
    },
}


def _dump(dumper: Callable[..., None], result: ScanResult = RESULT, **kwargs: Any) -> str:
    out = io.StringIO()
    dumper(result, out, **kwargs)
    return out.getvalue()


def _with_passage_text(text: str) -> ScanResult:
    passage = dataclasses.replace(RESULT.passages[0], text=text)
    return dataclasses.replace(RESULT, passages=(passage,))


# --- JSON -------------------------------------------------------------------------------


def test_json_has_schema_version_and_exactly_the_expected_fields_and_values() -> None:
    data = json.loads(_dump(dump_json))
    assert data["schema_version"] == SCHEMA_VERSION == 1
    assert data == EXPECTED


def test_json_keys_are_sorted_indented_and_end_in_a_newline() -> None:
    text = _dump(dump_json)
    assert text == json.dumps(EXPECTED, sort_keys=True, indent=2, ensure_ascii=False) + "\n"


def test_json_keeps_non_ascii_text_readable() -> None:
    text = _dump(dump_json, _with_passage_text("Ministerin sagte: „Wir prüfen das.“"))
    assert "„Wir prüfen das.“" in text


@pytest.mark.parametrize(
    ("value", "written"),
    [
        pytest.param(0.123456789, 0.123457, id="rounds-half-up-at-the-sixth-decimal"),
        pytest.param(0.1234564, 0.123456, id="drops-digits-past-the-sixth-decimal"),
        pytest.param(1 / 3, 0.333333, id="repeating-fraction-is-cut-to-six-decimals"),
        pytest.param(1.0, 1.0, id="one-stays-one"),
    ],
)
def test_similarity_jaccard_and_coverage_are_rounded_to_six_decimals(value: float, written: float) -> None:
    result = dataclasses.replace(
        RESULT,
        duplicates=(DuplicatePair("paper-2", "wire-1", value, value),),
        matches=(Match(Span("paper-2", 10, 60), Span("wire-1", 0, 50), value),),
        clusters=(DocumentCluster(("paper-2", "wire-1"), {"paper-2": value}, None, (0,)),),
    )
    data = json.loads(_dump(dump_json, result))
    assert data["duplicates"][0]["jaccard"] == data["duplicates"][0]["estimate"] == written
    assert data["matches"][0]["similarity"] == written
    assert data["clusters"][0]["coverage"] == {"paper-2": written}


def test_round_trip_gives_back_an_equal_result() -> None:
    assert from_dict(to_dict(RESULT)) == RESULT


def test_round_trip_through_json_text_gives_back_an_equal_result() -> None:
    assert from_dict(json.loads(_dump(dump_json))) == RESULT


def test_dumping_twice_gives_identical_bytes() -> None:
    assert _dump(dump_json).encode() == _dump(dump_json).encode()


def test_equal_results_built_in_another_order_give_identical_bytes() -> None:
    reordered = dataclasses.replace(
        RESULT,
        clusters=(
            DocumentCluster(("paper-2", "wire-1"), {"wire-1": 0.416667, "paper-2": 0.25}, "wire-1", (0,)),
        ),
    )
    assert reordered == RESULT
    assert _dump(dump_json, reordered) == _dump(dump_json)


def test_empty_origin_span_is_written_as_a_span_not_as_null() -> None:
    # Span defines __len__, so a zero-length origin is falsy; it must still be kept.
    passage = PassageCluster((Span("wire-1", 5, 5),), "", Span("wire-1", 5, 5))
    result = dataclasses.replace(RESULT, passages=(passage,))
    assert to_dict(result)["passages"][0]["origin"] == {"doc_id": "wire-1", "start": 5, "end": 5}
    assert from_dict(to_dict(result)) == result


def test_from_dict_ignores_fields_added_by_a_compatible_change() -> None:
    data = to_dict(RESULT)
    data["generated_by"] = "dedup 9.9"
    data["stats"] = {**data["stats"], "seconds": 1.5}
    data["documents"][0]["language"] = "en"
    assert from_dict(data) == RESULT


@pytest.mark.parametrize(
    "version",
    [
        pytest.param(2, id="newer-schema-is-refused"),
        pytest.param(None, id="missing-schema-version-is-refused"),
    ],
)
def test_from_dict_refuses_schema_versions_it_cannot_read(version: int | None) -> None:
    data = {**to_dict(RESULT), "schema_version": version}
    with pytest.raises(ValueError, match="schema_version"):
        from_dict(data)


# --- JSONL ------------------------------------------------------------------------------


def test_jsonl_starts_with_a_summary_then_records_in_a_fixed_order() -> None:
    records = [json.loads(line) for line in _dump(dump_jsonl).splitlines()]
    assert [r["type"] for r in records] == [
        "summary",
        "document",
        "document",
        "document",
        "duplicate",
        "match",
        "match",
        "passage",
        "cluster",
        "boilerplate",
    ]
    assert records[0] == {"type": "summary", "schema_version": 1, "tool": "dedup", "stats": EXPECTED["stats"]}


def test_jsonl_records_are_the_json_records_plus_their_type() -> None:
    records = [json.loads(line) for line in _dump(dump_jsonl).splitlines()]
    by_type: dict[str, list[dict[str, Any]]] = {}
    for record in records[1:]:
        by_type.setdefault(record.pop("type"), []).append(record)
    assert by_type["document"] == EXPECTED["documents"]
    assert by_type["match"] == EXPECTED["matches"]
    assert by_type["passage"] == EXPECTED["passages"]
    assert by_type["cluster"] == EXPECTED["clusters"]


def test_jsonl_lines_are_compact_with_sorted_keys() -> None:
    first = _dump(dump_jsonl).splitlines()[0]
    assert first.startswith('{"schema_version":1,"stats":{')
    assert ", " not in first
    assert ": " not in first


@pytest.mark.parametrize(
    "separator",
    [
        pytest.param("\n", id="newline-in-text"),
        pytest.param("\u2028", id="unicode-line-separator-in-text"),
        pytest.param("\u2029", id="unicode-paragraph-separator-in-text"),
        pytest.param("\x85", id="latin1-next-line-in-text"),
    ],
)
def test_jsonl_record_stays_on_one_line_whatever_breaks_its_text(separator: str) -> None:
    text = f"first line{separator}second line"
    lines = _dump(dump_jsonl, _with_passage_text(text)).splitlines()
    assert len(lines) == 10
    passage = json.loads(lines[7])
    assert passage["type"] == "passage"
    assert passage["text"] == text


# --- CSV --------------------------------------------------------------------------------


def _rows(result: ScanResult = RESULT) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(_dump(dump_csv, result), newline="")))


def test_csv_has_the_documented_header_and_one_row_per_match() -> None:
    text = _dump(dump_csv)
    assert text.splitlines()[0] == (
        "a_id,a_source,a_start,a_end,b_id,b_source,b_start,b_end,similarity,words,excerpt"
    )
    assert tuple(csv.DictReader(io.StringIO(text)).fieldnames or ()) == COLUMNS
    assert len(_rows()) == len(RESULT.matches)


def test_csv_rows_carry_ids_sources_spans_and_similarity() -> None:
    first, second = _rows()
    assert first == {
        "a_id": "paper-2",
        "a_source": "Daily Paper",
        "a_start": "10",
        "a_end": "60",
        "b_id": "wire-1",
        "b_source": "Wire",
        "b_start": "0",
        "b_end": "50",
        "similarity": "0.960000",
        "words": "7",
        "excerpt": QUOTE,
    }
    assert (second["a_id"], second["a_start"], second["b_id"], second["b_end"]) == (
        "paper-2",
        "150",
        "paper-3",
        "70",
    )


def test_csv_excerpt_with_comma_quote_and_newline_reads_back_exactly() -> None:
    first, _ = _rows()
    assert first["excerpt"] == QUOTE
    assert first["words"] == str(len(QUOTE.split())) == "7"
    assert '""we [bold]will[/bold] vote""' in _dump(dump_csv)


@pytest.mark.parametrize(
    "text",
    [
        pytest.param("said\ron Monday", id="lone-carriage-return-is-quoted-not-a-row-break"),
        pytest.param("said\r\non Monday", id="windows-line-break-in-text-survives"),
        pytest.param('"Quoted," she said', id="leading-quote-and-comma-survive"),
        pytest.param("tab\tand ; semicolon", id="tab-and-semicolon-survive"),
    ],
)
def test_csv_excerpt_reads_back_exactly_whatever_characters_it_holds(text: str) -> None:
    rows = _rows(_with_passage_text(text))
    assert len(rows) == len(RESULT.matches)
    assert rows[0]["excerpt"] == text


def test_csv_rows_end_in_crlf_as_rfc_4180_asks() -> None:
    assert _dump(dump_csv).endswith("\r\n")


def test_csv_excerpt_of_a_boilerplate_match_is_the_boilerplate_text() -> None:
    _, second = _rows()
    assert (second["excerpt"], second["words"]) == (FOOTER, "5")


def test_csv_excerpt_is_empty_when_no_passage_holds_the_match() -> None:
    result = dataclasses.replace(RESULT, passages=(), boilerplate=())
    assert [(row["excerpt"], row["words"]) for row in _rows(result)] == [("", ""), ("", "")]


def test_csv_excerpt_prefers_a_reused_passage_over_boilerplate_holding_the_same_span() -> None:
    footer = PassageCluster((Span("paper-2", 0, 20),), FOOTER)
    result = dataclasses.replace(RESULT, boilerplate=(footer, *RESULT.boilerplate))
    assert _rows(result)[0]["excerpt"] == QUOTE


@pytest.mark.parametrize(
    ("text", "excerpt"),
    [
        pytest.param("x" * 200, "x" * 200, id="passage-of-exactly-200-chars-is-kept-whole"),
        pytest.param("x" * 201, "x" * 199 + "…", id="longer-passage-is-cut-to-200-chars-ending-in-ellipsis"),
    ],
)
def test_csv_excerpt_is_at_most_200_characters(text: str, excerpt: str) -> None:
    row = _rows(_with_passage_text(text))[0]
    assert row["excerpt"] == excerpt
    assert len(row["excerpt"]) <= 200


def test_csv_words_count_the_whole_passage_not_the_excerpt() -> None:
    text = " ".join(["word"] * 100)
    assert _rows(_with_passage_text(text))[0]["words"] == "100"


@pytest.mark.parametrize(
    "start",
    [
        pytest.param("=", id="equals-starts-a-formula"),
        pytest.param("+", id="plus-starts-a-formula"),
        pytest.param("-", id="minus-starts-a-formula"),
        pytest.param("@", id="at-starts-a-formula-in-excel"),
        pytest.param("\t", id="leading-tab"),
        pytest.param("\r", id="leading-carriage-return"),
    ],
)
def test_csv_text_cells_a_spreadsheet_would_run_get_a_leading_apostrophe(start: str) -> None:
    payload = start + 'HYPERLINK("http://evil.example", "click")'
    documents = tuple(
        dataclasses.replace(d, source=payload) if d.id == "wire-1" else d for d in RESULT.documents
    )
    first = _rows(dataclasses.replace(_with_passage_text(payload), documents=documents))[0]
    assert first["excerpt"] == "'" + payload
    assert first["b_source"] == "'" + payload
    assert first["a_source"] == "Daily Paper"  # ordinary text is left alone


def test_csv_ids_that_look_like_formulas_are_neutralised_but_numbers_are_not() -> None:
    match = Match(Span("=1+1", 0, 50), Span("paper-2", 10, 60), 0.96)
    result = dataclasses.replace(RESULT, matches=(match,), passages=(), boilerplate=())
    (row,) = _rows(result)
    assert (row["a_id"], row["b_id"]) == ("'=1+1", "paper-2")
    assert (row["a_start"], row["similarity"]) == ("0", "0.960000")


@given(st.text(max_size=40))
def test_csv_neutralising_changes_only_formula_starts_and_only_by_one_apostrophe(text: str) -> None:
    from dedup.report.spreadsheet import FORMULA_STARTS, neutralise

    safe = neutralise(text)
    if text[:1] in FORMULA_STARTS and text:
        assert safe == "'" + text
    else:
        assert safe == text
    assert not safe.startswith(FORMULA_STARTS)


# --- terminal table ---------------------------------------------------------------------


def test_table_headline_counts_every_kind_of_finding() -> None:
    headline = _dump(dump_table).splitlines()[0]
    assert headline == (
        "3 documents · 1 near-duplicate pair · 1 reused passage · "
        "1 syndication cluster · 1 boilerplate passage"
    )


def test_table_shows_ids_jaccard_coverage_origin_and_excerpts() -> None:
    text = _dump(dump_table)
    for expected in (
        "paper-2",
        "wire-1",
        "Daily Paper",
        "2024-03-01",
        "0.88",  # Jaccard 0.875
        "25%",
        "42%",  # coverage 0.416667
        "wire-1 · Wire · 2024-03-01 ★",  # the likely origin is marked
        FOOTER,
    ):
        assert expected in text, expected


def test_table_prints_markup_in_article_text_literally() -> None:
    text = _dump(dump_table)
    assert 'Council said, "we [bold]will[/bold] vote" on Monday.' in text


def test_table_prints_markup_in_ids_and_sources_literally() -> None:
    result = dataclasses.replace(
        RESULT,
        documents=(DocumentInfo("[red]x[/red]", 1, 1, source="[link=http://e.test]s[/link]"),),
        duplicates=(DuplicatePair("[red]x[/red]", "wire-1", 0.9, 0.9),),
    )
    text = _dump(dump_table, result)
    assert "[red]x[/red] · [link=http://e.test]s[/link]" in text


def test_table_drops_terminal_control_sequences_from_article_text() -> None:
    text = _dump(dump_table, _with_passage_text("\x1b]0;pwned\x07\x1b[31mCouncil\u202e said"))
    assert "\x1b" not in text
    assert "\u202e" not in text
    assert "]0;pwned[31mCouncil said" in text


def test_table_is_plain_text_at_100_columns_when_not_a_terminal() -> None:
    text = _dump(dump_table)
    assert "\x1b[" not in text
    assert max(len(line) for line in text.splitlines()[1:]) <= 100


def test_table_width_can_be_chosen() -> None:
    lines = _dump(dump_table, width=60).splitlines()[1:]
    assert max(len(line) for line in lines) <= 60


def test_table_cuts_long_passages_to_an_80_character_excerpt() -> None:
    text = _dump(dump_table, _with_passage_text("word " * 100), width=200)
    assert ("word " * 16)[:79] + "…" in text
    assert "word " * 17 not in text


def test_table_shows_20_rows_and_says_how_many_more_there_are() -> None:
    pairs = tuple(DuplicatePair(f"doc-{i:02}", f"doc-{i + 1:02}", 0.9, 0.9) for i in range(25))
    text = _dump(dump_table, dataclasses.replace(RESULT, duplicates=pairs))
    assert "doc-20" in text  # the 20th pair is doc-19 and doc-20
    assert "doc-21" not in text
    assert "… and 5 more (use --format json)" in text


def test_table_says_so_when_nothing_was_reused() -> None:
    empty = dataclasses.replace(RESULT, duplicates=(), matches=(), passages=(), clusters=(), boilerplate=())
    assert "Nothing was reused between the documents." in _dump(dump_table, empty)


# --- render -----------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("fmt", "dumper"),
    [
        pytest.param("table", dump_table, id="table-is-the-rich-summary"),
        pytest.param("json", dump_json, id="json-is-the-full-schema"),
        pytest.param("jsonl", dump_jsonl, id="jsonl-is-one-record-per-line"),
        pytest.param("csv", dump_csv, id="csv-is-one-row-per-match"),
    ],
)
def test_render_writes_the_format_it_is_asked_for(fmt: str, dumper: Callable[..., None]) -> None:
    out = io.StringIO()
    render(RESULT, fmt, out)
    assert out.getvalue() == _dump(dumper)


def test_render_lists_every_format_it_accepts() -> None:
    assert FORMATS == ("table", "json", "jsonl", "csv")


@pytest.mark.parametrize(
    "fmt",
    [
        pytest.param("xml", id="unknown-format"),
        pytest.param("JSON", id="format-names-are-case-sensitive"),
        pytest.param("", id="empty-format"),
    ],
)
def test_render_refuses_an_unknown_format_with_a_usage_error(fmt: str) -> None:
    with pytest.raises(OptionsError, match="table, json, jsonl, csv"):
        render(RESULT, fmt, io.StringIO())


def test_report_all_is_sorted_and_lists_the_public_names() -> None:
    assert dedup.report.__all__ == sorted(dedup.report.__all__)
    assert set(dedup.report.__all__) == {"FORMATS", "SCHEMA_VERSION", "from_dict", "render", "to_dict"}


# --- properties -------------------------------------------------------------------------

_ids = st.text(min_size=1, max_size=6)
_texts = st.text(max_size=40)
_shares = st.floats(min_value=0, max_value=1).map(lambda x: round(x, 6))
_counts = st.integers(min_value=0, max_value=10**9)
_offsets = st.integers(min_value=0, max_value=10**7)
# Fixed offsets, as ISO 8601 writes them; naive datetimes too, which DocumentInfo allows.
_offsets_from_utc = st.integers(min_value=-23 * 60, max_value=23 * 60).map(
    lambda minutes: timezone(timedelta(minutes=minutes))
)
_first, _last = datetime(1900, 1, 1), datetime(2100, 1, 1)
_dates = (
    st.none()
    | st.datetimes(_first, _last)
    | st.datetimes(_first, _last, timezones=_offsets_from_utc)
    | st.datetimes(_first, _last, timezones=st.just(UTC))
)
_spans = st.builds(
    lambda doc_id, start, length: Span(doc_id, start, start + length), _ids, _offsets, _offsets
)
_documents = st.builds(
    DocumentInfo,
    id=_ids,
    chars=_counts,
    words=_counts,
    source=st.none() | _texts,
    published=_dates,
    title=st.none() | _texts,
    url=st.none() | _texts,
)
_passages = st.builds(
    PassageCluster,
    spans=st.lists(_spans, max_size=4).map(tuple),
    text=_texts,
    origin=st.none() | _spans,
)


@st.composite
def _document_clusters(draw: st.DrawFn) -> DocumentCluster:
    doc_ids = draw(st.lists(_ids, unique=True, max_size=4))
    return DocumentCluster(
        doc_ids=tuple(doc_ids),
        coverage={doc_id: draw(_shares) for doc_id in doc_ids},
        origin=draw(st.none() | st.sampled_from(doc_ids)) if doc_ids else None,
        passages=tuple(draw(st.lists(st.integers(min_value=0, max_value=50), max_size=4))),
    )


_results = st.builds(
    ScanResult,
    documents=st.lists(_documents, max_size=3).map(tuple),
    duplicates=st.lists(st.builds(DuplicatePair, _ids, _ids, _shares, _shares), max_size=3).map(tuple),
    matches=st.lists(st.builds(Match, _spans, _spans, _shares), max_size=3).map(tuple),
    passages=st.lists(_passages, max_size=3).map(tuple),
    clusters=st.lists(_document_clusters(), max_size=2).map(tuple),
    boilerplate=st.lists(_passages, max_size=2).map(tuple),
    stats=st.builds(ScanStats, *[_counts] * 7),
)


@given(result=_results)
def test_any_rounded_result_survives_a_round_trip_through_json_text(result: ScanResult) -> None:
    text = _dump(dump_json, result)
    assert from_dict(json.loads(text)) == result
    assert _dump(dump_json, from_dict(json.loads(text))) == text


@given(result=_results)
def test_every_format_renders_any_result(result: ScanResult) -> None:
    for fmt in FORMATS:
        render(result, fmt, io.StringIO())
    lines = _dump(dump_jsonl, result).splitlines()
    records = sum(len(v) for k, v in to_dict(result).items() if isinstance(v, list))
    assert len(lines) == 1 + records
    assert all(isinstance(json.loads(line), dict) for line in lines)
    assert len(_rows(result)) == len(result.matches)
