"""Document tasks (PDF extraction, parsing) in worker processes under limits.

A hostile or broken document can make PDFium take gigabytes of memory, run
for minutes or crash the process. `DocumentPool` runs such tasks in
persistent worker processes: each worker has an address-space limit
(`RLIMIT_AS`), the parent stops a task that runs past its time limit by
killing its worker, and a worker that dies is replaced, so that one document
costs at most its limits and the pool goes on with the others.

Workers are started from the "forkserver" context: a server process that has
imported PDFium and the parsers once forks each worker, which is fast and
safe when the parent has threads (plain fork is not). Results come back as
`concurrent.futures.Future` objects: a producer (fetching) submits each
document as it arrives and a consumer takes results as they complete
(`concurrent.futures.as_completed`, `wait`, or a done callback), each future
still tied to its document. An exception raised by the task comes back with
its class and message; a task over its limits comes back as `OverBudget`
(`limit` "memory" or "time"), a worker that crashed as `WorkerCrashed`.
"""

from __future__ import annotations

import atexit
import multiprocessing
import os
import pickle
import resource
import signal
import socket
import threading
import time
import traceback
import weakref
from collections import deque
from collections.abc import Callable
from concurrent.futures import CancelledError, Future
from dataclasses import dataclass
from multiprocessing.connection import wait

from .text import (
    MAX_BYTES,
    MAX_DECODED_BYTES,
    MAX_PAGES,
    MAX_STREAM_BYTES,
    PROPERTY_OF_THE_FILE,
    DocumentError,
    ExtractedText,
    extract_text,
)

GIB = 2**30
DEFAULT_MEMORY = GIB
DEFAULT_SECONDS = 60.0
MAX_TEXT_BYTES = 10_000_000
STOP_GRACE = 1.0
PRELOAD = ("scraper.documents.text", "scraper.documents.protocol", "scraper.documents.summary")
PDFIUM_ABORT = -signal.SIGABRT


@dataclass(frozen=True)
class Limits:
    """What one document task may take.

    `memory` is the address space of a worker in bytes (None: unlimited),
    `seconds` the wall-clock time of one task, enforced by the parent. The
    rest are the caps checked before extraction (see `extract_text`):
    `pages`, `pdf_bytes`, `stream_bytes` (what one compressed stream decodes
    to), `decoded_bytes` (what all of them decode to) and `text_bytes`, the
    size of a plain text file read for parsing.
    """

    memory: int | None = DEFAULT_MEMORY
    seconds: float = DEFAULT_SECONDS
    pages: int = MAX_PAGES
    pdf_bytes: int = MAX_BYTES
    stream_bytes: int = MAX_STREAM_BYTES
    decoded_bytes: int = MAX_DECODED_BYTES
    text_bytes: int = MAX_TEXT_BYTES

    def extraction(self) -> dict[str, int]:
        """The caps as keyword arguments of `extract_text` and `extract_pages`."""
        return {
            "max_pages": self.pages,
            "max_bytes": self.pdf_bytes,
            "max_stream_bytes": self.stream_bytes,
            "max_decoded_bytes": self.decoded_bytes,
        }


class OverBudget(DocumentError):
    """A task went over a limit of its worker: `limit` is "memory" or "time". A property of the
    file at these limits, so reading it again gives the same result."""

    permanent = True

    def __init__(self, problem: str, source: str | None = None, *, limit: str):
        self.limit = limit
        super().__init__(problem, source)


class WorkerCrashed(DocumentError):
    """The worker process died while running the task (PDFium crashed, or the task ended its
    process); `limit` is "crash" and `exitcode` the process's exit code (minus the signal number
    when a signal ended it)."""

    permanent = True

    def __init__(self, problem: str, source: str | None = None, *, exitcode: int | None):
        self.limit = "crash"
        self.exitcode = exitcode
        super().__init__(problem, source)


class RemoteTraceback(Exception):
    """The traceback of an exception raised in a worker, as text; set as the `__cause__` of the
    exception re-raised in the parent."""

    def __str__(self) -> str:
        return f"\n\"\"\"\n{self.args[0]}\"\"\""


def extract(data: bytes, source: str | None, limits: Limits) -> ExtractedText:
    """`extract_text` with the caps of `limits`: the task a pool runs for one downloaded PDF."""
    return extract_text(data, source=source, **limits.extraction())


def _format_bytes(size: int) -> str:
    if size % GIB == 0:
        return f"{size // GIB} GiB"
    if size % 2**20 == 0:
        return f"{size // 2**20} MiB"
    return f"{size:,} bytes"


def _worker_main(conn, memory: int | None, preload: tuple[str, ...]) -> None:
    """A worker: limit the address space, import what tasks need, then run tasks until told to stop."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if memory is not None:
        resource.setrlimit(resource.RLIMIT_AS, (memory, memory))
    for name in preload:
        __import__(name)
    conn.send(("ready", os.getpid()))
    while True:
        try:
            payload = conn.recv_bytes()
        except (EOFError, OSError):
            return
        if not payload:
            return
        outcome = _run_task(payload)
        try:
            conn.send(outcome)
        except MemoryError:
            outcome = ("memory", None)
            conn.send(outcome)
        except Exception as error:
            conn.send(("error", TypeError(f"the task's result cannot be sent back: {error}"), ""))
        if outcome[0] == "memory":
            return


def _run_task(payload: bytes) -> tuple:
    """("done", result), ("error", exception, traceback text) or ("memory", None)."""
    try:
        fn, args = pickle.loads(payload)
        return ("done", fn(*args))
    except MemoryError:
        return ("memory", None)
    except BaseException as error:
        text = traceback.format_exc()
        try:
            pickle.dumps(error)
        except Exception:
            error = RuntimeError(f"{type(error).__name__}: {error}")
        return ("error", error, text)


@dataclass
class _Task:
    future: Future
    payload: bytes
    source: str


class _Worker:
    """One worker process, the parent's end of its pipe and the task it is running.

    `ready` says the worker has started (imported what tasks need), `leaving`
    that it is ending by itself and takes no more tasks.
    """

    def __init__(self, context, memory: int | None):
        parent_end, child_end = context.Pipe()
        self.process = context.Process(target=_worker_main, args=(child_end, memory, PRELOAD), daemon=True)
        self.process.start()
        child_end.close()
        self.conn = parent_end
        self.pid = self.process.pid
        self.ready = False
        self.leaving = False
        self.task: _Task | None = None
        self.deadline = 0.0

    def start(self, task: _Task, seconds: float) -> bool:
        """Sends `task` to the worker; False when the worker is gone."""
        try:
            self.conn.send_bytes(task.payload)
        except OSError:
            return False
        self.task, self.deadline = task, time.monotonic() + seconds
        return True

    def finish(self) -> _Task | None:
        task, self.task = self.task, None
        return task

    def ask_to_stop(self) -> None:
        try:
            self.conn.send_bytes(b"")
        except OSError:
            pass

    def reap(self, timeout: float) -> None:
        """Waits up to `timeout` seconds for the process to end, kills it when it has not, and
        releases the pipe and the process."""
        self.process.join(max(timeout, 0.0))
        if self.process.exitcode is None:
            self.process.kill()
            self.process.join()
        self.conn.close()
        self.process.close()


def _settle(future: Future, result=None, error: BaseException | None = None) -> None:
    if future.done():
        return
    if error is None:
        future.set_result(result)
    else:
        future.set_exception(error)


def _describe(fn: Callable) -> str:
    return f"task {getattr(fn, '__module__', '?')}.{getattr(fn, '__qualname__', repr(fn))}"


_LIVE_POOLS: weakref.WeakSet = weakref.WeakSet()
_EXIT_HOOK: list[bool] = []


def _stop_live_pools() -> None:
    """Stops the pools still running when the interpreter exits, before multiprocessing's own exit
    handler (registered earlier, so run later) terminates and reaps their workers under them."""
    for pool in list(_LIVE_POOLS):
        pool.shutdown(wait=True, cancel=True)


def _register_pool(pool: DocumentPool) -> None:
    if not _EXIT_HOOK:
        atexit.register(_stop_live_pools)
        _EXIT_HOOK.append(True)
    _LIVE_POOLS.add(pool)


class DocumentPool:
    """Persistent worker processes that run document tasks under `limits`.

    `workers` is the number of processes (default: the number of CPUs).
    `submit(fn, *args, source=...)` returns a `concurrent.futures.Future`;
    `fn` must be a module-level function and `args` picklable. `source` (a
    URL or path) names the document in the errors of a task over its limits.
    Use it as a context manager, or call `shutdown`.
    """

    def __init__(self, workers: int | None = None, limits: Limits = Limits(), *, start_method: str = "forkserver"):
        self.limits = limits
        self.size = workers or os.cpu_count() or 1
        self._context = multiprocessing.get_context(start_method)
        if start_method == "forkserver":
            self._context.set_forkserver_preload([__name__, *PRELOAD])
        self._lock = threading.Lock()
        self._pending: deque[_Task] = deque()
        self._closing = False
        self._cancelling = False
        self._broken: WorkerCrashed | None = None
        self._wake_out, self._wake_in = socket.socketpair()
        self._wake_in.setblocking(False)
        self._workers = [_Worker(self._context, limits.memory) for _ in range(self.size)]
        self._thread = threading.Thread(target=self._manage, name="DocumentPool", daemon=True)
        _register_pool(self)
        self._thread.start()

    @property
    def pids(self) -> list[int]:
        """The process ids of the current workers."""
        return [worker.pid for worker in list(self._workers)]

    def submit(self, fn: Callable, *args, source: str | None = None) -> Future:
        """Runs `fn(*args)` in a worker; the future holds its result or its exception."""
        payload = pickle.dumps((fn, args), protocol=pickle.HIGHEST_PROTOCOL)
        future: Future = Future()
        with self._lock:
            if self._closing:
                raise RuntimeError("the document pool is shut down")
            if self._broken is not None:
                future.set_exception(self._broken)
                return future
            self._pending.append(_Task(future, payload, source or _describe(fn)))
        self._wake()
        return future

    def shutdown(self, wait: bool = True, *, cancel: bool = False) -> None:
        """Stops the pool once the submitted tasks are done; with `cancel`, at once: tasks not yet
        started are cancelled and running ones stopped (their futures raise CancelledError).
        Workers are asked to exit, and killed when they have not within a second."""
        with self._lock:
            self._closing = True
            self._cancelling = self._cancelling or cancel
            if cancel:
                while self._pending:
                    self._pending.popleft().future.cancel()
        self._wake()
        if wait and threading.current_thread() is not self._thread:
            self._thread.join()

    def __enter__(self) -> DocumentPool:
        return self

    def __exit__(self, exc_type, exc, tb) -> None:
        self.shutdown(wait=True, cancel=exc_type is not None)

    def _wake(self) -> None:
        try:
            self._wake_in.send(b"\0")
        except OSError:
            pass

    def _manage(self) -> None:
        try:
            while self._step():
                pass
        except BaseException as error:
            failure = DocumentError(f"the document pool stopped: {error!r}")
            failure.__cause__ = error
            self._abandon(failure)
        finally:
            self._stop_workers()
            self._wake_out.close()
            self._wake_in.close()
            _LIVE_POOLS.discard(self)

    def _step(self) -> bool:
        """One round: start waiting tasks, wait for results, deaths, a deadline or a wake-up, and
        act on them. False once the pool is shut down and has no work left."""
        if self._cancelling:
            self._stop_running()
        self._dispatch()
        if self._finished():
            return False
        watched = [self._wake_out] + [w.conn for w in self._workers] + [w.process.sentinel for w in self._workers]
        ready = set(wait(watched, timeout=self._timeout()))
        if self._wake_out in ready:
            self._wake_out.recv(4096)
        for worker in list(self._workers):
            if worker.conn in ready or worker.process.sentinel in ready:
                self._service(worker)
        self._enforce_deadlines()
        return True

    def _finished(self) -> bool:
        with self._lock:
            return self._closing and not self._pending and not any(w.task for w in self._workers)

    def _timeout(self) -> float | None:
        deadlines = [worker.deadline for worker in self._workers if worker.task]
        return max(min(deadlines) - time.monotonic(), 0.0) if deadlines else None

    def _next_task(self) -> _Task | None:
        with self._lock:
            while self._pending:
                task = self._pending.popleft()
                if not task.future.cancelled():
                    return task
        return None

    def _dispatch(self) -> None:
        for worker in list(self._workers):
            if not worker.ready or worker.leaving or worker.task is not None:
                continue
            task = self._next_task()
            if task is None:
                return
            if not worker.start(task, self.limits.seconds):
                with self._lock:
                    self._pending.appendleft(task)
                continue
            task.future.set_running_or_notify_cancel()

    def _service(self, worker: _Worker) -> None:
        """Reads what the worker sent; when its process has ended, retires it."""
        try:
            while worker.conn.poll():
                self._receive(worker, worker.conn.recv())
        except (EOFError, OSError):
            pass
        except Exception as error:
            task = worker.finish()
            if task is not None:
                _settle(task.future, error=DocumentError(f"the task's result cannot be read: {error}", task.source))
        if worker.process.exitcode is not None:
            self._retire(worker)

    def _receive(self, worker: _Worker, message: tuple) -> None:
        kind = message[0]
        if kind == "ready":
            worker.ready = True
            return
        task = worker.finish()
        if task is None:
            return
        if kind == "done":
            _settle(task.future, message[1])
        elif kind == "memory":
            worker.leaving = True
            _settle(task.future, error=self._over_memory(task.source, "a MemoryError"))
        else:
            error, text = message[1], message[2]
            if text:
                error.__cause__ = RemoteTraceback(text)
            _settle(task.future, error=error)

    def _over_memory(self, source: str, how: str) -> OverBudget:
        limit = "" if self.limits.memory is None else f" of {_format_bytes(self.limits.memory)}"
        return OverBudget(
            f"over the memory limit{limit}: the worker ran out of memory ({how}); {PROPERTY_OF_THE_FILE}",
            source,
            limit="memory",
        )

    def _death(self, source: str, exitcode: int) -> DocumentError:
        """The error for a task whose worker ended with `exitcode` while running it."""
        if exitcode == PDFIUM_ABORT and self.limits.memory is not None:
            return self._over_memory(source, "aborted, as PDFium does when an allocation fails")
        if exitcode == -signal.SIGKILL:
            how = "was killed (SIGKILL) from outside the pool: by the system's out-of-memory killer?"
        elif exitcode < 0:
            how = f"crashed ({signal.Signals(-exitcode).name}) while reading it"
        else:
            how = f"exited with status {exitcode} in the middle of the task"
        return WorkerCrashed(f"the worker process {how}; {PROPERTY_OF_THE_FILE}", source, exitcode=exitcode)

    def _retire(self, worker: _Worker, error: DocumentError | None = None) -> None:
        """Removes an ended worker, fails its task (with `error`, or as its exit code says) and
        starts another unless the pool is closing with nothing left to do."""
        exitcode = worker.process.exitcode
        self._workers.remove(worker)
        task = worker.finish()
        worker.reap(STOP_GRACE)
        with self._lock:
            needed = not self._cancelling and (not self._closing or bool(self._pending))
        if worker.ready and needed:
            self._workers.append(_Worker(self._context, self.limits.memory))
        if task is not None:
            _settle(task.future, error=error or self._death(task.source, exitcode))
        if not worker.ready:
            self._break(exitcode)

    def _break(self, exitcode: int | None) -> None:
        """A worker died before it was ready: the limits do not let a worker start. Fails every waiting task."""
        memory = "unlimited" if self.limits.memory is None else _format_bytes(self.limits.memory)
        self._broken = WorkerCrashed(
            f"a worker process could not start (exit code {exitcode}): is the memory limit ({memory}) "
            "below what Python and PDFium need, or does the main module start work when imported "
            "(it needs the `if __name__ == \"__main__\":` guard)?",
            exitcode=exitcode,
        )
        with self._lock:
            while self._pending:
                _settle(self._pending.popleft().future, error=self._broken)

    def _enforce_deadlines(self) -> None:
        now = time.monotonic()
        for worker in list(self._workers):
            if worker.task is not None and worker.deadline <= now:
                source = worker.task.source
                worker.process.kill()
                worker.process.join()
                self._retire(worker, OverBudget(
                    f"over the time limit: still running after {self.limits.seconds:g} s, so its worker "
                    "was stopped (reading this file takes longer than that; raise the limit to accept it)",
                    source,
                    limit="time",
                ))

    def _stop_running(self) -> None:
        for worker in list(self._workers):
            if worker.task is not None:
                worker.process.kill()
                worker.process.join()
                self._retire(worker, CancelledError())

    def _abandon(self, error: DocumentError) -> None:
        """Fails every waiting and running task with `error` and takes no more."""
        with self._lock:
            self._closing = True
            while self._pending:
                _settle(self._pending.popleft().future, error=error)
        for worker in self._workers:
            task = worker.finish()
            if task is not None:
                _settle(task.future, error=error)

    def _stop_workers(self) -> None:
        workers, self._workers = list(self._workers), []
        for worker in workers:
            worker.ask_to_stop()
        deadline = time.monotonic() + STOP_GRACE
        for worker in workers:
            task = worker.finish()
            worker.reap(deadline - time.monotonic())
            if task is not None:
                _settle(task.future, error=CancelledError())


def run_limited(fn: Callable, *args, limits: Limits = Limits(), source: str | None = None):
    """`fn(*args)` run in one worker process under `limits`; its result, or its exception re-raised
    (`OverBudget` or `WorkerCrashed` when it went over a limit or its worker died)."""
    with DocumentPool(workers=1, limits=limits) as pool:
        return pool.submit(fn, *args, source=source).result()
