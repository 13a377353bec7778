"""No terminal escape, control or bidi override from outside reaches the terminal: real files
with hostile names, a real HTTP server with hostile reasons, and the real CLI in a process."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sanitize import safe_json, safe_line, safe_text
from tests.http_server import LoopbackServer, Route

HOSTILE = re.compile(rb"\x1b|\x07|\xc2[\x80-\x9f]|\xe2\x80[\xaa-\xae]|\xe2\x81[\xa6-\xa9]")
"""ESC, BEL, C1 controls and bidi overrides and isolates, as UTF-8 bytes."""
NAME = "esc\x1b]2;PWNED\x07n.txt"
BIDI_NAME = "bidi\u202egnp.exe.txt"
FRONT = (
    '---\ntitle: "Ti\\e]2;PWNED\\atle \\u202e kettles"\nauthor: "\\x9b31mAuth"\n'
    'tags: ["t\\e[31mag"]\n---\n\nKettles boil in the [link](http://x/\\e]8;;y\\a).\n'
)


def reader(*argv: str, home: Path) -> subprocess.CompletedProcess[bytes]:
    env = {**os.environ, "READER_HOME": str(home), "COLUMNS": "100"}
    return subprocess.run(
        [sys.executable, "-m", "reader", *argv], capture_output=True, env=env, timeout=120
    )


def assert_inert(done: subprocess.CompletedProcess[bytes]) -> None:
    assert b"Traceback" not in done.stderr
    for stream in (done.stdout, done.stderr):
        found = HOSTILE.search(stream)
        assert found is None, stream[max(0, found.start() - 40) : found.end() + 40]


@pytest.fixture
def hostile_library(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    (folder / NAME).write_text("Escapes in a name.\n\nSome words about kettles.\n")
    (folder / BIDI_NAME).write_text("Bidi words about kettles.\n")
    (folder / "front.md").write_text(FRONT)
    (folder / "bin\x1b[31m\u202e.txt").write_bytes(b"\x00\x01\x02" * 100)  # a problem line
    return folder


def test_list_show_search_bookmarks_and_notes_print_no_escapes(
    hostile_library: Path, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    lib = str(hostile_library)
    listed = reader("list", "-l", lib, home=home)
    assert_inert(listed)
    assert listed.returncode == 0 and b"kettles" in listed.stdout
    as_json = reader("list", "--json", "-l", lib, home=home)
    assert_inert(as_json)
    records = [json.loads(line) for line in as_json.stdout.splitlines()]
    assert len(records) == 3
    for record in records:
        for command in (("show",), ("show", "--plain")):
            shown = reader(*command, record["id"], "-l", lib, home=home)
            assert_inert(shown)
            assert shown.returncode == 0
        assert_inert(reader("bookmark", record["id"], "--tag", "x", "-l", lib, home=home))
        assert_inert(reader("note", record["id"], "a note", "-l", lib, home=home))
    for command in (
        ("search", "kettles"),
        ("search", "--json", "kettles"),
        ("bookmarks",),
        ("bookmarks", "--json"),
        ("notes",),
        ("notes", "--json"),
    ):
        done = reader(*command, "-l", lib, home=home)
        assert_inert(done)
        assert done.returncode == 0, done


class RawServer:
    """A server that answers every request with the same raw bytes (any status line)."""

    def __init__(self, answer: bytes) -> None:
        self.answer = answer
        self.sock = socket.create_server(("127.0.0.1", 0))
        self.thread = threading.Thread(target=self._serve, daemon=True)
        self.thread.start()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.sock.getsockname()[1]}/page"

    def _serve(self) -> None:
        while True:
            try:
                conn, _ = self.sock.accept()
            except OSError:
                return
            with conn:
                conn.recv(65536)
                conn.sendall(self.answer)

    def close(self) -> None:
        self.sock.close()


@pytest.fixture
def hostile_reason() -> Iterator[RawServer]:
    server = RawServer(
        b"HTTP/1.1 500 Bad\x1b]2;PWNED\x07 \xe2\x80\xae\x9b31m thing\r\n"
        b"Content-Length: 0\r\nConnection: close\r\n\r\n"
    )
    yield server
    server.close()


@pytest.fixture
def hostile_type() -> Iterator[RawServer]:
    server = RawServer(
        b"HTTP/1.1 200 OK\r\nContent-Type: image/x\x1b]2;PWNED\x07\x9b31m\r\n"
        b"Content-Length: 2\r\nConnection: close\r\n\r\nhi"
    )
    yield server
    server.close()


def test_add_errors_carry_no_escapes_from_the_reason_or_type(
    hostile_reason: RawServer, hostile_type: RawServer, tmp_path: Path
) -> None:
    for server, words in ((hostile_reason, b"500 Bad"), (hostile_type, b"not a web page")):
        done = reader("add", server.url, home=tmp_path / "home")
        assert_inert(done)
        assert done.returncode != 0 and words in done.stderr


def test_feed_titles_and_stored_feed_errors_carry_no_escapes(
    hostile_reason: RawServer, http_server: LoopbackServer, tmp_path: Path
) -> None:
    home = tmp_path / "home"
    feed = (
        b"<rss version='2.0'><channel><title>Fe&#x9d;2;PWNED&#x9c;ed &#x202e;eltit</title>"
        b"<item><title>One&#x9b;31m</title><guid>1</guid><description>Body.</description></item>"
        b"</channel></rss>"
    )
    http_server.routes["/feed"] = Route(feed, content_type="application/rss+xml")
    added = reader("feeds", "add", http_server.url("/feed"), home=home)
    assert_inert(added)
    assert added.returncode == 0 and b"Subscribed to Fe" in added.stdout
    # The feed now answers with a hostile reason: the error is stored, then listed.
    broken = reader("feeds", "add", hostile_reason.url, home=home)
    assert_inert(broken)
    http_server.routes["/feed"] = Route(
        status=302, headers={"Location": hostile_reason.url}, content_type="text/plain"
    )
    refreshed = reader("feeds", "refresh", home=home)
    assert_inert(refreshed)
    assert b"failed" in refreshed.stdout
    listed = reader("feeds", "list", home=home)
    assert_inert(listed)
    assert b"error: " in listed.stdout
    exported = reader("feeds", "export", home=home)
    assert_inert(exported)
    assert exported.returncode == 0 and b"<opml" in exported.stdout
    assert_inert(reader("list", home=home))


# The sanitiser itself ------------------------------------------------------------------


def test_safe_line_removes_sequences_whole_and_keeps_plain_text() -> None:
    assert safe_line("a\x1b]2;PWNED\x07b") == "ab"
    assert safe_line("a\x1b[31mred\x1b[0m") == "ared"
    assert safe_line("a\x9b31mb") == "ab"
    assert safe_line("a\x9d0;t\x9cb") == "ab"
    assert safe_line("x\u202eevil\u2066y\u2069") == "xevily"
    assert safe_line("two\nlines\tand\rcr") == "two lines and cr"
    assert safe_line(Path("caf\udcc3.txt")) == "caf\\xc3.txt"
    assert safe_line("naïve — 日本語 ✓") == "naïve — 日本語 ✓"


def test_safe_text_keeps_lines_and_tabs() -> None:
    assert safe_text("a\r\nb\rc\td\x1b[2Je\x07") == "a\nb\nc\tde"


def test_safe_json_keeps_the_data_and_escapes_the_rest() -> None:
    record = {"title": "a\x9b31m\u202eb\u2028c"}
    text = safe_json(json.dumps(record, ensure_ascii=False))
    assert json.loads(text) == record
    assert HOSTILE.search(text.encode("utf-8", "surrogatepass")) is None


@given(st.text())
def test_nothing_a_terminal_acts_on_survives(text: str) -> None:
    for shown in (safe_line(text), safe_text(text)):
        data = shown.encode("utf-8")  # never a lone surrogate: printing cannot fail
        assert HOSTILE.search(data) is None
        assert not re.search(r"[\x00-\x08\x0b-\x1f\x7f]", shown)
    assert "\n" not in safe_line(text) and "\t" not in safe_line(text)
