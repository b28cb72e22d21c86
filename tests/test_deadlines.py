"""Deadlines from 完成时限 cells and task texts (transforms/deadlines.py)."""

from __future__ import annotations

from datetime import date

import pytest

from transforms.deadlines import find_deadline


@pytest.mark.parametrize(
    ("text", "phrase", "when"),
    [
        ("2020年12月底", "2020年12月底", date(2020, 12, 31)),
        ("年底前", "年底前", date(2020, 12, 31)),
        ("6月底前建成城南二小", "6月底前", date(2020, 6, 30)),
        ("三季度", "三季度", date(2020, 9, 30)),
        ("第一季度末", "第一季度末", date(2020, 3, 31)),
        ("上半年", "上半年", date(2020, 6, 30)),
        ("2021年12月", "2021年12月", date(2021, 12, 31)),
        ("9月投入使用", "9月", date(2020, 9, 30)),
        ("全年", "全年", date(2020, 12, 31)),
        ("年内启动尚贤、冠山等6个乡镇供水管网设施建设", "年内", date(2020, 12, 31)),
        ("2023年6月30日", "2023年6月30日", date(2023, 6, 30)),
        ("6月30日前", "6月30日前", date(2020, 6, 30)),
        ("十月底", "十月底", date(2020, 10, 31)),
    ],
)
def test_deadline_phrases(text, phrase, when):
    d = find_deadline(text, 2020)
    assert d is not None and (d.text, d.date, d.standing) == (phrase, when, False)


@pytest.mark.parametrize("text", ["长期坚持", "持续推进", "常态化开展"])
def test_standing_duties_have_no_deadline(text):
    d = find_deadline(text, 2020)
    assert d is not None and d.standing and d.date is None


@pytest.mark.parametrize("text", ["推进城乡供水一体化建设", "1-9月完成投资", "建设3个月内投用的站点", "", None])
def test_texts_without_a_deadline(text):
    assert find_deadline(text, 2020) is None


def test_without_a_plan_year_only_a_written_year_gives_a_date():
    assert find_deadline("6月底前", None).date is None
    assert find_deadline("2022年6月底前", None).date == date(2022, 6, 30)
