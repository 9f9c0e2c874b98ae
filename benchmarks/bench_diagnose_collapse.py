"""Cost of ``diagnose`` on data whose fits collapse, as the rows grow ten-fold.

The issue-22 sensor data (a temperature column, a pressure column that is 3.0 except 1 % of rows at
3 +- 0.001, 2 % duplicates), at N and 10 N rows, K = 2, full covariances, scikit-learn's kmeans start.
Every remedy is tried, so about a hundred collapses are reported, each with its smallest eigenvalue in
log space (``numerics/em/logspace.py``: an exact dyadic covariance over only the points whose shares
matter). Each size runs in its own fresh Python process; the time ratio should stay at or below the
row ratio (the E-steps are linear in N; nothing per collapse should be worse).

Run: ``python benchmarks/bench_diagnose_collapse.py``. On a shared machine timings are inflated; the
load average is printed beside them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

SIZES = (2_000, 20_000)

RUN = """
import json, time
import numpy as np
from gmm_math.numerics.diagnose.report import diagnose
n = {n}
rng = np.random.default_rng(0)
temperature = np.round(rng.normal(20.0, 5.0, n), 2)
pressure = np.full(n, 3.0)
off = n // 100
pressure[120:120 + off] = 3.0 + np.where(np.arange(off) % 2 == 0, 0.001, -0.001)
X = np.column_stack([temperature, pressure])
X = np.vstack([X, X[: n // 50]])
start = time.perf_counter()
report = diagnose(X, components=2, covariance="full", init="kmeans", n_init=1, seed=0)
seconds = time.perf_counter() - start
assert report.degenerate
print(json.dumps({{"seconds": seconds}}))
"""


def measure(n: int) -> float:
    out = subprocess.run([sys.executable, "-c", RUN.format(n=n)], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])["seconds"]


def main() -> None:
    load = os.getloadavg()
    small, large = (measure(n) for n in SIZES)
    print(f"sensor data, K=2, full, kmeans start; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for n, seconds in zip(SIZES, (small, large)):
        print(f"N = {n:>6,d} rows   {seconds:8.2f} s")
    print(f"time ratio {large / small:.2f} for a row ratio of {SIZES[1] // SIZES[0]} (target: at most the row ratio)")


if __name__ == "__main__":
    main()
