"""Prefect flow `inbox`: the pipeline (flows/pipeline.py) on an inbox folder, the unattended run
behind the `yearly` and `monthly` deployments (prefect.yaml) and `luoshi inbox`.

The inbox is its folder's report files, the files its manifest (sources.yaml) names elsewhere, and
the URLs the manifest lists (downloaded). Files quarantined by an earlier run are skipped unless
`retry_quarantined`; the folder's own files, once handled, move to `done/YYYY-MM-DD/` or
`rejected/YYYY-MM-DD/` (files named by the manifest stay where they are).

`scheduled_inbox` is what the deployments run: the same flow, retried once when its run fails
(a retry re-parses the files its first attempt quarantined, so a bad file fails it again).
"""

from __future__ import annotations

from flows.pipeline import pipeline

inbox = pipeline.with_options(name="inbox")
scheduled_inbox = inbox.with_options(retries=1, retry_delay_seconds=60)
