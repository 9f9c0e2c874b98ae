"""Wall time of the CLI start-up and the default derivations.

Run:  python benchmarks/bench_cli.py [--runs 7]

Prints the median wall time of each command over ``--runs`` runs, next to the
bare cost of ``import typer`` and ``import sympy`` measured in the same run.
Targets: ``gmm-math derive single`` and ``gmm-math derive mixture`` <= 1.0 s.
"""

from __future__ import annotations

import argparse
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path


def gmm_math() -> str:
    beside = Path(sys.executable).with_name("gmm-math")
    return str(beside) if beside.exists() else shutil.which("gmm-math") or "gmm-math"


def median_wall(cmd: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(cmd, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=7)
    runs = parser.parse_args().runs
    exe = gmm_math()
    cases = {
        'python -c "import typer"': [sys.executable, "-c", "import typer"],
        'python -c "import sympy"': [sys.executable, "-c", "import sympy"],
        "gmm-math --help": [exe, "--help"],
        "gmm-math derive single": [exe, "derive", "single"],
        "gmm-math derive mixture": [exe, "derive", "mixture"],
    }
    subprocess.run([exe, "derive", "single"], check=True, stdout=subprocess.DEVNULL)  # warm the byte-code cache
    print(f"median wall time over {runs} runs")
    for label, cmd in cases.items():
        t = median_wall(cmd, runs)
        target = "  (target <= 1.0 s)" if label.startswith("gmm-math derive") else ""
        print(f"  {label:<28} {t:6.3f} s{target}")


if __name__ == "__main__":
    main()
