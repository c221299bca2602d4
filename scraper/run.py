"""The orchestrator: crawl -> derive -> reconcile -> validate -> write -> commit, and reparse.

``run_scrape`` reads top to bottom: the portals are crawled (``crawl``), each fetched meeting is
turned into rows (``derive``; document texts are read in worker processes while the crawl goes
on), the rows are merged into the committed tables (``reconcile``), new and changed rows are
validated (``validate``), the package is written aside, validated and swapped into place
(``package``), and committed (``vcs``). ``run_reparse`` derives the document records again from
the texts in the package, with no request. Everything under ``.meetings/`` goes through ``state``.
"""

from __future__ import annotations

import shutil
from collections.abc import Callable, Iterable, Iterator
from concurrent.futures import Future
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import date
from functools import lru_cache
from pathlib import Path

from . import changes as changes_mod
from . import derive, vcs
from .config import Portal
from .crawl import Board, Budget, Crawled, Crawler, CrawlOptions, Deferred, FetchedMeeting, Listing, Register, Unparsed, crawl
from .documents import PARSER_VERSION
from .errors import ParseError, RepoError
from .package import (
    PACKAGE_DIR, SCHEMAS_DIR, KeyIndex, LazyTables, PackageInfo, Partitioner, YearTables, csv_header_matches,
    legacy_path, of_meetings, open_tables,
    descriptor_sources, part_files, sources_from,
    apply_changes, package_parser_version, read_text, resources, stage_changes, swap_into_place, write_package,
)
from .portal.http import HttpClient
from .reconcile import Derived, Outcome, reconcile, reparse, unlisted
from .report import Failure, RunReport, write_report
from .rows.portal import committee_slug
from .state import IGNORE_LINE, STATE_DIR, Memory, RepoState, Seen, row_digest
from .validate import validate_changes, validate_package

LARGE_FILE = 50_000_000  # bytes: GitHub warns about a file over 50 MB and refuses one over 100 MB


@dataclass
class ScrapeOptions:
    repo: Path
    portals: list[Portal]
    today: date
    author: tuple[str, str] | None = None
    force_init: bool = False
    discard_local_changes: bool = False
    cache_dir: Path | None = None
    client_factory: Callable[[Path | None], HttpClient] | None = None
    pool_factory: Callable[[], object] | None = None
    progress: Callable[[str], None] = lambda message: None
    since: date | None = None
    until: date | None = None
    skip: frozenset[str] = frozenset()
    max_meetings: int | None = None
    recent_days: int = 45
    recheck_days: int = 7
    jobs: int = 4  # hosts fetched side by side

    def crawl_options(self) -> CrawlOptions:
        return CrawlOptions(self.today, self.since, self.until, self.skip, self.max_meetings, self.recent_days,
                            self.recheck_days)


@lru_cache(maxsize=1)
def code_fingerprint() -> str:
    """A digest of the code and schemas that turn pages into records: a meeting seen unchanged
    under other code is read again, so a fix to the page parsers reaches every meeting checked."""
    import hashlib

    base = Path(__file__).resolve().parent
    files = [*base.glob("portal/*.py"), *base.glob("rows/*.py"), base / "crawl.py", base / "derive.py",
             base / "reconcile.py", base / "package.py", *SCHEMAS_DIR.glob("*.json")]
    digest = hashlib.sha256()
    for path in sorted(files):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:20]


# ---------------------------------------------------------------- the repository around a run


@dataclass
class Workspace:
    repo: object
    state: RepoState
    package_dir: Path


@contextmanager
def workspace(path: Path, *, force_init: bool = False, discard_local_changes: bool = False) -> Iterator[Workspace]:
    """The data repository, locked (and created when new), with ``datapackage/`` as the last commit
    has it: leftovers of an interrupted run of ours are dropped, a person's edits are refused."""
    state = RepoState(path)
    # a directory holding our state directory is ours (maybe another first run is setting it up):
    # the lock, not the emptiness check, decides
    vcs.check_target(path, force_init=force_init or state.dir.is_dir(), ignore=(STATE_DIR,))
    with state.lock():
        repo = vcs.open_repo(path, ignore_line=IGNORE_LINE)
        if state.interrupted():  # our own run was killed while committing: its git lock is stale
            vcs.drop_index_lock(repo)
        changed = vcs.package_changes(repo)
        if changed and not (state.interrupted() or discard_local_changes):
            shown = ", ".join(changed[:5]) + (f" and {len(changed) - 5} more" if len(changed) > 5 else "")
            raise RepoError(f"{path}: {PACKAGE_DIR}/ has changes that are not committed ({shown}); commit them, "
                            "or pass --discard-local-changes to throw them away")
        if changed:
            vcs.restore_package(repo)
        state.end_changes()
        yield Workspace(repo, state, vcs.root(repo) / PACKAGE_DIR)


# ---------------------------------------------------------------- scrape


def run_scrape(options: ScrapeOptions) -> RunReport:
    """Scrape the portals into the data repo. Returns the report; raises only for unusable repos."""
    with workspace(options.repo, force_init=options.force_init, discard_local_changes=options.discard_local_changes) as ws:
        report = RunReport()
        if is_single_file(ws.package_dir):
            report.migrate_commit = migrate_workspace(ws, options.author)
        version = package_parser_version(ws.package_dir)
        if version not in (None, PARSER_VERSION):
            reparsed = reparse_workspace(ws, options.author, options.pool_factory)
            report.reparse_commit = reparsed.commit
            report.warnings.extend(reparsed.warnings)
            version = package_parser_version(ws.package_dir)
        scope = {portal.organisation_id for portal in options.portals}
        old = scoped_tables(ws.package_dir, scope)
        memory = ws.state.load()
        seen = memory.seen_for(vcs.package_tree(ws.repo), code_fingerprint())
        factory = options.client_factory or default_client
        with factory(options.cache_dir or ws.state.http_cache) as client, make_pool(options.pool_factory) as pool:
            meetings, budget = old["meetings"], Budget(options.max_meetings)
            crawlers = lambda: Crawler(client, meetings, memory, seen, options.crawl_options(), budget,  # noqa: E731
                                       notices=old["notices"])
            gathered = gather(crawl(options.portals, crawlers, options.jobs), old, memory, options, pool, ws.state, report)
            for meeting in unlisted(old, gathered.derived.listings):
                want_meeting(old, old["meetings"][meeting])
            outcome = reconcile(old, gathered.derived, options.today, memory.confirm)
            for url in outcome.forget:
                client.forget(url)
            account(report, client.stats, outcome)
        report.invalid.extend(p.as_dict() for p in validate_changes(old, outcome.tables, outcome.sources))
        info = package_info(options.portals, outcome.tables["organisations"], version or PARSER_VERSION,
                            descriptor_sources(ws.package_dir))
        commit_outcome(ws, report, old, outcome, info, options.author, "scrape", scope)
        ws.state.save(remember(memory, seen, gathered, outcome, options.today, report.ok, vcs.package_tree(ws.repo), old))
        log_run(ws.state, report, options.today)
        return report


def scoped_tables(package_dir: Path, organisations: set[str]) -> LazyTables:
    """The package's tables of the organisations a run reads, the records of meetings only for the
    years of the meetings it touches (``YearTables``); all years while a part still has the columns
    of an older schema, since the run then writes every part of the resource anew."""
    if all(csv_header_matches(package_dir, r, organisations) for r in resources()
           if of_meetings(r) and part_files(package_dir, r, organisations)):
        return YearTables(package_dir, organisations)
    return open_tables(package_dir, organisations)


def want_meeting(old: LazyTables, row: dict | None, organisation: str | None = None) -> None:
    """Hold the records of the year of this meeting row (see ``YearTables.want``)."""
    if isinstance(old, YearTables) and row is not None:
        old.want(organisation or Partitioner(old).organisation(row["committee_id"]), row["date"] or None)


@dataclass
class Gathered:
    derived: Derived
    unchanged: dict[str, Seen] = field(default_factory=dict)  # meetings seen unchanged -> what was seen
    seen: dict[str, Seen] = field(default_factory=dict)  # meetings read -> their page and documents
    checked: set[str] = field(default_factory=set)


def gather(events: Iterable[Crawled], old: LazyTables, memory: Memory, options: ScrapeOptions, pool,
           state: RepoState, report: RunReport) -> Gathered:
    """Crawled values -> derived meetings; document texts are read by the pool while the crawl goes on."""
    gathered = Gathered(Derived(options.portals))
    documents = KeyIndex(old, "documents", "meeting_id")
    reading: list[tuple[str, Future]] = []
    for event in events:
        if isinstance(event, Listing):
            options.progress(f"{event.portal.id}/{event.slug}")
            report.source(f"{event.portal.id}/{event.slug}").update(strategy=event.strategy, **event.figures)
            report.warnings.extend(event.warnings)
            gathered.derived.listings.append(event)
        elif isinstance(event, Failure):
            report.fail(event)
        elif isinstance(event, Unparsed):
            quarantine(state, report, event.failure, event.response)
        elif isinstance(event, Deferred):
            report.pending_meetings += 1
        elif isinstance(event, (Board, Register)):
            gather_register(event, old, report, gathered.derived)
        else:
            reading.extend(read_meeting(event, old, documents, memory, options, pool, state, report, gathered))
    for document_id, future in reading:
        gathered.derived.reads[document_id] = collect(document_id, future)
    return gathered


def gather_register(event: Board | Register, old: LazyTables, report: RunReport, derived: Derived) -> None:
    """A bulletin board or a committee's register of representatives -> rows, and its figures."""
    if isinstance(event, Board):
        figures = report.sources.setdefault(event.portal.id, {})
        if event.absent:
            figures.update(notices_listed=None, board=event.absent)
            return
        board = derive.board(event, old["notices"])
        derived.boards.append(board)
        figures.update(notices_listed=len(board.rows), board="read in full" if board.complete else "read in part")
    else:
        figures = report.sources.setdefault(f"{event.portal.id}/{committee_slug(event.committee_id)}", {})
        if event.absent:
            figures.update(representatives=None, register=event.absent)
            return
        register = derive.register(event)
        derived.registers.append(register)
        figures.update(representatives=len(register.rows))


def read_meeting(fetched: FetchedMeeting, old: LazyTables, documents: KeyIndex, memory: Memory, options: ScrapeOptions, pool,
                 state: RepoState, report: RunReport, gathered: Gathered) -> list[tuple[str, Future]]:
    answers = [*fetched.documents.values(), *([fetched.download] if fetched.download else [])]
    report.documents_downloaded += sum(1 for d in answers if d.response and not d.response.not_modified)
    if fetched.unchanged:
        gathered.unchanged[fetched.meeting_id] = memory.seen[fetched.meeting_id]
        gathered.checked.add(fetched.meeting_id)
        report.source(fetched.source)["meetings_fetched"] += 1
        report.fetched_meetings.append(fetched.meeting_id)
        return []
    old_meeting = old["meetings"].get(fetched.meeting_id)
    organisation = fetched.listing.portal.organisation_id
    want_meeting(old, old_meeting, organisation)
    old_documents = {k: old["documents"][k] for k in documents.keys(fetched.meeting_id)}
    try:
        meeting = derive.meeting(fetched, old_meeting, old_documents, options.today,
                                 memory.agenda_strategy.get(fetched.listing.committee_id), memory.refused)
    except ParseError as exc:
        quarantine(state, report, Failure(exc.url, "parse", exc.reason, fetched.source), fetched.response)
        return []
    want_meeting(old, meeting.meeting, organisation)
    gathered.derived.meetings.append(meeting)
    report.warnings.extend(meeting.warnings)
    for failure in meeting.failures:
        report.fail(failure)
    gathered.checked.add(meeting.meeting_id)
    gathered.seen[meeting.meeting_id] = Seen(fetched.page_sha, fetched.ref.date.isoformat() if fetched.ref.date else "",
                                             sorted(fetched.listing.portal.download), dict(meeting.seen_docs))
    report.source(fetched.source)["meetings_fetched"] += 1
    report.fetched_meetings.append(meeting.meeting_id)
    return [(task.document_id, pool.submit(derive.read_document, task)) for task in meeting.to_read]


def collect(document_id: str, future: Future) -> derive.DocumentRead:
    """The result of a document read; a read the worker could not finish is an unusable document."""
    try:
        return future.result()
    except Exception as exc:  # over a budget, or the worker died: reported with the document's URL
        return derive.DocumentRead(document_id, error=str(exc), permanent=bool(getattr(exc, "permanent", False)))


def quarantine(state: RepoState, report: RunReport, failure: Failure, response) -> None:
    """Report a page that did not parse and keep a copy of it for a maintainer to turn into a fixture."""
    report.fail(failure)
    report.quarantined.append(state.quarantine(failure.url, failure.message, response.status, response.headers,
                                               response.content))


def account(report: RunReport, stats, outcome: Outcome) -> None:
    report.requests, report.bytes, report.not_modified = stats.requests, stats.bytes, stats.not_modified
    for host, figures in stats.as_dict()["by_host"].items():
        report.sources.setdefault(host, {}).update(figures)
    for source, listed in outcome.listed.items():
        report.source(source)["meetings_listed"] = listed
    for failure in outcome.failures:
        report.fail(failure)
    report.warnings.extend(outcome.warnings)
    report.documents_extracted += outcome.extracted


def remember(memory: Memory, seen_before: dict[str, Seen], gathered: Gathered, outcome: Outcome, today: date, ok: bool,
             tree: str | None, old: LazyTables) -> Memory:
    """What the next run needs to know (see ``state.Memory``). After a run with problems, what each
    meeting looked like is forgotten: the next run reads every due meeting again."""
    live = outcome.tables["meetings"]
    read = {m for m in gathered.checked if m in outcome.applied or m in gathered.unchanged}
    checked = {**memory.checked, **{m: today.isoformat() for m in read}}
    after = Memory(
        checked={k: v for k, v in checked.items() if k in live},
        refetch=((memory.refetch - read) | outcome.refetch) & set(live),
        agenda_strategy={**memory.agenda_strategy, **outcome.strategies}, confirm=outcome.confirm,
        refused=_still_there({**memory.refused, **outcome.refused}, outcome, old),
    )
    if tree is None or not ok:
        return after
    seen = {**seen_before, **gathered.unchanged}
    for meeting in outcome.applied:
        seen.pop(meeting, None)
        if meeting in outcome.clean and meeting in gathered.seen and meeting in live:
            seen[meeting] = replace(gathered.seen[meeting], row=row_digest(live[meeting]))
    after.seen_package, after.seen_code = tree, code_fingerprint()
    after.seen = {k: v for k, v in seen.items() if k in live}
    return after


def _still_there(refused: dict[str, str], outcome: Outcome, old: LazyTables) -> dict[str, str]:
    """Refused versions of documents the package still has: those in the new documents table, and
    those of rows the run did not hold (other organisations, other years); the documents table is
    read only if there are any."""
    if not refused:
        return {}
    new, held = outcome.tables["documents"], old["documents"]
    return {k: v for k, v in refused.items() if k in new or k not in held}


def log_run(state: RepoState, report: RunReport, today: date) -> None:
    """Append the run's figures to the run log; warn when a source stopped listing meetings."""
    previous = state.last_runs(1)
    if previous:
        for source, figures in report.sources.items():
            before = previous[-1].get("sources", {}).get(source, {})
            if before.get("meetings_listed") and not figures.get("meetings_listed") and "meetings_listed" in figures:
                report.warnings.append(f"{source} listed {before['meetings_listed']} meetings last run and none now")
    state.log_run(report.log_entry(today.isoformat()))


# ---------------------------------------------------------------- write and commit


def commit_outcome(ws: Workspace, report: RunReport, old: LazyTables, outcome: Outcome, info: PackageInfo,
                   author: tuple[str, str] | None, by: str, scope: set[str] | None = None) -> None:
    """Write the changed parts of the package aside, validate them, swap them into place and commit."""
    new_view = outcome.tables.view()
    old_view = {resource: old[resource] for resource in new_view}
    diffs = changes_mod.diff_tables(old_view, new_view)
    report.records = {resource: diff.counts() for resource, diff in sorted(diffs.items())}
    version_changed = package_parser_version(ws.package_dir) != info.parser_version
    if (all(d.empty for d in diffs.values()) and not texts_changed(ws.package_dir, old, outcome)
            and ws.package_dir.exists() and not version_changed):
        return
    ok, touched = write_checked(ws, report, old, outcome, diffs, info, scope)
    if not ok:
        return
    if by == "reparse":
        report.changes = changes_mod.describe_reparse(old_view, new_view, diffs, info.parser_version)
    else:
        report.changes = changes_mod.describe(old_view, new_view, diffs)
    message = changes_mod.commit_message(report.changes or ["data package written"], diffs)
    report.commit = vcs.commit_package(ws.repo, message, author, by=by, paths=touched)
    ws.state.end_changes()


def dirty_parts(old: LazyTables, new: LazyTables, diffs: dict) -> dict[str, set[str]]:
    """The parts each changed resource must write anew: those of its added, changed and removed rows,
    and, for a meeting that moved to another part (a new date), its records' parts before and after."""
    before, after = Partitioner(old), Partitioner(new)
    dirty: dict[str, set[str]] = {}
    moved: list[str] = []
    for resource, diff in diffs.items():
        parts = dirty.setdefault(resource, set())
        for key in [*diff.added, *diff.changed]:
            parts.add(after.part(resource, new[resource][key]))
        for key in [*diff.removed, *diff.changed]:
            parts.add(before.part(resource, old[resource][key]))
        if resource == "meetings":
            moved = [k for k in diff.changed if "date" in diff.changed[k]]
    for meeting in moved:
        for resource in resources():
            if of_meetings(resource):
                row = {"meeting_id": meeting}
                dirty.setdefault(resource, set()).update({before.part(resource, row), after.part(resource, row)})
    return dirty


def write_checked(ws: Workspace, report: RunReport, old: LazyTables, outcome: Outcome, diffs: dict, info: PackageInfo,
                  scope: set[str] | None) -> tuple[bool, list[str] | None]:
    """Write the changed files aside, validate the parts written, and move them into place. Returns
    whether it did, and the package files it wrote or removed (None: the package was written whole)."""
    state, package_dir = ws.state, ws.package_dir
    base = package_dir if package_dir.exists() else None
    dirty = dirty_parts(old, outcome.tables, diffs) if base else None
    changed = {resource: outcome.tables[resource] for resource, parts in (dirty or {}).items() if parts}
    for resource in resources():  # parts written under an older schema are rewritten with the current columns
        if base and resource not in changed and not csv_header_matches(base, resource, scope) and part_files(base, resource, scope):
            changed[resource] = outcome.tables[resource]
            dirty.pop(resource, None)
    tmp_package = state.tmp_dir / PACKAGE_DIR
    shutil.rmtree(state.tmp_dir, ignore_errors=True)
    texts = final_texts(outcome)
    if base:
        change = stage_changes(tmp_package, changed, texts, info, base=base, lookup=outcome.tables, dirty=dirty,
                               scope=scope, covers=old.covers, texts_held=old.texts_held())
        written = change.written
    else:
        change, written = None, write_package(tmp_package, dict(outcome.tables), texts, info)
    validation = validate_package(tmp_package, only=written if base else None)
    if not validation.valid:
        report.invalid.extend(problem.as_dict() for problem in validation.problems)
        report.fail(Failure(None, "validate", "the new package is not valid; nothing was written or committed"))
        return False, None
    for part in sorted(p for parts in written.values() for p in parts):
        size = (tmp_package / part).stat().st_size
        if size > LARGE_FILE:
            report.warnings.append(f"{PACKAGE_DIR}/{part} is {size / 1e6:.0f} MB: GitHub warns about files "
                                   "over 50 MB and refuses to take a push of a file over 100 MB")
    state.begin_changes()
    if change is not None:
        apply_changes(change, package_dir)
    else:
        swap_into_place(tmp_package, package_dir)
    shutil.rmtree(state.tmp_dir, ignore_errors=True)
    return True, None if change is None else change.files + change.removed


def final_texts(outcome: Outcome) -> dict[str, str | None]:
    """Every text of the new package: read in this run, or None for the file already there."""
    referenced = sorted({r["text_path"] for r in outcome.tables["documents"].values() if r["text_path"]})
    return {rel: outcome.texts.get(rel) for rel in referenced}


def texts_changed(package_dir: Path, old: LazyTables, outcome: Outcome) -> bool:
    if not outcome.texts and "documents" not in outcome.tables.loaded():
        return False  # no document row was touched, so no text can have come or gone
    before = {r["text_path"] for r in old["documents"].values() if r["text_path"]}
    after = {r["text_path"] for r in outcome.tables["documents"].values() if r["text_path"]}
    return before != after or any(read_text(package_dir, rel) != text for rel, text in outcome.texts.items())


def package_info(portals: list[Portal], organisations, parser_version: int, before: list[dict] | None = None) -> PackageInfo:
    """The descriptor's metadata: the sources it had, and the portals of the organisations read and of the run."""
    sources = sources_from(organisations, {p.base_url: p.organisation for p in portals}, before)
    return PackageInfo(sources=sources, parser_version=parser_version)


# ---------------------------------------------------------------- reparse


@dataclass
class ReparseReport:
    documents: int = 0
    commit: str | None = None
    changes: list[str] = field(default_factory=list)
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    errors: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.errors and not self.invalid


def run_reparse(repo: Path, *, author: tuple[str, str] | None = None, pool_factory=None) -> ReparseReport:
    """Derive every document-based record again from the texts in the package and commit what changed."""
    if not vcs.is_repo(repo):
        raise RepoError(f"{repo} is not a git repository")
    with workspace(repo) as ws:
        return reparse_workspace(ws, author, pool_factory)


def reparse_workspace(ws: Workspace, author: tuple[str, str] | None, pool_factory) -> ReparseReport:
    if not (ws.package_dir / "datapackage.json").exists():
        raise RepoError(f"{ws.package_dir} holds no data package: run `meetings scrape` first")
    old = open_tables(ws.package_dir)
    documents = [row for row in old["documents"].values() if row["text_path"] and row["kind"] in derive.READ_KINDS]
    owners = Partitioner(old)
    with make_pool(pool_factory) as pool:
        reading = [(row["document_id"], pool.submit(derive.reread, row, read_text(ws.package_dir, row["text_path"]) or "",
                                                    owners.organisation(old["meetings"][row["meeting_id"]]["committee_id"])))
                   for row in documents]
        reads = {document_id: collect(document_id, future) for document_id, future in reading}
    outcome = reparse(old, documents, reads)
    report = RunReport()
    report.invalid.extend(p.as_dict() for p in validate_changes(old, outcome.tables, outcome.sources))
    before = vcs.package_tree(ws.repo)
    commit_outcome(ws, report, old, outcome, package_info([], outcome.tables["organisations"], PARSER_VERSION), author, "reparse")
    rebind_seen(ws, before)
    return ReparseReport(len(documents), report.commit, report.changes, report.records,
                         [f.as_dict() for f in outcome.failures] + report.errors, report.invalid, outcome.warnings)


def rebind_seen(ws: Workspace, before: str | None) -> None:
    """A reparse changes no meeting row: meetings seen unchanged stay seen in the new package."""
    memory = ws.state.load()
    after = vcs.package_tree(ws.repo)
    if memory.seen_package == before and after != before:
        memory.seen_package = after
        ws.state.save(memory)


# ---------------------------------------------------------------- migration


def is_single_file(package_dir: Path) -> bool:
    """Whether the package has the layout before parts (one CSV per resource)."""
    return any((package_dir / legacy_path(resource)).is_file() for resource in resources())


def run_migrate(repo: Path, *, author: tuple[str, str] | None = None) -> str | None:
    """Split a package of one CSV per resource into parts by organisation and year, in one commit."""
    if not vcs.is_repo(repo):
        raise RepoError(f"{repo} is not a git repository")
    with workspace(repo) as ws:
        return migrate_workspace(ws, author)


def migrate_workspace(ws: Workspace, author: tuple[str, str] | None) -> str | None:
    if not is_single_file(ws.package_dir):
        return None
    tables = open_tables(ws.package_dir)
    info = package_info([], tables["organisations"], package_parser_version(ws.package_dir) or PARSER_VERSION)
    outcome = Outcome(tables)
    tmp_package = ws.state.tmp_dir / PACKAGE_DIR
    shutil.rmtree(ws.state.tmp_dir, ignore_errors=True)
    write_package(tmp_package, {r: tables[r] for r in resources()}, final_texts(outcome), info, base=ws.package_dir)
    validation = validate_package(tmp_package)
    if not validation.valid:
        raise RepoError(f"{ws.package_dir}: the package split into parts does not validate: "
                        + "; ".join(str(p) for p in validation.problems[:3]))
    ws.state.begin_changes()
    swap_into_place(tmp_package, ws.package_dir)
    shutil.rmtree(ws.state.tmp_dir, ignore_errors=True)
    counts = ", ".join(f"{r} {len(tables[r])}" for r in resources())
    message = ("package split into parts by organisation and year\n\nEvery resource is now a list of parts "
               f"(data/<resource>/<organisation>/<year>.csv); no record changed.\n\nRecords: {counts}\n")
    commit = vcs.commit_package(ws.repo, message, author, by="migrate")
    ws.state.end_changes()
    return commit


# ---------------------------------------------------------------- workers


def default_client(cache_dir: Path | None) -> HttpClient:
    return HttpClient(cache_dir=cache_dir)


class InlinePool:
    """Runs document reads in this process (for tests and one-off commands)."""

    def submit(self, fn, *args) -> Future:
        future: Future = Future()
        try:
            future.set_result(fn(*args))
        except Exception as exc:
            future.set_exception(exc)
        return future

    def __enter__(self) -> "InlinePool":
        return self

    def __exit__(self, *exc) -> None:
        return None


class WorkerPool:
    """Document reads in worker processes under the sandbox's limits (``documents/sandbox.py``),
    started on the first read, so a run that reads no document starts none."""

    def __init__(self, workers: int | None = None):
        self.workers = workers
        self._pool = None

    def submit(self, fn, *args) -> Future:
        if self._pool is None:
            from .documents.sandbox import DocumentPool, Limits

            self._pool = DocumentPool(self.workers, Limits())
        source = getattr(args[0], "url", None) or (args[0].get("url") if isinstance(args[0], dict) else None)
        return self._pool.submit(fn, *args, source=source)

    def __enter__(self) -> "WorkerPool":
        return self

    def __exit__(self, exc_type, *exc) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=True, cancel=exc_type is not None)


def make_pool(factory):
    return factory() if factory else WorkerPool()


__all__ = ["ScrapeOptions", "run_scrape", "run_reparse", "write_report", "RunReport"]
