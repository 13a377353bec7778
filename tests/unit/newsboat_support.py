"""Real Newsboat caches for tests: `newsboat -x reload` run on feed files written here."""

from __future__ import annotations

import os
import shutil
import sqlite3
import subprocess
from pathlib import Path

NEWSBOAT = shutil.which("newsboat")

NEWS = """<?xml version="1.0" encoding="utf-8"?>
<rss version="2.0"><channel><title>Example News</title><link>https://news.example.com/</link>
<description>News</description>
<item><title>First story</title><link>https://news.example.com/1</link>
<guid>https://news.example.com/1</guid><pubDate>Mon, 02 Jun 2025 10:00:00 +0000</pubDate>
<author>ann@example.com (Ann)</author>
<description>&lt;p&gt;Body &lt;b&gt;one&lt;/b&gt;&lt;/p&gt;</description></item>
<item><title>Second story</title><link>https://news.example.com/2</link><guid>n2</guid>
<pubDate>Tue, 03 Jun 2025 10:00:00 +0000</pubDate><description>Body two</description></item>
<item><title>Third story</title><link>https://news.example.com/3</link><guid>n3</guid>
<pubDate>Wed, 04 Jun 2025 10:00:00 +0000</pubDate><description>Body three</description></item>
</channel></rss>
"""

BLOG = """<?xml version="1.0" encoding="utf-8"?>
<feed xmlns="http://www.w3.org/2005/Atom"><title>A Blog [with] brackets</title>
<id>urn:blog</id><updated>2025-06-05T00:00:00Z</updated>
<entry><title>Post &amp; more</title><id>urn:blog:1</id><link href="https://blog.example.org/p1"/>
<updated>2025-06-05T08:00:00Z</updated>
<content type="html">&lt;p&gt;Caf\u00e9 text&lt;/p&gt;</content>
</entry>
<entry><title>No link post</title><id>urn:blog:2</id><updated>2025-06-06T08:00:00Z</updated>
<content type="html">&lt;p&gt;Only text&lt;/p&gt;</content></entry>
</feed>
"""


def make_cache(folder: Path) -> Path:
    """A cache.db made by Newsboat itself from two feed files in `folder`."""
    assert NEWSBOAT is not None
    (folder / "news.xml").write_text(NEWS, encoding="utf-8")
    (folder / "blog.xml").write_text(BLOG, encoding="utf-8")
    urls = folder / "urls"
    urls.write_text(
        f'file://{folder / "news.xml"} "news" "~My News"\nfile://{folder / "blog.xml"} blogs\n',
        encoding="utf-8",
    )
    cache = folder / "cache.db"
    environment = {
        **os.environ,
        "HOME": str(folder),
        "XDG_CONFIG_HOME": str(folder),
        "XDG_DATA_HOME": str(folder),
    }
    subprocess.run(
        [NEWSBOAT, "-u", str(urls), "-c", str(cache), "-C", os.devnull, "-x", "reload"],
        env=environment,
        check=True,
        capture_output=True,
        timeout=120,
        stdin=subprocess.DEVNULL,
    )
    return cache


def mark_like_a_reader(cache: Path) -> None:
    """What a Newsboat user leaves behind: read items, flags, a deleted item."""
    with sqlite3.connect(cache) as connection:
        connection.execute("UPDATE rss_item SET unread = 0 WHERE guid = 'n2'")
        connection.execute("UPDATE rss_item SET flags = 'sA' WHERE guid = 'n3'")
        connection.execute("UPDATE rss_item SET deleted = 1 WHERE guid = 'urn:blog:2'")
    connection.close()


if (
    __name__ == "__main__"
):  # regenerate the checked-in fixture: python -m tests.unit.newsboat_support
    import tempfile

    with tempfile.TemporaryDirectory() as temporary:
        made = make_cache(Path(temporary))
        mark_like_a_reader(made)
        target = (
            Path(__file__).resolve().parent.parent / "fixtures" / "imports" / "newsboat_cache.db"
        )
        with sqlite3.connect(made) as source, sqlite3.connect(target) as copy:
            source.backup(copy)
        source.close()
        copy.close()
        with sqlite3.connect(target) as vacuum:
            vacuum.execute("VACUUM")
        vacuum.close()
