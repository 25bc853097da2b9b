"""A hand-built store for the assessment tests: targets, organic replies, two campaigns.

* ``camp-A`` — a state-style network: 20 X accounts, 14 created in one batch
  (1–3 July 2023) with name+8-digit handles, 3 hijacked accounts (Bengali posts
  in early 2022, renamed, back in Chinese in August 2023), posting in Beijing
  weekday office hours, EN/FR/ZH copies of one accusation, a surge over the
  Labour Day long weekend (2–4 Sep 2023), no engagement; one handle is in
  Meta's published Spamouflage indicators.
* ``camp-B`` — a domestic spam burst: 8 new low-follower English-only
  accounts posting deals on Canadian daytime hours at one target.
* Organic background: 60 accounts replying on Canadian evenings, one of them
  threatening a target with a home address.

Everything is deterministic (``random.Random(seed)``).
"""

from __future__ import annotations

import datetime as dt
import itertools
import json
import random
from dataclasses import dataclass, field

from cibwatch import Store
from cibwatch.normalize.urls import normalize_url, registered_domain

SINCE = dt.datetime(2023, 8, 7)
UNTIL = dt.datetime(2023, 9, 12)
NOW = dt.datetime(2023, 9, 20)

TARGETS = [
    ("T1", "Alex Martin", "MP", "Blue", "en", "alexmartin_mp", "t1", "office@alexmartin.example"),
    ("T2", "Claire Dubois", "MP", "Red", "fr", "clairedubois", "t2", None),
    ("T3", "Sam Patel", "MP", "Green", "en", "sampatel", "t3", None),
    ("T4", "Jordan Lee", "MP", "Orange", "en", "jordanlee", "t4", None),
]

EN = "A critic in Vancouver accuses MP {name} of corruption and a sex scandal. See what he says: https://vidz.example/v/{n}"
FR = "Un critique de Vancouver accuse le député {name} de corruption. Voyez ce qu'il dit : https://vidz.example/v/{n}"
ZH = "温哥华的一位评论家指控议员{name}腐败和丑闻，请看视频 https://vidz.example/v/{n}"
THREAT = "We know where you live: 123 Maple Street, Ottawa. Watch your back, Jordan."
SPAM = "Check out the best deals in town at https://bestdealz.example/promo/{n} #deals"


@dataclass
class Scenario:
    run_id: str
    camp_a: list[str] = field(default_factory=list)  # node keys
    camp_b: list[str] = field(default_factory=list)
    batch: list[str] = field(default_factory=list)
    hijacked: list[str] = field(default_factory=list)
    threat_post: str = ""
    meta_handle: str = "GarciaJasmyn1"


_ACC_COLS = ["platform", "account_id", "handle", "display_name", "created_at", "followers", "following", "description",
             "location", "profile_image_hash", "first_seen", "last_seen", "source_id"]
_POST_COLS = ["platform", "post_id", "account_id", "created_at", "text", "lang", "reply_to_post_id", "reply_to_account_id", "root_post_id",
              "urls", "mentions", "like_count", "reply_count", "repost_count", "quote_count", "source_id", "ingested_at"]


class Builder:
    """Collects accounts and posts and writes them in one insert per table (``flush``)."""

    def __init__(self, store: Store, seed: int = 7) -> None:
        self.s = store
        self.rng = random.Random(seed)
        self.n = 0
        self.accounts: list[list] = []
        self.posts: list[list] = []

    def flush(self) -> None:
        import pyarrow as pa

        if self.accounts:
            self.s.con.register("fixture_acc", pa.table({c: [r[i] for r in self.accounts] for i, c in enumerate(_ACC_COLS)}))
            self.s.execute(
                """INSERT INTO accounts (platform, account_id, handle, display_name, created_at, followers, following, description,
                   location, profile_image_hash, first_seen, last_seen, source_id) SELECT * FROM fixture_acc"""
            )
            self.s.con.unregister("fixture_acc")
            self.accounts.clear()
        if self.posts:
            self.s.con.register("fixture_posts", pa.table({c: [r[i] for r in self.posts] for i, c in enumerate(_POST_COLS)}))
            self.s.execute(
                """INSERT INTO posts (platform, post_id, account_id, created_at, text, lang, reply_to_post_id, reply_to_account_id, root_post_id,
                   urls, mentions, like_count, reply_count, repost_count, quote_count, source_id, ingested_at) SELECT * FROM fixture_posts"""
            )
            self.s.con.unregister("fixture_posts")
            self.posts.clear()

    def account(self, aid, handle, created, *, platform="x", followers=100, description="", display=None, image=None, location=None):
        self.accounts.append([platform, aid, handle, display or handle, created, followers, 50, description, location, image, SINCE, NOW, "fixture"])
        return f"{platform}:{aid}"

    def post(self, aid, when, text, *, lang="en", platform="x", reply_to=None, reply_to_post=None, urls=None, mentions=None, likes=0, root=None):
        self.n += 1
        pid = f"{1700000000000000000 + self.n}" if platform == "x" else f"{self.n}_{self.n * 7}"
        self.posts.append([platform, pid, aid, when, text, lang, reply_to_post, reply_to, root, urls or [], mentions or [], likes, 0, 0, 0, "fixture", NOW])
        return pid

    def day(self, lo: dt.datetime, hi: dt.datetime, *, weekdays_only=False) -> dt.datetime:
        while True:
            d = lo + dt.timedelta(days=self.rng.randrange((hi - lo).days))
            if not weekdays_only or d.weekday() < 5:
                return d


def _edges(store: Store, run_id: str, nodes: list[str], signals: dict[str, int], posts: dict[str, list[str]], cluster: str | None, rng: random.Random,
           objects: dict[str, str] | None = None):
    """Significant edges between every pair of ``nodes``, with one evidence row per kind (object ``objects[kind]`` when given)."""
    ev = []
    rows = []
    for a, b in itertools.combinations(sorted(nodes), 2):
        n = sum(signals.values())
        rows.append([run_id, a, b, float(n), n, n, json.dumps(signals), 30.0, 0.05, 1e-6, 1e-5, True])
        for kind in signals:
            if objects and kind in objects:
                obj = objects[kind]
            else:
                obj = cluster if kind in ("text_near", "crosslingual") and cluster else f"{kind}:x:{rng.randrange(5)}"
            pa_, pb = rng.choice(posts[a]), rng.choice(posts[b])
            ev.append([run_id, a, b, kind, obj, pa_, pb, SINCE, SINCE, float(rng.randrange(5, 90))])
    _insert(store, "edges", ["run_id", "a", "b", "weight", "n_coactions", "n_objects", "signals", "avg_time_delta", "expected", "p_value",
                             "q_value", "significant"], rows)
    _insert(store, "edge_evidence", ["run_id", "a", "b", "kind", "object_key", "post_a", "post_b", "ts_a", "ts_b", "time_delta"], ev)


def _insert(store: Store, table: str, cols: list[str], rows: list[list]) -> None:
    """Append rows to a results table whose column order is ``cols``."""
    import pyarrow as pa

    store.con.from_arrow(pa.table({c: [r[i] for r in rows] for i, c in enumerate(cols)})).insert_into(table)


def build(store: Store, seed: int = 7) -> Scenario:
    b = Builder(store, seed)
    rng = b.rng
    for tid, name, role, party, lang, handle, aid, contact in TARGETS:
        store.execute("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?)", [tid, name, role, party, lang, contact, "x", handle, aid])
        b.account(aid, handle, dt.datetime(2012, 1, 1), followers=20000, description=f"{role} {name}")
    root = {aid: b.post(aid, SINCE + dt.timedelta(hours=14), f"Statement from {name}") for _, name, *_r, aid, _c in TARGETS}

    # organic background: Canadian evenings (UTC-4 17:00-23:00 -> UTC 21:00-03:00)
    organic = []
    for i in range(60):
        aid = f"o{i}"
        organic.append(b.account(aid, rng.choice(["maple", "hockeyfan", "jdoe", "marie_t", "lucas", "priya"]) + f"_{chr(97 + i % 26)}{i}",
                                 dt.datetime(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000)),
                                 followers=rng.randrange(40, 3000), description="Proud Canadian. Opinions my own."))
        for _ in range(15):
            t = TARGETS[rng.randrange(4)]
            when = b.day(SINCE, UNTIL) + dt.timedelta(hours=rng.choice([21, 22, 23, 24, 25, 26]), minutes=rng.randrange(60))
            if rng.random() < 0.2:
                text, lang = rng.choice(["Merci pour votre travail", "Bravo pour ce discours", "Je ne suis pas d'accord"]) + rng.choice([".", " !", " sur ce dossier."]), "fr"
            else:
                text, lang = rng.choice(["Well said", "I disagree with this policy", "What about housing costs", "Thank you for standing up for us",
                                         "Great point", "Please look at transit in my riding"]) + rng.choice(["!", ".", " today.", ", thanks."]), "en"
            b.post(aid, when, text, lang=lang, reply_to=t[6], reply_to_post=root[t[6]], root=root[t[6]], likes=rng.randrange(0, 6))
    threat_post = b.post("o5", dt.datetime(2023, 8, 20, 23, 10), THREAT, reply_to="t4", reply_to_post=root["t4"], root=root["t4"])

    run_id = store.new_run("detect", {"since": SINCE.isoformat(), "until": UNTIL.isoformat(), "window": 60}, seed=seed)
    sc = Scenario(run_id, threat_post=threat_post)

    # campaign A ------------------------------------------------------------
    posts: dict[str, list[str]] = {}
    first = ["Zoe", "Heidi", "Karen", "John", "Carol", "Camila", "Mavis", "Etta", "Will", "Angel", "Safe", "Ron", "Reves", "Connie"]
    for i, fn in enumerate(first):
        handle = sc.meta_handle if i == 0 else f"{fn}{rng.choice(['Rich', 'Ma', 'Rea', 'Ca'])}{rng.randrange(10**7, 10**8)}"
        node = b.account(f"a{i}", handle, dt.datetime(2023, 7, 1 + i % 3, rng.randrange(24)), followers=rng.randrange(0, 4),
                         display=f"{fn} {fn}", image="imgclone" if i < 3 else None, location="Toronto, Canada")
        sc.camp_a.append(node)
        sc.batch.append(node)
    for j in range(3):  # hijacked
        aid = f"h{j}"
        node = b.account(aid, f"newsfan_{j}", dt.datetime(2014 + j, 3 + 2 * j, 1), followers=rng.randrange(20, 60), description="")
        store.execute("INSERT INTO account_history VALUES ('x', ?, 'handle', ?, ?, ?, 'fixture')", [aid, f"rahim_shop{j}", dt.datetime(2015, 3, 1), dt.datetime(2022, 3, 1)])
        store.execute("INSERT INTO account_history VALUES ('x', ?, 'handle', ?, ?, ?, 'fixture')", [aid, f"newsfan_{j}", dt.datetime(2023, 8, 1), NOW])
        for k in range(6):
            b.post(aid, dt.datetime(2022, 1, 5, 8) + dt.timedelta(days=k * 9), "আজকের অফার দেখুন, সেরা দামে পোশাক", lang="bn")
        sc.camp_a.append(node)
        sc.hijacked.append(node)
    for j in range(3):  # older accounts
        sc.camp_a.append(b.account(f"g{j}", f"truthseeker{j}", dt.datetime(2019, 5 + j, 10), followers=rng.randrange(1, 8)))
    for node in sc.camp_a:
        aid = node.split(":", 1)[1]
        posts[node] = []
        n_posts = 26
        for k in range(n_posts):
            if k < 9:  # Labour Day long weekend surge, 2-4 Sep 2023
                day = dt.datetime(2023, 9, 2 + k % 3)
            else:
                day = b.day(SINCE, dt.datetime(2023, 9, 1), weekdays_only=True)
            when = day + dt.timedelta(hours=rng.choice([1, 2, 3, 6, 7, 8, 9, 11, 12]), minutes=rng.randrange(60))  # UTC+8 office hours
            t = TARGETS[k % 2]
            lang = ["en", "fr", "zh"][k % 3] if node not in sc.hijacked else ["zh", "en"][k % 2]
            text = {"en": EN, "fr": FR, "zh": ZH}[lang].format(name=t[1], n=k % 4)
            posts[node].append(b.post(aid, when, text, lang=lang, reply_to=t[6], reply_to_post=root[t[6]], root=root[t[6]],
                                      urls=[f"https://vidz.example/v/{k % 4}"], likes=0))
    store.execute("INSERT INTO campaigns (run_id, campaign_id, size) VALUES (?, 'camp-A', ?)", [run_id, len(sc.camp_a)])
    store.con.executemany("INSERT INTO campaign_accounts (run_id, campaign_id, node, platform, account_id) VALUES (?, 'camp-A', ?, 'x', ?)",
                          [[run_id, n, n.split(":", 1)[1]] for n in sc.camp_a])
    store.execute("INSERT INTO text_clusters VALUES (?, 'text_near:c1', ?, 'en', 300, 20, ['en','fr','zh'])", [run_id, EN.format(name="Alex Martin", n=0)])
    _edges(store, run_id, sc.camp_a, {"reply": 4, "url": 2, "text_near": 3, "crosslingual": 1}, posts, "text_near:c1", rng)

    # campaign B: domestic spam burst on Canadian daytime (UTC-4 10:00-16:00 -> UTC 14-20) -------
    posts_b: dict[str, list[str]] = {}
    for i in range(8):
        node = b.account(f"s{i}", f"dealhunter{i}x", dt.datetime(2023, 8, 18 + i % 2), followers=rng.randrange(0, 3))
        sc.camp_b.append(node)
        posts_b[node] = [
            b.post(f"s{i}", dt.datetime(2023, 8, 21 + k % 3, rng.randrange(14, 20), rng.randrange(60)), SPAM.format(n=k % 2),
                   reply_to="t3", reply_to_post=root["t3"], root=root["t3"], urls=[f"https://bestdealz.example/promo/{k % 2}"])
            for k in range(6)
        ]
    store.execute("INSERT INTO campaigns (run_id, campaign_id, size) VALUES (?, 'camp-B', ?)", [run_id, len(sc.camp_b)])
    store.con.executemany("INSERT INTO campaign_accounts (run_id, campaign_id, node, platform, account_id) VALUES (?, 'camp-B', ?, 'x', ?)",
                          [[run_id, n, n.split(":", 1)[1]] for n in sc.camp_b])
    _edges(store, run_id, sc.camp_b, {"url": 3, "reply": 3}, posts_b, None, rng)
    b.flush()
    store.finish_run(run_id, {"campaigns": 2})
    return sc


def build_rerun(store: Store, sc: Scenario, seed: int = 11) -> tuple[str, list[str]]:
    """A later run (November 2023) in which 5 of camp-A's accounts return with 5 new ones."""
    b = Builder(store, seed)
    b.n = 10_000
    since, until = dt.datetime(2023, 11, 1), dt.datetime(2023, 12, 1)
    returning = sc.camp_a[3:8]
    nodes = list(returning)
    for i in range(5):
        nodes.append(b.account(f"n{i}", f"Lily{b.rng.randrange(10**7, 10**8)}", dt.datetime(2023, 10, 20), followers=0))
    run_id = store.new_run("detect", {"since": since.isoformat(), "until": until.isoformat()}, seed=seed)
    posts = {}
    for node in nodes:
        aid = node.split(":", 1)[1]
        posts[node] = [
            b.post(aid, b.day(since, until, weekdays_only=True) + dt.timedelta(hours=b.rng.choice([1, 2, 7, 8])),
                   EN.format(name="Claire Dubois", n=9), reply_to="t2")
            for _ in range(5)
        ]
    store.execute("INSERT INTO campaigns (run_id, campaign_id, size) VALUES (?, 'camp-N', ?)", [run_id, len(nodes)])
    store.con.executemany("INSERT INTO campaign_accounts (run_id, campaign_id, node, platform, account_id) VALUES (?, 'camp-N', ?, 'x', ?)",
                          [[run_id, n, n.split(":", 1)[1]] for n in nodes])
    _edges(store, run_id, nodes, {"reply": 3, "text_near": 2}, posts, None, b.rng)
    b.flush()
    store.finish_run(run_id, {"campaigns": 1})
    return run_id, returning


# ---------------------------------------------------------------------------
# an early-stage flood, split into one community per wave
# ---------------------------------------------------------------------------
EARLY_UNTIL = dt.datetime(2023, 8, 12)
VIDEO = "https://vidz.example/v/7"
TUBE = "https://www.youtube.com/watch?v=clip{n}"


@dataclass
class EarlyScenario:
    run_id: str
    waves: dict[str, list[str]] = field(default_factory=dict)  # W1..W4: the campaign, one community per wave
    spam: dict[str, list[str]] = field(default_factory=dict)  # S1..S3: a domestic spam burst, one community per wave
    supporters: list[str] = field(default_factory=list)  # G: supporters replying "Well said" within minutes
    hijacked: str = ""


def build_early(store: Store, seed: int = 3) -> EarlyScenario:
    """The first five days of a flood (7-11 Aug 2023), seen as small communities with no edge between them.

    * ``W1``-``W4``: 5 X accounts each, flooding three members' posts within two
      minutes in Beijing office hours, all with the same video link and
      message. On its own each wave shows at most one state-style sign: ``W1``
      holds a hijacked account (Bengali posts in 2022, renamed, back in
      English), ``W2`` posts in Chinese next to English, ``W3`` (French) and
      ``W4`` (English) show none.
    * ``S1``-``S3``: a domestic spam burst, 4 new accounts each, the same deals
      link and text on Canadian afternoons. ``S1`` and ``W3`` also both share
      YouTube links, as hundreds of ordinary accounts do.
    * ``G``: 6 supporters replying "Well said" under one member within minutes.
    * 400 organic accounts on Canadian evenings, a third of them sharing YouTube links.
    """
    b = Builder(store, seed)
    rng = b.rng
    for tid, name, role, party, lang, handle, aid, contact in TARGETS:
        store.execute("INSERT INTO targets VALUES (?,?,?,?,?,?,?,?,?)", [tid, name, role, party, lang, contact, "x", handle, aid])
        b.account(aid, handle, dt.datetime(2012, 1, 1), followers=20000, description=f"{role} {name}")
    roots = {aid: [b.post(aid, SINCE + dt.timedelta(days=d, hours=13), f"Statement {d} from {name}") for d in range(5)]
             for _, name, *_r, aid, _c in TARGETS}
    for i in range(400):
        aid = f"o{i}"
        b.account(aid, f"citizen_{i}", dt.datetime(2010, 1, 1) + dt.timedelta(days=rng.randrange(4000)), followers=rng.randrange(40, 3000),
                  description="Proud Canadian.")
        for k in range(5):
            t = TARGETS[rng.randrange(4)]
            d = rng.randrange(5)
            text, urls = rng.choice(["Well said!", "I disagree with this policy.", "What about housing costs?", "Merci pour votre travail."]), []
            if i % 3 == 0 and k == 0:
                text, urls = "Worth watching on this topic", [TUBE.format(n=rng.randrange(1000))]
            b.post(aid, SINCE + dt.timedelta(days=d, hours=rng.choice([22, 23, 24, 25]), minutes=rng.randrange(60)), text,
                   reply_to=t[6], reply_to_post=roots[t[6]][d], root=roots[t[6]][d], urls=urls, likes=rng.randrange(0, 6))
    run_id = store.new_run("detect", {"since": SINCE.isoformat(), "until": EARLY_UNTIL.isoformat(), "window": 300}, seed=seed)
    sc = EarlyScenario(run_id)
    store.execute("INSERT INTO text_clusters VALUES (?, 'text_near:early', ?, 'en', 60, 20, ['en','fr','zh'])", [run_id, EN.format(name="Alex Martin", n=7)])
    store.execute("INSERT INTO text_clusters VALUES (?, 'text_near:deals', ?, 'en', 36, 12, ['en'])", [run_id, SPAM.format(n=1)])
    store.execute("INSERT INTO text_clusters VALUES (?, 'text_near:wellsaid', 'Well said!', 'en', 700, 300, ['en'])", [run_id])

    def community(cid: str, nodes: list[str], posts: dict[str, list[str]], signals: dict[str, int], objects: dict[str, str]) -> None:
        store.execute("INSERT INTO campaigns (run_id, campaign_id, size) VALUES (?, ?, ?)", [run_id, cid, len(nodes)])
        store.con.executemany("INSERT INTO campaign_accounts (run_id, campaign_id, node, platform, account_id) VALUES (?, ?, ?, 'x', ?)",
                              [[run_id, cid, n, n.split(":", 1)[1]] for n in nodes])
        _edges(store, run_id, nodes, signals, posts, None, rng, objects)

    video = {"url": f"url:{normalize_url(VIDEO)}", "domain": f"domain:{registered_domain(VIDEO)}", "text_near": "text_near:early"}
    tube = f"domain:{registered_domain(TUBE.format(n=1))}"
    langs = {"W1": ["en"] * 5, "W2": ["en", "en", "en", "zh", "zh"], "W3": ["fr"] * 5, "W4": ["en"] * 5}
    for w, (cid, wl) in enumerate(langs.items()):
        nodes, posts = [], {}
        for i in range(len(wl)):
            aid = f"{cid.lower()}a{i}"
            node = b.account(aid, f"{rng.choice(['Zoe', 'Lily', 'Ming', 'Carol'])}{rng.randrange(10**3, 10**4)}", dt.datetime(2023, 7, 10 + 5 * w + i),
                             followers=rng.randrange(0, 5))
            nodes.append(node)
            posts[node] = []
        if cid == "W1":  # a hijacked account: a Bengali shop in 2022, renamed days before the flood
            sc.hijacked = nodes[0]
            aid = nodes[0].split(":", 1)[1]
            store.execute("INSERT INTO account_history VALUES ('x', ?, 'handle', ?, ?, ?, 'fixture')", [aid, "rahim_shop9", dt.datetime(2015, 3, 1), dt.datetime(2022, 3, 1)])
            store.execute("INSERT INTO account_history VALUES ('x', ?, 'handle', ?, ?, ?, 'fixture')", [aid, "newsfan_9", dt.datetime(2023, 8, 3), NOW])
            for k in range(5):
                b.post(aid, dt.datetime(2022, 1, 5, 8) + dt.timedelta(days=k * 9), "আজকের অফার দেখুন, সেরা দামে পোশাক", lang="bn")
        for k in range(3):
            t = TARGETS[(w + k) % 4]
            d = (w + 2 * k) % 5
            start = SINCE + dt.timedelta(days=d, hours=rng.choice([1, 2, 3, 6, 7, 8]), minutes=rng.randrange(50))  # UTC+8 office hours
            for node, lang in zip(nodes, wl, strict=True):
                text = {"en": EN, "fr": FR, "zh": ZH}[lang].format(name=t[1], n=7)
                urls = [VIDEO] + ([TUBE.format(n=rng.randrange(1000))] if cid == "W3" and k == 0 else [])
                posts[node].append(b.post(node.split(":", 1)[1], start + dt.timedelta(seconds=rng.randrange(120)), text, lang=lang,
                                          reply_to=t[6], reply_to_post=roots[t[6]][d], root=roots[t[6]][d], urls=urls))
        sigs = {"reply": 3, "url": 3, "domain": 3, "text_near": 3}
        objects = dict(video)
        if cid == "W3":
            objects["domain"] = tube  # W3's domain co-action is on YouTube, which hundreds of accounts share
        community(cid, nodes, posts, sigs, objects)
        sc.waves[cid] = nodes
    deals = "https://bestdealz.example/promo/1"
    spam_objects = {"url": f"url:{normalize_url(deals)}", "domain": f"domain:{registered_domain(deals)}", "text_near": "text_near:deals"}
    for s_i, cid in enumerate(["S1", "S2", "S3"]):
        nodes, posts = [], {}
        for i in range(4):
            aid = f"{cid.lower()}d{i}"
            node = b.account(aid, f"dealhunter{s_i}{i}", dt.datetime(2023, 8, 1), followers=rng.randrange(0, 3))
            nodes.append(node)
            posts[node] = []
            for k in range(3):
                urls = [deals] + ([TUBE.format(n=rng.randrange(1000))] if cid == "S1" and k == 0 else [])
                when = dt.datetime(2023, 8, 9, 14 + 2 * s_i + k // 2, rng.randrange(60))  # 10:00-15:00 Eastern
                posts[node].append(b.post(aid, when, SPAM.format(n=1), reply_to="t3", reply_to_post=roots["t3"][2], root=roots["t3"][2], urls=urls))
        objects = dict(spam_objects)
        if cid == "S1":
            objects["domain"] = tube
        community(cid, nodes, posts, {"url": 2, "domain": 2, "text_near": 2}, objects)
        sc.spam[cid] = nodes
    nodes, posts = [], {}
    for i in range(6):
        node = b.account(f"g{i}", f"riding_volunteer{i}", dt.datetime(2016, 1, 1 + i), followers=rng.randrange(50, 400), description="Volunteer")
        nodes.append(node)
        posts[node] = [b.post(f"g{i}", dt.datetime(2023, 8, 7 + d, 23, rng.randrange(8)), "Well said!", reply_to="t2", reply_to_post=roots["t2"][d],
                              root=roots["t2"][d]) for d in range(4)]
    community("G", nodes, posts, {"reply": 4, "text_near": 4}, {"text_near": "text_near:wellsaid"})
    sc.supporters = nodes
    b.flush()
    store.finish_run(run_id, {"campaigns": 8})
    return sc
