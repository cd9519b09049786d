"""Thresholds and vocabularies: defaults in each check, overrides in one TOML file.

``checks/rules.toml`` ships the defaults in one place an auditor can read; a
user's own file (``--rules FILE``) overrides any of them. An unknown table or
key is an error naming it, so a typo never silently falls back to a default.
"""

from __future__ import annotations

import tomllib
from pathlib import Path

DEFAULT_RULES = Path(__file__).with_name("rules.toml")


_RETIRED = {"V02": "“执行率偏低但未说明原因”已并入疑点的“已说明”属性，原因用语在 [context]"}


class RulesError(ValueError):
    """The rules file names a check or a setting that does not exist."""


def _merge(defaults: dict, override: dict, where: str) -> dict:
    merged = dict(defaults)
    for key, value in override.items():
        if key not in defaults:
            raise RulesError(
                f"规则文件中的未知设置 {where}.{key}（可用：{', '.join(sorted(defaults))}）"
            )
        if isinstance(defaults[key], (int, float)) and not isinstance(defaults[key], bool):
            if not isinstance(value, (int, float)) or isinstance(value, bool):
                raise RulesError(f"规则 {where}.{key} 应为数字，实际为 {value!r}")
        elif type(value) is not type(defaults[key]):
            raise RulesError(f"规则 {where}.{key} 类型应为 {type(defaults[key]).__name__}")
        merged[key] = value
    return merged


def load_rules(path: Path | None, checks: list, sections: list | None = None) -> dict[str, dict]:
    """Settings per check code and per shared table ([context], [materiality], [findings]):
    defaults, then rules.toml, then the user's file."""
    if sections is None:
        from checks.registry import SECTIONS as sections
    settings = {c.CHECK.code: dict(c.CHECK.defaults) for c in checks}
    settings.update({s.NAME: dict(s.DEFAULTS) for s in sections})
    for source in [DEFAULT_RULES] + ([path] if path else []):
        try:
            data = tomllib.loads(Path(source).read_text(encoding="utf-8"))
        except (OSError, tomllib.TOMLDecodeError) as exc:
            raise RulesError(f"无法读取规则文件 {source}：{exc}") from exc
        for code, table in data.items():
            if code in _RETIRED:
                raise RulesError(f"规则文件中的 [{code}] 已不再使用：{_RETIRED[code]}")
            if code not in settings:
                raise RulesError(
                    f"规则文件中的未知检查或设置表 [{code}]（可用：{', '.join(sorted(settings))}）"
                )
            if not isinstance(table, dict):
                raise RulesError(f"规则 [{code}] 应为一个表")
            settings[code] = _merge(settings[code], table, code)
    return settings
