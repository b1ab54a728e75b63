"""A small validator for OpenAPI 3.0 schemas, enough to hold the sandbox's answers against
GitHub's and Atlassian's published descriptions.

It checks ``type``, ``nullable``, ``required``, ``properties``, ``items``, ``enum``,
``allOf``/``anyOf``/``oneOf`` and ``date-time`` formats, following ``$ref``s inside the
document. Properties the schema does not list are allowed (the real APIs add fields over
time). ``oneOf`` is treated like ``anyOf``: GitHub's alternatives overlap (private and
public user), so "exactly one" would reject real answers.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

JSON_TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
}


def resolve(schema: dict[str, Any], spec: dict[str, Any]) -> dict[str, Any]:
    while "$ref" in schema:
        node: Any = spec
        for part in schema["$ref"].removeprefix("#/").split("/"):
            node = node[part.replace("~1", "/").replace("~0", "~")]
        schema = node
    return schema


def check(
    instance: Any, schema: dict[str, Any], spec: dict[str, Any], where: str = "$"
) -> list[str]:
    """The ways ``instance`` breaks ``schema``; empty when it conforms."""
    schema = resolve(schema, spec)
    if instance is None:
        if _nullable(schema, spec) or not schema:
            return []
        return [f"{where}: null where the schema has no nullable"]
    problems: list[str] = []
    for part in schema.get("allOf", []):
        problems += check(instance, part, spec, where)
    for key in ("anyOf", "oneOf"):
        if key in schema:
            options = [check(instance, option, spec, where) for option in schema[key]]
            if all(options):
                best = min(options, key=len)
                problems.append(f"{where}: matches none of {key}; nearest: {best[:3]}")
    expected = schema.get("type")
    if expected in JSON_TYPES and not _has_type(instance, expected):
        return [
            *problems,
            f"{where}: {type(instance).__name__} where the schema has {expected}",
        ]
    if "enum" in schema and instance not in schema["enum"]:
        problems.append(f"{where}: {instance!r} not in {schema['enum']}")
    if schema.get("format") == "date-time" and isinstance(instance, str):
        try:
            datetime.fromisoformat(instance.replace("Z", "+00:00"))
        except ValueError:
            problems.append(f"{where}: {instance!r} is not a date-time")
    if isinstance(instance, dict):
        for name in schema.get("required", []):
            if name not in instance:
                problems.append(f"{where}: required {name!r} missing")
        for name, sub in schema.get("properties", {}).items():
            if name in instance:
                problems += check(instance[name], sub, spec, f"{where}.{name}")
    if isinstance(instance, list) and "items" in schema:
        for index, item in enumerate(instance):
            problems += check(item, schema["items"], spec, f"{where}[{index}]")
    return problems


def _nullable(schema: dict[str, Any], spec: dict[str, Any]) -> bool:
    schema = resolve(schema, spec)
    if schema.get("nullable") or schema.get("type") == "null":
        return True
    parts = schema.get("allOf", []) + schema.get("anyOf", []) + schema.get("oneOf", [])
    return any(_nullable(part, spec) for part in parts)


def _has_type(instance: Any, expected: str) -> bool:
    if isinstance(instance, bool) and expected in ("integer", "number"):
        return False
    return isinstance(instance, JSON_TYPES[expected])
