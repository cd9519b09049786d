"""What the checks derive from a corpus (checks.memo) dies with the corpus.

A worker checking batch after batch must not keep every batch it checked: a derived value
holding the corpus strongly (the explanation finder did) kept each one alive, ~60 MB a batch
at 1,000 departments.
"""

from __future__ import annotations

import gc

from checks import memo
from checks.engine import check_part
from checks.registry import CHECKS
from checks.settings import load_rules


def test_everything_derived_from_a_checked_corpus_is_freed_with_it(corpus):
    part = corpus.replace()  # a corpus of its own, as a worker's batch is
    gc.collect()
    before = len(memo._STORE)
    run = check_part(part, load_rules(None, CHECKS))
    assert run.flags.height > 0
    assert len(memo._STORE) == before + 1  # the checks did share what they derived
    del part, run
    gc.collect()
    assert len(memo._STORE) == before
