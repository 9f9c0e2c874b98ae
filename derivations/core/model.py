"""The concrete collapse model behind a numeric confirmation: data, the point, the other components.

Pure Python with exact :class:`~fractions.Fraction` parameters, so the symbolic
layer (SymPy ``Rational``) and the numeric layer (mpmath at any precision)
evaluate exactly the same model.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

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


def _default_means(data: Dataset, k: int) -> tuple[tuple[Fraction, ...], ...]:
    if k == 2:
        return (data.mean(),)
    lo = tuple(min(col) for col in zip(*data.rows))
    hi = tuple(max(col) for col in zip(*data.rows))
    return tuple(tuple(a + Fraction(j, k - 2) * (b - a) for a, b in zip(lo, hi)) for j in range(k - 1))
