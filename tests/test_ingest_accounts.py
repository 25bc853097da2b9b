"""The account merge rule against a line-by-line reference, whatever the order, ties, gaps and chunking.

Each tweet's author object is one observation of the account at the tweet's time. Read in file order, an
observation at least as recent as every one before it (stored or earlier in the file) sets the fields it has;
an older one only fills fields still empty. ``first_seen`` / ``last_seen`` are the earliest and latest times.
"""

from __future__ import annotations

import datetime as dt
import json

from hypothesis import given, settings
from hypothesis import strategies as st

from cibwatch import Store
from cibwatch.ingest import ingest_paths

_T0 = dt.datetime(2023, 5, 1)
_FIELDS = {  # account column: (key in the author object, values an observation may have; None: absent)
    "handle": ("username", [None, "h1", "h2"]),
    "display_name": ("name", [None, "N1", "N2"]),
    "description": ("description", [None, "d1", "d2"]),
    "followers": ("followers_count", [None, 1, 2]),
}

observations = st.lists(
    st.tuples(
        st.integers(0, 2),  # author
        st.integers(0, 4),  # time (few values: ties)
        *[st.sampled_from(values) for _, values in _FIELDS.values()],
    ),
    min_size=1,
    max_size=30,
)


def _tweet(k: int, obs: tuple) -> dict:
    author, t, *values = obs
    user: dict = {"id": f"u{author}"}
    metrics = {}
    for (key, _), v in zip(_FIELDS.values(), values, strict=True):
        if v is not None:
            (metrics if key == "followers_count" else user)[key] = v
    if metrics:
        user["public_metrics"] = metrics
    when = (_T0 + dt.timedelta(hours=t)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
    return {"id": str(1000 + k), "text": f"tweet {k}", "author_id": f"u{author}", "created_at": when, "author": user}


def _reference(batches: list[list[tuple]]) -> dict[str, dict]:
    state: dict[str, dict] = {}
    for obs in (o for batch in batches for o in batch):
        author, t, *values = obs
        seen = _T0 + dt.timedelta(hours=t)
        acc = state.setdefault(f"u{author}", {c: None for c in _FIELDS} | {"first_seen": seen, "last_seen": seen})
        newest = seen >= acc["last_seen"] or acc["first_seen"] is None
        for c, v in zip(_FIELDS, values, strict=True):
            if v is not None and (newest or acc[c] is None):
                acc[c] = v
        acc["first_seen"], acc["last_seen"] = min(acc["first_seen"], seen), max(acc["last_seen"], seen)
    return state


@settings(max_examples=60, deadline=None)
@given(batches=st.lists(observations, min_size=1, max_size=3), chunk_size=st.integers(1, 8), bulk=st.booleans())
def test_accounts_follow_the_line_by_line_rule(tmp_path_factory, batches, chunk_size, bulk):
    """Files ingested one after the other (the stored account then meets newer and older observations)."""
    folder = tmp_path_factory.mktemp("acc")
    k = 0
    with Store.memory() as store:
        for n, batch in enumerate(batches):
            path = folder / f"f{n}.jsonl"
            lines = []
            for obs in batch:
                lines.append(json.dumps(_tweet(k, obs)))
                k += 1
            path.write_text("\n".join(lines) + "\n")
            rep = ingest_paths(store, [path], chunk_size=chunk_size, bulk=bulk, bulk_min_bytes=0)
            assert rep.stored == len(batch) and rep.quarantined == 0
        sql = f"SELECT account_id, {', '.join(_FIELDS)}, first_seen, last_seen FROM accounts"  # noqa: S608 - constant names
        got = {r.pop("account_id"): r for r in store.query(sql)}
    assert got == _reference(batches)
