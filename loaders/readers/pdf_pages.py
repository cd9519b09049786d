"""A long PDF's pages taken apart in two or more processes, then read in order.

Taking a page apart (pdfminer interpreting its drawing, pdfplumber finding its
ruled tables) is nearly all of a PDF's reading time and needs nothing from the
pages before it; reading the parts into lines and tables does, and stays in the
calling process. The pages are cut into contiguous ranges: this process takes
the first, each helper process one of the others, and the parts come back in
page order, so the rows are the same as with one process.

Off unless ``BUDGET_AUDIT_PDF_WORKERS`` asks for more than one process: readers
already run one file per worker process (:mod:`loaders.worker`), whose memory
cap each helper inherits (a file may then use that cap once per process). A
helper is a fresh interpreter (``python -m loaders.readers.pdf_pages``, so the
caller's main module is never run again) and dies with its parent
(``PR_SET_PDEATHSIG``): a reader killed at its deadline leaves none behind. A
helper that fails costs nothing: its range is taken apart here instead.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import subprocess
import sys
import threading
import time
from pathlib import Path

from loaders.limits import Deadline

MIN_PAGES = 24  # fewer pages are not worth a process start (about half a second)
_ENV = "BUDGET_AUDIT_PDF_WORKERS"


def page_workers(pages: int) -> int:
    """Processes to take ``pages`` pages apart with: 1 keeps everything in this process."""
    try:
        wanted = int(os.environ.get(_ENV, "1"))
    except ValueError:
        return 1
    if wanted <= 1 or pages < MIN_PAGES:
        return 1
    return min(wanted, pages // (MIN_PAGES // 2))


def _ranges(pages: int, workers: int) -> list[range]:
    cuts = [round(k * pages / workers) for k in range(workers + 1)]
    return [range(a, b) for a, b in zip(cuts, cuts[1:], strict=False)]


def _die_with_parent() -> None:
    with contextlib.suppress(Exception):  # Linux only; elsewhere a helper may outlive a kill
        import ctypes
        import signal

        ctypes.CDLL("libc.so.6", use_errno=True).prctl(1, signal.SIGKILL)  # PR_SET_PDEATHSIG


def _take_apart(data: bytes, numbers: range, at: float) -> list:
    """In a helper: the parts of pages ``numbers``; it stops early past the deadline ``at``."""
    from loaders.readers.pdf import _open, page_parts

    pdf, pages = _open(data)
    out = []
    for k in numbers:
        if time.monotonic() > at:
            break  # the reading process fails the file with its message
        out.append(page_parts(pages[k]))
        pages[k].close()
    pdf.close()
    return out


class _Helper:
    """One helper process taking a range of pages apart, its answer collected by a thread."""

    def __init__(self, data: bytes, numbers: range, deadline: Deadline):
        self.parts: list = []
        root = str(Path(__file__).resolve().parents[2])
        path = os.pathsep.join(p for p in (root, os.environ.get("PYTHONPATH", "")) if p)
        self.proc = subprocess.Popen(
            [sys.executable, "-m", "loaders.readers.pdf_pages"],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,
            env={**os.environ, "PYTHONPATH": path},
        )
        job = pickle.dumps((data, numbers, deadline.at), protocol=pickle.HIGHEST_PROTOCOL)
        self.thread = threading.Thread(target=self._talk, args=(job,), daemon=True)
        self.thread.start()

    def _talk(self, job: bytes) -> None:
        with contextlib.suppress(Exception):  # a helper that died: its pages are read here
            out, _ = self.proc.communicate(job)
            if self.proc.returncode == 0:
                self.parts = pickle.loads(out)

    def result(self, deadline: Deadline) -> list:
        self.thread.join(timeout=max(0.0, deadline.at - time.monotonic()) + 1)
        return self.parts if not self.thread.is_alive() else []

    def stop(self) -> None:
        with contextlib.suppress(OSError):
            self.proc.kill()
        self.proc.wait()


def _here(pages, numbers: range, deadline: Deadline):
    from loaders.readers.pdf import page_parts

    for k in numbers:
        deadline.check()
        yield page_parts(pages[k])
        pages[k].close()


def parts_in_parallel(data: bytes, pages, workers: int, deadline: Deadline):
    """Every page's parts in page order, the later ranges taken apart by helper processes."""
    first, *rest = _ranges(len(pages), workers)
    helpers = [_Helper(data, numbers, deadline) for numbers in rest]
    try:
        yield from _here(pages, first, deadline)
        for numbers, helper in zip(rest, helpers, strict=True):
            parts = helper.result(deadline)
            yield from parts
            yield from _here(pages, numbers[len(parts) :], deadline)
    finally:
        for helper in helpers:
            helper.stop()


def _main() -> None:
    _die_with_parent()
    data, numbers, at = pickle.load(sys.stdin.buffer)
    parts = _take_apart(data, numbers, at)
    sys.stdout.buffer.write(pickle.dumps(parts, protocol=pickle.HIGHEST_PROTOCOL))


if __name__ == "__main__":
    _main()
