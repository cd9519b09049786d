"""Document identity: what kind of report a file is, whose, where and for which year.

Real documents name these in several places, none of them reliable alone: the
cover or title (often broken over two or three lines: "中共上海市普陀区委" /
"社会工作部 2024 年度" / "部门决算"), the running titles of the tables
("2018年度江苏省高级人民法院收支预算总表"), label lines and cells (单位名称 /
填报单位 / 部门 / 主管部门 …), and the file name. Each is tried in turn, and
each field records where it came from (``封面第1行``, ``“部门”第131行``, ``表题第171行``,
``文件名``).

A template's placeholder (``上海市XX局``, ``××单位``, ``某某局``) is never a
department; a document with placeholders and no figures is a blank 模板.
"""

from __future__ import annotations

import re
from collections import Counter
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import PurePath

from loaders.cells import ascii_digits, compact

# -- kind families, in the order they are listed when a file holds several ------------------
TEMPLATE = "模板"
FAMILIES = (
    TEMPLATE,
    "部门决算",
    "单位决算",
    "部门预算",
    "单位预算",
    "部门整体支出绩效自评报告",
    "绩效评价基础数据表",
    "部门整体支出绩效自评表",
    "项目支出绩效自评表",
)
# self-evaluation kinds: (short kind kept in ``documents.kind``, family, marker in the text:
# the words any of which marks it, or a pattern); a whole document is searched for each, and
# str search is several times faster than a regular expression's
_SELF_EVAL_MARKERS: list[tuple[str, str, tuple[str, ...] | re.Pattern]] = [
    # 部门整体支出绩效自评报告 holds 整体支出绩效自评报告
    ("整体自评报告", "部门整体支出绩效自评报告", ("整体支出绩效自评报告",)),
    ("基础数据表", "绩效评价基础数据表", ("绩效评价基础数据表",)),
    ("整体自评表", "部门整体支出绩效自评表", ("部门整体支出绩效自评表", "整体绩效自评表")),
    ("项目自评表", "项目支出绩效自评表", ("项目支出绩效自评表",)),
    ("项目自评报告", "项目支出绩效自评表", re.compile(r"项目支出绩效\s*自评报告")),
]
# 决算 / 预算 named in a title line: (family, pattern); 单位 before 部门 so the narrower wins
_STATEMENT_TITLES = [
    ("单位决算", re.compile(r"单位决算")),
    ("部门决算", re.compile(r"部门决算|决算公开")),
    ("单位预算", re.compile(r"单位预算")),
    ("部门预算", re.compile(r"部门预算|预算公开")),
]
_TITLE_LINE_MAX = 60  # a longer run of cover lines is a sentence that may mention 部门决算

# -- names ---------------------------------------------------------------------------------
PLACEHOLDER = re.compile(r"[Xx×＊*]{2,}|某某|[○〇]{2,}|…{2,}")
_DEPT_SUFFIX = re.compile(
    r"(局|委员会|办公室|办公厅|中心|委|厅|院|所|站|馆|队|会|处|部|办|署|社|校|园|团|台|组|室|公司)$"
)
_YEAR = r"(?:20\d{2})\s*年度?"
_KIND_WORD = (
    r"(?:部门整体支出绩效自评报告|整体支出绩效自评报告|部门整体支出绩效自评表|"
    r"项目支出绩效自评(?:报告|表)|(?:部门|单位)(?:决算|预算)(?:公开)?|(?:决算|预算)公开|部门整体支出)"
)
_COVER_YEAR = re.compile(rf"(20\d{{2}})\s*年度?(?:[^\d]{{0,30}}){_KIND_WORD}")
_COVER = re.compile(
    rf"^(?:{_YEAR})?(?P<name>[^\d，。；：:、“”()（）]{{4,40}}?)(?:{_YEAR})?{_KIND_WORD}"
)
_LABEL = re.compile(
    r"(?P<key>单位名称|部门名称|部门（单位）名称|填报单位|预算单位|主管部门|实施单位|部门)"
    r"(?:[（(]盖章[)）])?[：:]\s*(?:[（(]盖章[)）])?"
    r"(?P<name>[^\s：:]{2,60}?)(?=(?:金额)?单位[：:]|填报日期|[\s：:]|$)"
)
_LABEL_RANK = {  # the department's own labels before those of a supervisor or sub-unit
    "单位名称": 0,
    "部门名称": 0,
    "部门（单位）名称": 0,
    "填报单位": 0,
    "部门": 0,
    "预算单位": 1,
    "主管部门": 2,
    "实施单位": 3,
}
_AFTER_NAME = re.compile(
    r"(?:金额)?单位[：:].*$|填报日期.*$|[（(]\d{4}年度?[)）].*$|[（(]盖章[)）]"
)
_TABLE_TITLE = re.compile(
    rf"^(?:[一二三四五六七八九十]+[、.．])?(?:{_YEAR})?(?P<name>[^\d，。；：:、“”]{{4,40}}?)(?:{_YEAR})?"
    r"(?:部门|单位)?(?:收支|收入|支出|财政拨款|一般公共预算|政府性基金|国有资本|“三公”|三公|"
    r"机关运行|政府采购|财务收支)[^\d]{0,30}(?:预算|决算)(?:总|明细)?表"
)
_DEPT_TITLE_TABLE = re.compile(
    rf"^(?P<name>[^\d，。；：:]{{4,40}}?){_YEAR}(?:部门|单位)(?:决算|预算)表$"
)
_REGION = re.compile(
    r"^(?:中共|中国共产党)?"
    r"(?P<region>(?:[\u4e00-\u9fff]{2,7}(?:省|自治区)|北京市|上海市|天津市|重庆市)?"
    r"(?:[\u4e00-\u9fff]{2,4}?(?:市|自治州|地区|盟))?"
    r"(?:[\u4e00-\u9fff]{2,4}?(?:区|县|旗)(?=[\u4e00-\u9fff]))?)"
)
_PROVINCE_ONLY = re.compile(r"^(?:中共|中国共产党)?(?P<region>[\u4e00-\u9fff]{2,3}省)")
_COVER_LINES = 12


@dataclass
class Identity:
    kind_family: str  # families joined by "+", e.g. "部门决算+部门整体支出绩效自评表"
    kind: str  # short kinds joined by "+" (整体自评报告+基础数据表 …), "未知" when none
    department: str | None
    department_source: str | None
    region: str | None
    region_source: str | None
    year: int | None
    year_source: str | None
    placeholders: list[str] = field(default_factory=list)  # placeholder names seen

    @property
    def is_template(self) -> bool:
        return self.kind_family == TEMPLATE


@dataclass
class _Candidate:
    name: str
    source: str
    rank: int  # lower is better among label candidates


def is_placeholder(name: str) -> bool:
    return bool(PLACEHOLDER.search(name))


def _clean_name(name: str) -> str:
    name = _AFTER_NAME.sub("", compact(name))
    if "年" in name:  # both endings hold a 年
        name = re.sub(r"[（(]?\d{4}年度?[)）]?$|年度?$", "", name)
    return name.strip("：:□ 　")


def _looks_like_department(name: str) -> bool:
    return 4 <= len(name) <= 40 and bool(_DEPT_SUFFIX.search(name)) and not re.search(r"\d", name)


def _cover_windows(lines: list[str]) -> tuple[tuple[int, str], ...]:
    """The first lines of the document, and every run of up to three of them joined."""
    top: list[str] = []
    filled = 0
    for line in lines:
        top.append(line)
        if compact(line):
            filled += 1
            if filled == _COVER_LINES:
                break
    return _windows_of(tuple(top))


@lru_cache(maxsize=8)  # asked five times per document (year, statement, identity)
def _windows_of(lines: tuple[str, ...]) -> tuple[tuple[int, str], ...]:
    head: list[tuple[int, str]] = []
    for i, line in enumerate(lines):
        text = ascii_digits(compact(line))
        if text:
            head.append((i + 1, text))
            if len(head) == _COVER_LINES:
                break
    out = []
    last = len(head) - 1
    for k, (number, text) in enumerate(head):  # runs of one, two and three lines
        out.append((number, text))
        if k < last:
            two = text + head[k + 1][1]
            out.append((number, two))
            if k + 1 < last:
                out.append((number, two + head[k + 2][1]))
    return tuple(out)


class _Finder:
    """Collects name and year candidates from every place, then picks per field."""

    def __init__(self, lines: list[str], dept_cells: list[str], file_name: str):
        self.lines = lines  # full-width digits are made ASCII where a line is read for figures
        self.dept_cells = dept_cells
        self.file_name = file_name
        self.placeholders: list[str] = []

    # -- department --------------------------------------------------------------------
    def _accept(self, name: str) -> bool:
        if is_placeholder(name):
            self.placeholders.append(name)
            return False
        return _looks_like_department(name)

    def cover(self) -> _Candidate | None:
        for number, text in _cover_windows(self.lines):
            m = _COVER.match(text)
            if m:
                name = re.sub(r"^第[一二三四五六七八九十]+部分", "", _clean_name(m["name"]))
                if self._accept(name):
                    return _Candidate(name, f"封面第{number}行", 0)
        return None

    def labels(self) -> list[_Candidate]:
        out = []
        for number, line in enumerate(self.lines, 1):
            if "：" not in line and ":" not in line:
                continue
            if "部" not in line and "位" not in line:  # every label key holds 部 or 位
                continue
            text = ascii_digits(compact(line))
            for m in _LABEL.finditer(text):
                name = _clean_name(m["name"])
                if self._accept(name):
                    out.append(_Candidate(name, f"“{m['key']}”第{number}行", _LABEL_RANK[m["key"]]))
        for cell in self.dept_cells:
            name = _clean_name(cell)
            if self._accept(name):
                out.append(_Candidate(name, "表内“部门名称”", 0))
        return out

    def table_titles(self) -> list[_Candidate]:
        out = []
        for number, line in enumerate(self.lines, 1):
            if "表" not in line:
                continue
            text = compact(line)
            if len(text) > 70 or "表" not in text[-12:]:
                continue
            text = _AFTER_NAME.sub("", ascii_digits(text))  # one character for one: same places
            m = _TABLE_TITLE.match(text) or _DEPT_TITLE_TABLE.match(text)
            if m:
                name = _clean_name(m["name"])
                if self._accept(name):
                    out.append(_Candidate(name, f"表题第{number}行", 0))
        return out

    def from_file_name(self) -> _Candidate | None:
        stem = PurePath(self.file_name).stem
        parts = [compact(p) for p in stem.split("__") if compact(p)]
        for part in reversed(parts):
            m = _COVER.match(ascii_digits(part))
            if m and self._accept(_clean_name(m["name"])):
                return _Candidate(_clean_name(m["name"]), "文件名", 0)
        for part in parts:
            name = re.sub(rf"{_YEAR}.*$", "", ascii_digits(part))
            if self._accept(name):
                return _Candidate(name, "文件名", 0)
        return None

    def department(self) -> _Candidate | None:
        cover = self.cover()
        labels = self.labels()
        titles = self.table_titles()
        if cover:
            return cover
        for group in (labels, titles):
            if group:
                best_rank = min(c.rank for c in group)
                votes = Counter(c.name for c in group if c.rank == best_rank)
                top = max(votes.values())
                name = max((n for n, v in votes.items() if v == top), key=len)
                return next(c for c in group if c.name == name)
        return self.from_file_name()

    # -- year --------------------------------------------------------------------------
    def year(self) -> tuple[int, str] | None:
        for number, text in _cover_windows(self.lines):
            m = _COVER_YEAR.search(text)
            if m:
                return int(m[1]), f"封面第{number}行"
        found: dict[int, int] = {}
        counts: Counter[int] = Counter()
        for number, line in enumerate(self.lines, 1):
            if "年度" not in line:
                continue
            for m in re.finditer(r"(20\d{2})\s*年度", ascii_digits(line)):
                counts[int(m[1])] += 1
                found.setdefault(int(m[1]), number)
        head = Counter({y: c for y, c in counts.items() if found[y] <= 40})  # the title pages first
        for pool in (head, counts):
            if pool:
                year = pool.most_common(1)[0][0]
                return year, f"正文第{found[year]}行"
        for number, line in enumerate(self.lines, 1):
            if "表" not in line:
                continue
            text = ascii_digits(compact(line))
            m = re.search(r"(20\d{2})年(?:[^\d]{0,30})(?:预算|决算)(?:明细)?表", text)
            if m and len(text) < 70:
                return int(m[1]), f"表题第{number}行"
        m = re.search(
            r"(20\d{2})\s*(?:年|度|预算|决算)", ascii_digits(PurePath(self.file_name).stem)
        )
        if m:
            return int(m[1]), "文件名"
        return None


def find_year(lines: list[str], file_name: str = "") -> int | None:
    """The report's year, before tables are read (their column roles depend on it)."""
    found = _Finder(lines, [], file_name).year()
    return found[0] if found else None


def cover_statement(lines: list[str]) -> str | None:
    """决算 or 预算, when the cover or title says the document is one (部门决算, 预算公开)."""
    titles = [t for _, t in _cover_windows(lines) if len(t) <= _TITLE_LINE_MAX]
    for family, pattern in _STATEMENT_TITLES:
        if any(pattern.search(t) for t in titles):
            return family[-2:]
    return None


def find_region(name: str | None) -> str | None:
    """The administrative region a department's name starts with (江苏省, 武汉市江汉区)."""
    if not name:
        return None
    m = _REGION.match(compact(name))
    region = m["region"] if m else ""
    if not region:
        m = _PROVINCE_ONLY.match(compact(name))
        region = m["region"] if m else ""
    return region or None


def _families(text: str, lines: list[str], table_kinds: list[str]) -> tuple[list[str], list[str]]:
    """Families and short kinds found in the text and the classified tables."""
    families: set[str] = set()
    kinds: list[str] = []
    titles = [t for _, t in _cover_windows(lines) if len(t) <= _TITLE_LINE_MAX]
    for family, pattern in _STATEMENT_TITLES:
        if any(pattern.search(t) for t in titles):
            families.add(family)
            break
    if any(k.startswith("fa_") for k in table_kinds) and not families & {"部门决算", "单位决算"}:
        families.add("部门决算")
    if any(k.startswith("bu_") for k in table_kinds) and not families & {"部门预算", "单位预算"}:
        families.add("部门预算")
    for kind, family, marker in _SELF_EVAL_MARKERS:
        if isinstance(marker, re.Pattern):
            found = "自评报告" in text and marker.search(text)  # its every match holds 自评报告
        else:
            found = any(word in text for word in marker)
        if found:
            kinds.append(kind)
            families.add(family)
    for family in ("部门决算", "单位决算", "部门预算", "单位预算"):
        if family in families:
            kinds.insert(0, family)
    return [f for f in FAMILIES if f in families], kinds


def identify(
    lines: list[str],
    file_name: str,
    *,
    dept_cells: list[str] | None = None,
    table_kinds: list[str] | None = None,
    has_figures: bool = True,
) -> Identity:
    """The identity of one document from its displayed lines, its tables and its file name."""
    finder = _Finder(lines, dept_cells or [], file_name)
    dept = finder.department()
    year = finder.year()
    families, kinds = _families("\n".join(lines), lines, table_kinds or [])
    placeholders = list(dict.fromkeys(finder.placeholders))
    if dept is None and placeholders and not has_figures:
        families, kinds = [TEMPLATE], [TEMPLATE]
    region, region_source = find_region(dept.name if dept else None), "部门名称"
    if region is None and placeholders:
        region, region_source = find_region(placeholders[0]), "模板占位名称"
    return Identity(
        kind_family="+".join(families) or "未知",
        kind="+".join(kinds) or "未知",
        department=dept.name if dept else None,
        department_source=dept.source if dept else None,
        region=region,
        region_source=region_source if region else None,
        year=year[0] if year else None,
        year_source=year[1] if year else None,
        placeholders=placeholders,
    )
