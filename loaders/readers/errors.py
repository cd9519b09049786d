"""The one exception readers raise for a file they cannot read."""

from __future__ import annotations


class ReadError(ValueError):
    """A file is damaged, encrypted or of an unsupported kind; ``code`` names which."""

    def __init__(self, code: str, message: str):
        super().__init__(message)
        self.code = code
