"""``gmm-math explain`` says in words what its EM figures show: sections 4 and 5 against the fit they draw.

For several seeds the section-4 sentences, the remedy rows and the ridge finding are compared with the
red annotation and the legend of the figure drawn from the same result object, with ``gmm-math em``'s
own report of the same run, and with distances and eigenvalues recomputed here from the fit.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

SEEDS = (0, 7, 20)


@pytest.fixture(scope="module", params=SEEDS)
def run(request):
    from gmm_math.numerics.explain.em_story import collapsing_run

    return collapsing_run(request.param)


def _texts(section) -> str:
    return " ".join(getattr(b, "text", "") or getattr(b, "caption", "") for b in section.blocks)


def _figure_words(points, result) -> list[str]:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt
    from matplotlib.text import Text

    from gmm_math.cli.plots.em import em_figure

    figure = em_figure(points, result)
    try:
        return [t.get_text() for t in figure.findobj(Text) if t.get_text()]
    finally:
        plt.close(figure)


def test_section_four_names_what_the_figure_marks(run):
    result = run.fits["none"]
    c = result.collapse
    words = _figure_words(run.points, result)
    marks = [w for w in words if " on point " in w]
    assert len(marks) == 1, words
    component, point, iteration = re.fullmatch(r"component (\d+) on point (\d+)\n\(iteration (\d+)\)",
                                               marks[0]).groups()
    assert f"component {component}" in words  # the legend names it the same way
    text = _texts(run.section)
    assert f"Component {component} collapsed " in text
    assert f"point {point} = " in text and f"at iteration {iteration}:" in text
    assert re.findall(r"[Cc]omponent (\d+)", text) == [component] * len(re.findall(r"[Cc]omponent (\d+)", text))
    span = c.support_rank - 1
    if c.support_rank >= 2:
        assert f"onto {c.support_size} points through point {point}" in text
        assert f"span only {span} dimension" in text and "zero width on it" not in text
    elif c.support_rank == 1:
        assert "zero width on it" in text
    else:
        assert "holding no point" in text


def test_section_four_agrees_with_the_em_command(run):
    from gmm_math.cli.em.report import collapse_sentence

    c = run.fits["none"].collapse
    sentence = collapse_sentence(c, run.fits["none"].n_points)
    text = _texts(run.section)
    head = sentence.split(" at iteration")[0]  # "component 2 collapsed onto 2 points through point 111 = ..."
    assert head[0].upper() + head[1:] in text


def test_remedy_rows_say_where_each_component_ended(run):

    from gmm_math.derivations.mixture import mixture_collapse
    from gmm_math.numerics.explain.remedy_story import remedy_section

    section = remedy_section(None, 0, 15, run, mixture_collapse(2).limit_log_likelihood)
    table = next(b for b in section.blocks if hasattr(b, "rows"))
    c = run.fits["none"].collapse
    for row in table.rows:
        fit = run.fits[row[0]]
        outcome = row[-1]
        if fit.collapse is not None and fit.history[-1].log_likelihood is None:
            assert outcome == "stops at the collapse"
            continue
        distance = np.linalg.norm(fit.means[c.component] - run.points[c.point_index])
        floor = fit.history[-1].min_eigenvalues[c.component]
        assert f"component {c.component + 1} ends with weight {fit.weights[c.component]:.3g}" in outcome
        assert f"smallest eigenvalue {floor:.3g}" in outcome
        assert ("a spike" in outcome) == (floor < fit.threshold)
        if distance > np.sqrt(floor):
            assert f"its mean {distance:.3g} from point {c.point_index}" in outcome
            assert "sits on" not in outcome and "on point" not in outcome
        else:
            assert f"its mean on point {c.point_index}" in outcome
    finding = next(b.text for b in section.blocks if getattr(b, "text", "").startswith("The ridge finding"))
    ridge_row = next(r for r in table.rows if r[0] == "ridge")
    assert ridge_row[-1].split("; ", 1)[1] in finding


def test_seed_six_is_the_issue_example():
    """Issue 23: component 2 onto 2 points spanning 1 dimension, the ridge's mean 5.21 from point 111."""
    from gmm_math.numerics.explain.em_story import collapsing_run
    from gmm_math.numerics.explain.remedy_story import _ridge_finding
    from gmm_math.derivations.remedies.ridge import ridge_collapse
    from fractions import Fraction

    run = collapsing_run(6)
    text = _texts(run.section)
    assert "Component 2 collapsed onto 2 points through point 111 = (-6.33497, -5.27581) that span only 1 " \
           "dimension at iteration 3" in text
    finding = _ridge_finding(ridge_collapse(dim=1, eps=Fraction("1e-6")), run)[0].text
    assert "its mean 5.21 from point 111" in finding and "sits on" not in finding
