"""Strict YAML reading that remembers where every value stood (file:line:col).

Two things plain ``yaml.safe_load`` gets wrong for rule files: it turns ``2024-12-25`` into a date
object behind the author's back, and it forgets positions, so an error cannot say where it is.
Here timestamps stay strings (the schema decides what is a date), duplicate keys are errors, and a
:class:`Positions` map answers "where is reports[2].chain[0].deadline?".

A file may also be hostile (a pack or an org file sent by someone else), so reading is bounded: the
file's size is capped by the caller, text must be UTF-8, nesting is at most :data:`MAX_DEPTH` levels
(PyYAML composes recursively), at most :data:`MAX_ALIASES` aliases are followed, and the document
may hold at most :data:`MAX_VALUES` values once aliases are expanded (the "billion laughs" file: a
few kilobytes of nested aliases that expand to billions of values). Each refusal is located.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path as FilePath
from typing import Any

import yaml
from yaml.events import AliasEvent
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode

from rules.i18n import _
from rules.text import size_name

MAX_DEPTH = 64  # levels of nesting; the deepest shipped pack uses 10
MAX_ALIASES = 100  # aliases (*name) followed in one document; the shipped packs use none
MAX_VALUES = 100_000  # values, counted as composed and again once expanded; the largest pack has 886


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp resolver, refusing deep nesting and many aliases."""

    def __init__(self, stream: str) -> None:
        super().__init__(stream)
        self._depth = 0
        self._aliases = 0
        self._values = 0

    def compose_node(self, parent: Node | None, index: Any) -> Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call]
        if isinstance(event, AliasEvent):
            self._aliases += 1
            if self._aliases > MAX_ALIASES:
                raise YamlSyntaxError(
                    _event_mark(event), _("more than {count} aliases (*name): refused").format(count=MAX_ALIASES)
                )
            return super().compose_node(parent, index)
        self._values += 1
        if self._values > MAX_VALUES:  # counted here too: composed nodes cost about 1 KB each
            raise YamlSyntaxError(_event_mark(event), _("more than {count:,} values: refused").format(count=MAX_VALUES))
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise YamlSyntaxError(
                _event_mark(event), _("nested deeper than {count} levels: refused").format(count=MAX_DEPTH)
            )
        try:
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1


_StrictLoader.yaml_implicit_resolvers = {
    first: [(tag, regexp) for tag, regexp in resolvers if tag != "tag:yaml.org,2002:timestamp"]
    for first, resolvers in yaml.SafeLoader.yaml_implicit_resolvers.items()
}

Path = tuple[str | int, ...]


@dataclass(frozen=True)
class Mark:
    line: int  # 1-based
    col: int  # 1-based


@dataclass
class Positions:
    """Where each value (and each mapping key) of a document stood."""

    values: dict[Path, Mark] = field(default_factory=dict)
    keys: dict[Path, Mark] = field(default_factory=dict)

    def at(self, path: Sequence[str | int]) -> Mark:
        """The mark of the longest prefix of ``path`` that exists (the document start at worst)."""
        probe = tuple(path)
        while probe:
            if probe in self.values:
                return self.values[probe]
            probe = probe[:-1]
        return self.values.get((), Mark(1, 1))


class YamlSyntaxError(ValueError):
    def __init__(self, mark: Mark, message: str) -> None:
        super().__init__(message)
        self.mark = mark
        self.message = message


def _mark(node: Node) -> Mark:
    return Mark(node.start_mark.line + 1, node.start_mark.column + 1)


def _event_mark(event: Any) -> Mark:
    return Mark(event.start_mark.line + 1, event.start_mark.column + 1)


def _text_mark(text: str, index: int) -> Mark:
    """The line and column of the character at ``index`` of ``text``."""
    line_start = text.rfind("\n", 0, index) + 1
    return Mark(text.count("\n", 0, index) + 1, index - line_start + 1)


def decode_utf8(data: bytes, advice: str | None = None) -> str:
    """The text of a YAML file, which must be UTF-8 (a byte-order mark is allowed); ``advice``
    says what to do about one that is not (by default, to save it as UTF-8).

    >>> try:
    ...     decode_utf8("id: a\\ntên: b\\n".encode("cp1258"))  # saved in the Vietnamese Windows code page
    ... except YamlSyntaxError as exc:
    ...     print(exc.mark, exc.message)
    Mark(line=2, col=2) not UTF-8 text (byte 0xea); save the file as UTF-8
    """
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        good = data[: exc.start].decode("utf-8-sig")
        raise YamlSyntaxError(
            _text_mark(good, len(good)),
            _("not UTF-8 text (byte 0x{byte:02x}); {advice}").format(
                byte=data[exc.start], advice=advice if advice is not None else _("save the file as UTF-8")
            ),
        ) from None


def read_yaml_text(path: FilePath, *, max_bytes: int) -> str:
    """The text of a YAML file of at most ``max_bytes``, read without trusting its size on disk
    (a device or a pipe has none); a larger, unreadable or non-UTF-8 file is refused, located."""
    try:
        with path.open("rb") as handle:
            data = handle.read(max_bytes + 1)
    except OSError as exc:
        raise YamlSyntaxError(Mark(1, 1), _("cannot be read: {reason}").format(reason=exc.strerror or exc)) from None
    if len(data) > max_bytes:
        raise YamlSyntaxError(
            Mark(1, 1), _("the file is larger than {limit}, the limit: refused").format(limit=size_name(max_bytes))
        )
    return decode_utf8(data)


def load_with_positions(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain values (dates stay strings) and their positions.

    >>> data, pos = load_with_positions("due: 2024-12-25\\nlist:\\n  - a\\n")
    >>> data["due"], pos.at(("list", 0))
    ('2024-12-25', Mark(line=3, col=5))
    """
    try:
        loader = _StrictLoader(text)  # checks every character first
    except yaml.reader.ReaderError as exc:  # a character YAML does not allow (NUL, an escape code)
        raise YamlSyntaxError(
            _text_mark(text, exc.position), _("YAML syntax: {problem}").format(problem=exc.reason)
        ) from None
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        raise YamlSyntaxError(where, _("YAML syntax: {problem}").format(problem=exc.problem or exc)) from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Mark(1, 1), _("YAML syntax: {problem}").format(problem=exc)) from None
    finally:
        loader.dispose()
    positions = Positions()
    if root is None:
        return None, positions
    return _Builder(loader, positions).build(root, ()), positions


class _Builder:
    """Plain values from composed nodes, following aliases within the value budget."""

    def __init__(self, loader: _StrictLoader, positions: Positions) -> None:
        self.loader = loader
        self.positions = positions
        self.count = 0
        self.open: set[int] = set()  # nodes being built: an alias back to one of them is a loop

    def build(self, node: Node, path: Path) -> Any:
        self.count += 1
        if self.count > MAX_VALUES:
            raise YamlSyntaxError(
                _mark(node), _("more than {count:,} values once aliases are expanded: refused").format(count=MAX_VALUES)
            )
        if len(path) > MAX_DEPTH:
            raise YamlSyntaxError(_mark(node), _("nested deeper than {count} levels: refused").format(count=MAX_DEPTH))
        if id(node) in self.open:
            raise YamlSyntaxError(_mark(node), _("an alias refers to the value that contains it"))
        self.positions.values[path] = _mark(node)
        if isinstance(node, ScalarNode):
            return self.scalar(node)
        self.open.add(id(node))
        try:
            return self._collection(node, path)
        finally:
            self.open.discard(id(node))

    def _collection(self, node: Node, path: Path) -> Any:
        if isinstance(node, SequenceNode):
            return [self.build(item, (*path, i)) for i, item in enumerate(node.value)]
        if isinstance(node, MappingNode):
            result: dict[Any, Any] = {}
            for key_node, value_node in node.value:
                if not isinstance(key_node, ScalarNode):
                    raise YamlSyntaxError(_mark(key_node), _("a mapping key must be a plain value"))
                key = self.scalar(key_node)
                if key in result:
                    raise YamlSyntaxError(_mark(key_node), _("duplicate key {key!r}").format(key=key))
                self.positions.keys[(*path, key)] = _mark(key_node)
                result[key] = self.build(value_node, (*path, key))
            return result
        raise YamlSyntaxError(_mark(node), _("unsupported YAML node {kind}").format(kind=type(node).__name__))

    def scalar(self, node: ScalarNode) -> Any:
        """A plain value; a tag that SafeLoader refuses (``!foo``) or cannot apply is located."""
        try:
            return self.loader.construct_object(node, deep=True)
        except yaml.MarkedYAMLError as exc:
            raise YamlSyntaxError(_mark(node), _("YAML value: {problem}").format(problem=exc.problem or exc)) from None
        except (ValueError, TypeError, OverflowError) as exc:
            raise YamlSyntaxError(
                _mark(node),
                _("YAML value {value!r} does not fit its tag ({problem})").format(value=node.value[:40], problem=exc),
            ) from None
