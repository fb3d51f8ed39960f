"""Finding and loading rule set files: shipped names, paths, the cache, and ``extends``.

A rule file is read with the one input reader (:mod:`goalcheck._io._read`: UTF-8 with or
without a byte-order mark, a size limit, one TOML error wording) and structured with the same
builder as plans (:func:`goalcheck._io._structure.build`), so unknown keys, did-you-mean, type
mistakes and key paths read the same in every file goalcheck loads.  The file schema classes
below describe each table; :class:`_Builder` keeps only what is particular to rule sets:
merging onto an extended rule set (override, ``remove``, ``before``/``after``, ``order``).

``extends`` names a shipped rule set or a ``.toml`` file by a path relative to the
extending file that stays inside that file's folder (no absolute paths, no ``..``): a rule
file can read no other file on disk.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from pathlib import Path, PurePath
from typing import Any

import attrs

from goalcheck._io._read import read_text, read_toml
from goalcheck._io._structure import KeyPath, Problems, build, field_shapes
from goalcheck._resources import shipped_rules_dir
from goalcheck.errors import RuleError, RuleSetNotFoundError, did_you_mean
from goalcheck.rules._check import TONES, parameter_value
from goalcheck.rules._model import ParameterValue, Rule, RuleSet, RuleSetInfo, StatusInfo

__all__ = ["MAX_EXTENDS", "MAX_RULE_FILE_BYTES", "list_rules", "load_rules"]

#: The largest rule file goalcheck reads (1 MiB; the shipped ones are under 20 KB).
MAX_RULE_FILE_BYTES = 1024 * 1024
#: How deep rule sets may extend each other.
MAX_EXTENDS = 8


# --------------------------------------------------------------------------- file schema


def _describe(value: object) -> str:
    if isinstance(value, bool):
        return f"the boolean {str(value).lower()}"
    if isinstance(value, int | float):
        return f"the number {value!r}"
    if isinstance(value, list):
        return "an array"
    if isinstance(value, Mapping):
        return "a table"
    return repr(value) if isinstance(value, str) else type(value).__name__


def _condition(value: object) -> str | None:
    """A ``when`` value: a string, or a TOML boolean (``when = true``)."""
    if value is None or isinstance(value, str):
        return value
    if isinstance(value, bool):
        return "True" if value else "False"
    raise ValueError(f"expected a string or true/false, not {_describe(value)}")


def _default(value: object) -> ParameterValue | None:
    if value is None:
        return None
    try:
        return parameter_value(value)
    except ValueError as error:
        raise ValueError(f"default {error}") from None


def _tone(_: object, __: object, value: str | None) -> None:
    if value is not None and value not in TONES:
        hint = did_you_mean(value, TONES)
        raise ValueError(f"unknown tone {value!r}{hint}; use {', '.join(TONES)}")


@attrs.frozen
class _Header:
    """The top-level keys of a rule file (its tables are read by :class:`_Builder`)."""

    name: str | None = None
    version: str | None = None
    description: str = ""
    extends: str | None = None
    hit_policy: str | None = None
    order: tuple[str, ...] | None = None
    #: Passed through untouched to ``RuleSet.rollup`` / ``RuleSet.years`` (checked elsewhere).
    rollup: Any = None
    years: str | None = None
    applies_to: str | None = None  # "funding": the plan's budget targets (issue 14)


@attrs.frozen
class _StatusEntry:
    """``[statuses.<id>]``: every key may be left out when it overrides an extended status."""

    label_en: str | None = None
    label_da: str | None = None
    severity: int | None = None
    description: str | None = None
    tone: str | None = attrs.field(default=None, validator=_tone)


@attrs.frozen
class _ParameterEntry:
    """``[parameters.<name>]``."""

    default: bool | int | float | None = attrs.field(default=None, converter=_default)
    description: str | None = None


@attrs.frozen
class _RuleEntry:
    """``[[rules]]``: a new rule, an override of an extended one, or its removal."""

    id: str
    when: str | bool | None = attrs.field(default=None, converter=_condition)
    status: str | None = None
    reason_en: str | None = None
    reason_da: str | None = None
    description: str | None = None
    before: str | None = None
    after: str | None = None
    remove: bool = False


_TABLES = frozenset({"statuses", "parameters", "rules"})
_RULE_FIELDS = ("when", "status", "reason_en", "reason_da", "description")


# --------------------------------------------------------------------------- finding files


def _shipped_dir() -> Path:
    """Where the shipped rule sets are: in the wheel (goalcheck/_rules) or the checkout."""
    return shipped_rules_dir()


def _shipped() -> dict[str, Path]:
    directory = _shipped_dir()
    if not directory.is_dir():
        return {}
    return {path.stem: path for path in sorted(directory.glob("*.toml"))}


def _read(path: Path, shown: str) -> dict[str, Any]:
    text = read_text(path, shown, error=RuleError, max_bytes=MAX_RULE_FILE_BYTES)
    return read_toml(text, shown, error=RuleError)


def list_rules() -> list[RuleSetInfo]:
    """The shipped rule sets (name, version, description), sorted by name."""
    infos = []
    for name, path in sorted(_shipped().items()):
        data = _read(path, str(path))
        infos.append(
            RuleSetInfo(
                name,
                str(data.get("version", "")),
                str(data.get("description", "")).strip(),
                str(path),
            )
        )
    return infos


_CACHE: dict[str, tuple[tuple[tuple[str, int, int], ...], RuleSet]] = {}


def load_rules(rules: str | os.PathLike[str] | RuleSet = "default") -> RuleSet:
    """A rule set by shipped name (``"default"``), by path, or an already loaded RuleSet.

    Raises :class:`~goalcheck.errors.RuleSetNotFoundError` for an unknown name or a missing
    file, and :class:`~goalcheck.errors.RuleError` listing every problem in a bad file
    (:class:`~goalcheck.errors.LimitError` for one over a documented limit).  Loaded files
    are cached until they change.
    """
    if isinstance(rules, RuleSet):
        return rules
    if not isinstance(rules, str | os.PathLike):
        raise TypeError(f"load_rules() takes a name, a path or a RuleSet, not {rules!r}")
    path = _resolve(rules)
    shown = str(rules) if not _is_name(rules) else str(path)
    return _load_cached(path, shown)


def _is_name(reference: str | os.PathLike[str]) -> bool:
    if not isinstance(reference, str):
        return False
    return "/" not in reference and "\\" not in reference and not reference.endswith(".toml")


def _short(reference: str) -> str:
    """*reference* quoted for a message, cut to 60 characters."""
    return repr(reference if len(reference) <= 60 else reference[:57] + "...")


def _not_shipped(reference: str, shipped: Mapping[str, Path]) -> RuleSetNotFoundError:
    names = ", ".join(sorted(shipped)) or "none"
    hint = did_you_mean(reference, shipped)
    return RuleSetNotFoundError(
        f"no rule set named {_short(reference)}{hint}; the shipped rule sets are: {names}"
    )


def _resolve(reference: str | os.PathLike[str]) -> Path:
    """The file a name or path given by the user (on the command line, in Python) means."""
    shipped = _shipped()
    if isinstance(reference, str) and reference in shipped:
        return shipped[reference]
    if _is_name(reference):
        raise _not_shipped(str(reference), shipped)
    path = Path(reference)
    try:
        if path.is_file():
            return path
        if path.is_dir():
            raise RuleSetNotFoundError(f"{path} is a directory, not a rule set file")
    except OSError as error:
        raise RuleSetNotFoundError(f"cannot read {str(path)!r}: {error.strerror}") from None
    raise RuleSetNotFoundError(f"no rule set file {str(path)!r}")


def _resolve_extends(reference: str, base: Path) -> Path:
    """The file an ``extends`` in the file *base* names: shipped, or inside base's folder."""
    shipped = _shipped()
    if reference in shipped:
        return shipped[reference]
    if _is_name(reference):
        raise _not_shipped(reference, shipped)
    relative = PurePath(reference.replace("\\", "/"))
    if relative.is_absolute() or relative.drive or ".." in relative.parts:
        raise RuleSetNotFoundError(
            f"extends {_short(reference)} must be a shipped rule set or a path relative to this "
            "file, inside its folder (no absolute paths, no '..')"
        )
    if relative.suffix != ".toml":
        raise RuleSetNotFoundError(f"extends {_short(reference)} must name a .toml rule file")
    folder = base.parent.resolve()
    path = base.parent / relative
    try:
        if not path.resolve().is_relative_to(folder):
            raise RuleSetNotFoundError(
                f"extends {_short(reference)} leads outside this file's folder"
            )
        if path.is_file():
            return path
    except OSError as error:
        raise RuleSetNotFoundError(f"cannot read {_short(reference)}: {error.strerror}") from None
    raise RuleSetNotFoundError(f"no rule set file {_short(reference)} next to this file")


def _stamp(path: Path) -> tuple[str, int, int]:
    stat = path.stat()
    return (str(path.resolve()), stat.st_mtime_ns, stat.st_size)


def _load_cached(path: Path, shown: str) -> RuleSet:
    key = str(path.resolve())
    hit = _CACHE.get(key)
    if hit is not None:
        stamps, rule_set = hit
        try:
            if all(_stamp(Path(stamp[0])) == stamp for stamp in stamps):
                return rule_set
        except OSError:
            pass
    files: list[Path] = []
    rule_set = _load_file(path, shown, (), files)
    if len(_CACHE) > 32:
        _CACHE.clear()
    _CACHE[key] = (tuple(_stamp(file) for file in files), rule_set)
    return rule_set


def _load_file(path: Path, shown: str, chain: tuple[str, ...], files: list[Path]) -> RuleSet:
    files.append(path)
    data = _read(path, shown)
    builder = _Builder(shown)
    header = builder.header(data)
    parent: RuleSet | None = None
    extends = data.get("extends")
    if isinstance(extends, str) and extends:
        parent = _load_parent(builder, extends, path, chain, files)
    elif extends is not None:
        builder.problem("extends must be a rule set name or a relative path", "extends")
    return builder.build(data, header, parent)


def _load_parent(
    builder: _Builder, extends: str, path: Path, chain: tuple[str, ...], files: list[Path]
) -> RuleSet | None:
    if len(chain) >= MAX_EXTENDS:
        builder.problem(f"rule sets extend each other more than {MAX_EXTENDS} deep", "extends")
        return None
    try:
        parent_path = _resolve_extends(extends, path)
    except RuleSetNotFoundError as error:
        builder.problem(str(error), "extends")
        return None
    resolved = str(parent_path.resolve())
    here = str(path.resolve())
    if resolved in (*chain, here):
        builder.problem(f"rule sets extend each other in a cycle via {extends!r}", "extends")
        return None
    return _load_file(parent_path, str(parent_path), (*chain, here), files)


# --------------------------------------------------------------------------- building


def _inherited(header: _Header | None, parent: RuleSet | None) -> dict[str, Any]:
    """``rollup`` and ``years``: this file's if it gives them, else the extended set's."""
    found: dict[str, Any] = {}
    for key in ("rollup", "years", "applies_to"):
        value = getattr(header, key) if header is not None else None
        if value is None and parent is not None:
            value = getattr(parent, key)
        found[key] = value
    return found


class _Builder:
    """Reads one rule file's tables into RuleSet parts, collecting located problems."""

    def __init__(self, file: str) -> None:
        self.file = file
        self.problems = Problems(file)

    def problem(self, message: str, location: str | None) -> None:
        self.problems.add(message, location)

    def build_entry(self, cls: type, data: Mapping[str, Any], where: KeyPath) -> Any:
        """*cls* built from *data* by the shared builder, or ``None`` after its problems.

        Unknown keys are reported here (in the builder's words) and left out, so a
        misspelt key does not hide the other problems of the same entry.
        """
        shapes = field_shapes(cls)
        unknown = frozenset(key for key in data if key not in shapes)
        for key in sorted(unknown):
            self.problem(f"unknown key {key!r}" + did_you_mean(key, shapes), where.key(key))
        return build(cls, data, where, self.problems, extra_keys=unknown)

    def header(self, data: Mapping[str, Any]) -> _Header | None:
        scalars = {key: value for key, value in data.items() if key not in _TABLES}
        header: _Header | None = self.build_entry(_Header, scalars, KeyPath())
        for key in ("name", "version"):
            if key not in data:
                self.problem(KeyPath().missing(key), key)
        return header

    def tables(self, data: Mapping[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key, {})
        if not isinstance(value, dict):
            self.problem(f"expected a table ([{key}.<name>]), not {_describe(value)}", key)
            return {}
        return value

    def entries(self, data: Mapping[str, Any], key: str, cls: type) -> dict[str, Any]:
        """Each ``[key.<name>]`` table built as *cls*; the ones with problems left out."""
        built: dict[str, Any] = {}
        for name, table in self.tables(data, key).items():
            where = KeyPath(key).table(name)
            if not isinstance(table, dict):
                self.problem(f"expected a table, not {_describe(table)}", where.whole)
                continue
            entry = self.build_entry(cls, table, where)
            if entry is not None:
                built[name] = entry
        return built

    def build(
        self, data: Mapping[str, Any], header: _Header | None, parent: RuleSet | None
    ) -> RuleSet:
        statuses = self.statuses(data, parent)
        parameters, descriptions = self.parameters(data, parent)
        rules = self.order(header, self.rules(data, parent))
        default_policy = parent.hit_policy if parent else "first"
        rule_set = None
        try:
            rule_set = RuleSet(
                name=(header.name if header else None) or "?",
                version=(header.version if header else None) or "?",
                description=(header.description if header else "").strip(),
                statuses=statuses,
                parameters=parameters,
                hit_policy=(header.hit_policy if header else None) or default_policy,
                rules=rules,
                parameter_descriptions=descriptions,
                source=self.file,
                **_inherited(header, parent),
            )
        except RuleError as error:
            self.problems.found.extend(error.problems)
        if rule_set is not None and parent is not None:
            self.unused_new_parameters(rule_set, parameters, parent)
        if self.problems.found:
            raise RuleError(self.problems.found)
        assert rule_set is not None
        return rule_set

    def unused_new_parameters(
        self, rule_set: RuleSet, parameters: Mapping[str, object], parent: RuleSet
    ) -> None:
        """A new parameter nothing uses is most likely a misspelt override."""
        used = rule_set.used_names()
        for name in parameters:
            if name not in parent.parameters and name not in used:
                hint = did_you_mean(name, parent.parameters)
                self.problem(
                    f"parameter {name!r} is new here but no rule uses it{hint}",
                    f"parameters.{name}",
                )

    def statuses(self, data: Mapping[str, Any], parent: RuleSet | None) -> list[StatusInfo]:
        result = {info.id: info for info in (parent.statuses if parent else ())}
        for status_id, entry in self.entries(data, "statuses", _StatusEntry).items():
            info = self.status(status_id, entry, result.get(status_id))
            if info is not None:
                result[status_id] = info
        return list(result.values())

    def status(
        self, status_id: str, entry: _StatusEntry, old: StatusInfo | None
    ) -> StatusInfo | None:
        """A new status, or *old* with the keys *entry* gives changed."""

        def pick(key: str) -> Any:
            value = getattr(entry, key)
            return getattr(old, key) if value is None and old is not None else value

        where = KeyPath("statuses").table(status_id)
        label_en, severity = pick("label_en"), pick("severity")
        for key, value in (("label_en", label_en), ("severity", severity)):
            if value is None:
                self.problem(where.missing(key), where.key(key))
        if label_en is None or severity is None:
            return None
        label_da = pick("label_da") or label_en
        description = pick("description") or ""
        return StatusInfo(status_id, label_en, label_da, severity, description, pick("tone"))

    def parameters(
        self, data: Mapping[str, Any], parent: RuleSet | None
    ) -> tuple[dict[str, ParameterValue], dict[str, str]]:
        values: dict[str, ParameterValue] = dict(parent.parameters) if parent else {}
        descriptions = dict(parent.parameter_descriptions) if parent else {}
        for name, entry in self.entries(data, "parameters", _ParameterEntry).items():
            where = f"parameters.{name}"
            if entry.default is None:
                if name not in values:
                    self.problem("a new parameter needs a default", where)
                    continue
            elif name in values and isinstance(values[name], bool) != isinstance(
                entry.default, bool
            ):
                expected = "true/false value" if isinstance(values[name], bool) else "number"
                self.problem(
                    f"the extended rule set's {name!r} is a {expected}; "
                    f"the override must be too, not {entry.default!r}",
                    f"{where}.default",
                )
                continue
            else:
                values[name] = entry.default
            description = entry.description
            descriptions[name] = (
                description if description is not None else descriptions.get(name, "")
            ).strip()
        return values, descriptions

    def rules(self, data: Mapping[str, Any], parent: RuleSet | None) -> list[Rule]:
        rules = list(parent.rules) if parent else []
        entries = data.get("rules", [])
        if not isinstance(entries, list):
            self.problem(
                f"expected an array of tables ([[rules]]), not {_describe(entries)}", "rules"
            )
            return rules
        seen: set[str] = set()
        for index, raw in enumerate(entries):
            where = KeyPath().item("rules", index)
            if not isinstance(raw, dict):
                self.problem(f"expected a table ([[rules]]), not {_describe(raw)}", where.whole)
                continue
            entry = self.build_entry(_RuleEntry, raw, where)
            if entry is None:
                continue
            if entry.id in seen:
                self.problem(f"rule id {entry.id!r} is used twice in this file", where.key("id"))
                continue
            seen.add(entry.id)
            self.rule(entry, raw, rules, where)
        return rules

    def rule(
        self, entry: _RuleEntry, raw: Mapping[str, Any], rules: list[Rule], where: KeyPath
    ) -> None:
        """Add, override or remove the rule *entry* describes."""
        ids = [rule.id for rule in rules]
        position = ids.index(entry.id) if entry.id in ids else None
        if entry.remove:
            if position is None:
                hint = did_you_mean(entry.id, ids)
                self.problem(f"cannot remove unknown rule {entry.id!r}{hint}", where.key("id"))
            elif set(raw) - {"id", "remove"}:
                self.problem("a removed rule takes only id and remove", where.whole)
            else:
                del rules[position]
            return
        old = rules[position] if position is not None else None
        fields: dict[str, str] = {}
        for key in _RULE_FIELDS:
            value = getattr(entry, key)
            if value is not None:
                fields[key] = value
            elif old is not None:
                fields[key] = getattr(old, key)
            elif key in ("when", "status", "reason_en"):
                self.problem(f"missing required key {key!r}", where.key(key))
            else:
                fields[key] = ""
        if not {"when", "status", "reason_en"} <= fields.keys():
            return
        rule = Rule(entry.id, origin=(self.file, str(where.whole)), **fields)
        if position is not None:
            rules[position] = rule
        else:
            rules.append(rule)
        self.place(entry, rules, rule, where)

    def place(self, entry: _RuleEntry, rules: list[Rule], rule: Rule, where: KeyPath) -> None:
        """Move *rule* before or after another rule if the entry says so."""
        if entry.before is None and entry.after is None:
            return
        if entry.before is not None and entry.after is not None:
            self.problem("give before or after, not both", where.whole)
            return
        key = "before" if entry.before is not None else "after"
        anchor = entry.before if entry.before is not None else entry.after
        ids = [item.id for item in rules if item.id != rule.id]
        if anchor not in ids:
            hint = did_you_mean(str(anchor), ids)
            self.problem(f"{key}: unknown rule {anchor!r}{hint}", where.key(key))
            return
        rules.remove(rule)
        position = [item.id for item in rules].index(anchor)
        rules.insert(position if key == "before" else position + 1, rule)

    def order(self, header: _Header | None, rules: list[Rule]) -> list[Rule]:
        order = header.order if header else None
        if order is None:
            return rules
        by_id = {rule.id: rule for rule in rules}
        problems = False
        for item in order:
            if item not in by_id:
                self.problem(f"unknown rule {item!r}{did_you_mean(item, by_id)}", "order")
                problems = True
        missing = [rule.id for rule in rules if rule.id not in order]
        if missing:
            self.problem(f"order must list every rule; missing: {', '.join(missing)}", "order")
            problems = True
        duplicates = sorted({item for item in order if order.count(item) > 1})
        if duplicates:
            self.problem(f"order lists {', '.join(duplicates)} more than once", "order")
            problems = True
        if problems:
            return rules
        return [by_id[item] for item in order]
