"""What a reader may accept: the errors a file that cannot be read raises, and the `readers:` limits
of schemas/quality.yaml that every reader, the layout and the normalizer check."""

from __future__ import annotations

from functools import cache

from schemas.quality import quality_config


class ReadError(ValueError):
    """The input cannot be read as a task table; the message says what was found."""


class LimitError(ReadError):
    """The input is beyond a limit of schemas/quality.yaml (`readers:`); the message names it."""


@cache
def reader_limits() -> dict[str, int]:
    """The `readers:` limits of schemas/quality.yaml (every one of them is set there)."""
    return {k: int(v) for k, v in (quality_config().get("readers") or {}).items()}
