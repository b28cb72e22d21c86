"""Text clean-up before reading: mirror noise that is not part of the report.

``clean_text(text) -> (text, findings)``: the text a reader should see, and a ``repair.*`` finding
for every kind of change made (so the quality report can list them).
"""

from __future__ import annotations

from transforms.grid import Finding


def clean_text(text: str) -> tuple[str, list[Finding]]:
    """The text with mirror noise removed; unchanged when there is none."""
    return text, []
