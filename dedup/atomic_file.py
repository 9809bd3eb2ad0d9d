"""Output files that appear whole or not at all: write beside the target, then rename onto it."""

from __future__ import annotations

import contextlib
import os
import tempfile
from collections.abc import Iterator
from pathlib import Path


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


@contextlib.contextmanager
def replacing(target: Path) -> Iterator[Path]:
    """A temporary path beside ``target``, renamed onto it when the block ends without error.

    An interrupted or failed block (Ctrl-C included) removes the temporary file and leaves an
    existing ``target`` untouched. ``mkstemp`` creates files private to the user (0600); the
    file is given the mode an ordinary ``open()`` would have (0666 less the umask), since
    reports are meant to be shared.
    """
    fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
    os.close(fd)
    path = Path(tmp)
    try:
        path.chmod(0o666 & ~_umask())
        yield path
        path.replace(target)
    except BaseException:
        path.unlink(missing_ok=True)
        raise
