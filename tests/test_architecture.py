"""The core never imports Textual, its layers keep their distance, and every module stays
small and documented. The core's modules are found on disk, never listed by hand."""

from __future__ import annotations

import ast
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import PROJECT_ROOT

PACKAGE = PROJECT_ROOT / "reader"
UI = PACKAGE / "ui"
LAUNCHERS = {"reader.cli", "reader.__main__"}
"""Modules that start the app, so may import the UI lazily, inside a function."""


def _name(path: Path) -> str:
    parts = path.relative_to(PROJECT_ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def core_files() -> list[Path]:
    """Every module of the package outside reader/ui."""
    return sorted(path for path in PACKAGE.rglob("*.py") if not path.is_relative_to(UI))


def core_modules() -> list[str]:
    """The importable names of the core's modules (running `reader.__main__` starts the CLI)."""
    return [_name(path) for path in core_files() if path.name != "__main__.py"]


def _imports(path: Path) -> set[str]:
    """Every module `path` imports, at the top or inside a function, absolute names."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found.add(node.module)
            found.update(f"{node.module}.{alias.name}" for alias in node.names)
    return found


def _within(name: str, package: str) -> bool:
    return name == package or name.startswith(package + ".")


_PROBE = """
import importlib, sys
for name in sys.argv[1:]:
    importlib.import_module(name)
    if "textual" in sys.modules:
        print(name)
        break
"""


def _textual_importers(modules: list[str]) -> str:
    """The first of `modules` whose import pulls Textual in, or empty."""
    command = [sys.executable, "-c", _PROBE, *modules]
    result = subprocess.run(command, capture_output=True, text=True, check=True)
    return result.stdout.strip()


def test_the_core_is_found_on_disk() -> None:
    modules = core_modules()
    assert {"reader.files", "reader.store.fileio", "reader.cli", "reader.web.save"} <= set(modules)
    assert not [name for name in modules if _within(name, "reader.ui")]
    assert len(modules) == len(core_files()) - 1  # all but __main__


def test_no_core_module_imports_textual_when_loaded() -> None:
    assert _textual_importers(core_modules()) == ""


def test_probe_detects_textual_when_it_is_imported() -> None:
    # The check above must be able to fail: importing the UI does pull Textual in.
    assert _textual_importers(["reader.models", "reader.ui.app"]) == "reader.ui.app"


@pytest.mark.parametrize("path", [p for p in core_files() if _name(p) not in LAUNCHERS], ids=_name)
def test_core_module_never_imports_the_ui_even_lazily(path: Path) -> None:
    imported = _imports(path)
    assert not [n for n in imported if _within(n, "textual") or _within(n, "reader.ui")]


def test_the_store_format_and_the_web_layer_keep_apart() -> None:
    # Files are written through reader.files; the store's file format is its own business,
    # and saving pages never reaches into the store.
    for path in core_files():
        name, imported = _name(path), _imports(path)
        if not _within(name, "reader.store"):
            assert "reader.store.fileio" not in imported, name
        if _within(name, "reader.web"):
            assert not [n for n in imported if _within(n, "reader.store")], name


def test_the_lazy_import_scan_sees_an_import_inside_a_function(tmp_path: Path) -> None:
    probe = tmp_path / "probe.py"
    probe.write_text("def f():\n    from reader.ui.app import ReaderApp\n", encoding="utf-8")
    assert "reader.ui.app" in _imports(probe)


def _python_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


@pytest.mark.parametrize("path", _python_files(), ids=lambda p: str(p.relative_to(PROJECT_ROOT)))
def test_module_is_small_and_has_a_docstring(path: Path) -> None:
    source = path.read_text(encoding="utf-8")
    assert ast.get_docstring(ast.parse(source)), f"{path.name} has no module docstring"
    assert source.count("\n") <= 500, f"{path.name} is over 500 lines: split it"


def test_the_app_loads_neither_the_search_engine_nor_the_folder_watcher_at_start() -> None:
    # They are loaded on first use, after the first frame: start-up must not pay for them
    # (nor for ctypes, used to flush a batch of files, or the CLI's article printer).
    late = ("tantivy", "watchfiles", "ctypes", "reader.render")
    code = f"import sys, reader.ui.app; print(sorted(m for m in {late!r} if m in sys.modules))"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True
    )
    assert result.stdout.strip() == "[]"


def _calls(path: Path, name: str) -> int:
    """How many calls of a function or method called `name` `path` makes."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    return sum(
        isinstance(node, ast.Call)
        and (getattr(node.func, "id", None) == name or getattr(node.func, "attr", None) == name)
        for node in ast.walk(tree)
    )


def test_front_ends_refresh_a_library_only_through_the_one_pipeline() -> None:
    # Scan -> re-link -> sync is put together once, in reader/refresh.py; the CLI and the
    # UI call that. (`session` re-links once more after a command wrote, to record ids.)
    allowed = {"reader/refresh.py": 1, "reader/cli/userdata.py": 1}
    for path in [*(PACKAGE / "cli").rglob("*.py"), *UI.rglob("*.py"), PACKAGE / "refresh.py"]:
        where = str(path.relative_to(PROJECT_ROOT))
        assert _calls(path, "relink_annotations") == allowed.get(where, 0), where
    front_ends = [*(PACKAGE / "cli").rglob("*.py"), *UI.rglob("*.py")]
    users = sorted(p.name for p in UI.rglob("*.py") if "reader.refresh" in _imports(p))
    assert users == ["library_keeper.py"]
    assert all(_calls(path, "scan_changed") == 0 for path in front_ends)
