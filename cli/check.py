"""``gmm-math check``: is this limit, this equation, this derivation right? Safe on any input."""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from pathlib import Path
from typing import Annotated, Any

import typer
from typer.core import TyperCommand

from gmm_math.cli.options import OutputFormat, TextOrJson as Format, option, option_group
from gmm_math.derivations.core.data import read_text_file
from gmm_math.derivations.core.errors import GmmMathError

MAX_STEPS_FILE = 1_000_000
EXIT_CODES = {"holds": 0, "fails": 1, "undecided": 3, "nothing checked": 3}  # by verdict value
MARKS = {"equal": "equal", "implied": "implied", "fails": "FAILS", "undecided": "undecided",
         "unreadable": "UNREADABLE", "assumption": "assume", "definition": "define", "comment": "",
         "not checked": "UNCHECKED", "condition": "condition"}
SHOWN_STEPS = (1, 8, 16)  # which k of var = 10^-k the text output shows

app = typer.Typer(
    help="Check a student's reasoning: a limit, an equation, or a derivation file line by line. "
         "Exit codes: 0 holds, 1 refuted, 2 bad input, 3 undecided (time limit or no evidence) or nothing "
         "checked.",
    no_args_is_help=True,
)


Assume = Annotated[list[str] | None, typer.Option(
    "--assume", "-a", help='An assumption: "x_n > 0", "d != 0", "mu_j = x_n" (repeatable).')]
Timeout = Annotated[float, typer.Option("--timeout", min=0.1, max=3600.0,
                                        help="Seconds allowed per claim; then the verdict is 'undecided'.")]
Seed = Annotated[int, typer.Option("--seed", min=0, help="Seed of the random numeric sample points.")]


class InputLanguage(str, Enum):
    auto = "auto"
    ascii = "ascii"
    latex = "latex"


Input = Annotated[InputLanguage, typer.Option(
    "--input", case_sensitive=False,
    help="The input language: auto (LaTeX when a text has a backslash, ^{ or &), ascii or latex.")]


@dataclass(frozen=True)
class ClaimOptions:
    """What ``check limit`` and ``check equal`` take after their expressions: the assumptions, the output
    format, and ``decide``, the runner's keyword arguments (timeout, seed, input language)."""

    assume: tuple[str, ...]
    output: OutputFormat
    decide: dict[str, Any]


def _claim_options(assume: list[str] | None, output: OutputFormat, timeout: float, seed: int,
                   language: InputLanguage) -> ClaimOptions:
    return ClaimOptions(tuple(assume or ()), output, {"timeout": timeout, "seed": seed, "language": language.value})


# Decorator: --assume --format --timeout --seed --input in place of ``options: ClaimOptions``.
with_claim_options = option_group("options", (
    option("assume", Assume, None), option("output", Format, OutputFormat.text), option("timeout", Timeout, 10.0),
    option("seed", Seed, 0), option("language", Input, InputLanguage.auto)), _claim_options)


class ExpressionCommand(TyperCommand):
    """A command whose arguments may start with '-' (``check equal "-log(x)" "log(1/x)"``, no '--' needed).

    Every token that is neither an option of the command nor an option's value is an argument.
    """

    def parse_args(self, ctx: Any, args: list[str]) -> list[str]:
        names: dict[str, bool] = dict.fromkeys(ctx.help_option_names, False)  # -h is help, not an expression
        for param in self.params:
            for name in (*getattr(param, "opts", ()), *getattr(param, "secondary_opts", ())):
                if name.startswith("-"):
                    names[name] = not getattr(param, "is_flag", False) and not getattr(param, "count", False)
        options, positionals, rest = [], [], list(args)
        while rest:
            token = rest.pop(0)
            if token == "--":
                positionals.extend(rest)
                break
            key = token.split("=", 1)[0]
            if key in names:
                options.append(token)
                if names[key] and "=" not in token and rest:
                    options.append(rest.pop(0))
            elif token.startswith("-") and len(token) > 1 and not token.lstrip("-").isalpha():
                positionals.append(token)
            elif token.startswith("-") and len(token) > 1 and token.startswith("--"):
                options.append(token)  # an unknown long option: click reports it
            else:
                positionals.append(token)
        return super().parse_args(ctx, [*options, "--", *positionals] if positionals else options)


def _finish(result: Any, output: OutputFormat, header: list[str]) -> None:
    """Print a :class:`~gmm_math.numerics.check.results.CheckResult` as text or JSON; exit with its verdict's code."""
    if output is OutputFormat.json:
        from gmm_math.cli.schema import json_text

        typer.echo(json_text(result.report.as_dict()))
    else:
        typer.echo("\n".join([*header, *_RENDER[result.report.kind.value](result)]))
    raise typer.Exit(EXIT_CODES[result.verdict.value])


def _at(point: dict[str, Any]) -> str:
    """Where a counterexample is: "at x = 1, y = 2", or "as written" when the relation names nothing to choose."""
    return "at " + ", ".join(f"{name} = {value}" for name, value in point.items()) if point else "as written"


def _render_limit(result: Any) -> list[str]:
    found = result.report
    lines = [result.headline, f"symbolic (SymPy): {found.symbolic}"]
    for case in found.cases or []:
        lines.append(f"  case {case.condition}: limit {case.limit}")
    steps = max((len(entry.approach) for entry in found.numeric), default=0)
    if steps:
        lines.append(f"numeric (mpmath, the variable at distance 10^-k from its point, k = 1..{steps}):")
    shown_cases: dict[Any, list[bool | None]] = {}
    for entry in found.numeric:
        verdicts = shown_cases.setdefault(entry.case, [])
        verdicts.append(entry.agrees)
        if len(verdicts) > 1:
            continue
        where = f"[{entry.case}] " if entry.case else ""
        approach = ", ".join(f"{entry.approach[k - 1][0]} -> {entry.approach[k - 1][1]}"
                             for k in SHOWN_STEPS if k <= len(entry.approach))
        lines.append(f"  {where}{_at(entry.at)}: {approach}")
    for case, verdicts in shown_cases.items():
        where = f"[{case}] " if case else ""
        counts = ", ".join(f"{verdicts.count(value)} {label}" for value, label in
                           ((True, "agree"), (False, "DISAGREE"), (None, "inconclusive")) if value in verdicts)
        lines.append(f"  {where}{len(verdicts)} sample point(s) compared with the symbolic limit: {counts}")
    counter = found.counterexample
    if counter:
        when = f"when {counter.condition}, " if counter.condition else ""
        lines.append(f"counterexample: {when}{_at(counter.point)} the limit is {counter.limit}, "
                     f"not {counter.claim}")
    return lines


def _render_equal(result: Any) -> list[str]:
    found = result.report
    lines = [result.headline, f"symbolic (SymPy): {found.symbolic}"]
    tally = [entry.agrees for entry in found.numeric]
    if tally:
        lines.append(f"numeric ({found.tried or 'mpmath'}): {tally.count(True)} agree, "
                     f"{tally.count(False)} differ, {tally.count(None)} undefined")
    for hint in dict.fromkeys(found.hints):
        lines.append(f"note: {hint}")
    counter = found.counterexample
    if counter:
        lines.append(f"counterexample: {_at(counter.point)}: LHS = {counter.lhs}, RHS = {counter.rhs}")
    return lines


def _render_steps(result: Any) -> list[str]:
    found = result.report
    width = min(60, max(len(line.text.rstrip()) for line in found.lines))
    lines = []
    for line in found.lines:
        holding = line.verdict.holding or line.verdict.value == "comment"  # a comment's note informs, never blames
        reason = f"  ({line.reason})" if holding and line.reason else (f"  <- {line.reason}" if line.reason else "")
        if line.evidence is not None and line.evidence.value == "numeric" and holding:
            reason = f"  (numeric evidence only{'; ' + line.reason if line.reason else ''})"
        lines.append(f"{line.line:>4} {MARKS[line.verdict.value]:>10}  {line.text.rstrip():<{width}}{reason}".rstrip())
        column = line.column
        if line.verdict.value == "unreadable" and isinstance(column, int) and 0 < column <= len(line.text):
            lines.append(" " * (4 + 1 + 10 + 2 + column - 1) + "^")  # under the column, in the line as typed
    lines.append(result.headline)
    counter = found.counterexample
    if counter is not None and counter.point is not None and not counter.of_limit:
        # LHS and RHS as in the line's reason: the sides compared (the line above and this one, for "= ...")
        lines.append(f"counterexample (line {counter.line}): {_at(counter.point)}: "
                     f"LHS = {counter.lhs}, RHS = {counter.rhs}")
    elif counter is not None and counter.point is not None:
        when = f"when {counter.condition}, " if counter.condition else ""
        lines.append(f"counterexample (line {counter.line}): {when}{_at(counter.point)} "
                     f"the limit is {counter.limit}, not {counter.claim}")
    for case in found.cases or []:
        lines.append(f"  case {case.condition}: limit {case.limit}")
    return lines


_RENDER = {"limit": _render_limit, "equal": _render_equal, "steps": _render_steps}


@app.command("limit", cls=ExpressionCommand)
@with_claim_options
def limit(
    expr: Annotated[str, typer.Argument(help='The expression, e.g. "N(x_n, mu_j, sigma_j)".')],
    var: Annotated[str | None, typer.Option(
        "--var", help="The variable that moves, e.g. sigma_j (not needed when EXPR is a written-out limit).")] = None,
    to: Annotated[str | None, typer.Option(
        "--to", help="Where it goes: 0+, 0-, 0 (two-sided), a number such as 1.5 (with + or - for one side), `oo` or "
                     "`-oo` for infinity (not needed when EXPR is a written-out limit).")] = None,
    claim: Annotated[str | None, typer.Option("--claim", help="The claimed limit, e.g. `oo` (infinity) or 0.")] = None,
    options: ClaimOptions = None,
) -> None:
    """Compute a one-sided limit with SymPy, follow it numerically with mpmath, compare with a claim.

    EXPR may be the limit written out, with or without its claimed value: "limit(log(sigma), sigma, 0, +) = -oo"
    or "\\lim_{\\sigma \\to 0^+} \\log\\sigma = -\\infty"; then --var and --to are not needed.
    When SymPy finds that the answer depends on the sign of a quantity, the limit is
    split into cases (= 0, > 0, < 0) and reported in each.
    """
    from gmm_math.numerics.check.runner import check_limit

    result = check_limit(expr, var, to, claim, options.assume, **options.decide)
    claimed = f" (claim: {claim})" if claim is not None else ""
    _finish(result, options.output, [f"limit of {expr} as {var} -> {to}{claimed}" if var is not None else f"{expr}{claimed}"])


@app.command("equal", cls=ExpressionCommand)
@with_claim_options
def equal(
    lhs: Annotated[str, typer.Argument(help='Left-hand side, e.g. "log(N(x, mu, sigma))".')],
    rhs: Annotated[str, typer.Argument(help='Right-hand side, e.g. "logN(x, mu, sigma)".')],
    options: ClaimOptions = None,
) -> None:
    """Decide whether LHS = RHS: SymPy simplification plus mpmath spot checks at random points.

    A refutation comes with a counterexample (the point and both values) and, where it can
    be said, what differs. An expression may start with '-': check equal "-log(x)" "log(1/x)".
    """
    from gmm_math.numerics.check.runner import check_equal

    result = check_equal(lhs, rhs, options.assume, **options.decide)
    _finish(result, options.output, [f"{lhs}  =?  {rhs}"])


def _read_steps(file: Path | None, example: str | None) -> tuple[str, str]:
    if (file is None) == (example is None):
        raise GmmMathError("give either a steps FILE or --example NAME (e.g. --example single_collapse_correct)")
    if example is not None:
        from gmm_math.derivations.check.claims import example_path

        return f"the shipped example {example}", read_text_file(example_path(example), MAX_STEPS_FILE,
                                                                "the steps file")
    return str(file), read_text_file(file, MAX_STEPS_FILE, "the steps file")


@app.command("steps")
def steps(
    file: Annotated[Path | None, typer.Argument(help="A derivation, one step per line.")] = None,
    example: Annotated[str | None, typer.Option(
        "--example", help="Check a shipped example instead: general_n_collapse, single_collapse_correct, "
                          "single_collapse_planted_error, em_m_step.")] = None,
    output: Format = OutputFormat.text,
    timeout: Timeout = 10.0,
    total_timeout: Annotated[float, typer.Option(
        "--total-timeout", min=0.1, max=86400.0,
        help="Seconds allowed for the whole file; lines not checked by then are 'undecided'.")] = 120.0,
    seed: Seed = 0,
    language: Input = InputLanguage.auto,
) -> None:
    """Check a derivation line by line: equal / implied / FAILS / undecided / UNREADABLE / UNCHECKED.

    A line is a relation chain (a = b <= c), a continuation of the line above ('= ...',
    '<= ...'), a bare expression (compared with the expression above, as '= ...' would be), or
    'NAME = EXPR' naming an expression (log(L) = ..., L(sigma) = ...); 'NAME = EXPR' for an
    unknown of a condition 'EXPR = 0' above is a conclusion, marked UNCHECKED (not a definition).
    A file in which no line is compared is 'nothing checked' (exit 3), never 'holds'.
    'limit(EXPR, sigma, 0, +) = VALUE' lines are limit claims, 'assume: sigma > 0' lines add
    assumptions below, 'let: S = EXPR' defines a name ('let: S > 0' states a fact about it),
    '#' lines are comments. A line that cannot be read is marked UNREADABLE with the column;
    the rest of the file is still checked.
    """
    name, text = _read_steps(file, example)
    from gmm_math.numerics.check.runner import check_steps

    result = check_steps(text, timeout=timeout, total_timeout=total_timeout, seed=seed, language=language.value)
    _finish(result, output, [f"steps file: {name}"])
