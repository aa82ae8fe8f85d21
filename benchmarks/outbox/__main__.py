"""``python -m benchmarks.outbox``: run the parts asked for, print the tables, maybe write them."""

from __future__ import annotations

import argparse
import asyncio
import signal
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

from benchmarks.outbox.common import ROOT, code_digests, migrated_schema
from benchmarks.outbox.drain import (
    DEFAULT_DRAIN,
    DEFAULT_SEND_RATE,
    FAST_SEND_RATE,
    IMPORT_FLOORS,
    LIMITER_STALLS,
    QUICK_DRAIN,
    import_floor,
    limiter_run,
    run_drain,
)
from benchmarks.outbox.planning import (
    QUICK_SCALES,
    REPEATS,
    SCALES,
    PlanCase,
    profile_case,
    run_case,
)
from benchmarks.outbox.report import Report, render, write_block

RESULTS_PATH = ROOT / "benchmarks" / "RESULTS-outbox.md"


async def benchmark(args: argparse.Namespace) -> Report:
    report = Report(datetime.now(UTC))
    report.note_load("start")
    report.code_before = code_digests()
    wall = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="outbox-bench-") as tmp:
        workdir = Path(tmp)
        schema = await migrated_schema(workdir)
        if args.part in ("all", "planning"):
            scales = args.scales or (QUICK_SCALES if args.quick else SCALES)
            for kind in ("issue", "stress"):
                for schools in scales:
                    case = PlanCase(kind, schools)
                    print(f"planning: {case.label}", flush=True)
                    report.note_load(f"planning {case.label}")
                    report.cases.append(await run_case(schema, workdir, case, args.repeats))
                if args.profile:
                    target = PlanCase(kind, scales[-1])
                    print(f"profiling: {target.label}", flush=True)
                    report.profiles.append(await profile_case(schema, workdir, target))
        if args.part in ("all", "drain"):
            for name, code in IMPORT_FLOORS:
                report.floors.append((name, await import_floor(code)))
                print(f"memory floor: {name}: {report.floors[-1][1]:.1f} MiB", flush=True)
            for stall in LIMITER_STALLS:
                run = await limiter_run(stall, DEFAULT_SEND_RATE)
                report.limiter_runs.append(run)
                print(f"limiter: {stall:g} s stall: {run.max_per_second} in 1 s", flush=True)
            for rate in args.rates:
                print(f"drain: {args.drain} messages at SEND_RATE={rate:g}", flush=True)
                report.note_load(f"drain at {rate:g}/s")
                report.drains.append(await run_drain(schema, workdir, args.drain, rate))
    report.note_load("end")
    report.code_after = code_digests()
    report.wall_seconds = time.perf_counter() - wall
    return report


def parse_args(argv: list[str] | None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.outbox")
    parser.add_argument("--quick", action="store_true", help="300 schools only, drain 500")
    parser.add_argument("--write", action="store_true", help=f"update {RESULTS_PATH.name}")
    parser.add_argument("--drain", type=int, default=None, help=f"messages ({DEFAULT_DRAIN})")
    parser.add_argument("--repeats", type=int, default=REPEATS, help="passes per case")
    parser.add_argument(
        "--part", choices=("all", "planning", "drain"), default="all", help="what to run"
    )
    parser.add_argument(
        "--scales",
        type=lambda v: [int(x) for x in v.split(",")],
        default=None,
        help=f"numbers of schools to plan for ({','.join(map(str, SCALES))})",
    )
    parser.add_argument("--profile", action="store_true", help="cProfile the largest cases")
    parser.add_argument(
        "--rates",
        type=lambda v: [float(x) for x in v.split(",")],
        default=[DEFAULT_SEND_RATE, FAST_SEND_RATE],
        help="SEND_RATE values to drain at (25,30)",
    )
    args = parser.parse_args(argv)
    if args.drain is None:
        args.drain = QUICK_DRAIN if args.quick else DEFAULT_DRAIN
    return args


def _interrupt(signum: int, _frame: object) -> None:
    raise KeyboardInterrupt(f"signal {signum}")  # cleans up: temp files, the bot subprocess


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    report = asyncio.run(benchmark(args))
    given = sys.argv[1:] if argv is None else argv
    command = " ".join(["python -m benchmarks.outbox", *given])
    block = render(report, command)
    print()
    print(block)
    if args.write:
        write_block(block, RESULTS_PATH)
        print(f"updated {RESULTS_PATH.relative_to(ROOT)}")
    return 1 if report.failed else 0


if __name__ == "__main__":
    sys.exit(main())
