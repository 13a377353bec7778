"""HTML pages: extraction keeps the article and drops furniture; charsets; bad markup; Markdown."""

from __future__ import annotations

import codecs
import re
import shutil
from datetime import date
from pathlib import Path

import pytest

from reader.library import Library
from reader.models import Article, Block, BlockKind, MarkKind
from reader.sources import LoadError, load_file
from reader.sources.html import NO_ARTICLE, decode_html, extract_page, html_to_markdown
from reader.sources.markdown import parse_blocks

FIXTURES = Path(__file__).resolve().parent.parent / "fixtures" / "html"

PARAGRAPH = "<p>The river rose slowly through the night and the town watched from the bridge.</p>"


def fixture(name: str) -> bytes:
    return (FIXTURES / name).read_bytes()


def body_text(article: Article) -> str:
    return "\n".join(block.text for block in article.blocks)


def of_kind(article: Article, kind: BlockKind) -> list[Block]:
    return [block for block in article.blocks if block.kind is kind]


@pytest.fixture(scope="module")
def ferry() -> Article:
    return load_file(FIXTURES / "harbour-ferry.html")


# ------------------------------------------------------------------ extraction


@pytest.mark.parametrize(
    "furniture",
    [
        "Harbour News",  # menu
        "Tide Tables",
        "Accept all cookies",  # cookie banner
        "cookie preferences",
        "Most Read",  # sidebar
        "Advertisement",
        "Comment text",  # comments
        "seagull_watcher",
        "Copyright 2025",  # footer
        "Privacy policy",
        "Share on social media",
        "tracking pixel",  # script
        "font-family",  # style
    ],
)
def test_page_furniture_is_dropped(ferry: Article, furniture: str) -> None:
    assert furniture not in body_text(ferry)


def test_article_paragraphs_are_kept(ferry: Article) -> None:
    text = body_text(ferry)
    assert "the last ferry to Kelm Island left the quay at exactly 22:40" in text
    assert "promised to study the idea before the summer season begins." in text
    assert ferry.blocks[0].kind is BlockKind.PARAGRAPH
    assert ferry.blocks[0].text.startswith("For the first time in two winters")


def test_headings_lists_quotes_and_code_are_blocks(ferry: Article) -> None:
    headings = of_kind(ferry, BlockKind.HEADING)
    assert [(block.text, block.level) for block in headings] == [
        ("What changed on the quay", 2),
        ("How the timetable is checked", 2),
    ]
    items = of_kind(ferry, BlockKind.LIST_ITEM)
    assert [block.bullet for block in items] == ["•", "•", "•"]
    assert items[1].text == "A second deckhand joins the crew for the final two sailings."
    quotes = of_kind(ferry, BlockKind.QUOTE)
    assert [block.text for block in quotes] == [
        "We did not need a faster ship. We needed a calmer half hour before each departure."
    ]
    (code,) = of_kind(ferry, BlockKind.CODE)
    assert code.text.splitlines()[0] == (
        "late = [trip for trip in trips if trip.departed - trip.scheduled > 120]"
    )
    assert code.text.splitlines()[1].startswith('print(f"{len(late)}')


def test_links_survive_as_marks(ferry: Article) -> None:
    links = [
        (block.text[mark.start : mark.end], mark.href)
        for block in ferry.blocks
        for mark in block.marks
        if mark.kind is MarkKind.LINK
    ]
    assert links == [("harbour board's website", "https://board.example.org/minutes/2025-02")]


def test_page_metadata(ferry: Article) -> None:
    meta = ferry.meta
    assert meta.format == "html"
    assert meta.title == "The Night Ferry Keeps Its Timetable"
    assert meta.author == "Maren Okafor"
    assert meta.date == date(2025, 3, 14)
    assert meta.source == "Tidewater Courier"
    assert meta.url == "https://courier.example.org/2025/03/night-ferry-timetable"
    # The title is shown above the body, so the page's own <h1> is not repeated in it.
    assert "The Night Ferry Keeps Its Timetable" not in body_text(ferry)


def test_metadata_page() -> None:
    page = extract_page(fixture("metadata.html"), url="https://mirror.example.net/bees")
    assert page.title == "Beekeepers Count a Record Spring"
    assert page.author == "Tomasz Wilde"
    assert page.date == date(2024, 5, 21)
    assert page.site == "The Orchard Post"
    assert page.url == "https://orchardpost.example.com/news/beekeepers-record-spring"
    assert page.description is not None and page.description.startswith("Hives in the valley")
    assert page.language == "en-GB"
    assert not page.markdown.startswith("#")


def test_without_canonical_the_given_url_and_its_host_are_used() -> None:
    page = extract_page(fixture("latin1-declared.html"), url="https://www.fluss.example/faehre")
    assert page.url == "https://www.fluss.example/faehre"
    assert page.site == "fluss.example"
    assert page.author is None and page.date is None


def test_relative_links_resolve_against_the_page_url() -> None:
    page = (
        "<html><body><article><h1>Notice</h1>"
        f"{PARAGRAPH}<p>See the <a href='../maps/flood.html'>flood map</a> for the "
        "streets that are closed today, and <a href='javascript:void(0)'>this</a> too.</p>"
        "</article></body></html>"
    )
    found = extract_page(page.encode(), url="https://town.example/news/today.html")
    assert "[flood map](https://town.example/maps/flood.html)" in found.markdown
    assert "javascript" not in found.markdown


def test_non_english_page() -> None:
    article = load_file(FIXTURES / "le-marche-couvert.html")
    assert article.meta.title == "Le marché couvert rouvre ses portes"
    assert article.meta.source == "La Gazette du Canal"
    text = body_text(article)
    assert "« Chaque rivet a été numéroté », explique Élodie Marchetti" in text
    assert "Accueil" not in text
    assert [block.text for block in of_kind(article, BlockKind.HEADING)] == [
        "Des étals plus larges"
    ]


# ------------------------------------------------------------------ charsets


def test_charset_declared_in_http_equiv_meta() -> None:
    article = load_file(FIXTURES / "cp1251-declared.html")
    assert article.meta.title == "Библиотека на колёсах приезжает в посёлок"
    assert "«Пенсионеры берут детективы, школьники — фантастику" in body_text(article)


def test_legacy_charset_not_declared_is_guessed() -> None:
    article = load_file(FIXTURES / "cp1251-undeclared.html")
    assert article.meta.title == "Библиотека на колёсах приезжает в посёлок"
    assert "Галина Петровна" in body_text(article)


def test_latin1_label_is_read_as_windows_1252() -> None:
    text = body_text(load_file(FIXTURES / "latin1-declared.html"))
    assert "„Im Frühling ist der Fluss am schönsten“, sagt er." in text
    assert "den Umweg – wegen der Ruhe" in text


def test_decode_order_bom_then_http_then_meta() -> None:
    meta_1251 = '<meta charset="windows-1251"><p>Привет</p>'
    data = meta_1251.encode("cp1251")
    assert "Привет" in decode_html(data)
    # The HTTP header outranks the page's own declaration...
    assert "Привет" in decode_html(meta_1251.encode("koi8-r"), "koi8-r")
    # ...and a byte-order mark outranks both.
    assert "Привет" in decode_html(codecs.BOM_UTF8 + meta_1251.encode("utf-8"), "koi8-r")
    assert "Привет" in decode_html(meta_1251.encode("utf-16"), "cp1251")


def test_decode_ignores_labels_it_cannot_trust() -> None:
    text = "<meta charset='utf-7'><p>+ADw-script+AD4- café</p>"
    assert "+ADw-script+AD4-" in decode_html(text.encode("utf-8"))
    assert "café" in decode_html("<p>café</p>".encode(), "no-such-charset")
    assert "café" in decode_html("<meta charset=bogus><p>café</p>".encode())
    # A page saying UTF-8 but holding a stray windows-1252 quote keeps its text.
    assert "it’s" in decode_html(b"<meta charset=utf-8><p>it\x92s</p>")


def test_decode_reads_a_meta_charset_after_a_long_head() -> None:
    script = "<script>" + "var counter = counter + 1;\n" * 400 + "</script>"
    page = f"<html><head>{script}<meta charset='windows-1251'></head><p>Привет, мир</p>"
    assert "Привет, мир" in decode_html(page.encode("cp1251"))


@pytest.mark.parametrize(
    "meta",
    [
        "<meta http-equiv=Content-Type content=text/html;charset=windows-1251>",
        "<meta http-equiv='Content-Type' content='text/html; charset=\"windows-1251\"'>",
        "<META CONTENT='text/html; CHARSET = Windows-1251' HTTP-EQUIV='content-type'>",
        "<meta charset = ' windows-1251 '>",
    ],
)
def test_decode_reads_oddly_quoted_declarations(meta: str) -> None:
    assert "Привет" in decode_html(f"<head>{meta}</head><p>Привет</p>".encode("cp1251"))


@pytest.mark.parametrize(
    "data", [b"", b"\xff\xfe", b"\xef\xbb\xbf", b"\x00\x9b\x1b[2J", bytes(256)]
)
def test_decode_never_raises_and_strips_controls(data: bytes) -> None:
    text = decode_html(data, "utf-16")
    assert "\x1b" not in text and "\x00" not in text


# ------------------------------------------------------------------ bad pages


def test_malformed_markup_still_gives_the_article() -> None:
    article = load_file(FIXTURES / "broken.html")
    assert article.meta.title == "The Allotment Gate Is Fixed at Last"
    text = body_text(article)
    assert "repaired on Tuesday" in text
    assert "with tea and cake in the shed." in text
    items = [block.text for block in of_kind(article, BlockKind.LIST_ITEM)]
    assert items == ["New hinges", "A latch that works", "Fresh paint in the old green"]


@pytest.mark.parametrize(
    "page",
    [
        "<p>" + "<b><i>" * 300 + PARAGRAPH * 4,
        "<table><tr><td>" + PARAGRAPH * 4 + "</div></span></li></table></table>",
        '<?xml version="1.0" encoding="utf-8"?><html><body>' + PARAGRAPH * 4,
    ],
    ids=["unclosed-inline", "stray-closers", "xml-decl"],
)
def test_broken_pages_still_give_the_article(page: str) -> None:
    found = extract_page(page.encode())
    assert "The river rose slowly through the night" in found.markdown


def test_a_huge_line_is_kept_whole() -> None:
    page = "<html><body>" + PARAGRAPH * 3 + "<p>" + "word " * 200_000 + "</p>"
    markdown = extract_page(page.encode()).markdown
    assert "The river rose slowly" in markdown and markdown.count("word") == 200_000


@pytest.mark.parametrize(
    "page",
    [
        # A title is raw text up to its end tag, so an unclosed one swallows the body.
        "<html><head><title>Unclosed title<body>" + PARAGRAPH * 4,
        # So does a comment never closed.
        "<!-- never closed " + PARAGRAPH,
    ],
    ids=["unclosed-title", "comment"],
)
def test_pages_whose_text_is_swallowed_are_refused_in_one_line(page: str) -> None:
    with pytest.raises(LoadError, match=f"^{NO_ARTICLE}$"):
        extract_page(page.encode())


@pytest.mark.parametrize("depth", [5_000, 50_000])
@pytest.mark.parametrize("tag", ["div", "blockquote", "b"])
def test_very_deep_nesting_still_gives_the_article(depth: int, tag: str) -> None:
    page = f"<html><body>{f'<{tag}>' * depth}{PARAGRAPH * 5}{f'</{tag}>' * depth}</body></html>"
    found = extract_page(page.encode())
    assert found.markdown.count("The river rose slowly through the night") == 5


def test_login_page_is_refused_with_the_reason(tmp_path: Path) -> None:
    with pytest.raises(LoadError, match=NO_ARTICLE):
        extract_page(fixture("login.html"))
    shutil.copy(FIXTURES / "login.html", tmp_path / "login.html")
    with pytest.raises(LoadError) as raised:
        load_file(tmp_path / "login.html")
    assert str(raised.value) == NO_ARTICLE


@pytest.mark.parametrize(
    "page",
    [
        b"<html><body><div id='app'></div><script>start()</script></body></html>",
        b"<html><head><title>Only a title</title></head><body></body></html>",
        b"<!-- nothing -->",
    ],
)
def test_empty_shells_are_refused(page: bytes) -> None:
    with pytest.raises(LoadError, match=NO_ARTICLE):
        extract_page(page)


# ------------------------------------------------------------------ the library


def test_library_lists_html_pages(tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    for name in ("harbour-ferry.html", "le-marche-couvert.html", "login.html"):
        shutil.copy(FIXTURES / name, folder / name)
    shutil.copy(FIXTURES / "metadata.html", folder / "bees.HTM")
    with Library([folder], tmp_path / "cache", processes=0) as library:
        result = library.scan()
        rows = library.rows("title")
        listed = [(rows[i].title, rows[i].format, rows[i].source) for i in range(len(rows))]
        assert listed == [
            ("Beekeepers Count a Record Spring", "html", "The Orchard Post"),
            ("Le marché couvert rouvre ses portes", "html", "La Gazette du Canal"),
            ("The Night Ferry Keeps Its Timetable", "html", "Tidewater Courier"),
        ]
        assert [(Path(p.path).name, p.reason) for p in result.problems] == [
            ("login.html", NO_ARTICLE)
        ]
        article = library.load(rows[2].id)
        assert of_kind(article, BlockKind.CODE)


def test_title_falls_back_to_the_file_name(tmp_path: Path) -> None:
    path = tmp_path / "2024-02-03-river-notes.html"
    path.write_text(f"<html><body>{PARAGRAPH * 3}</body></html>", encoding="utf-8")
    meta = load_file(path).meta
    assert meta.title == "River notes"
    assert meta.date == date(2024, 2, 3)
    assert meta.source is None and meta.url is None


# ------------------------------------------------------------------ html_to_markdown


def blocks_of(fragment: str, base_url: str | None = None) -> tuple[Block, ...]:
    return parse_blocks(html_to_markdown(fragment, base_url=base_url))


def test_markdown_keeps_structure() -> None:
    fragment = (
        "<h2>Storm <em>warning</em></h2><p>Winds of <strong>ninety</strong> km/h and "
        "<code>code()</code>.<br>Second line.</p>"
        "<ul><li>Close shutters<ul><li>upstairs too</li></ul></li><li>Fill bottles</li></ul>"
        "<ol start='3'><li>third</li><li>fourth</li></ol>"
        "<blockquote><p>Stay indoors.</p></blockquote>"
        "<pre>if wind &gt; 90:\n    close()</pre><hr>"
    )
    blocks = blocks_of(fragment)
    assert [(block.kind, block.text) for block in blocks] == [
        (BlockKind.HEADING, "Storm warning"),
        (BlockKind.PARAGRAPH, "Winds of ninety km/h and code().\nSecond line."),
        (BlockKind.LIST_ITEM, "Close shutters"),
        (BlockKind.LIST_ITEM, "upstairs too"),
        (BlockKind.LIST_ITEM, "Fill bottles"),
        (BlockKind.LIST_ITEM, "third"),
        (BlockKind.LIST_ITEM, "fourth"),
        (BlockKind.QUOTE, "Stay indoors."),
        (BlockKind.CODE, "if wind > 90:\n    close()"),
        (BlockKind.RULE, ""),
    ]
    assert [block.level for block in blocks[2:5]] == [0, 1, 0]
    assert [block.bullet for block in blocks[5:7]] == ["3.", "4."]
    paragraph = blocks[1]
    assert {(paragraph.text[m.start : m.end], m.kind) for m in paragraph.marks} == {
        ("ninety", MarkKind.STRONG),
        ("code()", MarkKind.CODE),
    }


def test_markdown_links_and_images() -> None:
    (block,) = blocks_of(
        "<p><a href='/a b'>one</a> <a href='javascript:alert(1)'>two</a> "
        "<a href='mailto:x@example.org'>three</a> <img src='p.png' alt='A pier'> "
        "<img src='spacer.gif'></p>",
        base_url="https://site.example/dir/page",
    )
    assert block.text == "one two three [A pier]"
    links = [(block.text[m.start : m.end], m.href) for m in block.marks]
    assert links == [("one", "https://site.example/a%20b"), ("three", "mailto:x@example.org")]


def test_markdown_drops_scripts_styles_frames_and_forms() -> None:
    markdown = html_to_markdown(
        "<style>p{}</style><script>alert(1)</script><iframe src='x'>frame</iframe>"
        "<form><input value='v'><button>Send</button></form><p>Kept.</p>"
    )
    assert markdown == "Kept."


def test_markdown_tables_become_rows() -> None:
    blocks = blocks_of(
        "<table><tr><th>Town</th><th>Rain</th></tr><tr><td>Oban</td><td>12 mm</td></tr></table>"
    )
    assert [block.text for block in blocks] == ["Town | Rain", "Oban | 12 mm"]
    assert blocks[0].marks and blocks[0].marks[0].kind is MarkKind.STRONG


@pytest.mark.parametrize(
    "text",
    [
        "# not a heading",
        "- not a list",
        "+ nor this",
        "1. nor this",
        "2) nor this",
        "> not a quote",
        "*not emphasis* and _nor this_",
        "**not strong**",
        "`not code`",
        "[not](a link)",
        "![not](an image)",
        "<b>not html</b>",
        "a | b | c",
        "~~not struck~~",
        "back\\slash \\*",
        "&amp; and &#65;",
        "===",
        "---",
        "```",
    ],
)
def test_markdown_text_is_never_read_as_markup(text: str) -> None:
    import html

    blocks = blocks_of(f"<p>{html.escape(text)}</p>")
    assert [(block.kind, block.text, block.marks) for block in blocks] == [
        (BlockKind.PARAGRAPH, text, ())
    ]


@pytest.mark.parametrize(
    ("fragment", "text", "marked"),
    [
        ("<b>one</b><b>two</b>", "onetwo", [("onetwo", MarkKind.STRONG)]),
        ("<i>a</i><i>b</i> <b>c</b>", "ab c", [("ab", MarkKind.EMPHASIS), ("c", MarkKind.STRONG)]),
        ('x<b>"q"</b>y', 'x"q"y', []),  # Markdown cannot bold this: the words stay
        ("<b>bold <b>again</b></b>", "bold again", [("bold again", MarkKind.STRONG)]),
        ("snake<i>_</i>case", "snake_case", []),
    ],
)
def test_markdown_emphasis_is_read_back_as_written(
    fragment: str, text: str, marked: list[tuple[str, MarkKind]]
) -> None:
    (block,) = blocks_of(f"<p>{fragment}</p>")
    assert block.text == text
    assert [(block.text[m.start : m.end], m.kind) for m in block.marks] == marked


@pytest.mark.parametrize("fragment", ["", "   ", "<!-- only a comment -->", "<script>x</script>"])
def test_markdown_of_nothing_is_empty(fragment: str) -> None:
    assert html_to_markdown(fragment) == ""


def test_markdown_of_deep_nesting_keeps_the_text() -> None:
    fragment = "<div>" * 50_000 + "Deep words." + "</div>" * 50_000
    assert "Deep words." in html_to_markdown(fragment)
    fragment = "<ul><li>" * 400 + "Deep item." + "</li></ul>" * 400
    assert "Deep item." in html_to_markdown(fragment)


def test_a_page_after_a_too_deep_one_is_read_in_full() -> None:
    # One parser serves a thread's pages: the errors of the page before must not make the
    # next one look too deep (it would be flattened, losing its list).
    html_to_markdown("<div>" * 400 + "Deep words." + "</div>" * 400)
    assert html_to_markdown("<ul><li>One</li><li>Two</li></ul>") == "- One\n- Two"


def test_inline_quotations_get_their_marks_in_any_case_of_tag() -> None:
    fragment = "<p>She said <q>yes</q>, then <Q cite='x'>no</Q>.</p><p><qx>Not one.</qx></p>"
    assert html_to_markdown(fragment) == "She said “yes”, then “no”.\n\nNot one."


# Very large pages ------------------------------------------------------------------------

LARGE_ARTICLE = (
    "<p>The tide tables for the whole coast fill this page, one small cell for every hour "
    "of the year, and the harbour office keeps it online for the fishing fleet.</p>"
)


def large_page(cells: int) -> bytes:
    return (
        "<html lang='en'><head><title>Tide tables for the year</title>"
        "<meta name='author' content='Harbour Office'>"
        "<meta property='article:published_time' content='2026-01-02'></head><body>"
        "<nav>Home · Weather · Contact</nav><script>var tracker = 1;</script>"
        f"<main>{LARGE_ARTICLE}{'<span>6.1</span>' * cells}</main>"
        "<footer>Copyright the harbour office</footer></body></html>"
    ).encode()


def test_a_page_too_large_to_extract_gives_its_main_element() -> None:
    page = extract_page(large_page(30_000), url="https://harbour.example/tides")
    assert page.title == "Tide tables for the year"
    assert page.author == "Harbour Office" and page.date == date(2026, 1, 2)
    assert page.site == "harbour.example" and page.language == "en"
    assert "one small cell for every hour" in page.markdown and "6.1" in page.markdown
    assert "Weather" not in page.markdown and "tracker" not in page.markdown
    assert "Copyright" not in page.markdown


def test_a_page_with_too_many_elements_is_refused_with_the_reason() -> None:
    with pytest.raises(LoadError, match="page too large to read: 160,0"):
        extract_page(large_page(160_000))


@pytest.mark.parametrize(
    "fragment",
    [
        "Wow!<a href='/x'>the link</a>",
        "<b>Wow!</b><a href='/x'>the link</a>",
        "Wow!<a href='/x'><b>the link</b></a>",
    ],
)
def test_markdown_bang_before_a_link_does_not_make_an_image(fragment: str) -> None:
    (block,) = blocks_of(f"<p>{fragment}</p>")
    assert block.text == "Wow!the link"
    assert [(m.kind, block.text[m.start : m.end]) for m in block.marks][-1] == (
        MarkKind.LINK,
        "the link",
    )


@pytest.mark.parametrize(
    ("fragment", "texts"),
    [
        ("<table><tr></tr><p>Stray paragraph.</p></table>", ["Stray paragraph."]),
        ("<table>loose<tr><td>a</td>tail</tr></table>", ["loose", "a | tail"]),
        ("<table><tbody><tr><p>in a row</p><td>b</td></tr></tbody></table>", ["in a row | b"]),
        (
            "<table><caption>Cap</caption><tr><th>h</th><td>1. c</td></tr></table>",
            ["Cap", "h | 1. c"],
        ),
    ],
)
def test_markdown_table_keeps_text_outside_cells(fragment: str, texts: list[str]) -> None:
    assert [block.text for block in blocks_of(fragment)] == texts


@pytest.mark.parametrize("published", ["2999-01-01", "1066-10-14", "0001-01-01"])
def test_a_large_page_with_an_impossible_date_has_none(published: str) -> None:
    data = large_page(30_000).replace(b"2026-01-02", published.encode())
    assert extract_page(data).date is None


@pytest.mark.parametrize(
    "pre",
    [
        "<pre>Roses are red,\n  violets   are blue,\n\tthe tide comes in\n  and so do you.</pre>",
        "<pre><span class='k'>if</span> tide:\n    <span class='n'>sail</span>()\n"
        "<span class='k'>else</span>:\n    wait()</pre>",
    ],
)
def test_preformatted_text_keeps_its_lines_and_spaces(pre: str) -> None:
    body = f"{PARAGRAPH}{pre}{PARAGRAPH}"
    page = f"<html><head><title>T</title></head><body><article>{body}</article></body></html>"
    blocks = parse_blocks(extract_page(page.encode()).markdown)
    import html

    expected = html.unescape(re.sub("<[^>]*>", "", pre))
    assert [block.text for block in blocks if block.kind is BlockKind.CODE] == [expected]


def crowded_page(count: int) -> bytes:
    spans = " ".join(f"<span>w{n}</span><font>.</font>" for n in range(count))
    body = f"{PARAGRAPH}<p>{spans}</p>{PARAGRAPH}"
    return (
        f"<html><head><title>T</title></head><body><article>{body}</article></body></html>".encode()
    )


def test_a_paragraph_of_thousands_of_wrapped_words_is_read_whole() -> None:
    markdown = extract_page(crowded_page(3000)).markdown
    assert " ".join(f"w{n}." for n in range(3000)) in markdown


def test_wrappers_of_a_crowded_paragraph_are_removed_leaving_one_run_of_text() -> None:
    # Extraction strips <span> and <font> itself, leaving one text node per piece, and
    # lxml reads such runs in quadratic time (seconds for a few thousand pieces).
    from reader.sources.html import _unwrap_crowded
    from reader.sources.html_markdown import parse_html

    tree = parse_html(crowded_page(3000))
    assert tree is not None
    _unwrap_crowded(tree)
    (crowded,) = tree.xpath("//p[starts-with(., 'w0')]")
    assert len(crowded) == 0 and len(crowded.xpath("text()")) == 1


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        (
            "The mayor said <q>not this year</q>, then left.",
            "The mayor said “not this year”, then left.",
        ),
        ("<b>Signs read <q>closed</q></b> all week.", "Signs read “closed” all week."),
    ],
)
def test_an_inline_quotation_stays_in_its_paragraph(fragment: str, text: str) -> None:
    body = f"{PARAGRAPH}<p>{fragment}</p>{PARAGRAPH}"
    page = f"<html><head><title>T</title></head><body><article>{body}</article></body></html>"
    blocks = parse_blocks(extract_page(page.encode()).markdown)
    assert [block.text for block in blocks][1:-1] == [text]
    assert [block.text for block in blocks_of(f"<p>{fragment}</p>")] == [text]


@pytest.mark.parametrize(
    "body",
    [
        "<p>" + "<span>word\ufffe</span> " * 400 + "</p>",
        "<p>They said <q>no\uffff</q> twice.</p>",
        "<p>A <a href='/x\ufffe'>link\uffff</a> here.</p>",
        "<pre>line\ufffe\nline\uffff</pre>",
    ],
    ids=["crowded", "quotation", "link", "pre"],
)
def test_noncharacters_in_a_page_are_dropped_not_fatal(body: str) -> None:
    page = f"<html><body><article>{PARAGRAPH}{body}{PARAGRAPH}</article></body></html>"
    markdown = extract_page(page.encode()).markdown
    assert "\ufffe" not in markdown and "\uffff" not in markdown
    assert "\ufffe" not in html_to_markdown(body) and "\uffff" not in html_to_markdown(body)


@pytest.mark.parametrize(
    ("fragment", "text"),
    [
        ("Press <kbd>Ctrl</kbd><kbd>C</kbd> to copy", "Press CtrlC to copy"),
        ("<code>a</code><code>`b</code>", "a`b"),
        ("<code>a</code> <code>b</code>", "a b"),
    ],
)
def test_markdown_code_spans_side_by_side_keep_their_text(fragment: str, text: str) -> None:
    (block,) = blocks_of(f"<p>{fragment}</p>")
    assert block.text == text
    assert block.marks and all(mark.kind is MarkKind.CODE for mark in block.marks)
