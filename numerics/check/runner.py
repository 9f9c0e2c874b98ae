"""``gmm-math check`` as a library: symbolic and numeric evidence combined into one verdict.

Inputs are validated here, in the calling process (bad input raises ``GmmMathError``
at once); the SymPy and mpmath work runs as jobs under a wall-clock limit in a worker
process (:mod:`gmm_math.numerics.check.time_limit`). Every report is a JSON-ready dict::

    {"verdict": "holds"|"fails"|"undecided", "kind": "limit"|"equal"|"steps",
     "symbolic": str|None, "numeric": [...], "cases": [{"condition", "limit"}]|None,
     "counterexample": {...}|None, "lines": [...]|None}

and every ``check_*`` function returns ``(report, summary)`` where ``summary`` is one
human-readable sentence.
"""

from __future__ import annotations

import random
from collections.abc import Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from gmm_math.derivations.check.claims import (
    LimitCase,
    LimitResult,
    domain_direction,
    equivalence,
    limit_by_cases,
    parse_point,
    plan_steps,
    same_value,
)
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.check.parser import Context, check_name, parse_assumptions
from gmm_math.numerics.check.evidence import (
    LimitEvidence,
    SpotCheck,
    Undefined,
    limit_evidence,
    mp_value,
    show,
    spot_check,
    to_mp,
)
from gmm_math.numerics.check.time_limit import Outcome, ignore_partial, run_limited

DEFAULT_TIMEOUT = 10.0
Report = dict[str, Any]
Result = dict[str, Any]  # {"report": Report, "summary": str}


def report(kind: str, verdict: str, symbolic: str | None = None, numeric: Sequence[dict] = (),
           cases: list[dict] | None = None, counterexample: dict | None = None,
           lines: list[dict] | None = None) -> Report:
    """A report with exactly the keys of the JSON contract."""
    return {"verdict": verdict, "kind": kind, "symbolic": symbolic, "numeric": list(numeric),
            "cases": cases, "counterexample": counterexample, "lines": lines}


def _result(report_: Report, summary: str) -> Result:
    return {"report": report_, "summary": summary}


def _names(point: Mapping[sp.Symbol, Any]) -> dict[str, str | None]:
    return {symbol.name: show(value) for symbol, value in point.items()}


def _verdict(verdicts: Iterable[str]) -> str:
    verdicts = list(verdicts)
    return "fails" if "fails" in verdicts else ("undecided" if "undecided" in verdicts else "holds")


# ----------------------------------------------------------------------------------------------
# jobs (run in the worker; arguments are plain text so that they pickle under 'spawn')


def equal_job(lhs_text: str, rhs_text: str, assumptions: tuple[str, ...], seed: int, *,
              emit: Any = ignore_partial) -> Result:
    """Symbolic equivalence plus numeric spot checks of LHS = RHS."""
    context = Context(parse_assumptions(assumptions))
    lhs = context.parse(lhs_text, "left-hand side")
    rhs = context.parse(rhs_text, "right-hand side")
    if lhs == rhs:
        return _result(report("equal", "holds", "LHS and RHS are identical"), "equal: LHS and RHS are identical")
    symbols = sorted(lhs.free_symbols | rhs.free_symbols, key=sp.default_sort_key)
    checks = spot_check(lhs, rhs, symbols, random.Random(seed))
    numeric = [_spot_entry(check) for check in checks]
    counter = next((check for check in checks if check.agrees is False), None)
    counterexample = None if counter is None else {
        "point": _names(counter.point), "lhs": show(counter.lhs), "rhs": show(counter.rhs)}
    emit(_result(report("equal", "fails" if counter else "undecided", "during symbolic simplification",
                        numeric, counterexample=counterexample), _equal_refuted(counterexample)))
    found = equivalence(lhs, rhs)
    agreed = sum(bool(check.agrees) for check in checks)
    symbolic = found.describe()
    if found.proved and counter is None:
        return _result(report("equal", "holds", symbolic, numeric), f"equal: {symbolic}")
    if counter is not None and not found.proved:
        return _result(report("equal", "fails", symbolic, numeric, counterexample=counterexample),
                       _equal_refuted(counterexample))
    if found.refuted and not agreed:
        return _result(report("equal", "fails", symbolic, numeric), f"not equal: {symbolic}")
    if found.proved or found.refuted:
        return _result(report("equal", "undecided", f"{symbolic}; the numeric checks disagree", numeric,
                              counterexample=counterexample),
                       "undecided: symbolic and numeric checks disagree")
    if agreed:
        return _result(report("equal", "holds", symbolic, numeric),
                       f"equal at all {agreed} numeric checks that could be evaluated, but simplification did not reduce "
                       f"LHS - RHS to 0 (numeric evidence, not a proof)")
    return _result(report("equal", "undecided", symbolic, numeric),
                   "undecided: simplification did not reduce LHS - RHS to 0 and no numeric check applied")


def _equal_refuted(counterexample: dict | None) -> str:
    if counterexample is None:
        return "undecided: time limit reached during symbolic simplification"
    at = ", ".join(f"{name} = {value}" for name, value in counterexample["point"].items()) or "any point"
    return f"not equal: at {at}, LHS = {counterexample['lhs']} but RHS = {counterexample['rhs']}"


def _spot_entry(check: SpotCheck) -> dict:
    return {"at": _names(check.point), "lhs": show(check.lhs), "rhs": show(check.rhs), "agrees": check.agrees}


def limit_job(expr_text: str, var_name: str, point_text: str, direction: str, claim_text: str | None,
              assumptions: tuple[str, ...], seed: int, *, emit: Any = ignore_partial) -> Result:
    """The limit by SymPy (split into cases if needed), followed numerically, compared with the claim."""
    context = Context(parse_assumptions(assumptions))
    expr = context.parse(expr_text)
    var = context.symbol(var_name)
    point = context.parse(point_text, "limit point")
    claim = None if claim_text is None else context.parse(claim_text, "claimed limit")
    emit(_result(report("limit", "undecided", "while SymPy computed the limit"),
                 "undecided: time limit reached while SymPy computed the limit"))
    result = limit_by_cases(expr, var, point, direction)
    rng = random.Random(seed)
    numeric: list[dict] = []
    verdicts: list[str] = []
    counterexample = None
    for case in result.cases:
        extra = set().union(*(value.free_symbols for value in case.values.values()))
        evidence = [item for side in (("+", "-") if case.side == "+-" else (case.side,))
                    for item in limit_evidence(case.expr, case.var, case.point, side, case.limit, rng,
                                               extra=extra)]
        numeric.extend(_limit_entry(case, item) for item in evidence)
        verdict, point_shown = _case_verdict(case, evidence, claim, rng)
        verdicts.append(verdict)
        if verdict == "fails" and counterexample is None:
            counterexample = {"condition": _condition(case), "point": point_shown,
                              "limit": str(case.shown_limit), "claim": str(claim)}
    verdict = _verdict(verdicts)
    cases = [{"condition": _condition(case), "limit": _shown_limit(case)} for case in result.cases] \
        if result.split else None
    symbolic = _describe(result)
    return _result(report("limit", verdict, symbolic, numeric, cases, counterexample),
                   _limit_summary(verdict, result, claim, counterexample, numeric))


def _condition(case: LimitCase) -> str | None:
    return " and ".join(case.conditions) or None


def _shown_limit(case: LimitCase) -> str:
    return str(case.shown_limit) if case.limit is not None else f"undecided ({case.reason})"


def _describe(result: LimitResult) -> str:
    if not result.split:
        case = result.cases[0]
        return f"limit = {case.shown_limit}" if case.limit is not None else str(case.reason)
    return "depends on the case: " + "; ".join(f"{_condition(case)}: {_shown_limit(case)}"
                                               for case in result.cases)


def _case_verdict(case: LimitCase, evidence: list[LimitEvidence], claim: sp.Expr | None,
                  rng: random.Random) -> tuple[str, dict]:
    shown = _display_point(case, evidence[0].point) if evidence else {}
    if case.limit is None or any(item.agrees is False for item in evidence):
        return "undecided", shown
    if claim is None:
        return "holds", shown
    claim_here = claim.xreplace(dict(case.values))
    same = same_value(case.limit, claim_here)
    if same is None:
        symbols = sorted(case.limit.free_symbols | claim_here.free_symbols, key=sp.default_sort_key)
        checks = spot_check(case.limit, claim_here, symbols, rng)
        counter = next((check for check in checks if check.agrees is False), None)
        if counter is not None:
            return "fails", _display_point(case, counter.point)
        same = True if any(check.agrees for check in checks) else None
    return {True: "holds", False: "fails", None: "undecided"}[same], shown


def _display_point(case: LimitCase, sample: Mapping[sp.Symbol, Fraction]) -> dict[str, str | None]:
    """The sample point in the user's symbols (case symbols mapped back)."""
    shown = {symbol.name: show(value) for symbol, value in sample.items() if symbol not in case.restore}
    values = to_mp(dict(sample), 30)
    for original, expr in case.values.items():
        try:
            shown[original.name] = show(mp_value(expr, values, 30))
        except Undefined:
            shown[original.name] = None
    return dict(sorted(shown.items()))


def _limit_entry(case: LimitCase, item: LimitEvidence) -> dict:
    estimate = show(item.value) if item.estimate == "finite" else item.estimate.replace("+", "")
    return {"case": _condition(case), "at": _display_point(case, item.point),
            "approach": [{"var": show(at), "value": show(value)} for at, value in item.approach],
            "estimate": estimate, "limit": show(item.target), "agrees": item.agrees}


def _limit_summary(verdict: str, result: LimitResult, claim: sp.Expr | None, counterexample: dict | None,
                   numeric: list[dict]) -> str:
    conflict = any(entry["agrees"] is False for entry in numeric)
    if verdict == "fails" and counterexample is not None:
        where = f" when {counterexample['condition']}" if counterexample["condition"] else ""
        return f"refuted: the limit is {counterexample['limit']}{where}, not {counterexample['claim']}"
    if verdict == "undecided":
        return ("undecided: SymPy's limit and the numeric sequence disagree" if conflict
                else f"undecided: {_describe(result)}")
    if claim is None:
        return f"the limit {_describe(result)}" if result.split else _describe(result)
    if result.split:
        return f"holds: the limit is {claim} in every case"
    return f"holds: {_describe(result)}, as claimed"


# ----------------------------------------------------------------------------------------------
# public API (runs the jobs under the time limit)


def _settle(outcome: Outcome, kind: str, timeout: float | None) -> Result:
    if outcome.status == "ok":
        return outcome.value
    if outcome.status == "bad_input":
        raise GmmMathError(outcome.value)
    if outcome.status == "timeout":
        partial = outcome.value or _result(report(kind, "undecided", None), "undecided")
        found = dict(partial["report"])
        phase = f" {found['symbolic']}" if found["symbolic"] else ""
        found["symbolic"] = f"time limit of {timeout:g} s reached{phase}"
        if found["verdict"] != "fails":
            found["verdict"] = "undecided"
            return _result(found, f"undecided: {found['symbolic']}")
        return _result(found, partial["summary"])
    return _result(report(kind, "undecided", f"computation failed: {outcome.value}"),
                   f"undecided: the computation failed ({outcome.value})")


def _limit_args(expr: str, var: str, to: str, claim: str | None, assume: Sequence[str],
                seed: int) -> tuple:
    """Validate a limit check in this process (bad input fails fast) and return the job's arguments."""
    assumptions = tuple(assume)
    context = Context(parse_assumptions(assumptions))
    context.parse(expr)
    symbol = context.symbol(check_name(var))
    if symbol in context.substitutions:
        raise GmmMathError(f"the limit variable {var} has an equality assumption; it cannot also vary")
    point, direction = parse_point(to)
    direction = domain_direction(symbol, context.parse(point, "limit point"), direction)
    if claim is not None:
        context.parse(claim, "claimed limit")
    return (expr, var, point, direction, claim, assumptions, seed)


def check_limit(expr: str, var: str, to: str, claim: str | None = None, assume: Sequence[str] = (), *,
                timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0) -> Result:
    """Check ``lim_{var -> to} expr`` (= ``claim``, if given).

    Parameters
    ----------
    expr, claim : expressions in the checking language
    var : the limit variable
    to : the point, with direction: ``"0+"``, ``"0-"``, ``"0"`` (two-sided), ``"oo"``
    assume : assumption strings, e.g. ``["x_n > 0", "mu_j = x_n"]``
    timeout : seconds for the whole check; None computes here without a limit
    seed : seed of the random sample points
    """
    args = _limit_args(expr, var, to, claim, assume, seed)
    return _settle(run_limited([(limit_job, args)], timeout)[0], "limit", timeout)


def check_equal(lhs: str, rhs: str, assume: Sequence[str] = (), *, timeout: float | None = DEFAULT_TIMEOUT,
                seed: int = 0) -> Result:
    """Check ``lhs = rhs`` symbolically and at random points (see :func:`check_limit` for the options)."""
    assumptions = tuple(assume)
    context = Context(parse_assumptions(assumptions))
    context.parse(lhs, "left-hand side")
    context.parse(rhs, "right-hand side")
    return _settle(run_limited([(equal_job, (lhs, rhs, assumptions, seed))], timeout)[0], "equal", timeout)


def check_steps(text: str, *, timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0) -> Result:
    """Check every line of a steps file; each claim gets its own ``timeout``.

    Returns a report whose ``lines`` hold one entry per line of ``text`` and whose
    ``counterexample`` (with its ``line``) and ``cases`` are those of the first failing line.
    """
    plan = plan_steps(text)
    jobs, owners = [], []
    for step in plan:
        if step.kind == "expression" and step.previous is not None:
            jobs.append((equal_job, (step.previous_expr, step.expr, step.assumptions, seed)))
        elif step.kind == "limit":
            jobs.append((limit_job, (step.expr, step.var, step.point, step.direction, step.claim,
                                     step.assumptions, seed)))
        else:
            continue
        owners.append(step.line)
    outcomes = dict(zip(owners, run_limited(jobs, timeout), strict=True))
    lines, first_failure = [], None
    for step in plan:
        entry, found = _line_entry(step, outcomes.get(step.line), timeout)
        lines.append(entry)
        if entry["verdict"] == "fails" and first_failure is None:
            first_failure = (step.line, found)
    verdict = _verdict(line["verdict"] for line in lines)
    counterexample = cases = None
    if first_failure is not None:
        number, found = first_failure
        counterexample = {"line": number, **(found["counterexample"] or {})}
        cases = found["cases"]
    checked = sum(line["verdict"] in ("holds", "fails", "undecided") for line in lines)
    summary = {"holds": f"every one of the {checked} checked lines holds",
               "fails": f"line {first_failure[0]} fails" if first_failure else "",
               "undecided": "no line fails, but some are undecided"}[verdict]
    return _result(report("steps", verdict, None, [], cases, counterexample, lines), summary)


def _line_entry(step: Any, outcome: Outcome | None, timeout: float | None) -> tuple[dict, Report | None]:
    entry = {"line": step.line, "text": step.text, "verdict": "comment", "reason": None}
    if step.kind == "assumption":
        return {**entry, "verdict": "assumption"}, None
    if step.kind == "comment":
        return entry, None
    if outcome is None:
        return {**entry, "verdict": "holds", "reason": "first expression: nothing to compare with"}, None
    found = _settle(outcome, "equal" if step.kind == "expression" else "limit", timeout)
    verdict, summary = found["report"]["verdict"], found["summary"]
    summary = summary.removeprefix(f"{verdict}: ")
    prefix = f"compared with line {step.previous}: " if step.kind == "expression" else ""
    return {**entry, "verdict": verdict, "reason": prefix + summary}, found["report"]
