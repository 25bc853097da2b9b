from __future__ import annotations

import pytest

from cibwatch import Store
from cibwatch.errors import NoRunError, SchemaError
from cibwatch.store import MIGRATIONS, SCHEMA_VERSION


def test_memory_store_has_canonical_tables(store):
    for t in ("posts", "accounts", "account_history", "targets", "quarantine", "sources", "runs", "edges", "campaigns", "evidence"):
        assert store.count(t) == 0
    assert store.schema_version() == SCHEMA_VERSION


def test_file_store_reopens_without_remigrating(tmp_path):
    p = tmp_path / "s.duckdb"
    with Store(p) as s:
        s.execute("INSERT INTO cases VALUES ('c1', 'Spamouflage', 'meta', NULL, now())")
    with Store(p) as s:
        assert s.schema_version() == SCHEMA_VERSION
        assert s.count("cases") == 1


def test_version_1_store_migrates_keeping_its_posts(tmp_path):
    import duckdb

    p = tmp_path / "v1.duckdb"
    con = duckdb.connect(str(p))
    con.execute("CREATE TABLE schema_version (version INTEGER, applied_at TIMESTAMP)")
    for sql in dict(MIGRATIONS)[1]:
        con.execute(sql)
    con.execute("INSERT INTO schema_version VALUES (1, now())")
    con.execute(
        "INSERT INTO posts (platform, post_id, account_id, created_at, text, urls, source_id, ingested_at) "
        "VALUES ('x', '1', 'a', '2024-01-01 10:00', 'hello', ['https://e.example'], 's', now())"
    )
    with pytest.raises(duckdb.ConstraintException):  # version 1 keyed posts by (platform, post_id)
        con.execute(
            "INSERT INTO posts (platform, post_id, account_id, created_at, source_id, ingested_at) "
            "VALUES ('x', '1', 'b', '2024-01-01 11:00', 's', now())"
        )
    con.close()
    with Store(p) as s:
        assert s.schema_version() == SCHEMA_VERSION >= 2
        rows = s.query("SELECT post_id, account_id, text, urls FROM posts")
        assert rows == [{"post_id": "1", "account_id": "a", "text": "hello", "urls": ["https://e.example"]}]
        keys = s.query("SELECT constraint_type FROM duckdb_constraints() WHERE table_name = 'posts'")
        assert "PRIMARY KEY" not in {k["constraint_type"] for k in keys}
        assert {"posts", "accounts"} <= set(s.tables()) and "posts_v2" not in s.tables()


def test_newer_schema_is_refused(tmp_path):
    p = tmp_path / "s.duckdb"
    with Store(p) as s:
        s.execute("INSERT INTO schema_version VALUES (?, now())", [SCHEMA_VERSION + 1])
    with pytest.raises(SchemaError, match="newer than this cibwatch"):
        Store(p)


def test_env_var_names_the_default_store(tmp_path, monkeypatch):
    p = tmp_path / "env.duckdb"
    monkeypatch.setenv("CIBWATCH_DB", str(p))
    with Store() as s:
        assert s.path == str(p)
    assert p.exists()


def test_runs_record_parameters_and_latest(store):
    with pytest.raises(NoRunError):
        store.latest_run()
    r = store.new_run("detect", {"window": 60}, seed=7)
    store.finish_run(r, {"campaigns": 2})
    run = store.latest_run()
    assert run["run_id"] == r and run["seed"] == 7
    assert run["parameters"] == {"window": 60}
    assert run["summary"] == {"campaigns": 2}


def test_transaction_rolls_back_on_error(store):
    with pytest.raises(RuntimeError):
        with store.transaction():
            store.execute("INSERT INTO cases VALUES ('c1', 'x', NULL, NULL, now())")
            raise RuntimeError("boom")
    assert store.count("cases") == 0
