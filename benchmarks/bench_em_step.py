"""Wall time of ``derive em-step`` against ``derive mixture`` and ``plot-em-map`` against ``plot-limit``.

Run:  python benchmarks/bench_em_step.py [--runs 5]

Both commands of a pair run with their defaults as fresh processes, alternately (A B A B ...), in a
temporary folder, so ``figures/`` is untouched and a drift in the machine's speed hits both alike.
Each pair's ratio A/B is computed and the median ratio reported. Targets: at most 1.5, for
``derive em-step`` in text and in ``--format json`` (each against ``derive mixture`` in the same format).
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

TARGET_RATIO = 1.5
PAIRS = {
    "derive em-step / derive mixture": (["derive", "em-step"], ["derive", "mixture"]),
    "the same, --format json": (["derive", "em-step", "--format", "json"], ["derive", "mixture", "--format", "json"]),
    "plot-em-map / plot-limit": (["plot-em-map"], ["plot-limit"]),
}


def gmm_math() -> list[str]:
    beside = Path(sys.executable).with_name("gmm-math")
    if beside.exists():
        return [str(beside)]
    found = shutil.which("gmm-math")
    return [found] if found else [sys.executable, "-c", "from gmm_math.cli.main import run; run()"]


def wall(args: list[str], folder: str) -> float:
    start = time.perf_counter()
    subprocess.run(gmm_math() + args, cwd=folder, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5, help="pairs per comparison (median reported)")
    runs = parser.parse_args().runs
    status = 0
    with tempfile.TemporaryDirectory() as folder:
        for label, (a, b) in PAIRS.items():
            wall(a, folder), wall(b, folder)  # warm the byte-code and font caches
            times = [(wall(a, folder), wall(b, folder)) for _ in range(runs)]
            ratios = [ta / tb for ta, tb in times]
            median = statistics.median(ratios)
            verdict = "ok" if median <= TARGET_RATIO else "MISSED"
            print(f"{label:<34} A median {statistics.median(t for t, _ in times):.3f} s, B median "
                  f"{statistics.median(t for _, t in times):.3f} s, ratio median {median:.2f} "
                  f"(min {min(ratios):.2f}, max {max(ratios):.2f}, {runs} pairs)  target <= {TARGET_RATIO}: {verdict}")
            status |= median > TARGET_RATIO
    return int(status)


if __name__ == "__main__":
    sys.exit(main())
