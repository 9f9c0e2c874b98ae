"""Wall time of ``gmm-math check em-step`` (defaults) against ``gmm-math derive mixture``, side by side.

Run:  python benchmarks/bench_em_watch.py [--runs 9]

The two commands run in turn, A B A B ..., as whole processes; the ratio A/B is taken pair by pair
so a drift in the machine's speed cancels, and its median is printed with the two medians.
Target: check em-step <= 1.5x derive mixture. Also timed, without a target: one ``em --animate``
GIF of the collapse, next to the same fit with ``--plot``.
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

TARGET = 1.5


def gmm_math() -> str:
    beside = Path(sys.executable).with_name("gmm-math")
    return str(beside) if beside.exists() else shutil.which("gmm-math") or "gmm-math"


def wall(cmd: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def paired(a: list[str], b: list[str], runs: int) -> tuple[float, float, float]:
    """Median wall of a, of b, and the median of the pairwise ratios a/b (one warm-up pair first)."""
    wall(a), wall(b)
    pairs = [(wall(a), wall(b)) for _ in range(runs)]
    return (statistics.median(p[0] for p in pairs), statistics.median(p[1] for p in pairs),
            statistics.median(p[0] / p[1] for p in pairs))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=9)
    runs = parser.parse_args().runs
    exe = gmm_math()
    a, b, ratio = paired([exe, "check", "em-step"], [exe, "derive", "mixture"], runs)
    verdict = "meets" if ratio <= TARGET else "MISSES"
    print(f"{runs} pairs: check em-step {a:.3f} s, derive mixture {b:.3f} s (medians); "
          f"ratio {ratio:.2f} ({verdict} the target <= {TARGET})")
    with tempfile.TemporaryDirectory() as folder:
        fit = [exe, "em", "--init", "seed-style", "--remedy", "none", "--seed", "30", "-q"]
        a, b, ratio = paired([*fit, "--animate", f"{folder}/em.gif"], [*fit, "--plot", f"{folder}/em.png"], 3)
    print(f"3 pairs: em --animate em.gif {a:.3f} s, em --plot em.png {b:.3f} s; ratio {ratio:.2f}")


if __name__ == "__main__":
    main()
