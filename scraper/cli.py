"""The ``meetings`` command: thin click commands over the library in ``scraper/``."""

from __future__ import annotations

import json
import sys
import time
from datetime import date
from pathlib import Path

import click

from . import __version__
from .errors import MeetingsError

EXIT_OK, EXIT_PROBLEMS = 0, 1


def _say(message: str) -> None:
    click.echo(message, err=True)


def _today(value) -> date:
    """The date given with --today (a datetime from click), else today."""
    return value.date() if value else date.today()


DATE = click.DateTime(["%Y-%m-%d"])


def today_option(help_text: str):
    return click.option("--today", type=DATE, help=f"{help_text} (YYYY-MM-DD; default: today).")


def _author(value: str | None) -> tuple[str, str] | None:
    if not value:
        return None
    name, _, email = value.partition("<")
    if not name.strip() or not email.strip().endswith(">"):
        raise click.BadParameter(f'{value!r} is not of the form "Name <email>"', param_hint="--author")
    return name.strip(), email.rstrip().rstrip(">").strip()


class Group(click.Group):
    """Turns library errors into one clear message and exit code 1 (with --debug: the traceback)."""

    def invoke(self, ctx: click.Context):
        try:
            return super().invoke(ctx)
        except MeetingsError as exc:
            if ctx.params.get("debug"):
                raise
            raise click.ClickException(str(exc)) from None


@click.group(cls=Group)
@click.version_option(__version__, prog_name="meetings")
@click.option("--debug", is_flag=True, help="Show tracebacks instead of short error messages.")
def cli(debug: bool) -> None:
    """Open data from Meetings Plus meeting portals (Formpipe).

    Scrape committees, meetings, agenda items and documents into a Frictionless data package in a
    git repository, validate it, build SQLite and serve it with Datasette. `meetings demo` runs
    everything against the bundled replica portal, offline.
    """


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Portals config (default: the project's portals.toml).")
@click.option("--portal", "portal_id", multiple=True, help="Scrape only this portal id; repeat it or separate ids with commas for several (default: all portals in the config).")
@click.option("--base-url", help="Fetch the portal from this base URL instead (e.g. the replica: http://127.0.0.1:8765).")
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="The data repository; created if missing or empty.")
@click.option("--init", "force_init", is_flag=True, help="Make --repo a data repository even though it is a non-empty directory.")
@click.option("--report", "report_path", type=click.Path(dir_okay=False, path_type=Path), help="Write the run report as JSON to this file.")
@today_option("Date that decides upcoming vs held")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to a host (overrides the config).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True, help="Seconds before a request times out.")
@click.option("--retries", type=click.IntRange(min=0), default=3, show_default=True, help="Retries per request on timeouts, resets, 429 and 5xx.")
@click.option("--backoff", type=float, default=1.0, show_default=True, help="First pause before a retry, in seconds; doubled on each retry (with jitter).")
@click.option("--since", type=DATE, help="Backfill: only meetings on or after this date.")
@click.option("--until", type=DATE, help="Backfill: only meetings on or before this date.")
@click.option("--batch", type=click.IntRange(min=1), default=25, show_default=True, help="Backfill: meetings per commit; progress is kept in .meetings/ so an interrupted backfill resumes.")
@click.option("--recent-days", type=int, default=45, show_default=True, help="Meetings younger than this, upcoming ones and those without a protocol are re-checked every run.")
@click.option("--recheck-days", type=int, default=7, show_default=True, help="Older meetings with a published protocol are re-checked this often (0: every run).")
@click.option("--jobs", type=click.IntRange(min=1), default=4, show_default=True, help="Portals on different hosts fetched side by side (each host still gets one request at a time, its delay, robots.txt and budget).")
@click.option("--author", help='Commit author as "Name <email>".')
@click.option("--discard-local-changes", is_flag=True, help="Throw away uncommitted changes and untracked files in datapackage/ (without it, a scrape refuses to run over them).")
@click.option("--quiet", is_flag=True, help="Print nothing but errors.")
def scrape(config_path, portal_id, base_url, repo, force_init, report_path, today, delay, timeout, retries, backoff,
           since, until, batch, recent_days, recheck_days, jobs, author, discard_local_changes, quiet):
    """Fetch portals, validate the records, write datapackage/ in --repo and commit what changed.

    Exit status: 0 when every source was fetched and every record was valid, 1 when some source
    failed or some record was invalid (the rest is still written and committed).
    """
    from dataclasses import replace

    from .config import load_config, select_portals
    from .portal.http import HttpClient
    from .report import write_report
    from .run import ScrapeOptions, run_scrape

    if since and until and since > until:
        raise click.BadParameter(f"{since.date()} is after --until {until.date()}", param_hint="--since")
    portals = select_portals(load_config(config_path), portal_id, base_url)
    if delay is not None:
        portals = [replace(p, delay=delay) for p in portals]
    started = time.monotonic()
    options = ScrapeOptions(
        repo=repo, portals=portals, today=_today(today), author=_author(author), force_init=force_init,
        discard_local_changes=discard_local_changes,
        client_factory=lambda cache: HttpClient(cache_dir=cache, timeout=timeout, retries=retries, backoff=backoff),
        progress=(lambda m: None) if quiet else (lambda m: _say(f"scraping {m}")),
        recent_days=recent_days, recheck_days=recheck_days, jobs=jobs,
        since=since.date() if since else None, until=until.date() if until else None,
    )
    if since or until:
        from .backfill import run_backfill

        report = run_backfill(options, batch=batch, quiet=quiet)
    else:
        report = run_scrape(options)
    if report_path:
        write_report(report, report_path)
    if not quiet:
        if report.reparse_commit:
            _say(f"parser upgraded: the package was read again from its texts (commit {report.reparse_commit})")
        for line in report.changes:
            _say(f"  {line}")
        _say(f"{report.requests} requests ({report.not_modified} not modified), {report.documents_downloaded} documents downloaded, "
             f"commit {report.commit or 'none'} in {time.monotonic() - started:.1f}s")
    for error in report.errors:
        _say(f"error: {error.get('url') or '-'}: {error['message']}")
    for problem in report.invalid:
        _say(f"invalid: {problem['resource']} {problem['row']} {problem.get('field') or ''}: {problem['note']} ({problem.get('url') or '-'})")
    sys.exit(EXIT_OK if report.ok else EXIT_PROBLEMS)


@cli.command()
@click.argument("package_dir", type=click.Path(file_okay=False, path_type=Path), default=Path("datapackage"))
@click.option("--organisation", help="Validate only this organisation's parts (with the references between them).")
@click.option("--part", "parts", multiple=True, help="Validate only this part (a path inside the package, e.g. "
              "data/paragraphs/region-x/2024-03.csv) against its resource's schema; repeatable.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def validate(package_dir, organisation, parts, as_json):
    """Validate a data package with Frictionless (schemas, keys, foreign keys). Exit 1 when invalid.

    The whole package by default; one organisation's parts with --organisation; single parts with --part.
    """
    from .package import resource_of_part
    from .validate import validate_package

    only = None
    if parts:
        only = {}
        for part in parts:
            if not (package_dir / part).is_file():
                raise click.BadParameter(f"{package_dir / part} is not a file of the package", param_hint="--part")
            only.setdefault(resource_of_part(part), []).append(part)
    report = validate_package(package_dir, only, organisation=organisation)
    if organisation and not report.stats and report.valid:
        raise click.BadParameter(f"the package has no parts of {organisation!r}", param_hint="--organisation")
    if as_json:
        click.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for problem in report.problems:
            click.echo(str(problem))
        rows = sum(report.stats.values())
        click.echo(f"{package_dir}: {'valid' if report.valid else 'INVALID'} ({len(report.stats)} resources, {rows} rows, {len(report.problems)} problems)")
    sys.exit(EXIT_OK if report.valid else EXIT_PROBLEMS)


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="The data repository.")
@click.option("--author", help='Commit author as "Name <email>".')
def migrate(repo, author):
    """Split a package of one CSV per resource into parts by organisation and year, in one commit.

    Every resource becomes a list of parts (data/<resource>/<organisation>/<year>.csv; paragraphs by
    month); no record changes, and the history keeps every record's identity across the commit. A
    scrape does this by itself first when it finds the old layout.
    """
    from .run import run_migrate

    commit = run_migrate(repo, author=_author(author))
    _say(f"split into parts: commit {commit}" if commit else "the package is already in parts; nothing to do")


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Portals config (default: the project's portals.toml).")
@click.option("--per-job", type=click.IntRange(min=1), default=1, show_default=True, help="Portals per job (portals of one host always share a job).")
def shards(config_path, per_job):
    """Print the GitHub Actions matrix of the sharded scrape: one entry per job, with the portal ids
    it scrapes (comma-separated, for `meetings scrape --portal`)."""
    from .config import load_config, shards as make_shards

    groups = make_shards(load_config(config_path), per_job)
    click.echo(json.dumps({"include": [{"shard": group[0].id, "portals": ",".join(p.id for p in group),
                                         "organisations": ",".join(sorted({p.organisation_id for p in group}))}
                                        for group in groups]}))


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="The data repository.")
@click.option("--remote", default="origin", show_default=True, help="The remote to push to.")
@click.option("--branch", default="main", show_default=True, help="The branch to push to.")
@click.option("--attempts", type=click.IntRange(min=1), default=5, show_default=True, help="Tries before giving up.")
def push(repo, remote, branch, attempts):
    """Push the data commits; when another shard pushed first, rebase onto it and try again.

    Shards write disjoint parts (one organisation each), so the only file two shards both change is
    datapackage.json: a conflict there is resolved by writing it again from the parts present.
    Any other conflict is an error and nothing is pushed.
    """
    from . import vcs
    from .package import regenerate_descriptor

    handle = vcs.existing_repo(repo)
    tries = vcs.push_with_rebase(handle, lambda: regenerate_descriptor(Path(repo) / "datapackage"), remote=remote,
                                 branch=branch, attempts=attempts)
    _say(f"pushed to {remote}/{branch}" + (f" after {tries} attempts" if tries > 1 else ""))


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="The data repository.")
def descriptor(repo):
    """Write datapackage.json again from the parts present in datapackage/ (after merging another
    shard's commit, for example); the file is left for you to commit."""
    from .package import regenerate_descriptor

    regenerate_descriptor(Path(repo) / "datapackage")
    _say(f"{Path(repo) / 'datapackage' / 'datapackage.json'} written from the parts present")


@cli.command()
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--kind", type=click.Choice(["auto", "protocol", "summary"]), default="auto", show_default=True, help="What the document is; auto looks at its text.")
@click.option("--json", "as_json", is_flag=True, help="Print the records as JSON.")
def parse(file, kind, as_json):
    """Parse a protocol or summary (.pdf or .txt) and print its records."""
    from .documents.diff import parse_file

    result = parse_file(file, kind)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if result["kind"] == "summary":
        click.echo(f"Summary: {result.get('committee')} {result.get('meeting_date')} ({len(result['items'])} items)")
        for item in result["items"]:
            number = f"{item['item_number']}. " if item.get("item_number") else ""
            click.echo(f"- {number}{item['title']} [{item.get('decision_kind') or '-'}]")
        return
    click.echo(f"Protocol: {result.get('organisation')}, {result.get('committee')}, {result.get('meeting_date')} "
               f"{result.get('time') or ''} ({len(result['paragraphs'])} paragraphs, {len(result['attendance'])} attendees)")
    for correction in result.get("corrections", []):
        click.echo(f"Correction: § {correction['paragraph']}: {correction['description']}")
    for para in result["paragraphs"]:
        case = f" [{para['case_number']}]" if para.get("case_number") else ""
        reserved = f" (reservations: {len(para['reservations'])})" if para.get("reservations") else ""
        click.echo(f"§ {para['number']} {para['title']}{case}{reserved}")


@cli.command()
@click.argument("old", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.argument("new", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--json", "as_json", is_flag=True, help='Print {"paragraphs": [{"number", "change", "fields"}]}.')
def diff(old, new, as_json):
    """Compare two versions of a protocol (.pdf or .txt) paragraph by paragraph.

    Layout-only differences (re-wrapped lines, page headers) are not changes. Exit status 0
    whether or not paragraphs changed.
    """
    from .documents.diff import diff_files

    result = diff_files(old, new)
    if as_json:
        click.echo(json.dumps(result, ensure_ascii=False, indent=2))
        return
    if not result["paragraphs"]:
        click.echo("No paragraph changed.")
    for entry in result["paragraphs"]:
        fields = f": {', '.join(entry['fields'])}" if entry["fields"] else ""
        click.echo(f"§ {entry['number']} {entry['change']}{fields}")


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="The data repository.")
@click.option("--full", is_flag=True, help="Rebuild from the first commit instead of reading only new commits.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def history(repo, full, as_json):
    """Read the data repo's commits into the history tables (changes, commits, *_versions).

    Incremental: only commits not read before are read. `meetings build` runs this too and
    copies the tables into the database.
    """
    from .history import build_history

    report = build_history(repo, full=full)
    if as_json:
        click.echo(json.dumps(report.as_dict(), indent=2))
    else:
        click.echo(f"{report.commits_read} of {report.commits_total} commits read, {report.changes_added} changes recorded"
                   + (" (full rebuild)" if report.full_rebuild else ""))
    for problem in report.problems:
        _say(f"warning: {problem}")


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="The data repository.")
@click.option("--author", help='Commit author as "Name <email>".')
@click.option("--if-outdated", is_flag=True, help="Only when the package records an older parser version than this code's.")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
def reparse(repo, author, if_outdated, as_json):
    """Read every protocol and summary again from the texts in datapackage/text/ and commit what changed.

    No request is made. The records read from documents (paragraphs, attendance, reservations,
    proposals, corrections, summary items) are derived again with the current parser; the commit
    says what changed ("parser upgraded: 12 paragraphs changed in 5 meetings (decisions)") and is
    marked as a reparse, so the history tells it from changes on the portal. A scrape runs this by
    itself when the package was read by an older parser. Exit status 1 when a document did not parse.
    """
    from .documents import PARSER_VERSION
    from .package import package_parser_version
    from .run import run_reparse

    recorded = package_parser_version(Path(repo) / "datapackage")
    if if_outdated and recorded in (None, PARSER_VERSION):
        _say(f"the package was read by parser version {recorded}, this code's; nothing to do")
        return
    report = run_reparse(repo, author=_author(author))
    if as_json:
        click.echo(json.dumps({"documents": report.documents, "commit": report.commit, "changes": report.changes,
                               "records": report.records, "errors": report.errors, "invalid": report.invalid},
                              ensure_ascii=False, indent=2))
    else:
        for line in report.changes if report.commit else []:
            _say(f"  {line}")
        _say(f"{report.documents} documents read again, commit {report.commit or 'none'}")
    for error in report.errors:
        _say(f"error: {error.get('url') or '-'}: {error['message']}")
    sys.exit(EXIT_OK if report.ok else EXIT_PROBLEMS)


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, path_type=Path), default=Path("."), show_default=True, help="The data repository holding datapackage/.")
@click.option("--db", "db_path", type=click.Path(dir_okay=False, path_type=Path), default=Path("meetings.db"), show_default=True, help="SQLite file to (re)build.")
def build(repo, db_path):
    """Build SQLite from the data package: tables, keys, indexes, full-text search, Datasette metadata.

    Writes DB and DB-STEM-metadata.json next to it (descriptions, facets, canned queries for the
    tables the database has). The database is built aside and moved into place, so a running
    server never sees a half-built file.
    """
    from .build import build_site_database

    result = build_site_database(repo, db_path)
    _say(f"{db_path}: " + ", ".join(f"{table} {count}" for table, count in result.counts.items()))
    if result.indexed:
        _say(f"full-text search added for: {', '.join(result.indexed)}")
    _say(f"{db_path.with_name(db_path.stem + '-metadata.json')}: {result.metadata}")


@cli.command()
@click.option("--db", "db_path", type=click.Path(dir_okay=False, exists=True, path_type=Path), default=Path("meetings.db"), show_default=True, help="SQLite file built by `meetings build`.")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port to listen on.")
@click.option("--get", "get_path", help="Print the response for this path (e.g. /meetings/meetings.json) and exit, like `datasette --get`.")
@click.option("--downloads", type=click.Path(file_okay=False, exists=True, path_type=Path), help="Directory written by `meetings publish`, served at /downloads/ (default: downloads/ next to the database, if it exists).")
def serve(db_path, host, port, get_path, downloads):
    """Serve the database with Datasette (read-only, with metadata, search, feeds and downloads).

    The database is opened immutable and queries stop after 3 s. Pages added to Datasette's:
    /-/activity (meetings and decisions per month), /downloads/ (the published files).
    """
    from .site.serve import serve as run_serve

    sys.exit(run_serve(db_path, host=host, port=port, get=get_path, downloads=downloads))


@cli.command()
@click.option("--host", default="127.0.0.1", show_default=True, help="Loopback address to listen on.")
@click.option("--port", type=int, default=8765, show_default=True, help="Port of the first portal (Region Västerbotten); the next portal (Region Norrbotten) gets the next port. 0 picks free ports.")
@click.option("--day", type=int, default=1, show_default=True, help="State of the portals over time: 1 agendas, 2 protocol published, 3 protocol corrected and a meeting cancelled.")
@click.option("--no-conditional", is_flag=True, help="Do not answer conditional requests (no ETag/Last-Modified, never 304).")
@click.option("--faults", metavar="RATE|SPEC", help="Misbehave on purpose: a share of responses (0.3), or kinds and shares "
              "(500:0.1,503:0.05,429:0.05,slow:0.05,reset:0.05,truncate:0.05,corrupt_pdf:0.05,markup:0.05); "
              "by name only: gzip (compressed answers), redirect_loop, long_link (a 5,000-character meeting slug), "
              "block (a firewall's refusal page with status 200). "
              "robots.txt and /__replica__/stats never misbehave.")
@click.option("--seed", type=int, default=0, show_default=True, help="Seed of the fault decisions: the same seed and requests give the same faults.")
@click.option("--slow-seconds", type=float, default=3.0, show_default=True, help="How long a 'slow' fault keeps the client waiting.")
@click.option("--retry-after", type=int, default=1, show_default=True, help="Retry-After (seconds) sent with a '429' fault.")
@click.option("--recording", type=click.Path(file_okay=False, exists=True, path_type=Path), help="Serve this recording (written by `meetings record` or `meetings doctor --save`) instead of the bundled portals: each answer by its URL, as recorded.")
def replica(host, port, day, no_conditional, faults, seed, slow_seconds, retry_after, recording):
    """Run the bundled Meetings Plus replica portals (or a recording) on loopback until Ctrl-C.

    Counters (requests per kind, 304s, faults per kind) are served as JSON at /__replica__/stats.
    """
    from .replica.server import start

    try:
        running = start(host, port, day=day, conditional=not no_conditional, faults=faults, seed=seed,
                        slow_seconds=slow_seconds, retry_after=retry_after, recording=recording)
    except (OSError, ValueError) as exc:
        raise click.ClickException(str(exc)) from None
    for portal_id in running.servers:
        _say(f"{portal_id}: {running.url(portal_id)}/committees")
    served = f"the recording {recording}" if recording else f"day {day}"
    _say(served + (f"; faults {faults} (seed {seed})" if faults else "") + "; Ctrl-C to stop")
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        running.stop()


@cli.command()
@click.option("--workdir", type=click.Path(file_okay=False, path_type=Path), default=Path("demo"), show_default=True, help="Where the data repo (DIR/data) and database (DIR/meetings.db) go.")
@click.option("--no-serve", is_flag=True, help="Stop after building the database instead of serving it.")
@click.option("--port", type=int, default=8001, show_default=True, help="Port for Datasette.")
@today_option("Date that decides upcoming vs held")
def demo(workdir, no_serve, port, today):
    """Run the whole pipeline on the bundled replica portals, offline, then serve it with Datasette.

    Starts the replica on free loopback ports, scrapes it day by day into a fresh data repo
    WORKDIR/data (one commit per day that changed something), validates the package, builds
    WORKDIR/meetings.db and serves it.
    """
    from .demo import run_demo
    from .site.serve import serve as run_serve

    result, running = run_demo(workdir, today=_today(today), say=_say)
    try:
        _say(f"Data repository: {result.data_repo} (try: git -C {result.data_repo} log --stat)")
        if no_serve:
            _say(f"Serve it with: meetings serve --db {result.database}")
            return
        _say(f"Datasette: http://127.0.0.1:{port}/  (Ctrl-C to stop)")
        run_serve(result.database, port=port)
    finally:
        running.stop()


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Portals config (default: the project's portals.toml).")
@click.option("--portal", "portal_id", help="Check only this portal id (default: all portals in the config).")
@click.option("--base-url", help="Check the portal at this base URL instead (e.g. the replica: http://127.0.0.1:8765).")
@click.option("--delay", type=float, help="Seconds between requests to a host (overrides the config).")
@click.option("--timeout", type=float, default=20.0, show_default=True, help="Seconds before a request times out.")
@click.option("--meetings", "meetings_per_committee", type=click.IntRange(1, 10), default=2, show_default=True, help="Meeting pages to sample per committee.")
@today_option("Date that decides held vs upcoming when sampling meetings")
@click.option("--json", "as_json", is_flag=True, help="Print the report as JSON.")
@click.option("--save", "save_dir", type=click.Path(file_okay=False, path_type=Path), help="Keep every page that yields nothing or looks blocked in DIR/PORTAL/ (a recording: `meetings replica --recording` serves it, the tests can read it).")
def doctor(config_path, portal_id, base_url, delay, timeout, meetings_per_committee, today, as_json, save_dir):
    """Check that a portal still has the markup the parsers expect, strategy by strategy.

    Fetches the committee pages, the JSON meeting list where a committee id is known and a few
    meeting pages, then reports what matched: HTML list, JSON API, side menu, protocol links and
    button, agenda items (structured or text). Exit status 1 when a required strategy found nothing
    or a page could not be fetched.
    """
    from dataclasses import replace

    from .config import load_config, select_portals
    from .doctor import dumps, run_doctor
    from .portal.http import HttpClient

    portals = select_portals(load_config(config_path), portal_id, base_url)
    if delay is not None:
        portals = [replace(p, delay=delay) for p in portals]
    with HttpClient(cache_dir=None, timeout=timeout, retries=2, backoff=0.5, max_backoff=10.0) as client:
        report = run_doctor(portals, client, today=_today(today), meetings=meetings_per_committee,
                            progress=(lambda m: None) if as_json else (lambda m: _say(f"checking {m}")), save=save_dir)
    click.echo(dumps(report) if as_json else report.table())
    for folder in report.saved:
        _say(f"pages that gave nothing saved in {folder}")
    sys.exit(EXIT_OK if report.ok else EXIT_PROBLEMS)


@cli.command()
@click.option("--config", "config_path", type=click.Path(dir_okay=False, path_type=Path), help="Portals config (default: the project's portals.toml).")
@click.option("--portal", "portal_id", required=True, help="The portal to record (an id of the config).")
@click.option("--base-url", help="Record the portal at this base URL instead (e.g. the replica: http://127.0.0.1:8765).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), help="Folder of the recording (default: recordings/PORTAL); a recording already there is replaced.")
@click.option("--as-fixtures", is_flag=True, help="Write the recording as test fixtures, into tests/fixtures/portal/recorded/PORTAL/ (the tests read every recording there).")
@click.option("--meetings", "meetings_per_committee", type=click.IntRange(1, 50), default=3, show_default=True, help="Meeting pages to record per committee.")
@click.option("--documents", "documents_per_meeting", type=click.IntRange(0, 50), default=1, show_default=True, help="Documents to record per meeting page (the kinds a run downloads first).")
@click.option("--delay", type=click.FloatRange(min=0), help="Seconds between requests to the host (overrides the config).")
@click.option("--timeout", type=click.FloatRange(min=0, min_open=True), default=20.0, show_default=True, help="Seconds before a request times out.")
@today_option("Date that decides held vs upcoming when sampling meetings")
@click.option("--json", "as_json", is_flag=True, help="Print the summary as JSON.")
def record(config_path, portal_id, base_url, out, as_fixtures, meetings_per_committee, documents_per_meeting, delay, timeout,
           today, as_json):
    """Record a bounded, polite sample of a live portal, with what each parsing strategy found on it.

    Through the scraper's HTTP client (robots.txt, the delay): the committee list, each committee's
    page and JSON list, --meetings meeting pages per committee with --documents documents each, the
    representatives, and the bulletin board's first pages. Every answer is saved with its URL,
    status and headers (recording.json, one file per body, README.md), with summary.json and
    summary.txt. Serve it with `meetings replica --recording DIR`. Exit status 1 when a required
    check failed (the recording is written all the same).
    """
    from dataclasses import replace

    from .config import PROJECT_ROOT, load_config, select_portals
    from .doctor import dumps, record_portal
    from .portal.http import HttpClient

    if as_fixtures and out:
        raise click.BadParameter("--as-fixtures writes to tests/fixtures/portal/recorded/PORTAL; leave out --out", param_hint="--out")
    (portal,) = select_portals(load_config(config_path), portal_id, base_url)
    if delay is not None:
        portal = replace(portal, delay=delay)
    folder = PROJECT_ROOT / "tests" / "fixtures" / "portal" / "recorded" / portal.id if as_fixtures else out or Path("recordings") / portal.id
    with HttpClient(cache_dir=None, timeout=timeout, retries=2, backoff=0.5, max_backoff=10.0) as client:
        report = record_portal(client, portal, folder, today=_today(today), captured=date.today(), meetings=meetings_per_committee,
                               documents=documents_per_meeting, progress=(lambda m: None) if as_json else (lambda m: _say(f"recording {m}")))
    click.echo(dumps(report) if as_json else report.table())
    _say(f"recording written to {folder}; serve it with: meetings replica --recording {folder}")
    sys.exit(EXIT_OK if report.ok else EXIT_PROBLEMS)


@cli.command()
@click.option("--repo", type=click.Path(file_okay=False, exists=True, path_type=Path), default=Path("."), show_default=True, help="The data repository holding datapackage/.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=Path("downloads"), show_default=True, help="Directory for the downloads (created if missing); serve it with `meetings serve --downloads`.")
@click.option("--release", is_flag=True, help="Tag the data repository's HEAD as data-YYYY-MM-DD if it changed since the last such tag, and write meetings-datapackage-YYYY-MM-DD.zip.")
@today_option("Date of the release tag")
@click.option("--site-url", default="http://127.0.0.1:8001", show_default=True, help="Public base URL of the Datasette site, for the links in catalog.rdf.")
@click.option("--database", default="meetings", show_default=True, help="Name of the database on the site (the db file's stem).")
@click.option("--publisher", help="Publisher in catalog.rdf: a Swedish organisation number (232100-0222) or a URI (default: the package's only organisation, else the project).")
@click.option("--publisher-name", help="Name of the publisher, if it is not one of the known portal owners.")
@click.option("--contact-email", help="Contact e-mail for catalog.rdf (DCAT-AP-SE requires one).")
def publish(repo, out, release, today, site_url, database, publisher, publisher_name, contact_email):
    """Write the downloads: meetings-datapackage.zip, meetings.json and catalog.rdf (DCAT-AP-SE).

    The same package gives byte-identical files; files that did not change are not rewritten.
    With --release, a day with changes becomes a citable version: the git tag data-YYYY-MM-DD in
    the data repository (push it with `git push origin --tags`) and a zip of that name.
    """
    from .site.publish import publish as run_publish

    result = run_publish(repo, out, release=release, today=_today(today), catalog_options={
        "site_url": site_url, "database": database, "publisher": publisher, "publisher_name": publisher_name,
        "contact_email": contact_email,
    })
    for name, path in result.files.items():
        _say(f"{path} ({path.stat().st_size} bytes){'' if name in result.written else ', unchanged'}")
    if release:
        _say(f"release: {result.release_note}")
    if not contact_email:
        _say("note: catalog.rdf has no contact e-mail (vcard:hasEmail is mandatory in DCAT-AP-SE): pass --contact-email")


def main() -> None:  # pragma: no cover
    cli()
