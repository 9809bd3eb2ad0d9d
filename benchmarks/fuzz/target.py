"""The atheris target: arbitrary bytes as a file of any format, read, tokenized and scanned.

Run by ``python -m benchmarks.fuzz`` in a child process (libFuzzer exits the process when
it is done or finds a crash). The invariants are those of ``tests/test_fuzz.py``: every
reader gives documents or one-line problems naming the file, never an exception; every
token's span slices the original text; scanning a document against itself and its
doubled copy raises nothing and every match lies inside the texts.
"""

from __future__ import annotations

import sys
import tempfile
from pathlib import Path

import atheris

with atheris.instrument_imports(include=["dedup"]):
    from dedup import Document, scan
    from dedup.normalize import tokenize
    from dedup.readers import InputProblem, read_documents

SUFFIXES = (".txt", ".md", ".html", ".jsonl", ".csv", ".tsv")
FOLDER = Path(tempfile.mkdtemp(prefix="dedup-fuzz-"))


def check_tokens(text: str) -> None:
    tokens = tokenize(text)
    previous_end = 0
    for n in range(len(tokens)):
        start, end = tokens.char_span(n, n + 1)
        if not previous_end <= start < end <= len(text) or text[start:end].strip() != text[start:end]:
            raise AssertionError(f"token {n} has span {start}:{end} in a text of {len(text)}")
        previous_end = end


def one_input(data: bytes) -> None:
    provider = atheris.FuzzedDataProvider(data)
    suffix = SUFFIXES[provider.ConsumeIntInRange(0, len(SUFFIXES) - 1)]
    path = FOLDER / f"input{suffix}"
    path.write_bytes(provider.ConsumeBytes(provider.remaining_bytes()))
    problems: list[InputProblem] = []
    docs = list(read_documents(path, on_problem=problems.append))
    if not docs and not problems:
        raise AssertionError(f"{suffix}: nothing read and nothing said")
    for problem in problems:
        if problem.path != str(path) or "\n" in str(problem) or "Traceback" in problem.reason:
            raise AssertionError(f"malformed problem: {problem!r}")
    for doc in docs:
        if not doc.text.strip() or not doc.id:
            raise AssertionError(f"empty document or id: {doc!r}")
        check_tokens(doc.text)
        result = scan([Document("a", doc.text), Document("b", doc.text + " " + doc.text)])
        for match in result.matches:
            if not 0 <= match.a.start < match.a.end <= len(doc.text):
                raise AssertionError(f"match outside the text: {match!r}")


if __name__ == "__main__":
    atheris.Setup(sys.argv, one_input)
    atheris.Fuzz()
