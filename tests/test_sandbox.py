"""Document tasks in worker processes under limits: the pool, and `meetings parse` on hostile files."""

from __future__ import annotations

import os
import resource
import signal
import subprocess
import sys
import time
from concurrent.futures import CancelledError
from pathlib import Path

import pytest
from click.testing import CliRunner

from scraper.cli import cli
from scraper.documents import diff
from scraper.documents.sandbox import DocumentPool, Limits, OverBudget, RemoteTraceback, WorkerCrashed, extract, run_limited
from scraper.documents.text import CorruptPdf, DocumentError, extract_text
from scraper.replica.pdfmake import make_pdf
from tests import sandbox_tasks as tasks
from tests.test_text import flate_bomb, one_page_pdf, repeated_page_pdf

MIB = 2**20
QUICK = Limits(seconds=5.0, memory=512 * MIB)
UNCAPPED = {"stream_bytes": 2**40, "decoded_bytes": 2**40}


def bomb_pdf() -> bytes:
    """About 7 MB of PDF whose one content stream decodes to 2 GiB."""
    return one_page_pdf({4: (b"/Filter /FlateDecode", flate_bomb(2048))})


def process_state(pid: int) -> str | None:
    """The state letter of a process ("Z" for a zombie), or None when there is no such process."""
    try:
        with open(f"/proc/{pid}/stat") as stat:
            return stat.read().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return None


def zombie_children() -> list[int]:
    """Zombies among this process's children and theirs (the fork server's workers)."""
    parents, zombies = {os.getpid()}, []
    for _ in range(2):
        for entry in os.listdir("/proc"):
            if not entry.isdigit():
                continue
            try:
                with open(f"/proc/{entry}/stat") as stat:
                    fields = stat.read().rsplit(")", 1)[1].split()
            except (FileNotFoundError, ProcessLookupError):
                continue
            if int(fields[1]) in parents:
                parents.add(int(entry))
                if fields[0] == "Z":
                    zombies.append(int(entry))
    return sorted(set(zombies))


def peak_rss() -> int:
    """The largest resident size this process has had, in bytes."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024


@pytest.fixture(scope="module")
def pool():
    with DocumentPool(workers=2, limits=QUICK) as running:
        yield running


def test_results_and_exceptions_come_back(pool: DocumentPool) -> None:
    assert [future.result() for future in [pool.submit(tasks.add, n, 1) for n in range(20)]] == list(range(1, 21))
    with pytest.raises(CorruptPdf) as info:
        pool.submit(tasks.fail, "CorruptPdf", "PDF is truncated", "a.pdf").result()
    assert (str(info.value), info.value.problem, info.value.source) == ("a.pdf: PDF is truncated", "PDF is truncated", "a.pdf")
    with pytest.raises(ValueError, match="^no such paragraph$") as info:
        pool.submit(tasks.fail, "ValueError", "no such paragraph").result()
    assert isinstance(info.value.__cause__, RemoteTraceback)
    assert 'raise ValueError(message)' in str(info.value.__cause__)


def test_extraction_in_a_worker_gives_what_it_gives_in_process(pool: DocumentPool) -> None:
    data = make_pdf(["§ 1", "Regionstyrelsen beslutar att godkänna rapporten."] * 40, title="x")
    assert pool.submit(extract, data, "p.pdf", QUICK).result() == extract_text(data, source="p.pdf")


def test_a_task_over_its_time_is_stopped_and_the_pool_goes_on() -> None:
    with DocumentPool(workers=1, limits=Limits(seconds=0.5)) as pool:
        first = pool.pids[0]
        started = time.perf_counter()
        with pytest.raises(OverBudget) as info:
            pool.submit(tasks.sleep, 30, source="slow.pdf").result()
        assert time.perf_counter() - started < 3.0
        assert info.value.limit == "time" and info.value.source == "slow.pdf"
        assert str(info.value).startswith("slow.pdf: over the time limit: still running after 0.5 s")
        assert pool.submit(tasks.add, 2, 3).result() == 5
        assert pool.pids != [first] and process_state(first) is None


def test_a_task_over_the_memory_limit_is_reported_as_memory(pool: DocumentPool) -> None:
    with pytest.raises(OverBudget, match="over the memory limit of 512 MiB: .*MemoryError") as info:
        pool.submit(tasks.allocate, 2**30, source="big.pdf").result()
    assert info.value.limit == "memory" and info.value.source == "big.pdf"
    assert pool.submit(tasks.allocate, 10 * MIB).result() == 10 * MIB


def test_pdfium_over_the_memory_limit_is_reported_as_memory() -> None:
    limits = Limits(memory=256 * MIB, **UNCAPPED)
    peak = peak_rss()
    with pytest.raises(OverBudget, match="over the memory limit of 256 MiB: .*PDFium") as info:
        run_limited(extract, bomb_pdf(), "bomb.pdf", limits, limits=limits, source="bomb.pdf")
    assert info.value.limit == "memory" and str(info.value).startswith("bomb.pdf: ")
    assert peak_rss() - peak < 100 * MIB


def test_a_400_page_protocol_fits_the_default_memory_limit_many_times_over() -> None:
    lines = [line for n in range(1, 9601) for line in (f"§ {n}", f"Regionstyrelsen beslutar att godkänna ärende {n}.")]
    data = make_pdf(lines, title="x", header=["Regionstyrelsen", "PROTOKOLL"], footer=["Justerandes sign"])
    with DocumentPool(workers=1) as pool:
        baseline = pool.submit(tasks.address_space).result()
        pages, peak = pool.submit(tasks.extracted_pages_and_peak, data).result()
    assert pages >= 400
    assert baseline < peak < Limits().memory / 8


def test_a_worker_that_exits_or_crashes_is_reported(pool: DocumentPool) -> None:
    with pytest.raises(WorkerCrashed, match="exited with status 3") as info:
        pool.submit(tasks.exit_now, 3, source="odd.pdf").result()
    assert (info.value.limit, info.value.exitcode, info.value.source) == ("crash", 3, "odd.pdf")
    with pytest.raises(WorkerCrashed, match=r"crashed \(SIGSEGV\)") as info:
        pool.submit(tasks.read_address_zero).result()
    assert info.value.exitcode == -signal.SIGSEGV
    assert pool.submit(tasks.add, 1, 1).result() == 2


def test_workers_that_cannot_start_fail_the_tasks() -> None:
    with DocumentPool(workers=1, limits=Limits(memory=8 * MIB), start_method="spawn") as pool:
        with pytest.raises(WorkerCrashed, match=r"could not start \(exit code 1\): is the memory limit \(8 MiB\)"):
            pool.submit(tasks.add, 1, 1).result(timeout=10)
        with pytest.raises(WorkerCrashed, match="could not start"):
            pool.submit(tasks.add, 1, 1).result(timeout=1)


def test_shutdown_leaves_no_worker_processes() -> None:
    seen: set[int] = set()
    with DocumentPool(workers=2, limits=Limits(seconds=0.3)) as pool:
        seen.update(pool.pids)
        slow = [pool.submit(tasks.sleep, 10) for _ in range(2)]
        assert all(isinstance(future.exception(), OverBudget) for future in slow)
        seen.update(pool.pids)
        assert pool.submit(tasks.add, 1, 2).result() == 3
    assert len(seen) == 4
    assert [pid for pid in seen if process_state(pid) is not None] == []
    assert zombie_children() == []


def test_shutdown_with_cancel_stops_running_and_waiting_tasks() -> None:
    pool = DocumentPool(workers=1, limits=Limits(seconds=60))
    futures = [pool.submit(tasks.sleep, 30) for _ in range(3)]
    while not futures[0].running():
        time.sleep(0.01)
    worker = pool.pids[0]
    started = time.perf_counter()
    pool.shutdown(cancel=True)
    assert time.perf_counter() - started < 3.0
    assert isinstance(futures[0].exception(), CancelledError)
    assert [future.cancelled() for future in futures[1:]] == [True, True]
    assert process_state(worker) is None
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(tasks.add, 1, 1)


def test_a_failure_in_the_pool_thread_fails_the_tasks_instead_of_leaving_them_waiting() -> None:
    pool = DocumentPool(workers=1, limits=QUICK)
    assert pool.submit(tasks.add, 1, 1).result() == 2
    worker = pool.pids

    def broken(*args: object) -> None:
        raise RuntimeError("a bug")

    pool._enforce_deadlines = broken
    with pytest.raises(DocumentError, match=r"^the document pool stopped: RuntimeError\('a bug'\)$"):
        pool.submit(tasks.add, 1, 2).result(timeout=5)
    pool.shutdown()
    assert pool.pids == [] and process_state(worker[0]) is None
    with pytest.raises(RuntimeError, match="shut down"):
        pool.submit(tasks.add, 1, 1)


def test_a_program_that_exits_without_shutting_its_pool_down_exits_at_once() -> None:
    program = (
        "from scraper.documents.sandbox import DocumentPool\n"
        "from tests import sandbox_tasks as tasks\n"
        "pool = DocumentPool(workers=2)\n"
        "assert pool.submit(tasks.add, 1, 2).result() == 3\n"
        "pool.submit(tasks.sleep, 30)\n"
        "pids = pool.pids\n"
        "print(*pids)\n"
    )
    started = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", program], capture_output=True, text=True, timeout=20,
                          cwd=Path(__file__).resolve().parents[1])
    assert time.perf_counter() - started < 10
    assert (done.returncode, done.stderr) == (0, "")
    assert [pid for pid in map(int, done.stdout.split()) if process_state(pid) is not None] == []


def test_run_limited_returns_or_raises() -> None:
    assert run_limited(tasks.add, 2, 2, limits=QUICK) == 4
    with pytest.raises(OverBudget, match="time"):
        run_limited(tasks.sleep, 30, limits=Limits(seconds=0.2))


def parse(path: Path) -> tuple[int, list[str], float]:
    started = time.perf_counter()
    result = CliRunner().invoke(cli, ["parse", str(path)])
    return result.exit_code, result.output.strip().splitlines(), time.perf_counter() - started


HOSTILE = {
    "bomb.pdf": (bomb_pdf, "PDF has a compressed stream that decodes to more than 67,108,864 bytes"),
    "repeated.pdf": (lambda: repeated_page_pdf(1999), "PDF has 1,999 pages but at most 1 distinct page object"),
    "empty.pdf": (lambda: b"", "not a PDF: empty body (0 bytes)"),
    "large.txt": (lambda: b"Regionstyrelsen beslutar.\n" * 2_000_000, "the text file is 52,000,000 bytes, over the limit of 10,000,000 bytes"),
}


@pytest.mark.parametrize("name", sorted(HOSTILE))
def test_meetings_parse_refuses_a_hostile_file_in_one_line(name: str, tmp_path: Path) -> None:
    build, message = HOSTILE[name]
    path = tmp_path / name
    path.write_bytes(build())
    peak = peak_rss()
    code, lines, seconds = parse(path)
    assert code == 1 and len(lines) == 1 and lines[0].startswith(f"Error: {path}: {message}")
    assert seconds < 10
    assert peak_rss() - peak < 100 * MIB


def test_meetings_parse_refuses_a_device() -> None:
    code, lines, seconds = parse(Path("/dev/zero"))
    assert (code, lines) == (1, ["Error: /dev/zero: not a regular file (a device, pipe or directory); give a PDF or text file"])
    assert seconds < 10


def test_meetings_parse_stops_pdfium_at_the_memory_limit(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff, "COMMAND_LIMITS", Limits(memory=256 * MIB, seconds=10, **UNCAPPED))
    path = tmp_path / "bomb.pdf"
    path.write_bytes(bomb_pdf())
    peak = peak_rss()
    code, lines, seconds = parse(path)
    assert code == 1 and len(lines) == 1
    assert lines[0].startswith(f"Error: {path}: over the memory limit of 256 MiB: the worker ran out of memory")
    assert seconds < 10 and peak_rss() - peak < 100 * MIB


OGHAM_SPACE = "\u1680"


def attendance_text(run: int) -> str:
    """A protocol whose attendance line ends in `run` OGHAM SPACE MARKs (Unicode whitespace)."""
    return (
        "Regionstyrelsen\nPROTOKOLL\nSammanträdesdatum 2024-03-12\n"
        f"Beslutande: Anders Öberg (S){OGHAM_SPACE * run}ordförande\nKenneth Backgård (SJVP)\n"
        "§ 1 Val av justerare\nRegionstyrelsen beslutar att utse Kenneth Backgård.\n"
    )


def test_meetings_parse_reads_a_short_run_of_unicode_spaces(tmp_path: Path) -> None:
    path = tmp_path / "short.txt"
    path.write_text(attendance_text(50), encoding="utf-8")
    code, lines, seconds = parse(path)
    assert code == 0 and lines[0].startswith("Protocol: ") and "(1 paragraphs, 2 attendees)" in lines[0]


def test_meetings_parse_stops_a_parse_over_its_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(diff, "COMMAND_LIMITS", Limits(seconds=0.3))
    path = tmp_path / "long.txt"
    paragraphs = (f"§ {n} Ärende {n}\n\nBeslut\n\nRegionstyrelsen beslutar att godkänna förslaget nummer {n}.\n"
                  for n in range(1, 60_000))
    path.write_text("Regionstyrelsen\nPROTOKOLL\n" + "\n".join(paragraphs), encoding="utf-8")
    code, lines, seconds = parse(path)
    assert (code, lines) == (1, [
        f"Error: {path}: over the time limit: still running after 0.3 s, so its worker was stopped "
        "(reading this file takes longer than that; raise the limit to accept it)"
    ])
    assert seconds < 10


