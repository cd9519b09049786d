"""Every parse issue the code can emit is in the catalogue, with a Chinese title and message."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from loaders import issues
from loaders.issues import CATALOGUE, FileProblem, issue

ROOT = Path(__file__).resolve().parents[1]
_EMITTED = re.compile(
    r"""(?:\bissue|\.note|(?<!Assertion)Error|Exceeded|FileProblem|failed_doc)\(\s*(?:[\w.]+,\s*){0,2}"([a-z][a-z0-9-]+)\"""",
)
_CJK = re.compile(r"[\u4e00-\u9fff]")


def _emitted_codes() -> set[str]:
    codes = set()
    for path in [*ROOT.glob("loaders/**/*.py"), *ROOT.glob("dashboard/**/*.py")]:
        codes |= set(_EMITTED.findall(path.read_text(encoding="utf-8")))
    return codes


def test_every_emitted_code_is_catalogued():
    codes = _emitted_codes()
    assert {"no-text-layer", "too-slow", "damaged-file", "unassigned-figure"} <= codes
    assert sorted(codes - set(CATALOGUE)) == []


def test_entries_are_chinese_and_well_formed():
    for code, entry in CATALOGUE.items():
        assert re.fullmatch(r"[a-z][a-z0-9-]+", code)
        assert entry.severity in issues.SEVERITIES
        assert _CJK.search(entry.title), code
        assert entry.template == "{detail}" or _CJK.search(entry.template), code


def test_unknown_codes_are_refused_and_missing_values_keep_the_title():
    with pytest.raises(KeyError):
        issue("made-up-code")
    with pytest.raises(KeyError):
        FileProblem("made-up-code")
    assert issue("too-slow")["message"] == CATALOGUE["too-slow"].title
    row = issue("page-unreadable", 12, page=3, detail="ValueError")
    assert row == {
        "code": "page-unreadable",
        "severity": "error",
        "message": "第3页无法读取（ValueError），该页未读入",
        "source_line": 12,
    }
