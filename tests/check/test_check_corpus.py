"""A public corpus of student-style derivations: no false alarm, every planted error on its own line."""

from __future__ import annotations

import pytest

from check_corpus import CORPUS
from gmm_math.numerics.check.runner import check_steps

LETTERS = {"c": "comment", "a": "assumption", "d": "definition", "e": "equal", "i": "implied", "f": "fails",
           "s": "condition"}


def _planted(text: str, line: int, replacement: str) -> str:
    lines = text.splitlines()
    lines[line - 1] = replacement
    return "\n".join(lines) + "\n"


def test_the_corpus_is_large_enough():
    assert len(CORPUS) * 2 >= 40
    assert len({name for name, *_ in CORPUS}) == len(CORPUS)


@pytest.mark.parametrize(("text", "expected"), [(text, expected) for _, text, expected, *_ in CORPUS],
                         ids=[name for name, *_ in CORPUS])
def test_a_correct_derivation_has_no_false_alarm(text, expected):
    found = check_steps(text, timeout=None)["report"]
    got = [line["verdict"] for line in found["lines"]]
    assert got == [LETTERS[letter] for letter in expected], [line["reason"] for line in found["lines"]]
    assert found["verdict"] == "holds"


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
    if line == len(want) or not found["lines"][line]["text"].lstrip().startswith(("=", "<", ">")):
        assert got[line:] == want[line:]  # lines after it that do not continue it keep their verdicts
