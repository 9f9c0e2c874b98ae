"""``gmm-math check`` as a library: symbolic and numeric evidence combined into one verdict.

Everything that reads user text (parsing, building SymPy objects) runs with the SymPy and
mpmath work as jobs under a wall-clock limit in a worker process
(:mod:`gmm_math.numerics.check.time_limit`); bad input found there comes back as
``GmmMathError``. Every ``check_*`` function returns a
:class:`~gmm_math.numerics.check.results.CheckResult`: the typed report (its JSON contract is
:meth:`~gmm_math.numerics.check.results.CheckReport.as_dict`) and a one-sentence summary.

``domains`` (check equal) is set when a side was undefined over the reals at some sample point:
where each side is real, by sign region of the symbols of unknown sign.
"""

from __future__ import annotations

import random
import re
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
from gmm_math.derivations.check.document import read_document
from gmm_math.derivations.check.latex import latex_to_ascii
from gmm_math.derivations.check.assumptions import WeightSum
from gmm_math.derivations.check.calculus import expand_definitions, same_dummies, uses_families
from gmm_math.derivations.check.conditions import Condition, Role, plan_roles
from gmm_math.numerics.check.conditions import check_consequence
from gmm_math.derivations.check.grammar import is_latex, parse_text, warm
from gmm_math.derivations.check.names import INDEX_RANGES, check_name, normal_name, written_spellings
from gmm_math.derivations.printing.text import spelled, spelled_as
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
    rounded_comparison,
    show,
    spot_check,
    to_mp,
)
from gmm_math.numerics.check.evidence import mp_inf, mp_is_inf
from gmm_math.numerics.check.results import (
    Approach,
    CaseLimit,
    ChainLink,
    CheckReport,
    CheckResult,
    Conclusion,
    Counterexample,
    Decision,
    Domains,
    Evidence,
    Instance,
    Kind,
    Line,
    LineResult,
    LineVerdict,
    Summary,
    Verdict,
)
from gmm_math.numerics.check.time_limit import (
    DEFAULT_TIMEOUT,
    DEFAULT_TOTAL_TIMEOUT,
    Outcome,
    Status,
    ignore_partial,
    run_limited,
)



def _verdict(verdicts: Iterable[Verdict]) -> Verdict:
    verdicts = list(verdicts)
    return Verdict.FAILS if Verdict.FAILS in verdicts else (
        Verdict.UNDECIDED if Verdict.UNDECIDED in verdicts else Verdict.HOLDS)


# ----------------------------------------------------------------------------------------------
# one relation, decided both ways

_HOLDING = {"=": LineVerdict.EQUAL, "<=": LineVerdict.IMPLIED, ">=": LineVerdict.IMPLIED, "<": LineVerdict.IMPLIED,
            ">": LineVerdict.IMPLIED}


def _value(value: Any) -> str:
    return "undefined over the reals" if value is None else show(value)


def _entry(check: RelationCheck) -> Instance:
    return Instance(check.point, show(check.lhs), show(check.rhs), check.holds)


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
        return (f"the {show_expr(differing[0])} term is off by a factor {show_expr(sides['right'] / sides['left'])}: "
                f"the right side has {show_expr(sides['right'] * differing[0])}, the left side "
                f"{show_expr(sides['left'] * differing[0])}")
    if not sp.expand(difference).is_Add:
        return f"the right side is missing {show_expr(difference)} (left - right = {show_expr(difference)})"
    ratio = sp.simplify(left / right) if right != 0 else None
    if ratio is not None and ratio.is_number and ratio.is_finite and ratio != 0:
        return f"the left side is {show_expr(ratio)} times the right side"
    return f"left - right = {_short_text(show_expr(difference))}"


def _short_text(value: object, limit: int = 120) -> str:
    """``value`` as text, cut after about ``limit`` characters, never inside a name (sigm... is no name)."""
    text = str(value)
    if len(text) <= limit:
        return text
    cut = text[:limit]
    if re.match(r"\w", text[limit]):
        cut = re.sub(r"\w+$", "", cut)
    return cut + "..."


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
           relations: Sequence[tuple[sp.Expr, str, sp.Expr]] = ()) -> Decision:
    """Decide ``lhs RELATION rhs`` symbolically (SymPy) and at numeric instances (mpmath).

    ``relations`` are assumed relations (left, relation, right) every numeric instance respects;
    ``weights`` the stated weight sums and covariances the instances are drawn with.
    Returns the :class:`~gmm_math.numerics.check.results.Decision` (partial ones are emitted while
    SymPy works: what stands if it does not finish in the time limit).
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
    shown_domains = None if probe is None else Domains(
        tuple(probe.symbols), probe.describe("left"), probe.describe("right"),
        sum(check.defined == (True, True) for check in checks), len(checks))
    counterexample = None if counter is None else Counterexample(counter.point, _value(counter.lhs),
                                                                 _value(counter.rhs))
    result = Decision(LineVerdict.UNDECIDED, None, "during symbolic simplification", numeric, tried, counterexample,
                      None, Summary(""), shown_domains)
    holding = _HOLDING[relation]
    if counter is not None or not agreed:
        emit(replace(result, verdict=LineVerdict.FAILS if counter else LineVerdict.UNDECIDED,
                     evidence=Evidence.NUMERIC if counter else None, summary=_refuted(counterexample, relation)))
    else:  # what stands if SymPy does not finish in the time limit: the numbers, said to be only that
        emit(replace(result, verdict=holding, evidence=Evidence.NUMERIC, summary=Summary(
            f"{holding.value} at all {agreed} numeric instances that could be evaluated ({tried}); SymPy's "
            f"check did not finish in the time limit (numeric evidence, not a proof)")))
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
    result = replace(result, symbolic=symbolic)
    if proved and counter is None:
        return replace(result, verdict=holding, evidence=Evidence.SYMBOLIC, summary=Summary(symbolic, holding.value))
    if domains is not None:
        verdict, summary = domains
        return replace(result, verdict=verdict, evidence=Evidence.NUMERIC if verdict is LineVerdict.FAILS else None,
                       summary=summary)
    if counter is not None and not proved:
        feedback = _feedback(numeric_lhs, numeric_rhs) if relation == "=" else None
        return replace(result, verdict=LineVerdict.FAILS, evidence=Evidence.NUMERIC, feedback=feedback,
                       summary=_refuted(counterexample, relation))
    if refuted and not agreed:
        return replace(result, verdict=LineVerdict.FAILS, evidence=Evidence.SYMBOLIC,
                       summary=Summary(symbolic, f"not {holding.value}"),
                       feedback=_feedback(numeric_lhs, numeric_rhs) if relation == "=" else None)
    if proved or refuted:
        return replace(result, summary=Summary("symbolic and numeric checks disagree", "undecided"),
                       symbolic=f"{symbolic}; the numeric checks disagree")
    if agreed:
        return replace(result, verdict=holding, evidence=Evidence.NUMERIC, summary=Summary(
            f"{holding.value} at all {agreed} numeric instances that could be evaluated ({tried}), but "
            f"SymPy did not prove it (numeric evidence, not a proof)"))
    return replace(result, summary=Summary("SymPy did not decide it and no numeric instance could be evaluated "
                                           "(undefined over the reals?)", "undecided"))


def _domains(probe: DomainProbe | None, checks: Sequence[RelationCheck], counter: RelationCheck | None,
             relation: str) -> tuple[LineVerdict, Summary] | None:
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
        return LineVerdict.FAILS, Summary(f"the two sides are never both defined over the reals "
                                          f"({sides}; {len(checks)} points tried)", f"not {_HOLDING[relation].value}")
    if any(check.defined[0] != check.defined[1] for check in checks):
        agreed = sum(check.holds is True for check in both)
        needs = next((need for need in (probe.needs("left"), probe.needs("right")) if need), None)
        advice = f"; to compare them where both are defined, assume {needs}" if needs else ""
        return LineVerdict.UNDECIDED, Summary(
            f"{_HOLDING[relation].value} at the {agreed} of {len(both)} points where both sides are defined, but "
            f"the two sides have different domains ({sides}){advice}", "undecided")
    return None


def _refuted(counterexample: Counterexample | None, relation: str = "=") -> Summary:
    if counterexample is None:
        return Summary("time limit reached during symbolic simplification", "undecided")
    at = _point_text(counterexample.point)
    if relation == "=":
        return Summary(f"at {at}, LHS = {counterexample.lhs} but RHS = {counterexample.rhs}", "not equal")
    return Summary(f"at {at}, LHS = {counterexample.lhs} and RHS = {counterexample.rhs}", f"not {relation}")


# ----------------------------------------------------------------------------------------------
# jobs (run in the worker; arguments are plain text so that they pickle under 'spawn')


def _context(assumptions: Sequence[str], language: str = "auto") -> Context:
    return Context(parse_assumptions(tuple(assumptions), language), language)


def equal_job(lhs_text: str, rhs_text: str, assumptions: tuple[str, ...], seed: int, language: str = "auto", *,
              emit: Any = ignore_partial) -> CheckResult:
    """Symbolic equivalence plus numeric checks of LHS = RHS (parsing included)."""
    with spelled_as(written_spellings(" ".join((lhs_text, rhs_text, *assumptions)))):  # as the student spells
        context = _context(assumptions, language)
        lhs = context.parse(lhs_text, "left-hand side")
        rhs = context.parse(rhs_text, "right-hand side")
        hints = context.hints
        if lhs == rhs:
            return CheckResult(CheckReport(Kind.EQUAL, Verdict.HOLDS, "LHS and RHS are identical",
                                           evidence=Evidence.SYMBOLIC, hints=tuple(hints)),
                               Summary("LHS and RHS are identical", "equal"))

        def partial(found: Decision) -> None:
            emit(CheckResult(_equal_report(found, hints), found.summary))

        found = decide(lhs, rhs, "=", seed, emit=partial, weights=context.constraints, relations=context.relations)
        return CheckResult(_equal_report(found, hints), found.summary.extended(found.feedback))


def _claim_verdict(verdict: LineVerdict) -> Verdict:
    """A relation's verdict as a claim's: equal or implied is 'holds'."""
    return Verdict.HOLDS if verdict.checked else Verdict(verdict.value)


def _equal_report(found: Decision, hints: Sequence[str]) -> CheckReport:
    return CheckReport(Kind.EQUAL, _claim_verdict(found.verdict), found.symbolic, found.numeric,
                       counterexample=found.counterexample, evidence=found.evidence, tried=found.tried,
                       hints=tuple(hints), domains=found.domains)


def limit_job(expr_text: str, var_name: str | None, to: str | None, claim_text: str | None,
              assumptions: tuple[str, ...], seed: int, language: str = "auto", *,
              emit: Any = ignore_partial) -> CheckResult:
    """The limit by SymPy (split into cases if needed), followed numerically, compared with the claim.

    Without ``var_name`` and ``to`` the expression is a written-out limit, ``limit(EXPR, VAR, POINT)``
    or ``\\lim_{VAR \\to POINT} EXPR``, optionally ``= VALUE`` (the claim, if not given apart).
    """
    written = " ".join(text or "" for text in (expr_text, var_name, claim_text, *assumptions))
    with spelled_as(written_spellings(written)):  # names in messages as the student spells them
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
           emit: Any) -> CheckResult:
    var = context.symbol(check_name(var_name))
    if var in context.substitutions:
        raise GmmMathError(f"the limit variable {spelled(var_name)} has an equality assumption; it cannot also vary")
    if not var.is_Symbol or var.is_integer:
        raise GmmMathError(f"the limit variable {spelled(var_name)} is a count or an index (an integer); it cannot "
                           f"approach a point")
    point_text, direction = parse_point(to)
    point = context.parse(point_text, "limit point")
    direction = domain_direction(var, point, direction)
    emit(CheckResult(CheckReport(Kind.LIMIT, Verdict.UNDECIDED, "while SymPy computed the limit"),
                     Summary("time limit reached while SymPy computed the limit", "undecided")))
    result = limit_by_cases(expr, var, point, direction)
    if context.relations:
        result = LimitResult(tuple(case for case in result.cases if _case_possible(case, context.relations))
                             or result.cases, result.note)
    rng = random.Random(seed)
    numeric: list[Approach] = []
    verdicts: list[Verdict] = []
    counterexample = None
    for case in result.cases:
        extra = set().union(*(value.free_symbols for value in case.values.values()))
        evidence = [item for side in (("+", "-") if case.side == "+-" else (case.side,))
                    for item in _limit_evidence(case, side, rng, extra, context.relations)]
        numeric.extend(_limit_entry(case, item) for item in evidence)
        verdict, point_shown = _case_verdict(case, evidence, claim, rng)
        if verdict is Verdict.FAILS and context.relations and _assumed_away(case):
            verdict = Verdict.UNDECIDED  # a sum's value case (sum = 0) the assumed relations may rule out
        verdicts.append(verdict)
        if verdict is Verdict.FAILS and counterexample is None:
            counterexample = Counterexample(point_shown, of_limit=True, condition=_condition(case),
                                            limit=show_expr(case.shown_limit), claim=show_expr(claim))
    verdict = _verdict(verdicts)
    cases = [CaseLimit(_condition(case), _shown_limit(case)) for case in result.cases] if result.split else None
    symbolic = _describe(result)
    summary = _limit_summary(verdict, result, claim, counterexample, numeric)
    if verdict is Verdict.UNDECIDED and expr.has(sp.Sum, sp.Product) and not any(entry.agrees is False
                                                                                 for entry in numeric):
        summary = Summary("SymPy cannot take this limit through a sum or product over a general N; name the "
                          "sum and state its sign (let: S = sum(...), then let: S > 0) and write the limit with S",
                          "undecided")
    return CheckResult(CheckReport(Kind.LIMIT, verdict, symbolic, numeric, cases, counterexample,
                                   evidence=Evidence.SYMBOLIC if verdict is not Verdict.UNDECIDED else None,
                                   hints=tuple(context.hints)), summary)


def _assumed_away(case: LimitCase) -> bool:
    """Does the case fix the value of a whole sum or product (whose terms the relations may constrain)?"""
    return any(isinstance(quantity, sp.Sum | sp.Product) for quantity in case.fixed)


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
        return f"limit = {show_expr(case.shown_limit)}" if case.limit is not None else str(case.reason)
    if all(case.limit is None for case in result.cases):
        return f"SymPy could not take the limit in any of the {len(result.cases)} sign cases it tried"
    return "depends on the case: " + "; ".join(f"{_condition(case)}: {_shown_limit(case)}"
                                               for case in result.cases)


def _case_verdict(case: LimitCase, evidence: list[LimitEvidence], claim: sp.Expr | None,
                  rng: random.Random) -> tuple[Verdict, dict]:
    shown = _display_point(case, evidence[0].point) if evidence else {}
    if case.limit is None or any(item.agrees is False for item in evidence):
        return Verdict.UNDECIDED, shown
    if claim is None:
        return Verdict.HOLDS, shown
    claim_here = claim.xreplace(dict(case.values))
    same = same_value(case.limit, claim_here)
    if same is None:
        symbols = sorted(case.limit.free_symbols | claim_here.free_symbols, key=sp.default_sort_key)
        checks = spot_check(case.limit, claim_here, symbols, rng)
        counter = next((check for check in checks if check.agrees is False), None)
        if counter is not None:
            return Verdict.FAILS, _display_point(case, counter.point)
        same = True if any(check.agrees for check in checks) else None
    if same is False:
        # a refutation is shown at a point where the numbers confirm it, or not at all
        witness = next((item for item in evidence if _contradicts(item, claim_here)), None)
        if witness is None and evidence:
            return Verdict.UNDECIDED, shown
        if witness is not None:
            shown = _display_point(case, witness.point)
    return {True: Verdict.HOLDS, False: Verdict.FAILS, None: Verdict.UNDECIDED}[same], shown


SLOW_TAIL = 4  # the last steps of a slowly settling sequence that must all move toward SymPy's limit


def _heads_to_the_symbolic_limit(item: LimitEvidence, claim_value: Any) -> bool:
    """A sequence too slow to settle (a log rate) still refutes a claim when, over its last ``SLOW_TAIL``
    steps, it moves strictly toward SymPy's finite limit and ends nearer to it than to the claim."""
    target = item.target
    values = [value for _, value in item.approach if value is not None]
    if target is None or mp_is_inf(target) or mp_is_inf(claim_value) or len(values) < SLOW_TAIL:
        return False
    gaps = [abs(value - target) for value in values[-SLOW_TAIL:]]
    return all(later < earlier for earlier, later in zip(gaps, gaps[1:])) and \
        gaps[-1] < abs(values[-1] - claim_value)


def _contradicts(item: LimitEvidence, claim: sp.Expr) -> bool:
    """Does the numeric sequence at this point end somewhere other than the claimed value?"""
    try:
        target = mp_value(claim, to_mp(item.point, 30), 30)
    except Undefined:
        # a claim in names the limit does not involve (--claim x_1) is a real number: never +-oo
        return item.estimate in ("+oo", "-oo") and claim.is_finite is True
    if item.estimate == "unclear":
        return _heads_to_the_symbolic_limit(item, target)
    if item.estimate in ("+oo", "-oo"):
        return not (target == (mp_inf() if item.estimate == "+oo" else -mp_inf()))
    if mp_is_inf(target):
        return True
    return abs(item.value - target) > 1e-6 * max(1, abs(target))


def _display_point(case: LimitCase, sample: Mapping[sp.Symbol, Fraction]) -> dict[str, str | None]:
    """The sample point in the user's symbols (case symbols mapped back)."""
    shown = {spelled(symbol.name): show(value) for symbol, value in sample.items() if symbol not in case.restore}
    values = to_mp(dict(sample), 30)
    for original, expr in case.values.items():
        try:
            shown[spelled(original.name)] = show(mp_value(expr, values, 30))
        except Undefined:
            shown[spelled(original.name)] = None
    return dict(sorted(shown.items()))


def _limit_entry(case: LimitCase, item: LimitEvidence) -> Approach:
    estimate = show(item.value) if item.estimate == "finite" else item.estimate.replace("+", "")
    return Approach(_condition(case), _display_point(case, item.point),
                    tuple((show(at), show(value)) for at, value in item.approach), estimate, show(item.target),
                    item.agrees)


def _limit_summary(verdict: Verdict, result: LimitResult, claim: sp.Expr | None,
                   counterexample: Counterexample | None, numeric: list[Approach]) -> Summary:
    conflict = any(entry.agrees is False for entry in numeric)
    if verdict is Verdict.FAILS and counterexample is not None:
        where = f" when {counterexample.condition}" if counterexample.condition else ""
        return Summary(f"the limit is {counterexample.limit}{where}, not {counterexample.claim}", "refuted")
    if verdict is Verdict.UNDECIDED:
        return Summary("SymPy's limit and the numeric sequence disagree" if conflict else _describe(result),
                       "undecided")
    if claim is None:
        return Summary(f"the limit {_describe(result)}" if result.split else _describe(result))
    if result.split:
        return Summary(f"the limit is {show_expr(claim)} in every case", "holds")
    return Summary(f"{_describe(result)}, as claimed", "holds")


# ----------------------------------------------------------------------------------------------
# steps files: one job per line


def _unreadable(err: GmmMathError) -> LineResult:
    return LineResult(LineVerdict.UNREADABLE, str(err), column=getattr(err, "column", None))


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


def _without(found: LineResult, dropped: list[str]) -> LineResult:
    """A line checked without the unreadable assumptions above: a failure may be theirs, so it is undecided.

    An empty ``assume:`` says nothing, so nothing can depend on it.
    """
    dropped = [text for text in dropped if text.strip()]
    if not dropped:
        return found
    listed = "; ".join(repr(text) for text in dropped)
    if found.verdict is LineVerdict.FAILS:
        return replace(found, verdict=LineVerdict.UNDECIDED, evidence=None,
                       reason=f"fails without the unreadable assumption(s) {listed} above, which may be what it "
                              f"needs: {found.reason}")
    if found.verdict.checked:
        return replace(found, reason=f"{found.reason} (holds even without the unreadable assumption(s) {listed})")
    return found


def _names(chains: tuple[tuple[str, ...], ...], context: Context,
           in_force: Sequence[Sequence[tuple[int, str, frozenset[str]]]] = ()) -> dict[sp.Expr, sp.Expr]:
    """The quantities earlier lines named (``log L(sigma) = ...``), as replacements for later lines.

    Each chain is a naming line and the ``= ...`` lines that continue it; the name stands for the
    chain's last expression that could be read (each is the same value when the steps hold). A
    naming line that concludes an unknown of a condition in force at it (``in_force``, one list per
    chain) names nothing: it is a conclusion, not a definition.
    """
    names: dict[sp.Expr, sp.Expr] = {}
    context.names = names  # a derivative of a named quantity is taken of its value
    for position, (text, *continued) in enumerate(chains):
        try:
            line = read_line(text, context)
        except GmmMathError:
            continue
        if line.named is None or named_symbol(line.named) in _named_symbols(names):
            continue
        conditions = in_force[position] if position < len(in_force) else ()
        if _concluded(named_symbol(line.named), conditions) is not None:
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


def _unknowns(conditions: tuple[str, ...], context: Context,
              built: Mapping[sp.Symbol, sp.Expr]) -> list[tuple[int, str, frozenset[str]]]:
    """Each condition ``EXPR = 0`` that parses: its position, its text and its unknowns (the names in
    it that no ``let:`` defines: those are held fixed). Only the grammar reads it (no SymPy is built)."""
    defined = {symbol.name for symbol in built}
    found = []
    for position, text in enumerate(conditions):
        try:
            tree, _ = parse_text(text, "condition", "line", context.language)
        except GmmMathError:
            continue
        names = {normal_name(str(token)) for token in tree.scan_values(lambda token: getattr(token, "type", None) == "NAME")}
        found.append((position, text, frozenset(names - defined)))
    return found


def _concluded(symbol: sp.Symbol, conditions: Sequence[tuple[int, str, frozenset[str]]]) -> str | None:
    """The condition (its text) in which ``symbol`` is an unknown, the nearest above, else None."""
    return next((text for _, text, names in reversed(conditions) if symbol.name in names), None)

def step_job(kind: str, body: str, earlier: tuple[tuple[int, str], ...], assumptions: tuple[str, ...],
             definitions: tuple[tuple[str, str], ...], adds: str | None, seed: int, language: str = "auto",
             names: tuple[tuple[str, ...], ...] = (), conditions: tuple[str, ...] = (),
             name_conditions: tuple[int, ...] = (), role: Role | None = None,
             spellings: tuple[tuple[str, str], ...] = (), later: tuple[tuple[str, int], ...] = (), *,
             emit: Any = ignore_partial) -> LineResult:
    """Check one line of a steps file; never raises for the line's own content (it is 'unreadable').

    ``earlier`` are the step lines above (number, text), nearest first; ``conditions`` the
    ``EXPR = 0`` lines above, ``name_conditions`` how many of them were in force at each naming line;
    ``role`` what :func:`~gmm_math.derivations.check.conditions.plan_roles` planned for the line (a
    condition, consequence or restatement: checked by solving), else None. An unreadable assumption or definition
    above does not stop the line: it is checked without it (a failure is then only 'undecided'). ``spellings``
    are the file's spellings of the names read as one (:func:`~gmm_math.derivations.check.names.written_spellings`):
    the line's messages print those names so. ``later`` are the definitions below the line that it uses (name,
    line), already in ``definitions``: the line's reason says so.
    """
    with spelled_as(dict(spellings)):
        found = _step(kind, body, earlier, assumptions, definitions, adds, seed, language, names, conditions,
                      name_conditions, role, emit)
    return _with_later(found, later)


def _with_later(found: LineResult, later: tuple[tuple[str, int], ...]) -> LineResult:
    """The reason of a line read with definitions given below it names them (a marker reads them so)."""
    if not later or found.verdict is LineVerdict.UNREADABLE:
        return found
    listed = ", ".join(f"{name} as defined on line {line}" for name, line in later)
    return replace(found, reason=f"{found.reason} (with {listed}, below)" if found.reason else f"with {listed}, below")


def _step(kind: str, body: str, earlier: tuple[tuple[int, str], ...], assumptions: tuple[str, ...],
          definitions: tuple[tuple[str, str], ...], adds: str | None, seed: int, language: str,
          names: tuple[tuple[str, ...], ...], conditions: tuple[str, ...], name_conditions: tuple[int, ...],
          role: Role | None, emit: Any) -> LineResult:
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
        return LineResult(LineVerdict(kind))
    if kind == "constraint":
        return LineResult(LineVerdict.ASSUMPTION, "a constraint on the weights, read as stated (as PRML 9.9): "
                                                  "held in force for the lines below, not checked")
    try:
        unknowns = _unknowns(conditions, context, built)
        named = _names(names, context, [unknowns[:count] for count in name_conditions])
        if kind == "limit":
            return _without(_limit_line(body, context, seed, emit, named), dropped)
        if role is not None:
            return _without(_role_line(role, earlier, context, built, seed, emit, named), dropped)
        return _without(_relation_line(body, earlier, context, built, seed, emit, named, unknowns), dropped)
    except Unreadable as err:
        return _unreadable(err)
    except GmmMathError as err:
        return LineResult(LineVerdict.UNREADABLE, str(err))


def _limit_line(body: str, context: Context, seed: int, emit: Any, names: dict | None = None) -> LineResult:
    parts = read_limit(body, context)
    parts["expr"], parts["claim"] = (replace_names(parts[key], names or {}) for key in ("expr", "claim"))
    found = _limit(context, parts["expr"], parts["var"], parts["to"], parts["claim"], seed,
                   lambda partial: emit(LineResult(LineVerdict.UNDECIDED, str(partial.summary),
                                                   report=partial.report)))
    verdict = LineVerdict.EQUAL if found.verdict is Verdict.HOLDS else LineVerdict(found.verdict.value)
    evidence = Evidence.SYMBOLIC if verdict is not LineVerdict.UNDECIDED else None
    return LineResult(verdict, found.summary.after(found.verdict.value), evidence, report=found.report)


def _last_readable(earlier: tuple[tuple[int, str], ...], context: Context) -> tuple[Any, int, tuple[int, ...]] | None:
    """The nearest step line above that can be read (parsed, its number, the unreadable lines skipped)."""
    skipped: list[int] = []
    for number, text in earlier:
        try:
            return read_line(text, context), number, tuple(skipped)
        except GmmMathError:
            skipped.append(number)
    return None


def _relation_line(body: str, earlier: tuple[tuple[int, str], ...], context: Context, built: dict, seed: int,
                   emit: Any, names: dict | None = None,
                   unknowns: Sequence[tuple[int, str, frozenset[str]]] = ()) -> LineResult:
    names = names or {}
    line = read_line(body, context)
    exprs = [replace_names(expr, names) for expr in line.exprs]
    comparisons: list[tuple[sp.Expr, sp.Expr, str, str]] = []
    written: dict[int, tuple[str | None, str | None]] = {}  # the sides as typed, for numbers at their precision
    first_text = line.name or line.texts[0]
    known = line.named is not None and named_symbol(line.named) in _named_symbols(names) | set(built)
    if line.named is not None and not known:
        condition = _concluded(named_symbol(line.named), unknowns)
        if condition is not None:
            return _conclusion_line(line, body, unknowns, condition, context, built, seed, names)
    if known:
        # the name was given a meaning above: this line restates it, and that is checked
        comparisons.append((replace_names(line.named, names), exprs[0], "=", f"{line.name} = {line.texts[0]}"))
    bare = line.continues is None and line.named is None and not line.relations
    continues = "=" if bare and earlier else line.continues
    compared_with, skipped = None, ()
    if continues is not None:
        if not earlier:
            raise GmmMathError(f"a line starting with {continues!r} continues the step above, but there is none")
        found = _last_readable(earlier, context)
        if found is None:
            reason = "no step line above can be read: nothing to compare with"
            if bare:
                return LineResult(LineVerdict.DEFINITION, f"starting expression: {reason}", hints=tuple(context.hints),
                                  chain=ChainLink(None, "=", first_text, line.texts[-1]))
            return LineResult(LineVerdict.UNDECIDED, reason, skipped=tuple(number for number, _ in earlier))
        before, compared_with, skipped = found
        written[len(comparisons)] = (None, line.texts[0])
        comparisons.append((replace_names(before.exprs[-1], names), exprs[0], continues, _ABOVE))
    for index, relation in enumerate(line.relations):
        written[len(comparisons)] = (line.texts[index], line.texts[index + 1])
        comparisons.append((exprs[index], exprs[index + 1], relation,
                            f"{line.texts[index]} {relation} {line.texts[index + 1]}"))
    hints = tuple(context.hints)
    shape = ChainLink(continues, _line_relation(line, continues), first_text, line.texts[-1])
    if not comparisons:
        what = f"names {line.name}" if line.name else "starting expression: nothing to compare with"
        return LineResult(LineVerdict.DEFINITION, what, hints=hints, chain=shape)
    decisions: list[tuple[str, Decision]] = []
    for position, (lhs, rhs, relation, label) in enumerate(comparisons):
        rounded = _at_precision(lhs, rhs, relation, written.get(position, (None, None)), built)
        if rounded is not None:
            decisions.append((label, rounded))
            continue

        def partial_line(partial: Decision, label: str = label) -> None:  # with the comparisons already decided
            emit(replace(_combine([*decisions, (label, partial)], tuple(context.hints), shape),
                         compared_with=compared_with, skipped=skipped))

        numeric_lhs, numeric_rhs = _expanded(lhs, rhs, built, context)
        if numeric_lhs is not None and uses_families(lhs, rhs, built):  # gamma[n, k]: only its value is comparable
            lhs, rhs = same_dummies(numeric_lhs), same_dummies(numeric_rhs)
        found = decide(lhs, rhs, relation, seed, numeric_lhs, numeric_rhs, emit=partial_line,
                       weights=context.constraints, relations=context.relations)
        decisions.append((label, found))
    return replace(_combine(decisions, hints, shape), compared_with=compared_with, skipped=skipped)


_CONCLUSION = ("not checked: {name} is an unknown of the condition '{condition}' above, so this line is a "
               "conclusion from it, not a definition; it could not be checked as the solution of the conditions "
               "above ({why})")


def _conclusion_line(line: Any, body: str, unknowns: Sequence[tuple[int, str, frozenset[str]]], condition: str,
                     context: Context, built: dict, seed: int, names: dict) -> LineResult:
    """``NAME = ...`` for an unknown of a condition above: checked as a consequence of the conditions in
    force (solved for NAME), else ``not checked`` (never a silent definition)."""
    shape = ChainLink(None, _line_relation(line), line.name or line.texts[0], line.texts[-1])
    unknown = named_symbol(line.named).name
    loose = _loose_names(body, unknowns, built, context)
    if loose:  # N_k with no let: above: nothing the conditions say can decide it
        return LineResult(LineVerdict.NOT_CHECKED, _CONCLUSION.format(
            name=line.name, condition=condition, why=f"{', '.join(loose)} is neither defined above nor in the "
                                                     f"conditions; define it with let: {loose[0]} = ... to check "
                                                     f"this line"), hints=tuple(context.hints), chain=shape)
    role = Role("consequence", body, tuple(Condition(text) for _, text, _ in unknowns), (unknown,))
    try:
        found = check_consequence(role, context, built, names, seed)
    except GmmMathError as err:
        found = None
        why = str(err)
    if found is not None and found.solved:
        return LineResult(found.verdict, f"{spelled(unknown)} is an unknown of the condition above, so this line is a "
                                         f"conclusion, checked as its solution: {found.reason}", found.evidence,
                          hints=tuple(context.hints), chain=shape)
    why = found.reason if found is not None else why
    return LineResult(LineVerdict.NOT_CHECKED, _CONCLUSION.format(name=line.name, condition=condition, why=why),
                      hints=tuple(context.hints), chain=shape)


_NOT_LOOSE = frozenset({*INDEX_RANGES, *INDEX_RANGES.values(), "pi", "E", "oo"})


def _loose_names(body: str, unknowns: Sequence[tuple[int, str, frozenset[str]]], built: Mapping[sp.Symbol, sp.Expr],
                 context: Context) -> list[str]:
    """The names a conclusion uses that no ``let:`` defines and no condition in force mentions (only the grammar
    reads it): such a name may be anything, so the conditions cannot decide the line."""
    tree, _ = parse_text(body, "step", "line", context.language)
    used = {normal_name(str(token)) for token in tree.scan_values(lambda token: getattr(token, "type", None) == "NAME")}
    mentioned = set().union(*(names for _, _, names in unknowns)) | {symbol.name for symbol in built}
    return sorted(used - mentioned - _NOT_LOOSE)


def _role_line(role: Role, earlier: tuple[tuple[int, str], ...], context: Context, built: dict, seed: int,
               emit: Any, names: dict) -> LineResult:
    """A condition (stated, held in force), a consequence or restatement (checked against the conditions
    in force: :mod:`gmm_math.numerics.check.conditions`), or a derivative line that ends in ``= 0``."""
    if role.kind == "condition":
        return LineResult(LineVerdict.CONDITION, "a condition, an equation set to 0 to be solved: held in force "
                                                 "for the lines below, not an identity", hints=tuple(context.hints))
    if role.kind == "derivative_condition":
        found = _relation_line(role.body, earlier, context, built, seed, emit, names)
        return replace(found, reason=f"{found.reason}; the final '= 0' is a condition, held in force below")
    if not role.conditions:  # a consequence of nothing must hold everywhere: an ordinary step ("therefore 1 - 1/8 = 7/8")
        return _relation_line(role.body, earlier, context, built, seed, emit, names)
    found = check_consequence(role, context, built, names, seed)
    return LineResult(found.verdict, found.reason, found.evidence, hints=tuple(context.hints))


def _at_precision(lhs: sp.Expr, rhs: sp.Expr, relation: str, texts: tuple[str | None, str | None],
                  built: dict) -> Decision | None:
    """A side written as a decimal (``= 0.9994``) against the other side's exact value rounded to its digits."""
    if relation != "=":
        return None
    for value, text in ((lhs, texts[1]), (rhs, texts[0])):
        found = rounded_comparison(value.xreplace(built) if built else value, text) if text else None
        if found is not None:
            return Decision(LineVerdict.EQUAL if found.holds else LineVerdict.FAILS, Evidence.SYMBOLIC, None, [],
                            "the exact value at 40 digits, rounded as written", None, None, Summary(found.describe()))
    return None


def _line_relation(line: Any, continues: str | None = None) -> str | None:
    relation = continues or line.continues or "="
    for inner in line.relations:
        relation = compose(relation, inner)
    return relation


def _expanded(lhs: sp.Expr, rhs: sp.Expr, built: dict,
              context: Context) -> tuple[sp.Expr | None, sp.Expr | None]:
    if not built:
        return None, None
    left, right = (expand_definitions(side, built, context.symbol, context.index_symbol) for side in (lhs, rhs))
    return (None, None) if (left, right) == (lhs, rhs) else (left, right)


_RANK = {LineVerdict.FAILS: 3, LineVerdict.UNDECIDED: 2, LineVerdict.IMPLIED: 1, LineVerdict.EQUAL: 0}
_ABOVE = "compared with the line above"


def _combine(decisions: list[tuple[str, Decision]], hints: tuple[str, ...], shape: ChainLink) -> LineResult:
    label, worst = max(decisions, key=lambda item: _RANK[item[1].verdict])
    verdict = worst.verdict
    evidence = None if verdict is LineVerdict.UNDECIDED else (
        Evidence.NUMERIC if any(found.evidence is Evidence.NUMERIC for _, found in decisions) else Evidence.SYMBOLIC)
    reason = worst.summary.after(verdict.value)
    if len(decisions) > 1 or label != _ABOVE:
        reason = f"{label}: {reason}"
    if worst.feedback:
        reason += f"; {worst.feedback}"
    if hints:
        reason += f" (note: {'; '.join(dict.fromkeys(hints))})"
    return LineResult(verdict, reason, evidence, hints=hints, decision=worst, chain=shape)


def _settle_line(outcome: Outcome | None, timeout: float | None) -> LineResult:
    if outcome is None:
        return LineResult(LineVerdict.COMMENT)
    if outcome.status is Status.OK:
        return outcome.value
    if outcome.status is Status.SKIPPED:
        return LineResult(LineVerdict.UNDECIDED, "the total time limit was reached before this line")
    if outcome.status is Status.TIMEOUT:
        partial = outcome.value
        if partial is not None and partial.verdict in (LineVerdict.FAILS, LineVerdict.EQUAL, LineVerdict.IMPLIED):
            return replace(partial, reason=f"{partial.reason} (time limit of {timeout:g} s reached afterwards)")
        return LineResult(LineVerdict.UNDECIDED, f"time limit of {timeout:g} s reached")
    if outcome.status is Status.BAD_INPUT:
        return LineResult(LineVerdict.UNREADABLE, outcome.value)
    return LineResult(LineVerdict.UNDECIDED, _INTERNAL)


# what an internal failure says (its exception text is for the developers, never the user)
_INTERNAL = ("the computation failed inside the checker (an internal error, not a verdict on this line; "
             "please report it with the file)")


def check_steps(text: str, *, timeout: float | None = DEFAULT_TIMEOUT,
                total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT, seed: int = 0,
                language: str = "auto") -> CheckResult:
    """Check every line of a steps file; each line gets its own ``timeout``, the file ``total_timeout``.

    Returns a report whose ``lines`` hold one entry per line of ``text``, whose ``counterexample``
    (with its ``line``) and ``cases`` are those of the first failing line, and whose
    ``conclusions`` say what each chain of steps concludes.
    """
    # LaTeX frame lines ($$, \begin{aligned}) are read as comments; each line is reported as written
    document = read_document(text, language)  # prose, annotations, two relations on a row: see document.py
    plan = [replace(step, text=document.shown(step.line)) for step in plan_steps(document.text)]
    warm((text,), language)
    roles = plan_roles(plan)  # conditions (EXPR = 0 after a derivative), consequences (=>), restatements (<=>)
    spellings = tuple(written_spellings(text).items())  # lambda, not lam, in messages when the file says lambda
    jobs, owners = [], []
    for step in plan:
        if step.kind == "comment":
            continue
        jobs.append((step_job, (step.kind, step.body, step.earlier, step.assumptions, step.definitions,
                                step.adds, seed, language, step.names, step.conditions, step.name_conditions,
                                roles.get(step.line), spellings, step.later)))
        owners.append(step.line)
    outcomes = dict(zip(owners, run_limited(jobs, timeout, total=total_timeout), strict=True))
    settled = [(step, _settle_line(outcomes.get(step.line), timeout)) for step in plan]
    lines, first_failure, hints = [], None, []
    for step, found in settled:
        hints.extend(found.hints)
        reason = _said_compared(found, document.origin)
        if document.note(step.line):
            reason = f"{reason}; {document.note(step.line)}" if reason else document.note(step.line)
        lines.append(Line(document.origin(step.line), step.text, found.verdict, reason, found.evidence, found.column))
        if found.verdict is LineVerdict.FAILS and first_failure is None:
            first_failure = (step.line, found)
    verdict = _steps_verdict({line.verdict for line in lines})
    counterexample = cases = None
    if first_failure is not None:
        number, found = first_failure
        inner = found.report.counterexample if found.report is not None else None
        detail = found.decision.counterexample if found.decision is not None else None
        counterexample = replace(inner or detail or Counterexample(), line=document.origin(number))
        cases = found.report.cases if found.report is not None else None
    conclusions = _conclusions(settled)
    conclusions = [replace(chain, from_line=document.origin(chain.from_line), to_line=document.origin(chain.to_line))
                   for chain in conclusions]
    first_failure = first_failure and (document.origin(first_failure[0]), first_failure[1])
    summary = _steps_summary(verdict, lines, first_failure, conclusions)
    evidence = None if verdict is Verdict.UNDECIDED else (
        Evidence.NUMERIC if any(line.evidence is Evidence.NUMERIC for line in lines) else Evidence.SYMBOLIC)
    return CheckResult(CheckReport(Kind.STEPS, verdict, None, [], cases, counterexample, lines, evidence,
                                   hints=tuple(hints), conclusions=conclusions), summary)


def _conclusions(settled: Sequence[tuple[Any, LineResult]]) -> list[Conclusion]:
    """What each chain of step lines concludes (only chains whose every line holds)."""
    chains: list[dict] = []
    current: dict | None = None
    for step, found in settled:
        if step.kind != "step":
            continue
        if found.chain is None:
            current = None
            continue
        link, holds = found.chain, found.verdict.holding
        if link.continues is None:
            current = {"from_line": step.line, "to_line": step.line, "relation": link.relation,
                       "start": link.start, "end": link.end, "holds": holds, "steps": 1}
            chains.append(current)
            continue
        if current is None:
            continue
        current.update(to_line=step.line, relation=compose(current["relation"], link.relation),
                       end=link.end, holds=current["holds"] and holds, steps=current["steps"] + 1)
    return [Conclusion(chain["from_line"], chain["to_line"], chain["relation"],
                       f"{chain['start']} {chain['relation']} {chain['end']}")
            for chain in chains if chain["holds"] and chain["relation"] and chain["steps"] > 1]


def _said_compared(found: LineResult, origin: Callable[[int], int] = lambda number: number) -> str | None:
    """The line's reason, saying which line above it was compared with (and which unreadable ones it skipped);
    ``origin`` maps a planned line to the file's line number."""
    if found.compared_with is None or not found.reason:
        return found.reason
    if not found.skipped:
        return f"compared with line {origin(found.compared_with)}: {found.reason}"
    skipped = ", ".join(map(str, sorted({origin(number) for number in found.skipped})))
    return (f"compared with line {found.compared_with}, the last readable line above (line {skipped} could not be "
            f"read): {found.reason}")


def _steps_verdict(verdicts: set[LineVerdict]) -> Verdict:
    """FAILS when a line fails; NOTHING_CHECKED when no line was compared; UNDECIDED when a line is
    undecided, unreadable or not checked; else HOLDS."""
    if LineVerdict.FAILS in verdicts:
        return Verdict.FAILS
    if not verdicts & COMPARED:
        return Verdict.NOTHING_CHECKED
    if verdicts & {LineVerdict.UNDECIDED, LineVerdict.UNREADABLE, LineVerdict.NOT_CHECKED}:
        return Verdict.UNDECIDED
    return Verdict.HOLDS


COMPARED = frozenset({LineVerdict.EQUAL, LineVerdict.IMPLIED, LineVerdict.FAILS, LineVerdict.UNDECIDED})
HOW_TO_STEP = ("write each step under the line it rewrites, as a bare expression or starting with = (or <=, >=), "
               "or as a chain a = b on one line")


def _listed(numbers: Sequence[int]) -> str:
    return f"line{'s' if len(numbers) > 1 else ''} {', '.join(map(str, numbers))}"


def _steps_summary(verdict: Verdict, lines: list[Line], first_failure: tuple | None,
                   conclusions: list[Conclusion]) -> Summary:
    """The verdict in words: what was compared, every failing line, every line left open."""
    numbers = {kind: [line.line for line in lines if line.verdict is kind] for kind in LineVerdict}
    compared = sum(len(numbers[kind]) for kind in COMPARED)
    held = len(numbers[LineVerdict.EQUAL]) + len(numbers[LineVerdict.IMPLIED])
    concluded = "; ".join(f"lines {c.from_line}-{c.to_line} conclude {c.text}" for c in conclusions)
    if verdict is Verdict.NOTHING_CHECKED:
        read = [line for line in lines if line.verdict not in (LineVerdict.COMMENT, LineVerdict.ASSUMPTION)]
        stated_only = all(line.verdict in (LineVerdict.COMMENT, LineVerdict.ASSUMPTION) or (
            line.verdict is LineVerdict.DEFINITION and line.reason is None) for line in lines)  # assume:, let:
        why = ("no line could be read" if read and all(line.verdict is LineVerdict.UNREADABLE for line in read)
               else "the file only states assumptions and definitions" if stated_only
               else "no step line has a line above it to be compared with")
        text = f"no line was compared: {why}; {HOW_TO_STEP}"
    else:
        counts = f"{compared} line{'s' if compared != 1 else ''} compared, {held} hold"
        text = {Verdict.HOLDS: f"every one of the {held} checked lines holds",
                Verdict.FAILS: f"{_listed(numbers[LineVerdict.FAILS])} "
                               f"fail{'s' if len(numbers[LineVerdict.FAILS]) == 1 else ''} ({counts})",
                Verdict.UNDECIDED: f"no line fails, but not every line is decided ({counts})"}[verdict]
    open_ = [f"{_listed(numbers[kind])} {word}" for kind, word in (
        (LineVerdict.UNDECIDED, "undecided"), (LineVerdict.UNREADABLE, "unreadable"),
        (LineVerdict.NOT_CHECKED, "not checked (a conclusion from a condition)")) if numbers[kind]]
    if open_ and verdict is not Verdict.HOLDS:
        text += "; " + "; ".join(open_)
    return Summary(text + (f"; {concluded}" if concluded else ""))


# ----------------------------------------------------------------------------------------------
# public API (every job parses its own input, in the worker, under the time limit)


def _settle(outcome: Outcome, kind: Kind, timeout: float | None) -> CheckResult:
    if outcome.status is Status.OK:
        return outcome.value
    if outcome.status is Status.BAD_INPUT:
        raise GmmMathError(outcome.value)
    if outcome.status is Status.TIMEOUT:
        partial = outcome.value or CheckResult(CheckReport(kind, Verdict.UNDECIDED), Summary("undecided"))
        found = partial.report
        phase = f" {found.symbolic}" if found.symbolic else ""
        found = replace(found, symbolic=f"time limit of {timeout:g} s reached{phase}")
        if found.verdict is not Verdict.FAILS and not (found.verdict is Verdict.HOLDS
                                                       and found.evidence is Evidence.NUMERIC):
            found = replace(found, verdict=Verdict.UNDECIDED)
            return CheckResult(found, Summary(found.symbolic, "undecided"))
        return CheckResult(found, partial.summary)
    return CheckResult(CheckReport(kind, Verdict.UNDECIDED, "the computation failed"), Summary(_INTERNAL, "undecided"))


def check_limit(expr: str, var: str | None, to: str | None, claim: str | None = None, assume: Sequence[str] = (), *,
                timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0, language: str = "auto") -> CheckResult:
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
    return _settle(run_limited([(limit_job, args)], timeout)[0], Kind.LIMIT, timeout)


def check_equal(lhs: str, rhs: str, assume: Sequence[str] = (), *, timeout: float | None = DEFAULT_TIMEOUT,
                seed: int = 0, language: str = "auto") -> CheckResult:
    """Check ``lhs = rhs`` symbolically and at numeric instances (see :func:`check_limit` for the options)."""
    for text in (lhs, rhs, *assume):
        check_text(text)
    warm((lhs, rhs, *assume), language)
    return _settle(run_limited([(equal_job, (lhs, rhs, tuple(assume), seed, language))], timeout)[0],
                   Kind.EQUAL, timeout)
