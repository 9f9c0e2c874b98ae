"""``gmm_math.cli.notebook.explore``: executed headless in a real kernel (nbclient + ipykernel)."""

from __future__ import annotations

import subprocess
import sys

import mpmath
import pytest

from gmm_math.derivations.core.data import Dataset
from gmm_math.derivations.core.errors import GmmMathError
from gmm_math.derivations.core.model import CollapseModel
from gmm_math.numerics.loglik import log_likelihood

CELLS = [
    "from gmm_math.cli.notebook import explore\nexplorer = explore(data='0,1,3', point=0)\nexplorer",
    "explorer.sigma_slider.value = -150\nprint(mpmath_text(explorer.log_likelihood))",
    "from IPython.display import Image\nImage(explorer.sigma_png)",
    "explorer.iteration_slider.value = explorer.result.n_iter\nImage(explorer.em_png)",
]
PRELUDE = "import mpmath\nmpmath_text = lambda value: mpmath.nstr(value, 40)"


@pytest.fixture(scope="module")
def executed():
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    pytest.importorskip("ipykernel")
    notebook = nbformat.v4.new_notebook()
    notebook.cells = [nbformat.v4.new_code_cell(source) for source in [PRELUDE, *CELLS]]
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("JUPYTER_PLATFORM_DIRS", "1")  # no migration warning (pytest turns warnings into errors)
        patch.setenv("MPLBACKEND", "Agg")
        client = nbclient.NotebookClient(notebook, timeout=300, kernel_name="python3", store_widget_state=True)
        client.execute()
    return notebook


def _outputs(cell, mime):
    return [out for out in cell.outputs if mime in out.get("data", {})]


def test_widget_is_displayed(executed):
    assert _outputs(executed.cells[1], "application/vnd.jupyter.widget-view+json")
    state = executed.metadata["widgets"]["application/vnd.jupyter.widget-state+json"]["state"]
    models = {model["model_name"] for model in state.values()}
    assert {"FloatSliderModel", "IntSliderModel", "ImageModel", "VBoxModel"} <= models
    sliders = [m["state"] for m in state.values() if m["model_name"] == "FloatSliderModel"]
    assert sliders[0]["min"] == -300 and sliders[0]["max"] == 0 and sliders[0]["value"] == -150


def test_moving_sigma_gives_the_mpmath_value(executed):
    printed = "".join(out.get("text", "") for out in executed.cells[2].outputs).strip()
    model = CollapseModel.mixture(Dataset.from_text("0,1,3"), 0, 2)
    assert printed == mpmath.nstr(log_likelihood(model, "1e-150", dps=50), 40)
    assert float(printed) > 300  # log L grows without bound as sigma -> 0+


def test_figures_are_shown(executed):
    for cell in executed.cells[3:5]:
        (image,) = _outputs(cell, "image/png")
        assert len(image["data"]["image/png"]) > 1000


def test_explore_in_process_and_bad_input():
    pytest.importorskip("ipywidgets")
    from gmm_math.cli.notebook import explore

    explorer = explore(data="0,1,3", point=0)
    start = explorer.em_png
    explorer.iteration_slider.value = explorer.result.n_iter
    assert explorer.em_png != start and explorer.em_png.startswith(b"\x89PNG")
    explorer.sigma_slider.value = -300
    model = CollapseModel.mixture(Dataset.from_text("0,1,3"), 0, 2)
    assert explorer.log_likelihood == log_likelihood(model, "1e-300", dps=50)
    with pytest.raises(GmmMathError, match="em_sigma"):
        explore(em_sigma=0)
    with pytest.raises(GmmMathError, match="1-D"):
        explore(data="0,0;1,1;3,2")


def test_help_still_imports_no_heavy_library():
    code = ("import sys\nfrom gmm_math.cli.main import app\n"
            "heavy = {'sympy', 'numpy', 'mpmath', 'matplotlib', 'ipywidgets'} & set(sys.modules)\n"
            "print(sorted(heavy))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
