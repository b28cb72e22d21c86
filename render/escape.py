"""The one HTML escape helper of every page luoshi writes (tracker site, quality report).

Every value taken from the data goes through `esc`, so a cell holding `<script>` is shown as text.
"""

from __future__ import annotations

import html
from typing import Any


def esc(value: Any) -> str:
    """HTML-escaped text of a value ('' for None), quotes included, safe in text and attributes."""
    return "" if value is None else html.escape(str(value), quote=True)
