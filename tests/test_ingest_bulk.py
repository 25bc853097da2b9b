"""The bulk readers give exactly what the Python readers give, on hostile and mutated inputs.

Every test ingests the same file twice, once with the bulk readers (DuckDB /
PyArrow) and once with ``bulk=False`` (every record through the Python
readers), and compares the whole store: posts, accounts, account history,
quarantine and the per-file counters.
"""

from __future__ import annotations

import csv
import datetime as dt
import gzip
import io
import random
from pathlib import Path

import orjson
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch import Store
from cibwatch.errors import ParameterError
from cibwatch.ingest import ingest_paths as _ingest_paths
from cibwatch.ingest.synth import write_io_archive_csv, write_meta_graph_jsonl, write_x_v2_jsonl

HOSTILE = Path(__file__).parent / "data" / "hostile"


def ingest_paths(*args, **kw):
    """The ingest, sending every file whose format has a bulk reader to it (the files here are small)."""
    return _ingest_paths(*args, bulk_min_bytes=0, **kw)

_TABLES = {
    "posts": "SELECT * EXCLUDE (ingested_at, source_id) FROM posts ORDER BY platform, post_id",
    "accounts": "SELECT * EXCLUDE (source_id) FROM accounts ORDER BY platform, account_id",
    "history": "SELECT * EXCLUDE (source_id) FROM account_history ORDER BY ALL",
    "quarantine": "SELECT * EXCLUDE (quarantined_at, source_id) FROM quarantine ORDER BY path, record_no",
    "sources": "SELECT path, format, rows_read, stored, quarantined, resume_offset, status FROM sources ORDER BY path",
}


def _dump(store: Store) -> dict[str, list[dict]]:
    return {name: store.query(sql) for name, sql in _TABLES.items()}


def _both(paths: list[Path], **kw) -> tuple[dict, dict]:
    with Store.memory() as fast, Store.memory() as slow:
        ingest_paths(fast, paths, **kw)
        ingest_paths(slow, paths, bulk=False, **kw)
        return _dump(fast), _dump(slow)


def _first_difference(a: list[dict], b: list[dict]) -> str:
    for x, y in zip(a, b, strict=False):
        if x != y:
            keys = sorted(k for k in x.keys() | y.keys() if x.get(k) != y.get(k))
            return f"bulk {[(k, x.get(k)) for k in keys]} python {[(k, y.get(k)) for k in keys]} in {x}"
    return f"{len(a)} rows on the bulk path, {len(b)} on the Python path"


def _assert_same(paths: list[Path], **kw) -> dict:
    fast, slow = _both(paths, **kw)
    for name in _TABLES:
        assert fast[name] == slow[name], f"{name}: {_first_difference(fast[name], slow[name])}"
    for s in fast["sources"]:
        assert s["rows_read"] == s["stored"] + s["quarantined"]
    for dump in (fast, slow):  # the merge alone keeps a post stored once
        assert len({(p["platform"], p["post_id"]) for p in dump["posts"]}) == len(dump["posts"])
    return fast


@pytest.mark.parametrize("chunk_size", [250_000, 3])
def test_hostile_files_same_on_both_paths(chunk_size):
    files = [HOSTILE / "x_v2_hostile.jsonl", HOSTILE / "io_archive_hostile.csv", HOSTILE / "x_v2_overlap.json"]
    out = _assert_same(files, chunk_size=chunk_size)
    assert [(s["rows_read"], s["quarantined"]) for s in out["sources"]] == [(10, 6), (11, 6), (2, 0)]


# -- mutated X v2 JSON Lines -------------------------------------------------------


def _damaged(rng: random.Random, line: bytes, kind: int, text_key: bytes) -> bytes | None:
    """Kinds 0-2 of the JSON Lines mutators: the line cut short, invalid UTF-8 in its text, a trailing comma."""
    if kind == 0:
        return line[: rng.randrange(1, len(line))]
    if kind == 1:
        return line.replace(b'"' + text_key + b'":"', b'"' + text_key + b'":"\xff\xfe', 1)
    if kind == 2:
        return line[:-1] + b",}"  # invalid JSON (DuckDB would take it)
    return None


def _mutate_tweet(rng: random.Random, line: bytes) -> bytes:
    t = orjson.loads(line)
    kind = rng.randrange(40)
    if (damaged := _damaged(rng, line, kind, b"text")) is not None:
        return damaged
    if kind == 3:
        return line[:-1] + b',"score":NaN}'  # NaN: invalid JSON
    if kind == 4:
        return b"[" * 1100 + b"]" * 1100  # deeper than orjson accepts
    if kind == 5:
        return b'{"x":' + b"[" * 1100 + b"]" * 1100 + b"," + line[1:]  # a valid tweet, nested too deeply
    if kind == 6:
        return b"   "  # blank
    if kind == 7:
        return orjson.dumps(rng.choice([[1, 2], "tweet", 5, None]))
    if kind == 8:
        t["id"] = rng.choice([int(t["id"]), float(t["id"][:5]), True, "", "  " + t["id"] + "\u00a0", "12.0", "1e5"])
    elif kind == 9:
        t["text"] = rng.choice(
            [5, 2.5, True, False, None, ["a"], {"b": 1}, "", "nul \x00 here", "true", "[x] y", "1e+16"]
        )
    elif kind == 10:
        t["author_id"] = rng.choice([0, "0", "", None, 7, False, " 42 ", "u_1"])
    elif kind == 11:
        t["created_at"] = rng.choice(
            [
                "2023-02-30T10:00:00Z",
                "2023-08-01T10:00:00+05:30",
                "2023-08-01 10:00",
                "2023-08-01",
                "1690000000",
                1690000000123,
                "Wed Aug 27 13:08:45 +0000 2008",
                " 2023-08-01T10:00:00Z",
                "2023-08-01T10:00:00.1234567Z",
                "2023-08-01T24:00:00Z",
                "never",
                "",
                1.5,
                True,
            ]
        )
    elif kind == 12:
        t["entities"] = rng.choice(
            [[1], 5, {"urls": 5}, {"urls": [{"url": 0, "expanded_url": ""}]}, {"hashtags": ["x"]}]
        )
    elif kind == 13:
        t["public_metrics"] = rng.choice(
            [5, {"like_count": "7"}, {"like_count": 2.7}, {"like_count": True}, {"like_count": " 3"}]
        )
    elif kind == 14:
        t["author"] = rng.choice(["x", [1], {"username": "nobody"}, {"id": " 9 ", "name": "N"}, {"id": 0}])
    elif kind == 15:
        t["author"]["public_metrics"] = rng.choice([5, {"followers_count": "1.5"}, {"following_count": None}])
    elif kind == 16:
        t["author"]["created_at"] = rng.choice(["not a date", "", 0, "2020-01-01T00:00:00-03:00"])
    elif kind == 17:
        t["referenced_tweets"] = rng.choice(
            [
                [{"type": "retweeted", "id": "1"}, {"type": "quoted", "id": 2}],
                [{"type": "replied_to", "id": "3", "text": "hi", "author_id": "9", "created_at": "2023-08-01"}],
                [{"type": "replied_to", "id": "3", "text": None}],
                "x",
                [1, {"type": "quoted"}],
            ]
        )
    elif kind == 18:
        t["attachments"] = rng.choice(
            [
                {"media_keys": ["3_ABC", 0, None]},
                {"media": [{"url": "HTTPS://X/İ.JPG"}, {"media_key": "K"}, "s"]},
                {"media_keys": "3_1"},
            ]
        )
    elif kind == 19:
        t["lang"] = rng.choice([" en", "pt-BR", 5, "", "\u3000zh"])
    elif kind == 20:
        t["source"] = rng.choice([" Web ", "", 1.0])
    elif kind == 21:
        t = {"data": [t], "includes": {"users": [t.get("author", {})]}}
    elif kind == 22:
        t["data"] = None
    elif kind == 23:
        t["conversation_id"] = rng.choice(["__BIG__", -5, "a b"])
    else:
        return line
    return orjson.dumps(t).replace(b'"__BIG__"', b"12345678901234567890123")


def _mutated_lines(tmp_path: Path, seed: int, base: Path, mutate, rate: float) -> Path:
    """``base``'s lines, a share ``rate`` of them mutated, a tenth repeated (later copies update earlier
    ones), shuffled; written with a BOM, CRLF for odd seeds, no last line end every third seed."""
    rng = random.Random(seed)
    out = [mutate(rng, ln) if rng.random() < rate else ln for ln in base.read_bytes().splitlines()]
    out += out[: len(out) // 10]
    rng.shuffle(out)
    eol = b"\r\n" if seed % 2 else b"\n"
    f = tmp_path / f"mutated-{seed}.jsonl"
    f.write_bytes(b"\xef\xbb\xbf" + eol.join(out) + (eol if seed % 3 else b""))
    return f


def _mutated_x_v2(tmp_path: Path, seed: int, n: int = 1200) -> Path:
    base = write_x_v2_jsonl(tmp_path / "base.jsonl", n, seed=seed, accounts=300)
    return _mutated_lines(tmp_path, seed, base, _mutate_tweet, 0.35)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_x_v2_same_on_both_paths(tmp_path, seed):
    f = _mutated_x_v2(tmp_path, seed)
    out = _assert_same([f], chunk_size=[250_000, 500, 37][seed - 1])
    assert out["sources"][0]["quarantined"] > 50 and out["sources"][0]["stored"] > 800


# -- mutated information-operations archive CSV ---------------------------------------


def _mutate_row(rng: random.Random, row: list[str], header: list[str]) -> list[str] | bytes:
    r = dict(zip(header, row, strict=True))
    kind = rng.randrange(30)
    if kind == 0:
        return row[: rng.randrange(1, len(row))]  # ragged
    if kind == 1:
        return b"1,\xff\xfe,bad utf8"
    if kind == 2:
        r["tweet_text"] = rng.choice(["line one\nline two", "cr\r\nlf", "trailing cr\r\r\nx", "\n", 'say "hi"'])
    elif kind == 3:
        r["tweet_text"] = "nul \x00 inside"
    elif kind == 4:
        r["tweetid"] = rng.choice(["", "  ", " 12 ", "\u00a012"])
    elif kind == 5:
        r["tweet_time"] = rng.choice(["31/31/2020", "", "2020-01-01T00:00:00+01:00", "1577836800", " 2020-01-01 00:00"])
    elif kind == 6:
        r["hashtags"] = rng.choice(
            ["[]", "['a', 'b']", "['it''s']", "[\"it's\", 'b']", "a b", "[a, b]", "['']", "['x',]"]
        )
    elif kind == 7:
        r["urls"] = rng.choice(["", "['https://a.example/x?q=1,2']", "[ 'a' ]", "['a\\'b']"])
    elif kind == 8:
        r["follower_count"] = rng.choice(["12.5", " 3", "x", "", "-4", "1e3", "9" * 20])
    elif kind == 9:
        r["is_retweet"] = rng.choice(["TRUE", " yes ", "t", "0", "", "no"])
    elif kind == 10:
        r["account_creation_date"] = rng.choice(["", "bad", "2019-13-01", "2019-05-01T00:00:00Z"])
    elif kind == 11:
        r["user_display_name"] = rng.choice(["", "  spaced  ", "emoji 👍🏽", "رسالة"])
    elif kind == 12:
        return b""  # blank line
    elif kind == 13:
        return b'1,"unterminated'
    elif kind == 14:
        return b'2,ab"c,stray quote'
    else:
        return row
    return [r[h] for h in header]


def _mutated_io(tmp_path: Path, seed: int, n: int = 2500) -> Path:
    rng = random.Random(seed)
    base = write_io_archive_csv(tmp_path / "base.csv", n, seed=seed, accounts=400)
    rows = list(csv.reader(io.StringIO(base.read_text(encoding="utf-8"))))
    header, body = rows[0], rows[1:]
    out = io.BytesIO()
    eol = "\r\n" if seed % 2 else "\n"
    out.write(b"\xef\xbb\xbf" if seed % 2 else b"")
    w = csv.writer(io.TextIOWrapper(out, encoding="utf-8", newline="", write_through=True), lineterminator=eol)
    w.writerow(header)
    for row in body + body[: n // 10]:
        m = _mutate_row(rng, row, header) if rng.random() < 0.3 else row
        if isinstance(m, bytes):
            out.write(m + eol.encode())
        else:
            w.writerow(m)
    f = tmp_path / f"mutated-{seed}.csv"
    f.write_bytes(out.getvalue())
    return f


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_io_archive_same_on_both_paths(tmp_path, seed):
    f = _mutated_io(tmp_path, seed)
    out = _assert_same([f], chunk_size=[250_000, 700, 41][seed - 1])
    assert out["sources"][0]["quarantined"] > 40 and out["sources"][0]["stored"] > 2000


def test_compressed_bulk_input(tmp_path):
    f = _mutated_io(tmp_path, 4, n=800)
    gz = tmp_path / "archive.csv.gz"
    gz.write_bytes(gzip.compress(f.read_bytes()))
    _assert_same([gz])


# -- resume: a run stopped after some chunks, then re-run, equals a clean run ------------


class _Stop(Exception):
    pass


@pytest.mark.parametrize("kind", ["jsonl", "csv", "meta"])
def test_interrupted_bulk_ingest_resumes_to_the_same_store(tmp_path, kind):
    mutated = {"jsonl": _mutated_x_v2, "csv": _mutated_io, "meta": _mutated_meta}[kind]
    f = mutated(tmp_path, 5)
    seen = []

    def stop_after_three(rep):
        seen.append(rep.rows_read)
        if len(seen) == 3:
            raise _Stop

    with Store.memory() as store:
        with pytest.raises(_Stop):
            ingest_paths(store, [f], chunk_size=113, on_chunk=stop_after_three)
        src = store.query("SELECT rows_read, stored, quarantined, status FROM sources")[0]
        assert src["status"] == "running" and src["rows_read"] == seen[-1]
        assert src["rows_read"] == src["stored"] + src["quarantined"]
        rep = ingest_paths(store, [f], chunk_size=113)
        assert rep.sources[0].resumed
        resumed = _dump(store)
    with Store.memory() as clean:
        ingest_paths(clean, [f], chunk_size=113, bulk=False)
        expected = _dump(clean)
    for name in _TABLES:
        assert resumed[name] == expected[name], name


def test_empty_and_header_only_files(tmp_path):
    (tmp_path / "e.jsonl").write_bytes(b"")
    (tmp_path / "h.csv").write_text("tweetid,userid,tweet_time\n")
    (tmp_path / "b.jsonl").write_bytes(b"\n\n  \n")
    fast = _assert_same(
        [tmp_path / "h.csv"],
    )
    assert fast["sources"][0]["rows_read"] == 0
    for name, fmt in (("e.jsonl", "x-v2"), ("b.jsonl", "x-v2")):
        out = _assert_same([tmp_path / name], format=fmt)
        assert out["sources"][0]["rows_read"] == 0


def test_one_block_of_lines_longer_than_the_block(tmp_path, monkeypatch):
    """Lines longer than a block, and blocks cut inside quoted multi-line CSV fields, read the same."""
    from cibwatch.ingest import blocks, bulk

    monkeypatch.setattr(bulk, "BLOCK_BYTES", 4096)
    monkeypatch.setattr(bulk, "MIN_BLOCK_BYTES", 512)
    monkeypatch.setattr(blocks, "_READ", 1000)
    f = _mutated_io(tmp_path, 6, n=600)
    _assert_same([f], chunk_size=50)
    big = tmp_path / "big.jsonl"
    t = orjson.loads(write_x_v2_jsonl(tmp_path / "one.jsonl", 3).read_bytes().splitlines()[0])
    t["text"] = "long " * 3000
    big.write_bytes(orjson.dumps(t) + b"\n" + (tmp_path / "one.jsonl").read_bytes())
    _assert_same([big])


def test_bulk_store_values(store, tmp_path):
    """Spot values through the bulk path: UTC times, lists, the author account."""
    f = tmp_path / "t.jsonl"
    t = orjson.loads(write_x_v2_jsonl(tmp_path / "s.jsonl", 1).read_bytes())
    t["created_at"] = "2023-08-01T12:00:00+02:00"
    f.write_bytes(orjson.dumps(t) + b"\n")
    ingest_paths(store, [f])
    p = store.query("SELECT * FROM posts")[0]
    assert p["created_at"] == dt.datetime(2023, 8, 1, 10, 0)
    assert p["urls"] == [t["entities"]["urls"][0]["expanded_url"]] and p["hashtags"] == ["shame"]
    a = store.query("SELECT * FROM accounts")[0]
    assert (a["handle"], a["followers"]) == (t["author"]["username"], t["author"]["public_metrics"]["followers_count"])


# -- mutated Meta Graph JSON Lines ---------------------------------------------------

_NODE_MUTATIONS: dict[str, list] = {
    "id": [None, "", "  x ", 123, 1.5, True, "0", 0, "a b", "ünï", "id_1"],
    "from": [None, "name", {"id": None}, {"id": 5, "name": 12}, {"id": "x", "name": ""}, {"name": True},
             {"id": "x", "name": 1e5}, {"id": " 7", "name": "  spaced  "}, {"id": "u_1", "name": "رسالة 👍🏽"}],
    "created_time": ["2023-08-07T12:32:44+0000", "bad", "", None, 1690000000, "1690000000000", "2023-08-07",
                     "2023-08-07T12:32:44.123Z", "2023-08-07T12:32:44+05:30", "Wed Aug 27 13:08:45 +0000 2008", 1.5],
    "message": [None, "", 12, 1.5, True, {"a": 1}, ["x"], "nul \x00 here", "[bracket] text", "true",
                "see https://a.example/x. and HTTPS://B.example/y, httpſ://c.example/z?",
                "中文 https://xinwen.example/1\u3000后面 https://xinwen.example/2\u00a0尾",
                "line\u2028https://a.example/z\u2029tail\u0085https://b.example/q\x1ckeep",
                "dup https://news.example/0 https://news.example/0!", "https://a.example/(x) <https://b.example/y>",
                "http://", "no url here ://", "İstanbul HTTPS://ÇAĞ.example/Ş"],
    "parent": [None, {}, {"id": None}, {"id": "other_id", "from": {"id": "999"}}, {"id": "other_id"},
               "string", [1], {"id": ""}, {"id": 0}, {"id": "p 1"}, {"id": "x", "from": "who"}],
    "like_count": ["3", 3.0, "x", None, True, -1, "__BIG__", " 4", ""],
    "comment_count": [2, "2", 2.5, False],
    "shares": [{"count": 5}, 5, {"count": "7"}, {}, {"count": 1.5}, None],
    "attachment": [{"target": {"url": "https://t.example/1"}}, {"target": "https://t.example/2"}, {"url": 12},
                   {"unshimmed_url": "ftp://x.example"}, {"url": ""}, [], "x", {"media": "x"},
                   {"media": {"image": {"src": "HTTPS://IMG.example/A.JPG"}}}, {"media": {"image": {"src": 0}}},
                   {"media": {"image": {"src": "ÄÖ"}}}, {"media": {"image": "src"}},
                   {"target": {"url": ""}, "unshimmed_url": "https://u.example", "url": "https://v.example"}],
    "attachments": [{"data": [{"url": "https://y.example"}]}, [{"url": "https://z.example"}], None, {}],
    "comments": [None, "x", {"data": "x"}, {"data": [1, "s"]}, {"summary": 1}, {"data": []}],
}


def _mutate_node(rng: random.Random, node: dict) -> dict:
    key = rng.choice(sorted(_NODE_MUTATIONS))
    value = rng.choice(_NODE_MUTATIONS[key])
    if key == "comments" and value is None:
        node.pop("comments", None)
    else:
        node[key] = value
    return node


def _mutate_post(rng: random.Random, line: bytes) -> bytes:
    post = orjson.loads(line)
    kind = rng.randrange(30)
    if (damaged := _damaged(rng, line, kind, b"message")) is not None:
        return damaged
    if kind == 3:
        return b"  "  # blank
    if kind == 4:
        return orjson.dumps(rng.choice([[post], "post", 5, {"data": [post, post]}]))  # a list, a page of posts
    if kind == 5:  # the comments as a list (the Python reader takes it), or a reply with replies of its own
        if rng.random() < 0.5:
            post["comments"] = post.get("comments", {}).get("data", [])
        else:
            for c in post.get("comments", {}).get("data", []):
                for r in c.get("comments", {}).get("data", []):
                    r["comments"] = {"data": [dict(r, id=r["id"] + "_deep")]}
    elif kind < 18:  # one node anywhere in the thread
        nodes = [post]
        for c in post.get("comments", {}).get("data", []):
            nodes.append(c)
            nodes.extend(c.get("comments", {}).get("data", []))
        _mutate_node(rng, rng.choice(nodes))
    else:
        return line
    return orjson.dumps(post).replace(b'"__BIG__"', b"123456789012345678901")


def _mutated_meta(tmp_path: Path, seed: int, n: int = 8000) -> Path:
    base = write_meta_graph_jsonl(tmp_path / "base.jsonl", n, seed=seed, accounts=300)
    return _mutated_lines(tmp_path, seed, base, _mutate_post, 0.5)


@pytest.mark.parametrize("seed", [1, 2, 3])
def test_mutated_meta_graph_same_on_both_paths(tmp_path, seed, monkeypatch):
    from cibwatch.ingest import bulk

    f = _mutated_meta(tmp_path, seed)
    taken = []
    stage = bulk._stage

    def counting(res, writer, n, fallback, **kw):  # lines SQL took: those it did not hand to the fallback
        left = [0]

        def count(i):
            left[0] += 1
            fallback(i)

        stage(res, writer, n, count, **kw)
        taken.append(n - left[0])

    monkeypatch.setattr(bulk, "_stage", counting)
    out = _assert_same([f], chunk_size=[250_000, 300, 29][seed - 1])
    src = out["sources"][0]
    lines = len(f.read_bytes().splitlines())
    assert src["quarantined"] > 25 and src["stored"] > 6000
    assert lines * 0.4 < sum(taken) < lines * 0.9  # SQL took most lines, Python the rest


def test_the_sql_macros_are_created_once_per_call_not_per_file(tmp_path, monkeypatch):
    from cibwatch.ingest import driver

    files = [write_x_v2_jsonl(tmp_path / f"x{k}.jsonl", 20, seed=k) for k in range(3)]
    files.append(write_meta_graph_jsonl(tmp_path / "m.jsonl", 30, seed=1))
    made = []
    real = driver.install_macros
    monkeypatch.setattr(driver, "install_macros", lambda con: made.append(con) or real(con))
    with Store.memory() as store:
        rep = ingest_paths(store, files)
        assert rep.stored == 90 and rep.quarantined == 0 and len(made) == 1
        rep = ingest_paths(store, [write_x_v2_jsonl(tmp_path / "later.jsonl", 5, seed=9)])
        assert rep.stored == 5 and len(made) == 2  # a new call on the same store creates them again (harmless)


def test_small_files_are_read_in_python_large_ones_in_bulk(tmp_path, monkeypatch):
    from cibwatch.ingest import bulk, driver

    small = write_x_v2_jsonl(tmp_path / "small.jsonl", 50, seed=1)
    large = write_x_v2_jsonl(tmp_path / "large.jsonl", 1600, seed=2)
    assert small.stat().st_size < driver.BULK_MIN_BYTES <= large.stat().st_size
    read = []
    blocks = bulk.bulk_blocks
    monkeypatch.setattr(driver, "bulk_blocks", lambda spec, ctx, *a, **kw: read.append(ctx.path.name) or blocks(spec, ctx, *a, **kw))
    with Store.memory() as fast, Store.memory() as slow:
        _ingest_paths(fast, [small, large])
        _ingest_paths(slow, [small, large], bulk=False)
        assert read == ["large.jsonl"]
        assert _dump(fast) == _dump(slow)
    with pytest.raises(ParameterError, match="bulk_min_bytes"):
        _ingest_paths(Store.memory(), [small], bulk_min_bytes=-1)


@settings(max_examples=200, deadline=None)
@given(st.lists(st.booleans(), max_size=600), st.integers(1, 4))
def test_kept_rows_are_the_filtered_rows_in_order(keep, chunks):
    import numpy as np
    import pyarrow as pa

    from cibwatch.ingest import bulk

    n = len(keep)
    cuts = sorted({0, n, *(n * k // chunks for k in range(chunks))})
    tbl = pa.Table.from_batches(
        [
            pa.record_batch({"i": list(range(a, b)), "s": [f"row {i}" for i in range(a, b)]})
            for a, b in zip(cuts, cuts[1:], strict=False)
        ],
        schema=pa.schema([("i", pa.int64()), ("s", pa.string())]),
    )
    mask = np.array(keep, dtype=bool)
    got = bulk._rows_where(tbl, mask)
    assert got.schema == tbl.schema
    assert got.to_pydict() == tbl.filter(pa.array(mask, pa.bool_())).to_pydict()


@pytest.mark.parametrize("fmt", ["x-v2", "io-archive"])
def test_bulk_chunks_end_at_chunk_size_whatever_the_block_size(tmp_path, monkeypatch, fmt):
    """Blocks are capped at the rows left in the chunk: every chunk but the last holds chunk_size rows
    (with the default, whole DuckDB row groups), though blocks hold fewer and do not divide it."""
    from cibwatch.ingest import bulk

    write = write_x_v2_jsonl if fmt == "x-v2" else write_io_archive_csv
    f = write(tmp_path / ("f.jsonl" if fmt == "x-v2" else "f.csv"), 5000, seed=4)
    monkeypatch.setattr(bulk, "BLOCK_BYTES", f.stat().st_size // 12)  # about 420 rows a block
    totals = []
    with Store.memory() as store, Store.memory() as slow:
        ingest_paths(store, [f], chunk_size=1000, on_chunk=lambda rep: totals.append(rep.rows_read))
        _ingest_paths(slow, [f], bulk=False)
        assert _dump(store) == _dump(slow)
    assert list(dict.fromkeys(totals)) == [1000, 2000, 3000, 4000, 5000]  # (the file is marked complete apart)
