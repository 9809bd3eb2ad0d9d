import types

import dedup


def test_all_lists_exactly_the_public_names() -> None:
    public = {
        n for n, v in vars(dedup).items() if not n.startswith("_") and not isinstance(v, types.ModuleType)
    }
    assert sorted(dedup.__all__) == dedup.__all__
    assert set(dedup.__all__) == public | {"__version__"}


def test_front_door_runs_the_pipeline() -> None:
    text = (
        "The harbour council voted seven to two on Tuesday night to build a tidal barrier across the river."
    )
    result = dedup.scan([dedup.Document("a", "Intro. " + text), dedup.Document("b", text + " Outro.")])
    assert isinstance(result, dedup.ScanResult)
    assert [type(m) for m in result.matches] == [dedup.Match]
    assert dedup.passage_similarity(text, text.upper()) == 1.0
