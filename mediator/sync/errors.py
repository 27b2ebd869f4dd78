"""Sync errors, each with the exit code sync.md promises to scripts at the county."""

from __future__ import annotations

from mediator.core.errors import MediatorError

OK = 0
DAMAGED = 3        # hash, tag or signature wrong; truncated
INVALID = 4        # not a package, untrusted sender, wrong recipient, bad content
UNSUPPORTED = 5    # newer format or schema version
CONFLICTS = 6      # imported, with conflicts stored
IO_ERROR = 7


class SyncError(MediatorError):
    exit_code = INVALID

    def __init__(self, message: str, details: list[str] | None = None):
        super().__init__(message)
        self.details = details or []


class PackageDamaged(SyncError):
    exit_code = DAMAGED


class PackageInvalid(SyncError):
    exit_code = INVALID


class PackageUntrusted(SyncError):
    exit_code = INVALID

    def __init__(self, message: str, fingerprint: str = "", details: list[str] | None = None):
        super().__init__(message, details)
        self.fingerprint = fingerprint


class PackageUnsupported(SyncError):
    exit_code = UNSUPPORTED


class SyncIOError(SyncError):
    exit_code = IO_ERROR


class SyncSetupError(SyncError):
    """Something to set up first (keys, a recipient): not the package's fault."""

    exit_code = 2
