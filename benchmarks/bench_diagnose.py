"""Cost of ``diagnose`` on a fit that does not degenerate, beside scikit-learn's own ``GaussianMixture.fit``.

100,000 rows x 5 columns (5 separated Gaussian blobs, seed 0), K = 5, full covariances, one init
(``init_params="kmeans"``, ``random_state=0``), the same settings for both. Each side runs in its own
fresh Python process, one after the other, and reports its wall time and its peak resident memory
(``resource.getrusage(RUSAGE_SELF).ru_maxrss``, which includes the interpreter and the imports: both
sides import numpy and scikit-learn). Targets (issue 22): time ratio <= 3, peak-memory ratio <= 2.

Run: ``python benchmarks/bench_diagnose.py``. On a shared machine timings are inflated; the load
average is printed beside them.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys

N, D, K = 100_000, 5, 5

DATA = f"""
import numpy as np
rng = np.random.default_rng(0)
centres = rng.normal(scale=10.0, size=({K}, {D}))
X = centres[rng.integers({K}, size={N})] + rng.normal(size=({N}, {D}))
"""

SIDES = {
    "scikit-learn GaussianMixture.fit": """
from sklearn.mixture import GaussianMixture
start = time.perf_counter()
GaussianMixture({K}, covariance_type="full", init_params="kmeans", n_init=1, random_state=0).fit(X)
""",
    "gmm-math diagnose": """
from gmm_math.numerics.diagnose.report import diagnose
import sklearn.mixture
start = time.perf_counter()
report = diagnose(X, components={K}, covariance="full", init="kmeans", n_init=1, seed=0)
assert not report.degenerate, report
""",
}

RUN = """
import json, resource, time
{data}
{side}
seconds = time.perf_counter() - start
print(json.dumps({{"seconds": seconds, "peak_kib": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss}}))
"""


def measure(side: str) -> dict:
    code = RUN.format(data=DATA, side=SIDES[side].format(K=K))
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    return json.loads(out.stdout.strip().splitlines()[-1])


def main() -> None:
    load = os.getloadavg()
    results = {side: measure(side) for side in SIDES}
    theirs, ours = results["scikit-learn GaussianMixture.fit"], results["gmm-math diagnose"]
    print(f"N={N}, D={D}, K={K}, full, one kmeans init; load average {load[0]:.2f} {load[1]:.2f} {load[2]:.2f}")
    for side, r in results.items():
        print(f"{side:34s} {r['seconds']:8.2f} s   peak {r['peak_kib'] / 1024:8.1f} MiB")
    print(f"time ratio {ours['seconds'] / theirs['seconds']:.2f} (target <= 3), "
          f"peak-memory ratio {ours['peak_kib'] / theirs['peak_kib']:.2f} (target <= 2)")


if __name__ == "__main__":
    main()
