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
