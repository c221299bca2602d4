"""The demo: replica portals -> scrape (day by day) -> validate -> SQLite -> Datasette. No internet."""

from __future__ import annotations

import shutil
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import Callable

from .config import parse_config
from .build import build_site_database
from .errors import ValidationFailed
from .package import PACKAGE_DIR
from .portal.http import HttpClient
from .replica import content
from .replica.server import RunningReplica, start
from .report import RunReport
from .run import ScrapeOptions, run_scrape
from .validate import validate_package

DEMO_CONFIG = """\
# Portals of the demo: the bundled Meetings Plus replica on loopback (ports change per run).
[[portal]]
id = "vasterbotten"
organisation_id = "region-vasterbotten"
organisation = "Region Västerbotten"
kind = "region"
base_url = "{vasterbotten}"
committees = ["regionfullmaktige", "regionstyrelsen"]
delay = 0.0

[[portal]]
id = "norrbotten"
organisation_id = "region-norrbotten"
organisation = "Region Norrbotten"
kind = "region"
base_url = "{norrbotten}"
committees = ["regionstyrelsen"]
committee_ids = {{ regionstyrelsen = 412 }}
term_of_office_id = "{term}"
delay = 0.0
""".replace("{term}", content.TERM_OF_OFFICE_ID)


@dataclass
class DemoResult:
    workdir: Path
    data_repo: Path
    database: Path
    portal_urls: dict[str, str]
    reports: list[RunReport] = field(default_factory=list)
    tables: dict[str, int] = field(default_factory=dict)


def demo_client(cache_dir: Path | None) -> HttpClient:
    return HttpClient(cache_dir=cache_dir, delay=0.0, timeout=30.0, retries=2, backoff=0.1)


def run_demo(workdir: Path, *, today: date | None = None, days: int = content.LAST_DAY,
             say: Callable[[str], None] = print, replica: RunningReplica | None = None) -> tuple[DemoResult, RunningReplica]:
    """Walk the replica's days, scraping after each into ``workdir/data``; build ``workdir/meetings.db``.

    Returns the result and the running replica (the caller stops it)."""
    workdir = Path(workdir).resolve()
    data_repo = workdir / "data"
    if data_repo.exists():
        shutil.rmtree(data_repo)
    workdir.mkdir(parents=True, exist_ok=True)
    replica = replica or start(day=1)
    urls = {pid: replica.url(pid) for pid in replica.servers}
    config_path = workdir / "portals.toml"
    config_path.write_text(DEMO_CONFIG.format(**urls), encoding="utf-8")
    portals = parse_config(config_path.read_text(encoding="utf-8"), str(config_path))
    result = DemoResult(workdir, data_repo, workdir / "meetings.db", urls)
    say("Replica portals: " + ", ".join(f"{pid} {url}" for pid, url in urls.items()))
    for day in range(1, days + 1):
        replica.set_day(day)
        report = run_scrape(ScrapeOptions(
            repo=data_repo, portals=portals, today=today or date.today(), client_factory=demo_client,
            recheck_days=0,
        ))
        result.reports.append(report)
        summary = ", ".join(f"{r} +{c['added']} ~{c['changed']} -{c['removed']}" for r, c in report.records.items() if any(c.values()))
        say(f"Day {day}: {report.requests} requests, {report.documents_downloaded} documents downloaded, "
            f"commit {report.commit[:10] if report.commit else 'none'}" + (f" ({summary})" if summary else ""))
        for line in report.changes:
            say(f"  {line}")
        for error in report.errors:
            say(f"  error: {error['url']}: {error['message']}")
    validation = validate_package(data_repo / PACKAGE_DIR)
    if not validation.valid:
        raise ValidationFailed("demo package is not valid: " + "; ".join(str(p) for p in validation.problems[:5]))
    say(f"Validated {data_repo / PACKAGE_DIR}: valid ({sum(validation.stats.values())} rows)")
    built = build_site_database(data_repo, result.database)
    result.tables = built.counts
    say(f"Built {result.database}: " + ", ".join(f"{t} {n}" for t, n in result.tables.items()))
    from .site.publish import publish

    published = publish(data_repo, workdir / "downloads", today=today or date.today())
    say("Downloads: " + ", ".join(str(path) for path in published.files.values()))
    return result, replica
