"""What changed between two versions of the package tables, in numbers and in words.

``diff_tables`` compares two versions row by row (by primary key); ``describe`` turns the result
into lines a person reads, one per meeting (``regionstyrelsen 2025-09-09: protocol published;
2 agenda items added``), used as the commit message and in the run report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .package import Tables


@dataclass
class ResourceDiff:
    added: list[str] = field(default_factory=list)
    removed: list[str] = field(default_factory=list)
    changed: dict[str, list[str]] = field(default_factory=dict)  # key -> changed field names

    def counts(self) -> dict[str, int]:
        return {"added": len(self.added), "changed": len(self.changed), "removed": len(self.removed)}

    @property
    def empty(self) -> bool:
        return not (self.added or self.removed or self.changed)


def diff_tables(old: Tables, new: Tables) -> dict[str, ResourceDiff]:
    result: dict[str, ResourceDiff] = {}
    for resource in new.keys() | old.keys():
        before, after = old.get(resource, {}), new.get(resource, {})
        diff = ResourceDiff(
            added=sorted(after.keys() - before.keys()),
            removed=sorted(before.keys() - after.keys()),
        )
        for key in sorted(after.keys() & before.keys()):
            row, previous = after[key], before[key]
            if row is previous:  # an unchanged row is the very row object read (see scrape.Run._put)
                continue
            fields = [name for name, value in row.items() if previous.get(name) != value]
            if fields:
                diff.changed[key] = fields
        result[resource] = diff
    return result


def _plural(count: int, word: str) -> str:
    return f"{count} {word}" if count == 1 else f"{count} {word}s"


def _meeting_label(meeting_id: str, row: dict | None) -> str:
    parts = meeting_id.split("/")
    committee = parts[1] if len(parts) > 1 else meeting_id
    when = row.get("date") if row else None
    return f"{committee} {when or parts[-1]}"


def describe(old: Tables, new: Tables, diffs: dict[str, ResourceDiff]) -> list[str]:
    """One line per changed meeting (and per changed committee/organisation), sorted."""
    events: dict[str, list[str]] = defaultdict(list)
    meetings_old, meetings_new = old.get("meetings", {}), new.get("meetings", {})

    def meeting_row(meeting_id: str) -> dict | None:
        return meetings_new.get(meeting_id) or meetings_old.get(meeting_id)

    md = diffs.get("meetings", ResourceDiff())
    for key in md.added:
        row = meetings_new[key]
        status = row.get("status")
        events[key].append("meeting added" + (f" ({status})" if status and status != "held" else ""))
        if row.get("protocol_published") == "true":
            events[key].append("protocol published")
    for key in md.removed:
        events[key].append("meeting removed from the portal")
    for key, fields in md.changed.items():
        before, after = meetings_old[key], meetings_new[key]
        if "status" in fields:
            if after["status"] == "cancelled":
                events[key].append("meeting cancelled")
            else:
                events[key].append(f"status {before['status']} -> {after['status']}")
        if "date" in fields:
            events[key].append(f"rescheduled from {before['date']} to {after['date']}")
        if "protocol_published" in fields:
            events[key].append("protocol published" if after["protocol_published"] == "true" else "protocol withdrawn")
        if "agenda_published" in fields and after["agenda_published"] == "true":
            events[key].append("agenda published")
        other = [f for f in fields if f not in ("status", "date", "protocol_published", "agenda_published", "agenda_item_count", "document_count")]
        if other:
            events[key].append("meeting details changed (" + ", ".join(other) + ")")

    def parent_of(resource: str, key: str, row: dict | None) -> str:
        if row and row.get("meeting_id"):
            return row["meeting_id"]
        return key.split("#")[0] if resource == "agenda_items" else key

    pd = diffs.get("paragraphs", ResourceDiff())
    paragraphs_old, paragraphs_new = old.get("paragraphs", {}), new.get("paragraphs", {})

    def numbers(keys: list[str], rows: dict) -> dict[str, list[int]]:
        per: dict[str, list[int]] = defaultdict(list)
        for key in keys:
            row = rows[key]
            per[row["meeting_id"]].append(int(row["number"]))
        return per

    para_added = numbers(pd.added, paragraphs_new)
    para_removed = numbers(pd.removed, paragraphs_old)
    para_changed = numbers(list(pd.changed), paragraphs_new)

    def section_list(values: list[int]) -> str:
        return ", ".join(f"§ {n}" for n in sorted(values))

    protocol_meetings: set[str] = set()
    for resource, noun in (("agenda_items", "agenda item"), ("documents", "document")):
        diff = diffs.get(resource, ResourceDiff())
        old_rows, new_rows = old.get(resource, {}), new.get(resource, {})
        per_meeting: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key in diff.added:
            per_meeting[parent_of(resource, key, new_rows.get(key))]["added"] += 1
        for key in diff.removed:
            per_meeting[parent_of(resource, key, old_rows.get(key))]["removed"] += 1
        for key, fields in diff.changed.items():
            row = new_rows[key]
            if resource == "documents" and row.get("kind") == "protokoll" and "sha256" in fields:
                meeting_id = row["meeting_id"]
                protocol_meetings.add(meeting_id)
                if para_changed.get(meeting_id) or para_added.get(meeting_id) or para_removed.get(meeting_id):
                    parts = []
                    if para_changed.get(meeting_id):
                        parts.append(section_list(para_changed[meeting_id]))
                    if para_added.get(meeting_id):
                        parts.append("added " + section_list(para_added[meeting_id]))
                    if para_removed.get(meeting_id):
                        parts.append("removed " + section_list(para_removed[meeting_id]))
                    events[meeting_id].append(f"protocol corrected ({'; '.join(parts)})")
                else:
                    events[meeting_id].append(f"protocol file replaced, no paragraph changed ({row.get('title')})")
            else:
                per_meeting[parent_of(resource, key, row)]["changed"] += 1
        for meeting_id, counts in per_meeting.items():
            if meeting_id in md.added or meeting_id in md.removed:
                continue
            for verb in ("added", "changed", "removed"):
                if counts.get(verb):
                    events[meeting_id].append(f"{_plural(counts[verb], noun)} {verb}")
    for meeting_id, added in para_added.items():
        if meeting_id in protocol_meetings:
            continue
        index = next((i for i, e in enumerate(events[meeting_id]) if e == "protocol published"), None)
        if index is not None:
            events[meeting_id][index] = f"protocol published ({_plural(len(added), 'paragraph')})"
        else:
            events[meeting_id].append(f"{_plural(len(added), 'paragraph')} added")
    for meeting_id, changed in para_changed.items():
        if meeting_id not in protocol_meetings:
            events[meeting_id].append(f"paragraphs re-read ({section_list(changed)})")

    lines = [f"{_meeting_label(key, meeting_row(key))}: {'; '.join(parts)}" for key, parts in events.items()]
    for resource, noun in (("committees", "committee"), ("organisations", "organisation")):
        diff = diffs.get(resource, ResourceDiff())
        for key in diff.added:
            lines.append(f"{noun} added: {key}")
        for key in diff.removed:
            lines.append(f"{noun} removed: {key}")
        for key, fields in diff.changed.items():
            lines.append(f"{noun} {key} changed ({', '.join(fields)})")
    return sorted(lines)


def commit_message(lines: list[str], diffs: dict[str, ResourceDiff]) -> str:
    counts = ", ".join(
        f"{resource} +{d.counts()['added']} ~{d.counts()['changed']} -{d.counts()['removed']}"
        for resource, d in sorted(diffs.items())
        if not d.empty
    )
    if len(lines) == 1:
        subject = lines[0]
    else:
        meetings = sum(1 for line in lines if ": " in line and not line.startswith(("committee", "organisation")))
        subject = f"{_plural(meetings, 'meeting')} changed" if meetings else "data updated"
        if lines:
            subject += f": {lines[0]}" + (" …" if len(lines) > 1 else "")
    if len(subject) > 200:
        subject = subject[:197] + "..."
    body = "\n".join(f"- {line}" for line in lines)
    return f"{subject}\n\n{body}\n\nRecords: {counts}\n"
