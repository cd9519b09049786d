"""``budget-audit review`` and ``users``; ``serve`` refuses a shared address without users."""

from __future__ import annotations

import csv
import io
import re
import subprocess
import sys
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES

from cli.main import main
from review.access import Throttle, is_loopback
from review.users import Users

SAMPLE = str(SAMPLES / "002_ab28928a96ffb29a.txt")


@pytest.fixture
def ws(tmp_path, monkeypatch):
    monkeypatch.delenv("BUDGET_AUDIT_DB", raising=False)
    monkeypatch.setenv("BUDGET_AUDIT_WORKSPACE", str(tmp_path / "ws"))
    return tmp_path / "ws"


def _ids(out: str) -> list[str]:
    return re.findall(r"^\[[^\]]+\] ([0-9a-f]{16}) ", out, re.M)


def test_set_list_export_import_round_trip(ws, tmp_path, capsys):
    assert main(["review", "list", SAMPLE]) == 0
    listed = capsys.readouterr().out
    ids = _ids(listed)
    assert len(ids) == 32 and "未审核 32" in listed  # 002's findings (its flags, one per fact)
    assert (
        main(
            [
                "review",
                "set",
                ids[0][:8],
                "误报",
                SAMPLE,
                "--note",
                "=公式？不，是说明",
                "--reviewer",
                "张三",
            ]
        )
        == 0
    )
    assert main(["review", "set", ids[1], "confirmed", SAMPLE, "--reviewer", "李四"]) == 0
    assert main(["review", "set", ids[1], "fixed", SAMPLE, "--reviewer", "李四"]) == 0
    capsys.readouterr()
    assert main(["review", "list", SAMPLE, "--status", "误报", "--status", "已整改"]) == 0
    out = capsys.readouterr().out
    assert set(_ids(out)) == {ids[0], ids[1]} and "张三" in out and "=公式？不，是说明" in out

    exported = tmp_path / "decisions.csv"
    assert main(["review", "export", "--csv", str(exported)]) == 0
    rows = list(csv.DictReader(io.StringIO(exported.read_bytes().decode("utf-8-sig"))))
    assert [r["status"] for r in rows] == ["误报", "已整改"]
    assert rows[0]["note"] == "'=公式？不，是说明"  # formula-safe in Excel
    assert {"finding_id", "status", "note", "reviewer", "decided_at"} <= set(rows[0])

    other = f"sqlite:///{tmp_path / 'other.sqlite'}"
    assert main(["review", "import", str(exported), "--db", other]) == 0
    assert "导入 2 条" in capsys.readouterr().out
    assert main(["review", "import", str(exported), "--db", other]) == 0
    assert "导入 0 条；2 条本库已有" in capsys.readouterr().out
    assert main(["review", "list", SAMPLE, "--db", other, "--status", "误报"]) == 0
    out = capsys.readouterr().out
    assert _ids(out) == [ids[0]] and "=公式？不，是说明" in out  # the guard is undone on import

    assert main(["review", "export", "--history"]) == 0
    history = list(csv.DictReader(io.StringIO(capsys.readouterr().out.lstrip("\ufeff"))))
    assert [(h["old_status"], h["new_status"]) for h in history] == [
        ("", "误报"),
        ("", "属实"),
        ("属实", "已整改"),
    ]


def test_set_refuses_unknown_or_ambiguous_keys_and_bad_status(ws, capsys):
    assert main(["review", "set", "0000000000000000", "属实", SAMPLE]) == 2
    assert "找不到" in capsys.readouterr().err
    assert main(["review", "list", SAMPLE]) == 0
    first = _ids(capsys.readouterr().out)[0]
    assert main(["review", "set", first, "也许", SAMPLE]) == 2
    assert "审核状态“也许”无效" in capsys.readouterr().err


def test_import_reports_bad_rows_and_keeps_the_good(ws, tmp_path, capsys):
    bad = tmp_path / "bad.csv"
    bad.write_text(
        "finding_id,status,note,reviewer,decided_at\n"
        "aaaa000000000001,属实,,张三,2024-03-01T09:30:00+08:00\n"
        "aaaa000000000002,也许,,张三,2024-03-01T09:30:00+08:00\n"
        "aaaa000000000003,误报,,张三,昨天\n"
        "aaaa000000000004,误报,,张三,2024-03-01T09:30:00\n",
        encoding="utf-8",
    )
    assert main(["review", "import", str(bad)]) == 1
    captured = capsys.readouterr()
    assert "导入 1 条" in captured.out
    assert "第 3 行" in captured.err and "第 4 行" in captured.err and "缺少时区" in captured.err
    missing = tmp_path / "missing.csv"
    missing.write_text("finding_id,status\nx,属实\n", encoding="utf-8")
    assert main(["review", "import", str(missing)]) == 2
    assert "CSV 缺少列：reviewer, decided_at" in capsys.readouterr().err


def test_users_add_list_remove(ws, capsys, monkeypatch):
    monkeypatch.setattr(sys, "stdin", io.StringIO("correct horse battery\n"))
    assert main(["users", "add", "张三", "--password-stdin"]) == 0
    users = Users.in_workspace(ws)
    assert users.verify("张三", "correct horse battery") == "张三"
    assert users.verify("张三", "wrong password") is None
    assert (users.path.stat().st_mode & 0o777) == 0o600
    stored = users.path.read_text(encoding="utf-8")
    assert "correct horse" not in stored and '"salt"' in stored
    monkeypatch.setattr(sys, "stdin", io.StringIO("another one!\n"))
    assert main(["users", "add", "张三", "--password-stdin"]) == 2
    assert "已存在" in capsys.readouterr().err
    monkeypatch.setattr(sys, "stdin", io.StringIO("short\n"))
    assert main(["users", "add", "李四", "--password-stdin"]) == 2
    assert "至少 8 个字符" in capsys.readouterr().err
    assert main(["users", "list"]) == 0
    assert capsys.readouterr().out.strip() == "张三"
    assert main(["users", "remove", "张三"]) == 0
    assert users.names() == []


def test_serve_on_a_shared_address_without_users_refuses_to_start(tmp_path):
    """The real command, as a user would type it: exits at once with a Chinese reason."""
    run = subprocess.run(
        [
            sys.executable,
            "-m",
            "cli.main",
            "serve",
            "--host",
            "0.0.0.0",
            "--workspace",
            str(tmp_path),
        ],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert run.returncode == 2
    assert "必须登录" in run.stderr and "budget-audit users add" in run.stderr
    assert str(tmp_path / "users.json") in run.stderr
    assert "看板地址" not in run.stdout  # streamlit never started


def test_serve_checks(tmp_path):
    from cli.serve import check_access

    assert check_access("127.0.0.1", tmp_path, None) == ""  # loopback: sign-in optional
    assert "必须登录" in check_access("192.168.1.20", tmp_path, None)
    Users.in_workspace(tmp_path).add("张三", "a long password")
    assert check_access("0.0.0.0", tmp_path, None) == ""
    assert "数据库无法打开" in check_access("127.0.0.1", tmp_path, "mysql://x/y")


def test_loopback_and_throttle():
    assert is_loopback("127.0.0.1") and is_loopback("::1") and is_loopback("localhost")
    assert is_loopback("127.8.9.10") and is_loopback("[::1]")
    assert not is_loopback("0.0.0.0") and not is_loopback("") and not is_loopback("10.0.0.5")
    assert not is_loopback("audit.example.org")
    throttle = Throttle(max_failures=2, pause_s=60)
    throttle.failed("张三")
    assert throttle.wait_left("张三") == 0
    throttle.failed("张三")
    assert 59 < throttle.wait_left("张三") <= 60
    throttle.succeeded("张三")
    assert throttle.wait_left("张三") == 0


def test_flag_file_shows_every_flag_of_a_decided_finding_as_decided(ws, tmp_path, capsys):
    """A decision is made on a finding; each of its flags carries it (not as an earlier version)."""
    from checks.engine import run_checks
    from loaders.pipeline import load_paths

    sample = str(SAMPLES / "004_8408bbae33fc7234.txt")
    findings = run_checks(load_paths([Path(sample)])).findings
    # E01 and B01 on one item: two flags stating different figures of one fact
    grouped = (
        findings.filter(findings["checks"].str.contains("E01"))
        .filter(findings.filter(findings["checks"].str.contains("E01"))["flags"] > 1)
        .row(0, named=True)
    )
    assert main(["review", "set", grouped["finding_id"], "属实", sample, "--reviewer", "张三"]) == 0
    out = tmp_path / "flags.csv"
    assert main(["flags", sample, "--csv", str(out)]) == 0
    rows = list(csv.DictReader(io.StringIO(out.read_bytes().decode("utf-8-sig"))))
    members = [r for r in rows if r["疑点编号"] in grouped["flag_ids"].split("; ")]
    assert len(members) == grouped["flags"] > 1
    assert {(r["审核状态"], r["审核人"]) for r in members} == {("属实", "张三")}
    assert {r["审核状态"] for r in rows} == {"属实", "未审核"}
