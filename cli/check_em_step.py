"""``gmm-math check em-step``: one EM iteration done by hand, checked number by number."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated, Any

import typer

from gmm_math.cli.options import OutputFormat, TextOrJson
from gmm_math.derivations.core.data import read_text_file
from gmm_math.derivations.core.errors import GmmMathError

MAX_FILE_BYTES = 1_000_000
EXIT_CODES = {"holds": 0, "fails": 1, "nothing checked": 3}
NOTHING_CLAIMED = ("nothing claimed, so nothing was compared: give the numbers to check with --claim-weights, "
                   "--claim-means, --claim-variances or --claim-responsibilities (or a [claims] table in --file)")
SHOWN_DIGITS = 6
FILE_KEYS = {"data", "weights", "means", "covariances", "variances", "claims", "tol"}
FLAGS = {"weights": "--claim-weights", "means": "--claim-means", "variances": "--claim-variances"}


MAX_INTEGER_DIGITS = 300  # as for decimal data: a larger integer is no number the checker works with


def _has_huge_integer(value: Any) -> bool:
    """True when a TOML value holds (at any depth) an integer with more than MAX_INTEGER_DIGITS digits."""
    if isinstance(value, dict):
        return any(_has_huge_integer(v) for v in value.values())
    if isinstance(value, list):
        return any(_has_huge_integer(v) for v in value)
    return isinstance(value, int) and abs(value) >= 10**MAX_INTEGER_DIGITS


def _toml(path: Path) -> dict[str, Any]:
    """The homework file; floats are kept as the text written (their last digit is the claim's precision)."""
    import tomllib

    text = read_text_file(path, MAX_FILE_BYTES, "the homework file")
    try:
        found = tomllib.loads(text, parse_float=str)
    except tomllib.TOMLDecodeError as err:
        raise GmmMathError(f"cannot read the homework file {str(path)!r}: {err}") from None
    except RecursionError:
        raise GmmMathError(f"cannot read the homework file {str(path)!r}: arrays nested too deeply") from None
    except ValueError:  # a decimal integer beyond Python's 4300-digit conversion limit
        raise GmmMathError(f"cannot read the homework file {str(path)!r}: an integer has more than "
                           f"{MAX_INTEGER_DIGITS} digits") from None
    if _has_huge_integer(found):  # hex, octal or binary integers are converted without that limit
        raise GmmMathError(f"cannot read the homework file {str(path)!r}: an integer has more than "
                           f"{MAX_INTEGER_DIGITS} digits")
    unknown = set(found) - FILE_KEYS
    if unknown:
        raise GmmMathError(f"the homework file has an unknown key {sorted(unknown)[0]!r} "
                           f"(expected {', '.join(sorted(FILE_KEYS))})")
    if "variances" in found and "covariances" in found:
        raise GmmMathError("the homework file gives both variances and covariances; give one")
    if "data" not in found or "means" not in found:
        raise GmmMathError("the homework file needs data and means (and weights, variances or covariances)")
    claims = found.get("claims", {})
    if not isinstance(claims, dict):
        raise GmmMathError("claims in the homework file must be a table: [claims]")
    return found


def _file_problem(found: dict[str, Any]) -> tuple[dict, dict, float | None]:
    from gmm_math.numerics.em.hand_step import parse_number

    k = len(found["means"]) if isinstance(found["means"], list) else 0
    start = {"data": found["data"], "weights": found.get("weights", _equal(k)),
             "means": found["means"], "covariances": found.get("covariances", found.get("variances"))}
    if start["covariances"] is None:
        raise GmmMathError("the homework file needs variances (1-D) or covariances")
    tol = found.get("tol")
    return start, found.get("claims", {}), None if tol is None else float(parse_number(tol, "tol"))


def _equal(k: int) -> list[str]:
    return [repr(1 / k)] * k if k else []


def _command_line_problem(data: str, weights: str | None, means: str, variances: str | None,
                          claims: dict[str, str | None], responsibilities: Path | None) -> tuple[dict, dict]:
    from gmm_math.numerics.em.hand_step import parse_list, parse_table

    if ";" in data:
        raise GmmMathError("--data takes 1-D points on the command line; give D > 1 data in --file homework.toml")
    mu = parse_list(means, "--means")
    if variances is not None and any(float(v) <= 0 for v in parse_list(variances, "--variances")):
        raise GmmMathError(f"--variances must all be positive, got {variances}")
    start = {"data": parse_list(data, "--data"), "means": mu,
             "weights": _equal(len(mu)) if weights is None else parse_list(weights, "--weights"),
             "covariances": ["1"] * len(mu) if variances is None else parse_list(variances, "--variances")}
    claimed: dict[str, Any] = {name: parse_list(text, FLAGS[name]) for name, text in claims.items()
                               if text is not None}
    if responsibilities is not None:
        text = read_text_file(responsibilities, MAX_FILE_BYTES, "the responsibilities file")
        claimed["responsibilities"] = parse_table(text, "--claim-responsibilities")
    return start, claimed


def _n(value) -> str:
    import mpmath

    return mpmath.nstr(value, SHOWN_DIGITS)


def _vector(values) -> str:
    values = list(values)
    return _n(values[0]) if len(values) == 1 else "(" + ", ".join(_n(v) for v in values) + ")"


def _matrix(rows) -> str:
    return "[" + "; ".join(", ".join(_n(v) for v in row) for row in rows) + "]"


def _where(entry) -> str:
    if entry.quantity == "responsibility":
        return f"r[{entry.index}][{entry.component + 1}]"  # components 1..K, points 0..N-1, as everywhere
    index = entry.index if isinstance(entry.index, list) else [] if entry.index is None else [entry.index]
    return f"{entry.quantity} {entry.component + 1}" + (f"[{','.join(map(str, index))}]" if index else "")


def render_text(step, entries, tol: float | None) -> str:
    """The computed step, then one line per claimed number and the verdict."""
    import mpmath

    from gmm_math.numerics.em.hand_step import DPS, carried_forward, verdict

    start = step.start
    n, k, dim = len(start.data), len(start.weights), start.dim
    spread = "variances" if dim == 1 else "covariances"
    shown_start = (_vector(c[0, 0] for c in start.covariances) if dim == 1
                   else ", ".join(_matrix(c.tolist()) for c in start.covariances))
    shown_means = (_vector(m[0] for m in start.means) if dim == 1
                   else ", ".join(_vector(m) for m in start.means))
    lines = [f"one EM iteration on N={n} points, D={dim}, K={k} (mpmath, {DPS} digits), from",
             f"  weights {_vector(start.weights)}, means {shown_means}, "
             f"{spread} {shown_start}",
             f"  log-likelihood at the start {mpmath.nstr(step.log_likelihood, 12)}",
             "E-step, responsibilities r[n][k]:"]
    for i, row in enumerate(step.responsibilities):
        lines.append(f"  n={i:<3} x={_vector(start.data[i]) if dim > 1 else _n(start.data[i][0]):<10} "
                     + "  ".join(f"{_n(v):>10}" for v in row))
    lines.append("M-step:")
    for c in range(k):
        spread_value = _n(step.covariances[c][0][0]) if dim == 1 else _matrix(step.covariances[c])
        lines.append(f"  component {c + 1}: N_k {_n(step.counts[c])}, weight {_n(step.weights[c])}, "
                     f"mean {_vector(step.means[c])}, {spread[:-1]} {spread_value}")
    if entries:
        rule = "at the precision written" if tol is None else f"to relative tolerance {tol:g}"
        lines.append(f"claims (compared {rule}):")
        width = max(len(_where(e)) for e in entries)
        for number, e in enumerate(entries, start=1):
            mark = "holds" if e.holds else "FAILS"
            line = f"{number:>3} {_where(e):<{width}}  claimed {e.claimed:<10} computed {mpmath.nstr(e.computed, 10):<14} {mark}"
            if not e.holds and e.follows:
                line += f"  but follows from your earlier numbers ({mpmath.nstr(e.own, 10)})"
            elif not e.holds:
                line += f"  likely slip: {e.slip}" if e.slip else "  (no known slip reproduces it)"
            lines.append(line.rstrip())
        lines.extend(f"error carried forward: {sentence}" for sentence in carried_forward(entries))
    wrong = [_where(e) for e in entries if not e.holds]
    summary = {"holds": f"all {len(entries)} claimed number(s) hold",
               "fails": f"{len(wrong)} of {len(entries)} claimed number(s) refuted: {', '.join(wrong)}",
               "nothing checked": NOTHING_CLAIMED}
    found = verdict(entries).value
    lines.append(f"verdict: {found} - {summary[found]}")
    return "\n".join(lines)


def as_json(step, entries, tol: float | None) -> str:
    """The JSON contract: the verdict, one entry per claimed number, and the computed step (20 digits)."""
    import mpmath

    from gmm_math.numerics.em.hand_step import DPS, carried_forward, verdict

    text = lambda v: mpmath.nstr(v, 20)  # noqa: E731
    payload = {
        "schema_version": 2,  # 2: entries' "follows" and "from_own_numbers", "carried_forward"
        "verdict": verdict(entries).value, "dps": DPS, "tol": tol,
        "entries": [e.as_dict() for e in entries],
        "carried_forward": carried_forward(entries),
        "step": {"log_likelihood": text(step.log_likelihood),
                 "responsibilities": [[text(v) for v in row] for row in step.responsibilities],
                 "counts": [text(v) for v in step.counts], "weights": [text(v) for v in step.weights],
                 "means": [[text(v) for v in m] for m in step.means],
                 "covariances": [[[text(v) for v in row] for row in c] for c in step.covariances]},
    }
    return json.dumps(payload, indent=2)


def check_em_step_command(
    data: Annotated[str | None, typer.Option("--data", help="1-D data points. Default: 0,1,3.")] = None,
    weights: Annotated[str | None, typer.Option(
        "--weights", help="Starting mixing weights (sum 1). Default: 1/K each.")] = None,
    means: Annotated[str | None, typer.Option(
        "--means", help="Starting means, one per component. Default: 0,2.")] = None,
    variances: Annotated[str | None, typer.Option(
        "--variances", help="Starting variances (> 0). Default: 1 each.")] = None,
    claim_weights: Annotated[str | None, typer.Option(
        "--claim-weights", help="The weights after the step, as written by the student.")] = None,
    claim_means: Annotated[str | None, typer.Option("--claim-means", help="The means after the step.")] = None,
    claim_variances: Annotated[str | None, typer.Option(
        "--claim-variances", help="The variances after the step.")] = None,
    claim_responsibilities: Annotated[Path | None, typer.Option(
        "--claim-responsibilities", help="CSV file of r_nk: one row per data point, one column per component.")
    ] = None,
    tol: Annotated[float | None, typer.Option(
        "--tol", help="Relative tolerance; default: each number at the precision it is written with.")] = None,
    file: Annotated[Path | None, typer.Option(
        "--file", help="homework.toml: data, start and claims in one file (any D, full covariances).")] = None,
    output: TextOrJson = OutputFormat.text,
) -> None:
    """Check one EM iteration done by hand: E-step responsibilities, M-step weights, means and variances.

    The step is computed in mpmath at 30 digits. A claimed number holds when the true value rounds to it at the precision written (0.47 holds for 0.465..0.475), or is within --tol (relative).

    Each wrong number is named with its right value and the slip that reproduces it, if a known one does: responsibilities not normalised, old mean used in the variance update, N instead of N_k, standard deviation reported for variance, weights not summing to 1.

    Exit codes: 0 all claims hold, 1 something refuted, 2 bad input, 3 nothing claimed (nothing checked).
    """
    from gmm_math.numerics.em.hand_step import check_claims, exact_iteration, verdict

    claims = {"weights": claim_weights, "means": claim_means, "variances": claim_variances}
    if file is not None:
        given = [flag for flag, value in (("--data", data), ("--weights", weights), ("--means", means),
                                          ("--variances", variances),
                                          ("--claim-weights", claim_weights), ("--claim-means", claim_means),
                                          ("--claim-variances", claim_variances),
                                          ("--claim-responsibilities", claim_responsibilities))
                 if value is not None]
        if given:
            raise GmmMathError(f"--file holds the data, the start and the claims; drop {given[0]}")
        start, claimed, file_tol = _file_problem(_toml(file))
        tol = tol if tol is not None else file_tol
    else:
        start, claimed = _command_line_problem("0,1,3" if data is None else data, weights,
                                               "0,2" if means is None else means, variances, claims,
                                               claim_responsibilities)
    if tol is not None and not tol > 0:
        raise GmmMathError(f"--tol must be a positive relative tolerance, got {tol}")
    step = exact_iteration(start["data"], start["weights"], start["means"], start["covariances"])
    entries = check_claims(step, claimed, tol)
    render = {OutputFormat.text: render_text, OutputFormat.json: as_json}[output]
    typer.echo(render(step, entries, tol))
    raise typer.Exit(EXIT_CODES[verdict(entries).value])
