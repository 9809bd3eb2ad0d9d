"""The SQLite index file: refusing what is not an index, surviving a killed writer, sharing with others."""

import json
import os
import signal
import sqlite3
import subprocess
import sys
import time
from pathlib import Path

import numpy as np
import pytest

from dedup import Document
from dedup.cli import main
from dedup.errors import IndexFileError
from dedup.index import Index
from tests.conftest import EXAMPLES

REPO = Path(__file__).resolve().parents[1]


def articles(n: int, *, prefix: str, seed: int = 0, words: int = 600) -> list[Document]:
    """Article-sized texts of random words: cheap to make, unlike each other."""
    rng = np.random.default_rng(seed)
    vocabulary = np.array([f"w{i}" for i in range(5000)])
    return [
        Document(f"{prefix}-{i:05d}", " ".join(vocabulary[rng.integers(0, len(vocabulary), words)]) + ".")
        for i in range(n)
    ]


def write_jsonl(path: Path, docs: list[Document]) -> Path:
    path.write_text("".join(json.dumps({"id": d.id, "text": d.text}) + "\n" for d in docs), encoding="utf-8")
    return path


def dedup_command(*args: str) -> list[str]:
    return [sys.executable, "-m", "dedup", *args]


def build(path: Path) -> None:
    with Index.open(path) as index:
        index.add(articles(40, prefix="a"))


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def assert_one_line_error(argv: list[str], capsys: pytest.CaptureFixture[str], expected: str) -> None:
    code, out, err = run(argv, capsys)
    assert code == 2
    assert out == ""
    assert err.startswith("dedup: ")
    assert expected in err
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


@pytest.mark.parametrize("command", [["index", "stats"], ["check"], ["index", "add"], ["index", "remove"]])
def test_a_file_that_is_not_an_index_is_one_line_and_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], command: list[str]
) -> None:
    path = tmp_path / "notes.db"
    path.write_text("these are my notes, not a database\n" * 20, encoding="utf-8")
    extra = {"check": [str(EXAMPLES)], "add": [str(EXAMPLES)], "remove": ["x"], "stats": []}[command[-1]]
    assert_one_line_error([*command, str(path), *extra], capsys, "not a dedup index (not an SQLite database)")
    assert path.read_text(encoding="utf-8").startswith("these are my notes")  # left alone


def test_an_sqlite_file_of_another_program_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE customers (name TEXT)")
    db.close()
    assert_one_line_error(["index", "stats", str(path)], capsys, "not a dedup index")
    with pytest.raises(IndexFileError, match="not a dedup index"):
        Index.open(path)  # not even adding to it


def test_a_truncated_index_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "archive.db"
    build(path)
    data = path.read_bytes()
    path.write_bytes(data[: len(data) // 2])
    assert_one_line_error(["check", str(path), str(EXAMPLES)], capsys, "truncated")
    path.write_bytes(data[:60])
    assert_one_line_error(["index", "stats", str(path)], capsys, "truncated")


def test_a_damaged_index_is_one_line_and_exit_2(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "archive.db"
    build(path)
    data = bytearray(path.read_bytes())
    page = int.from_bytes(data[16:18], "big")
    data[page : len(data)] = bytes(len(data) - page)  # every page after the first zeroed
    path.write_bytes(bytes(data))
    code, _out, err = run(["index", "stats", str(path)], capsys)
    assert code == 2
    assert err.startswith("dedup: ")
    assert len(err.strip().splitlines()) == 1
    assert "Traceback" not in err


def test_another_schema_version_gets_a_clear_message(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "archive.db"
    build(path)
    with sqlite3.connect(path) as db:
        db.execute("UPDATE meta SET value = '99' WHERE name = 'schema_version'")
    db.close()
    assert_one_line_error(["index", "stats", str(path)], capsys, "schema version 99")


def test_check_and_stats_never_create_a_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "missing.db"
    assert_one_line_error(["index", "stats", str(path)], capsys, "no such index")
    assert_one_line_error(["check", str(path), str(EXAMPLES)], capsys, "no such index")
    assert not path.exists()


def test_an_options_mismatch_through_the_command_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "archive.db"
    code, _, err = run(["index", "add", str(path), str(EXAMPLES), "-q", "--shingle-size", "4"], capsys)
    assert code == 0, err
    code, _, err = run(["index", "add", str(path), str(EXAMPLES), "-q"], capsys)  # the index's own options
    assert code == 0, err
    assert_one_line_error(
        ["index", "add", str(path), str(EXAMPLES), "--shingle-size", "7"],
        capsys,
        "archive.db was built with shingle_size=4, you asked for shingle_size=7",
    )


def locked(path: Path) -> bool:
    """True while some connection holds the write lock (is inside a write transaction)."""
    db = sqlite3.connect(path, timeout=0, isolation_level=None)
    try:
        db.execute("BEGIN IMMEDIATE")
        db.execute("ROLLBACK")
        return False
    except sqlite3.OperationalError:
        return True
    finally:
        db.close()


PAUSING_WRITER = """
import pathlib, sys, time
import dedup.index.sqlite as sqlite_store
from dedup.cli import main

marker, table, nth = pathlib.Path(sys.argv[1]), sys.argv[2], int(sys.argv[3])
real_insert = sqlite_store._insert
calls = 0

def insert_then_pause(db, name, rows):
    global calls
    real_insert(db, name, rows)
    if name == table:
        calls += 1
        if calls == nth:  # inside the transaction, rows written, nothing committed
            marker.write_text("paused")
            time.sleep(600)

sqlite_store._insert = insert_then_pause
sys.exit(main(sys.argv[4:]))
"""


@pytest.mark.parametrize(
    ("table", "nth", "kept"),
    [("bands", 1, 40), ("fingerprints", 1, 40), ("fingerprints", 2, 40 + 300)],
    ids=["after-document-rows", "just-before-commit", "in-the-second-batch"],
)
def test_a_writer_killed_mid_batch_leaves_that_batch_fully_out(
    tmp_path: Path, table: str, nth: int, kept: int
) -> None:
    """The writer pauses at a known point inside its transaction, so the kill always lands there."""
    path = tmp_path / "archive.db"
    build(path)  # 40 documents already in
    big = write_jsonl(tmp_path / "big.jsonl", articles(900, prefix="big", seed=1))
    marker = tmp_path / "paused"
    command = [sys.executable, "-c", PAUSING_WRITER, str(marker), table, str(nth)]
    writer = subprocess.Popen(
        [*command, "index", "add", str(path), str(big), "-q", "--batch-size", "300"], cwd=REPO
    )
    try:
        deadline = time.monotonic() + 120
        while not marker.exists():
            assert writer.poll() is None, "the writer ended before reaching the pause point"
            assert time.monotonic() < deadline
            time.sleep(0.01)
        assert locked(path)  # the batch's transaction is open
        os.kill(writer.pid, signal.SIGKILL)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.wait()
    assert writer.returncode == -signal.SIGKILL
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA integrity_check").fetchone() == ("ok",)
    db.close()
    with Index.open(path, create=False) as index:
        stats = index.stats()
        assert stats.documents == kept  # whole batches before the killed one, nothing of it
        ids = [f"a-{i:05d}" for i in range(40)] + [f"big-{i:05d}" for i in range(kept - 40)]
        stored = index.store.get(ids)
        assert len(stored) == kept
        assert stats.fingerprint_rows == sum(len(s.fingerprints) for s in stored)
        assert index.store.get(["big-00300"]) == []  # the killed batch's first document
        index.add(articles(2, prefix="after"))  # and the index takes writes again
        assert index.stats().documents == kept + 2


def test_ctrl_c_during_index_add_exits_130_keeps_whole_batches_and_a_rerun_completes(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build(path)
    big = write_jsonl(tmp_path / "big.jsonl", articles(900, prefix="big", seed=1))
    marker = tmp_path / "paused"
    add = ["index", "add", str(path), str(big), "-q", "--batch-size", "300"]
    writer = subprocess.Popen(
        [sys.executable, "-c", PAUSING_WRITER, str(marker), "fingerprints", "2", *add],
        cwd=REPO,
        stderr=subprocess.PIPE,
        text=True,
    )
    deadline = time.monotonic() + 120
    while not marker.exists():
        assert writer.poll() is None, "the writer ended before reaching the pause point"
        assert time.monotonic() < deadline
        time.sleep(0.01)
    writer.send_signal(signal.SIGINT)  # what Ctrl-C sends
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 130
    assert len(err.strip().splitlines()) == 1
    assert err.strip().startswith("dedup: interrupted; whole batches already added are kept")
    with Index.open(path, create=False) as index:
        assert index.stats().documents == 40 + 300  # the first batch; the interrupted one rolled back
    rerun = subprocess.run(dedup_command(*add), cwd=REPO, capture_output=True, text=True, check=False)
    assert rerun.returncode == 0, rerun.stderr
    with Index.open(path, create=False) as index:
        assert index.stats().documents == 40 + 900  # re-adding replaced, nothing doubled


def test_two_writers_and_a_reader_at_once_lose_nothing(tmp_path: Path) -> None:
    path = tmp_path / "archive.db"
    build(path)
    inputs = [
        write_jsonl(tmp_path / f"w{n}.jsonl", articles(400, prefix=f"w{n}", seed=n + 10)) for n in (1, 2)
    ]
    draft = articles(1, prefix="draft", seed=11)[0].text[
        :3000
    ]  # shares a long run with writer 1's first article
    reader_script = f"""
import sys, time
from dedup.index import Index
seen = []
with Index.open({str(path)!r}, create=False) as index:
    while True:
        stats = index.stats()
        seen.append(stats.documents)
        assert (stats.documents - 40) % 50 == 0, stats.documents  # whole batches only
        index.check({draft!r})
        if len(seen) == 1:
            print("ready", flush=True)
        if stats.documents == 840:
            break
        time.sleep(0.01)
print(len(seen), sorted(set(seen)))
"""
    reader = subprocess.Popen(
        [sys.executable, "-c", reader_script],
        cwd=REPO,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    # The writers start once the reader has read: otherwise they may be done before it starts.
    assert reader.stdout is not None
    assert reader.stdout.readline() == "ready\n"
    writers = [
        subprocess.Popen(
            dedup_command("index", "add", str(path), str(p), "-q", "--batch-size", "50"),
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in inputs
    ]
    results = [w.communicate(timeout=120) for w in writers]
    out, err = reader.communicate(timeout=120)
    for w, (_, werr) in zip(writers, results, strict=True):
        assert w.returncode == 0, werr
    assert reader.returncode == 0, err
    assert int(out.split()[0]) > 1  # the reader really read while the writers wrote
    with Index.open(path, create=False) as index:
        assert index.stats().documents == 840
        ids = [f"w{n}-{i:05d}" for n in (1, 2) for i in range(400)]
        assert len(index.store.get(ids)) == 800
        assert {p.document.doc_id for p in index.check(draft).passages} == {"w1-00000"}


def test_two_writers_creating_one_index_at_once_both_succeed(tmp_path: Path) -> None:
    path = tmp_path / "new.db"
    inputs = [write_jsonl(tmp_path / f"w{n}.jsonl", articles(60, prefix=f"w{n}", seed=n)) for n in (1, 2)]
    writers = [
        subprocess.Popen(
            dedup_command("index", "add", str(path), str(p), "-q"),
            cwd=REPO,
            stderr=subprocess.PIPE,
            text=True,
        )
        for p in inputs
    ]
    for w in writers:
        _, err = w.communicate(timeout=120)
        assert w.returncode == 0, err
    with Index.open(path, create=False) as index:
        assert index.stats().documents == 120


def test_a_database_another_writer_has_just_created_is_set_up_not_refused(tmp_path: Path) -> None:
    # The moment two first writers race: one has written the file's header, not yet its tables.
    path = tmp_path / "new.db"
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA journal_mode = WAL")
    db.close()
    assert path.stat().st_size > 0
    with pytest.raises(IndexFileError, match="not a dedup index"):
        Index.open(path, create=False)  # a reader does not create an index
    with Index.open(path, create=True) as index:
        index.add(articles(3, prefix="a"))
    with Index.open(path, create=False) as index:
        assert index.stats().documents == 3


def test_an_index_built_with_another_hash_scheme_is_refused(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    from dedup.errors import IndexMismatchError
    from dedup.hashing import HASH_SCHEME

    path = tmp_path / "archive.db"
    with Index.open(path) as index:
        index.add(articles(2, prefix="a"))
    db = sqlite3.connect(path)
    assert db.execute("SELECT value FROM meta WHERE name = 'hash_scheme'").fetchone() == (str(HASH_SCHEME),)
    with db:
        db.execute("DELETE FROM meta WHERE name = 'hash_scheme'")  # as an index of scheme 1 was written
    db.close()
    with pytest.raises(IndexMismatchError, match=f"built with hash scheme 1, .* scheme {HASH_SCHEME};"):
        Index.open(path)
    assert_one_line_error(["check", str(path), str(EXAMPLES)], capsys, "hash scheme 1")
