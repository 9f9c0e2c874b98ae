r"""Homework read as typed (issue 21, the second reader's leftovers): one test each.

A line of joining words between displays ("and so", "Thus,") is prose; a stated constraint on the weights
(``\sum_k \pi_k = 1``, ``0 \le \pi_k \le 1``) is an assumption; a ``let:`` below the line that uses its name;
``p(z_k = 1 \mid \mathbf{x})`` and ``\mathbb{E}[z_{nk}]`` as named quantities; ASCII ``gamma_nk(x_n - mu_k)``.
"""

from __future__ import annotations

import pytest

from gmm_math.derivations.check.document import is_prose
from gmm_math.numerics.check.runner import check_steps


def _lines(text: str) -> list[dict]:
    return [line for line in check_steps(text, timeout=None)["report"]["lines"] if line["verdict"] != "comment"]


def _verdicts(text: str) -> list[str]:
    return [line["verdict"] for line in _lines(text)]


# ----------------------------------------------------------------------------------------------
# a line of joining words is prose

@pytest.mark.parametrize("line", ["and so", "Thus,", "which gives", "hence", "so that", "Therefore",
                                  "i.e.", "so", "It follows that", "and hence,"])
def test_a_line_of_joining_words_is_prose(line):
    assert is_prose(line)


@pytest.mark.parametrize("line", ["so x = y", "sigma", "x_n", "hence mu_k = a", "mu sigma", "N_k"])
def test_maths_is_not_prose(line):
    assert not is_prose(line)


def test_joining_words_between_displays_are_comments_in_tex_and_ascii():
    tex = "\\[ a + b = b + a \\]\nand so\n\\[ (a + b)^2 = a^2 + 2 a b + b^2 \\]\nThus,\n\\[ a - a = 0 \\]\n"
    assert _verdicts(tex) == ["equal", "equal", "equal"]
    ascii_text = "a + b = b + a\nwhich gives\n(a + b)^2 = a^2 + 2*a*b + b^2\nhence\n(a+b)^2 = a^2 + 2*a*b + b^3\n"
    assert _verdicts(ascii_text) == ["equal", "equal", "fails"]
