"""Prefect flow `ingest_report`: the pipeline (flows/pipeline.py) on report files or folders named
on the command line (`luoshi ingest`). Quarantined files are parsed again; nothing is moved."""

from __future__ import annotations

from flows.pipeline import pipeline

ingest_report = pipeline.with_options(name="ingest_report")
