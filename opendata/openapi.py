"""The OpenAPI 3 description of the open data endpoints, built from a dict.

Kept next to the views so a new parameter is documented in the same change.
"""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from .api import DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE


def _query(name: str, description: str, schema: dict | None = None, **extra) -> dict:
    return {"name": name, "in": "query", "required": False, "description": description,
            "schema": schema or {"type": "string"}, **extra}  # fmt: skip


def _path(name: str, description: str, schema: dict | None = None) -> dict:
    return {"name": name, "in": "path", "required": True, "description": description,
            "schema": schema or {"type": "string"}}  # fmt: skip


PAGING = [
    _query("page", "Nomor halaman (mulai 1).", {"type": "integer", "minimum": 1}),
    _query(
        "page_size",
        f"Jumlah baris per halaman (bawaan {DEFAULT_PAGE_SIZE}, maksimal {MAX_PAGE_SIZE}; nilai lebih besar dipotong).",
        {"type": "integer", "minimum": 1},
    ),
]

PRODUCT_FILTERS = [
    _query(
        "q",
        "Kata kunci (nama, deskripsi, nama penyedia). `atau` untuk alternatif, `tanpa` untuk mengecualikan.",
    ),
    _query("kategori", "Slug kategori; termasuk subkategorinya."),
    _query("harga_min", "Harga satuan minimal (Rp).", {"type": "integer", "minimum": 0}),
    _query("harga_max", "Harga satuan maksimal (Rp).", {"type": "integer", "minimum": 0}),
    _query("penyedia", "Slug penyedia."),
    _query("kecamatan", "Nama kecamatan penyedia (mis. Batu, Bumiaji, Junrejo)."),
    _query(
        "skala",
        "Skala usaha penyedia; boleh diulang.",
        {"type": "array", "items": {"type": "string", "enum": ["mikro", "kecil", "menengah", "besar"]}},
        style="form",
        explode=True,
    ),
    _query("tkdn_min", "TKDN minimal (%).", {"type": "number", "minimum": 0, "maximum": 100}),
    _query(
        "sertifikat",
        "Hanya produk penyedia yang memiliki sertifikat ini, terverifikasi BPBJ dan masih berlaku.",
        {"type": "string", "enum": ["halal", "pirt", "sni", "tkdn"]},
    ),
    _query("stok", "`true`: hanya produk yang stoknya mencukupi minimal pesan.", {"type": "boolean"}),
    _query("urut", "Urutan.", {"type": "string", "enum": ["relevan", "terbaru", "harga", "-harga"]}),
]

OCDS_FILTERS = [
    _query(
        "dari",
        "Tanggal pesanan dikirim ke penyedia, mulai (YYYY-MM-DD, WIB).",
        {"type": "string", "format": "date"},
    ),
    _query(
        "sampai",
        "Tanggal pesanan dikirim ke penyedia, sampai (YYYY-MM-DD, WIB).",
        {"type": "string", "format": "date"},
    ),
    _query("opd", "Kode OPD pembeli."),
    _query("tahun", "Tahun anggaran.", {"type": "integer"}),
]


def _json(schema_ref: str, description: str = "OK") -> dict:
    return {"description": description, "content": {"application/json": {"schema": {"$ref": schema_ref}}}}


ERRORS = {
    "400": _json("#/components/schemas/Error", "Parameter tidak valid"),
    "429": {
        "description": "Batas permintaan anonim terlampaui",
        "headers": {
            "Retry-After": {"schema": {"type": "integer"}, "description": "Detik sampai boleh mencoba lagi"}
        },
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    },
}
NOT_FOUND = {"404": _json("#/components/schemas/Error", "Tidak ditemukan")}


def _page_of(item_ref: str) -> dict:
    return {
        "type": "object",
        "required": ["count", "next", "previous", "results"],
        "properties": {
            "count": {"type": "integer"},
            "next": {"type": ["string", "null"], "format": "uri"},
            "previous": {"type": ["string", "null"], "format": "uri"},
            "results": {"type": "array", "items": {"$ref": item_ref}},
        },
    }


SCHEMAS = {
    "Error": {
        "type": "object",
        "properties": {"detail": {"type": "string"}, "errors": {"type": "object"}},
        "required": ["detail"],
    },
    "CategoryRef": {
        "type": "object",
        "properties": {"id": {"type": "integer"}, "slug": {"type": "string"}, "name": {"type": "string"}},
    },
    "VendorBrief": {
        "type": "object",
        "properties": {
            "slug": {"type": "string"},
            "business_name": {"type": "string"},
            "scale": {"type": "string", "enum": ["mikro", "kecil", "menengah", "besar"]},
            "is_umk": {"type": "boolean"},
            "kecamatan": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "api_url": {"type": "string", "format": "uri"},
        },
    },
    "Vendor": {
        "allOf": [
            {"$ref": "#/components/schemas/VendorBrief"},
            {
                "type": "object",
                "description": "Hanya data usaha yang publik: tanpa nama pemilik, telepon, email, "
                "alamat jalan, NPWP, atau rekening bank.",
                "properties": {
                    "nib": {"type": "string", "description": "Nomor Induk Berusaha (13 digit)"},
                    "is_local": {"type": "boolean"},
                    "kelurahan": {"type": "string"},
                    "description": {"type": "string"},
                    "verified_at": {"type": ["string", "null"], "format": "date-time"},
                    "product_count": {"type": "integer"},
                    "products_api_url": {"type": "string", "format": "uri"},
                },
            },
        ]
    },
    "Product": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "name": {"type": "string"},
            "slug": {"type": "string"},
            "url": {"type": "string", "format": "uri"},
            "api_url": {"type": "string", "format": "uri"},
            "unit": {"type": "string"},
            "price": {"type": "integer", "description": "Harga satuan, Rupiah bulat"},
            "currency": {"type": "string", "enum": ["IDR"]},
            "min_order": {"type": "integer"},
            "stock": {"type": "integer"},
            "in_stock": {"type": "boolean"},
            "lead_time_days": {"type": "integer"},
            "tkdn": {"type": "number"},
            "category": {"$ref": "#/components/schemas/CategoryRef"},
            "vendor": {"$ref": "#/components/schemas/VendorBrief"},
            "thumbnail": {"type": ["string", "null"], "format": "uri"},
            "published_at": {"type": ["string", "null"], "format": "date-time"},
        },
    },
    "ProductDetail": {
        "allOf": [
            {"$ref": "#/components/schemas/Product"},
            {
                "type": "object",
                "properties": {
                    "description": {"type": "string"},
                    "specifications": {
                        "type": "array",
                        "items": {"type": "array", "items": {"type": "string"}},
                    },
                    "photos": {"type": "array", "items": {"type": "string", "format": "uri"}},
                    "price_history": {"type": "array", "items": {"type": "object"}},
                },
            },
        ]
    },
    "CategoryNode": {
        "type": "object",
        "properties": {
            "id": {"type": "integer"},
            "slug": {"type": "string"},
            "name": {"type": "string"},
            "product_count": {"type": "integer"},
            "products_api_url": {"type": "string", "format": "uri"},
            "children": {"type": "array", "items": {"$ref": "#/components/schemas/CategoryNode"}},
        },
    },
    "ProductPage": _page_of("#/components/schemas/Product"),
    "VendorPage": _page_of("#/components/schemas/Vendor"),
    "CategoryTree": _page_of("#/components/schemas/CategoryNode"),
    "OcdsPackage": {
        "type": "object",
        "description": "Paket OCDS 1.1 (release package atau record package); lihat "
        "https://standard.open-contracting.org/1.1/en/schema/",
        "additionalProperties": True,
    },
}


def openapi_spec(request) -> dict:
    server = request.build_absolute_uri(reverse("opendata:index")).rstrip("/")
    ocid_param = _path("ocid", f"Open Contracting ID, `{settings.OCDS_OCID_PREFIX}-<nomor pesanan>`.")
    return {
        "openapi": "3.1.0",
        "info": {
            "title": f"Data terbuka E-Katalog Lokal {settings.CITY_NAME}",
            "version": "1.0.0",
            "description": "API baca-saja katalog produk lokal dan publikasi OCDS pembelian OPD. "
            "Klien anonim dibatasi jumlah permintaannya per menit (HTTP 429 + Retry-After).",
            "license": {"name": "CC BY 4.0", "url": "https://creativecommons.org/licenses/by/4.0/"},
        },
        "servers": [{"url": server}],
        "paths": {
            "/api/products/": {
                "get": {
                    "summary": "Daftar produk tayang",
                    "operationId": "listProducts",
                    "parameters": PRODUCT_FILTERS + PAGING,
                    "responses": {"200": _json("#/components/schemas/ProductPage"), **ERRORS, **NOT_FOUND},
                }
            },
            "/api/products/{id}/": {
                "get": {
                    "summary": "Detail produk tayang",
                    "operationId": "getProduct",
                    "parameters": [_path("id", "ID produk", {"type": "integer"})],
                    "responses": {"200": _json("#/components/schemas/ProductDetail"), **NOT_FOUND, **ERRORS},
                }
            },
            "/api/categories/": {
                "get": {
                    "summary": "Pohon kategori dengan jumlah produk tayang",
                    "operationId": "listCategories",
                    "responses": {"200": _json("#/components/schemas/CategoryTree"), **ERRORS},
                }
            },
            "/api/vendors/": {
                "get": {
                    "summary": "Daftar penyedia terverifikasi",
                    "operationId": "listVendors",
                    "parameters": [
                        _query("q", "Bagian dari nama usaha."),
                        _query("kecamatan", "Nama kecamatan."),
                        _query(
                            "skala",
                            "Skala usaha; boleh diulang.",
                            {"type": "array", "items": {"type": "string"}},
                        ),
                        *PAGING,
                    ],
                    "responses": {"200": _json("#/components/schemas/VendorPage"), **ERRORS, **NOT_FOUND},
                }
            },
            "/api/vendors/{slug}/": {
                "get": {
                    "summary": "Detail penyedia terverifikasi",
                    "operationId": "getVendor",
                    "parameters": [_path("slug", "Slug penyedia")],
                    "responses": {"200": _json("#/components/schemas/Vendor"), **NOT_FOUND, **ERRORS},
                }
            },
            "/ocds/records/": {
                "get": {
                    "summary": "Record package OCDS per halaman (links.next / links.prev)",
                    "operationId": "listRecords",
                    "parameters": OCDS_FILTERS + PAGING,
                    "responses": {"200": _json("#/components/schemas/OcdsPackage"), **ERRORS, **NOT_FOUND},
                }
            },
            "/ocds/records/{ocid}/": {
                "get": {
                    "summary": "Record package OCDS satu pesanan",
                    "operationId": "getRecord",
                    "parameters": [ocid_param],
                    "responses": {"200": _json("#/components/schemas/OcdsPackage"), **NOT_FOUND, **ERRORS},
                }
            },
            "/ocds/releases/{ocid}/": {
                "get": {
                    "summary": "Release package OCDS satu pesanan (semua rilis)",
                    "operationId": "getReleases",
                    "parameters": [ocid_param],
                    "responses": {"200": _json("#/components/schemas/OcdsPackage"), **NOT_FOUND, **ERRORS},
                }
            },
            "/ocds/bulk/{year}.jsonl": {
                "get": {
                    "summary": "Unduhan massal satu tahun anggaran: satu record OCDS per baris (JSON Lines)",
                    "operationId": "bulkRecords",
                    "parameters": [_path("year", "Tahun anggaran", {"type": "integer"})],
                    "responses": {
                        "200": {"description": "JSON Lines", "content": {"application/x-ndjson": {}}},
                        **NOT_FOUND,
                        "429": ERRORS["429"],
                    },
                }
            },
        },
        "components": {"schemas": SCHEMAS},
    }
