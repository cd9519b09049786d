"""Per-file safety limits for reading untrusted uploads.

A hostile or broken file must cost at most these resources and then fail with a
message for that file alone. Every limit is configurable (CLI flags, the
``BUDGET_AUDIT_LIMITS_*`` environment variables read by the dashboard).
"""

from __future__ import annotations

import os
import time
from dataclasses import dataclass, fields

from loaders.issues import FileProblem

MB = 1024 * 1024


class LimitExceeded(FileProblem):
    """A file is larger, longer or slower than the limits allow; ``code`` names which."""


@dataclass(frozen=True)
class Limits:
    max_bytes: int = 50 * MB  # size of the file as uploaded
    max_pages: int = 300  # PDF pages
    max_unzipped_bytes: int = 200 * MB  # total uncompressed size inside .docx/.xlsx
    max_seconds: float = 60.0  # reading time per file: readers check it, the worker is killed after
    max_memory: int = 1024 * MB  # address space of the worker process reading one file

    @classmethod
    def from_env(cls, prefix: str = "BUDGET_AUDIT_LIMITS_") -> Limits:
        """Limits with any ``BUDGET_AUDIT_LIMITS_MAX_BYTES``-style overrides applied."""
        values = {}
        for f in fields(cls):
            raw = os.environ.get(prefix + f.name.upper())
            if raw:
                values[f.name] = float(raw) if f.type == "float" else int(raw)
        return cls(**values)

    def deadline(self) -> Deadline:
        return Deadline(time.monotonic() + self.max_seconds, self.max_seconds)


@dataclass(frozen=True)
class Deadline:
    """Cooperative time limit: readers call :meth:`check` between pages and tables."""

    at: float
    seconds: float

    def check(self) -> None:
        if time.monotonic() > self.at:
            raise LimitExceeded("too-slow", seconds=f"{self.seconds:g}")


def human_size(n: int) -> str:
    return f"{n / MB:.1f} MB" if n >= MB else f"{n / 1024:.0f} KB"
