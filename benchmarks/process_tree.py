"""Resident memory of a process and every process it started, sampled while it runs.

A scan's memory is the CLI's plus its reader workers' (and ``serve``'s is the CLI's plus
Streamlit's): ``ru_maxrss`` gives only the largest single process, so the benchmarks sum
the resident set of the whole tree, read from /proc.
"""

from __future__ import annotations

import os
import subprocess
import threading
import time
from pathlib import Path

PAGE = os.sysconf("SC_PAGE_SIZE")


def _children() -> dict[int, list[int]]:
    """Every process's children, from each process's parent in /proc/<pid>/stat."""
    tree: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as handle:
                fields = handle.read().rsplit(b")", 1)[1].split()
        except OSError:
            continue
        tree.setdefault(int(fields[1]), []).append(int(entry))
    return tree


def tree_sizes(root: int) -> dict[int, int]:
    """Bytes resident in ``root`` and in each of its descendants now, by process id."""
    tree, todo, sizes = _children(), [root], {}
    while todo:
        pid = todo.pop()
        todo.extend(tree.get(pid, []))
        try:
            with open(f"/proc/{pid}/statm") as handle:
                sizes[pid] = int(handle.read().split()[1]) * PAGE
        except OSError:
            continue
    return sizes


def tree_rss(root: int) -> int:
    """Bytes resident in ``root`` and all its descendants now."""
    return sum(tree_sizes(root).values())


def tree_rss_mb(root: int) -> float:
    return tree_rss(root) / 2**20


class MemorySampler(threading.Thread):
    """The largest :func:`tree_rss` of ``pid`` seen, sampled every ``interval`` seconds;
    with ``series``, also every sample: (seconds, MB in ``pid`` itself, MB in the whole
    tree, number of processes), to tell which step of a run holds the memory."""

    def __init__(self, pid: int, interval: float = 0.2, series: bool = False):
        super().__init__(daemon=True)
        self.pid, self.interval = pid, interval
        self.peak = 0  # bytes
        self.series: list[tuple[float, float, float, int]] | None = [] if series else None
        self.stopped = threading.Event()

    @property
    def peak_mb(self) -> float:
        return self.peak / 2**20

    def run(self) -> None:
        started = time.perf_counter()
        while True:
            sizes = tree_sizes(self.pid)
            total = sum(sizes.values())
            self.peak = max(self.peak, total)
            if self.series is not None and sizes:
                own = sizes.get(self.pid, 0) / 2**20
                self.series.append(
                    (round(time.perf_counter() - started, 2), own, total / 2**20, len(sizes))
                )
            if self.stopped.wait(self.interval):
                return


def run_measured(
    cmd: list[str],
    cwd: Path,
    env: dict | None = None,
    interval: float = 0.1,
    capture: bool = True,
) -> tuple[int, float, int, str, str]:
    """Run ``cmd``: its exit code, wall seconds, the process tree's peak resident bytes,
    stdout and stderr (empty when not captured)."""
    pipe = subprocess.PIPE if capture else subprocess.DEVNULL
    started = time.perf_counter()
    proc = subprocess.Popen(cmd, cwd=cwd, env=env, stdout=pipe, stderr=pipe, text=True)
    sampler = MemorySampler(proc.pid, interval)
    sampler.start()
    out, err = proc.communicate()
    seconds = time.perf_counter() - started
    sampler.stopped.set()
    sampler.join()
    return proc.returncode, seconds, sampler.peak, out or "", err or ""
