"""A corpus of hostile and odd files, generated (nothing large is committed).

``python tests/hostile.py OUT`` writes every case into OUT; the tests and
``benchmarks/bench_hostile.py`` call :func:`write_corpus`. Each case names
what the loader must say about it: the status and the catalogued issue code.
"""

from __future__ import annotations

import hashlib
import io
import os
import struct
import sys
import zipfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FORMATS = Path(__file__).parent / "fixtures" / "formats"
# a report none of the samples shares a department with: copies of it in odd encodings must
# not change the samples' flags (checks compare documents of one department and year)
SAMPLE = Path(__file__).parent / "fixtures" / "clean_report.txt"
MB = 1024 * 1024


@dataclass(frozen=True)
class Case:
    name: str | bytes  # bytes: a name that is not UTF-8
    make: Callable[[], bytes]
    status: str  # ok / partial / failed: what the loader must report
    code: str | None = None  # the catalogued issue the file must carry


# ---- text in every encoding ------------------------------------------------------------------


def _sample_text() -> str:
    return SAMPLE.read_text(encoding="utf-8")


def big5_text() -> str:
    """Sample 003 with every character Big5 cannot hold dropped (Big5 has no simplified forms)."""
    return "".join(ch for ch in _sample_text() if ch in "\n\t" or ch.encode("big5hkscs", "ignore"))


def one_invalid_byte() -> bytes:
    data = bytearray(SAMPLE.read_bytes())
    line_start = data.index(b"\n", len(data) // 2) + 1  # a line in the middle of the report
    data[line_start] = 0xFF  # an ASCII character (or the lead byte of a Chinese one) broken
    return bytes(data)


# ---- PDFs written by hand (no PDF library writes them) -----------------------------------------

_PAD = bytes.fromhex("28BF4E5E4E758A4164004E56FFFA01082E2E00B6D0683E802F0CA9FE6453697A")


def _rc4(key: bytes, data: bytes) -> bytes:
    s = list(range(256))
    j = 0
    for i in range(256):
        j = (j + s[i] + key[i % len(key)]) % 256
        s[i], s[j] = s[j], s[i]
    out = bytearray()
    i = j = 0
    for byte in data:
        i = (i + 1) % 256
        j = (j + s[i]) % 256
        s[i], s[j] = s[j], s[i]
        out.append(byte ^ s[(s[i] + s[j]) % 256])
    return bytes(out)


def pdf(lines: list[str], owner_password: bytes | None = None, drawing: bytes = b"") -> bytes:
    """A one-page PDF with ASCII ``lines`` in Helvetica; with an owner password, RC4-encrypted
    (standard security handler, revision 2) and an empty user password, as many portals publish."""
    content = (
        b"BT /F1 12 Tf 72 720 Td 14 TL "
        + b"".join(b"(" + line.encode("ascii") + b") Tj T* " for line in lines)
        + b"ET"
    )
    if drawing:
        content = drawing
    file_id = hashlib.md5(b"budget-audit hostile").digest()
    permissions = -44
    encrypt = None
    if owner_password is not None:
        owner_key = hashlib.md5((owner_password + _PAD)[:32]).digest()[:5]
        o_value = _rc4(owner_key, _PAD)
        key = hashlib.md5(_PAD + o_value + struct.pack("<i", permissions) + file_id).digest()[:5]
        u_value = _rc4(key, _PAD)
        object_key = hashlib.md5(key + struct.pack("<i", 4)[:3] + b"\0\0").digest()[:10]
        content = _rc4(object_key, content)
        encrypt = (
            b"<< /Filter /Standard /V 1 /R 2 /Length 40 /O <"
            + o_value.hex().encode()
            + b"> /U <"
            + u_value.hex().encode()
            + b"> /P %d >>" % permissions
        )
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 612 792] /Contents 4 0 R"
        b" /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length %d >>\nstream\n" % len(content) + content + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    if encrypt is not None:
        objects.append(encrypt)
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, 1):
        offsets.append(len(out))
        out += b"%d 0 obj\n" % number + body + b"\nendobj\n"
    xref = len(out)
    out += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    for offset in offsets:
        out += b"%010d 00000 n \n" % offset
    trailer = b"<< /Size %d /Root 1 0 R " % (len(objects) + 1)
    if encrypt is not None:
        trailer += b"/Encrypt %d 0 R " % len(objects)
    trailer += b"/ID [<" + file_id.hex().encode() + b"> <" + file_id.hex().encode() + b">] >>"
    out += b"trailer\n" + trailer + b"\nstartxref\n%d\n%%%%EOF\n" % xref
    return bytes(out)


def no_text_pdf() -> bytes:
    """What a scan looks like to a text extractor: a page with drawing and no text."""
    return pdf([], drawing=b"10 10 m 600 780 l S 50 50 200 100 re f")


# ---- Office packages ---------------------------------------------------------------------------


def _sheet_xml(rows: list[list[str]]) -> bytes:
    def cell(value: str) -> str:
        escaped = value.replace("&", "&amp;").replace("<", "&lt;")
        return f'<c t="inlineStr"><is><t>{escaped}</t></is></c>'

    body = "".join("<row>" + "".join(cell(v) for v in row) + "</row>" for row in rows)
    return (
        '<?xml version="1.0" encoding="UTF-8"?>'
        '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main">'
        f"<sheetData>{body}</sheetData></worksheet>"
    ).encode()


def xlsx(rows: list[list[str]], sheet_xml: bytes | None = None) -> bytes:
    """A minimal workbook of one sheet of inline strings."""
    ns = "http://schemas.openxmlformats.org"
    parts = {
        "[Content_Types].xml": f'<?xml version="1.0"?><Types xmlns="{ns}/package/2006/content-types">'
        '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
        '<Default Extension="xml" ContentType="application/xml"/>'
        '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
        '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
        "</Types>",
        "_rels/.rels": f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/officeDocument" Target="xl/workbook.xml"/>'
        "</Relationships>",
        "xl/workbook.xml": f'<?xml version="1.0"?><workbook xmlns="{ns}/spreadsheetml/2006/main" '
        f'xmlns:r="{ns}/officeDocument/2006/relationships"><sheets>'
        '<sheet name="Sheet1" sheetId="1" r:id="rId1"/></sheets></workbook>',
        "xl/_rels/workbook.xml.rels": f'<?xml version="1.0"?><Relationships xmlns="{ns}/package/2006/relationships">'
        f'<Relationship Id="rId1" Type="{ns}/officeDocument/2006/relationships/worksheet" Target="worksheets/sheet1.xml"/>'
        "</Relationships>",
    }
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for name, text in parts.items():
            package.writestr(name, text)
        package.writestr("xl/worksheets/sheet1.xml", sheet_xml or _sheet_xml(rows))
    return buffer.getvalue()


def budget_rows(n: int) -> list[list[str]]:
    """A 项目支出 table of ``n`` rows, every one executed at 50% (a flag each)."""
    head = [
        ["项目支出绩效自评表"],
        ["项目名称", "年初预算数", "全年预算数", "全年执行数", "执行率"],
    ]
    return head + [[f"项目{k}", "100.00", "100.00", "50.00", "50.00%"] for k in range(n)]


def understate(data: bytes, member: str, declared: int = 1000) -> bytes:
    """Rewrite the zip headers so ``member`` declares ``declared`` bytes uncompressed."""
    raw = bytearray(data)
    info = zipfile.ZipFile(io.BytesIO(data)).getinfo(member)
    struct.pack_into("<I", raw, info.header_offset + 22, declared)
    end = raw.rfind(b"PK\x05\x06")
    position = struct.unpack_from("<I", raw, end + 16)[0]
    while raw[position : position + 4] == b"PK\x01\x02":
        name_len, extra_len, comment_len = struct.unpack_from("<HHH", raw, position + 28)
        name = bytes(raw[position + 46 : position + 46 + name_len]).decode()
        if name == member:
            struct.pack_into("<I", raw, position + 24, declared)
        position += 46 + name_len + extra_len + comment_len
    return bytes(raw)


def understated_xlsx() -> bytes:
    """1 MB on disk, 300 MB inflated, headers saying 1 KB (an XML comment of blanks)."""
    sheet = _sheet_xml(budget_rows(10)).replace(
        b"</sheetData>", b"<!--" + b" " * (300 * MB) + b"--></sheetData>"
    )
    return understate(xlsx([], sheet), "xl/worksheets/sheet1.xml")


def long_cell_xlsx() -> bytes:
    rows = budget_rows(5)
    rows[3][0] = "项目" + "很长的说明" * 128_000  # 640,002 characters in one cell
    return xlsx(rows)


def whitespace_bomb_docx() -> bytes:
    source = zipfile.ZipFile(FORMATS / "003.docx")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as package:
        for info in source.infolist():
            data = source.read(info.filename)
            if info.filename == "word/document.xml":
                blanks = (
                    b'<w:p><w:r><w:t xml:space="preserve">'
                    + b" " * (12 * MB)
                    + b"</w:t></w:r></w:p>"
                )
                data = data.replace(b"<w:body>", b"<w:body>" + blanks, 1)
            package.writestr(info, data)
    return buffer.getvalue()


def span_bomb_html() -> bytes:
    cells = '<td rowspan="100000" colspan="100000">1</td>' * 40
    rows = "".join(f"<tr>{cells}</tr>" for _ in range(60))
    return f"<html><body><p>预算表</p><table>{rows}</table></body></html>".encode()


def deep_html() -> bytes:
    return (
        b"<html><body>" + b"<div>" * 20000 + "预算".encode() + b"</div>" * 20000 + b"</body></html>"
    )


def _half(path: Path) -> bytes:
    data = path.read_bytes()
    return data[: len(data) // 2]


OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + b"\0" * 600

CASES = [
    Case(
        "部门决算".encode("gbk") + b".txt", lambda: SAMPLE.read_bytes(), "ok", "file-name-encoding"
    ),
    Case("gb18030.txt", lambda: _sample_text().encode("gb18030"), "ok"),
    # Big5 drops 预/绩/评/报…: headers such as 预算数 become 算数, so their figures are reported
    Case("big5.txt", lambda: big5_text().encode("big5hkscs"), "partial", "unplaced-figure"),
    Case("utf16-bom.txt", lambda: _sample_text().encode("utf-16"), "ok"),
    Case("utf16le-nobom.txt", lambda: _sample_text().encode("utf-16-le"), "ok"),
    Case("utf16be-nobom.txt", lambda: _sample_text().encode("utf-16-be"), "ok"),
    Case("one-invalid-byte.txt", one_invalid_byte, "partial", "invalid-bytes"),
    Case("owner-password.pdf", lambda: pdf(["Budget 2023", "Total 1234.56"], b"owner"), "partial"),
    Case("one-line.pdf", lambda: pdf(["Budget 2023 total 1234.56"]), "partial"),
    Case("no-text.pdf", no_text_pdf, "partial", "no-text-layer"),
    Case("understated.xlsx", understated_xlsx, "failed", "zip-too-large"),
    Case("long-cell.xlsx", long_cell_xlsx, "partial", "cell-truncated"),
    Case("rows-200k.xlsx", lambda: xlsx(budget_rows(200_000)), "partial", "table-truncated"),
    Case("whitespace-bomb.docx", whitespace_bomb_docx, "failed", "damaged-xml"),
    Case("span-bomb.html", span_bomb_html, "partial", "span-clamped"),
    Case("deep.html", deep_html, "partial", "no-figures"),
    Case("empty.txt", lambda: b"", "failed", "empty-file"),
    Case("blank.txt", lambda: b" \n\t\n", "failed", "empty-file"),
    Case(
        "image.png", lambda: b"\x89PNG\r\n\x1a\n" + bytes(range(256)) * 40, "failed", "binary-file"
    ),
    Case("truncated.pdf", lambda: _half(FORMATS / "003.pdf"), "failed", "damaged-file"),
    Case("truncated.docx", lambda: _half(FORMATS / "003.docx"), "failed", "damaged-file"),
    Case("truncated.xlsx", lambda: _half(FORMATS / "003.xlsx"), "failed", "damaged-file"),
    Case("encrypted.docx", lambda: OLE, "failed", "encrypted"),
    Case("old.doc", lambda: OLE, "failed", "unsupported-format"),
    Case(
        "latin1.txt",
        lambda: "Budget für café: résumé".encode("latin-1") * 40,
        "failed",
        "bad-encoding",
    ),
]


def display_name(case: Case) -> str:
    from loaders.pipeline import printable_name

    return printable_name(os.fsdecode(case.name))


def write_corpus(folder: Path, cases: list[Case] = CASES) -> dict[str, Case]:
    """Write every case into ``folder``; returns {display name: case}."""
    folder.mkdir(parents=True, exist_ok=True)
    out = {}
    for case in cases:
        raw_name = case.name if isinstance(case.name, bytes) else case.name.encode()
        with open(os.path.join(os.fsencode(folder), raw_name), "wb") as handle:
            handle.write(case.make())
        out[display_name(case)] = case
    return out


if __name__ == "__main__":
    sys.path.insert(0, str(ROOT))
    written = write_corpus(Path(sys.argv[1]))
    print(f"{len(written)} files in {sys.argv[1]}")
