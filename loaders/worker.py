"""Read files in worker processes that a hostile file cannot take down with it.

A reader can hang inside C code (calamine, lxml, pdfminer) where no cooperative
deadline is checked, or allocate gigabytes for a file of a few kilobytes. Each
worker is a fresh interpreter (``python -m loaders.worker``) that caps its own
address space with ``resource.setrlimit`` before importing any reader, and the
parent kills it when one file takes longer than the time limit (plus a grace
period, so the readers' own checks can fail the file with their message
first). A killed or crashed worker costs that one file, which fails with a
catalogued reason; a new worker takes the next file.

A scan hands a worker a small batch of files at once (:func:`read_framed`): each is parsed
inside its own guard, the worker reports each file as it finishes it (so the deadline stays
per file), and the polars frames of the whole batch are built in one go, a third of the cost
of building them file by file. When a batch's worker is killed or dies, the file it was
reading when it stopped too slow fails alone; after a crash, every file of the batch is read
again one per job, so only the guilty one fails, exactly as without batches.

Jobs and results travel as length-prefixed pickles over the worker's stdin and
stdout; anything a library prints goes to stderr.
"""

from __future__ import annotations

import contextlib
import os
import pickle
import queue
import resource
import select
import signal
import struct
import subprocess
import sys
import threading
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from loaders.limits import Limits, human_size

_HEADER = struct.Struct("<Q")
_GRACE_SECONDS = 5.0  # after the readers' own deadline, before the worker is killed
_ENV = {  # one reader thread per worker: the workers are the parallelism
    "POLARS_MAX_THREADS": "1",
    "RAYON_NUM_THREADS": "1",
    "OMP_NUM_THREADS": "1",
    "MALLOC_ARENA_MAX": "2",  # glibc reserves 64 MB of address space per arena otherwise
}


@dataclass(frozen=True)
class Job:
    """One file to read: from disk (``path``) or from memory (``data``, an upload)."""

    name: str  # display name, the doc's source_file
    path: str | bytes | None = None
    data: bytes | None = None
    framed: bool = False  # hand back polars frames (loaders.frames), not a LoadedDoc
    key: str = ""  # the cache key its frames carry when read in a batch


def _send(stream, obj) -> None:
    payload = pickle.dumps(obj, protocol=pickle.HIGHEST_PROTOCOL)
    stream.write(_HEADER.pack(len(payload)))
    stream.write(payload)
    stream.flush()


def _read_exactly(stream, n: int) -> bytes:
    chunks, left = [], n
    while left:
        chunk = stream.read(left)
        if not chunk:
            raise EOFError
        chunks.append(chunk)
        left -= len(chunk)
    return b"".join(chunks)


def _receive(stream):
    (size,) = _HEADER.unpack(_read_exactly(stream, _HEADER.size))
    return pickle.loads(_read_exactly(stream, size))


# ---- the worker process --------------------------------------------------------------------


def _serve(memory: int) -> None:
    """Worker main loop: cap memory, import the readers, then read jobs until stdin closes."""
    if memory > 0:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    out = os.fdopen(os.dup(1), "wb")
    os.dup2(2, 1)  # a library's print() must not corrupt the result stream
    inp = sys.stdin.buffer
    from loaders.collector import collect_less_often
    from loaders.frames import framed, framed_batch
    from loaders.pipeline import failed_doc, load_bytes, load_file, validated

    def loaded(job: Job, limits: Limits):
        try:
            if job.data is not None:
                return load_bytes(job.data, job.name, limits)
            return load_file(Path(os.fsdecode(job.path)), job.name, limits)
        except MemoryError:
            return failed_doc(job.name, "", "out-of-memory", limit=human_size(memory))

    collect_less_often()
    while True:
        try:
            job, limits = _receive(inp)
        except EOFError:
            return
        if isinstance(job, list):  # a batch: each file reported when read, then all frames
            docs = []
            for index, one in enumerate(job):
                docs.append((one.key, loaded(one, limits)))
                _send(out, index)
            _send(out, framed_batch(docs))
            continue
        try:
            doc = loaded(job, limits)
            result = framed(doc) if job.framed else validated(doc)
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        except MemoryError:
            doc = failed_doc(job.name, "", "out-of-memory", limit=human_size(memory))
            result = framed(doc) if job.framed else doc
            payload = pickle.dumps(result, protocol=pickle.HIGHEST_PROTOCOL)
        out.write(_HEADER.pack(len(payload)))
        out.write(payload)
        out.flush()


# Python's exit code when it cannot flush its streams at exit. A worker at its memory cap
# ends this way when the MemoryError strikes a helper thread (its stderr reads "MemoryError
# … lost sys.stderr"); seen in about 1 of 12 runs of the 400,000-row file of test_worker.
_EXIT_STREAMS_LOST = 120


# ---- the parent side -----------------------------------------------------------------------


class _Worker:
    """One worker process, started on first use and again after it was killed."""

    def __init__(self, memory: int):
        self.memory = memory
        self.proc: subprocess.Popen | None = None

    def _start(self) -> subprocess.Popen:
        env = {**os.environ, **_ENV}
        root = str(Path(__file__).resolve().parents[1])
        env["PYTHONPATH"] = os.pathsep.join(p for p in (root, env.get("PYTHONPATH", "")) if p)
        return subprocess.Popen(
            [sys.executable, "-m", "loaders.worker", str(self.memory)],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.DEVNULL,  # a crashing library's backtrace is not the auditor's
            env=env,
            start_new_session=True,  # a Ctrl+C in the terminal stops the parent, which stops us
        )

    def read(self, job: Job, limits: Limits):
        """The worker's LoadedDoc for ``job``, or a failed doc when it was killed or died."""
        from loaders.pipeline import failed_doc

        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        try:
            _send(proc.stdin, (job, limits))
        except (BrokenPipeError, OSError):
            return self._died(job, limits)
        # the first job also waits for the imports; later ones only for the reading
        timeout = limits.max_seconds + _GRACE_SECONDS
        ready, _, _ = select.select([proc.stdout], [], [], timeout)
        if not ready:
            self.stop()
            return failed_doc(job.name, "", "too-slow", seconds=f"{limits.max_seconds:g}")
        try:
            return _receive(proc.stdout)
        except (EOFError, pickle.UnpicklingError, OSError):
            return self._died(job, limits)

    def read_batch(self, jobs: list[Job], limits: Limits, parsed: Callable[[int], None]):
        """The batch's frames, or a :class:`_Broken` when the worker was killed or died.

        ``parsed(index)`` is called as each file is read; every file has its own deadline.
        """
        from loaders.pipeline import failed_doc

        if self.proc is None or self.proc.poll() is not None:
            self.proc = self._start()
        proc = self.proc
        at = 0  # the file being read; len(jobs) while the frames are built
        try:
            _send(proc.stdin, (list(jobs), limits))
        except (BrokenPipeError, OSError):
            return _Broken(at, self._died(jobs[at], limits), crashed=True)
        timeout = limits.max_seconds + _GRACE_SECONDS
        while True:
            ready, _, _ = select.select([proc.stdout], [], [], timeout)
            if not ready:
                self.stop()
                name = jobs[min(at, len(jobs) - 1)].name
                failure = failed_doc(name, "", "too-slow", seconds=f"{limits.max_seconds:g}")
                return _Broken(at, failure, crashed=False)
            try:
                message = _receive(proc.stdout)
            except (EOFError, pickle.UnpicklingError, OSError):
                return _Broken(at, self._died(jobs[min(at, len(jobs) - 1)], limits), crashed=True)
            if not isinstance(message, int):
                return message
            parsed(message)
            at = message + 1

    def _died(self, job: Job, limits: Limits):
        from loaders.pipeline import failed_doc

        proc, self.proc = self.proc, None
        code = proc.wait() if proc is not None else None
        if (
            code is not None
            and code < 0
            and -code in (signal.SIGKILL, signal.SIGABRT, signal.SIGSEGV)
        ):
            detail = (
                f"信号 {signal.Signals(-code).name}，通常是内存超过上限 {human_size(self.memory)}"
            )
        elif code == _EXIT_STREAMS_LOST and self.memory > 0:
            detail = f"退出码 {code}，通常是内存超过上限 {human_size(self.memory)}"
        else:
            detail = f"退出码 {code}"
        return failed_doc(job.name, "", "worker-crashed", detail=detail)

    def stop(self) -> None:
        proc, self.proc = self.proc, None
        if proc is None:
            return
        if proc.poll() is None:
            proc.kill()
        proc.wait()
        for stream in (proc.stdin, proc.stdout):
            with contextlib.suppress(OSError):
                stream.close()


@dataclass(frozen=True)
class _Broken:
    """A batch whose worker stopped while reading file ``at`` (``len(jobs)``: while framing)."""

    at: int
    failure: object  # the failed LoadedDoc the stop gives that file
    crashed: bool  # died, rather than killed at the deadline


class Pool:
    """Worker processes kept between calls of :func:`read_isolated` (a scan in batches)."""

    def __init__(self, memory: int, size: int):
        self.workers = [_Worker(memory) for _ in range(max(1, size))]

    def close(self) -> None:
        for worker in self.workers:
            worker.stop()

    def __enter__(self) -> Pool:
        return self

    def __exit__(self, *exc) -> None:
        self.close()


def read_isolated(
    jobs: Sequence[Job],
    limits: Limits,
    workers: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    pool: Pool | None = None,
) -> list:
    """LoadedDoc per job, in order, each read in a worker process with a deadline and memory cap.

    A job marked ``framed`` gets its file's frames (:func:`loaders.frames.framed`) instead,
    also when the worker was killed or died. ``progress(done, total, name)`` is called after
    each file (from a helper thread).
    """
    counted = _Counter(len(jobs), progress)

    def one(worker: _Worker, index: int):
        result = _read_one(worker, jobs[index], limits)
        counted(jobs[index].name)
        return result

    return _in_workers(len(jobs), one, limits, workers, pool)


def read_framed(
    batches: Sequence[Sequence[Job]],
    limits: Limits,
    workers: int = 1,
    progress: Callable[[int, int, str], None] | None = None,
    pool: Pool | None = None,
) -> list:
    """The frames of each batch of jobs, in order, each batch read by one worker process.

    Every job's rows carry its ``key``. A file that fails, or whose worker is killed or
    dies, gives its own failed row, as :func:`read_isolated` would; no other file is lost.
    """
    from loaders import frames as fr

    counted = _Counter(sum(len(b) for b in batches), progress)

    def batch(worker: _Worker, index: int) -> fr.Frames:
        jobs = list(batches[index])
        result = worker.read_batch(jobs, limits, lambda i: counted(jobs[i].name))
        if not isinstance(result, _Broken):
            return result
        parts = []
        for i, job in enumerate(jobs):
            if i == result.at and not result.crashed:  # its own deadline: fails as it would alone
                parts.append(fr.framed(result.failure, job.key))
            else:  # the worker's end may not be this file's fault: read again, on its own
                parts.append(fr.with_key(_read_one(worker, job, limits), job.key))
            if i >= result.at:
                counted(job.name)
        return fr.concat(parts)

    return _in_workers(len(batches), batch, limits, workers, pool)


def _read_one(worker: _Worker, job: Job, limits: Limits):
    result = worker.read(job, limits)
    if job.framed and not isinstance(result, dict):
        from loaders.frames import framed

        result = framed(result)  # the failure the parent noted for a killed worker
    return result


class _Counter:
    """``progress(done, total, name)`` once per file, from any of the helper threads."""

    def __init__(self, total: int, progress: Callable[[int, int, str], None] | None):
        self.total, self.progress, self.done = total, progress, 0
        self.lock = threading.Lock()

    def __call__(self, name: str) -> None:
        with self.lock:
            self.done += 1
            if self.progress is not None:
                self.progress(self.done, self.total, name)


def _in_workers(
    count: int,
    work: Callable[[_Worker, int], object],
    limits: Limits,
    workers: int,
    pool: Pool | None,
) -> list:
    """``work(worker, i)`` for i in range(count), spread over the workers, results in order."""
    if not count:
        return []
    results: list = [None] * count
    todo: queue.Queue = queue.Queue()
    for index in range(count):
        todo.put(index)

    def run(slot: int) -> None:
        worker = pool.workers[slot] if pool is not None else _Worker(limits.max_memory)
        try:
            while True:
                try:
                    index = todo.get_nowait()
                except queue.Empty:
                    return
                results[index] = work(worker, index)
        finally:
            if pool is None:
                worker.stop()

    size = len(pool.workers) if pool is not None else workers
    threads = [
        threading.Thread(target=run, args=(slot,), daemon=True)
        for slot in range(max(1, min(size, count)))
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


if __name__ == "__main__":
    _serve(int(sys.argv[1]) if len(sys.argv) > 1 else 0)
