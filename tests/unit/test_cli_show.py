"""`reader show`: links as numbered footnotes, highlights marked, the reader's note after the
text, in both the styled and the --plain output; outside text never reaches the terminal raw."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from rich.console import Console

from reader.cli import main
from reader.library import Library
from reader.render import print_article
from reader.store import Store

BOARD, LAMPS = "https://example.org/board", "https://example.org/lamps"
ARTICLE = f"""---
title: Harbour lights
---
The [harbour board]({BOARD}) met on Tuesday to talk about the lamps.

Its chair said the [old lamps]({LAMPS}) and the [board]({BOARD}) would stay.

Nobody asked about the ferries.
"""


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


@pytest.fixture
def library(tmp_path: Path) -> Path:
    folder = tmp_path / "news"
    folder.mkdir()
    (folder / "harbour.md").write_text(ARTICLE, encoding="utf-8")
    return folder


def article_id(capsys, library: Path) -> str:
    _, out, _ = run(capsys, "list", "--json", "-l", str(library))
    return str(json.loads(out)["id"])


def annotate(article: str, library: Path, *, quote: str, note: str, block: int) -> None:
    path = str(library / "harbour.md")
    with Store.open() as store:
        store.set_note(article, path, "Harbour lights", "Ask the chair \x1b]2;PWNED\x07again.")
        store.add_highlight(article, path, "Harbour lights", quote, block=block, note=note)
        store.add_highlight(article, path, "Harbour lights", "words long since edited away")


def test_plain_show_numbers_links_and_lists_them_after_the_text(capsys, library) -> None:
    code, out, _ = run(capsys, "show", article_id(capsys, library), "--plain", "-l", str(library))
    assert code == 0
    assert "The harbour board[1] met on Tuesday" in out
    assert "the old lamps[2] and the board[1] would stay" in out  # one number for one address
    assert out.endswith("Links\n\n[1] https://example.org/board\n[2] https://example.org/lamps\n")


def test_plain_show_marks_highlights_and_ends_with_the_note(capsys, library) -> None:
    article = article_id(capsys, library)
    annotate(article, library, quote="old lamps and the board", note="Check this.", block=1)
    code, out, _ = run(capsys, "show", article, "--plain", "-l", str(library))
    assert code == 0
    assert "the ==old lamps[2] and the board==[1] would stay" in out
    note_at = out.index("Your note\n\nAsk the chair again.\n")
    assert out.index("Nobody asked about the ferries.") < out.index("Links") < note_at
    highlights = out[out.index("Your highlights") :]
    assert "> old lamps and the board\n  Check this.\n" in highlights
    assert "> words long since edited away  (no longer found in the text)" in highlights
    assert "\x1b" not in out and "\x07" not in out


def test_styled_show_has_footnotes_the_note_and_highlights(capsys, library) -> None:
    article = article_id(capsys, library)
    annotate(article, library, quote="Nobody asked", note="A gap.", block=2)
    code, out, _ = run(capsys, "show", article, "-l", str(library))
    assert code == 0
    assert "harbour board[1]" in out and "[2] https://example.org/lamps" in out
    # Without colour (output is not a terminal) the highlight is marked as in --plain.
    assert "==Nobody asked== about the ferries." in out
    assert out.index("Your note") > out.index("Links")
    assert "Ask the chair again." in out and "A gap." in out
    assert "PWNED" not in out and "\x1b" not in out


def test_with_colour_a_highlight_is_styled_not_marked(library: Path) -> None:
    with Library([library]) as books:
        books.scan()
        article = books.load(books.ids()[0])
    with Store.open() as store:
        path = str(library / "harbour.md")
        highlight = store.add_highlight(article.id, path, "t", "Nobody asked", block=2)
    out = io.StringIO()
    console = Console(file=out, force_terminal=True, color_system="truecolor", width=100)
    print_article(article, console, highlights=[highlight])
    text = out.getvalue()
    assert "==Nobody" not in text
    assert "\x1b[30;43mNobody asked\x1b[0m about the ferries." in text
    assert "\x1b]8;" in text  # links stay clickable where the terminal can


def test_a_busy_store_shows_the_article_and_says_so(capsys, library: Path, monkeypatch) -> None:
    from reader.cli import userdata
    from reader.store.lock import FileLock

    article = article_id(capsys, library)
    assert run(capsys, "note", article, "a note", "-l", str(library))[0] == 0
    with Store.open() as store:
        store_path = store.path
    assert store_path is not None
    monkeypatch.setattr(userdata, "LOCK_TIMEOUT", 0.05)
    with FileLock(store_path.with_name(store_path.name + ".lock")):
        code, out, err = run(capsys, "show", article, "--plain", "-l", str(library))
    assert code == 0 and "Harbour lights" in out
    assert err.count("\n") == 1 and "without your notes" in err, (out, err)


def test_showing_an_article_on_a_fresh_data_dir_creates_no_store(capsys, library) -> None:
    from reader import paths

    code, out, _ = run(capsys, "show", article_id(capsys, library), "--plain", "-l", str(library))
    assert code == 0 and "Harbour lights" in out
    assert not (paths.data_dir() / "store.json").exists()
