"""A scan that keeps adding to the parse cache and compacting it: the victim of the crash tests.

``python tests/cache_stress.py FOLDER CACHE ROUNDS`` loads FOLDER through the cache
ROUNDS times (0: until killed), each time after rewriting ``extra-<pid>.txt`` with new
content, so every round stores a segment and every third round compacts.
"""

from __future__ import annotations

import os
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from loaders import cache as cache_module  # noqa: E402
from loaders.cache import ParseCache  # noqa: E402
from loaders.pipeline import LOADER_VERSION, load_paths  # noqa: E402

cache_module._MAX_SEGMENTS = 2  # compact all the time


def main() -> int:
    folder, root, rounds = Path(sys.argv[1]), Path(sys.argv[2]), int(sys.argv[3])
    extra = folder / f"extra-{os.getpid()}.txt"
    n = 0
    while rounds == 0 or n < rounds:
        n += 1
        extra.write_text(f"某某局2023年度部门整体支出绩效自评报告\n预算执行率 {n}.5%\n", "utf-8")
        cache = ParseCache(root, LOADER_VERSION)
        corpus = load_paths([folder], cache=cache)
        if corpus.documents.height == 0:
            return 3
        for problem in cache.problems:
            print(problem, file=sys.stderr)
    extra.unlink(missing_ok=True)
    return 0


if __name__ == "__main__":
    sys.exit(main())
