"""Decoding untrusted bytes: BOMs, bad UTF-8, legacy charsets, newlines, controls, escapes."""

from __future__ import annotations

import codecs
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from reader.sanitize import CONTROL
from reader.sources import load_file
from reader.sources.decode import cut_at_paragraph, decode, strip_controls


def load_bytes(folder: Path, data: bytes, name: str = "a.txt") -> list[str]:
    path = folder / name
    path.write_bytes(data)
    return [block.text for block in load_file(path).blocks]


def test_utf8_bom_is_dropped(tmp_path: Path) -> None:
    data = codecs.BOM_UTF8 + " date 2024-01-01 Café “quoted”.".encode()
    article_text = load_bytes(tmp_path, data)
    assert article_text == ["Café “quoted”."]


def test_bom_before_markdown_front_matter(tmp_path: Path) -> None:
    path = tmp_path / "a.md"
    path.write_bytes(codecs.BOM_UTF8 + b"---\ntitle: Hi\n---\nBody.\n")
    assert load_file(path).title == "Hi"


@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_bom(tmp_path: Path, codec: str) -> None:
    bom = codecs.BOM_UTF16_LE if codec.endswith("le") else codecs.BOM_UTF16_BE
    data = bom + "Título\n\nÁrvíztűrő tükörfúrógép — ok.\n".encode(codec)
    path = tmp_path / "a.txt"
    path.write_bytes(data)
    article = load_file(path)
    assert article.title == "Título"
    assert article.blocks[0].text == "Árvíztűrő tükörfúrógép — ok."


def test_stray_cp1252_byte_in_utf8(tmp_path: Path) -> None:
    # GIVEN UTF-8 text with one cp1252 right quote (0x92) pasted into it
    data = "Café “menu”: the chef".encode() + b"\x92s special.\n"
    # THEN that byte alone is read as cp1252 and the UTF-8 around it is kept
    assert load_bytes(tmp_path, data) == ["Café “menu”: the chef’s special."]


def test_single_latin1_byte_in_ascii_text(tmp_path: Path) -> None:
    assert load_bytes(tmp_path, b"A caf\xe9 by the sea.\n") == ["A café by the sea."]


def test_mostly_legacy_charset_is_detected(tmp_path: Path) -> None:
    russian = "Привет, как дела? Сегодня хорошая погода, и мы идём гулять в парк.\n" * 4
    assert load_bytes(tmp_path, russian.encode("cp1251")) == [
        " ".join(line for line in russian.splitlines())
    ]


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        ("Él comió paella en Valencia; después, café y crème brûlée. Año nuevo, señor.", "latin-1"),
        ("The café’s crème brûlée costs €5 – “cheap”. " * 10, "cp1252"),
        ("Straße und Grüße, schön öffentlich. " * 10, "cp1252"),
    ],
)
def test_western_legacy_files(tmp_path: Path, text: str, codec: str) -> None:
    assert load_bytes(tmp_path, text.encode(codec)) == [text.strip()]


def test_invalid_utf8_never_crashes(tmp_path: Path) -> None:
    texts = load_bytes(tmp_path, b"ok \xff\xfe\xc3( \xe2\x82 \xf0\x9f end\n")
    assert texts[0].startswith("ok ")
    assert texts[0].endswith(" end")


@pytest.mark.parametrize(
    ("raw", "expected"),
    [
        ("a\r\nb\rc", "a\nb\nc"),
        ("nul\x00 gone\x07\x08", "nul gone"),
        ("tab\tand\nnewline kept", "tab\tand\nnewline kept"),
        ("\x1b[31mred\x1b[0m \x1b[1;4mbold\x1b[m", "red bold"),
        ("\x1b]0;title\x07after", "after"),
        ("\x1b]8;;http://x\x1b\\link\x1b]8;;\x1b\\", "link"),
        ("\x1b(Bcharset \x1b7saved\x1b8", "charset saved"),
        ("c1\x85\x9b31mx\x9d", "c1x"),
        ("lone \x1b", "lone "),
        ("unterminated \x1b]0;oops", "unterminated 0;oops"),
        ("del\x7f", "del"),
        ("“curly” — dash – ’", "“curly” — dash – ’"),
        ("[bold]x[/bold] [/] [link=x]", "[bold]x[/bold] [/] [link=x]"),
    ],
)
def test_clean(raw: str, expected: str) -> None:
    assert strip_controls(raw) == expected


@given(st.text(alphabet=st.characters(max_codepoint=0x200)))
def test_no_control_is_left_in_any_text(text: str) -> None:
    # ASCII text takes a quicker check than other text: both must leave no control.
    cleaned = strip_controls(text)
    assert CONTROL.search(cleaned) is None and "\r" not in cleaned
    if CONTROL.search(text) is None and "\r" not in text:
        assert cleaned == text


def test_escapes_removed_from_loaded_article(tmp_path: Path) -> None:
    texts = load_bytes(tmp_path, b"Title\n\n\x1b[2J\x1b[Hcleared \x1b]52;c;ZXZpbA==\x07screen\r\n")
    assert texts == ["cleared screen"]


def test_nul_in_text_is_stripped_not_refused(tmp_path: Path) -> None:
    assert load_bytes(tmp_path, b"Hello\x00 world, a sentence.\n") == ["Hello world, a sentence."]


def test_crlf_paragraphs(tmp_path: Path) -> None:
    data = b"Title\r\n\r\nOne\r\nline.\r\n\r\nTwo.\r\n"
    assert load_bytes(tmp_path, data) == ["One line.", "Two."]


def test_truncated_utf8_drops_partial_character() -> None:
    data = "aé€😀".encode()
    for cut in range(len(data) + 1):
        text = decode(data[:cut], truncated=True)
        assert "\ufffd" not in text
        assert "aé€😀".startswith(text)


def test_cut_at_paragraph() -> None:
    assert cut_at_paragraph("one\n\ntwo\n\nth") == "one\n\ntwo"
    assert cut_at_paragraph("x" * 100 + "\n\ny") == "x" * 100
    assert cut_at_paragraph("abc") == "abc"


SHORT_WESTERN = "naïve façade €5 piñata ‘hello’ déjà vu"


def test_a_short_windows_1252_file_is_read_as_cp1252(tmp_path: Path) -> None:
    # A file of 100 bytes: too short for detection, which took it for cp1257 ("naļve").
    text = (SHORT_WESTERN + ". ") * 3
    data = text.encode("cp1252")[:100]
    assert len(data) == 100
    assert load_bytes(tmp_path, data) == [data.decode("cp1252").strip()]
    assert decode(SHORT_WESTERN.encode("cp1252")) == SHORT_WESTERN


@pytest.mark.parametrize(
    ("text", "codec"),
    [
        (
            "Zażółć gęślą jaźń, proszę pana. To jest długi tekst po polsku, który ma znaki. " * 3,
            "cp1250",
        ),
        ("Привет, как дела? Сегодня хорошая погода.", "cp1251"),
        ("Καλημέρα κόσμε, τι κάνεις σήμερα;", "cp1253"),
    ],
)
def test_other_legacy_encodings_are_not_taken_for_cp1252(text: str, codec: str) -> None:
    assert decode(text.encode(codec)) == text


@pytest.mark.parametrize(
    "text",
    ["¿Qué tal? Está bien, señor: £5 or ¥3 — “quoted” and l’été.", "Øresund, Ålesund, Æsir."],
)
def test_western_marks_beside_words_stay_cp1252(text: str) -> None:
    assert decode(text.encode("cp1252")) == text


@given(st.text(alphabet=st.characters(exclude_categories=("Cs",))))
def test_valid_utf8_always_decodes_as_utf8(text: str) -> None:
    data = text.encode("utf-8")
    assert decode(data) == strip_controls(text.lstrip("\ufeff"))


@given(st.text(alphabet=st.characters(codec="cp1252"), min_size=1))
def test_any_cp1252_text_decodes_without_error(text: str) -> None:
    decode(text.encode("cp1252"))  # never raises, whatever the guess
