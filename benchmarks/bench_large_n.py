"""Cost against N: wall time of every derive command, evaluate and plot-limit for N = 10 .. 10,000.

Run:  python benchmarks/bench_large_n.py [--runs 1] [--seed 0] [--sizes 10,100,1000,10000] [--only derive-mixture]
      [--clock wall|cpu]

Each command runs as the user runs it, ``gmm-math ... --data-file FILE`` in a fresh process (start-up and
imports included), with ``--format json`` (plot-limit writes a PNG to a temporary folder); the median wall
time of ``--runs`` runs. The data are N seeded normal points written with 6 decimals, 1-D for every N and
2-D for the largest N. Besides the table the script prints the target ratios:

- ``10k/1k``: time at N = 10,000 over time at N = 1,000 (target <= 1.5);
- ``10k/3pt``: evaluate and plot-limit at N = 10,000 over the 3-point default (target <= 1.5);
- the absolute times at N = 10,000 (targets: <= 2 s 1-D, <= 3 s 2-D on an idle machine).

On a loaded machine the absolute times are inflated; the ratios, measured side by side in one run, are
what to compare. ``--clock cpu`` times the child's user + system CPU seconds instead of wall seconds:
less sensitive to other processes on the machine (not to start-up, which it includes).
"""

from __future__ import annotations

import argparse
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

COMMANDS = {
    "derive-mixture": ["derive", "mixture"],
    "derive-single": ["derive", "single"],
    "derive-degenerate": ["derive", "degenerate"],
    "remedy-ridge": ["derive", "remedy", "ridge"],
    "remedy-map": ["derive", "remedy", "map"],
    "remedy-penalty": ["derive", "remedy", "penalty"],
    "remedy-reparam": ["derive", "remedy", "reparam"],
    "remedy-reset": ["derive", "remedy", "reset"],
    "remedy-ratio": ["derive", "remedy", "ratio"],
    "evaluate": ["evaluate"],
    "plot-limit": ["plot-limit"],
}
BASELINE = {"evaluate", "plot-limit"}  # also timed on the 3-point default (no data file)


def write_data(folder: Path, n: int, dim: int, seed: int) -> Path:
    rng = np.random.default_rng(seed + n + 7 * dim)
    path = folder / f"data_{dim}d_{n}.csv"
    path.write_text("\n".join(",".join(f"{v:.6f}" for v in row) for row in rng.normal(size=(n, dim))) + "\n")
    return path


def command_line(name: str, data: Path | None, folder: Path) -> list[str]:
    args = [sys.executable, "-m", "gmm_math.cli", *COMMANDS[name]]
    if data is not None:
        args += ["--data-file", str(data)]
    if name == "plot-limit":
        return args + ["--out", str(folder / "plot.png")]
    return args + ["--format", "json"]


def _cpu_seconds() -> float:
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


CLOCKS = {"wall": time.perf_counter, "cpu": _cpu_seconds}


def wall(args: list[str], runs: int, clock: str = "wall") -> float:
    """The median time of ``runs`` runs of ``args`` in a fresh process, on ``clock`` (a key of CLOCKS)."""
    now, times = CLOCKS[clock], []
    for _ in range(runs):
        start = now()
        done = subprocess.run(args, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        times.append(now() - start)
        if done.returncode != 0:
            raise SystemExit(f"{' '.join(args[3:])} failed: {done.stderr.strip()}")
    return statistics.median(times)


def _cell(value, width: int) -> str:
    """A number of the table, or '-' where the command has no such run (only evaluate and plot-limit have a 3-point one)."""
    return f"{value:{width}.2f}" if value is not None else f"{'-':>{width}}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=1)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sizes", default="10,100,1000,10000")
    parser.add_argument("--only", default=",".join(COMMANDS), help="comma-separated command names")
    parser.add_argument("--clock", choices=sorted(CLOCKS), default="wall", help="wall or child CPU seconds")
    args = parser.parse_args()
    sizes = [int(s) for s in args.sizes.split(",")]
    names = [n for n in args.only.split(",") if n]
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        files = {(n, 1): write_data(folder, n, 1, args.seed) for n in sizes}
        files[(sizes[-1], 2)] = write_data(folder, sizes[-1], 2, args.seed)
        columns = [f"{n:,} 1-D" for n in sizes] + [f"{sizes[-1]:,} 2-D"]
        print(f"{args.clock} seconds, median of {args.runs} run(s), fresh process each (start-up included)")
        print(f"{'command':18} {'3-pt':>7} " + " ".join(f"{c:>11}" for c in columns) + f" {'10k/1k':>7} {'10k/3pt':>8}")
        for name in names:
            base = wall(command_line(name, None, folder), args.runs, args.clock) if name in BASELINE else None
            times = [wall(command_line(name, files[(n, 1)], folder), args.runs, args.clock) for n in sizes]
            times.append(wall(command_line(name, files[(sizes[-1], 2)], folder), args.runs, args.clock))
            growth = times[sizes.index(10000)] / times[sizes.index(1000)] if {1000, 10000} <= set(sizes) else None
            print(f"{name:18} {_cell(base, 7)} "
                  + " ".join(f"{t:11.2f}" for t in times)
                  + f" {_cell(growth, 7)}"
                  + f" {_cell(times[-2] / base if base else None, 8)}", flush=True)


if __name__ == "__main__":
    main()
