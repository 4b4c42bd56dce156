"""The project's own error types: problems a user can fix, each message saying what to do.

The CLI prints a `PersonalQError` as one line (`error: ...`, exit status 2) and the web app shows
it as a message; any other exception is a bug and keeps its traceback. The kinds also derive from
the built-in type they refine (ValueError, RuntimeError, FileNotFoundError), so existing
`except ValueError` handlers keep working.
"""
from __future__ import annotations

import sys
from collections.abc import Callable


class PersonalQError(Exception):
    """Base of every error a user can fix."""


class ConfigError(PersonalQError, ValueError):
    """A setting (environment variable or CLI option) has a bad value, or names something missing."""


class InputError(PersonalQError, ValueError):
    """A request's own values are unusable (an empty prompt, steps out of range, an unknown checkpoint id)."""


class RepositoryError(PersonalQError, FileNotFoundError):
    """The repository folder is missing or holds no checkpoint metadata."""


def exit_status(command: Callable[[], int]) -> int:
    """Run a command-line command: a PersonalQError prints as one line (`error: ...` on stderr) and gives
    exit status 2; any other exception propagates with its traceback."""
    try:
        return command()
    except PersonalQError as err:
        print(f"error: {err}", file=sys.stderr)
        return 2
