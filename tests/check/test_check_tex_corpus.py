"""Homework as copied from Overleaf (issue 21): every row's verdict, and every planted error on its own line.

Two corpora: ``tex_corpus.py`` and the reader's probe ``tex_corpus_more.py`` (fresh chapter-9 files, PRML's
``0 = EXPR``, lone updates, ``^{new}``, ``:=`` ...), read by the same tests.
"""

from __future__ import annotations

import pytest

from gmm_math.numerics.check.runner import check_steps
from test_check_corpus import LETTERS, _planted
from tex_corpus import TEX_CORPUS
from tex_corpus_more import TEX_CORPUS_MORE

VERDICTS = {**LETTERS, "n": "not checked"}
CORPUS = TEX_CORPUS + TEX_CORPUS_MORE
PLANTED = [entry for entry in CORPUS if entry[3]]


def test_the_corpus_is_large_enough_and_half_of_it_planted():
    assert len(TEX_CORPUS) * 2 >= 30 and len(TEX_CORPUS_MORE) >= 20
    assert all(line for *_, line, _ in TEX_CORPUS) and 2 * len(PLANTED) >= len(CORPUS)
    assert len({name for name, *_ in CORPUS}) == len(CORPUS)
    assert not {text for _, text, *_ in TEX_CORPUS_MORE} & {text for _, text, *_ in TEX_CORPUS}  # fresh files
    assert all(text.splitlines()[line - 1] != wrong for _, text, _, line, wrong in PLANTED)


@pytest.mark.parametrize(("text", "expected"), [(text, expected) for _, text, expected, *_ in CORPUS],
                         ids=[name for name, *_ in CORPUS])
def test_a_correct_tex_file_is_read_whole_with_no_false_alarm(text, expected):
    found = check_steps(text, timeout=None)["report"]
    got = [line["verdict"] for line in found["lines"]]
    assert got == [VERDICTS[letter] for letter in expected], [(line["line"], line["reason"]) for line in found["lines"]]
    # a file of definitions and conditions only compares nothing: never "holds"
    assert found["verdict"] == ("holds" if set(expected) & {"e", "i"} else "nothing checked")
    # every file line is reported, with its own number
    assert sorted({line["line"] for line in found["lines"]}) == list(range(1, len(text.splitlines()) + 1))


@pytest.mark.parametrize(("text", "expected", "line", "replacement"),
                         [(text, expected, line, wrong) for _, text, expected, line, wrong in PLANTED],
                         ids=[name for name, *_ in PLANTED])
def test_a_planted_error_in_a_tex_file_is_found_on_its_own_line(text, expected, line, replacement):
    found = check_steps(_planted(text, line, replacement), timeout=None)["report"]
    assert "fails" in [entry["verdict"] for entry in found["lines"] if entry["line"] == line], found["lines"]
    assert found["verdict"] == "fails" and found["counterexample"]["line"] == line
    assert not [entry for entry in found["lines"] if entry["line"] != line and entry["verdict"] in ("fails", "unreadable")]
    if len(found["lines"]) == len(expected):  # the same rows: those above keep their verdicts
        assert all(entry["verdict"] == VERDICTS[letter] for entry, letter in zip(found["lines"], expected, strict=True)
                   if entry["line"] < line)
