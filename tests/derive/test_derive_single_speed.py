"""Issue 23, speed: ``derive single``'s pretty printing no longer imports ``sympy.physics.units`` (~0.3 s),
and the copy of SymPy's product printer that avoids it prints what SymPy's own does."""

from __future__ import annotations

import subprocess
import sys

import pytest
import sympy as sp
from sympy.printing.pretty.pretty import PrettyPrinter

from gmm_math.derivations.printing.latex_mul import FastMulPretty
from gmm_math.derivations.result import SIGMA

x, y, n = sp.symbols("x y N")
S = sp.Symbol("S", positive=True)
PRODUCTS = [
    -S / (2 * SIGMA**2), 2 * n * SIGMA**2 * sp.log(SIGMA) / S, sp.exp(-x**2 / (2 * SIGMA)) / sp.sqrt(2 * sp.pi * SIGMA),
    sp.Mul(1, x, evaluate=False), sp.Mul(-1, x, y, evaluate=False), sp.Mul(x, 3, y, evaluate=False),
    sp.Rational(3, 7) * x / y**3, x * y**sp.Rational(-1, 2), -x / (y * (x + y)), 5 * x**-2 * sp.pi,
    sp.Mul(x, sp.Pow(y, -1, evaluate=False), evaluate=False), sp.oo * x, -sp.Rational(1, 2) * sp.log(2 * sp.pi),
]


@pytest.mark.parametrize("order", [None, "none", "old"])
@pytest.mark.parametrize("use_unicode", [True, False])
def test_the_copy_prints_products_as_sympy_does(order, use_unicode):
    settings = {"use_unicode": use_unicode, "order": order}
    fast, sympys = FastMulPretty(settings), PrettyPrinter(settings)
    for product in PRODUCTS:
        assert product.is_Mul, product
        ours = fast._print_Mul_without_units(product)
        theirs = PrettyPrinter._print_Mul(sympys, product)  # imports sympy.physics.units, in this process only
        assert str(ours) == str(theirs), product


def test_derive_single_does_not_import_the_units_package():
    code = ("import sys; from gmm_math.cli.entry import run; sys.argv = ['gmm-math', 'derive', 'single'];\n"
            "import atexit; atexit.register(lambda: sys.__stderr__.write(str('sympy.physics.units' in sys.modules)))\n"
            "run()")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0 and done.stderr.endswith("False"), done.stderr[-500:]
