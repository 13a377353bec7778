"""What load_file refuses (empty, binary, non-regular, unknown) and how it caps huge files."""

from __future__ import annotations

import os
import sys
from pathlib import Path

import pytest

from reader.models import Article
from reader.sources import MAX_BYTES, SUFFIXES, LoadError, is_supported, load_file
from tests.conftest import SAMPLE_DATA

BINARY = "binary file, not an article"


def refusal(path: Path) -> str:
    with pytest.raises(LoadError) as caught:
        load_file(path)
    reason = str(caught.value)
    assert reason and "\n" not in reason
    return reason


@pytest.mark.parametrize(
    "content", [b"", b"   \n\n\t  \r\n", b"\xef\xbb\xbf\n ", b"\xff\xfe \x00\n\x00"]
)
def test_empty_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "empty.txt"
    path.write_bytes(content)
    assert refusal(path) == "empty file"


@pytest.mark.parametrize(
    "content",
    [
        b"\x89PNG\r\n\x1a\n" + b"\x00" * 20,
        b"%PDF-1.7\n%\xe2\xe3\xcf\xd3\n1 0 obj",
        b"PK\x03\x04\x14\x00\x00\x00\x08\x00",
        b"\x7fELF\x02\x01\x01" + bytes(range(256)) * 4,
        bytes(range(256)) * 16,
        b"text then binary " + b"\x00\x01\x02\x03" * 100,
    ],
)
def test_binary_files(tmp_path: Path, content: bytes) -> None:
    path = tmp_path / "blob.txt"
    path.write_bytes(content)
    assert refusal(path) == BINARY


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no FIFOs on this platform")
def test_fifo_is_refused_without_blocking(tmp_path: Path) -> None:
    # Opening a FIFO with no writer for reading would hang; the loader must not.
    path = tmp_path / "pipe.txt"
    os.mkfifo(path)
    assert "not a regular file" in refusal(path)


def test_directory_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "folder.md"
    path.mkdir()
    assert refusal(path) == "is a directory"


@pytest.mark.skipif(not Path("/dev/null").exists(), reason="no /dev/null")
def test_device_is_refused(tmp_path: Path) -> None:
    link = tmp_path / "null.txt"
    link.symlink_to("/dev/null")
    assert "not a regular file" in refusal(link)


def test_missing_file(tmp_path: Path) -> None:
    assert refusal(tmp_path / "gone.txt") == "file not found"


@pytest.mark.skipif(sys.platform == "win32" or os.geteuid() == 0, reason="root reads anything")
def test_unreadable_file(tmp_path: Path) -> None:
    path = tmp_path / "secret.txt"
    path.write_text("Secret words.")
    path.chmod(0)
    assert refusal(path) == "permission denied"


def test_unsupported_suffix(tmp_path: Path) -> None:
    path = tmp_path / "page.pdf"
    path.write_text("Words.")
    assert refusal(path).startswith("unsupported file type")


def test_symlink_to_a_regular_file_is_read(tmp_path: Path) -> None:
    target = tmp_path / "real.txt"
    target.write_text("Real\n\nWords.")
    link = tmp_path / "link.txt"
    link.symlink_to(target)
    assert load_file(link).title == "Real"


def test_huge_file_is_truncated_at_a_paragraph(tmp_path: Path) -> None:
    # GIVEN a house article bigger than the cap
    paragraph = "Lorem ipsum dolor sit amet, “consectetur” adipiscing elit — sed do. " * 10
    count = MAX_BYTES // len(paragraph.encode()) + 50
    path = tmp_path / "huge.txt"
    path.write_text("date 2024-01-01 " + "\n\n".join([paragraph.strip()] * count))
    # WHEN loaded
    article = load_file(path)
    # THEN only whole paragraphs under the cap are kept, and it says so
    assert article.truncated
    assert article.meta.size == path.stat().st_size > MAX_BYTES
    assert all(block.text == paragraph.strip() for block in article.blocks)
    assert sum(len(block.text.encode()) + 2 for block in article.blocks) <= MAX_BYTES


def test_huge_single_line_is_cut_on_a_character(tmp_path: Path) -> None:
    path = tmp_path / "line.txt"
    path.write_bytes(b"a" + "é".encode() * (MAX_BYTES // 2))
    article = load_file(path)
    assert article.truncated
    text = article.blocks[0].text
    assert set(text[1:]) == {"é"}
    assert len(text.encode()) <= MAX_BYTES


def test_small_file_is_not_truncated(tmp_path: Path) -> None:
    path = tmp_path / "small.txt"
    path.write_text("Small\n\nWords.")
    assert load_file(path).truncated is False


def test_is_supported() -> None:
    assert {".txt", ".md", ".markdown"} <= SUFFIXES
    assert is_supported(Path("a/B.MD"))
    assert is_supported(Path("notes.txt"))
    assert not is_supported(Path("image.png"))
    assert not is_supported(Path("README"))


def test_every_sample_file_loads() -> None:
    files = sorted(path for path in SAMPLE_DATA.rglob("*") if path.is_file() and is_supported(path))
    if not files:
        pytest.skip("sample_data/ has no articles yet")
    for path in files:
        article = load_file(path)
        assert isinstance(article, Article)
        assert article.title and article.blocks, path


def test_every_listed_suffix_has_a_loader_and_no_loader_is_unlisted() -> None:
    from reader.sources import SUFFIXES
    from reader.sources.loader import _BYTES_LOADERS, _TEXT_LOADERS

    assert set(_TEXT_LOADERS) | set(_BYTES_LOADERS) == SUFFIXES
    assert not set(_TEXT_LOADERS) & set(_BYTES_LOADERS)
