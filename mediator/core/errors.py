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


class ValidationErrors(ValidationError):
    """Several problems of one form, reported together so the user sees every one of them on
    the first save (one at a time took seven presses of Ctrl+S). Its own message and field
    are the first problem's, so a caller that knows only :class:`ValidationError` (the CLI)
    still says something true."""

    def __init__(self, errors: list[ValidationError]):
        first = errors[0]
        super().__init__(first.message, first.field)
        self.errors = errors


class Problems:
    """Collects the :class:`ValidationError` of independent checks::

        problems = Problems()
        with problems.check():
            name = parse_name(...)
        with problems.check():
            phone = parse_phone(...)
        problems.raise_if_any()   # one ValidationError, or ValidationErrors
    """

    def __init__(self) -> None:
        self.errors: list[ValidationError] = []
        # one serves every check; it holds the list, not this object: a reference cycle per
        # Problems (one a case, 10,000 a ledger import) left 30,000 objects for the cyclic
        # collector, ≈ 0.1 s when the import ended (issue 16)
        self._check = _Check(self.errors)

    def check(self) -> _Check:
        return self._check

    def add(self, error: ValidationError) -> None:
        _add(self.errors, error)

    def raise_if_any(self) -> None:
        if len(self.errors) == 1:
            raise self.errors[0]
        if self.errors:
            raise ValidationErrors(self.errors)


def _add(errors: list[ValidationError], error: ValidationError) -> None:
    errors.extend(error.errors if isinstance(error, ValidationErrors) else [error])


class _Check:
    def __init__(self, errors: list[ValidationError]) -> None:
        self.errors = errors

    def __enter__(self) -> None:
        return None

    def __exit__(self, kind: object, error: BaseException | None, tb: object) -> bool:
        if isinstance(error, ValidationError):
            _add(self.errors, error)
            return True
        return False


class DomainError(MediatorError):
    """An action the rules do not allow in the case's current state."""

    exit_code = 2


class NotFoundError(MediatorError):
    exit_code = 2


class DatabaseError(MediatorError):
    """The database file cannot be used (not SQLite, damaged, from a newer version, locked)."""

    exit_code = 3
