"""The reader's probe (issue 21): fresh chapter-9 homework read whole, every row's verdict, every planted error
on its own line with no false alarm elsewhere."""

from __future__ import annotations

import pytest

from gmm_math.numerics.check.runner import check_steps
from tex_corpus import TEX_CORPUS
from tex_corpus_more import TEX_CORPUS_MORE
from test_check_corpus import LETTERS, _planted

VERDICTS = {**LETTERS, "n": "not checked"}
PLANTED = [entry for entry in TEX_CORPUS_MORE if entry[3]]


def test_the_probe_is_fresh_and_about_half_of_it_planted():
    assert len(TEX_CORPUS_MORE) >= 20 and 2 * len(PLANTED) >= len(TEX_CORPUS_MORE)
    assert len({name for name, *_ in TEX_CORPUS_MORE}) == len(TEX_CORPUS_MORE)
    assert not {text for _, text, *_ in TEX_CORPUS_MORE} & {text for _, text, *_ in TEX_CORPUS}
    assert all(text.splitlines()[line - 1] != wrong for _, text, _, line, wrong in PLANTED)


@pytest.mark.parametrize(("text", "expected"), [(text, expected) for _, text, expected, *_ in TEX_CORPUS_MORE],
                         ids=[name for name, *_ in TEX_CORPUS_MORE])
def test_every_line_of_a_probe_file_is_read_with_its_meaning(text, expected):
    found = check_steps(text, timeout=None)["report"]
    got = [line["verdict"] for line in found["lines"]]
    assert got == [VERDICTS[letter] for letter in expected], [(line["line"], line["reason"]) for line in found["lines"]]
    # a file of definitions and conditions only compares nothing: never "holds"
    assert found["verdict"] == ("holds" if set(expected) & {"e", "i"} else "nothing checked")
    assert sorted({line["line"] for line in found["lines"]}) == list(range(1, len(text.splitlines()) + 1))


@pytest.mark.parametrize(("text", "expected", "line", "replacement"),
                         [(text, expected, line, wrong) for _, text, expected, line, wrong in PLANTED],
                         ids=[name for name, *_ in PLANTED])
def test_a_planted_error_in_a_probe_file_is_caught_on_its_own_line(text, expected, line, replacement):
    found = check_steps(_planted(text, line, replacement), timeout=None)["report"]
    assert "fails" in [entry["verdict"] for entry in found["lines"] if entry["line"] == line], found["lines"]
    assert found["verdict"] == "fails" and found["counterexample"]["line"] == line
    elsewhere = [entry for entry in found["lines"] if entry["line"] != line]
    assert not [entry for entry in elsewhere if entry["verdict"] in ("fails", "unreadable")]
    assert len(found["lines"]) == len(expected)  # the same rows, in the same order
    before = [(entry["verdict"], VERDICTS[letter]) for entry, letter in zip(found["lines"], expected, strict=True)
              if entry["line"] < line]
    assert all(got == want for got, want in before)  # the rows above keep their verdicts
