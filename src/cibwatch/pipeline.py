"""The detect pipeline: traces → coordination → campaigns → later stages, as one run.

:func:`detect` records a run (parameters and seed), collects the traces of
the enabled signals in ``[since, until)``, runs the coordination engine,
writes ``edges`` and ``edge_evidence``, finds campaigns (Leiden) and writes
``campaigns`` and ``campaign_accounts``, then calls each stage of
:data:`POST_CAMPAIGN_STAGES` with ``(store, run_id)``. A run that fails has its
result rows deleted and its status set to ``failed``; the error is re-raised.

What is stored: every significant edge, plus the ``keep_edges`` non-significant
edges with the smallest p-values (context for analysts, bounded so that a
huge run does not store millions of chance pairs); evidence rows (the closest
pair of posts per object) for significant edges only.
"""

from __future__ import annotations

import datetime as _dt
from collections.abc import Callable, Mapping, Sequence
from typing import TYPE_CHECKING, Any

import pyarrow as pa
import pyarrow.compute as pc

from .campaigns import find_campaigns
from .engines import get_engine
from .errors import ParameterError
from .signals import TRACE_SCHEMA, SignalContext, available_signals, get_signal

if TYPE_CHECKING:
    from .store import Store

__all__ = ["detect", "collect_traces", "POST_CAMPAIGN_STAGES", "DEFAULT_KEEP_EDGES", "DEFAULT_WINDOW"]



def assess_stage(store: Store, run_id: str) -> None:
    """The assessment stage (:func:`cibwatch.assess.assess_run` with default parameters)."""
    from .assess import assess_run  # imported here: the assessment reads this module's results

    assess_run(store, run_id)


#: Stages run after campaigns, each ``fn(store, run_id) -> None``, inside the run
#: (a failing stage fails the run and removes its results).
POST_CAMPAIGN_STAGES: tuple[Callable[[Store, str], None], ...] = (assess_stage,)

#: Default time window of ``detect`` in seconds: Spamouflage waves flood one
#: post within minutes, so a co-action within five minutes counts; the null
#: model, not the window, keeps chance meetings out (see docs/coordination.md).
DEFAULT_WINDOW = 300

#: Non-significant edges stored per run, besides all significant ones.
DEFAULT_KEEP_EDGES = 100_000


def _signal_names(signals: Sequence[str] | str | None) -> list[str]:
    if signals is None:
        return [name for name, s in available_signals().items() if s.default]
    if isinstance(signals, str):
        signals = [s.strip() for s in signals.split(",") if s.strip()]
    names = list(dict.fromkeys(signals))
    if not names:
        raise ParameterError("signals", "a non-empty list of " + ", ".join(available_signals()), signals)
    for n in names:
        get_signal(n)  # raises ParameterError naming the known signals
    return names


def collect_traces(store: Store, ctx: SignalContext, signals: Sequence[str]) -> tuple[pa.Table, dict[str, int]]:
    """The traces of ``signals`` (concatenated) and their count per signal."""
    tables, counts = [], {}
    for name in signals:
        t = get_signal(name).fn(store, ctx)
        t = t.select(TRACE_SCHEMA.names).cast(TRACE_SCHEMA)
        counts[name] = t.num_rows
        tables.append(t)
    traces = pa.concat_tables(tables) if tables else TRACE_SCHEMA.empty_table()
    return traces, counts


def _check_time(name: str, value: Any) -> _dt.datetime | None:
    if value is None:
        return None
    if isinstance(value, _dt.datetime):
        return value.astimezone(_dt.UTC).replace(tzinfo=None) if value.tzinfo else value
    if isinstance(value, _dt.date):
        return _dt.datetime(value.year, value.month, value.day)
    if isinstance(value, str):
        try:
            parsed = _dt.datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            raise ParameterError(
                name, "an ISO 8601 date or time (e.g. 2023-09-01 or 2023-09-01T12:00:00Z)", value
            ) from None
        return _check_time(name, parsed)
    raise ParameterError(name, "an ISO 8601 date or time", value)


def check_signal_params(signal_params: Mapping[str, Any] | None) -> dict[str, Any]:
    """Signal parameters checked by name and value; unknown names are a :class:`ParameterError`."""
    from .textsim.clusters import PARAMS, check_params

    if signal_params is None:
        return {}
    if not isinstance(signal_params, Mapping):
        raise ParameterError("signal_params", "a mapping of parameter name to value", signal_params)
    out = dict(signal_params)
    unknown = sorted(k for k in out if k not in PARAMS)
    if unknown:
        raise ParameterError("signal_params", "names among " + ", ".join(PARAMS), ", ".join(map(str, unknown)))
    check_params(out)
    return out


def detect(
    store: Store,
    *,
    window: int = DEFAULT_WINDOW,
    min_participation: int = 2,
    signals: Sequence[str] | str | None = None,
    since: Any = None,
    until: Any = None,
    seed: int = 0,
    engine: str = "duckdb",
    resolution: float = 1.0,
    min_campaign_size: int = 3,
    keep_edges: int = DEFAULT_KEEP_EDGES,
    run_kind: str = "detect",
    signal_params: Mapping[str, Any] | None = None,
    **engine_params: Any,
) -> str:
    """Run detection on the store and return the run id.

    ``engine_params`` go to :class:`cibwatch.coordination.CoordinationDetector`
    (``alpha``, ``min_objects``, ``max_pairs_per_trace``, …). ``run_kind`` is
    the run's kind in the ``runs`` table: ``"detect"`` for runs that commands
    default to (the latest one), ``"detect-probe"`` for the day-by-day runs of
    time-to-detection, which must not become "the latest run".
    """
    if run_kind not in ("detect", "detect-probe"):
        raise ParameterError("run_kind", "detect or detect-probe", run_kind)
    names = _signal_names(signals)
    since_dt, until_dt = _check_time("since", since), _check_time("until", until)
    if since_dt and until_dt and since_dt >= until_dt:
        raise ParameterError("until", f"later than since ({since_dt.isoformat()})", until_dt.isoformat())
    if not isinstance(keep_edges, int) or keep_edges < 0:
        raise ParameterError("keep_edges", "an integer >= 0", keep_edges)
    sig_params = check_signal_params(signal_params)
    eng = get_engine(engine)
    params: dict[str, Any] = {
        "window": window,
        "min_participation": min_participation,
        "signals": names,
        "since": since_dt.isoformat() if since_dt else None,
        "until": until_dt.isoformat() if until_dt else None,
        "engine": eng.name,
        "resolution": resolution,
        "min_campaign_size": min_campaign_size,
        "keep_edges": keep_edges,
        "seed": seed,
        "signal_params": sig_params,
        **engine_params,
    }
    run_id = store.new_run(run_kind, params, seed)
    try:
        ctx = SignalContext(
            run_id=run_id, since=since_dt, until=until_dt, params={**params, **sig_params}, seed=seed
        )
        traces, per_signal = collect_traces(store, ctx, names)
        det = eng.coordinate(
            traces, time_window=window, min_participation=min_participation, seed=seed, **engine_params
        )
        if det.compat is not None:
            raise ParameterError("compat", "None for `detect` (use `cibwatch coshare --compat coortweet`)", det.compat)
        edges = det.edges_
        significant = edges.filter(edges.column("significant"))
        rest = edges.filter(pc.invert(edges.column("significant")))
        if rest.num_rows > keep_edges:
            rest = rest.sort_by([("p_value", "ascending"), ("a", "ascending"), ("b", "ascending")]).slice(0, keep_edges)
        stored_edges = pa.concat_tables([significant, rest])
        sig_evidence = det.significant_evidence_
        campaigns, members = find_campaigns(
            significant, sig_evidence, resolution=resolution, seed=seed, min_size=min_campaign_size
        )
        _write(store, run_id, stored_edges, sig_evidence, campaigns, members)
        for stage in POST_CAMPAIGN_STAGES:
            stage(store, run_id)
        summary = {
            "signals": names,
            "traces": traces.num_rows,
            "traces_by_signal": per_signal,
            "edges": edges.num_rows + int(det.info_.get("edges_not_listed", 0)),
            "edges_listed": edges.num_rows,
            "edges_stored": stored_edges.num_rows,
            "significant_edges": significant.num_rows,
            "evidence_rows": sig_evidence.num_rows,
            "campaigns": campaigns.num_rows,
            "campaign_accounts": members.num_rows,
            "engine": det.info_,
        }
        store.finish_run(run_id, summary)
    except BaseException as exc:
        store.delete_run_results(run_id)
        store.finish_run(run_id, {"error": f"{type(exc).__name__}: {exc}"}, status="failed")
        raise
    return run_id


def _write(
    store: Store, run_id: str, edges: pa.Table, evidence: pa.Table, campaigns: pa.Table, members: pa.Table
) -> None:
    """Insert a run's results through Arrow registration and parameterised SQL."""
    with store.transaction() as con:
        con.register("_cw_edges", edges)
        con.register("_cw_evidence", evidence)
        con.register("_cw_campaigns", campaigns)
        con.register("_cw_members", members)
        try:
            con.execute(
                "INSERT INTO edges SELECT ?, a, b, weight, n_coactions, n_objects, CAST(signals AS JSON), avg_time_delta, "
                "expected, p_value, q_value, significant FROM _cw_edges",
                [run_id],
            )
            con.execute(
                "INSERT INTO edge_evidence SELECT ?, a, b, kind, object_key, post_a, post_b, "
                "make_timestamp(ts_a * 1000000), make_timestamp(ts_b * 1000000), CAST(time_delta AS DOUBLE) FROM _cw_evidence",
                [run_id],
            )
            con.execute(
                "INSERT INTO campaigns (run_id, campaign_id, size, score, classification, signals, profile, first_seen, last_seen) "
                "SELECT ?, campaign_id, size, score, NULL, CAST(signals AS JSON), NULL, "
                "make_timestamp(first_seen * 1000000), make_timestamp(last_seen * 1000000) FROM _cw_campaigns",
                [run_id],
            )
            con.execute(
                "INSERT INTO campaign_accounts SELECT ?, campaign_id, node, platform, account_id, score FROM _cw_members",
                [run_id],
            )
        finally:
            for name in ("_cw_edges", "_cw_evidence", "_cw_campaigns", "_cw_members"):
                con.unregister(name)
