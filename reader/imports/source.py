"""Opening a file given to `reader import`: its bytes, or a zip export's members, size-capped."""

from __future__ import annotations

import io
import zipfile
from pathlib import Path

from reader.files import FileTooLarge, read_bytes
from reader.imports.items import ImportSource

MAX_FILE = 512 * 1024 * 1024
"""The largest export read, in bytes."""
MAX_MEMBER = 256 * 1024 * 1024
"""The largest member of a zip export read, in bytes (a zip bomb stops here)."""
MAX_MEMBERS = 200_000
"""The most members a zip export may list."""
ZIP_MAGIC = b"PK\x03\x04"


class SourceError(Exception):
    """A file that cannot be read as an export at all; str(error) is one line."""


def open_source(path: Path) -> ImportSource:
    """The file as an ImportSource: a zip's member list, or the file's bytes."""
    try:
        data = read_bytes(path, MAX_FILE)
    except FileTooLarge:
        raise SourceError(f"cannot read: more than {MAX_FILE // (1024 * 1024)} MB") from None
    except OSError as error:
        raise SourceError(f"cannot read: {error.strerror or error}") from None
    return source_from_bytes(str(path), data)


def source_from_bytes(name: str, data: bytes) -> ImportSource:
    """An ImportSource for bytes already read (a zip is opened as an archive)."""
    if not data.startswith(ZIP_MAGIC):
        return ImportSource(name=name, data=data)
    try:
        archive = zipfile.ZipFile(io.BytesIO(data))
        infos = archive.infolist()
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError) as error:
        raise SourceError(f"a damaged zip file ({error})") from None
    if len(infos) > MAX_MEMBERS:
        raise SourceError(f"a zip file with more than {MAX_MEMBERS} members")
    members = tuple(
        info.filename for info in infos if not info.is_dir() and not _apple_extra(info.filename)
    )
    sizes = {info.filename: info.file_size for info in infos}

    def read_member(member: str) -> bytes:
        if sizes.get(member, 0) > MAX_MEMBER:
            raise SourceError(f"{member}: too large inside the zip")
        try:
            with archive.open(member) as stream:
                # The declared size can lie: read one byte past the cap to know.
                payload = stream.read(MAX_MEMBER + 1)
        except (zipfile.BadZipFile, KeyError, OSError, ValueError, NotImplementedError) as error:
            raise SourceError(f"{member}: cannot be read from the zip ({error})") from None
        if len(payload) > MAX_MEMBER:
            raise SourceError(f"{member}: too large inside the zip")
        return payload

    return ImportSource(name=name, members=members, read_member=read_member)


def _apple_extra(name: str) -> bool:
    """Resource forks macOS adds to zips it makes (`__MACOSX/`, `._name`)."""
    base = name.rsplit("/", 1)[-1]
    return name.startswith("__MACOSX/") or "/__MACOSX/" in name or base.startswith("._")
