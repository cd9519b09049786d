"""Has anything in the report folders changed? Asked on every page run, so it must be cheap.

Every script run (a new session, each filter change) asks whether the files changed before it
reuses the loaded corpus. Reading and hashing every file's bytes made that question cost
0.7 s at 6,000 files and would cost seconds at 60,000. The answer here comes from one
``os.scandir`` walk (name, size and modification time of each file, as ``make`` and ``rsync``
judge a change), and a walk younger than :data:`FRESH_SECONDS` is reused, so the quick reruns
of one auditor clicking through filters do not walk the folders again. A file changed in place
is noticed at the next page run after that window; new uploads are not delayed (the uploads
folder is part of the caller's key, listed on every run).
"""

from __future__ import annotations

import hashlib
import os
import threading
import time
from pathlib import Path

FRESH_SECONDS = 2.0
SKIPPED_NAMES = {"readme.md"}  # as loaders.pipeline.expand_paths: never a report

_RECENT: dict[tuple[str, ...], tuple[float, str]] = {}
_LOCK = threading.Lock()


def folders_signature(paths: list[Path], now: float | None = None) -> str:
    """A digest of the files under ``paths`` (names, sizes, modification times)."""
    key = tuple(os.fsdecode(os.fspath(p)) for p in paths)
    now = time.monotonic() if now is None else now
    with _LOCK:
        recent = _RECENT.get(key)
    if recent is not None and now - recent[0] < FRESH_SECONDS:
        return recent[1]
    digest = hashlib.sha256()
    for path in paths:
        digest.update(os.fsencode(path) + b"\0")
        for entry in _walk(path):
            digest.update(entry)
    signature = digest.hexdigest()
    with _LOCK:
        _RECENT[key] = (now, signature)
    return signature


def forget() -> None:
    """Drop the remembered walks (tests that change a folder and look again at once)."""
    with _LOCK:
        _RECENT.clear()


def _walk(path: Path) -> list[bytes]:
    """One record per file under ``path`` (or for ``path`` itself), sorted; hidden entries skipped."""
    try:
        if not path.is_dir():
            stat = path.stat()
            return [_record(os.fsencode(path), stat)]
    except OSError:
        return [os.fsencode(path) + b"\0unreadable\n"]
    records: list[bytes] = []
    stack = [os.fsencode(path)]
    while stack:
        folder = stack.pop()
        try:
            with os.scandir(folder) as entries:
                for entry in entries:
                    if entry.name.startswith(b"."):
                        continue
                    try:
                        if entry.is_dir(follow_symlinks=True):
                            stack.append(entry.path)
                        elif entry.is_file(follow_symlinks=True):
                            if entry.name.lower().decode("utf-8", "replace") in SKIPPED_NAMES:
                                continue
                            records.append(_record(entry.path, entry.stat()))
                    except OSError:
                        records.append(entry.path + b"\0unreadable\n")
        except OSError:
            records.append(folder + b"\0unreadable\n")
    records.sort()
    return records


def _record(name: bytes, stat: os.stat_result) -> bytes:
    return b"%s\0%d\0%d\n" % (name, stat.st_size, stat.st_mtime_ns)
