"""Front matter benchmark: writing and reading it without PyYAML, beside PyYAML, same run.

Run: `.venv/bin/python -m bench.bench_frontmatter` (add `--files N --rounds R`). Makes N
drafts shaped like feed entries and imported links, then times per file (median of R rounds):
`render_draft` against the PyYAML dump it replaced, the front matter parse against libyaml's
loader, and `load_file` of the saved files with the fast reader on and off.
"""

from __future__ import annotations

import argparse
import random
import statistics
import tempfile
import time
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from typing import Any

import yaml

from bench.machine import describe
from reader.sources import frontmatter, load_file
from reader.sources.decode import strip_controls
from reader.web import save
from reader.web.save import Draft, render_draft

_WORDS = [
    "harbour", "seals", "return", "to", "the", "dunes", "after", "council", "vote:", "what",
    "it", "means", "for", "“the", "coast”", "minister's", "budget", "talks", "2024", "résumé",
    "naïve", "海豹", "—", "update", "#3", "[live]", "it's", "yes", "no", "null",
]  # fmt: skip
_DUMPER = getattr(yaml, "CSafeDumper", yaml.SafeDumper)


def _drafts(count: int) -> list[Draft]:
    """Feed entries and imported links, with the punctuation and scripts real titles have."""
    rng = random.Random(7)
    drafts = []
    for number in range(count):
        title = " ".join(rng.choice(_WORDS) for _ in range(rng.randint(3, 12))).capitalize()
        host = rng.choice(["coastal.example", "news.example.org", "blog.example.net"])
        url = f"https://{host}/{number}/{title[:20].replace(' ', '-')}?utm=x#top"
        saved = datetime(2025, 1, 1, tzinfo=UTC) + timedelta(minutes=number)
        day = date(2024, 1, 1) + timedelta(days=number % 400)
        if number % 3:
            drafts.append(_entry(title, url, host, saved, day, number))
        else:
            drafts.append(_link(title, url, host, saved, day))
    return drafts


def _entry(title: str, url: str, host: str, saved: datetime, day: date, number: int) -> Draft:
    return Draft(
        title=title,
        markdown="A paragraph of the entry.\n\nAnother one, with *emphasis*.",
        url=url,
        author="Mira Okafor",
        date=day,
        site=host,
        source="Coastal Notes",
        saved=saved,
        tags=("news", "coast"),
        extra={"feed": "coastal-notes", "entry_id": f"tag:{host},2024:{number}"},
    )


def _link(title: str, url: str, host: str, saved: datetime, day: date) -> Draft:
    return Draft(
        title=title,
        markdown=f"*Not fetched yet.*\n\n<{url}>",
        url=url,
        date=day,
        site=host,
        source=f"{host} · not fetched yet",
        saved=saved,
        tags=("read later", "pocket"),
        extra={"imported": "pocket-csv", "fetch": "pending"},
    )


def _render_with_pyyaml(draft: Draft) -> str:
    """The file's text as PyYAML's dumper wrote it before."""
    header = yaml.dump(
        save.front_data(draft), Dumper=_DUMPER, sort_keys=False, allow_unicode=True, width=10_000
    )
    return f"---\n{header}---\n\n{strip_controls(draft.markdown).strip(chr(10))}\n"


def _pair(
    before: Callable[[Any], object], after: Callable[[Any], object], items: list[Any], rounds: int
) -> tuple[float, float]:
    """Median ms per item of each, their rounds taken in turn so a load change hits both."""
    times: tuple[list[float], list[float]] = ([], [])
    for _ in range(rounds):
        for work, into in ((before, times[0]), (after, times[1])):
            start = time.perf_counter()
            for item in items:
                work(item)
            into.append(time.perf_counter() - start)
    return tuple(statistics.median(each) / len(items) * 1000 for each in times)  # type: ignore[return-value]


def _without_fast_reader(path: Path) -> object:
    simple = frontmatter.load_mapping
    frontmatter.load_mapping = lambda block: None  # type: ignore[assignment]
    try:
        return load_file(path)
    finally:
        frontmatter.load_mapping = simple


def main() -> None:
    """Print per-file times, fast against PyYAML, for writing and reading front matter."""
    parser = argparse.ArgumentParser()
    parser.add_argument("--files", type=int, default=400)
    parser.add_argument("--rounds", type=int, default=7)
    args = parser.parse_args()
    drafts = _drafts(args.files)
    blocks = [render_draft(draft).split("\n---\n", 1)[0][4:] + "\n" for draft in drafts]
    assert all(frontmatter.load_mapping(block) is not None for block in blocks)
    print(describe())
    rounds = args.rounds
    parse, fast_parse = frontmatter._load_yaml, frontmatter.parse_yaml_mapping
    rows = [
        ("render_draft", *_pair(_render_with_pyyaml, render_draft, drafts, rounds)),
        ("front matter parse", *_pair(parse, fast_parse, blocks, rounds)),
    ]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for number, draft in enumerate(drafts):
            path = Path(folder) / f"{number}.md"
            path.write_text(render_draft(draft), encoding="utf-8")
            paths.append(path)
        loads = _pair(_without_fast_reader, load_file, paths, rounds)
        rows.append(("load_file (saved entry)", *loads))
    print(f"{args.files} files, median of {rounds} rounds, ms per file")
    print(f"{'':26} {'PyYAML':>8} {'fast':>8} {'ratio':>6}")
    for name, before, after in rows:
        print(f"{name:26} {before:8.4f} {after:8.4f} {after / before:6.2f}")


if __name__ == "__main__":
    main()
