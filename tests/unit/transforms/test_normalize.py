"""Leaders and units of named rows of the reference report, and the repairs recorded."""

from __future__ import annotations

import pytest

from transforms.normalize import split_leaders, split_units, unit_type


@pytest.fixture(scope="module")
def by_key(reference_parsed):
    return {(r.table_no, r.seq): r for r in reference_parsed.records}


def test_leaders_spacing_and_roles(by_key):
    assert by_key[(1, 7)].leaders == ["吴诚"]  # `吴 诚`
    assert by_key[(2, 29)].leaders == ["厉有明", "吴诚"]  # `厉有明 吴 诚`
    assert by_key[(2, 89)].leaders == ["张隆富", "吴诚"]
    assert by_key[(2, 3)].leaders == ["国防科工局挂职领导"]  # a role stays one entry
    assert by_key[(1, 9)].leaders == ["张隆富", "张学伟"]


def test_units_fragments_rejoined(by_key):
    assert by_key[(2, 83)].units == ["县政务服务办", "县行政服务中心", "县市监局"]
    assert by_key[(2, 17)].units == ["县农业农村局", "各相关乡镇政府"]  # `各相关乡镇 政府`
    assert by_key[(2, 88)].units == ["县住建局", "县行政服务中心"]


def test_run_together_units_split(by_key):
    assert by_key[(2, 55)].units == ["县公路分局", "县交通运输局", "各相关乡镇政府"]
    assert by_key[(2, 56)].units == ["县交通运输局", "各相关乡镇政府"]


def test_aliases_canonicalized(by_key):
    assert "县卫健委" in by_key[(2, 108)].units and "县卫建委" not in by_key[(2, 108)].units
    assert "县人社局" in by_key[(2, 65)].units and "县人社委" not in by_key[(2, 65)].units
    assert by_key[(2, 92)].units == ["县工业园区管委会", "县科技局"]
    assert by_key[(2, 45)].units == ["县工业园区管委会", "县住建局"]


def test_every_repair_is_recorded(reference_parsed):
    repairs = [f for f in reference_parsed.findings if f.rule.startswith("repair.")]
    kinds = {f.rule for f in repairs}
    assert {"repair.leader_spacing", "repair.unit_rejoined", "repair.unit_split", "repair.unit_canonicalized", "repair.split_row_rejoined"} <= kinds
    canon = [f.message for f in repairs if f.rule == "repair.unit_canonicalized"]
    assert any("县卫建委" in m and "县卫健委" in m for m in canon)
    assert all(f.seq and f.table_no for f in repairs)


def test_unit_types():
    assert unit_type("县教体局") == "department"
    assert unit_type("各乡镇政府") == "collective"
    assert unit_type("各相关乡镇政府") == "collective"
    assert unit_type("文峰镇政府") == "township"
    assert unit_type("白水镇政府") == "township"
    assert unit_type("县城投公司") == "enterprise"
    assert unit_type("县供电分公司") == "enterprise"
    assert unit_type("吉水中学") == "other"


def test_all_reference_units_are_typed_and_named(reference_parsed):
    units = {u for r in reference_parsed.records for u in r.units + r.lead_units + r.co_units}
    assert all(2 <= len(u) <= 40 and " " not in u for u in units)
    assert {unit_type(u) for u in units} >= {"department", "collective", "township", "enterprise"}


def test_split_helpers_on_edge_cases():
    assert split_units("") == ([], [])
    assert split_units("市政局、相关街道")[0] == ["市政局", "相关街道"]
    units, repairs = split_units("县行政服务\n中心 县卫建委")
    assert units == ["县行政服务中心", "县卫健委"] and len(repairs) == 2
    assert split_leaders("张 学 伟 吴文强")[0] == ["张学伟", "吴文强"]
