"""``budget-audit review list|set|export|import`` and ``budget-audit users add|list|remove``."""

from __future__ import annotations

import argparse
import getpass
import sys
from pathlib import Path

import polars as pl

from checks.settings import RulesError
from dashboard.workspace import workspace_dir
from review.annotate import (
    FILTERS,
    export_columns,
    filter_status,
    keyed,
    local_time,
    of_findings,
    status_labels,
    with_decisions,
)
from review.schema import STATUSES
from review.store import DECISIONS, Finding, ReviewError, ReviewStore, open_store
from review.transfer import decisions_csv, history_csv, import_csv
from review.users import Users


def _workspace(args: argparse.Namespace) -> Path:
    folder = getattr(args, "workspace", None)
    return Path(folder).expanduser().resolve() if folder else workspace_dir()


def _store(args: argparse.Namespace) -> ReviewStore:
    return open_store(args.db, _workspace(args))


def _database_options(command: argparse.ArgumentParser) -> None:
    command.add_argument(
        "--db",
        help="审核数据库：postgresql://用户:密码@主机/库 或 SQLite 文件路径"
        "（默认 环境变量 BUDGET_AUDIT_DB，否则 工作目录/review.sqlite）",
    )
    command.add_argument("--workspace", help="工作目录（默认 仓库下 workspace/）")


def _findings(args: argparse.Namespace, store: ReviewStore) -> pl.DataFrame:
    """The current flags of the given reports, keyed and with their decisions."""
    from cli.main import _checks, _close, _load, _report_failures

    try:
        corpus, _missing = _load(args)
        _report_failures(corpus)
        findings = _checks(corpus, args).findings
    finally:
        _close(args)
    return with_decisions(keyed(findings), store.decisions())


def with_review_columns(
    flags: pl.DataFrame, findings: pl.DataFrame, args: argparse.Namespace
) -> pl.DataFrame:
    """The auditors' flag (or finding) file with 审核状态, 审核说明, 审核人, 审核时间 (as the
    dashboard's). A flag carries the decision on its finding."""
    from dashboard.auditor_export import findings_for_auditors, flags_for_auditors

    try:
        decisions = _store(args).decisions()
    except Exception as exc:  # the flag list is still worth writing without the decisions
        reason = str(getattr(exc, "orig", None) or exc).strip().splitlines()[0]
        print(f"[提示] 审核数据库无法打开，审核列留空：{reason}", file=sys.stderr)
        decisions = pl.DataFrame(schema=DECISIONS)
    if "flag_ids" in flags.columns:  # the rows are findings
        reviewed = with_decisions(keyed(flags), decisions)
        return pl.concat(
            [findings_for_auditors(reviewed), export_columns(reviewed)], how="horizontal"
        )
    reviewed = of_findings(flags, with_decisions(keyed(findings), decisions))
    return pl.concat([flags_for_auditors(reviewed), export_columns(reviewed)], how="horizontal")


def cmd_list(args: argparse.Namespace) -> int:
    store = _store(args)
    shown = filter_status(_findings(args, store), args.status)
    shown = shown.unique("finding_id", keep="first", maintain_order=True)
    for row in shown.with_columns(status_labels().alias("_label")).iter_rows(named=True):
        by = f" · {row['reviewer']} {local_time(row['decided_at'])}" if row["reviewer"] else ""
        note = f" · {row['review_note']}" if row["review_note"] else ""
        print(
            f"[{row['_label']}] {row['finding_id']} {row['check_id']} {row['department']} "
            f"{row['year']} {row['subject'][:30]}{by}{note}"
        )
    counts = shown["review_status"].value_counts()
    summary = "，".join(f"{s} {n}" for s, n in counts.sort("review_status").iter_rows())
    print(f"共 {shown.height} 条疑点（{summary or '无'}）；数据库：{store.display_url}")
    return 0


def cmd_set(args: argparse.Namespace) -> int:
    store = _store(args)
    findings = _findings(args, store)
    matches = findings.filter(pl.col("finding_id").str.starts_with(args.finding))
    ids = matches["finding_id"].unique().to_list()
    if len(args.finding) < 6 or len(ids) != 1:
        problem = "不唯一" if len(ids) > 1 else "找不到"
        print(
            f"[失败] 疑点编号“{args.finding}”{problem}：请给出 `review list` 显示的编号"
            "（至少 6 位），并指定含该疑点的报告路径",
            file=sys.stderr,
        )
        return 2
    finding = Finding.from_row(matches.row(0, named=True))
    note = args.note
    if note is None:  # keep the note already recorded
        current = store.decision(finding.finding_id)
        note = current.note if current else ""
    decision = store.set_decision(finding, args.status, note, args.reviewer, source="cli")
    print(
        f"已记录：{decision.finding_id} {decision.check_id} {decision.subject} → {decision.status}"
        f"（{decision.reviewer}，第 {decision.revision} 次）"
    )
    return 0


def cmd_export(args: argparse.Namespace) -> int:
    store = _store(args)
    data = history_csv(store) if args.history else decisions_csv(store)
    if args.csv in (None, "-"):
        sys.stdout.buffer.write(data)
    else:
        Path(args.csv).write_bytes(data)
        kind = "变更记录" if args.history else "审核结论"
        print(
            f"写出{kind}到 {args.csv}（{store.counts()['history' if args.history else 'decisions']} 条）"
        )
    return 0


def cmd_import(args: argparse.Namespace) -> int:
    store = _store(args)
    try:
        data = Path(args.file).read_bytes()
    except OSError as exc:
        print(f"[失败] {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 2
    result = import_csv(store, data)
    for error in result.errors:
        print(f"[跳过] {error}", file=sys.stderr)
    print(
        f"导入 {result.applied} 条；{result.kept} 条本库已有相同或更新的结论；"
        f"{len(result.errors)} 条有误"
    )
    return 1 if result.errors else 0


def cmd_users_add(args: argparse.Namespace) -> int:
    users = Users.in_workspace(_workspace(args))
    if args.password_stdin:
        password = sys.stdin.readline().rstrip("\r\n")
    else:
        password = getpass.getpass(f"{args.name} 的密码：")
        if getpass.getpass("再输入一次：") != password:
            print("[失败] 两次输入的密码不一致", file=sys.stderr)
            return 2
    name = users.add(args.name, password, replace=args.replace)
    print(f"已{'更新' if args.replace else '添加'}用户“{name}”（{users.path}）")
    return 0


def cmd_users_list(args: argparse.Namespace) -> int:
    users = Users.in_workspace(_workspace(args))
    names = users.names()
    print("\n".join(names) if names else f"还没有用户（{users.path}）")
    return 0


def cmd_users_remove(args: argparse.Namespace) -> int:
    users = Users.in_workspace(_workspace(args))
    if not users.remove(args.name):
        print(f"[失败] 没有用户“{args.name}”", file=sys.stderr)
        return 2
    print(f"已删除用户“{args.name}”")
    return 0


def _guarded(func):
    """Clear Chinese messages instead of tracebacks for bad input or an unreachable database."""

    def run(args: argparse.Namespace) -> int:
        from sqlalchemy.exc import SQLAlchemyError

        try:
            return func(args)
        except ReviewError as exc:
            print(f"[失败] {exc}", file=sys.stderr)
        except RulesError as exc:
            print(f"[规则错误] {exc}", file=sys.stderr)
        except SQLAlchemyError as exc:
            print(
                f"[数据库错误] {str(exc.orig if hasattr(exc, 'orig') else exc).strip()}",
                file=sys.stderr,
            )
        return 2

    return run


def add_parsers(sub: argparse._SubParsersAction) -> None:
    from cli.main import _reading_options

    review = sub.add_parser("review", help="审核结论：查看、设置、导出、导入")
    actions = review.add_subparsers(dest="action", required=True)

    listing = actions.add_parser("list", help="列出疑点及其审核状态")
    listing.add_argument("paths", nargs="*", help="文件或文件夹；默认 data/samples")
    listing.add_argument("--status", action="append", choices=FILTERS, help="审核状态，可重复")
    listing.add_argument("--rules", help="自定义阈值文件（TOML）")
    _reading_options(listing)
    _database_options(listing)
    listing.set_defaults(func=_guarded(cmd_list))

    setting = actions.add_parser("set", help="记录一条疑点的审核结论")
    setting.add_argument("finding", help="疑点编号（review list 显示的 finding_id，至少 6 位）")
    setting.add_argument("status", help=f"{' / '.join(STATUSES)}")
    setting.add_argument("paths", nargs="*", help="含该疑点的文件或文件夹；默认 data/samples")
    setting.add_argument("--note", help="说明（省略时保留原有说明）")
    setting.add_argument("--reviewer", default=getpass.getuser(), help="审核人（默认 当前登录名）")
    setting.add_argument("--rules", help="自定义阈值文件（TOML）")
    _reading_options(setting)
    _database_options(setting)
    setting.set_defaults(func=_guarded(cmd_set))

    export = actions.add_parser("export", help="导出审核结论为 CSV（UTF-8 BOM）")
    export.add_argument("--csv", help="输出文件；省略或 - 为标准输出")
    export.add_argument("--history", action="store_true", help="导出全部变更记录而不是当前结论")
    _database_options(export)
    export.set_defaults(func=_guarded(cmd_export))

    importing = actions.add_parser("import", help="从 CSV 导入审核结论（较新的为准）")
    importing.add_argument("file", help="review export 写出的 CSV")
    _database_options(importing)
    importing.set_defaults(func=_guarded(cmd_import))

    users = sub.add_parser("users", help="共享看板的登录用户")
    user_actions = users.add_subparsers(dest="action", required=True)
    add = user_actions.add_parser("add", help="添加用户（交互输入密码）")
    add.add_argument("name", help="姓名（审核记录中显示）")
    add.add_argument("--password-stdin", action="store_true", help="从标准输入读一行作为密码")
    add.add_argument("--replace", action="store_true", help="用户已存在时改密码")
    add.add_argument("--workspace", help="工作目录（默认 仓库下 workspace/）")
    add.set_defaults(func=_guarded(cmd_users_add))
    listing = user_actions.add_parser("list", help="列出用户")
    listing.add_argument("--workspace", help="工作目录（默认 仓库下 workspace/）")
    listing.set_defaults(func=_guarded(cmd_users_list))
    remove = user_actions.add_parser("remove", help="删除用户")
    remove.add_argument("name")
    remove.add_argument("--workspace", help="工作目录（默认 仓库下 workspace/）")
    remove.set_defaults(func=_guarded(cmd_users_remove))
