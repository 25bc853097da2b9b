"""The built-in non-text signals: traces from stored posts."""

from __future__ import annotations

import datetime as dt

import pytest

from cibwatch.errors import ParameterError
from cibwatch.signals import TRACE_SCHEMA, SignalContext, available_signals, get_signal
from coord_fixtures import T0, add_posts


def _traces(store, name, **ctx):
    t = get_signal(name).fn(store, SignalContext(**ctx))
    assert t.schema == TRACE_SCHEMA
    return sorted((r["account"], r["object_key"], r["kind"], r["post_id"], r["ts"]) for r in t.to_pylist())


EPOCH = int(T0.replace(tzinfo=dt.UTC).timestamp())


def test_all_non_text_signals_are_registered():
    names = set(available_signals())
    assert {"repost", "reply", "reply_account", "mention", "url", "domain", "hashtag", "media", "text_exact"} <= names


def test_repost(store):
    add_posts(
        store,
        [
            {"post_id": "1", "account_id": "a", "created_at": 0, "text": "original"},
            {"post_id": "2", "account_id": "b", "created_at": 5, "repost_of_post_id": "1"},
            {"post_id": "3", "account_id": "c", "created_at": 9, "repost_of_post_id": "1", "platform": "facebook"},
        ],
    )
    assert _traces(store, "repost") == [
        ("facebook:c", "repost:facebook:1", "repost", "3", EPOCH + 9),
        ("x:b", "repost:x:1", "repost", "2", EPOCH + 5),
    ]


def test_reply_uses_the_thread_root_and_reply_account_the_replied_account(store):
    add_posts(
        store,
        [
            {"post_id": "mp1", "account_id": "mp", "created_at": 0},
            {
                "post_id": "c1",
                "account_id": "a",
                "created_at": 10,
                "reply_to_post_id": "mp1",
                "reply_to_account_id": "mp",
                "root_post_id": "mp1",
            },
            {
                "post_id": "c2",
                "account_id": "b",
                "created_at": 20,
                "reply_to_post_id": "c1",
                "reply_to_account_id": "a",
                "root_post_id": "mp1",
            },
            {
                "post_id": "c3",
                "account_id": "c",
                "created_at": 30,
                "reply_to_post_id": "mp1",
                "reply_to_account_id": "mp",
            },
            {
                "post_id": "c4",
                "account_id": "c",
                "created_at": 40,
                "reply_to_post_id": "c3",
                "reply_to_account_id": "c",
            },  # self-thread
        ],
    )
    assert _traces(store, "reply") == [
        ("x:a", "reply:x:mp1", "reply", "c1", EPOCH + 10),
        ("x:b", "reply:x:mp1", "reply", "c2", EPOCH + 20),
        ("x:c", "reply:x:c3", "reply", "c4", EPOCH + 40),
        ("x:c", "reply:x:mp1", "reply", "c3", EPOCH + 30),
    ]
    assert _traces(store, "reply_account") == [
        ("x:a", "reply_account:x:mp", "reply_account", "c1", EPOCH + 10),
        ("x:b", "reply_account:x:a", "reply_account", "c2", EPOCH + 20),
        ("x:c", "reply_account:x:mp", "reply_account", "c3", EPOCH + 30),
    ]


def test_mention_hashtag_media(store):
    add_posts(
        store,
        [
            {
                "post_id": "1",
                "account_id": "a",
                "created_at": 0,
                "mentions": ["@MP_One", "mp_one"],
                "hashtags": ["#Ｔｒｕｄｅａｕ", "Corruption"],
                "media_hashes": ["ABC123"],
            },
            {
                "post_id": "2",
                "account_id": "b",
                "created_at": 1,
                "mentions": ["@"],
                "hashtags": ["#"],
                "media_hashes": ["abc123"],
                "platform": "facebook",
            },
        ],
    )
    assert _traces(store, "mention") == [
        ("x:a", "mention:x:mp_one", "mention", "1", EPOCH),
        ("x:a", "mention:x:mp_one", "mention", "1", EPOCH),
    ]
    assert _traces(store, "hashtag") == [
        ("x:a", "hashtag:corruption", "hashtag", "1", EPOCH),
        ("x:a", "hashtag:trudeau", "hashtag", "1", EPOCH),
    ]
    assert _traces(store, "media") == [
        ("facebook:b", "media:abc123", "media", "2", EPOCH + 1),
        ("x:a", "media:abc123", "media", "1", EPOCH),
    ]


def test_url_and_domain_never_make_an_empty_object(store):
    add_posts(
        store,
        [
            {
                "post_id": "1",
                "account_id": "a",
                "created_at": 0,
                "urls": ["https://News.Example.co.uk/story/?utm_source=fb&id=3#c"],
            },
            {
                "post_id": "2",
                "account_id": "b",
                "created_at": 1,
                "urls": ["https://news.example.co.uk/story?id=3&fbclid=xyz"],
            },
            {"post_id": "3", "account_id": "c", "created_at": 2, "urls": ["", "   ", "mailto:x@y.org"]},
            {"post_id": "4", "account_id": "d", "created_at": 3, "urls": []},
            {"post_id": "5", "account_id": "e", "created_at": 4},
        ],
    )
    assert _traces(store, "url") == [
        ("x:a", "url:https://news.example.co.uk/story?id=3", "url", "1", EPOCH),
        ("x:b", "url:https://news.example.co.uk/story?id=3", "url", "2", EPOCH + 1),
    ]
    assert _traces(store, "domain") == [
        ("x:a", "domain:example.co.uk", "domain", "1", EPOCH),
        ("x:b", "domain:example.co.uk", "domain", "2", EPOCH + 1),
    ]


def test_text_exact_normalises_and_skips_reposts_and_blank_text(store):
    add_posts(
        store,
        [
            {"post_id": "1", "account_id": "a", "created_at": 0, "text": "Shame  on\tYOU"},
            {"post_id": "2", "account_id": "b", "created_at": 1, "text": "shame on you"},
            {"post_id": "3", "account_id": "c", "created_at": 2, "text": "Ｓｈａｍｅ on you"},
            {"post_id": "4", "account_id": "d", "created_at": 3, "text": "shame on you", "repost_of_post_id": "1"},
            {"post_id": "5", "account_id": "e", "created_at": 4, "text": "   "},
            {"post_id": "6", "account_id": "f", "created_at": 5, "text": "something else"},
        ],
    )
    got = _traces(store, "text_exact")
    assert [r[0] for r in got] == ["x:a", "x:b", "x:c", "x:f"]
    assert len({r[1] for r in got[:3]}) == 1 and got[3][1] != got[0][1]
    assert all(r[1].startswith("text_exact:") for r in got)


def test_signals_respect_the_period(store):
    add_posts(
        store,
        [
            {"post_id": str(i), "account_id": f"a{i}", "created_at": 3600 * i, "repost_of_post_id": "root"}
            for i in range(5)
        ],
    )
    got = _traces(store, "repost", since=T0 + dt.timedelta(hours=1), until=T0 + dt.timedelta(hours=3))
    assert [r[3] for r in got] == ["1", "2"]


def test_unknown_signal_is_a_parameter_error():
    with pytest.raises(ParameterError) as exc:
        get_signal("retweet")
    assert "repost" in str(exc.value) and "'retweet'" in str(exc.value)


def test_hostile_text_is_data(store):
    evil = "'); DROP TABLE posts; --"
    add_posts(
        store,
        [{"post_id": evil, "account_id": evil, "created_at": 0, "text": evil, "hashtags": [evil], "urls": [evil]}],
    )
    assert len(_traces(store, "text_exact")) == 1
    assert _traces(store, "hashtag")[0][1] == "hashtag:" + evil.casefold()
    assert store.count("posts") == 1
