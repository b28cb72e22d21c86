"""Mirror clean-up before reading (transforms/readers/clean.py) on excerpts of real mirror pages."""

from __future__ import annotations

import pytest

from tests.helpers import FIXTURES, SAMPLES
from transforms.readers import read_candidates
from transforms.readers.clean import clean_text

REAL = FIXTURES / "realpages"


def rules(findings: list) -> dict[str, str]:
    return {f.rule: f.message for f in findings}


def test_traditional_mirror_with_glosses_becomes_plain_simplified() -> None:
    text = (
        "序號(hào) | 項(xiàng)目?jī)?nèi)容 | 牽頭單位 |\n"
        "1 | 已完成第一季度結(jié)對(duì)儀式,,簽訂結(jié)對(duì)幫扶協(xié)議,。 | 縣教育局 |\n"
        "2 | 第一季度:受援地,、支援地的學(xué)校; 第二季度:?jiǎn)?dòng)隨遷子女新生報名,; | 縣教育局 |\n"
    )
    out, findings = clean_text(text)
    assert "序号 | 项目" in out
    assert "已完成第一季度结对仪式,签订结对帮扶协议。" in out
    assert "受援地、支援地的学校;" in out
    assert "(" not in out and "?" not in out
    assert "县教育局" in out
    got = rules(findings)
    assert set(got) == {"repair.pinyin_gloss", "repair.doubled_punctuation", "repair.traditional_to_simplified"}
    assert got["repair.doubled_punctuation"].startswith("4 ")
    assert all(f.severity == "info" for f in findings)


def test_page_118_is_cleaned() -> None:
    out, findings = clean_text((REAL / "118.txt").read_text(encoding="utf-8"))
    assert "2023年省政府民生实事项目实施计划(截至4月10日)" in out
    assert "我县共承办省政府民生实事指标46项、市政府" in out
    assert len(findings) == 3


@pytest.mark.parametrize(
    ("text", "kept"),
    [
        ("投入福利彩票公益金300万元,改造体育设施", True),
        ("体育彩票销售额增长5%", True),
        ("开设多彩课程(第1期),,见附件", True),  # one ',,' and no mirror pattern: left alone
        ("项目(a)与项目(b)", True),
        ("成绩(chéng)", True),  # one toned gloss is not a glossing mirror
        ("项目,,牵头单位,,配合单位\n1,,教育局,,", True),  # CSV empty fields
    ],
)
def test_clean_text_leaves_ordinary_text_alone(text: str, kept: bool) -> None:
    out, findings = clean_text(text)
    assert (out == text) is kept
    assert findings == []


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("要紧密团结在以足彩app哪个是正规的同志为核心的党中央周围", "要紧密团结在以同志为核心的党中央周围"),
        ("发布机构: | 365彩票数", "发布机构: | 数"),
        ("澳门娱乐城官网推荐", "澳门推荐"),
        ("彩票app下载", ""),
    ],
)
def test_injected_advertising_is_removed(text: str, expected: str) -> None:
    out, findings = clean_text(text)
    assert out == expected
    assert [f.rule for f in findings] == ["repair.spam"]
    assert findings[0].message.startswith("1 ")


def test_spam_removal_on_real_mirror_pages() -> None:
    for page, gone in (("181", "足彩"), ("111", "彩票")):
        out, findings = clean_text((REAL / f"{page}.txt").read_text(encoding="utf-8"))
        assert gone not in out
        assert [f.rule for f in findings] == ["repair.spam"]


@pytest.mark.parametrize("page", ["107", "119", "184", "168", "104"])
def test_simplified_pages_are_unchanged(page: str) -> None:
    text = (REAL / f"{page}.txt").read_text(encoding="utf-8")
    assert clean_text(text) == (text, [])


def test_reference_report_is_unchanged() -> None:
    text = (SAMPLES / "jishui-2020-progress.txt").read_text(encoding="utf-8")
    assert clean_text(text) == (text, [])


def test_repairs_reach_the_reading() -> None:
    page = "序号 | 工作任务 | 牵头单位 | 进展情况 |\n1 | 新建学校2所 | 教育局 | 已开工,365彩票官网 |\n"
    grids = read_candidates(page.encode("utf-8"), "page.txt")
    assert grids
    assert any(f.rule == "repair.spam" for f in grids[0].findings)
