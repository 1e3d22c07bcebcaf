"""What drf-spectacular cannot see by itself in the open data API.

- Filters: the bounds (``min_value``/``max_value``/``max_length``) and the choices that come
  from the database (categories, kecamatan) are enforced by the FilterSets, so the spec states
  them too; a client (or schemathesis) then knows every value the server accepts.
- Errors: every operation may answer 404 and 429 (with ``Retry-After``), and 400 when it takes
  query parameters, all as ``Error``.
- OCDS packages: described by the OCDS 1.1 package schemas; the spec keeps their outline.
"""

from __future__ import annotations

from drf_spectacular.contrib.django_filters import DjangoFilterExtension

# Strings may be anything but NUL, which neither PostgreSQL nor Django's forms accept.
NO_NUL = "^[^\\x00]*$"

OCDS_RELEASE_PACKAGE = {"$ref": "#/components/schemas/OcdsReleasePackage"}
OCDS_RECORD_PACKAGE = {"$ref": "#/components/schemas/OcdsRecordPackage"}

_PACKAGE_META = {
    "uri": {"type": "string", "format": "uri"},
    "version": {"type": "string", "enum": ["1.1"]},
    "extensions": {
        "type": "array",
        "items": {"type": "string", "format": "uri"},
        "description": "URL extension.json setiap ekstensi OCDS yang dipakai",
    },
    "publishedDate": {"type": "string", "format": "date-time"},
    "publisher": {
        "type": "object",
        "required": ["name"],
        "properties": {
            "name": {"type": "string"},
            "scheme": {"type": "string"},
            "uid": {"type": "string"},
            "uri": {"type": "string", "format": "uri"},
        },
    },
    "license": {"type": "string", "format": "uri"},
    "publicationPolicy": {"type": "string", "format": "uri"},
}

COMPONENTS = {
    "Error": {
        "type": "object",
        "required": ["detail"],
        "properties": {
            "detail": {"type": "string"},
            "errors": {
                "type": "object",
                "description": "Per parameter: daftar {message, code}",
                "additionalProperties": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "properties": {"message": {"type": "string"}, "code": {"type": "string"}},
                    },
                },
            },
        },
    },
    "OcdsReleasePackage": {
        "type": "object",
        "description": "OCDS 1.1 release package: https://standard.open-contracting.org/1.1/en/schema/release_package/",
        "required": ["uri", "version", "publishedDate", "publisher", "releases"],
        "properties": {
            **_PACKAGE_META,
            "releases": {"type": "array", "items": {"type": "object"}},
        },
    },
    "OcdsRecordPackage": {
        "type": "object",
        "description": "OCDS 1.1 record package: https://standard.open-contracting.org/1.1/en/schema/record_package/",
        "required": ["uri", "version", "publishedDate", "publisher", "records"],
        "properties": {
            **_PACKAGE_META,
            "links": {
                "type": "object",
                "properties": {
                    "next": {"type": "string", "format": "uri"},
                    "prev": {"type": "string", "format": "uri"},
                },
            },
            "records": {
                "type": "array",
                "items": {
                    "type": "object",
                    "required": ["ocid", "releases"],
                    "properties": {
                        "ocid": {"type": "string"},
                        "releases": {"type": "array", "items": {"type": "object"}},
                        "compiledRelease": {"type": "object"},
                    },
                },
            },
        },
    },
}


def _error(description: str, headers: dict | None = None) -> dict:
    response = {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }
    if headers:
        response["headers"] = headers
    return response


RETRY_AFTER = {
    "Retry-After": {
        "schema": {"type": "integer", "minimum": 1},
        "description": "Detik sampai boleh mencoba lagi",
        "required": True,
    }
}


def add_error_responses(result, generator, request, public):
    """drf-spectacular postprocessing hook: error responses and the OCDS components."""
    schemas = result.setdefault("components", {}).setdefault("schemas", {})
    schemas.update(COMPONENTS)
    for path_item in result.get("paths", {}).values():
        for operation in path_item.values():
            responses = operation.setdefault("responses", {})
            if any(p.get("in") == "query" for p in operation.get("parameters", [])):
                responses.setdefault("400", _error("Parameter tidak valid"))
            responses.setdefault("404", _error("Tidak ditemukan (objek, halaman, atau tahun tanpa data)"))
            responses.setdefault("429", _error("Batas permintaan anonim terlampaui", RETRY_AFTER))
    return result


class BoundedFilterExtension(DjangoFilterExtension):
    """django-filter parameters with the bounds and database-backed choices the server enforces."""

    target_class = "opendata.api.FilterBackend"
    priority = 1

    def _get_explicit_filter_choices(self, filter_field):
        choices = filter_field.extra.get("choices")
        if callable(choices):
            # Categories and kecamatan: a fixed set per installation, read when the spec is built.
            return [value for value, _label in choices()]
        return super()._get_explicit_filter_choices(filter_field)

    def resolve_filter_field(self, auto_schema, model, filterset_class, field_name, filter_field):
        from django_filters import filters

        from .filters import IntegerFilter

        parameters = super().resolve_filter_field(
            auto_schema, model, filterset_class, field_name, filter_field
        )
        extra = filter_field.extra
        for parameter in parameters:
            schema = parameter["schema"]
            target = schema["items"] if schema.get("type") == "array" else schema
            if isinstance(filter_field, IntegerFilter):
                target["type"] = "integer"
                target.pop("format", None)
            if "min_value" in extra:
                target["minimum"] = extra["min_value"]
            if "max_value" in extra:
                target["maximum"] = extra["max_value"]
            if "max_length" in extra:
                target["maxLength"] = extra["max_length"]
            if target.get("type") == "string" and "enum" not in target and "format" not in target:
                target["pattern"] = NO_NUL
            if isinstance(filter_field, filters.BooleanFilter):
                target["type"] = "boolean"
            if schema.get("type") != "array":
                # As from a catalogue form: an empty value (``kategori=``) means "not given".
                parameter["allowEmptyValue"] = True
        return parameters
