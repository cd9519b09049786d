"""Recognisers, one per table family, chosen by :mod:`loaders.classify` from a literal registry.

* ``summary``: 收支总表 with income and expenditure halves side by side;
* ``classified``: rows by classification code, fund group or purchase × amount columns;
* ``sangong``: 三公 tables, category × measure;
* the self-evaluation tables (自评表, 基础数据表, budget-execution tables) are read by
  :mod:`loaders.recognise.self_eval`, which also reads tables of no standard kind.
"""

from __future__ import annotations

from collections.abc import Callable

from loaders.classify import Segment
from loaders.recognise import classified, sangong, summary
from loaders.recognise.disclosure import Recognised

FAMILIES: dict[str, Callable[[Segment, int], Recognised]] = {
    "summary": summary.read,
    "classified": classified.read,
    "sangong": sangong.read,
}


def read_disclosure(segment: Segment, table_id: int) -> Recognised:
    """The accounts (and 三公) rows of one standard disclosure table."""
    assert segment.kind is not None
    return FAMILIES[segment.kind.family](segment, table_id)
