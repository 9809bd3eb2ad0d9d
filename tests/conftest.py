import os
from pathlib import Path

import pytest
from hypothesis import HealthCheck, settings

# Locally hypothesis explores new random inputs on every run (and replays failures from
# .hypothesis/); under CI=true it draws the same inputs every run, so a CI verdict can be
# reproduced and a new failure shows up in a local run first.
# A loaded machine can make input generation slow: that says nothing about the code under
# test, so the too_slow health check does not fail a CI run.
settings.register_profile(
    "ci", derandomize=True, database=None, print_blob=True, suppress_health_check=[HealthCheck.too_slow]
)
if os.environ.get("CI") == "true":
    settings.load_profile("ci")

SHARED = Path(__file__).resolve().parents[1].parent / "shared"
SEEDS = SHARED / "seeds"
EXAMPLES = Path(__file__).resolve().parents[1] / "examples" / "news"


@pytest.fixture
def seeds_dir() -> Path:
    if not SEEDS.is_dir():
        pytest.skip(f"{SEEDS} not present (the shared seed articles live beside the repository)")
    return SEEDS
