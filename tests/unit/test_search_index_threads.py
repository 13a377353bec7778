"""The index keeps every article on a machine with a single core.

On one core tantivy's writer picks one indexing thread by default, and with one thread a
merge after same-size edits of two files emptied the whole index.
"""

from __future__ import annotations

import os
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from reader.models import Article
from reader.search.index import SearchIndex
from reader.sources.loader import load_file

pytestmark = pytest.mark.skipif(
    not hasattr(os, "sched_setaffinity"), reason="needs CPU affinity (Linux)"
)


@pytest.fixture
def one_core() -> Iterator[None]:
    """This process runs on a single CPU, as on a one-core machine."""
    allowed = os.sched_getaffinity(0)
    os.sched_setaffinity(0, {min(allowed)})
    try:
        yield
    finally:
        os.sched_setaffinity(0, allowed)


def article(path: Path, number: int) -> Article:
    loaded = load_file(path)
    return replace(loaded, meta=replace(loaded.meta, id=f"{number:016x}"))


def test_same_size_edits_keep_every_article_on_one_core(tmp_path: Path, one_core: None) -> None:
    files = []
    for name, lead, body in (
        ("ferry.txt", "Electric ferries cross the fjord", "Batteries hum."),
        ("harvest.txt", "Farmers bring in the harvest", "Wheat and barley."),
        ("museum.txt", "A museum opens its vaults", "Paintings return."),
    ):
        path = tmp_path / "news" / name
        path.parent.mkdir(exist_ok=True)
        path.write_text(f" date 2024-01-02 OSLO, Norway. {lead}. {body}\n\nMore.\n", "utf-8")
        files.append(path)
    index = SearchIndex.open(tmp_path / "index")
    try:
        index.add([article(path, n) for n, path in enumerate(files)], replace=False)
        index.commit()
        index.settle()
        for number, (old, new) in enumerate((("hum", "zip"), ("barley", "millet"))):
            path = files[number]
            path.write_text(path.read_text("utf-8").replace(old, new), "utf-8")
            index.add([article(path, number)])
            index.commit()
            index.settle()  # waits for the merges, where the articles went
            assert index.count() == 3
            assert [hit.id for hit in index.search(new).hits] == [f"{number:016x}"]
    finally:
        index.close()
