"""read_documents: paths, folders and stdin to Documents, each through the right reader.

How a source is read:

* ``"-"`` is stdin, read as JSONL (or as ``input_format`` says: CSV, TSV, or one
  text document with the id ``<stdin>``).
* A folder is walked (see ``dedup.readers.files``): files ending ``.txt .md
  .markdown .html .htm`` are one document each, with the id being the path relative
  to the folder (``wire/a.md``); ``.jsonl .ndjson .csv .tsv`` files are read as
  records. With ``input_format`` set, every file in the folder is read in that
  format, which is how a folder of files without extensions is read
  (``--input-format files``).
* A file is read in ``input_format``, else the format its extension implies; its
  document id is the path as given, in POSIX form. A file with an extension dedup
  does not know is a problem and skipped. Under ``"files"``/``"text"`` a file
  ending ``.html``/``.htm`` still has its text extracted from the markup.
* A record without an id gets ``"{path}:{line}"``, the path being the id of its file.

Ids must be unique across the whole call: a later document with an id already seen
is a problem and skipped. A path that does not exist is a usage mistake rather than a
bad record, so it raises ``InputError`` at once, even when not strict.
"""

from __future__ import annotations

import codecs
import dataclasses
import os
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePath
from typing import TextIO

from dedup.errors import InputError, OptionsError
from dedup.model import Document
from dedup.readers.fields import FieldMap
from dedup.readers.files import EXTENSIONS, format_of, list_folder, read_text_file, text_document
from dedup.readers.jsonl import read_jsonl_file, read_jsonl_stream
from dedup.readers.problems import FileProblems, InputProblem, ProblemHandler, ProblemSink, os_reason
from dedup.readers.tabular import read_table, read_table_file

FORMATS = ("csv", "files", "jsonl", "text", "tsv")
STDIN = "<stdin>"
_DELIMITERS = {"csv": ",", "tsv": "\t"}
_ONE_PER_FILE = frozenset({"files", "text", "html"})
_CLI_FORMATS = "files, jsonl, csv, tsv"
_DEFAULT_FIELDS = FieldMap()  # frozen, so one shared default is safe

Located = tuple[Document, str, int | None]  # the document, the file as the user named it, its line


@dataclass(frozen=True, slots=True)
class _Settings:
    input_format: str | None
    fields: FieldMap
    encoding: str
    stdin: TextIO | None
    sink: ProblemSink
    max_chars: int | None


def read_documents(
    sources: str | os.PathLike[str] | Iterable[str | os.PathLike[str]],
    *,
    input_format: str | None = None,
    fields: FieldMap = _DEFAULT_FIELDS,
    strict: bool = False,
    on_problem: ProblemHandler | None = None,
    encoding: str = "utf-8",
    stdin: TextIO | None = None,
    max_chars: int | None = None,
) -> Iterator[Document]:
    r"""Read documents from files, folders and stdin, one at a time.

    Streaming: JSONL and CSV are read line by line, so a corpus larger than memory
    can be scanned. A bad record does not stop the run: it becomes an
    ``InputProblem`` passed to ``on_problem`` (logged as a warning when that is None),
    or, with ``strict=True``, an ``InputError``. Arguments are checked when this is
    called; files are read as the iterator is consumed.

    Args:
        sources: one path or many; ``"-"`` is stdin.
        input_format: ``"jsonl"``, ``"csv"``, ``"tsv"``, or ``"text"``/``"files"`` (one
            document per file); None picks by file extension.
        fields: which record fields hold the id, text and metadata.
        strict: raise at the first problem instead of reporting it.
        on_problem: called with each problem when not strict.
        encoding: of every file; bytes not valid in it are read as Latin-1, with a problem.
        stdin: the stream ``"-"`` reads, instead of ``sys.stdin``.
        max_chars: a longer document is cut to its first ``max_chars`` characters (at
            the last white space before the limit, so no word is split), with a problem;
            offsets stay offsets into the original text. None: no limit.

    Raises:
        TypeError: when given Documents or something else that is not a path.
        InputError: when a path does not exist; when strict, at the first problem.
        OptionsError: for an unknown ``input_format`` or ``encoding``.

    >>> import io
    >>> lines = io.StringIO('{"id": "a1", "text": "Storm hits coast."}\n{"text": "Flood."}\n')
    >>> [(doc.id, doc.text) for doc in read_documents("-", stdin=lines)]
    [('a1', 'Storm hits coast.'), ('<stdin>:2', 'Flood.')]
    """
    paths = _paths(sources)
    if input_format is not None and input_format.lower() not in FORMATS:
        raise OptionsError(f'unknown input format "{input_format}"; use one of: {", ".join(FORMATS)}')
    if max_chars is not None and (
        isinstance(max_chars, bool) or not isinstance(max_chars, int) or max_chars < 1
    ):
        raise OptionsError(f"max_chars must be a positive integer or None, got {max_chars!r}")
    try:
        codecs.lookup(encoding)
    except LookupError:
        raise OptionsError(f'unknown encoding "{encoding}"') from None
    for path in paths:
        if path != "-":
            _check_exists(path)
    settings = _Settings(
        input_format=input_format.lower() if input_format else None,
        fields=fields,
        encoding=encoding,
        stdin=stdin,
        sink=ProblemSink(strict=strict, on_problem=on_problem),
        max_chars=max_chars,
    )
    return _unique(paths, settings)


def _paths(sources: object) -> list[str]:
    if isinstance(sources, Document):
        raise TypeError(
            "read_documents() reads files, and this is already a Document: "
            "pass documents straight to dedup.scan([doc, ...])"
        )
    if isinstance(sources, str | os.PathLike):
        sources = [sources]
    if isinstance(sources, bytes) or not isinstance(sources, Iterable):
        raise TypeError(f"read_documents() takes a path or a list of paths, got {type(sources).__name__}")
    paths: list[str] = []
    for source in sources:
        if isinstance(source, Document):
            raise TypeError(
                "read_documents() reads files, and these are already Documents: "
                "pass them straight to dedup.scan(documents)"
            )
        if not isinstance(source, str | os.PathLike):
            raise TypeError(f"read_documents() takes paths (str or Path), got {type(source).__name__}")
        paths.append(os.fspath(source))
    return paths


def _check_exists(path: str) -> None:
    try:
        Path(path).stat()
    except (FileNotFoundError, NotADirectoryError):
        raise InputError(path, None, "no such file or directory") from None
    except OSError:  # permission denied and the like: reported when the file is read
        pass


def _unique(paths: list[str], settings: _Settings) -> Iterator[Document]:
    first_seen: dict[str, str] = {}
    for given in paths:
        for doc, path, line in _read_source(given, settings):
            where = path if line is None else f"{path}:{line}"
            earlier = first_seen.get(doc.id)
            if earlier is not None:
                settings.sink(
                    InputProblem(path, line, f'duplicate id "{doc.id}" (first seen at {earlier}), skipped')
                )
                continue
            first_seen[doc.id] = where
            if settings.max_chars is not None and len(doc.text) > settings.max_chars:
                chars = len(doc.text)
                doc = _cut(doc, settings.max_chars)
                reason = (
                    f"{chars:,} characters, over the limit of {settings.max_chars:,}: only the first "
                    f"{len(doc.text):,} are compared (raise --max-document-chars to keep it all)"
                )
                settings.sink(InputProblem(path, line, reason))
            yield doc


def _cut(doc: Document, limit: int) -> Document:
    """The document's first ``limit`` characters, ending at white space when there is any."""
    head = doc.text[: limit + 1]
    space = max(head.rfind(" "), head.rfind("\n"))
    end = space if space > limit // 2 else limit
    return dataclasses.replace(doc, text=doc.text[:end].rstrip())


def _read_source(given: str, settings: _Settings) -> Iterator[Located]:
    if given == "-":
        yield from _read_stdin(settings)
    elif Path(given).is_dir():
        yield from _read_folder(given, settings)
    else:
        path = Path(given)
        fmt = settings.input_format or format_of(path.name)
        if fmt is None:
            ending = f'"{path.suffix}"' if path.suffix else "(no extension)"
            reason = f"unknown file type {ending}; use --input-format to say how to read it ({_CLI_FORMATS})"
            settings.sink(InputProblem(given, None, reason))
            return
        yield from _read_file(path, given, PurePath(given).as_posix(), fmt, settings)


def _read_folder(given: str, settings: _Settings) -> Iterator[Located]:
    def on_error(relative: str, exc: OSError) -> None:
        settings.sink(InputProblem(str(Path(given, relative)), None, os_reason(exc)))

    listed = list_folder(Path(given), every_file=settings.input_format is not None, on_error=on_error)
    if not listed:
        known = " ".join(EXTENSIONS)
        reason = f"no files to read ({known}); use --input-format files to read every file as text"
        settings.sink(InputProblem(given, None, reason))
    for relative, path in listed:
        fmt = settings.input_format or format_of(path.name)
        if fmt is not None:  # always: list_folder only lists known extensions without a format
            yield from _read_file(path, str(Path(given, relative)), relative, fmt, settings)


def _read_file(path: Path, shown: str, id_base: str, fmt: str, settings: _Settings) -> Iterator[Located]:
    problems = settings.sink.file(shown)
    if fmt in _ONE_PER_FILE:
        html = fmt == "html" or format_of(path.name) == "html"
        doc = read_text_file(
            path,
            doc_id=id_base,
            html=html,
            fields=settings.fields,
            encoding=settings.encoding,
            problems=problems,
        )
        if doc is not None:
            yield doc, shown, None
    elif fmt == "jsonl":
        for doc, line in read_jsonl_file(
            path, id_prefix=id_base, fields=settings.fields, encoding=settings.encoding, problems=problems
        ):
            yield doc, shown, line
    else:
        for doc, line in read_table_file(
            path,
            delimiter=_DELIMITERS[fmt],
            id_prefix=id_base,
            fields=settings.fields,
            encoding=settings.encoding,
            problems=problems,
        ):
            yield doc, shown, line
    problems.finish()


def _read_stdin(settings: _Settings) -> Iterator[Located]:
    stream = settings.stdin if settings.stdin is not None else sys.stdin
    problems = settings.sink.file(STDIN)
    fmt = settings.input_format or "jsonl"
    try:
        if fmt in _ONE_PER_FILE:
            doc = _stdin_document(stream, problems, settings)
            if doc is not None:
                yield doc, STDIN, None
        elif fmt == "jsonl":
            for doc, line in read_jsonl_stream(
                stream, id_prefix=STDIN, fields=settings.fields, problems=problems
            ):
                yield doc, STDIN, line
        else:
            for doc, line in read_table(
                stream, delimiter=_DELIMITERS[fmt], id_prefix=STDIN, fields=settings.fields, problems=problems
            ):
                yield doc, STDIN, line
    except OSError as exc:
        problems.add(None, f"{os_reason(exc)}; rest of input skipped")
    problems.finish()


def _stdin_document(stream: TextIO, problems: FileProblems, settings: _Settings) -> Document | None:
    try:
        text = stream.read()
    except UnicodeDecodeError as exc:
        problems.add(None, f"cannot decode ({exc.reason}); skipped")
        return None
    return text_document(
        text.removeprefix("\ufeff"), doc_id=STDIN, html=False, fields=settings.fields, problems=problems
    )
