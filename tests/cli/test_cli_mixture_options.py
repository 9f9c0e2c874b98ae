"""The shared option group ``with_mixture_inputs``: the options stand where ``mix`` stood, and arrive bundled."""

import inspect
from pathlib import Path

from gmm_math.cli.options import MixtureInputs, with_mixture_inputs


def _command(name: str, mix: MixtureInputs = None, dps: int = 50, **rest):
    return name, mix, dps, rest


def test_options_replace_the_placeholder_in_place():
    with_k = with_mixture_inputs()(_command)
    without_k = with_mixture_inputs(components=False)(_command)
    assert list(inspect.signature(with_k).parameters) == [
        "name", "data", "data_file", "point", "components", "weights", "means", "scales", "dps", "rest"]
    assert "components" not in inspect.signature(without_k).parameters
    assert with_k.__name__ == "_command" and with_k.__doc__ == _command.__doc__


def test_the_command_receives_one_bundle_and_the_other_options_unchanged():
    given = dict(data="0,1,3", data_file=Path("x.csv"), point=1, components=3, weights="0.5,0.25,0.25",
                 means="1,3", scales=None)
    name, mix, dps, rest = with_mixture_inputs()(_command)(name="n", dps=60, extra="e", **given)
    assert (name, dps, rest) == ("n", 60, {"extra": "e"})
    assert mix == MixtureInputs(**given)


def test_load_parses_data_and_mixture_parameters():
    dataset, params = MixtureInputs("0,1,3", None, 0, "0.5,0.5", None, None, components=2).load()
    assert dataset.n == 3
    assert set(params) == {"weights", "means", "scales"} and params["means"] is None and params["scales"] is None
    assert len(params["weights"]) == 2
