"""The catalog: article metadata in an SQLite file, one connection per thread."""

from __future__ import annotations

import functools
import hashlib
import json
import os
import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Concatenate, ParamSpec, TypeVar

from reader.library.catalog_file import (
    STAMPS,
    add_generation,
    copy_readable,
    from_db,
    has_generation,
    in_range,
    insert_rows,
    is_damage,
    is_unwritable,
    to_db,
)
from reader.library.catalog_schema import (
    META_COLUMNS,
    ORDER_BY,
    SCHEMA,
    SCHEMA_VERSION,
    UNUSED_INDEXES,
    ArticleRow,
    ProblemRow,
)
from reader.library.order import IdOrder
from reader.library.order_merge import keep_current, mark_or_drop
from reader.models import ArticleMeta, Problem

_MARKS = ", ".join("?" * len(ArticleRow._fields))
_INSERT = f"INSERT OR REPLACE INTO articles VALUES ({_MARKS})"
P = ParamSpec("P")
T = TypeVar("T")


def _repairing(
    method: Callable[Concatenate[Catalog, P], T],
) -> Callable[Concatenate[Catalog, P], T]:
    """A read that, on a damaged file, rebuilds the catalog empty and reads again.

    The catalog is derived data: the next scan fills it again from the folders.
    """

    @functools.wraps(method)
    def guarded(self: Catalog, /, *args: P.args, **kwargs: P.kwargs) -> T:
        try:
            return method(self, *args, **kwargs)
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            self.rebuild()
            return method(self, *args, **kwargs)

    return guarded


def catalog_file(cache_dir: Path, roots: Sequence[Path]) -> Path:
    """The catalog's file for this set of roots: one file per library."""
    key = "\n".join(sorted(str(root) for root in roots))
    digest = hashlib.sha256(key.encode("utf-8", "surrogateescape")).hexdigest()[:12]
    return cache_dir / f"catalog-{digest}.sqlite"


def encode_tags(tags: Iterable[str]) -> str:
    """Tags as stored: JSON text, or empty for none (so most rows skip JSON parsing)."""
    tags = list(tags)
    return json.dumps(tags, ensure_ascii=False) if tags else ""


def meta_from_row(row: Sequence[object]) -> ArticleMeta:
    """An ArticleMeta from a row selected with META_COLUMNS."""
    (id_, path, title, day, place, source, author, url, tags, words, fmt, size, mtime, saved) = row
    return ArticleMeta(
        id=str(id_),
        path=from_db(path),
        title=str(title),
        date=date.fromisoformat(day) if isinstance(day, str) else None,
        place=place if isinstance(place, str) else None,
        source=source if isinstance(source, str) else None,
        author=author if isinstance(author, str) else None,
        url=url if isinstance(url, str) else None,
        tags=tuple(json.loads(tags)) if isinstance(tags, str) and tags else (),
        words=int(words) if isinstance(words, int) else 0,
        format=str(fmt),
        size=int(size) if isinstance(size, int) else 0,
        mtime_ns=int(mtime) if isinstance(mtime, int) else 0,
        date_saved=bool(saved),
    )


class Catalog:
    """An SQLite catalog file shared by the UI thread and a scanning thread.

    Each thread gets its own connection; WAL lets readers go on while a scan writes.
    The file is derived data, so a damaged or outdated one is deleted and rebuilt.
    """

    def __init__(self, path: Path) -> None:
        self.path = path
        self.rebuilt = False
        """True when an existing file was unreadable or outdated and was started afresh."""
        self.notice: str | None = None
        """Set when the cache cannot be written and a private scratch copy is used instead."""
        self._lock = threading.Lock()
        self._connections: dict[int, sqlite3.Connection] = {}
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            self._open_or_rebuild()
        except (OSError, sqlite3.Error) as error:
            if not is_unwritable(error):
                raise
            self.use_scratch(error)

    def use_scratch(self, error: BaseException) -> None:
        """Go on in a private temporary copy: what the cache holds is read, nothing is saved.

        For a read-only or full cache, or a cache path that is not a folder: commands
        still work (rescanning the folders), and the next run tries the cache again.
        """
        # Imported here: a command that never needs the scratch copy does not load them.
        import atexit
        import shutil
        import tempfile

        self.close()
        original = self.path
        folder = Path(tempfile.mkdtemp(prefix="reader-catalog-"))
        atexit.register(shutil.rmtree, folder, ignore_errors=True)
        self.path = folder / original.name
        copy_readable(original, self.path)
        reason = getattr(error, "strerror", None) or str(error) or type(error).__name__
        if original.parent.exists() and not original.parent.is_dir():
            reason = "it is a file, not a folder"
        self.notice = f"cannot write the cache in {original.parent} ({reason}): nothing is saved"
        self._open_or_rebuild()

    def _open_or_rebuild(self) -> None:
        existed = self.path.exists()
        try:
            self._prepare()
        except sqlite3.DatabaseError as error:
            if is_unwritable(error):
                raise
            self.close()
            self._delete_files()
            self._prepare()
            self.rebuilt = existed

    def _prepare(self) -> None:
        conn = self.connection()
        if conn.execute("PRAGMA user_version").fetchone()[0] == SCHEMA_VERSION:
            self._check(conn)
            return
        # Decided under the write lock, from one snapshot: another instance may be creating
        # the file right now, and one whose tables appeared between a look at the version
        # and a look at the tables is not an old file to delete under it.
        with self.transaction(keeps_orders=True) as conn:
            version = conn.execute("PRAGMA user_version").fetchone()[0]
            outdated = version != SCHEMA_VERSION and (version != 0 or _has_tables(conn))
            if version == 0 and not outdated:
                for statement in SCHEMA.split(";"):
                    if statement.strip():
                        conn.execute(statement)
                add_generation(conn)
        if outdated:
            self.close()
            self._delete_files()
            self.rebuilt = True
            self._prepare()
        else:
            self._check(self.connection())

    def _check(self, conn: sqlite3.Connection) -> None:
        """Read a file of this version's schema: one with a damaged body fails here, not
        later; one made by a version without the generation gets it."""
        conn.execute("SELECT count(*) FROM problems").fetchone()
        conn.execute("SELECT id, path FROM articles LIMIT 1").fetchall()
        if not has_generation(conn):
            with self.transaction(keeps_orders=True) as conn:
                add_generation(conn)
        self._drop_unused_indexes(conn)

    def _drop_unused_indexes(self, conn: sqlite3.Connection) -> None:
        marks = ", ".join("?" * len(UNUSED_INDEXES))
        sql = f"SELECT name FROM sqlite_master WHERE type = 'index' AND name IN ({marks})"
        if not conn.execute(sql, UNUSED_INDEXES).fetchall():
            return
        try:
            with self.transaction(keeps_orders=True) as writing:
                for name in UNUSED_INDEXES:
                    writing.execute(f"DROP INDEX IF EXISTS {name}")
        except sqlite3.OperationalError:
            pass  # a cache that cannot be written keeps them: they cost only its inserts

    def rebuild(self) -> None:
        """Start the catalog afresh (it was found damaged); the next scan fills it."""
        self.close()
        self._delete_files()
        self._prepare()
        self.rebuilt = True

    def quick_check(self) -> bool:
        """Run SQLite's quick_check; on damage rebuild. True when the file was sound."""
        try:
            rows = self.connection().execute("PRAGMA quick_check").fetchall()
            sound = [tuple(row) for row in rows] == [("ok",)]
        except sqlite3.DatabaseError as error:
            if not is_damage(error):
                raise
            sound = False
        if not sound:
            self.rebuild()
        return sound

    def _delete_files(self) -> None:
        for suffix in ("", "-wal", "-shm", "-journal"):
            Path(f"{self.path}{suffix}").unlink(missing_ok=True)

    def connection(self) -> sqlite3.Connection:
        """This thread's connection, opened on first use."""
        key = threading.get_ident()
        with self._lock:
            conn = self._connections.get(key)
            if conn is None:
                conn = _connect(self.path)
                self._connections[key] = conn
            return conn

    @contextmanager
    def transaction(self, *, keeps_orders: bool = False) -> Iterator[sqlite3.Connection]:
        """A write transaction on this thread's connection, committed on success.

        Any write may change the list orders: the stored ones get the rows it added, or
        are dropped (see `order_merge`); `keeps_orders` is for creating the schema.
        """
        conn = self.connection()
        conn.execute("BEGIN IMMEDIATE")
        try:
            since = None
            if not keeps_orders:
                since = mark_or_drop(conn)
                conn.execute("UPDATE generation SET number = number + 1")
            yield conn
            if since is not None:
                keep_current(conn, since)
        except BaseException:
            conn.rollback()
            raise
        conn.commit()

    def close(self) -> None:
        """Close every thread's connection; a later call opens new ones."""
        with self._lock:
            connections = list(self._connections.values())
            self._connections.clear()
        for conn in connections:
            conn.close()

    # Reads -----------------------------------------------------------------

    @_repairing
    def count(self) -> int:
        """How many articles are listed."""
        return int(self.connection().execute("SELECT count(*) FROM articles").fetchone()[0])

    @_repairing
    def generation(self) -> str:
        """A token that changes with every write: equal tokens mean the same rows.

        A random part set when the file is made tells a catalog built afresh from the
        one it replaced, whose counter started at the same number.
        """
        row = self.connection().execute("SELECT epoch, number FROM generation").fetchone()
        return f"{row[0]}:{row[1]}" if row else ""

    @_repairing
    def ordered_ids(self, sort: str) -> Sequence[str]:
        """Every id in list order: the stored order when the last scan left one."""
        conn = self.connection()
        stored = conn.execute("SELECT ids FROM orders WHERE sort = ?", (sort,)).fetchone()
        if stored is not None:
            return IdOrder(stored[0])
        return _read_order(conn, sort)

    @_repairing
    def has_orders(self) -> bool:
        """Whether every list order is stored."""
        count = self.connection().execute("SELECT count(*) FROM orders").fetchone()[0]
        return int(count) == len(ORDER_BY)

    @_repairing
    def refresh_orders(self) -> None:
        """Store every list order, so the next start lists a big library without sorting it."""
        with self.transaction() as conn:
            for sort in ORDER_BY:
                order = IdOrder.of(_read_order(conn, sort))
                if order is not None:
                    conn.execute("INSERT OR REPLACE INTO orders VALUES (?, ?)", (sort, order.text))

    @_repairing
    def metas(self, ids: Sequence[str]) -> dict[str, ArticleMeta]:
        """The entries for these ids (missing ids are left out)."""
        marks = ", ".join("?" * len(ids))
        sql = f"SELECT {META_COLUMNS} FROM articles WHERE id IN ({marks})"
        return {row[0]: meta_from_row(row) for row in self.connection().execute(sql, tuple(ids))}

    @_repairing
    def meta(self, article_id: str) -> ArticleMeta | None:
        """The entry for one id, or None."""
        sql = f"SELECT {META_COLUMNS} FROM articles WHERE id = ?"
        row = self.connection().execute(sql, (article_id,)).fetchone()
        return meta_from_row(row) if row else None

    @_repairing
    def ids_with_prefix(self, prefix: str, limit: int) -> tuple[list[str], int]:
        """Up to `limit` ids starting with `prefix`, and how many there are in all."""
        conn = self.connection()
        # Ids are lowercase hex, so "~" sorts after every id that has the prefix.
        bounds = (prefix, prefix + "~")
        where = "WHERE id >= ? AND id < ?"
        rows = conn.execute(f"SELECT id FROM articles {where} LIMIT ?", (*bounds, limit))
        found = [row[0] for row in rows]
        total = conn.execute(f"SELECT count(*) FROM articles {where}", bounds).fetchone()[0]
        return found, int(total)

    @_repairing
    def all_ids(self) -> list[str]:
        """Every id, in no particular order."""
        return [row[0] for row in self.connection().execute("SELECT id FROM articles")]

    @_repairing
    def holds_elsewhere(self, article_id: str, path: str) -> bool:
        """Whether an article at another path than `path` has this id."""
        sql = "SELECT 1 FROM articles WHERE id = ? AND path != ? LIMIT 1"
        return self.connection().execute(sql, (article_id, to_db(path))).fetchone() is not None

    @_repairing
    def holders(self, ids: Sequence[str]) -> dict[str, list[str]]:
        """Id -> the paths of the articles holding it, for those of `ids` that are held."""
        out: dict[str, list[str]] = {}
        sql = "SELECT id, path FROM articles WHERE id IN ({})"
        for start in range(0, len(ids), 500):
            chunk = list(ids[start : start + 500])
            rows = self.connection().execute(sql.format(", ".join("?" * len(chunk))), chunk)
            for id_, path in rows:
                out.setdefault(id_, []).append(from_db(path))
        return out

    @_repairing
    def ids_under(self, folder: str) -> list[tuple[str, str]]:
        """(id, path) of every article below `folder`, read as a range of the path index."""
        low = folder.rstrip("/") + "/"
        sql = "SELECT id, path FROM articles WHERE path >= ? AND path < ?"
        rows = self.connection().execute(sql, (low, low[:-1] + "0"))
        return [(id_, from_db(path)) for id_, path in rows]

    @_repairing
    def ordered_ids_under(self, folder: str, sort: str) -> list[str]:
        """The ids of the articles below `folder`, in list order."""
        low = folder.rstrip("/") + "/"
        where = "WHERE path >= ? AND path < ?"
        sql = f"SELECT id FROM articles {where} ORDER BY {ORDER_BY[sort]}"
        return [row[0] for row in self.connection().execute(sql, (low, low[:-1] + "0"))]

    @_repairing
    def problems(self, *, partial: bool = False) -> list[Problem]:
        """The files that could not be read, by path (`partial`: those read only in part)."""
        sql = "SELECT path, reason FROM problems WHERE partial = ? ORDER BY path"
        rows = self.connection().execute(sql, (int(partial),))
        return [Problem(from_db(path), reason) for path, reason in rows]

    @_repairing
    def snapshot(self) -> dict[str, str]:
        """Path -> "size mtime_ns" of every article: what a rescan compares against."""
        # One string per row lets dict() build the map in C: half the time of a tuple map.
        sql = "SELECT path, size || ' ' || mtime_ns FROM articles"
        found = dict(self.connection().execute(sql))
        odd = [key for key in found if type(key) is bytes]  # names that are not UTF-8
        for key in odd:
            found[from_db(key)] = found.pop(key)
        return found

    @_repairing
    def snapshot_in(self, folder: str, *, deep: bool) -> dict[str, str]:
        """`snapshot` of the article at `folder` (a file) and those under it (`deep`) or
        directly in it: read a range of the path index at a time, subfolders skipped, so
        the cost follows the folder's own files, not the library's."""
        conn = self.connection()
        stored = to_db(folder)
        found = dict(conn.execute(f"{STAMPS} WHERE path = ?", (stored,)))
        top = os.fsencode(folder) + b"/"
        ranges: list[tuple[str, str] | tuple[bytes, bytes]] = [(top, top[:-1] + b"0")]
        if isinstance(stored, str):  # names below may be text or (not UTF-8) bytes
            ranges.insert(0, (folder + "/", folder + "0"))
        for low, high in ranges:
            found.update(in_range(conn, low, high, deep))
        return {from_db(path): stamp for path, stamp in found.items()}

    @_repairing
    def problem_paths(self) -> set[str]:
        """Paths with a recorded problem (unreadable or read in part)."""
        return {from_db(row[0]) for row in self.connection().execute("SELECT path FROM problems")}

    @_repairing
    def ids_at(self, paths: Sequence[str]) -> dict[str, str]:
        """Path -> id for the articles at these paths."""
        out: dict[str, str] = {}
        sql = "SELECT path, id FROM articles WHERE path IN ({})"
        for start in range(0, len(paths), 500):
            chunk = [to_db(path) for path in paths[start : start + 500]]
            rows = self.connection().execute(sql.format(", ".join("?" * len(chunk))), chunk)
            out.update((from_db(path), id_) for path, id_ in rows)
        return out

    @_repairing
    def addresses(self) -> list[tuple[str, str, str]]:
        """(id, path, url) of every article that has an address."""
        sql = "SELECT id, path, url FROM articles WHERE url IS NOT NULL AND url != ''"
        return [(id_, from_db(path), url) for id_, path, url in self.connection().execute(sql)]

    @_repairing
    def identities(self, paths: Sequence[str]) -> list[tuple[str, str, str, str, str | None]]:
        """(path, id, content_hash, title, date) for these paths, to re-link moved files."""
        out: list[tuple[str, str, str, str, str | None]] = []
        sql = "SELECT path, id, content_hash, title, date FROM articles WHERE path IN ({})"
        for start in range(0, len(paths), 500):
            chunk = [to_db(path) for path in paths[start : start + 500]]
            rows = self.connection().execute(sql.format(", ".join("?" * len(chunk))), chunk)
            out.extend((from_db(path), *rest) for path, *rest in rows)
        return out

    @_repairing
    def identity_rows(self, ids: Sequence[str]) -> list[tuple[str, str, str, str | None]]:
        """(id, path, content_hash, url) of these ids and of every pinned article."""
        conn = self.connection()
        columns = "SELECT id, path, content_hash, url FROM articles"
        found = {row[0]: row for row in conn.execute(f"{columns} WHERE pinned = 1")}
        for start in range(0, len(ids), 500):
            chunk = ids[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            found.update(
                (row[0], row) for row in conn.execute(f"{columns} WHERE id IN ({marks})", chunk)
            )
        return [(id_, from_db(path), hash_, url) for id_, path, hash_, url in found.values()]

    # Writes ----------------------------------------------------------------

    @staticmethod
    def put_articles(conn: sqlite3.Connection, rows: Iterable[ArticleRow]) -> None:
        """Insert or replace articles; a row replaces any row with the same id or path."""
        insert_rows(conn, _INSERT, rows, path_at=1)

    @staticmethod
    def delete_articles(conn: sqlite3.Connection, paths: Iterable[str]) -> None:
        """Remove the articles at these paths."""
        conn.executemany("DELETE FROM articles WHERE path = ?", ((to_db(p),) for p in paths))

    @staticmethod
    def put_problems(conn: sqlite3.Connection, rows: Iterable[ProblemRow]) -> None:
        """Record problems as (path, reason, size, mtime_ns, partial)."""
        insert_rows(conn, "INSERT OR REPLACE INTO problems VALUES (?, ?, ?, ?, ?)", rows, path_at=0)

    @staticmethod
    def delete_problems(conn: sqlite3.Connection, paths: Iterable[str]) -> None:
        """Forget the problems recorded for these paths."""
        conn.executemany("DELETE FROM problems WHERE path = ?", ((to_db(p),) for p in paths))


def _connect(path: Path) -> sqlite3.Connection:
    # Autocommit mode: transactions are explicit (see Catalog.transaction).
    conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None, timeout=10.0)
    conn.execute("PRAGMA journal_mode=WAL")
    # The catalog can be rebuilt from the folders, so a lost last transaction is harmless.
    conn.execute("PRAGMA synchronous=NORMAL")
    # Statement journals and sorts in memory: a scan inserting thousands of rows would
    # otherwise write a statement journal to a temp file on disk for each batch of rows.
    conn.execute("PRAGMA temp_store=MEMORY")
    return conn


def _read_order(conn: sqlite3.Connection, sort: str) -> list[str]:
    """Every id in list order, read from a covering index."""
    return [row[0] for row in conn.execute(f"SELECT id FROM articles ORDER BY {ORDER_BY[sort]}")]


def _has_tables(conn: sqlite3.Connection) -> bool:
    return int(conn.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]) > 0
