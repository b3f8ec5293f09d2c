"""Errors a user can act on.

The CLI turns a :class:`UserError` into a one-line message and exit code 1; anything else is an
internal error (exit code 2). These classes hold no Neo4j types, so every layer may raise them.
"""


class UserError(Exception):
    """A problem the user can fix: bad input, a missing file, a server that is not running."""


class StoreUnavailable(UserError):
    """The Neo4j server cannot be reached or refused the credentials."""
