"""Hypothesis strategies for RSS 2.0 and Atom documents, and how to compare two parsed feeds."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from email.utils import format_datetime
from xml.sax.saxutils import escape, quoteattr

from hypothesis import strategies as st

from reader.feeds.parse import ParsedFeed
from reader.sources.html import html_to_markdown

ATOM_NS = "http://www.w3.org/2005/Atom"
CONTENT_NS = "http://purl.org/rss/1.0/modules/content/"
DC_NS = "http://purl.org/dc/elements/1.1/"

# Text with the characters and pieces that markup, entities and encodings trip on.
_TOKENS = st.sampled_from(
    list("abc XYZ 019 &<>\"';:/#?=.-_")
    + ["é", "ü", "€", "中", "😀", "&amp;", "&lt;b&gt;", "</i>", "\u00a0", "’", "\x85", "Ã©"]
)
TEXT = st.lists(_TOKENS, max_size=16).map("".join)
WORDS = st.text(st.sampled_from(list("abcdefghij ") + ["é", "&", "<", ">", "'", '"']), max_size=20)


_REFERENCES = ["&nbsp;", "&copy;", "&#8217;", "&#x2019;", "&bogus;", "&amp", "&lt", "&copy2"]
_REFERENCES += ["&#65", "&#0;", "&#x1F600;", "&hellip;", "&NewLine;", "& ", "&#128;", "&#150;"]
_SHAPES = ["p", "em", "a", "ul", "br", "text", "pre", "h2", "entity", "img", "table", "nest"]
_SHAPES += ["attrs", "blockquote", "code", "strong", "hr"]


@st.composite
def html_bodies(draw: st.DrawFn, xml: bool = False) -> str:
    """HTML as feeds write it: paragraphs, emphasis, links, lists, tables, images, entities
    (well-formed XML when `xml`, as inline XHTML must be)."""
    parts = []
    for _ in range(draw(st.integers(0, 5))):
        words = escape(draw(WORDS))
        shape = draw(st.sampled_from(_SHAPES))
        if shape == "a":
            href = draw(st.sampled_from(["/rel/x", "http://h.example/a?b=1&c=2", "#top", "x.html"]))
            parts.append(f"<a href={quoteattr(href)}>{words}</a>")
        elif shape == "ul":
            parts.append(f"<ul><li>{words}</li><li>two</li></ul>")
        elif shape == "br":
            parts.append(f"{words}<br/>")
        elif shape == "text":
            parts.append(words)
        elif shape == "entity":
            refs = draw(st.lists(st.sampled_from(_REFERENCES), min_size=1, max_size=3))
            parts.append(words + "".join(r for r in refs if not xml or r.startswith("&#")))
        elif shape == "img":
            parts.append(f'<img src="/i.png" alt="{words}"/>')
        elif shape == "table":
            parts.append(f"<table><tr><th>h</th></tr><tr><td>{words}</td></tr></table>")
        elif shape == "nest":
            parts.append(f"<div><p>{words} <em>x <strong>y</strong></em></p></div>")
        elif shape == "attrs":
            parts.append(f'<p class="c" style="color: red" onclick="x()" id="i">{words}</p>')
        elif shape == "hr":
            parts.append("<hr/>")
        else:
            parts.append(f"<{shape}>{words}</{shape}>")
    return "".join(parts)


@st.composite
def dates(draw: st.DrawFn) -> str:
    """A date in one of the forms feeds use (RFC 822 with names or offsets, W3C-DTF)."""
    moment = datetime(2001, 1, 1, tzinfo=UTC) + timedelta(
        seconds=draw(st.integers(0, 30 * 365 * 86400))
    )
    offset = timezone(timedelta(minutes=draw(st.sampled_from([0, 60, -300, 330, -90]))))
    local = moment.astimezone(offset)
    form = draw(st.sampled_from(["rfc822", "gmt", "iso", "isoz", "isofrac", "date", "junk"]))
    if form == "rfc822":
        return format_datetime(local)
    if form == "gmt":
        return format_datetime(moment, usegmt=True)
    if form == "iso":
        return local.isoformat()
    if form == "isoz":
        return moment.strftime("%Y-%m-%dT%H:%M:%SZ")
    if form == "isofrac":
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    if form == "date":
        return moment.strftime("%Y-%m-%d")
    return draw(st.sampled_from(["yesterday", "", "2024-13-45", "Mon, 32 Foo 2020"]))


def _maybe(draw: st.DrawFn, value: str) -> str:
    return value if draw(st.booleans()) else ""


def _text_element(draw: st.DrawFn, name: str, text: str) -> str:
    """The text escaped, in CDATA, or as character references."""
    how = draw(st.sampled_from(["escape", "cdata", "charref"]))
    if how == "cdata" and "]]>" not in text:
        return f"<{name}><![CDATA[{text}]]></{name}>"
    if how == "charref":
        body = "".join(f"&#{ord(c)};" if not c.isalnum() else c for c in text)
        return f"<{name}>{body}</{name}>"
    return f"<{name}>{escape(text)}</{name}>"


@st.composite
def rss_items(draw: st.DrawFn, number: int) -> str:
    parts = ["<item>"]
    if draw(st.booleans()):
        parts.append(_text_element(draw, "title", draw(TEXT)))
    link = draw(st.sampled_from(["", f"http://r.example/p/{number}", f"/rel/{number}"]))
    if link:
        parts.append(f"<link>{escape(link + draw(st.sampled_from(['', '?a=1&b=2'])))}</link>")
    guid = draw(st.sampled_from(["", f"g-{number}", f"http://r.example/g/{number}"]))
    if guid:
        permalink = draw(st.sampled_from(["", ' isPermaLink="false"', ' isPermaLink="true"']))
        parts.append(f"<guid{permalink}>{escape(guid)}</guid>")
    if draw(st.booleans()):
        parts.append(f"<pubDate>{escape(draw(dates()))}</pubDate>")
    if draw(st.booleans()):
        parts.append(f"<dc:date>{escape(draw(dates()))}</dc:date>")
    author = draw(
        st.sampled_from(["", "a@b.example (Ann Bee)", "Ann Bee <a@b.example>", "Ann", "x@y.z"])
    )
    if author:
        name = draw(st.sampled_from(["author", "dc:creator"]))
        parts.append(f"<{name}>{escape(author)}</{name}>")
    if draw(st.booleans()):
        parts.append(_text_element(draw, "description", draw(html_bodies())))
    if draw(st.booleans()):
        parts.append(_text_element(draw, "content:encoded", draw(html_bodies())))
    if draw(st.booleans()):
        parts.append('<category domain="x">Cats</category><comments>/c</comments>')
    parts.append("</item>")
    return "".join(parts)


@st.composite
def rss_documents(draw: st.DrawFn) -> bytes:
    """An RSS 2.0 document with random items and optional fields."""
    items = "".join(draw(rss_items(n)) for n in range(draw(st.integers(1, 4))))
    head = _text_element(draw, "title", draw(TEXT)) + _maybe(draw, "<link>http://r.example/</link>")
    extra = _maybe(draw, "<description>About</description><language>en</language>")
    text = (
        f'<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0" '
        f'xmlns:content="{CONTENT_NS}" xmlns:dc="{DC_NS}"><channel>{head}{extra}'
        f"{items}</channel></rss>"
    )
    return text.encode("utf-8")


@st.composite
def rdf_documents(draw: st.DrawFn) -> bytes:
    """An RSS 1.0 (RDF) document: the channel, then items with rdf:about or without."""
    items = []
    for n in range(draw(st.integers(1, 3))):
        item = draw(rss_items(n))
        about = draw(
            st.sampled_from(["", f' rdf:about="http://r.example/a/{n}"', ' rdf:about=" /x "'])
        )
        items.append(item.replace("<item>", f"<item{about}>", 1))
    title = _text_element(draw, "title", draw(TEXT))
    text = (
        '<?xml version="1.0" encoding="utf-8"?>\n<rdf:RDF '
        'xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" '
        f'xmlns="http://purl.org/rss/1.0/" xmlns:content="{CONTENT_NS}" xmlns:dc="{DC_NS}">'
        f'<channel rdf:about="http://r.example/">{title}<link>http://r.example/</link>'
        "<items><rdf:Seq><rdf:li rdf:resource='http://r.example/a/0'/></rdf:Seq></items>"
        f"</channel>{''.join(items)}</rdf:RDF>"
    )
    return text.encode("utf-8")


@st.composite
def atom_texts(draw: st.DrawFn, name: str, html_ok: bool) -> str:
    kinds = ["", "text", "html"] + (["xhtml"] if html_ok else [])
    kind = draw(st.sampled_from(kinds))
    attr = f' type="{kind}"' if kind else ""
    if kind == "xhtml":
        body = draw(html_bodies(xml=True))
        return f'<{name}{attr}><div xmlns="http://www.w3.org/1999/xhtml">{body}</div></{name}>'
    text = draw(html_bodies()) if html_ok else draw(TEXT)
    return f"<{name}{attr}>{escape(text)}</{name}>"


def _person(draw: st.DrawFn) -> str:
    name = _maybe(draw, f"<name>{escape(draw(TEXT))}</name>")
    email = _maybe(draw, "<email>p@q.example</email>")
    uri = _maybe(draw, "<uri>http://q.example/</uri>")
    return f"<author>{name}{email}{uri}</author>"


@st.composite
def atom_entries(draw: st.DrawFn, number: int) -> str:
    parts = ["<entry>"]
    if draw(st.booleans()):
        parts.append(draw(atom_texts("title", html_ok=False)))
    if draw(st.booleans()):
        parts.append(f"<id>{draw(st.sampled_from([f'urn:uuid:{number}', f'/e/{number}']))}</id>")
    for _ in range(draw(st.integers(0, 2))):
        rel = draw(st.sampled_from(["", ' rel="alternate"', ' rel="self"', ' rel="enclosure"']))
        kind = draw(st.sampled_from(["", ' type="text/html"', ' type="image/png"']))
        parts.append(f'<link{rel}{kind} href="/e/{number}/{len(parts)}"/>')
    if draw(st.booleans()):
        parts.append(f"<published>{escape(draw(dates()))}</published>")
    if draw(st.booleans()):
        parts.append(f"<updated>{escape(draw(dates()))}</updated>")
    if draw(st.booleans()):
        parts.append(_person(draw))
    if draw(st.booleans()):
        parts.append(draw(atom_texts("summary", html_ok=True)))
    if draw(st.booleans()):
        parts.append(draw(atom_texts("content", html_ok=True)))
    parts.append("</entry>")
    order = parts[1:-1]
    return "<entry>" + "".join(draw(st.permutations(order))) + "</entry>"


@st.composite
def atom_documents(draw: st.DrawFn) -> bytes:
    """An Atom 1.0 document with random entries, fields in random order."""
    entries = "".join(draw(atom_entries(n)) for n in range(draw(st.integers(1, 4))))
    head = draw(atom_texts("title", html_ok=False))
    head += _maybe(draw, '<link href="http://a.example/"/>') + _maybe(draw, "<id>urn:feed</id>")
    head += _maybe(draw, _person(draw))
    declaration = draw(
        st.sampled_from(['<?xml version="1.0"?>', '<?xml version="1.0" encoding="UTF-8"?>'])
    )
    text = f'{declaration}\n<feed xmlns="{ATOM_NS}">{head}{entries}</feed>'
    return text.encode("utf-8")


def markdown(feed: ParsedFeed) -> list[str]:
    """Each entry's content as the refresh converts it (against the entry's or feed's link)."""
    return [
        html_to_markdown(entry.content_html, base_url=entry.link or feed.link)
        if entry.content_html
        else ""
        for entry in feed.entries
    ]


def assert_same(fast: ParsedFeed, slow: ParsedFeed) -> None:
    """Everything equal, entry HTML compared as the Markdown it becomes."""
    assert (fast.title, fast.link, fast.kind) == (slow.title, slow.link, slow.kind)
    assert len(fast.entries) == len(slow.entries)
    for mine, theirs in zip(fast.entries, slow.entries, strict=True):
        assert (mine.id, mine.title, mine.link) == (theirs.id, theirs.title, theirs.link)
        assert (mine.published, mine.author) == (theirs.published, theirs.author)
        assert mine.summary_only == theirs.summary_only
    assert markdown(fast) == markdown(slow)
