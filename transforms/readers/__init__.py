"""Format readers: bytes of one report → a cell grid. The format is chosen by content."""

from __future__ import annotations

import codecs

from transforms.grid import Grid
from transforms.readers.limits import archive_problem
from transforms.readers.text import read_text


class ReadError(ValueError):
    """The input cannot be read as a task table; the message says what was found."""


def decode(data: bytes) -> tuple[str, str]:
    """Decode report bytes: UTF-8 (with or without BOM), UTF-16 (BOM or not), else GB18030."""
    if data.startswith(codecs.BOM_UTF8):
        return data[len(codecs.BOM_UTF8) :].decode("utf-8", errors="replace"), "utf-8-sig"
    if data.startswith((codecs.BOM_UTF16_LE, codecs.BOM_UTF16_BE)):
        return data.decode("utf-16", errors="replace"), "utf-16"
    sample = data[:4000]
    if sample and sample.count(b"\x00") * 4 > len(sample):
        enc = "utf-16-le" if sample[1:2] == b"\x00" else "utf-16-be"
        return data.decode(enc, errors="replace"), enc
    try:
        return data.decode("utf-8"), "utf-8"
    except UnicodeDecodeError as exc:
        if exc.start >= len(data) - 3:  # a UTF-8 file cut inside its last character
            return data[: exc.start].decode("utf-8"), "utf-8 (cut inside a character)"
    try:
        return data.decode("gb18030"), "gb18030"
    except UnicodeDecodeError:
        return data.decode("utf-8", errors="replace"), "utf-8 (with replacement characters)"


def sniff_format(data: bytes, name: str = "") -> str:
    """text | html | docx | xlsx | csv, decided by content first and by extension second."""
    head = data[:2048].lstrip()
    if head.startswith(b"PK\x03\x04"):
        if b"word/" in data[:65536] or name.lower().endswith(".docx"):
            return "docx"
        if b"xl/" in data[:65536] or name.lower().endswith(".xlsx"):
            return "xlsx"
        return "zip"
    lowered = head[:1024].lower()
    if lowered.startswith((b"<!doctype html", b"<html", b"<?xml")) or b"<table" in data[:200000].lower():
        return "html"
    if name.lower().endswith(".csv"):
        return "csv"
    return "text"


def read_report(data: bytes, name: str = "") -> Grid:
    """Read one report's bytes into a grid, whatever its format."""
    if not data.strip():
        raise ReadError("the file is empty")
    fmt = sniff_format(data, name)
    if fmt in ("docx", "xlsx", "zip") and (problem := archive_problem(data)):
        raise ReadError(problem)
    if fmt == "text":
        text, encoding = decode(data)
        grid = read_text(text)
        grid.format = f"{grid.format};{encoding}"
        return grid
    raise ReadError(f"format {fmt!r} is not supported by this version of luoshi")
