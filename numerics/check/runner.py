"""``gmm-math check`` as a library: symbolic and numeric evidence combined into one verdict.

Everything that reads user text (parsing, building SymPy objects) runs with the SymPy and
mpmath work as jobs under a wall-clock limit in a worker process
(:mod:`gmm_math.numerics.check.time_limit`); bad input found there comes back as
``GmmMathError``. Every report is a JSON-ready dict::

    {"verdict": "holds"|"fails"|"undecided", "kind": "limit"|"equal"|"steps",
     "symbolic": str|None, "numeric": [...], "cases": [{"condition", "limit"}]|None,
     "counterexample": {...}|None, "lines": [...]|None,
     "evidence": "symbolic"|"numeric"|None, "tried": str|None, "hints": [str],
     "conclusions": [{"from_line", "to_line", "relation", "text"}]|None,
     "domains": {"symbols", "left", "right", "both_defined", "points"}|None}

``domains`` (check equal) is set when a side was undefined over the reals at some sample point:
where each side is real, by sign region of the symbols of unknown sign.

Each entry of ``lines`` is ``{"line", "text", "verdict", "reason", "evidence", "column"}`` with
``verdict`` one of :data:`LINE_VERDICTS`.

and every ``check_*`` function returns ``(report, summary)`` where ``summary`` is one
human-readable sentence.
"""

from __future__ import annotations

import random
from dataclasses import replace
from collections.abc import Callable, Iterable, Mapping, Sequence
from fractions import Fraction
from typing import Any

import sympy as sp

from gmm_math.derivations.check.claims import (
    LimitCase,
    LimitResult,
    compose,
    definite_sign,
    domain_direction,
    equivalence,
    is_written_limit,
    limit_by_cases,
    named_symbol,
    naming,
    normal_sums,
    parse_point,
    show_expr,
    plan_steps,
    read_limit,
    read_line,
    replace_names,
    same_value,
)
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.check.latex import latex_to_ascii, steps_text
from gmm_math.derivations.check.assumptions import WeightSum
from gmm_math.derivations.check.calculus import expand_definitions, same_dummies, uses_families
from gmm_math.derivations.check.conditions import Role, plan_roles
from gmm_math.numerics.check.conditions import check_consequence
from gmm_math.derivations.check.grammar import is_latex, warm
from gmm_math.derivations.check.names import check_name
from gmm_math.derivations.check.parser import Context, parse_assumptions
from gmm_math.derivations.check.safety import Unreadable, check_text
from gmm_math.numerics.check.evidence import (
    PROBE_POINTS,
    DomainProbe,
    LimitEvidence,
    RelationCheck,
    Undefined,
    domain_probe,
    instances,
    limit_evidence,
    mp_value,
    relation_check,
    respects,
    show,
    spot_check,
    to_mp,
)
from gmm_math.numerics.check.evidence import mp_inf, mp_is_inf
from gmm_math.numerics.check.time_limit import Outcome, ignore_partial, run_limited

DEFAULT_TIMEOUT = 10.0
DEFAULT_TOTAL_TIMEOUT = 120.0
LINE_VERDICTS = ("equal", "implied", "fails", "undecided", "unreadable", "assumption", "definition", "comment",
                 "condition")
Report = dict[str, Any]
Result = dict[str, Any]  # {"report": Report, "summary": str}


def report(kind: str, verdict: str, symbolic: str | None = None, numeric: Sequence[dict] = (),
           cases: list[dict] | None = None, counterexample: dict | None = None,
           lines: list[dict] | None = None, evidence: str | None = None, tried: str | None = None,
           hints: Sequence[str] = (), conclusions: list[dict] | None = None, domains: dict | None = None) -> Report:
    """A report with exactly the keys of the JSON contract."""
    return {"verdict": verdict, "kind": kind, "symbolic": symbolic, "numeric": list(numeric),
            "cases": cases, "counterexample": counterexample, "lines": lines, "evidence": evidence,
            "tried": tried, "hints": list(dict.fromkeys(hints)), "conclusions": conclusions, "domains": domains}


def _result(report_: Report, summary: str) -> Result:
    return {"report": report_, "summary": summary}


def _verdict(verdicts: Iterable[str]) -> str:
    verdicts = list(verdicts)
    return "fails" if "fails" in verdicts else ("undecided" if "undecided" in verdicts else "holds")


# ----------------------------------------------------------------------------------------------
# one relation, decided both ways

_HOLDING = {"=": "equal", "<=": "implied", ">=": "implied", "<": "implied", ">": "implied"}


def _value(value: Any) -> str:
    return "undefined over the reals" if value is None else show(value)


def _entry(check: RelationCheck) -> dict:
    return {"at": check.point, "lhs": show(check.lhs), "rhs": show(check.rhs), "agrees": check.holds}


def _feedback(lhs: sp.Expr, rhs: sp.Expr) -> str | None:
    """What differs between two sides, in the student's terms: a missing term or a factor."""
    try:
        left, right = normal_sums(lhs), normal_sums(rhs)
        difference = sp.simplify(left - right)
    except (ValueError, TypeError, ArithmeticError, RecursionError, AttributeError, NotImplementedError):
        return None
    if difference == 0 or difference.has(sp.zoo, sp.nan):
        return None
    terms = {}
    for side, expr in (("left", left), ("right", right)):
        for term in sp.Add.make_args(expr):
            coefficient, rest = term.as_coeff_Mul()
            terms.setdefault(rest, {})[side] = coefficient
    differing = [rest for rest, sides in terms.items() if sides.get("left", 0) != sides.get("right", 0)]
    if len(differing) == 1 and len(terms[differing[0]]) == 2 and differing[0] != 1 \
            and (terms[differing[0]]["right"] / terms[differing[0]]["left"]).is_positive:
        sides = terms[differing[0]]
        return (f"the {show_expr(differing[0])} term is off by a factor {sides['right'] / sides['left']}: the right "
                f"side has {show_expr(sides['right'] * differing[0])}, the left side "
                f"{show_expr(sides['left'] * differing[0])}")
    if not sp.expand(difference).is_Add:
        return f"the right side is missing {show_expr(difference)} (left - right = {show_expr(difference)})"
    ratio = sp.simplify(left / right) if right != 0 else None
    if ratio is not None and ratio.is_number and ratio.is_finite and ratio != 0:
        return f"the left side is {ratio} times the right side"
    return f"left - right = {_short_text(show_expr(difference))}"


def _short_text(value: object, limit: int = 120) -> str:
    text = str(value)
    return text if len(text) <= limit else text[:limit] + "..."


def _numbers(checks: Sequence[RelationCheck]) -> tuple[int, RelationCheck | None]:
    return sum(check.holds is True for check in checks), next((c for c in checks if c.holds is False), None)


def _point_text(point: Mapping[str, Any]) -> str:
    return ", ".join(f"{name} = {value}" for name, value in point.items()) or "any point"


def _symbolic_sign(difference: sp.Expr) -> str | None:
    """'nonnegative', 'positive', 'negative', 'nonpositive' or None, of rhs - lhs."""
    for candidate in (difference, normal_sums(difference)):
        for fact in ("positive", "nonnegative", "negative", "nonpositive"):
            if getattr(candidate, f"is_{fact}"):
                return fact
    return definite_sign(difference) or _log_sign(difference)


def _log_sign(difference: sp.Expr) -> str | None:
    """log(A) - log(B) with A, B > 0 has the sign of A - B (log is increasing)."""
    terms = sp.Add.make_args(difference)
    logs = [term for term in terms if isinstance(term, sp.log)]
    negated = [-term for term in terms if isinstance(-term, sp.log)]
    if len(terms) != 2 or len(logs) != 1 or len(negated) != 1:
        return None
    inner, other = logs[0].args[0], negated[0].args[0]
    if not (inner.is_positive and other.is_positive):
        return None
    gap = sp.expand(inner - other)
    for fact in ("positive", "nonnegative", "negative", "nonpositive"):
        if getattr(gap, f"is_{fact}"):
            return fact
    return definite_sign(gap)


CONSTRAINED_ROUNDS = 6  # draws of instances, at most, to find enough that respect the assumptions


def _constrained_instances(exprs: list[sp.Expr], rng: random.Random,
                           relations: Sequence[tuple[sp.Expr, str, sp.Expr]],
                           weights: Sequence[Any] = ()) -> tuple[list, str]:
    """The numeric instances, without those that break an assumed relation (redrawn up to a bound)."""
    samples, tried = instances(exprs, rng, weights=weights)
    if not relations:
        return samples, tried
    wanted, kept, rounds = len(samples), [], 0
    while True:
        kept.extend(sample for sample in samples if respects(relations, sample, sample.dps))
        rounds += 1
        if len(kept) >= wanted or rounds >= CONSTRAINED_ROUNDS:
            break
        samples, _ = instances(exprs, rng, weights=weights)
    return kept[:wanted], f"{tried}; only instances that respect the assumed relations"


def decide(lhs: sp.Expr, rhs: sp.Expr, relation: str, seed: int, numeric_lhs: sp.Expr | None = None,
           numeric_rhs: sp.Expr | None = None, emit: Any = ignore_partial, weights: Sequence[Any] = (),
           relations: Sequence[tuple[sp.Expr, str, sp.Expr]] = ()) -> dict:
    """Decide ``lhs RELATION rhs`` symbolically (SymPy) and at numeric instances (mpmath).

    ``relations`` are assumed relations (left, relation, right) every numeric instance respects;
    ``weights`` the stated weight sums and covariances the instances are drawn with.
    Returns a dict with ``verdict`` (equal | implied | fails | undecided), ``evidence``
    (symbolic | numeric | None), ``symbolic``, ``numeric`` (entries), ``tried``,
    ``counterexample``, ``feedback`` and a one-line ``summary``.
    """
    numeric_lhs = lhs if numeric_lhs is None else numeric_lhs
    numeric_rhs = rhs if numeric_rhs is None else numeric_rhs
    samples, tried = _constrained_instances([numeric_lhs, numeric_rhs], random.Random(seed), relations, weights)
    checks = [relation_check(numeric_lhs, numeric_rhs, relation, sample) for sample in samples]
    agreed, counter = _numbers(checks)
    probe = None
    if counter is None and samples and any(check.defined != (True, True) for check in checks):
        probe = domain_probe(numeric_lhs, numeric_rhs, relation, samples[0])
        checks.extend(probe.checks)
        agreed, counter = _numbers(checks)
        tried += (f"; where a side was undefined, {PROBE_POINTS} more points in each sign region of "
                  f"{', '.join(probe.symbols)}" if probe.symbols else "")
    numeric = [_entry(check) for check in checks]
    domains = _domains(probe, checks, counter, relation)
    shown_domains = None if probe is None else {
        "symbols": list(probe.symbols), "left": probe.describe("left"), "right": probe.describe("right"),
        "both_defined": sum(check.defined == (True, True) for check in checks), "points": len(checks)}
    counterexample = None if counter is None else {
        "point": counter.point, "lhs": _value(counter.lhs), "rhs": _value(counter.rhs)}
    result = {"verdict": "undecided", "evidence": None, "numeric": numeric, "tried": tried,
              "counterexample": counterexample, "feedback": None, "symbolic": "during symbolic simplification",
              "domains": shown_domains}
    holding = _HOLDING[relation]
    if counter is not None or not agreed:
        emit({**result, "verdict": "fails" if counter else "undecided", "evidence": "numeric" if counter else None,
              "summary": _refuted(counterexample, relation)})
    else:  # what stands if SymPy does not finish in the time limit: the numbers, said to be only that
        emit({**result, "verdict": holding, "evidence": "numeric",
              "summary": f"{holding} at all {agreed} numeric instances that could be evaluated ({tried}); SymPy's "
                         f"check did not finish in the time limit (numeric evidence, not a proof)"})
    if relation == "=":
        facts = [fact for fact in weights if isinstance(fact, WeightSum)]
        found = equivalence(lhs, rhs, facts)
        if not found.proved and (numeric_lhs is not lhs or numeric_rhs is not rhs):
            found = equivalence(numeric_lhs, numeric_rhs, facts)
        symbolic, proved, refuted = found.describe(), found.proved, found.refuted
    else:
        difference = rhs - lhs if relation in ("<=", "<") else lhs - rhs
        sign = _symbolic_sign(difference)
        need = ("positive",) if relation in ("<", ">") else ("positive", "nonnegative")
        proved = sign in need
        refuted = sign in (("negative", "nonpositive") if relation in ("<", ">") else ("negative",))
        shown = "RHS - LHS" if relation in ("<=", "<") else "LHS - RHS"
        symbolic = f"{shown} is {sign}" if sign else f"the sign of {shown} is not decided symbolically"
    result["symbolic"] = symbolic
    if proved and counter is None:
        return {**result, "verdict": holding, "evidence": "symbolic", "summary": f"{holding}: {symbolic}"}
    if domains is not None:
        verdict, summary = domains
        return {**result, "verdict": verdict, "evidence": "numeric" if verdict == "fails" else None,
                "summary": summary}
    if counter is not None and not proved:
        feedback = _feedback(numeric_lhs, numeric_rhs) if relation == "=" else None
        return {**result, "verdict": "fails", "evidence": "numeric", "feedback": feedback,
                "summary": _refuted(counterexample, relation)}
    if refuted and not agreed:
        return {**result, "verdict": "fails", "evidence": "symbolic", "summary": f"not {holding}: {symbolic}",
                "feedback": _feedback(numeric_lhs, numeric_rhs) if relation == "=" else None}
    if proved or refuted:
        return {**result, "summary": "undecided: symbolic and numeric checks disagree",
                "symbolic": f"{symbolic}; the numeric checks disagree"}
    if agreed:
        return {**result, "verdict": holding, "evidence": "numeric",
                "summary": f"{holding} at all {agreed} numeric instances that could be evaluated ({tried}), but "
                           f"SymPy did not prove it (numeric evidence, not a proof)"}
    return {**result, "summary": "undecided: SymPy did not decide it and no numeric instance could be evaluated "
                                 "(undefined over the reals?)"}


def _domains(probe: DomainProbe | None, checks: Sequence[RelationCheck], counter: RelationCheck | None,
             relation: str) -> tuple[str, str] | None:
    """A verdict from the sides' domains, when no point where both are real refutes the relation.

    Never both real: "fails" (the relation says nothing true anywhere); both real somewhere and
    agreeing there, but one side real where the other is not: "undecided" (different domains).
    """
    if probe is None or counter is not None or any(check.limited for check in (*checks, *probe.checks)):
        return None  # what could not be evaluated says nothing about where a side is real
    both = [check for check in checks if check.defined == (True, True)]
    described = [probe.describe("left"), probe.describe("right")]
    sides = f"left {described[0]}, right {described[1]}"
    if not both:
        return "fails", (f"not {_HOLDING[relation]}: the two sides are never both defined over the reals "
                         f"({sides}; {len(checks)} points tried)")
    if any(check.defined[0] != check.defined[1] for check in checks):
        agreed = sum(check.holds is True for check in both)
        needs = next((text.removeprefix("needs ") for text in described if text.startswith("needs ")), None)
        advice = f"; to compare them where both are defined, assume {needs}" if needs else ""
        return "undecided", (f"undecided: {_HOLDING[relation]} at the {agreed} of {len(both)} points where "
                             f"both sides are defined, but the two sides have different domains ({sides})"
                             f"{advice}")
    return None


def _refuted(counterexample: dict | None, relation: str = "=") -> str:
    if counterexample is None:
        return "undecided: time limit reached during symbolic simplification"
    at = _point_text(counterexample["point"])
    if relation == "=":
        return f"not equal: at {at}, LHS = {counterexample['lhs']} but RHS = {counterexample['rhs']}"
    return f"not {relation}: at {at}, LHS = {counterexample['lhs']} and RHS = {counterexample['rhs']}"


# ----------------------------------------------------------------------------------------------
# jobs (run in the worker; arguments are plain text so that they pickle under 'spawn')


def _context(assumptions: Sequence[str], language: str = "auto") -> Context:
    return Context(parse_assumptions(tuple(assumptions), language), language)


def equal_job(lhs_text: str, rhs_text: str, assumptions: tuple[str, ...], seed: int, language: str = "auto", *,
              emit: Any = ignore_partial) -> Result:
    """Symbolic equivalence plus numeric checks of LHS = RHS (parsing included)."""
    context = _context(assumptions, language)
    lhs = context.parse(lhs_text, "left-hand side")
    rhs = context.parse(rhs_text, "right-hand side")
    hints = context.hints
    if lhs == rhs:
        return _result(report("equal", "holds", "LHS and RHS are identical", evidence="symbolic", hints=hints),
                       "equal: LHS and RHS are identical")

    def partial(found: dict) -> None:
        emit(_result(_equal_report(found, hints), found["summary"]))

    found = decide(lhs, rhs, "=", seed, emit=partial, weights=context.constraints, relations=context.relations)
    summary = found["summary"] + (f"; {found['feedback']}" if found["feedback"] else "")
    return _result(_equal_report(found, hints), summary)


def _equal_report(found: dict, hints: Sequence[str]) -> Report:
    verdict = {"equal": "holds", "implied": "holds"}.get(found["verdict"], found["verdict"])
    return report("equal", verdict, found["symbolic"], found["numeric"], counterexample=found["counterexample"],
                  evidence=found["evidence"], tried=found["tried"], hints=hints, domains=found.get("domains"))


def limit_job(expr_text: str, var_name: str | None, to: str | None, claim_text: str | None,
              assumptions: tuple[str, ...], seed: int, language: str = "auto", *,
              emit: Any = ignore_partial) -> Result:
    """The limit by SymPy (split into cases if needed), followed numerically, compared with the claim.

    Without ``var_name`` and ``to`` the expression is a written-out limit, ``limit(EXPR, VAR, POINT)``
    or ``\\lim_{VAR \\to POINT} EXPR``, optionally ``= VALUE`` (the claim, if not given apart).
    """
    context = _context(assumptions, language)
    if var_name is None:
        parts = read_limit(expr_text, context, claim_needed=False)
        if parts["claim"] is not None and claim_text is not None:
            raise GmmMathError("the limit is claimed twice: give its value in the expression (= VALUE) or apart, "
                               "not both", parameter="claim")
        claim = parts["claim"] if claim_text is None else context.parse(claim_text, "claimed limit")
        parse_point(parts["to"])
        return _limit(context, parts["expr"], parts["var"], parts["to"], claim, seed, emit)
    expr = context.parse(expr_text)
    claim = None if claim_text is None else context.parse(claim_text, "claimed limit")
    return _limit(context, expr, var_name, to, claim, seed, emit)


def _limit(context: Context, expr: sp.Expr, var_name: str, to: str, claim: sp.Expr | None, seed: int,
           emit: Any) -> Result:
    var = context.symbol(check_name(var_name))
    if var in context.substitutions:
        raise GmmMathError(f"the limit variable {var_name} has an equality assumption; it cannot also vary")
    if not var.is_Symbol or var.is_integer:
        raise GmmMathError(f"the limit variable {var_name} is a count or an index (an integer); it cannot "
                           f"approach a point")
    point_text, direction = parse_point(to)
    point = context.parse(point_text, "limit point")
    direction = domain_direction(var, point, direction)
    emit(_result(report("limit", "undecided", "while SymPy computed the limit"),
                 "undecided: time limit reached while SymPy computed the limit"))
    result = limit_by_cases(expr, var, point, direction)
    if context.relations:
        result = LimitResult(tuple(case for case in result.cases if _case_possible(case, context.relations))
                             or result.cases, result.note)
    rng = random.Random(seed)
    numeric: list[dict] = []
    verdicts: list[str] = []
    counterexample = None
    for case in result.cases:
        extra = set().union(*(value.free_symbols for value in case.values.values()))
        evidence = [item for side in (("+", "-") if case.side == "+-" else (case.side,))
                    for item in _limit_evidence(case, side, rng, extra, context.relations)]
        numeric.extend(_limit_entry(case, item) for item in evidence)
        verdict, point_shown = _case_verdict(case, evidence, claim, rng)
        if verdict == "fails" and context.relations and _assumed_away(case):
            verdict = "undecided"  # a sum's value case (sum = 0) the assumed relations may rule out: not checked
        verdicts.append(verdict)
        if verdict == "fails" and counterexample is None:
            counterexample = {"condition": _condition(case), "point": point_shown,
                              "limit": str(case.shown_limit), "claim": str(claim)}
    verdict = _verdict(verdicts)
    cases = [{"condition": _condition(case), "limit": _shown_limit(case)} for case in result.cases] \
        if result.split else None
    symbolic = _describe(result)
    summary = _limit_summary(verdict, result, claim, counterexample, numeric)
    if verdict == "undecided" and expr.has(sp.Sum, sp.Product) and not any(entry["agrees"] is False
                                                                           for entry in numeric):
        summary = ("undecided: SymPy cannot take this limit through a sum or product over a general N; name the "
                   "sum and state its sign (let: S = sum(...), then let: S > 0) and write the limit with S")
    return _result(report("limit", verdict, symbolic, numeric, cases, counterexample,
                          evidence="symbolic" if verdict != "undecided" else None, hints=context.hints), summary)


def _assumed_away(case: LimitCase) -> bool:
    """Does the case fix the value of a whole sum or product (whose terms the relations may constrain)?"""
    return any(condition.startswith(("sum(", "prod(")) and " = " in condition for condition in case.conditions)


def _case_possible(case: LimitCase, relations: Sequence[tuple[sp.Expr, str, sp.Expr]]) -> bool:
    """False for a sign case that an assumed relation rules out (x_1 = x_2 under x_1 != x_2)."""
    values = dict(case.values)
    for left, relation, right in relations:
        gap = sp.simplify(left.xreplace(values) - right.xreplace(values))
        if relation == "!=" and gap == 0 or relation in ("<", ">") and gap == 0:
            return False
        if _IMPOSSIBLE.get(relation, lambda _: False)(gap):
            return False  # b > a with a > 0 rules out the case b = 0 (and b < 0)
    return True


# a relation ``left REL right`` is impossible when the sign of left - right is known to contradict it
_IMPOSSIBLE: dict[str, Callable[[sp.Expr], bool]] = {
    ">": lambda gap: gap.is_positive is False, ">=": lambda gap: gap.is_nonnegative is False,
    "<": lambda gap: gap.is_negative is False, "<=": lambda gap: gap.is_nonpositive is False,
}


def _limit_evidence(case: LimitCase, side: str, rng: random.Random, extra: set,
                    relations: Sequence[tuple[sp.Expr, str, sp.Expr]]) -> list[LimitEvidence]:
    """The numeric sequences of a case, at points that respect the assumed relations."""
    found = limit_evidence(case.expr, case.var, case.point, side, case.limit, rng, extra=extra)
    if not relations:
        return found
    values = dict(case.values)
    shifted = [(left.xreplace(values), relation, right.xreplace(values)) for left, relation, right in relations]
    extra = extra | set().union(*(left.free_symbols | right.free_symbols for left, _, right in shifted))
    kept: list[LimitEvidence] = []
    for _ in range(CONSTRAINED_ROUNDS):
        kept.extend(item for item in found if respects(shifted, to_mp(item.point, 30)))
        if len(kept) >= len(found):
            break
        found = limit_evidence(case.expr, case.var, case.point, side, case.limit, rng, extra=extra)
    return kept[:max(1, len(found))]


def _condition(case: LimitCase) -> str | None:
    return " and ".join(case.conditions) or None


def _shown_limit(case: LimitCase) -> str:
    return show_expr(case.shown_limit) if case.limit is not None else f"undecided ({case.reason})"


def _describe(result: LimitResult) -> str:
    if not result.split:
        case = result.cases[0]
        return f"limit = {case.shown_limit}" if case.limit is not None else str(case.reason)
    if all(case.limit is None for case in result.cases):
        return f"SymPy could not take the limit in any of the {len(result.cases)} sign cases it tried"
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
    if same is False:
        # a refutation is shown at a point where the numbers confirm it, or not at all
        witness = next((item for item in evidence if _contradicts(item, claim_here)), None)
        if witness is None and evidence:
            return "undecided", shown
        if witness is not None:
            shown = _display_point(case, witness.point)
    return {True: "holds", False: "fails", None: "undecided"}[same], shown


def _contradicts(item: LimitEvidence, claim: sp.Expr) -> bool:
    """Does the numeric sequence at this point end somewhere other than the claimed value?"""
    try:
        target = mp_value(claim, to_mp(item.point, 30), 30)
    except Undefined:
        # a claim in names the limit does not involve (--claim x_1) is a real number: never +-oo
        return item.estimate in ("+oo", "-oo") and claim.is_finite is True
    if item.estimate == "unclear":
        return False
    if item.estimate in ("+oo", "-oo"):
        return not (target == (mp_inf() if item.estimate == "+oo" else -mp_inf()))
    if mp_is_inf(target):
        return True
    return abs(item.value - target) > 1e-6 * max(1, abs(target))


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
# steps files: one job per line


def _line(verdict: str, reason: str | None = None, evidence: str | None = None, column: int | None = None,
          **extra: Any) -> dict:
    return {"verdict": verdict, "reason": reason, "evidence": evidence, "column": column, **extra}


def _unreadable(err: GmmMathError) -> dict:
    return _line("unreadable", str(err), column=getattr(err, "column", None))


def _step_context(assumptions: tuple[str, ...], definitions: tuple[tuple[str, str], ...],
                  language: str) -> tuple[Context, dict[sp.Symbol, sp.Expr]]:
    """The context of a line (its own assumption or definition included) and the definitions, built."""
    context = _context(assumptions, language)
    built: dict[sp.Symbol, sp.Expr] = {}
    for name, text in definitions:
        symbol = context.symbol(check_name(name))
        if symbol in built:
            raise GmmMathError(f"{name} is defined twice")
        built[symbol] = context.substitute(context.parse(text, f"definition of {name}").xreplace(built))
    return context, built


def _readable(assumptions: tuple[str, ...], definitions: tuple[tuple[str, str], ...],
              language: str) -> tuple[tuple[str, ...], tuple[tuple[str, str], ...], list[str]]:
    """The assumptions and definitions that can be read, and the texts of those that cannot."""
    try:
        _step_context(assumptions, definitions, language)
        return assumptions, definitions, []
    except GmmMathError:
        pass
    kept: tuple[str, ...] = ()
    kept_definitions: tuple[tuple[str, str], ...] = ()
    dropped: list[str] = []
    for text in assumptions:
        try:
            _context((*kept, text), language)
            kept = (*kept, text)
        except GmmMathError:
            dropped.append(text)
    for name, text in definitions:
        try:
            _step_context(kept, (*kept_definitions, (name, text)), language)
            kept_definitions = (*kept_definitions, (name, text))
        except GmmMathError:
            dropped.append(f"{name} = {text}")
    return kept, kept_definitions, dropped


def _without(found: dict, dropped: list[str]) -> dict:
    """A line checked without the unreadable assumptions above: a failure may be theirs, so it is undecided.

    An empty ``assume:`` says nothing, so nothing can depend on it.
    """
    dropped = [text for text in dropped if text.strip()]
    if not dropped:
        return found
    listed = "; ".join(repr(text) for text in dropped)
    if found["verdict"] == "fails":
        return {**found, "verdict": "undecided", "evidence": None,
                "reason": f"fails without the unreadable assumption(s) {listed} above, which may be what it "
                          f"needs: {found['reason']}"}
    if found["verdict"] in ("equal", "implied"):
        return {**found, "reason": f"{found['reason']} (holds even without the unreadable assumption(s) {listed})"}
    return found


def _names(chains: tuple[tuple[str, ...], ...], context: Context) -> dict[sp.Expr, sp.Expr]:
    """The quantities earlier lines named (``log L(sigma) = ...``), as replacements for later lines.

    Each chain is a naming line and the ``= ...`` lines that continue it; the name stands for the
    chain's last expression that could be read (each is the same value when the steps hold).
    """
    names: dict[sp.Expr, sp.Expr] = {}
    context.names = names  # a derivative of a named quantity is taken of its value
    for text, *continued in chains:
        try:
            line = read_line(text, context)
        except GmmMathError:
            continue
        if line.named is None or named_symbol(line.named) in _named_symbols(names):
            continue
        value = line.exprs[-1] if all(relation == "=" for relation in line.relations) else line.exprs[0]
        for later in continued if value is line.exprs[-1] else ():
            try:
                step = read_line(later, context)
            except GmmMathError:
                break
            if not all(relation == "=" for relation in step.relations):
                break
            value = step.exprs[-1]
        names.update(naming(line.named, replace_names(value, names)))
        context.named_functions.add(named_symbol(line.named).name)
    return names


def _named_symbols(names: Mapping[sp.Expr, sp.Expr]) -> set[sp.Expr]:
    return {named_symbol(key) for key in names}


def step_job(kind: str, body: str, previous: str | None, assumptions: tuple[str, ...],
             definitions: tuple[tuple[str, str], ...], adds: str | None, seed: int, language: str = "auto",
             names: tuple[tuple[str, ...], ...] = (), role: Role | None = None, *,
             emit: Any = ignore_partial) -> dict:
    """Check one line of a steps file; never raises for the line's own content (it is 'unreadable').

    An unreadable assumption or definition above does not stop the line: it is checked without it
    (a failure is then only 'undecided').
    """
    own = assumptions[:-1] if adds == "assumptions" else assumptions
    own_definitions = definitions[:-1] if adds == "definitions" else definitions
    own, own_definitions, dropped = _readable(own, own_definitions, language)
    if adds == "assumptions":
        assumptions = (*own, assumptions[-1])
        definitions = own_definitions
    elif adds == "definitions":
        assumptions, definitions = own, (*own_definitions, definitions[-1])
    else:
        assumptions, definitions = own, own_definitions
    try:
        context, built = _step_context(assumptions, definitions, language)
    except GmmMathError as err:
        return _unreadable(err)
    if kind in ("assumption", "definition"):
        return _line(kind)
    try:
        named = _names(names, context)
        if kind == "limit":
            return _without(_limit_line(body, context, seed, emit, named), dropped)
        if role is not None:
            return _without(_role_line(role, previous, context, built, seed, emit, named), dropped)
        return _without(_relation_line(body, previous, context, built, seed, emit, named), dropped)
    except Unreadable as err:
        return _unreadable(err)
    except GmmMathError as err:
        return _line("unreadable", str(err))


def _limit_line(body: str, context: Context, seed: int, emit: Any, names: dict | None = None) -> dict:
    parts = read_limit(body, context)
    parts["expr"], parts["claim"] = (replace_names(parts[key], names or {}) for key in ("expr", "claim"))
    found = _limit(context, parts["expr"], parts["var"], parts["to"], parts["claim"], seed,
                   lambda partial: emit(_line("undecided", partial["summary"], report=partial["report"])))
    verdict = {"holds": "equal"}.get(found["report"]["verdict"], found["report"]["verdict"])
    evidence = "symbolic" if verdict != "undecided" else None
    return _line(verdict, found["summary"].removeprefix(f"{found['report']['verdict']}: "), evidence,
                 report=found["report"])


def _relation_line(body: str, previous: str | None, context: Context, built: dict, seed: int,
                   emit: Any, names: dict | None = None) -> dict:
    names = names or {}
    line = read_line(body, context)
    exprs = [replace_names(expr, names) for expr in line.exprs]
    comparisons: list[tuple[sp.Expr, sp.Expr, str, str]] = []
    first_text = line.name or line.texts[0]
    if line.named is not None and named_symbol(line.named) in _named_symbols(names) | set(built):
        # the name was given a meaning above: this line restates it, and that is checked
        comparisons.append((replace_names(line.named, names), exprs[0], "=", f"{line.name} = {line.texts[0]}"))
    if line.continues is not None:
        if previous is None:
            raise GmmMathError(f"a line starting with {line.continues!r} continues the step above, but there is none")
        try:
            before = read_line(previous, context)
        except GmmMathError:
            return _line("undecided", "the step line above is unreadable: nothing to compare with")
        comparisons.append((replace_names(before.exprs[-1], names), exprs[0], line.continues,
                            "compared with the line above"))
    for index, relation in enumerate(line.relations):
        comparisons.append((exprs[index], exprs[index + 1], relation,
                            f"{line.texts[index]} {relation} {line.texts[index + 1]}"))
    hints = list(context.hints)
    shape = {"continues": line.continues, "relation": _line_relation(line), "start": first_text,
             "end": line.texts[-1]}
    if not comparisons:
        what = f"names {line.name}" if line.name else "starting expression: nothing to compare with"
        return _line("definition", what, hints=hints, **shape)
    decisions: list[tuple[str, dict]] = []
    for lhs, rhs, relation, label in comparisons:
        def partial_line(partial: dict, label: str = label) -> None:  # with the comparisons already decided
            emit(_combine([*decisions, (label, partial)], list(context.hints), shape))

        numeric_lhs, numeric_rhs = _expanded(lhs, rhs, built, context)
        if numeric_lhs is not None and uses_families(lhs, rhs, built):  # gamma[n, k]: only its value is comparable
            lhs, rhs = same_dummies(numeric_lhs), same_dummies(numeric_rhs)
        found = decide(lhs, rhs, relation, seed, numeric_lhs, numeric_rhs, emit=partial_line,
                       weights=context.constraints, relations=context.relations)
        decisions.append((label, found))
    return _combine(decisions, hints, shape)


def _role_line(role: Role, previous: str | None, context: Context, built: dict, seed: int, emit: Any,
               names: dict) -> dict:
    """A condition (stated, held in force), a consequence or restatement (checked against the conditions
    in force: :mod:`gmm_math.numerics.check.conditions`), or a derivative line that ends in ``= 0``."""
    if role.kind == "condition":
        return _line("condition", "a condition (an equation set to 0 to be solved): held in force for the lines "
                                  "below, not an identity")
    if role.kind == "derivative_condition":
        found = _relation_line(role.body, previous, context, built, seed, emit, names)
        reason = f"{found['reason']}; the final '= 0' is a condition, held in force below"
        return {**found, "reason": reason}
    found = check_consequence(role, context, built, names, seed)
    return _line(found.verdict, found.reason, found.evidence)


def _line_relation(line: Any) -> str | None:
    relation = line.continues or "="
    for inner in line.relations:
        relation = compose(relation, inner)
    return relation


def _expanded(lhs: sp.Expr, rhs: sp.Expr, built: dict,
              context: Context) -> tuple[sp.Expr | None, sp.Expr | None]:
    if not built:
        return None, None
    left, right = (expand_definitions(side, built, context.symbol, context.index_symbol) for side in (lhs, rhs))
    return (None, None) if (left, right) == (lhs, rhs) else (left, right)


_RANK = {"fails": 3, "undecided": 2, "implied": 1, "equal": 0}


def _combine(decisions: list[tuple[str, dict]], hints: list[str], shape: dict) -> dict:
    label, worst = max(decisions, key=lambda item: _RANK[item[1]["verdict"]])
    verdict = worst["verdict"]
    evidence = None if verdict == "undecided" else (
        "numeric" if any(found["evidence"] == "numeric" for _, found in decisions) else "symbolic")
    reason = worst["summary"].removeprefix(f"{verdict}: ")
    if len(decisions) > 1 and label == "compared with the line above" or label != "compared with the line above":
        reason = f"{label}: {reason}"
    if worst["feedback"]:
        reason += f"; {worst['feedback']}"
    if hints:
        reason += f" (note: {'; '.join(dict.fromkeys(hints))})"
    return _line(verdict, reason, evidence, hints=hints, found=worst, **shape)


def _settle_line(outcome: Outcome | None, timeout: float | None) -> dict:
    if outcome is None:
        return _line("comment")
    if outcome.status == "ok":
        return outcome.value
    if outcome.status == "skipped":
        return _line("undecided", "the total time limit was reached before this line")
    if outcome.status == "timeout":
        partial = outcome.value
        if partial is not None and partial["verdict"] in ("fails", "equal", "implied"):
            return {**partial, "reason": f"{partial['reason']} (time limit of {timeout:g} s reached afterwards)"}
        return _line("undecided", f"time limit of {timeout:g} s reached")
    if outcome.status == "bad_input":
        return _line("unreadable", outcome.value)
    return _line("undecided", f"computation failed: {outcome.value}")


def check_steps(text: str, *, timeout: float | None = DEFAULT_TIMEOUT,
                total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT, seed: int = 0,
                language: str = "auto") -> Result:
    """Check every line of a steps file; each line gets its own ``timeout``, the file ``total_timeout``.

    Returns a report whose ``lines`` hold one entry per line of ``text`` (verdicts in
    :data:`LINE_VERDICTS`), whose ``counterexample`` (with its ``line``) and ``cases`` are those
    of the first failing line, and whose ``conclusions`` say what each chain of steps concludes.
    """
    # LaTeX frame lines ($$, \begin{aligned}) are read as comments; each line is reported as written
    lines_as_written = text.splitlines()
    plan = [replace(step, text=lines_as_written[step.line - 1].rstrip("\r"))
            for step in plan_steps(steps_text(text, language))]
    warm((text,), language)
    roles = plan_roles(plan)  # conditions (EXPR = 0 after a derivative), consequences (=>), restatements (<=>)
    jobs, owners = [], []
    for step in plan:
        if step.kind == "comment":
            continue
        jobs.append((step_job, (step.kind, step.body, step.previous_text, step.assumptions, step.definitions,
                                step.adds, seed, language, step.names, roles.get(step.line))))
        owners.append(step.line)
    outcomes = dict(zip(owners, run_limited(jobs, timeout, total=total_timeout), strict=True))
    lines, first_failure, hints = [], None, []
    for step in plan:
        found = _settle_line(outcomes.get(step.line), timeout)
        hints.extend(found.get("hints", ()))
        reason = found["reason"]
        if found.get("continues") and step.previous and reason and not reason.startswith("the step line above"):
            reason = f"compared with line {step.previous}: {reason}"
        lines.append({"line": step.line, "text": step.text, "verdict": found["verdict"], "reason": reason,
                      "evidence": found["evidence"], "column": found["column"]})
        if found["verdict"] == "fails" and first_failure is None:
            first_failure = (step.line, found)
    verdicts = [line["verdict"] for line in lines]
    verdict = "fails" if "fails" in verdicts else (
        "undecided" if {"undecided", "unreadable"} & set(verdicts) else "holds")
    counterexample = cases = None
    if first_failure is not None:
        number, found = first_failure
        inner = found.get("report") or {}
        detail = found.get("found") or {}
        counterexample = {"line": number, **(inner.get("counterexample") or detail.get("counterexample") or {})}
        cases = inner.get("cases")
    conclusions = _conclusions(plan, outcomes, timeout)
    summary = _steps_summary(verdict, lines, first_failure, conclusions)
    evidence = None if verdict == "undecided" else (
        "numeric" if any(line["evidence"] == "numeric" for line in lines) else "symbolic")
    return _result(report("steps", verdict, None, [], cases, counterexample, lines, evidence,
                          hints=hints, conclusions=conclusions), summary)


def _conclusions(plan: Sequence[Any], outcomes: Mapping[int, Outcome], timeout: float | None) -> list[dict]:
    """What each chain of step lines concludes (only chains whose every line holds)."""
    chains: list[dict] = []
    current: dict | None = None
    for step in plan:
        if step.kind != "step":
            continue
        found = _settle_line(outcomes.get(step.line), timeout)
        if "relation" not in found:
            current = None
            continue
        holds = found["verdict"] in ("equal", "implied", "definition")
        if found["continues"] is None:
            current = {"from_line": step.line, "to_line": step.line, "relation": found["relation"],
                       "start": found["start"], "end": found["end"], "holds": holds, "steps": 1}
            chains.append(current)
            continue
        if current is None:
            continue
        current.update(to_line=step.line, relation=compose(current["relation"], found["relation"]),
                       end=found["end"], holds=current["holds"] and holds, steps=current["steps"] + 1)
    return [{"from_line": chain["from_line"], "to_line": chain["to_line"], "relation": chain["relation"],
             "text": f"{chain['start']} {chain['relation']} {chain['end']}"}
            for chain in chains if chain["holds"] and chain["relation"] and chain["steps"] > 1]


def _steps_summary(verdict: str, lines: list[dict], first_failure: tuple | None, conclusions: list[dict]) -> str:
    checked = sum(line["verdict"] in ("equal", "implied") for line in lines)
    concluded = "; ".join(f"lines {c['from_line']}-{c['to_line']} conclude {c['text']}" for c in conclusions)
    unreadable = [str(line["line"]) for line in lines if line["verdict"] == "unreadable"]
    texts = {"holds": f"every one of the {checked} checked lines holds",
             "fails": f"line {first_failure[0]} fails" if first_failure else "",
             "undecided": "no line fails, but some are undecided" + (
                 f" or unreadable (line {', '.join(unreadable)})" if unreadable else "")}
    return texts[verdict] + (f"; {concluded}" if concluded else "")


# ----------------------------------------------------------------------------------------------
# public API (every job parses its own input, in the worker, under the time limit)


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
        if found["verdict"] != "fails" and not (found["verdict"] == "holds" and found.get("evidence") == "numeric"):
            found["verdict"] = "undecided"
            return _result(found, f"undecided: {found['symbolic']}")
        return _result(found, partial["summary"])
    return _result(report(kind, "undecided", f"computation failed: {outcome.value}"),
                   f"undecided: the computation failed ({outcome.value})")


def check_limit(expr: str, var: str | None, to: str | None, claim: str | None = None, assume: Sequence[str] = (), *,
                timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0, language: str = "auto") -> Result:
    """Check ``lim_{var -> to} expr`` (= ``claim``, if given).

    Parameters
    ----------
    expr, claim : expressions in the checking language
    var : the limit variable; None (with ``to`` None) when ``expr`` is a written-out limit,
        ``limit(EXPR, sigma, 0, +)`` or ``\\lim_{\\sigma \\to 0^+} EXPR``, optionally ``= VALUE``
    to : the point, with direction: ``"0+"``, ``"0-"``, ``"0"`` (two-sided), ``"1.5"``, ``"oo"``, ``"-oo"``
    assume : assumption strings, e.g. ``["x_n > 0", "mu_j = x_n"]``
    timeout : seconds for the whole check, parsing included; None computes here without a limit
    seed : seed of the random sample points
    language : "auto" (LaTeX when the text has a backslash, ``^{`` or ``&``), "ascii" or "latex"
    """
    if (var is None) != (to is None):
        raise GmmMathError("give both var and to (the variable and its point), or neither: then the expression "
                           "is a written-out limit", parameter=("var", "to"))
    if var is None:
        if not is_written_limit(expr):
            raise GmmMathError("the expression is not a written-out limit, so give var and to (the variable and "
                               "its point), or write limit(EXPR, sigma, 0, +) or \\lim_{\\sigma \\to 0^+} EXPR",
                               parameter=("var", "to"))
    else:
        check_text(var, "limit variable")  # bounded before it is read
        var = str(latex_to_ascii(var)) if is_latex(var) else var  # --var '\\sigma_{k}' is sigma_k
        check_name(var)
        parse_point(to)  # the documented point forms only (a cheap text check)
    for text in (expr, claim, *assume):
        if text is not None:
            check_text(text)
    args = (expr, var, to, claim, tuple(assume), seed, language)
    warm((expr, claim, *assume), language)
    return _settle(run_limited([(limit_job, args)], timeout)[0], "limit", timeout)


def check_equal(lhs: str, rhs: str, assume: Sequence[str] = (), *, timeout: float | None = DEFAULT_TIMEOUT,
                seed: int = 0, language: str = "auto") -> Result:
    """Check ``lhs = rhs`` symbolically and at numeric instances (see :func:`check_limit` for the options)."""
    for text in (lhs, rhs, *assume):
        check_text(text)
    warm((lhs, rhs, *assume), language)
    return _settle(run_limited([(equal_job, (lhs, rhs, tuple(assume), seed, language))], timeout)[0],
                   "equal", timeout)
