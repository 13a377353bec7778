"""The pieces of `reader serve` that decide who gets in and what the page may do."""

from __future__ import annotations

from hypothesis import given
from hypothesis import strategies as st

from reader.serve.guard import host_name, is_loopback, origin_matches, same_token
from reader.serve.session import crash_text, opens_safely


def test_loopback_hosts() -> None:
    for host in ("127.0.0.1", "127.8.0.2", "localhost", "::1", "[::1]"):
        assert is_loopback(host), host
    for host in ("0.0.0.0", "::", "192.168.1.4", "example.org", "localhost.evil", ""):
        assert not is_loopback(host), host


def test_the_token_must_match_exactly() -> None:
    assert same_token("s3cret", "s3cret")
    for given_token in (None, "", "s3cre", "s3cret ", "S3cret", "s3cret\x00"):
        assert not same_token(given_token, "s3cret"), given_token


def test_origin_must_be_the_host_the_page_came_from() -> None:
    assert origin_matches("http://127.0.0.1:8765", "127.0.0.1:8765")
    assert origin_matches("https://Reader.Example:443", "reader.example:443")
    for origin in (
        None,
        "null",
        "http://127.0.0.1:8766",
        "http://127.0.0.1",
        "http://evil.example",
        "file://",
        "http://127.0.0.1:8765@evil.example",
    ):
        assert not origin_matches(origin, "127.0.0.1:8765"), origin
    assert not origin_matches("http://127.0.0.1:8765", None)


@given(st.text(), st.text())
def test_origin_and_host_checks_never_raise(origin: str, host: str) -> None:
    assert isinstance(origin_matches(origin, host), bool)
    assert isinstance(host_name(host), str)
    assert isinstance(same_token(origin, "token"), bool)


def test_the_app_may_open_web_pages_only() -> None:
    assert opens_safely("https://example.org/a?b")
    assert opens_safely("http://example.org")
    for url in (
        "javascript:alert(1)",
        "JAVASCRIPT:alert(1)",
        "data:text/html,x",
        "file:///etc",
        "http:/nohost",
        "",
        None,
        3,
        "//example.org",
    ):
        assert not opens_safely(url), url


def test_a_crash_report_is_sanitised_and_short() -> None:
    stderr = (
        b"".join(f"line {n}\n".encode() for n in range(20)) + b"bad \x1b]0;title\x07 \xff end\n"
    )
    text = crash_text(1, stderr).decode()
    assert "status 1" in text and "line 19" in text and "line 5" not in text
    body = text.split("\x1b[H", 1)[1]  # after the report's own clear-screen prefix
    assert "\x1b" not in body and "\x07" not in body
    assert "signal 9" in crash_text(-9, b"").decode()
