"""Feed benchmark: parse time and refresh time per feed, on the test fixtures served locally.

Run: `.venv/bin/python -m bench.bench_feeds` (add `--runs N`). Serves each fixture feed
(plus a generated 200-entry feed) from a server on 127.0.0.1 with an ETag, then prints per
feed: the median `parse_feed` time, the first refresh (fetch, parse, convert each entry to
Markdown, write the files) and an unchanged refresh (a 304 answer); then a cold refresh of
every feed at once in parallel, and how long the unsafe or unreadable fixtures take to refuse.
"""

from __future__ import annotations

import argparse
import os
import statistics
import tempfile
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

from bench.machine import describe

FIXTURES = Path(__file__).resolve().parent.parent / "tests" / "fixtures" / "feeds"
READABLE = [
    "rss091.xml",
    "rss10.rdf",
    "rss20_content.xml",
    "rss20_summary.xml",
    "atom10.xml",
    "malformed.xml",
]
REFUSED = ["unreadable.xml", "billion_laughs.xml", "xxe.xml", "webpage.html"]


def generated(entries: int = 200) -> bytes:
    """A feed of many entries, each a few paragraphs of HTML."""
    paragraph = "<p>The ferry left at dawn, the harbour was calm and the gulls followed. </p>"
    items = "".join(
        f"<item><title>Entry {n}</title><link>http://big.example/{n}</link>"
        f"<guid>big-{n}</guid><pubDate>Mon, 03 Feb 2025 17:00:00 +0000</pubDate>"
        f"<description><![CDATA[<h2>Part {n}</h2>{paragraph * 12}]]></description></item>"
        for n in range(entries)
    )
    return f'<rss version="2.0"><channel><title>Big Feed</title>{items}</channel></rss>'.encode()


def serve(feeds: dict[str, bytes]) -> tuple[ThreadingHTTPServer, str]:
    """A loopback server answering each path with its feed, and 304 to a matching ETag."""

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def do_GET(self) -> None:  # named as http.server calls it
            name = self.path.strip("/")
            body = feeds.get(name)
            tag = f'"{name}"'
            if body is not None and self.headers.get("If-None-Match") == tag:
                self.send_response(304)
                self.send_header("Content-Length", "0")
                self.end_headers()
                return
            self.send_response(200 if body is not None else 404)
            self.send_header("Content-Type", "application/rss+xml")
            self.send_header("Content-Length", str(len(body or b"")))
            self.send_header("ETag", tag)
            self.end_headers()
            self.wfile.write(body or b"")

        def log_message(self, *_args: object) -> None:
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.daemon_threads = True
    threading.Thread(target=server.serve_forever, daemon=True).start()
    host, port = server.server_address[:2]
    return server, f"http://{host!s}:{port}"


def median_ms(action: Callable[[], object], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        action()
        times.append(time.perf_counter() - start)
    return statistics.median(times) * 1000


def fresh_home() -> None:
    os.environ["READER_HOME"] = tempfile.mkdtemp(prefix="bench-feeds-")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per parse timing")
    runs = parser.parse_args().runs
    from reader.feeds.parse import FeedError, parse_feed
    from reader.feeds.refresh import refresh, subscribe
    from reader.feeds.registry import FeedRegistry
    from reader.sources.html import html_to_markdown

    html_to_markdown("<p>warm-up</p>")  # its imports are not part of any feed's time
    feeds = {name: (FIXTURES / name).read_bytes() for name in READABLE}
    feeds["generated-200.xml"] = generated()
    server, base = serve(feeds)
    print(describe())
    print(f"{'feed':<20} {'bytes':>8} {'entries':>7} {'parse':>9} {'1st refresh':>12} {'304':>8}")
    fresh_home()
    with FeedRegistry.open() as registry:
        for name, data in feeds.items():
            parsed = parse_feed(data)
            parse = median_ms(lambda data=data: parse_feed(data), runs)
            start = time.perf_counter()
            sub, result = subscribe(registry, f"{base}/{name}")
            first = (time.perf_counter() - start) * 1000
            unchanged = median_ms(lambda sub=sub: refresh(registry, [sub.name]), runs)
            assert result.new == len(parsed.entries)
            print(
                f"{name:<20} {len(data):>8,} {len(parsed.entries):>7} {parse:>7.2f}ms"
                f" {first:>10.1f}ms {unchanged:>6.1f}ms"
            )
    fresh_home()
    with FeedRegistry.open() as registry:
        for name in feeds:
            registry.add(f"{base}/{name}", name)
        start = time.perf_counter()
        results = refresh(registry)
        total = time.perf_counter() - start
    entries = sum(r.new for r in results)
    print(f"parallel cold refresh of {len(results)} feeds ({entries} entries): {total:.2f} s")
    for name in REFUSED:
        data = (FIXTURES / name).read_bytes()
        start = time.perf_counter()
        try:
            parse_feed(data)
            reason = "read"
        except FeedError as error:
            reason = str(error)
        print(f"refused {name}: {(time.perf_counter() - start) * 1000:.2f} ms: {reason}")
    server.shutdown()


if __name__ == "__main__":
    main()
