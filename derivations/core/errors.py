"""The one exception type of gmm-math."""


class GmmMathError(ValueError):
    """Bad input or an impossible request, with a one-line message for the user.

    The CLI catches exactly this type, prints ``str(err)`` on one line to
    stderr and exits with code 2.
    """
