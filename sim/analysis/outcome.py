"""The yes/no outcome of a scenario discovery, written on the command line over a sweep's columns.

`community-sim-discover --outcome "days_to_MATURE <= 365 and never DECLINE"` marks each run of a
collected sweep (summary.parquet, sim/analysis/collect.py) as a case of interest or not. The
language is small and never runs code: the text is parsed by Python's own parser (`ast`, mode
"eval") and only these pieces are accepted, every other node is refused with one line:

    column names        days_to_MATURE, members_final, policy.acquisition.budget_per_day (dotted keys)
    numbers, 'text'     365, 0.5, 'MATURE' (compared with a text column such as stage_final)
    stage names         MATURE, 成熟期, ...: the stage's code, for stage_end / stage_reached >= MATURE
    arithmetic          + - * / between columns and numbers
    comparisons         < <= > >= == != (chained too: 100 <= members_final < 2000)
    logic               and, or, not, parentheses
    predicates          reached STAGE   the run got to STAGE (or a later healthy stage)
                        ever STAGE      the run was in STAGE at some point (DECLINE included)
                        never STAGE, no STAGE   the opposite of `ever STAGE`

A comparison with a missing value (NaN: a stage never reached) is false, so
`days_to_MATURE <= 365` is false for a run that never matured. Whether a run ever entered DECLINE
is read from `days_to_DECLINE` (the runs' summary.json, collected by sim/analysis/collect.py: a
column only when some run of the sweep declined). A collected sweep always carries the runs' stage
entries (`days_to_CREATE` is the founding day of every run), so a summary with `days_to_CREATE` and
no `days_to_DECLINE` is one where no run declined; a summary with neither cannot say and is refused.
"""

from __future__ import annotations

import ast
import difflib
import operator
import re

import numpy as np
import pandas as pd

from sim.lifecycle import Stage

PREDICATES = ("reached", "ever", "never", "no")
_PREDICATE = re.compile(r"\b(reached|ever|never|no)\s+([A-Za-z]+|[\u4e00-\u9fff]+)")
_NAME = "__{}__{}"  # the name a predicate is rewritten to before parsing (a valid identifier)
_COMPARE = {ast.Lt: operator.lt, ast.LtE: operator.le, ast.Gt: operator.gt, ast.GtE: operator.ge,
            ast.Eq: operator.eq, ast.NotEq: operator.ne}
_ARITHMETIC = {ast.Add: operator.add, ast.Sub: operator.sub, ast.Mult: operator.mul, ast.Div: operator.truediv}


class OutcomeError(ValueError):
    """An outcome that cannot be read: its message is the one line the command prints."""


def stage_named(word: str) -> Stage:
    """A stage by its name (any case) or its Chinese name; OutcomeError listing them otherwise."""
    for stage in Stage:
        if word.upper() == stage.name or word == stage.zh:
            return stage
    raise OutcomeError(f"no stage named {word!r}; stages: "
                       + ", ".join(f"{s.name} ({s.zh})" for s in Stage))


def ever_in(summary: pd.DataFrame, stage: Stage) -> pd.Series:
    """Whether each run was in `stage` at some point (for a healthy stage: it or a later one)."""
    column = f"days_to_{stage.name}"
    if f"ever_{stage.name}" in summary:  # a summary that records it directly
        return summary[f"ever_{stage.name}"].astype(bool)
    if column in summary:
        return summary[column].notna()
    if "days_to_CREATE" in summary:  # the runs' stage entries were collected: none entered it
        return pd.Series(False, index=summary.index)
    raise OutcomeError(f"the summary does not say whether runs entered {stage.name} (no {column} and no "
                       "days_to_CREATE column): collect the sweep again with community-sim-collect")


def _predicate(summary: pd.DataFrame, word: str, stage: Stage) -> pd.Series:
    if word == "reached" and stage is Stage.DECLINE:
        raise OutcomeError("DECLINE is a warning, not a stage reached: write `ever DECLINE` or `never DECLINE`")
    happened = ever_in(summary, stage)
    return ~happened if word in ("never", "no") else happened


def _dotted(node: ast.AST) -> str | None:
    """`policy.acquisition.budget_per_day` parsed as attributes, back to its dotted name."""
    if isinstance(node, ast.Name):
        return node.id
    if isinstance(node, ast.Attribute):
        head = _dotted(node.value)
        return f"{head}.{node.attr}" if head else None
    return None


class _Reader:
    """Evaluates an accepted syntax tree over the summary's columns."""

    def __init__(self, summary: pd.DataFrame, predicates: dict[str, tuple[str, Stage]]):
        self.summary, self.predicates = summary, predicates

    def value(self, node: ast.AST):
        if isinstance(node, ast.BoolOp):
            parts = [self.truth(v) for v in node.values]
            join = operator.and_ if isinstance(node.op, ast.And) else operator.or_
            out = parts[0]
            for part in parts[1:]:
                out = join(out, part)
            return out
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.Not):
            return ~self.truth(node.operand)
        if isinstance(node, ast.UnaryOp) and isinstance(node.op, ast.USub):
            return -self.value(node.operand)
        if isinstance(node, ast.Compare):
            return self.compare(node)
        if isinstance(node, ast.BinOp) and type(node.op) in _ARITHMETIC:
            return _ARITHMETIC[type(node.op)](self.value(node.left), self.value(node.right))
        if isinstance(node, ast.Constant) and isinstance(node.value, int | float | str) \
                and not isinstance(node.value, bool):
            return node.value
        name = _dotted(node)
        if name is not None:
            return self.name(name)
        raise OutcomeError(f"`{ast.unparse(node)}` is not allowed in an outcome: use column names, numbers, "
                           "comparisons, and/or/not and the predicates " + ", ".join(PREDICATES))

    def compare(self, node: ast.Compare) -> pd.Series:
        """A comparison, chained or not; a stage name compared with a text column (stage_final) is
        its name there, its code elsewhere."""
        nodes = [node.left, *node.comparators]
        values = [self.value(n) for n in nodes]
        for i, n in enumerate(nodes):
            stage = self.stage_constant(n)
            others = values[max(i - 1, 0): i + 2]
            if stage is not None and any(isinstance(v, pd.Series) and not pd.api.types.is_numeric_dtype(v)
                                         for v in others):
                values[i] = stage.name
        out = None
        for op, left, right in zip(node.ops, values[:-1], values[1:], strict=True):
            if type(op) not in _COMPARE:
                raise OutcomeError(f"comparison {type(op).__name__} not allowed; use < <= > >= == !=")
            part = _as_series(_COMPARE[type(op)](left, right), self.summary.index)
            out = part if out is None else out & part
        return out

    def stage_constant(self, node: ast.AST) -> Stage | None:
        """The stage a bare name stands for (not when a column has that name)."""
        name = _dotted(node)
        if name is None or name in self.summary or name in self.predicates:
            return None
        try:
            return stage_named(name)
        except OutcomeError:
            return None

    def truth(self, node: ast.AST) -> pd.Series:
        value = self.value(node)
        if not isinstance(value, pd.Series) or value.dtype != bool:
            raise OutcomeError(f"`{ast.unparse(node)}` is not a yes/no: compare it (e.g. `{ast.unparse(node)} > 0`)")
        return value

    def name(self, name: str):
        if name in self.predicates:
            return _predicate(self.summary, *self.predicates[name])
        if name in self.summary:
            return self.summary[name]
        try:
            return int(stage_named(name))
        except OutcomeError:
            pass
        close = difflib.get_close_matches(name, [str(c) for c in self.summary.columns], n=4, cutoff=0.5)
        hint = f"; close: {', '.join(close)}" if close else "; see the summary's columns (summary.csv)"
        raise OutcomeError(f"unknown column {name!r} in the outcome{hint}")


def _as_series(value, index: pd.Index) -> pd.Series:
    if isinstance(value, pd.Series):
        return value.fillna(False).astype(bool) if value.dtype == object else value
    return pd.Series(bool(value), index=index)  # a comparison of two constants


def parse_outcome(text: str, summary: pd.DataFrame) -> pd.Series:
    """Evaluate an outcome over a sweep's summary: one yes/no per run.

    Args:
        text: the outcome, e.g. "days_to_MATURE <= 365 and never DECLINE".
        summary: the collected sweep, one row per run.

    Returns:
        A boolean Series on the summary's index (a missing value counts as no).

    Raises:
        OutcomeError: text that is not an outcome, an unknown column or stage, a piece the
            language does not accept, or an expression that is not a yes/no.
    """
    if not text.strip():
        raise OutcomeError("the outcome is empty; e.g. --outcome \"reached MATURE and never DECLINE\"")
    predicates: dict[str, tuple[str, Stage]] = {}

    def rewrite(match: re.Match) -> str:
        word, stage = match.group(1), stage_named(match.group(2))
        name = _NAME.format(word, stage.name)
        predicates[name] = (word, stage)
        return name

    source = _PREDICATE.sub(rewrite, text.strip())
    try:
        tree = ast.parse(source, mode="eval")
    except SyntaxError as exc:
        raise OutcomeError(f"cannot read the outcome {text!r}: {exc.msg} (at character {exc.offset})") from None
    try:
        result = _Reader(summary, predicates).truth(tree.body)
    except TypeError as exc:  # e.g. a text column compared with a number
        raise OutcomeError(f"cannot evaluate the outcome {text!r}: {exc}") from None
    return result.fillna(False).astype(bool) if result.dtype == object else result.astype(np.bool_)
