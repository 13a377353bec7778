"""The import's quick ways with quotes give what the store's anchoring gives: folding an
ASCII quote, and placing a quote found once in a book's blocks."""

from __future__ import annotations

from hypothesis import example, given
from hypothesis import strategies as st

from reader.imports import marks
from reader.imports.items import ImportedHighlight
from reader.store.anchoring import fold, reanchor

_words = st.sampled_from(["the", "The", "ferry", "dawn", "’s", "—", "İ", " ", "\n", "\t", "a"])
_texts = st.lists(_words, max_size=12).map("".join)


@given(st.text() | _texts)
@example("  The  Ferry\tleft \n")
@example("\x1c a \x1f")
def test_a_folded_quote_is_what_fold_gives(text: str) -> None:
    assert marks.fold_quote(text) == fold(text)[0].strip()


class _Quote:
    def __init__(self, quote: str, prefix: str, suffix: str) -> None:
        self.quote, self.prefix, self.suffix, self.block = quote, prefix, suffix, 0


@given(
    st.lists(_texts | st.text(max_size=8), max_size=6),
    _texts | st.text(max_size=4),
    st.text(max_size=4),
    st.text(max_size=4),
)
@example(["the ferry", "at dawn", "the ferry"], "the ferry", "", "")
@example(["the ferry", "at dawn"], "dawn", "", "")
@example(["a\x00b", "b"], "b", "", "")
def test_a_quote_is_anchored_where_reanchor_puts_it(
    texts: list[str], quote: str, prefix: str, suffix: str
) -> None:
    mark = ImportedHighlight(quote=quote, prefix=prefix, suffix=suffix)
    general = reanchor(_Quote(quote.strip(), prefix, suffix), texts) if texts else None
    if general is None:
        expected = (0, prefix, suffix)
    else:
        index, start, end = general
        text = texts[index]
        expected = (index, text[max(0, start - marks.CONTEXT) : start], text[end : end + 32])
    assert marks._anchor(mark, texts, marks._Joined(texts)) == expected


def test_a_quote_found_once_is_placed_without_reanchor() -> None:
    """The equality above means something only if the quick way answers for such quotes."""
    joined = marks._Joined(["the ferry left", "at dawn and", "the harbour"])
    assert joined.only_place("dawn") == (1, 3, 7)
    assert joined.only_place("the") is None  # twice: reanchor weighs its surroundings
