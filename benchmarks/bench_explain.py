"""Wall time of ``gmm-math explain`` (defaults: the HTML page) against the separate commands it replaces.

``explain`` computes every piece in one process, each model once. The comparison runs, each as a
fresh process, the commands a student would otherwise run for the same seven sections; both are
measured side by side in one run, so the ratio holds even on a loaded machine.
Target: ``gmm-math explain`` at most 10 s wall on an idle machine.

    python benchmarks/bench_explain.py [--runs 3]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import tempfile
import time

from bench_plots import gmm_math_command, time_command

TARGET_SECONDS = 10.0
DATA = ["--data", "0,1,3"]
SEPARATE = [
    ["derive", "single", *DATA],
    ["derive", "mixture", *DATA],
    ["evaluate", *DATA, *[a for s in ("1e-1", "1e-10", "1e-100", "1e-1000", "1e-10000", "1e-100000", "1e-1000000")
                          for a in ("--sigma", s)]],
    ["plot-limit", "--out", "limit.png"],
    ["plot-collapse", "--out", "collapse.png"],
    ["em", "--init", "seed-style", "--remedy", "none", "--seed", "6", "--plot", "em.png", "-q"],
    *[["em", "--init", "seed-style", "--remedy", r, "--seed", "6", "-q"]
      for r in ("ridge", "reset", "restart", "map", "penalty", "ratio")],
    *[["derive", "remedy", r] for r in ("ridge", "map", "penalty", "ratio", "reset")],
    ["derive", "degenerate"],
    ["check", "limit", "N(x_n, mu_j, sigma_j)", "--var", "sigma_j", "--to", "0+", "--claim", "oo"],
    ["check", "limit", "N(x_n, mu_j, sigma_j)", "--var", "sigma_j", "--to", "0+", "--claim", "oo",
     "--assume", "mu_j = x_n"],
]


def separate_total() -> float:
    """All separate commands, one fresh process each (check limit exits 1 for a refuted claim)."""
    start = time.perf_counter()
    with tempfile.TemporaryDirectory() as folder:
        for args in SEPARATE:
            run = subprocess.run(gmm_math_command() + args, cwd=folder, capture_output=True, check=False)
            if run.returncode not in (0, 1):
                raise RuntimeError(f"gmm-math {' '.join(args)} failed: {run.stderr.decode()[-300:]}")
    return time.perf_counter() - start


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each (median reported)")
    runs = parser.parse_args().runs
    time_command(["explain", "-q"], 1)  # warm the OS file cache and matplotlib's font cache
    together, apart = [], []
    for _ in range(runs):  # interleaved, so both see the same load
        together += time_command(["explain", "-q"], 1)
        apart.append(separate_total())
    one, many = statistics.median(together), statistics.median(apart)
    verdict = "ok" if one <= TARGET_SECONDS else "MISSED (on an idle machine?)"
    print(f"command: {' '.join(gmm_math_command())} explain -q")
    print(f"gmm-math explain          median {one:.2f} s (min {min(together):.2f}, max {max(together):.2f}, "
          f"{runs} runs)  target <= {TARGET_SECONDS:.0f} s: {verdict}")
    print(f"{len(SEPARATE)} separate commands   median {many:.2f} s (min {min(apart):.2f}, max {max(apart):.2f})")
    print(f"ratio separate / explain: {many / one:.2f}")
    return 0 if one <= TARGET_SECONDS else 1


if __name__ == "__main__":
    sys.exit(main())
