"""Who is in the scenario: members of parliament, organic users, look-alikes, operators.

Accounts are plain dicts with the fields the exporters need; all draws come
from the scenario's ``numpy.random.Generator`` in a fixed order.
"""

from __future__ import annotations

import datetime as _dt
import string
import unicodedata
from typing import Any

import numpy as np

from . import texts as T
from .params import ScenarioParams

UTC = _dt.UTC
EASTERN, PACIFIC = -4, -7  # EDT / PDT offsets in August-September


def epoch(d: _dt.date | _dt.datetime) -> int:
    if isinstance(d, _dt.datetime):
        return int(d.replace(tzinfo=UTC).timestamp()) if d.tzinfo is None else int(d.timestamp())
    return int(_dt.datetime(d.year, d.month, d.day, tzinfo=UTC).timestamp())


def ascii_fold(s: str) -> str:
    return "".join(c for c in unicodedata.normalize("NFKD", s) if not unicodedata.combining(c) and (c.isalnum()))


class Ids:
    """Unique numeric identifiers drawn from the scenario generator."""

    def __init__(self, rng: np.random.Generator) -> None:
        self.rng = rng
        self.seen: set[int] = set()

    def draw(self, low: int, high: int) -> str:
        while True:
            v = int(self.rng.integers(low, high))
            if v not in self.seen:
                self.seen.add(v)
                return str(v)


def pick(rng: np.random.Generator, seq: tuple[str, ...] | list[str]) -> str:
    """A uniform choice (``Generator.random`` is several times faster than ``integers`` per call)."""
    return seq[int(rng.random() * len(seq))]


def person_name(rng: np.random.Generator, lang: str) -> tuple[str, str]:
    if lang == "fr":
        return pick(rng, T.FIRST_FR), pick(rng, T.LAST_FR)
    if lang == "zh":
        return pick(rng, T.FIRST_ZH), pick(rng, T.LAST_ZH)
    if lang == "bn":
        return pick(rng, T.FIRST_BN), pick(rng, T.LAST_BN)
    return pick(rng, T.FIRST_EN), pick(rng, T.LAST_EN)


def organic_handle(rng: np.random.Generator, first: str, last: str) -> str:
    f, l_ = ascii_fold(first), ascii_fold(last)
    style = int(rng.integers(6))
    if style == 0:
        return f"{f}{l_}"[:15]
    if style == 1:
        return f"{f}_{l_}"[:15]
    if style == 2:
        return f"{f[0]}{l_}{int(rng.integers(60, 100))}"[:15]
    if style == 3:
        return f"{pick(rng, ('the', 'real', 'its', 'just'))}{f}"[:15]
    if style == 4:
        return f"{l_}{pick(rng, ('On', 'BC', 'Qc', 'Yyz', 'Van', 'Mtl'))}"[:15]
    return f"{f}{l_[0]}{int(rng.integers(1, 10))}"[:15]


def formulaic_handle(rng: np.random.Generator, first: str, last: str, random_share: float) -> str:
    """Lowercase name + 2-4 digits, or a random string (Graphika 2020)."""
    if rng.random() < random_share:
        alphabet = string.ascii_lowercase + string.digits
        return "".join(alphabet[int(j)] for j in rng.integers(len(alphabet), size=int(rng.integers(8, 13))))
    digits = int(rng.integers(2, 5))
    name = f"{ascii_fold(first).lower()}{ascii_fold(last).lower()}"[: 15 - digits]
    return f"{name}{int(rng.integers(10 ** (digits - 1), 10 ** digits))}"


def _uniq(handle: str, used: set[str], rng: np.random.Generator) -> str:
    h = handle
    while h.lower() in used:
        h = f"{handle[:12]}{int(rng.integers(100, 1000))}"
    used.add(h.lower())
    return h


def make_targets(p: ScenarioParams, rng: np.random.Generator, ids: Ids, used: set[str]) -> list[dict[str, Any]]:
    """Fictional members of parliament, each with an X account and a Facebook page."""
    targets = []
    names: set[tuple[str, str]] = set()
    parties = T.PARTIES[: max(3, min(len(T.PARTIES), 6))]
    for k in range(p.n_targets):
        lang = "fr" if rng.random() < p.french_target_share else "en"
        first, last = person_name(rng, lang)
        while (first, last) in names:
            first, last = person_name(rng, lang)
        names.add((first, last))
        name = f"{first} {last}"
        handle = _uniq(f"{ascii_fold(last)}{ascii_fold(first)[0]}MP", used, rng)
        fb_slug = f"{ascii_fold(first).lower()}.{ascii_fold(last).lower()}.mp"
        targets.append({
            "index": k,
            "target_id": f"mp-{k + 1:03d}",
            "name": name,
            "first": first,
            "role": "Member of Parliament",
            "party": pick(rng, parties),
            "preferred_lang": lang,
            "riding": pick(rng, T.RIDINGS),
            "tz": EASTERN if (lang == "fr" or rng.random() < 0.7) else PACIFIC,
            "x_id": ids.draw(10**7, 10**10),
            "x_handle": handle,
            "x_created": epoch(_dt.date(int(rng.integers(2009, 2019)), int(rng.integers(1, 13)), 1)),
            "x_followers": int(rng.lognormal(9, 1)),
            "fb_page_id": ids.draw(10**14, 10**15),
            "fb_slug": fb_slug,
            "contact": f"{fb_slug.replace('.mp', '')}@parl.example",
            "popularity": float(rng.lognormal(0, 0.8)),
        })
    return targets


def _account(platform: str, acc_id: str, handle: str, name: str, created: int, role: str, campaign_id: str,
             *, followers: int, following: int, bio: str, location: str, image: str, lang: str, tz: int,
             kind: str) -> dict[str, Any]:
    return {"platform": platform, "id": acc_id, "handle": handle, "name": name, "created": created,
            "role": role, "campaign_id": campaign_id, "followers": followers, "following": following,
            "bio": bio, "location": location, "image": image, "lang": lang, "tz": tz, "kind": kind,
            "old_handle": None, "old_name": None, "rename_at": None, "posts": 0}


def make_people(p: ScenarioParams, rng: np.random.Generator, ids: Ids, used: set[str], n: int, *, platform: str | None,
                role: str, campaign_id: str, kind: str, created_range: tuple[int, int],
                new_accounts: bool = False, lang: str | None = None) -> list[dict[str, Any]]:
    """Authentic-looking (or, with ``new_accounts``, fresh low-reach) users."""
    out = []
    for _ in range(n):
        plat = platform or ("x" if rng.random() < p.organic_x_share else "facebook")
        lg = lang or ("fr" if rng.random() < p.organic_french_share else "en")
        first, last = person_name(rng, lg)
        tz = PACIFIC if (lg == "en" and rng.random() < p.organic_pacific_share) else EASTERN
        created = int(rng.integers(*created_range))
        if new_accounts:
            followers, following, bio = int(rng.integers(0, 20)), int(rng.integers(0, 60)), ""
            handle = f"{ascii_fold(first).lower()}{int(rng.integers(1000, 99999))}"
        else:
            followers = int(rng.lognormal(4.5, 1.4))
            following = int(rng.lognormal(5, 1))
            bio = " | ".join(pick(rng, T.BIO_WORDS) for _ in range(int(rng.integers(1, 4)))) if rng.random() < 0.7 else ""
            handle = organic_handle(rng, first, last)
        handle = _uniq(handle, used, rng)
        city = pick(rng, T.CITIES_FR if lg == "fr" else T.CITIES_EN)
        acc_id = ids.draw(10**8, 10**18) if plat == "x" else ids.draw(10**14, 10**16)
        out.append(_account(plat, acc_id, handle, f"{first} {last}", created, role, campaign_id,
                            followers=followers, following=following, bio=bio,
                            location=city if rng.random() < 0.6 else "", lang=lg, tz=tz, kind=kind,
                            image=f"https://pbs.twimg.example/profile_images/{acc_id}/photo.jpg"))
    return out


def make_operators(p: ScenarioParams, rng: np.random.Generator, ids: Ids, used: set[str]) -> tuple[list[dict[str, Any]], dict[str, Any]]:
    """The campaign's accounts: batch-created and hijacked, some run on both platforms."""
    n_ops = max(1, int(round(p.n_campaign_accounts / (1 + p.cross_platform_share))))
    batch_dates = [p.first_batch_date + _dt.timedelta(days=p.batch_interval_days * b) for b in range(p.n_creation_batches)]
    accounts: list[dict[str, Any]] = []
    hijacked: list[str] = []
    for _ in range(n_ops):
        if len(accounts) >= p.n_campaign_accounts:
            break
        lang = "zh" if rng.random() < 0.3 else "en"
        first, last = person_name(rng, lang)
        on_x = rng.random() < p.campaign_x_share
        plats = ["x", "facebook"] if rng.random() < p.cross_platform_share else (["x"] if on_x else ["facebook"])
        hij = rng.random() < p.hijacked_share
        batch = int(rng.integers(len(batch_dates)))
        image = f"https://pbs.twimg.example/profile_images/face{int(rng.integers(p.n_profile_images)):03d}.jpg"
        for plat in plats:
            if len(accounts) >= p.n_campaign_accounts:
                break
            handle = formulaic_handle(rng, first, last, p.random_handle_share)
            while handle.lower() in used:
                handle = formulaic_handle(rng, first, last, p.random_handle_share)
            used.add(handle.lower())
            acc_id = ids.draw(10**8, 10**18) if plat == "x" else ids.draw(10**14, 10**16)
            if hij:
                created = epoch(_dt.date(int(rng.integers(p.hijack_created_year_min, p.hijack_created_year_max + 1)),
                                         int(rng.integers(1, 13)), int(rng.integers(1, 28))))
                created += int(rng.integers(0, 86400))
            else:
                created = epoch(batch_dates[batch]) + int(rng.integers(0, p.batch_spread_hours * 3600))
            acc = _account(plat, acc_id, handle, f"{first} {last}", created, "campaign", p.campaign_id,
                           followers=int(rng.integers(0, p.max_followers + 1)), following=int(rng.integers(0, 40)),
                           bio="", location=pick(rng, ("", "", "Vancouver", "Canada")), image=image, lang=lang,
                           tz=p.utc_offset_hours, kind="hijacked" if hij else "batch")
            acc["batch"] = None if hij else batch_dates[batch].isoformat()
            if hij:
                bf, bl = person_name(rng, "bn")
                acc["old_name"] = f"{bf} {bl}"
                acc["old_handle"] = _uniq(f"{ascii_fold(bf).lower()}_{ascii_fold(bl).lower()}{int(rng.integers(10, 99))}", used, rng)
                acc["rename_at"] = epoch(p.rename_date) + int(rng.integers(0, 2 * 86400))
                hijacked.append(acc_id)
            accounts.append(acc)
    batches: dict[str, int] = {}
    for a in accounts:
        if a["kind"] == "batch":
            batches[a["batch"]] = batches.get(a["batch"], 0) + 1
    return accounts, {"creation_batches": dict(sorted(batches.items())), "batch_spread_hours": p.batch_spread_hours}
