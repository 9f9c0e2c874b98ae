"""Compute the seven sections of ``gmm-math explain``, each model once, all in this process.

Sections 2, 3, 5 and 6 use the user's data (or the documented example 0, 1, 3 with x_n = 0);
section 4 runs EM on ``seed-blobs``, the worked example's data set; section 7 asks the checker.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from fractions import Fraction

import mpmath
import sympy as sp
from mpmath import mp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel, example_data
from gmm_math.derivations.printing import pretty
from gmm_math.derivations.result import SIGMA
from gmm_math.numerics.confirm import confirm
from gmm_math.numerics.explain import em_story, remedy_story
from gmm_math.numerics.explain.story import FigureData, FigureSlot, Formula, Prose, Section, Story, Table, Worked

TITLE = "Why maximum likelihood for a Gaussian mixture has singularities (PRML 9.2.1)"
QUESTION = ("I don't really understand why this would create a singularity. Can anyone explain this to me?")
DEEP_SIGMAS = ("1e-1", "1e-10", "1e-100", "1e-1000", "1e-10000", "1e-100000", "1e-1000000")
LIMIT_SWEEP = (1.0, -400.0, 402)  # log10 sigma from, to, count: the plot-limit picture's defaults
COLLAPSE_LOG10 = (0.0, -3.0, 4)  # Fig. 9.7's panels: log10 sigma from, to, count
SHOWN_POINTS = 8
COMPONENTS = 2
SECTIONS = 7

Progress = Callable[[int, int, str], None]


def number(value, digits: int = 12) -> str:
    """An mpf, Fraction or int as short text (``digits`` significant digits)."""
    if isinstance(value, Fraction):
        return str(value) if value.denominator == 1 else mpmath.nstr(mp.mpf(value.numerator) / value.denominator,
                                                                      digits)
    return mpmath.nstr(value, digits)


def point_text(row) -> str:
    """A data point as ``3`` (1-D) or ``(1, 2)``."""
    values = [number(Fraction(v)) for v in row]
    return values[0] if len(values) == 1 else "(" + ", ".join(values) + ")"


def _question(data: Dataset, point: int, mixture) -> Section:
    shown = ", ".join(point_text(r) for r in data.rows[:SHOWN_POINTS]) + (", ..." if data.n > SHOWN_POINTS else "")
    return Section("question", "The question and PRML's answer", (
        Prose(f"\u201c{QUESTION}\u201d"),
        Prose("Put the mean of one mixture component on a data point x_n and let its variance shrink: that "
              "point's density under the component grows without bound. A single Gaussian cannot exploit this, "
              "because every other data point's density then vanishes faster, but in a mixture the other "
              "components go on explaining the other points, so the likelihood has no maximum: it goes to "
              "infinity (Bishop, PRML \u00a79.2.1)."),
        Formula(mixture.steps[0].exprs[:1], "The likelihood of a K-component Gaussian mixture on N data points:"),
        Prose(f"Every number below is computed at run time. Data: N = {data.n} point(s) in D = {data.dim} "
              f"dimension(s): {shown}; x_n is point {point} = {point_text(data.rows[point])}."),
    ))


def _factor_limits(data: Dataset, point: int) -> tuple[sp.Basic, ...]:
    """Limit of each point's density factor N(x_m | x_n, sigma^2 I) as sigma -> 0+ (x_n's own first)."""
    dim = data.dim
    distances = sorted({Fraction(d) for d in data.squared_distances(point)})[:SHOWN_POINTS]
    factors = [sp.exp(-sp.Rational(d) / (2 * SIGMA**2)) / (2 * sp.pi * SIGMA**2) ** sp.Rational(dim, 2)
               for d in distances]
    return tuple(sp.Eq(sp.Limit(f, SIGMA, 0, "+"), sp.limit(f, SIGMA, 0, "+")) for f in factors)


def _deep_table(table) -> Table:
    rows = tuple((mpmath.nstr(r.sigma, 3), number(r.log_likelihood_single), number(r.sigma2_loglik_single),
                  number(r.log_likelihood_mixture), number(r.slope_mixture)) for r in table.rows)
    return Table(f"mpmath, {table.dps} significant digits, log space (float64 stops near 1e-308)",
                 ("\u03c3", "log L, one Gaussian", "\u03c3\u00b2 log L (one Gaussian)",
                  "log L, mixture", "d log L / d log \u03c3 (mixture)"), rows)


def _single(data: Dataset, point: int, derivation, dps: int, deep) -> Section:
    rate = deep.rate_limits["sigma2_loglik_single"]
    last = deep.rows[-1]
    limit = pretty(derivation.limit_likelihood)
    ending = ("so the product goes to 0." if deep.S > 0 else
              "but here every point sits under the mean, no factor decays, and the product goes to \u221e.")
    return Section("single", f"One Gaussian on a data point: L \u2192 {limit}", (
        Worked(derivation, confirm(derivation, dps)),
        Prose(f"The rate: log L \u2248 \u2212S/(2\u03c3\u00b2) with S = {number(deep.S)}, so \u03c3\u00b2 log L "
              f"\u2192 \u2212S/2 = {number(rate)}; at \u03c3 = {mpmath.nstr(last.sigma, 3)} it is "
              f"{number(last.sigma2_loglik_single)}."),
        Formula(_factor_limits(data, point), "The 1-D picture behind it, one factor per distinct squared distance "
                "(x_m \u2212 x_n)\u00b2: the point under the mean contributes a factor that grows only like a "
                f"power of 1/\u03c3, every other point a factor that goes to zero exponentially fast, {ending}"),
        _deep_table(deep),
    ))


def _mixture(model: CollapseModel, derivation, dps: int, deep) -> Section:
    slope = deep.rate_limits["slope_mixture"]
    r, dim = deep.multiplicity, deep.dim
    last = deep.rows[-1]
    figures = [FigureSlot("limit", "log L against log10 \u03c3 (mpmath): the mixture rises without bound, the "
                          "single Gaussian falls like \u2212S/(2\u03c3\u00b2); dotted lines: where float64 fails.")]
    if model.data.dim == 1:
        figures.append(FigureSlot("collapse", "PRML Fig. 9.7: a broad component and a spike on x_n for shrinking "
                                  "\u03c3, each panel titled with the mixture's log L (mpmath)."))
    else:
        figures.append(Prose(f"(PRML Fig. 9.7's panels are drawn for 1-D data; these data have D = {dim}.)"))
    return Section("mixture", f"A mixture component on a data point: L \u2192 {pretty(derivation.limit_likelihood)}", (
        Worked(derivation, confirm(derivation, dps)),
        Prose(f"The rate: log L \u2248 \u2212rD log \u03c3 with r = {r} point(s) at x_n and D = {dim}, so "
              f"d log L / d log \u03c3 \u2192 \u2212rD = {number(slope)}; at \u03c3 = "
              f"{mpmath.nstr(last.sigma, 3)} the slope is {number(last.slope_mixture)} and log L = "
              f"{number(last.log_likelihood_mixture)}."),
        *figures,
    ))


def _boundary(data: Dataset | None, dps: int) -> Section:
    from gmm_math.derivations.remedies.degenerate import degenerate_collapse
    from gmm_math.numerics.confirm import remedy_check

    derivation = degenerate_collapse(data=data if data is not None and data.dim >= 2 else None)
    rank = derivation.parameter("rank")
    dim = derivation.model.data.dim
    verdict = (f"These {derivation.model.data.n} points span an affine subspace of dimension {rank} < D = {dim}"
               if rank < dim else f"These points are in general position (rank {rank} = D = {dim})")
    return Section("boundary", "The boundary view: degenerate data", (
        Prose(f"{verdict}. A single Gaussian needs no mixture to collapse onto degenerate data: shrink its "
              "covariance along the directions no data point moves in. Either way a collapse is a move to the "
              "boundary of the parameter space, where a covariance matrix becomes singular."),
        Worked(derivation, remedy_check(derivation, dps)),
    ))


def _confusion(seed: int) -> Section:
    """The mu/sigma confusion diagnosed by ``check limit``'s case split (the one call into the checker)."""
    expr, var = "N(x_n, mu_j, sigma_j)", "sigma_j"
    found = check_claim(expr, var, "oo", (), seed)
    fixed = check_claim(expr, var, "oo", ("mu_j = x_n",), seed)
    cases = found["report"]["cases"] or []
    return Section("confusion", "The common wrong answer: \u03bc_j and \u03c3_j confused", (
        Prose("The classic half-truth: \u201cN(x_n | \u03bc_j, \u03c3_j) blows up as \u03c3_j \u2192 0, so "
              "the likelihood is singular\u201d. Whether it blows up depends on where the mean is, which is the "
              "confusion. gmm-math check limit splits the limit into cases:"),
        Table(f"check limit: the limit of {expr} as {var} \u2192 0+, claimed to be oo",
              ("case", "limit as \u03c3_j \u2192 0+"),
              tuple((c["condition"] or "always", c["limit"]) for c in cases)),
        Prose(f"Verdict: {found['report']['verdict']} \u2014 {found['summary']}."),
        Prose(f"With the assumption \u03bc_j = x_n (the mean on the data point, as in the collapse): "
              f"{fixed['report']['verdict']} \u2014 {fixed['summary']}. Only a component whose mean sits on a "
              "data point blows up; and in a single Gaussian that is still not enough, as section 2 showed."),
    ))


def check_claim(expr: str, var: str, claim: str, assume: tuple[str, ...], seed: int) -> dict:
    """``check limit`` of ``expr`` as ``var`` -> 0+ against ``claim``: the checker's public entry point, in process.

    The expressions are the library's own (no user text), so no worker process is needed.
    """
    from gmm_math.numerics.check.runner import check_limit

    return check_limit(expr, var, "0+", claim, assume, timeout=None, seed=seed)


def _deep_and_sweep(data: Dataset, point: int, dps: int, single, mixture):
    """One evaluate_table for the picture's sweep and the deep rows, limits taken from the derivations."""
    from gmm_math.numerics.sweep import evaluate_table, parse_sweep

    start, stop, count = LIMIT_SWEEP
    sweep = parse_sweep(f"{start:g}:{stop:g}:{count}")
    extra = [s for s in DEEP_SIGMAS if s not in sweep]
    table = evaluate_table(data, point, sigmas=sweep + extra, dps=dps, components=COMPONENTS, symbolic=False)
    table = replace(table, limits={"single": single.limit_log_likelihood, "mixture": mixture.limit_log_likelihood},
                    leading={"single": single.leading_term, "mixture": mixture.leading_term})
    by_text = dict(zip(sweep + extra, table.rows))
    return (replace(table, rows=table.rows[:len(sweep)]),
            replace(table, rows=tuple(by_text[s] for s in DEEP_SIGMAS)))


def _announcer(progress: Progress | None, total: int) -> Callable[[Section], Section]:
    """Pass a section through, calling ``progress(done, total, title)`` as it is finished."""
    count = [0]

    def done(section: Section) -> Section:
        count[0] += 1
        if progress is not None:
            progress(count[0], total, section.title)
        return section

    return done


def _collapse_numbers(model, dps: int):
    from gmm_math.numerics.collapse_panels import collapse_figure
    from gmm_math.numerics.sigma_text import sigma_grid

    return collapse_figure(model, sigma_grid(*COLLAPSE_LOG10), dps)


def build_story(data: Dataset | None = None, point: int = 0, *, seed: int = 0, dps: int = 50,
                progress: Progress | None = None) -> Story:
    """The whole answer, computed.

    Parameters
    ----------
    data : Dataset, shape (N, D), optional
        The user's data; None: the documented example 0, 1, 3 with x_n = point 0.
    point : int
        0-based index of x_n.
    seed : int >= 0
        EM looks for the first seed >= ``seed`` that collapses; also seeds the checker's sample points.
    dps : int
        Significant digits of the mpmath values.
    progress : callable(done, total, title), optional
        Called after each section.

    Returns
    -------
    Story
        Seven sections of typed blocks; ``gmm-math explain`` renders it as HTML, Markdown, PDF or JSON.

    Examples
    --------
    >>> story = build_story(seed=0, dps=20)
    >>> story
    <Story: 7 sections, 4 figures, on the example data 0, 1, 3, seed 0, 20 digits>
    >>> [section.key for section in story.sections][:3]
    ['question', 'single', 'mixture']
    """
    from gmm_math.derivations.mixture import mixture_collapse
    from gmm_math.derivations.single import single_gaussian_collapse

    if isinstance(seed, bool) or not isinstance(seed, int) or seed < 0:
        raise GmmMathError(f"seed must be a non-negative integer, got {seed!r}", parameter="seed")
    given = data
    if data is None:
        if point != 0:
            raise GmmMathError(f"point {point} needs data (the example data use x_n = point 0)", parameter="point")
        data = example_data()
    data.check_point(point)
    model = CollapseModel.mixture(data, point, COMPONENTS)
    single = single_gaussian_collapse(dim=data.dim, data=data, point=point)
    mixture = mixture_collapse(COMPONENTS, dim=data.dim, data=data, point=point)
    sweep, deep = _deep_and_sweep(data, point, dps, single, mixture)
    done = _announcer(progress, SECTIONS)
    sections = [done(_question(data, point, mixture)), done(_single(data, point, single, dps, deep)),
                done(_mixture(model, mixture, dps, deep))]
    em = em_story.collapsing_run(seed)
    sections.append(done(em.section))
    sections.append(done(remedy_story.remedy_section(given, point, dps, em, mixture.limit_log_likelihood)))
    sections += [done(_boundary(given, dps)), done(_confusion(seed))]
    figures = FigureData(limit_table=sweep, collapse_model=model if data.dim == 1 else None,
                         collapse_numbers=_collapse_numbers(model, dps) if data.dim == 1 else None,
                         em_points=em.points, em_fits=em.fits)
    label = "the example data 0, 1, 3" if given is None else f"the given data ({data.n} points, D = {data.dim})"
    return Story(TITLE, tuple(sections), figures, seed, dps, label)
