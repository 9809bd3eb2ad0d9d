"""The baseline: read every document into a list, then scan it with everything held in memory.

This is what ``dedup scan`` did before its input was streamed: the same readers, the
same scan, the same JSON, with ``memory_bytes`` so large that nothing is spilled.
``python -m benchmarks.memory.held_scan INPUT.jsonl OUTPUT.json``
"""

from __future__ import annotations

import sys
from pathlib import Path

from dedup import ScanOptions, read_documents, scan
from dedup.report import render


def main(argv: list[str]) -> int:
    source, target = argv
    documents = list(read_documents(source))
    result = scan(documents, options=ScanOptions(memory_bytes=2**62))
    with Path(target).open("w", encoding="utf-8") as out:
        render(result, "json", out)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
