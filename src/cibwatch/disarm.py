"""DISARM Red Framework v1.6 techniques used by cibwatch outputs.

The table holds the technique IDs and names that fit comment-flooding networks
(DISARM Foundation, "DISARM Framework", v1.6, https://www.disarm.foundation/)
and the rules mapping cibwatch evidence kinds to them.
"""

from __future__ import annotations

from collections.abc import Iterable

VERSION = "1.6"
BASE_URL = "https://disarmframework.herokuapp.com/technique/"

TECHNIQUES: dict[str, str] = {
    "T0049": "Flood Information Space",
    "T0049.004": "Spamouflage",
    "T0049.005": "Conduct Swarming",
    "T0116.001": "Post Inauthentic Social Media Comment",
    "T0151.014": "Comments Section",
    "T0119.002": "Post across Platform",
    "T0146.007": "Automated Account Asset",
    "T0150.001": "Newly Created",
    "T0150.002": "Dormant",
    "T0150.005": "Compromised",
    "T0150.006": "Purchased",
    "T0150.008": "Bulk Created",
    "T0128.005": "Change Names of Information Assets",
    "T0145.002": "AI-Generated Account Imagery",
    "T0084.001": "Use Copypasta",
    "T0085.008": "Machine Translated Text",
    "T0087.001": "AI-Generated Videos (Deepfakes)",
    "T0140.001": "Defame",
    "T0139.002": "Silence",
    "T0048.004": "Dox",
}

COUNTERMEASURES: dict[str, str] = {
    "C00074": "Identify and delete or rate limit identical content",
    "C00123": "Remove or rate limit botnets",
}

#: evidence kind -> techniques it indicates. The assessment's own mapping
#: (``cibwatch.assess.DISARM_TECHNIQUES``, stored in each evidence row's
#: ``data["disarm"]``) is a subset; the edge-level kinds of the coordination
#: engine (``reply``, ``mention``, ``domain``…) and the threat categories of the
#: campaign's messages (``threat:defamation``…) are mapped here too.
RULES: dict[str, tuple[str, ...]] = {
    "creation_batch": ("T0150.008", "T0150.001"),
    "hijack": ("T0150.005", "T0150.002", "T0128.005"),
    "text_near": ("T0084.001", "T0049"),
    "text_exact": ("T0084.001",),
    "crosslingual": ("T0085.008", "T0084.001", "T0119.002"),
    "co_action": ("T0049", "T0049.004", "T0049.005"),
    "comments": ("T0116.001", "T0151.014"),
    "reply": ("T0116.001", "T0151.014"),
    "reply_account": ("T0116.001", "T0151.014"),
    "handle_pattern": ("T0146.007", "T0150.008"),
    "schedule": ("T0146.007",),
    "low_reach": ("T0146.007",),
    "burst": ("T0049",),
    "known_case": ("T0049.004",),
    "renamed": ("T0128.005",),
    "defamation": ("T0140.001",),
    "doxxing": ("T0048.004",),
    "threat:defamation": ("T0140.001",),
    "threat:doxxing": ("T0048.004",),
    "threat:intimidation": ("T0139.002",),
    "multi_platform": ("T0119.002",),
    "operation": ("T0049", "T0049.005"),
}


def technique_url(tid: str) -> str:
    """The DISARM explorer page of a technique or countermeasure."""
    return BASE_URL + tid.replace(".", "_")


def techniques_for(kinds: Iterable[str]) -> list[tuple[str, str]]:
    """Sorted (id, name) of the techniques indicated by these evidence kinds."""
    return [(t, name) for t, name, _ in techniques_with_sources(kinds)]


def techniques_with_sources(kinds: Iterable[str]) -> list[tuple[str, str, list[str]]]:
    """Sorted (id, name, evidence kinds that indicate it)."""
    found: dict[str, set[str]] = {}
    for kind in kinds:
        for t in RULES.get(str(kind), ()):
            found.setdefault(t, set()).add(str(kind))
    return [(t, TECHNIQUES[t], sorted(found[t])) for t in sorted(found)]
