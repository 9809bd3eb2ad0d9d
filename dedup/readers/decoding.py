"""Bytes to text without losing anything: the given encoding, else Latin-1 and a problem.

Latin-1 maps every byte to one character, so a file that is not valid UTF-8 (an old
Windows-1252 export, say) is still read whole; the problem names the first bad byte
and its offset so the user can convert the file and run again. A UTF-8 byte order
mark is dropped. Newlines are never translated: offsets index the text as stored.
"""

from __future__ import annotations

import codecs
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import BinaryIO

FALLBACK = "latin-1"
_BOM = codecs.BOM_UTF8
_CHUNK = 1 << 20


@dataclass(frozen=True, slots=True)
class BadBytes:
    """Where a file first stops being valid in its encoding."""

    offset: int  # byte offset from the start of the file
    line: int  # 1-based line holding that byte
    byte: int

    def reason(self, encoding: str) -> str:
        """The problem text: which byte, where, and what was done instead."""
        return (
            f"not valid {label(encoding)} (byte 0x{self.byte:02X} at offset {self.offset}); read as Latin-1"
        )


def label(encoding: str) -> str:
    """How messages name an encoding: ``UTF-8`` rather than ``utf_8``.

    >>> label("utf8"), label("cp1252")
    ('UTF-8', 'cp1252')
    """
    return "UTF-8" if is_utf8(encoding) else encoding


def is_utf8(encoding: str) -> bool:
    """True for any spelling of UTF-8, whose byte order mark readers drop."""
    try:
        return codecs.lookup(encoding).name in {"utf-8", "utf-8-sig"}
    except LookupError:
        return False


def ascii_compatible(encoding: str) -> bool:
    r"""True when a newline is the single byte ``\n``, so binary lines can be decoded one by one."""
    return "\n".encode(encoding) == b"\n"


def text_codec(encoding: str) -> str:
    """The codec that decodes ``encoding`` and drops a UTF-8 byte order mark."""
    return "utf-8-sig" if is_utf8(encoding) else encoding


def decode_bytes(data: bytes, encoding: str) -> tuple[str, BadBytes | None]:
    """Decode a whole file; on failure decode it as Latin-1 and say where it failed.

    >>> decode_bytes("café".encode("utf-8"), "utf-8")
    ('café', None)
    >>> text, bad = decode_bytes("café".encode("latin-1"), "utf-8")
    >>> text, bad.reason("utf-8")
    ('café', 'not valid UTF-8 (byte 0xE9 at offset 3); read as Latin-1')
    """
    plain = "utf-8" if is_utf8(encoding) else encoding
    try:
        data.decode(plain)
    except UnicodeDecodeError as exc:
        bad = BadBytes(exc.start, data.count(b"\n", 0, exc.start) + 1, data[exc.start])
        return data.removeprefix(_BOM).decode(FALLBACK), bad
    return data.decode(text_codec(encoding)), None


def find_bad_bytes(path: Path, encoding: str) -> BadBytes | None:
    """Check a file's encoding in chunks, without holding the file in memory.

    Raises:
        OSError: when the file cannot be read.
    """
    plain = "utf-8" if is_utf8(encoding) else encoding
    decoder = codecs.getincrementaldecoder(plain)()
    offset = 0
    newlines = 0
    with path.open("rb") as f:
        for chunk in _chunks(f):
            pending = decoder.getstate()[0]
            try:
                decoder.decode(chunk, final=not chunk)
            except UnicodeDecodeError as exc:
                seen = exc.object[: exc.start]
                line = newlines - pending.count(b"\n") + seen.count(b"\n") + 1
                return BadBytes(offset - len(pending) + exc.start, line, exc.object[exc.start])
            offset += len(chunk)
            newlines += chunk.count(b"\n")
    return None


def _chunks(f: BinaryIO) -> Iterator[bytes]:
    """The file in chunks, then one empty chunk so the decoder sees the end."""
    while chunk := f.read(_CHUNK):
        yield chunk
    yield b""


def decode_line(raw: bytes, encoding: str, *, first: bool) -> tuple[str, int | None]:
    r"""Decode one line of a line-based file; on failure, Latin-1 and the bad byte's index in ``raw``.

    Each line is decided on its own, so one Latin-1 record in a UTF-8 file costs
    only that record's accents, not every other record's.

    >>> decode_line(b"caf\xe9\n", "utf-8", first=False)
    ('café\n', 3)
    """
    skip = len(_BOM) if first and is_utf8(encoding) and raw.startswith(_BOM) else 0
    body = raw[skip:]
    try:
        return body.decode(encoding), None
    except UnicodeDecodeError as exc:
        return body.decode(FALLBACK), skip + exc.start
