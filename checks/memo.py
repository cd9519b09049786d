"""Per-corpus memory for what several checks derive from the same corpus (sentences, money tree).

Checks stay pure functions of the corpus and their settings; this only avoids building
the same index four times in one run. Entries die with the corpus.
"""

from __future__ import annotations

import weakref
from collections.abc import Callable
from typing import TypeVar

T = TypeVar("T")
_STORE: weakref.WeakKeyDictionary = weakref.WeakKeyDictionary()


def memo(corpus, key: object, build: Callable[[], T]) -> T:
    """``build()`` once per corpus and key."""
    try:
        entries = _STORE.setdefault(corpus, {})
    except TypeError:  # not weak-referenceable: no memory
        return build()
    if key not in entries:
        entries[key] = build()
    return entries[key]
