"""The EM corpus (PRML 9.2-9.3): no false alarm, every planted error found on its own line, every line's verdict."""

from __future__ import annotations

import pytest

from check_corpus_em import CORPUS
from gmm_math.numerics.check.runner import check_steps

LETTERS = {"c": "comment", "a": "assumption", "d": "definition", "e": "equal", "i": "implied", "f": "fails",
           "s": "condition"}


def _planted(text: str, line: int, replacement: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = replacement
    return "\n".join(lines) + "\n"


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
    found = check_steps(text, timeout=None)["report"]
    got = [line["verdict"] for line in found["lines"]]
    assert got == [LETTERS[letter] for letter in expected], [line["reason"] for line in found["lines"]]
    assert found["verdict"] == "holds"


@pytest.mark.slow
@pytest.mark.parametrize(("text", "expected", "line", "replacement"),
                         [(text, expected, line, wrong) for _, text, expected, line, wrong in CORPUS],
                         ids=[name for name, *_ in CORPUS])
def test_a_planted_error_is_found_on_its_own_line(text, expected, line, replacement):
    found = check_steps(_planted(text, line, replacement), timeout=None)["report"]
    got = [entry["verdict"] for entry in found["lines"]]
    want = [LETTERS[letter] for letter in expected]
    assert got[:line - 1] == want[:line - 1]  # no false alarm before the planted line
    assert got[line - 1] == "fails", found["lines"][line - 1]["reason"]
    assert found["verdict"] == "fails" and found["counterexample"]["line"] == line
