"""dedup index add|remove|stats and dedup check, through main() as a user runs them."""

import io
import json
from pathlib import Path

import pytest

import dedup
from dedup import ScanOptions
from dedup.cli import main
from dedup.errors import EXIT_OVER_LIMIT
from dedup.index import Index
from tests.conftest import EXAMPLES

COLUMN = EXAMPLES / "averley-courier-column-barrier.md"
WIRE = EXAMPLES / "coastal-wire-tidal-barrier.md"


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def archive(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> Path:
    """The example news minus the opinion column, which serves as the draft."""
    folder = tmp_path / "news"
    folder.mkdir()
    for p in EXAMPLES.glob("*.md"):
        if p != COLUMN:
            (folder / p.name).write_text(p.read_text(encoding="utf-8"), encoding="utf-8")
    path = tmp_path / "archive.db"
    code, out, err = run(["index", "add", str(path), str(folder), "-q"], capsys)
    assert code == 0, err
    assert "added 9 documents" in out
    return path


def test_check_json_reports_the_quoted_sentences_with_sources_and_spans(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["check", str(archive), str(COLUMN), "--format", "json"], capsys)
    assert code == 0, err
    [draft] = json.loads(out)["drafts"]
    column = next(dedup.read_documents(COLUMN))
    with Index.open(archive, create=False) as index:
        expected = index.check(column)
    assert len(draft["passages"]) == len(expected.passages) >= 2
    texts = {d.id: d.text for d in dedup.read_documents(EXAMPLES)}
    for p in draft["passages"]:
        quoted = column.text[p["draft"]["start"] : p["draft"]["end"]]
        doc = p["document"]
        assert dedup.passage_similarity(
            quoted, texts[doc["doc_id"]][doc["start"] : doc["end"]]
        ) == pytest.approx(p["similarity"], abs=1e-6)
        assert "This closes an argument" in quoted or "Nobody in that chamber" in quoted
    sources = {d["id"]: d["source"] for d in draft["documents"]}
    assert sources["coastal-wire-tidal-barrier.md"] == "Coastal Wire"
    assert draft["borrowed_share"] == pytest.approx(expected.borrowed_share, abs=1e-6)
    assert draft["stats"]["capped"] is False


def test_check_table_names_the_documents_and_the_share(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(["check", str(archive), str(COLUMN)], capsys)
    assert code == 0
    assert out.startswith(f"{COLUMN}: ")
    assert "% borrowed" in out
    assert "coastal-wire-tidal-barrier.md · Coastal Wire · 2025-03-04" in out
    assert "https://example.org/coastal-wire/port-averley-tidal-barrier" in out


def test_fail_over_exits_3_over_the_limit_and_0_under(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", str(archive), str(COLUMN), "--fail-over", "0.05"], capsys)
    assert code == EXIT_OVER_LIMIT == 3
    assert "over --fail-over 5.0%" in err
    code, _, err = run(["check", str(archive), str(COLUMN), "--fail-over", "0.5"], capsys)
    assert code == 0, err
    code, out, _ = run(
        ["check", str(archive), str(COLUMN), str(WIRE), "--fail-over", "0.5", "--format", "json"], capsys
    )
    assert code == 3  # the wire story is nearly all in the archive's reprints
    assert [d["over_limit"] for d in json.loads(out)["drafts"]] == [False, True]


def test_exclude_source_ignores_the_papers_own_copies(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    reprint = EXAMPLES / "harbour-ledger-tidal-barrier.md"
    args = ["check", str(archive), str(reprint), "--format", "json"]
    # the reprint's own id is in the archive (skipped as itself); other Ledger stories share its footer
    _, out, _ = run(args, capsys)
    ids = {p["document"]["doc_id"] for p in json.loads(out)["drafts"][0]["passages"]}
    assert "harbour-ledger-quayside-market.md" in ids
    _, out, _ = run([*args, "--exclude-source", "Harbour Ledger"], capsys)
    [draft] = json.loads(out)["drafts"]
    assert {d["source"] for d in draft["documents"]} == {
        "Coastal Wire",
        "Estuary Times",
        "Merrin Valley Gazette",
    }


def test_a_draft_on_stdin_is_plain_text(
    archive: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "Opening line of my own.\n\n" + WIRE.read_text(encoding="utf-8").split("\n\n")[2]
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    code, out, err = run(["check", str(archive), "-", "--format", "json"], capsys)
    assert code == 0, err
    [draft] = json.loads(out)["drafts"]
    assert draft["draft"]["id"] == "<stdin>"
    assert draft["draft"]["chars"] == len(text)
    assert draft["borrowed_share"] > 0.8


def test_remove_and_stats(archive: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(
        ["index", "remove", str(archive), "coastal-wire-tidal-barrier.md", "no-such-id"], capsys
    )
    assert code == 1
    assert "removed 1 documents" in out
    assert "no document with the id 'no-such-id'" in err
    code, out, _ = run(["index", "stats", str(archive), "--format", "json"], capsys)
    assert code == 0
    stats = json.loads(out)
    assert stats["documents"] == 8
    assert stats["passage_words"] == ScanOptions().min_passage_words
    assert stats["options"]["shingle_size"] == 5
    code, out, _ = run(["index", "stats", str(archive)], capsys)
    assert "documents             8" in out


def test_a_check_with_a_shorter_passage_minimum_than_the_index_is_refused(
    archive: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(["check", str(archive), str(COLUMN), "--min-passage-words", "5"], capsys)
    assert code == 2
    assert f"passages of {ScanOptions().min_passage_words} or more words" in err
    code, _, err = run(
        ["check", str(archive), str(COLUMN), "--min-passage-words", "20", "--min-similarity", "0.9"], capsys
    )
    assert code == 0, err


@pytest.mark.parametrize(
    "command", [["index"], ["index", "add"], ["index", "remove"], ["index", "stats"], ["check"]]
)
def test_every_command_has_help_with_an_example(
    command: list[str], capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0
    assert "Example" in out


def test_scan_with_an_index_compares_the_batch_with_the_archive(
    archive: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["scan", str(COLUMN), "--index", str(archive), "--format", "json", "-q"], capsys)
    assert code == 0, err
    result = json.loads(out)
    ids = {d["id"] for d in result["documents"]}
    assert str(COLUMN) in ids
    assert "coastal-wire-tidal-barrier.md" in ids  # from the archive
    assert "inland-post-orchard-frost.md" not in ids  # in the archive, but unrelated
    assert any(str(COLUMN) in (m["a"]["doc_id"], m["b"]["doc_id"]) for m in result["matches"])
    code, out, err = run(["scan", str(COLUMN), "-q", "--index", str(archive), "--shingle-size", "7"], capsys)
    assert code == 2
    assert "archive.db was built with shingle_size=5, you asked for shingle_size=7" in err
    assert len(err.strip().splitlines()) == 1
    missing = tmp_path / "missing.db"
    code, out, err = run(["scan", str(COLUMN), "-q", "--index", str(missing)], capsys)
    assert code == 2
    assert "no such index" in err
    assert not missing.exists()
