"""The ingest commands through the real entry point: user-facing text and exit codes."""

from __future__ import annotations

import json
from pathlib import Path

HOSTILE = Path(__file__).parent / "data" / "hostile"


def test_ingest_status_and_quarantine(cli, tmp_path):
    db = str(tmp_path / "s.duckdb")
    r = cli("ingest", str(HOSTILE / "x_v2_hostile.jsonl"), str(HOSTILE / "io_archive_hostile.csv"), "--db", db)
    assert r.exit_code == 0, r.stderr
    assert "2 file(s), 0 skipped: 21 rows read, 9 stored, 12 quarantined." in r.stdout
    assert "cibwatch quarantine list" in r.stdout

    st = cli("status", "--json", "--db", db)
    assert st.exit_code == 0
    obj = json.loads(st.stdout)
    assert obj["posts"] == 8 and obj["quarantined"] == 12 and isinstance(obj["accounts"], int)
    by_name = {Path(s["path"]).name: s for s in obj["sources"]}
    assert by_name["io_archive_hostile.csv"]["format"] == "x-io-archive"
    assert (
        by_name["x_v2_hostile.jsonl"]["rows_read"],
        by_name["x_v2_hostile.jsonl"]["stored"],
        by_name["x_v2_hostile.jsonl"]["quarantined"],
    ) == (11, 5, 6)

    again = cli("ingest", str(HOSTILE / "x_v2_hostile.jsonl"), "--db", db)
    assert again.exit_code == 0
    assert "already ingested, skipped" in again.stdout and "0 rows read, 0 stored" in again.stdout

    q = cli("quarantine", "list", "--source", str(HOSTILE / "io_archive_hostile.csv"), "--json", "--db", db)
    rows = json.loads(q.stdout)
    assert len(rows) == 6 and all(Path(r["path"]).name == "io_archive_hostile.csv" for r in rows)
    assert any("31/31/2020" in r["reason"] for r in rows)
    q2 = cli("quarantine", "list", "--limit", "2", "--db", db)
    assert q2.exit_code == 0 and "(record 4, byte 740): bad created_at of post 4" in q2.stdout
    assert q2.stdout.count("    raw: ") == 2
    assert len(json.loads(cli("quarantine", "list", "--limit", "2", "--json", "--db", db).stdout)) == 2


def test_unknown_format_lists_formats(cli, tmp_path):
    f = tmp_path / "notes.txt"
    f.write_text("just some words\n")
    r = cli("ingest", str(f), "--db", str(tmp_path / "d.duckdb"))
    assert r.exit_code == 1
    for name in ("x-v2", "x-io-archive", "meta-graph", "cnt", "coortweet", "csv", "jsonl", "--map"):
        assert name in r.stderr


def test_missing_column_named_with_columns_found(cli, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("id,when\n1,2020-01-01\n")
    r = cli(
        "ingest",
        str(f),
        "--format",
        "csv",
        "--platform",
        "x",
        "--map",
        "post_id=id",
        "--map",
        "created_at=when",
        "--db",
        str(tmp_path / "d.duckdb"),
    )
    assert r.exit_code == 1
    assert "column 'account_id' not found" in r.stderr and "id, when" in r.stderr


def test_bad_map_and_missing_platform(cli, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("id,who,when\n1,a,2020-01-01\n")
    db = str(tmp_path / "d.duckdb")
    r = cli("ingest", str(f), "--format", "csv", "--map", "author=who", "--platform", "x", "--db", db)
    assert r.exit_code == 1 and "account_id" in r.stderr and "'author'" in r.stderr
    r = cli(
        "ingest",
        str(f),
        "--format",
        "csv",
        "--map",
        "post_id=id",
        "--map",
        "account_id=who",
        "--map",
        "created_at=when",
        "--db",
        db,
    )
    assert r.exit_code == 1 and "--platform" in r.stderr
    r = cli("ingest", str(f), "--format", "csv", "--map", "post_id", "--db", db)
    assert r.exit_code == 1 and "FIELD=COLUMN" in r.stderr
    ok = cli(
        "ingest",
        str(f),
        "--format",
        "csv",
        "--map",
        "post_id=id",
        "--map",
        "account_id=who",
        "--map",
        "created_at=when",
        "--platform",
        "forum",
        "--db",
        db,
        "--json",
    )
    assert ok.exit_code == 0 and json.loads(ok.stdout)["totals"]["stored"] == 1


def test_targets_import_and_list(cli, tmp_path):
    f = tmp_path / "targets.csv"
    f.write_text(
        "name,role,party,preferred_language,platform,handle,account_id,contact\n"
        "Élise Dupont-Roy,MP,Indep,fr,x,@elise_mp,123,office@example.org\n"
        "Élise Dupont-Roy,MP,Indep,fr,facebook,,fb9,office@example.org\n"
        "John Smith,Minister,Lib,en,x,jsmith,456,\n",
        encoding="utf-8",
    )
    db = str(tmp_path / "d.duckdb")
    r = cli("targets", "import", str(f), "--db", db)
    assert r.exit_code == 0 and "Imported 3 target row(s); the watch-list has 3." in r.stdout
    rows = json.loads(cli("targets", "list", "--json", "--db", db).stdout)
    assert [(t["target_id"], t["platform"]) for t in rows] == [
        ("elise-dupont-roy", "facebook"),
        ("elise-dupont-roy", "x"),
        ("john-smith", "x"),
    ]
    assert rows[1]["handle"] == "elise_mp" and rows[1]["preferred_lang"] == "fr"
    f.write_text(
        "name,role,party,preferred_lang,platform,handle,account_id,contact\n"
        "John Smith,Prime Minister,Lib,en,x,jsmith,456,pm@example.org\n",
        encoding="utf-8",
    )
    r = cli("targets", "import", str(f), "--db", db)
    assert "the watch-list has 3." in r.stdout
    rows = json.loads(cli("targets", "list", "--json", "--db", db).stdout)
    assert [t["role"] for t in rows if t["target_id"] == "john-smith"] == ["Prime Minister"]
    text = cli("targets", "list", "--db", db)
    assert "Élise" in text.stdout and "jsmith" in text.stdout
    st = json.loads(cli("status", "--json", "--db", db).stdout)
    assert st["targets"] == 3


def test_targets_missing_column(cli, tmp_path):
    f = tmp_path / "t.csv"
    f.write_text("name,handle\nA,b\n")
    r = cli("targets", "import", str(f), "--db", str(tmp_path / "d.duckdb"))
    assert r.exit_code == 1 and "column 'platform' not found" in r.stderr and "name, handle" in r.stderr
