"""``budget-audit`` command line: scan reports, list flags, serve the dashboard."""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

from dashboard.export import write_csv
from loaders import model
from loaders.pipeline import Corpus, load_paths

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _write_tables(corpus: Corpus, out: Path) -> None:
    out.mkdir(parents=True, exist_ok=True)
    write_csv(model.csv_order(corpus.documents, "documents"), out / "documents.csv")
    write_csv(model.csv_order(corpus.budget_lines, "budget_lines"), out / "budget_lines.csv")
    write_csv(model.csv_order(corpus.indicators, "indicators"), out / "indicators.csv")
    write_csv(model.csv_order(corpus.parse_issues, "parse_issues"), out / "parse_issues.csv")
    write_csv(corpus.narratives, out / "narratives.csv")


def _report_failures(corpus: Corpus) -> None:
    for row in corpus.documents.filter(corpus.documents["status"] != "ok").iter_rows(named=True):
        label = "失败" if row["status"] == "failed" else "部分读入"
        print(f"[{label}] {row['source_file']}: {row['message']}", file=sys.stderr)


def cmd_scan(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    paths = [Path(p) for p in args.paths] or [SAMPLES]
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(f"[失败] {p}: 路径不存在", file=sys.stderr)
    corpus = load_paths([p for p in paths if p.exists()])
    out = Path(args.out)
    _write_tables(corpus, out)
    _report_failures(corpus)
    docs = corpus.documents
    n_ok = docs.filter(docs["status"] == "ok").height
    n_failed = docs.filter(docs["status"] == "failed").height
    print(
        f"读取 {docs.height} 个文件（正常 {n_ok}，部分 {docs.height - n_ok - n_failed}，失败 {n_failed}）；"
        f"预算行 {corpus.budget_lines.height}，绩效指标 {corpus.indicators.height}，"
        f"文字段落 {corpus.narratives.height}，解析问题 {corpus.parse_issues.height}"
    )
    print(f"输出目录：{out}（用时 {time.perf_counter() - started:.2f} 秒）")
    return 1 if missing and docs.height == 0 else 0


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budget-audit",
        description="部门预算绩效自评报告审核工具 / budget performance report screening",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    scan = sub.add_parser("scan", help="读取报告并输出表格（CSV，UTF-8 BOM）")
    scan.add_argument("paths", nargs="*", help="文件或文件夹；默认 data/samples")
    scan.add_argument("--out", default="out", help="输出目录（默认 out/）")
    scan.set_defaults(func=cmd_scan)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
