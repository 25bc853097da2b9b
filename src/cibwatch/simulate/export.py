"""Write the scenario as platform-native files.

* X: API v2 tweets in twarc2's flattened one-tweet-per-line form (the author
  expanded into ``author``), one file per week; the hijacked accounts' old
  history and the first week are written as whole twarc2 response pages
  (``{"data", "includes", "meta"}`` per line) so both shapes occur.
* Facebook: one Graph API page feed per page (posts with nested ``comments``;
  replies to comments carry ``parent``), as Meta returns it.
* ``targets.csv``, ``truth.csv`` and ``scenario.json``.

Output bytes depend only on the seed and the parameters.
"""

from __future__ import annotations

import csv
import datetime as _dt
import re
import string
from pathlib import Path
from typing import Any
from urllib.parse import quote

import numpy as np
import orjson

UTC = _dt.UTC
_TWITTER_EPOCH_MS = 1288834974657
_HASHTAG = re.compile(r"(?<![\w#])#(\w+)")


def _iso(ts: int) -> str:
    d = _dt.datetime.fromtimestamp(ts, UTC)
    return f"{d.year:04d}-{d.month:02d}-{d.day:02d}T{d.hour:02d}:{d.minute:02d}:{d.second:02d}"


def x_time(ts: int) -> str:
    return _iso(ts) + ".000Z"


def fb_time(ts: int) -> str:
    return _iso(ts) + "+0000"


def assign_ids(posts: list[dict[str, Any]], fb_numbers: np.ndarray) -> None:
    """Snowflake ids for tweets (time-ordered); page/comment ids for Facebook."""
    order = sorted(range(len(posts)), key=lambda i: (posts[i]["ts"], i))
    for seq, i in enumerate(order):
        p = posts[i]
        p["num"] = str(int(fb_numbers[seq]))
        if p["platform"] == "x":
            p["id"] = str(((p["ts"] * 1000 - _TWITTER_EPOCH_MS) << 22) | (seq & 0x3FFFFF))
    return None


class Exporter:
    def __init__(self, out: Path, world: dict[str, Any], rng: np.random.Generator) -> None:
        self.out = out
        self.w = world
        self.rng = rng
        self.posts: list[dict[str, Any]] = world["posts"]
        self.accounts: list[dict[str, Any]] = world["accounts"]
        self.targets: list[dict[str, Any]] = world["targets"]
        self.files: list[str] = []
        self._users: dict[tuple[str, Any, bool], dict[str, Any]] = {}

    # -- identities -------------------------------------------------------------
    def x_user(self, author: tuple[str, Any], ts: int) -> dict[str, Any]:
        """The user object as shown at ``ts`` (cached: one object per account and name)."""
        kind, ref = author
        old = kind == "acc" and self.accounts[ref]["rename_at"] is not None and ts < self.accounts[ref]["rename_at"]
        key = (kind, ref, old)
        user = self._users.get(key)
        if user is None:
            user = self._users[key] = self._x_user(kind, ref, old)
        return user

    def _x_user(self, kind: str, ref: Any, old: bool) -> dict[str, Any]:
        if kind == "mp":
            t = self.targets[ref]
            return {"id": t["x_id"], "username": t["x_handle"], "name": t["name"], "created_at": x_time(t["x_created"]),
                    "description": f"Member of Parliament for {t['riding']} | {t['party']}", "location": t["riding"],
                    "profile_image_url": f"https://pbs.twimg.example/profile_images/{t['x_id']}/official.jpg",
                    "verified": True,
                    "public_metrics": {"followers_count": t["x_followers"], "following_count": 800,
                                       "tweet_count": 4000, "listed_count": 120}}
        a = self.accounts[ref]
        return {"id": a["id"], "username": a["old_handle"] if old else a["handle"],
                "name": a["old_name"] if old else a["name"], "created_at": x_time(a["created"]),
                "description": a["bio"], "location": "" if old else a["location"], "profile_image_url": a["image"],
                "verified": False,
                "public_metrics": {"followers_count": a["followers"], "following_count": a["following"],
                                   "tweet_count": a["posts"], "listed_count": 0}}

    def fb_from(self, author: tuple[str, Any], ts: int) -> dict[str, str]:
        kind, ref = author
        if kind == "mp":
            t = self.targets[ref]
            return {"id": t["fb_page_id"], "name": t["name"]}
        if kind == "page":
            return {"id": self.w["community"]["id"], "name": self.w["community"]["name"]}
        a = self.accounts[ref]
        old = a["rename_at"] is not None and ts < a["rename_at"]
        return {"id": a["id"], "name": a["old_name"] if old else a["name"]}

    def tco(self) -> str:
        alphabet = string.ascii_letters + string.digits
        return "https://t.co/" + "".join(alphabet[int(j)] for j in self.rng.integers(len(alphabet), size=10))

    # -- X ----------------------------------------------------------------------
    def tweet(self, p: dict[str, Any]) -> dict[str, Any]:
        user = self.x_user(p["author"], p["ts"])
        body = p["text"]
        mentions: list[dict[str, Any]] = []
        urls: list[dict[str, Any]] = []
        ref: list[dict[str, str]] = []
        conv, reply_user = p["id"], None
        if p["rt_of"] is not None:
            orig = self.posts[p["rt_of"]]
            ou = self.x_user(orig["author"], orig["ts"])
            body = f"RT @{ou['username']}: {self._x_text(orig)[0]}"
            ref.append({"type": "retweeted", "id": orig["id"]})
            mentions.append({"start": 3, "end": 4 + len(ou["username"]), "username": ou["username"], "id": ou["id"]})
        else:
            if p["parent"] is not None:
                par = self.posts[p["parent"]]
                pu = self.x_user(par["author"], par["ts"])
                conv = self.posts[p["root"]]["id"]
                reply_user = pu["id"]
                ref.append({"type": "replied_to", "id": par["id"]})
            body, urls = self._x_text(p)
            if p["parent"] is not None:
                prefix = f"@{pu['username']} "
                mentions.append({"start": 0, "end": len(prefix) - 1, "username": pu["username"], "id": pu["id"]})
                urls = [{**u, "start": u["start"] + len(prefix), "end": u["end"] + len(prefix)} for u in urls]
                body = prefix + body
        hashtags = [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in _HASHTAG.finditer(body)]
        t: dict[str, Any] = {
            "id": p["id"], "text": body, "author_id": user["id"], "created_at": x_time(p["ts"]),
            "conversation_id": conv, "lang": p["lang"] if p["lang"] in ("en", "fr", "zh", "bn") else "und",
            "edit_history_tweet_ids": [p["id"]], "possibly_sensitive": False, "reply_settings": "everyone",
        }
        if reply_user:
            t["in_reply_to_user_id"] = reply_user
        if ref:
            t["referenced_tweets"] = ref
        ent: dict[str, Any] = {}
        if urls:
            ent["urls"] = urls
        if hashtags:
            ent["hashtags"] = hashtags
        if mentions:
            ent["mentions"] = mentions
        if ent:
            t["entities"] = ent
        t["public_metrics"] = {"retweet_count": p.get("n_rt", 0), "reply_count": p.get("n_replies", 0),
                               "like_count": p["like"], "quote_count": 0, "impression_count": 0}
        if p["kind"] == "filler" and p.get("media"):
            t["attachments"] = {"media_keys": [p["media"]]}
        t["author"] = user
        return t

    def _x_text(self, p: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        if "x_text" in p:
            return p["x_text"], p["x_urls"]
        text, urls = p["text"], []
        for u in p["urls"]:
            short = self.tco()
            if "{url}" in text:
                start = text.index("{url}")
                text = text.replace("{url}", short, 1)
            else:
                text = f"{text} {short}"
                start = len(text) - len(short)
            disp = u.split("://", 1)[1]
            urls.append({"start": start, "end": start + len(short), "url": short, "expanded_url": u,
                         "display_url": disp if len(disp) <= 26 else disp[:25] + "…"})
        p["x_text"], p["x_urls"] = text, urls
        return text, urls

    def write_x(self) -> None:
        xdir = self.out / "exports" / "x"
        xdir.mkdir(parents=True, exist_ok=True)
        tweets = sorted((p for p in self.posts if p["platform"] == "x"), key=lambda p: (p["ts"], p["id"]))
        start = self.w["start_epoch"]
        weeks: dict[str, list[dict[str, Any]]] = {}
        for p in tweets:
            if p["ts"] < start:
                key = "history"
            else:
                d = _dt.datetime.fromtimestamp(p["ts"], UTC).date()
                key = (d - _dt.timedelta(days=d.weekday())).isoformat()
            weeks.setdefault(key, []).append(self.tweet(p))
        first_week = min((k for k in weeks if k != "history"), default=None)
        for key in sorted(weeks):
            if key in ("history", first_week):
                name = "history-pages.jsonl" if key == "history" else f"tweets-{key}-pages.jsonl"
                lines = [self._page(weeks[key][k : k + 100]) for k in range(0, len(weeks[key]), 100)]
            else:
                name, lines = f"tweets-{key}.jsonl", weeks[key]
            (xdir / name).write_bytes(b"".join(orjson.dumps(o) + b"\n" for o in lines))
            self.files.append(f"exports/x/{name}")

    @staticmethod
    def _page(tweets: list[dict[str, Any]]) -> dict[str, Any]:
        users: dict[str, Any] = {}
        data = []
        for t in tweets:
            t = dict(t)
            users.setdefault(t["author"]["id"], t.pop("author"))
            t.pop("author", None)
            data.append(t)
        return {"data": data, "includes": {"users": list(users.values())},
                "meta": {"result_count": len(data), "newest_id": data[-1]["id"], "oldest_id": data[0]["id"]}}

    # -- Facebook ---------------------------------------------------------------
    def _cursor(self) -> str:
        alphabet = string.ascii_letters + string.digits
        return "QVFI" + "".join(alphabet[int(j)] for j in self.rng.integers(len(alphabet), size=40))

    def _comment(self, c: dict[str, Any], kids: dict[int, list[int]], root_num: str, top: dict[str, Any] | None) -> dict[str, Any]:
        text = c["text"]
        o: dict[str, Any] = {"id": f"{root_num}_{c['num']}", "created_time": fb_time(c["ts"]),
                             "from": self.fb_from(c["author"], c["ts"])}
        if c["urls"]:
            u = c["urls"][0]
            text = text.replace("{url}", u) if "{url}" in text else f"{text} {u}"
            o["attachment"] = {"type": "share", "url": "https://l.facebook.com/l.php?u=" + quote(u, safe=""),
                               "target": {"url": u}, "title": "Watch" if "watch" in u else "Link"}
        o["message"] = text
        o["like_count"] = c["like"]
        o["comment_count"] = len(kids.get(c["i"], []))
        if top is not None:
            o["parent"] = {"id": top["id"]}
        elif kids.get(c["i"]):
            sub = [self._comment(self.posts[k], kids, root_num, o) for k in kids[c["i"]]]
            o["comments"] = {"data": sub, "paging": {"cursors": {"before": self._cursor(), "after": self._cursor()}}}
        return o

    def write_facebook(self) -> None:
        fdir = self.out / "exports" / "facebook"
        fdir.mkdir(parents=True, exist_ok=True)
        kids: dict[int, list[int]] = {}
        roots: dict[str, list[int]] = {}
        for p in sorted((p for p in self.posts if p["platform"] == "facebook"), key=lambda p: (p["ts"], p["i"])):
            if p["parent"] is None:
                page = self.fb_from(p["author"], p["ts"])["id"]
                roots.setdefault(page, []).append(p["i"])
            else:
                kids.setdefault(p["parent"], []).append(p["i"])
        pages = {t["fb_page_id"]: t["fb_slug"] for t in self.targets}
        pages[self.w["community"]["id"]] = self.w["community"]["slug"]
        for page_id in sorted(roots, key=lambda k: pages[k]):
            data = []
            for r in reversed(roots[page_id]):  # newest first, as the Graph API returns a feed
                p = self.posts[r]
                num = p["num"]
                post = {"id": f"{page_id}_{num}", "message": p["text"], "created_time": fb_time(p["ts"]),
                        "from": self.fb_from(p["author"], p["ts"])}
                coms = [self._comment(self.posts[c], kids, num, None) for c in kids.get(r, [])]
                post["comments"] = {"data": coms, "paging": {"cursors": {"before": self._cursor(), "after": self._cursor()}}}
                data.append(post)
            doc = {"data": data, "paging": {"cursors": {"before": self._cursor(), "after": self._cursor()}}}
            name = f"page-{pages[page_id]}.json"
            (fdir / name).write_bytes(orjson.dumps(doc, option=orjson.OPT_INDENT_2))
            self.files.append(f"exports/facebook/{name}")

    # -- tables ---------------------------------------------------------------
    def write_tables(self) -> None:
        with open(self.out / "targets.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["target_id", "name", "role", "party", "preferred_lang", "platform", "handle", "account_id", "contact"])
            for t in self.targets:
                w.writerow([t["target_id"], t["name"], t["role"], t["party"], t["preferred_lang"], "x", t["x_handle"], t["x_id"], t["contact"]])
                w.writerow([t["target_id"], t["name"], t["role"], t["party"], t["preferred_lang"], "facebook", t["fb_slug"], t["fb_page_id"], t["contact"]])
        rows = [("x", t["x_id"], "organic", "") for t in self.targets]
        rows += [("facebook", t["fb_page_id"], "organic", "") for t in self.targets]
        rows.append(("facebook", self.w["community"]["id"], "organic", ""))
        rows += [(a["platform"], a["id"], a["role"], a["campaign_id"]) for a in self.accounts if a["posts"] > 0 or a["role"] == "campaign"]
        with open(self.out / "truth.csv", "w", newline="", encoding="utf-8") as fh:
            w = csv.writer(fh, lineterminator="\n")
            w.writerow(["account_id", "platform", "role", "campaign_id"])
            for plat, acc, role, camp in sorted(rows, key=lambda r: (r[0], r[1])):
                w.writerow([acc, plat, role, camp])
        self.files += ["targets.csv", "truth.csv"]


def write_json(path: Path, obj: Any) -> None:
    path.write_bytes(orjson.dumps(obj, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS) + b"\n")
