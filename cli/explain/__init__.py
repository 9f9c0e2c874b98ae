"""``gmm-math explain``: the whole answer in one document (HTML, Markdown, PDF or JSON)."""
