"""Open data from Meetings Plus meeting portals: scrape, validate, publish, serve."""

__version__ = "0.1.0"
