"""`reader fetch`: link-only articles get their pages from a real server on 127.0.0.1."""

from __future__ import annotations

import json
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.imports import fetching
from reader.web.addresses import place
from reader.web.fetch import Limits
from tests.http_server import Route

PAGE = (
    "<!doctype html><html><head><title>{title}</title></head><body><article>"
    "<h1>{title}</h1><p>The harbour master counts {n} boats at dawn, every day of the year,"
    " and writes each one down in a ledger kept since the harbour opened.</p>"
    "<p>Nobody has asked him to stop, and nobody has read the ledger.</p>"
    "</article></body></html>"
)


@pytest.fixture(autouse=True)
def quick(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(fetching, "HOST_PAUSE", 0.01)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def import_links(capsys, tmp_path: Path, urls: list[str]) -> None:
    rows = "".join(f"Link {i},{url},1700000000,harbour,unread\n" for i, url in enumerate(urls))
    path = tmp_path / "part_000000.csv"
    path.write_text("title,url,time_added,tags,status\n" + rows, encoding="utf-8")
    assert run(capsys, "import", str(path))[0] == 0


def listed(capsys) -> dict[str, dict]:
    _, out, _ = run(capsys, "list", "--json")
    return {row["url"]: row for row in map(json.loads, out.splitlines()) if row["url"]}


def allow(http_server) -> Limits:
    return Limits(timeout=5, allow=frozenset({place(http_server.url("/"))}))


def test_pages_are_fetched_in_place_and_failures_recorded_then_retried(
    capsys, tmp_path, http_server
) -> None:
    for n in (1, 2):
        http_server.routes[f"/p{n}"] = Route(PAGE.format(title=f"Boats {n}", n=n).encode())
    urls = [http_server.url(f"/p{n}") for n in (1, 2, 3)]
    import_links(capsys, tmp_path, urls)
    before = listed(capsys)
    outcome = fetching.fetch_pending(limits=allow(http_server))
    assert (outcome.fetched, [f.url for f in outcome.failures], outcome.left) == (2, [urls[2]], 1)
    after = listed(capsys)
    # The same file, so the same article: its id and tags stay.
    assert after[urls[0]]["id"] == before[urls[0]]["id"]
    assert after[urls[0]]["title"] == "Boats 1" and after[urls[0]]["tags"] == ["harbour"]
    assert before[urls[0]]["source"] == "127.0.0.1 · not fetched yet"
    assert after[urls[0]]["source"].startswith("127.0.0.1") and "·" not in after[urls[0]]["source"]
    assert after[urls[2]]["source"] == "127.0.0.1 · fetch failed"
    _, out, _ = run(capsys, "show", after[urls[0]]["id"], "--plain")
    assert "ledger" in out and "Not fetched yet" not in out
    failed = Path(after[urls[2]]["path"]).read_text(encoding="utf-8")
    assert "fetch: failed" in failed and "fetch_tries: '1'" in failed and "404" in failed
    http_server.routes["/p3"] = Route(PAGE.format(title="Boats 3", n=3).encode())
    again = fetching.fetch_pending(limits=allow(http_server))
    assert (again.fetched, again.failures, again.left) == (1, [], 0)
    assert fetching.pending() == []


def test_waiting_highlights_attach_once_the_page_is_there(capsys, tmp_path, http_server) -> None:
    http_server.routes["/p1"] = Route(PAGE.format(title="Boats", n=7).encode())
    url = http_server.url("/p1")
    export = tmp_path / "wallabag.json"
    marks = [{"quote": "counts 7 boats at dawn", "text": "a note"}]
    export.write_text(json.dumps([{"url": url, "is_archived": 0, "annotations": marks}]))
    assert run(capsys, "import", str(export))[0] == 0
    _, out, _ = run(capsys, "notes")
    assert "(orphaned)" in out
    assert fetching.fetch_pending(limits=allow(http_server)).fetched == 1
    _, out, _ = run(capsys, "notes")
    assert "> counts 7 boats at dawn\n" in out and "orphaned" not in out


def test_limit_fetches_some_and_the_rest_wait(capsys, tmp_path, http_server) -> None:
    for n in (1, 2, 3):
        http_server.routes[f"/p{n}"] = Route(PAGE.format(title=f"Boats {n}", n=n).encode())
    import_links(capsys, tmp_path, [http_server.url(f"/p{n}") for n in (1, 2, 3)])
    first = fetching.fetch_pending(limit=1, limits=allow(http_server))
    assert (first.fetched, first.left) == (1, 2)
    rest = fetching.fetch_pending(limits=allow(http_server))
    assert (rest.fetched, rest.left) == (2, 0)
    assert sum(http_server.hits(f"/p{n}") for n in (1, 2, 3)) == 3


def test_one_request_at_a_time_per_host(capsys, tmp_path, http_server) -> None:
    active: dict[str, int] = {}
    most: dict[str, int] = {}
    lock = threading.Lock()

    def slow(handler) -> Route:
        host = handler.headers.get("Host", "").split(":")[0]
        with lock:
            active[host] = active.get(host, 0) + 1
            most[host] = max(most.get(host, 0), active[host])
        time.sleep(0.05)  # holds the request open so overlapping ones would be seen
        with lock:
            active[host] -= 1
        return Route(PAGE.format(title="Slow", n=1).encode())

    for n in range(4):
        http_server.routes[f"/s{n}"] = slow
    base = http_server.url("/")
    other = base.replace("127.0.0.1", "localhost")
    urls = [f"{base}s{n}" for n in range(2)] + [f"{other}s{n}" for n in range(2, 4)]
    import_links(capsys, tmp_path, urls)
    limits = Limits(timeout=5, allow=frozenset({place(base), place(other)}))
    assert fetching.fetch_pending(limits=limits).fetched == 4
    assert most == {"127.0.0.1": 1, "localhost": 1}


def test_the_command_refuses_local_addresses_from_a_file(capsys, tmp_path, http_server) -> None:
    http_server.routes["/p1"] = Route(PAGE.format(title="Boats", n=1).encode())
    import_links(capsys, tmp_path, [http_server.url("/p1")])
    code, out, err = run(capsys, "fetch")
    assert code == 1 and "0 pages" in out and err.count("\n") == 1
    assert http_server.hits("/p1") == 0
    code, _, err = run(capsys, "fetch", "--limit", "0")
    assert code == 2 and err.count("\n") == 1


def test_fetch_with_nothing_pending(capsys) -> None:
    code, out, _ = run(capsys, "fetch")
    assert code == 0 and out == "Fetched 0 pages, 0 failed, 0 still to fetch\n"
    assert not (paths.data_dir() / "store.json").exists()


def test_a_killed_fetch_keeps_what_it_got_and_the_next_run_does_the_rest(
    capsys, tmp_path, http_server
) -> None:
    http_server.routes["/p1"] = Route(PAGE.format(title="Boats 1", n=1).encode())
    slow = Route(PAGE.format(title="Slow", n=2).encode(), delay=120)
    http_server.routes["/p2"] = http_server.routes["/p3"] = slow
    urls = [http_server.url(f"/p{n}") for n in (1, 2, 3)]
    import_links(capsys, tmp_path, urls)
    script = (
        "import sys\n"
        "from reader.imports import fetching\n"
        "from reader.web.fetch import Limits\n"
        "fetching.HOST_PAUSE = 0\n"
        "host, port = sys.argv[1], int(sys.argv[2])\n"
        "fetching.fetch_pending(limits=Limits(timeout=300, allow=frozenset({(host, port)})))\n"
    )
    host, port = place(http_server.url("/"))
    log = tmp_path / "worker.log"
    with log.open("wb") as errors:
        worker = subprocess.Popen([sys.executable, "-c", script, host, str(port)], stderr=errors)
    try:
        for _ in range(1200):  # until the first page is in and another is being fetched
            slow_hits = http_server.hits("/p2") + http_server.hits("/p3")
            if slow_hits and len(fetching.pending()) == 2:
                break
            time.sleep(0.05)
        # The two slow pages wait for one host: either may go first.
        slow_hits = http_server.hits("/p2") + http_server.hits("/p3")
        seen = (slow_hits, len(fetching.pending()), worker.poll())
        assert seen == (1, 2, None), log.read_text(encoding="utf-8", errors="replace")
    finally:
        worker.kill()
        worker.wait()
    rows = listed(capsys)
    assert rows[urls[0]]["title"] == "Boats 1"
    assert [p.url for p in fetching.pending()] == urls[1:]
    for n in (2, 3):
        http_server.routes[f"/p{n}"] = Route(PAGE.format(title=f"Boats {n}", n=n).encode())
    outcome = fetching.fetch_pending(limits=allow(http_server))
    assert (outcome.fetched, outcome.failures, outcome.left) == (2, [], 0)
    assert http_server.hits("/p1") == 1
    assert not [p for p in (paths.user_library_dir() / "web").iterdir() if p.suffix != ".md"]
