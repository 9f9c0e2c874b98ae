"""Conditions and consequences in a steps file (issue 20 Part 3), classified by their text.

* A line ``EXPR = 0`` directly after a derivative line is a *condition* (stationarity), not an
  identity (PRML's ``0 = EXPR``, the zero on the left, is the same condition); so is the final ``= 0`` of a derivative line (``d/dmu_k log L = ... = 0``), a
  continuation ``= 0`` right below one, and a line ``EXPR = 0`` that a consequence follows.
* A line starting with ``=>``, ``\\Rightarrow``, ``\\implies``, ``\\therefore``, ``so``, ``hence``
  or ``solve:`` is a *consequence*: it must hold wherever the conditions in force hold.
* A line starting with ``<=>``, ``\\iff`` or ``\\Leftrightarrow`` is an *equivalent restatement*:
  checked both ways.

Conditions and consequences that hold stay in force for the lines below. The quantities solved for
(the *unknowns*) are the names differentiated by, a Lagrange multiplier (``lambda``) and the name a
consequence ``x = ...`` solves for.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from gmm_math.derivations.check.document import plain_names

_SPACES = r"(?:\s|\\q?quad(?![A-Za-z])|\\[,;:! ])*"  # \Longrightarrow\quad & mu_k = ...: spaces and \quad after a marker
_CONSEQUENCE = re.compile(r"\s*&?\s*(=>|\\(?:Rightarrow|Longrightarrow)(?![A-Za-z])|\\implies(?![A-Za-z])|\\therefore(?![A-Za-z])"
                          r"|so\b|hence\b|solve:)" + _SPACES + r"&?\s*")
_EQUIVALENT = re.compile(r"\s*&?\s*(<=>|\\iff(?![A-Za-z])|\\(?:Leftrightarrow|Longleftrightarrow)(?![A-Za-z]))" + _SPACES + r"&?\s*")
_DERIVATIVE = re.compile(r"d/d[A-Za-z]|\bdiff\s*\(|\bd\s*\(.*\)\s*/\s*d\s*\(|\\[dt]?frac\s*\{\s*(d|\\partial|\\(mathrm|operatorname)\{d\})"
                         r"|\\partial|\\nabla")
_ZERO_END = re.compile(r"(?P<before>(?:.*?[^<>!=&])?)&?\s*=\s*0\s*[.,]?\s*(\\\\)?\s*$", re.DOTALL)
# PRML's 0 = EXPR (9.17, 9.21): the zero on the left, the rest (after the first relation) is EXPR
_ZERO_START = re.compile(r"\s*0\s*&?\s*=(?!=)(?P<before>.*?)\s*[.,]?\s*(\\\\)?\s*$", re.DOTALL)
_CONTINUES = re.compile(r"\s*&?\s*=(?!=|>)")
# the variable of a derivative: d/dmu_k, diff(..., mu_k), d(...)/d(mu_k), \partial \mu_k, \partial_{\mu_k}
_VARIABLE = re.compile(r"d/d(?P<a>[A-Za-z][A-Za-z0-9_{}]*)|diff\s*\(.*,\s*(?P<b>[A-Za-z][A-Za-z0-9_{}]*)(\^2)?\s*\)"
                       r"|/\s*d\s*\(\s*(?P<c>[A-Za-z][A-Za-z0-9_{}]*)"
                       r"|\}\s*\{\s*(d|\\partial|\\(?:mathrm|operatorname)\{d\})\s*\\?(?P<d>[A-Za-z]+(_\{?[A-Za-z0-9]+\}?)?)"
                       r"|\\(partial|nabla)_\{?\s*\\?(?P<e>[A-Za-z]+(_\{?[A-Za-z0-9]+\}?)?)")
MULTIPLIERS = ("lambda", "lam")
# a conclusion without a marker: NAME = ... or NAME^2 = ... (the name as written, \mu_{k} read as mu_k)
_CONCLUDES = re.compile(r"\s*\\?(?P<name>[A-Za-z][A-Za-z0-9_{}\\]*)(?:\s*\^\s*\{?\s*[0-9]\s*\}?)?\s*&?\s*=(?!=)")


@dataclass(frozen=True)
class Condition:
    """An equation in force: ``text`` (its last relation is the equation; ``previous`` the line a
    continuation ``= 0`` continues)."""

    text: str
    previous: str | None = None
    primary: bool = True  # stated (a derivative set to 0), not a consequence drawn from others


@dataclass(frozen=True)
class Role:
    """What a step line is besides an ordinary step.

    Attributes
    ----------
    kind : "condition", "derivative_condition" (a derivative line ending in ``= 0``), "consequence"
        or "equivalent"
    body : the line without its marker (for "derivative_condition": without its final ``= 0``)
    conditions : the conditions in force above the line
    unknowns : the names differentiated by above, and the multipliers, as written
    """

    kind: str
    body: str
    conditions: tuple[Condition, ...] = ()
    unknowns: tuple[str, ...] = ()


def marker(text: str) -> tuple[str, str] | None:
    """("consequence" | "equivalent", the rest) for a line that starts with a marker, else None."""
    for kind, pattern in (("equivalent", _EQUIVALENT), ("consequence", _CONSEQUENCE)):
        found = pattern.match(text)
        if found:
            return kind, text[found.end():]
    return None


def is_derivative(text: str) -> bool:
    return bool(_DERIVATIVE.search(text))


def derivative_variable(text: str) -> str | None:
    """The name a derivative line differentiates by, as written (``mu_k``, ``\\mu_k`` read as ``mu_k``)."""
    found = _VARIABLE.search(re.split(r"(?<![<>!=])=(?!=)", text, maxsplit=1)[0])
    if not found:
        return None
    name = next(value for value in found.groupdict().values() if value)
    return name.replace("{", "").replace("}", "")


def _has_relation(text: str) -> bool:
    """Is there a relation outside every bracket (``n=1..N`` inside ``sum(...)`` is not one)?"""
    depth = 0
    for position, char in enumerate(text):
        depth += char in "([{" and 1 or char in ")]}" and -1 or 0
        if depth == 0 and char in "=<>" and text[position - 1:position] not in ("!",):
            return True
    return False


_BOLD = re.compile(r"\\?(?:mathbf|boldsymbol|bm)\s*\{")


def _plain(name: str) -> str:
    """A name as plain letters: ``\\boldsymbol{\\mu}_k`` and ``\\mu_{k}`` are both ``mu_k``."""
    return _BOLD.sub("", name).replace("\\", "").replace("{", "").replace("}", "")


def sets_zero(text: str) -> re.Match | None:
    """``EXPR = 0`` or ``0 = EXPR`` (an equation with a zero side): the match, its ``before`` group the other side."""
    return _ZERO_END.fullmatch(text) or _ZERO_START.fullmatch(text)


def _concludes(step: Any, condition: str) -> bool:
    """Does the step read ``NAME = ...`` for a name of ``condition`` that no ``let:`` defines?"""
    found = _CONCLUDES.match(step.body)
    if found is None:
        return False
    name = _plain(found.group("name"))
    if name in {_plain(defined) for defined, _ in getattr(step, "definitions", ())}:
        return False
    return name in plain_names(condition) or re.search(rf"(?<![A-Za-z0-9_]){re.escape(name)}(?![A-Za-z0-9_])",
                                                       _plain(condition)) is not None


def plan_roles(steps: Sequence[Any]) -> dict[int, Role]:
    """The role of each step line (by line number) that is a condition, a consequence or a restatement.

    ``steps`` are the planned lines (:func:`~gmm_math.derivations.check.claims.plan_steps`), each with
    ``line``, ``kind`` and ``body``.
    """
    roles: dict[int, Role] = {}
    conditions: list[Condition] = []
    unknowns: list[str] = []
    after_derivative: str | None = None  # the text of the step line above, if it took a derivative
    stated: Any = None  # the step line above, if it reads EXPR = 0 (a condition when a consequence follows)
    for step in steps:
        if step.kind != "step":
            continue
        body = step.body
        marked = marker(body)
        if marked is not None:
            if stated is not None and stated.line not in roles:
                roles[stated.line] = Role("condition", stated.body, tuple(conditions), tuple(unknowns))
                conditions.append(Condition(stated.body))
            stated = None
            kind, rest = marked
            roles[step.line] = Role(kind, rest, tuple(conditions), tuple(unknowns))
            conditions.append(Condition(rest, primary=False))
            after_derivative = None
            continue
        if stated is not None and stated.line not in roles and _concludes(step, stated.body):
            # NAME = ... for a name in the EXPR = 0 line above: a conclusion from it, so that line is a condition
            roles[stated.line] = Role("condition", stated.body, tuple(conditions), tuple(unknowns))
            conditions.append(Condition(stated.body))
        zero = sets_zero(body)
        stated = step if zero and _CONTINUES.match(body) is None else None
        if is_derivative(body):
            variable = derivative_variable(body)
            if variable is not None and variable not in unknowns:
                unknowns.append(variable)
            if zero:
                chained = _has_relation(zero.group("before"))
                roles[step.line] = Role("derivative_condition" if chained else "condition",
                                        zero.group("before").rstrip() if chained else body, tuple(conditions),
                                        tuple(unknowns))
                conditions.append(Condition(body))
            after_derivative = body
            continue
        if zero and (after_derivative is not None or _ZERO_START.fullmatch(body) and _CONTINUES.match(body) is None):
            # after a derivative, or PRML's 0 = EXPR on a line of its own (9.21): a marker reads it as set to zero
            continued = _CONTINUES.match(body) is not None
            roles[step.line] = Role("condition", body, tuple(conditions), tuple(unknowns))
            conditions.append(Condition(body, after_derivative if continued else None))
            after_derivative = None
            continue
        after_derivative = None
    return roles
