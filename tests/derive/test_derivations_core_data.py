"""Exact data parsing: values, shapes and every malformed input."""

from __future__ import annotations

from fractions import Fraction
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gmm_math.derivations.core.data import Dataset, load_dataset, parse_number, parse_number_list, read_text_file
from gmm_math.derivations.core.errors import GmmMathError


def test_decimal_text_is_exact():
    assert parse_number("0.1") == Fraction(1, 10)
    assert parse_number("-2.5e-3") == Fraction(-1, 400)
    assert Dataset.from_text("0,0;1,1;3,2").rows[2] == (Fraction(3), Fraction(2))


@pytest.mark.parametrize("text", ["nan", "inf", "-inf", "1e400", "0x10", "1/2", "", " ", "1e", "--1", "1,2"])
def test_bad_numbers(text):
    with pytest.raises(GmmMathError):
        parse_number(text)


@pytest.mark.parametrize("text, needle", [
    ("", "empty"), ("0,,1", "not a finite"), ("0,1;2", "ragged"), ("0,1;2,3,4", "ragged"),
    ("a,b", "not a finite"), ("1,NaN", "not a finite"), ("1;inf", "not a finite"),
    ("\u0661,\u0662", "not a finite"), ("\uff11,2", "not a finite"),  # Arabic-Indic, full-width digits
])
def test_bad_data_text(text, needle):
    with pytest.raises(GmmMathError, match=needle):
        Dataset.from_text(text)


def test_csv_with_header_and_comments(tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x,y\n# a comment\n0,0\n\n1,2.5\n")
    assert Dataset.from_csv(path).rows == ((0, 0), (1, Fraction(5, 2)))


@pytest.mark.skipif(not Path("/dev/zero").exists(), reason="needs /dev/zero")
def test_file_reading_is_bounded():
    """An endless source (a device, a pipe) is refused after max_bytes + 1 bytes, not read to exhaustion."""
    with pytest.raises(GmmMathError, match="'/dev/zero' is larger than 100 bytes"):
        read_text_file("/dev/zero", 100)


def test_csv_errors(tmp_path):
    with pytest.raises(GmmMathError, match="cannot read"):
        Dataset.from_csv(tmp_path / "missing.csv")
    with pytest.raises(GmmMathError, match="cannot read"):
        Dataset.from_csv(tmp_path)  # a folder
    (tmp_path / "ragged.csv").write_text("0,0\n1\n")
    with pytest.raises(GmmMathError, match="line 2"):
        Dataset.from_csv(tmp_path / "ragged.csv")
    (tmp_path / "binary.csv").write_bytes(b"\xff\xfe\x00\x01")
    with pytest.raises(GmmMathError, match="not UTF-8 text"):
        Dataset.from_csv(tmp_path / "binary.csv")
    (tmp_path / "crlf.csv").write_bytes(b"0\r\n1\r\n3\r\n")
    assert Dataset.from_csv(tmp_path / "crlf.csv").rows == ((0,), (1,), (3,))
    with pytest.raises(GmmMathError, match="not both"):
        load_dataset("0,1", tmp_path / "ragged.csv")


def test_number_list():
    assert parse_number_list("0.25, 0.75", "weights") == (Fraction(1, 4), Fraction(3, 4))
    with pytest.raises(GmmMathError, match="^weights entry 'x'") as err:
        parse_number_list("0.5,x", "weights")
    assert err.value.parameters == ("weights",)


@given(st.lists(st.lists(st.integers(-10**6, 10**6), min_size=2, max_size=2), min_size=1, max_size=20))
def test_roundtrip_and_distances(rows):
    text = ";".join(",".join(str(v) for v in row) for row in rows) + ";"  # ";" marks rows
    data = Dataset.from_text(text)
    assert data.shape == (len(rows), 2)
    dists = data.squared_distances(0)
    assert dists[0] == 0
    assert all(d == (r[0] - rows[0][0]) ** 2 + (r[1] - rows[0][1]) ** 2 for d, r in zip(dists, rows))
    assert data.multiplicity(0) == sum(1 for r in rows if r == rows[0])
