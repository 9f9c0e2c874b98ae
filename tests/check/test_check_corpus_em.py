"""The EM corpus (PRML 9.2-9.3): no false alarm, every planted error found on its own line, every line's verdict.

The checks are those of the first corpus (``test_check_corpus``), run on ``check_corpus_em``.
"""

from __future__ import annotations

import pytest

import test_check_corpus as first
from check_corpus_em import CORPUS


def test_the_corpus_covers_chapter_9():
    assert len(CORPUS) >= 20
    assert len({name for name, *_ in CORPUS}) == len(CORPUS)
    texts = " ".join(text for _, text, *_ in CORPUS)
    for construct in ("d/dmu_k", "diff(", "d(Q)/d(mu_k)", r"\partial", r"\frac{\partial", "=>", r"\Rightarrow",
                      r"\implies", r"\therefore", "so ", "hence ", "lambda", "I_D", "limit(", r"\lim", "q_k"):
        assert construct in texts, construct


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected"), [(text, expected) for _, text, expected, *_ in CORPUS],
                         ids=[name for name, *_ in CORPUS])
def test_a_correct_derivation_has_no_false_alarm(text, expected):
    first.test_a_correct_derivation_has_no_false_alarm(text, expected)


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected", "line", "replacement"),
                         [(text, expected, line, wrong) for _, text, expected, line, wrong in CORPUS],
                         ids=[name for name, *_ in CORPUS])
def test_a_planted_error_is_found_on_its_own_line(text, expected, line, replacement):
    first.test_a_planted_error_is_found_on_its_own_line(text, expected, line, replacement)
