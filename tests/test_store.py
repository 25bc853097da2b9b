from __future__ import annotations

import pytest

from cibwatch import Store
from cibwatch.errors import NoRunError, SchemaError
from cibwatch.store import SCHEMA_VERSION


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
