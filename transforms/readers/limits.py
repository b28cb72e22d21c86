"""Limits on what a reader will open: a zip archive (DOCX/XLSX) is inspected before it is inflated.

A DOCX or XLSX is a zip archive, and a zip archive can declare (or really inflate to) gigabytes
from a few hundred kilobytes. Python's zipfile never inflates a member beyond its declared size,
so refusing archives whose declared sizes are too large is enough to keep a zip bomb out.
"""

from __future__ import annotations

import io
import zipfile

MAX_MEMBERS = 10_000  # a real DOCX/XLSX has tens to a few hundred members
MAX_TOTAL_BYTES = 200 * 1024 * 1024  # declared uncompressed size of all members together
MAX_RATIO = 200  # declared : compressed, for members over RATIO_FLOOR bytes
RATIO_FLOOR = 10 * 1024 * 1024


def _size(n: int) -> str:
    if n >= 2**20:
        return f"{n / 2**20:,.0f} MB"
    if n >= 2**10:
        return f"{n / 2**10:,.0f} KB"
    return f"{n} bytes"


def archive_problem(data: bytes) -> str | None:
    """Why this zip archive must not be opened (a message), or None when it is safe to read."""
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as zf:
            infos = zf.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, OSError, ValueError, EOFError) as exc:
        return f"not a readable zip archive (DOCX/XLSX are zip archives): {exc}"
    if len(infos) > MAX_MEMBERS:
        return f"the archive holds {len(infos):,} members (at most {MAX_MEMBERS:,} are read); refused as a possible zip bomb"
    total = sum(i.file_size for i in infos)
    if total > MAX_TOTAL_BYTES:
        return (
            f"the archive's members declare {_size(total)} uncompressed (at most {_size(MAX_TOTAL_BYTES)} are read) "
            f"in a file of {_size(len(data))}; refused as a possible zip bomb"
        )
    for i in infos:
        if i.file_size > RATIO_FLOOR and i.file_size > MAX_RATIO * max(i.compress_size, 1):
            return (
                f"{i.filename} declares {_size(i.file_size)} from {_size(i.compress_size)} "
                f"(more than {MAX_RATIO}:1); refused as a possible zip bomb"
            )
    return None
