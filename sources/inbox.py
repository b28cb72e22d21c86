"""What an inbox holds: the report files in its folder, the files and URLs its manifest names, and
the dated folders where a run leaves what it has handled (`done/YYYY-MM-DD/`, `rejected/YYYY-MM-DD/`).

Reading only; the pipeline flow (flows/pipeline.py) decides what to load.
"""

from __future__ import annotations

import shutil
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from sources import MANIFEST_NAMES, inbox_files, link_out_of
from sources.manifest import ManifestEntry, load_manifest

DONE_DIR = "done"
REJECTED_DIR = "rejected"


@dataclass(frozen=True)
class Source:
    """One report to consider: a local file or a URL, with its manifest entry if it has one."""

    kind: str  # file | url
    location: str
    entry: ManifestEntry | None = None


@dataclass(frozen=True)
class Missing:
    """What cannot be read: a manifest entry that names nothing usable (outcome `missing`: no such
    file; `failed`: a bad entry or manifest), or a file refused (`rejected`: a link out of the inbox)."""

    location: str
    outcome: str
    message: str


class InboxError(RuntimeError):
    """The inbox or its manifest cannot be read; nothing was ingested."""


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
    parsed = load_manifest(mpath, explicit=True) if mpath else None
    sources: list[Source] = []
    # a manifest that cannot be read, and entries that name no report: failed here; an entry that
    # names a report but cannot be used blocks that report when it is prepared (sources/manifest.py)
    missing: list[Missing] = [
        Missing(str(mpath), "failed", problem) for problem in (parsed.problems() if parsed else [])
    ]
    seen: set[str] = set()
    for e in parsed.entries if parsed else []:
        if e.url:
            scheme = e.url.split(":", 1)[0].lower()
            if e.error:
                missing.append(Missing(e.url, "failed", e.error))
                continue
            if scheme not in ("http", "https"):
                missing.append(Missing(e.url, "failed", f"{mpath}: {e.url}: only http(s) URLs are fetched"))
                continue
            if e.url not in seen:
                seen.add(e.url)
                sources.append(Source("url", e.url, e))
        elif e.file:
            p = Path(e.file)
            p = p if p.is_absolute() else mpath.parent / p  # type: ignore[union-attr]
            if link_out_of(p, folder):
                missing.append(
                    Missing(
                        str(p),
                        "rejected",
                        f"{p}: listed in {mpath}, a symbolic link that leads out of the inbox {folder}; not read",
                    )
                )
                seen.add(str(p.resolve()))
                continue
            if not p.is_file():
                missing.append(
                    Missing(
                        str(p),
                        "failed" if e.error else "missing",
                        e.error or f"{mpath}: lists {e.file} but there is no such file",
                    )
                )
                continue
            key = str(p.resolve())
            if key not in seen:
                seen.add(key)
                sources.append(Source("file", str(p), e))
    handled = [(folder / DONE_DIR).resolve(), (folder / REJECTED_DIR).resolve()]
    files, refused = inbox_files(folder)
    for p, reason in refused:
        key = str(p.resolve())
        if key not in seen:
            seen.add(key)
            missing.append(Missing(str(p), "rejected", reason))
    for p in files:
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
    target_dir = (
        folder / (DONE_DIR if accepted else REJECTED_DIR) / (day or date.today()).isoformat() / rel.parent
    )
    target_dir.mkdir(parents=True, exist_ok=True)
    target = target_dir / src.name
    n = 1
    while target.exists():
        target = target_dir / f"{src.stem}.{n}{src.suffix}"
        n += 1
    shutil.move(str(src), str(target))
    return target
