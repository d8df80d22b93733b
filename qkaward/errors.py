"""One exception family for the library, and the exit codes of SPEC §9.

The CLI catches :class:`QkawardError`, prints its (Chinese) message as one line on stderr and exits
with :attr:`QkawardError.exit_code`. Library code never prints and never calls ``sys.exit``.
"""

from __future__ import annotations

from enum import IntEnum


class ExitCode(IntEnum):
    """Exit codes of the command-line contract (SPEC §9)."""

    OK = 0
    PROBLEMS = 1  # `validate` found problems in the data
    USAGE = 2  # usage, config or unreadable input
    WRITE = 3  # a lock or write failure


class QkawardError(Exception):
    """Base of every error the library raises on purpose. ``str(err)`` is a Chinese message."""

    exit_code: ExitCode = ExitCode.USAGE

    def __init__(self, message: str) -> None:
        super().__init__(message)
        self.message = message


class UsageError(QkawardError):
    """Bad options or arguments."""


class ConfigError(QkawardError):
    """A policy, column or workspace config file is missing, malformed or inconsistent."""


class InputError(QkawardError):
    """An input file cannot be read at all (not a spreadsheet, no header, unknown unit …)."""


class LockError(QkawardError):
    """Another qkaward process holds the lock."""

    exit_code = ExitCode.WRITE


class WriteError(QkawardError):
    """An output file or the ledger could not be written."""

    exit_code = ExitCode.WRITE
