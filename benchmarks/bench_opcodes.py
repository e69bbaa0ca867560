"""Python bytecode instructions run by one small ``ax.plot``, torchplot against the naive path.

Run: ``python -m benchmarks.bench_opcodes``.

Wall-time ratios on a shared machine scatter by about a percent between
processes, more than the overhead being chased.  The count of bytecode
instructions one call runs is exact and the same on every run, so it shows
which change removes work and where the remainder lies; it does not weigh C
work (a NumPy copy counts as one instruction), so the wall-time ratios of
``bench_core`` remain the measure that the targets are judged by.  Each case
runs in its own fresh process, as ``bench_core`` does, after a warm-up; the
cases are ``bench_core``'s own.
"""

from __future__ import annotations

import argparse
import collections
import json
import sys
from typing import Any

from benchmarks._stats import run_worker
from benchmarks.bench_core import CALLS, _prepare


def worker(case: str) -> dict[str, int]:
    """Instructions per function for one call of ``case``, after a warm-up."""
    code, namespace = _prepare(case)
    for _ in range(20):
        exec(code, namespace)
    counts: collections.Counter[str] = collections.Counter()

    def trace(frame: Any, event: str, arg: Any) -> Any:
        frame.f_trace_opcodes = True
        if event == "opcode":
            where = frame.f_code.co_filename.rpartition("site-packages/")[2]
            if frame.f_code is code:
                where = "<the call>"  # one name in both cases, so that its lines pair up
            counts[f"{where}:{frame.f_code.co_name}"] += 1
        return trace

    sys.settrace(trace)
    try:
        exec(code, namespace)
    finally:
        sys.settrace(None)
    return dict(counts)


def _run(case: str) -> dict[str, int]:
    counts: dict[str, int] = run_worker("benchmarks.bench_opcodes", case)
    return counts


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--worker", choices=sorted(CALLS), help=argparse.SUPPRESS)
    args = parser.parse_args(argv)
    if args.worker:
        print(json.dumps(worker(args.worker)))
        return 0
    for what in ("plain", "tensor"):
        ours, naive = _run(f"{what}-ours"), _run(f"{what}-naive")
        total_ours, total_naive = sum(ours.values()), sum(naive.values())
        print(
            f"ax.plot(100 pts), {what}: {total_ours} / {total_naive} instructions "
            f"(ratio {total_ours / total_naive:.4f}, +{total_ours - total_naive})"
        )
        for name in sorted(
            ours.keys() | naive.keys(), key=lambda n: naive.get(n, 0) - ours.get(n, 0)
        ):
            extra = ours.get(name, 0) - naive.get(name, 0)
            if extra:
                print(f"    {extra:+5d}  {name}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
