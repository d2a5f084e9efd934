"""`python -m bench [--sizes 1,10,50,200] [--repeats 3] [--no-suite]`

Times `python -m pipeline synth --json` of generated estates of N tables, each run in a fresh
process, against the floor (`bench.floor`: the same resources registered raw under the mock
runtime, also in fresh processes), and the whole test suite. Prints a Markdown table for the
README and checks the targets of issue 4. Exits 1 if a target is missed.
"""

import argparse
import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from .workload import stack_file

ROOT = Path(__file__).resolve().parent.parent
MAX_RATIO_AT_50 = 1.3
MAX_GROWTH_50_TO_200 = 4.5
MAX_ONE_TABLE_SECONDS = 2.5
MAX_SUITE_SECONDS = 60


def best_of(repeats: int, argv: list[str]) -> tuple[float, str]:
    """The fastest of `repeats` fresh-process runs (the least disturbed by the rest of the machine)."""
    best, output = float("inf"), ""
    for _ in range(repeats):
        started = time.perf_counter()
        result = subprocess.run(argv, cwd=ROOT, capture_output=True, text=True, check=True)
        best, output = min(best, time.perf_counter() - started), result.stdout
    return best, output


def measure(tables: int, repeats: int, workdir: Path) -> dict:
    config, plan = workdir / f"bench-{tables}.yaml", workdir / f"plan-{tables}.json"
    config.write_text(stack_file(tables))
    synth, _ = best_of(repeats, [sys.executable, "-m", "pipeline", "synth", "--stack", "bench",
                                 "--config", str(config), "--json", "--output", str(plan)])
    floor, registered = best_of(repeats, [sys.executable, "-m", "bench.floor", str(tables)])
    resources = len(json.loads(plan.read_text())["steps"]) - 1  # less the root stack
    if resources != int(registered):
        raise SystemExit(f"floor registers {registered.strip()} resources, synth {resources}: not the same work")
    return {"tables": tables, "resources": resources, "synth": synth, "floor": floor, "ratio": synth / floor}


def suite_seconds() -> float:
    started = time.perf_counter()
    subprocess.run([sys.executable, "-m", "pytest", "-q"], cwd=ROOT, check=True, capture_output=True)
    return time.perf_counter() - started


def machine() -> str:
    cpu = next((line.split(":", 1)[1].strip() for line in Path("/proc/cpuinfo").read_text().splitlines()
                if line.startswith("model name")), platform.processor()) if Path("/proc/cpuinfo").exists() else ""
    return f"{os.cpu_count()} cores, {cpu or platform.machine()}, Python {platform.python_version()}"


def verdicts(rows: dict[int, dict], suite: float | None) -> list[tuple[str, bool]]:
    checks = []
    if 50 in rows:
        checks.append((f"synth/floor at 50 tables <= {MAX_RATIO_AT_50}: {rows[50]['ratio']:.2f}",
                       rows[50]["ratio"] <= MAX_RATIO_AT_50))
    if 50 in rows and 200 in rows:
        growth = rows[200]["synth"] / rows[50]["synth"]
        checks.append((f"200-table synth <= {MAX_GROWTH_50_TO_200}x the 50-table synth: {growth:.2f}x",
                       growth <= MAX_GROWTH_50_TO_200))
    if 1 in rows:
        checks.append((f"one-table synth <= {MAX_ONE_TABLE_SECONDS} s: {rows[1]['synth']:.2f} s",
                       rows[1]["synth"] <= MAX_ONE_TABLE_SECONDS))
    if suite is not None:
        checks.append((f"test suite < {MAX_SUITE_SECONDS} s: {suite:.1f} s", suite < MAX_SUITE_SECONDS))
    return checks


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sizes", default="1,10,50,200", help="table counts, comma-separated")
    parser.add_argument("--repeats", type=int, default=3, help="fresh-process runs per measurement; the best counts")
    parser.add_argument("--no-suite", action="store_true", help="skip timing the test suite")
    args = parser.parse_args()

    print(f"machine: {machine()}")
    print("| tables | resources | synth s | floor s | synth/floor |")
    print("|---:|---:|---:|---:|---:|")
    rows = {}
    with tempfile.TemporaryDirectory() as workdir:
        for tables in (int(n) for n in args.sizes.split(",")):
            row = rows[tables] = measure(tables, args.repeats, Path(workdir))
            print(f"| {tables} | {row['resources']} | {row['synth']:.2f} | {row['floor']:.2f} | {row['ratio']:.2f} |",
                  flush=True)
    suite = None if args.no_suite else suite_seconds()
    if suite is not None:
        print(f"test suite: {suite:.1f} s")
    checks = verdicts(rows, suite)
    for text, passed in checks:
        print(f"{'ok  ' if passed else 'MISS'} {text}")
    return 0 if all(passed for _, passed in checks) else 1


if __name__ == "__main__":
    sys.exit(main())
