"""Quoting a whole block for a highlight, and finding a stored reading position again."""

from __future__ import annotations

from datetime import UTC, datetime

from hypothesis import given
from hypothesis import strategies as st

from reader.store import Highlight, Position
from reader.store.anchoring import reanchor
from reader.store.records import CONTEXT_CHARS
from reader.ui.user_data import quote_block, restore_block

TEXTS = ["First block about the harbour.", "Second block about ferries.", "Third about tides."]


# quote_block ---------------------------------------------------------------------------


def test_quote_block_quotes_the_block_with_its_neighbours_as_context() -> None:
    quote, prefix, suffix = quote_block(TEXTS, 1)
    assert quote == "Second block about ferries."
    assert prefix == "First block about the harbour.\n\n"[-CONTEXT_CHARS:]
    assert suffix == "\n\nThird about tides."[:CONTEXT_CHARS]


def test_quote_block_at_the_edges_has_empty_context_there() -> None:
    assert quote_block(TEXTS, 0)[1] == ""
    assert quote_block(TEXTS, 2)[2] == ""
    assert quote_block(["Only one."], 0) == ("Only one.", "", "")


@given(st.lists(st.text(min_size=1, max_size=60), min_size=1, max_size=8), st.data())
def test_a_quoted_block_is_found_again_in_its_place(texts: list[str], data: st.DataObject) -> None:
    block = data.draw(st.integers(0, len(texts) - 1))
    quote, prefix, suffix = quote_block(texts, block)
    assert quote == texts[block]
    joined = "\n\n".join(texts)
    assert joined.count(prefix + quote + suffix) >= 1
    assert len(prefix) <= CONTEXT_CHARS and len(suffix) <= CONTEXT_CHARS


def test_a_highlight_made_from_a_quoted_block_anchors_to_that_block_not_its_twin() -> None:
    repeated = ["Same words.", "Other words.", "Same words."]
    quote, prefix, suffix = quote_block(repeated, 2)
    mark = Highlight(
        "u", "a" * 16, "/a.txt", "A", quote, prefix, suffix, 2, None, datetime.now(UTC)
    )
    found = reanchor(mark, repeated)
    assert found is not None and found[0] == 2


# restore_block -------------------------------------------------------------------------


def test_restore_block_keeps_a_position_whose_block_is_unchanged() -> None:
    assert restore_block(TEXTS, Position.at(1, TEXTS[1])) == 1


def test_restore_block_follows_a_block_that_moved() -> None:
    position = Position.at(1, TEXTS[1])
    moved = ["A new opening paragraph.", *TEXTS]
    assert restore_block(moved, position) == 2


def test_restore_block_picks_the_nearest_of_equal_blocks() -> None:
    texts = ["Repeat.", "a", "b", "c", "d", "Repeat.", "e"]
    assert restore_block(texts, Position(4, Position.at(0, "Repeat.").fingerprint)) == 5
    assert restore_block(texts, Position(1, Position.at(0, "Repeat.").fingerprint)) == 0


def test_restore_block_without_a_match_stays_near_the_stored_block() -> None:
    assert restore_block(TEXTS, Position(1, "words no block opens with")) == 1
    assert restore_block(TEXTS, Position(99, "gone")) == 2  # past the end: the last block
    assert restore_block(TEXTS, Position(-3, "")) == 0
    assert restore_block([], Position(5, "anything")) == 0
