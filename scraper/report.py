"""What a run tells its caller: figures, problems (URL, stage, message, source) and what changed."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path


@dataclass(frozen=True)
class Failure:
    """One thing that went wrong for one URL: a fetch, a page that did not parse, a document that
    could not be read, a guard that held a change back. The data it concerns is kept as it was."""

    url: str | None
    stage: str  # fetch, parse, extract, parse-document, guard, held-back, portal, validate, blocked, refused
    message: str
    source: str | None = None  # portal id, or portal/committee

    def as_dict(self) -> dict:
        return {"url": self.url, "stage": self.stage, "message": self.message, **({"source": self.source} if self.source else {})}


def source_stats() -> dict:
    return {"meetings_listed": 0, "meetings_fetched": 0, "failures": 0, "strategy": None}


@dataclass
class RunReport:
    requests: int = 0
    bytes: int = 0
    not_modified: int = 0
    documents_downloaded: int = 0
    documents_extracted: int = 0
    records: dict[str, dict[str, int]] = field(default_factory=dict)
    commit: str | None = None
    reparse_commit: str | None = None
    migrate_commit: str | None = None
    changes: list[str] = field(default_factory=list)
    errors: list[dict] = field(default_factory=list)
    invalid: list[dict] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)
    sources: dict[str, dict] = field(default_factory=dict)
    fetched_meetings: list[str] = field(default_factory=list)
    pending_meetings: int = 0
    quarantined: list[str] = field(default_factory=list)

    def fail(self, failure: Failure) -> None:
        self.errors.append(failure.as_dict())
        if failure.source:
            figures = self.sources.setdefault(failure.source, source_stats())
            figures["failures"] = figures.get("failures", 0) + 1  # a portal's board figures have no count of their own

    def source(self, name: str) -> dict:
        return self.sources.setdefault(name, source_stats())

    @property
    def ok(self) -> bool:
        return not self.errors and not self.invalid

    def as_dict(self) -> dict:
        return {
            "ok": self.ok, "requests": self.requests, "bytes": self.bytes, "not_modified": self.not_modified,
            "documents_downloaded": self.documents_downloaded, "documents_extracted": self.documents_extracted,
            "records": self.records, "commit": self.commit, "reparse_commit": self.reparse_commit,
            "migrate_commit": self.migrate_commit,
            "changes": self.changes, "errors": self.errors, "invalid": self.invalid, "warnings": self.warnings,
            "sources": self.sources, "meetings_fetched": len(self.fetched_meetings),
            "meetings_pending": self.pending_meetings, "quarantined": self.quarantined,
        }

    def log_entry(self, today: str) -> dict:
        """The run's line in the run log: its figures without the long lists."""
        return {"today": today, **{k: v for k, v in self.as_dict().items() if k not in ("changes", "invalid")}}


def write_report(report: RunReport, path: Path) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(report.as_dict(), ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
