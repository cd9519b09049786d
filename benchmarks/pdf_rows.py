"""Every row the product reads from every PDF we have, saved or compared with a saved copy.

A change to the PDF reader must not change a single row: this dumps, per PDF, the
reader's display lines, places, blocks and notes and every frame's rows, so two
versions of the reader can be compared on all of them. PDFs: the benchmark report
(artifacts/bench_report_50p.pdf, built by bench_pdf.py), the test fixtures, the real
disclosures in /work/shared/real (when present) and the hostile corpus's PDFs.

Run: .venv/bin/python benchmarks/pdf_rows.py save before.json
     .venv/bin/python benchmarks/pdf_rows.py compare before.json
"""

from __future__ import annotations

import dataclasses
import json
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests"))
sys.path.insert(0, str(ROOT))
REAL = Path("/work/shared/real")


def pdfs() -> dict[str, bytes]:
    """Name -> bytes of every PDF to compare."""
    import hostile

    files = [ROOT / "artifacts" / "bench_report_50p.pdf"]
    files += sorted((ROOT / "tests" / "fixtures").rglob("*.pdf"))
    files += sorted(REAL.rglob("*.pdf")) if REAL.exists() else []
    out = {str(f.relative_to(ROOT) if f.is_relative_to(ROOT) else f): f.read_bytes() for f in files}
    for case in hostile.CASES:
        name = case.name if isinstance(case.name, str) else repr(case.name)
        if name.endswith(".pdf"):
            out[f"hostile/{name}"] = case.make()
    return out


def _plain(value):
    if dataclasses.is_dataclass(value):
        return {k: _plain(v) for k, v in dataclasses.asdict(value).items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, dict):
        return {str(k): _plain(v) for k, v in value.items()}
    return value if isinstance(value, str | int | float | bool | None) else repr(value)


def snapshot(data: bytes) -> dict:
    from loaders.limits import Limits
    from loaders.pipeline import load_bytes
    from loaders.readers import read
    from loaders.readers.errors import ReadError

    try:
        rendered = _plain(read(data, "x.pdf", Limits()))
    except ReadError as exc:
        rendered = {"error": [exc.args]}
    return {"rendered": rendered, "loaded": _plain(load_bytes(data, "x.pdf"))}


def main() -> None:
    mode, path = sys.argv[1], Path(sys.argv[2])
    only = sys.argv[3:]
    current = {}
    for name, data in pdfs().items():
        if only and not any(o in name for o in only):
            continue
        current[name] = snapshot(data)
        print(name, file=sys.stderr)
    if mode == "save":
        path.write_text(json.dumps(current, ensure_ascii=False, indent=0))
        return
    saved = json.loads(path.read_text())
    differ = 0
    for name, snap in current.items():
        if name not in saved:
            print(f"NEW {name}")
            continue
        for part in ("rendered", "loaded"):
            if json.dumps(snap[part], ensure_ascii=False) != json.dumps(
                saved[name][part], ensure_ascii=False
            ):
                differ += 1
                print(f"DIFFERS {name} {part}: {_first_difference(saved[name][part], snap[part])}")
    print(f"{len(current)} PDFs compared, {differ} differences")
    sys.exit(1 if differ else 0)


def _first_difference(old, new, where: str = "") -> str:
    if type(old) is not type(new):
        return f"{where}: {old!r:.200} != {new!r:.200}"
    if isinstance(old, dict):
        for key in sorted(set(old) | set(new)):
            if old.get(key) != new.get(key):
                return _first_difference(old.get(key), new.get(key), f"{where}.{key}")
    if isinstance(old, list):
        for k, (a, b) in enumerate(zip(old, new, strict=False)):
            if a != b:
                return _first_difference(a, b, f"{where}[{k}]")
        if len(old) != len(new):
            return f"{where}: length {len(old)} != {len(new)}"
    return f"{where}: {old!r:.200} != {new!r:.200}"


if __name__ == "__main__":
    main()
