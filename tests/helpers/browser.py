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


# A probe appended to a copy of a page (beside it, so its relative links still resolve): after the
# page's own script ran it measures the layout and writes the result into the DOM as JSON.
LAYOUT_PROBE = """
<script>(function(){
var de=document.documentElement, cramped=[];
document.querySelectorAll('th,td,h1,h2,.kpi').forEach(function(el){
  var r=el.getBoundingClientRect(), text=(el.textContent||'').trim();
  if(!r.width||!r.height||text.length<3)return;
  var fs=parseFloat(getComputedStyle(el).fontSize)||16;
  // a cell or header that shows one character per line: narrower than two characters, taller than three lines
  if(r.width<fs*1.9&&r.height>fs*3.5)cramped.push(el.tagName+': '+text.slice(0,20));
});
var wide=[];
document.querySelectorAll('body *').forEach(function(el){
  var r=el.getBoundingClientRect();
  if(r.right>de.clientWidth+1&&getComputedStyle(el).position!=='fixed'){
    var p=el.parentElement, boxed=false;
    while(p){var o=getComputedStyle(p).overflowX;if(o==='auto'||o==='scroll'||o==='hidden'){boxed=true;break;}p=p.parentElement;}
    if(!boxed)wide.push(el.tagName+'.'+el.className);
  }
});
var out=document.createElement('pre');out.id='layout-probe';
out.textContent=JSON.stringify({innerWidth:window.innerWidth,scrollWidth:de.scrollWidth,clientWidth:de.clientWidth,
  cramped:cramped.slice(0,10),crampedCount:cramped.length,wide:wide.slice(0,10),
  scripted:!!document.querySelector('form.filters:not([hidden])')});
document.body.appendChild(out);
if(window.parent!==window)window.parent.postMessage(out.textContent,'*');})();</script>
"""


def run_probe(html: Path, probe: str, size: str = "1400,900") -> dict:
    """Open a copy of HTML with PROBE (a <script>) appended, in a frame of SIZE (width,height) pixels,
    and return the JSON the probe posted. The frame is the page's viewport (media queries, widths),
    so any width can be measured: a headless window cannot be made narrower than 500 pixels."""
    import html as html_mod
    import json
    import re

    width, height = (int(x) for x in size.split(","))
    copy = html.with_name(f".probe-{html.name}")
    wrap = html.with_name(f".probe-frame-{html.name}")
    copy.write_text(html.read_text(encoding="utf-8").replace("</body>", probe + "</body>"), encoding="utf-8")
    wrap.write_text(
        "<!DOCTYPE html><html><head><meta charset='utf-8'><style>body{margin:0}iframe{border:0;display:block}</style></head><body>"
        f'<iframe src="{copy.name}" width="{width}" height="{height}"></iframe><pre id="layout-probe"></pre>'
        "<script>window.addEventListener('message',function(e){document.getElementById('layout-probe').textContent=e.data;});</script>"
        "</body></html>",
        encoding="utf-8",
    )
    try:
        dom = _run([f"--window-size={width + 40},{height + 40}", "--virtual-time-budget=5000", "--dump-dom", wrap.resolve().as_uri()]).stdout
    finally:
        copy.unlink(missing_ok=True)
        wrap.unlink(missing_ok=True)
    m = re.search(r'<pre id="layout-probe">(.+?)</pre>', dom, re.S)
    if not m:
        raise RuntimeError(f"the probe wrote nothing for {html}")
    return json.loads(html_mod.unescape(m.group(1)))


def layout(html: Path, size: str = "1400,900") -> dict:
    """Overflow figures of a page at a viewport size: scrollWidth and clientWidth of the document,
    elements sticking out of the page outside a scrolling box, cells showing a character per line."""
    return run_probe(html, LAYOUT_PROBE, size)
