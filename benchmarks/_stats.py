"""What the benchmarks share: paired ratios on a noisy machine, and fresh worker processes."""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np


def run_worker(module: str, *args: str) -> Any:
    """``python -m module --worker *args`` in a fresh process; the JSON of its last line."""
    out = subprocess.run(
        [sys.executable, "-m", module, "--worker", *args],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    return json.loads(out.splitlines()[-1])


def timed_calls(code: Any, namespace: dict[str, Any], calls: int, warmup: int) -> np.ndarray:
    """Seconds taken by each of ``calls`` runs of ``code``, after ``warmup`` untimed ones."""
    for _ in range(warmup):
        exec(code, namespace)
    times = []
    clock = time.perf_counter
    for _ in range(calls):
        start = clock()
        exec(code, namespace)
        times.append(clock() - start)
    return np.asarray(times)


def median_ci(ratios: list[float], seed: int = 0) -> tuple[float, float, float]:
    """Median of the per-pair ratios and its bootstrap 95% interval."""
    r = np.asarray(ratios)
    boot = np.median(np.random.default_rng(seed).choice(r, (4000, len(r))), axis=1)
    return float(np.median(r)), float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975))


def format_ratio(ratios: list[float]) -> str:
    """``1.004 (95% CI 0.998-1.011, 40 pairs)``."""
    med, lo, hi = median_ci(ratios)
    return f"{med:.3f} (95% CI {lo:.3f}-{hi:.3f}, {len(ratios)} pairs)"


def paired_arguments(
    doc: str,
    parts: tuple[str, str],
    pairs: int,
    calls: int,
    workers: Iterable[str],
    argv: Sequence[str] | None,
) -> argparse.Namespace:
    """The command line of a benchmark that times fresh worker processes in pairs.

    ``--quick`` (a smoke run), ``--only`` one of ``parts``, ``--pairs`` and
    ``--calls`` (defaults ``pairs`` and ``calls``), and the hidden ``--worker``
    by which :func:`run_worker` starts one of ``workers``.
    """
    parser = argparse.ArgumentParser(description=doc.splitlines()[0])
    parser.add_argument("--quick", action="store_true", help="few pairs: a smoke run")
    parser.add_argument("--only", choices=parts, help="run one part")
    parser.add_argument("--pairs", type=int, default=pairs, help="process pairs per comparison")
    parser.add_argument("--calls", type=int, default=calls, help="timed calls per process")
    parser.add_argument("--worker", choices=sorted(workers), help=argparse.SUPPRESS)
    return parser.parse_args(argv)


def answered_worker(args: argparse.Namespace, worker: Callable[[str, int], Any]) -> bool:
    """Whether this process is a ``--worker`` (:func:`run_worker`); if so, it printed its JSON."""
    if not args.worker:
        return False
    print(json.dumps(worker(args.worker, args.calls)))
    return True


def print_versions() -> None:
    """The versions that the figures depend on, as the first line of a report."""
    import matplotlib
    import torch

    print(f"torch {torch.__version__}, matplotlib {matplotlib.__version__}, numpy {np.__version__}")
