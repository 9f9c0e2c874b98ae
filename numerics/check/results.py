"""The checker's results as types: verdicts, evidence, summaries, line results and reports.

Every decision the checker makes is one of these enums, carried in these dataclasses from the
place it is decided to the JSON (:meth:`CheckReport.as_dict`, the JSON contract of ``gmm-math
check``) and the text the CLI prints; no verdict is ever read back out of a sentence.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from typing import Any

from gmm_math.derivations.core.display import NotebookDisplay


class Verdict(str, Enum):
    """The verdict on a whole claim or file."""

    HOLDS = "holds"
    FAILS = "fails"
    UNDECIDED = "undecided"
    NOTHING_CHECKED = "nothing checked"  # nothing was compared: never "holds"


class LineVerdict(str, Enum):
    """The verdict on one line of a steps file (or one relation decided)."""

    EQUAL = "equal"
    IMPLIED = "implied"
    FAILS = "fails"
    UNDECIDED = "undecided"
    UNREADABLE = "unreadable"
    ASSUMPTION = "assumption"
    DEFINITION = "definition"
    COMMENT = "comment"
    NOT_CHECKED = "not checked"  # a conclusion (NAME = ... for an unknown of a condition) it cannot check
    CONDITION = "condition"  # an equation set to 0 (stationarity), held in force below, not an identity

    @property
    def checked(self) -> bool:
        """Was the line compared and found to hold?"""
        return self in (LineVerdict.EQUAL, LineVerdict.IMPLIED)

    @property
    def holding(self) -> bool:
        """Does the line stand (compared and holding, a definition, an assumption, or a condition stated to be
        solved)?"""
        return self.checked or self in (LineVerdict.DEFINITION, LineVerdict.ASSUMPTION, LineVerdict.CONDITION)


class Evidence(str, Enum):
    """What a verdict rests on: a SymPy proof, or numeric instances only."""

    SYMBOLIC = "symbolic"
    NUMERIC = "numeric"


class Kind(str, Enum):
    """Which check made the report."""

    LIMIT = "limit"
    EQUAL = "equal"
    STEPS = "steps"


@dataclass(frozen=True)
class Summary:
    """One human-readable sentence; ``said`` is the verdict word it opens with ("equal", "not equal", ...).

    ``str(summary)`` is ``"said: text"`` (or ``text``); :meth:`after` drops the opening word where
    it only repeats the verdict, so that a headline does not say it twice.
    """

    text: str
    said: str | None = None

    def __str__(self) -> str:
        return f"{self.said}: {self.text}" if self.said else self.text

    def after(self, verdict: str) -> str:
        """The sentence without its opening word when that word is ``verdict``."""
        return self.text if self.said == verdict else str(self)

    def extended(self, more: str | None) -> Summary:
        """The sentence with ``; more`` appended (unchanged when ``more`` is empty)."""
        return Summary(f"{self.text}; {more}", self.said) if more else self


@dataclass(frozen=True)
class Instance:
    """A relation compared at one numeric instance: the point, both sides (None: undefined there), agreement."""

    at: dict[str, Any]
    lhs: str | None
    rhs: str | None
    agrees: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {"at": self.at, "lhs": self.lhs, "rhs": self.rhs, "agrees": self.agrees}


@dataclass(frozen=True)
class Approach:
    """A limit followed numerically at one point of a case: the variable's values and the expression's
    (``approach``), where the sequence settles (``estimate``), the symbolic ``limit`` and agreement."""

    case: str | None
    at: dict[str, Any]
    approach: tuple[tuple[str | None, str | None], ...]
    estimate: str | None
    limit: str | None
    agrees: bool | None

    def as_dict(self) -> dict[str, Any]:
        return {"case": self.case, "at": self.at,
                "approach": [{"var": var, "value": value} for var, value in self.approach],
                "estimate": self.estimate, "limit": self.limit, "agrees": self.agrees}


@dataclass(frozen=True)
class CaseLimit:
    """The limit in one sign case (``condition`` None: unconditional)."""

    condition: str | None
    limit: str

    def as_dict(self) -> dict[str, Any]:
        return {"condition": self.condition, "limit": self.limit}


@dataclass(frozen=True)
class Counterexample:
    """What refutes a claim: a point where the two sides differ (``lhs``, ``rhs``), or a point of a case
    where the limit is not the claim (``of_limit``: ``condition``, ``limit``, ``claim``); in a steps
    file, the ``line`` it refutes (alone when the line's sides are never both defined)."""

    point: dict[str, Any] | None = None
    lhs: str | None = None
    rhs: str | None = None
    of_limit: bool = False
    condition: str | None = None
    limit: str | None = None
    claim: str | None = None
    line: int | None = None

    def as_dict(self) -> dict[str, Any]:
        line = {} if self.line is None else {"line": self.line}
        if self.point is None:
            return line
        if self.of_limit:
            return {**line, "condition": self.condition, "point": self.point, "limit": self.limit,
                    "claim": self.claim}
        return {**line, "point": self.point, "lhs": self.lhs, "rhs": self.rhs}


@dataclass(frozen=True)
class Domains:
    """Where each side of a relation is real (when one was undefined at some instance), by sign region."""

    symbols: tuple[str, ...]
    left: str
    right: str
    both_defined: int
    points: int

    def as_dict(self) -> dict[str, Any]:
        return {"symbols": list(self.symbols), "left": self.left, "right": self.right,
                "both_defined": self.both_defined, "points": self.points}


@dataclass(frozen=True)
class Decision:
    """One relation ``lhs RELATION rhs`` decided symbolically and at numeric instances.

    Attributes
    ----------
    verdict : EQUAL or IMPLIED (holds), FAILS or UNDECIDED
    evidence : what the verdict rests on (None when undecided)
    symbolic : what SymPy found, in words
    numeric : one JSON-ready entry per numeric instance (``at``, ``lhs``, ``rhs``, ``agrees``)
    tried : how the instances were drawn
    counterexample : the refuting instance (``point``, ``lhs``, ``rhs``), if any
    feedback : what differs between the sides, in the student's terms, if it can be said
    summary : the sentence
    domains : where each side is defined (when a side was undefined at some instance)
    """

    verdict: LineVerdict
    evidence: Evidence | None
    symbolic: str | None
    numeric: list[Instance]
    tried: str | None
    counterexample: Counterexample | None
    feedback: str | None
    summary: Summary
    domains: Domains | None = None


@dataclass(frozen=True)
class Conclusion:
    """What a chain of holding steps concludes: ``text`` (first expression, relation, last) over its lines."""

    from_line: int
    to_line: int
    relation: str
    text: str

    def as_dict(self) -> dict[str, Any]:
        return {"from_line": self.from_line, "to_line": self.to_line, "relation": self.relation, "text": self.text}


@dataclass(frozen=True)
class Line:
    """One line of a steps file as reported: its number (1-based), text as written, verdict and why."""

    line: int
    text: str
    verdict: LineVerdict
    reason: str | None
    evidence: Evidence | None
    column: int | None

    def as_dict(self) -> dict[str, Any]:
        return {"line": self.line, "text": self.text, "verdict": self.verdict.value, "reason": self.reason,
                "evidence": _value(self.evidence), "column": self.column}


@dataclass(frozen=True)
class ChainLink:
    """How a relation line joins its chain: the relation it continues with (None: it starts one),
    its own composed relation and its first and last expression as written."""

    continues: str | None
    relation: str | None
    start: str
    end: str


@dataclass(frozen=True)
class LineResult:
    """A line of a steps file checked (before it is numbered): the verdict and what it rests on.

    ``decision`` is the deciding comparison of a relation line, ``report`` the report of a limit
    line, ``chain`` how a relation line joins its chain of steps, ``compared_with`` the line above it
    was compared with and ``skipped`` the unreadable lines passed over to reach it.
    """

    verdict: LineVerdict
    reason: str | None = None
    evidence: Evidence | None = None
    column: int | None = None
    hints: tuple[str, ...] = ()
    decision: Decision | None = None
    report: CheckReport | None = None
    chain: ChainLink | None = None
    compared_with: int | None = None
    skipped: tuple[int, ...] = ()


@dataclass(frozen=True)
class CheckReport:
    """The report of one check: the JSON contract of ``gmm-math check`` (:meth:`as_dict`)::

        {"verdict": "holds"|"fails"|"undecided"|"nothing checked", "kind": "limit"|"equal"|"steps",
         "symbolic": str|None, "numeric": [...], "cases": [{"condition", "limit"}]|None,
         "counterexample": {...}|None, "lines": [...]|None,
         "evidence": "symbolic"|"numeric"|None, "tried": str|None, "hints": [str],
         "conclusions": [{"from_line", "to_line", "relation", "text"}]|None,
         "domains": {"symbols", "left", "right", "both_defined", "points"}|None}

    Each entry of ``lines`` is ``{"line", "text", "verdict", "reason", "evidence", "column"}``
    (:class:`Line`), its verdict a :class:`LineVerdict`.
    """

    kind: Kind
    verdict: Verdict
    symbolic: str | None = None
    numeric: list[Instance] | list[Approach] = field(default_factory=list)
    cases: list[CaseLimit] | None = None
    counterexample: Counterexample | None = None
    lines: list[Line] | None = None
    evidence: Evidence | None = None
    tried: str | None = None
    hints: tuple[str, ...] = ()
    conclusions: list[Conclusion] | None = None
    domains: Domains | None = None

    def as_dict(self) -> dict[str, Any]:
        """The JSON-ready report, keys in the contract's order."""
        return {"verdict": self.verdict.value, "kind": self.kind.value, "symbolic": self.symbolic,
                "numeric": [entry.as_dict() for entry in self.numeric], "cases": _dicts(self.cases),
                "counterexample": None if self.counterexample is None else self.counterexample.as_dict(),
                "lines": _dicts(self.lines), "evidence": _value(self.evidence), "tried": self.tried,
                "hints": list(dict.fromkeys(self.hints)), "conclusions": _dicts(self.conclusions),
                "domains": None if self.domains is None else self.domains.as_dict()}


@dataclass(frozen=True)
class CheckResult(NotebookDisplay):
    """A check's report and its one-sentence summary; ``result["report"]`` reads the JSON view.

    In a notebook it shows its headline and one row per line (``_repr_html_``).

    Examples
    --------
    >>> CheckResult(CheckReport(Kind.EQUAL, Verdict.HOLDS), Summary("LHS and RHS are identical", "equal"))
    CheckResult(equal: holds - equal: LHS and RHS are identical)
    """

    report: CheckReport
    summary: Summary

    @property
    def verdict(self) -> Verdict:
        return self.report.verdict

    @property
    def headline(self) -> str:
        """``verdict: V - summary`` (the summary's opening word dropped where it repeats the verdict)."""
        return f"verdict: {self.verdict.value} - {self.summary.after(self.verdict.value)}"

    def as_dict(self) -> dict[str, Any]:
        """``{"report": the JSON contract, "summary": the sentence}``."""
        return {"report": self.report.as_dict(), "summary": str(self.summary)}

    def __getitem__(self, key: str) -> Any:
        return self.as_dict()[key]

    def __repr__(self) -> str:
        lines = self.report.lines
        if lines is None:
            return f"CheckResult({self.report.kind.value}: {self.verdict.value} - {self.summary.after(self.verdict.value)})"
        counts = {verdict: sum(line.verdict is verdict for line in lines) for verdict in LineVerdict}
        shown = ", ".join(f"{count} {verdict.value}" for verdict, count in counts.items()
                          if count and verdict is not LineVerdict.COMMENT)
        return f"CheckResult(steps: {self.verdict.value}, {len(lines)} lines: {shown or 'none checked'})"


def _value(item: Enum | None) -> Any:
    return None if item is None else item.value


def _dicts(items: list[Any] | None) -> list[dict[str, Any]] | None:
    return None if items is None else [item.as_dict() for item in items]
