"""The users file of a shared dashboard: names and salted scrypt password hashes.

``<workspace>/users.json``, written by ``budget-audit users add NAME``; nothing else in it
is secret-bearing, and no password is ever stored. The file is replaced atomically and
created readable by its owner only.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import os
import secrets
import tempfile
import unicodedata
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

from review.store import ReviewError, clean_reviewer

FILE_NAME = "users.json"
MIN_PASSWORD = 8
# scrypt cost: 16 MiB and ~50 ms per check on the CI machine; stored per user, so raising it
# later leaves existing hashes valid
SCRYPT = {"n": 2**14, "r": 8, "p": 1, "dklen": 32}


@dataclass(frozen=True)
class Users:
    path: Path

    @classmethod
    def in_workspace(cls, workspace: Path) -> Users:
        return cls(Path(workspace) / FILE_NAME)

    def exists(self) -> bool:
        return self.path.is_file()

    def _read(self) -> dict:
        if not self.path.exists():
            return {}
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise ReviewError(f"用户文件 {self.path} 无法读取：{exc}") from exc
        if not isinstance(data, dict) or not isinstance(data.get("users"), dict):
            raise ReviewError(f"用户文件 {self.path} 格式不对（应有 users 一项）")
        return data["users"]

    def names(self) -> list[str]:
        return sorted(self._read())

    def _write(self, users: dict) -> None:
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(prefix=".users-", dir=self.path.parent)
        try:
            with os.fdopen(fd, "w", encoding="utf-8") as out:
                json.dump({"version": 1, "users": users}, out, ensure_ascii=False, indent=1)
                out.flush()
                os.fsync(out.fileno())
            os.chmod(tmp, 0o600)
            os.replace(tmp, self.path)
        finally:
            Path(tmp).unlink(missing_ok=True)

    def add(self, name: str, password: str, *, replace: bool = False) -> str:
        """Add a user (or set a new password with ``replace``); returns the stored name."""
        name = clean_reviewer(name)
        if len(password) < MIN_PASSWORD:
            raise ReviewError(f"密码至少 {MIN_PASSWORD} 个字符")
        users = self._read()
        if name in users and not replace:
            raise ReviewError(f"用户“{name}”已存在（改密码请加 --replace）")
        salt = secrets.token_bytes(16)
        users[name] = {
            "salt": salt.hex(),
            "hash": _hash(password, salt, SCRYPT).hex(),
            "scrypt": SCRYPT,
            "created": datetime.now(UTC).isoformat(timespec="seconds"),
        }
        self._write(users)
        return name

    def remove(self, name: str) -> bool:
        users = self._read()
        if name not in users:
            return False
        del users[name]
        self._write(users)
        return True

    def verify(self, name: str, password: str) -> str | None:
        """The stored name when the password is right, else None (same work either way)."""
        users = self._read()
        name = unicodedata.normalize("NFC", (name or "").strip())
        entry = users.get(name)
        if entry is None:  # spend the same time, so a probe cannot tell who exists
            _hash(password, b"\0" * 16, SCRYPT)
            return None
        try:
            expected = bytes.fromhex(entry["hash"])
            got = _hash(password, bytes.fromhex(entry["salt"]), entry.get("scrypt", SCRYPT))
        except (KeyError, ValueError, TypeError):
            return None
        return name if hmac.compare_digest(expected, got) else None


def _hash(password: str, salt: bytes, cost: dict) -> bytes:
    return hashlib.scrypt(
        unicodedata.normalize("NFC", password).encode(),
        salt=salt,
        n=int(cost["n"]),
        r=int(cost["r"]),
        p=int(cost["p"]),
        dklen=int(cost["dklen"]),
        maxmem=64 * 1024 * 1024,
    )
