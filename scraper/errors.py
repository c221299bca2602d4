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


class Absent(FetchError):
    """The URL answered with a status the caller said means "there is nothing here" (the JSON
    API's protocol download answers 500 for a meeting without a protocol)."""


class Blocked(FetchError):
    """The portal answered with a block page (captcha, consent wall, refusal) instead of content.
    ``headers`` and ``body`` are that answer, so it can be saved and looked at."""

    def __init__(self, url: str, reason: str, status: int | None, headers: dict[str, str], body: bytes):
        super().__init__(url, reason, status)
        self.headers = headers
        self.body = body


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
