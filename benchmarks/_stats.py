"""What the benchmarks share: paired ratios on a noisy machine, and fresh worker processes."""

from __future__ import annotations

import json
import subprocess
import sys
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


def median_ci(ratios: list[float], seed: int = 0) -> tuple[float, float, float]:
    """Median of the per-pair ratios and its bootstrap 95% interval."""
    r = np.asarray(ratios)
    boot = np.median(np.random.default_rng(seed).choice(r, (4000, len(r))), axis=1)
    return float(np.median(r)), float(np.quantile(boot, 0.025)), float(np.quantile(boot, 0.975))


def format_ratio(ratios: list[float]) -> str:
    """``1.004 (95% CI 0.998-1.011, 40 pairs)``."""
    med, lo, hi = median_ci(ratios)
    return f"{med:.3f} (95% CI {lo:.3f}-{hi:.3f}, {len(ratios)} pairs)"
