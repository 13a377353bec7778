"""Feed ingest benchmark: `reader feeds refresh` beside Newsboat on the same local feeds.

    python -m bench.bench_ingest [--feeds 200] [--entries 500] [--skip-newsboat]

Writes FEEDS RSS 2.0 files of ENTRIES entries each (bench/corpus/feeds-<F>x<E>/, generated
once), subscribes a fresh reader home to all of them, then times a cold
`reader feeds refresh` (fetch, parse, write every entry, catalog and index them) and,
when `newsboat` is installed, `newsboat -x reload` on the same files (file:// URLs)
into an empty cache. Prints wall and CPU time of each, their ratio, and peak memory: the
largest single process (getrusage) and the whole process tree sampled every 50 ms.
"""

from __future__ import annotations

import argparse
import compileall
import os
import random
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from email.utils import format_datetime
from html import escape
from pathlib import Path

from bench import corpus
from bench.machine import describe, file_creation_ms, settle_disk

VERSION = 1
OUT = Path(__file__).resolve().parent / ".out"


@dataclass(frozen=True, slots=True)
class Run:
    """One timed command: wall and CPU seconds (of which in the kernel), largest process
    RSS, whole-tree peak RSS and PSS."""

    wall: float
    cpu: float
    system: float
    max_rss_mb: float
    tree_mb: float
    tree_pss_mb: float
    returncode: int


def _entry(rng: random.Random, pool: list[str], feed: int, number: int, when: datetime) -> str:
    paragraphs = []
    for _ in range(rng.randint(2, 5)):
        paragraphs.append("<p>" + escape(" ".join(rng.choices(pool, k=rng.randint(2, 6)))) + "</p>")
    title = escape(rng.choice(pool)[:70].rstrip(".,"))
    body = "".join(paragraphs)
    link = f"https://feed{feed}.example.org/{when:%Y/%m}/story-{number}"
    return (
        f"<item><title>{title}</title><link>{link}</link>"
        f'<guid isPermaLink="false">feed{feed}-{number}</guid>'
        f"<pubDate>{format_datetime(when)}</pubDate>"
        f"<author>desk{feed}@feed{feed}.example.org (Desk {feed})</author>"
        f"<description><![CDATA[{body}]]></description></item>\n"
    )


def generate(feeds: int, entries: int, name: str = "") -> Path:
    """FEEDS feed files of ENTRIES entries each (left alone when already generated)."""
    folder = corpus.CORPUS_DIR / f"feeds-{name}{feeds}x{entries}"
    marker = folder / ".version"
    if marker.is_file() and marker.read_text(encoding="utf-8") == str(VERSION):
        return folder
    shutil.rmtree(folder, ignore_errors=True)
    folder.mkdir(parents=True)
    rng = random.Random(f"reader-feeds-{VERSION}{name}")
    pool = corpus._sentence_pool(rng)
    start = datetime(2025, 1, 1, tzinfo=UTC)
    for feed in range(feeds):
        items = "".join(
            _entry(rng, pool, feed, n, start + timedelta(hours=feed * 7 + n * 3))
            for n in range(entries)
        )
        text = (
            '<?xml version="1.0" encoding="utf-8"?>\n<rss version="2.0"><channel>'
            f"<title>Feed {feed}</title><link>https://feed{feed}.example.org/</link>"
            f"<description>Bench feed {feed}</description>\n{items}</channel></rss>\n"
        )
        (folder / f"feed{feed:03d}.xml").write_text(text, encoding="utf-8")
    marker.write_text(str(VERSION), encoding="utf-8")
    return folder


def _tree_memory(root: int) -> tuple[int, int]:
    """Resident bytes of a process and all its descendants (Linux /proc): the sum of their
    RSS, and of their PSS (each shared page, such as a library's code, counted once)."""
    children: dict[int, list[int]] = {}
    rss: dict[int, int] = {}
    for name in os.listdir("/proc"):
        if not name.isdigit():
            continue
        try:
            with open(f"/proc/{name}/stat", encoding="ascii", errors="replace") as handle:
                fields = handle.read().rsplit(")", 1)[1].split()
        except OSError:
            continue
        pid = int(name)
        children.setdefault(int(fields[1]), []).append(pid)
        rss[pid] = int(fields[21]) * os.sysconf("SC_PAGE_SIZE")
    total = proportional = 0
    stack = [root]
    while stack:
        pid = stack.pop()
        total += rss.get(pid, 0)
        proportional += _pss(pid)
        stack.extend(children.get(pid, []))
    return total, proportional


def _pss(pid: int) -> int:
    try:
        with open(f"/proc/{pid}/smaps_rollup", encoding="ascii", errors="replace") as handle:
            for line in handle:
                if line.startswith("Pss:"):
                    return int(line.split()[1]) * 1024
    except (OSError, ValueError):
        pass
    return 0


def timed(command: list[str], env: dict[str, str], cwd: Path) -> Run:
    """Run a command to the end; its times and memory."""
    started = time.perf_counter()
    process = subprocess.Popen(
        command, env=env, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE
    )
    peak = peak_pss = 0
    done = threading.Event()

    def sample() -> None:
        nonlocal peak, peak_pss
        while not done.wait(0.05):
            rss, pss = _tree_memory(process.pid)
            peak, peak_pss = max(peak, rss), max(peak_pss, pss)

    sampler = threading.Thread(target=sample, daemon=True)
    sampler.start()
    _, status, usage = os.wait4(process.pid, 0)
    wall = time.perf_counter() - started
    done.set()
    sampler.join()
    assert process.stderr is not None
    errors = process.stderr.read().decode("utf-8", "replace").strip()
    process.returncode = os.waitstatus_to_exitcode(status)
    if process.returncode:
        print(f"  {command[0]} exited {process.returncode}: {errors[-500:]}", file=sys.stderr)
    return Run(
        wall=wall,
        cpu=usage.ru_utime + usage.ru_stime,
        system=usage.ru_stime,
        max_rss_mb=usage.ru_maxrss / 1024,
        tree_mb=peak / 2**20,
        tree_pss_mb=peak_pss / 2**20,
        returncode=process.returncode,
    )


def run_reader(feeds: list[Path], home: Path) -> Run:
    """Subscribe a fresh reader home to the feeds, then time a cold refresh."""
    env = {**os.environ, "READER_HOME": str(home)}
    subscribe = (
        "import sys\n"
        "from reader.feeds.registry import FeedRegistry\n"
        "with FeedRegistry.open() as r:\n"
        "    r.add_many((p, '', ()) for p in sys.argv[1:])\n"
    )
    subprocess.run([sys.executable, "-c", subscribe, *map(str, feeds)], env=env, check=True)
    return timed([READER, "feeds", "refresh"], env, home)


READER = str(Path(sys.executable).with_name("reader"))


def run_after(home: Path, extra: Path) -> dict[str, float]:
    """In the library just ingested: `reader search` (median of 3) and `feeds add` of one
    more 500-entry feed; then the same add into an empty library, for comparison."""
    env = {**os.environ, "READER_HOME": str(home)}
    searches = sorted(timed([READER, "search", "government"], env, home).wall for _ in range(3))
    figures = {"search": searches[1]}
    figures["add_full"] = timed([READER, "feeds", "add", str(extra)], env, home).wall
    empty = home / "empty"
    empty.mkdir()
    env = {**os.environ, "READER_HOME": str(empty)}
    figures["add_empty"] = timed([READER, "feeds", "add", str(extra)], env, empty).wall
    return figures


def run_newsboat(feeds: list[Path], home: Path) -> Run | None:
    """Newsboat loading the same files into an empty cache, or None when it is not installed."""
    program = shutil.which("newsboat")
    if program is None:
        return None
    urls = home / "urls"
    urls.write_text("".join(f"file://{path}\n" for path in feeds), encoding="utf-8")
    config = home / "config"
    config.write_text("reload-threads 2\n", encoding="utf-8")
    env = {**os.environ, "HOME": str(home), "XDG_CONFIG_HOME": str(home / "xdg")}
    command = [program, "-u", str(urls), "-c", str(home / "cache.db"), "-C", str(config)]
    return timed([*command, "-x", "reload"], env, home)


def _line(name: str, run: Run) -> str:
    return (
        f"  {name:<22} wall {run.wall:7.1f} s   cpu {run.cpu:7.1f} s"
        f" (system {run.system:5.1f} s)   largest process {run.max_rss_mb:6.0f} MB"
        f"   whole tree peak {run.tree_mb:6.0f} MB"
        f" (PSS {run.tree_pss_mb:4.0f} MB)"
    )


def main(argv: list[str]) -> int:
    """Generate the feeds, time both programs and print the figures."""
    parser = argparse.ArgumentParser(prog="python -m bench.bench_ingest")
    parser.add_argument("--feeds", type=int, default=200)
    parser.add_argument("--entries", type=int, default=500)
    parser.add_argument("--skip-newsboat", action="store_true")
    parser.add_argument(
        "--no-settle", action="store_true", help="time at once, without waiting for the disk"
    )
    args = parser.parse_args(argv)
    print(describe())
    # Byte-compiled first, as an installed package is: the short commands timed after the
    # ingest would otherwise compile every module they import on each run.
    compileall.compile_dir(Path(__file__).resolve().parent.parent / "reader", quiet=1)
    folder = generate(args.feeds, args.entries)
    feeds = sorted(folder.glob("feed*.xml"))
    total = args.feeds * args.entries
    size = sum(path.stat().st_size for path in feeds) / 2**20
    print(f"{len(feeds)} feeds x {args.entries} entries = {total:,} entries ({size:.0f} MB)")
    print(f"load average before: {os.getloadavg()[0]:.2f}")
    OUT.mkdir(parents=True, exist_ok=True)

    def settle() -> None:
        if args.no_settle:
            print(f"  disk: {file_creation_ms(str(OUT)):.3f} ms to create a small file")
        else:
            print(f"  {settle_disk(str(OUT))}", flush=True)

    work = Path(tempfile.mkdtemp(prefix="ingest-", dir=OUT))
    try:
        newsboat = None
        if not args.skip_newsboat:
            (work / "newsboat").mkdir()
            settle()
            newsboat = run_newsboat(feeds, work / "newsboat")
            if newsboat is not None:
                print(_line("newsboat -x reload", newsboat), flush=True)
        (work / "reader").mkdir()
        settle()
        reader = run_reader(feeds, work / "reader")
        saved = sum(1 for _ in (work / "reader").rglob("*.md"))
        print(_line("reader feeds refresh", reader) + f"   ({saved:,} files)", flush=True)
        extra = next(generate(1, args.entries, "extra-").glob("feed*.xml"))
        after = run_after(work / "reader", extra)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    print(f"  reader: {total / reader.wall:,.0f} entries/s")
    if newsboat is not None:
        print(
            f"  ratio reader/newsboat: wall {reader.wall / newsboat.wall:.2f}x (budget 1.0x),"
            f" cpu {reader.cpu / newsboat.cpu:.2f}x"
        )
    else:
        print("  newsboat not installed: no ratio (apt-get install newsboat)")
    print(
        f"  peak memory budget 200 MB: {'met' if reader.tree_mb <= 200 else 'NOT met'} by the"
        f" whole tree's RSS, {'met' if reader.tree_pss_mb <= 200 else 'NOT met'} by its PSS"
    )
    print(
        f"  then, in that library of {saved:,}: reader search {after['search']:.2f} s"
        f" (budget 0.15 s), feeds add of a {args.entries}-entry feed {after['add_full']:.2f} s"
        f" (into an empty library: {after['add_empty']:.2f} s)"
    )
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
