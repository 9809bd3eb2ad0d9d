"""InputProblem, and the lenient/strict policy that decides what happens to one.

Readers never raise for a bad record: they hand an ``InputProblem`` to a
``ProblemSink``. The sink raises ``InputError`` under ``strict=True``, else passes the
problem to the caller's ``on_problem`` callback, else logs it as a warning. So a run
over a million records with three bad lines finishes and says where the three are.

Problems that repeat in one file (every record lacking the text field, say) go
through ``FileProblems.add_repeating``: the first is reported in full, the rest are
counted and summed up in one problem when the file ends, so a wrong ``--text-field``
gives two lines of output, not a million.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

from dedup.errors import InputError

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class InputProblem:
    """One record or file that could not be read as given, and where it is.

    ``path`` is the file as the user named it (or ``<stdin>``); ``line`` is 1-based
    (the JSONL line, or the physical CSV line where the record starts), or None when
    the problem concerns the whole file. ``reason`` is one line that says what to do
    where that helps.

    >>> str(InputProblem("news.jsonl", 3, "invalid JSON (Expecting value at column 1)"))
    'news.jsonl:3: invalid JSON (Expecting value at column 1)'
    >>> str(InputProblem("a.txt", None, "empty document, skipped"))
    'a.txt: empty document, skipped'
    """

    path: str
    line: int | None
    reason: str

    def __str__(self) -> str:
        path = one_line(self.path)
        where = path if self.line is None else f"{path}:{self.line}"
        return f"{where}: {self.reason}"


def one_line(text: str) -> str:
    r"""``text`` with line breaks and other unprintable characters written as escapes.

    Reasons quote the input (a CSV header's column names, a file name), and a problem must
    stay one line on a terminal or in a log.

    >>> one_line('no column "text" (columns: \n, a\tb)')
    'no column "text" (columns: \\n, a\\tb)'
    """
    if text.isprintable():
        return text
    return "".join(c if c.isprintable() else repr(c)[1:-1] for c in text)


ProblemHandler = Callable[[InputProblem], None]


class ProblemSink:
    """Where every problem of one ``read_documents`` call goes: raise, callback or log."""

    def __init__(self, *, strict: bool, on_problem: ProblemHandler | None) -> None:
        self._strict = strict
        self._on_problem = on_problem

    def __call__(self, problem: InputProblem) -> None:
        """Deliver one problem.

        Raises:
            InputError: under ``strict=True``, for the first problem.
        """
        if self._strict:
            raise InputError(problem.path, problem.line, problem.reason)
        if self._on_problem is None:
            log.warning("%s", problem)
        else:
            self._on_problem(problem)

    def file(self, path: str) -> FileProblems:
        """Problems of one file, with repeats summed up; call ``finish`` when it is read."""
        return FileProblems(self, path)


class FileProblems:
    """The problems of one file: reported at once, except repeats, which are counted."""

    def __init__(self, sink: ProblemSink, path: str) -> None:
        self.path = path
        self._sink = sink
        self._repeats: dict[str, tuple[int, str, str]] = {}
        self.reported = 0
        """Problems reported so far (repeats not yet summed up are not counted)."""

    def add(self, line: int | None, reason: str) -> None:
        """Report a problem now."""
        self.reported += 1
        self._sink(InputProblem(self.path, line, one_line(reason)))

    def add_repeating(self, kind: str, line: int | None, reason: str, *, noun: str, rest: str) -> None:
        """Report the first problem of ``kind`` in full; count later ones for ``finish``.

        The summary reads ``"{count} more {noun}s {rest}"``, for example
        ``12 more records without field "body"``.
        """
        if kind not in self._repeats:
            self._repeats[kind] = (0, noun, rest)
            self.add(line, reason)
        else:
            count, noun, rest = self._repeats[kind]
            self._repeats[kind] = (count + 1, noun, rest)

    def finish(self) -> None:
        """Report one summary per repeated kind of problem; call once the file is read to its end."""
        for count, noun, rest in self._repeats.values():
            if count:
                plural = "" if count == 1 else "s"
                self.add(None, f"{count} more {noun}{plural} {rest}")
        self._repeats.clear()


def os_reason(exc: OSError) -> str:
    """The one-line reason for an OSError: its strerror, lower-case first, as problems start.

    >>> os_reason(PermissionError(13, "Permission denied"))
    'permission denied'
    """
    text = exc.strerror or str(exc) or type(exc).__name__
    return text[:1].lower() + text[1:]
