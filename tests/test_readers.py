"""read_documents on text, markdown and HTML files, folders, stdin, and the problem policy."""

from __future__ import annotations

import io
import logging
from datetime import UTC, datetime
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dedup.errors import InputError, OptionsError
from dedup.model import Document
from dedup.readers import FieldMap, InputProblem, read_documents


def read(
    sources: str | Path | list[str | Path], **options: object
) -> tuple[list[Document], list[InputProblem]]:
    problems: list[InputProblem] = []
    docs = list(read_documents(sources, on_problem=problems.append, **options))  # type: ignore[arg-type]
    return docs, problems


def write(path: Path, content: str | bytes) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    if isinstance(content, bytes):
        path.write_bytes(content)
    else:
        path.write_text(content, encoding="utf-8", newline="")
    return path


# --- text files ---------------------------------------------------------------------------------


def test_named_file_id_is_the_path_as_given_and_text_is_the_file_exactly(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(tmp_path)
    text = "Storm hits coast.\r\n\r\n  Residents  told to leave.\rEnd\n"
    write(tmp_path / "wire" / "a.txt", text)
    docs, problems = read("wire/a.txt")
    assert problems == []
    assert [(d.id, d.text) for d in docs] == [("wire/a.txt", text)]


def test_path_objects_are_read_like_strings(tmp_path: Path) -> None:
    path = write(tmp_path / "a.md", "# Title\n\nBody.\n")
    docs, _ = read(path)
    assert [d.id for d in docs] == [path.as_posix()]


def test_utf8_byte_order_mark_is_dropped(tmp_path: Path) -> None:
    path = write(tmp_path / "bom.txt", "\ufeffCafé society".encode())
    docs, problems = read(path)
    assert docs[0].text == "Café society"
    assert problems == []


def test_file_that_is_not_utf8_is_read_as_latin1_with_one_problem(tmp_path: Path) -> None:
    path = write(tmp_path / "old.txt", "First line\nCafé crème\n".encode("latin-1"))
    docs, problems = read(path)
    assert [d.text for d in docs] == ["First line\nCafé crème\n"]
    assert problems == [
        InputProblem(str(path), 2, "not valid UTF-8 (byte 0xE9 at offset 14); read as Latin-1"),
    ]


def test_other_encodings_can_be_named(tmp_path: Path) -> None:
    path = write(tmp_path / "cp.txt", "“Quoted” — dash".encode("cp1252"))
    docs, problems = read(path, encoding="cp1252")
    assert [d.text for d in docs] == ["“Quoted” — dash"]
    assert problems == []


@pytest.mark.parametrize(
    "content",
    [
        pytest.param(b"", id="empty-file-is-skipped"),
        pytest.param(b" \n\t\r\n  ", id="whitespace-only-file-is-skipped"),
        pytest.param(b"---\ntitle: Nothing\n---\n\n", id="front-matter-without-body-is-skipped"),
    ],
)
def test_empty_documents_are_skipped_with_a_problem(tmp_path: Path, content: bytes) -> None:
    path = write(tmp_path / "empty.txt", content)
    docs, problems = read(path)
    assert docs == []
    assert problems == [InputProblem(str(path), None, "empty document, skipped")]


def test_unreadable_file_is_a_problem_not_a_traceback(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path / "locked.txt", "secret")

    def refuse(self: Path) -> bytes:
        raise PermissionError(13, "Permission denied", str(self))

    monkeypatch.setattr(Path, "read_bytes", refuse)
    docs, problems = read(path)
    assert docs == []
    assert problems == [InputProblem(str(path), None, "permission denied")]


# --- front matter -------------------------------------------------------------------------------


def test_front_matter_fills_fields_and_meta_and_text_starts_after_it(tmp_path: Path) -> None:
    body = "Storm hits coast.\nResidents told to leave.\n"
    content = (
        "---\n"
        "id: story-17\n"
        'title: "Storm warning: coast"\n'
        "published: 2018-07-16T10:30:00Z\n"
        "source:  Wire Service  \n"
        "url: https://example.com/storm\n"
        "desk: 'weather'\n"
        "---\n" + body
    )
    path = write(tmp_path / "story.md", content)
    docs, problems = read(path)
    assert problems == []
    (doc,) = docs
    assert doc.id == "story-17"
    assert doc.text == body
    assert doc.title == "Storm warning: coast"
    assert doc.source == "Wire Service"
    assert doc.url == "https://example.com/storm"
    assert doc.published == datetime(2018, 7, 16, 10, 30, tzinfo=UTC)
    assert dict(doc.meta) == {"desk": "weather"}
    start = doc.text.index("Residents")
    assert doc.text[start : start + 9] == "Residents"


def test_front_matter_field_names_follow_the_field_map(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "---\nheadline: Floods\ntitle: kept in meta\n---\nText.")
    docs, _ = read(path, fields=FieldMap(title="headline"))
    assert docs[0].title == "Floods"
    assert dict(docs[0].meta) == {"title": "kept in meta"}


def test_front_matter_with_crlf_lines(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "---\r\ntitle: Floods\r\n---\r\nLine one.\r\nLine two.\r\n")
    docs, _ = read(path)
    assert docs[0].title == "Floods"
    assert docs[0].text == "Line one.\r\nLine two.\r\n"


@pytest.mark.parametrize(
    "content",
    [
        pytest.param("---\ntitle: Floods\nno closing line\n", id="no-closing-line-means-no-front-matter"),
        pytest.param("---\nA paragraph after a rule.\n---\nMore.\n", id="non-key-line-means-no-front-matter"),
        pytest.param("Text first\n---\ntitle: x\n---\n", id="front-matter-only-at-the-very-start"),
    ],
)
def test_text_that_only_looks_like_front_matter_is_read_whole(tmp_path: Path, content: str) -> None:
    path = write(tmp_path / "a.txt", content)
    docs, _ = read(path)
    assert docs[0].text == content
    assert docs[0].title is None


def test_front_matter_comments_blank_lines_and_repeated_keys(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "---\n# a comment\n\ntitle: First\ntitle: Second\n---\nText.")
    (doc,), _ = read(path)
    assert (doc.title, doc.text) == ("Second", "Text.")


def test_unparseable_date_keeps_the_document_without_a_date(tmp_path: Path) -> None:
    path = write(tmp_path / "a.txt", "---\npublished: yesterday\n---\nText.")
    docs, problems = read(path)
    assert [(d.text, d.published) for d in docs] == [("Text.", None)]
    assert problems == [
        InputProblem(
            str(path), None, 'unparseable date "yesterday" in field "published"; kept without a date'
        )
    ]


# --- HTML ---------------------------------------------------------------------------------------

PAGE = """<!DOCTYPE html>
<html><head>
  <title>Storm   hits
  coast</title>
  <meta property="article:published_time" content="2018-07-16T10:30:00+02:00">
  <meta property="og:site_name" content="Coast Daily">
  <link rel="canonical" href="https://example.com/storm">
  <style>p { color: red }</style>
  <script>var tracking = "<p>not text</p>";</script>
</head>
<body>
  <noscript>Enable JavaScript</noscript>
  <h1>Storm hits coast</h1>
  <p>Residents &amp; visitors were told to   leave
     by&nbsp;noon.</p>
  <p>Roads closed<br>Schools shut</p>
  <ul><li>Item one</li><li>Item two</li></ul>
  <!-- a comment -->
</body></html>
"""


def test_html_text_drops_scripts_and_keeps_paragraphs(tmp_path: Path) -> None:
    path = write(tmp_path / "storm.html", PAGE)
    docs, problems = read(path)
    assert problems == []
    (doc,) = docs
    assert doc.text == (
        "Storm hits coast\n\n"
        "Residents & visitors were told to leave by\xa0noon.\n\n"
        "Roads closed\nSchools shut\n\n"
        "Item one\n\nItem two"
    )


def test_html_metadata_comes_from_title_canonical_link_and_meta_tags(tmp_path: Path) -> None:
    path = write(tmp_path / "storm.htm", PAGE)
    (doc,), _ = read(path)
    assert doc.title == "Storm hits coast"
    assert doc.url == "https://example.com/storm"
    assert doc.published == datetime(2018, 7, 16, 8, 30, tzinfo=UTC)
    assert doc.source == "Coast Daily"
    assert doc.id == path.as_posix()


def test_html_date_may_come_from_meta_name_date(tmp_path: Path) -> None:
    path = write(
        tmp_path / "a.html", '<meta name="date" content="Mon, 16 Jul 2018 10:30:00 +0000"><p>Text</p>'
    )
    (doc,), _ = read(path)
    assert doc.published == datetime(2018, 7, 16, 10, 30, tzinfo=UTC)
    assert doc.text == "Text"


def test_html_without_text_is_an_empty_document(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", "<html><head><title>Only a title</title></head><body> </body></html>")
    docs, problems = read(path)
    assert docs == []
    assert problems == [InputProblem(str(path), None, "empty document, skipped")]


def test_malformed_html_keeps_the_text_before_the_fault(tmp_path: Path) -> None:
    path = write(tmp_path / "a.html", "<p>Kept text</p><![bogus section")
    docs, problems = read(path)
    assert [d.text for d in docs] == ["Kept text"]
    assert [p.reason.split(" (")[0] for p in problems] == ["malformed HTML"]


def test_html_tables_and_preformatted_text(tmp_path: Path) -> None:
    markup = (
        "<table><tr><td>Name</td><td>Votes</td></tr><tr><td>Ana</td><td>12</td></tr></table>"
        "<pre>a  b\n  c</pre>"
    )
    path = write(tmp_path / "a.html", markup)
    (doc,), _ = read(path)
    assert doc.text == "Name Votes\nAna 12\n\na  b\n  c"


# --- folders ------------------------------------------------------------------------------------


def test_folder_is_read_in_sorted_relative_path_order_with_relative_ids(tmp_path: Path) -> None:
    root = tmp_path / "corpus"
    for name in ["wire/c.html", "b.txt", "a/b.txt", "a.txt", "a.md", "000_30928d8bd49eee75.txt"]:
        write(root / name, f"<p>Text of {name}</p>" if name.endswith(".html") else f"Text of {name}")
    docs, problems = read(root)
    assert problems == []
    ids = ["000_30928d8bd49eee75.txt", "a.md", "a.txt", "a/b.txt", "b.txt", "wire/c.html"]
    assert [d.id for d in docs] == ids
    assert [d.text for d in docs] == [f"Text of {i}" for i in ids]


def test_folder_skips_hidden_files_and_folders_and_unknown_extensions(tmp_path: Path) -> None:
    write(tmp_path / "keep.txt", "kept")
    write(tmp_path / ".hidden.txt", "hidden")
    write(tmp_path / ".git" / "notes.txt", "hidden folder")
    write(tmp_path / "photo.jpg", b"\xff\xd8\xff")
    docs, problems = read(tmp_path)
    assert [d.id for d in docs] == ["keep.txt"]
    assert problems == []


def test_folder_reads_jsonl_and_csv_files_by_extension(tmp_path: Path) -> None:
    write(tmp_path / "feed.jsonl", '{"text": "From JSONL"}\n')
    write(tmp_path / "sub" / "table.csv", "id,text\nrow-1,From CSV\n")
    write(tmp_path / "z.txt", "From text")
    docs, _ = read(tmp_path)
    assert [(d.id, d.text) for d in docs] == [
        ("feed.jsonl:1", "From JSONL"),
        ("row-1", "From CSV"),
        ("z.txt", "From text"),
    ]


def test_folder_with_a_format_reads_every_file_in_it(tmp_path: Path) -> None:
    write(tmp_path / "sci.med" / "57110", "From: a@b\n\nUsenet post.")
    docs, problems = read(tmp_path, input_format="text")
    assert [(d.id, d.text) for d in docs] == [("sci.med/57110", "From: a@b\n\nUsenet post.")]
    assert problems == []


def test_folder_walk_does_not_follow_links_to_folders(tmp_path: Path) -> None:
    write(tmp_path / "a.txt", "Text")
    (tmp_path / "loop").symlink_to(tmp_path, target_is_directory=True)
    docs, problems = read(tmp_path)
    assert [d.id for d in docs] == ["a.txt"]
    assert problems == []


def test_folder_with_nothing_to_read_is_a_problem(tmp_path: Path) -> None:
    write(tmp_path / "57110", "no extension")
    docs, problems = read(tmp_path)
    assert docs == []
    assert len(problems) == 1
    assert problems[0].path == str(tmp_path)
    assert problems[0].reason.startswith("no files to read (.txt .md")
    assert problems[0].reason.endswith("use --input-format files to read every file as text")


def test_problem_paths_of_files_in_a_folder_start_with_the_folder_as_given(tmp_path: Path) -> None:
    write(tmp_path / "sub" / "empty.txt", "")
    _, problems = read(tmp_path)
    assert problems == [InputProblem(str(tmp_path / "sub" / "empty.txt"), None, "empty document, skipped")]


# --- sources and formats ------------------------------------------------------------------------


def test_unknown_extension_of_a_named_file_is_a_problem_and_the_rest_is_read(tmp_path: Path) -> None:
    odd = write(tmp_path / "story.docx", "binary")
    good = write(tmp_path / "story.txt", "Text")
    docs, problems = read([odd, good])
    assert [d.text for d in docs] == ["Text"]
    assert len(problems) == 1
    assert problems[0].path == str(odd)
    assert problems[0].reason.startswith('unknown file type ".docx"; use --input-format')


def test_input_format_overrides_the_extension(tmp_path: Path) -> None:
    path = write(tmp_path / "export.log", '{"id": "x", "text": "Logged"}\n')
    docs, _ = read(path, input_format="jsonl")
    assert [(d.id, d.text) for d in docs] == [("x", "Logged")]


def test_missing_path_raises_input_error_when_called_even_when_lenient(tmp_path: Path) -> None:
    missing = str(tmp_path / "nope.jsonl")
    with pytest.raises(InputError) as caught:
        read_documents([missing], on_problem=lambda problem: None)
    assert (caught.value.path, caught.value.line, caught.value.reason) == (
        missing,
        None,
        "no such file or directory",
    )
    assert str(caught.value) == f"{missing}: no such file or directory"


@pytest.mark.parametrize(
    "sources",
    [
        pytest.param(Document("a", "text"), id="one-document"),
        pytest.param([Document("a", "text")], id="list-of-documents"),
    ],
)
def test_documents_are_refused_with_a_hint(sources: object) -> None:
    with pytest.raises(TypeError, match=r"already .*Document.*dedup\.scan"):
        read_documents(sources)  # type: ignore[arg-type]


@pytest.mark.parametrize(
    "sources",
    [pytest.param(42, id="a-number"), pytest.param([b"a.txt"], id="bytes-paths")],
)
def test_non_paths_are_refused(sources: object) -> None:
    with pytest.raises(TypeError, match=r"takes (a )?paths?"):
        read_documents(sources)  # type: ignore[arg-type]


def test_unknown_input_format_is_an_options_error() -> None:
    with pytest.raises(OptionsError, match='unknown input format "xml"'):
        read_documents("-", input_format="xml")


def test_field_names_must_be_non_empty() -> None:
    with pytest.raises(OptionsError, match="text"):
        FieldMap(text="")


def test_duplicate_ids_across_sources_keep_the_first(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.jsonl", '{"id": "x", "text": "first"}\n{"id": "y", "text": "other"}\n')
    write(tmp_path / "b.jsonl", '{"id": "z", "text": "third"}\n{"id": "x", "text": "second"}\n')
    docs, problems = read(["a.jsonl", "b.jsonl"])
    assert [(d.id, d.text) for d in docs] == [("x", "first"), ("y", "other"), ("z", "third")]
    assert [str(p) for p in problems] == ['b.jsonl:2: duplicate id "x" (first seen at a.jsonl:1), skipped']


def test_duplicate_id_of_a_text_file_names_the_file(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    write(tmp_path / "a.txt", "---\nid: story\n---\nOne")
    write(tmp_path / "b.txt", "---\nid: story\n---\nTwo")
    docs, problems = read(["a.txt", "b.txt"])
    assert [d.text for d in docs] == ["One"]
    assert [str(p) for p in problems] == ['b.txt: duplicate id "story" (first seen at a.txt), skipped']


# --- strictness, logging, stdin -----------------------------------------------------------------


def test_strict_raises_at_the_first_problem_with_path_and_line(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"text": "good"}\n{"text": \n{"text": "never read"}\n')
    docs = read_documents(path, strict=True)
    assert next(docs).text == "good"
    with pytest.raises(InputError) as caught:
        next(docs)
    assert (caught.value.path, caught.value.line) == (str(path), 2)
    assert caught.value.reason.startswith("invalid JSON (Expecting value")


def test_strict_turns_a_duplicate_id_into_an_error(tmp_path: Path) -> None:
    path = write(tmp_path / "a.jsonl", '{"id": "x", "text": "a"}\n{"id": "x", "text": "b"}\n')
    with pytest.raises(InputError, match=r'a\.jsonl:2: duplicate id "x"'):
        list(read_documents(path, strict=True))


def test_problems_are_logged_as_warnings_without_a_callback(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    path = write(tmp_path / "empty.txt", "")
    with caplog.at_level(logging.WARNING, logger="dedup.readers"):
        assert list(read_documents(path)) == []
    assert [r.getMessage() for r in caplog.records] == [f"{path}: empty document, skipped"]


def test_stdin_is_read_as_jsonl_from_the_stdin_parameter() -> None:
    stream = io.StringIO('{"id": "a", "text": "One"}\n\nnot json\n{"text": "Two"}\n')
    docs, problems = read("-", stdin=stream)
    assert [(d.id, d.text) for d in docs] == [("a", "One"), ("<stdin>:4", "Two")]
    assert [(p.path, p.line) for p in problems] == [("<stdin>", 3)]


def test_stdin_defaults_to_sys_stdin(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr("sys.stdin", io.StringIO('{"id": "s", "text": "Piped"}\n'))
    docs, _ = read("-")
    assert [(d.id, d.text) for d in docs] == [("s", "Piped")]


def test_stdin_may_be_csv_or_one_text() -> None:
    csv_docs, _ = read("-", stdin=io.StringIO("id,text\nr1,Row one\n"), input_format="csv")
    text_docs, _ = read("-", stdin=io.StringIO("A whole article.\n"), input_format="text")
    assert [(d.id, d.text) for d in csv_docs] == [("r1", "Row one")]
    assert [(d.id, d.text) for d in text_docs] == [("<stdin>", "A whole article.\n")]


def test_stdin_that_cannot_be_decoded_is_a_problem() -> None:
    stream = io.TextIOWrapper(io.BytesIO(b'{"text": "ok"}\n{"text": "caf\xe9"}\n'), encoding="utf-8")
    docs, problems = read("-", stdin=stream)
    assert len(problems) == 1
    assert problems[0].path == "<stdin>"
    assert problems[0].reason.startswith("not valid UTF-8")
    assert all(d.text == "ok" for d in docs)


# --- property -----------------------------------------------------------------------------------


@settings(max_examples=60)
@given(
    text=st.text(min_size=1).filter(
        lambda t: bool(t.strip()) and not t.startswith("---") and not t.startswith("\ufeff")
    )
)
def test_any_text_file_reads_back_exactly(tmp_path_factory: pytest.TempPathFactory, text: str) -> None:
    path = tmp_path_factory.mktemp("prop") / "doc.txt"
    with path.open("w", encoding="utf-8", newline="") as f:
        f.write(text)
    docs, problems = read(path)
    assert problems == []
    assert [d.text for d in docs] == [text]
