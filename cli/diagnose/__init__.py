"""``gmm-math diagnose``: the command and its renderers (text, JSON, Markdown, HTML)."""
