"""The `sync` command: exchange bookmarks, notes, highlights and feeds through a shared folder."""

from __future__ import annotations

import argparse
from pathlib import Path

from reader.cli.common import EXIT_OK, UsageError
from reader.sanitize import safe_line


def register(commands: argparse._SubParsersAction, common: argparse.ArgumentParser) -> None:  # type: ignore[type-arg]
    """Add `sync` to the command parser."""
    sync = commands.add_parser(
        "sync",
        parents=[common],
        help="share your data with your other machines through a synced folder",
        description="Write this machine's changes into FOLDER and merge those of the other "
        "machines that share it (a folder Syncthing, Dropbox or git carries).",
    )
    sync.add_argument(
        "folder", nargs="?", type=Path, metavar="FOLDER", help="default: sync_folder in config"
    )
    sync.add_argument(
        "--status", action="store_true", help="list the machines seen and what waits to sync"
    )
    sync.set_defaults(handler=command_sync)


def chosen_folder(given: Path | None) -> Path:
    """The folder given, else the one in the settings; UsageError when there is neither."""
    if given is not None:
        return given
    from reader import config

    folder = config.load().config.sync_folder.strip()
    if not folder:
        raise UsageError(
            "no sync folder: give one (`reader sync FOLDER`) or set sync_folder in config.toml"
        )
    return Path(folder)


def command_sync(args: argparse.Namespace) -> int:
    """Sync once, or with --status say what a sync would find."""
    from reader.sync import SyncError, sync, sync_status

    folder = chosen_folder(args.folder)
    try:
        if args.status:
            _print_status(sync_status(folder))
            return EXIT_OK
        report = sync(folder)
    except SyncError as error:
        raise UsageError(str(error)) from None
    others = f"{report.machines} other machine{'s' if report.machines != 1 else ''}"
    print(
        f"synced with {others}: {report.sent} change{'s' if report.sent != 1 else ''} sent,"
        f" {report.changed} record{'s' if report.changed != 1 else ''} updated here"
    )
    if report.skipped:
        print(
            f"{report.skipped} damaged or half-copied line{'s' if report.skipped != 1 else ''}"
            " skipped for now (read again at the next sync)"
        )
    return EXIT_OK


def _print_status(status: object) -> None:
    from reader.sync.engine import SyncStatus

    assert isinstance(status, SyncStatus)
    print(f"sync folder: {safe_line(str(status.folder))}")
    pending = status.pending
    print(
        f"this machine: {status.machine}, {pending} change{'s' if pending != 1 else ''}"
        " not yet synced"
    )
    others = [m for m in status.machines if m.id != status.machine]
    if not others:
        print("no other machine has synced into this folder yet")
    for machine in others:
        synced = machine.synced or "never"
        merged = machine.merged or "never"
        waiting = "; new changes to merge" if machine.waiting else ""
        print(
            f"{safe_line(machine.id)} ({safe_line(machine.name)}): last synced {safe_line(synced)},"
            f" {machine.entries} change{'s' if machine.entries != 1 else ''} in its log,"
            f" merged here {merged}{waiting}"
        )
