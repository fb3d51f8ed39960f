"""Inline the plain derivation functions into a generated fact plan's source.

The derivations (:mod:`._derive`) are small functions, one per fact, so that each reads in
a glance and a columnar backend can mirror them.  Called once per target each, their calls
cost more than their bodies.  :func:`inline` rewrites a recipe expression so that every call
of a function of *straight* shape is replaced by the function's body as one expression:

* the body (after the docstring) is assignments to plain names, ``if TEST: return X`` with
  no ``else``, and a final ``return Y``;
* ``if TEST: return X`` then the rest becomes ``X if TEST else REST``; ``name = E`` then the
  rest becomes ``REST if (name := E) is name else None`` (the test is always true: it only
  binds the name before REST is evaluated);
* parameters and locals are renamed to names of their own (``_pace_of1_progress``), so
  nothing of the caller is shadowed; an argument that is not a plain name or constant is
  bound first, once, in argument order, as a call would evaluate it;
* module constants (numbers, strings, booleans, None) become literals, and calls to other
  straight functions are inlined in turn.

A function of any other shape (a loop, a ``try``, an ``if`` with statements) stays a call.
Only functions named in the plan's namespace are touched, and the source is generated from
their own code, never from user text.  ``tests/test_facts_inline.py`` checks that each
inlined body agrees with its function.
"""

from __future__ import annotations

import ast
import builtins
import inspect
import itertools
import linecache
import textwrap
from collections.abc import Callable, Mapping
from functools import cache
from typing import Any

__all__ = ["inline", "straight_body"]

_SERIAL = itertools.count(1)
_LITERALS = (int, float, str, bool, type(None))


def _definition(function: Callable[..., Any]) -> ast.FunctionDef | None:
    """The parsed ``def`` of *function*: the lines its code spans, parsed alone (fast)."""
    code = getattr(function, "__code__", None)
    if code is None:  # pragma: no cover - a builtin
        return None
    ends = [end for _, end, _, _ in code.co_positions() if end is not None]
    lines = linecache.getlines(code.co_filename)
    text = "".join(lines[code.co_firstlineno - 1 : max(ends, default=0)])
    try:
        tree = ast.parse(textwrap.dedent(text))
    except SyntaxError:  # pragma: no cover - not a plain def
        return None
    node = tree.body[0] if tree.body else None
    return node if isinstance(node, ast.FunctionDef) else None


@cache
def straight_body(function: Callable[..., Any]) -> ast.FunctionDef | None:
    """The parsed definition of *function* if it has the straight shape, else None."""
    definition = _definition(function)
    if definition is None or definition.name != function.__name__:
        return None
    if definition.decorator_list:
        return None
    args = definition.args
    if args.vararg or args.kwarg or args.kwonlyargs or args.posonlyargs:
        return None
    body = _statements(definition)
    if not body or not isinstance(body[-1], ast.Return) or body[-1].value is None:
        return None
    if all(_straight(statement) for statement in body[:-1]):
        return definition
    return None


def _statements(definition: ast.FunctionDef) -> list[ast.stmt]:
    body = list(definition.body)
    if body and isinstance(body[0], ast.Expr) and isinstance(body[0].value, ast.Constant):
        body = body[1:]  # the docstring
    return body


def _straight(statement: ast.stmt) -> bool:
    if isinstance(statement, ast.Assign):
        return len(statement.targets) == 1 and isinstance(statement.targets[0], ast.Name)
    if isinstance(statement, ast.If):
        return (
            not statement.orelse
            and len(statement.body) == 1
            and isinstance(statement.body[0], ast.Return)
            and statement.body[0].value is not None
        )
    return False


class _Inliner(ast.NodeTransformer):
    """Replaces calls of straight functions of *namespace* by their bodies."""

    def __init__(self, namespace: Mapping[str, object]) -> None:
        self.namespace = namespace

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)  # arguments first, inside out
        return self.replace(node)

    def replace(self, node: ast.Call) -> ast.expr:
        """*node* inlined if it calls a straight function of the namespace, else *node*."""
        function = self._function(node)
        if function is None:
            return node
        return self.expand(function, node.args)

    def _function(self, node: ast.Call) -> Callable[..., Any] | None:
        if not isinstance(node.func, ast.Name) or node.keywords:
            return None
        function = self.namespace.get(node.func.id)
        if not inspect.isfunction(function):
            return None
        definition = straight_body(function)
        if definition is None or len(definition.args.args) != len(node.args):
            return None
        if any(isinstance(arg, ast.Starred) for arg in node.args):
            return None
        return function

    def expand(self, function: Callable[..., Any], args: list[ast.expr]) -> ast.expr:
        definition = straight_body(function)
        assert definition is not None
        prefix = f"_{function.__name__}{next(_SERIAL)}_"
        renames: dict[str, ast.expr] = {}
        bindings: list[tuple[str, ast.expr]] = []
        for parameter, arg in zip(definition.args.args, args, strict=True):
            if isinstance(arg, ast.Name | ast.Constant):
                renames[parameter.arg] = arg
            else:  # evaluated once, in argument order, as a call would
                name = prefix + parameter.arg
                bindings.append((name, arg))
                renames[parameter.arg] = ast.Name(name, ast.Load())
        body = _Body(function, prefix, renames, self)
        expression = body.build(_statements(definition))
        for name, arg in reversed(bindings):
            expression = _bind(name, arg, expression)
        return expression


def _bind(name: str, value: ast.expr, then: ast.expr) -> ast.expr:
    """``then if (name := value) is name else None``: *name* bound before *then* runs."""
    walrus = ast.NamedExpr(ast.Name(name, ast.Store()), value)
    test = ast.Compare(walrus, [ast.Is()], [ast.Name(name, ast.Load())])
    return ast.IfExp(test, then, ast.Constant(None))


class _Body:
    """One inlined body: its names renamed, its globals resolved, its statements folded."""

    def __init__(
        self,
        function: Callable[..., Any],
        prefix: str,
        renames: dict[str, ast.expr],
        inliner: _Inliner,
    ) -> None:
        self.globals = function.__globals__
        self.prefix = prefix
        self.renames = renames
        self.inliner = inliner

    def build(self, statements: list[ast.stmt]) -> ast.expr:
        first, rest = statements[0], statements[1:]
        if isinstance(first, ast.Return):
            return self.expression(first.value)  # type: ignore[arg-type]
        if isinstance(first, ast.If):
            returned = first.body[0]
            assert isinstance(returned, ast.Return)
            test = self.expression(first.test)
            then = self.expression(returned.value)  # type: ignore[arg-type]
            return ast.IfExp(test, then, self.build(rest))
        assert isinstance(first, ast.Assign)
        assert isinstance(first.targets[0], ast.Name)
        value = self.expression(first.value)
        name = self.prefix + first.targets[0].id
        self.renames[first.targets[0].id] = ast.Name(name, ast.Load())
        return _bind(name, value, self.build(rest))

    def expression(self, node: ast.expr) -> ast.expr:
        rewritten: ast.expr = _Rewrite(self).visit(_copy(node))
        return rewritten

    def resolve(self, name: str) -> ast.expr | None:
        """A global of the function as a literal, or as the same object in the plan's names."""
        if name in self.renames:
            return _copy(self.renames[name])
        if name not in self.globals:
            if hasattr(builtins, name) and name not in self.inliner.namespace:
                return None  # a builtin, which the plan sees too
            raise _NotInlinable(name)
        value = self.globals[name]
        if isinstance(value, _LITERALS):
            return ast.Constant(value)
        if self.inliner.namespace.get(name) is value:
            return None  # the plan's namespace has it under the same name
        raise _NotInlinable(name)


class _NotInlinable(Exception):
    """A body reads a global the plan cannot see: the call stays a call."""


class _Rewrite(ast.NodeTransformer):
    def __init__(self, body: _Body) -> None:
        self.body = body

    def visit_Name(self, node: ast.Name) -> ast.expr:
        replacement = self.body.resolve(node.id)
        return node if replacement is None else replacement

    def visit_Call(self, node: ast.Call) -> ast.expr:
        self.generic_visit(node)  # the body's names first, then the call itself
        return self.body.inliner.replace(node)


def _copy(node: ast.expr) -> ast.expr:
    copied = _copy_node(node)
    assert isinstance(copied, ast.expr)
    return copied


def _copy_node(node: ast.AST) -> ast.AST:
    """A copy of *node*'s tree, without positions (the result is unparsed, not compiled)."""
    if isinstance(node, ast.expr_context):
        return node  # Load, Store: no fields, shared
    fields: dict[str, Any] = {}
    for name, value in ast.iter_fields(node):
        if isinstance(value, ast.AST):
            value = _copy_node(value)
        elif isinstance(value, list):
            value = [_copy_node(item) if isinstance(item, ast.AST) else item for item in value]
        fields[name] = value
    return type(node)(**fields)


def inline(expression: str, namespace: Mapping[str, object]) -> str:
    """*expression* with the calls of straight functions of *namespace* inlined.

    A call whose body reads a name the plan does not have is left as it is.
    """
    tree = ast.parse(expression, mode="eval")
    try:
        rewritten = _Inliner(namespace).visit(tree)
    except _NotInlinable:
        return expression
    return ast.unparse(rewritten)  # unparsed, not compiled: no positions needed
