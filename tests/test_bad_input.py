"""Unreadable files fail alone, with a clear message; the rest of the folder still loads."""

from __future__ import annotations

import csv
import shutil

from conftest import SAMPLES

from cli.main import main
from loaders.decode import DecodeError, decode_bytes
from loaders.pipeline import load_paths

SAMPLE = "001_e4b7451ca6ac423e.txt"


def _mixed_folder(tmp_path):
    folder = tmp_path / "in"
    folder.mkdir()
    shutil.copy(SAMPLES / SAMPLE, folder / SAMPLE)
    (folder / "gb18030.txt").write_bytes((SAMPLES / SAMPLE).read_text("utf-8").encode("gb18030"))
    (folder / "empty.txt").write_bytes(b"")
    (folder / "image.png").write_bytes(b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)))
    (folder / "latin1.txt").write_bytes("Budget für café: résumé naïve".encode("latin-1") * 20)
    return folder


def test_folder_with_bad_files_scans(tmp_path, capsys):
    folder = _mixed_folder(tmp_path)
    out = tmp_path / "out"
    assert main(["scan", str(folder), "--out", str(out)]) == 0
    with (out / "documents.csv").open(encoding="utf-8-sig") as fh:
        docs = {r["source_file"]: r for r in csv.DictReader(fh)}
    assert docs[SAMPLE]["status"] == "ok"
    assert docs["gb18030.txt"]["status"] == "ok"
    assert docs["empty.txt"]["status"] == "failed" and "空" in docs["empty.txt"]["message"]
    assert docs["image.png"]["status"] == "failed" and "二进制" in docs["image.png"]["message"]
    assert docs["latin1.txt"]["status"] == "failed" and "GB18030" in docs["latin1.txt"]["message"]
    err = capsys.readouterr().err
    assert "empty.txt" in err and "image.png" in err and "latin1.txt" in err


def test_gb18030_copy_gives_the_same_rows(tmp_path):
    folder = _mixed_folder(tmp_path)
    # read apart: read together, the copy is the same report and is checked once
    corpus = load_paths([folder / SAMPLE]).merged_with(load_paths([folder / "gb18030.txt"]))
    cols = [c for c in corpus.budget_lines.columns if c not in ("doc_id", "source_file")]
    bl = corpus.budget_lines
    a = bl.filter(bl["source_file"] == SAMPLE).select(cols)
    b = bl.filter(bl["source_file"] == "gb18030.txt").select(cols)
    assert a.height > 0 and a.equals(b)
    ind = corpus.indicators
    icols = [c for c in ind.columns if c not in ("doc_id", "source_file")]
    assert (
        ind.filter(ind["source_file"] == SAMPLE)
        .select(icols)
        .equals(ind.filter(ind["source_file"] == "gb18030.txt").select(icols))
    )


def test_decode_refusals_name_the_reason():
    for data, code in [
        (b"", "empty-file"),
        (b"  \n", "empty-file"),
        (b"\x00\x01\x02abc", "binary-file"),
    ]:
        try:
            decode_bytes(data)
        except DecodeError as exc:
            assert exc.code == code
        else:
            raise AssertionError(f"{data!r} accepted")


def test_utf8_bom_is_accepted():
    assert decode_bytes("\ufeff部门整体支出".encode()).text == "部门整体支出"


def test_missing_path_is_reported(tmp_path, capsys):
    assert main(["scan", str(tmp_path / "nope"), "--out", str(tmp_path / "o")]) == 1
    assert "路径不存在" in capsys.readouterr().err
