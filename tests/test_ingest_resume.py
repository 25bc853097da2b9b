"""A killed ingest (kill -9 mid-file) leaves a consistent store and a re-run finishes it."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import textwrap

from cibwatch import Store
from cibwatch.ingest import ingest_paths
from cibwatch.ingest.synth import write_x_v2_jsonl

N = 60_000
CHUNK = 2_000

_CHILD = textwrap.dedent(
    """
    import sys
    from cibwatch import Store
    from cibwatch.ingest import ingest_paths

    def tick(rep):
        print(rep.rows_read, flush=True)

    store = Store(sys.argv[1])
    ingest_paths(store, [sys.argv[2]], chunk_size=int(sys.argv[3]), on_chunk=tick)
    print("done", flush=True)
    """
)


def _snapshot(store: Store) -> dict:
    return {
        "posts": store.query(
            "SELECT platform, post_id, account_id, created_at, text, urls, like_count FROM posts ORDER BY post_id"
        ),
        "accounts": store.query(
            "SELECT platform, account_id, handle, first_seen, last_seen, followers FROM accounts ORDER BY account_id"
        ),
        "history": store.query(
            "SELECT platform, account_id, field, value, first_seen, last_seen FROM account_history ORDER BY ALL"
        ),
    }


def test_kill_9_then_rerun_matches_a_clean_ingest(tmp_path):
    data = write_x_v2_jsonl(tmp_path / "big.jsonl", N, seed=7)
    with open(data, "ab") as f:
        f.write(b'{"id": "broken", "text": "x", "author_id": "1", "created_at": "never"}\n{"trunc')
    db = tmp_path / "killed.duckdb"
    proc = subprocess.Popen(
        [sys.executable, "-c", _CHILD, str(db), str(data), str(CHUNK)], stdout=subprocess.PIPE, text=True
    )
    committed = 0
    assert proc.stdout is not None
    for line in proc.stdout:
        committed = int(line)
        if committed >= 5 * CHUNK:
            break
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert proc.returncode == -signal.SIGKILL
    assert committed >= 5 * CHUNK

    with Store(db) as store:  # opens after the crash; counts are consistent
        src = store.query("SELECT * FROM sources")[0]
        assert src["status"] == "running"
        assert src["rows_read"] >= committed
        assert src["rows_read"] < N
        assert src["rows_read"] == src["stored"] + src["quarantined"]
        assert store.count("posts") == src["stored"]  # every synthetic post id is distinct
        rep = ingest_paths(store, [data], chunk_size=CHUNK)
        assert rep.sources[0].resumed
        src = store.query("SELECT * FROM sources")[0]
        assert src["status"] == "complete"
        assert (src["rows_read"], src["stored"], src["quarantined"]) == (N + 2, N, 2)
        assert store.count("quarantine") == 2
        resumed = _snapshot(store)

    with Store(tmp_path / "clean.duckdb") as clean:
        ingest_paths(clean, [data], chunk_size=CHUNK)
        src_clean = clean.query("SELECT rows_read, stored, quarantined FROM sources")[0]
        assert src_clean == {"rows_read": N + 2, "stored": N, "quarantined": 2}
        assert _snapshot(clean) == resumed
