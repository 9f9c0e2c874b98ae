"""Speed of ``gmm-math check``: refusing hostile input, worker start-up, checking the shipped examples.

Run: ``python benchmarks/bench_check.py``. Targets: every hostile input refused in well under
a second (we aim for < 50 ms), a worker start-up under 0.5 s with 'fork',
each shipped example checked in under 5 s, and ``gmm-math check steps`` on the 15-line
general-N derivation (``--example general_n_collapse``) and on the 15-line M-step of EM
(``--example em_m_step``) in a median cold wall time of at most 2 s (a fresh process each run: imports, worker, every line). Timings on a shared machine are
inflated; compare the ratios printed side by side.
"""

from __future__ import annotations

import statistics
import subprocess
import sys
import time

HOSTILE = [
    '__import__("os").system("touch canary")', "9**9**9**9", "(10**999)**999", "1" * 100,
    "(" * 300 + "x" + ")" * 299, "exp(" * 120 + "x" + ")" * 120, "-" * 1900 + "x", "x+" * 1500 + "x",
    "log(" + ",".join(["x"] * 700) + ")", "\u0430 + 1", "x\x00", "[x for x in y]", "f'{x}'", "(x := 1)",
    r"\input{/etc/passwd}", r"\frac{" * 150 + "1" + "}{2}" * 150, "2^{" * 40 + "2" + "}" * 40,
    "[" + ",".join(["[" + ",".join(["1"] * 9) + "]"] * 9) + "]", "diag(" * 60 + "1" + ")" * 60,
    "det(diag(s_d, d=1..99999999))", "[" * 80 + "1" + "]" * 80, "[[1, 2], [3, 4]]^999", r"|a|b|c| \cdot 1",
]


def _seconds(function, repeat: int = 5) -> float:
    """Best wall time of ``repeat`` runs, each with SymPy's cache cleared (so no run is a cache replay)."""
    from sympy.core.cache import clear_cache

    best = float("inf")
    for _ in range(repeat):
        clear_cache()
        start = time.perf_counter()
        function()
        best = min(best, time.perf_counter() - start)
    return best


def main() -> None:
    from gmm_math.derivations.check.claims import example_path
    from gmm_math.derivations.core.errors import GmmMathError
    from gmm_math.derivations.check.parser import parse_expression
    from gmm_math.numerics.check import time_limit
    from gmm_math.numerics.check.runner import check_steps, equal_job

    def refuse(text: str) -> None:
        try:
            parse_expression(text)
        except GmmMathError:
            return
        raise AssertionError(f"{text[:30]!r} was accepted")

    refusals = [_seconds(lambda text=text: refuse(text)) for text in HOSTILE]
    print(f"hostile input refused: median {statistics.median(refusals) * 1e3:.2f} ms, "
          f"worst {max(refusals) * 1e3:.2f} ms over {len(HOSTILE)} inputs")

    trivial = [(equal_job, ("x + x", "2*x", (), 0))]
    for method in ("fork", "spawn"):
        seconds = _seconds(lambda method=method: time_limit.run_limited(trivial, 60, method=method), repeat=3)
        print(f"worker round trip ({method}): {seconds:.3f} s")

    for name in ("single_collapse_correct", "single_collapse_planted_error", "general_n_collapse", "em_m_step"):
        text = example_path(name).read_text()
        here = _seconds(lambda text=text: check_steps(text, timeout=None), repeat=3)
        worker = _seconds(lambda text=text: check_steps(text, timeout=10), repeat=3)
        print(f"check steps --example {name}: {here:.2f} s in-process, {worker:.2f} s with the worker")

    help_runs = [_cold([sys.executable, "-m", "gmm_math.cli", "check", "--help"]) for _ in range(COLD_RUNS)]
    print(f"gmm-math check --help (cold process): median {statistics.median(help_runs):.2f} s over {COLD_RUNS} runs")
    # the general-N collapse, and the M-step of EM (derivatives, conditions, consequences, a Lagrange multiplier)
    for example in ("general_n_collapse", "em_m_step"):
        steps_runs = [_cold([sys.executable, "-m", "gmm_math.cli", "check", "steps", "--example", example],
                            allowed=(0,)) for _ in range(COLD_RUNS)]
        lines = sum(1 for line in example_path(example).read_text().splitlines()
                    if line.strip() and not line.startswith("#"))
        print(f"gmm-math check steps --example {example} ({lines} lines, cold process): median "
              f"{statistics.median(steps_runs):.2f} s over {COLD_RUNS} runs (target <= 2 s); "
              f"ratio to --help {statistics.median(steps_runs) / statistics.median(help_runs):.1f}x")


COLD_RUNS = 5


def _cold(command: list[str], allowed: tuple[int, ...] = (0,)) -> float:
    start = time.perf_counter()
    done = subprocess.run(command, capture_output=True)
    if done.returncode not in allowed:
        raise AssertionError(done.stderr.decode()[-300:])
    return time.perf_counter() - start


if __name__ == "__main__":
    main()
