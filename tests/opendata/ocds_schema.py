"""OCDS 1.1.5 validators over the schemas shipped in tests/data/ocds (nothing is downloaded)."""

import json
from datetime import datetime
from functools import cache
from pathlib import Path

from jsonschema import Draft4Validator, FormatChecker
from referencing import Registry
from referencing.jsonschema import DRAFT4

SCHEMA_DIR = Path(__file__).resolve().parent.parent / "data" / "ocds"
NAMES = [
    "release-schema.json",
    "release-package-schema.json",
    "record-package-schema.json",
    "versioned-release-validation-schema.json",
]


@cache
def _schemas() -> dict:
    return {name: json.loads((SCHEMA_DIR / name).read_text()) for name in NAMES}


@cache
def _registry() -> Registry:
    return Registry().with_resources((s["id"], DRAFT4.create_resource(s)) for s in _schemas().values())


FORMATS = FormatChecker()


@FORMATS.checks("date-time", raises=ValueError)
def _date_time(value) -> bool:
    """ISO 8601 with an explicit offset (jsonschema only checks it when rfc3339-validator is installed)."""
    if not isinstance(value, str):
        return True
    return "T" in value and datetime.fromisoformat(value).tzinfo is not None


@cache
def validator(name: str) -> Draft4Validator:
    return Draft4Validator(_schemas()[name], registry=_registry(), format_checker=FORMATS)


def errors(name: str, instance) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in validator(name).iter_errors(instance)
    ]


# --- Extensions and undeclared fields (what lib-cove-ocds checks) --------------------------------

EXTENSION_DIR = SCHEMA_DIR / "extensions"


def merge_patch(target, patch):
    """RFC 7386 JSON Merge Patch, the way OCDS extensions patch the release schema."""
    if not isinstance(patch, dict):
        return patch
    result = dict(target) if isinstance(target, dict) else {}
    for key, value in patch.items():
        if value is None:
            result.pop(key, None)
        else:
            result[key] = merge_patch(result.get(key), value)
    return result


def _strict(node):
    """Every object schema that lists its properties refuses any other (lib-cove's "additional fields")."""
    if isinstance(node, list):
        return [_strict(item) for item in node]
    if not isinstance(node, dict):
        return node
    result = {key: _strict(value) for key, value in node.items()}
    if "properties" in result and "additionalProperties" not in result:
        result["additionalProperties"] = False
    return result


def extended_release_schema(patches: list[dict]) -> dict:
    schema = _schemas()["release-schema.json"]
    for patch in patches:
        schema = merge_patch(schema, patch)
    return schema


def strict_validator(name: str, patches: list[dict]) -> Draft4Validator:
    """A validator for ``name`` with the release schema patched by ``patches``, every object closed."""
    schemas = {key: _strict(value) for key, value in _schemas().items()}
    schemas["release-schema.json"] = _strict(extended_release_schema(patches))
    registry = Registry().with_resources((s["id"], DRAFT4.create_resource(s)) for s in schemas.values())
    return Draft4Validator(schemas[name], registry=registry, format_checker=FORMATS)


def strict_errors(name: str, instance, patches: list[dict]) -> list[str]:
    return [
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}"
        for e in strict_validator(name, patches).iter_errors(instance)
    ]
