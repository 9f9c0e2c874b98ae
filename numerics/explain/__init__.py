"""``gmm-math explain`` as a library: the whole answer to "why does GMM maximum likelihood collapse?", computed.

:func:`~gmm_math.numerics.explain.build.build_story` returns a :class:`~gmm_math.numerics.explain.story.Story`:
seven sections of typed blocks (prose with computed numbers, SymPy formulas, derivations with their mpmath
check, tables, figure slots) plus the data the figures are drawn from. The CLI only renders it.
"""
