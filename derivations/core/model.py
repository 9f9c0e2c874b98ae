"""The concrete collapse model behind a numeric confirmation: data, the point, the other components.

Pure Python with exact :class:`~fractions.Fraction` parameters, so the symbolic
layer (SymPy ``Rational``, stdlib decimal) and the numeric layer (mpmath at any precision)
evaluate exactly the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction
from functools import cached_property

from gmm_math.derivations.core.arithmetic import DECIMAL, Arithmetic
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError

COVARIANCES = ("spherical", "full")
COVARIANCE_ALIASES = {"isotropic": "spherical"}  # one word for sigma^2 I in every layer; the other accepted
MAX_COMPONENTS = 50


def example_data(dim: int = 1, multiplicity: int = 1) -> Dataset:
    """The documented example used when no data are given.

    The point x_n = 0 (repeated ``multiplicity`` times) and the points 1 and 3,
    each repeated along every coordinate.

    >>> example_data().rows
    ((Fraction(0, 1),), (Fraction(1, 1),), (Fraction(3, 1),))
    """
    values = [0] * multiplicity + [1, 3]
    return Dataset(tuple(tuple(Fraction(v) for _ in range(dim)) for v in values))


def first_coordinates(rows) -> str:
    """The first coordinate of each row as text, e.g. ``"0, 1, 3"`` (describes the 1-D-repeated example).

    >>> first_coordinates(example_data(2).rows)
    '0, 1, 3'
    """
    return ", ".join(str(row[0]) for row in rows)


def check_example_point(data: Dataset | None, point: int) -> None:
    """Without data the example's x_n = 0 is used: another ``point`` is an error, not silently ignored."""
    if data is None and point != 0:
        raise GmmMathError(f"point {point} needs data or data_file (the example data use x_n = point 0)",
                           parameter=("point", "data", "data_file"))


@dataclass(frozen=True)
class CollapseModel:
    """A Gaussian model whose component 1 sits on data point ``point`` with scale sigma.

    ``components == 1`` is the single Gaussian N(x | x_n, sigma^2 I). Otherwise
    component 1 is N(x | x_n, Sigma_1) with Sigma_1 = sigma^2 I (``spherical``, alias ``isotropic``) or
    diag(sigma^2, 1, ..., 1) (``full``: collapsing along the first axis only), and
    components 2..K are fixed isotropic Gaussians N(x | means[k], variances[k] I).

    Parameters
    ----------
    data : Dataset, shape (N, D)
    point : int, 0-based index of x_n
    weights : tuple of Fraction, shape (K,), pi_1..pi_K
    means : tuple of tuple of Fraction, shape (K-1, D), components 2..K
    variances : tuple of Fraction, shape (K-1,), components 2..K
    covariance : {"spherical", "full"}
    """

    data: Dataset
    point: int
    weights: tuple[Fraction, ...] = (Fraction(1),)
    means: tuple[tuple[Fraction, ...], ...] = ()
    variances: tuple[Fraction, ...] = ()
    covariance: str = "spherical"

    def __post_init__(self) -> None:
        object.__setattr__(self, "covariance", COVARIANCE_ALIASES.get(self.covariance, self.covariance))
        self.data.check_point(self.point)
        k = len(self.weights)
        if self.covariance not in COVARIANCES:
            raise GmmMathError(f"covariance {self.covariance!r} is not one of {', '.join(COVARIANCES)}",
                               parameter="covariance")
        if len(self.means) != k - 1 or len(self.variances) != k - 1:
            raise GmmMathError("need one mean and one variance for each of components 2..K")
        if any(w < 0 for w in self.weights) or sum(self.weights) != 1:
            raise GmmMathError(f"weights must be non-negative and sum to 1, got {', '.join(map(str, self.weights))}",
                               parameter="weights")
        if self.weights[0] <= 0:
            raise GmmMathError("the collapsing component needs a positive weight pi_1 > 0")
        zero = [j + 1 for j, w in enumerate(self.weights) if w == 0]
        if zero:
            raise GmmMathError(zero_weight_message(zero, k), parameter="weights")
        if any(v <= 0 for v in self.variances):
            raise GmmMathError("scales of components 2..K must be positive")
        if any(len(m) != self.data.dim for m in self.means):
            raise GmmMathError(f"means must have the data's dimension {self.data.dim}")

    @property
    def components(self) -> int:
        return len(self.weights)

    @property
    def centre(self) -> tuple[Fraction, ...]:
        return self.data.rows[self.point]

    @property
    def full(self) -> bool:
        """Component 1 collapses along the first axis only (``full`` covariance, D > 1, K > 1)."""
        return self.covariance == "full" and self.data.dim > 1 and self.components > 1

    @property
    def rate(self) -> int:
        """p in sigma^(-p): the number of collapsing directions (D, or 1 along one axis)."""
        return 1 if self.full else self.data.dim

    @cached_property
    def lemma(self) -> "LemmaConstants":
        """The exact per-point constants of the collapse, for every distinct point at once (computed once)."""
        return LemmaConstants.from_model(self)

    def lemma_constants(self) -> "LemmaConstants":
        return self.lemma

    @classmethod
    def single(cls, data: Dataset, point: int = 0) -> "CollapseModel":
        return cls(data, point)

    @classmethod
    def mixture(
        cls,
        data: Dataset,
        point: int = 0,
        components: int = 2,
        weights: tuple[Fraction, ...] | None = None,
        means: tuple[Fraction, ...] | None = None,
        scales: tuple[Fraction, ...] | None = None,
        covariance: str = "spherical",
    ) -> "CollapseModel":
        """A mixture with documented defaults for what is not given.

        Defaults: equal weights 1/K; for K = 2 the second mean is the data mean,
        for K > 2 the means of components 2..K are spread evenly from the
        coordinate-wise minimum to the maximum of the data; every variance is
        the data variance trace(cov)/D (1 if the data are all equal).
        ``means`` and ``scales`` (standard deviations) are 1-D only.
        """
        if not 2 <= components <= MAX_COMPONENTS:
            raise GmmMathError(
                "components = 1 is the single-Gaussian case: derive single (single_gaussian_collapse) derives it"
                if components == 1 else f"components must be between 2 and {MAX_COMPONENTS}, got {components}",
                parameter="components",
            )
        data.check_point(point)
        k = components
        if weights is None:
            weights = (Fraction(1, k),) * k
        elif len(weights) != k:
            raise GmmMathError(f"weights needs {k} values w1,..,w{k}, got {len(weights)}", parameter="weights")
        if (means is not None or scales is not None) and data.dim != 1:
            raise GmmMathError("means and scales are for 1-D data; in D > 1 the defaults from the data are used",
                               parameter=("means", "scales"))
        if means is None:
            mean_rows = _default_means(data, k)
        elif len(means) != k - 1:
            raise GmmMathError(f"means needs {k - 1} values m2,..,m{k}, got {len(means)}", parameter="means")
        else:
            mean_rows = tuple((m,) for m in means)
        if scales is None:
            variance = data.mean_variance() or Fraction(1)
            variances = (variance,) * (k - 1)
        elif len(scales) != k - 1:
            raise GmmMathError(f"scales needs {k - 1} values s2,..,s{k}, got {len(scales)}", parameter="scales")
        elif any(s <= 0 for s in scales):
            raise GmmMathError("scales must be positive standard deviations", parameter="scales")
        else:
            variances = tuple(s * s for s in scales)
        return cls(data, point, tuple(weights), mean_rows, variances, covariance)


def zero_weight_message(zero: list[int], k: int) -> str:
    """Why a zero weight is refused: pi_k = 0 removes component k, the model is a mixture of fewer components.

    >>> zero_weight_message([2], 2)
    'weight pi_2 = 0 removes component 2: the model is one Gaussian, not a mixture of K = 2 (its collapse is the single-Gaussian case, `gmm-math derive single`)'
    """
    left = k - len(zero)
    names = ", ".join(f"pi_{j}" for j in zero)
    removed = ", ".join(str(j) for j in zero)
    head = f"weight {names} = 0 removes component {removed}: the model is "
    if left == 1:
        return head + f"one Gaussian, not a mixture of K = {k} (its collapse is the single-Gaussian case, " \
                      "`gmm-math derive single`)"
    return head + f"a mixture of K = {left}, not K = {k}; give K = {left} and its {left} positive weights"


@dataclass(frozen=True)
class LemmaConstants:
    """Every distinct point's term of log L along the collapse, as exact constants (no SymPy).

    Point m (with multiplicity ``count[m]``) contributes ``count[m] * log(c_m + b_m sigma^(-p) exp(-a_m/sigma^2))``
    with ``a_m = along[m]`` (half the squared distance to x_n along the collapsing directions),
    ``b_m = pi_1 (2 pi)^(-D/2) exp(-across[m])`` and ``c_m`` the density of components 2..K at x_m.
    The lemma lim log(c + b sigma^(-p) e^(-a/sigma^2)) = log c (a > 0), +oo (a = 0) settles every point.

    Attributes
    ----------
    rows : tuple, shape (M,)
        the distinct rows, in first-seen order.
    count : tuple of int, shape (M,)
    along_int, across_int : tuple of int, shape (M,)
        the numerators of a_m and of the across term over the common ``denominator``.
    denominator : int
    p : int
        the rate (collapsing directions).
    """

    rows: tuple[tuple[Fraction, ...], ...]
    count: tuple[int, ...]
    along_int: tuple[int, ...]
    across_int: tuple[int, ...]
    denominator: int
    p: int

    @classmethod
    def from_model(cls, model: CollapseModel) -> "LemmaConstants":
        data = model.data
        ints, scale = data.scaled  # integer arithmetic: far cheaper than Fractions for 10^4 points
        groups = tuple(data.group_index.values())
        centre = ints[model.point]
        split = 1 if model.full else data.dim
        along, across = [], []
        for first, _ in groups:
            row = ints[first]
            along.append(sum((a - c) ** 2 for a, c in zip(row[:split], centre[:split])))
            across.append(sum((a - c) ** 2 for a, c in zip(row[split:], centre[split:])))
        return cls(tuple(data.rows[first] for first, _ in groups), tuple(count for _, count in groups),
                   tuple(along), tuple(across), 2 * scale * scale, model.rate)

    @cached_property
    def along(self) -> tuple[Fraction, ...]:
        """a_m = ||x_m - x_n||^2 / 2 along the collapsing directions, exactly, shape (M,)."""
        return tuple(Fraction(a, self.denominator) for a in self.along_int)

    @cached_property
    def across(self) -> tuple[Fraction, ...]:
        """Half the squared distance across the collapsing axis (0 for an isotropic collapse), shape (M,)."""
        return tuple(Fraction(a, self.denominator) for a in self.across_int)

    @cached_property
    def growing(self) -> tuple[int, ...]:
        """Indices of the points with a_m = 0, where component 1 grows without bound."""
        return tuple(i for i, a in enumerate(self.along_int) if a == 0)

    @cached_property
    def vanishing(self) -> tuple[int, ...]:
        """Indices of the points with a_m > 0, where component 1's term vanishes."""
        return tuple(i for i, a in enumerate(self.along_int) if a != 0)

    def total(self, indices) -> int:
        """How many data points (with multiplicity) the distinct points ``indices`` stand for."""
        return sum(self.count[i] for i in indices)


@dataclass(frozen=True)
class OtherComponents:
    """Components 2..K as numbers of one :class:`Arithmetic`: (log pi_k - D/2 log(2 pi v_k), mean_k, 1/(2 v_k)).

    Built and evaluated at the precision current at the time, in ``arithmetic`` (stdlib decimal by
    default, under :func:`~gmm_math.derivations.core.arithmetic.decimal_digits`; numerics passes mpmath's).
    """

    parts: tuple
    arithmetic: Arithmetic = DECIMAL

    @classmethod
    def from_model(cls, model: CollapseModel, arithmetic: Arithmetic = DECIMAL) -> "OtherComponents":
        ops, dim = arithmetic, model.data.dim
        number = lambda v: ops.ratio(v.numerator, v.denominator)  # noqa: E731 - exact Fraction -> number
        return cls(tuple(
            (ops.log(number(w)) - ops.ratio(dim, 1) / 2 * ops.log(2 * ops.pi() * number(v)),
             tuple(number(m) for m in mean), 1 / (2 * number(v)))
            for w, mean, v in zip(model.weights[1:], model.means, model.variances) if w > 0
        ), ops)

    def log_densities(self, model: CollapseModel) -> tuple:
        """:meth:`log_density` at every distinct point of ``model`` (the order of :class:`LemmaConstants`).

        The squared distances to each mean are exact integers over a common denominator, so each point
        costs one conversion to a number per component instead of one per coordinate.
        """
        ops, data = self.arithmetic, model.data
        if not self.parts:
            return (None,) * len(data.group_index)
        columns = []
        for (const, _, half_precision), mean in zip(self.parts, [m for w, m in zip(model.weights[1:], model.means)
                                                                 if w > 0]):
            distances, den = data.distinct_squared_distances(mean)
            coefficient = half_precision / ops.ratio(den, 1)
            columns.append(ops.affine(const, coefficient, distances))
        if len(columns) == 1:
            return tuple(columns[0])
        out = []
        for logs in zip(*columns):
            top = max(logs)
            out.append(top + ops.log1p(ops.fsum(ops.exp(t - top) for t in logs if t is not top)))
        return tuple(out)

    def log_density(self, row) -> object:
        """log sum_{k>=2} pi_k N(x | mu_k, v_k I) at one point (a number), or None if those weights are all 0."""
        if not self.parts:
            return None
        ops = self.arithmetic
        point = [ops.ratio(a.numerator, a.denominator) for a in row]
        logs = [const - half_precision * ops.fsum((a - m) ** 2 for a, m in zip(point, mean))
                for const, mean, half_precision in self.parts]
        top = max(logs)
        if len(logs) == 1:
            return top
        return top + ops.log(ops.fsum(ops.exp(t - top) for t in logs))


def _default_means(data: Dataset, k: int) -> tuple[tuple[Fraction, ...], ...]:
    if k == 2:
        return (data.mean(),)
    lo = tuple(min(col) for col in zip(*data.rows))
    hi = tuple(max(col) for col in zip(*data.rows))
    return tuple(tuple(a + Fraction(j, k - 2) * (b - a) for a, b in zip(lo, hi)) for j in range(k - 1))
