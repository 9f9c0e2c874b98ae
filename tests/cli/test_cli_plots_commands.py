"""plot-limit and plot-collapse write valid, non-blank images; bad paths and options exit 2 and write nothing."""

from __future__ import annotations

import numpy as np
import pytest
from typer.testing import CliRunner

from gmm_math.cli.main import app

SIGNATURES = {".png": b"\x89PNG\r\n\x1a\n", ".pdf": b"%PDF-", ".svg": b"<?xml"}
FAST = {
    "plot-limit": ["--from", "0", "--to", "-320", "--points", "9", "--dpi", "30"],
    "plot-collapse": ["--from", "0", "--to", "-2", "--panels", "2", "--dpi", "30"],
}
COMMANDS = sorted(FAST)


def invoke(*args: str):
    return CliRunner().invoke(app, list(args))


def assert_one_line_error(result, *fragments: str) -> None:
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("gmm-math: error: "), result.stderr
    assert "Traceback" not in result.output and result.stdout == ""
    for fragment in fragments:
        assert fragment in lines[0]


def assert_nothing_written(folder) -> None:
    leftovers = [p for p in folder.rglob("*") if p.is_file() and p.name != "blocker"]
    assert leftovers == []


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("suffix", sorted(SIGNATURES))
def test_writes_a_valid_image_in_each_format(tmp_path, command, suffix):
    out = tmp_path / "nested" / f"figure{suffix}"
    result = invoke(command, *FAST[command], "--out", str(out))
    assert result.exit_code == 0, result.output
    assert result.stdout.strip() == f"wrote {out}"
    payload = out.read_bytes()
    assert payload.startswith(SIGNATURES[suffix])
    assert len(payload) > 2000
    if suffix == ".svg":
        assert b"<svg" in payload[:2000] and payload.rstrip().endswith(b"</svg>")
    if suffix == ".pdf":
        assert payload.rstrip().endswith(b"%%EOF")
    assert [p.name for p in out.parent.iterdir()] == [out.name]  # no temporary file left


@pytest.mark.parametrize("command", COMMANDS)
def test_png_is_not_blank(tmp_path, command):
    import matplotlib.image

    out = tmp_path / "figure.png"
    assert invoke(command, *FAST[command], "--out", str(out)).exit_code == 0
    pixels = matplotlib.image.imread(out)
    assert pixels.ndim == 3 and pixels.shape[0] > 50 and pixels.shape[1] > 50
    colours = np.unique(pixels.reshape(-1, pixels.shape[-1]), axis=0)
    assert len(colours) > 20  # text, lines, fills: far from a uniform canvas
    assert (pixels[..., :3] < 0.5).mean() > 0.002  # some dark ink on the white background


@pytest.mark.parametrize("command", COMMANDS)
def test_png_depends_on_the_data(tmp_path, command):
    first, second = tmp_path / "a.png", tmp_path / "b.png"
    assert invoke(command, *FAST[command], "--out", str(first)).exit_code == 0
    assert invoke(command, *FAST[command], "--data", "0,2,7,8", "--out", str(second)).exit_code == 0
    assert first.read_bytes() != second.read_bytes()


@pytest.mark.parametrize("command", COMMANDS)
def test_same_input_same_bytes(tmp_path, command):
    first, second = tmp_path / "a.svg", tmp_path / "b.svg"
    assert invoke(command, *FAST[command], "--out", str(first)).exit_code == 0
    assert invoke(command, *FAST[command], "--out", str(second)).exit_code == 0
    assert first.read_bytes() == second.read_bytes()


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("name", ["figure.gif", "figure", "figure.png.txt"])
def test_unknown_suffix_exits_2(tmp_path, command, name):
    result = invoke(command, *FAST[command], "--out", str(tmp_path / name))
    assert_one_line_error(result, "--out", ".png, .svg, .pdf")
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize("below", [["figure.png"], ["deeper", "figure.svg"]])
def test_path_under_a_regular_file_exits_2(tmp_path, command, below):
    (tmp_path / "blocker").write_text("not a folder")
    result = invoke(command, *FAST[command], "--out", str(tmp_path.joinpath("blocker", *below)))
    assert_one_line_error(result, "cannot write", "is a file, not a folder")
    assert_nothing_written(tmp_path)
    assert (tmp_path / "blocker").read_text() == "not a folder"


@pytest.mark.parametrize("command", COMMANDS)
def test_path_that_is_a_folder_exits_2(tmp_path, command):
    (tmp_path / "taken.png").mkdir()
    result = invoke(command, *FAST[command], "--out", str(tmp_path / "taken.png"))
    assert_one_line_error(result, "folder")
    assert list((tmp_path / "taken.png").iterdir()) == []


BAD_OPTIONS = [
    (["--dpi", "5"], "--dpi"),
    (["--dpi", "100000"], "--dpi"),
    (["--from", "-3", "--to", "-3"], "--from and --to"),
    (["--to", "-2000000"], "--to"),
    (["--to", "nan"], "--to"),
    (["--dps", "3"], "--dps"),
    (["--data", "0,1,x"], "data value"),
    (["--data", ""], "empty"),
    (["--point", "7"], "--point 7"),
    (["--components", "1"], "single"),
    (["--weights", "0.2,0.2"], "weights"),
    (["--scales", "-1"], "--scales"),
    (["--data-file", "/nonexistent/points.csv"], "points.csv"),
]


@pytest.mark.parametrize("command", COMMANDS)
@pytest.mark.parametrize(("options", "fragment"), BAD_OPTIONS, ids=[" ".join(o) for o, _ in BAD_OPTIONS])
def test_bad_options_exit_2_and_write_nothing(tmp_path, command, options, fragment):
    result = invoke(command, *FAST[command], *options, "--out", str(tmp_path / "figure.png"))
    assert_one_line_error(result, fragment)
    assert_nothing_written(tmp_path)


@pytest.mark.parametrize(("command", "options", "fragment"), [
    ("plot-collapse", ["--panels", "0"], "--panels"),
    ("plot-collapse", ["--panels", "13"], "--panels"),
    ("plot-collapse", ["--data", "0,0;1,1;3,2"], "1-D"),
    ("plot-limit", ["--points", "1"], "--points"),
    ("plot-limit", ["--points", "100000"], "--points"),
])
def test_command_specific_bad_options(tmp_path, command, options, fragment):
    result = invoke(command, *FAST[command], *options, "--out", str(tmp_path / "figure.png"))
    assert_one_line_error(result, fragment)
    assert_nothing_written(tmp_path)


def test_help_does_not_import_heavy_modules():
    import subprocess
    import sys

    code = ("import sys; from gmm_math.cli.plots import commands; "
            "print(sorted(m for m in ('matplotlib', 'numpy', 'sympy', 'mpmath', 'scipy') if m in sys.modules))")
    loaded = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True).stdout
    assert loaded.strip() == "[]"
