from __future__ import annotations

import csv
import re

from conftest import SAMPLES

from cli.main import main
from dashboard.export import neutralise, to_csv_bytes


def _rows(path):
    with path.open(encoding="utf-8-sig") as fh:
        return list(csv.DictReader(fh))


def test_scan_writes_flags_summary_and_ranking(tmp_path):
    out = tmp_path / "out"
    assert main(["scan", str(SAMPLES), "--out", str(out)]) == 0
    flags = _rows(out / "flags.csv")
    assert len(flags) > 50
    assert list(flags[0])[:12] == [
        "flag_id",
        "check_id",
        "category",
        "severity",
        "doc_id",
        "source_file",
        "department",
        "year",
        "subject",
        "message",
        "evidence",
        "source_line",
    ]
    summary = _rows(out / "check_summary.csv")
    assert {r["check_id"] for r in summary} >= {"E01", "T01", "A01", "C01", "V01"}
    assert all(int(r["applied"]) >= int(r["flagged"]) or r["scope"] == "corpus" for r in summary)
    ranking = _rows(out / "departments.csv")
    assert [int(r["rank"]) for r in ranking] == [1, 2, 3, 4, 5]


def test_flags_filters_and_csv(tmp_path):
    target = tmp_path / "f.csv"
    assert (
        main(
            [
                "flags",
                str(SAMPLES),
                "--category",
                "coverage",
                "--min-severity",
                "high",
                "--csv",
                str(target),
            ]
        )
        == 0
    )
    rows = _rows(target)
    assert rows and all(r["类别代码"] == "coverage" and r["严重程度代码"] == "high" for r in rows)
    assert all(r["类别"] == "内容缺失" and r["严重程度"] == "高" for r in rows)
    assert target.read_bytes().startswith(b"\xef\xbb\xbf")
    # a file for auditors: every header Chinese, amounts with 2 decimals at most
    assert all(not re.search(r"[A-Za-z]", h) for h in rows[0])
    assert all(re.fullmatch(r"-?\d+\.\d{2}|", r["涉及金额（万元）"]) for r in rows)
    assert (
        main(
            [
                "flags",
                str(SAMPLES),
                "--department",
                "长沙市工业和信息化局",
                "--year",
                "2022",
                "--csv",
                str(target),
            ]
        )
        == 0
    )
    rows = _rows(target)
    assert rows and {r["部门"] for r in rows} == {"长沙市工业和信息化局"}


def test_formula_injection_is_neutralised():
    import polars as pl

    assert neutralise('=HYPERLINK("x")') == '\'=HYPERLINK("x")'
    assert neutralise("+cmd") == "'+cmd" and neutralise("@SUM(A1)") == "'@SUM(A1)"
    assert (
        neutralise("-12.5") == "-12.5" and neutralise("-") == "'-" and neutralise("正常") == "正常"
    )
    raw = to_csv_bytes(pl.DataFrame({"a": ["=1+1", "ok"], "n": [-1.0, 2.0]})).decode("utf-8-sig")
    assert raw.splitlines()[1] == "'=1+1,-1.0"


def test_bad_rules_file_is_reported(tmp_path, capsys):
    bad = tmp_path / "r.toml"
    bad.write_text("[E01]\nnope = 1\n", encoding="utf-8")
    assert main(["scan", str(SAMPLES), "--out", str(tmp_path / "o"), "--rules", str(bad)]) == 2
    assert "E01.nope" in capsys.readouterr().err
