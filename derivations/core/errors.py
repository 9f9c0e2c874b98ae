"""The one exception type of gmm-math."""

from __future__ import annotations


class GmmMathError(ValueError):
    """Bad input or an impossible request, with a one-line message for the user.

    The library speaks in its own parameter names (``eps``, ``components``,
    ``covariance``) and names them in ``parameters``; only the CLI knows flags,
    and its error boundary maps each named parameter to its flag once. The CLI
    catches exactly this type, prints the message on one line to stderr and
    exits with code 2.

    >>> err = GmmMathError("eps must be positive, got -1", parameter="eps")
    >>> err.parameters
    ('eps',)
    """

    def __init__(self, message: str, *, parameter: str | tuple[str, ...] | None = None):
        super().__init__(message)
        self.parameters: tuple[str, ...] = (parameter,) if isinstance(parameter, str) else tuple(parameter or ())
