"""What one query on the site may cost.

Datasette's time limit (``sql_time_limit_ms``) is a progress handler that SQLite calls every 1,000
virtual-machine instructions, so it stops loops but not expensive calls: ``randomblob(1e9)``
allocates a gigabyte in one instruction, ``instr(a, b)`` on two long strings compares for minutes,
and a few hundred LIKEs on a long string run between two checks. ``limit_connection`` closes
that gap on every connection Datasette opens (the plugin's ``prepare_connection`` hook calls it):

- ``SQL_LIMITS``: SQLite's per-connection limits (longest string or blob, SQL text, expression
  depth, compound selects, columns, LIKE/GLOB pattern, bound variables);
- ``DENIED_FUNCTIONS``: functions no canned query or page uses that allocate what a number asks
  for, take quadratic time in one call, or load code; an authorizer refuses them;
- ``instr``, ``replace`` and two-argument ``trim``/``ltrim``/``rtrim`` (the canned queries use the
  first two) are replaced by versions with SQLite's results that take linear time;
- those and ``like``/``glob`` check the time limit themselves (``StatementGuard``): a call after
  ``TIME_LIMIT_SECONDS``, or one that could run past them, interrupts the statement;
- ``RESULT_BUDGET``: the text and blobs of the rows one query returns, counted as they are read.

``limit_sqlite_heap`` sets SQLite's memory ceiling for a whole process; ``serve`` sets it when it
runs the server.
"""

from __future__ import annotations

import sqlite3
import threading
import time
import weakref

MiB = 2**20
LENGTH = 16 * MiB
SQL_LIMITS = {
    "SQLITE_LIMIT_LENGTH": LENGTH,
    "SQLITE_LIMIT_SQL_LENGTH": 100_000,
    "SQLITE_LIMIT_EXPR_DEPTH": 100,
    "SQLITE_LIMIT_COMPOUND_SELECT": 20,
    "SQLITE_LIMIT_COLUMN": 100,
    "SQLITE_LIMIT_LIKE_PATTERN_LENGTH": 100,
    "SQLITE_LIMIT_VARIABLE_NUMBER": 999,
}
RESULT_BUDGET = 2 * LENGTH
HEAP_LIMIT = 256 * MiB
TIME_LIMIT_SECONDS = 3
PATTERN_STEP_SECONDS = 5e-9  # LIKE/GLOB, per character of text and of pattern: 2.5 ns measured
DENIED_FUNCTIONS = frozenset({
    "randomblob", "zeroblob", "printf", "format",  # allocate or loop as far as a number says
    "json_patch",  # compares every key of one object with every key of the other
    "load_extension", "fts3_tokenizer",  # load code, take a pointer
    "rtreenode", "rtreedepth", "rtreecheck",  # decode raw r-tree nodes (debugging)
})
RESULT_TOO_LARGE = "query result too large: over {budget} MiB of text and blobs (add a limit or select fewer columns)"


def limit_connection(conn: sqlite3.Connection) -> None:
    """Apply ``SQL_LIMITS``, refuse ``DENIED_FUNCTIONS``, install the clocked string functions and
    count each statement's rows against ``RESULT_BUDGET``."""
    _set_limits(conn)
    conn.set_authorizer(_authorize)
    guard = StatementGuard(conn)
    for name, arity, function, worst in CLOCKED_FUNCTIONS:
        conn.create_function(name, arity, guard.timed(function, worst), deterministic=True)


def _set_limits(conn: sqlite3.Connection) -> None:
    for name, value in SQL_LIMITS.items():
        conn.setlimit(getattr(sqlite3, name), value)


def _authorize(action: int, arg1, arg2, database, source) -> int:
    if action == sqlite3.SQLITE_FUNCTION and (arg2 or "").lower() in DENIED_FUNCTIONS:
        return sqlite3.SQLITE_DENY
    return sqlite3.SQLITE_OK


class TimeLimitReached(Exception):
    """A clocked function called once more after it interrupted its statement."""


class StatementGuard:
    """What the statement a connection runs has used: its time, checked inside the clocked
    functions, and the text and blobs of its rows, checked by the row factory (``sqlite3.Row``).

    The clock starts with each statement (the connection's trace callback), but not with those
    SQLite runs inside another: FTS5's own (on ``'main'.…`` tables, or traced as ``-- …``) and
    those of PRAGMA functions. A clocked call made after ``seconds``, or that could run past them
    (``worst``), interrupts the statement (SQLite answers "interrupted", as for Datasette's limit)
    and returns NULL without working; a further call before SQLite stops raises ``TimeLimitReached``
    (SQLite: "user-defined function raised exception"), as Python converts every argument first.
    The rows of one cursor past ``budget`` characters and bytes raise an error."""

    def __init__(self, conn: sqlite3.Connection, seconds: float | None = None, budget: int = RESULT_BUDGET):
        self.interrupt = conn.interrupt
        self.seconds, self.budget = TIME_LIMIT_SECONDS if seconds is None else seconds, budget
        self.started, self.stopping, self.cursor, self.used = time.perf_counter(), False, None, 0
        conn.set_trace_callback(self.statement)
        conn.row_factory = self.row

    def statement(self, sql: str) -> None:
        if not sql.startswith(("PRAGMA ", "-- ")) and "'main'." not in sql:
            self.started, self.stopping = time.perf_counter(), False

    def row(self, cursor: sqlite3.Cursor, row: tuple) -> sqlite3.Row:
        if self.cursor is None or self.cursor() is not cursor:
            self.cursor, self.used = weakref.ref(cursor), 0
        self.used += sum(len(value) for value in row if isinstance(value, (str, bytes)))
        if self.used > self.budget:
            raise sqlite3.OperationalError(RESULT_TOO_LARGE.format(budget=self.budget // MiB))
        return sqlite3.Row(cursor, row)

    def timed(self, function, worst=None):
        """``function`` on this clock; ``worst(*args)``, if given, bounds the seconds one call can take."""
        def call(*args):
            left = self.seconds - (time.perf_counter() - self.started)
            if left <= 0 or (worst is not None and worst(*args) > left):
                if self.stopping:
                    raise TimeLimitReached(f"stopped after {self.seconds} s")
                self.stopping = True
                self.interrupt()
                return None
            return function(*args)

        return call


# ---------------------------------------------------------------- the clocked functions

_local = threading.local()


def _plain() -> sqlite3.Connection:
    """This thread's own connection with SQLite's built-in functions and ``SQL_LIMITS``."""
    conn = getattr(_local, "conn", None)
    if conn is None:
        conn = _local.conn = sqlite3.connect(":memory:")
        _set_limits(conn)
    return conn


def _builtin(call: str):
    """SQLite's own ``call`` (e.g. ``like(?, ?)``), run on ``_plain()``."""
    sql = f"select {call}"

    def builtin(*args):
        return _plain().execute(sql, args).fetchone()[0]

    return builtin


def _text(value) -> str:
    """A value as SQLite reads it as text: blobs as UTF-8, numbers printed by SQLite itself."""
    if isinstance(value, str):
        return value
    if isinstance(value, bytes):
        return value.decode("utf-8")
    if isinstance(value, int):
        return str(value)
    return _plain().execute("select cast(? as text)", (value,)).fetchone()[0]


def instr(haystack, needle):
    """SQLite's ``instr``: 1-based position of ``needle`` in ``haystack`` (bytes when both are
    blobs, else characters), 0 when absent, 1 for an empty needle."""
    if haystack is None or needle is None:
        return None
    if isinstance(haystack, bytes) and isinstance(needle, bytes):
        return haystack.find(needle) + 1
    return _text(haystack).find(_text(needle)) + 1


def replace(text, pattern, replacement):
    """SQLite's ``replace``: ``text`` unchanged (a blob as text) for an empty pattern or one that
    starts with NUL, NULL for a NULL argument, "string or blob too big" (OverflowError) past
    ``LENGTH``."""
    if text is None or pattern is None:
        return None
    pattern = _text(pattern)
    if pattern[:1] in ("", "\0"):
        return _text(text) if isinstance(text, bytes) else text
    if replacement is None:
        return None
    text, replacement = _text(text), _text(replacement)
    if len(replacement) > len(pattern) and len(text) + text.count(pattern) * (len(replacement) - len(pattern)) > LENGTH:
        raise OverflowError("string or blob too big")
    return text.replace(pattern, replacement)


def _trimmer(left: bool, right: bool):
    def trim(text, characters):
        """SQLite's two-argument trim: remove any of ``characters`` (up to a NUL) from the chosen ends."""
        if text is None or characters is None:
            return None
        text, strip = _text(text), set(_text(characters).split("\0", 1)[0])
        start, end = 0, len(text)
        while left and start < end and text[start] in strip:
            start += 1
        while right and end > start and text[end - 1] in strip:
            end -= 1
        return text[start:end]

    return trim


def _pattern_seconds(pattern, text, escape=None) -> float:
    """At most how long SQLite's LIKE or GLOB takes: it may compare the pattern at every character."""
    def size(value):
        return len(value) if isinstance(value, (str, bytes)) else 32

    return size(pattern) * size(text) * PATTERN_STEP_SECONDS


CLOCKED_FUNCTIONS = [
    ("instr", 2, instr, None), ("replace", 3, replace, None),
    ("trim", 2, _trimmer(True, True), None), ("ltrim", 2, _trimmer(True, False), None),
    ("rtrim", 2, _trimmer(False, True), None),
    ("like", 2, _builtin("like(?, ?)"), _pattern_seconds), ("like", 3, _builtin("like(?, ?, ?)"), _pattern_seconds),
    ("glob", 2, _builtin("glob(?, ?)"), _pattern_seconds),
]


def limit_sqlite_heap(limit: int = HEAP_LIMIT) -> int:
    """Hold SQLite's memory for the whole process under ``limit`` bytes (``PRAGMA hard_heap_limit``):
    a statement that would pass it fails with SQLITE_NOMEM (MemoryError in Python). SQLite lets a
    process lower this limit but never raise it again, so only a serving process should call this.
    Returns the limit in force."""
    conn = sqlite3.connect(":memory:")
    try:
        return conn.execute(f"pragma hard_heap_limit={int(limit)}").fetchone()[0]
    finally:
        conn.close()
