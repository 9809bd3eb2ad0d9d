"""Fuzzed input for every reader and the tokenizer: no crash, no hang, a clear problem, nothing lost.

Each reader gets arbitrary bytes and structured-but-broken records; the tokenizer gets
text from every script we care about. The number of examples is raised with
``HYPOTHESIS_PROFILE=fuzz`` (see ``docs/robustness.md`` for what was run and found).
"""

from __future__ import annotations

import csv
import io
import json
import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dedup import Document, scan
from dedup.cli import main
from dedup.errors import InputError, OptionsError
from dedup.normalize import tokenize
from dedup.readers import InputProblem, read_documents

settings.register_profile("fuzz", max_examples=3000, deadline=None)
EXAMPLES = 3000 if os.environ.get("HYPOTHESIS_PROFILE") == "fuzz" else 80
fuzz = settings(
    max_examples=EXAMPLES, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)

# Text from many scripts: CJK, Thai, Arabic/Hebrew (right to left), emoji with joiners,
# combining marks, BOMs, NULs, line and paragraph separators, surrogate-free.
SCRIPTS = st.sampled_from(
    [
        "北京时间周一联合国安理会召开会议",
        "東京都は月曜日に発表した",
        "สภาความมั่นคงแห่งสหประชาชาติ",
        "مجلس الأمن الدولي يجتمع اليوم",
        "מועצת הביטחון התכנסה",
        "👩‍👩‍👧 🇺🇳 ✊🏽",
        "e\u0301 a\u0308 n\u0303",
        "\ufeff",
        "\x00",
        "\u2028\u2029\r\n\r",
        "İstanbul ǅ ß ﬁ Ⅻ",
        "Monday's meeting, called for by the USA,",
        "\u202e\u2066 \u200b\u200d",
    ]
)
TEXT = st.lists(st.one_of(SCRIPTS, st.text(max_size=30)), max_size=12).map("".join)


def read(path: Path, **options: object) -> tuple[list[Document], list[InputProblem]]:
    problems: list[InputProblem] = []
    docs = list(read_documents(path, on_problem=problems.append, **options))  # type: ignore[arg-type]
    return docs, problems


def assert_well_formed(docs: list[Document], problems: list[InputProblem], path: Path) -> None:
    for doc in docs:
        assert doc.text.strip(), "an empty document must be a problem, not a document"
        assert doc.id
    for problem in problems:
        assert problem.path == str(path)
        assert problem.line is None or problem.line >= 1
        assert "\n" not in str(problem), "a problem is one line"
        assert "Traceback" not in problem.reason


@fuzz
@given(content=st.binary(max_size=2000))
def test_any_bytes_as_any_format_give_documents_or_problems(
    tmp_path_factory: pytest.TempPathFactory, content: bytes
) -> None:
    folder = tmp_path_factory.mktemp("bytes")
    for name in ("a.txt", "a.md", "a.html", "a.jsonl", "a.csv", "a.tsv"):
        path = folder / name
        path.write_bytes(content)
        docs, problems = read(path)
        assert_well_formed(docs, problems, path)
        assert docs or problems, f"{name}: nothing read and nothing said"


@fuzz
@given(lines=st.lists(st.one_of(TEXT, st.just("{"), st.just("[]"), st.just('{"id": 1}')), max_size=8))
def test_jsonl_keeps_every_valid_record_and_names_the_line_of_each_bad_one(
    tmp_path_factory: pytest.TempPathFactory, lines: list[str]
) -> None:
    good = [{"id": f"r{n}", "text": f"record {n} text"} for n in range(3)]
    rows = [json.dumps(r) for r in good] + [line.replace("\n", " ").replace("\r", " ") for line in lines]
    path = tmp_path_factory.mktemp("jsonl") / "mixed.jsonl"
    path.write_text("\n".join(rows) + "\n", encoding="utf-8", newline="")
    docs, problems = read(path)
    assert_well_formed(docs, problems, path)
    assert [d.id for d in docs[:3]] == ["r0", "r1", "r2"]  # nothing valid is lost
    assert all(p.line > 3 for p in problems if p.line is not None)  # None: a summary of repeats


@fuzz
@given(depth=st.integers(1, 100_000))
def test_deeply_nested_json_is_a_problem_not_a_crash(
    tmp_path_factory: pytest.TempPathFactory, depth: int
) -> None:
    path = tmp_path_factory.mktemp("nested") / "deep.jsonl"
    path.write_text('{"id": "ok", "text": "fine"}\n' + "[" * depth + "]" * depth + "\n", encoding="utf-8")
    docs, problems = read(path)
    assert [d.id for d in docs] == ["ok"]
    assert len(problems) == 1
    assert problems[0].line == 2


@fuzz
@given(
    records=st.lists(
        st.tuples(st.text(min_size=1, max_size=10), TEXT),
        min_size=1,
        max_size=6,
        unique_by=lambda r: r[0],
    )
)
def test_csv_with_quotes_and_embedded_newlines_reads_back_exactly(
    tmp_path_factory: pytest.TempPathFactory, records: list[tuple[str, str]]
) -> None:
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(["id", "text"])
    writer.writerows(records)
    path = tmp_path_factory.mktemp("csv") / "records.csv"
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    docs, problems = read(path)
    assert_well_formed(docs, problems, path)
    # Every record with an id and some text is read back exactly as written.
    # A blank id is no id: the record gets "path:line".
    with_text = [(i, t) for i, t in records if t.strip()]
    assert {d.id: d.text for d in docs if not d.id.startswith(f"{path}:")} == {
        i: t for i, t in with_text if i.strip()
    }
    assert sorted(d.text for d in docs) == sorted(t for _, t in with_text)
    assert len(problems) == len(records) - len(with_text)


@fuzz
@given(body=TEXT, script=TEXT)
def test_html_with_scripts_comments_and_entities_keeps_only_the_visible_text(
    tmp_path_factory: pytest.TempPathFactory, body: str, script: str
) -> None:
    visible = "The council met on Monday &amp; voted."
    html = (
        f"<html><head><script>var x = '{script}';</script><!-- {script} --></head>"
        f"<body><p>{visible}</p><p>{body.replace('<', ' ').replace('&', ' ')}</p></body></html>"
    )
    path = tmp_path_factory.mktemp("html") / "page.html"
    path.write_text(html, encoding="utf-8", errors="surrogatepass")
    docs, problems = read(path)
    assert_well_formed(docs, problems, path)
    assert len(docs) == 1
    assert "The council met on Monday & voted." in docs[0].text
    assert "var x" not in docs[0].text


@fuzz
@given(text=TEXT)
def test_token_offsets_slice_the_original_text_in_every_script(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for n in range(len(tokens)):
        start, end = tokens.char_span(n, n + 1)
        assert previous_end <= start < end <= len(text)
        assert text[start:end].strip() == text[start:end], "a token never starts or ends in white space"
        previous_end = end


@fuzz
@given(text=TEXT)
def test_a_document_in_any_script_scans_without_error(text: str) -> None:
    result = scan([Document("a", text), Document("b", text + " " + text)])
    for match in result.matches:
        assert 0 <= match.a.start < match.a.end <= len(text)


def test_a_ten_megabyte_single_line_is_read_and_scanned(tmp_path: Path) -> None:
    sentence = "The harbour council voted on Tuesday night to build a tidal barrier at the river mouth. "
    line = sentence * (10_000_000 // len(sentence))
    path = tmp_path / "huge.jsonl"
    path.write_text(json.dumps({"id": "huge", "text": line}) + "\n", encoding="utf-8")
    docs, problems = read(path)
    assert problems == []
    assert [len(d.text) for d in docs] == [len(line)]
    tokens = tokenize(docs[0].text)
    assert len(tokens) == line.count(" ")


def test_strict_stops_at_the_first_bad_line_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "bad.jsonl"
    path.write_text('{"id": "a", "text": "fine"}\n{"id": "b", "text": \n', encoding="utf-8")
    with pytest.raises(InputError, match=r"bad.jsonl:2: "):
        list(read_documents(path, strict=True))


def test_a_document_over_max_chars_is_cut_at_white_space_with_one_problem(tmp_path: Path) -> None:
    path = tmp_path / "long.jsonl"
    rows = [{"id": "short", "text": "A short story."}, {"id": "long", "text": "word " * 1000 + "tail"}]
    path.write_text("".join(json.dumps(r) + "\n" for r in rows), encoding="utf-8")
    docs, problems = read(path, max_chars=102)
    by_id = {d.id: d.text for d in docs}
    assert by_id["short"] == "A short story."
    assert by_id["long"] == ("word " * 20).rstrip()  # 99 characters: no word split
    assert rows[1]["text"].startswith(by_id["long"])  # a prefix: offsets still index the original
    assert [str(p) for p in problems] == [
        f"{path}:2: 5,004 characters, over the limit of 102: only the first 99 are compared "
        "(raise --max-document-chars to keep it all)"
    ]
    with pytest.raises(OptionsError, match="max_chars must be a positive integer"):
        read(path, max_chars=0)


def test_max_document_chars_on_the_command_line(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    text = "The harbour council voted on Tuesday night to build a tidal barrier. " * 50
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text(text, encoding="utf-8")
    code = main(["scan", str(tmp_path), "--max-document-chars", "500", "--format", "json", "-q"])
    out, err = capsys.readouterr()
    assert code == 1  # the run finished, with input problems
    assert len(err.strip().splitlines()) == 2
    assert "over the limit of 500" in err
    result = json.loads(out)
    assert [d["chars"] for d in result["documents"]] == [len(text[:500].rsplit(" ", 1)[0])] * 2
