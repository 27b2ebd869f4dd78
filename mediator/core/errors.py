"""Errors a user can cause. Each carries a message already in the user's language, so the CLI
prints it and the TUI shows it without knowing where it came from."""

from __future__ import annotations


class MediatorError(Exception):
    """Base of every error shown to the user. ``exit_code`` is used by the CLI."""

    exit_code = 1

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message

    def __str__(self) -> str:
        return self.message


class ValidationError(MediatorError):
    """A value typed by the user (or read from a file) is not acceptable.

    ``field`` names the input it belongs to, so forms can show it inline.
    """

    exit_code = 2

    def __init__(self, message: str, field: str | None = None):
        super().__init__(message)
        self.field = field


class DomainError(MediatorError):
    """An action the rules do not allow in the case's current state."""

    exit_code = 2


class NotFoundError(MediatorError):
    exit_code = 2


class DatabaseError(MediatorError):
    """The database file cannot be used (not SQLite, damaged, from a newer version, locked)."""

    exit_code = 3
