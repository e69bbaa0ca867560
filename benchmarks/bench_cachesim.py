"""Instructions and simulated cache misses of one small ``ax.plot``, contender by contender.

Run: ``python -m benchmarks.bench_cachesim`` (``--rounds N``; ``--quick`` for a smoke
run).  Needs Valgrind; a round takes about eight minutes under it on a 2-core VM, and
rounds run in parallel, one per core.

Wall-time ratios on a shared machine scatter by about a percent between
processes, as much as the overhead being chased; bytecode counts
(``bench_opcodes``) are exact but blind to C work and to the caches.  Under
Callgrind with its cache simulation every contender runs in one process, so
all of them meet the same memory layout (CPython's method cache and the
L1 caches miss differently with every layout, see RESULTS.md), and each
reports per call, over 1,000 calls after 200 of warm-up:

* the machine instructions it executes (``Ir``);
* its first-level cache misses, instruction and data (``L1``);
* an estimate of its cycles, KCachegrind's ``Ir + 10 * L1 misses + 100 *
  last-level misses``: on this code an L1 miss costs about what ten
  instructions do, and the misses, not the instructions, are most of
  what the wrappers add.

The contenders are ``bench_overrides``' ladder (from Matplotlib's own Axes
to torchplot's, one override at a time: what each piece of the twin
mechanism costs) and ``bench_core``'s call with tensors against the
hand-converted one.  Each round runs them in another rotation of one order,
so that no contender always follows the same one; the figure is the median
over rounds of each one's ratio to its reference in the same process (one
phase of a process now and then reads several percent high, whichever
contender runs in it: the median discards it).
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

from benchmarks.bench_overrides import KINDS

#: Every contender, and the one its ratio is taken against.
REFERENCE: dict[str, str] = {kind: "matplotlib" for kind in KINDS}
REFERENCE |= {"tensor-naive": "tensor-naive", "tensor-ours": "tensor-naive"}

WARMUP, CALLS = 200, 1000
#: The marker between phases: Callgrind writes its counts out just before
#: each call of this C function, which nothing on a plotting path calls.
MARKER = "sys_getrefcount"
_EVENTS = ("Ir", "I1mr", "D1mr", "D1mw", "ILmr", "DLmr", "DLmw")


def _step(case: str) -> Callable[[], object]:
    """One timed call of ``case``, its setup done."""
    if case in KINDS:
        import numpy as np

        from benchmarks.bench_overrides import _axes

        ax = _axes(case)
        x = np.linspace(0, 1, 100)
        y = np.sin(x * 6)
        return lambda: ax.plot(x, y)[0].remove()
    from benchmarks.bench_core import _prepare

    code, namespace = _prepare(case)
    return lambda: exec(code, namespace)


def worker(order: list[str]) -> None:
    """Run under Callgrind: all setups, a warm-up of all, then per case a warm-up and its calls."""
    steps = {case: _step(case) for case in order}
    # Every contender once through first: the first counted one then meets
    # bytecode already specialised for all of them, like every later one.
    for step in steps.values():
        for _ in range(WARMUP // 4):
            step()
    for case in order:
        step = steps[case]
        for _ in range(WARMUP):
            step()
        sys.getrefcount(None)  # dump: setup or warm-up, discarded
        for _ in range(CALLS):
            step()
        sys.getrefcount(None)  # dump: this case's counted calls


def _counts(path: str) -> dict[str, float]:
    """Per-call event counts of one Callgrind dump."""
    text = Path(path).read_text()
    events = re.search(r"^events: (.*)$", text, re.M)
    summary = re.search(r"^summary: (.*)$", text, re.M)
    if events is None or summary is None:
        raise RuntimeError(f"{path}: not a Callgrind dump with a summary")
    values = dict(zip(events.group(1).split(), map(int, summary.group(1).split()), strict=False))
    return {event: values.get(event, 0) / CALLS for event in _EVENTS}


def _l1(c: dict[str, float]) -> float:
    return c["I1mr"] + c["D1mr"] + c["D1mw"]


def _cycles(c: dict[str, float]) -> float:
    return c["Ir"] + 10 * _l1(c) + 100 * (c["ILmr"] + c["DLmr"] + c["DLmw"])


def _round(order: list[str], directory: str) -> dict[str, dict[str, float]]:
    out = os.path.join(directory, "callgrind.out")
    command = [
        "valgrind",
        "--tool=callgrind",
        "--cache-sim=yes",
        f"--dump-before={MARKER}",
        f"--callgrind-out-file={out}",
        sys.executable,
        "-m",
        "benchmarks.bench_cachesim",
        "--worker",
        *order,
    ]
    if shutil.which("setarch"):
        # One address layout for every run of the same order (no ASLR).
        command = ["setarch", "-R", *command]
    # torch's idle BLAS threads would be counted with the main thread.
    env = {**os.environ, "OMP_NUM_THREADS": "1", "MPLBACKEND": "Agg"}
    subprocess.run(command, check=True, env=env, capture_output=True)
    # Dump k (1-based) ends phase k: odd ones are setups and warm-ups.
    return {case: _counts(f"{out}.{2 * i + 2}") for i, case in enumerate(order)}


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rounds", type=int, default=4, help="processes, one rotation each")
    parser.add_argument("--quick", action="store_true", help="one round: a smoke run")
    parser.add_argument("--worker", nargs="+", choices=sorted(REFERENCE), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        worker(args.worker)
        return 0
    if shutil.which("valgrind") is None:
        print("bench_cachesim needs Valgrind (its callgrind tool) on PATH", file=sys.stderr)
        return 2
    rounds = 1 if args.quick else args.rounds
    cases = list(REFERENCE)
    orders = [cases[i % len(cases) :] + cases[: i % len(cases)] for i in range(rounds)]
    with tempfile.TemporaryDirectory() as tmp, ThreadPoolExecutor(os.cpu_count()) as pool:
        dirs = [tempfile.mkdtemp(dir=tmp) for _ in orders]
        results = list(pool.map(_round, orders, dirs))
    print(
        f"ax.plot(100 pts)[0].remove(), per call ({CALLS} calls after {WARMUP}), "
        f"{rounds} rounds in one process each; ratios to the reference in the same process"
    )
    print(f"  {'contender':<24}{'Ir':>10}{'L1 misses':>11}{'Ir':>8}{'L1 miss':>9}{'cycles*':>9}")
    for case in cases:
        ref = REFERENCE[case]
        ratio: dict[str, list[float]] = {"Ir": [], "L1": [], "cycles": []}
        for got in results:
            c, r = got[case], got[ref]
            ratio["Ir"].append(c["Ir"] / r["Ir"])
            ratio["L1"].append(_l1(c) / _l1(r))
            ratio["cycles"].append(_cycles(c) / _cycles(r))
        ir = statistics.median(got[case]["Ir"] for got in results)
        l1 = statistics.median(_l1(got[case]) for got in results)
        med = {k: statistics.median(v) for k, v in ratio.items()}
        print(
            f"  {case:<24}{ir / 1e3:9.1f}K{l1 / 1e3:10.2f}K"
            f"{med['Ir']:8.4f}{med['L1']:9.4f}{med['cycles']:9.4f}"
        )
        if rounds > 1 and case != ref:
            spread = ", ".join(f"{v:.4f}" for v in ratio["cycles"])
            print(f"  {'':<24}cycles* ratio per round: {spread}")
    print("  * estimated: Ir + 10 * L1 misses + 100 * last-level misses (KCachegrind's formula)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
