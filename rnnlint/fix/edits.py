"""Small libcst edits that keep the user's layout: every comment survives, and
new arguments, list elements and statements follow the spacing around them.

All functions are pure: they take nodes and return new ones.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import libcst as cst

Whitespace = cst.BaseParenthesizableWhitespace

NO_SPACE = cst.SimpleWhitespace("")
ONE_SPACE = cst.SimpleWhitespace(" ")

Replacement = cst.CSTNode | cst.FlattenSentinel[cst.CSTNode] | cst.RemovalSentinel
Change = Callable[[cst.CSTNode], Replacement]
"""Applied to the node as already changed by edits inside it, so edits nest."""


@dataclass(frozen=True)
class Edit:
    target: cst.CSTNode
    """A node of the parsed module (identity matters)."""
    change: Change
    shared: str | None = None
    """Edits with the same key are one edit (an import several fixes need): applied once and never a conflict."""


# -- whitespace --------------------------------------------------------------


def has_comment(whitespace: Whitespace) -> bool:
    if not isinstance(whitespace, cst.ParenthesizedWhitespace):
        return False
    return whitespace.first_line.comment is not None or any(line.comment for line in whitespace.empty_lines)


def layout_only(whitespace: Whitespace) -> Whitespace:
    """The same line break and indentation without any comment, to copy safely."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(first_line=cst.TrailingWhitespace(), empty_lines=())
    return whitespace


def merge(before: Whitespace, after: Whitespace) -> Whitespace:
    """The whitespace left when what stood between ``before`` and ``after`` is
    removed: line breaks win over spaces, and the comments of both are kept."""
    if not isinstance(after, cst.ParenthesizedWhitespace):
        return before
    if not isinstance(before, cst.ParenthesizedWhitespace):
        return after
    first, moved = before.first_line, after.first_line
    if first.comment is None:
        first, moved = moved, first
    carried = []
    if moved.comment is not None:  # it stood on the removed argument's line: keep that line's indentation
        carried.append(cst.EmptyLine(indent=before.indent, whitespace=before.last_line, comment=moved.comment))
    return after.with_changes(first_line=first, empty_lines=[*before.empty_lines, *carried, *after.empty_lines])


def with_next_indent(whitespace: Whitespace, like: Whitespace) -> Whitespace:
    """``whitespace``'s comments with the line break and indentation of ``like``."""
    if isinstance(whitespace, cst.ParenthesizedWhitespace) and isinstance(like, cst.ParenthesizedWhitespace):
        return whitespace.with_changes(indent=like.indent, last_line=like.last_line)
    if isinstance(like, cst.ParenthesizedWhitespace):
        return layout_only(like)
    return whitespace if has_comment(whitespace) else like


# -- call arguments ----------------------------------------------------------


def keyword(name: str, value: cst.BaseExpression) -> cst.Arg:
    """``name=value`` written as PEP 8 wants inside a call."""
    equal = cst.AssignEqual(whitespace_before=NO_SPACE, whitespace_after=NO_SPACE)
    return cst.Arg(value=value, keyword=cst.Name(name), equal=equal)


def find_keyword(call: cst.Call, name: str) -> cst.Arg | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg
    return None


def has_unpacking(call: cst.Call) -> bool:
    """``*args`` or ``**kwargs``: any keyword may already be passed through them."""
    return any(arg.star for arg in call.args)


def replace_value(call: cst.Call, target: cst.Arg, value: cst.BaseExpression) -> cst.Call:
    args = [arg.with_changes(value=value) if arg is target else arg for arg in call.args]
    return call.with_changes(args=args)


def set_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call | None:
    """``name=value`` in ``call``: the argument's value replaced, or the argument
    appended; None when ``**kwargs``/``*args`` may already pass it."""
    existing = find_keyword(call, name)
    if existing is not None:
        return replace_value(call, existing, value)
    if has_unpacking(call):
        return None
    return append_arg(call, keyword(name, value))


def separator(call: cst.Call) -> Whitespace:
    """What goes before a new last argument: the line break and indentation (or
    the space) that precede the current last one, without its comments."""
    if len(call.args) > 1:
        return layout_only(_comma(call.args[-2]).whitespace_after)
    if isinstance(call.whitespace_before_args, cst.ParenthesizedWhitespace):
        return layout_only(call.whitespace_before_args)
    return ONE_SPACE


def append_arg(call: cst.Call, new: cst.Arg) -> cst.Call:
    """``new`` after the last argument, in the call's own layout (trailing comma included)."""
    args = list(call.args)
    if not args:
        return call.with_changes(args=[new])
    last = args[-1]
    gap = separator(call)
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
        args[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=with_next_indent(closing, gap)))
        new = new.with_changes(comma=cst.Comma(whitespace_after=layout_only(closing)))
    else:
        args[-1] = last.with_changes(comma=cst.Comma(whitespace_after=gap), whitespace_after_arg=NO_SPACE)
        new = new.with_changes(whitespace_after_arg=last.whitespace_after_arg)
    return call.with_changes(args=[*args, new])


def remove_args(call: cst.Call, targets: Sequence[cst.Arg]) -> cst.Call:
    """``call`` without the ``targets`` arguments, their comments kept in place."""
    for target in targets:
        index = next((i for i, arg in enumerate(call.args) if arg is target), None)
        if index is not None:
            call = _remove_at(call, index)
    return call


def _remove_at(call: cst.Call, index: int) -> cst.Call:
    args = list(call.args)
    removed = args.pop(index)
    before = call.whitespace_before_args if index == 0 else _comma(args[index - 1]).whitespace_after
    if isinstance(removed.comma, cst.Comma):
        after = removed.comma.whitespace_after
    elif index > 0 and not has_comment(before):  # the last argument: the comma before it goes too
        previous = args[index - 1]
        args[index - 1] = previous.with_changes(
            comma=cst.MaybeSentinel.DEFAULT, whitespace_after_arg=removed.whitespace_after_arg
        )
        return call.with_changes(args=args)
    else:
        after = removed.whitespace_after_arg
    gap = merge(before, after)
    if index == 0:
        return call.with_changes(args=args, whitespace_before_args=gap)
    previous = args[index - 1]
    args[index - 1] = previous.with_changes(comma=_comma(previous).with_changes(whitespace_after=gap))
    return call.with_changes(args=args)


def _comma(arg: cst.Arg) -> cst.Comma:
    return arg.comma if isinstance(arg.comma, cst.Comma) else cst.Comma(whitespace_after=ONE_SPACE)


# -- lists and tuples ----------------------------------------------------------


def prepend_element(sequence: cst.List | cst.Tuple, value: cst.BaseExpression) -> cst.List | cst.Tuple:
    """``value`` as the first element, followed by the line break or space that
    the first element had before it."""
    opening = sequence.lbracket.whitespace_after if isinstance(sequence, cst.List) else _tuple_opening(sequence)
    gap = layout_only(opening) if isinstance(opening, cst.ParenthesizedWhitespace) else ONE_SPACE
    element = cst.Element(value=value, comma=cst.Comma(whitespace_after=gap))
    return sequence.with_changes(elements=[element, *sequence.elements])


def _tuple_opening(sequence: cst.Tuple) -> Whitespace:
    return sequence.lpar[0].whitespace_after if sequence.lpar else NO_SPACE


def prefixed_tuple(first: cst.BaseExpression, rest: cst.List | cst.Tuple) -> cst.List | cst.Tuple:
    """``(first, *rest)`` written out: ``(t, f)`` becomes ``(b, t, f)``, same brackets."""
    elements = list(rest.elements)
    if (
        len(elements) == 1
        and isinstance(elements[0].comma, cst.Comma)
        and not has_comment(elements[0].comma.whitespace_after)
    ):
        elements[0] = elements[0].with_changes(comma=cst.MaybeSentinel.DEFAULT)
    if not isinstance(rest, cst.List) and not rest.lpar:
        rest = rest.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
    return rest.with_changes(elements=[cst.Element(first, comma=cst.Comma(whitespace_after=ONE_SPACE)), *elements])


# -- imports -----------------------------------------------------------------


def add_import_name(statement: cst.ImportFrom, name: str) -> cst.ImportFrom:
    """``from m import a, b`` becomes ``from m import a, b, name`` (no-op when present)."""
    if isinstance(statement.names, cst.ImportStar):
        return statement
    names = list(statement.names)
    if any(alias.asname is None and alias.evaluated_name == name for alias in names):
        return statement
    last = names[-1]
    new = cst.ImportAlias(name=cst.Name(name))
    if isinstance(last.comma, cst.Comma):
        closing = last.comma.whitespace_after
        gaps = [alias.comma.whitespace_after for alias in names[:-1] if isinstance(alias.comma, cst.Comma)]
        gap = layout_only(gaps[-1]) if gaps else ONE_SPACE
        names[-1] = last.with_changes(comma=last.comma.with_changes(whitespace_after=with_next_indent(closing, gap)))
        new = new.with_changes(comma=cst.Comma(whitespace_after=layout_only(closing)))
    else:
        names[-1] = last.with_changes(comma=cst.Comma(whitespace_after=ONE_SPACE))
    return statement.with_changes(names=[*names, new])


# -- statements --------------------------------------------------------------


def insert_before(
    statement: cst.SimpleStatementLine, new: cst.SimpleStatementLine
) -> cst.FlattenSentinel[cst.BaseStatement]:
    """``new`` just above ``statement``, taking over the comments and blank lines above it."""
    return cst.FlattenSentinel(
        [new.with_changes(leading_lines=statement.leading_lines), statement.with_changes(leading_lines=())]
    )
