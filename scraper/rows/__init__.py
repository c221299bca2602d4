"""Rows of the data package and their ids: one module per family of resources.

- ``portal``: organisations, committees, meetings, agenda items and documents, read from the
  portal's pages;
- ``protocol``: paragraphs, attendance, reservations, proposals, corrections, roll-call votes and
  recusals, read from a protocol's text;
- ``summary``: summary items, read from a plain-language summary's text;
- ``people``: person ids, and the people of an organisation aggregated from the rows that name them;
- ``notices``: notices of the digital bulletin board and elected representatives, read from the
  portal's JSON registers (``deadlines``: the appeal clock of a notice).

A builder returns a dict with exactly the fields of its resource's Table Schema (a test checks
that), in plain Python values; ``package.to_table_row`` turns it into CSV cells. Every id is
built by one function here, and the few ids that are read back into their parts are split by
the function next to the one that built them.
"""

from __future__ import annotations

PORTAL = ("organisations", "committees", "meetings", "agenda_items", "documents")
PROTOCOL = ("paragraphs", "attendance", "reservations", "proposals", "corrections", "vote_results", "votes",
            "recusals")
SUMMARY = ("summary_items",)
BOARD = ("notices",)
REGISTER = ("representatives",)

# Resources read from document texts: ``meetings reparse`` derives them again from datapackage/text/.
DERIVED = PROTOCOL + SUMMARY
# Resources built from other resources' rows (per organisation), rebuilt when those rows change.
AGGREGATE = ("people",)
# Every resource, parents before children (the order of datapackage.json and of a database build).
RESOURCES = PORTAL + DERIVED + BOARD + REGISTER + AGGREGATE
