"""``diagnose``: why a Gaussian-mixture fit degenerated on these data, and what fixes it (issue 22).

>>> import numpy as np
>>> X = np.vstack([np.random.default_rng(0).normal(size=(40, 2)), [[5.0, 5.0]] * 3])
>>> report = diagnose(X, components=3, seed=0, remedies=False)
>>> report.findings.duplicates[0].multiplicity
3
"""

from __future__ import annotations

import warnings
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from gmm_math.derivations.core.display import NotebookDisplay
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.remedies import registry
from gmm_math.numerics.diagnose.findings import DataFindings, find
from gmm_math.numerics.diagnose.starts import Starts, have_sklearn, sklearn_starts
from gmm_math.numerics.diagnose.table import Table
from gmm_math.numerics.em.fit import Collapse, FitResult, fit
from gmm_math.numerics.rank import affine_rank

REG_GRID = tuple(10.0 ** e for e in range(-12, 1))  # the decade grid of reg_covar, 1e-12 .. 1e0, absolute, then
# relative to the data's mean variance where that is larger
DEGENERATE_EIGEN_FACTOR = 10.0  # a ridge fit whose smallest eigenvalue is within this of reg_covar is degenerate
SPURIOUS_RATIO = 1e-8  # spurious maximiser: smallest / largest covariance eigenvalue over components below this
Progress = Callable[[str, int, int], None]


@dataclass(frozen=True)
class StartOutcome:
    """One start, fitted by ML (remedy none: where the singularity is) and as scikit-learn fits (ridge)."""

    start: int
    ml: FitResult | None  # None when float64 cannot even hold the start
    ridge: FitResult | None
    ill_defined: tuple[tuple[int, tuple[int, ...]], ...]  # (component, its start rows) float64 cannot factor
    smallest_support: int  # points with responsibility >= 1e-3 in the ridge fit's smallest component
    smallest_eigenvalue: float  # the ridge fit's, over components
    degenerate: bool
    spurious: bool
    ill_defined_ranks: tuple[int, ...] = ()  # the exact affine rank of the ill-defined rows, per entry


@dataclass(frozen=True)
class RegCovarTrial:
    reg_covar: float
    relative: float  # reg_covar / the data's mean variance
    degenerate_starts: int
    sklearn_ok: bool | None  # None without scikit-learn


@dataclass(frozen=True)
class RemedyOutcome:
    """One EM remedy fitted from the first start, side by side with the others."""

    remedy: str  # its registry name
    objective: float | None  # the last objective the fit evaluated (None: none)
    smallest_eigenvalue: float  # over components at the end (nan when the fit refused)
    smallest_support: int  # points with responsibility >= 1e-3 in its smallest component (0: last step not evaluated)
    collapses: int  # collapses during the fit, those the remedy handled (reset, restart) included
    same_partition: bool  # its hard assignments are the first start's ridge fit's, up to relabelling
    error: str | None = None  # why the fit refused, if it did


@dataclass(frozen=True)
class Alternative:
    """A change of model (standardising, diag, spherical, smaller K) and whether scikit-learn's fit succeeds."""

    change: str
    sklearn_ok: bool | None
    bic: float | None


@dataclass(frozen=True)
class DiagnoseReport(NotebookDisplay):
    """The whole diagnosis; every number computed here, none typed into text (renderers live in cli/diagnose;
    a notebook shows its HTML report, pictures included, through :class:`NotebookDisplay`)."""

    table: Table
    components: int
    covariance: str
    reg_covar: float
    init: str
    n_init: int
    seed: int | None
    starts_how: str
    findings: DataFindings
    outcomes: tuple[StartOutcome, ...]
    sklearn_error: str | None  # what scikit-learn's own fit raised (None: it succeeded or was not run)
    sklearn_ran: bool
    regcovar: tuple[RegCovarTrial, ...] = ()
    recommended_reg_covar: float | None = None
    sklearn_reg_covar: float | None = None  # the smallest on the grid with which scikit-learn's fit succeeds
    remedies: tuple[RemedyOutcome, ...] = ()
    alternatives: tuple[Alternative, ...] = ()
    bic: tuple[tuple[int, float | None], ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)

    @property
    def degenerate(self) -> bool:
        """Some start collapsed (ML) or ended degenerate (ridge), or scikit-learn's fit raised."""
        return self.sklearn_error is not None or any(o.degenerate or self._collapses(o) for o in self.outcomes)

    @staticmethod
    def _collapses(outcome: StartOutcome) -> list[Collapse]:
        return [] if outcome.ml is None else outcome.ml.collapses

    @property
    def collapses(self) -> list[Collapse]:
        """Every collapse of the ML runs from the starts."""
        return [c for o in self.outcomes for c in self._collapses(o)]

    def __repr__(self) -> str:
        verdict = "degenerates" if self.degenerate else "does not degenerate"
        extra = "" if self.recommended_reg_covar is None else f", recommended reg_covar {self.recommended_reg_covar:g}"
        return (f"<DiagnoseReport N={self.findings.n} D={self.findings.dim} K={self.components} {self.covariance}: "
                f"the fit {verdict}; {len(self.collapses)} collapse(s){extra}>")


def _support_sizes(result: FitResult, X: np.ndarray) -> np.ndarray:
    from gmm_math.numerics.em.kernels import columns, e_step

    resp = e_step(columns(X), result.weights, result.means, result.covariances).resp
    return (resp >= 1e-3).sum(axis=1)


def _outcome(X: np.ndarray, index: int, start, k: int, covariance: str, reg_covar: float, max_iter: int,
             tol: float, with_ml: bool = True) -> StartOutcome:
    bad = start.ill_defined()
    if bad:  # scikit-learn raises here: the start's covariance of these rows is not positive definite in float64
        rows = tuple((c, tuple(int(r) for r in start.rows_of(c))) for c in bad)
        ranks = tuple(affine_rank(X[list(held)]).exact for _, held in rows)
        return StartOutcome(index, None, None, rows, min(len(r) for _, r in rows), float("nan"), True, True, ranks)
    given = dict(weights_init=start.weights, means_init=start.means, covariances_init=start.covariances)
    ml = _fit_or_none(X, k, remedy="none", covariance=covariance, max_iter=max_iter, tol=tol,
                      **given) if with_ml else None
    ridge = fit(X, k, remedy="ridge", reg_covar=reg_covar, covariance=covariance, max_iter=max_iter, tol=tol,
                **given)
    sizes = _support_sizes(ridge, X)
    eig = np.linalg.eigvalsh(ridge.covariances)
    smallest = float(eig[:, 0].min())
    dim = X.shape[1]
    degenerate = bool(sizes.min() < dim + 1 or smallest <= DEGENERATE_EIGEN_FACTOR * reg_covar)
    spurious = bool(sizes.min() <= dim + 1 or smallest < SPURIOUS_RATIO * float(eig[:, -1].max()))
    return StartOutcome(index, ml, ridge, (), int(sizes.min()), smallest, degenerate, spurious, ())


def _fit_or_none(X, k, **options) -> FitResult | None:
    try:
        return fit(X, k, **options)
    except GmmMathError:
        return None


def sklearn_fit_error(X: np.ndarray, k: int, covariance: str, reg_covar: float, init: str, n_init: int,
                      seed: int | None, max_iter: int = 100, tol: float = 1e-3) -> str | None:
    """What ``GaussianMixture(...).fit(X)`` raises with these settings (None when it succeeds)."""
    from sklearn.mixture import GaussianMixture

    model = GaussianMixture(k, covariance_type=covariance, reg_covar=reg_covar, init_params=init, n_init=n_init,
                            random_state=seed, max_iter=max_iter, tol=tol)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            model.fit(X)
        except (ValueError, np.linalg.LinAlgError) as err:
            return " ".join(str(err).split())
    return None


def _bic(X: np.ndarray, k: int, covariance: str, reg_covar: float, init: str, seed: int | None) -> float | None:
    from sklearn.mixture import GaussianMixture

    model = GaussianMixture(k, covariance_type=covariance, reg_covar=reg_covar, init_params=init, random_state=seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        try:
            return float(model.fit(X).bic(X))
        except (ValueError, np.linalg.LinAlgError):
            return None


def _same_partition(a: FitResult, b: FitResult, X: np.ndarray) -> bool:
    """The hard assignments of two fits agree up to relabelling."""
    from gmm_math.numerics.em.kernels import columns, e_step

    la = e_step(columns(X), a.weights, a.means, a.covariances).resp.argmax(axis=0)
    lb = e_step(columns(X), b.weights, b.means, b.covariances).resp.argmax(axis=0)
    pairs = set(zip(la.tolist(), lb.tolist()))
    return len(pairs) == len({p[0] for p in pairs}) == len({p[1] for p in pairs})


def _remedies(X, start, k, covariance, reg_covar, max_iter, tol, reference: FitResult) -> tuple[RemedyOutcome, ...]:
    given = dict(weights_init=start.weights, means_init=start.means, covariances_init=start.covariances)
    out = []
    for name in registry.names("em"):  # every remedy with an EM update, in the registry's order
        try:
            result = fit(X, k, remedy=name, reg_covar=reg_covar, covariance=covariance, max_iter=max_iter, tol=tol,
                         seed=0, **given)
        except GmmMathError as err:
            out.append(RemedyOutcome(name, None, float("nan"), 0, 0, False, str(err)))
            continue
        objective = result.history[-1].objective
        if objective is None:
            objective = next((r.objective for r in reversed(result.history) if r.objective is not None), None)
        out.append(RemedyOutcome(name, objective, float(np.min(result.history[-1].min_eigenvalues)),
                                 int(_support_sizes(result, X).min()) if result.history[-1].log_likelihood is not None
                                 else 0, len(result.collapses) + len(result.events),
                                 _same_partition(result, reference, X) if result.history[-1].log_likelihood is not None
                                 else False))
    return tuple(out)


def _read_model(model, settings: dict) -> dict:
    """The settings of a scikit-learn GaussianMixture (fitted, unfitted, or one whose fit raised)."""
    try:
        from sklearn.mixture import GaussianMixture
    except ImportError:
        raise GmmMathError("reading a model needs scikit-learn (pip install 'gmm-math[sklearn]')") from None
    if not isinstance(model, GaussianMixture):
        raise GmmMathError(f"model must be a scikit-learn GaussianMixture, got {type(model).__name__}",
                           parameter="model")
    params = model.get_params()
    return {**settings, "components": params["n_components"], "covariance": params["covariance_type"],
            "reg_covar": params["reg_covar"], "init": params["init_params"], "n_init": params["n_init"],
            "seed": params["random_state"] if isinstance(params["random_state"], (int, type(None))) else 0,
            "max_iter": params["max_iter"], "tol": params["tol"]}


def diagnose(X, model=None, *, components: int = 1, covariance: str = "full", reg_covar: float = 1e-6,
             init: str = "kmeans", n_init: int = 1, seed: int | None = 0, max_iter: int = 100, tol: float = 1e-3,
             names: tuple[str, ...] | None = None, remedies: bool | None = None,
             progress: Progress | None = None) -> DiagnoseReport:
    """Diagnose a Gaussian-mixture fit of X as scikit-learn would fit it.

    Parameters
    ----------
    X : array_like, shape (N, D), or a :class:`~gmm_math.numerics.diagnose.table.Table`
    model : sklearn.mixture.GaussianMixture, optional
        Its settings (n_components, covariance_type, reg_covar, init_params, n_init, random_state, max_iter,
        tol) replace the keyword ones; fitted or not, or one whose ``fit`` raised.
    components, covariance, reg_covar, init, n_init, seed, max_iter, tol
        scikit-learn's ``n_components``, ``covariance_type``, ``reg_covar``, ``init_params``, ``n_init``,
        ``random_state``, ``max_iter``, ``tol``.
    remedies : bool, optional
        Compare remedies, search reg_covar and BIC per K: by default only when the fit degenerates.
    progress : callable(stage, done, total), optional

    Returns
    -------
    DiagnoseReport
    """
    table = X if isinstance(X, Table) else Table.of_array(X, names)
    settings = dict(components=components, covariance=covariance, reg_covar=reg_covar, init=init, n_init=n_init,
                    seed=seed, max_iter=max_iter, tol=tol)
    if model is not None:
        settings = _read_model(model, settings)
    k, covariance, reg_covar = settings["components"], settings["covariance"], float(settings["reg_covar"])
    data = table.X
    n, dim = data.shape
    if isinstance(k, bool) or not isinstance(k, (int, np.integer)) or not 1 <= k <= n:
        raise GmmMathError(f"K = {k} exceeds the N = {n} rows of the data (K must be 1..N)",
                           parameter="components")
    if not (np.isfinite(reg_covar) and reg_covar > 0):
        raise GmmMathError(f"reg_covar must be a positive number, got {reg_covar!r}", parameter="reg_covar")
    report = progress or (lambda stage, done, total: None)
    findings = find(data, int(k), covariance)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # k-means on duplicated rows warns; the findings say so
        starts = sklearn_starts(data, int(k), covariance, reg_covar, settings["init"], int(settings["n_init"]),
                                settings["seed"])
    outcomes = []
    for i, start in enumerate(starts.starts):
        report("fits from the starts", i, len(starts.starts))
        outcomes.append(_outcome(data, i, start, int(k), covariance, reg_covar, int(settings["max_iter"]),
                                 float(settings["tol"])))
    sklearn_ran = have_sklearn()
    error = (sklearn_fit_error(data, int(k), covariance, reg_covar, settings["init"], int(settings["n_init"]),
                               settings["seed"], int(settings["max_iter"]), float(settings["tol"]))
             if sklearn_ran else None)
    base = DiagnoseReport(table, int(k), covariance, reg_covar, settings["init"], int(settings["n_init"]),
                          settings["seed"], starts.how, findings, tuple(outcomes), error, sklearn_ran)
    if remedies is False or (remedies is None and not base.degenerate):
        return base
    return _with_remedies(base, starts, settings, report)


def _with_remedies(base: DiagnoseReport, starts: Starts, settings: dict, report: Progress) -> DiagnoseReport:
    """Item 4: the reg_covar grid, the remedies side by side, the other models and BIC per K."""
    data, k, covariance = base.table.X, base.components, base.covariance
    max_iter, tol = int(settings["max_iter"]), float(settings["tol"])
    scale = float(np.trace(np.atleast_2d(np.cov(data.T, bias=True))) / data.shape[1])
    trials = []
    recommended = sklearn_from = None
    grid = [(reg, reg) for reg in REG_GRID] + [(reg * scale, reg) for reg in REG_GRID if reg * scale > REG_GRID[-1]]
    for i, (reg, _) in enumerate(grid):
        report("reg_covar grid", i, len(grid))
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            trial_starts = sklearn_starts(data, k, covariance, reg, base.init, base.n_init, base.seed)
        degenerate = sum(int(_outcome(data, j, start, k, covariance, reg, max_iter, tol, with_ml=False).degenerate)
                         for j, start in enumerate(trial_starts.starts))
        ok = (sklearn_fit_error(data, k, covariance, reg, base.init, base.n_init, base.seed, max_iter, tol) is None
              if base.sklearn_ran else None)
        trials.append(RegCovarTrial(reg, reg / scale, degenerate, ok))
        if ok and sklearn_from is None:
            sklearn_from = reg
        if degenerate == 0 and ok is not False:
            recommended = reg
            break  # the smallest on the grid: larger ones are not needed
    report("remedies side by side", 0, 1)
    reference = next((o.ridge for o in base.outcomes if o.ridge is not None), None)
    remedies = (_remedies(data, starts.starts[0], k, covariance, base.reg_covar, max_iter, tol, reference)
                if reference is not None and not base.outcomes[0].ill_defined else ())
    alternatives = []
    bic = []
    if base.sklearn_ran:
        report("other models and BIC per K", 0, 1)
        centred = (data - data.mean(axis=0))
        spread = centred.std(axis=0)
        standardised = centred / np.where(spread > 0, spread, 1.0)
        changes = [("standardise the columns", standardised, covariance, k),
                   ("diag covariances", data, "diag", k), ("spherical covariances", data, "spherical", k)]
        for change, X2, cov2, k2 in changes:
            if cov2 == covariance and X2 is data:
                continue
            ok = sklearn_fit_error(X2, k2, cov2, base.reg_covar, base.init, base.n_init, base.seed, max_iter, tol)
            alternatives.append(Alternative(change, ok is None, _bic(X2, k2, cov2, base.reg_covar, base.init, base.seed)
                                            if ok is None else None))
        bic = [(kk, _bic(data, kk, covariance, base.reg_covar, base.init, base.seed)) for kk in range(1, k + 1)]
    from dataclasses import replace

    return replace(base, regcovar=tuple(trials), recommended_reg_covar=recommended, sklearn_reg_covar=sklearn_from,
                   remedies=remedies,
                   alternatives=tuple(alternatives), bic=tuple(bic))


@dataclass(frozen=True)
class Trace:
    """One component of one ML run, iteration by iteration, in base-10 logarithms (NaN where not positive).

    Attributes
    ----------
    iterations : ndarray of int, shape (T,)
    log10_weight, log10_min_eigenvalue : ndarray, shape (T,)
        The last entry of a collapse is the log-space value of its report (beyond float64 if need be).
    """

    component: int
    iterations: np.ndarray
    log10_weight: np.ndarray
    log10_min_eigenvalue: np.ndarray


def traces(report: DiagnoseReport) -> list[Trace]:
    """The weight and smallest eigenvalue of every collapsing component of the first start's ML run."""
    outcome = next((o for o in report.outcomes if o.ml is not None and o.ml.collapses), None)
    if outcome is None:
        return []
    out = []
    for c in outcome.ml.collapses:
        records = outcome.ml.history
        with np.errstate(divide="ignore", invalid="ignore"):
            weights = np.array([np.log10(r.weights[c.component]) if r.weights[c.component] > 0 else np.nan
                                for r in records])
            eigen = np.array([np.log10(r.min_eigenvalues[c.component]) if r.min_eigenvalues[c.component] > 0
                              else np.nan for r in records])
        weights[-1], eigen[-1] = c.log10_weight, c.log10_min_eigenvalue
        out.append(Trace(c.component, np.array([r.iteration for r in records]), weights, eigen))
    return out


def marked_rows(report: DiagnoseReport) -> np.ndarray:
    """Rows the diagnosis names: collapse supports' points and ill-defined starts' rows, shape (M,) sorted."""
    rows = {c.point_index for c in report.collapses}
    rows |= {r for o in report.outcomes for _, held in o.ill_defined for r in held}
    return np.array(sorted(rows), dtype=int)
