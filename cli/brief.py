"""``budget-audit brief DEPARTMENT --year Y --out FILE.docx``: the department's 审核简报."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

import polars as pl

from briefing import build_docx
from briefing.review_source import reviewed_inputs
from checks.settings import RulesError
from cli.main import _checks, _close, _load, _reading_options, _report_failures
from cli.review import _database_options, _workspace
from loaders.dataset import CorpusDataset
from review.store import ReviewError


def add_parser(sub) -> None:
    brief = sub.add_parser("brief", help="生成部门审核简报（Word 文档）")
    brief.add_argument("department", help="部门名称（全称，或能唯一确定部门的一部分）")
    brief.add_argument("paths", nargs="*", help="文件或文件夹；默认 data/samples")
    brief.add_argument("--year", type=int, help="年度；该部门只有一个年度时可省略")
    brief.add_argument("--out", help="输出的 .docx 文件（默认 <部门><年度>年度审核简报.docx）")
    only = brief.add_mutually_exclusive_group()
    only.add_argument(
        "--only-confirmed", action="store_true", help="只列审核属实（含已整改）的问题"
    )
    only.add_argument("--only-open", action="store_true", help="只列尚未审核（含待核实）的问题")
    brief.add_argument("--rules", help="自定义阈值文件（TOML）")
    _database_options(brief)  # where the review decisions are (--db, --workspace)
    _reading_options(brief)
    brief.set_defaults(func=cmd_brief)


def resolve(pairs: pl.DataFrame, department: str, year: int | None) -> tuple[str, int] | str:
    """The department and year asked for, or a message saying what is there instead."""
    names = pairs["department"].unique(maintain_order=True).to_list()
    matches = [department] if department in names else [n for n in names if department in n]
    if not matches:
        listed = "、".join(names) or "（没有读入任何部门）"
        return f"没有找到部门“{department}”。读入的部门：{listed}"
    if len(matches) > 1:
        return f"“{department}”对应多个部门，请写全称：{'、'.join(matches)}"
    name = matches[0]
    years = sorted(pairs.filter(pl.col("department") == name)["year"].drop_nulls().to_list())
    if year is None and len(years) == 1:
        return name, years[0]
    if year is None or year not in years:
        asked = "未指定年度" if year is None else f"没有 {year} 年度的报告"
        return f"{name}{asked}；可用年度：{'、'.join(map(str, years))}（用 --year 指定）"
    return name, year


def cmd_brief(args: argparse.Namespace) -> int:
    try:
        corpus, _missing = _load(args)
        run = _checks(corpus, args)
    except RulesError as exc:
        print(f"[规则错误] {exc}", file=sys.stderr)
        return 2
    finally:
        _close(args)
    _report_failures(corpus)
    pairs = corpus.documents.select("department", "year").drop_nulls("department")
    chosen = resolve(pairs, args.department, args.year)
    if isinstance(chosen, str):
        print(f"[错误] {chosen}", file=sys.stderr)
        return 2
    department, year = chosen
    if isinstance(corpus, CorpusDataset):  # the department's partition is all the brief reads
        corpus = corpus.corpus([corpus.partition_of(department, year)])
    only = "confirmed" if args.only_confirmed else "open" if args.only_open else None
    try:
        inputs = reviewed_inputs(corpus, run, args.db, _workspace(args))
    except ReviewError as exc:
        print(f"[审核数据库] {exc}", file=sys.stderr)
        return 2
    data = build_docx(inputs, department, year, only)
    out = Path(args.out or f"{department}{year}年度审核简报.docx")
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_bytes(data)
    print(f"写出 {department} {year} 年度审核简报：{out}")
    return 0
