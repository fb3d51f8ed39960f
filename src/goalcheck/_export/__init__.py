"""Presentation formats of a report: terminal table, JSON, CSV, xlsx, Markdown and HTML.

One module per format; they all read the same arrangement of the report (``_view``), so
they agree on order, grouping and wording.  The public entry point is
:func:`goalcheck.output.render`.
"""

from __future__ import annotations

__all__: list[str] = []
