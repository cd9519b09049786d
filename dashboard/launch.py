"""The dashboard's server process: start loading the reports, then start Streamlit.

``budget-audit serve`` runs ``python -m dashboard.launch`` with Streamlit's ``run`` options.
Without this, the first auditor to open a page after a start paid for the imports, reading
the scanned dataset and the cached check results (a few seconds at 1,000 departments). Here
that work starts first, and the server opens its port when it is done, or after
:data:`WARM_WAIT_SECONDS` at most: a corpus that still has to be parsed keeps loading in the
background and the first page shows its progress instead of a closed port.
"""

from __future__ import annotations

import logging
import sys
import threading

WARM_WAIT_SECONDS = 30.0
log = logging.getLogger("budget_audit.dashboard")


def warm() -> None:
    """Import what every page imports and load the files the pages will show."""
    import pandas  # noqa: F401  (the order of dashboard/app.py: pandas before plotly)
    import plotly.express  # noqa: F401
    import pyarrow  # noqa: F401

    from dashboard.data import preload
    from dashboard.metrics import headline_of

    data = preload()
    headline_of(data.corpus)  # reads the budget lines 总览 shows first


def _warm_logged() -> None:
    try:
        warm()
    except Exception:  # the first page reports it in Chinese; the server still starts
        log.exception("warm-up failed")


def main(argv: list[str]) -> None:
    thread = threading.Thread(target=_warm_logged, name="warm-up", daemon=True)
    thread.start()
    thread.join(WARM_WAIT_SECONDS)
    from streamlit.web.cli import main as streamlit

    streamlit(args=argv, prog_name="streamlit")


if __name__ == "__main__":
    main(sys.argv[1:])
