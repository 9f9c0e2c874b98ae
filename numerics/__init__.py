"""Numeric layer of gmm-math (mpmath, numpy): may use ``gmm_math.derivations``."""
