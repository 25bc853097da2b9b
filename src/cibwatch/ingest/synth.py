"""Synthetic exports for benchmarks and crash tests (seeded, reproducible).

:func:`write_x_v2_jsonl` writes flattened X API v2 tweets, one per line;
:func:`write_io_archive_csv` writes the information-operations archive layout;
:func:`write_meta_graph_jsonl` writes Graph API page posts with nested comments.
Texts are multilingual (EN/FR/ZH) with URLs, hashtags and mentions so every
column of the insert path is exercised.
"""

from __future__ import annotations

import csv
import datetime as _dt
import random
from pathlib import Path

import orjson

__all__ = ["write_x_v2_jsonl", "write_io_archive_csv", "write_meta_graph_jsonl"]

_TEXTS = [
    "The minister lied about the budget #shame https://news.example/{i}",
    "Le ministre a menti sur le budget #honte https://nouvelles.example/{i}",
    "部长在预算问题上撒谎 #可耻 https://xinwen.example/{i}",
    "@mp resign now, everyone knows the truth {i}",
]
_T0 = _dt.datetime(2023, 8, 1)


def write_x_v2_jsonl(path: str | Path, n: int, *, seed: int = 0, accounts: int = 20_000) -> Path:
    """Write ``n`` flattened X v2 tweets to ``path``; return the path."""
    rng = random.Random(seed)
    p = Path(path)
    with open(p, "wb") as f:
        for i in range(n):
            a = rng.randrange(accounts)
            t = _T0 + _dt.timedelta(seconds=rng.randrange(30 * 86400))
            tw = {
                "id": str(10**15 + i),
                "text": rng.choice(_TEXTS).format(i=i % 997),
                "author_id": str(a),
                "created_at": t.strftime("%Y-%m-%dT%H:%M:%S.000Z"),
                "conversation_id": str(10**14 + i % 500),
                "in_reply_to_user_id": "42",
                "lang": rng.choice(["en", "fr", "zh"]),
                "referenced_tweets": [{"type": "replied_to", "id": str(10**14 + i % 500)}],
                "entities": {
                    "urls": [{"url": "https://t.co/x", "expanded_url": f"https://news.example/{i % 997}"}],
                    "hashtags": [{"tag": "shame"}],
                    "mentions": [{"username": "mp", "id": "42"}],
                },
                "public_metrics": {
                    "like_count": rng.randrange(5),
                    "reply_count": 0,
                    "retweet_count": 0,
                    "quote_count": 0,
                },
                "author": {
                    "id": str(a),
                    "username": f"user_{a}",
                    "name": f"User {a}",
                    "created_at": "2023-07-01T00:00:00.000Z",
                    "public_metrics": {"followers_count": rng.randrange(100), "following_count": rng.randrange(1000)},
                },
            }
            f.write(orjson.dumps(tw) + b"\n")
    return p


_IO_COLUMNS = [
    "tweetid",
    "userid",
    "user_display_name",
    "user_screen_name",
    "user_reported_location",
    "user_profile_description",
    "follower_count",
    "following_count",
    "account_creation_date",
    "account_language",
    "tweet_language",
    "tweet_text",
    "tweet_time",
    "tweet_client_name",
    "in_reply_to_userid",
    "in_reply_to_tweetid",
    "quoted_tweet_tweetid",
    "is_retweet",
    "retweet_userid",
    "retweet_tweetid",
    "hashtags",
    "urls",
    "user_mentions",
]


def write_io_archive_csv(path: str | Path, n: int, *, seed: int = 0, accounts: int = 20_000) -> Path:
    """Write ``n`` rows in the X information-operations archive layout."""
    rng = random.Random(seed)
    p = Path(path)
    with open(p, "w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(_IO_COLUMNS)
        for i in range(n):
            a = rng.randrange(accounts)
            t = _T0 + _dt.timedelta(seconds=rng.randrange(30 * 86400))
            rt = rng.random() < 0.3
            w.writerow(
                [
                    10**15 + i,
                    a,
                    f"User {a}",
                    f"user_{a}",
                    "",
                    "",
                    rng.randrange(100),
                    rng.randrange(1000),
                    "2019-05-01",
                    "en",
                    "en",
                    rng.choice(_TEXTS).format(i=i % 997),
                    t.strftime("%Y-%m-%d %H:%M"),
                    "Twitter Web App",
                    "",
                    "",
                    "",
                    rt,
                    a + 1 if rt else "",
                    10**15 + i // 2 if rt else "",
                    "['shame']",
                    f"['https://news.example/{i % 997}']",
                    "[]",
                ]
            )
    return p


def write_meta_graph_jsonl(path: str | Path, n: int, *, seed: int = 0, accounts: int = 20_000) -> Path:
    """Write Graph API page posts, one per line, holding ``n`` rows in all (posts, comments, replies)."""
    rng = random.Random(seed)
    p = Path(path)
    written = 0

    def node(i: int, t: _dt.datetime, parent: str | None) -> dict:
        a = rng.randrange(accounts)
        o: dict = {
            "id": f"{parent or 'page'}_{i}",
            "message": rng.choice(_TEXTS).format(i=i % 997),
            "created_time": t.strftime("%Y-%m-%dT%H:%M:%S+0000"),
            "from": {"id": str(a), "name": f"User {a}"},
            "like_count": rng.randrange(5),
        }
        if parent is not None:
            o["parent"] = {"id": parent}
        return o

    with open(p, "wb") as f:
        post_no = 0
        while written < n:
            t = _T0 + _dt.timedelta(seconds=rng.randrange(30 * 86400))
            post = node(post_no, t, None)
            post["attachment"] = {"target": {"url": f"https://news.example/{post_no % 997}"}}
            written += 1
            comments = []
            for c in range(rng.randrange(4, 14)):
                if written >= n:
                    break
                com = node(c, t + _dt.timedelta(minutes=c + 1), post["id"])
                written += 1
                replies = [
                    node(r, t + _dt.timedelta(minutes=c + r + 2), com["id"])
                    for r in range(min(rng.randrange(3), n - written))
                ]
                written += len(replies)
                if replies:
                    com["comments"] = {"data": replies}
                comments.append(com)
            post["comments"] = {"data": comments}
            f.write(orjson.dumps(post) + b"\n")
            post_no += 1
    return p
