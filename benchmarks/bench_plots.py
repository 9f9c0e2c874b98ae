"""Wall time of ``gmm-math plot-limit`` (and ``plot-collapse``) with their defaults, as a user runs them.

Each run is a fresh process (interpreter start, imports, SymPy derivations, mpmath sweep,
drawing, PNG encoding, atomic write) in a temporary folder, so ``figures/`` here is untouched.
Target: the median of ``plot-limit`` at most 2 s.

    python benchmarks/bench_plots.py [--runs 5]
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

TARGET_SECONDS = 2.0


def gmm_math_command() -> list[str]:
    """The installed console script next to this interpreter, else ``python -m``-style fallback."""
    script = Path(sys.executable).with_name("gmm-math")
    if script.exists():
        return [str(script)]
    found = shutil.which("gmm-math")
    if found:
        return [found]
    return [sys.executable, "-c", "from gmm_math.cli.main import run; run()"]


def time_command(args: list[str], runs: int) -> list[float]:
    times = []
    with tempfile.TemporaryDirectory() as folder:
        for _ in range(runs):
            start = time.perf_counter()
            subprocess.run(gmm_math_command() + args, cwd=folder, check=True, capture_output=True)
            times.append(time.perf_counter() - start)
    return times


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="runs per command (median reported)")
    runs = parser.parse_args().runs
    time_command(["--help"], 1)  # warm the OS file cache and matplotlib's font cache
    time_command(["plot-limit"], 1)
    status = 0
    for name, args, target in [
        ("gmm-math --help", ["--help"], None),
        ("gmm-math plot-limit", ["plot-limit"], TARGET_SECONDS),
        ("gmm-math plot-collapse", ["plot-collapse"], None),
    ]:
        times = time_command(args, runs)
        median = statistics.median(times)
        verdict = "" if target is None else (f"  target <= {target:.1f} s: " + ("ok" if median <= target else "MISSED"))
        print(f"{name:<24} median {median:.3f} s  (min {min(times):.3f}, max {max(times):.3f}, {runs} runs){verdict}")
        if target is not None and median > target:
            status = 1
    return status


if __name__ == "__main__":
    sys.exit(main())
