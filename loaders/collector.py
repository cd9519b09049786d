"""Garbage-collector settings for a process that does nothing but parse files.

Parsing allocates many small dicts and lists, so CPython's cyclic collector runs often, and
every few hundred files a full (oldest-generation) collection walks every live object,
the per-process memo caches of :mod:`loaders.cells` and the recognisers included (hundreds
of thousands of entries). Parsed rows hold no reference cycles worth hunting that often:
collecting less often cuts about a tenth of a worker's CPU (measured with
``benchmarks/bench_parse.py``) and changes no result. Memory is still freed by reference
counting as before; only cycles wait longer.
"""

from __future__ import annotations

import gc

# (young, middle, old): a young collection every 10,000 net allocations instead of 700;
# an older generation after 10 of the one below, as CPython's default does
PARSER_THRESHOLDS = (10_000, 10, 10)


def collect_less_often() -> None:
    """Set the parser thresholds (call once, in the parsing process)."""
    gc.set_threshold(*PARSER_THRESHOLDS)
