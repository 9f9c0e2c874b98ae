"""Speed of the ``evaluate`` sweep: 200 sigma from 1 to 1e-1000000, N = 500 1-D points, K = 3, dps = 50.

Run:  python benchmarks/bench_evaluate.py [--runs 5] [--seed 0]

"ours" is ``evaluate_table(..., symbolic=False)``: everything the table holds (mpmath log L of the single
Gaussian and of the mixture, the analytic slope, sigma^2 log L, the four float64 routes and their flags),
from the data to the last row; the median CPU time of ``--runs`` runs. The SymPy header (limits and
leading terms) is timed separately.

"plain" is a straightforward mpmath log-space evaluation that recomputes every term for every sigma: per
point the K log densities, then a max-shifted log-sum-exp. It is given one courtesy, otherwise it would not
finish: it too skips exponentiating a term more than (dps + 20) ln 10 below the maximum (mpmath's exp of
an argument of size 1e2000000 first needs that many digits of ln 2, about ten minutes here). It computes
only log L of the mixture and of the single Gaussian, no slope and no float64, and runs once.
Both results are compared to dps - 5 digits. Targets: ours <= 0.3 s CPU, plain / ours >= 20.
"""

from __future__ import annotations

import argparse
import statistics
import time

import mpmath
import numpy as np
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.sweep import evaluate_table, parse_sweep, sigma_from_text

N_POINTS, COMPONENTS, DPS, SWEEP = 500, 3, 50, "0:-1000000:200"
TARGET_SECONDS, TARGET_RATIO = 0.3, 20.0


def seeded_data(seed: int) -> Dataset:
    """N one-dimensional points from two clusters, written with 6 decimals (exact as Fractions)."""
    rng = np.random.default_rng(seed)
    values = np.concatenate([rng.normal(0.0, 1.0, N_POINTS // 2), rng.normal(4.0, 0.5, N_POINTS - N_POINTS // 2)])
    return Dataset.from_text(",".join(f"{v:.6f}" for v in values))


def cpu_seconds(fn) -> tuple[float, object]:
    start = time.process_time()
    result = fn()
    return time.process_time() - start, result


def plain_sweep(model: CollapseModel, sigmas: list, dps: int) -> list[tuple]:
    """(single, mixture) log L per sigma, recomputing every point's every component each time."""
    out = []
    with mp.workdps(dps + 10):
        cut = (dps + 20) * mpmath.log(10)
        rows = [mp.mpf(r[0].numerator) / r[0].denominator for r in model.data.rows]
        centre = rows[model.point]
        weights = [mp.mpf(w.numerator) / w.denominator for w in model.weights]
        means = [centre] + [mp.mpf(m[0].numerator) / m[0].denominator for m in model.means]
        for sigma in sigmas:
            variances = [sigma**2] + [mp.mpf(v.numerator) / v.denominator for v in model.variances]
            single = mixture = mp.zero
            for x in rows:
                logs = [mpmath.log(w) - mpmath.log(2 * mp.pi * v) / 2 - (x - m) ** 2 / (2 * v)
                        for w, m, v in zip(weights, means, variances)]
                single += logs[0] - mpmath.log(weights[0])
                top = max(logs)
                mixture += top + mpmath.log(mpmath.fsum(mpmath.exp(t - top) for t in logs if t - top > -cut))
            out.append((single, mixture))
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    data = seeded_data(args.seed)
    texts = parse_sweep(SWEEP)

    def ours():
        return evaluate_table(data, 0, sigmas=texts, dps=DPS, components=COMPONENTS, symbolic=False)

    ours()  # warm-up: imports and caches
    runs = [cpu_seconds(ours) for _ in range(args.runs)]
    ours_time, table = statistics.median(t for t, _ in runs), runs[0][1]
    symbolic_time, _ = cpu_seconds(
        lambda: evaluate_table(data, 0, sigmas=texts[:1], dps=DPS, components=COMPONENTS, symbolic=True))
    model = CollapseModel.mixture(data, 0, COMPONENTS)
    sigmas = [sigma_from_text(t, DPS)[0] for t in texts]
    plain_time, plain = cpu_seconds(lambda: plain_sweep(model, sigmas, DPS))

    worst = mp.zero
    with mp.workdps(DPS + 10):
        for row, (single, mixture) in zip(table.rows, plain):
            for ours_value, plain_value in ((row.log_likelihood_single, single), (row.log_likelihood_mixture, mixture)):
                worst = max(worst, abs(ours_value - plain_value) / max(1, abs(plain_value)))
    agree = worst <= mp.mpf(10) ** -(DPS - 5)
    ratio = plain_time / ours_time
    print(f"sweep {SWEEP} ({len(texts)} sigma), N = {data.n} 1-D points (seed {args.seed}), K = {COMPONENTS}, "
          f"dps = {DPS}")
    print(f"  ours  (evaluate_table, median of {args.runs}) {ours_time:8.3f} s CPU  (target <= {TARGET_SECONDS} s)")
    print(f"  plain (recompute every term, once)        {plain_time:8.3f} s CPU")
    print(f"  ratio plain / ours                        {ratio:8.1f} x    (target >= {TARGET_RATIO:g} x)")
    print(f"  SymPy header (limits, leading terms)      {symbolic_time:8.3f} s CPU  (not part of the sweep)")
    print(f"  largest relative difference ours vs plain  {mpmath.nstr(worst, 3)}  "
          f"({'agree' if agree else 'DISAGREE'} to dps - 5 = {DPS - 5} digits)")
    last = table.rows[-1]
    print(f"  last row: log10 sigma = {mpmath.nstr(last.log10_sigma, 8)}, log L mixture = "
          f"{mpmath.nstr(last.log_likelihood_mixture, 12)}, slope = {mpmath.nstr(last.slope_mixture, 8)}")
    met = ours_time <= TARGET_SECONDS and ratio >= TARGET_RATIO and agree
    print("targets met" if met else "TARGETS NOT MET")


if __name__ == "__main__":
    main()
