"""Garbage-collector settings for work that allocates many small objects and few cycles.

Parsing allocates many small dicts and lists, so CPython's cyclic collector runs often, and
every few hundred files a full (oldest-generation) collection walks every live object,
the per-process memo caches of :mod:`loaders.cells` and the recognisers included (hundreds
of thousands of entries). Parsed rows hold no reference cycles worth hunting that often:
collecting less often cuts about a tenth of a worker's CPU (measured with
``benchmarks/bench_parse.py``) and changes no result. Memory is still freed by reference
counting as before; only cycles wait longer.

The checks are the same case: a batch turns its budget lines and indicators into some
200,000 dicts, and at 1,000 departments the collector ran 2,120 times in the checks for
1.06 s of 10.5 s CPU (0.24 s with these thresholds).
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

# (young, middle, old): a young collection every 10,000 net allocations instead of 700;
# an older generation after 10 of the one below, as CPython's default does
PARSER_THRESHOLDS = (10_000, 10, 10)


def collect_less_often() -> None:
    """Set the parser thresholds (call once, in the parsing process)."""
    gc.set_threshold(*PARSER_THRESHOLDS)


@contextmanager
def collecting_less_often() -> Iterator[None]:
    """The parser thresholds for the duration of a block (the checks of a batch, a check run),
    then the thresholds the process had: a long-lived process (the dashboard) keeps its own."""
    before = gc.get_threshold()
    gc.set_threshold(*PARSER_THRESHOLDS)
    try:
        yield
    finally:
        gc.set_threshold(*before)
