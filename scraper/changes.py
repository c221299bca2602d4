"""What changed between two versions of the package tables, in numbers and in words.

``diff_tables`` compares two versions row by row (by primary key); ``describe`` turns the result
into lines a person reads, one per meeting (``regionstyrelsen 2025-09-09: protocol published;
2 agenda items added``), used as the commit message and in the run report.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

from .package import Tables
from .rows.portal import committee_of, committee_slug


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
    committee = committee_slug(committee_of(meeting_id))
    when = row.get("date") if row else None
    return f"{committee} {when or meeting_id.rsplit('/', 1)[-1]}"


def _section_list(values: list[int]) -> str:
    return ", ".join(f"§ {n}" for n in sorted(values))


def _numbers(keys: list[str], rows: dict) -> dict[str, list[int]]:
    """Paragraph numbers per meeting of the given paragraph keys."""
    per: dict[str, list[int]] = defaultdict(list)
    for key in keys:
        row = rows[key]
        per[row["meeting_id"]].append(int(row["number"]))
    return per


def _meeting_events(old: Tables, new: Tables, diff: "ResourceDiff", events: dict[str, list[str]]) -> None:
    before_rows, after_rows = old.get("meetings", {}), new.get("meetings", {})
    for key in diff.added:
        row = after_rows[key]
        status = row.get("status")
        events[key].append("meeting added" + (f" ({status})" if status and status != "held" else ""))
        if row.get("protocol_published") == "true":
            events[key].append("protocol published")
    for key in diff.removed:
        events[key].append("meeting removed from the portal")
    for key, fields in diff.changed.items():
        before, after = before_rows[key], after_rows[key]
        if "status" in fields:
            events[key].append("meeting cancelled" if after["status"] == "cancelled" else f"status {before['status']} -> {after['status']}")
        if "date" in fields:
            events[key].append(f"rescheduled from {before['date']} to {after['date']}")
        if "protocol_published" in fields:
            events[key].append("protocol published" if after["protocol_published"] == "true" else "protocol withdrawn")
        if "agenda_published" in fields and after["agenda_published"] == "true":
            events[key].append("agenda published")
        other = [f for f in fields if f not in ("status", "date", "protocol_published", "agenda_published", "agenda_item_count", "document_count")]
        if other:
            events[key].append("meeting details changed (" + ", ".join(other) + ")")


@dataclass
class _Paragraphs:
    added: dict[str, list[int]]
    removed: dict[str, list[int]]
    changed: dict[str, list[int]]

    def correction(self, meeting_id: str) -> str | None:
        parts = []
        if self.changed.get(meeting_id):
            parts.append(_section_list(self.changed[meeting_id]))
        if self.added.get(meeting_id):
            parts.append("added " + _section_list(self.added[meeting_id]))
        if self.removed.get(meeting_id):
            parts.append("removed " + _section_list(self.removed[meeting_id]))
        return "; ".join(parts) or None


# Fields that say where a record is printed, not what it says: a protocol re-paginated by a
# correction notice on its first page is not a correction of every later paragraph.
LAYOUT_FIELDS = frozenset({"page"})


def _paragraphs(old: Tables, new: Tables, diffs: dict[str, "ResourceDiff"]) -> _Paragraphs:
    diff = diffs.get("paragraphs", ResourceDiff())
    before, after = old.get("paragraphs", {}), new.get("paragraphs", {})
    changed = [key for key, fields in diff.changed.items() if set(fields) - LAYOUT_FIELDS]
    return _Paragraphs(_numbers(diff.added, after), _numbers(diff.removed, before), _numbers(changed, after))


def _child_events(old: Tables, new: Tables, diffs: dict[str, "ResourceDiff"], paragraphs: _Paragraphs,
                  events: dict[str, list[str]]) -> set[str]:
    """Agenda item and document events per meeting; returns the meetings whose protocol file changed."""
    meetings = diffs.get("meetings", ResourceDiff())
    protocol_meetings: set[str] = set()
    for resource, noun in (("agenda_items", "agenda item"), ("documents", "document")):
        diff = diffs.get(resource, ResourceDiff())
        old_rows, new_rows = old.get(resource, {}), new.get(resource, {})
        per_meeting: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
        for key in diff.added:
            per_meeting[new_rows[key]["meeting_id"]]["added"] += 1
        for key in diff.removed:
            per_meeting[old_rows[key]["meeting_id"]]["removed"] += 1
        for key, fields in diff.changed.items():
            row = new_rows[key]
            if resource == "documents" and row.get("kind") == "protokoll" and "sha256" in fields:
                protocol_meetings.add(row["meeting_id"])
                correction = paragraphs.correction(row["meeting_id"])
                events[row["meeting_id"]].append(f"protocol corrected ({correction})" if correction else
                                                  f"protocol file replaced, no paragraph changed ({row.get('title')})")
            else:
                per_meeting[row["meeting_id"]]["changed"] += 1
        for meeting_id, counts in per_meeting.items():
            if meeting_id in meetings.added or meeting_id in meetings.removed:
                continue
            for verb in ("added", "changed", "removed"):
                if counts.get(verb):
                    events[meeting_id].append(f"{_plural(counts[verb], noun)} {verb}")
    return protocol_meetings


def _paragraph_events(paragraphs: _Paragraphs, protocol_meetings: set[str], events: dict[str, list[str]]) -> None:
    for meeting_id, added in paragraphs.added.items():
        if meeting_id in protocol_meetings:
            continue
        index = next((i for i, e in enumerate(events[meeting_id]) if e == "protocol published"), None)
        if index is not None:
            events[meeting_id][index] = f"protocol published ({_plural(len(added), 'paragraph')})"
        else:
            events[meeting_id].append(f"{_plural(len(added), 'paragraph')} added")
    for meeting_id, changed in paragraphs.changed.items():
        if meeting_id not in protocol_meetings:
            events[meeting_id].append(f"paragraphs re-read ({_section_list(changed)})")


def describe(old: Tables, new: Tables, diffs: dict[str, ResourceDiff]) -> list[str]:
    """One line per changed meeting (and per changed committee/organisation), sorted."""
    events: dict[str, list[str]] = defaultdict(list)
    _meeting_events(old, new, diffs.get("meetings", ResourceDiff()), events)
    paragraphs = _paragraphs(old, new, diffs)
    protocol_meetings = _child_events(old, new, diffs, paragraphs, events)
    _paragraph_events(paragraphs, protocol_meetings, events)
    meetings_old, meetings_new = old.get("meetings", {}), new.get("meetings", {})
    lines = [f"{_meeting_label(key, meetings_new.get(key) or meetings_old.get(key))}: {'; '.join(parts)}"
             for key, parts in events.items()]
    for resource, noun in (("committees", "committee"), ("organisations", "organisation")):
        diff = diffs.get(resource, ResourceDiff())
        lines.extend(f"{noun} added: {key}" for key in diff.added)
        lines.extend(f"{noun} removed: {key}" for key in diff.removed)
        lines.extend(f"{noun} {key} changed ({', '.join(fields)})" for key, fields in diff.changed.items())
    lines.extend(_board_lines(old, new, diffs.get("notices", ResourceDiff())))
    lines.extend(_register_lines(old, new, diffs.get("representatives", ResourceDiff())))
    return sorted(lines)


# Lines that are not about one meeting (the subject of a commit counts the others).
OTHER_LINES = ("committee", "organisation", "bulletin board", "representatives")


def _board_lines(old: Tables, new: Tables, diff: ResourceDiff) -> list[str]:
    """Per organisation: notices posted, taken down and changed (one notice is named by its title)."""
    before, after = old.get("notices", {}), new.get("notices", {})
    events: dict[str, dict[str, list[str]]] = defaultdict(lambda: defaultdict(list))
    for key in diff.added:
        events[after[key]["organisation_id"]]["posted"].append(key)
    for key, fields in diff.changed.items():
        verb = "taken down" if "removed" in fields and after[key].get("removed") else "changed"
        events[after[key]["organisation_id"]][verb].append(key)
    for key in diff.removed:
        events[before[key]["organisation_id"]]["removed"].append(key)
    lines = []
    for organisation, verbs in sorted(events.items()):
        parts = []
        for verb in ("posted", "taken down", "changed", "removed"):
            keys = verbs.get(verb)
            if not keys:
                continue
            title = (after.get(keys[0]) or before.get(keys[0]) or {}).get("title")
            parts.append(f"notice {verb} ({title})" if len(keys) == 1 and title else f"{_plural(len(keys), 'notice')} {verb}")
        lines.append(f"bulletin board of {organisation}: {'; '.join(parts)}")
    return lines


def _register_lines(old: Tables, new: Tables, diff: ResourceDiff) -> list[str]:
    """Per committee: representatives added, changed and removed."""
    before, after = old.get("representatives", {}), new.get("representatives", {})
    counts: dict[str, dict[str, int]] = defaultdict(lambda: defaultdict(int))
    for keys, rows, verb in ((diff.added, after, "added"), (diff.changed, after, "changed"), (diff.removed, before, "removed")):
        for key in keys:
            counts[rows[key]["committee_id"]][verb] += 1
    return [f"representatives of {committee}: " + ", ".join(f"{n} {verb}" for verb, n in verbs.items())
            for committee, verbs in sorted(counts.items())]


_FIELD_WORDS = {"decision": "decisions", "decision_kind": "decision kinds", "title": "titles", "case_number": "case numbers",
                "text": "texts", "beslutsgang": "how decided", "notes": "notes", "sent_to": "recipients",
                "immediately_adjusted": "immediate adjustment"}


def describe_reparse(old: Tables, new: Tables, diffs: dict[str, ResourceDiff], version: int | None) -> list[str]:
    """What reading the stored texts again with the current parser changed, in one line per kind of record
    (``parser upgraded: 12 paragraphs changed in 5 meetings (decisions, titles)``)."""
    lines = []
    for resource in sorted(diffs):
        diff = diffs[resource]
        if diff.empty:
            continue
        rows = {**old.get(resource, {}), **new.get(resource, {})}
        meetings = {rows[k]["meeting_id"] for k in [*diff.added, *diff.removed, *diff.changed] if rows[k].get("meeting_id")}
        counts = [(len(keys), verb) for keys, verb in ((diff.changed, "changed"), (diff.added, "added"), (diff.removed, "removed")) if keys]
        fields = sorted({f for changed in diff.changed.values() for f in changed})
        named = ", ".join(_FIELD_WORDS.get(f, f) for f in fields)
        noun = resource.replace("_", " ")
        first = f"{counts[0][0]} {noun if counts[0][0] != 1 or noun == 'attendance' else noun[:-1]} {counts[0][1]}"
        said = ", ".join([first, *(f"{n} {verb}" for n, verb in counts[1:])])
        lines.append(f"parser upgraded: {said} in {_plural(len(meetings), 'meeting')}" + (f" ({named})" if named else ""))
    return lines or [f"parser upgraded to version {version}: no record changed"]


def commit_message(lines: list[str], diffs: dict[str, ResourceDiff]) -> str:
    counts = ", ".join(
        f"{resource} +{d.counts()['added']} ~{d.counts()['changed']} -{d.counts()['removed']}"
        for resource, d in sorted(diffs.items())
        if not d.empty
    )
    if len(lines) == 1:
        subject = lines[0]
    else:
        meetings = sum(1 for line in lines if ": " in line and not line.startswith(OTHER_LINES))
        subject = f"{_plural(meetings, 'meeting')} changed" if meetings else "data updated"
        if lines:
            first = next((line for line in lines if not line.startswith(OTHER_LINES)), lines[0]) if meetings else lines[0]
            subject += f": {first}" + (" …" if len(lines) > 1 else "")
    if len(subject) > 200:
        subject = subject[:197] + "..."
    body = "\n".join(f"- {line}" for line in lines)
    return f"{subject}\n\n{body}\n\nRecords: {counts}\n"
