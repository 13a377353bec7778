"""The core never imports Textual, and every module stays small and documented."""

from __future__ import annotations

import ast
import subprocess
import sys

import pytest

from tests.conftest import PROJECT_ROOT

CORE_MODULES = [
    "reader.models",
    "reader.paths",
    "reader.config",
    "reader.sources",
    "reader.library",
    "reader.render",
    "reader.search",
    "reader.store",
    "reader.cli",
    "reader.web",
    "reader.web.fetch",
    "reader.web.save",
    "reader.feeds",
    "reader.feeds.refresh",
    "reader.sources.html",
    "reader.samples",
    "reader.watch",
    "reader.refresh",
]


@pytest.mark.parametrize("module", CORE_MODULES)
def test_core_module_does_not_import_textual(module: str) -> None:
    code = f"import sys, {module}; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "False"


def test_probe_detects_textual_when_it_is_imported() -> None:
    # The check above must be able to fail: importing the UI does pull Textual in.
    code = "import sys, reader.ui.app; print('textual' in sys.modules)"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "True"


def _python_files() -> list:
    return sorted((PROJECT_ROOT / "reader").rglob("*.py"))


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_module_is_small_and_has_a_docstring(path) -> None:
    source = path.read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(source)), f"{path.name} has no module docstring"
    assert source.count("\n") <= 500, f"{path.name} is over 500 lines: split it"


def test_the_app_loads_neither_the_search_engine_nor_the_folder_watcher_at_start() -> None:
    # Both are loaded on first use, after the first frame: start-up must not pay for them.
    code = (
        "import sys, reader.ui.app; "
        "print(sorted(m for m in ('tantivy', 'watchfiles') if m in sys.modules))"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"
