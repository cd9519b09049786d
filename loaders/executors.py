"""Where a scan's work runs: worker processes on this machine, or a Ray cluster.

Two kinds of work are handed out: reading files (in batches; each batch comes back as
polars frames, see :mod:`loaders.frames`) and functions over independent items (the checks
of one partition of the corpus). Both executors give results in the order the work was
given, so a scan writes the same dataset and the same flags whichever ran it.

On Ray, the files' bytes travel with the work (the cluster's machines need not see the
scanned folder), and each Ray worker reads its files through :mod:`loaders.worker` as here:
a hostile file is killed at its deadline or memory cap on whichever machine reads it.
The machines of the cluster need budget-audit installed with the ``cluster`` extra.
"""

from __future__ import annotations

import multiprocessing
import os
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import ProcessPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from loaders import frames as fr
from loaders.limits import Limits

Item = tuple[Path, str, str]  # file, display name, cache key
BATCH = 256  # files per batch: bounded memory, and little overhead per batch
WORKER_FILES = 16  # files one worker reads and frames in one go (frames cost less per file)
WORKER_BYTES = 2 << 20  # ...unless they are larger together: a big file goes alone


def worker_batches(sizes: list[int]) -> list[range]:
    """Runs of consecutive files a worker reads together: at most WORKER_FILES files and,
    past the first, WORKER_BYTES bytes (the rows of a batch are held until it is framed)."""
    out: list[range] = []
    start, total = 0, 0
    for index, size in enumerate(sizes):
        if index > start and (index - start >= WORKER_FILES or total + size > WORKER_BYTES):
            out.append(range(start, index))
            start, total = index, 0
        total += size
    if sizes:
        out.append(range(start, len(sizes)))
    return out


def _batches(items: list, size: int) -> Iterator[list]:
    for start in range(0, len(items), size):
        yield items[start : start + size]


def _ready() -> None:
    """Nothing: a first task, so that a new process starts (and imports) at once."""


class LocalExecutor:
    """Files read by isolated worker processes on this machine; ``map`` runs in this process;
    :meth:`processes` gives spawned processes for independent calls (the checks)."""

    name = "local"

    def __init__(self, workers: int | None = None):
        self.workers = max(1, workers or os.cpu_count() or 1)

    def parse(
        self,
        items: list[Item],
        limits: Limits,
        progress: Callable[[int, int, str], None] | None = None,
        batch: int = BATCH,
    ) -> Iterator[fr.Frames]:
        from loaders.worker import Job, Pool, read_framed

        done = [0]

        def counted(_done: int, _total: int, name: str) -> None:
            done[0] += 1
            if progress is not None:
                progress(done[0], len(items), name)

        with Pool(limits.max_memory, min(self.workers, max(1, len(items)))) as pool:
            for chunk in _batches(items, batch):
                jobs = [
                    Job(name, path=os.fsencode(path), framed=True, key=key)
                    for path, name, key in chunk
                ]
                groups = [[jobs[i] for i in run] for run in worker_batches(_sizes(chunk))]
                yield fr.concat(read_framed(groups, limits, self.workers, counted, pool=pool))

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        for item in items:
            yield fn(item)

    def processes(self, calls: int) -> ProcessPoolExecutor | None:
        """Up to ``workers`` spawned processes for ``calls`` independent calls, started now so
        that they import while the caller does other work; None when there would be only one
        (spawned: polars' threads do not survive a fork). The caller shuts the pool down."""
        workers = min(self.workers, calls)
        if workers < 2:
            return None
        pool = ProcessPoolExecutor(workers, mp_context=multiprocessing.get_context("spawn"))
        with _one_polars_thread():  # the processes are spawned by the first submit
            for _ in range(workers):
                pool.submit(_ready)
        return pool

    def close(self) -> None:
        pass


@contextmanager
def _one_polars_thread() -> Iterator[None]:
    """Processes started in this block run polars on one thread: the processes are the
    parallelism, and a check's polars steps are small (hundreds per batch), so a second
    thread per process only adds hand-offs on a machine whose cores the processes fill."""
    before = os.environ.get("POLARS_MAX_THREADS")
    os.environ["POLARS_MAX_THREADS"] = "1"
    try:
        yield
    finally:
        if before is None:
            del os.environ["POLARS_MAX_THREADS"]
        else:
            os.environ["POLARS_MAX_THREADS"] = before


def _sizes(chunk: list[Item]) -> list[int]:
    sizes = []
    for path, _, _ in chunk:
        try:
            sizes.append(Path(path).stat().st_size)
        except OSError:
            sizes.append(0)  # the worker reports it unreadable
    return sizes


# ---- Ray ------------------------------------------------------------------------------------

_RAY_POOL = None  # worker processes of one Ray worker, kept between its tasks


def _ray_parse(named: list[tuple[str, bytes, str]], limits: Limits) -> fr.Frames:
    """On a Ray worker: read one batch of files (name, bytes, key) in isolated processes."""
    global _RAY_POOL
    from loaders.worker import Job, Pool, read_framed

    if _RAY_POOL is None:
        _RAY_POOL = Pool(limits.max_memory, 1)
    jobs = [Job(name, data=data, framed=True, key=key) for name, data, key in named]
    groups = [[jobs[i] for i in run] for run in worker_batches([len(d) for _, d, _ in named])]
    return fr.concat(read_framed(groups, limits, 1, pool=_RAY_POOL))


def _ray_call(fn: Callable[[Any], Any], item: Any) -> Any:
    return fn(item)


class RayExecutor:
    """The same work as :class:`LocalExecutor`, spread over a Ray cluster's CPUs.

    ``address`` is the cluster's (``ray start --head`` prints it; ``auto`` finds a cluster
    started on this machine). At most two tasks per CPU are in flight, so the driver holds
    a bounded number of batches.
    """

    name = "ray"

    def __init__(self, address: str | None = None):
        import ray

        self.ray = ray
        self._started = not ray.is_initialized()
        if self._started:
            ray.init(
                address=address,
                include_dashboard=False,
                log_to_driver=False,
                configure_logging=False,
            )
        cpus = int(ray.cluster_resources().get("CPU", 1))
        self.in_flight = max(2, 2 * cpus)
        self._parse = ray.remote(num_cpus=1)(_ray_parse)
        self._call = ray.remote(num_cpus=1)(_ray_call)

    def _ordered(self, submit: Callable[[Any], Any], work: Iterable[Any]) -> Iterator[Any]:
        """Results of ``submit`` over ``work`` in order, with a bounded number in flight."""
        pending: deque = deque()
        for piece in work:
            pending.append(submit(piece))
            if len(pending) >= self.in_flight:
                yield self.ray.get(pending.popleft())
        while pending:
            yield self.ray.get(pending.popleft())

    def parse(
        self,
        items: list[Item],
        limits: Limits,
        progress: Callable[[int, int, str], None] | None = None,
        batch: int = BATCH,
    ) -> Iterator[fr.Frames]:
        done = 0
        pending: deque = deque()

        def finish(ref, named) -> fr.Frames:
            nonlocal done
            frames = self.ray.get(ref)
            unreadable = [(path, name, key) for name, data, key, path in named if data is None]
            if unreadable:  # the disk failed here: the same failure as a local read gives
                frames = fr.concat([frames, *LocalExecutor(1).parse(unreadable, limits)])
            done += len(named)
            if progress is not None:
                progress(done, len(items), named[-1][0])
            return frames

        for chunk in _batches(items, batch):
            named = []
            for path, name, key in chunk:
                try:
                    data = Path(path).read_bytes()
                except OSError:
                    data = None
                named.append((name, data, key, path))
            readable = [(n, d, k) for n, d, k, _ in named if d is not None]
            pending.append((self._parse.remote(readable, limits), named))
            if len(pending) >= self.in_flight:
                yield finish(*pending.popleft())
        while pending:
            yield finish(*pending.popleft())

    def map(self, fn: Callable[[Any], Any], items: Iterable[Any]) -> Iterator[Any]:
        return self._ordered(lambda item: self._call.remote(fn, item), items)

    def close(self) -> None:
        if self._started:
            self.ray.shutdown()


def executor(name: str = "local", address: str | None = None, workers: int | None = None):
    """The executor a scan asked for: ``local`` (default) or ``ray``."""
    if name == "ray":
        return RayExecutor(address)
    return LocalExecutor(workers)
