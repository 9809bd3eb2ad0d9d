from pathlib import Path

import pytest

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "news"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not present (the shared seed articles live beside the repository)")
    return SEEDS
