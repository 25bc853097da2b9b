"""Every number of the ``canada-2023`` scenario, as one documented dataclass.

Sources are the entries of ``THREAT-MODEL.md``: "ASPI", "RRM", "Meta 2023",
"Stanford IO", "Graphika 2020"; "(derived)" marks arithmetic on them and
"(assumption)" a tunable guess. ``--set key=value`` overrides any field.
"""

from __future__ import annotations

import dataclasses
import datetime as _dt
from dataclasses import dataclass, fields
from typing import Any

from ..errors import ParameterError

SCENARIOS = ("canada-2023",)
SCALES = ("small", "full")


@dataclass(frozen=True)
class ScenarioParams:
    """Parameters of the Spamouflage-against-Canadian-MPs scenario."""

    # --- period -----------------------------------------------------------
    start_date: _dt.date = _dt.date(2023, 7, 31)  # organic background from (assumption: ~6 weeks)
    end_date: _dt.date = _dt.date(2023, 9, 14)  # last organic day, inclusive (assumption)
    campaign_start: _dt.date = _dt.date(2023, 8, 7)  # ASPI: active from 7 Aug 2023
    exposure_date: _dt.date = _dt.date(2023, 9, 7)  # ASPI: stopped ~4 days after the inquiry was announced
    stop_delay_days: int = 4  # ASPI: ~4 days -> last day 11 Sep
    surge_start: _dt.date = _dt.date(2023, 9, 2)  # RRM: accelerated over the Labour Day long weekend (derived: 2-4 Sep)
    surge_end: _dt.date = _dt.date(2023, 9, 4)
    surge_multiplier: float = 4.0  # daily volume on surge days vs a weekday (assumption)
    weekend_activity: float = 0.1  # weekend volume vs a weekday; ASPI 2019: work-week rhythm (assumption)
    utc_offset_hours: int = 8  # Meta 2023: Beijing-time shift pattern (UTC+8)
    # --- targets ----------------------------------------------------------
    n_targets: int = 340  # members of the fictional parliament (assumption, close to 338 + officials)
    n_targeted: int = 50  # ASPI: at least 50 politicians
    french_target_share: float = 0.3  # French-preferring members (assumption)
    mp_posts_per_day: float = 0.4  # own posts per member per platform per day (assumption)
    # --- organic background ------------------------------------------------
    n_organic_accounts: int = 4000  # (assumption)
    n_organic_posts: int = 20000  # replies and comments under members' posts (issue 5: full >= 300,000)
    organic_x_share: float = 0.5  # share of organic accounts on X, rest on Facebook (assumption)
    organic_french_share: float = 0.3  # bilingual background (assumption)
    organic_pacific_share: float = 0.3  # accounts on Pacific time, the rest Eastern (assumption)
    generic_reply_share: float = 0.35  # "Thank you!", "Bravo", "👍" ... (THREAT-MODEL: look-alikes)
    organic_nested_share: float = 0.1  # Facebook comments that reply to a comment (assumption)
    n_viral_posts: int = 2  # posts that go viral organically (assumption)
    viral_replies: int = 400  # extra replies a viral post receives over ~a day (assumption)
    # --- hard negatives ----------------------------------------------------
    pileon_accounts: int = 150  # THREAT-MODEL: organic pile-on, many people replying within minutes
    pileon_minutes: int = 15
    supporters_accounts: int = 20  # supporters' group replying "Well said" within minutes (assumption: 15-30)
    supporters_posts: int = 25  # posts of one member they answer
    supporters_minutes: int = 8
    spam_accounts: int = 30  # THREAT-MODEL: domestic spam burst from new low-follower accounts
    spam_posts_per_account: int = 3
    spam_window_hours: int = 6
    spam_date: _dt.date = _dt.date(2023, 8, 22)
    spam_targets: int = 3  # members whose posts the spam lands under (not the watch-list broadly)
    # --- the campaign -------------------------------------------------------
    n_campaign_accounts: int = 200  # ASPI: ~2,000 at full scale
    n_campaign_posts: int = 1500  # ASPI: 15,000+ at full scale (derived: ~7.5 per account)
    campaign_x_share: float = 0.6  # accounts on X, rest on Facebook (assumption)
    cross_platform_share: float = 0.3  # operators running an account on both platforms (assumption)
    hijacked_share: float = 0.15  # RRM: new or hijacked; Graphika 2020 (assumption for the share)
    n_creation_batches: int = 4  # Stanford IO / creation in batches
    first_batch_date: _dt.date = _dt.date(2023, 7, 10)  # (assumption)
    batch_interval_days: int = 7  # (assumption)
    batch_spread_hours: int = 36  # accounts of one batch created within this span (assumption)
    random_handle_share: float = 0.3  # random-string handles; the rest name + 2-4 digits (Graphika 2020)
    hijack_created_year_min: int = 2012  # hijacked accounts created years before (assumption)
    hijack_created_year_max: int = 2019
    hijack_history_posts: int = 5  # posts in the earlier, other-language life (assumption)
    hijack_history_start: _dt.date = _dt.date(2022, 9, 1)
    hijack_history_end: _dt.date = _dt.date(2023, 2, 28)  # then dormant until the rename (Miburo 2021)
    rename_date: _dt.date = _dt.date(2023, 8, 3)  # handle and name changed before activity (assumption)
    lang_en: float = 0.45  # ASPI / RRM: English, French and Mandarin (assumption for the split)
    lang_fr: float = 0.3
    lang_zh: float = 0.25
    filler_share: float = 0.15  # THREAT-MODEL: filler posts (scenery, food, sport)
    wave_size: int = 12  # accounts flooding one post in one wave (assumption)
    wave_seconds: int = 240  # a wave lands within this many seconds ("every couple of seconds")
    perturb_rate: float = 0.6  # share of campaign messages perturbed (assumption)
    link_share: float = 0.5  # messages carrying the "deepfake" video link (CTV / Global Affairs)
    video_domain: str = "vidshare.example"  # fictional video site
    retweet_share: float = 0.04  # X posts that retweet another campaign account (assumption)
    inside_like_prob: float = 0.03  # Stanford IO: >97% zero engagement; likes only from inside
    max_followers: int = 9  # Stanford IO: most accounts had fewer than 10 followers, no bio
    n_profile_images: int = 40  # clones sharing faces (Graphika 2020)
    threat_address: str = "123 Maple Street, Ottawa, ON K1A 0B1"  # planted doxxing message (issue 6)
    campaign_id: str = "spamouflage-ca-2023"

    def to_dict(self) -> dict[str, Any]:
        return {f.name: _jsonable(getattr(self, f.name)) for f in fields(self)}


#: Per-scale defaults (everything else is shared).
SCALE_DEFAULTS: dict[str, dict[str, Any]] = {
    "small": {},
    "full": {
        "n_organic_accounts": 60000,
        "n_organic_posts": 320000,
        "n_viral_posts": 4,
        "viral_replies": 1500,
        "pileon_accounts": 400,
        "supporters_accounts": 25,
        "supporters_posts": 40,
        "spam_accounts": 60,
        "n_campaign_accounts": 2000,
        "n_campaign_posts": 15000,
    },
}

def _jsonable(v: Any) -> Any:
    return v.isoformat() if isinstance(v, (_dt.date, _dt.datetime)) else v


def _parse(name: str, typ: type, raw: str) -> Any:
    s = raw.strip()
    try:
        if typ is bool:
            low = s.lower()
            if low in ("true", "1", "yes", "on"):
                return True
            if low in ("false", "0", "no", "off"):
                return False
            raise ValueError(s)
        if typ is int:
            return int(s)
        if typ is float:
            return float(s)
        if typ is _dt.date:
            return _dt.date.fromisoformat(s)
        return s
    except ValueError:
        allowed = {int: "an integer", float: "a number", bool: "true or false", _dt.date: "a date YYYY-MM-DD"}.get(typ, "a string")
        raise ParameterError(name, allowed, raw, owner="the scenario") from None


def _types() -> dict[str, type]:
    hints = {"int": int, "float": float, "bool": bool, "str": str, "_dt.date": _dt.date}
    return {f.name: hints[f.type] if isinstance(f.type, str) else f.type for f in fields(ScenarioParams)}


def parse_overrides(items: list[str] | dict[str, Any] | None) -> dict[str, Any]:
    """Turn ``["key=value", ...]`` (or a dict of strings/values) into typed overrides.

    Unknown keys raise :class:`ParameterError` listing the valid keys.
    """
    types = _types()
    pairs: list[tuple[str, Any]] = []
    if isinstance(items, dict):
        pairs = list(items.items())
    else:
        for item in items or []:
            if "=" not in item:
                raise ParameterError("set", "key=value", item, owner="the scenario")
            k, v = item.split("=", 1)
            pairs.append((k.strip(), v))
    out: dict[str, Any] = {}
    for k, v in pairs:
        if k not in types:
            raise ParameterError(k, "one of the scenario keys: " + ", ".join(sorted(types)), k, owner="the scenario")
        out[k] = _parse(k, types[k], v) if isinstance(v, str) and types[k] is not str else v
    return out


def build_params(scale: str = "small", overrides: list[str] | dict[str, Any] | None = None) -> ScenarioParams:
    """The parameters of a run: scale defaults, then overrides, then checks."""
    if scale not in SCALES:
        raise ParameterError("scale", "one of " + ", ".join(SCALES), scale)
    values = {**SCALE_DEFAULTS[scale], **parse_overrides(overrides)}
    p = dataclasses.replace(ScenarioParams(), **values)
    validate(p)
    return p


def validate(p: ScenarioParams) -> None:
    """Check ranges and consistency; raise :class:`ParameterError` on the first problem."""
    def need(ok: bool, name: str, allowed: str) -> None:
        if not ok:
            raise ParameterError(name, allowed, getattr(p, name), owner="the scenario")

    for name in ("n_targets", "n_organic_accounts", "n_campaign_accounts", "wave_size", "n_creation_batches"):
        need(getattr(p, name) >= 1, name, "an integer >= 1")
    for name in ("n_organic_posts", "n_campaign_posts", "pileon_accounts", "supporters_accounts", "spam_accounts",
                 "n_viral_posts", "viral_replies", "hijack_history_posts", "stop_delay_days", "max_followers"):
        need(getattr(p, name) >= 0, name, "an integer >= 0")
    need(1 <= p.n_targeted <= p.n_targets, "n_targeted", f"between 1 and n_targets ({p.n_targets})")
    for name in ("french_target_share", "organic_x_share", "organic_french_share", "organic_pacific_share",
                 "generic_reply_share", "organic_nested_share", "campaign_x_share", "cross_platform_share",
                 "hijacked_share", "random_handle_share", "filler_share", "perturb_rate", "link_share",
                 "retweet_share", "inside_like_prob", "weekend_activity"):
        need(0.0 <= getattr(p, name) <= 1.0, name, "a number in [0, 1]")
    need(p.surge_multiplier >= 0, "surge_multiplier", "a number >= 0")
    need(p.lang_en >= 0 and p.lang_fr >= 0 and p.lang_zh >= 0 and p.lang_en + p.lang_fr + p.lang_zh > 0,
         "lang_en", "non-negative language shares (lang_en, lang_fr, lang_zh) with a positive sum")
    need(p.start_date <= p.campaign_start, "campaign_start", f"on or after start_date ({p.start_date})")
    need(p.campaign_start <= p.exposure_date, "exposure_date", f"on or after campaign_start ({p.campaign_start})")
    need(p.end_date >= p.exposure_date, "end_date", f"on or after exposure_date ({p.exposure_date})")
    need(p.hijack_history_start <= p.hijack_history_end < p.rename_date <= p.campaign_start, "rename_date",
         "after hijack_history_end and on or before campaign_start")
    need(p.hijack_created_year_min <= p.hijack_created_year_max <= p.hijack_history_start.year,
         "hijack_created_year_max", "between hijack_created_year_min and the year of hijack_history_start")
    need(-12 <= p.utc_offset_hours <= 14, "utc_offset_hours", "an integer in [-12, 14]")
    need(p.n_targets >= p.spam_targets + 2, "spam_targets", "at most n_targets - 2")
