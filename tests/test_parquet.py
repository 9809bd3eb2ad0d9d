"""Parquet output: every table reads back to the result it came from; a clear error without pyarrow."""

from __future__ import annotations

import dataclasses
import sys
from pathlib import Path

import pytest

from dedup.cli import main
from dedup.errors import MissingDependencyError
from dedup.model import ScanResult, ScanStats
from dedup.report.columnar import TABLES, write_parquet
from tests.conftest import EXAMPLES
from tests.test_report import FOOTER, QUOTE, RESULT

pq = pytest.importorskip("pyarrow.parquet", reason="pyarrow is not installed (pip install 'dedup[parquet]')")


def read(folder: Path, name: str) -> list[dict[str, object]]:
    rows: list[dict[str, object]] = pq.read_table(folder / f"{name}.parquet").to_pylist()
    return rows


def test_writes_one_file_per_table_and_nothing_else(tmp_path: Path) -> None:
    written = write_parquet(RESULT, tmp_path / "out")
    assert [p.name for p in written] == [f"{name}.parquet" for name in TABLES]
    assert sorted(p.name for p in (tmp_path / "out").iterdir()) == sorted(p.name for p in written)


def test_matches_table_holds_every_match_span_and_similarity(tmp_path: Path) -> None:
    write_parquet(RESULT, tmp_path)
    rows = read(tmp_path, "matches")
    assert [
        (r["a_id"], r["a_start"], r["a_end"], r["b_id"], r["b_start"], r["b_end"], r["similarity"])
        for r in rows
    ] == [
        (m.a.doc_id, m.a.start, m.a.end, m.b.doc_id, m.b.start, m.b.end, m.similarity) for m in RESULT.matches
    ]


def test_passages_table_has_one_row_per_occurrence_with_kind_origin_and_text(tmp_path: Path) -> None:
    write_parquet(RESULT, tmp_path)
    rows = read(tmp_path, "passages")
    assert [(r["kind"], r["passage"], r["doc_id"], r["start"], r["end"], r["origin"]) for r in rows] == [
        ("reused", 0, "paper-2", 10, 60, False),
        ("reused", 0, "wire-1", 0, 50, True),
        ("boilerplate", 0, "paper-2", 150, 180, False),
        ("boilerplate", 0, "paper-3", 40, 70, False),
    ]
    assert [r["text"] for r in rows] == [QUOTE, QUOTE, FOOTER, FOOTER]


def test_clusters_table_has_one_row_per_member_with_coverage_and_origin(tmp_path: Path) -> None:
    write_parquet(RESULT, tmp_path)
    assert read(tmp_path, "clusters") == [
        {"cluster": 0, "doc_id": "paper-2", "coverage": 0.25, "origin": False, "passages": [0]},
        {"cluster": 0, "doc_id": "wire-1", "coverage": 0.416667, "origin": True, "passages": [0]},
    ]


def test_documents_and_duplicates_read_back_with_dates_as_the_same_instants(tmp_path: Path) -> None:
    write_parquet(RESULT, tmp_path)
    documents = read(tmp_path, "documents")
    assert [(d["id"], d["source"], d["published"], d["chars"]) for d in documents] == [
        (d.id, d.source, d.published, d.chars) for d in RESULT.documents
    ]
    assert read(tmp_path, "duplicates") == [
        {"a": "paper-2", "b": "wire-1", "jaccard": 0.875, "estimate": 0.859375}
    ]


def test_an_empty_result_writes_tables_with_the_same_columns(tmp_path: Path) -> None:
    empty = ScanResult((), (), (), (), (), (), ScanStats(0, 0, 0, 0, 0, 0, 0))
    write_parquet(RESULT, tmp_path / "full")
    write_parquet(empty, tmp_path / "empty")
    for name in TABLES:
        full = pq.read_schema(tmp_path / "full" / f"{name}.parquet")
        none = pq.read_schema(tmp_path / "empty" / f"{name}.parquet")
        assert full.equals(none, check_metadata=False), name
        assert pq.read_table(tmp_path / "empty" / f"{name}.parquet").num_rows == 0


def test_without_pyarrow_the_error_names_the_extra_to_install(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)  # import pyarrow now raises ImportError
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    with pytest.raises(MissingDependencyError, match=r"pip install 'dedup\[parquet\]'"):
        write_parquet(RESULT, tmp_path)
    assert list(tmp_path.iterdir()) == []


def test_cli_without_pyarrow_prints_one_line_and_exits_2(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setitem(sys.modules, "pyarrow", None)
    monkeypatch.setitem(sys.modules, "pyarrow.parquet", None)
    code = main(["scan", str(EXAMPLES), "-q", "--format", "parquet", "-o", str(tmp_path / "t")])
    err = capsys.readouterr().err
    assert code == 2
    assert err == "dedup: --format parquet needs pyarrow: pip install 'dedup[parquet]'\n"


def test_cli_writes_the_example_corpus_tables(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["scan", str(EXAMPLES), "-q", "--format", "parquet", "-o", str(tmp_path / "t")]) == 0
    clusters = read(tmp_path / "t", "clusters")
    assert len({r["cluster"] for r in clusters}) == 2  # the barrier story and the lifeboat correction
    origins = {r["doc_id"] for r in clusters if r["origin"]}
    assert origins == {"coastal-wire-tidal-barrier.md", "harbour-ledger-lifeboat-station.md"}
    assert capsys.readouterr().out == ""


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["--format", "parquet"], "give a folder with -o DIR", id="parquet-without-a-folder"),
        pytest.param(["--format", "json", "-o", "."], "is a folder", id="json-into-a-folder"),
    ],
)
def test_cli_output_kind_mistakes_are_usage_errors(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["scan", str(EXAMPLES), "-q", *argv]) == 2
    assert message in capsys.readouterr().err


def test_an_interrupt_while_writing_leaves_the_earlier_tables_as_they_were(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "out"
    before = {p.name: p.read_bytes() for p in write_parquet(RESULT, folder)}
    real_write = pq.write_table
    calls: list[object] = []

    def interrupted_on_the_third(table: object, where: object) -> None:
        calls.append(where)
        if len(calls) == 3:
            raise KeyboardInterrupt
        real_write(table, where)

    monkeypatch.setattr(pq, "write_table", interrupted_on_the_third)
    with pytest.raises(KeyboardInterrupt):
        write_parquet(
            dataclasses.replace(RESULT, duplicates=(), matches=(), passages=(), clusters=()), folder
        )
    assert {p.name: p.read_bytes() for p in folder.iterdir()} == before  # no new table, no temporary
