"""The event ontology, read from configs/schema/*.yaml, and the label lists derived from it.

Every label list in the project comes from here: trigger labels are ``O`` plus
``B-``/``I-`` per event type, role labels are ``O`` plus ``B-``/``I-`` per role,
both in the order the schema file lists them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from hadath.errors import UserError

SCHEMA_DIR = Path(__file__).resolve().parent / "configs" / "schema"  # shipped in the package


class SchemaError(UserError):
    """The schema file itself is malformed."""


@dataclass(frozen=True)
class Schema:
    """Event types, the roles each may take, and role descriptions."""

    name: str
    version: int
    roles: dict[str, str]
    event_types: dict[str, tuple[str, ...]]
    trigger_examples: dict[str, tuple[str, ...]] = field(default_factory=dict)

    @property
    def id(self) -> str:
        return f"{self.name}-v{self.version}"

    @property
    def trigger_labels(self) -> list[str]:
        return bio_labels(self.event_types)

    @property
    def role_labels(self) -> list[str]:
        return bio_labels(self.roles)

    def allows(self, event_type: str, role: str) -> bool:
        return role in self.event_types.get(event_type, ())

    @classmethod
    def from_dict(cls, raw: Mapping[str, Any], source: str = "<dict>") -> Schema:
        try:
            roles = dict(raw["roles"])
            types = {t: tuple(spec["roles"]) for t, spec in raw["event_types"].items()}
            examples = {t: tuple(spec.get("triggers", ())) for t, spec in raw["event_types"].items()}
            schema = cls(str(raw["name"]), int(raw["version"]), roles, types, examples)
        except (KeyError, TypeError) as err:
            raise SchemaError(f"{source}: missing or malformed key {err}") from None
        for event_type, type_roles in types.items():
            unknown = [r for r in type_roles if r not in roles]
            if unknown:
                raise SchemaError(f"{source}: event type {event_type} uses undeclared roles {unknown}")
        return schema

    def to_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "version": self.version,
            "roles": dict(self.roles),
            "event_types": {
                t: {"roles": list(r), "triggers": list(self.trigger_examples.get(t, ()))}
                for t, r in self.event_types.items()
            },
        }


def bio_labels(names) -> list[str]:
    """``["O", "B-x", "I-x", ...]`` for each name, in order."""
    labels = ["O"]
    for name in names:
        labels += [f"B-{name}", f"I-{name}"]
    return labels


def load_schema(name_or_path: str | Path = "conflict-v1") -> Schema:
    """Load a schema by name (a file in configs/schema/) or by path to a YAML file."""
    path = Path(name_or_path)
    if not path.suffix:
        path = SCHEMA_DIR / f"{name_or_path}.yaml"
    if not path.is_file():
        raise SchemaError(f"schema file not found: {path}")
    with path.open(encoding="utf-8") as f:
        return Schema.from_dict(yaml.safe_load(f), source=str(path))
