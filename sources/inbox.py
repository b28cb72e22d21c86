"""What an inbox holds: the report files in its folder, the files and URLs its manifest names, and
the dated folders where a run leaves what it has handled (`done/YYYY-MM-DD/`, `rejected/YYYY-MM-DD/`).

Reading only; the pipeline flow (flows/pipeline.py) decides what to load.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from typing import Any

import yaml

from sources import MANIFEST_NAMES, expand_paths

DONE_DIR = "done"
REJECTED_DIR = "rejected"


@dataclass(frozen=True)
class Source:
    """One report to consider: a local file or a URL, with its manifest entry if it has one."""

    kind: str  # file | url
    location: str
    entry: dict[str, Any] | None = None


@dataclass(frozen=True)
class Missing:
    """A manifest entry that names nothing usable: outcome `missing` (no such file) or `failed`."""

    location: str
    outcome: str
    message: str


class InboxError(RuntimeError):
    """The inbox or its manifest cannot be read; nothing was ingested."""


def manifest_entries(path: Path) -> list[dict[str, Any]]:
    """The entries of a manifest file (same format as samples/sources.yaml), in file order."""
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8")) or {}
    except (OSError, yaml.YAMLError) as exc:
        raise InboxError(f"{path}: cannot read the manifest: {exc}") from exc
    entries = data.get("reports", []) if isinstance(data, dict) else data
    if not isinstance(entries, list) or not all(isinstance(e, dict) for e in entries):
        raise InboxError(f"{path}: a manifest is a list of entries under `reports:` (see samples/sources.yaml)")
    return entries


def inbox_manifest(inbox_dir: Path, manifest: str | None) -> Path | None:
    if manifest:
        path = Path(manifest)
        if not path.is_file():
            raise InboxError(f"{path}: no such manifest")
        return path
    for name in MANIFEST_NAMES:
        if (inbox_dir / name).is_file():
            return inbox_dir / name
    return None


def discover(inbox_dir: str, manifest: str | None = None) -> tuple[list[Source], list[Missing]]:
    """Reports in the inbox folder, files named in its manifest, and URLs listed there.

    Returns the sources (each once) and the manifest entries that cannot be used (a missing file, a
    URL that is not http(s)). Files already moved to `done/` or `rejected/` are not looked at again.
    """
    folder = Path(inbox_dir)
    if not folder.is_dir():
        raise InboxError(f"{folder}: the inbox folder does not exist")
    mpath = inbox_manifest(folder, manifest)
    entries = manifest_entries(mpath) if mpath else []
    sources: list[Source] = []
    missing: list[Missing] = []
    seen: set[str] = set()
    for e in entries:
        url = e.get("url")
        if url:
            scheme = str(url).split(":", 1)[0].lower()
            if scheme not in ("http", "https"):
                missing.append(Missing(str(url), "failed", f"{mpath}: {url}: only http(s) URLs are fetched"))
                continue
            if url not in seen:
                seen.add(str(url))
                sources.append(Source("url", str(url), e))
        elif e.get("file"):
            p = Path(str(e["file"]))
            p = p if p.is_absolute() else mpath.parent / p  # type: ignore[union-attr]
            if not p.is_file():
                missing.append(Missing(str(p), "missing", f"{mpath}: lists {e['file']} but there is no such file"))
                continue
            key = str(p.resolve())
            if key not in seen:
                seen.add(key)
                sources.append(Source("file", str(p), e))
    handled = [(folder / DONE_DIR).resolve(), (folder / REJECTED_DIR).resolve()]
    for p in expand_paths([str(folder)]):
        if any(p.resolve().is_relative_to(h) for h in handled):
            continue
        key = str(p.resolve())
        if key not in seen:
            seen.add(key)
            sources.append(Source("file", str(p)))
    return sources, missing


def move_handled(inbox_dir: str, path: str, accepted: bool, day: date | None = None) -> Path | None:
    """Move a file the run has handled out of the inbox folder into `done/DAY/` (loaded or already
    in) or `rejected/DAY/`; the new path, or None when the file is not directly in the inbox."""
    folder = Path(inbox_dir).resolve()
    src = Path(path)
    if not src.is_file() or src.is_symlink() or not src.resolve().is_relative_to(folder):
        return None
    rel = src.resolve().relative_to(folder)
    if rel.parts[0] in (DONE_DIR, REJECTED_DIR):
        return None
    target_dir = folder / (DONE_DIR if accepted else REJECTED_DIR) / (day or date.today()).isoformat() / rel.parent
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / src.name
    n = 1
    while target.exists():
        target = target_dir / f"{src.stem}.{n}{src.suffix}"
        n += 1
    shutil.move(str(src), str(target))
    return target
