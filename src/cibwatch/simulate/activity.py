"""What everyone posts, and when.

Times are epoch seconds (UTC). Organic users follow a Canadian daily rhythm in
their own time zone (Eastern or Pacific); the campaign follows a Beijing office
shift — mid-morning and early-afternoon bursts, lunch and supper breaks, a
final evening burst, quiet weekends except the long-weekend surge (Meta 2023,
ASPI 2019, RRM). Posts are dicts; ``parent`` and ``root`` are indexes into the
post list, turned into platform ids by the exporters.
"""

from __future__ import annotations

import datetime as _dt
import string
from typing import Any

import numpy as np

from . import texts as T
from .params import ScenarioParams
from .perturb import perturb
from .population import epoch, pick

DAY = 86400
#: Relative activity per local hour of Canadian users (assumption: evening peak).
CANADA_HOURS = np.array([1, .5, .3, .2, .2, .4, 1, 2, 3, 3.5, 3.5, 3.5, 4, 3.5, 3, 3, 3.2, 3.5, 4, 4.5, 4.5, 4, 3, 2])
#: Relative activity per half hour of the operators' local day (Meta 2023 shift pattern):
#: 09:00-12:00 and 14:00-17:30 work, lunch 12:00-14:00 and supper 17:30-19:00 breaks,
#: final evening burst 19:00-21:00.
SHIFT_HALF_HOURS = np.zeros(48)
SHIFT_HALF_HOURS[18:24] = 1.0  # 09:00-12:00
SHIFT_HALF_HOURS[24:28] = 0.03  # lunch
SHIFT_HALF_HOURS[28:35] = 1.0  # 14:00-17:30
SHIFT_HALF_HOURS[35:38] = 0.03  # supper
SHIFT_HALF_HOURS[38:42] = 1.3  # evening burst 19:00-21:00
#: Members post in the daytime, 08:00-21:00 local.
MP_HOURS = np.array([0] * 8 + [1] * 13 + [0] * 3, dtype=float)


class Posts:
    """The growing list of posts (dicts) of the scenario."""

    def __init__(self) -> None:
        self.items: list[dict[str, Any]] = []

    def add(self, **kw: Any) -> int:
        kw.setdefault("parent", None)
        kw.setdefault("root", None)
        kw.setdefault("urls", [])
        kw.setdefault("like", 0)
        kw.setdefault("rt_of", None)
        kw.setdefault("kind", "organic")
        kw["i"] = len(self.items)
        self.items.append(kw)
        return kw["i"]


def local_times(rng: np.random.Generator, day_epochs: np.ndarray, tz_hours: np.ndarray | int, hour_weights: np.ndarray) -> np.ndarray:
    """Draw times on local calendar days with the given hourly profile; return UTC epoch seconds."""
    n = len(day_epochs)
    w = hour_weights / hour_weights.sum()
    slots = rng.choice(len(w), size=n, p=w)
    slot_len = DAY // len(w)
    secs = slots * slot_len + rng.integers(0, slot_len, size=n)
    return (day_epochs + secs - np.asarray(tz_hours) * 3600).astype(np.int64)


def mp_posts(p: ScenarioParams, rng: np.random.Generator, targets: list[dict[str, Any]], posts: Posts,
             boost: dict[int, float]) -> dict[tuple[int, str], list[int]]:
    """Each member's own posts on X and Facebook (the threads everyone replies under)."""
    days = (p.end_date - p.start_date).days + 1
    start = epoch(p.start_date)
    by_mp: dict[tuple[int, str], list[int]] = {}
    for t in targets:
        for plat in ("x", "facebook"):
            n = int(rng.poisson(p.mp_posts_per_day * days * boost.get(t["index"], 1.0))) + 1
            day_idx = rng.integers(0, days, size=n)
            ts = np.sort(local_times(rng, start + day_idx * DAY, t["tz"], MP_HOURS))
            lst = []
            for s in ts.tolist():
                tmpl = pick(rng, T.MP_POSTS[t["preferred_lang"]])
                text = tmpl.format(r=t["riding"], t=pick(rng, T.TOPICS[t["preferred_lang"]]))
                lst.append(posts.add(platform=plat, author=("mp", t["index"]), ts=s, text=text,
                                     lang=t["preferred_lang"], kind="mp", like=int(rng.lognormal(4, 1.2))))
            by_mp[(t["index"], plat)] = lst
    return by_mp


def organic_text(rng: np.random.Generator, lang: str, generic_share: float) -> str:
    if rng.random() < generic_share:
        return pick(rng, T.ORGANIC_GENERIC[lang])
    parts = []
    for _ in range(1 + int(rng.random() < 0.45)):
        topic = pick(rng, T.TOPICS[lang])
        s = pick(rng, T.OPINION[lang]).format(t=topic, T=topic[:1].upper() + topic[1:], r=pick(rng, T.RIDINGS))
        parts.append(s)
    text = " ".join(parts)
    if rng.random() < 0.15:
        text += " " + pick(rng, ("🙄", "😡", "🤔", "👍", "🇨🇦", "😂"))
    return text


def reply_times(rng: np.random.Generator, parent_ts: np.ndarray, tz: np.ndarray) -> np.ndarray:
    """Replies on the parent's day or the following days, at Canadian local hours."""
    local_day = ((parent_ts + tz * 3600) // DAY) * DAY
    offset = np.minimum(rng.geometric(0.55, size=len(parent_ts)) - 1, 6)
    ts = local_times(rng, local_day + offset * DAY, tz, CANADA_HOURS)
    late = ts <= parent_ts
    ts[late] = parent_ts[late] + 60 + rng.exponential(1800, size=int(late.sum())).astype(np.int64)
    return ts


def organic(p: ScenarioParams, rng: np.random.Generator, targets: list[dict[str, Any]], accounts: list[dict[str, Any]],
            people: list[int], by_mp: dict[tuple[int, str], list[int]], posts: Posts, exclude: set[int]) -> dict[str, Any]:
    """The organic background: replies under members' posts, plus a few organic viral threads."""
    planted: dict[str, Any] = {"viral_posts": []}
    for plat in ("x", "facebook"):
        pool = np.array([a for a in people if accounts[a]["platform"] == plat])
        if len(pool) == 0:
            continue
        share = len(pool) / max(1, len(people))
        n_viral = p.n_viral_posts // 2 + (p.n_viral_posts % 2 if plat == "x" else 0)
        n = max(0, int(round((p.n_organic_posts - p.n_viral_posts * p.viral_replies) * share)))
        act = rng.lognormal(0, 1.2, size=len(pool))
        who = pool[rng.choice(len(pool), size=n, p=act / act.sum())]
        mp_post_ids = [(i, t["popularity"]) for t in targets for i in by_mp[(t["index"], plat)]]
        cand = np.array([i for i, _ in mp_post_ids])
        w = np.array([pw for _, pw in mp_post_ids])
        parents = cand[rng.choice(len(cand), size=n, p=w / w.sum())]
        # organic virality: a few posts by non-targeted members get hundreds of replies within a day
        viral = [int(v) for v in rng.choice([c for c in cand.tolist() if posts.items[c]["author"][1] not in exclude], size=n_viral, replace=False)]
        for v in viral:
            vwho = pool[rng.integers(len(pool), size=p.viral_replies)]
            who = np.concatenate([who, vwho])
            parents = np.concatenate([parents, np.full(p.viral_replies, v)])
            planted["viral_posts"].append({"platform": plat, "post": v})
        parent_ts = np.array([posts.items[i]["ts"] for i in parents.tolist()], dtype=np.int64)
        tz = np.array([accounts[a]["tz"] for a in who.tolist()], dtype=np.int64)
        ts = reply_times(rng, parent_ts, tz)
        is_viral = np.isin(parents, viral)
        ts[is_viral] = parent_ts[is_viral] + rng.exponential(3 * 3600, size=int(is_viral.sum())).astype(np.int64) + 30
        by_thread: dict[int, list[int]] = {}
        for a, par, s in zip(who.tolist(), parents.tolist(), ts.tolist(), strict=False):
            acc = accounts[a]
            parent = par
            if plat == "facebook" and by_thread.get(par) and rng.random() < p.organic_nested_share:
                prev = [c for c in by_thread[par] if posts.items[c]["ts"] < s]
                if prev:
                    parent = prev[int(rng.integers(len(prev)))]
            i = posts.add(platform=plat, author=("acc", a), ts=s, text=organic_text(rng, acc["lang"], p.generic_reply_share),
                          lang=acc["lang"], parent=parent, root=par, like=int(rng.geometric(0.35)) - 1)
            if parent == par:  # Facebook threads are two levels deep: replies hang under top-level comments
                by_thread.setdefault(par, []).append(i)
    return planted


def _campaign_day_weights(p: ScenarioParams) -> tuple[np.ndarray, np.ndarray]:
    last = p.exposure_date + _dt.timedelta(days=p.stop_delay_days)
    days = [p.campaign_start + _dt.timedelta(days=k) for k in range((last - p.campaign_start).days + 1)]
    w = []
    for d in days:
        if p.surge_start <= d <= p.surge_end:
            w.append(p.surge_multiplier)
        elif d.weekday() >= 5:
            w.append(p.weekend_activity)
        else:
            w.append(1.0)
    return np.array([epoch(d) for d in days], dtype=np.int64), np.array(w, dtype=float)


def campaign_times(p: ScenarioParams, rng: np.random.Generator, n: int) -> np.ndarray:
    """Times on the operators' shift: days weighted for weekends and the surge, UTC+offset hours."""
    day_epochs, w = _campaign_day_weights(p)
    d = rng.choice(len(day_epochs), size=n, p=w / w.sum())
    ts = local_times(rng, day_epochs[d], p.utc_offset_hours, SHIFT_HALF_HOURS)
    # the campaign stops: nothing after the last campaign day in Canadian (Pacific) time
    last_end = epoch(p.exposure_date + _dt.timedelta(days=p.stop_delay_days + 1)) - 7 * 3600
    return np.minimum(ts, last_end - 1)


def _video_url(p: ScenarioParams, rng: np.random.Generator, vid: str) -> str:
    alphabet = string.ascii_letters + string.digits + "_-"
    track = "".join(alphabet[int(j)] for j in rng.integers(len(alphabet), size=16))
    return f"https://{p.video_domain}/watch?v={vid}&si={track}"


def campaign(p: ScenarioParams, rng: np.random.Generator, targets: list[dict[str, Any]], accounts: list[dict[str, Any]],
             ops: list[int], targeted: list[int], by_mp: dict[tuple[int, str], list[int]], posts: Posts) -> dict[str, Any]:
    """Waves of near-identical replies under targeted members' posts, filler, inside retweets, one threat."""
    lang_w = np.array([p.lang_en, p.lang_fr, p.lang_zh])
    langs = ("en", "fr", "zh")
    videos = ["".join(string.ascii_letters[int(j)] for j in rng.integers(52, size=11)) for _ in range(8)]
    stats: dict[str, Any] = {"perturbations": {}, "waves": 0, "languages": {"en": 0, "fr": 0, "zh": 0}}
    n_filler = int(round(p.n_campaign_posts * p.filler_share))
    n_rt = int(round(p.n_campaign_posts * p.retweet_share))
    n_wave_posts = max(0, p.n_campaign_posts - n_filler - n_rt - 1)
    pools = {plat: np.array([a for a in ops if accounts[a]["platform"] == plat]) for plat in ("x", "facebook")}
    plat_w = np.array([len(pools["x"]), len(pools["facebook"])], dtype=float)
    n_waves = max(1, int(round(n_wave_posts / p.wave_size)))
    t0s = np.sort(campaign_times(p, rng, n_waves))
    by_mp_ts = {k: np.array([posts.items[i]["ts"] for i in v]) for k, v in by_mp.items()}
    x_posts: list[int] = []
    made = 0
    waves: list[dict[str, Any]] = []
    for _w_i, t0 in enumerate(t0s.tolist()):
        if made >= n_wave_posts:
            break
        plat = ("x", "facebook")[int(rng.choice(2, p=plat_w / plat_w.sum()))]
        mp = targeted[int(rng.integers(len(targeted)))]
        mp_ts = by_mp_ts[(mp, plat)]
        k = int(np.searchsorted(mp_ts, t0)) - 1
        root = by_mp[(mp, plat)][max(k, 0)]
        t0 = max(t0, posts.items[root]["ts"] + 60)
        pool = pools[plat]
        size = min(len(pool), n_wave_posts - made, max(2, int(rng.poisson(p.wave_size - 2)) + 2))
        members = pool[rng.choice(len(pool), size=size, replace=False)]
        offsets = np.sort(rng.integers(0, p.wave_seconds, size=size))
        item = int(rng.integers(len(T.NARRATIVES)))
        waves.append({"root": root, "target": mp, "platform": plat, "item": item})
        for a, off in zip(members.tolist(), offsets.tolist(), strict=False):
            lang = langs[int(rng.choice(3, p=lang_w / lang_w.sum()))]
            body = T.NARRATIVES[item][lang].format(mp=targets[mp]["name"])
            if rng.random() < p.perturb_rate:
                body, ops_done = perturb(body, rng)
                for o in ops_done:
                    stats["perturbations"][o] = stats["perturbations"].get(o, 0) + 1
            urls = [_video_url(p, rng, videos[item % len(videos)])] if rng.random() < p.link_share else []
            i = posts.add(platform=plat, author=("acc", a), ts=int(t0 + off), text=body, lang=lang, parent=root,
                          root=root, kind="campaign", urls=urls, like=int(rng.random() < p.inside_like_prob))
            stats["languages"][lang] += 1
            if plat == "x":
                x_posts.append(i)
            made += 1
    stats["waves"] = len(waves)
    # one planted intimidation message with a home address (issue 6)
    threat_mp = targeted[0]
    t_lang = targets[threat_mp]["preferred_lang"]
    th_plat = "x" if len(pools["x"]) else "facebook"
    th_acc = int(pools[th_plat][int(rng.integers(len(pools[th_plat])))])
    th_ts = int(campaign_times(p, rng, 1)[0])
    mp_ts = by_mp_ts[(threat_mp, th_plat)]
    root = by_mp[(threat_mp, th_plat)][max(int(np.searchsorted(mp_ts, th_ts)) - 1, 0)]
    th_ts = max(th_ts, posts.items[root]["ts"] + 60)
    th_text = T.THREAT[t_lang].format(mp=targets[threat_mp]["name"], address=p.threat_address)
    th_i = posts.add(platform=th_plat, author=("acc", th_acc), ts=th_ts, text=th_text, lang=t_lang, parent=root,
                     root=root, kind="campaign")
    # filler posts (X timelines only; a page-feed export has no personal timelines)
    if len(pools["x"]):
        for a, s in zip(pools["x"][rng.integers(len(pools["x"]), size=n_filler)].tolist(), campaign_times(p, rng, n_filler).tolist(), strict=False):
            lang = "zh" if rng.random() < 0.5 else "en"
            text = f"{pick(rng, T.FILLER[lang])} {pick(rng, T.FILLER_EMOJI)}"
            posts.add(platform="x", author=("acc", a), ts=s, text=text, lang=lang, kind="filler")
    # retweets of campaign posts by other campaign accounts (engagement from inside)
    if x_posts and len(pools["x"]) > 1:
        for j in rng.choice(len(x_posts), size=min(n_rt, len(x_posts)), replace=True).tolist():
            orig = posts.items[x_posts[j]]
            a = int(pools["x"][int(rng.integers(len(pools["x"])))])
            if ("acc", a) == orig["author"]:
                continue
            posts.add(platform="x", author=("acc", a), ts=orig["ts"] + int(rng.integers(5, 900)), text=orig["text"],
                      lang=orig["lang"], kind="retweet", rt_of=orig["i"])
    return {"stats": stats, "threat_post": th_i, "threat_target": threat_mp, "threat_text": th_text, "videos": videos}


def hijack_history(p: ScenarioParams, rng: np.random.Generator, accounts: list[dict[str, Any]], hijacked: list[int],
                   community_posts: list[int], posts: Posts) -> None:
    """The earlier, other-language life of hijacked accounts, then months of silence."""
    lo, hi = epoch(p.hijack_history_start), epoch(p.hijack_history_end) + DAY - 1
    for a in hijacked:
        acc = accounts[a]
        for k, s in enumerate(np.sort(rng.integers(lo, hi, size=p.hijack_history_posts)).tolist()):
            lang = "bn" if (k == 0 or rng.random() < 0.7) else "en"  # always some Bengali in the old life
            text = pick(rng, T.HIJACK_HISTORY[lang])
            if acc["platform"] == "x":
                posts.add(platform="x", author=("acc", a), ts=s, text=text, lang=lang, kind="history")
            elif community_posts:
                root = community_posts[int(rng.integers(len(community_posts)))]
                posts.add(platform="facebook", author=("acc", a), ts=max(s, posts.items[root]["ts"] + 60), text=text,
                          lang=lang, parent=root, root=root, kind="history")


def community_page(p: ScenarioParams, rng: np.random.Generator, posts: Posts, n: int = 30) -> list[int]:
    """A fictional community page whose comment threads hold the hijacked accounts' old Facebook life."""
    lo, hi = epoch(p.hijack_history_start) - 30 * DAY, epoch(p.hijack_history_end)
    return [posts.add(platform="facebook", author=("page", "community"), ts=s, text=pick(rng, T.HIJACK_HISTORY["bn"]),
                      lang="bn", kind="page") for s in np.sort(rng.integers(lo, hi, size=n)).tolist()]


def hard_negatives(p: ScenarioParams, rng: np.random.Generator, targets: list[dict[str, Any]], accounts: list[dict[str, Any]],
                   groups: dict[str, list[int]], by_mp: dict[tuple[int, str], list[int]], posts: Posts,
                   mps: dict[str, Any]) -> dict[str, Any]:
    """Look-alikes: an organic pile-on, a supporters' group, a domestic spam burst."""
    out: dict[str, Any] = {}
    # (1) pile-on: one reply each within minutes of a viral post
    pile_root = by_mp[(mps["pileon"], "x")][len(by_mp[(mps["pileon"], "x")]) // 2]
    t0 = posts.items[pile_root]["ts"] + 120
    for a in groups["hn-pileon"]:
        lang = accounts[a]["lang"]
        posts.add(platform="x", author=("acc", a), ts=t0 + int(rng.integers(0, p.pileon_minutes * 60)),
                  text=organic_text(rng, lang, 0.6), lang=lang, parent=pile_root, root=pile_root, kind="pileon",
                  like=int(rng.geometric(0.3)) - 1)
    out["pileon"] = {"post": pile_root, "target": mps["pileon"], "minutes": p.pileon_minutes}
    # (2) supporters: "Well said" within minutes under many posts of one member
    sup_mp = mps["supporters"]
    sup_posts = by_mp[(sup_mp, "x")][: p.supporters_posts]
    first = targets[sup_mp]["first"]
    for root in sup_posts:
        for a in groups["hn-supporters"]:
            if rng.random() < 0.7:
                posts.add(platform="x", author=("acc", a), ts=posts.items[root]["ts"] + int(rng.integers(20, p.supporters_minutes * 60)),
                          text=pick(rng, T.SUPPORTER_REPLIES).format(first=first), lang="en", parent=root, root=root,
                          kind="supporters", like=int(rng.integers(0, 4)))
    out["supporters"] = {"target": sup_mp, "posts": len(sup_posts), "minutes": p.supporters_minutes}
    # (3) spam: near-identical crypto spam with links, Canadian afternoon, a few members only
    start = epoch(p.spam_date) + 12 * 3600 + 4 * 3600  # noon Eastern
    roots = []
    for mp in mps["spam"]:
        lst = by_mp[(mp, "x")]
        ts = np.array([posts.items[i]["ts"] for i in lst])
        roots.append(lst[max(int(np.searchsorted(ts, start)) - 1, 0)])
    for a in groups["hn-spam"]:
        for _ in range(p.spam_posts_per_account):
            coin = pick(rng, T.SPAM_COINS)
            url = f"https://{coin.lower()}-gains.example/?ref={int(rng.integers(10**5, 10**6))}"
            root = roots[int(rng.integers(len(roots)))]
            text = pick(rng, T.SPAM).format(coin=coin, url="{url}")
            posts.add(platform="x", author=("acc", a), ts=max(start + int(rng.integers(0, p.spam_window_hours * 3600)), posts.items[root]["ts"] + 60),
                      text=text, lang="en", parent=root, root=root, kind="spam", urls=[url])
    out["spam"] = {"targets": mps["spam"], "date": p.spam_date.isoformat(), "window_hours": p.spam_window_hours}
    return out
