"""One writer process for the concurrency tests: sets decisions until told to stop.

    python tests/review_writer.py URL WRITER SECONDS LOG [--go FILE] [--hang-after N]

After opening the store the writer creates ``LOG.ready``; with ``--go`` it then waits for
FILE, so that all writers start writing at the same moment. Each acknowledged (committed) decision is appended to LOG as ``seq<TAB>finding<TAB>status``
only after ``set_decision`` returned. With ``--hang-after N`` the writer, after N decisions,
opens a transaction, writes a decision inside it, creates ``LOG.in-transaction`` and sleeps
there, for the test to ``kill -9`` it.
"""

from __future__ import annotations

import os
import random
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from review.store import Finding, ReviewStore  # noqa: E402

FINDINGS = [
    Finding(finding_id=f"f{i:02d}", topic_id=f"t{i:02d}", check_id="E01") for i in range(12)
]
STATUSES = ("待核实", "属实", "误报", "已整改")


def main() -> int:
    url, writer, seconds, log = sys.argv[1], sys.argv[2], float(sys.argv[3]), Path(sys.argv[4])
    options = dict(zip(sys.argv[5::2], sys.argv[6::2], strict=True))
    hang_after = int(options["--hang-after"]) if "--hang-after" in options else None
    rng = random.Random(f"{writer}-{os.getpid()}")
    store = ReviewStore(url)
    Path(f"{log}.ready").touch()
    go = Path(options["--go"]) if "--go" in options else None
    while go is not None and not go.exists():
        time.sleep(0.005)
    fd = os.open(log, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
    deadline = time.monotonic() + seconds
    seq = 0
    while time.monotonic() < deadline:
        if hang_after is not None and seq == hang_after:
            with store.transaction() as conn:
                store.record(conn, FINDINGS[0], "误报", f"{writer}:hang", writer)
                Path(f"{log}.in-transaction").touch()
                time.sleep(600)
        seq += 1
        finding = rng.choice(FINDINGS)
        status = rng.choice(STATUSES)
        store.set_decision(finding, status, f"{writer}:{seq}", writer)
        os.write(fd, f"{seq}\t{finding.finding_id}\t{status}\n".encode())
    os.close(fd)
    store.close()
    return 0


if __name__ == "__main__":
    sys.exit(main())
