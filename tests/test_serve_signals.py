"""``budget-audit serve`` stops its Streamlit server when it is told to stop."""

from __future__ import annotations

import os
import signal
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest
from conftest import ROOT, SAMPLES, _free_port


def _listening(port: int) -> bool:
    with socket.socket() as s:
        s.settimeout(0.5)
        return s.connect_ex(("127.0.0.1", port)) == 0


def _processes_with(marker: str) -> list[int]:
    """Server process ids (Streamlit, started through dashboard.launch) with ``marker`` (the port)."""
    found = []
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            cmdline = (entry / "cmdline").read_bytes().replace(b"\0", b" ").decode()
        except OSError:
            continue
        if ("streamlit" in cmdline or "dashboard.launch" in cmdline) and marker in cmdline:
            found.append(int(entry.name))
    return found


def _start_serve(port: int, workspace, stdout) -> subprocess.Popen:
    """``budget-audit serve`` on the samples, its workspace in ``workspace``."""
    return subprocess.Popen(
        [sys.executable, "-m", "cli.main", "serve", str(SAMPLES), "--port", str(port)],
        cwd=ROOT,
        env={**os.environ, "BUDGET_AUDIT_WORKSPACE": str(workspace)},
        stdout=stdout,
        stderr=subprocess.DEVNULL,
        text=True,
    )


@pytest.mark.parametrize("sig", [signal.SIGTERM, signal.SIGINT])
def test_signal_to_serve_leaves_nothing_listening(sig, tmp_path):
    port = _free_port()
    serve = _start_serve(port, tmp_path, subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 90
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/_stcore/health", timeout=1):
                    break
            except OSError:
                assert serve.poll() is None, "serve exited before the server came up"
                assert time.monotonic() < deadline, "server not up after 90 s"
                time.sleep(0.3)
        assert _listening(port) and _processes_with(f"--server.port {port}")
        serve.send_signal(sig)  # what `kill -TERM` / Ctrl+C does
        assert serve.wait(timeout=30) == 0
        gone = time.monotonic() + 15
        while (
            _listening(port) or _processes_with(f"--server.port {port}")
        ) and time.monotonic() < gone:
            time.sleep(0.2)
        assert not _listening(port), "a server still listens after serve stopped"
        assert not _processes_with(f"--server.port {port}"), "the Streamlit child outlived serve"
    finally:
        if serve.poll() is None:
            serve.kill()
            serve.wait()
        for pid in _processes_with(f"--server.port {port}"):
            os.kill(pid, signal.SIGKILL)


def test_serve_says_when_the_dashboard_is_ready(tmp_path):
    port = _free_port()
    serve = _start_serve(port, tmp_path, subprocess.PIPE)
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline:
            line = serve.stdout.readline()
            if not line:
                break
            lines.append(line)
            if line.startswith("看板已就绪"):
                break
        assert lines[0].startswith(f"看板地址：http://127.0.0.1:{port}/")
        assert lines[-1].startswith("看板已就绪"), lines
        assert _listening(port)  # the port is open when it says so
    finally:
        serve.send_signal(signal.SIGTERM)
        serve.wait(timeout=30)
        for pid in _processes_with(f"--server.port {port}"):
            os.kill(pid, signal.SIGKILL)
