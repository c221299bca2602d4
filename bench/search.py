"""The site's search against a LIKE scan of the same column, through Datasette.

A synthetic SQLite database holds a ``paragraphs`` table of ``rows`` protocol paragraphs (title,
decision and a text of two to six sentences, all taken from the real Norrbotten protocol), oldest
first as ``meetings build`` stores them, the meetings, committees and organisation they belong to,
and an FTS5 index on title and text with the project's tokenizer (``unicode61 remove_diacritics
0``, made with sqlite-utils as ``meetings build`` makes it). It is built once per size and seed
under ``bench/out/fts/`` and reused.

The same query words (common, middling and rare ones, many with å, ä or ö) are sent in process to
Datasette (``Datasette(...).client``) configured by ``make_datasette`` as ``meetings serve`` is, with
a longer SQL time limit so that every LIKE scan finishes: the site's search, ``/-/search.json?q=WORD``
(ranked, snippets, the count of matches capped at 10,000: scraper/site/finder.py), and the table
API's ``?text__contains=WORD`` (``text LIKE '%WORD%'``, with ``_nosuggest=1``, ``_size=20`` and the
filtered row count). FTS matches whole words, LIKE any substring (and folds case for ASCII only),
so the counts differ; the work each does is what a search box costs.
"""

from __future__ import annotations

import asyncio
import random
import re
import sqlite3
import statistics
import time
from collections import Counter
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

from scraper.database import FTS_TOKENIZE

VERSION = 2  # of the database's content; a new one rebuilds the cached files
SITE_TIME_LIMIT_MS = 3000  # what `meetings serve` allows a query


@dataclass
class SearchResult:
    rows: int
    queries: int
    fts_median: float
    fts_p95: float
    like_median: float
    like_p95: float
    fts_matches: float  # mean filtered count per query
    like_matches: float
    like_over_site_limit: int  # LIKE requests slower than the site's sql_time_limit_ms
    build_seconds: float | None
    db_bytes: int


def _corpus() -> tuple[list[str], list[str], list[str]]:
    """Sentences, decisions and titles of the real protocol."""
    from scraper.replica.synthetic import source

    src = source()
    sentences, decisions, titles = [], [], []
    for section in (*src.opening, *src.body, src.closing):
        titles.append(section.title)
        text = " ".join(line.strip() for line in section.lines[1:] if line.strip())
        for sentence in re.split(r"(?<=[.!?])\s+", text):
            if 40 <= len(sentence) <= 400:
                (decisions if re.search(r"\bbeslutar\b", sentence) else sentences).append(sentence)
    return sentences, decisions or sentences[:10], titles


def database_path(directory: Path, rows: int, seed: int) -> Path:
    return directory / f"paragraphs-{rows}-s{seed}-v{VERSION}.db"


def build_database(path: Path, rows: int, seed: int) -> float:
    """Write the synthetic database (if it is not there yet). Returns the seconds it took (0 if cached)."""
    if path.exists():
        return 0.0
    import sqlite_utils

    started = time.perf_counter()
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.with_name(path.name + ".tmp")
    tmp.unlink(missing_ok=True)
    sentences, decisions, titles = _corpus()
    rng = random.Random(f"fts:{seed}")
    conn = sqlite3.connect(tmp)
    conn.execute("PRAGMA journal_mode=OFF")
    conn.execute("PRAGMA synchronous=OFF")
    conn.execute("""CREATE TABLE paragraphs (paragraph_id TEXT PRIMARY KEY, meeting_id TEXT, number INTEGER,
                    title TEXT, decision TEXT, text TEXT)""")

    def generate():
        for index in range(rows):
            meeting = f"region-syntetisk/namnd-{index % 40}/mote-{index // 800:05d}"
            body = " ".join(rng.choice(sentences) for _ in range(rng.randint(2, 6)))
            yield (f"{meeting}§{index % 800 + 1}", meeting, index % 800 + 1, rng.choice(titles), rng.choice(decisions), body)

    conn.executemany("INSERT INTO paragraphs VALUES (?, ?, ?, ?, ?, ?)", generate())
    _meetings(conn)
    conn.commit()
    conn.close()
    db = sqlite_utils.Database(tmp)
    db["paragraphs"].enable_fts(["title", "text"], tokenize=FTS_TOKENIZE, create_triggers=False)
    db.conn.execute("PRAGMA journal_mode=DELETE")
    db.close()
    tmp.replace(path)
    return time.perf_counter() - started


def _meetings(conn: sqlite3.Connection) -> None:
    """The organisation, committees and meetings of the generated paragraphs (a meeting a week)."""
    from datetime import date, timedelta

    conn.executescript("""
        CREATE TABLE organisations (organisation_id TEXT PRIMARY KEY, name TEXT);
        CREATE TABLE committees (committee_id TEXT PRIMARY KEY, organisation_id TEXT, name TEXT);
        CREATE TABLE meetings (meeting_id TEXT PRIMARY KEY, committee_id TEXT, title TEXT, date TEXT, url TEXT);
        INSERT INTO organisations VALUES ('region-syntetisk', 'Region Syntetisk');""")
    conn.executemany("INSERT INTO committees VALUES (?, 'region-syntetisk', ?)",
                     [(f"region-syntetisk/namnd-{n}", f"Nämnd {n}") for n in range(40)])
    meetings = [m for (m,) in conn.execute("SELECT DISTINCT meeting_id FROM paragraphs ORDER BY rowid")]
    start = date(2016, 1, 4)
    conn.executemany("INSERT INTO meetings VALUES (?, ?, ?, ?, ?)", [
        (m, m.rsplit("/", 1)[0], f"Möte {start + timedelta(weeks=i)}", (start + timedelta(weeks=i)).isoformat(),
         f"https://synthetic.example/committees/{m.split('/', 1)[1]}") for i, m in enumerate(meetings)])


def query_words(count: int, seed: int) -> list[str]:
    """``count`` words of the corpus: a third common, a third middling, a third rare (many with å, ä, ö)."""
    sentences, _decisions, _titles = _corpus()
    words = Counter(w.lower() for s in sentences for w in re.findall(r"[^\W\d_]{4,}", s))
    ranked = [w for w, _ in words.most_common()]
    rng = random.Random(f"words:{seed}")
    third = max(1, len(ranked) // 3)
    bands = [ranked[:third], ranked[third: 2 * third], ranked[2 * third:]]
    picked = []
    for index in range(count):
        band = bands[index % 3] or ranked
        swedish = [w for w in band if re.search("[åäö]", w)]
        pool = swedish if swedish and index % 2 else band
        picked.append(rng.choice(pool))
    return picked


def percentile(values: list[float], share: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, max(0, round(share * (len(ordered) - 1))))]


async def _measure(path: Path, words: list[str], warmup: int) -> tuple[list[float], list[float], list[int], list[int]]:
    import scraper.site.limits as limits

    site_limit = limits.TIME_LIMIT_SECONDS
    limits.TIME_LIMIT_SECONDS = 600  # every LIKE scan finishes (the site stops a query at 3 s)
    try:
        return await _measure_site(path, words, warmup)
    finally:
        limits.TIME_LIMIT_SECONDS = site_limit


async def _measure_site(path: Path, words: list[str], warmup: int) -> tuple[list[float], list[float], list[int], list[int]]:
    from scraper.site.serve import make_datasette

    ds = make_datasette(path)
    ds._settings["sql_time_limit_ms"] = 600_000
    ds.sql_time_limit_ms = 600_000  # Datasette reads the setting once, when it is made
    name = path.stem
    await ds.invoke_startup()

    async def get(url: str) -> tuple[float, int]:
        started = time.perf_counter()
        response = await ds.client.get(url)
        elapsed = time.perf_counter() - started
        if response.status_code != 200:
            raise RuntimeError(f"{url}: HTTP {response.status_code}: {response.text[:200]}")
        data = response.json()
        return elapsed, data.get("filtered_table_rows_count") or data.get("total") or 0

    def fts(word: str) -> str:
        return f"/-/search.json?q={quote(word)}"

    def like(word: str) -> str:
        return f"/{name}/paragraphs.json?text__contains={quote(word)}&_nosuggest=1&_size=20"

    for word in words[:warmup]:
        await get(fts(word))
        await get(like(word))
    fts_times, like_times, fts_counts, like_counts = [], [], [], []
    for word in words:  # interleaved, so that drift in the machine's speed hits both alike
        seconds, count = await get(fts(word))
        fts_times.append(seconds)
        fts_counts.append(count)
        seconds, count = await get(like(word))
        like_times.append(seconds)
        like_counts.append(count)
    return fts_times, like_times, fts_counts, like_counts


def run(directory: Path, rows: int, queries: int, seed: int = 1) -> SearchResult:
    path = database_path(directory, rows, seed)
    built = build_database(path, rows, seed)
    words = query_words(queries, seed)
    fts_times, like_times, fts_counts, like_counts = asyncio.run(_measure(path, words, warmup=min(5, queries)))
    return SearchResult(
        rows=rows, queries=len(words),
        fts_median=statistics.median(fts_times), fts_p95=percentile(fts_times, 0.95),
        like_median=statistics.median(like_times), like_p95=percentile(like_times, 0.95),
        fts_matches=statistics.mean(fts_counts), like_matches=statistics.mean(like_counts),
        like_over_site_limit=sum(1 for t in like_times if t * 1000 > SITE_TIME_LIMIT_MS),
        build_seconds=built or None, db_bytes=path.stat().st_size,
    )
