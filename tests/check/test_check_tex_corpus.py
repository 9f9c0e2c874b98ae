"""Homework as copied from Overleaf (issue 21): every row's verdict, and every planted error on its own line."""

from __future__ import annotations

import pytest

from gmm_math.numerics.check.runner import check_steps
from test_check_corpus import LETTERS, _planted
from tex_corpus import TEX_CORPUS


def test_the_corpus_is_large_enough_and_half_of_it_planted():
    assert len(TEX_CORPUS) * 2 >= 30
    assert len({name for name, *_ in TEX_CORPUS}) == len(TEX_CORPUS)
    assert all(text.splitlines()[line - 1] != wrong for _, text, _, line, wrong in TEX_CORPUS)


@pytest.mark.parametrize(("text", "expected"), [(text, expected) for _, text, expected, *_ in TEX_CORPUS],
                         ids=[name for name, *_ in TEX_CORPUS])
def test_a_correct_tex_file_is_read_whole_with_no_false_alarm(text, expected):
    found = check_steps(text, timeout=None)["report"]
    got = [line["verdict"] for line in found["lines"]]
    assert got == [LETTERS[letter] for letter in expected], [(line["line"], line["reason"]) for line in found["lines"]]
    assert found["verdict"] == "holds"
    # every file line is reported, in order, with its own number
    assert sorted({line["line"] for line in found["lines"]}) == list(range(1, len(text.splitlines()) + 1))


@pytest.mark.parametrize(("text", "expected", "line", "replacement"),
                         [(text, expected, line, wrong) for _, text, expected, line, wrong in TEX_CORPUS],
                         ids=[name for name, *_ in TEX_CORPUS])
def test_a_planted_error_in_a_tex_file_is_found_on_its_own_line(text, expected, line, replacement):
    found = check_steps(_planted(text, line, replacement), timeout=None)["report"]
    before = [entry["verdict"] for entry in found["lines"] if entry["line"] < line]
    assert "fails" not in before and "unreadable" not in before
    assert "fails" in [entry["verdict"] for entry in found["lines"] if entry["line"] == line], found["lines"]
    assert found["verdict"] == "fails" and found["counterexample"]["line"] == line
