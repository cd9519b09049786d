"""The dashboard notices changed report folders cheaply, and its server warms up before a page."""

from __future__ import annotations

import os

from dashboard import data, folder_state
from dashboard.folder_state import FRESH_SECONDS, folders_signature


def test_signature_follows_files_and_skips_hidden_ones(tmp_path):
    (tmp_path / "sub").mkdir()
    report = tmp_path / "sub" / "a.txt"
    report.write_text("一", "utf-8")
    first = folders_signature([tmp_path], now=0.0)
    (tmp_path / ".hidden.txt").write_text("x", "utf-8")
    (tmp_path / "README.md").write_text("x", "utf-8")
    assert folders_signature([tmp_path], now=FRESH_SECONDS + 1) == first
    report.write_text("一二", "utf-8")  # same name, new size
    assert folders_signature([tmp_path], now=2 * FRESH_SECONDS + 2) != first
    (tmp_path / "b.txt").write_text("三", "utf-8")
    grown = folders_signature([tmp_path], now=3 * FRESH_SECONDS + 3)
    assert grown != first
    os.utime(report, ns=(1, 1))  # same size, other time
    assert folders_signature([tmp_path], now=4 * FRESH_SECONDS + 4) != grown


def test_a_recent_walk_is_reused_and_forget_drops_it(tmp_path):
    (tmp_path / "a.txt").write_text("一", "utf-8")
    first = folders_signature([tmp_path], now=100.0)
    (tmp_path / "b.txt").write_text("二", "utf-8")
    assert folders_signature([tmp_path], now=100.0 + FRESH_SECONDS / 2) == first
    folder_state.forget()
    assert folders_signature([tmp_path], now=100.0 + FRESH_SECONDS / 2) != first


def test_a_missing_path_has_a_signature(tmp_path):
    assert folders_signature([tmp_path / "gone.txt"], now=0.0)


def test_warm_up_loads_what_the_first_page_reads(tmp_path, monkeypatch):
    from dashboard.launch import warm

    monkeypatch.setenv("BUDGET_AUDIT_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("BUDGET_AUDIT_PATHS", raising=False)  # the embedded samples
    data.clear_loaded()
    warm()
    loaded, job = data._loaded_or_loading()
    assert job is None and loaded is data.preload()
    assert loaded.corpus.documents.height == 5 and loaded.run.findings.height > 0


def test_overview_figures_are_worked_out_once_per_loaded_corpus(tmp_path, monkeypatch):
    from dashboard.metrics import headline, headline_of, links_of

    monkeypatch.setenv("BUDGET_AUDIT_WORKSPACE", str(tmp_path))
    monkeypatch.delenv("BUDGET_AUDIT_PATHS", raising=False)
    corpus = data.preload().corpus
    assert headline_of(corpus) is headline_of(corpus)
    assert headline_of(corpus).equals(headline(corpus))
    links = links_of(corpus)
    assert links is links_of(corpus)
    assert links.height == corpus.documents.select("department", "year").n_unique()
    assert links["link"].str.starts_with("department?dept=").all()
