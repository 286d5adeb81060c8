"""Strict YAML reading that remembers where every value stood (file:line:col).

Two things plain ``yaml.safe_load`` gets wrong for rule files: it turns ``2024-12-25`` into a date
object behind the author's back, and it forgets positions, so an error cannot say where it is.
Here timestamps stay strings (the schema decides what is a date), duplicate keys are errors, and a
:class:`Positions` map answers "where is reports[2].chain[0].deadline?".
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import yaml
from yaml.nodes import MappingNode, Node, ScalarNode, SequenceNode


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader without the implicit timestamp resolver."""


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


def load_with_positions(text: str) -> tuple[Any, Positions]:
    """Parse one YAML document into plain values (dates stay strings) and their positions.

    >>> data, pos = load_with_positions("due: 2024-12-25\\nlist:\\n  - a\\n")
    >>> data["due"], pos.at(("list", 0))
    ('2024-12-25', Mark(line=3, col=5))
    """
    loader = _StrictLoader(text)
    try:
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        where = Mark(mark.line + 1, mark.column + 1) if mark else Mark(1, 1)
        raise YamlSyntaxError(where, f"YAML syntax: {exc.problem or exc}") from None
    except yaml.YAMLError as exc:
        raise YamlSyntaxError(Mark(1, 1), f"YAML syntax: {exc}") from None
    finally:
        loader.dispose()
    positions = Positions()
    if root is None:
        return None, positions
    return _build(loader, root, (), positions), positions


def _build(loader: _StrictLoader, node: Node, path: Path, positions: Positions) -> Any:
    positions.values[path] = _mark(node)
    if isinstance(node, ScalarNode):
        return loader.construct_object(node, deep=True)
    if isinstance(node, SequenceNode):
        return [_build(loader, item, (*path, i), positions) for i, item in enumerate(node.value)]
    if isinstance(node, MappingNode):
        result: dict[Any, Any] = {}
        for key_node, value_node in node.value:
            if not isinstance(key_node, ScalarNode):
                raise YamlSyntaxError(_mark(key_node), "a mapping key must be a plain value")
            key = loader.construct_object(key_node, deep=True)
            if key in result:
                raise YamlSyntaxError(_mark(key_node), f"duplicate key {key!r}")
            positions.keys[(*path, key)] = _mark(key_node)
            result[key] = _build(loader, value_node, (*path, key), positions)
        return result
    raise YamlSyntaxError(_mark(node), f"unsupported YAML node {type(node).__name__}")
