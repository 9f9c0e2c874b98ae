
# The checker's public entry points, with stable names (``gmm_math.check_steps``, ``gmm_math.check_claim``).
# Thin wrappers over :mod:`gmm_math.numerics.check.runner`, imported on call so that importing this package
# stays cheap and free of import cycles.


def check_steps(text: str, *, timeout: float | None = 10.0, total_timeout: float | None = 120.0, seed: int = 0,
                language: str = "auto") -> dict:
    """Check a derivation line by line, as ``gmm-math check steps`` does.

    Parameters
    ----------
    text : str
        The derivation, one step per line: relation chains (``a = b <= c``), continuations (``= ...``),
        ``limit(EXPR, sigma, 0, +) = VALUE`` claims, ``assume:`` and ``let:`` lines, ``#`` comments;
        ASCII or LaTeX (see ``language``).
    timeout : float or None
        Seconds allowed per line (then its verdict is "undecided"); None: no limit, computed here.
    total_timeout : float or None
        Seconds allowed for the whole text.
    seed : int
        Seed of the random numeric sample points.
    language : {"auto", "ascii", "latex"}
        "auto" reads a text with a backslash, ``^{`` or ``&`` as LaTeX.

    Returns
    -------
    dict
        ``{"report": {...}, "summary": str}``; the report is the JSON contract of ``check steps`` (see the
        module docstring), with one entry per line in ``report["lines"]``.

    Examples
    --------
    >>> found = check_steps("assume: sigma > 0\\nlog(sigma**2) = 2*log(sigma)")
    >>> found["report"]["verdict"], [line["verdict"] for line in found["report"]["lines"]]
    ('holds', ['assumption', 'equal'])
    """
    from gmm_math.numerics.check import runner

    return runner.check_steps(text, timeout=timeout, total_timeout=total_timeout, seed=seed, language=language)


def check_claim(expr: str, var: str | None = None, to: str | None = None, claim: str | None = None,
                assume: tuple[str, ...] = (), *, timeout: float | None = 10.0, seed: int = 0,
                language: str = "auto") -> dict:
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
        The claimed limit, e.g. ``"oo"``.
    assume : tuple of str
        Assumptions, e.g. ``("x_n > 0", "mu_j = x_n")``.
    timeout : float or None
        Seconds allowed (then the verdict is "undecided"); None: no limit, computed here.
    seed : int
        Seed of the random numeric sample points.
    language : {"auto", "ascii", "latex"}

    Returns
    -------
    dict
        ``{"report": {...}, "summary": str}``; ``report["verdict"]`` is "holds", "fails" or "undecided".

    Examples
    --------
    >>> found = check_claim("log(sigma)", "sigma", "0+", claim="-oo")
    >>> found["report"]["verdict"], found["summary"]
    ('holds', 'holds: limit = -oo, as claimed')
    """
    from gmm_math.numerics.check import runner

    return runner.check_limit(expr, var, to, claim, assume, timeout=timeout, seed=seed, language=language)
