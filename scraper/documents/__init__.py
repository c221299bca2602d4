"""Documents: PDF to text, and the parsers of protocols and summaries."""

# The version of what the document parsers make of a text. Raise it whenever their output changes:
# a package that records an older version is read again from its stored texts (``meetings reparse``).
PARSER_VERSION = 3
