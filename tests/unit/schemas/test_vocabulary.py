"""One vocabulary (schemas/vocabulary.yaml): dim_status, the warehouse checks, pandera, the GX suites
and the palette all hold the same codes."""

from __future__ import annotations

import json
import re

import pytest

from render import palette
from schemas import models, vocabulary
from tests.helpers import ROOT
from warehouse.db import connect
from warehouse.loader import check_files, run_checks

GX = ROOT / "schemas" / "gx" / "expectations"

# (suite, column) → the vocabulary list its value set must equal
GX_SETS = {
    ("fct_task_progress", "status_code"): vocabulary.STATUS_CODES,
    ("fct_task_progress", "status_confidence"): vocabulary.CONFIDENCES,
    ("fct_task_progress", "deadline_basis"): vocabulary.DEADLINE_BASES,
    ("dim_unit", "unit_type"): vocabulary.UNIT_TYPES,
    ("dim_report", "period_type"): vocabulary.PERIOD_TYPES,
}
# model.column → the vocabulary list of its isin check
PANDERA_SETS = {
    (models.TaskRecord, "status"): vocabulary.STATUS_CODES,
    (models.TaskRecord, "status_confidence"): vocabulary.CONFIDENCES,
    (models.TaskRecord, "deadline_basis"): vocabulary.DEADLINE_BASES,
    (models.UnitRow, "unit_type"): vocabulary.UNIT_TYPES,
    (models.UnitRow, "role"): vocabulary.ROLES,
}


def test_the_vocabulary_has_no_repeats():
    for codes in (vocabulary.STATUS_CODES, vocabulary.CONFIDENCES, vocabulary.DEADLINE_BASES, vocabulary.ROLES, vocabulary.UNIT_TYPES, vocabulary.PERIOD_TYPES):
        assert codes and len(set(codes)) == len(codes), codes
    assert [s.code for s in vocabulary.statuses() if s.is_final] == ["completed"]


def test_dim_status_is_seeded_from_the_vocabulary(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    rows = con.execute("SELECT status_code, label_zh, label_en, sort_order, is_final FROM dim_status ORDER BY sort_order").fetchall()
    con.close()
    assert rows == [(s.code, s.label_zh, s.label_en, s.sort_order, s.is_final) for s in vocabulary.statuses()]


@pytest.mark.parametrize(("model", "column"), list(PANDERA_SETS))
def test_pandera_value_sets(model, column):
    checks = model.to_schema().columns[column].checks
    allowed = [c.statistics["allowed_values"] for c in checks if c.name == "isin"]
    assert allowed and sorted(allowed[0]) == sorted(PANDERA_SETS[(model, column)])


def test_gx_value_sets_come_from_the_vocabulary(tmp_path):
    """The committed suites name the vocabulary's lists; the GX project a run uses holds them."""
    from flows.quality import prepare_gx_project

    named, prepared = {}, {}
    for path in GX.glob("*.json"):
        for exp in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            kw = exp["kwargs"]
            if exp["type"] == "expect_column_values_to_be_in_set" and "mostly" not in kw:
                named[(path.stem, kw["column"])] = kw["value_set"]
    assert all(isinstance(v, str) and v.startswith("$") for v in named.values()), named  # no copies of codes
    root = prepare_gx_project(tmp_path / "gx")
    for path in (root / "expectations").glob("*.json"):
        for exp in json.loads(path.read_text(encoding="utf-8"))["expectations"]:
            kw = exp["kwargs"]
            if exp["type"] == "expect_column_values_to_be_in_set" and "mostly" not in kw:
                prepared[(path.stem, kw["column"])] = sorted(kw["value_set"])
    assert prepared == {key: sorted(codes) for key, codes in GX_SETS.items()}


def test_an_unknown_value_set_name_is_an_error():
    with pytest.raises(KeyError, match="no such list"):
        vocabulary.fill_value_sets({"expectations": [{"kwargs": {"column": "x", "value_set": "$colours"}}]})


def test_palette_takes_codes_and_labels_from_the_vocabulary():
    assert list(palette.STATUS) == vocabulary.STATUS_CODES
    assert palette.STATUS_ZH == {s.code: s.label_zh for s in vocabulary.statuses()}
    assert set(palette.STATUS_TINTS) == set(vocabulary.STATUS_CODES)
    assert list(palette.CODE_VALUES["unit_type"]) == vocabulary.UNIT_TYPES
    assert list(palette.PERIOD_ZH) == vocabulary.PERIOD_TYPES


def test_checks_bind_the_lists_instead_of_spelling_them():
    spelled = re.compile(r"'(" + "|".join(vocabulary.STATUS_CODES[:-1] + vocabulary.UNIT_TYPES[:-1]) + r")'\s*,")
    wrong = [p.name for p in check_files() if spelled.search(p.read_text(encoding="utf-8"))]
    assert not wrong, f"checks listing vocabulary codes: {wrong}"


def test_a_code_outside_the_vocabulary_fails_the_checks(tmp_path):
    con = connect(tmp_path / "w.duckdb")
    assert run_checks(con, "error") == []
    con.execute("INSERT INTO dim_unit VALUES (1, '某某办公室', 'agency')")
    con.execute("INSERT INTO dim_status VALUES ('paused', '暂停', 'paused', 7, false)")
    failed = {v["check"]: v["examples"] for v in run_checks(con, "error")}
    con.close()
    assert sorted(failed["codes_allowed"]) == [["dim_status.status_code", "paused"], ["dim_unit.unit_type", "agency"]]
