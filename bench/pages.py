"""The pages for people against Datasette's own table page for the same rows.

The database is built from a scraped repository as ``meetings build`` builds it (tables, search,
history, metadata). Datasette then answers in process (``Datasette(...).client``, configured by
``make_datasette`` as ``meetings serve`` is), for ``requests`` samples of each kind, one after
another:

- a meeting page ``/meeting/{id}`` against ``/{db}/paragraphs?meeting_id={id}``;
- a person page ``/person/{id}`` against ``/{db}/attendance?person_id={id}``;
- a case page ``/case/{organisation}/{case}`` against ``/{db}/paragraphs?case_number={case}``;
- a committee page ``/committee/{id}`` against ``/{db}/meetings?committee_id={id}``.

The samples are drawn (with a seed) from the meetings that have paragraphs, the people, the case
numbers of paragraphs and the committees. Each page kind gets its p95 latency, its table page's,
and their ratio; the goal is a p95 under 200 ms.

    python bench/pages.py bench/out/x4/repo            # build bench/out/pages/x4.db and measure
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sqlite3
import statistics
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import quote

ROOT = Path(__file__).resolve().parents[1]
if str(ROOT) not in sys.path:
    sys.path.insert(0, str(ROOT))

GOAL_MS = 200.0


@dataclass
class Kind:
    name: str
    pages: list[float] = field(default_factory=list)  # seconds
    tables: list[float] = field(default_factory=list)
    errors: int = 0

    @staticmethod
    def p95(values: list[float]) -> float:
        return statistics.quantiles(values, n=20)[18] * 1000 if len(values) >= 2 else (values[0] * 1000 if values else 0.0)

    @property
    def page_p95(self) -> float:
        return self.p95(self.pages)

    @property
    def table_p95(self) -> float:
        return self.p95(self.tables)


@dataclass
class PagesResult:
    db_bytes: int
    build_seconds: float
    rows: dict[str, int]
    kinds: list[Kind]

    @property
    def worst_p95(self) -> float:
        return max((k.page_p95 for k in self.kinds if k.pages), default=0.0)


def samples(db: Path, requests: int, seed: int) -> dict[str, list[tuple[str, str]]]:
    """(page path, table path) pairs per kind, drawn from what the database holds."""
    rng = random.Random(seed)
    name = db.stem  # the database's name in Datasette's paths
    conn = sqlite3.connect(db)
    tables = {r[0] for r in conn.execute("select name from sqlite_master where type = 'table'")}

    def draw(table: str, sql: str) -> list[tuple]:
        found = conn.execute(sql).fetchall() if table in tables else []
        return [rng.choice(found) for _ in range(requests)] if found else []

    out = {
        "meeting": [(f"/meeting/{quote(m, safe='/')}", f"/{name}/paragraphs?meeting_id={quote(m)}")
                    for (m,) in draw("paragraphs", "select distinct meeting_id from paragraphs")],
        "person": [(f"/person/{quote(p, safe='/')}", f"/{name}/attendance?person_id={quote(p)}")
                   for (p,) in draw("people", "select person_id from people")],
        "case": [(f"/case/{quote(o, safe='')}/{quote(c, safe='')}", f"/{name}/paragraphs?case_number={quote(c)}")
                 for (o, c) in draw("paragraphs", """select distinct c.organisation_id, p.case_number from paragraphs p
                     join meetings m on m.meeting_id = p.meeting_id join committees c on c.committee_id = m.committee_id
                     where coalesce(p.case_number, '') != '' and instr(p.case_number, ';') = 0""")],
        "committee": [(f"/committee/{quote(c, safe='/')}", f"/{name}/meetings?committee_id={quote(c)}")
                      for (c,) in draw("committees", "select committee_id from committees")],
    }
    conn.close()
    return out


def measure(db: Path, requests: int, seed: int) -> list[Kind]:
    from scraper.site.serve import make_datasette

    datasette = make_datasette(db)
    pairs = samples(db, requests, seed)

    async def timed(path: str) -> tuple[float, int]:
        start = time.perf_counter()
        response = await datasette.client.get(path)
        return time.perf_counter() - start, response.status_code

    async def run() -> list[Kind]:
        kinds = []
        await timed("/-/versions.json")  # plugins and templates loaded before the first timed request
        for name, items in pairs.items():
            kind = Kind(name)
            for page, table in items:
                for path, into in ((page, kind.pages), (table, kind.tables)):
                    seconds, status = await timed(path)
                    if status != 200:
                        kind.errors += 1
                    into.append(seconds)
            kinds.append(kind)
        return kinds

    return asyncio.run(run())


def run(repo: Path, db: Path, requests: int = 100, seed: int = 1, rebuild: bool = False) -> PagesResult:
    """Build ``db`` from ``repo`` (unless it is there), then measure."""
    from scraper.build import build_site_database

    build_seconds = 0.0
    if rebuild or not db.exists():
        db.parent.mkdir(parents=True, exist_ok=True)
        start = time.perf_counter()
        build_site_database(repo, db)
        build_seconds = time.perf_counter() - start
    conn = sqlite3.connect(db)
    rows = {t: conn.execute(f'select count(*) from "{t}"').fetchone()[0]
            for t in ("meetings", "paragraphs", "people", "document_pages")
            if conn.execute("select 1 from sqlite_master where name = ?", (t,)).fetchone()}
    conn.close()
    return PagesResult(db.stat().st_size, build_seconds, rows, measure(db, requests, seed))


def report(result: PagesResult) -> str:
    lines = [f"database: {result.db_bytes / 1e6:.0f} MB, rows {result.rows}"
             + (f", built in {result.build_seconds:.1f}s" if result.build_seconds else "")]
    for kind in result.kinds:
        if not kind.pages:
            lines.append(f"  {kind.name:9} no sample in this database")
            continue
        ratio = kind.page_p95 / kind.table_p95 if kind.table_p95 else float("nan")
        lines.append(f"  {kind.name:9} page p95 {kind.page_p95:6.1f} ms, table page p95 {kind.table_p95:6.1f} ms, "
                     f"ratio {ratio:.2f}, {len(kind.pages)} requests" + (f", {kind.errors} not 200" if kind.errors else ""))
    verdict = "meets" if result.worst_p95 < GOAL_MS else "misses"
    lines.append(f"  slowest page kind p95 {result.worst_p95:.1f} ms: {verdict} the goal of {GOAL_MS:.0f} ms")
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("repo", type=Path, help="a data repository holding datapackage/")
    parser.add_argument("--db", type=Path, help="the database to build and read (default bench/out/pages/<repo's parent>.db)")
    parser.add_argument("--requests", type=int, default=100, help="requests per page kind (and as many table pages)")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--rebuild", action="store_true", help="build the database again even when it is there")
    args = parser.parse_args(argv)
    db = args.db or ROOT / "bench" / "out" / "pages" / f"{args.repo.resolve().parent.name}.db"
    print(report(run(args.repo, db, args.requests, args.seed, args.rebuild)))
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
