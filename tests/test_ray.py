"""``scan --executor ray`` on a local two-node Ray cluster writes what the in-process scan writes.

The cluster is two Ray nodes of one CPU each on this machine (a head and a worker node, as
``ray start --head`` and ``ray start --address`` would make on two machines). The scan reads
the files on the cluster (their bytes travel with the work) and checks each partition there.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ray = pytest.importorskip("ray", reason="the cluster extra (ray) is not installed")

ROOT = Path(__file__).resolve().parents[1]
SAMPLES = ROOT / "data" / "samples"
FORMATS = ROOT / "tests" / "fixtures" / "formats"


@pytest.fixture(scope="module")
def cluster():
    from ray.cluster_utils import Cluster

    nodes = Cluster(
        initialize_head=True,
        head_node_args={"num_cpus": 1, "include_dashboard": False},
    )
    nodes.add_node(num_cpus=1)
    nodes.wait_for_nodes()
    try:
        yield nodes
    finally:
        nodes.shutdown()


@pytest.fixture
def reports(tmp_path):
    folder = tmp_path / "reports"
    folder.mkdir()
    for path in [*SAMPLES.glob("*.txt"), FORMATS / "003.docx", FORMATS / "002.html"]:
        shutil.copy(path, folder / path.name)
    (folder / "broken.pdf").write_bytes(b"%PDF-1.4 truncated")
    return folder


def _scan(reports: Path, out: Path, cache: Path, *extra: str) -> None:
    env = {**os.environ, "BUDGET_AUDIT_WORKSPACE": str(cache.parent / "ws")}
    cmd = [sys.executable, "-m", "cli.main", "scan", str(reports), "--out", str(out)]
    done = subprocess.run(
        [*cmd, "--cache", str(cache), *extra],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr


def test_ray_scan_writes_the_same_files_byte_for_byte(cluster, reports, tmp_path):
    local, remote = tmp_path / "local", tmp_path / "ray"
    _scan(reports, local, tmp_path / "cache-local")
    _scan(
        reports, remote, tmp_path / "cache-ray", "--executor", "ray", "--address", cluster.address
    )
    names = sorted(p.name for p in local.glob("*.csv"))
    assert names == sorted(p.name for p in remote.glob("*.csv"))
    assert "flags.csv" in names and "findings.csv" in names
    for name in names:
        assert (local / name).read_bytes() == (remote / name).read_bytes(), name
    flags = (remote / "flags.csv").read_text(encoding="utf-8-sig").splitlines()
    assert len(flags) > 50  # the samples raise flags: the comparison is not of empty files
    documents = (remote / "documents.csv").read_text(encoding="utf-8-sig")
    assert "broken.pdf" in documents and "failed" in documents


def test_both_nodes_take_work(cluster):
    """The cluster the scan used has two nodes, and tasks land on both."""
    ray.init(address=cluster.address, include_dashboard=False, log_to_driver=False)
    try:

        @ray.remote(num_cpus=1)
        def where(_):
            import time

            time.sleep(0.5)
            return ray.get_runtime_context().get_node_id()

        nodes = set(ray.get([where.remote(i) for i in range(6)]))
        assert len(nodes) == 2
    finally:
        ray.shutdown()
