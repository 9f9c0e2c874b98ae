"""One Gaussian on data that lie in a lower-dimensional affine subspace: the collapse to the boundary."""

from __future__ import annotations

from dataclasses import dataclass

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.rank import exact_affine_rank
from gmm_math.derivations.core.model import CollapseModel, example_data, first_coordinates
from gmm_math.derivations.remedies.common import RemedyDerivation, conclude
from gmm_math.derivations.result import SIGMA, Step
from gmm_math.derivations.symbols import L, check_dim, expand_log_2pi

SHOWN_ROWS = 8
DEFAULT_DIM = 2
COV = sp.Symbol("Sigma")
P_SYM = sp.Symbol("P")


@dataclass(frozen=True)
class CentredData:
    """The centred data through exact integers: the mean, the scatter matrix, and any rows on request.

    With the data as integers over a common denominator (:attr:`Dataset.scaled`), z_m = N x_m - sum_j x_j
    is an integer vector and the centred point is z_m / (N * scale). The D x D scatter
    sum_m z_m z_m^T is built in integer arithmetic (O(N D^2), no N x D SymPy matrix); it has the rank
    of the centred data, because Z^T Z v = 0 implies ||Z v||^2 = 0.
    """

    data: Dataset
    total: tuple[int, ...]
    gram: tuple[tuple[int, ...], ...]
    denominator: int

    @classmethod
    def from_data(cls, data: Dataset) -> "CentredData":
        ints, scale = data.scaled
        dim, n = data.dim, data.n
        total = tuple(sum(col) for col in zip(*ints))
        gram = [[0] * dim for _ in range(dim)]
        for row in ints:
            z = [n * a - t for a, t in zip(row, total)]
            for i in range(dim):
                zi = z[i]
                if zi:
                    gram_i = gram[i]
                    for j in range(i, dim):
                        gram_i[j] += zi * z[j]
        for i in range(dim):
            for j in range(i):
                gram[i][j] = gram[j][i]
        return cls(data, total, tuple(map(tuple, gram)), n * scale)

    @property
    def mean(self) -> sp.Matrix:
        """The data mean, D x 1, exactly."""
        return sp.Matrix([sp.Rational(t, self.denominator) for t in self.total])

    @property
    def scatter(self) -> sp.Matrix:
        """sum_m (x_m - mean)(x_m - mean)^T, D x D, exactly."""
        return sp.Matrix(self.gram) / self.denominator**2

    def rows(self, count: int) -> sp.Matrix:
        """The first ``count`` centred rows, exactly (count x D)."""
        ints, _ = self.data.scaled
        n = self.data.n
        return sp.Matrix([[sp.Rational(n * a - t, self.denominator) for a, t in zip(row, self.total)]
                          for row in ints[:count]])


def affine_rank(data: Dataset) -> int:
    """Dimension of the affine hull of the data, exactly (the one rank function every command shares).

    >>> affine_rank(Dataset.from_text("0,0;1,1;3,3"))
    1
    """
    return exact_affine_rank(data.rows)


def normal_projector(scatter: sp.Matrix) -> sp.Matrix:
    """Orthogonal projector onto the directions the data do not span (D x D, rational): the scatter's null space."""
    basis = sp.Matrix.hstack(*scatter.nullspace())
    return sp.ImmutableMatrix(basis * (basis.T * basis).inv() * basis.T)


def degenerate_collapse(dim: int | None = None, data: Dataset | None = None) -> RemedyDerivation:
    """A single Gaussian whose covariance shrinks along the normal directions of the data's affine hull.

    Degenerate data (rank q < D) give log L -> +oo at rate -N (D - q) log sigma; data in general
    position give a bounded likelihood, and the same shrinking drives log L to -oo. ``dim`` defaults
    to the data's dimension, or to 2 (collinear example data) without data.

    Parameters
    ----------
    dim : int, optional
        D.
    data : Dataset, shape (N, D), optional
        None: collinear example data in D = 2.

    Returns
    -------
    RemedyDerivation

    Examples
    --------
    >>> degenerate_collapse()
    <Derivation degenerate: 7 steps, log L -> oo as sigma -> 0+>
    >>> degenerate_collapse().leading_term
    -3*log(sigma)
    >>> degenerate_collapse(data=Dataset.from_text("0,0;1,0;0,1")).limit_log_likelihood
    -oo
    """
    if dim is None:
        dim = data.dim if data is not None else DEFAULT_DIM
    dim = check_dim(dim, data)
    dataset = data if data is not None else example_data(dim)
    n = dataset.n
    centred = CentredData.from_data(dataset)
    mean, scatter = centred.mean, centred.scatter
    rank = affine_rank(dataset)
    degenerate = rank < dim
    projector = normal_projector(scatter) if degenerate else sp.ImmutableMatrix(
        sp.diag(1, *([0] * (dim - 1))))
    shrinking = int(projector.trace())
    sigma = SIGMA
    normal_part = (projector * scatter).trace()  # sum_m (x_m - mean)^T P (x_m - mean)
    total = scatter.trace()
    log_l = sp.expand(expand_log_2pi(n * sp.log((2 * sp.pi) ** sp.Rational(-dim, 2) * sigma ** -shrinking))
                      - normal_part / (2 * sigma**2) - (total - normal_part) / 2)
    shown = centred.rows(min(n, SHOWN_ROWS))
    steps = [Step(
        "Rank of the centred data",
        f"N = {n} points in D = {dim} dimensions; the centred data matrix"
        + (f" (first {SHOWN_ROWS} rows)" if n > SHOWN_ROWS else "")
        + " and its exact rank, the dimension q of the affine hull of the data.",
        (sp.Eq(sp.Symbol("X_c"), shown, evaluate=False), sp.Eq(sp.Symbol("q"), rank)),
    )]
    steps += _degenerate_steps(projector, shrinking, normal_part) if degenerate else _general_steps(scatter, n, dim)
    steps.append(Step("log L along the path", "Mean at the data mean, covariance sigma^2 P + (I - P): "
                      "det Sigma = sigma^(2 r) with r = tr(P) shrinking directions.",
                      (sp.Eq(sp.Symbol("r"), shrinking), sp.Eq(sp.log(L), log_l))))
    after = (_boundary_step(projector),) if degenerate else ()
    title = ("Degenerate data: one Gaussian collapsing onto the data's affine subspace" if degenerate
             else "Data in general position: one Gaussian stays bounded")
    assumptions = (
        "one Gaussian N(mu, Sigma) with mu = the data mean",
        "Sigma(sigma) = sigma^2 P + (I - P): P projects on the directions that shrink as sigma -> 0+",
        f"the {n} data points as given" if data is not None
        else f"the example data {first_coordinates(dataset.rows)} repeated along every coordinate (collinear for "
        f"D >= 2), D = {dim}",
    )
    return conclude("degenerate", title, steps, log_l, CollapseModel.single(dataset, 0), assumptions,
                    {"mean": sp.ImmutableMatrix(mean), "projector": projector, "rank": sp.Integer(rank),
                     "normal": sp.Rational(normal_part), "total": sp.Rational(total)},
                    after=after, limit_text="The dominant term decides both limits.")


def _degenerate_steps(projector: sp.Matrix, shrinking: int, normal_part: sp.Expr) -> list[Step]:
    return [
        Step("Normal directions", "The rank is below D: the null space of the centred data holds the directions "
             "no data point moves along. P projects onto them.",
             (sp.Eq(P_SYM, projector, evaluate=False),)),
        Step("Every point lies in the subspace", "Q_perp = sum_m (x_m - mean)^T P (x_m - mean), the squared length "
             "of the centred points along the normal directions, is exactly 0: shrinking the variance there costs "
             "nothing in the exponent.",
             (sp.Eq(sp.Symbol("Q_perp"), normal_part),)),
    ]


def _general_steps(scatter: sp.Matrix, n: int, dim: int) -> list[Step]:
    scatter = scatter / n
    det = scatter.det()
    sup = sp.expand(sp.expand_log(-sp.Rational(n, 2) * (dim * sp.log(2 * sp.pi) + sp.log(det) + dim), force=True))
    return [
        Step("General position", "The rank equals D: the sample covariance S is positive definite, and the "
             "maximum likelihood over all means and covariances is attained at (mean, S). The likelihood is "
             "bounded for one component.",
             (sp.Eq(sp.Symbol("S"), scatter, evaluate=False), sp.Eq(sp.Symbol("det(S)"), det),
              sp.LessThan(sp.log(L), sup), sp.LessThan(sp.log(L), sup.evalf(15)))),
        Step("Shrinking along an axis", "The same shrinking as in the degenerate case, along the first axis: "
             "the data spread along it, so the exponent gains a -1/sigma^2 penalty.",
             (sp.Eq(P_SYM, sp.diag(1, *([0] * (dim - 1))), evaluate=False),)),
    ]


def _boundary_step(projector: sp.Matrix) -> Step:
    dim = projector.rows
    limit = sp.ImmutableMatrix(sp.eye(dim) - projector)
    return Step(
        "The boundary of the parameter space",
        "As sigma -> 0+ the covariance tends to a singular matrix: the likelihood grows without bound towards a "
        "point on the boundary of the positive-definite cone, which is not a Gaussian at all. A mixture component "
        "collapsing onto a data point is the same escape, with the whole covariance tending to 0.",
        (sp.Eq(sp.Limit(COV, SIGMA, 0, "+"), limit, evaluate=False), sp.Eq(sp.Symbol("det(I - P)"), limit.det())),
    )
