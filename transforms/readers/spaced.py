"""Reader for text dumps whose cells are not separated by pipes on every line.

``read_spaced(text) -> Grid | None``: None when the text does not look like this family.
"""

from __future__ import annotations

from transforms.grid import Grid


def read_spaced(text: str) -> Grid | None:
    """Rows of cells separated by runs of spaces (empty cells vanish), or None."""
    return None
