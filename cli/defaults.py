"""Typer's option values that need no validation are taken as they are, without importing pydantic.

Typer (0.29) validates every parameter value, defaults included, through a pydantic ``TypeAdapter``
built on first use; importing pydantic and building the adapters costs about a tenth of a second,
a seventh of ``gmm-math derive single``. Where the adapter's result is certain it is returned here:
None, an ``int`` (or plain decimal digits) for an ``int`` option inside its bounds, a ``str`` for a
``str`` option, a member of an ``Enum`` option or its name as Typer's own choice matching finds it.
Anything else (other text, floats, paths, files, lists, a value out of bounds, a choice not found)
goes to Typer's own coercion, so its errors and messages are Typer's. ``tests/cli/test_cli_startup.py`` compares both routes on every
default of every command.
"""

from __future__ import annotations

import re
from enum import Enum
from typing import Any

_UNCHANGED = object()  # "not decided here": Typer's own coercion decides
_PLAIN_INT = re.compile(r"-?(0|[1-9][0-9]{0,17})")  # digits only: int() and pydantic agree on these


def unchanged(descriptor: Any, value: Any, multi_value: bool, ctx: Any = None) -> Any:
    """What Typer's coercion would return for ``value`` when that is certain without it, else :data:`_UNCHANGED`.

    Parameters
    ----------
    descriptor : typer._coercion.TypeDescriptor
        The parameter's resolved annotation and its ``ParameterInfo``.
    value : object
        The value Click parsed or the default.
    multi_value : bool
        Whether the parameter takes several values (then only None is decided here).
    ctx : click.Context, optional
        For a choice given as text: Typer's own matching (case, token normalisation) needs it.
    """
    info, annotation = descriptor.parameter_info, descriptor.annotation
    if value is None:
        return () if multi_value else None
    if multi_value or descriptor.file_annotation is not None or info.parser is not None:
        return _UNCHANGED
    if isinstance(annotation, type) and issubclass(annotation, Enum):
        return value if isinstance(value, annotation) else _choice(annotation, value, info, ctx)
    if annotation is str and type(value) is str:  # Typer routes str to str before any path handling
        return value
    if annotation is int and type(value) is str and _PLAIN_INT.fullmatch(value):
        value = int(value)
    if annotation is int and type(value) is int and _within(value, info.min, info.max):
        return value
    return _UNCHANGED


def _choice(annotation: type[Enum], value: Any, info: Any, ctx: Any) -> Any:
    """The member Typer's own choice matching (the function its adapter calls) finds; errors stay Typer's."""
    if type(value) is not str:
        return _UNCHANGED
    from typer._param_types import coerce_cli_choice

    try:
        return coerce_cli_choice(value, choices=tuple(annotation), case_sensitive=info.case_sensitive, ctx=ctx)
    except ValueError:
        return _UNCHANGED


def _within(value: int, low: Any, high: Any) -> bool:
    return (low is None or value >= low) and (high is None or value <= high)


def install() -> None:
    """Route Typer's parameter coercion through :func:`unchanged` first (once; skipped if Typer changed)."""
    try:
        from typer.core import _TyperParameter
    except ImportError:  # another Typer: its own coercion everywhere
        return
    original = getattr(_TyperParameter, "process_value", None)
    if original is None or getattr(original, "_gmm_math_defaults", False) or \
            not hasattr(_TyperParameter, "get_runtime_param"):
        return

    def process_value(self, ctx, value):
        descriptor = getattr(self, "type_descriptor", None)
        if descriptor is None:
            return original(self, ctx, value)
        decided = unchanged(descriptor, value, bool(self.multiple or self.nargs == -1), ctx)
        if decided is _UNCHANGED:
            return original(self, ctx, value)
        if self.required and self.value_is_missing(decided):
            from typer._click.exceptions import MissingParameter

            raise MissingParameter(ctx=ctx, param=self)
        return self.callback(ctx, self, decided) if self.callback is not None else decided

    process_value._gmm_math_defaults = True
    _TyperParameter.process_value = process_value
