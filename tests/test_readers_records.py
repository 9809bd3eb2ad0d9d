"""read_documents on record files: JSON Lines, CSV and TSV; and date parsing."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from pathlib import Path

import pytest

from dedup.model import Document
from dedup.readers import FieldMap, InputProblem, read_documents
from dedup.readers.dates import parse_date


def read(source: Path, **options: object) -> tuple[list[Document], list[InputProblem]]:
    problems: list[InputProblem] = []
    docs = list(read_documents(source, on_problem=problems.append, **options))  # type: ignore[arg-type]
    return docs, problems


def write(path: Path, content: str | bytes) -> Path:
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --- JSON Lines ---------------------------------------------------------------------------------


def test_jsonl_record_fields_and_meta(tmp_path: Path) -> None:
    line = (
        '{"id": "ap-1", "text": "Storm hits coast.", "source": "AP", "published": "2018-07-16",'
        ' "title": "Storm", "url": "https://x/1", "desk": "world", "words": 3, "tags": ["a"],'
        ' "breaking": true, "extra": null}\n'
    )
    path = write(tmp_path / "news.jsonl", line)
    docs, problems = read(path)
    assert problems == []
    assert docs == [
        Document(
            "ap-1",
            "Storm hits coast.",
            source="AP",
            published=datetime(2018, 7, 16, tzinfo=UTC),
            title="Storm",
            url="https://x/1",
            meta={"desk": "world", "words": "3"},
        )
    ]
    assert dict(docs[0].meta) == {"desk": "world", "words": "3"}


def test_jsonl_field_map_picks_other_names(tmp_path: Path) -> None:
    path = write(
        tmp_path / "n.ndjson",
        '{"guid": 7, "body": "Text", "site": "slate.com", "scrape_time": "2019-05-31"}\n',
    )
    fields = FieldMap(id="guid", text="body", source="site", published="scrape_time")
    (doc,), problems = read(path, fields=fields)
    assert problems == []
    assert (doc.id, doc.text, doc.source, doc.published) == (
        "7",
        "Text",
        "slate.com",
        datetime(2019, 5, 31, tzinfo=UTC),
    )
    assert dict(doc.meta) == {}


def test_invalid_json_line_is_reported_with_its_line_and_the_rest_is_read(tmp_path: Path) -> None:
    content = '{"id": "a", "text": "one"}\n\n{"id": "b" "text": "two"}\n{"id": "c", "text": "three"}\n'
    path = write(tmp_path / "n.jsonl", content)
    docs, problems = read(path)
    assert [d.id for d in docs] == ["a", "c"]
    assert problems == [InputProblem(str(path), 3, "invalid JSON (Expecting ',' delimiter at column 12)")]


@pytest.mark.parametrize(
    ("line", "kind"),
    [
        pytest.param('["a", "b"]', "an array", id="array-is-not-a-record"),
        pytest.param('"just text"', "a string", id="string-is-not-a-record"),
        pytest.param("42", "a number", id="number-is-not-a-record"),
    ],
)
def test_json_that_is_not_an_object_is_a_problem(tmp_path: Path, line: str, kind: str) -> None:
    path = write(tmp_path / "n.jsonl", line + '\n{"text": "kept"}\n')
    docs, problems = read(path)
    assert [d.text for d in docs] == ["kept"]
    assert [(p.line, p.reason.split(";")[0]) for p in problems] == [(1, f"not a JSON object but {kind}")]


def test_missing_text_field_is_reported_once_then_summed_up(tmp_path: Path) -> None:
    lines = [f'{{"id": "{i}", "title": "t", "text": "x"}}' for i in range(5)]
    lines.insert(2, '{"id": "ok", "body": "has body"}')
    path = write(tmp_path / "n.jsonl", "\n".join(lines) + "\n")
    docs, problems = read(path, fields=FieldMap(text="body"))
    assert [d.id for d in docs] == ["ok"]
    assert problems == [
        InputProblem(str(path), 1, 'no field "body" (fields seen: id, text, title); use --text-field'),
        InputProblem(str(path), None, '4 more records without field "body"'),
    ]


def test_text_that_is_not_a_string_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", '{"text": ["a", "b"]}\n{"text": null}\n')
    docs, problems = read(path)
    assert docs == []
    assert [str(p) for p in problems] == [
        f'{path}:1: field "text" is an array, not a string; skipped',
        f'{path}: 1 more record with field "text" not a string',
    ]


def test_empty_text_is_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", '{"id": "a", "text": "  \\n "}\n')
    docs, problems = read(path)
    assert docs == []
    assert problems == [InputProblem(str(path), 1, "empty text, skipped")]


def test_record_without_id_gets_path_and_line(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "n.jsonl", '{"text": "one"}\n\n{"id": "", "text": "two"}\n{"id": 12, "text": "three"}\n')
    docs, _ = read(Path("n.jsonl"))
    assert [d.id for d in docs] == ["n.jsonl:1", "n.jsonl:3", "12"]


def test_metadata_of_the_wrong_type_is_reported_once_and_ignored(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", '{"text": "a", "title": ["x"]}\n{"text": "b", "title": {"y": 1}}\n')
    docs, problems = read(path)
    assert [d.title for d in docs] == [None, None]
    assert [str(p) for p in problems] == [
        f'{path}:1: field "title" is an array, not a string; ignored',
        f'{path}: 1 more record with field "title" not a string',
    ]


def test_unparseable_dates_keep_records_and_are_summed_up(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", "".join('{"text": "t", "published": "yesterday"}\n' for _ in range(3)))
    docs, problems = read(path)
    assert [d.published for d in docs] == [None, None, None]
    assert [str(p) for p in problems] == [
        f'{path}:1: unparseable date "yesterday" in field "published"; kept without a date',
        f'{path}: 2 more unparseable dates in field "published"; kept without a date',
    ]


def test_jsonl_line_not_valid_utf8_is_read_as_latin1_and_its_neighbours_as_utf8(tmp_path: Path) -> None:
    good = '{"text": "Café one"}\n'.encode()
    bad = '{"text": "Café two"}\n'.encode("latin-1")
    path = write(tmp_path / "n.jsonl", b"\xef\xbb\xbf" + good + bad + good)
    docs, problems = read(path)
    assert [d.text for d in docs] == ["Café one", "Café two", "Café one"]
    offset = 3 + len(good) + bad.index(b"\xe9")
    assert problems == [
        InputProblem(str(path), 2, f"not valid UTF-8 (byte 0xE9 at offset {offset}); read as Latin-1"),
    ]


def test_jsonl_in_utf16(tmp_path: Path) -> None:
    path = write(tmp_path / "n.jsonl", '{"text": "Ünïcode"}\n{"text": "two"}\n'.encode("utf-16"))
    docs, problems = read(path, encoding="utf-16")
    assert [d.text for d in docs] == ["Ünïcode", "two"]
    assert problems == []


# --- CSV and TSV --------------------------------------------------------------------------------


def test_csv_quoted_newlines_and_quotes_keep_physical_line_numbers(tmp_path: Path) -> None:
    content = (
        "id,text,source\r\n"
        'a,"He said ""stop""\r\nand left.",AP\r\n'
        "\r\n"
        'b,"Line one\nline two\nline three",Reuters\r\n'
        ',"No id here",X\r\n'
    )
    path = write(tmp_path / "t.csv", content)
    docs, problems = read(path)
    assert problems == []
    assert [(d.id, d.text, d.source) for d in docs] == [
        ("a", 'He said "stop"\r\nand left.', "AP"),
        ("b", "Line one\nline two\nline three", "Reuters"),
        (f"{path.as_posix()}:8", "No id here", "X"),
    ]


def test_csv_row_with_extra_fields_is_a_problem_at_its_line(tmp_path: Path) -> None:
    content = 'id,text,source,published\na,"two\nlines",AP,2018-07-16\nb,text,AP,2018-07-16,extra\nc,ok,,\n'
    path = write(tmp_path / "t.csv", content)
    docs, problems = read(path)
    assert [d.id for d in docs] == ["a", "c"]
    assert docs[1].source is None
    assert docs[1].published is None
    assert problems == [InputProblem(str(path), 4, "row has 5 fields, header has 4")]


def test_csv_without_the_text_column_is_one_problem_and_skipped(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "id,body\na,text\nb,text\n")
    docs, problems = read(path)
    assert docs == []
    assert problems == [
        InputProblem(str(path), None, 'no column "text" (columns: id, body); use --text-field')
    ]


def test_csv_other_columns_go_to_meta(tmp_path: Path) -> None:
    path = write(
        tmp_path / "t.csv", "id,publisher,scrape_time,text\n604,slate.com,2019-05-31T17:45:53-04:00,Body\n"
    )
    (doc,), problems = read(path, fields=FieldMap(source="publisher", published="scrape_time"))
    assert problems == []
    assert doc.source == "slate.com"
    assert doc.published == datetime(2019, 5, 31, 17, 45, 53, tzinfo=timezone(timedelta(hours=-4)))
    assert dict(doc.meta) == {}
    (plain,), _ = read(path)
    assert dict(plain.meta) == {"publisher": "slate.com", "scrape_time": "2019-05-31T17:45:53-04:00"}


def test_csv_unclosed_quote_is_a_problem_and_stops_the_file(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", 'id,text\na,fine\nb,"never closed\nc,lost\n')
    docs, problems = read(path)
    assert [d.id for d in docs] == ["a"]
    assert problems == [
        InputProblem(str(path), 3, "malformed CSV (unexpected end of data); rest of file skipped")
    ]


def test_csv_not_valid_utf8_is_read_as_latin1_with_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "id,text\na,Café\nb,Crème\n".encode("latin-1"))
    docs, problems = read(path)
    assert [d.text for d in docs] == ["Café", "Crème"]
    assert problems == [
        InputProblem(str(path), 2, "not valid UTF-8 (byte 0xE9 at offset 13); read as Latin-1")
    ]


def test_csv_with_bom_and_a_field_longer_than_the_csv_default_limit(tmp_path: Path) -> None:
    long_text = "word " * 60_000
    path = write(tmp_path / "t.csv", f'\ufeffid,text\nlong,"{long_text}"\n')
    docs, problems = read(path)
    assert problems == []
    assert [(d.id, len(d.text)) for d in docs] == [("long", len(long_text))]


def test_empty_csv_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "t.csv", "")
    docs, problems = read(path)
    assert docs == []
    assert [p.reason for p in problems] == ["empty file, no header row; skipped"]


def test_tsv_reads_tabs_and_keeps_quote_characters_as_text(tmp_path: Path) -> None:
    content = 'id\ttext\tsource\n1\t"The witness," he said.\tAP\n2\tSecond, with a comma\tAP\n'
    path = write(tmp_path / "t.tsv", content)
    docs, problems = read(path)
    assert problems == []
    assert [(d.id, d.text) for d in docs] == [("1", '"The witness," he said.'), ("2", "Second, with a comma")]


def test_tsv_row_with_too_few_fields_is_a_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "t.tsv", "id\ttext\tsource\n1\tonly two\n")
    docs, problems = read(path)
    assert docs == []
    assert problems == [InputProblem(str(path), 2, "row has 2 fields, header has 3")]


# --- dates --------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        pytest.param("2018-07-16", datetime(2018, 7, 16), id="iso-date-only-is-midnight"),
        pytest.param("2018-07-16 10:30:00", datetime(2018, 7, 16, 10, 30), id="iso-with-space-separator"),
        pytest.param("2018-07-16T10:30:00Z", datetime(2018, 7, 16, 10, 30, tzinfo=UTC), id="iso-z-is-utc"),
        pytest.param(
            "2018-07-16T10:30:00+02:00",
            datetime(2018, 7, 16, 10, 30, tzinfo=timezone(timedelta(hours=2))),
            id="iso-offset-is-kept",
        ),
        pytest.param(
            "Mon, 16 Jul 2018 10:30:00 +0000",
            datetime(2018, 7, 16, 10, 30, tzinfo=UTC),
            id="rfc2822-as-in-usenet-date-headers",
        ),
        pytest.param(
            "16 Jul 2018 10:30:00 -0500",
            datetime(2018, 7, 16, 10, 30, tzinfo=timezone(timedelta(hours=-5))),
            id="rfc2822-without-weekday",
        ),
        pytest.param("  2018-07-16  ", datetime(2018, 7, 16), id="surrounding-whitespace-is-ignored"),
        pytest.param("yesterday", None, id="words-are-not-dates"),
        pytest.param("16/07/2018", None, id="ambiguous-day-month-order-is-not-guessed"),
        pytest.param("", None, id="empty-is-no-date"),
    ],
)
def test_parse_date(value: str, expected: datetime | None) -> None:
    assert parse_date(value) == expected


@pytest.mark.parametrize(("name", "content"), [("t.tsv", "text"), ("t.csv", "id,text\n\n\n")])
def test_a_header_without_rows_is_a_problem_not_silence(tmp_path: Path, name: str, content: str) -> None:
    # Found by atheris: a TSV holding only the word "text" gave no document and no message.
    path = write(tmp_path / name, content)
    docs, problems = read(path)
    assert docs == []
    kind = name[-3:].upper()
    assert [(p.line, p.reason) for p in problems] == [
        (None, f"no rows after the header ({kind}); nothing to read")
    ]


def test_a_problem_quoting_a_column_name_with_a_line_break_stays_one_line(tmp_path: Path) -> None:
    # Found by atheris: the header of '"\n"' is one column named "\n", quoted in the message.
    path = write(tmp_path / "t.csv", '"\n"\n')
    docs, problems = read(path)
    assert docs == []
    assert [str(p) for p in problems] == [f'{path}: no column "text" (columns: \\n); use --text-field']
