"""A griffe extension for the API reference: reST roles in docstrings become code.

goalcheck's docstrings cross-reference with Sphinx roles (``:class:`~goalcheck.model.Target```,
``:func:`evaluate```).  mkdocstrings renders Markdown, where a role would print as
``:class:~goalcheck.model.Target``; this turns each into inline code with the short name
(``Target``) the ``~`` asks for, and ``` ``x`` ``` literals into single backticks.
"""

from __future__ import annotations

import re
from typing import Any

from griffe import Extension, Object

_ROLE = re.compile(r":(?:class|func|meth|attr|mod|data|exc|obj|const):`(~?)([^`]+)`")
_LITERAL = re.compile(r"``([^`]+)``")


def _role(match: re.Match[str]) -> str:
    short, name = match.group(1), match.group(2)
    return f"`{name.rsplit('.', 1)[-1] if short else name}`"


def markdown(text: str) -> str:
    return _LITERAL.sub(r"`\1`", _ROLE.sub(_role, text))


class RolesToCode(Extension):
    def on_object(self, *, obj: Object, **kwargs: Any) -> None:
        if obj.docstring is not None:
            obj.docstring.value = markdown(obj.docstring.value)
