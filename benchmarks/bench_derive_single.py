"""``gmm-math derive single`` as a multiple of ``python -c "import sympy"`` (issue 23; goal <= 2.2).

Run:  python benchmarks/bench_derive_single.py [--runs 9]

The two commands run in turn (A B A B ...) after one warm-up each, so a drift of the machine's speed
falls on both; each pair gives a ratio A/B of CPU time (user + system of the finished child, from
``os.wait4``) and of wall time. Prints the medians of both commands and of the pair ratios, and the
load average: on a shared machine quote the median ratio, not a single time.
"""

from __future__ import annotations

import argparse
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

GOAL = 2.2


def gmm_math() -> str:
    beside = Path(sys.executable).with_name("gmm-math")
    return str(beside) if beside.exists() else shutil.which("gmm-math") or "gmm-math"


def timed(cmd: list[str]) -> tuple[float, float]:
    """(CPU seconds, wall seconds) of one run of ``cmd``, its output thrown away."""
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    _, status, usage = os.wait4(proc.pid, 0)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    if proc.returncode != 0:
        raise SystemExit(f"{' '.join(cmd)} exited with {proc.returncode}")
    return usage.ru_utime + usage.ru_stime, wall


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9, help="counted pairs (default 9)")
    runs = parser.parse_args().runs
    a_cmd = [gmm_math(), "derive", "single"]
    b_cmd = [sys.executable, "-c", "import sympy"]
    timed(a_cmd), timed(b_cmd)  # warm-up: byte-code and file caches
    pairs = [(timed(a_cmd), timed(b_cmd)) for _ in range(runs)]
    a_cpu, a_wall = zip(*(a for a, _ in pairs))
    b_cpu, b_wall = zip(*(b for _, b in pairs))
    cpu_ratio = statistics.median(a[0] / b[0] for a, b in pairs)
    wall_ratio = statistics.median(a[1] / b[1] for a, b in pairs)
    print(f"load average {os.getloadavg()[0]:.2f}, {os.cpu_count()} CPUs; {runs} pairs, medians")
    print(f"  A gmm-math derive single     cpu {statistics.median(a_cpu):6.3f} s   wall {statistics.median(a_wall):6.3f} s")
    print(f"  B python -c \"import sympy\"   cpu {statistics.median(b_cpu):6.3f} s   wall {statistics.median(b_wall):6.3f} s")
    print(f"  A/B cpu {cpu_ratio:5.2f}   A/B wall {wall_ratio:5.2f}   (goal <= {GOAL})")


if __name__ == "__main__":
    main()
