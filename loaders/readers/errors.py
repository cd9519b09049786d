"""The one exception readers raise for a file they cannot read."""

from __future__ import annotations

from loaders.issues import FileProblem


class ReadError(FileProblem):
    """A file is damaged, encrypted or of an unsupported kind; ``code`` names which."""
