"""`normal_url`'s quick way for common addresses gives exactly what the general way gives."""

from __future__ import annotations

from hypothesis import example, given, settings
from hypothesis import strategies as st

from reader.web import urls
from reader.web.urls import normal_url


def general(url: str) -> str:
    """The general way alone (urllib's parsing), as `normal_url` took for every address."""
    return urls.general_normal(url.strip())


_piece = st.sampled_from(
    ["a", "Z", "0", "-", ".", "_", "~", "+", "=", "&", "%", "%41", "%2B", ";", ":", "@", "/",
     "//", "?", "#", " ", "\t", "\n", "é", "[", "]", "utm_", "UTM_x", "fbclid", "a=b=c", "!"]
)  # fmt: skip
_host = st.sampled_from(
    ["example.com", "EXAMPLE.com.", "h1.example.com", "x", ".", "a..b", "-a", "a:80", "a:443",
     "a:8080", "a:99999", "a:x", "u:p@a", "@a", "[::1]", "a%b", "xn--bcher-kva.ch", ""]
)  # fmt: skip
_scheme = st.sampled_from(["http", "https", "HTTPS", "HtTp", "ftp", "file", "tag", ""])


@st.composite
def addresses(draw: st.DrawFn) -> str:
    scheme = draw(_scheme)
    host = draw(_host)
    path = "".join(draw(st.lists(_piece, max_size=6)))
    query = "".join(draw(st.lists(_piece, max_size=8)))
    text = f"{scheme}://{host}{path}"
    if draw(st.booleans()):
        text += f"?{query}"
    if draw(st.booleans()):
        text += "#" + "".join(draw(st.lists(_piece, max_size=3)))
    return draw(st.sampled_from(["", " ", "\n"])) + text + draw(st.sampled_from(["", " ", "\n"]))


@settings(max_examples=600)
@given(addresses())
@example("https://h7.example.com/a/7?utm_source=pocket")
@example("HTTP://Example.COM./x/?b=2&a=1&a=&c&utm_medium=x&FBCLID=1#frag")
@example("https://example.com?q=a+b&p=a%20b")
@example("https://example.com:80/x")
@example("https://example.com/x?a=b=c")
@example("https://example.com/x\n")
def test_the_same_as_the_general_way(url: str) -> None:
    assert normal_url(url) == general(url)


@given(st.text(max_size=40))
def test_any_text_the_same_as_the_general_way(text: str) -> None:
    assert normal_url(text) == general(text)
    assert normal_url("https://example.com/" + text) == general("https://example.com/" + text)


def test_common_addresses_take_the_quick_way() -> None:
    """The guard above means something only if the quick way is taken for such addresses."""
    for url in ("https://h7.example.com/a/7?utm_source=pocket", "http://example.com"):
        plain = urls._PLAIN.fullmatch(url)
        assert plain is not None
        assert urls._plain_normal(*plain.group(2, 3, 4)) == general(url)
