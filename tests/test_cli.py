import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

import dedup
from dedup.cli import main
from tests.conftest import EXAMPLES
from tests.test_scan import MA_QUOTE, MONDAY

REPO = Path(__file__).resolve().parents[1]


def run(argv: list[str], capsys: pytest.CaptureFixture[str]) -> tuple[int, str, str]:
    code = main(argv)
    out, err = capsys.readouterr()
    return code, out, err


def test_seeds_json_reports_the_monday_paragraph_and_ma_quote_in_both_files(
    seeds_dir: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, err = run(["scan", str(seeds_dir), "--format", "json"], capsys)
    assert code == 0, err
    result = json.loads(out)
    texts = {p.name: p.read_text(encoding="utf-8") for p in seeds_dir.glob("*.txt")}
    found = {MONDAY: False, MA_QUOTE: False}
    for m in result["matches"]:
        a = texts[m["a"]["doc_id"]][m["a"]["start"] : m["a"]["end"]]
        b = texts[m["b"]["doc_id"]][m["b"]["start"] : m["b"]["end"]]
        for passage in found:
            found[passage] |= passage in a and passage in b
    assert found == {MONDAY: True, MA_QUOTE: True}
    assert result["schema_version"] == 1


def test_json_is_byte_identical_across_hash_seeds_and_runs(seeds_dir: Path, tmp_path: Path) -> None:
    outputs = []
    for seed in ("0", "1", "12345"):
        target = tmp_path / f"out-{seed}.json"
        env = dict(os.environ, PYTHONHASHSEED=seed)
        subprocess.run(
            [
                sys.executable,
                "-m",
                "dedup",
                "scan",
                str(seeds_dir),
                str(EXAMPLES),
                "--format",
                "json",
                "-o",
                str(target),
            ],
            check=True,
            env=env,
            cwd=REPO,
        )
        outputs.append(target.read_bytes())
    assert outputs[0] == outputs[1] == outputs[2]


def test_example_corpus_table_names_the_clusters(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(["scan", str(EXAMPLES), "-q"], capsys)
    assert code == 0, err
    assert "syndication" in out.lower()


def test_compare_prints_both_slices(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    code, out, _ = run(["compare", a, b], capsys)
    assert code == 0
    assert out.count(MONDAY) == 2
    assert out.count(MA_QUOTE) == 2
    texts = [Path(p).read_text(encoding="utf-8") for p in (a, b)]
    assert f"Word overlap (any order) of {a} and {b}: {dedup.similarity(*texts):.2f}" in out


def test_compare_json_has_spans(seeds_dir: Path, capsys: pytest.CaptureFixture[str]) -> None:
    a, b = sorted(str(p) for p in seeds_dir.glob("*.txt"))
    code, out, _ = run(["compare", a, b, "--format", "json"], capsys)
    assert code == 0
    payload = json.loads(out)
    assert payload["schema_version"] == 1
    assert payload["tool"] == "dedup"
    assert len(payload["matches"]) >= 2
    assert {"a", "b", "similarity"} <= set(payload["matches"][0])
    texts = [Path(p).read_text(encoding="utf-8") for p in (a, b)]
    assert payload["similarity"] == dedup.similarity(*texts)


def write_jsonl(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def test_bad_jsonl_line_is_reported_and_the_run_goes_on_with_exit_1(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    text = MONDAY + " " + MA_QUOTE
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "x", "text": "Intro. " + text}),
            "{not json",
            json.dumps({"id": "y", "text": text}),
        ],
    )
    code, out, err = run(["scan", str(src), "--format", "json"], capsys)
    assert code == 1
    assert f"{src}:2:" in err
    assert "Traceback" not in err
    assert len(json.loads(out)["matches"]) == 1


def test_strict_stops_at_the_first_problem(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", ["{not json", json.dumps({"id": "y", "text": "fine"})])
    code, out, err = run(["scan", str(src), "--strict", "--format", "json"], capsys)
    assert code == 1
    assert out == ""
    assert err.startswith(f"dedup: {src}:1:")
    assert len(err.strip().splitlines()) == 1


def test_missing_text_field_names_the_flag(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(tmp_path / "in.jsonl", [json.dumps({"id": "a", "body": "words"})])
    code, _, err = run(["scan", str(src)], capsys)
    assert code == 1
    assert "--text-field" in err


def test_text_field_option_reads_another_field(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps({"key": "a", "body": "Intro. " + MONDAY}),
            json.dumps({"key": "b", "body": MONDAY + " End."}),
        ],
    )
    code, out, err = run(
        ["scan", str(src), "--text-field", "body", "--id-field", "key", "--format", "json"], capsys
    )
    assert code == 0, err
    [match] = json.loads(out)["matches"]
    assert (match["a"]["doc_id"], match["b"]["doc_id"]) == ("a", "b")


def test_skip_same_source_drops_a_papers_own_rerun(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    src = write_jsonl(
        tmp_path / "in.jsonl",
        [
            json.dumps({"id": "ledger-1", "text": "Intro. " + MONDAY, "source": "Ledger"}),
            json.dumps({"id": "ledger-2", "text": MONDAY + " Later.", "source": "Ledger"}),
            json.dumps({"id": "post-1", "text": "Elsewhere. " + MONDAY, "source": "Post"}),
        ],
    )

    def pairs(*flags: str) -> set[tuple[str, str]]:
        code, out, err = run(["scan", str(src), "--format", "json", *flags], capsys)
        assert code == 0, err
        return {(m["a"]["doc_id"], m["b"]["doc_id"]) for m in json.loads(out)["matches"]}

    assert pairs() == {("ledger-1", "ledger-2"), ("ledger-1", "post-1"), ("ledger-2", "post-1")}
    assert pairs("--skip-same-source") == {("ledger-1", "post-1"), ("ledger-2", "post-1")}


def test_undecodable_bytes_are_reported_and_the_document_still_scanned(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (tmp_path / "a.txt").write_bytes(("Caf\xe9 news. " + MONDAY).encode("latin-1"))
    (tmp_path / "b.txt").write_text(MONDAY + " More.", encoding="utf-8")
    code, out, err = run(["scan", str(tmp_path), "--format", "json"], capsys)
    assert code == 1
    assert "a.txt" in err
    assert "UTF-8" in err
    assert len(json.loads(out)["matches"]) == 1


def test_empty_file_is_reported(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (tmp_path / "empty.txt").write_text("", encoding="utf-8")
    (tmp_path / "b.txt").write_text(MONDAY, encoding="utf-8")
    code, _, err = run(["scan", str(tmp_path), "-q"], capsys)
    assert code == 1
    assert "empty.txt" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        pytest.param(["scan", "/no/such/dir"], "no such file", id="missing-path-is-a-usage-error"),
        pytest.param(["scan", ".", "--threshold", "1.5"], "threshold", id="threshold-out-of-range"),
        pytest.param(["scan", ".", "--format", "xml"], "xml", id="unknown-format"),
        pytest.param(["frobnicate"], "No such command", id="unknown-command"),
    ],
)
def test_usage_errors_exit_2_with_one_line_and_no_traceback(
    argv: list[str], message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code, _, err = run(argv, capsys)
    assert code == 2
    assert message in err
    assert "Traceback" not in err


def test_stdin_jsonl(capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch) -> None:
    import io

    lines = [json.dumps({"id": "a", "text": "Intro. " + MONDAY}), json.dumps({"id": "b", "text": MONDAY})]
    monkeypatch.setattr(sys, "stdin", io.StringIO("\n".join(lines) + "\n"))
    code, out, _ = run(["scan", "-", "--format", "json"], capsys)
    assert code == 0
    assert len(json.loads(out)["matches"]) == 1


def test_output_file_is_written_and_no_temp_file_is_left(seeds_dir: Path, tmp_path: Path) -> None:
    target = tmp_path / "result.json"
    assert main(["scan", str(seeds_dir), "--format", "json", "--output", str(target)]) == 0
    assert json.loads(target.read_text(encoding="utf-8"))["matches"]
    assert [p.name for p in tmp_path.iterdir()] == ["result.json"]


@pytest.mark.parametrize("command", [[], ["scan"], ["compare"]])
def test_help_has_an_example(command: list[str], capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run([*command, "--help"], capsys)
    assert code == 0
    assert "Usage: dedup" in out
    assert "\n    dedup " in out  # an example command line, kept on its own line
    assert "\\b" not in out  # click's no-rewrap marker must not leak into the text


def test_console_script_and_module_entry_points_run() -> None:
    done = subprocess.run(
        [sys.executable, "-m", "dedup", "--version"], capture_output=True, text=True, check=False
    )
    assert done.returncode == 0
    assert "0.1.0" in done.stdout


def test_interrupt_exits_130_with_one_line_and_no_output_file(
    seeds_dir: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    def interrupted(*args: object, **kwargs: object) -> None:
        raise KeyboardInterrupt

    monkeypatch.setattr("dedup.cli.scan.render", interrupted)
    target = tmp_path / "out.json"
    code, _, err = run(["scan", str(seeds_dir), "--format", "json", "-o", str(target)], capsys)
    assert code == 130
    assert err.strip() == "dedup: interrupted; no half-written output file was left; run it again"
    assert list(tmp_path.iterdir()) == []
