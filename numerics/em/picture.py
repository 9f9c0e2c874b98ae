"""The curves of the EM picture, computed from a fit: contour ellipses and 1-D densities."""

from __future__ import annotations

import numpy as np


def ellipse_outline(mean: np.ndarray, covariance: np.ndarray, sigmas: float, steps: int = 200) -> np.ndarray:
    """Points on the ``sigmas``-sigma contour of a 2-D Gaussian, shape (steps, 2).

    >>> outline = ellipse_outline(np.zeros(2), np.diag([4.0, 1.0]), 1.0, steps=5)
    >>> np.abs(np.round(outline[:2], 12)).tolist()
    [[0.0, 1.0], [2.0, 0.0]]
    """
    values, vectors = np.linalg.eigh(covariance)
    angle = np.linspace(0.0, 2.0 * np.pi, steps)
    circle = np.stack([np.cos(angle), np.sin(angle)], axis=1)
    return mean + sigmas * (circle * np.sqrt(np.maximum(values, 0.0))) @ vectors.T


def density_grid(x: np.ndarray, samples: int = 600) -> np.ndarray:
    """An even grid over the 1-D data with 10 % margin on each side, shape (samples,)."""
    return np.linspace(x.min() - 0.1 * np.ptp(x), x.max() + 0.1 * np.ptp(x), samples)


def weighted_densities(weights: np.ndarray, means: np.ndarray, covariances: np.ndarray,
                       grid: np.ndarray) -> np.ndarray:
    """pi_k N(x | mu_k, var_k) of each 1-D component on ``grid``, in log space, shape (K, M).

    A collapsed (or no longer finite) variance is raised to the smallest normal float so the density stays finite.
    """
    var = covariances[:, 0, 0]
    var = np.where(np.isfinite(var), np.maximum(var, np.finfo(float).tiny), np.finfo(float).tiny)[:, None]
    log_density = -0.5 * (np.log(2 * np.pi * var) + (grid[None, :] - means[:, :1]) ** 2 / var)
    return weights[:, None] * np.exp(log_density)
