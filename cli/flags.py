"""The one table from the library's parameter names to the command-line flags that set them.

The library (derivations, numerics) never names a flag: it raises
:class:`~gmm_math.derivations.core.errors.GmmMathError` naming its own
parameters (``eps``, ``reg_covar``) in the message and in ``parameters``. The CLI's
error boundary rewrites the message with :func:`flag_message`, so the user
reads the flag they typed. A parameter without a flag (Python-only) keeps its name.
"""

from __future__ import annotations

import re

PARAMETER_FLAGS: dict[str, str] = {
    "a": "--a",
    "alpha": "--alpha",
    "beta": "--beta",
    "c": "--c",
    "claim": "--claim",
    "components": "--components",
    "covariance": "--covariance",
    "data": "--data",
    "data_file": "--data-file",
    "dim": "--dim",
    "dps": "--dps",
    "eps": "--eps",
    "init": "--init",
    "language": "--input",
    "lam": "--lam",
    "max_iter": "--max-iter",
    "means": "--means",
    "min_ratio": "--min-ratio",
    "multiplicity": "--multiplicity",
    "point": "--point",
    "reg_covar": "--reg-covar",
    "remedy": "--remedy",
    "s0": "--s0",
    "below": "--below",
    "scales": "--scales",
    "seed": "--seed",
    "sigma": "--sigma",
    "sweep": "--sweep",
    "tau2": "--tau2",
    "to": "--to",
    "tol": "--tol",
    "var": "--var",
    "weights": "--weights",
}


def _name(parameter: str) -> re.Pattern[str]:
    """The parameter as a whole word: not part of a longer name (``data`` is not in ``data_file``)."""
    return re.compile(rf"(?<![\w-]){re.escape(parameter)}(?![\w-])")


def flag_message(message: str, parameters: tuple[str, ...]) -> str:
    """``message`` with the first mention of each named parameter replaced by its flag.

    A parameter the message does not mention is added at the end in parentheses,
    so the user always learns which flag to change.

    >>> flag_message("eps must be positive, got -1", ("eps",))
    '--eps must be positive, got -1'
    >>> flag_message("give data or data_file, not both", ("data", "data_file"))
    'give --data or --data-file, not both'
    >>> flag_message("the fit needs fewer components", ("components", "max_restarts"))
    'the fit needs fewer --components (max_restarts)'
    """
    for parameter in parameters:
        flag = PARAMETER_FLAGS.get(parameter, parameter)
        message, found = _name(parameter).subn(flag, message, count=1)
        if not found:
            message = f"{message} ({flag})"
    return message
