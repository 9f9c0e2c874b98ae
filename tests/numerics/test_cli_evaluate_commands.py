"""`gmm-math evaluate` through the CLI: text at 80 columns, the JSON and CSV contracts, bad input."""

from __future__ import annotations

import csv
import io
import json

import mpmath
import pytest
from mpmath import mp

from conftest import assert_one_line_error
from gmm_math.cli import progress as progress_module
from gmm_math.cli.evaluate.render import ROW_KEYS
from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.model import example_data
from gmm_math.numerics.sweep import evaluate_table, parse_sweep

TOP_KEYS = {"schema_version", "dps", "n", "dim", "S", "sigma_star", "limits", "rows"}
MPMATH_FIELDS = ("sigma", "log10_sigma", "log_likelihood_single", "log_likelihood_mixture", "slope_mixture",
                 "sigma2_loglik_single")
FLOAT_FIELDS = ("float64_single", "float64_mixture", "float64_naive_single", "float64_naive_mixture")


def significant_digits(text: str) -> int:
    mantissa = text.lstrip("+-").split("e")[0].replace(".", "").lstrip("0")
    return len(mantissa)


def test_json_contract(cli_json):
    doc = cli_json("evaluate", "--data", "0,0,1,3,7.5", "--point", "1", "-k", "3", "--sweep", "0:-1000000:5",
                   "--sigma", "0.3", "--dps", "40", "--format", "json")
    assert set(doc) == TOP_KEYS
    assert (doc["dps"], doc["n"], doc["dim"], doc["S"]) == (40, 5, 1, "265/4")
    assert doc["limits"] == {"single": "-oo", "mixture": "oo"}
    with mp.workdps(45):
        assert mpmath.almosteq(mp.mpf(doc["sigma_star"]) ** 2, mp.mpf(265) / 20, mp.mpf(10) ** -38)
    assert len(doc["rows"]) == 6
    for row in doc["rows"]:
        assert list(row) == list(ROW_KEYS)
        assert all(isinstance(row[key], str) for key in MPMATH_FIELDS)
        assert all(row[key] is None or isinstance(row[key], float) for key in FLOAT_FIELDS)
        assert isinstance(row["float64_flags"], list) and all(isinstance(f, str) for f in row["float64_flags"])
        for key in FLOAT_FIELDS:  # null exactly where a flag says what happened
            route = key.removeprefix("float64_")
            kinds = {f.split(":")[1] for f in row["float64_flags"] if f.split(":")[0] == route}
            assert (row[key] is None) == bool(kinds & {"underflow", "overflow", "nan"})
    first = doc["rows"][0]
    assert mp.mpf(first["sigma"]) == mp.mpf("0.3")
    assert significant_digits(first["log_likelihood_mixture"]) == 40  # the full --dps digits
    last = doc["rows"][-1]
    assert last["log10_sigma"] == "-1000000.0" and "sigma:underflow" in last["float64_flags"]
    with mp.workdps(45):
        assert mp.mpf(last["slope_mixture"]) == -2
        assert mpmath.almosteq(mp.mpf(last["sigma2_loglik_single"]), mp.mpf(-265) / 8, mp.mpf(10) ** -38)


def test_json_values_are_the_tables(cli_json):
    doc = cli_json("evaluate", "--sweep", "1:-400:6", "--dps", "30", "-f", "json")
    table = evaluate_table(example_data(), 0, sigmas=parse_sweep("1:-400:6"), dps=30, symbolic=False)
    for record, row in zip(doc["rows"], table.rows):
        for key in MPMATH_FIELDS:
            with mp.workdps(40):
                assert mpmath.almosteq(mp.mpf(record[key]), getattr(row, key), mp.mpf(10) ** -29)
        for key in FLOAT_FIELDS:
            assert record[key] == getattr(row, key)
        assert record["float64_flags"] == list(row.float64_flags)


def test_csv_contract(cli, cli_json):
    args = ("evaluate", "--data", "0,0;1,2;3,-1", "--sweep", "0:-400:5", "--dps", "25")
    result = cli(*args, "--format", "csv")
    assert result.exit_code == 0, result.stderr
    rows = list(csv.reader(io.StringIO(result.stdout)))
    assert tuple(rows[0]) == ROW_KEYS and len(rows) == 6
    doc = cli_json(*args, "--format", "json")
    for line, record in zip(rows[1:], doc["rows"]):
        values = dict(zip(ROW_KEYS, line))
        for key in MPMATH_FIELDS:
            assert values[key] == record[key]
        for key in FLOAT_FIELDS:
            assert values[key] == ("" if record[key] is None else repr(record[key]))
            if values[key]:
                assert float(values[key]) == record[key]
        assert values["float64_flags"] == ";".join(record["float64_flags"])
    assert doc["dim"] == 2


def test_text_fits_80_columns_and_shows_the_computed_header(cli):
    result = cli("evaluate", "--data", "0,0,1,3,7.5", "--point", "1", "-k", "3", "--sweep", "0:-1000000:4",
                 "--sigma", "1e-320")
    assert result.exit_code == 0, result.stderr
    out = result.stdout
    assert max(len(line) for line in out.splitlines()) <= 80
    assert "…" not in out
    assert "S = sum_m ||x_m - x_n||^2 = 265/4" in out and "sigma*^2 = S/(N D) = 53/4" in out
    assert "-S/2 = -265/8" in out and "-r D = -2" in out
    assert "log L -> -oo" in out and "-2*log(sigma)" in out and "-265/(8*sigma**2)" in out
    assert "-1000000" in out and "X" in out and "U" in out  # inexact at 1e-320, underflows elsewhere
    assert result.stderr == ""


def test_text_reports_agreement_when_float64_is_right(cli):
    result = cli("evaluate", "--data", "0,1,3", "--sigma", "1", "--sigma", "2")
    assert result.exit_code == 0
    assert "float64 agrees with mpmath to 1e-9 relative in every cell" in result.stdout


def test_defaults_without_data_or_sigma(cli_json):
    doc = cli_json("evaluate", "--format", "json")
    assert doc["n"] == 3 and doc["S"] == "10" and doc["dps"] == 50
    assert [r["log10_sigma"] for r in doc["rows"]] == [str(float(-50 * i)) for i in range(9)]


def test_sigma_order_and_exact_power_strings(cli_json):
    doc = cli_json("evaluate", "--sigma", "1e-7", "--sigma", "10^(-1/3)", "--sweep", "0:-1:4", "-f", "json",
                   "--dps", "20")
    with mp.workdps(30):
        logs = [mp.mpf(r["log10_sigma"]) for r in doc["rows"]]
        expected = [-7, mp.mpf(-1) / 3, 0, mp.mpf(-1) / 3, mp.mpf(-2) / 3, -1]
        assert all(abs(a - b) < mp.mpf(10) ** -19 for a, b in zip(logs, expected)) and len(logs) == 6
        assert [a for a in logs if a == int(a)] == [-7, 0, -1]


@pytest.mark.parametrize("args, needle", [
    (("--sigma", "0"), "not defined at sigma = 0"),
    (("--sigma", "-2"), "> 0"),
    (("--sigma", "1e-x"), "not a number"),
    (("--sweep", "0:-300"), "--sweep"),
    (("--sweep", "0:-300:0"), "COUNT"),
    (("--sweep", "0:-300:2001"), "COUNT"),
    (("--sweep", "0:-1e16:3"), "--sweep"),
    (("--dps", "10"), "--dps"),
    (("--dps", "10001"), "--dps"),
    (("--data", "0,1,,3"), "data value"),
    (("--data", "0,0;1"), "ragged"),
    (("--data", "0,1,3", "--point", "3"), "--point"),
    (("-k", "1"), "--components"),
    (("--weights", "0.5,0.6"), "weights"),
    (("--means", "1,2"), "--means"),
    (("--data", "0,1", "--data-file", "x.csv"), "not both"),
    (("--format", "yaml"), "--format"),
])
def test_bad_input_is_one_line_and_exit_2(cli, args, needle):
    assert_one_line_error(cli("evaluate", *args), needle)


def test_missing_data_file(cli, tmp_path):
    assert_one_line_error(cli("evaluate", "--data-file", str(tmp_path / "none.csv")), "cannot read")


def test_data_file(cli_json, tmp_path):
    path = tmp_path / "points.csv"
    path.write_text("x\n0\n1\n3\n", encoding="utf-8")
    doc = cli_json("evaluate", "--data-file", str(path), "--sigma", "1e-1000000", "-f", "json", "--quiet")
    assert doc["S"] == "10" and mp.mpf(doc["rows"][0]["slope_mixture"]) == -1


class FakeBar:
    """Records what a rich Progress would have been asked to do."""

    log: list = []

    def __init__(self, *args, **kwargs):
        FakeBar.log.append("created")

    def start(self):
        FakeBar.log.append("start")

    def add_task(self, name, total):
        FakeBar.log.append(("task", total))
        return 0

    def update(self, task, completed):
        FakeBar.log.append(("update", completed))

    def stop(self):
        FakeBar.log.append("stop")


def test_progress_bar_only_after_the_delay_and_only_when_enabled(monkeypatch):
    import rich.progress

    monkeypatch.setattr(rich.progress, "Progress", FakeBar)
    FakeBar.log = []
    with progress_module.LazyProgress(enabled=False) as progress:
        progress(1, 2)
    with progress_module.LazyProgress(enabled=True) as progress:  # fast work: no bar
        progress(1, 2)
    assert FakeBar.log == []
    monkeypatch.setattr(progress_module, "PROGRESS_DELAY", 0.0)
    with progress_module.LazyProgress(enabled=True) as progress:
        progress(1, 2)
        progress(2, 2)
    assert FakeBar.log == ["created", "start", ("task", 2), ("update", 1), ("update", 2), "stop"]


def test_no_progress_output_when_stderr_is_not_a_terminal(cli, monkeypatch):
    monkeypatch.setattr(progress_module, "PROGRESS_DELAY", 0.0)
    result = cli("evaluate", "--sweep", "0:-10:3", "-f", "json")
    assert result.exit_code == 0 and result.stderr == ""
    json.loads(result.stdout)


def test_help_does_not_import_the_heavy_libraries():
    import subprocess
    import sys

    code = ("import sys; from typer.testing import CliRunner; from gmm_math.cli.main import app; "
            "CliRunner().invoke(app, ['evaluate', '--help']); "
            "print(sorted(m for m in ('sympy', 'numpy', 'mpmath', 'scipy', 'matplotlib') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert out.strip() == "[]"


def test_two_dimensional_data_use_the_dimension_of_the_data(cli_json):
    doc = cli_json("evaluate", "--data", "0,0;0,0;1,1;3,2", "--sigma", "1e-40", "-f", "json", "--dps", "30")
    assert doc["dim"] == 2
    assert abs(mp.mpf(doc["rows"][0]["slope_mixture"]) + 4) < 1e-25  # r = 2 points, D = 2
    assert Dataset.from_text("0,0;0,0;1,1;3,2").dim == 2
