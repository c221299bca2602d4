"""Time spent inside the document worker processes of a run, by stage.

A scrape reads documents in sandboxed worker processes (``scraper/run.py`` ``WorkerPool``), so
wrapping the extraction and parsing functions in the benchmark's process sees none of it.
``bench.pipeline.TimedPool`` is a ``WorkerPool`` (same workers, same limits) whose tasks run
inside ``TimedTask``: in the worker, the task's extraction, protocol parsing and row building are
wrapped as stages, and their seconds come back with the task's result. This module imports no
more than a worker needs to unpickle the task.
"""

from __future__ import annotations

import time

from .figures import Stages

TASK = "document task (read_document)"
TASK_CPU = "document task, CPU time of the worker"


def worker_targets() -> list[tuple[object, str, str]]:
    import scraper.derive as derive
    import scraper.documents.protocol as protocol
    import scraper.documents.text as text

    return [
        (text, "extract_text", "extract text (pypdfium2)"),
        (protocol, "parse_protocol", "parse protocol"),
        (derive, "protocol_rows", "protocol rows"),
    ]


class TimedTask:
    """``fn(*args)`` run in a worker with its stages timed (wall seconds, and the worker's CPU seconds
    for the whole task): returns (result, seconds by stage)."""

    def __init__(self, fn):
        self.fn = fn

    def __call__(self, *args):
        stages = Stages()
        started, cpu = time.perf_counter(), time.process_time()
        with stages.patched(worker_targets()):
            result = self.fn(*args)
        stages.add(TASK, time.perf_counter() - started)
        stages.add(TASK_CPU, time.process_time() - cpu)
        return result, dict(stages.seconds)
