"""I/O edge for inputs: archiving raw bytes by sha256, finding report files, reading manifests
(sources/manifest.py)."""

from __future__ import annotations

import hashlib
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

from sources.manifest import (
    MANIFEST_NAMES,
    Manifest,
    ManifestEntry,
    ManifestError,
    find_manifest_entry,
    load_manifest,
    manifests_for,
    overrides_entry,
)
from warehouse.faults import fault_point

__all__ = [
    "MANIFEST_NAMES",
    "REPORT_SUFFIXES",
    "ArchivedFile",
    "Manifest",
    "ManifestEntry",
    "ManifestError",
    "archive_bytes",
    "expand_paths",
    "find_manifest_entry",
    "inbox_files",
    "link_out_of",
    "load_manifest",
    "manifests_for",
    "overrides_entry",
    "sha256_bytes",
]

REPORT_SUFFIXES = {".txt", ".html", ".htm", ".docx", ".xlsx", ".csv", ".shtml", ""}


@dataclass(frozen=True)
class ArchivedFile:
    source: str  # the path or URL it came from
    file_name: str
    sha256: str
    raw_path: str
    size: int


def sha256_bytes(data: bytes) -> str:
    return hashlib.sha256(data).hexdigest()


def archive_bytes(data: bytes, source: str, raw_dir: Path) -> ArchivedFile:
    """Keep the raw bytes under raw_dir/<sha[:2]>/<sha><suffix>; never modified, written atomically."""
    digest = sha256_bytes(data)
    name = Path(source.split("?")[0].rstrip("/")).name or "report"
    suffix = Path(name).suffix.lower()[:8]
    target = raw_dir / digest[:2] / f"{digest}{suffix}"
    if not target.exists():
        target.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=".incoming-")
        try:
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            fault_point("archive")
            os.replace(tmp, target)
        finally:
            if os.path.exists(tmp):
                os.unlink(tmp)
    return ArchivedFile(source=source, file_name=name, sha256=digest, raw_path=str(target), size=len(data))


def expand_paths(paths: list[str]) -> list[Path]:
    """Files named, plus every report-looking file inside named folders (manifests excluded)."""
    out: list[Path] = []
    for p in paths:
        path = Path(p)
        if path.is_dir():
            for child in sorted(path.rglob("*")):
                if (
                    child.is_file()
                    and child.name not in MANIFEST_NAMES
                    and not child.name.startswith(".")
                    and child.suffix.lower() in REPORT_SUFFIXES
                    and child.suffix.lower() not in (".yaml", ".yml", ".md")
                ):
                    out.append(child)
        else:
            out.append(path)
    return out


def link_out_of(path: Path, root: Path) -> bool:
    """Would reading `path` follow a symbolic link that leads out of the folder `root`?

    A path in the folder (as written) must lead to a file in it; a path named outside it (a
    manifest may list files elsewhere) must not itself be a link that leads elsewhere."""
    real_root = root.resolve()
    real = path.resolve()
    if real.is_relative_to(real_root):
        return False
    written = Path(os.path.abspath(path))
    if written.is_relative_to(Path(os.path.abspath(root))) or written.is_relative_to(real_root):
        return True
    return path.is_symlink()


def inbox_files(folder: Path) -> tuple[list[Path], list[tuple[Path, str]]]:
    """The report files in an inbox folder (as expand_paths finds them), and the refused ones with
    the reason: symbolic links that lead out of the folder (nothing of their target is read)."""
    files: list[Path] = []
    refused: list[tuple[Path, str]] = []
    for p in expand_paths([str(folder)]):
        if link_out_of(p, folder):
            refused.append((p, f"{p}: a symbolic link that leads out of the inbox {folder}; not read"))
        else:
            files.append(p)
    return files, refused
