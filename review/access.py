"""Who must sign in: anyone reaching a dashboard bound to a non-loopback address.

On 127.0.0.1 only this machine can connect, so a reviewer name is enough. Bound to any
other address (0.0.0.0, a LAN address, a host name), the dashboard is shared and every
decision must carry a verified name: ``serve`` refuses to start without a users file, and
the app asks for a name and password before showing anything.
"""

from __future__ import annotations

import ipaddress
import threading
import time

LOOPBACK_NAMES = {"localhost", "localhost.localdomain", "ip6-localhost"}
MAX_FAILURES = 5  # per name, then a pause
PAUSE_S = 30.0


def is_loopback(host: str | None) -> bool:
    """True for 127.0.0.0/8, ::1 and localhost; an empty address means every interface."""
    host = (host or "").strip().strip("[]").lower()
    if not host:
        return False
    if host in LOOPBACK_NAMES:
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def sign_in_required(host: str | None) -> bool:
    return not is_loopback(host)


NO_USERS_MESSAGE = (
    "看板将对其他电脑开放（监听 {host}），必须登录才能使用，但还没有用户文件 {path}。\n"
    "请先添加审核人员：budget-audit users add 姓名\n"
    "只在本机使用时请去掉 --host（默认 127.0.0.1）。"
)


class Throttle:
    """Slows password guessing: after MAX_FAILURES wrong passwords a name waits PAUSE_S."""

    def __init__(self, max_failures: int = MAX_FAILURES, pause_s: float = PAUSE_S):
        self.max_failures, self.pause_s = max_failures, pause_s
        self._failures: dict[str, list[float]] = {}
        self._lock = threading.Lock()

    def wait_left(self, name: str) -> float:
        with self._lock:
            recent = self._failures.get(name, [])
            if len(recent) < self.max_failures:
                return 0.0
            return max(0.0, recent[-1] + self.pause_s - time.monotonic())

    def failed(self, name: str) -> None:
        with self._lock:
            self._failures.setdefault(name, []).append(time.monotonic())
            self._failures[name] = self._failures[name][-self.max_failures :]

    def succeeded(self, name: str) -> None:
        with self._lock:
            self._failures.pop(name, None)
