"""Pure transformations: readers, layout detection, normalization, status, quantities, linking."""

PARSER_VERSION = "0.1.0"
