"""Re-anchoring a highlight's quote in changed text: exact, folded, bracketed, or orphaned."""

from __future__ import annotations

from dataclasses import dataclass

from reader.models import Block, BlockKind
from reader.store import anchor
from reader.store.anchoring import reanchor

TEXT = "The talks opened on Monday. Both sides agreed to a ceasefire at dawn, said the envoy."


@dataclass(frozen=True)
class Quote:
    quote: str
    prefix: str = ""
    suffix: str = ""
    block: int = 0


def made_at(text: str, passage: str, block: int = 0) -> Quote:
    start = text.index(passage)
    return Quote(*anchor(text, start, start + len(passage)), block=block)


def found(span: tuple[int, int, int] | None, blocks: list[str]) -> str | None:
    if span is None:
        return None
    index, start, end = span
    return blocks[index][start:end]


def test_the_exact_quote_is_found_in_its_new_block() -> None:
    mark = made_at(TEXT, "agreed to a ceasefire")
    blocks = ["A new first paragraph.", "Intro. " + TEXT]
    span = reanchor(mark, [Block(BlockKind.PARAGRAPH, t) for t in blocks])
    assert span is not None and span[0] == 1
    assert found(span, blocks) == "agreed to a ceasefire"


def test_of_several_occurrences_the_one_with_matching_context_wins() -> None:
    text = "He agreed. Later the council agreed. Then the mayor agreed, reluctantly."
    mark = Quote("agreed", prefix="Later the council ", suffix=". Then", block=0)
    blocks = [text.replace("Later", "Much later")]
    span = reanchor(mark, blocks)
    assert span is not None
    assert blocks[0][span[1] - 8 : span[1]] == "council "


def test_with_equal_context_the_block_nearest_the_hint_wins() -> None:
    blocks = ["Same words here.", "Other.", "Other.", "Same words here."]
    assert reanchor(Quote("Same words", block=3), blocks) == (3, 0, 10)
    assert reanchor(Quote("Same words", block=0), blocks) == (0, 0, 10)


def test_rewrapped_and_retyped_text_still_anchors() -> None:
    mark = made_at("Both sides “agreed” to a ceasefire — at dawn.", "“agreed” to a ceasefire — at")
    blocks = ['Both sides "Agreed"\n  to a\nceasefire - at dawn.']
    assert found(reanchor(mark, blocks), blocks) == '"Agreed"\n  to a\nceasefire - at'


def test_an_edited_word_inside_the_quote_anchors_between_its_context() -> None:
    mark = made_at(TEXT, "Both sides agreed to a ceasefire at dawn")
    blocks = [TEXT.replace("agreed to", "consented to")]
    assert found(reanchor(mark, blocks), blocks) == "Both sides consented to a ceasefire at dawn"


def test_a_removed_quote_is_orphaned() -> None:
    mark = made_at(TEXT, "agreed to a ceasefire")
    assert reanchor(mark, [TEXT.replace("agreed to a ceasefire", "walked out")]) is None
    assert reanchor(mark, []) is None
    assert reanchor(Quote(""), [TEXT]) is None
