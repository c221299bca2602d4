"""Full-text search indexes the site relies on.

``scraper.database`` indexes titles, case numbers and descriptions with FTS5 and the tokenizer
``unicode61 remove_diacritics 0``. ``ensure_search`` adds the same kind of index for the protocol
tables (paragraphs: title, case number, decision and full text; summary items: title and
decision) when the build did not create one, so that the site's search covers decisions and
paragraph text. It does nothing for a table that already has its ``<table>_fts``.
"""

from __future__ import annotations

from pathlib import Path

import sqlite_utils

from ..database import FTS_TOKENIZE

SEARCH_COLUMNS = {
    "paragraphs": ["title", "case_number", "decision", "text"],
    "summary_items": ["title", "decision"],
}


def ensure_search(db_path: Path) -> list[str]:
    """Create the missing full-text indexes in ``db_path``. Returns the tables it indexed."""
    db = sqlite_utils.Database(db_path)
    done = []
    try:
        names = set(db.table_names())
        for table, wanted in SEARCH_COLUMNS.items():
            if table not in names or f"{table}_fts" in names:
                continue
            columns = [c for c in wanted if c in db[table].columns_dict]
            if columns:
                db[table].enable_fts(columns, tokenize=FTS_TOKENIZE, create_triggers=False, replace=True)
                done.append(table)
        db.conn.commit()
    finally:
        db.close()
    return done
