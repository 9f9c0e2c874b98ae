"""``gmm-math diagnose``: why a Gaussian-mixture fit degenerated on your data and what fixes it."""
