"""The app's folders: READER_HOME, else the platform's own (XDG on Linux)."""

from __future__ import annotations

import sys
from pathlib import Path

import platformdirs
import pytest

from reader import paths


@pytest.mark.parametrize("kind", ["data", "cache", "config"])
@pytest.mark.parametrize("value", [None, "", "  ", "/srv/xdg"])
def test_platform_folders_match_platformdirs(
    kind: str, value: str | None, monkeypatch: pytest.MonkeyPatch
) -> None:
    variable = f"XDG_{kind.upper()}_HOME"
    if value is None:
        monkeypatch.delenv(variable, raising=False)
    else:
        monkeypatch.setenv(variable, value)
    expected: Path = getattr(platformdirs, f"user_{kind}_path")(paths.APP_NAME)
    assert paths._platform(kind) == expected


def test_a_search_does_not_import_platformdirs_on_linux(tmp_path: Path) -> None:
    import subprocess

    if not sys.platform.startswith("linux"):
        pytest.skip("elsewhere platformdirs decides")
    code = (
        "import sys; from reader import paths; paths.cache_dir(); "
        "print('platformdirs' in sys.modules)"
    )
    env = {"HOME": str(tmp_path), "PATH": "/usr/bin:/bin"}
    done = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, env=env
    )
    assert done.stdout.strip() == "False"
