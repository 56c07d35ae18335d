"""Errors a user causes and can fix: the entry scripts print them as one line, without a traceback.

Every such error derives from ``UserError``: bad annotations (``documents.AnnotationError``),
a malformed schema (``schema.SchemaError``), a model that cannot be had
(``modeling.ModelLoadError``), a broken checkpoint (``checkpoint.CheckpointError``), a
mistyped config key. Anything else is a bug and keeps its traceback.
"""


class UserError(Exception):
    """Bad input or configuration; the message says what is wrong and where."""
