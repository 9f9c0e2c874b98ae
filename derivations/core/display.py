"""The one hook from a result object to its notebook renderer: :class:`NotebookDisplay`.

The derivations and numerics layers compute and never render; Jupyter's rich display of their results
(``_repr_html_``, ``_repr_latex_``) is drawn by :mod:`gmm_math.cli.notebook_render`, with the other
renderers. A result class inherits this mixin; when Jupyter asks, the mixin imports the renderer by
name (:data:`NOTEBOOK_RENDERER`), so importing a result never imports the CLI. This module imports
nothing heavy (the EM fit's result uses it without SymPy). ``tests/package/test_layers.py`` allows exactly
this name and no other reference from derivations/numerics to ``gmm_math.cli``.
"""

from __future__ import annotations

import importlib

NOTEBOOK_RENDERER = "gmm_math.cli.notebook_render"


class NotebookDisplay:
    """Mixin: ``_repr_html_`` and ``_repr_latex_`` rendered by :data:`NOTEBOOK_RENDERER`.

    The renderer returns None for a format it does not offer for the object; Jupyter then shows the
    next one. Every number shown is read from the object.
    """

    __slots__ = ()

    def _repr_html_(self) -> str | None:
        return notebook_renderer().html(self)

    def _repr_latex_(self) -> str | None:
        return notebook_renderer().latex(self)


def notebook_renderer():
    """The renderer module, imported on first use."""
    return importlib.import_module(NOTEBOOK_RENDERER)
