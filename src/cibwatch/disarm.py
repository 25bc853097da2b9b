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

#: evidence kind -> techniques it indicates
RULES: dict[str, tuple[str, ...]] = {
    "creation_batch": ("T0150.008", "T0150.001"),
    "hijack": ("T0150.005", "T0150.002"),
    "text_near": ("T0084.001",),
    "text_exact": ("T0084.001",),
    "crosslingual": ("T0085.008", "T0119.002"),
    "co_action": ("T0049", "T0049.004", "T0049.005"),
    "comments": ("T0116.001", "T0151.014"),
    "reply": ("T0116.001", "T0151.014"),
    "handle_pattern": ("T0146.007",),
    "renamed": ("T0128.005",),
    "defamation": ("T0140.001",),
    "doxxing": ("T0048.004",),
    "multi_platform": ("T0119.002",),
}


def technique_url(tid: str) -> str:
    """The DISARM explorer page of a technique or countermeasure."""
    return BASE_URL + tid.replace(".", "_")


def techniques_for(kinds: Iterable[str]) -> list[tuple[str, str]]:
    """Sorted (id, name) of the techniques indicated by these evidence kinds."""
    found: set[str] = set()
    for kind in kinds:
        found.update(RULES.get(str(kind), ()))
    return [(t, TECHNIQUES[t]) for t in sorted(found)]
