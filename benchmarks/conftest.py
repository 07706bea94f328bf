"""Configuration of the benchmark suite (`make bench`), kept apart from `make test`.

Benchmarks time code with pytest-benchmark in a single process; each file builds the data it
needs (see ``test_locator_bench.py``). To compare runs, save one and compare against it::

    make bench BENCH_ARGS=--benchmark-autosave
    make bench BENCH_ARGS=--benchmark-compare

Saved runs live in ``.benchmarks/`` (not committed).
"""

from __future__ import annotations

import os

import pytest


def pytest_configure(config: pytest.Config) -> None:
    """Refuse pytest-xdist: it would silently turn every benchmark off, and parallel runs skew timings."""
    workers = config.getoption("numprocesses", default=None)
    if workers not in (None, 0):
        raise pytest.UsageError("Benchmarks run in one process; drop -n/--numprocesses (use `make bench`).")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    """Benchmarks marked ``big`` (large generated data sets) run only when asked: ``-m big`` or
    ``BENCH_BIG=1``."""
    if os.environ.get("BENCH_BIG") or "big" in (config.getoption("markexpr", default="") or ""):
        return
    skip = pytest.mark.skip(reason="a large data set: run with -m big or BENCH_BIG=1")
    for item in items:
        if "big" in item.keywords:
            item.add_marker(skip)
