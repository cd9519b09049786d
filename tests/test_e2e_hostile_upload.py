"""Hostile files uploaded one after another on 上传 (headless Chromium): every upload is
answered within its 70 s reading deadline with a status, the server process tree stays under
1.5 GB, the samples' pages keep answering meanwhile, and no traceback is ever shown."""

from __future__ import annotations

import contextlib
import os
import sys
import threading
import time
from pathlib import Path

import pytest
from conftest import ROOT

pytestmark = pytest.mark.e2e
sys.path.insert(0, str(Path(__file__).parent))
import hostile  # noqa: E402

UPLOADED = [
    "understated.xlsx",
    "span-bomb.html",
    "whitespace-bomb.docx",
    "rows-200k.xlsx",
    "long-cell.xlsx",
    "owner-password.pdf",
    "big5.txt",
    "utf16le-nobom.txt",
    "one-invalid-byte.txt",
    "truncated.pdf",
    "blank.txt",
]
PAGE = os.sysconf("SC_PAGE_SIZE")


def _server_pid(port: str) -> int:
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                cmd = Path(f"/proc/{entry}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            line = b" ".join(cmd)  # Streamlit, started through dashboard.launch
            if (b"streamlit" in line or b"dashboard.launch" in line) and port.encode() in cmd:
                return int(entry)
    raise AssertionError("streamlit server not found")


def _tree_rss(root: int) -> int:
    parents: dict[int, list[int]] = {}
    for entry in os.listdir("/proc"):
        if entry.isdigit():
            try:
                stat = Path(f"/proc/{entry}/stat").read_bytes().rsplit(b")", 1)[1].split()
            except OSError:
                continue
            parents.setdefault(int(stat[1]), []).append(int(entry))
    total, todo = 0, [root]
    while todo:
        pid = todo.pop()
        todo.extend(parents.get(pid, []))
        with contextlib.suppress(OSError):
            total += int(Path(f"/proc/{pid}/statm").read_text().split()[1]) * PAGE
    return total


def _ready(page, timeout=90_000):
    page.wait_for_selector('[data-testid="stMain"]', timeout=timeout)
    page.wait_for_selector(
        '[data-testid="stApp"][data-test-script-state="notRunning"]', timeout=timeout
    )


def test_hostile_uploads_one_after_another(new_page, st_server):
    from playwright.sync_api import expect

    cases = {hostile.display_name(c): c for c in hostile.CASES}
    pid = _server_pid(st_server.rsplit(":", 1)[1])
    peak, stop = [0], threading.Event()

    def watch():
        while not stop.is_set():
            peak[0] = max(peak[0], _tree_rss(pid))
            time.sleep(0.1)

    watcher = threading.Thread(target=watch, daemon=True)
    watcher.start()
    uploader, reader = new_page(), new_page()
    uploader.goto(f"{st_server}/upload")
    _ready(uploader)
    answers, page_times = {}, []
    try:
        for name in UPLOADED:
            started = time.monotonic()
            uploader.locator("input[type=file]").set_input_files(
                [
                    {
                        "name": name,
                        "mimeType": "application/octet-stream",
                        "buffer": cases[name].make(),
                    }
                ]
            )
            # meanwhile a colleague opens the samples' documents page
            opened = time.monotonic()
            reader.goto(f"{st_server}/documents")
            _ready(reader)
            page_times.append(time.monotonic() - opened)
            grid = uploader.get_by_test_id("stDataFrame").first
            expect(grid.locator("[role=gridcell]", has_text=name)).to_be_attached(timeout=70_000)
            _ready(uploader, timeout=70_000)
            answers[name] = time.monotonic() - started
            expect(uploader.get_by_test_id("stException")).to_have_count(0)
            expect(reader.get_by_test_id("stException")).to_have_count(0)
            body = uploader.locator("body").inner_text()
            assert "Traceback" not in body and str(ROOT) not in body
    finally:
        stop.set()
        watcher.join()
    print(f"\nupload answers (s): { {k: round(v, 1) for k, v in answers.items()} }")
    print(f"documents page while uploading (s): {[round(t, 1) for t in page_times]}")
    print(f"server process tree peak: {peak[0] / 2**20:.0f} MB")
    assert max(answers.values()) < 70  # each file's reading deadline, not a speed figure
    assert peak[0] < 1.5 * 2**30
    # how fast the colleague's pages answer is printed above, not asserted: a timing is a
    # benchmark figure (1.2–2.0 s median on 2 idle cores), and every page did answer
    uploader.goto(f"{st_server}/upload")
    _ready(uploader)
    expect(uploader.get_by_text(f"已上传的文件（{len(UPLOADED)}）")).to_be_visible()
