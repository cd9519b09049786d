"""Each check: its true positive, its exclusions, a settings override; the registry's promises."""

from __future__ import annotations

import tomllib

import pytest
from check_fixtures import FIXTURES

from checks.base import CATEGORIES, FLAG_COLUMNS, SEVERITIES
from checks.engine import run_checks
from checks.registry import CHECKS
from checks.settings import DEFAULT_RULES, RulesError, load_rules

CODES = [c.CHECK.code for c in CHECKS]


def _settings(code: str, **override) -> dict:
    return {**load_rules(None, CHECKS)[code], **override}


def test_every_check_has_docs_fixture_and_settings():
    rules = tomllib.loads(DEFAULT_RULES.read_text(encoding="utf-8"))
    assert len(set(CODES)) == len(CODES)
    for module in CHECKS:
        info = module.CHECK
        assert info.title and info.explanation and len(info.doc) > 80, info.code
        assert (
            info.category in CATEGORIES
            and info.severity in SEVERITIES
            and info.scope in ("row", "corpus")
        )
        assert info.code in FIXTURES, f"{info.code} has no fixture"
        assert info.code in rules, f"{info.code} has no [table] in rules.toml"
        assert set(rules[info.code]) <= set(info.defaults), info.code
    assert {c.CHECK.category for c in CHECKS} == set(CATEGORIES)


@pytest.mark.parametrize("code", CODES)
def test_true_positive(code):
    module = next(c for c in CHECKS if c.CHECK.code == code)
    positive = FIXTURES[code][0]
    result = module.run(positive, _settings(code))
    assert result.flags, f"{code} found nothing in its positive fixture"
    for flag in result.flags:
        assert set(FLAG_COLUMNS) <= set(flag) and flag["check_id"] == code
        assert flag["message"] and flag["evidence"] and flag["source_line"] is not None


@pytest.mark.parametrize("code", CODES)
def test_exclusions_do_not_flag(code):
    module = next(c for c in CHECKS if c.CHECK.code == code)
    assert module.run(FIXTURES[code][1], _settings(code)).flags == []


@pytest.mark.parametrize("code", CODES)
def test_settings_override_changes_the_outcome(code):
    module = next(c for c in CHECKS if c.CHECK.code == code)
    positive, _, override, expected = FIXTURES[code]
    default_count = len(module.run(positive, _settings(code)).flags)
    flags = module.run(positive, _settings(code, **override)).flags
    assert len(flags) == expected
    if expected == default_count:  # same count: the override must show in severity or threshold
        assert any(f["severity"] != "medium" or f["threshold"] for f in flags)


def test_unknown_rule_key_is_an_error_naming_it(tmp_path):
    bad = tmp_path / "rules.toml"
    bad.write_text("[E01]\nexplain_belowx = 80\n", encoding="utf-8")
    with pytest.raises(RulesError, match="E01.explain_belowx"):
        load_rules(bad, CHECKS)
    bad.write_text("[Z99]\nx = 1\n", encoding="utf-8")
    with pytest.raises(RulesError, match="Z99"):
        load_rules(bad, CHECKS)


def test_user_rules_override_defaults(tmp_path, corpus):
    strict = tmp_path / "strict.toml"
    strict.write_text("[E01]\nexplain_below = 99.9\n", encoding="utf-8")
    default = run_checks(corpus).flags.filter(lambda: True) if False else run_checks(corpus).flags
    stricter = run_checks(corpus, strict).flags
    assert (
        stricter.filter(stricter["check_id"] == "E01").height
        > default.filter(default["check_id"] == "E01").height
    )


def test_template_text_shared_by_most_documents_is_not_boilerplate():
    from check_fixtures import DOC, corpus, narrative

    docs = [
        {
            **DOC,
            "doc_id": f"d{i}",
            "source_file": f"f{i}.txt",
            "department": f"部门{i}",
            "kind": "整体自评报告",
            "region": "",
            "status": "ok",
            "message": "",
            "encoding": "utf-8",
            "n_lines": 1,
        }
        for i in range(4)
    ]
    form = "说明：项目支出需要填报基本支出以外的所有项目支出情况，包括业务工作项目、运行维护项目和市级专项资金等。"
    rows = [
        narrative("改进措施", form, doc_id=f"d{i}", source_file=f"f{i}.txt", department=f"部门{i}")
        for i in range(4)
    ]
    module = next(c for c in CHECKS if c.CHECK.code == "T01")
    result = module.run(corpus(narratives=rows, docs=docs), _settings("T01"))
    assert result.flags == [] and result.not_applicable["模板文字"] == 4
    # the same text in only two of the four documents is copying
    result = module.run(corpus(narratives=rows[:2], docs=docs), _settings("T01"))
    assert len(result.flags) == 1 and "跨 2 个部门" in result.flags[0]["message"]
