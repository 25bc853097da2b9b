"""Regenerate the hostile ingest corpus in this folder: ``python make_hostile.py``.

Each file's rows are listed in README.md with the outcome the tests expect.
"""

from __future__ import annotations

import json
from pathlib import Path

HERE = Path(__file__).parent
RTL = "مرحبا بالعالم — שלום עולם"
EMOJI = "🇨🇦🔥👍🏽 family: 👨‍👩‍👧 « Très bien » 你好"
BIG = ("Lorem ipsum dolor sit amet 中文 ") * 7000  # ~200 KB of UTF-8


def tweet(i: int, text: str, created: str = "2023-08-07T14:03:00.000Z", **kw: object) -> dict:
    t = {
        "id": str(1000 + i),
        "text": text,
        "author_id": str(500 + i % 3),
        "created_at": created,
        "conversation_id": "999",
        "lang": "en",
        "author": {
            "id": str(500 + i % 3),
            "username": f"user{i % 3}",
            "name": f"User {i % 3}",
            "created_at": "2023-01-01T00:00:00.000Z",
            "public_metrics": {"followers_count": 3, "following_count": 9},
        },
        "entities": {
            "urls": [{"url": "https://t.co/x", "expanded_url": "https://example.org/a?utm_source=x"}],
            "hashtags": [{"tag": "tag"}],
            "mentions": [{"username": "pm", "id": "1"}],
        },
        "public_metrics": {"like_count": 1, "reply_count": 0, "retweet_count": 2, "quote_count": 0},
    }
    t.update(kw)
    return t


def dumps(o: object) -> bytes:
    return json.dumps(o, ensure_ascii=False).encode("utf-8")


def x_v2() -> None:
    lines = [
        dumps(tweet(1, "hello world")),  # 1 stored
        dumps(tweet(2, RTL)),  # 2 stored, RTL exact
        dumps(tweet(3, EMOJI)),  # 3 stored, emoji exact
        dumps(tweet(4, BIG)),  # 4 stored, 200 KB whole
        dumps({k: v for k, v in tweet(5, "no author").items() if k not in ("author_id", "author")}),  # 5 missing author
        dumps(tweet(6, "bad date", created="not a date")),  # 6 bad date
        b'{"id": "1007", "text": "bad \xff\xfe bytes", "author_id": "1", "created_at": "2023-08-07T14:03:00Z"}',  # 7 invalid UTF-8
        b'{"id": "1008", "text": "nul \x00 byte", "author_id": "1", "created_at": "2023-08-07T14:03:00Z"}',  # 8 NUL in JSON
        b"[" * 5000 + b"]" * 5000,  # 9 JSON bomb
        dumps(tweet(1, "hello world")),  # 10 duplicate of 1 (stored once)
        b"",  # blank line: not a row
        dumps(tweet(11, "truncated"))[:40],  # 11 truncated last line
    ]
    (HERE / "x_v2_hostile.jsonl").write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(lines))


def x_v2_overlap() -> None:
    page = {
        "data": [
            tweet(
                1,
                "hello world (edited)",
                public_metrics={"like_count": 50, "reply_count": 1, "retweet_count": 2, "quote_count": 0},
            ),
            {
                "id": "2001",
                "text": "RT @user0: hello",
                "author_id": "777",
                "created_at": "2023-08-08T10:00:00.000Z",
                "referenced_tweets": [{"type": "retweeted", "id": "1001"}],
            },
        ],
        "includes": {
            "users": [{"id": "777", "username": "newbie", "name": "New Bie"}],
            "tweets": [tweet(1, "hello world (edited)")],
        },
        "meta": {"result_count": 2},
    }
    (HERE / "x_v2_overlap.json").write_bytes(dumps(page) + b"\n")


IO_HEADER = (
    "tweetid,userid,user_display_name,user_screen_name,user_reported_location,user_profile_description,"
    "follower_count,following_count,account_creation_date,account_language,tweet_language,tweet_text,"
    "tweet_time,tweet_client_name,in_reply_to_userid,in_reply_to_tweetid,quoted_tweet_tweetid,is_retweet,"
    "retweet_userid,retweet_tweetid,hashtags,urls,user_mentions"
)


def io_archive() -> None:
    rows = [
        IO_HEADER.encode(),
        '1,u1,Name One,one,Paris,"desc, with comma",10,20,2019-05-01,fr,fr,"Bonjour ""à tous""",2020-01-01 12:34,Twitter Web App,,,,False,,,"[\'a\', \'b\']","[\'https://example.com/x\']",[]'.encode(),
        b"2,u2,Two,two,,,1,2,2019-05-02,en,en,RT text,2020-01-02 08:00,Twitter for iPhone,,,,True,u1,1,[],[],['u1']",
        b"3,u1,Name One Renamed,one_new,,,1,2,2019-05-01,en,en,later,2020-02-01 00:00,x,,,,False,,,[],[],[]",
        b"4,u3,T,t,,,1,2,2019-05-01,en,en,bad date,31/31/2020,x,,,,False,,,[],[],[]",
        b",u3,T,t,,,1,2,2019-05-01,en,en,no id,2020-01-01 00:00,x,,,,False,,,[],[],[]",
        b"6,u3,T,t,,,1,2",  # ragged
        b"7,u3,T,t,,,1,2,2019-05-01,en,en,bad \xc3\x28 utf8,2020-01-01 00:00,x,,,,False,,,[],[],[]",
        b"8,u3,T,t,,,1,2,2019-05-01,en,en,nul \x00 here,2020-01-01 00:00,x,,,,False,,,[],[],[]",
        '9,u4,"multi\nline",t,,,1,2,2019-05-01,ar,ar,"سطر\nثاني",2020-01-03 00:00,x,,,,False,,,[],[],[]'.encode(),
        b'10,u4,T,t,,,1,2,2019-05-01,en,en,"truncated',  # truncated last row
    ]
    (HERE / "io_archive_hostile.csv").write_bytes(b"\xef\xbb\xbf" + b"\r\n".join(rows))


def meta() -> None:
    def who(i: int, name: str) -> dict:
        return {"id": f"fb{i}", "name": name}

    doc = {
        "data": [
            {
                "id": "page_1",
                "message": "Statement from the minister https://gov.example/statement",
                "created_time": "2023-08-07T14:03:00+0000",
                "from": who(0, "Minister"),
                "comments": {
                    "data": [
                        {
                            "id": "c1",
                            "message": "Shame! see https://spam.example/x",
                            "created_time": "2023-08-07T14:05:00+0000",
                            "from": who(1, "Alice Martin"),
                            "like_count": 2,
                            "comment_count": 1,
                            "comments": {
                                "data": [
                                    {
                                        "id": "c1r1",
                                        "message": "agreed 同意",
                                        "created_time": "2023-08-07T14:06:00+0000",
                                        "from": who(2, "Bob"),
                                        "parent": {"id": "c1"},
                                        "attachment": {
                                            "url": "https://l.facebook.com/x",
                                            "target": {"url": "https://news.example/story"},
                                            "media": {"image": {"src": "https://cdn.example/IMG.jpg"}},
                                        },
                                    },
                                ]
                            },
                        },
                        {
                            "id": "c2",
                            "message": BIG,
                            "created_time": "2023-08-07T14:07:00+0000",
                            "from": who(3, "Carol"),
                        },
                        {"id": "c3", "message": "bad time", "created_time": "yesterday", "from": who(4, "Dan")},
                        {
                            "id": "c4",
                            "message": "renamed later",
                            "created_time": "2023-09-01T00:00:00+0000",
                            "from": who(1, "Tech Deals 24/7"),
                        },
                    ]
                },
            },
        ],
        "paging": {"cursors": {}},
    }
    (HERE / "meta_hostile.json").write_text(json.dumps(doc, ensure_ascii=False, indent=1), encoding="utf-8")


def bomb() -> None:
    (HERE / "json_bomb.json").write_bytes(b'{"data": ' + b"[" * 100_000 + b"]" * 100_000 + b"}")


if __name__ == "__main__":
    x_v2()
    x_v2_overlap()
    io_archive()
    meta()
    bomb()
