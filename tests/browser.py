"""Headless Chromium (Debian `chromium`) for tests that open generated HTML as a person would."""

from __future__ import annotations

import shutil
import subprocess
import tempfile
from pathlib import Path

FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium() -> str | None:
    return shutil.which("chromium") or shutil.which("chromium-browser")


def _run(args: list[str], timeout: float = 90) -> subprocess.CompletedProcess[str]:
    exe = chromium()
    if exe is None:
        raise RuntimeError("chromium is not installed (make test installs it with apt-get)")
    with tempfile.TemporaryDirectory() as profile:
        return subprocess.run(
            [exe, *FLAGS, f"--user-data-dir={profile}", *args],
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )


def dump_dom(html: Path) -> str:
    """The DOM after the page's scripts ran, as Chromium serializes it."""
    return _run(["--dump-dom", html.resolve().as_uri()]).stdout


def screenshot(html: Path, png: Path, size: str = "1280,2000") -> Path:
    """A PNG screenshot of the page."""
    _run([f"--screenshot={png}", f"--window-size={size}", html.resolve().as_uri()])
    if not png.exists():
        raise RuntimeError(f"chromium wrote no screenshot for {html}")
    return png


def non_blank_fraction(png: Path) -> float:
    """Share of pixels that are not (near) white — a blank page gives about 0."""
    from PIL import Image

    with Image.open(png) as im:
        gray = im.convert("L")
        hist = gray.histogram()
    total = sum(hist)
    return 1 - sum(hist[245:]) / total
