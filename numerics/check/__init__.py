"""The checker's public entry points, with stable names (``gmm_math.check_steps``, ``gmm_math.check_claim``).

Thin wrappers over :mod:`gmm_math.numerics.check.runner`, imported on call so that importing this
package stays cheap. Both return a :class:`~gmm_math.numerics.check.results.CheckResult`: the typed
report (``result.report``, its JSON contract ``result.report.as_dict()``), the one-sentence
``result.summary`` and ``result.verdict``; ``result["report"]`` reads the JSON view.
"""

from __future__ import annotations

from collections.abc import Sequence

from gmm_math.numerics.check.results import CheckResult
from gmm_math.numerics.check.time_limit import DEFAULT_TIMEOUT, DEFAULT_TOTAL_TIMEOUT


def check_steps(text: str, *, timeout: float | None = DEFAULT_TIMEOUT,
                total_timeout: float | None = DEFAULT_TOTAL_TIMEOUT, seed: int = 0,
                language: str = "auto") -> CheckResult:
    """Check a derivation line by line, as ``gmm-math check steps`` does.

    Parameters
    ----------
    text : str
        The derivation, one step per line: relation chains (``a = b <= c``), continuations (``= ...``),
        ``NAME = EXPR`` lines, ``limit(EXPR, sigma, 0, +) = VALUE`` claims, ``assume:`` and ``let:``
        lines, ``#`` comments; ASCII or LaTeX (see ``language``).
    timeout : float or None
        Seconds allowed per line (then its verdict is "undecided"); None: no limit, computed in this process.
    total_timeout : float or None
        Seconds allowed for the whole text.
    seed : int
        Seed of the random numeric sample points.
    language : {"auto", "ascii", "latex"}
        "auto" reads a text with a backslash, ``^{`` or ``&`` as LaTeX.

    Returns
    -------
    CheckResult
        ``verdict`` (holds, fails, undecided), ``report.lines`` (one
        :class:`~gmm_math.numerics.check.results.Line` per line of ``text``) and ``summary``.

    Raises
    ------
    GmmMathError
        When ``text`` is not text or the language is unknown (a line that cannot be read is only
        marked unreadable).

    Examples
    --------
    >>> found = check_steps("assume: sigma > 0\\nlog(sigma**2) = 2*log(sigma)", timeout=None)
    >>> found
    CheckResult(steps: holds, 2 lines: 1 equal, 1 assumption)
    >>> [line.verdict.value for line in found.report.lines]
    ['assumption', 'equal']
    """
    from gmm_math.numerics.check import runner

    return runner.check_steps(text, timeout=timeout, total_timeout=total_timeout, seed=seed, language=language)


def check_claim(expr: str, var: str | None = None, to: str | None = None, claim: str | None = None,
                assume: Sequence[str] = (), *, timeout: float | None = DEFAULT_TIMEOUT, seed: int = 0,
                language: str = "auto") -> CheckResult:
    """Check a claimed limit, as ``gmm-math check limit`` does: SymPy's limit, followed numerically in mpmath.

    Parameters
    ----------
    expr : str
        The expression, e.g. ``"N(x_n, mu_j, sigma_j)"``; or the limit written out,
        ``"limit(log(sigma), sigma, 0, +) = -oo"`` (then ``var`` and ``to`` are None).
    var : str or None
        The variable that moves.
    to : str or None
        Where it goes: ``"0+"``, ``"0-"``, ``"0"``, a number (with ``+``/``-`` for one side), ``"oo"``, ``"-oo"``.
    claim : str or None
        The claimed limit, e.g. ``"oo"``; None: the limit is computed and reported, not compared.
    assume : sequence of str
        Assumptions, e.g. ``("x_n > 0", "mu_j = x_n")``.
    timeout : float or None
        Seconds allowed (then the verdict is "undecided"); None: no limit, computed in this process.
    seed : int
        Seed of the random numeric sample points.
    language : {"auto", "ascii", "latex"}
        The input language, read as ``check_steps`` reads it.

    Returns
    -------
    CheckResult
        ``verdict`` (holds, fails, undecided); ``report.cases`` when the limit depends on a sign.

    Raises
    ------
    GmmMathError
        For input outside the language, or ``var`` given without ``to``.

    Examples
    --------
    >>> found = check_claim("log(sigma)", "sigma", "0+", claim="-oo", timeout=None)
    >>> found
    CheckResult(limit: holds - limit = -oo, as claimed)
    >>> found.verdict.value, str(found.summary)
    ('holds', 'holds: limit = -oo, as claimed')
    """
    from gmm_math.numerics.check import runner

    return runner.check_limit(expr, var, to, claim, tuple(assume), timeout=timeout, seed=seed, language=language)
