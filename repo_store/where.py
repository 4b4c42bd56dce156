"""Chroma `where` filters evaluated in Python, for the lexical half of hybrid retrieval.

The dense half passes `where` to chroma itself; the BM25 half ranks in memory
and checks its candidates here instead of asking chroma again. Supports the
metadata operators of chroma 1.x: $eq $ne $gt $gte $lt $lte $in $nin on scalars,
$contains $not_contains on arrays, and $and / $or. A test checks that every
operator agrees with chroma on the same records.
"""
from __future__ import annotations

from typing import Any

_COMPARE = {
    "$gt": lambda a, b: a > b, "$gte": lambda a, b: a >= b,
    "$lt": lambda a, b: a < b, "$lte": lambda a, b: a <= b,
}


def matches(metadata: dict[str, Any], where: dict[str, Any]) -> bool:
    """Whether one record's metadata satisfies a chroma `where` filter."""
    for key, condition in where.items():
        if key == "$and":
            if not all(matches(metadata, part) for part in condition):
                return False
        elif key == "$or":
            if not any(matches(metadata, part) for part in condition):
                return False
        elif not _field_matches(metadata.get(key), condition):
            return False
    return True


def _field_matches(value: Any, condition: Any) -> bool:
    if not isinstance(condition, dict):
        condition = {"$eq": condition}
    if len(condition) != 1:  # as chroma: one operator per field, combine with $and
        raise ValueError(f"where condition {condition!r} has {len(condition)} operators; "
                         "use exactly one per field and combine conditions with $and")
    for op, operand in condition.items():
        if op == "$eq":
            ok = value is not None and value == operand
        elif op == "$ne":
            ok = value is None or value != operand
        elif op in _COMPARE:
            ok = isinstance(value, (int, float)) and not isinstance(value, bool) and _COMPARE[op](value, operand)
        elif op == "$in":
            ok = value is not None and value in operand
        elif op == "$nin":
            ok = value is None or value not in operand
        elif op == "$contains":
            ok = isinstance(value, list) and operand in value
        elif op == "$not_contains":
            ok = not isinstance(value, list) or operand not in value
        else:
            raise ValueError(f"unsupported where operator {op!r}; use one of $eq $ne $gt $gte $lt $lte "
                             "$in $nin $contains $not_contains $and $or")
        if not ok:
            return False
    return True
