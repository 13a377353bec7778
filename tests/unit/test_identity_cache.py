"""Two files with one body are two articles, and deleting the cache gives every file its id back."""

from __future__ import annotations

import json
import shutil
from pathlib import Path

import pytest

from reader import paths
from reader.cli import main
from reader.store import Store
from tests.unit.library_files import write_article

BODY = "Ships return to the quay. The harbour master said the cranes were safe again."


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    captured = capsys.readouterr()
    return code, captured.out, captured.err


def listed(capsys: pytest.CaptureFixture[str], *library: str) -> dict[str, str]:
    """File name -> id, as `reader list --json` gives them."""
    code, out, _ = run(capsys, "list", "--json", *library)
    assert code == 0
    return {Path(r["path"]).name: r["id"] for r in map(json.loads, out.splitlines())}


def json_lines(out: str) -> list[dict]:
    return [json.loads(line) for line in out.splitlines()]


@pytest.fixture
def twins(tmp_path: Path) -> Path:
    """A folder where three files share one body, beside a file of its own."""
    folder = tmp_path / "news"
    for name in ("b-original.txt", "a-copy.txt", "c-again.txt"):
        write_article(folder / name, "Harbour reopens after the storm", body=BODY)
    write_article(folder / "other.txt", "Shipyards hire welders again")
    return folder


def test_files_with_one_body_are_distinct_articles(capsys, twins: Path) -> None:
    ids = listed(capsys, "-l", str(twins))
    assert len(ids) == 4 and len(set(ids.values())) == 4


def test_each_annotation_stays_on_its_own_file_after_the_cache_is_deleted(
    capsys, twins: Path
) -> None:
    library = ("-l", str(twins))
    before = listed(capsys, *library)
    for name, article_id in before.items():
        assert run(capsys, "note", article_id, f"note on {name}", *library)[0] == 0
        assert run(capsys, "bookmark", article_id, "--tag", name, *library)[0] == 0
    for _ in range(2):
        shutil.rmtree(paths.cache_dir())
        assert listed(capsys, *library) == before  # every file gets the id it had
        notes = json_lines(run(capsys, "notes", "--json", *library)[1])
        assert {Path(n["path"]).name: n["text"] for n in notes} == {
            name: f"note on {name}" for name in before
        }
        assert all(n["in_library"] and before[Path(n["path"]).name] == n["id"] for n in notes)
        marks = json_lines(run(capsys, "bookmarks", "--json", *library)[1])
        assert {Path(b["path"]).name: b["tags"] for b in marks} == {n: [n] for n in before}


def test_ids_come_back_whichever_file_is_read_first(capsys, twins: Path) -> None:
    """The copy annotated later keeps its id even when it sorts first after a rebuild."""
    library = ("-l", str(twins))
    for name in ("a-copy.txt", "c-again.txt"):
        (twins / name).rename(twins / f"later-{name}")
    first = listed(capsys, *library)
    assert run(capsys, "note", first["b-original.txt"], "the original", *library)[0] == 0
    for name in ("a-copy.txt", "c-again.txt"):
        (twins / f"later-{name}").rename(twins / name)
    second = listed(capsys, *library)
    assert second["b-original.txt"] == first["b-original.txt"]
    assert run(capsys, "note", second["a-copy.txt"], "the copy", *library)[0] == 0
    shutil.rmtree(paths.cache_dir())
    assert listed(capsys, *library) == second
    notes = json_lines(run(capsys, "notes", "--json", *library)[1])
    assert {Path(n["path"]).name: n["text"] for n in notes} == {
        "b-original.txt": "the original",
        "a-copy.txt": "the copy",
    }


def test_a_note_on_a_saved_copy_stays_on_the_copy(capsys, tmp_path: Path) -> None:
    folder = tmp_path / "pages"
    folder.mkdir()
    page = folder / "page.html"
    page.write_text(
        "<html><head><title>Harbour reopens</title></head><body><article>"
        f"<h1>Harbour reopens</h1><p>{BODY}</p><p>{BODY} Again.</p></article></body></html>",
        encoding="utf-8",
    )
    original = listed(capsys, "-l", str(folder))["page.html"]
    assert run(capsys, "add", str(page))[0] == 0
    saved = listed(capsys, "-l", str(paths.user_library_dir()))
    copies = {name: i for name, i in saved.items() if name.endswith(".md")}
    [(copy_name, copy_id)] = copies.items()
    assert copy_id != original
    assert run(capsys, "note", copy_id, "on the copy")[0] == 0
    # Under the original's library the copy's note is not the original's.
    notes = json_lines(run(capsys, "notes", "--json", "-l", str(folder))[1])
    assert [(n["text"], n["in_library"]) for n in notes] == [("on the copy", False)]
    [note] = json_lines(run(capsys, "notes", "--json")[1])
    assert Path(note["path"]).name == copy_name and note["in_library"] is True
    shutil.rmtree(paths.cache_dir())
    assert listed(capsys, "-l", str(folder))["page.html"] != copy_id
    [note] = json_lines(run(capsys, "notes", "--json")[1])
    assert (note["id"], note["in_library"]) == (copy_id, True)


def test_the_same_library_elsewhere_gives_the_same_ids(capsys, twins: Path, tmp_path: Path) -> None:
    """Ids do not depend on where the library is: a copy of it (another machine) matches."""
    library = ("-l", str(twins))
    before = listed(capsys, *library)
    for article_id in before.values():
        run(capsys, "bookmark", article_id, *library)
    moved = tmp_path / "elsewhere" / "news"
    shutil.copytree(twins, moved)
    shutil.rmtree(twins)
    shutil.rmtree(paths.cache_dir())
    assert listed(capsys, "-l", str(moved)) == before


def test_the_store_keeps_each_identity(capsys, twins: Path) -> None:
    library = ("-l", str(twins))
    ids = listed(capsys, *library)
    run(capsys, "bookmark", ids["other.txt"], *library)
    (twins / "a-copy.txt").rename(twins / "moved.txt")  # keeps its id: not its natural one
    ids = listed(capsys, *library)
    run(capsys, "bookmarks", *library)
    with Store.open() as store:
        kept = {Path(i.path).name: i for i in store.article_identities()}
    # The annotated article and the one whose id is not its natural id, each with its key.
    assert set(kept) == {"other.txt", "moved.txt"}
    assert all(kept[name].article_id == ids[name] and kept[name].key == name for name in kept)


def test_a_renamed_and_edited_file_keeps_its_id_after_the_cache_is_deleted(
    capsys, twins: Path
) -> None:
    library = ("-l", str(twins))
    before = listed(capsys, *library)
    assert run(capsys, "note", before["other.txt"], "keep me", *library)[0] == 0
    (twins / "other.txt").rename(twins / "renamed.txt")
    write_article(twins / "renamed.txt", "Shipyards hire welders again", body="Edited.")
    assert listed(capsys, *library)["renamed.txt"] == before["other.txt"]
    run(capsys, "notes", *library)  # any command with the store records where it went
    shutil.rmtree(paths.cache_dir())
    assert listed(capsys, *library)["renamed.txt"] == before["other.txt"]


def test_a_version_1_store_is_migrated_with_an_empty_identity_table(tmp_path: Path) -> None:
    from reader.store import schema

    v1 = {
        "meta": {"1": {"schema_version": 1}},
        "notes": {"1": {"uuid": "u-1", "article_id": "ab" * 8, "path": "/a", "text": "kept"}},
    }
    migrated = schema.migrate(v1)
    assert migrated["meta"]["1"]["schema_version"] == schema.CURRENT_VERSION == 2
    assert migrated["articles"] == {} and migrated["notes"] == v1["notes"]
    path = tmp_path / "store.json"
    path.write_text(json.dumps(v1), encoding="utf-8")
    with Store.open(path) as store:
        assert [n.text for n in store.notes()] == ["kept"]
        assert store.article_identities() == []


def test_identities_recorded_together_are_what_one_at_a_time_gives(tmp_path: Path) -> None:
    """Many new ids in one call (an import's), an id given twice, and a changed one."""
    from reader.store.records import ArticleIdentity

    def one(n: int, path: str = "") -> ArticleIdentity:
        where = path or f"/lib/{n}.md"
        return ArticleIdentity(f"id{n}", where, where[5:], f"hash{n}", f"https://e.org/{n}")

    batch = [one(n) for n in range(300)] + [one(7, "/lib/seven.md"), one(8)]
    together = Store.open(tmp_path / "a.json")
    apart = Store.open(tmp_path / "b.json")
    with together, apart:
        assert together.record_identities([one(1, "/lib/first.md")]) == 1
        assert apart.record_identities([one(1, "/lib/first.md")]) == 1
        assert together.record_identities(batch) == 301
        assert sum(apart.record_identities([item]) for item in batch) == 301
        first, second = (
            sorted(store.article_identities(), key=lambda i: i.article_id)
            for store in (together, apart)
        )
    assert first == second and len(first) == 300
    assert next(i for i in first if i.article_id == "id7").path == "/lib/seven.md"
