from __future__ import annotations

import csv

from conftest import SAMPLES

from cli.main import main
from loaders.model import CSV_COLUMNS, FRAMES


def test_scan_writes_contract_csvs_with_bom(tmp_path):
    out = tmp_path / "out"
    assert main(["scan", str(SAMPLES), "--out", str(out)]) == 0
    for name, cols in CSV_COLUMNS.items():
        raw = (out / f"{name}.csv").read_bytes()
        assert raw.startswith(b"\xef\xbb\xbf"), name
        header = raw.decode("utf-8-sig").splitlines()[0].split(",")
        assert header[: len(cols)] == cols, name
    with (out / "documents.csv").open(encoding="utf-8-sig") as fh:
        assert len(list(csv.DictReader(fh))) == 5


def test_scan_writes_one_csv_per_declared_frame(tmp_path):
    out = tmp_path / "out"
    assert main(["scan", str(SAMPLES), "--out", str(out)]) == 0
    for name, schema in FRAMES.items():
        header = (out / f"{name}.csv").read_text(encoding="utf-8-sig").splitlines()[0].split(",")
        assert sorted(header) == sorted(schema), name
