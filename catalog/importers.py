"""Reading product rows from a vendor's CSV or XLSX file (no writes here: see services.import_products).

Every cell is read as text and validated with the same ``ProductForm`` as the
web page, so an imported product obeys exactly the same rules. Spreadsheet
formulae are never evaluated: a cell such as ``=SUM(A1:A3)`` is plain text
(and therefore not a valid number).
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from decimal import Decimal

from django.db.models import Q
from django.utils.translation import gettext as _

from ecatalog.spreadsheets import Limits, SpreadsheetError, read_xlsx

from .forms import ProductForm, category_choices, category_tree
from .models import Category

MAX_IMPORT_BYTES = 2 * 1024 * 1024
MAX_IMPORT_ROWS = 1000
MAX_XLSX_UNCOMPRESSED = 20 * 1024 * 1024
# Bounds of the spreadsheet itself (ecatalog/spreadsheets.py), checked before openpyxl builds
# anything: the header, MAX_IMPORT_ROWS products and some blank rows; extra columns for notes.
MAX_IMPORT_COLUMNS = 50
BLANK_ROWS_ALLOWED = 50

# (header in the file, form field, required column)
COLUMNS: list[tuple[str, str, bool]] = [
    ("nama", "name", True),
    ("kategori", "category", True),
    ("satuan", "unit", True),
    ("harga", "price", True),
    ("minimal_pesan", "min_order", False),
    ("stok", "stock", False),
    ("waktu_kirim_hari", "lead_time_days", False),
    ("deskripsi", "description", False),
    ("spesifikasi", "specifications_text", False),
    ("tkdn", "tkdn", False),
]
HEADERS = [header for header, _field, _required in COLUMNS]
DEFAULTS = {"min_order": "1", "stock": "0", "lead_time_days": "1", "tkdn": "0", "description": ""}
FIELD_TO_HEADER = {name: header for header, name, _required in COLUMNS}
FORMULA_PREFIXES = ("=", "+", "@")


class ImportFileError(Exception):
    """The file as a whole cannot be imported (format, size, headers)."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


@dataclass
class ParsedRow:
    line: int
    data: dict


@dataclass
class ParseResult:
    rows: list[ParsedRow] = field(default_factory=list)
    errors: list[tuple[int, str]] = field(default_factory=list)
    total_rows: int = 0


# The example product is a snack, so it is filed under the first category whose name or slug
# says snack or food (most specific first); a city without one gets a neutral example instead.
EXAMPLE_CATEGORY_WORDS = ("keripik", "camilan", "makanan ringan", "olahan", "makanan", "pangan", "kuliner")


def example_row(category_slug: str, category_name: str = "") -> list:
    """The template's example line; numbers are numbers, so a spreadsheet stores them as such."""
    if category_name:
        name = _("Contoh produk %(category)s") % {"category": category_name}
        return [name, category_slug, "pcs", 15000, 1, 100, 2, "", "", 0]
    return [
        "Keripik Apel Original 100 g",
        category_slug,
        "bungkus",
        15000,
        10,
        200,
        2,
        "Keripik apel manalagi asli Kota Batu, tanpa pengawet.",
        "Berat: 100 g; Bahan: apel manalagi; Kemasan: standing pouch",
        75,
    ]


def example_category() -> tuple[Category | None, bool]:
    """(category, whether it fits the snack example)."""
    for word in EXAMPLE_CATEGORY_WORDS:
        matches = Category.objects.filter(Q(name__icontains=word) | Q(slug__icontains=word.replace(" ", "-")))
        category = (
            matches.filter(children__isnull=True).order_by("pk").first() or matches.order_by("pk").first()
        )
        if category:
            return category, True
    category = (
        Category.objects.filter(children__isnull=True).order_by("pk").first() or Category.objects.first()
    )
    return category, False


# --------------------------------------------------------------------------- reading files


def _cell_text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "1" if value else "0"
    if isinstance(value, float):
        return str(int(value)) if value.is_integer() else str(Decimal(str(value)))
    return str(value).strip()


def _read_csv(data: bytes) -> list[tuple[int, list[str]]]:
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1252 only fails on 5 undefined bytes
        raise ImportFileError(_("Berkas CSV harus berteks UTF-8."))
    if "\x00" in text:
        raise ImportFileError(_("Berkas ini bukan CSV teks."))
    first_line = text.split("\n", 1)[0]
    # Excel with Indonesian regional settings writes ';' as the separator.
    delimiter = max([",", ";", "\t"], key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter)
    rows = []
    try:
        for row in reader:
            rows.append((reader.line_num, [cell.strip() for cell in row]))
            if len(rows) > MAX_IMPORT_ROWS + 1:
                break
    except csv.Error as exc:
        raise ImportFileError(_("CSV tidak dapat dibaca pada baris %(n)s.") % {"n": reader.line_num}) from exc
    return rows


def xlsx_limits() -> Limits:
    rows = MAX_IMPORT_ROWS + 1 + BLANK_ROWS_ALLOWED
    return Limits(
        rows=rows,
        columns=MAX_IMPORT_COLUMNS,
        cells=rows * len(HEADERS) * 2,
        unpacked_bytes=MAX_XLSX_UNCOMPRESSED,
    )


def _read_xlsx(data: bytes) -> list[tuple[int, list[str]]]:
    try:
        rows = read_xlsx(data, xlsx_limits(), data_only=False)
    except SpreadsheetError as exc:
        raise ImportFileError(exc.message) from exc
    return [(number, [_cell_text(v) for v in row]) for number, row in enumerate(rows, start=1)]


def read_rows(upload) -> list[tuple[int, list[str]]]:
    """The file's rows as ``(line number, cells)``, header included."""
    name = (getattr(upload, "name", "") or "").lower()
    if upload.size is not None and upload.size > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    upload.seek(0)
    data = upload.read(MAX_IMPORT_BYTES + 1)
    if len(data) > MAX_IMPORT_BYTES:
        raise ImportFileError(
            _("Berkas terlalu besar (maksimal %(mb)s MB).") % {"mb": MAX_IMPORT_BYTES // (1024 * 1024)}
        )
    if name.endswith(".xlsx"):
        if not data.startswith(b"PK\x03\x04"):
            raise ImportFileError(_("Berkas .xlsx ini bukan berkas Excel yang valid."))
        return _read_xlsx(data)
    if name.endswith(".csv"):
        return _read_csv(data)
    raise ImportFileError(_("Format berkas harus .csv atau .xlsx."))


# --------------------------------------------------------------------------- validating rows


class CategoryLookup:
    """Resolve a category cell by slug or (case-insensitive) name with one query."""

    def __init__(self):
        self.by_slug: dict[str, Category] = {}
        self.by_name: dict[str, list[Category]] = {}
        for category in Category.objects.all():
            self.by_slug[category.slug.lower()] = category
            self.by_name.setdefault(category.name.casefold(), []).append(category)

    def find(self, text: str) -> tuple[Category | None, str]:
        key = text.strip()
        if not key:
            return None, _("kategori wajib diisi")
        if key.lower() in self.by_slug:
            return self.by_slug[key.lower()], ""
        matches = self.by_name.get(key.casefold(), [])
        if len(matches) == 1:
            return matches[0], ""
        if matches:
            return None, _("nama kategori “%(c)s” ada lebih dari satu; pakai slug kategori") % {"c": key}
        return None, _("kategori “%(c)s” tidak dikenal") % {"c": key}


def _check_headers(header: list[str]) -> dict[str, int]:
    normalized = [h.strip().lower().replace(" ", "_") for h in header]
    positions: dict[str, int] = {}
    unknown = []
    for index, name in enumerate(normalized):
        if not name:
            continue
        if name not in HEADERS:
            unknown.append(name)
        elif name in positions:
            raise ImportFileError(_("Kolom “%(c)s” muncul dua kali.") % {"c": name})
        else:
            positions[name] = index
    missing = [h for h, _f, required in COLUMNS if required and h not in positions]
    if missing or unknown:
        parts = []
        if missing:
            parts.append(_("kolom wajib tidak ada: %(c)s") % {"c": ", ".join(missing)})
        if unknown:
            parts.append(_("kolom tidak dikenal: %(c)s") % {"c": ", ".join(unknown)})
        raise ImportFileError(
            _("Judul kolom tidak sesuai template (%(detail)s). Unduh template dan salin judul kolomnya.")
            % {"detail": "; ".join(parts)}
        )
    return positions


def _row_errors(form: ProductForm) -> str:
    messages = []
    for name, errors in form.errors.items():
        label = FIELD_TO_HEADER.get(name, "") if name != "__all__" else ""
        text = " ".join(str(e) for e in errors)
        messages.append(f"{label}: {text}" if label else text)
    return "; ".join(messages)


def parse_product_file(upload) -> ParseResult:
    """Validate every row of the upload; return valid rows (as product data) and errors by line."""
    rows = read_rows(upload)
    rows = [(line, cells) for line, cells in rows if any(cells)]
    if not rows:
        raise ImportFileError(_("Berkas kosong."))
    (_header_line, header), body = rows[0], rows[1:]
    positions = _check_headers(header)
    if not body:
        raise ImportFileError(_("Tidak ada baris produk di bawah judul kolom."))
    if len(body) > MAX_IMPORT_ROWS:
        raise ImportFileError(
            _("Maksimal %(n)s produk per berkas. Bagi berkas menjadi beberapa bagian.")
            % {"n": MAX_IMPORT_ROWS}
        )
    categories = CategoryLookup()
    choices = category_choices()
    result = ParseResult(total_rows=len(body))
    for line, cells in body:
        values = {
            name: (cells[positions[header]] if header in positions and positions[header] < len(cells) else "")
            for header, name, _required in COLUMNS
        }
        errors = []
        category, problem = categories.find(values["category"])
        if problem:
            errors.append(f"kategori: {problem}")
        values["category"] = str(category.pk) if category else ""
        for name, default in DEFAULTS.items():
            if values[name] == "":
                values[name] = default
        for name in ("price", "min_order", "stock", "lead_time_days", "tkdn"):
            if values[name].startswith(FORMULA_PREFIXES):
                errors.append(_("%(col)s: berisi rumus, isi dengan angka") % {"col": FIELD_TO_HEADER[name]})
                values[name] = ""
        # "Berat: 100 g; Bahan: apel" in one cell -> one spec per line.
        values["specifications_text"] = "\n".join(values["specifications_text"].split(";"))
        form = ProductForm(data=values, categories_choices=choices)
        if not form.is_valid():
            form_errors = _row_errors(form)
            if form_errors:
                errors.append(form_errors)
        if errors:
            result.errors.append((line, "; ".join(dict.fromkeys(errors))))
        else:
            result.rows.append(ParsedRow(line=line, data=form.product_data()))
    return result


# --------------------------------------------------------------------------- templates


def template_rows() -> tuple[list[str], list]:
    category, fits = example_category()
    if category is None:
        return HEADERS, example_row("makanan-minuman")
    return HEADERS, example_row(category.slug, "" if fits else category.name)


def template_csv() -> bytes:
    header, example = template_rows()
    buffer = io.StringIO()
    writer = csv.writer(buffer)
    writer.writerow(header)
    writer.writerow(example)
    # BOM so Excel opens the UTF-8 file with the right characters.
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def template_xlsx() -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    header, example = template_rows()
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = "Produk"
    sheet.append(header)
    sheet.append(example)
    for cell in sheet[1]:
        cell.font = Font(bold=True)
    for column, width in zip("ABCDEFGHIJ", (32, 24, 12, 12, 14, 10, 18, 40, 44, 8), strict=True):
        sheet.column_dimensions[column].width = width
    sheet.freeze_panes = "A2"
    reference = workbook.create_sheet("Kategori")
    reference.append([_("slug (isi di kolom kategori)"), _("nama kategori")])
    for category, depth in category_tree():
        reference.append([category.slug, "  " * depth + category.name])
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
