"""Sync of the user's data between machines through a folder a file-sync tool carries."""

from reader.sync.engine import SyncError, SyncReport, sync, sync_status

__all__ = ["SyncError", "SyncReport", "sync", "sync_status"]
