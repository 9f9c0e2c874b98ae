"""The remedies' derivations, one builder per remedy, found through :mod:`~gmm_math.derivations.remedies.registry`."""

from __future__ import annotations


def remedy_collapse(name: str, **options):
    """Derive what remedy ``name`` does to the objective as component 1 collapses on a data point (sigma -> 0+).

    The builder is the registry's (:func:`gmm_math.derivations.remedies.registry.builder`), as for
    ``gmm-math derive remedy NAME``.

    Parameters
    ----------
    name : str
        One of :func:`registry.names("derive") <gmm_math.derivations.remedies.registry.names>`: ridge, map,
        penalty, ratio, reparam, reset.
    **options
        The builder's keyword arguments: ``dim``, ``data`` (Dataset, shape (N, D)), ``point``, ``components``,
        the remedy's own parameters (``eps``, ``alpha``, ``beta``, ``a``, ``c``, ``lam``, ``tau2``; exact
        numbers) and, except for ratio, ``weights``, ``means``, ``scales``.

    Returns
    -------
    RemedyDerivation
        The remedied objective along the collapse and its limit (finite where the remedy bounds it).

    Examples
    --------
    >>> remedy_collapse("reset")
    <Derivation remedy-reset: 6 steps, log L_reset -> oo as sigma -> 0+>
    >>> remedy_collapse("ridge").limit_log_likelihood.is_finite
    True
    """
    from gmm_math.derivations.core.errors import GmmMathError
    from gmm_math.derivations.remedies import registry

    if name not in registry.names("derive"):
        raise GmmMathError(f"no derivation for remedy {name!r}; choose one of {', '.join(registry.names('derive'))}",
                           parameter="name")
    return registry.builder(name)(**options)
