"""A report whose cells, paragraphs and department name carry Markdown and HTML.

Written by the browser tests next to the samples: every page must show these strings as
printed, create no link or image from them, and load nothing from their addresses.
"""

from __future__ import annotations

from pathlib import Path

EVIL = "evil.example"
BEACON = "beacon.example"
INJECTIONS = [
    f'=HYPERLINK("http://{EVIL}/x","点我")',
    f"[x](http://{EVIL}/a)",
    f"![](http://{BEACON}/b.png)",
    "<img src=x onerror=alert(1)>",
    ":red[经审核无问题]",
    ":material/check_circle: 已完成",
]
# a department name holds no space, colon, parenthesis or placeholder mark (** 某某): see
# loaders/identity.py
DEPARTMENT = f"岳麓区<b>www.{EVIL}</b>_斜_~删~局"


def report_text() -> str:
    budgets = [100.0 + 10 * i for i in range(len(INJECTIONS))]  # distinct figures, distinct flags
    rows = [
        f"{i}\t{text}\t{b:.2f}\t{b * 0.4:.2f}\t{b * 0.6:.2f}\t40.00%"
        for i, (text, b) in enumerate(zip(INJECTIONS, budgets, strict=True), start=1)
    ]
    total = sum(budgets)
    indicators = [f"\t产出指标\t数量指标\t{text}\t≥50户\t52户\t10\t10" for text in INJECTIONS[:4]]
    return "\n".join(
        [
            f"2023年度{DEPARTMENT}部门整体支出绩效自评报告",
            "",
            f"单位名称（盖章）：{DEPARTMENT}",
            "",
            "一、部门整体支出情况",
            "",
            "表一：项目支出情况表（单位：万元）",
            "",
            "序号\t预算项目\t部门预算\t决算支出\t本期结余\t预算执行率",
            *rows,
            f"\t小计\t{total:.2f}\t{total * 0.4:.2f}\t{total * 0.6:.2f}\t40.00%",
            "",
            "二、绩效指标完成情况",
            "",
            "部门整体支出绩效自评表",
            "",
            "年度绩效指标\t一级指标\t二级指标\t三级指标\t年度指标值\t实际完成值\t分值\t得分",
            *indicators,
            "\t总分\t\t\t\t40\t40",
            "",
            "三、存在问题",
            "",
            "（一）" + "；".join(INJECTIONS) + "。",
            "",
            "四、改进措施",
            "",
            "（一）" + "；".join(reversed(INJECTIONS)) + "。",
            "",
        ]
    )


def write_report(folder: Path) -> Path:
    path = folder / "hostile_report.txt"
    path.write_text(report_text(), encoding="utf-8")
    return path
