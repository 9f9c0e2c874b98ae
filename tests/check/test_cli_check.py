"""``gmm-math check`` through the CLI: JSON contract, exit codes, hostile input, the time limit."""

from __future__ import annotations

import json
import multiprocessing
import os
import subprocess
import sys
import time

import pytest

from gmm_math.numerics.check import time_limit
from gmm_math.numerics.check.evidence import EXTREME_INSTANCES, SPOT_POINTS
from conftest import assert_one_line_error

SPOTS = SPOT_POINTS + len(EXTREME_INSTANCES)  # the numeric instances of an expression without counts

TOP_KEYS = {"schema_version", "verdict", "kind", "symbolic", "numeric", "cases", "counterexample", "lines", "evidence", "tried",
            "hints", "conclusions", "domains"}
SLOW = "exp(exp(exp(exp(x))))"  # its numeric spot checks alone take far longer than 0.5 s
SLOW_TOO = SLOW + " + (x + 1)**2 - x**2 - 2*x - 1"  # equal to SLOW, but not identical


def _json(result) -> dict:
    found = json.loads(result.stdout)
    assert set(found) == TOP_KEYS
    assert found["verdict"] in ("holds", "fails", "undecided")
    assert found["symbolic"] is None or isinstance(found["symbolic"], str)
    assert isinstance(found["numeric"], list)
    return found


def test_limit_json_contract_and_exit_1(cli):
    result = cli("check", "limit", "N(x_n, mu_j, sigma_j)", "--var", "sigma_j", "--to", "0+", "--claim", "oo",
                 "--format", "json")
    assert result.exit_code == 1, result.stderr
    found = _json(result)
    assert found["kind"] == "limit" and found["verdict"] == "fails" and found["lines"] is None
    assert all(set(case) == {"condition", "limit"} and isinstance(case["condition"], str)
               and isinstance(case["limit"], str) for case in found["cases"])
    assert {"condition", "point", "limit", "claim"} <= set(found["counterexample"])
    for entry in found["numeric"]:
        assert len(entry["approach"]) == 16 and entry["agrees"] in (True, False, None)


def test_equal_json_contract_and_exit_0(cli):
    result = cli("check", "equal", "--format", "json", "--", "log(N(x, mu, sigma))",
                 "-log(sigma) - log(2*pi)/2 - (x-mu)**2/(2*sigma**2)")
    assert result.exit_code == 0, result.stderr
    found = _json(result)
    assert (found["kind"], found["verdict"], found["cases"], found["counterexample"]) == ("equal", "holds", None, None)
    assert all(set(entry) == {"at", "lhs", "rhs", "agrees"} for entry in found["numeric"])


def test_equal_text_counterexample_exit_1(cli):
    result = cli("check", "equal", "(x + y)^2", "x^2 + y^2")
    assert result.exit_code == 1
    assert "verdict: fails" in result.stdout and "counterexample: at x = " in result.stdout


def test_steps_example_json_contract(cli):
    result = cli("check", "steps", "--example", "single_collapse_planted_error", "--format", "json")
    assert result.exit_code == 1, result.stderr
    found = _json(result)
    assert found["kind"] == "steps" and found["counterexample"]["line"] == 10
    allowed = {"equal", "implied", "fails", "undecided", "unreadable", "assumption", "definition", "comment"}
    for number, line in enumerate(found["lines"], start=1):
        assert set(line) == {"line", "text", "verdict", "reason", "evidence", "column"}
        assert line["line"] == number and line["verdict"] in allowed
        assert line["evidence"] in (None, "symbolic", "numeric")
        assert line["reason"] is None or isinstance(line["reason"], str)


def test_steps_file_text_exit_0(cli, tmp_path):
    path = tmp_path / "steps.txt"
    path.write_text("# collapse\nassume: mu = x\nlog(N(x, mu, sigma))\n= -log(sigma) - log(2*pi)/2\n"
                    "limit(-log(sigma) - log(2*pi)/2, sigma, 0, +) = oo\n")
    result = cli("check", "steps", str(path))
    assert result.exit_code == 0, result.stderr
    assert "verdict: holds" in result.stdout and "FAILS" not in result.stdout


def test_timeout_gives_undecided_exit_3_and_kills_the_worker(cli):
    start = time.perf_counter()
    result = cli("check", "equal", SLOW, SLOW_TOO, "--timeout", "0.5", "--format", "json")
    elapsed = time.perf_counter() - start
    assert result.exit_code == 3, result.stderr
    found = _json(result)
    assert found["verdict"] == "undecided" and "time limit of 0.5 s" in found["symbolic"]
    assert elapsed < 5
    assert multiprocessing.active_children() == []


@pytest.mark.parametrize("args", [
    ("check", "limit", "x", "--var", "x", "--to", "0+", "--timeout", "0"),
    ("check", "limit", "x", "--var", "x__", "--to", "0+"),
    ("check", "limit", "x", "--var", "x", "--to", "0+*"),
    ("check", "equal", "x", "y", "--assume", "x = y + "),
    ("check", "equal", "x", "y", "--assume", "x > 1", "--assume", "x < 0"),  # contradicting bounds
    ("check", "steps"),
    ("check", "steps", "--example", "nope"),
    ("check", "steps", "/nonexistent/steps.txt"),
    ("check", "equal", "x", "y", "--format", "xml"),
])
def test_bad_options_exit_2(cli, args):
    assert_one_line_error(cli(*args))


HOSTILE_CLI = [
    '__import__("os").system("touch canary")',
    'open("canary", "w").write("x")',
    "exec(\"open('canary', 'w')\")",
    "(lambda: open('canary', 'w'))()",
    "[open('canary', 'w') for _ in (1,)]",
    "f\"{open('canary', 'w')}\"",
    "x.__class__.__subclasses__()",
    "exp(*[open('canary', 'w')])",
    "(c := open('canary', 'w'))",
    "9**9**9**9",
    "1" * 100,
    "(" * 300 + "x" + ")" * 300 + ")",
    "x+" * 1500 + "x",
    "\u0430pen('canary')",
    "x\x00",
    "det([" + ",".join(["[" + ",".join(["x"] * 9) + "]"] * 9) + "])",
    "diag(" * 40 + "1" + ")" * 40,
    "d/dx (" * 40 + "exp(x^9)" + ")" * 40,
    "diff(" * 40 + "exp(x^9)" + ", x)" * 40,
    "d(" * 30 + "x" + ")/d(x)" * 30,
    "diff(x, __import__)",
    "d/dx__class__ (x)",
    "diff(x, x^x)",
]


@pytest.mark.parametrize("text", HOSTILE_CLI)
def test_hostile_input_through_the_cli(cli, tmp_path, monkeypatch, text):
    monkeypatch.chdir(tmp_path)
    start = time.perf_counter()
    for args in (("check", "equal", text, "0"), ("check", "limit", text, "--var", "x", "--to", "0+")):
        assert_one_line_error(cli(*args))
    steps = tmp_path / "hostile.txt"
    steps.write_text(f"x\n= {text}\n" if "\x00" not in text else "x\n= x\x00\n")
    found = cli("check", "steps", str(steps), "--format", "json")
    assert found.exit_code == 3, found.stdout
    assert json.loads(found.stdout)["lines"][1]["verdict"] == "unreadable"
    # three invocations; parsing runs in the worker, which under 'spawn' (threads in this test process)
    # first imports SymPy: a generous bound, not a timing assertion
    assert time.perf_counter() - start < 60
    assert sorted(path.name for path in tmp_path.iterdir()) == ["hostile.txt"]  # no canary, nothing else


def test_worker_runs_under_spawn_too():
    """Jobs and results pickle, so the 'spawn' start method (used when threads exist) works."""
    from gmm_math.numerics.check.runner import equal_job

    [outcome] = time_limit.run_limited([(equal_job, ("x + x", "2*x", (), 0))], timeout=60, method="spawn")
    assert outcome.status == "ok" and outcome.value["report"]["verdict"] == "holds"
    assert multiprocessing.active_children() == []


def test_worker_reports_failures_and_continues_after_a_timeout():
    from gmm_math.numerics.check.runner import equal_job

    jobs = [(equal_job, (SLOW, SLOW_TOO, (), 0)), (equal_job, ("x + x", "2*x", (), 0)),
            (equal_job, ("x", "y", ("x = __import__('os')",), 0))]
    timeout, ok, bad = time_limit.run_limited(jobs, timeout=0.5)
    assert timeout.status == "timeout" and ok.status == "ok" and bad.status == "bad_input"
    assert multiprocessing.active_children() == []


def test_start_method_avoids_fork_with_threads(monkeypatch):
    monkeypatch.setattr(time_limit, "_thread_count", lambda: 3)
    assert time_limit.start_method() == "spawn"


def test_help_does_not_import_heavy_libraries():
    code = ("import sys; from gmm_math.cli import check; "
            "print(sorted(m for m in ('sympy', 'mpmath', 'numpy') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={**os.environ, "PYTHONWARNINGS": "error"})
    assert out.stdout.strip() == "[]"


_HUNG_SIMPLIFICATION = """
import json, multiprocessing, time
from gmm_math.numerics.check import runner as checker, time_limit
assert time_limit.start_method() == "fork", time_limit.start_method()
checker.equivalence = lambda *args: time.sleep(30)  # reaches the worker through fork
reports = [checker.check_equal(lhs, rhs, timeout=0.5)["report"] for lhs, rhs in (
    ("(x + y)**2", "x**2 + y**2"), ("x*y", "y*x + 0*x"), ("(x + 1)**2", "x**2 + 2*x + 1"))]
print(json.dumps({"reports": reports, "children": len(multiprocessing.active_children())}))
"""


@pytest.mark.skipif(not sys.platform.startswith("linux"), reason="the patched function reaches the worker only "
                    "through fork (Linux)")
def test_refutation_found_before_the_time_limit_is_kept():
    """Numeric spot checks run first: a counterexample (or full agreement) in hand survives a hung simplification.

    Run in a fresh interpreter: there fork is safe (one thread), whatever threads earlier tests started here.
    """
    proc = subprocess.run([sys.executable, "-c", _HUNG_SIMPLIFICATION], capture_output=True, text=True,
                          timeout=120, env={**os.environ, "PYTHONWARNINGS": "error"})
    assert proc.returncode == 0, proc.stderr
    out = json.loads(proc.stdout)
    found, fine, slow = out["reports"]
    assert found["verdict"] == "fails" and found["counterexample"]["point"]
    assert "time limit of 0.5 s reached during symbolic simplification" == found["symbolic"]
    assert fine["verdict"] == "holds"  # identical after parsing: no simplification needed
    # every numeric instance agrees and SymPy did not finish: it holds on numeric evidence, and says so
    assert slow["verdict"] == "holds" and slow["evidence"] == "numeric"
    assert [entry["agrees"] for entry in slow["numeric"]] == [True] * SPOTS
    assert slow["symbolic"].startswith("time limit of 0.5 s reached")
    assert out["children"] == 0
