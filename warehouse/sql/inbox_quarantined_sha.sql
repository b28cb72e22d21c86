-- quarantined files by sha256 with their reason (the inbox skips them unless retry_quarantined)
SELECT sha256, reason FROM quarantine;
