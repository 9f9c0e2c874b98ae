"""SymPy's LaTeX printing of a product, without its costly constancy test on exponents that are provably not constant.

``LatexPrinter._print_Mul`` splits a product with ``sympy.fraction(expr, exact=True)``, which asks
``ex.is_constant()`` of every negative exponent with free symbols (``exp(-delta^2/(2 s))``). That call
simplifies the exponent (and its first call imports ``sympy.physics.units``): a tenth of a second per
derivation step with Gaussian densities. :func:`fraction_exact` answers the same question at once where a
short proof exists (see :func:`_not_constant`) and asks SymPy otherwise, so the split, and the LaTeX, are
the same. :class:`FastMulLatex` is ``_print_Mul`` of SymPy 1.14 with that one call replaced.
"""

from __future__ import annotations

from functools import lru_cache

from sympy import Mul, Number, Pow, S, exp
from sympy.printing.latex import LatexPrinter, _between_two_numbers_p
from sympy.utilities.iterables import sift


def _not_constant(ex) -> bool:
    """True when ``ex`` (known negative) is a product with a factor sym^r, r != 0 rational, sym in no other factor.

    Proof: ex = sym^r h with h free of sym, and h != 0 because ex < 0; scaling sym by t > 0 scales ex
    by t^r != 1, so ex is not constant.

    >>> import sympy as sp
    >>> s, d = sp.symbols("s delta", positive=True)
    >>> _not_constant(-d**2 / (2 * s)), _not_constant(-s), _not_constant(-s / s)
    (True, True, False)
    """
    factors = Mul.make_args(ex)
    for i, factor in enumerate(factors):
        base, power = factor.as_base_exp()
        if base.is_Symbol and power.is_Rational and power != 0 and not any(
                base in other.free_symbols for j, other in enumerate(factors) if j != i):
            return True
    return False


@lru_cache(maxsize=1024)
def _is_constant(ex) -> bool | None:
    return False if _not_constant(ex) else ex.is_constant()


def fraction_exact(expr):
    """``sympy.fraction(expr, exact=True)`` (SymPy 1.14), the constancy of negative exponents decided as above.

    >>> import sympy as sp
    >>> s, d = sp.symbols("s delta", positive=True)
    >>> fraction_exact(sp.exp(-d**2 / (2 * s)) / s) == sp.fraction(sp.exp(-d**2 / (2 * s)) / s, exact=True)
    True
    """
    numer, denom = [], []
    for term in Mul.make_args(expr):
        if term.is_commutative and (term.is_Pow or isinstance(term, exp)):
            b, ex = term.as_base_exp()
            if ex.is_negative:
                if ex is S.NegativeOne:
                    denom.append(b)
                elif _is_constant(ex):
                    denom.append(Pow(b, -ex))
                else:
                    numer.append(term)
            else:
                numer.append(term)
        elif term.is_Rational and not term.is_Integer:
            if term.p != 1:
                numer.append(term.p)
            denom.append(term.q)
        else:
            numer.append(term)
    return Mul(*numer, evaluate=False), Mul(*denom, evaluate=False)


class FastMulLatex(LatexPrinter):
    """``LatexPrinter`` whose ``_print_Mul`` splits products with :func:`fraction_exact` (otherwise SymPy 1.14's)."""

    def _print_Mul(self, expr):  # noqa: C901 - SymPy's method, kept as it is
        separator: str = self._settings['mul_symbol_latex']
        numbersep: str = self._settings['mul_symbol_latex_numbers']

        def convert(expr) -> str:
            if not expr.is_Mul:
                return str(self._print(expr))
            if self.order not in ('old', 'none'):
                args = expr.as_ordered_factors()
            else:
                args = list(expr.args)
            units, nonunits = sift(args, lambda x: (hasattr(x, "_scale_factor") or hasattr(x, "is_physical_constant"))
                                   or (isinstance(x, Pow) and hasattr(x.base, "is_physical_constant")), binary=True)
            prefixes, units = sift(units, lambda x: hasattr(x, "_scale_factor"), binary=True)
            return convert_args(nonunits + prefixes + units)

        def convert_args(args) -> str:
            _tex = last_term_tex = ""
            for i, term in enumerate(args):
                term_tex = self._print(term)
                if not (hasattr(term, "_scale_factor") or hasattr(term, "is_physical_constant")):
                    if self._needs_mul_brackets(term, first=(i == 0), last=(i == len(args) - 1)):
                        term_tex = r"\left(%s\right)" % term_tex
                    if _between_two_numbers_p[0].search(last_term_tex) and \
                            _between_two_numbers_p[1].match(term_tex):
                        _tex += numbersep
                    elif _tex:
                        _tex += separator
                elif _tex:
                    _tex += separator
                _tex += term_tex
                last_term_tex = term_tex
            return _tex

        if isinstance(expr, Mul):
            args = expr.args
            if args[0] is S.One or any(isinstance(arg, Number) for arg in args[1:]):
                return convert_args(args)

        include_parens = False
        if expr.could_extract_minus_sign():
            expr = -expr
            tex = "- "
            if expr.is_Add:
                tex += "("
                include_parens = True
        else:
            tex = ""

        numer, denom = fraction_exact(expr)

        if denom is S.One and Pow(1, -1, evaluate=False) not in expr.args:
            tex += convert(expr)
        else:
            snumer = convert(numer)
            sdenom = convert(denom)
            ldenom = len(sdenom.split())
            ratio = self._settings['long_frac_ratio']
            if self._settings['fold_short_frac'] and ldenom <= 2 and "^" not in sdenom:
                if self._needs_mul_brackets(numer, last=False):
                    tex += r"\left(%s\right) / %s" % (snumer, sdenom)
                else:
                    tex += r"%s / %s" % (snumer, sdenom)
            elif ratio is not None and len(snumer.split()) > ratio*ldenom:
                if self._needs_mul_brackets(numer, last=True):
                    tex += r"\frac{1}{%s}%s\left(%s\right)" % (sdenom, separator, snumer)
                elif numer.is_Mul:
                    a = S.One
                    b = S.One
                    for x in numer.args:
                        if self._needs_mul_brackets(x, last=False) or \
                                len(convert(a*x).split()) > ratio*ldenom or \
                                (b.is_commutative is x.is_commutative is False):
                            b *= x
                        else:
                            a *= x
                    if self._needs_mul_brackets(b, last=True):
                        tex += r"\frac{%s}{%s}%s\left(%s\right)" % (convert(a), sdenom, separator, convert(b))
                    else:
                        tex += r"\frac{%s}{%s}%s%s" % (convert(a), sdenom, separator, convert(b))
                else:
                    tex += r"\frac{1}{%s}%s%s" % (sdenom, separator, snumer)
            else:
                tex += r"\frac{%s}{%s}" % (snumer, sdenom)

        if include_parens:
            tex += ")"
        return tex
