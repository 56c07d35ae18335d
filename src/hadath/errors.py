"""Errors a user causes and can fix: the entry scripts print them as one line, without a traceback."""


class UserError(ValueError):
    """Bad input or configuration; the message says what is wrong and where."""
