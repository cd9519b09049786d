"""The department briefing (.docx): sections, every finding with its evidence, decisions, layout.

Documents are generated, opened again with python-docx and read the way an auditor reads
them (tests/docx_reading.py). Decisions go through the decisions lookup; the ids come from
``finding_rows``, so the tests hold whether findings are keyed by ``flag_id`` or ``finding_id``.
"""

from __future__ import annotations

import re
import zipfile
from datetime import UTC, date, datetime
from pathlib import Path

import polars as pl
import pytest
from conftest import FIXTURES, SAMPLES
from docx_reading import findings, headings, open_docx, pairs, section, tables, text_lines

from briefing import BriefingInputs, build_docx, decisions_from, no_decisions
from briefing.content import assemble
from briefing.inputs import DECISIONS, finding_rows
from briefing.review_source import reviewed_inputs
from checks.base import FLAGS, make_flag
from checks.engine import run_checks
from checks.registry import BY_CODE
from dashboard.numbers import amount
from loaders.model import DOCUMENTS, PARSE_ISSUES, Corpus, frame
from review.annotate import keyed
from review.store import Finding, open_store

SECTIONS = ["一、基本情况", "二、总体情况", "三、问题明细", "附录：解析问题"]
D004 = "长沙市工业和信息化局"
D003 = "武汉市江汉区工业企业服务中心"
_FIGURE = re.compile(r"\d[\d,]*(?:\.\d+)?%?")


@pytest.fixture(scope="module")
def run(corpus):
    return run_checks(corpus)


@pytest.fixture(scope="module")
def keyed_flags(run):
    """The flags with the review store's keys, as the command and the page pass them."""
    return keyed(run.flags)


def _brief(corpus, flags, department, year, decisions=no_decisions, only=None):
    inputs = BriefingInputs(corpus, flags, decisions)
    return open_docx(build_docx(inputs, department, year, only))


def _department_findings(flags, department, year) -> pl.DataFrame:
    return finding_rows(flags.filter(pl.col("department") == department, pl.col("year") == year))


def _quoted(line: str) -> str:
    return line.replace("\t", " │ ").rstrip()


# ---- the real samples -------------------------------------------------------------------


def test_every_department_lists_every_finding_with_figures_and_source(corpus, run, tmp_path):
    """Through the command's own inputs: every finding, and every flag as a finding or its evidence."""
    inputs = reviewed_inputs(corpus, run, None, tmp_path)  # no review store here
    pairs_ = run.departments.select("department", "year").rows()
    assert len(pairs_) == 5
    for department, year in pairs_:
        document = open_docx(build_docx(inputs, department, year))
        assert headings(document, 1) == SECTIONS
        expected = finding_rows(
            inputs.findings.filter(pl.col("department") == department, pl.col("year") == year),
            inputs.flags,
        )
        shown = findings(document)
        assert len(shown) == expected.height > 0, department
        places = set()
        for row, entry in zip(expected.iter_rows(named=True), shown, strict=True):
            check = BY_CODE[row["check_id"]].CHECK
            assert row["check_id"] in entry.heading and row["subject"] in entry.heading
            facts = entry.facts
            assert facts["问题"] == row["message"]
            for figure in _FIGURE.findall(row["evidence"]):
                assert figure in facts["数据"], (row["evidence"], facts["数据"])
            assert facts["出处"].startswith(f"{row['source_file']} 第{row['source_line']}行")
            if row["amount"] is not None:
                assert facts["涉及金额"] == f"{amount(row['amount'])} 万元"
            assert facts["检查依据"] == f"{check.code} {check.title}：{check.explanation}"
            assert facts["阈值"] == (row["threshold"] or "该检查不设数值阈值")
            assert facts["审核状态"] == "未审核" and facts["审核意见"] == ""
            lines = corpus.texts[row["doc_id"]]
            cited = [q for q in entry.quote if q.startswith("▶")]
            assert len(cited) == 1
            assert cited[0].endswith(_quoted(lines[row["source_line"] - 1]))
            assert f"{row['source_line']}  " in cited[0]
            places.add(f"{row['check_id']} {row['source_file']}:{row['source_line']}")
            places.update(facts.get("其他位置", "").split("; "))
        for flag in run.flags.filter(
            pl.col("department") == department, pl.col("year") == year
        ).iter_rows(named=True):
            place = f"{flag['check_id']} {flag['source_file']}:{flag['source_line']}"
            assert place in places, (department, place)  # a finding or one's evidence
        files = [r.cells[0].text for r in tables(section(document, "一、基本情况"))[1].rows[1:]]
        docs = corpus.documents.filter(pl.col("department") == department, pl.col("year") == year)
        assert files == docs["source_file"].to_list()


def test_flags_of_one_key_are_one_finding(corpus, keyed_flags):
    """The review store's keys group two I01 flags of sample 003 (one indicator, two tables)."""
    document = _brief(corpus, keyed_flags, D003, 2023)
    expected = _department_findings(keyed_flags, D003, 2023)
    department_flags = keyed_flags.filter(pl.col("department") == D003)
    assert expected.height < department_flags.height
    listed = [f.facts.get("其他位置", "") for f in findings(document)]
    for finding_id, members in department_flags.group_by("finding_id", maintain_order=True):
        for other in members.iter_rows(named=True):
            if other["flag_id"] != members["flag_id"][0]:
                place = f"{other['check_id']} {other['source_file']}:{other['source_line']}"
                assert any(place in entry for entry in listed), (finding_id, place)


def test_summary_states_the_reports_total_and_counts(corpus, keyed_flags):
    document = _brief(corpus, keyed_flags, D004, 2022)
    blocks = section(document, "二、总体情况")
    money, by_category = pairs(tables(blocks)[0]), tables(blocks)[1]
    assert money["全年预算"] == "85,578.49 万元"
    assert money["实际支出"] == "72,375.11 万元"
    assert money["执行率"] == "84.57%"  # 72,375.11 ÷ 85,578.49, as the report states it
    assert money["取数"].startswith("004_8408bbae33fc7234.txt 第21行")
    grid = [[c.text for c in r.cells] for r in by_category.rows]
    assert grid[0] == ["类别", "高", "中", "低", "合计"]
    flags = _department_findings(keyed_flags, D004, 2022)
    assert grid[-1] == [
        "合计",
        *(str(flags.filter(pl.col("severity") == s).height) for s in ("high", "medium", "low")),
        str(flags.height),
    ]
    review = pairs(tables(blocks)[2])
    assert review["已审核"] == "0 条（属实 0 条，误报 0 条，已整改 0 条）"
    assert review["待审核"] == f"{flags.height} 条"
    (appendix,) = tables(section(document, "附录：解析问题"))
    issues = corpus.parse_issues.filter(pl.col("source_file") == "004_8408bbae33fc7234.txt")
    grid = [[c.text for c in r.cells] for r in appendix.rows]
    assert len(grid) == issues.height + 1 > 1
    for row, issue in zip(grid[1:], issues.sort("source_line").iter_rows(named=True), strict=True):
        assert row[0] == issue["source_file"] and row[1] == str(issue["source_line"])
        assert row[3] in {"错误", "警告", "提示"} and row[4] == issue["message"]


def test_pdf_findings_name_their_page(tmp_path):
    """The same report as a PDF: every finding's source names the line and the page."""
    from loaders.pipeline import load_paths

    corpus = load_paths([FIXTURES / "formats" / "002.pdf"])
    flags = run_checks(corpus).flags
    department = "衡阳市人民政府国有资产监督管理委员会"
    shown = findings(_brief(corpus, flags, department, 2022))
    expected = _department_findings(flags, department, 2022)
    assert len(shown) == expected.height > 30
    for row, entry in zip(expected.iter_rows(named=True), shown, strict=True):
        assert row["source_place"].startswith("第")
        assert entry.facts["出处"] == (
            f"{row['source_file']} 第{row['source_line']}行（{row['source_place']}）"
        )


# ---- decisions --------------------------------------------------------------------------


def _decided(ids: list[str], statuses: list[str]) -> pl.DataFrame:
    return pl.DataFrame(
        {
            "finding_id": ids,
            "status": statuses,
            "note": [f"意见{i}：<b>已函询</b> & 待复核" for i in range(len(ids))],
            "reviewer": ["张敏", "李强", "王芳", "赵磊"][: len(ids)],
            "decided_at": [datetime(2025, 3, 1, 6, 5 + i, tzinfo=UTC) for i in range(len(ids))],
        },
        schema={k: v for k, v in DECISIONS.items() if k != "outdated"},
    )


def test_decisions_show_on_each_finding_and_in_the_summary(corpus, keyed_flags):
    ids = _department_findings(keyed_flags, D003, 2023)["finding_id"].to_list()
    decisions = _decided(ids[:4], ["属实", "误报", "已整改", "待核实"])
    document = _brief(corpus, keyed_flags, D003, 2023, decisions_from(decisions))
    shown = findings(document)
    for i, status in enumerate(["属实", "误报", "已整改", "待核实"]):
        assert shown[i].facts["审核状态"] == status
        assert shown[i].facts["审核意见"] == f"意见{i}：<b>已函询</b> & 待复核"
    assert shown[0].facts["审核人"] == "张敏（2025-03-01 14:05 北京时间）"
    assert shown[3].facts["审核人"] == "赵磊（2025-03-01 14:08 北京时间）"
    assert all(f.facts["审核状态"] == "未审核" for f in shown[4:])
    review = pairs(tables(section(document, "二、总体情况"))[2])
    assert review["已审核"] == "3 条（属实 1 条，误报 1 条，已整改 1 条）"
    assert review["待审核"] == f"{len(ids) - 3} 条（其中标为待核实 1 条）"


def test_only_confirmed_and_only_open(corpus, keyed_flags):
    ids = _department_findings(keyed_flags, D003, 2023)["finding_id"].to_list()
    lookup = decisions_from(_decided(ids[:4], ["属实", "误报", "已整改", "待核实"]))
    inputs = BriefingInputs(corpus, keyed_flags, lookup)
    confirmed = assemble(inputs, D003, 2023, "confirmed")
    assert [f.finding_id for f in confirmed.findings] == [ids[0], ids[2]]
    assert (
        confirmed.listed
        == f"本部门共 {len(ids)} 条疑点，本简报列出其中 2 条（仅审核属实的问题（含已整改））。"
    )
    open_ = assemble(inputs, D003, 2023, "open")
    assert [f.finding_id for f in open_.findings] == [ids[3], *ids[4:]]
    assert [f.number for f in open_.findings] == list(range(1, len(ids) - 2))
    document = open_docx(build_docx(inputs, D003, 2023, "confirmed"))
    assert [f.facts["审核状态"] for f in findings(document)] == ["属实", "已整改"]
    # the review progress still covers the whole department
    assert pairs(tables(section(document, "二、总体情况"))[2])["已审核"].startswith("3 条")


def test_decisions_made_in_the_review_store_reach_the_briefing(
    review_db, corpus, keyed_flags, tmp_path
):
    """Decide through the review store, write the briefing with ``brief --db``, read it back."""
    from cli.main import main

    rows = list(_department_findings(keyed_flags, D003, 2023).iter_rows(named=True))
    store = open_store(review_db, tmp_path)
    try:
        for row, status, who in zip(
            rows[:3], ["属实", "误报", "已整改"], ["张敏", "李强", "王芳"], strict=True
        ):
            store.set_decision(Finding.from_row(row), status, f"{who}：<b>已核对</b> & 存档", who)
        # a decision on an earlier version of the fourth finding (same topic, other figures)
        earlier = Finding.from_row({**rows[3], "finding_id": "0" * 16, "message": "旧的数字 1.00"})
        store.set_decision(earlier, "误报", "早先的判断", "赵磊")
    finally:
        store.close()
    out = tmp_path / "简报.docx"
    args = ["brief", D003, str(SAMPLES), "--year", "2023", "--db", review_db, "--out", str(out)]
    assert main(args) == 0
    shown = findings(open_docx(out))
    assert [f.facts["审核状态"] for f in shown[:4]] == [
        "属实",
        "误报",
        "已整改",
        "未审核（数字变化前的早期版本曾定为“误报”）",
    ]
    assert shown[0].facts["审核意见"] == "张敏：<b>已核对</b> & 存档"
    assert shown[1].facts["审核人"].startswith("李强（") and "北京时间" in shown[1].facts["审核人"]
    assert shown[3].facts["审核人"].startswith("赵磊（")
    assert {f.facts["审核状态"] for f in shown[4:]} == {"未审核"}
    review = pairs(tables(section(open_docx(out), "二、总体情况"))[2])
    assert review["已审核"] == "3 条（属实 1 条，误报 1 条，已整改 1 条）"
    assert main([*args, "--only-confirmed"]) == 0
    assert [f.facts["审核状态"] for f in findings(open_docx(out))] == ["属实", "已整改"]
    assert main([*args, "--only-open"]) == 0
    assert len(findings(open_docx(out))) == len(rows) - 3


def test_no_store_means_no_decisions_and_nothing_created(tmp_path, monkeypatch):
    from briefing.review_source import open_review_store

    monkeypatch.delenv("BUDGET_AUDIT_DB", raising=False)
    assert open_review_store(None, tmp_path) is None
    assert not (tmp_path / "review.sqlite").exists()


def test_decisions_for_other_findings_are_ignored(corpus, run):
    lookup = decisions_from(_decided(["not-a-finding"], ["属实"]))
    document = _brief(corpus, run.flags, D004, 2022, lookup)  # today's flag_id keys work too
    assert {f.facts["审核状态"] for f in findings(document)} == {"未审核"}


def test_naive_decision_times_are_utc():
    frame_ = _decided(["x"], ["属实"]).with_columns(pl.col("decided_at").dt.replace_time_zone(None))
    got = decisions_from(frame_)(["x"])
    assert got["decided_at"][0] == datetime(2025, 3, 1, 6, 5, tzinfo=UTC)
    with pytest.raises(ValueError, match="reviewer"):
        decisions_from(frame_.drop("reviewer"))


# ---- hand-made inputs: markup, coverage, explanations, grouped findings, parse issues -------

_LINES = [
    "某某局2023年度部门整体支出绩效自评报告",
    "一、预算执行",
    "项目\t预算数\t执行数",
    "<w:t>注入</w:t> & **粗体** [链接](http://example.com) `代码`\x0b\x0c专项\t100.00\t40.00",
    "执行率低的原因是项目延期。",
]


def _handmade(with_coverage: bool = False) -> Corpus:
    document = {
        "doc_id": "d1",
        "source_file": "uploads/某某局.pdf",
        "kind": "整体自评报告",
        "department": "某某局",
        "region": "某某市",
        "year": 2023,
        "status": "partial",
        "message": "表格中的数字 12.00 没有表头或标签，未读入",
        "format": "pdf",
    }
    documents = frame([document], DOCUMENTS)
    if with_coverage:
        documents = documents.with_columns(pl.Series("coverage", [0.875]))
    issues = frame(
        [
            {
                "doc_id": "d1",
                "source_file": "uploads/某某局.pdf",
                "code": "unassigned-figure",
                "severity": "warning",
                "message": "表格中的数字 12.00 没有表头或标签，未读入",
                "source_line": 3,
            },
            {
                "doc_id": "other",
                "source_file": "别的.pdf",
                "code": "no-year",
                "severity": "warning",
                "message": "未能识别年度",
                "source_line": None,
            },
        ],
        PARSE_ISSUES,
    )
    return Corpus(
        {"d1": list(_LINES)},
        {"d1": ["第1页", "第1页", "第2页", "第2页", "第3页"]},
        documents=documents,
        parse_issues=issues,
    )


def _flags(**extra) -> pl.DataFrame:
    row = {
        "doc_id": "d1",
        "source_file": "uploads/某某局.pdf",
        "department": "某某局",
        "year": 2023,
    }
    e01 = make_flag(
        BY_CODE["E01"].CHECK,
        {**row, "source_line": 4},
        subject="<script>alert(1)</script>专项",
        message="“<script>alert(1)</script>专项”预算 100.00 万元，执行 40.00 万元，执行率 40.00%。",
        evidence="预算=100.00；执行=40.00；执行率=40.00%",
        severity="high",
        amount=60.0,
        threshold="执行率<90%（<60% 为高）",
    )
    b01 = make_flag(
        BY_CODE["B01"].CHECK,
        {**row, "source_line": 4},
        subject="<script>alert(1)</script>专项",
        message="结余 60.00 万元，占预算的 60.00%。",
        evidence="结余=60.00；结余占比=60.00%",
        amount=60.0,
    )
    flags = pl.DataFrame([e01, b01], schema=FLAGS, orient="row").with_columns(
        source_place=pl.Series(["第2页", "第2页"])
    )
    return flags.with_columns(**{k: pl.Series(v) for k, v in extra.items()})


def test_report_text_is_written_literally_never_as_markup():
    document = _brief(_handmade(), _flags(), "某某局", 2023)
    (entry, _) = findings(document)
    assert entry.facts["问题"].startswith("“<script>alert(1)</script>专项”")
    assert "<script>alert(1)</script>专项" in entry.heading
    cited = next(q for q in entry.quote if q.startswith("▶"))
    # control characters XML cannot hold are dropped; everything else stays as printed
    assert cited.endswith(
        "<w:t>注入</w:t> & **粗体** [链接](http://example.com) `代码`专项 │ 100.00 │ 40.00"
    )
    body = zipfile.ZipFile(_docx_path(document)).read("word/document.xml").decode()
    assert "&lt;script&gt;" in body and "<script>" not in body and "<w:t>注入" not in body


def _docx_path(document) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "b.docx"
    document.save(path)
    return path


_REASON = "执行率低的原因是项目延期。"


def test_flags_sharing_a_finding_id_are_one_finding_with_the_reports_explanation():
    flags = _flags(
        finding_id=["f1", "f1"],
        explained=[True, None],
        explanation=[_REASON, None],
        explanation_line=[5, None],
    )
    (entry,) = findings(_brief(_handmade(), flags, "某某局", 2023))
    assert entry.facts["报告中的说明"] == f"{_REASON}（第5行）"
    assert entry.facts["其他位置"] == "B01 uploads/某某局.pdf:4"
    assert entry.facts["出处"] == "uploads/某某局.pdf 第4行（第2页）"
    unexplained = _flags(explained=[False, None], explanation=[None, None])
    (first, second) = findings(_brief(_handmade(), unexplained, "某某局", 2023))
    assert first.facts["报告中的说明"] == "报告中未找到对此的说明"
    assert "报告中的说明" not in second.facts  # B01 does not ask for a reason
    # flags without the attribute: no such row
    assert "报告中的说明" not in findings(_brief(_handmade(), _flags(), "某某局", 2023))[0].facts


def _findings_frame(flags: pl.DataFrame) -> pl.DataFrame:
    """One finding of both hand-made flags, in the shape of a check run's ``findings``."""
    e01, b01 = flags.row(0, named=True), flags.row(1, named=True)
    columns = ["check_id", "category", "severity", "doc_id", "source_file", "department", "year"]
    return pl.DataFrame(
        [
            {
                **{c: e01[c] for c in columns},
                "finding_id": "finding-1",
                "subject": e01["subject"],
                "message": e01["message"],
                "evidence": e01["evidence"],
                "source_line": e01["source_line"],
                "source_place": "第2页",
                "amount": 60.0,
                "explained": True,
                "explanation": _REASON,
                "explanation_line": 5,
                "checks": "E01、B01",
                "flag_ids": f"{e01['flag_id']}; {b01['flag_id']}",
                "flags": 2,
                "related_lines": "uploads/某某局.pdf:4; 别的.pdf:9",
            }
        ]
    )


def test_a_findings_frame_takes_the_threshold_and_evidence_from_its_flags():
    flags = _flags()
    inputs = BriefingInputs(_handmade(), _findings_frame(flags), flags=flags)
    (entry,) = findings(open_docx(build_docx(inputs, "某某局", 2023)))
    assert entry.facts["阈值"] == "执行率<90%（<60% 为高）"  # the primary flag's (E01)
    assert entry.facts["其他位置"] == "B01 uploads/某某局.pdf:4; 别的.pdf:9"
    assert entry.facts["报告中的说明"] == f"{_REASON}（第5行）"
    assert entry.heading.startswith("1. 【高】预算执行 · E01 预算执行率偏低：")


def test_inputs_of_a_run_use_its_findings_when_it_groups_flags():
    from types import SimpleNamespace

    from briefing.inputs import inputs_of

    flags = _flags()
    grouped = inputs_of(_handmade(), SimpleNamespace(flags=flags, findings=_findings_frame(flags)))
    assert grouped.findings["finding_id"].to_list() == ["finding-1"] and grouped.flags is flags
    plain_run = inputs_of(_handmade(), SimpleNamespace(flags=flags))
    assert plain_run.findings is flags and plain_run.flags is None


def test_documents_with_read_status_and_coverage_when_the_loader_gives_it():
    for with_coverage, header in (
        (True, ["文件", "格式", "类型", "读取状态", "理解覆盖率", "说明"]),
        (False, ["文件", "格式", "类型", "读取状态", "说明"]),
    ):
        document = _brief(_handmade(with_coverage), _flags(), "某某局", 2023)
        facts, docs = tables(section(document, "一、基本情况"))
        assert pairs(facts)["读入文件"] == "1 个（正常 0，部分读入 1）"
        grid = [[c.text for c in r.cells] for r in docs.rows]
        assert grid[0] == header
        row = dict(zip(header, grid[1], strict=True))
        assert row["文件"] == "uploads/某某局.pdf" and row["格式"] == "PDF"
        assert row["读取状态"] == "部分读入"
        if with_coverage:
            assert row["理解覆盖率"] == "87.50%"


def test_parse_issues_of_the_department_in_the_appendix():
    document = _brief(_handmade(), _flags(), "某某局", 2023)
    (table,) = tables(section(document, "附录：解析问题"))
    grid = [[c.text for c in r.cells] for r in table.rows]
    assert grid == [
        ["文件", "行", "问题", "程度", "说明"],
        [
            "uploads/某某局.pdf",
            "3",
            "数字未归入任何表头",
            "警告",
            "表格中的数字 12.00 没有表头或标签，未读入",
        ],
    ]


def test_a_department_without_findings_says_so():
    document = _brief(_handmade(), _flags().clear(), "某某局", 2023)
    assert [p.text for p in section(document, "三、问题明细")] == ["没有符合条件的问题。"]
    assert pairs(tables(section(document, "二、总体情况"))[0]) == {
        "预算与支出": "报告中没有同时列明全年预算和实际支出的合计行"
    }


# ---- layout: A4, fonts on every run, borders, page numbers ---------------------------------


def test_a4_chinese_fonts_bordered_tables_and_page_numbers(corpus, run):
    data = build_docx(BriefingInputs(corpus, run.flags), D004, 2022)
    document = open_docx(data)
    page = document.sections[0]
    mm = [
        round(length.mm, 1)
        for length in (page.page_width, page.page_height, page.top_margin, page.bottom_margin)
        + (page.left_margin, page.right_margin)
    ]
    assert mm == [210, 297, 37, 35, 28, 26]
    assert document.core_properties.title == "长沙市工业和信息化局2022年度预算绩效审核简报"
    assert {t.style.name for t in document.tables} == {"Table Grid"}
    runs = [r for p in document.paragraphs for r in p.runs]
    runs += [
        r
        for t in document.tables
        for row in t.rows
        for c in row.cells
        for p in c.paragraphs
        for r in p.runs
    ]
    east_asia = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    fonts = {r._r.rPr.rFonts.get(east_asia) for r in runs if r.text}
    assert fonts == {"仿宋", "宋体", "黑体"}
    with zipfile.ZipFile(_save(data)) as z:
        styles = z.read("word/styles.xml").decode()
        footer = next(z.read(n).decode() for n in z.namelist() if n.startswith("word/footer"))
        font_table = z.read("word/fontTable.xml").decode()
    for style in ("Normal", "Title", "Heading1", "Heading2"):
        block = re.search(rf'w:styleId="{style}".*?</w:style>', styles, re.S).group(0)
        assert "eastAsiaTheme" not in block and 'w:eastAsia="' in block, style
    defaults = re.search(r"<w:docDefaults>.*?</w:docDefaults>", styles, re.S).group(0)
    assert "Theme" not in defaults and 'w:eastAsia="zh-CN"' in defaults
    assert "PAGE" in footer and "NUMPAGES" in footer
    for name, fallback in (
        ("仿宋", "Noto Serif CJK SC"),
        ("宋体", "Noto Serif CJK SC"),
        ("黑体", "Noto Sans CJK SC"),
    ):
        assert re.search(rf'w:name="{name}"><w:altName w:val="{fallback}"/>', font_table)
    header_rows = [t.rows[0]._tr.trPr for t in tables(section(document, "一、基本情况"))[1:]]
    assert all(tr is not None and "tblHeader" in tr.xml for tr in header_rows)


def _save(data: bytes) -> Path:
    import tempfile

    path = Path(tempfile.mkdtemp()) / "b.docx"
    path.write_bytes(data)
    return path


def test_generated_date_and_scope_line(corpus, run):
    briefing = assemble(BriefingInputs(corpus, run.flags), D004, 2022, today=date(2025, 3, 1))
    assert briefing.generated == "2025年03月01日"
    document = open_docx(build_docx(BriefingInputs(corpus, run.flags), D004, 2022, "open"))
    assert "范围：仅尚未审核的问题（含标为待核实的）" in text_lines(document)[1]


# ---- the command ------------------------------------------------------------------------


def test_cli_writes_the_briefing(tmp_path, capsys):
    from cli.main import main

    out = tmp_path / "简报.docx"
    assert main(["brief", "工业和信息化", str(SAMPLES), "--out", str(out), "--no-cache"]) == 0
    assert "写出 长沙市工业和信息化局 2022 年度审核简报" in capsys.readouterr().out
    assert headings(open_docx(out), 1) == SECTIONS
    assert main(["brief", D004, str(SAMPLES), "--year", "2020", "--out", str(out)]) == 2
    assert "可用年度：2022" in capsys.readouterr().err
    assert main(["brief", "市", str(SAMPLES), "--out", str(out)]) == 2
    assert "对应多个部门" in capsys.readouterr().err
    assert main(["brief", "不存在的局", str(SAMPLES), "--out", str(out)]) == 2
    assert "没有找到部门“不存在的局”" in capsys.readouterr().err
    assert main(["brief", D004, str(SAMPLES), "--db", "mysql://x/y", "--out", str(out)]) == 2
    assert "不支持的数据库地址" in capsys.readouterr().err
    with pytest.raises(SystemExit):
        main(["brief", D004, "--only-open", "--only-confirmed"])


# ---- the 部门 page --------------------------------------------------------------------


def test_department_page_offers_the_briefing_built_on_click():
    from streamlit.testing.v1 import AppTest

    from dashboard.briefing_download import file_name

    at = AppTest.from_file(
        str(Path(__file__).parents[1] / "dashboard" / "app.py"), default_timeout=60
    )
    at.run()
    at.switch_page("views/department.py")
    at.query_params["dept"] = D003
    at.query_params["year"] = "2023"
    at.run()
    assert not at.exception, [e.value for e in at.exception]
    (button,) = at.get("download_button")
    assert button.proto.label == "下载简报"
    assert button.proto.deferred_file_id  # bytes built when clicked, not on every page run
    assert button.proto.ignore_rerun
    assert file_name(D003, 2023) == "武汉市江汉区工业企业服务中心2023年度审核简报.docx"
