"""The errors stemma raises to its callers, in one place.

Bad *inputs* are not errors: an unreadable file or a malformed JSON line
becomes a :class:`~stemma.model.Problem`, is reported and skipped, and the run
goes on. These exceptions are for what stops a run or a command::

    StemmaError
    ├── ModelNotInstalled  the spaCy model package is missing (exit code 4)
    ├── StoreError         the store file cannot be used: locked, another layout (exit code 4)
    ├── EngineError        the Ray cluster cannot be reached or is not installed (exit code 4)
    ├── RatingsError       the ratings file cannot be read; names file and line (exit code 2)
    └── ServeError         `stemma serve` asked for something unsafe (exit code 2)

Each message says what went wrong, where, and what to do next.
"""

from __future__ import annotations


class StemmaError(Exception):
    """Base class of the errors below."""


class ModelNotInstalled(StemmaError, RuntimeError):
    """The spaCy model package is missing from this environment."""


class StoreError(StemmaError, RuntimeError):
    """The store file cannot be used (locked, or written by another layout)."""


class EngineError(StemmaError, RuntimeError):
    """The Ray engine cannot run: Ray is not installed or its cluster cannot be reached."""


class RatingsError(StemmaError, ValueError):
    """The ratings file cannot be read; the message names the file and line."""


class ServeError(StemmaError, RuntimeError):
    """``serve`` was asked for something unsafe (a public address nobody chose)."""
