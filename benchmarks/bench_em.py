"""One EM iteration on N = 1,000,000 points, D = 2, K = 3, full covariances: ours vs scikit-learn.

Both start from the same fixed weights, means and covariances (so no k-means is
timed) and run the same number of iterations with tol = 0; the time per
iteration is the fit time over the iteration count, best of a few repeats.
Target: ours <= 0.25 x scikit-learn's time per iteration.

Run: python benchmarks/bench_em.py [--points N] [--iterations M] [--repeats R]
"""

from __future__ import annotations

import argparse
import os
import platform
import time
import warnings

import numpy as np

from gmm_math.numerics.em.fit import fit

TARGET_RATIO = 0.25


def make_data(n: int, seed: int = 0) -> tuple[np.ndarray, dict[str, np.ndarray]]:
    """Three stretched Gaussian blobs (N, 2) and a fixed, deliberately imperfect starting point."""
    rng = np.random.default_rng(seed)
    centres = np.array([[-8.0, 0.0], [0.0, 6.0], [7.0, -3.0]])
    shapes = rng.normal(size=(3, 2, 2))
    labels = rng.integers(0, 3, size=n)
    X = centres[labels] + np.einsum("nij,nj->ni", shapes[labels], rng.normal(size=(n, 2)))
    start = {"weights": np.array([0.3, 0.3, 0.4]), "means": centres + 1.0,
             "covariances": np.repeat(np.cov(X.T)[None], 3, axis=0)}
    return X, start


def time_ours(X: np.ndarray, start: dict[str, np.ndarray], iterations: int) -> tuple[float, int]:
    begin = time.perf_counter()
    result = fit(X, 3, remedy="ridge", max_iter=iterations, tol=0.0, weights_init=start["weights"],
                 means_init=start["means"], covariances_init=start["covariances"])
    return time.perf_counter() - begin, result.n_iter


def time_sklearn(X: np.ndarray, start: dict[str, np.ndarray], iterations: int) -> tuple[float, int]:
    from sklearn.exceptions import ConvergenceWarning
    from sklearn.mixture import GaussianMixture

    model = GaussianMixture(3, covariance_type="full", max_iter=iterations, tol=0.0, reg_covar=1e-6,
                            weights_init=start["weights"], means_init=start["means"],
                            precisions_init=np.linalg.inv(start["covariances"]))
    begin = time.perf_counter()
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)  # tol = 0: it never "converges", by design
        model.fit(X)
    return time.perf_counter() - begin, model.n_iter_


def best_per_iteration(timer, X, start, iterations: int, repeats: int) -> float:
    return min(seconds / count for seconds, count in (timer(X, start, iterations) for _ in range(repeats)))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--points", type=int, default=1_000_000)
    parser.add_argument("--iterations", type=int, default=10)
    parser.add_argument("--repeats", type=int, default=3)
    args = parser.parse_args()
    X, start = make_data(args.points)
    ours = best_per_iteration(time_ours, X, start, args.iterations, args.repeats)
    theirs = best_per_iteration(time_sklearn, X, start, args.iterations, args.repeats)
    import sklearn

    print(f"machine: {platform.machine()}, {os.cpu_count()} cores, numpy {np.__version__}, "
          f"scikit-learn {sklearn.__version__}, OPENBLAS_CORETYPE={os.environ.get('OPENBLAS_CORETYPE', '(unset)')}")
    print(f"N={args.points}, D=2, K=3, full covariances, {args.iterations} iterations, best of {args.repeats}")
    print(f"gmm-math em    : {ours * 1e3:9.2f} ms per iteration")
    print(f"scikit-learn   : {theirs * 1e3:9.2f} ms per iteration")
    ratio = ours / theirs
    verdict = "meets" if ratio <= TARGET_RATIO else "MISSES"
    print(f"ratio ours/sklearn: {ratio:.3f} ({verdict} the target <= {TARGET_RATIO})")


if __name__ == "__main__":
    main()
