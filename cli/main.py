"""``budget-audit`` command line: scan reports, list flags, write a briefing, serve the dashboard, review."""

from __future__ import annotations

import argparse
import os
import sys
import time
from pathlib import Path

from checks.base import CATEGORIES, FLAG_COLUMNS, SEVERITY_RANK
from checks.engine import CheckRun
from checks.filters import filter_flags
from checks.findings import FINDING_COLUMNS
from checks.partitioned import run_partitioned
from checks.result_cache import cached_run_checks
from checks.settings import RulesError
from dashboard.export import write_csv, write_csv_parts
from dashboard.labels import label
from loaders import model
from loaders.cache import ParseCache, default_cache_dir
from loaders.dataset import CorpusDataset
from loaders.executors import executor
from loaders.limits import Limits
from loaders.pipeline import LOADER_VERSION, Corpus, load_paths, printable_name
from loaders.scan import scan_to_dataset

SAMPLES = Path(__file__).resolve().parents[1] / "data" / "samples"


def _frame(source: Corpus | CorpusDataset, name: str):
    """One whole frame, in file order, of an in-memory corpus or a scanned dataset."""
    if isinstance(source, CorpusDataset):
        return source.whole(name)
    return source.frames[name]


def _write_tables(source: Corpus | CorpusDataset, out: Path) -> None:
    """One CSV per frame of the model (documents.csv, budget_lines.csv, accounts.csv …).

    A dataset is written one frame at a time, each in pieces of consecutive files, so memory
    holds a piece of one frame, never the corpus.
    """
    out.mkdir(parents=True, exist_ok=True)
    for name in model.FRAMES:
        if isinstance(source, CorpusDataset):
            parts = (model.csv_order(p, name) for p in source.whole_parts(name))
            write_csv_parts(parts, out / f"{name}.csv")
        else:
            write_csv(model.csv_order(_frame(source, name), name), out / f"{name}.csv")


def _report_failures(corpus: Corpus) -> None:
    for row in corpus.documents.filter(corpus.documents["status"] != "ok").iter_rows(named=True):
        label = "失败" if row["status"] == "failed" else "部分读入"
        print(f"[{label}] {row['source_file']}: {row['message']}", file=sys.stderr)


def _load(args: argparse.Namespace) -> tuple[Corpus | CorpusDataset, list[Path]]:
    """The files read: a corpus in memory with ``--no-cache``, else the scanned dataset."""
    paths = [Path(p) for p in args.paths] or [SAMPLES]
    missing = [p for p in paths if not p.exists()]
    for p in missing:
        print(f"[失败] {printable_name(str(p))}: 路径不存在", file=sys.stderr)
    present = [p for p in paths if p.exists()]
    workers = args.workers or os.cpu_count() or 1
    if args.no_cache:
        if args.executor != "local":
            raise SystemExit("--executor ray 需要解析缓存（不能与 --no-cache 同用）")
        return load_paths(present, Limits.from_env(), None, workers, isolate=True), missing
    cache = ParseCache(Path(args.cache or default_cache_dir()), LOADER_VERSION)
    args.run_on = executor(args.executor, args.address, workers)
    dataset = scan_to_dataset(present, cache, Limits.from_env(), args.run_on)
    for problem in cache.problems:
        print(f"[缓存] {problem}", file=sys.stderr)
    return dataset, missing


def _reading_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--cache", help="解析缓存目录（默认 工作目录/cache）；未改动的文件不重复解析"
    )
    command.add_argument("--no-cache", action="store_true", help="不读也不写解析缓存")
    command.add_argument("--workers", type=int, help="并行解析的进程数（默认 CPU 核数）")
    command.add_argument(
        "--executor",
        choices=["local", "ray"],
        default="local",
        help="在哪里解析和检查：local（本机，默认）或 ray（Ray 集群，见 --address）",
    )
    command.add_argument(
        "--address",
        help="Ray 集群地址（ray start --head 打印的 主机:端口；auto：本机已启动的集群）",
    )


def _checks(source: Corpus | CorpusDataset, args: argparse.Namespace) -> CheckRun:
    """The checks' results; with the parse cache on, unchanged input reuses the last results."""
    rules = Path(args.rules) if args.rules else None
    folder = None if args.no_cache else Path(args.cache or default_cache_dir())
    if isinstance(source, CorpusDataset):
        run_on = getattr(args, "run_on", None)
        return cached_run_checks(
            source, rules, folder, lambda settings: run_partitioned(source, settings, run_on)
        )
    return cached_run_checks(source, rules, folder)


def _close(args: argparse.Namespace) -> None:
    run_on = getattr(args, "run_on", None)
    if run_on is not None:
        run_on.close()


def cmd_scan(args: argparse.Namespace) -> int:
    started = time.perf_counter()
    try:
        try:
            source, missing = _load(args)
            run = _checks(source, args)
        except RulesError as exc:
            print(f"[规则错误] {exc}", file=sys.stderr)
            return 2
    finally:
        _close(args)
    out = Path(args.out)
    _write_tables(source, out)
    write_csv(run.flags.select(FLAG_COLUMNS), out / "flags.csv")
    write_csv(run.findings.select(FINDING_COLUMNS), out / "findings.csv")
    write_csv(run.summary, out / "check_summary.csv")
    write_csv(run.departments, out / "departments.csv")
    _report_failures(source)
    for row in run.summary.filter(run.summary["warning"] != "").iter_rows(named=True):
        print(f"[提示] {row['check_id']} {row['title']}：{row['warning']}", file=sys.stderr)
    docs = source.documents
    n_ok = docs.filter(docs["status"] == "ok").height
    n_failed = docs.filter(docs["status"] == "failed").height
    rows = {name: _count(source, name) for name in model.ROW_FRAMES}
    print(
        f"读取 {docs.height} 个文件（正常 {n_ok}，部分 {docs.height - n_ok - n_failed}，失败 {n_failed}）；"
        f"预算行 {rows['budget_lines']}，绩效指标 {rows['indicators']}，"
        f"文字段落 {rows['narratives']}，解析问题 {rows['parse_issues']}"
    )
    counts = run.findings["severity"].value_counts()
    by = dict(zip(counts["severity"], counts["count"], strict=True))
    print(
        f"问题 {run.findings.height} 个（高 {by.get('high', 0)}，中 {by.get('medium', 0)}，"
        f"低 {by.get('low', 0)}），由 {run.flags.height} 条疑点归并"
    )
    print(f"输出目录：{printable_name(str(out))}（用时 {time.perf_counter() - started:.2f} 秒）")
    return 1 if missing and docs.height == 0 else 0


def _count(source: Corpus | CorpusDataset, name: str) -> int:
    if isinstance(source, CorpusDataset):
        return source.count(name)
    return source.frames[name].height


def cmd_flags(args: argparse.Namespace) -> int:
    try:
        corpus, missing = _load(args)
        run = _checks(corpus, args)
    except RulesError as exc:
        print(f"[规则错误] {exc}", file=sys.stderr)
        return 2
    finally:
        _close(args)
    _report_failures(corpus)
    source, noun = (run.findings, "个问题") if args.findings else (run.flags, "条疑点")
    flags = filter_flags(source, args.category, args.min_severity, args.department, args.year)
    if args.csv:  # a file for auditors: Chinese headers and names, codes in their own columns
        from cli.review import with_review_columns

        rows = with_review_columns(flags, run.findings, args)
        write_csv(rows, Path(args.csv), float_precision=2)
        print(f"写出 {flags.height} {noun}到 {args.csv}")
    else:
        for row in flags.iter_rows(named=True):
            place = f"（{row['source_place']}）" if row.get("source_place") else ""
            print(
                f"[{label('severity', row['severity'])}] {row['check_id']} {row['source_file']}:{row['source_line']}{place} {row['message']}"
            )
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    from cli.serve import serve

    return serve(
        args.paths,
        host=args.host,
        port=args.port,
        rules=args.rules,
        workspace=args.workspace,
        db=args.db,
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="budget-audit",
        description="部门预算绩效自评报告审核工具 / budget performance report screening",
    )
    sub = parser.add_subparsers(dest="command", required=True)
    scan = sub.add_parser("scan", help="读取报告并输出表格（CSV，UTF-8 BOM）")
    scan.add_argument("paths", nargs="*", help="文件或文件夹；默认 data/samples")
    scan.add_argument("--out", default="out", help="输出目录（默认 out/）")
    scan.add_argument("--rules", help="自定义阈值文件（TOML），覆盖 checks/rules.toml")
    _reading_options(scan)
    scan.set_defaults(func=cmd_scan)

    flags = sub.add_parser("flags", help="列出疑点，可筛选并导出 CSV")
    flags.add_argument("paths", nargs="*", help="文件或文件夹；默认 data/samples")
    flags.add_argument("--csv", help="写出 CSV 文件（UTF-8 BOM，防公式注入）")
    flags.add_argument("--category", action="append", choices=CATEGORIES, help="类别，可重复")
    flags.add_argument("--min-severity", choices=list(SEVERITY_RANK), help="最低严重程度")
    flags.add_argument("--department", action="append", help="部门名称，可重复")
    flags.add_argument("--year", action="append", type=int, help="年度，可重复")
    flags.add_argument("--rules", help="自定义阈值文件（TOML）")
    flags.add_argument("--db", help="审核数据库（CSV 带上审核状态、说明、审核人、时间）")
    flags.add_argument(
        "--findings", action="store_true", help="按问题列出（同一事实的疑点归为一个问题）"
    )
    _reading_options(flags)
    flags.set_defaults(func=cmd_flags)

    from cli.brief import add_parser as add_brief
    from tools.synth import add_parser as add_synth

    add_brief(sub)
    add_synth(sub)
    from cli.review import add_parsers as add_review

    add_review(sub)
    serve = sub.add_parser("serve", help="启动审核看板（Streamlit）")
    serve.add_argument("paths", nargs="*", help="文件或文件夹；默认 data/samples")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8501)
    serve.add_argument("--rules", help="自定义阈值文件（TOML）")
    serve.add_argument(
        "--workspace",
        help="工作目录：上传的文件和解析缓存保存在其中（默认 ~/.local/share/budget-audit）",
    )
    serve.add_argument(
        "--db",
        help="审核数据库：postgresql://… 或 SQLite 文件（默认 BUDGET_AUDIT_DB，否则 工作目录/review.sqlite）",
    )
    serve.set_defaults(func=cmd_serve)
    return parser


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    return args.func(args)


if __name__ == "__main__":
    sys.exit(main())
