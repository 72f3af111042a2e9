"""Each mechanic module declares the config keys it reads and the metrics it adds; the declarations
are checked against the schema and the time series, so they cannot drift from the code."""

from __future__ import annotations

import fnmatch
import importlib
import pkgutil

import sim.mechanics
from sim.config import SimConfig
from sim.metrics import METRICS
from sim.schema import declared_fields

KEYS = [key for key, _, _ in declared_fields(SimConfig)]
MECHANICS = [importlib.import_module(f"sim.mechanics.{m.name}") for m in pkgutil.iter_modules(sim.mechanics.__path__)]


def test_every_key_a_mechanic_says_it_reads_is_a_parameter_of_the_schema():
    declared = [(m.__name__, pattern) for m in MECHANICS for pattern in getattr(m, "PARAMETERS", ())]
    assert len(declared) > 40
    unknown = [(name, pattern) for name, pattern in declared if not fnmatch.filter(KEYS, pattern)]
    assert not unknown, f"keys no parameter matches: {unknown}"


def test_the_time_series_holds_every_metric_a_mechanic_declares_once():
    names = [m.name for m in METRICS]
    assert len(names) == len(set(names)), "a metric declared twice"
    declared = [metric.name for m in MECHANICS for metric in getattr(m, "METRICS", ())]
    assert set(declared) <= set(names) and len(declared) > 30
