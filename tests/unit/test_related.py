"""More like this: quality on a labelled corpus, never the article itself, odd ids."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from reader.models import Article, ArticleMeta, Block, BlockKind
from reader.search import SearchIndex

CORPUS = Path(__file__).resolve().parent.parent / "fixtures" / "related" / "corpus.json"
TOP = 5
TARGET = 0.9


def labelled_articles() -> list[tuple[str, Article]]:
    """(section, article) for every article of the labelled corpus."""
    sections = json.loads(CORPUS.read_text(encoding="utf-8"))["sections"]
    found = []
    for section, items in sections.items():
        for number, (title, body) in enumerate(items):
            article_id = f"{section}-{number}"
            meta = ArticleMeta(id=article_id, path=f"/{article_id}.md", title=title)
            found.append((section, Article(meta, (Block(BlockKind.PARAGRAPH, body),))))
    return found


@pytest.fixture(scope="module")
def corpus_index() -> SearchIndex:
    index = SearchIndex.in_memory()
    index.add((article for _, article in labelled_articles()), replace=False)
    index.commit()
    return index


def same_section_share(index: SearchIndex) -> float:
    """The share of each article's top five related articles that share its section."""
    articles = labelled_articles()
    section_of = {article.id: section for section, article in articles}
    shared = asked = 0
    for section, article in articles:
        hits = index.related(article.id, TOP)
        asked += TOP
        shared += sum(1 for hit in hits if section_of[hit.id] == section)
    return shared / asked


def test_top_five_share_the_section(corpus_index: SearchIndex) -> None:
    share = same_section_share(corpus_index)
    print(f"top-{TOP} related sharing the section: {share:.1%}")
    assert share >= TARGET


def test_never_the_article_itself(corpus_index: SearchIndex) -> None:
    for _, article in labelled_articles():
        hits = corpus_index.related(article.id, 40)
        assert article.id not in {hit.id for hit in hits}
        assert hits, article.id


def test_best_first_and_limited(corpus_index: SearchIndex) -> None:
    hits = corpus_index.related("sailing-0", 3)
    assert len(hits) == 3
    assert [hit.score for hit in hits] == sorted((hit.score for hit in hits), reverse=True)


@pytest.mark.parametrize("article_id", ["", "unknown", "a\x00b", "*", 'x" OR "y'])
def test_unknown_ids_have_none(corpus_index: SearchIndex, article_id: str) -> None:
    assert corpus_index.related(article_id, 5) == []


def test_a_lone_article_has_none() -> None:
    index = SearchIndex.in_memory()
    _, article = labelled_articles()[0]
    index.add([article])
    index.commit()
    assert index.related(article.id, 5) == []
