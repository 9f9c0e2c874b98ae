"""One Gaussian on data that lie in a lower-dimensional affine subspace: the collapse to the boundary."""

from __future__ import annotations

import sympy as sp

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import CollapseModel, example_data, first_coordinates
from gmm_math.derivations.remedies.common import RemedyDerivation, conclude
from gmm_math.derivations.result import SIGMA, Step
from gmm_math.derivations.symbols import L, check_dim, expand_log_2pi

SHOWN_ROWS = 8
DEFAULT_DIM = 2
COV = sp.Symbol("Sigma")
P_SYM = sp.Symbol("P")


def centred_matrix(data: Dataset) -> tuple[sp.Matrix, sp.Matrix]:
    """The data mean (D x 1) and the centred data X - 1 mean^T (N x D), exactly."""
    mean = sp.Matrix([sp.Rational(v) for v in data.mean()])
    rows = [[sp.Rational(a) - m for a, m in zip(row, mean)] for row in data.rows]
    return mean, sp.Matrix(rows)


def affine_rank(data: Dataset) -> int:
    """Dimension of the affine hull of the data: the rank of the centred data matrix, exactly.

    >>> affine_rank(Dataset.from_text("0,0;1,1;3,3"))
    1
    """
    return centred_matrix(data)[1].rank()


def normal_projector(centred: sp.Matrix) -> sp.Matrix:
    """Orthogonal projector onto the directions the data do not span (D x D, rational)."""
    basis = sp.Matrix.hstack(*centred.nullspace())
    return sp.ImmutableMatrix(basis * (basis.T * basis).inv() * basis.T)


def degenerate_collapse(dim: int | None = None, data: Dataset | None = None) -> RemedyDerivation:
    """A single Gaussian whose covariance shrinks along the normal directions of the data's affine hull.

    Degenerate data (rank q < D) give log L -> +oo at rate -N (D - q) log sigma; data in general
    position give a bounded likelihood, and the same shrinking drives log L to -oo. ``dim`` defaults
    to the data's dimension, or to 2 (collinear example data) without data.

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
    mean, centred = centred_matrix(dataset)
    rank = centred.rank()
    degenerate = rank < dim
    projector = normal_projector(centred) if degenerate else sp.ImmutableMatrix(
        sp.diag(1, *([0] * (dim - 1))))
    shrinking = int(projector.trace())
    sigma = SIGMA
    normal_part = sp.Add(*[(centred.row(i) * projector * centred.row(i).T)[0] for i in range(n)])
    total = sp.Add(*[(centred.row(i) * centred.row(i).T)[0] for i in range(n)])
    log_l = sp.expand(expand_log_2pi(n * sp.log((2 * sp.pi) ** sp.Rational(-dim, 2) * sigma ** -shrinking))
                      - normal_part / (2 * sigma**2) - (total - normal_part) / 2)
    shown = centred if n <= SHOWN_ROWS else centred[:SHOWN_ROWS, :]
    steps = [Step(
        "Rank of the centred data",
        f"N = {n} points in D = {dim} dimensions; the centred data matrix"
        + (f" (first {SHOWN_ROWS} rows)" if n > SHOWN_ROWS else "")
        + " and its exact rank, the dimension q of the affine hull of the data.",
        (sp.Eq(sp.Symbol("X_c"), shown, evaluate=False), sp.Eq(sp.Symbol("q"), rank)),
    )]
    steps += _degenerate_steps(projector, shrinking, normal_part) if degenerate else _general_steps(centred, n, dim)
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
                    {"mean": sp.ImmutableMatrix(mean), "projector": projector, "rank": sp.Integer(rank)},
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


def _general_steps(centred: sp.Matrix, n: int, dim: int) -> list[Step]:
    scatter = centred.T * centred / n
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
