"""An append-only temporary file of byte strings, read back by (offset, length) from any process.

A scan of a large input keeps the documents' texts and token arrays here instead of in
memory, so its memory grows with the number of documents rather than with their text.
The file is anonymous (removed when closed, or when the process ends) and read with
``os.pread``, which keeps no file position: forked workers read it through the
descriptor they inherit, each at its own offsets, with no locking.
"""

from __future__ import annotations

import os
import tempfile
import threading
from typing import Generic, TypeVar

Value = TypeVar("Value")

_FLUSH_BYTES = 1 << 20  # writes are gathered into blocks of about this size


class SpillFile:
    """Bytes appended in order, each readable again by the offset ``append`` returned.

    >>> with SpillFile() as spill:
    ...     at = spill.append(b"hello"), spill.append(b" world")
    ...     spill.read(at[1], 6)
    b' world'
    """

    def __init__(self, directory: str | None = None) -> None:
        self._file = tempfile.TemporaryFile(prefix="dedup-spill-", dir=directory, buffering=0)  # noqa: SIM115 (closed by close())
        self._fd = self._file.fileno()
        self._written = 0  # bytes in the file
        self._pending = bytearray()  # bytes after those, not written yet
        self._lock = threading.Lock()  # only for systems without os.pread

    def __enter__(self) -> SpillFile:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    @property
    def size(self) -> int:
        """Bytes appended so far."""
        return self._written + len(self._pending)

    def append(self, data: bytes | bytearray | memoryview) -> int:
        """Add ``data``; returns its offset."""
        offset = self.size
        self._pending += data
        if len(self._pending) >= _FLUSH_BYTES:
            self.flush()
        return offset

    def flush(self) -> None:
        """Write what is pending; only the process that appends may call this."""
        view = memoryview(self._pending)
        while view:
            written = os.write(self._fd, view)
            self._written += written
            view = view[written:]
        view.release()
        self._pending.clear()

    def read(self, offset: int, length: int) -> bytes:
        """The ``length`` bytes appended at ``offset``."""
        if offset < 0 or length < 0 or offset + length > self.size:
            raise ValueError(f"bytes {offset}..{offset + length} are outside the {self.size} spilled")
        in_file = max(0, min(length, self._written - offset))
        head = self._read_file(offset, in_file) if in_file else b""
        if in_file == length:
            return head
        start = offset + in_file - self._written  # never flushes: a forked reader must not write
        return head + bytes(self._pending[start : start + length - in_file])

    def _read_file(self, offset: int, length: int) -> bytes:
        if hasattr(os, "pread"):
            parts = []
            while length:
                part = os.pread(self._fd, length, offset)
                if not part:
                    raise OSError(f"spill file ended early at byte {offset}")
                parts.append(part)
                offset, length = offset + len(part), length - len(part)
            return b"".join(parts)
        with self._lock:  # pragma: no cover - Windows (no fork there, so no other process)
            self._file.seek(offset)
            data = self._file.read(length)
            self._file.seek(0, os.SEEK_END)  # appends write at the file position
            return data

    def close(self) -> None:
        """Remove the file."""
        self._pending.clear()
        self._file.close()


class RecentReads(Generic[Value]):
    """The last ``size`` values read back from a spill file, by document number.

    A scan reads one document's pairs in a row, so the same few documents are read
    again and again; the oldest entry goes first.
    """

    def __init__(self, size: int = 64) -> None:
        self._size = size
        self._values: dict[int, Value] = {}

    def get(self, key: int) -> Value | None:
        """The value kept for ``key``, if it is still kept."""
        return self._values.get(key)

    def keep(self, key: int, value: Value) -> Value:
        """Keep ``value`` for ``key`` (dropping the oldest when full); returns it."""
        if len(self._values) >= self._size:
            del self._values[next(iter(self._values))]
        self._values[key] = value
        return value
