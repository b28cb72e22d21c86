"""Text clean-up before reading: mirror noise that is not part of the report.

``clean_text(text) -> (text, findings)``: the text a reader should see, and a ``repair.*`` finding
for every kind of change made (so the quality report can list them). Each repair fires only on the
evidence of its own noise in the text, so a clean page comes back unchanged:

- pinyin glosses a mirror writes after characters (``實(shí)``) are dropped, and a lost character
  printed as ``?`` plus its gloss (``?(zhì)``, ``?jiǎn)``) is removed with it (repair.pinyin_gloss);
- punctuation a mirror doubles (``,,`` ``,。`` ``,、``) is collapsed (repair.doubled_punctuation);
- a page in traditional characters is converted to simplified with OpenCC t2s
  (repair.traditional_to_simplified);
- injected gambling advertising (schemas/mappings/spam.yaml) is removed (repair.spam).
"""

from __future__ import annotations

import re
from dataclasses import replace
from functools import cache, lru_cache

from transforms.grid import Finding

# a pinyin syllable: Latin letters with at least one tone mark (a plain "(a)" or "(km)" is no gloss)
_TONED = "āáǎàēéěèīíǐìōóǒòūúǔùǖǘǚǜü"
_SYLLABLE = rf"[a-z{_TONED}]*[{_TONED}][a-z{_TONED}]*"
GLOSS = re.compile(rf"(?<=[\u3400-\u9fff])[(（]{_SYLLABLE}[)）]")
LOST_GLOSS = re.compile(rf"\?[(（]?{_SYLLABLE}[)）]")
MIN_GLOSSES = 3  # a page with fewer is not a glossing mirror

# a comma a mirror writes before other punctuation: ',,' ',。' ',、' ',;'
BAD_PAIR = re.compile(r"[,，](?=[、。;；:：?？!！])")
# a doubled comma inside a sentence (after a word, figure or closing mark, before a word or an
# opening mark, a space between allowed): `國防,,加快` `方案》,,聯合` `8個,, 2020年`
DOUBLE_COMMA = re.compile(r"(?<=[\w%)）”》」])[,，]{2,}(?=[ \u3000]?[\w“(（《「])")
MIN_BAD_PAIRS = 3

CJK = re.compile(r"[\u3400-\u9fff]")
MIN_TRADITIONAL_SHARE = 0.04  # share of CJK characters that t2s changes; simplified pages stay near 0
MIN_TRADITIONAL_CHANGED = 10
# frequent traditional-only characters: a cheap first test before OpenCC looks at the text
TRADITIONAL_HINT = re.compile(
    "[們這個為來說會與對時從過還發經實當頭開關機動長問體點車東區縣鄉鎮華國學業務項進報單園場電維護設計劃興資產農員質邊標"
    "準確統際總義優衛網擴營應創費導組織級辦幫銷傳稅監環聯歸檢驗覽戶數據處節線號鐵橋廣條]"
)


@cache
def _t2s():
    import opencc

    return opencc.OpenCC("t2s")


@cache
def _spam_pattern() -> re.Pattern[str]:
    from transforms.mappings import _load

    spec = _load("spam")
    strong = sorted(spec.get("strong") or [], key=len, reverse=True)
    weak = sorted(spec.get("weak") or [], key=len, reverse=True)
    tails = sorted(spec.get("tails") or [], key=len, reverse=True)
    tail = "|".join(map(re.escape, tails))
    glue = r"[A-Za-z0-9]+"
    strong_re = rf"(?:{glue})?(?:{'|'.join(map(re.escape, strong))})(?:{glue})?(?:{tail})*"
    weak_words = "|".join(map(re.escape, weak))
    # a weak word counts only with advertising glued on: Latin/digits before it, or a tail after it
    weak_re = rf"(?:{glue}(?:{weak_words})(?:{glue})?(?:{tail})*|(?:{weak_words})(?:{glue})?(?:{tail})+)"
    return re.compile(f"{strong_re}|{weak_re}")


def _repair(rule: str, count: int, what: str) -> Finding:
    return Finding(rule, "info", f"{count} {what}", None, None)


def _strip_glosses(text: str) -> tuple[str, int]:
    if ("(" not in text and "（" not in text) or not any(ch in text for ch in _TONED):
        return text, 0
    if len(GLOSS.findall(text, 0, 200_000)) < MIN_GLOSSES:
        return text, 0
    text, lost = LOST_GLOSS.subn("", text)
    text, n = GLOSS.subn("", text)
    return text, n + lost


def _collapse_punctuation(text: str) -> tuple[str, int]:
    if len(BAD_PAIR.findall(text, 0, 200_000)) < MIN_BAD_PAIRS:
        return text, 0
    text, n = BAD_PAIR.subn("", text)
    text, m = DOUBLE_COMMA.subn(lambda mt: mt.group(0)[0], text)
    return text, n + m


def _to_simplified(text: str) -> tuple[str, int]:
    if len(TRADITIONAL_HINT.findall(text, 0, 20_000)) < MIN_TRADITIONAL_CHANGED:
        return text, 0
    sample = "".join(CJK.findall(text[:20_000]))
    if len(sample) < 20:
        return text, 0
    converted = _t2s().convert(sample)
    changed = sum(a != b for a, b in zip(sample, converted, strict=False))
    if changed < MIN_TRADITIONAL_CHANGED or changed < MIN_TRADITIONAL_SHARE * len(sample):
        return text, 0
    out = _t2s().convert(text)
    return out, sum(a != b for a, b in zip(text, out, strict=False)) if len(out) == len(text) else changed


@cache
def _spam_words() -> re.Pattern[str]:
    """The strong and weak words of spam.yaml as one alternation: one scan tells whether any
    occurs (a search per word reads a whole report a score of times)."""
    from transforms.mappings import _load, alternation

    spec = _load("spam")
    return alternation((spec.get("strong") or []) + (spec.get("weak") or []))


def _remove_spam(text: str) -> tuple[str, int]:
    if _spam_words().search(text) is None:
        return text, 0
    return _spam_pattern().subn("", text)


def clean_text(text: str) -> tuple[str, list[Finding]]:
    """The text with mirror noise removed; unchanged when there is none."""
    out, findings = _clean(text)  # a report's text is read more than once (read_candidates)
    return out, [replace(f) for f in findings]  # copies: a caller may number them


@lru_cache(maxsize=4)
def _clean(text: str) -> tuple[str, tuple[Finding, ...]]:
    findings: list[Finding] = []
    text, n = _strip_glosses(text)
    if n:
        findings.append(
            _repair(
                "repair.pinyin_gloss", n, "pinyin gloss(es) after characters removed (a mirror's additions)"
            )
        )
    text, n = _collapse_punctuation(text)
    if n:
        findings.append(
            _repair(
                "repair.doubled_punctuation", n, "doubled punctuation mark(s) collapsed (',,' ',。' ',、')"
            )
        )
    text, n = _to_simplified(text)
    if n:
        findings.append(
            _repair(
                "repair.traditional_to_simplified",
                n,
                "traditional character(s) converted to simplified (OpenCC t2s)",
            )
        )
    text, n = _remove_spam(text)
    if n:
        findings.append(
            _repair("repair.spam", n, "injected advertising phrase(s) removed (schemas/mappings/spam.yaml)")
        )
    return text, tuple(findings)
