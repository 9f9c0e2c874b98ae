"""Symbolic layer of gmm-math (SymPy): derivations returned as objects, never printed.

Submodules are imported lazily so that light modules (``errors``, ``data``)
stay importable without SymPy.
"""
