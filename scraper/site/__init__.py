"""The published side: Datasette metadata, canned queries and settings."""
