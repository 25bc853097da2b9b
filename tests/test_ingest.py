"""Ingest: the hostile corpus, every format, idempotency and upserts."""

from __future__ import annotations

import gzip
import json
import shutil
from pathlib import Path

import pytest
import zstandard

from cibwatch.errors import MissingColumnError, ParameterError, UnknownFormatError
from cibwatch.ingest import FORMATS, detect_format, ingest_paths
from cibwatch.ingest.source import RAW_LIMIT

HOSTILE = Path(__file__).parent / "data" / "hostile"
COORTWEET = Path(__file__).parent / "data" / "coortweet" / "russian_coord_tweets.csv"


def _balanced(store) -> None:
    """rows_read = stored + quarantined for every source, the quarantine table agrees, and no post is stored twice."""
    dup = store.query("SELECT count(*) AS n FROM (SELECT 1 FROM posts GROUP BY platform, post_id HAVING count(*) > 1)")
    assert dup[0]["n"] == 0
    for s in store.query("SELECT source_id, rows_read, stored, quarantined FROM sources"):
        assert s["rows_read"] == s["stored"] + s["quarantined"]
        n = store.query("SELECT count(*) AS n FROM quarantine WHERE source_id = ?", [s["source_id"]])[0]["n"]
        assert n == s["quarantined"]


def _reasons(store, name: str) -> dict[int, str]:
    rows = store.query("SELECT record_no, reason FROM quarantine WHERE path LIKE ? ORDER BY record_no", [f"%{name}"])
    return {r["record_no"]: r["reason"] for r in rows}


def test_hostile_x_v2_accounting(store):
    rep = ingest_paths(store, [HOSTILE / "x_v2_hostile.jsonl"])
    (s,) = rep.sources
    assert s.format == "x-v2"
    assert (s.rows_read, s.stored, s.quarantined) == (11, 5, 6)
    _balanced(store)
    reasons = _reasons(store, "x_v2_hostile.jsonl")
    assert "missing account id" in reasons[5]
    assert "bad created_at" in reasons[6] and "not a date" in reasons[6]
    assert reasons[7].startswith("invalid UTF-8 at byte ")
    assert "invalid JSON" in reasons[8]
    assert "nested too deeply" in reasons[9]
    assert "unexpected end of data" in reasons[11]
    # the duplicate line 10 is stored once; the BOM and CRLF leave no trace in ids or text
    assert store.count("posts") == 4
    texts = {r["post_id"]: r["text"] for r in store.query("SELECT post_id, text FROM posts")}
    assert texts["1001"] == "hello world"
    line_of = store.query("SELECT line, byte_offset FROM quarantine WHERE record_no = 11")[0]
    assert line_of["line"] == 12  # a blank line sits between records 10 and 11


def test_hostile_text_stored_exactly(store):
    import importlib.util

    spec = importlib.util.spec_from_file_location("make_hostile", HOSTILE / "make_hostile.py")
    mk = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(mk)
    ingest_paths(store, [HOSTILE / "x_v2_hostile.jsonl", HOSTILE / "meta_hostile.json"])
    texts = {r["post_id"]: r["text"] for r in store.query("SELECT post_id, text FROM posts")}
    assert texts["1002"] == mk.RTL
    assert texts["1003"] == mk.EMOJI
    assert texts["1004"] == mk.BIG and len(mk.BIG.encode()) > 200_000
    assert texts["c2"] == mk.BIG


def test_quarantine_keeps_raw_and_truncates_large_records(store):
    ingest_paths(store, [HOSTILE / "x_v2_hostile.jsonl"])
    raw = {r["record_no"]: r["raw"] for r in store.query("SELECT record_no, raw FROM quarantine")}
    assert '"not a date"' in raw[6]
    assert "\ufffd" in raw[7]  # the invalid bytes, shown with replacement characters
    assert raw[9].startswith("[[[[")
    assert len(raw[9]) == 10_000  # under the limit: kept whole


def test_big_bad_record_raw_is_cut_with_a_note(store, tmp_path):
    f = tmp_path / "bomb.jsonl"
    f.write_bytes(b'{"ok": 1}\n' + b"[" * (RAW_LIMIT + 5000) + b"\n")
    rep = ingest_paths(store, [f], format="x-v2")
    assert (rep.sources[0].stored, rep.sources[0].quarantined) == (0, 2)
    raw = store.query("SELECT raw FROM quarantine WHERE record_no = 2")[0]["raw"]
    assert raw.endswith(f"[truncated: {RAW_LIMIT + 5000} bytes, first {RAW_LIMIT} kept]")
    assert len(raw) < RAW_LIMIT + 100


def test_json_bomb_document_is_quarantined_not_a_crash(store):
    rep = ingest_paths(store, [HOSTILE / "json_bomb.json"], format="meta-graph")
    assert (rep.sources[0].rows_read, rep.sources[0].quarantined) == (1, 1)
    assert "nested too deeply" in _reasons(store, "json_bomb.json")[1]


def test_hostile_io_archive(store):
    rep = ingest_paths(store, [HOSTILE / "io_archive_hostile.csv"])
    (s,) = rep.sources
    assert s.format == "x-io-archive"
    assert (s.rows_read, s.stored, s.quarantined) == (10, 4, 6)
    _balanced(store)
    reasons = _reasons(store, "io_archive_hostile.csv")
    assert "31/31/2020" in reasons[4]
    assert reasons[5] == "missing post id"
    assert "8 fields" in reasons[6]
    assert reasons[7].startswith("invalid UTF-8 at byte")
    assert "NUL" in reasons[8]
    assert "12 fields" in reasons[10]  # the truncated last row
    posts = {r["post_id"]: r for r in store.query("SELECT * FROM posts")}
    assert posts["1"]["text"] == 'Bonjour "à tous"'
    assert posts["1"]["hashtags"] == ["a", "b"]
    assert posts["1"]["urls"] == ["https://example.com/x"]
    assert posts["1"]["mentions"] is None
    assert posts["2"]["repost_of_post_id"] == "1" and posts["2"]["repost_of_account_id"] == "u1"
    assert posts["2"]["mentions"] == ["u1"]
    assert posts["1"]["repost_of_post_id"] is None
    assert posts["9"]["text"] == "سطر\nثاني"
    acc = store.query("SELECT * FROM accounts WHERE account_id = 'u1'")[0]
    assert acc["handle"] == "one_new" and acc["display_name"] == "Name One Renamed"
    assert str(acc["first_seen"]) == "2020-01-01 12:34:00" and str(acc["last_seen"]) == "2020-02-01 00:00:00"
    assert str(acc["created_at"]) == "2019-05-01 00:00:00"
    hist = store.query("SELECT field, value FROM account_history WHERE account_id = 'u1' ORDER BY field, value")
    assert [(h["field"], h["value"]) for h in hist] == [
        ("display_name", "Name One"),
        ("display_name", "Name One Renamed"),
        ("handle", "one"),
        ("handle", "one_new"),
    ]


def test_meta_graph_threads_and_renames(store):
    rep = ingest_paths(store, [HOSTILE / "meta_hostile.json"])
    (s,) = rep.sources
    assert s.format == "meta-graph"
    assert (s.rows_read, s.stored, s.quarantined) == (6, 5, 1)
    posts = {r["post_id"]: r for r in store.query("SELECT * FROM posts")}
    assert set(posts) == {"page_1", "c1", "c1r1", "c2", "c4"}
    assert all(p["platform"] == "facebook" for p in posts.values())
    assert posts["c1"]["reply_to_post_id"] == "page_1" and posts["c1"]["reply_to_account_id"] == "fb0"
    assert posts["c1r1"]["reply_to_post_id"] == "c1" and posts["c1r1"]["reply_to_account_id"] == "fb1"
    assert posts["c1r1"]["root_post_id"] == "page_1" and posts["c1r1"]["conversation_id"] == "page_1"
    assert posts["c1r1"]["urls"] == ["https://news.example/story"]
    assert posts["c1r1"]["media_hashes"] == ["https://cdn.example/img.jpg"]
    assert posts["c1"]["urls"] == ["https://spam.example/x"]
    assert str(posts["page_1"]["created_at"]) == "2023-08-07 14:03:00"
    names = store.query(
        "SELECT value FROM account_history WHERE account_id = 'fb1' AND field = 'display_name' ORDER BY first_seen"
    )
    assert [n["value"] for n in names] == ["Alice Martin", "Tech Deals 24/7"]
    assert (
        store.query("SELECT display_name FROM accounts WHERE account_id = 'fb1'")[0]["display_name"]
        == "Tech Deals 24/7"
    )
    assert "yesterday" in _reasons(store, "meta_hostile.json")[5]


def test_same_file_twice_adds_nothing(store, tmp_path):
    copy = tmp_path / "again.jsonl"
    shutil.copy(HOSTILE / "x_v2_hostile.jsonl", copy)
    ingest_paths(store, [HOSTILE / "x_v2_hostile.jsonl"])
    before = (store.count("posts"), store.count("accounts"), store.count("quarantine"), store.count("sources"))
    rep = ingest_paths(store, [HOSTILE / "x_v2_hostile.jsonl", copy])
    assert all(s.skipped_already_ingested for s in rep.sources)
    assert rep.stored == 0 and rep.rows_read == 0
    assert (store.count("posts"), store.count("accounts"), store.count("quarantine"), store.count("sources")) == before


def test_overlapping_export_updates_without_duplicates(store):
    ingest_paths(store, [HOSTILE / "x_v2_hostile.jsonl"])
    n = store.count("posts")
    ingest_paths(store, [HOSTILE / "x_v2_overlap.json"])
    assert store.count("posts") == n + 1  # only the new repost
    p = store.query("SELECT text, like_count FROM posts WHERE post_id = '1001'")[0]
    assert p == {"text": "hello world (edited)", "like_count": 50}
    rt = store.query("SELECT * FROM posts WHERE post_id = '2001'")[0]
    assert rt["repost_of_post_id"] == "1001" and rt["repost_of_account_id"] == "501"
    assert store.query("SELECT handle FROM accounts WHERE account_id = '777'")[0]["handle"] == "newbie"
    _balanced(store)


def _page(tmp_path: Path) -> Path:
    page = {
        "data": [
            {
                "id": "10",
                "text": "@mp you lie https://t.co/a",
                "author_id": "u1",
                "created_at": "2023-08-07T14:03:00.000Z",
                "conversation_id": "1",
                "in_reply_to_user_id": "mp",
                "lang": "en",
                "source": "Twitter Web App",
                "referenced_tweets": [{"type": "replied_to", "id": "1"}, {"type": "quoted", "id": "2"}],
                "entities": {
                    "urls": [
                        {
                            "url": "https://t.co/a",
                            "expanded_url": "https://bad.example/x",
                            "unwound_url": "https://bad.example/y",
                        }
                    ],
                    "hashtags": [{"tag": "Vote"}],
                    "mentions": [{"username": "mp", "id": "mp"}],
                },
                "attachments": {"media_keys": ["3_1"]},
                "public_metrics": {"like_count": 4, "reply_count": 1, "retweet_count": 2, "quote_count": 3},
            },
        ],
        "includes": {
            "users": [
                {
                    "id": "u1",
                    "username": "bot_1",
                    "name": "Bot One",
                    "created_at": "2023-07-01T00:00:00.000Z",
                    "description": "d",
                    "location": "l",
                    "profile_image_url": "https://pbs.example/p.jpg",
                    "public_metrics": {"followers_count": 5, "following_count": 700},
                },
                {"id": "mp", "username": "the_mp", "name": "The MP"},
            ],
            "tweets": [
                {"id": "1", "text": "My statement", "author_id": "mp", "created_at": "2023-08-07T12:00:00.000Z"},
                {"id": "2", "text": "no author here", "created_at": "2023-08-07T12:00:00.000Z"},
            ],
            "media": [{"media_key": "3_1", "type": "photo", "url": "https://pbs.example/MEDIA.jpg"}],
        },
        "meta": {"result_count": 1},
    }
    f = tmp_path / "page.json"
    f.write_text(json.dumps(page))
    return f


def test_x_v2_page_fields(store, tmp_path):
    rep = ingest_paths(store, [_page(tmp_path)])
    assert (rep.sources[0].rows_read, rep.sources[0].stored) == (1, 1)
    posts = {r["post_id"]: r for r in store.query("SELECT * FROM posts")}
    assert set(posts) == {"10", "1"}  # the included tweet without an author is context only
    p = posts["10"]
    assert (p["reply_to_post_id"], p["reply_to_account_id"], p["quote_of_post_id"]) == ("1", "mp", "2")
    assert p["urls"] == ["https://bad.example/x"] and p["hashtags"] == ["Vote"] and p["mentions"] == ["mp"]
    assert p["media_hashes"] == ["https://pbs.example/media.jpg"]
    assert (p["like_count"], p["reply_count"], p["repost_count"], p["quote_count"]) == (4, 1, 2, 3)
    assert p["client"] == "Twitter Web App" and p["conversation_id"] == "1"
    a = store.query("SELECT * FROM accounts WHERE account_id = 'u1'")[0]
    assert (a["handle"], a["display_name"], a["followers"], a["following"]) == ("bot_1", "Bot One", 5, 700)
    assert str(a["created_at"]) == "2023-07-01 00:00:00"
    assert a["profile_image_url"] == "https://pbs.example/p.jpg"


@pytest.mark.parametrize("kind", ["gz", "zst"])
def test_compressed_inputs(store, tmp_path, kind):
    src = (HOSTILE / "io_archive_hostile.csv").read_bytes()
    f = tmp_path / f"archive.csv.{kind}"
    f.write_bytes(gzip.compress(src) if kind == "gz" else zstandard.ZstdCompressor().compress(src))
    assert detect_format(f) == "x-io-archive"
    rep = ingest_paths(store, [f])
    assert (rep.sources[0].rows_read, rep.sources[0].stored, rep.sources[0].quarantined) == (10, 4, 6)


def test_folders_and_globs_sorted_skipping_hidden(store, tmp_path):
    d = tmp_path / "exports"
    (d / "sub").mkdir(parents=True)
    shutil.copy(HOSTILE / "io_archive_hostile.csv", d / "b.csv")
    shutil.copy(HOSTILE / "x_v2_overlap.json", d / "sub" / "a.json")
    (d / ".hidden.csv").write_text("junk")
    rep = ingest_paths(store, [d])
    assert [Path(s.path).name for s in rep.sources] == ["b.csv", "a.json"]
    rep2 = ingest_paths(store, [str(d / "*.csv")])
    assert [Path(s.path).name for s in rep2.sources] == ["b.csv"] and rep2.sources[0].skipped_already_ingested


def test_coortweet_whole_dataset(store):
    rep = ingest_paths(store, [COORTWEET])
    s = rep.sources[0]
    assert s.format == "coortweet" and s.rows_read == s.stored == 35125
    import duckdb

    distinct = (
        duckdb.connect()
        .execute("SELECT count(DISTINCT content_id) FROM read_csv(?, all_varchar=true)", [str(COORTWEET)])
        .fetchall()[0][0]
    )
    assert store.count("posts") == distinct
    row = store.query("SELECT * FROM posts WHERE post_id = '114e22f1b2b648528277b76f0b0224e7'")[0]
    assert row["repost_of_post_id"] == "85d2d12251a735ce05255061f7f231e2"
    assert row["account_id"] == "0fb4232d1b7b37069c13ee17579bd10e" and row["platform"] == "x"
    assert str(row["created_at"]) == "2021-06-16 22:04:51"


def test_cnt_layout(store, tmp_path):
    f = tmp_path / "cnt.csv"
    f.write_text(
        "message_id,user_id,username,repost_id,reply_id,message,timestamp,urls\n"
        "m1,u1,alice,,,hello,1623881091,https://a.example/1 https://b.example/2\n"
        "m2,u2,bob,m1,,hello,1623881099,\n"
    )
    assert detect_format(f) == "cnt"
    ingest_paths(store, [f])
    posts = {r["post_id"]: r for r in store.query("SELECT * FROM posts")}
    assert posts["m1"]["urls"] == ["https://a.example/1", "https://b.example/2"]
    assert posts["m2"]["repost_of_post_id"] == "m1"
    assert store.query("SELECT handle FROM accounts WHERE account_id = 'u2'")[0]["handle"] == "bob"


def test_generic_csv_with_mapping(store, tmp_path):
    f = tmp_path / "any.csv"
    f.write_text('id,who,ts,body,tags\n1,a,2023-01-01T00:00:00Z,hi,"x, y"\n2,b,bad,yo,\n')
    with pytest.raises(UnknownFormatError) as exc:
        ingest_paths(store, [f])
    assert "--map" in exc.value.user_message() and "x-io-archive" in exc.value.user_message()
    with pytest.raises(ParameterError, match="--platform"):
        ingest_paths(store, [f], format="csv", mapping={"post_id": "id", "account_id": "who", "created_at": "ts"})
    with pytest.raises(ParameterError) as bad:
        ingest_paths(store, [f], format="csv", mapping={"body": "text"}, platform="forum")
    assert "post_id" in str(bad.value) and "'body'" in str(bad.value)
    with pytest.raises(MissingColumnError) as miss:
        ingest_paths(store, [f], format="csv", mapping={"post_id": "nope"}, platform="forum")
    assert miss.value.column == "nope" and miss.value.found == ["id", "who", "ts", "body", "tags"]
    assert store.count("sources") == 0
    rep = ingest_paths(
        store,
        [f],
        mapping={"post_id": "id", "account_id": "who", "created_at": "ts", "text": "body", "hashtags": "tags"},
        platform="forum",
    )
    assert rep.sources[0].format == "csv"
    assert (rep.stored, rep.quarantined) == (1, 1)
    p = store.query("SELECT * FROM posts")[0]
    assert (p["platform"], p["text"], p["hashtags"]) == ("forum", "hi", ["x", "y"])


def test_generic_jsonl_with_dotted_mapping(store, tmp_path):
    f = tmp_path / "any.jsonl"
    f.write_text('{"k": 1, "user": {"id": 7, "name": "N"}, "t": 1690000000000, "msg": "hé"}\n{"k": 2}\n')
    rep = ingest_paths(
        store,
        [f],
        format="jsonl",
        platform="telegram",
        mapping={
            "post_id": "k",
            "account_id": "user.id",
            "created_at": "t",
            "text": "msg",
            "display_name": "user.name",
        },
    )
    assert (rep.stored, rep.quarantined) == (1, 1)
    assert "missing field" in store.query("SELECT reason FROM quarantine")[0]["reason"]
    p = store.query("SELECT * FROM posts")[0]
    assert (p["post_id"], p["account_id"], p["text"], str(p["created_at"])) == ("1", "7", "hé", "2023-07-22 04:26:40")


def test_missing_column_for_named_format(store, tmp_path):
    f = tmp_path / "x.csv"
    f.write_text("tweetid,userid\n1,2\n")
    with pytest.raises(MissingColumnError) as exc:
        ingest_paths(store, [f], format="x-io-archive")
    assert "tweet_time" in str(exc.value) and "tweetid, userid" in str(exc.value)


def test_registry_and_bad_parameters(store, tmp_path):
    assert {"x-v2", "x-io-archive", "meta-graph", "cnt", "coortweet", "csv", "jsonl"} <= set(FORMATS)
    with pytest.raises(ParameterError, match="chunk_size"):
        ingest_paths(store, [HOSTILE / "x_v2_overlap.json"], chunk_size=0)
    with pytest.raises(ParameterError, match="x-io-archive"):
        ingest_paths(store, [HOSTILE / "x_v2_overlap.json"], format="tiktok")


def test_small_chunks_give_the_same_result(store, tmp_path):
    from cibwatch import Store

    other = Store.memory()
    files = [HOSTILE / "x_v2_hostile.jsonl", HOSTILE / "io_archive_hostile.csv", HOSTILE / "meta_hostile.json"]
    ingest_paths(store, files)
    ingest_paths(other, files, chunk_size=1)
    q = "SELECT platform, post_id, text, like_count FROM posts ORDER BY ALL"
    assert store.query(q) == other.query(q)
    q2 = "SELECT * EXCLUDE (source_id) FROM account_history ORDER BY ALL"
    assert store.query(q2) == other.query(q2)
    _balanced(other)


# -- many small files, one transaction ----------------------------------------------------------------------------------
SMALL_FILES = [HOSTILE / "x_v2_hostile.jsonl", HOSTILE / "io_archive_hostile.csv", HOSTILE / "meta_hostile.json", HOSTILE / "x_v2_overlap.json"]


def _contents(store) -> dict[str, list]:
    return {
        "posts": store.query("SELECT * EXCLUDE (ingested_at) FROM posts ORDER BY platform, post_id"),
        "accounts": store.query("SELECT * FROM accounts ORDER BY platform, account_id"),
        "history": store.query("SELECT * FROM account_history ORDER BY ALL"),
        "quarantine": store.query("SELECT * EXCLUDE (quarantined_at) FROM quarantine ORDER BY source_id, record_no"),
        "sources": store.query(
            "SELECT source_id, path, format, rows_read, stored, quarantined, resume_offset, status FROM sources ORDER BY path"
        ),
    }


def test_small_files_share_a_transaction_and_give_the_same_store(store):
    from cibwatch import Store

    rep = ingest_paths(store, SMALL_FILES)  # one call: the small files are merged together
    one_by_one = Store.memory()
    for f in SMALL_FILES:
        ingest_paths(one_by_one, [f])
    assert _contents(store) == _contents(one_by_one)
    _balanced(store)
    assert [s.rows_read for s in rep.sources] == [r["rows_read"] for r in store.query(
        "SELECT rows_read FROM sources ORDER BY list_position(?, path)", [[str(f) for f in SMALL_FILES]])]
    assert all(r["status"] == "complete" for r in store.query("SELECT status FROM sources"))
    # one transaction marked them all finished; one call per file took one each
    assert store.query("SELECT count(DISTINCT finished_at) AS n FROM sources")[0]["n"] == 1
    assert one_by_one.query("SELECT count(DISTINCT finished_at) AS n FROM sources")[0]["n"] == len(SMALL_FILES)
    # the later export's own copy of post 1001 wins, and the post records which file it came from
    overlap = store.query("SELECT source_id FROM sources WHERE path LIKE '%x_v2_overlap.json'")[0]["source_id"]
    assert store.query("SELECT text, source_id FROM posts WHERE post_id = '1001'")[0] == {"text": "hello world (edited)", "source_id": overlap}


def test_the_same_bytes_twice_in_one_call_count_once(store, tmp_path):
    copy = tmp_path / "again.jsonl"
    shutil.copy(SMALL_FILES[0], copy)
    rep = ingest_paths(store, [SMALL_FILES[0], copy])
    assert [s.skipped_already_ingested for s in rep.sources] == [False, True]
    assert store.count("sources") == 1 and rep.rows_read == rep.sources[0].rows_read
    _balanced(store)


@pytest.mark.parametrize("bulk", [True, False])
def test_a_damaged_file_keeps_the_files_before_it_and_says_so(store, tmp_path, bulk):
    from cibwatch.errors import CorruptInputError

    lines = [json.dumps({"id": str(i), "author_id": "7", "created_at": "2023-08-01T00:00:00Z", "text": f"post {i} " + "x" * 40})
             for i in range(20_000)]
    whole = gzip.compress(("\n".join(lines) + "\n").encode())
    cut = tmp_path / "b-cut.jsonl.gz"
    cut.write_bytes(whole[: len(whole) // 2])
    after = tmp_path / "c-after.jsonl"
    after.write_text(lines[0] + "\n")
    with pytest.raises(CorruptInputError) as exc:
        ingest_paths(store, [SMALL_FILES[0], cut, after], format="x-v2", bulk=bulk, chunk_size=3_000)
    assert str(cut) in exc.value.user_message() and "cut short" in exc.value.user_message()
    src = {r["path"]: r for r in store.query("SELECT path, status, rows_read, stored, quarantined FROM sources")}
    assert src[str(SMALL_FILES[0])]["status"] == "complete"  # the file before it is whole
    assert str(after) not in src  # the one after it was never started
    kept = src.get(str(cut), {"rows_read": 0})["rows_read"]
    assert exc.value.rows_kept == kept and ("nothing from it was stored" in str(exc.value)) == (kept == 0)
    if kept:  # chunks committed before the damage stay, the file stays unfinished
        assert src[str(cut)]["status"] == "running"
    else:  # a file's sources row is committed with its first chunk: none, no row
        assert str(cut) not in src
    assert store.query("SELECT count(*) AS n FROM posts WHERE account_id = '7'")[0]["n"] == kept
    _balanced(store)
    # once repaired, the same call finishes the job without duplicates
    cut.write_bytes(whole)
    ingest_paths(store, [SMALL_FILES[0], cut, after], format="x-v2", bulk=bulk, chunk_size=3_000)
    assert store.query("SELECT count(*) AS n FROM posts WHERE account_id = '7'")[0]["n"] == 20_000
