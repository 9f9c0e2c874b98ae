"""Wall time of `gmm-math derive remedy NAME` and `gmm-math derive degenerate` (target: about 1 s each).

Run: python benchmarks/bench_remedy.py [--runs 5]
Prints the median wall time of each command over fresh processes, next to `python -c "import sympy"`.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time

REMEDIES = ("ridge", "map", "penalty", "ratio", "reset", "reparam")


def wall(command: list[str], runs: int) -> float:
    """Median wall time in seconds of ``command`` over ``runs`` fresh processes."""
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    tool = shutil.which("gmm-math") or str(__import__("pathlib").Path(sys.executable).with_name("gmm-math"))
    rows = [("python -c 'import sympy'", [sys.executable, "-c", "import sympy"]),
            ("gmm-math derive single (reference)", [tool, "derive", "single"])]
    rows += [(f"gmm-math derive remedy {r}", [tool, "derive", "remedy", r]) for r in REMEDIES]
    rows += [("gmm-math derive degenerate", [tool, "derive", "degenerate"])]
    for label, command in rows:
        print(f"{label:34s} {wall(command, args.runs):6.2f} s (median of {args.runs})")


if __name__ == "__main__":
    main()
