"""The Spamouflage scenario simulator.

:func:`simulate` writes a fictional but faithful replay of the 2023 campaign
against Canadian members of parliament (``THREAT-MODEL.md``) as platform-native
exports (X API v2 JSONL, Meta Graph API page feeds), a watch-list, the ground
truth and every parameter of the run.

>>> from cibwatch.simulate import simulate
>>> res = simulate("demo-data", seed=7, scale="small", overrides=["exposure_date=2023-09-01"])  # doctest: +SKIP
"""

from __future__ import annotations

from .generate import SimulationResult, simulate
from .params import SCALE_DEFAULTS, SCALES, SCENARIOS, ScenarioParams, build_params, parse_overrides

__all__ = [
    "simulate",
    "SimulationResult",
    "ScenarioParams",
    "build_params",
    "parse_overrides",
    "SCALES",
    "SCENARIOS",
    "SCALE_DEFAULTS",
]
