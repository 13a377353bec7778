"""The test suite cannot reach the network: only loopback connections are allowed."""

from __future__ import annotations

import socket
import urllib.request

import pytest

from tests.conftest import NetworkRefused
from tests.http_server import LoopbackServer, Route


def test_connect_to_a_public_address_is_refused() -> None:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock, pytest.raises(NetworkRefused):
        sock.connect(("93.184.215.14", 80))


def test_loopback_server_answers(http_server: LoopbackServer) -> None:
    http_server.routes["/hello"] = Route(b"hi", content_type="text/plain")
    with urllib.request.urlopen(http_server.url("/hello"), timeout=5) as answer:
        assert answer.read() == b"hi"
    assert http_server.hits("/hello") == 1
