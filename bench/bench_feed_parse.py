"""Feed parsing per entry: feedparser beside the lxml fast path, on the same bytes, same run.

    python -m bench.bench_feed_parse [--runs 5]

Feeds: the ingest benchmark's RSS 2.0 file (bench/corpus/feeds-200x500/feed000.xml, or a
2x500 corpus generated for the purpose), an Atom feed written as jekyll-feed writes them
(HTML content with xml:base, summaries, authors, categories), and a WordPress-style RSS
feed (content:encoded, dc:creator, comments, categories, an atom:link to itself). Prints
ms per entry of each path (best of RUNS), their ratio, and whether both give the same feed.
"""

from __future__ import annotations

import argparse
import random
import time
from collections.abc import Callable
from datetime import UTC, datetime, timedelta
from html import escape
from pathlib import Path

from bench import corpus
from bench.bench_ingest import generate
from bench.machine import describe
from reader.feeds.parse import ParsedFeed, parse_feed_fast, parse_feed_slow
from reader.sources.html import html_to_markdown

URL = "https://blog.example.org/feed.xml"


def _paragraphs(rng: random.Random, pool: list[str]) -> str:
    parts = []
    for n in range(rng.randint(3, 8)):
        text = escape(" ".join(rng.choices(pool, k=rng.randint(2, 5))))
        if n % 3 == 1:
            text += f' <a href="/notes/{n}.html">a note</a> and <code>x = {n}</code>'
        parts.append(f"<p>{text}</p>")
    parts.append('<figure><img src="/img/a.png" alt="A figure"/></figure>')
    parts.append("<ul><li>one</li><li><em>two</em></li></ul>")
    return "".join(parts)


def atom_feed(entries: int) -> bytes:
    """An Atom feed in jekyll-feed's shape."""
    rng = random.Random("bench-atom")
    pool = corpus._sentence_pool(rng)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    items = []
    for n in range(entries):
        when = (start + timedelta(hours=5 * n)).isoformat()
        title = escape(rng.choice(pool)[:60].rstrip(".,"))
        page = f"https://blog.example.org/{n:04d}/post.html"
        items.append(
            f'<entry><title type="html">{title}</title>'
            f'<link href="{page}" rel="alternate" type="text/html" title="{title}"/>'
            f"<published>{when}</published><updated>{when}</updated><id>{page}</id>"
            f'<content type="html" xml:base="{page}">{escape(_paragraphs(rng, pool))}</content>'
            f"<author><name>Ada Writer</name></author>"
            f'<category term="notes"/><category term="python"/>'
            f'<summary type="html">{escape(rng.choice(pool))}</summary></entry>\n'
        )
    text = (
        '<?xml version="1.0" encoding="utf-8"?><feed xmlns="http://www.w3.org/2005/Atom">'
        '<generator uri="https://jekyllrb.com/" version="4.3.2">Jekyll</generator>'
        f'<link href="{URL}" rel="self" type="application/atom+xml"/>'
        '<link href="https://blog.example.org/" rel="alternate" type="text/html"/>'
        "<updated>2025-03-01T00:00:00+00:00</updated><id>https://blog.example.org/feed.xml</id>"
        '<title type="html">A Notebook</title><subtitle>Notes.</subtitle>'
        f"<author><name>Ada Writer</name></author>\n{''.join(items)}</feed>\n"
    )
    return text.encode("utf-8")


def wordpress_feed(entries: int) -> bytes:
    """An RSS 2.0 feed in WordPress's shape."""
    rng = random.Random("bench-wordpress")
    pool = corpus._sentence_pool(rng)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    items = []
    for n in range(entries):
        when = (start + timedelta(hours=7 * n)).strftime("%a, %d %b %Y %H:%M:%S +0000")
        title = escape(rng.choice(pool)[:60].rstrip(".,"))
        page = f"https://news.example.org/{n:04d}/story/"
        items.append(
            f"<item><title>{title}</title><link>{page}</link>"
            f"<comments>{page}#respond</comments><dc:creator><![CDATA[Desk]]></dc:creator>"
            f"<pubDate>{when}</pubDate><category><![CDATA[News]]></category>"
            f'<guid isPermaLink="false">https://news.example.org/?p={n}</guid>'
            f"<description><![CDATA[{rng.choice(pool)} [&#8230;]]]></description>"
            f"<content:encoded><![CDATA[{_paragraphs(rng, pool)}]]></content:encoded>"
            f"<wfw:commentRss>{page}feed/</wfw:commentRss><slash:comments>0</slash:comments>"
            "</item>\n"
        )
    text = (
        '<?xml version="1.0" encoding="UTF-8"?><rss version="2.0" '
        'xmlns:content="http://purl.org/rss/1.0/modules/content/" '
        'xmlns:wfw="http://wellformedweb.org/CommentAPI/" '
        'xmlns:dc="http://purl.org/dc/elements/1.1/" xmlns:atom="http://www.w3.org/2005/Atom" '
        'xmlns:sy="http://purl.org/rss/1.0/modules/syndication/" '
        'xmlns:slash="http://purl.org/rss/1.0/modules/slash/"><channel><title>News</title>'
        f'<atom:link href="{URL}" rel="self" type="application/rss+xml"/>'
        "<link>https://news.example.org/</link><description>Daily</description>"
        "<lastBuildDate>Sat, 01 Mar 2025 00:00:00 +0000</lastBuildDate><language>en-US</language>"
        "<sy:updatePeriod>hourly</sy:updatePeriod><sy:updateFrequency>1</sy:updateFrequency>"
        f"<generator>https://wordpress.org/?v=6.7</generator>\n{''.join(items)}</channel></rss>\n"
    )
    return text.encode("utf-8")


def _best(parse: Callable[[bytes], object], data: bytes, runs: int) -> float:
    best = float("inf")
    for _ in range(runs):
        started = time.perf_counter()
        parse(data)
        best = min(best, time.perf_counter() - started)
    return best


def _same(fast: ParsedFeed | None, slow: ParsedFeed) -> str:
    if fast is None:
        return "declined"
    plain = [(e.id, e.title, e.link, e.published, e.author, e.summary_only) for e in fast.entries]
    other = [(e.id, e.title, e.link, e.published, e.author, e.summary_only) for e in slow.entries]
    heads = (fast.title, fast.link, fast.kind) == (slow.title, slow.link, slow.kind)
    texts = all(
        html_to_markdown(a.content_html, base_url=a.link)
        == html_to_markdown(b.content_html, base_url=b.link)
        for a, b in zip(fast.entries, slow.entries, strict=True)
    )
    return "same feed" if heads and plain == other and texts else "DIFFERENT"


def main() -> None:
    options = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    options.add_argument("--runs", type=int, default=5)
    args = options.parse_args()
    big = corpus.CORPUS_DIR / "feeds-200x500" / "feed000.xml"
    rss = big if big.is_file() else generate(2, 500) / "feed000.xml"
    feeds: list[tuple[str, bytes]] = [
        (str(Path(rss).relative_to(corpus.CORPUS_DIR.parent.parent)), Path(rss).read_bytes()),
        ("Atom, jekyll-feed shape, 100 entries", atom_feed(100)),
        ("RSS 2.0, WordPress shape, 100 entries", wordpress_feed(100)),
    ]
    print(describe())
    for name, data in feeds:
        slow_feed = parse_feed_slow(data, url=URL)
        verdict = _same(parse_feed_fast(data, url=URL), slow_feed)
        count = len(slow_feed.entries)
        slow = _best(lambda d: parse_feed_slow(d, url=URL), data, args.runs) / count * 1000
        fast = _best(lambda d: parse_feed_fast(d, url=URL), data, args.runs) / count * 1000
        print(
            f"{name}: {count} entries, {len(data) / 1024:.0f} KiB; feedparser {slow:.3f} ms/entry, "
            f"fast path {fast:.3f} ms/entry, {slow / fast:.1f}x faster ({verdict})"
        )


if __name__ == "__main__":
    main()
