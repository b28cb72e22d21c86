"""The pandera models are strict: they name every column of the frames they check, and the loader's
staging frames of a real report pass them as they are."""

from __future__ import annotations

from datetime import date

import pandas as pd
import pandera.errors as pa_errors
import pytest

from schemas import models
from tests.helpers import REFERENCE
from transforms.pipeline import parse_report
from warehouse import loader


@pytest.fixture(scope="module")
def staged() -> dict[str, pd.DataFrame]:
    data = REFERENCE.read_bytes()
    parsed = parse_report(data, REFERENCE.name, as_of=date(2020, 11, 30), plan_year=2020, period_type="year_end")
    load = loader.ReportLoad("吉水县", 2020, date(2020, 11, 30), "year_end", "0" * 64, REFERENCE.name, parsed.records, parsed.findings)
    parts = loader._parts(load)
    n = len(parts)
    return loader.batch_frames(parts, list(range(1, n + 1)), [1] * n, [None] * n)


@pytest.mark.parametrize(("frame", "model"), [("st_units", models.UnitRow), ("st_leaders", models.LeaderRow)])
def test_staging_frames_pass_their_strict_model(staged, frame, model):
    df = staged[frame]
    assert len(df) > 10 and model.Config.strict is True
    assert set(df.columns) == set(model.to_schema().columns)
    model.validate(df, lazy=True)
    with pytest.raises(pa_errors.SchemaErrors, match="column_in_schema"):
        model.validate(df.assign(unexpected=1), lazy=True)


def test_every_model_is_strict():
    for model in (models.RawTaskRow, models.TaskRecord, models.UnitRow, models.LeaderRow):
        assert model.to_schema().strict is True, model.__name__
