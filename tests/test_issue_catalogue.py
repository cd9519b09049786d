"""Every parse issue the loader writes is of a catalogued kind."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from conftest import ROOT

from loaders.issues import CATALOGUE, SEVERITIES, issue


def test_catalogue_entries_are_complete():
    for code, kind in CATALOGUE.items():
        assert kind.code == code and kind.title and kind.template
        assert kind.severity in SEVERITIES


def test_issue_formats_its_template_and_rejects_unknown_codes():
    row = issue("unassigned-figure", 12, figure="1,452.35")
    assert row == {
        "code": "unassigned-figure",
        "severity": "warning",
        "message": "表格中的数字 1,452.35 没有表头或标签，未读入",
        "source_line": 12,
    }
    with pytest.raises(KeyError):
        issue("no-such-code")


def test_every_code_raised_in_the_loaders_is_catalogued():
    pattern = re.compile(
        r"(?:issue|detail|note|failed_doc\([^,]+,[^,]+,|Error|Exceeded)\(\s*\"([a-z][a-z0-9-]+)\""
    )
    codes = set()
    for path in Path(ROOT, "loaders").rglob("*.py"):
        codes |= set(pattern.findall(path.read_text(encoding="utf-8")))
    codes |= set(
        re.findall(
            r"failed_doc\([^)]*?\"([a-z][a-z0-9-]+)\"", Path(ROOT, "dashboard/data.py").read_text()
        )
    )
    assert codes, "the pattern found no codes: it is broken"
    assert codes <= set(CATALOGUE), sorted(codes - set(CATALOGUE))


def test_sample_issues_are_catalogued(corpus):
    codes = set(corpus.parse_issues["code"].to_list())
    assert codes <= set(CATALOGUE), sorted(codes - set(CATALOGUE))
