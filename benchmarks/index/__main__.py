"""``python -m benchmarks.index``: see ``benchmarks.index.bench``."""

from benchmarks.index.bench import main

raise SystemExit(main())
