"""Talking to Meetings Plus portals: the HTTP client, and pure parsers of its pages and JSON."""
