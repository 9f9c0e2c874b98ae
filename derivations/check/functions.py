"""The functions of the checking language: the normal densities in both conventions, sums and products."""

from __future__ import annotations

from collections.abc import Callable

import sympy as sp


def gaussian(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """The normal density with standard deviation ``sigma``."""
    return sp.exp(-(x - mu) ** 2 / (2 * sigma**2)) / (sp.sqrt(2 * sp.pi) * sigma)


def log_gaussian(x: sp.Expr, mu: sp.Expr, sigma: sp.Expr) -> sp.Expr:
    """Its logarithm, written out."""
    return -sp.log(sigma) - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * sigma**2)


def variance_gaussian(x: sp.Expr, mu: sp.Expr, variance: sp.Expr) -> sp.Expr:
    return sp.exp(-(x - mu) ** 2 / (2 * variance)) / sp.sqrt(2 * sp.pi * variance)


def variance_log_gaussian(x: sp.Expr, mu: sp.Expr, variance: sp.Expr) -> sp.Expr:
    return -sp.log(variance) / 2 - sp.log(2 * sp.pi) / 2 - (x - mu) ** 2 / (2 * variance)


# name -> (allowed argument counts, builder); N and logN with a bar are handled by _given
FUNCTIONS: dict[str, tuple[frozenset[int], Callable[..., sp.Expr]]] = {
    "exp": (frozenset({1}), sp.exp),
    "log": (frozenset({1, 2}), sp.log),
    "ln": (frozenset({1}), sp.log),
    "sqrt": (frozenset({1}), sp.sqrt),
    "Abs": (frozenset({1}), sp.Abs),
    "N": (frozenset({3}), gaussian),
    "logN": (frozenset({3}), log_gaussian),
}
GIVEN: dict[str, Callable[..., sp.Expr]] = {"N": variance_gaussian, "logN": variance_log_gaussian}
BIG_OPERATORS: dict[str, type] = {"sum": sp.Sum, "Sum": sp.Sum, "prod": sp.Product, "Product": sp.Product}
SPECIAL = frozenset({"limit", "det", "diag", "diff"})
