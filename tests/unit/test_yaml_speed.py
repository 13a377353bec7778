"""Front matter goes through libyaml where PyYAML has it, and reads back as it was written."""

from __future__ import annotations

from datetime import date

import pytest
import yaml
from hypothesis import given, settings
from hypothesis import strategies as st

from reader.sources import frontmatter
from reader.sources.frontmatter import split_front_matter
from reader.web import save
from reader.web.save import Draft, render_draft

needs_libyaml = pytest.mark.skipif(
    not getattr(yaml, "__with_libyaml__", False), reason="PyYAML built without libyaml"
)


@needs_libyaml
def test_front_matter_is_read_and_written_with_libyaml() -> None:
    assert frontmatter._LOADER is yaml.CSafeLoader
    assert save._DUMPER is yaml.CSafeDumper


def test_the_c_loader_stays_safe() -> None:
    # A Python object tag must be refused, not constructed, by whichever loader is used.
    front, _ = split_front_matter("---\ntitle: !!python/object/apply:os.system ['true']\n---\n")
    assert front is None


_TEXT = st.text(st.characters(blacklist_categories=("Cs",)), min_size=1, max_size=40)


@settings(max_examples=200, deadline=None)
@given(title=_TEXT, author=_TEXT, tags=st.lists(_TEXT, max_size=3))
def test_rendered_front_matter_reads_back(title: str, author: str, tags: list[str]) -> None:
    draft = Draft(title=title, markdown="Body.", author=author, date=date(2025, 2, 3), tags=tags)
    front, body = split_front_matter(render_draft(draft))
    expected = Draft(title=title, markdown="", author=author, tags=tuple(tags))
    assert front is not None
    assert front.title == (save._one_line(expected.title) or "Untitled")
    assert front.author == save._one_line(expected.author)
    assert front.date == date(2025, 2, 3)
    assert body.strip() == "Body."
