"""Text analysis shared by the index and the UI: tokenizers, stems, match spans, snippets."""

from __future__ import annotations

import re
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field
from functools import lru_cache

import tantivy

from reader.search.query import Query, parse

STEMMED = "reader_en"
"""Tokenizer for title and body: words, lower-cased, accents folded, English stems."""

FOLDED = "reader_fold"
"""Tokenizer for tags, place and source: words, lower-cased, accents folded, no stems."""

MAX_WORD = 40
"""Longer words are not indexed (as in tantivy's own English analyzer)."""

SNIPPET_WIDTH = 160
"""About how many characters a result snippet shows."""

_WORD = re.compile(r"[^\W_]+")
_LOCK = threading.Lock()  # analyzers are shared Rust objects: one caller at a time


def build_analyzer(stem: bool) -> tantivy.TextAnalyzer:
    """The analyzer behind `STEMMED` (stem=True) or `FOLDED` (stem=False)."""
    builder = (
        tantivy.TextAnalyzerBuilder(tantivy.Tokenizer.simple())
        .filter(tantivy.Filter.remove_long(MAX_WORD))
        .filter(tantivy.Filter.lowercase())
        .filter(tantivy.Filter.ascii_fold())
    )
    if stem:
        builder = builder.filter(tantivy.Filter.stemmer("english"))
    return builder.build()


_STEMMER = build_analyzer(stem=True)
_FOLDER = build_analyzer(stem=False)


def register_tokenizers(index: tantivy.Index) -> None:
    """Teach an index our tokenizers (needed on every open: tantivy does not store them)."""
    index.register_tokenizer(STEMMED, build_analyzer(stem=True))
    index.register_tokenizer(FOLDED, build_analyzer(stem=False))


@lru_cache(maxsize=65536)
def stems(text: str) -> tuple[str, ...]:
    """The tokens `text` is indexed as in title and body (folded, stemmed)."""
    with _LOCK:
        return tuple(_STEMMER.analyze(text))


@lru_cache(maxsize=65536)
def folds(text: str) -> tuple[str, ...]:
    """The folded, unstemmed tokens of `text` (how prefixes and keyword fields match)."""
    with _LOCK:
        return tuple(_FOLDER.analyze(text))


Span = tuple[int, int]


@dataclass(frozen=True, slots=True)
class Marker:
    """Finds the words of a text that a query matched, for marks and snippets."""

    stems: frozenset[str] = frozenset()
    prefixes: tuple[str, ...] = ()
    _seen: dict[str, bool] = field(default_factory=dict, compare=False, repr=False)
    """Words already judged: article text repeats words a lot."""
    _seen_probe: dict[str, re.Pattern[str] | None] = field(
        default_factory=dict, compare=False, repr=False
    )

    @classmethod
    def for_query(cls, query: str | Query) -> Marker:
        """A marker for every word and prefix the query asks for (not excluded ones)."""
        parsed = parse(query) if isinstance(query, str) else query
        words = {token for text in parsed.words() for token in stems(text)}
        prefixes: list[str] = []
        for text in parsed.prefixes():
            tokens = folds(text)
            prefixes.extend(tokens[-1:])
            words.update(stems(" ".join(tokens[:-1])))  # "peace tal*" marks "peace"
        return cls(frozenset(words), tuple(prefixes))

    def __bool__(self) -> bool:
        return bool(self.stems or self.prefixes)

    def matches(self, word: str) -> bool:
        """Whether one word of text is a match."""
        known = self._seen.get(word)
        if known is None:
            known = any(token in self.stems for token in stems(word)) or any(
                token.startswith(self.prefixes) for token in folds(word)
            )
            if len(self._seen) < 100_000:  # bound the memo on huge texts
                self._seen[word] = known
        return known

    def spans(self, text: str) -> list[Span]:
        """(start, end) character offsets of every matched word in `text`."""
        return list(self._found(text))

    def first(self, text: str) -> Span | None:
        """The first matched word in `text`, or None."""
        return next(self._found(text), None)

    def _found(self, text: str) -> Iterator[Span]:
        if not self:
            return
        matches = self.matches
        probe = self._probe()
        if probe is not None and text.isascii():
            # only words starting like a stem or prefix can match: let re find them
            for candidate in probe.finditer(text):
                word = _WORD.match(text, candidate.start())
                if word is not None and matches(word.group()):
                    yield word.span()
            return
        for word in _WORD.finditer(text):
            if matches(word.group()):
                yield word.span()

    def _probe(self) -> re.Pattern[str] | None:
        """A pattern for word starts that can match (None when it cannot be exact)."""
        if "probe" not in self._seen_probe:
            # a stem's word starts with the stem less its last letter ("happi" < "happy")
            starts = {stem[:-1] or stem for stem in self.stems} | set(self.prefixes)
            pattern = None
            if all(start.isascii() and start for start in starts):
                alternatives = "|".join(sorted(map(re.escape, starts), key=len))
                pattern = re.compile(rf"(?<![^\W_])(?:{alternatives})", re.IGNORECASE)
            self._seen_probe["probe"] = pattern
        return self._seen_probe["probe"]


@dataclass(frozen=True, slots=True)
class Snippet:
    """A short piece of an article with the matched words' (start, end) offsets."""

    text: str
    spans: tuple[Span, ...] = ()


def make_snippet(body: str, marker: Marker, width: int = SNIPPET_WIDTH) -> Snippet:
    """A window of about `width` characters around the first match (or the opening)."""
    first = marker.first(body)
    start = 0 if first is None else max(0, first[0] - width // 4)
    if start:
        space = body.find(" ", start, first[0] if first else None)
        start = space + 1 if space >= 0 else start
    end = min(len(body), start + width)
    if end < len(body):
        space = body.rfind(" ", start + width // 2, end)
        end = space if space >= 0 else end
    piece = " ".join(body[start:end].split())
    lead = "…" if start else ""
    tail = "…" if end < len(body) else ""
    shift = len(lead)
    spans = tuple((a + shift, b + shift) for a, b in marker.spans(piece))
    return Snippet(f"{lead}{piece}{tail}", spans)
