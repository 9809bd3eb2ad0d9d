"""Errors raised by dedup, and the exit code the command line gives each.

* DedupError                 exit 2 unless a subclass says otherwise
  + OptionsError             bad option values (exit 2, a usage error)
  + InputError               a file or record cannot be read; carries path and line (exit 1)
  + DuplicateIdError         two documents given to one scan share an id (exit 1)
  + MissingDependencyError   an optional extra is not installed; the message names the pip command
  + IndexFileError           an index file is missing, not a dedup index, damaged, or of another
    |                        schema version (exit 2)
    + IndexMismatchError     the index was built with other options than the ones asked for (exit 2)

Exit codes of the ``dedup`` command: 0 everything read and done; 1 the run finished but
some input was skipped or unreadable (or it stopped at the first problem under
``--strict``); 2 usage error; 3 ``dedup check --fail-over``: a draft's borrowed share is
over the limit (not an error: the gate a script asked for). Anything that is not a
DedupError is a bug and keeps its traceback.
"""

from __future__ import annotations

EXIT_OK = 0
EXIT_INPUT_PROBLEMS = 1
EXIT_USAGE = 2
EXIT_OVER_LIMIT = 3


class DedupError(Exception):
    """Base class of every error dedup raises on purpose."""

    exit_code: int = EXIT_USAGE


class OptionsError(DedupError, ValueError):
    """An option value is out of range or inconsistent with another option."""


class InputError(DedupError):
    """A file or record cannot be read. ``str()`` is the one-line message users see."""

    exit_code = EXIT_INPUT_PROBLEMS

    def __init__(self, path: str, line: int | None, reason: str) -> None:
        self.path = path
        self.line = line
        self.reason = reason
        where = f"{path}:{line}" if line is not None else path
        super().__init__(f"{where}: {reason}")


class DuplicateIdError(DedupError, ValueError):
    """Two documents given to one scan share an id, so results could not say which is which."""

    exit_code = EXIT_INPUT_PROBLEMS


class MissingDependencyError(DedupError, ImportError):
    """An optional extra is not installed; the message says what to pip install."""


class IndexFileError(DedupError):
    """An index file cannot be used: missing, not a dedup index, truncated or damaged, or another schema."""


class IndexMismatchError(IndexFileError):
    """The index was built with options that change signatures, and other ones were asked for."""
