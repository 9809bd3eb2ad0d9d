import os
import stat
from pathlib import Path

import pytest

from dedup.atomic_file import replacing


def test_the_file_appears_with_the_content_and_no_temporary_is_left(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    with replacing(target) as tmp:
        assert not target.exists()
        tmp.write_text("whole", encoding="utf-8")
    assert target.read_text(encoding="utf-8") == "whole"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


def test_an_interrupted_write_keeps_the_old_file_and_removes_the_temporary(tmp_path: Path) -> None:
    target = tmp_path / "out.json"
    target.write_text("old", encoding="utf-8")

    def write_half() -> None:
        with replacing(target) as tmp:
            tmp.write_text("half", encoding="utf-8")
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        write_half()
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["out.json"]


@pytest.mark.parametrize("umask", [0o022, 0o077, 0o002])
def test_the_file_gets_the_mode_open_would_give_not_mkstemps_private_one(tmp_path: Path, umask: int) -> None:
    old = os.umask(umask)
    try:
        with replacing(tmp_path / "report.html") as tmp:
            tmp.write_text("x", encoding="utf-8")
        (tmp_path / "plain.html").write_text("x", encoding="utf-8")
    finally:
        os.umask(old)
    mode = stat.S_IMODE((tmp_path / "report.html").stat().st_mode)
    assert mode == stat.S_IMODE((tmp_path / "plain.html").stat().st_mode) == 0o666 & ~umask
