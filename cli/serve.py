"""``budget-audit serve``: start the Streamlit app with no outbound connections."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import threading
import time
from pathlib import Path

APP = Path(__file__).resolve().parents[1] / "dashboard" / "app.py"


def streamlit_command(host: str, port: int) -> list[str]:
    return [
        sys.executable,
        "-m",
        "dashboard.launch",  # warms the data, then runs Streamlit with these options
        "run",
        str(APP),
        "--server.address",
        host,
        "--server.port",
        str(port),
        "--server.headless",
        "true",
        "--browser.gatherUsageStats",
        "false",
        "--server.fileWatcherType",
        "none",
        "--client.toolbarMode",
        "minimal",
        "--client.showErrorDetails",
        "none",
        "--logger.hideWelcomeMessage",
        "true",
        "--browser.serverAddress",
        host,
    ]


def check_access(host: str, workspace: Path, db: str | None) -> str:
    """Why the dashboard must not start (empty when it may): no users for a shared address,
    or a review database that cannot be opened."""
    from review.access import NO_USERS_MESSAGE, sign_in_required
    from review.store import open_store
    from review.users import Users

    users = Users.in_workspace(workspace)
    if sign_in_required(host) and not users.names():
        return NO_USERS_MESSAGE.format(host=host or "所有网卡", path=users.path)
    try:
        open_store(db, workspace).close()
    except Exception as exc:  # a bad URL, an unreachable server, a schema too new
        return f"审核数据库无法打开：{str(getattr(exc, 'orig', None) or exc).strip()}"
    return ""


def serve(
    paths: list[str],
    host: str = "127.0.0.1",
    port: int = 8501,
    rules: str | None = None,
    workspace: str | None = None,
    db: str | None = None,
) -> int:
    from dashboard.workspace import workspace_dir

    folder = Path(workspace).expanduser().resolve() if workspace else workspace_dir()
    refusal = check_access(host, folder, db)
    if refusal:
        print(f"[未启动] {refusal}", file=sys.stderr)
        return 2
    env = dict(os.environ)
    resolved = [str(Path(p).resolve()) for p in paths]
    missing = [p for p in resolved if not Path(p).exists()]
    for p in missing:
        print(f"[失败] {p}: 路径不存在", file=sys.stderr)
    env["BUDGET_AUDIT_PATHS"] = os.pathsep.join(p for p in resolved if Path(p).exists())
    if rules:
        env["BUDGET_AUDIT_RULES"] = str(Path(rules).resolve())
    if workspace:  # uploads go to <workspace>/uploads (default: <repo>/workspace)
        env["BUDGET_AUDIT_WORKSPACE"] = str(folder)
    if db:
        env["BUDGET_AUDIT_DB"] = db
    print(f"看板地址：http://{host}:{port}/  （Ctrl+C 停止）", flush=True)
    print("正在载入报告与检查结果，看板就绪后会在此提示…", flush=True)
    child = subprocess.Popen(
        streamlit_command(host, port),
        env=env,
        cwd=APP.parent.parent,
        start_new_session=True,  # its own process group: stopped as a whole, with its workers
    )
    threading.Thread(target=announce_ready, args=(child, host, port), daemon=True).start()
    return supervise(child)


def announce_ready(child: subprocess.Popen, host: str, port: int, timeout: float = 3600.0) -> None:
    """Say when the server answers: dashboard.launch loads the reports before opening its port."""
    started = time.monotonic()
    address = "127.0.0.1" if host in ("", "0.0.0.0") else host
    while child.poll() is None and time.monotonic() - started < timeout:
        with contextlib.suppress(OSError), socket.create_connection((address, port), timeout=1):
            print(f"看板已就绪（启动用时 {time.monotonic() - started:.1f} 秒）", flush=True)
            return
        time.sleep(0.3)


def supervise(child: subprocess.Popen, grace: float = 10.0) -> int:
    """Wait for the Streamlit child; SIGTERM, SIGINT or SIGHUP to ``serve`` stops it too.

    A plain ``kill`` of ``serve`` used to leave the server running and listening. The child
    runs in its own process group, so the signal is passed to the whole group (Streamlit and
    any reader processes); after ``grace`` seconds whatever is left is killed.
    """
    stopping: list[float] = []  # when each stop signal arrived (monotonic seconds)

    def stop(_signum, _frame) -> None:
        stopping.append(time.monotonic())
        _signal_group(child, signal.SIGTERM)

    previous = {
        sig: signal.signal(sig, stop) for sig in (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)
    }
    try:
        while True:
            try:
                code = child.wait(timeout=0.5)
                break
            except subprocess.TimeoutExpired:
                if stopping and time.monotonic() - stopping[0] > grace:
                    _signal_group(child, signal.SIGKILL)
    finally:
        _signal_group(child, signal.SIGKILL)  # stray reader processes of the group, if any
        for sig, handler in previous.items():
            signal.signal(sig, handler)
    return 0 if stopping else code


def _signal_group(child: subprocess.Popen, sig: int) -> None:
    with contextlib.suppress(ProcessLookupError, PermissionError):
        os.killpg(child.pid, sig)
