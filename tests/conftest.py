"""Shared test fixtures: every test runs with READER_HOME in its own temp dir, and no test
can connect anywhere but the loopback interface."""

from __future__ import annotations

import ipaddress
import socket
import sys
from pathlib import Path
from typing import Any

import pytest

from tests.http_server import http_server  # noqa: F401 (a fixture every test may ask for)

PROJECT_ROOT = Path(__file__).resolve().parent.parent
SAMPLE_DATA = PROJECT_ROOT / "sample_data"


class NetworkRefused(OSError):
    """A test tried to connect somewhere other than 127.0.0.1."""


def _is_loopback(address: Any) -> bool:
    if not isinstance(address, tuple):
        return True  # a Unix socket path, not the network
    try:
        return ipaddress.ip_address(str(address[0]).split("%")[0]).is_loopback
    except ValueError:
        return False


def _guard(event: str, args: tuple[Any, ...]) -> None:
    # An audit hook sees every socket connect in this process, whatever library makes it.
    if event != "socket.connect" or not isinstance(args[0], socket.socket):
        return
    if args[0].family in (socket.AF_INET, socket.AF_INET6) and not _is_loopback(args[1]):
        raise NetworkRefused(f"tests may only connect to 127.0.0.1, not {args[1]!r}")


sys.addaudithook(_guard)


@pytest.fixture(autouse=True)
def reader_home(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> Path:
    """Point READER_HOME at a fresh folder so no test touches a user's data."""
    home = tmp_path_factory.mktemp("reader-home")
    monkeypatch.setenv("READER_HOME", str(home))
    for proxy in ("http_proxy", "https_proxy", "HTTP_PROXY", "HTTPS_PROXY", "ALL_PROXY"):
        monkeypatch.delenv(proxy, raising=False)
    return home
