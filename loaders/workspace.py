"""Where budget-audit keeps what it writes: the workspace folder (uploads, parse cache).

``BUDGET_AUDIT_WORKSPACE`` when set (``serve --workspace DIR`` sets it), else
the user's data folder (``$XDG_DATA_HOME/budget-audit``, by default
``~/.local/share/budget-audit``). Never the code checkout: a scan run from
any folder must not write report text into the repository.
"""

from __future__ import annotations

import os
from pathlib import Path

ENV = "BUDGET_AUDIT_WORKSPACE"


def default_workspace() -> Path:
    data_home = os.environ.get("XDG_DATA_HOME", "").strip()
    base = Path(data_home) if data_home else Path.home() / ".local" / "share"
    return base / "budget-audit"


def workspace_dir() -> Path:
    raw = os.environ.get(ENV, "").strip()
    return (Path(raw).expanduser() if raw else default_workspace()).resolve()
