"""Errors a user can act on. The command line prints them as one sentence, no traceback."""


class WorkbenchError(Exception):
    """A problem the user can fix: bad input, unknown lot, unreachable database."""


class NotFound(WorkbenchError):
    """A lot, item, vendor or customer that the plant database does not have."""


class Ambiguous(WorkbenchError):
    """A lot code that exists on more than one item."""

    def __init__(self, message: str, choices: list[str]):
        super().__init__(message)
        self.choices = choices


class SchemaError(WorkbenchError):
    """The database schema is older or newer than this program."""
