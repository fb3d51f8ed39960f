"""Each public strategy's signature is written once, on the public function.

The public function's body is ``return DEFINITION.strategy(locals())``: the definition reads
the defaults from the public signature (``@DEFINITION.public``), passes the arguments to one
spec builder (which checks them and raises ``InvalidArgument`` at once), and returns a
composite strategy whose ``repr`` shows only the arguments the caller set.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Mapping
from typing import Any, Generic, TypeVar

from hypothesis import strategies as st
from hypothesis.strategies import SearchStrategy

S = TypeVar("S")
T = TypeVar("T")
F = TypeVar("F", bound=Callable[..., Any])

Args = Mapping[str, Any]
_EMPTY = inspect.Parameter.empty
_CACHE_SIZE = 512
_POSITIONAL = (inspect.Parameter.POSITIONAL_ONLY, inspect.Parameter.POSITIONAL_OR_KEYWORD)


def _same(value: object, default: object) -> bool:
    return value is default or (type(value) is type(default) and value == default)


def _key(value: object) -> object:
    try:
        hash(value)
    except TypeError:
        return ("<unhashable>", id(value))  # the cache entry keeps the value alive
    return value


class Definition(Generic[S, T]):
    """A strategy named *name*: ``spec(args) -> S`` once per distinct call, ``draw(draw, S)``."""

    def __init__(
        self, name: str, spec: Callable[[Args], S], draw: Callable[[st.DrawFn, S], T]
    ) -> None:
        self.name = name
        self._spec = spec
        self._draw = draw
        self._defaults: dict[str, Any] = {}
        self._var: str | None = None
        self._required: list[str] = []  # passed positionally, so reprs read like the call
        self._cache: dict[object, tuple[S, dict[str, Any]]] = {}

        def drawer(draw: st.DrawFn, /, *required: Any, **given: Any) -> T:
            given.update(zip(self._required, required, strict=True))
            return self._draw(draw, self.spec_of(given))

        drawer.__name__ = drawer.__qualname__ = name
        self._composite = st.composite(drawer)

    def public(self, function: F) -> F:
        """Take the defaults from *function*, the public strategy (returned unchanged)."""
        for parameter in inspect.signature(function).parameters.values():
            if parameter.kind is inspect.Parameter.VAR_KEYWORD:
                self._var = parameter.name
            else:
                self._defaults[parameter.name] = parameter.default
                if parameter.default is _EMPTY and parameter.kind in _POSITIONAL:
                    self._required.append(parameter.name)
        return function

    def strategy(self, args: Args) -> SearchStrategy[T]:
        """The strategy for the public function's ``locals()``, checked now."""
        given: dict[str, Any] = {}
        for name, value in args.items():
            if name == self._var:
                given.update(value)
            elif (default := self._defaults[name]) is _EMPTY or not _same(value, default):
                given[name] = value
        self.spec_of(given)  # raise InvalidArgument now, not at the first draw
        required = [given.pop(name) for name in self._required]
        return self._composite(*required, **given)

    def spec_of(self, given: dict[str, Any]) -> S:
        """The spec for the arguments the caller set (cached: specs can be costly)."""
        key = tuple(sorted((name, _key(value)) for name, value in given.items()))
        if key in self._cache:
            return self._cache[key][0]
        full = {name: d for name, d in self._defaults.items() if d is not _EMPTY}
        extra = {name: v for name, v in given.items() if name not in self._defaults}
        full.update((name, v) for name, v in given.items() if name in self._defaults)
        if self._var is not None:
            full[self._var] = extra
        spec = self._spec(full)
        if len(self._cache) >= _CACHE_SIZE:
            self._cache.clear()
        self._cache[key] = (spec, given)
        return spec
