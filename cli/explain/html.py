"""One self-contained HTML page: MathML maths, SVG figures as data URIs, no network, readable at phone width."""

from __future__ import annotations

import base64
from html import escape
from pathlib import Path

CSP = "default-src 'none'; img-src data:; style-src 'unsafe-inline'"  # the page can load nothing
# The slider's script, the only one the page runs (allowed by its hash): it looks the values up, computes none.
SLIDER_SCRIPT = """(() => {
  const stops = JSON.parse(document.getElementById('sigma-stops').textContent);
  const input = document.getElementById('sigma');
  const shown = text => text.replace(/-/g, '\\u2212');
  const show = () => {
    const stop = stops[Number(input.value)];
    for (const output of document.querySelectorAll('output[data-key]')) {
      output.textContent = shown(stop[output.dataset.key]);
    }
  };
  input.addEventListener('input', show);
  show();
})();"""
SLIDER_VALUES = (("single_likelihood", "single_log_likelihood", "one Gaussian on x_n"),
                 ("mixture_likelihood", "mixture_log_likelihood", "the mixture, component 1 on x_n"))
STYLE = """
body{margin:0;font:17px/1.55 Georgia,'DejaVu Serif',serif;color:#1d1d1d;background:#fdfdfb}
main{max-width:46rem;margin:0 auto;padding:1rem 1.1rem 4rem}
h1{font-size:1.6rem;line-height:1.25}h2{font-size:1.3rem;margin-top:2.4rem;border-bottom:1px solid #ddd}
h3{font-size:1.1rem}h4{font-size:1rem;margin:1.1rem 0 .3rem}
.meta{color:#555;font-size:.9rem}nav ol{padding-left:1.4rem}
.eq{overflow-x:auto;overflow-y:hidden;padding:.2rem 0}math[display=block]{margin:.35rem 0}
.derivation{border-left:3px solid #1b6ca8;padding-left:.8rem;margin:1rem 0}
.scroll{overflow-x:auto}table{border-collapse:collapse;font-size:.85rem;margin:.6rem 0}
th,td{border:1px solid #ccc;padding:.25rem .45rem;text-align:left;vertical-align:top}
p.caption{font-style:italic;margin:.8rem 0 .1rem;font-size:.9rem}
td.num{font-family:'DejaVu Sans Mono',monospace;text-align:right;white-space:nowrap}
figure{margin:1.2rem 0}figure img{width:100%;height:auto;background:#fff}
.panels{display:flex;flex-wrap:wrap;gap:.5rem}.panels img{flex:1 1 18rem;min-width:0}
.panels img:first-child{flex-basis:100%}
figcaption{font-size:.9rem;color:#444}
.slider{border:1px solid #ccc;padding:.5rem .8rem;margin:1rem 0;background:#fff}
.slider input{width:100%}.slider .ends{display:flex;justify-content:space-between;font-size:.85rem;color:#555}
.slider output{font-family:'DejaVu Sans Mono',monospace}
blockquote{margin:1rem 0;padding-left:1rem;border-left:3px solid #aaa;font-style:italic}
"""


def _text(text: str) -> str:
    """Prose in the textbook's notation (sigma -> 0+ as σ → 0⁺, x_n as xₙ), HTML-escaped."""
    from gmm_math.derivations.printing import prose_text

    return escape(prose_text(text))


def _p(text: str) -> str:
    return f"<p>{_text(text)}</p>"


def _equations(exprs) -> str:
    from gmm_math.derivations.printing import mathml

    return "".join(f'<div class="eq">{mathml(e)}</div>' for e in exprs)


def _table(caption: str, header, rows, numeric: bool = False) -> str:
    cls = ' class="num"' if numeric else ""
    head = "".join(f"<th>{escape(h)}</th>" for h in header)
    body = "".join("<tr>" + "".join(f"<td{cls if i else ''}>{escape(c)}</td>" for i, c in enumerate(row))
                   + "</tr>" for row in rows)
    # the caption sits above the scrolling box, so it wraps at phone width while a wide table scrolls
    return (f'<p class="caption">{escape(caption)}</p><div class="scroll"><table><thead><tr>{head}</tr></thead>'
            f"<tbody>{body}</tbody></table></div>")


def _worked(block) -> str:
    import mpmath
    import sympy as sp

    from gmm_math.numerics.explain.remedy_story import log_objective, shown

    d, check = block.derivation, block.check
    parts = [f'<div class="derivation"><h3>{_text(d.title)}</h3>']
    if d.assumptions:
        parts.append("<ul>" + "".join(f"<li>{_text(a)}</li>" for a in d.assumptions) + "</ul>")
    for number, step in enumerate(d.steps, 1):
        parts.append(f"<h4>{number}. {_text(step.title)}</h4>{_p(step.text)}{_equations(step.exprs)}")
    target = log_objective(d)
    parts.append("<h4>Result as \u03c3 \u2192 0+</h4>" + _equations((
        sp.Eq(sp.Limit(target, d.sigma, 0, "+"), shown(d.limit_log_likelihood)),
        sp.Eq(sp.Limit(target.args[0], d.sigma, 0, "+"), shown(d.limit_likelihood)))))
    rows = tuple((s, mpmath.nstr(v, min(check.dps, 20))) for s, v in zip(check.sigmas, check.values))
    parts.append(_table(f"Numeric check: the same objective in mpmath ({check.dps} significant digits; 20 shown)",
                        ("\u03c3", "log of the objective"), rows, numeric=True))
    verdict = "agrees with" if check.agrees else "does NOT agree with"
    parts.append(_p(f"The trend {verdict} the symbolic limit.") + "</div>")
    return "".join(parts)


def _figure(block, images: dict[str, list[bytes]]) -> str:
    """One figure; a figure drawn as panels wraps them (side by side on a wide screen, stacked on a phone)."""
    panels = images[block.key]
    alts = [block.caption] if len(panels) == 1 else [f"{block.caption} (panel {i} of {len(panels)})"
                                                      for i in range(1, len(panels) + 1)]
    imgs = "".join(f'<img alt="{escape(alt)}" src="data:image/svg+xml;base64,'
                   f'{base64.b64encode(data).decode("ascii")}">' for alt, data in zip(alts, panels))
    inner = imgs if len(panels) == 1 else f'<div class="panels">{imgs}</div>'
    return f'<figure id="figure-{escape(block.key)}">{inner}<figcaption>{escape(block.caption)}</figcaption></figure>'


def _prose(block) -> str:
    text = block.text
    if text.startswith("\u201c") and text.endswith("\u201d"):
        return f"<blockquote>{_text(text)}</blockquote>"
    return _p(text)


def _minus(text: str) -> str:
    return text.replace("-", "\u2212")


def _slider(block) -> str:
    """The σ slider: a range input over the story's stops, their mpmath values embedded as JSON, looked up by
    ``SLIDER_SCRIPT``; without script the page shows the first stop's values."""
    import json

    first = block.stops[block.start]

    def output(key: str) -> str:
        return f'<output data-key="{key}">{escape(_minus(getattr(first, key)))}</output>'

    rows = "".join(f"<tr><td>{escape(_text(who))}</td><td>{output(like)}</td><td>{output(log)}</td></tr>"
                   for like, log, who in SLIDER_VALUES)
    data = json.dumps(block.as_json(), separators=(",", ":")).replace("</", "<\\/")
    return (f'<div class="slider"><p class="caption">{_text(block.caption)}</p>'
            f'<label for="sigma">\u03c3 = {output("sigma")} (log\u2081\u2080 \u03c3 = {output("log10_sigma")})</label>'
            f'<input type="range" id="sigma" min="0" max="{len(block.stops) - 1}" step="1" value="{block.start}">'
            f'<div class="ends"><span>\u03c3 = {escape(block.stops[0].sigma)}</span>'
            f'<span>\u03c3 = {escape(block.stops[-1].sigma)}</span></div>'
            f'<div class="scroll"><table><thead><tr><th></th><th>L</th><th>log L</th></tr></thead><tbody>{rows}'
            f'</tbody></table></div><script type="application/json" id="sigma-stops">{data}</script>'
            f"<script>{SLIDER_SCRIPT}</script></div>")


def policy(story) -> str:
    """The page's Content-Security-Policy: nothing loaded; the slider's script, when there is one, by its hash."""
    import hashlib

    has_slider = any(type(b).__name__ == "Slider" for s in story.sections for b in s.blocks)
    if not has_slider:
        return CSP
    digest = base64.b64encode(hashlib.sha256(SLIDER_SCRIPT.encode("utf-8")).digest()).decode("ascii")
    return f"{CSP}; script-src 'sha256-{digest}'"


RENDERERS = {
    "Prose": lambda block, images: _prose(block),
    "Formula": lambda block, images: (_p(block.caption) if block.caption else "") + _equations(block.exprs),
    "Worked": lambda block, images: _worked(block),
    "Table": lambda block, images: _table(block.caption, block.header, block.rows),
    "FigureSlot": _figure,
    "Slider": lambda block, images: _slider(block),
}


def page(story, images: dict[str, bytes], meta: str) -> str:
    """The whole page; ``images`` maps figure keys to their panels' SVG bytes (one item: a single picture)."""
    toc = "".join(f'<li><a href="#{s.key}">{escape(s.title)}</a></li>' for s in story.sections)
    body = []
    for number, section in enumerate(story.sections, 1):
        blocks = "".join(RENDERERS[type(b).__name__](b, images) for b in section.blocks)
        body.append(f'<section id="{section.key}"><h2>{number}. {escape(section.title)}</h2>{blocks}</section>')
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<meta http-equiv=\"Content-Security-Policy\" content=\"{policy(story)}\">"
            f"<title>{escape(story.title)}</title><style>{STYLE}</style></head><body><main>"
            f"<h1>{escape(story.title)}</h1><p class=\"meta\">{escape(meta)}</p>"
            f"<nav><h2>Contents</h2><ol>{toc}</ol></nav>{''.join(body)}</main></body></html>\n")


def render(story, meta: str) -> str:
    """The page: the figures drawn as SVG (in a temporary folder) and embedded."""
    import tempfile

    from gmm_math.cli.explain.figures import write_panels

    with tempfile.TemporaryDirectory(prefix="gmm-math-explain-") as tmp:
        images = {key: [path.read_bytes() for path in paths]
                  for key, paths in write_panels(story, Path(tmp), ".svg").items()}
    return page(story, images, meta)


def write(story, target: Path, meta: str) -> list[Path]:
    """The page, written to ``target`` atomically."""
    from gmm_math.cli.io import write_text

    return [write_text(target, render(story, meta))]
