"""The few named errors of the library. The CLI turns them into messages in one place."""

from __future__ import annotations


class MeetingsError(Exception):
    """Base class: an error a user can act on."""


class ConfigError(MeetingsError):
    """portals.toml is missing, malformed, or names an unknown portal."""


class FetchError(MeetingsError):
    """A request failed for good (after retries): network error, HTTP error status, budget."""

    def __init__(self, url: str, reason: str, status: int | None = None):
        self.url = url
        self.reason = reason
        self.status = status
        super().__init__(f"{url}: {reason}")


class ParseError(MeetingsError):
    """A page did not have the markup the parser expects."""

    def __init__(self, url: str, reason: str):
        self.url = url
        self.reason = reason
        super().__init__(f"{url}: {reason}")


class RepoError(MeetingsError):
    """The data repository cannot be used (not a git repo, locked, ...)."""


class PackageError(MeetingsError):
    """A data package on disk cannot be read (missing, not JSON, a CSV that does not parse)."""


class ValidationFailed(MeetingsError):
    """The data package does not pass validation."""
