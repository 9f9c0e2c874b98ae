"""One EM iteration done by hand, checked: the exact step in mpmath, claims compared as written, slips named.

The E-step and M-step of a Gaussian mixture (any D, full covariances) are computed
at 30 significant digits. A claimed number holds when the true value rounds to it at
the precision it was written with (``0.47`` holds for true values in [0.465, 0.475]),
or, when a relative tolerance is given, when it is within that tolerance. A wrong
entry is named with its right value and, where one fits, the slip that explains it:
the whole step is recomputed with each known slip and the claim compared with that
value by the same rule, so a slip is only reported when it reproduces the number.

>>> step = exact_iteration(["0", "1", "3"], ["0.5", "0.5"], ["0", "2"], ["1", "1"])
>>> [mpmath.nstr(w, 6) for w in step.weights]
['0.466261', '0.533739']
>>> [e.holds for e in check_claims(step, {"weights": ["0.47", "0.53"]})]
[True, True]
>>> wrong = check_claims(step, {"variances": ["0.47", "1.22"]})
>>> [(e.holds, e.slip) for e in wrong]
[(False, 'old mean used in the variance update'), (False, 'old mean used in the variance update')]
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass, replace
from decimal import Decimal

import mpmath
from mpmath import mp

from gmm_math.numerics.check.results import Verdict

from gmm_math.derivations.core.errors import GmmMathError

DPS = 30
MAX_POINTS, MAX_COMPONENTS, MAX_DIM = 1000, 20, 10
MAX_WORK = 50_000  # N K D^2: the size of one step (and its slips), so a check takes seconds at most
MAX_EXPONENT = 1000
WEIGHT_SUM_TOL = 1e-9
_NUMBER = re.compile(r"[+-]?(\d+(\.\d*)?|\.\d+)([eE][+-]?\d{1,6})?")
QUANTITIES = ("responsibilities", "weights", "means", "covariances")


@dataclass(frozen=True)
class Start:
    """The data and the parameters one EM iteration starts from, as mpf at :data:`DPS` digits.

    Attributes
    ----------
    data : tuple of tuple of mpf, shape (N, D)
    weights : tuple of mpf, shape (K,)
    means : tuple of tuple of mpf, shape (K, D)
    covariances : tuple of mpmath.matrix, shape (K, D, D)
    """

    data: tuple
    weights: tuple
    means: tuple
    covariances: tuple

    @property
    def dim(self) -> int:
        return len(self.data[0])


@dataclass(frozen=True)
class Step:
    """The result of one EM iteration (mpf values).

    Attributes
    ----------
    start : Start
    responsibilities : tuple of tuple of mpf, shape (N, K)
    counts : tuple of mpf, shape (K,), N_k = sum_n r_nk
    weights : tuple of mpf, shape (K,)
    means : tuple of tuple of mpf, shape (K, D)
    covariances : tuple of tuple of tuple of mpf, shape (K, D, D)
    log_likelihood : mpf, log L at the start
    slips : dict of str to Step
        The same step recomputed with each known slip (empty inside a slipped step).
    """

    start: Start
    responsibilities: tuple
    counts: tuple
    weights: tuple
    means: tuple
    covariances: tuple
    log_likelihood: object
    slips: dict

    def values(self, quantity: str):
        return getattr(self, quantity)


@dataclass(frozen=True)
class Entry:
    """One claimed number and its verdict.

    ``quantity`` is one of responsibility, weight, mean, variance (D = 1), covariance;
    ``index`` the data point n (responsibility), the coordinate d (mean, D > 1), [i, j] (covariance)
    or None (weight, variance, 1-D mean).
    """

    quantity: str
    component: int
    index: object
    claimed: str
    computed: object
    holds: bool
    slip: str | None
    follows: bool | None = None  # a wrong number that follows from the student's own earlier numbers (ECF)
    own: object = None  # the value that follows from the student's own earlier numbers, when they differ

    def as_dict(self, digits: int = 20) -> dict:
        return {"quantity": self.quantity, "component": self.component, "index": self.index,
                "claimed": self.claimed, "computed": mpmath.nstr(self.computed, digits), "holds": self.holds,
                "slip": self.slip, "follows": self.follows,
                "from_own_numbers": None if self.own is None else mpmath.nstr(self.own, digits)}


# ---------------------------------------------------------------- parsing (no eval: one regular expression)

def _named(what: str) -> str | None:
    """The parameter an error is about, when ``what`` is one (callers may pass a phrase instead)."""
    return what if what.isidentifier() else None


def parse_number(text, what: str) -> str:
    """A decimal number as written (kept as text: its last digit is the claim's precision)."""
    if isinstance(text, bool) or not isinstance(text, (str, int, float)):
        raise GmmMathError(f"{what}: expected a number, got {str(text)[:30]!r}", parameter=_named(what))
    written = str(text).strip()
    if len(written) > 60 or not _NUMBER.fullmatch(written):
        raise GmmMathError(f"{what}: {written[:30]!r} is not a decimal number (e.g. 0.47, -1.5e-3)",
                           parameter=_named(what))
    if abs(Decimal(written).adjusted()) > MAX_EXPONENT:
        raise GmmMathError(f"{what}: {written[:30]!r} is out of range (|exponent| <= {MAX_EXPONENT})",
                           parameter=_named(what))
    return written


def parse_list(text: str, what: str) -> list[str]:
    """``"0.5, 0.5"`` into the numbers as written."""
    items = text.split(",")
    if not text.strip():
        raise GmmMathError(f"{what} is empty (expected comma-separated numbers, e.g. 0.5,0.5)",
                           parameter=_named(what))
    return [parse_number(item, what) for item in items]


def parse_table(text: str, what: str) -> list[list[str]]:
    """CSV text, one row per line (blank lines and # comments skipped), into rows of numbers as written."""
    rows = [line.split("#", 1)[0].strip() for line in text.splitlines()]
    rows = [row for row in rows if row]
    if not rows:
        raise GmmMathError(f"{what} holds no rows of numbers", parameter=_named(what))
    if len(rows) > MAX_POINTS:
        raise GmmMathError(f"{what} has {len(rows)} rows; at most {MAX_POINTS} are accepted",
                           parameter=_named(what))
    return [parse_list(row, what) for row in rows]


def precision(written: str):
    """Half a unit of the last digit written: ``0.47`` -> 0.005, ``1.2e-3`` -> 0.00005, ``3`` -> 0.5."""
    return mp.mpf(5) * mp.mpf(10) ** (Decimal(written).as_tuple().exponent - 1)


# ---------------------------------------------------------------- the start

def _shape_error(what: str, expected: str, got) -> GmmMathError:
    return GmmMathError(f"{what} must have shape {expected}, got {_shape(got)}", parameter=_named(what))


def _shape(value, depth: int = 0) -> str:
    if isinstance(value, (list, tuple)) and depth < 4:
        inner = {_shape(item, depth + 1) for item in value}
        return f"{len(value)}" + (f" x {inner.pop()}" if len(inner) == 1 and inner != {""} else "")
    return ""


def _vector(values, length: int, what: str) -> tuple:
    if not isinstance(values, (list, tuple)) or len(values) != length:
        raise _shape_error(what, f"({length},)", values)
    return tuple(mp.mpf(parse_number(v, what)) for v in values)


def _rows(values, dim: int | None, what: str, limit: int) -> tuple:
    """Rows of D numbers; a flat list is read as 1-D rows."""
    if not isinstance(values, (list, tuple)) or not values:
        raise GmmMathError(f"{what} must be a non-empty list", parameter=_named(what))
    if len(values) > limit:
        raise GmmMathError(f"{what} has {len(values)} rows; at most {limit} are accepted", parameter=_named(what))
    rows = [v if isinstance(v, (list, tuple)) else [v] for v in values]
    dim = len(rows[0]) if dim is None else dim
    if not 1 <= dim <= MAX_DIM:
        raise GmmMathError(f"{what}: the dimension must be 1..{MAX_DIM}, got {dim}", parameter=_named(what))
    return tuple(_vector(row, dim, what) for row in rows)


def _covariance(value, dim: int, what: str):
    """A D x D symmetric positive definite matrix (a bare number in 1-D)."""
    rows = [[value]] if not isinstance(value, (list, tuple)) else value
    if dim == 1 and isinstance(value, (list, tuple)) and len(value) == 1 and not isinstance(value[0], (list, tuple)):
        rows = [value]
    if len(rows) != dim or any(not isinstance(r, (list, tuple)) or len(r) != dim for r in rows):
        raise _shape_error(what, f"({dim}, {dim})", value)
    matrix = mp.matrix([[mp.mpf(parse_number(v, what)) for v in row] for row in rows])
    if any(matrix[i, j] != matrix[j, i] for i in range(dim) for j in range(i)):
        raise GmmMathError(f"{what}: every covariance must be symmetric", parameter=_named(what))
    try:
        mp.cholesky(matrix)
    except (ValueError, ZeroDivisionError):
        raise GmmMathError(f"{what}: every covariance must be positive definite (variances > 0)",
                           parameter=_named(what)) from None
    return matrix


def make_start(data, weights, means, covariances) -> Start:
    """Validated start. Call inside ``mp.workdps(DPS)``.

    Parameters
    ----------
    data : sequence, shape (N, D) or (N,) for 1-D
    weights : sequence, shape (K,), positive, summing to 1
    means : sequence, shape (K, D) or (K,) for 1-D
    covariances : sequence, shape (K, D, D), or (K,) variances for 1-D
    """
    rows = _rows(data, None, "data", MAX_POINTS)
    dim = len(rows[0])
    if not isinstance(weights, (list, tuple)) or not 1 <= len(weights) <= MAX_COMPONENTS:
        raise GmmMathError(f"weights: give 1..{MAX_COMPONENTS} mixing weights", parameter="weights")
    k = len(weights)
    w = _vector(weights, k, "weights")
    if any(v <= 0 for v in w) or abs(mp.fsum(w) - 1) > WEIGHT_SUM_TOL:
        raise GmmMathError(f"weights must be positive and sum to 1, got sum {mpmath.nstr(mp.fsum(w), 12)}",
                           parameter="weights")
    mu = _rows(means, dim, "means", MAX_COMPONENTS)
    if len(mu) != k:
        raise GmmMathError(f"means: need one mean per component (K = {k}), got {len(mu)}", parameter="means")
    if not isinstance(covariances, (list, tuple)) or len(covariances) != k:
        raise GmmMathError(f"covariances: need one per component (K = {k})", parameter="covariances")
    sigma = tuple(_covariance(c, dim, "covariances") for c in covariances)
    if len(rows) * k * dim * dim > MAX_WORK:
        raise GmmMathError(f"the step is too large to check by hand (N K D^2 = {len(rows) * k * dim * dim} > "
                           f"{MAX_WORK})", parameter="data")
    return Start(rows, w, mu, sigma)


# ---------------------------------------------------------------- the step and its slips

def _log_weighted_density(x, mean, chol, constant) -> object:
    """log w + log N(x | mean, L L^T) by forward substitution on the Cholesky factor L.

    ``constant`` is log w - (D log 2 pi + log |L L^T|) / 2, the same for every point.
    """
    y = []
    for i in range(len(x)):
        y.append((x[i] - mean[i] - mp.fsum(chol[i, j] * y[j] for j in range(i))) / chol[i, i])
    return constant - mp.fsum(v * v for v in y) / 2


def _log_constant(weight, chol, dim: int) -> object:
    log_det = 2 * mp.fsum(mp.log(chol[i, i]) for i in range(dim))
    return mp.log(weight) - (dim * mp.log(2 * mp.pi) + log_det) / 2


@dataclass(frozen=True)
class _Rule:
    """How a step is computed: the correct rule, or one with a slip in it."""

    normalise: bool = True  # divide w_k N(x_n | ...) by the sum over k
    centre: str = "new"  # "old": the variance about the starting mean
    mean_divisor: str = "N_k"  # "N": sum_n r_nk x_n / N
    covariance_divisor: str = "N_k"
    report: str = "variance"  # "std": square roots of the diagonal reported
    weight_divisor: str = "N"  # "one": pi_k = N_k, not N_k / N
    exponent: str = "variance"  # "std": the standard deviation used for the variance in the E-step's density


SLIPS: dict[str, _Rule] = {
    "responsibilities not normalised": _Rule(normalise=False),
    "old mean used in the variance update": _Rule(centre="old"),
    "N instead of N_k": _Rule(mean_divisor="N", covariance_divisor="N"),
    "standard deviation reported for variance": _Rule(report="std"),
    "weights not summing to 1": _Rule(weight_divisor="one"),
    "N instead of N_k throughout (the variance taken about the N-divided mean)":
        _Rule(mean_divisor="N", covariance_divisor="N", centre="shown"),
    "standard deviation used for the variance in the exponent": _Rule(exponent="std"),
}


def _responsibilities(log_terms, normalise: bool) -> tuple:
    out = []
    for row in log_terms:
        top = max(row)
        shifted = [mp.exp(t - top) for t in row]
        total = mp.fsum(shifted)
        out.append(tuple(s / total for s in shifted) if normalise else tuple(mp.exp(t) for t in row))
    return tuple(out)


def _m_step(start: Start, resp: tuple, rule: _Rule) -> tuple:
    n, dim = len(start.data), start.dim
    divisors = {"N": lambda count: mp.mpf(n), "N_k": lambda count: count}
    counts, weights, means, covariances = [], [], [], []
    for k in range(len(start.weights)):
        r = [resp[i][k] for i in range(n)]
        count = mp.fsum(r)
        mean = tuple(mp.fsum(r[i] * start.data[i][d] for i in range(n)) / count for d in range(dim))
        shown_mean = tuple(mp.fsum(r[i] * start.data[i][d] for i in range(n)) / divisors[rule.mean_divisor](count)
                           for d in range(dim))
        centre = {"new": mean, "old": start.means[k], "shown": shown_mean}[rule.centre]
        dev = [[start.data[i][d] - centre[d] for d in range(dim)] for i in range(n)]
        divisor = divisors[rule.covariance_divisor](count)
        cov = [[mp.fsum(r[i] * dev[i][a] * dev[i][b] for i in range(n)) / divisor for b in range(dim)]
               for a in range(dim)]
        if rule.report == "std":
            for a in range(dim):
                cov[a][a] = mp.sqrt(cov[a][a])
        counts.append(count)
        weights.append(count if rule.weight_divisor == "one" else count / n)
        means.append(shown_mean)
        covariances.append(tuple(tuple(row) for row in cov))
    return tuple(counts), tuple(weights), tuple(means), tuple(covariances)


def _step(start: Start, responsibilities: dict, log_likelihood, rule: _Rule) -> Step:
    resp = responsibilities[rule.normalise] if rule.exponent == "variance" else responsibilities["std"]
    counts, weights, means, covariances = _m_step(start, resp, rule)
    return Step(start, resp, counts, weights, means, covariances, log_likelihood, {})


def _std_log_terms(start: Start) -> tuple:
    """The E-step's log terms with each variance replaced by its square root (the slip: sigma for sigma^2)."""
    dim = start.dim
    covariances = [mp.matrix([[mp.sqrt(c[i, i]) if i == j else (c[i, j] if dim > 1 else 0) for j in range(dim)]
                              for i in range(dim)]) for c in start.covariances]
    try:
        chols = [mp.cholesky(c) for c in covariances]
    except (ValueError, ZeroDivisionError):
        chols = [mp.cholesky(c) for c in start.covariances]  # no such slip for this start
    constants = [_log_constant(w, chol, dim) for w, chol in zip(start.weights, chols, strict=True)]
    return tuple(tuple(_log_weighted_density(x, start.means[k], chols[k], constants[k])
                       for k in range(len(start.weights))) for x in start.data)


def _logsumexp(row):
    top = max(row)
    return top + mp.log(mp.fsum(mp.exp(t - top) for t in row))


def exact_iteration(data, weights, means, covariances, dps: int = DPS) -> Step:
    """One EM iteration from the given start, and the same iteration with each known slip.

    Parameters
    ----------
    data : sequence, shape (N, D) or (N,)
        Numbers or decimal text.
    weights : sequence, shape (K,)
    means : sequence, shape (K, D) or (K,)
    covariances : sequence, shape (K, D, D), or (K,) variances in 1-D
    dps : int
        Significant digits of the computation.

    Returns
    -------
    Step
        Values are mpf at ``dps`` digits; ``slips`` maps each slip's name to its recomputed step.
    """
    with mp.workdps(dps):
        start = make_start(data, weights, means, covariances)
        # squared distances of large coordinates cancel: 1e40 needs 2 x 40 more digits than 1
        largest = max((abs(v) for x in (*start.data, *start.means) for v in x), default=mp.mpf(1))
        extra = 2 * max(0, int(mpmath.ceil(mpmath.log10(largest)))) if largest > 1 else 0
    with mp.workdps(dps + extra):
        if extra:
            start = make_start(data, weights, means, covariances)
        chols = [mp.cholesky(c) for c in start.covariances]
        constants = [_log_constant(w, chol, start.dim) for w, chol in zip(start.weights, chols)]
        log_terms = tuple(tuple(_log_weighted_density(x, start.means[k], chols[k], constants[k])
                                for k in range(len(start.weights))) for x in start.data)
        responsibilities = {normalise: _responsibilities(log_terms, normalise) for normalise in (True, False)}
        responsibilities["std"] = _responsibilities(_std_log_terms(start), True)
        log_likelihood = mp.fsum(_logsumexp(row) for row in log_terms)
        correct = _step(start, responsibilities, log_likelihood, _Rule())
        slips = {name: _step(start, responsibilities, log_likelihood, rule) for name, rule in SLIPS.items()}
    return replace(correct, slips=slips)


# ---------------------------------------------------------------- claims

def _agrees(computed, written: str, tol) -> bool:
    claimed = mp.mpf(written)
    if tol is None:
        return abs(computed - claimed) <= precision(written)
    return abs(computed - claimed) <= tol * abs(computed)


def _layout(step: Step, quantity: str, claimed) -> list[tuple[str, int, object, Callable[[Step], object], str]]:
    """(quantity label, component, index, how to read the value off a step, written claim) per claimed number."""
    start = step.start
    n, k, dim = len(start.data), len(start.weights), start.dim

    def table(value, rows: int, cols: int, what: str) -> list:
        if (not isinstance(value, (list, tuple)) or len(value) != rows
                or any(not isinstance(r, (list, tuple)) or len(r) != cols for r in value)):
            raise _shape_error(what, f"({rows}, {cols})", value)
        return [[parse_number(v, what) for v in row] for row in value]

    flat = lambda value: [[v] if not isinstance(v, (list, tuple)) else v for v in value] \
        if isinstance(value, (list, tuple)) else value  # noqa: E731 - 1-D shorthand: a flat list
    if quantity == "responsibilities":
        rows = table(claimed, n, k, "claimed responsibilities")
        return [("responsibility", c, i, lambda s, i=i, c=c: s.responsibilities[i][c], rows[i][c])
                for i in range(n) for c in range(k)]
    if quantity == "weights":
        row = table([claimed], 1, k, "claimed weights")[0]
        return [("weight", c, None, lambda s, c=c: s.weights[c], row[c]) for c in range(k)]
    if quantity == "means":
        rows = table(flat(claimed), k, dim, "claimed means")
        return [("mean", c, d if dim > 1 else None, lambda s, c=c, d=d: s.means[c][d], rows[c][d])
                for c in range(k) for d in range(dim)]
    if dim == 1:
        rows = table(_one_by_one(claimed), k, 1, "claimed variances")
        return [("variance", c, None, lambda s, c=c: s.covariances[c][0][0], rows[c][0]) for c in range(k)]
    if not isinstance(claimed, (list, tuple)) or len(claimed) != k:
        raise _shape_error("claimed covariances", f"({k}, {dim}, {dim})", claimed)
    out = []
    for c in range(k):
        rows = table(claimed[c], dim, dim, "claimed covariances")
        out.extend(("covariance", c, [a, b], lambda s, c=c, a=a, b=b: s.covariances[c][a][b], rows[a][b])
                   for a in range(dim) for b in range(dim))
    return out


def _one_by_one(claimed):
    """1-D variances as a (K, 1) table: [1, 2], [[1], [2]] and [[[1]], [[2]]] all mean variances 1 and 2."""
    if not isinstance(claimed, (list, tuple)):
        return claimed
    out = []
    for v in claimed:
        while isinstance(v, (list, tuple)) and len(v) == 1:
            v = v[0]
        out.append([v])
    return out


def check_claims(step: Step, claims: dict, tol=None) -> list[Entry]:
    """Compare every claimed number with the step; name the slip that reproduces each wrong one.

    Parameters
    ----------
    step : Step
        From :func:`exact_iteration`.
    claims : dict
        Any of ``responsibilities`` (N, K), ``weights`` (K,), ``means`` (K, D) (1-D: (K,)),
        ``covariances`` (K, D, D) or ``variances`` (K,); numbers as written (text keeps the precision).
    tol : float or None
        Relative tolerance; None compares at the precision each number was written with.

    Returns
    -------
    list of Entry, in the order responsibilities, weights, means, covariances.
    """
    unknown = set(claims) - {*QUANTITIES, "variances"}
    if unknown:
        raise GmmMathError(f"unknown claimed quantity {sorted(unknown)[0]!r} (expected responsibilities, "
                           "weights, means, variances or covariances)", parameter="claims")
    if "variances" in claims and "covariances" in claims:
        raise GmmMathError("claim variances or covariances, not both", parameter="claims")
    if tol is not None and not (tol > 0 and mpmath.isfinite(tol)):
        raise GmmMathError(f"tol must be a positive relative tolerance, got {tol}", parameter="tol")
    given = {("covariances" if name == "variances" else name): value for name, value in claims.items()}
    entries = []
    with mp.workdps(DPS):
        for quantity in QUANTITIES:
            if quantity not in given:
                continue
            for label, component, index, read, written in _layout(step, quantity, given[quantity]):
                computed = read(step)
                holds = _agrees(computed, written, tol)
                slip = None if holds else next(
                    (name for name, slipped in step.slips.items()
                     if read(slipped) != computed and _agrees(read(slipped), written, tol)), None)
                entries.append(Entry(label, component, index, written, computed, holds, slip))
        entries = _carried_forward(step, given, entries, tol)
    return entries


# ---------------------------------------------------------------- error carried forward

def _own_steps(step: Step, given: dict) -> list[Step]:
    """The step from the student's own numbers: variances about their claimed means and about the means that
    follow from their responsibilities (a claimed mean is rounded; either centre is the student's own)."""
    steps = [_own_step(step, given)]
    if "means" in given and "responsibilities" in given:
        steps.append(_own_step(step, {key: value for key, value in given.items() if key != "means"}))
    return [own for own in steps if own is not None]


def _own_step(step: Step, given: dict) -> Step | None:
    """The M-step recomputed from the student's own claimed responsibilities and means (None: nothing claimed
    that later numbers depend on)."""
    start = step.start
    n, k, dim = len(start.data), len(start.weights), start.dim
    resp = step.responsibilities
    if "responsibilities" in given:
        resp = tuple(tuple(mp.mpf(parse_number(v, "claimed responsibilities")) for v in row)
                     for row in given["responsibilities"])
    own_means = None
    if "means" in given:
        rows = [[v] if not isinstance(v, (list, tuple)) else v for v in given["means"]]
        own_means = tuple(tuple(mp.mpf(parse_number(v, "claimed means")) for v in row) for row in rows)
    if "responsibilities" not in given and own_means is None:
        return None
    counts, weights, means, covariances = [], [], [], []
    for c in range(k):
        r = [resp[i][c] for i in range(n)]
        count = mp.fsum(r)
        if count == 0:
            return None
        mean = tuple(mp.fsum(r[i] * start.data[i][d] for i in range(n)) / count for d in range(dim))
        centre = own_means[c] if own_means is not None else mean
        cov = tuple(tuple(mp.fsum(r[i] * (start.data[i][a] - centre[a]) * (start.data[i][b] - centre[b])
                                  for i in range(n)) / count for b in range(dim)) for a in range(dim))
        counts.append(count)
        weights.append(count / n)
        means.append(mean)
        covariances.append(cov)
    return Step(start, resp, tuple(counts), tuple(weights), tuple(means), tuple(covariances), step.log_likelihood,
                {})


def _carried_forward(step: Step, given: dict, entries: list[Entry], tol) -> list[Entry]:
    """Each wrong number judged again against the value that follows from the student's own earlier numbers.

    A marker's error carried forward: a mean computed correctly from wrong responsibilities "follows";
    the responsibilities themselves depend only on the start and are judged against the true values alone.
    """
    try:
        owns = _own_steps(step, given)
    except (GmmMathError, ValueError, TypeError, IndexError):
        return entries
    if not owns:
        return entries
    readers = {"weight": lambda s, e: s.weights[e.component],
               "mean": lambda s, e: s.means[e.component][e.index or 0],
               "variance": lambda s, e: s.covariances[e.component][0][0],
               "covariance": lambda s, e: s.covariances[e.component][e.index[0]][e.index[1]]}
    out = []
    for entry in entries:
        read = readers.get(entry.quantity)
        if entry.holds or read is None:
            out.append(entry)
            continue
        values = [read(own, entry) for own in owns]
        if all(abs(value - entry.computed) <= precision(entry.claimed) / 10 for value in values):
            out.append(entry)  # the earlier numbers change nothing here: no error to carry forward
            continue
        agreeing = [value for value in values if _follows(value, entry.claimed, tol)]
        out.append(replace(entry, follows=bool(agreeing), own=(agreeing or values)[0]))
    return out


def _follows(own, written: str, tol) -> bool:
    """Does a claim follow from the student's own (rounded) earlier numbers? Rounding them moves what follows,
    so one unit of the last digit written is allowed (twice the tolerance, with ``tol``)."""
    claimed = mp.mpf(written)
    if tol is None:
        return abs(own - claimed) <= 2 * precision(written)
    return abs(own - claimed) <= 2 * tol * abs(own)


def carried_forward(entries: Sequence[Entry]) -> list[str]:
    """Sentences a marker would write: "entries 1-6 are wrong (slip); entries 7-12 follow correctly from them".

    Entries are numbered from 1 in the order given.
    """
    def span(first: int, last: int) -> str:
        return f"entry {first}" if first == last else f"entries {first}\u2013{last}"

    sentences, position = [], 0
    while position < len(entries):
        if entries[position].holds or entries[position].follows:
            position += 1
            continue
        wrong = position
        while wrong + 1 < len(entries) and not entries[wrong + 1].holds and not entries[wrong + 1].follows \
                and entries[wrong + 1].slip == entries[position].slip:
            wrong += 1
        following = wrong + 1
        while following < len(entries) and (entries[following].follows or entries[following].holds):
            following += 1
        followers = [index for index in range(wrong + 1, following) if entries[index].follows]
        if followers:
            why = f" ({entries[position].slip})" if entries[position].slip else ""
            one = position == wrong
            sentences.append(f"{span(position + 1, wrong + 1)} {'is' if one else 'are'} wrong{why}; "
                             f"{span(followers[0] + 1, followers[-1] + 1)} "
                             f"{'follows' if len(followers) == 1 else 'follow'} correctly from "
                             f"{'it' if one else 'them'}")
        position = following
    return sentences


def verdict(entries: Sequence[Entry]) -> Verdict:
    """HOLDS when every claim holds, FAILS when one does not, NOTHING_CHECKED when none was made."""
    if not entries:
        return Verdict.NOTHING_CHECKED
    return Verdict.HOLDS if all(e.holds for e in entries) else Verdict.FAILS
